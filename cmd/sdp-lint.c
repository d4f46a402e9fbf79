/*
 * sdp-lint - check SDP bodies for errors
 *
 * RFC 8866 (SDP), RFC 3264 6 (answers against offers), RFC 3551 6
 * (static payload types), RFC 5621 and RFC 2046 5.1 (SDP inside
 * multipart bodies of SIP messages).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "buf.h"
#include "cap.h"
#include "field.h"
#include "json.h"
#include "mgcp.h"
#include "msg.h"
#include "multipart.h"
#include "sdp.h"
#include "sdplint.h"

static const char *const usage[] = {
	"sdp-lint [-jqv] [-W ID] [-Wno-ID] [--strict] [file...]",
	"sdp-lint [options] --offer FILE --answer FILE",
	NULL
};

static const char *const caret_values[] = { "auto", "always", "never", NULL };

static struct {
	int		 json;
	int		 strict;
	int		 list;
	const char	*offer;
	const char	*answer;
	const char	*caret;
	struct strlist	 warn;
} o = { .caret = "auto" };

/* -W's words for completion: all, each check ID, then no-ID for each. */
static const char *
check_word(size_t i)
{
	static char no[SDP_C__COUNT][48];

	if (i == 0)
		return "all";
	if (i <= SDP_C__COUNT)
		return sdp_check_info((enum sdp_check)(i - 1))->name;
	if ((i -= SDP_C__COUNT + 1) >= SDP_C__COUNT)
		return NULL;
	if (no[i][0] == '\0')
		snprintf(no[i], sizeof(no[i]), "no-%s",
		    sdp_check_info((enum sdp_check)i)->name);
	return no[i];
}

static const struct opt opts[] = {
	OPT_GROUP("Checks"),
	OPT_LIST('W', "warn", &o.warn, "ID",
	    "enable check ID; -Wno-ID silences it; -Wall enables every check",
	    OPT_WORDS(check_word)),
	OPT_FLAG(0, "strict", &o.strict, "exit 1 on warnings too"),
	OPT_FILE(0, "offer", &o.offer, "FILE",
	    "an offer: check --answer against it (RFC 3264)"),
	OPT_FILE(0, "answer", &o.answer, "FILE", "the answer to --offer"),
	OPT_FLAG(0, "list-checks", &o.list,
	    "list every check: id, severity, default, RFC section"),
	OPT_GROUP("Output"),
	OPT_FLAG('j', "json", &o.json, "JSON Lines: one object per finding"),
	OPT_ENUM(0, "caret", &o.caret, "WHEN", caret_values,
	    "show the line and a caret (auto: on a terminal)"),
	OPT_FLAG('v', "verbose", &verbose, "say what is being read"),
	OPT_QUIET,
	OPT_END
};

static const char extra[] =
    "Input is SDP (several descriptions back to back split at each v=\n"
    "line), SIP messages, or a pcap or pcapng capture; the SDP bodies of\n"
    "messages are checked, also inside multipart/mixed and\n"
    "multipart/alternative.  Gzip is read too; - is stdin.\n"
    "Findings go to stdout as file:line:col: severity: message [ID],\n"
    "from a capture as file:frame N:line:col: ..., the line counted in\n"
    "the SIP message.\n";

static const struct applet_spec spec = { "sdp-lint", usage, opts, extra,
    EXIT_LOCAL };

static struct sdp_lint		 lint;
static struct sdp_finding	 findings[SDP_MAX_FINDINGS];
static int			 show_caret;
static int			 rc;

/*
 * One SDP body: where it is in its file, or in its SIP message when it
 * came out of a capture (frame is then the packet's number).
 */
struct body {
	const char	*path;		/* as printed */
	const char	*file;		/* the whole file, or message */
	size_t		 flen;
	size_t		 off;		/* of the body in file */
	size_t		 len;
	unsigned	 line0;		/* file line of the body's first line */
	unsigned long	 frame;		/* from a capture: packet number */
};

/* "FILE" or "FILE:frame N": what goes before line and column. */
static const char *
place(const struct body *b, char *dst, size_t n)
{
	if (b->frame > 0)
		snprintf(dst, n, "%s:frame %lu", b->path, b->frame);
	else
		snprintf(dst, n, "%s", b->path);
	return dst;
}

