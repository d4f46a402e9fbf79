/*
 * uac.c - client requests over a connection: transactions, digest
 * retries, ACK for 2xx.
 */
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "authhdr.h"
#include "bounds.h"
#include "dialog.h"
#include "digest.h"
#include "uac.h"

static void
trace(struct sip_uac *u, char dir, const char *p, size_t n, int re)
{
	if (u->trace != NULL)
		u->trace(u->trace_arg, dir, p, n, re, u->conn);
}

/* Build r's request into out (its transaction's own buffer). */
static enum sip_err
build(struct sip_uac *u, struct sip_uac_req *r, struct buf *out)
{
	int n = 0;

	if (r->raw != NULL)
		return buf_add(out, r->raw, r->rawlen);
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
	/* a ping run's requests differ only in these: no build for each */
	return sip_build_request_tmpl(out, &p, &u->tmpl);
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
	/* the round trip ends when the answer came off the socket */
	r->t_final = u->rx_us ? u->rx_us : sip_now_us();
	if (u->done != NULL)
		u->done(u->done_arg, r);
}

/*
 * A new client transaction for r, its request (with a fresh branch)
 * built straight into the transaction's buffer: written once, where the
 * transaction keeps it for retransmissions.
 */
static enum sip_err
new_txn(struct sip_uac *u, struct sip_uac_req *r)
{
	int inv = strcmp(r->p.method, "INVITE") == 0;

	sip_txn_reuse(&r->txn, inv ? SIP_TXN_ICT : SIP_TXN_NICT,
	    sip_tp_reliable(u->conn->tp));
	if (u->t1)
		r->txn.t1 = u->t1;
	if (u->t2)
		r->txn.t2 = u->t2;
	if (u->t4)
		r->txn.t4 = u->t4;
	return build(u, r, &r->txn.req);
}

/* Start r's new transaction and send its request. */
static enum sip_err
send_txn(struct sip_uac *u, struct sip_uac_req *r)
{
	struct sip_txn_action a;
	struct buf *req = &r->txn.req;
	enum sip_err e;
	uint64_t us;

	/* one clock read for the timers and the send time (a ping run
	 * reads the clock as few times as a bare loop) */
	us = sip_now_us();
	/*
	 * A request built here whose Via and CSeq are the builder's own
	 * need no parse for the transaction's keys (a ping run's case).
	 */
	if (r->raw == NULL && u->tmpl.off[0] != 0 && u->tmpl.off[3] != 0)
		e = sip_txn_client_start_built(&r->txn, req->p, req->len,
		    u->tmpl.off[0], u->tmpl.len[0], us / 1000);
	else
		e = sip_txn_client_start(&r->txn, req->p, req->len, us / 1000);
	if (e != SIP_OK)
		return e;
	while (sip_txn_action(&r->txn, &a))
		if (a.kind == SIP_TXN_SEND) {
			/* a trace is printed before the clock starts */
			if (u->trace != NULL) {
				trace(u, '>', a.data, a.len, 0);
				us = sip_now_us();
			}
			r->t_sent = us;
			if ((e = sip_conn_send(u->conn, a.data, a.len)) != SIP_OK)
				return e;
		}
	return SIP_OK;
}

enum sip_err
sip_uac_start(struct sip_uac *u, struct sip_uac_req *r)
{
	enum sip_err e;

	if (u->nlive >= SIP_UAC_MAXACTIVE)
		return SIP_E_TOOBIG;
	/* A request used before keeps its buffers' memory (a ping run). */
	if (r->final.max == 0) {
		buf_init(&r->final, SIP_MAX_MSG);
		buf_init(&r->ack, SIP_MAX_MSG);
		buf_init(&r->auth[0], 8192);
		buf_init(&r->auth[1], 8192);
		sip_txn_init(&r->txn, SIP_TXN_NICT, 0);
	}
	buf_reset(&r->final);
	buf_reset(&r->ack);
	for (int i = 0; i < 2; i++)
		if (r->auth[i].len > 0) {
			explicit_bzero(r->auth[i].p, r->auth[i].len);
			buf_reset(&r->auth[i]);
		}
	if (r->dialog != NULL)
		sip_dialog_free(r->dialog);
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
	r->status = 0;
	if ((e = new_txn(u, r)) != SIP_OK)
		return e;
	r->active = 1;
	u->live[u->nlive++] = r;
	if ((e = send_txn(u, r)) != SIP_OK) {
		r->err = e;
		r->why = u->conn->err;
		finish(u, r);
	}
	return SIP_OK;
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

	if (u->user == NULL || u->password == NULL || r->raw != NULL)
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
		if (new_txn(u, r) != SIP_OK)
			return 0;
		if (send_txn(u, r) != SIP_OK) {
			r->err = SIP_E_NET;
			r->why = u->conn->err;
			finish(u, r);
		}
		return 1;
	}
	return 0;
}

/* 13.2.2.4: ACK a 2xx to INVITE (its retransmissions too). */
static void
ack_2xx(struct sip_uac *u, struct sip_uac_req *r, const struct sip_msg *m)
{
	if (r->ack.len == 0) {
		struct sip_msg req;
		struct sip_perr pe;
		struct sip_dialog *d = NULL;
		struct sip_req_params p = r->p;

		if (sip_msg_parse(&req, r->txn.req.p, r->txn.req.len, 0,
		    &pe) != SIP_OK ||
		    sip_dialog_new_uac(&d, &req, m) != SIP_OK)
			return;
		p.branch = NULL;	/* the ACK for a 2xx is its own txn */
		p.headers = r->hdrs;
		p.body = NULL;
		p.body_len = 0;
		p.content_type = NULL;
		if (sip_dialog_request(d, &r->ack, "ACK", &p) != SIP_OK)
			buf_reset(&r->ack);
		if (r->dialog == NULL)
			r->dialog = d;
		else
			sip_dialog_free(d);
	}
	if (r->ack.len > 0) {
		trace(u, '>', r->ack.p, r->ack.len, 0);
		sip_conn_send(u->conn, r->ack.p, r->ack.len);
	}
}

