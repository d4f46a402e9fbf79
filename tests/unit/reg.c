/*
 * reg.c - the registration state machine (lib/ua/reg) with a fake
 * clock: refresh at the interval granted, 423, digest once per
 * challenge, backoff with Retry-After and failover, keep-alives and
 * flow failure, unregistering, queries.
 */
#include <stdio.h>
#include <string.h>

#include "authhdr.h"
#include "digest.h"
#include "rand.h"
#include "reg.h"
#include "tap.h"

static char rbuf[8192], last[8192];
static struct sip_msg rmsg;

/* Init r for alice with one contact. */
static void
setup(struct sip_reg *r)
{
	memset(r, 0, sizeof *r);
	r->aor = "sip:alice@sip.test";
	r->ruri = "sip:sip.test";
	snprintf(r->contacts[0].uri, sizeof r->contacts[0].uri,
	    "sip:alice@127.0.0.1:5070");
	r->contacts[0].q = -1;
	r->ncontacts = 1;
	r->expires = 3600;
	r->ntargets = 1;
}

/* The actions queued, as "SEND,BOUND"; the last REGISTER built in last. */
static const char *
acts(struct sip_reg *r, struct sip_reg_act *keep)
{
	static char out[256];
	struct sip_reg_act a;
	struct sip_req_params p;
	struct buf b;

	out[0] = '\0';
	while (sip_reg_action(r, &a)) {
		if (out[0] != '\0')
			strcat(out, ",");
		strcat(out, sip_reg_act_name(a.type));
		if (keep != NULL)
			*keep = a;
		if (a.type != SIP_REG_A_SEND)
			continue;
		memset(&p, 0, sizeof p);
		p.via_host = "127.0.0.1";
		p.via_port = 5070;
		buf_init(&b, 8192);
		if (sip_reg_build(r, &b, &p) == SIP_OK && b.len < sizeof last) {
			memcpy(last, b.p, b.len);
			last[b.len] = '\0';
		}
		buf_free(&b);
	}
	return out;
}

/* Feed a response with code and extra header lines hdrs. */
static void
answer(struct sip_reg *r, int code, const char *hdrs, uint64_t now)
{
	snprintf(rbuf, sizeof rbuf, "SIP/2.0 %d X\r\n"
	    "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKx\r\n"
	    "From: <sip:alice@sip.test>;tag=a\r\nTo: <sip:alice@sip.test>;tag=b\r\n"
	    "Call-ID: c\r\nCSeq: 1 REGISTER\r\n%sContent-Length: 0\r\n\r\n",
	    code, hdrs);
	if (sip_msg_parse(&rmsg, rbuf, strlen(rbuf), 0, NULL) != SIP_OK) {
		ok(0, "response %d parses", code);
		return;
	}
	sip_reg_response(r, &rmsg, now);
}

static const char chal[] = "WWW-Authenticate: Digest realm=\"sip.test\", "
    "nonce=\"n1\", qop=\"auth\"\r\n";

/* The Authorization of the last REGISTER checks against password. */
static int
auth_ok(const char *password)
{
	struct sip_msg m;
	struct sip_auth a;
	const struct sip_hdr *h;

	if (sip_msg_parse(&m, last, strlen(last), 0, NULL) != SIP_OK ||
	    (h = sip_msg_hdr(&m, SIP_HDR_AUTHORIZATION)) == NULL ||
	    sip_auth_parse(&a, h->value, NULL) != SIP_OK)
		return 0;
	return sip_digest_verify(&a, "REGISTER", password, NULL, 0) == SIP_OK;
}

