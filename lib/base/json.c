/*
 * json.c - JSON writer.
 */
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "json.h"
#include "memo.h"

void
json_init(struct json *j, struct buf *b)
{
	memset(j, 0, sizeof(*j));
	j->b = b;
}

static void
emit(struct json *j, const char *s, size_t n)
{
	if (j->err == SIP_OK)
		j->err = buf_add(j->b, s, n);
}

/* Before a value: a comma if one came before at this level. */
static void
vsep(struct json *j)
{
	unsigned char *st;

	if (j->depth == 0)
		return;
	st = &j->state[j->depth - 1];
	if (*st == 1)
		emit(j, ",", 1);
	*st = 1;
}

static void
open_(struct json *j, char c)
{
	char *w;

	if (j->depth < JSON_MAX_DEPTH && (w = json_room_(j, 2)) != NULL) {
		w = json_sep_(j, w);
		*w++ = c;
		*w = '\0';
		j->b->len = (size_t)(w - j->b->p);
		j->state[j->depth] = 0;
		j->is_arr[j->depth++] = c == '[';
		return;
	}
	vsep(j);
	emit(j, &c, 1);
	if (j->depth >= JSON_MAX_DEPTH) {
		j->err = SIP_E_TOOBIG;
		return;
	}
	j->state[j->depth] = 0;
	j->is_arr[j->depth++] = c == '[';
}

void
json_obj(struct json *j)
{
	open_(j, '{');
}

void
json_arr(struct json *j)
{
	open_(j, '[');
}

void
json_end(struct json *j)
{
	char *w;

	if (j->depth == 0)
		return;
	j->depth--;
	if ((w = json_room_(j, 1)) != NULL) {
		*w++ = j->is_arr[j->depth] ? ']' : '}';
		*w = '\0';
		j->b->len = (size_t)(w - j->b->p);
	}
}

/*
 * Whether any of the 8 bytes of x needs a look: a control, '"', '\\' or
 * a byte of UTF-8 (the zero-byte tests of Hacker's Delight 6-1, each
 * exact about whether there is one).
 */
static int
bad8(uint64_t x)
{
	const uint64_t one = 0x0101010101010101ull, high = one * 0x80;
	uint64_t q = x ^ (one * '"'), b = x ^ (one * '\\');

	return ((((x - one * 0x20) & ~x) | ((q - one) & ~q) |
	    ((b - one) & ~b) | x) & high) != 0;
}

#ifdef __SSE2__
/* plain_run() for 16 bytes or more, 16 at a time. */
static size_t
plain_run16(const unsigned char *p, size_t len)
{
	const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'),
	    sp = _mm_set1_epi8(0x20);
	__m128i v;
	size_t i;
	unsigned m;

	/* Signed: bytes >= 0x80 and < 0x20 both compare below 0x20. */
#define BAD16(v)	((unsigned)_mm_movemask_epi8(_mm_or_si128(	\
	_mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, bs)),	\
	_mm_cmplt_epi8(v, sp))))
	for (i = 0; i + 16 <= len; i += 16) {
		v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		if ((m = BAD16(v)) != 0)
			return i + (size_t)__builtin_ctz(m);
	}
	if (i == len)
		return len;
	/* The last piece: the last 16 bytes again, never past the end. */
	v = _mm_loadu_si128((const __m128i *)(const void *)(p + len - 16));
	if ((m = BAD16(v)) == 0)
		return len;
#undef BAD16
	return len - 16 + (size_t)__builtin_ctz(m);
}
#endif

/*
 * Whether all of a string of at most 16 bytes passes, in one or two
 * words read without going past its end: two that overlap (8 to 16
 * bytes), two halves of one (4 to 7), or the first, middle and last
 * byte with letters that pass (1 to 3: that is every byte).
 */
