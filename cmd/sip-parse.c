/*
 * sip-parse - take SIP messages and captures apart
 *
 * RFC 3261 7 (message format), 7.3.1 (header field format), 7.5
 * (framing), 18.3 (Content-Length framing on streams), 25 (grammar).
 * Captures (pcap, pcapng, live) through lib/cap.h.
 */
#include <errno.h>
#include <netinet/in.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "buf.h"
#include "check.h"
#include "clock.h"
#include "calls.h"
#include "cap.h"
#include "ladder.h"
#include "stats.h"
#include "field.h"
#include "fields.h"
#include "hdrjson.h"
#include "hep.h"
#include "input.h"
#include "json.h"
#include "memo.h"
#include "msg.h"
#include "net.h"
#include "parse-mgcp.h"
#include "priv.h"
#include "tlsdec.h"

static const char *const usage[] = {
	"sip-parse [-cjqv] [--full | --json | --body | -f fields] [filters] "
	    "[file...]",
	"sip-parse [-cjqv] [options] [filters] -i iface [--filter bpf] "
	    "[--duration s] [-Z user]",
	"sip-parse [--calls | --stats | --flow [call-id] [--svg f | --html f]] "
	    "...",
	NULL
};

static struct {
	int		 full;
	int		 body;
	int		 json;
	int		 strict;
	int		 count;
	const char	*fields;
	struct strlist	 methods;
	struct strlist	 statuses;
	struct strlist	 callids;
	struct strlist	 headers;
	const char	*iface;
	const char	*bpf;
	const char	*runas;
	long		 duration;
	const char	*write;
	long		 port;
	long		 limit;
	int		 calls;
	int		 stats;
	int		 flow;
	struct strlist	 flowids;	/* --flow=ID: each must be found */
	const char	*svg;
	const char	*html;
	const char	*keylog;
	const char	*tlskey;
	int		 flow_detail;
	const char	*hepout;
	const char	*hepproto;
	long		 hepid;
	const char	*heppwfile;
} o = { .hepproto = "udp" };

static const char *const hep_protos[] = { "udp", "tcp", NULL };

static struct sip_tlsdec_keys	*keys;	/* --keylog's and --tls-key's */

static int	flow_opt(const char *arg);

/* -f's names, for completion. */
static const char *
parse_field(size_t i)
{
	return field_name(i, FLD_PARSE);
}

static const struct opt opts[] = {
	OPT_GROUP("Output"),
	OPT_FLAG(0, "full", &o.full, "print each message normalised"),
	OPT_FLAG(0, "body", &o.body,
	    "write each message's body as it is, CRLF kept, nothing between"),
	OPT_FLAG('j', "json", &o.json, "JSON Lines: one object per message"),
	OPT_STR('f', "fields", &o.fields, "LIST",
	    "tab-separated fields, e.g. method,call_id,from.tag",
	    OPT_WORDLIST(parse_field)),
	OPT_FLAG('c', "count", &o.count,
	    "print only the number of matching messages"),
	OPT_FLAG(0, "strict", &o.strict,
	    "report every RFC 3261 violation; exit 1 if any"),
	OPT_FLAG('v', "verbose", &verbose, "say what is being read"),
	OPT_QUIET,
	OPT_GROUP("Captures"),
	OPT_IFACE('i', "interface", &o.iface, "IFACE",
	    "capture live on IFACE (needs privilege)"),
	OPT_STR(0, "filter", &o.bpf, "BPF",
	    "read only packets matching the BPF expression"),
	OPT_INT(0, "duration", &o.duration, "SECONDS", 1, 31536000,
	    "with -i: stop capturing after SECONDS"),
	OPT_STR('Z', "run-as", &o.runas, "USER",
	    "with -i as root: run as USER once IFACE is open (default nobody)",
	    .comp = OPT_C_USER),
	OPT_INT(0, "port", &o.port, "PORT", 1, 65535,
	    "only SIP to or from PORT (default: any port)"),
	OPT_FILE(0, "write", &o.write, "FILE",
	    "write the packets of matching messages to a pcap FILE"),
	OPT_FILE(0, "keylog", &o.keylog, "FILE",
	    "decrypt TLS with the secrets of key log FILE (SSLKEYLOGFILE)"),
	OPT_SECRETFILE(0, "tls-key", &o.tlskey, "FILE",
	    "decrypt TLS 1.2 RSA key exchange with the server's key (PEM)"),
	OPT_INT(0, "limit", &o.limit, "N", 1, 2147483647,
	    "stop after N matching messages"),
	OPT_GROUP("Sending to a HEP collector (Homer)"),
	OPT_STR(0, "hep-out", &o.hepout, "HOST:PORT",
	    "send each matching message in HEP3 to HOST:PORT",
	    .comp = OPT_C_HOST),
	OPT_ENUM(0, "hep-transport", &o.hepproto, "PROTO", hep_protos,
	    "with --hep-out: udp (default) or tcp"),
	OPT_INT(0, "hep-id", &o.hepid, "N", 0, 4294967295.0,
	    "with --hep-out: the capture agent id (default 0)"),
	OPT_SECRETFILE(0, "hep-password-file", &o.heppwfile, "FILE",
	    "with --hep-out: the collector's password (auth key) in FILE"),
	OPT_GROUP("Calls and statistics (instead of one output per message)"),
	OPT_FLAG(0, "calls", &o.calls,
	    "a table of calls: Call-ID, From, To, start, duration, state"),
	OPT_FLAG(0, "stats", &o.stats,
	    "counts by method and status, retransmissions, response times"),
	OPT_CALLOPT(0, "flow", "CALL-ID", flow_opt,
	    "a ladder per call, or of CALL-ID (--flow ID or --flow=ID)"),
	OPT_FLAG(0, "flow-detail", &o.flow_detail,
	    "with --flow: the transport and CSeq on each arrow"),
	OPT_FILE(0, "svg", &o.svg, "FILE", "with --flow: draw the ladder as SVG"),
	OPT_FILE(0, "html", &o.html, "FILE",
	    "with --flow: an HTML page with a drawn ladder per call"),
	OPT_GROUP("Filters (all must match; each may be repeated)"),
	OPT_LIST('X', "method", &o.methods, "METHOD",
	    "requests of METHOD and responses to them", OPT_WORDS(opt_methods)),
	OPT_LIST('s', "status", &o.statuses, "CODE",
	    "responses with CODE: 486, 4xx or 400-499", OPT_WORDS(opt_classes)),
	OPT_LIST('C', "call-id", &o.callids, "ID", "messages of Call-ID ID"),
	OPT_LIST('H', "header", &o.headers, "NAME~REGEX",
	    "a header NAME whose value matches REGEX (NAME alone: present)",
	    OPT_WORDS(opt_headers)),
	OPT_END
};

static const char extra[] =
    "The fields of -f are the keys of --json (cseq.num: \"cseq\":{\"num\":..});\n"
    "a header is header.NAME, or its name alone when sip-parse knows it.\n";

static const struct applet_spec spec = { "sip-parse", usage, opts, extra,
    EXIT_LOCAL | EXIT_NET };

/* Compiled --header filters. */
struct hfilter {
	struct slice	 name;
	regex_t		 re;
	int		 has_re;
};

static struct hfilter	*hf;
static int		 nhf;
static unsigned long	 nmatched, nmsgs;
static int		 nfields;
static struct field_ref	*fieldv;
/* A message field's getter, or NULL for where the message was read. */
static field_fn		**fieldfn;
/* The frame the current message came in; NULL for a message file. */
static const struct sip_capmsg	*cur;
/* Why the current message is shown although malformed, or NULL. */
static const char		*curbad;
/*
 * The current message when it is MGCP (emit()'s m is NULL then): from a
 * capture (cur->mgcp) or from text (cur NULL).
 */
static const struct mgcp_msg	*curmgcp;

/* ---- frame facts ---- */

/* The decimal digits of v at w; returns the end. */
static char *
put_num(char *w, unsigned long long v)
{
	char t[24], *q = t + sizeof(t);
	size_t n;

	do
		*--q = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	n = (size_t)(t + sizeof(t) - q);
	memcpy(w, q, n);
	return w + n;
}

/* The n-digit microseconds of ns, zeros in front, at w. */
static char *
put_usec(char *w, uint64_t ns)
{
	unsigned long us = (unsigned long)(ns % 1000000000ull / 1000);
	int i;

	for (i = 5; i >= 0; i--, us /= 10)
		w[i] = (char)('0' + us % 10);
	return w + 6;
}

/*
 * ISO 8601 UTC with microseconds (n >= 32).  The date and time of day
 * are made again only when the second changes: a capture has many
 * messages a second.
 */
static const char *
frame_time(uint64_t ns, char *dst, size_t n)
{
	static char base[32];
	static size_t baselen;
	static time_t last = -1;
	time_t t = (time_t)(ns / 1000000000ull);
	struct tm tm;
	char *w;

	if (t != last || baselen == 0) {
		gmtime_r(&t, &tm);
		baselen = strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
		last = t;
	}
	if (n < baselen + 9)
		return "";
	memcpy(dst, base, baselen);
	w = dst + baselen;
	*w++ = '.';
	w = put_usec(w, ns);
	*w++ = 'Z';
	*w = '\0';
	return dst;
}

/* Seconds since the epoch with microseconds (n >= 32). */
static const char *
frame_epoch(uint64_t ns, char *dst, size_t n)
{
	char *w;

	static char base[24];
	static size_t baselen;
	static uint64_t last = UINT64_MAX;

	if (n < 28)
		return "";
	/* the seconds as frame_time() keeps them: they change seldom */
	if (ns / 1000000000ull != last) {
		last = ns / 1000000000ull;
		baselen = (size_t)(put_num(base, last) - base);
	}
	memcpy(dst, base, baselen);
	w = dst + baselen;
	*w++ = '.';
	w = put_usec(w, ns);
	*w = '\0';
	return dst;
}

/* addr:port, with IPv6 in brackets (n >= 80). */
static const char *
endpoint(const struct sip_ipaddr *a, unsigned port, char *dst, size_t n)
{
	char *w = dst;
	size_t k;

	if (n < 80)
		return "";
	if (a->family == 6)
		*w++ = '[';
	sip_pkt_ntop(a, w, 64);
	k = strlen(w);
	w += k;
	if (a->family == 6)
		*w++ = ']';
	*w++ = ':';
	w = put_num(w, port);
	*w = '\0';
	return dst;
}

/* ---- filters ---- */

/* 486, 4xx or 400-499; 0 if f is none of those. */
static int
status_range(const char *f, int *lo, int *hi)
{
	uint32_t a, b;
	const char *dash = strchr(f, '-');

	if (strlen(f) == 3 && f[0] >= '1' && f[0] <= '6' &&
	    (f[1] | 0x20) == 'x' && (f[2] | 0x20) == 'x') {
		*lo = (f[0] - '0') * 100;
		*hi = *lo + 99;
		return 1;
	}
	if (dash != NULL) {
		if (slice_to_u32(slice_make(f, (size_t)(dash - f)), 699, &a) ||
		    slice_to_u32(slice_cstr(dash + 1), 699, &b) || a > b)
			return 0;
		*lo = (int)a;
		*hi = (int)b;
		return 1;
	}
	if (slice_to_u32(slice_cstr(f), 699, &a) != 0 || a < 100)
		return 0;
	*lo = *hi = (int)a;
	return 1;
}

static void
filters_init(void)
{
	int i, lo, hi, rc;

	for (i = 0; i < o.statuses.n; i++)
		if (!status_range(o.statuses.v[i], &lo, &hi))
			usage_error("--status wants 486, 4xx or 400-499, not '%s'",
			    o.statuses.v[i]);
	hf = xcalloc((size_t)o.headers.n + 1, sizeof(*hf));
	for (i = 0; i < o.headers.n; i++) {
		const char *s = o.headers.v[i], *t = strchr(s, '~');
		char err[128];

		hf[i].name = t ? slice_make(s, (size_t)(t - s)) : slice_cstr(s);
		hf[i].name = slice_trim(hf[i].name);
		if (!slice_is_token_str(hf[i].name))
			usage_error("--header wants NAME~REGEX, not '%s'", s);
		if (t != NULL) {
			rc = regcomp(&hf[i].re, t + 1, REG_EXTENDED | REG_NOSUB);
			if (rc != 0) {
				regerror(rc, &hf[i].re, err, sizeof(err));
				usage_error("--header '%s': %s", s, err);
			}
			hf[i].has_re = 1;
		}
	}
	nhf = o.headers.n;
}


