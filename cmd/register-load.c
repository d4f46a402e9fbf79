/*
 * register-load.c - sip-register --users: load a registrar with many
 * registrations at once (what SIPp's register scenarios are used for).
 *
 * Each registration is lib/ua/reg's (RFC 3261 10.2, digest 22.2): a
 * REGISTER, its 401 answered, the 200; many of them run on the one
 * endpoint and socket, each a client transaction of its own.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "cmd.h"
#include "reg.h"
#include "register.h"
#include "status.h"

#define HBUCKETS	1408	/* 32 a doubling, up to 2^44 us */
#define NMEMO		65536	/* users whose HA1 and HA2 are kept */
#define NTMPL		16384	/* users whose REGISTER is kept (reg.h) */

struct user {
	char	*name;
	char	*password;	/* or the one password of a pattern */
};

struct slot {
	struct sip_reg		 reg;
	struct sip_ep_ctxn	 c;
	struct sip_build_tmpl	 tmpl;		/* for users past NTMPL */
	char			 aor[SIP_TARGET_MAX];
	uint64_t		 t0;		/* us: its first REGISTER */
	unsigned		 sends;		/* REGISTERs of this registration */
	int			 busy;
};

struct load_opts lopt = { .concurrency = 64 };

static struct {
	const struct reg_env	*env;
	struct user		*user;
	size_t			 nuser, next_user;
	/* the first NMEMO users' digest hashes, made once (digest.h) */
	struct sip_digest_memo	*memo;
	size_t			 nmemo;
	/*
	 * The first NTMPL users' REGISTER without credentials, built once
	 * and then patched (branch, tag, Call-ID, CSeq) for each of their
	 * registrations: a build was a quarter of a registration's work
	 */
	struct sip_build_tmpl	*tmpl;
	size_t			 ntmpl;
	char			*shared_pw;	/* a pattern's password */
	char			 domain[SIP_TARGET_MAX];
	/* after "sip:USER": "@domain" (the AOR), "@host:port" (Contact) */
	char			 aor_tail[SIP_TARGET_MAX];
	char			 contact_tail[SIP_TARGET_MAX];
	struct slot		*slot;
	int			 nslot;
	int			*free_slot;	/* a stack of idle slots */
	int			 nfree;
	long			 count;		/* to start; 0: until --duration */
	long			 started, ok, failed, inflight;
	unsigned long		 challenges;	/* 401/407 round trips */
	uint64_t		 t_begin, t_end;	/* us */
	uint64_t		 stop_at;	/* ms: no start after; 0 none */
	int			 stopping;
	int			 first_exit;	/* the first failure's status */
	unsigned long		 fail_status[700];	/* by response code */
	unsigned long		 fail_err[SIP_ERR_COUNT];	/* no response */
	unsigned long		 hist[HBUCKETS];	/* time to 200 */
	struct sip_timer	 pump_timer, tick_timer;
	long			 last_ok;	/* at the last progress tick */
	int			 tty;
} L;

/* --users PATTERN: prefix{A..B}suffix; 1 when s is one. */
static int
pattern(const char *s)
{
	const char *o = strchr(s, '{'), *dots, *c;
	char *end;
	long a, b;

	if (o == NULL || (dots = strstr(o, "..")) == NULL ||
	    (c = strchr(dots, '}')) == NULL)
		return 0;
	errno = 0;
	a = strtol(o + 1, &end, 10);
	if (end != dots || o + 1 == dots || errno != 0)
		return 0;
	b = strtol(dots + 2, &end, 10);
	if (end != c || dots + 2 == c || errno != 0)
		return 0;
	if (a < 0 || b < a || b - a >= 10000000)
		usage_error("--users '%s': want prefix{A..B}suffix with "
		    "0 <= A <= B and at most 10,000,000 users", s);
	L.nuser = (size_t)(b - a + 1);
	L.user = xcalloc(L.nuser, sizeof(*L.user));
	for (long i = a; i <= b; i++) {
		char n[256];

		snprintf(n, sizeof n, "%.*s%ld%s", (int)(o - s), s, i, c + 1);
		L.user[i - a].name = xstrdup(n);
	}
	return 1;
}

/*
 * --users FILE: "user password" or "user:password" lines; blank lines
 * and '#' comments skipped.  A file of secrets: checked as one.
 */
