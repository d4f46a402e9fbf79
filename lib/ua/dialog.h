/*
 * dialog.h - RFC 3261 section 12 dialog state: Call-ID, local and remote
 * tags and URIs, CSeq numbers, the route set and the remote target, and
 * requests within a dialog (12.2.1.1), for both the UAC (12.1.2) and the
 * UAS (12.1.1) side.
 *
 * A dialog outlives the messages that create it, so it owns copies of
 * every string it keeps (12.2: "owning copies of what outlives the
 * message"); sip_dialog_free() releases them.  It does no I/O: building a
 * request writes into the caller's buf, and the caller sends it (through
 * a transaction).  Session state (offer/answer) is not its business.
 */
#ifndef SIPBOX_DIALOG_H
#define SIPBOX_DIALOG_H

#include <stdint.h>

#include "buf.h"
#include "build.h"
#include "err.h"
#include "msg.h"
#include "resolve.h"

enum sip_dialog_state {
	SIP_DIALOG_EARLY,	/* from a 1xx with a To tag */
	SIP_DIALOG_CONFIRMED	/* from a 2xx (or a UAS's 2xx) */
};

struct sip_dialog {
	enum sip_dialog_state	 state;
	int			 uac;		/* we sent the creating request */
	int			 secure;	/* sips Request-URI (12.1.1) */
	char			*call_id;
	char			*local_tag, *remote_tag;
	char			*local_uri;	/* From (UAC) / To (UAS), no tag */
	char			*remote_uri;
	char			*remote_target;	/* Contact URI of the peer */
	char			**route;	/* name-addr values, in use order */
	unsigned		 nroute;
	uint32_t		 local_cseq;
	uint32_t		 remote_cseq;
	int			 has_remote_cseq;
};

/*
 * UAC: a dialog from the request req we sent and the response resp (a
 * 1xx with a To tag: early; a 2xx: confirmed).  Route set from resp's
 * Record-Route reversed, remote target from resp's Contact (12.1.2).
 * *out is a new dialog the caller frees with sip_dialog_free().
 * SIP_E_INVAL when resp cannot create a dialog (no To tag, not 1xx/2xx),
 * SIP_E_PARSE for a malformed header, SIP_E_TOOBIG for more than
 * SIP_MAX_ROUTE_SET routes, SIP_E_NOMEM.
 */
enum sip_err	sip_dialog_new_uac(struct sip_dialog **out,
		    const struct sip_msg *req, const struct sip_msg *resp);

/*
 * UAS: a dialog from the request req we received, answered with a
 * response carrying To tag local_tag (copied).  Route set from req's
 * Record-Route in order, remote target from its Contact (12.1.1).
 * confirmed says whether the response is a 2xx.  Errors as above.
 */
enum sip_err	sip_dialog_new_uas(struct sip_dialog **out,
		    const struct sip_msg *req, const char *local_tag,
		    int confirmed);

/*
 * UAC: a later response in the dialog.  A 2xx confirms an early dialog
 * and recomputes its route set (13.2.2.4); any 1xx/2xx with a Contact
 * refreshes the remote target (12.2.1.2).
 */
enum sip_err	sip_dialog_update(struct sip_dialog *d,
		    const struct sip_msg *resp);

/*
 * Whether message m belongs to d: same Call-ID and tags, seen from our
 * side (a request's From tag is the remote tag, a response's the local).
 */
int		sip_dialog_match(const struct sip_dialog *d,
		    const struct sip_msg *m);

/*
 * UAS side of 12.2.2: take the CSeq of request req within d.  SIP_OK
 * (and a target refresh from its Contact for INVITE, UPDATE, and RFC
 * 6665's SUBSCRIBE and NOTIFY), or
 * SIP_E_STATE when the number is lower than the last one (answer 500).
 * ACK and CANCEL carry the number of the request they belong to and are
 * not checked.
 */
enum sip_err	sip_dialog_take_request(struct sip_dialog *d,
		    const struct sip_msg *req);

/*
 * Build a request within d into b (12.2.1.1): method, Request-URI and
 * Route from the remote target and route set (strict routing when the
 * first route has no lr), From/To with the tags, the Call-ID, and the
 * next local CSeq (ACK and CANCEL reuse the current one).  p supplies
 * the rest (Via, Contact, headers, body); its method, ruri, from, to,
 * tags, call_id, cseq and routes are ignored.  The caller owns b.
 */
enum sip_err	sip_dialog_request(struct sip_dialog *d, struct buf *b,
		    const char *method, const struct sip_req_params *p);

/*
 * Where a request within d goes first (12.2.1.1, 8.1.2): the URI of the
 * first route (strict or loose alike), or the remote target when the
 * route set is empty, as RFC 3263 wants it in *q: its maddr or host
 * (copied into host, n bytes), port, ;transport= and sips.  The caller
 * resolves q (family, tps are zeroed).  SIP_E_PARSE when that URI is no
 * sip: or sips: URI with a host, SIP_E_TOOBIG when the host does not fit.
 */
enum sip_err	sip_dialog_next_hop(const struct sip_dialog *d,
		    struct sip_resolve_req *q, char *host, size_t n);

