/*
 * txn.c - RFC 3261 section 17 client and server transactions, with the
 * Accepted state of RFC 6026, as state machines that do no I/O.
 */
#include <stddef.h>
#include <string.h>

#include "addr.h"
#include "build.h"
#include "field.h"
#include "txn.h"
#include "via.h"

#define COOKIE	"z9hG4bK"

static void
queue(struct sip_txn *t, enum sip_txn_act_kind kind)
{
	struct sip_txn_action *a;

	/* One call queues at most three; the caller drains after each. */
	if (t->nact >= SIP_TXN_MAXACT)
		return;
	a = &t->act[t->nact++];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
}

static void
queue_send(struct sip_txn *t, const struct buf *b, int retransmit)
{
	if (t->nact >= SIP_TXN_MAXACT)
		return;
	queue(t, SIP_TXN_SEND);
	t->act[t->nact - 1].data = b->p;
	t->act[t->nact - 1].len = b->len;
	t->act[t->nact - 1].retransmit = retransmit;
}

static void
queue_msg(struct sip_txn *t, enum sip_txn_act_kind kind,
    const struct sip_msg *m)
{
	if (t->nact >= SIP_TXN_MAXACT)
		return;
	queue(t, kind);
	t->act[t->nact - 1].msg = m;
}

static void
terminate(struct sip_txn *t)
{
	t->state = SIP_TXN_TERMINATED;
	t->rt_at = t->to_at = t->wait_at = 0;
	queue(t, SIP_TXN_END);
}

static void
timeout(struct sip_txn *t, char which)
{
	queue(t, SIP_TXN_TIMEOUT);
	t->act[t->nact - 1].timer = which;
	terminate(t);
}

/* Start a wait timer; a zero duration (reliable transports) ends now. */
static void
wait_for(struct sip_txn *t, char which, uint64_t ms, uint64_t now)
{
	t->rt_at = t->to_at = 0;
	t->wait_timer = which;
	if (ms == 0) {
		terminate(t);
		return;
	}
	t->wait_at = now + ms;
}

/* The top Via value of m, parsed into v. */
static enum sip_err
top_via(const struct sip_msg *m, struct sip_via *v, struct slice *raw)
{
	struct sip_hdr_iter it = { 0 };
	struct slice val;

	if (!sip_msg_values(m, SIP_HDR_VIA, &it, &val))
		return SIP_E_PARSE;
	if (raw != NULL)
		*raw = val;
	return sip_via_parse(v, val, NULL);
}

static struct slice
hdr_tag(const struct sip_msg *m, enum sip_hdr_id id)
{
	struct sip_addr a;
	struct slice v = sip_msg_value(m, id);

	if (v.len == 0 || sip_addr_parse(&a, v, NULL) != SIP_OK)
		return SLICE_NULL;
	return a.tag;
}

static uint16_t
via_port(const struct sip_via *v)
{
	if (v->has_port)
		return v->port;
	/* RFC 3261 18.2.2 / 26.2: 5061 for TLS, 5060 otherwise. */
	return slice_ieq_lit(v->transport, "TLS") ? 5061 : 5060;
}

/* The matching keys point into from; make them point into to instead. */
static void
move_keys(struct sip_txn *t, const char *from, const char *to)
{
	struct slice *k[] = { &t->call_id, &t->method, &t->cseq_method,
	    &t->ruri, &t->top_via, &t->branch, &t->sent_by, &t->from_tag,
	    &t->to_tag };

	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (k[i]->p != NULL)
			k[i]->p = to + (k[i]->p - from);
}

/*
 * Parse the txn's own copy of its request and keep the matching keys.  A
 * client transaction matches responses by branch and CSeq method alone
 * (17.1.3), so it reads the branch without checking the whole Via and
 * skips the From and To tags that only the RFC 2543 server rules use: a
 * ping run starts a client transaction for every request.
 */
