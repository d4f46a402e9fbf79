/*
 * stun.c - STUN Binding messages (lib/net/stun): RFC 5769 2.2's sample
 * IPv4 response, requests and responses made and read back for IPv4 and
 * IPv6, and what is not STUN.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "stun.h"
#include "tap.h"

/* RFC 5769 2.2: XOR-MAPPED-ADDRESS 192.0.2.1:32853 among others */
static const unsigned char rfc5769_v4[] = {
	0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42,
	0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
	0xfa, 0x87, 0xdf, 0xae,
	0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74,
	0x20, 0x76, 0x65, 0x63, 0x74, 0x6f, 0x72, 0x20,
	0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47,
	0xe1, 0x12, 0xa6, 0x43,
	0x00, 0x08, 0x00, 0x14, 0x2b, 0x91, 0xf5, 0x99,
	0xfd, 0x9e, 0x90, 0xc3, 0x8c, 0x74, 0x89, 0xf9,
	0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b, 0xe7, 0xd7,
	0x80, 0x28, 0x00, 0x04, 0xc0, 0x7d, 0x4c, 0x96
};

int
main(void)
{
	struct sip_stun s, q;
	struct sip_sockaddr a;
	unsigned char req[SIP_STUN_HDR], tx[SIP_STUN_TXID], bad[64];
	char str[SIP_NET_ADDRSTR];
	struct buf b;

	ok(sip_stun_is(rfc5769_v4, sizeof rfc5769_v4), "RFC 5769 2.2 is STUN");
	ok(sip_stun_parse(&s, rfc5769_v4, sizeof rfc5769_v4) == SIP_OK &&
	    s.cls == SIP_STUN_SUCCESS && s.method == SIP_STUN_BINDING &&
	    s.has_mapped && strcmp(sip_net_str(&s.mapped, str, sizeof str),
	    "192.0.2.1:32853") == 0 && s.txid[0] == 0xb7 && s.txid[11] == 0xae,
	    "its XOR-MAPPED-ADDRESS is 192.0.2.1:32853: %s", str);
	ok(!sip_stun_is("OPTIONS sip:a SIP/2.0\r\n\r\n", 25), "SIP is not STUN");
	ok(!sip_stun_is(rfc5769_v4, sizeof rfc5769_v4 - 4),
	    "a length that does not match the datagram is not STUN");
	memcpy(bad, rfc5769_v4, SIP_STUN_HDR);
	bad[3] = 8;
	memcpy(bad + SIP_STUN_HDR, "\x00\x20\x00\x40\x00\x01\xa1\x47", 8);
	ok(sip_stun_parse(&s, bad, SIP_STUN_HDR + 8) == SIP_E_PARSE,
	    "an attribute longer than the message is an error");

	for (int i = 0; i < SIP_STUN_TXID; i++)
		tx[i] = (unsigned char)(i * 17);
	sip_stun_request(req, tx);
	ok(sip_stun_parse(&q, req, sizeof req) == SIP_OK &&
	    q.cls == SIP_STUN_REQUEST && q.method == SIP_STUN_BINDING &&
	    memcmp(q.txid, tx, sizeof tx) == 0 && !q.has_mapped,
	    "a Binding request reads back");
	sip_net_numeric("198.51.100.7", 40000, &a);
	buf_init(&b, 512);
	ok(sip_stun_response(&b, &q, &a) == SIP_OK &&
	    sip_stun_parse(&s, b.p, b.len) == SIP_OK &&
	    s.cls == SIP_STUN_SUCCESS && memcmp(s.txid, tx, sizeof tx) == 0 &&
	    strcmp(sip_net_str(&s.mapped, str, sizeof str),
	    "198.51.100.7:40000") == 0, "IPv4 response: %s", str);
	buf_reset(&b);
	sip_net_numeric("2001:db8::1", 5060, &a);
	ok(sip_stun_response(&b, &q, &a) == SIP_OK &&
	    sip_stun_parse(&s, b.p, b.len) == SIP_OK &&
	    strcmp(sip_net_str(&s.mapped, str, sizeof str),
	    "[2001:db8::1]:5060") == 0, "IPv6 response: %s", str);
	ok(sip_stun_response(&b, &s, &a) == SIP_E_INVAL,
	    "only a request is answered");
	buf_free(&b);
	return done();
}
