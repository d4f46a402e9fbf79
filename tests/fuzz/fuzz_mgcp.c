/*
 * fuzz_mgcp.c - libFuzzer target for lib/mgcp: the input is a datagram;
 * every piggy-backed message is taken apart, parameters looked up, and
 * nothing is read outside the input.
 */
#include <stdint.h>
#include <stddef.h>

#include "mgcp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct slice rest = slice_make((const char *)data, size), one;
	struct mgcp_msg m;
	unsigned n = 0;

	(void)mgcp_looks((const char *)data, size, 0);
	(void)mgcp_looks((const char *)data, size, 1);
	while (mgcp_next(&rest, &one) && n++ < 100000) {
		if (mgcp_parse(&m, one.p, one.len) != SIP_OK)
			continue;
		(void)mgcp_param(&m, "C");
		(void)mgcp_param(&m, "X-Extension");
		(void)mgcp_verb_known(m.verb);
		if (m.bad_off > one.len || m.sdp.len > one.len ||
		    m.nparams > MGCP_MAX_PARAMS)
			__builtin_trap();
	}
	return 0;
}
