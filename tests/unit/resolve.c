/*
 * resolve.c - unit tests for lib/resolve.c that need no DNS server: the
 * RFC 2782 order with a scripted random source, and the RFC 3263 cases
 * decided without asking (IP addresses, localhost, transport rules).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "resolve.h"
#include "tap.h"

static uint32_t
fixed(void *arg)
{
	return *(uint32_t *)arg;
}

/* Counts its calls in *arg. */
static uint32_t
counted(void *arg)
{
	(*(unsigned *)arg)++;
	return 0;
}

static uint32_t
xorshift(void *arg)
{
	uint32_t *x = arg;

	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static void
srv(struct sip_dns_srv *v, unsigned prio, unsigned weight, const char *t)
{
	memset(v, 0, sizeof(*v));
	v->prio = (uint16_t)prio;
	v->weight = (uint16_t)weight;
	v->port = 5060;
	strcpy(v->target, t);
}

static void
order(uint32_t r, char *out)
{
	struct sip_dns_srv v[4];

	srv(&v[0], 20, 0, "d");
	srv(&v[1], 10, 60, "a");
	srv(&v[2], 10, 0, "z");
	srv(&v[3], 10, 40, "b");
	sip_resolve_srv_order(v, 4, fixed, &r);
	for (int i = 0; i < 4; i++)
		out[i] = v[i].target[0];
	out[4] = '\0';
}

static void
test_srv_order(void)
{
	struct sip_dns_srv v[2];
	char got[8];
	uint32_t seed = 12345;
	unsigned draws = 0;
	int first90 = 0;

	order(0, got);
	ok(strcmp(got, "zabd") == 0,
	    "srv: random 0 picks weight 0 first, then by running sum (%s)",
	    got);
	order(100, got);
	ok(strcmp(got, "bazd") == 0, "srv: random 100 of 101 picks b (%s)",
	    got);
	order(60, got);
	ok(strcmp(got, "abzd") == 0, "srv: random 60 picks a (%s)", got);
	for (int i = 0; i < 10000; i++) {
		srv(&v[0], 1, 10, "x");
		srv(&v[1], 1, 90, "y");
		sip_resolve_srv_order(v, 2, xorshift, &seed);
		first90 += v[0].target[0] == 'y';
	}
	ok(first90 > 8700 && first90 < 9300,
	    "srv: weight 90 against 10 comes first %d times in 10000",
	    first90);
	srv(&v[0], 5, 0, "p");
	srv(&v[1], 1, 0, "q");
	sip_resolve_srv_order(v, 2, fixed, &seed);
	ok(v[0].target[0] == 'q', "srv: lower priority first");
	sip_resolve_srv_order(v, 0, counted, &draws);
	ok(draws == 0 && v[0].target[0] == 'q' && v[1].target[0] == 'p',
	    "srv: an empty list draws no random number and moves nothing");
	srv(&v[0], 1, 70, "s");
	sip_resolve_srv_order(v, 1, counted, &draws);
	ok(draws == 0 && v[0].target[0] == 's' && v[1].target[0] == 'p',
	    "srv: a list of one draws nothing and stays as it is");
}

static struct sip_resolver *r;
static struct sip_dests out;

static enum sip_err
res(const char *host, unsigned port, enum sip_tp tp, int sips, int family)
{
	struct sip_resolve_req q = {
		.host = host, .port = port, .tp = tp, .sips = sips,
		.family = family
	};

	return sip_resolve(r, &q, &out);
}

static int
target(unsigned i, enum sip_tp tp, const char *addr, const char *host)
{
	char a[64];

	if (i >= out.n)
		return 0;
	sip_net_str(&out.v[i].addr, a, sizeof(a));
	return out.v[i].tp == tp && strcmp(a, addr) == 0 &&
	    strcmp(out.v[i].host, host) == 0;
}

static void
test_no_dns(void)
{
	enum sip_err e;

	/* Port 1 on loopback: nobody there, so any question fails. */
	ok(sip_resolver_new(&r, "127.0.0.1:1") == SIP_OK, "new resolver");
	sip_resolver_timeout(r, 200, 1);

	ok(res("127.0.0.1", 0, SIP_TP_NONE, 0, AF_UNSPEC) == SIP_OK &&
	    out.n == 1 && target(0, SIP_TP_UDP, "127.0.0.1:5060", "127.0.0.1"),
	    "IPv4, sip: UDP 5060");
	ok(res("[::1]", 0, SIP_TP_NONE, 1, AF_UNSPEC) == SIP_OK &&
	    out.n == 1 && target(0, SIP_TP_TLS, "[::1]:5061", "::1"),
	    "[IPv6], sips: TLS 5061");
	ok(res("::1", 5070, SIP_TP_TCP, 0, AF_UNSPEC) == SIP_OK &&
	    out.n == 1 && target(0, SIP_TP_TCP, "[::1]:5070", "::1"),
	    "bare IPv6, port and transport");
	ok(res("192.0.2.1", 0, SIP_TP_TCP, 1, AF_UNSPEC) == SIP_OK &&
	    target(0, SIP_TP_TLS, "192.0.2.1:5061", "192.0.2.1"),
	    "sips: with transport=tcp is TLS");
	ok(res("192.0.2.1", 0, SIP_TP_WS, 0, AF_UNSPEC) == SIP_OK &&
	    target(0, SIP_TP_WS, "192.0.2.1:80", "192.0.2.1"),
	    "transport=ws: port 80 (RFC 7118 5.5)");
	ok(res("192.0.2.1", 0, SIP_TP_WS, 1, AF_UNSPEC) == SIP_OK &&
	    target(0, SIP_TP_WSS, "192.0.2.1:443", "192.0.2.1"),
	    "sips: with transport=ws: WSS port 443");
	ok(res("localhost", 0, SIP_TP_NONE, 0, AF_UNSPEC) == SIP_OK &&
	    out.n == 2 &&
	    target(0, SIP_TP_UDP, "127.0.0.1:5060", "localhost") &&
	    target(1, SIP_TP_UDP, "[::1]:5060", "localhost"),
	    "localhost: loopback without DNS, IPv4 first");
	ok(res("Box.LOCALHOST.", 5080, SIP_TP_NONE, 0, AF_INET6) == SIP_OK &&
	    out.n == 1 && target(0, SIP_TP_UDP, "[::1]:5080", "Box.LOCALHOST"),
	    "a .localhost name, IPv6 only");
	ok(res("192.0.2.1", 0, SIP_TP_UDP, 1, AF_UNSPEC) == SIP_E_INVAL,
	    "sips: with transport=udp is SIP_E_INVAL");
	ok(res("192.0.2.1", 0, SIP_TP_SCTP, 0, AF_UNSPEC) == SIP_E_UNSUPP,
	    "SCTP is not in the default transports");
	ok(res("::1", 0, SIP_TP_NONE, 0, AF_INET) == SIP_E_INVAL,
	    "an IPv6 address under -4");
	ok(res("[::1", 0, SIP_TP_NONE, 0, AF_UNSPEC) == SIP_E_INVAL &&
	    res("[1.2.3.4]", 0, SIP_TP_NONE, 0, AF_UNSPEC) == SIP_E_INVAL &&
	    res("[]", 0, SIP_TP_NONE, 0, AF_UNSPEC) == SIP_E_INVAL &&
	    res("1::2::3", 0, SIP_TP_NONE, 0, AF_UNSPEC) == SIP_E_INVAL &&
	    res("", 0, SIP_TP_NONE, 0, AF_UNSPEC) == SIP_E_INVAL &&
	    res("a..b", 0, SIP_TP_NONE, 0, AF_UNSPEC) == SIP_E_INVAL &&
	    res("a b", 0, SIP_TP_NONE, 0, AF_UNSPEC) == SIP_E_INVAL,
	    "bad hosts are SIP_E_INVAL");
	ok(res("127.0.0.1", 65536, SIP_TP_NONE, 0, AF_UNSPEC) ==
	    SIP_E_INVAL, "port 65536");
	e = res("sip.example", 0, SIP_TP_NONE, 0, AF_UNSPEC);
	ok(e == SIP_E_DNS &&
	    strcmp(sip_resolver_why(r), "connection refused") == 0 &&
	    out.n == 0, "a name with nobody answering: SIP_E_DNS (%s)",
	    sip_resolver_why(r));
	sip_resolver_free(r);
	ok(sip_resolver_new(&r, "not-an-address") == SIP_E_INVAL && r == NULL,
	    "a bad server is SIP_E_INVAL");
}

int
main(void)
{
	test_srv_order();
	test_no_dns();
	return done();
}
