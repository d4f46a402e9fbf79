/*
 * fuzz_dns.c - libFuzzer target for the DNS answer parser: the input is
 * parsed as a response (every kept record formatted, every name and
 * NAPTR string checked to lie inside its bounds), then used as a name:
 * one we would ask, c-ares must encode, and our parser must read back.
 */
#include <ares.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
inside(struct slice s, const uint8_t *data, size_t size)
{
	if (s.len > 0 && ((const uint8_t *)s.p < data ||
	    (const uint8_t *)s.p + s.len > data + size))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sip_dns_msg m;
	char txt[1024], name[SIP_DNS_NAME_SIZE + 8];
	unsigned char *q;
	size_t nl;
	int qlen;

	if (sip_dns_parse(&m, data, size) == SIP_OK) {
		if (m.n > SIP_DNS_MAX_RR || strlen(m.qname) > SIP_DNS_MAX_NAME)
			abort();
		for (unsigned i = 0; i < m.n; i++) {
			const struct sip_dns_rr *rr = &m.rr[i];

			if (strlen(rr->name) > SIP_DNS_MAX_NAME)
				abort();
			if (rr->type == SIP_DNS_NAPTR) {
				inside(rr->u.naptr.flags, data, size);
				inside(rr->u.naptr.service, data, size);
				inside(rr->u.naptr.regexp, data, size);
			}
			sip_dns_rr_format(rr, txt, sizeof(txt));
		}
	}
	/* The bytes as a name: a question for it parses back to it. */
	nl = size < sizeof(name) - 1 ? size : sizeof(name) - 1;
	memcpy(name, data, nl);
	name[nl] = '\0';
	if (sip_dns_name_check(name) == SIP_OK) {
		nl = strlen(name);
		if (nl > 0 && name[nl - 1] == '.')
			name[--nl] = '\0';
		if (ares_create_query(name, 1, SIP_DNS_SRV, 0x4242, 1, &q,
		    &qlen, (size & 1) ? SIP_DNS_EDNS_SIZE : 0) != ARES_SUCCESS)
			abort();
		q[2] |= 0x80;		/* make it a response */
		if (sip_dns_parse(&m, q, (size_t)qlen) != SIP_OK ||
		    strcmp(m.qname, name) != 0 || m.qtype != SIP_DNS_SRV ||
		    m.n != 0)
			abort();
		ares_free_string(q);
	}
	return 0;
}
