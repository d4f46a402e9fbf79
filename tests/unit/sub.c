/*
 * sub.c - the RFC 6665 subscriber with a fake clock: the dialog from the
 * NOTIFY, Subscription-State, refresh before expiry, Timer N, 423, 481,
 * 489, terminated reasons, backoff and unsubscribing.
 */
#include <stdio.h>
#include <string.h>

#include "sub.h"
#include "tap.h"

#define T0	1000000		/* ms */

static char nbuf[4096], rbuf[4096];
static struct sip_msg nmsg, rmsg;

/* A NOTIFY in the subscription's Call-ID, from notifier tag ntag. */
static const struct sip_msg *
notify(const char *callid, const char *ntag, const char *ourtag,
    unsigned cseq, const char *event, const char *state)
{
	int n = snprintf(nbuf, sizeof nbuf,
	    "NOTIFY sip:w@127.0.0.1:5070 SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKn%u\r\n"
	    "From: <sip:alice@sip.test>;tag=%s\r\n"
	    "To: <sip:alice@sip.test>;tag=%s\r\n"
	    "Call-ID: %s\r\nCSeq: %u NOTIFY\r\n"
	    "Contact: <sip:notifier@127.0.0.1:5060>\r\n"
	    "Record-Route: <sip:p1.sip.test;lr>\r\n"
	    "%s%s%s"
	    "%s%s%s"
	    "Content-Type: application/reginfo+xml\r\n"
	    "Content-Length: 5\r\n\r\n<x/>\n",
	    cseq, ntag, ourtag, callid, cseq,
	    event ? "Event: " : "", event ? event : "", event ? "\r\n" : "",
	    state ? "Subscription-State: " : "", state ? state : "",
	    state ? "\r\n" : "");

	sip_msg_parse(&nmsg, nbuf, (size_t)n, 0, NULL);
	return &nmsg;
}

/* A response code to the SUBSCRIBE with CSeq cseq and extra lines. */
static const struct sip_msg *
resp(int code, unsigned cseq, const char *extra)
{
	int n = snprintf(rbuf, sizeof rbuf,
	    "SIP/2.0 %d X\r\n"
	    "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKs\r\n"
	    "From: <sip:alice@sip.test>;tag=ours\r\n"
	    "To: <sip:alice@sip.test>;tag=srv\r\n"
	    "Call-ID: c1\r\nCSeq: %u SUBSCRIBE\r\n%s"
	    "Content-Length: 0\r\n\r\n", code, cseq, extra);

	sip_msg_parse(&rmsg, rbuf, (size_t)n, 0, NULL);
	return &rmsg;
}

/* The actions queued, as letters: S send, N notify, A/P/I/W/T state, E end. */
static const char *
acts(struct sip_sub *s)
{
	static char out[32];
	struct sip_sub_action a;
	size_t k = 0;

	while (sip_sub_action(s, &a) && k + 1 < sizeof out) {
		switch (a.kind) {
		case SIP_SUB_SEND:	out[k++] = 'S'; break;
		case SIP_SUB_NOTIFY:	out[k++] = 'N'; break;
		case SIP_SUB_END:	out[k++] = 'E'; break;
		case SIP_SUB_STATE:
			out[k++] = "IWPAT"[a.state];
			break;
		}
	}
	out[k] = '\0';
	return out;
}

static int
has_line(const struct sip_req_params *p, const char *line)
{
	for (int i = 0; p->headers != NULL && p->headers[i] != NULL; i++)
		if (strcmp(p->headers[i], line) == 0)
			return 1;
	return 0;
}

/* Start s and take it to active with granted seconds (2xx and NOTIFY). */
static void
up(struct sip_sub *s, uint32_t granted)
{
	char ex[64];

	sip_sub_init(s, "reg", "application/reginfo+xml", 600);
	sip_sub_start(s, T0);
	acts(s);
	sip_sub_sent(s, "c1", "ours", 1, T0);
	acts(s);
	snprintf(ex, sizeof ex, "Expires: %u\r\n", granted);
	sip_sub_response(s, resp(200, 1, ex), T0 + 10);
	snprintf(ex, sizeof ex, "active;expires=%u", granted);
	sip_sub_notify(s, notify("c1", "srv", "ours", 1, "reg", ex), T0 + 20);
	acts(s);
}

