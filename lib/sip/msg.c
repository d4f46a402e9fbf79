/*
 * msg.c - the SIP message parser (RFC 3261 7 and 25): start line, header
 * lines with folding, body by Content-Length.  Zero-copy, no allocation,
 * never reads past len.
 */
#include <string.h>
#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "hdrlookup.h"
#include "msg.h"

static inline int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline int
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * The first LF in [p, end), or NULL.  Header lines are short, so a
 * 16-byte compare inline beats the call into memchr; the tail goes to
 * memchr so no load passes end.
 */
static inline const char *
find_lf(const char *p, const char *end)
{
#ifdef __SSE2__
	const __m128i lf = _mm_set1_epi8('\n');

	while (end - p >= 32) {
		unsigned bits = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(const void *)p), lf)) |
		    (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(const void *)(p + 16)),
		    lf)) << 16;

		if (bits != 0)
			return p + __builtin_ctz(bits);
		p += 32;
	}
	while (end - p >= 16) {
		unsigned bits = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(const void *)p), lf));

		if (bits != 0)
			return p + __builtin_ctz(bits);
		p += 16;
	}
#endif
	return memchr(p, '\n', (size_t)(end - p));
}

#ifdef __SSE2__
/* The LFs of the 64 bytes at p, one bit each. */
static inline uint64_t
lf_mask64(const char *p)
{
	const __m128i lf = _mm_set1_epi8('\n');
	unsigned a = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
	    _mm_loadu_si128((const __m128i *)(const void *)p), lf));
	unsigned b = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
	    _mm_loadu_si128((const __m128i *)(const void *)(p + 16)), lf));
	unsigned c = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
	    _mm_loadu_si128((const __m128i *)(const void *)(p + 32)), lf));
	unsigned d = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
	    _mm_loadu_si128((const __m128i *)(const void *)(p + 48)), lf));

	return (uint64_t)(a | b << 16) | (uint64_t)(c | d << 16) << 32;
}

/* The colons of the 16 bytes at p. */
static inline unsigned
colon_mask16(const char *p)
{
	return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
	    _mm_loadu_si128((const __m128i *)(const void *)p),
	    _mm_set1_epi8(':')));
}
#endif

/* Past the token bytes at p; the caller knows a non-token byte follows. */
static inline const char *
skip_token(const char *p)
{
	for (;;) {
		if (!slice_is_token(p[0]))
			return p;
		if (!slice_is_token(p[1]))
			return p + 1;
		if (!slice_is_token(p[2]))
			return p + 2;
		if (!slice_is_token(p[3]))
			return p + 3;
		p += 4;
	}
}

/*
 * The value of a header line whose colon is at colon and LF at nl: from
 * past the colon to the line end, trimmed.  Usually one SP before the
 * value and a CR after it.  (colon < nl, so *vs is a byte of the line or
 * its LF.)
 */
static inline struct slice
hdr_value(const char *colon, const char *nl)
{
	const char *vs = colon + 1, *vend = nl;

	if (*vs == ' ')
		vs++;
	if (vend > vs && vend[-1] == '\r')
		vend--;
	/* SP, HTAB, CR and LF are all <= ' ': one test per end. */
	if (vs < vend && ((unsigned char)vs[0] <= ' ' ||
	    (unsigned char)vend[-1] <= ' '))
		return slice_trim(slice_make(vs, (size_t)(vend - vs)));
	return slice_make(vs, (size_t)(vend - vs));
}

