/*
 * serve-notify.c - sip-serve's notifier of the reg event package (RFC
 * 3680): a SUBSCRIBE to an address of record (authenticated as its user
 * with --users, as REGISTER is) gets 200 and at once a NOTIFY with the
 * AOR's bindings (application/reginfo+xml, full state); each binding the
 * registrar makes, refreshes, removes or lets expire is a partial NOTIFY.
 *
 * The subscriptions are lib/ua/notify's; this file gives them the
 * clock, the bodies (lib/sip/reginfo's builder) and the NOTIFYs'
 * transport: client transactions of the endpoint to the dialog's next
 * hop (its first route, or the subscriber's Contact, which must be an IP
 * literal: sip-serve resolves no names), or back over the connection the
 * SUBSCRIBE came on when that was a stream.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "field.h"
#include "json.h"
#include "notify.h"
#include "serve.h"
#include "resolve.h"
#include "target.h"
#include "uri.h"

#define MAX_SUBS	256
#define REG_DFLT	3761	/* RFC 3680 4.4: seconds without Expires */

struct subn {
	int			 used, ended, depth;
	int			 rejected;	/* its user is no more */
	int			 full_kept;	/* full holds version kept_v */
	uint32_t		 kept_v;
	struct sip_notify	 n;
	struct sip_ep_ctxn	 c;		/* the NOTIFY in flight */
	struct sip_ep_dest	 dst;
	char			 aor[SERVE_AOR_SIZE];
	char			 user[128];	/* who may refresh it */
	char			 contact[SIP_NET_ADDRSTR + 64];
	char			 via_host[SIP_NET_HOST_MAX + 2];
	int			 via_port;
	struct buf		 full;		/* the full state being sent */
	struct sip_timer	 timer;		/* its expiry */
};

static struct {
	struct sip_loop	*loop;
	struct sip_ep	*ep;
	int		 json;
	uint32_t	 max_expires;
	int		 nsubs;
	int		 stopping;	/* regevent_shutdown() was called */
	void		(*done)(void);	/* ... and what to call at the end */
	struct subn	 s[MAX_SUBS];
} rn;

static uint64_t
now_ms(void)
{
	return sip_loop_now(rn.loop);
}

/* A registration id for aor: stable for its life (FNV-1a). */
static void
reg_id(const char *aor, char out[16])
{
	snprintf(out, 16, "r%08x", slice_hash_mem(SLICE_HASH0, aor, strlen(aor)));
}

/* Binding b as a reginfo contact (strings in the caller's bufs). */
static void
as_contact(const struct binding *b, enum sip_reginfo_event ev, int active,
    time_t now, struct sip_reginfo_vcontact *c, char id[16], char q[8])
{
	memset(c, 0, sizeof(*c));
	snprintf(id, 16, "%u", b->id);
	c->id = id;
	c->uri = (char *)b->contact;
	c->active = active;
	c->event = ev;
	c->has = SIP_REGINFO_HAS_EXPIRES | SIP_REGINFO_HAS_DURATION |
	    SIP_REGINFO_HAS_CSEQ;
	c->expires = active && b->expires > now ? (uint64_t)(b->expires - now) :
	    0;
	c->duration = now > b->since ? (uint64_t)(now - b->since) : 0;
	c->cseq = b->cseq;
	c->q = b->q >= 0 ? (char *)serve_q_str(b->q, q) : NULL;
	c->callid = b->callid[0] != '\0' ? (char *)b->callid : NULL;
}