static void
test_initial(void)
{
	struct sip_sub s;
	struct sip_req_params p;

	ok(sip_sub_init(&s, "reg", "application/reginfo+xml", 600) == SIP_OK,
	    "init");
	sip_sub_start(&s, T0);
	ok(strcmp(acts(&s), "S") == 0, "start asks for a SUBSCRIBE");
	memset(&p, 0, sizeof p);
	p.call_id = "stale";
	ok(sip_sub_request(&s, &p) == SIP_OK && strcmp(p.method,
	    "SUBSCRIBE") == 0 && p.call_id == NULL && p.from_tag == NULL &&
	    p.to_tag == NULL && p.cseq == 0,
	    "the initial SUBSCRIBE is out of a dialog, Call-ID and tag fresh");
	ok(has_line(&p, "Event: reg") && has_line(&p, "Expires: 600") &&
	    has_line(&p, "Accept: application/reginfo+xml"),
	    "it carries Event, Expires and Accept");
	sip_sub_sent(&s, "c1", "ours", 1, T0);
	ok(s.state == SIP_SUB_NOTIFY_WAIT && strcmp(acts(&s), "W") == 0,
	    "sent: notify_wait");
	ok(sip_sub_deadline(&s) == T0 + 32000, "Timer N is 64*T1 (32 s)");

	/* 4.1.2.4: the NOTIFY can come before the 2xx */
	ok(sip_sub_notify(&s, notify("c1", "srv", "ours", 1, "reg",
	    "pending;expires=590"), T0 + 5) == 200,
	    "a NOTIFY before the 2xx is taken");
	ok(strcmp(acts(&s), "PN") == 0 && s.dialog != NULL,
	    "pending, and the NOTIFY made the dialog");
	ok(strcmp(s.dialog->remote_target, "sip:notifier@127.0.0.1:5060") == 0 &&
	    s.dialog->nroute == 1 && strcmp(s.dialog->remote_tag, "srv") == 0 &&
	    strcmp(s.dialog->local_tag, "ours") == 0,
	    "the dialog's target, route set and tags are the NOTIFY's");
	sip_sub_response(&s, resp(202, 1, "Expires: 300\r\n"), T0 + 10);
	ok(s.granted == 300 && s.refresh_at == T0 + 10 + 268000 &&
	    s.expire_at == T0 + 10 + 300000,
	    "202 with Expires 300: refresh 32 s before the expiry");
	ok(sip_sub_notify(&s, notify("c1", "srv", "ours", 2, "reg",
	    "active;expires=200"), T0 + 1000) == 200 &&
	    strcmp(acts(&s), "AN") == 0 && s.granted == 200 &&
	    s.refresh_at == T0 + 1000 + 168000,
	    "active;expires=200 is authoritative (4.1.3)");

	/* the refresh: within the dialog, next CSeq */
	sip_sub_timer(&s, s.refresh_at - 1);
	ok(acts(&s)[0] == '\0', "nothing before the refresh time");
	sip_sub_timer(&s, T0 + 1000 + 168000);
	ok(strcmp(acts(&s), "S") == 0, "the refresh is asked for in time");
	memset(&p, 0, sizeof p);
	sip_sub_request(&s, &p);
	ok(strcmp(p.ruri, "sip:notifier@127.0.0.1:5060") == 0 &&
	    strcmp(p.to_tag, "srv") == 0 && strcmp(p.from_tag, "ours") == 0 &&
	    strcmp(p.call_id, "c1") == 0 && p.cseq == 2 &&
	    p.routes != NULL && strcmp(p.routes[0], "<sip:p1.sip.test;lr>") == 0 &&
	    p.routes[1] == NULL,
	    "the refresh goes to the remote target with the route set, CSeq 2");
	sip_sub_sent(&s, "c1", "ours", 2, T0 + 169000);
	sip_sub_response(&s, resp(200, 2, "Expires: 200\r\n"), T0 + 169010);
	ok(s.expire_at == T0 + 169010 + 200000, "the refresh's 2xx moves the expiry");
	ok(sip_sub_notify(&s, notify("c1", "srv", "ours", 1, "reg",
	    "active"), T0 + 169020) == 500,
	    "a NOTIFY with an old CSeq is 500");
	ok(sip_sub_notify(&s, notify("c1", "srv", "ours", 3, "reg",
	    "active"), T0 + 169020) == 200 && strcmp(acts(&s), "N") == 0,
	    "the refresh's NOTIFY is taken");
	sip_sub_timer(&s, T0 + 169000 + 32000);
	ok(s.state == SIP_SUB_ACTIVE, "Timer N is off once a NOTIFY came");
	notify("c1", "srv", "ours", 4, "reg", "active");
	memcpy(strstr(nbuf, "notifier@"), "moved", 5);
	sip_msg_parse(&nmsg, nbuf, strlen(nbuf), 0, NULL);
	ok(sip_sub_notify(&s, &nmsg, T0 + 200000) == 200 &&
	    strcmp(s.dialog->remote_target, "sip:movedier@127.0.0.1:5060") == 0,
	    "a NOTIFY's Contact is the new remote target (RFC 6665 3.2)");
	acts(&s);
	ok(sip_sub_refresh(&s, T0 + 200001) == 1 &&
	    strcmp(acts(&s), "S") == 0,
	    "a refresh asked for goes at once (RFC 3680 5.2)");
	ok(sip_sub_refresh(&s, T0 + 200002) == 0 && acts(&s)[0] == '\0',
	    "not a second while one is out");
	sip_sub_release(&s);
}