/* Parse the start line p[0..n) (no line end); base is its offset. */
static enum sip_err
start_line(struct sip_msg *m, const char *p, size_t n, size_t base,
    unsigned flags, struct sip_perr *pe)
{
	size_t i = 0, a, b;

	m->start_line = slice_make(p, n);
	if (n >= 4 && memcmp(p, "SIP/", 4) == 0) {
		/* Status-Line = SIP-Version SP Status-Code SP Reason-Phrase */
		m->is_request = 0;
		/* "SIP/2.0 NNN reason", nearly always. */
		if (n >= 12 && memcmp(p + 4, "2.0 ", 4) == 0 && p[8] >= '1' &&
		    p[8] <= '6' && is_digit(p[9]) && is_digit(p[10]) &&
		    p[11] == ' ' && !is_wsp(p[12 < n ? 12 : 11])) {
			m->version = slice_make(p, 7);
			m->status = (p[8] - '0') * 100 + (p[9] - '0') * 10 +
			    (p[10] - '0');
			m->reason = slice_make(p + 12, n - 12);
			m->plain_start = 1;
			return SIP_OK;
		}
		while (i < n && !is_wsp(p[i]))
			i++;
		m->version = slice_make(p, i);
		a = i;
		while (i < n && is_wsp(p[i]))
			i++;
		if (i - a != 1)
			m->quirks |= SIP_Q_MULTI_SP;
		if (i == a)
			SIP_PERR_FAIL(pe, base + i,
			    "no space after the SIP version");
		b = i;
		while (i < n && is_digit(p[i]))
			i++;
		if (i - b != 3)
			SIP_PERR_FAIL(pe, base + b,
			    "status code is not three digits");
		m->status = (p[b] - '0') * 100 + (p[b + 1] - '0') * 10 +
		    (p[b + 2] - '0');
		if (m->status < 100 || m->status > 699)
			SIP_PERR_FAIL(pe, base + b,
			    "status code out of range 100-699");
		if (i < n && !is_wsp(p[i]))
			SIP_PERR_FAIL(pe, base + i,
			    "junk after the status code");
		if (i < n)
			i++;
		m->reason = slice_make(p + i, n - i);
		return SIP_OK;
	}
	/* Request-Line = Method SP Request-URI SP SIP-Version */
	m->is_request = 1;
	while (i < n && slice_is_token(p[i]))
		i++;
	if (i == 0)
		SIP_PERR_FAIL(pe, base,
		    "start line is neither a request nor a response");
	if (i == n || !is_wsp(p[i]))
		SIP_PERR_FAIL(pe, base + i, "method is not a token");
	m->method = slice_make(p, i);
	m->mid = sip_method_lookup(m->method);
	a = i;
	while (i < n && is_wsp(p[i]))
		i++;
	if (i - a != 1 || p[a] != ' ')
		m->quirks |= SIP_Q_MULTI_SP;
	/* Nearly every request line ends so. */
	if (n - i > 8 && memcmp(p + n - 8, " SIP/2.0", 8) == 0 &&
	    !is_wsp(p[n - 9])) {
		m->version = slice_make(p + n - 7, 7);
		m->ruri = slice_make(p + i, n - 8 - i);
		/* sip_msg_starts_known(): a known method, SP after it */
		m->plain_start = m->mid != SIP_METHOD_OTHER && p[a] == ' ';
		return SIP_OK;
	}
	/* The version is the last word; the URI is what lies between. */
	b = n;
	while (b > i && is_wsp(p[b - 1]))
		b--;
	if (b != n)
		m->quirks |= SIP_Q_MULTI_SP;
	a = b;
	while (a > i && !is_wsp(p[a - 1]))
		a--;
	m->version = slice_make(p + a, b - a);
	if (a <= i)
		SIP_PERR_FAIL(pe, base + i, "request line has no SIP version");
	b = a;
	while (b > i && is_wsp(p[b - 1]))
		b--;
	if (a - b != 1)
		m->quirks |= SIP_Q_MULTI_SP;
	m->ruri = slice_make(p + i, b - i);
	if (m->ruri.len == 0)
		SIP_PERR_FAIL(pe, base + i, "request line has no Request-URI");
	if (m->version.len < 4 || (m->version.p[0] | 0x20) != 's' ||
	    (m->version.p[1] | 0x20) != 'i' ||
	    (m->version.p[2] | 0x20) != 'p' || m->version.p[3] != '/')
		SIP_PERR_FAIL(pe, base + a,
		    "request line does not end in a SIP version");
	(void)flags;
	return SIP_OK;
}

/* Content-Length value: digits with optional surrounding whitespace. */
static int
content_length(struct slice v, long *out)
{
	uint64_t n;

	v = slice_trim(v);
	if (slice_to_u64(v, SIP_MAX_BODY, &n) != 0)
		return -1;
	*out = (long)n;
	return 0;
}

