/*
 * check.c - the strict RFC 3261 validator: start line, required and
 * single-value headers, and every known header through its typed parser.
 */
#include <arpa/inet.h>
#include <string.h>

#include "addr.h"
#include "authhdr.h"
#include "check.h"
#include "field.h"
#include "uri.h"
#include "via.h"

#define MAX_TOKENS	64

/* Headers RFC 3261 wants exactly once (8.1.1, 20), and when. */
#define NEED_REQ	0x1
#define NEED_RESP	0x2
#define NEED_WARN	0x4	/* a missing one is only a warning */

static const struct single {
	enum sip_hdr_id	 id;
	unsigned	 need;
	const char	*missing;
	const char	*several;
} singles[] = {
	{ SIP_HDR_TO, NEED_REQ | NEED_RESP,
	    "missing To header (RFC 3261 8.1.1)",
	    "several To headers (a single-value header field)" },
	{ SIP_HDR_FROM, NEED_REQ | NEED_RESP,
	    "missing From header (RFC 3261 8.1.1)",
	    "several From headers (a single-value header field)" },
	{ SIP_HDR_CALL_ID, NEED_REQ | NEED_RESP,
	    "missing Call-ID header (RFC 3261 8.1.1)",
	    "several Call-ID headers (a single-value header field)" },
	{ SIP_HDR_CSEQ, NEED_REQ | NEED_RESP,
	    "missing CSeq header (RFC 3261 8.1.1)",
	    "several CSeq headers (a single-value header field)" },
	/* RFC 4475 3.4.1: RFC 2543 peers send none; accept, but say so. */
	{ SIP_HDR_MAX_FORWARDS, NEED_REQ | NEED_WARN,
	    "missing Max-Forwards header (RFC 3261 8.1.1.6)",
	    "several Max-Forwards headers (a single-value header field)" },
	{ SIP_HDR_CONTENT_LENGTH, 0, NULL,
	    "several Content-Length values (RFC 3261 20.14)" },
	{ SIP_HDR_CONTENT_TYPE, 0, NULL,
	    "several Content-Type headers (a single-value header field)" },
	{ SIP_HDR_EXPIRES, 0, NULL,
	    "several Expires headers (a single-value header field)" },
	{ SIP_HDR_DATE, 0, NULL,
	    "several Date headers (a single-value header field)" },
	{ SIP_HDR_RSEQ, 0, NULL,
	    "several RSeq headers (a single-value header field)" },
	{ SIP_HDR_RACK, 0, NULL,
	    "several RAck headers (a single-value header field)" },
};

static void
add(struct sip_check *c, size_t off, const char *why, enum sip_check_level lv)
{
	if (lv == SIP_CHECK_ERROR)
		c->nerrors++;
	else
		c->nwarnings++;
	if (c->n >= c->max) {
		c->dropped++;
		return;
	}
	c->v[c->n].off = off;
	c->v[c->n].why = why;
	c->v[c->n].level = lv;
	c->n++;
}

static size_t
off_of(const struct sip_msg *m, const char *p)
{
	return (size_t)(p - m->buf);
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\t';
}

static int
ip_literal(struct slice s, int af)
{
	char tmp[64];
	unsigned char out[16];

	if (slice_copy(s, tmp, sizeof(tmp)) != 0)
		return 0;
	return inet_pton(af, tmp, out) == 1;
}

/* An IPv6 reference "[...]" whose inside is a valid address? */
static int
ipv6_ref_ok(struct slice h)
{
	return h.len > 2 &&
	    ip_literal(slice_make(h.p + 1, h.len - 2), AF_INET6);
}

static void
check_version(struct sip_check *c, const struct sip_msg *m)
{
	if (!slice_ieq_lit(m->version, "SIP/2.0"))
		add(c, off_of(m, m->version.p),
		    "unknown SIP version (only SIP/2.0 is known)",
		    SIP_CHECK_ERROR);
}

