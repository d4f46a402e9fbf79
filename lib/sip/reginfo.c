/*
 * reginfo.c - application/reginfo+xml (RFC 3680 5): a small XML reader
 * for the one schema, the merged view of 5.2, and the notifier's writer.
 */
#include <stdlib.h>
#include <string.h>

#include "reginfo.h"

#define MAXATTR	32	/* attributes on one element */
#define MAXNS	64	/* namespace declarations in scope */

static const char *const event_names[] = {
#define X(id, name)	name,
	SIP_REGINFO_EVENTS(X)
#undef X
};

const char *
sip_reginfo_event_name(enum sip_reginfo_event e)
{
	return (unsigned)e < SIP_REGINFO_EV_COUNT ? event_names[e] : "?";
}

const char *
sip_reginfo_rstate_name(enum sip_reginfo_rstate s)
{
	static const char *const n[] = { "init", "active", "terminated" };

	return (unsigned)s < 3 ? n[s] : "?";
}

struct attr {
	struct slice	 name, value;	/* name as written, prefix included */
};

struct tag {
	struct slice	 qname;		/* as written */
	struct slice	 prefix, local;
	struct attr	 a[MAXATTR];
	unsigned	 na;
	int		 empty;		/* <x/> */
	size_t		 off;
};

struct xp {
	const char		*b;
	size_t			 len, i;
	struct sip_perr		*pe;
	struct {
		struct slice	 prefix, uri;
	}			 ns[MAXNS];
	unsigned		 nns;
	struct sip_reginfo	*ri;
};

/* What an element is to the reader. */
enum kind { K_SKIP, K_REGINFO, K_REG, K_CONTACT, K_URI, K_DISPLAY, K_PARAM };

