/*
 * fuzz_stun.c - libFuzzer target for STUN (lib/net/stun): any bytes are
 * checked and parsed; a Binding request is answered and the answer read
 * back, which must give the address it was made for.
 */
#include <stdint.h>
#include <string.h>
#include <stdlib.h>

#include "stun.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sip_stun s, r;
	struct sip_sockaddr a;
	struct buf b;

	(void)sip_stun_is(data, size);
	if (sip_stun_parse(&s, data, size) != SIP_OK)
		return 0;
	if (sip_net_numeric(size & 1 ? "::1" : "127.0.0.1", 5060, &a) != SIP_OK)
		return 0;
	buf_init(&b, 512);
	if (sip_stun_response(&b, &s, &a) == SIP_OK &&
	    (sip_stun_parse(&r, b.p, b.len) != SIP_OK || !r.has_mapped ||
	    memcmp(r.txid, s.txid, SIP_STUN_TXID) != 0))
		abort();
	buf_free(&b);
	return 0;
}