static void
test_refresh(void)
{
	struct sip_reg r;
	struct sip_reg_act a;

	setup(&r);
	ok(sip_reg_start(&r, 1000) == SIP_OK, "start");
	ok(strcmp(acts(&r, NULL), "SEND") == 0, "a REGISTER goes out first");
	ok(strstr(last, "Expires: 3600\r\n") != NULL &&
	    strstr(last, "Contact: <sip:alice@127.0.0.1:5070>\r\n") != NULL,
	    "it asks for 3600 s for the contact");
	/* the registrar grants 60 s in our Contact, 3600 in Expires */
	answer(&r, 200, "Contact: <sip:bob@127.0.0.2>;expires=10, "
	    "<sip:alice@127.0.0.1:5070>;expires=60\r\nExpires: 3600\r\n", 2000);
	ok(strcmp(acts(&r, &a), "BOUND") == 0 && a.expires == 60 &&
	    !a.refresh, "bound for the 60 s of our Contact, not another's");
	ok(sip_reg_deadline(&r) == 2000 + 30000,
	    "refresh due halfway through a short interval: %llu",
	    (unsigned long long)sip_reg_deadline(&r));
	sip_reg_timer(&r, 31999);
	ok(strcmp(acts(&r, NULL), "") == 0, "nothing before it");
	sip_reg_timer(&r, 32000);
	ok(strcmp(acts(&r, NULL), "SEND") == 0 &&
	    strstr(last, "CSeq: 2 REGISTER") != NULL &&
	    strstr(last, r.call_id) != NULL,
	    "the refresh: same Call-ID, CSeq 2");
	answer(&r, 200, "Contact: <sip:alice@127.0.0.1:5070>;expires=3600\r\n",
	    33000);
	ok(strcmp(acts(&r, &a), "BOUND") == 0 && a.refresh &&
	    sip_reg_deadline(&r) == 33000 + 3600000 - 32000,
	    "a long interval is refreshed 32 s (Timer F) before it ends");
	/* no Contact parameter: the Expires header */
	sip_reg_timer(&r, 33000 + 3600000 - 32000);
	acts(&r, NULL);
	answer(&r, 200, "Contact: <sip:alice@127.0.0.1:5070>\r\nExpires: 4\r\n",
	    4000000);
	ok(strcmp(acts(&r, &a), "BOUND") == 0 && a.expires == 4 &&
	    sip_reg_deadline(&r) == 4000000 + 2000,
	    "without expires= the Expires header is the interval");
	sip_reg_release(&r);
}

static void
test_423(void)
{
	struct sip_reg r;
	struct sip_reg_act a;

	setup(&r);
	r.expires = 5;
	sip_reg_start(&r, 0);
	acts(&r, NULL);
	answer(&r, 423, "Min-Expires: 60\r\n", 10);
	ok(strcmp(acts(&r, NULL), "SEND") == 0 &&
	    strstr(last, "Expires: 60\r\n") != NULL,
	    "423 is retried with the Min-Expires");
	answer(&r, 423, "Min-Expires: 60\r\n", 20);
	ok(strcmp(acts(&r, &a), "FAILED") == 0 && a.status == 423 &&
	    r.state == SIP_REG_FAILED,
	    "a second 423 with no longer Min-Expires ends it");
	sip_reg_release(&r);
}

static void
test_auth(void)
{
	struct sip_reg r;
	struct sip_reg_act a;

	setup(&r);
	r.user = "alice";
	r.password = "alice-secret";
	sip_reg_start(&r, 0);
	acts(&r, NULL);
	ok(strstr(last, "Authorization") == NULL, "no credentials at first");
	answer(&r, 401, chal, 10);
	ok(strcmp(acts(&r, NULL), "SEND") == 0 && auth_ok("alice-secret") &&
	    strstr(last, "nc=00000001") != NULL,
	    "401 answered with digest credentials");
	answer(&r, 200, "Contact: <sip:alice@127.0.0.1:5070>;expires=100\r\n",
	    20);
	ok(strcmp(acts(&r, NULL), "BOUND") == 0, "bound");
	sip_reg_timer(&r, sip_reg_deadline(&r));
	ok(strcmp(acts(&r, NULL), "SEND") == 0 &&
	    strstr(last, "nc=00000002") != NULL && auth_ok("alice-secret"),
	    "the refresh reuses the nonce with the next nc");
	/* a new nonce for the refresh: answered once */
	answer(&r, 401, "WWW-Authenticate: Digest realm=\"sip.test\", "
	    "nonce=\"n2\", qop=\"auth\"\r\n", 100000);
	ok(strcmp(acts(&r, NULL), "SEND") == 0 &&
	    strstr(last, "nonce=\"n2\"") != NULL,
	    "a refresh challenged with a new nonce is answered");
	answer(&r, 401, "WWW-Authenticate: Digest realm=\"sip.test\", "
	    "nonce=\"n3\", qop=\"auth\"\r\n", 100010);
	ok(strcmp(acts(&r, &a), "FAILED") == 0 && a.err == SIP_E_AUTH &&
	    a.status == 401,
	    "fresh credentials refused again: a final failure, no loop");
	sip_reg_release(&r);

	/* stale=true is taken once */
	setup(&r);
	r.user = "alice";
	r.password = "alice-secret";
	sip_reg_start(&r, 0);
	acts(&r, NULL);
	answer(&r, 401, chal, 10);
	acts(&r, NULL);
	answer(&r, 401, "WWW-Authenticate: Digest realm=\"sip.test\", "
	    "nonce=\"n9\", qop=\"auth\", stale=true\r\n", 20);
	ok(strcmp(acts(&r, NULL), "SEND") == 0, "stale=true: once more");
	answer(&r, 401, "WWW-Authenticate: Digest realm=\"sip.test\", "
	    "nonce=\"n10\", qop=\"auth\", stale=true\r\n", 30);
	ok(strcmp(acts(&r, NULL), "FAILED") == 0, "but not twice");
	sip_reg_release(&r);

	/* HA1 instead of the password */
	setup(&r);
	r.user = "alice";
	r.ha1 = "caa7112a9dc9a7f88e2e87ab58af7c87";
	sip_reg_start(&r, 0);
	acts(&r, NULL);
	answer(&r, 401, chal, 10);
	ok(strcmp(acts(&r, NULL), "SEND") == 0 && auth_ok("alice-secret"),
	    "HA1 makes the same credentials as the password");
	sip_reg_release(&r);

	/* no user: a challenge is the end */
	setup(&r);
	sip_reg_start(&r, 0);
	acts(&r, NULL);
	answer(&r, 401, chal, 10);
	ok(strcmp(acts(&r, &a), "FAILED") == 0 && a.status == 401,
	    "a challenge without credentials is a failure");
	sip_reg_release(&r);
}

