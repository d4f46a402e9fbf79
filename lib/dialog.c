/*
 * dialog.c - RFC 3261 section 12 dialogs: creation on both sides,
 * matching, CSeq rules and requests within a dialog.
 */
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "dialog.h"
#include "field.h"

/* A NUL-terminated copy of s that the dialog owns. */
static char *
dup_slice(struct slice s)
{
	char *p = malloc(s.len + 1);

	if (p == NULL)
		return NULL;
	if (s.len > 0)
		memcpy(p, s.p, s.len);
	p[s.len] = '\0';
	return p;
}

/* Replace *dst with a copy of s. */
static enum sip_err
set(char **dst, struct slice s)
{
	char *p = dup_slice(s);

	if (p == NULL)
		return SIP_E_NOMEM;
	free(*dst);
	*dst = p;
	return SIP_OK;
}

static enum sip_err
parse_addr(const struct sip_msg *m, enum sip_hdr_id id, struct sip_addr *a)
{
	struct slice v = sip_msg_value(m, id);

	if (v.len == 0)
		return SIP_E_PARSE;
	return sip_addr_parse(a, v, NULL);
}

/* "display <uri>" from a From/To value, without the tag (12.1.1). */
static enum sip_err
set_party(char **dst, const struct sip_addr *a)
{
	struct buf b;
	enum sip_err e;

	buf_init(&b, SIP_MAX_LINE);
	if (a->display.len > 0)
		e = buf_printf(&b, SLICE_FMT " <" SLICE_FMT ">",
		    SLICE_ARG(a->display), SLICE_ARG(a->uri_s));
	else
		e = buf_printf(&b, "<" SLICE_FMT ">", SLICE_ARG(a->uri_s));
	if (e == SIP_OK)
		e = set(dst, buf_slice(&b));
	buf_free(&b);
	return e;
}

/* The remote target: the URI of the first Contact, when there is one. */
static enum sip_err
set_target(struct sip_dialog *d, const struct sip_msg *m)
{
	struct sip_addr a;
	struct sip_hdr_iter it = { 0 };
	struct slice v;

	if (!sip_msg_values(m, SIP_HDR_CONTACT, &it, &v))
		return SIP_OK;
	if (sip_addr_parse(&a, v, NULL) != SIP_OK || a.star)
		return SIP_E_PARSE;
	return set(&d->remote_target, a.uri_s);
}

static void
free_routes(struct sip_dialog *d)
{
	unsigned i;

	for (i = 0; i < d->nroute; i++)
		free(d->route[i]);
	free(d->route);
	d->route = NULL;
	d->nroute = 0;
}

/* The route set from Record-Route: reversed for the UAC (12.1.2). */
static enum sip_err
set_routes(struct sip_dialog *d, const struct sip_msg *m, int reverse)
{
	struct sip_hdr_iter it = { 0 };
	struct slice v, vals[SIP_MAX_ROUTE_SET];
	unsigned n = 0, i;

	free_routes(d);
	while (sip_msg_values(m, SIP_HDR_RECORD_ROUTE, &it, &v)) {
		struct sip_addr a;

		if (n == SIP_MAX_ROUTE_SET)
			return SIP_E_TOOBIG;
		if (sip_addr_parse(&a, v, NULL) != SIP_OK)
			return SIP_E_PARSE;
		vals[n++] = slice_trim(v);
	}
	if (n == 0)
		return SIP_OK;
	if ((d->route = calloc(n, sizeof(*d->route))) == NULL)
		return SIP_E_NOMEM;
	for (i = 0; i < n; i++) {
		d->route[i] = dup_slice(vals[reverse ? n - 1 - i : i]);
		if (d->route[i] == NULL) {
			d->nroute = i;
			return SIP_E_NOMEM;
		}
	}
	d->nroute = n;
	return SIP_OK;
}

static enum sip_err
cseq_of(const struct sip_msg *m, struct sip_cseq *cs)
{
	return sip_field_cseq(cs, sip_msg_value(m, SIP_HDR_CSEQ), NULL);
}

