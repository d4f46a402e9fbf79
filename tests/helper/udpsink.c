/*
 * udpsink - a UDP port on 127.0.0.1 that takes datagrams and never
 * answers, for timeout and retransmission tests.
 *
 * usage: udpsink COUNTFILE SECONDS
 * Prints the port, then goes to the background; every datagram received
 * rewrites COUNTFILE with the number so far and appends its arrival time
 * (monotonic, in milliseconds) to COUNTFILE.times, for tests that check a
 * retransmission schedule.  Exits after SECONDS.  Its pid is in
 * COUNTFILE.pid before the port is printed, so a test's teardown can end
 * it (kill_pidfiles in tests/net.bash) rather than leave it its SECONDS.
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
	char tmp[4096], times[4096], pidfile[4096];
	FILE *log, *f;
	pid_t pid;
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
	fflush(stdout);
	if ((pid = fork()) < 0) {
		perror("udpsink: fork");
		return 1;
	}
	if (pid != 0) {
		snprintf(pidfile, sizeof pidfile, "%s.pid", argv[1]);
		if ((f = fopen(pidfile, "w")) != NULL) {
			fprintf(f, "%ld\n", (long)pid);
			fclose(f);
		}
		printf("%d\n", ntohs(a.sin_port));
		return 0;
	}
	freopen("/dev/null", "w", stdout);
	freopen("/dev/null", "w", stderr);
	setsid();
	log = fopen(times, "w");
	end = time(NULL) + atoi(argv[2]);
	while (time(NULL) < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		FILE *c;

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
		if ((c = fopen(tmp, "w")) != NULL) {
			fprintf(c, "%lu\n", n);
			if (fclose(c) == 0)
				rename(tmp, argv[1]);
		}
	}
	return 0;
}
