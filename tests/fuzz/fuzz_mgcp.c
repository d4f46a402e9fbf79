/*
 * fuzz_mgcp.c - libFuzzer target for lib/mgcp: the input is a datagram;
 * every piggy-backed message is taken apart, parameters looked up, and
 * nothing is read outside the input.  The messages then go through
 * lib/mgcpcalls' table (commands one way, responses the other), whose
 * call, connection and transaction index must stay consistent.  The
 * same bytes are also read as a text file is (mgcp_text(): messages end
 * at a "." line or where the next SIP or MGCP message starts), junk
 * before a start line skipped (mgcp_junk()).
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "mgcp.h"
#include "mgcpcalls.h"
#include "msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* As sip-parse reads a message file: MGCP where it starts, else a line. */
static void
text(const char *p, size_t n)
{
	struct mgcp_msg m;
	size_t i, len, used, from;
	int ended;

	while (n > 0) {
		for (i = 0; i < n && (p[i] == '\r' || p[i] == '\n'); i++)
			;
		p += i;
		n -= i;
		if (n == 0)
			break;
		if (!mgcp_looks(p, n, 1)) {
			const char *nl = memchr(p, '\n', n);

			/* junk before a start line: one follows it */
			if ((i = mgcp_junk(p, n, &from)) > 0) {
				if (i >= n || from >= i ||
				    !mgcp_looks(p + i, n - i, 1))
					__builtin_trap();
				p += i;
				n -= i;
				continue;
			}

			i = nl != NULL ? (size_t)(nl - p) + 1 : n;
			p += i;
			n -= i;
			continue;
		}
		len = mgcp_text(p, n, sip_msg_known_start, &used, &ended);
		if (len > used || used > n || used == 0 || (!ended && used != n))
			__builtin_trap();
		(void)mgcp_parse(&m, p, len);
		p += used;
		n -= used;
	}
}

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
	text((const char *)data, size);
	return 0;
}
