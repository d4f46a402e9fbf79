/*
 * notify.c - an RFC 6665 notifier as a state machine: SUBSCRIBE,
 * refresh, expiry, NOTIFY in order, the final NOTIFY and the end.
 */
#include <stdio.h>
#include <string.h>

#include "field.h"
#include "notify.h"

static const char *const state_names[] = {
	"init", "active", "ending", "terminated"
};

const char *
sip_notify_state_name(enum sip_notify_state st)
{
	return (unsigned)st < 4 ? state_names[st] : "?";
}

static void
push(struct sip_notify *n, enum sip_notify_act_kind k, const char *reason)
{
	struct sip_notify_action *a;

	/* one call queues at most two; a full queue drops the oldest */
	if (n->nact == SIP_NOTIFY_MAXACT) {
		memmove(n->act, n->act + 1, sizeof(n->act[0]) *
		    (SIP_NOTIFY_MAXACT - 1));
		n->nact--;
		if (n->actpos > 0)
			n->actpos--;
	}
	a = &n->act[n->nact++];
	memset(a, 0, sizeof(*a));
	a->kind = k;
	a->reason = reason;
	if (k == SIP_NOTIFY_SEND) {
		a->full = n->cur_full;
		a->final = n->cur_final;
		a->version = n->cur_version;
	}
}

static void
drop_queue(struct sip_notify *n)
{
	for (unsigned i = 0; i < n->nqueue; i++)
		buf_free(&n->queue[i].body);
	n->nqueue = 0;
}

/* Over: no more NOTIFYs, the caller forgets n. */
static void
end(struct sip_notify *n, const char *why)
{
	if (n->state == SIP_NOTIFY_TERMINATED)
		return;
	n->state = SIP_NOTIFY_TERMINATED;
	n->why = why;
	n->expire_at = 0;
	n->want_full = 0;
	drop_queue(n);
	push(n, SIP_NOTIFY_END, why);
}

/*
 * The next NOTIFY when none is in flight: the final one when due (it
 * carries the full state), else a full state, else the queue's head.
 */
static void
next(struct sip_notify *n)
{
	if (n->busy || n->state == SIP_NOTIFY_TERMINATED || n->final_sent)
		return;
	if (n->final != NULL || n->want_full) {
		n->cur_full = 1;
		n->cur_final = n->final != NULL;
		n->cur_version = n->version++;
		n->want_full = 0;
		if (n->cur_final)
			n->final_sent = 1;
	} else if (n->nqueue > 0) {
		n->cur_full = n->cur_final = 0;
		n->cur_version = n->queue[0].version;
	} else {
		return;
	}
	n->busy = 1;
	n->notifies++;
	push(n, SIP_NOTIFY_SEND, n->cur_final ? n->final : NULL);
}

/* A full state is due: it says what the queued partial ones would. */
static void
want_full(struct sip_notify *n)
{
	unsigned keep = n->busy && !n->cur_full && n->nqueue > 0;

	/* the bodies not sent give their versions back */
	if (n->nqueue > keep)
		n->version = n->queue[keep].version;
	for (unsigned i = keep; i < n->nqueue; i++)
		buf_free(&n->queue[i].body);
	n->nqueue = keep;
	n->want_full = 1;
}

/* Terminate with reason: the final NOTIFY, then the END. */
static void
finish(struct sip_notify *n, const char *reason, uint64_t now)
{
	if (n->state != SIP_NOTIFY_ACTIVE)
		return;
	n->state = SIP_NOTIFY_ENDING;
	n->final = reason;
	n->expire_at = 0;
	want_full(n);		/* the queue goes: the final one says it all */
	n->want_full = 0;
	(void)now;
	next(n);
}

enum sip_err
sip_notify_init(struct sip_notify *n, const char *package, const char *ctype,
    uint32_t dflt, uint32_t min, uint32_t max)
{
	memset(n, 0, sizeof(*n));
	if (package == NULL || package[0] == '\0' || ctype == NULL ||
	    ctype[0] == '\0' || strlen(package) >= sizeof(n->package) ||
	    strlen(ctype) >= sizeof(n->ctype) || max == 0 || min > max ||
	    dflt == 0)
		return SIP_E_INVAL;
	snprintf(n->package, sizeof(n->package), "%s", package);
	snprintf(n->ctype, sizeof(n->ctype), "%s", ctype);
	n->dflt_expires = dflt;
	n->min_expires = min;
	n->max_expires = max;
	return SIP_OK;
}

