/*
 * loop.c - the reactor and its parts: the clock's substitute, the timer
 * heap (order, ties, changes from inside callbacks, 10,000 random
 * operations against its invariant) and the loop over socketpairs
 * (events dropped for watches gone in the same turn, write readiness,
 * signals through signalfd, one time per turn, run and stop).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "loop.h"
#include "timer.h"
#include "tap.h"

static uint64_t fake_us;	/* the fake clock */
static uint64_t fake_step;	/* added at every read */

static uint64_t
fake(void *arg)
{
	uint64_t v = fake_us;

	(void)arg;
	fake_us += fake_step;
	return v;
}

/* A log of what fired, in order. */
static char fired[256];
static size_t nfired;

static void
note(char c)
{
	if (nfired < sizeof(fired) - 1)
		fired[nfired++] = c;
	fired[nfired] = '\0';
}

static void
reset(void)
{
	nfired = 0;
	fired[0] = '\0';
}

struct tm_ctx {
	struct sip_loop	 *l;
	char		  name;
	struct sip_timer *other;	/* stopped or re-armed by this one */
	uint64_t	  rearm;	/* 0: stop other */
	uint64_t	  when;		/* sip_loop_now() when it fired */
};

static void
on_timer(struct sip_timer *t, void *arg)
{
	struct tm_ctx *c = arg;

	(void)t;
	note(c->name);
	c->when = c->l != NULL ? sip_loop_now(c->l) : 0;
	if (c->other != NULL && c->l != NULL) {
		if (c->rearm != 0)
			sip_loop_timer_at(c->l, c->other, c->rearm);
		else
			sip_loop_timer_stop(c->l, c->other);
	}
}

static void
test_clock(void)
{
	uint64_t a, b;

	sip_clock_set(fake, NULL);
	fake_us = 5000123;
	fake_step = 0;
	ok(sip_clock_us() == 5000123 && sip_clock_ms() == 5000,
	    "the fake clock replaces the real one (us and ms)");
	sip_clock_set(NULL, NULL);
	a = sip_clock_us();
	b = sip_clock_us();
	ok(b >= a && a > 5000123, "NULL restores CLOCK_MONOTONIC");
}

/* Timers at 30, 10, 20 and two at 40 fire in deadline order, ties in
 * start order, each exactly when the fake clock reaches its instant. */
static void
test_order(void)
{
	struct sip_loop *l;
	struct sip_timer t[5];
	struct tm_ctx c[5];
	const uint64_t at[5] = { 1030, 1010, 1020, 1040, 1040 };
	char when[64] = "";
	size_t w = 0;

	sip_clock_set(fake, NULL);
	fake_us = 1000 * 1000;
	fake_step = 0;
	l = sip_loop_new();
	reset();
	for (int i = 0; i < 5; i++) {
		c[i] = (struct tm_ctx){ .l = l, .name = (char)('a' + i) };
		sip_timer_init(&t[i], on_timer, &c[i]);
		sip_loop_timer_at(l, &t[i], at[i]);
	}
	for (uint64_t ms = 1000; ms <= 1045; ms++) {
		size_t before = nfired;

		fake_us = ms * 1000;
		sip_loop_once(l, 0);
		if (nfired != before)
			w += (size_t)snprintf(when + w, sizeof(when) - w,
			    "%s%llu:%s", w ? " " : "", (unsigned long long)ms,
			    fired + before);
	}
	ok(strcmp(fired, "bcade") == 0, "deadline order, ties by start: %s",
	    fired);
	ok(strcmp(when, "1010:b 1020:c 1030:a 1040:de") == 0,
	    "each at its instant: %s", when);
	ok(sip_loop_run(l) == 0, "run returns at once with nothing left");
	/* set up long after the last turn: delays count from the clock */
	fake_us = 9000 * 1000;
	sip_loop_timer_in(l, &t[0], 10);
	ok(t[0].at == 9010, "a timer set between turns counts from the "
	    "clock, not the last turn (%llu)", (unsigned long long)t[0].at);
	sip_loop_free(l);
	sip_clock_set(NULL, NULL);
}

