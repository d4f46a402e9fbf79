/*
 * tpset.h - a transport set: every listener and connection of a process
 * on one event loop (lib/loop.h).
 *
 * The set listens on any number of transports (UDP, TCP, TLS, SCTP, WS,
 * WSS) and addresses at once, accepts and opens stream connections, and
 * keeps them in a table keyed by transport and peer address, so a request
 * to a peer goes over the flow already open to it.  Nothing here blocks:
 * connect, TLS and WebSocket handshakes (either side) are states driven
 * by the loop, each with its own deadline; a send that the socket cannot
 * take now is queued on its connection and written when the socket is
 * writable.  A connection whose queue passes its byte limit, that stays
 * unwritable past a deadline, that does not finish a handshake in time
 * or that is idle too long is closed, and only that one: one slow or
 * silent peer never delays another.  The memory all stream flows buffer
 * (half-received messages, queued sends) has a budget too, mem_max:
 * past it the flow that holds the most is closed, then the next, until
 * the rest fit.  The biggest pays, not the oldest: it is the one most
 * likely to be abusing the server, one close frees the most, and many
 * small flows are not cut for one big one.  RFC 5626 3.5.1 double-CRLF pings
 * on a stream are answered with a CRLF and keep the flow alive.
 *
 * Every message received is handed up through one callback with its
 * transport, source, local address and flow.  Sends go to (transport,
 * destination) or to a flow; on UDP they go exactly where the caller
 * says (the RFC 3261 18.2.2 address is the caller's choice, see
 * sip_uas_response_dst()).  The trace hook sees every message in and out.
 *
 * Not here: transactions, retransmissions, DNS.  The set moves messages.
 */
#ifndef SIPBOX_TPSET_H
#define SIPBOX_TPSET_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "conn.h"
#include "err.h"
#include "loop.h"
#include "msg.h"
#include "net.h"
#include "tpname.h"
#include "trace.h"

#define SIP_TPS_MAX_CONNS	256		/* stream connections at once */
#define SIP_TPS_IDLE_MS		(15 * 60 * 1000) /* no traffic: close */
#define SIP_TPS_HANDSHAKE_MS	SIP_CONN_TIMEOUT /* connect, TLS, WS each */
#define SIP_TPS_QUEUE_MAX	(1024 * 1024)	/* bytes queued on one flow */
#define SIP_TPS_SEND_MS		10000		/* unwritable with bytes queued */
#define SIP_TPS_MEM_MAX		(24u * 1024 * 1024) /* buffers of all flows */

struct sip_tps;
/*
 * A flow: one stream connection, or one UDP socket of the set (a UDP
 * flow is shared by every peer; sends on it name their destination).
 * Owned by the set; valid until the closed callback has run for it.
 */
struct sip_tps_flow;

/*
 * What arrived: valid only during the callback.  A datagram that does
 * not parse comes up too, with msg NULL, why set and data/len its bytes
 * (on a stream the flow is closed instead: SIP_TPS_BADMSG).
 */
struct sip_tps_rx {
	const struct sip_msg		*msg;
	const char			*why;
	const char			*data;
	size_t				 len;
	enum sip_tp			 tp;
	const struct sip_sockaddr	*src;	/* the packet's source */
	const struct sip_sockaddr	*local;	/* the address it came to */
	struct sip_tps_flow		*flow;	/* to answer over, or keep */
	uint64_t			 rx_us;	/* the loop's time of the read */
};

/* Why a flow went away (the closed callback's and the stats' reasons). */
enum sip_tps_why {
	SIP_TPS_PEER,		/* the peer closed it, or it failed */
	SIP_TPS_IDLE,		/* no traffic for idle_ms */
	SIP_TPS_HANDSHAKE,	/* connect, TLS or WebSocket did not finish */
	SIP_TPS_QUEUE,		/* queue over queue_max, or unwritable past send_ms */
	SIP_TPS_BADMSG,		/* framing lost on a stream (RFC 3261 18.3) */
	SIP_TPS_EVICTED,	/* the oldest idle, to make room at max_conns */
	SIP_TPS_LOCAL,		/* sip_tps_close(), or the set freed */
	SIP_TPS_MEMORY,		/* the most buffered, over mem_max in all */
	SIP_TPS_NWHY
};

/*
 * Why a stream connection was not taken: the refused callback's and the
 * stats' reasons.  A client refused is accepted and closed at once, so
 * it learns at once and the backlog never holds it.
 */