/*
 * A Content-Length header h at ls: the first value counts; another that
 * differs cannot frame a stream.
 */
static enum sip_err
content_length_slow(struct sip_msg *m, const struct sip_hdr *h,
    const char *ls, const char *buf, unsigned flags, unsigned *count,
    struct sip_perr *pe)
{
	long cl;

	if (content_length(h->value, &cl) != 0) {
		if (flags & SIP_PARSE_LENIENT)
			m->quirks |= SIP_Q_BAD_CLEN;
		else if (slice_trim(h->value).len > 0 &&
		    slice_trim(h->value).p[0] == '-')
			SIP_PERR_FAIL(pe, (size_t)(ls - buf),
			    "negative Content-Length");
		else
			SIP_PERR_FAIL(pe, (size_t)(ls - buf),
			    "Content-Length is not a number within limits");
	} else if ((*count)++ == 0)
		m->clen = cl;
	else if (cl != m->clen) {
		/* A stream cannot be framed; a datagram keeps the first. */
		if ((flags & (SIP_PARSE_STREAM | SIP_PARSE_STRICT)) != 0)
			SIP_PERR_FAIL(pe, (size_t)(ls - buf),
			    "conflicting Content-Length values");
		m->quirks |= SIP_Q_MULTI_CLEN;
	}
	return SIP_OK;
}

/*
 * The same, inline for the usual case: the first Content-Length, a few
 * digits (at most 999999, below SIP_MAX_BODY; the value is trimmed).
 */
static inline enum sip_err
content_length_hdr(struct sip_msg *m, const struct sip_hdr *h,
    const char *ls, const char *buf, unsigned flags, unsigned *count,
    struct sip_perr *pe)
{
	const char *v = h->value.p;
	size_t i, n = h->value.len;
	long cl = 0;

	if (*count == 0 && n - 1 < 6) {
		for (i = 0; i < n && (unsigned char)(v[i] - '0') <= 9; i++)
			cl = cl * 10 + (v[i] - '0');
		if (i == n) {
			*count = 1;
			m->clen = cl;
			return SIP_OK;
		}
	}
	return content_length_slow(m, h, ls, buf, flags, count, pe);
}

/*
 * The header line at *pp the whole way: folds, odd names, blanks before
 * the colon, every check in its order.  *pp moves past it; *done is set
 * at the empty line that ends the head (or a datagram's end without
 * one).
 */
static enum sip_err
head_line(struct sip_msg *m, const char *buf, const char *end,
    const char **pp, unsigned flags, unsigned *clen_count, int *done,
    struct sip_perr *pe)
{
	const char *p = *pp, *ls = p, *nl, *colon, *ve, *from;
	struct sip_hdr *h;
	enum sip_hdr_id id;
	size_t hdr_len;
	int stream = (flags & SIP_PARSE_STREAM) != 0;
	enum sip_err e;