/* One timer stops a second due in the same turn and re-arms a third. */
static void
test_from_callback(void)
{
	struct sip_loop *l;
	struct sip_timer a, b, c, d;
	struct tm_ctx ca, cb, cc, cd;

	sip_clock_set(fake, NULL);
	fake_us = 0;
	fake_step = 0;
	l = sip_loop_new();
	reset();
	ca = (struct tm_ctx){ .l = l, .name = 'a', .other = &b };
	cb = (struct tm_ctx){ .l = l, .name = 'b' };
	cc = (struct tm_ctx){ .l = l, .name = 'c', .other = &d, .rearm = 50 };
	cd = (struct tm_ctx){ .l = l, .name = 'd' };
	sip_timer_init(&a, on_timer, &ca);
	sip_timer_init(&b, on_timer, &cb);
	sip_timer_init(&c, on_timer, &cc);
	sip_timer_init(&d, on_timer, &cd);
	sip_loop_timer_at(l, &a, 10);
	sip_loop_timer_at(l, &b, 10);
	sip_loop_timer_at(l, &c, 20);
	sip_loop_timer_at(l, &d, 20);
	fake_us = 10000;
	sip_loop_once(l, 0);
	ok(strcmp(fired, "a") == 0 && !sip_timer_armed(&b),
	    "a timer stopped by one before it in the same turn does not fire");
	fake_us = 30000;
	sip_loop_once(l, 0);
	ok(strcmp(fired, "ac") == 0 && sip_timer_armed(&d) && d.at == 50,
	    "a due timer re-armed by another waits for its new instant");
	fake_us = 50000;
	sip_loop_once(l, 0);
	ok(strcmp(fired, "acd") == 0 && cd.when == 50,
	    "and fires then (%s at %llu)", fired,
	    (unsigned long long)cd.when);
	sip_loop_free(l);
	sip_clock_set(NULL, NULL);
}

static void
rearm_self(struct sip_timer *t, void *arg)
{
	struct sip_theap *h = arg;

	note('r');
	sip_theap_start(h, t, t->at);	/* due again at once */
}

/* A timer that re-arms itself at a past instant fires once per run. */
static void
test_self_rearm(void)
{
	struct sip_theap h;
	struct sip_timer t;
	size_t n1, n2;

	sip_theap_init(&h);
	reset();
	sip_timer_init(&t, rearm_self, &h);
	sip_theap_start(&h, &t, 5);
	n1 = sip_theap_run(&h, 10);
	n2 = sip_theap_run(&h, 10);
	ok(n1 == 1 && n2 == 1 && strcmp(fired, "rr") == 0 &&
	    sip_timer_armed(&t), "a timer re-armed due by itself fires once "
	    "a run, not forever");
	sip_theap_free(&h);
	ok(!sip_timer_armed(&t), "freeing the heap disarms what it held");
}

static int
heap_ok(const struct sip_theap *h)
{
	for (size_t i = 0; i < h->n; i++) {
		const struct sip_timer *p = h->v[i > 0 ? (i - 1) / 2 : 0];

		if (h->v[i]->idx != i + 1)
			return 0;
		if (i > 0 && (p->at > h->v[i]->at ||
		    (p->at == h->v[i]->at && p->seq > h->v[i]->seq)))
			return 0;
	}
	return 1;
}

static uint64_t last_at, last_seq;
static int order_ok;

static void
check_order(struct sip_timer *t, void *arg)
{
	(void)arg;
	if (t->at < last_at || (t->at == last_at && t->seq < last_seq))
		order_ok = 0;
	last_at = t->at;
	last_seq = t->seq;
}

/* 10,000 random starts, re-starts and stops keep the heap a heap, with
 * every timer knowing its place; draining it gives deadline order. */
static void
test_random(void)
{
	enum { N = 500, OPS = 10000 };
	struct sip_theap h;
	struct sip_timer *t = calloc(N, sizeof(*t));
	int good = 1, armed = 0;
	size_t n;

	srand(12);
	sip_theap_init(&h);
	for (int i = 0; i < N; i++)
		sip_timer_init(&t[i], check_order, NULL);
	for (int op = 0; op < OPS; op++) {
		struct sip_timer *x = &t[rand() % N];

		if (rand() % 3 == 0)
			sip_theap_stop(&h, x);
		else
			sip_theap_start(&h, x, (uint64_t)(rand() % 1000));
		if (op % 97 == 0 && !heap_ok(&h))
			good = 0;
	}
	for (int i = 0; i < N; i++)
		armed += sip_timer_armed(&t[i]);
	ok(good && heap_ok(&h) && h.n == (size_t)armed,
	    "heap order and places hold through %d random operations "
	    "(%zu armed)", OPS, h.n);
	order_ok = 1;
	last_at = last_seq = 0;
	n = sip_theap_run(&h, 1000);
	ok(order_ok && n == (size_t)armed && h.n == 0 &&
	    sip_theap_next(&h) == UINT64_MAX,
	    "draining fires all %zu in deadline order", n);
	sip_theap_free(&h);
	free(t);
}