/* The full state of s's AOR, document version v, into out. */
static void
full_state(struct buf *out, const struct subn *s, uint32_t v, time_t now)
{
	static struct sip_reginfo_vcontact c[SERVE_MAX_BINDINGS];
	static char ids[SERVE_MAX_BINDINGS][16], qs[SERVE_MAX_BINDINGS][8];
	struct sip_reginfo_breg r;
	const char *aor = s->aor;
	char rid[16];
	unsigned n = 0;
	/*
	 * Stopping, the bindings go with the process: deactivated (RFC 3680
	 * 5.1: removed, yet the client should register again, here or with
	 * the registrar that takes over).  A user taken out of --users loses
	 * them for good: rejected.
	 */
	int gone = rn.stopping || s->rejected;
	enum sip_reginfo_event ev = s->rejected ? SIP_REGINFO_EV_REJECTED :
	    rn.stopping ? SIP_REGINFO_EV_DEACTIVATED :
	    SIP_REGINFO_EV_REGISTERED;

	for (int i = 0; i < nbind; i++)
		if (strcmp(bind_tab[i].aor, aor) == 0 &&
		    bind_tab[i].expires > now) {
			as_contact(&bind_tab[i], ev, !gone, now, &c[n],
			    ids[n], qs[n]);
			n++;
		}
	reg_id(aor, rid);
	memset(&r, 0, sizeof(r));
	r.aor = aor;
	r.id = rid;
	r.state = gone ? SIP_REGINFO_TERMINATED : n > 0 ?
	    SIP_REGINFO_ACTIVE : SIP_REGINFO_INIT;
	r.c = c;
	r.n = n;
	buf_reset(out);
	if (sip_reginfo_build(out, v, 1, &r, 1) != SIP_OK)
		buf_reset(out);		/* a NOTIFY without state, still */
}

static void
report(const struct subn *s, const char *what, const char *why)
{
	if (quiet)
		return;
	if (rn.json) {
		struct jsonl l;

		jsonl_begin(&l);
		json_kstr(&l.j, "type", "subscription");
		json_kstr(&l.j, "event", "subscription");
		json_kstr(&l.j, "state", what);
		json_kstr(&l.j, "aor", s->aor);
		json_kstr(&l.j, "package", "reg");
		if (s->n.state == SIP_NOTIFY_ACTIVE)
			json_kint(&l.j, "expires", s->n.granted);
		json_kint(&l.j, "notifies", s->n.notifies);
		if (why != NULL)
			json_kstr(&l.j, "why", why);
		jsonl_end(&l);
	} else if (why != NULL) {
		printf("SUBSCRIBE reg %s: %s (%s)\n", s->aor, what, why);
	} else {
		printf("SUBSCRIBE reg %s: %s for %u s\n", s->aor, what,
		    s->n.granted);
	}
	fflush(stdout);
}

static enum sip_err
build(struct sip_ep_ctxn *c, struct buf *b, size_t *boff, size_t *blen)
{
	struct subn *s = c->user;
	struct sip_req_params p;

	*boff = *blen = 0;
	memset(&p, 0, sizeof(p));
	p.transport = sip_tp_name(c->dst[c->cur].tp);
	p.via_host = s->via_host;
	p.via_port = s->via_port;
	p.contact = s->contact;
	p.max_forwards = 70;
	p.user_agent = "sipbox/" SIPBOX_VERSION;
	return sip_notify_build(&s->n, b, &p, s->full.p, s->full.len,
	    now_ms());
}

static void drain(struct subn *s);

static void
on_answer(struct sip_ep_ctxn *c, const struct sip_msg *m)
{
	struct subn *s = c->user;

	if (m != NULL && m->status < 200)
		return;
	if (m == NULL)
		warnf("NOTIFY to %s for %s: %s", sip_notify_next_hop(&s->n),
		    s->aor, c->why != NULL ? c->why : sip_err_str(c->err));
	sip_notify_response(&s->n, m, now_ms());
	drain(s);
}

static void
send_notify(struct subn *s, const struct sip_notify_action *a)
{
	enum sip_err e;

	if (a->full)
		if (!s->full_kept || s->kept_v != a->version)
			full_state(&s->full, s, a->version, serve_now());
	sip_ep_release(rn.ep, &s->c);
	s->c.dst[0] = s->dst;
	s->c.ndst = 1;
	s->c.build = build;
	s->c.cb = on_answer;
	s->c.user = s;
	if ((e = sip_ep_start(rn.ep, &s->c, now_ms() * 1000)) != SIP_OK) {
		warnf("NOTIFY for %s: %s", s->aor, sip_err_str(e));
		sip_notify_response(&s->n, NULL, now_ms());
	}
}

