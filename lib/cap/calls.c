/*
 * calls.c - calls by Call-ID, for sip-parse --calls and --flow.
 *
 * RFC 3261 12 (a dialog is named by Call-ID and tags; here the Call-ID
 * alone groups a call's messages, forks included), 13 and 15 (INVITE,
 * CANCEL, BYE and the states a call goes through), 9.1 (487 after CANCEL);
 * RFC 3264 and RFC 6337 2 (which SDP is an offer, which an answer).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"

static char *
dup_str(const char *s)
{
	return slice_dup(slice_cstr(s != NULL ? s : "?"));
}

static unsigned
hash(struct slice s)
{
	return slice_hash(SLICE_HASH0, s) % SIP_CALLS_BUCKETS;
}

void
sip_calls_init(struct sip_calls *t, int keep_events)
{
	memset(t, 0, sizeof(*t));
	t->keep_events = keep_events;
	t->max = SIP_MAX_DIALOGS;
}

void
sip_call_free(struct sip_call *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nev; i++) {
		free(c->ev[i].src);
		free(c->ev[i].dst);
		free(c->ev[i].label);
	}
	free(c->ev);
	free(c);	/* and its strings */
}


/* Unlink c from the hash chain and both lists. */
static void
unlink_call(struct sip_calls *t, struct sip_call *c)
{
	struct sip_call **pp;

	for (pp = &t->bucket[c->hash]; *pp != NULL;
	    pp = &(*pp)->hnext)
		if (*pp == c) {
			*pp = c->hnext;
			break;
		}
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		t->head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	else
		t->tail = c->prev;
	sip_lru_unlink(&t->lru, &c->lru);
	c->next = c->prev = c->hnext = NULL;
	t->ncalls--;
	t->nevents -= c->nev;
}

void
sip_calls_release(struct sip_calls *t)
{
	struct sip_call *c;

	while ((c = sip_calls_take(t)) != NULL)
		sip_call_free(c);
}

struct sip_call *
sip_calls_take(struct sip_calls *t)
{
	struct sip_call *c = t->head;

	if (c != NULL)
		unlink_call(t, c);
	return c;
}

