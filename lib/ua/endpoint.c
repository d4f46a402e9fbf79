/*
 * endpoint.c - client and server transaction tables over one transport,
 * RFC 3263 4.3 failover, CANCEL (RFC 3261 9.2) and the ACK and BYE of
 * forked INVITEs (13.2.2.4).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "endpoint.h"
#include "field.h"

static void	drain(struct sip_ep *ep, struct sip_ep_ctxn *c);
static void	hops_drop(struct sip_ep *ep, struct sip_ep_ctxn *c);

/* Attached to a loop: its timer at the next deadline. */
static void
rearm(struct sip_ep *ep)
{
	uint64_t d;

	if (ep->loop == NULL)
		return;
	if ((d = sip_ep_deadline(ep)) == 0)
		sip_loop_timer_stop(ep->loop, &ep->timer);
	else if (!sip_timer_armed(&ep->timer) || ep->timer.at != d)
		sip_loop_timer_at(ep->loop, &ep->timer, d);
}

static int	still_live(const struct sip_ep *ep, const struct sip_ep_ctxn *c,
		    unsigned gen);
static uint64_t	deadline_of(const struct sip_ep_ctxn *c);

/*
 * After an event that concerns c alone (gen its start number): the timer
 * no later than c's next instant or the server table's.  A deadline that
 * moved later or went away leaves the timer early; it then runs
 * sip_ep_timers(), whose rearm() finds the true next one.  rearm()'s
 * scan of the whole table for every message was a tenth of a
 * registration load run's instructions.
 */
static void
rearm_one(struct sip_ep *ep, const struct sip_ep_ctxn *c, unsigned gen)
{
	uint64_t d = ep->uas_at, x;

	if (ep->loop == NULL)
		return;
	/* c is compared before it is read: its callback may have freed it */
	if (still_live(ep, c, gen) &&
	    (x = deadline_of(c)) != 0 && (d == 0 || x < d))
		d = x;
	if (d != 0 && (!sip_timer_armed(&ep->timer) || d < ep->timer.at))
		sip_loop_timer_at(ep->loop, &ep->timer, d);
}

static void
unlink_live(struct sip_ep *ep, struct sip_ep_ctxn *c)
{
	if (!c->active)
		return;
	for (int i = 0; i < ep->nlive; i++)
		if (ep->live[i] == c) {
			ep->live[i] = ep->live[--ep->nlive];
			break;
		}
	c->active = 0;
}

static enum sip_err
send_to(struct sip_ep *ep, const struct sip_ep_dest *d, const char *p,
    size_t n, int retrans)
{
	if (ep->send == NULL)
		return SIP_E_NET;
	return ep->send(ep->send_arg, d, p, n, retrans);
}

/*
 * Build c's request for target c->cur (a fresh branch: a new transaction
 * for each target, RFC 3263 4.3) and start its transaction.  The first
 * SEND is queued; drain() sends it.
 */
static enum sip_err
begin(struct sip_ep *ep, struct sip_ep_ctxn *c)
{
	size_t boff = 0, blen = 0;
	enum sip_err e;

	sip_txn_reuse(&c->txn, c->invite ? SIP_TXN_ICT : SIP_TXN_NICT,
	    sip_tp_reliable(c->dst[c->cur].tp));
	if (ep->t1)
		c->txn.t1 = ep->t1;
	if (ep->t2)
		c->txn.t2 = ep->t2;
	if (ep->t4)
		c->txn.t4 = ep->t4;
	if ((e = c->build(c, &c->txn.req, &boff, &blen)) != SIP_OK)
		return e;
	if (blen != 0)
		e = sip_txn_client_start_built(&c->txn, c->txn.req.p,
		    c->txn.req.len, boff, blen, ep->now);
	else
		e = sip_txn_client_start(&c->txn, c->txn.req.p, c->txn.req.len,
		    ep->now);
	if (e != SIP_OK)
		return e;
	if (c->invite) {
		/* a new INVITE (digest retry, next target): new forks */
		hops_drop(ep, c);
		sip_dialog_table_del(&ep->dialogs, &c->set);
		c->set.user = c;
		if ((e = sip_dialog_set_start(&c->set, c->txn.req.p,
		    c->txn.req.len)) != SIP_OK ||
		    (e = sip_dialog_table_add(&ep->dialogs, &c->set)) != SIP_OK)
			return e;
	}
	c->t_sent = ep->now_us;
	if (!c->active) {
		if (ep->nlive >= SIP_EP_MAXCLIENT)
			return SIP_E_TOOBIG;
		ep->live[ep->nlive++] = c;
		c->active = 1;
	}
	return SIP_OK;
}

/* The callback, once, for a final answer or a failure. */
static void
finish(struct sip_ep_ctxn *c, const struct sip_msg *m)
{
	if (c->final)
		return;
	c->final = 1;
	if (c->cb != NULL)
		c->cb(c, m);
}

/* A failure that only says this target cannot be reached. */
static int
tp_failure(enum sip_err e)
{
	return e == SIP_E_NET || e == SIP_E_REFUSED || e == SIP_E_TLS;
}

static int
rank(enum sip_err e)
{
	switch (e) {
	case SIP_E_TLS:		return 4;
	case SIP_E_REFUSED:	return 3;
	case SIP_E_TIMEOUT:	return 1;
	case SIP_OK:		return 0;
	default:		return 2;
	}
}

/*
 * Target c->cur failed with e: kept when it tells more than the failures
 * before (RFC 3263 4.3 moves on; what the user hears at the end is the
 * most telling, not the last), and said to the failover callback when
 * another target follows.
 */
