/*
 * uri.c - sip, sips and tel URIs (RFC 3261 19.1, 25.1; RFC 3966), other
 * schemes as opaque text; comparison per RFC 3261 19.1.4.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <string.h>

#include "uri.h"

/* Character classes of RFC 3261 25.1. */
#define C_ALNUM	0x01
#define C_MARK	0x02	/* - _ . ! ~ * ' ( ) */
#define C_USER	0x04	/* user-unreserved: & = + $ , ; ? / */
#define C_PASS	0x08	/* password extras: & = + $ , */
#define C_PARAM	0x10	/* param-unreserved: [ ] / : & + $ */
#define C_HNV	0x20	/* hnv-unreserved: [ ] / ? : + $ */
#define C_HEX	0x40
#define C_RES	0x80	/* reserved: ; / ? : @ & = + $ , */

#define UNRES	(C_ALNUM | C_MARK)

/*
 * The class of each byte, as a table built at compile time: the scanners
 * below look up every byte of every URI, so this is on the hot path.
 */
#define CLS_RANGE(c, lo, hi)	((c) >= (lo) && (c) <= (hi))
#define CLS(c) (							\
	(CLS_RANGE(c, 'a', 'z') || CLS_RANGE(c, 'A', 'Z') ||		\
	    CLS_RANGE(c, '0', '9') ? C_ALNUM : 0) |			\
	(CLS_RANGE(c, '0', '9') || CLS_RANGE(c, 'a', 'f') ||		\
	    CLS_RANGE(c, 'A', 'F') ? C_HEX : 0) |			\
	((c) == '-' || (c) == '_' || (c) == '.' || (c) == '!' ||	\
	    (c) == '~' || (c) == '*' || (c) == '\'' || (c) == '(' ||	\
	    (c) == ')' ? C_MARK : 0) |					\
	((c) == '&' || (c) == '+' || (c) == '$' ?			\
	    C_USER | C_PASS | C_PARAM | C_RES : 0) |			\
	((c) == '+' || (c) == '$' ? C_HNV : 0) |			\
	((c) == '=' || (c) == ',' ? C_USER | C_PASS | C_RES : 0) |	\
	((c) == ';' ? C_USER | C_RES : 0) |				\
	((c) == '?' ? C_USER | C_HNV | C_RES : 0) |			\
	((c) == '/' ? C_USER | C_PARAM | C_HNV | C_RES : 0) |		\
	((c) == '[' || (c) == ']' ? C_PARAM | C_HNV : 0) |		\
	((c) == ':' ? C_PARAM | C_HNV | C_RES : 0) |			\
	((c) == '@' ? C_RES : 0))
/* A 256-entry table of F(byte), written out by the preprocessor. */
#define TAB4(F, c)	F(c), F((c) + 1), F((c) + 2), F((c) + 3)
#define TAB16(F, c)	TAB4(F, c), TAB4(F, (c) + 4), TAB4(F, (c) + 8),	\
	TAB4(F, (c) + 12)
#define TAB64(F, c)	TAB16(F, c), TAB16(F, (c) + 16), TAB16(F, (c) + 32), \
	TAB16(F, (c) + 48)
#define TAB256(F)	TAB64(F, 0), TAB64(F, 64), TAB64(F, 128), TAB64(F, 192)

static const unsigned char cls_map[256] = { TAB256(CLS) };

