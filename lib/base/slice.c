/*
 * slice.c - borrowed string slices and bounded conversions.
 */
#include <stdlib.h>
#include <string.h>

#include "slice.h"

/* RFC 3261 25.1: token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
#define TV	(SLICE_C_TOKEN | SLICE_C_GENVAL | SLICE_C_WORD)
#define VW	(SLICE_C_GENVAL | SLICE_C_WORD)
#define TH	(TV | SLICE_C_HOST)
const unsigned char slice_token_map[256] = {
	['0'] = TH, ['1'] = TH, ['2'] = TH, ['3'] = TH, ['4'] = TH,
	['5'] = TH, ['6'] = TH, ['7'] = TH, ['8'] = TH, ['9'] = TH,
	['a'] = TH, ['b'] = TH, ['c'] = TH, ['d'] = TH, ['e'] = TH, ['f'] = TH,
	['g'] = TH, ['h'] = TH, ['i'] = TH, ['j'] = TH, ['k'] = TH, ['l'] = TH,
	['m'] = TH, ['n'] = TH, ['o'] = TH, ['p'] = TH, ['q'] = TH, ['r'] = TH,
	['s'] = TH, ['t'] = TH, ['u'] = TH, ['v'] = TH, ['w'] = TH, ['x'] = TH,
	['y'] = TH, ['z'] = TH,
	['A'] = TH, ['B'] = TH, ['C'] = TH, ['D'] = TH, ['E'] = TH, ['F'] = TH,
	['G'] = TH, ['H'] = TH, ['I'] = TH, ['J'] = TH, ['K'] = TH, ['L'] = TH,
	['M'] = TH, ['N'] = TH, ['O'] = TH, ['P'] = TH, ['Q'] = TH, ['R'] = TH,
	['S'] = TH, ['T'] = TH, ['U'] = TH, ['V'] = TH, ['W'] = TH, ['X'] = TH,
	['Y'] = TH, ['Z'] = TH,
	['-'] = TH, ['.'] = TH, ['!'] = TV, ['%'] = TV, ['*'] = TV, ['_'] = TV,
	['+'] = TV, ['`'] = TV, ['\''] = TV, ['~'] = TV,
	/* gen-value adds what an IPv6 reference holds; word adds more */
	['['] = VW, [']'] = VW, [':'] = VW,
	['('] = SLICE_C_WORD, [')'] = SLICE_C_WORD, ['<'] = SLICE_C_WORD,
	['>'] = SLICE_C_WORD, ['\\'] = SLICE_C_WORD, ['"'] = SLICE_C_WORD,
	['/'] = SLICE_C_WORD, ['?'] = SLICE_C_WORD, ['{'] = SLICE_C_WORD,
	['}'] = SLICE_C_WORD,
};
#undef TV
#undef VW
#undef TH

static inline unsigned char
lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

struct slice
slice_cstr(const char *s)
{
	struct slice r = { s, s != NULL ? strlen(s) : 0 };

	return r;
}