static void
note(struct sip_ep *ep, struct sip_ep_ctxn *c, enum sip_err e,
    const char *why)
{
	if (e != SIP_OK && (c->err == SIP_OK || rank(e) > rank(c->err))) {
		c->err = e;
		snprintf(c->whybuf, sizeof c->whybuf, "%s",
		    why != NULL ? why : sip_err_str(e));
		c->why = c->whybuf;
	}
	if (ep->failover != NULL && !c->final && c->cur + 1 < c->ndst)
		ep->failover(ep->failover_arg, c, e, why);
}

/*
 * c failed at its target (timeout, transport failure, 503): RFC 3263 4.3
 * and RFC 3261 8.1.3.1 say try the next one.  Returns 1 when it did.
 */
static int
next_target(struct sip_ep *ep, struct sip_ep_ctxn *c)
{
	enum sip_err e;

	while (!c->final && c->cur + 1 < c->ndst) {
		c->cur++;
		ep->failovers++;
		c->tperr = SIP_OK;
		c->tpwhy[0] = '\0';
		if ((e = begin(ep, c)) == SIP_OK)
			return 1;
		if (!tp_failure(e)) {
			c->err = e;
			c->why = "cannot build the request for the next target";
			return 0;
		}
		note(ep, c, e, c->tpwhy[0] ? c->tpwhy : NULL);
	}
	return 0;
}

static void
fail(struct sip_ep *ep, struct sip_ep_ctxn *c, enum sip_err e,
    const char *why)
{
	note(ep, c, e, why);
	if (next_target(ep, c))
		return;
	unlink_live(ep, c);
	if (!c->final) {
		if (c->err == SIP_OK) {
			c->err = e;
			c->why = why;
		}
		finish(c, NULL);
	}
}

/* A BYE the endpoint sends: built from the dialog while it starts. */
struct owned_bye {
	struct sip_ep_ctxn		 c;	/* first: freed through it */
	struct sip_dialog		*d;
	const struct sip_req_params	*p;
};

static enum sip_err
bye_build(struct sip_ep_ctxn *b, struct buf *out, size_t *boff, size_t *blen)
{
	const struct owned_bye *s = b->user;
	struct sip_req_params q;

	(void)boff;
	(void)blen;
	if (s->d == NULL)
		return SIP_E_STATE;
	memset(&q, 0, sizeof q);
	if (s->p != NULL)
		q = *s->p;
	q.branch = NULL;
	q.body = NULL;
	q.body_len = 0;
	q.content_type = NULL;
	/* the INVITE's credentials answered its challenge, not this BYE's */
	q.headers = NULL;
	q.gen = 0;
	return sip_dialog_request(s->d, out, "BYE", &q);
}

static void
owned_free(struct sip_ep_ctxn *b)
{
	sip_txn_release(&b->txn);
	free(b);
}

/*
 * 13.2.2.4: a fork that answered 2xx after the call's own is ended.  The
 * BYE's transaction is the endpoint's; it frees it at its end.
 */
static void
send_bye(struct sip_ep *ep, struct sip_ep_ctxn *c, struct sip_dialog *d,
    const struct sip_ep_dest *dst)
{
	struct owned_bye *b = calloc(1, sizeof *b);

	if (b == NULL)
		return;
	b->d = d;
	b->p = c->set.p;
	b->c.dst[0] = *dst;
	b->c.ndst = 1;
	b->c.owned = 1;
	b->c.build = bye_build;
	b->c.user = b;
	if (sip_ep_start(ep, &b->c, ep->now_us) != SIP_OK)
		owned_free(&b->c);
	/* else it is drain()'s to free, maybe already */
}

static uint64_t
t1_of(const struct sip_ep *ep)
{
	return ep->t1 ? ep->t1 : SIP_TXN_T1;
}

/* The CANCEL of the INVITE the endpoint's ctxn user points at. */
static enum sip_err
cancel_build(struct sip_ep_ctxn *x, struct buf *out, size_t *boff,
    size_t *blen)
{
	const struct sip_ep_ctxn *inv = x->user;
	struct sip_msg m;
	enum sip_err e;

	(void)boff;
	(void)blen;
	if ((e = sip_msg_parse(&m, inv->txn.req.p, inv->txn.req.len, 0,
	    NULL)) != SIP_OK)
		return e;
	return sip_build_cancel(out, &m);
}

/*
 * RFC 3261 9.1: the CANCEL, in a transaction of its own (the endpoint's,
 * freed at its end) to where the INVITE went, with the INVITE's branch.
 */
static void
send_cancel(struct sip_ep *ep, struct sip_ep_ctxn *c)
{
	struct sip_ep_ctxn *x = calloc(1, sizeof *x);

	c->cancel_sent = 1;
	c->timer_c = 0;
	c->cancel_until = ep->now + 64 * t1_of(ep);
	if (x == NULL)
		return;
	x->dst[0] = c->dst[c->cur];
	x->ndst = 1;
	x->owned = 1;
	x->build = cancel_build;
	x->user = c;
	if (sip_ep_start(ep, x, ep->now_us) != SIP_OK)
		owned_free(x);
}

enum sip_err
sip_ep_cancel(struct sip_ep *ep, struct sip_ep_ctxn *c, uint64_t now_us)
{
	if (!c->invite || !c->active || c->final || c->ep != ep)
		return SIP_E_STATE;
	ep->now_us = now_us;
	ep->now = now_us / 1000;
	c->cancel = 1;
	if (!c->cancel_sent && c->status >= 100)
		send_cancel(ep, c);
	rearm(ep);
	return SIP_OK;
}

/* A request of the endpoint's own, its bytes given: the BYE below. */
struct owned_raw {
	struct sip_ep_ctxn	 c;	/* first: freed through it */
	size_t			 len;
	char			 msg[];
};

