/*
 * sdplint.c - the sdp-lint checks: RFC 8866 grammar and semantics, RFC
 * 3551 payload types, attribute grammars (RFC 4145, 4568, 5576, 5888,
 * 8122, 8285, 8830, 8839) and RFC 3264 offer/answer rules.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sdplint.h"

static const struct sdp_check_info checks[SDP_C__COUNT] = {
#define X(id, name, sev, on, rfc, sum)	{ name, SDP_SEV_##sev, on, rfc, sum },
	SDP_CHECK_MAP(X)
#undef X
};

const struct sdp_check_info *
sdp_check_info(enum sdp_check c)
{
	return (unsigned)c < SDP_C__COUNT ? &checks[c] : NULL;
}

int
sdp_check_lookup(const char *name)
{
	unsigned i;

	for (i = 0; i < SDP_C__COUNT; i++)
		if (strcmp(checks[i].name, name) == 0)
			return (int)i;
	return -1;
}

const char *
sdp_sev_name(enum sdp_sev s)
{
	return s == SDP_SEV_ERROR ? "error" : s == SDP_SEV_WARNING ?
	    "warning" : "note";
}

void
sdp_lint_init(struct sdp_lint *l, struct sdp_finding *v, unsigned max)
{
	unsigned i;

	memset(l, 0, sizeof(*l));
	l->v = v;
	l->max = max;
	for (i = 0; i < SDP_C__COUNT; i++)
		l->on[i] = (unsigned char)checks[i].on;
}

void
sdp_lint_reset(struct sdp_lint *l)
{
	l->n = 0;
	l->dropped = 0;
	memset(l->count, 0, sizeof(l->count));
}

/* Record a finding of check c at byte off of the description. */
static void __attribute__((format(printf, 4, 5)))
report(struct sdp_lint *l, enum sdp_check c, size_t off, const char *fmt,
    ...)
{
	struct sdp_finding *f;
	va_list ap;

	if (!l->on[c])
		return;
	l->count[checks[c].sev]++;
	if (l->n == l->max) {
		l->dropped++;
		return;
	}
	f = &l->v[l->n++];
	f->check = c;
	f->off = off;
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
}

/* The walk's state: the description and where findings point. */
struct ctx {
	struct sdp_lint		*l;
	const struct sdp	*s;
	unsigned		 first;	/* findings of this run start here */
	int			 crlf_seen;	/* bare line ends told once */
};

/* A finding at pointer at, which points into the description. */
#define REPORT(cx, c, at, ...)						\
	report((cx)->l, (c), (size_t)((at) - (cx)->s->buf), __VA_ARGS__)

/* ---- line level ---- */

/* Length of the UTF-8 sequence at p (at most n bytes), 0 if invalid. */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

static void
check_text(struct ctx *cx, const struct sdp_line *l, int charset)
{
	const unsigned char *p = (const unsigned char *)l->text.p;
	size_t i = 0, n = l->text.len, k;

	while (i < n) {
		if (p[i] < 0x20 || p[i] == 0x7f) {
			if (p[i] != '\t') {
				REPORT(cx, SDP_C_UTF8, l->text.p + i,
				    "control character 0x%02x in '%c=' line",
				    p[i], l->type ? l->type : '?');
				return;
			}
			i++;
			continue;
		}
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = utf8_len(p + i, n - i)) == 0) {
			if (!charset)
				REPORT(cx, SDP_C_UTF8, l->text.p + i,
				    "byte 0x%02x is not UTF-8 and no "
				    "'a=charset' names another character set",
				    p[i]);
			return;
		}
		i += k;
	}
}

static void
check_line_form(struct ctx *cx, const struct sdp_line *l, int charset)
{
	struct slice t = l->text;

	if ((l->flags & (SDP_L_BARE_LF | SDP_L_BARE_CR)) && !cx->crlf_seen) {
		unsigned i, n = 0;

		for (i = 0; i < cx->s->nlines; i++)
			n += (cx->s->lines[i].flags &
			    (SDP_L_BARE_LF | SDP_L_BARE_CR)) != 0;
		cx->crlf_seen = 1;
		REPORT(cx, SDP_C_CRLF, t.p + t.len, "line ends in %s, not "
		    "CRLF%s (%u line%s)", l->flags & SDP_L_BARE_LF ? "LF" :
		    "a bare CR", n > 1 ? ", and so do others" : "", n,
		    n > 1 ? "s" : "");
	} else if ((l->flags & SDP_L_NO_EOL) && t.len > 0)
		REPORT(cx, SDP_C_CRLF, t.p + t.len,
		    "last line has no CRLF");
	if (t.len > 0 && (t.p[t.len - 1] == ' ' || t.p[t.len - 1] == '\t') &&
	    !(l->type == 's' && slice_eq_lit(l->val, " "))) {
		size_t i = t.len;

		while (i > 0 && (t.p[i - 1] == ' ' || t.p[i - 1] == '\t'))
			i--;
		REPORT(cx, SDP_C_TRAILING_SPACE, t.p + i,
		    "trailing white space");
	}
	check_text(cx, l, charset);
	if (l->type != 0)
		return;
	if (t.len == 0) {
		if (!(l->flags & SDP_L_NO_EOL))
			REPORT(cx, SDP_C_EMPTY_LINE, t.p, "empty line");
		return;
	}
	if (t.len >= 2 && t.p[0] >= 'A' && t.p[0] <= 'Z' && t.p[1] == '=')
		REPORT(cx, SDP_C_LINE_SYNTAX, t.p, "type letter '%c' is upper "
		    "case; SDP types are lower case", t.p[0]);
	else if (t.len >= 2 && (t.p[1] == ' ' || t.p[1] == '\t'))
		REPORT(cx, SDP_C_LINE_SYNTAX, t.p + 1, "white space after "
		    "the type letter; no space is allowed around '='");
	else
		REPORT(cx, SDP_C_LINE_SYNTAX, t.p,
		    "not a '<type>=<value>' line");
}

/* ---- order ---- */

static int
session_rank(char t)
{
	static const char order[] = "vosiuepcbtrzka";
	const char *p = strchr(order, t);

	return t != 0 && p != NULL ? (int)(p - order) : -1;
}

static int
media_rank(char t)
{
	static const char order[] = "micbka";
	const char *p = strchr(order, t);

	return t != 0 && p != NULL ? (int)(p - order) : -1;
}

