/*
 * conn.h - one SIP transport connection: UDP, TCP, TLS, SCTP, WS, WSS.
 *
 * A struct sip_conn moves whole SIP messages.  UDP hands out datagrams;
 * TCP, TLS and SCTP are framed by Content-Length (lib/stream); WS and WSS
 * carry one SIP message per WebSocket message (RFC 7118 5).  Sockets are
 * non-blocking; the transport set (lib/tpset) watches them on the loop
 * and calls sip_conn_fill() and sip_conn_next().
 *
 * Opening is a state machine: sip_conn_connect_start() and
 * sip_conn_accept_start() begin, sip_conn_step() goes on whenever the
 * socket is ready for what c->want says, until the connect, TLS and
 * WebSocket handshakes are done.  After sip_conn_async() a send never waits: what
 * the socket does not take at once is queued, written by
 * sip_conn_flush() when the socket is writable (lib/tpset drives both).
 *
 * A message handed out points into the connection's buffers and stays
 * valid until the next fill or next call on it.  Errors come back
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
#include "ws.h"

#define SIP_CONN_TIMEOUT	5000	/* ms for connect and handshakes */
#define SIP_CONN_ERRSZ		256
#define SIP_UDP_MAX		65535	/* one datagram */
#define SIP_CONN_WS_PATH	256	/* a WebSocket path, with NUL */
#define SIP_CONN_KEEP		65536	/* buffer kept between messages */

/* What a handshake step or a queued send waits for (as SIP_EV_*). */
#define SIP_CONN_WANT_READ	0x1
#define SIP_CONN_WANT_WRITE	0x2

enum sip_conn_state {
	SIP_CONN_OPEN,		/* messages flow */
	SIP_CONN_CONNECTING,	/* connect() in progress */
	SIP_CONN_TLS,		/* TLS handshake */
	SIP_CONN_WS		/* WebSocket upgrade, either side */
};

struct sip_conn;
struct sip_loop;
/*
 * e SIP_OK: bytes were queued that the socket did not take (watch for
 * c->out_want); else a send failed and the connection is broken.
 */
typedef void	sip_conn_out_fn(struct sip_conn *c, enum sip_err e, void *arg);

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
	size_t			 ossl;		/* bytes OpenSSL holds for ssl */
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
	int			 ws_frag;	/* WS: a message's later frames due */
	unsigned long		 pings;		/* keep-alives seen */
	uint64_t		 rx_us;		/* the fill's now_us at the last read */
	char			 err[SIP_CONN_ERRSZ];
	/* opening: the handshake's state and what it needs */
	enum sip_conn_state	 state;
	unsigned		 want;		/* SIP_CONN_WANT_*, state not OPEN */
	SSL_CTX			*tls;
	char			 host[SIP_NET_HOST_MAX];	/* client: TLS name */
	char			 ws_host[SIP_NET_HOST_MAX + 8];	/* client: Host */
	char			 ws_path[SIP_CONN_WS_PATH];
	char			 ws_key[SIP_WS_KEY_SIZE];
	/* async sends: what the socket has not taken yet */
	struct buf		 out;
	size_t			 out_off;	/* written bytes at its head */
	size_t			 out_max;	/* 0: sends wait (blocking) */
	unsigned		 out_want;	/* SIP_CONN_WANT_*, out not empty */
	sip_conn_out_fn		*out_cb;
	void			*out_arg;
	/* the blocking calls' own loop, made at their first wait */
	struct sip_loop		*wait;
};

void		sip_conn_init(struct sip_conn *c);
/*
 * A listening socket for tp on addr (port 0: any); UDP sockets are bound
 * only.  *fd is the socket; addr gets the bound address.
 */
enum sip_err	sip_conn_listen(enum sip_tp tp, struct sip_sockaddr *addr,
		    int *fd, char *err, size_t errsz);
/* Wrap a bound UDP socket as a server connection (sends go to peer). */
void		sip_conn_udp_server(struct sip_conn *c, int fd);
/*
 * Begin a client connection to dst over tp without waiting: SIP_OK when
 * it is open already (UDP), SIP_E_PARTIAL while sip_conn_step() has
 * more to do, else an error.  o and the strings in it are copied.
 */
enum sip_err	sip_conn_connect_start(struct sip_conn *c, enum sip_tp tp,
		    const struct sip_sockaddr *dst,
		    const struct sip_conn_opts *o);
/* Accept on listener lfd; the TLS and WebSocket handshakes follow in
 * sip_conn_step().  Returns as sip_conn_connect_start(); on failure
 * errno is accept(2)'s (EAGAIN: none waiting). */
enum sip_err	sip_conn_accept_start(struct sip_conn *c, int lfd,
		    enum sip_tp tp, SSL_CTX *tls);
/*
 * Go on opening: SIP_OK once open, SIP_E_PARTIAL when the socket must
 * be ready for c->want first, else an error (c->err says why).
 */
enum sip_err	sip_conn_step(struct sip_conn *c);
/* A handshake ran out of time: c->err says which; returns the error. */
enum sip_err	sip_conn_expired(struct sip_conn *c);
/*
 * From now on sends queue up to max bytes instead of waiting (more is
 * SIP_E_TOOBIG); cb runs when bytes are left for sip_conn_flush(), and
 * when a send failed.
 */
void		sip_conn_async(struct sip_conn *c, size_t max,
		    sip_conn_out_fn *cb, void *arg);
/* Write what is queued as far as the socket takes it now. */
enum sip_err	sip_conn_flush(struct sip_conn *c);
/* Bytes queued and not written yet. */
size_t		sip_conn_queued(const struct sip_conn *c);
/* Keep-alives received so far (RFC 5626 3.5.1 on streams, CRLF datagrams). */
unsigned long	sip_conn_pings(const struct sip_conn *c);
/* Send one message (framed for WS); UDP listeners send to c->peer. */
enum sip_err	sip_conn_send(struct sip_conn *c, const void *p, size_t n);
/* UDP only: send to dst (c connect()ed: dst is its peer). */
enum sip_err	sip_conn_sendto(struct sip_conn *c, const void *p, size_t n,
		    const struct sip_sockaddr *dst);
/*
 * Read what the socket has now (never blocks).  now_us is the caller's
 * time (its loop's, lib/loop.h), kept in c->rx_us when bytes came: the
 * connection never reads the clock itself.
 */
enum sip_err	sip_conn_fill(struct sip_conn *c, uint64_t now_us);
/*
 * The next complete message already read: SIP_OK, SIP_E_PARTIAL when
 * more bytes are needed, SIP_E_PARSE (pe set) for a bad message (on UDP
 * only that datagram is lost), SIP_E_CLOSED when the peer closed.
 */
enum sip_err	sip_conn_next(struct sip_conn *c, struct sip_msg *m,
		    struct sip_perr *pe);
/*
 * Bytes of memory c's buffers hold (in and out, allocated, not used),
 * and what OpenSSL allocated for its TLS session (records, handshake).
 */
size_t		sip_conn_mem(const struct sip_conn *c);
/*
 * Give back each buffer that holds nothing now and more than
 * SIP_CONN_KEEP bytes of memory (one big message went through): not
 * while a message handed out by next() is still in use.
 */
void		sip_conn_trim(struct sip_conn *c);
/* Whether next() may have a message without reading the socket. */
int		sip_conn_pending(const struct sip_conn *c);
void		sip_conn_close(struct sip_conn *c);

#endif
