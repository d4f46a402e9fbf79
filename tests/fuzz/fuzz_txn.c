/*
 * fuzz_txn.c - libFuzzer target for what a server and a client do with a
 * message off the wire: a request opens a server transaction (its keys
 * taken from the request's own parse), is matched against itself,
 * answered with a built response, and its ACK or retransmission matched;
 * a response is matched against client transactions and fed to them,
 * and the response builder and the template builder run on it.  Timers
 * run to their end.  Any bytes; the input is split at the first NUL into
 * a message and a second one (a retransmission, an ACK or a response).
 */
#include <stdint.h>
#include <string.h>

#include "build.h"
#include "txn.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char invite[] =
    "INVITE sip:bob@127.0.0.1 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKfz1;rport\r\n"
    "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:bob@127.0.0.1>\r\n"
    "Call-ID: fz@127.0.0.1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";

static void
drain(struct sip_txn *t)
{
	struct sip_txn_action a;

	while (sip_txn_action(t, &a))
		;
}

/* Timers until the transaction ends (bounded). */
static void
run_out(struct sip_txn *t, uint64_t now)
{
	for (int i = 0; i < 64 && !sip_txn_done(t); i++) {
		uint64_t d = sip_txn_deadline(t);

		if (d == 0)
			break;
		now = d > now ? d : now + 1;
		sip_txn_timer(t, now);
		drain(t);
	}
}

static void
server(const struct sip_msg *m, const struct sip_msg *m2, int have2)
{
	struct sip_txn t;
	struct buf b = { 0 };
	struct sip_resp_params rp = { .code = 486, .to_tag = "fz",
	    .received = "127.0.0.1", .rport = 5070 };

	sip_txn_init(&t, m->mid == SIP_METHOD_INVITE ? SIP_TXN_IST :
	    SIP_TXN_NIST, 0);
	if (sip_txn_server_start(&t, m, 0) == SIP_OK) {
		(void)sip_txn_match_request(&t, m);
		if (sip_build_response(&b, m, &rp) == SIP_OK &&
		    sip_txn_respond(&t, b.p, b.len, 1) == SIP_OK)
			drain(&t);
		if (have2 && sip_txn_match_request(&t, m2)) {
			sip_txn_input(&t, m2, 2);
			drain(&t);
		}
		run_out(&t, 2);
	}
	sip_txn_release(&t);
	buf_free(&b);
}

static void
client(const struct sip_msg *resp)
{
	struct sip_txn t;

	sip_txn_init(&t, SIP_TXN_ICT, 0);
	if (sip_txn_client_start(&t, invite, sizeof(invite) - 1, 0) == SIP_OK) {
		drain(&t);
		if (sip_txn_match_response(&t, resp)) {
			sip_txn_input(&t, resp, 1);
			drain(&t);
		}
		run_out(&t, 1);
	}
	sip_txn_release(&t);
}

/* The template builder with values from the message: same bytes. */
static void
templates(const struct sip_msg *m)
{
	static struct sip_build_tmpl tm;
	char ruri[256], from[256], to[256];
	struct buf a = { 0 }, b = { 0 };
	struct sip_req_params p = { .method = "OPTIONS", .via_host = "h",
	    .via_port = 5060, .rport = 1, .branch = "z9hG4bKx",
	    .from_tag = "t", .call_id = "c", .max_forwards = 70 };

	if (slice_copy(m->is_request ? m->ruri : m->reason, ruri,
	    sizeof(ruri)) != 0 || slice_copy(sip_msg_value(m, SIP_HDR_FROM),
	    from, sizeof(from)) != 0 || slice_copy(sip_msg_value(m,
	    SIP_HDR_TO), to, sizeof(to)) != 0)
		return;
	p.ruri = ruri[0] ? ruri : "sip:x";
	p.from = from;
	p.to = to;
	for (uint32_t seq = 8; seq < 12; seq++) {
		p.cseq = seq;
		buf_reset(&a);
		buf_reset(&b);
		if (sip_build_request(&a, &p) == SIP_OK &&
		    sip_build_request_tmpl(&b, &p, &tm) == SIP_OK &&
		    (a.len != b.len || memcmp(a.p, b.p, a.len) != 0))
			__builtin_trap();
	}
	buf_free(&a);
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sip_msg m, m2;
	struct sip_perr pe;
	const uint8_t *nul = memchr(data, 0, size);
	size_t n1 = nul != NULL ? (size_t)(nul - data) : size;
	int have2 = 0;

	if (sip_msg_parse(&m, (const char *)data, n1, 0, &pe) != SIP_OK)
		return 0;
	if (nul != NULL && sip_msg_parse(&m2, (const char *)nul + 1,
	    size - n1 - 1, 0, &pe) == SIP_OK)
		have2 = 1;
	if (m.is_request && m.mid != SIP_METHOD_ACK)
		server(&m, &m2, have2);
	else if (!m.is_request)
		client(&m);
	templates(&m);
	return 0;
}
