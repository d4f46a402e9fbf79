/*
 * check.h - the strict RFC 3261 validator behind `sip-parse --strict`.
 *
 * sip_check_msg() walks a message sip_msg_parse() accepted and reports
 * every grammar violation it finds (RFC 3261 7, 8.1.1, 20 and 25, RFC
 * 4475's torture cases, RFC 5118 for IPv6) as a finding: a byte offset
 * within the message (from m->buf), a static reason and a level.  The
 * parser stays lenient and fast; this is where the typed parsers of
 * uri.c, addr.c, via.c, field.c and authhdr.c are run over every header
 * they know.  Nothing is printed or allocated: findings go into the
 * caller's array, and those that do not fit are only counted.
 */
#ifndef SIPBOX_CHECK_H
#define SIPBOX_CHECK_H

#include <stddef.h>

#include "addr.h"
#include "authhdr.h"
#include "msg.h"
#include "uri.h"

enum sip_check_level {
	SIP_CHECK_ERROR = 0,	/* RFC 3261 does not allow it: invalid */
	SIP_CHECK_WARN		/* tolerated (RFC 5118, RFC 2543 peers) */
};

struct sip_finding {
	size_t			 off;	/* from m->buf */
	const char		*why;	/* static string */
	enum sip_check_level	 level;
};

/*
 * What the check parsed that its caller acts on next (sip-serve's
 * registrar), so that nothing is parsed twice: with c->keep set,
 * sip_check_msg() leaves here the Request-URI, the first To value, and
 * the first SIP_CHECK_KEEP Contact and Authorization values, each with
 * the slice it parsed (into m->buf) and the parser's verdict.  Valid
 * while m is; the next sip_check_msg() on c starts it afresh.
 */
#define SIP_CHECK_KEEP	4

struct sip_check_addr {
	struct slice		 s;		/* what was parsed */
	enum sip_err		 e;		/* sip_addr_parse()'s result */
	struct sip_addr		 a;
};

struct sip_check_auth {
	struct slice		 s;
	enum sip_err		 e;		/* sip_auth_parse()'s result */
	struct sip_auth		 a;
};

struct sip_check_keep {
	struct slice		 ruri_s;	/* SLICE_NULL: not parsed */
	enum sip_err		 ruri_e;
	struct sip_uri		 ruri;
	struct sip_check_addr	 to;		/* to.s empty: no To parsed */
	struct sip_check_addr	 contact[SIP_CHECK_KEEP];
	struct sip_check_auth	 auth[SIP_CHECK_KEEP];	/* Authorization */
	unsigned		 ncontact, nauth;
};

struct sip_check {
	struct sip_check_keep	*keep;		/* NULL: keep nothing */
	struct sip_finding	*v;		/* caller's array */
	unsigned		 max;		/* its size */
	unsigned		 n;		/* findings stored */
	unsigned		 nerrors;	/* errors, stored or not */
	unsigned		 nwarnings;
	unsigned		 dropped;	/* findings that did not fit */
};

/* Prepare c to collect up to max findings into v (caller-owned). */
void		sip_check_init(struct sip_check *c, struct sip_finding *v,
		    unsigned max);

/*
 * Check m and append its findings to c, in message order.  Returns the
 * number of errors this message added (0: valid, perhaps with warnings).
 */
unsigned	sip_check_msg(struct sip_check *c, const struct sip_msg *m);

/*
 * The kept parse of exactly s (the same bytes of the same message: a To
 * or Contact value, an Authorization header's value), or NULL when k
 * holds none and the caller parses s itself.
 */
const struct sip_check_addr *sip_check_kept_addr(
		    const struct sip_check_keep *k, struct slice s);
const struct sip_check_auth *sip_check_kept_auth(
		    const struct sip_check_keep *k, struct slice s);

#endif