static int
header_match(const struct sip_msg *m, const struct hfilter *f)
{
	enum sip_hdr_id id = sip_hdr_lookup(f->name.p, f->name.len);
	struct buf tmp;
	unsigned i;
	int hit = 0;

	buf_init(&tmp, SIP_MAX_LINE + 1);
	for (i = 0; i < m->nhdrs && !hit; i++) {
		const struct sip_hdr *h = &m->hdrs[i];

		if (id != SIP_HDR_OTHER ? h->id != id :
		    (h->id != SIP_HDR_OTHER || !slice_ieq(h->name, f->name)))
			continue;
		if (!f->has_re) {
			hit = 1;
			break;
		}
		buf_reset(&tmp);
		if (buf_addslice(&tmp, h->value) == SIP_OK &&
		    regexec(&f->re, tmp.p ? tmp.p : "", 0, NULL, 0) == 0)
			hit = 1;
	}
	buf_free(&tmp);
	return hit;
}

/*
 * The two ends of the current MGCP message, "addr:port": from a message
 * file none are known, and a response goes back the way its command
 * came ("" both ways), as a datagram's would.
 */
static void
mgcp_ends(char *a, char *b, size_t n)
{
	if (cur == NULL) {
		a[0] = b[0] = '\0';
		return;
	}
	endpoint(&cur->src, cur->sport, a, n);
	endpoint(&cur->dst, cur->dport, b, n);
}

/*
 * Every MGCP message goes through this table when -X or -C is given, so
 * that a response is known by its command's verb and call id.
 */
static struct mgcp_calls	mgcpseen;

/*
 * The filters on an MGCP message: -X its verb (a response: its
 * command's), -s its code, -C its call id (C:; a response: its
 * command's call's), -H a parameter line.
 */
static int
mgcp_matches(const struct mgcp_msg *g)
{
	struct buf tmp;
	struct slice v, verb = g->verb, cid = mgcp_param(g, "C");
	int i, lo, hi, ok;

	if (o.methods.n + o.callids.n > 0) {
		char a[80], b[80];
		const char *cv, *cc;

		mgcp_ends(a, b, sizeof(a));
		if (g->is_response && mgcp_calls_answers(&mgcpseen, g, a, b,
		    &cv, &cc)) {
			verb = slice_cstr(cv);
			cid = slice_cstr(cc);
		}
		if (mgcp_calls_add(&mgcpseen, g, cur != NULL ? cur->ts_ns : 0,
		    a, b) != SIP_OK)
			die(SIP_EXIT_NET, "out of memory");
	}
	if (o.methods.n > 0) {
		for (ok = 0, i = 0; i < o.methods.n && !ok; i++)
			ok = slice_ieq_cstr(verb, o.methods.v[i]);
		if (!ok)
			return 0;
	}
	if (o.statuses.n > 0) {
		for (ok = 0, i = 0; i < o.statuses.n && !ok; i++)
			ok = g->is_response && status_range(o.statuses.v[i],
			    &lo, &hi) && g->code >= lo && g->code <= hi;
		if (!ok)
			return 0;
	}
	if (o.callids.n > 0) {
		for (ok = 0, i = 0; i < o.callids.n && !ok; i++)
			ok = slice_eq_cstr(cid, o.callids.v[i]);
		if (!ok)
			return 0;
	}
	for (i = 0; i < nhf; i++) {
		v = mgcp_param_n(g, hf[i].name.p, hf[i].name.len);
		if (v.p == NULL)
			return 0;
		if (!hf[i].has_re)
			continue;
		buf_init(&tmp, SIP_MAX_LINE + 1);
		ok = buf_addslice(&tmp, v) == SIP_OK && regexec(&hf[i].re,
		    tmp.p ? tmp.p : "", 0, NULL, 0) == 0;
		buf_free(&tmp);
		if (!ok)
			return 0;
	}
	return 1;
}

static int
matches(const struct sip_msg *m)
{
	int i, lo, hi, ok;

	if (m == NULL)
		return mgcp_matches(curmgcp);

	if (o.methods.n > 0) {
		struct slice meth = m->is_request ? m->method : sip_field_cseq_method(m);

		for (ok = 0, i = 0; i < o.methods.n && !ok; i++)
			ok = slice_ieq_cstr(meth, o.methods.v[i]);
		if (!ok)
			return 0;
	}
	if (o.statuses.n > 0) {
		if (m->is_request)
			return 0;
		for (ok = 0, i = 0; i < o.statuses.n && !ok; i++)
			ok = status_range(o.statuses.v[i], &lo, &hi) &&
			    m->status >= lo && m->status <= hi;
		if (!ok)
			return 0;
	}
	if (o.callids.n > 0) {
		struct slice cid = slice_trim(sip_msg_value(m, SIP_HDR_CALL_ID));

		for (ok = 0, i = 0; i < o.callids.n && !ok; i++)
			ok = slice_eq_cstr(cid, o.callids.v[i]);
		if (!ok)
			return 0;
	}
	for (i = 0; i < nhf; i++)
		if (!header_match(m, &hf[i]))
			return 0;
	return 1;
}

/* ---- fields ---- */

/* The value of field k for m: the message's, or where it was read. */
static struct slice
field(const struct sip_msg *m, int k, const char *path, struct buf *tmp)
{
	char t[64];

	switch (fieldv[k].id) {
	case FLD_FILE:
		return slice_cstr(path);
	case FLD_INDEX:
		return field_num(tmp, nmsgs);
	/* Frame facts exist only for messages read from a capture. */
	case FLD_FRAME_NUMBER:
		return cur != NULL ? field_num(tmp, cur->frame) : SLICE_LIT("");
	case FLD_FRAME_SPORT:
		return cur != NULL ? field_num(tmp, cur->sport) : SLICE_LIT("");
	case FLD_FRAME_DPORT:
		return cur != NULL ? field_num(tmp, cur->dport) : SLICE_LIT("");
	case FLD_FRAME_TRANSPORT:
		return cur != NULL ? slice_cstr(sip_tp_name(cur->tp)) :
		    SLICE_LIT("");
	case FLD_FRAME_TIME:
	case FLD_FRAME_EPOCH:
	case FLD_FRAME_SRC:
	case FLD_FRAME_DST:
		if (cur == NULL)
			return SLICE_LIT("");
		buf_reset(tmp);
		buf_adds(tmp, fieldv[k].id == FLD_FRAME_TIME ?
		    frame_time(cur->ts_ns, t, sizeof(t)) :
		    fieldv[k].id == FLD_FRAME_EPOCH ?
		    frame_epoch(cur->ts_ns, t, sizeof(t)) :
		    sip_pkt_ntop(fieldv[k].id == FLD_FRAME_SRC ? &cur->src :
		    &cur->dst, t, sizeof(t)));
		return buf_slice(tmp);
	default:
		/* m is NULL for an MGCP message (curmgcp) */
		return m != NULL ? field_msg(m, &fieldv[k], tmp) :
		    field_mgcp(curmgcp, &fieldv[k], tmp);
	}
}

static inline void	add_field(struct buf *, struct slice, char);

/* Each line is built in obuf and written in blocks (cmd/obuf.c). */
static void
print_fields(const struct sip_msg *m, const char *path)
{
	static struct buf tmp;	/* kept: numbers need it for every message */
	int i;

	for (i = 0; i < nfields; i++)
		add_field(&obuf, m != NULL && fieldfn[i] != NULL ?
		    fieldfn[i](m, &fieldv[i], &tmp) : field(m, i, path, &tmp),
		    i + 1 < nfields ? '\t' : '\n');
	obuf_line_done();
}

static void
fields_init(void)
{
	const char *p = o.fields, *e;
	enum field id;
	size_t n;

	/* the header names in fieldv point into the argument itself */
	for (; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		while (*p == ' ')
			p++;
		n = strcspn(p, ",");
		e = p + n;
		if (n == 0)
			continue;
		fieldv = xrealloc(fieldv, sizeof(*fieldv) * ((size_t)nfields + 1));
		fieldfn = xrealloc(fieldfn,
		    sizeof(*fieldfn) * ((size_t)nfields + 1));
		if (field_lookup(p, n, FLD_PARSE, &fieldv[nfields]) != 0)
			field_unknown("--fields", p, n, FLD_PARSE);
		id = fieldv[nfields].id;
		fieldfn[nfields] = id >= FLD_FILE && id <= FLD_FRAME_TRANSPORT ?
		    NULL : field_msg_fn(id);
		nfields++;
	}
	if (nfields == 0)
		usage_error("--fields wants a comma-separated list of fields");
}

/* ---- output ---- */

/* SGR sequences, or nothing when stdout takes no colour (asked once). */
static int	colour;
#define SGR(code)	(colour ? "\033[" code "m" : "")

/* A field into a line being built: tabs and line ends become spaces. */
static __attribute__((noinline)) void
add_field_slow(struct buf *l, struct slice s)
{
	const char *e = s.p + s.len, *p = s.p, *q;

	while ((q = slice_find3(p, e, '\t', '\r', '\n')) != NULL) {
		buf_add(l, p, (size_t)(q - p));
		buf_add(l, " ", 1);
		p = q + 1;
	}
	buf_add(l, p, (size_t)(e - p));
}

/*
 * The bytes of the sixteen at v that may be a tab or a line end: every
 * byte up to CR, in two instructions; the rare other one (NUL, ^A) takes
 * add_field_slow(), which copies it as it is.
 */
#if defined(__SSE2__) && !defined(SLICE_NO_OVERREAD)
static inline uint32_t
tab_or_eol(__m128i v)
{
	return (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(
	    _mm_min_epu8(v, _mm_set1_epi8('\r')), v));
}
#endif

static inline __attribute__((always_inline)) void
add_field(struct buf *l, struct slice s, char sep)
{
#if defined(__SSE2__) && !defined(SLICE_NO_OVERREAD)
	/*
	 * Nearly always 0 to 64 bytes with nothing to replace: loads test
	 * sixteen each, stores copy them (into 80 bytes of room), and the
	 * separator follows.  Inline, with the rest out of the way.
	 */
	const char *p = s.p;
	char *w;
	size_t k;

	if (s.len <= 64 && ((uintptr_t)p & 4095) <= 4096 - 64 &&
	    (l->cap - l->len > 80 || buf_reserve(l, 80) == SIP_OK)) {
		w = l->p + l->len;
		if (s.len - 1 < 32) {
			/* a tag, a branch, a number: two loads, no loop (an
			   empty field's p may be NULL: the loop does none) */
			__m128i a = _mm_loadu_si128((const __m128i *)
			    (const void *)p), b = _mm_loadu_si128(
			    (const __m128i *)(const void *)(p + 16));

			if (((tab_or_eol(a) | tab_or_eol(b) << 16) &
			    (uint32_t)((1ULL << s.len) - 1)) != 0)
				goto slow;
			_mm_storeu_si128((__m128i *)(void *)w, a);
			_mm_storeu_si128((__m128i *)(void *)(w + 16), b);
		} else
			for (k = 0; k < s.len; k += 16) {
				__m128i v = _mm_loadu_si128((const __m128i *)
				    (const void *)(p + k));
				uint32_t bits = tab_or_eol(v);

				if (s.len - k < 16)
					bits &= (1u << (s.len - k)) - 1;
				if (bits != 0)
					goto slow;
				_mm_storeu_si128((__m128i *)(void *)(w + k), v);
			}
		w[s.len] = sep;
		l->len += s.len + 1;
		l->p[l->len] = '\0';
		return;
	}
slow:
#endif
	add_field_slow(l, s);
	buf_add(l, &sep, 1);
}

/*
 * The default output, a line built whole in obuf (printf took three
 * quarters of the time of a capture's run).
 */
