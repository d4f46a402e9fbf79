/*
 * endpoint.c - the endpoint over a fake transport with made-up instants:
 * failover on timeout, 503 and a refused send; responses retransmitted
 * after their transaction ended; a 2xx retransmission ACKed again; a
 * forked INVITE's two 2xx ACKed each and the extra fork sent BYE; the
 * ACK and BYE sent to the dialog's next hop (loose and strict routes, the
 * Contact); an INVITE cancelled (after a provisional, held before one,
 * Timer C); a new request to the applet, a CANCEL ending its INVITE with
 * 487; on a loop, its one timer never later than the next deadline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "build.h"
#include "clock.h"
#include "endpoint.h"
#include "field.h"
#include "tap.h"

/* What the fake transport was asked to send. */
static struct sent {
	char	 data[4096];
	size_t	 len;
	int	 port;		/* the destination's */
	int	 retrans;
} sent[64];
static int nsent;
static int refuse_port;		/* sends to this port fail */

static enum sip_err
fake_send(void *arg, const struct sip_ep_dest *d, const char *p, size_t n,
    int retrans)
{
	(void)arg;
	if (sip_net_port(&d->addr) == refuse_port)
		return SIP_E_REFUSED;
	if (nsent < 64 && n < sizeof sent[0].data) {
		memcpy(sent[nsent].data, p, n);
		sent[nsent].data[n] = '\0';
		sent[nsent].len = n;
		sent[nsent].port = sip_net_port(&d->addr);
		sent[nsent].retrans = retrans;
		nsent++;
	}
	return SIP_OK;
}

/* The client's request and what its callback saw. */
struct call {
	struct sip_ep_ctxn	 c;
	struct sip_req_params	 p;
	int			 calls;		/* callback runs */
	int			 finals;
	int			 last;		/* status, or -1 for a failure */
};

static enum sip_err
build(struct sip_ep_ctxn *c, struct buf *b, size_t *boff, size_t *blen)
{
	struct call *k = c->user;

	(void)boff;
	(void)blen;
	return sip_build_request(b, &k->p);
}

static void
on_response(struct sip_ep_ctxn *c, const struct sip_msg *m)
{
	struct call *k = c->user;

	k->calls++;
	if (m == NULL || m->status >= 200)
		k->finals++;
	k->last = m != NULL ? m->status : -1;
}

static int nfailover;
static enum sip_err failover_err;
static char failover_why[64];

static void
on_failover(void *arg, struct sip_ep_ctxn *c, enum sip_err e, const char *why)
{
	(void)arg;
	(void)c;
	nfailover++;
	failover_err = e;
	snprintf(failover_why, sizeof failover_why, "%s", why ? why : "");
}

/* The build of a caller that opens the connection first: 6000 refuses. */
static enum sip_err
build_refuse_first(struct sip_ep_ctxn *c, struct buf *b, size_t *boff,
    size_t *blen)
{
	if (sip_net_port(&c->dst[c->cur].addr) == 6000) {
		snprintf(c->tpwhy, sizeof c->tpwhy, "connect: refused here");
		return SIP_E_REFUSED;
	}
	return build(c, b, boff, blen);
}

static void
setup_call(struct call *k, const char *method, int ports)
{
	memset(k, 0, sizeof *k);
	k->p.method = method;
	k->p.ruri = "sip:bob@b.example";
	k->p.via_host = "127.0.0.1";
	k->p.via_port = 5070;
	k->p.from = "<sip:alice@a.example>";
	k->p.from_tag = "fa";
	k->p.to = "<sip:bob@b.example>";
	k->p.call_id = "ep1@a.example";
	k->p.contact = "<sip:alice@127.0.0.1:5070>";
	k->p.max_forwards = 70;
	k->c.ndst = ports;
	for (int i = 0; i < ports; i++) {
		k->c.dst[i].tp = SIP_TP_UDP;
		sip_net_numeric("127.0.0.1", 6000 + i, &k->c.dst[i].addr);
	}
	k->c.invite = strcmp(method, "INVITE") == 0;
	k->c.set.p = &k->p;
	k->c.build = build;
	k->c.cb = on_response;
	k->c.user = k;
}

/*
 * A response to the request in sent[i], with To tag tag, Contact
 * contact and extra header lines hdrs.
 */
static void
reply_rr(struct sip_ep *ep, int i, int code, const char *tag,
    const char *contact, const char *const *hdrs, uint64_t ms)
{
	struct sip_msg req, resp;
	struct sip_resp_params rp = { .code = code, .to_tag = tag,
	    .contact = contact, .headers = hdrs };
	struct sip_ep_rx rx = { .tp = SIP_TP_UDP };
	static struct buf b;

	buf_init(&b, SIP_MAX_MSG);
	buf_reset(&b);
	sip_msg_parse(&req, sent[i].data, sent[i].len, 0, NULL);
	sip_build_response(&b, &req, &rp);
	sip_msg_parse(&resp, b.p, b.len, 0, NULL);
	sip_ep_input(ep, &resp, &rx, ms * 1000);
	buf_free(&b);
}

