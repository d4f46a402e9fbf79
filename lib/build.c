/*
 * build.c - request and response builders.
 */
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "build.h"
#include "status.h"

static void
randhex(char *out, size_t nhex)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[32];
	size_t i;

	if (nhex > 2 * sizeof(r))
		nhex = 2 * sizeof(r);
	/*
	 * OpenSSL's DRBG: as unpredictable as getrandom() (RFC 3261 19.3
	 * wants tags that cannot be guessed) without a system call for
	 * every branch, tag and Call-ID.
	 */
	if (RAND_bytes(r, (int)((nhex + 1) / 2)) != 1) {
		/* No entropy source: still unique enough per process. */
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		for (i = 0; i < sizeof(r); i++)
			r[i] = (unsigned char)((ts.tv_nsec >> (i % 24)) ^
			    (uintptr_t)out ^ (i * 131));
	}
	for (i = 0; i < nhex; i++)
		out[i] = hex[(r[i / 2] >> ((i & 1) ? 0 : 4)) & 15];
	out[nhex] = '\0';
}

void
sip_build_branch(char out[SIP_BRANCH_SIZE])
{
	memcpy(out, "z9hG4bK", 7);
	randhex(out + 7, 20);
}

void
sip_build_tag(char out[SIP_TAG_SIZE])
{
	randhex(out, 16);
}

void
sip_build_callid(char out[SIP_CALLID_SIZE], const char *host)
{
	size_t n;

	randhex(out, 24);
	if (host != NULL && host[0] != '\0') {
		n = strlen(host);
		if (n > SIP_CALLID_SIZE - 26)
			n = SIP_CALLID_SIZE - 26;
		out[24] = '@';
		memcpy(out + 25, host, n);
		out[25 + n] = '\0';
	}
}

/* The header name of a "Name: value" line, or an empty slice. */
static struct slice
line_name(const char *line)
{
	const char *c = strchr(line, ':');
	struct slice s;

	if (c == NULL)
		return SLICE_NULL;
	s = slice_trim(slice_make(line, (size_t)(c - line)));
	return s;
}

static int
same_header(struct slice name, enum sip_hdr_id id, const char *other)
{
	enum sip_hdr_id nid = sip_hdr_lookup(name.p, name.len);

	if (id != SIP_HDR_OTHER)
		return nid == id;
	return other != NULL && slice_ieq_cstr(name, other);
}

/* The user's line overriding header id, or NULL. */
static const char *
override(const char *const *hdrs, enum sip_hdr_id id)
{
	size_t i;

	for (i = 0; hdrs != NULL && hdrs[i] != NULL; i++)
		if (same_header(line_name(hdrs[i]), id, NULL))
			return hdrs[i];
	return NULL;
}

#define TRY(x)	do { if ((e = (x)) != SIP_OK) return e; } while (0)

