/*
 * sdp.c - SDP parsing (RFC 8866 5 and 9), typed attributes, the RFC 3551
 * static payload types and RFC 3264 offers and answers.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdp.h"

static enum sip_err
fail(struct sip_perr *pe, struct slice base, const char *at, const char *why)
{
	if (pe != NULL) {
		pe->off = at != NULL && base.p != NULL && at >= base.p ?
		    (size_t)(at - base.p) : 0;
		pe->why = why;
	}
	return SIP_E_PARSE;
}

/* ---- lines and sections ---- */

static void
media_line(struct sdp_media *md, struct slice v)
{
	struct slice rest = v, port;
	ptrdiff_t sl;

	md->ok = 0;
	md->port_ok = 0;
	md->nports_num = 1;
	if (!sdp_field_next(&rest, &md->type) ||
	    !sdp_field_next(&rest, &port) ||
	    !sdp_field_next(&rest, &md->proto))
		return;
	md->fmts = slice_trim(rest);
	md->ok = md->fmts.len > 0;
	sl = slice_chr(port, '/');
	md->port = sl >= 0 ? slice_head(port, (size_t)sl) : port;
	md->nports = sl >= 0 ? slice_from(port, (size_t)sl + 1) : SLICE_NULL;
	if (slice_to_u32(md->port, 65535, &md->port_num) != 0)
		return;
	if (sl >= 0 && (slice_to_u32(md->nports, 65535, &md->nports_num) != 0 ||
	    md->nports_num == 0))
		return;
	md->port_ok = 1;
}