static void
check_request_uri(struct sip_check *c, const struct sip_msg *m)
{
	struct sip_uri ubuf, *u = c->keep != NULL ? &c->keep->ruri : &ubuf;
	struct sip_perr pe;
	struct slice r = m->ruri;
	enum sip_err e;
	size_t i;

	if (r.len > 0 && r.p[0] == '<') {
		add(c, off_of(m, r.p), "Request-URI enclosed in <>",
		    SIP_CHECK_ERROR);
		return;
	}
	for (i = 0; i < r.len; i++)
		if (is_ws(r.p[i])) {
			add(c, off_of(m, r.p + i),
			    "Request-URI contains whitespace", SIP_CHECK_ERROR);
			return;
		}
	e = sip_uri_parse(u, r, &pe);
	if (c->keep != NULL) {
		c->keep->ruri_s = r;
		c->keep->ruri_e = e;
	}
	if (e != SIP_OK) {
		add(c, off_of(m, r.p) + pe.off, pe.why, SIP_CHECK_ERROR);
		return;
	}
	if ((u->scheme == SIP_URI_SIP || u->scheme == SIP_URI_SIPS) &&
	    u->nheaders > 0)
		add(c, off_of(m, u->headers[0].name.p) - 1,
		    "escaped headers in the Request-URI (RFC 3261 19.1.1)",
		    SIP_CHECK_ERROR);
	if (u->host_type == SIP_HOST_IPV6 && !ipv6_ref_ok(u->host))
		add(c, off_of(m, u->host.p),
		    "invalid IPv6 reference (tolerated, RFC 5118 4.10)",
		    SIP_CHECK_WARN);
}

static void
check_start(struct sip_check *c, const struct sip_msg *m)
{
	struct slice sl = m->start_line;
	const char *end = sl.p + sl.len, *q;

	check_version(c, m);
	if (!m->is_request) {
		q = m->version.p + m->version.len;
		if (q + 1 < end && is_ws(q[1]))
			add(c, off_of(m, q),
			    "multiple spaces in the status line",
			    SIP_CHECK_ERROR);
		else if (q < end && *q != ' ')
			add(c, off_of(m, q), "status line elements are not "
			    "separated by one SP", SIP_CHECK_ERROR);
		return;
	}
	/* Request-Line = Method SP Request-URI SP SIP-Version CRLF */
	if (sl.len > 0 && is_ws(end[-1])) {
		q = end;
		while (q > sl.p && is_ws(q[-1]))
			q--;
		add(c, off_of(m, q), "trailing whitespace on the request line",
		    SIP_CHECK_ERROR);
	}
	q = m->method.p + m->method.len;
	if (q + 1 < end && (*q != ' ' || is_ws(q[1])))
		add(c, off_of(m, q), "multiple spaces in the request line",
		    SIP_CHECK_ERROR);
	else if (m->ruri.p != NULL) {
		q = m->ruri.p + m->ruri.len;
		if (q + 1 < end && (*q != ' ' || is_ws(q[1])))
			add(c, off_of(m, q),
			    "multiple spaces in the request line",
			    SIP_CHECK_ERROR);
	}
	check_request_uri(c, m);
}

static void
bad(struct sip_check *c, const struct sip_msg *m, struct slice v,
    const struct sip_perr *pe)
{
	add(c, off_of(m, v.p) + pe->off, pe->why, SIP_CHECK_ERROR);
}

static void
check_via(struct sip_check *c, const struct sip_msg *m, struct slice v)
{
	struct sip_via via;
	struct sip_perr pe;

	if (sip_via_parse(&via, v, &pe) != SIP_OK) {
		bad(c, m, v, &pe);
		return;
	}
	if (!slice_ieq_lit(via.proto, "SIP") ||
	    !slice_eq_lit(via.version, "2.0"))
		add(c, off_of(m, via.proto.p),
		    "unknown SIP version in Via (only SIP/2.0 is known)",
		    SIP_CHECK_ERROR);
	if (via.host_type == SIP_HOST_IPV6 && !ipv6_ref_ok(via.host))
		add(c, off_of(m, via.host.p), "invalid IPv6 reference in Via",
		    SIP_CHECK_ERROR);
	if (via.received.len > 0) {
		struct slice r = via.received;

		if (r.p[0] == '[' && r.len > 2 && r.p[r.len - 1] == ']' &&
		    ip_literal(slice_make(r.p + 1, r.len - 2), AF_INET6))
			add(c, off_of(m, r.p), "received= holds an IPv6 "
			    "reference in [] (tolerated, RFC 5118 4.5)",
			    SIP_CHECK_WARN);
		else if (!ip_literal(r, AF_INET) && !ip_literal(r, AF_INET6))
			add(c, off_of(m, r.p), "received= is not an IP address",
			    SIP_CHECK_ERROR);
	}
}

/* Where c keeps the parse of a value of h, or NULL. */
static struct sip_check_addr *
keep_addr(struct sip_check *c, const struct sip_hdr *h)
{
	struct sip_check_keep *k = c->keep;

	if (k == NULL)
		return NULL;
	if (h->id == SIP_HDR_TO && k->to.s.p == NULL)
		return &k->to;
	if (h->id == SIP_HDR_CONTACT && k->ncontact < SIP_CHECK_KEEP)
		return &k->contact[k->ncontact++];
	return NULL;
}