static void
actions(struct sip_uac *u, struct sip_uac_req *r)
{
	struct sip_txn_action a;

	while (r->active && sip_txn_action(&r->txn, &a)) {
		switch (a.kind) {
		case SIP_TXN_SEND:
			trace(u, '>', a.data, a.len, a.retransmit);
			if (a.retransmit)
				r->retrans++;
			if (sip_conn_send(u->conn, a.data, a.len) != SIP_OK)
				sip_txn_transport_error(&r->txn);
			break;
		case SIP_TXN_RESPONSE:
			r->status = a.msg->status;
			if (a.msg->status < 200)
				break;
			if (a.msg->status == 401 || a.msg->status == 407) {
				struct sip_msg copy = *a.msg;

				if (retry_auth(u, r, &copy))
					return;
			}
			if (a.msg->status < 300 &&
			    strcmp(r->p.method, "INVITE") == 0)
				ack_2xx(u, r, a.msg);
			buf_reset(&r->final);
			buf_add(&r->final, a.msg->buf, a.msg->len);
			r->err = SIP_OK;
			finish(u, r);
			return;
		case SIP_TXN_TIMEOUT:
			r->err = SIP_E_TIMEOUT;
			r->why = "no final response (timer B/F)";
			finish(u, r);
			return;
		case SIP_TXN_TPERROR:
			r->err = SIP_E_NET;
			r->why = u->conn->err;
			finish(u, r);
			return;
		default:
			break;
		}
	}
}

static void
input(struct sip_uac *u, const struct sip_msg *m, uint64_t now)
{
	if (m->is_request) {
		if (u->request != NULL)
			u->request(u->request_arg, m);
		return;
	}
	for (int i = 0; i < u->nlive; i++) {
		struct sip_uac_req *r = u->live[i];

		if (sip_txn_match_response(&r->txn, m)) {
			sip_txn_input(&r->txn, m, now);
			actions(u, r);
			return;
		}
	}
	u->stray++;
}

void
sip_uac_abort(struct sip_uac *u, enum sip_err err, const char *why)
{
	u->rx_us = 0;
	while (u->nlive > 0) {
		struct sip_uac_req *r = u->live[0];

		r->err = err;
		r->why = why;
		finish(u, r);
	}
}

enum sip_err
sip_uac_step(struct sip_uac *u, int max_ms)
{
	uint64_t now = sip_now_ms(), dl = now + (uint64_t)max_ms;
	struct sip_msg m;
	struct sip_perr pe;
	enum sip_err e;

	for (int i = 0; i < u->nlive; i++) {
		uint64_t d = sip_txn_deadline(&u->live[i]->txn);

		if (d != 0 && d < dl)
			dl = d;
	}
	e = sip_conn_recv(u->conn, dl > now ? (int)(dl - now) : 0, &m, &pe);
	/* the read took the time already */
	now = e == SIP_OK && u->conn->rx_us != 0 ? u->conn->rx_us / 1000 :
	    sip_now_ms();
	if (e == SIP_OK) {
		/* the answer's time is when the read took it off the socket */
		u->rx_us = u->conn->rx_us;
		trace(u, '<', m.buf, m.len, 0);
		input(u, &m, now);
		/*
		 * Take what else has arrived without another poll: under load
		 * the socket holds many answers (a bounded number, so timers
		 * still run).
		 */
		for (int k = 0; k < 256 && u->nlive > 0; k++) {
			e = sip_conn_next(u->conn, &m, &pe);
			if (e == SIP_E_PARTIAL &&
			    sip_conn_fill(u->conn) == SIP_OK)
				e = sip_conn_next(u->conn, &m, &pe);
			if (e == SIP_E_PARSE)
				continue;
			if (e != SIP_OK)
				break;
			u->rx_us = u->conn->rx_us;
			trace(u, '<', m.buf, m.len, 0);
			input(u, &m, now);
		}
	} else if (e != SIP_E_TIMEOUT && e != SIP_E_PARSE &&
	    e != SIP_E_PARTIAL) {
		sip_uac_abort(u, e, u->conn->err);
		return e;
	}
	u->rx_us = 0;
	/* Timers; finish() reorders live[], so walk a snapshot. */
	struct sip_uac_req *due[SIP_UAC_MAXACTIVE];
	int ndue = 0;

	for (int i = 0; i < u->nlive; i++) {
		uint64_t d = sip_txn_deadline(&u->live[i]->txn);

		if (d != 0 && d <= now)
			due[ndue++] = u->live[i];
	}
	for (int i = 0; i < ndue; i++) {
		if (!due[i]->active)
			continue;
		sip_txn_timer(&due[i]->txn, now);
		actions(u, due[i]);
	}
	return SIP_OK;
}

void
sip_uac_free(struct sip_uac *u)
{
	sip_build_tmpl_free(&u->tmpl);
}

void
sip_uac_req_free(struct sip_uac_req *r)
{
	sip_txn_release(&r->txn);
	buf_free(&r->final);
	buf_free(&r->ack);
	if (r->dialog != NULL)
		sip_dialog_free(r->dialog);
	r->dialog = NULL;
	buf_wipe(&r->auth[0]);
	buf_wipe(&r->auth[1]);
}
