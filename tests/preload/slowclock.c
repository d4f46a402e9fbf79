/*
 * slowclock.so - an LD_PRELOAD shim for tests: CLOCK_MONOTONIC, the one
 * clock sipbox's timers read (lib/base/clock.c), runs SLOWCLOCK_FACTOR
 * (default 10) times slower than the real one from the process's first
 * reading.  A test that must act inside a window of the program's (a
 * second signal within sip-serve's 4 s stop) gets a window that many
 * times longer, which a stall of a loaded machine does not close, and
 * the program's behaviour is the same: only its sense of time is slow.
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

int clock_gettime(clockid_t, struct timespec *);

static int (*real_gettime)(clockid_t, struct timespec *);
static uint64_t base_ns, factor;

static uint64_t
ns_of(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000000u + (uint64_t)ts->tv_nsec;
}

int
clock_gettime(clockid_t id, struct timespec *ts)
{
	uint64_t ns;
	const char *f;
	int rc;

	if (real_gettime == NULL) {
		real_gettime = (int (*)(clockid_t, struct timespec *))
		    dlsym(RTLD_NEXT, "clock_gettime");
		f = getenv("SLOWCLOCK_FACTOR");
		factor = f != NULL ? strtoull(f, NULL, 10) : 0;
		if (factor == 0)
			factor = 10;
	}
	rc = real_gettime(id, ts);
	if (rc != 0 || id != CLOCK_MONOTONIC)
		return rc;
	ns = ns_of(ts);
	if (base_ns == 0)
		base_ns = ns;
	ns = base_ns + (ns - base_ns) / factor;
	ts->tv_sec = (time_t)(ns / 1000000000u);
	ts->tv_nsec = (long)(ns % 1000000000u);
	return 0;
}