const char *
sip_call_state_name(enum sip_call_state s)
{
	static const char *const names[] = {
		"SETUP", "RINGING", "ANSWERED", "COMPLETED", "CANCELLED",
		"REJECTED", "AUTH", "OTHER"
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}


/*
 * What a message's CSeq says, read once: its number, 0 when it has none
 * (a capture may be broken), and the method: the request's, or the
 * CSeq's word as written (sip_field_cseq_method()).
 */
struct cseq {
	uint32_t	 num;
	struct slice	 meth;
};

static void
cseq_of(const struct sip_msg *m, struct cseq *q)
{
	struct slice v = slice_trim(sip_msg_value(m, SIP_HDR_CSEQ));
	uint32_t n = 0;
	size_t i;

	for (i = 0; i < v.len && v.p[i] >= '0' && v.p[i] <= '9' && i < 10; i++)
		n = n * 10 + (uint32_t)(v.p[i] - '0');
	q->num = n;
	if (m->is_request) {
		q->meth = m->method;
		return;
	}
	while (i < v.len && v.p[i] != ' ' && v.p[i] != '\t')
		i++;
	/* (no CSeq: v.p is NULL, and NULL + 0 is undefined) */
	q->meth = v.p != NULL ? slice_trim(slice_from(v, i)) : SLICE_NULL;
}

/*
 * Whether m belongs to the call's last transaction of its first method,
 * moving on to a new one (higher CSeq): an INVITE after a challenge or a
 * rejection starts the call again.  An answer to an older transaction
 * (a late 401 after the authenticated INVITE went out) is ignored.
 */
static int
current(struct sip_call *c, uint32_t n)
{
	if (n == 0 || n == c->cseq)
		return 1;
	if (n < c->cseq)
		return 0;
	c->cseq = n;
	if (c->state == SIP_CALL_AUTH || c->state == SIP_CALL_REJECTED ||
	    c->state == SIP_CALL_CANCELLED) {
		c->state = SIP_CALL_SETUP;
		c->status = 0;
	}
	return 1;
}

/* The call's state after m (RFC 3261 13, 15; 22.2, 22.3 challenges). */
static void
advance(struct sip_call *c, const struct sip_msg *m, const struct cseq *q,
    uint64_t ts_ns)
{
	struct slice meth = q->meth;
	/* a request's method was looked up by the parse: no compares */
	int invite = m->is_request ? m->mid == SIP_METHOD_INVITE :
	    meth.len == 6 && memcmp(meth.p, "INVITE", 6) == 0;
	int auth = m->status == 401 || m->status == 407;

	if (c->state == SIP_CALL_OTHER) {
		if (!slice_eq_cstr(meth, c->method) || !current(c, q->num))
			return;
		if (!m->is_request && m->status >= 200) {
			c->status = m->status;
			c->challenges += auth;
		}
		return;
	}
	if (m->is_request) {
		if (m->mid == SIP_METHOD_CANCEL &&
		    c->state < SIP_CALL_ANSWERED)
			c->state = SIP_CALL_CANCELLED;
		else if (m->mid == SIP_METHOD_BYE &&
		    c->state == SIP_CALL_ANSWERED)
			c->state = SIP_CALL_COMPLETED;
		else if (invite)
			(void)current(c, q->num);
		return;
	}
	if (!invite || !current(c, q->num))
		return;
	if (m->status < 200) {
		if (c->state == SIP_CALL_SETUP && m->status > 100)
			c->state = SIP_CALL_RINGING;
		return;
	}
	c->status = m->status;
	if (m->status < 300) {
		if (c->state < SIP_CALL_ANSWERED ||
		    c->state == SIP_CALL_CANCELLED) {
			c->state = SIP_CALL_ANSWERED;
			if (c->answer_ns == 0)
				c->answer_ns = ts_ns;
		}
	} else if (c->state < SIP_CALL_ANSWERED) {
		c->challenges += auth;
		c->state = auth ? SIP_CALL_AUTH : m->status == 487 ?
		    SIP_CALL_CANCELLED : SIP_CALL_REJECTED;
	} else if (c->state == SIP_CALL_CANCELLED && m->status != 487) {
		c->state = SIP_CALL_REJECTED;
	}
}

/* s, then tail, in a new string. */
static char *
dup_label(struct slice s, const char *tail)
{
	size_t n = strlen(tail);
	char *p = malloc(s.len + n + 1);

	if (p == NULL)
		return NULL;
	if (s.len > 0)
		memcpy(p, s.p, s.len);
	memcpy(p + s.len, tail, n + 1);
	return p;
}

/* Does m carry SDP, alone or as a part of a multipart body? */
static int
has_sdp(const struct sip_msg *m)
{
	struct slice ct = sip_msg_value(m, SIP_HDR_CONTENT_TYPE);
	static const char sdp[] = "application/sdp";
	size_t i;

	if (m->body.len == 0)
		return 0;
	if (ct.len >= 15 && slice_ieq(slice_make(ct.p, 15), SLICE_LIT(sdp)))
		return 1;
	if (ct.len < 10 || !slice_ieq(slice_make(ct.p, 10),
	    SLICE_LIT("multipart/")))
		return 0;
	for (i = 0; i + 15 <= m->body.len; i++)
		if (slice_ieq(slice_make(m->body.p + i, 15), SLICE_LIT(sdp)))
			return 1;
	return 0;
}

/*
 * RFC 3264 4 and RFC 6337 2.1: SDP in a request answers an offer made
 * in a response (to an INVITE without SDP: in the ACK or PRACK), and is
 * an offer otherwise; SDP in a response answers the offer of its request
 * (every reliable or unreliable 18x and the 2xx repeat it), and is an
 * offer otherwise.  A retransmission is what it was the first time.
 */
static const char *
sdp_role(struct sip_call *c, const struct sip_msg *m, uint32_t n, int retrans)
{
	if (!has_sdp(m))
		return "";
	if (m->is_request) {
		if (c->resp_offer && (m->mid == SIP_METHOD_ACK ||
		    m->mid == SIP_METHOD_PRACK)) {
			if (!retrans)
				c->resp_offer = 0;
			return " (answer)";
		}
		if (!retrans) {
			c->req_offer = 1;
			c->offer_cseq = n;
		}
		return " (offer)";
	}
	if (c->req_offer && n == c->offer_cseq)
		return " (answer)";
	if (!retrans)
		c->resp_offer = 1;
	return " (offer)";
}

/*
 * The next event of c, its time, frame, ends and retrans filled; NULL
 * when out of memory or over SIP_MAX_FLOW_EVENTS (counted).  The caller
 * sets the rest and hands it to event_done().
 */
static struct sip_call_event *
new_event(struct sip_calls *t, struct sip_call *c, uint64_t ts_ns,
    unsigned long frame, const char *src, const char *dst, int retrans)
{
	struct sip_call_event *ev;

	if (t->nevents >= SIP_MAX_FLOW_EVENTS) {
		t->events_dropped++;
		return NULL;
	}
	if (c->nev == c->evcap) {
		size_t ncap = c->evcap ? c->evcap * 2 : 8;
		struct sip_call_event *n = realloc(c->ev, ncap * sizeof(*n));

		if (n == NULL)
			return NULL;
		c->ev = n;
		c->evcap = ncap;
	}
	ev = &c->ev[c->nev];
	memset(ev, 0, sizeof(*ev));
	ev->ts_ns = ts_ns;
	ev->frame = frame;
	ev->retrans = retrans;
	ev->src = dup_str(src);
	ev->dst = dup_str(dst);
	return ev;
}

static enum sip_err
event_done(struct sip_calls *t, struct sip_call *c, struct sip_call_event *ev)
{
	if (ev->src == NULL || ev->dst == NULL || ev->label == NULL) {
		free(ev->src);
		free(ev->dst);
		free(ev->label);
		return SIP_E_NOMEM;
	}
	c->nev++;
	t->nevents++;
	return SIP_OK;
}

static enum sip_err
add_event(struct sip_calls *t, struct sip_call *c, const struct sip_msg *m,
    uint32_t cseq, uint64_t ts_ns, unsigned long frame, const char *src,
    const char *dst, const char *tp, int retrans)
{
	struct sip_call_event *ev;

	char tail[96];
	const char *role;
	struct slice cs;
	size_t k;

	role = sdp_role(c, m, cseq, retrans);
	if ((ev = new_event(t, c, ts_ns, frame, src, dst, retrans)) == NULL)
		return t->nevents >= SIP_MAX_FLOW_EVENTS ? SIP_OK : SIP_E_NOMEM;
	ev->is_request = m->is_request;
	ev->status = m->status;
	/* What tells two alike messages apart: SDP's role, then the detail. */
	k = (size_t)snprintf(tail, sizeof(tail), "%s", role);
	cs = slice_trim(sip_msg_value(m, SIP_HDR_CSEQ));
	if (t->detail && k < sizeof(tail))
		snprintf(tail + k, sizeof(tail) - k, " [%s %.*s]",
		    tp != NULL ? tp : "?", cs.len < 40 ? (int)cs.len : 40,
		    cs.p != NULL ? cs.p : "");
	if (m->is_request)
		ev->label = dup_label(m->method, tail);
	else if ((ev->label = malloc(16 + m->reason.len + strlen(tail))) !=
	    NULL) {
		memcpy(ev->label, "000 ", 4);
		ev->label[0] = (char)('0' + m->status / 100 % 10);
		ev->label[1] = (char)('0' + m->status / 10 % 10);
		ev->label[2] = (char)('0' + m->status % 10);
		if (m->reason.len > 0)
			memcpy(ev->label + 4, m->reason.p, m->reason.len);
		memcpy(ev->label + 4 + m->reason.len, tail, strlen(tail) + 1);
	}
	return event_done(t, c, ev);
}

/* (inline: every SIP message of --calls and --flow asks it) */
static inline struct sip_call *
find(struct sip_calls *t, struct slice cid, unsigned h)
{
	struct sip_call *c;

	for (c = t->bucket[h]; c != NULL; c = c->hnext)
		if (c->cidlen == cid.len && (cid.len == 0 ||
		    memcmp(c->callid, cid.p, cid.len) == 0))
			return c;
	return NULL;
}

/* s at *w as a string; *w moves past it. */
static char *
put_str(char **w, struct slice s)
{
	char *p = *w;

	if (s.len > 0)
		memcpy(p, s.p, s.len);
	p[s.len] = '\0';
	*w = p + s.len + 1;
	return p;
}

/*
 * A new call in *cp (NULL when out of memory: SIP_E_NOMEM); SIP_E_TOOBIG
 * with *evicted when the table was full, else SIP_OK.
 */
static inline enum sip_err
make(struct sip_calls *t, struct slice cid, unsigned h, struct slice from,
    struct slice to, struct slice method, uint64_t ts_ns,
    struct sip_call **cp, struct sip_call **evicted)
{
	struct sip_call *c;
	enum sip_err ret = SIP_OK;
	char *w;

	*evicted = NULL;
	*cp = NULL;
	if (t->ncalls >= t->max && t->lru.idle != NULL) {
		/* idle longest: O(1) */
		*evicted = SIP_LRU_ENTRY(t->lru.idle, struct sip_call, lru);
		unlink_call(t, *evicted);
		t->evicted++;
		ret = SIP_E_TOOBIG;
	}
	/* the call and its four strings in one allocation */
	if ((c = calloc(1, sizeof(*c) + cid.len + from.len + to.len +
	    method.len + 4)) == NULL)
		return SIP_E_NOMEM;
	w = (char *)(c + 1);
	c->callid = put_str(&w, cid);
	c->from = put_str(&w, from);
	c->to = put_str(&w, to);
	c->method = put_str(&w, method);
	c->cidlen = cid.len;
	c->hash = h;
	c->start_ns = ts_ns;
	c->state = slice_eq_lit(method, "INVITE") ? SIP_CALL_SETUP :
	    SIP_CALL_OTHER;
	c->hnext = t->bucket[h];
	t->bucket[h] = c;
	c->prev = t->tail;
	if (t->tail != NULL)
		t->tail->next = c;
	else
		t->head = c;
	t->tail = c;
	t->ncalls++;
	*cp = c;
	return ret;
}

enum sip_err
sip_calls_add(struct sip_calls *t, const struct sip_msg *m, uint64_t ts_ns,
    unsigned long frame, const char *src, const char *dst, const char *tp,
    int retrans, struct sip_call **evicted)
{
	struct slice cid = slice_trim(sip_msg_value(m, SIP_HDR_CALL_ID));
	unsigned h = hash(cid);
	struct sip_call *c;
	struct cseq q;
	enum sip_err ret;

	cseq_of(m, &q);
	if ((c = find(t, cid, h)) == NULL) {
		ret = make(t, cid, h, slice_trim(sip_msg_value(m,
		    SIP_HDR_FROM)), slice_trim(sip_msg_value(m, SIP_HDR_TO)),
		    q.meth, ts_ns, &c, evicted);
		if (c == NULL)
			return ret;
	} else {
		*evicted = NULL;
		ret = SIP_OK;
	}
	sip_lru_touch(&t->lru, &c->lru);
	c->nmsgs++;
	if (ts_ns > c->last_ns)
		c->last_ns = ts_ns;
	if (!retrans)
		advance(c, m, &q, ts_ns);
	if (t->keep_events && add_event(t, c, m, q.num, ts_ns, frame, src,
	    dst, tp, retrans) != SIP_OK)
		return SIP_E_NOMEM;
	return ret;
}

/* At most n bytes of s, for "%.*s". */
#define TXT(s, n)	(int)((s).len < (n) ? (s).len : (n)), \
			(s).p != NULL ? (s).p : ""

enum sip_err
sip_calls_add_mgcp(struct sip_calls *t, const struct mgcp_msg *g,
    const char *callid, uint64_t ts_ns, unsigned long frame, const char *src,
    const char *dst, const char *tp, int retrans, struct sip_call **evicted)
{
	struct slice cid = slice_cstr(callid);
	unsigned h = hash(cid);
	struct sip_call *c;
	struct sip_call_event *ev;
	enum sip_err ret = SIP_OK;
	char label[160];
	int k;

	*evicted = NULL;
	if ((c = find(t, cid, h)) == NULL) {
		ret = make(t, cid, h, slice_cstr(src),
		    g->is_response ? slice_cstr(dst) : g->endpoint,
		    SLICE_LIT("MGCP"), ts_ns, &c, evicted);
		if (c == NULL)
			return ret;
		c->mgcp = 1;
	}
	sip_lru_touch(&t->lru, &c->lru);
	c->nmsgs++;
	if (ts_ns > c->last_ns)
		c->last_ns = ts_ns;
	if (!retrans && g->is_response && g->code >= 200)
		c->status = g->code;
	if (!t->keep_events)
		return ret;
	if ((ev = new_event(t, c, ts_ns, frame, src, dst, retrans)) == NULL)
		return t->nevents >= SIP_MAX_FLOW_EVENTS ? ret : SIP_E_NOMEM;
	ev->is_request = !g->is_response;
	ev->status = g->is_response ? g->code : 0;
	/* "CRCX 1003", "200 1003 OK": a response by its command's id */
	if (g->is_response)
		k = snprintf(label, sizeof(label), "%03d %.*s%s%.*s",
		    g->code % 1000, TXT(g->txid, 16), g->comment.len > 0 ?
		    " " : "", TXT(g->comment, 40));
	else
		k = snprintf(label, sizeof(label), "%.*s %.*s", TXT(g->verb, 16),
		    TXT(g->txid, 16));
	if (t->detail && k > 0 && (size_t)k < sizeof(label))
		snprintf(label + k, sizeof(label) - (size_t)k, " [%s]",
		    tp != NULL ? tp : "?");
	ev->label = dup_label(slice_cstr(label), "");
	if (event_done(t, c, ev) != SIP_OK)
		return SIP_E_NOMEM;
	return ret;
}
