/*
 * notify.c - the RFC 6665 notifier with a fake clock: the SUBSCRIBE's
 * answers (200 and Expires, 489, 423, 406, 481, 500), the full state at
 * once, partial NOTIFYs in order with their document versions, the queue
 * giving way to a full state, refresh, expiry and Expires: 0 with the
 * final NOTIFY, and the NOTIFY failures that end it.  Then the notifier
 * against lib/ua/sub, the subscriber sip-register --watch runs: every
 * message built by one side is parsed and handed to the other.
 */
#include <stdio.h>
#include <string.h>

#include "field.h"
#include "notify.h"
#include "reginfo.h"
#include "sub.h"
#include "tap.h"

#define T0	1000000		/* ms */
#define CT	"application/reginfo+xml"

static char sbuf[4096], rbuf[4096];
static struct sip_msg smsg, rmsg;

/* A SUBSCRIBE; totag NULL for the initial one. */
static const struct sip_msg *
subscribe(const char *totag, unsigned cseq, const char *extra)
{
	int n = snprintf(sbuf, sizeof sbuf,
	    "SUBSCRIBE sip:alice@sip.test SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKs%u\r\n"
	    "From: <sip:alice@sip.test>;tag=w1\r\n"
	    "To: <sip:alice@sip.test>%s%s\r\n"
	    "Call-ID: c1\r\nCSeq: %u SUBSCRIBE\r\n"
	    "Contact: <sip:alice@127.0.0.1:5070>\r\n"
	    "Record-Route: <sip:p1.sip.test;lr>\r\n"
	    "%s"
	    "Content-Length: 0\r\n\r\n",
	    cseq, totag ? ";tag=" : "", totag ? totag : "", cseq, extra);

	sip_msg_parse(&smsg, sbuf, (size_t)n, 0, NULL);
	return &smsg;
}

static const struct sip_msg *
resp(int code)
{
	int n = snprintf(rbuf, sizeof rbuf,
	    "SIP/2.0 %d X\r\n"
	    "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKn\r\n"
	    "From: <sip:alice@sip.test>;tag=srv\r\n"
	    "To: <sip:alice@sip.test>;tag=w1\r\n"
	    "Call-ID: c1\r\nCSeq: 1 NOTIFY\r\n"
	    "Content-Length: 0\r\n\r\n", code);

	sip_msg_parse(&rmsg, rbuf, (size_t)n, 0, NULL);
	return &rmsg;
}

/*
 * The actions as letters: F a full SEND, P a partial one, X the final
 * one, E the end; versions into ver[].
 */
static uint32_t ver[16];

static const char *
acts(struct sip_notify *n)
{
	static char out[32];
	struct sip_notify_action a;
	size_t k = 0;

	while (sip_notify_action(n, &a) && k + 1 < sizeof out) {
		if (a.kind == SIP_NOTIFY_END) {
			out[k++] = 'E';
			continue;
		}
		if (k < 16)
			ver[k] = a.version;
		out[k++] = a.final ? 'X' : a.full ? 'F' : 'P';
	}
	out[k] = '\0';
	return out;
}

/* The NOTIFY in flight, built and parsed into m (its own buffer). */
static char nbuf[8192];
static struct sip_msg nmsg;

static const struct sip_msg *
built(struct sip_notify *n, const char *full, uint64_t now)
{
	static const char *const extra[] = { "X-Test: 1", NULL };
	struct sip_req_params p;
	struct buf b;

	memset(&p, 0, sizeof p);
	p.via_host = "127.0.0.1";
	p.via_port = 5060;
	p.contact = "<sip:sipbox@127.0.0.1:5060>";
	p.max_forwards = 70;
	p.headers = extra;
	buf_init(&b, sizeof nbuf - 1);
	if (sip_notify_build(n, &b, &p, full, full ? strlen(full) : 0, now) !=
	    SIP_OK) {
		buf_free(&b);
		return NULL;
	}
	memcpy(nbuf, b.p, b.len);
	sip_msg_parse(&nmsg, nbuf, b.len, 0, NULL);
	buf_free(&b);
	return &nmsg;
}

