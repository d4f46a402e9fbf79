/*
 * reg.c - a registration's state machine: RFC 3261 10.2, 22.2; RFC 5626
 * 4.4 and 4.5 (keep-alives, flow recovery, backoff).
 */
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "authhdr.h"
#include "digest.h"
#include "field.h"
#include "reg.h"
#include "slice.h"

static void
act(struct sip_reg *r, enum sip_reg_act_type t, int status, enum sip_err e,
    const char *why)
{
	struct sip_reg_act *a;

	if (r->nact == SIP_REG_NACT)
		return;		/* never more than a few per event */
	a = &r->act[(r->act_head + r->nact++) % SIP_REG_NACT];
	memset(a, 0, sizeof *a);
	a->type = t;
	a->status = status;
	a->err = e;
	a->why = why;
	a->target = r->target;
}

static struct sip_reg_act *
last_act(struct sip_reg *r)
{
	return &r->act[(r->act_head + r->nact - 1) % SIP_REG_NACT];
}

/* A REGISTER goes out; unreg removes our contacts. */
static void
send_now(struct sip_reg *r, int unreg)
{
	r->state = SIP_REG_SENDING;
	r->unreg = unreg;
	r->asking = unreg || r->mode != SIP_REG_BIND ? 0 : r->expires;
	r->due = 0;
	act(r, SIP_REG_A_SEND, 0, SIP_OK, NULL);
	last_act(r)->new_flow = r->new_flow;
	r->new_flow = 0;
}

/* 80 to 100 per cent of ms (RFC 5626 4.4.1, 4.5), or all of it. */
static uint64_t
spread(const struct sip_reg *r, uint64_t ms, unsigned lo_pct)
{
	uint32_t x;

	if (r->rnd == NULL)
		return ms;
	x = r->rnd(r->rnd_arg) % 1001;
	return ms * lo_pct / 100 + ms * (100 - lo_pct) * x / 100000;
}

static void
end(struct sip_reg *r, enum sip_reg_state s)
{
	r->state = s;
	r->due = r->ping_at = r->pong_due = 0;
}

static void
fail(struct sip_reg *r, int status, enum sip_err e, const char *why)
{
	end(r, SIP_REG_FAILED);
	r->status = status;
	act(r, SIP_REG_A_FAILED, status, e, why);
}

/*
 * Taking ours back on the way out (stop): whatever its answer, it ends
 * there.  A removal asked for (SIP_REG_REMOVE) is a question like a
 * query: a failure is a failure.
 */
static int
ending(const struct sip_reg *r)
{
	return r->stopping || (r->unreg && r->mode == SIP_REG_BIND);
}

/*
 * RFC 5626 4.5: wait min(max, base * 2^fails), 50 to 100 per cent of
 * it, or what Retry-After says; then the next target.
 */
static void
backoff(struct sip_reg *r, int status, enum sip_err e, const char *why,
    uint32_t retry_after, uint64_t now)
{
	uint64_t base = r->backoff_base ? r->backoff_base :
	    SIP_REG_BACKOFF_BASE;
	uint64_t max = r->backoff_max ? r->backoff_max : SIP_REG_BACKOFF_MAX;
	uint64_t w = base;

	/* a query or a removal is one question: its failure is the answer */
	if (r->once || r->mode != SIP_REG_BIND || ending(r)) {
		if (ending(r)) {
			end(r, SIP_REG_DONE);
			act(r, SIP_REG_A_UNBOUND, status, e, why);
			return;
		}
		fail(r, status, e, why);
		return;
	}
	for (unsigned i = 0; i < r->fails && w < max; i++)
		w *= 2;
	if (w > max)
		w = max;
	w = spread(r, w, 50);
	if (retry_after > 0)
		w = (uint64_t)retry_after * 1000;
	r->fails++;
	if (r->ntargets > 1)
		r->target = (r->target + 1) % r->ntargets;
	r->state = SIP_REG_WAITING;
	r->due = now + w;
	r->ping_at = r->pong_due = 0;
	act(r, SIP_REG_A_RETRY, status, e, why);
	last_act(r)->wait = w;
}

