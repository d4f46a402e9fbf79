/*
 * register-watch.c - sip-register --watch: subscribe to the reg event
 * package of an address of record and print what each NOTIFY changes.
 *
 * RFC 6665 (the subscription: lib/ua/sub), RFC 3680 (the reg event and
 * application/reginfo+xml: lib/sip/reginfo), RFC 3261 22 (digest).
 */
#include <stdio.h>
#include <string.h>

#include "authhdr.h"
#include "cmd.h"
#include "digest.h"
#include "field.h"
#include "register.h"
#include "reginfo.h"
#include "status.h"
#include "sub.h"

#define POOL	16384	/* the copies one SUBSCRIBE is built from */
#define MAXCH	64	/* changes printed per NOTIFY */

static struct {
	const struct reg_env	*env;
	struct sip_sub		 sub;
	struct sip_ep_ctxn	 c;		/* the SUBSCRIBE out */
	struct sip_timer	 timer;
	struct sip_reginfo	 doc;
	struct sip_reginfo_view	 view;
	/* the SUBSCRIBE: its parameters, with copies of what they name */
	struct sip_req_params	 p;
	char			 pool[POOL];
	size_t			 used;
	const char		*hdrs[8];
	const char		*routes[SIP_MAX_ROUTE_SET + 3];
	char			 call_id[SIP_CALLID_SIZE];
	char			 tag[SIP_TAG_SIZE];
	struct buf		 auth;		/* "Authorization: ..." */
	int			 auth_tries, stale_done;
	int			 stops, exit_code, ended;
	/* where the subscription's first SUBSCRIBE went: its dialog's too */
	struct sip_ep_dest	 ddst[SIP_EP_MAXTARGETS];
	int			 nddst;
	int			 moving;	/* ending it for a new route */
} w;

/* A copy of s in the pool; NULL stays NULL. */
static const char *
keep(const char *s)
{
	size_t n;
	char *p;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	if (w.used + n > sizeof(w.pool))
		die(SIP_EXIT_INVALID, "a SUBSCRIBE too large to build");
	p = memcpy(w.pool + w.used, s, n);
	w.used += n;
	return p;
}

static uint64_t
now_ms(void)
{
	return sip_loop_now(w.env->loop);
}

static void
flush(void)
{
	if (fflush(stdout) != 0)
		w.exit_code = SIP_EXIT_OUTPUT;
}

/* One line per subscription event: subscribed, resubscribing, ... */
static void
sub_line(const char *what, const char *detail)
{
	if (quiet)
		return;
	if (w.env->json) {
		struct jsonl l;

		jsonl_begin(&l);
		json_kstr(&l.j, "type", "subscription");
		json_kstr(&l.j, "event", what);
		json_kstr(&l.j, "aor", w.env->aor);
		json_kstr(&l.j, "state", sip_sub_state_name(w.sub.state));
		if (w.sub.state == SIP_SUB_ACTIVE ||
		    w.sub.state == SIP_SUB_PENDING)
			json_kint(&l.j, "expires", w.sub.granted);
		if (w.sub.end_status)
			json_kint(&l.j, "status", w.sub.end_status);
		if (detail != NULL)
			json_kstr(&l.j, "detail", detail);
		jsonl_end(&l);
	} else {
		printf("%s %s", what, w.env->aor);
		if (w.sub.state == SIP_SUB_ACTIVE ||
		    w.sub.state == SIP_SUB_PENDING)
			printf(": %s for %u s", sip_sub_state_name(w.sub.state),
			    w.sub.granted);
		if (detail != NULL)
			printf(" (%s)", detail);
		printf("\n");
	}
	flush();
}

