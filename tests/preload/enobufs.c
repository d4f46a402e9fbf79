/*
 * enobufs.so - an LD_PRELOAD shim for tests: the first ENOBUFS_COUNT
 * datagrams (default 1) that the process sends fail with ENOBUFS, as a
 * full local queue reports a drop to a socket with IP_RECVERR on.  No
 * loopback test can fill a qdisc on purpose; this makes the drop exact.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/types.h>

ssize_t sendto(int, const void *, size_t, int, const struct sockaddr *,
    socklen_t);
ssize_t send(int, const void *, size_t, int);
ssize_t sendmsg(int, const struct msghdr *, int);
int sendmmsg(int, struct mmsghdr *, unsigned int, int);

static int left = -1;

/* Whether this datagram is one to drop. */
static int
drop(int fd)
{
	int type;
	socklen_t len = sizeof type;

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 ||
	    type != SOCK_DGRAM)
		return 0;
	if (left < 0) {
		const char *e = getenv("ENOBUFS_COUNT");

		left = e != NULL ? atoi(e) : 1;
	}
	if (left == 0)
		return 0;
	left--;
	errno = ENOBUFS;
	return 1;
}

#define REAL(name) \
	static __typeof__(name) *real; \
	if (real == NULL) \
		real = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

ssize_t
sendto(int fd, const void *p, size_t n, int fl, const struct sockaddr *a,
    socklen_t alen)
{
	REAL(sendto);
	return drop(fd) ? -1 : real(fd, p, n, fl, a, alen);
}

ssize_t
send(int fd, const void *p, size_t n, int fl)
{
	REAL(send);
	return drop(fd) ? -1 : real(fd, p, n, fl);
}

ssize_t
sendmsg(int fd, const struct msghdr *m, int fl)
{
	REAL(sendmsg);
	return drop(fd) ? -1 : real(fd, m, fl);
}

int
sendmmsg(int fd, struct mmsghdr *v, unsigned int n, int fl)
{
	REAL(sendmmsg);
	return drop(fd) ? -1 : real(fd, v, n, fl);
}
