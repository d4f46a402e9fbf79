/*
 * loop.c - the reactor: epoll(7) for fds, the timer heap for deadlines,
 * signalfd(2) for signals, one clock read per turn.
 *
 * Each watched fd has a slot in a table indexed by the fd.  The slot's
 * generation travels in the epoll event (fd in the low 32 bits), so an
 * event collected for a watch that a callback earlier in the same turn
 * removed, or removed and set again, is recognised and dropped.  Nothing
 * is allocated per turn: the events array lives in the loop.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "clock.h"
#include "loop.h"

#define NEVENTS		64	/* epoll events taken per wait */
#define NESTED_EVENTS	8	/* ... by a sip_loop_once() inside a callback */

struct watch {
	sip_fd_cb	*cb;
	void		*arg;
	uint32_t	 gen;
	unsigned	 ev;		/* asked for; 0 with cb set: known, idle */
	unsigned	 on:1;		/* watched */
	unsigned	 polled:1;	/* in the epoll set */
	unsigned	 always:1;	/* a regular file: epoll refuses, always ready */
	unsigned	 internal:1;	/* the loop's own (signalfd) */
};

struct sig {
	sip_sig_cb	*cb;
	void		*arg;
};

struct sip_loop {
	int		 ep;
	struct watch	*w;		/* indexed by fd */
	int		 nw;
	int		 nlive;		/* watches asking for events, not internal */
	int		 nalways;
	struct sip_theap timers;
	uint64_t	 now;		/* ms: now_us / 1000 */
	uint64_t	 now_us;
	int		 stopped, status;
	int		 depth;		/* sip_loop_once() calls under way */
	/* signals */
	int		 sfd;
	sigset_t	 sigs;		/* delivered through sfd */
	sigset_t	 oldmask;	/* the process's mask before the first */
	int		 nsig;
	struct sig	 sig[_NSIG];
	struct epoll_event ev[NEVENTS];
};

static uint64_t
ev_data(int fd, uint32_t gen)
{
	return (uint64_t)gen << 32 | (uint32_t)fd;
}

static uint32_t
to_epoll(unsigned ev)
{
	return (ev & SIP_EV_READ ? EPOLLIN | EPOLLRDHUP : 0) |
	    (ev & SIP_EV_WRITE ? EPOLLOUT : 0);
}

static unsigned
from_epoll(uint32_t e)
{
	return (e & (EPOLLIN | EPOLLPRI | EPOLLRDHUP) ? SIP_EV_READ : 0) |
	    (e & EPOLLOUT ? SIP_EV_WRITE : 0) |
	    (e & (EPOLLERR | EPOLLHUP) ? SIP_EV_ERROR : 0);
}

static int
live(const struct watch *w)
{
	return w->on && w->ev != 0 && !w->internal;
}

/* Count w in (sign 1) or out of (-1) the watches that keep us turning. */
static void
account(struct sip_loop *l, const struct watch *w, int sign)
{
	if (live(w))
		l->nlive += sign;
	if (w->on && w->ev != 0 && w->always)
		l->nalways += sign;
}

static int
grow(struct sip_loop *l, int fd)
{
	int n = l->nw ? l->nw : 16;
	struct watch *w;

	while (n <= fd)
		n *= 2;
	if ((w = realloc(l->w, (size_t)n * sizeof(*w))) == NULL)
		return -1;
	memset(w + l->nw, 0, (size_t)(n - l->nw) * sizeof(*w));
	l->w = w;
	l->nw = n;
	return 0;
}

