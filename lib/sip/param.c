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

enum sip_err
sip_param_parse(struct sip_params *ps, struct slice s, struct sip_perr *pe)
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
