/*
 * slice.h - borrowed string slices: a pointer and a length into somebody
 * else's buffer, never NUL-terminated, never owned.
 *
 * Every parser in lib/ hands out slices into the caller's buffer, so a
 * slice lives exactly as long as that buffer.  Nothing here allocates.
 */
#ifndef SIPBOX_SLICE_H
#define SIPBOX_SLICE_H

#include <stddef.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdint.h>

/*
 * Under a sanitizer, no read past a string's end: elsewhere a fast path
 * may load 16 bytes from a shorter string when they are all on its page
 * (as strlen() does) and let the bytes past the end count for nothing.
 */
#if defined(__SANITIZE_ADDRESS__)
#define SLICE_NO_OVERREAD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define SLICE_NO_OVERREAD 1
#endif
#endif
/* Whether the 16 bytes at p are on p's page. */
#define SLICE_PAGE_SAFE16(p)	(((uintptr_t)(p) & 4095) <= 4096 - 16)

struct slice {
	const char	*p;
	size_t		 len;
};

#define SLICE_FMT	"%.*s"
#define SLICE_ARG(s)	(int)(s).len, (s).p
#define SLICE_LIT(lit)	((struct slice){ (lit), sizeof(lit) - 1 })
#define SLICE_NULL	((struct slice){ NULL, 0 })

/* A slice over a NUL-terminated string (s may be NULL: empty slice). */
struct slice	slice_cstr(const char *s);
/*
 * A slice of len bytes at p.  This and the two below are inline: the
 * parsers call them for nearly every token.
 */
static inline struct slice
slice_make(const char *p, size_t len)
{
	struct slice r = { p, len };

	return r;
}

int	slice_eq(struct slice a, struct slice b);
/* ASCII case-folding comparison; no locale. */
int	slice_ieq(struct slice a, struct slice b);
int	slice_eq_cstr(struct slice a, const char *s);
int	slice_ieq_cstr(struct slice a, const char *s);
/* Against a literal; the lengths are compared inline, before any call. */
#define slice_eq_lit(s, lit)	slice_eq_n((s), (lit), sizeof(lit) - 1)
#define slice_ieq_lit(s, lit)	slice_ieq_n((s), (lit), sizeof(lit) - 1)

static inline int
slice_eq_n(struct slice a, const char *lit, size_t n)
{
	return a.len == n && slice_eq(a, slice_make(lit, n));
}

static inline int
slice_ieq_n(struct slice a, const char *lit, size_t n)
{
	/* The first bytes can match only if they differ in 0x20 at most. */
	return a.len == n && (n == 0 ||
	    ((unsigned char)(a.p[0] ^ lit[0]) & ~0x20) == 0) &&
	    slice_ieq(a, slice_make(lit, n));
}
int	slice_has_prefix(struct slice s, const char *pfx);
int	slice_ihas_prefix(struct slice s, const char *pfx);

/* Strip SP, HTAB, CR and LF from both ends (folded whitespace too). */
static inline int
slice_is_lws_byte(char c)
{
	/* All four are <= ' ', so most bytes are out after one test. */
	return (unsigned char)c <= ' ' &&
	    (c == ' ' || c == '\t' || c == '\r' || c == '\n');
}

