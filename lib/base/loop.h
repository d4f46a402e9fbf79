/*
 * loop.h - the reactor: the one place that waits (epoll), for every
 * long-running applet.
 *
 * One loop per process owns every watched fd, every timer and the
 * signals the applet asks for.  Callbacks run from sip_loop_run(); the
 * time is read once per turn (sip_clock_ms) and cached, so a callback
 * asks sip_loop_now() instead of the clock.  Nothing here blocks except
 * the wait itself.
 */
#ifndef SIPBOX_LOOP_H
#define SIPBOX_LOOP_H

#include <stdint.h>

#include "err.h"
#include "timer.h"

#define SIP_EV_READ	0x1
#define SIP_EV_WRITE	0x2
#define SIP_EV_ERROR	0x4	/* hang-up or error; delivered whatever was asked */

struct sip_loop;
typedef void	sip_fd_cb(struct sip_loop *l, int fd, unsigned ev, void *arg);
typedef void	sip_sig_cb(struct sip_loop *l, int signo, void *arg);

/* A new loop, or NULL (errno set). */
struct sip_loop	*sip_loop_new(void);
/* Frees the loop; fds are the caller's and stay open. */
void		 sip_loop_free(struct sip_loop *l);

/*
 * Watch fd for ev (SIP_EV_READ | SIP_EV_WRITE); calling it again for the
 * same fd changes the events and the callback; ev 0 keeps the fd known
 * but asks for nothing.  Level-triggered.
 */
enum sip_err	 sip_loop_watch(struct sip_loop *l, int fd, unsigned ev,
		    sip_fd_cb *cb, void *arg);
/* Forget fd (before closing it).  Safe from inside any callback. */
void		 sip_loop_unwatch(struct sip_loop *l, int fd);

/*
 * Timers: absolute ms, or delay ms after this turn's time (after the
 * clock's, when called outside a turn).
 */
enum sip_err	 sip_loop_timer_at(struct sip_loop *l, struct sip_timer *t,
		    uint64_t at_ms);
enum sip_err	 sip_loop_timer_in(struct sip_loop *l, struct sip_timer *t,
		    uint64_t delay_ms);
void		 sip_loop_timer_stop(struct sip_loop *l, struct sip_timer *t);

/*
 * Deliver signo through the loop (signalfd; the signal is blocked for
 * the process); cb NULL restores the default.
 */
enum sip_err	 sip_loop_signal(struct sip_loop *l, int signo,
		    sip_sig_cb *cb, void *arg);

/*
 * For a fast path that waits in a read beside the loop (lib/tpset's
 * sip_tps_udp_wait): whether the n fds are all the loop would wait for
 * (each watched, no other fd, no signal), and the earliest timer (ms,
 * UINT64_MAX for none).
 */
int		 sip_loop_only_fds(const struct sip_loop *l, const int *fds,
		    int n);
uint64_t	 sip_loop_next_timer(const struct sip_loop *l);

/*
 * The time of this turn, ms and us (the clock read when the wait
 * returned, or by the last sip_loop_update).
 */
uint64_t	 sip_loop_now(const struct sip_loop *l);
uint64_t	 sip_loop_now_us(const struct sip_loop *l);
/*
 * Read the clock again (after long work inside a callback, or where a
 * time must be exact: a request's send, a datagram's arrival); returns
 * ms and us.
 */
uint64_t	 sip_loop_update(struct sip_loop *l);
uint64_t	 sip_loop_update_us(struct sip_loop *l);

/*
 * Run turns until sip_loop_stop(), or until no fd is watched and no
 * timer armed.  Returns the status given to sip_loop_stop(), else 0.
 */
int		 sip_loop_run(struct sip_loop *l);
/*
 * One turn: wait at most max_ms (-1: until something happens), run what
 * is ready and due.  For blocking wrappers around the loop.  Returns the
 * number of callbacks run, or -1 once stopped.
 */
int		 sip_loop_once(struct sip_loop *l, int max_ms);
void		 sip_loop_stop(struct sip_loop *l, int status);
int		 sip_loop_stopped(const struct sip_loop *l);

/*
 * The smallest blocking wrapper: wait until fd is ready for ev
 * (SIP_EV_READ or SIP_EV_WRITE; an error or hang-up counts) or the clock
 * reaches deadline_ms, running l's other callbacks meanwhile.  l is a
 * private loop the caller keeps for its blocking calls (one per
 * connection, say): a wait then costs one epoll_wait, as poll(2) would.
 * fd stays watched on l, idle, for the next wait: unwatch it before
 * closing it.  NULL makes a loop for this one wait (about 10 us more).
 * 1 ready, 0 timed out, -1 no loop could be made or fd cannot be
 * watched (errno set).
 */
int		 sip_loop_wait_fd(struct sip_loop *l, int fd, unsigned ev,
		    uint64_t deadline_ms);

#endif
