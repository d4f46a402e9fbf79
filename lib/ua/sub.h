/*
 * sub.h - the subscriber side of RFC 6665 (SIP-specific event
 * notification) as a state machine without I/O: the initial SUBSCRIBE,
 * its 2xx and Expires, the NOTIFY that creates the dialog (4.4.1), the
 * Subscription-State it carries (active, pending, terminated with reason
 * and retry-after), refreshes before expiry, Timer N (4.1.2.4), 423 with
 * Min-Expires, 481 and a refresh that times out (a new subscription),
 * 489 Bad Event, and unsubscribing (4.1.2.3).
 *
 * It sends nothing, reads no clock and draws no random numbers.  Every
 * call takes the time in milliseconds; what to do comes back as actions
 * on the struct (send a SUBSCRIBE now, here is a NOTIFY's body, the
 * state changed, it is over).  The caller builds and sends the SUBSCRIBE
 * through its transaction layer (digest included) from the parameters
 * sip_sub_request() fills, tells the machine what it sent with
 * sip_sub_sent(), and hands back the final response and every NOTIFY.
 * Event packages (reg, presence) are the caller's: their bodies pass
 * through untouched.  One subscription per struct; a NOTIFY from a
 * second fork of the SUBSCRIBE is answered 481 (4.1.4 leaves forks to
 * the package; one view is what a watcher wants).
 */
#ifndef SIPBOX_SUB_H
#define SIPBOX_SUB_H

#include <stdint.h>

#include "bounds.h"
#include "build.h"
#include "buf.h"
#include "dialog.h"
#include "err.h"
#include "msg.h"
#include "slice.h"

#define SIP_SUB_MAXACT		8
#define SIP_SUB_RETRY_MIN	2000	/* ms: the first backoff after a failure */
#define SIP_SUB_RETRY_MAX	300000	/* ms: the longest */

enum sip_sub_state {
	SIP_SUB_INIT,		/* not subscribed: before start, or to retry */
	SIP_SUB_NOTIFY_WAIT,	/* SUBSCRIBE sent, no NOTIFY yet */
	SIP_SUB_PENDING,	/* NOTIFY said pending */
	SIP_SUB_ACTIVE,		/* NOTIFY said active */
	SIP_SUB_TERMINATED	/* over and not retried: see end_status, why */
};

enum sip_sub_act_kind {
	SIP_SUB_SEND,		/* send a SUBSCRIBE now (sip_sub_request) */
	SIP_SUB_NOTIFY,		/* a NOTIFY was taken: msg is the caller's */
	SIP_SUB_STATE,		/* the state changed to state */
	SIP_SUB_END		/* terminated for good */
};

struct sip_sub_action {
	enum sip_sub_act_kind	 kind;
	enum sip_sub_state	 state;		/* STATE, END */
	const struct sip_msg	*msg;		/* NOTIFY: borrowed, valid in the call */
	const char		*reason;	/* STATE to INIT, END: static text */
};

struct sip_sub {
	/* the caller's, set after sip_sub_init() */
	uint32_t		 expires;	/* seconds to ask for */
	uint32_t		 t1;		/* ms; Timer N is 64*T1 */
	/* the library's; read-only outside */
	enum sip_sub_state	 state;
	char			 event[64];	/* "reg", or "reg;id=x" */
	char			 accept[96];	/* Accept value, or "" */
	struct sip_dialog	*dialog;	/* from the first NOTIFY */
	char			 call_id[SIP_CALLID_SIZE];	/* of the SUBSCRIBE */
	char			 tag[SIP_TAG_SIZE];	/* its From tag */
	uint32_t		 cseq;		/* of the SUBSCRIBE last sent */
	uint32_t		 granted;	/* seconds the notifier granted */
	int			 busy;		/* a SUBSCRIBE is in flight */
	int			 orphan;	/* ... for a subscription that ended */
	int			 refresh;	/* ... and it is within the dialog */
	int			 want_send;	/* one is due once the last is done */
	int			 stopping;	/* unsubscribing (Expires: 0) */
	int			 got_notify;	/* since the last SUBSCRIBE was sent */
	unsigned		 fails;		/* failures in a row */
	unsigned		 subscribes;	/* SUBSCRIBEs sent, refreshes too */
	unsigned		 notifies;	/* NOTIFYs taken */
	int			 end_status;	/* the response that ended it, 0 */
	const char		*why;		/* why it is INIT or TERMINATED */
	/* timers: absolute ms, 0 when not running */
	uint64_t		 refresh_at;	/* send a refresh */
	uint64_t		 expire_at;	/* the subscription lapses */
	uint64_t		 retry_at;	/* try a new subscription */
	uint64_t		 n_at;		/* Timer N */
	uint64_t		 backoff;	/* ms: the next retry's wait */
	/* what sip_sub_request() hands out */
	char			 l_event[80], l_expires[32], l_accept[112];
	const char		*lines[4];
	const char		*routes[SIP_MAX_ROUTE_SET + 2];
	struct buf		 strict;	/* strict routing's Request-URI, last Route */
	struct sip_sub_action	 act[SIP_SUB_MAXACT];
	unsigned		 nact, actpos;
};