static enum sip_err
raw_build(struct sip_ep_ctxn *x, struct buf *out, size_t *boff, size_t *blen)
{
	const struct owned_raw *r = x->user;

	(void)boff;
	(void)blen;
	return buf_add(out, r->msg, r->len);
}

/* b (NUL-ended) with a fresh branch in its first Via. */
static enum sip_err
new_branch(struct buf *b)
{
	char br[SIP_BRANCH_SIZE], *p = strstr(b->p, ";branch=");
	struct buf t;
	size_t at, old;
	enum sip_err e;

	if (p == NULL || (e = sip_build_branch(br)) != SIP_OK)
		return SIP_E_PARSE;
	at = (size_t)(p - b->p) + 8;
	old = strcspn(b->p + at, ";, \r\n");
	buf_init(&t, SIP_MAX_MSG);
	if ((e = buf_add(&t, b->p, at)) == SIP_OK &&
	    (e = buf_adds(&t, br)) == SIP_OK)
		e = buf_add(&t, b->p + at + old, b->len - at - old);
	if (e == SIP_OK) {
		buf_reset(b);
		e = buf_add(b, t.p, t.len);
	}
	buf_free(&t);
	return e;
}

/*
 * 13.2.2.4: a UAC acknowledges every 2xx, even one that makes no dialog
 * (too many Record-Route values, one that does not parse, no usable
 * Contact).  Ack it from the INVITE and the 2xx alone, with a branch of
 * its own, and end the call with a BYE the same way (once): the call
 * cannot be kept, and the callee must not be left in it.
 */
static void
undialogued(struct sip_ep *ep, struct sip_ep_ctxn *c, const struct sip_msg *m)
{
	struct sip_msg inv;
	struct buf b;
	struct sip_cseq cs;
	struct owned_raw *x;

	if (sip_msg_parse(&inv, c->txn.req.p, c->txn.req.len, 0, NULL) !=
	    SIP_OK)
		return;
	buf_init(&b, SIP_MAX_MSG);
	if (sip_build_ack(&b, &inv, m) == SIP_OK && buf_addc(&b, '\0') ==
	    SIP_OK && new_branch(&b) == SIP_OK)
		send_to(ep, &c->dst[c->cur], b.p, b.len - 1, c->undialogued);
	if (c->undialogued++ ||
	    sip_field_cseq(&cs, sip_msg_value(&inv, SIP_HDR_CSEQ), NULL) !=
	    SIP_OK) {
		buf_free(&b);
		return;
	}
	buf_reset(&b);
	if (buf_printf(&b, "BYE " SLICE_FMT " SIP/2.0\r\nVia: " SLICE_FMT
	    "\r\nMax-Forwards: 70\r\nFrom: " SLICE_FMT "\r\nTo: " SLICE_FMT
	    "\r\nCall-ID: " SLICE_FMT "\r\nCSeq: %u BYE\r\n"
	    "Content-Length: 0\r\n\r\n", SLICE_ARG(inv.ruri),
	    SLICE_ARG(sip_msg_value(&inv, SIP_HDR_VIA)),
	    SLICE_ARG(sip_msg_value(&inv, SIP_HDR_FROM)),
	    SLICE_ARG(sip_msg_value(m, SIP_HDR_TO)),
	    SLICE_ARG(sip_msg_value(&inv, SIP_HDR_CALL_ID)),
	    cs.num + 1) != SIP_OK || buf_addc(&b, '\0') != SIP_OK ||
	    new_branch(&b) != SIP_OK ||
	    (x = calloc(1, sizeof *x + b.len)) == NULL) {
		buf_free(&b);
		return;
	}
	x->len = b.len - 1;
	memcpy(x->msg, b.p, b.len);
	buf_free(&b);
	x->c.dst[0] = c->dst[c->cur];
	x->c.ndst = 1;
	x->c.owned = 1;
	x->c.build = raw_build;
	x->c.user = x;
	if (sip_ep_start(ep, &x->c, ep->now_us) != SIP_OK)
		owned_free(&x->c);
}

/*
 * Next hops within a dialog (RFC 3261 12.2.1.1, 13.2.2.4, RFC 3263): a
 * fork's ACK and BYE go to its first route or its remote target, not to
 * where the INVITE went.
 */
enum { HOP_NONE, HOP_RESOLVING, HOP_KNOWN };

static void
hop_unlist(struct sip_ep *ep, struct sip_ep_hop *h)
{
	for (struct sip_ep_hop **pp = &ep->resolving; *pp != NULL;
	    pp = &(*pp)->next)
		if (*pp == h) {
			*pp = h->next;
			h->next = NULL;
			return;
		}
}

/* Forget c's next hops (a new INVITE, its release); lookups stop. */
static void
hops_drop(struct sip_ep *ep, struct sip_ep_ctxn *c)
{
	if (c->hop == NULL)
		return;
	for (unsigned i = 0; i < SIP_DIALOG_MAXFORK; i++)
		if (c->hop[i].state == HOP_RESOLVING) {
			sip_resolve_cancel(c->hop[i].h);
			hop_unlist(ep, &c->hop[i]);
		}
	free(c->hop);
	c->hop = NULL;
}

/* No next hop can be had: where the INVITE went, as before RFC 3263. */
static void
hop_fallback(struct sip_ep *ep, struct sip_ep_hop *h)
{
	ep->hopless++;
	h->dst = h->c->dst[h->c->cur];
	h->dst.flow = NULL;
	h->state = HOP_KNOWN;
}

/*
 * h is at d.  The INVITE's own target when that is the address and the
 * URI asks no other transport: a proxy that record-routes is reached as
 * the INVITE reached it (its connection, its WebSocket path).  No flow
 * is kept: the transport set finds the connection by peer.
 */
