/*
 * txn.c - RFC 3261 17 transactions driven by a fake clock: every
 * retransmission instant and every timeout, without sleeping.
 */
#include <string.h>

#include "build.h"
#include "txn.h"
#include "tap.h"

#define MAXEV	64

struct events {
	uint64_t	 send[MAXEV];	/* instants of SEND actions */
	int		 nsend;
	int		 acks;		/* SENDs that were an ACK */
	int		 responses, requests;
	uint64_t	 timeout_at;
	char		 timer;
	uint64_t	 end_at;
	int		 ended;
	int		 tperr;
	int		 last_status;
};

static const char invite[] =
    "INVITE sip:bob@127.0.0.1 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKinv1;rport\r\n"
    "Max-Forwards: 70\r\n"
    "From: <sip:alice@127.0.0.1>;tag=fa\r\n"
    "To: <sip:bob@127.0.0.1>\r\n"
    "Call-ID: c1@127.0.0.1\r\n"
    "CSeq: 1 INVITE\r\n"
    "Contact: <sip:alice@127.0.0.1:5070>\r\n"
    "Content-Length: 0\r\n\r\n";

static const char options[] =
    "OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKopt1\r\n"
    "Max-Forwards: 70\r\n"
    "From: <sip:alice@127.0.0.1>;tag=fa\r\n"
    "To: <sip:bob@127.0.0.1>\r\n"
    "Call-ID: c2@127.0.0.1\r\n"
    "CSeq: 5 OPTIONS\r\n"
    "Content-Length: 0\r\n\r\n";

static const char old_options[] =
    "OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 127.0.0.1:5070\r\n"
    "From: <sip:alice@127.0.0.1>;tag=fa\r\n"
    "To: <sip:bob@127.0.0.1>\r\n"
    "Call-ID: c3@127.0.0.1\r\n"
    "CSeq: 9 OPTIONS\r\n"
    "Content-Length: 0\r\n\r\n";

static void
drain(struct sip_txn *t, uint64_t now, struct events *ev)
{
	struct sip_txn_action a;

	while (sip_txn_action(t, &a)) {
		switch (a.kind) {
		case SIP_TXN_SEND:
			if (a.len > 4 && memcmp(a.data, "ACK ", 4) == 0)
				ev->acks++;
			if (ev->nsend < MAXEV)
				ev->send[ev->nsend++] = now;
			break;
		case SIP_TXN_RESPONSE:
			ev->responses++;
			ev->last_status = a.msg->status;
			break;
		case SIP_TXN_REQUEST:
			ev->requests++;
			break;
		case SIP_TXN_TIMEOUT:
			ev->timeout_at = now;
			ev->timer = a.timer;
			break;
		case SIP_TXN_TPERROR:
			ev->tperr++;
			break;
		case SIP_TXN_END:
			ev->ended++;
			ev->end_at = now;
			break;
		}
	}
}

/* Advance the fake clock from deadline to deadline up to end. */
static void
run_until(struct sip_txn *t, uint64_t end, struct events *ev)
{
	uint64_t d;
	int guard = 0;

	while ((d = sip_txn_deadline(t)) != 0 && d <= end && guard++ < 1000) {
		sip_txn_timer(t, d);
		drain(t, d, ev);
	}
}

static int
same(const struct events *ev, const uint64_t *want, int n)
{
	int i;

	if (ev->nsend != n)
		return 0;
	for (i = 0; i < n; i++)
		if (ev->send[i] != want[i])
			return 0;
	return 1;
}

/* A response to request text req with code and an optional To tag. */
static void
make_resp(struct buf *b, struct sip_msg *r, const char *req, int code,
    const char *tag)
{
	struct sip_msg q;
	struct sip_resp_params p = { .code = code, .to_tag = tag };

	sip_msg_parse(&q, req, strlen(req), 0, NULL);
	buf_reset(b);
	sip_build_response(b, &q, &p);
	sip_msg_parse(r, b->p, b->len, 0, NULL);
}