struct sip_loop *
sip_loop_new(void)
{
	struct sip_loop *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	if ((l->ep = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		free(l);
		return NULL;
	}
	l->sfd = -1;
	sigemptyset(&l->sigs);
	sip_theap_init(&l->timers);
	sip_loop_update_us(l);
	return l;
}

void
sip_loop_free(struct sip_loop *l)
{
	if (l == NULL)
		return;
	if (l->sfd >= 0) {
		close(l->sfd);
		sigprocmask(SIG_SETMASK, &l->oldmask, NULL);
	}
	close(l->ep);
	sip_theap_free(&l->timers);
	free(l->w);
	free(l);
}

/* Bring fd's epoll registration in line with what its watch asks. */
static enum sip_err
sync_fd(struct sip_loop *l, int fd)
{
	struct watch *w = &l->w[fd];
	struct epoll_event e = { .events = to_epoll(w->ev),
	    .data.u64 = ev_data(fd, w->gen) };
	int want = w->on && w->ev != 0 && !w->always;

	if (!want) {
		if (w->polled)
			epoll_ctl(l->ep, EPOLL_CTL_DEL, fd, NULL);
		w->polled = 0;
		return SIP_OK;
	}
	if (epoll_ctl(l->ep, w->polled ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd,
	    &e) == 0) {
		w->polled = 1;
		return SIP_OK;
	}
	if (errno == EPERM && !w->polled) {
		/* a regular file or the like: poll(2) calls it always ready */
		w->always = 1;
		return SIP_OK;
	}
	return errno == ENOMEM ? SIP_E_NOMEM : SIP_E_SYS;
}

static void
forget(struct sip_loop *l, int fd)
{
	struct watch *w = &l->w[fd];

	if (!w->on)
		return;
	account(l, w, -1);
	w->on = 0;
	w->ev = 0;
	sync_fd(l, fd);
	w->always = w->internal = 0;
	w->cb = NULL;
	w->arg = NULL;
	w->gen++;
}

static enum sip_err
watch(struct sip_loop *l, int fd, unsigned ev, sip_fd_cb *cb, void *arg,
    int internal)
{
	struct watch *w;
	enum sip_err e;

	if (fd < 0 || cb == NULL)
		return SIP_E_INVAL;
	if (fd >= l->nw && grow(l, fd) != 0)
		return SIP_E_NOMEM;
	w = &l->w[fd];
	if (w->on && w->ev == (ev & (SIP_EV_READ | SIP_EV_WRITE)) &&
	    w->internal == (unsigned)internal) {
		w->cb = cb;	/* the same events: no system call */
		w->arg = arg;
		return SIP_OK;
	}
	if (!w->on) {
		w->gen++;
		w->on = 1;
	}
	account(l, w, -1);
	w->ev = ev & (SIP_EV_READ | SIP_EV_WRITE);
	w->cb = cb;
	w->arg = arg;
	w->internal = internal;
	if ((e = sync_fd(l, fd)) != SIP_OK) {
		w->ev = 0;
		forget(l, fd);
		return e;
	}
	account(l, w, 1);
	return SIP_OK;
}

enum sip_err
sip_loop_watch(struct sip_loop *l, int fd, unsigned ev, sip_fd_cb *cb,
    void *arg)
{
	return watch(l, fd, ev, cb, arg, 0);
}

void
sip_loop_unwatch(struct sip_loop *l, int fd)
{
	if (fd >= 0 && fd < l->nw)
		forget(l, fd);
}

enum sip_err
sip_loop_timer_at(struct sip_loop *l, struct sip_timer *t, uint64_t at_ms)
{
	return sip_theap_start(&l->timers, t, at_ms) == 0 ? SIP_OK :
	    SIP_E_NOMEM;
}

enum sip_err
sip_loop_timer_in(struct sip_loop *l, struct sip_timer *t, uint64_t delay_ms)
{
	/* between turns the cached time may be old: setting up takes time */
	if (l->depth == 0)
		sip_loop_update(l);
	return sip_loop_timer_at(l, t, l->now + delay_ms);
}

void
sip_loop_timer_stop(struct sip_loop *l, struct sip_timer *t)
{
	sip_theap_stop(&l->timers, t);
}

/* The signalfd is readable: one callback per signal taken. */
static void
on_signal(struct sip_loop *l, int fd, unsigned ev, void *arg)
{
	struct signalfd_siginfo si;

	(void)ev;
	(void)arg;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		int s = (int)si.ssi_signo;

		if (s > 0 && s < _NSIG && l->sig[s].cb != NULL)
			l->sig[s].cb(l, s, l->sig[s].arg);
		if (l->stopped || l->sfd != fd)
			break;
	}
}

enum sip_err
sip_loop_signal(struct sip_loop *l, int signo, sip_sig_cb *cb, void *arg)
{
	sigset_t one;
	int fd;

	if (signo <= 0 || signo >= _NSIG || signo == SIGKILL ||
	    signo == SIGSTOP)
		return SIP_E_INVAL;
	sigemptyset(&one);
	sigaddset(&one, signo);
	if (cb == NULL) {
		if (l->sig[signo].cb == NULL)
			return SIP_OK;
		l->sig[signo].cb = NULL;
		sigdelset(&l->sigs, signo);
		l->nsig--;
		if (l->sfd >= 0)
			signalfd(l->sfd, &l->sigs, 0);
		/* the default again, unless it was blocked before we came */
		if (!sigismember(&l->oldmask, signo))
			sigprocmask(SIG_UNBLOCK, &one, NULL);
		return SIP_OK;
	}
	if (l->sfd < 0)
		sigprocmask(SIG_BLOCK, NULL, &l->oldmask);
	/* blocked first, or one arriving in between would kill us */
	if (sigprocmask(SIG_BLOCK, &one, NULL) != 0)
		return SIP_E_SYS;
	sigaddset(&l->sigs, signo);
	fd = signalfd(l->sfd, &l->sigs, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0) {
		sigdelset(&l->sigs, signo);
		if (!sigismember(&l->oldmask, signo))
			sigprocmask(SIG_UNBLOCK, &one, NULL);
		return SIP_E_SYS;
	}
	if (l->sfd < 0) {
		enum sip_err e = watch(l, fd, SIP_EV_READ, on_signal, NULL, 1);

		if (e != SIP_OK) {
			close(fd);
			sigdelset(&l->sigs, signo);
			sigprocmask(SIG_SETMASK, &l->oldmask, NULL);
			return e;
		}
		l->sfd = fd;
	}
	if (l->sig[signo].cb == NULL)
		l->nsig++;
	l->sig[signo].cb = cb;
	l->sig[signo].arg = arg;
	return SIP_OK;
}

