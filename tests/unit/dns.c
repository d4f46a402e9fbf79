/*
 * dns.c - unit tests for lib/dns.c: the names we may ask, answers made
 * by hand (compression pointers, loops, truncation, bad counts and
 * lengths), a question c-ares encodes read back by our parser, and the
 * server syntax.
 */
#include <arpa/inet.h>
#include <ares.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dns.h"
#include "dnsd.h"
#include "tap.h"

static struct sip_dns_msg m;

static enum sip_err
parse(const struct pkt *p)
{
	return sip_dns_parse(&m, p->b, p->n);
}

static void
test_name(void)
{
	char big[300];
	unsigned char *q = NULL;
	int qlen = 0;

	ok(sip_dns_name_check("sip.test") == SIP_OK &&
	    sip_dns_name_check("sip.test.") == SIP_OK, "name: with and "
	    "without a trailing dot");
	ok(sip_dns_name_check("") == SIP_E_INVAL, "name: empty");
	ok(sip_dns_name_check(".") == SIP_E_INVAL, "name: the root alone");
	ok(sip_dns_name_check("a..b") == SIP_E_INVAL, "name: empty label");
	ok(sip_dns_name_check(".a") == SIP_E_INVAL, "name: leading dot");
	ok(sip_dns_name_check("a..") == SIP_E_INVAL, "name: two trailing dots");
	ok(sip_dns_name_check("a b.test") == SIP_E_INVAL &&
	    sip_dns_name_check("a\\b.test") == SIP_E_INVAL,
	    "name: a space or a backslash in a label");
	memset(big, 'a', 64);
	big[64] = '\0';
	ok(sip_dns_name_check(big) == SIP_E_INVAL, "name: a 64-byte label");
	big[63] = '\0';
	ok(sip_dns_name_check(big) == SIP_OK, "name: a 63-byte label");
	for (int i = 0; i < 255; i++)
		big[i] = (i % 2) ? '.' : 'a';
	big[255] = '\0';
	ok(sip_dns_name_check(big) == SIP_E_TOOBIG, "name: 255 characters");
	big[253] = '\0';
	ok(sip_dns_name_check(big) == SIP_OK,
	    "name: 253 characters (255 bytes on the wire)");

	/* What c-ares sends, read by our parser once marked a response. */
	ok(ares_create_query("Sip.Test", 1, SIP_DNS_NAPTR, 0x1234, 1, &q,
	    &qlen, SIP_DNS_EDNS_SIZE) == ARES_SUCCESS && qlen > 12 &&
	    (q[2] |= 0x80, sip_dns_parse(&m, q, (size_t)qlen)) == SIP_OK &&
	    m.id == 0x1234 && strcmp(m.qname, "Sip.Test") == 0 &&
	    m.qtype == SIP_DNS_NAPTR && m.qclass == 1 && m.n == 0,
	    "name: a c-ares question with EDNS parses back to its name");
	ares_free_string(q);
}