static void
hop_known(struct sip_ep_hop *h, const struct sip_ep_dest *d, int tp_given)
{
	const struct sip_ep_dest *inv = &h->c->dst[h->c->cur];

	if (sip_net_equal(&d->addr, &inv->addr) &&
	    (!tp_given || d->tp == inv->tp)) {
		h->dst = *inv;
	} else {
		h->dst = *d;
		h->dst.host = h->host;
		h->dst.ws_path = NULL;
	}
	h->dst.flow = NULL;
	h->state = HOP_KNOWN;
}

/*
 * An IP address needs no DNS (RFC 3263 4.1, 4.2): the URI's transport,
 * else TLS for sips and UDP for sip, and its port or the default one.
 */
static int
hop_literal(const struct sip_resolve_req *q, struct sip_ep_dest *d)
{
	enum sip_tp tp = q->tp;

	if (q->sips)
		tp = tp == SIP_TP_WS || tp == SIP_TP_WSS ? SIP_TP_WSS :
		    SIP_TP_TLS;
	else if (tp == SIP_TP_NONE)
		tp = SIP_TP_UDP;
	memset(d, 0, sizeof *d);
	d->tp = tp;
	return sip_net_numeric(q->host, q->port ? (int)q->port :
	    sip_tp_default_port(tp), &d->addr) == SIP_OK;
}

static void
send_owed(struct sip_ep *ep, struct sip_ep_hop *h)
{
	struct sip_dialog_fork *f = &h->c->set.fork[h->fork];

	if (h->ack && f->ack.len > 0)
		send_to(ep, &h->dst, f->ack.p, f->ack.len, h->ack > 1);
	if (h->bye && f->d != NULL)
		send_bye(ep, h->c, f->d, &h->dst);
	h->ack = h->bye = 0;
}

/* The lookup of h's next hop ended: what it owes goes out. */
static void
hop_resolved(void *arg, enum sip_err e, const struct sip_dests *d,
    const char *why)
{
	struct sip_ep_hop *h = arg;
	struct sip_ep *ep = h->c->ep;
	struct sip_ep_dest x;

	(void)why;
	hop_unlist(ep, h);
	h->h = NULL;
	if (e == SIP_OK && d->n > 0) {
		memset(&x, 0, sizeof x);
		x.tp = d->v[0].tp;
		x.addr = d->v[0].addr;
		hop_known(h, &x, h->tp_given);
	} else {
		hop_fallback(ep, h);
	}
	ep->now_us = sip_loop_now_us(ep->loop);
	ep->now = ep->now_us / 1000;
	send_owed(ep, h);
	rearm(ep);
}

/*
 * The next hop of c's fork i, worked out on its first 2xx; NULL when
 * there is no memory for it (the INVITE's target is used).
 */
static struct sip_ep_hop *
hop_of(struct sip_ep *ep, struct sip_ep_ctxn *c, unsigned i)
{
	struct sip_resolve_req q;
	struct sip_ep_hop *h;
	struct sip_ep_dest x;

	if (c->hop == NULL &&
	    (c->hop = calloc(SIP_DIALOG_MAXFORK, sizeof *c->hop)) == NULL)
		return NULL;
	h = &c->hop[i];
	if (h->state != HOP_NONE)
		return h;
	h->c = c;
	h->fork = i;
	if (sip_dialog_next_hop(c->set.fork[i].d, &q, h->host,
	    sizeof h->host) != SIP_OK) {
		hop_fallback(ep, h);
		return h;
	}
	h->tp_given = q.tp != SIP_TP_NONE || q.sips;
	if (hop_literal(&q, &x)) {
		hop_known(h, &x, h->tp_given);
		return h;
	}
	if (ep->resolver == NULL || ep->loop == NULL ||
	    sip_resolve_start(ep->resolver, ep->loop, &q, hop_resolved, h,
	    &h->h) != SIP_OK) {
		hop_fallback(ep, h);
		return h;
	}
	h->state = HOP_RESOLVING;
	h->next = ep->resolving;
	ep->resolving = h;
	return h;
}

/* A 1xx or 2xx to c's INVITE, in or out of its transaction. */
static void
fork_response(struct sip_ep *ep, struct sip_ep_ctxn *c,
    const struct sip_msg *m)
{
	struct sip_dialog_out o;
	struct sip_ep_hop *h;

	if (sip_dialog_set_response(&c->set, m, &o) != SIP_OK) {
		if (m->status >= 200)
			undialogued(ep, c, m);
		return;
	}
	if (o.ack == NULL)
		return;
	if (o.again)
		ep->reacked++;
	if ((h = hop_of(ep, c, o.fork)) == NULL) {
		send_to(ep, &c->dst[c->cur], o.ack, o.ack_len, o.again);
		if (o.bye)
			send_bye(ep, c, o.d, &c->dst[c->cur]);
		return;
	}
	/* owed until the lookup ends; sent now when the hop is known */
	h->ack = o.again ? 2 : 1;
	h->bye |= o.bye;
	if (h->state == HOP_KNOWN)
		send_owed(ep, h);
}

const struct sip_ep_dest *
sip_ep_call_dest(const struct sip_ep_ctxn *c)
{
	int w = c->set.winner;

	if (w < 0)
		return NULL;
	if (c->hop == NULL || c->hop[w].state == HOP_NONE)
		return &c->dst[c->cur];
	return c->hop[w].state == HOP_KNOWN ? &c->hop[w].dst : NULL;
}

