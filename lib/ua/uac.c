/*
 * uac.c - client requests through the endpoint on a transport set: the
 * requests built for each target, digest retries, the final answers
 * handed up.
 */
#include <stdio.h>
#include <string.h>

#include "authhdr.h"
#include "bounds.h"
#include "dialog.h"
#include "digest.h"
#include "field.h"
#include "uac.h"

#define TRY_ADD(x)	do { enum sip_err e_ = (x); \
	if (e_ != SIP_OK) return e_; } while (0)

/* The number of a CSeq value ("42 MESSAGE"): its digits, as a slice. */
static struct slice
cseq_num(struct slice v)
{
	size_t i = 0;

	v = slice_trim(v);
	while (i < v.len && v.p[i] >= '0' && v.p[i] <= '9')
		i++;
	return slice_head(v, i);
}

/*
 * A whole request given by the caller (sip-send -F), sent again with
 * credentials (RFC 3261 22.2, 8.1.3.5): its own bytes, but a fresh
 * branch in the top Via, CSeq r->cseq and the credentials' lines at the
 * end of the head.  SIP_E_PARSE when it has no branch or CSeq to change.
 */
static enum sip_err
build_raw_auth(struct sip_uac_req *r, struct buf *out)
{
	struct sip_msg m;
	const struct sip_hdr *via, *cs;
	struct slice br, num;
	const char *p = r->raw, *end;
	char n[16];
	enum sip_err e;

	if ((e = sip_msg_parse(&m, r->raw, r->rawlen, 0, NULL)) != SIP_OK)
		return e;
	if ((via = sip_msg_hdr(&m, SIP_HDR_VIA)) == NULL ||
	    (cs = sip_msg_hdr(&m, SIP_HDR_CSEQ)) == NULL ||
	    (br = sip_field_hparam(via->value, "branch")).len == 0 ||
	    (num = cseq_num(cs->value)).len == 0 || m.body_off < 2)
		return SIP_E_PARSE;
	if ((e = sip_build_branch(r->branch)) != SIP_OK)
		return e;
	snprintf(n, sizeof n, "%u", r->cseq);
	/* the three edits in the order they come in the message */
	struct { const char *at; size_t len; const char *with; } ed[3] = {
		{ br.p, br.len, r->branch }, { num.p, num.len, n },
		/* before the CRLF of the empty line */
		{ r->raw + m.body_off - 2, 0, NULL },
	};
	if (ed[1].at < ed[0].at) {	/* CSeq above Via */
		ed[1].at = br.p;
		ed[1].len = br.len;
		ed[1].with = r->branch;
		ed[0].at = num.p;
		ed[0].len = num.len;
		ed[0].with = n;
	}
	for (int i = 0; i < 3; i++) {
		TRY_ADD(buf_add(out, p, (size_t)(ed[i].at - p)));
		if (ed[i].with != NULL)
			TRY_ADD(buf_adds(out, ed[i].with));
		else
			for (int k = 0; k < 2; k++)
				if (r->auth[k].len > 0) {
					TRY_ADD(buf_add(out, r->auth[k].p,
					    r->auth[k].len));
					TRY_ADD(buf_adds(out, "\r\n"));
				}
		p = ed[i].at + ed[i].len;
	}
	end = r->raw + r->rawlen;
	return buf_add(out, p, (size_t)(end - p));
}

/* Build r's request into out (its transaction's own buffer). */
static enum sip_err
build(struct sip_uac *u, struct sip_uac_req *r, struct buf *out)
{
	int n = 0;

	if (r->raw != NULL) {
		r->ackp = r->p;
		r->ackp.headers = NULL;
		if (r->auth[0].len > 0 || r->auth[1].len > 0)
			return build_raw_auth(r, out);
		return buf_add(out, r->raw, r->rawlen);
	}
	if (r->p.headers != NULL)
		for (; r->p.headers[n] != NULL && n < SIP_UAC_MAXHDRS; n++)
			r->hdrs[n] = r->p.headers[n];
	for (int i = 0; i < 2; i++)
		if (r->auth[i].len > 0)
			r->hdrs[n++] = r->auth[i].p;
	r->hdrs[n] = NULL;

	struct sip_req_params p = r->p;
	enum sip_err e;

	/* credentials are headers the caller's gen does not cover */
	if (r->auth[0].len > 0 || r->auth[1].len > 0)
		p.gen = 0;
	if ((e = sip_build_branch(r->branch)) != SIP_OK)
		return e;
	p.branch = r->branch;
	p.call_id = r->call_id;
	p.from_tag = r->from_tag;
	p.cseq = r->cseq;
	p.headers = r->hdrs;
	/* 22.1: the ACK of a 2xx carries the INVITE's credentials (the
	 * ACK and the forks' BYE are an INVITE's alone) */
	if (r->c.invite)
		r->ackp = p;
	/* a ping run's requests differ only in these: no build for each */
	return sip_build_request_tmpl(out, &p, &u->tmpl);
}

