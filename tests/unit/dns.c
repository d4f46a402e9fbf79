/*
 * dns.c - unit tests for lib/dns.c: query bytes, answers made by hand
 * (compression pointers, loops, truncation, bad counts and lengths), the
 * server syntax, resolv.conf, and lookups against a scripted server in a
 * child process (retries, foreign answers, TC then TCP, CNAME chains).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dns.h"
#include "tap.h"

/* A packet under construction. */
struct pkt {
	uint8_t	b[70000];
	size_t	n;
};

static void
u8(struct pkt *p, unsigned v)
{
	p->b[p->n++] = (uint8_t)v;
}

static void
u16(struct pkt *p, unsigned v)
{
	u8(p, v >> 8);
	u8(p, v & 0xff);
}

static void
u32(struct pkt *p, uint32_t v)
{
	u16(p, v >> 16);
	u16(p, v & 0xffff);
}

static void
raw(struct pkt *p, const void *s, size_t n)
{
	memcpy(p->b + p->n, s, n);
	p->n += n;
}

/* Labels of a dotted name, then the root (or a pointer when ptr >= 0). */
static void
name(struct pkt *p, const char *s, int ptr)
{
	while (*s != '\0') {
		size_t l = strcspn(s, ".");

		u8(p, (unsigned)l);
		raw(p, s, l);
		s += l + (s[l] == '.');
	}
	if (ptr >= 0)
		u16(p, 0xc000u | (unsigned)ptr);
	else
		u8(p, 0);
}

static void
header(struct pkt *p, unsigned id, unsigned flags, unsigned qd, unsigned an)
{
	p->n = 0;
	u16(p, id);
	u16(p, flags);
	u16(p, qd);
	u16(p, an);
	u16(p, 0);
	u16(p, 0);
}

static void
question(struct pkt *p, const char *qname, unsigned type)
{
	name(p, qname, -1);
	u16(p, type);
	u16(p, 1);
}

/* The start of a record whose owner is the pointer ptr (12: the qname). */
static void
rr_head(struct pkt *p, int ptr, unsigned type, unsigned rdlen)
{
	u16(p, 0xc000u | (unsigned)ptr);
	u16(p, type);
	u16(p, 1);
	u32(p, 300);
	u16(p, rdlen);
}

static struct sip_dns_msg m;

static enum sip_err
parse(const struct pkt *p)
{
	return sip_dns_parse(&m, p->b, p->n);
}

static void
test_query(void)
{
	static const uint8_t want[] = {
		0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1,
		3, 's', 'i', 'p', 4, 't', 'e', 's', 't', 0, 0, 33, 0, 1,
		0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0
	};
	uint8_t out[600];
	char big[300];
	size_t len = 0;

	ok(sip_dns_query(out, sizeof(out), &len, 0x1234, "sip.test", 33, 1) ==
	    SIP_OK && len == sizeof(want) && memcmp(out, want, len) == 0,
	    "query: SRV sip.test with RD and an EDNS OPT of 1232 bytes");
	ok(sip_dns_query(out, sizeof(out), &len, 0x1234, "sip.test.", 33, 0) ==
	    SIP_OK && len == sizeof(want) - 11 && out[11] == 0,
	    "query: a trailing dot and no EDNS");
	ok(sip_dns_query(out, sizeof(out), &len, 1, "", 1, 0) == SIP_E_INVAL,
	    "query: empty name");
	ok(sip_dns_query(out, sizeof(out), &len, 1, ".", 1, 0) == SIP_E_INVAL,
	    "query: the root alone");
	ok(sip_dns_query(out, sizeof(out), &len, 1, "a..b", 1, 0) ==
	    SIP_E_INVAL, "query: empty label");
	ok(sip_dns_query(out, sizeof(out), &len, 1, ".a", 1, 0) == SIP_E_INVAL,
	    "query: leading dot");
	ok(sip_dns_query(out, sizeof(out), &len, 1, "a..", 1, 0) ==
	    SIP_E_INVAL, "query: two trailing dots");
	ok(sip_dns_query(out, sizeof(out), &len, 1, "a b.test", 1, 0) ==
	    SIP_E_INVAL, "query: a space in a label");
	memset(big, 'a', 64);
	big[64] = '\0';
	ok(sip_dns_query(out, sizeof(out), &len, 1, big, 1, 0) == SIP_E_INVAL,
	    "query: a 64-byte label");
	big[63] = '\0';
	ok(sip_dns_query(out, sizeof(out), &len, 1, big, 1, 0) == SIP_OK,
	    "query: a 63-byte label");
	for (int i = 0; i < 255; i++)
		big[i] = (i % 2) ? '.' : 'a';
	big[255] = '\0';
	ok(sip_dns_query(out, sizeof(out), &len, 1, big, 1, 0) ==
	    SIP_E_TOOBIG, "query: a 255-character name");
	big[253] = '\0';
	ok(sip_dns_query(out, sizeof(out), &len, 1, big, 1, 0) == SIP_OK,
	    "query: a 253-character name (255 bytes on the wire)");
	ok(sip_dns_query(out, 20, &len, 1, "sip.test", 1, 0) == SIP_E_TOOBIG,
	    "query: output too small");
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
	char path[] = "/tmp/sipbox-resolv.XXXXXX";
	FILE *f;
	int fd;

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

	fd = mkstemp(path);
	f = fdopen(fd, "w");
	fputs("# comment\nsearch example\nnameserverx 1.1.1.1\n"
	    "nameserver\t::1  # local\nnameserver 10.0.0.1\n", f);
	fclose(f);
	ok(sip_dns_resolv_conf(path, &ss, &len) == SIP_OK &&
	    s6->sin6_family == AF_INET6 && ntohs(s6->sin6_port) == 53,
	    "resolv.conf: the first nameserver line");
	f = fopen(path, "w");
	fputs("options ndots:2\n", f);
	fclose(f);
	ok(sip_dns_resolv_conf(path, &ss, &len) == SIP_E_NOTFOUND,
	    "resolv.conf: no nameserver");
	unlink(path);
	ok(sip_dns_resolv_conf(path, &ss, &len) == SIP_E_SYS,
	    "resolv.conf: missing file");
}

