/*
 * loopbench - the loop's cost per event: a byte bounced between the two
 * ends of a socketpair through sip_loop callbacks, beside the same
 * bounce with a bare epoll_wait() loop as the floor.
 *
 * usage: loopbench [EVENTS]   (default 1000000)
 * Prints events per second for each, and the loop's overhead per event.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "loop.h"

static long left;

static void
bounce(struct sip_loop *l, int fd, unsigned ev, void *arg)
{
	char c;

	(void)ev;
	(void)arg;
	if (read(fd, &c, 1) != 1 || --left <= 0) {
		sip_loop_stop(l, 0);
		return;
	}
	if (write(fd, &c, 1) != 1)
		sip_loop_stop(l, 1);
}

static double
with_loop(long n)
{
	struct sip_loop *l = sip_loop_new();
	int sv[2];
	uint64_t t0;

	if (l == NULL || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		exit(1);
	sip_loop_watch(l, sv[0], SIP_EV_READ, bounce, NULL);
	sip_loop_watch(l, sv[1], SIP_EV_READ, bounce, NULL);
	left = n;
	t0 = sip_clock_us();
	if (write(sv[0], "x", 1) != 1)
		exit(1);
	sip_loop_run(l);
	t0 = sip_clock_us() - t0;
	sip_loop_free(l);
	close(sv[0]);
	close(sv[1]);
	return (double)n * 1e6 / (double)t0;
}

static double
bare(long n)
{
	struct epoll_event e = { .events = EPOLLIN }, got[64];
	int sv[2], ep = epoll_create1(0);
	uint64_t t0;
	char c;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		exit(1);
	for (int i = 0; i < 2; i++) {
		e.data.fd = sv[i];
		epoll_ctl(ep, EPOLL_CTL_ADD, sv[i], &e);
	}
	t0 = sip_clock_us();
	if (write(sv[0], "x", 1) != 1)
		exit(1);
	for (long k = n; k > 0;) {
		int r = epoll_wait(ep, got, 64, -1);

		for (int i = 0; i < r && k > 0; i++, k--)
			if (read(got[i].data.fd, &c, 1) != 1 ||
			    write(got[i].data.fd, &c, 1) != 1)
				exit(1);
	}
	t0 = sip_clock_us() - t0;
	close(ep);
	close(sv[0]);
	close(sv[1]);
	return (double)n * 1e6 / (double)t0;
}

int
main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
	double a, b;

	if (n <= 0 || argc > 2) {
		fprintf(stderr, "usage: loopbench [EVENTS]\n");
		return 2;
	}
	b = bare(n);
	a = with_loop(n);
	printf("bare epoll_wait: %.0f events/s\n", b);
	printf("sip_loop:        %.0f events/s\n", a);
	printf("overhead:        %.0f ns per event\n", (1e9 / a) - (1e9 / b));
	return 0;
}