/* One line per contact that a NOTIFY changed. */
static void
contact_line(const struct sip_reginfo_change *ch, uint32_t version)
{
	const struct sip_reginfo_vcontact *c = ch->c;
	const char *ev = ch->kind == SIP_REGINFO_GONE ? "removed" :
	    sip_reginfo_event_name(c->event);

	if (quiet)
		return;
	if (w.env->json) {
		struct jsonl l;
		struct json *j = &l.j;

		jsonl_begin(&l);
		json_kstr(j, "type", "contact");
		json_kstr(j, "event", ev);
		json_kstr(j, "aor", c->aor);
		json_kstr(j, "contact", c->uri ? c->uri : "");
		json_kstr(j, "state", ch->kind == SIP_REGINFO_GONE ||
		    !c->active ? "terminated" : "active");
		json_kstr(j, "id", c->id);
		if (c->has & SIP_REGINFO_HAS_EXPIRES)
			json_kint(j, "expires", (int64_t)c->expires);
		if (c->has & SIP_REGINFO_HAS_RETRY)
			json_kint(j, "retry_after", (int64_t)c->retry_after);
		if (c->q != NULL)
			json_kstr(j, "q", c->q);
		if (c->callid != NULL)
			json_kstr(j, "callid", c->callid);
		if (c->has & SIP_REGINFO_HAS_CSEQ)
			json_kint(j, "cseq", (int64_t)c->cseq);
		json_kint(j, "version", version);
		jsonl_end(&l);
		return;
	}
	printf("%s %s: <%s>", ev, c->aor, c->uri ? c->uri : "");
	if (c->active && ch->kind != SIP_REGINFO_GONE &&
	    (c->has & SIP_REGINFO_HAS_EXPIRES))
		printf(" expires %llu s", (unsigned long long)c->expires);
	if (c->has & SIP_REGINFO_HAS_RETRY)
		printf(" retry after %llu s", (unsigned long long)c->retry_after);
	if (c->q != NULL)
		printf(" q %s", c->q);
	printf("\n");
}

/* A NOTIFY's body: merged into the view, the changes printed. */
static void
take_body(const struct sip_msg *m)
{
	struct sip_reginfo_change ch[MAXCH];
	struct sip_ctype ct;
	struct sip_perr pe;
	enum sip_reginfo_order ord;
	struct slice v = sip_msg_value(m, SIP_HDR_CONTENT_TYPE);
	unsigned n;
	enum sip_err e;

	if (m->body.len == 0 || v.p == NULL)
		return;		/* a NOTIFY may say nothing yet (4.1.2.4) */
	if (sip_field_ctype(&ct, v, NULL) != SIP_OK ||
	    !slice_ieq_cstr(ct.type, "application") ||
	    !slice_ieq_cstr(ct.subtype, "reginfo+xml")) {
		warnf("%s: a NOTIFY with a body of type '" SLICE_FMT
		    "', not application/reginfo+xml", w.env->aor, SLICE_ARG(v));
		return;
	}
	if ((e = sip_reginfo_parse(&w.doc, m->body.p, m->body.len, &pe)) !=
	    SIP_OK) {
		unsigned col, line = sip_msg_line_of(m->body.p, m->body.len,
		    pe.off, &col);

		warnf("%s: NOTIFY body line %u, column %u: %s", w.env->aor,
		    line, col, pe.why ? pe.why : sip_err_str(e));
		return;
	}
	if ((e = sip_reginfo_merge(&w.view, &w.doc, ch, MAXCH, &n, &ord)) !=
	    SIP_OK) {
		warnf("%s: NOTIFY body: %s", w.env->aor, sip_err_str(e));
		return;
	}
	if (ord == SIP_REGINFO_STALE) {
		notef("reginfo version %u is not newer than %u: discarded",
		    w.doc.version, w.view.version);
		return;
	}
	/* RFC 3680 5.2: a document went missing; a refresh brings all */
	if (ord == SIP_REGINFO_GAP) {
		notef("reginfo versions skipped up to %u: refreshing for the "
		    "full state", w.doc.version);
		sip_sub_refresh(&w.sub, now_ms());
	}
	for (unsigned i = 0; i < n; i++)
		contact_line(&ch[i], w.doc.version);
	flush();
	for (unsigned i = 0; w.env->contact != NULL && i < n; i++)
		if (ch[i].kind != SIP_REGINFO_GONE && ch[i].c->uri != NULL)
			w.env->contact(ch[i].c->uri, ch[i].c->event,
			    (ch[i].c->has & SIP_REGINFO_HAS_RETRY) ?
			    ch[i].c->retry_after : 0);
}

static void arm(void);
static void send_subscribe(void);
static void restart(void);