/* Whether m's Accept (when it has one) takes our type (RFC 6665 4.2.1). */
static int
accepts(const struct sip_notify *n, const struct sip_msg *m)
{
	const char *slash = strchr(n->ctype, '/');
	struct slice type, sub, v;
	struct sip_hdr_iter it;
	struct sip_ctype ct;
	int any = 0;

	if (slash == NULL)
		return 1;
	type = slice_make(n->ctype, (size_t)(slash - n->ctype));
	sub = slice_cstr(slash + 1);
	memset(&it, 0, sizeof(it));
	while (sip_msg_values(m, SIP_HDR_ACCEPT, &it, &v)) {
		any = 1;
		if (sip_field_ctype(&ct, v, NULL) != SIP_OK)
			continue;
		if ((slice_eq_cstr(ct.type, "*") || slice_ieq(ct.type, type)) &&
		    (slice_eq_cstr(ct.subtype, "*") || slice_ieq(ct.subtype, sub)))
			return 1;
	}
	/* an empty Accept is no Accept: RFC 3261 20.1 */
	return !any || sip_msg_hdr(m, SIP_HDR_ACCEPT) == NULL;
}

/* The Event of m against ours: 400 malformed, 489 another package. */
static int
check_event(struct sip_notify *n, const struct sip_msg *m,
    struct sip_event *ev)
{
	struct slice v = sip_msg_value(m, SIP_HDR_EVENT);

	if (v.p == NULL || sip_field_event(ev, v, NULL) != SIP_OK)
		return 400;
	if (!slice_eq_cstr(ev->package, n->package))
		return 489;
	return 0;
}

int
sip_notify_subscribe(struct sip_notify *n, const struct sip_msg *m,
    const char *local_tag, uint64_t now)
{
	struct sip_event ev;
	struct slice v;
	uint32_t exp = n->dflt_expires;
	int code;
	enum sip_err e;

	if (!m->is_request || m->mid != SIP_METHOD_SUBSCRIBE)
		return 400;
	if (n->dialog != NULL && !sip_dialog_match(n->dialog, m))
		return 481;
	if ((code = check_event(n, m, &ev)) != 0)
		return code;
	if (n->state == SIP_NOTIFY_ENDING || n->state == SIP_NOTIFY_TERMINATED)
		return 481;
	if (n->state == SIP_NOTIFY_ACTIVE) {
		/* 8.2.1: a refresh names the same package and id */
		char mine[sizeof(n->event)];
		struct sip_event old;

		snprintf(mine, sizeof(mine), "%s", n->event);
		if (sip_field_event(&old, slice_cstr(mine), NULL) != SIP_OK ||
		    !slice_eq(old.id, ev.id))
			return 481;
	}
	v = sip_msg_value(m, SIP_HDR_EXPIRES);
	if (v.p != NULL && sip_field_number(v, SIP_MAX_DELTA, &exp, "", NULL) !=
	    SIP_OK)
		return 400;
	/* 4.2.1.1: 423 only for more than 0, less than an hour, below min */
	if (exp > 0 && exp < 3600 && exp < n->min_expires)
		return 423;
	if (!accepts(n, m))
		return 406;
	if (n->dialog == NULL) {
		v = sip_msg_value(m, SIP_HDR_EVENT);
		if (slice_trim(v).len >= sizeof(n->event))
			return 400;
		e = sip_dialog_new_uas(&n->dialog, m, local_tag, 1);
		if (e != SIP_OK)
			return e == SIP_E_NOMEM ? 500 : 400;
		v = slice_trim(v);
		snprintf(n->event, sizeof(n->event), "%.*s", (int)v.len, v.p);
		n->state = SIP_NOTIFY_ACTIVE;
	} else if (sip_dialog_take_request(n->dialog, m) != SIP_OK) {
		return 500;	/* 12.2.2: CSeq out of order */
	}
	n->granted = exp < n->max_expires ? exp : n->max_expires;
	if (n->granted == 0) {
		/* 4.2.1.4: a fetch or an unsubscribe, the state and the end */
		finish(n, "timeout", now);
		return 200;
	}
	n->expire_at = now + (uint64_t)n->granted * 1000;
	/* 4.2.1.2: every accepted SUBSCRIBE brings the full state */
	want_full(n);
	next(n);
	return 200;
}

int
sip_notify_wants(const struct sip_notify *n)
{
	return n->state == SIP_NOTIFY_ACTIVE && !n->want_full;
}

