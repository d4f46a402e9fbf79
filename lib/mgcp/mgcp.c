/*
 * mgcp.c - MGCP text messages (RFC 3435 3.1-3.5 and Appendix A).
 */
#include <string.h>

#include "bounds.h"
#include "mgcp.h"

/* RFC 3435 2.3's commands, and MESG (PacketCable NCS). */
static const char *const verbs[] = {
	"EPCF", "CRCX", "MDCX", "DLCX", "RQNT", "NTFY", "AUEP", "AUCX",
	"RSIP", "MESG", NULL
};

int
mgcp_verb_known(struct slice verb)
{
	size_t i;

	if (verb.len != 4)
		return 0;
	for (i = 0; verbs[i] != NULL; i++)
		if (slice_ieq_n(verb, verbs[i], 4))
			return 1;
	return 0;
}

static int
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* The line at *at of [*at, e): without its CR LF or LF; *at moves past. */
static struct slice
line(const char **at, const char *e)
{
	const char *p = *at, *nl = memchr(p, '\n', (size_t)(e - p));
	struct slice l;

	if (nl == NULL) {
		l = slice_make(p, (size_t)(e - p));
		*at = e;
	} else {
		l = slice_make(p, (size_t)(nl - p));
		*at = nl + 1;
	}
	if (l.len > 0 && l.p[l.len - 1] == '\r')
		l.len--;
	return l;
}

/* The next white-space-separated word of *l, which moves past it. */
static struct slice
word(struct slice *l)
{
	size_t i = 0, j;

	while (i < l->len && is_wsp(l->p[i]))
		i++;
	j = i;
	while (j < l->len && !is_wsp(l->p[j]))
		j++;
	*l = slice_from(*l, j);
	return slice_make(l->p - (j - i), j - i);
}

static int
all_digits(struct slice s, size_t min, size_t max)
{
	size_t i;

	if (s.len < min || s.len > max)
		return 0;
	for (i = 0; i < s.len; i++)
		if (!is_digit(s.p[i]))
			return 0;
	return 1;
}

/* ALPHA 3(ALPHA / DIGIT): a verb's shape (extension verbs included). */
static int
verb_shape(struct slice v)
{
	size_t i;

	if (v.len != 4 || !is_alpha(v.p[0]))
		return 0;
	for (i = 1; i < 4; i++)
		if (!is_alpha(v.p[i]) && !is_digit(v.p[i]))
			return 0;
	return 1;
}

/* "MGCP" 1*WSP 1*DIGIT "." 1*DIGIT at the start of l. */
static int
version_ok(struct slice l)
{
	struct slice w = word(&l), num;
	const char *dot;

	if (!slice_ieq_lit(w, "MGCP"))
		return 0;
	num = word(&l);
	dot = num.len > 0 ? memchr(num.p, '.', num.len) : NULL;
	return dot != NULL && all_digits(slice_make(num.p,
	    (size_t)(dot - num.p)), 1, 9) && all_digits(slice_make(dot + 1,
	    num.len - (size_t)(dot - num.p) - 1), 1, 9);
}

int
mgcp_looks(const char *p, size_t n, int strict)
{
	const char *at = p;
	struct slice l, w, tx, ep;

	/*
	 * Refused in a few compares first: a capture asks this of every
	 * datagram that is not on the MGCP ports, SIP above all.
	 */
	if (!mgcp_may_look(p, n))
		return 0;
	if (is_digit(p[0])) {
		if (!is_digit(p[1]) || !is_digit(p[2]) || !is_wsp(p[3]))
			return 0;
	} else if (!is_wsp(p[4]) || (strict ?
	    !mgcp_verb_known(slice_make(p, 4)) : !verb_shape(slice_make(p, 4))))
		return 0;
	if (n > 512)
		n = 512;	/* a start line is short */
	l = line(&at, p + n);
	w = word(&l);
	tx = word(&l);
	if (!all_digits(tx, 1, 9))
		return 0;
	if (all_digits(w, 3, 3))
		return 1;
	if (strict ? !mgcp_verb_known(w) : !verb_shape(w))
		return 0;
	ep = word(&l);
	return memchr(ep.p, '@', ep.len) != NULL && version_ok(l);
}

