/*
 * hdrjson.c - typed header values as JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "authhdr.h"
#include "field.h"
#include "hdr.h"
#include "hdrjson.h"
#include "via.h"

/* "params" (or "headers"): {name: value or true, ...} */
#define params(j, key, v, n)	(json_lobj(j, key), params_(j, v, n))

static void
params_(struct json *j, const struct sip_param *v, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (v[i].has_value) {
			json_skslice(j, v[i].name, v[i].value);
		} else {
			json_skey(j, v[i].name);
			json_bool(j, 1);
		}
	}
	json_end(j);
}

static void
uri(struct json *j, const struct sip_uri *u)
{
	static const char *const schemes[] = { "other", "sip", "sips", "tel" };

	json_obj(j);
	json_lstr(j, "scheme", schemes[u->scheme]);
	if (u->scheme == SIP_URI_TEL) {
		json_lslice(j, "number", u->number);
		json_kbool(j, "global", u->global);
	} else if (u->scheme == SIP_URI_OTHER) {
		json_lslice(j, "opaque", u->opaque);
	} else {
		if (u->has_user)
			json_lslice(j, "user", u->user);
		json_lslice(j, "host", u->host);
		if (u->has_port)
			json_lint(j, "port", u->port);
	}
	params(j, "params", u->params, u->nparams);
	if (u->nheaders)
		params(j, "headers", u->headers, u->nheaders);
	json_end(j);
}

/*
 * A name-addr's URI is recalled from m by its text when it was written
 * before (the same AORs come back in From, To and Contact); the
 * address around it is parsed without it.  Where anything fails, the
 * whole value is parsed again as it always was, for the reason.
 */
static int
addr(struct json *j, struct slice v, struct sip_perr *pe, struct memo *m)
{
	struct sip_addr a;
	struct json_memo jm;

	if ((m != NULL ? sip_addr_parse_lazy(&a, v, pe) :
	    sip_addr_parse(&a, v, pe)) != SIP_OK) {
		if (m != NULL)
			(void)sip_addr_parse(&a, v, pe);
		return -1;
	}
	json_obj(j);
	if (a.star) {
		json_kbool(j, "star", 1);
		json_end(j);
		return 0;
	}
	if (a.display.len)
		json_lslice(j, "display", a.display);
	json_lkey(j, "uri");
	if (!a.uri_later) {
		uri(j, &a.uri);
	} else if (!json_memo_hit(j, m, &jm, SIP_JSON_MEMO_URI, a.uri_s)) {
		if (sip_uri_parse(&a.uri, a.uri_s, pe) != SIP_OK) {
			(void)sip_addr_parse(&a, v, pe);
			return -1;	/* (the caller takes back what is written) */
		}
		uri(j, &a.uri);
		json_memo_keep(j, &jm);
	}
	if (a.tag.len)
		json_lslice(j, "tag", a.tag);
	if (a.expires.len)
		json_lslice(j, "expires", a.expires);
	if (a.q.len)
		json_lslice(j, "q", a.q);
	params(j, "params", a.params.v, a.params.n);
	json_end(j);
	return 0;
}

/*
 * A Via's sent-protocol and sent-by ("transport", "host", "port") are
 * recalled from m by their text, up to the first ';' (none of them
 * holds one): a new transaction brings a new branch, not a new host.
 * Where the parameters fail, the whole value is parsed again for the
 * reason.
 */