/*
 * The endpoint's transport, the set, with the trace (which knows a
 * retransmission) printed before the clock starts.
 */
static enum sip_err
uac_send(void *arg, const struct sip_ep_dest *d, const char *p, size_t n,
    int retrans)
{
	struct sip_uac *u = arg;

	if (u->trace.fn != NULL) {
		sip_trace_msg(&u->trace, SIP_TRACE_OUT, p, n, retrans, d->tp,
		    &d->addr);
		if (!retrans)
			u->sent_us = sip_loop_update_us(u->loop);
	}
	return sip_ep_tps_send(&u->ep, d, p, n, retrans);
}

static enum sip_err
ep_build(struct sip_ep_ctxn *c, struct buf *out, size_t *boff, size_t *blen)
{
	struct sip_uac_req *r = c->user;
	struct sip_uac *u = r->uac;
	enum sip_err e;

	if (u->target != NULL &&
	    (e = u->target(u->target_arg, r, &c->dst[c->cur])) != SIP_OK)
		return e;
	if ((e = build(u, r, out)) != SIP_OK)
		return e;
	/*
	 * The loop's time brought up to date once per request, after it is
	 * built, so that the round trip is the wire's; it also starts the
	 * timers.
	 */
	u->ep.now_us = sip_loop_update_us(u->loop);
	u->ep.now = u->ep.now_us / 1000;
	/*
	 * A request built here whose Via and CSeq are the builder's own
	 * need no parse for the transaction's keys (a ping run's case).
	 */
	if (r->raw == NULL && u->tmpl.off[0] != 0 && u->tmpl.off[3] != 0) {
		*boff = u->tmpl.off[0];
		*blen = u->tmpl.len[0];
	}
	return SIP_OK;
}

static void
finish(struct sip_uac *u, struct sip_uac_req *r)
{
	for (int i = 0; i < u->nlive; i++)
		if (u->live[i] == r) {
			u->live[i] = u->live[--u->nlive];
			break;
		}
	r->active = 0;
	r->t_sent = r->c.t_sent;
	r->retrans = r->c.retrans;
	/* the round trip ends when the answer came off the socket */
	r->t_final = u->rx_us ? u->rx_us : sip_loop_now_us(u->loop);
	if (u->done != NULL)
		u->done(u->done_arg, r);
}

/*
 * Answer a 401/407 in m for r: returns 1 when a new request went out.
 * RFC 3261 22.2: same Call-ID and From tag, CSeq + 1, fresh branch.
 */