static void
check_addr(struct sip_check *c, const struct sip_msg *m,
    const struct sip_hdr *h, struct slice v)
{
	struct sip_check_addr *kept = keep_addr(c, h);
	struct sip_addr abuf, *a = kept != NULL ? &kept->a : &abuf;
	struct sip_perr pe;
	enum sip_err e;
	uint32_t n;

	e = sip_addr_parse(a, v, &pe);
	if (kept != NULL) {
		kept->s = v;
		kept->e = e;
	}
	if (e != SIP_OK) {
		bad(c, m, v, &pe);
		return;
	}
	if (a->star) {
		if (h->id != SIP_HDR_CONTACT)
			add(c, off_of(m, v.p), "'*' is only allowed in Contact",
			    SIP_CHECK_ERROR);
		return;
	}
	if ((h->id == SIP_HDR_ROUTE || h->id == SIP_HDR_RECORD_ROUTE ||
	    h->id == SIP_HDR_PATH) && !a->name_addr)
		add(c, off_of(m, v.p), "route values must be enclosed in <> "
		    "(name-addr)", SIP_CHECK_ERROR);
	if (a->uri.host_type == SIP_HOST_IPV6 && !ipv6_ref_ok(a->uri.host))
		add(c, off_of(m, a->uri.host.p),
		    "invalid IPv6 reference (tolerated, RFC 5118 4.10)",
		    SIP_CHECK_WARN);
	if (h->id == SIP_HDR_CONTACT && a->expires.len > 0 &&
	    sip_field_number(a->expires, SIP_MAX_DELTA, &n,
	    "Contact expires above 2^32-1", &pe) != SIP_OK)
		bad(c, m, a->expires, &pe);
}

static void
check_cseq(struct sip_check *c, const struct sip_msg *m, struct slice v)
{
	struct sip_cseq cs;
	struct sip_perr pe;

	if (sip_field_cseq(&cs, v, &pe) != SIP_OK) {
		bad(c, m, v, &pe);
		return;
	}
	if (m->is_request && !slice_eq(cs.method, m->method))
		add(c, off_of(m, cs.method.p),
		    "CSeq method does not match the request method",
		    SIP_CHECK_ERROR);
}

/* warning-value = warn-code SP warn-agent SP warn-text; warn-code = 3DIGIT */
static void
check_warning(struct sip_check *c, const struct sip_msg *m, struct slice v)
{
	size_t i = 0;

	while (i < v.len && v.p[i] >= '0' && v.p[i] <= '9')
		i++;
	if (i != 3 || i >= v.len || v.p[i] != ' ')
		add(c, off_of(m, v.p), "Warning code is not three digits",
		    SIP_CHECK_ERROR);
}

/* A number field; generic parser reasons get the header's name. */
static void
check_number(struct sip_check *c, const struct sip_msg *m, struct slice v,
    uint32_t max, const char *too_big, const char *nan)
{
	struct sip_perr pe;
	uint32_t u;

	if (sip_field_number(v, max, &u, too_big, &pe) == SIP_OK)
		return;
	if (pe.why != too_big && strcmp(pe.why, "negative number") != 0)
		pe.why = nan;
	bad(c, m, v, &pe);
}

