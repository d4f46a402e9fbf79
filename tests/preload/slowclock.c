/*
 * slowclock.so - an LD_PRELOAD shim for tests: the clock sipbox reads,
 * CLOCK_MONOTONIC (lib/base/clock.c: its timers, sip-serve's bindings and
 * nonces), runs SLOWCLOCK_FACTOR (default 10) times slower than the real
 * one from the process's first reading.  A test that must
 * act inside a window of the program's (a second signal within sip-serve's
 * 4 s stop) or read back a time it counts ("expires 3599") gets a window
 * that many times longer, which a stall of a loaded machine does not
 * close, and the program's behaviour is the same: only its sense of time
 * is slow.
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

int	clock_gettime(clockid_t, struct timespec *);

static int (*real_gettime)(clockid_t, struct timespec *);
static uint64_t mono_base, factor;

static void
init(void)
{
	const char *f;

	if (real_gettime != NULL)
		return;
	real_gettime = (int (*)(clockid_t, struct timespec *))
	    dlsym(RTLD_NEXT, "clock_gettime");
	f = getenv("SLOWCLOCK_FACTOR");
	factor = f != NULL ? strtoull(f, NULL, 10) : 0;
	if (factor == 0)
		factor = 10;
}

int
clock_gettime(clockid_t id, struct timespec *ts)
{
	uint64_t ns;
	int rc;

	init();
	rc = real_gettime(id, ts);
	if (rc != 0 || id != CLOCK_MONOTONIC)
		return rc;
	ns = (uint64_t)ts->tv_sec * 1000000000u + (uint64_t)ts->tv_nsec;
	if (mono_base == 0)
		mono_base = ns;
	ns = mono_base + (ns - mono_base) / factor;
	ts->tv_sec = (time_t)(ns / 1000000000u);
	ts->tv_nsec = (long)(ns % 1000000000u);
	return 0;
}
