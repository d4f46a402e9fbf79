/*
 * reg.h - one registration (RFC 3261 10.2) as a state machine: when to
 * send a REGISTER and with what, when to refresh it, back off, fail
 * over, keep the flow alive and give up.
 *
 * It does no I/O and reads no clock.  Events go in with the time (a
 * response, a transaction that ended without one, a flow that failed,
 * a keep-alive answered, a timer that came due, the user asking to
 * stop); actions come out of a small queue (send a REGISTER, send a
 * keep-alive, report a binding, a retry or the end).  The caller runs
 * the REGISTER through its endpoint, building it with sip_reg_build(),
 * and calls sip_reg_timer() at sip_reg_deadline().
 *
 * What it follows: the interval granted per Contact of the 200 (10.2.4),
 * 423 retried with Min-Expires (10.2.8), a 401/407 answered once per
 * challenge so that a wrong password ends it (22.2), Retry-After
 * (20.33) and RFC 5626 4.5's randomised exponential backoff, with the
 * next RFC 3263 target after a failure, RFC 5626 keep-alives (4.4.1)
 * and re-registration when the flow fails (4.4.1, 4.5), removal with
 * Expires: 0 (10.2.2) and queries without Contact (10.2.3).
 *
 * Not here: the transport, the transaction (lib/endpoint), what a
 * keep-alive looks like on the wire (lib/net/stun, the CRLF ping).
 */
#ifndef SIPBOX_REG_H
#define SIPBOX_REG_H

#include <stdint.h>

#include "authhdr.h"
#include "buf.h"
#include "build.h"
#include "digest.h"
#include "err.h"
#include "msg.h"

#define SIP_REG_MAXCONTACTS	8
#define SIP_REG_URI_MAX		512
#define SIP_REG_NACT		8	/* actions queued at once */
#define SIP_REG_NHDRS		72	/* header lines of a REGISTER built */
/* RFC 5626 4.5: base 30 s (no flow left), at most 1800 s */
#define SIP_REG_BACKOFF_BASE	30000
#define SIP_REG_BACKOFF_MAX	1800000
/* RFC 5626 4.4.1: no pong within 10 s is a failed flow */
#define SIP_REG_PONG_WAIT	10000
/* RFC 5389 7.2.1: the first retransmission timeout */
#define SIP_REG_STUN_RTO	500
/* Timer F (64*T1): a refresh sent this long before expiry has its answer */
#define SIP_REG_REFRESH_MARGIN	32000

enum sip_reg_mode {
	SIP_REG_BIND,		/* register the contacts and keep them */
	SIP_REG_QUERY,		/* no Contact: list the bindings (10.2.3) */
	SIP_REG_REMOVE,		/* the contacts with expires=0 (10.2.2) */
	SIP_REG_REMOVE_ALL	/* Contact: * and Expires: 0 */
};

enum sip_reg_state {
	SIP_REG_IDLE,		/* not started */
	SIP_REG_SENDING,	/* a REGISTER is out: waiting for its end */
	SIP_REG_BOUND,		/* registered: refresh at the deadline */
	SIP_REG_WAITING,	/* backing off: try again at the deadline */
	SIP_REG_DONE,		/* ended well: unregistered, listed, --once */
	SIP_REG_FAILED		/* ended in failure: status or err says why */
};

enum sip_reg_act_type {
	SIP_REG_A_SEND,		/* build with sip_reg_build(), send to target */
	SIP_REG_A_PING,		/* send a keep-alive on the flow */
	SIP_REG_A_BOUND,	/* a 200 bound the contacts (the msg at hand) */
	SIP_REG_A_LISTED,	/* a 200 to a query or a removal */
	SIP_REG_A_RETRY,	/* a failure; next try in wait ms */
	SIP_REG_A_FLOW,		/* the flow failed: registering on a new one */
	SIP_REG_A_UNBOUND,	/* the unregistration ended (status its answer) */
	SIP_REG_A_FAILED	/* the end: status (a response) or err */
};

struct sip_reg_act {
	enum sip_reg_act_type	 type;
	int			 status;	/* the response's, 0 none */
	enum sip_err		 err;		/* FAILED, RETRY without one */
	const char		*why;		/* static text, or NULL */
	uint32_t		 expires;	/* BOUND: granted seconds */
	uint64_t		 wait;		/* RETRY: ms until the next try */
	int			 target;	/* SEND: the target to start at */
	int			 new_flow;	/* SEND: not on the old flow */
	int			 refresh;	/* BOUND: not the first binding */
	int			 retrans;	/* PING: the same request again */
};