enum sip_err
sip_reg_start(struct sip_reg *r, uint64_t now)
{
	enum sip_err e;

	(void)now;
	if (r->aor == NULL || r->ruri == NULL ||
	    ((r->mode == SIP_REG_BIND || r->mode == SIP_REG_REMOVE) &&
	    r->ncontacts == 0) || r->ncontacts > SIP_REG_MAXCONTACTS)
		return SIP_E_INVAL;
	if ((e = sip_build_callid(r->call_id, NULL)) != SIP_OK ||
	    (e = sip_build_tag(r->from_tag)) != SIP_OK)
		return e;
	if (r->chal.max == 0) {
		buf_init(&r->chal, 8192);
		buf_init(&r->auth, 8192);
	}
	r->cseq = 0;
	r->expires0 = r->expires;
	r->nact = r->act_head = 0;
	send_now(r, r->mode == SIP_REG_REMOVE);
	return SIP_OK;
}

/*
 * r's contact URIs, each parsed when first wanted: a 200 lists every
 * binding of the AOR, and each is compared with all of ours.
 */
struct mine {
	struct sip_uri	 u[SIP_REG_MAXCONTACTS];
	signed char	 parsed[SIP_REG_MAXCONTACTS];	/* 1 ok, -1 not */
};

/* sip_reg_is_ours() of Contact a, parsed. */
static int
is_ours(const struct sip_reg *r, const struct sip_addr *a, struct mine *my)
{
	const struct sip_param *pi, *pr;
	struct slice v;
	uint32_t id;

	if (a->star)
		return 0;
	pi = sip_param_find(&a->params, "+sip.instance");
	if (r->instance != NULL && pi != NULL) {
		/* the value is "<urn:...>" quoted: compare inside <> */
		v = pi->value;
		if (v.len >= 2 && v.p[0] == '<' && v.p[v.len - 1] == '>')
			v = slice_make(v.p + 1, v.len - 2);
		if (!slice_ieq(v, slice_cstr(r->instance)))
			return 0;
		pr = sip_param_find(&a->params, "reg-id");
		if (r->reg_id == 0)
			return pr == NULL;
		return pr != NULL && slice_to_u32(pr->value, 0xffffffffu,
		    &id) == SIP_OK && id == (uint32_t)r->reg_id;
	}
	for (int i = 0; i < r->ncontacts; i++) {
		/* the same text is the same URI (RFC 3261 19.1.4) */
		if (slice_eq_cstr(a->uri_s, r->contacts[i].uri))
			return 1;
		if (my->parsed[i] == 0)
			my->parsed[i] = sip_uri_parse(&my->u[i],
			    slice_cstr(r->contacts[i].uri), NULL) == SIP_OK ?
			    1 : -1;
		if (my->parsed[i] > 0 && sip_uri_equal(&a->uri, &my->u[i]))
			return 1;
	}
	return 0;
}

int
sip_reg_is_ours(const struct sip_reg *r, struct slice c)
{
	struct sip_addr a;
	struct mine my;

	if (sip_addr_parse(&a, c, NULL) != SIP_OK)
		return 0;
	memset(my.parsed, 0, sizeof my.parsed);
	return is_ours(r, &a, &my);
}

/* One Contact's interval: its expires=, else the 200's Expires. */
static void
shortest(const struct sip_msg *m, struct slice expires, uint32_t *g)
{
	uint32_t x;

	if (expires.len > 0 &&
	    slice_to_u32(expires, 0xffffffffu, &x) == SIP_OK) {
		if (x < *g)
			*g = x;
	} else if (sip_msg_hdr(m, SIP_HDR_EXPIRES) != NULL &&
	    slice_to_u32(slice_trim(sip_msg_value(m, SIP_HDR_EXPIRES)),
	    0xffffffffu, &x) == SIP_OK && x < *g) {
		*g = x;
	}
}

/*
 * granted() without parsing a URI, when each of our contacts comes back
 * as we sent it, "<" our text ">": then the 200's other Contacts are
 * other bindings, since a registrar keeps one binding per URI (RFC 3261
 * 10.3 step 7), and a load run against a registrar others use too need
 * not parse theirs.  0 when it cannot tell (a contact not found so, a
 * parameter that does not parse, an instance id that decides instead of
 * the URI): the full comparison then.
 */