static void
test_matching(void)
{
	struct sip_sub s;

	up(&s, 600);
	ok(s.state == SIP_SUB_ACTIVE, "up: active");
	ok(sip_sub_notify(&s, notify("other", "srv", "ours", 5, "reg",
	    "active"), T0 + 30) == 481, "another Call-ID is 481");
	ok(sip_sub_notify(&s, notify("c1", "fork2", "ours", 5, "reg",
	    "active"), T0 + 30) == 481, "a second fork is 481 (4.1.4)");
	ok(sip_sub_notify(&s, notify("c1", "srv", "ours", 5, "presence",
	    "active"), T0 + 30) == 489, "another event package is 489");
	ok(sip_sub_notify(&s, notify("c1", "srv", "ours", 5, "reg;id=7",
	    "active"), T0 + 30) == 481,
	    "the same package with an id is another subscription (8.2.1)");
	ok(sip_sub_notify(&s, notify("c1", "srv", "ours", 5, "Reg",
	    "active"), T0 + 30) == 489,
	    "event types compare byte by byte (8.2.1)");
	ok(sip_sub_notify(&s, notify("c1", "srv", "ours", 5, NULL,
	    "active"), T0 + 30) == 400, "a NOTIFY without Event is 400");
	ok(sip_sub_notify(&s, notify("c1", "srv", "ours", 5, "reg", NULL),
	    T0 + 30) == 400, "a NOTIFY without Subscription-State is 400");
	ok(sip_sub_notify(&s, notify("c1", "srv", "ours", 5, "reg",
	    "sleeping"), T0 + 30) == 400, "an unknown substate is 400");
	ok(acts(&s)[0] == '\0' && s.notifies == 1,
	    "none of them changed anything");
	sip_sub_release(&s);

	sip_sub_init(&s, "reg", NULL, 600);
	sip_sub_start(&s, T0);
	sip_sub_sent(&s, "c1", "ours", 1, T0);
	ok(sip_sub_notify(&s, notify("c1", "srv", "theirs", 1, "reg",
	    "active"), T0) == 481,
	    "before a dialog, the To tag must be the SUBSCRIBE's From tag");
	sip_sub_release(&s);
}