static void
print_line(const struct sip_msg *m)
{
	struct buf *l = &obuf;
	char t[80], *w;

	if (cur != NULL) {
		w = put_num(t, cur->frame);
		*w++ = '\t';
		buf_add(l, t, (size_t)(w - t));
		buf_adds(l, frame_time(cur->ts_ns, t, sizeof(t)));
		buf_add(l, "\t", 1);
		buf_adds(l, endpoint(&cur->src, cur->sport, t, sizeof(t)));
		buf_add(l, "\t", 1);
		buf_adds(l, endpoint(&cur->dst, cur->dport, t, sizeof(t)));
		buf_add(l, "\t", 1);
		buf_adds(l, sip_tp_name(cur->tp));
		buf_add(l, "\t", 1);
	}
	if (m == NULL) {
		parse_mgcp_line(l, curmgcp, colour);
		buf_add(l, "\n", 1);
		obuf_line_done();
		return;
	}
	if (m->is_request) {
		buf_adds(l, SGR("1;36"));
		buf_addslice(l, m->method);
		buf_adds(l, SGR("0"));
		buf_add(l, "\t", 1);
		buf_addslice(l, m->ruri);
	} else {
		buf_adds(l, m->status >= 400 ? SGR("1;31") :
		    m->status >= 200 ? SGR("1;32") : SGR("1;33"));
		w = put_num(t, (unsigned)m->status);
		buf_add(l, t, (size_t)(w - t));
		buf_adds(l, SGR("0"));
		buf_add(l, "\t", 1);
		buf_addslice(l, m->reason);
	}
	buf_add(l, "\t", 1);
	add_field(l, field_addr_uri(sip_msg_value(m, SIP_HDR_FROM)), '\t');
	add_field(l, field_addr_uri(sip_msg_value(m, SIP_HDR_TO)), '\t');
	add_field(l, slice_trim(sip_msg_value(m, SIP_HDR_CALL_ID)), '\t');
	add_field(l, sip_msg_value(m, SIP_HDR_CSEQ), '\n');
	obuf_line_done();
}

/* A header value with its folds turned into single spaces. */
static void
put_unfolded(struct slice v)
{
	size_t i;
	int ws = 0;

	for (i = 0; i < v.len; i++) {
		char c = v.p[i];

		if (c == '\r' || c == '\n') {
			ws = 1;
			continue;
		}
		if (ws && (c == ' ' || c == '\t')) {
			continue;
		}
		if (ws) {
			putchar(' ');
			ws = 0;
		}
		putchar(c);
	}
}

static void
print_full(const struct sip_msg *m)
{
	unsigned i;

	if (nmatched > 1)
		putchar('\n');
	if (cur != NULL) {
		char t[64], a[80], b[80];

		printf("%s# frame %lu %s %s -> %s %s%s\n", color_on(stdout, "2"),
		    cur->frame, frame_time(cur->ts_ns, t, sizeof(t)),
		    endpoint(&cur->src, cur->sport, a, sizeof(a)),
		    endpoint(&cur->dst, cur->dport, b, sizeof(b)),
		    sip_tp_name(cur->tp), color_off(stdout));
	}
	if (m == NULL) {		/* MGCP: as it came */
		fwrite(curmgcp->raw.p, 1, curmgcp->raw.len, stdout);
		if (curmgcp->raw.len == 0 ||
		    curmgcp->raw.p[curmgcp->raw.len - 1] != '\n')
			putchar('\n');
		return;
	}
	if (m->is_request)
		printf(SLICE_FMT " " SLICE_FMT " " SLICE_FMT "\n",
		    SLICE_ARG(m->method), SLICE_ARG(m->ruri),
		    SLICE_ARG(m->version));
	else
		printf(SLICE_FMT " %d " SLICE_FMT "\n", SLICE_ARG(m->version),
		    m->status, SLICE_ARG(m->reason));
	for (i = 0; i < m->nhdrs; i++) {
		const struct sip_hdr *h = &m->hdrs[i];
		const char *name = sip_hdr_name(h->id);

		if (name != NULL)
			printf("%s%s%s: ", color_on(stdout, "1"), name,
			    color_off(stdout));
		else
			printf("%s" SLICE_FMT "%s: ", color_on(stdout, "1"),
			    SLICE_ARG(h->name), color_off(stdout));
		put_unfolded(h->value);
		putchar('\n');
	}
	putchar('\n');
	if (m->body.len > 0) {
		fwrite(m->body.p, 1, m->body.len, stdout);
		if (m->body.p[m->body.len - 1] != '\n')
			putchar('\n');
	}
}

/*
 * --json's output recalled by the bytes it comes from: the messages of a
 * dialog repeat From, To, Via and CSeq byte for byte, and each header
 * was parsed and written the same way the time before (half the
 * instructions of a message; 2,048 slots of 2 KB at most).  The tags of
 * the members below are past hdrjson's.
 */
static struct memo	jmemo;
enum { JMEMO_CSEQ = SIP_JSON_MEMO_FREE, JMEMO_FROM, JMEMO_TO, JMEMO_ENDS };

/* An address's family and bytes, as a memo's key (nothing unset). */
static unsigned char *
put_addr(unsigned char *w, const struct sip_ipaddr *a)
{
	size_t n = a->family == 6 ? 16 : 4;

	*w++ = a->family;
	memcpy(w, a->a, n);
	return w + n;
}

/* json_party() written; arg points to 1 for "to" */
static void
party(struct json *j, struct slice v, const void *arg)
{
	if (*(const int *)arg)
		json_lobj(j, "to");
	else
		json_lobj(j, "from");
	json_lslice(j, "uri", field_addr_uri(v));
	json_lslice(j, "tag", sip_field_hparam(v, "tag"));
	json_end(j);
}

/* "cseq":{"num":...,"method":...} of the CSeq value v */
static void
cseq_obj(struct json *j, struct slice v, const void *arg)
{
	struct slice c = slice_trim(v), num;
	size_t i = 0;
	uint32_t n;

	(void)arg;
	/* (as field_cseq_num() and sip_field_cseq_method() read it) */
	while (i < c.len && c.p[i] != ' ' && c.p[i] != '\t')
		i++;
	num = slice_head(c, i);
	json_lobj(j, "cseq");
	if (slice_to_u32(num, UINT32_MAX, &n) == 0)
		json_lint(j, "num", n);
	else
		json_lslice(j, "num", num);
	json_lslice(j, "method", slice_trim(slice_from(c, i)));
	json_end(j);
}

/* The tag that ends a From or To (json_recall()'s hole) */
static size_t
tag_hole(struct slice v)
{
	return json_hole_len(v, "tag");
}

/*
 * What write() gives for v, recalled by v from jmemo under tag, or for
 * a new token at its start (first) or end, of the length hole() finds,
 * from the template of any (json_memo_hit_holes()).
 */
static void
json_recall(struct json *j, struct slice v, uint32_t tag,
    size_t (*hole)(struct slice), int first,
    void (*write)(struct json *, struct slice, const void *),
    const void *arg)
{
	struct json_memo jm, jh;
	struct slice a, t;
	size_t tl;

	if (json_memo_hit(j, &jmemo, &jm, tag, v))
		return;
	if ((tl = hole(v)) == 0) {
		write(j, v, arg);
		json_memo_keep(j, &jm);
		return;
	}
	a = first ? slice_from(v, tl) : slice_head(v, v.len - tl);
	t = first ? slice_head(v, tl) : slice_from(v, v.len - tl);
	if (json_memo_hit_holes(j, &jmemo, &jh, tag | JSON_MEMO_HOLES, a, t)) {
		json_memo_keep(j, &jm);
		return;
	}
	write(j, v, arg);
	json_memo_keep(j, &jm);
	json_memo_make_holes(j, &jh, t, first, write, arg);
}

/* "from" or "to": {"uri":..., "tag":...} of the header's value v */
static void
json_party(struct json *j, struct slice v, int to)
{
	json_recall(j, v, to ? JMEMO_TO : JMEMO_FROM, tag_hole, 0, party, &to);
}

/*
 * "time":"...","epoch":... of a frame: the text of frame_time() and
 * frame_epoch() is made again only when the second changes, and in
 * between only the microseconds (twice the same six digits) are put in.
 */
static void
json_clock(struct json *j, uint64_t ns)
{
	const char *pairs = json_pairs;
	static char text[96];
	static size_t len, u1, u2;
	static uint64_t sec = UINT64_MAX;
	unsigned long us = (unsigned long)(ns % 1000000000ull / 1000);
	char out[96];

	if (ns / 1000000000ull != sec || len == 0) {
		char t[64], e[32];
		const char *ts = frame_time(ns, t, sizeof(t));
		const char *es = frame_epoch(ns, e, sizeof(e));
		size_t tn = strlen(ts), en = strlen(es);

		/* both end in the microseconds: ".uuuuuuZ" and ".uuuuuu" */
		len = 0;
		if (tn < 8 || en < 7 || tn + en + 20 > sizeof(text))
			goto slow;
		memcpy(text, "\"time\":\"", 8);
		memcpy(text + 8, ts, tn - 7);
		u1 = 8 + tn - 7;
		memcpy(text + u1 + 6, "Z\",\"epoch\":", 11);
		memcpy(text + u1 + 17, es, en - 6);
		u2 = u1 + 17 + en - 6;
		len = u2 + 6;
		sec = ns / 1000000000ull;
	}
	memcpy(out, text, len);
	memcpy(out + u1, pairs + us / 10000 * 2, 2);
	memcpy(out + u1 + 2, pairs + us / 100 % 100 * 2, 2);
	memcpy(out + u1 + 4, pairs + us % 100 * 2, 2);
	memcpy(out + u2, out + u1, 6);
	json_members(j, out, len);
	return;
slow: {
		char t[64];

		json_lstr(j, "time", frame_time(ns, t, sizeof(t)));
		json_lkey(j, "epoch");
		frame_epoch(ns, t, sizeof(t));
		json_raw(j, t, strlen(t));
	}
}

/* A frame's addresses, ports and transport: the same for a whole flow. */
static void
json_ends(struct json *j)
{
	unsigned char k[2 * 17 + 6], *w = k;
	struct json_memo jm;
	char t[64];

	w = put_addr(w, &cur->src);
	w = put_addr(w, &cur->dst);
	*w++ = (unsigned char)(cur->sport >> 8);
	*w++ = (unsigned char)cur->sport;
	*w++ = (unsigned char)(cur->dport >> 8);
	*w++ = (unsigned char)cur->dport;
	*w++ = (unsigned char)cur->tp;
	*w++ = cur->hep != 0;
	if (json_memo_hit(j, &jmemo, &jm, JMEMO_ENDS,
	    slice_make((const char *)k, (size_t)(w - k))))
		return;
	json_lstr(j, "src", sip_pkt_ntop(&cur->src, t, sizeof(t)));
	json_lint(j, "sport", cur->sport);
	json_lstr(j, "dst", sip_pkt_ntop(&cur->dst, t, sizeof(t)));
	json_lint(j, "dport", cur->dport);
	json_lstr(j, "transport", sip_tp_name(cur->tp));
	if (cur->hep)
		json_kbool(j, "hep", 1);
	json_memo_keep(j, &jm);
}

static void
print_json(const struct sip_msg *m, const char *path)
{
	struct buf *bp = &obuf;	/* (records in blocks: cmd/obuf.c) */
	static struct buf head;		/* {"file":path, as of headpath */
	static char *headpath;
	struct json jj, *j = &jj;
	struct slice cseq;
	size_t start = obuf.len;
	unsigned i;

	/* (by its text: a caller's buffer may hold another name later) */
	if (headpath == NULL || strcmp(path, headpath) != 0) {
		free(headpath);
		buf_reset(&head);
		json_init(j, &head);
		json_obj(j);
		json_lstr(j, "file", path);
		if (j->err != SIP_OK || (headpath = strdup(path)) == NULL) {
			headpath = NULL;
			buf_reset(&head);
			buf_adds(&head, "{");	/* (and j->err below) */
		}
	}
	json_init(j, bp);
	json_obj(j);
	if (headpath == NULL || buf_add(bp, head.p + 1, head.len - 1) != SIP_OK)
		j->err = SIP_E_NOMEM;
	j->state[0] = 1;
	json_lint(j, "index", (int64_t)nmsgs);
	if (cur != NULL) {
		json_lobj(j, "frame");
		json_lint(j, "number", (int64_t)cur->frame);
		json_clock(j, cur->ts_ns);
		json_ends(j);
		json_end(j);
	}
	if (m == NULL) {
		parse_mgcp_json(j, curmgcp);
		goto errors;
	}
	json_lstr(j, "type", m->is_request ? "request" : "response");
	if (m->is_request) {
		json_lslice(j, "method", m->method);
		json_lslice(j, "ruri", m->ruri);
	} else {
		json_lint(j, "status", m->status);
		json_lslice(j, "reason", m->reason);
	}
	json_lslice(j, "version", m->version);
	json_lslice(j, "call_id", slice_trim(sip_msg_value(m, SIP_HDR_CALL_ID)));
	cseq = sip_msg_value(m, SIP_HDR_CSEQ);
	json_recall(j, cseq, JMEMO_CSEQ, sip_json_cseq_hole, 1, cseq_obj, NULL);
	json_party(j, sip_msg_value(m, SIP_HDR_FROM), 0);
	json_party(j, sip_msg_value(m, SIP_HDR_TO), 1);
	json_larr(j, "headers");
	for (i = 0; i < m->nhdrs; i++)
		sip_json_hdr_obj(j, &m->hdrs[i], &jmemo);
	json_end(j);
	json_lint(j, "body_length", (int64_t)m->body.len);
	json_lslice(j, "body", m->body);
errors:
	if (curbad != NULL) {
		/* Shown although malformed: what is wrong with it. */
		json_larr(j, "errors");
		json_str(j, curbad);
		json_end(j);
	}
	json_end(j);
	if (j->err != SIP_OK || buf_addc(bp, '\n') != SIP_OK) {
		/* (a record that failed is not written; the others are) */
		obuf.len = start;
		if (obuf.p != NULL)
			obuf.p[start] = '\0';
	}
	obuf_line_done();
}