static int
granted_raw(const struct sip_reg *r, const struct sip_msg *m, uint32_t *g)
{
	struct sip_hdr_iter it;
	struct sip_params ps;
	const struct sip_param *pe;
	struct slice v, u;
	const char *gt;
	unsigned found = 0, all;

	if (r->instance != NULL || r->ncontacts < 1 ||
	    r->ncontacts > SIP_REG_MAXCONTACTS)
		return 0;
	all = (1u << r->ncontacts) - 1;
	memset(&it, 0, sizeof it);
	while (found != all && sip_msg_values(m, SIP_HDR_CONTACT, &it, &v)) {
		v = slice_trim(v);
		if (v.len < 2 || v.p[0] != '<' ||
		    (gt = memchr(v.p, '>', v.len)) == NULL)
			continue;
		u = slice_make(v.p + 1, (size_t)(gt - v.p - 1));
		for (int i = 0; i < r->ncontacts; i++) {
			if (!slice_eq_cstr(u, r->contacts[i].uri))
				continue;
			if (sip_param_parse(&ps, slice_make(gt + 1,
			    (size_t)(v.p + v.len - gt - 1)), NULL) != SIP_OK)
				return 0;
			pe = sip_param_find(&ps, "expires");
			shortest(m, pe != NULL ? pe->value : SLICE_NULL, g);
			found |= 1u << i;
		}
	}
	return found == all;
}

/*
 * 10.2.4: the interval granted is the expires of our Contact in the 200
 * (the shortest when several are ours), else its Expires header, else
 * what was asked.
 */
static uint32_t
granted(const struct sip_reg *r, const struct sip_msg *m)
{
	struct sip_hdr_iter it;
	struct slice v;
	uint32_t g = UINT32_MAX, x;
	struct sip_addr a;
	struct mine my;

	if (!granted_raw(r, m, &g)) {
		g = UINT32_MAX;
		memset(&it, 0, sizeof it);
		memset(my.parsed, 0, sizeof my.parsed);
		while (sip_msg_values(m, SIP_HDR_CONTACT, &it, &v)) {
			if (sip_addr_parse(&a, v, NULL) != SIP_OK ||
			    !is_ours(r, &a, &my))
				continue;
			shortest(m, a.expires, &g);
		}
	}
	if (g != UINT32_MAX)
		return g;
	if (sip_msg_hdr(m, SIP_HDR_EXPIRES) != NULL &&
	    slice_to_u32(slice_trim(sip_msg_value(m, SIP_HDR_EXPIRES)),
	    0xffffffffu, &x) == SIP_OK)
		return x;
	return r->asking;
}

static void
arm_ping(struct sip_reg *r, uint64_t now)
{
	uint64_t iv = 0;

	r->pong_due = 0;
	if (r->ka_ms > 0)
		iv = r->ka_ms;
	else if (r->ka_auto && r->flow_timer > 0)
		iv = spread(r, (uint64_t)r->flow_timer * 1000, 80);
	else if (r->ka_auto && r->ka_default_ms > 0) {
		uint64_t lo = r->ka_default_lo_ms < r->ka_default_ms ?
		    r->ka_default_lo_ms : r->ka_default_ms;

		/* with no randomness, the longest */
		iv = r->ka_default_ms;
		if (r->rnd != NULL)
			iv = lo + (r->ka_default_ms - lo) *
			    (r->rnd(r->rnd_arg) % 1001) / 1000;
	}
	r->ping_at = iv ? now + iv : 0;
}

static void
bound(struct sip_reg *r, const struct sip_msg *m, uint64_t now)
{
	uint64_t life, margin;
	struct slice ft;
	const struct sip_hdr *h;
	uint32_t x;

	r->granted = granted(r, m);
	if (r->granted == 0) {
		/* the registrar kept none of ours: nothing to refresh */
		fail(r, 200, SIP_E_STATE, "the 200 binds none of the contacts");
		return;
	}
	act(r, SIP_REG_A_BOUND, 200, SIP_OK, NULL);
	last_act(r)->expires = r->granted;
	last_act(r)->refresh = r->bound;
	r->bound = 1;
	r->bound_at = now;
	r->fails = 0;
	if (r->once) {
		end(r, SIP_REG_DONE);
		return;
	}
	r->state = SIP_REG_BOUND;
	life = (uint64_t)r->granted * 1000;
	margin = life / 2 < SIP_REG_REFRESH_MARGIN ? life / 2 :
	    SIP_REG_REFRESH_MARGIN;
	r->due = now + life - margin;
	r->flow_timer = 0;
	h = sip_msg_hdr_byname(m, SLICE_LIT("Flow-Timer"));
	if (h != NULL) {
		ft = slice_trim(h->value);
		if (slice_to_u32(ft, 86400, &x) == SIP_OK)
			r->flow_timer = x;
	}
	arm_ping(r, now);
}

