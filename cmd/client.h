/*
 * client.h - what every applet that sends requests shares on the command
 * line: connection options, credentials, the -v trace, and opening a
 * connection to a target with failover across its addresses.
 */
#ifndef SIPBOX_CLIENT_H
#define SIPBOX_CLIENT_H

#include "conn.h"
#include "resolve.h"
#include "target.h"
#include "uac.h"

struct client_opts {
	const char	*proxy;
	const char	*transport;
	int		 ipv4, ipv6;
	const char	*local;		/* bind address ADDR[:PORT] */
	const char	*resolver;	/* DNS server ADDR[:PORT] */
	double		 t1;		/* seconds; 0: 0.5 */
	double		 timeout;	/* overall seconds; 0: none but timers */
	double		 connect_timeout;
	const char	*cacert, *capath, *cert, *key;
	int		 insecure;
	const char	*user;
	const char	*password_file;
	int		 ttl;
	/* the first URI of a Route the user gave (sip-send -H): the next
	 * hop (RFC 3261 8.1.2), before --proxy */
	char		 route_hop[SIP_TARGET_MAX];
};

extern struct client_opts copt;

#define CLIENT_OPTIONS \
	OPT_GROUP("Connection"), \
	OPT_STR(0, "proxy", &copt.proxy, "URI", \
	    "send through this outbound proxy (a pre-loaded Route with lr)"), \
	OPT_ENUM('t', "transport", &copt.transport, "TP", client_tps, \
	    "transport when the target does not say"), \
	OPT_FLAG('4', "ipv4", &copt.ipv4, "use IPv4 addresses only"), \
	OPT_FLAG('6', "ipv6", &copt.ipv6, "use IPv6 addresses only"), \
	OPT_STR(0, "local", &copt.local, "ADDR[:PORT]", \
	    "send from this local address and port", .comp = OPT_C_HOST), \
	OPT_STR(0, "resolver", &copt.resolver, "ADDR[:PORT]", \
	    "DNS server for RFC 3263 NAPTR/SRV/A lookups", .comp = OPT_C_HOST), \
	OPT_INT(0, "ttl", &copt.ttl, "N", 1, 255, \
	    "TTL for multicast destinations (default 1)"), \
	OPT_DBL(0, "t1", &copt.t1, "SECONDS", 0.001, 60, \
	    "RFC 3261 timer T1 (default 0.5); retransmission and timeouts scale with it"), \
	OPT_DBL(0, "timeout", &copt.timeout, "SECONDS", 0.001, 86400, \
	    "give up after this long overall (exit 7)"), \
	OPT_DBL(0, "connect-timeout", &copt.connect_timeout, "SECONDS", \
	    0.001, 600, "limit for TCP connect and TLS/WebSocket handshakes"), \
	OPT_GROUP("TLS"), \
	OPT_FILE(0, "cacert", &copt.cacert, "FILE", \
	    "verify the server against the CA certificates in FILE"), \
	OPT_DIR(0, "capath", &copt.capath, "DIR", \
	    "verify the server against the hashed CA directory DIR"), \
	OPT_FILE(0, "cert", &copt.cert, "FILE", "client certificate (PEM)"), \
	OPT_FILE(0, "key", &copt.key, "FILE", "client private key (PEM)"), \
	OPT_FLAG('k', "insecure", &copt.insecure, \
	    "do not verify the server certificate"), \
	OPT_GROUP("Authentication"), \
	OPT_STR('u', "user", &copt.user, "USER", \
	    "digest username; the password comes from SIPBOX_PASSWORD, --password-file or a prompt"), \
	OPT_SECRETFILE(0, "password-file", &copt.password_file, "FILE", \
	    "read the password from the first line of FILE")

extern const char *const client_tps[];

/*
 * The password for copt.user: --password-file, else SIPBOX_PASSWORD
 * (with a warning when both are given), else a prompt on the terminal
 * with echo off.  NULL when there is no user.
 * Exits 2 when none can be had.
 */
char	*client_password(void);
void	 client_password_free(char *pw);
void	 client_no_uri_password(const char *what, const char *s);

/*
 * A client: the target, the addresses it resolved to, and the loop and
 * transport set its requests go through (lib/uac's endpoint fails over
 * across the addresses).
 */
struct client {
	struct sip_target	 target;
	struct sip_target	 next;		/* proxy when set, else target */
	enum sip_tp		 tp;		/* of the target in use */
	struct sip_sockaddr	 dst[SIP_RESOLVE_MAX_TARGETS];
	enum sip_tp		 dst_tp[SIP_RESOLVE_MAX_TARGETS];
	int			 ndst, cur;
	int			 told[SIP_RESOLVE_MAX_TARGETS];	/* -v said it */
	struct sip_sockaddr	 udp_local[SIP_RESOLVE_MAX_TARGETS];	/* UDP: known */
	struct sip_loop		*loop;
	struct sip_tps		*tps;
	SSL_CTX			*tls;
	char			 route[SIP_TARGET_MAX + 8];
	struct sip_sockaddr	 local;		/* for the target in use */
	char			 local_host[SIP_NET_HOST_MAX + 2];	/* URI form */
	int			 local_port;
	unsigned		 local_gen;	/* counts changes of the two */
};

/*
 * Parse target (and copt.proxy) and resolve the next hop.  Exits with a
 * usage (2) or DNS (8) error.
 */
void		client_resolve(struct client *c, const char *target);
/*
 * The loop, the transport set (TLS context, --local, --ttl) and u's
 * targets: every resolved address.  Exits on a failure (a bad --cacert).
 */
void		client_start(struct client *c, struct sip_uac *u);
/*
 * Make d the target in use: c->tp, c->cur and the local address a
 * request to it names (a stream connection to it is opened for that).
 * A transport error when d cannot be reached, why in why.
 */
enum sip_err	client_target(struct client *c, const struct sip_ep_dest *d,
		    char *why, size_t whysz);
/* Local address for Via/Contact without connecting (for --dry-run). */
void		client_guess_local(struct client *c);
void		client_close(struct client *c);

/*
 * Called with a failure before the first request (the name does not
 * resolve, the TLS context cannot be made, no destination connects),
 * after it is printed on stderr and before the program exits with its
 * status, so that --json can write a record of it too.  NULL: nothing.
 */
extern void	(*client_onfail)(enum sip_err e, const char *detail);

/* "* text" lines of -v. */
void	client_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
