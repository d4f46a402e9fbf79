/*
 * calls.c - the call table (lib/calls.h): calls by Call-ID in first-seen
 * order, and eviction of the call idle longest when the table is full,
 * found at the head of the activity list (no scan), counted and handed
 * back.  The cap is lowered through the table's max field, which
 * sip_calls_init() sets to SIP_MAX_DIALOGS.
 */
#include <stdio.h>
#include <string.h>

#include "calls.h"
#include "tap.h"

/* Add an OPTIONS of Call-ID cid at second ts; returns what was evicted. */
static struct sip_call *
add(struct sip_calls *t, const char *cid, unsigned ts, enum sip_err *ep)
{
	static char text[512];
	static struct sip_msg m;
	struct sip_call *ev = NULL;
	int n;

	n = snprintf(text, sizeof(text), "OPTIONS sip:b@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK%u\r\n"
	    "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\n"
	    "Call-ID: %s\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
	    ts, cid);
	if (sip_msg_parse(&m, text, (size_t)n, 0, NULL) != SIP_OK)
		return NULL;
	*ep = sip_calls_add(t, &m, (uint64_t)ts * 1000000000ull, ts, "a:1",
	    "b:2", "UDP", 0, &ev);
	return ev;
}

int
main(void)
{
	struct sip_calls t;
	struct sip_call *c, *ev;
	enum sip_err e = SIP_OK;
	char cid[32];
	unsigned i;
	int order_ok;

	sip_calls_init(&t, 1);
	ok(t.max == SIP_MAX_DIALOGS, "the cap is SIP_MAX_DIALOGS (%zu)", t.max);
	t.max = 3;
	ok(add(&t, "a", 1, &e) == NULL && e == SIP_OK, "a: room");
	ok(add(&t, "b", 2, &e) == NULL && e == SIP_OK, "b: room");
	ok(add(&t, "c", 3, &e) == NULL && e == SIP_OK, "c: room");
	/* a is busy again; b is now idle longest */
	ok(add(&t, "a", 4, &e) == NULL && e == SIP_OK && t.ncalls == 3,
	    "a again: the same call, no eviction");
	ev = add(&t, "d", 5, &e);
	ok(ev != NULL && strcmp(ev->callid, "b") == 0 && e == SIP_E_TOOBIG &&
	    t.evicted == 1 && t.ncalls == 3,
	    "d: the table is full; b, idle longest, is handed back and counted");
	ok(ev != NULL && ev->nmsgs == 1 && ev->nev == 1,
	    "the evicted call keeps its message");
	ok(t.nevents == 4, "its event left the table's count (%zu)", t.nevents);
	sip_call_free(ev);
	ev = add(&t, "e", 6, &e);
	ok(ev != NULL && strcmp(ev->callid, "c") == 0 && t.evicted == 2,
	    "e: then c goes");
	sip_call_free(ev);
	ev = add(&t, "f", 7, &e);
	ok(ev != NULL && strcmp(ev->callid, "a") == 0 && t.evicted == 3,
	    "f: then a, busy at 4 but idle since");
	sip_call_free(ev);
	/* first-seen order is kept for what is left: d, e, f */
	order_ok = 1;
	for (i = 0; (c = sip_calls_take(&t)) != NULL; i++) {
		order_ok &= i < 3 && c->callid[0] == "def"[i];
		sip_call_free(c);
	}
	ok(order_ok && i == 3 && t.ncalls == 0 && t.lru.idle == NULL &&
	    t.lru.busy == NULL, "the rest come out in first-seen order: d, e, f");

	/* Many calls through a small table: each eviction is the oldest. */
	sip_calls_init(&t, 0);
	t.max = 100;
	order_ok = 1;
	for (i = 0; i < 20000; i++) {
		snprintf(cid, sizeof(cid), "call-%u", i);
		ev = add(&t, cid, i, &e);
		if (i >= 100) {
			char want[32];

			snprintf(want, sizeof(want), "call-%u", i - 100);
			order_ok &= ev != NULL && strcmp(ev->callid, want) == 0;
		}
		sip_call_free(ev);
	}
	ok(order_ok && t.evicted == 19900 && t.ncalls == 100,
	    "20000 calls through a table of 100: 19900 evicted, oldest first");
	sip_calls_release(&t);
	return done();
}