static void
test_backoff(void)
{
	struct sip_reg r;
	struct sip_reg_act a;

	setup(&r);
	r.ntargets = 3;
	r.backoff_base = 1000;
	r.backoff_max = 5000;
	sip_reg_start(&r, 0);
	acts(&r, NULL);
	sip_reg_failed(&r, SIP_E_TIMEOUT, 100);
	ok(strcmp(acts(&r, &a), "RETRY") == 0 && a.wait == 1000 &&
	    a.target == 1 && sip_reg_deadline(&r) == 1100,
	    "a timeout: retry after the base time, at the next target");
	sip_reg_timer(&r, 1100);
	ok(strcmp(acts(&r, &a), "SEND") == 0 && a.target == 1 && a.new_flow,
	    "the retry goes to target 2 on a new flow");
	answer(&r, 500, "", 1200);
	ok(strcmp(acts(&r, &a), "RETRY") == 0 && a.wait == 2000 &&
	    a.target == 2, "then twice as long");
	sip_reg_timer(&r, 3200);
	acts(&r, NULL);
	answer(&r, 503, "Retry-After: 7\r\n", 3300);
	ok(strcmp(acts(&r, &a), "RETRY") == 0 && a.wait == 7000 &&
	    a.target == 0, "Retry-After wins, and the list wraps round");
	sip_reg_timer(&r, 10300);
	acts(&r, NULL);
	sip_reg_failed(&r, SIP_E_NET, 10400);
	acts(&r, NULL);
	sip_reg_timer(&r, sip_reg_deadline(&r));
	acts(&r, NULL);
	sip_reg_failed(&r, SIP_E_NET, 30000);
	ok(strcmp(acts(&r, &a), "RETRY") == 0 && a.wait == 5000,
	    "capped at the maximum");
	sip_reg_timer(&r, 35000);
	acts(&r, NULL);
	answer(&r, 200, "Contact: <sip:alice@127.0.0.1:5070>;expires=100\r\n",
	    35100);
	ok(strcmp(acts(&r, NULL), "BOUND") == 0 && r.fails == 0,
	    "a 200 resets the count");
	answer(&r, 200, "", 35200);
	ok(strcmp(acts(&r, NULL), "") == 0, "a stray 200 changes nothing");
	sip_reg_release(&r);

	setup(&r);
	r.once = 1;
	sip_reg_start(&r, 0);
	acts(&r, NULL);
	sip_reg_failed(&r, SIP_E_TIMEOUT, 100);
	ok(strcmp(acts(&r, &a), "FAILED") == 0 && a.err == SIP_E_TIMEOUT,
	    "once: a timeout is final");
	sip_reg_release(&r);

	setup(&r);
	sip_reg_start(&r, 0);
	acts(&r, NULL);
	answer(&r, 403, "", 10);
	ok(strcmp(acts(&r, &a), "FAILED") == 0 && a.status == 403,
	    "403 is final");
	sip_reg_release(&r);
}

