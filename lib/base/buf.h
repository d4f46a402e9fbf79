/*
 * buf.h - a growable output buffer with a hard maximum (curl's dynbuf).
 *
 * Builders and formatters append to a caller's struct buf; the caller
 * frees it with buf_free().  Growing past the maximum is SIP_E_TOOBIG and
 * leaves the buffer as it was.  The data is always NUL-terminated.
 */
#ifndef SIPBOX_BUF_H
#define SIPBOX_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "err.h"
#include "slice.h"

struct buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	size_t	 max;
};

#define BUF_DEFAULT_MAX	(16u * 1024 * 1024)

/* Prepare an empty buffer that may grow to max bytes (0: BUF_DEFAULT_MAX). */
void		buf_init(struct buf *b, size_t max);
/* Free what b holds and make it empty again; a zeroed buf is fine. */
void		buf_free(struct buf *b);
/* Forget the contents, keep the memory. */
void		buf_reset(struct buf *b);
/* Like buf_free, but zero the bytes first (secrets). */
void		buf_wipe(struct buf *b);
/* buf_add() when the room must be made first. */
enum sip_err	buf_add_grow(struct buf *b, const void *p, size_t len);

/*
 * Append len bytes.  Inline for the common case, where the room is there
 * already (cap never exceeds max + 1): a request is built of some forty
 * pieces, once for every request of a ping run.
 */
static inline enum sip_err
buf_add(struct buf *b, const void *p, size_t len)
{
	if (len < b->cap - b->len) {
		if (len > 0)
			memcpy(b->p + b->len, p, len);
		b->len += len;
		b->p[b->len] = '\0';
		return SIP_OK;
	}
	return buf_add_grow(b, p, len);
}

static inline enum sip_err
buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

enum sip_err	buf_addc(struct buf *b, char c);
enum sip_err	buf_addslice(struct buf *b, struct slice s);
enum sip_err	buf_printf(struct buf *b, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
enum sip_err	buf_vprintf(struct buf *b, const char *fmt, va_list ap)
		    __attribute__((format(printf, 2, 0)));
/* Make room for n more bytes without adding them. */
enum sip_err	buf_reserve(struct buf *b, size_t n);
/* Drop the first n bytes (stream framing after a message was consumed). */
void		buf_consume(struct buf *b, size_t n);
/* The contents as a slice (borrowed from b). */
struct slice	buf_slice(const struct buf *b);

#endif