/* What the subscription asked for. */
static void
drain(void)
{
	struct sip_sub_action a;

	while (sip_sub_action(&w.sub, &a)) {
		switch (a.kind) {
		case SIP_SUB_SEND:
			send_subscribe();
			break;
		case SIP_SUB_NOTIFY:
			take_body(a.msg);
			break;
		case SIP_SUB_STATE:
			if (a.state == SIP_SUB_ACTIVE || a.state ==
			    SIP_SUB_PENDING)
				sub_line("subscribed", NULL);
			else if (a.state == SIP_SUB_INIT)
				sub_line("resubscribing", a.reason);
			break;
		case SIP_SUB_END:
			if (w.moving && w.stops == 0) {
				/* the old one is over: the new route's now */
				w.moving = 0;
				sub_line("resubscribing", "the Service-Route "
				    "changed");
				sip_sub_release(&w.sub);
				restart();
				continue;
			}
			w.ended = 1;
			if (w.sub.end_status >= 300 ||
			    (w.sub.end_status == 0 && w.stops == 0)) {
				/* a NOTIFY's refusal (rejected, noresource)
				 * counts as a 4xx would */
				w.exit_code = w.sub.end_status ?
				    sip_status_exit(w.sub.end_status) :
				    SIP_EXIT_4XX;
				errorf_ending(w.exit_code, "%s: %s%s%s",
				    w.env->aor, w.sub.end_status ?
				    sip_status_reason(w.sub.end_status) : "",
				    w.sub.end_status ? ": " : "",
				    a.reason ? a.reason : "subscription ended");
			} else {
				sub_line("unsubscribed", NULL);
			}
			if (w.env->ended != NULL)
				w.env->ended();
			else
				sip_loop_stop(w.env->loop, 0);
			break;
		}
	}
	arm();
}

static void
on_timer(struct sip_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	sip_sub_timer(&w.sub, now_ms());
	drain();
}

static void
arm(void)
{
	uint64_t d = sip_sub_deadline(&w.sub);

	sip_loop_timer_stop(w.env->loop, &w.timer);
	if (d != 0 && !w.ended)
		sip_loop_timer_at(w.env->loop, &w.timer, d);
}

/* The headers: the subscription's, then the credentials. */
static void
set_headers(void)
{
	int n = 0;

	for (int i = 0; w.p.headers != NULL && w.p.headers[i] != NULL &&
	    n < 6; i++)
		w.hdrs[n++] = w.p.headers[i];
	if (w.auth.len > 0)
		w.hdrs[n++] = w.auth.p;
	w.hdrs[n] = NULL;
	w.p.headers = w.hdrs;
}

static enum sip_err
build(struct sip_ep_ctxn *c, struct buf *b, size_t *boff, size_t *blen)
{
	struct sip_req_params p = w.p;

	*boff = *blen = 0;
	p.transport = sip_tp_name(c->dst[c->cur].tp);
	p.branch = NULL;
	return sip_build_request(b, &p);
}

/* Answer a 401/407 m; 1 when a new SUBSCRIBE went (RFC 3261 22.2). */
static int
retry_auth(const struct sip_msg *m)
{
	int proxy = m->status == 407;
	const struct sip_hdr *h;

	if (w.env->user == NULL)
		return 0;
	for (h = sip_msg_hdr(m, proxy ? SIP_HDR_PROXY_AUTHENTICATE :
	    SIP_HDR_WWW_AUTHENTICATE); h != NULL; h = sip_msg_hdr_next(m, h)) {
		struct sip_auth chal;
		struct sip_digest_cred cred;
		int stale;

		if (sip_auth_parse(&chal, h->value, NULL) != SIP_OK ||
		    !slice_ieq_cstr(chal.scheme, "Digest"))
			continue;
		stale = sip_digest_stale(&chal);
		/* a second challenge: the password is wrong (unless stale) */
		if (w.auth_tries > 0 && (!stale || w.stale_done))
			return 0;
		memset(&cred, 0, sizeof cred);
		cred.username = w.env->user;
		cred.password = w.env->password;
		cred.ha1 = w.env->ha1;
		cred.method = "SUBSCRIBE";
		cred.uri = w.p.ruri;
		buf_wipe(&w.auth);
		buf_init(&w.auth, 8192);
		buf_adds(&w.auth, proxy ? "Proxy-Authorization: " :
		    "Authorization: ");
		if (sip_digest_authorization(&w.auth, &chal, &cred) != SIP_OK ||
		    buf_addc(&w.auth, '\0') != SIP_OK) {
			buf_wipe(&w.auth);
			continue;
		}
		if (w.auth_tries > 0)
			w.stale_done = 1;
		w.auth_tries++;
		w.p.cseq++;
		set_headers();
		if (sip_ep_start(w.env->ep, &w.c, sip_loop_now(w.env->loop) *
		    1000) != SIP_OK)
			return 0;
		(void)sip_sub_sent(&w.sub, w.p.call_id, w.p.from_tag, w.p.cseq,
		    now_ms());
		return 1;
	}
	return 0;
}