static int
retry_auth(struct sip_uac *u, struct sip_uac_req *r, const struct sip_msg *m)
{
	int proxy = m->status == 407;
	enum sip_hdr_id id = proxy ? SIP_HDR_PROXY_AUTHENTICATE :
	    SIP_HDR_WWW_AUTHENTICATE;
	const struct sip_hdr *h;
	struct buf *out = &r->auth[proxy];
	struct sip_msg raw;
	char method[64], uri[2048];

	if (u->user == NULL || u->password == NULL)
		return 0;
	/* a whole request of the caller's: its own method, URI and body */
	if (r->raw != NULL && (sip_msg_parse(&raw, r->raw, r->rawlen, 0,
	    NULL) != SIP_OK || !raw.is_request ||
	    raw.method.len >= sizeof method || raw.ruri.len >= sizeof uri ||
	    cseq_num(sip_msg_value(&raw, SIP_HDR_CSEQ)).len == 0))
		return 0;
	for (h = sip_msg_hdr(m, id); h != NULL; h = sip_msg_hdr_next(m, h)) {
		struct sip_auth chal;
		struct sip_perr pe;
		struct sip_digest_cred cred;
		int stale;

		if (sip_auth_parse(&chal, h->value, &pe) != SIP_OK ||
		    !slice_ieq_cstr(chal.scheme, "Digest"))
			continue;
		stale = sip_digest_stale(&chal);
		/* A second challenge means the password was wrong, unless
		 * the server only said the nonce went stale, once. */
		if (r->auth_tries > 0 && (!stale || r->stale_done))
			return 0;
		if (r->auth_tries > 3)
			return 0;
		memset(&cred, 0, sizeof cred);
		cred.username = u->user;
		cred.password = u->password;
		cred.method = r->p.method;
		cred.uri = r->p.ruri;
		cred.body = r->p.body;
		cred.body_len = r->p.body_len;
		if (r->raw != NULL) {
			snprintf(method, sizeof method, SLICE_FMT,
			    SLICE_ARG(raw.method));
			snprintf(uri, sizeof uri, SLICE_FMT, SLICE_ARG(raw.ruri));
			cred.method = method;
			cred.uri = uri;
			cred.body = raw.body.p;
			cred.body_len = raw.body.len;
		}
		buf_reset(out);
		buf_adds(out, proxy ? "Proxy-Authorization: " :
		    "Authorization: ");
		if (sip_digest_authorization(out, &chal, &cred) != SIP_OK) {
			buf_reset(out);
			continue;
		}
		if (r->auth_tries > 0)
			r->stale_done = 1;
		r->auth_tries++;
		r->cseq++;
		if (r->raw != NULL) {	/* one more than the caller's CSeq */
			uint32_t c0 = 0;

			slice_to_u32(cseq_num(sip_msg_value(&raw,
			    SIP_HDR_CSEQ)), SIP_MAX_CSEQ - 4, &c0);
			r->cseq = c0 + (uint32_t)r->auth_tries;
		}
		/* a new transaction on the same r, from inside its callback */
		return sip_ep_start(&u->ep, &r->c, u->ep.now_us) == SIP_OK;
	}
	return 0;
}

/* The endpoint's answer for r: a 1xx, the final response, or none. */
static void
ep_response(struct sip_ep_ctxn *c, const struct sip_msg *m)
{
	struct sip_uac_req *r = c->user;
	struct sip_uac *u = r->uac;

	if (m == NULL) {
		r->err = c->err;
		r->why = c->why;
		finish(u, r);
		return;
	}
	r->status = m->status;
	if (m->status < 200)
		return;
	if (m->status == 401 || m->status == 407) {
		struct sip_msg copy = *m;

		if (retry_auth(u, r, &copy))
			return;
	}
	/* the endpoint ACKed a 2xx to INVITE through the dialog set */
	r->dialog = sip_dialog_set_call(&c->set);
	if ((r->undialogued = c->undialogued) != 0)
		r->why = "the 2xx makes no dialog (more than 32 Record-Route "
		    "values, or a Record-Route or Contact that does not "
		    "parse): it was ACKed and the call ended with BYE";
	buf_reset(&r->final);
	buf_add(&r->final, m->buf, m->len);
	r->err = SIP_OK;
	finish(u, r);
}

static void
ep_request(void *arg, struct sip_ep *ep, struct sip_uas_txn *t,
    const struct sip_msg *m, const struct sip_ep_rx *rx)
{
	struct sip_uac *u = arg;

	(void)ep;
	(void)t;
	(void)rx;
	u->request(u->request_arg, m);
}

/* The endpoint, on first use. */
static void
ep_setup(struct sip_uac *u)
{
	u->ep.failover = u->failover;
	u->ep.failover_arg = u->failover_arg;
	u->ep.t1 = u->t1;
	u->ep.t2 = u->t2;
	u->ep.t4 = u->t4;
	/* nothing to trace: the set's send without a call in between */
	u->ep.send = u->trace.fn != NULL ? uac_send : sip_ep_tps_send;
	u->ep.send_arg = u->trace.fn != NULL ? (void *)u : (void *)&u->ep;
	if (u->request != NULL) {
		u->ep.request = ep_request;
		u->ep.request_arg = u;
	}
}