	if (p == end) {
		if (stream)
			return SIP_E_PARTIAL;
		/* A datagram that ends without the empty line. */
		if (flags & SIP_PARSE_STRICT)
			SIP_PERR_FAIL(pe, (size_t)(p - buf),
			    "headers do not end with an empty line");
		m->quirks |= SIP_Q_NO_END;
		*done = 1;
		return SIP_OK;
	}
	/* A header line starts with its name: one test for most. */
	if (!slice_is_token(*p)) {
		if (*p == '\n' || (*p == '\r' && p + 1 < end &&
		    p[1] == '\n')) {
			if (*p == '\n')
				m->quirks |= SIP_Q_BARE_LF;
			*pp = p + (*p == '\r' ? 2 : 1);
			*done = 1;
			return SIP_OK;
		}
		if (*p == '\r' && p + 1 == end) {
			if (stream)
				return SIP_E_PARTIAL;
			SIP_PERR_FAIL(pe, (size_t)(p - buf),
			    "headers do not end with an empty line");
		}
		if (is_wsp(*p))
			SIP_PERR_FAIL(pe, (size_t)(p - buf),
			    "continuation line before any header");
	}
	/* The header line, with any folded continuation lines. */
	nl = NULL;
	from = p;
	for (;;) {
		if (nl == NULL)
			nl = find_lf(from, end);
		if (nl == NULL) {
			if (stream && (size_t)(end - ls) < SIP_MAX_LINE)
				return SIP_E_PARTIAL;
			if ((size_t)(end - ls) >= SIP_MAX_LINE)
				SIP_PERR_TOOBIG(pe, (size_t)(ls - buf),
				    "header line too long");
			SIP_PERR_FAIL(pe, (size_t)(end - buf),
			    "header line has no line end");
		}
		if (nl == p || nl[-1] != '\r')
			m->quirks |= SIP_Q_BARE_LF;
		p = nl + 1;
		if (p < end && is_wsp(*p)) {
			m->quirks |= SIP_Q_FOLDED;
			nl = NULL;
			from = p;
			continue;
		}
		if (p == end && stream)
			return SIP_E_PARTIAL;	/* a fold may follow */
		break;
	}
	hdr_len = (size_t)(nl - ls);
	if (hdr_len >= SIP_MAX_LINE)
		SIP_PERR_TOOBIG(pe, (size_t)(ls - buf), "header line too long");
	if (m->nhdrs >= SIP_MAX_HDRS)
		SIP_PERR_TOOBIG(pe, (size_t)(ls - buf), "too many header lines");
	h = &m->hdrs[m->nhdrs];
	/*
	 * Name: a token, optional white space, then the colon.  *nl is LF,
	 * in neither class, so it bounds both loops.
	 */
	ve = skip_token(ls);
	colon = ve;
	while (is_wsp(*colon))
		colon++;
	if (colon == nl || *colon != ':') {
		if (memchr(ls, ':', hdr_len) == NULL)
			SIP_PERR_FAIL(pe, (size_t)(ls - buf),
			    "header line has no colon");
		SIP_PERR_FAIL(pe, (size_t)(colon - buf), ve == ls ?
		    "header line has no name" : "header name is not a token");
	}
	if (ve == ls)
		SIP_PERR_FAIL(pe, (size_t)(ls - buf), "header line has no name");
	if (colon != ve)
		m->quirks |= SIP_Q_WS_BEFORE_COLON;
	id = sip_hdr_lookup(ls, (size_t)(ve - ls));
	h->name = slice_make(ls, (size_t)(ve - ls));
	h->value = hdr_value(colon, nl);
	h->off = (uint32_t)(ls - m->buf);
	h->id = (uint16_t)id;
	if (id != SIP_HDR_OTHER && m->first[id] == 0)
		m->first[id] = (uint16_t)(m->nhdrs + 1);
	if (id == SIP_HDR_CONTENT_LENGTH && (e = content_length_hdr(m, h,
	    ls, buf, flags, clen_count, pe)) != SIP_OK)
		return e;
	m->nhdrs++;
	if ((size_t)(p - m->buf) > SIP_MAX_HEAD)
		SIP_PERR_TOOBIG(pe, (size_t)(ls - buf), "message head too large");
	*pp = p;
	return SIP_OK;
}

enum sip_err
sip_msg_parse(struct sip_msg *m, const char *buf, size_t len, unsigned flags,
    struct sip_perr *pe)
{
	const char *p, *end, *nl;
#ifdef __SSE2__
	const char *fast_end;
#endif
	size_t skip = 0, linelen;
	unsigned clen_count = 0;
	int stream = (flags & SIP_PARSE_STREAM) != 0;
	enum sip_err e;

	m->nhdrs = 0;
	m->quirks = 0;
	m->plain_start = 0;
	m->clen = -1;
	m->body_off = 0;
	m->status = 0;
	m->mid = SIP_METHOD_OTHER;
	m->method = m->ruri = m->reason = m->version = SLICE_NULL;
	m->body = SLICE_NULL;
	memset(m->first, 0, sizeof(m->first));

