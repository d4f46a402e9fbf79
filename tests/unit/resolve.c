/*
 * resolve.c - unit tests for lib/resolve.c: the RFC 2782 order with a
 * scripted random source; the RFC 3263 cases decided without asking (IP
 * addresses, localhost, transport rules); then c-ares against a
 * scripted server in a child process (foreign answers, TC then TCP,
 * CNAME chains, EDNS refused, no answer), the TTL cache under a fake
 * clock, and the asynchronous API on a loop (two at once, cancel).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include "clock.h"
#include "dnsd.h"
#include "loop.h"
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

static char tracebuf[8192];

static void
trace_cb(void *arg, const struct sip_trace_ev *ev)
{
	size_t room = sizeof(tracebuf) - strlen(tracebuf) - 2;

	(void)arg;
	strncat(tracebuf, ev->data, ev->len < room ? ev->len : room);
	strcat(tracebuf, "\n");
}

/* The real clock moved on by skew: a TTL passes without waiting. */
static uint64_t skew_us;

static uint64_t
fake_clock(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000 +
	    skew_us;
}

static void
test_scripted(const char *addr)
{
	enum sip_err e;

	ok(sip_resolver_new(&r, addr) == SIP_OK, "scripted: resolver for %s",
	    addr);
	sip_resolver_timeout(r, 300, 2);
	sip_resolver_trace(r, trace_cb, NULL);

	ok(res("a.test", 5060, SIP_TP_NONE, 0, AF_INET) == SIP_OK &&
	    out.n == 1 && target(0, SIP_TP_UDP, "192.0.2.1:5060", "a.test"),
	    "scripted: an A record");
	ok(res("foreign.test", 5060, SIP_TP_NONE, 0, AF_INET) == SIP_OK &&
	    out.n == 1 && target(0, SIP_TP_UDP, "192.0.2.5:5060",
	    "foreign.test"),
	    "scripted: answers with another id or question are passed over");
	tracebuf[0] = '\0';
	ok(res("tc.test", 5060, SIP_TP_NONE, 0, AF_INET) == SIP_OK &&
	    out.n == 2 && target(1, SIP_TP_UDP, "192.0.2.2:5060", "tc.test") &&
	    strstr(tracebuf, "DNS answer for A tc.test truncated, asking "
	    "over TCP") != NULL, "scripted: TC set over UDP, the answer over "
	    "TCP");
	tracebuf[0] = '\0';
	ok(res("cname.test", 0, SIP_TP_UDP, 0, AF_INET) == SIP_OK &&
	    out.n == 1 && target(0, SIP_TP_UDP, "192.0.2.1:5070", "a.test") &&
	    strstr(tracebuf, "CNAME _sip._udp.cname.test -> target.test") &&
	    strstr(tracebuf, "SRV _sip._udp.cname.test -> 10 0 5070 a.test"),
	    "scripted: an SRV CNAME chain asked again at its end");
	tracebuf[0] = '\0';
	ok(res("loop.test", 0, SIP_TP_UDP, 0, AF_INET) == SIP_E_DNS &&
	    strstr(tracebuf, "CNAME chain too long") != NULL,
	    "scripted: a CNAME loop ends");
	tracebuf[0] = '\0';
	ok(res("servfail.test", 0, SIP_TP_UDP, 0, AF_INET) == SIP_E_DNS &&
	    strstr(tracebuf, "SRV _sip._udp.servfail.test -> error: server "
	    "says SERVFAIL") != NULL, "scripted: SERVFAIL is an error");
	ok(res("noedns.test", 5060, SIP_TP_NONE, 0, AF_INET) == SIP_OK &&
	    out.n == 1 && target(0, SIP_TP_UDP, "192.0.2.3:5060",
	    "noedns.test"), "scripted: FORMERR to EDNS, asked again without "
	    "it");
	tracebuf[0] = '\0';
	e = res("silent.test", 5060, SIP_TP_NONE, 0, AF_INET);
	ok(e == SIP_E_DNS && strcmp(sip_resolver_why(r), "timeout") == 0 &&
	    strstr(tracebuf, "A silent.test -> no answer: timeout") != NULL,
	    "scripted: no answer is a timeout (%s)", sip_resolver_why(r));
	ok(res("a..test", 5060, SIP_TP_NONE, 0, AF_INET) == SIP_E_INVAL,
	    "scripted: a bad name is not asked");
	sip_resolver_free(r);
}

