/*
 * fuzz_sdp.c - libFuzzer target for the SDP parser, every typed
 * attribute parser, the lint checks (alone and as an answer to itself)
 * and the answer builder: any bytes, no crash, no read past the input.
 */
#include <stdint.h>
#include <stddef.h>

#include "sdp.h"
#include "sdplint.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sdp s;
	static struct sdp_finding f[SDP_MAX_FINDINGS];
	static const struct sdp_codec codecs[] = {
		{ "PCMU", 8000, 0, 0, NULL },
		{ "opus", 48000, 2, -1, NULL },
	};
	static const struct sdp_stream st[] = {
		{ "audio", 4000, NULL, codecs, 2, SDP_DIR_NONE, 20 },
	};
	static const struct sdp_local l = { NULL, 1, 1, "192.0.2.1", NULL,
	    st, 1 };
	struct sdp_lint lint;
	struct sip_perr pe;
	struct slice name, value;
	enum sdp_attr_id id;
	unsigned i, m;
	struct buf b;

	if (sdp_parse(&s, (const char *)data, size, &pe) == SIP_E_TOOBIG)
		return 0;
	for (m = 0; m <= s.nmedia; m++) {
		i = 0;
		while (sdp_attr_next(&s, m, &i, &id, &name, &value) != NULL)
			(void)sdp_attr_check(id, value, &pe);
	}
	for (m = 0; m < s.nmedia; m++)
		(void)sdp_media_dir(&s, m);
	sdp_lint_init(&lint, f, SDP_MAX_FINDINGS);
	lint.on[SDP_C_RTPMAP_ADVISED] = 1;
	sdp_lint_run(&lint, &s);
	sdp_lint_oa(&lint, &s, &s);
	for (i = 0; i < lint.n; i++)
		(void)sdp_line_of(&s, f[i].off, NULL);
	buf_init(&b, 0);
	(void)sdp_build_answer(&b, &s, &l, NULL, 0);
	buf_free(&b);
	return 0;
}