static enum sip_err
take_keys(struct sip_txn *t, int client, const struct sip_msg *parsed)
{
	struct sip_msg m;
	const struct sip_msg *mp = parsed;
	struct sip_via v;
	struct sip_cseq cs;
	enum sip_err e;

	if (mp == NULL) {
		if ((e = sip_msg_parse(&m, t->req.p, t->req.len, 0,
		    NULL)) != SIP_OK)
			return e;
		mp = &m;
	}
	if (!mp->is_request)
		return SIP_E_PARSE;
	if (sip_field_cseq(&cs, sip_msg_value(mp, SIP_HDR_CSEQ), NULL) != SIP_OK)
		return SIP_E_PARSE;
	t->call_id = sip_msg_value(mp, SIP_HDR_CALL_ID);
	if (t->call_id.len == 0)
		return SIP_E_PARSE;
	t->method = mp->method;
	t->cseq = cs.num;
	t->cseq_method = cs.method;
	t->ruri = mp->ruri;
	if (client) {
		t->top_via = sip_msg_value(mp, SIP_HDR_VIA);
		t->branch = sip_field_hparam(t->top_via, "branch");
		if (t->top_via.len == 0)
			return SIP_E_PARSE;
		t->rfc3261 = slice_has_prefix(t->branch, COOKIE);
		return SIP_OK;
	}
	if (top_via(mp, &v, &t->top_via) != SIP_OK)
		return SIP_E_PARSE;
	t->branch = v.branch;
	t->sent_by = v.host;
	t->via_port = via_port(&v);
	t->rfc3261 = slice_has_prefix(v.branch, COOKIE);
	/* the tags count only in the RFC 2543 rules */
	t->from_tag = t->to_tag = SLICE_NULL;
	if (!t->rfc3261) {
		t->from_tag = hdr_tag(mp, SIP_HDR_FROM);
		t->to_tag = hdr_tag(mp, SIP_HDR_TO);
	}
	/* keys found in the caller's message: move them to our copy */
	if (mp == parsed)
		move_keys(t, parsed->buf, t->req.p);
	return SIP_OK;
}

void
sip_txn_init(struct sip_txn *t, enum sip_txn_kind kind, int reliable)
{
	memset(t, 0, sizeof(*t));
	sip_txn_reuse(t, kind, reliable);
}

void
sip_txn_reuse(struct sip_txn *t, enum sip_txn_kind kind, int reliable)
{
	struct buf req = t->req, out = t->out;

	memset(t, 0, offsetof(struct sip_txn, act));
	t->nact = t->actpos = 0;
	t->req = req;
	t->out = out;
	t->kind = kind;
	t->reliable = reliable;
	t->t1 = SIP_TXN_T1;
	t->t2 = SIP_TXN_T2;
	t->t4 = SIP_TXN_T4;
	if (t->req.max == 0) {
		buf_init(&t->req, SIP_MAX_MSG);
		buf_init(&t->out, SIP_MAX_MSG);
	}
	buf_reset(&t->req);
	buf_reset(&t->out);
}

/* Queue the first SEND and start Timers A/B or E/F. */
static enum sip_err
client_begin(struct sip_txn *t, uint64_t now)
{
	int invite = slice_eq_lit(t->method, "INVITE");

	if (slice_eq_lit(t->method, "ACK") ||
	    invite != (t->kind == SIP_TXN_ICT))
		return SIP_E_INVAL;
	t->state = invite ? SIP_TXN_CALLING : SIP_TXN_TRYING;
	queue_send(t, &t->req, 0);
	if (!t->reliable) {
		t->rt_iv = t->t1;		/* Timer A or E */
		t->rt_at = now + t->rt_iv;
	}
	t->to_at = now + 64 * (uint64_t)t->t1;	/* Timer B or F */
	return SIP_OK;
}

static enum sip_err
client_copy(struct sip_txn *t, const char *req, size_t len)
{
	if (t->state != SIP_TXN_NONE ||
	    (t->kind != SIP_TXN_ICT && t->kind != SIP_TXN_NICT) || t->t1 == 0)
		return SIP_E_INVAL;
	if (req == t->req.p && len == t->req.len)
		return SIP_OK;		/* built in place */
	buf_reset(&t->req);
	return buf_add(&t->req, req, len);
}

enum sip_err
sip_txn_client_start(struct sip_txn *t, const char *req, size_t len,
    uint64_t now)
{
	enum sip_err e;

	if ((e = client_copy(t, req, len)) != SIP_OK ||
	    (e = take_keys(t, 1, NULL)) != SIP_OK)
		return e;
	return client_begin(t, now);
}

