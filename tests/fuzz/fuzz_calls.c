/*
 * fuzz_calls.c - libFuzzer target for the call table (lib/cap/calls), the
 * state machine behind sip-parse --calls and --flow, and the ladders drawn
 * from it (lib/cap/ladder): the input is split at NUL bytes into up to 16
 * messages, each parsed and added, from the two endpoints in turn, into a
 * table held to 3 calls so that eviction runs; a message the same as the
 * one before it is marked a retransmission.
 * Every call that comes out, evicted or taken at the end, is drawn as
 * text, SVG and HTML; the table must hand back as many calls as it held.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"
#include "ladder.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
draw(struct sip_call *c)
{
	struct buf b;
	int w, h;

	buf_init(&b, 0);
	(void)sip_ladder_text(&b, c);
	buf_reset(&b);
	if (sip_ladder_svg_size(c, 1, &w, &h) == SIP_OK &&
	    sip_ladder_svg_begin(&b, w, h, "fuzz", "f") == SIP_OK &&
	    sip_ladder_svg_call(&b, c, 0, 1, "f") == SIP_OK)
		(void)sip_ladder_svg_end(&b);
	buf_reset(&b);
	if (sip_ladder_html_begin(&b, "fuzz") == SIP_OK &&
	    sip_ladder_html_call(&b, c) == SIP_OK)
		(void)sip_ladder_html_end(&b);
	(void)sip_call_state_name(c->state);
	buf_free(&b);
	sip_call_free(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sip_calls t;	/* 4096 buckets: not on the stack */
	static struct sip_msg m;
	const char *p = (const char *)data, *end = p + size, *nul;
	const char *prev = NULL;
	size_t prevlen = 0;
	struct sip_call *c, *ev;
	size_t held, out = 0;
	unsigned long k;
	int retrans;

	sip_calls_init(&t, 1);
	t.max = 3;
	t.detail = size & 1;
	for (k = 0; k < 16 && p < end; k++, p = nul + 1) {
		if ((nul = memchr(p, '\0', (size_t)(end - p))) == NULL)
			nul = end;
		if (sip_msg_parse(&m, p, (size_t)(nul - p), 0, NULL) != SIP_OK)
			continue;
		retrans = prev != NULL && prevlen == (size_t)(nul - p) &&
		    memcmp(prev, p, prevlen) == 0;
		prev = p;
		prevlen = (size_t)(nul - p);
		ev = NULL;
		if (sip_calls_add(&t, &m, k * 250000000ull, k + 1,
		    k & 1 ? "192.0.2.2:5060" : "192.0.2.1:5060",
		    k & 1 ? "192.0.2.1:5060" : "192.0.2.2:5060", "UDP",
		    retrans, &ev) == SIP_E_TOOBIG) {
			if (ev == NULL)
				abort();
			draw(ev);
		}
		if (t.ncalls > t.max)
			abort();
	}
	held = t.ncalls;
	while ((c = sip_calls_take(&t)) != NULL) {
		draw(c);
		out++;
	}
	if (out != held)
		abort();
	sip_calls_release(&t);
	return 0;
}