/* The challenges of m: 1 when credentials for it are made. */
static int
challenge(struct sip_reg *r, const struct sip_msg *m)
{
	int proxy = m->status == 407;
	enum sip_hdr_id id = proxy ? SIP_HDR_PROXY_AUTHENTICATE :
	    SIP_HDR_WWW_AUTHENTICATE;
	const struct sip_hdr *h;
	struct sip_auth *a = &r->chal_a;
	char nonce[sizeof r->nonce];
	int stale;

	if (r->user == NULL || (r->password == NULL && r->ha1 == NULL))
		return 0;
	for (h = sip_msg_hdr(m, id); h != NULL; h = sip_msg_hdr_next(m, h)) {
		/*
		 * Parsed where it is kept, once: credentials() reads that.
		 * A challenge refused below ends the registration, so what
		 * it overwrites is not wanted again.
		 */
		buf_reset(&r->chal);
		if (buf_add(&r->chal, proxy ? "407 " : "401 ", 4) != SIP_OK ||
		    buf_addslice(&r->chal, h->value) != SIP_OK)
			return 0;
		if (sip_auth_parse(a, slice_make(r->chal.p + 4,
		    r->chal.len - 4), NULL) != SIP_OK ||
		    !slice_ieq_lit(a->scheme, "Digest") || a->nonce.len == 0) {
			buf_reset(&r->chal);
			continue;
		}
		/* cut to fit, as snprintf() did, without its cost */
		slice_copy(slice_head(a->nonce, sizeof nonce - 1), nonce,
		    sizeof nonce);
		stale = sip_digest_stale(a);
		/*
		 * 22.2: credentials made for the last challenge and refused
		 * again mean the password is wrong, unless the server says
		 * only the nonce went stale (once).  The same nonce again is
		 * a refusal whatever it says.
		 */
		if (r->auth_fresh && (!stale || r->stale_done))
			return 0;
		if (strcmp(nonce, r->nonce) == 0 && r->nc > 0 && !stale)
			return 0;
		if (r->auth_fresh && stale)
			r->stale_done = 1;
		else if (!r->auth_fresh)
			r->stale_done = 0;
		memcpy(r->nonce, nonce, strlen(nonce) + 1);
		r->nc = 0;
		r->auth_fresh = 1;
		return 1;
	}
	return 0;
}

void
sip_reg_response(struct sip_reg *r, const struct sip_msg *m, uint64_t now)
{
	int was_fresh = r->auth_fresh;
	uint32_t min = 0;
	struct sip_retry_after ra;

	if (r->state != SIP_REG_SENDING || m->status < 200)
		return;
	r->status = m->status;
	/* credentials that got past the challenge are reused, nc counting */
	if (m->status != 401 && m->status != 407)
		r->auth_fresh = 0;
	if (m->status >= 200 && m->status < 300) {
		if (r->unreg) {
			r->bound = 0;
			end(r, SIP_REG_DONE);
			act(r, SIP_REG_A_UNBOUND, m->status, SIP_OK, NULL);
		} else if (r->mode != SIP_REG_BIND) {
			end(r, SIP_REG_DONE);
			act(r, SIP_REG_A_LISTED, m->status, SIP_OK, NULL);
		} else if (r->stopping) {
			/* bound while a stop waited: take it back now */
			send_now(r, 1);
		} else {
			bound(r, m, now);
		}
		return;
	}
	if (m->status == 401 || m->status == 407) {
		if (challenge(r, m)) {
			send_now(r, r->unreg);
			return;
		}
		r->auth_fresh = 0;
		if (ending(r)) {
			end(r, SIP_REG_DONE);
			act(r, SIP_REG_A_UNBOUND, m->status, SIP_E_AUTH,
			    "credentials refused");
			return;
		}
		/* nc > 0: credentials reused with its nonce were refused */
		fail(r, m->status, SIP_E_AUTH, r->user == NULL ?
		    "a challenge and no --user" : was_fresh || r->nc > 0 ?
		    "credentials refused" : "challenge not understood");
		return;
	}
	/* 10.2.8: once more with the Min-Expires asked for */
	if (m->status == 423 && r->mode == SIP_REG_BIND && !r->unreg &&
	    slice_to_u32(slice_trim(sip_msg_value(m, SIP_HDR_MIN_EXPIRES)),
	    0xffffffffu, &min) == SIP_OK && min > r->expires) {
		r->expires = min;
		send_now(r, 0);
		return;
	}
	if (m->status >= 500 && m->status < 600) {
		uint32_t after = 0;

		if (sip_msg_hdr(m, SIP_HDR_RETRY_AFTER) != NULL &&
		    sip_field_retry_after(&ra, sip_msg_value(m,
		    SIP_HDR_RETRY_AFTER), NULL) == SIP_OK)
			after = ra.secs;
		backoff(r, m->status, SIP_OK, NULL, after, now);
		return;
	}
	if (ending(r)) {
		end(r, SIP_REG_DONE);
		act(r, SIP_REG_A_UNBOUND, m->status, SIP_OK, NULL);
		return;
	}
	fail(r, m->status, SIP_OK, m->status == 423 ?
	    "423 without a longer Min-Expires" : NULL);
}

