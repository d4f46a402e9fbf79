/*
 * ladder.c - call-flow ladders as text, SVG 1.1 and HTML.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ladder.h"

#define TXT_LEFT	27	/* "HH:MM:SS.uuuuuu +ss.uuuuuu " */
#define TXT_W_MIN	26	/* between two columns, at least */
#define TXT_W_MAX	64	/* and at most: longer labels are cut */

/* Endpoints in order of appearance; returns the count. */
static int
columns(const struct sip_call *c, const char *col[SIP_LADDER_MAX_COLS])
{
	int n = 0, i, k;
	size_t e;

	for (e = 0; e < c->nev; e++) {
		const char *ep[2] = { c->ev[e].src, c->ev[e].dst };

		for (k = 0; k < 2; k++) {
			for (i = 0; i < n; i++)
				if (strcmp(col[i], ep[k]) == 0)
					break;
			if (i == n && n < SIP_LADDER_MAX_COLS)
				col[n++] = ep[k];
		}
	}
	return n;
}

static int
col_of(const char *const col[], int n, const char *ep)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(col[i], ep) == 0)
			return i;
	return n - 1;	/* past the cap: the last column */
}

static void
clock_str(uint64_t ns, char *dst, size_t n)
{
	time_t t = (time_t)(ns / 1000000000ull);
	struct tm tm;
	char hms[16];

	gmtime_r(&t, &tm);
	strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	snprintf(dst, n, "%s.%06lu", hms,
	    (unsigned long)(ns % 1000000000ull / 1000));
}

static void
delta_str(uint64_t d, char *dst, size_t n)
{
	snprintf(dst, n, "+%lu.%06lu", (unsigned long)(d / 1000000000ull),
	    (unsigned long)(d % 1000000000ull / 1000));
}

/*
 * The distance between text columns: wide enough for the longest label
 * between its arrow's ends and for every endpoint name, within limits.
 */
static size_t
txt_width(const struct sip_call *c, const char *const col[], int n)
{
	size_t w = TXT_W_MIN, k, e;
	int i;

	for (e = 0; e < c->nev; e++) {
		/* " label (re) " between "|-" and ">|" */
		k = strlen(c->ev[e].label) + (c->ev[e].retrans ? 5 : 0) + 6;
		if (k > w)
			w = k;
	}
	for (i = 0; i < n; i++)
		if (strlen(col[i]) + 2 > w)
			w = strlen(col[i]) + 2;
	return w > TXT_W_MAX ? TXT_W_MAX : w;
}

/* Put s centred on [a, b) of line, cut to fit. */
static void
put_centred(char *line, size_t a, size_t b, const char *s)
{
	size_t n = strlen(s), room = b > a ? b - a : 0, at;

	if (n > room)
		n = room;
	at = a + (room - n) / 2;
	memcpy(line + at, s, n);
}

