/*
 * uas.c - server transactions over connections, found by a hash of the
 * top Via branch (RFC 3261 17.2.3), kept in age order so the oldest can
 * be let go when the table is full; a 2xx to an INVITE resent until its
 * ACK (13.3.1.4).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "net.h"
#include "uas.h"
#include "via.h"

void
sip_uas_response_dst(const struct sip_msg *m, const struct sip_sockaddr *src,
    struct sip_sockaddr *dst)
{
	struct sip_via v;
	struct sip_perr pe;

	*dst = *src;
	if (sip_via_parse(&v, sip_msg_value(m, SIP_HDR_VIA), &pe) != SIP_OK)
		return;
	if (v.has_rport)
		return;		/* RFC 3581: back to the source port */
	sip_net_set_port(dst, v.has_port ? v.port : 5060);
}

/* FNV-1a of the branch; requests without one (RFC 2543) share bucket 0. */
static uint32_t
branch_hash(struct slice b)
{
	return slice_hash(SLICE_HASH0, b);
}

/* The bucket's key: the top Via's branch, read without checking the
 * whole Via (sip_txn_match_request() does that). */
static uint32_t
msg_hash(const struct sip_msg *m)
{
	struct slice br = sip_field_hparam(sip_msg_value(m, SIP_HDR_VIA),
	    "branch");

	if (!slice_has_prefix(br, "z9hG4bK"))
		return 0;
	return branch_hash(br);
}

static int
setup(struct sip_uas *u)
{
	if (u->t != NULL)
		return 0;
	u->t = calloc(SIP_UAS_MAXTXN, sizeof *u->t);
	u->bucket = calloc(SIP_UAS_BUCKETS, sizeof *u->bucket);
	u->fifo = calloc(SIP_UAS_MAXTXN, sizeof *u->fifo);
	u->okv = calloc(SIP_UAS_MAXOK, sizeof *u->okv);
	/* one timer per transaction at most: starting one never fails */
	if (u->t == NULL || u->bucket == NULL || u->fifo == NULL ||
	    u->okv == NULL ||
	    sip_theap_reserve(&u->timers, SIP_UAS_MAXTXN) != 0) {
		sip_uas_free(u);
		return -1;
	}
	return 0;
}

/* t's 2xx is no longer resent. */
static void
ok_stop(struct sip_uas *u, struct sip_uas_txn *t)
{
	int k = t->ok_idx - 1;

	t->ok_at = 0;
	if (k < 0)
		return;
	u->okv[k] = u->okv[--u->nok];
	u->t[u->okv[k]].ok_idx = k + 1;
	t->ok_idx = 0;
}

static void
unlink_slot(struct sip_uas *u, int i)
{
	struct sip_uas_txn *t = &u->t[i];
	int *pp = &u->bucket[t->hash & (SIP_UAS_BUCKETS - 1)];

	while (*pp != 0 && *pp != i + 1)
		pp = &u->t[*pp - 1].next;
	if (*pp == i + 1)
		*pp = t->next;
	sip_theap_stop(&u->timers, &t->timer);
	ok_stop(u, t);
	sip_txn_release(&t->txn);
	u->bytes -= t->held;
	t->held = 0;
	t->used = 0;
	t->gen++;
	u->nused--;
}

/* Put t's next deadline in the heap, or take it out when it has none. */
static void
arm(struct sip_uas *u, struct sip_uas_txn *t)
{
	uint64_t d = sip_txn_deadline(&t->txn);

	if (t->ok_at != 0 && (d == 0 || t->ok_at < d))
		d = t->ok_at;
	if (d == 0)
		sip_theap_stop(&u->timers, &t->timer);
	else if (!sip_timer_armed(&t->timer) || t->timer.at != d)
		sip_theap_start(&u->timers, &t->timer, d);	/* reserved */
}

static void
send_out(struct sip_uas *u, struct sip_uas_txn *t, const char *p, size_t n,
    int retrans)
{
	sip_trace_msg(&u->trace, SIP_TRACE_OUT, p, n, retrans, t->conn->tp,
	    t->conn->tp == SIP_TP_UDP ? &t->dst : &t->conn->peer);
	if (u->send != NULL) {
		if (u->send(u->send_arg, t, p, n, retrans) != SIP_OK)
			sip_txn_transport_error(&t->txn);
	} else if (t->conn->tp == SIP_TP_UDP)
		sip_conn_sendto(t->conn, p, n, &t->dst);
	else if (sip_conn_send(t->conn, p, n) != SIP_OK)
		sip_txn_transport_error(&t->txn);
}

/* Count what t's buffers hold now in the table's bytes. */
static void
count(struct sip_uas *u, struct sip_uas_txn *t)
{
	size_t n = t->txn.req.cap + t->txn.out.cap;

	u->bytes = u->bytes - t->held + n;
	t->held = n;
}

/*
 * Over the byte budget: let the oldest go that have sent their final
 * response (they only absorb retransmissions now), but not keep.  The
 * age list is walked, not popped: what it passes over stays in order.
 */