enum sip_err
sip_dialog_new_uac(struct sip_dialog **out, const struct sip_msg *req,
    const struct sip_msg *resp)
{
	struct sip_dialog *d;
	struct sip_addr from, to;
	struct sip_cseq cs;
	enum sip_err e;

	*out = NULL;
	if (!req->is_request || resp->is_request || resp->status < 101 ||
	    resp->status > 299)
		return SIP_E_INVAL;
	if (parse_addr(req, SIP_HDR_FROM, &from) != SIP_OK ||
	    parse_addr(resp, SIP_HDR_TO, &to) != SIP_OK ||
	    cseq_of(req, &cs) != SIP_OK)
		return SIP_E_PARSE;
	if (to.tag.len == 0 || from.tag.len == 0)
		return SIP_E_INVAL;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return SIP_E_NOMEM;
	d->uac = 1;
	d->state = resp->status >= 200 ? SIP_DIALOG_CONFIRMED :
	    SIP_DIALOG_EARLY;
	d->secure = slice_ihas_prefix(req->ruri, "sips:");
	d->local_cseq = cs.num;
	if ((e = set(&d->call_id, sip_msg_value(req, SIP_HDR_CALL_ID))) ||
	    (e = set(&d->local_tag, from.tag)) ||
	    (e = set(&d->remote_tag, to.tag)) ||
	    (e = set_party(&d->local_uri, &from)) ||
	    (e = set_party(&d->remote_uri, &to)) ||
	    (e = set_target(d, resp)) ||
	    (e = set_routes(d, resp, 1)))
		goto fail;
	if (d->remote_target == NULL &&
	    (e = set(&d->remote_target, req->ruri)) != SIP_OK)
		goto fail;
	*out = d;
	return SIP_OK;
fail:
	sip_dialog_free(d);
	return e;
}

enum sip_err
sip_dialog_new_uas(struct sip_dialog **out, const struct sip_msg *req,
    const char *local_tag, int confirmed)
{
	struct sip_dialog *d;
	struct sip_addr from, to;
	struct sip_cseq cs;
	enum sip_err e;

	*out = NULL;
	if (!req->is_request || local_tag == NULL || local_tag[0] == '\0')
		return SIP_E_INVAL;
	if (parse_addr(req, SIP_HDR_FROM, &from) != SIP_OK ||
	    parse_addr(req, SIP_HDR_TO, &to) != SIP_OK ||
	    cseq_of(req, &cs) != SIP_OK)
		return SIP_E_PARSE;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return SIP_E_NOMEM;
	d->state = confirmed ? SIP_DIALOG_CONFIRMED : SIP_DIALOG_EARLY;
	d->secure = slice_ihas_prefix(req->ruri, "sips:");
	d->remote_cseq = cs.num;
	d->has_remote_cseq = 1;
	/* 12.1.1: a peer without a From tag (RFC 2543) has a null tag. */
	if ((e = set(&d->call_id, sip_msg_value(req, SIP_HDR_CALL_ID))) ||
	    (e = set(&d->local_tag, slice_cstr(local_tag))) ||
	    (e = set(&d->remote_tag, from.tag)) ||
	    (e = set_party(&d->local_uri, &to)) ||
	    (e = set_party(&d->remote_uri, &from)) ||
	    (e = set_target(d, req)) ||
	    (e = set_routes(d, req, 0)))
		goto fail;
	if (d->remote_target == NULL &&
	    (e = set(&d->remote_target, from.uri_s)) != SIP_OK)
		goto fail;
	*out = d;
	return SIP_OK;
fail:
	sip_dialog_free(d);
	return e;
}

enum sip_err
sip_dialog_update(struct sip_dialog *d, const struct sip_msg *resp)
{
	enum sip_err e;

	if (resp->is_request || resp->status < 101 || resp->status > 299)
		return SIP_OK;
	if (resp->status >= 200 && d->state == SIP_DIALOG_EARLY) {
		/* 13.2.2.4: confirmed, route set recomputed from the 2xx. */
		d->state = SIP_DIALOG_CONFIRMED;
		if (d->uac && (e = set_routes(d, resp, 1)) != SIP_OK)
			return e;
	}
	return set_target(d, resp);
}