static void
users_file(const char *path)
{
	char *text, *line, *save = NULL;
	size_t len, cap = 0;
	unsigned lineno = 0;

	secret_file_check(path);
	if (read_file(path, &text, &len, 64u << 20) != 0)
		die_errno(SIP_EXIT_INVALID, "%s", path);
	secret_hold();
	for (line = text; line != NULL && *line != '\0'; line = save) {
		char *nl = strchr(line, '\n'), *sep;

		save = nl != NULL ? nl + 1 : NULL;
		if (nl != NULL)
			*nl = '\0';
		lineno++;
		line[strcspn(line, "\r")] = '\0';
		line += strspn(line, " \t");
		if (*line == '\0' || *line == '#')
			continue;
		sep = line + strcspn(line, " \t:");
		if (*sep == '\0' || sep == line)
			die(SIP_EXIT_INVALID, "%s:%u: want 'user password' or "
			    "'user:password'", path, lineno);
		*sep++ = '\0';
		sep += strspn(sep, " \t");
		if (*sep == '\0')
			die(SIP_EXIT_INVALID, "%s:%u: user '%s' has no password",
			    path, lineno, line);
		if (L.nuser == cap) {
			cap = cap ? cap * 2 : 64;
			L.user = xrealloc(L.user, cap * sizeof(*L.user));
		}
		L.user[L.nuser].name = xstrdup(line);
		L.user[L.nuser].password = xstrdup(sep);
		L.nuser++;
	}
	explicit_bzero(text, len);
	free(text);
	if (L.nuser == 0)
		die(SIP_EXIT_INVALID, "%s: no users", path);
}

const char *
load_aor(const char *domain)
{
	static char stand_in[SIP_TARGET_MAX + 16];
	const char *d = domain;

	if (strncasecmp(d, "sip:", 4) == 0)
		d += 4;
	if (*d == '\0' || strpbrk(d, "@;<> ") != NULL ||
	    strlen(d) >= sizeof L.domain)
		usage_error("with --users, give the domain (sip.example.com), "
		    "not '%s'", domain);
	snprintf(L.domain, sizeof L.domain, "%s", d);
	snprintf(stand_in, sizeof stand_in, "sip:load@%s", d);
	return stand_in;
}

void
load_users(void)
{
	if (access(lopt.users, F_OK) != 0 && pattern(lopt.users)) {
		/* one password for all: SIPBOX_PASSWORD, a file or a prompt */
		const char *u = copt.user;

		copt.user = lopt.users;
		L.shared_pw = client_password();
		copt.user = u;
		for (size_t i = 0; i < L.nuser; i++)
			L.user[i].password = L.shared_pw;
	} else {
		users_file(lopt.users);
	}
}

/* The bucket of t us: 32 a doubling (2.2 % apart). */
static unsigned
bucket(uint64_t t)
{
	double b = t > 1 ? log2((double)t) * 32 : 0;

	return b >= HBUCKETS - 1 ? HBUCKETS - 1 : (unsigned)b;
}

/* The time at percentile p (0..1) in ms: its bucket's upper edge. */
static double
percentile(double p)
{
	unsigned long want = (unsigned long)ceil(p * (double)L.ok), seen = 0;

	if (L.ok == 0)
		return 0;
	if (want == 0)
		want = 1;
	for (unsigned b = 0; b < HBUCKETS; b++) {
		seen += L.hist[b];
		if (seen >= want)
			return exp2((double)(b + 1) / 32) / 1000;
	}
	return 0;
}

static void pump(void);

static void
finished(struct slot *s, int status, enum sip_err err)
{
	uint64_t now = L.env->ep->now_us ? L.env->ep->now_us : sip_clock_us();

	s->busy = 0;
	L.inflight--;
	L.free_slot[L.nfree++] = (int)(s - L.slot);
	if (status >= 200 && status < 300 && err == SIP_OK) {
		L.ok++;
		L.hist[bucket(now > s->t0 ? now - s->t0 : 0)]++;
	} else {
		L.failed++;
		if (status > 0 && status < 700)
			L.fail_status[status]++;
		else
			L.fail_err[err < SIP_ERR_COUNT ? err : SIP_E_NET]++;
		if (L.first_exit == 0)
			L.first_exit = status > 0 ? sip_status_exit(status) :
			    sip_err_exit(err);
	}
	L.t_end = now;
}

static void start_send(struct slot *s, const struct sip_reg_act *a);