static void
test_failures(void)
{
	struct sip_sub s;
	struct sip_req_params p;

	/* 423: again with Min-Expires */
	sip_sub_init(&s, "reg", NULL, 60);
	sip_sub_start(&s, T0);
	acts(&s);
	sip_sub_sent(&s, "c1", "ours", 1, T0);
	acts(&s);
	sip_sub_response(&s, resp(423, 1, "Min-Expires: 1800\r\n"), T0 + 5);
	ok(strcmp(acts(&s), "S") == 0 && s.expires == 1800,
	    "423 asks again at once with Min-Expires");
	memset(&p, 0, sizeof p);
	sip_sub_request(&s, &p);
	ok(has_line(&p, "Expires: 1800"), "the new SUBSCRIBE asks for 1800");
	sip_sub_sent(&s, "c2", "ours2", 1, T0 + 6);
	sip_sub_response(&s, resp(423, 1, "Min-Expires: 1800\r\n"), T0 + 7);
	ok(s.state == SIP_SUB_TERMINATED && s.end_status == 423 &&
	    strcmp(acts(&s), "TE") == 0,
	    "a second 423 without a larger Min-Expires ends it");
	sip_sub_release(&s);

	/* 489 ends it */
	sip_sub_init(&s, "reg", NULL, 600);
	sip_sub_start(&s, T0);
	sip_sub_sent(&s, "c1", "ours", 1, T0);
	acts(&s);
	sip_sub_response(&s, resp(489, 1, ""), T0 + 5);
	ok(s.state == SIP_SUB_TERMINATED && s.end_status == 489 &&
	    strcmp(acts(&s), "TE") == 0 && sip_sub_deadline(&s) == 0,
	    "489 Bad Event ends it, no timer left");
	ok(sip_sub_notify(&s, notify("c1", "srv", "ours", 1, "reg",
	    "active"), T0 + 6) == 481, "a NOTIFY after the end is 481");
	sip_sub_release(&s);

	/* 401 after the caller's digest retry: the password is wrong */
	sip_sub_init(&s, "reg", NULL, 600);
	sip_sub_start(&s, T0);
	sip_sub_sent(&s, "c1", "ours", 1, T0);
	sip_sub_response(&s, resp(401, 2, ""), T0 + 5);
	ok(s.state == SIP_SUB_TERMINATED && s.end_status == 401,
	    "a final 401 ends it (no loop)");
	sip_sub_release(&s);

	/* 503 with Retry-After, then timeouts that back off */
	sip_sub_init(&s, "reg", NULL, 600);
	sip_sub_start(&s, T0);
	sip_sub_sent(&s, "c1", "ours", 1, T0);
	acts(&s);
	sip_sub_response(&s, resp(503, 1, "Retry-After: 30\r\n"), T0 + 5);
	ok(s.state == SIP_SUB_INIT && s.retry_at == T0 + 5 + 30000 &&
	    strcmp(acts(&s), "I") == 0,
	    "503 with Retry-After 30: a new SUBSCRIBE in 30 s");
	sip_sub_timer(&s, T0 + 5 + 30000);
	ok(strcmp(acts(&s), "S") == 0, "... and then it goes");
	sip_sub_sent(&s, "c2", "t2", 1, T0 + 30005);
	acts(&s);
	sip_sub_response(&s, NULL, T0 + 62005);
	ok(s.retry_at == T0 + 62005 + 4000,
	    "a timeout waits the backoff, doubled (4 s)");
	sip_sub_timer(&s, s.retry_at);
	sip_sub_sent(&s, "c3", "t3", 1, T0 + 66005);
	sip_sub_response(&s, NULL, T0 + 98005);
	ok(s.retry_at == T0 + 98005 + 8000 && s.fails == 3,
	    "then 8 s; three failures counted");
	sip_sub_release(&s);

	/* a 4xx to a new subscription ends it */
	sip_sub_init(&s, "reg", NULL, 600);
	sip_sub_start(&s, T0);
	sip_sub_sent(&s, "c1", "ours", 1, T0);
	sip_sub_response(&s, resp(403, 1, ""), T0 + 5);
	ok(s.state == SIP_SUB_TERMINATED && s.end_status == 403,
	    "403 to the initial SUBSCRIBE ends it");
	sip_sub_release(&s);

	/* Timer N: a 2xx and no NOTIFY */
	sip_sub_init(&s, "reg", NULL, 600);
	sip_sub_start(&s, T0);
	sip_sub_sent(&s, "c1", "ours", 1, T0);
	acts(&s);
	sip_sub_response(&s, resp(200, 1, "Expires: 600\r\n"), T0 + 5);
	sip_sub_timer(&s, T0 + 31999);
	ok(s.state == SIP_SUB_NOTIFY_WAIT, "no NOTIFY yet, within Timer N");
	sip_sub_timer(&s, T0 + 32000);
	ok(s.state == SIP_SUB_INIT && s.retry_at == T0 + 32000 + 2000 &&
	    strcmp(acts(&s), "I") == 0,
	    "Timer N fires: failed, a new SUBSCRIBE after 2 s");
	ok(sip_sub_notify(&s, notify("c1", "srv", "ours", 1, "reg",
	    "active"), T0 + 32001) == 481,
	    "a NOTIFY for the failed attempt is 481 afterwards");
	sip_sub_release(&s);
}

