/*
 * rand.c - random bytes drawn a pool at a time: one getrandom(2) call
 * serves many requests instead of three system calls for each one.  Each
 * byte is handed out once; a forked child starts with an empty pool so
 * that it never repeats its parent's values.
 *
 * The kernel's generator, not OpenSSL's (which seeds from it): a run
 * that needs ids but no TLS or digest does not load libcrypto for them.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/random.h>

#include "bounds.h"
#include "rand.h"

static unsigned char pool[SIP_RAND_POOL];
static size_t pool_left;
static int pool_atfork;

/* RAND_bytes's contract, as sip_rand_source() wants: 1 when all came. */
static int
kernel_bytes(unsigned char *buf, int num)
{
	size_t got = 0;
	ssize_t n;

	/* blocks only until the kernel's pool is first seeded, at boot */
	while (got < (size_t)num) {
		n = getrandom(buf + got, (size_t)num - got, 0);
		if (n < 0 && errno != EINTR)
			return 0;
		if (n > 0)
			got += (size_t)n;
	}
	return 1;
}

static int (*source)(unsigned char *, int) = kernel_bytes;

static void
pool_drop(void)
{
	explicit_bzero(pool, sizeof(pool));
	pool_left = 0;
}

static enum sip_err
pool_fill(void)
{
	if (!pool_atfork) {
		pthread_atfork(NULL, NULL, pool_drop);
		pool_atfork = 1;
	}
	if (source(pool, (int)sizeof(pool)) != 1) {
		pool_drop();
		return SIP_E_RANDOM;
	}
	pool_left = sizeof(pool);
	return SIP_OK;
}

/* n bytes of the pool (n <= its size), to be wiped after use. */
static unsigned char *
take(size_t n)
{
	unsigned char *r;

	if (pool_left < n && pool_fill() != SIP_OK)
		return NULL;
	r = pool + sizeof(pool) - pool_left;
	pool_left -= n;
	return r;
}

enum sip_err
sip_rand_bytes(void *out, size_t n)
{
	unsigned char *o = out, *r;

	while (n > 0) {
		size_t k = n < sizeof(pool) ? n : sizeof(pool);

		if ((r = take(k)) == NULL)
			return SIP_E_RANDOM;
		memcpy(o, r, k);
		explicit_bzero(r, k);	/* used bytes are not kept around */
		o += k;
		n -= k;
	}
	return SIP_OK;
}

/* Each byte's two hex digits, a pair copied at a time. */
#define H2(x)	{ "0123456789abcdef"[(x) >> 4], "0123456789abcdef"[(x) & 15] }
#define H8(x)	H2(x), H2(x + 1), H2(x + 2), H2(x + 3), H2(x + 4), \
		H2(x + 5), H2(x + 6), H2(x + 7)
#define H64(x)	H8(x), H8(x + 8), H8(x + 16), H8(x + 24), H8(x + 32), \
		H8(x + 40), H8(x + 48), H8(x + 56)
static const char hexpair[256][2] = { H64(0), H64(64), H64(128), H64(192) };

enum sip_err
sip_rand_hex(char *out, size_t nhex)
{
	size_t nbytes = (nhex + 1) / 2;
	unsigned char *r;

	out[0] = '\0';
	if (nbytes > sizeof(pool))
		return SIP_E_INVAL;
	if ((r = take(nbytes)) == NULL)
		return SIP_E_RANDOM;
	/* a ping run draws three ids a request: a branch, Call-ID, tag */
	for (size_t i = 0; i < nbytes; i++)
		memcpy(out + 2 * i, hexpair[r[i]], 2);
	out[nhex] = '\0';
	explicit_bzero(r, nbytes);
	return SIP_OK;
}

void
sip_rand_source(int (*fn)(unsigned char *buf, int num))
{
	source = fn != NULL ? fn : kernel_bytes;
	pool_drop();
}