static void
test_nict(void)
{
	static const uint64_t want[] = { 1000, 1500, 2500, 4500, 8500, 12500,
	    16500, 20500, 24500, 28500, 32500 };
	static const uint64_t want_t1_100[] = { 0, 100, 300, 700, 1500, 2300,
	    3100, 3900, 4700, 5500, 6300 };
	static const uint64_t want_prov[] = { 0, 500, 1500, 3500, 7500,
	    11500 };
	struct sip_txn t;
	struct events ev;
	struct buf rb = { 0 };
	struct sip_msg r;

	/* Non-INVITE over UDP, started at 1000. */
	memset(&ev, 0, sizeof(ev));
	sip_txn_init(&t, SIP_TXN_NICT, 0);
	ok(sip_txn_client_start(&t, options, strlen(options), 1000) == SIP_OK,
	    "nict: starts with an OPTIONS");
	drain(&t, 1000, &ev);
	ok(sip_txn_deadline(&t) == 1500, "nict: Timer E first at T1");
	run_until(&t, 100000, &ev);
	ok(same(&ev, want, 11), "nict: sends at 0, 500, 1500, 3500, 7500, "
	    "11500 ... 31500 (E doubles to T2)");
	ok(ev.timer == 'F' && ev.timeout_at == 33000,
	    "nict: Timer F times out at 64*T1 = 32000");
	ok(ev.ended == 1 && sip_txn_done(&t) && sip_txn_deadline(&t) == 0,
	    "nict: terminated after Timer F, no timer left");
	sip_txn_release(&t);

	/* T1 = 100, T2 = 800: the same shape, scaled. */
	memset(&ev, 0, sizeof(ev));
	sip_txn_init(&t, SIP_TXN_NICT, 0);
	t.t1 = 100;
	t.t2 = 800;
	sip_txn_client_start(&t, options, strlen(options), 0);
	drain(&t, 0, &ev);
	run_until(&t, 100000, &ev);
	ok(same(&ev, want_t1_100, 11) && ev.timeout_at == 6400,
	    "nict: T1 and T2 are settable (F at 64*T1 = 6400)");
	sip_txn_release(&t);

	/* T1 = 10: the sixth send is due at 630, F at 640; a caller woken
	 * late at 645 still sends it, then times out. */
	memset(&ev, 0, sizeof(ev));
	sip_txn_init(&t, SIP_TXN_NICT, 0);
	t.t1 = 10;
	sip_txn_client_start(&t, options, strlen(options), 0);
	drain(&t, 0, &ev);
	run_until(&t, 629, &ev);
	sip_txn_timer(&t, 645);
	drain(&t, 645, &ev);
	ok(ev.nsend == 7 && ev.send[6] == 645 && ev.timer == 'F' &&
	    ev.ended == 1, "nict: a late timer call sends the retransmission "
	    "due before Timer F, then times out (%d sends)", ev.nsend);
	sip_txn_release(&t);

	/* A provisional response: E goes to T2 at once (17.1.2.2). */
	memset(&ev, 0, sizeof(ev));
	sip_txn_init(&t, SIP_TXN_NICT, 0);
	sip_txn_client_start(&t, options, strlen(options), 0);
	drain(&t, 0, &ev);
	run_until(&t, 1600, &ev);
	make_resp(&rb, &r, options, 100, NULL);
	ok(sip_txn_match_response(&t, &r), "nict: its response matches");
	sip_txn_input(&t, &r, 1600);
	drain(&t, 1600, &ev);
	ok(t.state == SIP_TXN_PROCEEDING && ev.responses == 1,
	    "nict: 1xx moves to Proceeding and goes to the TU");
	run_until(&t, 12000, &ev);
	ok(same(&ev, want_prov, 6), "nict: after a 1xx, Timer E fires as "
	    "set, then every T2 (0, 500, 1500, 3500, 7500, 11500)");
	make_resp(&rb, &r, options, 200, "tt");
	sip_txn_input(&t, &r, 12100);
	drain(&t, 12100, &ev);
	ok(t.state == SIP_TXN_COMPLETED && ev.responses == 2 &&
	    ev.last_status == 200, "nict: 200 completes and is delivered");
	ok(sip_txn_deadline(&t) == 12100 + 5000, "nict: Timer K = T4");
	sip_txn_input(&t, &r, 12200);
	drain(&t, 12200, &ev);
	ok(ev.responses == 2 && ev.nsend == 6,
	    "nict: a retransmitted 200 is absorbed");
	run_until(&t, 100000, &ev);
	ok(ev.ended == 1 && ev.end_at == 17100 && ev.timer == 0,
	    "nict: Timer K ends the transaction without a timeout");
	sip_txn_release(&t);

	/* Over TCP: one send, F still runs, K is zero. */
	memset(&ev, 0, sizeof(ev));
	sip_txn_init(&t, SIP_TXN_NICT, 1);
	sip_txn_client_start(&t, options, strlen(options), 0);
	drain(&t, 0, &ev);
	ok(sip_txn_deadline(&t) == 32000, "nict tcp: only Timer F runs");
	make_resp(&rb, &r, options, 486, "tt");
	sip_txn_input(&t, &r, 50);
	drain(&t, 50, &ev);
	ok(ev.nsend == 1 && ev.responses == 1 && ev.ended == 1 &&
	    sip_txn_done(&t), "nict tcp: no retransmission, Timer K = 0");
	sip_txn_release(&t);

	/* Transport error (17.1.4). */
	memset(&ev, 0, sizeof(ev));
	sip_txn_init(&t, SIP_TXN_NICT, 0);
	sip_txn_client_start(&t, options, strlen(options), 0);
	drain(&t, 0, &ev);
	sip_txn_transport_error(&t);
	drain(&t, 0, &ev);
	ok(ev.tperr == 1 && ev.ended == 1 && sip_txn_deadline(&t) == 0,
	    "nict: a transport error tells the TU and terminates");

	/* Started again on its own memory, from a request built here. */
	{
		const char *mem = t.req.p;
		struct sip_msg other;
		struct buf ob = { 0 };

		memset(&ev, 0, sizeof(ev));
		sip_txn_reuse(&t, SIP_TXN_NICT, 0);
		ok(t.state == SIP_TXN_NONE && t.req.len == 0 && t.nact == 0,
		    "reuse: a used txn starts afresh");
		const char *bo = strstr(options, "z9hG4bK");

		ok(sip_txn_client_start_built(&t, options, strlen(options),
		    (size_t)(bo - options), 11, 0) == SIP_OK && t.req.p == mem,
		    "built: starts without a parse, in the memory it had");
		ok(slice_eq_lit(t.method, "OPTIONS") &&
		    slice_eq_lit(t.cseq_method, "OPTIONS") &&
		    slice_eq_lit(t.branch, "z9hG4bKopt1") && t.rfc3261,
		    "built: method, CSeq method and branch are its keys");
		drain(&t, 0, &ev);
		ok(ev.nsend == 1 && sip_txn_deadline(&t) == 500,
		    "built: first SEND queued, Timer E at T1");
		make_resp(&rb, &r, options, 200, "tt");
		make_resp(&ob, &other, invite, 200, "tt");
		ok(sip_txn_match_response(&t, &r) &&
		    !sip_txn_match_response(&t, &other),
		    "built: its response matches, another branch does not");
		sip_txn_reuse(&t, SIP_TXN_NICT, 0);
		ok(sip_txn_client_start_built(&t, options, strlen(options),
		    strlen(options) - 4, 11, 0) == SIP_E_PARSE,
		    "built: a branch past the request's end is refused");
		/* written in place, after reuse: started without a copy */
		sip_txn_reuse(&t, SIP_TXN_NICT, 0);
		buf_add(&t.req, options, strlen(options));
		ok(sip_txn_client_start(&t, t.req.p, t.req.len, 0) == SIP_OK &&
		    t.req.len == strlen(options) &&
		    memcmp(t.req.p, options, t.req.len) == 0 &&
		    slice_eq_lit(t.branch, "z9hG4bKopt1"),
		    "in place: the request built in its buffer is kept as is");
		sip_txn_reuse(&t, SIP_TXN_NICT, 0);
		ok(sip_txn_client_start_built(&t, invite, strlen(invite),
		    (size_t)(strstr(invite, "z9hG4bK") - invite), 11, 0) ==
		    SIP_E_INVAL,
		    "built: an INVITE needs an INVITE client transaction");
		buf_free(&ob);
	}
	sip_txn_release(&t);
	buf_free(&rb);
}