static void
check_order(struct ctx *cx)
{
	const struct sdp *s = cx->s;
	unsigned i, seen[26];
	int rank = -1, r;
	char prev = 0;
	int have_v = 0, have_o = 0, have_s = 0, have_t = 0;

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < s->sess_end; i++) {
		const struct sdp_line *l = &s->lines[i];

		if (l->type == 0)
			continue;
		if (strchr("vosiuepcbtrzkam", l->type) == NULL) {
			REPORT(cx, SDP_C_UNKNOWN_TYPE, l->text.p, "'%c=' is "
			    "not an SDP line type", l->type);
			continue;
		}
		r = session_rank(l->type);
		if (i == 0 && l->type != 'v')
			REPORT(cx, SDP_C_ORDER, l->text.p, "the first line "
			    "must be 'v='");
		else if (l->type == 'r' && prev != 't' && prev != 'r')
			REPORT(cx, SDP_C_ORDER, l->text.p, "'r=' must follow "
			    "a 't=' line");
		else if (r < rank && !(l->type == 't' && (prev == 't' ||
		    prev == 'r')))
			REPORT(cx, SDP_C_ORDER, l->text.p, "'%c=' comes after "
			    "'%c='; the order is v o s i u e p c b t r z k a",
			    l->type, prev);
		else if (strchr("vosiuczk", l->type) != NULL &&
		    seen[l->type - 'a'] > 0)
			REPORT(cx, SDP_C_REPEATED_LINE, l->text.p, "a second "
			    "'%c=' line at session level", l->type);
		if (r > rank)
			rank = r;
		seen[l->type - 'a']++;
		prev = l->type;
		have_v |= l->type == 'v';
		have_o |= l->type == 'o';
		have_s |= l->type == 's';
		have_t |= l->type == 't';
	}
	{
		const char *at = s->sess_end > 0 ?
		    s->lines[s->sess_end - 1].text.p +
		    s->lines[s->sess_end - 1].text.len : s->buf;

		if (!have_v)
			REPORT(cx, SDP_C_MISSING_LINE, s->buf,
			    "no 'v=' line");
		if (!have_o)
			REPORT(cx, SDP_C_MISSING_LINE, at, "no 'o=' line in "
			    "the session section");
		if (!have_s)
			REPORT(cx, SDP_C_MISSING_LINE, at, "no 's=' line in "
			    "the session section");
		if (!have_t)
			REPORT(cx, SDP_C_MISSING_LINE, at, "no 't=' line in "
			    "the session section");
	}
	for (i = s->sess_end; i < s->nlines; i++) {
		const struct sdp_line *l = &s->lines[i];

		if (l->type == 'm') {
			rank = 0;
			memset(seen, 0, sizeof(seen));
			prev = 'm';
			continue;
		}
		if (l->type == 0)
			continue;
		if (strchr("vosiuepcbtrzkam", l->type) == NULL) {
			REPORT(cx, SDP_C_UNKNOWN_TYPE, l->text.p, "'%c=' is "
			    "not an SDP line type", l->type);
			continue;
		}
		r = media_rank(l->type);
		if (r < 0)
			REPORT(cx, SDP_C_ORDER, l->text.p, "'%c=' belongs to "
			    "the session section, not a media section",
			    l->type);
		else if (r < rank)
			REPORT(cx, SDP_C_ORDER, l->text.p, "'%c=' comes after "
			    "'%c='; the order in a media section is m i c b k "
			    "a", l->type, prev);
		else if (strchr("ik", l->type) != NULL &&
		    seen[l->type - 'a'] > 0)
			REPORT(cx, SDP_C_REPEATED_LINE, l->text.p, "a second "
			    "'%c=' line in a media section", l->type);
		if (r > rank)
			rank = r;
		seen[l->type - 'a']++;
		prev = l->type;
	}
}

/* ---- values ---- */

static int
all_digits(struct slice v)
{
	size_t i;

	if (v.len == 0)
		return 0;
	for (i = 0; i < v.len; i++)
		if (v.p[i] < '0' || v.p[i] > '9')
			return 0;
	return 1;
}

/* nettype, addrtype and address of o= and c=. */
static void
check_addr(struct ctx *cx, struct slice nettype, struct slice addrtype,
    struct slice addr, char what)
{
	enum sdp_addr k;

	if (!slice_eq_lit(nettype, "IN")) {
		REPORT(cx, SDP_C_NETTYPE, nettype.p, "network type '" SLICE_FMT
		    "' in '%c=' is not IN", SLICE_ARG(nettype), what);
		return;
	}
	if (!slice_eq_lit(addrtype, "IP4") && !slice_eq_lit(addrtype, "IP6")) {
		REPORT(cx, SDP_C_ADDRTYPE, addrtype.p, "address type '"
		    SLICE_FMT "' in '%c=' is not IP4 or IP6",
		    SLICE_ARG(addrtype), what);
		return;
	}
	k = sdp_addr_kind(addr);
	if (k == SDP_ADDR_BAD)
		REPORT(cx, SDP_C_ADDRESS, addr.p, "'" SLICE_FMT "' is not an "
		    "IPv4 or IPv6 address or a domain name", SLICE_ARG(addr));
	else if (slice_eq_lit(addrtype, "IP4") && (k == SDP_ADDR_IP6 ||
	    k == SDP_ADDR_IP6_MCAST))
		REPORT(cx, SDP_C_ADDRTYPE, addrtype.p, "address type IP4 with "
		    "the IPv6 address '" SLICE_FMT "'", SLICE_ARG(addr));
	else if (slice_eq_lit(addrtype, "IP6") && (k == SDP_ADDR_IP4 ||
	    k == SDP_ADDR_IP4_MCAST))
		REPORT(cx, SDP_C_ADDRTYPE, addrtype.p, "address type IP6 with "
		    "the IPv4 address '" SLICE_FMT "'", SLICE_ARG(addr));
}

static void
check_origin(struct ctx *cx, const struct sdp_line *l)
{
	struct sdp_origin o;
	struct sip_perr pe;

	if (sdp_origin_parse(l->val, &o, &pe) != SIP_OK) {
		REPORT(cx, SDP_C_ORIGIN, l->val.p + pe.off, "%s", pe.why);
		return;
	}
	if (!all_digits(o.sess_id))
		REPORT(cx, SDP_C_ORIGIN, o.sess_id.p, "session id '" SLICE_FMT
		    "' is not a number", SLICE_ARG(o.sess_id));
	if (!all_digits(o.sess_version))
		REPORT(cx, SDP_C_ORIGIN, o.sess_version.p, "session version '"
		    SLICE_FMT "' is not a number", SLICE_ARG(o.sess_version));
	check_addr(cx, o.nettype, o.addrtype, o.addr, 'o');
}