static void
test_keepalive(void)
{
	struct sip_reg r;

	setup(&r);
	r.ka_auto = 1;
	r.ka_default_ms = 40000;
	r.instance = "urn:uuid:00000000-0000-4000-8000-000000000001";
	r.reg_id = 1;
	sip_reg_start(&r, 0);
	acts(&r, NULL);
	ok(strstr(last, ";+sip.instance=\"<urn:uuid:00000000-0000-4000-8000-"
	    "000000000001>\";reg-id=1") != NULL &&
	    strstr(last, "Supported: outbound, path") != NULL,
	    "outbound: instance, reg-id and Supported");
	/* the registrar rewrote the URI; instance and reg-id match */
	answer(&r, 200, "Contact: <sip:alice@192.0.2.1:1234>;expires=600;"
	    "+sip.instance=\"<urn:uuid:00000000-0000-4000-8000-000000000001>\";"
	    "reg-id=1\r\nFlow-Timer: 25\r\n", 0);
	ok(strcmp(acts(&r, NULL), "BOUND") == 0 && r.granted == 600,
	    "our contact is found by instance and reg-id");
	ok(sip_reg_deadline(&r) == 25000, "a ping at the Flow-Timer");
	sip_reg_timer(&r, 25000);
	ok(strcmp(acts(&r, NULL), "PING") == 0 &&
	    sip_reg_deadline(&r) == 35000, "a pong is owed within 10 s");
	sip_reg_pong(&r, 25010);
	ok(sip_reg_deadline(&r) == 50010, "a pong: the next ping");
	sip_reg_timer(&r, 50010);
	acts(&r, NULL);
	sip_reg_timer(&r, 60010);
	ok(strcmp(acts(&r, NULL), "FLOW,SEND") == 0 && r.new_flow == 0,
	    "no pong: the flow failed, re-registered on a new one");
	answer(&r, 200, "Contact: <sip:alice@192.0.2.1:1234>;expires=600;"
	    "+sip.instance=\"<urn:uuid:00000000-0000-4000-8000-000000000001>\";"
	    "reg-id=1\r\n", 60100);
	acts(&r, NULL);
	sip_reg_flow_failed(&r, 70000);
	ok(strcmp(acts(&r, NULL), "FLOW,SEND") == 0,
	    "a flow closed under a binding: registered again at once");
	sip_reg_release(&r);
}

/* Run the machine's timers at each deadline up to until: what they
 * queue, a PING as its time after from ("r" when a resend), as
 * "0+500r+1500r". */
static const char *
pings_until(struct sip_reg *r, uint64_t from, uint64_t until)
{
	static char out[256];
	struct sip_reg_act a;
	uint64_t d;
	size_t n = 0;

	out[0] = '\0';
	while ((d = sip_reg_deadline(r)) != 0 && d <= until) {
		sip_reg_timer(r, d);
		while (sip_reg_action(r, &a) && n < sizeof out - 32) {
			n += (size_t)snprintf(out + n, sizeof out - n, "%s",
			    n ? "+" : "");
			if (a.type == SIP_REG_A_PING)
				n += (size_t)snprintf(out + n, sizeof out - n,
				    "%llu%s", (unsigned long long)(d - from),
				    a.retrans ? "r" : "");
			else
				n += (size_t)snprintf(out + n, sizeof out - n,
				    "%s", sip_reg_act_name(a.type));
		}
	}
	return out;
}

static void
test_stun_resend(void)
{
	struct sip_reg r;
	const char *s;

	setup(&r);
	r.ka_ms = 20000;
	r.ka_resend = 1;
	sip_reg_start(&r, 0);
	acts(&r, NULL);
	answer(&r, 200, "Expires: 600\r\n", 0);
	acts(&r, NULL);
	/* RFC 5389 7.2.1: 500 ms doubling, within the 10 s pong wait */
	s = pings_until(&r, 20000, 29999);
	ok(strcmp(s, "0+500r+1500r+3500r+7500r") == 0,
	    "an unanswered STUN ping is resent at 0.5, 1.5, 3.5, 7.5 s (%s)", s);
	sip_reg_timer(&r, 30000);
	ok(strcmp(acts(&r, NULL), "FLOW,SEND") == 0,
	    "none answered by 10 s: the flow failed");
	answer(&r, 200, "Expires: 600\r\n", 30100);
	acts(&r, NULL);
	/* an answer to a resend stops the rest */
	s = pings_until(&r, 50100, 51600);
	ok(strcmp(s, "0+500r+1500r") == 0, "resent again on the new flow (%s)",
	    s);
	sip_reg_pong(&r, 51700);
	ok(sip_reg_deadline(&r) == 71700, "answered: next ping in 20 s");
	sip_reg_release(&r);

	/* a short pong wait: only the resends that fit in it */
	setup(&r);
	r.ka_ms = 2000;
	r.pong_wait = 1000;
	r.ka_resend = 1;
	sip_reg_start(&r, 0);
	acts(&r, NULL);
	answer(&r, 200, "Expires: 600\r\n", 0);
	acts(&r, NULL);
	s = pings_until(&r, 2000, 2999);
	ok(strcmp(s, "0+500r") == 0, "--keepalive-timeout 1: one resend (%s)",
	    s);
	sip_reg_release(&r);

	/* a stream: no resends */
	setup(&r);
	r.ka_ms = 2000;
	sip_reg_start(&r, 0);
	acts(&r, NULL);
	answer(&r, 200, "Expires: 600\r\n", 0);
	acts(&r, NULL);
	s = pings_until(&r, 2000, 11999);
	ok(strcmp(s, "0") == 0, "a CRLF ping is not resent (%s)", s);
	sip_reg_release(&r);
}

