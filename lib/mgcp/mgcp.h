/*
 * mgcp.h - MGCP text messages (RFC 3435 3.1-3.5, Appendix A): commands
 * and responses, zero-copy.
 *
 * A datagram carries one message or several piggy-backed ones, separated
 * by a line holding a single "." (RFC 3435 3.5.5); mgcp_next() hands them
 * out one by one, mgcp_parse() takes one apart.  Every slice points into
 * the caller's buffer.  A message whose first line is MGCP but whose rest
 * breaks the grammar is still parsed as far as it goes and flagged
 * (m->bad says why), so captures never hide it.  Nothing here prints.
 */
#ifndef SIPBOX_MGCP_H
#define SIPBOX_MGCP_H

#include <stddef.h>

#include "err.h"
#include "slice.h"

#define MGCP_PORT_GW		2427	/* gateways listen here (RFC 3435 3.5) */
#define MGCP_PORT_CA		2727	/* call agents listen here */
#define MGCP_MAX_PARAMS		64	/* parameter lines kept per message */
#define MGCP_MAX_TXID		999999999u	/* 1*9 DIGIT (RFC 3435 3.2.1.2) */

struct mgcp_param {
	struct slice	 name;		/* "C", "I", "X-Foo" (any case) */
	struct slice	 value;		/* trimmed */
};

struct mgcp_msg {
	int		 is_response;
	struct slice	 verb;		/* command: CRCX, MDCX, ... */
	int		 code;		/* response: 000-999 */
	struct slice	 txid;		/* transaction id, digits */
	struct slice	 endpoint;	/* command: local@domain */
	struct slice	 ep_local, ep_domain;
	struct slice	 version;	/* "MGCP 1.0", or with a profile
					   ("MGCP 1.0 NCS 1.0") */
	struct slice	 profile;	/* "NCS 1.0", "TGCP 1.0" or empty */
	struct slice	 package;	/* response: "/package" without '/' */
	struct slice	 comment;	/* response string */
	struct mgcp_param params[MGCP_MAX_PARAMS];
	unsigned	 nparams;
	/* Session descriptions after the empty line (a response may
	   carry two, each after an empty line). */
	struct slice	 sdp, sdp2;
	struct slice	 raw;		/* the message, as given */
	const char	*bad;		/* malformed: why (static), or NULL */
	size_t		 bad_off;	/* where in raw */
};

/*
 * Is p[0..n) the start of an MGCP message?  Its first line is a command
 * line with a known verb (RFC 3435's nine, MESG) or one of 4 letters and
 * digits, a transaction id, an endpoint name with '@' and "MGCP", or a
 * response line: three digits and a transaction id.  strict asks for a
 * known verb only (finding MGCP by content on any port).
 */
int		mgcp_looks(const char *p, size_t n, int strict);
/*
 * Junk before an MGCP command or response line, by the rule
 * sip_msg_junk() (lib/msg.h) follows for SIP: the first line of p (after
 * any CRLFs) is not one as it stands, but one begins inside it, within
 * its first SIP_MAX_JUNK bytes ("\0\0CRCX 1 aaln/1@gw MGCP 1.0"; a
 * response's code not after a digit).  Returns the offset of that line
 * from p, 0 when there is no such junk; *from: where the junk begins.
 */
size_t		mgcp_junk(const char *p, size_t n, size_t *from);
/*
 * mgcp_looks()' first test, inline for a reader that asks it of every
 * SIP message: a response code's digit first, or a verb of four bytes
 * and white space.  0 means mgcp_looks() would say 0.
 */
static inline int
mgcp_may_look(const char *p, size_t n)
{
	return n >= 8 && ((unsigned char)(p[0] - '0') < 10 || p[4] == ' ' ||
	    p[4] == '\t');
}
/*
 * The next piggy-backed message of *rest: returns 1 with *msg set (its
 * separator line left off) and *rest advanced, 0 when nothing is left.
 */
int		mgcp_next(struct slice *rest, struct slice *msg);
/*
 * An MGCP message of a text file (a message file, standard input), which
 * p[0..n) starts with (mgcp_looks()).  It ends at a line holding a
 * single "." (piggy-backing, RFC 3435 3.5.5), at a line that starts
 * another message (an MGCP command or response line with a known verb,
 * or one that other(), when given, says starts a message: SIP), or at
 * the end.  Returns its length, the empty lines before the next message
 * left off; *used is what it takes of p with its separator, and *ended
 * is 0 when it ran to the end of p (more input may belong to it).
 * Datagrams need none of this: a datagram frames its messages.
 */
size_t		mgcp_text(const char *p, size_t n,
		    int (*other)(const char *, size_t), size_t *used,
		    int *ended);
/*
 * Parse one message (from mgcp_next()).  SIP_OK: m is filled, perhaps
 * flagged (m->bad); SIP_E_PARSE: the first line is no MGCP command or
 * response line (m->bad says why).
 */
enum sip_err	mgcp_parse(struct mgcp_msg *m, const char *p, size_t n);
/* The trimmed value of the first parameter called name (any case). */
struct slice	mgcp_param(const struct mgcp_msg *m, const char *name);
struct slice	mgcp_param_n(const struct mgcp_msg *m, const char *name,
		    size_t n);
/* Is the verb one of RFC 3435's (and NCS's MESG)? */
int		mgcp_verb_known(struct slice verb);

#endif