enum sip_err
sdp_parse(struct sdp *s, const char *buf, size_t len, struct sip_perr *pe)
{
	struct slice all = slice_make(buf, len);
	size_t i = 0, start, end;
	uint32_t lineno = 1;
	enum sip_err e = SIP_OK;

	s->buf = buf;
	s->len = len;
	s->nlines = 0;
	s->nmedia = 0;
	s->sess_end = 0;
	if (pe != NULL) {
		pe->off = 0;
		pe->why = NULL;
	}
	if (len > UINT32_MAX)
		return SIP_E_TOOBIG;
	while (i < len) {
		struct sdp_line *l;

		if (s->nlines == SDP_MAX_LINES) {
			if (pe != NULL) {
				pe->off = i;
				pe->why = "too many lines";
			}
			return SIP_E_TOOBIG;
		}
		l = &s->lines[s->nlines];
		start = i;
		while (i < len && buf[i] != '\r' && buf[i] != '\n')
			i++;
		end = i;
		l->flags = 0;
		if (i == len)
			l->flags |= SDP_L_NO_EOL;
		else if (buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n')
			i += 2;
		else {
			l->flags |= buf[i] == '\n' ? SDP_L_BARE_LF :
			    SDP_L_BARE_CR;
			i++;
		}
		l->text = slice_make(buf + start, end - start);
		l->off = (uint32_t)start;
		l->lineno = lineno++;
		if (l->text.len >= 2 && l->text.p[0] >= 'a' &&
		    l->text.p[0] <= 'z' && l->text.p[1] == '=') {
			l->type = l->text.p[0];
			l->val = slice_from(l->text, 2);
		} else {
			l->type = 0;
			l->val = SLICE_NULL;
			if (e == SIP_OK)
				e = fail(pe, all, l->text.p, l->text.len == 0 ?
				    "empty line" : "not a '<type>=<value>' "
				    "line");
		}
		if (l->type == 'm') {
			struct sdp_media *md;

			if (s->nmedia == SDP_MAX_MEDIA) {
				if (pe != NULL) {
					pe->off = start;
					pe->why = "too many media sections";
				}
				return SIP_E_TOOBIG;
			}
			if (s->nmedia == 0)
				s->sess_end = s->nlines;
			md = &s->media[s->nmedia++];
			md->first = s->nlines;
			media_line(md, l->val);
			if (!md->ok && e == SIP_OK)
				e = fail(pe, all, l->text.p,
				    "'m=' wants <media> <port> <proto> "
				    "<fmt>...");
		}
		l->media = (uint16_t)s->nmedia;
		if (s->nmedia > 0)
			s->media[s->nmedia - 1].end = s->nlines + 1;
		s->nlines++;
	}
	if (s->nmedia == 0)
		s->sess_end = s->nlines;
	if (s->nlines == 0 || s->lines[0].type != 'v')
		return fail(pe, all, buf, "an SDP description starts with "
		    "'v='");
	return e;
}

unsigned
sdp_line_of(const struct sdp *s, size_t off, unsigned *col)
{
	unsigned lo = 0, hi = s->nlines, mid;

	if (s->nlines == 0) {
		if (col != NULL)
			*col = (unsigned)off + 1;
		return 1;
	}
	while (hi - lo > 1) {
		mid = (lo + hi) / 2;
		if (s->lines[mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	if (col != NULL)
		*col = (unsigned)(off - s->lines[lo].off) + 1;
	return s->lines[lo].lineno;
}

void
sdp_level_range(const struct sdp *s, unsigned lvl, unsigned *first,
    unsigned *end)
{
	if (lvl == 0 || lvl > s->nmedia) {
		*first = 0;
		*end = s->sess_end;
	} else {
		*first = s->media[lvl - 1].first;
		*end = s->media[lvl - 1].end;
	}
}

/* ---- fields ---- */

int
sdp_field_next(struct slice *rest, struct slice *field)
{
	size_t i = 0, j;

	while (i < rest->len && rest->p[i] == ' ')
		i++;
	if (i == rest->len) {
		*rest = slice_from(*rest, i);
		return 0;
	}
	j = i;
	while (j < rest->len && rest->p[j] != ' ')
		j++;
	*field = slice_make(rest->p + i, j - i);
	*rest = slice_from(*rest, j);
	return 1;
}

/* The rest of v after leading spaces. */
static struct slice
skip_sp(struct slice v)
{
	size_t i = 0;

	while (i < v.len && v.p[i] == ' ')
		i++;
	return slice_from(v, i);
}

enum sip_err
sdp_origin_parse(struct slice v, struct sdp_origin *o, struct sip_perr *pe)
{
	struct slice rest = v, extra;
	struct slice *f[6];
	unsigned i;

	f[0] = &o->user;
	f[1] = &o->sess_id;
	f[2] = &o->sess_version;
	f[3] = &o->nettype;
	f[4] = &o->addrtype;
	f[5] = &o->addr;
	for (i = 0; i < 6; i++) {
		*f[i] = SLICE_NULL;
		if (!sdp_field_next(&rest, f[i]))
			return fail(pe, v, v.p + v.len, "'o=' wants <username> "
			    "<sess-id> <sess-version> <nettype> <addrtype> "
			    "<address>");
	}
	if (sdp_field_next(&rest, &extra))
		return fail(pe, v, extra.p, "'o=' has more than six fields");
	return SIP_OK;
}

enum sip_err
sdp_conn_parse(struct slice v, struct sdp_conn *c, struct sip_perr *pe)
{
	struct slice rest = v, a, extra;
	ptrdiff_t sl;

	memset(c, 0, sizeof(*c));
	if (!sdp_field_next(&rest, &c->nettype) ||
	    !sdp_field_next(&rest, &c->addrtype) ||
	    !sdp_field_next(&rest, &a))
		return fail(pe, v, v.p + v.len,
		    "'c=' wants <nettype> <addrtype> <connection-address>");
	if (sdp_field_next(&rest, &extra))
		return fail(pe, v, extra.p, "'c=' has more than three fields");
	sl = slice_chr(a, '/');
	c->addr = sl >= 0 ? slice_head(a, (size_t)sl) : a;
	if (sl >= 0) {
		struct slice t = slice_from(a, (size_t)sl + 1);
		ptrdiff_t sl2 = slice_chr(t, '/');

		c->ttl = sl2 >= 0 ? slice_head(t, (size_t)sl2) : t;
		if (sl2 >= 0)
			c->count = slice_from(t, (size_t)sl2 + 1);
		if (c->ttl.len == 0)
			return fail(pe, v, c->ttl.p, "empty field after '/'");
		if (sl2 >= 0 && c->count.len == 0)
			return fail(pe, v, c->count.p, "empty field after '/'");
	}
	return SIP_OK;
}

int
sdp_media_conn(const struct sdp *s, unsigned m, struct sdp_conn *c)
{
	unsigned first, end, i, lvl;

	for (lvl = m + 1;; lvl = 0) {
		sdp_level_range(s, lvl, &first, &end);
		for (i = first; i < end; i++)
			if (s->lines[i].type == 'c' &&
			    sdp_conn_parse(s->lines[i].val, c, NULL) == SIP_OK)
				return 1;
		if (lvl == 0)
			return 0;
	}
}

static int
is_ip4(struct slice a, unsigned *first)
{
	char tmp[16];
	struct in_addr in;

	if (a.len == 0 || slice_copy(a, tmp, sizeof(tmp)) != 0 ||
	    inet_pton(AF_INET, tmp, &in) != 1)
		return 0;
	if (first != NULL)
		*first = ((const unsigned char *)&in)[0];
	return 1;
}

static int
is_ip6(struct slice a, unsigned *first)
{
	char tmp[64];
	struct in6_addr in;

	if (a.len == 0 || slice_copy(a, tmp, sizeof(tmp)) != 0 ||
	    inet_pton(AF_INET6, tmp, &in) != 1)
		return 0;
	if (first != NULL)
		*first = in.s6_addr[0];
	return 1;
}

/* RFC 8866 9: FQDN = 4*(alpha-numeric / "-" / "."), and a sane hostname. */
static int
is_fqdn(struct slice a)
{
	size_t i;
	int alpha = 0;

	if (a.len < 4 || a.len > 255 || a.p[0] == '.' || a.p[0] == '-')
		return 0;
	for (i = 0; i < a.len; i++) {
		char c = a.p[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			alpha = 1;
		else if (!(c >= '0' && c <= '9') && c != '-' && c != '.')
			return 0;
		if (c == '.' && i > 0 && a.p[i - 1] == '.')
			return 0;
	}
	return alpha;
}

enum sdp_addr
sdp_addr_kind(struct slice a)
{
	unsigned first;

	if (is_ip4(a, &first))
		return first >= 224 && first <= 239 ? SDP_ADDR_IP4_MCAST :
		    SDP_ADDR_IP4;
	if (is_ip6(a, &first))
		return first == 0xff ? SDP_ADDR_IP6_MCAST : SDP_ADDR_IP6;
	if (is_fqdn(a))
		return SDP_ADDR_FQDN;
	return SDP_ADDR_BAD;
}

/* ---- attributes ---- */

static const struct {
	const char	*name;
	char		 level;
	char		 value;
} attrs[SDP_A__COUNT] = {
	{ NULL, 'B', 2 },
#define X(id, name, lvl, val)	{ name, lvl, val },
	SDP_ATTR_MAP(X)
#undef X
};

void
sdp_attr_split(struct slice v, struct slice *name, struct slice *value,
    int *has_value)
{
	ptrdiff_t c = slice_chr(v, ':');

	*name = c >= 0 ? slice_head(v, (size_t)c) : v;
	*value = c >= 0 ? slice_from(v, (size_t)c + 1) :
	    slice_make(v.p + v.len, 0);
	if (has_value != NULL)
		*has_value = c >= 0;
}

enum sdp_attr_id
sdp_attr_lookup(struct slice name)
{
	unsigned i;

	for (i = 1; i < SDP_A__COUNT; i++)
		if (slice_eq_cstr(name, attrs[i].name) ||
		    (attrs[i].name[0] == 'T' && slice_ieq_cstr(name,
		    attrs[i].name)))
			return (enum sdp_attr_id)i;
	return SDP_A_OTHER;
}

const char *
sdp_attr_name(enum sdp_attr_id id)
{
	return (unsigned)id < SDP_A__COUNT ? attrs[id].name : NULL;
}

char
sdp_attr_level(enum sdp_attr_id id)
{
	return (unsigned)id < SDP_A__COUNT ? attrs[id].level : 'B';
}

int
sdp_attr_takes_value(enum sdp_attr_id id)
{
	return (unsigned)id < SDP_A__COUNT ? attrs[id].value : 2;
}

const struct sdp_line *
sdp_attr_next(const struct sdp *s, unsigned lvl, unsigned *i,
    enum sdp_attr_id *id, struct slice *name, struct slice *value)
{
	unsigned first, end;
	struct slice n, v;

	sdp_level_range(s, lvl, &first, &end);
	if (*i < first)
		*i = first;
	for (; *i < end; (*i)++) {
		const struct sdp_line *l = &s->lines[*i];

		if (l->type != 'a')
			continue;
		sdp_attr_split(l->val, &n, &v, NULL);
		if (id != NULL)
			*id = sdp_attr_lookup(n);
		if (name != NULL)
			*name = n;
		if (value != NULL)
			*value = v;
		(*i)++;
		return l;
	}
	return NULL;
}

struct slice
sdp_attr_get(const struct sdp *s, unsigned lvl, const char *name, int *found)
{
	unsigned i = 0;
	struct slice n, v;

	while (sdp_attr_next(s, lvl, &i, NULL, &n, &v) != NULL)
		if (slice_eq_cstr(n, name)) {
			if (found != NULL)
				*found = 1;
			return v;
		}
	if (found != NULL)
		*found = 0;
	return SLICE_NULL;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A decimal with an optional fraction, in thousandths; 0 on error. */
static int
decimal_milli(struct slice v, uint64_t max, uint64_t *out)
{
	ptrdiff_t dot = slice_chr(v, '.');
	struct slice ip = dot >= 0 ? slice_head(v, (size_t)dot) : v;
	struct slice fp = dot >= 0 ? slice_from(v, (size_t)dot + 1) :
	    SLICE_NULL;
	uint64_t n, f = 0, scale = 100;
	size_t i;

	if (slice_to_u64(ip, max, &n) != 0)
		return 0;
	if (dot >= 0 && fp.len == 0)
		return 0;
	for (i = 0; i < fp.len; i++) {
		if (!is_digit(fp.p[i]))
			return 0;
		f += (uint64_t)(fp.p[i] - '0') * scale;
		scale /= 10;
	}
	*out = n * 1000 + f;
	return 1;
}

enum sip_err
sdp_rtpmap_parse(struct slice v, struct sdp_rtpmap *r, struct sip_perr *pe)
{
	struct slice rest = v, pt, enc, parts;
	ptrdiff_t sl;

	memset(r, 0, sizeof(*r));
	if (!sdp_field_next(&rest, &pt))
		return fail(pe, v, v.p, "'rtpmap' wants <payload type> "
		    "<encoding name>/<clock rate>[/<parameters>]");
	if (slice_to_u32(pt, 127, &r->pt) != 0)
		return fail(pe, v, pt.p, "payload type is not a number from 0 "
		    "to 127");
	rest = skip_sp(rest);
	if (rest.len == 0)
		return fail(pe, v, v.p + v.len, "'rtpmap' has no encoding "
		    "name");
	sl = slice_chr(rest, '/');
	enc = sl >= 0 ? slice_head(rest, (size_t)sl) : rest;
	if (enc.len == 0 || !slice_is_token_str(enc))
		return fail(pe, v, enc.p, "bad encoding name");
	r->enc = enc;
	if (sl < 0)
		return fail(pe, v, v.p + v.len, "'rtpmap' has no clock rate "
		    "after the encoding name");
	parts = slice_from(rest, (size_t)sl + 1);
	sl = slice_chr(parts, '/');
	if (slice_to_u32(sl >= 0 ? slice_head(parts, (size_t)sl) : parts,
	    UINT32_MAX, &r->rate) != 0 || r->rate == 0)
		return fail(pe, v, parts.p, "clock rate is not a positive "
		    "number");
	if (sl >= 0 && (slice_to_u32(slice_from(parts, (size_t)sl + 1), 255,
	    &r->channels) != 0 || r->channels == 0))
		return fail(pe, v, parts.p + sl + 1, "encoding parameters "
		    "(channels) are not a number from 1 to 255");
	return SIP_OK;
}

enum sip_err
sdp_fmtp_parse(struct slice v, struct sdp_fmtp *f, struct sip_perr *pe)
{
	struct slice rest = v;

	memset(f, 0, sizeof(*f));
	if (!sdp_field_next(&rest, &f->fmt) || !slice_is_token_str(f->fmt))
		return fail(pe, v, v.p, "'fmtp' wants <format> <parameters>");
	f->params = skip_sp(rest);
	if (f->params.len == 0)
		return fail(pe, v, v.p + v.len, "'fmtp' has no parameters");
	return SIP_OK;
}

enum sip_err
sdp_ptime_parse(struct slice v, uint32_t *us, struct sip_perr *pe)
{
	uint64_t milli;

	if (!decimal_milli(v, 3600000, &milli))
		return fail(pe, v, v.p, "not a number of milliseconds");
	*us = (uint32_t)milli;
	return SIP_OK;
}

enum sip_err
sdp_rtcp_parse(struct slice v, struct sdp_rtcp *r, struct sip_perr *pe)
{
	struct slice rest = v, port, extra;

	memset(r, 0, sizeof(*r));
	if (!sdp_field_next(&rest, &port) ||
	    slice_to_u32(port, 65535, &r->port) != 0)
		return fail(pe, v, v.p, "'rtcp' wants a port from 0 to 65535");
	if (!sdp_field_next(&rest, &r->nettype))
		return SIP_OK;
	if (!sdp_field_next(&rest, &r->addrtype) ||
	    !sdp_field_next(&rest, &r->addr))
		return fail(pe, v, v.p + v.len, "'rtcp' wants <port> "
		    "[<nettype> <addrtype> <address>]");
	if (sdp_field_next(&rest, &extra))
		return fail(pe, v, extra.p, "'rtcp' has too many fields");
	if (sdp_addr_kind(r->addr) == SDP_ADDR_BAD)
		return fail(pe, v, r->addr.p, "bad address");
	return SIP_OK;
}

enum sip_err
sdp_rtcpfb_parse(struct slice v, struct sdp_rtcpfb *r, struct sip_perr *pe)
{
	struct slice rest = v;
	uint32_t n;

	memset(r, 0, sizeof(*r));
	if (!sdp_field_next(&rest, &r->pt) || !sdp_field_next(&rest, &r->type))
		return fail(pe, v, v.p + v.len, "'rtcp-fb' wants <payload "
		    "type>|* <type> [<parameters>]");
	if (!slice_eq_lit(r->pt, "*") && slice_to_u32(r->pt, 127, &n) != 0)
		return fail(pe, v, r->pt.p, "payload type is not '*' or a "
		    "number from 0 to 127");
	if (!slice_is_token_str(r->type))
		return fail(pe, v, r->type.p, "feedback type is not a token");
	r->param = skip_sp(rest);
	return SIP_OK;
}

enum sip_err
sdp_mid_parse(struct slice v, struct sip_perr *pe)
{
	if (!slice_is_token_str(v))
		return fail(pe, v, v.p, "identification tag is not a token");
	return SIP_OK;
}

/* 1*(SP token) after a leading token: each must be a token. */
static enum sip_err
token_list(struct slice all, struct slice rest, int need_one,
    struct sip_perr *pe)
{
	struct slice t;
	int n = 0;

	while (sdp_field_next(&rest, &t)) {
		if (!slice_is_token_str(t))
			return fail(pe, all, t.p, "not a token");
		n++;
	}
	if (need_one && n == 0)
		return fail(pe, all, all.p + all.len, "list is empty");
	return SIP_OK;
}

enum sip_err
sdp_group_parse(struct slice v, struct sdp_group *g, struct sip_perr *pe)
{
	struct slice rest = v;

	memset(g, 0, sizeof(*g));
	if (!sdp_field_next(&rest, &g->semantics) ||
	    !slice_is_token_str(g->semantics))
		return fail(pe, v, v.p, "'group' wants <semantics> *(<mid>)");
	g->ids = skip_sp(rest);
	return token_list(v, rest, 0, pe);
}

/* msid-id and msid-appdata: 1*64 token-char (RFC 8830 2). */
static int
msid_token(struct slice t)
{
	return t.len >= 1 && t.len <= 64 && slice_is_token_str(t);
}

enum sip_err
sdp_msid_parse(struct slice v, struct sdp_msid *m, struct sip_perr *pe)
{
	struct slice rest = v, extra;

	memset(m, 0, sizeof(*m));
	if (!sdp_field_next(&rest, &m->id) || !msid_token(m->id))
		return fail(pe, v, v.p, "'msid' wants <id> [<appdata>], "
		    "1 to 64 token characters each");
	if (sdp_field_next(&rest, &m->appdata) && !msid_token(m->appdata))
		return fail(pe, v, m->appdata.p, "msid appdata is not 1 to 64 "
		    "token characters");
	if (sdp_field_next(&rest, &extra))
		return fail(pe, v, extra.p, "'msid' has too many fields");
	return SIP_OK;
}

enum sip_err
sdp_ssrc_parse(struct slice v, struct sdp_ssrc *s, struct sip_perr *pe)
{
	struct slice rest = v, id, a;
	ptrdiff_t c;

	memset(s, 0, sizeof(*s));
	if (!sdp_field_next(&rest, &id) ||
	    slice_to_u32(id, UINT32_MAX, &s->ssrc) != 0)
		return fail(pe, v, v.p, "'ssrc' wants a 32-bit number");
	a = skip_sp(rest);
	if (a.len == 0)
		return fail(pe, v, v.p + v.len, "'ssrc' wants <ssrc> "
		    "<attribute>[:<value>]");
	c = slice_chr(a, ':');
	s->attr = c >= 0 ? slice_head(a, (size_t)c) : a;
	s->value = c >= 0 ? slice_from(a, (size_t)c + 1) : SLICE_NULL;
	if (!slice_is_token_str(s->attr))
		return fail(pe, v, a.p, "ssrc attribute name is not a token");
	return SIP_OK;
}

enum sip_err
sdp_ssrc_group_parse(struct slice v, struct sdp_ssrc_group *g,
    struct sip_perr *pe)
{
	struct slice rest = v, t;
	uint32_t n;

	memset(g, 0, sizeof(*g));
	if (!sdp_field_next(&rest, &g->semantics) ||
	    !slice_is_token_str(g->semantics))
		return fail(pe, v, v.p, "'ssrc-group' wants <semantics> "
		    "*(<ssrc>)");
	g->ssrcs = skip_sp(rest);
	while (sdp_field_next(&rest, &t))
		if (slice_to_u32(t, UINT32_MAX, &n) != 0)
			return fail(pe, v, t.p, "ssrc is not a 32-bit number");
	return SIP_OK;
}

static int
is_dir_word(struct slice d)
{
	return slice_eq_lit(d, "sendrecv") || slice_eq_lit(d, "sendonly") ||
	    slice_eq_lit(d, "recvonly") || slice_eq_lit(d, "inactive");
}

enum sip_err
sdp_extmap_parse(struct slice v, struct sdp_extmap *e, struct sip_perr *pe)
{
	struct slice rest = v, entry;
	ptrdiff_t sl;

	memset(e, 0, sizeof(*e));
	if (!sdp_field_next(&rest, &entry))
		return fail(pe, v, v.p, "'extmap' wants <id>[/<direction>] "
		    "<URI> [<attributes>]");
	sl = slice_chr(entry, '/');
	if (slice_to_u32(sl >= 0 ? slice_head(entry, (size_t)sl) : entry,
	    4351, &e->id) != 0 || e->id == 0 ||
	    (e->id > 255 && e->id < 4096))
		return fail(pe, v, entry.p, "extension id is not 1 to 255 or "
		    "4096 to 4351 (RFC 8285 5)");
	if (sl >= 0) {
		e->dir = slice_from(entry, (size_t)sl + 1);
		if (!is_dir_word(e->dir))
			return fail(pe, v, e->dir.p, "extmap direction is not "
			    "sendrecv, sendonly, recvonly or inactive");
	}
	if (!sdp_field_next(&rest, &e->uri))
		return fail(pe, v, v.p + v.len, "'extmap' has no extension "
		    "URI");
	e->ext = skip_sp(rest);
	return SIP_OK;
}

/* ice-char = ALPHA / DIGIT / "+" / "/" (RFC 8839 5.1). */
static int
is_ice_char(char c)
{
	return is_alnum(c) || c == '+' || c == '/';
}

enum sip_err
sdp_ice_chars(struct slice v, size_t min, size_t max, struct sip_perr *pe)
{
	size_t i;

	for (i = 0; i < v.len; i++)
		if (!is_ice_char(v.p[i]))
			return fail(pe, v, v.p + i, "not an ice-char (letters, "
			    "digits, '+' and '/')");
	if (v.len < min || v.len > max)
		return fail(pe, v, v.p, v.len < min ? "too short" : "too long");
	return SIP_OK;
}

enum sip_err
sdp_ice_options_parse(struct slice v, struct sip_perr *pe)
{
	struct slice rest = v, t;
	size_t i;
	int n = 0;

	while (sdp_field_next(&rest, &t)) {
		for (i = 0; i < t.len; i++)
			if (!is_ice_char(t.p[i]) && t.p[i] != '-' &&
			    t.p[i] != '.' && t.p[i] != '_')
				return fail(pe, v, t.p + i, "bad "
				    "ice-option-tag");
		n++;
	}
	if (n == 0)
		return fail(pe, v, v.p, "'ice-options' is empty");
	return SIP_OK;
}

enum sip_err
sdp_candidate_parse(struct slice v, struct sdp_candidate *c,
    struct sip_perr *pe)
{
	struct slice rest = v, f, typ, name, val;
	size_t i;

	memset(c, 0, sizeof(*c));
	if (!sdp_field_next(&rest, &c->foundation))
		return fail(pe, v, v.p, "'candidate' is empty");
	if (c->foundation.len > 32)
		return fail(pe, v, c->foundation.p, "foundation longer than "
		    "32");
	for (i = 0; i < c->foundation.len; i++)
		if (!is_ice_char(c->foundation.p[i]))
			return fail(pe, v, c->foundation.p + i, "foundation is "
			    "not ice-chars");
	if (!sdp_field_next(&rest, &f) || f.len > 3 ||
	    slice_to_u32(f, 256, &c->component) != 0 || c->component == 0)
		return fail(pe, v, f.p, "component id is not a number from 1 "
		    "to 256");
	if (!sdp_field_next(&rest, &c->transport) ||
	    !slice_is_token_str(c->transport))
		return fail(pe, v, v.p + v.len, "candidate has no transport");
	if (!sdp_field_next(&rest, &f) || f.len > 10 ||
	    slice_to_u32(f, 2147483647u, &c->priority) != 0 ||
	    c->priority == 0)
		return fail(pe, v, f.p != NULL ? f.p : v.p + v.len,
		    "priority is not a number from 1 to 2^31-1");
	if (!sdp_field_next(&rest, &c->addr) ||
	    sdp_addr_kind(c->addr) == SDP_ADDR_BAD)
		return fail(pe, v, c->addr.p != NULL ? c->addr.p : v.p + v.len,
		    "bad candidate address");
	if (!sdp_field_next(&rest, &f) ||
	    slice_to_u32(f, 65535, &c->port) != 0)
		return fail(pe, v, f.p != NULL ? f.p : v.p + v.len,
		    "candidate port is not a number from 0 to 65535");
	if (!sdp_field_next(&rest, &typ) || !slice_eq_lit(typ, "typ") ||
	    !sdp_field_next(&rest, &c->type) ||
	    !slice_is_token_str(c->type))
		return fail(pe, v, typ.p != NULL ? typ.p : v.p + v.len,
		    "candidate wants 'typ <host|srflx|prflx|relay>' after the "
		    "port");
	c->ext = skip_sp(rest);
	while (sdp_field_next(&rest, &name)) {
		if (!sdp_field_next(&rest, &val))
			return fail(pe, v, name.p, "candidate extension has no "
			    "value");
		if (slice_eq_lit(name, "raddr")) {
			c->raddr = val;
			if (sdp_addr_kind(val) == SDP_ADDR_BAD)
				return fail(pe, v, val.p, "bad raddr");
		} else if (slice_eq_lit(name, "rport")) {
			if (slice_to_u32(val, 65535, &c->rport) != 0)
				return fail(pe, v, val.p, "bad rport");
		} else if (!slice_is_token_str(name))
			return fail(pe, v, name.p, "candidate extension name "
			    "is not a token");
	}
	return SIP_OK;
}

static int
hexval(char c)
{
	if (is_digit(c))
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

enum sip_err
sdp_fingerprint_parse(struct slice v, struct sdp_fingerprint *f,
    struct sip_perr *pe)
{
	struct slice rest = v, extra;
	size_t i;

	memset(f, 0, sizeof(*f));
	if (!sdp_field_next(&rest, &f->hash) || !slice_is_token_str(f->hash) ||
	    !sdp_field_next(&rest, &f->hex))
		return fail(pe, v, v.p + v.len, "'fingerprint' wants "
		    "<hash-func> <hex pairs separated by ':'>");
	if (sdp_field_next(&rest, &extra))
		return fail(pe, v, extra.p, "'fingerprint' has too many "
		    "fields");
	for (i = 0; i < f->hex.len; i += 3) {
		if (i + 2 > f->hex.len || hexval(f->hex.p[i]) < 0 ||
		    hexval(f->hex.p[i + 1]) < 0)
			return fail(pe, v, f->hex.p + i, "fingerprint is not "
			    "pairs of hex digits separated by ':'");
		if (i + 2 < f->hex.len && f->hex.p[i + 2] != ':')
			return fail(pe, v, f->hex.p + i + 2, "fingerprint is "
			    "not pairs of hex digits separated by ':'");
		if (i + 3 == f->hex.len)
			return fail(pe, v, f->hex.p + i + 2, "fingerprint ends "
			    "in ':'");
		f->nbytes++;
	}
	return SIP_OK;
}

enum sip_err
sdp_setup_parse(struct slice v, enum sdp_setup *st, struct sip_perr *pe)
{
	if (slice_eq_lit(v, "active"))
		*st = SDP_SETUP_ACTIVE;
	else if (slice_eq_lit(v, "passive"))
		*st = SDP_SETUP_PASSIVE;
	else if (slice_eq_lit(v, "actpass"))
		*st = SDP_SETUP_ACTPASS;
	else if (slice_eq_lit(v, "holdconn"))
		*st = SDP_SETUP_HOLDCONN;
	else {
		*st = SDP_SETUP_NONE;
		return fail(pe, v, v.p, "'setup' is not active, passive, "
		    "actpass or holdconn (RFC 4145 4)");
	}
	return SIP_OK;
}

enum sip_err
sdp_crypto_parse(struct slice v, struct sdp_crypto *c, struct sip_perr *pe)
{
	struct slice rest = v, tag, kp, item;

	memset(c, 0, sizeof(*c));
	if (!sdp_field_next(&rest, &tag) || tag.len > 9 ||
	    slice_to_u32(tag, 999999999, &c->tag) != 0)
		return fail(pe, v, v.p, "'crypto' wants a tag of 1 to 9 "
		    "digits");
	if (!sdp_field_next(&rest, &c->suite) ||
	    !slice_is_token_str(c->suite))
		return fail(pe, v, v.p + v.len, "'crypto' has no crypto-suite");
	if (!sdp_field_next(&rest, &c->keyparams))
		return fail(pe, v, v.p + v.len, "'crypto' has no key "
		    "parameters");
	c->sessparams = skip_sp(rest);
	kp = c->keyparams;
	while (slice_split(&kp, ';', &item)) {
		ptrdiff_t colon = slice_chr(item, ':');

		if (colon <= 0 || (size_t)colon + 1 == item.len ||
		    !slice_is_token_str(slice_head(item, (size_t)colon)))
			return fail(pe, v, item.p, "key parameter is not "
			    "<method>:<info>, e.g. inline:<key>");
	}
	return SIP_OK;
}

enum sip_err
sdp_framerate_parse(struct slice v, uint32_t *milli, struct sip_perr *pe)
{
	uint64_t m;

	if (!decimal_milli(v, 1000000, &m) || m == 0)
		return fail(pe, v, v.p, "frame rate is not a positive number");
	*milli = (uint32_t)m;
	return SIP_OK;
}

enum sip_err
sdp_label_parse(struct slice v, struct sip_perr *pe)
{
	if (!slice_is_token_str(v))
		return fail(pe, v, v.p, "label is not a token (RFC 4574 4)");
	return SIP_OK;
}

enum sip_err
sdp_attr_check(enum sdp_attr_id id, struct slice v, struct sip_perr *pe)
{
	union {
		struct sdp_rtpmap	rtpmap;
		struct sdp_fmtp		fmtp;
		struct sdp_rtcp		rtcp;
		struct sdp_rtcpfb	rtcpfb;
		struct sdp_group	group;
		struct sdp_msid		msid;
		struct sdp_ssrc		ssrc;
		struct sdp_ssrc_group	ssrc_group;
		struct sdp_extmap	extmap;
		struct sdp_candidate	cand;
		struct sdp_fingerprint	fp;
		struct sdp_crypto	crypto;
		enum sdp_setup		setup;
		uint32_t		n;
	} u;

	switch (id) {
	case SDP_A_RTPMAP:
		return sdp_rtpmap_parse(v, &u.rtpmap, pe);
	case SDP_A_FMTP:
		return sdp_fmtp_parse(v, &u.fmtp, pe);
	case SDP_A_PTIME:
	case SDP_A_MAXPTIME:
		return sdp_ptime_parse(v, &u.n, pe);
	case SDP_A_RTCP:
		return sdp_rtcp_parse(v, &u.rtcp, pe);
	case SDP_A_RTCP_FB:
		return sdp_rtcpfb_parse(v, &u.rtcpfb, pe);
	case SDP_A_MID:
		return sdp_mid_parse(v, pe);
	case SDP_A_GROUP:
		return sdp_group_parse(v, &u.group, pe);
	case SDP_A_MSID:
		return sdp_msid_parse(v, &u.msid, pe);
	case SDP_A_SSRC:
		return sdp_ssrc_parse(v, &u.ssrc, pe);
	case SDP_A_SSRC_GROUP:
		return sdp_ssrc_group_parse(v, &u.ssrc_group, pe);
	case SDP_A_EXTMAP:
		return sdp_extmap_parse(v, &u.extmap, pe);
	case SDP_A_ICE_UFRAG:
		return sdp_ice_chars(v, 4, 256, pe);
	case SDP_A_ICE_PWD:
		return sdp_ice_chars(v, 22, 256, pe);
	case SDP_A_ICE_OPTIONS:
		return sdp_ice_options_parse(v, pe);
	case SDP_A_CANDIDATE:
		return sdp_candidate_parse(v, &u.cand, pe);
	case SDP_A_FINGERPRINT:
		return sdp_fingerprint_parse(v, &u.fp, pe);
	case SDP_A_SETUP:
		return sdp_setup_parse(v, &u.setup, pe);
	case SDP_A_CRYPTO:
		return sdp_crypto_parse(v, &u.crypto, pe);
	case SDP_A_FRAMERATE:
		return sdp_framerate_parse(v, &u.n, pe);
	case SDP_A_LABEL:
		return sdp_label_parse(v, pe);
	default:
		return SIP_OK;
	}
}

enum sdp_dir
sdp_level_dir(const struct sdp *s, unsigned lvl)
{
	unsigned i = 0;
	enum sdp_attr_id id;
	enum sdp_dir d = SDP_DIR_NONE;

	while (sdp_attr_next(s, lvl, &i, &id, NULL, NULL) != NULL)
		switch (id) {
		case SDP_A_SENDRECV:
			d = SDP_DIR_SENDRECV;
			break;
		case SDP_A_SENDONLY:
			d = SDP_DIR_SENDONLY;
			break;
		case SDP_A_RECVONLY:
			d = SDP_DIR_RECVONLY;
			break;
		case SDP_A_INACTIVE:
			d = SDP_DIR_INACTIVE;
			break;
		default:
			break;
		}
	return d;
}

enum sdp_dir
sdp_media_dir(const struct sdp *s, unsigned m)
{
	enum sdp_dir d = sdp_level_dir(s, m + 1);

	if (d == SDP_DIR_NONE)
		d = sdp_level_dir(s, 0);
	return d == SDP_DIR_NONE ? SDP_DIR_SENDRECV : d;
}

const char *
sdp_dir_name(enum sdp_dir d)
{
	static const char *const names[] = {
		"none", "sendrecv", "sendonly", "recvonly", "inactive"
	};

	return (unsigned)d < 5 ? names[d] : "none";
}

/* ---- payload types ---- */

/* RFC 3551 6, tables 4 and 5. */
static const struct sdp_static_pt static_pts[] = {
	{ 0, 'A', "PCMU", 8000, 1 },
	{ 3, 'A', "GSM", 8000, 1 },
	{ 4, 'A', "G723", 8000, 1 },
	{ 5, 'A', "DVI4", 8000, 1 },
	{ 6, 'A', "DVI4", 16000, 1 },
	{ 7, 'A', "LPC", 8000, 1 },
	{ 8, 'A', "PCMA", 8000, 1 },
	{ 9, 'A', "G722", 8000, 1 },
	{ 10, 'A', "L16", 44100, 2 },
	{ 11, 'A', "L16", 44100, 1 },
	{ 12, 'A', "QCELP", 8000, 1 },
	{ 13, 'A', "CN", 8000, 1 },
	{ 14, 'A', "MPA", 90000, 0 },
	{ 15, 'A', "G728", 8000, 1 },
	{ 16, 'A', "DVI4", 11025, 1 },
	{ 17, 'A', "DVI4", 22050, 1 },
	{ 18, 'A', "G729", 8000, 1 },
	{ 25, 'V', "CelB", 90000, 0 },
	{ 26, 'V', "JPEG", 90000, 0 },
	{ 28, 'V', "nv", 90000, 0 },
	{ 31, 'V', "H261", 90000, 0 },
	{ 32, 'V', "MPV", 90000, 0 },
	{ 33, 'B', "MP2T", 90000, 0 },
	{ 34, 'V', "H263", 90000, 0 },
};

const struct sdp_static_pt *
sdp_static_pt(unsigned pt)
{
	size_t i;

	for (i = 0; i < sizeof(static_pts) / sizeof(static_pts[0]); i++)
		if (static_pts[i].pt == pt)
			return &static_pts[i];
	return NULL;
}

int
sdp_proto_is_rtp(struct slice proto)
{
	size_t i;

	for (i = 0; i + 4 <= proto.len; i++)
		if (slice_ieq_lit(slice_make(proto.p + i, 4), "RTP/") &&
		    (i == 0 || proto.p[i - 1] == '/'))
			return 1;
	return 0;
}

int
sdp_proto_known(struct slice proto)
{
	static const char *const known[] = {
		"RTP/AVP", "RTP/SAVP", "RTP/AVPF", "RTP/SAVPF",
		"UDP/TLS/RTP/SAVP", "UDP/TLS/RTP/SAVPF",
		"TCP/RTP/AVP", "TCP/RTP/AVPF", "TCP/RTP/SAVP", "TCP/RTP/SAVPF",
		"TCP/TLS/RTP/SAVP", "TCP/TLS/RTP/SAVPF",
		"TCP/DTLS/RTP/SAVP", "TCP/DTLS/RTP/SAVPF",
		"UDP/DTLS/SCTP", "TCP/DTLS/SCTP", "DTLS/SCTP",
		"udp", "udptl", "TCP", "TCP/TLS", "TCP/MSRP", "TCP/TLS/MSRP",
		"TCP/WS/MSRP", "TCP/WSS/MSRP", "TCP/BFCP", "TCP/TLS/BFCP",
		"UDP/BFCP", "UDP/TLS/BFCP", "UDP/TLS/UDPTL", "TCP/TLS/UDPTL",
		"TCP/MRCPv2", "TCP/TLS/MRCPv2", "TCP/CFW", "TCP/TLS/CFW",
		NULL
	};
	size_t i;

	for (i = 0; known[i] != NULL; i++)
		if (slice_ieq_cstr(proto, known[i]))
			return 1;
	return 0;
}

int
sdp_fmt_next(struct slice *rest, struct slice *fmt)
{
	return sdp_field_next(rest, fmt);
}

int
sdp_media_rtpmap(const struct sdp *s, unsigned m, unsigned pt,
    struct sdp_rtpmap *r)
{
	unsigned i = 0;
	enum sdp_attr_id id;
	struct slice v;
	const struct sdp_static_pt *sp;

	while (sdp_attr_next(s, m + 1, &i, &id, NULL, &v) != NULL)
		if (id == SDP_A_RTPMAP && sdp_rtpmap_parse(v, r, NULL) ==
		    SIP_OK && r->pt == pt)
			return 1;
	if (pt < 96 && (sp = sdp_static_pt(pt)) != NULL) {
		r->pt = pt;
		r->enc = slice_cstr(sp->enc);
		r->rate = sp->rate;
		r->channels = sp->channels > 1 ? sp->channels : 0;
		return 1;
	}
	return 0;
}

/* ---- offer/answer ---- */

/* An output buffer whose first error sticks, so no line is half written. */
struct wr {
	struct buf	*b;
	enum sip_err	 e;
};

static void __attribute__((format(printf, 2, 3)))
wr(struct wr *w, const char *fmt, ...)
{
	va_list ap;

	if (w->e != SIP_OK)
		return;
	va_start(ap, fmt);
	w->e = buf_vprintf(w->b, fmt, ap);
	va_end(ap);
}

static const char *
addrtype_of(const char *addr)
{
	return strchr(addr, ':') != NULL ? "IP6" : "IP4";
}

static void
session_head(struct wr *out, const struct sdp_local *l, struct slice t)
{
	wr(out, "v=0\r\no=%s %" PRIu64 " %" PRIu64 " IN %s %s\r\n"
	    "s=%s\r\nc=IN %s %s\r\nt=" SLICE_FMT "\r\n",
	    l->user != NULL ? l->user : "-", l->sess_id, l->sess_version,
	    addrtype_of(l->addr), l->addr,
	    l->name != NULL && l->name[0] != '\0' ? l->name : "-",
	    addrtype_of(l->addr), l->addr, SLICE_ARG(t));
}

static int
codec_matches(const struct sdp_codec *c, const struct sdp_rtpmap *r)
{
	uint32_t ca = c->channels > 1 ? c->channels : 1;
	uint32_t ra = r->channels > 1 ? r->channels : 1;

	return slice_ieq_cstr(r->enc, c->name) && c->rate == r->rate &&
	    ca == ra;
}

static void
rtpmap_line(struct wr *out, unsigned pt, struct slice enc, uint32_t rate,
    uint32_t ch)
{
	wr(out, "a=rtpmap:%u " SLICE_FMT "/%" PRIu32, pt,
	    SLICE_ARG(enc), rate);
	if (ch > 1)
		wr(out, "/%" PRIu32, ch);
	wr(out, "\r\n");
}

static int
valid_local(const struct sdp_local *l)
{
	unsigned i, j;

	if (l->addr == NULL || sdp_addr_kind(slice_cstr(l->addr)) ==
	    SDP_ADDR_BAD || (l->nstreams > 0 && l->streams == NULL))
		return 0;
	if (l->user != NULL && (l->user[0] == '\0' ||
	    strpbrk(l->user, " \r\n") != NULL))
		return 0;
	if (l->name != NULL && strpbrk(l->name, "\r\n") != NULL)
		return 0;
	for (i = 0; i < l->nstreams; i++) {
		const struct sdp_stream *st = &l->streams[i];
		unsigned char pt_used[128] = { 0 };

		if (st->media == NULL ||
		    !slice_is_token_str(slice_cstr(st->media)) ||
		    st->ncodecs == 0 || st->codecs == NULL)
			return 0;
		for (j = 0; j < st->ncodecs; j++) {
			int pt = st->codecs[j].pt;

			if (pt >= 0 && pt <= 127 && pt_used[pt]++)
				return 0;	/* one number, two codecs */
		}
		for (j = 0; j < st->ncodecs; j++) {
			const struct sdp_codec *c = &st->codecs[j];

			if (c->name == NULL ||
			    !slice_is_token_str(slice_cstr(c->name)) ||
			    c->rate == 0 || c->pt > 127 || (c->fmtp != NULL &&
			    strpbrk(c->fmtp, "\r\n") != NULL))
				return 0;
		}
	}
	return 1;
}

static void
dir_line(struct wr *out, enum sdp_dir d)
{
	if (d != SDP_DIR_NONE)
		wr(out, "a=%s\r\n", sdp_dir_name(d));
}

enum sip_err
sdp_build_offer(struct buf *b, const struct sdp_local *l)
{
	struct wr w = { b, SIP_OK }, *out = &w;
	unsigned i, j;
	int pts[128];

	if (!valid_local(l))
		return SIP_E_INVAL;
	session_head(out, l, SLICE_LIT("0 0"));
	for (i = 0; i < l->nstreams; i++) {
		const struct sdp_stream *st = &l->streams[i];
		unsigned char used[128] = { 0 };
		unsigned next = 96;

		if (st->ncodecs > 128)
			return SIP_E_INVAL;
		for (j = 0; j < st->ncodecs; j++)
			if (st->codecs[j].pt >= 0)
				used[st->codecs[j].pt] = 1;
		for (j = 0; j < st->ncodecs; j++) {
			pts[j] = st->codecs[j].pt;
			if (pts[j] >= 0)
				continue;
			while (next < 128 && used[next])
				next++;
			if (next == 128)
				return SIP_E_INVAL;
			used[next] = 1;
			pts[j] = (int)next;
		}
		wr(out, "m=%s %u %s", st->media, st->port,
		    st->proto != NULL ? st->proto : "RTP/AVP");
		for (j = 0; j < st->ncodecs; j++)
			wr(out, " %d", pts[j]);
		wr(out, "\r\n");
		for (j = 0; j < st->ncodecs; j++) {
			const struct sdp_codec *c = &st->codecs[j];

			rtpmap_line(out, (unsigned)pts[j], slice_cstr(c->name),
			    c->rate, c->channels);
			if (c->fmtp != NULL)
				wr(out, "a=fmtp:%d %s\r\n", pts[j],
				    c->fmtp);
		}
		if (st->ptime > 0)
			wr(out, "a=ptime:%" PRIu32 "\r\n", st->ptime);
		dir_line(out, st->dir == SDP_DIR_NONE ? SDP_DIR_SENDRECV :
		    st->dir);
	}
	return w.e;
}

/* RFC 3264 6.1: what the answer may do given the offer's direction. */
static enum sdp_dir
answer_dir(enum sdp_dir offered, enum sdp_dir local)
{
	int lsend, lrecv, osend, orecv, send, recv;

	if (local == SDP_DIR_NONE)
		local = SDP_DIR_SENDRECV;
	lsend = local == SDP_DIR_SENDRECV || local == SDP_DIR_SENDONLY;
	lrecv = local == SDP_DIR_SENDRECV || local == SDP_DIR_RECVONLY;
	osend = offered == SDP_DIR_SENDRECV || offered == SDP_DIR_SENDONLY;
	orecv = offered == SDP_DIR_SENDRECV || offered == SDP_DIR_RECVONLY;
	send = lsend && orecv;
	recv = lrecv && osend;
	if (send && recv)
		return SDP_DIR_SENDRECV;
	if (send)
		return SDP_DIR_SENDONLY;
	if (recv)
		return SDP_DIR_RECVONLY;
	return SDP_DIR_INACTIVE;
}

static int
stream_fits(const struct sdp_stream *st, const struct sdp_media *md)
{
	if (!slice_ieq_cstr(md->type, st->media))
		return 0;
	if (st->proto == NULL)
		return sdp_proto_is_rtp(md->proto);
	return slice_ieq_cstr(md->proto, st->proto);
}

/* The fmtp value of pt in media m of s, or a NULL slice. */
static struct slice
media_fmtp(const struct sdp *s, unsigned m, struct slice pt)
{
	unsigned i = 0;
	enum sdp_attr_id id;
	struct slice v;
	struct sdp_fmtp f;

	while (sdp_attr_next(s, m + 1, &i, &id, NULL, &v) != NULL)
		if (id == SDP_A_FMTP && sdp_fmtp_parse(v, &f, NULL) == SIP_OK &&
		    slice_eq(f.fmt, pt))
			return f.params;
	return SLICE_NULL;
}

/*
 * The local codec of st that offered format f of media m is: its index,
 * or -1; *pt and *rm get the offer's number and encoding.
 */
static int
local_codec(const struct sdp *offer, unsigned m, const struct sdp_stream *st,
    struct slice f, uint32_t *pt, struct sdp_rtpmap *rm)
{
	unsigned j;

	if (slice_to_u32(f, 127, pt) != 0 ||
	    !sdp_media_rtpmap(offer, m, *pt, rm))
		return -1;
	for (j = 0; j < st->ncodecs; j++)
		if (codec_matches(&st->codecs[j], rm))
			return (int)j;
	return -1;
}

/* The first unused local stream that can take offered media md. */
static const struct sdp_stream *
pick_stream(const struct sdp_local *l, const unsigned char *used,
    const struct sdp_media *md, unsigned *idx)
{
	unsigned k;

	if (!md->ok || !md->port_ok || md->port_num == 0)
		return NULL;
	for (k = 0; k < l->nstreams && k < SDP_MAX_MEDIA; k++)
		if (!used[k] && stream_fits(&l->streams[k], md)) {
			*idx = k;
			return &l->streams[k];
		}
	return NULL;
}

/* Accept offered media m with local stream st; 0 if nothing in common. */
static int
answer_media(struct wr *out, const struct sdp *offer, unsigned m,
    const struct sdp_stream *st, struct sdp_answer_media *r)
{
	const struct sdp_media *md = &offer->media[m];
	struct slice rest, f, fp;
	struct sdp_rtpmap rm;
	char list[4 * 128];
	size_t ll = 0;
	uint32_t pt;
	int j;

	rest = md->fmts;
	while (sdp_fmt_next(&rest, &f)) {
		if (local_codec(offer, m, st, f, &pt, &rm) < 0 ||
		    ll + 5 > sizeof(list))
			continue;
		if (r->pt < 0) {
			r->pt = (int)pt;
			r->codec = rm;
		}
		ll += (size_t)snprintf(list + ll, sizeof(list) - ll,
		    " %" PRIu32, pt);
	}
	if (r->pt < 0)
		return 0;
	r->accepted = 1;
	r->dir = answer_dir(sdp_media_dir(offer, m), st->dir);
	wr(out, "m=" SLICE_FMT " %u " SLICE_FMT "%.*s\r\n",
	    SLICE_ARG(md->type), st->port, SLICE_ARG(md->proto), (int)ll, list);
	rest = md->fmts;
	while (sdp_fmt_next(&rest, &f)) {
		if ((j = local_codec(offer, m, st, f, &pt, &rm)) < 0)
			continue;
		rtpmap_line(out, pt, rm.enc, rm.rate, rm.channels);
		fp = media_fmtp(offer, m, f);
		if (fp.p != NULL)
			wr(out, "a=fmtp:%" PRIu32 " " SLICE_FMT "\r\n", pt,
			    SLICE_ARG(fp));
		else if (st->codecs[j].fmtp != NULL)
			wr(out, "a=fmtp:%" PRIu32 " %s\r\n", pt,
			    st->codecs[j].fmtp);
	}
	if (st->ptime > 0)
		wr(out, "a=ptime:%" PRIu32 "\r\n", st->ptime);
	dir_line(out, r->dir);
	return 1;
}

enum sip_err
sdp_build_answer(struct buf *b, const struct sdp *offer,
    const struct sdp_local *l, struct sdp_answer_media *res, unsigned nres)
{
	struct wr w = { b, SIP_OK }, *out = &w;
	unsigned char used[SDP_MAX_MEDIA] = { 0 };
	unsigned m, j, naccepted = 0;
	struct slice t = SLICE_LIT("0 0");

	if (!valid_local(l) || offer->nlines == 0)
		return SIP_E_INVAL;
	for (j = 0; j < offer->sess_end; j++)
		if (offer->lines[j].type == 't') {
			t = offer->lines[j].val;
			break;
		}
	session_head(out, l, t);
	for (m = 0; m < offer->nmedia; m++) {
		const struct sdp_media *md = &offer->media[m];
		const struct sdp_stream *st;
		struct sdp_answer_media r;
		struct slice mid;
		unsigned idx = 0;
		int found;

		memset(&r, 0, sizeof(r));
		r.pt = -1;
		r.dir = SDP_DIR_INACTIVE;
		st = pick_stream(l, used, md, &idx);
		if (st != NULL && answer_media(out, offer, m, st, &r)) {
			used[idx] = 1;
			naccepted++;
		} else if (md->ok)
			wr(out, "m=" SLICE_FMT " 0 " SLICE_FMT " " SLICE_FMT
			    "\r\n", SLICE_ARG(md->type), SLICE_ARG(md->proto),
			    SLICE_ARG(md->fmts));
		else
			wr(out, "m=application 0 RTP/AVP 0\r\n");
		mid = sdp_attr_get(offer, m + 1, "mid", &found);
		if (found)
			wr(out, "a=mid:" SLICE_FMT "\r\n", SLICE_ARG(mid));
		if (res != NULL && m < nres)
			res[m] = r;
	}
	if (w.e != SIP_OK)
		return w.e;
	return naccepted > 0 ? SIP_OK : SIP_E_NOTFOUND;
}

enum sip_err
sdp_build_nomedia(struct buf *out, const char *offer, size_t len,
    const struct sdp_local *l)
{
	static const struct sdp_codec pcmu = { "PCMU", 8000, 0, 0, NULL };
	static const struct sdp_stream audio = { .media = "audio",
	    .port = 0, .codecs = &pcmu, .ncodecs = 1,
	    .dir = SDP_DIR_INACTIVE };
	struct sdp_local q = *l;
	struct sdp *o;		/* 30 kB: not on the stack */
	enum sip_err e;

	q.streams = NULL;
	q.nstreams = 0;
	if (len == 0) {
		q.streams = &audio;
		q.nstreams = 1;
		return sdp_build_offer(out, &q);
	}
	if ((o = malloc(sizeof *o)) == NULL)
		return SIP_E_NOMEM;
	if (sdp_parse(o, offer, len, NULL) != SIP_OK)
		e = SIP_E_PARSE;
	else if ((e = sdp_build_answer(out, o, &q, NULL, 0)) == SIP_E_NOTFOUND)
		e = SIP_OK;	/* every stream declined: the point */
	free(o);
	return e;
}