/* A response to the request in sent[i], with To tag tag. */
static void
reply(struct sip_ep *ep, int i, int code, const char *tag, uint64_t ms)
{
	reply_rr(ep, i, code, tag, "<sip:bob@127.0.0.1:6000>", NULL, ms);
}

static struct slice
branch_of(int i)
{
	struct sip_msg m;

	sip_msg_parse(&m, sent[i].data, sent[i].len, 0, NULL);
	return sip_field_hparam(sip_msg_value(&m, SIP_HDR_VIA), "branch");
}

static int
is_method(int i, const char *method)
{
	size_t n = strlen(method);

	return i < nsent && strncmp(sent[i].data, method, n) == 0 &&
	    sent[i].data[n] == ' ';
}

static int
count(const char *method)
{
	int k = 0;

	for (int i = 0; i < nsent; i++)
		k += is_method(i, method);
	return k;
}

static void
reset(void)
{
	nsent = 0;
	refuse_port = 0;
}

static void
test_failover(void)
{
	struct sip_ep ep = { .send = fake_send };
	struct call k;
	uint64_t t;

	reset();
	setup_call(&k, "OPTIONS", 2);
	ok(sip_ep_start(&ep, &k.c, 1000 * 1000) == SIP_OK && nsent == 1 &&
	    sent[0].port == 6000, "failover: the request goes to the first target");
	for (t = 1000; t <= 1000 + 64 * 500 && k.c.cur == 0; t += 100)
		sip_ep_timers(&ep, t * 1000);
	ok(k.c.cur == 1 && ep.failovers == 1 && k.calls == 0,
	    "failover: Timer F at the first target moves to the second, unseen by the TU");
	ok(sent[nsent - 1].port == 6001 && !sent[nsent - 1].retrans &&
	    !slice_eq(branch_of(0), branch_of(nsent - 1)),
	    "failover: the second target gets the request with a new branch");
	reply(&ep, nsent - 1, 200, "tb", t);
	ok(k.finals == 1 && k.last == 200 && k.c.err == SIP_OK,
	    "failover: the second target's 200 is the final answer");
	sip_ep_release(&ep, &k.c);

	reset();
	setup_call(&k, "OPTIONS", 2);
	sip_ep_start(&ep, &k.c, 5000 * 1000);
	reply(&ep, 0, 503, "t1", 5001);
	ok(k.c.cur == 1 && k.calls == 0 && nsent == 2 && sent[1].port == 6001 &&
	    is_method(1, "OPTIONS"), "failover: a 503 sends the request to the next target");
	reply(&ep, 1, 486, "t2", 5002);
	ok(k.finals == 1 && k.last == 486, "failover: the next target's answer is final");
	sip_ep_release(&ep, &k.c);

	reset();
	setup_call(&k, "OPTIONS", 2);
	sip_ep_start(&ep, &k.c, 6000 * 1000);
	reply(&ep, 0, 503, "t1", 6001);
	reply(&ep, 1, 503, "t2", 6002);
	ok(k.finals == 1 && k.last == 503 && nsent == 2,
	    "failover: a 503 from the last target is the final answer");
	sip_ep_release(&ep, &k.c);

	/* a resolution's list, in its order */
	{
		struct sip_dests d = { .n = 2 };

		d.v[0].tp = SIP_TP_TCP;
		sip_net_numeric("127.0.0.1", 6000, &d.v[0].addr);
		d.v[1].tp = SIP_TP_UDP;
		sip_net_numeric("127.0.0.1", 6001, &d.v[1].addr);
		setup_call(&k, "OPTIONS", 1);
		ok(sip_ep_targets(&k.c, &d) == 2 && k.c.dst[0].tp == SIP_TP_TCP &&
		    sip_net_port(&k.c.dst[1].addr) == 6001 &&
		    k.c.dst[1].tp == SIP_TP_UDP,
		    "failover: the targets are an RFC 3263 resolution's, in order");
	}

	reset();
	refuse_port = 6000;
	setup_call(&k, "OPTIONS", 3);
	sip_ep_start(&ep, &k.c, 7000 * 1000);
	ok(k.c.cur == 1 && nsent == 1 && sent[0].port == 6001,
	    "failover: a refused send moves on at once");
	sip_ep_release(&ep, &k.c);

	reset();
	refuse_port = 6000;
	setup_call(&k, "OPTIONS", 1);
	sip_ep_start(&ep, &k.c, 8000 * 1000);
	ok(k.finals == 1 && k.last == -1 && k.c.err == SIP_E_REFUSED &&
	    ep.nlive == 0,
	    "failover: a refused send to the only target ends with the refusal");
	sip_ep_release(&ep, &k.c);

	/* ICMP port unreachable for the datagram to the first target */
	reset();
	nfailover = 0;
	ep.failover = on_failover;
	setup_call(&k, "OPTIONS", 2);
	sip_ep_start(&ep, &k.c, 9000 * 1000);
	ep.now_us = 9001 * 1000;
	sip_ep_tps_unreach(NULL, NULL, &k.c.dst[0].addr, "port unreachable",
	    &ep);
	ok(k.c.cur == 1 && k.calls == 0 && nsent == 2 && sent[1].port == 6001 &&
	    nfailover == 1 && failover_err == SIP_E_REFUSED,
	    "failover: an ICMP error for the first target's datagram moves to the next");
	reply(&ep, 1, 200, "tb", 9002);
	ok(k.finals == 1 && k.last == 200, "failover: and its 200 is final");
	sip_ep_release(&ep, &k.c);

	/* refused, then silent: the refusal says more than Timer F */
	reset();
	refuse_port = 6000;
	setup_call(&k, "OPTIONS", 2);
	sip_ep_start(&ep, &k.c, 10000 * 1000);
	for (t = 10000; t <= 10000 + 64 * 500 + 100 && k.finals == 0; t += 100)
		sip_ep_timers(&ep, t * 1000);
	ok(k.finals == 1 && k.c.err == SIP_E_REFUSED && k.c.why != NULL,
	    "failover: the most telling failure of all the targets is the one told");
	sip_ep_release(&ep, &k.c);

	/* a target the build cannot reach (a connection refused at once) */
	reset();
	nfailover = 0;
	setup_call(&k, "OPTIONS", 2);
	k.c.build = build_refuse_first;
	ok(sip_ep_start(&ep, &k.c, 11000 * 1000) == SIP_OK && k.c.cur == 1 &&
	    nsent == 1 && sent[0].port == 6001 && nfailover == 1 &&
	    strcmp(failover_why, "connect: refused here") == 0,
	    "failover: a target the build finds unreachable is passed over, with why");
	ep.failover = NULL;
	sip_ep_release(&ep, &k.c);
	sip_ep_free(&ep);
}