static void
test_refresh_failures(void)
{
	struct sip_sub s;
	struct sip_req_params p;

	/* 481 to a refresh: a new subscription at once */
	up(&s, 600);
	sip_sub_timer(&s, s.refresh_at);
	ok(strcmp(acts(&s), "S") == 0, "refresh due");
	sip_sub_sent(&s, "c1", "ours", 2, s.refresh_at);
	sip_sub_response(&s, resp(481, 2, ""), T0 + 568100);
	ok(strcmp(acts(&s), "IS") == 0 && s.dialog == NULL &&
	    s.call_id[0] == '\0',
	    "481 to a refresh: the dialog is gone and a new SUBSCRIBE asked for");
	memset(&p, 0, sizeof p);
	sip_sub_request(&s, &p);
	ok(p.call_id == NULL && p.to_tag == NULL,
	    "... out of a dialog, with a fresh Call-ID");
	sip_sub_release(&s);

	/* a refresh that times out: valid until the expiry, then new */
	up(&s, 60);
	ok(s.refresh_at == T0 + 20 + 30000 && s.expire_at == T0 + 20 + 60000,
	    "60 s granted: refresh half way");
	sip_sub_timer(&s, T0 + 30020);
	acts(&s);
	sip_sub_sent(&s, "c1", "ours", 2, T0 + 30020);
	sip_sub_response(&s, NULL, T0 + 40020);
	ok(s.state == SIP_SUB_ACTIVE && s.refresh_at == T0 + 40020 + 2000,
	    "a refresh without an answer: still active, tried again in 2 s");
	sip_sub_timer(&s, T0 + 42020);
	acts(&s);
	sip_sub_sent(&s, "c1", "ours", 3, T0 + 42020);
	sip_sub_response(&s, resp(500, 3, ""), T0 + 42030);
	ok(s.refresh_at == T0 + 42030 + 4000, "a 500 too: again in 4 s");
	sip_sub_timer(&s, T0 + 46030);
	acts(&s);
	sip_sub_sent(&s, "c1", "ours", 4, T0 + 46030);
	sip_sub_response(&s, NULL, T0 + 59000);
	ok(s.refresh_at == 0, "no retry past the expiry");
	sip_sub_timer(&s, T0 + 60020);
	ok(strcmp(acts(&s), "IS") == 0 && s.dialog == NULL,
	    "the subscription lapsed: a new one at once");
	sip_sub_release(&s);

	/* 3600 s granted: refreshed a transaction timeout before */
	up(&s, 3600);
	ok(s.refresh_at == T0 + 20 + 3600000 - 32000,
	    "3600 s granted: refresh 32 s before the expiry");
	sip_sub_release(&s);

	/* a refresh answered 2xx with no NOTIFY: Timer N, a new one */
	up(&s, 600);
	sip_sub_timer(&s, s.refresh_at);
	acts(&s);
	sip_sub_sent(&s, "c1", "ours", 2, T0 + 568000);
	sip_sub_response(&s, resp(200, 2, "Expires: 600\r\n"), T0 + 568010);
	sip_sub_timer(&s, T0 + 568000 + 32000);
	ok(s.state == SIP_SUB_INIT && s.dialog == NULL && s.retry_at != 0,
	    "a refresh with no NOTIFY within Timer N is terminated");
	sip_sub_release(&s);
}

static void
test_terminated(void)
{
	struct sip_sub s;

	up(&s, 600);
	ok(sip_sub_notify(&s, notify("c1", "srv", "ours", 2, "reg",
	    "terminated;reason=deactivated"), T0 + 100) == 200 &&
	    strcmp(acts(&s), "NIS") == 0 && s.dialog == NULL,
	    "terminated;reason=deactivated: a new subscription at once");
	sip_sub_release(&s);

	up(&s, 600);
	sip_sub_notify(&s, notify("c1", "srv", "ours", 2, "reg",
	    "terminated;reason=probation;retry-after=60"), T0 + 100);
	ok(strcmp(acts(&s), "NI") == 0 && s.retry_at == T0 + 100 + 60000,
	    "probation;retry-after=60: not before 60 s");
	sip_sub_release(&s);

	up(&s, 600);
	sip_sub_notify(&s, notify("c1", "srv", "ours", 2, "reg",
	    "terminated;reason=rejected"), T0 + 100);
	ok(strcmp(acts(&s), "NTE") == 0 && s.state == SIP_SUB_TERMINATED &&
	    strcmp(s.why, "terminated: rejected") == 0,
	    "rejected: over, not retried");
	sip_sub_release(&s);

	up(&s, 600);
	sip_sub_notify(&s, notify("c1", "srv", "ours", 2, "reg",
	    "terminated;reason=noresource"), T0 + 100);
	ok(s.state == SIP_SUB_TERMINATED, "noresource: over");
	sip_sub_release(&s);

	up(&s, 600);
	sip_sub_notify(&s, notify("c1", "srv", "ours", 2, "reg",
	    "terminated"), T0 + 100);
	ok(s.state == SIP_SUB_INIT && s.retry_at == T0 + 100 + 2000,
	    "no reason: again after the backoff");
	sip_sub_release(&s);

	/* a NOTIFY terminated while a refresh is out: its answer is old */
	up(&s, 600);
	sip_sub_timer(&s, s.refresh_at);
	acts(&s);
	sip_sub_sent(&s, "c1", "ours", 2, T0 + 568000);
	sip_sub_notify(&s, notify("c1", "srv", "ours", 2, "reg",
	    "terminated;reason=timeout"), T0 + 568001);
	ok(strcmp(acts(&s), "NI") == 0 && s.want_send,
	    "terminated during a refresh: the new SUBSCRIBE waits for it");
	sip_sub_response(&s, resp(481, 2, ""), T0 + 568002);
	ok(strcmp(acts(&s), "S") == 0 && s.state == SIP_SUB_INIT,
	    "the old refresh's answer is only waited for, then the new one goes");
	sip_sub_release(&s);
}