/* What a registration's machine asked for. */
static void
drain(struct slot *s, const struct sip_msg *m)
{
	struct sip_reg_act a;

	(void)m;
	while (sip_reg_action(&s->reg, &a)) {
		switch (a.type) {
		case SIP_REG_A_SEND:
			start_send(s, &a);
			break;
		case SIP_REG_A_BOUND:
			finished(s, 200, SIP_OK);
			break;
		case SIP_REG_A_FAILED:
			finished(s, a.status, a.err);
			break;
		case SIP_REG_A_RETRY:
			/* a load run counts a failure, it does not wait */
			finished(s, a.status, a.err == SIP_OK && a.status == 0 ?
			    SIP_E_TIMEOUT : a.err);
			break;
		default:
			break;
		}
		if (!s->busy)
			break;
	}
	/*
	 * An ended registration keeps its transaction and buffers: the
	 * slot's next one starts over them (start_one()), and no REGISTER
	 * allocates.
	 */
}

static enum sip_err
build(struct sip_ep_ctxn *c, struct buf *b, size_t *boff, size_t *blen)
{
	struct slot *s = c->user;
	const struct reg_env *e = L.env;
	struct sip_req_params p;
	static const char *routes[2];

	memset(&p, 0, sizeof p);
	p.transport = sip_tp_name(c->dst[c->cur].tp);
	p.via_host = e->via_host;
	p.via_port = e->via_port;
	p.rport = 1;
	p.max_forwards = 70;
	p.user_agent = e->user_agent;
	if (e->route != NULL) {
		routes[0] = e->route;
		p.routes = routes;
	}
	/* another target may be another transport: the template compared */
	if (c->cur != 0)
		s->reg.gen = 0;
	/* where the branch is: the transaction need not parse it again */
	return sip_reg_build_at(&s->reg, b, &p, boff, blen);
}

static void
response(struct sip_ep_ctxn *c, const struct sip_msg *m)
{
	struct slot *s = c->user;
	uint64_t now = L.env->ep->now;

	if (m == NULL)
		sip_reg_failed(&s->reg, c->err, now);
	else if (m->status >= 200) {
		if (m->status == 401 || m->status == 407)
			L.challenges++;
		sip_reg_response(&s->reg, m, now);
	} else
		return;
	drain(s, m);
	pump();
}

static void
start_send(struct slot *s, const struct sip_reg_act *a)
{
	const struct client *cl = L.env->cl;
	enum sip_err e;

	/* over the last transaction, its memory kept (sip_ep_start()) */
	s->c.ndst = 0;
	for (int k = 0; k < cl->ndst; k++) {
		int i = (a->target + k) % cl->ndst;

		s->c.dst[k].tp = cl->dst_tp[i];
		s->c.dst[k].addr = cl->dst[i];
		s->c.dst[k].flow = NULL;
		s->c.ndst++;
	}
	s->c.build = build;
	s->c.cb = response;
	s->c.user = s;
	s->sends++;
	if ((e = sip_ep_start(L.env->ep, &s->c, L.env->ep->now_us ?
	    L.env->ep->now_us : sip_clock_us())) != SIP_OK) {
		sip_reg_failed(&s->reg, e, sip_loop_now(L.env->loop));
	}
}

/*
 * "sip:" name (at most 255 bytes of it) tail into out, cut to fit as
 * snprintf() would: a registration's AOR and Contact, made for each.
 */
static void
sip_user(char *out, size_t n, const char *name, const char *tail)
{
	size_t k = 4, l = strnlen(name, 255), t = strlen(tail);

	memcpy(out, "sip:", 4);
	if (l > n - 1 - k)
		l = n - 1 - k;
	memcpy(out + k, name, l);
	k += l;
	if (t > n - 1 - k)
		t = n - 1 - k;
	memcpy(out + k, tail, t);
	out[k + t] = '\0';
}

/* Start a registration in slot s for the next user. */
static void
start_one(struct slot *s)
{
	const struct reg_env *e = L.env;
	size_t ui = L.next_user;
	struct user *u = &L.user[ui];
	struct sip_reg *r = &s->reg;

	struct buf chal = r->chal, auth = r->auth;

	L.next_user = (L.next_user + 1) % L.nuser;
	/* the last one's challenge and credentials wiped, memory kept */
	if (chal.p != NULL)
		explicit_bzero(chal.p, chal.len);
	if (auth.p != NULL)
		explicit_bzero(auth.p, auth.len);
	buf_reset(&chal);
	buf_reset(&auth);
	memset(r, 0, sizeof(*r));
	r->chal = chal;
	r->auth = auth;
	sip_user(s->aor, sizeof s->aor, u->name, L.aor_tail);
	r->mode = SIP_REG_BIND;
	r->aor = s->aor;
	r->ruri = e->cl->target.ruri;
	r->expires = e->expires;
	r->once = 1;
	r->user = u->name;
	r->password = u->password;
	r->memo = ui < L.nmemo ? &L.memo[ui] : NULL;
	r->tmpl = ui < L.ntmpl ? &L.tmpl[ui] : &s->tmpl;
	r->gen = (unsigned)ui + 1;	/* all else is the run's */
	r->ntargets = e->cl->ndst;
	sip_user(r->contacts[0].uri, sizeof r->contacts[0].uri, u->name,
	    L.contact_tail);
	r->contacts[0].q = -1;
	r->ncontacts = 1;
	s->busy = 1;
	s->sends = 0;
	s->t0 = sip_clock_us();
	L.started++;
	L.inflight++;
	if (sip_reg_start(r, sip_loop_now(e->loop)) != SIP_OK)
		die(SIP_EXIT_NET, "%s", sip_err_str(SIP_E_RANDOM));
	drain(s, NULL);
}