enum sip_tps_refusal {
	SIP_TPS_REF_FULL,	/* max_conns open and none idle to close */
	SIP_TPS_REF_FDS,	/* no file descriptor left (EMFILE, ENFILE) */
	SIP_TPS_NREF
};

typedef void	sip_tps_recv_fn(struct sip_tps *s, const struct sip_tps_rx *rx,
		    void *arg);
/* A flow is gone: forget every pointer to it (it is freed after this). */
typedef void	sip_tps_closed_fn(struct sip_tps *s, struct sip_tps_flow *f,
		    enum sip_tps_why why, const char *detail, void *arg);
/*
 * A datagram sent from UDP flow f to dst came back refused or
 * unreachable (an ICMP error; only with recverr set): detail says which.
 */
typedef void	sip_tps_unreach_fn(struct sip_tps *s, struct sip_tps_flow *f,
		    const struct sip_sockaddr *dst, const char *detail,
		    void *arg);
/* A connection was refused (counted in the stats too). */
typedef void	sip_tps_refused_fn(struct sip_tps *s,
		    enum sip_tps_refusal why, void *arg);
struct sip_tps_opts {
	SSL_CTX			*tls_server;	/* tls: and wss: listeners */
	SSL_CTX			*tls_client;	/* outgoing TLS and WSS */
	int			 max_conns;	/* 0: SIP_TPS_MAX_CONNS */
	int			 idle_ms;	/* 0: SIP_TPS_IDLE_MS; <0: never */
	int			 handshake_ms;	/* 0: SIP_TPS_HANDSHAKE_MS */
	size_t			 queue_max;	/* 0: SIP_TPS_QUEUE_MAX */
	size_t			 mem_max;	/* 0: SIP_TPS_MEM_MAX */
	int			 send_ms;	/* 0: SIP_TPS_SEND_MS */
	sip_tps_recv_fn		*recv;
	sip_tps_closed_fn	*closed;	/* may be NULL */
	sip_tps_unreach_fn	*unreach;	/* may be NULL */
	sip_tps_refused_fn	*refused;	/* may be NULL */
	void			*arg;		/* recv's, closed's, ... */
	/*
	 * A client's set: the UDP sockets it opens report ICMP errors
	 * (IP_RECVERR) to unreach.  Not for a server's: its error queue
	 * would fill with every client that went away.
	 */
	int			 recverr;
	int			 mcast_ttl;	/* multicast TTL; 0: 1 */
	const struct sip_sockaddr *bind;	/* connections from here; NULL: any */
	struct sip_trace	 trace;		/* fn may be NULL */
};

/* Counters since sip_tps_new(). */
struct sip_tps_stats {
	unsigned long	 accepted;	/* stream connections taken in */
	unsigned long	 opened;	/* stream connections we opened */
	unsigned long	 refused[SIP_TPS_NREF];	/* not taken, by reason */
	unsigned long	 closed[SIP_TPS_NWHY];	/* by reason */
	unsigned long	 pings;		/* RFC 5626 keep-alives answered */
	unsigned long	 rx, tx;	/* messages */
	unsigned long	 rx_bad;	/* messages that did not parse */
	int		 conns;		/* stream connections open now */
	size_t		 mem, mem_peak;	/* bytes the flows' buffers hold */
};

/* A set on loop l (which must outlive it); o is copied.  NULL: no memory. */
struct sip_tps	*sip_tps_new(struct sip_loop *l, const struct sip_tps_opts *o);
/* Close every flow and listener (closed callbacks run) and free the set. */
void		 sip_tps_free(struct sip_tps *s);

/*
 * Listen on tp at addr (port 0: any free port); addr gets the bound
 * address.  UDP sockets are only bound.  On failure err says why.
 */
enum sip_err	 sip_tps_listen(struct sip_tps *s, enum sip_tp tp,
		    struct sip_sockaddr *addr, char *err, size_t errsz);

/* Where a request goes when no flow is named. */
struct sip_tps_dst {
	enum sip_tp		 tp;
	struct sip_sockaddr	 addr;
	const char		*host;		/* TLS name, WS Host; NULL: addr */
	const char		*ws_path;	/* NULL: "/" */
};

/*
 * Send the message p/n to d: over UDP from a socket of the set (a
 * listener of the address family, else one the set opens); over a stream
 * by the open flow to d->addr, else a new connection (the message waits
 * in its queue until the handshakes are done).  *flow (may be NULL) gets
 * the flow used.  SIP_OK means queued or sent, not delivered: a flow
 * that fails later is reported to the closed callback.  p is copied.
 */