static int
via(struct json *j, struct slice v, struct sip_perr *pe, struct memo *m)
{
	const char *semi = v.len > 0 ? memchr(v.p, ';', v.len) : NULL;
	size_t plen = semi != NULL ? (size_t)(semi - v.p) : v.len;
	struct json_memo jm;
	struct sip_via x;

	json_obj(j);
	if (json_memo_hit(j, m, &jm, SIP_JSON_MEMO_VIA, slice_make(v.p, plen))) {
		if (sip_via_parse_params(&x, v, plen, pe) != SIP_OK) {
			(void)sip_via_parse(&x, v, pe);
			return -1;	/* (the caller takes back what is written) */
		}
	} else {
		if (sip_via_parse(&x, v, pe) != SIP_OK)
			return -1;
		json_lslice(j, "transport", x.transport);
		json_lslice(j, "host", x.host);
		if (x.has_port)
			json_lint(j, "port", x.port);
		json_memo_keep(j, &jm);
	}
	if (x.branch.len)
		json_lslice(j, "branch", x.branch);
	if (x.received.len)
		json_lslice(j, "received", x.received);
	if (x.has_rport) {
		json_lkey(j, "rport");
		if (x.rport.len)
			json_slice(j, x.rport);
		else
			json_bool(j, 1);
	}
	if (x.maddr.len)
		json_lslice(j, "maddr", x.maddr);
	if (x.ttl.len)
		json_lslice(j, "ttl", x.ttl);
	params(j, "params", x.params.v, x.params.n);
	json_end(j);
	return 0;
}

/* Where a writer was, to take back what it wrote after it. */
struct mark {
	size_t		len;
	int		depth;
	unsigned char	state;
};

static struct mark
mark(const struct json *j)
{
	struct mark m = { j->b->len, j->depth,
	    j->depth > 0 ? j->state[j->depth - 1] : 0 };

	return m;
}

/* Back to m: "parsed" of a value that broke its grammar goes out unsaid. */
static void
rewind_to(struct json *j, struct mark m)
{
	if (j->err != SIP_OK)
		return;
	j->b->len = m.len;
	if (j->b->p != NULL)
		j->b->p[m.len] = '\0';
	j->depth = m.depth;
	if (m.depth > 0)
		j->state[m.depth - 1] = m.state;
}

/* A comma list of items, each written by fn, as "parsed": [...]. */
static int
list(struct json *j, struct slice v, struct sip_perr *pe, struct memo *m,
    int (*fn)(struct json *, struct slice, struct sip_perr *, struct memo *))
{
	struct slice rest = v, item;
	struct mark mk = mark(j);

	json_larr(j, "parsed");
	while (slice_split(&rest, ',', &item))
		if (fn(j, slice_trim(item), pe, m) != 0) {
			rewind_to(j, mk);
			return -1;
		}
	json_end(j);
	return 0;
}