/*
 * The scripted server: one UDP and one TCP socket on the same loopback
 * port; what it answers depends on the first label of the question.
 */
static int udp_fd, tcp_fd;
static struct sockaddr_storage peer;
static socklen_t peerlen;

static void
answer_to(const uint8_t *q, size_t qn, struct pkt *p, int over_tcp)
{
	char first[64];
	size_t qend = 12, l = q[12];
	unsigned id = (unsigned)(q[0] << 8 | q[1]);

	memcpy(first, q + 13, l < 63 ? l : 63);
	first[l < 63 ? l : 63] = '\0';
	while (qend < qn && q[qend] != 0)
		qend += 1u + q[qend];
	qend += 5;			/* root, type, class */
	header(p, id, 0x8180, 1, 0);
	raw(p, q + 12, qend - 12);
#define ANCOUNT(n)	(p->b[7] = (uint8_t)(n))
	if (strcmp(first, "a") == 0) {
		ANCOUNT(1);
		rr_head(p, 12, SIP_DNS_A, 4);
		raw(p, "\xc0\x00\x02\x01", 4);
	} else if (strcmp(first, "tc") == 0 && !over_tcp) {
		p->b[2] |= 0x02;
	} else if (strcmp(first, "tc") == 0) {
		ANCOUNT(2);
		rr_head(p, 12, SIP_DNS_A, 4);
		raw(p, "\xc0\x00\x02\x01", 4);
		rr_head(p, 12, SIP_DNS_A, 4);
		raw(p, "\xc0\x00\x02\x02", 4);
	} else if (strcmp(first, "cname") == 0) {
		ANCOUNT(1);		/* the chain, but not its end */
		rr_head(p, 12, SIP_DNS_CNAME, 9);
		name(p, "target", 12 + 6);
	} else if (strcmp(first, "target") == 0) {
		ANCOUNT(1);
		rr_head(p, 12, SIP_DNS_A, 4);
		raw(p, "\xc0\x00\x02\x09", 4);
	} else if (strcmp(first, "loop") == 0) {
		/* loop.test -> x.loop.test -> loop.test */
		ANCOUNT(2);
		rr_head(p, 12, SIP_DNS_CNAME, 4);
		name(p, "x", 12);
		rr_head(p, (int)qend + 12, SIP_DNS_CNAME, 2);
		u16(p, 0xc00c);
	} else if (strcmp(first, "servfail") == 0) {
		p->b[3] = 0x82;
	} else if (strcmp(first, "nx") == 0) {
		p->b[3] = 0x83;
	} else if (strcmp(first, "bad") == 0) {
		ANCOUNT(1);
		rr_head(p, 12, SIP_DNS_A, 4);
		raw(p, "\1\2", 2);
	} else if (strcmp(first, "foreign") == 0) {
		/* First a packet with another id, then one for another name. */
		struct pkt o = *p;

		o.b[0] ^= 0xff;
		sendto(udp_fd, o.b, o.n, 0, (struct sockaddr *)&peer, peerlen);
		o.b[0] ^= 0xff;
		o.b[13] = 'F';
		o.b[14] = 'F';		/* qname "FFreign...": not ours */
		sendto(udp_fd, o.b, o.n, 0, (struct sockaddr *)&peer, peerlen);
		ANCOUNT(1);
		rr_head(p, 12, SIP_DNS_A, 4);
		raw(p, "\xc0\x00\x02\x05", 4);
	} else if (strcmp(first, "noedns") == 0) {
		if (q[11] != 0) {	/* arcount: an OPT record */
			p->b[3] = 0x81;
		} else {
			ANCOUNT(1);
			rr_head(p, 12, SIP_DNS_A, 4);
			raw(p, "\xc0\x00\x02\x03", 4);
		}
	} else if (strcmp(first, "silent") == 0) {
		p->n = 0;
	}
#undef ANCOUNT
}

