/*
 * via.c - Via header values (RFC 3261 20.42 and 25.1, RFC 3581).
 */
#include <stddef.h>
#include <string.h>

#include "via.h"

static inline int
is_hostc(char c)
{
	return (slice_token_map[(unsigned char)c] & SLICE_C_HOST) != 0;
}

/* The parameters from s.p[i] (';' or the end) on. */
static enum sip_err
via_params(struct sip_via *v, struct slice s, size_t i, struct sip_perr *pe)
{
	const struct sip_param *p;
	enum sip_err e;
	unsigned k;

	if ((e = sip_param_parse(&v->params, slice_from(s, i), pe)) != SIP_OK) {
		if (pe != NULL)
			pe->off += i;
		return e;
	}
	/* One pass, first of each name wins (as sip_param_find()). */
	for (k = v->params.n; k-- > 0;) {
		p = &v->params.v[k];
		if (slice_ieq_lit(p->name, "branch"))
			v->branch = p->value;
		else if (slice_ieq_lit(p->name, "received"))
			v->received = p->value;
		else if (slice_ieq_lit(p->name, "maddr"))
			v->maddr = p->value;
		else if (slice_ieq_lit(p->name, "ttl"))
			v->ttl = p->value;
		else if (slice_ieq_lit(p->name, "rport")) {
			v->has_rport = 1;
			v->rport = p->value;
		}
	}
	return SIP_OK;
}

enum sip_err
sip_via_parse(struct sip_via *v, struct slice s, struct sip_perr *pe)
{
	size_t i, j;

	/* Not memset(): the parameter array is kilobytes. */
	memset(v, 0, offsetof(struct sip_via, params));
	v->params.n = 0;
	/*
	 * sent-protocol = protocol-name SLASH protocol-version SLASH
	 * transport, with LWS around each SLASH (RFC 3261 25.1).
	 */
	i = slice_skip_lws(s, 0);
	j = slice_token_end(s, i);
	if (j == i)
		SIP_PERR_FAIL(pe, i, i == s.len ? "empty Via value" :
		    "Via protocol name is not a token");
	v->proto = slice_make(s.p + i, j - i);
	i = slice_skip_lws(s, j);
	if (i >= s.len || s.p[i] != '/')
		SIP_PERR_FAIL(pe, i, "Via has no '/' after the protocol name");
	i = slice_skip_lws(s, i + 1);
	j = slice_token_end(s, i);
	if (j == i)
		SIP_PERR_FAIL(pe, i, "Via has no protocol version");
	v->version = slice_make(s.p + i, j - i);
	i = slice_skip_lws(s, j);
	if (i >= s.len || s.p[i] != '/')
		SIP_PERR_FAIL(pe, i, "Via has no '/' before the transport");
	i = slice_skip_lws(s, i + 1);
	j = slice_token_end(s, i);
	if (j == i)
		SIP_PERR_FAIL(pe, i, "Via has no transport");
	v->transport = slice_make(s.p + i, j - i);
	/* LWS sent-by */
	i = slice_skip_lws(s, j);
	if (i == j)
		SIP_PERR_FAIL(pe, i, "Via has no white space before sent-by");
	if (i >= s.len)
		SIP_PERR_FAIL(pe, i, "Via has no sent-by host");
	if (s.p[i] == '[') {
		j = i + 1;
		while (j < s.len && (is_hostc(s.p[j]) || s.p[j] == ':'))
			j++;
		if (j >= s.len || s.p[j] != ']')
			SIP_PERR_FAIL(pe, j,
			    "unterminated IPv6 reference in Via");
		v->host = slice_make(s.p + i, j + 1 - i);
		v->host_type = SIP_HOST_IPV6;
		j++;
	} else {
		j = i;
		while (j < s.len && is_hostc(s.p[j]))
			j++;
		if (j == i)
			SIP_PERR_FAIL(pe, i, "Via has no sent-by host");
		v->host = slice_make(s.p + i, j - i);
		v->host_type = sip_uri_host_type(v->host);
		if (v->host_type == SIP_HOST_NONE)
			SIP_PERR_FAIL(pe, i, "invalid host name in Via");
	}
	/* [ COLON port ], COLON = SWS ":" SWS */
	i = slice_skip_lws(s, j);
	if (i < s.len && s.p[i] == ':') {
		uint32_t port;

		i = slice_skip_lws(s, i + 1);
		for (j = i; j < s.len && s.p[j] >= '0' && s.p[j] <= '9'; j++)
			;
		if (slice_to_u32(slice_make(s.p + i, j - i), 65535, &port) != 0)
			SIP_PERR_FAIL(pe, i, v->host_type == SIP_HOST_NAME &&
			    memchr(s.p + i, ':', s.len - i) != NULL ?
			    "IPv6 address in Via not enclosed in []" :
			    "invalid port in Via");
		v->port = (uint16_t)port;
		v->has_port = 1;
	}
	i = slice_skip_lws(s, j);
	if (i < s.len && s.p[i] != ';')
		SIP_PERR_FAIL(pe, i, "junk after the Via sent-by");
	return via_params(v, s, i, pe);
}

enum sip_err
sip_via_parse_params(struct sip_via *v, struct slice s, size_t i,
    struct sip_perr *pe)
{
	memset(v, 0, offsetof(struct sip_via, params));
	v->params.n = 0;
	return via_params(v, s, i, pe);
}