static void
check_conn(struct ctx *cx, const struct sdp_line *l)
{
	struct sdp_conn c;
	struct sip_perr pe;
	enum sdp_addr k;
	uint32_t n;

	if (sdp_conn_parse(l->val, &c, &pe) != SIP_OK) {
		REPORT(cx, SDP_C_CONNECTION, l->val.p + pe.off, "%s", pe.why);
		return;
	}
	check_addr(cx, c.nettype, c.addrtype, c.addr, 'c');
	if (!slice_eq_lit(c.nettype, "IN"))
		return;
	k = sdp_addr_kind(c.addr);
	switch (k) {
	case SDP_ADDR_IP4_MCAST:
		if (c.ttl.p == NULL)
			REPORT(cx, SDP_C_MULTICAST, c.addr.p + c.addr.len,
			    "an IPv4 multicast address needs a TTL: "
			    "'" SLICE_FMT "/<ttl>'", SLICE_ARG(c.addr));
		else if (slice_to_u32(c.ttl, 255, &n) != 0)
			REPORT(cx, SDP_C_MULTICAST, c.ttl.p, "TTL '" SLICE_FMT
			    "' is not a number from 0 to 255",
			    SLICE_ARG(c.ttl));
		if (c.count.p != NULL && (slice_to_u32(c.count, 65535, &n) !=
		    0 || n == 0))
			REPORT(cx, SDP_C_MULTICAST, c.count.p, "number of "
			    "addresses '" SLICE_FMT "' is not a positive "
			    "number", SLICE_ARG(c.count));
		break;
	case SDP_ADDR_IP6_MCAST:
		if (c.count.p != NULL)
			REPORT(cx, SDP_C_MULTICAST, c.count.p - 1, "IPv6 "
			    "multicast has no TTL, only a number of "
			    "addresses");
		else if (c.ttl.p != NULL && (slice_to_u32(c.ttl, 65535, &n) !=
		    0 || n == 0))
			REPORT(cx, SDP_C_MULTICAST, c.ttl.p, "number of "
			    "addresses '" SLICE_FMT "' is not a positive "
			    "number", SLICE_ARG(c.ttl));
		break;
	case SDP_ADDR_BAD:
		break;
	default:
		if (c.ttl.p != NULL)
			REPORT(cx, SDP_C_MULTICAST, c.ttl.p - 1, "a TTL or "
			    "address count is only for multicast addresses");
		break;
	}
}

static void
check_bandwidth(struct ctx *cx, const struct sdp_line *l)
{
	ptrdiff_t c = slice_chr(l->val, ':');
	struct slice type, bw;
	uint64_t n;

	if (c <= 0) {
		REPORT(cx, SDP_C_BANDWIDTH, l->val.p, "'b=' wants "
		    "<bwtype>:<bandwidth>");
		return;
	}
	type = slice_head(l->val, (size_t)c);
	bw = slice_from(l->val, (size_t)c + 1);
	if (!slice_is_token_str(type))
		REPORT(cx, SDP_C_BANDWIDTH, type.p, "bandwidth type is not a "
		    "token");
	else if (slice_to_u64(bw, UINT64_MAX, &n) != 0)
		REPORT(cx, SDP_C_BANDWIDTH, bw.p, "bandwidth '" SLICE_FMT
		    "' is not a number", SLICE_ARG(bw));
	if (slice_is_token_str(type) && !slice_eq_lit(type, "CT") &&
	    !slice_eq_lit(type, "AS") && !slice_eq_lit(type, "TIAS") &&
	    !slice_eq_lit(type, "RS") && !slice_eq_lit(type, "RR"))
		REPORT(cx, SDP_C_BW_MODIFIER, type.p, "unknown bandwidth type "
		    "'" SLICE_FMT "'%s", SLICE_ARG(type),
		    slice_ihas_prefix(type, "X-") ? " (X- types are "
		    "deprecated)" : "");
}

/* typed-time = 1*DIGIT [fixed-len-time-unit] (RFC 8866 9). */
static int
typed_time(struct slice v, int sign)
{
	uint64_t n;

	if (sign && v.len > 0 && v.p[0] == '-')
		v = slice_from(v, 1);
	if (v.len > 0 && strchr("dhms", v.p[v.len - 1]) != NULL)
		v = slice_head(v, v.len - 1);
	return slice_to_u64(v, UINT64_MAX, &n) == 0;
}

static void
check_time(struct ctx *cx, const struct sdp_line *l)
{
	struct slice rest = l->val, a, b, extra;
	uint64_t start, stop;
	int n = 0;

	switch (l->type) {
	case 't':
		if (!sdp_field_next(&rest, &a) || !sdp_field_next(&rest, &b) ||
		    sdp_field_next(&rest, &extra)) {
			REPORT(cx, SDP_C_TIME, l->val.p, "'t=' wants "
			    "<start-time> <stop-time>");
			return;
		}
		if (slice_to_u64(a, UINT64_MAX, &start) != 0) {
			REPORT(cx, SDP_C_TIME, a.p, "start time is not a "
			    "number");
			return;
		}
		if (slice_to_u64(b, UINT64_MAX, &stop) != 0) {
			REPORT(cx, SDP_C_TIME, b.p, "stop time is not a "
			    "number");
			return;
		}
		if (stop != 0 && start > stop)
			REPORT(cx, SDP_C_TIME, b.p, "stop time is before the "
			    "start time");
		else if (stop != 0 && start == 0)
			REPORT(cx, SDP_C_TIME, a.p, "an unbounded start time "
			    "with a stop time");
		break;
	case 'r':
		while (sdp_field_next(&rest, &a)) {
			if (!typed_time(a, 0)) {
				REPORT(cx, SDP_C_TIME, a.p, "'" SLICE_FMT "' "
				    "is not a time (digits and d, h, m or s)",
				    SLICE_ARG(a));
				return;
			}
			n++;
		}
		if (n < 3)
			REPORT(cx, SDP_C_TIME, l->val.p, "'r=' wants <repeat "
			    "interval> <active duration> <offsets>");
		break;
	case 'z':
		while (sdp_field_next(&rest, &a)) {
			if (!typed_time(a, n % 2)) {
				REPORT(cx, SDP_C_TIME, a.p, "'" SLICE_FMT "' "
				    "is not a time", SLICE_ARG(a));
				return;
			}
			n++;
		}
		if (n == 0 || n % 2 != 0)
			REPORT(cx, SDP_C_TIME, l->val.p, "'z=' wants pairs of "
			    "<adjustment time> <offset>");
		break;
	}
}

/* ---- media ---- */

static int
fmt_listed(const struct sdp_media *md, struct slice fmt)
{
	struct slice rest = md->fmts, f;

	while (sdp_fmt_next(&rest, &f))
		if (slice_eq(f, fmt))
			return 1;
	return 0;
}

static int
has_attr(const struct sdp *s, unsigned lvl, enum sdp_attr_id want)
{
	unsigned i = 0;
	enum sdp_attr_id id;

	while (sdp_attr_next(s, lvl, &i, &id, NULL, NULL) != NULL)
		if (id == want)
			return 1;
	return 0;
}