struct sip_reg_contact {
	char	 uri[SIP_REG_URI_MAX];	/* without <> */
	int	 q;			/* thousandths; -1: no q */
};

struct sip_reg {
	/* the caller's, set before sip_reg_start(); strings outlive r */
	enum sip_reg_mode	 mode;
	const char		*aor;		/* To and From URI */
	const char		*ruri;		/* the registrar (Request-URI) */
	struct sip_reg_contact	 contacts[SIP_REG_MAXCONTACTS];
	int			 ncontacts;
	uint32_t		 expires;	/* asked, seconds */
	const char		*instance;	/* +sip.instance (RFC 5626), or NULL */
	int			 reg_id;	/* RFC 5626 reg-id, 0 none */
	int			 gruu;		/* ask for GRUUs (RFC 5627) */
	int			 once;		/* no retries: the first end is final
					   (always so for a query or removal) */
	const char		*user;		/* digest username, or NULL */
	const char		*password;	/* secret, or NULL */
	const char		*ha1;		/* or HA1 in hex; secret */
	/* NULL, or where HA1 and HA2 are kept between registrations of
	 * this user (lib/sip/digest.h); the caller's, it wipes it */
	struct sip_digest_memo	*memo;
	/* NULL, or the caller's template of this user's REGISTER without
	 * credentials (build.h), reused by every registration it starts
	 * with it (a load run: one a user); the caller frees it */
	struct sip_build_tmpl	*tmpl;
	/*
	 * With tmpl: 0, or a number the caller changes whenever anything
	 * it set above, or the parameters it passes sip_reg_build(), is
	 * not as in the last REGISTER built with this number through tmpl
	 * (a load run: the user's index + 1).  While what the machine
	 * adds is as at the start (the Expires asked, no removal), the
	 * REGISTER is the template's without comparing its parameters.
	 */
	unsigned		 gen;
	int			 ntargets;	/* the RFC 3263 list's length */
	uint32_t		 backoff_base;	/* ms; 0: SIP_REG_BACKOFF_BASE */
	uint32_t		 backoff_max;	/* ms; 0: SIP_REG_BACKOFF_MAX */
	/*
	 * Keep-alives (RFC 5626 4.4.1): every ka_ms when set; else with
	 * ka_auto, at 80-100% of the 200's Flow-Timer, or between
	 * ka_default_lo_ms and ka_default_ms when it has none (95-120 s on
	 * a stream, 24-29 s over UDP).  0 and 0: none.
	 */
	uint32_t		 ka_ms;
	int			 ka_auto;
	uint32_t		 ka_default_lo_ms;
	uint32_t		 ka_default_ms;
	uint32_t		 pong_wait;	/* ms; 0: SIP_REG_PONG_WAIT */
	/*
	 * A keep-alive over an unreliable transport (STUN over UDP) is
	 * sent again, RFC 5389 7.2.1's way: after SIP_REG_STUN_RTO ms,
	 * doubling, while its pong wait lasts (0.5, 1.5, 3.5, 7.5 s of 10).
	 */
	int			 ka_resend;
	/* 32 random bits for the backoff's and keep-alive's spread; NULL:
	 * none (the longest wait), as unit tests want */
	uint32_t		(*rnd)(void *);
	void			*rnd_arg;

	/* the machine's; read-only outside */
	enum sip_reg_state	 state;
	char			 call_id[SIP_CALLID_SIZE];
	char			 from_tag[SIP_TAG_SIZE];
	uint32_t		 cseq;		/* of the last REGISTER built */
	uint32_t		 asking;	/* expires of the request out */
	uint32_t		 expires0;	/* expires as the caller set it */
	int			 unreg;		/* the request out removes ours */
	int			 stopping;	/* stop asked: unregister next */
	int			 bound;		/* the contacts are (were) bound */
	uint32_t		 granted;	/* seconds, the last 200's */
	uint64_t		 bound_at;	/* ms, that 200's time */
	uint64_t		 due;		/* refresh or retry, 0 none */
	uint64_t		 ping_at;	/* next keep-alive, 0 none */
	uint64_t		 pong_due;	/* a pong owed by then, 0 none */
	uint64_t		 resend_at;	/* the ping again, while owed */
	uint32_t		 rto;		/* ms, the resend's doubling */
	uint32_t		 flow_timer;	/* the 200's Flow-Timer, 0 none */
	int			 target;	/* where the next send starts */
	int			 new_flow;	/* the next send on a new flow */
	unsigned		 fails;		/* failures in a row */
	int			 status;	/* last final response */
	/* digest: the challenge being answered, and the header made */
	struct buf		 chal;		/* "401 " or "407 " + its value */
	struct sip_auth		 chal_a;	/* chal parsed, when it has one */
	struct buf		 auth;		/* "Authorization: ..." line */
	char			 nonce[256];	/* the challenge's nonce */
	uint32_t		 nc;		/* requests with that nonce */
	int			 auth_fresh;	/* auth answers the last answer */
	int			 stale_done;	/* one stale=true retry taken */
	struct sip_reg_act	 act[SIP_REG_NACT];
	int			 nact, act_head;
};