static int
hdr_is(const struct sip_msg *m, enum sip_hdr_id id, const char *v)
{
	return m != NULL && slice_eq_cstr(sip_msg_value(m, id), v);
}

static void
up(struct sip_notify *n)
{
	sip_notify_init(n, "reg", CT, 3761, 60, 3600);
	sip_notify_subscribe(n, subscribe(NULL, 1, "Event: reg\r\n"
	    "Expires: 600\r\n"), "srv", T0);
	acts(n);
	sip_notify_response(n, resp(200), T0 + 10);
	acts(n);
}

static void
test_subscribe(void)
{
	struct sip_notify n;
	const struct sip_msg *m;

	ok(sip_notify_init(&n, "reg", CT, 3761, 60, 3600) == SIP_OK, "init");
	ok(sip_notify_init(&n, "", CT, 3761, 60, 3600) == SIP_E_INVAL &&
	    sip_notify_init(&n, "reg", CT, 3761, 4000, 3600) == SIP_E_INVAL,
	    "init refuses an empty package and min above max");
	sip_notify_init(&n, "reg", CT, 3761, 60, 3600);
	ok(sip_notify_subscribe(&n, subscribe(NULL, 1, "Event: presence\r\n"),
	    "srv", T0) == 489 && n.state == SIP_NOTIFY_INIT,
	    "another event package is 489");
	ok(sip_notify_subscribe(&n, subscribe(NULL, 1, ""), "srv", T0) == 400,
	    "no Event is 400");
	ok(sip_notify_subscribe(&n, subscribe(NULL, 1, "Event: reg\r\n"
	    "Expires: 30\r\n"), "srv", T0) == 423,
	    "Expires below min-expires (and an hour) is 423");
	ok(sip_notify_subscribe(&n, subscribe(NULL, 1, "Event: reg\r\n"
	    "Accept: application/pidf+xml\r\n"), "srv", T0) == 406,
	    "an Accept without application/reginfo+xml is 406");
	ok(sip_notify_subscribe(&n, subscribe(NULL, 1, "Event: reg\r\n"
	    "Accept: application/*, text/plain\r\n"), "srv", T0) == 200,
	    "application/* is accepted, no Expires: the default");
	ok(n.granted == 3600 && n.expire_at == T0 + 3600000 &&
	    n.state == SIP_NOTIFY_ACTIVE,
	    "the default 3761 s is cut to max-expires 3600");
	ok(strcmp(acts(&n), "F") == 0 && ver[0] == 0,
	    "a full state at once, version 0");
	m = built(&n, "<full/>", T0 + 1000);
	ok(m != NULL && slice_eq_cstr(m->method, "NOTIFY") &&
	    slice_eq_cstr(m->ruri, "sip:alice@127.0.0.1:5070"),
	    "the NOTIFY goes to the SUBSCRIBE's Contact");
	ok(hdr_is(m, SIP_HDR_EVENT, "reg") &&
	    hdr_is(m, SIP_HDR_SUBSCRIPTION_STATE, "active;expires=3599") &&
	    hdr_is(m, SIP_HDR_CONTENT_TYPE, CT) &&
	    slice_eq_cstr(m->body, "<full/>"),
	    "Event, Subscription-State with the seconds left, the body");
	ok(hdr_is(m, SIP_HDR_ROUTE, "<sip:p1.sip.test;lr>") &&
	    hdr_is(m, SIP_HDR_CALL_ID, "c1") &&
	    slice_eq_cstr(sip_field_hparam(sip_msg_value(m, SIP_HDR_FROM),
	    "tag"), "srv") &&
	    slice_eq_cstr(sip_field_hparam(sip_msg_value(m, SIP_HDR_TO),
	    "tag"), "w1") && hdr_is(m, SIP_HDR_CSEQ, "1 NOTIFY"),
	    "within the dialog: Route, Call-ID, our tag in From, CSeq 1");
	ok(strcmp(sip_notify_next_hop(&n), "<sip:p1.sip.test;lr>") == 0,
	    "the next hop is the first route");
	ok(sip_notify_subscribe(&n, subscribe("other", 2, "Event: reg\r\n"),
	    "srv", T0) == 481, "a SUBSCRIBE of another dialog is 481");
	ok(sip_notify_subscribe(&n, subscribe("srv", 2, "Event: reg;id=7\r\n"),
	    "srv", T0) == 481, "a refresh with another id is 481");
	sip_notify_release(&n);
}