size_t
mgcp_junk(const char *p, size_t n, size_t *from)
{
	const char *e, *q, *qe, *s = p;

	*from = 0;
	if (n > SIP_MAX_LINE)
		n = SIP_MAX_LINE;
	while (s < p + n && (*s == '\r' || *s == '\n'))
		s++;
	*from = (size_t)(s - p);
	if ((e = memchr(s, '\n', (size_t)(p + n - s))) == NULL ||
	    mgcp_looks(s, (size_t)(p + n - s), 1))
		return 0;	/* not a whole line yet, or no junk */
	qe = e - s > SIP_MAX_JUNK ? s + SIP_MAX_JUNK : e;
	for (q = s + 1; q < qe; q++)
		/* a response code is not the end of a longer number */
		if ((is_alpha(*q) || (is_digit(*q) && !is_digit(q[-1]))) &&
		    mgcp_looks(q, (size_t)(p + n - q), 1))
			return (size_t)(q - p);
	return 0;
}

int
mgcp_next(struct slice *rest, struct slice *msg)
{
	const char *p = rest->p, *e = rest->p + rest->len, *at = p, *ls;
	struct slice l;
	size_t i;

	for (i = 0; i < rest->len && slice_is_lws_byte(p[i]); i++)
		;
	if (i == rest->len)
		return 0;
	while (at < e) {
		ls = at;
		l = line(&at, e);
		if (l.len == 1 && l.p[0] == '.') {
			*msg = slice_make(p, (size_t)(ls - p));
			*rest = slice_make(at, (size_t)(e - at));
			return 1;
		}
	}
	*msg = *rest;
	*rest = slice_make(e, 0);
	return 1;
}

size_t
mgcp_text(const char *p, size_t n, int (*other)(const char *, size_t),
    size_t *used, int *ended)
{
	const char *e = p + n, *at = p, *ls, *end;
	struct slice l;

	line(&at, e);			/* its first line */
	end = at;			/* the end of its last line not empty */
	while (at < e) {
		ls = at;
		l = line(&at, e);
		if (l.len == 1 && l.p[0] == '.') {
			*used = (size_t)(at - p);
			*ended = 1;
			return (size_t)(ls - p);
		}
		if (l.len > 0 && (mgcp_looks(ls, (size_t)(e - ls), 1) ||
		    (other != NULL && other(ls, (size_t)(e - ls))))) {
			*used = (size_t)(ls - p);
			*ended = 1;
			return (size_t)(end - p);
		}
		if (l.len > 0)
			end = at;
	}
	*used = n;
	*ended = 0;
	return (size_t)(end - p);
}

static void
flag(struct mgcp_msg *m, const char *why, const char *where)
{
	if (m->bad == NULL) {
		m->bad = why;
		m->bad_off = (size_t)(where - m->raw.p);
	}
}

/* The first line: a command's or a response's. */
static enum sip_err
first_line(struct mgcp_msg *m, struct slice l)
{
	struct slice w = word(&l), rest;

	if (all_digits(w, 3, 3)) {
		m->is_response = 1;
		m->code = (w.p[0] - '0') * 100 + (w.p[1] - '0') * 10 +
		    (w.p[2] - '0');
		m->txid = word(&l);
		if (!all_digits(m->txid, 1, 9))
			flag(m, "MGCP transaction id is not 1 to 9 digits",
			    m->txid.len > 0 ? m->txid.p : w.p + w.len);
		rest = l;
		w = word(&rest);
		if (w.len > 0 && w.p[0] == '/') {
			m->package = slice_from(w, 1);
			l = rest;
		}
		m->comment = slice_trim(l);
		return SIP_OK;
	}
	if (!verb_shape(w)) {
		flag(m, "not an MGCP command or response line", m->raw.p);
		return SIP_E_PARSE;
	}
	m->verb = w;
	m->txid = word(&l);
	if (!all_digits(m->txid, 1, 9)) {
		flag(m, "MGCP transaction id is not 1 to 9 digits",
		    m->txid.len > 0 ? m->txid.p : w.p + w.len);
	}
	m->endpoint = word(&l);
	{
		ptrdiff_t at = slice_chr(m->endpoint, '@');

		if (at <= 0 || (size_t)at + 1 >= m->endpoint.len)
			flag(m, "MGCP endpoint name is not local@domain",
			    m->endpoint.len > 0 ? m->endpoint.p :
			    m->txid.p + m->txid.len);
		else {
			m->ep_local = slice_head(m->endpoint, (size_t)at);
			m->ep_domain = slice_from(m->endpoint, (size_t)at + 1);
		}
	}
	rest = slice_trim(l);
	if (!version_ok(rest)) {
		flag(m, "no MGCP protocol version (\"MGCP 1.0\")",
		    rest.len > 0 ? rest.p : m->endpoint.p + m->endpoint.len);
		m->version = rest;
		return SIP_OK;
	}
	m->version = rest;
	w = word(&l);		/* MGCP */
	w = word(&l);		/* 1.0 */
	m->profile = slice_trim(l);
	return SIP_OK;
}