static inline unsigned
cls(unsigned char c)
{
	return cls_map[c];
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A well-formed %HH at s.p[i]? */
static int
escape_at(struct slice s, size_t i)
{
	return i + 2 < s.len && s.p[i] == '%' && hexval(s.p[i + 1]) >= 0 &&
	    hexval(s.p[i + 2]) >= 0;
}

/*
 * Scan from *i while bytes are in class mask or are %HH escapes.  Returns
 * 0, or -1 with *i at a malformed escape.
 */
static inline int
scan(struct slice s, size_t *ip, unsigned mask)
{
	size_t i = *ip;
	int r = 0;

	while (i < s.len) {
		if (cls((unsigned char)s.p[i]) & mask)
			i++;
		else if (s.p[i] == '%') {
			if (!escape_at(s, i)) {
				r = -1;
				break;
			}
			i += 3;
		} else
			break;
	}
	*ip = i;
	return r;
}

static int
is_ipv4(struct slice h)
{
	unsigned parts = 0, digits = 0, v = 0;
	size_t i;

	for (i = 0; i <= h.len; i++) {
		if (i == h.len || h.p[i] == '.') {
			if (digits == 0 || v > 255)
				return 0;
			parts++;
			digits = v = 0;
		} else if (h.p[i] >= '0' && h.p[i] <= '9') {
			if (++digits > 3)
				return 0;
			v = v * 10 + (unsigned)(h.p[i] - '0');
		} else
			return 0;
	}
	return parts == 4;
}

/*
 * hostname = *( domainlabel "." ) toplabel [ "." ]; labels are alphanum
 * with inner '-', and the top label starts with a letter.  One pass
 * tells a host name from an IPv4 address: only digits and dots can be
 * the latter, and those can never be the former (the top label would
 * start with a digit).
 */
#define H_DIGIT	1
#define H_ALPHA	2
#define H_DASH	4
#define H_DOT	8
#define H_BAD	16
#define HC(c) (CLS_RANGE(c, '0', '9') ? H_DIGIT :			\
	CLS_RANGE(c, 'a', 'z') || CLS_RANGE(c, 'A', 'Z') ? H_ALPHA :	\
	(c) == '-' ? H_DASH : (c) == '.' ? H_DOT : H_BAD)
static const unsigned char host_map[256] = { TAB256(HC) };

static enum sip_uri_host
name_or_v4(struct slice h)
{
	size_t i, n = h.len, ls = 0;
	unsigned acc = 0;
	int dot = 0;

	if (n > 0 && h.p[n - 1] == '.') {
		n--;
		dot = 1;
	}
	if (n == 0 || h.p[0] == '-' || h.p[n - 1] == '-')
		return SIP_HOST_NONE;
	for (i = 0; i < n; i++) {
		unsigned t = host_map[(unsigned char)h.p[i]];

		acc |= t;
		if (t >= H_DOT) {
			/* A label is not empty, nor starts or ends with '-'. */
			if (t == H_BAD || i == ls || h.p[i - 1] == '-' ||
			    h.p[i + 1] == '-')
				return SIP_HOST_NONE;
			ls = i + 1;
		}
	}
	if (ls == n)
		return SIP_HOST_NONE;
	if (!(acc & (H_ALPHA | H_DASH)))
		return !dot && is_ipv4(h) ? SIP_HOST_IPV4 : SIP_HOST_NONE;
	return host_map[(unsigned char)h.p[ls]] == H_ALPHA ? SIP_HOST_NAME :
	    SIP_HOST_NONE;
}

enum sip_uri_host
sip_uri_host_type(struct slice h)
{
	size_t i;
	int colons = 0;

	if (h.len >= 2 && h.p[0] == '[' && h.p[h.len - 1] == ']') {
		for (i = 1; i + 1 < h.len; i++) {
			if (h.p[i] == ':')
				colons++;
			else if (!(cls((unsigned char)h.p[i]) & C_HEX) &&
			    h.p[i] != '.')
				return SIP_HOST_NONE;
		}
		return colons >= 2 ? SIP_HOST_IPV6 : SIP_HOST_NONE;
	}
	return name_or_v4(h);
}

static void
known_param(struct sip_uri *u, const struct sip_param *p)
{
	if (slice_ieq_lit(p->name, "transport"))
		u->transport = p->value;
	else if (slice_ieq_lit(p->name, "user"))
		u->user_param = p->value;
	else if (slice_ieq_lit(p->name, "method"))
		u->method = p->value;
	else if (slice_ieq_lit(p->name, "ttl"))
		u->ttl = p->value;
	else if (slice_ieq_lit(p->name, "maddr"))
		u->maddr = p->value;
	else if (slice_ieq_lit(p->name, "lr"))
		u->lr = 1;
}