int
sip_loop_only_fds(const struct sip_loop *l, const int *fds, int n)
{
	if (l->nlive != n || l->nsig != 0 || l->nalways != 0)
		return 0;
	for (int i = 0; i < n; i++)
		if (fds[i] < 0 || fds[i] >= l->nw || !l->w[fds[i]].on ||
		    l->w[fds[i]].ev == 0)
			return 0;
	return 1;
}

uint64_t
sip_loop_next_timer(const struct sip_loop *l)
{
	return sip_theap_next(&l->timers);
}

uint64_t
sip_loop_now(const struct sip_loop *l)
{
	return l->now;
}

uint64_t
sip_loop_now_us(const struct sip_loop *l)
{
	return l->now_us;
}

uint64_t
sip_loop_update(struct sip_loop *l)
{
	sip_loop_update_us(l);
	return l->now;
}

uint64_t
sip_loop_update_us(struct sip_loop *l)
{
	l->now_us = sip_clock_us();
	l->now = l->now_us / 1000;
	return l->now_us;
}

/* How long the wait may last: max_ms, shortened by the next deadline. */
static int
wait_ms(const struct sip_loop *l, int max_ms)
{
	uint64_t next = sip_theap_next(&l->timers);
	uint64_t d;

	if (l->nalways > 0)
		return 0;
	if (next == UINT64_MAX)
		return max_ms;
	d = next > l->now ? next - l->now : 0;
	if (d > INT32_MAX)
		d = INT32_MAX;
	return max_ms >= 0 && (uint64_t)max_ms < d ? max_ms : (int)d;
}

/* Hand one collected event to its watch, if it is still the same watch. */
static int
dispatch(struct sip_loop *l, uint64_t data, unsigned ev)
{
	int fd = (int)(uint32_t)data;
	struct watch *w;

	if (fd >= l->nw)
		return 0;
	w = &l->w[fd];
	if (!w->on || w->gen != (uint32_t)(data >> 32))
		return 0;	/* unwatched earlier in this turn */
	ev &= w->ev | SIP_EV_ERROR;
	if (ev == 0)
		return 0;	/* no longer asked for */
	w->cb(l, fd, ev, w->arg);
	return 1;
}

int
sip_loop_once(struct sip_loop *l, int max_ms)
{
	struct epoll_event nested[NESTED_EVENTS];
	struct epoll_event *evs = l->depth > 0 ? nested : l->ev;
	int cap = l->depth > 0 ? NESTED_EVENTS : NEVENTS;
	int n, ran = 0;

	if (l->stopped)
		return -1;
	if (max_ms < 0 && l->nlive == 0 && l->nsig == 0 &&
	    l->timers.n == 0)
		return 0;	/* nothing could ever wake us */
	l->depth++;
	n = epoll_wait(l->ep, evs, cap, wait_ms(l, max_ms));
	sip_loop_update_us(l);
	for (int i = 0; i < n && !l->stopped; i++)
		ran += dispatch(l, evs[i].data.u64, from_epoll(evs[i].events));
	for (int fd = 0; l->nalways > 0 && fd < l->nw && !l->stopped; fd++)
		if (l->w[fd].on && l->w[fd].always && l->w[fd].ev != 0)
			ran += dispatch(l, ev_data(fd, l->w[fd].gen),
			    l->w[fd].ev);
	if (!l->stopped)
		ran += (int)sip_theap_run(&l->timers, l->now);
	l->depth--;
	return l->stopped ? -1 : ran;
}

int
sip_loop_run(struct sip_loop *l)
{
	l->stopped = 0;
	l->status = 0;
	while (l->nlive > 0 || l->timers.n > 0)
		if (sip_loop_once(l, -1) < 0)
			return l->status;
	return 0;
}

void
sip_loop_stop(struct sip_loop *l, int status)
{
	l->stopped = 1;
	l->status = status;
}

int
sip_loop_stopped(const struct sip_loop *l)
{
	return l->stopped;
}

static void
on_ready(struct sip_loop *l, int fd, unsigned ev, void *arg)
{
	(void)l;
	(void)fd;
	if (arg != NULL)
		*(unsigned *)arg = ev;
}

int
sip_loop_wait_fd(struct sip_loop *l, int fd, unsigned ev,
    uint64_t deadline_ms)
{
	struct sip_loop *own = NULL;
	unsigned got = 0;

	if (l == NULL && (l = own = sip_loop_new()) == NULL)
		return -1;
	if (sip_loop_watch(l, fd, ev, on_ready, &got) != SIP_OK) {
		sip_loop_free(own);
		errno = EBADF;
		return -1;
	}
	sip_loop_update(l);
	while (got == 0 && l->now < deadline_ms && !l->stopped) {
		uint64_t left = deadline_ms - l->now;

		sip_loop_once(l, left > INT32_MAX ? INT32_MAX : (int)left);
	}
	if (own != NULL)
		sip_loop_free(own);
	else if (l->w[fd].cb == on_ready)
		l->w[fd].arg = NULL;	/* got is going away */
	return got != 0;
}