static void
test_changes(void)
{
	struct sip_notify n;
	const struct sip_msg *m;

	up(&n);
	ok(sip_notify_wants(&n), "active: a change wants a partial body");
	ok(n.version == 1, "version 1 is next");
	sip_notify_queue(&n, "<p1/>", 5, T0 + 100);
	ok(strcmp(acts(&n), "P") == 0 && ver[0] == 1, "a partial NOTIFY, version 1");
	m = built(&n, NULL, T0 + 100);
	ok(m != NULL && slice_eq_cstr(m->body, "<p1/>") &&
	    hdr_is(m, SIP_HDR_CSEQ, "1 NOTIFY"), "its body, the next CSeq");
	sip_notify_queue(&n, "<p2/>", 5, T0 + 110);
	sip_notify_queue(&n, "<p3/>", 5, T0 + 120);
	ok(acts(&n)[0] == '\0', "two more wait while one is in flight");
	sip_notify_response(&n, resp(200), T0 + 130);
	ok(strcmp(acts(&n), "P") == 0 && ver[0] == 2 &&
	    slice_eq_cstr(built(&n, NULL, T0 + 130)->body, "<p2/>"),
	    "the 200 sends the next, version 2, in order");
	sip_notify_response(&n, resp(500), T0 + 140);
	ok(strcmp(acts(&n), "P") == 0 && ver[0] == 3 && n.failed == 1,
	    "a 500 to a NOTIFY goes on (4.2.2 removes only for some codes)");
	sip_notify_response(&n, resp(200), T0 + 150);
	ok(acts(&n)[0] == '\0' && n.nqueue == 0 && n.version == 4,
	    "the queue is empty, version 4 next");

	/* more changes than the queue holds: a full state says them */
	sip_notify_queue(&n, "<a/>", 4, T0 + 200);
	acts(&n);
	for (int i = 0; i < SIP_NOTIFY_MAXQUEUE; i++)
		sip_notify_queue(&n, "<q/>", 4, T0 + 200);
	ok(n.nqueue == 1 && n.want_full && !sip_notify_wants(&n),
	    "past the queue's room: the waiting bodies go, a full state is due");
	ok(sip_notify_queue(&n, "<q/>", 4, T0 + 200) == SIP_E_STATE,
	    "no partial body is taken while a full state is due");
	sip_notify_response(&n, resp(200), T0 + 210);
	ok(strcmp(acts(&n), "F") == 0 && ver[0] == 5 && n.version == 6,
	    "the full state goes next with version 5: the dropped bodies' "
	    "versions were given back");

	/* a refresh: the full state again, the expiry moved */
	sip_notify_response(&n, resp(200), T0 + 220);
	ok(sip_notify_subscribe(&n, subscribe("srv", 2, "Event: reg\r\n"
	    "Expires: 900\r\n"), "ignored", T0 + 1000) == 200 &&
	    n.granted == 900 && n.expire_at == T0 + 1000 + 900000,
	    "a refresh within the dialog is 200 with its Expires");
	ok(strcmp(acts(&n), "F") == 0 && ver[0] == 6,
	    "a refresh brings the full state (4.2.1.2)");
	sip_notify_response(&n, resp(200), T0 + 1010);
	ok(sip_notify_subscribe(&n, subscribe("srv", 1, "Event: reg\r\n"),
	    "srv", T0 + 1020) == 500, "a refresh with an old CSeq is 500");

	/* it lapses: the final NOTIFY, reason timeout, then the end */
	ok(sip_notify_deadline(&n) == T0 + 901000, "the deadline is the expiry");
	sip_notify_timer(&n, T0 + 900999);
	ok(acts(&n)[0] == '\0', "nothing before it");
	sip_notify_timer(&n, T0 + 901000);
	ok(strcmp(acts(&n), "X") == 0 && n.state == SIP_NOTIFY_ENDING,
	    "at the expiry, a final NOTIFY");
	m = built(&n, "<all/>", T0 + 901000);
	ok(hdr_is(m, SIP_HDR_SUBSCRIPTION_STATE, "terminated;reason=timeout") &&
	    slice_eq_cstr(m->body, "<all/>"),
	    "terminated;reason=timeout, with the full state");
	ok(!sip_notify_wants(&n), "no more changes once ending");
	ok(sip_notify_subscribe(&n, subscribe("srv", 9, "Event: reg\r\n"),
	    "srv", T0 + 901001) == 481, "a refresh too late is 481");
	sip_notify_response(&n, resp(200), T0 + 901010);
	ok(strcmp(acts(&n), "E") == 0 && n.state == SIP_NOTIFY_TERMINATED &&
	    sip_notify_deadline(&n) == 0, "its 200: the end");
	sip_notify_release(&n);
}

