/*
 * build.c - request and response builders.
 */
#include <string.h>

#include "bounds.h"
#include "build.h"
#include "field.h"
#include "rand.h"
#include "status.h"

enum sip_err
sip_build_branch(char out[SIP_BRANCH_SIZE])
{
	memcpy(out, "z9hG4bK", 7);
	return sip_rand_hex(out + 7, 20);
}

enum sip_err
sip_build_tag(char out[SIP_TAG_SIZE])
{
	return sip_rand_hex(out, 16);
}

enum sip_err
sip_build_callid(char out[SIP_CALLID_SIZE], const char *host)
{
	size_t n;
	enum sip_err e;

	if ((e = sip_rand_hex(out, 24)) != SIP_OK)
		return e;
	if (host != NULL && host[0] != '\0') {
		n = strlen(host);
		if (n > SIP_CALLID_SIZE - 26)
			n = SIP_CALLID_SIZE - 26;
		out[24] = '@';
		memcpy(out + 25, host, n);
		out[25 + n] = '\0';
	}
	return SIP_OK;
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

/* Append the NULL-terminated strings v. */
static enum sip_err
add_all(struct buf *b, const char *const *v)
{
	enum sip_err e;

	for (; *v != NULL; v++)
		TRY(buf_adds(b, *v));
	return SIP_OK;
}

/*
 * Emit "Name: " and the value made of the NULL-terminated pieces v,
 * unless the user's line overrides id; then theirs.  Pieces, not a
 * printf format: a request is built for every ping, and formatting was
 * most of the time it took.
 */
static enum sip_err
hdr(struct buf *b, const char *const *hdrs, enum sip_hdr_id id,
    const char *const *v)
{
	const char *u = override(hdrs, id);
	enum sip_err e;

	if (u != NULL) {
		/* an empty value removes ours, as curl -H 'Name:' does */
		if (slice_trim(slice_cstr(strchr(u, ':') + 1)).len == 0)
			return SIP_OK;
		TRY(buf_adds(b, u));
		return buf_adds(b, "\r\n");
	}
	TRY(buf_adds(b, sip_hdr_name(id)));
	TRY(buf_adds(b, ": "));
	TRY(add_all(b, v));
	return buf_adds(b, "\r\n");
}

#define PIECES(...)	((const char *const[]){ __VA_ARGS__, NULL })

/* v in decimal, in out (room for any 64-bit value); returns out. */
static const char *
dec(char out[24], unsigned long long v)
{
	char t[24];
	size_t n = 0, i;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	for (i = 0; i < n; i++)
		out[i] = t[n - 1 - i];
	out[n] = '\0';
	return out;
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
	char n[24];

	for (i = 0; hdrs != NULL && hdrs[i] != NULL; i++) {
		if (is_builtin(line_name(hdrs[i])))
			continue;
		TRY(buf_adds(b, hdrs[i]));
		TRY(buf_adds(b, "\r\n"));
	}
	if (blen > 0 || override(hdrs, SIP_HDR_CONTENT_TYPE) != NULL ||
	    ctype != NULL) {
		if (ctype != NULL || override(hdrs, SIP_HDR_CONTENT_TYPE))
			TRY(hdr(b, hdrs, SIP_HDR_CONTENT_TYPE, PIECES(
			    ctype != NULL ? ctype : "application/octet-stream")));
	}
	/* Content-Length is always the real one (RFC 3261 20.14). */
	TRY(add_all(b, PIECES("Content-Length: ", dec(n, blen), "\r\n\r\n")));
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

/*
 * Build p into b.  With mk (off[4], len[4]), note where the branch, From
 * tag, Call-ID and CSeq number went, relative to where the request
 * starts in b; an offset stays 0 where a user's line replaced ours.
 */
static enum sip_err
build_req(struct buf *b, const struct sip_req_params *p, size_t *off,
    size_t *len)
{
	char branch[SIP_BRANCH_SIZE], ftag[SIP_TAG_SIZE];
	char callid[SIP_CALLID_SIZE], num[24];
	const char *cm, *tp, *br, *rport, *ft, *ci;
	const size_t base = b->len;
	size_t i, at;
	enum sip_err e;
	const char *const *oh = NULL;	/* lines that replace ours */

	if (p->method == NULL || p->ruri == NULL || p->via_host == NULL ||
	    p->from == NULL || p->to == NULL ||
	    !slice_is_token_str(slice_cstr(p->method)) || !headers_ok(p->headers))
		return SIP_E_INVAL;
	if (p->branch == NULL)
		TRY(sip_build_branch(branch));
	if (p->from_tag == NULL)
		TRY(sip_build_tag(ftag));
	if (p->call_id == NULL)
		TRY(sip_build_callid(callid, p->via_host));
	/* usually none does: then no header of ours looks through them */
	for (i = 0; p->headers != NULL && p->headers[i] != NULL; i++)
		if (is_builtin(line_name(p->headers[i])))
			oh = p->headers;
	cm = p->cseq_method != NULL ? p->cseq_method : p->method;
	tp = p->transport ? p->transport : "UDP";
	/* Room for a usual request at once (it may still grow). */
	(void)buf_reserve(b, 1024 + p->body_len);
	br = p->branch ? p->branch : branch;
	rport = p->rport ? ";rport" : "";

	ft = p->from_tag ? p->from_tag : ftag;
	ci = p->call_id ? p->call_id : callid;
	if (off != NULL)
		for (i = 0; i < 4; i++)
			off[i] = len[i] = 0;

	TRY(add_all(b, PIECES(p->method, " ", p->ruri, " SIP/2.0\r\n")));
	if (p->via_port > 0)
		TRY(hdr(b, oh, SIP_HDR_VIA, PIECES("SIP/2.0/", tp, " ",
		    p->via_host, ":", dec(num, (unsigned)p->via_port),
		    ";branch=", br, rport)));
	else
		TRY(hdr(b, oh, SIP_HDR_VIA, PIECES("SIP/2.0/", tp, " ",
		    p->via_host, ";branch=", br, rport)));
	/* Each of ours ends its line: "...<value>[;rport]\r\n". */
	if (off != NULL && override(oh, SIP_HDR_VIA) == NULL) {
		len[0] = strlen(br);
		off[0] = b->len - base - 2 - strlen(rport) - len[0];
	}
	if (p->max_forwards >= 0)
		TRY(hdr(b, oh, SIP_HDR_MAX_FORWARDS,
		    PIECES(dec(num, (unsigned)p->max_forwards))));
	for (i = 0; p->routes != NULL && p->routes[i] != NULL; i++)
		TRY(add_all(b, PIECES("Route: ", p->routes[i], "\r\n")));
	TRY(hdr(b, oh, SIP_HDR_FROM, PIECES(p->from, ";tag=", ft)));
	if (off != NULL && override(oh, SIP_HDR_FROM) == NULL) {
		len[1] = strlen(ft);
		off[1] = b->len - base - 2 - len[1];
	}
	if (p->to_tag != NULL)
		TRY(hdr(b, oh, SIP_HDR_TO,
		    PIECES(p->to, ";tag=", p->to_tag)));
	else
		TRY(hdr(b, oh, SIP_HDR_TO, PIECES(p->to)));
	TRY(hdr(b, oh, SIP_HDR_CALL_ID, PIECES(ci)));
	if (off != NULL && override(oh, SIP_HDR_CALL_ID) == NULL) {
		len[2] = strlen(ci);
		off[2] = b->len - base - 2 - len[2];
	}
	at = b->len - base;
	TRY(hdr(b, oh, SIP_HDR_CSEQ,
	    PIECES(dec(num, p->cseq ? p->cseq : 1), " ", cm)));
	if (off != NULL && override(oh, SIP_HDR_CSEQ) == NULL) {
		len[3] = strlen(num);
		off[3] = at + strlen(sip_hdr_name(SIP_HDR_CSEQ)) + 2;
	}
	if (p->contact != NULL || override(oh, SIP_HDR_CONTACT))
		TRY(hdr(b, oh, SIP_HDR_CONTACT,
		    PIECES(p->contact ? p->contact : "")));
	if (p->user_agent != NULL || override(oh, SIP_HDR_USER_AGENT))
		TRY(hdr(b, oh, SIP_HDR_USER_AGENT,
		    PIECES(p->user_agent ? p->user_agent : "")));
	return tail(b, p->headers, p->content_type, p->body, p->body_len);
}

enum sip_err
sip_build_request(struct buf *b, const struct sip_req_params *p)
{
	return build_req(b, p, NULL, NULL);
}

enum sip_err
sip_build_request_at(struct buf *b, const struct sip_req_params *p,
    size_t *boff, size_t *blen)
{
	size_t off[4], len[4], base = b->len;
	enum sip_err e;

	*boff = *blen = 0;
	if ((e = build_req(b, p, off, len)) != SIP_OK)
		return e;
	if (len[0] > 0) {
		*boff = base + off[0];
		*blen = len[0];
	}
	return SIP_OK;
}

/*
 * The parameters a template depends on (all but branch, From tag,
 * Call-ID and CSeq number), written to out, or compared with what cur
 * holds.  A string is kept as its length and its bytes with their NUL,
 * (size_t)-1 alone for none, so that comparing it is one strcmp(): this
 * runs for every request.
 */
struct keywalk {
	struct buf	*out;
	const char	*cur, *end;
	int		 diff;
};

static inline void
kw_bytes(struct keywalk *w, const void *p, size_t n)
{
	if (w->out != NULL) {
		if (buf_add(w->out, p, n) != SIP_OK)
			w->diff = 1;
	} else if ((size_t)(w->end - w->cur) < n || memcmp(w->cur, p, n) != 0)
		w->diff = 1;
	else
		w->cur += n;
}

static inline void
kw_str(struct keywalk *w, const char *s)
{
	size_t n;

	if (w->out != NULL) {
		n = s != NULL ? strlen(s) : (size_t)-1;
		kw_bytes(w, &n, sizeof(n));
		if (s != NULL)
			kw_bytes(w, s, n + 1);
		return;
	}
	if (w->diff || (size_t)(w->end - w->cur) < sizeof(n)) {
		w->diff = 1;
		return;
	}
	memcpy(&n, w->cur, sizeof(n));
	w->cur += sizeof(n);
	if (n == (size_t)-1 || s == NULL)
		w->diff |= (n == (size_t)-1) != (s == NULL);
	else if ((size_t)(w->end - w->cur) <= n || strcmp(w->cur, s) != 0)
		w->diff = 1;
	else
		w->cur += n + 1;
}

static void
kw_list(struct keywalk *w, const char *const *v)
{
	size_t n = 0;

	while (v != NULL && v[n] != NULL)
		n++;
	kw_bytes(w, &n, sizeof(n));
	for (size_t i = 0; i < n && !w->diff; i++)
		kw_str(w, v[i]);
}

static void
key_walk(struct keywalk *w, const struct sip_req_params *p)
{
	const char *s[] = { p->method, p->ruri, p->transport, p->via_host,
	    p->from, p->to, p->to_tag, p->cseq_method, p->contact,
	    p->user_agent, p->content_type };
	const int n[] = { p->via_port, p->rport, p->max_forwards };

	kw_bytes(w, n, sizeof(n));
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]) && !w->diff; i++)
		kw_str(w, s[i]);
	kw_list(w, p->routes);
	kw_list(w, p->headers);
	kw_bytes(w, &p->body_len, sizeof(p->body_len));
	if (p->body_len > 0)
		kw_bytes(w, p->body, p->body_len);
}