static void
test_absorb(void)
{
	struct sip_ep ep = { .send = fake_send };
	struct call k;

	reset();
	setup_call(&k, "OPTIONS", 1);
	sip_ep_start(&ep, &k.c, 1000 * 1000);
	reply(&ep, 0, 200, "tb", 1001);
	reply(&ep, 0, 200, "tb", 1100);
	ok(k.calls == 1 && ep.nstray == 0 && ep.nlive == 1,
	    "absorb: a retransmitted 200 in Completed reaches no one");
	sip_ep_timers(&ep, (1001 + 5000) * 1000);
	ok(ep.nlive == 0, "absorb: Timer K ends the transaction");
	reply(&ep, 0, 200, "tb", 7000);
	ok(k.calls == 1 && ep.nstray == 1 && nsent == 1,
	    "absorb: a 200 retransmitted after the transaction ended is absorbed");
	sip_ep_release(&ep, &k.c);

	/* a non-2xx to INVITE: the transaction's ACK, resent in Completed */
	reset();
	setup_call(&k, "INVITE", 1);
	sip_ep_start(&ep, &k.c, 2000 * 1000);
	reply(&ep, 0, 486, "tb", 2001);
	reply(&ep, 0, 486, "tb", 2002);
	ok(k.finals == 1 && count("ACK") == 2 &&
	    slice_eq(branch_of(1), branch_of(0)),
	    "absorb: a retransmitted 486 gets the ACK again, in the INVITE's transaction");
	sip_ep_release(&ep, &k.c);
	sip_ep_free(&ep);
}

static void
test_reack(void)
{
	struct sip_ep ep = { .send = fake_send };
	struct call k;
	int ack1;

	reset();
	setup_call(&k, "INVITE", 1);
	sip_ep_start(&ep, &k.c, 1000 * 1000);
	reply(&ep, 0, 180, "tb", 1001);
	reply(&ep, 0, 200, "tb", 1002);
	ack1 = nsent - 1;
	ok(k.finals == 1 && k.last == 200 && count("ACK") == 1 &&
	    is_method(ack1, "ACK") && !slice_eq(branch_of(ack1), branch_of(0)),
	    "2xx: the 200 is ACKed in a transaction of its own (13.2.2.4)");
	ok(strstr(sent[ack1].data, "CSeq: 1 ACK\r\n") != NULL &&
	    strstr(sent[ack1].data, ";tag=tb") != NULL,
	    "2xx: the ACK has the INVITE's CSeq number and the 200's To tag");
	reply(&ep, 0, 200, "tb", 1500);
	ok(count("ACK") == 2 && sent[nsent - 1].len == sent[ack1].len &&
	    memcmp(sent[nsent - 1].data, sent[ack1].data, sent[ack1].len) == 0 &&
	    k.calls == 2, "2xx: a retransmission in Accepted gets the same ACK");
	sip_ep_timers(&ep, (1002 + 64 * 500) * 1000);
	ok(ep.nlive == 0 && sip_dialog_set_call(&k.c.set) != NULL,
	    "2xx: Timer M ends the transaction; the call's dialog remains");
	reply(&ep, 0, 200, "tb", 40000);
	ok(count("ACK") == 3 && ep.reacked == 2 && ep.nstray == 0 &&
	    memcmp(sent[nsent - 1].data, sent[ack1].data, sent[ack1].len) == 0,
	    "2xx: a 2xx retransmitted after the transaction ended is ACKed again");
	ok(k.calls == 2 && count("BYE") == 0,
	    "2xx: the TU saw one final response; nothing was hung up");
	sip_ep_release(&ep, &k.c);
	reply(&ep, 0, 200, "tb", 41000);
	ok(count("ACK") == 3 && ep.nstray == 1,
	    "2xx: after release the 2xx is a stray");
	sip_ep_free(&ep);
}

