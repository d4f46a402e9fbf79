/*
 * memo.h - a bounded cache of byte strings by key, for output that is a
 * pure function of a few input bytes and recurs (sip-parse --json: the
 * responses of a transaction and the requests of a dialog repeat their
 * Via, From, To and CSeq byte for byte, and each is parsed and written
 * the same way every time).
 *
 * Direct-mapped: a key's slot holds the last value stored for any key of
 * its hash; a miss costs a hash and a compare.  An entry of more than
 * MEMO_MAX_ENTRY bytes (key and value) is not kept, so the memory held
 * is at most slots * MEMO_MAX_ENTRY.
 */
#ifndef SIPBOX_MEMO_H
#define SIPBOX_MEMO_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"
#include "slice.h"

#define MEMO_MAX_ENTRY	2048

struct memo_slot {
	uint64_t	 h;		/* hash of tag and key; 0: empty */
	char		*p;		/* key, then value */
	uint32_t	 klen, vlen, cap;
	uint32_t	 tag;
};

struct memo {
	struct memo_slot	*v;
	unsigned		 bits;	/* 1 << bits slots; 0: not set up */
};

/*
 * Set up 1 << bits slots (bits 1 to 20); SIP_E_NOMEM leaves m unusable
 * but safe to pass to the others, which then find nothing and keep
 * nothing.
 */
enum sip_err	memo_init(struct memo *m, unsigned bits);
void		memo_free(struct memo *m);
/* The hash of (tag, key) that memo_get() and memo_put() take. */
static inline uint64_t	memo_hash(uint32_t tag, const char *k, size_t n);
/* The value kept for (tag, key) under hash h, or a NULL slice. */
static inline struct slice	memo_get(const struct memo *m, uint64_t h,
		    uint32_t tag, const char *k, size_t n);
/* Keep v for (tag, key), in place of what its slot held (copied). */
void		memo_put(struct memo *m, uint64_t h, uint32_t tag,
		    const char *k, size_t kn, const char *v, size_t vn);


/* ---- inline: a lookup costs less than the calls to it would ---- */

#define MEMO_K1	0x9e3779b97f4a7c15ull
#define MEMO_K2	0xff51afd7ed558ccdull

/*
 * The first and the last 16 bytes and the length: a key that differs
 * only in between shares a slot, and costs a miss, never a wrong value
 * (memo_get() compares the whole key).  Keys differ where SIP values
 * do, in their tags, branches and numbers at the end, or Call-IDs at
 * the start.  Multiplied in: each bit of the product's top half, where
 * the slot is taken from, depends on every bit below it.  Words overlap
 * rather than go past the end.
 */
static inline uint64_t
memo_hash(uint32_t tag, const char *k, size_t n)
{
	uint64_t h = ((uint64_t)tag << 32 ^ n) * MEMO_K1, a, b, c, d;
	uint32_t x, y;

	if (n >= 16) {
		memcpy(&a, k, 8);
		memcpy(&b, k + 8, 8);
		memcpy(&c, k + n - 16, 8);
		memcpy(&d, k + n - 8, 8);
		h = (h ^ a) * MEMO_K2 ^ b;
		h = (h ^ (c * MEMO_K1)) * MEMO_K2 ^ d;
	} else if (n >= 8) {
		memcpy(&a, k, 8);
		memcpy(&d, k + n - 8, 8);
		h = (h ^ a) * MEMO_K2 ^ d;
	} else if (n >= 4) {
		memcpy(&x, k, 4);
		memcpy(&y, k + n - 4, 4);
		h ^= x | (uint64_t)y << 32;
	} else if (n > 0) {
		h ^= (unsigned char)k[0] | (uint64_t)(unsigned char)k[n >> 1] << 8 |
		    (uint64_t)(unsigned char)k[n - 1] << 16;
	}
	h *= MEMO_K2;
	h ^= h >> 29;
	h *= MEMO_K1;
	return h | 1;		/* 0 marks an empty slot */
}

/*
 * Whether the n bytes at a and b are the same, compared in words that
 * overlap at the end rather than go past it: keys are a few dozen bytes,
 * where a call to memcmp() costs more than the comparison.
 */
static inline int
memo_same(const char *a, const char *b, size_t n)
{
	uint64_t x, y, u, v;
	uint32_t c, d, e, f;
	size_t i;

	if (n >= 8) {
		for (i = 0; i + 8 < n; i += 8) {
			memcpy(&x, a + i, 8);
			memcpy(&y, b + i, 8);
			if (x != y)
				return 0;
		}
		memcpy(&u, a + n - 8, 8);
		memcpy(&v, b + n - 8, 8);
		return u == v;
	}
	if (n >= 4) {
		memcpy(&c, a, 4);
		memcpy(&d, b, 4);
		memcpy(&e, a + n - 4, 4);
		memcpy(&f, b + n - 4, 4);
		return c == d && e == f;
	}
	return n == 0 || (a[0] == b[0] && a[n >> 1] == b[n >> 1] &&
	    a[n - 1] == b[n - 1]);
}

/* The slot that holds (tag, key) under hash h, or NULL. */
static inline const struct memo_slot *
memo_find(const struct memo *m, uint64_t h, uint32_t tag, const char *k,
    size_t n)
{
	const struct memo_slot *s;

	if (m->v == NULL)
		return NULL;
	s = &m->v[h >> (64 - m->bits)];
	if (s->h == h && s->tag == tag && s->klen == n &&
	    memo_same(s->p, k, n))
		return s;
	return NULL;
}

static inline struct slice
memo_get(const struct memo *m, uint64_t h, uint32_t tag, const char *k,
    size_t n)
{
	const struct memo_slot *s = memo_find(m, h, tag, k, n);

	return s != NULL ? slice_make(s->p + n, s->vlen) :
	    slice_make(NULL, 0);
}

#endif