static void
trim(struct sip_uas *u, const struct sip_uas_txn *keep)
{
	size_t max = u->max_bytes > 0 ? u->max_bytes : SIP_UAS_MAXBYTES;
	unsigned k = u->fhead;

	for (unsigned n = 0; u->bytes > max && n < u->fcount; n++) {
		int i = u->fifo[k].slot;
		struct sip_uas_txn *t = &u->t[i];

		if (t->used && t->gen == u->fifo[k].gen && t != keep &&
		    t->txn.last_status >= 200) {
			unlink_slot(u, i);
			u->evicted++;
		}
		k = (k + 1) % SIP_UAS_MAXTXN;
	}
}

static void
drain(struct sip_uas *u, struct sip_uas_txn *t)
{
	struct sip_txn_action a;

	while (sip_txn_action(&t->txn, &a))
		if (a.kind == SIP_TXN_SEND)
			send_out(u, t, a.data, a.len, a.retransmit);
	count(u, t);
	if (sip_txn_done(&t->txn))
		unlink_slot(u, (int)(t - u->t));
	else
		arm(u, t);
}

static void
on_timer(struct sip_timer *tm, void *arg)
{
	struct sip_uas *u = arg;
	struct sip_uas_txn *t = (struct sip_uas_txn *)(void *)((char *)tm -
	    offsetof(struct sip_uas_txn, timer));

	if (t->ok_at != 0 && t->ok_at <= u->now) {
		/* 13.3.1.4: straight to the transport, T1 doubling to T2 */
		send_out(u, t, t->txn.out.p, t->txn.out.len, 1);
		u->ok_resent++;
		t->ok_iv = t->ok_iv * 2 < t->txn.t2 ? t->ok_iv * 2 : t->txn.t2;
		t->ok_at = u->now + t->ok_iv;
	}
	sip_txn_timer(&t->txn, u->now);
	drain(u, t);
}

/*
 * Whether ACK m is for the 2xx t resends: the Call-ID, tags and CSeq
 * number of the dialog it made (RFC 3261 12.2.1.1, 13.2.2.4), read from
 * the 2xx itself.
 */
static int
acks(const struct sip_uas_txn *t, const struct sip_msg *m)
{
	struct sip_msg r;
	struct sip_cseq cs;

	if (!slice_eq(sip_msg_value(m, SIP_HDR_CALL_ID), t->txn.call_id) ||
	    sip_field_cseq(&cs, sip_msg_value(m, SIP_HDR_CSEQ), NULL) !=
	    SIP_OK || cs.num != t->txn.cseq ||
	    sip_msg_parse(&r, t->txn.out.p, t->txn.out.len, 0, NULL) != SIP_OK)
		return 0;
	return slice_eq(sip_field_hparam(sip_msg_value(m, SIP_HDR_FROM), "tag"),
	    sip_field_hparam(sip_msg_value(&r, SIP_HDR_FROM), "tag")) &&
	    slice_eq(sip_field_hparam(sip_msg_value(m, SIP_HDR_TO), "tag"),
	    sip_field_hparam(sip_msg_value(&r, SIP_HDR_TO), "tag"));
}

/* An ACK for a 2xx: the one it answers is resent no more. */
static void
ok_acked(struct sip_uas *u, const struct sip_msg *m)
{
	for (int k = 0; k < u->nok; k++) {
		struct sip_uas_txn *t = &u->t[u->okv[k]];

		if (acks(t, m)) {
			ok_stop(u, t);
			arm(u, t);
			return;
		}
	}
}

/* A free slot: a never used one, a finished one, or the oldest. */
static int
take_slot(struct sip_uas *u)
{
	while (u->fcount > 0) {
		unsigned k = u->fhead;
		int i = u->fifo[k].slot;

		if (u->t[i].used && u->t[i].gen == u->fifo[k].gen &&
		    u->nused < SIP_UAS_MAXTXN)
			break;		/* the oldest is alive and there is room */
		u->fhead = (u->fhead + 1) % SIP_UAS_MAXTXN;
		u->fcount--;
		if (u->t[i].used && u->t[i].gen == u->fifo[k].gen) {
			unlink_slot(u, i);	/* full: let the oldest go */
			u->evicted++;
		}
		if (!u->t[i].used)
			return i;
	}
	if (u->hiwater < SIP_UAS_MAXTXN)
		return u->hiwater++;
	for (int i = 0; i < SIP_UAS_MAXTXN; i++)
		if (!u->t[i].used)
			return i;
	return -1;
}

enum sip_err
sip_uas_request(struct sip_uas *u, struct sip_conn *c,
    const struct sip_sockaddr *src, const struct sip_msg *m, uint64_t now,
    struct sip_uas_txn **out, enum sip_uas_got *got)
{
	uint32_t h;
	struct sip_uas_txn *t;
	enum sip_err e;
	int i;