/* ---- strict checks ---- */

/*
 * Line and column of byte off of data, where data begins on line line0
 * (from 0) after col0 bytes of it.
 */
static unsigned
line_at(const char *data, size_t len, size_t off, unsigned long line0,
    size_t col0, unsigned *col)
{
	unsigned line = sip_msg_line_of(data, len, off, col);

	if (line == 1)
		*col += (unsigned)col0;
	return (unsigned)line0 + line;
}

/* RFC 3261 grammar findings from lib/check, as file:line:col: reason. */
static int
strict_report(const char *path, const char *data, size_t len,
    unsigned long line0, size_t col0, const struct sip_msg *m)
{
	struct sip_finding f[64];
	struct sip_check c;
	unsigned i, line, col;

	sip_check_init(&c, f, sizeof(f) / sizeof(f[0]));
	sip_check_msg(&c, m);
	for (i = 0; i < c.n; i++) {
		line = line_at(data, len, m->skipped + f[i].off, line0, col0,
		    &col);
		if (f[i].level == SIP_CHECK_ERROR)
			errorf("%s:%u:%u: %s", path, line, col, f[i].why);
		else
			warnf("%s:%u:%u: %s", path, line, col, f[i].why);
	}
	if (c.dropped > 0)
		errorf("%s: %u more findings not shown", path, c.dropped);
	return c.nerrors > 0;
}

/* ---- input ---- */

/* ---- calls, statistics, ladders ---- */

static struct sip_calls	 calltab;
static struct sip_stats	 stats;
static int		 summarise;	/* --calls, --stats or --flow */
static struct buf	 pic;		/* --svg or --html being built */
static FILE		*picf;		/* opened first: it may be after -Z */
static int		 svg_w, svg_h;	/* --svg: the picture so far */

static int
flow_opt(const char *arg)
{
	o.flow = 1;
	if (arg != NULL && *arg != '\0') {
		strlist_add(&o.callids, arg);
		strlist_add(&o.flowids, arg);
	}
	return 0;
}

/*
 * 'sip-parse --flow trace.pcap': the file name is the Call-ID and
 * standard input is read; say so when no file is given and it names one.
 */
static void
flow_file_warn(void)
{
	struct stat st;
	int k;

	for (k = 0; k < o.flowids.n; k++)
		if (stat(o.flowids.v[k], &st) == 0 && !S_ISDIR(st.st_mode))
			warnf("--flow %s: taken as the Call-ID, and standard "
			    "input is read; to draw the calls of that file: "
			    "--flow -- %s", o.flowids.v[k], o.flowids.v[k]);
}

static unsigned char	*flow_seen;	/* per o.flowids: a call was drawn */

static void
flow_mark(const struct sip_call *c)
{
	int i;

	for (i = 0; i < o.flowids.n; i++)
		if (strcmp(c->callid, o.flowids.v[i]) == 0)
			flow_seen[i] = 1;
}

/*
 * A Call-ID given to --flow that drew nothing is a mistake to say, not
 * an empty picture: exit 1 naming it and where it was looked for.
 */
static int
flow_missing(const char *where)
{
	int i, rc = 0;

	for (i = 0; i < o.flowids.n; i++)
		if (!flow_seen[i]) {
			errorf("--flow: no call with Call-ID '%s' in %s",
			    o.flowids.v[i], where);
			rc = SIP_EXIT_INVALID;
		}
	free(flow_seen);
	flow_seen = NULL;
	return rc;
}

/* Seconds with milliseconds, "%lu.%03lu" by hand (n >= 32). */
static void
fmt_duration(uint64_t ns, char *dst, size_t n)
{
	unsigned ms = (unsigned)(ns % 1000000000ull / 1000000);
	char *w;

	if (n < 32) {
		*dst = '\0';
		return;
	}
	w = put_num(dst, ns / 1000000000ull);
	*w++ = '.';
	*w++ = (char)('0' + ms / 100);
	*w++ = (char)('0' + ms / 10 % 10);
	*w++ = (char)('0' + ms % 10);
	*w = '\0';
}

/* What "%s %d" makes of s and status, without printf (n >= 48). */
static void
fmt_state(const char *s, size_t max, int status, char *dst, size_t n)
{
	size_t k = strnlen(s, max);
	char *w;

	if (n < 48 || max > n - 16 || status < 0) {
		snprintf(dst, n, "%.*s %d", (int)max, s, status);
		return;
	}
	memcpy(dst, s, k);
	w = dst + k;
	*w++ = ' ';
	w = put_num(w, (unsigned)status);
	*w = '\0';
}

static void
print_call(const struct sip_call *c)
{
	static struct buf line;	/* kept: one line a call */
	char t[64], d[32], st[48], num[32], *w;

	frame_time(c->start_ns, t, sizeof(t));
	fmt_duration(c->last_ns - c->start_ns, d, sizeof(d));
	if (c->state == SIP_CALL_OTHER && c->status == 0)
		snprintf(st, sizeof(st), "%.24s -", c->method);
	else if (c->state == SIP_CALL_OTHER)
		fmt_state(c->method, 24, c->status, st, sizeof(st));
	else if (c->status != 0)
		fmt_state(sip_call_state_name(c->state), 24, c->status, st,
		    sizeof(st));
	else
		snprintf(st, sizeof(st), "%s", sip_call_state_name(c->state));
	if (o.json) {
		struct jsonl l;
		struct json *j = &l.j;

		jsonl_begin(&l);
		json_kstr(j, "call_id", c->callid);
		json_kstr(j, "from", c->from);
		json_kstr(j, "to", c->to);
		json_kstr(j, "method", c->method);
		json_kstr(j, "start", t);
		json_key(j, "duration");
		json_dbl(j, (double)(c->last_ns - c->start_ns) / 1e9, 3);
		json_kstr(j, "state", c->state == SIP_CALL_OTHER ? NULL :
		    sip_call_state_name(c->state));
		if (c->status != 0)
			json_kint(j, "status", c->status);
		else {
			json_key(j, "status");
			json_null(j);
		}
		json_kint(j, "messages", (int64_t)c->nmsgs);
		json_kint(j, "challenges", (int64_t)c->challenges);
		jsonl_end(&l);
		return;
	}
	/*
	 * Built whole and written in one go, as a message's line is; by
	 * add_field_slow(): add_field() may load 64 bytes, and these strings
	 * are the table's own short copies, not a message buffer.
	 */
	buf_reset(&line);
	add_field_slow(&line, slice_cstr(c->callid));
	buf_add(&line, "\t", 1);
	add_field_slow(&line, field_addr_uri(slice_cstr(c->from)));
	buf_add(&line, "\t", 1);
	add_field_slow(&line, field_addr_uri(slice_cstr(c->to)));
	buf_add(&line, "\t", 1);
	buf_adds(&line, t);
	buf_add(&line, "\t", 1);
	buf_adds(&line, d);
	buf_add(&line, "\t", 1);
	buf_adds(&line, st);
	buf_add(&line, "\t", 1);
	w = put_num(num, c->nmsgs);
	*w++ = '\n';
	buf_add(&line, num, (size_t)(w - num));
	fwrite_unlocked(line.p, 1, line.len, stdout);
}

static void
flow_out(const struct sip_call *c)
{
	static int ncalls;
	struct buf b;

	if (o.html != NULL) {
		sip_ladder_html_call(&pic, c);
		return;
	}
	if (o.svg != NULL) {
		int w, h;

		/* One picture, the calls stacked; its <svg> tag comes last. */
		if (ncalls++ > 0)
			svg_h += sip_ladder_svg_gap();
		sip_ladder_svg_call(&pic, c, svg_h, 1, "");
		sip_ladder_svg_size(c, 1, &w, &h);
		svg_h += h;
		if (w > svg_w)
			svg_w = w;
		return;
	}
	buf_init(&b, 0);
	if (ncalls++ > 0)
		putchar('\n');
	if (sip_ladder_text(&b, c) == SIP_OK)
		fwrite(b.p, 1, b.len, stdout);
	buf_free(&b);
}

static void
call_done(struct sip_call *c)
{
	if (o.calls && !c->mgcp)	/* MGCP's rows come from mgcptab */
		print_call(c);
	if (o.flow) {
		flow_mark(c);
		flow_out(c);
	}
	sip_call_free(c);
}

/*
 * MGCP calls: listed by --calls after the SIP ones; with --flow each
 * call's messages also go into calltab, to be drawn as SIP calls are.
 */
static struct mgcp_calls	mgcptab;

static void
summarise_mgcp(const struct mgcp_msg *g)
{
	char a[80], b[80];
	uint64_t ts = cur != NULL ? cur->ts_ns : 0;
	const struct mgcp_call *mc;
	struct sip_call *ev = NULL;
	int re;

	mgcp_ends(a, b, sizeof(a));
	re = sip_stats_add_mgcp(&stats, g, ts, a, b);
	if (!o.calls && !o.flow)
		return;
	if (mgcp_calls_add(&mgcptab, g, ts, a, b) != SIP_OK)
		die(SIP_EXIT_NET, "out of memory");
	if (!o.flow || (mc = mgcp_calls_last(&mgcptab)) == NULL)
		return;
	if (cur == NULL) {	/* from a file: as summarise_msg() names them */
		snprintf(a, sizeof(a), g->is_response ? "server" : "client");
		snprintf(b, sizeof(b), g->is_response ? "client" : "server");
	}
	if (sip_calls_add_mgcp(&calltab, g, mc->callid, ts, cur != NULL ?
	    cur->frame : 0, a, b, cur != NULL ? sip_tp_name(cur->tp) : NULL,
	    re, &ev) == SIP_E_NOMEM)
		die(SIP_EXIT_NET, "out of memory");
	if (ev != NULL)
		call_done(ev);
}

static void
summary_mgcp_end(void)
{
	size_t i;

	for (i = 0; i < mgcptab.n && o.calls; i++)
		parse_mgcp_call(&mgcptab.v[i], o.json, frame_time);
	if (mgcptab.dropped > 0)
		warnf("%lu MGCP calls not listed: more than %d", mgcptab.dropped,
		    MGCP_MAX_CALLS);
	mgcp_calls_free(&mgcptab);
}

/* An endpoint as bytes, family, address and port, at k: 19 at most. */
static size_t
put_end(unsigned char *k, const struct sip_ipaddr *a, unsigned port)
{
	size_t n = a->family == 6 ? 16 : 4;

	k[0] = a->family;
	memcpy(k + 1, a->a, n);
	k[n + 1] = (unsigned char)(port >> 8);
	k[n + 2] = (unsigned char)port;
	return n + 3;
}

