/*
 * resolve.c - RFC 3263 4 (client usage): transport by NAPTR (4.1, RFC
 * 3403 4.1), host and port by SRV (4.2, RFC 2782 "Usage rules"), then A
 * and AAAA; RFC 7118 5.5 for WebSocket, RFC 6761 6.3 for localhost.
 *
 * c-ares asks, on the caller's loop (its sockets watched through
 * ares_sock_state_cb, its timeouts on one loop timer).  A resolution is
 * a stack of steps run one at a time, depth first, so the targets come
 * out in RFC 3263 order; each step is one question (A and AAAA go
 * together).  NAPTR and SRV answers are read by lib/dns.c's parser,
 * which gives each record's TTL (c-ares 1.18's parsers do not) and the
 * CNAMEs on the way; addresses come from ares_getaddrinfo (/etc/hosts,
 * the search list).  Positive answers stay in a cache for their TTL.
 */
#include <arpa/inet.h>
#include <ares.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "loop.h"
#include "resolve.h"

/* Steps still to take: a NAPTR answer adds one per record, an SRV one
 * per target, and each needs room above what is already there. */
#define NJOBS		(2 * SIP_DNS_MAX_RR + 4)
#define TTL_MAX_S	86400u		/* cap on what we keep an answer */
#define NNONE		8		/* empty answers one resolution keeps */

enum job_kind {
	J_NAPTR,	/* NAPTR for name: transports (4.1) */
	J_SRV,		/* SRV for name, of transport tp (4.2) */
	J_ADDR,		/* A and/or AAAA for name, at port over tp */
	J_FALLBACK	/* nothing from SRV: A/AAAA for name (4.2) */
};

struct job {
	enum job_kind	 kind;
	enum sip_tp	 tp;
	unsigned	 port;
	int		 srv;		/* J_ADDR of an SRV target */
	char		 name[SIP_DNS_NAME_SIZE];
};

/* A cached positive answer, found by name and type. */
struct cache_ent {
	char		 name[SIP_DNS_NAME_SIZE];	/* "": free */
	uint16_t	 type;
	uint64_t	 expires;	/* loop ms */
	uint8_t		*pkt;		/* NAPTR, SRV: the answer as sent */
	size_t		 len;
	unsigned	 n;		/* A, AAAA: the addresses */
	uint8_t		 a[SIP_RESOLVE_MAX_TARGETS][16];
};

struct sip_resolver {
	ares_channel		 ch;		/* NULL until first used */
	struct sip_loop		*loop;		/* of its resolutions */
	struct sip_timer	 tmo;		/* c-ares' next timeout */
	struct sip_resolve	*live;		/* resolutions, for free */
	unsigned		 nlive;
	int			 dying;
	int			 has_server;
	struct sockaddr_storage	 server;
	int			 timeout_ms, tries;
	struct sip_trace	 trace;
	const char		*why;		/* static text */
	struct sip_dns_msg	 peek;		/* a truncated answer */
	struct cache_ent	 cache[SIP_RESOLVE_CACHE_N];
};

/* The addresses of one family that the address step found. */
struct addrs {
	unsigned	 n;
	uint8_t		 a[SIP_RESOLVE_MAX_TARGETS][16];
};

struct sip_resolve {
	struct sip_resolver	*r;
	struct sip_resolve	*next, *prev;	/* on r->live */
	sip_resolve_cb		*cb;
	void			*arg;
	struct sip_timer	 done;		/* calls cb from the loop */
	int			 family;
	int			 sips;
	unsigned		 allowed;
	unsigned		 lookups;	/* questions asked */
	unsigned		 found;		/* records or addresses */
	unsigned		 hops;		/* CNAMEs followed */
	int			 stop;		/* server down, budget spent */
	int			 full;		/* out is full */
	int			 finished, cancelled, running;
	unsigned		 pending;	/* c-ares callbacks to come */
	const char		*why;
	struct job		 cur;		/* the step under way */
	char			 qname[SIP_DNS_NAME_SIZE];	/* asked */
	struct addrs		 got[2];	/* IPv4, IPv6 */
	/* Names this resolution found no A or AAAA for: not cached (no
	 * SOA to time them), but not asked twice in one resolution. */
	unsigned		 nnone;
	struct {
		uint16_t	 type;
		char		 name[SIP_DNS_NAME_SIZE];
	}			 none[NNONE];
	unsigned		 njobs;
	struct job		 jobs[NJOBS];
	struct sip_dests	 out;
	struct sip_dns_msg	 msg;
};

/* A NAPTR record we may use, copied out of the answer. */
struct naptr {
	uint16_t	 order;
	uint16_t	 pref;
	enum sip_tp	 tp;
	char		 flag;		/* 's' or 'a' */
	char		 repl[SIP_DNS_NAME_SIZE];
};

static const struct {
	const char	*service;	/* NAPTR (RFC 3263 4.1, RFC 7118) */
	const char	*srv;		/* SRV owner prefix */
	enum sip_tp	 tp;
} tps[] = {
	{ "SIP+D2U",	"_sip._udp",	SIP_TP_UDP },
	{ "SIP+D2T",	"_sip._tcp",	SIP_TP_TCP },
	{ "SIPS+D2T",	"_sips._tcp",	SIP_TP_TLS },
	{ "SIP+D2S",	"_sip._sctp",	SIP_TP_SCTP },
	{ "SIP+D2W",	"_sip._ws",	SIP_TP_WS },
	{ "SIPS+D2W",	"_sips._ws",	SIP_TP_WSS },
};
#define NTPS	(sizeof(tps) / sizeof(tps[0]))