static void
test_stop(void)
{
	struct sip_reg r;
	struct sip_reg_act a;

	setup(&r);
	sip_reg_start(&r, 0);
	acts(&r, NULL);
	answer(&r, 200, "Contact: <sip:alice@127.0.0.1:5070>;expires=60\r\n", 10);
	acts(&r, NULL);
	sip_reg_stop(&r, 20);
	ok(strcmp(acts(&r, NULL), "SEND") == 0 &&
	    strstr(last, "Expires: 0\r\n") != NULL &&
	    strstr(last, "Contact: <sip:alice@127.0.0.1:5070>\r\n") != NULL,
	    "stop: Expires 0 for our contact");
	answer(&r, 200, "", 30);
	ok(strcmp(acts(&r, &a), "UNBOUND") == 0 && a.status == 200 &&
	    r.state == SIP_REG_DONE && sip_reg_deadline(&r) == 0,
	    "unregistered, done");
	sip_reg_release(&r);

	/* a stop while the first REGISTER is out waits for its answer */
	setup(&r);
	sip_reg_start(&r, 0);
	acts(&r, NULL);
	sip_reg_stop(&r, 5);
	ok(strcmp(acts(&r, NULL), "") == 0, "stop while sending: wait");
	answer(&r, 200, "Contact: <sip:alice@127.0.0.1:5070>;expires=60\r\n", 10);
	ok(strcmp(acts(&r, NULL), "SEND") == 0 &&
	    strstr(last, "Expires: 0\r\n") != NULL,
	    "then take the binding back");
	sip_reg_release(&r);

	/* backing off: nothing to take back */
	setup(&r);
	sip_reg_start(&r, 0);
	acts(&r, NULL);
	sip_reg_failed(&r, SIP_E_TIMEOUT, 10);
	acts(&r, NULL);
	sip_reg_stop(&r, 20);
	ok(strcmp(acts(&r, NULL), "UNBOUND") == 0 && r.state == SIP_REG_DONE,
	    "stop while backing off ends at once");
	sip_reg_release(&r);
}