/*
 * Prepare s for package event (with ";id=" when the caller wants one)
 * asking for expires seconds; accept is an Accept value or NULL (copied).
 * SIP_E_INVAL when either does not fit or event is empty.
 */
enum sip_err	sip_sub_init(struct sip_sub *s, const char *event,
		    const char *accept, uint32_t expires);
/* Subscribe: queues a SEND. */
void		sip_sub_start(struct sip_sub *s, uint64_t now);
/*
 * Fill p for the SUBSCRIBE a SEND asked for.  Out of a dialog (the
 * initial one): method, headers (Event, Expires, Accept), and call_id,
 * from_tag, to_tag NULL and cseq 0, so that the builder makes fresh ones
 * (4.1.2.2: a new subscription has a new Call-ID and From tag); the
 * caller sets ruri, from, to.  Within the dialog (a refresh, an
 * unsubscribe): also ruri, from, to, their tags, call_id, the next CSeq
 * and the route set (12.2.1.1, strict routing too).  The caller adds
 * Via, Contact and the rest; its own header lines go after s->lines.
 * Pointers into s, valid until the next call on s.
 */
enum sip_err	sip_sub_request(struct sip_sub *s, struct sip_req_params *p);
/*
 * The SUBSCRIBE went out with this Call-ID, From tag and CSeq (copied):
 * a NOTIFY that carries them can come before the 2xx (4.1.2.4).  Starts
 * Timer N.  SIP_E_INVAL when they do not fit.
 */
enum sip_err	sip_sub_sent(struct sip_sub *s, const char *call_id,
		    const char *from_tag, uint32_t cseq, uint64_t now);
/*
 * The final response to the SUBSCRIBE (after the caller's digest
 * retries), or NULL when it timed out or the transport failed.  A 2xx
 * sets the expiry from its Expires; 423 asks again with Min-Expires;
 * a refresh answered 481 (or 404, 405, 410, 416, 480-485, 489, 501,
 * 604: 4.1.2.2) starts a new subscription; 489 and other 4xx and 6xx
 * to a new one end it; 5xx and timeouts retry with backoff (Retry-After
 * when given).
 */
void		sip_sub_response(struct sip_sub *s, const struct sip_msg *resp,
		    uint64_t now);
/*
 * A NOTIFY m arrived.  Returns the status to answer it with: 200 when
 * it was taken (a STATE action when the state changed, then a NOTIFY
 * action; for terminated the NOTIFY, then what follows), 481 when it is no
 * subscription of s (another dialog, a fork, after the end), 489 for
 * another event, 400 without a usable Subscription-State or Event, 500
 * for a CSeq out of order.  The caller sends that response.
 */
int		sip_sub_notify(struct sip_sub *s, const struct sip_msg *m,
		    uint64_t now);
/*
 * Refresh now, within the dialog, when there is one and no SUBSCRIBE
 * is out (RFC 3680 5.2: a gap in document versions asks for a refresh,
 * which brings the full state).  0 when nothing was queued.
 */
int		sip_sub_refresh(struct sip_sub *s, uint64_t now);
/* Run the timers due at now. */
void		sip_sub_timer(struct sip_sub *s, uint64_t now);
/* The next instant sip_sub_timer() must run, 0 for none. */
uint64_t	sip_sub_deadline(const struct sip_sub *s);
/*
 * Unsubscribe (4.1.2.3): within a dialog, a SEND with Expires: 0, and
 * the end comes with the final NOTIFY, a failed answer or Timer N;
 * without one, the end at once.
 */
void		sip_sub_stop(struct sip_sub *s, uint64_t now);
/* The next action into *a: 1, or 0 when there is none. */
int		sip_sub_action(struct sip_sub *s, struct sip_sub_action *a);
/* A static name for st: "init", "notify_wait", "pending"... */
const char	*sip_sub_state_name(enum sip_sub_state st);
/* Free what s holds; a zeroed s is fine. */
void		sip_sub_release(struct sip_sub *s);

#endif
