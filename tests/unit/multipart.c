/*
 * multipart.c - the parts of RFC 2046 multipart bodies, as slices.
 */
#include <string.h>

#include "multipart.h"
#include "tap.h"

int
main(void)
{
	static const char body[] =
	    "preamble\r\n"
	    "--b1\r\n"
	    "Content-Type: text/plain\r\n"
	    "\r\n"
	    "hello\r\n"
	    "--b1 \r\n"
	    "c: application/sdp\r\n"
	    "Content-Disposition: session\r\n"
	    "\r\n"
	    "v=0\r\n"
	    "--b1--\r\n"
	    "epilogue\r\n";
	struct sip_multipart mp;
	struct slice h, c;

	sip_multipart_init(&mp, slice_cstr(body), SLICE_LIT("b1"), 0);
	ok(sip_multipart_next(&mp, &h, &c) && slice_eq_lit(h,
	    "Content-Type: text/plain") && slice_eq_lit(c, "hello"),
	    "first part: headers and content without the delimiter's CRLF");
	ok(slice_eq_lit(sip_multipart_header(h, "content-type"), "text/plain"),
	    "header lookup ignores case");
	ok(sip_multipart_next(&mp, &h, &c) && slice_eq_lit(c, "v=0"),
	    "second part after a delimiter with trailing white space");
	ok(slice_eq_lit(sip_multipart_header(h, "Content-Type"),
	    "application/sdp") && slice_eq_lit(sip_multipart_header(h,
	    "Content-Disposition"), "session"), "compact 'c' is Content-Type");
	ok(!sip_multipart_next(&mp, &h, &c) && mp.done,
	    "the close delimiter ends the walk");
	ok(!sip_multipart_next(&mp, &h, &c), "and it stays ended");

	sip_multipart_init(&mp, slice_cstr(body), SLICE_LIT("b1"), 1);
	ok(sip_multipart_next(&mp, &h, &c) && slice_eq_lit(c, "hello\r\n"),
	    "keep_eol hands out the CRLF too");

	sip_multipart_init(&mp, SLICE_LIT("--x\r\nA: 1\r\n\r\nbody"),
	    SLICE_LIT("x"), 0);
	ok(!sip_multipart_next(&mp, &h, &c), "a part without a closing "
	    "delimiter is not handed out");
	sip_multipart_init(&mp, SLICE_LIT("--x\n\nbare\n--x--\n"),
	    SLICE_LIT("x"), 0);
	ok(sip_multipart_next(&mp, &h, &c) && h.len == 0 &&
	    slice_eq_lit(c, "bare"), "LF line ends, a part without headers");
	sip_multipart_init(&mp, SLICE_LIT("--x\r\n\r\na\r\n--x--"),
	    SLICE_LIT(""), 0);
	ok(!sip_multipart_next(&mp, &h, &c), "an empty boundary finds nothing");
	sip_multipart_init(&mp, SLICE_LIT("--x\r\n\r\na\r\n--xy\r\nb\r\n"
	    "--x--\r\n"), SLICE_LIT("x"), 0);
	ok(sip_multipart_next(&mp, &h, &c) && slice_eq_lit(c, "a\r\n--xy\r\nb"),
	    "'--xy' is no delimiter for boundary 'x'");
	ok(sip_multipart_head_len(SLICE_LIT("A: 1\r\n\r\nrest")) == 8 &&
	    sip_multipart_head_len(SLICE_LIT("A: 1")) == 4,
	    "head length up to the empty line");
	return done();
}
