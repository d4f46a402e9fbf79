/*
 * notify.h - the notifier side of RFC 6665 (SIP-specific event
 * notification) as a state machine without I/O: one subscription, made
 * by a SUBSCRIBE (4.2.1), its dialog (the SUBSCRIBE's 200 makes it,
 * 4.2.1.1), the expiry the notifier grants, refreshes and the fetch or
 * unsubscribe of Expires: 0 (4.2.1.4), and the NOTIFYs: the full state
 * at once after every accepted SUBSCRIBE (4.2.1.2), a partial one on each
 * change, the final one with Subscription-State: terminated and its
 * reason (timeout when it lapsed or was ended by Expires: 0), and the end
 * when a NOTIFY fails for good (4.2.2: Timer F, or 404, 405, 410, 416,
 * 480-485, 489, 501, 604).
 *
 * It sends nothing and reads no clock.  Every call takes the time in
 * milliseconds; what to do comes back as actions (send a NOTIFY now,
 * the subscription is over).  The event package is the caller's: it
 * builds the bodies.  One NOTIFY is in flight at a time, so the
 * subscriber sees them in CSeq order; the bodies of changes that come
 * meanwhile wait in a queue, each with the document version it was
 * built with (n->version counts the documents of this subscription, as
 * RFC 3680 5 asks: from 0, one more each).  A change past the queue's
 * room, or any while a full state is due, asks for nothing: the full
 * state sent next says it.
 */
#ifndef SIPBOX_NOTIFY_H
#define SIPBOX_NOTIFY_H

#include <stdint.h>

#include "buf.h"
#include "build.h"
#include "dialog.h"
#include "err.h"
#include "msg.h"

#define SIP_NOTIFY_MAXACT	8
#define SIP_NOTIFY_MAXQUEUE	8	/* partial bodies waiting */

enum sip_notify_state {
	SIP_NOTIFY_INIT,	/* no subscription yet */
	SIP_NOTIFY_ACTIVE,	/* subscribed: NOTIFYs go out */
	SIP_NOTIFY_ENDING,	/* the final NOTIFY is queued or in flight */
	SIP_NOTIFY_TERMINATED	/* over: forget it */
};

enum sip_notify_act_kind {
	SIP_NOTIFY_SEND,	/* send a NOTIFY now: sip_notify_build() */
	SIP_NOTIFY_END		/* over for good (why in reason) */
};

struct sip_notify_action {
	enum sip_notify_act_kind kind;
	/*
	 * SEND: full asks the caller for a full-state body with document
	 * version `version' (a queued partial body is the machine's own);
	 * final says Subscription-State: terminated
	 */
	int			 full, final;
	uint32_t		 version;
	const char		*reason;	/* END, final SEND: static text */
};

struct sip_notify {
	/* the caller's, set by sip_notify_init() and changeable after */
	uint32_t		 dflt_expires;	/* without Expires (3761 for reg) */
	uint32_t		 min_expires;	/* 0: any; else 423 below it */
	uint32_t		 max_expires;	/* granted at most */
	/* the library's; read-only outside */
	enum sip_notify_state	 state;
	char			 package[32];	/* "reg" */
	char			 ctype[64];	/* of the bodies */
	char			 event[96];	/* the Event value, ;id= too */
	struct sip_dialog	*dialog;	/* from the SUBSCRIBE */
	uint32_t		 granted;	/* seconds, of the last SUBSCRIBE */
	uint64_t		 expire_at;	/* ms: it lapses (0 none) */
	uint32_t		 version;	/* the next document's */
	int			 busy;		/* a NOTIFY is in flight */
	int			 want_full;	/* a full state is due */
	const char		*final;		/* terminate with this reason */
	int			 final_sent;	/* ... and it went out */
	struct {
		struct buf	 body;
		uint32_t	 version;
	}			 queue[SIP_NOTIFY_MAXQUEUE];
	unsigned		 nqueue;
	/* the NOTIFY being sent: full or the queue's head, its lines */
	int			 cur_full, cur_final;
	uint32_t		 cur_version;
	char			 l_event[112], l_state[96];
	const char		*lines[4];
	unsigned		 notifies;	/* NOTIFYs sent */
	unsigned		 failed;	/* ... answered with a failure */
	const char		*why;		/* why it ended */
	struct sip_notify_action act[SIP_NOTIFY_MAXACT];
	unsigned		 nact, actpos;
};

