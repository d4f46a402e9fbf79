/*
 * multipart.c - multipart MIME bodies (RFC 2046 5.1.1), zero-copy.
 */
#include <string.h>
#include <strings.h>

#include "multipart.h"

void
sip_multipart_init(struct sip_multipart *mp, struct slice body,
    struct slice boundary, int keep_eol)
{
	memset(mp, 0, sizeof(*mp));
	mp->body = body;
	mp->boundary = boundary;
	mp->keep_eol = keep_eol;
}

/* Length of the line at p (up to end) without its line end. */
static size_t
line_len(const char *p, const char *end, const char **next)
{
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	size_t ll = (size_t)((eol != NULL ? eol : end) - p);

	*next = eol != NULL ? eol + 1 : end;
	if (ll > 0 && p[ll - 1] == '\r')
		ll--;
	return ll;
}

/* 1: a delimiter line, 2: the close delimiter, 0: neither. */
static int
delimiter(const struct sip_multipart *mp, const char *p, size_t ll)
{
	size_t bl = mp->boundary.len, i;
	int close = 0;

	if (bl == 0 || ll < 2 + bl || p[0] != '-' || p[1] != '-' ||
	    memcmp(p + 2, mp->boundary.p, bl) != 0)
		return 0;
	i = 2 + bl;
	if (ll >= i + 2 && p[i] == '-' && p[i + 1] == '-') {
		close = 1;
		i += 2;
	}
	/* Only transport padding (LWSP) may follow (RFC 2046 5.1.1). */
	for (; i < ll; i++)
		if (p[i] != ' ' && p[i] != '\t')
			return 0;
	return close ? 2 : 1;
}

size_t
sip_multipart_head_len(struct slice s)
{
	const char *p = s.p, *end = s.p + s.len, *next;

	while (p < end) {
		if (line_len(p, end, &next) == 0)
			return (size_t)(next - s.p);
		p = next;
	}
	return s.len;
}

int
sip_multipart_next(struct sip_multipart *mp, struct slice *headers,
    struct slice *content)
{
	const char *base = mp->body.p, *end = base + mp->body.len;
	const char *p = base + mp->pos, *next, *part = NULL;
	size_t ll, hl;
	int d;

	if (mp->done || base == NULL)
		return 0;
	if (mp->started)
		part = p;
	while (p < end) {
		ll = line_len(p, end, &next);
		d = delimiter(mp, p, ll);
		if (d != 0 && part != NULL) {
			const char *pe = p;

			if (!mp->keep_eol && pe > part && pe[-1] == '\n')
				pe--;
			if (!mp->keep_eol && pe > part && pe[-1] == '\r')
				pe--;
			hl = sip_multipart_head_len(slice_make(part,
			    (size_t)(pe - part)));
			*headers = slice_make(part, hl);
			/* The header block without its empty line. */
			while (headers->len > 0 &&
			    (headers->p[headers->len - 1] == '\n' ||
			    headers->p[headers->len - 1] == '\r'))
				headers->len--;
			*content = slice_make(part + hl,
			    (size_t)(pe - part) - hl);
			mp->pos = (size_t)(next - base);
			mp->done = d == 2;
			return 1;
		}
		if (d != 0) {
			mp->started = 1;
			mp->done = d == 2;
			if (mp->done)
				return 0;
			part = next;
		}
		p = next;
	}
	mp->done = 1;
	return 0;
}

struct slice
sip_multipart_header(struct slice headers, const char *name)
{
	const char *p = headers.p, *end = headers.p + headers.len, *next;
	size_t n = strlen(name), ll;
	int ctype = strcasecmp(name, "Content-Type") == 0;

	while (p != NULL && p < end) {
		ll = line_len(p, end, &next);
		if (ll > n && p[n] == ':' && strncasecmp(p, name, n) == 0)
			return slice_trim(slice_make(p + n + 1, ll - n - 1));
		if (ctype && ll > 1 && (p[0] | 0x20) == 'c' && p[1] == ':')
			return slice_trim(slice_make(p + 2, ll - 2));
		p = next;
	}
	return SLICE_NULL;
}