/* fd callbacks */
struct fd_ctx {
	struct sip_loop	*l;
	char		 name;
	int		 other;		/* unwatched by this one, -1 none */
	unsigned	 ev;
	uint64_t	 when;
	int		 calls;
};

static void
on_fd(struct sip_loop *l, int fd, unsigned ev, void *arg)
{
	struct fd_ctx *c = arg;
	char b[64];

	c->calls++;
	c->ev = ev;
	c->when = sip_loop_now(l);
	note(c->name);
	if (ev & SIP_EV_READ)
		while (recv(fd, b, sizeof(b), MSG_DONTWAIT) > 0)
			;
	if (c->other >= 0)
		sip_loop_unwatch(l, c->other);
}

static void
pair(int sv[2])
{
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) != 0) {
		printf("Bail out! socketpair\n");
		exit(1);
	}
}

/* Two fds ready in one turn: whichever runs first unwatches the other,
 * which then is not called; again with the other fd closed and its
 * number reused by a new watch before the stale event comes up. */
static void
test_unwatch_pending(void)
{
	struct sip_loop *l = sip_loop_new();
	int a[2], b[2], c[2];
	struct fd_ctx ca, cb, cc;

	pair(a);
	pair(b);
	reset();
	ca = (struct fd_ctx){ .l = l, .name = 'a', .other = b[0] };
	cb = (struct fd_ctx){ .l = l, .name = 'b', .other = a[0] };
	sip_loop_watch(l, a[0], SIP_EV_READ, on_fd, &ca);
	sip_loop_watch(l, b[0], SIP_EV_READ, on_fd, &cb);
	write(a[1], "x", 1);
	write(b[1], "x", 1);
	ok(sip_loop_once(l, 1000) == 1 && ca.calls + cb.calls == 1,
	    "an fd unwatched by a callback is not called in the same turn "
	    "(%s)", fired);
	sip_loop_unwatch(l, a[0]);
	sip_loop_unwatch(l, b[0]);

	/* both ready; the first closes the other and a new watch takes its
	 * number, not yet ready: the old event must not reach it */
	reset();
	ca.calls = cb.calls = 0;
	ca.other = cb.other = -1;
	sip_loop_watch(l, a[0], SIP_EV_READ, on_fd, &ca);
	sip_loop_watch(l, b[0], SIP_EV_READ, on_fd, &cb);
	write(a[1], "x", 1);
	write(b[1], "x", 1);
	{
		int n;

		cc = (struct fd_ctx){ .l = l, .name = 'c', .other = -1 };
		/* replace by hand, as a callback would: unwatch both,
		 * close b, reuse its number, watch a fresh idle socket */
		sip_loop_unwatch(l, b[0]);
		close(b[0]);
		pair(c);
		if (c[0] != b[0]) {
			dup2(c[0], b[0]);
			close(c[0]);
			c[0] = b[0];
		}
		sip_loop_watch(l, c[0], SIP_EV_READ, on_fd, &cc);
		n = sip_loop_once(l, 200);
		ok(n == 1 && ca.calls == 1 && cc.calls == 0,
		    "a watch set again on a reused fd is not called for the "
		    "old one's readiness (%s)", fired);
	}
	sip_loop_unwatch(l, a[0]);
	sip_loop_unwatch(l, c[0]);
	close(a[0]); close(a[1]); close(b[1]); close(c[0]); close(c[1]);
	sip_loop_free(l);
}

/* The same, with the old event already collected in the events array:
 * a's callback replaces b's watch while b's event is pending. */
struct swap_ctx {
	int		 victim, spare[2];
	struct fd_ctx	*fresh;
	int		 calls;
};

static void
on_swap(struct sip_loop *l, int fd, unsigned ev, void *arg)
{
	struct swap_ctx *s = arg;
	char b[8];

	(void)ev;
	s->calls++;
	while (recv(fd, b, sizeof(b), MSG_DONTWAIT) > 0)
		;
	if (s->calls > 1)
		return;
	sip_loop_unwatch(l, s->victim);
	dup2(s->spare[0], s->victim);	/* same number, a new socket */
	sip_loop_watch(l, s->victim, SIP_EV_READ, on_fd, s->fresh);
}

