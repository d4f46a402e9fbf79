/*
 * md5.c - MD5 as RFC 1321 section 3 describes it: 64-byte blocks, four
 * rounds of sixteen steps, little-endian words.
 */
#include <string.h>

#include "md5.h"

/* The rounds' functions (RFC 1321 3.4), F and G in fewer operations. */
#define F(x, y, z)	((z) ^ ((x) & ((y) ^ (z))))
#define G(x, y, z)	((y) ^ ((z) & ((x) ^ (y))))
#define H(x, y, z)	((x) ^ (y) ^ (z))
#define I(x, y, z)	((y) ^ ((x) | ~(z)))
#define ROTL(v, s)	(((v) << (s)) | ((v) >> (32 - (s))))
#define STEP(f, a, b, c, d, k, s, t) do {				\
	(a) += f((b), (c), (d)) + w[k] + (uint32_t)(t);			\
	(a) = ROTL((a), (s)) + (b);					\
} while (0)

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* The constants are RFC 1321 3.4's T[i], 4294967296 * abs(sin(i)). */
static void
block(uint32_t h[4], const unsigned char *p)
{
	uint32_t w[16], a = h[0], b = h[1], c = h[2], d = h[3];

	for (int i = 0; i < 16; i++)
		w[i] = le32(p + 4 * i);

	STEP(F, a, b, c, d, 0, 7, 0xd76aa478);
	STEP(F, d, a, b, c, 1, 12, 0xe8c7b756);
	STEP(F, c, d, a, b, 2, 17, 0x242070db);
	STEP(F, b, c, d, a, 3, 22, 0xc1bdceee);
	STEP(F, a, b, c, d, 4, 7, 0xf57c0faf);
	STEP(F, d, a, b, c, 5, 12, 0x4787c62a);
	STEP(F, c, d, a, b, 6, 17, 0xa8304613);
	STEP(F, b, c, d, a, 7, 22, 0xfd469501);
	STEP(F, a, b, c, d, 8, 7, 0x698098d8);
	STEP(F, d, a, b, c, 9, 12, 0x8b44f7af);
	STEP(F, c, d, a, b, 10, 17, 0xffff5bb1);
	STEP(F, b, c, d, a, 11, 22, 0x895cd7be);
	STEP(F, a, b, c, d, 12, 7, 0x6b901122);
	STEP(F, d, a, b, c, 13, 12, 0xfd987193);
	STEP(F, c, d, a, b, 14, 17, 0xa679438e);
	STEP(F, b, c, d, a, 15, 22, 0x49b40821);

	STEP(G, a, b, c, d, 1, 5, 0xf61e2562);
	STEP(G, d, a, b, c, 6, 9, 0xc040b340);
	STEP(G, c, d, a, b, 11, 14, 0x265e5a51);
	STEP(G, b, c, d, a, 0, 20, 0xe9b6c7aa);
	STEP(G, a, b, c, d, 5, 5, 0xd62f105d);
	STEP(G, d, a, b, c, 10, 9, 0x02441453);
	STEP(G, c, d, a, b, 15, 14, 0xd8a1e681);
	STEP(G, b, c, d, a, 4, 20, 0xe7d3fbc8);
	STEP(G, a, b, c, d, 9, 5, 0x21e1cde6);
	STEP(G, d, a, b, c, 14, 9, 0xc33707d6);
	STEP(G, c, d, a, b, 3, 14, 0xf4d50d87);
	STEP(G, b, c, d, a, 8, 20, 0x455a14ed);
	STEP(G, a, b, c, d, 13, 5, 0xa9e3e905);
	STEP(G, d, a, b, c, 2, 9, 0xfcefa3f8);
	STEP(G, c, d, a, b, 7, 14, 0x676f02d9);
	STEP(G, b, c, d, a, 12, 20, 0x8d2a4c8a);

	STEP(H, a, b, c, d, 5, 4, 0xfffa3942);
	STEP(H, d, a, b, c, 8, 11, 0x8771f681);
	STEP(H, c, d, a, b, 11, 16, 0x6d9d6122);
	STEP(H, b, c, d, a, 14, 23, 0xfde5380c);
	STEP(H, a, b, c, d, 1, 4, 0xa4beea44);
	STEP(H, d, a, b, c, 4, 11, 0x4bdecfa9);
	STEP(H, c, d, a, b, 7, 16, 0xf6bb4b60);
	STEP(H, b, c, d, a, 10, 23, 0xbebfbc70);
	STEP(H, a, b, c, d, 13, 4, 0x289b7ec6);
	STEP(H, d, a, b, c, 0, 11, 0xeaa127fa);
	STEP(H, c, d, a, b, 3, 16, 0xd4ef3085);
	STEP(H, b, c, d, a, 6, 23, 0x04881d05);
	STEP(H, a, b, c, d, 9, 4, 0xd9d4d039);
	STEP(H, d, a, b, c, 12, 11, 0xe6db99e5);
	STEP(H, c, d, a, b, 15, 16, 0x1fa27cf8);
	STEP(H, b, c, d, a, 2, 23, 0xc4ac5665);

	STEP(I, a, b, c, d, 0, 6, 0xf4292244);
	STEP(I, d, a, b, c, 7, 10, 0x432aff97);
	STEP(I, c, d, a, b, 14, 15, 0xab9423a7);
	STEP(I, b, c, d, a, 5, 21, 0xfc93a039);
	STEP(I, a, b, c, d, 12, 6, 0x655b59c3);
	STEP(I, d, a, b, c, 3, 10, 0x8f0ccc92);
	STEP(I, c, d, a, b, 10, 15, 0xffeff47d);
	STEP(I, b, c, d, a, 1, 21, 0x85845dd1);
	STEP(I, a, b, c, d, 8, 6, 0x6fa87e4f);
	STEP(I, d, a, b, c, 15, 10, 0xfe2ce6e0);
	STEP(I, c, d, a, b, 6, 15, 0xa3014314);
	STEP(I, b, c, d, a, 13, 21, 0x4e0811a1);
	STEP(I, a, b, c, d, 4, 6, 0xf7537e82);
	STEP(I, d, a, b, c, 11, 10, 0xbd3af235);
	STEP(I, c, d, a, b, 2, 15, 0x2ad7d2bb);
	STEP(I, b, c, d, a, 9, 21, 0xeb86d391);

	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
}

