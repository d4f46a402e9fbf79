/*
 * timer.h - a binary min-heap of intrusive timers, O(log n) to start,
 * stop and fire.  No clock, no I/O: the owner (the loop, or a table of
 * transactions) says what time it is.
 */
#ifndef SIPBOX_TIMER_H
#define SIPBOX_TIMER_H

#include <stddef.h>
#include <stdint.h>

struct sip_timer;
typedef void	sip_timer_cb(struct sip_timer *t, void *arg);

/* Embed one in the object it times; zero it or sip_timer_init() it. */
struct sip_timer {
	uint64_t	 at;		/* absolute deadline, ms */
	size_t		 idx;		/* place in the heap + 1; 0: not armed */
	sip_timer_cb	*cb;
	void		*arg;
	uint64_t	 seq;		/* the heap's: equal deadlines fire in start order */
};

struct sip_theap {
	struct sip_timer **v;
	size_t		   n, cap;
	uint64_t	   seq;		/* starts so far */
};

void	sip_timer_init(struct sip_timer *t, sip_timer_cb *cb, void *arg);
int	sip_timer_armed(const struct sip_timer *t);

void	sip_theap_init(struct sip_theap *h);
void	sip_theap_free(struct sip_theap *h);
/* Room for n timers, so that starting up to n fails no more; -1 no memory. */
int	sip_theap_reserve(struct sip_theap *h, size_t n);
/* Arm (or re-arm) t at absolute ms; SIP_E_NOMEM-style -1 on allocation failure. */
int	sip_theap_start(struct sip_theap *h, struct sip_timer *t, uint64_t at);
void	sip_theap_stop(struct sip_theap *h, struct sip_timer *t);
/* The earliest deadline, or UINT64_MAX when none is armed. */
uint64_t sip_theap_next(const struct sip_theap *h);
/*
 * Disarm and call, in deadline order, every timer due at now; a callback
 * may start or stop any timer (itself included).  A timer started by a
 * callback waits for the next call even when already due, so a timer
 * that re-arms itself at now cannot hold the caller here.  Returns how
 * many fired.
 */
size_t	sip_theap_run(struct sip_theap *h, uint64_t now);

#endif
