/*
 * fuzz_mgcp.c - libFuzzer target for lib/mgcp: the input is a datagram;
 * every piggy-backed message is taken apart, parameters looked up, and
 * nothing is read outside the input.  The messages then go through
 * lib/mgcpcalls' table (commands one way, responses the other), whose
 * call, connection and transaction index must stay consistent.
 */
#include <stdint.h>
#include <stddef.h>

#include "mgcp.h"
#include "mgcpcalls.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct slice rest = slice_make((const char *)data, size), one;
	struct mgcp_msg m;
	struct mgcp_calls t;
	unsigned n = 0;
	size_t i;

	mgcp_calls_init(&t);
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
		(void)mgcp_calls_add(&t, &m, n, m.is_response ? "gw" : "ca",
		    m.is_response ? "ca" : "gw");
	}
	for (i = 0; i < t.n; i++)
		if (t.v[i].nconn > MGCP_MAX_CONNS)
			__builtin_trap();
	mgcp_calls_free(&t);
	return 0;
}
