/*
 * sub.c - an RFC 6665 subscriber as a state machine: SUBSCRIBE, NOTIFY,
 * refresh, Timer N, retries and the end.
 */
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "field.h"
#include "sub.h"

static const char *const state_names[] = {
	"init", "notify_wait", "pending", "active", "terminated"
};

const char *
sip_sub_state_name(enum sip_sub_state st)
{
	return (unsigned)st < 5 ? state_names[st] : "?";
}

static void
push(struct sip_sub *s, enum sip_sub_act_kind k, const struct sip_msg *m,
    const char *reason)
{
	struct sip_sub_action *a;

	/* one call queues at most four; a full queue drops the oldest */
	if (s->nact == SIP_SUB_MAXACT) {
		memmove(s->act, s->act + 1, sizeof(s->act[0]) * (SIP_SUB_MAXACT - 1));
		s->nact--;
		if (s->actpos > 0)
			s->actpos--;
	}
	a = &s->act[s->nact++];
	a->kind = k;
	a->state = s->state;
	a->msg = m;
	a->reason = reason;
}

static void
set_state(struct sip_sub *s, enum sip_sub_state st, const char *why)
{
	if (s->state == st)
		return;
	s->state = st;
	s->why = why;
	push(s, SIP_SUB_STATE, NULL, why);
}

static void
drop_dialog(struct sip_sub *s)
{
	sip_dialog_free(s->dialog);
	s->dialog = NULL;
}

/* Ask the caller for a SUBSCRIBE now, or once the one in flight is done. */
static void
send_now(struct sip_sub *s)
{
	if (s->busy) {
		s->want_send = 1;
		return;
	}
	s->busy = 1;
	s->orphan = 0;
	s->refresh = s->dialog != NULL;
	s->subscribes++;
	push(s, SIP_SUB_SEND, NULL, NULL);
}

static void
clear_timers(struct sip_sub *s)
{
	s->refresh_at = s->expire_at = s->retry_at = s->n_at = 0;
}

/* Over for good. */
static void
end(struct sip_sub *s, int status, const char *why)
{
	drop_dialog(s);
	clear_timers(s);
	if (s->busy)
		s->orphan = 1;
	s->want_send = 0;
	s->end_status = status;
	set_state(s, SIP_SUB_TERMINATED, why);
	s->why = why;
	push(s, SIP_SUB_END, NULL, why);
}

/*
 * This subscription is over; a new one (new Call-ID and From tag:
 * 4.1.2.2) starts after delay ms.  A SUBSCRIBE still in flight belongs
 * to the old one: its answer is only waited for.
 */
static void
renew(struct sip_sub *s, uint64_t now, uint64_t delay, const char *why)
{
	drop_dialog(s);
	clear_timers(s);
	s->call_id[0] = s->tag[0] = '\0';
	if (s->busy)
		s->orphan = 1;
	set_state(s, SIP_SUB_INIT, why);
	s->why = why;
	if (delay == 0)
		send_now(s);
	else
		s->retry_at = now + delay;
}

/* A failure: a new subscription after the backoff, which doubles. */
static void
fail(struct sip_sub *s, uint64_t now, uint64_t at_least, const char *why)
{
	uint64_t d = s->backoff > at_least ? s->backoff : at_least;

	s->fails++;
	s->backoff = s->backoff * 2 > SIP_SUB_RETRY_MAX ? SIP_SUB_RETRY_MAX :
	    s->backoff * 2;
	renew(s, now, d, why);
}

/*
 * When to refresh a subscription granted for secs: a full transaction
 * timeout (64*T1, 32 s) before it lapses when there is room, else half
 * way.
 */
static uint64_t
refresh_in(const struct sip_sub *s, uint32_t secs)
{
	uint64_t ms = (uint64_t)secs * 1000, n = 64 * (uint64_t)s->t1;

	return ms > 2 * n ? ms - n : ms / 2;
}