static void
summarise_msg(const struct sip_msg *m)
{
	char a[80], b[80];
	const char *src = "client", *dst = "server";
	struct sip_call *ev = NULL;
	uint64_t ts = cur != NULL ? cur->ts_ns : 0;
	unsigned char k[2 * 19];
	size_t nk;
	int re;
	enum sip_err e;

	if (cur != NULL) {
		/* the endpoints as bytes: no text for a fingerprint */
		nk = put_end(k, &cur->src, cur->sport);
		nk += put_end(k + nk, &cur->dst, cur->dport);
	} else if (m->is_request) {
		memcpy(k, "client\0server", nk = 13);
	} else {
		src = "server";
		dst = "client";
		memcpy(k, "server\0client", nk = 13);
	}
	/* --calls and --flow need to know a retransmission, no more */
	re = o.stats ? sip_stats_add(&stats, m, ts, k, nk) :
	    sip_stats_seen(&stats, m, ts, k, nk);
	if (!o.calls && !o.flow)
		return;
	if (cur != NULL && o.flow) {	/* a ladder's columns */
		src = endpoint(&cur->src, cur->sport, a, sizeof(a));
		dst = endpoint(&cur->dst, cur->dport, b, sizeof(b));
	}
	e = sip_calls_add(&calltab, m, ts, cur != NULL ? cur->frame : 0, src,
	    dst, cur != NULL ? sip_tp_name(cur->tp) : NULL, re, &ev);
	if (e == SIP_E_NOMEM)
		die(SIP_EXIT_NET, "out of memory");
	if (ev != NULL) {
		if (calltab.evicted == 1)
			warnf("call table full (%d calls): the call idle "
			    "longest is printed and forgotten", SIP_MAX_DIALOGS);
		call_done(ev);
	}
}

/* Did --stats count any MGCP?  (Its tables are printed only then.) */
static int
mgcp_seen(void)
{
	const struct sip_stats_mgcp *q = &stats.mgcp;

	return q->commands + q->responses + q->retrans + q->dups > 0;
}

static void
stats_mgcp_text(void)
{
	const struct sip_stats_mgcp *q = &stats.mgcp;
	int i;

	printf("\nMGCP messages\t%lu\ncommands\t%lu\nresponses\t%lu\n"
	    "retransmissions\t%lu\nduplicates\t%lu\n",
	    q->commands + q->responses, q->commands, q->responses, q->retrans,
	    q->dups);
	printf("\nMGCP verb\tcount\n");
	for (i = 0; i < SIP_STATS_MGCP_VERBS && q->verb[i][0]; i++)
		printf("%s\t%lu\n", q->verb[i], q->by_verb[i]);
	if (q->by_verb[SIP_STATS_MGCP_VERBS] > 0)
		printf("other\t%lu\n", q->by_verb[SIP_STATS_MGCP_VERBS]);
	printf("\nMGCP response class\tcount\n");
	for (i = 0; i < 10; i++)
		if (q->by_class[i] > 0)
			printf("%dxx\t%lu\n", i, q->by_class[i]);
}

static void
stats_mgcp_json(struct json *j)
{
	const struct sip_stats_mgcp *q = &stats.mgcp;
	char k[8];
	int i;

	json_key(j, "mgcp");
	json_obj(j);
	json_kint(j, "messages", (int64_t)(q->commands + q->responses));
	json_kint(j, "commands", (int64_t)q->commands);
	json_kint(j, "responses", (int64_t)q->responses);
	json_kint(j, "retransmissions", (int64_t)q->retrans);
	json_kint(j, "duplicates", (int64_t)q->dups);
	json_key(j, "verbs");
	json_obj(j);
	for (i = 0; i < SIP_STATS_MGCP_VERBS && q->verb[i][0]; i++)
		json_kint(j, q->verb[i], (int64_t)q->by_verb[i]);
	if (q->by_verb[SIP_STATS_MGCP_VERBS] > 0)
		json_kint(j, "other", (int64_t)q->by_verb[SIP_STATS_MGCP_VERBS]);
	json_end(j);
	json_key(j, "classes");
	json_obj(j);
	for (i = 0; i < 10; i++)
		if (q->by_class[i] > 0) {
			snprintf(k, sizeof(k), "%dxx", i);
			json_kint(j, k, (int64_t)q->by_class[i]);
		}
	json_end(j);
	json_end(j);
}

static void
print_stats(void)
{
	static const double pct[] = { 50, 90, 99 };
	int i, k, p;

	if (o.json) {
		struct jsonl l;
		struct json *j = &l.j;

		jsonl_begin(&l);
		json_kint(j, "messages", (int64_t)(stats.requests +
		    stats.responses));
		json_kint(j, "requests", (int64_t)stats.requests);
		json_kint(j, "responses", (int64_t)stats.responses);
		json_kint(j, "retransmissions", (int64_t)stats.retrans);
		json_kint(j, "duplicates", (int64_t)stats.dups);
		json_key(j, "methods");
		json_obj(j);
		for (i = 0; i < SIP_STATS_METHODS && stats.method[i][0]; i++)
			json_kint(j, stats.method[i], (int64_t)stats.by_method[i]);
		if (stats.by_method[SIP_STATS_METHODS] > 0)
			json_kint(j, "other",
			    (int64_t)stats.by_method[SIP_STATS_METHODS]);
		json_end(j);
		json_key(j, "status");
		json_obj(j);
		for (i = 100; i < 700; i++)
			if (stats.by_status[i] > 0) {
				char code[8];

				snprintf(code, sizeof(code), "%d", i);
				json_kint(j, code, (int64_t)stats.by_status[i]);
			}
		json_end(j);
		json_key(j, "response_ms");
		json_obj(j);
		for (k = 0; k < SIP_STATS_KINDS; k++) {
			const struct sip_stats_hist *h = &stats.h[k];

			json_key(j, k == SIP_STATS_REGISTER ? "register" :
			    k == SIP_STATS_INVITE ? "invite_setup" : "non_invite");
			json_obj(j);
			json_kint(j, "count", (int64_t)h->n);
			for (p = 0; p < 3 && h->n > 0; p++) {
				char key[8];

				snprintf(key, sizeof(key), "p%d", (int)pct[p]);
				json_key(j, key);
				json_dbl(j, sip_stats_pct(&stats,
				    (enum sip_stats_kind)k, pct[p]) / 1000, 3);
			}
			if (h->n > 0) {
				json_key(j, "max");
				json_dbl(j, h->max_us / 1000, 3);
			}
			json_end(j);
		}
		json_end(j);
		if (mgcp_seen())
			stats_mgcp_json(j);
		jsonl_end(&l);
		return;
	}
	printf("messages\t%lu\nrequests\t%lu\nresponses\t%lu\n"
	    "retransmissions\t%lu\nduplicates\t%lu\n\n",
	    stats.requests + stats.responses, stats.requests, stats.responses,
	    stats.retrans, stats.dups);
	printf("method\tcount\n");
	for (i = 0; i < SIP_STATS_METHODS && stats.method[i][0]; i++)
		printf("%s\t%lu\n", stats.method[i], stats.by_method[i]);
	if (stats.by_method[SIP_STATS_METHODS] > 0)
		printf("other\t%lu\n", stats.by_method[SIP_STATS_METHODS]);
	printf("\nstatus\tcount\n");
	for (i = 100; i < 700; i++)
		if (stats.by_status[i] > 0)
			printf("%d\t%lu\n", i, stats.by_status[i]);
	printf("\nresponse time (ms)\tcount\tp50\tp90\tp99\tmax\n");
	for (k = 0; k < SIP_STATS_KINDS; k++) {
		const struct sip_stats_hist *h = &stats.h[k];

		printf("%s\t%lu", sip_stats_kind_name((enum sip_stats_kind)k),
		    h->n);
		for (p = 0; p < 3; p++) {
			if (h->n > 0)
				printf("\t%.3f", sip_stats_pct(&stats,
				    (enum sip_stats_kind)k, pct[p]) / 1000);
			else
				printf("\t-");
		}
		if (h->n > 0)
			printf("\t%.3f\n", h->max_us / 1000);
		else
			printf("\t-\n");
	}
	if (mgcp_seen())
		stats_mgcp_text();
}

static void
summary_end(void)
{
	struct sip_call *c;
	FILE *f;
	const char *path = o.html != NULL ? o.html : o.svg;

	while ((c = sip_calls_take(&calltab)) != NULL)
		call_done(c);
	summary_mgcp_end();
	if (calltab.events_dropped > 0)
		warnf("%lu messages not drawn: more than %d kept for --flow",
		    calltab.events_dropped, SIP_MAX_FLOW_EVENTS);
	if (o.stats)
		print_stats();
	if (path != NULL) {
		struct buf head;

		buf_init(&head, 0);
		if (o.html != NULL)
			sip_ladder_html_end(&pic);
		else {
			if (svg_h == 0) {
				svg_w = 320;
				svg_h = 40;
				buf_adds(&pic, "<text x=\"8\" y=\"24\">no calls"
				    "</text>\n");
			}
			sip_ladder_svg_begin(&head, svg_w, svg_h,
			    "sip-parse call flows", "");
			sip_ladder_svg_end(&pic);
		}
		f = picf;
		picf = NULL;
		/* (An HTML page has no separate head: head.p is NULL.) */
		if ((head.len > 0 && fwrite(head.p, 1, head.len, f) !=
		    head.len) || fwrite(pic.p, 1, pic.len, f) != pic.len ||
		    fclose(f) != 0)
			die_errno(SIP_EXIT_OUTPUT, "%s", path);
		buf_free(&head);
	}
	buf_free(&pic);
	sip_stats_release(&stats);
}

static void
summary_begin(void)
{
	summarise = o.calls || o.stats || o.flow;
	if (!summarise) {
		if (o.svg != NULL || o.html != NULL)
			usage_error("--svg and --html go with --flow");
		if (o.flow_detail)
			usage_error("--flow-detail goes with --flow");
		return;
	}
	if (o.calls + o.stats + o.flow > 1)
		usage_error("--calls, --stats and --flow exclude each other");
	/* a ladder is a picture: JSON of it would be a second format */
	if (o.flow && o.json)
		usage_error("--flow draws a ladder, not JSON: use --json alone "
		    "for a record per message, or --calls --json for one per "
		    "call");
	if ((o.fields != NULL) + o.full + o.count + o.body > 0)
		usage_error("--calls, --stats and --flow print no messages; "
		    "--fields, --full, --body and --count do not go with "
		    "them");
	if (o.svg != NULL && o.html != NULL)
		usage_error("--svg and --html exclude each other");
	if ((o.svg != NULL || o.html != NULL) && !o.flow)
		usage_error("--svg and --html go with --flow");
	if (o.flow_detail && !o.flow)
		usage_error("--flow-detail goes with --flow");
	if (sip_stats_init(&stats) != SIP_OK)
		die(SIP_EXIT_NET, "out of memory");
	sip_calls_init(&calltab, o.flow);
	calltab.detail = o.flow_detail;
	flow_seen = xcalloc((size_t)o.flowids.n + 1, 1);
	buf_init(&pic, 256u * 1024 * 1024);
	if ((o.svg != NULL || o.html != NULL) &&
	    (picf = fopen(o.html != NULL ? o.html : o.svg, "w")) == NULL)
		die_errno(SIP_EXIT_OUTPUT, "%s", o.html != NULL ? o.html : o.svg);
	if (o.html != NULL)
		sip_ladder_html_begin(&pic, "sip-parse call flows");
	if (o.calls && !o.json)
		printf("call_id\tfrom\tto\tstart\tduration\tstate\tmessages\n");
}

static struct sip_cap_dump	*dump;
static struct sip_cap		*curcap;	/* the capture cur came from */

/* ---- --hep-out: a capture agent's HEP3, as heplify sends it ---- */

#define HEP_SEND_TIMEOUT_S	5	/* a stalled TCP collector */
#define HEP_RETRY_MS		1000	/* a lost one is dialled again after */

static struct {
	int		 fd;
	int		 tcp;
	struct sip_sockaddr to;
	char		*password;
	struct buf	 b;
	int		 down;		/* said so; dropping until it is back */
	uint64_t	 retry_ms;
	unsigned long	 sent, dropped;
} hep = { .fd = -1 };

static int
hep_connect(void)
{
	struct timeval tv = { HEP_SEND_TIMEOUT_S, 0 };
	int fd;

	fd = socket(hep.to.ss.ss_family, hep.tcp ? SOCK_STREAM : SOCK_DGRAM,
	    0);
	if (fd < 0)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&hep.to.ss, hep.to.len) != 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	hep.fd = fd;
	return 0;
}