static int
finding_cmp(const void *a, const void *b)
{
	const struct sdp_finding *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return (int)x->check - (int)y->check;
}

/* The line of s at offset off, without control characters. */
static void
print_context(const struct sdp *s, size_t off, unsigned col)
{
	unsigned ln = sdp_line_of(s, off, NULL), i;
	const struct sdp_line *l = NULL;
	size_t k;

	for (i = 0; i < s->nlines; i++)
		if (s->lines[i].lineno == ln) {
			l = &s->lines[i];
			break;
		}
	if (l == NULL)
		return;
	putc(' ', stdout);
	for (k = 0; k < l->text.len; k++) {
		unsigned char c = (unsigned char)l->text.p[k];

		putc(c == '\t' || c >= 0x20 ? (c == 0x7f ? '?' : c) : '?',
		    stdout);
	}
	fputs("\n ", stdout);
	for (k = 0; k + 1 < col && k < l->text.len; k++)
		putc(l->text.p[k] == '\t' ? '\t' : ' ', stdout);
	fprintf(stdout, "%s^%s\n", color_on(stdout, "1;32"),
	    color_off(stdout));
}

static void
print_json(const struct body *b, unsigned line, unsigned col,
    const struct sdp_finding *f)
{
	const struct sdp_check_info *ci = sdp_check_info(f->check);
	struct jsonl l;
	struct json *j = &l.j;

	jsonl_begin(&l);
	json_kstr(j, "file", b->path);
	if (b->frame > 0)
		json_kint(j, "frame", (int64_t)b->frame);
	json_kint(j, "line", line);
	json_kint(j, "column", col);
	json_kstr(j, "severity", sdp_sev_name(ci->sev));
	json_kstr(j, "id", ci->name);
	json_kstr(j, "rfc", ci->rfc);
	json_kstr(j, "message", f->msg);
	jsonl_end(&l);
}

static void
report(const struct body *b, const struct sdp *s)
{
	static const char *const sgr[] = { "1;36", "1;35", "1;31" };
	unsigned i, line, col;
	char at[4096 + 32];

	qsort(lint.v, lint.n, sizeof(lint.v[0]), finding_cmp);
	for (i = 0; i < lint.n; i++) {
		const struct sdp_finding *f = &lint.v[i];
		const struct sdp_check_info *ci = sdp_check_info(f->check);

		if (quiet && ci->sev != SDP_SEV_ERROR)
			continue;
		line = b->line0 + sdp_line_of(s, f->off, &col) - 1;
		if (o.json) {
			print_json(b, line, col, f);
			continue;
		}
		/* Findings are data: stdout, so that grep works on them. */
		printf("%s%s:%u:%u:%s %s%s:%s %s [%s]\n",
		    color_on(stdout, "1"), place(b, at, sizeof(at)), line, col,
		    color_off(stdout), color_on(stdout, sgr[ci->sev]),
		    sdp_sev_name(ci->sev), color_off(stdout), f->msg,
		    ci->name);
		if (show_caret)
			print_context(s, f->off, col);
	}
#define S(n)	((n) == 1 ? "" : "s")
	if (lint.dropped > 0)
		errorf("%s: %u more finding%s not shown", place(b, at,
		    sizeof(at)), lint.dropped, S(lint.dropped));
	notef("%s:%u: %u error%s, %u warning%s, %u note%s", place(b, at,
	    sizeof(at)), b->line0,
	    lint.count[SDP_SEV_ERROR], S(lint.count[SDP_SEV_ERROR]),
	    lint.count[SDP_SEV_WARNING], S(lint.count[SDP_SEV_WARNING]),
	    lint.count[SDP_SEV_NOTE], S(lint.count[SDP_SEV_NOTE]));
#undef S
	if (lint.count[SDP_SEV_ERROR] > 0 ||
	    (o.strict && lint.count[SDP_SEV_WARNING] > 0))
		rc = SIP_EXIT_INVALID;
}

