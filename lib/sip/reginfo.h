/*
 * reginfo.h - application/reginfo+xml, the body of the reg event
 * package's NOTIFYs (RFC 3680 5): the document's version and state (full
 * or partial), its registrations (aor, id, state) and their contacts
 * (id, state, event, expires, retry-after, duration-registered, q,
 * callid, cseq, uri, display-name, unknown-param), and the subscriber's
 * view that partial documents are merged into (5.2).
 *
 * The parser is hand-written for this one schema: elements, attributes,
 * comments, processing instructions and CDATA, XML namespaces resolved
 * (elements of other namespaces are skipped whole, as 5.1 asks), no
 * DOCTYPE (so no entity expansion), bounded in depth and counts.  It is
 * zero-copy: values are slices into the caller's buffer with their
 * entity references (&amp;, &#38;) still in place, which
 * sip_reginfo_unescape() resolves.  The view owns copies.  An error
 * names the byte offset and the fault.
 */
#ifndef SIPBOX_REGINFO_H
#define SIPBOX_REGINFO_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "msg.h"
#include "slice.h"

#define SIP_REGINFO_NS		"urn:ietf:params:xml:ns:reginfo"
#define SIP_REGINFO_MAXREGS	16	/* registration elements in a document */
#define SIP_REGINFO_MAXCONTACTS	128	/* contact elements in a document */
#define SIP_REGINFO_MAXPARAMS	8	/* unknown-param elements per contact */
#define SIP_REGINFO_MAXDEPTH	16	/* element nesting */
#define SIP_REGINFO_MAXVIEW	1024	/* contacts the view keeps */

enum sip_reginfo_rstate {	/* registration state */
	SIP_REGINFO_INIT,
	SIP_REGINFO_ACTIVE,
	SIP_REGINFO_TERMINATED
};

#define SIP_REGINFO_EVENTS(X)						\
	X(REGISTERED, "registered")	X(CREATED, "created")		\
	X(REFRESHED, "refreshed")	X(SHORTENED, "shortened")	\
	X(EXPIRED, "expired")		X(DEACTIVATED, "deactivated")	\
	X(PROBATION, "probation")	X(UNREGISTERED, "unregistered")	\
	X(REJECTED, "rejected")

enum sip_reginfo_event {
#define X(id, name)	SIP_REGINFO_EV_##id,
	SIP_REGINFO_EVENTS(X)
#undef X
	SIP_REGINFO_EV_COUNT
};

/* Optional attributes present in a contact. */
#define SIP_REGINFO_HAS_EXPIRES		0x01
#define SIP_REGINFO_HAS_RETRY		0x02
#define SIP_REGINFO_HAS_DURATION	0x04
#define SIP_REGINFO_HAS_CSEQ		0x08

struct sip_reginfo_param {
	struct slice	 name, value;	/* value empty for a flag */
};

struct sip_reginfo_contact {
	struct slice		 id, uri, display, q, callid;
	int			 active;	/* state="active", else terminated */
	enum sip_reginfo_event	 event;
	unsigned		 has;		/* SIP_REGINFO_HAS_* */
	uint64_t		 expires, retry_after, duration, cseq;
	struct sip_reginfo_param param[SIP_REGINFO_MAXPARAMS];
	unsigned		 nparam;
	size_t			 off;		/* of its element in the document */
};

struct sip_reginfo_reg {
	struct slice		 aor, id;
	enum sip_reginfo_rstate	 state;
	unsigned		 first, n;	/* its contacts in doc->contact */
};

struct sip_reginfo {
	uint32_t			 version;
	int				 full;	/* state="full", else partial */
	struct sip_reginfo_reg		 reg[SIP_REGINFO_MAXREGS];
	unsigned			 nreg;
	struct sip_reginfo_contact	 contact[SIP_REGINFO_MAXCONTACTS];
	unsigned			 ncontact;
};

/*
 * Parse the document buf/len into *ri (slices into buf).  SIP_OK,
 * SIP_E_PARSE for XML that is not well-formed or a reginfo that breaks
 * the schema (a missing required attribute, an unknown state), or
 * SIP_E_TOOBIG past a limit above; pe->off is the byte offset in buf
 * and pe->why says what.  pe may be NULL.
 */