enum sip_err
sip_ladder_text(struct buf *b, const struct sip_call *c)
{
	const char *col[SIP_LADDER_MAX_COLS];
	char line[TXT_LEFT + TXT_W_MAX * (SIP_LADDER_MAX_COLS + 1) + 8];
	char t[32], d[32], lab[TXT_W_MAX + 16];
	int n = columns(c, col), i, x, y, lo, hi;
	size_t e, width, cw = txt_width(c, col, n);
	enum sip_err err;

	if ((err = buf_printf(b, "Call-ID: %s\n", c->callid)) != SIP_OK)
		return err;
	if (n == 0)
		return SIP_OK;
	width = TXT_LEFT + (size_t)(n - 1) * cw + 1;
	/* Endpoint names over their columns. */
	memset(line, ' ', width + cw);
	for (i = 0; i < n; i++) {
		size_t cx = TXT_LEFT + (size_t)i * cw;
		size_t a = cx > cw / 2 ? cx - cw / 2 + 1 : 0;

		put_centred(line, a, cx + cw / 2, col[i]);
	}
	x = (int)(width + cw);
	while (x > 0 && line[x - 1] == ' ')
		x--;
	if ((err = buf_printf(b, "%.*s\n", x, line)) != SIP_OK)
		return err;
	for (e = 0; e < c->nev; e++) {
		const struct sip_call_event *ev = &c->ev[e];

		memset(line, ' ', width);
		clock_str(ev->ts_ns, t, sizeof(t));
		delta_str(e == 0 || ev->ts_ns < c->ev[e - 1].ts_ns ? 0 :
		    ev->ts_ns - c->ev[e - 1].ts_ns, d, sizeof(d));
		snprintf(lab, sizeof(lab), "%s %s", t, d);
		memcpy(line, lab, strlen(lab) < TXT_LEFT - 1 ?
		    strlen(lab) : TXT_LEFT - 1);
		for (i = 0; i < n; i++)
			line[TXT_LEFT + (size_t)i * cw] = '|';
		x = col_of(col, n, ev->src);
		y = col_of(col, n, ev->dst);
		snprintf(lab, sizeof(lab), " %s%s ", ev->label,
		    ev->retrans ? " (re)" : "");
		if (x == y) {
			size_t cx = TXT_LEFT + (size_t)x * cw;

			memcpy(line + cx + 1, "<-+", 3);
			put_centred(line, cx + 4, cx + cw, lab);
		} else {
			size_t a, z;

			lo = x < y ? x : y;
			hi = x < y ? y : x;
			a = TXT_LEFT + (size_t)lo * cw + 1;
			z = TXT_LEFT + (size_t)hi * cw;
			memset(line + a, '-', z - a);
			if (x < y)
				line[z - 1] = '>';
			else
				line[a] = '<';
			put_centred(line, a + 1, z - 1, lab);
		}
		if ((err = buf_printf(b, "%.*s\n", (int)width, line)) != SIP_OK)
			return err;
	}
	return SIP_OK;
}

/* XML text: & < > " escaped. */
static enum sip_err
xml(struct buf *b, const char *s)
{
	enum sip_err e = SIP_OK;

	for (; *s != '\0' && e == SIP_OK; s++)
		switch (*s) {
		case '&':
			e = buf_adds(b, "&amp;");
			break;
		case '<':
			e = buf_adds(b, "&lt;");
			break;
		case '>':
			e = buf_adds(b, "&gt;");
			break;
		case '"':
			e = buf_adds(b, "&quot;");
			break;
		default:
			/* Control bytes are not allowed in XML 1.0. */
			e = buf_addc(b, (unsigned char)*s < 0x20 ? '?' : *s);
		}
	return e;
}

#define SVG_LEFT	236	/* x of the first column */
#define SVG_COL_MIN	220	/* between two columns, at least */
#define SVG_COL_MAX	520
#define SVG_CHAR	7.3	/* advance of a 12px monospace character */
#define SVG_HEAD	62	/* Call-ID, From and To lines */
#define SVG_HOSTS	24	/* the endpoint names */
#define SVG_ROW		30
#define SVG_GAP		28	/* between two calls */

/* Width in pixels of n characters of 12px monospace, rounded up. */
static int
chars_px(size_t n)
{
	return (int)(n * SVG_CHAR + 0.999);
}

/* The distance between columns: the widest label or endpoint fits. */
static int
col_width(const struct sip_call *c, const char *const col[], int n)
{
	size_t most = 0, e, k;
	int i, w;

	for (e = 0; e < c->nev; e++) {
		k = strlen(c->ev[e].label) + (c->ev[e].retrans ? 5 : 0);
		if (k > most)
			most = k;
	}
	w = chars_px(most) + 40;
	for (i = 0; i < n; i++)
		if (chars_px(strlen(col[i])) + 24 > w)
			w = chars_px(strlen(col[i])) + 24;
	return w < SVG_COL_MIN ? SVG_COL_MIN : w > SVG_COL_MAX ? SVG_COL_MAX : w;
}

static const char *
ev_class(const struct sip_call_event *ev)
{
	return ev->is_request ? "req" : ev->status >= 300 ? "err" :
	    ev->status >= 200 ? "ok" : "prov";
}

enum sip_err
sip_ladder_svg_size(const struct sip_call *c, int heading, int *w, int *h)
{
	const char *col[SIP_LADDER_MAX_COLS];
	int n = columns(c, col), cw = col_width(c, col, n), hw;

	/* the last column's label may reach half a column past its line */
	*w = SVG_LEFT + (n > 1 ? n - 1 : 0) * cw + cw / 2 + 16;
	if (heading) {
		hw = 16 + chars_px(6 + strlen(c->from));
		if (chars_px(9 + strlen(c->callid)) + 16 > hw)
			hw = chars_px(9 + strlen(c->callid)) + 16;
		if (chars_px(4 + strlen(c->to)) + 16 > hw)
			hw = chars_px(4 + strlen(c->to)) + 16;
		if (hw > *w)
			*w = hw;
	}
	*h = (heading ? SVG_HEAD : 0) + SVG_HOSTS + 16 + (int)c->nev * SVG_ROW +
	    12;
	return SIP_OK;
}