enum sip_err	 sip_tps_send(struct sip_tps *s, const struct sip_tps_dst *d,
		    const char *p, size_t n, struct sip_tps_flow **flow);
/* The same for a datagram to dst over UDP, with no sip_tps_dst to fill. */
enum sip_err	 sip_tps_send_udp(struct sip_tps *s,
		    const struct sip_sockaddr *dst, const char *p, size_t n);
/*
 * The flow a send to d would take, opened now when there is none (its
 * handshakes go on in the loop), without sending: for the local address
 * a request names before it is sent.  SIP_E_REFUSED, SIP_E_NET and the
 * like when the connection fails at once.
 */
enum sip_err	 sip_tps_open(struct sip_tps *s, const struct sip_tps_dst *d,
		    struct sip_tps_flow **flow);
/* Why the last sip_tps_open() (or send) failed at once. */
const char	*sip_tps_err(const struct sip_tps *s);
/*
 * Send over flow f; dst is where a UDP datagram goes (ignored on a
 * stream).  SIP_E_CLOSED when f is closing; SIP_E_TOOBIG when the queue
 * would pass its limit (f is then closed, as its peer cannot keep up).
 */
enum sip_err	 sip_tps_send_flow(struct sip_tps *s, struct sip_tps_flow *f,
		    const struct sip_sockaddr *dst, const char *p, size_t n);

/*
 * A one-request-at-a-time client's fast path (sip-send's ping, issue 12):
 * when the set is one UDP socket of its own (opts.recverr, no listener,
 * no stream) and the loop waits for nothing else, wait up to max_ms in
 * the socket's own read (SO_RCVTIMEO) instead of epoll then read: one
 * system call less per answer.  That socket has a twin connect()ed to
 * the first peer it sent to, on the same port: sends to that peer go
 * over it, and the wait is in its read while the peer answers from
 * where it was sent to (from elsewhere, RFC 3261 18.1.2, the answer
 * comes to the first socket and the loop reads it, the next requests
 * waiting on both).  What arrives is handled as the loop
 * would, and brings the loop's time up to date (sip_loop_now()); the
 * caller runs the loop's timers when they are due
 * (sip_loop_next_timer()).  Returns the datagrams read, 0 when
 * the wait ran out, or -1 when the set is not such a set (use the
 * loop).
 */
int		 sip_tps_udp_wait(struct sip_tps *s, int max_ms);

/* The open stream flow of tp to peer, or NULL. */
struct sip_tps_flow *sip_tps_find(struct sip_tps *s, enum sip_tp tp,
		    const struct sip_sockaddr *peer);
/*
 * Every flow has an id, never reused in the set's life (a flow token,
 * RFC 5626 5.2, can name it); sip_tps_byid() is NULL once it is gone.
 */
uint64_t	 sip_tps_id(const struct sip_tps_flow *f);
struct sip_tps_flow *sip_tps_byid(struct sip_tps *s, uint64_t id);
enum sip_tp	 sip_tps_tp(const struct sip_tps_flow *f);
/* The peer of a stream flow (the last sender on a UDP one). */
const struct sip_sockaddr *sip_tps_peer(const struct sip_tps_flow *f);
const struct sip_sockaddr *sip_tps_local(const struct sip_tps_flow *f);
/*
 * The connection under a flow, for code that sends on a struct sip_conn
 * (lib/uas): sends on it are queued the same way.  Owned by the flow.
 */
struct sip_conn	*sip_tps_conn(struct sip_tps_flow *f);
/* The flow a connection from sip_tps_conn() belongs to. */
struct sip_tps_flow *sip_tps_flow_of(struct sip_conn *c);
/* A failed handshake's error (SIP_E_TLS, SIP_E_REFUSED, ...), else SIP_OK. */
enum sip_err	 sip_tps_flow_err(const struct sip_tps_flow *f);
/* Bytes queued on f, not yet written. */
size_t		 sip_tps_queued(const struct sip_tps_flow *f);
/* Close f now (after its callback returns, if inside one). */
void		 sip_tps_close(struct sip_tps *s, struct sip_tps_flow *f);

void		 sip_tps_stats(const struct sip_tps *s, struct sip_tps_stats *st);
/* The listeners' transports and bound addresses, i from 0; 0 past the end. */
int		 sip_tps_listener(const struct sip_tps *s, int i, enum sip_tp *tp,
		    struct sip_sockaddr *addr);

#endif
