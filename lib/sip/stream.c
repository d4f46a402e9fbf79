/*
 * stream.c - Content-Length framing over a byte stream.
 */
#include <string.h>

#include "stream.h"

void
sip_stream_init(struct sip_stream *s, size_t max)
{
	memset(s, 0, sizeof(*s));
	buf_init(&s->in, max != 0 ? max : SIP_MAX_MSG + 65536);
}

void
sip_stream_release(struct sip_stream *s)
{
	buf_free(&s->in);
	s->used = 0;
}

/* Drop what was handed out, so the buffer holds only pending bytes. */
static void
compact(struct sip_stream *s)
{
	if (s->used > 0) {
		buf_consume(&s->in, s->used);
		s->used = 0;
	}
}

enum sip_err
sip_stream_feed(struct sip_stream *s, const void *p, size_t n)
{
	compact(s);
	return buf_add(&s->in, p, n);
}

enum sip_err
sip_stream_next(struct sip_stream *s, struct sip_msg *m, struct sip_perr *pe)
{
	enum sip_err e;
	size_t i, crlf;

	compact(s);
	if (s->in.len == 0)
		return SIP_E_PARTIAL;
	/* RFC 5626 3.5.1: a CRLFCRLF ping between messages. */
	for (crlf = 0; crlf < s->in.len; crlf++)
		if (s->in.p[crlf] != '\r' && s->in.p[crlf] != '\n')
			break;
	if (crlf == s->in.len && crlf < 4)
		return SIP_E_PARTIAL;	/* perhaps half of a ping */
	for (i = 0; i + 4 <= crlf; i++)
		if (memcmp(s->in.p + i, "\r\n\r\n", 4) == 0) {
			s->pings++;
			i += 3;
		}
	if (crlf == s->in.len) {
		s->used = crlf;
		return SIP_E_PARTIAL;
	}
	e = sip_msg_parse(m, s->in.p + crlf, s->in.len - crlf,
	    SIP_PARSE_STREAM, pe);
	if (e == SIP_E_PARTIAL) {
		s->used = crlf;
		return e;
	}
	if (e != SIP_OK)
		return e;
	s->used = crlf + m->skipped + m->len;
	s->messages++;
	return SIP_OK;
}

size_t
sip_stream_pending(const struct sip_stream *s)
{
	return s->in.len - s->used;
}
