/*
 * slice.c - unit tests for lib/slice.c and lib/buf.c edge cases.
 */
#include <string.h>

#include "buf.h"
#include "slice.h"
#include "tap.h"

/* slice_skip_class() against a byte-at-a-time loop. */
static int
skip_agrees(void)
{
	static const unsigned char masks[] = { SLICE_C_TOKEN, SLICE_C_GENVAL,
	    SLICE_C_WORD, SLICE_C_HOST, SLICE_C_TOKEN | SLICE_C_WORD };
	char buf[80];
	unsigned b, k, pos, len;

	for (k = 0; k < sizeof(masks); k++)
		for (b = 0; b < 256; b++)
			for (pos = 0; pos < 40; pos += 3)
				for (len = pos; len <= 72; len += 5) {
					const char *want = buf + len, *got;
					unsigned i;

					memset(buf, 'a', sizeof(buf));
					buf[pos] = (char)b;
					for (i = 0; i < len; i++)
						if (!(slice_token_map[(unsigned char)
						    buf[i]] & masks[k])) {
							want = buf + i;
							break;
						}
					got = slice_skip_class(buf, buf + len,
					    masks[k]);
					if (got != want) {
						printf("# mask %#x byte %#x at %u of "
						    "%u: %td, want %td\n", masks[k],
						    b, pos, len, got - buf,
						    want - buf);
						return 0;
					}
				}
	return 1;
}

/*
 * Where slice_split() ends the first item of s: byte at a time, a quote
 * (with its backslash pairs) or <> hides sep.
 */
static size_t
split_ref(struct slice s, char sep)
{
	int inq = 0, ina = 0;
	size_t i;

	for (i = 0; i < s.len; i++) {
		char c = s.p[i];

		if (inq) {
			if (c == '\\' && i + 1 < s.len)
				i++;
			else if (c == '"')
				inq = 0;
			continue;
		}
		if (c == '"')
			inq = 1;
		else if (c == '<')
			ina = 1;
		else if (c == '>')
			ina = 0;
		else if (c == sep && !ina)
			break;
	}
	return i;
}

/*
 * slice_split() against split_ref(): every string of up to 6 bytes of
 * the bytes that matter, then long ones that cross its 16-byte blocks.
 */
static int
split_agrees(void)
{
	static const char al[] = "a,;\"<>\\";
	char buf[160];
	unsigned long x, y, tot = 1, seed = 1;
	struct slice s, item;
	size_t len, k, want;

	for (len = 0; len <= 160; len += len < 6 ? 1 : 11) {
		if (len <= 6)
			tot = len == 0 ? 1 : tot * 7;
		for (x = 0; x < (len <= 6 ? tot : 2000); x++) {
			for (k = 0, y = x; k < len; k++) {
				seed = seed * 1103515245 + 12345;
				buf[k] = len <= 6 ? al[y % 7] :
				    (seed >> 16) % 3 ? 'x' : al[(seed >> 20) % 7];
				y /= 7;
			}
			s = slice_make(buf, len);
			while (s.len > 0) {
				const char *at = s.p;

				want = split_ref(s, ',');
				if (!slice_split(&s, ',', &item) ||
				    item.p != at || item.len != want) {
					printf("# len %zu: %.*s\n", len,
					    (int)len, buf);
					return 0;
				}
			}
		}
	}
	return 1;
}

/* slice_find3() against strpbrk-like scanning, every length and place. */
static int
find3_agrees(void)
{
	char buf[80];
	unsigned pos, len, start;

	for (start = 0; start < 8; start++)
		for (len = start; len <= 72; len++)
			for (pos = 0; pos <= 75; pos++) {
				const char *want = NULL, *got;
				unsigned i;

				memset(buf, 'x', sizeof(buf));
				if (pos < sizeof(buf))
					buf[pos] = (pos & 1) ? ';' : ',';
				for (i = start; i < len; i++)
					if (buf[i] == ',' || buf[i] == ';' ||
					    buf[i] == '<') {
						want = buf + i;
						break;
					}
				got = slice_find3(buf + start, buf + len, ',',
				    ';', '<');
				if (got != want) {
					printf("# start %u len %u pos %u\n", start,
					    len, pos);
					return 0;
				}
			}
	return 1;
}

/* slice_count against a loop, at every offset and length up to 9000
   (past the 255 rounds of sixteen a byte counter holds) */
static int
count_agrees(void)
{
	static char t[9100];
	size_t off, n, i, want;

	for (i = 0; i < sizeof(t); i++)
		t[i] = (char)(i * 7 % 13 == 0 ? '\n' : 'a' + i % 26);
	for (off = 0; off < 17; off++)
		for (n = 0; off + n <= 9000; n += n < 300 ? 1 : 97) {
			for (want = 0, i = 0; i < n; i++)
				want += t[off + i] == '\n';
			if (slice_count(t + off, n, '\n') != want)
				return 0;
		}
	memset(t, '\n', sizeof(t));
	return slice_count(t, sizeof(t), '\n') == sizeof(t);
}

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
	ok(skip_agrees(), "class runs agree with a byte-at-a-time scan, every "
	    "byte, at every offset and length");
	ok(find3_agrees(), "slice_find3 agrees with a byte-at-a-time scan");
	ok(count_agrees(), "slice_count agrees with a byte-at-a-time count, "
	    "every offset, lengths past 4080 and all matches");
	ok(split_agrees(), "slice_split agrees with a byte-at-a-time scan of "
	    "quotes and <>, every short string and long ones");
	return done();
}