/* Returns 0 when c was started again or released by its callback. */
static int
response(struct sip_ep *ep, struct sip_ep_ctxn *c, const struct sip_msg *m,
    unsigned gen)
{
	c->status = m->status;
	if (m->status == 503 && !c->final && c->cur + 1 < c->ndst) {
		/* RFC 3263 4.3: a 503 sends the request on to the next */
		fail(ep, c, SIP_OK, "503 Service Unavailable");
		return 1;
	}
	if (c->invite && m->status > 100 && m->status < 300)
		fork_response(ep, c, m);
	if (c->invite && m->status < 200 && !c->final) {
		/* 16.6 step 11: each provisional restarts Timer C */
		if (m->status > 100 && !c->cancel)
			c->timer_c = ep->now + 360 * t1_of(ep);
		if (c->cancel && !c->cancel_sent)
			send_cancel(ep, c);
	}
	if (c->final)
		return 1;	/* more 2xx in Accepted: the forks' business */
	if (m->status >= 200) {
		c->err = SIP_OK;
		c->why = NULL;
		finish(c, m);
	} else if (c->cb != NULL) {
		c->cb(c, m);
	}
	return c->gen == gen;
}

/* What the transport said of c's target, for the failure it causes. */
static void
tp_said(struct sip_ep_ctxn *c, enum sip_err e, const char *why)
{
	c->tperr = e;
	snprintf(c->tpwhy, sizeof c->tpwhy, "%s", why != NULL ? why : "");
}

static void
drain(struct sip_ep *ep, struct sip_ep_ctxn *c)
{
	struct sip_txn_action a;
	unsigned gen = c->gen;
	enum sip_err e;

	while (c->gen == gen && sip_txn_action(&c->txn, &a)) {
		switch (a.kind) {
		case SIP_TXN_SEND:
			if (a.retransmit)
				c->retrans++;
			if ((e = send_to(ep, &c->dst[c->cur], a.data, a.len,
			    a.retransmit)) != SIP_OK) {
				tp_said(c, e, ep->tps != NULL ?
				    sip_tps_err(ep->tps) : NULL);
				sip_txn_transport_error(&c->txn);
			}
			break;
		case SIP_TXN_RESPONSE:
			if (!response(ep, c, a.msg, gen))
				return;
			break;
		case SIP_TXN_TIMEOUT:
			fail(ep, c, SIP_E_TIMEOUT, a.timer == 'B' ?
			    "no final response (timer B)" :
			    "no final response (timer F)");
			break;
		case SIP_TXN_TPERROR:
			fail(ep, c, c->tperr != SIP_OK ? c->tperr : SIP_E_NET,
			    c->tpwhy[0] ? c->tpwhy : "the transport failed");
			break;
		case SIP_TXN_END:
			unlink_live(ep, c);
			if (c->owned) {
				owned_free(c);
				return;
			}
			break;
		default:
			break;
		}
	}
}

int
sip_ep_targets(struct sip_ep_ctxn *c, const struct sip_dests *d)
{
	unsigned n = d->n < SIP_EP_MAXTARGETS ? d->n : SIP_EP_MAXTARGETS;

	for (unsigned i = 0; i < n; i++) {
		c->dst[i].tp = d->v[i].tp;
		c->dst[i].addr = d->v[i].addr;
		c->dst[i].flow = NULL;
	}
	c->ndst = (int)n;
	return c->ndst;
}

enum sip_err
sip_ep_start(struct sip_ep *ep, struct sip_ep_ctxn *c, uint64_t now_us)
{
	enum sip_err e;
	unsigned gen;

	if (c->ndst < 1 || c->ndst > SIP_EP_MAXTARGETS || c->build == NULL)
		return SIP_E_INVAL;
	if (!c->active && ep->nlive >= SIP_EP_MAXCLIENT)
		return SIP_E_TOOBIG;
	ep->now_us = now_us;
	ep->now = now_us / 1000;
	if (c->txn.req.max == 0)
		sip_txn_init(&c->txn, SIP_TXN_NICT, 0);
	c->ep = ep;
	gen = ++c->gen;
	c->cur = 0;
	c->retrans = 0;
	c->status = 0;
	c->final = 0;
	c->err = SIP_OK;
	c->why = NULL;
	c->tperr = SIP_OK;
	c->tpwhy[0] = '\0';
	c->cancel = c->cancel_sent = 0;
	c->timer_c = c->cancel_until = 0;
	c->undialogued = 0;
	if ((e = begin(ep, c)) != SIP_OK) {
		if (!tp_failure(e)) {
			unlink_live(ep, c);
			return e;
		}
		/* the first target cannot be reached: on to the next */
		note(ep, c, e, c->tpwhy[0] ? c->tpwhy : NULL);
		if (!next_target(ep, c)) {
			unlink_live(ep, c);
			if (c->err == SIP_OK)
				c->err = e;
			finish(c, NULL);
			rearm_one(ep, c, gen);
			return SIP_OK;
		}
	}
	drain(ep, c);
	rearm_one(ep, c, gen);
	return SIP_OK;
}

/* A response no transaction took: a 2xx retransmission for a fork? */
static void
stray_response(struct sip_ep *ep, const struct sip_msg *m,
    const struct sip_ep_rx *rx)
{
	struct sip_cseq cs;
	struct sip_dialog_set *s;

	if (m->status >= 200 && m->status < 300 &&
	    sip_field_cseq(&cs, sip_msg_value(m, SIP_HDR_CSEQ), NULL) ==
	    SIP_OK && slice_eq_lit(cs.method, "INVITE") &&
	    (s = sip_dialog_table_find(&ep->dialogs, m)) != NULL) {
		fork_response(ep, s->user, m);
		return;
	}
	ep->nstray++;
	if (ep->stray != NULL)
		ep->stray(ep->stray_arg, ep, m, rx);
}

/*
 * The To tag of the last response t sent, so that more carry the same;
 * a fresh one when it sent none; NULL when none can be had.
 */
