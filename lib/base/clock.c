/*
 * clock.c - the one place sipbox reads the time.
 */
#include <time.h>

#include "clock.h"

/*
 * The one piece of process-wide state in lib/: a test that swaps the
 * clock means every reader in the process, so it cannot travel in an
 * argument.
 */
static uint64_t	(*fake_fn)(void *);
static void	 *fake_arg;

uint64_t
sip_clock_us(void)
{
	struct timespec ts;

	if (fake_fn != NULL)
		return fake_fn(fake_arg);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t
sip_clock_ms(void)
{
	return sip_clock_us() / 1000;
}

void
sip_clock_set(uint64_t (*fn)(void *), void *arg)
{
	fake_fn = fn;
	fake_arg = arg;
}