static void
test_endings(void)
{
	struct sip_notify n;

	/* Expires: 0 in a refresh: unsubscribe */
	up(&n);
	sip_notify_queue(&n, "<p/>", 4, T0 + 20);
	acts(&n);
	sip_notify_queue(&n, "<p2/>", 5, T0 + 20);
	ok(sip_notify_subscribe(&n, subscribe("srv", 2, "Event: reg\r\n"
	    "Expires: 0\r\n"), "srv", T0 + 30) == 200 && n.granted == 0,
	    "Expires: 0 is 200 with Expires 0");
	ok(acts(&n)[0] == '\0' && n.nqueue == 1,
	    "the final NOTIFY waits for the one in flight; the queued one goes");
	sip_notify_response(&n, resp(200), T0 + 40);
	ok(strcmp(acts(&n), "X") == 0 && ver[0] == 2,
	    "then the final NOTIFY, version 2");
	sip_notify_response(&n, NULL, T0 + 50);
	ok(strcmp(acts(&n), "E") == 0, "no answer to it: the end all the same");
	sip_notify_release(&n);

	/* a fetch: Expires: 0 in the initial SUBSCRIBE */
	sip_notify_init(&n, "reg", CT, 3761, 60, 3600);
	ok(sip_notify_subscribe(&n, subscribe(NULL, 1, "Event: reg\r\n"
	    "Expires: 0\r\n"), "srv", T0) == 200 &&
	    strcmp(acts(&n), "X") == 0 && ver[0] == 0,
	    "a fetch: 200, and one final NOTIFY with the state (RFC 3680 4.7.2)");
	sip_notify_response(&n, resp(200), T0 + 10);
	ok(strcmp(acts(&n), "E") == 0, "then the end");
	sip_notify_release(&n);

	/* 4.2.2: Timer F, and the codes that remove it */
	up(&n);
	sip_notify_queue(&n, "<p/>", 4, T0 + 20);
	acts(&n);
	sip_notify_response(&n, NULL, T0 + 32020);
	ok(strcmp(acts(&n), "E") == 0 &&
	    strcmp(n.why, "no answer to the NOTIFY") == 0,
	    "a NOTIFY that times out ends it");
	sip_notify_release(&n);
	up(&n);
	sip_notify_queue(&n, "<p/>", 4, T0 + 20);
	acts(&n);
	sip_notify_response(&n, resp(481), T0 + 30);
	ok(strcmp(acts(&n), "E") == 0, "481 to a NOTIFY ends it");
	sip_notify_release(&n);

	/* local policy */
	up(&n);
	sip_notify_terminate(&n, "deactivated", T0 + 20);
	ok(strcmp(acts(&n), "X") == 0 &&
	    hdr_is(built(&n, "", T0 + 20), SIP_HDR_SUBSCRIPTION_STATE,
	    "terminated;reason=deactivated") && nmsg.body.len == 0 &&
	    sip_msg_value(&nmsg, SIP_HDR_CONTENT_TYPE).p == NULL,
	    "terminate: the final NOTIFY with its reason; no body, no type");
	sip_notify_response(&n, resp(200), T0 + 30);
	ok(strcmp(acts(&n), "E") == 0, "and the end");
	sip_notify_release(&n);
}

/*
 * The subscriber (lib/ua/sub) against the notifier: the SUBSCRIBE the
 * one builds the other answers; the NOTIFYs with reginfo bodies the one
 * builds the other takes and merges.
 */
