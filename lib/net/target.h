/*
 * target.h - where a request goes, from what a user types: a sip: or
 * sips: URI (transport from ;transport=, sips meaning TLS), host[:port],
 * udp:/tcp:/tls:/sctp:host[:port], or ws://host[:port]/path and wss://.
 */
#ifndef SIPBOX_TARGET_H
#define SIPBOX_TARGET_H

#include "err.h"
#include "net.h"
#include "tpname.h"

#define SIP_TARGET_MAX	1024	/* a target string or Request-URI */

struct sip_target {
	enum sip_tp	 tp;		/* SIP_TP_NONE: not said (RFC 3263 picks) */
	int		 sips;		/* sips: URI: TLS is required */
	char		 host[SIP_NET_HOST_MAX];	/* no brackets */
	int		 port;		/* 0: not said */
	int		 numeric;	/* host is an IP literal */
	char		 path[256];	/* WebSocket path */
	char		 ruri[SIP_TARGET_MAX];	/* the Request-URI to use */
	char		 user[128];	/* user part of a URI, escapes kept */
	int		 ttl;		/* ;ttl= of the URI, 0 when absent */
	int		 tel;		/* a tel: URI (RFC 3966): no host, it
					 * goes to a proxy */
};

/*
 * Parse s into t.  SIP_E_INVAL with *why for what cannot be a target.
 * Without a scheme the Request-URI is sip:host[:port] with a ;transport=
 * parameter for transports other than UDP.  A URI's ;maddr= becomes
 * the host to send to (RFC 3261 18.1.1, 19.1.1), and its ;ttl= is kept.
 * A tel: URI (RFC 3966) is the Request-URI alone: tel set, no host.
 */
enum sip_err	sip_target_parse(struct sip_target *t, const char *s,
		    const char **why);
/* "127.0.0.1", "[::1]" into out: the host as written in a URI. */
const char	*sip_target_urihost(const char *host, char *out, size_t n);

#endif
