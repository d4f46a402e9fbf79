/*
 * fuzz_sub.c - libFuzzer target for the RFC 6665 subscriber (lib/ua/sub):
 * the input is split at NUL bytes into up to 32 messages; a request goes
 * to sip_sub_notify(), a response answers the SUBSCRIBE in flight, and
 * between them the clock moves to the next deadline.  Each SEND is
 * answered with sip_sub_request() and sip_sub_sent() (Call-ID c1, tag t1
 * for the first, so the corpus's NOTIFYs match), and the request is
 * built, so the route set and headers it hands out are used.
 */
#include <stdint.h>
#include <string.h>

#include "build.h"
#include "sub.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
drain(struct sip_sub *s, uint64_t now, unsigned *sends)
{
	struct sip_sub_action a;

	while (sip_sub_action(s, &a)) {
		struct sip_req_params p = { .ruri = "sip:alice@127.0.0.1",
		    .from = "<sip:w@127.0.0.1>", .to = "<sip:alice@127.0.0.1>",
		    .via_host = "127.0.0.1", .branch = "z9hG4bKf",
		    .max_forwards = 70 };
		struct buf b;

		if (a.kind != SIP_SUB_SEND)
			continue;
		if (sip_sub_request(s, &p) != SIP_OK)
			continue;
		if (p.call_id == NULL)
			p.call_id = *sends == 0 ? "c1" : "c2";
		if (p.from_tag == NULL)
			p.from_tag = *sends == 0 ? "t1" : "t2";
		buf_init(&b, SIP_MAX_MSG);
		(void)sip_build_request(&b, &p);
		buf_free(&b);
		sip_sub_sent(s, p.call_id, p.from_tag, p.cseq ? p.cseq : 1, now);
		(*sends)++;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sip_msg m;
	struct sip_sub s;
	uint64_t now = 1000;
	unsigned sends = 0;
	size_t off = 0;

	if (sip_sub_init(&s, "reg", "application/reginfo+xml", 600) != SIP_OK)
		return 0;
	sip_sub_start(&s, now);
	drain(&s, now, &sends);
	for (int i = 0; i < 32 && off <= size; i++) {
		const uint8_t *nul = memchr(data + off, 0, size - off);
		size_t n = nul != NULL ? (size_t)(nul - data - off) : size - off;

		if (sip_msg_parse(&m, (const char *)data + off, n, 0,
		    NULL) == SIP_OK) {
			if (m.is_request)
				(void)sip_sub_notify(&s, &m, now);
			else
				sip_sub_response(&s, &m, now);
			drain(&s, now, &sends);
		}
		uint64_t d = sip_sub_deadline(&s);

		/* every other message, the clock runs to the next deadline */
		if ((i & 1) && d != 0) {
			now = d > now ? d : now + 1;
			sip_sub_timer(&s, now);
			drain(&s, now, &sends);
		}
		off += n + 1;
	}
	if (s.state != SIP_SUB_TERMINATED) {
		sip_sub_stop(&s, now);
		drain(&s, now, &sends);
	}
	sip_sub_release(&s);
	return 0;
}
