/*
 * field.c - small typed header fields (RFC 3261 20, 25.1; RFC 3262;
 * RFC 6665).
 */
#include <string.h>

#include "bounds.h"
#include "field.h"

static size_t
digits_end(struct slice s, size_t i)
{
	while (i < s.len && s.p[i] >= '0' && s.p[i] <= '9')
		i++;
	return i;
}

/* Parameters from s.p[i] on, offsets fixed up to s. */
static enum sip_err
params_at(struct sip_params *ps, struct slice s, size_t i, struct sip_perr *pe)
{
	enum sip_err e;

	if ((e = sip_param_parse(ps, slice_from(s, i), pe)) != SIP_OK &&
	    pe != NULL)
		pe->off += i;
	return e;
}

enum sip_err
sip_field_callid(struct slice v, struct sip_perr *pe)
{
	size_t i = slice_skip_lws(v, 0), j, end = v.len;

	while (end > i && sip_param_is_lws(v.p[end - 1]))
		end--;
	if (i == end)
		SIP_PERR_FAIL(pe, i, "empty Call-ID");
	/* callid = word [ "@" word ]; SLICE_C_WORD is RFC 3261's word */
	j = (size_t)(slice_skip_class(v.p + i, v.p + end, SLICE_C_WORD) - v.p);
	if (j < end && v.p[j] == '@' && j > i) {
		size_t k = ++j;

		j = (size_t)(slice_skip_class(v.p + j, v.p + end, SLICE_C_WORD) -
		    v.p);
		if (j == k)
			SIP_PERR_FAIL(pe, j, "Call-ID has nothing after '@'");
	}
	if (j == i)
		SIP_PERR_FAIL(pe, j, "Call-ID does not start with a word");
	if (j < end)
		SIP_PERR_FAIL(pe, j, sip_param_is_lws(v.p[j]) ?
		    "Call-ID contains whitespace" :
		    "invalid character in Call-ID");
	return SIP_OK;
}

enum sip_err
sip_field_cseq(struct sip_cseq *c, struct slice v, struct sip_perr *pe)
{
	size_t i = slice_skip_lws(v, 0), j, k;
	uint64_t n;

	memset(c, 0, sizeof(*c));
	/* Ten digits at most before the value must be checked: 2^31-1 has
	 * ten, and eleven cannot overflow a uint64_t. */
	for (n = 0, j = i; j < v.len && (unsigned)(v.p[j] - '0') < 10 &&
	    j - i < 11; j++)
		n = n * 10 + (unsigned)(v.p[j] - '0');
	if (j == i)
		SIP_PERR_FAIL(pe, i, "CSeq does not start with a number");
	if (n > SIP_MAX_CSEQ || (j < v.len && (unsigned)(v.p[j] - '0') < 10))
		SIP_PERR_FAIL(pe, i, "CSeq number above 2^31-1");
	c->num = (uint32_t)n;
	k = slice_skip_lws(v, j);
	if (k == j)
		SIP_PERR_FAIL(pe, j,
		    k < v.len ? "CSeq number is not followed by a space" :
		    "CSeq has no method");
	j = slice_token_end(v, k);
	if (j == k)
		SIP_PERR_FAIL(pe, k, k < v.len ? "CSeq method is not a token" :
		    "CSeq has no method");
	c->method = slice_make(v.p + k, j - k);
	c->mid = sip_method_lookup(c->method);
	if (slice_skip_lws(v, j) != v.len)
		SIP_PERR_FAIL(pe, j, "junk after the CSeq method");
	return SIP_OK;
}

enum sip_err
sip_field_number(struct slice v, uint32_t max, uint32_t *out,
    const char *too_big, struct sip_perr *pe)
{
	size_t i = slice_skip_lws(v, 0), j;
	uint64_t n;

	if (i < v.len && v.p[i] == '-')
		SIP_PERR_FAIL(pe, i, "negative number");
	j = digits_end(v, i);
	if (j == i)
		SIP_PERR_FAIL(pe, i, "not a number");
	if (slice_skip_lws(v, j) != v.len)
		SIP_PERR_FAIL(pe, j, "junk after the number");
	if (slice_to_u64(slice_make(v.p + i, j - i), UINT64_MAX, &n) != 0 ||
	    n > max)
		SIP_PERR_FAIL(pe, i,
		    too_big != NULL ? too_big : "number out of range");
	*out = (uint32_t)n;
	return SIP_OK;
}