static char wire[8192];
static struct sip_msg wmsg;

static const struct sip_msg *
on_wire(const struct buf *b)
{
	memcpy(wire, b->p, b->len);
	sip_msg_parse(&wmsg, wire, b->len, 0, NULL);
	return &wmsg;
}

/* A reginfo body with one contact of sip:alice@sip.test. */
static void
doc(struct buf *b, uint32_t version, int full, const char *uri,
    enum sip_reginfo_event ev, int active)
{
	struct sip_reginfo_vcontact c;
	struct sip_reginfo_breg r;

	memset(&c, 0, sizeof c);
	c.id = "1";
	c.uri = (char *)uri;
	c.event = ev;
	c.active = active;
	memset(&r, 0, sizeof r);
	r.aor = "sip:alice@sip.test";
	r.id = "a";
	r.state = uri == NULL ? SIP_REGINFO_INIT : active ?
	    SIP_REGINFO_ACTIVE : SIP_REGINFO_TERMINATED;
	r.c = uri != NULL ? &c : NULL;
	r.n = uri != NULL;
	buf_reset(b);
	sip_reginfo_build(b, version, full, &r, 1);
}

/*
 * Deliver the next NOTIFY n asks for to s; its status.  A full state is
 * built now, with the version the SEND names: the AOR without contacts.
 */
static int
deliver(struct sip_notify *n, struct sip_sub *s, uint64_t now)
{
	struct sip_notify_action a;
	struct sip_req_params p;
	struct buf b, full;
	int code = 0;

	buf_init(&full, 65536);
	while (sip_notify_action(n, &a))
		if (a.kind == SIP_NOTIFY_SEND) {
			if (a.full)
				doc(&full, a.version, 1, NULL,
				    SIP_REGINFO_EV_REGISTERED, 0);
			memset(&p, 0, sizeof p);
			p.via_host = "127.0.0.1";
			p.contact = "<sip:sipbox@127.0.0.1>";
			p.max_forwards = 70;
			buf_init(&b, SIP_MAX_MSG);
			sip_notify_build(n, &b, &p, full.p, full.len, now);
			code = sip_sub_notify(s, on_wire(&b), now);
			sip_notify_response(n, resp(code), now);
			buf_free(&b);
			break;	/* s's actions point into this one */
		}
	buf_free(&full);
	return code;
}