/* Whether media m has an rtpmap line for fmt, even a malformed one. */
static int
rtpmap_written(const struct sdp *s, unsigned m, struct slice fmt)
{
	unsigned i = 0;
	enum sdp_attr_id id;
	struct slice v, pt;

	while (sdp_attr_next(s, m + 1, &i, &id, NULL, &v) != NULL)
		if (id == SDP_A_RTPMAP && sdp_field_next(&v, &pt) &&
		    slice_eq(pt, fmt))
			return 1;
	return 0;
}

/* Formats of protocols other than RTP (RFC 8866 5.14 and its registry). */
static void
check_other_formats(struct ctx *cx, const struct sdp_media *md)
{
	struct slice rest = md->fmts, f;
	const char *want = NULL;

	if (slice_ieq_lit(md->proto, "udptl") ||
	    slice_ieq_lit(md->proto, "UDP/TLS/UDPTL") ||
	    slice_ieq_lit(md->proto, "TCP/TLS/UDPTL"))
		want = "t38";
	else if (slice_ieq_lit(md->proto, "UDP/DTLS/SCTP") ||
	    slice_ieq_lit(md->proto, "TCP/DTLS/SCTP"))
		want = "webrtc-datachannel";
	else if (slice_ihas_prefix(md->proto, "TCP/") &&
	    (slice_ieq_lit(slice_from(md->proto, md->proto.len - 5), "/MSRP")))
		want = "*";
	while (sdp_fmt_next(&rest, &f)) {
		if (!slice_is_token_str(f))
			REPORT(cx, SDP_C_FORMAT, f.p, "format '" SLICE_FMT "' "
			    "is not a token", SLICE_ARG(f));
		else if (want != NULL && !slice_ieq_cstr(f, want))
			REPORT(cx, SDP_C_FORMAT, f.p, "format '" SLICE_FMT "' "
			    "does not fit proto '" SLICE_FMT "', which carries "
			    "'%s'",
			    SLICE_ARG(f), SLICE_ARG(md->proto), want);
	}
}

static void
check_media_line(struct ctx *cx, unsigned m)
{
	const struct sdp *s = cx->s;
	const struct sdp_media *md = &s->media[m];
	const struct sdp_line *l = &s->lines[md->first];
	struct slice rest, f;
	unsigned char seen[128];
	int rtp;

	if (!md->ok) {
		REPORT(cx, SDP_C_MEDIA_LINE, l->val.p, "'m=' wants <media> "
		    "<port> <proto> <fmt>...");
		return;
	}
	if (!slice_eq_lit(md->type, "audio") && !slice_eq_lit(md->type,
	    "video") && !slice_eq_lit(md->type, "text") &&
	    !slice_eq_lit(md->type, "application") &&
	    !slice_eq_lit(md->type, "message") &&
	    !slice_eq_lit(md->type, "image"))
		REPORT(cx, SDP_C_MEDIA_TYPE, md->type.p, "unknown media type '"
		    SLICE_FMT "'", SLICE_ARG(md->type));
	if (!md->port_ok) {
		uint32_t n;

		if (slice_to_u32(md->port, 65535, &n) != 0)
			REPORT(cx, SDP_C_PORT, md->port.p, "port '" SLICE_FMT
			    "' is not a number from 0 to 65535",
			    SLICE_ARG(md->port));
		else
			REPORT(cx, SDP_C_PORT, md->nports.p, "number of ports '"
			    SLICE_FMT "' is not a positive number",
			    SLICE_ARG(md->nports));
	}
	if (!sdp_proto_known(md->proto))
		REPORT(cx, SDP_C_PROTO, md->proto.p, "unknown transport "
		    "protocol '" SLICE_FMT "'", SLICE_ARG(md->proto));
	rtp = sdp_proto_is_rtp(md->proto);
	if (rtp && md->port_ok && md->port_num % 2 == 1 &&
	    !has_attr(s, m + 1, SDP_A_RTCP_MUX) &&
	    !has_attr(s, m + 1, SDP_A_RTCP))
		REPORT(cx, SDP_C_RTP_PORT_ODD, md->port.p, "RTP on odd port "
		    "%" PRIu32 "; RTCP would take the next port (use an even "
		    "one, or a=rtcp-mux)", md->port_num);
	if (!rtp) {
		check_other_formats(cx, md);
		return;
	}
	memset(seen, 0, sizeof(seen));
	rest = md->fmts;
	while (sdp_fmt_next(&rest, &f)) {
		uint32_t pt;
		struct sdp_rtpmap r;
		const struct sdp_static_pt *sp;

		if (slice_to_u32(f, 127, &pt) != 0) {
			REPORT(cx, SDP_C_FORMAT, f.p, "format '" SLICE_FMT "' "
			    "is not an RTP payload type (0 to "
			    "127)", SLICE_ARG(f));
			continue;
		}
		if (seen[pt]++) {
			REPORT(cx, SDP_C_DUP_FORMAT, f.p, "payload type "
			    "%" PRIu32
			    " is listed twice", pt);
			continue;
		}
		if (pt >= 72 && pt <= 76) {
			REPORT(cx, SDP_C_FORMAT, f.p, "payload types 72 to 76 "
			    "are reserved (they clash with RTCP)");
			continue;
		}
		sp = sdp_static_pt(pt);
		if (pt < 96 && sp != NULL) {
			unsigned i = 0;
			enum sdp_attr_id id;
			struct slice v;
			const struct sdp_line *al;
			int mapped = 0;

			while ((al = sdp_attr_next(s, m + 1, &i, &id, NULL,
			    &v)) != NULL) {
				if (id != SDP_A_RTPMAP ||
				    sdp_rtpmap_parse(v, &r, NULL) != SIP_OK ||
				    r.pt != pt)
					continue;
				mapped = 1;
				if (!slice_ieq_cstr(r.enc, sp->enc) ||
				    r.rate != sp->rate || (sp->channels > 0 &&
				    r.channels > 0 && r.channels !=
				    sp->channels))
					REPORT(cx, SDP_C_RTPMAP_STATIC, v.p,
					    "payload type %" PRIu32 " is %s/%"
					    PRIu32 " in RFC 3551, not "
					    SLICE_FMT "/%" PRIu32, pt, sp->enc,
					    sp->rate, SLICE_ARG(r.enc), r.rate);
			}
			if (!mapped)
				REPORT(cx, SDP_C_RTPMAP_ADVISED, f.p, "payload "
				    "type %" PRIu32 " (%s) has no rtpmap", pt,
				    sp->enc);
		} else if (!sdp_media_rtpmap(s, m, pt, &r) &&
		    !rtpmap_written(s, m, f))
			REPORT(cx, SDP_C_RTPMAP_MISSING, f.p, "%s payload type "
			    "%" PRIu32 " has no 'a=rtpmap:%" PRIu32 "' line",
			    pt >= 96 ? "dynamic" : "unassigned", pt, pt);
	}
}