static void
test_stop(void)
{
	struct sip_sub s;
	struct sip_req_params p;

	up(&s, 600);
	sip_sub_stop(&s, T0 + 1000);
	ok(strcmp(acts(&s), "S") == 0, "stop asks for a SUBSCRIBE");
	memset(&p, 0, sizeof p);
	sip_sub_request(&s, &p);
	ok(has_line(&p, "Expires: 0") && strcmp(p.to_tag, "srv") == 0,
	    "... with Expires: 0 within the dialog (4.1.2.3)");
	sip_sub_sent(&s, "c1", "ours", 2, T0 + 1000);
	sip_sub_response(&s, resp(200, 2, "Expires: 0\r\n"), T0 + 1010);
	ok(s.state == SIP_SUB_ACTIVE && acts(&s)[0] == '\0',
	    "its 2xx: waiting for the final NOTIFY");
	ok(sip_sub_notify(&s, notify("c1", "srv", "ours", 2, "reg",
	    "terminated;reason=timeout"), T0 + 1020) == 200 &&
	    strcmp(acts(&s), "NTE") == 0 && s.end_status == 0,
	    "the final NOTIFY ends it, not a new subscription");
	sip_sub_release(&s);

	up(&s, 600);
	sip_sub_stop(&s, T0 + 1000);
	acts(&s);
	sip_sub_sent(&s, "c1", "ours", 2, T0 + 1000);
	sip_sub_response(&s, resp(200, 2, ""), T0 + 1010);
	sip_sub_timer(&s, T0 + 33000);
	ok(s.state == SIP_SUB_TERMINATED && strcmp(acts(&s), "TE") == 0,
	    "no final NOTIFY: Timer N ends it");
	sip_sub_release(&s);

	sip_sub_init(&s, "reg", NULL, 600);
	sip_sub_start(&s, T0);
	sip_sub_stop(&s, T0);
	ok(s.state == SIP_SUB_TERMINATED, "stop without a dialog ends at once");
	sip_sub_release(&s);

	ok(sip_sub_init(&s, "", NULL, 600) == SIP_E_INVAL,
	    "an empty event is refused");
	sip_sub_release(&s);
}

static void
test_strict(void)
{
	struct sip_sub s;
	struct sip_req_params p;
	char *rr;

	sip_sub_init(&s, "reg", NULL, 600);
	sip_sub_start(&s, T0);
	sip_sub_sent(&s, "c1", "ours", 1, T0);
	notify("c1", "srv", "ours", 1, "reg", "active;expires=600");
	/* the NOTIFY's Record-Route without lr: a strict router */
	rr = strstr(nbuf, ";lr>");
	memmove(rr, rr + 3, strlen(rr + 3) + 1);
	sip_msg_parse(&nmsg, nbuf, strlen(nbuf), 0, NULL);
	ok(sip_sub_notify(&s, &nmsg, T0 + 1) == 200, "strict-routed NOTIFY");
	sip_sub_response(&s, resp(200, 1, ""), T0 + 2);
	sip_sub_stop(&s, T0 + 2);
	memset(&p, 0, sizeof p);
	sip_sub_request(&s, &p);
	ok(strcmp(p.ruri, "sip:p1.sip.test") == 0 && p.routes != NULL &&
	    strcmp(p.routes[0], "<sip:notifier@127.0.0.1:5060>") == 0,
	    "a strict first route is the Request-URI, the target the last Route");
	sip_sub_release(&s);
}

int
main(void)
{
	test_initial();
	test_matching();
	test_failures();
	test_refresh_failures();
	test_terminated();
	test_stop();
	test_strict();
	return done();
}
