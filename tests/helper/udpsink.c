/*
 * udpsink - a UDP port on 127.0.0.1 that takes datagrams and never
 * answers, for timeout and retransmission tests.
 *
 * usage: udpsink COUNTFILE SECONDS
 * Prints the port, then goes to the background; every datagram received
 * rewrites COUNTFILE with the number so far and appends its arrival time
 * (monotonic, in milliseconds) to COUNTFILE.times, for tests that check a
 * retransmission schedule.  Exits after SECONDS.
 */
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof a;
	char buf[65536];
	unsigned long n = 0;
	time_t end;
	char tmp[4096], times[4096];
	FILE *log;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: udpsink COUNTFILE SECONDS\n");
		return 2;
	}
	snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
	snprintf(times, sizeof times, "%s.times", argv[1]);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		perror("udpsink");
		return 1;
	}
	printf("%d\n", ntohs(a.sin_port));
	fflush(stdout);
	if (fork() != 0)
		return 0;
	freopen("/dev/null", "w", stdout);
	freopen("/dev/null", "w", stderr);
	setsid();
	log = fopen(times, "w");
	end = time(NULL) + atoi(argv[2]);
	while (time(NULL) < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		FILE *f;

		if (poll(&p, 1, 200) <= 0 || recv(fd, buf, sizeof buf, 0) < 0)
			continue;
		n++;
		if (log != NULL) {
			struct timespec ts;

			clock_gettime(CLOCK_MONOTONIC, &ts);
			fprintf(log, "%lld\n", (long long)ts.tv_sec * 1000 +
			    ts.tv_nsec / 1000000);
			fflush(log);
		}
		/* renamed into place: a reader never sees it empty */
		if ((f = fopen(tmp, "w")) != NULL) {
			fprintf(f, "%lu\n", n);
			if (fclose(f) == 0)
				rename(tmp, argv[1]);
		}
	}
	return 0;
}