enum sip_err
sip_notify_queue(struct sip_notify *n, const char *body, size_t len,
    uint64_t now)
{
	enum sip_err e;

	(void)now;
	if (!sip_notify_wants(n))
		return SIP_E_STATE;
	if (len > SIP_MAX_BODY)
		return SIP_E_TOOBIG;
	if (n->nqueue == SIP_NOTIFY_MAXQUEUE) {
		want_full(n);
		next(n);
		return SIP_OK;
	}
	buf_init(&n->queue[n->nqueue].body, SIP_MAX_BODY);
	if ((e = buf_add(&n->queue[n->nqueue].body, body, len)) != SIP_OK) {
		buf_free(&n->queue[n->nqueue].body);
		return e;
	}
	n->queue[n->nqueue].version = n->version++;
	n->nqueue++;
	next(n);
	return SIP_OK;
}

enum sip_err
sip_notify_build(struct sip_notify *n, struct buf *b,
    const struct sip_req_params *p, const char *full_body, size_t full_len,
    uint64_t now)
{
	struct sip_req_params q = *p;
	const char *lines[16];
	unsigned k = 0;

	if (!n->busy || n->dialog == NULL)
		return SIP_E_STATE;
	snprintf(n->l_event, sizeof(n->l_event), "Event: %s", n->event);
	if (n->cur_final) {
		snprintf(n->l_state, sizeof(n->l_state),
		    "Subscription-State: terminated;reason=%s", n->final);
	} else {
		/* 4.1.3: the seconds left, rounded up */
		uint64_t left = n->expire_at > now ?
		    (n->expire_at - now + 999) / 1000 : 0;

		snprintf(n->l_state, sizeof(n->l_state),
		    "Subscription-State: active;expires=%llu",
		    (unsigned long long)left);
	}
	lines[k++] = n->l_event;
	lines[k++] = n->l_state;
	for (unsigned i = 0; p->headers != NULL && p->headers[i] != NULL &&
	    k < 15; i++)
		lines[k++] = p->headers[i];
	lines[k] = NULL;
	q.headers = lines;
	q.content_type = n->ctype;
	if (n->cur_full) {
		q.body = full_body;
		q.body_len = full_len;
	} else {
		q.body = n->queue[0].body.p;
		q.body_len = n->queue[0].body.len;
	}
	if (q.body_len == 0)
		q.content_type = NULL;
	return sip_dialog_request(n->dialog, b, "NOTIFY", &q);
}

const char *
sip_notify_next_hop(const struct sip_notify *n)
{
	if (n->dialog == NULL)
		return NULL;
	return n->dialog->nroute > 0 ? n->dialog->route[0] :
	    n->dialog->remote_target;
}

/* 4.2.2: the answers to a NOTIFY that remove the subscription. */
static int
kills(int code)
{
	return code == 404 || code == 405 || code == 410 || code == 416 ||
	    (code >= 480 && code <= 485) || code == 489 || code == 501 ||
	    code == 604;
}

void
sip_notify_response(struct sip_notify *n, const struct sip_msg *r,
    uint64_t now)
{
	int code = r != NULL ? r->status : 0;

	(void)now;
	if (!n->busy || (r != NULL && code < 200))
		return;
	n->busy = 0;
	if (!n->cur_full && n->nqueue > 0) {
		buf_free(&n->queue[0].body);
		memmove(n->queue, n->queue + 1, sizeof(n->queue[0]) *
		    (n->nqueue - 1));
		n->nqueue--;
	}
	if (code >= 300)
		n->failed++;
	if (r == NULL) {
		end(n, "no answer to the NOTIFY");
		return;
	}
	if (kills(code)) {
		end(n, "the subscriber refused the NOTIFY");
		return;
	}
	if (n->cur_final) {
		end(n, n->final);
		return;
	}
	next(n);
}

void
sip_notify_terminate(struct sip_notify *n, const char *reason, uint64_t now)
{
	if (n->state == SIP_NOTIFY_INIT) {
		end(n, reason);
		return;
	}
	finish(n, reason, now);
}

void
sip_notify_timer(struct sip_notify *n, uint64_t now)
{
	if (n->expire_at != 0 && n->expire_at <= now)
		finish(n, "timeout", now);	/* 4.2.1.4 */
}

uint64_t
sip_notify_deadline(const struct sip_notify *n)
{
	return n->expire_at;
}

int
sip_notify_action(struct sip_notify *n, struct sip_notify_action *a)
{
	if (n->actpos >= n->nact) {
		n->nact = n->actpos = 0;
		return 0;
	}
	*a = n->act[n->actpos++];
	return 1;
}

void
sip_notify_release(struct sip_notify *n)
{
	drop_queue(n);
	sip_dialog_free(n->dialog);
	n->dialog = NULL;
}