enum sip_err
sip_build_request_tmpl(struct buf *b, const struct sip_req_params *p,
    struct sip_build_tmpl *t)
{
	const char *v[4];
	char num[24];
	struct keywalk w = { 0 };
	enum sip_err e;
	size_t i;

	if (p->branch == NULL || p->from_tag == NULL || p->call_id == NULL)
		return sip_build_request(b, p);
	v[0] = p->branch;
	v[1] = p->from_tag;
	v[2] = p->call_id;
	v[3] = dec(num, p->cseq ? p->cseq : 1);
	if (t->ok) {
		if (p->gen == 0 || p->gen != t->gen) {
			w.cur = t->key.p;
			w.end = t->key.p + t->key.len;
			key_walk(&w, p);
		} else
			w.cur = w.end = NULL;	/* the caller says: the same */
		for (i = 0; i < 4 && !w.diff; i++)
			if (strlen(v[i]) != t->len[i])
				w.diff = 1;
		if (!w.diff && w.cur == w.end) {
			t->gen = p->gen;	/* what it vouches for is equal */
			for (i = 0; i < 4; i++)
				memcpy(t->msg.p + t->off[i], v[i], t->len[i]);
			return buf_add(b, t->msg.p, t->msg.len);
		}
	}
	t->ok = 0;
	buf_reset(&t->msg);
	if ((e = build_req(&t->msg, p, t->off, t->len)) != SIP_OK)
		return e;
	buf_reset(&t->key);
	w = (struct keywalk){ .out = &t->key };
	key_walk(&w, p);
	t->ok = !w.diff;
	t->gen = p->gen;
	for (i = 0; i < 4; i++)
		if (t->off[i] == 0)
			t->ok = 0;
	return buf_add(b, t->msg.p, t->msg.len);
}