enum sip_err
sip_txn_client_start_built(struct sip_txn *t, const char *req, size_t len,
    size_t boff, size_t blen, uint64_t now)
{
	const char *sp;
	enum sip_err e;

	if (blen == 0 || boff >= len || blen > len - boff)
		return SIP_E_PARSE;
	if ((e = client_copy(t, req, len)) != SIP_OK)
		return e;
	if ((sp = memchr(t->req.p, ' ', t->req.len)) == NULL || sp == t->req.p)
		return SIP_E_PARSE;
	t->method = slice_make(t->req.p, (size_t)(sp - t->req.p));
	t->cseq_method = t->method;
	t->branch = slice_make(t->req.p + boff, blen);
	t->rfc3261 = slice_has_prefix(t->branch, COOKIE);
	return client_begin(t, now);
}

enum sip_err
sip_txn_server_start(struct sip_txn *t, const struct sip_msg *req,
    uint64_t now)
{
	enum sip_err e;

	(void)now;
	if (t->state != SIP_TXN_NONE ||
	    (t->kind != SIP_TXN_IST && t->kind != SIP_TXN_NIST) ||
	    !req->is_request || req->mid == SIP_METHOD_ACK ||
	    (req->mid == SIP_METHOD_INVITE) != (t->kind == SIP_TXN_IST))
		return SIP_E_INVAL;
	buf_reset(&t->req);
	if ((e = buf_add(&t->req, req->buf, req->len)) != SIP_OK)
		return e;
	t->req_head = req->body_off;
	/* the same bytes as req's: its parse serves for the keys */
	if ((e = take_keys(t, 0, req)) != SIP_OK)
		return e;
	/* 17.2.1: the INVITE server starts in Proceeding (the TU sends 100). */
	t->state = t->kind == SIP_TXN_IST ? SIP_TXN_PROCEEDING : SIP_TXN_TRYING;
	return SIP_OK;
}

enum sip_err
sip_txn_server_request(const struct sip_txn *t, struct sip_msg *m)
{
	/* after the final response its Content-Length counts a body gone */
	return sip_msg_parse(m, t->req.p, t->req.len, SIP_PARSE_LENIENT, NULL);
}

/* RFC 3261 17.1.1.3: build the ACK for a non-2xx final response. */
static enum sip_err
build_ack(struct sip_txn *t, const struct sip_msg *resp)
{
	struct sip_msg inv;
	enum sip_err e;

	if ((e = sip_msg_parse(&inv, t->req.p, t->req.len, 0, NULL)) != SIP_OK)
		return e;
	buf_reset(&t->out);
	return sip_build_ack(&t->out, &inv, resp);
}

static enum sip_err
client_input(struct sip_txn *t, const struct sip_msg *m, uint64_t now)
{
	int code = m->status;
	enum sip_err e;

	if (m->is_request || code < 100 || code > 699)
		return SIP_E_INVAL;
	t->last_status = code;
	if (t->kind == SIP_TXN_NICT) {
		switch (t->state) {
		case SIP_TXN_TRYING:
		case SIP_TXN_PROCEEDING:
			queue_msg(t, SIP_TXN_RESPONSE, m);
			if (code < 200) {
				t->state = SIP_TXN_PROCEEDING;
				return SIP_OK;
			}
			/* 17.1.2.2: Completed; Timer K = T4, 0 if reliable. */
			t->state = SIP_TXN_COMPLETED;
			wait_for(t, 'K', t->reliable ? 0 : t->t4, now);
			return SIP_OK;
		default:
			return SIP_OK;	/* retransmissions are absorbed */
		}
	}
	switch (t->state) {
	case SIP_TXN_CALLING:
	case SIP_TXN_PROCEEDING:
		if (code < 200) {
			/* 17.1.1.2: no more retransmissions, no Timer B. */
			t->state = SIP_TXN_PROCEEDING;
			t->rt_at = t->to_at = 0;
			queue_msg(t, SIP_TXN_RESPONSE, m);
			return SIP_OK;
		}
		if (code < 300) {
			/* RFC 6026 7.2: Accepted, Timer M = 64*T1. */
			t->state = SIP_TXN_ACCEPTED;
			queue_msg(t, SIP_TXN_RESPONSE, m);
			wait_for(t, 'M', 64 * (uint64_t)t->t1, now);
			return SIP_OK;
		}
		if ((e = build_ack(t, m)) != SIP_OK)
			return e;
		queue_send(t, &t->out, 0);
		queue_msg(t, SIP_TXN_RESPONSE, m);
		t->state = SIP_TXN_COMPLETED;
		wait_for(t, 'D', t->reliable ? 0 : SIP_TXN_TIMER_D, now);
		return SIP_OK;
	case SIP_TXN_ACCEPTED:
		/* RFC 6026 7.2: further 2xx go to the TU (it ACKs them). */
		if (code >= 200 && code < 300)
			queue_msg(t, SIP_TXN_RESPONSE, m);
		return SIP_OK;
	case SIP_TXN_COMPLETED:
		/* 17.1.1.2: a retransmitted final response gets the ACK again. */
		if (code >= 300)
			queue_send(t, &t->out, 1);
		return SIP_OK;
	default:
		return SIP_OK;
	}
}

