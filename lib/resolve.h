/*
 * resolve.h - locating a SIP server (RFC 3263 4): from the TARGET of a
 * sip: or sips: URI (its maddr or host), its port and its ;transport=
 * to an ordered list of (transport, address, port) targets.  NAPTR
 * (RFC 3403) picks transports, SRV (RFC 2782) picks hosts and ports by
 * priority and weight, A and AAAA give the addresses.  The caller tries
 * the targets in order and moves on after a timeout, a transport
 * failure or a 503 (RFC 3263 4.3).
 *
 * The resolver asks its own DNS client (lib/dns.c), never prints, and
 * reports each step as one line through an optional trace callback:
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

struct sip_resolver;

/*
 * A resolver asking server ("ADDR[:PORT]", "[V6]:PORT"; NULL: the first
 * nameserver in /etc/resolv.conf).  SIP_E_INVAL for a bad server,
 * SIP_E_NOMEM.  Without a nameserver in /etc/resolv.conf the resolver is
 * still made: IP addresses and localhost resolve, names fail.
 */
enum sip_err	sip_resolver_new(struct sip_resolver **rp, const char *server);
void		sip_resolver_free(struct sip_resolver *r);
/* One line per step (NULL: quiet); also the DNS client's retries. */
void		sip_resolver_trace(struct sip_resolver *r, sip_trace_fn fn,
		    void *arg);
/* Per-try timeout and UDP tries of the DNS client (0: keep). */
void		sip_resolver_timeout(struct sip_resolver *r, int timeout_ms,
		    int tries);
/* The random source for SRV weights (NULL: getrandom); for tests. */
void		sip_resolver_random(struct sip_resolver *r,
		    uint32_t (*fn)(void *), void *arg);
/*
 * After an error: why, as a short static phrase ("no address found",
 * "connection refused", "timeout", ...) that outlives r; never NULL.
 */
const char	*sip_resolver_why(const struct sip_resolver *r);

/*
 * Resolve q into out, best first, without duplicates (RFC 3263 4.1,
 * 4.2): an IP address (or localhost, RFC 6761 6.3) needs no DNS; a port
 * or a transport given skips NAPTR; a port given skips SRV.  Print an
 * address with sip_net_str() (lib/net.h).  SIP_OK with
 * out->n > 0; SIP_E_INVAL for a bad host or a sips: URI with UDP or
 * SCTP; SIP_E_UNSUPP for a transport outside q->tps; SIP_E_DNS when
 * nothing was found or the server did not answer (see
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