static void
test_modes(void)
{
	struct sip_reg r;

	setup(&r);
	r.mode = SIP_REG_QUERY;
	r.ncontacts = 0;
	sip_reg_start(&r, 0);
	acts(&r, NULL);
	ok(strstr(last, "Contact:") == NULL && strstr(last, "Expires:") == NULL,
	    "a query has no Contact and no Expires");
	answer(&r, 200, "Contact: <sip:x@127.0.0.1>;expires=5\r\n", 10);
	ok(strcmp(acts(&r, NULL), "LISTED") == 0 && r.state == SIP_REG_DONE,
	    "listed");
	sip_reg_release(&r);

	/* a query whose registrar cannot be reached fails: no backoff */
	setup(&r);
	r.mode = SIP_REG_QUERY;
	r.ncontacts = 0;
	sip_reg_start(&r, 0);
	acts(&r, NULL);
	sip_reg_failed(&r, SIP_E_NET, 10);
	ok(strcmp(acts(&r, NULL), "FAILED") == 0 && r.state == SIP_REG_FAILED &&
	    sip_reg_deadline(&r) == 0, "an unreachable query fails, no retry");
	sip_reg_release(&r);

	/* so does a removal answered 503 with Retry-After */
	setup(&r);
	r.mode = SIP_REG_REMOVE;
	sip_reg_start(&r, 0);
	acts(&r, NULL);
	answer(&r, 503, "Retry-After: 5\r\n", 10);
	ok(strcmp(acts(&r, NULL), "FAILED") == 0 && r.state == SIP_REG_FAILED,
	    "a removal answered 503 fails, no retry");
	sip_reg_release(&r);

	setup(&r);
	r.mode = SIP_REG_REMOVE_ALL;
	r.ncontacts = 0;
	sip_reg_start(&r, 0);
	acts(&r, NULL);
	ok(strstr(last, "Contact: *\r\n") != NULL &&
	    strstr(last, "Expires: 0\r\n") != NULL, "remove all: Contact: *");
	sip_reg_release(&r);

	setup(&r);
	r.mode = SIP_REG_REMOVE;
	sip_reg_start(&r, 0);
	acts(&r, NULL);
	ok(strstr(last, "Contact: <sip:alice@127.0.0.1:5070>\r\n") != NULL &&
	    strstr(last, "Expires: 0\r\n") != NULL, "remove one: Expires 0");
	sip_reg_release(&r);

	setup(&r);
	r.contacts[0].q = 500;
	snprintf(r.contacts[1].uri, sizeof r.contacts[1].uri,
	    "sip:alice@127.0.0.1:5071;transport=tcp");
	r.contacts[1].q = 1000;
	r.ncontacts = 2;
	sip_reg_start(&r, 0);
	acts(&r, NULL);
	ok(strstr(last, "Contact: <sip:alice@127.0.0.1:5070>;q=0.5, "
	    "<sip:alice@127.0.0.1:5071;transport=tcp>;q=1.0\r\n") != NULL,
	    "two contacts with q-values");
	answer(&r, 200, "Contact: <sip:alice@127.0.0.1:5070>;expires=60, "
	    "<sip:alice@127.0.0.1:5071;transport=tcp>;expires=30\r\n", 10);
	ok(strcmp(acts(&r, NULL), "BOUND") == 0 && r.granted == 30,
	    "the shortest of our contacts' intervals is refreshed");
	sip_reg_release(&r);

	setup(&r);
	r.ncontacts = 0;
	ok(sip_reg_start(&r, 0) == SIP_E_INVAL, "no contact to bind: invalid");
}

/* The same bytes every draw: two registrations' ids and cnonces equal. */
static int
fixed(unsigned char *buf, int num)
{
	memset(buf, 0x5a, (size_t)num);
	return 1;
}

/*
 * r's next REGISTER, built with body (NULL none), into out with its
 * branch written over with x's; its length, 0 when none was built.
 */
static size_t
built(struct sip_reg *r, const char *body, char *out, size_t n)
{
	struct sip_reg_act a;
	struct sip_req_params p;
	struct buf b;
	size_t boff, blen, len = 0;

	while (sip_reg_action(r, &a)) {
		if (a.type != SIP_REG_A_SEND)
			continue;
		memset(&p, 0, sizeof p);
		p.via_host = "127.0.0.1";
		p.via_port = 5070;
		p.body = body;
		p.body_len = body != NULL ? strlen(body) : 0;
		buf_init(&b, 8192);
		if (sip_reg_build_at(r, &b, &p, &boff, &blen) == SIP_OK &&
		    blen > 0 && b.len < n) {
			memcpy(out, b.p, b.len);
			memset(out + boff, 'x', blen);
			out[b.len] = '\0';
			len = b.len;
		}
		buf_free(&b);
	}
	return len;
}

