/*
 * stream.c - the stream framer: byte-at-a-time delivery, keep-alives,
 * a message split anywhere, and the buffer cap.
 */
#include <string.h>

#include "stream.h"
#include "tap.h"

static const char two[] =
    "\r\n\r\n"
    "OPTIONS sip:a@example.com SIP/2.0\r\nCall-ID: one\r\n"
    "Content-Length: 0\r\n\r\n"
    "\r\n\r\n"
    "MESSAGE sip:b@example.com SIP/2.0\r\ni: two\r\n"
    "Content-Type: text/plain\r\nl: 5\r\n\r\nhello";

int
main(void)
{
	static struct sip_msg m;
	struct sip_stream s;
	struct sip_perr pe;
	size_t i;
	int n = 0, got_hello = 0;

	sip_stream_init(&s, 0);
	for (i = 0; i < sizeof(two) - 1; i++) {
		if (sip_stream_feed(&s, two + i, 1) != SIP_OK)
			break;
		while (sip_stream_next(&s, &m, &pe) == SIP_OK) {
			n++;
			if (slice_eq_lit(m.body, "hello") &&
			    slice_eq_lit(sip_msg_value(&m, SIP_HDR_CALL_ID), "two"))
				got_hello = 1;
		}
	}
	ok(n == 2, "two messages framed when fed one byte at a time (%d)", n);
	ok(got_hello, "the second message has its body and compact Call-ID");
	ok(s.pings == 2, "two CRLFCRLF keep-alives counted (%lu)", s.pings);
	ok(sip_stream_pending(&s) == 0, "nothing left over");
	sip_stream_release(&s);

	sip_stream_init(&s, 64);
	ok(sip_stream_feed(&s, two + 4, 60) == SIP_OK, "60 bytes fit a 64-byte stream");
	ok(sip_stream_feed(&s, two + 64, 10) == SIP_E_TOOBIG,
	    "past the cap is SIP_E_TOOBIG");
	sip_stream_release(&s);

	sip_stream_init(&s, 0);
	sip_stream_feed(&s, "OPTIONS sip:a SIP/2.0\r\nCall-ID: x\r\n\r\n", 37);
	ok(sip_stream_next(&s, &m, &pe) == SIP_E_PARSE &&
	    strstr(pe.why, "Content-Length") != NULL,
	    "a message without Content-Length cannot be framed on a stream");
	sip_stream_release(&s);
	return done();
}