/* One value of header h. */
static void
check_value(struct sip_check *c, const struct sip_msg *m,
    const struct sip_hdr *h, struct slice v)
{
	struct sip_perr pe;
	struct slice toks[MAX_TOKENS];
	unsigned n;
	enum sip_err e = SIP_OK;
	union {
		struct sip_ctype	ct;
		struct sip_event	ev;
		struct sip_substate	ss;
		struct sip_rack		ra;
		struct sip_retry_after	rt;
		struct sip_date		d;
		struct sip_auth		au;
	} x;

	switch (h->id) {
	case SIP_HDR_VIA:
		check_via(c, m, v);
		return;
	case SIP_HDR_FROM: case SIP_HDR_TO: case SIP_HDR_CONTACT:
	case SIP_HDR_ROUTE: case SIP_HDR_RECORD_ROUTE: case SIP_HDR_REPLY_TO:
	case SIP_HDR_REFER_TO: case SIP_HDR_REFERRED_BY: case SIP_HDR_PATH:
	case SIP_HDR_P_ASSERTED_IDENTITY: case SIP_HDR_P_PREFERRED_IDENTITY:
		check_addr(c, m, h, v);
		return;
	case SIP_HDR_CSEQ:
		check_cseq(c, m, v);
		return;
	case SIP_HDR_WARNING:
		check_warning(c, m, v);
		return;
	case SIP_HDR_CALL_ID:
		e = sip_field_callid(v, &pe);
		break;
	case SIP_HDR_MAX_FORWARDS:
		check_number(c, m, v, SIP_MAX_MAXFWD, "Max-Forwards above 255",
		    "Max-Forwards is not a number");
		return;
	case SIP_HDR_CONTENT_LENGTH:
		check_number(c, m, v, SIP_MAX_BODY, "Content-Length too large",
		    "Content-Length is not a number");
		return;
	case SIP_HDR_EXPIRES:
		check_number(c, m, v, SIP_MAX_DELTA, "Expires above 2^32-1",
		    "Expires is not a number of seconds (RFC 3261 20.19)");
		return;
	case SIP_HDR_MIN_EXPIRES:
		check_number(c, m, v, SIP_MAX_DELTA, "Min-Expires above 2^32-1",
		    "Min-Expires is not a number of seconds");
		return;
	case SIP_HDR_RSEQ:
		check_number(c, m, v, SIP_MAX_DELTA, "RSeq above 2^32-1",
		    "RSeq is not a number");
		return;
	case SIP_HDR_CONTENT_TYPE:
		if (v.len == 0) {
			add(c, off_of(m, v.p), "empty Content-Type",
			    SIP_CHECK_ERROR);
			return;
		}
		e = sip_field_ctype(&x.ct, v, &pe);
		break;
	case SIP_HDR_EVENT:
		e = sip_field_event(&x.ev, v, &pe);
		break;
	case SIP_HDR_SUBSCRIPTION_STATE:
		e = sip_field_substate(&x.ss, v, &pe);
		break;
	case SIP_HDR_RACK:
		e = sip_field_rack(&x.ra, v, &pe);
		break;
	case SIP_HDR_RETRY_AFTER:
		e = sip_field_retry_after(&x.rt, v, &pe);
		break;
	case SIP_HDR_DATE:
		e = sip_field_date(&x.d, v, &pe);
		break;
	case SIP_HDR_AUTHORIZATION:
		if (c->keep != NULL && c->keep->nauth < SIP_CHECK_KEEP) {
			struct sip_check_auth *k =
			    &c->keep->auth[c->keep->nauth++];

			e = k->e = sip_auth_parse(&k->a, v, &pe);
			k->s = v;
			break;
		}
		e = sip_auth_parse(&x.au, v, &pe);
		break;
	case SIP_HDR_WWW_AUTHENTICATE: case SIP_HDR_PROXY_AUTHENTICATE:
	case SIP_HDR_PROXY_AUTHORIZATION:
		e = sip_auth_parse(&x.au, v, &pe);
		break;
	case SIP_HDR_ALLOW: case SIP_HDR_SUPPORTED: case SIP_HDR_REQUIRE:
	case SIP_HDR_PROXY_REQUIRE: case SIP_HDR_UNSUPPORTED:
		e = sip_field_tokens(v, toks, MAX_TOKENS, &n, &pe);
		break;
	default:
		return;
	}
	if (e != SIP_OK)
		bad(c, m, v, &pe);
}

/* Whether check_value() knows h (so list elements are checked). */
static int
known(const struct sip_hdr *h)
{
	switch (h->id) {
	case SIP_HDR_VIA: case SIP_HDR_CONTACT: case SIP_HDR_ROUTE:
	case SIP_HDR_RECORD_ROUTE: case SIP_HDR_PATH: case SIP_HDR_WARNING:
	case SIP_HDR_P_ASSERTED_IDENTITY: case SIP_HDR_P_PREFERRED_IDENTITY:
	case SIP_HDR_ALLOW: case SIP_HDR_SUPPORTED: case SIP_HDR_REQUIRE:
	case SIP_HDR_PROXY_REQUIRE: case SIP_HDR_UNSUPPORTED:
		return 1;
	default:
		return 0;
	}
}

static void
check_header(struct sip_check *c, const struct sip_msg *m,
    const struct sip_hdr *h)
{
	struct slice rest, item, v;

	/* Token lists split themselves; other lists split here. */
	if (!known(h) || h->id == SIP_HDR_ALLOW || h->id == SIP_HDR_SUPPORTED ||
	    h->id == SIP_HDR_REQUIRE || h->id == SIP_HDR_PROXY_REQUIRE ||
	    h->id == SIP_HDR_UNSUPPORTED) {
		check_value(c, m, h, h->value);
		return;
	}
	rest = h->value;
	while (slice_split(&rest, ',', &item)) {
		v = slice_trim(item);
		if (v.len == 0) {
			add(c, off_of(m, item.p),
			    "extraneous header separators: empty list element",
			    SIP_CHECK_ERROR);
			continue;
		}
		check_value(c, m, h, v);
	}
}