static inline int
plain_short(const unsigned char *p, size_t len)
{
	uint64_t x, y;
	uint32_t a, b;

	if (len >= 8) {
		memcpy(&x, p, 8);
		memcpy(&y, p + len - 8, 8);
		return !bad8(x) && !bad8(y);
	}
	if (len >= 4) {
		memcpy(&a, p, 4);
		memcpy(&b, p + len - 4, 4);
		return !bad8(a | (uint64_t)b << 32);
	}
	if (len == 0)
		return 1;
	return !bad8(p[0] | (uint64_t)p[len >> 1] << 8 |
	    (uint64_t)p[len - 1] << 16 | 0x6161616161000000ull);
}

/*
 * Bytes before the first that needs a look: most strings have none, and
 * go out in one copy.  Keys and most values are short: a string of up
 * to 16 bytes is tested in one or two words, never past its end.
 */
static inline size_t
plain_run(const unsigned char *p, size_t len)
{
	size_t i = 0;

#ifdef __SSE2__
	if (len >= 16)
		return plain_run16(p, len);
#endif
	if (len <= 16 && plain_short(p, len))
		return len;
	/* (0x20 to 0x7f in one comparison) */
	for (; i < len; i++)
		if ((unsigned)(p[i] - 0x20) >= 0x60 || p[i] == '"' ||
		    p[i] == '\\')
			break;
	return i;
}

/*
 * Room for n bytes and the NUL after them at the end of the buffer, or
 * NULL after an error (the slow paths then keep or set it).
 */
static char *
room(struct json *j, size_t n)
{
	struct buf *b = j->b;

	if (j->err != SIP_OK || (n >= b->cap - b->len &&
	    buf_reserve(b, n) != SIP_OK))
		return NULL;
	return b->p + b->len;
}

/* After writing through room(): w is where the writing stopped. */
static void
wrote(struct json *j, char *w)
{
	*w = '\0';
	j->b->len = (size_t)(w - j->b->p);
}

/* A comma before a value when one came before at this level. */
static char *
wsep(struct json *j, char *w)
{
	unsigned char *st;

	if (j->depth == 0)
		return w;
	st = &j->state[j->depth - 1];
	if (*st == 1)
		*w++ = ',';
	*st = 1;
	return w;
}

enum sip_err
json_escape(struct buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, run;
	enum sip_err e;
	char esc[8];

	i = run = plain_run(p, len);
	if (i == len)
		return buf_add(b, s, len);

#define FLUSH()	do {						\
	if (run > 0 && (e = buf_add(b, p + i - run, run)) != SIP_OK)	\
		return e;					\
	run = 0;						\
} while (0)
	while (i < len) {
		unsigned char c = p[i];
		size_t n = 0;

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			n = plain_run(p + i, len - i);
			run += n;
			i += n;
			continue;
		}
		if (c >= 0x80) {
			/* Valid UTF-8 passes through; anything else is U+FFFD. */
			uint32_t cp = 0;

			if (c >= 0xc2 && c <= 0xdf)
				n = 1, cp = c & 0x1f;
			else if (c >= 0xe0 && c <= 0xef)
				n = 2, cp = c & 0x0f;
			else if (c >= 0xf0 && c <= 0xf4)
				n = 3, cp = c & 0x07;
			if (n > 0 && i + n < len) {
				size_t k;

				for (k = 1; k <= n; k++) {
					if ((p[i + k] & 0xc0) != 0x80)
						break;
					cp = (cp << 6) | (p[i + k] & 0x3f);
				}
				if (k > n && !(n == 2 && cp < 0x800) &&
				    !(n == 3 && (cp < 0x10000 || cp > 0x10ffff)) &&
				    !(cp >= 0xd800 && cp <= 0xdfff)) {
					run += n + 1;
					i += n + 1;
					continue;
				}
			}
			FLUSH();
			if ((e = buf_adds(b, "\\ufffd")) != SIP_OK)
				return e;
			i++;
			continue;
		}
		FLUSH();
		switch (c) {
		case '"': e = buf_adds(b, "\\\""); break;
		case '\\': e = buf_adds(b, "\\\\"); break;
		case '\n': e = buf_adds(b, "\\n"); break;
		case '\r': e = buf_adds(b, "\\r"); break;
		case '\t': e = buf_adds(b, "\\t"); break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			e = buf_adds(b, esc);
		}
		if (e != SIP_OK)
			return e;
		i++;
	}
	FLUSH();
