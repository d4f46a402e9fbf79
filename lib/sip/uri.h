/*
 * uri.h - SIP, SIPS and tel URIs (RFC 3261 19.1 and 25.1, RFC 3966), and
 * any other absoluteURI as scheme plus opaque part.
 *
 * sip_uri_parse() is zero-copy: every field is a slice into the caller's
 * text, %-escapes are kept as written (sip_uri_unescape() decodes into a
 * buf), nothing is allocated and nothing past the slice is read.  It does
 * not resolve anything and does not know where a URI may appear: whether
 * headers are allowed (not in a Request-URI) is check.c's business.
 */
#ifndef SIPBOX_URI_H
#define SIPBOX_URI_H

#include <stdint.h>

#include "bounds.h"
#include "buf.h"
#include "err.h"
#include "msg.h"
#include "param.h"
#include "slice.h"

enum sip_uri_scheme {
	SIP_URI_OTHER = 0,	/* any other absoluteURI: see opaque */
	SIP_URI_SIP,
	SIP_URI_SIPS,
	SIP_URI_TEL
};

enum sip_uri_host {
	SIP_HOST_NONE = 0,
	SIP_HOST_NAME,
	SIP_HOST_IPV4,
	SIP_HOST_IPV6		/* host keeps its brackets: "[2001:db8::1]" */
};

struct sip_uri {
	struct slice		 all;		/* the whole URI */
	enum sip_uri_scheme	 scheme;
	struct slice		 scheme_s;	/* as written: "SIP" */
	struct slice		 opaque;	/* everything after "scheme:" */
	/* sip and sips */
	struct slice		 user;		/* escapes kept */
	struct slice		 password;
	unsigned char		 has_user;	/* an '@' was present */
	unsigned char		 has_password;
	unsigned char		 has_port;
	enum sip_uri_host	 host_type;
	struct slice		 host;
	uint16_t		 port;
	/* tel: the number, '+' included for a global number */
	struct slice		 number;
	unsigned char		 global;
	/* ;params (sip, sips, tel) with no LWS; value empty when absent */
	struct sip_param	 params[SIP_MAX_URI_PARAMS];
	unsigned		 nparams;
	/* ?headers (sip, sips): name=value pairs */
	struct sip_param	 headers[SIP_MAX_URI_HEADERS];
	unsigned		 nheaders;
	/* the well-known parameters, found while parsing (RFC 3261 19.1.1) */
	struct slice		 transport, user_param, method, ttl, maddr;
	unsigned char		 lr;
};

/*
 * Make u an empty URI (scheme SIP_URI_OTHER, no parameters or headers)
 * without clearing the parameter and header arrays, which nparams and
 * nheaders count.  sip_uri_parse() starts with it.
 */
void		sip_uri_init(struct sip_uri *u);

/*
 * Parse the URI s into u.  Returns SIP_OK, SIP_E_PARSE with pe->off (from
 * s.p) and a static pe->why, or SIP_E_TOOBIG when there are more than
 * SIP_MAX_URI_PARAMS parameters or SIP_MAX_URI_HEADERS headers.  The
 * slices in u borrow from s.  pe may be NULL.
 */
enum sip_err	sip_uri_parse(struct sip_uri *u, struct slice s,
		    struct sip_perr *pe);

/*
 * Append s with its %HH escapes decoded to out (a NUL from %00 included).
 * SIP_E_PARSE for a '%' not followed by two hex digits.  The caller owns
 * out.
 */
enum sip_err	sip_uri_unescape(struct slice s, struct buf *out);

/* Whether s has only well-formed %HH escapes. */
int		sip_uri_escapes_ok(struct slice s);

/*
 * What host h is (RFC 3261 25.1 host = hostname / IPv4address /
 * IPv6reference): SIP_HOST_NONE when it is none of them.  An IPv6
 * reference is only checked for its characters here.
 */
enum sip_uri_host	sip_uri_host_type(struct slice h);

/* The URI parameter named name (case-insensitive), or NULL. */
const struct sip_param	*sip_uri_param(const struct sip_uri *u,
			    const char *name);

/*
 * RFC 3261 19.1.4 comparison: 1 when a and b are equivalent, else 0.
 * sip and sips never match each other; user and password compare case-
 * sensitively, the rest case-insensitively, escapes of unreserved
 * characters equal the characters; a port or a transport, user, ttl,
 * method or maddr parameter present in one must be in both; other
 * parameters must match when in both; headers must all match.  Other
 * schemes compare scheme case-insensitively and the rest byte for byte.
 */
int		sip_uri_equal(const struct sip_uri *a, const struct sip_uri *b);

/*
 * Append u to out in canonical form (scheme and host in lower case,
 * escapes and parameter order as written).  The caller owns out.
 */
enum sip_err	sip_uri_format(const struct sip_uri *u, struct buf *out);

#endif
