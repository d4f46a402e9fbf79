/*
 * param.h - the generic ";name=value" parameter list of header values
 * (RFC 3261 25.1: generic-param = token [ EQUAL gen-value ], gen-value =
 * token / host / quoted-string), shared by addr, via, field and others.
 *
 * Zero-copy: names and values are slices into the caller's buffer.  LWS
 * (also folded CRLF SP) is allowed around ';' and '='.  A quoted value is
 * handed out without its quotes and with its backslash escapes still in
 * place; sip_param_unquote() resolves them into a buf.  URI parameters
 * have a different grammar and live in uri.c.
 */
#ifndef SIPBOX_PARAM_H
#define SIPBOX_PARAM_H

#include "bounds.h"
#include "buf.h"
#include "err.h"
#include "msg.h"
#include "slice.h"

struct sip_param {
	struct slice	 name;
	struct slice	 value;		/* without quotes; empty without '=' */
	unsigned char	 has_value;	/* an '=' was present */
	unsigned char	 quoted;	/* value was a quoted-string */
};

struct sip_params {
	struct sip_param v[SIP_MAX_HDR_PARAMS];
	unsigned	 n;
};

/* SP, HTAB, CR, LF: linear white space as it appears in a header value. */
static inline int
sip_param_is_lws(char c)
{
	return slice_is_lws_byte(c);
}

/*
 * Length of the quoted-string at the start of s (s.p[0] must be '"'),
 * closing quote included; 0 when it is not terminated within s.
 */
size_t		sip_param_quoted_len(struct slice s);

/*
 * Take the next parameter from *rest, which must be empty, all LWS, or
 * start (after LWS) with ';'.  Returns 1 with *p filled and *rest after
 * it, 0 at the end, and -1 on a syntax error with *why a static reason
 * and rest->p at the offending byte.
 */
int		sip_param_next(struct slice *rest, struct sip_param *p,
		    const char **why);

/*
 * Parse every parameter of s (as sip_param_next) into ps.  SIP_OK,
 * SIP_E_PARSE (pe->off relative to s.p) or SIP_E_TOOBIG (more than
 * SIP_MAX_HDR_PARAMS).  pe may be NULL.
 */
enum sip_err	sip_param_parse(struct sip_params *ps, struct slice s,
		    struct sip_perr *pe);
/*
 * The same, one parameter at a time through sip_param_next() always:
 * sip_param_parse() reads plain parameters (";tag=a1;lr") in a faster
 * pass of its own, and the fuzz target checks the two agree.
 */
enum sip_err	sip_param_parse_each(struct sip_params *ps, struct slice s,
		    struct sip_perr *pe);

/* The parameter named name (ASCII case-insensitive), or NULL. */
const struct sip_param	*sip_param_find(const struct sip_params *ps,
			    const char *name);

/*
 * Append the content of quoted-string value v (without its quotes) to out
 * with quoted-pairs resolved.  The caller owns out.
 */
enum sip_err	sip_param_unquote(struct slice v, struct buf *out);

#endif