static void
test_fork(void)
{
	struct sip_ep ep = { .send = fake_send };
	struct call k;
	int bye = -1;

	reset();
	setup_call(&k, "INVITE", 1);
	sip_ep_start(&ep, &k.c, 1000 * 1000);
	reply(&ep, 0, 180, "ta", 1001);
	reply(&ep, 0, 183, "tb", 1002);
	ok(k.c.set.nfork == 2 && k.c.set.fork[0].d->state == SIP_DIALOG_EARLY,
	    "fork: two 1xx with two To tags make two early dialogs");
	reply(&ep, 0, 200, "ta", 1003);
	reply(&ep, 0, 200, "tb", 1004);
	for (int i = 0; i < nsent; i++)
		if (is_method(i, "BYE"))
			bye = i;
	ok(count("ACK") == 2 && count("BYE") == 1 && k.finals == 1 &&
	    k.last == 200, "fork: two 2xx get one ACK each and one BYE");
	ok(bye > 0 && strstr(sent[bye].data, "tag=tb") != NULL &&
	    strstr(sent[bye].data, "CSeq: 2 BYE\r\n") != NULL &&
	    strncmp(sent[bye].data, "BYE sip:bob@127.0.0.1:6000 SIP/2.0", 34) == 0,
	    "fork: the BYE ends the second fork's dialog at its Contact");
	ok(sip_dialog_set_call(&k.c.set) == k.c.set.fork[0].d &&
	    k.c.set.fork[0].d->state == SIP_DIALOG_CONFIRMED,
	    "fork: the first 2xx's dialog is the call");
	reply(&ep, 0, 200, "tb", 1100);
	ok(count("ACK") == 3 && count("BYE") == 1,
	    "fork: the extra fork's 2xx retransmitted is ACKed again, no second BYE");
	reply(&ep, bye, 200, NULL, 1101);
	ok(ep.nlive == 2, "fork: the BYE's 200 completes its transaction");
	sip_ep_timers(&ep, (1101 + 64 * 500) * 1000);
	ok(ep.nlive == 0, "fork: the BYE's and the INVITE's transactions end");
	sip_ep_release(&ep, &k.c);
	sip_ep_free(&ep);
}

/* The last request sent with method, or -1. */
static int
last_of(const char *method)
{
	for (int i = nsent - 1; i >= 0; i--)
		if (is_method(i, method))
			return i;
	return -1;
}

/*
 * A call on a new endpoint ep whose INVITE (to port 6000) is answered
 * 200 with Contact contact and header lines hdrs at second t; the index
 * of the ACK sent, or -1.
 */
static int
route_call(struct sip_ep *ep, struct call *k, const char *contact,
    const char *const *hdrs, uint64_t t)
{
	memset(ep, 0, sizeof *ep);
	ep->send = fake_send;
	reset();
	setup_call(k, "INVITE", 1);
	sip_ep_start(ep, &k->c, t * 1000 * 1000);
	reply_rr(ep, 0, 200, "ra", contact, hdrs, t * 1000 + 1);
	return last_of("ACK");
}

static void
route_end(struct sip_ep *ep, struct call *k)
{
	sip_ep_release(ep, &k->c);
	sip_ep_free(ep);
}

/*
 * RFC 3261 12.2.1.1, 13.2.2.4: the ACK of a 2xx and the BYE go to the
 * dialog's next hop, the first route (the 2xx's last Record-Route) or
 * the remote target, never to where the INVITE went (port 6000 here).
 */