/*
 * Start r (zeroed, the caller's fields set) at now: a fresh Call-ID and
 * From tag, and a SEND.  SIP_E_INVAL for a missing aor or ruri, or no
 * contact to bind or remove; SIP_E_RANDOM without random bytes.
 */
enum sip_err	sip_reg_start(struct sip_reg *r, uint64_t now);
/*
 * The final response m (a 1xx is ignored) to the REGISTER out, at now.
 * The actions it queues may read m (it is the caller's until they are
 * taken).
 */
void		sip_reg_response(struct sip_reg *r, const struct sip_msg *m,
		    uint64_t now);
/*
 * The REGISTER out ended without a final response: err SIP_E_TIMEOUT
 * (every target timed out) or a transport failure.
 */
void		sip_reg_failed(struct sip_reg *r, enum sip_err err,
		    uint64_t now);
/* The flow the registration went over failed (RFC 5626 4.4.1). */
void		sip_reg_flow_failed(struct sip_reg *r, uint64_t now);
/* A keep-alive was answered (a CRLF, a STUN response). */
void		sip_reg_pong(struct sip_reg *r, uint64_t now);
/*
 * The registrar wants the contacts registered again by `at' (RFC 3680
 * 3.1: its reg event said our binding was shortened, deactivated or put
 * on probation): at once when at <= now, else the next refresh no later
 * than at.  Only while bound and not stopping; nothing else changes.
 */
void		sip_reg_refresh(struct sip_reg *r, uint64_t at, uint64_t now);
/* Run what is due at now. */
void		sip_reg_timer(struct sip_reg *r, uint64_t now);
/* The next instant (ms) sip_reg_timer() must run, 0 for none. */
uint64_t	sip_reg_deadline(const struct sip_reg *r);
/*
 * Unregister (Expires: 0 for r's contacts) and end: at once when a
 * REGISTER can go, after the one out otherwise; DONE without sending
 * when nothing was bound or sent.
 */
void		sip_reg_stop(struct sip_reg *r, uint64_t now);
/* Take the next action into *a: 1, or 0 when there is none. */
int		sip_reg_action(struct sip_reg *r, struct sip_reg_act *a);
/*
 * Build the REGISTER a SEND asked for into b: p carries what depends on
 * the transport (Via, Route, User-Agent, extra header lines; its
 * method, Request-URI, From, To, Call-ID, CSeq, Contact are r's).  A new
 * CSeq and, when answering a challenge, fresh credentials each call.
 * The caller owns b.
 */
enum sip_err	sip_reg_build(struct sip_reg *r, struct buf *b,
		    const struct sip_req_params *p);
/*
 * The same, saying where the branch went (sip_build_request_at()), for
 * an endpoint build callback's *boff and *blen.
 */
enum sip_err	sip_reg_build_at(struct sip_reg *r, struct buf *b,
		    const struct sip_req_params *p, size_t *boff,
		    size_t *blen);
/*
 * Whether Contact value c (of a 200) is one of r's: the same
 * +sip.instance and reg-id when r has them (RFC 5626 6), else the same
 * URI (RFC 3261 19.1.4).
 */
int		sip_reg_is_ours(const struct sip_reg *r, struct slice c);
/* Free what r holds (the credentials made are wiped). */
void		sip_reg_release(struct sip_reg *r);
/* "BOUND", "RETRY", ...: for traces and tests. */
const char	*sip_reg_act_name(enum sip_reg_act_type t);

#endif
