/*
 * fuzz_reginfo.c - libFuzzer target for application/reginfo+xml
 * (lib/sip/reginfo): the input is split at NUL bytes into up to eight
 * documents, each parsed, its values unescaped, and merged into one
 * view in turn, as a watcher merges the bodies of its NOTIFYs.
 */
#include <stdint.h>
#include <string.h>

#include "reginfo.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
unescape(struct slice v)
{
	struct buf b;

	buf_init(&b, SIP_MAX_LINE);
	(void)sip_reginfo_unescape(v, &b);
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sip_reginfo ri;
	struct sip_reginfo_view v;
	struct sip_reginfo_change ch[16];
	enum sip_reginfo_order ord;
	struct sip_perr pe;
	size_t off = 0;
	unsigned n;

	memset(&v, 0, sizeof(v));
	for (int i = 0; i < 8 && off <= size; i++) {
		const uint8_t *nul = memchr(data + off, 0, size - off);
		size_t len = nul != NULL ? (size_t)(nul - data - off) : size - off;

		if (sip_reginfo_parse(&ri, (const char *)data + off, len,
		    &pe) == SIP_OK) {
			for (unsigned k = 0; k < ri.ncontact; k++) {
				unescape(ri.contact[k].uri);
				unescape(ri.contact[k].display);
				for (unsigned j = 0; j < ri.contact[k].nparam; j++)
					unescape(ri.contact[k].param[j].value);
			}
			if (sip_reginfo_merge(&v, &ri, ch, 16, &n, &ord) ==
			    SIP_OK)
				for (unsigned k = 0; k < n; k++)
					if (ch[k].c->id == NULL)
						__builtin_trap();
		} else if (pe.off > len) {
			__builtin_trap();	/* an offset outside the input */
		}
		off += len + 1;
	}
	sip_reginfo_view_free(&v);
	return 0;
}