/*
 * Prepare n for event package `package' (no ";id"), bodies of type
 * ctype, and the expiries: without an Expires header dflt, at most max,
 * and min (0 for none) below which a SUBSCRIBE is 423.  SIP_E_INVAL when
 * a string does not fit or is empty, or the numbers make no sense.
 */
enum sip_err	sip_notify_init(struct sip_notify *n, const char *package,
		    const char *ctype, uint32_t dflt, uint32_t min, uint32_t max);
/*
 * A SUBSCRIBE m arrived: the first one of n (it makes the subscription
 * and its dialog, with local_tag as our To tag: copied), or one within
 * its dialog (a refresh, Expires: 0 to end it).  Returns the status to
 * answer with: 200 (n->granted is the Expires to put in it; a SEND of
 * the full state follows, the final one for Expires: 0), 489 for
 * another event package (the caller adds Allow-Events), 423 below
 * min_expires (the caller adds Min-Expires: n->min_expires), 406 when
 * an Accept header does not take ctype, 481 for another dialog or a
 * subscription that is over, 500 for a CSeq out of order, 400 for a
 * malformed Event or Expires, 500 without memory.  The caller has
 * authenticated and authorised m before; it answers with that status.
 */
int		sip_notify_subscribe(struct sip_notify *n, const struct sip_msg *m,
		    const char *local_tag, uint64_t now);
/*
 * The state changed.  1 when n wants a partial body for it: the caller
 * builds one with document version n->version and hands it over with
 * sip_notify_queue(); 0 when it does not (not active, or a full state
 * is due, which will say it).
 */
int		sip_notify_wants(const struct sip_notify *n);
/*
 * Queue body/len (copied) as the next partial NOTIFY, built with
 * version n->version.  A SEND comes now or once the NOTIFY in flight is
 * answered.  Past SIP_NOTIFY_MAXQUEUE bodies the queue is dropped and a
 * full state is due instead.  SIP_E_STATE when sip_notify_wants() said
 * 0, SIP_E_NOMEM, SIP_E_TOOBIG for a body past SIP_MAX_BODY.
 */
enum sip_err	sip_notify_queue(struct sip_notify *n, const char *body,
		    size_t len, uint64_t now);
/*
 * Build the NOTIFY that the last SEND asked for into b, within the
 * dialog (12.2.1.1: Request-URI, Route and the next CSeq), with Event,
 * Subscription-State (active;expires=seconds left, or terminated;reason)
 * and the body: full_body/full_len for a full-state SEND, the queued
 * one else.  p gives the rest (Via, Contact, Max-Forwards; its routing
 * and dialog fields are ignored; its own header lines go after ours).
 * Called again for a failover, it builds the same NOTIFY with the next
 * CSeq.  SIP_E_STATE when no NOTIFY is in flight.
 */
enum sip_err	sip_notify_build(struct sip_notify *n, struct buf *b,
		    const struct sip_req_params *p, const char *full_body,
		    size_t full_len, uint64_t now);
/*
 * Where the NOTIFY goes first (RFC 3261 12.2.1.1, 8.1.2): the first
 * route's URI with a route set, else the remote target; a string in
 * the dialog (the name-addr's URI is the caller's to take).  NULL
 * without a dialog.
 */
const char	*sip_notify_next_hop(const struct sip_notify *n);
/*
 * The final response to the NOTIFY in flight, or NULL when it timed out
 * or the transport failed (the end, 4.2.2).  A 2xx or another failure
 * goes on with the next queued NOTIFY; after the final NOTIFY, the END.
 */
void		sip_notify_response(struct sip_notify *n,
		    const struct sip_msg *resp, uint64_t now);
/*
 * End the subscription by local policy: a final NOTIFY with
 * Subscription-State: terminated;reason=reason ("deactivated",
 * "noresource", "rejected", "giveup"...; a static string) and the full
 * state, then the END.
 */
void		sip_notify_terminate(struct sip_notify *n, const char *reason,
		    uint64_t now);
/* Run the timers due at now: the expiry (a final NOTIFY, timeout). */
void		sip_notify_timer(struct sip_notify *n, uint64_t now);
/* The next instant sip_notify_timer() must run, 0 for none. */
uint64_t	sip_notify_deadline(const struct sip_notify *n);
/* The next action into *a: 1, or 0 when there is none. */
int		sip_notify_action(struct sip_notify *n, struct sip_notify_action *a);
/* A static name for st: "init", "active", "ending", "terminated". */
const char	*sip_notify_state_name(enum sip_notify_state st);
/* Free what n holds; a zeroed n is fine. */
void		sip_notify_release(struct sip_notify *n);

#endif
