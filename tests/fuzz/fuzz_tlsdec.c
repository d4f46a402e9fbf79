/*
 * fuzz_tlsdec.c - libFuzzer target for the TLS record decrypter.  The
 * input is a key log (two length bytes, then its text) and then chunks
 * of one side's stream bytes (a side byte, two length bytes, the bytes),
 * so that a corpus made of real sessions reaches the ciphers.  A "key
 * log" that starts with "-----BEGIN" is a server's private key in PEM
 * (--tls-key), for sessions with RSA key exchange.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tlsdec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sip_tlsdec_keys *k;
	struct sip_tlsdec *d;
	static uint8_t out[SIP_TLSDEC_MAX];
	size_t kl, n, outlen, total = 0;
	int side;

	if (size < 2)
		return 0;
	kl = (size_t)data[0] << 8 | data[1];
	if (kl > size - 2)
		kl = size - 2;
	if (kl >= 10 && memcmp(data + 2, "-----BEGIN", 10) == 0) {
		const char *why;

		k = NULL;
		if (sip_tlsdec_keys_rsa(&k, (const char *)data + 2, kl, &why) !=
		    SIP_OK) {
			sip_tlsdec_keys_free(k);
			return 0;
		}
	} else if (sip_tlsdec_keys_parse(&k, (const char *)data + 2, kl,
	    NULL) != SIP_OK)
		return 0;
	if ((d = sip_tlsdec_new(k)) == NULL) {
		sip_tlsdec_keys_free(k);
		return 0;
	}
	data += 2 + kl;
	size -= 2 + kl;
	while (size >= 3) {
		side = data[0] & 1;
		n = (size_t)data[1] << 8 | data[2];
		if (n > size - 3)
			n = size - 3;
		if (sip_tlsdec_feed(d, side, data + 3, n) != SIP_OK)
			break;
		while (sip_tlsdec_next(d, side, out, &outlen) == SIP_OK) {
			if (outlen == 0 || outlen > SIP_TLSDEC_MAX)
				abort();	/* one record's plaintext at most */
			total += outlen;
		}
		data += 3 + n;
		size -= 3 + n;
	}
	(void)total;
	sip_tlsdec_free(d);
	sip_tlsdec_keys_free(k);
	return 0;
}