/* ;pname[=pvalue] ... (RFC 3261 uri-parameters, RFC 3966 par). */
static enum sip_err
uri_params(struct sip_uri *u, struct slice s, size_t *pp, struct sip_perr *pe)
{
	size_t p = *pp, j;
	struct sip_param *prm;

	while (p < s.len && s.p[p] == ';') {
		p++;
		j = p;
		if (scan(s, &j, UNRES | C_PARAM) != 0)
			SIP_PERR_FAIL(pe, j,
			    "invalid %-escape in a URI parameter");
		if (j == p)
			SIP_PERR_FAIL(pe, p,
			    j < s.len && (s.p[j] == ' ' || s.p[j] == '\t') ?
			    "URI contains whitespace" : "empty URI parameter");
		if (u->nparams >= SIP_MAX_URI_PARAMS) {
			if (pe != NULL) {
				pe->off = p;
				pe->why = "too many URI parameters";
			}
			return SIP_E_TOOBIG;
		}
		prm = &u->params[u->nparams++];
		memset(prm, 0, sizeof(*prm));
		prm->name = slice_make(s.p + p, j - p);
		if (j < s.len && s.p[j] == '=') {
			p = ++j;
			if (scan(s, &j, UNRES | C_PARAM) != 0)
				SIP_PERR_FAIL(pe, j,
				    "invalid %-escape in a URI parameter");
			if (j == p)
				SIP_PERR_FAIL(pe, p,
				    "URI parameter has '=' but no value");
			prm->value = slice_make(s.p + p, j - p);
			prm->has_value = 1;
		}
		known_param(u, prm);
		p = j;
	}
	*pp = p;
	return SIP_OK;
}

/* ?hname=hvalue&... (RFC 3261 headers). */
static enum sip_err
uri_headers(struct sip_uri *u, struct slice s, size_t *pp, struct sip_perr *pe)
{
	size_t p = *pp, j;
	struct sip_param *h;

	if (p >= s.len || s.p[p] != '?')
		return SIP_OK;
	do {
		p++;
		j = p;
		if (scan(s, &j, UNRES | C_HNV) != 0)
			SIP_PERR_FAIL(pe, j,
			    "invalid %-escape in a URI header");
		if (j == p)
			SIP_PERR_FAIL(pe, p, "empty URI header name");
		if (u->nheaders >= SIP_MAX_URI_HEADERS) {
			if (pe != NULL) {
				pe->off = p;
				pe->why = "too many URI headers";
			}
			return SIP_E_TOOBIG;
		}
		h = &u->headers[u->nheaders++];
		memset(h, 0, sizeof(*h));
		h->name = slice_make(s.p + p, j - p);
		if (j >= s.len || s.p[j] != '=')
			SIP_PERR_FAIL(pe, j, "URI header has no '='");
		p = ++j;
		if (scan(s, &j, UNRES | C_HNV) != 0)
			SIP_PERR_FAIL(pe, j,
			    "invalid %-escape in a URI header");
		h->value = slice_make(s.p + p, j - p);
		h->has_value = 1;
		p = j;
	} while (p < s.len && s.p[p] == '&');
	*pp = p;
	return SIP_OK;
}

static enum sip_err
trailer(struct slice s, size_t p, struct sip_perr *pe)
{
	if (p >= s.len)
		return SIP_OK;
	if (s.p[p] == ' ' || s.p[p] == '\t' || s.p[p] == '\r' || s.p[p] == '\n')
		SIP_PERR_FAIL(pe, p, "URI contains whitespace");
	SIP_PERR_FAIL(pe, p, "invalid character in URI");
}

/*
 * Does s.p[p..j) followed by ':' look like an IPv6 address without its
 * brackets: hex digits, then more hex groups and colons (two at least)?
 */
static int
unbracketed_v6(struct slice s, size_t p, size_t j)
{
	size_t i;
	int colons = 0;

	for (i = p; i < j; i++)
		if (!(cls((unsigned char)s.p[i]) & C_HEX))
			return 0;
	for (i = j; i < s.len && (s.p[i] == ':' || s.p[i] == '.' ||
	    (cls((unsigned char)s.p[i]) & C_HEX)); i++)
		colons += s.p[i] == ':';
	return colons >= 2;
}