void
sip_md5_init(struct sip_md5 *c)
{
	/* RFC 1321 3.3: words A, B, C, D, low-order byte first */
	c->h[0] = 0x67452301;
	c->h[1] = 0xefcdab89;
	c->h[2] = 0x98badcfe;
	c->h[3] = 0x10325476;
	c->n = 0;
}

void
sip_md5_update(struct sip_md5 *c, const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t have = (size_t)(c->n % 64);

	if (n == 0)
		return;		/* p may be NULL */
	c->n += n;
	if (have > 0) {
		size_t k = 64 - have < n ? 64 - have : n;

		memcpy(c->blk + have, p, k);
		p += k;
		n -= k;
		if (have + k < 64)
			return;
		block(c->h, c->blk);
	}
	for (; n >= 64; p += 64, n -= 64)
		block(c->h, p);
	if (n > 0)
		memcpy(c->blk, p, n);
}

void
sip_md5_final(struct sip_md5 *c, unsigned char out[SIP_MD5_SIZE])
{
	/* RFC 1321 3.1, 3.2: a 1 bit, zeros to 56 mod 64, the bit length */
	uint64_t bits = c->n * 8;
	size_t have = (size_t)(c->n % 64);

	c->blk[have++] = 0x80;
	if (have > 56) {
		memset(c->blk + have, 0, 64 - have);
		block(c->h, c->blk);
		have = 0;
	}
	memset(c->blk + have, 0, 56 - have);
	for (int i = 0; i < 8; i++)
		c->blk[56 + i] = (unsigned char)(bits >> (8 * i));
	block(c->h, c->blk);
	for (int i = 0; i < 4; i++) {
		out[4 * i] = (unsigned char)c->h[i];
		out[4 * i + 1] = (unsigned char)(c->h[i] >> 8);
		out[4 * i + 2] = (unsigned char)(c->h[i] >> 16);
		out[4 * i + 3] = (unsigned char)(c->h[i] >> 24);
	}
	explicit_bzero(c, sizeof(*c));
}

void
sip_md5(const void *p, size_t n, unsigned char out[SIP_MD5_SIZE])
{
	struct sip_md5 c;

	sip_md5_init(&c);
	sip_md5_update(&c, p, n);
	sip_md5_final(&c, out);
}