enum sip_err
sip_field_ctype(struct sip_ctype *ct, struct slice v, struct sip_perr *pe)
{
	size_t i = slice_skip_lws(v, 0), j;

	memset(ct, 0, sizeof(*ct));
	j = slice_token_end(v, i);
	if (j == i)
		SIP_PERR_FAIL(pe, i, "media type is not a token");
	ct->type = slice_make(v.p + i, j - i);
	i = slice_skip_lws(v, j);
	if (i >= v.len || v.p[i] != '/')
		SIP_PERR_FAIL(pe, i, "media type has no '/'");
	i = slice_skip_lws(v, i + 1);
	j = slice_token_end(v, i);
	if (j == i)
		SIP_PERR_FAIL(pe, i, "media subtype is not a token");
	ct->subtype = slice_make(v.p + i, j - i);
	return params_at(&ct->params, v, j, pe);
}

enum sip_err
sip_field_event(struct sip_event *ev, struct slice v, struct sip_perr *pe)
{
	size_t i = slice_skip_lws(v, 0), j;
	const struct sip_param *p;
	enum sip_err e;

	memset(ev, 0, sizeof(*ev));
	/* event-type = event-package *( "." event-template ): a token */
	j = slice_token_end(v, i);
	if (j == i)
		SIP_PERR_FAIL(pe, i, "event package is not a token");
	ev->package = slice_make(v.p + i, j - i);
	if ((e = params_at(&ev->params, v, j, pe)) != SIP_OK)
		return e;
	if ((p = sip_param_find(&ev->params, "id")) != NULL)
		ev->id = p->value;
	return SIP_OK;
}

enum sip_err
sip_field_substate(struct sip_substate *ss, struct slice v, struct sip_perr *pe)
{
	size_t i = slice_skip_lws(v, 0), j;
	const struct sip_param *p;
	enum sip_err e;

	memset(ss, 0, sizeof(*ss));
	j = slice_token_end(v, i);
	if (j == i)
		SIP_PERR_FAIL(pe, i, "subscription state is not a token");
	ss->state = slice_make(v.p + i, j - i);
	if ((e = params_at(&ss->params, v, j, pe)) != SIP_OK)
		return e;
	if ((p = sip_param_find(&ss->params, "reason")) != NULL)
		ss->reason = p->value;
	if ((p = sip_param_find(&ss->params, "expires")) != NULL) {
		if (sip_field_number(p->value, SIP_MAX_DELTA, &ss->expires,
		    "expires above 2^32-1", pe) != SIP_OK) {
			if (pe != NULL)
				pe->off += (size_t)(p->value.p - v.p);
			return SIP_E_PARSE;
		}
		ss->has_expires = 1;
	}
	if ((p = sip_param_find(&ss->params, "retry-after")) != NULL) {
		if (sip_field_number(p->value, SIP_MAX_DELTA, &ss->retry_after,
		    "retry-after above 2^32-1", pe) != SIP_OK) {
			if (pe != NULL)
				pe->off += (size_t)(p->value.p - v.p);
			return SIP_E_PARSE;
		}
		ss->has_retry = 1;
	}
	return SIP_OK;
}

enum sip_err
sip_field_tokens(struct slice v, struct slice *out, unsigned max, unsigned *n,
    struct sip_perr *pe)
{
	size_t i = slice_skip_lws(v, 0), j;

	*n = 0;
	if (i == v.len)
		return SIP_OK;
	for (;;) {
		j = slice_token_end(v, i);
		if (j == i)
			SIP_PERR_FAIL(pe, i, i < v.len && v.p[i] == ',' ?
			    "extraneous header separators: empty list element" :
			    "list element is not a token");
		if (*n >= max) {
			if (pe != NULL) {
				pe->off = i;
				pe->why = "too many list elements";
			}
			return SIP_E_TOOBIG;
		}
		out[(*n)++] = slice_make(v.p + i, j - i);
		i = slice_skip_lws(v, j);
		if (i == v.len)
			return SIP_OK;
		if (v.p[i] != ',')
			SIP_PERR_FAIL(pe, i,
			    "list elements are not separated by ','");
		i = slice_skip_lws(v, i + 1);
	}
}