static void
on_expiry(struct sip_timer *t, void *arg)
{
	struct subn *s = arg;

	(void)t;
	sip_notify_timer(&s->n, now_ms());
	drain(s);
}

static void
sub_free(struct subn *s)
{
	sip_loop_timer_stop(rn.loop, &s->timer);
	sip_ep_release(rn.ep, &s->c);
	sip_notify_release(&s->n);
	buf_free(&s->full);
	s->used = 0;
	rn.nsubs--;
	if (rn.stopping && rn.nsubs == 0 && rn.done != NULL) {
		void (*done)(void) = rn.done;

		rn.done = NULL;
		done();
	}
}

/*
 * What the subscription asks for.  A NOTIFY's transaction may end
 * within sip_ep_start(), and its callback drains again: the inner call
 * leaves the actions to this loop, and the slot is freed at the end.
 */
static void
drain(struct subn *s)
{
	struct sip_notify_action a;
	uint64_t d;

	if (s->depth > 0)
		return;
	s->depth++;
	while (sip_notify_action(&s->n, &a)) {
		if (a.kind == SIP_NOTIFY_END) {
			s->ended = 1;
			report(s, "terminated", a.reason);
		} else {
			send_notify(s, &a);
		}
	}
	s->depth--;
	if (s->ended) {
		sub_free(s);
		return;
	}
	d = sip_notify_deadline(&s->n);
	sip_loop_timer_stop(rn.loop, &s->timer);
	if (d != 0)
		sip_loop_timer_at(rn.loop, &s->timer, d);
}

/*
 * Where the NOTIFYs of n's dialog go (RFC 3261 12.2.1.1, 8.1.2): back
 * over the stream the SUBSCRIBE came on when there is no route set, else
 * the dialog's next hop, which must be an IP address (sip-serve resolves
 * no names).  -1 when it cannot be sent there.
 */
static int
next_hop(const struct sip_notify *n, const struct sip_ep_rx *rx,
    struct sip_ep_dest *d)
{
	struct sip_resolve_req q;
	char host[SIP_NET_HOST_MAX];
	struct sip_ep_dest t;

	memset(&t, 0, sizeof(t));
	if (n->dialog->nroute == 0 && rx->tp != SIP_TP_UDP) {
		t.tp = rx->tp;
		t.addr = rx->src;
		*d = t;
		return 0;
	}
	if (sip_dialog_next_hop(n->dialog, &q, host, sizeof(host)) != SIP_OK)
		return -1;
	t.tp = q.tp != SIP_TP_NONE ? q.tp : q.sips ? SIP_TP_TLS : SIP_TP_UDP;
	if (sip_net_numeric(host, q.port ? (int)q.port :
	    sip_tp_default_port(t.tp), &t.addr) != SIP_OK)
		return -1;
	*d = t;
	return 0;
}

/* The subscription m (a SUBSCRIBE with a To tag) is within, or NULL. */
static struct subn *
find(const struct sip_msg *m)
{
	for (int i = 0; i < MAX_SUBS; i++)
		if (rn.s[i].used && rn.s[i].n.dialog != NULL &&
		    sip_dialog_match(rn.s[i].n.dialog, m))
			return &rn.s[i];
	return NULL;
}

/* The AOR of m's Request-URI (RFC 3680 3.1), "sip:user@host". */
static int
ruri_aor(const struct sip_msg *m, struct subn *s)
{
	struct sip_uri u;

	if (sip_uri_parse(&u, m->ruri, NULL) != SIP_OK ||
	    (u.scheme != SIP_URI_SIP && u.scheme != SIP_URI_SIPS) ||
	    !u.has_user || u.user.len >= sizeof(s->user))
		return -1;
	snprintf(s->aor, sizeof(s->aor), "%.*s:%.*s@%.*s",
	    (int)u.scheme_s.len, u.scheme_s.p, (int)u.user.len, u.user.p,
	    (int)u.host.len, u.host.p);
	snprintf(s->user, sizeof(s->user), "%.*s", (int)u.user.len, u.user.p);
	return 0;
}