static void
test_replace_in_turn(void)
{
	struct sip_loop *l = sip_loop_new();
	int a[2], b[2], spare[2];
	struct swap_ctx sa, sb;
	struct fd_ctx fa = { .l = l, .name = 'A', .other = -1 };
	struct fd_ctx fb = { .l = l, .name = 'B', .other = -1 };

	pair(a);
	pair(b);
	pair(spare);
	reset();
	sa = (struct swap_ctx){ .victim = b[0], .fresh = &fb };
	sb = (struct swap_ctx){ .victim = a[0], .fresh = &fa };
	memcpy(sa.spare, spare, sizeof(spare));
	memcpy(sb.spare, spare, sizeof(spare));
	sip_loop_watch(l, a[0], SIP_EV_READ, on_swap, &sa);
	sip_loop_watch(l, b[0], SIP_EV_READ, on_swap, &sb);
	write(a[1], "x", 1);
	write(b[1], "x", 1);
	sip_loop_once(l, 1000);
	ok(sa.calls + sb.calls == 1 && fa.calls == 0 && fb.calls == 0,
	    "an event pending for a watch replaced in the same turn reaches "
	    "neither the old nor the new callback");
	sip_loop_unwatch(l, a[0]);
	sip_loop_unwatch(l, b[0]);
	close(a[0]); close(a[1]); close(b[0]); close(b[1]);
	close(spare[0]); close(spare[1]);
	sip_loop_free(l);
}

static void
on_write(struct sip_loop *l, int fd, unsigned ev, void *arg)
{
	struct fd_ctx *c = arg;
	static char big[65536];

	c->calls++;
	c->ev |= ev;
	if (ev & SIP_EV_WRITE)
		while (send(fd, big, sizeof(big), MSG_DONTWAIT) > 0)
			;	/* fill it up */
	if (c->calls >= 2)
		sip_loop_unwatch(l, fd);
}

/* A write watch fires on a writable socket, then not while it is full,
 * then again when the peer drains it. */
static void
test_write(void)
{
	struct sip_loop *l = sip_loop_new();
	int a[2];
	struct fd_ctx c = { .l = l, .name = 'w', .other = -1 };
	char b[65536];
	int n1, n2, n3;

	pair(a);
	sip_loop_watch(l, a[0], SIP_EV_WRITE, on_write, &c);
	n1 = sip_loop_once(l, 1000);
	n2 = sip_loop_once(l, 50);
	while (recv(a[1], b, sizeof(b), MSG_DONTWAIT) > 0)
		;
	n3 = sip_loop_once(l, 1000);
	ok(n1 == 1 && (c.ev & SIP_EV_WRITE) && n2 == 0 && n3 == 1 &&
	    c.calls == 2, "a write watch fires when writable, not when full, "
	    "again once drained (%d %d %d)", n1, n2, n3);
	ok(sip_loop_run(l) == 0, "run returns 0 when the last watch is gone");
	close(a[0]);
	close(a[1]);
	sip_loop_free(l);
}

/* Changing a watch's events from its own callback. */
static void
on_flip(struct sip_loop *l, int fd, unsigned ev, void *arg)
{
	struct fd_ctx *c = arg;

	c->calls++;
	c->ev = ev;
	if (ev & SIP_EV_READ)
		sip_loop_watch(l, fd, SIP_EV_WRITE, on_flip, c);
	else
		sip_loop_watch(l, fd, 0, on_flip, c);
}

static void
test_modify(void)
{
	struct sip_loop *l = sip_loop_new();
	int a[2], n;
	struct fd_ctx c = { .l = l, .name = 'm', .other = -1 };

	pair(a);
	write(a[1], "x", 1);
	sip_loop_watch(l, a[0], SIP_EV_READ, on_flip, &c);
	sip_loop_once(l, 1000);
	ok(c.calls == 1 && c.ev == SIP_EV_READ, "read first");
	sip_loop_once(l, 1000);
	ok(c.calls == 2 && c.ev == SIP_EV_WRITE,
	    "then write, after the callback changed its watch");
	n = sip_loop_once(l, 20);
	ok(c.calls == 2 && n == 0,
	    "a watch for no events stays quiet though the fd is ready");
	ok(sip_loop_run(l) == 0, "and does not keep run going");
	sip_loop_unwatch(l, a[0]);
	close(a[0]);
	close(a[1]);
	sip_loop_free(l);
}