#undef FLUSH
	return SIP_OK;
}

/*
 * The comma if one is due, then "key": for a key that needs no escaping
 * (nearly all), with room for extra bytes after it; NULL when the key
 * needs escaping or after an error, with nothing written.
 */
static char *
key_put(struct json *j, const char *key, size_t n, size_t extra)
{
	char *w;

	if (plain_run((const unsigned char *)key, n) != n ||
	    (w = room(j, n + 4 + extra)) == NULL)
		return NULL;
	w = wsep(j, w);
	*w++ = '"';
	memcpy(w, key, n);
	w += n;
	*w++ = '"';
	*w++ = ':';
	return w;
}

void
json_key(struct json *j, const char *key)
{
	size_t n = strlen(key);
	char *w;

	/* Nearly always: a key to copy as it is, in one go. */
	if ((w = key_put(j, key, n, 0)) != NULL) {
		wrote(j, w);
	} else {
		vsep(j);
		emit(j, "\"", 1);
		if (j->err == SIP_OK)
			j->err = json_escape(j->b, key, n);
		emit(j, "\":", 2);
	}
	/* The member's value follows: it must not add a comma. */
	if (j->depth > 0)
		j->state[j->depth - 1] = 2;
}

void
json_slice(struct json *j, struct slice s)
{
	char *w;

	if (s.p == NULL) {
		vsep(j);
		emit(j, "null", 4);
	} else if ((w = json_room_(j, s.len + 3 + JSON_SLACK)) != NULL) {
		json_putq_(j, json_sep_(j, w), s);
	}
}

void
json_str(struct json *j, const char *s)
{
	json_slice(j, slice_cstr(s));
}

void
json_int(struct json *j, int64_t v)
{
	char t[24], *e = t + sizeof(t), *q = e;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do
		*--q = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--q = '-';
	vsep(j);
	emit(j, q, (size_t)(e - q));
}

void
json_raw(struct json *j, const char *p, size_t n)
{
	vsep(j);
	emit(j, p, n);
}

void
json_dbl(struct json *j, double v, int decimals)
{
	char t[64];
	int n;

	vsep(j);
	if (!isfinite(v)) {
		emit(j, "null", 4);
		return;
	}
	n = snprintf(t, sizeof(t), "%.*f", decimals, v);
	emit(j, t, (size_t)n);
}

void
json_bool(struct json *j, int v)
{
	vsep(j);
	emit(j, v ? "true" : "false", v ? 4 : 5);
}

void
json_null(struct json *j)
{
	vsep(j);
	emit(j, "null", 4);
}

void
json_kstr(struct json *j, const char *key, const char *s)
{
	json_kslice(j, key, slice_cstr(s));
}

/* Key and value in one go when neither needs escaping. */
void
json_kslice(struct json *j, const char *key, struct slice s)
{
	char *w;

	if (s.p != NULL && plain_run((const unsigned char *)s.p, s.len) ==
	    s.len && (w = key_put(j, key, strlen(key), s.len + 2)) != NULL) {
		*w++ = '"';
		memcpy(w, s.p, s.len);
		w += s.len;
		*w++ = '"';
		wrote(j, w);
		return;
	}
	json_key(j, key);
	json_slice(j, s);
}

void
json_kint(struct json *j, const char *key, int64_t v)
{
	char t[24], *e = t + sizeof(t), *q = e, *w;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do
		*--q = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--q = '-';
	if ((w = key_put(j, key, strlen(key), (size_t)(e - q))) != NULL) {
		memcpy(w, q, (size_t)(e - q));
		wrote(j, w + (e - q));
		return;
	}
	json_key(j, key);
	json_raw(j, q, (size_t)(e - q));
}

void
json_kbool(struct json *j, const char *key, int v)
{
	json_key(j, key);
	json_bool(j, v);
}