static enum sip_err
parse_sip(struct sip_uri *u, struct slice s, size_t p, struct sip_perr *pe)
{
	size_t j, k, hs;
	enum sip_err e;

	/* userinfo: the user part may hold ';' and '?' (semiuri.dat). */
	j = p;
	while (j < s.len && (s.p[j] == '%' || s.p[j] == ':' ||
	    (cls((unsigned char)s.p[j]) & (UNRES | C_USER | C_PASS))))
		j++;
	if (j < s.len && s.p[j] == '@') {
		u->has_user = 1;
		for (k = p; k < j && s.p[k] != ':'; k++)
			;
		u->user = slice_make(s.p + p, k - p);
		if (u->user.len == 0)
			SIP_PERR_FAIL(pe, p, "empty user part in URI");
		hs = p;
		if (scan(s, &hs, UNRES | C_USER) != 0)
			SIP_PERR_FAIL(pe, hs,
			    "invalid %-escape in the user part");
		if (hs != k)
			SIP_PERR_FAIL(pe, hs,
			    "invalid character in the user part");
		if (k < j) {
			u->has_password = 1;
			u->password = slice_make(s.p + k + 1, j - k - 1);
			hs = k + 1;
			if (scan(s, &hs, UNRES | C_PASS) != 0)
				SIP_PERR_FAIL(pe, hs,
				    "invalid %-escape in the password");
			if (hs != j)
				SIP_PERR_FAIL(pe, hs,
				    "invalid character in the password");
		}
		p = j + 1;
	}
	/* host */
	if (p >= s.len)
		SIP_PERR_FAIL(pe, p, "URI has no host");
	hs = p;
	if (s.p[p] == '[') {
		int colons = 0;

		j = p + 1;
		while (j < s.len && ((cls((unsigned char)s.p[j]) & C_HEX) ||
		    s.p[j] == ':' || s.p[j] == '.'))
			colons += s.p[j++] == ':';
		if (j >= s.len || s.p[j] != ']')
			SIP_PERR_FAIL(pe, j,
			    "unterminated IPv6 reference in URI");
		if (colons < 2)
			SIP_PERR_FAIL(pe, p, "invalid IPv6 reference in URI");
		u->host = slice_make(s.p + p, j + 1 - p);
		u->host_type = SIP_HOST_IPV6;
		p = j + 1;
	} else {
		j = (size_t)(slice_skip_class(s.p + p, s.p + s.len, SLICE_C_HOST) -
		    s.p);
		if (j == p)
			SIP_PERR_FAIL(pe, p,
			    p < s.len && (s.p[p] == ' ' || s.p[p] == '\t') ?
			    "URI contains whitespace" : "URI has no host");
		u->host = slice_make(s.p + p, j - p);
		/* RFC 5118 4.2: "sip:2001:db8::10" is an error. */
		if (j + 1 < s.len && s.p[j] == ':' && unbracketed_v6(s, p, j))
			SIP_PERR_FAIL(pe, p,
			    "IPv6 address in URI not enclosed in []");
		u->host_type = sip_uri_host_type(u->host);
		if (u->host_type == SIP_HOST_NONE)
			SIP_PERR_FAIL(pe, p, "invalid host name in URI");
		p = j;
	}
	/* port */
	if (p < s.len && s.p[p] == ':') {
		uint32_t port;

		j = p + 1;
		while (j < s.len && s.p[j] >= '0' && s.p[j] <= '9')
			j++;
		if (slice_to_u32(slice_make(s.p + p + 1, j - p - 1), 65535,
		    &port) != 0 || (j < s.len && s.p[j] == ':') ||
		    (j < s.len && (cls((unsigned char)s.p[j]) & C_ALNUM))) {
			SIP_PERR_FAIL(pe, p + 1, "invalid port in URI");
		}
		u->port = (uint16_t)port;
		u->has_port = 1;
		p = j;
	}
	if ((e = uri_params(u, s, &p, pe)) != SIP_OK)
		return e;
	if ((e = uri_headers(u, s, &p, pe)) != SIP_OK)
		return e;
	return trailer(s, p, pe);
}

