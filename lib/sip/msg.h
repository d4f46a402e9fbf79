/*
 * msg.h - the SIP message parser: start line, headers and body, zero-copy.
 *
 * sip_msg_parse() reads at most len bytes of buf (no NUL needed), fills a
 * caller-provided struct sip_msg with slices into buf and allocates
 * nothing.  Slices stay valid while buf does.  Typed access to header
 * values (Via, From, CSeq, ...) lives in the files for those concerns and
 * parses on demand from the slices here.
 *
 * Three outcomes, as in picohttpparser: SIP_OK (m->len is the number of
 * bytes the message used), SIP_E_PARTIAL (stream mode: read more, call
 * again), SIP_E_PARSE or SIP_E_TOOBIG (malformed, with pe filled).
 */
#ifndef SIPBOX_MSG_H
#define SIPBOX_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "hdr.h"
#include "bounds.h"
#include "method.h"
#include "slice.h"

struct sip_hdr {
	struct slice	 name;		/* as written: "v", "VIA", "Via" */
	struct slice	 value;		/* trimmed; a folded value keeps its CRLF SP */
	uint32_t	 off;		/* byte offset of the line in the message */
	uint16_t	 id;		/* enum sip_hdr_id */
};

/* Things the parser accepted but a linter should mention (m->quirks). */
#define SIP_Q_BARE_LF		0x0001	/* a line ended in LF without CR */
#define SIP_Q_FOLDED		0x0002	/* a header value was folded */
#define SIP_Q_NO_CLEN		0x0004	/* no Content-Length (datagram) */
#define SIP_Q_CLEN_SHORT	0x0008	/* body longer than Content-Length */
#define SIP_Q_WS_BEFORE_COLON	0x0010	/* "Name : value" */
#define SIP_Q_LEADING_CRLF	0x0020	/* CRLFs before the start line */
#define SIP_Q_MULTI_SP		0x0040	/* more than one SP in the start line */
#define SIP_Q_MULTI_CLEN	0x0080	/* several Content-Length values (datagram) */
#define SIP_Q_NO_END		0x0100	/* datagram ended without the empty line */
#define SIP_Q_BAD_CLEN		0x0200	/* Content-Length unusable (lenient) */

struct sip_msg {
	const char	*buf;		/* start of the message (after leading CRLFs) */
	size_t		 len;		/* bytes of buf the message used */
	int		 is_request;
	/* request line */
	struct slice	 method;
	enum sip_method	 mid;
	struct slice	 ruri;
	/* status line */
	int		 status;
	struct slice	 reason;
	struct slice	 version;	/* "SIP/2.0" */
	struct slice	 start_line;	/* without its line end */
	/* headers, in order */
	struct sip_hdr	 hdrs[SIP_MAX_HDRS];
	unsigned	 nhdrs;
	uint16_t	 first[SIP_HDR__COUNT];	/* 1 + index of first of id, 0 none */
	struct slice	 body;
	size_t		 body_off;	/* offset of the body in buf */
	long		 clen;		/* Content-Length value, -1 when absent */
	unsigned	 quirks;	/* SIP_Q_* */
	size_t		 skipped;	/* leading CRLF bytes skipped before buf */
	int		 plain_start;	/* start line plainly known (see below) */
};

/* Where and why a parse failed: byte offset from the start of the input. */
struct sip_perr {
	size_t		 off;
	const char	*why;		/* static string */
};

/* Note where and why in *pe (pe may be NULL) and return e. */
static inline enum sip_err
sip_perr_set(struct sip_perr *pe, size_t off, const char *why, enum sip_err e)
{
	if (pe != NULL) {
		pe->off = off;
		pe->why = why;
	}
	return e;
}

/* The parsers' way out: malformed input, or a limit exceeded, at o. */
#define SIP_PERR_FAIL(pe, o, w)		\
	return sip_perr_set((pe), (o), (w), SIP_E_PARSE)
#define SIP_PERR_TOOBIG(pe, o, w)	\
	return sip_perr_set((pe), (o), (w), SIP_E_TOOBIG)

/* Parse flags. */
#define SIP_PARSE_STREAM	0x01	/* a byte stream: Content-Length frames it */
#define SIP_PARSE_STRICT	0x02	/* reject what RFC 3261 does not allow */
/*
 * A datagram frames the message: a Content-Length that is not a number
 * or is larger than the body is ignored (SIP_Q_BAD_CLEN), the body is
 * the rest, so that a capture can still show the message, flagged.
 */
#define SIP_PARSE_LENIENT	0x04