/* Parse b into s; 0 when it could not be taken apart at all. */
static int
parse_body(const struct body *b, struct sdp *s)
{
	struct sip_perr pe;
	unsigned col;
	char at[4096 + 32];

	if (sdp_parse(s, b->file + b->off, b->len, &pe) == SIP_E_TOOBIG) {
		errorf("%s:%u: %s", place(b, at, sizeof(at)),
		    sip_msg_line_of(b->file, b->flen, b->off + pe.off, &col),
		    pe.why);
		rc = SIP_EXIT_INVALID;
		return 0;
	}
	return 1;
}

static void
lint_body(const struct body *b)
{
	struct sdp *s = xmalloc(sizeof(*s));
	char at[4096 + 32];

	notef("%s:%u: SDP body of %zu bytes", place(b, at, sizeof(at)),
	    b->line0, b->len);
	if (parse_body(b, s)) {
		sdp_lint_reset(&lint);
		sdp_lint_run(&lint, s);
		report(b, s);
	}
	free(s);
}

/* ---- finding SDP in files and SIP messages ---- */

typedef void	(*body_fn)(const struct body *, void *);

static int
looks_like_sdp(const char *p, size_t len)
{
	return len >= 2 && ((p[0] >= 'a' && p[0] <= 'z') ||
	    (p[0] >= 'A' && p[0] <= 'Z')) && (p[1] == '=' || p[1] == ' ');
}

/*
 * Line number of offset off in file: counted on from the last answer for
 * the same file, so a file of many messages is read once, not once per
 * body.
 */