/* sip_json_hdr(), URIs recalled from m (may be NULL) */
static void
json_hdr(struct json *j, const struct sip_hdr *h, struct memo *m)
{
	struct sip_perr pe = { 0, NULL };
	struct slice v = h->value;
	int bad = 0;

	switch (h->id) {
	case SIP_HDR_VIA:
		bad = list(j, v, &pe, m, via);
		break;
	case SIP_HDR_CONTACT: case SIP_HDR_ROUTE: case SIP_HDR_RECORD_ROUTE:
	case SIP_HDR_PATH: case SIP_HDR_P_ASSERTED_IDENTITY:
		bad = list(j, v, &pe, m, addr);
		break;
	case SIP_HDR_FROM: case SIP_HDR_TO: case SIP_HDR_REPLY_TO:
	case SIP_HDR_REFER_TO: case SIP_HDR_REFERRED_BY:
	case SIP_HDR_P_PREFERRED_IDENTITY: {
		struct mark mk = mark(j);

		json_lkey(j, "parsed");
		if ((bad = addr(j, v, &pe, m)) != 0)
			rewind_to(j, mk);
		break;
	}
	case SIP_HDR_CSEQ: {
		struct sip_cseq c;

		if ((bad = sip_field_cseq(&c, v, &pe) != SIP_OK))
			break;
		json_lobj(j, "parsed");
		json_lint(j, "num", c.num);
		json_lslice(j, "method", c.method);
		json_end(j);
		break;
	}
	case SIP_HDR_MAX_FORWARDS: case SIP_HDR_CONTENT_LENGTH:
	case SIP_HDR_EXPIRES: case SIP_HDR_MIN_EXPIRES: case SIP_HDR_RSEQ: {
		uint32_t n;

		if ((bad = sip_field_number(v, h->id == SIP_HDR_MAX_FORWARDS ?
		    255 : SIP_MAX_DELTA, &n, NULL, &pe) != SIP_OK))
			break;
		json_lkey(j, "parsed");
		json_int(j, n);
		break;
	}
	case SIP_HDR_CONTENT_TYPE: {
		struct sip_ctype ct;

		if ((bad = sip_field_ctype(&ct, v, &pe) != SIP_OK))
			break;
		json_lobj(j, "parsed");
		json_lslice(j, "type", ct.type);
		json_lslice(j, "subtype", ct.subtype);
		params(j, "params", ct.params.v, ct.params.n);
		json_end(j);
		break;
	}
	case SIP_HDR_WWW_AUTHENTICATE: case SIP_HDR_PROXY_AUTHENTICATE:
	case SIP_HDR_AUTHORIZATION: case SIP_HDR_PROXY_AUTHORIZATION: {
		struct sip_auth a;

		if ((bad = sip_auth_parse(&a, v, &pe) != SIP_OK))
			break;
		json_lobj(j, "parsed");
		json_lslice(j, "scheme", a.scheme);
		params(j, "params", a.params.v, a.params.n);
		json_end(j);
		break;
	}
	case SIP_HDR_EVENT: {
		struct sip_event ev;

		if ((bad = sip_field_event(&ev, v, &pe) != SIP_OK))
			break;
		json_lobj(j, "parsed");
		json_lslice(j, "package", ev.package);
		if (ev.id.len)
			json_lslice(j, "id", ev.id);
		params(j, "params", ev.params.v, ev.params.n);
		json_end(j);
		break;
	}
	case SIP_HDR_SUBSCRIPTION_STATE: {
		struct sip_substate ss;

		if ((bad = sip_field_substate(&ss, v, &pe) != SIP_OK))
			break;
		json_lobj(j, "parsed");
		json_lslice(j, "state", ss.state);
		if (ss.reason.len)
			json_lslice(j, "reason", ss.reason);
		if (ss.has_expires)
			json_lint(j, "expires", ss.expires);
		if (ss.has_retry)
			json_lint(j, "retry_after", ss.retry_after);
		json_end(j);
		break;
	}
	case SIP_HDR_ALLOW: case SIP_HDR_SUPPORTED: case SIP_HDR_REQUIRE:
	case SIP_HDR_PROXY_REQUIRE: case SIP_HDR_UNSUPPORTED:
	case SIP_HDR_ALLOW_EVENTS: {
		struct slice t[64];
		unsigned n = 0;

		if ((bad = sip_field_tokens(v, t, 64, &n, &pe) != SIP_OK))
			break;
		json_larr(j, "parsed");
		for (unsigned i = 0; i < n; i++)
			json_slice(j, t[i]);
		json_end(j);
		break;
	}
	case SIP_HDR_RACK: {
		struct sip_rack r;

		if ((bad = sip_field_rack(&r, v, &pe) != SIP_OK))
			break;
		json_lobj(j, "parsed");
		json_lint(j, "rseq", r.rseq);
		json_lint(j, "cseq", r.cseq);
		json_lslice(j, "method", r.method);
		json_end(j);
		break;
	}
	case SIP_HDR_RETRY_AFTER: {
		struct sip_retry_after ra;

		if ((bad = sip_field_retry_after(&ra, v, &pe) != SIP_OK))
			break;
		json_lobj(j, "parsed");
		json_lint(j, "seconds", ra.secs);
		if (ra.comment.len)
			json_lslice(j, "comment", ra.comment);
		params(j, "params", ra.params.v, ra.params.n);
		json_end(j);
		break;
	}
	default:
		return;
	}
	if (bad)
		json_lstr(j, "error", pe.why ? pe.why : "malformed value");
}

void
sip_json_hdr(struct json *j, const struct sip_hdr *h)
{
	json_hdr(j, h, NULL);
}