enum sip_err
sip_field_rack(struct sip_rack *r, struct slice v, struct sip_perr *pe)
{
	size_t i = slice_skip_lws(v, 0), j;
	uint32_t n;

	memset(r, 0, sizeof(*r));
	j = digits_end(v, i);
	if (slice_to_u32(slice_make(v.p + i, j - i), SIP_MAX_DELTA, &n) != 0)
		SIP_PERR_FAIL(pe, i,
		    "RAck response number is not a number below 2^32");
	r->rseq = n;
	i = slice_skip_lws(v, j);
	if (i == j)
		SIP_PERR_FAIL(pe, j, "RAck number is not followed by a space");
	j = digits_end(v, i);
	if (slice_to_u32(slice_make(v.p + i, j - i), SIP_MAX_CSEQ, &n) != 0)
		SIP_PERR_FAIL(pe, i,
		    "RAck CSeq number is not a number below 2^31");
	r->cseq = n;
	i = slice_skip_lws(v, j);
	if (i == j)
		SIP_PERR_FAIL(pe, j,
		    "RAck CSeq number is not followed by a space");
	j = slice_token_end(v, i);
	if (j == i)
		SIP_PERR_FAIL(pe, i, "RAck method is not a token");
	r->method = slice_make(v.p + i, j - i);
	if (slice_skip_lws(v, j) != v.len)
		SIP_PERR_FAIL(pe, j, "junk after the RAck method");
	return SIP_OK;
}

enum sip_err
sip_field_retry_after(struct sip_retry_after *ra, struct slice v,
    struct sip_perr *pe)
{
	size_t i = slice_skip_lws(v, 0), j;
	uint64_t n;

	memset(ra, 0, sizeof(*ra));
	j = digits_end(v, i);
	if (j == i)
		SIP_PERR_FAIL(pe, i, "Retry-After is not a number");
	if (slice_to_u64(slice_make(v.p + i, j - i), UINT64_MAX, &n) != 0 ||
	    n > SIP_MAX_DELTA)
		SIP_PERR_FAIL(pe, i, "Retry-After above 2^32-1");
	ra->secs = (uint32_t)n;
	i = slice_skip_lws(v, j);
	if (i < v.len && v.p[i] == '(') {
		/* comment = LPAREN *(ctext / quoted-pair / comment) RPAREN */
		int depth = 0;

		for (j = i; j < v.len; j++) {
			if (v.p[j] == '\\' && j + 1 < v.len)
				j++;
			else if (v.p[j] == '(')
				depth++;
			else if (v.p[j] == ')' && --depth == 0)
				break;
		}
		if (j >= v.len)
			SIP_PERR_FAIL(pe, i,
			    "unterminated comment in Retry-After");
		ra->comment = slice_make(v.p + i, j + 1 - i);
		i = j + 1;
	}
	return params_at(&ra->params, v, i, pe);
}

static int
two(struct slice v, size_t i, int *out)
{
	if (i + 2 > v.len || v.p[i] < '0' || v.p[i] > '9' ||
	    v.p[i + 1] < '0' || v.p[i + 1] > '9')
		return -1;
	*out = (v.p[i] - '0') * 10 + (v.p[i + 1] - '0');
	return 0;
}

