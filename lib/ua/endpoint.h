/*
 * endpoint.h - a SIP endpoint: the client and server transaction tables
 * over a transport, RFC 3263 4.3 failover across an ordered target list,
 * and the dialog sets of the INVITEs it sends.
 *
 * The endpoint is the transaction user's one door to the network.  It
 * talks to the transport through one narrow call (send bytes to a
 * destination: transport, address and, when known, the flow) and is fed
 * parsed messages with where they came from.  It reads no clock: every
 * call takes the time (microseconds, the caller's loop's), so
 * unit tests drive it with made-up instants.
 *
 * Client side (RFC 3261 17.1): a request runs as a struct sip_ep_ctxn the
 * caller embeds; the caller's build callback writes the request for the
 * current target (again with a new branch on failover: RFC 3263 4.3),
 * and its response callback sees every response and the end.  The next
 * target is tried on a timeout, a 503 and a transport failure (RFC 3261
 * 8.1.3.1, RFC 3263 4.3).  An INVITE's 2xx answers go through its dialog
 * set: each fork's 2xx is ACKed, the ACK resent for every retransmission
 * (also after the transaction ended), and a fork that answers 2xx after
 * the first is ended with a BYE (13.2.2.4).  The ACK and BYE go to the
 * fork's dialog's next hop: its first route (the 2xx's last
 * Record-Route), else its remote target (the 2xx's Contact), located by
 * RFC 3263 -- the INVITE's own target when it is that address and the
 * URI names no transport, so a proxy's connection is used again.
 *
 * Server side (17.2): lib/uas's table.  A new request goes to the
 * applet's request callback, which answers with sip_ep_respond(); a
 * retransmission is absorbed; a CANCEL is answered 200 and its INVITE
 * 487 when it had no final answer yet (9.2); an ACK for a 2xx and a
 * request within a dialog go to the stray callback.
 */
#ifndef SIPBOX_ENDPOINT_H
#define SIPBOX_ENDPOINT_H

#include <stdint.h>

#include "conn.h"
#include "dialog.h"
#include "loop.h"
#include "net.h"
#include "resolve.h"
#include "tpset.h"
#include "txn.h"
#include "uas.h"

#define SIP_EP_MAXTARGETS	SIP_RESOLVE_MAX_TARGETS	/* one resolution's */
#define SIP_EP_MAXCLIENT	256	/* client transactions at once */

/* Where a message goes: the transport, the address, and the flow. */
struct sip_ep_dest {
	enum sip_tp		 tp;
	struct sip_sockaddr	 addr;
	struct sip_conn		*flow;	/* NULL: the transport picks or opens one */
	/* a new connection's TLS name (SNI, verification) and WebSocket
	 * Host and path; the caller's strings, NULL: the address, "/" */
	const char		*host;
	const char		*ws_path;
};

/* Where a message came from. */
struct sip_ep_rx {
	enum sip_tp		 tp;
	struct sip_sockaddr	 src;
	struct sip_sockaddr	 local;
	struct sip_conn		*flow;	/* the connection (a UDP socket too) */
};

struct sip_ep;
struct sip_ep_ctxn;

/*
 * Where one fork's ACK and BYE go: its dialog's next hop (RFC 3261
 * 12.2.1.1, 13.2.2.4), the first route or else the remote target,
 * located by RFC 3263 -- not where the INVITE went.  The library's.
 */
struct sip_ep_hop {
	int			 state;		/* 0 none, 1 resolving, 2 known */
	struct sip_ep_dest	 dst;
	char			 host[SIP_DNS_NAME_SIZE];	/* dst.host's */
	int			 ack, bye;	/* owed once it is known (ack 2:
						 * for a retransmission) */
	int			 tp_given;	/* the URI's ;transport= or sips */
	struct sip_resolve	*h;
	struct sip_ep_ctxn	*c;
	unsigned		 fork;
	struct sip_ep_hop	*next;		/* the endpoint's resolving */
};

/*
 * The transport: send p/n to d.  An error means this destination failed
 * (refused, reset, unreachable): the transaction fails over.  retrans
 * says it is a retransmission (for traces).
 */
typedef enum sip_err	sip_ep_send_fn(void *arg, const struct sip_ep_dest *d,
			    const char *p, size_t n, int retrans);
/*
 * Client: write the request for target c->cur into b (empty, the
 * transaction's own buffer) with a fresh branch.  For a request built
 * by sip_build_request_tmpl, set *boff and *blen to its branch (the
 * template's off[0], len[0]) so that it is not parsed again; else 0.
 * A caller that reads the clock after building may move ep->now_us and
 * ep->now forward here: the transaction starts and c->t_sent is taken
 * after the build.  A transport error (SIP_E_NET, SIP_E_REFUSED,
 * SIP_E_TLS: the target cannot be reached, put why in c->tpwhy) fails over
 * to the next target as a connection failure would.
 */
typedef enum sip_err	sip_ep_build_fn(struct sip_ep_ctxn *c, struct buf *b,
			    size_t *boff, size_t *blen);