static int
may_start(uint64_t now_ms)
{
	if (L.stopping || (L.count > 0 && L.started >= L.count))
		return 0;
	if (L.stop_at != 0 && now_ms >= L.stop_at)
		return 0;
	return L.inflight < L.nslot;
}

static void
done_check(void)
{
	uint64_t now = sip_loop_now(L.env->loop);

	if (L.inflight == 0 && (L.stopping || !may_start(now) ||
	    (L.count > 0 && L.started >= L.count)))
		sip_loop_stop(L.env->loop, 0);
}

/* Start what the concurrency and the rate allow now. */
static void
pump(void)
{
	uint64_t now = sip_loop_now(L.env->loop);

	while (may_start(now)) {
		if (lopt.rate > 0) {
			/* the started-th registration is due at started/rate s */
			uint64_t due = L.t_begin / 1000 +
			    (uint64_t)((double)L.started * 1000 / lopt.rate);

			if (due > now) {
				sip_loop_timer_stop(L.env->loop, &L.pump_timer);
				sip_loop_timer_at(L.env->loop, &L.pump_timer,
				    due);
				break;
			}
		}
		if (L.nfree == 0)
			break;
		start_one(&L.slot[L.free_slot[--L.nfree]]);
		now = sip_loop_now(L.env->loop);
	}
	done_check();
}

static void
on_pump(struct sip_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	pump();
}

/* Once a second on a terminal: how far it got (stderr). */
static void
on_tick(struct sip_timer *t, void *arg)
{
	double secs = (double)(sip_clock_us() - L.t_begin) / 1e6;

	(void)arg;
	fprintf(stderr, "\r%s: %.0f s: %ld registered, %ld failed, %ld in "
	    "flight, %ld/s   ", progname, secs, L.ok, L.failed, L.inflight,
	    L.ok - L.last_ok);
	L.last_ok = L.ok;
	sip_loop_timer_in(L.env->loop, t, 1000);
}

void
load_start(const struct reg_env *env)
{
	L.env = env;
	snprintf(L.aor_tail, sizeof L.aor_tail, "@%.700s", L.domain);
	snprintf(L.contact_tail, sizeof L.contact_tail, "@%s:%d",
	    env->via_host, env->via_port);
	L.nslot = (int)lopt.concurrency;
	L.count = lopt.count > 0 ? lopt.count : lopt.duration > 0 ? 0 :
	    (long)L.nuser;
	L.nmemo = L.nuser < NMEMO ? L.nuser : NMEMO;
	L.memo = xcalloc(L.nmemo, sizeof(*L.memo));
	L.ntmpl = L.nuser < NTMPL ? L.nuser : NTMPL;
	L.tmpl = xcalloc(L.ntmpl, sizeof(*L.tmpl));
	L.slot = xcalloc((size_t)L.nslot, sizeof(*L.slot));
	L.free_slot = xcalloc((size_t)L.nslot, sizeof(*L.free_slot));
	for (int i = L.nslot; i-- > 0;)
		L.free_slot[L.nfree++] = i;
	L.t_begin = L.t_end = sip_clock_us();
	if (lopt.duration > 0)
		L.stop_at = sip_loop_now(env->loop) +
		    (uint64_t)(lopt.duration * 1000);
	sip_timer_init(&L.pump_timer, on_pump, NULL);
	sip_timer_init(&L.tick_timer, on_tick, NULL);
	L.tty = !quiet && isatty(2);
	if (L.tty)
		sip_loop_timer_in(env->loop, &L.tick_timer, 1000);
	if (L.stop_at != 0)
		sip_loop_timer_at(env->loop, &L.pump_timer, L.stop_at);
	pump();
}