static void
test_cache(const char *addr)
{
	ok(sip_resolver_new(&r, addr) == SIP_OK, "cache: resolver");
	sip_resolver_timeout(r, 300, 2);
	sip_resolver_trace(r, trace_cb, NULL);
	sip_clock_set(fake_clock, NULL);

	ok(res("count.test", 5060, SIP_TP_NONE, 0, AF_INET) == SIP_OK &&
	    target(0, SIP_TP_UDP, "127.0.0.1:5060", "count.test"),
	    "cache: first answer asked");
	tracebuf[0] = '\0';
	skew_us += 299000000;
	ok(res("count.test", 5070, SIP_TP_TCP, 0, AF_INET) == SIP_OK &&
	    target(0, SIP_TP_TCP, "127.0.0.1:5070", "count.test") &&
	    strstr(tracebuf, "A count.test: from the cache (1 s left)"),
	    "cache: 299 s into a TTL of 300, the answer is reused");
	tracebuf[0] = '\0';
	skew_us += 2000000;
	ok(res("count.test", 5060, SIP_TP_NONE, 0, AF_INET) == SIP_OK &&
	    target(0, SIP_TP_UDP, "127.0.0.2:5060", "count.test") &&
	    strstr(tracebuf, "from the cache") == NULL,
	    "cache: past its TTL it is asked again");

	ok(res("srvcount.test", 0, SIP_TP_UDP, 0, AF_INET) == SIP_OK &&
	    target(0, SIP_TP_UDP, "192.0.2.1:5001", "a.test"),
	    "cache: an SRV answer");
	skew_us += 100000000;
	ok(res("srvcount.test", 0, SIP_TP_UDP, 0, AF_INET) == SIP_OK &&
	    target(0, SIP_TP_UDP, "192.0.2.1:5001", "a.test"),
	    "cache: the SRV answer reused within its TTL");
	skew_us += 201000000;
	ok(res("srvcount.test", 0, SIP_TP_UDP, 0, AF_INET) == SIP_OK &&
	    target(0, SIP_TP_UDP, "192.0.2.1:5002", "a.test"),
	    "cache: and asked again after it");
	sip_clock_set(NULL, NULL);
	sip_resolver_free(r);
}

/* The asynchronous API. */
struct got {
	int		 calls;
	enum sip_err	 e;
	struct sip_dests d;
};

static void
got_cb(void *arg, enum sip_err e, const struct sip_dests *d, const char *why)
{
	struct got *g = arg;

	(void)why;
	g->calls++;
	g->e = e;
	g->d = *d;
}

static void
test_async(const char *addr)
{
	static struct got g1, g2, g3, g4;
	struct sip_resolve_req q1 = { .host = "a.test", .port = 5060,
	    .family = AF_INET };
	struct sip_resolve_req q2 = { .host = "tc.test", .port = 5060,
	    .family = AF_INET };
	struct sip_resolve_req q3 = { .host = "silent.test", .port = 5060,
	    .family = AF_INET };
	struct sip_resolve_req q4 = { .host = "192.0.2.7" };
	struct sip_loop *l = sip_loop_new();
	struct sip_resolve *h3;
	int turns = 0;

	ok(l != NULL && sip_resolver_new(&r, addr) == SIP_OK, "async: a "
	    "loop and a resolver");
	ok(sip_resolve_start(r, l, &q4, got_cb, &g4, NULL) == SIP_OK &&
	    g4.calls == 0, "async: an IP address calls back from the loop, "
	    "not from start");
	ok(sip_resolve_start(r, l, &q1, got_cb, &g1, NULL) == SIP_OK &&
	    sip_resolve_start(r, l, &q2, got_cb, &g2, NULL) == SIP_OK &&
	    sip_resolve_start(r, l, &q3, got_cb, &g3, &h3) == SIP_OK,
	    "async: three started at once");
	sip_resolve_cancel(h3);
	while ((g1.calls == 0 || g2.calls == 0 || g4.calls == 0) &&
	    turns++ < 200)
		sip_loop_once(l, 50);
	ok(g4.calls == 1 && g4.e == SIP_OK && g4.d.n == 1, "async: the IP "
	    "address");
	ok(g1.calls == 1 && g1.e == SIP_OK && g1.d.n == 1 &&
	    g2.calls == 1 && g2.e == SIP_OK && g2.d.n == 2,
	    "async: both answered (%d turns)", turns);
	ok(sip_resolve(r, &q1, &out) == SIP_E_INVAL &&
	    strcmp(sip_resolver_why(r), "resolver busy") == 0,
	    "async: the blocking wrapper waits for no one else's question");
	ok(g3.calls == 0, "async: the cancelled one never calls back");
	ok(sip_resolve_start(r, l, &q3, got_cb, &g3, NULL) == SIP_OK,
	    "async: one left under way when the resolver is freed");
	sip_resolver_free(r);
	sip_loop_once(l, 0);
	ok(g3.calls == 0, "async: ... and it does not call back");
	sip_loop_free(l);
}

int
main(void)
{
	char addr[64];
	pid_t pid;

	test_srv_order();
	test_no_dns();
	if ((pid = start_server(addr, sizeof(addr))) < 0) {
		ok(0, "could not start the scripted server");
		return done();
	}
	test_scripted(addr);
	test_cache(addr);
	test_async(addr);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return done();
}