static void
test_tmpl(void)
{
	static char with[8192], without[8192];
	struct sip_build_tmpl t = { 0 };
	struct sip_reg r, plain;
	int same = 1, round;

	sip_rand_source(fixed);
	/* twice: the template built, then only patched */
	for (round = 0; round < 2; round++) {
		setup(&r);
		setup(&plain);
		r.user = plain.user = "alice";
		r.password = plain.password = "alice-secret";
		r.tmpl = &t;
		sip_reg_start(&r, 0);
		sip_reg_start(&plain, 0);
		same &= built(&r, NULL, with, sizeof with) > 0 &&
		    built(&plain, NULL, without, sizeof without) > 0 &&
		    strcmp(with, without) == 0;
		answer(&r, 401, chal, 10);
		answer(&plain, 401, chal, 10);
		same &= built(&r, NULL, with, sizeof with) > 0 &&
		    built(&plain, NULL, without, sizeof without) > 0 &&
		    strcmp(with, without) == 0;
		memcpy(last, with, strlen(with) + 1);
		ok(auth_ok("alice-secret") && strstr(with, "CSeq: 2 ") != NULL,
		    "template, round %d: the REGISTER answering the 401 has "
		    "CSeq 2 and credentials that check", round + 1);
		sip_reg_release(&r);
		sip_reg_release(&plain);
	}
	ok(same && t.ok, "a REGISTER from a user's template, before and "
	    "after the 401, is byte for byte the one built without it "
	    "(the branch aside), also when the template is reused");

	/*
	 * The caller's gen spares the comparison of parameters, but what
	 * the machine changes (the Expires after a 423, a removal) is
	 * still built: the template is not taken on its word then.
	 */
	sip_build_tmpl_free(&t);
	memset(&t, 0, sizeof t);
	for (round = 0; round < 2; round++) {
		setup(&r);
		setup(&plain);
		r.tmpl = &t;
		r.gen = 7;
		sip_reg_start(&r, 0);
		sip_reg_start(&plain, 0);
		built(&r, NULL, with, sizeof with);
		built(&plain, NULL, without, sizeof without);
		ok(strcmp(with, without) == 0 && t.ok && t.gen == 7,
		    "with a gen, round %d: the REGISTER is the one built "
		    "without a template", round + 1);
		answer(&r, 423, "Min-Expires: 7200\r\n", 10);
		built(&r, NULL, with, sizeof with);
		ok(strstr(with, "Expires: 7200\r\n") != NULL,
		    "with a gen, round %d: after a 423 the Min-Expires is "
		    "asked, not the template's", round + 1);
		answer(&r, 200, "Contact: <sip:alice@127.0.0.1:5070>;"
		    "expires=7200\r\n", 20);
		acts(&r, NULL);
		sip_reg_stop(&r, 30);
		built(&r, NULL, with, sizeof with);
		ok(strstr(with, "Expires: 0\r\n") != NULL,
		    "with a gen, round %d: the removal asks for 0", round + 1);
		sip_reg_release(&r);
		sip_reg_release(&plain);
	}

	/* a body after Content-Length: the credentials still go in */
	setup(&r);
	r.user = "alice";
	r.password = "alice-secret";
	r.tmpl = &t;
	sip_reg_start(&r, 0);
	built(&r, "x", with, sizeof with);
	answer(&r, 401, chal, 10);
	ok(built(&r, "x", with, sizeof with) > 0 &&
	    strstr(with, "\r\nAuthorization: Digest ") != NULL &&
	    strstr(with, "Content-Length: 1\r\n\r\nx") != NULL,
	    "with a body the REGISTER is built whole, credentials and all");
	sip_reg_release(&r);
	sip_build_tmpl_free(&t);
	sip_rand_source(NULL);
}

/* RFC 3680 3.1: the registrar asks for a registration before its time. */
static void
test_asked(void)
{
	struct sip_reg r;
	struct sip_reg_act a;

	setup(&r);
	sip_reg_start(&r, 0);
	acts(&r, NULL);
	sip_reg_refresh(&r, 0, 0);
	ok(strcmp(acts(&r, NULL), "") == 0, "not bound yet: nothing asked");
	answer(&r, 200, "Contact: <sip:alice@127.0.0.1:5070>;expires=3600\r\n",
	    1000);
	acts(&r, NULL);
	ok(sip_reg_deadline(&r) == 1000 + 3600000 - 32000, "bound for 3600 s");
	sip_reg_refresh(&r, 60000, 2000);
	ok(strcmp(acts(&r, NULL), "") == 0 && sip_reg_deadline(&r) == 60000,
	    "probation: the refresh moves to the time asked, nothing now");
	sip_reg_refresh(&r, 4000000, 3000);
	ok(sip_reg_deadline(&r) == 60000, "a later time does not put it off");
	sip_reg_refresh(&r, 5000, 5000);
	ok(strcmp(acts(&r, NULL), "SEND") == 0 &&
	    strstr(last, "CSeq: 2 REGISTER") != NULL &&
	    strstr(last, "Expires: 3600\r\n") != NULL,
	    "shortened or deactivated: a refresh at once, for the full time");
	answer(&r, 200, "Contact: <sip:alice@127.0.0.1:5070>;expires=3600\r\n",
	    6000);
	ok(strcmp(acts(&r, &a), "BOUND") == 0 && a.refresh,
	    "the answer is a refresh");
	sip_reg_stop(&r, 7000);
	acts(&r, NULL);
	sip_reg_refresh(&r, 7000, 7000);
	ok(strcmp(acts(&r, NULL), "") == 0 && r.unreg,
	    "stopping: the unregistration is not turned into a refresh");
	sip_reg_release(&r);

	/* shortened after a password change: the reused nonce is refused */
	setup(&r);
	r.user = "alice";
	r.password = "alice-secret";
	sip_reg_start(&r, 0);
	acts(&r, NULL);
	answer(&r, 401, chal, 10);
	acts(&r, NULL);
	answer(&r, 200, "Contact: <sip:alice@127.0.0.1:5070>;expires=3600\r\n",
	    20);
	acts(&r, NULL);
	sip_reg_refresh(&r, 1000, 1000);
	ok(strcmp(acts(&r, NULL), "SEND") == 0 &&
	    strstr(last, "nc=00000002") != NULL,
	    "the refresh asked for reuses the nonce");
	answer(&r, 401, chal, 1010);
	ok(strcmp(acts(&r, &a), "FAILED") == 0 && a.status == 401 &&
	    a.why != NULL && strcmp(a.why, "credentials refused") == 0,
	    "the same nonce refused again: credentials refused, no loop");
	sip_reg_release(&r);
}