static inline struct slice
slice_trim(struct slice s)
{
	while (s.len > 0 && slice_is_lws_byte(s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len > 0 && slice_is_lws_byte(s.p[s.len - 1]))
		s.len--;
	return s;
}
/* The index past the SP, HTAB, CR and LF at s.p[i] on. */
static inline size_t
slice_skip_lws(struct slice s, size_t i)
{
	while (i < s.len && slice_is_lws_byte(s.p[i]))
		i++;
	return i;
}

/* Index of the first c in s, or -1. */
ptrdiff_t	slice_chr(struct slice s, char c);
/* The part of s from byte off on (clamped). */
static inline struct slice
slice_from(struct slice s, size_t off)
{
	if (off > s.len)
		off = s.len;
	if (off) {	/* s.p may be NULL: even + 0 is undefined there */
		s.p += off;
		s.len -= off;
	}
	return s;
}

/* The first n bytes of s (clamped). */
static inline struct slice
slice_head(struct slice s, size_t n)
{
	if (n < s.len)
		s.len = n;
	return s;
}

/*
 * Split *rest at the first sep that is not inside double quotes (with
 * backslash escapes) or angle brackets.  Returns 1 and sets *item to the
 * part before it (untrimmed) and *rest to the part after; returns 0 when
 * *rest is empty and nothing is left.
 */
int	slice_split(struct slice *rest, char sep, struct slice *item);

/* FNV-1a over n bytes, continued from h (SLICE_HASH0 to start): the one
 * hash of the project's indexes (short keys; no need for more). */
#define SLICE_HASH0	2166136261u
static inline uint32_t
slice_hash_mem(uint32_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	/* four bytes a turn: the same values, less loop (Call-IDs) */
	for (; n >= 4; b += 4, n -= 4) {
		h = (h ^ b[0]) * 16777619u;
		h = (h ^ b[1]) * 16777619u;
		h = (h ^ b[2]) * 16777619u;
		h = (h ^ b[3]) * 16777619u;
	}
	while (n-- > 0)
		h = (h ^ *b++) * 16777619u;
	return h;
}

static inline uint32_t
slice_hash(uint32_t h, struct slice s)
{
	return slice_hash_mem(h, s.p, s.len);
}

/*
 * Bounded unsigned conversion (strtonum discipline): decimal digits only,
 * not empty, no sign, no junk, no overflow, value <= max.  Returns 0 on
 * success, -1 otherwise (*out untouched).
 */
int	slice_to_u32(struct slice s, uint32_t max, uint32_t *out);
int	slice_to_u64(struct slice s, uint64_t max, uint64_t *out);

/* Copy s into dst (size dstsz) with a NUL; returns -1 if it does not fit. */
int	slice_copy(struct slice s, char *dst, size_t dstsz);

/* A malloc()ed NUL-terminated copy of s (an absent {NULL, 0} gives "");
 * NULL when out of memory.  The caller frees it. */
char	*slice_dup(struct slice s);

/*
 * Byte classes from RFC 3261 25.1, one table of 256 entries with a bit
 * per class: SLICE_C_TOKEN for token (alphanum and -.!%*_+`'~),
 * SLICE_C_GENVAL for token plus '[', ']' and ':' (a gen-value that may
 * be an IPv6 host), SLICE_C_WORD for word (token plus ( ) < > :
 * backslash DQUOTE / [ ] ? { }), SLICE_C_HOST for what a host name or
 * IPv4 address is made of (alphanum, '-' and '.').
 */
#define SLICE_C_TOKEN	0x01
#define SLICE_C_GENVAL	0x02
#define SLICE_C_WORD	0x04
#define SLICE_C_HOST	0x08
extern const unsigned char slice_token_map[256];
#define slice_is_token(c)	\
	((slice_token_map[(unsigned char)(c)] & SLICE_C_TOKEN) != 0)
int	slice_is_token_str(struct slice s);

/*
 * The first byte of [p, e) equal to a, b or c, or NULL: three memchr()
 * calls in one pass, sixteen bytes at a time where SSE2 is there.
 */
static inline const char *
slice_find3(const char *p, const char *e, char a, char b, char c)
{
#ifdef __SSE2__
	const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b),
	    vc = _mm_set1_epi8(c);
	const char *s = p;

	while (e - p >= 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned bits = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)),
		    _mm_cmpeq_epi8(x, vc)));

		if (bits != 0)
			return p + __builtin_ctz(bits);
		p += 16;
	}
	/* The tail as the last sixteen bytes, the seen ones masked off. */
	if (p < e && e - s >= 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)
		    (e - 16));
		unsigned bits = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)),
		    _mm_cmpeq_epi8(x, vc))) >> (16 - (e - p));

		return bits != 0 ? p + __builtin_ctz(bits) : NULL;
	}
#endif
	for (; p < e; p++)
		if (*p == a || *p == b || *p == c)
			return p;
	return NULL;
}

/*
 * How many bytes of the n at p are c (line ends in a window of text),
 * sixteen at a time where SSE2 is there.
 */
size_t	slice_count(const char *p, size_t n, char c);

/* Past the bytes of [p, e) whose class in slice_token_map has a mask bit. */
static inline const char *
slice_skip_class(const char *p, const char *e, unsigned char mask)
{
	while (e - p >= 4) {
		if (!(slice_token_map[(unsigned char)p[0]] & mask))
			return p;
		if (!(slice_token_map[(unsigned char)p[1]] & mask))
			return p + 1;
		if (!(slice_token_map[(unsigned char)p[2]] & mask))
			return p + 2;
		if (!(slice_token_map[(unsigned char)p[3]] & mask))
			return p + 3;
		p += 4;
	}
	while (p < e && (slice_token_map[(unsigned char)*p] & mask))
		p++;
	return p;
}

/* The index past the token bytes at s.p[i] on. */
static inline size_t
slice_token_end(struct slice s, size_t i)
{
	return (size_t)(slice_skip_class(s.p + i, s.p + s.len, SLICE_C_TOKEN) -
	    s.p);
}

#endif
