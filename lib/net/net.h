/*
 * net.h - socket addresses: "host:port" text, numeric literals, lookups
 * through the system resolver (which honours /etc/hosts), printing, and
 * the monotonic clock every timer in sipbox reads.
 */
#ifndef SIPBOX_NET_H
#define SIPBOX_NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "err.h"

#define SIP_NET_HOST_MAX	256	/* a host name or literal, with NUL */
#define SIP_NET_ADDRSTR		64	/* "[v6]:port", with NUL */
#define SIP_NET_MAX_ADDRS	16	/* addresses kept from one lookup */

struct sip_sockaddr {
	struct sockaddr_storage	 ss;
	socklen_t		 len;
};

/*
 * Split "host", "host:port", "[v6]" or "[v6]:port" (also a bare IPv6
 * literal with no port).  *port is 0 when none is given.  SIP_E_INVAL for
 * an empty host, a bad port or a host longer than hostsz.
 */
enum sip_err	sip_net_hostport(const char *s, char *host, size_t hostsz,
		    int *port);
/* host as a numeric IPv4 or IPv6 literal (brackets allowed); SIP_E_INVAL if not. */
enum sip_err	sip_net_numeric(const char *host, int port,
		    struct sip_sockaddr *out);
/*
 * Addresses for host through getaddrinfo (numeric or a name), family
 * AF_UNSPEC, AF_INET or AF_INET6.  Returns how many (at most max), or 0
 * with *why set.
 */
int		sip_net_lookup(const char *host, int port, int family,
		    struct sip_sockaddr *out, int max, const char **why);
/* "127.0.0.1:5060" or "[::1]:5060" into out. */
const char	*sip_net_str(const struct sip_sockaddr *a, char *out, size_t n);
/* The address without port (no brackets) into out; returns the port. */
int		sip_net_host(const struct sip_sockaddr *a, char *out, size_t n);
int		sip_net_port(const struct sip_sockaddr *a);
void		sip_net_set_port(struct sip_sockaddr *a, int port);
/* Same family, address and port (the transport set's flow key). */
int		sip_net_equal(const struct sip_sockaddr *a,
		    const struct sip_sockaddr *b);
int		sip_net_is_multicast(const struct sip_sockaddr *a);
/* 0.0.0.0 or :: (a socket bound to every address). */
int		sip_net_is_any(const struct sip_sockaddr *a);

#endif