static void
test_ict(void)
{
	static const uint64_t want[] = { 0, 500, 1500, 3500, 7500, 15500,
	    31500 };
	static const uint64_t want_t1_1000[] = { 0, 1000, 3000, 7000, 15000,
	    31000, 63000 };
	struct sip_txn t;
	struct events ev;
	struct buf rb = { 0 };
	struct sip_msg r, other;
	struct buf ob = { 0 };

	memset(&ev, 0, sizeof(ev));
	sip_txn_init(&t, SIP_TXN_ICT, 0);
	ok(sip_txn_client_start(&t, options, strlen(options), 0) ==
	    SIP_E_INVAL, "ict: refuses a non-INVITE");
	sip_txn_release(&t);
	sip_txn_init(&t, SIP_TXN_ICT, 0);
	ok(sip_txn_client_start(&t, invite, strlen(invite), 0) == SIP_OK &&
	    t.state == SIP_TXN_CALLING, "ict: starts in Calling");
	drain(&t, 0, &ev);
	run_until(&t, 100000, &ev);
	ok(same(&ev, want, 7), "ict: Timer A doubles without the T2 cap "
	    "(0, 500, 1500, 3500, 7500, 15500, 31500)");
	ok(ev.timer == 'B' && ev.timeout_at == 32000 && ev.ended == 1,
	    "ict: Timer B at 64*T1 = 32000");
	sip_txn_release(&t);

	memset(&ev, 0, sizeof(ev));
	sip_txn_init(&t, SIP_TXN_ICT, 0);
	t.t1 = 1000;
	sip_txn_client_start(&t, invite, strlen(invite), 0);
	drain(&t, 0, &ev);
	run_until(&t, 1000000, &ev);
	ok(same(&ev, want_t1_1000, 7) && ev.timeout_at == 64000,
	    "ict: with T1 = 1000, A at 1, 3, 7, 15, 31, 63 s and B at 64 s");
	sip_txn_release(&t);

	/* 180 stops A and B; 486 is ACKed by the transaction. */
	memset(&ev, 0, sizeof(ev));
	sip_txn_init(&t, SIP_TXN_ICT, 0);
	sip_txn_client_start(&t, invite, strlen(invite), 0);
	drain(&t, 0, &ev);
	run_until(&t, 600, &ev);
	make_resp(&rb, &r, invite, 180, "tt");
	sip_txn_input(&t, &r, 700);
	drain(&t, 700, &ev);
	ok(t.state == SIP_TXN_PROCEEDING && sip_txn_deadline(&t) == 0 &&
	    ev.responses == 1, "ict: 1xx stops Timers A and B");
	make_resp(&rb, &r, invite, 486, "tt");
	sip_txn_input(&t, &r, 5000);
	drain(&t, 5000, &ev);
	ok(ev.acks == 1 && ev.responses == 2 && t.state == SIP_TXN_COMPLETED,
	    "ict: a 486 is delivered and ACKed by the transaction (17.1.1.3)");
	ok(t.out.len > 0 && strstr(t.out.p, "ACK sip:bob@127.0.0.1 SIP/2.0") &&
	    strstr(t.out.p, "branch=z9hG4bKinv1") &&
	    strstr(t.out.p, "CSeq: 1 ACK") && strstr(t.out.p, "tag=tt"),
	    "ict: the ACK has the INVITE's branch, CSeq 1 ACK and the To tag");
	sip_txn_input(&t, &r, 6000);
	drain(&t, 6000, &ev);
	ok(ev.acks == 2 && ev.responses == 2,
	    "ict: a retransmitted 486 gets the ACK again, not the TU");
	ok(sip_txn_deadline(&t) == 5000 + 32000, "ict: Timer D = 32 s on UDP");
	run_until(&t, 100000, &ev);
	ok(ev.ended == 1 && ev.end_at == 37000 && ev.timer == 0,
	    "ict: Timer D terminates");
	sip_txn_release(&t);

	/* 2xx: Accepted (RFC 6026), Timer M, more 2xx go to the TU. */
	memset(&ev, 0, sizeof(ev));
	sip_txn_init(&t, SIP_TXN_ICT, 0);
	sip_txn_client_start(&t, invite, strlen(invite), 0);
	drain(&t, 0, &ev);
	make_resp(&rb, &r, invite, 200, "tt");
	sip_txn_input(&t, &r, 100);
	drain(&t, 100, &ev);
	ok(t.state == SIP_TXN_ACCEPTED && ev.acks == 0 && ev.responses == 1,
	    "ict: a 2xx goes to Accepted, not ACKed by the transaction");
	sip_txn_input(&t, &r, 600);
	drain(&t, 600, &ev);
	ok(ev.responses == 2, "ict: a 2xx retransmission in Accepted goes "
	    "to the TU");
	ok(sip_txn_deadline(&t) == 100 + 32000, "ict: Timer M = 64*T1");
	run_until(&t, 100000, &ev);
	ok(ev.ended == 1 && ev.nsend == 1, "ict: Timer M terminates");
	sip_txn_release(&t);

	/* Matching: branch and CSeq method (a CANCEL's 200 does not). */
	sip_txn_init(&t, SIP_TXN_ICT, 1);
	sip_txn_client_start(&t, invite, strlen(invite), 0);
	drain(&t, 0, &ev);
	make_resp(&ob, &other, options, 200, "x");
	ok(!sip_txn_match_response(&t, &other),
	    "ict: a response with another branch does not match");
	{
		static const char cancel[] =
		    "SIP/2.0 200 OK\r\n"
		    "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKinv1\r\n"
		    "From: <sip:alice@127.0.0.1>;tag=fa\r\n"
		    "To: <sip:bob@127.0.0.1>;tag=x\r\n"
		    "Call-ID: c1@127.0.0.1\r\n"
		    "CSeq: 1 CANCEL\r\n"
		    "Content-Length: 0\r\n\r\n";
		struct sip_msg c;

		sip_msg_parse(&c, cancel, strlen(cancel), 0, NULL);
		ok(!sip_txn_match_response(&t, &c),
		    "ict: the 200 for a CANCEL with the same branch does not");
	}
	make_resp(&rb, &r, invite, 487, "tt");
	ok(sip_txn_match_response(&t, &r), "ict: its own response matches");
	sip_txn_input(&t, &r, 10);
	drain(&t, 10, &ev);
	ok(sip_txn_done(&t), "ict tcp: Timer D = 0 over a reliable transport");
	sip_txn_release(&t);
	buf_free(&rb);
	buf_free(&ob);
}

