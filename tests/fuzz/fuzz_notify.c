/*
 * fuzz_notify.c - libFuzzer target for the RFC 6665 notifier
 * (lib/ua/notify): the input is split at NUL bytes into up to 32 pieces.
 * A SIP request goes to sip_notify_subscribe(), a response answers the
 * NOTIFY in flight; a piece that is no message and starts with 'q' is a
 * change (its rest the partial body), 't' ends the subscription, 'x'
 * loses the NOTIFY in flight (Timer F).  Every other piece the clock runs
 * to the next deadline.  Each SEND is built (and parsed back), so the
 * dialog, route set and header lines it uses are exercised; versions
 * must only grow, and nothing is sent after the end.
 */
#include <stdint.h>
#include <string.h>

#include "notify.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
drain(struct sip_notify *n, uint64_t now, int *ended, int64_t *last)
{
	static struct sip_msg m;
	struct sip_notify_action a;

	while (sip_notify_action(n, &a)) {
		struct sip_req_params p = { .via_host = "127.0.0.1",
		    .contact = "<sip:sipbox@127.0.0.1>", .max_forwards = 70 };
		struct buf b;

		if (*ended)
			__builtin_trap();	/* an action after the END */
		if (a.kind == SIP_NOTIFY_END) {
			*ended = 1;
			continue;
		}
		if (a.full && (int64_t)a.version <= *last)
			__builtin_trap();	/* a full state not newer */
		if ((int64_t)a.version > *last)
			*last = a.version;
		buf_init(&b, SIP_MAX_MSG);
		if (sip_notify_build(n, &b, &p, "<full/>", 7, now) == SIP_OK)
			(void)sip_msg_parse(&m, b.p, b.len, 0, NULL);
		buf_free(&b);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sip_msg m;
	struct sip_notify n;
	uint64_t now = 1000;
	int ended = 0;
	int64_t last = -1;
	size_t off = 0;

	if (sip_notify_init(&n, "reg", "application/reginfo+xml", 3761, 60,
	    3600) != SIP_OK)
		return 0;
	for (int i = 0; i < 32 && off <= size && !ended; i++) {
		const uint8_t *nul = memchr(data + off, 0, size - off);
		size_t k = nul != NULL ? (size_t)(nul - data - off) : size - off;
		const char *p = (const char *)data + off;

		if (sip_msg_parse(&m, p, k, 0, NULL) == SIP_OK) {
			if (m.is_request)
				(void)sip_notify_subscribe(&n, &m, "srv", now);
			else
				sip_notify_response(&n, &m, now);
		} else if (k > 0 && p[0] == 'q') {
			if (sip_notify_wants(&n))
				(void)sip_notify_queue(&n, p + 1, k - 1, now);
		} else if (k > 0 && p[0] == 't') {
			sip_notify_terminate(&n, "deactivated", now);
		} else if (k > 0 && p[0] == 'x') {
			sip_notify_response(&n, NULL, now);
		}
		drain(&n, now, &ended, &last);
		if (n.state == SIP_NOTIFY_INIT && n.busy)
			__builtin_trap();
		uint64_t d = sip_notify_deadline(&n);

		if ((i & 1) && d != 0) {
			now = d > now ? d : now + 1;
			sip_notify_timer(&n, now);
			drain(&n, now, &ended, &last);
		}
		off += k + 1;
	}
	sip_notify_release(&n);
	return 0;
}