static void
test_parse(void)
{
	struct pkt p;
	char txt[300];
	size_t full;
	int bad;

	/* A with the owner compressed to the question. */
	header(&p, 7, 0x8180, 1, 2);
	question(&p, "sip.test", SIP_DNS_A);
	rr_head(&p, 12, SIP_DNS_A, 4);
	raw(&p, "\x7f\x00\x00\x01", 4);
	rr_head(&p, 12, SIP_DNS_A, 4);
	raw(&p, "\xc0\x00\x02\x07", 4);
	ok(parse(&p) == SIP_OK && m.n == 2 && m.id == 7 && m.rcode == 0 &&
	    strcmp(m.qname, "sip.test") == 0 && m.qtype == SIP_DNS_A &&
	    strcmp(m.rr[0].name, "sip.test") == 0 && m.rr[0].ttl == 300 &&
	    memcmp(m.rr[1].u.a, "\xc0\x00\x02\x07", 4) == 0,
	    "parse: two A records, owners compressed");
	sip_dns_rr_format(&m.rr[1], txt, sizeof(txt));
	ok(strcmp(txt, "192.0.2.7") == 0, "format: A (%s)", txt);

	/* Every shorter prefix is malformed, never read past. */
	full = p.n;
	bad = 0;
	for (size_t n = 0; n < full; n++)
		if (sip_dns_parse(&m, p.b, n) != SIP_E_PARSE)
			bad++;
	ok(bad == 0, "parse: each of %zu truncations is SIP_E_PARSE", full);

	/* SRV whose target is "a" + a pointer into the question. */
	header(&p, 8, 0x8580, 1, 1);
	question(&p, "_sip._udp.sip.test", SIP_DNS_SRV);
	rr_head(&p, 12, SIP_DNS_SRV, 6 + 2 + 2);
	u16(&p, 10);
	u16(&p, 60);
	u16(&p, 5060);
	name(&p, "a", 12 + 10);		/* -> "sip.test" */
	ok(parse(&p) == SIP_OK && m.n == 1 && m.rr[0].type == SIP_DNS_SRV &&
	    strcmp(m.rr[0].name, "_sip._udp.sip.test") == 0 &&
	    strcmp(m.rr[0].u.srv.target, "a.sip.test") == 0,
	    "parse: SRV with a compressed target");
	sip_dns_rr_format(&m.rr[0], txt, sizeof(txt));
	ok(strcmp(txt, "10 60 5060 a.sip.test") == 0, "format: SRV (%s)", txt);
	full = p.n;
	bad = 0;
	for (size_t n = 0; n < full; n++)
		if (sip_dns_parse(&m, p.b, n) != SIP_E_PARSE)
			bad++;
	ok(bad == 0, "parse: each SRV truncation is SIP_E_PARSE");

	/* SRV rdlength one byte longer than its contents. */
	p.b[p.n - 11] = 11;
	u8(&p, 0);
	ok(parse(&p) == SIP_E_PARSE, "parse: SRV rdlength past its name");

	/* NAPTR. */
	header(&p, 9, 0x8180, 1, 1);
	question(&p, "sip.test", SIP_DNS_NAPTR);
	rr_head(&p, 12, SIP_DNS_NAPTR, 4 + 11 + 12);
	u16(&p, 20);
	u16(&p, 50);
	raw(&p, "\001s\007SIP+D2T\000", 11);
	name(&p, "_sip._tcp", 12);
	ok(parse(&p) == SIP_OK && m.n == 1 &&
	    m.rr[0].u.naptr.order == 20 && m.rr[0].u.naptr.pref == 50 &&
	    slice_eq_lit(m.rr[0].u.naptr.flags, "s") &&
	    slice_eq_lit(m.rr[0].u.naptr.service, "SIP+D2T") &&
	    m.rr[0].u.naptr.regexp.len == 0 &&
	    strcmp(m.rr[0].u.naptr.repl, "_sip._tcp.sip.test") == 0,
	    "parse: NAPTR");
	sip_dns_rr_format(&m.rr[0], txt, sizeof(txt));
	ok(strcmp(txt, "20 50 \"s\" \"SIP+D2T\" \"\" _sip._tcp.sip.test") == 0,
	    "format: NAPTR (%s)", txt);
	/* A character-string longer than the rdata. */
	p.b[12 + 14 + 12 + 4] = 200;
	ok(parse(&p) == SIP_E_PARSE, "parse: NAPTR string past its rdata");

	/* AAAA, a CNAME, an unknown type and a CH-class record. */
	header(&p, 10, 0x8180, 1, 4);
	question(&p, "v6.test", SIP_DNS_AAAA);
	rr_head(&p, 12, SIP_DNS_CNAME, 4);
	name(&p, "x", 12);
	rr_head(&p, 12 + 13 + 12, SIP_DNS_AAAA, 16);
	raw(&p, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	rr_head(&p, 12, 16, 3);		/* TXT */
	raw(&p, "\002hi", 3);
	u16(&p, 0xc00c);
	u16(&p, SIP_DNS_A);
	u16(&p, 3);			/* CH */
	u32(&p, 0x80000000u);
	u16(&p, 4);
	raw(&p, "\1\2\3\4", 4);
	ok(parse(&p) == SIP_OK && m.n == 2 &&
	    m.rr[0].type == SIP_DNS_CNAME &&
	    strcmp(m.rr[0].u.cname, "x.v6.test") == 0 &&
	    m.rr[1].type == SIP_DNS_AAAA &&
	    strcmp(m.rr[1].name, "x.v6.test") == 0,
	    "parse: CNAME and AAAA kept, TXT and class CH skipped");
	sip_dns_rr_format(&m.rr[1], txt, sizeof(txt));
	ok(strcmp(txt, "2001:db8::1") == 0, "format: AAAA (%s)", txt);

	/* Wrong fixed rdata lengths. */
	header(&p, 11, 0x8180, 1, 1);
	question(&p, "sip.test", SIP_DNS_A);
	rr_head(&p, 12, SIP_DNS_A, 5);
	raw(&p, "\1\2\3\4\5", 5);
	ok(parse(&p) == SIP_E_PARSE, "parse: A with 5 bytes");
	header(&p, 11, 0x8180, 1, 1);
	question(&p, "sip.test", SIP_DNS_AAAA);
	rr_head(&p, 12, SIP_DNS_AAAA, 4);
	raw(&p, "\1\2\3\4", 4);
	ok(parse(&p) == SIP_E_PARSE, "parse: AAAA with 4 bytes");
	header(&p, 11, 0x8180, 1, 1);
	question(&p, "sip.test", SIP_DNS_A);
	rr_head(&p, 12, SIP_DNS_A, 40);
	raw(&p, "\1\2\3\4", 4);
	ok(parse(&p) == SIP_E_PARSE, "parse: rdlength past the packet");
	header(&p, 11, 0x8180, 1, 1);
	question(&p, "sip.test", SIP_DNS_SRV);
	rr_head(&p, 12, SIP_DNS_SRV, 5);
	raw(&p, "\0\1\0\1\0", 5);
	ok(parse(&p) == SIP_E_PARSE, "parse: SRV shorter than 7 bytes");

	/* Pointers: to itself, forwards, and a cycle of two. */
	header(&p, 12, 0x8180, 1, 0);
	u16(&p, 0xc00c);
	u16(&p, 1);
	u16(&p, 1);
	ok(parse(&p) == SIP_E_PARSE, "parse: a pointer to itself");
	header(&p, 12, 0x8180, 1, 0);
	u16(&p, 0xc00e);
	u8(&p, 0);
	u16(&p, 1);
	u16(&p, 1);
	ok(parse(&p) == SIP_E_PARSE, "parse: a pointer forwards");
	header(&p, 12, 0x8180, 1, 1);
	question(&p, "a.test", SIP_DNS_A);	/* 12..23 */
	/* owner: "b" at 24, then a pointer back to 24 */
	u8(&p, 1);
	u8(&p, 'b');
	u16(&p, 0xc000u | 24);
	u16(&p, SIP_DNS_A);
	u16(&p, 1);
	u32(&p, 1);
	u16(&p, 4);
	raw(&p, "\1\2\3\4", 4);
	ok(parse(&p) == SIP_E_PARSE, "parse: a label then a pointer to it");
	header(&p, 12, 0x8180, 1, 0);
	u8(&p, 1);
	u8(&p, 'a');
	u16(&p, 0xc000u | 16);	/* -> the pointer below */
	u16(&p, 0xc000u | 12);	/* -> back to "a" */
	ok(parse(&p) == SIP_E_PARSE, "parse: two pointers in a cycle");
	header(&p, 12, 0x8180, 1, 0);
	u8(&p, 0xc0);
	ok(parse(&p) == SIP_E_PARSE, "parse: half a pointer at the end");
	header(&p, 12, 0x8180, 1, 0);
	u8(&p, 0x41);
	raw(&p, "abc", 3);
	u8(&p, 0);
	u16(&p, 1);
	u16(&p, 1);
	ok(parse(&p) == SIP_E_PARSE, "parse: an extended label type");
	header(&p, 12, 0x8180, 1, 0);
	u8(&p, 3);
	raw(&p, "a.b", 3);
	u8(&p, 0);
	u16(&p, 1);
	u16(&p, 1);
	ok(parse(&p) == SIP_E_PARSE, "parse: a dot inside a label");

	/*
	 * A name over 255 bytes: labels of 63 bytes chained by pointers
	 * inside the rdata of a TXT record, and an owner that ends in them.
	 */
	header(&p, 13, 0x8180, 1, 2);
	question(&p, "x", 1);
	rr_head(&p, 12, 16, 3 * 66);
	{
		size_t prev = 12;

		for (int i = 0; i < 3; i++) {
			size_t at = p.n;

			u8(&p, 63);
			for (int j = 0; j < 63; j++)
				u8(&p, 'a' + i);
			u16(&p, 0xc000u | (unsigned)prev);
			prev = at;
		}
		ok(parse(&p) == SIP_E_PARSE,
		    "parse: ancount 2 with 1 record");
		p.b[7] = 1;
		ok(parse(&p) == SIP_OK && m.n == 0,
		    "parse: the labels themselves are fine");
		p.b[7] = 2;
		u8(&p, 63);
		for (int j = 0; j < 63; j++)
			u8(&p, 'z');
		u16(&p, 0xc000u | (unsigned)prev);
		u16(&p, SIP_DNS_A);
		u16(&p, 1);
		u32(&p, 1);
		u16(&p, 4);
		raw(&p, "\1\2\3\4", 4);
		ok(parse(&p) == SIP_E_PARSE, "parse: a name over 255 bytes");
		p.b[5] = 2;
		ok(parse(&p) == SIP_E_PARSE, "parse: two questions");
	}

	/* Counts. */
	header(&p, 14, 0x8180, 1, 3);
	question(&p, "sip.test", SIP_DNS_A);
	rr_head(&p, 12, SIP_DNS_A, 4);
	raw(&p, "\1\2\3\4", 4);
	rr_head(&p, 12, SIP_DNS_A, 4);
	raw(&p, "\1\2\3\4", 4);
	ok(parse(&p) == SIP_E_PARSE, "parse: ancount 3 with 2 records");
	p.b[7] = SIP_DNS_MAX_RR + 1;
	ok(parse(&p) == SIP_E_TOOBIG, "parse: more answers than we keep");
	p.b[7] = 2;
	p.b[2] = 0x01;
	ok(parse(&p) == SIP_E_PARSE, "parse: a query, not a response");
	p.b[2] = 0x81 | 0x02;		/* QR + TC */
	p.b[7] = 200;
	ok(parse(&p) == SIP_OK && m.tc && m.n == 0,
	    "parse: TC set, records not read");
	p.b[2] = 0x81;
	p.b[3] = 0x83;
	p.b[7] = 0;
	p.n = 12 + 14;
	ok(parse(&p) == SIP_OK && m.rcode == SIP_DNS_NXDOMAIN && m.n == 0,
	    "parse: NXDOMAIN");
	p.b[5] = 0;
	p.n = 12;
	ok(parse(&p) == SIP_OK && m.qdcount == 0, "parse: no question");
	ok(sip_dns_parse(&m, p.b, 11) == SIP_E_PARSE, "parse: 11 bytes");

	/* The root as an SRV target (no service). */
	header(&p, 15, 0x8180, 1, 1);
	question(&p, "_sip._udp.x", SIP_DNS_SRV);
	rr_head(&p, 12, SIP_DNS_SRV, 7);
	raw(&p, "\0\0\0\0\0\0\0", 7);
	ok(parse(&p) == SIP_OK && m.n == 1 && m.rr[0].u.srv.target[0] == 0,
	    "parse: SRV target '.'");
	sip_dns_rr_format(&m.rr[0], txt, sizeof(txt));
	ok(strcmp(txt, "0 0 0 .") == 0, "format: SRV to the root (%s)", txt);
	ok(strcmp(sip_dns_type_name(99), "TYPE99") == 0 &&
	    strcmp(sip_dns_type_name(SIP_DNS_NAPTR), "NAPTR") == 0,
	    "type names");
}

static void
test_server(void)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;

	ok(sip_dns_server_parse("127.0.0.1", &ss, &len) == SIP_OK &&
	    s4->sin_family == AF_INET && ntohs(s4->sin_port) == 53 &&
	    len == sizeof(*s4), "server: IPv4, port 53");
	ok(sip_dns_server_parse("127.0.0.2:5353", &ss, &len) == SIP_OK &&
	    ntohs(s4->sin_port) == 5353 &&
	    s4->sin_addr.s_addr == htonl(0x7f000002), "server: IPv4:port");
	ok(sip_dns_server_parse("::1", &ss, &len) == SIP_OK &&
	    s6->sin6_family == AF_INET6 && ntohs(s6->sin6_port) == 53,
	    "server: bare IPv6");
	ok(sip_dns_server_parse("[::1]:54", &ss, &len) == SIP_OK &&
	    s6->sin6_family == AF_INET6 && ntohs(s6->sin6_port) == 54,
	    "server: [IPv6]:port");
	ok(sip_dns_server_parse("[::1]", &ss, &len) == SIP_OK &&
	    ntohs(s6->sin6_port) == 53, "server: [IPv6]");
	ok(sip_dns_server_parse("1.2.3.4:0", &ss, &len) == SIP_E_INVAL &&
	    sip_dns_server_parse("1.2.3.4:65536", &ss, &len) == SIP_E_INVAL &&
	    sip_dns_server_parse("1.2.3.4:x", &ss, &len) == SIP_E_INVAL &&
	    sip_dns_server_parse("1.2.3.4:", &ss, &len) == SIP_E_INVAL &&
	    sip_dns_server_parse("1.2.3.4:+5", &ss, &len) == SIP_E_INVAL &&
	    sip_dns_server_parse("[::1", &ss, &len) == SIP_E_INVAL &&
	    sip_dns_server_parse("[::1]x", &ss, &len) == SIP_E_INVAL &&
	    sip_dns_server_parse("ns.example", &ss, &len) == SIP_E_INVAL &&
	    sip_dns_server_parse("", &ss, &len) == SIP_E_INVAL,
	    "server: bad ports, brackets and names are SIP_E_INVAL");

}

int
main(void)
{
	test_name();
	test_parse();
	test_server();
	return done();
}