enum sip_err
sip_uac_start(struct sip_uac *u, struct sip_uac_req *r)
{
	enum sip_err e;

	if (u->nlive >= SIP_UAC_MAXACTIVE)
		return SIP_E_TOOBIG;
	if (u->ep.send == NULL || u->ndst < 1)
		return SIP_E_INVAL;	/* not attached, or nowhere to go */
	ep_setup(u);
	/* A request used before keeps its buffers' memory (a ping run). */
	if (r->final.max == 0) {
		buf_init(&r->final, SIP_MAX_MSG);
		buf_init(&r->auth[0], 8192);
		buf_init(&r->auth[1], 8192);
	}
	buf_reset(&r->final);
	for (int i = 0; i < 2; i++)
		if (r->auth[i].len > 0) {
			explicit_bzero(r->auth[i].p, r->auth[i].len);
			buf_reset(&r->auth[i]);
		}
	r->dialog = NULL;
	r->auth_tries = r->stale_done = 0;
	r->retrans = 0;
	r->t_sent = r->t_final = 0;
	if (r->p.call_id != NULL)
		snprintf(r->call_id, sizeof r->call_id, "%s", r->p.call_id);
	else if ((e = sip_build_callid(r->call_id, r->raw == NULL ?
	    r->p.via_host : NULL)) != SIP_OK)	/* as sip_build_request() */
		return e;
	if (r->p.from_tag != NULL)
		snprintf(r->from_tag, sizeof r->from_tag, "%s", r->p.from_tag);
	else if ((e = sip_build_tag(r->from_tag)) != SIP_OK)
		return e;
	r->cseq = r->p.cseq ? r->p.cseq : 1;
	r->err = SIP_OK;
	r->why = NULL;
	r->undialogued = 0;
	r->status = 0;
	r->uac = u;
	/* every target, for the endpoint's failover (RFC 3263 4.3) */
	for (int i = 0; i < u->ndst; i++)
		r->c.dst[i] = u->dst[i];
	r->c.ndst = u->ndst;
	r->c.invite = r->p.method[0] == 'I' &&
	    strcmp(r->p.method, "INVITE") == 0;
	r->c.build = ep_build;
	r->c.cb = ep_response;
	r->c.user = r;
	r->c.set.p = &r->ackp;
	r->active = 1;
	u->live[u->nlive++] = r;
	/* the time is brought up to date once, by ep_build (a ping run
	 * reads the clock as few times as a bare loop) */
	u->rx_us = 0;
	if ((e = sip_ep_start(&u->ep, &r->c, u->ep.now_us)) != SIP_OK) {
		for (int i = 0; i < u->nlive; i++)
			if (u->live[i] == r) {
				u->live[i] = u->live[--u->nlive];
				break;
			}
		r->active = 0;
		return e;
	}
	if (u->trace.fn != NULL && r->active)
		r->c.t_sent = u->sent_us;
	return SIP_OK;
}

void
sip_uac_abort_one(struct sip_uac *u, struct sip_uac_req *r, enum sip_err err,
    const char *why)
{
	u->rx_us = 0;
	sip_ep_abort(&u->ep, &r->c, err, why);
	if (r->active) {	/* its transaction had ended already */
		r->err = err;
		r->why = why;
		finish(u, r);
	}
}

enum sip_err
sip_uac_cancel(struct sip_uac *u, struct sip_uac_req *r)
{
	return sip_ep_cancel(&u->ep, &r->c, sip_loop_now_us(u->loop));
}

void
sip_uac_abort(struct sip_uac *u, enum sip_err err, const char *why)
{
	while (u->nlive > 0)
		sip_uac_abort_one(u, u->live[0], err, why);
}

/*
 * -v: a response from elsewhere than where its request went (another
 * port of the server, RFC 3261 18.1.2) is taken; say so.
 */
static void
note_source(struct sip_uac *u, const struct sip_tps_rx *rx)
{
	struct slice branch;
	char a[SIP_NET_ADDRSTR], b[SIP_NET_ADDRSTR], line[300];

	if (rx->msg->is_request || rx->tp != SIP_TP_UDP)
		return;
	branch = sip_field_hparam(sip_msg_value(rx->msg, SIP_HDR_VIA),
	    "branch");
	for (int i = 0; i < u->nlive; i++) {
		const struct sip_ep_ctxn *c = &u->live[i]->c;

		if (!slice_eq(branch, c->txn.branch) ||
		    sip_net_equal(&c->dst[c->cur].addr, rx->src))
			continue;
		snprintf(line, sizeof line, "response from %s, not %s where "
		    "the request went: taken (RFC 3261 18.1.2)",
		    sip_net_str(rx->src, a, sizeof a),
		    sip_net_str(&c->dst[c->cur].addr, b, sizeof b));
		sip_trace_msg(&u->trace, SIP_TRACE_INFO, line, strlen(line), 0,
		    SIP_TP_NONE, NULL);
		return;
	}
}