/* The peer goes away: a read watch hears of it. */
static void
test_hangup(void)
{
	struct sip_loop *l = sip_loop_new();
	int a[2];
	struct fd_ctx c = { .l = l, .name = 'h', .other = -1 };

	pair(a);
	close(a[1]);
	sip_loop_watch(l, a[0], SIP_EV_READ, on_fd, &c);
	sip_loop_once(l, 1000);
	ok(c.calls == 1 && (c.ev & (SIP_EV_READ | SIP_EV_ERROR)),
	    "a closed peer wakes a read watch (ev %#x)", c.ev);
	sip_loop_unwatch(l, a[0]);
	close(a[0]);
	sip_loop_free(l);
}

/* A regular file cannot be in an epoll set; like poll(2) it is ready. */
static void
test_regular_file(void)
{
	struct sip_loop *l = sip_loop_new();
	struct fd_ctx c = { .l = l, .name = 'f', .other = -1 };
	enum sip_err e;
	int rf = open("/proc/self/exe", O_RDONLY);

	e = sip_loop_watch(l, rf, SIP_EV_READ, on_fd, &c);
	sip_loop_once(l, 5000);
	ok(e == SIP_OK && c.calls == 1,
	    "a regular file's watch is always ready");
	sip_loop_unwatch(l, rf);
	close(rf);
	sip_loop_free(l);
}

/* sip_loop_now() is one value through a turn while the clock moves. */
static void
test_now(void)
{
	struct sip_loop *l;
	int a[2], b[2];
	struct fd_ctx ca, cb;
	struct sip_timer t;
	struct tm_ctx ct;

	sip_clock_set(fake, NULL);
	fake_us = 7000000;
	fake_step = 1500;	/* 1.5 ms a read */
	l = sip_loop_new();
	pair(a);
	pair(b);
	ca = (struct fd_ctx){ .l = l, .name = 'a', .other = -1 };
	cb = (struct fd_ctx){ .l = l, .name = 'b', .other = -1 };
	ct = (struct tm_ctx){ .l = l, .name = 't' };
	sip_timer_init(&t, on_timer, &ct);
	sip_loop_watch(l, a[0], SIP_EV_READ, on_fd, &ca);
	sip_loop_watch(l, b[0], SIP_EV_READ, on_fd, &cb);
	sip_loop_timer_at(l, &t, 7000);
	write(a[1], "x", 1);
	write(b[1], "x", 1);
	sip_loop_once(l, 1000);
	ok(ca.calls == 1 && cb.calls == 1 && ct.when != 0 &&
	    ca.when == cb.when && cb.when == ct.when &&
	    sip_loop_now(l) == ca.when,
	    "sip_loop_now() is the same in every callback of a turn (%llu)",
	    (unsigned long long)ca.when);
	ok(sip_loop_update(l) > ca.when, "sip_loop_update() reads again");
	sip_loop_unwatch(l, a[0]);
	sip_loop_unwatch(l, b[0]);
	close(a[0]); close(a[1]); close(b[0]); close(b[1]);
	sip_loop_free(l);
	sip_clock_set(NULL, NULL);
}

static int got_sig;

static void
on_sig(struct sip_loop *l, int signo, void *arg)
{
	got_sig = signo;
	sip_loop_stop(l, *(int *)arg);
}

static void
test_signal(void)
{
	struct sip_loop *l = sip_loop_new();
	struct sip_timer t;
	struct tm_ctx ct = { .l = l, .name = 's' };
	sigset_t m;
	int status = 42, r;

	sip_loop_signal(l, SIGUSR1, on_sig, &status);
	sigprocmask(SIG_BLOCK, NULL, &m);
	ok(sigismember(&m, SIGUSR1), "a signal taken by the loop is blocked");
	raise(SIGUSR1);
	/* a far timer keeps run turning; the signal must stop it first */
	sip_timer_init(&t, on_timer, &ct);
	sip_loop_timer_in(l, &t, 10000);
	r = sip_loop_run(l);
	ok(got_sig == SIGUSR1 && r == 42,
	    "raise() arrives as a callback; run returns stop's status %d", r);
	ok(sip_loop_once(l, 0) == -1 && sip_loop_stopped(l),
	    "once says -1 after a stop");
	sip_loop_signal(l, SIGUSR1, NULL, NULL);
	sigprocmask(SIG_BLOCK, NULL, &m);
	ok(!sigismember(&m, SIGUSR1), "cb NULL unblocks it again");
	sip_loop_signal(l, SIGUSR2, on_sig, &status);
	sip_loop_free(l);
	sigprocmask(SIG_BLOCK, NULL, &m);
	ok(!sigismember(&m, SIGUSR2), "freeing the loop restores the mask");
}