static void
test_route(void)
{
	static const char *const loose[] = {
	    "Record-Route: <sip:127.0.0.1:7002;lr>, <sip:127.0.0.1:7001;lr>",
	    NULL };
	static const char *const strict[] = {
	    "Record-Route: <sip:127.0.0.1:7004>", NULL };
	static const char *const fork_rr[] = {
	    "Record-Route: <sip:127.0.0.1:7005;lr>", NULL };
	static const char *const named[] = {
	    "Record-Route: <sip:proxy.example.invalid;lr>", NULL };
	struct sip_ep ep;
	struct call k;
	int a, b;

	a = route_call(&ep, &k, "<sip:bob@127.0.0.1:7100>", loose, 1000);
	ok(a > 0 && sent[a].port == 7001,
	    "route: the ACK of a 2xx goes to the last Record-Route, not the "
	    "INVITE's next hop");
	ok(a > 0 && strncmp(sent[a].data, "ACK sip:bob@127.0.0.1:7100 SIP", 30)
	    == 0 && strstr(sent[a].data, "Route: <sip:127.0.0.1:7001;lr>\r\n"
	    "Route: <sip:127.0.0.1:7002;lr>\r\n") != NULL,
	    "route: loose routing: Request-URI the Contact, Route the "
	    "Record-Route reversed");
	ok(sip_ep_call_dest(&k.c) != NULL &&
	    sip_net_port(&sip_ep_call_dest(&k.c)->addr) == 7001,
	    "route: the call's requests go to the same next hop");
	reply_rr(&ep, 0, 200, "ra", "<sip:bob@127.0.0.1:7100>", loose, 1500);
	ok(count("ACK") == 2 && sent[nsent - 1].port == 7001 &&
	    sent[nsent - 1].retrans,
	    "route: a retransmitted 2xx is ACKed again at the same next hop");
	reply_rr(&ep, 0, 200, "rb", "<sip:bob@127.0.0.1:7200>", fork_rr, 1501);
	a = last_of("ACK");
	b = last_of("BYE");
	ok(a > 0 && b > 0 && sent[a].port == 7005 && sent[b].port == 7005 &&
	    strncmp(sent[b].data, "BYE sip:bob@127.0.0.1:7200 SIP", 30) == 0,
	    "route: a second fork's ACK and BYE follow that fork's own route set");
	ok(ep.hopless == 0, "route: every next hop was found");
	route_end(&ep, &k);

	a = route_call(&ep, &k, "<sip:bob@127.0.0.1:7100>", strict, 2000);
	ok(a > 0 && sent[a].port == 7004 &&
	    strncmp(sent[a].data, "ACK sip:127.0.0.1:7004 SIP", 26) == 0 &&
	    strstr(sent[a].data, "Route: <sip:bob@127.0.0.1:7100>\r\n") != NULL,
	    "route: strict routing: the route is the Request-URI and the next "
	    "hop, the Contact the last Route");
	route_end(&ep, &k);

	a = route_call(&ep, &k, "<sip:bob@127.0.0.1:7300;transport=tcp>", NULL,
	    3000);
	ok(a > 0 && sent[a].port == 7300 && sip_ep_call_dest(&k.c)->tp ==
	    SIP_TP_TCP,
	    "route: without Record-Route the ACK goes to the Contact, over "
	    "its ;transport=");
	route_end(&ep, &k);

	a = route_call(&ep, &k, "<sip:bob@127.0.0.1:7100>", named, 4000);
	ok(a > 0 && sent[a].port == 6000 && ep.hopless == 1,
	    "route: a next hop by name with no resolver goes where the INVITE "
	    "went, and is counted");
	route_end(&ep, &k);
}

/* The applet: what it was handed, and it answers 180 to INVITE. */
static struct {
	int		 requests, strays;
	char		 method[16];
	struct sip_uas_txn *t;
} app;

static void
on_request(void *arg, struct sip_ep *ep, struct sip_uas_txn *t,
    const struct sip_msg *m, const struct sip_ep_rx *rx)
{
	struct sip_resp_params rp = { .code = 180, .to_tag = "srv" };
	struct buf b;

	(void)arg;
	(void)rx;
	app.requests++;
	app.t = t;
	snprintf(app.method, sizeof app.method, "%.*s", (int)m->method.len,
	    m->method.p);
	if (m->mid != SIP_METHOD_INVITE)
		return;
	buf_init(&b, SIP_MAX_MSG);
	sip_build_response(&b, m, &rp);
	sip_ep_respond(ep, t, b.p, b.len, 0);
	buf_free(&b);
}

static void
on_stray(void *arg, struct sip_ep *ep, const struct sip_msg *m,
    const struct sip_ep_rx *rx)
{
	(void)arg;
	(void)ep;
	(void)m;
	(void)rx;
	app.strays++;
}

