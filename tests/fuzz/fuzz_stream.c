/*
 * fuzz_stream.c - libFuzzer target for the stream framer: the input is
 * fed in chunks whose sizes come from the input itself, and the messages
 * framed must be the same as when the whole input is fed at once.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAXM	64

static size_t
frame(const uint8_t *d, size_t n, size_t chunk_seed, size_t lens[MAXM])
{
	static struct sip_msg m;
	struct sip_stream s;
	struct sip_perr pe;
	size_t off = 0, k = 0, c;
	enum sip_err e = SIP_OK;

	sip_stream_init(&s, 0);
	while (off < n && k < MAXM) {
		c = chunk_seed ? 1 + (d[off] + chunk_seed) % 97 : n - off;
		if (c > n - off)
			c = n - off;
		if (sip_stream_feed(&s, d + off, c) != SIP_OK)
			break;
		off += c;
		while (k < MAXM && (e = sip_stream_next(&s, &m, &pe)) == SIP_OK)
			lens[k++] = m.len;
		if (e != SIP_OK && e != SIP_E_PARTIAL)
			break;
	}
	sip_stream_release(&s);
	return k;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t a[MAXM], b[MAXM], na, nb;

	na = frame(data, size, 0, a);
	nb = frame(data, size, 7, b);
	/* However the bytes arrive, the same messages come out. */
	if (na != nb)
		abort();
	if (memcmp(a, b, (na < nb ? na : nb) * sizeof(a[0])) != 0)
		abort();
	return 0;
}