static void
hep_open(void)
{
	char host[SIP_NET_HOST_MAX];
	const char *why = NULL;
	size_t len;
	int port;

	if (sip_net_hostport(o.hepout, host, sizeof(host), &port) != SIP_OK ||
	    port == 0)
		usage_error("--hep-out wants HOST:PORT, not '%s'", o.hepout);
	if (sip_net_lookup(host, port, AF_UNSPEC, &hep.to, 1, &why) < 1)
		die(SIP_EXIT_NET, "--hep-out %s: %s", o.hepout,
		    why != NULL ? why : "no address");
	hep.tcp = strcmp(o.hepproto, "tcp") == 0;
	if (o.heppwfile != NULL) {
		secret_file_check(o.heppwfile);
		if (read_file(o.heppwfile, &hep.password, &len, 4096) != 0)
			die_errno(SIP_EXIT_INVALID, "%s", o.heppwfile);
		while (len > 0 && (hep.password[len - 1] == '\n' ||
		    hep.password[len - 1] == '\r'))
			hep.password[--len] = '\0';
		if (len == 0)
			die(SIP_EXIT_INVALID, "%s: no password in the file",
			    o.heppwfile);
		secret_hold();
	}
	if (hep_connect() != 0)
		die_errno(SIP_EXIT_NET, "--hep-out %s", o.hepout);
	buf_init(&hep.b, SIP_HEP_MAX);
}

/* The collector went away: say so once, drop until it can be dialled. */
static void
hep_lost(void)
{
	if (!hep.down)
		warnf("--hep-out %s: %s: messages are dropped until it can be "
		    "reached", o.hepout, strerror(errno));
	hep.down = 1;
	if (hep.fd >= 0)
		close(hep.fd);
	hep.fd = -1;
	hep.retry_ms = sip_clock_ms() + HEP_RETRY_MS;
}

/* One message's bytes, SIP or MGCP (type: SIP_HEP_TYPE_*). */
static void
hep_send(const void *payload, size_t len, unsigned type)
{
	struct sip_hep h;
	struct timespec now;
	size_t off = 0;
	ssize_t k;

	memset(&h, 0, sizeof(h));
	if (cur != NULL) {
		h.src = cur->src;
		h.dst = cur->dst;
		h.sport = cur->sport;
		h.dport = cur->dport;
		h.ts_ns = cur->ts_ns;
		h.ipproto = cur->tp == SIP_TP_UDP ? IPPROTO_UDP :
		    cur->tp == SIP_TP_SCTP ? IPPROTO_SCTP : IPPROTO_TCP;
	} else {
		/* a message file: no addresses, read now (wall time:
		 * HEP's timestamp is seconds since the epoch) */
		h.src.family = h.dst.family = 4;
		h.ipproto = IPPROTO_UDP;
		clock_gettime(CLOCK_REALTIME, &now);
		h.ts_ns = (uint64_t)now.tv_sec * 1000000000ull +
		    (uint64_t)now.tv_nsec;
	}
	h.capture_id = (uint32_t)o.hepid;
	h.password = hep.password;
	h.type = type;
	h.payload = payload;
	h.len = len;
	buf_reset(&hep.b);
	if (sip_hep_encode(&hep.b, &h) != SIP_OK) {
		hep.dropped++;		/* larger than a HEP3 packet holds */
		return;
	}
	if (hep.fd < 0 && (sip_clock_ms() < hep.retry_ms ||
	    hep_connect() != 0)) {
		if (hep.fd < 0 && sip_clock_ms() >= hep.retry_ms)
			hep_lost();
		hep.dropped++;
		return;
	}
	while (off < hep.b.len) {
		k = send(hep.fd, hep.b.p + off, hep.b.len - off, MSG_NOSIGNAL);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0 || !hep.tcp) {
			if (k < 0)
				break;
			off = hep.b.len;
			break;
		}
		off += (size_t)k;
	}
	if (off < hep.b.len) {
		hep_lost();
		hep.dropped++;
		return;
	}
	if (hep.down)
		notef("--hep-out %s: reached again", o.hepout);
	hep.down = 0;
	hep.sent++;
}

static void
hep_close(void)
{
	notef("--hep-out %s: %lu messages sent", o.hepout, hep.sent);
	if (hep.dropped > 0)
		warnf("--hep-out %s: %lu messages not sent", o.hepout,
		    hep.dropped);
	if (hep.fd >= 0)
		close(hep.fd);
	if (hep.password != NULL) {
		explicit_bzero(hep.password, strlen(hep.password));
		free(hep.password);
	}
	buf_free(&hep.b);
}

/* Returns 1 when --limit has been reached. */
static int
emit(const struct sip_msg *m, const char *path)
{
	nmsgs++;
	if (!matches(m))
		return 0;
	nmatched++;
	if (dump != NULL && cur != NULL) {
		if (sip_cap_dump(dump, curcap, cur) != SIP_OK)
			die(SIP_EXIT_NET, "%s: out of memory", o.write);
		if (cur->parts_lost > 0)
			warnf("%s: packet %lu: %lu packets of this message not "
			    "written to %s: more than %d per message or %d MiB "
			    "in all kept", path, cur->frame, cur->parts_lost, o.write,
			    SIP_MAX_MSG_PKTS, SIP_MAX_KEPT_MEM >> 20);
	}
	if (summarise && m == NULL)
		summarise_mgcp(curmgcp);
	else if (summarise)
		summarise_msg(m);
	if (o.hepout != NULL && m != NULL)
		hep_send(m->buf, m->len, SIP_HEP_TYPE_SIP);
	else if (o.hepout != NULL)
		hep_send(curmgcp->raw.p, curmgcp->raw.len, SIP_HEP_TYPE_MGCP);
	if (o.count || summarise || quiet)
		return o.limit > 0 && nmatched >= (unsigned long)o.limit;
	if (o.json)
		print_json(m, path);
	else if (nfields > 0)
		print_fields(m, path);
	else if (o.full)
		print_full(m);
	else if (o.body)
		/* Byte for byte: sdp-lint splits SDP bodies at their v=. */
		fwrite_unlocked(m != NULL ? m->body.p : curmgcp->sdp.p, 1,
		    m != NULL ? m->body.len : curmgcp->sdp.len, stdout);
	else
		print_line(m);
	return o.limit > 0 && nmatched >= (unsigned long)o.limit;
}

/* ---- text ---- */

/*
 * Text (message files, pipes) is read in pieces into a window holding the
 * message being parsed and what follows, so memory is bounded whatever
 * the input's size.  A message is at most SIP_MAX_HEAD + SIP_MAX_BODY
 * bytes: with that much in hand, or the end, a parse gives what it
 * would on the whole input.
 */
#define TEXT_READ	(256u * 1024)
#define TEXT_ENOUGH	(SIP_MAX_HEAD + SIP_MAX_BODY + 1)
#define TEXT_WINDOW	(TEXT_ENOUGH + TEXT_READ)
/*
 * Refilled before a parse when less than this is left: what is left
 * moves to the window's start, so less moves when less is asked for.
 * A message longer than what is there is parsed again after a refill.
 */
#define TEXT_LOW	SIP_MAX_LINE

struct text {
	struct sip_input *in;
	char		*p;		/* the window */
	size_t		 off, len;	/* the next message; bytes in p */
	int		 eof;
	int		 reread;	/* the input can be read again (a file) */
	unsigned long long	 at;	/* line and col are those of this byte */
	unsigned long	 line;		/* lines before it, from 0 */
	size_t		 col;		/* bytes of its line before it */
	unsigned long long	 total;	/* bytes read */
	int		 rderr;		/* the input ended in a read error */
};

/* Bring line and col over the n bytes at q. */
static void
text_count(struct text *t, const char *q, size_t n)
{
	size_t lf = slice_count(q, n, '\n');
	const char *nl;

	/* (counted in one pass, not a memchr() a line) */
	if (lf > 0) {
		nl = memrchr(q, '\n', n);
		t->line += lf;
		t->col = (size_t)(q + n - nl - 1);
	} else
		t->col += n;
	t->at += n;
}

/*
 * Bring line and col up to p + off.  Lazily: only errors ask, and a
 * refill when the input cannot be read again; from a file the bytes
 * that left the window uncounted are read again (most runs never ask).
 */
static void
text_sync(struct text *t)
{
	unsigned long long base = t->total - t->len;	/* that of p[0] */
	char b[16384];
	size_t got;

	while (t->at < base) {
		size_t n = base - t->at < sizeof(b) ? (size_t)(base - t->at) :
		    sizeof(b);

		if (sip_input_reread(t->in, t->at, b, n, &got) != SIP_OK ||
		    got == 0) {
			t->at = base;	/* the file shrank: count from here */
			break;
		}
		text_count(t, b, got);
	}
	text_count(t, t->p + (t->at - base), t->off - (size_t)(t->at - base));
}

/* Read until want bytes follow off or the input ends; -1 on a read error. */
static int
text_fill(struct text *t, size_t want)
{
	size_t got;

	if (!t->reread)
		text_sync(t);
	memmove(t->p, t->p + t->off, t->len - t->off);
	t->len -= t->off;
	t->off = 0;
	while (!t->eof && t->len < want) {
		if (sip_input_read(t->in, t->p + t->len, TEXT_WINDOW - t->len,
		    &got) != SIP_OK) {
			/*
			 * A gzip file cut short (or a read error): what came
			 * before is read as the whole input, as a capture's
			 * packets are, and the error is said after it.
			 */
			if (t->rderr++ > 0)
				return -1;
			got = 0;
		}
		t->eof = got == 0;
		t->len += got;
		t->total += got;
	}
	return 0;
}

/* What is left of the input, read and counted, for a message about it. */
static unsigned long long
text_rest(struct text *t)
{
	unsigned long long n = t->len - t->off;

	t->off = t->len;
	while (text_fill(t, TEXT_WINDOW) == 0 && t->len > 0) {
		n += t->len;
		t->off = t->len;
	}
	return n;
}

/*
 * Does a message start at p (lib/msg.h): 2, or nothing but line ends
 * follow: 1?  0 when neither.
 */
static int
msg_boundary(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && (p[i] == '\r' || p[i] == '\n'))
		i++;
	return i == n ? 1 : sip_msg_known_start(p + i, n - i) ||
	    mgcp_looks(p + i, n - i, 1) ? 2 : 0;
}

/*
 * The first line of p[0..n) that starts a SIP or MGCP message (as
 * msg_boundary() finds one), its first line not asked when skip_first;
 * n when there is none.  *end: where the last line before it that is not
 * empty ends (its line end kept), so that empty lines between messages
 * belong to neither.
 */
static size_t
next_start(const char *p, size_t n, int skip_first, size_t *end)
{
	const char *e = p + n, *ls = p, *nl;
	size_t len;

	*end = 0;
	for (; ls < e; ls = nl + 1) {
		nl = memchr(ls, '\n', (size_t)(e - ls));
		len = (size_t)((nl != NULL ? nl : e) - ls);
		if (len > 0 && ls[len - 1] == '\r')
			len--;
		if (len > 0 && !(skip_first && ls == p) &&
		    (sip_msg_known_start(ls, (size_t)(e - ls)) ||
		    mgcp_looks(ls, (size_t)(e - ls), 1)))
			return (size_t)(ls - p);
		if (nl == NULL)
			break;
		if (len > 0)
			*end = (size_t)(nl + 1 - p);
	}
	if (ls >= e || nl == NULL)
		*end = n;
	return n;
}

/* Is off in the first line after the skipped line ends at d? */
static int
in_first_line(const char *d, size_t avail, size_t skipped, size_t off)
{
	const char *nl = memchr(d + skipped, '\n', avail - skipped);

	return nl != NULL && off <= (size_t)(nl - d);
}

/*
 * After a message at d that does not parse: the offset of the next line
 * that starts one (its first line, at skipped, not asked), where reading
 * goes on; 0 when there is none in the window.
 */
static size_t
next_message(const char *d, size_t avail, size_t skipped)
{
	size_t end, k = next_start(d + skipped, avail - skipped, 1, &end);

	return k < avail - skipped ? skipped + k : 0;
}

/*
 * A message without Content-Length in text (m from a stream parse that
 * said so, its head whole in d): RFC 3261 18.3 asks Content-Length of a
 * stream, and a message file is read as one, but what a sender left it
 * out of is shown as a datagram's would be: the body runs to the next
 * line that starts a SIP or MGCP message, or to the end.  A message/sip
 * or message/sipfrag body (RFC 3420) starts with a start line of its
 * own, which does not end it.  Returns the length of the message with
 * its body so ended (m->skipped + head + body), and *next the offset of
 * the message after it; 0 when none follows (the body is the rest).
 */