static void
test_ist(void)
{
	static const uint64_t want_g[] = { 100, 600, 1600, 3600, 7600, 11600,
	    15600, 19600, 23600, 27600, 31600 };
	struct sip_txn t;
	struct events ev;
	struct buf rb = { 0 }, ab = { 0 };
	struct sip_msg q, r, ack;
	const char *ackp;

	sip_msg_parse(&q, invite, strlen(invite), 0, NULL);
	memset(&ev, 0, sizeof(ev));
	sip_txn_init(&t, SIP_TXN_IST, 0);
	ok(sip_txn_server_start(&t, &q, 0) == SIP_OK &&
	    t.state == SIP_TXN_PROCEEDING, "ist: starts in Proceeding");
	ok(sip_txn_match_request(&t, &q), "ist: its INVITE matches");
	sip_txn_input(&t, &q, 50);
	drain(&t, 50, &ev);
	ok(ev.nsend == 0, "ist: a retransmitted INVITE before any response "
	    "is absorbed");
	make_resp(&rb, &r, invite, 100, NULL);
	sip_txn_respond(&t, rb.p, rb.len, 60);
	drain(&t, 60, &ev);
	sip_txn_input(&t, &q, 70);
	drain(&t, 70, &ev);
	ok(ev.nsend == 2, "ist: a retransmitted INVITE gets the 100 again");
	make_resp(&rb, &r, invite, 486, "st");
	sip_txn_respond(&t, rb.p, rb.len, 100);
	drain(&t, 100, &ev);
	ok(t.state == SIP_TXN_COMPLETED, "ist: a 486 moves to Completed");
	ev.nsend = 0;
	ev.send[ev.nsend++] = 100;
	run_until(&t, 100000, &ev);
	ok(same(&ev, want_g, 11), "ist: Timer G retransmits the 486 at "
	    "T1, 2T1, 4T1 then every T2 until H");
	ok(ev.timer == 'H' && ev.timeout_at == 32100 && ev.ended == 1,
	    "ist: Timer H at 64*T1 without an ACK");
	sip_txn_release(&t);

	/* With the ACK: Confirmed, Timer I = T4. */
	memset(&ev, 0, sizeof(ev));
	sip_txn_init(&t, SIP_TXN_IST, 0);
	sip_txn_server_start(&t, &q, 0);
	make_resp(&rb, &r, invite, 486, "st");
	sip_txn_respond(&t, rb.p, rb.len, 0);
	drain(&t, 0, &ev);
	{
		struct sip_msg inv2;

		sip_msg_parse(&inv2, invite, strlen(invite), 0, NULL);
		buf_reset(&ab);
		sip_build_ack(&ab, &inv2, &r);
	}
	sip_msg_parse(&ack, ab.p, ab.len, 0, NULL);
	ackp = ab.p;
	run_until(&t, 700, &ev);
	ok(ackp != NULL && sip_txn_match_request(&t, &ack),
	    "ist: the ACK for its 486 matches the INVITE transaction");
	sip_txn_input(&t, &ack, 700);
	drain(&t, 700, &ev);
	ok(t.state == SIP_TXN_CONFIRMED && ev.requests == 0 &&
	    sip_txn_deadline(&t) == 700 + 5000,
	    "ist: the ACK confirms (absorbed) and starts Timer I = T4");
	ok(ev.nsend == 2, "ist: Timer G ran once before the ACK");
	run_until(&t, 100000, &ev);
	ok(ev.ended == 1 && ev.end_at == 5700 && ev.timer == 0 &&
	    ev.nsend == 2, "ist: no retransmission in Confirmed; I ends it");
	sip_txn_release(&t);

	/* 2xx: Accepted and Timer L (RFC 6026). */
	memset(&ev, 0, sizeof(ev));
	sip_txn_init(&t, SIP_TXN_IST, 0);
	sip_txn_server_start(&t, &q, 0);
	make_resp(&rb, &r, invite, 200, "st");
	sip_txn_respond(&t, rb.p, rb.len, 10);
	drain(&t, 10, &ev);
	ok(t.state == SIP_TXN_ACCEPTED && sip_txn_deadline(&t) == 32010,
	    "ist: a 2xx moves to Accepted with Timer L = 64*T1");
	sip_txn_input(&t, &q, 20);
	drain(&t, 20, &ev);
	ok(ev.nsend == 1, "ist: an INVITE retransmission in Accepted is "
	    "absorbed");
	ok(sip_txn_respond(&t, rb.p, rb.len, 510) == SIP_OK,
	    "ist: the TU may retransmit its 2xx in Accepted");
	drain(&t, 510, &ev);
	ok(ev.nsend == 2, "ist: that 2xx is sent");
	make_resp(&ab, &r, invite, 486, "st");
	ok(sip_txn_respond(&t, ab.p, ab.len, 520) == SIP_E_STATE,
	    "ist: a 486 after a 200 is refused");
	sip_txn_input(&t, &ack, 600);
	drain(&t, 600, &ev);
	ok(ev.requests == 1, "ist: an ACK in Accepted goes to the TU");
	run_until(&t, 100000, &ev);
	ok(ev.ended == 1 && ev.end_at == 32010, "ist: Timer L ends it");
	sip_txn_release(&t);

	/* Reliable: no G, I = 0. */
	memset(&ev, 0, sizeof(ev));
	sip_txn_init(&t, SIP_TXN_IST, 1);
	sip_txn_server_start(&t, &q, 0);
	make_resp(&rb, &r, invite, 603, "st");
	sip_txn_respond(&t, rb.p, rb.len, 0);
	drain(&t, 0, &ev);
	ok(sip_txn_deadline(&t) == 32000, "ist tcp: only Timer H runs");
	{
		struct sip_msg inv2;

		sip_msg_parse(&inv2, invite, strlen(invite), 0, NULL);
		buf_reset(&ab);
		sip_build_ack(&ab, &inv2, &r);
		sip_msg_parse(&ack, ab.p, ab.len, 0, NULL);
	}
	sip_txn_input(&t, &ack, 10);
	drain(&t, 10, &ev);
	ok(sip_txn_done(&t) && ev.nsend == 1, "ist tcp: ACK ends it at once "
	    "(Timer I = 0)");
	sip_txn_release(&t);
	buf_free(&rb);
	buf_free(&ab);
}