/* sip_json_hdr_obj() of a header not recalled */
static __attribute__((noinline)) void
hdr_obj(struct json *j, const struct sip_hdr *h, struct memo *m,
    const struct json_memo *jm)
{
	/* "name":"Via","value": of each known name, made once */
	static char *pre[SIP_HDR__COUNT];
	static size_t pren[SIP_HDR__COUNT];
	const char *name = sip_hdr_name(h->id);

	json_obj(j);
	if (name != NULL && pre[h->id] == NULL) {
		size_t n = strlen(name) + sizeof("\"name\":\"\",\"value\":") - 1;

		/* (a name is plain ASCII: no escaping) */
		if ((pre[h->id] = malloc(n + 1)) != NULL) {
			snprintf(pre[h->id], n + 1, "\"name\":\"%s\",\"value\":",
			    name);
			pren[h->id] = n;
		}
	}
	if (name != NULL && pre[h->id] != NULL) {
		json_qkey(j, pre[h->id], pren[h->id]);
		json_slice(j, h->value);
	} else {
		json_lslice(j, "name", name != NULL ? slice_cstr(name) :
		    h->name);
		json_lslice(j, "value", h->value);
	}
	json_hdr(j, h, m);
	json_end(j);
	if (jm != NULL)
		json_memo_keep(j, jm);
}

/*
 * The length of the tag that ends a From or To, or of the branch that
 * ends a Via, when the value is one address or one Via, or of the
 * number a CSeq starts with (*first set): a new dialog or transaction
 * brings these, and the rest comes back (0: none).  Each is written as
 * it is, in "value", "parsed" and its "params", and nowhere else.
 */
static size_t
hole(const struct sip_hdr *h, int *first)
{
	*first = 0;
	switch (h->id) {
	case SIP_HDR_FROM: case SIP_HDR_TO:
		return json_hole_len(h->value, "tag");
	case SIP_HDR_VIA:
		if (memchr(h->value.p, ',', h->value.len) != NULL)
			return 0;
		return json_hole_len(h->value, "branch");
	case SIP_HDR_CSEQ:
		*first = 1;
		return sip_json_cseq_hole(h->value);
	default:
		return 0;
	}
}

size_t
sip_json_cseq_hole(struct slice v)
{
	size_t i = 0;

	if (v.len == 0 || v.p[0] == '0')
		return 0;
	while (i < v.len && i < 10 && (unsigned)(v.p[i] - '0') < 10)
		i++;
	return i > 0 && i < 10 && i < v.len && v.p[i] == ' ' ? i : 0;
}

struct hole_arg {
	const struct sip_hdr	*h;
	struct memo		*m;
};

/* hdr_obj() of another value, for json_memo_make_holes() */
static void
hdr_obj_of(struct json *j, struct slice v, const void *arg)
{
	const struct hole_arg *ha = arg;
	struct sip_hdr h = *ha->h;

	h.value = v;
	hdr_obj(j, &h, ha->m, NULL);
}

void
sip_json_hdr_obj(struct json *j, const struct sip_hdr *h, struct memo *m)
{
	struct json_memo jm, jh;
	struct slice v = h->value;
	size_t tl;
	int first;

	/* (a header of another name is recalled by its id, so not those) */
	if (json_memo_hit(j, h->id > SIP_HDR_OTHER && h->id < SIP_HDR__COUNT ?
	    m : NULL, &jm, h->id, v))
		return;
	if (m != NULL && (tl = hole(h, &first)) > 0) {
		/* a new tag, branch or number: from the template of any */
		struct hole_arg ha = { h, m };
		struct slice a = first ? slice_from(v, tl) :
		    slice_head(v, v.len - tl),
		    t = first ? slice_head(v, tl) : slice_from(v, v.len - tl);

		if (json_memo_hit_holes(j, m, &jh, h->id | JSON_MEMO_HOLES, a,
		    t)) {
			json_memo_keep(j, &jm);
			return;
		}
		hdr_obj(j, h, m, &jm);
		json_memo_make_holes(j, &jh, t, first, hdr_obj_of, &ha);
		return;
	}
	hdr_obj(j, h, m, &jm);
}