static const char *
sent_tag(const struct sip_uas_txn *t, char *tag, size_t n)
{
	struct sip_msg r;
	struct slice v = SLICE_NULL;

	if (t != NULL && t->txn.out.len > 0 && sip_msg_parse(&r,
	    t->txn.out.p, t->txn.out.len, 0, NULL) == SIP_OK)
		v = sip_field_hparam(sip_msg_value(&r, SIP_HDR_TO), "tag");
	if (v.len > 0 && v.len < n) {
		memcpy(tag, v.p, v.len);
		tag[v.len] = '\0';
		return tag;
	}
	return n >= SIP_TAG_SIZE && sip_build_tag(tag) == SIP_OK ? tag : NULL;
}

/* Build the code response to the request t holds and send it in t. */
static enum sip_err
answer(struct sip_ep *ep, struct sip_uas_txn *t, int code, const char *tag)
{
	struct sip_resp_params p = { .code = code, .to_tag = tag };
	struct sip_msg req;
	struct buf b;
	enum sip_err e;

	if ((e = sip_txn_server_request(&t->txn, &req)) != SIP_OK)
		return e;
	buf_init(&b, SIP_MAX_MSG);
	if ((e = sip_build_response(&b, &req, &p)) == SIP_OK)
		e = sip_ep_respond(ep, t, b.p, b.len, ep->now_us);
	buf_free(&b);
	return e;
}

/*
 * RFC 3261 9.2: a CANCEL (in its own transaction ct) stops the INVITE
 * it matches: 200 to the CANCEL, and 487 to the INVITE when it had no
 * final response yet; a CANCEL that matches nothing gets 481.
 */
static void
cancel(struct sip_ep *ep, struct sip_uas_txn *ct, struct sip_uas_txn *inv)
{
	char buf[SIP_TAG_SIZE];
	const char *tag = sent_tag(inv, buf, sizeof buf);

	if (inv == NULL) {
		answer(ep, ct, 481, tag);
		return;
	}
	answer(ep, ct, 200, tag);
	if (inv->txn.state == SIP_TXN_PROCEEDING)
		answer(ep, inv, 487, tag);
}

/* The uas table's sends go out through the endpoint's transport. */
static enum sip_err
uas_send(void *arg, struct sip_uas_txn *t, const char *p, size_t n,
    int retrans)
{
	struct sip_ep *ep = arg;
	struct sip_ep_dest d;

	d.tp = t->conn->tp;
	d.addr = t->conn->tp == SIP_TP_UDP ? t->dst : t->conn->peer;
	d.flow = t->conn;
	return send_to(ep, &d, p, n, retrans);
}

static void
request(struct sip_ep *ep, const struct sip_msg *m,
    const struct sip_ep_rx *rx)
{
	struct sip_uas_txn *t = NULL, *inv = NULL;
	enum sip_uas_got got;
	enum sip_err e;

	if (rx->flow == NULL || (ep->request == NULL && ep->stray == NULL)) {
		ep->nstray++;
		return;
	}
	ep->uas.send = uas_send;
	ep->uas.send_arg = ep;
	/* found before the CANCEL's own transaction takes a slot */
	if (m->mid == SIP_METHOD_CANCEL)
		inv = sip_uas_cancelled(&ep->uas, rx->flow, m);
	e = sip_uas_request(&ep->uas, rx->flow, &rx->src, m, ep->now, &t,
	    &got);
	ep->uas_at = sip_uas_timers(&ep->uas, ep->now);
	if (e != SIP_OK) {
		ep->refused++;	/* the applet may answer it statelessly */
		return;
	}
	if (got == SIP_UAS_ABSORBED)
		return;		/* a retransmission */
	if (got == SIP_UAS_ACK_2XX) {	/* the dialog's */
		ep->nstray++;
		if (ep->stray != NULL)
			ep->stray(ep->stray_arg, ep, m, rx);
		return;
	}
	if (m->mid == SIP_METHOD_CANCEL)
		cancel(ep, t, inv);
	else if (ep->request != NULL)
		ep->request(ep->request_arg, ep, t, m, rx);
	else
		answer(ep, t, 501, NULL);
}

/* Response m to its client transaction: 0 when it has none. */
static int
client_response(struct sip_ep *ep, const struct sip_msg *m)
{
	struct slice branch;
	struct sip_cseq cs;
	int have_cs = 0;

	/*
	 * The branch read once and compared first: most of the table
	 * (finished transactions waiting out Timer K) is not a candidate.
	 * Branches share their "z9hG4bK" start and often their length, so
	 * their last bytes, the random ones, are compared before the whole:
	 * a load run's 64 in flight cost a memcmp() each per response.
	 */
	branch = sip_field_hparam(sip_msg_value(m, SIP_HDR_VIA), "branch");
	for (int i = 0; branch.len > 0 && i < ep->nlive; i++) {
		struct sip_ep_ctxn *c = ep->live[i];
		struct slice b = c->txn.branch;

		/* 17.1.3 as sip_txn_match_response(), the branch read once */
		if (b.len != branch.len ||
		    b.p[b.len - 1] != branch.p[branch.len - 1] ||
		    (b.len >= 4 && memcmp(b.p + b.len - 4,
		    branch.p + branch.len - 4, 4) != 0) ||
		    memcmp(b.p, branch.p, b.len) != 0)
			continue;
		if (!have_cs && sip_field_cseq(&cs, sip_msg_value(m,
		    SIP_HDR_CSEQ), NULL) != SIP_OK)
			return 0;
		have_cs = 1;
		if (slice_eq(cs.method, c->txn.cseq_method)) {
			unsigned gen = c->gen;

			sip_txn_input(&c->txn, m, ep->now);
			drain(ep, c);
			rearm_one(ep, c, gen);
			return 1;
		}
	}
	return 0;
}