void
sip_reg_failed(struct sip_reg *r, enum sip_err err, uint64_t now)
{
	if (r->state != SIP_REG_SENDING)
		return;
	r->auth_fresh = 0;
	r->new_flow = 1;
	backoff(r, 0, err, NULL, 0, now);
}

void
sip_reg_flow_failed(struct sip_reg *r, uint64_t now)
{
	(void)now;
	r->pong_due = r->ping_at = 0;
	r->new_flow = 1;
	if (r->state != SIP_REG_BOUND)
		return;		/* an answer or a retry is coming anyway */
	act(r, SIP_REG_A_FLOW, 0, SIP_E_CLOSED, NULL);
	/* RFC 5626 4.4.1: a new flow, registered at once */
	send_now(r, 0);
}

void
sip_reg_pong(struct sip_reg *r, uint64_t now)
{
	if (r->pong_due == 0)
		return;
	arm_ping(r, now);
}

void
sip_reg_refresh(struct sip_reg *r, uint64_t at, uint64_t now)
{
	if (r->state != SIP_REG_BOUND || r->stopping)
		return;
	if (at <= now)
		send_now(r, 0);
	else if (r->due == 0 || at < r->due)
		r->due = at;
}

void
sip_reg_timer(struct sip_reg *r, uint64_t now)
{
	if (r->state == SIP_REG_WAITING && r->due && now >= r->due) {
		send_now(r, 0);
		return;
	}
	if (r->state != SIP_REG_BOUND)
		return;
	if (r->due && now >= r->due) {
		send_now(r, 0);
		return;
	}
	if (r->pong_due && now >= r->pong_due) {
		sip_reg_flow_failed(r, now);
		return;
	}
	if (r->pong_due && r->resend_at && now >= r->resend_at) {
		r->rto *= 2;
		r->resend_at = now + r->rto < r->pong_due ? now + r->rto : 0;
		act(r, SIP_REG_A_PING, 0, SIP_OK, NULL);
		last_act(r)->retrans = 1;
		return;
	}
	if (r->ping_at && now >= r->ping_at) {
		r->ping_at = 0;
		r->pong_due = now + (r->pong_wait ? r->pong_wait :
		    SIP_REG_PONG_WAIT);
		r->rto = SIP_REG_STUN_RTO;
		r->resend_at = r->ka_resend && now + r->rto < r->pong_due ?
		    now + r->rto : 0;
		act(r, SIP_REG_A_PING, 0, SIP_OK, NULL);
	}
}

uint64_t
sip_reg_deadline(const struct sip_reg *r)
{
	uint64_t d = 0;
	/* a resend only while its pong is owed */
	const uint64_t none = 0, *v[4] = { &r->due, &r->ping_at,
	    &r->pong_due, r->pong_due ? &r->resend_at : &none };

	if (r->state != SIP_REG_BOUND && r->state != SIP_REG_WAITING)
		return 0;
	for (int i = 0; i < 4; i++)
		if (*v[i] && (d == 0 || *v[i] < d))
			d = *v[i];
	return d;
}