/* A plain answer code to m, with header line h (or NULL). */
static int
answer(struct sip_uas_txn *t, const struct sip_msg *m,
    const struct sip_ep_rx *rx, int code, const char *h)
{
	const char *hdrs[2] = { h, NULL };
	struct sip_resp_params rp;

	memset(&rp, 0, sizeof(rp));
	rp.code = code;
	rp.headers = hdrs;
	serve_respond(t, m, &rx->src, &rp);
	return code;
}

int
regevent_subscribe(struct sip_uas_txn *t, const struct sip_msg *m,
    const struct sip_ep_rx *rx)
{
	struct sip_event ev;
	struct sip_resp_params rp;
	struct subn *s = NULL;
	struct slice v = sip_msg_value(m, SIP_HDR_EVENT), user;
	char tag[SIP_TAG_SIZE], ex[48], host[SIP_NET_HOST_MAX];
	const char *hdrs[3] = { NULL, NULL, NULL };
	int code, fresh;

	/* RFC 6665 4.2.1.1: the package first; 8.2.2: which are known */
	if (v.p == NULL || sip_field_event(&ev, v, NULL) != SIP_OK)
		return answer(t, m, rx, 400, "Warning: 399 sipbox "
		    "\"no Event, or one that does not parse\"");
	if (!slice_eq_cstr(ev.package, "reg"))
		return answer(t, m, rx, 489, "Allow-Events: reg");
	fresh = sip_field_hparam(sip_msg_value(m, SIP_HDR_TO), "tag").len == 0;
	if (!fresh && (s = find(m)) == NULL)
		return answer(t, m, rx, 481, NULL);
	if (fresh) {
		for (int i = 0; i < MAX_SUBS && s == NULL; i++)
			if (!rn.s[i].used)
				s = &rn.s[i];
		if (s == NULL)
			return answer(t, m, rx, 503, "Retry-After: 60");
		if (rn.stopping)
			return answer(t, m, rx, 503, "Warning: 399 sipbox "
			    "\"shutting down\"");
		memset(s, 0, sizeof(*s));
		if (ruri_aor(m, s) != 0)
			return answer(t, m, rx, 404, "Warning: 399 sipbox "
			    "\"the Request-URI is no address of record\"");
	}
	/* RFC 3680 4.6: a user may subscribe to their own registrations */
	user = slice_cstr(s->user);
	if (!serve_authorized(t, m, &rx->src, &user, &code))
		return code;
	if (fresh) {
		if (sip_build_tag(tag) != SIP_OK)
			return answer(t, m, rx, 500, NULL);
		sip_notify_init(&s->n, "reg", "application/reginfo+xml",
		    REG_DFLT, 0, rn.max_expires);
		buf_init(&s->full, SIP_MAX_BODY);
		sip_timer_init(&s->timer, on_expiry, s);
		s->used = 1;
		rn.nsubs++;
		serve_contact_of(m, rx->tp, &rx->local, s->contact,
		    sizeof(s->contact));
		sip_net_host(&rx->local, host, sizeof(host));
		sip_target_urihost(host, s->via_host, sizeof(s->via_host));
		s->via_port = sip_net_port(&rx->local);
	}
	code = sip_notify_subscribe(&s->n, m, fresh ? tag : NULL, now_ms());
	/* a refresh may move the target (RFC 6665 3.2: target refresh) */
	if (code == 200 && next_hop(&s->n, rx, &s->dst) != 0 && fresh) {
		sub_free(s);
		return answer(t, m, rx, 400, "Warning: 399 sipbox \"no "
		    "Record-Route or Contact with an IP address to send "
		    "NOTIFY to\"");
	}
	memset(&rp, 0, sizeof(rp));
	rp.code = code;
	rp.to_tag = fresh ? tag : NULL;
	rp.headers = hdrs;
	if (code == 200) {
		snprintf(ex, sizeof(ex), "Expires: %u", s->n.granted);
		hdrs[0] = ex;
		rp.contact = s->contact;
	} else if (code == 489) {
		hdrs[0] = "Allow-Events: reg";
	} else if (code == 406) {
		hdrs[0] = "Accept: application/reginfo+xml";
	}
	serve_respond(t, m, &rx->src, &rp);
	if (fresh && code != 200) {
		sub_free(s);
		return code;
	}
	if (code == 200 && s->n.state == SIP_NOTIFY_ACTIVE)
		report(s, fresh ? "active" : "refreshed", NULL);
	drain(s);
	return code;
}