/* A request, or a response no client transaction took. */
static void
input_other(struct sip_ep *ep, const struct sip_msg *m,
    const struct sip_ep_rx *rx)
{
	if (m->is_request)
		request(ep, m, rx);
	else
		stray_response(ep, m, rx);
	rearm(ep);
}

void
sip_ep_input(struct sip_ep *ep, const struct sip_msg *m,
    const struct sip_ep_rx *rx, uint64_t now_us)
{
	ep->now_us = now_us;
	ep->now = now_us / 1000;
	if (!m->is_request && client_response(ep, m))
		return;
	input_other(ep, m, rx);
}

/* c's next instant: its transaction's timer, Timer C, the CANCEL's wait. */
static uint64_t
deadline_of(const struct sip_ep_ctxn *c)
{
	uint64_t d = sip_txn_deadline(&c->txn);

	if (c->final)
		return d;
	if (c->timer_c != 0 && (d == 0 || c->timer_c < d))
		d = c->timer_c;
	if (c->cancel_until != 0 && (d == 0 || c->cancel_until < d))
		d = c->cancel_until;
	return d;
}

/*
 * Whether c, taken in a snapshot with start number gen, is still that
 * running transaction: an earlier one's callback may have ended, started
 * again or freed it (an owned BYE), so c is compared, not read, first.
 */
static int
still_live(const struct sip_ep *ep, const struct sip_ep_ctxn *c,
    unsigned gen)
{
	/* from the end: where a transaction just started is */
	for (int k = ep->nlive; k-- > 0;)
		if (ep->live[k] == c)
			return c->gen == gen;
	return 0;
}

void
sip_ep_timers(struct sip_ep *ep, uint64_t now_us)
{
	struct sip_ep_ctxn *due[SIP_EP_MAXCLIENT];
	unsigned gen[SIP_EP_MAXCLIENT];
	int ndue = 0;

	ep->now_us = now_us;
	ep->now = now_us / 1000;
	/* callbacks reorder live[]: walk a snapshot */
	for (int i = 0; i < ep->nlive; i++) {
		uint64_t d = deadline_of(ep->live[i]);

		if (d != 0 && d <= ep->now) {
			gen[ndue] = ep->live[i]->gen;
			due[ndue++] = ep->live[i];
		}
	}
	for (int i = 0; i < ndue; i++) {
		struct sip_ep_ctxn *c = due[i];
		uint64_t d;

		if (!still_live(ep, c, gen[i]))
			continue;
		if (!c->final && c->cancel_until != 0 &&
		    c->cancel_until <= ep->now) {
			sip_ep_abort(ep, c, SIP_E_TIMEOUT, "no final response "
			    "to the INVITE 64*T1 after its CANCEL");
			continue;
		}
		if (!c->final && c->timer_c != 0 && c->timer_c <= ep->now) {
			c->timer_c = 0;
			c->cancel = 1;
			send_cancel(ep, c);
			if (!still_live(ep, c, gen[i]))
				continue;
		}
		if ((d = sip_txn_deadline(&c->txn)) != 0 && d <= ep->now) {
			sip_txn_timer(&c->txn, ep->now);
			drain(ep, c);
		}
	}
	if (ep->uas.t != NULL)
		ep->uas_at = sip_uas_timers(&ep->uas, ep->now);
	rearm(ep);
}

uint64_t
sip_ep_deadline(const struct sip_ep *ep)
{
	uint64_t dl = ep->uas_at;

	for (int i = 0; i < ep->nlive; i++) {
		uint64_t d = deadline_of(ep->live[i]);

		if (d != 0 && (dl == 0 || d < dl))
			dl = d;
	}
	return dl;
}

enum sip_err
sip_ep_respond(struct sip_ep *ep, struct sip_uas_txn *t, const char *resp,
    size_t len, uint64_t now_us)
{
	enum sip_err e;

	ep->now_us = now_us;
	ep->now = now_us / 1000;
	e = sip_uas_respond(&ep->uas, t, resp, len, ep->now);
	ep->uas_at = sip_uas_timers(&ep->uas, ep->now);
	rearm(ep);
	return e;
}

void
sip_ep_abort(struct sip_ep *ep, struct sip_ep_ctxn *c, enum sip_err err,
    const char *why)
{
	unlink_live(ep, c);
	if (!c->final) {
		c->err = err;
		c->why = why;
		finish(c, NULL);
	}
	if (c->owned && !c->active)
		owned_free(c);
}

int
sip_ep_owned_pending(const struct sip_ep *ep)
{
	int n = 0;

	for (int i = 0; i < ep->nlive; i++)
		n += ep->live[i]->owned && !ep->live[i]->final;
	for (const struct sip_ep_hop *h = ep->resolving; h != NULL;
	    h = h->next)
		n += h->ack || h->bye;
	return n;
}

void
sip_ep_abort_all(struct sip_ep *ep, enum sip_err err, const char *why)
{
	while (ep->nlive > 0)
		sip_ep_abort(ep, ep->live[0], err, why);
}

void
sip_ep_release(struct sip_ep *ep, struct sip_ep_ctxn *c)
{
	unlink_live(ep, c);
	c->gen++;
	hops_drop(ep, c);
	sip_dialog_table_del(&ep->dialogs, &c->set);
	sip_dialog_set_free(&c->set);
	c->set.winner = -1;
	sip_txn_release(&c->txn);
}

void
sip_ep_free(struct sip_ep *ep)
{
	while (ep->nlive > 0) {
		struct sip_ep_ctxn *c = ep->live[0];

		unlink_live(ep, c);
		if (c->owned)
			owned_free(c);
	}
	/* lookups still under way; their ctxns are the callers' to free */
	while (ep->resolving != NULL) {
		struct sip_ep_hop *h = ep->resolving;

		ep->resolving = h->next;
		sip_resolve_cancel(h->h);
		h->state = HOP_NONE;
		h->next = NULL;
	}
	sip_dialog_table_free(&ep->dialogs);
	sip_uas_free(&ep->uas);
	if (ep->loop != NULL)
		sip_loop_timer_stop(ep->loop, &ep->timer);
}