void
sip_reg_stop(struct sip_reg *r, uint64_t now)
{
	(void)now;
	switch (r->state) {
	case SIP_REG_SENDING:
		r->stopping = 1;	/* after its answer */
		break;
	case SIP_REG_BOUND:
		r->stopping = 1;
		r->ping_at = r->pong_due = 0;
		send_now(r, 1);
		break;
	case SIP_REG_IDLE:
	case SIP_REG_WAITING:
		r->stopping = 1;
		end(r, SIP_REG_DONE);
		act(r, SIP_REG_A_UNBOUND, 0, SIP_OK, "nothing was bound");
		break;
	default:
		break;
	}
}

int
sip_reg_action(struct sip_reg *r, struct sip_reg_act *a)
{
	if (r->nact == 0)
		return 0;
	*a = r->act[r->act_head];
	r->act_head = (r->act_head + 1) % SIP_REG_NACT;
	r->nact--;
	return 1;
}

/* The Authorization line for the challenge kept, with the next nc. */
static enum sip_err
credentials(struct sip_reg *r)
{
	struct sip_digest_cred c;
	struct slice v = buf_slice(&r->chal);
	int proxy;

	/* the last one's bytes wiped, its memory kept */
	if (r->auth.p != NULL)
		explicit_bzero(r->auth.p, r->auth.len);
	buf_reset(&r->auth);
	if (v.len < 4)
		return SIP_OK;		/* no challenge yet */
	proxy = v.p[2] == '7';
	memset(&c, 0, sizeof c);
	c.username = r->user;
	c.password = r->password;
	c.ha1 = r->password == NULL ? r->ha1 : NULL;
	c.method = "REGISTER";
	c.uri = r->ruri;
	c.nc = ++r->nc;
	c.memo = r->memo;
	if (buf_adds(&r->auth, proxy ? "Proxy-Authorization: " :
	    "Authorization: ") != SIP_OK)
		return SIP_E_TOOBIG;
	/* chal_a: challenge() parsed chal, unchanged since */
	return sip_digest_authorization(&r->auth, &r->chal_a, &c);
}

static enum sip_err
contact_value(const struct sip_reg *r, struct buf *b)
{
	char q[16];

	if (r->mode == SIP_REG_REMOVE_ALL)
		return buf_adds(b, "*");
	for (int i = 0; i < r->ncontacts; i++) {
		const struct sip_reg_contact *c = &r->contacts[i];

		if (i > 0)
			buf_add(b, ", ", 2);
		buf_addc(b, '<');
		buf_adds(b, c->uri);
		buf_addc(b, '>');
		if (c->q >= 0) {
			snprintf(q, sizeof q, "%d.%03d", c->q / 1000,
			    c->q % 1000);
			/* 0.500 is written 0.5 */
			for (size_t n = strlen(q); q[n - 1] == '0' &&
			    q[n - 2] != '.'; n--)
				q[n - 1] = '\0';
			buf_printf(b, ";q=%s", q);
		}
		if (r->instance != NULL) {
			buf_adds(b, ";+sip.instance=\"<");
			buf_adds(b, r->instance);
			buf_add(b, ">\"", 2);
		}
		if (r->reg_id > 0)
			buf_printf(b, ";reg-id=%d", r->reg_id);
	}
	return b->len < b->max ? SIP_OK : SIP_E_TOOBIG;
}

/* snprintf(out, n, "<%s>", s), which a load run did for every REGISTER */
static void
bracket(char *out, size_t n, const char *s)
{
	size_t l = strlen(s), k = 0;

	out[k++] = '<';
	if (l > n - 2)
		l = n - 2;
	memcpy(out + k, s, l);
	k += l;
	if (k < n - 1)
		out[k++] = '>';
	out[k] = '\0';
}

enum sip_err
sip_reg_build(struct sip_reg *r, struct buf *b, const struct sip_req_params *p0)
{
	size_t boff, blen;

	return sip_reg_build_at(r, b, p0, &boff, &blen);
}

/*
 * The credentials line put in before the "Content-Length: 0" that ends
 * the bodiless request built in b from base: the REGISTER without it is
 * the same for all of a registration's requests and, with a template,
 * for all of a user's registrations.  0 when the request has a body or
 * the line a line break: then it is built again with the line a header
 * of the request's, as before.
 */
