/*
 * fuzz_ws.c - libFuzzer target for WebSocket (lib/net/ws), what a peer
 * sends before and around SIP: any bytes as a frame header, as a client's
 * upgrade request (sip-serve's side) and as a server's handshake answer
 * (the client's side).  A frame header that parses is encoded again and
 * must parse to the same frame; masking twice gives the bytes back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ws.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* RFC 6455 1.3's example key: the answer check runs to its end with it. */
static const char key[] = "dGhlIHNhbXBsZSBub25jZQ==";

static void
frame(const uint8_t *data, size_t size)
{
	struct sip_ws_frame f, g;
	uint8_t hdr[SIP_WS_FRAME_HDR_MAX], *p;
	size_t n, m;

	if (sip_ws_frame_parse(data, size, &f) != SIP_OK)
		return;
	if (f.hdrlen > size || f.hdrlen > SIP_WS_FRAME_HDR_MAX)
		abort();
	n = sip_ws_frame_hdr(hdr, f.op, f.len, f.masked ? f.mask : NULL);
	if (sip_ws_frame_parse(hdr, n, &g) != SIP_OK || g.hdrlen != n ||
	    !g.fin || g.op != f.op || g.len != f.len ||
	    g.masked != f.masked || memcmp(g.mask, f.mask, 4) != 0)
		abort();
	/* the payload as far as it came, unmasked and masked again */
	m = size - f.hdrlen;
	if (!f.masked || m == 0 || (p = malloc(m)) == NULL)
		return;
	memcpy(p, data + f.hdrlen, m);
	sip_ws_mask(p, m, f.mask, 0);
	sip_ws_mask(p, m, f.mask, 0);
	if (memcmp(p, data + f.hdrlen, m) != 0)
		abort();
	free(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *why;
	struct buf b;
	size_t used;
	enum sip_err e;

	frame(data, size);

	buf_init(&b, 4096);
	used = 0;
	e = sip_ws_answer(p, size, &b, &used, &why);
	if (e == SIP_OK && (used > size ||
	    b.len < 12 || memcmp(b.p, "HTTP/1.1 101", 12) != 0))
		abort();
	if (e == SIP_E_PARSE && why == NULL)
		abort();
	buf_free(&b);

	used = 0;
	e = sip_ws_response_check(p, size, key, &used, &why);
	if ((e == SIP_OK && used > size) || (e == SIP_E_PARSE && why == NULL))
		abort();
	return 0;
}
