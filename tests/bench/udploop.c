/*
 * udploop - the floor for one-at-a-time round trips: send a request from
 * a plain UDP socket, wait for any answer, repeat.  No parsing, no
 * transaction, no timers: what sip-send's RTT is compared against.
 *
 * usage: udploop ADDR PORT FILE COUNT [LOCALPORT]
 * FILE holds the request (sip-send --dry-run writes one).  The 8 bytes
 * after "z9hG4bK" in it are overwritten with a counter, so a responder
 * with transactions sees a new transaction each time, as from sip-send.
 * LOCALPORT binds the socket to the port that FILE's Via and Contact
 * name, so the responder sees a request whose sent-by is its source, as
 * sip-send's are (falls back to any port if that one is taken).
 * Prints: count, seconds, requests/s, average RTT in ms.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct timeval tv = { 2, 0 };
	char req[65536], resp[65536], *br;
	size_t len;
	long n, ok = 0;
	double t0, sum = 0;
	FILE *f;
	int fd;

	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: udploop ADDR PORT FILE COUNT [LOCALPORT]\n");
		return 2;
	}
	if ((f = fopen(argv[3], "rb")) == NULL) {
		perror(argv[3]);
		return 2;
	}
	len = fread(req, 1, sizeof req - 1, f);
	fclose(f);
	req[len] = '\0';
	br = strstr(req, "z9hG4bK");
	n = atol(argv[4]);
	a.sin_port = htons((unsigned short)atoi(argv[2]));
	inet_pton(AF_INET, argv[1], &a.sin_addr);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd >= 0 && argc == 6) {
		struct sockaddr_in l = { .sin_family = AF_INET };

		l.sin_port = htons((unsigned short)atoi(argv[5]));
		if (bind(fd, (struct sockaddr *)&l, sizeof l) < 0)
			perror("udploop: bind (going on from any port)");
	}
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		perror("socket");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	t0 = now();
	for (long i = 0; i < n; i++) {
		double s = now();

		if (br != NULL && strlen(br) > 15) {
			char c[9];

			snprintf(c, sizeof c, "%08lx", (unsigned long)i);
			memcpy(br + 7, c, 8);
		}
		if (send(fd, req, len, 0) < 0 || recv(fd, resp, sizeof resp, 0) <= 0)
			continue;
		sum += now() - s;
		ok++;
	}
	printf("%ld %.3f %.0f %.4f\n", ok, now() - t0, (double)ok / (now() - t0),
	    ok ? sum / (double)ok * 1000 : 0);
	return ok == n ? 0 : 1;
}