static void
trace(struct sip_resolver *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
trace(struct sip_resolver *r, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (r->trace.fn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	sip_trace_msg(&r->trace, SIP_TRACE_INFO, line, strlen(line), 0,
	    SIP_TP_NONE, NULL);
}

static uint32_t
default_rnd(void *arg)
{
	static uint32_t x = 2463534242u;
	uint32_t v;

	(void)arg;
	if (getrandom(&v, sizeof(v), 0) == (ssize_t)sizeof(v))
		return v;
	x ^= x << 13;		/* xorshift32 if getrandom fails */
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

/* c-ares on the loop. */

static void	rearm(struct sip_resolver *r);

static void
on_fd(struct sip_loop *l, int fd, unsigned ev, void *arg)
{
	struct sip_resolver *r = arg;

	(void)l;
	ares_process_fd(r->ch, (ev & (SIP_EV_READ | SIP_EV_ERROR)) ? fd :
	    ARES_SOCKET_BAD, (ev & SIP_EV_WRITE) ? fd : ARES_SOCKET_BAD);
	rearm(r);
}

static void
on_tmo(struct sip_timer *t, void *arg)
{
	struct sip_resolver *r = arg;

	(void)t;
	ares_process_fd(r->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	rearm(r);
}

/* The loop timer follows c-ares' next timeout. */
static void
rearm(struct sip_resolver *r)
{
	struct timeval tv, *tp;

	if (r->ch == NULL || r->loop == NULL)
		return;
	if ((tp = ares_timeout(r->ch, NULL, &tv)) == NULL) {
		sip_loop_timer_stop(r->loop, &r->tmo);
		return;
	}
	sip_loop_timer_in(r->loop, &r->tmo, (uint64_t)tp->tv_sec * 1000 +
	    ((uint64_t)tp->tv_usec + 999) / 1000);
}

static void
sock_state(void *arg, ares_socket_t fd, int readable, int writable)
{
	struct sip_resolver *r = arg;
	unsigned ev = (readable ? SIP_EV_READ : 0) |
	    (writable ? SIP_EV_WRITE : 0);

	if (r->loop == NULL)
		return;
	if (ev == 0)
		sip_loop_unwatch(r->loop, fd);
	else
		sip_loop_watch(r->loop, fd, ev, on_fd, r);
}

/*
 * The socket calls c-ares makes, as it would make them, with one look at
 * each UDP answer: c-ares asks again over TCP when the TC bit is set
 * (RFC 7766), and the trace says so.
 */
static ares_socket_t
so_socket(int af, int type, int proto, void *arg)
{
	(void)arg;
	return socket(af, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
}

static int
so_close(ares_socket_t fd, void *arg)
{
	(void)arg;
	return close(fd);
}

static int
so_connect(ares_socket_t fd, const struct sockaddr *sa, ares_socklen_t len,
    void *arg)
{
	(void)arg;
	return connect(fd, sa, len);
}

static ares_ssize_t
so_recvfrom(ares_socket_t fd, void *buf, size_t cap, int flags,
    struct sockaddr *from, ares_socklen_t *fromlen, void *arg)
{
	struct sip_resolver *r = arg;
	const uint8_t *p = buf;
	ares_ssize_t n;

	n = recvfrom(fd, buf, cap, flags, from, fromlen);
	/* from is NULL for TCP; QR and TC set: a truncated answer. */
	if (n >= 12 && from != NULL && (p[2] & 0x82) == 0x82 &&
	    r->trace.fn != NULL && sip_dns_parse(&r->peek, p, (size_t)n) ==
	    SIP_OK && r->peek.qdcount == 1)
		trace(r, "DNS answer for %s %s truncated, asking over TCP",
		    sip_dns_type_name(r->peek.qtype), r->peek.qname);
	return n;
}

static ares_ssize_t
so_sendv(ares_socket_t fd, const struct iovec *v, int n, void *arg)
{
	(void)arg;
	return writev(fd, v, n);
}

static const struct ares_socket_functions so_funcs = {
	so_socket, so_close, so_connect, so_recvfrom, so_sendv
};

/* The channel, made on first use with the options set by then. */
static enum sip_err
channel(struct sip_resolver *r)
{
	struct ares_options o;
	struct ares_addr_port_node sv;
	int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
	    ARES_OPT_SOCK_STATE_CB | ARES_OPT_EDNSPSZ;

	if (r->ch != NULL)
		return SIP_OK;
	memset(&o, 0, sizeof(o));
	o.flags = ARES_FLAG_EDNS;
	o.timeout = r->timeout_ms;
	o.tries = r->tries;
	o.sock_state_cb = sock_state;
	o.sock_state_cb_data = r;
	o.ednspsz = SIP_DNS_EDNS_SIZE;
	if (r->has_server) {
		/*
		 * Ask that server, about the name as given.  Its SERVFAIL,
		 * REFUSED or NOTIMP is the answer: with no other server to
		 * try, c-ares 1.18 would call it "connection refused".
		 */
		o.flags |= ARES_FLAG_NOCHECKRESP;
		mask |= ARES_OPT_DOMAINS | ARES_OPT_LOOKUPS;
		o.ndomains = 0;
		o.lookups = (char *)"b";
	}
	if (ares_init_options(&r->ch, &o, mask) != ARES_SUCCESS) {
		r->ch = NULL;
		return SIP_E_NOMEM;
	}
	if (r->has_server) {
		memset(&sv, 0, sizeof(sv));
		sv.family = r->server.ss_family;
		if (sv.family == AF_INET) {
			struct sockaddr_in *s4 =
			    (struct sockaddr_in *)&r->server;

			sv.addr.addr4 = s4->sin_addr;
			sv.udp_port = sv.tcp_port = ntohs(s4->sin_port);
		} else {
			struct sockaddr_in6 *s6 =
			    (struct sockaddr_in6 *)&r->server;

			memcpy(&sv.addr.addr6, &s6->sin6_addr, 16);
			sv.udp_port = sv.tcp_port = ntohs(s6->sin6_port);
		}
		if (ares_set_servers_ports(r->ch, &sv) != ARES_SUCCESS) {
			ares_destroy(r->ch);
			r->ch = NULL;
			return SIP_E_NOMEM;
		}
	}
	ares_set_socket_functions(r->ch, &so_funcs, r);
	return SIP_OK;
}

/* The resolver. */

enum sip_err
sip_resolver_new(struct sip_resolver **rp, const char *server)
{
	struct sip_resolver *r;
	socklen_t len;

	*rp = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return SIP_E_NOMEM;
	if (server != NULL) {
		if (sip_dns_server_parse(server, &r->server, &len) != SIP_OK) {
			free(r);
			return SIP_E_INVAL;
		}
		r->has_server = 1;
	}
	if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) {
		free(r);
		return SIP_E_NOMEM;
	}
	r->timeout_ms = SIP_DNS_TIMEOUT_MS;
	r->tries = SIP_DNS_TRIES;
	sip_timer_init(&r->tmo, on_tmo, r);
	*rp = r;
	return SIP_OK;
}

static void	resolve_free(struct sip_resolve *h);

void
sip_resolver_free(struct sip_resolver *r)
{
	if (r == NULL)
		return;
	r->dying = 1;
	if (r->ch != NULL)
		ares_destroy(r->ch);	/* every query calls back, now */
	while (r->live != NULL)
		resolve_free(r->live);
	if (r->loop != NULL)
		sip_loop_timer_stop(r->loop, &r->tmo);
	for (unsigned i = 0; i < SIP_RESOLVE_CACHE_N; i++)
		free(r->cache[i].pkt);
	free(r);
	ares_library_cleanup();
}

void
sip_resolver_trace(struct sip_resolver *r, sip_trace_fn *fn, void *arg)
{
	r->trace.fn = fn;
	r->trace.arg = arg;
}

void
sip_resolver_timeout(struct sip_resolver *r, int timeout_ms, int tries)
{
	if (timeout_ms > 0)
		r->timeout_ms = timeout_ms;
	if (tries > 0)
		r->tries = tries;
	if (r->ch != NULL && r->nlive == 0) {
		ares_destroy(r->ch);	/* made again with these */
		r->ch = NULL;
	}
}

const char *
sip_resolver_why(const struct sip_resolver *r)
{
	return r->why != NULL ? r->why : "no error";
}

/* The cache. */

static uint64_t
now_ms(const struct sip_resolver *r)
{
	return sip_loop_now(r->loop);
}

static struct cache_ent *
cache_get(struct sip_resolver *r, const char *name, uint16_t type)
{
	uint64_t now = now_ms(r);

	for (unsigned i = 0; i < SIP_RESOLVE_CACHE_N; i++) {
		struct cache_ent *c = &r->cache[i];

		if (c->name[0] == '\0' || c->type != type ||
		    strcasecmp(c->name, name) != 0)
			continue;
		if (c->expires > now)
			return c;
		free(c->pkt);
		memset(c, 0, sizeof(*c));
		return NULL;
	}
	return NULL;
}

/*
 * The entry to fill for name and type, kept ttl seconds: its own, a free
 * one, or the one that would expire first.  NULL for a TTL of 0.
 */
static struct cache_ent *
cache_put(struct sip_resolver *r, const char *name, uint16_t type,
    uint32_t ttl)
{
	struct cache_ent *c = NULL;

	if (ttl == 0)
		return NULL;
	for (unsigned i = 0; i < SIP_RESOLVE_CACHE_N; i++) {
		struct cache_ent *e = &r->cache[i];

		if (e->name[0] != '\0' && e->type == type &&
		    strcasecmp(e->name, name) == 0) {
			c = e;
			break;
		}
		if (c == NULL || (c->name[0] != '\0' &&
		    (e->name[0] == '\0' || e->expires < c->expires)))
			c = e;
	}
	free(c->pkt);
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->type = type;
	c->expires = now_ms(r) + (uint64_t)(ttl < TTL_MAX_S ? ttl : TTL_MAX_S) *
	    1000;
	return c;
}

/* Seconds an entry has left, for the trace. */
static unsigned
cache_left(const struct sip_resolver *r, const struct cache_ent *c)
{
	return (unsigned)((c->expires - now_ms(r) + 999) / 1000);
}

/* RFC 2782 order. */

static int
by_prio(const struct sip_dns_srv *a, const struct sip_dns_srv *b)
{
	return a->prio > b->prio;
}

void
sip_resolve_srv_order(struct sip_dns_srv *v, unsigned n,
    uint32_t (*rnd)(void *), void *arg)
{
	struct sip_dns_srv t;
	unsigned i, j, k, z;

	/* Stable insertion sort by priority. */
	for (i = 1; i < n; i++) {
		t = v[i];
		for (j = i; j > 0 && by_prio(&v[j - 1], &t); j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && v[j].prio == v[i].prio; j++)
			;
		/* Weight 0 first among this priority, order kept. */
		for (z = i, k = i; k < j; k++) {
			if (v[k].weight != 0)
				continue;
			t = v[k];
			memmove(&v[z + 1], &v[z], (k - z) * sizeof(v[0]));
			v[z++] = t;
		}
		/* Pick one at a time by running sums of the weights. */
		for (k = i; k + 1 < j; k++) {
			uint32_t sum = 0, run = 0, pick;
			unsigned c;

			for (c = k; c < j; c++)
				sum += v[c].weight;
			pick = sum == 0 ? 0 : rnd(arg) % (sum + 1);
			for (c = k; c < j; c++) {
				run += v[c].weight;
				if (run >= pick)
					break;
			}
			if (c >= j)
				c = j - 1;
			t = v[c];
			memmove(&v[k + 1], &v[k], (c - k) * sizeof(v[0]));
			v[k] = t;
		}
	}
}

/* Targets. */

static void
add_target(struct sip_resolve *h, enum sip_tp tp, int af,
    const uint8_t *a, unsigned port, const char *host)
{
	struct sip_dests *out = &h->out;
	struct sip_dest t;

	memset(&t, 0, sizeof(t));
	t.tp = tp;
	if (af == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&t.addr.ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		memcpy(&s4->sin_addr, a, 4);
		t.addr.len = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&t.addr.ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		memcpy(&s6->sin6_addr, a, 16);
		t.addr.len = sizeof(*s6);
	}
	snprintf(t.host, sizeof(t.host), "%s", host);
	for (unsigned i = 0; i < out->n; i++)
		if (out->v[i].tp == tp && out->v[i].addr.len == t.addr.len &&
		    memcmp(&out->v[i].addr.ss, &t.addr.ss, t.addr.len) == 0)
			return;
	if (out->n == SIP_RESOLVE_MAX_TARGETS) {
		if (!h->full)
			trace(h->r, "target list full (%d): the rest is left "
			    "out", SIP_RESOLVE_MAX_TARGETS);
		h->full = 1;
		return;
	}
	out->v[out->n++] = t;
}

/* Steps. */

static void
push(struct sip_resolve *h, enum job_kind kind, const char *name,
    enum sip_tp tp, unsigned port, int srv)
{
	size_t l = strlen(name);
	struct job *j;

	/* NJOBS has room for all; a name too long is not asked. */
	if (h->njobs == NJOBS || l >= sizeof(j->name))
		return;
	j = &h->jobs[h->njobs++];
	j->kind = kind;
	j->tp = tp;
	j->port = port;
	j->srv = srv;
	memcpy(j->name, name, l + 1);
}

/* Steps pushed since mark run first to last: reverse them. */
static void
pushed_in_order(struct sip_resolve *h, unsigned mark)
{
	for (unsigned i = mark, k = h->njobs; i + 1 < k; i++, k--) {
		struct job t = h->jobs[i];

		h->jobs[i] = h->jobs[k - 1];
		h->jobs[k - 1] = t;
	}
}

static int
tp_index(enum sip_tp tp)
{
	for (unsigned i = 0; i < NTPS; i++)
		if (tps[i].tp == tp)
			return (int)i;
	return -1;
}

/* The SRV owner for tp at domain. */
static int
srv_owner(char *out, size_t cap, enum sip_tp tp, const char *domain)
{
	int i = tp_index(tp);

	if (i < 0)
		return -1;
	return snprintf(out, cap, "%s.%s", tps[i].srv, domain) <
	    (int)cap ? 0 : -1;
}

/* The transport without DNS: UDP for sip:, TLS for sips: (4.1). */
static enum sip_tp
default_tp(int sips, unsigned allowed)
{
	static const enum sip_tp pref[] = {
		SIP_TP_UDP, SIP_TP_TCP, SIP_TP_TLS, SIP_TP_SCTP, SIP_TP_WS,
		SIP_TP_WSS
	};

	if (sips)
		return (allowed & SIP_TP_BIT(SIP_TP_TLS)) ? SIP_TP_TLS :
		    (allowed & SIP_TP_BIT(SIP_TP_WSS)) ? SIP_TP_WSS :
		    SIP_TP_NONE;
	for (unsigned i = 0; i < sizeof(pref) / sizeof(pref[0]); i++)
		if (allowed & SIP_TP_BIT(pref[i]))
			return pref[i];
	return SIP_TP_NONE;
}

/* NAPTR answered (m NULL: nothing to use); the steps it calls for. */
static void
naptr_done(struct sip_resolve *h, const struct sip_dns_msg *m)
{
	struct sip_resolver *r = h->r;
	struct naptr v[SIP_DNS_MAX_RR];
	char txt[3 * 256 + SIP_DNS_NAME_SIZE + 32];
	char owner[SIP_DNS_NAME_SIZE];
	const char *domain = h->cur.name;
	unsigned n = 0, mark = h->njobs;

	for (unsigned i = 0; m != NULL && i < m->n; i++) {
		const struct sip_dns_naptr *np = &m->rr[i].u.naptr;
		const char *skip = NULL;
		int k = -1;
		char flag = 0;

		for (unsigned j = 0; j < NTPS; j++)
			if (slice_ieq_cstr(np->service, tps[j].service))
				k = (int)j;
		if (np->flags.len == 1)
			flag = (char)(np->flags.p[0] | 0x20);
		if (k < 0)
			skip = "a service we do not know";
		else if (h->sips && !sip_tp_secure(tps[k].tp))
			skip = "not SIPS";
		else if (!(h->allowed & SIP_TP_BIT(tps[k].tp)))
			skip = "a transport we do not use";
		else if (flag != 's' && flag != 'a')
			skip = "flags other than \"s\" or \"a\"";
		else if (np->regexp.len > 0 || np->repl[0] == '\0')
			skip = "a regexp instead of a replacement";
		sip_dns_rr_format(&m->rr[i], txt, sizeof(txt));
		trace(r, "NAPTR %s -> %s%s%s%s", domain, txt,
		    skip ? " (ignored: " : "", skip ? skip : "",
		    skip ? ")" : "");
		if (skip != NULL)
			continue;
		v[n].order = np->order;
		v[n].pref = np->pref;
		v[n].tp = tps[k].tp;
		v[n].flag = flag;
		memcpy(v[n].repl, np->repl, sizeof(v[n].repl));
		n++;
	}
	/* Stable sort by order, then preference. */
	for (unsigned i = 1; i < n; i++) {
		struct naptr t = v[i];
		unsigned j;

		for (j = i; j > 0 && (v[j - 1].order > t.order ||
		    (v[j - 1].order == t.order && v[j - 1].pref > t.pref)); j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
	if (n > 0) {
		for (unsigned i = 0; i < n; i++)
			if (v[i].flag == 'a')
				push(h, J_ADDR, v[i].repl, v[i].tp, (unsigned)
				    sip_tp_default_port(v[i].tp), 0);
			else
				push(h, J_SRV, v[i].repl, v[i].tp, 0, 0);
		push(h, J_FALLBACK, domain, v[0].tp, 0, 0);
		pushed_in_order(h, mark);
		return;
	}
	if (h->stop)
		return;
	trace(r, "no NAPTR to use: SRV for each transport (RFC 3263 4.1)");
	{
		static const enum sip_tp order[] = {
			SIP_TP_UDP, SIP_TP_TCP, SIP_TP_TLS, SIP_TP_SCTP
		};

		for (unsigned i = 0; i < sizeof(order) / sizeof(order[0]);
		    i++) {
			if (!(h->allowed & SIP_TP_BIT(order[i])) ||
			    sip_tp_secure(order[i]) != !!h->sips)
				continue;
			if (srv_owner(owner, sizeof(owner), order[i],
			    domain) == 0)
				push(h, J_SRV, owner, order[i], 0, 0);
		}
	}
	push(h, J_FALLBACK, domain, default_tp(h->sips, h->allowed), 0, 0);
	pushed_in_order(h, mark);
}

/* SRV answered (m NULL: nothing); its targets in RFC 2782 order. */
static void
srv_done(struct sip_resolve *h, const struct sip_dns_msg *m)
{
	struct sip_dns_srv v[SIP_DNS_MAX_RR];
	char txt[SIP_DNS_NAME_SIZE + 32];
	const char *owner = h->cur.name;
	unsigned n = m != NULL ? m->n : 0, mark = h->njobs;

	if (n == 0)
		return;
	for (unsigned i = 0; i < n; i++) {
		v[i] = m->rr[i].u.srv;
		sip_dns_rr_format(&m->rr[i], txt, sizeof(txt));
		trace(h->r, "SRV %s -> %s", owner, txt);
	}
	h->found += n;
	if (n == 1 && v[0].target[0] == '\0') {
		trace(h->r, "SRV %s: the service is not offered here", owner);
		return;
	}
	sip_resolve_srv_order(v, n, default_rnd, NULL);
	for (unsigned i = 0; i < n; i++)
		if (v[i].target[0] != '\0')
			push(h, J_ADDR, v[i].target, h->cur.tp, v[i].port, 1);
	pushed_in_order(h, mark);
}

/* Both families answered: IPv4 first, then IPv6. */
static void
addr_done(struct sip_resolve *h)
{
	const struct job *j = &h->cur;
	unsigned n = h->got[0].n + h->got[1].n;

	for (unsigned k = 0; k < 2; k++)
		for (unsigned i = 0; i < h->got[k].n; i++)
			add_target(h, j->tp, k == 0 ? AF_INET : AF_INET6,
			    h->got[k].a[i], j->port, j->name);
	h->found += n;
	if (n == 0 && j->srv)
		trace(h->r, "%s:%u has no address", j->name, j->port);
}

static void
finish(struct sip_resolve *h)
{
	struct sip_resolver *r = h->r;

	h->finished = 1;
	if (h->out.n == 0 && h->why == NULL)
		h->why = "no address found";
	sip_loop_timer_in(r->loop, &h->done, 0);
}

/*
 * A failed question: the trace line, and when the server did not answer
 * at all, the end of the resolution (asking it more would only wait).
 */
static void
failed_q(struct sip_resolve *h, const char *tn, const char *name,
    int status)
{
	const char *why;
	int down = 0;

	switch (status) {
	case ARES_EFORMERR:	why = "server says FORMERR"; break;
	case ARES_ESERVFAIL:	why = "server says SERVFAIL"; break;
	case ARES_ENOTIMP:	why = "server says NOTIMP"; break;
	case ARES_EREFUSED:	why = "server says REFUSED"; break;
	case ARES_EBADRESP:	why = "malformed answer"; break;
	case ARES_EBADNAME:	why = "bad name"; break;
	case ARES_ECONNREFUSED:	why = "connection refused"; down = 1; break;
	case ARES_ETIMEOUT:	why = "timeout"; down = 1; break;
	case ARES_ENOMEM:	why = "out of memory"; down = 1; break;
	default:		why = ares_strerror(status); down = 1; break;
	}
	trace(h->r, "%s %s -> %s: %s", tn, name, down ? "no answer" : "error",
	    why);
	if (down) {
		h->stop = 1;
		h->why = why;
	}
}

/* Another question for this resolution, within its budget. */
static int
budget(struct sip_resolve *h)
{
	if (h->stop)
		return 0;
	if (++h->lookups > SIP_RESOLVE_MAX_QUERIES) {
		trace(h->r, "%d DNS questions asked: no more",
		    SIP_RESOLVE_MAX_QUERIES);
		h->stop = 1;
		return 0;
	}
	return 1;
}

/* NAPTR and SRV. */

static void	advance(struct sip_resolve *h);
static void	resolve_free(struct sip_resolve *h);

static uint16_t
job_type(const struct job *j)
{
	return j->kind == J_NAPTR ? SIP_DNS_NAPTR : SIP_DNS_SRV;
}

static void
step_end(struct sip_resolve *h, const struct sip_dns_msg *m)
{
	if (h->cur.kind == J_NAPTR)
		naptr_done(h, m);
	else
		srv_done(h, m);
}

/*
 * m holds the answer for h->qname: keep only the records of type at the
 * end of its CNAME chain, which h->qname becomes; *ttl is the least TTL
 * on the way.  1: the chain moved on to a name the answer has nothing
 * for (ask there), 0: done, -1: a chain too long.
 */
static int
chain(struct sip_resolve *h, struct sip_dns_msg *m, uint16_t type,
    uint32_t *ttl)
{
	char *cur = h->qname;
	unsigned k = 0;
	int found = 0, moved = 0;

	for (;;) {
		int cn = -1;

		for (unsigned i = 0; i < m->n; i++) {
			if (strcasecmp(m->rr[i].name, cur) != 0)
				continue;
			if (m->rr[i].type == type)
				found = 1;
			else if (m->rr[i].type == SIP_DNS_CNAME && cn < 0)
				cn = (int)i;
		}
		if (found || cn < 0)
			break;
		if (++h->hops > SIP_DNS_MAX_CNAME ||
		    m->rr[cn].u.cname[0] == '\0') {
			trace(h->r, "%s %s -> error: %s",
			    sip_dns_type_name(type), cur,
			    m->rr[cn].u.cname[0] == '\0' ?
			    "CNAME to the root" : "CNAME chain too long");
			return -1;
		}
		trace(h->r, "CNAME %s -> %s", cur, m->rr[cn].u.cname);
		if (m->rr[cn].ttl < *ttl)
			*ttl = m->rr[cn].ttl;
		memmove(cur, m->rr[cn].u.cname, SIP_DNS_NAME_SIZE);
		moved = 1;
	}
	for (unsigned i = 0; i < m->n; i++) {
		if (m->rr[i].type != type || strcasecmp(m->rr[i].name, cur))
			continue;
		if (m->rr[i].ttl < *ttl)
			*ttl = m->rr[i].ttl;
		if (k != i)
			m->rr[k] = m->rr[i];
		k++;
	}
	m->n = k;
	return !found && moved && m->rcode == SIP_DNS_NOERROR;
}

static void	ask_rr(struct sip_resolve *h);

/* The answer for h->qname, from the wire or the cache. */
static void
took(struct sip_resolve *h, const uint8_t *pkt, size_t len, int cached)
{
	uint16_t type = job_type(&h->cur);
	const char *tn = sip_dns_type_name(type);
	char asked[SIP_DNS_NAME_SIZE];
	uint32_t ttl = UINT32_MAX;
	enum sip_err e;
	int c;

	memcpy(asked, h->qname, sizeof(asked));
	if ((e = sip_dns_parse(&h->msg, pkt, len)) != SIP_OK) {
		trace(h->r, "%s %s -> error: %s", tn, asked, e == SIP_E_TOOBIG ?
		    "answer has too many records" : "malformed answer");
		step_end(h, NULL);
		return;
	}
	if ((c = chain(h, &h->msg, type, &ttl)) < 0) {
		step_end(h, NULL);
		return;
	}
	if (!cached && (h->msg.n > 0 || c == 1)) {
		struct cache_ent *ce = cache_put(h->r, asked, type, ttl);

		if (ce != NULL && (ce->pkt = malloc(len)) != NULL) {
			memcpy(ce->pkt, pkt, len);
			ce->len = len;
		} else if (ce != NULL)
			ce->name[0] = '\0';
	}
	if (c == 1) {
		ask_rr(h);		/* the chain's end */
		return;
	}
	if (h->msg.n == 0)
		trace(h->r, "%s %s -> %s", tn, asked,
		    h->msg.rcode == SIP_DNS_NXDOMAIN ? "no such name" :
		    "no records");
	step_end(h, &h->msg);
}

/* A c-ares callback for h: whether h is still wanted. */
static int
wanted(struct sip_resolve *h)
{
	h->pending--;
	if (h->cancelled) {
		if (h->pending == 0)
			resolve_free(h);
		return 0;
	}
	return !h->r->dying;
}

static void
on_answer(void *arg, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	struct sip_resolve *h = arg;

	(void)timeouts;
	if (!wanted(h))
		return;
	if ((status == ARES_SUCCESS || status == ARES_ENODATA ||
	    status == ARES_ENOTFOUND) && abuf != NULL && alen > 0)
		took(h, abuf, (size_t)alen, 0);
	else {
		failed_q(h, sip_dns_type_name(job_type(&h->cur)), h->qname,
		    status);
		step_end(h, NULL);
	}
	advance(h);
}

static void
ask_rr(struct sip_resolve *h)
{
	uint16_t type = job_type(&h->cur);
	struct cache_ent *c = cache_get(h->r, h->qname, type);

	if (c != NULL) {
		trace(h->r, "%s %s: from the cache (%u s left)",
		    sip_dns_type_name(type), h->qname, cache_left(h->r, c));
		took(h, c->pkt, c->len, 1);
		return;
	}
	if (!budget(h)) {
		step_end(h, NULL);
		return;
	}
	h->pending++;
	ares_query(h->r->ch, h->qname, 1 /* IN */, type, on_answer, h);
}

/* A and AAAA. */

static void
took_addrs(struct sip_resolve *h, unsigned k, int status,
    const struct ares_addrinfo *ai)
{
	const char *tn = k == 0 ? "A" : "AAAA", *name = h->cur.name;
	int af = k == 0 ? AF_INET : AF_INET6;
	struct addrs *g = &h->got[k];
	uint32_t ttl = UINT32_MAX;
	char txt[INET6_ADDRSTRLEN];
	struct cache_ent *c;

	if (status == ARES_SUCCESS && ai != NULL) {
		for (const struct ares_addrinfo_cname *cn = ai->cnames;
		    cn != NULL; cn = cn->next) {
			trace(h->r, "CNAME %s -> %s", cn->alias, cn->name);
			if ((uint32_t)(cn->ttl > 0 ? cn->ttl : 0) < ttl)
				ttl = (uint32_t)(cn->ttl > 0 ? cn->ttl : 0);
		}
		for (const struct ares_addrinfo_node *nd = ai->nodes;
		    nd != NULL; nd = nd->ai_next) {
			const void *a;

			if (nd->ai_family != af)
				continue;
			a = af == AF_INET ?
			    (const void *)&((const struct sockaddr_in *)
			    nd->ai_addr)->sin_addr :
			    (const void *)&((const struct sockaddr_in6 *)
			    nd->ai_addr)->sin6_addr;
			inet_ntop(af, a, txt, sizeof(txt));
			trace(h->r, "%s %s -> %s", tn, name, txt);
			if ((uint32_t)(nd->ai_ttl > 0 ? nd->ai_ttl : 0) < ttl)
				ttl = (uint32_t)(nd->ai_ttl > 0 ?
				    nd->ai_ttl : 0);
			if (g->n < SIP_RESOLVE_MAX_TARGETS)
				memcpy(g->a[g->n++], a, af == AF_INET ? 4 : 16);
		}
	}
	if (g->n > 0) {
		if ((c = cache_put(h->r, name, k == 0 ? SIP_DNS_A :
		    SIP_DNS_AAAA, ttl)) != NULL) {
			c->n = g->n;
			memcpy(c->a, g->a, sizeof(c->a));
		}
	} else if (status == ARES_SUCCESS || status == ARES_ENODATA ||
	    status == ARES_ENOTFOUND) {
		trace(h->r, "%s %s -> %s", tn, name, status ==
		    ARES_ENOTFOUND ? "no such name" : "no records");
		if (h->nnone < NNONE) {
			h->none[h->nnone].type = k == 0 ? SIP_DNS_A :
			    SIP_DNS_AAAA;
			memcpy(h->none[h->nnone++].name, name,
			    sizeof(h->none[0].name));
		}
	} else
		failed_q(h, tn, name, status);
}

static void
on_addrs(struct sip_resolve *h, unsigned k, int status,
    struct ares_addrinfo *ai)
{
	if (wanted(h)) {
		took_addrs(h, k, status, ai);
		if (h->pending == 0)
			addr_done(h);
		advance(h);
	}
	ares_freeaddrinfo(ai);
}

static void
on_addr4(void *arg, int status, int timeouts, struct ares_addrinfo *ai)
{
	(void)timeouts;
	on_addrs(arg, 0, status, ai);
}

static void
on_addr6(void *arg, int status, int timeouts, struct ares_addrinfo *ai)
{
	(void)timeouts;
	on_addrs(arg, 1, status, ai);
}

/* Whether this resolution already found no record of type for name. */
static int
found_none(const struct sip_resolve *h, const char *name, uint16_t type)
{
	for (unsigned i = 0; i < h->nnone; i++)
		if (h->none[i].type == type &&
		    strcasecmp(h->none[i].name, name) == 0)
			return 1;
	return 0;
}

/* A for IPv4, AAAA for IPv6, asked together, from the cache if there. */
static void
ask_addrs(struct sip_resolve *h)
{
	const char *name = h->cur.name;
	int want[2] = { h->family != AF_INET6, h->family != AF_INET };
	unsigned ask = 0;
	char txt[INET6_ADDRSTRLEN];

	for (unsigned k = 0; k < 2; k++) {
		int af = k == 0 ? AF_INET : AF_INET6;
		struct cache_ent *c;

		h->got[k].n = 0;
		if (!want[k])
			continue;
		c = cache_get(h->r, name, k == 0 ? SIP_DNS_A : SIP_DNS_AAAA);
		if (found_none(h, name, k == 0 ? SIP_DNS_A : SIP_DNS_AAAA)) {
			trace(h->r, "%s %s -> no records (asked already)",
			    k == 0 ? "A" : "AAAA", name);
			want[k] = 0;
		} else if (c != NULL) {
			trace(h->r, "%s %s: from the cache (%u s left)",
			    k == 0 ? "A" : "AAAA", name, cache_left(h->r, c));
			h->got[k].n = c->n;
			memcpy(h->got[k].a, c->a, sizeof(c->a));
			for (unsigned i = 0; i < c->n; i++) {
				inet_ntop(af, c->a[i], txt, sizeof(txt));
				trace(h->r, "%s %s -> %s", k == 0 ? "A" :
				    "AAAA", name, txt);
			}
			want[k] = 0;
		} else if (!budget(h))
			want[k] = 0;
		ask += (unsigned)want[k];
	}
	if (ask == 0) {
		addr_done(h);
		return;
	}
	/* Both counted first: an answer from /etc/hosts comes at once. */
	h->pending += ask;
	for (unsigned k = 0; k < 2; k++) {
		struct ares_addrinfo_hints hi = {
			.ai_family = k == 0 ? AF_INET : AF_INET6,
			.ai_flags = ARES_AI_NOSORT	/* the DNS order */
		};

		if (want[k])
			ares_getaddrinfo(h->r->ch, name, NULL, &hi,
			    k == 0 ? on_addr4 : on_addr6, h);
	}
}

/* Running the steps. */

static void
run_job(struct sip_resolve *h)
{
	const struct job *j = &h->cur;
	unsigned port;

	switch (j->kind) {
	case J_NAPTR:
	case J_SRV:
		h->hops = 0;
		memcpy(h->qname, j->name, sizeof(h->qname));
		ask_rr(h);
		break;
	case J_ADDR:
		ask_addrs(h);
		break;
	case J_FALLBACK:
		if (h->found > 0 || h->stop)
			break;
		port = (unsigned)sip_tp_default_port(j->tp);
		trace(h->r, "no SRV: A/AAAA for %s, %s port %u (RFC 3263 "
		    "4.2)", j->name, sip_tp_name(j->tp), port);
		push(h, J_ADDR, j->name, j->tp, port, 0);
		break;
	}
}

/* Take steps until one waits for an answer or none is left. */
static void
advance(struct sip_resolve *h)
{
	if (h->running || h->finished)
		return;
	h->running = 1;
	while (h->pending == 0 && !h->finished) {
		if (h->njobs == 0 || h->stop || h->full) {
			finish(h);
			break;
		}
		h->cur = h->jobs[--h->njobs];
		run_job(h);
	}
	h->running = 0;
	rearm(h->r);
}

/* Resolutions. */

static void
unlink_live(struct sip_resolve *h)
{
	struct sip_resolver *r = h->r;

	if (h->prev != NULL)
		h->prev->next = h->next;
	else if (r->live == h)
		r->live = h->next;
	if (h->next != NULL)
		h->next->prev = h->prev;
	h->next = h->prev = NULL;
}

static void
resolve_free(struct sip_resolve *h)
{
	struct sip_resolver *r = h->r;

	unlink_live(h);
	if (r->loop != NULL)
		sip_loop_timer_stop(r->loop, &h->done);
	r->nlive--;
	free(h);
}

static void
on_done(struct sip_timer *t, void *arg)
{
	struct sip_resolve *h = arg;
	enum sip_err e = h->out.n > 0 ? SIP_OK : SIP_E_DNS;

	(void)t;
	/* Off the resolver first: the callback may free it. */
	unlink_live(h);
	h->r->nlive--;
	h->cb(h->arg, e, &h->out, e == SIP_OK ? "no error" : h->why);
	free(h);
}

void
sip_resolve_cancel(struct sip_resolve *h)
{
	if (h == NULL)
		return;
	if (h->pending == 0) {
		resolve_free(h);
		return;
	}
	/* c-ares still holds it: the last answer frees it. */
	unlink_live(h);
	sip_loop_timer_stop(h->r->loop, &h->done);
	h->cancelled = 1;
}

static int
is_localhost(const char *h)
{
	size_t l = strlen(h);

	if (l > 0 && h[l - 1] == '.')
		l--;
	return (l == 9 && strncasecmp(h, "localhost", 9) == 0) ||
	    (l > 10 && strncasecmp(h + l - 10, ".localhost", 10) == 0);
}

static enum sip_err
failed(struct sip_resolver *r, enum sip_err e, const char *why)
{
	r->why = why;
	return e;
}

enum sip_err
sip_resolve_start(struct sip_resolver *r, struct sip_loop *l,
    const struct sip_resolve_req *q, sip_resolve_cb *cb, void *arg,
    struct sip_resolve **hp)
{
	char host[SIP_DNS_NAME_SIZE], owner[SIP_DNS_NAME_SIZE];
	uint8_t a[16];
	unsigned allowed = q->tps != 0 ? q->tps : SIP_RESOLVE_TPS_DEFAULT;
	unsigned port;
	enum sip_tp tp = q->tp;
	size_t hl = strlen(q->host);
	struct sip_resolve *h;
	enum sip_err e;
	int af = 0;

	if (hp != NULL)
		*hp = NULL;
	r->why = NULL;
	if (r->nlive > 0 && r->loop != l)
		return failed(r, SIP_E_INVAL, "resolver busy on another loop");
	if (q->port > 65535)
		return failed(r, SIP_E_INVAL, "bad port");
	/* The transport (4.1): sips: wants TLS (or WSS). */
	if (q->sips) {
		if (tp == SIP_TP_TCP)
			tp = SIP_TP_TLS;
		else if (tp == SIP_TP_WS)
			tp = SIP_TP_WSS;
		else if (tp == SIP_TP_UDP || tp == SIP_TP_SCTP)
			return failed(r, SIP_E_INVAL,
			    "a sips: URI needs TLS or WSS");
	}
	if (tp != SIP_TP_NONE && !(allowed & SIP_TP_BIT(tp)))
		return failed(r, SIP_E_UNSUPP, "transport not supported");
	if (tp == SIP_TP_NONE && default_tp(q->sips, allowed) == SIP_TP_NONE)
		return failed(r, SIP_E_UNSUPP, "no transport to use");
	/* The host: an IP address (with or without brackets) or a name. */
	if (hl > 0 && q->host[0] == '[') {
		if (hl < 3 || q->host[hl - 1] != ']' || hl - 2 >= sizeof(host))
			return failed(r, SIP_E_INVAL, "bad IPv6 reference");
		memcpy(host, q->host + 1, hl - 2);
		host[hl - 2] = '\0';
		if (inet_pton(AF_INET6, host, a) != 1)
			return failed(r, SIP_E_INVAL, "bad IPv6 reference");
		af = AF_INET6;
	} else {
		if (hl == 0 || hl >= sizeof(host))
			return failed(r, SIP_E_INVAL, "bad host");
		memcpy(host, q->host, hl + 1);
		if (hl > 1 && host[hl - 1] == '.')
			host[hl - 1] = '\0';	/* "sip.test." */
		if (inet_pton(AF_INET, host, a) == 1)
			af = AF_INET;
		else if (strchr(host, ':') != NULL) {
			if (inet_pton(AF_INET6, host, a) != 1)
				return failed(r, SIP_E_INVAL,
				    "bad IPv6 address");
			af = AF_INET6;
		}
	}
	if (af != 0 && q->family != AF_UNSPEC && q->family != af)
		return failed(r, SIP_E_INVAL, "address of the other family");
	if (af == 0 && sip_dns_name_check(host) != SIP_OK)
		return failed(r, SIP_E_INVAL, "bad host name");
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return failed(r, SIP_E_NOMEM, "out of memory");
	if (r->loop != l && r->loop != NULL)
		sip_loop_timer_stop(r->loop, &r->tmo);
	r->loop = l;
	h->r = r;
	h->next = r->live;
	if (r->live != NULL)
		r->live->prev = h;
	r->live = h;
	r->nlive++;
	sip_timer_init(&h->done, on_done, h);
	h->cb = cb;
	h->arg = arg;
	h->family = q->family;
	h->sips = q->sips;
	h->allowed = allowed;
	if (af != 0 || is_localhost(host)) {
		if (tp == SIP_TP_NONE)
			tp = default_tp(q->sips, allowed);
		port = q->port ? q->port : (unsigned)sip_tp_default_port(tp);
		if (af != 0) {
			trace(r, "%s is an IP address: %s port %u, no DNS "
			    "(RFC 3263 4.2)", host, sip_tp_name(tp), port);
			add_target(h, tp, af, a, port, host);
		} else {
			trace(r, "%s is loopback (RFC 6761 6.3): %s port %u, "
			    "no DNS", host, sip_tp_name(tp), port);
			if (q->family != AF_INET6)
				add_target(h, tp, AF_INET, (const uint8_t *)
				    "\x7f\0\0\1", port, host);
			if (q->family != AF_INET)
				add_target(h, tp, AF_INET6, (const uint8_t *)
				    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", port,
				    host);
		}
		finish(h);
	} else {
		if ((e = channel(r)) != SIP_OK) {
			resolve_free(h);
			return failed(r, e, "cannot set up DNS");
		}
		if (q->port != 0) {
			if (tp == SIP_TP_NONE)
				tp = default_tp(q->sips, allowed);
			trace(r, "port %u given: %s, no NAPTR or SRV (RFC 3263 "
			    "4.2)", q->port, sip_tp_name(tp));
			push(h, J_ADDR, host, tp, q->port, 0);
		} else if (tp != SIP_TP_NONE) {
			trace(r, "transport %s given: no NAPTR (RFC 3263 4.1)",
			    sip_tp_name(tp));
			push(h, J_FALLBACK, host, tp, 0, 0);
			if (srv_owner(owner, sizeof(owner), tp, host) == 0)
				push(h, J_SRV, owner, tp, 0, 0);
		} else
			push(h, J_NAPTR, host, SIP_TP_NONE, 0, 0);
		advance(h);
	}
	if (hp != NULL)
		*hp = h;
	return SIP_OK;
}

/* The blocking wrapper. */

struct waiter {
	int			 done;
	enum sip_err		 e;
	const char		*why;
	struct sip_dests	*out;
};

static void
wake(void *arg, enum sip_err e, const struct sip_dests *d, const char *why)
{
	struct waiter *w = arg;

	w->done = 1;
	w->e = e;
	w->why = why;
	w->out->n = d->n;
	memcpy(w->out->v, d->v, d->n * sizeof(d->v[0]));
}

enum sip_err
sip_resolve(struct sip_resolver *r, const struct sip_resolve_req *q,
    struct sip_dests *out)
{
	struct waiter w = { .out = out };
	struct sip_resolve *h;
	struct sip_loop *l;
	uint64_t end;
	enum sip_err e;

	out->n = 0;
	if (r->nlive > 0)
		return failed(r, SIP_E_INVAL, "resolver busy");
	if ((l = sip_loop_new()) == NULL)
		return failed(r, SIP_E_NOMEM, "out of memory");
	e = sip_resolve_start(r, l, q, wake, &w, &h);
	end = sip_loop_now(l) + SIP_RESOLVE_WAIT_MS;
	while (e == SIP_OK && !w.done && sip_loop_now(l) < end)
		if (sip_loop_once(l, (int)(end - sip_loop_now(l))) < 0)
			break;
	if (e == SIP_OK) {
		if (!w.done) {
			sip_resolve_cancel(h);
			if (r->ch != NULL)
				ares_cancel(r->ch);	/* frees h */
			w.e = SIP_E_DNS;
			w.why = "timeout";
		}
		e = w.e;
		r->why = w.why;
	}
	sip_loop_timer_stop(l, &r->tmo);
	r->loop = NULL;
	sip_loop_free(l);
	return e;
}
