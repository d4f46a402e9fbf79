/*
 * hdrjson.c - typed header values as JSON.
 */
#include <stdio.h>

#include "addr.h"
#include "authhdr.h"
#include "field.h"
#include "hdrjson.h"
#include "via.h"

static void
params(struct json *j, const char *key, const struct sip_param *v,
    unsigned n)
{
	json_key(j, key);
	json_obj(j);
	for (unsigned i = 0; i < n; i++) {
		char name[128];

		slice_copy(v[i].name, name, sizeof name);
		json_key(j, name);
		if (v[i].has_value)
			json_slice(j, v[i].value);
		else
			json_bool(j, 1);
	}
	json_end(j);
}

static void
uri(struct json *j, const struct sip_uri *u)
{
	static const char *const schemes[] = { "other", "sip", "sips", "tel" };

	json_obj(j);
	json_kstr(j, "scheme", schemes[u->scheme]);
	if (u->scheme == SIP_URI_TEL) {
		json_kslice(j, "number", u->number);
		json_kbool(j, "global", u->global);
	} else if (u->scheme == SIP_URI_OTHER) {
		json_kslice(j, "opaque", u->opaque);
	} else {
		if (u->has_user)
			json_kslice(j, "user", u->user);
		json_kslice(j, "host", u->host);
		if (u->has_port)
			json_kint(j, "port", u->port);
	}
	params(j, "params", u->params, u->nparams);
	if (u->nheaders)
		params(j, "headers", u->headers, u->nheaders);
	json_end(j);
}

static int
addr(struct json *j, struct slice v, struct sip_perr *pe)
{
	struct sip_addr a;

	if (sip_addr_parse(&a, v, pe) != SIP_OK)
		return -1;
	json_obj(j);
	if (a.star) {
		json_kbool(j, "star", 1);
		json_end(j);
		return 0;
	}
	if (a.display.len)
		json_kslice(j, "display", a.display);
	json_key(j, "uri");
	uri(j, &a.uri);
	if (a.tag.len)
		json_kslice(j, "tag", a.tag);
	if (a.expires.len)
		json_kslice(j, "expires", a.expires);
	if (a.q.len)
		json_kslice(j, "q", a.q);
	params(j, "params", a.params.v, a.params.n);
	json_end(j);
	return 0;
}

static int
via(struct json *j, struct slice v, struct sip_perr *pe)
{
	struct sip_via x;

	if (sip_via_parse(&x, v, pe) != SIP_OK)
		return -1;
	json_obj(j);
	json_kslice(j, "transport", x.transport);
	json_kslice(j, "host", x.host);
	if (x.has_port)
		json_kint(j, "port", x.port);
	if (x.branch.len)
		json_kslice(j, "branch", x.branch);
	if (x.received.len)
		json_kslice(j, "received", x.received);
	if (x.has_rport) {
		json_key(j, "rport");
		if (x.rport.len)
			json_slice(j, x.rport);
		else
			json_bool(j, 1);
	}
	if (x.maddr.len)
		json_kslice(j, "maddr", x.maddr);
	if (x.ttl.len)
		json_kslice(j, "ttl", x.ttl);
	params(j, "params", x.params.v, x.params.n);
	json_end(j);
	return 0;
}

/* A comma list of items, each written by fn, as an array. */
static int
list(struct json *j, struct slice v, struct sip_perr *pe,
    int (*fn)(struct json *, struct slice, struct sip_perr *))
{
	struct slice rest = v, item;
	struct buf save;
	struct json tmp;
	int rc = 0;

	/* written to a scratch buffer first: an error must leave no half array */
	buf_init(&save, 0);
	json_init(&tmp, &save);
	json_arr(&tmp);
	while (slice_split(&rest, ',', &item))
		if (fn(&tmp, slice_trim(item), pe) != 0) {
			rc = -1;
			break;
		}
	json_end(&tmp);
	if (rc == 0) {
		json_key(j, "parsed");
		json_raw(j, save.p, save.len);
	}
	buf_free(&save);
	return rc;
}