/*
 * Client: a response m (a 1xx, or the final one, called once), or the
 * end without one (m NULL; c->err and c->why say why).
 */
typedef void		sip_ep_resp_fn(struct sip_ep_ctxn *c,
			    const struct sip_msg *m);
/*
 * Client: c's target c->cur failed (e and why; a 503 is SIP_OK with why
 * naming it) and the next one is tried.
 */
typedef void		sip_ep_failover_fn(void *arg, struct sip_ep_ctxn *c,
			    enum sip_err e, const char *why);
/* Server: a new request in transaction t; answer with sip_ep_respond(). */
typedef void		sip_ep_req_fn(void *arg, struct sip_ep *ep,
			    struct sip_uas_txn *t, const struct sip_msg *m,
			    const struct sip_ep_rx *rx);
/*
 * A message no transaction took: an ACK for a 2xx, a request or a 2xx
 * the dialog layer did not know.
 */
typedef void		sip_ep_stray_fn(void *arg, struct sip_ep *ep,
			    const struct sip_msg *m, const struct sip_ep_rx *rx);

/* A client transaction and its targets; the caller embeds it. */
struct sip_ep_ctxn {
	/* the caller's, set before sip_ep_start() */
	struct sip_ep_dest	 dst[SIP_EP_MAXTARGETS];
	int			 ndst;
	int			 invite;	/* INVITE: an ICT and a dialog set */
	sip_ep_build_fn		*build;
	sip_ep_resp_fn		*cb;
	void			*user;
	/* the library's; read-only outside */
	int			 cur;		/* the target in use */
	struct sip_txn		 txn;		/* its req: the request as sent */
	struct sip_dialog_set	 set;		/* INVITE: its forks */
	struct sip_ep_hop	*hop;		/* INVITE: per fork, from a 2xx */
	uint64_t		 t_sent;	/* us: this request first sent */
	unsigned		 retrans;	/* retransmissions sent */
	int			 status;	/* last response, 0 none */
	/*
	 * SIP_OK when a final came; else the most telling of the targets'
	 * failures (TLS, refused, other transport, timeout in that order)
	 */
	enum sip_err		 err;
	const char		*why;
	char			 whybuf[256];	/* why's copy, when it is one */
	char			 tpwhy[256];	/* the transport's last word */
	enum sip_err		 tperr;
	int			 active;	/* running: responses expected */
	int			 final;		/* the final response was handed up */
	int			 owned;		/* the endpoint's (a BYE it sent) */
	/*
	 * INVITE: CANCEL asked (sip_ep_cancel, or Timer C), sent once a
	 * provisional came (RFC 3261 9.1); the deadlines, ms, 0 none
	 */
	int			 cancel, cancel_sent;
	/*
	 * INVITE: a 2xx that could make no dialog (past SIP_MAX_ROUTE_SET
	 * Record-Route values, a Record-Route or Contact that does not
	 * parse) was ACKed and ended with a BYE all the same (13.2.2.4);
	 * set before the TU hears of the 2xx, with why
	 */
	int			 undialogued;
	uint64_t		 timer_c;	/* no final after a 1xx: cancel */
	uint64_t		 cancel_until;	/* no final after CANCEL: end */
	unsigned		 gen;		/* started again: a new number */
	struct sip_ep		*ep;
};

struct sip_ep {
	/* the caller's */
	sip_ep_send_fn		*send;
	void			*send_arg;
	sip_ep_req_fn		*request;	/* NULL: requests are dropped */
	void			*request_arg;
	sip_ep_stray_fn		*stray;		/* NULL: strays are counted */
	void			*stray_arg;
	sip_ep_failover_fn	*failover;	/* NULL: failovers are counted */
	void			*failover_arg;
	uint32_t		 t1, t2, t4;	/* 0: RFC 3261 defaults */
	/*
	 * Next hops within a dialog that are names (RFC 3263 on the loop
	 * attached); NULL: a name goes where the INVITE went.  An IP
	 * address needs none.  Freed after the endpoint.
	 */
	struct sip_resolver	*resolver;
	/* counters */
	unsigned long		 nstray;	/* messages nothing took */
	unsigned long		 refused;	/* requests the server table
						 * could not key or keep */
	unsigned long		 reacked;	/* 2xx retransmissions ACKed again */
	unsigned long		 failovers;	/* next targets tried */
	unsigned long		 hopless;	/* a next hop not found: sent
						 * where the INVITE went */
	/* the library's */
	struct sip_ep_ctxn	*live[SIP_EP_MAXCLIENT];
	int			 nlive;
	struct sip_dialog_table	 dialogs;	/* INVITE sets by Call-ID, tag */
	struct sip_ep_hop	*resolving;	/* next hops being looked up */
	struct sip_uas		 uas;		/* server transactions */
	uint64_t		 uas_at;	/* its next deadline, 0 none */
	uint64_t		 now;		/* ms, the instant of this call */
	uint64_t		 now_us;
	/* sip_ep_attach(): on a transport set and its loop */
	struct sip_loop		*loop;
	struct sip_tps		*tps;
	struct sip_timer	 timer;		/* at sip_ep_deadline() */
};