static void
incoming(struct sip_ep *ep, struct sip_conn *flow, const char *method,
    const char *branch, const char *cseq_method)
{
	char b[1024];
	struct sip_msg m;
	struct sip_ep_rx rx = { .tp = SIP_TP_UDP, .flow = flow };

	sip_net_numeric("127.0.0.1", 7000, &rx.src);
	snprintf(b, sizeof b,
	    "%s sip:bob@127.0.0.1 SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 127.0.0.1:7000;branch=%s\r\n"
	    "Max-Forwards: 70\r\nFrom: <sip:c@127.0.0.1>;tag=fc\r\n"
	    "To: <sip:bob@127.0.0.1>\r\nCall-ID: %s@srv\r\n"
	    "CSeq: 1 %s\r\nContent-Length: 0\r\n\r\n",
	    method, branch, branch, cseq_method);
	sip_msg_parse(&m, b, strlen(b), 0, NULL);
	sip_ep_input(ep, &m, &rx, 0);
}

static int
status_of(int i)
{
	return i < nsent && strncmp(sent[i].data, "SIP/2.0 ", 8) == 0 ?
	    atoi(sent[i].data + 8) : 0;
}

static void
test_cancel(void)
{
	struct sip_ep ep = { .send = fake_send };
	struct call k;
	uint64_t t;
	int i;

	/* a CANCEL asked after a 180 goes at once, with the INVITE's branch */
	reset();
	setup_call(&k, "INVITE", 2);
	sip_ep_start(&ep, &k.c, 1000 * 1000);
	reply(&ep, 0, 180, "tb", 1001);
	ok(sip_ep_cancel(&ep, &k.c, 1002 * 1000) == SIP_OK && nsent == 2 &&
	    is_method(1, "CANCEL") && sent[1].port == 6000 &&
	    slice_eq(branch_of(0), branch_of(1)) &&
	    strstr(sent[1].data, "CSeq: 1 CANCEL") != NULL,
	    "cancel: after a 180, a CANCEL with the INVITE's branch and CSeq number");
	reply(&ep, 1, 200, "tb", 1003);
	reply(&ep, 0, 487, "tb", 1004);
	ok(k.finals == 1 && k.last == 487 && count("ACK") == 1,
	    "cancel: the INVITE ends with its 487, which is ACKed");
	sip_ep_timers(&ep, 60000 * 1000);
	sip_ep_release(&ep, &k.c);
	ok(ep.nlive == 0, "cancel: the CANCEL's and the INVITE's transactions end");

	/* before any provisional: held until one comes (RFC 3261 9.1) */
	reset();
	setup_call(&k, "INVITE", 1);
	sip_ep_start(&ep, &k.c, 100000 * 1000);
	ok(sip_ep_cancel(&ep, &k.c, 100001 * 1000) == SIP_OK && count("CANCEL") == 0,
	    "cancel: not before a provisional response");
	reply(&ep, 0, 100, NULL, 100002);
	ok(count("CANCEL") == 1, "cancel: sent when the 100 comes");
	/* no final answer to it: the INVITE ends 64*T1 after the CANCEL */
	for (t = 100002; t <= 100002 + 64 * 500 + 100 && k.finals == 0; t += 100)
		sip_ep_timers(&ep, t * 1000);
	ok(k.finals == 1 && k.last == -1 && k.c.err == SIP_E_TIMEOUT &&
	    t >= 100002 + 64 * 500,
	    "cancel: without a final answer the INVITE ends 64*T1 after the CANCEL");
	sip_ep_timers(&ep, 200000 * 1000);
	sip_ep_release(&ep, &k.c);
	ok(sip_ep_cancel(&ep, &k.c, 200001 * 1000) == SIP_E_STATE,
	    "cancel: an ended INVITE is no longer cancelled");

	/* Timer C: ringing and nothing else for 360*T1 is cancelled */
	reset();
	setup_call(&k, "INVITE", 1);
	sip_ep_start(&ep, &k.c, 300000 * 1000);
	reply(&ep, 0, 180, "tb", 300001);
	sip_ep_timers(&ep, (300001 + 360 * 500 - 1) * 1000);
	ok(count("CANCEL") == 0, "timer C: not before 360*T1 after the 180");
	reply(&ep, 0, 180, "tb", 400000);
	sip_ep_timers(&ep, (300001 + 360 * 500 + 1) * 1000);
	ok(count("CANCEL") == 0, "timer C: each provisional starts it again");
	sip_ep_timers(&ep, (400000 + 360 * 500) * 1000);
	ok(count("CANCEL") == 1 && k.finals == 0,
	    "timer C: 360*T1 after the last provisional the INVITE is cancelled");
	for (i = 0; i < nsent && !is_method(i, "CANCEL"); i++)
		;
	reply(&ep, i, 200, "tb", 400000 + 360 * 500 + 1);
	reply(&ep, 0, 487, "tb", 400000 + 360 * 500 + 2);
	ok(k.finals == 1 && k.last == 487, "timer C: and ends with the 487");
	sip_ep_timers(&ep, 2000000 * 1000ULL);
	sip_ep_release(&ep, &k.c);
	sip_ep_free(&ep);
}