static void
granted(struct sip_sub *s, uint32_t secs, uint64_t now)
{
	s->granted = secs;
	s->expire_at = now + (uint64_t)secs * 1000;
	s->refresh_at = secs > 0 ? now + refresh_in(s, secs) : 0;
	if (s->refresh_at == now)
		s->refresh_at = now + 1;
}

enum sip_err
sip_sub_init(struct sip_sub *s, const char *event, const char *accept,
    uint32_t expires)
{
	memset(s, 0, sizeof(*s));
	if (event == NULL || event[0] == '\0' ||
	    strlen(event) >= sizeof(s->event) ||
	    (accept != NULL && strlen(accept) >= sizeof(s->accept)))
		return SIP_E_INVAL;
	snprintf(s->event, sizeof(s->event), "%s", event);
	if (accept != NULL)
		snprintf(s->accept, sizeof(s->accept), "%s", accept);
	s->expires = expires;
	s->t1 = 500;
	s->backoff = SIP_SUB_RETRY_MIN;
	buf_init(&s->strict, SIP_MAX_LINE);
	return SIP_OK;
}

void
sip_sub_start(struct sip_sub *s, uint64_t now)
{
	(void)now;
	if (s->state == SIP_SUB_TERMINATED)
		return;
	send_now(s);
}

/* The route set into p, strict routing (12.2.1.1) as dialog.c does. */
static enum sip_err
routes(struct sip_sub *s, struct sip_req_params *p)
{
	struct sip_dialog *d = s->dialog;
	struct sip_addr first;
	unsigned i, n = 0;
	size_t mid;
	enum sip_err e;

	p->ruri = d->remote_target;
	p->routes = NULL;
	if (d->nroute == 0)
		return SIP_OK;
	buf_reset(&s->strict);
	if (sip_addr_parse(&first, slice_cstr(d->route[0]), NULL) == SIP_OK &&
	    !first.uri.lr) {
		/* the first route is the Request-URI, the target goes last */
		if ((e = buf_addslice(&s->strict, first.uri_s)) != SIP_OK ||
		    (e = buf_addc(&s->strict, '\0')) != SIP_OK)
			return e;
		mid = s->strict.len;
		if ((e = buf_printf(&s->strict, "<%s>", d->remote_target)))
			return e;
		p->ruri = s->strict.p;
		for (i = 1; i < d->nroute; i++)
			s->routes[n++] = d->route[i];
		s->routes[n++] = s->strict.p + mid;
	} else {
		for (i = 0; i < d->nroute; i++)
			s->routes[n++] = d->route[i];
	}
	s->routes[n] = NULL;
	p->routes = s->routes;
	return SIP_OK;
}

enum sip_err
sip_sub_request(struct sip_sub *s, struct sip_req_params *p)
{
	struct sip_dialog *d = s->dialog;
	unsigned n = 0;

	snprintf(s->l_event, sizeof(s->l_event), "Event: %s", s->event);
	snprintf(s->l_expires, sizeof(s->l_expires), "Expires: %u",
	    s->stopping ? 0 : s->expires);
	s->lines[n++] = s->l_event;
	s->lines[n++] = s->l_expires;
	if (s->accept[0] != '\0') {
		snprintf(s->l_accept, sizeof(s->l_accept), "Accept: %s",
		    s->accept);
		s->lines[n++] = s->l_accept;
	}
	s->lines[n] = NULL;
	p->method = "SUBSCRIBE";
	p->cseq_method = NULL;
	p->headers = s->lines;
	if (!s->refresh || d == NULL) {
		p->call_id = p->from_tag = p->to_tag = NULL;
		p->cseq = 0;
		return SIP_OK;
	}
	if (d->local_cseq >= SIP_MAX_CSEQ)
		return SIP_E_INVAL;
	p->from = d->local_uri;
	p->from_tag = d->local_tag;
	p->to = d->remote_uri;
	p->to_tag = d->remote_tag[0] != '\0' ? d->remote_tag : NULL;
	p->call_id = d->call_id;
	p->cseq = d->local_cseq + 1;
	return routes(s, p);
}

