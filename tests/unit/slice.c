/*
 * slice.c - unit tests for lib/slice.c and lib/buf.c edge cases.
 */
#include <string.h>

#include "buf.h"
#include "slice.h"
#include "tap.h"

int
main(void)
{
	struct slice s, item;
	struct buf b;
	uint32_t v = 7;
	int n;

	ok(slice_to_u32(SLICE_LIT("2147483647"), 2147483647u, &v) == 0 &&
	    v == 2147483647u, "u32 at its maximum");
	ok(slice_to_u32(SLICE_LIT("2147483648"), 2147483647u, &v) != 0,
	    "u32 over the maximum is rejected");
	ok(slice_to_u32(SLICE_LIT(""), 10, &v) != 0, "empty is rejected");
	ok(slice_to_u32(SLICE_LIT("12a"), 100, &v) != 0, "junk is rejected");
	ok(slice_to_u32(SLICE_LIT("-1"), 100, &v) != 0, "sign is rejected");
	ok(slice_to_u32(SLICE_LIT("99999999999999999999999"), 100, &v) != 0,
	    "overflow is rejected");
	ok(slice_ieq(SLICE_LIT("Call-ID"), SLICE_LIT("call-id")),
	    "case-folding compare");
	s = slice_trim(SLICE_LIT(" \t a b \r\n "));
	ok(slice_eq_lit(s, "a b"), "trim both ends");

	s = SLICE_LIT("<sip:a,b@x>;p=\"x,y\", \"A, B\" <sip:c>,d");
	n = 0;
	while (slice_split(&s, ',', &item))
		n++;
	ok(n == 3, "split on commas outside quotes and brackets (%d)", n);
	s = SLICE_LIT("a,");
	n = 0;
	while (slice_split(&s, ',', &item))
		n++;
	ok(n == 1, "a trailing comma ends the list");

	buf_init(&b, 8);
	ok(buf_adds(&b, "12345678") == SIP_OK, "buf fills to its maximum");
	ok(buf_addc(&b, '9') == SIP_E_TOOBIG && b.len == 8,
	    "buf past its maximum is SIP_E_TOOBIG and unchanged");
	buf_consume(&b, 3);
	ok(b.len == 5 && memcmp(b.p, "45678", 5) == 0, "buf_consume");
	buf_free(&b);
	return done();
}