static size_t
clen_less_end(const struct sip_msg *m, const char *d, size_t avail,
    size_t *next)
{
	size_t head = m->skipped + m->body_off, n = avail - head, k, end;
	struct slice ct = slice_trim(sip_msg_value(m, SIP_HDR_CONTENT_TYPE));
	int own = ct.len >= 11 && slice_ieq(slice_make(ct.p, 11),
	    SLICE_LIT("message/sip"));	/* and message/sipfrag */

	if (n > SIP_MAX_BODY + 1)
		n = SIP_MAX_BODY + 1;
	if ((k = next_start(d + head, n, own, &end)) == n)
		return 0;
	*next = head + k;
	return head + end;
}

/*
 * A message of a text file shown although it breaks the grammar, why
 * at file:line:col: a warning, or under --strict an error (returns 1).
 */
static int
text_flagged(const char *path, unsigned line, unsigned col, const char *why)
{
	if (o.strict) {
		errorf("%s:%u:%u: %s", path, line, col, why);
		return 1;
	}
	warnf("%s:%u:%u: %s (shown, flagged malformed)", path, line, col, why);
	return 0;
}

/*
 * An MGCP message at d (after i line ends) in text, found by content as
 * a capture finds it off the MGCP ports (lib/mgcp.h: mgcp_text() ends
 * it at a "." line or where the next SIP or MGCP message starts).
 * Returns the bytes it took, 0 when more must be read first, or -1 on
 * a flagged message under --strict (it was still emitted).  *stop: the
 * --limit was reached.
 */
static struct mgcp_msg	textmg;

static long
text_mgcp(struct text *t, const char *path, const char *d, size_t avail,
    size_t i, int *stop)
{
	size_t len, used;
	unsigned line, col;
	int ended, bad = 0;

	len = mgcp_text(d + i, avail - i, sip_msg_known_start, &used, &ended);
	if (!ended && !t->eof && avail < TEXT_ENOUGH)
		return 0;
	/* mgcp_looks() said its first line is one: this cannot fail */
	if (mgcp_parse(&textmg, d + i, len) != SIP_OK) {
		t->off += i + used;
		return (long)(i + used);
	}
	if (textmg.bad != NULL) {
		text_sync(t);
		line = line_at(d, avail, i + textmg.bad_off, t->line, t->col,
		    &col);
		bad = text_flagged(path, line, col, textmg.bad);
	}
	t->off += i + used;
	curbad = textmg.bad;
	curmgcp = &textmg;
	*stop = emit(NULL, path);
	curmgcp = NULL;
	curbad = NULL;
	return bad ? -1 : (long)(i + used);
}

/*
 * A message whose lines were turned into LF, its Content-Length counting
 * CRLF (lib/msg.h), where that count does not end at a message or the
 * end and the LF count does: framed by the LF count, as its datagram
 * would frame it in a capture, and flagged.  Returns 1 with m reparsed.
 */
static int
lf_framed(struct sip_msg *m, const char *d, size_t avail, enum sip_err e,
    struct sip_perr *pe, int *next_starts)
{
	size_t head, rest;
	long b;

	*next_starts = 0;
	if ((e != SIP_OK && e != SIP_E_PARTIAL) || m->body_off == 0)
		return 0;
	/* Nothing to count: its lines end in CRLF or it has no body
	   (sip_msg_lf_body() says so too); the next start is asked then. */
	if (!(m->quirks & SIP_Q_BARE_LF) || m->clen <= 0)
		return 0;
	head = m->skipped + m->body_off;
	if (head > avail)
		return 0;
	if (e == SIP_OK && (*next_starts = msg_boundary(m->buf + m->len,
	    avail - m->skipped - m->len)) != 0) {
		/* framed as it says; a start line after it is no junk */
		*next_starts = *next_starts == 2;
		return 0;
	}
	*next_starts = 0;
	if ((b = sip_msg_lf_body(m, avail - head)) < 0)
		return 0;
	rest = avail - head - (size_t)b;
	return msg_boundary(d + head + (size_t)b, rest) &&
	    sip_msg_parse(m, d, head + (size_t)b, SIP_PARSE_LENIENT, pe) ==
	    SIP_OK;
}

