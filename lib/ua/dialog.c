/*
 * dialog.c - RFC 3261 section 12 dialogs: creation on both sides,
 * matching, CSeq rules and requests within a dialog.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "dialog.h"
#include "field.h"
#include "sdp.h"
#include "uri.h"

/* Replace *dst with a copy of s. */
static enum sip_err
set(char **dst, struct slice s)
{
	char *p = slice_dup(s);

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
		d->route[i] = slice_dup(vals[reverse ? n - 1 - i : i]);
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
	/* target refresh requests (RFC 6665 3.2 adds SUBSCRIBE, NOTIFY) */
	if (req->mid == SIP_METHOD_INVITE || req->mid == SIP_METHOD_UPDATE ||
	    req->mid == SIP_METHOD_SUBSCRIBE || req->mid == SIP_METHOD_NOTIFY)
		return set_target(d, req);
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

enum sip_err
sip_dialog_next_hop(const struct sip_dialog *d, struct sip_resolve_req *q,
    char *host, size_t n)
{
	struct sip_addr a;
	struct sip_uri u;
	struct slice h;

	memset(q, 0, sizeof *q);
	/* 12.2.1.1: strict or loose, the first route is the next hop */
	if (d->nroute > 0) {
		if (sip_addr_parse(&a, slice_cstr(d->route[0]), NULL) != SIP_OK)
			return SIP_E_PARSE;
		u = a.uri;
	} else if (d->remote_target == NULL ||
	    sip_uri_parse(&u, slice_cstr(d->remote_target), NULL) != SIP_OK) {
		return SIP_E_PARSE;
	}
	if ((u.scheme != SIP_URI_SIP && u.scheme != SIP_URI_SIPS) ||
	    u.host.len == 0)
		return SIP_E_PARSE;
	/* RFC 3263 4: maddr, when there is one, is where it goes */
	h = u.maddr.len > 0 ? u.maddr : u.host;
	if (h.len >= n)
		return SIP_E_TOOBIG;
	memcpy(host, h.p, h.len);
	host[h.len] = '\0';
	q->host = host;
	q->port = u.has_port ? u.port : 0;
	q->tp = u.transport.len > 0 ? sip_tp_byname(u.transport.p,
	    u.transport.len) : SIP_TP_NONE;
	q->sips = u.scheme == SIP_URI_SIPS;
	return SIP_OK;
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

void
sip_dialog_set_init(struct sip_dialog_set *s)
{
	memset(s, 0, sizeof *s);
	s->winner = -1;
}

static void
drop_forks(struct sip_dialog_set *s)
{
	for (unsigned i = 0; i < s->nfork; i++) {
		sip_dialog_free(s->fork[i].d);
		s->fork[i].d = NULL;
		buf_reset(&s->fork[i].ack);
	}
	s->nfork = 0;
	s->winner = -1;
}

enum sip_err
sip_dialog_set_start(struct sip_dialog_set *s, const char *inv, size_t len)
{
	struct sip_msg m;
	enum sip_err e;

	drop_forks(s);
	if (s->inv.max == 0)
		buf_init(&s->inv, SIP_MAX_MSG);
	buf_reset(&s->inv);
	if ((e = buf_add(&s->inv, inv, len)) != SIP_OK)
		return e;
	if (sip_msg_parse(&m, s->inv.p, s->inv.len, 0, NULL) != SIP_OK ||
	    !m.is_request)
		return SIP_E_PARSE;
	s->call_id = sip_msg_value(&m, SIP_HDR_CALL_ID);
	s->offered = m.body.len > 0;
	s->local_tag = sip_field_hparam(sip_msg_value(&m, SIP_HDR_FROM), "tag");
	if (s->call_id.len == 0 || s->local_tag.len == 0)
		return SIP_E_PARSE;
	return SIP_OK;
}

/* The fork with remote tag tag, or -1. */
static int
find_fork(const struct sip_dialog_set *s, struct slice tag)
{
	for (unsigned i = 0; i < s->nfork; i++)
		if (slice_eq_cstr(tag, s->fork[i].d->remote_tag))
			return (int)i;
	return -1;
}

/*
 * Room for a new fork: a free slot, else one of an early dialog that
 * never answered with a 2xx (a fork that did must keep its ACK).
 */
static int
new_fork(struct sip_dialog_set *s)
{
	if (s->nfork < SIP_DIALOG_MAXFORK)
		return (int)s->nfork++;
	for (unsigned i = 0; i < s->nfork; i++)
		if (s->fork[i].d->state == SIP_DIALOG_EARLY) {
			sip_dialog_free(s->fork[i].d);
			s->fork[i].d = NULL;
			return (int)i;
		}
	return -1;
}

static uint32_t	key_hash(struct slice call_id, struct slice tag);

/*
 * RFC 3264 4, RFC 3261 13.2.2.4: a 2xx with an SDP offer (the INVITE had
 * no body) is answered in the ACK: the caller's answer, else one that
 * declines each offered stream.  Nothing is written for another 2xx.
 */
static enum sip_err
ack_answer(struct sip_dialog_set *s, const struct sip_msg *resp,
    const char *host, struct buf *b, struct sip_req_params *q)
{
	struct sdp_local l;
	char addr[SIP_NET_HOST_MAX];
	size_t n = strlen(host);
	enum sip_err e;

	if (s->offered || resp->body.len == 0 || !slice_ihas_prefix(slice_trim(
	    sip_msg_value(resp, SIP_HDR_CONTENT_TYPE)), "application/sdp"))
		return SIP_OK;
	if (s->answer != NULL) {
		q->body = s->answer;
		q->body_len = s->answer_len;
		q->content_type = s->answer_type != NULL ? s->answer_type :
		    "application/sdp";
		return SIP_OK;
	}
	/* c= and o= want an IPv6 address without the URI's brackets */
	if (n >= 2 && host[0] == '[' && n - 2 < sizeof addr)
		snprintf(addr, sizeof addr, "%.*s", (int)(n - 2), host + 1);
	else
		snprintf(addr, sizeof addr, "%s", host);
	memset(&l, 0, sizeof l);
	l.sess_id = key_hash(s->call_id, s->local_tag);	/* no clock here */
	l.sess_version = 1;
	l.addr = addr;
	buf_init(b, SIP_MAX_BODY);
	if ((e = sdp_build_nomedia(b, resp->body.p, resp->body.len, &l)) !=
	    SIP_OK)
		return e == SIP_E_PARSE ? SIP_OK : e;	/* no answer to give */
	q->body = b->p;
	q->body_len = b->len;
	q->content_type = "application/sdp";
	return SIP_OK;
}

/* 13.2.2.4: the ACK of fork f's 2xx, built once, within its dialog. */
static enum sip_err
build_ack(struct sip_dialog_set *s, struct sip_dialog_fork *f,
    const struct sip_msg *resp)
{
	struct sip_req_params q;
	struct buf ans = { 0 };
	enum sip_err e;

	memset(&q, 0, sizeof q);
	if (s->p != NULL)
		q = *s->p;
	q.branch = NULL;	/* the ACK of a 2xx is a transaction of its own */
	q.body = NULL;
	q.body_len = 0;
	q.content_type = NULL;
	q.gen = 0;
	if (q.via_host == NULL)
		return SIP_E_INVAL;
	if ((e = ack_answer(s, resp, q.via_host, &ans, &q)) != SIP_OK)
		return e;
	if (f->ack.max == 0)
		buf_init(&f->ack, SIP_MAX_MSG);
	buf_reset(&f->ack);
	e = sip_dialog_request(f->d, &f->ack, "ACK", &q);
	buf_free(&ans);
	return e;
}

enum sip_err
sip_dialog_set_response(struct sip_dialog_set *s, const struct sip_msg *resp,
    struct sip_dialog_out *out)
{
	struct sip_dialog_fork *f;
	struct slice tag;
	struct sip_msg inv;
	enum sip_err e;
	int i;

	memset(out, 0, sizeof *out);
	if (resp->is_request || resp->status < 101 || resp->status > 299)
		return SIP_OK;
	tag = sip_field_hparam(sip_msg_value(resp, SIP_HDR_TO), "tag");
	if (tag.len == 0)
		return SIP_OK;	/* no dialog without a To tag (12.1.2) */
	if ((i = find_fork(s, tag)) >= 0) {
		f = &s->fork[i];
		if ((e = sip_dialog_update(f->d, resp)) != SIP_OK)
			return e;
	} else {
		if ((i = new_fork(s)) < 0)
			return SIP_E_TOOBIG;
		f = &s->fork[i];
		if ((e = sip_msg_parse(&inv, s->inv.p, s->inv.len, 0,
		    NULL)) != SIP_OK ||
		    (e = sip_dialog_new_uac(&f->d, &inv, resp)) != SIP_OK) {
			/* swapped, not copied: each slot keeps its own buffer */
			struct sip_dialog_fork tmp = s->fork[--s->nfork];

			s->fork[s->nfork] = *f;
			*f = tmp;
			return e;
		}
	}
	out->d = f->d;
	out->fork = (unsigned)i;
	if (resp->status < 200)
		return SIP_OK;
	if (f->ack.len > 0) {
		out->again = 1;
	} else {
		if ((e = build_ack(s, f, resp)) != SIP_OK)
			return e;
		if (s->winner < 0) {
			s->winner = i;
			out->first = 1;
		} else {
			out->bye = 1;
		}
	}
	out->ack = f->ack.p;
	out->ack_len = f->ack.len;
	return SIP_OK;
}

struct sip_dialog *
sip_dialog_set_call(const struct sip_dialog_set *s)
{
	return s->winner >= 0 ? s->fork[s->winner].d : NULL;
}

void
sip_dialog_set_free(struct sip_dialog_set *s)
{
	drop_forks(s);
	for (unsigned i = 0; i < SIP_DIALOG_MAXFORK; i++)
		buf_free(&s->fork[i].ack);
	buf_free(&s->inv);
	s->call_id = s->local_tag = slice_make(NULL, 0);
}

/* FNV-1a over Call-ID and tag. */
static uint32_t
key_hash(struct slice call_id, struct slice tag)
{
	return slice_hash(slice_hash(SLICE_HASH0, call_id), tag);
}

static enum sip_err
table_grow(struct sip_dialog_table *t)
{
	unsigned n = t->nbucket ? t->nbucket * 2 : 64;
	struct sip_dialog_set **b = calloc(n, sizeof *b);

	if (b == NULL)
		return SIP_E_NOMEM;
	for (unsigned i = 0; i < t->nbucket; i++)
		while (t->bucket[i] != NULL) {
			struct sip_dialog_set *s = t->bucket[i];

			t->bucket[i] = s->next;
			s->next = b[s->hash & (n - 1)];
			b[s->hash & (n - 1)] = s;
		}
	free(t->bucket);
	t->bucket = b;
	t->nbucket = n;
	return SIP_OK;
}

enum sip_err
sip_dialog_table_add(struct sip_dialog_table *t, struct sip_dialog_set *s)
{
	enum sip_err e;
	unsigned k;

	if (s->listed)
		return SIP_OK;
	if (s->call_id.len == 0)
		return SIP_E_INVAL;
	if (t->n >= t->nbucket && (e = table_grow(t)) != SIP_OK)
		return e;
	s->hash = key_hash(s->call_id, s->local_tag);
	k = s->hash & (t->nbucket - 1);
	s->next = t->bucket[k];
	t->bucket[k] = s;
	s->listed = 1;
	t->n++;
	return SIP_OK;
}

void
sip_dialog_table_del(struct sip_dialog_table *t, struct sip_dialog_set *s)
{
	struct sip_dialog_set **pp;

	if (!s->listed || t->nbucket == 0)
		return;
	for (pp = &t->bucket[s->hash & (t->nbucket - 1)]; *pp != NULL;
	    pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			s->next = NULL;
			s->listed = 0;
			t->n--;
			return;
		}
}

struct sip_dialog_set *
sip_dialog_table_find(const struct sip_dialog_table *t,
    const struct sip_msg *m)
{
	struct slice call_id, tag;
	struct sip_dialog_set *s;
	uint32_t h;

	if (t->n == 0)
		return NULL;
	call_id = sip_msg_value(m, SIP_HDR_CALL_ID);
	/* ours is the From tag of what answers us, the To tag of a request */
	tag = sip_field_hparam(sip_msg_value(m, m->is_request ? SIP_HDR_TO :
	    SIP_HDR_FROM), "tag");
	h = key_hash(call_id, tag);
	for (s = t->bucket[h & (t->nbucket - 1)]; s != NULL; s = s->next)
		if (s->hash == h && slice_eq(s->call_id, call_id) &&
		    slice_eq(s->local_tag, tag))
			return s;
	return NULL;
}

void
sip_dialog_table_free(struct sip_dialog_table *t)
{
	free(t->bucket);
	memset(t, 0, sizeof *t);
}