enum sip_err
sip_field_date(struct sip_date *d, struct slice v, struct sip_perr *pe)
{
	static const char wk[] = "SunMonTueWedThuFriSat";
	static const char mo[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	size_t i = slice_skip_lws(v, 0), end = v.len;
	int k, hi, lo;

	memset(d, 0, sizeof(*d));
	while (end > i && sip_param_is_lws(v.p[end - 1]))
		end--;
	v.len = end;
	/* "Sat, 13 Nov 2010 23:29:00 GMT" is 29 bytes. */
	if (v.len - i < 25)
		SIP_PERR_FAIL(pe, i, "Date is not an RFC 1123 date");
	for (k = 0; k < 7; k++)
		if (memcmp(v.p + i, wk + 3 * k, 3) == 0)
			break;
	if (k == 7)
		SIP_PERR_FAIL(pe, i, "Date has no valid weekday");
	d->wday = k;
	if (v.p[i + 3] != ',' || v.p[i + 4] != ' ')
		SIP_PERR_FAIL(pe, i + 3,
		    "Date weekday is not followed by \", \"");
	i += 5;
	if (two(v, i, &d->mday) != 0 || d->mday < 1 || d->mday > 31 ||
	    v.p[i + 2] != ' ')
		SIP_PERR_FAIL(pe, i, "Date has no valid day of the month");
	i += 3;
	for (k = 0; k < 12; k++)
		if (i + 3 <= v.len && memcmp(v.p + i, mo + 3 * k, 3) == 0)
			break;
	if (k == 12 || i + 3 >= v.len || v.p[i + 3] != ' ')
		SIP_PERR_FAIL(pe, i, "Date has no valid month");
	d->mon = k;
	i += 4;
	if (two(v, i, &hi) != 0 || two(v, i + 2, &lo) != 0 ||
	    i + 4 >= v.len || v.p[i + 4] != ' ')
		SIP_PERR_FAIL(pe, i, "Date has no four-digit year");
	d->year = hi * 100 + lo;
	i += 5;
	if (two(v, i, &d->hour) != 0 || i + 8 > v.len || v.p[i + 2] != ':' ||
	    two(v, i + 3, &d->min) != 0 || v.p[i + 5] != ':' ||
	    two(v, i + 6, &d->sec) != 0 || d->hour > 23 || d->min > 59 ||
	    d->sec > 60)
		SIP_PERR_FAIL(pe, i, "Date has no valid time of day");
	i += 8;
	if (i >= v.len || v.p[i] != ' ')
		SIP_PERR_FAIL(pe, i, "Date has no time zone");
	i++;
	/* RFC 3261 20.17: "GMT" only. */
	if (v.len - i != 3 || memcmp(v.p + i, "GMT", 3) != 0)
		SIP_PERR_FAIL(pe, i, "invalid time zone in Date (must be GMT)");
	return SIP_OK;
}

/* Where c's first SP or HTAB is, or its length. */
static inline size_t
first_blank(struct slice c)
{
	const char *q;

	if (c.len == 0)
		return 0;	/* (c.p may be NULL) */
#if defined(__SSE2__) && !defined(SLICE_NO_OVERREAD)
	/* a CSeq is short: one load where it is on its page */
	if (c.len <= 16 && SLICE_PAGE_SAFE16(c.p)) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)c.p);
		unsigned bits = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_cmpeq_epi8(x, _mm_set1_epi8(' ')),
		    _mm_cmpeq_epi8(x, _mm_set1_epi8('\t')))) &
		    ((1u << c.len) - 1);

		return bits != 0 ? (size_t)__builtin_ctz(bits) : c.len;
	}
#endif
	q = slice_find3(c.p, c.p + c.len, ' ', '\t', '\t');
	return q != NULL ? (size_t)(q - c.p) : c.len;
}

struct slice
sip_field_cseq_num(const struct sip_msg *m)
{
	struct slice c = slice_trim(sip_msg_value(m, SIP_HDR_CSEQ));

	return slice_head(c, first_blank(c));
}

struct slice
sip_field_cseq_method(const struct sip_msg *m)
{
	struct slice c = slice_trim(sip_msg_value(m, SIP_HDR_CSEQ));

	if (c.p == NULL)
		return c;	/* no CSeq: NULL + 0 is undefined */
	return slice_trim(slice_from(c, first_blank(c)));
}

/* Past a quoted string at p (on its opening quote), or e when unclosed. */
static const char *
skip_quoted(const char *p, const char *e)
{
	for (p++; (p = slice_find3(p, e, '"', '\\', '"')) != NULL; p += 2) {
		if (*p == '"')
			return p + 1;
		if (e - p < 2)
			break;
	}
	return e;
}

/*
 * The token at p is the name lc (a lower-case token of n bytes) in any
 * case: compared where it starts, its end not found first (a longer one
 * is told by the byte after n).
 */
static inline int
name_at(const char *p, const char *e, const char *lc, size_t n, uint64_t w,
    uint64_t fold)
{
	size_t i;

	if ((size_t)(e - p) < n || (n < (size_t)(e - p) && slice_is_token(p[n])))
		return 0;
#if !defined(SLICE_NO_OVERREAD) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* eight bytes at once where they are on p's page */
	if (n <= 8 && (e - p >= 8 || ((uintptr_t)p & 4095) <= 4096 - 8)) {
		uint64_t x;

		memcpy(&x, p, 8);
		return ((x | fold) & (n == 8 ? ~(uint64_t)0 :
		    ((uint64_t)1 << (8 * n)) - 1)) == w;
	}
#else
	(void)w;
	(void)fold;
#endif
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i], l = (unsigned char)lc[i];

		/* only a letter's case is folded (0x0d | 0x20 is '-') */
		if (c != l && ((c | 0x20) != l || (unsigned)(l - 'a') >= 26))
			return 0;
	}
	return 1;
}

/*
 * Past the gen-value at p (token, host or IPv6 reference: SLICE_C_GENVAL).
 * A tag or a branch is letters, digits, '-' and '.' nearly always: sixteen
 * of those are passed at a time where SSE2 is, and the class table says
 * the rest.
 */