void
load_stop(void)
{
	if (L.stopping++) {
		sip_loop_stop(L.env->loop, 0);
		return;
	}
	client_info("no more registrations started (again to quit at once)");
	done_check();
}

/* The summary: rate, round trips, percentiles, failures by status. */
static void
summary(void)
{
	double secs = (double)(L.t_end - L.t_begin) / 1e6;
	double rate = secs > 0 ? (double)L.ok / secs : 0;
	int any = 0;

	if (L.env->json) {
		struct jsonl l;
		struct json *j = &l.j;
		char k[32];

		jsonl_begin(&l);
		json_kstr(j, "type", "load");
		json_kint(j, "registered", L.ok);
		json_kint(j, "failed", L.failed);
		json_kint(j, "users", (int64_t)L.nuser);
		json_key(j, "seconds");
		json_dbl(j, secs, 3);
		json_key(j, "per_second");
		json_dbl(j, rate, 1);
		json_kint(j, "challenges", (int64_t)L.challenges);
		json_key(j, "p50_ms");
		json_dbl(j, percentile(0.50), 3);
		json_key(j, "p90_ms");
		json_dbl(j, percentile(0.90), 3);
		json_key(j, "p99_ms");
		json_dbl(j, percentile(0.99), 3);
		json_key(j, "failures");
		json_obj(j);
		for (int c = 0; c < 700; c++)
			if (L.fail_status[c]) {
				snprintf(k, sizeof k, "%d", c);
				json_kint(j, k, (int64_t)L.fail_status[c]);
			}
		for (int e = 0; e < SIP_ERR_COUNT; e++)
			if (L.fail_err[e])
				json_kint(j, sip_err_str((enum sip_err)e),
				    (int64_t)L.fail_err[e]);
		json_end(j);
		jsonl_end(&l);
		return;
	}
	printf("registered %ld, failed %ld in %.3f s: %.1f registrations/s\n",
	    L.ok, L.failed, secs, rate);
	printf("401/407 round trips: %lu (%.2f a registration)\n",
	    L.challenges, L.started ? (double)L.challenges /
	    (double)L.started : 0.0);
	printf("time to 200: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms\n",
	    percentile(0.50), percentile(0.90), percentile(0.99));
	for (int c = 0; c < 700; c++)
		if (L.fail_status[c]) {
			printf("%s %d %s: %lu", any++ ? "," : "failures:", c,
			    sip_status_reason(c), L.fail_status[c]);
		}
	for (int e = 0; e < SIP_ERR_COUNT; e++)
		if (L.fail_err[e])
			printf("%s %s: %lu", any++ ? "," : "failures:",
			    sip_err_str((enum sip_err)e), L.fail_err[e]);
	if (any)
		printf("\n");
}

int
load_exit(void)
{
	if (L.tty)
		fprintf(stderr, "\r\033[K");
	/* cut short (--timeout, a second Ctrl-C): those out did not end */
	if (L.inflight > 0) {
		L.failed += L.inflight;
		L.fail_err[SIP_E_TIMEOUT] += (unsigned long)L.inflight;
		L.t_end = sip_clock_us();
		if (L.first_exit == 0)
			L.first_exit = SIP_EXIT_TIMEOUT;
		L.inflight = 0;
	}
	summary();
	if (fflush(stdout) != 0)
		return SIP_EXIT_OUTPUT;
	return L.first_exit;
}

void
load_free(void)
{
	if (L.env == NULL)
		return;
	sip_loop_timer_stop(L.env->loop, &L.pump_timer);
	sip_loop_timer_stop(L.env->loop, &L.tick_timer);
	for (int i = 0; i < L.nslot; i++) {
		sip_ep_release(L.env->ep, &L.slot[i].c);
		sip_reg_release(&L.slot[i].reg);
		sip_build_tmpl_free(&L.slot[i].tmpl);
	}
	for (size_t i = 0; i < L.ntmpl; i++)
		sip_build_tmpl_free(&L.tmpl[i]);
	free(L.tmpl);
	free(L.slot);
	free(L.free_slot);
	if (L.memo != NULL)
		explicit_bzero(L.memo, L.nmemo * sizeof(*L.memo));
	free(L.memo);
	for (size_t i = 0; i < L.nuser; i++) {
		free(L.user[i].name);
		if (L.user[i].password != L.shared_pw) {
			explicit_bzero(L.user[i].password,
			    strlen(L.user[i].password));
			free(L.user[i].password);
		}
	}
	free(L.user);
	client_password_free(L.shared_pw);
}