/* RFC 3966: global-number "+" digits, local-number hex digits, * and #. */
static enum sip_err
parse_tel(struct sip_uri *u, struct slice s, size_t p, struct sip_perr *pe)
{
	size_t j = p, digits = 0;
	enum sip_err e;

	if (j < s.len && s.p[j] == '+') {
		u->global = 1;
		j++;
	}
	for (; j < s.len; j++) {
		char c = s.p[j];

		if (c == '-' || c == '.' || c == '(' || c == ')')
			continue;
		if ((c >= '0' && c <= '9') || (!u->global &&
		    ((cls((unsigned char)c) & C_HEX) || c == '*' || c == '#')))
			digits++;
		else
			break;
	}
	if (digits == 0)
		SIP_PERR_FAIL(pe, j, "tel URI has no number");
	u->number = slice_make(s.p + p, j - p);
	if ((e = uri_params(u, s, &j, pe)) != SIP_OK)
		return e;
	return trailer(s, j, pe);
}

void
sip_uri_init(struct sip_uri *u)
{
	/* Everything but the arrays: they are kilobytes, and counted. */
	memset(u, 0, offsetof(struct sip_uri, params));
	u->nparams = 0;
	u->nheaders = 0;
	u->transport = u->user_param = u->method = u->ttl = u->maddr =
	    SLICE_NULL;
	u->lr = 0;
}