/* Free d and every copy it holds; NULL is fine. */
void		sip_dialog_free(struct sip_dialog *d);

/*
 * Dialog sets (RFC 3261 12.1.2, 13.2.2.4): the dialogs one INVITE we sent
 * makes when proxies fork it, one per To tag.  The ACK of a 2xx that
 * brings the offer (the INVITE had none) carries the answer (RFC 3264).  An early dialog comes from
 * a 1xx with a To tag; the first 2xx confirms its dialog and is the call;
 * a 2xx from any other fork is ACKed and that dialog ended with a BYE.
 * Each fork keeps the ACK of its 2xx, so a retransmitted 2xx (after the
 * INVITE transaction ended: RFC 6026 Accepted) gets the same ACK again.
 * A set sends nothing and reads no clock: it says what to send.
 */
#define SIP_DIALOG_MAXFORK	16

struct sip_dialog_fork {
	struct sip_dialog	*d;
	struct buf		 ack;		/* the ACK of its 2xx, once built */
};

struct sip_dialog_set {
	/*
	 * The caller's, set before sip_dialog_set_start(): Via, Contact,
	 * User-Agent and header lines (credentials too: 22.1) for the ACKs
	 * and BYEs; the strings and p itself outlive the set.
	 */
	const struct sip_req_params *p;
	void			*user;
	/*
	 * The caller's, optional: when the INVITE had no body and a 2xx
	 * brings an SDP offer, its ACK carries the answer (RFC 3264 4,
	 * RFC 3261 13.2.2.4): this one (answer_type NULL: application/sdp),
	 * else one lib/sdp builds that declines each offered stream (port
	 * 0).  Outlives the set.
	 */
	const char		*answer;
	size_t			 answer_len;
	const char		*answer_type;
	/* the library's */
	struct buf		 inv;		/* the INVITE as last sent */
	int			 offered;	/* it carried a body: the offer */
	struct slice		 call_id, local_tag;	/* in inv */
	struct sip_dialog_fork	 fork[SIP_DIALOG_MAXFORK];
	unsigned		 nfork;
	int			 winner;	/* fork of the first 2xx, -1 */
	uint32_t		 hash;		/* the table's */
	struct sip_dialog_set	*next;
	int			 listed;
};

/* What to do about one response to the set's INVITE. */
struct sip_dialog_out {
	struct sip_dialog	*d;	/* its fork's dialog; NULL: none made */
	const char		*ack;	/* send this ACK (ack_len bytes) for a 2xx */
	size_t			 ack_len;
	int			 first;	/* the set's first 2xx: the call is up */
	int			 again;	/* a 2xx this fork had sent before */
	int			 bye;	/* a 2xx from an extra fork: end d with BYE */
	unsigned		 fork;	/* its index in the set's fork[] */
};

/* Zero s; s->p and s->user are set after this. */
void		sip_dialog_set_init(struct sip_dialog_set *s);
/*
 * The INVITE inv/len (copied) was sent: forks of an earlier INVITE of
 * the set (before a digest retry) are dropped.  SIP_E_PARSE when inv has
 * no Call-ID or From tag.  A listed set must be taken off its table
 * first (its key may change).
 */
enum sip_err	sip_dialog_set_start(struct sip_dialog_set *s, const char *inv,
		    size_t len);
/*
 * A response resp to the set's INVITE (a 1xx or 2xx with a To tag; other
 * responses make nothing).  *out says what to do; ack points into the
 * set and stays valid until the set is started again or freed.
 * SIP_E_TOOBIG when a new fork does not fit, other errors as for
 * sip_dialog_new_uac().
 */
enum sip_err	sip_dialog_set_response(struct sip_dialog_set *s,
		    const struct sip_msg *resp, struct sip_dialog_out *out);
/* The confirmed dialog of the first 2xx (the set keeps it), or NULL. */
struct sip_dialog	*sip_dialog_set_call(const struct sip_dialog_set *s);
/* Free what s holds (off its table first); s may be started again. */
void		sip_dialog_set_free(struct sip_dialog_set *s);

/*
 * A table of dialog sets by Call-ID and local tag, for what comes
 * without a transaction: a 2xx retransmitted after the INVITE
 * transaction ended, a request within a dialog.  Zero it before use.
 */
struct sip_dialog_table {
	struct sip_dialog_set	**bucket;
	unsigned		 nbucket;	/* a power of two, 0 before use */
	unsigned		 n;
};

/* Add started set s (not copied; s stays put while listed). */
enum sip_err	sip_dialog_table_add(struct sip_dialog_table *t,
		    struct sip_dialog_set *s);
/* Take s off t; a set not listed is fine. */
void		sip_dialog_table_del(struct sip_dialog_table *t,
		    struct sip_dialog_set *s);
/*
 * The set m belongs to: Call-ID and our tag (a response's From tag, a
 * request's To tag), or NULL.
 */
struct sip_dialog_set	*sip_dialog_table_find(const struct sip_dialog_table *t,
		    const struct sip_msg *m);
/* Free the table (not the sets). */
void		sip_dialog_table_free(struct sip_dialog_table *t);

#endif