void
regevent_changed(const struct binding *b, enum sip_reginfo_event ev,
    time_t now)
{
	struct sip_reginfo_vcontact c;
	struct sip_reginfo_breg r;
	struct buf doc;
	char id[16], q[8], rid[16];
	int active = ev == SIP_REGINFO_EV_REGISTERED ||
	    ev == SIP_REGINFO_EV_CREATED || ev == SIP_REGINFO_EV_REFRESHED ||
	    ev == SIP_REGINFO_EV_SHORTENED;
	int others = 0;

	if (rn.nsubs == 0)
		return;
	/* the registration stays active while another binding is left */
	for (int i = 0; i < nbind; i++)
		others |= &bind_tab[i] != b && bind_tab[i].expires > now &&
		    strcmp(bind_tab[i].aor, b->aor) == 0;
	as_contact(b, ev, active, now, &c, id, q);
	reg_id(b->aor, rid);
	memset(&r, 0, sizeof(r));
	r.aor = b->aor;
	r.id = rid;
	r.state = active || others ? SIP_REGINFO_ACTIVE :
	    SIP_REGINFO_TERMINATED;
	r.c = &c;
	r.n = 1;
	buf_init(&doc, SIP_MAX_BODY);
	for (int i = 0; i < MAX_SUBS; i++) {
		struct subn *s = &rn.s[i];

		if (!s->used || strcmp(s->aor, b->aor) != 0 ||
		    !sip_notify_wants(&s->n))
			continue;
		buf_reset(&doc);
		if (sip_reginfo_build(&doc, s->n.version, 0, &r, 1) != SIP_OK ||
		    sip_notify_queue(&s->n, doc.p, doc.len, now_ms()) != SIP_OK)
			continue;
		drain(s);
	}
	buf_free(&doc);
}

int
regevent_count(void)
{
	return rn.nsubs;
}

void
regevent_shutdown(void (*done)(void))
{
	rn.stopping = 1;
	rn.done = done;
	for (int i = 0; i < MAX_SUBS; i++) {
		struct subn *s = &rn.s[i];

		if (!s->used || s->n.state != SIP_NOTIFY_ACTIVE)
			continue;
		/* RFC 6665 4.1.3: the state watched is gone with us */
		sip_notify_terminate(&s->n, "noresource", now_ms());
		drain(s);
	}
	if (rn.nsubs == 0 && rn.done != NULL) {
		rn.done = NULL;
		done();
	}
}

void
regevent_reject(const char *user)
{
	for (int i = 0; i < MAX_SUBS; i++) {
		struct subn *s = &rn.s[i];

		if (!s->used || s->n.state != SIP_NOTIFY_ACTIVE ||
		    strcmp(s->user, user) != 0)
			continue;
		/*
		 * RFC 6665 4.1.3: the authorization changed.  The final
		 * NOTIFY lists the bindings, which go before it is sent when
		 * one is in flight: built now, with the version it will have
		 * (the next; the queue is dropped)
		 */
		s->rejected = 1;
		full_state(&s->full, s, s->n.version, serve_now());
		s->full_kept = 1;
		s->kept_v = s->n.version;
		sip_notify_terminate(&s->n, "rejected", now_ms());
		drain(s);
	}
}

void
regevent_init(struct sip_loop *loop, struct sip_ep *ep, int json,
    uint32_t max_expires)
{
	rn.loop = loop;
	rn.ep = ep;
	rn.json = json;
	rn.max_expires = max_expires;
}

void
regevent_free(void)
{
	for (int i = 0; i < MAX_SUBS; i++)
		if (rn.s[i].used)
			sub_free(&rn.s[i]);
}