static enum sip_err
server_input(struct sip_txn *t, const struct sip_msg *m, uint64_t now)
{
	if (!m->is_request)
		return SIP_E_INVAL;
	if (m->mid == SIP_METHOD_ACK) {
		if (t->kind != SIP_TXN_IST)
			return SIP_OK;
		if (t->state == SIP_TXN_COMPLETED) {
			/* 17.2.1: Confirmed; Timer I = T4, 0 if reliable. */
			t->state = SIP_TXN_CONFIRMED;
			wait_for(t, 'I', t->reliable ? 0 : t->t4, now);
		} else if (t->state == SIP_TXN_ACCEPTED) {
			/* RFC 6026 7.1: the ACK for a 2xx goes to the TU. */
			queue_msg(t, SIP_TXN_REQUEST, m);
		}
		return SIP_OK;
	}
	/* A retransmitted request: resend the last response, if any. */
	switch (t->state) {
	case SIP_TXN_PROCEEDING:
	case SIP_TXN_COMPLETED:
		if (t->out.len > 0)
			queue_send(t, &t->out, 1);
		break;
	default:
		break;	/* Trying, Accepted, Confirmed: absorbed */
	}
	return SIP_OK;
}

enum sip_err
sip_txn_input(struct sip_txn *t, const struct sip_msg *m, uint64_t now)
{
	if (t->state == SIP_TXN_NONE)
		return SIP_E_STATE;
	if (t->state == SIP_TXN_TERMINATED)
		return SIP_OK;
	if (t->kind == SIP_TXN_ICT || t->kind == SIP_TXN_NICT)
		return client_input(t, m, now);
	return server_input(t, m, now);
}

static int
status_of(const char *resp, size_t len)
{
	uint32_t code;

	/* "SIP/2.0 NNN ..." */
	if (len < 12 || memcmp(resp, "SIP/2.0 ", 8) != 0 ||
	    slice_to_u32(slice_make(resp + 8, 3), 699, &code) != 0 ||
	    code < 100)
		return -1;
	return (int)code;
}

/*
 * A final response is sent: what the transaction still does (match
 * retransmissions and the ACK, resend the response) needs the request's
 * head, not its body, which could hold a megabyte until Timer H or J.
 * When the copy cannot be made the request stays whole.
 */
static void
drop_body(struct sip_txn *t)
{
	struct buf head;

	if (t->req_head == 0 || t->req_head >= t->req.len)
		return;
	buf_init(&head, t->req.max);
	if (buf_add(&head, t->req.p, t->req_head) != SIP_OK) {
		buf_free(&head);
		return;
	}
	move_keys(t, t->req.p, head.p);
	buf_free(&t->req);
	t->req = head;
}