enum sip_err
sip_sub_sent(struct sip_sub *s, const char *call_id, const char *from_tag,
    uint32_t cseq, uint64_t now)
{
	if (strlen(call_id) >= sizeof(s->call_id) ||
	    strlen(from_tag) >= sizeof(s->tag))
		return SIP_E_INVAL;
	if (!s->refresh || s->dialog == NULL) {
		snprintf(s->call_id, sizeof(s->call_id), "%s", call_id);
		snprintf(s->tag, sizeof(s->tag), "%s", from_tag);
		if (s->state == SIP_SUB_INIT)
			set_state(s, SIP_SUB_NOTIFY_WAIT, "subscribing");
	}
	s->cseq = cseq;
	if (s->dialog != NULL && cseq > s->dialog->local_cseq)
		s->dialog->local_cseq = cseq;
	s->got_notify = 0;
	/* RFC 6665 4.1.2.4: Timer N, 64*T1 */
	s->n_at = now + 64 * (uint64_t)s->t1;
	return SIP_OK;
}

/* A header's number, or dflt when absent or malformed. */
static uint32_t
number(const struct sip_msg *m, enum sip_hdr_id id, uint32_t dflt)
{
	struct slice v = sip_msg_value(m, id);
	uint32_t n;

	if (v.p == NULL || sip_field_number(v, SIP_MAX_DELTA, &n, "",
	    NULL) != SIP_OK)
		return dflt;
	return n;
}

/* 4.1.2.2: the answers to a refresh that end the subscription. */
static int
kills_refresh(int code)
{
	return code == 404 || code == 405 || code == 410 || code == 416 ||
	    (code >= 480 && code <= 485) || code == 489 || code == 501 ||
	    code == 604;
}

/* The refresh failed otherwise: still valid until it lapses (4.1.2.2). */
static void
refresh_failed(struct sip_sub *s, uint64_t now)
{
	uint64_t at = now + s->backoff;

	s->fails++;
	s->backoff = s->backoff * 2 > SIP_SUB_RETRY_MAX ? SIP_SUB_RETRY_MAX :
	    s->backoff * 2;
	/* past the expiry, the expiry timer starts a new one */
	s->refresh_at = s->expire_at == 0 || at < s->expire_at ? at : 0;
}

static void
response(struct sip_sub *s, const struct sip_msg *r, uint64_t now)
{
	int code = r != NULL ? r->status : 0, refresh = s->refresh;
	struct sip_cseq cs;
	uint32_t min;

	if (r != NULL && sip_field_cseq(&cs, sip_msg_value(r, SIP_HDR_CSEQ),
	    NULL) == SIP_OK) {
		/* a digest retry went out with the next CSeq */
		s->cseq = cs.num;
		if (refresh && s->dialog != NULL && cs.num > s->dialog->local_cseq)
			s->dialog->local_cseq = cs.num;
	}
	if (code >= 200 && code < 300) {
		s->fails = 0;
		s->backoff = SIP_SUB_RETRY_MIN;
		if (!s->stopping)
			granted(s, number(r, SIP_HDR_EXPIRES, s->expires), now);
		return;
	}
	/* no NOTIFY follows a failure */
	s->n_at = 0;
	if (s->stopping) {
		end(s, code, "unsubscribed");
		return;
	}
	if (code == 423) {
		/* RFC 3261 10.2.8, RFC 6665 4.1.2.1: ask again for more */
		min = number(r, SIP_HDR_MIN_EXPIRES, 0);
		if (min <= s->expires) {
			end(s, code, "423 without a larger Min-Expires");
			return;
		}
		s->expires = min;
		send_now(s);
		return;
	}
	if (code == 401 || code == 407) {
		end(s, code, "authentication failed");
		return;
	}
	if (refresh) {
		if (code == 489 || code == 405 || code == 501)
			end(s, code, "the notifier refused the refresh");
		else if (code == 481)
			renew(s, now, 0, "the notifier lost the subscription (481)");
		else if (code != 0 && kills_refresh(code))
			fail(s, now, 0, "the refresh was refused");
		else
			refresh_failed(s, now);
		return;
	}
	if (code == 489) {
		end(s, code, "the notifier does not know the event package (489)");
		return;
	}
	if (code == 0 || code == 408 || (code >= 500 && code < 600))
		fail(s, now, (uint64_t)(r != NULL ? number(r,
		    SIP_HDR_RETRY_AFTER, 0) : 0) * 1000, code == 0 ?
		    "no answer to the SUBSCRIBE" : "the SUBSCRIBE failed");
	else
		end(s, code, "the SUBSCRIBE was refused");
}

