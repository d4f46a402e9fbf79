/*
 * authhdr.h - WWW-Authenticate, Proxy-Authenticate, Authorization and
 * Proxy-Authorization values (RFC 3261 25.1, RFC 7616, RFC 8760):
 *   challenge / credentials = auth-scheme LWS auth-param *(COMMA auth-param)
 *
 * Every auth-param is kept, quoted or token; the well-known Digest ones
 * are also found by name.  Values are slices without their quotes and
 * with quoted-pairs as written (sip_param_unquote() resolves them).
 * Parsing only: computing and checking responses is digest.c's job.
 * Zero-copy; nothing is allocated.
 */
#ifndef SIPBOX_AUTHHDR_H
#define SIPBOX_AUTHHDR_H

#include "err.h"
#include "msg.h"
#include "param.h"
#include "slice.h"

struct sip_auth {
	struct slice		 scheme;	/* "Digest", or any token */
	/* RFC 7616 / 8760 parameters; empty slices when absent */
	struct slice		 realm, nonce, opaque, algorithm, qop, stale,
				 domain, username, uri, response, cnonce, nc,
				 userhash;
	struct sip_params	 params;	/* every auth-param, in order */
};

/*
 * Parse one challenge or credentials value s into a.  SIP_OK, SIP_E_PARSE
 * with pe->off from s.p and a static reason, or SIP_E_TOOBIG for more
 * than SIP_MAX_HDR_PARAMS parameters.  The slices in a borrow from s.
 * pe may be NULL.
 */
enum sip_err	sip_auth_parse(struct sip_auth *a, struct slice s,
		    struct sip_perr *pe);

/* The parameter named name (case-insensitive), or NULL. */
const struct sip_param	*sip_auth_param(const struct sip_auth *a,
			    const char *name);

#endif