static void
serve(void)
{
	static struct pkt p;
	uint8_t q[2048];
	struct pollfd pf[2] = { { udp_fd, POLLIN, 0 }, { tcp_fd, POLLIN, 0 } };
	ssize_t r;

	for (;;) {
		if (poll(pf, 2, -1) < 0)
			continue;
		if (pf[0].revents & POLLIN) {
			peerlen = sizeof(peer);
			r = recvfrom(udp_fd, q, sizeof(q), 0,
			    (struct sockaddr *)&peer, &peerlen);
			if (r < 13)
				continue;
			answer_to(q, (size_t)r, &p, 0);
			if (p.n > 0)
				sendto(udp_fd, p.b, p.n, 0,
				    (struct sockaddr *)&peer, peerlen);
		}
		if (pf[1].revents & POLLIN) {
			int c = accept(tcp_fd, NULL, NULL);
			uint8_t pre[2];
			size_t want;

			if (c < 0)
				continue;
			if (recv(c, pre, 2, MSG_WAITALL) == 2) {
				want = (size_t)(pre[0] << 8 | pre[1]);
				if (want <= sizeof(q) && recv(c, q, want,
				    MSG_WAITALL) == (ssize_t)want) {
					answer_to(q, want, &p, 1);
					pre[0] = (uint8_t)(p.n >> 8);
					pre[1] = (uint8_t)p.n;
					send(c, pre, 2, 0);
					send(c, p.b, p.n, 0);
				}
			}
			close(c);
		}
	}
}

static pid_t
start_server(char *addr, size_t cap)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int one = 1;
	pid_t pid;

	for (int tries = 0; tries < 20; tries++) {
		udp_fd = socket(AF_INET, SOCK_DGRAM, 0);
		tcp_fd = socket(AF_INET, SOCK_STREAM, 0);
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sa.sin_port = 0;
		bind(udp_fd, (struct sockaddr *)&sa, sizeof(sa));
		getsockname(udp_fd, (struct sockaddr *)&sa, &sl);
		setsockopt(tcp_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(tcp_fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
		    listen(tcp_fd, 8) == 0)
			break;
		close(udp_fd);
		close(tcp_fd);
		udp_fd = tcp_fd = -1;
	}
	if (udp_fd < 0)
		return -1;
	snprintf(addr, cap, "127.0.0.1:%u", ntohs(sa.sin_port));
	if ((pid = fork()) == 0) {
		serve();
		_exit(0);
	}
	close(udp_fd);
	close(tcp_fd);
	return pid;
}

static char tracebuf[4096];

static void
trace_cb(void *arg, const char *line)
{
	(void)arg;
	strncat(tracebuf, line, sizeof(tracebuf) - strlen(tracebuf) - 2);
	strcat(tracebuf, "\n");
}