int
sip_dialog_match(const struct sip_dialog *d, const struct sip_msg *m)
{
	struct sip_addr from, to;
	struct slice local, remote;

	if (!slice_eq_cstr(sip_msg_value(m, SIP_HDR_CALL_ID), d->call_id) ||
	    parse_addr(m, SIP_HDR_FROM, &from) != SIP_OK ||
	    parse_addr(m, SIP_HDR_TO, &to) != SIP_OK)
		return 0;
	/* A request comes from the peer; a response answers us. */
	if (m->is_request) {
		remote = from.tag;
		local = to.tag;
	} else {
		local = from.tag;
		remote = to.tag;
	}
	return slice_eq_cstr(local, d->local_tag) &&
	    slice_eq_cstr(remote, d->remote_tag);
}

enum sip_err
sip_dialog_take_request(struct sip_dialog *d, const struct sip_msg *req)
{
	struct sip_cseq cs;

	if (!req->is_request)
		return SIP_E_INVAL;
	if (req->mid == SIP_METHOD_ACK || req->mid == SIP_METHOD_CANCEL)
		return SIP_OK;
	if (cseq_of(req, &cs) != SIP_OK)
		return SIP_E_PARSE;
	/* 12.2.2: lower than the remote sequence number is out of order. */
	if (d->has_remote_cseq && cs.num < d->remote_cseq)
		return SIP_E_STATE;
	d->remote_cseq = cs.num;
	d->has_remote_cseq = 1;
	if (req->mid == SIP_METHOD_INVITE || req->mid == SIP_METHOD_UPDATE)
		return set_target(d, req);	/* target refresh */
	return SIP_OK;
}

enum sip_err
sip_dialog_request(struct sip_dialog *d, struct buf *b, const char *method,
    const struct sip_req_params *p)
{
	struct sip_req_params q = *p;
	const char *routes[SIP_MAX_ROUTE_SET + 2];
	struct buf ruri, last;
	struct sip_addr first;
	enum sip_err e;
	unsigned i, n = 0;
	int same_cseq;

	if (method == NULL || d->local_cseq >= SIP_MAX_CSEQ)
		return SIP_E_INVAL;
	same_cseq = strcmp(method, "ACK") == 0 || strcmp(method, "CANCEL") == 0;
	buf_init(&ruri, SIP_MAX_LINE);
	buf_init(&last, SIP_MAX_LINE);
	q.method = method;
	q.ruri = d->remote_target;
	q.from = d->local_uri;
	q.from_tag = d->local_tag;
	q.to = d->remote_uri;
	q.to_tag = d->remote_tag[0] != '\0' ? d->remote_tag : NULL;
	q.call_id = d->call_id;
	q.cseq_method = NULL;
	if (d->nroute > 0 && sip_addr_parse(&first, slice_cstr(d->route[0]),
	    NULL) == SIP_OK && !first.uri.lr) {
		/*
		 * 12.2.1.1: strict routing.  The first route becomes the
		 * Request-URI and the remote target goes last in Route.
		 */
		if ((e = buf_addslice(&ruri, first.uri_s)) != SIP_OK ||
		    (e = buf_printf(&last, "<%s>", d->remote_target)) != SIP_OK)
			goto out;
		q.ruri = ruri.p;
		for (i = 1; i < d->nroute; i++)
			routes[n++] = d->route[i];
		routes[n++] = last.p;
	} else {
		for (i = 0; i < d->nroute; i++)
			routes[n++] = d->route[i];
	}
	routes[n] = NULL;
	q.routes = n > 0 ? routes : NULL;
	q.cseq = same_cseq ? d->local_cseq : d->local_cseq + 1;
	if (q.cseq == 0)
		q.cseq = 1;
	if ((e = sip_build_request(b, &q)) == SIP_OK && !same_cseq)
		d->local_cseq = q.cseq;
out:
	buf_free(&ruri);
	buf_free(&last);
	return e;
}

void
sip_dialog_free(struct sip_dialog *d)
{
	if (d == NULL)
		return;
	free(d->call_id);
	free(d->local_tag);
	free(d->remote_tag);
	free(d->local_uri);
	free(d->remote_uri);
	free(d->remote_target);
	free_routes(d);
	free(d);
}