static int
add_auth(struct buf *b, size_t base, const struct buf *auth, enum sip_err *e)
{
	static const char cl[] = "Content-Length: 0\r\n\r\n";
	const size_t n = sizeof cl - 1;

	/* a line break in it (a folded nonce): refused as a line of ours */
	if (b->len - base < n || memcmp(b->p + b->len - n, cl, n) != 0 ||
	    memchr(auth->p, '\r', auth->len) != NULL ||
	    memchr(auth->p, '\n', auth->len) != NULL)
		return 0;
	b->len -= n;
	if ((*e = buf_add(b, auth->p, auth->len)) == SIP_OK &&
	    (*e = buf_add(b, "\r\n", 2)) == SIP_OK)
		*e = buf_add(b, cl, n);
	return 1;
}

enum sip_err
sip_reg_build_at(struct sip_reg *r, struct buf *b,
    const struct sip_req_params *p0, size_t *boff, size_t *blen)
{
	struct sip_req_params p = *p0;
	const char *hdrs[SIP_REG_NHDRS];
	char expires[32], from[SIP_REG_URI_MAX + 8], branch[SIP_BRANCH_SIZE];
	char digits[12], *d = digits + sizeof digits;
	uint32_t x;
	struct buf contact;
	const size_t base = b->len;
	enum sip_err e;
	int n = 0;

	*boff = *blen = 0;
	if ((e = credentials(r)) != SIP_OK)
		return e;
	buf_init(&contact, 8192);
	if (r->mode != SIP_REG_QUERY && (e = contact_value(r, &contact)) !=
	    SIP_OK)
		goto out;
	bracket(from, sizeof from, r->aor);
	/* "Expires: %u" */
	*--d = '\0';
	x = r->asking;
	do {
		*--d = (char)('0' + x % 10);
		x /= 10;
	} while (x > 0);
	memcpy(expires, "Expires: ", 9);
	memcpy(expires + 9, d, (size_t)(digits + sizeof digits - d));
	if (r->mode != SIP_REG_QUERY)
		hdrs[n++] = expires;
	if (r->reg_id > 0 && r->gruu)
		hdrs[n++] = "Supported: outbound, path, gruu";
	else if (r->reg_id > 0)
		hdrs[n++] = "Supported: outbound, path";
	else if (r->gruu)
		hdrs[n++] = "Supported: gruu";
	/* the credentials last (add_auth()), room kept for them */
	for (int i = 0; p0->headers != NULL && p0->headers[i] != NULL &&
	    n < SIP_REG_NHDRS - 2; i++)
		hdrs[n++] = p0->headers[i];
	hdrs[n] = NULL;
	p.method = "REGISTER";
	p.ruri = r->ruri;
	p.from = from;
	p.from_tag = r->from_tag;
	p.to = from;		/* the AOR both */
	p.to_tag = NULL;
	p.call_id = r->call_id;
	/* 10.2: one Call-ID, the CSeq rising, for every REGISTER of r */
	p.cseq = ++r->cseq;
	p.contact = contact.len > 0 ? contact.p : NULL;
	p.headers = hdrs;
	/* the caller's gen vouches for all but what the machine changed */
	p.gen = !r->unreg && r->asking == r->expires0 ? r->gen : 0;
	if (r->tmpl != NULL && p.branch == NULL) {
		if ((e = sip_build_branch(branch)) != SIP_OK)
			goto out;
		p.branch = branch;
		e = sip_build_request_tmpl(b, &p, r->tmpl);
		/* where the branch is: the transaction need not parse it */
		if (e == SIP_OK && r->tmpl->off[0] > 0) {
			*boff = base + r->tmpl->off[0];
			*blen = r->tmpl->len[0];
		}
	} else
		e = sip_build_request_at(b, &p, boff, blen);
	if (e != SIP_OK || r->auth.len == 0 || add_auth(b, base, &r->auth, &e))
		goto out;
	/* a body after Content-Length: built again, the line among ours */
	b->len = base;
	hdrs[n++] = r->auth.p;
	hdrs[n] = NULL;
	e = sip_build_request_at(b, &p, boff, blen);
out:
	buf_free(&contact);
	return e;
}

void
sip_reg_release(struct sip_reg *r)
{
	buf_wipe(&r->chal);
	buf_wipe(&r->auth);
	explicit_bzero(r->nonce, sizeof r->nonce);
}

const char *
sip_reg_act_name(enum sip_reg_act_type t)
{
	static const char *const names[] = { "SEND", "PING", "BOUND",
	    "LISTED", "RETRY", "FLOW", "UNBOUND", "FAILED" };

	return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "?";
}