/*
 * Parse one message at the start of buf.  Leading CRLFs (keep-alives) are
 * skipped and counted in m->skipped; m->len then counts from m->buf, so a
 * stream consumer advances by m->skipped + m->len.  Without
 * SIP_PARSE_STREAM (a datagram, a file) a missing Content-Length means the
 * body is the rest of the input; with it, a missing Content-Length is
 * SIP_E_PARSE.
 */
enum sip_err	sip_msg_parse(struct sip_msg *m, const char *buf, size_t len,
		    unsigned flags, struct sip_perr *pe);

/* The first header with id, or NULL.  (Inline: every field read asks.) */
static inline const struct sip_hdr *
sip_msg_hdr(const struct sip_msg *m, enum sip_hdr_id id)
{
	if (id <= SIP_HDR_OTHER || id >= SIP_HDR__COUNT || m->first[id] == 0)
		return NULL;
	return &m->hdrs[m->first[id] - 1];
}
/* The next header with the same id after h (h points into m->hdrs), or NULL. */
const struct sip_hdr	*sip_msg_hdr_next(const struct sip_msg *m,
			    const struct sip_hdr *h);
/* The first header named name (any case, long or compact form), or NULL. */
const struct sip_hdr	*sip_msg_hdr_byname(const struct sip_msg *m,
			    struct slice name);
/* The value of the first header with id, or an empty slice. */
static inline struct slice
sip_msg_value(const struct sip_msg *m, enum sip_hdr_id id)
{
	const struct sip_hdr *h = sip_msg_hdr(m, id);

	return h != NULL ? h->value : SLICE_NULL;
}

/*
 * Walk every value of every header with id, splitting comma lists outside
 * quotes and angle brackets (RFC 3261 7.3.1).  Start with *it = 0.
 * Returns 1 with *val trimmed, 0 at the end.
 */
struct sip_hdr_iter {
	const struct sip_hdr	*h;
	struct slice		 rest;
	int			 started;
};
int	sip_msg_values(const struct sip_msg *m, enum sip_hdr_id id,
	    struct sip_hdr_iter *it, struct slice *val);

/*
 * Junk before a start line: the first line of buf (after any CRLFs) is
 * not a start line as it stands - it does not start with "SIP/2.0 " or a
 * method sipbox knows - but a start line with a known method, or a
 * status line, begins inside it ("DBREGISTER sip:b SIP/2.0", "\0\0SIP/2.0
 * 200 OK").  Returns the offset of that start line from buf, 0 when
 * there is no such junk (an extension method with no known method at its
 * end stays a method).  At most SIP_MAX_JUNK bytes are junk; *from is set
 * to where they begin (after the CRLFs).
 * Captures and message files use this one rule, so the same bytes read
 * the same from both.
 */
size_t		sip_msg_junk(const char *buf, size_t len, size_t *from);
/*
 * Does buf start (after any CRLFs) with a whole start line of the kind
 * sip_msg_junk() looks for: a status line, or a method sipbox knows and
 * a line that ends in the version?  Where one message ends and the next
 * begins in bytes that may hold junk.
 */
int		sip_msg_known_start(const char *buf, size_t len);
/*
 * Is the start line m was parsed from (SIP_OK) plainly one that
 * sip_msg_known_start() takes as it stands: "SIP/2.0 NNN " or a method
 * sipbox knows, one SP, and a line ending in " SIP/2.0"?  Then
 * sip_msg_junk() on the same bytes is 0, and a reader that parsed first
 * need not ask it.  0 says nothing: ask sip_msg_junk().
 */
int		sip_msg_starts_known_slow(const struct sip_msg *m);
/* (The parser notes the usual start lines as it reads them.) */
static inline int
sip_msg_starts_known(const struct sip_msg *m)
{
	return m->plain_start || sip_msg_starts_known_slow(m);
}

/*
 * A message file whose line ends were turned into LF after it was
 * written, its Content-Length still counting CRLF: the body length b at
 * which b and the bare LFs among the body's first b bytes add up to
 * m->clen.  m was parsed (SIP_OK, or SIP_E_PARTIAL waiting for its body)
 * and avail bytes follow its head.  -1 when its lines end in CRLF, the
 * body has no bare LF (nothing was converted), or b would pass avail.
 */
long		sip_msg_lf_body(const struct sip_msg *m, size_t avail);

/* Line number (1-based) of byte offset off within the message m. */
unsigned	sip_msg_line_of(const char *buf, size_t len, size_t off, unsigned *col);

#endif
