/*
 * conn.h - one SIP transport connection: UDP, TCP, TLS, SCTP, WS, WSS.
 *
 * A struct sip_conn moves whole SIP messages.  UDP hands out datagrams;
 * TCP, TLS and SCTP are framed by Content-Length (lib/stream); WS and WSS
 * carry one SIP message per WebSocket message (RFC 7118 5).  Sockets are
 * non-blocking; sip_conn_recv() waits with poll(), servers may poll the
 * fd themselves and call sip_conn_fill() and sip_conn_next().
 *
 * A message handed out points into the connection's buffers and stays
 * valid until the next fill, next or recv call on it.  Errors come back
 * as enum sip_err with the details in c->err.
 */
#ifndef SIPBOX_CONN_H
#define SIPBOX_CONN_H

#include <openssl/ssl.h>

#include "buf.h"
#include "err.h"
#include "msg.h"
#include "net.h"
#include "stream.h"
#include "tpname.h"

#define SIP_CONN_TIMEOUT	5000	/* ms for connect and handshakes */
#define SIP_CONN_ERRSZ		256
#define SIP_UDP_MAX		65535	/* one datagram */

struct sip_conn_opts {
	int			 timeout_ms;	/* 0: SIP_CONN_TIMEOUT */
	SSL_CTX			*tls;		/* TLS and WSS */
	const char		*host;		/* name for SNI, verification, WS Host */
	const char		*ws_path;	/* NULL: "/" */
	const struct sip_sockaddr *bind;	/* local address, or NULL */
	int			 ttl;		/* multicast TTL (RFC 3261 18.1.1) */
};

struct sip_conn {
	enum sip_tp		 tp;
	int			 fd;
	SSL			*ssl;
	int			 server;	/* accepted, or a UDP listener */
	int			 connected;	/* UDP: connect()ed to peer */
	struct sip_sockaddr	 peer;		/* UDP listener: last sender */
	struct sip_sockaddr	 local;
	struct sip_sockaddr	 mcast_src;	/* multicast: the source address */
	struct sip_stream	 st;		/* TCP, TLS, SCTP framing */
	struct buf		 raw;		/* WS: undecoded frame bytes */
	struct buf		 msg;		/* UDP, WS: the current message */
	int			 ready;		/* msg holds one not handed out */
	int			 handed;	/* msg was handed out: reset first */
	unsigned long		 pings;		/* keep-alives seen */
	uint64_t		 rx_us;		/* sip_now_us() of the last read */
	int			 rcvtimeo_ms;	/* UDP client: SO_RCVTIMEO set */
	char			 err[SIP_CONN_ERRSZ];
};

void		sip_conn_init(struct sip_conn *c);
/* Open a client connection to dst over tp (handshakes included). */
enum sip_err	sip_conn_connect(struct sip_conn *c, enum sip_tp tp,
		    const struct sip_sockaddr *dst,
		    const struct sip_conn_opts *o);
/*
 * A listening socket for tp on addr (port 0: any); UDP sockets are bound
 * only.  *fd is the socket; addr gets the bound address.
 */
enum sip_err	sip_conn_listen(enum sip_tp tp, struct sip_sockaddr *addr,
		    int *fd, char *err, size_t errsz);
/* Wrap a bound UDP socket as a server connection (sends go to peer). */
void		sip_conn_udp_server(struct sip_conn *c, int fd);
/* Accept on listener lfd and run the TLS and WebSocket handshakes. */
enum sip_err	sip_conn_accept(struct sip_conn *c, int lfd, enum sip_tp tp,
		    SSL_CTX *tls, int timeout_ms);
/* Send one message (framed for WS); UDP listeners send to c->peer. */
enum sip_err	sip_conn_send(struct sip_conn *c, const void *p, size_t n);
/* UDP only: send to dst. */
enum sip_err	sip_conn_sendto(struct sip_conn *c, const void *p, size_t n,
		    const struct sip_sockaddr *dst);
/* Read what the socket has now (never blocks). */
enum sip_err	sip_conn_fill(struct sip_conn *c);
/*
 * The next complete message already read: SIP_OK, SIP_E_PARTIAL when
 * more bytes are needed, SIP_E_PARSE (pe set) for a bad message (on UDP
 * only that datagram is lost), SIP_E_CLOSED when the peer closed.
 */
enum sip_err	sip_conn_next(struct sip_conn *c, struct sip_msg *m,
		    struct sip_perr *pe);
/* next, filling and waiting up to timeout_ms: SIP_E_TIMEOUT if none. */
enum sip_err	sip_conn_recv(struct sip_conn *c, int timeout_ms,
		    struct sip_msg *m, struct sip_perr *pe);
/* Whether next() may have a message without reading the socket. */
int		sip_conn_pending(const struct sip_conn *c);
void		sip_conn_close(struct sip_conn *c);

#endif
