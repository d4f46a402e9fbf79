/*
 * fuzz_endpoint.c - libFuzzer target for what the endpoint decides on
 * messages off the wire: an INVITE of ours is in flight (to two targets)
 * when up to four messages, split at NUL bytes, arrive; responses go to
 * its transaction, its dialog set (forks, ACKs, a BYE for an extra 2xx)
 * or the strays, requests to server transactions, CANCEL to its INVITE,
 * the applet answering 180 (200 to an INVITE without a body: resent
 * until its ACK).  Timers then run to their end.
 */
#include <stdint.h>
#include <string.h>

#include "build.h"
#include "endpoint.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const struct sip_req_params inv = {
	.method = "INVITE", .ruri = "sip:bob@127.0.0.1",
	.via_host = "127.0.0.1", .via_port = 5070, .branch = "z9hG4bKfzep",
	.from = "<sip:a@127.0.0.1>", .from_tag = "fz",
	.to = "<sip:bob@127.0.0.1>", .call_id = "fzep@127.0.0.1", .cseq = 1,
	.contact = "<sip:a@127.0.0.1:5070>", .max_forwards = 70
};

static enum sip_err
nop_send(void *arg, const struct sip_ep_dest *d, const char *p, size_t n,
    int retrans)
{
	(void)arg;
	(void)d;
	(void)retrans;
	/* the first byte decides, so failover runs too */
	return n > 0 && p[0] == 'X' ? SIP_E_REFUSED : SIP_OK;
}

static enum sip_err
build(struct sip_ep_ctxn *c, struct buf *b, size_t *boff, size_t *blen)
{
	(void)c;
	(void)boff;
	(void)blen;
	return sip_build_request(b, &inv);
}

static void
on_response(struct sip_ep_ctxn *c, const struct sip_msg *m)
{
	(void)c;
	(void)m;
}

static void
on_request(void *arg, struct sip_ep *ep, struct sip_uas_txn *t,
    const struct sip_msg *m, const struct sip_ep_rx *rx)
{
	struct sip_resp_params rp = { .code = 180, .to_tag = "fzs" };
	struct buf b = { 0 };

	(void)arg;
	(void)rx;
	if (m->mid == SIP_METHOD_INVITE && m->body.len == 0)
		rp.code = 200;
	buf_init(&b, SIP_MAX_MSG);
	if (sip_build_response(&b, m, &rp) == SIP_OK)
		sip_ep_respond(ep, t, b.p, b.len, 1000);
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sip_ep ep;
	struct sip_ep_ctxn c;
	struct sip_conn flow;
	struct sip_ep_rx rx;
	const char *p = (const char *)data, *end = p + size;
	uint64_t now = 1000;

	memset(&ep, 0, sizeof ep);
	memset(&c, 0, sizeof c);
	ep.send = nop_send;
	ep.request = on_request;
	sip_conn_init(&flow);
	flow.tp = SIP_TP_UDP;
	memset(&rx, 0, sizeof rx);
	rx.tp = SIP_TP_UDP;
	rx.flow = &flow;
	sip_net_numeric("127.0.0.1", 5060, &rx.src);
	c.ndst = 2;
	for (int i = 0; i < 2; i++) {
		c.dst[i].tp = SIP_TP_UDP;
		sip_net_numeric("127.0.0.1", 5060 + i, &c.dst[i].addr);
	}
	c.invite = 1;
	c.build = build;
	c.cb = on_response;
	c.set.p = &inv;
	if (sip_ep_start(&ep, &c, now * 1000) != SIP_OK)
		goto out;
	for (int k = 0; k < 4 && p < end; k++) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		size_t n = nul ? (size_t)(nul - p) : (size_t)(end - p);
		struct sip_msg m;

		if (sip_msg_parse(&m, p, n, 0, NULL) == SIP_OK)
			sip_ep_input(&ep, &m, &rx, ++now * 1000);
		p += n + (nul != NULL);
		/* an odd first byte: the INVITE is cancelled after its first */
		if (k == 0 && (data[0] & 1))
			sip_ep_cancel(&ep, &c, ++now * 1000);
	}
	/* timers to the end, bounded */
	for (int i = 0; i < 200; i++) {
		uint64_t d = sip_ep_deadline(&ep);

		if (d == 0)
			break;
		now = d > now ? d : now + 1;
		sip_ep_timers(&ep, now * 1000);
	}
out:
	sip_ep_release(&ep, &c);
	sip_ep_free(&ep);
	return 0;
}