static const char *
hash_name_ok(struct slice h, unsigned *bytes)
{
	static const struct {
		const char	*name;
		unsigned	 bytes;
	} hashes[] = {
		{ "sha-1", 20 }, { "sha-224", 28 }, { "sha-256", 32 },
		{ "sha-384", 48 }, { "sha-512", 64 }, { "md5", 16 },
		{ "md2", 16 }
	};
	size_t i;

	for (i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++)
		if (slice_ieq_cstr(h, hashes[i].name)) {
			*bytes = hashes[i].bytes;
			return hashes[i].name;
		}
	return NULL;
}

static void
check_fingerprint(struct ctx *cx, struct slice v)
{
	struct sdp_fingerprint fp;
	struct sip_perr pe;
	unsigned bytes;
	const char *name;
	size_t i;

	if (sdp_fingerprint_parse(v, &fp, &pe) != SIP_OK) {
		REPORT(cx, SDP_C_FINGERPRINT, v.p + pe.off, "%s", pe.why);
		return;
	}
	if ((name = hash_name_ok(fp.hash, &bytes)) == NULL) {
		REPORT(cx, SDP_C_FINGERPRINT, fp.hash.p, "unknown hash "
		    "function '" SLICE_FMT "' (sha-1, sha-224, sha-256, "
		    "sha-384, sha-512)", SLICE_ARG(fp.hash));
		return;
	}
	if (fp.nbytes != bytes) {
		REPORT(cx, SDP_C_FINGERPRINT, fp.hex.p, "a %s fingerprint has "
		    "%u bytes, not %u", name, bytes, fp.nbytes);
		return;
	}
	for (i = 0; i < fp.hex.len; i++)
		if (fp.hex.p[i] >= 'a' && fp.hex.p[i] <= 'f') {
			REPORT(cx, SDP_C_FINGERPRINT, fp.hex.p + i, "hex "
			    "digits of a fingerprint are upper case (UHEX)");
			return;
		}
}

/* rtpmap, fmtp and rtcp-fb name a format of their m= line. */
static void
check_fmt_ref(struct ctx *cx, unsigned lvl, enum sdp_attr_id id,
    struct slice v, unsigned char *mapped)
{
	const struct sdp_media *md;
	struct sdp_rtpmap r;
	struct sdp_fmtp f;
	struct sdp_rtcpfb fb;
	struct slice fmt;

	if (lvl == 0)
		return;
	md = &cx->s->media[lvl - 1];
	if (!md->ok)
		return;
	switch (id) {
	case SDP_A_RTPMAP:
		if (sdp_rtpmap_parse(v, &r, NULL) != SIP_OK)
			return;
		fmt = slice_make(v.p, (size_t)(r.enc.p - v.p));
		fmt = slice_trim(fmt);
		if (mapped[r.pt]++)
			REPORT(cx, SDP_C_DUP_FORMAT, v.p, "a second rtpmap for "
			    "payload type %" PRIu32, r.pt);
		break;
	case SDP_A_FMTP:
		if (sdp_fmtp_parse(v, &f, NULL) != SIP_OK)
			return;
		fmt = f.fmt;
		break;
	case SDP_A_RTCP_FB:
		if (sdp_rtcpfb_parse(v, &fb, NULL) != SIP_OK ||
		    slice_eq_lit(fb.pt, "*"))
			return;
		fmt = fb.pt;
		break;
	default:
		return;
	}
	if (!fmt_listed(md, fmt))
		REPORT(cx, SDP_C_FORMAT_UNLISTED, fmt.p, "'%s' for format '"
		    SLICE_FMT "', which the m= line does not list",
		    sdp_attr_name(id), SLICE_ARG(fmt));
}

/* Attributes that may appear once per section. */
static int
once(enum sdp_attr_id id)
{
	switch (id) {
	case SDP_A_PTIME:
	case SDP_A_MAXPTIME:
	case SDP_A_MID:
	case SDP_A_SETUP:
	case SDP_A_CONNECTION:
	case SDP_A_ICE_UFRAG:
	case SDP_A_ICE_PWD:
	case SDP_A_ICE_OPTIONS:
	case SDP_A_RTCP:
	case SDP_A_RTCP_MUX:
	case SDP_A_FRAMERATE:
	case SDP_A_ORIENT:
	case SDP_A_TYPE:
	case SDP_A_CHARSET:
	case SDP_A_LABEL:
	case SDP_A_SCTP_PORT:
	case SDP_A_MAX_MSG_SIZE:
	case SDP_A_END_OF_CANDS:
		return 1;
	default:
		return 0;
	}
}