	/* RFC 3261 7.5 / RFC 5626 3.5.1: skip CRLFs before a start line. */
	while (skip < len && (buf[skip] == '\r' || buf[skip] == '\n'))
		skip++;
	if (skip > 0)
		m->quirks |= SIP_Q_LEADING_CRLF;
	m->skipped = skip;
	m->buf = buf + skip;
	p = m->buf;
	end = buf + len;
	if (p == end) {
		m->len = 0;
		if (stream)
			return SIP_E_PARTIAL;
		SIP_PERR_FAIL(pe, skip, "empty message");
	}

	/* Start line. */
	nl = find_lf(p, end);
	if (nl == NULL) {
		if (stream && (size_t)(end - p) < SIP_MAX_LINE)
			return SIP_E_PARTIAL;
		if ((size_t)(end - p) >= SIP_MAX_LINE)
			SIP_PERR_TOOBIG(pe, skip, "start line too long");
		SIP_PERR_FAIL(pe, len, "start line has no line end");
	}
	linelen = (size_t)(nl - p);
	if (linelen > 0 && p[linelen - 1] == '\r')
		linelen--;
	else
		m->quirks |= SIP_Q_BARE_LF;
	if (linelen >= SIP_MAX_LINE)
		SIP_PERR_TOOBIG(pe, skip, "start line too long");
	if ((e = start_line(m, p, linelen, skip, flags, pe)) != SIP_OK)
		return e;
	p = nl + 1;

	/*
	 * Header lines, up to the empty line.  Most go the fast way: the
	 * LFs of 64 bytes at a time in one mask, a line's colon in the 16
	 * or 32 bytes from its start, a name the table knows right before
	 * it, no fold.  The rest go the whole way (head_line()), and the
	 * fast way starts again after them.  The fast way reads up to 96
	 * bytes past a block's start and the byte after each line, so it
	 * runs only while more than 96 are left, and below the head's
	 * limit, so that a line it takes passes neither that nor
	 * SIP_MAX_LINE and is never the input's last byte (no fold or
	 * stream end to wait for).
	 */
#ifdef __SSE2__
	fast_end = (size_t)(end - m->buf) > SIP_MAX_HEAD ? m->buf +
	    SIP_MAX_HEAD : end;
#endif
	for (;;) {
		int done = 0;

#ifdef __SSE2__
		if (fast_end - p > 96 && m->nhdrs <= SIP_MAX_HDRS - 22) {
			const char *blk = p, *base = m->buf;
			uint64_t lfm = lf_mask64(blk);
			ptrdiff_t left = fast_end - blk;
			unsigned n = m->nhdrs;
			struct sip_hdr *h = m->hdrs + n;

			/*
			 * A line takes 3 bytes at least ("a:" LF), so no more
			 * than 22 end in a block: with room for 22 more at
			 * each, the count needs no check at each line.
			 */
			_Static_assert(SIP_MAX_HDRS > 22, "SIP_MAX_HDRS");
			for (;;) {
				const char *colon, *vs, *vend;
				enum sip_hdr_id id;
				unsigned cm;

				while (lfm == 0) {
					blk += 64;
					if ((left -= 64) <= 96 ||
					    blk - p >= (ptrdiff_t)SIP_MAX_LINE - 64 ||
					    n > SIP_MAX_HDRS - 22) {
						m->nhdrs = n;
						goto slow;
					}
					lfm = lf_mask64(blk);
				}
				nl = blk + (unsigned)__builtin_ctzll(lfm);
				if ((cm = colon_mask16(p)) == 0 &&
				    (cm = colon_mask16(p + 16) << 16) == 0)
					break;
				colon = p + (unsigned)__builtin_ctz(cm);
				/* (A name the table knows is a token, no blank.) */
				if (colon > nl ||
				    ((unsigned char)nl[1] <= ' ' && is_wsp(nl[1])) ||
				    (id = sip_hdr_lookup_inline(p, (size_t)(colon - p))) ==
				    SIP_HDR_OTHER)
					break;
				/*
				 * hdr_value(), knowing the line end.  An empty
				 * value has its CR or LF at vs, so it goes to
				 * slice_trim(), which leaves it empty.
				 */
				vs = colon + 1 + (colon[1] == ' ');
				vend = nl - 1;
				if (*vend != '\r') {
					vend = nl;
					m->quirks |= SIP_Q_BARE_LF;
				}
				h->name = slice_make(p, (size_t)(colon - p));
				if ((unsigned char)vs[0] <= ' ' ||
				    (unsigned char)vend[-1] <= ' ')
					h->value = slice_trim(slice_make(vs,
					    (size_t)(vend - vs)));
				else
					h->value = slice_make(vs, (size_t)(vend - vs));
				h->off = (uint32_t)(p - base);
				h->id = (uint16_t)id;
				if (m->first[id] == 0)
					m->first[id] = (uint16_t)(n + 1);
				if (id == SIP_HDR_CONTENT_LENGTH && (e =
				    content_length_hdr(m, h, p, buf, flags,
				    &clen_count, pe)) != SIP_OK) {
					m->nhdrs = n;
					return e;
				}
				n++;
				h++;
				p = nl + 1;
				lfm &= lfm - 1;
			}
			m->nhdrs = n;
			/* The empty line ends the head, most often here. */
			if (nl == p || (nl == p + 1 && *p == '\r')) {
				if (nl == p)
					m->quirks |= SIP_Q_BARE_LF;
				p = nl + 1;
				break;
			}
		}
slow:
#endif
		if ((e = head_line(m, buf, end, &p, flags, &clen_count, &done,
		    pe)) != SIP_OK)
			return e;
		if (done)
			break;
	}