void
sip_sub_response(struct sip_sub *s, const struct sip_msg *r, uint64_t now)
{
	if (!s->busy)
		return;
	s->busy = 0;
	if (s->orphan)
		s->orphan = 0;		/* an ended subscription's */
	else if (s->state != SIP_SUB_TERMINATED)
		response(s, r, now);
	if (s->want_send && !s->busy && s->state != SIP_SUB_TERMINATED) {
		s->want_send = 0;
		send_now(s);
	}
}

/* Event e against ours: 8.2.1, package and id byte by byte. */
static int
same_event(const struct sip_sub *s, const struct sip_event *e, int *pkg_ok)
{
	struct sip_event mine;

	if (sip_field_event(&mine, slice_cstr(s->event), NULL) != SIP_OK)
		return 0;
	*pkg_ok = slice_eq(mine.package, e->package);
	return *pkg_ok && slice_eq(mine.id, e->id);
}

/* What a NOTIFY that says terminated does (4.1.3). */
static void
terminated(struct sip_sub *s, const struct sip_substate *ss, uint64_t now)
{
	struct slice r = ss->reason;
	uint64_t ra = ss->has_retry ? (uint64_t)ss->retry_after * 1000 : 0;

	if (s->stopping)
		end(s, 0, "unsubscribed");
	else if (slice_eq_cstr(r, "deactivated") || slice_eq_cstr(r, "timeout"))
		renew(s, now, 0, slice_eq_cstr(r, "timeout") ?
		    "terminated: timeout" : "terminated: deactivated");
	else if (slice_eq_cstr(r, "rejected"))
		end(s, 0, "terminated: rejected");
	else if (slice_eq_cstr(r, "noresource"))
		end(s, 0, "terminated: noresource");
	else if (slice_eq_cstr(r, "invariant"))
		end(s, 0, "terminated: invariant");
	else if (ss->has_retry)
		/* probation, giveup, or no reason: not before retry-after */
		renew(s, now, ra > 0 ? ra : 1, "terminated: retry later");
	else
		fail(s, now, 0, "terminated");
}