static void
check_attrs(struct ctx *cx, unsigned lvl)
{
	const struct sdp *s = cx->s;
	unsigned i = 0, ndir = 0;
	enum sdp_attr_id id;
	struct slice name, v;
	const struct sdp_line *l;
	unsigned char mapped[128], seen[SDP_A__COUNT];
	uint32_t ptime = 0, maxptime = 0;
	const char *ptime_at = NULL;

	memset(mapped, 0, sizeof(mapped));
	memset(seen, 0, sizeof(seen));
	while ((l = sdp_attr_next(s, lvl, &i, &id, &name, &v)) != NULL) {
		struct sip_perr pe;
		int has_value;
		int tv;
		char lv;

		sdp_attr_split(l->val, &name, &v, &has_value);
		if (!slice_is_token_str(name)) {
			REPORT(cx, SDP_C_ATTR_SYNTAX, l->val.p, "attribute "
			    "name '" SLICE_FMT "' is not a "
			    "token", SLICE_ARG(name));
			continue;
		}
		if (id == SDP_A_OTHER) {
			REPORT(cx, SDP_C_UNKNOWN_ATTR, name.p, "unknown "
			    "attribute '" SLICE_FMT "'", SLICE_ARG(name));
			continue;
		}
		if (seen[id]++ > 0 && once(id))
			REPORT(cx, SDP_C_ATTR_REPEATED, name.p, "a second '%s' "
			    "in the same section", sdp_attr_name(id));
		lv = sdp_attr_level(id);
		if ((lv == 'S' && lvl != 0) || (lv == 'M' && lvl == 0))
			REPORT(cx, SDP_C_ATTR_LEVEL, name.p, "'%s' belongs %s",
			    sdp_attr_name(id), lv == 'S' ? "at session level, "
			    "not in a media section" : "in a media section, "
			    "not at session level");
		tv = sdp_attr_takes_value(id);
		if (tv == 0 && has_value) {
			REPORT(cx, SDP_C_ATTR_SYNTAX, v.p - 1, "'%s' is a flag "
			    "and takes no value", sdp_attr_name(id));
			continue;
		}
		if (tv == 1 && !has_value) {
			REPORT(cx, SDP_C_ATTR_SYNTAX, name.p + name.len, "'%s' "
			    "needs a value after ':'", sdp_attr_name(id));
			continue;
		}
		switch (id) {
		case SDP_A_SENDRECV:
		case SDP_A_SENDONLY:
		case SDP_A_RECVONLY:
		case SDP_A_INACTIVE:
			if (ndir++ > 0)
				REPORT(cx, SDP_C_DIRECTION, name.p, "'%s' "
				    "after another direction attribute in the "
				    "same section", sdp_attr_name(id));
			continue;
		case SDP_A_FINGERPRINT:
			check_fingerprint(cx, v);
			continue;
		case SDP_A_SETUP:
			if (sdp_setup_parse(v, &(enum sdp_setup){ 0 }, &pe) !=
			    SIP_OK)
				REPORT(cx, SDP_C_SETUP, v.p, "'setup:" SLICE_FMT
				    "' is not active, passive, actpass or "
				    "holdconn", SLICE_ARG(v));
			continue;
		case SDP_A_PTIME:
		case SDP_A_MAXPTIME: {
			uint32_t us;

			if (sdp_ptime_parse(v, &us, &pe) != SIP_OK) {
				REPORT(cx, SDP_C_PTIME, v.p, "'%s' value '"
				    SLICE_FMT "' is not a number of "
				    "milliseconds", sdp_attr_name(id),
				    SLICE_ARG(v));
				continue;
			}
			if (us == 0)
				REPORT(cx, SDP_C_PTIME, v.p, "'%s' must be "
				    "greater than zero", sdp_attr_name(id));
			if (id == SDP_A_PTIME) {
				ptime = us;
				ptime_at = v.p;
			} else
				maxptime = us;
			continue;
		}
		default:
			break;
		}
		if (sdp_attr_check(id, v, &pe) != SIP_OK) {
			const char *an = sdp_attr_name(id);
			size_t anl = strlen(an);

			if (pe.why[0] == '\'' && strncmp(pe.why + 1, an, anl) ==
			    0 && pe.why[anl + 1] == '\'')
				REPORT(cx, SDP_C_ATTR_SYNTAX, v.p + pe.off,
				    "%s", pe.why);
			else
				REPORT(cx, SDP_C_ATTR_SYNTAX, v.p + pe.off,
				    "'%s': %s", an, pe.why);
			continue;
		}
		check_fmt_ref(cx, lvl, id, v, mapped);
	}
	if (ptime > 0 && maxptime > 0 && ptime > maxptime)
		REPORT(cx, SDP_C_PTIME, ptime_at, "ptime %" PRIu32 ".%03" PRIu32
		    " ms is above maxptime %" PRIu32 ".%03" PRIu32 " ms",
		    ptime / 1000, ptime % 1000, maxptime / 1000,
		    maxptime % 1000);
}

/* The first attribute line with id at level lvl, or NULL. */
static const struct sdp_line *
find_attr(const struct sdp *s, unsigned lvl, enum sdp_attr_id want,
    struct slice *value)
{
	unsigned i = 0;
	enum sdp_attr_id id;
	const struct sdp_line *l;

	while ((l = sdp_attr_next(s, lvl, &i, &id, NULL, value)) != NULL)
		if (id == want)
			return l;
	return NULL;
}

static void
check_ice(struct ctx *cx)
{
	const struct sdp *s = cx->s;
	const struct sdp_line *su, *sp, *mu, *mp;
	unsigned m;
	int lacking = 0;

	su = find_attr(s, 0, SDP_A_ICE_UFRAG, NULL);
	sp = find_attr(s, 0, SDP_A_ICE_PWD, NULL);
	for (m = 0; m < s->nmedia; m++) {
		mu = find_attr(s, m + 1, SDP_A_ICE_UFRAG, NULL);
		mp = find_attr(s, m + 1, SDP_A_ICE_PWD, NULL);
		if (mu != NULL && mp == NULL && sp == NULL)
			REPORT(cx, SDP_C_ICE_PAIR, mu->text.p, "'ice-ufrag' "
			    "without 'ice-pwd'");
		else if (mp != NULL && mu == NULL && su == NULL)
			REPORT(cx, SDP_C_ICE_PAIR, mp->text.p, "'ice-pwd' "
			    "without 'ice-ufrag'");
		if ((su != NULL && sp == NULL && mp == NULL) ||
		    (sp != NULL && su == NULL && mu == NULL))
			lacking = 1;
	}
	if ((su != NULL) != (sp != NULL) && (lacking || s->nmedia == 0))
		REPORT(cx, SDP_C_ICE_PAIR, su != NULL ? su->text.p : sp->text.p,
		    "'%s' without '%s'", su != NULL ? "ice-ufrag" : "ice-pwd",
		    su != NULL ? "ice-pwd" : "ice-ufrag");
}

static void
check_mids(struct ctx *cx)
{
	const struct sdp *s = cx->s;
	struct slice mids[SDP_MAX_MEDIA], v, rest, t;
	unsigned m, k, n = 0, i = 0;
	const struct sdp_line *l;
	enum sdp_attr_id id;

	for (m = 0; m < s->nmedia; m++) {
		if ((l = find_attr(s, m + 1, SDP_A_MID, &v)) == NULL ||
		    v.len == 0)
			continue;
		for (k = 0; k < n; k++)
			if (slice_eq(mids[k], v))
				break;
		if (k < n)
			REPORT(cx, SDP_C_MID, v.p, "mid '" SLICE_FMT "' is "
			    "already used by another media section",
			    SLICE_ARG(v));
		else
			mids[n++] = v;
	}
	while ((l = sdp_attr_next(s, 0, &i, &id, NULL, &v)) != NULL) {
		struct sdp_group g;

		if (id != SDP_A_GROUP || sdp_group_parse(v, &g, NULL) != SIP_OK)
			continue;
		rest = g.ids;
		while (sdp_field_next(&rest, &t)) {
			for (k = 0; k < n; k++)
				if (slice_eq(mids[k], t))
					break;
			if (k == n)
				REPORT(cx, SDP_C_MID, t.p, "group '" SLICE_FMT
				    "' names mid '" SLICE_FMT "', which no "
				    "media section has", SLICE_ARG(g.semantics),
				    SLICE_ARG(t));
		}
	}
}

static void
sort_findings(struct sdp_lint *l, unsigned from)
{
	unsigned i, j;
	struct sdp_finding tmp;

	for (i = from + 1; i < l->n; i++) {
		if (l->v[i].off >= l->v[i - 1].off)
			continue;
		tmp = l->v[i];
		for (j = i; j > from && l->v[j - 1].off > tmp.off; j--)
			l->v[j] = l->v[j - 1];
		l->v[j] = tmp;
	}
}