/* Emit "Name: value\r\n" unless the user overrides id; then theirs. */
static enum sip_err
hdr(struct buf *b, const char *const *hdrs, enum sip_hdr_id id,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum sip_err
hdr(struct buf *b, const char *const *hdrs, enum sip_hdr_id id,
    const char *fmt, ...)
{
	const char *u = override(hdrs, id);
	enum sip_err e;
	va_list ap;

	if (u != NULL) {
		TRY(buf_adds(b, u));
		return buf_adds(b, "\r\n");
	}
	TRY(buf_printf(b, "%s: ", sip_hdr_name(id)));
	va_start(ap, fmt);
	e = buf_vprintf(b, fmt, ap);
	va_end(ap);
	if (e != SIP_OK)
		return e;
	return buf_adds(b, "\r\n");
}

static int
is_builtin(struct slice name)
{
	static const enum sip_hdr_id ids[] = {
		SIP_HDR_VIA, SIP_HDR_MAX_FORWARDS, SIP_HDR_FROM, SIP_HDR_TO,
		SIP_HDR_CALL_ID, SIP_HDR_CSEQ, SIP_HDR_CONTACT,
		SIP_HDR_USER_AGENT, SIP_HDR_CONTENT_TYPE, SIP_HDR_CONTENT_LENGTH,
	};
	enum sip_hdr_id nid = sip_hdr_lookup(name.p, name.len);
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (nid == ids[i])
			return 1;
	return 0;
}

/* The user's lines that replaced nothing, then Content-Length and body. */
static enum sip_err
tail(struct buf *b, const char *const *hdrs, const char *ctype,
    const void *body, size_t blen)
{
	enum sip_err e;
	size_t i;

	for (i = 0; hdrs != NULL && hdrs[i] != NULL; i++) {
		struct slice n = line_name(hdrs[i]);

		if (is_builtin(n))
			continue;
		TRY(buf_adds(b, hdrs[i]));
		TRY(buf_adds(b, "\r\n"));
	}
	if (blen > 0 || override(hdrs, SIP_HDR_CONTENT_TYPE) != NULL ||
	    ctype != NULL) {
		if (ctype != NULL || override(hdrs, SIP_HDR_CONTENT_TYPE))
			TRY(hdr(b, hdrs, SIP_HDR_CONTENT_TYPE, "%s",
			    ctype != NULL ? ctype : "application/octet-stream"));
	}
	/* Content-Length is always the real one (RFC 3261 20.14). */
	TRY(buf_printf(b, "Content-Length: %zu\r\n\r\n", blen));
	if (blen > 0)
		TRY(buf_add(b, body, blen));
	return SIP_OK;
}

static int
headers_ok(const char *const *hdrs)
{
	size_t i;

	for (i = 0; hdrs != NULL && hdrs[i] != NULL; i++) {
		struct slice n = line_name(hdrs[i]);

		if (!slice_is_token_str(n) || strpbrk(hdrs[i], "\r\n") != NULL)
			return 0;
	}
	return 1;
}

enum sip_err
sip_build_request(struct buf *b, const struct sip_req_params *p)
{
	char branch[SIP_BRANCH_SIZE], ftag[SIP_TAG_SIZE];
	char callid[SIP_CALLID_SIZE];
	const char *cm;
	enum sip_err e;
	size_t i;

	if (p->method == NULL || p->ruri == NULL || p->via_host == NULL ||
	    p->from == NULL || p->to == NULL ||
	    !slice_is_token_str(slice_cstr(p->method)) || !headers_ok(p->headers))
		return SIP_E_INVAL;
	if (p->branch == NULL)
		sip_build_branch(branch);
	if (p->from_tag == NULL)
		sip_build_tag(ftag);
	if (p->call_id == NULL)
		sip_build_callid(callid, p->via_host);
	cm = p->cseq_method != NULL ? p->cseq_method : p->method;

	TRY(buf_printf(b, "%s %s SIP/2.0\r\n", p->method, p->ruri));
	if (p->via_port > 0)
		TRY(hdr(b, p->headers, SIP_HDR_VIA, "SIP/2.0/%s %s:%d;branch=%s%s",
		    p->transport ? p->transport : "UDP", p->via_host, p->via_port,
		    p->branch ? p->branch : branch, p->rport ? ";rport" : ""));
	else
		TRY(hdr(b, p->headers, SIP_HDR_VIA, "SIP/2.0/%s %s;branch=%s%s",
		    p->transport ? p->transport : "UDP", p->via_host,
		    p->branch ? p->branch : branch, p->rport ? ";rport" : ""));
	if (p->max_forwards >= 0)
		TRY(hdr(b, p->headers, SIP_HDR_MAX_FORWARDS, "%d",
		    p->max_forwards));
	for (i = 0; p->routes != NULL && p->routes[i] != NULL; i++)
		TRY(buf_printf(b, "Route: %s\r\n", p->routes[i]));
	TRY(hdr(b, p->headers, SIP_HDR_FROM, "%s;tag=%s", p->from,
	    p->from_tag ? p->from_tag : ftag));
	if (p->to_tag != NULL)
		TRY(hdr(b, p->headers, SIP_HDR_TO, "%s;tag=%s", p->to, p->to_tag));
	else
		TRY(hdr(b, p->headers, SIP_HDR_TO, "%s", p->to));
	TRY(hdr(b, p->headers, SIP_HDR_CALL_ID, "%s",
	    p->call_id ? p->call_id : callid));
	TRY(hdr(b, p->headers, SIP_HDR_CSEQ, "%u %s",
	    p->cseq ? p->cseq : 1, cm));
	if (p->contact != NULL || override(p->headers, SIP_HDR_CONTACT))
		TRY(hdr(b, p->headers, SIP_HDR_CONTACT, "%s",
		    p->contact ? p->contact : ""));
	if (p->user_agent != NULL || override(p->headers, SIP_HDR_USER_AGENT))
		TRY(hdr(b, p->headers, SIP_HDR_USER_AGENT, "%s",
		    p->user_agent ? p->user_agent : ""));
	return tail(b, p->headers, p->content_type, p->body, p->body_len);
}

/* Does the To value carry a tag parameter (outside the <URI>)? */
static int
has_tag(struct slice to)
{
	size_t i, start = 0;
	int inq = 0;

	/* Parameters follow the closing '>' or, in addr-spec form, the URI. */
	for (i = 0; i < to.len; i++) {
		if (to.p[i] == '"' && (i == 0 || to.p[i - 1] != '\\'))
			inq = !inq;
		else if (!inq && to.p[i] == '>')
			start = i;
	}
	for (i = start; i + 4 <= to.len; i++)
		if (to.p[i] == ';') {
			size_t j = i + 1;

			while (j < to.len && (to.p[j] == ' ' || to.p[j] == '\t'))
				j++;
			if (j + 3 <= to.len &&
			    slice_ieq(slice_make(to.p + j, 3), SLICE_LIT("tag")))
				return 1;
		}
	return 0;
}

/* Add received= and rport= to the top Via value v (RFC 3261 18.2.1, RFC 3581 4). */
static enum sip_err
top_via(struct buf *b, struct slice v, const struct sip_resp_params *p)
{
	enum sip_err e;
	struct slice rest = v, item;
	int first = 1;

	/* Rewrite ";rport" without a value; keep everything else. */
	while (slice_split(&rest, ';', &item)) {
		struct slice t = slice_trim(item);

		if (!first)
			TRY(buf_addc(b, ';'));
		if (!first && p->rport > 0 && slice_ieq_lit(t, "rport"))
			TRY(buf_printf(b, "rport=%d", p->rport));
		else if (!first && p->received != NULL &&
		    slice_ihas_prefix(t, "received="))
			continue;	/* replaced below */
		else
			TRY(buf_addslice(b, first ? item : t));
		first = 0;
	}
	if (p->received != NULL)
		TRY(buf_printf(b, ";received=%s", p->received));
	return SIP_OK;
}

enum sip_err
sip_build_response(struct buf *b, const struct sip_msg *req,
    const struct sip_resp_params *p)
{
	const struct sip_hdr *h;
	const char *reason;
	enum sip_err e;
	unsigned i;
	int first_via = 1, dialog;

	if (p->code < 100 || p->code > 699 || !req->is_request ||
	    !headers_ok(p->headers))
		return SIP_E_INVAL;
	reason = p->reason ? p->reason : sip_status_reason(p->code);
	TRY(buf_printf(b, "SIP/2.0 %d %s\r\n", p->code,
	    reason ? reason : "Unknown"));
	/* Vias in order: every value of every Via line, top one first. */
	for (i = 0; i < req->nhdrs; i++) {
		struct slice rest, v;

		h = &req->hdrs[i];
		if (h->id != SIP_HDR_VIA)
			continue;
		rest = h->value;
		while (slice_split(&rest, ',', &v)) {
			v = slice_trim(v);
			if (v.len == 0)
				continue;
			TRY(buf_adds(b, "Via: "));
			if (first_via && (p->received || p->rport > 0))
				TRY(top_via(b, v, p));
			else
				TRY(buf_addslice(b, v));
			TRY(buf_adds(b, "\r\n"));
			first_via = 0;
		}
	}
	dialog = (req->mid == SIP_METHOD_INVITE ||
	    req->mid == SIP_METHOD_SUBSCRIBE || req->mid == SIP_METHOD_REFER) &&
	    p->code < 300;
	if (dialog)
		for (i = 0; i < req->nhdrs; i++)
			if (req->hdrs[i].id == SIP_HDR_RECORD_ROUTE)
				TRY(buf_printf(b, "Record-Route: " SLICE_FMT "\r\n",
				    SLICE_ARG(req->hdrs[i].value)));
	TRY(buf_printf(b, "From: " SLICE_FMT "\r\n",
	    SLICE_ARG(sip_msg_value(req, SIP_HDR_FROM))));
	{
		struct slice to = sip_msg_value(req, SIP_HDR_TO);

		if (p->to_tag != NULL && p->code > 100 && !has_tag(to))
			TRY(buf_printf(b, "To: " SLICE_FMT ";tag=%s\r\n",
			    SLICE_ARG(to), p->to_tag));
		else
			TRY(buf_printf(b, "To: " SLICE_FMT "\r\n", SLICE_ARG(to)));
	}
	TRY(buf_printf(b, "Call-ID: " SLICE_FMT "\r\n",
	    SLICE_ARG(sip_msg_value(req, SIP_HDR_CALL_ID))));
	TRY(buf_printf(b, "CSeq: " SLICE_FMT "\r\n",
	    SLICE_ARG(sip_msg_value(req, SIP_HDR_CSEQ))));
	/* RFC 3261 8.2.6.1: a Timestamp is echoed in 100 Trying. */
	if (p->code == 100 && (h = sip_msg_hdr(req, SIP_HDR_TIMESTAMP)) != NULL)
		TRY(buf_printf(b, "Timestamp: " SLICE_FMT "\r\n",
		    SLICE_ARG(h->value)));
	if (p->contact != NULL)
		TRY(buf_printf(b, "Contact: %s\r\n", p->contact));
	return tail(b, p->headers, p->content_type, p->body, p->body_len);
}

/* Copy the first header of id as "Name: value" if present. */
static enum sip_err
copy_hdr(struct buf *b, const struct sip_msg *m, enum sip_hdr_id id)
{
	const struct sip_hdr *h;
	enum sip_err e;

	for (h = sip_msg_hdr(m, id); h != NULL; h = sip_msg_hdr_next(m, h))
		TRY(buf_printf(b, "%s: " SLICE_FMT "\r\n", sip_hdr_name(id),
		    SLICE_ARG(h->value)));
	return SIP_OK;
}

/* The top Via value of m. */
static struct slice
first_via(const struct sip_msg *m)
{
	struct slice rest = sip_msg_value(m, SIP_HDR_VIA), v = SLICE_NULL;

	if (slice_split(&rest, ',', &v))
		v = slice_trim(v);
	return v;
}

/* "<number>" of a CSeq value. */
static struct slice
cseq_num(const struct sip_msg *m)
{
	struct slice c = slice_trim(sip_msg_value(m, SIP_HDR_CSEQ));
	size_t i = 0;

	while (i < c.len && c.p[i] >= '0' && c.p[i] <= '9')
		i++;
	return slice_make(c.p, i);
}

enum sip_err
sip_build_cancel(struct buf *b, const struct sip_msg *inv)
{
	enum sip_err e;

	if (!inv->is_request || inv->mid != SIP_METHOD_INVITE)
		return SIP_E_INVAL;
	TRY(buf_printf(b, "CANCEL " SLICE_FMT " SIP/2.0\r\n",
	    SLICE_ARG(inv->ruri)));
	TRY(buf_printf(b, "Via: " SLICE_FMT "\r\n", SLICE_ARG(first_via(inv))));
	TRY(copy_hdr(b, inv, SIP_HDR_MAX_FORWARDS));
	TRY(copy_hdr(b, inv, SIP_HDR_ROUTE));
	TRY(copy_hdr(b, inv, SIP_HDR_FROM));
	TRY(copy_hdr(b, inv, SIP_HDR_TO));
	TRY(copy_hdr(b, inv, SIP_HDR_CALL_ID));
	TRY(buf_printf(b, "CSeq: " SLICE_FMT " CANCEL\r\n",
	    SLICE_ARG(cseq_num(inv))));
	return buf_adds(b, "Content-Length: 0\r\n\r\n");
}

enum sip_err
sip_build_ack(struct buf *b, const struct sip_msg *inv,
    const struct sip_msg *resp)
{
	enum sip_err e;

	if (!inv->is_request || inv->mid != SIP_METHOD_INVITE ||
	    resp->is_request)
		return SIP_E_INVAL;
	TRY(buf_printf(b, "ACK " SLICE_FMT " SIP/2.0\r\n",
	    SLICE_ARG(inv->ruri)));
	TRY(buf_printf(b, "Via: " SLICE_FMT "\r\n", SLICE_ARG(first_via(inv))));
	TRY(copy_hdr(b, inv, SIP_HDR_MAX_FORWARDS));
	TRY(copy_hdr(b, inv, SIP_HDR_ROUTE));
	TRY(copy_hdr(b, inv, SIP_HDR_FROM));
	TRY(buf_printf(b, "To: " SLICE_FMT "\r\n",
	    SLICE_ARG(sip_msg_value(resp, SIP_HDR_TO))));
	TRY(copy_hdr(b, inv, SIP_HDR_CALL_ID));
	TRY(buf_printf(b, "CSeq: " SLICE_FMT " ACK\r\n",
	    SLICE_ARG(cseq_num(inv))));
	return buf_adds(b, "Content-Length: 0\r\n\r\n");
}
