/*
 * resolve.h - locating a SIP server (RFC 3263 4): from the TARGET of a
 * sip: or sips: URI (its maddr or host), its port and its ;transport=
 * to an ordered list of (transport, address, port) targets.  NAPTR
 * (RFC 3403) picks transports, SRV (RFC 2782) picks hosts and ports by
 * priority and weight, A and AAAA give the addresses.  The caller tries
 * the targets in order and moves on after a timeout, a transport
 * failure or a 503 (RFC 3263 4.3).
 *
 * The questions go through c-ares on the caller's loop (lib/loop.h):
 * sip_resolve_start() returns at once and a callback brings the list;
 * sip_resolve() is the blocking wrapper for one-shot use.  Answers are
 * kept in a small cache for their TTL.  Nothing here prints; each step
 * is one line through an optional trace callback:
 *
 *	NAPTR sip.test -> 10 50 "s" "SIPS+D2T" "" _sips._tcp.sip.test
 *	SRV _sips._tcp.sip.test -> 10 60 5061 a.sip.test
 *	A a.sip.test -> 127.0.0.1
 */
#ifndef SIPBOX_RESOLVE_H
#define SIPBOX_RESOLVE_H

#include <stdint.h>
#include <sys/socket.h>

#include "bounds.h"
#include "dns.h"
#include "err.h"
#include "net.h"
#include "tpname.h"
#include "trace.h"

/* One place to try. */
struct sip_dest {
	enum sip_tp		 tp;
	struct sip_sockaddr	 addr;		/* with the port */
	/* The name the address came from: an SRV target, the URI's host
	 * name, or the IP literal itself (no brackets). */
	char			 host[SIP_DNS_NAME_SIZE];
};

struct sip_dests {
	unsigned		 n;
	struct sip_dest		 v[SIP_RESOLVE_MAX_TARGETS];
};

/* Transport sets: a bit per enum sip_tp. */
#define SIP_TP_BIT(tp)		(1u << (tp))
/* What a resolution may pick unless told otherwise (no SCTP). */
#define SIP_RESOLVE_TPS_DEFAULT	(SIP_TP_BIT(SIP_TP_UDP) | \
	SIP_TP_BIT(SIP_TP_TCP) | SIP_TP_BIT(SIP_TP_TLS) | \
	SIP_TP_BIT(SIP_TP_WS) | SIP_TP_BIT(SIP_TP_WSS))

/* What to resolve: the parts of the URI that matter (RFC 3263 4). */
struct sip_resolve_req {
	const char	*host;	/* a name, IPv4, IPv6 with or without [] */
	unsigned	 port;	/* 0: the URI has none */
	enum sip_tp	 tp;	/* SIP_TP_NONE: no ;transport= */
	int		 sips;	/* a sips: URI: TLS or WSS only */
	int		 family;	/* AF_UNSPEC (IPv4 first), AF_INET,
					 * AF_INET6: addresses of that family
					 * only (-4, -6) */
	unsigned	 tps;	/* transports the client supports (bits);
				 * 0: SIP_RESOLVE_TPS_DEFAULT */
};

struct sip_loop;
struct sip_resolver;
struct sip_resolve;		/* one resolution under way */

/*
 * A resolver asking server ("ADDR[:PORT]", "[V6]:PORT") and nothing
 * else, or with NULL what /etc/resolv.conf says (every nameserver, the
 * search list, options) and /etc/hosts first.  SIP_E_INVAL for a bad
 * server, SIP_E_NOMEM.  Free it after its resolutions, before their
 * loop: sip_resolver_free() cancels those still under way, without
 * calling back.
 */
enum sip_err	sip_resolver_new(struct sip_resolver **rp, const char *server);
void		sip_resolver_free(struct sip_resolver *r);
/*
 * One SIP_TRACE_INFO line per step (NULL: quiet), and for an answer
 * asked again over TCP.
 */
void		sip_resolver_trace(struct sip_resolver *r, sip_trace_fn *fn,
		    void *arg);
/* First try's timeout and tries per question (0: keep); before use. */
void		sip_resolver_timeout(struct sip_resolver *r, int timeout_ms,
		    int tries);
/*
 * After sip_resolve() failed: why, as a short static phrase ("no address
 * found", "connection refused", "timeout", ...) that outlives r; never
 * NULL.
 */
const char	*sip_resolver_why(const struct sip_resolver *r);

/*
 * The end of one resolution, called from the loop (never from inside
 * sip_resolve_start): e SIP_OK with d->n > 0 targets, best first, or
 * SIP_E_DNS with why (a static phrase, as sip_resolver_why).  d is valid
 * during the call only; the handle is gone when it returns.
 */
typedef void	sip_resolve_cb(void *arg, enum sip_err e,
		    const struct sip_dests *d, const char *why);

/*
 * Start resolving q (copied) on loop l, as sip_resolve() below; cb(arg,
 * ...) brings the result once.  *hp is the handle for
 * sip_resolve_cancel() until cb runs (hp may be NULL).  Every resolution
 * of one resolver runs on the same loop.  An error returned here (bad
 * host or transport: SIP_E_INVAL, SIP_E_UNSUPP; SIP_E_NOMEM; another
 * loop: SIP_E_INVAL) means no callback; why says what through
 * sip_resolver_why(r).
 */
enum sip_err	sip_resolve_start(struct sip_resolver *r, struct sip_loop *l,
		    const struct sip_resolve_req *q, sip_resolve_cb *cb,
		    void *arg, struct sip_resolve **hp);
/* Stop h before its callback; the callback will not come. */
void		sip_resolve_cancel(struct sip_resolve *h);

/*
 * The blocking wrapper, for one-shot use: q into out on a loop of its
 * own, with no other resolution of r under way.  Best first, without
 * duplicates (RFC 3263 4.1, 4.2): an IP address (or localhost, RFC 6761
 * 6.3) needs no DNS; a port or a transport given skips NAPTR; a port
 * given skips SRV.  Print an address with sip_net_str() (lib/net.h).
 * SIP_OK with out->n > 0; SIP_E_INVAL for a bad host or a sips: URI with
 * UDP or SCTP; SIP_E_UNSUPP for a transport outside q->tps; SIP_E_DNS
 * when nothing was found or the server did not answer (see
 * sip_resolver_why).  Past SIP_RESOLVE_MAX_TARGETS targets or
 * SIP_RESOLVE_MAX_QUERIES questions the list ends early (and the trace
 * says so).
 */
enum sip_err	sip_resolve(struct sip_resolver *r,
		    const struct sip_resolve_req *q, struct sip_dests *out);

/*
 * RFC 2782 order, in place: lower priority first; within a priority a
 * weighted random pick, weight 0 records first among equals, one record
 * at a time.  rnd gives 32 random bits.
 */
void		sip_resolve_srv_order(struct sip_dns_srv *v, unsigned n,
		    uint32_t (*rnd)(void *), void *arg);

#endif