/*
 * c's targets: an RFC 3263 resolution's list (lib/resolve), in its
 * order, with no flow named.  Returns how many (0 for an empty list).
 */
int		sip_ep_targets(struct sip_ep_ctxn *c, const struct sip_dests *d);
/*
 * Start client transaction c (zeroed before its first use; after its end
 * it may be started again and keeps its buffers' memory) at now_us: build
 * and send the request for target 0.  SIP_E_TOOBIG with the table full,
 * SIP_E_INVAL without targets; a build error is returned.  A transport
 * failure is not: c fails over, or ends through its callback.
 */
enum sip_err	sip_ep_start(struct sip_ep *ep, struct sip_ep_ctxn *c,
		    uint64_t now_us);
/*
 * A message m arrived (rx says where from) at now_us.  Responses go to
 * their client transaction, 2xx to an INVITE also to its dialog set;
 * requests to their server transaction or the request callback.
 */
void		sip_ep_input(struct sip_ep *ep, const struct sip_msg *m,
		    const struct sip_ep_rx *rx, uint64_t now_us);
/* Run the timers due at now_us. */
void		sip_ep_timers(struct sip_ep *ep, uint64_t now_us);
/* The next instant (ms) sip_ep_timers() must run, 0 for none. */
uint64_t	sip_ep_deadline(const struct sip_ep *ep);
/* Server: answer t with resp/len (copied); the transaction resends it. */
enum sip_err	sip_ep_respond(struct sip_ep *ep, struct sip_uas_txn *t,
		    const char *resp, size_t len, uint64_t now_us);
/*
 * Cancel c's INVITE (RFC 3261 9.1): a CANCEL goes to its target now if a
 * provisional response came, else as soon as one comes; c goes on and
 * ends with the INVITE's final response (487 when the CANCEL took), or
 * with SIP_E_TIMEOUT 64*T1 after the CANCEL without one.  The endpoint
 * does the same itself by Timer C: no final response 3 minutes (360*T1)
 * after the last provisional (RFC 3261 16.6 step 11's value for a UAC
 * that would ring for ever).  SIP_E_STATE when c is no running INVITE.
 */
enum sip_err	sip_ep_cancel(struct sip_ep *ep, struct sip_ep_ctxn *c,
		    uint64_t now_us);
/*
 * End c now with err (an overall timeout, an interrupt): its callback
 * runs with m NULL.  Its dialog set stays listed until sip_ep_release().
 */
void		sip_ep_abort(struct sip_ep *ep, struct sip_ep_ctxn *c,
		    enum sip_err err, const char *why);
/*
 * The endpoint's own requests (a fork's or a broken call's BYE, a
 * CANCEL) still waiting for their final response, and ACKs waiting for
 * their next hop's address: a caller about to exit runs the loop until
 * none is left.
 */
int		sip_ep_owned_pending(const struct sip_ep *ep);
/*
 * Where requests within the call c's INVITE made go (its first 2xx's
 * dialog: the next hop its ACK went to), or NULL when there is no call
 * or its next hop is still being looked up.
 */
const struct sip_ep_dest *sip_ep_call_dest(const struct sip_ep_ctxn *c);
/* sip_ep_abort() on every running client transaction. */
void		sip_ep_abort_all(struct sip_ep *ep, enum sip_err err,
		    const char *why);
/*
 * Forget c (ended or not, without a callback) and free what it holds;
 * its INVITE's 2xx retransmissions are no longer ACKed after this.
 */
void		sip_ep_release(struct sip_ep *ep, struct sip_ep_ctxn *c);
/* Free the tables (the caller's ctxns are released first). */
void		sip_ep_free(struct sip_ep *ep);

/*
 * The endpoint on transport set s and its loop l: its sends go out
 * through s (over the flow a destination names, else to its transport
 * and address), and one loop timer runs the transactions' timers.  The
 * set's callbacks are sip_ep_tps_recv and sip_ep_tps_closed with arg ep.
 * A UAS beside a UAC on one socket: requests to the request callback,
 * responses to the client transactions, over the same listeners.
 */
void		sip_ep_attach(struct sip_ep *ep, struct sip_loop *l,
		    struct sip_tps *s);
void		sip_ep_tps_recv(struct sip_tps *s, const struct sip_tps_rx *rx,
		    void *arg);
/* A flow went away: its server transactions end, no send names it. */
void		sip_ep_tps_closed(struct sip_tps *s, struct sip_tps_flow *f,
		    enum sip_tps_why why, const char *detail, void *arg);
/*
 * An ICMP error for a datagram to dst (the set's unreach callback): the
 * requests whose target it is fail over (RFC 3263 4.3).
 */
void		sip_ep_tps_unreach(struct sip_tps *s, struct sip_tps_flow *f,
		    const struct sip_sockaddr *dst, const char *detail,
		    void *arg);
/* The attached endpoint's send (for a caller that wraps it to trace). */
enum sip_err	sip_ep_tps_send(void *ep, const struct sip_ep_dest *d,
		    const char *p, size_t n, int retrans);

#endif