/* Granted: our contact as sent, or written otherwise but the same URI. */
static uint32_t
grant(int ncontacts, const char *hdrs)
{
	struct sip_reg r;
	uint32_t g;

	setup(&r);
	if (ncontacts == 2) {
		snprintf(r.contacts[1].uri, sizeof r.contacts[1].uri,
		    "sip:alice@127.0.0.1:5071;transport=tcp");
		r.ncontacts = 2;
	}
	sip_reg_start(&r, 0);
	acts(&r, NULL);
	answer(&r, 200, hdrs, 10);
	acts(&r, NULL);
	g = r.granted;
	sip_reg_release(&r);
	return g;
}

static void
test_granted(void)
{
	ok(grant(1, "Contact: <sip:bob@127.0.0.2:5061;transport=UDP>;"
	    "expires=10, <sip:alice@127.0.0.1:5070>;expires=70\r\n") == 70,
	    "another binding first, ours as sent: ours");
	ok(grant(1, "Contact: <sip:alice@127.0.0.1:5070>;expires=70\r\n"
	    "Contact: <sip:bob@127.0.0.2>;expires=10\r\n") == 70,
	    "ours first, another after it in its own header");
	ok(grant(1, "Contact: <sip:bob@127.0.0.2>;expires=10, "
	    "\"Alice\" <sip:%61lice@127.0.0.1:5070>;expires=45\r\n") == 45,
	    "ours written otherwise (a display name, an escape) is found "
	    "by comparing URIs (RFC 3261 19.1.4)");
	ok(grant(1, "Contact: <sip:alice@127.0.0.1:5070;transport=udp>;"
	    "expires=10, <sip:alice@127.0.0.1:5070>;expires=70\r\n") == 70,
	    "a transport= ours lacks is another binding");
	ok(grant(1, "Contact: <sip:bob@127.0.0.2>;expires=10, "
	    "<sip:alice@127.0.0.1:5070>\r\nExpires: 33\r\n") == 33,
	    "ours as sent without expires=: the Expires header");
	ok(grant(1, "Contact: <sip:alice@127.0.0.1:5070>;expires=x\r\n"
	    "Expires: 34\r\n") == 34,
	    "an expires= that is no number: the Expires header");
	ok(grant(1, "Contact: <sip:bob@127.0.0.2>;expires=10\r\n") == 3600,
	    "none of ours: what was asked, not another's interval");
	ok(grant(2, "Contact: <sip:alice@127.0.0.1:5070>;expires=60, "
	    "<sip:alice@127.0.0.1:5071;TRANSPORT=TCP>;expires=30\r\n") == 30,
	    "two of ours, one written otherwise: the shorter");
	ok(grant(2, "Contact: <sip:alice@127.0.0.1:5071;transport=tcp>;"
	    "expires=20, <sip:alice@127.0.0.1:5070>;expires=60\r\n") == 20,
	    "two of ours as sent: the shorter");
	ok(grant(1, "Contact: <sip:alice@127.0.0.1:5070>;expires=60;"
	    "a=\"unterminated\r\nExpires: 35\r\n") == 35,
	    "ours with a parameter that does not parse is not ours: "
	    "the Expires header");
}

int
main(void)
{
	test_refresh();
	test_423();
	test_auth();
	test_backoff();
	test_keepalive();
	test_stun_resend();
	test_stop();
	test_modes();
	test_tmpl();
	test_asked();
	test_granted();
	return done();
}