/* A blocking wrapper: sip_loop_once() from inside a callback. */
struct nest_ctx {
	int		 inner_fd;
	int		 inner_calls, ran;
};

static void
on_inner(struct sip_loop *l, int fd, unsigned ev, void *arg)
{
	struct nest_ctx *n = arg;
	char b[8];

	(void)l;
	(void)ev;
	n->inner_calls++;
	while (recv(fd, b, sizeof(b), MSG_DONTWAIT) > 0)
		;
}

static void
on_outer(struct sip_loop *l, int fd, unsigned ev, void *arg)
{
	struct nest_ctx *n = arg;
	char b[8];

	(void)ev;
	while (recv(fd, b, sizeof(b), MSG_DONTWAIT) > 0)
		;
	while (n->inner_calls == 0 && n->ran++ < 10)
		sip_loop_once(l, 100);
	sip_loop_unwatch(l, fd);
	sip_loop_unwatch(l, n->inner_fd);
}

static void
test_nested(void)
{
	struct sip_loop *l = sip_loop_new();
	int a[2], b[2];
	struct nest_ctx n = { 0 };

	pair(a);
	pair(b);
	n.inner_fd = b[0];
	sip_loop_watch(l, a[0], SIP_EV_READ, on_outer, &n);
	sip_loop_watch(l, b[0], SIP_EV_READ, on_inner, &n);
	write(a[1], "x", 1);
	write(b[1], "x", 1);
	ok(sip_loop_run(l) == 0 && n.inner_calls == 1,
	    "sip_loop_once() inside a callback runs the others' callbacks");
	close(a[0]); close(a[1]); close(b[0]); close(b[1]);
	sip_loop_free(l);
}

/* The blocking wrapper: ready, timed out, on a kept loop and on none. */
static void
test_wait_fd(void)
{
	struct sip_loop *l = sip_loop_new();
	int a[2], r1, r2, r3, r4;
	uint64_t t0, waited;
	char b[8];

	pair(a);
	t0 = sip_clock_ms();
	r1 = sip_loop_wait_fd(l, a[0], SIP_EV_READ, t0 + 30);
	waited = sip_clock_ms() - t0;
	write(a[1], "x", 1);
	r2 = sip_loop_wait_fd(l, a[0], SIP_EV_READ, sip_clock_ms() + 1000);
	r3 = sip_loop_wait_fd(NULL, a[0], SIP_EV_READ, sip_clock_ms() + 1000);
	r4 = sip_loop_wait_fd(l, a[0], SIP_EV_WRITE, sip_clock_ms() + 1000);
	ok(r1 == 0 && waited >= 30 && waited < 1000 && r2 == 1 && r3 == 1 &&
	    r4 == 1, "sip_loop_wait_fd: 0 at the deadline (%llu ms), 1 when "
	    "ready, on a kept loop or a new one, for reading or writing",
	    (unsigned long long)waited);
	/* the kept watch's callback outlives the wait harmlessly */
	ok(sip_loop_once(l, 0) >= 0, "a turn of the kept loop afterwards "
	    "touches nothing of the finished wait");
	recv(a[0], b, sizeof(b), 0);
	close(a[1]);
	ok(sip_loop_wait_fd(l, a[0], SIP_EV_READ, sip_clock_ms() + 1000) == 1,
	    "a hang-up ends a wait");
	sip_loop_unwatch(l, a[0]);
	close(a[0]);
	ok(sip_loop_wait_fd(l, a[0], SIP_EV_READ, sip_clock_ms() + 10) == -1,
	    "a closed fd cannot be waited on");
	sip_loop_free(l);
}

int
main(void)
{
	test_clock();
	test_order();
	test_from_callback();
	test_self_rearm();
	test_random();
	test_unwatch_pending();
	test_replace_in_turn();
	test_write();
	test_modify();
	test_hangup();
	test_regular_file();
	test_now();
	test_signal();
	test_nested();
	test_wait_fd();
	return done();
}