enum sip_err
sip_txn_respond(struct sip_txn *t, const char *resp, size_t len,
    uint64_t now)
{
	int code = status_of(resp, len);
	enum sip_err e;

	if (t->kind != SIP_TXN_IST && t->kind != SIP_TXN_NIST)
		return SIP_E_INVAL;
	if (code < 0)
		return SIP_E_PARSE;
	switch (t->state) {
	case SIP_TXN_TRYING:
	case SIP_TXN_PROCEEDING:
		break;
	case SIP_TXN_ACCEPTED:
		/* RFC 6026 7.1: the TU retransmits its 2xx through us. */
		if (code >= 200 && code < 300)
			break;
		return SIP_E_STATE;
	default:
		return SIP_E_STATE;
	}
	buf_reset(&t->out);
	if ((e = buf_add(&t->out, resp, len)) != SIP_OK)
		return e;
	t->last_status = code;
	queue_send(t, &t->out, t->state == SIP_TXN_ACCEPTED);
	if (code < 200) {
		t->state = SIP_TXN_PROCEEDING;
		return SIP_OK;
	}
	drop_body(t);
	if (t->kind == SIP_TXN_NIST) {
		/* 17.2.2: Completed; Timer J = 64*T1, 0 if reliable. */
		t->state = SIP_TXN_COMPLETED;
		wait_for(t, 'J', t->reliable ? 0 : 64 * (uint64_t)t->t1, now);
		return SIP_OK;
	}
	if (code < 300) {
		if (t->state != SIP_TXN_ACCEPTED) {
			/* RFC 6026 7.1: Accepted, Timer L = 64*T1. */
			t->state = SIP_TXN_ACCEPTED;
			wait_for(t, 'L', 64 * (uint64_t)t->t1, now);
		}
		return SIP_OK;
	}
	/* 17.2.1: Completed; Timer G (unreliable only) and Timer H. */
	t->state = SIP_TXN_COMPLETED;
	if (!t->reliable) {
		t->rt_iv = t->t1;
		t->rt_at = now + t->rt_iv;
	}
	t->to_at = now + 64 * (uint64_t)t->t1;
	return SIP_OK;
}

static uint64_t
next_interval(const struct sip_txn *t)
{
	uint64_t iv = 2 * t->rt_iv;

	/* Timer A doubles without a cap (17.1.1.2); E and G stop at T2. */
	if (t->kind != SIP_TXN_ICT && iv > t->t2)
		iv = t->t2;
	return iv;
}

/* Timer A, E or G fired: send again, and set the next one. */
static void
retransmit(struct sip_txn *t, uint64_t now)
{
	if (t->kind == SIP_TXN_NICT && t->state == SIP_TXN_PROCEEDING)
		t->rt_iv = t->t2;	/* 17.1.2.2 */
	else
		t->rt_iv = next_interval(t);
	/* Scheduled from the deadline, not from a late caller. */
	t->rt_at += t->rt_iv;
	if (t->rt_at <= now)
		t->rt_at = now + t->rt_iv;
	queue_send(t, t->kind == SIP_TXN_IST ? &t->out : &t->req, 1);
}

enum sip_err
sip_txn_timer(struct sip_txn *t, uint64_t now)
{
	int rt;

	if (t->state == SIP_TXN_NONE || t->state == SIP_TXN_TERMINATED)
		return SIP_OK;
	/*
	 * In deadline order: a caller woken late, past a retransmission
	 * and the timeout after it, still sends the retransmission first.
	 */
	rt = t->rt_at != 0 && now >= t->rt_at;
	if (rt && (t->to_at == 0 || t->rt_at < t->to_at)) {
		retransmit(t, now);
		rt = 0;
	}
	if (t->to_at != 0 && now >= t->to_at) {
		timeout(t, t->kind == SIP_TXN_ICT ? 'B' :
		    t->kind == SIP_TXN_NICT ? 'F' : 'H');
		return SIP_OK;
	}
	if (t->wait_at != 0 && now >= t->wait_at) {
		terminate(t);
		return SIP_OK;
	}
	if (rt)
		retransmit(t, now);
	return SIP_OK;
}

void
sip_txn_transport_error(struct sip_txn *t)
{
	if (t->state == SIP_TXN_NONE || t->state == SIP_TXN_TERMINATED)
		return;
	queue(t, SIP_TXN_TPERROR);
	terminate(t);
}

uint64_t
sip_txn_deadline(const struct sip_txn *t)
{
	/* 0 (not armed) less one is the largest: the minimum of the armed */
	uint64_t d = t->rt_at - 1;

	if (t->to_at - 1 < d)
		d = t->to_at - 1;
	if (t->wait_at - 1 < d)
		d = t->wait_at - 1;
	return d + 1;
}

int
sip_txn_done(const struct sip_txn *t)
{
	return t->state == SIP_TXN_TERMINATED;
}