static void
test_lookup(void)
{
	static struct sip_dns d;
	char addr[64];
	pid_t pid;
	enum sip_err e;

	if ((pid = start_server(addr, sizeof(addr))) < 0) {
		ok(0, "lookup: could not start the scripted server");
		return;
	}
	ok(sip_dns_init(&d, addr) == SIP_OK, "lookup: init with %s", addr);
	d.timeout_ms = 300;
	d.tries = 2;
	d.trace = trace_cb;

	ok(sip_dns_lookup(&d, "a.test", SIP_DNS_A, &m) == SIP_OK &&
	    m.n == 1 && memcmp(m.rr[0].u.a, "\xc0\x00\x02\x01", 4) == 0 &&
	    d.queries == 1, "lookup: one A record");
	ok(sip_dns_lookup(&d, "foreign.test", SIP_DNS_A, &m) == SIP_OK &&
	    m.n == 1 && m.rr[0].u.a[3] == 5,
	    "lookup: answers with another id or question are passed over");
	tracebuf[0] = '\0';
	d.queries = 0;
	ok(sip_dns_lookup(&d, "tc.test", SIP_DNS_A, &m) == SIP_OK &&
	    m.n == 2 && m.rr[1].u.a[3] == 2 && d.queries == 2 &&
	    strstr(tracebuf, "truncated, asking over TCP") != NULL,
	    "lookup: TC set over UDP, the answer over TCP");
	tracebuf[0] = '\0';
	ok(sip_dns_lookup(&d, "cname.test", SIP_DNS_A, &m) == SIP_OK &&
	    m.n == 1 && m.rr[0].u.a[3] == 9 &&
	    strcmp(m.qname, "target.test") == 0 &&
	    strstr(tracebuf, "CNAME cname.test -> target.test") != NULL,
	    "lookup: a CNAME chain asked again at its end");
	ok(sip_dns_lookup(&d, "loop.test", SIP_DNS_A, &m) == SIP_E_DNS &&
	    strcmp(d.why, "CNAME chain too long") == 0,
	    "lookup: a CNAME loop is SIP_E_DNS");
	ok(sip_dns_lookup(&d, "servfail.test", SIP_DNS_SRV, &m) ==
	    SIP_E_DNS && strstr(d.why, "SERVFAIL") != NULL,
	    "lookup: SERVFAIL is SIP_E_DNS");
	ok(sip_dns_lookup(&d, "nx.test", SIP_DNS_NAPTR, &m) == SIP_OK &&
	    m.n == 0 && m.rcode == SIP_DNS_NXDOMAIN,
	    "lookup: NXDOMAIN is no records");
	ok(sip_dns_lookup(&d, "bad.test", SIP_DNS_A, &m) == SIP_E_DNS &&
	    strcmp(d.why, "malformed answer") == 0 && !d.down,
	    "lookup: a malformed answer is SIP_E_DNS");
	tracebuf[0] = '\0';
	d.queries = 0;
	e = sip_dns_lookup(&d, "silent.test", SIP_DNS_A, &m);
	ok(e == SIP_E_DNS && strcmp(d.why, "timeout") == 0 && d.down &&
	    d.queries == 2 && strstr(tracebuf, "asking again (2/2)") != NULL,
	    "lookup: no answer: two tries, then SIP_E_DNS timeout");
	tracebuf[0] = '\0';
	ok(d.edns && sip_dns_lookup(&d, "noedns.test", SIP_DNS_A, &m) ==
	    SIP_OK && m.n == 1 && m.rr[0].u.a[3] == 3 && !d.edns &&
	    strstr(tracebuf, "FORMERR to EDNS") != NULL,
	    "lookup: FORMERR to EDNS, asked again without it");
	ok(sip_dns_lookup(&d, "a..test", SIP_DNS_A, &m) == SIP_E_INVAL,
	    "lookup: a bad name is SIP_E_INVAL");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);

	/* Nobody listening: refused at once (ICMP port unreachable). */
	d.queries = 0;
	e = sip_dns_lookup(&d, "a.test", SIP_DNS_A, &m);
	ok(e == SIP_E_DNS && d.why != NULL && d.down, "lookup: no server: %s",
	    d.why != NULL ? d.why : "?");
	ok(sip_dns_init(&d, "nonsense") == SIP_E_INVAL &&
	    sip_dns_lookup(&d, "a.test", SIP_DNS_A, &m) == SIP_E_DNS &&
	    strcmp(d.why, "no DNS server") == 0,
	    "lookup: after a failed init, no DNS server");
}

int
main(void)
{
	test_query();
	test_parse();
	test_server();
	test_lookup();
	return done();
}