enum sip_err	sip_reginfo_parse(struct sip_reginfo *ri, const char *buf,
		    size_t len, struct sip_perr *pe);

/*
 * Append v with its predefined and character entity references resolved
 * to out (UTF-8).  SIP_E_PARSE for an unknown or malformed reference.
 */
enum sip_err	sip_reginfo_unescape(struct slice v, struct buf *out);

/* The names: "registered"..., "init"/"active"/"terminated". */
const char	*sip_reginfo_event_name(enum sip_reginfo_event e);
const char	*sip_reginfo_rstate_name(enum sip_reginfo_rstate s);

/* A contact as the view keeps it: its own copies, entities resolved. */
struct sip_reginfo_vcontact {
	char			*reg_id, *aor;	/* its registration's */
	char			*id, *uri, *display, *q, *callid;
	int			 active;
	enum sip_reginfo_event	 event;
	unsigned		 has;
	uint64_t		 expires, retry_after, duration, cseq;
	int			 seen;		/* in the document being merged */
};

/*
 * The subscriber's tables of 5.2: every contact of every registration,
 * and the version last processed.  Zero it before use; one view per
 * subscription (versions are scoped to it: reset on a new one).
 */
struct sip_reginfo_view {
	struct sip_reginfo_vcontact	*c;
	unsigned			 n, cap;
	uint32_t			 version;
	int				 have_version;
};

/* What merging one document changed. */
enum sip_reginfo_change_kind {
	SIP_REGINFO_NEW,	/* a contact not in the view */
	SIP_REGINFO_CHANGED,	/* its state, CSeq, Call-ID, URI or event
				 * (to another than registered) differ */
	SIP_REGINFO_GONE	/* absent from a full document: flushed */
};

struct sip_reginfo_change {
	enum sip_reginfo_change_kind	 kind;
	const struct sip_reginfo_vcontact *c;	/* in the view (GONE: a copy
						 * valid until the next merge) */
};

/* What sip_reginfo_merge() did with the document's version. */
enum sip_reginfo_order {
	SIP_REGINFO_IN_ORDER,	/* the first, one higher than the last, or
				 * a full one with the last one's version */
	SIP_REGINFO_GAP,	/* more than one higher: processed; 5.2 asks
				 * for a refresh to get the full state */
	SIP_REGINFO_STALE	/* not higher: discarded */
};

/*
 * Merge ri into v (RFC 3680 5.2): a full document replaces the tables,
 * a partial one updates them by registration and contact id;
 * terminated contacts stay (unreported when named again) until a full
 * document leaves them out; those of the view's first document are not
 * reported at all (the state as it was, not a change).  Up to max changes
 * into ch (NULL for none), their number in *nch; they point into v and
 * stay valid until the next merge.  *order says how the version
 * compared.  SIP_E_TOOBIG past SIP_REGINFO_MAXVIEW contacts,
 * SIP_E_NOMEM, SIP_E_PARSE for a value whose entities do not resolve.
 */
enum sip_err	sip_reginfo_merge(struct sip_reginfo_view *v,
		    const struct sip_reginfo *ri, struct sip_reginfo_change *ch,
		    unsigned max, unsigned *nch, enum sip_reginfo_order *order);

/*
 * The builder's registration: its aor and id, its state, and its
 * contacts c[0..n) (in the view's form: each needs id and uri; reg_id
 * and aor are not read, seen neither).
 */
struct sip_reginfo_breg {
	const char				*aor, *id;
	enum sip_reginfo_rstate			 state;
	const struct sip_reginfo_vcontact	*c;
	unsigned				 n;
};

/*
 * Append a reginfo document (5.1) to b: version, full or partial, and
 * r[0..nreg), with the attributes each contact's has flags and non-NULL
 * strings name; text is escaped so that sip_reginfo_parse() and
 * sip_reginfo_unescape() give it back.  SIP_E_INVAL for a contact
 * without id or uri, a registration without aor or id, or a control
 * character XML cannot carry; SIP_E_TOOBIG past b's maximum.
 */
enum sip_err	sip_reginfo_build(struct buf *b, uint32_t version, int full,
		    const struct sip_reginfo_breg *r, unsigned nreg);

/* Free what v holds; a zeroed view is fine and v may be used again. */
void		sip_reginfo_view_free(struct sip_reginfo_view *v);

#endif