static void
test_against_sub(void)
{
	struct sip_sub s;
	struct sip_notify n;
	struct sip_sub_action sa;
	struct sip_req_params p;
	struct sip_resp_params rp;
	struct sip_reginfo_view v;
	struct sip_reginfo_change ch[4];
	static struct sip_reginfo ri;
	enum sip_reginfo_order ord;
	char ex[32];
	const char *hdrs[2] = { ex, NULL };
	struct buf b, body;
	unsigned nch = 0, seen = 0;
	int code, notified = 0;

	memset(&v, 0, sizeof v);
	buf_init(&body, 65536);
	sip_sub_init(&s, "reg", CT, 600);
	sip_notify_init(&n, "reg", CT, 3761, 60, 3600);
	sip_sub_start(&s, T0);
	sip_sub_action(&s, &sa);
	memset(&p, 0, sizeof p);
	sip_sub_request(&s, &p);
	p.ruri = "sip:alice@sip.test";
	p.from = p.to = "<sip:alice@sip.test>";
	p.call_id = "c9";
	p.from_tag = "w9";
	p.via_host = "127.0.0.1";
	p.contact = "<sip:alice@127.0.0.1:5070>";
	buf_init(&b, SIP_MAX_MSG);
	sip_build_request(&b, &p);
	sip_sub_sent(&s, "c9", "w9", 1, T0);
	code = sip_notify_subscribe(&n, on_wire(&b), "srv", T0);
	ok(code == 200 && n.granted == 600, "sub's SUBSCRIBE: 200, 600 s");
	snprintf(ex, sizeof ex, "Expires: %u", n.granted);
	memset(&rp, 0, sizeof rp);
	rp.code = code;
	rp.to_tag = "srv";
	rp.headers = hdrs;
	rp.contact = "<sip:sipbox@127.0.0.1>";
	buf_reset(&b);
	sip_build_response(&b, &wmsg, &rp);
	sip_sub_response(&s, on_wire(&b), T0 + 1);
	ok(deliver(&n, &s, T0 + 2) == 200 && s.state == SIP_SUB_ACTIVE,
	    "its first NOTIFY makes sub's dialog: active");
	while (sip_sub_action(&s, &sa))
		if (sa.kind == SIP_SUB_NOTIFY &&
		    sip_reginfo_parse(&ri, sa.msg->body.p, sa.msg->body.len,
		    NULL) == SIP_OK &&
		    sip_reginfo_merge(&v, &ri, ch, 4, &nch, &ord) == SIP_OK)
			notified++;
	ok(notified == 1 && nch == 0 && v.version == 0,
	    "the full state, version 0, no contacts");
	/* a registration and its removal, partial documents */
	doc(&body, n.version, 0, "sip:alice@192.0.2.9", SIP_REGINFO_EV_REGISTERED, 1);
	sip_notify_queue(&n, body.p, body.len, T0 + 100);
	doc(&body, n.version, 0, "sip:alice@192.0.2.9", SIP_REGINFO_EV_UNREGISTERED, 0);
	sip_notify_queue(&n, body.p, body.len, T0 + 101);
	for (int i = 0; i < 2; i++) {
		deliver(&n, &s, T0 + 102);
		while (sip_sub_action(&s, &sa))
			if (sa.kind == SIP_SUB_NOTIFY &&
			    sip_reginfo_parse(&ri, sa.msg->body.p,
			    sa.msg->body.len, NULL) == SIP_OK &&
			    sip_reginfo_merge(&v, &ri, ch, 4, &nch, &ord) ==
			    SIP_OK && ord == SIP_REGINFO_IN_ORDER && nch == 1)
				seen |= 1u << ch[0].c->event;
	}
	ok(seen == (1u << SIP_REGINFO_EV_REGISTERED |
	    1u << SIP_REGINFO_EV_UNREGISTERED) && v.version == 2,
	    "sub sees registered, then unregistered, versions in order");
	/* sub's refresh within the dialog, then its unsubscribe */
	sip_sub_timer(&s, sip_sub_deadline(&s));
	ok(sip_sub_action(&s, &sa) && sa.kind == SIP_SUB_SEND,
	    "sub refreshes before the expiry");
	memset(&p, 0, sizeof p);
	sip_sub_request(&s, &p);
	p.via_host = "127.0.0.1";
	p.contact = "<sip:alice@127.0.0.1:5070>";
	buf_reset(&b);
	sip_build_request(&b, &p);
	sip_sub_sent(&s, p.call_id, p.from_tag, p.cseq, T0 + 568000);
	ok(sip_notify_subscribe(&n, on_wire(&b), "x", T0 + 568000) == 200 &&
	    n.expire_at == T0 + 568000 + 600000,
	    "the notifier takes sub's refresh (its dialog, its CSeq)");
	ok(deliver(&n, &s, T0 + 568001) == 200,
	    "the refresh's full state is taken");
	sip_sub_stop(&s, T0 + 568002);
	while (sip_sub_action(&s, &sa))
		;
	memset(&p, 0, sizeof p);
	sip_sub_request(&s, &p);
	p.via_host = "127.0.0.1";
	buf_reset(&b);
	sip_build_request(&b, &p);
	sip_sub_sent(&s, p.call_id, p.from_tag, p.cseq, T0 + 568002);
	ok(sip_notify_subscribe(&n, on_wire(&b), "x", T0 + 568003) == 200 &&
	    n.state == SIP_NOTIFY_ENDING, "sub's Expires: 0 ends it");
	ok(deliver(&n, &s, T0 + 568004) == 200 &&
	    s.state == SIP_SUB_TERMINATED && n.state == SIP_NOTIFY_TERMINATED,
	    "the final NOTIFY: both sides are over");
	buf_free(&b);
	buf_free(&body);
	sip_reginfo_view_free(&v);
	sip_sub_release(&s);
	sip_notify_release(&n);
}

int
main(void)
{
	test_subscribe();
	test_changes();
	test_endings();
	test_against_sub();
	return done();
}