/* What the set received: traced, then to the endpoint. */
static void
uac_recv(struct sip_tps *s, const struct sip_tps_rx *rx, void *arg)
{
	struct sip_uac *u = arg;

	if (rx->msg == NULL)
		return;		/* a datagram that does not parse */
	/* the answer's time is when the read took it off the socket */
	u->rx_us = rx->rx_us;
	if (u->trace.fn != NULL) {
		sip_trace_msg(&u->trace, SIP_TRACE_IN, rx->data, rx->len, 0,
		    rx->tp, rx->src);
		note_source(u, rx);
	}
	sip_ep_tps_recv(s, rx, &u->ep);
	u->rx_us = 0;
}

/*
 * A flow is gone.  One that could not be framed (a header line or a
 * Content-Length past the limits, bytes that are no SIP) is the peer's
 * protocol failure, not the user's bad input (RFC 3261 18.3 says close
 * it): say who and which limit.
 */
static void
uac_closed(struct sip_tps *s, struct sip_tps_flow *f, enum sip_tps_why why,
    const char *detail, void *arg)
{
	struct sip_uac *u = arg;
	char a[SIP_NET_ADDRSTR];

	if (why == SIP_TPS_BADMSG) {
		snprintf(u->why, sizeof u->why, "%s over %s sent what cannot "
		    "be a SIP message: %.90s (a message may have %u bytes, a "
		    "header line %u)", sip_net_str(sip_tps_peer(f), a, sizeof a),
		    sip_tp_name(sip_tps_tp(f)), detail != NULL && *detail ?
		    detail : "malformed", SIP_MAX_MSG, SIP_MAX_LINE);
		detail = u->why;
	}
	sip_ep_tps_closed(s, f, why, detail, &u->ep);
}

static void
uac_unreach(struct sip_tps *s, struct sip_tps_flow *f,
    const struct sip_sockaddr *dst, const char *detail, void *arg)
{
	sip_ep_tps_unreach(s, f, dst, detail, &((struct sip_uac *)arg)->ep);
}

/* The set's trace: its notes (a connection, TLS) only; u traces messages. */
static void
uac_tps_trace(void *arg, const struct sip_trace_ev *ev)
{
	struct sip_uac *u = arg;

	if (ev->kind == SIP_TRACE_INFO && u->trace.fn != NULL)
		u->trace.fn(u->trace.arg, ev);
}

void
sip_uac_tps_opts(struct sip_uac *u, struct sip_tps_opts *o)
{
	if (u->trace.fn != NULL) {	/* no call per message for nothing */
		o->trace.fn = uac_tps_trace;
		o->trace.arg = u;
	}
	o->recv = uac_recv;
	o->closed = uac_closed;
	o->unreach = uac_unreach;
	o->arg = u;
	o->recverr = 1;
}

void
sip_uac_attach(struct sip_uac *u, struct sip_loop *l, struct sip_tps *s)
{
	u->loop = l;
	u->tps = s;
	sip_ep_attach(&u->ep, l, s);
	u->ep.send = uac_send;
	u->ep.send_arg = u;
}

void
sip_uac_step(struct sip_uac *u, int max_ms)
{
	uint64_t now, next;
	int n;

	/*
	 * One request at a time over UDP: the fast path (issue 12), a
	 * blocking read instead of a loop turn.  The loop's time is fresh:
	 * the request's build and each datagram's arrival bring it up to
	 * date.
	 */
	if (u->nlive == 1 && u->tps != NULL) {
		now = sip_loop_now(u->loop);
		next = sip_loop_next_timer(u->loop);
		if (next <= now) {
			sip_loop_once(u->loop, 0);
			return;
		}
		if (next - now < (uint64_t)max_ms)
			max_ms = (int)(next - now);
		if ((n = sip_tps_udp_wait(u->tps, max_ms)) >= 0) {
			/* nothing came: the wait ran out, a timer may be due */
			if (n == 0 || sip_loop_next_timer(u->loop) <=
			    sip_loop_now(u->loop))
				sip_loop_once(u->loop, 0);
			return;
		}
	}
	sip_loop_once(u->loop, max_ms);
}

const struct sip_ep_dest *
sip_uac_dest(const struct sip_uac_req *r)
{
	return &r->c.dst[r->c.cur];
}

void
sip_uac_free(struct sip_uac *u)
{
	sip_build_tmpl_free(&u->tmpl);
	sip_ep_free(&u->ep);
}

void
sip_uac_req_free(struct sip_uac_req *r)
{
	if (r->uac != NULL)
		sip_ep_release(&r->uac->ep, &r->c);
	sip_txn_release(&r->c.txn);
	buf_free(&r->final);
	r->dialog = NULL;
	buf_wipe(&r->auth[0]);
	buf_wipe(&r->auth[1]);
}
