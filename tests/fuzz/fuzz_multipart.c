/*
 * fuzz_multipart.c - libFuzzer target for lib/multipart: the first line
 * of the input is the boundary, the rest the body; every part and its
 * Content-Type are taken, no read past the input.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "multipart.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *nl = memchr(p, '\n', size);
	struct sip_multipart mp;
	struct slice h, c, bd, body;
	unsigned n = 0;
	int keep;

	if (nl == NULL)
		return 0;
	bd = slice_make(p, (size_t)(nl - p));
	body = slice_make(nl + 1, size - (size_t)(nl - p) - 1);
	for (keep = 0; keep < 2; keep++) {
		sip_multipart_init(&mp, body, bd, keep);
		while (sip_multipart_next(&mp, &h, &c) && n++ < 100000) {
			(void)sip_multipart_header(h, "Content-Type");
			(void)sip_multipart_header(h, "X");
		}
	}
	(void)sip_multipart_head_len(body);
	return 0;
}