static enum sip_err
bad(struct xp *x, size_t off, const char *why, enum sip_err e)
{
	if (x->pe != NULL) {
		x->pe->off = off;
		x->pe->why = why;
	}
	return e;
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A byte that may be in a name: XML's NameChar, loosely (any non-ASCII). */
static int
is_name(char c)
{
	unsigned char u = (unsigned char)c;

	return u >= 0x80 || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
	    (u >= '0' && u <= '9') || u == '_' || u == ':' || u == '-' ||
	    u == '.';
}

static void
skip_ws(struct xp *x)
{
	while (x->i < x->len && is_ws(x->b[x->i]))
		x->i++;
}

/* Whether the input at i starts with lit. */
static int
at(const struct xp *x, const char *lit)
{
	size_t n = strlen(lit);

	return x->len - x->i >= n && memcmp(x->b + x->i, lit, n) == 0;
}

/* Move past the next occurrence of lit; 0 when there is none. */
static int
past(struct xp *x, const char *lit)
{
	size_t n = strlen(lit);

	for (size_t j = x->i; j + n <= x->len; j++)
		if (memcmp(x->b + j, lit, n) == 0) {
			x->i = j + n;
			return 1;
		}
	return 0;
}

/* Every '&' in v begins a well-formed reference. */
static int
refs_ok(struct slice v)
{
	for (size_t i = 0; i < v.len; i++) {
		size_t j;

		if (v.p[i] == '<')
			return 0;
		if (v.p[i] != '&')
			continue;
		for (j = i + 1; j < v.len && v.p[j] != ';'; j++)
			if (!is_name(v.p[j]) && v.p[j] != '#')
				return 0;
		if (j >= v.len || j == i + 1)
			return 0;
		i = j;
	}
	return 1;
}

static struct slice
name(struct xp *x)
{
	size_t s = x->i;

	while (x->i < x->len && is_name(x->b[x->i]))
		x->i++;
	return slice_make(x->b + s, x->i - s);
}

/* After '<': a start tag into t. */
static enum sip_err
start_tag(struct xp *x, struct tag *t)
{
	ptrdiff_t colon;

	t->off = x->i - 1;
	t->na = 0;
	t->empty = 0;
	t->qname = name(x);
	if (t->qname.len == 0)
		return bad(x, x->i, "expected an element name", SIP_E_PARSE);
	colon = slice_chr(t->qname, ':');
	t->prefix = colon >= 0 ? slice_head(t->qname, (size_t)colon) :
	    slice_make(t->qname.p, 0);
	t->local = colon >= 0 ? slice_from(t->qname, (size_t)colon + 1) :
	    t->qname;
	for (;;) {
		size_t s = x->i;
		struct attr *a;
		char q;

		skip_ws(x);
		if (x->i >= x->len)
			return bad(x, t->off, "unterminated tag", SIP_E_PARSE);
		if (x->b[x->i] == '>') {
			x->i++;
			return SIP_OK;
		}
		if (at(x, "/>")) {
			x->i += 2;
			t->empty = 1;
			return SIP_OK;
		}
		if (x->i == s)
			return bad(x, x->i, "expected white space before an "
			    "attribute", SIP_E_PARSE);
		if (t->na == MAXATTR)
			return bad(x, x->i, "too many attributes", SIP_E_TOOBIG);
		a = &t->a[t->na];
		a->name = name(x);
		if (a->name.len == 0)
			return bad(x, x->i, "expected an attribute name",
			    SIP_E_PARSE);
		skip_ws(x);
		if (x->i >= x->len || x->b[x->i] != '=')
			return bad(x, x->i, "expected '=' after an attribute "
			    "name", SIP_E_PARSE);
		x->i++;
		skip_ws(x);
		if (x->i >= x->len || (x->b[x->i] != '"' && x->b[x->i] != '\''))
			return bad(x, x->i, "expected a quoted attribute value",
			    SIP_E_PARSE);
		q = x->b[x->i++];
		s = x->i;
		while (x->i < x->len && x->b[x->i] != q)
			x->i++;
		if (x->i >= x->len)
			return bad(x, s - 1, "unterminated attribute value",
			    SIP_E_PARSE);
		a->value = slice_make(x->b + s, x->i - s);
		x->i++;
		if (!refs_ok(a->value))
			return bad(x, s, "'<' or a bad '&' reference in an "
			    "attribute value", SIP_E_PARSE);
		for (unsigned k = 0; k < t->na; k++)
			if (slice_eq(t->a[k].name, a->name))
				return bad(x, s, "duplicate attribute",
				    SIP_E_PARSE);
		t->na++;
	}
}

/* The value of the unprefixed attribute n, or a NULL slice. */
static struct slice
attr(const struct tag *t, const char *n)
{
	for (unsigned k = 0; k < t->na; k++)
		if (slice_eq_cstr(t->a[k].name, n))
			return t->a[k].value;
	return slice_make(NULL, 0);
}

/* Declare t's xmlns attributes; returns how many were pushed. */
static enum sip_err
push_ns(struct xp *x, const struct tag *t, unsigned *pushed)
{
	*pushed = 0;
	for (unsigned k = 0; k < t->na; k++) {
		struct slice n = t->a[k].name;

		if (!slice_eq_cstr(n, "xmlns") && !slice_has_prefix(n, "xmlns:"))
			continue;
		if (x->nns == MAXNS)
			return bad(x, t->off, "too many namespace declarations",
			    SIP_E_TOOBIG);
		x->ns[x->nns].prefix = n.len > 5 ? slice_from(n, 6) :
		    slice_make(n.p, 0);
		x->ns[x->nns].uri = t->a[k].value;
		x->nns++;
		(*pushed)++;
	}
	return SIP_OK;
}

/*
 * Whether t is in the reginfo namespace.  Leniency: a document that
 * declares no default namespace at all has its unprefixed elements
 * taken as reginfo's.
 */
static enum sip_err
ours(struct xp *x, const struct tag *t, int *yes)
{
	for (unsigned k = x->nns; k-- > 0;)
		if (slice_eq(x->ns[k].prefix, t->prefix)) {
			*yes = slice_eq_cstr(x->ns[k].uri, SIP_REGINFO_NS);
			return SIP_OK;
		}
	if (t->prefix.len > 0)
		return bad(x, t->off, "undeclared namespace prefix", SIP_E_PARSE);
	*yes = 1;
	return SIP_OK;
}

static enum sip_err
number(struct xp *x, const struct tag *t, const char *n, uint64_t max,
    uint64_t *out, int *has)
{
	struct slice v = attr(t, n);

	*has = v.p != NULL;
	if (v.p == NULL)
		return SIP_OK;
	if (slice_to_u64(slice_trim(v), max, out) != 0)
		return bad(x, (size_t)(v.p - x->b), "not a number in range",
		    SIP_E_PARSE);
	return SIP_OK;
}

static enum sip_err
open_reginfo(struct xp *x, const struct tag *t)
{
	struct slice v = attr(t, "version"), st = attr(t, "state");
	uint64_t n;

	if (v.p == NULL)
		return bad(x, t->off, "reginfo without version", SIP_E_PARSE);
	if (slice_to_u64(slice_trim(v), UINT32_MAX, &n) != 0)
		return bad(x, (size_t)(v.p - x->b), "version is not a 32-bit "
		    "number", SIP_E_PARSE);
	x->ri->version = (uint32_t)n;
	if (slice_eq_cstr(st, "full"))
		x->ri->full = 1;
	else if (slice_eq_cstr(st, "partial"))
		x->ri->full = 0;
	else
		return bad(x, st.p ? (size_t)(st.p - x->b) : t->off,
		    "reginfo state is not full or partial", SIP_E_PARSE);
	return SIP_OK;
}

static enum sip_err
open_reg(struct xp *x, const struct tag *t)
{
	struct sip_reginfo_reg *r;
	struct slice st = attr(t, "state");

	if (x->ri->nreg == SIP_REGINFO_MAXREGS)
		return bad(x, t->off, "too many registrations", SIP_E_TOOBIG);
	r = &x->ri->reg[x->ri->nreg];
	r->aor = attr(t, "aor");
	r->id = attr(t, "id");
	r->first = x->ri->ncontact;
	r->n = 0;
	if (r->aor.p == NULL)
		return bad(x, t->off, "registration without aor", SIP_E_PARSE);
	if (r->id.p == NULL)
		return bad(x, t->off, "registration without id", SIP_E_PARSE);
	if (slice_eq_cstr(st, "init"))
		r->state = SIP_REGINFO_INIT;
	else if (slice_eq_cstr(st, "active"))
		r->state = SIP_REGINFO_ACTIVE;
	else if (slice_eq_cstr(st, "terminated"))
		r->state = SIP_REGINFO_TERMINATED;
	else
		return bad(x, st.p ? (size_t)(st.p - x->b) : t->off,
		    "registration state is not init, active or terminated",
		    SIP_E_PARSE);
	x->ri->nreg++;
	return SIP_OK;
}

static enum sip_err
open_contact(struct xp *x, const struct tag *t)
{
	struct sip_reginfo_contact *c;
	struct slice st = attr(t, "state"), ev = attr(t, "event");
	enum sip_err e;
	int h, k;

	if (x->ri->ncontact == SIP_REGINFO_MAXCONTACTS)
		return bad(x, t->off, "too many contacts", SIP_E_TOOBIG);
	c = &x->ri->contact[x->ri->ncontact];
	memset(c, 0, sizeof(*c));
	c->off = t->off;
	c->id = attr(t, "id");
	c->q = attr(t, "q");
	c->callid = attr(t, "callid");
	if (c->id.p == NULL)
		return bad(x, t->off, "contact without id", SIP_E_PARSE);
	if (slice_eq_cstr(st, "active"))
		c->active = 1;
	else if (!slice_eq_cstr(st, "terminated"))
		return bad(x, st.p ? (size_t)(st.p - x->b) : t->off,
		    "contact state is not active or terminated", SIP_E_PARSE);
	for (k = 0; k < SIP_REGINFO_EV_COUNT; k++)
		if (slice_eq_cstr(ev, event_names[k]))
			break;
	if (k == SIP_REGINFO_EV_COUNT)
		return bad(x, ev.p ? (size_t)(ev.p - x->b) : t->off,
		    "contact event is not one of RFC 3680's", SIP_E_PARSE);
	c->event = (enum sip_reginfo_event)k;
	if ((e = number(x, t, "expires", UINT64_MAX, &c->expires, &h)))
		return e;
	c->has |= h ? SIP_REGINFO_HAS_EXPIRES : 0;
	if ((e = number(x, t, "retry-after", UINT64_MAX, &c->retry_after, &h)))
		return e;
	c->has |= h ? SIP_REGINFO_HAS_RETRY : 0;
	if ((e = number(x, t, "duration-registered", UINT64_MAX, &c->duration,
	    &h)))
		return e;
	c->has |= h ? SIP_REGINFO_HAS_DURATION : 0;
	if ((e = number(x, t, "cseq", UINT64_MAX, &c->cseq, &h)))
		return e;
	c->has |= h ? SIP_REGINFO_HAS_CSEQ : 0;
	/* 5.1: shortened carries expires, probation retry-after */
	if (c->event == SIP_REGINFO_EV_SHORTENED &&
	    !(c->has & SIP_REGINFO_HAS_EXPIRES))
		return bad(x, t->off, "a shortened contact without expires",
		    SIP_E_PARSE);
	if (c->event == SIP_REGINFO_EV_PROBATION &&
	    !(c->has & SIP_REGINFO_HAS_RETRY))
		return bad(x, t->off, "a probation contact without retry-after",
		    SIP_E_PARSE);
	x->ri->ncontact++;
	x->ri->reg[x->ri->nreg - 1].n++;
	return SIP_OK;
}

/* The kind of element t inside an element of kind parent. */
static enum sip_err
kind_of(struct xp *x, const struct tag *t, enum kind parent, enum kind *k)
{
	struct slice l = t->local;
	enum sip_err e;
	int mine;

	*k = K_SKIP;
	if ((e = ours(x, t, &mine)) != SIP_OK)
		return e;
	if (!mine)
		return SIP_OK;	/* 5.1: other namespaces are ignored */
	if (parent == K_REGINFO && slice_eq_cstr(l, "registration"))
		*k = K_REG;
	else if (parent == K_REG && slice_eq_cstr(l, "contact"))
		*k = K_CONTACT;
	else if (parent == K_CONTACT && slice_eq_cstr(l, "uri"))
		*k = K_URI;
	else if (parent == K_CONTACT && slice_eq_cstr(l, "display-name"))
		*k = K_DISPLAY;
	else if (parent == K_CONTACT && slice_eq_cstr(l, "unknown-param"))
		*k = K_PARAM;
	return SIP_OK;
}

static enum sip_err element(struct xp *, struct tag *, enum kind, int);

/* Text content of a uri, display-name or unknown-param element. */
static enum sip_err
take_text(struct xp *x, struct slice *txt, struct slice chunk, size_t off)
{
	while (chunk.len > 0 && is_ws(chunk.p[0])) {
		chunk.p++;
		chunk.len--;
	}
	while (chunk.len > 0 && is_ws(chunk.p[chunk.len - 1]))
		chunk.len--;
	if (chunk.len == 0)
		return SIP_OK;
	if (txt->p != NULL)
		return bad(x, off, "text split by markup", SIP_E_PARSE);
	*txt = chunk;
	return SIP_OK;
}

/*
 * The content of the element t of kind k, up to its end tag; text into
 * *txt for the text kinds.
 */
static enum sip_err
content(struct xp *x, const struct tag *t, enum kind k, int depth,
    struct slice *txt)
{
	enum sip_err e;

	for (;;) {
		size_t s = x->i;

		while (x->i < x->len && x->b[x->i] != '<')
			x->i++;
		if (x->i > s) {
			struct slice chunk = slice_make(x->b + s, x->i - s);

			if (!refs_ok(chunk))
				return bad(x, s, "a bad '&' reference in text",
				    SIP_E_PARSE);
			if (k >= K_URI && (e = take_text(x, txt, chunk, s)))
				return e;
		}
		if (x->i >= x->len)
			return bad(x, t->off, "element not closed", SIP_E_PARSE);
		s = x->i;
		if (at(x, "<!--")) {
			if (!past(x, "-->"))
				return bad(x, s, "unterminated comment",
				    SIP_E_PARSE);
		} else if (at(x, "<![CDATA[")) {
			size_t cs = x->i + 9;

			if (!past(x, "]]>"))
				return bad(x, s, "unterminated CDATA section",
				    SIP_E_PARSE);
			if (k >= K_URI && (e = take_text(x, txt, slice_make(x->b +
			    cs, x->i - 3 - cs), s)))
				return e;
		} else if (at(x, "<?")) {
			if (!past(x, "?>"))
				return bad(x, s, "unterminated processing "
				    "instruction", SIP_E_PARSE);
		} else if (at(x, "</")) {
			struct slice n;

			x->i += 2;
			n = name(x);
			skip_ws(x);
			if (!slice_eq(n, t->qname))
				return bad(x, s, "end tag does not match the "
				    "start tag", SIP_E_PARSE);
			if (x->i >= x->len || x->b[x->i] != '>')
				return bad(x, x->i, "expected '>'", SIP_E_PARSE);
			x->i++;
			return SIP_OK;
		} else if (at(x, "<!")) {
			return bad(x, s, "markup declarations are not allowed",
			    SIP_E_PARSE);
		} else {
			struct tag child;

			x->i++;
			if ((e = start_tag(x, &child)) != SIP_OK)
				return e;
			if ((e = element(x, &child, k, depth + 1)) != SIP_OK)
				return e;
		}
	}
}

/* Element t (its start tag read) inside an element of kind parent. */
static enum sip_err
element(struct xp *x, struct tag *t, enum kind parent, int depth)
{
	struct slice txt = slice_make(NULL, 0);
	enum kind k;
	unsigned pushed;
	enum sip_err e;

	if (depth > SIP_REGINFO_MAXDEPTH)
		return bad(x, t->off, "elements nested too deep", SIP_E_TOOBIG);
	if ((e = push_ns(x, t, &pushed)) != SIP_OK)
		return e;
	if ((e = kind_of(x, t, parent, &k)) != SIP_OK)
		return e;
	if (k == K_REG)
		e = open_reg(x, t);
	else if (k == K_CONTACT)
		e = open_contact(x, t);
	if (e == SIP_OK && !t->empty)
		e = content(x, t, k, depth, &txt);
	if (e != SIP_OK)
		return e;
	if (k == K_CONTACT && x->ri->contact[x->ri->ncontact - 1].uri.p == NULL)
		return bad(x, t->off, "contact without uri", SIP_E_PARSE);
	if (k >= K_URI) {
		struct sip_reginfo_contact *c =
		    &x->ri->contact[x->ri->ncontact - 1];

		if (txt.p == NULL)
			txt = slice_make(x->b + x->i, 0);
		if (k == K_URI)
			c->uri = txt;
		else if (k == K_DISPLAY)
			c->display = txt;
		else if (c->nparam == SIP_REGINFO_MAXPARAMS)
			return bad(x, t->off, "too many unknown-param elements",
			    SIP_E_TOOBIG);
		else {
			struct slice n = attr(t, "name");

			if (n.p == NULL)
				return bad(x, t->off, "unknown-param without "
				    "name", SIP_E_PARSE);
			c->param[c->nparam].name = n;
			c->param[c->nparam].value = txt;
			c->nparam++;
		}
	}
	x->nns -= pushed;
	return SIP_OK;
}

/* Comments, PIs and white space before or after the root element. */
static enum sip_err
misc(struct xp *x, int prolog)
{
	for (;;) {
		size_t s;

		skip_ws(x);
		s = x->i;
		if (x->i >= x->len)
			return SIP_OK;
		if (at(x, "<!--")) {
			if (!past(x, "-->"))
				return bad(x, s, "unterminated comment",
				    SIP_E_PARSE);
		} else if (at(x, "<?")) {
			if (!past(x, "?>"))
				return bad(x, s, "unterminated processing "
				    "instruction", SIP_E_PARSE);
		} else if (at(x, "<!")) {
			/* no DTD: nothing to expand, nothing to fetch */
			return bad(x, s, "DOCTYPE is not allowed", SIP_E_PARSE);
		} else if (prolog && x->b[x->i] == '<') {
			return SIP_OK;
		} else {
			return bad(x, s, prolog ? "expected the reginfo element" :
			    "content after the root element", SIP_E_PARSE);
		}
	}
}

enum sip_err
sip_reginfo_parse(struct sip_reginfo *ri, const char *buf, size_t len,
    struct sip_perr *pe)
{
	struct xp x;
	struct tag root;
	enum sip_err e;
	int mine;

	memset(&x, 0, sizeof(x));
	x.b = buf;
	x.len = len;
	x.pe = pe;
	x.ri = ri;
	ri->nreg = ri->ncontact = 0;
	ri->version = 0;
	ri->full = 0;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		x.i = 3;	/* a UTF-8 byte order mark */
	if ((e = misc(&x, 1)) != SIP_OK)
		return e;
	if (x.i >= x.len)
		return bad(&x, x.i, "no reginfo element", SIP_E_PARSE);
	x.i++;
	if ((e = start_tag(&x, &root)) != SIP_OK)
		return e;
	{
		unsigned pushed;

		if ((e = push_ns(&x, &root, &pushed)) != SIP_OK ||
		    (e = ours(&x, &root, &mine)) != SIP_OK)
			return e;
	}
	if (!mine || !slice_eq_cstr(root.local, "reginfo"))
		return bad(&x, root.off, "the root element is not reginfo",
		    SIP_E_PARSE);
	if ((e = open_reginfo(&x, &root)) != SIP_OK)
		return e;
	if (!root.empty) {
		struct slice txt = slice_make(NULL, 0);

		if ((e = content(&x, &root, K_REGINFO, 1, &txt)) != SIP_OK)
			return e;
	}
	return misc(&x, 0);
}

/* Append code point cp as UTF-8. */
static enum sip_err
utf8(struct buf *out, uint32_t cp)
{
	char u[4];
	size_t n;

	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return SIP_E_PARSE;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return buf_add(out, u, n);
}

enum sip_err
sip_reginfo_unescape(struct slice v, struct buf *out)
{
	static const struct { const char *name; char c; } ent[] = {
		{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
		{ "apos", '\'' }
	};
	enum sip_err e;

	for (size_t i = 0; i < v.len; i++) {
		struct slice r;
		size_t j;
		unsigned k;

		if (v.p[i] != '&') {
			if ((e = buf_addc(out, v.p[i])) != SIP_OK)
				return e;
			continue;
		}
		for (j = i + 1; j < v.len && v.p[j] != ';'; j++)
			;
		if (j >= v.len)
			return SIP_E_PARSE;
		r = slice_make(v.p + i + 1, j - i - 1);
		if (r.len >= 2 && r.p[0] == '#') {
			uint32_t cp = 0;
			int hex = r.p[1] == 'x';
			size_t d = hex ? 2 : 1;

			if (d >= r.len || r.len - d > 8)
				return SIP_E_PARSE;
			for (; d < r.len; d++) {
				char c = r.p[d];
				int dv = c >= '0' && c <= '9' ? c - '0' :
				    hex && c >= 'a' && c <= 'f' ? c - 'a' + 10 :
				    hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

				if (dv < 0)
					return SIP_E_PARSE;
				cp = cp * (hex ? 16 : 10) + (uint32_t)dv;
				if (cp > 0x10ffff)
					return SIP_E_PARSE;
			}
			if ((e = utf8(out, cp)) != SIP_OK)
				return e;
		} else {
			for (k = 0; k < sizeof(ent) / sizeof(ent[0]); k++)
				if (slice_eq_cstr(r, ent[k].name))
					break;
			if (k == sizeof(ent) / sizeof(ent[0]))
				return SIP_E_PARSE;
			if ((e = buf_addc(out, ent[k].c)) != SIP_OK)
				return e;
		}
		i = j;
	}
	return SIP_OK;
}

/* A NUL-terminated copy of v with its entities resolved; NULL for none. */
static enum sip_err
dup_text(struct slice v, char **out)
{
	struct buf b;
	enum sip_err e;

	*out = NULL;
	if (v.p == NULL)
		return SIP_OK;
	buf_init(&b, SIP_MAX_LINE);
	if ((e = sip_reginfo_unescape(v, &b)) == SIP_OK &&
	    (e = buf_addc(&b, '\0')) == SIP_OK) {
		*out = b.p;	/* the buf's memory is the string */
		return SIP_OK;
	}
	buf_free(&b);
	return e;
}

static void
vc_free(struct sip_reginfo_vcontact *c)
{
	free(c->reg_id);
	free(c->aor);
	free(c->id);
	free(c->uri);
	free(c->display);
	free(c->q);
	free(c->callid);
	memset(c, 0, sizeof(*c));
}

static int
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Fill n from the document's contact c of registration r. */
static enum sip_err
vc_fill(struct sip_reginfo_vcontact *n, const struct sip_reginfo_reg *r,
    const struct sip_reginfo_contact *c)
{
	enum sip_err e;

	memset(n, 0, sizeof(*n));
	if ((e = dup_text(r->id, &n->reg_id)) || (e = dup_text(r->aor,
	    &n->aor)) || (e = dup_text(c->id, &n->id)) ||
	    (e = dup_text(c->uri, &n->uri)) || (e = dup_text(c->display,
	    &n->display)) || (e = dup_text(c->q, &n->q)) ||
	    (e = dup_text(c->callid, &n->callid))) {
		vc_free(n);
		return e;
	}
	n->active = c->active;
	n->event = c->event;
	n->has = c->has;
	n->expires = c->expires;
	n->retry_after = c->retry_after;
	n->duration = c->duration;
	n->cseq = c->cseq;
	return SIP_OK;
}

/*
 * Whether n is news against o.  Not expires: a full document gives the
 * seconds left, which count down.  Not an event that went back to
 * "registered" alone: Kamailio's pua_reginfo calls every contact it did
 * not just change "registered" in each full document.
 */
static int
differs(const struct sip_reginfo_vcontact *o,
    const struct sip_reginfo_vcontact *n)
{
	return o->active != n->active || o->cseq != n->cseq ||
	    !str_eq(o->callid, n->callid) || !str_eq(o->uri, n->uri) ||
	    (o->event != n->event && n->event != SIP_REGINFO_EV_REGISTERED);
}

/* The view's contact of registration rid with id cid, or -1. */
static int
find(const struct sip_reginfo_view *v, const char *rid, const char *cid)
{
	for (unsigned i = 0; i < v->n; i++)
		if (v->c[i].id != NULL && str_eq(v->c[i].reg_id, rid) &&
		    str_eq(v->c[i].id, cid))
			return (int)i;
	return -1;
}

static void
note(struct sip_reginfo_change *ch, unsigned max, unsigned *nch,
    enum sip_reginfo_change_kind k, const struct sip_reginfo_vcontact *c)
{
	if (ch != NULL && *nch < max) {
		ch[*nch].kind = k;
		ch[*nch].c = c;
		(*nch)++;
	}
}

/*
 * Drop what the last merge flushed (its changes pointed at them).
 * Terminated contacts stay until a full document leaves them out: a
 * notifier that names them again (Kamailio does, in every full
 * document) has nothing new to say about them.
 */
static void
sweep(struct sip_reginfo_view *v)
{
	unsigned j = 0;

	for (unsigned i = 0; i < v->n; i++) {
		if (v->c[i].seen < 0) {
			vc_free(&v->c[i]);
			continue;
		}
		v->c[j++] = v->c[i];
	}
	v->n = j;
}

enum sip_err
sip_reginfo_merge(struct sip_reginfo_view *v, const struct sip_reginfo *ri,
    struct sip_reginfo_change *ch, unsigned max, unsigned *nch,
    enum sip_reginfo_order *order)
{
	enum sip_err e;
	int first = !v->have_version;

	*nch = 0;
	sweep(v);
	/*
	 * 5.2: versions order the documents.  Leniency: a full document
	 * with the version last seen is taken, since it replaces everything
	 * anyway; Kamailio's presence_reginfo sends version 0 every time.
	 */
	if (v->have_version && (ri->version < v->version ||
	    (ri->version == v->version && !ri->full))) {
		*order = SIP_REGINFO_STALE;
		return SIP_OK;
	}
	*order = v->have_version && ri->version > v->version + 1 ?
	    SIP_REGINFO_GAP : SIP_REGINFO_IN_ORDER;
	/* room for every contact of the document: changes point into v->c */
	if (v->n + ri->ncontact > v->cap) {
		unsigned cap = v->n + ri->ncontact + 16;
		void *p;

		if (v->n + ri->ncontact > SIP_REGINFO_MAXVIEW)
			return SIP_E_TOOBIG;
		if ((p = realloc(v->c, cap * sizeof(*v->c))) == NULL)
			return SIP_E_NOMEM;
		v->c = p;
		v->cap = cap;
	}
	v->version = ri->version;
	v->have_version = 1;
	for (unsigned i = 0; i < v->n; i++)
		v->c[i].seen = 0;
	for (unsigned r = 0; r < ri->nreg; r++) {
		const struct sip_reginfo_reg *rg = &ri->reg[r];

		for (unsigned k = rg->first; k < rg->first + rg->n; k++) {
			struct sip_reginfo_vcontact n;
			int at;

			if ((e = vc_fill(&n, rg, &ri->contact[k])) != SIP_OK)
				return e;
			at = find(v, n.reg_id, n.id);
			if (at >= 0) {
				int changed = differs(&v->c[at], &n);

				vc_free(&v->c[at]);
				v->c[at] = n;
				v->c[at].seen = 1;
				if (changed)
					note(ch, max, nch, SIP_REGINFO_CHANGED,
					    &v->c[at]);
				continue;
			}
			v->c[v->n] = n;
			v->c[v->n].seen = 1;
			/*
			 * The first document's terminated contacts are
			 * history, not news (Kamailio keeps naming them)
			 */
			if (n.active || !first)
				note(ch, max, nch, SIP_REGINFO_NEW, &v->c[v->n]);
			v->n++;
		}
	}
	/* 5.2: a full document flushes what it does not name */
	if (ri->full)
		for (unsigned i = 0; i < v->n; i++)
			if (v->c[i].seen == 0) {
				v->c[i].seen = -1;
				/* a terminated one was reported already */
				if (v->c[i].active)
					note(ch, max, nch, SIP_REGINFO_GONE,
					    &v->c[i]);
			}
	return SIP_OK;
}

void
sip_reginfo_view_free(struct sip_reginfo_view *v)
{
	for (unsigned i = 0; i < v->n; i++)
		vc_free(&v->c[i]);
	free(v->c);
	memset(v, 0, sizeof(*v));
}

/*
 * s as XML text or an attribute value: the five entities escaped, and
 * white space as references (attribute values normalise it, and the
 * reader trims text, which a reference is not).
 */
static enum sip_err
put_text(struct buf *b, const char *s)
{
	const char *start = s;
	enum sip_err e = SIP_OK;

	for (; *s != '\0' && e == SIP_OK; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == ' ' && (s == start || s[1] == '\0' || s[1] == ' ')) {
			e = buf_adds(b, "&#32;");	/* at an edge */
			continue;
		}
		if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r')
			return SIP_E_INVAL;	/* not even &#..; in XML 1.0 */
		switch (ch) {
		case '&':	e = buf_adds(b, "&amp;"); break;
		case '<':	e = buf_adds(b, "&lt;"); break;
		case '>':	e = buf_adds(b, "&gt;"); break;
		case '"':	e = buf_adds(b, "&quot;"); break;
		case '\'':	e = buf_adds(b, "&apos;"); break;
		case '\t':	e = buf_adds(b, "&#9;"); break;
		case '\n':	e = buf_adds(b, "&#10;"); break;
		case '\r':	e = buf_adds(b, "&#13;"); break;
		default:	e = buf_addc(b, (char)ch); break;
		}
	}
	return e;
}

/* name="value", escaped; nothing for a NULL value. */
static enum sip_err
put_attr(struct buf *b, const char *name, const char *v)
{
	enum sip_err e;

	if (v == NULL)
		return SIP_OK;
	if ((e = buf_printf(b, " %s=\"", name)) != SIP_OK ||
	    (e = put_text(b, v)) != SIP_OK)
		return e;
	return buf_addc(b, '"');
}

static enum sip_err
put_num(struct buf *b, const char *name, int has, uint64_t v)
{
	return has ? buf_printf(b, " %s=\"%llu\"", name,
	    (unsigned long long)v) : SIP_OK;
}

static enum sip_err
put_contact(struct buf *b, const struct sip_reginfo_vcontact *c)
{
	enum sip_err e;

	if (c->id == NULL || c->uri == NULL)
		return SIP_E_INVAL;
	if ((e = buf_adds(b, "    <contact")) ||
	    (e = put_attr(b, "id", c->id)) ||
	    (e = put_attr(b, "state", c->active ? "active" : "terminated")) ||
	    (e = put_attr(b, "event", sip_reginfo_event_name(c->event))) ||
	    (e = put_num(b, "expires", c->has & SIP_REGINFO_HAS_EXPIRES,
	    c->expires)) ||
	    (e = put_num(b, "retry-after", c->has & SIP_REGINFO_HAS_RETRY,
	    c->retry_after)) ||
	    (e = put_num(b, "duration-registered",
	    c->has & SIP_REGINFO_HAS_DURATION, c->duration)) ||
	    (e = put_attr(b, "q", c->q)) ||
	    (e = put_attr(b, "callid", c->callid)) ||
	    (e = put_num(b, "cseq", c->has & SIP_REGINFO_HAS_CSEQ, c->cseq)) ||
	    (e = buf_adds(b, ">\n      <uri>")) || (e = put_text(b, c->uri)) ||
	    (e = buf_adds(b, "</uri>\n")))
		return e;
	if (c->display != NULL && ((e = buf_adds(b, "      <display-name>")) ||
	    (e = put_text(b, c->display)) ||
	    (e = buf_adds(b, "</display-name>\n"))))
		return e;
	return buf_adds(b, "    </contact>\n");
}

enum sip_err
sip_reginfo_build(struct buf *b, uint32_t version, int full,
    const struct sip_reginfo_breg *r, unsigned nreg)
{
	enum sip_err e;

	if ((e = buf_printf(b, "<?xml version=\"1.0\"?>\n"
	    "<reginfo xmlns=\"" SIP_REGINFO_NS "\" version=\"%lu\" "
	    "state=\"%s\">\n", (unsigned long)version, full ? "full" :
	    "partial")) != SIP_OK)
		return e;
	for (unsigned i = 0; i < nreg; i++) {
		if (r[i].aor == NULL || r[i].id == NULL)
			return SIP_E_INVAL;
		if ((e = buf_adds(b, "  <registration")) ||
		    (e = put_attr(b, "aor", r[i].aor)) ||
		    (e = put_attr(b, "id", r[i].id)) ||
		    (e = put_attr(b, "state",
		    sip_reginfo_rstate_name(r[i].state))) ||
		    (e = buf_adds(b, r[i].n > 0 ? ">\n" : "/>\n")))
			return e;
		if (r[i].n == 0)
			continue;
		for (unsigned k = 0; k < r[i].n; k++)
			if ((e = put_contact(b, &r[i].c[k])) != SIP_OK)
				return e;
		if ((e = buf_adds(b, "  </registration>\n")) != SIP_OK)
			return e;
	}
	return buf_adds(b, "</reginfo>\n");
}
