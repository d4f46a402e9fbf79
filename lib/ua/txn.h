/*
 * txn.h - RFC 3261 section 17 transactions as state machines without I/O:
 * INVITE and non-INVITE client transactions (17.1.1, 17.1.2), INVITE and
 * non-INVITE server transactions (17.2.1, 17.2.2), with RFC 6026's
 * Accepted state for INVITE transactions, and the matching rules of
 * 17.1.3 and 17.2.3 (RFC 2543 fallback included).
 *
 * A transaction never touches a socket and never reads a clock.  Every
 * call takes the current time in milliseconds; what the caller must do
 * comes back as actions queued on the struct (send these bytes, deliver
 * this message to the TU, the transaction timed out, it ended), read with
 * sip_txn_action() after every call.  sip_txn_deadline() says when to
 * call sip_txn_timer() next.  Where the bytes go (the request's target,
 * or the response address of RFC 3261 18.2.2) is the caller's business.
 *
 * Ownership: a transaction owns copies of the request it was started
 * with, of the last response it sent (server) and of the ACK it built
 * (client); bytes handed out in SEND actions point into those copies and
 * stay valid until the next call on the transaction.  Messages handed
 * out in RESPONSE and REQUEST actions are the caller's own, as passed to
 * sip_txn_input().  sip_txn_release() frees the copies.
 */
#ifndef SIPBOX_TXN_H
#define SIPBOX_TXN_H

#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "msg.h"
#include "slice.h"

/* RFC 3261 17.1.1.1 defaults, in milliseconds. */
#define SIP_TXN_T1	500
#define SIP_TXN_T2	4000
#define SIP_TXN_T4	5000
/* RFC 3261 17.1.1.2: Timer D is at least 32 s over unreliable transports. */
#define SIP_TXN_TIMER_D	32000
/* Actions that fit in the queue; one call queues at most three. */
#define SIP_TXN_MAXACT	8

enum sip_txn_kind {
	SIP_TXN_ICT,		/* INVITE client */
	SIP_TXN_NICT,		/* non-INVITE client */
	SIP_TXN_IST,		/* INVITE server */
	SIP_TXN_NIST		/* non-INVITE server */
};

enum sip_txn_state {
	SIP_TXN_NONE = 0,
	SIP_TXN_CALLING,	/* ICT */
	SIP_TXN_TRYING,		/* NICT, NIST */
	SIP_TXN_PROCEEDING,
	SIP_TXN_ACCEPTED,	/* RFC 6026: ICT and IST after a 2xx */
	SIP_TXN_COMPLETED,
	SIP_TXN_CONFIRMED,	/* IST */
	SIP_TXN_TERMINATED
};

enum sip_txn_act_kind {
	SIP_TXN_SEND,		/* transmit data/len */
	SIP_TXN_RESPONSE,	/* client: pass msg (a response) to the TU */
	SIP_TXN_REQUEST,	/* server: pass msg (an ACK to a 2xx) to the TU */
	SIP_TXN_TIMEOUT,	/* Timer B, F or H fired (which: timer) */
	SIP_TXN_TPERROR,	/* the transport failed (17.1.4, 17.2.4) */
	SIP_TXN_END		/* the transaction is terminated */
};

struct sip_txn_action {
	enum sip_txn_act_kind	 kind;
	const char		*data;		/* SEND: borrowed from the txn */
	size_t			 len;
	int			 retransmit;	/* SEND: not the first time */
	const struct sip_msg	*msg;		/* RESPONSE, REQUEST: the caller's */
	char			 timer;		/* TIMEOUT: 'B', 'F' or 'H' */
};

struct sip_txn {
	enum sip_txn_kind	 kind;
	enum sip_txn_state	 state;
	int			 reliable;	/* TCP, TLS, WS, SCTP: no retransmission */
	uint32_t		 t1, t2, t4;	/* ms; settable before start */

	/* timers: absolute ms, 0 when not running */
	uint64_t		 rt_at;		/* A, E or G: retransmit */
	uint64_t		 rt_iv;		/* its current interval */
	uint64_t		 to_at;		/* B, F or H: give up */
	uint64_t		 wait_at;	/* D, I, J, K, or L/M (RFC 6026) */
	char			 wait_timer;	/* which one wait_at is */

	/* owned copies */
	struct buf		 req;		/* the request */
	size_t			 req_head;	/* server: bytes of its head, all
						 * that is kept once answered */
	struct buf		 out;		/* client: the ACK; server: last response */
	int			 last_status;	/* status of the last response */

	/* matching keys, slices into req */
	struct slice		 branch, sent_by, method, cseq_method;
	uint16_t		 via_port;	/* sent-by port, default filled in */
	uint32_t		 cseq;
	struct slice		 ruri, call_id, from_tag, to_tag, top_via;
	int			 rfc3261;	/* branch has the magic cookie */

	struct sip_txn_action	 act[SIP_TXN_MAXACT];
	unsigned		 nact, actpos;
};

/*
 * Prepare t (any memory; release a used txn first) for kind, with the RFC
 * 3261 default timers and reliable set for TCP/TLS/WS/SCTP.  Change
 * t->t1, t->t2, t->t4 after this and before the start call.
 */