/* The transport set as the endpoint's transport. */
enum sip_err
sip_ep_tps_send(void *arg, const struct sip_ep_dest *d, const char *p,
    size_t n, int retrans)
{
	struct sip_ep *ep = arg;
	struct sip_tps_dst dst;

	(void)retrans;
	if (d->flow != NULL)
		return sip_tps_send_flow(ep->tps, sip_tps_flow_of(d->flow),
		    &d->addr, p, n);
	if (d->tp == SIP_TP_UDP)	/* a ping run's every request */
		return sip_tps_send_udp(ep->tps, &d->addr, p, n);
	memset(&dst, 0, sizeof dst);
	dst.tp = d->tp;
	dst.addr = d->addr;
	dst.host = d->host;
	dst.ws_path = d->ws_path;
	return sip_tps_send(ep->tps, &dst, p, n, NULL);
}

static void
on_timer(struct sip_timer *t, void *arg)
{
	struct sip_ep *ep = arg;

	(void)t;
	sip_ep_timers(ep, sip_loop_now_us(ep->loop));
}

void
sip_ep_attach(struct sip_ep *ep, struct sip_loop *l, struct sip_tps *s)
{
	ep->loop = l;
	ep->tps = s;
	ep->send = sip_ep_tps_send;
	ep->send_arg = ep;
	sip_timer_init(&ep->timer, on_timer, ep);
}

void
sip_ep_tps_recv(struct sip_tps *s, const struct sip_tps_rx *rx, void *arg)
{
	struct sip_ep *ep = arg;
	struct sip_ep_rx r;

	(void)s;
	if (rx->msg == NULL)
		return;		/* a datagram that does not parse */
	ep->now_us = rx->rx_us;
	ep->now = rx->rx_us / 1000;
	/* a response to one of ours needs no copy of where it came from */
	if (!rx->msg->is_request && client_response(ep, rx->msg))
		return;
	r.tp = rx->tp;
	r.src = *rx->src;
	r.local = *rx->local;
	r.flow = sip_tps_conn(rx->flow);
	input_other(ep, rx->msg, &r);
}

/* A flow's last word as an error: TLS, a refusal, or the network. */
static enum sip_err
closed_err(const char *detail)
{
	if (detail == NULL)
		return SIP_E_NET;
	if (strncmp(detail, "TLS", 3) == 0)
		return SIP_E_TLS;
	if (strstr(detail, "refused") != NULL)
		return SIP_E_REFUSED;
	return SIP_E_NET;
}

void
sip_ep_tps_closed(struct sip_tps *s, struct sip_tps_flow *f,
    enum sip_tps_why why, const char *detail, void *arg)
{
	struct sip_ep *ep = arg;
	struct sip_conn *c = sip_tps_conn(f);
	struct sip_ep_ctxn *hit[SIP_EP_MAXCLIENT];
	unsigned gen[SIP_EP_MAXCLIENT];
	int nhit = 0;

	(void)s;
	if (ep->uas.t != NULL)
		sip_uas_conn_gone(&ep->uas, c);
	for (int i = 0; i < ep->nlive; i++) {
		struct sip_ep_ctxn *x = ep->live[i];

		for (int k = 0; k < x->ndst; k++)
			if (x->dst[k].flow == c)
				x->dst[k].flow = NULL;
		/*
		 * A stream to the target in use that failed or never came
		 * up: a connection failure (RFC 3263 4.3), the next target.
		 */
		if (sip_tp_reliable(x->dst[x->cur].tp) &&
		    x->dst[x->cur].tp == sip_tps_tp(f) &&
		    (why == SIP_TPS_PEER || why == SIP_TPS_HANDSHAKE ||
		    why == SIP_TPS_BADMSG || why == SIP_TPS_QUEUE ||
		    why == SIP_TPS_MEMORY) &&
		    sip_net_equal(&x->dst[x->cur].addr, sip_tps_peer(f))) {
			gen[nhit] = x->gen;
			hit[nhit++] = x;
		}
	}
	for (int i = 0; i < nhit; i++) {
		if (!still_live(ep, hit[i], gen[i]))
			continue;
		tp_said(hit[i], sip_tps_flow_err(f) != SIP_OK ?
		    sip_tps_flow_err(f) : closed_err(detail), detail);
		sip_txn_transport_error(&hit[i]->txn);
		drain(ep, hit[i]);
	}
	rearm(ep);
}

void
sip_ep_tps_unreach(struct sip_tps *s, struct sip_tps_flow *f,
    const struct sip_sockaddr *dst, const char *detail, void *arg)
{
	struct sip_ep *ep = arg;
	struct sip_ep_ctxn *hit[SIP_EP_MAXCLIENT];
	unsigned gen[SIP_EP_MAXCLIENT];
	int nhit = 0;

	(void)s;
	(void)f;
	for (int i = 0; i < ep->nlive; i++) {
		struct sip_ep_ctxn *x = ep->live[i];

		if (x->dst[x->cur].tp == SIP_TP_UDP &&
		    sip_net_equal(&x->dst[x->cur].addr, dst)) {
			gen[nhit] = x->gen;
			hit[nhit++] = x;
		}
	}
	for (int i = 0; i < nhit; i++) {
		if (!still_live(ep, hit[i], gen[i]))
			continue;
		tp_said(hit[i], SIP_E_REFUSED, detail);
		sip_txn_transport_error(&hit[i]->txn);
		drain(ep, hit[i]);
	}
	rearm(ep);
}
