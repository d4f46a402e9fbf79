/*
 * resolve.c - RFC 3263 4 (client usage): transport by NAPTR (4.1, RFC
 * 3403 4.1), host and port by SRV (4.2, RFC 2782 "Usage rules"), then A
 * and AAAA; RFC 7118 5.5 for WebSocket, RFC 6761 6.3 for localhost.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "resolve.h"

#define CACHE_N	16	/* names whose addresses one resolution keeps */

struct cache_ent {
	char		 name[SIP_DNS_NAME_SIZE];
	uint16_t	 type;
	unsigned	 n;
	uint8_t		 a[SIP_RESOLVE_MAX_TARGETS][16];
};

struct sip_resolver {
	struct sip_dns		 dns;
	sip_trace_fn		 trace;
	void			*trace_arg;
	uint32_t		(*rnd)(void *);
	void			*rnd_arg;
	/* One resolution's state. */
	struct sip_dests	*out;
	int			 family;
	unsigned		 lookups;
	int			 stop;		/* server down, budget spent */
	int			 full;		/* out is full */
	const char		*why;		/* static text */
	unsigned		 ncache;
	struct cache_ent	 cache[CACHE_N];
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

	if (r->trace == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	r->trace(r->trace_arg, line);
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

enum sip_err
sip_resolver_new(struct sip_resolver **rp, const char *server)
{
	struct sip_resolver *r;
	enum sip_err e;

	*rp = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return SIP_E_NOMEM;
	e = sip_dns_init(&r->dns, server);
	if (e != SIP_OK && server != NULL) {
		free(r);
		return e;
	}
	r->rnd = default_rnd;
	*rp = r;
	return SIP_OK;
}

void
sip_resolver_free(struct sip_resolver *r)
{
	free(r);
}

void
sip_resolver_trace(struct sip_resolver *r, sip_trace_fn fn, void *arg)
{
	r->trace = fn;
	r->trace_arg = arg;
	r->dns.trace = fn;
	r->dns.trace_arg = arg;
}

void
sip_resolver_timeout(struct sip_resolver *r, int timeout_ms, int tries)
{
	if (timeout_ms > 0)
		r->dns.timeout_ms = timeout_ms;
	if (tries > 0)
		r->dns.tries = tries;
}

const char *
sip_resolver_why(const struct sip_resolver *r)
{
	return r->why != NULL ? r->why : "no error";
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
add_target(struct sip_resolver *r, enum sip_tp tp, int af,
    const uint8_t *a, unsigned port, const char *host)
{
	struct sip_dests *out = r->out;
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
		if (!r->full)
			trace(r, "target list full (%d): the rest is left out",
			    SIP_RESOLVE_MAX_TARGETS);
		r->full = 1;
		return;
	}
	out->v[out->n++] = t;
}

/*
 * Ask for name and type into r->msg.  SIP_OK (maybe no records), or an
 * error after which this step has nothing; r->stop when nothing more
 * should be asked.
 */
static enum sip_err
lookup(struct sip_resolver *r, const char *name, uint16_t type)
{
	const char *tn = sip_dns_type_name(type);
	enum sip_err e;

	r->msg.n = 0;
	if (r->stop)
		return SIP_E_DNS;
	if (++r->lookups > SIP_RESOLVE_MAX_QUERIES) {
		trace(r, "%d DNS questions asked: no more",
		    SIP_RESOLVE_MAX_QUERIES);
		r->stop = 1;
		return SIP_E_DNS;
	}
	e = sip_dns_lookup(&r->dns, name, type, &r->msg);
	if (e != SIP_OK) {
		const char *why = e == SIP_E_DNS ? r->dns.why : "bad name";

		trace(r, "%s %s -> %s: %s", tn, name,
		    r->dns.down ? "no answer" : "error", why);
		if (r->dns.down) {
			r->stop = 1;
			r->why = why;
		}
		return e;
	}
	if (r->msg.n == 0)
		trace(r, "%s %s -> %s", tn, name,
		    r->msg.rcode == SIP_DNS_NXDOMAIN ? "no such name" :
		    "no records");
	return SIP_OK;
}

/* A and/or AAAA for name; each address becomes a target. */
static unsigned
addresses(struct sip_resolver *r, const char *name, unsigned port,
    enum sip_tp tp)
{
	struct cache_ent tmp;		/* when the cache is full */
	uint16_t types[2];
	unsigned nt = 0, found = 0;

	if (r->family != AF_INET6)
		types[nt++] = SIP_DNS_A;
	if (r->family != AF_INET)
		types[nt++] = SIP_DNS_AAAA;
	for (unsigned t = 0; t < nt; t++) {
		int af = types[t] == SIP_DNS_A ? AF_INET : AF_INET6;
		struct cache_ent *c = NULL;

		for (unsigned i = 0; i < r->ncache; i++)
			if (r->cache[i].type == types[t] &&
			    strcasecmp(r->cache[i].name, name) == 0)
				c = &r->cache[i];
		if (c == NULL) {
			struct cache_ent *dst;
			char txt[INET6_ADDRSTRLEN];

			if (lookup(r, name, types[t]) != SIP_OK)
				continue;
			dst = r->ncache < CACHE_N ? &r->cache[r->ncache++] :
			    &tmp;
			snprintf(dst->name, sizeof(dst->name), "%s", name);
			dst->type = types[t];
			dst->n = 0;
			for (unsigned i = 0; i < r->msg.n; i++) {
				sip_dns_rr_format(&r->msg.rr[i], txt,
				    sizeof(txt));
				trace(r, "%s %s -> %s",
				    sip_dns_type_name(types[t]), name, txt);
				if (dst->n < SIP_RESOLVE_MAX_TARGETS)
					memcpy(dst->a[dst->n++],
					    types[t] == SIP_DNS_A ?
					    r->msg.rr[i].u.a :
					    r->msg.rr[i].u.aaaa, af ==
					    AF_INET ? 4 : 16);
			}
			c = dst;
		}
		for (unsigned i = 0; i < c->n; i++)
			add_target(r, tp, af, c->a[i], port, name);
		found += c->n;
	}
	return found;
}

/* SRV for owner; targets by RFC 2782 order.  The records found. */
static unsigned
srv(struct sip_resolver *r, const char *owner, enum sip_tp tp)
{
	struct sip_dns_srv v[SIP_DNS_MAX_RR];
	char txt[SIP_DNS_NAME_SIZE + 32];
	unsigned n;

	if (lookup(r, owner, SIP_DNS_SRV) != SIP_OK || r->msg.n == 0)
		return 0;
	n = r->msg.n;
	for (unsigned i = 0; i < n; i++) {
		v[i] = r->msg.rr[i].u.srv;
		sip_dns_rr_format(&r->msg.rr[i], txt, sizeof(txt));
		trace(r, "SRV %s -> %s", owner, txt);
	}
	if (n == 1 && v[0].target[0] == '\0') {
		trace(r, "SRV %s: the service is not offered here", owner);
		return n;
	}
	sip_resolve_srv_order(v, n, r->rnd, r->rnd_arg);
	for (unsigned i = 0; i < n && !r->full; i++) {
		if (v[i].target[0] == '\0')
			continue;
		if (addresses(r, v[i].target, v[i].port, tp) == 0)
			trace(r, "%s:%u has no address", v[i].target,
			    v[i].port);
	}
	return n;
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

/* NAPTR for domain (RFC 3263 4.1).  The records we may use, sorted. */
static unsigned
naptr(struct sip_resolver *r, const char *domain, int sips,
    unsigned allowed, struct naptr *v)
{
	char txt[3 * 256 + SIP_DNS_NAME_SIZE + 32];
	unsigned n = 0;

	if (lookup(r, domain, SIP_DNS_NAPTR) != SIP_OK)
		return 0;
	for (unsigned i = 0; i < r->msg.n; i++) {
		const struct sip_dns_naptr *np = &r->msg.rr[i].u.naptr;
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
		else if (sips && !sip_tp_secure(tps[k].tp))
			skip = "not SIPS";
		else if (!(allowed & SIP_TP_BIT(tps[k].tp)))
			skip = "a transport we do not use";
		else if (flag != 's' && flag != 'a')
			skip = "flags other than \"s\" or \"a\"";
		else if (np->regexp.len > 0 || np->repl[0] == '\0')
			skip = "a regexp instead of a replacement";
		sip_dns_rr_format(&r->msg.rr[i], txt, sizeof(txt));
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
	return n;
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

/* From SRV and NAPTR, or from A/AAAA when there are none (4.1, 4.2). */
static void
by_name(struct sip_resolver *r, const char *name, unsigned port,
    enum sip_tp tp, int sips, unsigned allowed)
{
	struct naptr nv[SIP_DNS_MAX_RR];
	char owner[SIP_DNS_NAME_SIZE + 16];
	unsigned nn, found = 0;

	if (port != 0) {
		if (tp == SIP_TP_NONE)
			tp = default_tp(sips, allowed);
		trace(r, "port %u given: %s, no NAPTR or SRV (RFC 3263 4.2)",
		    port, sip_tp_name(tp));
		addresses(r, name, port, tp);
		return;
	}
	if (tp != SIP_TP_NONE) {
		trace(r, "transport %s given: no NAPTR (RFC 3263 4.1)",
		    sip_tp_name(tp));
		if (srv_owner(owner, sizeof(owner), tp, name) == 0)
			found = srv(r, owner, tp);
	} else if ((nn = naptr(r, name, sips, allowed, nv)) > 0) {
		tp = nv[0].tp;
		for (unsigned i = 0; i < nn && !r->full && !r->stop; i++) {
			if (nv[i].flag == 'a') {
				found += addresses(r, nv[i].repl,
				    (unsigned)sip_tp_default_port(nv[i].tp),
				    nv[i].tp);
				continue;
			}
			found += srv(r, nv[i].repl, nv[i].tp);
		}
	} else if (!r->stop) {
		static const enum sip_tp order[] = {
			SIP_TP_UDP, SIP_TP_TCP, SIP_TP_TLS, SIP_TP_SCTP
		};

		trace(r, "no NAPTR to use: SRV for each transport "
		    "(RFC 3263 4.1)");
		for (unsigned i = 0; i < sizeof(order) / sizeof(order[0]) &&
		    !r->full && !r->stop; i++) {
			if (!(allowed & SIP_TP_BIT(order[i])) ||
			    sip_tp_secure(order[i]) != !!sips)
				continue;
			if (srv_owner(owner, sizeof(owner), order[i],
			    name) == 0)
				found += srv(r, owner, order[i]);
		}
		tp = default_tp(sips, allowed);
	}
	if (found > 0 || r->stop)
		return;
	port = (unsigned)sip_tp_default_port(tp);
	trace(r, "no SRV: A/AAAA for %s, %s port %u (RFC 3263 4.2)", name,
	    sip_tp_name(tp), port);
	addresses(r, name, port, tp);
}

enum sip_err
sip_resolve(struct sip_resolver *r, const struct sip_resolve_req *q,
    struct sip_dests *out)
{
	char host[SIP_DNS_NAME_SIZE];
	uint8_t a[16], scratch[600];
	unsigned allowed = q->tps != 0 ? q->tps : SIP_RESOLVE_TPS_DEFAULT;
	enum sip_tp tp = q->tp;
	size_t hl = strlen(q->host), ql;
	int af = 0;

	out->n = 0;
	r->out = out;
	r->family = q->family;
	r->lookups = 0;
	r->stop = r->full = 0;
	r->why = NULL;
	r->ncache = 0;
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
	if (af != 0) {
		if (q->family != AF_UNSPEC && q->family != af)
			return failed(r, SIP_E_INVAL,
			    "address of the other family");
		if (tp == SIP_TP_NONE)
			tp = default_tp(q->sips, allowed);
		trace(r, "%s is an IP address: %s port %u, no DNS "
		    "(RFC 3263 4.2)", host, sip_tp_name(tp), q->port ?
		    q->port : (unsigned)sip_tp_default_port(tp));
		add_target(r, tp, af, a, q->port ? q->port :
		    (unsigned)sip_tp_default_port(tp), host);
		return SIP_OK;
	}
	if (sip_dns_query(scratch, sizeof(scratch), &ql, 0, host, 1, 0) !=
	    SIP_OK)
		return failed(r, SIP_E_INVAL, "bad host name");
	if (is_localhost(host)) {
		unsigned port;

		if (tp == SIP_TP_NONE)
			tp = default_tp(q->sips, allowed);
		port = q->port ? q->port : (unsigned)sip_tp_default_port(tp);
		trace(r, "%s is loopback (RFC 6761 6.3): %s port %u, no DNS",
		    host, sip_tp_name(tp), port);
		if (q->family != AF_INET6)
			add_target(r, tp, AF_INET, (const uint8_t *)
			    "\x7f\0\0\1", port, host);
		if (q->family != AF_INET)
			add_target(r, tp, AF_INET6, (const uint8_t *)
			    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", port, host);
		return SIP_OK;
	}
	by_name(r, host, q->port, tp, q->sips, allowed);
	if (out->n > 0)
		return SIP_OK;
	if (r->why == NULL)
		r->why = "no address found";
	return SIP_E_DNS;
}