enum sip_err
sip_ladder_svg_begin(struct buf *b, int width, int height, const char *title,
    const char *idp)
{
	static const struct {
		const char *cls, *colour;
	} kinds[] = {
		{ "req", "#1f4e9e" }, { "prov", "#8a5a00" },
		{ "ok", "#1e7b34" }, { "err", "#b3261e" },
	};
	size_t i;

	buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	    "font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" "
	    "font-size=\"12\">\n<title>", width, height, width, height);
	xml(b, title);
	buf_adds(b, "</title>\n<style>");
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		buf_printf(b, ".%s{stroke:%s;fill:none}.%s-t{fill:%s}",
		    kinds[i].cls, kinds[i].colour, kinds[i].cls,
		    kinds[i].colour);
	buf_adds(b, "</style>\n<defs>");
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		buf_printf(b, "<marker id=\"%sarrow-%s\" markerWidth=\"10\" "
		    "markerHeight=\"8\" refX=\"10\" refY=\"4\" orient=\"auto\" "
		    "markerUnits=\"userSpaceOnUse\"><path d=\"M0,0 L10,4 L0,8 "
		    "z\" fill=\"%s\"/></marker>", idp, kinds[i].cls,
		    kinds[i].colour);
	return buf_adds(b, "</defs>\n<rect width=\"100%\" height=\"100%\" "
	    "fill=\"white\"/>\n");
}

enum sip_err
sip_ladder_svg_call(struct buf *b, const struct sip_call *c, int y0,
    int heading, const char *idp)
{
	const char *col[SIP_LADDER_MAX_COLS];
	int n = columns(c, col), cw = col_width(c, col, n), i, x, y, w, h;
	int top, bottom;
	char t[32], d[32];
	size_t e;

	sip_ladder_svg_size(c, heading, &w, &h);
	buf_printf(b, "<g class=\"call\" transform=\"translate(0,%d)\">\n", y0);
	top = 0;
	if (heading) {
		if (y0 > 0)
			buf_printf(b, "<line x1=\"0\" y1=\"%d\" x2=\"100%%\" "
			    "y2=\"%d\" stroke=\"#bbb\"/>\n", -SVG_GAP / 2,
			    -SVG_GAP / 2);
		buf_adds(b, "<text class=\"heading\" x=\"8\" y=\"18\" "
		    "font-weight=\"bold\" font-size=\"13\">Call-ID: ");
		xml(b, c->callid);
		buf_adds(b, "</text>\n<text x=\"8\" y=\"36\" fill=\"#333\">"
		    "From: ");
		xml(b, c->from);
		buf_adds(b, "</text>\n<text x=\"8\" y=\"52\" fill=\"#333\">"
		    "To: ");
		xml(b, c->to);
		buf_adds(b, "</text>\n");
		top = SVG_HEAD;
	}
	bottom = top + SVG_HOSTS + 16 + (int)c->nev * SVG_ROW;
	for (i = 0; i < n; i++) {
		int cx = SVG_LEFT + i * cw;

		buf_printf(b, "<text class=\"host\" x=\"%d\" y=\"%d\" "
		    "text-anchor=\"middle\" font-weight=\"bold\">", cx,
		    top + 14);
		xml(b, col[i]);
		buf_printf(b, "</text>\n<line x1=\"%d\" y1=\"%d\" x2=\"%d\" "
		    "y2=\"%d\" stroke=\"#999\" stroke-dasharray=\"4,3\"/>\n",
		    cx, top + SVG_HOSTS, cx, bottom);
	}
	for (e = 0; e < c->nev; e++) {
		const struct sip_call_event *ev = &c->ev[e];
		int yy = top + SVG_HOSTS + 16 + (int)e * SVG_ROW + SVG_ROW / 2;
		const char *k = ev_class(ev);

		x = SVG_LEFT + col_of(col, n, ev->src) * cw;
		y = SVG_LEFT + col_of(col, n, ev->dst) * cw;
		clock_str(ev->ts_ns, t, sizeof(t));
		delta_str(e == 0 || ev->ts_ns < c->ev[e - 1].ts_ns ? 0 :
		    ev->ts_ns - c->ev[e - 1].ts_ns, d, sizeof(d));
		buf_printf(b, "<g class=\"msg\" data-frame=\"%lu\">"
		    "<text x=\"8\" y=\"%d\" fill=\"#555\">%s "
		    "<tspan fill=\"#888\">%s</tspan></text>", ev->frame, yy + 4,
		    t, d);
		if (x == y)
			buf_printf(b, "<path class=\"%s\" d=\"M%d,%d h36 v12 "
			    "h-35\" stroke-width=\"1.5\" "
			    "marker-end=\"url(#%sarrow-%s)\"/>", k, x, yy - 6,
			    idp, k);
		else
			buf_printf(b, "<line class=\"%s\" x1=\"%d\" y1=\"%d\" "
			    "x2=\"%d\" y2=\"%d\" stroke-width=\"1.5\" "
			    "marker-end=\"url(#%sarrow-%s)\"/>", k, x, yy,
			    y > x ? y - 1 : y + 1, yy, idp, k);
		if (x == y)
			buf_printf(b, "<text class=\"label %s-t\" x=\"%d\" "
			    "y=\"%d\">", k, x + 44, yy + 4);
		else
			buf_printf(b, "<text class=\"label %s-t\" x=\"%d\" "
			    "y=\"%d\" text-anchor=\"middle\">", k, (x + y) / 2,
			    yy - 5);
		xml(b, ev->label);
		if (ev->retrans)
			buf_adds(b, " (re)");
		buf_adds(b, "</text></g>\n");
	}
	return buf_adds(b, "</g>\n");
}