static int
parse_text(const char *path, struct sip_input *in)
{
	struct text t = { in, xmalloc(TEXT_WINDOW), 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	struct sip_msg *m;
	struct sip_perr pe;
	const char *d;
	size_t avail, j, from;
	enum sip_err e;
	unsigned long nin = 0;		/* messages of this input */
	unsigned line, col;
	int rc = 0, starts = 0, next_starts = 0;

	m = xmalloc(sizeof(*m));
	t.reread = sip_input_reread(in, 0, t.p, 1, &j) == SIP_OK;
	for (;;) {
		if (!t.eof && t.len - t.off < TEXT_LOW &&
		    text_fill(&t, TEXT_READ) != 0)
			goto readerr;
		d = t.p + t.off;
		if ((avail = t.len - t.off) == 0)
			break;
		/* MGCP, as a capture would find it by content. */
		for (j = 0; j < avail && (d[j] == '\r' || d[j] == '\n'); j++)
			;
		if (j < avail && mgcp_may_look(d + j, avail - j) &&
		    mgcp_looks(d + j, avail - j, 1)) {
			int stop = 0;
			long k = text_mgcp(&t, path, d, avail, j, &stop);

			if (k == 0) {
				t.off += j;
				if (text_fill(&t, TEXT_ENOUGH) != 0)
					goto readerr;
				continue;
			}
			if (k < 0)
				rc = SIP_EXIT_INVALID;
			nin++;
			starts = 0;
			if (stop)
				break;
			continue;
		}
		/*
		 * Messages back to back are framed by Content-Length as on a
		 * stream; one without it runs to the end, as a datagram.
		 */
		e = sip_msg_parse(m, d, avail, SIP_PARSE_STREAM, &pe);
		/* Junk before a start line, SIP's or MGCP's: the rule
		   captures follow too (none when the last message found
		   its start line, or this one's plainly is one). */
		if (!starts && !(e == SIP_OK && sip_msg_starts_known(m)) &&
		    ((j = sip_msg_junk(d, avail, &from)) > 0 ||
		    (e == SIP_E_PARSE && in_first_line(d, avail, m->skipped,
		    pe.off) && (j = mgcp_junk(d, avail, &from)) > 0))) {
			text_sync(&t);
			line = line_at(d, avail, from, t.line, t.col, &col);
			warnf("%s:%u:%u: %zu bytes before the start line "
			    "skipped", path, line, col, j - from);
			t.off += j;
			continue;
		}
		starts = 0;
		/* a message cut by a read error is not one: say the error */
		if (e == SIP_E_PARTIAL && t.rderr)
			break;
		if (e == SIP_E_PARTIAL && m->skipped == avail) {
			t.off = t.len;		/* CRLFs between messages */
			continue;
		}
		if (e != SIP_OK && !t.eof && avail < TEXT_ENOUGH) {
			/* All there may be of it first, its CRLFs left off. */
			t.off += m->skipped;
			if (text_fill(&t, TEXT_ENOUGH) != 0)
				goto readerr;
			continue;
		}
		if (e == SIP_OK && (m->quirks & SIP_Q_BARE_LF) && m->clen > 0 &&
		    !t.eof && avail < TEXT_ENOUGH && avail - m->skipped -
		    m->body_off < (size_t)m->clen + SIP_MAX_LINE + 2) {
			/* Framing by the LF count looks at the next line. */
			if (text_fill(&t, TEXT_ENOUGH) != 0)
				goto readerr;
			continue;
		}
		curbad = NULL;
		next_starts = 0;
		if (lf_framed(m, d, avail, e, &pe, &next_starts)) {
			e = SIP_OK;
			curbad = "Content-Length counts CRLF line ends; the "
			    "message has LF";
			text_sync(&t);
			line = line_at(d, avail, m->skipped, t.line, t.col, &col);
			if (text_flagged(path, line, col, curbad))
				rc = SIP_EXIT_INVALID;
		}
		if (e == SIP_E_PARSE && m->clen < 0 && m->body_off > 0 &&
		    (j = clen_less_end(m, d, avail, &from)) > 0) {
			/* (a stream parse fails there only: no Content-Length) */
			e = sip_msg_parse(m, d, j, 0, &pe);
			curbad = "no Content-Length: the body ends where the "
			    "next message starts";
			text_sync(&t);
			line = line_at(d, avail, from, t.line, t.col, &col);
			if (text_flagged(path, line, col, curbad))
				rc = SIP_EXIT_INVALID;
			next_starts = 1;
		}
		if (e == SIP_E_PARTIAL || e == SIP_E_PARSE)
			e = sip_msg_parse(m, d, avail, 0, &pe);
		if (e != SIP_OK)
			text_sync(&t);
		if (e == SIP_E_PARSE && nin > 0 && pe.off <= m->skipped +
		    m->start_line.len) {
			/*
			 * RFC 3261 18.3: octets past Content-Length are not a
			 * message when they do not start like one (dblreq.dat).
			 */
			line = line_at(d, avail, 0, t.line, t.col, &col);
			if ((j = next_message(d, avail, m->skipped)) > 0) {
				/* but a message after them is one */
				warnf("%s:%u:%u: %zu bytes after message %lu "
				    "skipped (%s)", path, line, col, j, nmsgs,
				    pe.why);
				t.off += j;
				starts = 1;
				continue;
			}
			warnf("%s:%u:%u: %llu bytes after message %lu ignored "
			    "(%s)", path, line, col, text_rest(&t), nmsgs,
			    pe.why);
			break;
		}
		if (e != SIP_OK) {
			line = line_at(d, avail, pe.off, t.line, t.col, &col);
			errorf("%s:%u:%u: %s", path, line, col, pe.why);
			rc = SIP_EXIT_INVALID;
			/* the messages after it are still read */
			if ((j = next_message(d, avail, m->skipped)) > 0) {
				t.off += j;
				starts = 1;
				continue;
			}
			break;
		}
		if (o.strict) {
			text_sync(&t);
			if (strict_report(path, d, avail, t.line, t.col, m))
				rc = SIP_EXIT_INVALID;
		}
		nin++;
		if (emit(m, path))
			break;
		curbad = NULL;
		t.off += m->skipped + m->len;
		starts = next_starts;
	}
	curbad = NULL;
	if (t.rderr)
		goto readerr;
	notef("%s: %llu bytes%s", path, t.total,
	    sip_input_gzip(in) ? " (gzip-compressed)" : "");
	free(m);
	free(t.p);
	return rc;
readerr:
	errorf("%s: %s", path, sip_input_error(in));
	free(m);
	free(t.p);
	return SIP_EXIT_INVALID;
}

/* ---- captures ---- */

static volatile sig_atomic_t	stop_reading;

/* Each link layer or tunnel not decoded, once, with its count. */
static void
skip_summary(const char *path, const struct sip_cap *c)
{
	const struct sip_cap_skip *v;
	unsigned long other;
	size_t i, n = sip_cap_skipped(c, &v, &other);

	for (i = 0; i < n; i++)
		warnf(v[i].hex ? "%s: %lu packets of %s 0x%04x skipped: "
		    "not decoded" : "%s: %lu packets of %s %u skipped: "
		    "not decoded", path, v[i].count, v[i].what, v[i].num);
	if (other > 0)
		warnf("%s: %lu packets of other link layers or tunnels "
		    "skipped: not decoded", path, other);
}

static void
cap_summary(const char *path, struct sip_cap *c)
{
	const struct sip_cap_stats *st = sip_cap_stats(c);

	notef("%s: %lu packets, %lu SIP messages (%lu TCP retransmissions, "
	    "%lu reordered, %lu IP fragments, %lu HEP, %lu WebSocket, "
	    "%lu SCTP)", path, st->packets, st->messages, st->tcp_retrans,
	    st->tcp_reordered, st->fragments, st->hep, st->ws, st->sctp);
	if (st->malformed + st->bad_sip > 0)
		warnf("%s: %lu packets skipped: %lu malformed (%lu cut short "
		    "by the snap length), %lu with bad SIP", path,
		    st->malformed + st->bad_sip, st->malformed, st->truncated,
		    st->bad_sip);
	if (st->mgcp + st->bad_mgcp > 0)
		notef("%s: %lu MGCP messages", path, st->mgcp);
	if (st->bad_mgcp > 0)
		warnf("%s: %lu MGCP messages skipped: no MGCP command or "
		    "response line", path, st->bad_mgcp);
	if (st->flagged > 0)
		warnf("%s: %lu messages shown although malformed", path,
		    st->flagged);
	skip_summary(path, c);
	if (st->oversnap > 0)
		warnf("%s: %lu packets longer than the file's snap length "
		    "(%lu bytes) read by their own lengths", path, st->oversnap,
		    st->snaplen);
	if (st->tls > 0 && keys == NULL)
		warnf("%s: %lu TLS segments not decrypted", path, st->tls);
	if (st->tls_failed > 0)
		warnf("%s: %lu TLS connections not decrypted (%lu TLS segments): "
		    "%s", path, st->tls_failed, st->tls, st->tls_why);
	if (st->caps_hit > 0 || st->frag_dropped > 0 || st->tcp_gaps > 0)
		warnf("%s: reassembly caps hit %lu times, %lu incomplete IP "
		    "datagrams dropped, %lu TCP gaps", path, st->caps_hit,
		    st->frag_dropped, st->tcp_gaps);
	if (st->sctp_partial > 0)
		warnf("%s: %lu SCTP DATA chunks skipped: the start of their "
		    "message was not seen", path, st->sctp_partial);
}

/*
 * Progress on a terminal: stderr only, and only when it is a terminal,
 * so piped output is data alone.
 */
static struct {
	int		 on;
	long		 total;		/* file size, or 0 when unknown */
	uint64_t	 last_ms;
	int		 shown;
	unsigned long	 calls;
} prog;

/* The input being read (NULL for a live capture). */
static struct input	*curin;

static void
progress_clear(void)
{
	if (prog.shown) {
		fputs("\r\033[K", stderr);
		prog.shown = 0;
	}
}

static void
progress(const char *path, unsigned long packets)
{
	uint64_t now;
	long pos;

	if (!prog.on || (prog.calls++ & 1023) != 0)
		return;
	now = sip_clock_ms();
	if (prog.shown && now - prog.last_ms < 250)
		return;
	prog.last_ms = now;
	pos = curin != NULL ? (long)sip_input_tell(curin->in) : -1;
	if (prog.total > 0 && pos >= 0)
		fprintf(stderr, "\r%s: %s: %ld%%, %lu packets, %lu messages\033[K",
		    progname, path, pos * 100 / prog.total, packets, nmsgs);
	else
		fprintf(stderr, "\r%s: %s: %lu packets, %lu messages\033[K",
		    progname, path, packets, nmsgs);
	prog.shown = 1;
}

static void
progress_begin(const char *path, int live_capture)
{
	struct stat sb;

	prog.on = !live_capture && isatty(STDERR_FILENO);
	prog.total = 0;
	prog.shown = 0;
	prog.calls = 0;
	if (prog.on && strcmp(path, "<stdin>") != 0 && stat(path, &sb) == 0 &&
	    S_ISREG(sb.st_mode))
		prog.total = (long)sb.st_size;
}

/* The filter, the port and the -w file (before privileges are dropped). */
static void
cap_setup(struct sip_cap *c)
{
	char err[256 + 64];

	if (c == curcap)
		return;		/* done already (live capture) */
	if (o.bpf != NULL && sip_cap_filter(c, o.bpf, err, sizeof(err)) != SIP_OK)
		usage_error("--filter '%s': %s", o.bpf, err);
	sip_cap_port(c, (unsigned)o.port);
	if (keys != NULL)
		sip_cap_keylog(c, keys);
	sip_cap_mgcp(c);
	if (o.write != NULL) {
		sip_cap_keep_packets(c);
		if (dump == NULL && sip_cap_dump_open(&dump, c, o.write, err,
		    sizeof(err)) != SIP_OK)
			die(SIP_EXIT_INVALID, "%s: %s", o.write, err);
	}
	curcap = c;
}

static int
read_capture(const char *path, struct sip_cap *c)
{
	struct sip_capmsg cm;
	enum sip_err e;
	int rc = 0;

	cap_setup(c);
	curcap = c;
	progress_begin(path, o.iface != NULL);
	while (!stop_reading) {
		e = sip_cap_next(c, &cm);
		progress(path, sip_cap_stats(c)->packets);
		if (e == SIP_E_NOTFOUND)
			break;
		if (e == SIP_E_SYS) {
			errorf("%s: %s", path, curin != NULL ?
			    input_cap_error(curin) : sip_cap_error(c));
			rc = SIP_EXIT_INVALID;
			break;
		}
		if (e == SIP_E_NOMEM)
			die(SIP_EXIT_NET, "%s: packet %lu: out of memory", path,
			    cm.frame);
		if (e != SIP_OK) {
			progress_clear();
			warnf("%s: packet %lu: %s", path, cm.frame, cm.why);
			if (e != SIP_E_TOOBIG)
				rc = SIP_EXIT_INVALID;
			continue;
		}
		if (cm.junk > 0 && (progress_clear(), 1))
			warnf("%s: packet %lu: %zu bytes before the start line "
			    "skipped", path, cm.frame, cm.junk);
		if (cm.note != NULL && (progress_clear(), 1))
			warnf("%s: packet %lu: %s (accepted)", path, cm.frame,
			    cm.note);
		if (cm.bad != NULL && (progress_clear(), o.strict)) {
			errorf("%s: packet %lu: %s", path, cm.frame, cm.bad);
			rc = SIP_EXIT_INVALID;
		} else if (cm.bad != NULL)
			warnf("%s: packet %lu: %s (shown, flagged malformed)",
			    path, cm.frame, cm.bad);
		cur = &cm;
		curbad = cm.bad;
		curmgcp = cm.mgcp;
		if (o.strict && cm.msg != NULL && strict_report(path, cm.msg->buf - cm.msg->skipped,
		    cm.msg->len + cm.msg->skipped, 0, 0, cm.msg))
			rc = SIP_EXIT_INVALID;
		if (emit(cm.msg, path))
			stop_reading = 1;
		cur = NULL;
		curbad = NULL;
		curmgcp = NULL;
	}
	progress_clear();
	cap_summary(path, c);
	if (dump != NULL)
		sip_cap_dump_flush(dump);
	curcap = NULL;
	sip_cap_free(c);
	return rc;
}

static int
parse_file(const char *path)
{
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	struct input ip;
	int rc;

	if ((rc = input_open(path, name, &ip)) != 0)
		return rc;
	if (ip.cap != NULL) {
		curin = &ip;
		rc = read_capture(name, ip.cap);
		curin = NULL;
		ip.cap = NULL;	/* read_capture() freed it */
	} else
		rc = parse_text(name, ip.in);
	input_release(&ip);
	return rc;
}

/* --keylog FILE: the NSS key log format, any readable path. */
static void
keylog_load(void)
{
	struct input ip;
	size_t line = 0;
	enum sip_err e;

	if (input_load(o.keylog, o.keylog, &ip) != 0)
		exit(SIP_EXIT_INVALID);
	if (ip.cap != NULL) {
		input_release(&ip);
		die(SIP_EXIT_INVALID, "%s: a capture, not a key log", o.keylog);
	}
	e = sip_tlsdec_keys_parse(&keys, ip.data, ip.len, &line);
	input_release(&ip);
	if (e == SIP_E_NOMEM)
		die(SIP_EXIT_NET, "%s: out of memory", o.keylog);
	if (e != SIP_OK)
		die(SIP_EXIT_INVALID, "%s:%zu: not a key log line "
		    "(LABEL, 64 hex digits of client random, hex secret)",
		    o.keylog, line);
	notef("%s: %zu TLS secrets", o.keylog, sip_tlsdec_keys_count(keys));
}

/* --tls-key FILE: the servers' RSA private keys, PEM. */
static void
tlskey_load(void)
{
	const char *why;
	char *pem;
	size_t len;
	enum sip_err e;

	secret_hold();
	secret_file_check(o.tlskey);
	if (read_file(o.tlskey, &pem, &len, 1024 * 1024) != 0)
		die_errno(SIP_EXIT_INVALID, "%s", o.tlskey);
	e = sip_tlsdec_keys_rsa(&keys, pem, len, &why);
	explicit_bzero(pem, len);
	free(pem);
	if (e == SIP_E_NOMEM)
		die(SIP_EXIT_NET, "%s: out of memory", o.tlskey);
	if (e != SIP_OK)
		die(SIP_EXIT_INVALID, "%s: %s", o.tlskey, why);
}

/* A live capture ends on SIGINT, SIGTERM or --duration's SIGALRM. */
static struct sip_cap *volatile	livecap;

static void
on_stop(int sig)
{
	(void)sig;
	stop_reading = 1;
	if (livecap != NULL)
		sip_cap_break(livecap);
}

static int
live(void)
{
	char err[256 + 64];
	const char *user = o.runas != NULL ? o.runas : "nobody";
	struct sip_cap *c;
	struct sigaction sa;
	enum sip_err e;
	int dropped;

	if (sip_cap_open_live(&c, o.iface, err, sizeof(err)) != SIP_OK)
		die(SIP_EXIT_NET, "%s: %s", o.iface, err);
	cap_setup(c);
	/* Everything that needs root is open: give root up. */
	if ((e = sip_priv_drop(user, &dropped, err, sizeof(err))) != SIP_OK)
		die(sip_err_exit(e), "cannot drop root privileges: %s", err);
	if (dropped)
		notef("running as '%s'", user);
	notef("%s: capturing, link type %d", o.iface, sip_cap_linktype(c));
	livecap = c;
	/* A live capture is watched as it happens, also through a pipe or
	 * into a file: each line goes out when it is made, not in blocks. */
	obuf_lined = 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	if (o.duration > 0)
		alarm((unsigned)o.duration);
	return read_capture(o.iface, c);
}

/* What was read, for a message about all of it. */
static void
inputs_name(int i, int argc, char **argv, char *dst, size_t n)
{
	if (o.iface != NULL)
		snprintf(dst, n, "the capture on %s", o.iface);
	else if (i == argc || (argc - i == 1 && strcmp(argv[i], "-") == 0))
		snprintf(dst, n, "<stdin>");
	else if (argc - i == 1)
		snprintf(dst, n, "%s", argv[i]);
	else
		snprintf(dst, n, "%d files", argc - i);
}

int
sip_parse_main(int argc, char **argv)
{
	char where[4096 + 32];
	int i, rc = 0, r;

	i = opt_parse(&spec, argc, argv);
	obuf_begin();
	colour = use_color(stdout);
	json_errors = o.json && !quiet;
	inputs_name(i, argc, argv, where, sizeof(where));
	if (o.json + (o.fields != NULL) + o.full + o.count + o.body > 1)
		usage_error("--json, --fields, --full, --body and --count "
		    "exclude each other");
	filters_init();
	if (o.fields != NULL)
		fields_init();
	if (o.json)
		(void)memo_init(&jmemo, 11);	/* (without it: no recall) */
	summary_begin();
	if (o.flow && i == argc && o.iface == NULL)
		flow_file_warn();
	if (o.iface == NULL && (o.duration > 0 || o.runas != NULL))
		usage_error("--duration and --run-as go with -i");
	if (o.keylog != NULL)
		keylog_load();
	if (o.hepout != NULL)
		hep_open();
	else if (o.heppwfile != NULL || o.hepid != 0 ||
	    strcmp(o.hepproto, "udp") != 0)
		usage_error("--hep-transport, --hep-id and --hep-password-file "
		    "go with --hep-out");
	if (o.tlskey != NULL)
		tlskey_load();
	if (o.iface != NULL) {
		if (i < argc)
			usage_error("-i reads an interface; no files with it");
		rc = live();
	} else if (i == argc)
		rc = parse_file("-");
	for (; i < argc && !stop_reading; i++)
		if ((r = parse_file(argv[i])) != 0)
			rc = r;
	if (dump != NULL && sip_cap_dump_late(dump) > 0)
		warnf("%s: %lu packets written out of capture order: more than "
		    "%d MiB held back", o.write, sip_cap_dump_late(dump),
		    SIP_MAX_DUMP_HELD >> 20);
	if (dump != NULL && sip_cap_dump_close(dump) != SIP_OK) {
		errorf_errno("%s", o.write);
		rc = SIP_EXIT_OUTPUT;
	}
	if (o.hepout != NULL)
		hep_close();
	if (o.count)
		printf("%lu\n", nmatched);
	if (summarise)
		summary_end();
	if (o.flow && (r = flow_missing(where)) != 0 && rc == 0)
		rc = r;
	sip_tlsdec_keys_free(keys);
	memo_free(&jmemo);
	return rc;
}