enum sip_err
sip_uri_parse(struct sip_uri *u, struct slice s, struct sip_perr *pe)
{
	size_t i = 0, j;

	sip_uri_init(u);
	u->all = s;
	if (s.len == 0)
		SIP_PERR_FAIL(pe, 0, "empty URI");
	if (s.p[0] == '<')
		SIP_PERR_FAIL(pe, 0, "URI enclosed in <>");
	/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
	if (!((s.p[0] | 0x20) >= 'a' && (s.p[0] | 0x20) <= 'z'))
		SIP_PERR_FAIL(pe, 0, "URI does not start with a scheme");
	while (i < s.len && ((cls((unsigned char)s.p[i]) & C_ALNUM) ||
	    s.p[i] == '+' || s.p[i] == '-' || s.p[i] == '.'))
		i++;
	if (i >= s.len || s.p[i] != ':')
		SIP_PERR_FAIL(pe, i, "URI has no scheme");
	u->scheme_s = slice_make(s.p, i);
	u->opaque = slice_from(s, i + 1);
	if (slice_ieq_lit(u->scheme_s, "sip"))
		u->scheme = SIP_URI_SIP;
	else if (slice_ieq_lit(u->scheme_s, "sips"))
		u->scheme = SIP_URI_SIPS;
	else if (slice_ieq_lit(u->scheme_s, "tel"))
		u->scheme = SIP_URI_TEL;
	switch (u->scheme) {
	case SIP_URI_SIP:
	case SIP_URI_SIPS:
		return parse_sip(u, s, i + 1, pe);
	case SIP_URI_TEL:
		return parse_tel(u, s, i + 1, pe);
	default:
		break;
	}
	/* absoluteURI: printable, no white space, no <>" (RFC 3261 25.1). */
	if (u->opaque.len == 0)
		SIP_PERR_FAIL(pe, i + 1, "URI has nothing after its scheme");
	for (j = i + 1; j < s.len; j++) {
		unsigned char c = (unsigned char)s.p[j];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			SIP_PERR_FAIL(pe, j, "URI contains whitespace");
		if (c < 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"')
			SIP_PERR_FAIL(pe, j, "invalid character in URI");
	}
	return SIP_OK;
}

int
sip_uri_escapes_ok(struct slice s)
{
	size_t i;

	for (i = 0; i < s.len; i++)
		if (s.p[i] == '%' && !escape_at(s, i))
			return 0;
	return 1;
}

enum sip_err
sip_uri_unescape(struct slice s, struct buf *out)
{
	enum sip_err e;
	size_t i, start = 0;
	char c;

	if (s.len == 0)
		return SIP_OK;
	for (i = 0; i < s.len; i++) {
		if (s.p[i] != '%')
			continue;
		if (!escape_at(s, i))
			return SIP_E_PARSE;
		if ((e = buf_add(out, s.p + start, i - start)) != SIP_OK)
			return e;
		c = (char)(hexval(s.p[i + 1]) * 16 + hexval(s.p[i + 2]));
		if ((e = buf_addc(out, c)) != SIP_OK)
			return e;
		i += 2;
		start = i + 1;
	}
	return buf_add(out, s.p + start, s.len - start);
}

const struct sip_param *
sip_uri_param(const struct sip_uri *u, const char *name)
{
	struct slice n = slice_cstr(name);
	unsigned i;

	for (i = 0; i < u->nparams; i++)
		if (slice_ieq(u->params[i].name, n))
			return &u->params[i];
	return NULL;
}

/* ---- comparison (RFC 3261 19.1.4) ---- */

/*
 * The next character of s at *i, decoded; *esc is 1 when it came from an
 * escape of a reserved character, which is not equal to the character
 * itself ("Characters other than those in the reserved set are
 * equivalent to their encoding").
 */
static int
next_char(struct slice s, size_t *i, int *esc)
{
	int c;

	if (escape_at(s, *i)) {
		c = hexval(s.p[*i + 1]) * 16 + hexval(s.p[*i + 2]);
		*i += 3;
		*esc = (cls((unsigned char)c) & C_RES) != 0;
		return c;
	}
	*esc = 0;
	return (unsigned char)s.p[(*i)++];
}

static int
lc(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int
esc_eq(struct slice a, struct slice b, int fold)
{
	size_t i = 0, j = 0;
	int ca, cb, ea, eb;

	while (i < a.len && j < b.len) {
		ca = next_char(a, &i, &ea);
		cb = next_char(b, &j, &eb);
		if (fold) {
			ca = lc(ca);
			cb = lc(cb);
		}
		if (ca != cb || ea != eb)
			return 0;
	}
	return i == a.len && j == b.len;
}

static int
host_eq(const struct sip_uri *a, const struct sip_uri *b)
{
	unsigned char xa[16], xb[16];
	char ta[64], tb[64];

	if (a->host_type != b->host_type)
		return 0;
	if (a->host_type != SIP_HOST_IPV6)
		return slice_ieq(a->host, b->host);
	/* Compare IPv6 references as addresses: [::1] equals [0:0::1]. */
	if (slice_copy(slice_make(a->host.p + 1, a->host.len - 2), ta,
	    sizeof(ta)) != 0 || slice_copy(slice_make(b->host.p + 1,
	    b->host.len - 2), tb, sizeof(tb)) != 0 ||
	    inet_pton(AF_INET6, ta, xa) != 1 ||
	    inet_pton(AF_INET6, tb, xb) != 1)
		return slice_ieq(a->host, b->host);
	return memcmp(xa, xb, sizeof(xa)) == 0;
}

static const struct sip_param *
find_esc(const struct sip_param *v, unsigned n, struct slice name)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (esc_eq(v[i].name, name, 1))
			return &v[i];
	return NULL;
}

static int
has_pair(const struct sip_param *v, unsigned n, const struct sip_param *p)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (esc_eq(v[i].name, p->name, 1) &&
		    esc_eq(v[i].value, p->value, 1))
			return 1;
	return 0;
}

/* RFC 3261 19.1.4: these must be in both URIs when in either. */
static int
must_match(struct slice name)
{
	return slice_ieq_lit(name, "user") || slice_ieq_lit(name, "ttl") ||
	    slice_ieq_lit(name, "method") || slice_ieq_lit(name, "maddr") ||
	    slice_ieq_lit(name, "transport");
}

static int
params_eq(const struct sip_uri *a, const struct sip_uri *b, int all)
{
	const struct sip_param *q;
	unsigned i;

	for (i = 0; i < a->nparams; i++) {
		q = find_esc(b->params, b->nparams, a->params[i].name);
		if (q == NULL) {
			if (all || must_match(a->params[i].name))
				return 0;
			continue;
		}
		/* A repeated name matches any of its values in b. */
		if (!has_pair(b->params, b->nparams, &a->params[i]))
			return 0;
	}
	for (i = 0; i < b->nparams; i++)
		if (find_esc(a->params, a->nparams, b->params[i].name) ==
		    NULL && (all || must_match(b->params[i].name)))
			return 0;
	return 1;
}