void	sip_txn_init(struct sip_txn *t, enum sip_txn_kind kind, int reliable);
/*
 * The same for a txn that was initialised before (released or not): it
 * keeps the memory of its buffers, so a client that runs one transaction
 * after another allocates nothing for each.  sip_txn_release() frees it.
 */
void	sip_txn_reuse(struct sip_txn *t, enum sip_txn_kind kind, int reliable);

/*
 * Client: start with the request in req/len (copied; need not outlive
 * the call), queueing its first SEND and starting A/B or E/F.  An INVITE
 * must use SIP_TXN_ICT, anything else SIP_TXN_NICT, and ACK none at all
 * (17.1: ACK for a 2xx is not a transaction): SIP_E_INVAL.  SIP_E_PARSE
 * when req is not a request with a Via, CSeq and Call-ID.  req may be
 * t->req's own bytes, written there after sip_txn_reuse(): then nothing
 * is copied.
 */
enum sip_err	sip_txn_client_start(struct sip_txn *t, const char *req,
		    size_t len, uint64_t now_ms);
/*
 * The same for a request the builder made with its own Via and CSeq
 * (sip_build_request_tmpl says where the branch went): the method is the
 * request line's first word, the CSeq method the same, and the branch is
 * the blen bytes at boff, so the request is not parsed again.
 * SIP_E_PARSE when those are not inside it.  Not for a request written
 * by hand or with the user's own Via or CSeq: use sip_txn_client_start().
 */
enum sip_err	sip_txn_client_start_built(struct sip_txn *t, const char *req,
		    size_t len, size_t boff, size_t blen, uint64_t now_ms);

/*
 * Server: start with the request req just received (its bytes are
 * copied; once a final response is sent only its head is kept, the body
 * let go).  Nothing is queued: the caller already has the request.
 * SIP_E_INVAL for ACK or a kind that does not fit the method.
 */
enum sip_err	sip_txn_server_start(struct sip_txn *t,
		    const struct sip_msg *req, uint64_t now_ms);
/*
 * Server: parse the request t keeps into m (slices into t), to build a
 * response from after the request itself is gone: the whole request
 * until the final response, then its start line and headers with an
 * empty body.
 */
enum sip_err	sip_txn_server_request(const struct sip_txn *t,
		    struct sip_msg *m);

/*
 * A message that matched t (sip_txn_match_*): a response for a client
 * transaction, a retransmitted request or an ACK for a server one.
 * Queues what the state machine says: deliveries, retransmissions, the
 * ACK for a non-2xx final response (17.1.1.3).  Messages the state does
 * not take are absorbed.  m must stay valid until the actions are read.
 */
enum sip_err	sip_txn_input(struct sip_txn *t, const struct sip_msg *m,
		    uint64_t now_ms);

/*
 * Server: the TU sends a response (resp/len, copied; status its code).
 * Queues the SEND and moves the state machine.  SIP_E_STATE when the
 * transaction can no longer send that response (a final response after
 * a final response, except a 2xx retransmitted in Accepted).
 */
enum sip_err	sip_txn_respond(struct sip_txn *t, const char *resp,
		    size_t len, uint64_t now_ms);

/* Run the timers that are due at now_ms. */
enum sip_err	sip_txn_timer(struct sip_txn *t, uint64_t now_ms);

/* The transport reported a failure sending for t (17.1.4, 17.2.4). */
void		sip_txn_transport_error(struct sip_txn *t);

/* The next instant sip_txn_timer() must be called, or 0 for none. */
uint64_t	sip_txn_deadline(const struct sip_txn *t);

/*
 * Take the next queued action into *a; 1 when there was one, 0 when the
 * queue is empty.  Read them all after every call.  Inline: every
 * request of a ping run takes four.
 */
static inline int
sip_txn_action(struct sip_txn *t, struct sip_txn_action *a)
{
	if (t->actpos >= t->nact) {
		t->nact = t->actpos = 0;
		return 0;
	}
	*a = t->act[t->actpos++];
	return 1;
}

/* Whether t is over (and may be released). */
int		sip_txn_done(const struct sip_txn *t);

/*
 * RFC 3261 17.1.3: whether response m belongs to client transaction t
 * (the top Via branch and the CSeq method match the request's).
 */
int		sip_txn_match_response(const struct sip_txn *t,
		    const struct sip_msg *m);

/*
 * RFC 3261 17.2.3: whether request m belongs to server transaction t:
 * with a z9hG4bK branch, branch, sent-by and method (ACK matches INVITE);
 * otherwise the RFC 2543 rules (Request-URI, tags, Call-ID, CSeq, top
 * Via; an ACK's To tag against the tag of the response sent).
 */
int		sip_txn_match_request(const struct sip_txn *t,
		    const struct sip_msg *m);

/*
 * RFC 3261 9.2: whether CANCEL m is for server transaction t (the rules
 * of 17.2.3 without the method; t is not a CANCEL's own).
 */
int		sip_txn_match_cancel(const struct sip_txn *t,
		    const struct sip_msg *m);

/* Free the copies t owns; a zeroed or released txn is fine. */
void		sip_txn_release(struct sip_txn *t);


#endif