static void
test_nist(void)
{
	struct sip_txn t;
	struct events ev;
	struct buf rb = { 0 };
	struct sip_msg q, r, q2;
	static const char other_branch[] =
	    "OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKopt2\r\n"
	    "From: <sip:alice@127.0.0.1>;tag=fa\r\n"
	    "To: <sip:bob@127.0.0.1>\r\n"
	    "Call-ID: c2@127.0.0.1\r\n"
	    "CSeq: 5 OPTIONS\r\n"
	    "Content-Length: 0\r\n\r\n";
	static const char other_sentby[] =
	    "OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bKopt1\r\n"
	    "From: <sip:alice@127.0.0.1>;tag=fa\r\n"
	    "To: <sip:bob@127.0.0.1>\r\n"
	    "Call-ID: c2@127.0.0.1\r\n"
	    "CSeq: 5 OPTIONS\r\n"
	    "Content-Length: 0\r\n\r\n";

	sip_msg_parse(&q, options, strlen(options), 0, NULL);
	memset(&ev, 0, sizeof(ev));
	sip_txn_init(&t, SIP_TXN_NIST, 0);
	ok(sip_txn_server_start(&t, &q, 0) == SIP_OK &&
	    t.state == SIP_TXN_TRYING, "nist: starts in Trying");
	sip_txn_input(&t, &q, 10);
	drain(&t, 10, &ev);
	ok(ev.nsend == 0, "nist: a retransmission in Trying is absorbed");
	ok(sip_txn_match_request(&t, &q), "nist: its request matches");
	sip_msg_parse(&q2, other_branch, strlen(other_branch), 0, NULL);
	ok(!sip_txn_match_request(&t, &q2), "nist: another branch does not");
	sip_msg_parse(&q2, other_sentby, strlen(other_sentby), 0, NULL);
	ok(!sip_txn_match_request(&t, &q2), "nist: another sent-by does not");
	make_resp(&rb, &r, options, 200, "st");
	sip_txn_respond(&t, rb.p, rb.len, 20);
	drain(&t, 20, &ev);
	ok(t.state == SIP_TXN_COMPLETED && ev.nsend == 1 &&
	    sip_txn_deadline(&t) == 32020,
	    "nist: a final response completes with Timer J = 64*T1");
	sip_txn_input(&t, &q, 500);
	sip_txn_input(&t, &q, 1500);
	drain(&t, 1500, &ev);
	ok(ev.nsend == 3, "nist: each retransmitted request gets the final "
	    "response again");
	ok(sip_txn_respond(&t, rb.p, rb.len, 1600) == SIP_E_STATE,
	    "nist: a second final response is refused");
	run_until(&t, 100000, &ev);
	ok(ev.ended == 1 && ev.end_at == 32020 && ev.nsend == 3,
	    "nist: no retransmission by timer; Timer J ends it");
	sip_txn_release(&t);

	memset(&ev, 0, sizeof(ev));
	sip_txn_init(&t, SIP_TXN_NIST, 1);
	sip_txn_server_start(&t, &q, 0);
	sip_txn_respond(&t, rb.p, rb.len, 0);
	drain(&t, 0, &ev);
	ok(sip_txn_done(&t) && ev.ended == 1, "nist tcp: Timer J = 0");
	sip_txn_release(&t);

	/* RFC 2543 fallback: no magic cookie. */
	sip_msg_parse(&q, old_options, strlen(old_options), 0, NULL);
	sip_txn_init(&t, SIP_TXN_NIST, 0);
	sip_txn_server_start(&t, &q, 0);
	sip_msg_parse(&q2, old_options, strlen(old_options), 0, NULL);
	ok(sip_txn_match_request(&t, &q2), "nist: an RFC 2543 request "
	    "matches by Request-URI, tags, Call-ID, CSeq and Via");
	{
		char alt[sizeof(old_options)];
		char *p;

		memcpy(alt, old_options, sizeof(alt));
		p = strstr(alt, "CSeq: 9");
		p[6] = '8';
		sip_msg_parse(&q2, alt, strlen(alt), 0, NULL);
		ok(!sip_txn_match_request(&t, &q2),
		    "nist: an RFC 2543 request with another CSeq does not");
	}
	sip_txn_release(&t);

	/* RFC 2543 ACK: matched by the To tag our final response carried. */
	{
		static const char inv[] =
		    "INVITE sip:bob@127.0.0.1 SIP/2.0\r\n"
		    "Via: SIP/2.0/UDP 127.0.0.1:5070\r\n"
		    "From: <sip:alice@127.0.0.1>;tag=fa\r\n"
		    "To: <sip:bob@127.0.0.1>\r\n"
		    "Call-ID: c4@127.0.0.1\r\n"
		    "CSeq: 3 INVITE\r\nContent-Length: 0\r\n\r\n";
		static const char ack_fmt[] =
		    "ACK sip:bob@127.0.0.1 SIP/2.0\r\n"
		    "Via: SIP/2.0/UDP 127.0.0.1:5070\r\n"
		    "From: <sip:alice@127.0.0.1>;tag=fa\r\n"
		    "To: <sip:bob@127.0.0.1>;tag=%s\r\n"
		    "Call-ID: c4@127.0.0.1\r\n"
		    "CSeq: 3 ACK\r\nContent-Length: 0\r\n\r\n";
		char ack[512], ack2[512];

		sip_msg_parse(&q, inv, strlen(inv), 0, NULL);
		sip_txn_init(&t, SIP_TXN_IST, 0);
		sip_txn_server_start(&t, &q, 0);
		make_resp(&rb, &r, inv, 486, "st");
		sip_txn_respond(&t, rb.p, rb.len, 0);
		drain(&t, 0, &ev);
		snprintf(ack, sizeof ack, ack_fmt, "st");
		snprintf(ack2, sizeof ack2, ack_fmt, "zz");
		sip_msg_parse(&q2, ack, strlen(ack), 0, NULL);
		ok(sip_txn_match_request(&t, &q2), "ist: an RFC 2543 ACK "
		    "with the To tag of our 486 matches");
		sip_msg_parse(&q2, ack2, strlen(ack2), 0, NULL);
		ok(!sip_txn_match_request(&t, &q2), "ist: one with another "
		    "To tag does not");
		sip_txn_release(&t);
	}

	sip_msg_parse(&q2, invite, strlen(invite), 0, NULL);
	sip_txn_init(&t, SIP_TXN_NIST, 0);
	ok(sip_txn_server_start(&t, &q2, 0) == SIP_E_INVAL,
	    "nist: refuses an INVITE");
	sip_txn_release(&t);
	buf_free(&rb);
}

int
main(void)
{
	test_nict();
	test_ict();
	test_ist();
	test_nist();
	return done();
}