enum sip_err
sip_ladder_svg_end(struct buf *b)
{
	return buf_adds(b, "</svg>\n");
}

int
sip_ladder_svg_gap(void)
{
	return SVG_GAP;
}

enum sip_err
sip_ladder_html_begin(struct buf *b, const char *title)
{
	buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>");
	xml(b, title);
	buf_adds(b, "</title>\n<style>\n"
	    "body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}\n"
	    "h1{font-size:1.3em}\n"
	    "section{margin:0 0 2em;padding:0 0 1em;"
	    "border-bottom:1px solid #ddd}\n"
	    "h2{font-size:1.05em;font-family:monospace;margin:0 0 .3em;"
	    "overflow-wrap:anywhere}\n"
	    "dl{display:grid;grid-template-columns:max-content auto;"
	    "gap:.1em 1em;align-items:baseline;margin:0 0 .8em;"
	    "font-size:.9em}\n"
	    "dt{color:#666}dd{margin:0;font-family:monospace;"
	    "overflow-wrap:anywhere}\n"
	    ".ladder{overflow-x:auto}\n"
	    "svg{border:1px solid #ddd;border-radius:4px}\n"
	    "</style>\n</head>\n<body>\n<h1>");
	xml(b, title);
	return buf_adds(b, "</h1>\n");
}

enum sip_err
sip_ladder_html_call(struct buf *b, const struct sip_call *c)
{
	char idp[32];
	int w, h;

	snprintf(idp, sizeof(idp), "c%lu-", (unsigned long)b->len);
	buf_adds(b, "<section>\n<h2>Call-ID: ");
	xml(b, c->callid);
	buf_adds(b, "</h2>\n<dl><dt>From</dt><dd>");
	xml(b, c->from);
	buf_adds(b, "</dd><dt>To</dt><dd>");
	xml(b, c->to);
	buf_printf(b, "</dd><dt>Messages</dt><dd>%zu</dd></dl>\n"
	    "<div class=\"ladder\">\n", c->nev);
	sip_ladder_svg_size(c, 0, &w, &h);
	sip_ladder_svg_begin(b, w, h, c->callid, idp);
	sip_ladder_svg_call(b, c, 0, 0, idp);
	sip_ladder_svg_end(b);
	return buf_adds(b, "</div>\n</section>\n");
}

enum sip_err
sip_ladder_html_end(struct buf *b)
{
	return buf_adds(b, "</body>\n</html>\n");
}