/* ---- the members of literal keys (json.h) ---- */

/* (never inlined: the callers' fast paths stay leaves, with no register to save) */
__attribute__((noinline)) enum sip_err
json_grow_(struct json *j, size_t n)
{
	enum sip_err e = buf_reserve(j->b, n);

	if (e != SIP_OK)
		j->err = e;
	return e;
}

/*
 * n bytes from p to w, with room for them there: up to 16 in two moves
 * that may overlap, where a call to memcpy() would cost more than the
 * copy (most values are a few bytes).
 */
static inline void
copy_short(char *w, const char *p, size_t n)
{
	uint64_t a, b;
	uint32_t c, d;

	if (n > 16) {
		memcpy(w, p, n);
	} else if (n >= 8) {
		memcpy(&a, p, 8);
		memcpy(&b, p + n - 8, 8);
		memcpy(w, &a, 8);
		memcpy(w + n - 8, &b, 8);
	} else if (n >= 4) {
		memcpy(&c, p, 4);
		memcpy(&d, p + n - 4, 4);
		memcpy(w, &c, 4);
		memcpy(w + n - 4, &d, 4);
	} else if (n > 0) {
		w[0] = p[0];
		w[n >> 1] = p[n >> 1];
		w[n - 1] = p[n - 1];
	}
}

/*
 * n bytes from p to w for any n: up to 32 in moves that may overlap
 * (never past either end), more by memcpy(), which is then cheaper.
 */
static inline void
copy_any(char *w, const char *p, size_t n)
{
#ifdef __SSE2__
	if (n >= 16 && n <= 32) {
		__m128i a = _mm_loadu_si128((const __m128i *)(const void *)p),
		    b = _mm_loadu_si128((const __m128i *)(const void *)
		    (p + n - 16));

		_mm_storeu_si128((__m128i *)(void *)w, a);
		_mm_storeu_si128((__m128i *)(void *)(w + n - 16), b);
		return;
	}
#endif
	if (n <= 16)
		copy_short(w, p, n);
	else
		memcpy(w, p, n);
}

/* After writing at w through json_room_(): the end of the buffer. */
static inline void
wrote_at(struct json *j, char *w)
{
	*w = '\0';
	j->b->len = (size_t)(w - j->b->p);
}

#ifdef __SSE2__
/* A bit for each of the 16 bytes that needs a look. */
static inline unsigned
bad16(__m128i v)
{
	/* Signed: bytes >= 0x80 and < 0x20 both compare below 0x20. */
	return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(
	    _mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
	    _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
	    _mm_cmplt_epi8(v, _mm_set1_epi8(0x20))));
}
#endif

/* json_putq_() of a string that needs escaping. */
static void
putq_escaped(struct json *j, char *w, struct slice s)
{
	*w++ = '"';
	wrote_at(j, w);
	if ((j->err = json_escape(j->b, s.p, s.len)) == SIP_OK)
		j->err = buf_add(j->b, "\"", 1);
}

/*
 * "s" at w, with room for s.len + 2 bytes there.  A leaf for strings
 * that need no escaping (nearly all): up to 16 bytes tested and copied
 * in words, longer ones 16 at a time, each piece copied as it passes
 * (what a failed test left is written over by putq_escaped()).
 */
static __attribute__((noinline)) void
putq_rest(struct json *j, char *w, struct slice s)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t n = s.len;

	if (n <= 16) {
		if (!plain_short(p, n)) {
			putq_escaped(j, w, s);
			return;
		}
		copy_short(w + 1, s.p, n);
	} else {
#ifdef __SSE2__
		__m128i v;
		size_t i;

#define BAD16(v)	bad16(v)
		for (i = 0; i + 16 <= n; i += 16) {
			v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
			if (BAD16(v)) {
				putq_escaped(j, w, s);
				return;
			}
			_mm_storeu_si128((__m128i *)(void *)(w + 1 + i), v);
		}
		if (i < n) {
			/* the last 16 bytes again, never past the end */
			v = _mm_loadu_si128((const __m128i *)(const void *)
			    (p + n - 16));
			if (BAD16(v)) {
				putq_escaped(j, w, s);
				return;
			}
			_mm_storeu_si128((__m128i *)(void *)(w + 1 + n - 16), v);
		}
#undef BAD16
#else
		if (plain_run(p, n) != n) {
			putq_escaped(j, w, s);
			return;
		}
		memcpy(w + 1, s.p, n);
#endif
	}
	*w = '"';
	w += n + 1;
	*w++ = '"';
	wrote_at(j, w);
}