int
slice_eq(struct slice a, struct slice b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

int
slice_ieq(struct slice a, struct slice b)
{
	size_t i;

	if (a.len != b.len)
		return 0;
	/* Equal bytes first: names are mostly written as they are looked up. */
	for (i = 0; i < a.len; i++)
		if (a.p[i] != b.p[i] && lower(a.p[i]) != lower(b.p[i]))
			return 0;
	return 1;
}

int
slice_eq_cstr(struct slice a, const char *s)
{
	return slice_eq(a, slice_cstr(s));
}

int
slice_ieq_cstr(struct slice a, const char *s)
{
	return slice_ieq(a, slice_cstr(s));
}

int
slice_has_prefix(struct slice s, const char *pfx)
{
	size_t n = strlen(pfx);

	return s.len >= n && memcmp(s.p, pfx, n) == 0;
}

int
slice_ihas_prefix(struct slice s, const char *pfx)
{
	size_t n = strlen(pfx);

	return s.len >= n && slice_ieq(slice_make(s.p, n), slice_make(pfx, n));
}

ptrdiff_t
slice_chr(struct slice s, char c)
{
	const char *q;

	if (s.len == 0)
		return -1;
	q = memchr(s.p, c, s.len);
	return q != NULL ? q - s.p : -1;
}

int
slice_split(struct slice *rest, char sep, struct slice *item)
{
	const char *q, *e;
	int inq = 0, ina = 0;
	size_t i;

	if (rest->len == 0 || rest->p == NULL)
		return 0;
	e = rest->p + rest->len;
	/*
	 * Jump from one byte that matters to the next: outside quotes sep,
	 * '"' and '<' (and '>' inside <>: "<a, b>" is one item), inside
	 * them '"' and the backslash.  Contact and Route lists are <>
	 * after <>, and a byte-by-byte scan of them showed in profiles.
	 */
	for (q = rest->p;; q++) {
		if (inq)
			q = slice_find3(q, e, '"', '\\', '"');
		else if (ina)
			q = slice_find3(q, e, '"', '>', '>');
		else
			q = slice_find3(q, e, sep, '"', '<');
		if (q == NULL) {
			i = rest->len;
			break;
		}
		if (inq) {
			if (*q == '\\' && q + 1 < e)
				q++;
			else if (*q == '"')
				inq = 0;
		} else if (*q == '"')
			inq = 1;
		else if (*q == '<')
			ina = 1;
		else if (*q == '>')
			ina = 0;
		else if (*q == sep && !ina) {
			i = (size_t)(q - rest->p);
			break;
		}
	}
	item->p = rest->p;
	item->len = i;
	if (i < rest->len) {
		rest->p += i + 1;
		rest->len -= i + 1;
		/* A trailing separator leaves an empty item, not nothing. */
		if (rest->len == 0)
			rest->p = item->p + i + 1;
	} else {
		rest->p += i;
		rest->len = 0;
	}
	return 1;
}

int
slice_to_u64(struct slice s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (s.len == 0)
		return -1;
	for (i = 0; i < s.len; i++) {
		unsigned d;

		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		d = (unsigned)(s.p[i] - '0');
		/* v * 10 + d > UINT64_MAX, without a division */
		if (v > UINT64_MAX / 10 ||
		    (v == UINT64_MAX / 10 && d > UINT64_MAX % 10))
			return -1;
		v = v * 10 + d;
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

int
slice_to_u32(struct slice s, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (slice_to_u64(s, max, &v) != 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int
slice_copy(struct slice s, char *dst, size_t dstsz)
{
	if (dstsz == 0 || s.len >= dstsz)
		return -1;
	if (s.len > 0)
		memcpy(dst, s.p, s.len);
	dst[s.len] = '\0';
	return 0;
}

char *
slice_dup(struct slice s)
{
	char *p = malloc(s.len + 1);

	if (p == NULL || slice_copy(s, p, s.len + 1) != 0) {
		free(p);
		return NULL;
	}
	return p;
}

int
slice_is_token_str(struct slice s)
{
	size_t i;

	if (s.len == 0)
		return 0;
	for (i = 0; i < s.len; i++)
		if (!slice_is_token(s.p[i]))
			return 0;
	return 1;
}

size_t
slice_count(const char *p, size_t n, char c)
{
	size_t k = 0, i = 0;

#ifdef __SSE2__
	const __m128i vc = _mm_set1_epi8(c), zero = _mm_setzero_si128();

#define EQ(off)	_mm_cmpeq_epi8(vc, _mm_loadu_si128((const __m128i *)	\
	(const void *)(p + i + (off))))
	while (n - i >= 16) {
		/* a match is -1 a byte: up to 255 rounds fit in a byte */
		__m128i acc = zero, sum;
		size_t end4 = i + 64 * 63 < n - 63 ? i + 64 * 63 : n - 63;
		size_t end = n - 15, r;

		if (n - i >= 64)
			for (; i < end4; i += 64)
				acc = _mm_sub_epi8(_mm_sub_epi8(acc,
				    _mm_add_epi8(EQ(0), EQ(16))),
				    _mm_add_epi8(EQ(32), EQ(48)));
		for (r = 0; r < 3 && i < end; r++, i += 16)
			acc = _mm_sub_epi8(acc, EQ(0));
		sum = _mm_sad_epu8(acc, zero);
		k += (size_t)_mm_cvtsi128_si32(sum) +
		    (size_t)_mm_cvtsi128_si32(_mm_unpackhi_epi64(sum, sum));
	}
#undef EQ
#endif
	for (; i < n; i++)
		k += p[i] == c;
	return k;
}
