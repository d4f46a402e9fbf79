/*
 * stream.h - framing SIP messages out of a byte stream (TCP, TLS, a file
 * of many messages) by Content-Length (RFC 3261 18.3), with RFC 5626
 * 3.5.1 CRLF keep-alives counted and dropped.
 *
 * Feed bytes as they arrive; take complete messages out one at a time.
 * A message handed out by sip_stream_next() points into the stream's own
 * buffer and stays valid until the next sip_stream_feed() or
 * sip_stream_next() call.
 */
#ifndef SIPBOX_STREAM_H
#define SIPBOX_STREAM_H

#include "buf.h"
#include "msg.h"

struct sip_stream {
	struct buf	 in;
	size_t		 used;		/* bytes of in already handed out */
	unsigned long	 pings;		/* CRLFCRLF keep-alives seen */
	unsigned long	 messages;	/* messages handed out */
};

/* An empty stream buffering at most max bytes (0: SIP_MAX_MSG + 64 KiB). */
void		sip_stream_init(struct sip_stream *s, size_t max);
/* Free the buffer; a zeroed stream is fine. */
void		sip_stream_release(struct sip_stream *s);
/* Append n bytes; SIP_E_TOOBIG when the buffer would exceed its maximum. */
enum sip_err	sip_stream_feed(struct sip_stream *s, const void *p, size_t n);
/*
 * The next complete message: SIP_OK with m filled, SIP_E_PARTIAL when
 * more bytes are needed, SIP_E_PARSE or SIP_E_TOOBIG (pe filled, offsets
 * from the start of the message) when the stream cannot be framed any
 * more and the connection should be closed (RFC 3261 18.3).
 */
enum sip_err	sip_stream_next(struct sip_stream *s, struct sip_msg *m,
		    struct sip_perr *pe);
/* Bytes buffered and not yet handed out. */
size_t		sip_stream_pending(const struct sip_stream *s);

#endif