static void
test_server(void)
{
	struct sip_ep ep = { .send = fake_send, .request = on_request,
	    .stray = on_stray };
	struct sip_conn flow;

	reset();
	sip_conn_init(&flow);
	flow.tp = SIP_TP_UDP;
	incoming(&ep, &flow, "OPTIONS", "z9hG4bKo1", "OPTIONS");
	ok(app.requests == 1 && strcmp(app.method, "OPTIONS") == 0,
	    "server: a request that matches no transaction reaches the applet");
	incoming(&ep, &flow, "OPTIONS", "z9hG4bKo1", "OPTIONS");
	ok(app.requests == 1 && ep.uas.absorbed == 1,
	    "server: its retransmission is absorbed by its transaction");
	incoming(&ep, &flow, "INVITE", "z9hG4bKi1", "INVITE");
	ok(app.requests == 2 && status_of(nsent - 1) == 180 &&
	    sent[nsent - 1].port == 7000,
	    "server: the applet's 180 goes back to the Via's port");
	incoming(&ep, &flow, "CANCEL", "z9hG4bKi1", "CANCEL");
	ok(app.requests == 2 && nsent == 3 && status_of(1) == 200 &&
	    strstr(sent[1].data, "CSeq: 1 CANCEL") != NULL,
	    "server: a CANCEL finds its INVITE transaction and gets 200");
	ok(status_of(2) == 487 && strstr(sent[2].data, "CSeq: 1 INVITE") != NULL &&
	    strstr(sent[2].data, "tag=srv") != NULL,
	    "server: the INVITE gets 487 with the To tag of its 180");
	incoming(&ep, &flow, "ACK", "z9hG4bKi1", "ACK");
	ok(app.strays == 0 && nsent == 3,
	    "server: the ACK of the 487 is its transaction's");
	incoming(&ep, &flow, "CANCEL", "z9hG4bKi1", "CANCEL");
	ok(nsent == 4 && status_of(3) == 200,
	    "server: a retransmitted CANCEL gets its 200 again");
	incoming(&ep, &flow, "CANCEL", "z9hG4bKnone", "CANCEL");
	ok(nsent == 5 && status_of(4) == 481,
	    "server: a CANCEL that matches nothing gets 481");
	incoming(&ep, &flow, "ACK", "z9hG4bKa2", "ACK");
	ok(app.strays == 1, "server: an ACK for a 2xx goes up as a stray");
	sip_ep_free(&ep);
}

/* The applet of the tpset test: 200 to anything but ACK. */
static void
answer200(void *arg, struct sip_ep *ep, struct sip_uas_txn *t,
    const struct sip_msg *m, const struct sip_ep_rx *rx)
{
	struct sip_resp_params rp = { .code = 200, .to_tag = "self" };
	struct buf b;

	(void)arg;
	(void)rx;
	app.requests++;
	buf_init(&b, SIP_MAX_MSG);
	sip_build_response(&b, m, &rp);
	sip_ep_respond(ep, t, b.p, b.len, sip_clock_us());
	buf_free(&b);
}

/* A port of tp on 127.0.0.1 that nothing listens on. */
static int
dead_port(int type)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t n = sizeof a;
	int fd = socket(AF_INET, type, 0), port;

	bind(fd, (struct sockaddr *)&a, sizeof a);
	getsockname(fd, (struct sockaddr *)&a, &n);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/*
 * The endpoint on a real transport set and loop, over loopback: it sends
 * OPTIONS to its own UDP listener and answers it there (a UAS beside the
 * UAC on one socket), after failing over from a target that is gone.
 */