	/* Body. */
	m->body_off = (size_t)(p - m->buf);
	if (m->clen < 0) {
		if (stream)
			SIP_PERR_FAIL(pe, (size_t)(p - buf),
			    "no Content-Length on a stream transport");
		m->quirks |= SIP_Q_NO_CLEN;
		m->body = slice_make(p, (size_t)(end - p));
	} else {
		if ((size_t)(end - p) < (size_t)m->clen) {
			if (stream)
				return SIP_E_PARTIAL;
			if (flags & SIP_PARSE_LENIENT) {
				m->quirks |= SIP_Q_BAD_CLEN;
				m->clen = (long)(end - p);
			} else
				SIP_PERR_FAIL(pe, (size_t)(end - buf),
				    "Content-Length is larger than the body");
		}
		m->body = slice_make(p, (size_t)m->clen);
	}
	if (m->body_off + m->body.len > SIP_MAX_MSG)
		SIP_PERR_TOOBIG(pe, skip, "message too large");
	m->len = m->body_off + m->body.len;
	return SIP_OK;
}

const struct sip_hdr *
sip_msg_hdr_next(const struct sip_msg *m, const struct sip_hdr *h)
{
	const struct sip_hdr *q, *e = m->hdrs + m->nhdrs;

	for (q = h + 1; q < e; q++) {
		if (h->id != SIP_HDR_OTHER ? q->id == h->id :
		    (q->id == SIP_HDR_OTHER && slice_ieq(q->name, h->name)))
			return q;
	}
	return NULL;
}

const struct sip_hdr *
sip_msg_hdr_byname(const struct sip_msg *m, struct slice name)
{
	enum sip_hdr_id id = sip_hdr_lookup(name.p, name.len);
	unsigned i;

	if (id != SIP_HDR_OTHER)
		return sip_msg_hdr(m, id);
	for (i = 0; i < m->nhdrs; i++)
		if (m->hdrs[i].id == SIP_HDR_OTHER &&
		    slice_ieq(m->hdrs[i].name, name))
			return &m->hdrs[i];
	return NULL;
}

int
sip_msg_values(const struct sip_msg *m, enum sip_hdr_id id,
    struct sip_hdr_iter *it, struct slice *val)
{
	for (;;) {
		if (!it->started) {
			it->started = 1;
			it->h = sip_msg_hdr(m, id);
			if (it->h == NULL)
				return 0;
			it->rest = it->h->value;
		} else if (it->rest.len == 0) {
			if (it->h == NULL ||
			    (it->h = sip_msg_hdr_next(m, it->h)) == NULL)
				return 0;
			it->rest = it->h->value;
		}
		if (!sip_hdr_is_list(id)) {
			*val = it->rest;
			it->rest = SLICE_NULL;
			return 1;
		}
		if (slice_split(&it->rest, ',', val)) {
			*val = slice_trim(*val);
			if (val->len > 0)
				return 1;
		}
	}
}

