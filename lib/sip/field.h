/*
 * field.h - the small typed header fields of RFC 3261 20 and friends:
 * Call-ID, CSeq, Max-Forwards, Content-Length, Expires, Content-Type,
 * Event and Subscription-State (RFC 6665), token lists (Allow, Supported,
 * Require), RSeq and RAck (RFC 3262), Retry-After and Date.
 *
 * Each function parses one header value (as sip_msg gives it, LWS and
 * folds included) on demand; sip_msg_parse() never calls them.  All are
 * zero-copy.  They return SIP_OK, or SIP_E_PARSE with pe->off (from the
 * value's start) and a static reason naming the fault; pe may be NULL.
 */
#ifndef SIPBOX_FIELD_H
#define SIPBOX_FIELD_H

#include <stdint.h>
#include <string.h>

#include "err.h"
#include "method.h"
#include "msg.h"
#include "param.h"
#include "slice.h"

#define SIP_MAX_DELTA	4294967295u	/* delta-seconds: RFC 3261 20.19 */

struct sip_cseq {
	uint32_t	 num;		/* at most SIP_MAX_CSEQ (2^31 - 1) */
	struct slice	 method;
	enum sip_method	 mid;
};

struct sip_ctype {
	struct slice		 type, subtype;
	struct sip_params	 params;	/* charset, boundary, ... */
};

struct sip_event {
	struct slice		 package;	/* "presence", "dialog.winfo" */
	struct slice		 id;		/* ;id=, or empty */
	struct sip_params	 params;
};

struct sip_substate {
	struct slice		 state;		/* active, pending... */
	struct slice		 reason;	/* ;reason=, or empty */
	uint32_t		 expires;	/* if has_expires */
	uint32_t		 retry_after;	/* if has_retry */
	unsigned char		 has_expires, has_retry;
	struct sip_params	 params;
};

struct sip_rack {
	uint32_t	 rseq;
	uint32_t	 cseq;
	struct slice	 method;
};

struct sip_retry_after {
	uint32_t		 secs;
	struct slice		 comment;	/* "(...)" or empty */
	struct sip_params	 params;	/* duration and others */
};

/* RFC 1123 date as RFC 3261 20.17 restricts it: always GMT. */
struct sip_date {
	int	 wday;		/* 0 Sun .. 6 Sat */
	int	 mday, mon, year;	/* mon 0 .. 11 */
	int	 hour, min, sec;
};

/* callid = word [ "@" word ] (RFC 3261 25.1). */
enum sip_err	sip_field_callid(struct slice v, struct sip_perr *pe);

/*
 * The method word of m's CSeq as written, without checking the number
 * (what a reader of captures wants from a response); empty when absent.
 */
struct slice	sip_field_cseq_method(const struct sip_msg *m);
/* The number of m's CSeq as written, unchecked; empty when absent. */
struct slice	sip_field_cseq_num(const struct sip_msg *m);

/*
 * The value of header parameter name (lower case) in one value of From,
 * To, Contact, Route or Via: a tag, a branch, expires.  The parameters
 * are those after the '>' of a name-addr, or after the URI (or sent-by)
 * of the bare form, where RFC 3261 20 makes them the header's.  Quoted
 * display names and quoted parameter values are stepped over whole.
 * Given a whole header line, it reads its first value (a ',' ends it), so
 * the top Via's branch needs no split.  This reads only what it needs and
 * checks nothing else, for readers of many messages; sip_addr_parse() and sip_via_parse() check the whole
 * value.  A parameter without a value gives an empty slice at its end;
 * an absent one SLICE_NULL (p == NULL).  name is a token in lower case;
 * the parameter's name matches it in any case.
 */
struct slice	sip_field_hparam_n(struct slice v, const char *name,
		    size_t namelen);
/*
 * The same with a name of up to 8 bytes also given as a word (its bytes
 * from the lowest up) and fold, the 0x20 bit of each of its letters:
 * compared eight bytes at once.  sip_field_hparam_word() makes both.
 */
struct slice	sip_field_hparam_w(struct slice v, const char *name,
		    size_t namelen, uint64_t word, uint64_t fold);

static inline void
sip_field_hparam_word(const char *name, size_t n, uint64_t *word,
    uint64_t *fold)
{
	size_t i;

	*word = *fold = 0;
	/* unrolled, so that a literal's word is a constant */
#pragma GCC unroll 8
	for (i = 0; i < n && n <= 8; i++) {
		*word |= (uint64_t)(unsigned char)name[i] << (8 * i);
		if ((unsigned char)(name[i] - 'a') < 26)
			*fold |= (uint64_t)0x20 << (8 * i);
	}
}

/* For a name written as a literal: its length and word are folded. */
static inline struct slice
sip_field_hparam(struct slice v, const char *name)
{
	size_t n = strlen(name);
	uint64_t w, f;

	if (n > 8)
		return sip_field_hparam_n(v, name, n);
	sip_field_hparam_word(name, n, &w, &f);
	return sip_field_hparam_w(v, name, n, w, f);
}

/* CSeq = 1*DIGIT LWS Method; the number must be below 2^31. */
enum sip_err	sip_field_cseq(struct sip_cseq *c, struct slice v,
		    struct sip_perr *pe);

/*
 * A decimal value with optional LWS around it, at most max
 * (Max-Forwards: 255, Content-Length, Expires, RSeq: SIP_MAX_DELTA).
 * too_big is the reason used when the number exceeds max.
 */
enum sip_err	sip_field_number(struct slice v, uint32_t max, uint32_t *out,
		    const char *too_big, struct sip_perr *pe);

/* Content-Type = m-type SLASH m-subtype *(SEMI m-parameter). */
enum sip_err	sip_field_ctype(struct sip_ctype *ct, struct slice v,
		    struct sip_perr *pe);

/* Event = event-type *( SEMI event-param ) (RFC 6665 8.4). */
enum sip_err	sip_field_event(struct sip_event *ev, struct slice v,
		    struct sip_perr *pe);

/* Subscription-State = substate-value *( SEMI subexp-params ). */
enum sip_err	sip_field_substate(struct sip_substate *ss, struct slice v,
		    struct sip_perr *pe);

/*
 * A comma list of tokens (Allow, Supported, Require, Proxy-Require,
 * Unsupported): up to max tokens into out[], their number in *n.  An
 * empty list is fine (Supported may be empty); an empty element is
 * not.  SIP_E_TOOBIG when more than max.
 */
enum sip_err	sip_field_tokens(struct slice v, struct slice *out,
		    unsigned max, unsigned *n, struct sip_perr *pe);

/* RAck = response-num LWS CSeq-num LWS Method (RFC 3262 7.2). */
enum sip_err	sip_field_rack(struct sip_rack *r, struct slice v,
		    struct sip_perr *pe);

/* Retry-After = delta-seconds [ comment ] *( SEMI retry-param ). */
enum sip_err	sip_field_retry_after(struct sip_retry_after *ra,
		    struct slice v, struct sip_perr *pe);

/*
 * Date = rfc1123-date: wkday "," SP 2DIGIT SP month SP 4DIGIT SP time
 * SP "GMT".
 */
enum sip_err	sip_field_date(struct sip_date *d, struct slice v,
		    struct sip_perr *pe);

#endif