void
sdp_lint_run(struct sdp_lint *l, const struct sdp *s)
{
	struct ctx cx = { l, s, l->n, 0 };
	unsigned i, m;
	int charset;
	int conn_sess = 0;

	if (s->nlines == 0) {
		REPORT(&cx, SDP_C_MISSING_LINE, s->buf, "empty description: "
		    "no 'v=' line");
		return;
	}
	(void)sdp_attr_get(s, 0, "charset", &charset);
	for (i = 0; i < s->nlines; i++) {
		const struct sdp_line *ln = &s->lines[i];

		check_line_form(&cx, ln, charset);
		switch (ln->type) {
		case 'v':
			if (!slice_eq_lit(ln->val, "0"))
				REPORT(&cx, SDP_C_VERSION, ln->val.p, "version "
				    "'"
				    SLICE_FMT "' is not 0", SLICE_ARG(ln->val));
			break;
		case 'o':
			check_origin(&cx, ln);
			break;
		case 's':
			if (ln->val.len == 0)
				REPORT(&cx, SDP_C_SESSION_NAME, ln->val.p,
				    "empty session name; use 's=-' or 's= '");
			break;
		case 'c':
			conn_sess |= ln->media == 0;
			check_conn(&cx, ln);
			break;
		case 'b':
			check_bandwidth(&cx, ln);
			break;
		case 't':
		case 'r':
		case 'z':
			check_time(&cx, ln);
			break;
		case 'k':
			REPORT(&cx, SDP_C_KEY, ln->text.p, "'k=' is obsolete "
			    "(RFC 8866 5.12); use a key management protocol");
			break;
		default:
			break;
		}
	}
	check_order(&cx);
	for (m = 0; m < s->nmedia; m++) {
		const struct sdp_media *md = &s->media[m];
		unsigned j;
		int has_c = 0;

		check_media_line(&cx, m);
		for (j = md->first; j < md->end; j++)
			has_c |= s->lines[j].type == 'c';
		if (!conn_sess && !has_c)
			REPORT(&cx, SDP_C_MISSING_CONN,
			    s->lines[md->first].text.p, "no 'c=' line in this "
			    "media section nor at session level");
	}
	for (m = 0; m <= s->nmedia; m++)
		check_attrs(&cx, m);
	check_ice(&cx);
	check_mids(&cx);
	sort_findings(l, cx.first);
}

/* ---- offer/answer ---- */

static int
media_is_mcast(const struct sdp *s, unsigned m, struct slice *addr)
{
	struct sdp_conn c;
	enum sdp_addr k;

	if (!sdp_media_conn(s, m, &c))
		return 0;
	*addr = c.addr;
	k = sdp_addr_kind(c.addr);
	return k == SDP_ADDR_IP4_MCAST || k == SDP_ADDR_IP6_MCAST;
}

static int
same_codec(const struct sdp_rtpmap *a, const struct sdp_rtpmap *b)
{
	return slice_ieq(a->enc, b->enc) && a->rate == b->rate;
}

static void
oa_formats(struct ctx *cx, const struct sdp *offer, unsigned m, int mcast)
{
	const struct sdp *ans = cx->s;
	const struct sdp_media *om = &offer->media[m], *am = &ans->media[m];
	struct slice rest = am->fmts, f, orest, of;
	int rtp = sdp_proto_is_rtp(am->proto), common = 0;

	while (sdp_fmt_next(&rest, &f)) {
		struct sdp_rtpmap ar, orr;
		uint32_t pt, opt;
		int same = fmt_listed(om, f), moved = -1;

		if (rtp && slice_to_u32(f, 127, &pt) == 0 &&
		    sdp_media_rtpmap(ans, m, pt, &ar)) {
			if (same && sdp_media_rtpmap(offer, m, pt, &orr) &&
			    !same_codec(&orr, &ar))
				same = 0;
			if (!same) {
				orest = om->fmts;
				while (sdp_fmt_next(&orest, &of))
					if (slice_to_u32(of, 127, &opt) == 0 &&
					    sdp_media_rtpmap(offer, m, opt,
					    &orr) && same_codec(&orr, &ar)) {
						moved = (int)opt;
						break;
					}
			}
		}
		if (same) {
			common++;
			continue;
		}
		if (moved >= 0) {
			common++;
			if (mcast)
				REPORT(cx, SDP_C_OA_MULTICAST, f.p, "a "
				    "multicast answer must keep the offered "
				    "payload type %d", moved);
			else
				REPORT(cx, SDP_C_OA_PT, f.p, "codec offered as "
				    "payload type %d is answered as " SLICE_FMT,
				    moved, SLICE_ARG(f));
			continue;
		}
		if (mcast)
			REPORT(cx, SDP_C_OA_MULTICAST, f.p, "format '" SLICE_FMT
			    "' was not offered; a multicast answer may only "
			    "remove formats", SLICE_ARG(f));
		else
			REPORT(cx, SDP_C_OA_EXTRA_FORMAT, f.p, "format '"
			    SLICE_FMT "' was not offered", SLICE_ARG(f));
	}
	if (common == 0)
		REPORT(cx, SDP_C_OA_NO_COMMON, am->fmts.p, "no answered format "
		    "was offered; reject the stream with port 0 instead");
}

/* The value of attribute id in media m, else at session level. */
static int
media_attr(const struct sdp *s, unsigned m, enum sdp_attr_id id,
    struct slice *v, const char **at)
{
	const struct sdp_line *l;

	if ((l = find_attr(s, m + 1, id, v)) == NULL &&
	    (l = find_attr(s, 0, id, v)) == NULL)
		return 0;
	if (at != NULL)
		*at = l->text.p;
	return 1;
}

static void
oa_mid_setup(struct ctx *cx, const struct sdp *offer, unsigned m)
{
	const struct sdp *ans = cx->s;
	const char *mline = ans->lines[ans->media[m].first].text.p, *at;
	struct slice om, am, os, as;
	int have_o, have_a;

	have_o = find_attr(offer, m + 1, SDP_A_MID, &om) != NULL;
	have_a = find_attr(ans, m + 1, SDP_A_MID, &am) != NULL;
	if (have_o && !have_a)
		REPORT(cx, SDP_C_OA_MID, mline, "the offer names this stream "
		    "'mid:" SLICE_FMT "'; the answer must too", SLICE_ARG(om));
	else if (have_o && !slice_eq(om, am))
		REPORT(cx, SDP_C_OA_MID, am.p, "'mid:" SLICE_FMT "' answers "
		    "the offer's "
		    "'mid:" SLICE_FMT "'", SLICE_ARG(am), SLICE_ARG(om));
	if (!media_attr(ans, m, SDP_A_SETUP, &as, &at))
		return;
	if (!media_attr(offer, m, SDP_A_SETUP, &os, NULL))
		os = SLICE_LIT("active");	/* RFC 4145 4: the default */
	if (slice_eq_lit(as, "actpass") ||
	    (slice_eq_lit(os, "active") && !slice_eq_lit(as, "passive") &&
	    !slice_eq_lit(as, "holdconn")) ||
	    (slice_eq_lit(os, "passive") && !slice_eq_lit(as, "active") &&
	    !slice_eq_lit(as, "holdconn")))
		REPORT(cx, SDP_C_OA_SETUP, as.p, "'setup:" SLICE_FMT "' does "
		    "not answer 'setup:" SLICE_FMT "' (actpass is answered "
		    "with active or passive, active with passive, passive with "
		    "active)", SLICE_ARG(as), SLICE_ARG(os));
}

