/*
 * authhdr.c - challenge and credentials header values (RFC 3261 25.1,
 * RFC 7616 3.3 and 3.4, RFC 8760).
 */
#include <stddef.h>
#include <string.h>

#include "authhdr.h"

static void
known(struct sip_auth *a, const struct sip_param *p)
{
	static const struct {
		const char	*name;
		size_t		 len, off;
	} k[] = {
#define K(f)	{ #f, sizeof(#f) - 1, offsetof(struct sip_auth, f) }
		K(realm), K(nonce), K(opaque), K(algorithm), K(qop), K(stale),
		K(domain), K(username), K(uri), K(response), K(cnonce), K(nc),
		K(userhash),
#undef K
	};
	size_t i;

	/* lengths first: each of ten params or so goes past thirteen names */
	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (slice_ieq_n(p->name, k[i].name, k[i].len)) {
			*(struct slice *)(void *)((char *)a + k[i].off) =
			    p->value;
			return;
		}
}

enum sip_err
sip_auth_parse(struct sip_auth *a, struct slice s, struct sip_perr *pe)
{
	size_t i, j, n;
	struct sip_param *p;

	memset(a, 0, sizeof(*a));
	i = slice_skip_lws(s, 0);
	for (j = i; j < s.len && slice_is_token(s.p[j]); j++)
		;
	if (j == i)
		SIP_PERR_FAIL(pe, i, "authentication scheme is not a token");
	a->scheme = slice_make(s.p + i, j - i);
	i = slice_skip_lws(s, j);
	if (i == s.len)
		return SIP_OK;
	if (i == j)
		SIP_PERR_FAIL(pe, j,
		    "authentication scheme is not followed by a space");
	for (;;) {
		/* auth-param = token LWS "=" LWS ( token / quoted-string ) */
		for (j = i; j < s.len && slice_is_token(s.p[j]); j++)
			;
		if (j == i)
			SIP_PERR_FAIL(pe, i, i < s.len && s.p[i] == ',' ?
			    "extraneous header separators: empty auth-param" :
			    "auth-param name is not a token");
		if (a->params.n >= SIP_MAX_HDR_PARAMS) {
			if (pe != NULL) {
				pe->off = i;
				pe->why = "too many auth-params";
			}
			return SIP_E_TOOBIG;
		}
		p = &a->params.v[a->params.n];
		memset(p, 0, sizeof(*p));
		p->name = slice_make(s.p + i, j - i);
		i = slice_skip_lws(s, j);
		if (i >= s.len || s.p[i] != '=')
			SIP_PERR_FAIL(pe, i, "auth-param has no '='");
		i = slice_skip_lws(s, i + 1);
		p->has_value = 1;
		if (i < s.len && s.p[i] == '"') {
			n = sip_param_quoted_len(slice_from(s, i));
			if (n == 0)
				SIP_PERR_FAIL(pe, i,
				    "unterminated quoted string");
			p->quoted = 1;
			p->value = slice_make(s.p + i + 1, n - 2);
			i += n;
		} else {
			for (j = i; j < s.len && slice_is_token(s.p[j]); j++)
				;
			/* RFC 7235 token68 may end in '=' padding. */
			while (j < s.len && s.p[j] == '=')
				j++;
			if (j == i)
				SIP_PERR_FAIL(pe, i, "auth-param has no value");
			p->value = slice_make(s.p + i, j - i);
			i = j;
		}
		a->params.n++;
		known(a, p);
		i = slice_skip_lws(s, i);
		if (i == s.len)
			return SIP_OK;
		if (s.p[i] != ',')
			SIP_PERR_FAIL(pe, i,
			    "auth-params are not separated by ','");
		i = slice_skip_lws(s, i + 1);
	}
}

const struct sip_param *
sip_auth_param(const struct sip_auth *a, const char *name)
{
	return sip_param_find(&a->params, name);
}