static void
response(struct sip_ep_ctxn *c, const struct sip_msg *m)
{
	if (m != NULL && m->status < 200)
		return;
	if (m != NULL && (m->status == 401 || m->status == 407) &&
	    retry_auth(m))
		return;
	if (m == NULL)
		notef("SUBSCRIBE: %s", c->why ? c->why : sip_err_str(c->err));
	sip_sub_response(&w.sub, m, now_ms());
	drain();
}

/* The SEND action: a SUBSCRIBE, new or within the dialog. */
static void
send_subscribe(void)
{
	const struct reg_env *e = w.env;
	struct sip_req_params p;
	enum sip_err err;
	int k = 0, fresh;

	memset(&p, 0, sizeof p);
	if (sip_sub_request(&w.sub, &p) != SIP_OK)
		die(SIP_EXIT_INVALID, "%s: the subscription's CSeq ran out",
		    e->aor);
	fresh = p.call_id == NULL;
	w.used = 0;
	if (p.call_id == NULL) {
		/* a new subscription: fresh identity, a view from nothing */
		if (sip_build_callid(w.call_id, e->via_host) != SIP_OK ||
		    sip_build_tag(w.tag) != SIP_OK)
			die(SIP_EXIT_NET, "%s", sip_err_str(SIP_E_RANDOM));
		p.call_id = w.call_id;
		p.from_tag = w.tag;
		p.cseq = 1;
		p.ruri = e->aor;	/* RFC 3680 3.1: the AOR */
		{
			char na[SIP_TARGET_MAX + 4];

			snprintf(na, sizeof na, "<%s>", e->aor);
			p.from = p.to = keep(na);
		}
		sip_reginfo_view_free(&w.view);
		/* the outbound proxy, then the Service-Route (RFC 3608 6) */
		if (e->route != NULL)
			w.routes[k++] = keep(e->route);
		for (int i = 0; e->routes != NULL && e->routes[i] != NULL &&
		    k < SIP_MAX_ROUTE_SET + 1; i++)
			w.routes[k++] = keep(e->routes[i]);
		w.routes[k] = NULL;
		p.routes = k > 0 ? w.routes : NULL;
	} else {
		/* within the dialog: copies, a NOTIFY may move its target */
		p.ruri = keep(p.ruri);
		p.from = keep(p.from);
		p.to = keep(p.to);
		p.from_tag = keep(p.from_tag);
		p.to_tag = keep(p.to_tag);
		p.call_id = keep(p.call_id);
		for (; p.routes != NULL && p.routes[k] != NULL &&
		    k < SIP_MAX_ROUTE_SET + 1; k++)
			w.routes[k] = keep(p.routes[k]);
		w.routes[k] = NULL;
		p.routes = k > 0 ? w.routes : NULL;
	}
	{
		char c[SIP_TARGET_MAX + 64];

		snprintf(c, sizeof c, "<sip:%s@%s:%d%s>", e->aor_user,
		    e->via_host, e->via_port, e->cl->tp == SIP_TP_UDP ? "" :
		    e->cl->tp == SIP_TP_TCP ? ";transport=tcp" :
		    e->cl->tp == SIP_TP_TLS ? ";transport=tls" :
		    e->cl->tp == SIP_TP_WS ? ";transport=ws" : ";transport=wss");
		p.contact = keep(c);
	}
	p.via_host = e->via_host;
	p.via_port = e->via_port;
	p.rport = 1;
	p.max_forwards = 70;
	p.user_agent = e->user_agent;
	w.p = p;
	/* new credentials for each request: the challenge was the last one's */
	buf_wipe(&w.auth);
	w.auth_tries = w.stale_done = 0;
	set_headers();
	sip_ep_release(e->ep, &w.c);
	/*
	 * A new subscription goes where the environment says now; its
	 * refreshes follow it there, though a new Service-Route came since
	 * (RFC 3608 6 routes initial requests only)
	 */
	if (fresh) {
		w.nddst = 0;
		for (int i = 0; i < e->cl->ndst && i < SIP_EP_MAXTARGETS; i++) {
			w.ddst[i].tp = e->cl->dst_tp[i];
			w.ddst[i].addr = e->cl->dst[i];
			w.ddst[i].flow = NULL;
			w.nddst++;
		}
	}
	w.c.ndst = w.nddst;
	memcpy(w.c.dst, w.ddst, sizeof w.ddst);
	w.c.build = build;
	w.c.cb = response;
	w.c.user = &w;
	if ((err = sip_ep_start(e->ep, &w.c, sip_loop_now(e->loop) * 1000)) !=
	    SIP_OK)
		die(SIP_EXIT_USAGE, "cannot send the SUBSCRIBE: %s",
		    sip_err_str(err));
	(void)sip_sub_sent(&w.sub, w.p.call_id, w.p.from_tag, w.p.cseq,
	    now_ms());
}