/*
 * The common case of json_putq_() without a call or a register to save:
 * up to 16 bytes in one load, when the 16 bytes at p are on one page
 * (the bytes past the end are read but count for nothing, as in
 * strlen()), and the copy writes into the slack the callers keep
 * (JSON_SLACK).
 */
void
json_putq_(struct json *j, char *w, struct slice s)
{
#if defined(__SSE2__) && !defined(SLICE_NO_OVERREAD)
	const unsigned char *p = (const unsigned char *)s.p;
	size_t n = s.len;

	if (n - 1 < 16 && SLICE_PAGE_SAFE16(p)) {
		/* (1 to 16 bytes: an empty string may point past the end) */
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);

		if ((bad16(v) & ((1u << n) - 1)) == 0) {
			_mm_storeu_si128((__m128i *)(void *)(w + 1), v);
			goto done;
		}
	} else if (n > 16) {
		__m128i v;
		size_t i;

		/* 16 at a time, each piece copied as it passes */
		for (i = 0; i + 16 <= n; i += 16) {
			v = _mm_loadu_si128((const __m128i *)(const void *)
			    (p + i));
			if (bad16(v))
				goto rest;
			_mm_storeu_si128((__m128i *)(void *)(w + 1 + i), v);
		}
		if (i < n) {
			/* the last 16 bytes again, never past the end */
			v = _mm_loadu_si128((const __m128i *)(const void *)
			    (p + n - 16));
			if (bad16(v))
				goto rest;
			_mm_storeu_si128((__m128i *)(void *)(w + 1 + n - 16),
			    v);
		}
done:
		*w = '"';
		w += n + 1;
		*w++ = '"';
		wrote_at(j, w);
		return;
	}
rest:
#endif
	putq_rest(j, w, s);
}

const char json_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930"
    "31323334353637383940414243444546474849505152535455565758596061"
    "62636465666768697071727374757677787980818283848586878889909192"
    "93949596979899";

void
json_putint_(struct json *j, char *w, int64_t v)
{
	const char *pairs = json_pairs;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v, t;
	uint32_t x;
	char *e;

	if (v < 0)
		*w++ = '-';
	if (u > UINT32_MAX) {
		/* the end first, then two digits a division, written in place */
		e = w + 1;
		for (t = u; t >= 10; t /= 10)
			e++;
		w = e;
		while (u >= 100) {
			w -= 2;
			memcpy(w, pairs + u % 100 * 2, 2);
			u /= 100;
		}
	} else {
		/* (what nearly every number is: in 32 bits, and small) */
		x = (uint32_t)u;
		e = w + (x < 10 ? 1 : x < 100 ? 2 : x < 1000 ? 3 : x < 10000 ?
		    4 : x < 100000 ? 5 : x < 1000000 ? 6 : x < 10000000 ? 7 :
		    x < 100000000 ? 8 : x < 1000000000 ? 9 : 10);
		w = e;
		while (x >= 100) {
			w -= 2;
			memcpy(w, pairs + x % 100 * 2, 2);
			x /= 100;
		}
		u = x;
	}
	if (u >= 10)
		memcpy(w - 2, pairs + u * 2, 2);
	else
		w[-1] = (char)('0' + u);
	wrote_at(j, e);
}

