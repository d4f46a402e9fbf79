/*
 * param.c - generic header parameters (RFC 3261 25.1 generic-param).
 */
#include <string.h>

#include "param.h"

/*
 * A parameter ends at the end of the value or at the next ';'.  Returns
 * 1 with *rest = s, or -1 with *rest at the offending byte and *why.
 */
static int
ended(struct slice *rest, struct slice s, const char **why, const char *bad)
{
	struct slice t = s;

	t = slice_from(t, slice_skip_lws(t, 0));
	*rest = s;
	if (t.len == 0 || t.p[0] == ';')
		return 1;
	*rest = t;
	*why = bad;
	return -1;
}

size_t
sip_param_quoted_len(struct slice s)
{
	size_t i;

	if (s.len == 0 || s.p[0] != '"')
		return 0;
	for (i = 1; i < s.len; i++) {
		if (s.p[i] == '\\') {
			/* quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F) */
			if (++i >= s.len)
				return 0;
			continue;
		}
		if (s.p[i] == '"')
			return i + 1;
	}
	return 0;
}

int
sip_param_next(struct slice *rest, struct sip_param *p, const char **why)
{
	struct slice s = *rest;
	size_t n;

	s = slice_from(s, slice_skip_lws(s, 0));
	if (s.len == 0) {
		*rest = s;
		return 0;
	}
	if (s.p[0] != ';') {
		*rest = s;
		*why = "expected ';' before a parameter";
		return -1;
	}
	s.p++;
	s.len--;
	s = slice_from(s, slice_skip_lws(s, 0));
	n = (size_t)(slice_skip_class(s.p, s.p + s.len, SLICE_C_TOKEN) - s.p);
	if (n == 0) {
		*rest = s;
		*why = (s.len == 0 || s.p[0] == ';' || s.p[0] == ',') ?
		    "extraneous header separators: empty parameter" :
		    "parameter name is not a token";
		return -1;
	}
	memset(p, 0, sizeof(*p));
	p->name = slice_make(s.p, n);
	s = slice_from(s, n);
	{
		struct slice t = s;

		t = slice_from(t, slice_skip_lws(t, 0));
		if (t.len == 0 || t.p[0] != '=')
			return ended(rest, t, why,
			    "parameter name is not a token");
		s = slice_from(t, 1);
	}
	s = slice_from(s, slice_skip_lws(s, 0));
	p->has_value = 1;
	if (s.len > 0 && s.p[0] == '"') {
		n = sip_param_quoted_len(s);
		if (n == 0) {
			*rest = s;
			*why = "unterminated quoted string";
			return -1;
		}
		p->quoted = 1;
		p->value = slice_make(s.p + 1, n - 2);
		return ended(rest, slice_from(s, n), why,
		    "junk after a quoted parameter value");
	}
	/* gen-value: token, or what a host (IPv6 reference) may add */
	n = (size_t)(slice_skip_class(s.p, s.p + s.len, SLICE_C_GENVAL) - s.p);
	if (n == 0) {
		*rest = s;
		*why = "parameter has '=' but no value";
		return -1;
	}
	p->value = slice_make(s.p, n);
	return ended(rest, slice_from(s, n), why,
	    "parameter value is not a token or quoted string");
}

/*
 * The common case of sip_param_parse(): each parameter a ';' then a
 * token, then '=' and a gen-value or nothing, with no white space and
 * no quotes (";branch=z9hG4bK1;rport", ";tag=a1").  1 with ps as the
 * general parser would fill it; 0 for anything else, which that parser
 * then reads (and says what is wrong, if anything is).
 */
static int
params_plain(struct sip_params *ps, struct slice s)
{
	const char *p = s.p, *e = s.p + s.len, *q;
	struct sip_param *v;
	unsigned n = 0;

	while (p < e) {
		if (*p != ';' || n >= SIP_MAX_HDR_PARAMS)
			return 0;
		q = slice_skip_class(++p, e, SLICE_C_TOKEN);
		if (q == p)
			return 0;
		v = &ps->v[n++];
		v->name = slice_make(p, (size_t)(q - p));
		v->quoted = 0;
		if (q < e && *q == '=') {
			p = q + 1;
			q = slice_skip_class(p, e, SLICE_C_GENVAL);
			if (q == p)
				return 0;
			v->value = slice_make(p, (size_t)(q - p));
			v->has_value = 1;
		} else {
			v->value = slice_make(NULL, 0);
			v->has_value = 0;
		}
		p = q;
	}
	ps->n = n;
	return 1;
}

enum sip_err
sip_param_parse(struct sip_params *ps, struct slice s, struct sip_perr *pe)
{
	if (params_plain(ps, s))
		return SIP_OK;
	return sip_param_parse_each(ps, s, pe);
}

enum sip_err
sip_param_parse_each(struct sip_params *ps, struct slice s,
    struct sip_perr *pe)
{
	struct slice rest = s;
	struct sip_param p;
	const char *why = NULL;
	int r;

	ps->n = 0;
	while ((r = sip_param_next(&rest, &p, &why)) == 1) {
		if (ps->n >= SIP_MAX_HDR_PARAMS) {
			if (pe != NULL) {
				pe->off = (size_t)(p.name.p - s.p);
				pe->why = "too many parameters";
			}
			return SIP_E_TOOBIG;
		}
		ps->v[ps->n++] = p;
	}
	if (r < 0) {
		if (pe != NULL) {
			pe->off = (size_t)(rest.p - s.p);
			pe->why = why;
		}
		return SIP_E_PARSE;
	}
	return SIP_OK;
}

const struct sip_param *
sip_param_find(const struct sip_params *ps, const char *name)
{
	struct slice n = slice_cstr(name);
	unsigned i;

	for (i = 0; i < ps->n; i++)
		if (slice_ieq(ps->v[i].name, n))
			return &ps->v[i];
	return NULL;
}

enum sip_err
sip_param_unquote(struct slice v, struct buf *out)
{
	enum sip_err e;
	size_t i, start = 0;

	if (v.len == 0)		/* an absent value's p may be NULL */
		return SIP_OK;
	for (i = 0; i < v.len; i++) {
		if (v.p[i] != '\\' || i + 1 >= v.len)
			continue;
		if ((e = buf_add(out, v.p + start, i - start)) != SIP_OK)
			return e;
		i++;
		start = i;
	}
	return buf_add(out, v.p + start, v.len - start);
}
