/*
 * uac.c - client requests over a connection through the endpoint: the
 * requests built, digest retries, the final answers handed up.
 */
#include <stdio.h>
#include <string.h>

#include "authhdr.h"
#include "bounds.h"
#include "clock.h"
#include "dialog.h"
#include "digest.h"
#include "field.h"
#include "uac.h"

#define TRY_ADD(x)	do { enum sip_err e_ = (x); \
	if (e_ != SIP_OK) return e_; } while (0)

static void
trace(struct sip_uac *u, enum sip_trace_kind k, const char *p, size_t n,
    int re)
{
	sip_trace_msg(&u->trace, k, p, n, re, u->conn->tp, &u->conn->peer);
}

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
	/* 22.1: the ACK of a 2xx carries the INVITE's credentials */
	r->ackp = p;
	/* a ping run's requests differ only in these: no build for each */
	return sip_build_request_tmpl(out, &p, &u->tmpl);
}

/*
 * The endpoint's transport: the one connection (the destination is
 * where it is connected).  A trace is printed before the clock starts.
 */
static enum sip_err
conn_send(void *arg, const struct sip_ep_dest *d, const char *p, size_t n,
    int retrans)
{
	struct sip_uac *u = arg;

	(void)d;
	if (u->trace.fn != NULL) {
		trace(u, SIP_TRACE_OUT, p, n, retrans);
		if (!retrans)
			u->sent_us = sip_clock_us();
	}
	return sip_conn_send(u->conn, p, n);
}

static enum sip_err
ep_build(struct sip_ep_ctxn *c, struct buf *out, size_t *boff, size_t *blen)
{
	struct sip_uac_req *r = c->user;
	struct sip_uac *u = r->uac;
	enum sip_err e;

	if ((e = build(u, r, out)) != SIP_OK)
		return e;
	/*
	 * The one clock read of a request: after it is built, so that the
	 * round trip is the wire's; it also starts the timers.
	 */
	u->ep.now_us = sip_clock_us();
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
	r->t_final = u->rx_us ? u->rx_us : sip_clock_us();
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
		r->why = c->err == SIP_E_NET && u->conn->err[0] ?
		    u->conn->err : c->why;
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

/* The endpoint, on first use: its transport is u's connection. */
static void
ep_setup(struct sip_uac *u)
{
	u->ep.send = conn_send;
	u->ep.send_arg = u;
	u->ep.t1 = u->t1;
	u->ep.t2 = u->t2;
	u->ep.t4 = u->t4;
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
	if (u->ep.send == NULL)
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
	r->status = 0;
	r->uac = u;
	/* one destination: the connection; failover is the caller's */
	r->c.ndst = 1;
	r->c.dst[0].tp = u->conn->tp;
	r->c.dst[0].addr = u->conn->peer;
	r->c.dst[0].flow = u->conn;
	r->c.invite = strcmp(r->p.method, "INVITE") == 0;
	r->c.build = ep_build;
	r->c.cb = ep_response;
	r->c.user = r;
	r->c.set.p = &r->ackp;
	r->active = 1;
	u->live[u->nlive++] = r;
	/* the clock is read once, by ep_build (a ping run reads it as few
	 * times as a bare loop) */
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
sip_uac_abort(struct sip_uac *u, enum sip_err err, const char *why)
{
	u->rx_us = 0;
	while (u->nlive > 0) {
		struct sip_uac_req *r = u->live[0];

		sip_ep_abort(&u->ep, &r->c, err, why);
		if (r->active) {	/* its transaction had ended already */
			r->err = err;
			r->why = why;
			finish(u, r);
		}
	}
}

/* Hand m, read off the connection, to the endpoint. */
static void
input(struct sip_uac *u, const struct sip_msg *m)
{
	struct sip_ep_rx rx;

	/* the answer's time is when the read took it off the socket */
	u->rx_us = u->conn->rx_us ? u->conn->rx_us : sip_clock_us();
	trace(u, SIP_TRACE_IN, m->buf, m->len, 0);
	rx.tp = u->conn->tp;
	rx.src = u->conn->peer;
	rx.local = u->conn->local;
	rx.flow = u->conn;
	sip_ep_input(&u->ep, m, &rx, u->rx_us);
}

/*
 * A stream that cannot be framed (a header line or a Content-Length past
 * the limits, bytes that are no SIP) is the peer's protocol failure, not
 * the user's bad input: RFC 3261 18.3 says close it.  Say who and which
 * limit, and end every request on it.
 */
static enum sip_err
unframed(struct sip_uac *u, enum sip_err e, const struct sip_perr *pe)
{
	char a[SIP_NET_ADDRSTR], why[96];

	/* WebSocket framing says why in err; the stream's parser in pe */
	snprintf(why, sizeof why, "%.90s", pe->why != NULL ? pe->why :
	    e == SIP_E_TOOBIG ? "message too large" : u->conn->err[0] ?
	    u->conn->err : "malformed");
	snprintf(u->conn->err, sizeof u->conn->err, "%s over %s sent what "
	    "cannot be a SIP message: %s (a message may have %u bytes, a "
	    "header line %u)", sip_net_str(&u->conn->peer, a, sizeof a),
	    sip_tp_name(u->conn->tp), why, SIP_MAX_MSG, SIP_MAX_LINE);
	sip_uac_abort(u, SIP_E_NET, u->conn->err);
	return SIP_E_NET;
}

enum sip_err
sip_uac_step(struct sip_uac *u, int max_ms)
{
	uint64_t now = sip_clock_ms(), dl = now + (uint64_t)max_ms;
	uint64_t d = sip_ep_deadline(&u->ep);
	struct sip_msg m;
	struct sip_perr pe;
	enum sip_err e;

	if (d != 0 && d < dl)
		dl = d;
	memset(&pe, 0, sizeof pe);
	e = sip_conn_recv(u->conn, dl > now ? (int)(dl - now) : 0, &m, &pe);
	if ((e == SIP_E_PARSE || e == SIP_E_TOOBIG) &&
	    u->conn->tp != SIP_TP_UDP)
		return unframed(u, e, &pe);
	if (e == SIP_OK) {
		input(u, &m);
		/*
		 * Take what else has arrived without another poll: under load
		 * the socket holds many answers (a bounded number, so timers
		 * still run).
		 */
		for (int k = 0; k < 256 && u->nlive > 0; k++) {
			memset(&pe, 0, sizeof pe);
			e = sip_conn_next(u->conn, &m, &pe);
			if (e == SIP_E_PARTIAL &&
			    (e = sip_conn_fill(u->conn)) == SIP_OK)
				e = sip_conn_next(u->conn, &m, &pe);
			if ((e == SIP_E_PARSE || e == SIP_E_TOOBIG) &&
			    u->conn->tp != SIP_TP_UDP)
				return unframed(u, e, &pe);
			if (e == SIP_E_PARSE)
				continue;
			if (e != SIP_OK)
				break;
			input(u, &m);
		}
		/* the read took the time already */
		now = u->rx_us / 1000;
	} else if (e != SIP_E_TIMEOUT && e != SIP_E_PARSE &&
	    e != SIP_E_PARTIAL) {
		sip_uac_abort(u, e, u->conn->err);
		return e;
	} else {
		now = sip_clock_ms();
	}
	u->rx_us = 0;
	/* what came in only pushes deadlines out: d still says if one is due */
	if (d != 0 && d <= now)
		sip_ep_timers(&u->ep, now * 1000);
	return SIP_OK;
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