static inline const char *
skip_genval(const char *p, const char *e)
{
#if defined(__SSE2__) && !defined(SLICE_NO_OVERREAD)
	const __m128i low = _mm_set1_epi8(0x20),
	    la = _mm_set1_epi8((char)(-128 - 'a')), l26 = _mm_set1_epi8(-128 + 26),
	    d0 = _mm_set1_epi8((char)(-128 - '0')), d10 = _mm_set1_epi8(-128 + 10),
	    dash = _mm_set1_epi8('-'), dot = _mm_set1_epi8('.');

	while (p < e && (e - p >= 16 || SLICE_PAGE_SAFE16(p))) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
		/* a letter is in 'a'..'z' with 0x20 set; a range is one
		 * signed compare once moved to start at -128 */
		__m128i ok = _mm_or_si128(_mm_or_si128(
		    _mm_cmplt_epi8(_mm_add_epi8(_mm_or_si128(x, low), la), l26),
		    _mm_cmplt_epi8(_mm_add_epi8(x, d0), d10)),
		    _mm_or_si128(_mm_cmpeq_epi8(x, dash), _mm_cmpeq_epi8(x, dot)));
		unsigned bad = ~(unsigned)_mm_movemask_epi8(ok) & 0xffff;

		if (bad == 0) {
			if (e - p <= 16)
				return e;
			p += 16;
			continue;
		}
		if ((ptrdiff_t)__builtin_ctz(bad) >= e - p)
			return e;
		p += __builtin_ctz(bad);
		break;
	}
#endif
	return slice_skip_class(p, e, SLICE_C_GENVAL);
}

struct slice
sip_field_hparam_n(struct slice v, const char *name, size_t n)
{
	uint64_t w, fold;

	sip_field_hparam_word(name, n, &w, &fold);
	return sip_field_hparam_w(v, name, n, w, fold);
}

struct slice
sip_field_hparam_w(struct slice v, const char *name, size_t n, uint64_t w,
    uint64_t fold)
{
	const char *p = v.p, *e, *q;

	/* an absent header is {NULL, 0}, and NULL + 0 is undefined in C */
	if (v.p == NULL)
		return SLICE_NULL;
	e = v.p + v.len;
	/* Find where the header parameters start: the first ';' after
	 * the URI. */
	while (p < e && sip_param_is_lws(*p))
		p++;
	if (p < e && *p == '"') {
		p = skip_quoted(p, e);
		if ((q = slice_find3(p, e, '<', '<', '<')) == NULL)
			return SLICE_NULL;
		p = q;
	} else {
		/* (A ',' ends the first value of a header line.) */
		if ((q = slice_find3(p, e, ';', '<', ',')) == NULL || *q == ',')
			return SLICE_NULL;
		p = q;
	}
	if (p < e && *p == '<') {
		/* A URI holds no unescaped '>' (RFC 3261 25.1). */
		if ((q = slice_find3(p, e, '>', '>', '>')) == NULL)
			return SLICE_NULL;
		p = q + 1;
		if (p < e && *p != ';') {
			if ((q = slice_find3(p, e, ';', ';', ';')) == NULL)
				return SLICE_NULL;
			p = q;
		}
	}
	/* p is on a ';' or at the end. */
	while (p < e) {
		const char *ns;

		p++;
		while (p < e && sip_param_is_lws(*p))
			p++;
		ns = p;
		if (!name_at(ns, e, name, n, w, fold)) {
			/*
			 * Not the one: on to the next ';', a run at a time
			 * (a token, white space, '=' and a gen-value hold
			 * none of ';', ',' and '"'); a ',' ends the value.
			 */
			while ((q = slice_find3(p, e, ';', ',', '"')) != NULL &&
			    *q == '"')
				p = skip_quoted(q, e);
			if (q == NULL || *q == ',')
				return SLICE_NULL;
			p = q;
			continue;
		}
		p += n;
		while (p < e && sip_param_is_lws(*p))
			p++;
		if (p < e && *p == '=') {
			const char *vs;

			p++;
			while (p < e && sip_param_is_lws(*p))
				p++;
			vs = p;
			/* gen-value = token / host / quoted-string */
			if (p < e && *p == '"')
				p = skip_quoted(p, e);
			else
				p = skip_genval(p, e);
			return slice_make(vs, (size_t)(p - vs));
		}
		return slice_make(ns + n, 0);
	}
	return SLICE_NULL;
}
