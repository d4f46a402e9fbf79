/*
 * ladder.h - call-flow ladder pictures of a call's messages
 * (lib/calls.h): a column per endpoint, an arrow per message labelled with
 * the method or status, with times and deltas.  As text for a terminal,
 * as SVG, and as an HTML page holding the SVG of each call.
 *
 * Everything is appended to a caller's struct buf; nothing is printed.
 */
#ifndef SIPBOX_LADDER_H
#define SIPBOX_LADDER_H

#include "buf.h"
#include "calls.h"

#define SIP_LADDER_MAX_COLS	16	/* endpoints drawn; more share the last */

/* The text ladder of c. */
enum sip_err	sip_ladder_text(struct buf *b, const struct sip_call *c);
/*
 * Several calls in one picture, stacked: sip_ladder_svg_size() gives the
 * width and height c's ladder takes (with its heading: Call-ID, From,
 * To), sip_ladder_svg_call() draws it as a group whose top is at y0, and
 * sip_ladder_svg_begin()/_end() open and close the <svg> of the whole
 * (width and height of the whole; idp prefixes the marker ids, so that
 * several pictures can share an HTML page).  Leave sip_ladder_svg_gap()
 * pixels between two calls.
 */
enum sip_err	sip_ladder_svg_size(const struct sip_call *c, int heading,
		    int *w, int *h);
enum sip_err	sip_ladder_svg_begin(struct buf *b, int width, int height,
		    const char *title, const char *idp);
enum sip_err	sip_ladder_svg_call(struct buf *b, const struct sip_call *c,
		    int y0, int heading, const char *idp);
enum sip_err	sip_ladder_svg_end(struct buf *b);
int		sip_ladder_svg_gap(void);
/* An HTML page: the head, a section per call (heading and SVG), the tail. */
enum sip_err	sip_ladder_html_begin(struct buf *b, const char *title);
enum sip_err	sip_ladder_html_call(struct buf *b, const struct sip_call *c);
enum sip_err	sip_ladder_html_end(struct buf *b);

#endif