/* A subscription from nothing: the first, or one on a new route. */
static void
restart(void)
{
	if (sip_sub_init(&w.sub, "reg", "application/reginfo+xml",
	    w.env->expires) != SIP_OK)
		die(SIP_EXIT_USAGE, "cannot set up the subscription");
	if (w.env->ep->t1 != 0)
		w.sub.t1 = w.env->ep->t1;
	sip_sub_start(&w.sub, now_ms());
}

void
watch_start(const struct reg_env *env)
{
	w.env = env;
	buf_init(&w.auth, 8192);
	sip_timer_init(&w.timer, on_timer, NULL);
	restart();
	drain();
}

void
watch_reroute(void)
{
	if (w.ended || w.stops > 0 || w.moving)
		return;
	w.moving = 1;
	client_info("the Service-Route changed: unsubscribing, then "
	    "subscribing over the new one");
	sip_sub_stop(&w.sub, now_ms());
	drain();
}

int
watch_request(struct sip_ep *ep, struct sip_uas_txn *t,
    const struct sip_msg *m)
{
	struct sip_resp_params rp;
	char tag[SIP_TAG_SIZE];
	struct buf b;

	if (m->mid != SIP_METHOD_NOTIFY)
		return 0;
	memset(&rp, 0, sizeof rp);
	rp.code = sip_sub_notify(&w.sub, m, now_ms());
	if (sip_build_tag(tag) == SIP_OK)
		rp.to_tag = tag;
	buf_init(&b, SIP_MAX_MSG);
	if (sip_build_response(&b, m, &rp) == SIP_OK)
		(void)sip_ep_respond(ep, t, b.p, b.len, ep->now_us);
	buf_free(&b);
	if (rp.code != 200)
		notef("NOTIFY answered %d", rp.code);
	drain();
	return 1;
}

void
watch_stop(void)
{
	if (++w.stops > 1 || w.sub.state == SIP_SUB_TERMINATED) {
		sip_loop_stop(w.env->loop, 0);
		return;
	}
	client_info("unsubscribing (again to quit at once)");
	sip_sub_stop(&w.sub, now_ms());
	drain();
}

int
watch_exit(void)
{
	flush();
	return w.exit_code;
}

void
watch_free(void)
{
	if (w.env == NULL)
		return;
	sip_loop_timer_stop(w.env->loop, &w.timer);
	sip_ep_release(w.env->ep, &w.c);
	sip_sub_release(&w.sub);
	sip_reginfo_view_free(&w.view);
	buf_wipe(&w.auth);
}