void
sip_build_tmpl_free(struct sip_build_tmpl *t)
{
	buf_free(&t->msg);
	buf_free(&t->key);
	t->ok = 0;
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
		if (!first && p->rport > 0 && slice_ieq_lit(t, "rport")) {
			char n[24];

			TRY(add_all(b, PIECES("rport=", dec(n, (unsigned)p->rport))));
		}
		else if (!first && p->received != NULL &&
		    slice_ihas_prefix(t, "received="))
			continue;	/* replaced below */
		else
			TRY(buf_addslice(b, first ? item : t));
		first = 0;
	}
	if (p->received != NULL)
		TRY(add_all(b, PIECES(";received=", p->received)));
	return SIP_OK;
}

/* "Name: value" and a line end; pieces, not a printf format, as above. */
static enum sip_err
copy_line(struct buf *b, const char *name, struct slice v)
{
	enum sip_err e;

	TRY(buf_adds(b, name));
	TRY(buf_add(b, ": ", 2));
	TRY(buf_addslice(b, v));
	return buf_add(b, "\r\n", 2);
}

enum sip_err
sip_build_response(struct buf *b, const struct sip_msg *req,
    const struct sip_resp_params *p)
{
	const struct sip_hdr *h;
	const char *reason;
	char num[24];
	enum sip_err e;
	unsigned i;
	int first_via = 1, dialog;

	if (p->code < 100 || p->code > 699 || !req->is_request ||
	    !headers_ok(p->headers))
		return SIP_E_INVAL;
	reason = p->reason ? p->reason : sip_status_reason(p->code);
	(void)buf_reserve(b, req->len + 256);
	TRY(add_all(b, PIECES("SIP/2.0 ", dec(num, (unsigned)p->code), " ",
	    reason ? reason : "Unknown", "\r\n")));
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
				TRY(copy_line(b, "Record-Route",
				    req->hdrs[i].value));
	TRY(copy_line(b, "From", sip_msg_value(req, SIP_HDR_FROM)));
	{
		struct slice to = sip_msg_value(req, SIP_HDR_TO);

		if (p->to_tag != NULL && p->code > 100 &&
		    sip_field_hparam(to, "tag").p == NULL) {
			TRY(buf_adds(b, "To: "));
			TRY(buf_addslice(b, to));
			TRY(add_all(b, PIECES(";tag=", p->to_tag, "\r\n")));
		} else
			TRY(copy_line(b, "To", to));
	}
	TRY(copy_line(b, "Call-ID", sip_msg_value(req, SIP_HDR_CALL_ID)));
	TRY(copy_line(b, "CSeq", sip_msg_value(req, SIP_HDR_CSEQ)));
	/* RFC 3261 8.2.6.1: a Timestamp is echoed in 100 Trying. */
	if (p->code == 100 && (h = sip_msg_hdr(req, SIP_HDR_TIMESTAMP)) != NULL)
		TRY(copy_line(b, "Timestamp", h->value));
	if (p->contact != NULL)
		TRY(add_all(b, PIECES("Contact: ", p->contact, "\r\n")));
	return tail(b, p->headers, p->content_type, p->body, p->body_len);
}

/* Copy the first header of id as "Name: value" if present. */
static enum sip_err
copy_hdr(struct buf *b, const struct sip_msg *m, enum sip_hdr_id id)
{
	const struct sip_hdr *h;
	enum sip_err e;

	for (h = sip_msg_hdr(m, id); h != NULL; h = sip_msg_hdr_next(m, h))
		TRY(copy_line(b, sip_hdr_name(id), h->value));
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
