/*
 * ladder.c - call-flow ladders as text, SVG 1.1 and HTML.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ladder.h"

#define TXT_LEFT	27	/* "HH:MM:SS.uuuuuu +ss.uuuuuu " */
#define TXT_W		26	/* between two columns */

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
	char line[TXT_LEFT + TXT_W * SIP_LADDER_MAX_COLS + 8], t[32], d[32];
	char lab[128];
	int n = columns(c, col), i, x, y, lo, hi;
	size_t e, width;
	enum sip_err err;

	if ((err = buf_printf(b, "Call-ID: %s\n", c->callid)) != SIP_OK)
		return err;
	if (n == 0)
		return SIP_OK;
	width = TXT_LEFT + (size_t)(n - 1) * TXT_W + 1;
	/* Endpoint names over their columns. */
	memset(line, ' ', width + TXT_W);
	for (i = 0; i < n; i++) {
		size_t cx = TXT_LEFT + (size_t)i * TXT_W;
		size_t a = cx > TXT_W / 2 ? cx - TXT_W / 2 + 1 : 0;

		put_centred(line, a, cx + TXT_W / 2, col[i]);
	}
	x = (int)(width + TXT_W);
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
			line[TXT_LEFT + (size_t)i * TXT_W] = '|';
		x = col_of(col, n, ev->src);
		y = col_of(col, n, ev->dst);
		snprintf(lab, sizeof(lab), " %s%s ", ev->label,
		    ev->retrans ? " (re)" : "");
		if (x == y) {
			size_t cx = TXT_LEFT + (size_t)x * TXT_W;

			memcpy(line + cx + 1, "<-+", 3);
			put_centred(line, cx + 4, cx + TXT_W, lab);
		} else {
			size_t a, z;

			lo = x < y ? x : y;
			hi = x < y ? y : x;
			a = TXT_LEFT + (size_t)lo * TXT_W + 1;
			z = TXT_LEFT + (size_t)hi * TXT_W;
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

#define SVG_LEFT	240
#define SVG_W		220
#define SVG_TOP		60
#define SVG_ROW		30

enum sip_err
sip_ladder_svg(struct buf *b, const struct sip_call *c)
{
	const char *col[SIP_LADDER_MAX_COLS];
	int n = columns(c, col), i, x, y;
	int width = SVG_LEFT + (n > 0 ? n - 1 : 0) * SVG_W + 120;
	int height = SVG_TOP + (int)c->nev * SVG_ROW + 20;
	char t[32], d[32];
	size_t e;

	buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	    "font-family=\"monospace\" font-size=\"12\">\n"
	    "<title>", width, height, width, height);
	xml(b, c->callid);
	buf_printf(b, "</title>\n<defs><marker id=\"arrow\" markerWidth=\"10\" "
	    "markerHeight=\"8\" refX=\"10\" refY=\"4\" orient=\"auto\">"
	    "<path d=\"M0,0 L10,4 L0,8 z\" fill=\"#222\"/></marker></defs>\n"
	    "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	for (i = 0; i < n; i++) {
		int cx = SVG_LEFT + i * SVG_W;

		buf_printf(b, "<text class=\"host\" x=\"%d\" y=\"30\" "
		    "text-anchor=\"middle\" font-weight=\"bold\">", cx);
		xml(b, col[i]);
		buf_printf(b, "</text>\n<line x1=\"%d\" y1=\"40\" x2=\"%d\" "
		    "y2=\"%d\" stroke=\"#888\" stroke-dasharray=\"4,3\"/>\n",
		    cx, cx, height - 10);
	}
	for (e = 0; e < c->nev; e++) {
		const struct sip_call_event *ev = &c->ev[e];
		int yy = SVG_TOP + (int)e * SVG_ROW;
		const char *colour = ev->is_request ? "#1f4e9e" :
		    ev->status >= 400 ? "#b3261e" : ev->status >= 200 ?
		    "#1e7b34" : "#8a6d00";

		x = SVG_LEFT + col_of(col, n, ev->src) * SVG_W;
		y = SVG_LEFT + col_of(col, n, ev->dst) * SVG_W;
		clock_str(ev->ts_ns, t, sizeof(t));
		delta_str(e == 0 || ev->ts_ns < c->ev[e - 1].ts_ns ? 0 :
		    ev->ts_ns - c->ev[e - 1].ts_ns, d, sizeof(d));
		buf_printf(b, "<g class=\"msg\" data-frame=\"%lu\">"
		    "<text x=\"8\" y=\"%d\" fill=\"#555\">%s %s</text>",
		    ev->frame, yy + 4, t, d);
		if (x == y)
			buf_printf(b, "<path d=\"M%d,%d h40 v10 h-40\" fill=\"none\" "
			    "stroke=\"%s\" marker-end=\"url(#arrow)\"/>", x, yy - 5,
			    colour);
		else
			buf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
			    "stroke=\"%s\" stroke-width=\"1.5\" "
			    "marker-end=\"url(#arrow)\"/>", x, yy, y, yy, colour);
		buf_printf(b, "<text class=\"label\" x=\"%d\" y=\"%d\" "
		    "text-anchor=\"middle\" fill=\"%s\">", x == y ? x + 60 :
		    (x + y) / 2, yy - 4, colour);
		xml(b, ev->label);
		if (ev->retrans)
			buf_adds(b, " (re)");
		buf_adds(b, "</text></g>\n");
	}
	return buf_adds(b, "</svg>\n");
}

enum sip_err
sip_ladder_html_begin(struct buf *b, const char *title)
{
	buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>");
	xml(b, title);
	return buf_adds(b, "</title>\n<style>body{font-family:sans-serif;"
	    "margin:1em}h2{font-size:1em;font-family:monospace}"
	    "svg{border:1px solid #ddd;margin-bottom:1em}</style>\n"
	    "</head>\n<body>\n");
}

enum sip_err
sip_ladder_html_call(struct buf *b, const struct sip_call *c)
{
	buf_adds(b, "<section>\n<h2>");
	xml(b, c->callid);
	buf_adds(b, "</h2>\n");
	sip_ladder_svg(b, c);
	return buf_adds(b, "</section>\n");
}

enum sip_err
sip_ladder_html_end(struct buf *b)
{
	return buf_adds(b, "</body>\n</html>\n");
}