/* Does the line [p, e) end in " SIP/2.0" (trailing blanks aside)? */
static int
ends_in_version(const char *p, const char *e)
{
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	return e - p >= 8 && e[-8] == ' ' &&
	    strncasecmp(e - 7, "SIP/2.0", 7) == 0;
}

/*
 * At p: a status line, or a method sipbox knows and a space (the line
 * ends in the version, as the caller found).  Methods are upper case.
 */
static int
known_start(const char *p, const char *e, int request)
{
	const char *t = p;

	if (e - p >= 12 && memcmp(p, "SIP/2.0 ", 8) == 0)
		return p[8] >= '1' && p[8] <= '6' && p[9] >= '0' &&
		    p[9] <= '9' && p[10] >= '0' && p[10] <= '9' &&
		    (p[11] == ' ' || p[11] == '\r');
	while (t < e && t - p < 16 && *t >= 'A' && *t <= 'Z')
		t++;
	return request && t > p && t < e && *t == ' ' &&
	    sip_method_lookup(slice_make(p, (size_t)(t - p))) !=
	    SIP_METHOD_OTHER;
}

int
sip_msg_known_start(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + (len > SIP_MAX_LINE ? SIP_MAX_LINE :
	    len), *e;

	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	if ((e = memchr(p, '\n', (size_t)(end - p))) == NULL)
		return 0;
	return known_start(p, e, ends_in_version(p, e));
}

int
sip_msg_starts_known_slow(const struct sip_msg *m)
{
	const char *p = m->start_line.p;
	size_t n = m->start_line.len;

	if (!m->is_request)
		return n >= 12 && memcmp(p, "SIP/2.0 ", 8) == 0 &&
		    p[8] >= '1' && p[8] <= '6' && is_digit(p[9]) &&
		    is_digit(p[10]) && p[11] == ' ';
	/* methods are looked up case-sensitively: a known one is A-Z */
	return m->mid != SIP_METHOD_OTHER && p[m->method.len] == ' ' &&
	    n > m->method.len + 8 && memcmp(p + n - 8, " SIP/2.0", 8) == 0;
}

size_t
sip_msg_junk(const char *buf, size_t len, size_t *from)
{
	const char *p = buf, *end, *e, *q, *qe;
	int request;

	*from = 0;
	if (len == 0)
		return 0;	/* (an empty stream's buf may be NULL) */
	if (len > SIP_MAX_LINE)
		len = SIP_MAX_LINE;
	end = buf + len;
	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	*from = (size_t)(p - buf);
	if ((e = memchr(p, '\n', (size_t)(end - p))) == NULL)
		return 0;	/* not a whole line yet */
	request = ends_in_version(p, e);
	if (known_start(p, e, request))
		return 0;
	/* junk is short: a start line begins within its first bytes */
	qe = e - p > SIP_MAX_JUNK ? p + SIP_MAX_JUNK : e;
	for (q = p + 1; q < qe; q++)
		if (*q >= 'A' && *q <= 'Z' && known_start(q, e, request))
			return (size_t)(q - buf);
	return 0;
}

long
sip_msg_lf_body(const struct sip_msg *m, size_t avail)
{
	const char *b = m->buf + m->body_off;
	size_t i, n = 0;

	if (!(m->quirks & SIP_Q_BARE_LF) || m->clen <= 0)
		return -1;
	for (i = 0; i < avail && n < (size_t)m->clen; i++)
		n += b[i] == '\n' && (i == 0 || b[i - 1] != '\r') ? 2 : 1;
	return n == (size_t)m->clen && i < (size_t)m->clen ? (long)i : -1;
}

unsigned
sip_msg_line_of(const char *buf, size_t len, size_t off, unsigned *col)
{
	unsigned line = 1;
	size_t i, ls = 0;

	if (off > len)
		off = len;
	for (i = 0; i < off; i++)
		if (buf[i] == '\n') {
			line++;
			ls = i + 1;
		}
	if (col != NULL)
		*col = (unsigned)(off - ls + 1);
	return line;
}