/* json_qslice() of a NULL value ("key":null), or after an error. */
void
json_qslow_(struct json *j, const char *qk, size_t qn, struct slice s)
{
	char *w;

	if (s.p != NULL || (w = json_room_(j, qn + 5)) == NULL)
		return;
	w = json_sep_(j, w);
	memcpy(w, qk, qn);
	memcpy(w + qn, "null", 4);
	wrote_at(j, w + qn + 4);
}

/* json_qopen() too deep, or after an error: as json_obj() would. */
void
json_qopen_slow_(struct json *j, const char *qk, size_t qn)
{
	char *w;

	if (j->err != SIP_OK)
		return;
	if ((w = json_room_(j, qn + 1)) == NULL)
		return;
	w = json_sep_(j, w);
	memcpy(w, qk, qn);
	wrote_at(j, w + qn);
	j->err = SIP_E_TOOBIG;
}

void
json_skey(struct json *j, struct slice key)
{
	char *w;

	if (plain_run((const unsigned char *)key.p, key.len) == key.len &&
	    (w = json_room_(j, key.len + 4)) != NULL) {
		w = json_sep_(j, w);
		*w++ = '"';
		copy_short(w, key.p, key.len);
		w += key.len;
		*w++ = '"';
		*w++ = ':';
		wrote_at(j, w);
	} else {
		vsep(j);
		emit(j, "\"", 1);
		if (j->err == SIP_OK)
			j->err = json_escape(j->b, key.p, key.len);
		emit(j, "\":", 2);
	}
	if (j->depth > 0)
		j->state[j->depth - 1] = 2;
}

void
json_skslice(struct json *j, struct slice key, struct slice v)
{
	char *w;

	if (v.p == NULL || plain_run((const unsigned char *)key.p, key.len) !=
	    key.len || (w = json_room_(j, key.len + v.len + 6 + JSON_SLACK)) ==
	    NULL) {
		json_skey(j, key);
		json_slice(j, v);
		return;
	}
	w = json_sep_(j, w);
	*w++ = '"';
	copy_short(w, key.p, key.len);
	w += key.len;
	*w++ = '"';
	*w++ = ':';
	json_putq_(j, w, v);
}

/* ---- output recalled from a memo ---- */

int
json_memo_hit(struct json *j, struct memo *m, struct json_memo *jm,
    uint32_t tag, struct slice key)
{
	const struct memo_slot *s;
	uint64_t h;
	char *w;

	jm->h = 0;
	if (m == NULL || key.p == NULL || j->err != SIP_OK)
		return 0;
	h = memo_hash(tag, key.p, key.len);
	if ((s = memo_find(m, h, tag, key.p, key.len)) != NULL) {
		if ((w = json_room_(j, s->vlen + 1)) != NULL) {
			w = json_sep_(j, w);
			copy_any(w, s->p + s->klen, s->vlen);
			wrote_at(j, w + s->vlen);
		}
		return 1;
	}
	jm->m = m;
	jm->h = h;
	jm->tag = tag;
	jm->key = key;
	jm->at = j->b->len;
	return 0;
}

void
json_memo_keep(struct json *j, const struct json_memo *jm)
{
	size_t at = jm->at;

	if (jm->h == 0 || j->err != SIP_OK || at >= j->b->len)
		return;
	/* the comma belongs to this place, not to the value */
	if (j->b->p[at] == ',')
		at++;
	memo_put(jm->m, jm->h, jm->tag, jm->key.p, jm->key.len, j->b->p + at,
	    j->b->len - at);
}

/* ---- output with holes ---- */

/* (the template's head: how many holes, then where each is in the text) */
#define HOLES_MAX	8