static unsigned
line_at(const char *file, size_t len, size_t off)
{
	static const char *last;
	static size_t loff;
	static unsigned lline = 1;
	const char *p, *e;

	if (off > len)
		off = len;
	if (file == NULL) {	/* a new file: forget the old one */
		last = NULL;
		return 0;
	}
	if (file != last || off < loff) {
		last = file;
		loff = 0;
		lline = 1;
	}
	for (p = file + loff, e = file + off;
	    (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++)
		lline++;
	loff = off;
	return lline;
}

static unsigned
file_line(const struct body *parent, size_t off)
{
	return line_at(parent->file, parent->flen, off);
}

/*
 * Every SDP part of a multipart body (RFC 2046 5.1.1), nested ones too.
 * The CRLF before a delimiter belongs to it, but SDP's last line needs
 * one: it is left to the part.  Returns the number of SDP parts.
 */
static int	walk_entity(const struct body *b, struct slice ctype,
		    body_fn fn, void *arg, int depth);

static int
walk_multipart(const struct body *b, struct slice boundary, body_fn fn,
    void *arg, int depth)
{
	struct sip_multipart mp;
	struct slice hdrs, content, ct;
	struct body sub;
	int n = 0;

	sip_multipart_init(&mp, slice_make(b->file + b->off, b->len), boundary,
	    1);
	while (sip_multipart_next(&mp, &hdrs, &content)) {
		ct = sip_multipart_header(hdrs, "Content-Type");
		sub = *b;
		sub.off = (size_t)(content.p - b->file);
		sub.len = content.len;
		sub.line0 = file_line(b, sub.off);
		n += walk_entity(&sub, ct.p != NULL ? ct :
		    SLICE_LIT("text/plain"), fn, arg, depth + 1);
	}
	return n;
}

static int
walk_entity(const struct body *b, struct slice ctype, body_fn fn, void *arg,
    int depth)
{
	struct sip_ctype ct;
	const struct sip_param *bd;

	if (ctype.len == 0) {
		/* No Content-Type: take it if it looks like SDP. */
		if (b->len >= 2 && memcmp(b->file + b->off, "v=", 2) == 0) {
			fn(b, arg);
			return 1;
		}
		return 0;
	}
	if (sip_field_ctype(&ct, ctype, NULL) != SIP_OK)
		return 0;
	if (slice_ieq_lit(ct.type, "application") &&
	    slice_ieq_lit(ct.subtype, "sdp")) {
		fn(b, arg);
		return 1;
	}
	if (slice_ieq_lit(ct.type, "multipart") && depth < 8 &&
	    (bd = sip_param_find(&ct.params, "boundary")) != NULL &&
	    bd->value.len > 0)
		return walk_multipart(b, bd->value, fn, arg, depth);
	return 0;
}

/* The SDP bodies of message m, which starts at off in b->file. */
static int
walk_msg(struct body *b, const struct sip_msg *m, size_t off, body_fn fn,
    void *arg)
{
	if (m->body.len == 0)
		return 0;
	b->off = off + m->skipped + m->body_off;
	b->len = m->body.len;
	b->line0 = line_at(b->file, b->flen, b->off);
	return walk_entity(b, sip_msg_value(m, SIP_HDR_CONTENT_TYPE), fn, arg,
	    0);
}

/*
 * The session descriptions of MGCP message m, in b->file (RFC 3435 3.1:
 * after the empty line; a response may carry two).
 */
static int
walk_mgcp(struct body *b, const struct mgcp_msg *m, body_fn fn, void *arg)
{
	const struct slice sd[2] = { m->sdp, m->sdp2 };
	int i, n = 0;

	for (i = 0; i < 2; i++) {
		if (slice_trim(sd[i]).len == 0)
			continue;
		b->off = (size_t)(sd[i].p - b->file);
		b->len = sd[i].len;
		b->line0 = line_at(b->file, b->flen, b->off);
		fn(b, arg);
		n++;
	}
	return n;
}

/*
 * A file of MGCP messages (piggy-backed ones split at their "." lines):
 * the SDP of each.  -1 after reporting one that does not parse.
 */
static int
walk_mgcp_file(struct body *b, body_fn fn, void *arg)
{
	struct slice rest = slice_make(b->file, b->flen), one;
	struct mgcp_msg *m = xmalloc(sizeof(*m));
	unsigned line, col;
	int n = 0;

	while (mgcp_next(&rest, &one)) {
		if (mgcp_parse(m, one.p, one.len) != SIP_OK) {
			line = sip_msg_line_of(b->file, b->flen,
			    (size_t)(one.p - b->file) + m->bad_off, &col);
			errorf("%s:%u:%u: %s", b->path, line, col, m->bad);
			free(m);
			return -1;
		}
		n += walk_mgcp(b, m, fn, arg);
	}
	free(m);
	return n;
}

/*
 * SDP descriptions back to back (sip-parse --body writes them so): each
 * starts at a v= line, since v= comes first and only once in a
 * description (RFC 8866 5).
 */
static int
walk_sdp(struct body *b, body_fn fn, void *arg)
{
	const char *p = b->file, *e = b->file + b->flen, *v;
	int n = 0;

	while (p < e) {
		v = p + 1 < e ? memmem(p + 1, (size_t)(e - p - 1), "\nv=", 3) :
		    NULL;
		v = v != NULL ? v + 1 : e;
		b->off = (size_t)(p - b->file);
		b->len = (size_t)(v - p);
		b->line0 = line_at(b->file, b->flen, b->off);
		fn(b, arg);
		n++;
		p = v;
	}
	return n;
}

/*
 * Every SDP body of the file: the file itself when it is SDP, otherwise
 * the bodies of the SIP messages in it.  Returns the number found, or
 * -1 after reporting a message that does not parse.
 */
static int
walk_file(const char *path, const char *data, size_t len, body_fn fn,
    void *arg)
{
	struct body b = { path, data, len, 0, len, 1, 0 };
	struct sip_msg *m;
	struct sip_perr pe;
	size_t off = 0;
	enum sip_err e;
	unsigned line, col;
	int n = 0;

	(void)line_at(NULL, 0, 0);
	if (looks_like_sdp(data, len))
		return walk_sdp(&b, fn, arg);
	if (mgcp_looks(data, len, 0))
		return walk_mgcp_file(&b, fn, arg);
	m = xmalloc(sizeof(*m));
	while (off < len) {
		e = sip_msg_parse(m, data + off, len - off, SIP_PARSE_STREAM,
		    &pe);
		if (e == SIP_E_PARTIAL && m->skipped == len - off)
			break;
		if (e == SIP_E_PARTIAL || e == SIP_E_PARSE)
			e = sip_msg_parse(m, data + off, len - off, 0, &pe);
		if (e != SIP_OK && off + pe.off == len && m->clen > 0) {
			/*
			 * Content-Length beyond the end of the file (a cut
			 * capture, the RFC 5118 archive): check what is there.
			 */
			struct slice ct, h;
			size_t hl;

			h = slice_make(data + off + m->skipped,
			    len - off - m->skipped);
			hl = sip_multipart_head_len(h);
			ct = sip_multipart_header(slice_head(h, hl),
			    "Content-Type");
			line = sip_msg_line_of(data, len, len, &col);
			warnf("%s:%u:%u: %s; checking the body that is there",
			    path, line, col, pe.why);
			b.off = (size_t)(h.p - data) + hl;
			b.len = len - b.off;
			b.line0 = line_at(data, len, b.off);
			n += walk_entity(&b, ct, fn, arg, 0);
			break;
		}
		if (e != SIP_OK) {
			if (off > 0)
				break;	/* trailing octets, RFC 3261 18.3 */
			line = sip_msg_line_of(data, len, off + pe.off, &col);
			errorf("%s:%u:%u: not SDP, nor a SIP message: %s", path,
			    line, col, pe.why);
			free(m);
			return -1;
		}
		n += walk_msg(&b, m, off, fn, arg);
		off += m->skipped + m->len;
	}
	free(m);
	return n;
}

/*
 * Every SDP body of the SIP messages in a capture, each placed by its
 * packet number and its line in the message.  A packet that does not
 * decode is a warning (it holds no SDP to check); a read error ends it
 * with -1.
 */
static int
walk_capture(const char *path, const struct input *ip, body_fn fn, void *arg)
{
	struct sip_capmsg cm;
	const struct sip_msg *m;
	struct body b;
	enum sip_err e;
	int n = 0;

	sip_cap_mgcp(ip->cap);
	while ((e = sip_cap_next(ip->cap, &cm)) != SIP_E_NOTFOUND) {
		if (e == SIP_E_SYS) {
			errorf("%s: %s", path, input_cap_error(ip));
			return -1;
		}
		if (e == SIP_E_NOMEM)
			die(SIP_EXIT_NET, "%s: packet %lu: out of memory", path,
			    cm.frame);
		if (e != SIP_OK) {
			warnf("%s: packet %lu: %s", path, cm.frame, cm.why);
			continue;
		}
		m = cm.msg;
		memset(&b, 0, sizeof(b));
		b.path = path;
		b.frame = cm.frame;
		if (m == NULL) {	/* MGCP: lines of the message */
			b.file = cm.mgcp->raw.p;
			b.flen = cm.mgcp->raw.len;
			(void)line_at(NULL, 0, 0);
			n += walk_mgcp(&b, cm.mgcp, fn, arg);
			continue;
		}
		b.file = m->buf - m->skipped;
		b.flen = m->skipped + m->len;
		b.frame = cm.frame;
		(void)line_at(NULL, 0, 0);	/* the buffer is reused */
		n += walk_msg(&b, m, 0, fn, arg);
	}
	return n;
}

/* The SDP bodies of an input operand, whatever it holds. */
static int
walk_input(const char *path, const struct input *ip, body_fn fn, void *arg)
{
	if (ip->cap != NULL)
		return walk_capture(path, ip, fn, arg);
	return walk_file(path, ip->data, ip->len, fn, arg);
}

static void
lint_cb(const struct body *b, void *arg)
{
	(void)arg;
	lint_body(b);
}

static const char *
shown(const char *path)
{
	return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

static void
lint_file(const char *path)
{
	struct input ip;
	int n;

	if (input_load(path, shown(path), &ip) != 0) {
		rc = SIP_EXIT_INVALID;
		return;
	}
	n = walk_input(shown(path), &ip, lint_cb, NULL);
	if (n == 0) {
		errorf("%s: no SDP found (neither SDP nor a SIP message with "
		    "an application/sdp body)", shown(path));
		rc = SIP_EXIT_INVALID;
	} else if (n < 0)
		rc = SIP_EXIT_INVALID;
	input_release(&ip);
}

/* ---- offer/answer ---- */

struct first {
	struct body	b;
	int		found;
	char		*copy;	/* its message: a capture reuses buffers */
};

static void
first_cb(const struct body *b, void *arg)
{
	struct first *f = arg;

	if (!f->found) {
		f->b = *b;
		f->copy = xmalloc(b->flen + 1);
		memcpy(f->copy, b->file, b->flen);
		f->b.file = f->copy;
		f->found = 1;
	}
}

/* The first SDP body in path, into *b; returns what to free, or NULL. */
static char *
load_first(const char *path, struct body *b)
{
	struct first f;
	struct input ip;
	int n;

	memset(&f, 0, sizeof(f));
	if (input_load(path, shown(path), &ip) != 0)
		return NULL;
	n = walk_input(shown(path), &ip, first_cb, &f);
	input_release(&ip);
	if (n <= 0 || !f.found) {
		if (n == 0)
			errorf("%s: no SDP found", shown(path));
		free(f.copy);
		return NULL;
	}
	*b = f.b;
	return f.copy;
}

static void
offer_answer(void)
{
	struct body ob, ab;
	char *od, *ad = NULL;
	struct sdp *os = NULL, *as = NULL;

	if ((od = load_first(o.offer, &ob)) == NULL ||
	    (ad = load_first(o.answer, &ab)) == NULL) {
		rc = SIP_EXIT_INVALID;
		goto out;
	}
	os = xmalloc(sizeof(*os));
	as = xmalloc(sizeof(*as));
	if (!parse_body(&ob, os) || !parse_body(&ab, as))
		goto out;
	sdp_lint_reset(&lint);
	sdp_lint_run(&lint, os);
	report(&ob, os);
	sdp_lint_reset(&lint);
	sdp_lint_run(&lint, as);
	sdp_lint_oa(&lint, os, as);
	report(&ab, as);
out:
	free(os);
	free(as);
	free(od);
	free(ad);
}

/* ---- options ---- */

static void
list_checks(void)
{
	unsigned i;

	for (i = 0; i < SDP_C__COUNT; i++) {
		const struct sdp_check_info *ci = sdp_check_info(i);
		struct jsonl l;

		if (!o.json) {
			printf("%s\t%s\t%s\t%s\t%s\n", ci->name,
			    sdp_sev_name(ci->sev), ci->on ? "on" : "off",
			    ci->rfc, ci->summary);
			continue;
		}
		/* --json is never dropped: a record a check */
		jsonl_begin(&l);
		json_kstr(&l.j, "type", "check");
		json_kstr(&l.j, "id", ci->name);
		json_kstr(&l.j, "severity", sdp_sev_name(ci->sev));
		json_kbool(&l.j, "on", ci->on);
		json_kstr(&l.j, "rfc", ci->rfc);
		json_kstr(&l.j, "summary", ci->summary);
		jsonl_end(&l);
	}
}

static void
apply_warn(void)
{
	int i, c, on;
	unsigned k;

	for (i = 0; i < o.warn.n; i++) {
		const char *w = o.warn.v[i];

		on = strncmp(w, "no-", 3) != 0;
		if (!on)
			w += 3;
		if (strcmp(w, "all") == 0) {
			for (k = 0; k < SDP_C__COUNT; k++)
				lint.on[k] = (unsigned char)on;
			continue;
		}
		if ((c = sdp_check_lookup(w)) < 0)
			usage_error("unknown check '%s'; see 'sdp-lint "
			    "--list-checks'", w);
		lint.on[c] = (unsigned char)on;
	}
}

int
sdp_lint_main(int argc, char **argv)
{
	int i;

	i = opt_parse(&spec, argc, argv);
	json_errors = o.json && !quiet;
	if (o.list) {
		list_checks();
		return SIP_EXIT_OK;
	}
	sdp_lint_init(&lint, findings, SDP_MAX_FINDINGS);
	apply_warn();
	show_caret = strcmp(o.caret, "always") == 0 ||
	    (strcmp(o.caret, "auto") == 0 && isatty(STDOUT_FILENO));
	if ((o.offer != NULL) != (o.answer != NULL))
		usage_error("--offer and --answer go together");
	/* standard input can be read once: one of them, not both */
	if (o.offer != NULL && strcmp(o.offer, "-") == 0 &&
	    strcmp(o.answer, "-") == 0)
		usage_error("--offer and --answer cannot both be '-'");
	if (o.offer != NULL) {
		if (i < argc)
			usage_error("no file operands with --offer and "
			    "--answer");
		offer_answer();
		return rc;
	}
	if (i == argc)
		lint_file("-");
	for (; i < argc; i++)
		lint_file(argv[i]);
	return rc;
}