static void
test_tpset(void)
{
	struct sip_ep ep = { .request = answer200 };
	struct sip_tps_opts o = { .recv = sip_ep_tps_recv,
	    .closed = sip_ep_tps_closed, .arg = &ep };
	struct sip_loop *l = sip_loop_new();
	struct sip_tps *s = l ? sip_tps_new(l, &o) : NULL;
	struct sip_sockaddr addr;
	char err[128];
	struct call k;
	uint64_t t0;

	sip_net_numeric("127.0.0.1", 0, &addr);
	if (!ok(s != NULL && sip_tps_listen(s, SIP_TP_UDP, &addr, err,
	    sizeof err) == SIP_OK, "tpset: a UDP listener on loopback"))
		return;
	sip_ep_attach(&ep, l, s);
	ep.t1 = 10;	/* Timer F at 640 ms */
	app.requests = 0;

	/* Timer F at a UDP port nobody answers, then our own listener */
	setup_call(&k, "OPTIONS", 2);
	k.p.via_port = sip_net_port(&addr);
	sip_net_numeric("127.0.0.1", dead_port(SOCK_DGRAM), &k.c.dst[0].addr);
	k.c.dst[1].addr = addr;
	t0 = sip_clock_ms();
	ok(sip_ep_start(&ep, &k.c, sip_clock_us()) == SIP_OK,
	    "tpset: OPTIONS sent to a port nobody listens on");
	for (int i = 0; i < 300 && k.finals == 0; i++)
		sip_loop_once(l, 20);
	ok(k.finals == 1 && k.last == 200 && k.c.cur == 1 &&
	    ep.failovers == 1 && app.requests == 1,
	    "tpset: after Timer F the second target, the endpoint's own "
	    "listener, answers it 200 through the request callback");
	ok(sip_clock_ms() - t0 >= 640, "tpset: the failover waited for Timer F");
	sip_ep_release(&ep, &k.c);

	/* a TCP connection refused: the next target at once */
	setup_call(&k, "OPTIONS", 2);
	k.p.via_port = sip_net_port(&addr);
	k.c.dst[0].tp = SIP_TP_TCP;
	sip_net_numeric("127.0.0.1", dead_port(SOCK_STREAM), &k.c.dst[0].addr);
	k.c.dst[1].addr = addr;
	t0 = sip_clock_ms();
	sip_ep_start(&ep, &k.c, sip_clock_us());
	for (int i = 0; i < 300 && k.finals == 0; i++)
		sip_loop_once(l, 20);
	ok(k.finals == 1 && k.last == 200 && k.c.cur == 1 &&
	    ep.failovers == 2 && sip_clock_ms() - t0 < 600,
	    "tpset: a refused TCP connection moves on to the next target "
	    "before any timer");
	sip_ep_release(&ep, &k.c);
	sip_ep_free(&ep);
	sip_tps_free(s);
	sip_loop_free(l);
}

static uint64_t fake_us;

static uint64_t
fake_clock(void *arg)
{
	(void)arg;
	return fake_us;
}

/*
 * Attached to a loop, the endpoint's one timer is never later than the
 * next deadline; a request that starts or is answered moves it only
 * when it brings the deadline closer (a ping run moves no heap entry per
 * request), so it may fire early: it then finds nothing due, sends
 * nothing, and is set at the real deadline.  With nothing running it
 * is stopped.
 */
static void
test_loop_timer(void)
{
	struct sip_ep ep;
	struct sip_loop *l;
	struct call a, b, c;
	const uint64_t t = 1000000;	/* ms */

	sip_clock_set(fake_clock, NULL);
	fake_us = t * 1000;
	l = sip_loop_new();
	memset(&ep, 0, sizeof ep);
	sip_ep_attach(&ep, l, NULL);
	ep.send = fake_send;
	reset();
	setup_call(&a, "OPTIONS", 1);
	setup_call(&b, "OPTIONS", 1);
	sip_ep_start(&ep, &a.c, t * 1000);
	ok(sip_loop_next_timer(l) == t + 500 && sip_ep_deadline(&ep) == t + 500,
	    "loop timer: at the first request's Timer E");
	sip_ep_start(&ep, &b.c, (t + 100) * 1000);
	reply(&ep, 0, 200, "ta", t + 200);
	ok(a.finals == 1 && sip_loop_next_timer(l) == t + 500 &&
	    sip_ep_deadline(&ep) == t + 600,
	    "loop timer: a later request and an answer leave it where it was");
	fake_us = (t + 500) * 1000;
	sip_loop_once(l, 0);
	ok(nsent == 2 && sip_loop_next_timer(l) == t + 600 &&
	    sip_ep_deadline(&ep) == t + 600,
	    "loop timer: fired early, it sends nothing and moves to the real "
	    "deadline");
	fake_us = (t + 600) * 1000;
	sip_loop_once(l, 0);
	ok(nsent == 3 && sent[2].retrans && sip_loop_next_timer(l) ==
	    sip_ep_deadline(&ep) && sip_ep_deadline(&ep) == t + 600 + 1000,
	    "loop timer: due, the second request's Timer E retransmits it");
	sip_ep_release(&ep, &a.c);
	sip_ep_release(&ep, &b.c);

	/* over TCP the answer ends the transaction: nothing left to time */
	setup_call(&c, "OPTIONS", 1);
	c.c.dst[0].tp = SIP_TP_TCP;
	sip_ep_start(&ep, &c.c, (t + 700) * 1000);
	ok(sip_loop_next_timer(l) == t + 600 + 1000,
	    "loop timer: a request due later does not move it");
	reply(&ep, nsent - 1, 200, "tc", t + 701);
	fake_us = (t + 1600) * 1000;
	sip_loop_once(l, 0);
	ok(c.finals == 1 && ep.nlive == 0 &&
	    sip_loop_next_timer(l) == UINT64_MAX,
	    "loop timer: stopped once no transaction is left");
	sip_ep_release(&ep, &c.c);
	sip_ep_free(&ep);
	sip_loop_free(l);
	sip_clock_set(NULL, NULL);
}

int
main(void)
{
	test_failover();
	test_absorb();
	test_reack();
	test_fork();
	test_route();
	test_cancel();
	test_server();
	test_tpset();
	test_loop_timer();
	return done();
}