static int
headers_eq(const struct sip_uri *a, const struct sip_uri *b)
{
	unsigned i;

	if (a->nheaders != b->nheaders)
		return 0;
	for (i = 0; i < a->nheaders; i++) {
		if (!has_pair(b->headers, b->nheaders, &a->headers[i]))
			return 0;
	}
	return 1;
}

static int
is_visual(char c)
{
	return c == '-' || c == '.' || c == '(' || c == ')';
}

/* RFC 3966 5: numbers compare without visual separators. */
static int
tel_number_eq(struct slice a, struct slice b)
{
	size_t i = 0, j = 0;

	for (;;) {
		while (i < a.len && is_visual(a.p[i]))
			i++;
		while (j < b.len && is_visual(b.p[j]))
			j++;
		if (i == a.len || j == b.len)
			return i == a.len && j == b.len;
		if (lc((unsigned char)a.p[i++]) != lc((unsigned char)b.p[j++]))
			return 0;
	}
}

int
sip_uri_equal(const struct sip_uri *a, const struct sip_uri *b)
{
	if (a->scheme != b->scheme)
		return 0;
	switch (a->scheme) {
	case SIP_URI_TEL:
		return tel_number_eq(a->number, b->number) &&
		    params_eq(a, b, 1);
	case SIP_URI_SIP:
	case SIP_URI_SIPS:
		break;
	default:
		return slice_ieq(a->scheme_s, b->scheme_s) &&
		    slice_eq(a->opaque, b->opaque);
	}
	if (a->has_user != b->has_user || a->has_password != b->has_password ||
	    !esc_eq(a->user, b->user, 0) ||
	    !esc_eq(a->password, b->password, 0))
		return 0;
	if (!host_eq(a, b) || a->has_port != b->has_port || a->port != b->port)
		return 0;
	return params_eq(a, b, 0) && headers_eq(a, b);
}

/* ---- formatting ---- */

static enum sip_err
add_lower(struct buf *out, struct slice s)
{
	enum sip_err e;
	size_t i;

	for (i = 0; i < s.len; i++)
		if ((e = buf_addc(out, (char)lc((unsigned char)s.p[i]))) !=
		    SIP_OK)
			return e;
	return SIP_OK;
}

static enum sip_err
add_list(struct buf *out, const struct sip_param *v, unsigned n, char first,
    char sep)
{
	enum sip_err e = SIP_OK;
	unsigned i;

	for (i = 0; i < n && e == SIP_OK; i++) {
		e = buf_addc(out, i == 0 ? first : sep);
		if (e == SIP_OK)
			e = buf_addslice(out, v[i].name);
		if (e == SIP_OK && v[i].has_value) {
			e = buf_addc(out, '=');
			if (e == SIP_OK)
				e = buf_addslice(out, v[i].value);
		}
	}
	return e;
}

enum sip_err
sip_uri_format(const struct sip_uri *u, struct buf *out)
{
	enum sip_err e;

	if ((e = add_lower(out, u->scheme_s)) != SIP_OK ||
	    (e = buf_addc(out, ':')) != SIP_OK)
		return e;
	switch (u->scheme) {
	case SIP_URI_TEL:
		if ((e = buf_addslice(out, u->number)) != SIP_OK)
			return e;
		return add_list(out, u->params, u->nparams, ';', ';');
	case SIP_URI_SIP:
	case SIP_URI_SIPS:
		break;
	default:
		return buf_addslice(out, u->opaque);
	}
	if (u->has_user) {
		if ((e = buf_addslice(out, u->user)) != SIP_OK)
			return e;
		if (u->has_password && ((e = buf_addc(out, ':')) != SIP_OK ||
		    (e = buf_addslice(out, u->password)) != SIP_OK))
			return e;
		if ((e = buf_addc(out, '@')) != SIP_OK)
			return e;
	}
	if ((e = add_lower(out, u->host)) != SIP_OK)
		return e;
	if (u->has_port && (e = buf_printf(out, ":%u", u->port)) != SIP_OK)
		return e;
	if ((e = add_list(out, u->params, u->nparams, ';', ';')) != SIP_OK)
		return e;
	return add_list(out, u->headers, u->nheaders, '?', '&');
}