/* RFC 3261 10.2.2: "Contact: *" stands alone. */
static void
check_star(struct sip_check *c, const struct sip_msg *m)
{
	struct sip_hdr_iter it = { 0 };
	struct slice v, star = SLICE_NULL;
	unsigned n = 0;

	while (sip_msg_values(m, SIP_HDR_CONTACT, &it, &v)) {
		n++;
		if (v.len == 1 && v.p[0] == '*')
			star = v;
	}
	if (star.p != NULL && n > 1)
		add(c, off_of(m, star.p),
		    "Contact '*' must be the only Contact value",
		    SIP_CHECK_ERROR);
}

static void
check_quirks(struct sip_check *c, const struct sip_msg *m)
{
	const char *nl;

	if (m->quirks & SIP_Q_BARE_LF) {
		size_t head = m->body_off <= m->len ? m->body_off : m->len;

		for (nl = memchr(m->buf, '\n', head); nl != NULL;
		    nl = memchr(nl + 1, '\n', head - (size_t)(nl + 1 - m->buf)))
			if (nl == m->buf || nl[-1] != '\r') {
				add(c, off_of(m, nl), "line ends in LF without "
				    "CR (RFC 3261 7)", SIP_CHECK_ERROR);
				break;
			}
	}
	if (m->quirks & SIP_Q_NO_END)
		add(c, m->body_off, "headers do not end with an empty line",
		    SIP_CHECK_ERROR);
}

void
sip_check_init(struct sip_check *c, struct sip_finding *v, unsigned max)
{
	memset(c, 0, sizeof(*c));
	c->v = v;
	c->max = max;
}

unsigned
sip_check_msg(struct sip_check *c, const struct sip_msg *m)
{
	unsigned first = c->n, errs = c->nerrors, i, j, count[SIP_HDR__COUNT];
	size_t k;

	memset(count, 0, sizeof(count));
	if (c->keep != NULL) {
		c->keep->ruri_s = SLICE_NULL;
		c->keep->to.s = SLICE_NULL;
		c->keep->ncontact = c->keep->nauth = 0;
	}
	check_start(c, m);
	for (i = 0; i < m->nhdrs; i++) {
		const struct sip_hdr *h = &m->hdrs[i];

		count[h->id]++;
		for (k = 0; k < sizeof(singles) / sizeof(singles[0]); k++)
			if (singles[k].id == h->id && count[h->id] == 2)
				add(c, h->off, singles[k].several,
				    SIP_CHECK_ERROR);
		check_header(c, m, h);
	}
	for (k = 0; k < sizeof(singles) / sizeof(singles[0]); k++) {
		const struct single *s = &singles[k];

		if (count[s->id] == 0 && (s->need & (m->is_request ? NEED_REQ :
		    NEED_RESP)))
			add(c, m->body_off, s->missing, (s->need & NEED_WARN) ?
			    SIP_CHECK_WARN : SIP_CHECK_ERROR);
	}
	if (count[SIP_HDR_CONTACT] > 0)
		check_star(c, m);
	if (count[SIP_HDR_VIA] == 0)
		add(c, m->body_off, "missing Via header (RFC 3261 8.1.1)",
		    SIP_CHECK_ERROR);
	check_quirks(c, m);
	/* Message order: a stable insertion sort of what this call added. */
	for (i = first + 1; i < c->n; i++) {
		struct sip_finding f = c->v[i];

		for (j = i; j > first && c->v[j - 1].off > f.off; j--)
			c->v[j] = c->v[j - 1];
		c->v[j] = f;
	}
	return c->nerrors - errs;
}

/* The same bytes: a slice of the same message at the same place. */
static int
same(struct slice a, struct slice b)
{
	return a.p != NULL && a.p == b.p && a.len == b.len;
}

const struct sip_check_addr *
sip_check_kept_addr(const struct sip_check_keep *k, struct slice s)
{
	if (k == NULL)
		return NULL;
	if (same(k->to.s, s))
		return &k->to;
	for (unsigned i = 0; i < k->ncontact; i++)
		if (same(k->contact[i].s, s))
			return &k->contact[i];
	return NULL;
}

const struct sip_check_auth *
sip_check_kept_auth(const struct sip_check_keep *k, struct slice s)
{
	if (k == NULL)
		return NULL;
	for (unsigned i = 0; i < k->nauth; i++)
		if (same(k->auth[i].s, s))
			return &k->auth[i];
	return NULL;
}
