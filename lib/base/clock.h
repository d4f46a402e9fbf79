/*
 * clock.h - the one place sipbox reads the time.
 *
 * Monotonic microseconds and milliseconds.  Tests substitute a fake
 * clock with sip_clock_set().  In lib/ only the loop asks here (once per
 * turn, and when sip_loop_update() says so); the transports and the
 * endpoint take the loop's time, and state machines (txn, dialog,
 * reg ...) never ask at all: they are handed the time.
 */
#ifndef SIPBOX_CLOCK_H
#define SIPBOX_CLOCK_H

#include <stdint.h>

/* Monotonic time in microseconds (CLOCK_MONOTONIC, or the fake clock). */
uint64_t	sip_clock_us(void);
/* The same in milliseconds. */
uint64_t	sip_clock_ms(void);
/*
 * Replace the clock with fn(arg) returning microseconds; NULL restores
 * the real one.  For tests only.
 */
void		sip_clock_set(uint64_t (*fn)(void *), void *arg);

#endif
