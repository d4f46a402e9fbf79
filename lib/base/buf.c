/*
 * buf.c - growable output buffer with a hard maximum.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void
buf_init(struct buf *b, size_t max)
{
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max != 0 ? max : BUF_DEFAULT_MAX;
}

void
buf_free(struct buf *b)
{
	size_t max = b->max;

	free(b->p);
	buf_init(b, max);
}

void
buf_wipe(struct buf *b)
{
	if (b->p != NULL)
		explicit_bzero(b->p, b->cap);
	buf_free(b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->p != NULL)
		b->p[0] = '\0';
}

enum sip_err
buf_reserve(struct buf *b, size_t n)
{
	size_t need, ncap;
	char *np;

	if (b->max == 0)
		b->max = BUF_DEFAULT_MAX;
	if (n > b->max || b->len > b->max - n)
		return SIP_E_TOOBIG;
	need = b->len + n + 1;
	if (need <= b->cap)
		return SIP_OK;
	ncap = b->cap != 0 ? b->cap : 256;
	while (ncap < need)
		ncap *= 2;
	if (ncap > b->max + 1)
		ncap = b->max + 1;
	if ((np = realloc(b->p, ncap)) == NULL)
		return SIP_E_NOMEM;
	b->p = np;
	b->cap = ncap;
	return SIP_OK;
}

enum sip_err
buf_add_grow(struct buf *b, const void *p, size_t len)
{
	enum sip_err e;

	if ((e = buf_reserve(b, len)) != SIP_OK)
		return e;
	if (len > 0)
		memcpy(b->p + b->len, p, len);
	b->len += len;
	b->p[b->len] = '\0';
	return SIP_OK;
}

enum sip_err
buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

enum sip_err
buf_addslice(struct buf *b, struct slice s)
{
	return buf_add(b, s.p, s.len);
}

enum sip_err
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	enum sip_err e;
	size_t room = b->cap > b->len ? b->cap - b->len : 0;
	int n;

	/* One pass when it fits in the room already there, else measure. */
	va_copy(aq, ap);
	n = vsnprintf(room ? b->p + b->len : NULL, room, fmt, aq);
	va_end(aq);
	if (n < 0)
		return SIP_E_INVAL;
	if ((size_t)n < room) {
		if ((size_t)n > b->max || b->len > b->max - (size_t)n) {
			b->p[b->len] = '\0';
			return SIP_E_TOOBIG;
		}
		b->len += (size_t)n;
		return SIP_OK;
	}
	if ((e = buf_reserve(b, (size_t)n)) != SIP_OK) {
		if (b->p != NULL)
			b->p[b->len] = '\0';
		return e;
	}
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return SIP_OK;
}

enum sip_err
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	enum sip_err e;

	va_start(ap, fmt);
	e = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return e;
}

void
buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		buf_reset(b);
		return;
	}
	memmove(b->p, b->p + n, b->len - n);
	b->len -= n;
	b->p[b->len] = '\0';
}

struct slice
buf_slice(const struct buf *b)
{
	struct slice s = { b->p, b->len };

	return s;
}