int
json_memo_hit_holes(struct json *j, struct memo *m, struct json_memo *jm,
    uint32_t tag, struct slice a, struct slice t)
{
	const struct memo_slot *s;
	const unsigned char *v;
	const char *text;
	size_t n, tn, at, off, i;
	uint64_t h;
	char *w;

	jm->h = 0;
	if (m == NULL || a.p == NULL || j->err != SIP_OK)
		return 0;
	h = memo_hash(tag, a.p, a.len);
	if ((s = memo_find(m, h, tag, a.p, a.len)) != NULL) {
		v = (const unsigned char *)s->p + s->klen;
		n = v[0];
		text = (const char *)v + 1 + 2 * n;
		tn = s->vlen - 1 - 2 * n;
		if ((w = json_room_(j, tn + n * t.len + 1)) != NULL) {
			w = json_sep_(j, w);
			for (i = at = 0; i < n; i++) {
				off = (size_t)v[1 + 2 * i] | (size_t)v[2 + 2 * i] << 8;
				copy_any(w, text + at, off - at);
				w += off - at;
				copy_short(w, t.p, t.len);
				w += t.len;
				at = off;
			}
			copy_any(w, text + at, tn - at);
			wrote_at(j, w + tn - at);
		}
		return 1;
	}
	jm->m = m;
	jm->h = h;
	jm->tag = tag;
	jm->key = a;
	jm->at = j->b->len;
	return 0;
}

/* Keep tmpl (a mark for each hole) for jm if, with t in them, it is what was written. */
static void
keep_holes(struct json *j, const struct json_memo *jm, struct slice tmpl,
    struct slice t)
{
	unsigned char v[MEMO_MAX_ENTRY];
	const char *out, *end;
	size_t at = jm->at, n = 0, tn = 0, k;
	char *text = (char *)v + 1 + 2 * HOLES_MAX;

	if (jm->h == 0 || j->err != SIP_OK || at >= j->b->len ||
	    memchr(jm->key.p, JSON_HOLE_MARK, jm->key.len) != NULL ||
	    tmpl.len > sizeof(v) - 1 - 2 * HOLES_MAX - jm->key.len)
		return;
	if (j->b->p[at] == ',')
		at++;
	out = j->b->p + at;
	end = j->b->p + j->b->len;
	for (k = 0; k < tmpl.len; k++) {
		if (tmpl.p[k] == JSON_HOLE_MARK) {
			if (n == HOLES_MAX || (size_t)(end - out) < t.len ||
			    memcmp(out, t.p, t.len) != 0 || tn > 0xffff)
				return;
			v[1 + 2 * n] = (unsigned char)tn;
			v[2 + 2 * n] = (unsigned char)(tn >> 8);
			n++;
			out += t.len;
			continue;
		}
		if (out == end || *out != tmpl.p[k])
			return;
		out++;
		text[tn++] = tmpl.p[k];
	}
	if (out != end)
		return;
	v[0] = (unsigned char)n;
	/* (the text after the n offsets, not after HOLES_MAX of them) */
	memmove(v + 1 + 2 * n, text, tn);
	memo_put(jm->m, jm->h, jm->tag, jm->key.p, jm->key.len,
	    (const char *)v, 1 + 2 * n + tn);
}

void
json_memo_make_holes(struct json *j, const struct json_memo *jm,
    struct slice t, int t_first,
    void (*write)(struct json *, struct slice, const void *),
    const void *arg)
{
	static struct buf xb, yb;
	struct slice a = jm->key;
	struct json xj, yj;
	size_t i;
	char v[1024];

	if (jm->h == 0 || j->err != SIP_OK || a.len >= sizeof(v))
		return;
	memcpy(v + (t_first ? 1 : 0), a.p, a.len);
	buf_reset(&xb);
	buf_reset(&yb);
	json_init(&xj, &xb);
	json_init(&yj, &yb);
	v[t_first ? 0 : a.len] = '8';
	write(&xj, slice_make(v, a.len + 1), arg);
	v[t_first ? 0 : a.len] = '9';
	write(&yj, slice_make(v, a.len + 1), arg);
	if (xj.err != SIP_OK || yj.err != SIP_OK || xb.len != yb.len ||
	    xb.p == NULL)
		return;
	for (i = 0; i < xb.len; i++)
		if (xb.p[i] != yb.p[i]) {
			if (xb.p[i] != '8' || yb.p[i] != '9')
				return;
			xb.p[i] = JSON_HOLE_MARK;
		}
	keep_holes(j, jm, buf_slice(&xb), t);
}