/* A parameter line's name: letters, digits and - + / _ (X-, pkg/name). */
static int
param_name_ok(struct slice s)
{
	size_t i;

	if (s.len == 0 || s.len > 64)
		return 0;
	for (i = 0; i < s.len; i++) {
		char c = s.p[i];

		if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '+' &&
		    c != '/' && c != '_')
			return 0;
	}
	return 1;
}

/* The session description from at: up to an empty line, or the end. */
static struct slice
sdp_part(const char **at, const char *e)
{
	const char *p = *at, *ls;
	struct slice l;

	while (*at < e) {
		ls = *at;
		l = line(at, e);
		if (l.len == 0)
			return slice_make(p, (size_t)(ls - p));
	}
	return slice_make(p, (size_t)(e - p));
}

enum sip_err
mgcp_parse(struct mgcp_msg *m, const char *p, size_t n)
{
	const char *at = p, *e = p + n, *ls;
	struct slice l;
	ptrdiff_t colon;
	enum sip_err err;

	memset(m, 0, sizeof(*m));
	m->raw = slice_make(p, n);
	if (n == 0) {
		flag(m, "empty MGCP message", p);
		return SIP_E_PARSE;
	}
	if ((err = first_line(m, line(&at, e))) != SIP_OK)
		return err;
	while (at < e) {
		ls = at;
		l = line(&at, e);
		if (l.len == 0) {
			/* The empty line: session descriptions follow. */
			m->sdp = sdp_part(&at, e);
			if (at < e) {
				m->sdp2 = sdp_part(&at, e);
				if (slice_trim(m->sdp2).len == 0)
					m->sdp2 = SLICE_NULL;
			}
			if (at < e && slice_trim(slice_make(at,
			    (size_t)(e - at))).len > 0)
				flag(m, "more than two session "
				    "descriptions in an MGCP message", at);
			break;
		}
		colon = slice_chr(l, ':');
		if (colon < 0 || !param_name_ok(slice_trim(slice_head(l,
		    (size_t)colon)))) {
			flag(m, colon < 0 ? "MGCP parameter line without ':'" :
			    "bad MGCP parameter name", ls);
			continue;
		}
		if (m->nparams == MGCP_MAX_PARAMS) {
			flag(m, "more than 64 MGCP parameter lines", ls);
			continue;
		}
		m->params[m->nparams].name = slice_trim(slice_head(l,
		    (size_t)colon));
		m->params[m->nparams].value = slice_trim(slice_from(l,
		    (size_t)colon + 1));
		m->nparams++;
	}
	return SIP_OK;
}

struct slice
mgcp_param(const struct mgcp_msg *m, const char *name)
{
	return mgcp_param_n(m, name, strlen(name));
}

struct slice
mgcp_param_n(const struct mgcp_msg *m, const char *name, size_t n)
{
	unsigned i;

	for (i = 0; i < m->nparams; i++)
		if (slice_ieq_n(m->params[i].name, name, n))
			return m->params[i].value;
	return SLICE_NULL;
}