void
sip_json_hdr(struct json *j, const struct sip_hdr *h)
{
	struct sip_perr pe = { 0, NULL };
	struct slice v = h->value;
	int bad = 0;

	switch (h->id) {
	case SIP_HDR_VIA:
		bad = list(j, v, &pe, via);
		break;
	case SIP_HDR_CONTACT: case SIP_HDR_ROUTE: case SIP_HDR_RECORD_ROUTE:
	case SIP_HDR_PATH: case SIP_HDR_P_ASSERTED_IDENTITY:
		bad = list(j, v, &pe, addr);
		break;
	case SIP_HDR_FROM: case SIP_HDR_TO: case SIP_HDR_REPLY_TO:
	case SIP_HDR_REFER_TO: case SIP_HDR_REFERRED_BY:
	case SIP_HDR_P_PREFERRED_IDENTITY: {
		struct buf b;
		struct json t;

		buf_init(&b, 0);
		json_init(&t, &b);
		bad = addr(&t, v, &pe);
		if (!bad) {
			json_key(j, "parsed");
			json_raw(j, b.p, b.len);
		}
		buf_free(&b);
		break;
	}
	case SIP_HDR_CSEQ: {
		struct sip_cseq c;

		if ((bad = sip_field_cseq(&c, v, &pe) != SIP_OK))
			break;
		json_key(j, "parsed");
		json_obj(j);
		json_kint(j, "num", c.num);
		json_kslice(j, "method", c.method);
		json_end(j);
		break;
	}
	case SIP_HDR_MAX_FORWARDS: case SIP_HDR_CONTENT_LENGTH:
	case SIP_HDR_EXPIRES: case SIP_HDR_MIN_EXPIRES: case SIP_HDR_RSEQ: {
		uint32_t n;

		if ((bad = sip_field_number(v, h->id == SIP_HDR_MAX_FORWARDS ?
		    255 : SIP_MAX_DELTA, &n, NULL, &pe) != SIP_OK))
			break;
		json_key(j, "parsed");
		json_int(j, n);
		break;
	}
	case SIP_HDR_CONTENT_TYPE: {
		struct sip_ctype ct;

		if ((bad = sip_field_ctype(&ct, v, &pe) != SIP_OK))
			break;
		json_key(j, "parsed");
		json_obj(j);
		json_kslice(j, "type", ct.type);
		json_kslice(j, "subtype", ct.subtype);
		params(j, "params", ct.params.v, ct.params.n);
		json_end(j);
		break;
	}
	case SIP_HDR_WWW_AUTHENTICATE: case SIP_HDR_PROXY_AUTHENTICATE:
	case SIP_HDR_AUTHORIZATION: case SIP_HDR_PROXY_AUTHORIZATION: {
		struct sip_auth a;

		if ((bad = sip_auth_parse(&a, v, &pe) != SIP_OK))
			break;
		json_key(j, "parsed");
		json_obj(j);
		json_kslice(j, "scheme", a.scheme);
		params(j, "params", a.params.v, a.params.n);
		json_end(j);
		break;
	}
	case SIP_HDR_EVENT: {
		struct sip_event ev;

		if ((bad = sip_field_event(&ev, v, &pe) != SIP_OK))
			break;
		json_key(j, "parsed");
		json_obj(j);
		json_kslice(j, "package", ev.package);
		if (ev.id.len)
			json_kslice(j, "id", ev.id);
		params(j, "params", ev.params.v, ev.params.n);
		json_end(j);
		break;
	}
	case SIP_HDR_SUBSCRIPTION_STATE: {
		struct sip_substate ss;

		if ((bad = sip_field_substate(&ss, v, &pe) != SIP_OK))
			break;
		json_key(j, "parsed");
		json_obj(j);
		json_kslice(j, "state", ss.state);
		if (ss.reason.len)
			json_kslice(j, "reason", ss.reason);
		if (ss.has_expires)
			json_kint(j, "expires", ss.expires);
		if (ss.has_retry)
			json_kint(j, "retry_after", ss.retry_after);
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
		json_key(j, "parsed");
		json_arr(j);
		for (unsigned i = 0; i < n; i++)
			json_slice(j, t[i]);
		json_end(j);
		break;
	}
	case SIP_HDR_RACK: {
		struct sip_rack r;

		if ((bad = sip_field_rack(&r, v, &pe) != SIP_OK))
			break;
		json_key(j, "parsed");
		json_obj(j);
		json_kint(j, "rseq", r.rseq);
		json_kint(j, "cseq", r.cseq);
		json_kslice(j, "method", r.method);
		json_end(j);
		break;
	}
	case SIP_HDR_RETRY_AFTER: {
		struct sip_retry_after ra;

		if ((bad = sip_field_retry_after(&ra, v, &pe) != SIP_OK))
			break;
		json_key(j, "parsed");
		json_obj(j);
		json_kint(j, "seconds", ra.secs);
		if (ra.comment.len)
			json_kslice(j, "comment", ra.comment);
		params(j, "params", ra.params.v, ra.params.n);
		json_end(j);
		break;
	}
	default:
		return;
	}
	if (bad)
		json_kstr(j, "error", pe.why ? pe.why : "malformed value");
}