int
sip_sub_notify(struct sip_sub *s, const struct sip_msg *m, uint64_t now)
{
	struct sip_event ev;
	struct sip_substate ss;
	struct slice v;
	int pkg_ok = 0;
	enum sip_err e;

	if (!m->is_request || m->mid != SIP_METHOD_NOTIFY)
		return 400;
	v = sip_msg_value(m, SIP_HDR_EVENT);
	if (v.p == NULL || sip_field_event(&ev, v, NULL) != SIP_OK)
		return 400;
	if (!same_event(s, &ev, &pkg_ok))
		return pkg_ok ? 481 : 489;
	if (s->state == SIP_SUB_TERMINATED)
		return 481;
	if (s->dialog != NULL) {
		if (!sip_dialog_match(s->dialog, m))
			return 481;	/* another dialog, or a second fork */
	} else {
		struct slice to = sip_field_hparam(sip_msg_value(m, SIP_HDR_TO),
		    "tag");

		/* 4.4.1: Call-ID, and the To tag our From tag */
		if (s->call_id[0] == '\0' || !slice_eq_cstr(sip_msg_value(m,
		    SIP_HDR_CALL_ID), s->call_id) || to.p == NULL ||
		    !slice_eq_cstr(to, s->tag))
			return 481;
	}
	v = sip_msg_value(m, SIP_HDR_SUBSCRIPTION_STATE);
	if (v.p == NULL || sip_field_substate(&ss, v, NULL) != SIP_OK)
		return 400;
	if (!slice_eq_cstr(ss.state, "active") &&
	    !slice_eq_cstr(ss.state, "pending") &&
	    !slice_eq_cstr(ss.state, "terminated"))
		return 400;
	if (s->dialog == NULL && !slice_eq_cstr(ss.state, "terminated")) {
		/* 4.4.1: the NOTIFY makes the dialog, its route set too */
		e = sip_dialog_new_uas(&s->dialog, m, s->tag, 1);
		if (e != SIP_OK)
			return e == SIP_E_NOMEM ? 500 : 400;
		s->dialog->local_cseq = s->cseq;
	} else if (s->dialog != NULL) {
		/* RFC 6665 3.2: NOTIFY is a target refresh request */
		e = sip_dialog_take_request(s->dialog, m);
		if (e == SIP_E_STATE)
			return 500;
		if (e != SIP_OK)
			return 400;
	}
	s->n_at = 0;
	s->got_notify = 1;
	s->notifies++;
	/* the body before the end, the state before the body */
	if (slice_eq_cstr(ss.state, "terminated")) {
		push(s, SIP_SUB_NOTIFY, m, NULL);
		terminated(s, &ss, now);
		return 200;
	}
	if (!s->stopping) {
		s->fails = 0;
		s->backoff = SIP_SUB_RETRY_MIN;
		/* 4.1.3: the expires parameter is authoritative */
		if (ss.has_expires)
			granted(s, ss.expires, now);
		set_state(s, slice_eq_cstr(ss.state, "active") ?
		    SIP_SUB_ACTIVE : SIP_SUB_PENDING, NULL);
	}
	push(s, SIP_SUB_NOTIFY, m, NULL);
	return 200;
}

void
sip_sub_timer(struct sip_sub *s, uint64_t now)
{
	if (s->n_at != 0 && s->n_at <= now) {
		s->n_at = 0;
		if (s->stopping)
			end(s, 0, "unsubscribed (no final NOTIFY)");
		else if (!s->got_notify)
			fail(s, now, 0, "no NOTIFY within Timer N");
	}
	if (s->expire_at != 0 && s->expire_at <= now) {
		s->expire_at = 0;
		renew(s, now, 0, "the subscription expired");
	}
	if (s->retry_at != 0 && s->retry_at <= now) {
		s->retry_at = 0;
		send_now(s);
	}
	if (s->refresh_at != 0 && s->refresh_at <= now) {
		s->refresh_at = 0;
		if (s->dialog != NULL && !s->stopping)
			send_now(s);
	}
}

int
sip_sub_refresh(struct sip_sub *s, uint64_t now)
{
	(void)now;
	if (s->dialog == NULL || s->busy || s->stopping ||
	    (s->state != SIP_SUB_ACTIVE && s->state != SIP_SUB_PENDING))
		return 0;
	send_now(s);
	return 1;
}

uint64_t
sip_sub_deadline(const struct sip_sub *s)
{
	uint64_t t[4] = { s->n_at, s->expire_at, s->retry_at, s->refresh_at };
	uint64_t d = 0;

	for (int i = 0; i < 4; i++)
		if (t[i] != 0 && (d == 0 || t[i] < d))
			d = t[i];
	return d;
}

void
sip_sub_stop(struct sip_sub *s, uint64_t now)
{
	(void)now;
	if (s->state == SIP_SUB_TERMINATED)
		return;
	s->refresh_at = s->retry_at = 0;
	if (s->dialog == NULL) {
		end(s, 0, "unsubscribed");
		return;
	}
	s->stopping = 1;
	send_now(s);
}

int
sip_sub_action(struct sip_sub *s, struct sip_sub_action *a)
{
	if (s->actpos >= s->nact) {
		s->nact = s->actpos = 0;
		return 0;
	}
	*a = s->act[s->actpos++];
	return 1;
}

void
sip_sub_release(struct sip_sub *s)
{
	drop_dialog(s);
	buf_free(&s->strict);
}