/* RFC 3264 6.2: ptime and b= of a multicast answer equal the offer's. */
static void
oa_mcast_ptime_bw(struct ctx *cx, const struct sdp *offer, unsigned m)
{
	const struct sdp *ans = cx->s;
	const struct sdp_line *ol, *al;
	struct slice ov, av;
	unsigned oi, ai, of, oe, af, ae;

	ol = find_attr(offer, m + 1, SDP_A_PTIME, &ov);
	al = find_attr(ans, m + 1, SDP_A_PTIME, &av);
	if (ol != NULL && (al == NULL || !slice_eq(ov, av)))
		REPORT(cx, SDP_C_OA_MULTICAST, al != NULL ? av.p :
		    ans->lines[ans->media[m].first].text.p, "a multicast "
		    "answer keeps the offer's 'ptime:" SLICE_FMT "'",
		    SLICE_ARG(ov));
	sdp_level_range(offer, m + 1, &of, &oe);
	sdp_level_range(ans, m + 1, &af, &ae);
	for (oi = of; oi < oe; oi++) {
		if (offer->lines[oi].type != 'b')
			continue;
		for (ai = af; ai < ae; ai++)
			if (ans->lines[ai].type == 'b' &&
			    slice_eq(ans->lines[ai].val, offer->lines[oi].val))
				break;
		if (ai == ae)
			REPORT(cx, SDP_C_OA_MULTICAST,
			    ans->lines[ans->media[m].first].text.p, "a "
			    "multicast answer keeps the offer's 'b=" SLICE_FMT
			    "'", SLICE_ARG(offer->lines[oi].val));
	}
}

static int
dir_fits(enum sdp_dir o, enum sdp_dir a)
{
	switch (o) {
	case SDP_DIR_SENDONLY:
		return a == SDP_DIR_RECVONLY || a == SDP_DIR_INACTIVE;
	case SDP_DIR_RECVONLY:
		return a == SDP_DIR_SENDONLY || a == SDP_DIR_INACTIVE;
	case SDP_DIR_INACTIVE:
		return a == SDP_DIR_INACTIVE;
	default:
		return 1;
	}
}

static struct slice
first_time(const struct sdp *s)
{
	unsigned i;

	for (i = 0; i < s->sess_end; i++)
		if (s->lines[i].type == 't')
			return s->lines[i].val;
	return SLICE_NULL;
}

void
sdp_lint_oa(struct sdp_lint *l, const struct sdp *offer,
    const struct sdp *answer)
{
	struct ctx cx = { l, answer, l->n, 0 };
	struct slice ot = first_time(offer), at = first_time(answer);
	unsigned m, n;

	if (ot.p != NULL && at.p != NULL && !slice_eq(ot, at))
		REPORT(&cx, SDP_C_OA_TIME, at.p, "'t=" SLICE_FMT "' differs "
		    "from the offer's 't=" SLICE_FMT "'", SLICE_ARG(at),
		    SLICE_ARG(ot));
	if (offer->nmedia != answer->nmedia) {
		const char *where = answer->buf + answer->len;

		if (answer->nmedia > 0)
			where = answer->lines[answer->media[answer->nmedia -
			    1].first].text.p;
		REPORT(&cx, SDP_C_OA_MLINES, where, "the answer has %u m= "
		    "lines, the offer %u", answer->nmedia, offer->nmedia);
	}
	n = offer->nmedia < answer->nmedia ? offer->nmedia : answer->nmedia;
	for (m = 0; m < n; m++) {
		const struct sdp_media *om = &offer->media[m];
		const struct sdp_media *am = &answer->media[m];
		const char *mline = answer->lines[am->first].text.p;
		enum sdp_dir od, ad;
		struct slice oaddr, aaddr;
		int mcast;

		if (!om->ok || !am->ok || !om->port_ok || !am->port_ok)
			continue;
		if (!slice_eq(om->type, am->type)) {
			REPORT(&cx, SDP_C_OA_MEDIA, am->type.p, "m= line %u "
			    "answers '" SLICE_FMT "' with "
			    "'" SLICE_FMT "'", m + 1,
			    SLICE_ARG(om->type), SLICE_ARG(am->type));
			continue;
		}
		if (!slice_ieq(om->proto, am->proto)) {
			REPORT(&cx, SDP_C_OA_MEDIA, am->proto.p, "m= line %u "
			    "answers proto '" SLICE_FMT "' with "
			    "'" SLICE_FMT "'",
			    m + 1, SLICE_ARG(om->proto), SLICE_ARG(am->proto));
			continue;
		}
		if (om->port_num == 0) {
			if (am->port_num != 0)
				REPORT(&cx, SDP_C_OA_REJECTED, am->port.p, "m= "
				    "line %u has port 0 in the offer; the "
				    "answer must have port 0 too", m + 1);
			continue;
		}
		if (am->port_num == 0)
			continue;
		mcast = media_is_mcast(offer, m, &oaddr);
		oa_formats(&cx, offer, m, mcast);
		oa_mid_setup(&cx, offer, m);
		od = sdp_media_dir(offer, m);
		ad = sdp_media_dir(answer, m);
		if (mcast) {
			if (!media_is_mcast(answer, m, &aaddr) ||
			    !slice_eq(oaddr, aaddr) ||
			    om->port_num != am->port_num)
				REPORT(&cx, SDP_C_OA_MULTICAST, mline, "an "
				    "accepted multicast stream keeps the "
				    "offer's address and port");
			if (od != ad)
				REPORT(&cx, SDP_C_OA_MULTICAST, mline, "a "
				    "multicast answer keeps the offer's "
				    "direction '%s', not "
				    "'%s'", sdp_dir_name(od),
				    sdp_dir_name(ad));
			oa_mcast_ptime_bw(&cx, offer, m);
		} else if (!dir_fits(od, ad))
			REPORT(&cx, SDP_C_OA_DIRECTION, mline, "the offer is "
			    "'%s', so the answer may not be '%s'",
			    sdp_dir_name(od), sdp_dir_name(ad));
	}
	sort_findings(l, cx.first);
}