	*out = NULL;
	*got = SIP_UAS_NEW;
	if (setup(u) != 0)
		return SIP_E_NOMEM;
	h = msg_hash(m);
	for (i = u->bucket[h & (SIP_UAS_BUCKETS - 1)]; i != 0; i = t->next) {
		t = &u->t[i - 1];
		if (t->used && t->hash == h && t->conn == c &&
		    sip_txn_match_request(&t->txn, m)) {
			sip_txn_input(&t->txn, m, now);
			if (m->mid == SIP_METHOD_ACK && t->ok_idx != 0 &&
			    acks(t, m))
				ok_stop(u, t);	/* the INVITE's branch */
			drain(u, t);
			u->absorbed++;
			*got = SIP_UAS_ABSORBED;
			return SIP_OK;
		}
	}
	if (m->mid == SIP_METHOD_ACK) {
		*got = SIP_UAS_ACK_2XX;	/* not a transaction */
		ok_acked(u, m);
		return SIP_OK;
	}
	if ((i = take_slot(u)) < 0)
		return SIP_E_NOMEM;
	t = &u->t[i];
	sip_txn_init(&t->txn, m->mid == SIP_METHOD_INVITE ? SIP_TXN_IST :
	    SIP_TXN_NIST, sip_tp_reliable(c->tp));
	if ((e = sip_txn_server_start(&t->txn, m, now)) != SIP_OK) {
		sip_txn_release(&t->txn);
		return e;
	}
	t->conn = c;
	t->used = 1;
	t->held = 0;
	count(u, t);
	sip_timer_init(&t->timer, on_timer, u);
	t->hash = h;
	t->next = u->bucket[h & (SIP_UAS_BUCKETS - 1)];
	u->bucket[h & (SIP_UAS_BUCKETS - 1)] = i + 1;
	u->nused++;
	if (u->fcount == SIP_UAS_MAXTXN) {	/* stale entries only at the head */
		u->fhead = (u->fhead + 1) % SIP_UAS_MAXTXN;
		u->fcount--;
	}
	u->fifo[(u->fhead + u->fcount) % SIP_UAS_MAXTXN].slot = i;
	u->fifo[(u->fhead + u->fcount) % SIP_UAS_MAXTXN].gen = t->gen;
	u->fcount++;
	if (c->tp == SIP_TP_UDP)
		sip_uas_response_dst(m, src, &t->dst);
	trim(u, t);
	*out = t;
	return SIP_OK;
}

struct sip_uas_txn *
sip_uas_cancelled(struct sip_uas *u, struct sip_conn *c,
    const struct sip_msg *m)
{
	struct sip_uas_txn *t;
	uint32_t h;
	int i;

	if (u->t == NULL)
		return NULL;
	h = msg_hash(m);	/* a CANCEL carries its INVITE's branch */
	for (i = u->bucket[h & (SIP_UAS_BUCKETS - 1)]; i != 0; i = t->next) {
		t = &u->t[i - 1];
		if (t->used && t->hash == h && t->conn == c &&
		    t->txn.kind == SIP_TXN_IST &&
		    sip_txn_match_cancel(&t->txn, m))
			return t;
	}
	return NULL;
}

enum sip_err
sip_uas_respond(struct sip_uas *u, struct sip_uas_txn *t, const char *resp,
    size_t len, uint64_t now)
{
	enum sip_err e = sip_txn_respond(&t->txn, resp, len, now);

	if (e != SIP_OK)
		return e;
	if (t->txn.kind == SIP_TXN_IST && t->txn.last_status >= 200 &&
	    t->txn.last_status < 300 && t->ok_idx == 0 &&
	    u->nok < SIP_UAS_MAXOK) {
		t->ok_iv = t->txn.t1;
		t->ok_at = now + t->ok_iv;
		u->okv[u->nok++] = (int)(t - u->t);
		t->ok_idx = u->nok;
	}
	drain(u, t);
	trim(u, t);
	return SIP_OK;
}

uint64_t
sip_uas_timers(struct sip_uas *u, uint64_t now)
{
	uint64_t next;

	u->now = now;
	/* again for deadlines the fired timers set at or before now */
	while ((next = sip_theap_next(&u->timers)) <= now)
		sip_theap_run(&u->timers, now);
	return next == UINT64_MAX ? 0 : next;
}

void
sip_uas_conn_gone(struct sip_uas *u, struct sip_conn *c)
{
	for (int i = 0; i < u->hiwater; i++)
		if (u->t[i].used && u->t[i].conn == c)
			unlink_slot(u, i);
}

void
sip_uas_free(struct sip_uas *u)
{
	if (u->t != NULL)
		for (int i = 0; i < u->hiwater; i++)
			if (u->t[i].used)
				sip_txn_release(&u->t[i].txn);
	sip_theap_free(&u->timers);	/* it disarms timers inside u->t */
	free(u->t);
	free(u->bucket);
	free(u->fifo);
	free(u->okv);
	u->okv = NULL;
	u->nok = 0;
	u->t = NULL;
	u->bucket = NULL;
	u->fifo = NULL;
	u->hiwater = u->nused = 0;
	u->fcount = u->fhead = 0;
}
