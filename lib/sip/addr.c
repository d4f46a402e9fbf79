/*
 * addr.c - name-addr / addr-spec (RFC 3261 25.1):
 *   name-addr = [ display-name ] LAQUOT addr-spec RAQUOT
 *   display-name = *(token LWS) / quoted-string
 */
#include <stddef.h>
#include <string.h>

#include "addr.h"

static enum sip_err
header_params(struct sip_addr *a, struct slice s, size_t i, struct sip_perr *pe)
{
	const struct sip_param *p;
	enum sip_err e;
	unsigned k;

	i = slice_skip_lws(s, i);
	if (i < s.len && s.p[i] != ';')
		SIP_PERR_FAIL(pe, i,
		    a->name_addr ? "junk after the closing '>'" :
		    "junk after the URI (URI with '?' or ',' must be in <>)");
	if ((e = sip_param_parse(&a->params, slice_from(s, i), pe)) != SIP_OK) {
		if (pe != NULL)
			pe->off += i;
		return e;
	}
	/* One pass, first of each name wins (as sip_param_find()). */
	for (k = a->params.n; k-- > 0;) {
		p = &a->params.v[k];
		if (slice_ieq_lit(p->name, "tag"))
			a->tag = p->value;
		else if (slice_ieq_lit(p->name, "expires"))
			a->expires = p->value;
		else if (slice_ieq_lit(p->name, "q"))
			a->q = p->value;
	}
	return SIP_OK;
}

static enum sip_err
parse_uri(struct sip_addr *a, struct slice s, size_t start, size_t end,
    struct sip_perr *pe)
{
	enum sip_err e;

	a->uri_s = slice_make(s.p + start, end - start);
	if ((e = sip_uri_parse(&a->uri, a->uri_s, pe)) != SIP_OK && pe != NULL)
		pe->off += start;
	return e;
}

static enum sip_err
addr_parse(struct sip_addr *a, struct slice s, struct sip_perr *pe, int lazy)
{
	size_t i, j, lt;
	enum sip_err e;

	/* Not memset(): the URI and parameter arrays are kilobytes. */
	memset(a, 0, offsetof(struct sip_addr, uri));
	sip_uri_init(&a->uri);
	a->params.n = 0;
	a->tag = a->expires = a->q = SLICE_NULL;
	i = slice_skip_lws(s, 0);
	if (i == s.len)
		SIP_PERR_FAIL(pe, i, "empty address");
	/* Contact: "*" (RFC 3261 20.10) */
	if (s.p[i] == '*' && slice_skip_lws(s, i + 1) == s.len) {
		a->star = 1;
		return SIP_OK;
	}
	if (s.p[i] == '"') {
		size_t n = sip_param_quoted_len(slice_from(s, i));

		if (n == 0)
			SIP_PERR_FAIL(pe, i,
			    "unterminated quoted string in display name");
		a->display = slice_make(s.p + i, n);
		a->quoted = 1;
		i = slice_skip_lws(s, i + n);
		if (i >= s.len || s.p[i] != '<')
			SIP_PERR_FAIL(pe, i,
			    "display name not followed by <URI>");
		lt = i;
	} else {
		/* Tokens and LWS up to '<' make a display name. */
		for (j = i; j < s.len && (slice_is_token(s.p[j]) ||
		    sip_param_is_lws(s.p[j])); j++)
			;
		if (j < s.len && s.p[j] == '<') {
			size_t k = j;

			while (k > i && sip_param_is_lws(s.p[k - 1]))
				k--;
			a->display = slice_make(s.p + i, k - i);
			lt = j;
		} else {
			const char *q;

			/* addr-spec; a '<' later means a bad display name. */
			q = memchr(s.p + j, '<', s.len - j);
			if (q != NULL && s.p[j] != ':')
				SIP_PERR_FAIL(pe, j,
				    "display name is not a token "
				    "(quote it)");
			/* The URI runs to ';' or LWS: RFC 3261 20. */
			for (j = i; j < s.len && s.p[j] != ';' &&
			    !sip_param_is_lws(s.p[j]); j++)
				;
			if ((e = parse_uri(a, s, i, j, pe)) != SIP_OK) {
				if (e == SIP_E_PARSE && pe != NULL &&
				    a->uri.nheaders > 0)
					pe->why = "URI with headers must be "
					    "enclosed in <> (name-addr)";
				return e;
			}
			if (a->uri.nheaders > 0)
				SIP_PERR_FAIL(pe, i,
				    "URI with headers must be enclosed "
				    "in <> (name-addr)");
			return header_params(a, s, j, pe);
		}
	}
	/* LAQUOT addr-spec RAQUOT: no white space inside the brackets. */
	a->name_addr = 1;
	i = lt + 1;
	{
		/* The first '>' or '"', whichever comes first. */
		const char *gt = memchr(s.p + i, '>', s.len - i), *dq;

		j = gt != NULL ? (size_t)(gt - s.p) : s.len;
		if ((dq = memchr(s.p + i, '"', j - i)) != NULL)
			j = (size_t)(dq - s.p);
	}
	if (j >= s.len || s.p[j] != '>')
		SIP_PERR_FAIL(pe, lt, "'<' without a closing '>'");
	if (j > i && (sip_param_is_lws(s.p[i]) || sip_param_is_lws(s.p[j - 1])))
		SIP_PERR_FAIL(pe, sip_param_is_lws(s.p[i]) ? i : j - 1,
		    "spaces in addr-spec inside <>");
	if (lazy)
		a->uri_s = slice_make(s.p + i, j - i);
	else if ((e = parse_uri(a, s, i, j, pe)) != SIP_OK)
		return e;
	a->uri_later = (unsigned char)lazy;
	return header_params(a, s, j + 1, pe);
}

enum sip_err
sip_addr_parse(struct sip_addr *a, struct slice s, struct sip_perr *pe)
{
	return addr_parse(a, s, pe, 0);
}

enum sip_err
sip_addr_parse_lazy(struct sip_addr *a, struct slice s, struct sip_perr *pe)
{
	return addr_parse(a, s, pe, 1);
}

enum sip_err
sip_addr_display(const struct sip_addr *a, struct buf *out)
{
	if (!a->quoted)
		return buf_addslice(out, a->display);
	return sip_param_unquote(slice_make(a->display.p + 1,
	    a->display.len - 2), out);
}