int
sip_txn_match_response(const struct sip_txn *t, const struct sip_msg *m)
{
	struct slice branch;
	struct sip_cseq cs;

	if (m->is_request || t->state == SIP_TXN_NONE ||
	    (t->kind != SIP_TXN_ICT && t->kind != SIP_TXN_NICT))
		return 0;
	/* 17.1.3: the top Via's branch (case-sensitive) and the CSeq
	 * method (CANCEL has its own txn); nothing else of the Via counts. */
	branch = sip_field_hparam(sip_msg_value(m, SIP_HDR_VIA), "branch");
	if (branch.len == 0 || !slice_eq(branch, t->branch) ||
	    sip_field_cseq(&cs, sip_msg_value(m, SIP_HDR_CSEQ), NULL) != SIP_OK)
		return 0;
	return slice_eq(cs.method, t->cseq_method);
}

static int
match_2543(const struct sip_txn *t, const struct sip_msg *m,
    const struct slice via_raw, const struct sip_cseq *cs)
{
	struct slice to_tag = hdr_tag(m, SIP_HDR_TO);

	if (!slice_eq(m->ruri, t->ruri) ||
	    !slice_eq(sip_msg_value(m, SIP_HDR_CALL_ID), t->call_id) ||
	    !slice_eq(hdr_tag(m, SIP_HDR_FROM), t->from_tag) ||
	    cs->num != t->cseq || !slice_eq(slice_trim(via_raw),
	    slice_trim(t->top_via)))
		return 0;
	if (m->mid == SIP_METHOD_ACK) {
		/* 17.2.3: the ACK's To tag is the one our response carried
		 * (read from it here: only RFC 2543 clients need it). */
		struct sip_msg r;

		if (t->kind != SIP_TXN_IST || t->out.len == 0 ||
		    sip_msg_parse(&r, t->out.p, t->out.len, 0, NULL) != SIP_OK)
			return 0;
		return slice_eq(to_tag, hdr_tag(&r, SIP_HDR_TO));
	}
	return slice_eq(m->method, t->method) && slice_eq(to_tag, t->to_tag);
}

/* 17.2.3, and for a CANCEL 9.2: the same rules but for the method. */
static int
match_request(const struct sip_txn *t, const struct sip_msg *m, int cancel)
{
	struct sip_via v;
	struct sip_cseq cs;
	struct slice raw;

	if (!m->is_request || t->state == SIP_TXN_NONE ||
	    (t->kind != SIP_TXN_IST && t->kind != SIP_TXN_NIST))
		return 0;
	if (top_via(m, &v, &raw) != SIP_OK ||
	    sip_field_cseq(&cs, sip_msg_value(m, SIP_HDR_CSEQ), NULL) != SIP_OK)
		return 0;
	if (!slice_has_prefix(v.branch, COOKIE) || !t->rfc3261) {
		if (!cancel)
			return match_2543(t, m, raw, &cs);
		return slice_eq(m->ruri, t->ruri) &&
		    slice_eq(sip_msg_value(m, SIP_HDR_CALL_ID), t->call_id) &&
		    slice_eq(hdr_tag(m, SIP_HDR_FROM), t->from_tag) &&
		    slice_eq(hdr_tag(m, SIP_HDR_TO), t->to_tag) &&
		    cs.num == t->cseq &&
		    slice_eq(slice_trim(raw), slice_trim(t->top_via));
	}
	/* 17.2.3: branch, sent-by, and the method (ACK counts as INVITE). */
	if (!slice_eq(v.branch, t->branch) || !slice_ieq(v.host, t->sent_by) ||
	    via_port(&v) != t->via_port)
		return 0;
	if (cancel)
		return !slice_eq_cstr(t->method, "CANCEL");
	if (m->mid == SIP_METHOD_ACK)
		return t->kind == SIP_TXN_IST;
	return slice_eq(m->method, t->method);
}

int
sip_txn_match_request(const struct sip_txn *t, const struct sip_msg *m)
{
	return match_request(t, m, 0);
}

int
sip_txn_match_cancel(const struct sip_txn *t, const struct sip_msg *m)
{
	return m->mid == SIP_METHOD_CANCEL && match_request(t, m, 1);
}

void
sip_txn_release(struct sip_txn *t)
{
	buf_free(&t->req);
	buf_free(&t->out);
	t->state = SIP_TXN_NONE;
	t->nact = t->actpos = 0;
}
