/*
 * json.c - json_escape(), json_key() and json_slice() against a byte-by-
 * byte reference: the word-at-a-time scans must find a byte that needs
 * escaping at every position of strings of every length up to 40, and
 * read nothing past the end (each input ends at a PROT_NONE page).
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "json.h"
#include "tap.h"

/* The escape of one byte of ASCII or a lone byte >= 0x80. */
static void
ref_byte(struct buf *b, unsigned char c)
{
	char t[8];

	if (c >= 0x80)
		buf_adds(b, "\\ufffd");
	else if (c == '"')
		buf_adds(b, "\\\"");
	else if (c == '\\')
		buf_adds(b, "\\\\");
	else if (c == '\n')
		buf_adds(b, "\\n");
	else if (c == '\r')
		buf_adds(b, "\\r");
	else if (c == '\t')
		buf_adds(b, "\\t");
	else if (c < 0x20) {
		snprintf(t, sizeof(t), "\\u%04x", c);
		buf_adds(b, t);
	} else
		buf_add(b, &c, 1);
}

int
main(void)
{
	static const unsigned char odd[] = { '"', '\\', '\n', 0x01, 0x1f,
	    0x80, 0xff, 0x7f, ' ' };
	long pg = sysconf(_SC_PAGESIZE);
	char *page, *s;
	struct buf got, want;
	struct json j;
	size_t len, pos, k, i, bad = 0, badkey = 0, badval = 0;

	page = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED || mprotect(page + pg, (size_t)pg, PROT_NONE))
		return 1;
	buf_init(&got, 0);
	buf_init(&want, 0);
	/* never NULL, so that an empty string compares with memcmp() */
	if (buf_reserve(&want, 64) != SIP_OK)
		return 1;
	for (len = 0; len <= 40; len++)
		for (pos = 0; pos <= len; pos++)
			for (k = 0; k < sizeof(odd); k++) {
				/* len bytes ending at the guard page */
				s = page + pg - len;
				for (i = 0; i < len; i++)
					s[i] = (char)('a' + i % 26);
				if (pos < len)
					s[pos] = (char)odd[k];
				buf_reset(&want);
				for (i = 0; i < len; i++)
					ref_byte(&want, (unsigned char)s[i]);
				buf_reset(&got);
				json_escape(&got, s, len);
				if (got.len != want.len ||
				    memcmp(got.p, want.p, got.len) != 0)
					bad++;
				/* a key and a value: quoted, and the ':' */
				buf_reset(&got);
				json_init(&j, &got);
				json_obj(&j);
				json_slice(&j, slice_make(s, len));
				if (got.len != want.len + 3 ||
				    memcmp(got.p + 2, want.p, want.len) != 0)
					badval++;
				/* and early in the page, with quotes after it
				   that a read past the end must not count */
				memset(page, '"', 256);
				memcpy(page + 100, s, len);
				buf_reset(&got);
				json_init(&j, &got);
				json_obj(&j);
				json_slice(&j, slice_make(page + 100, len));
				if (got.len != want.len + 3 ||
				    memcmp(got.p + 2, want.p, want.len) != 0)
					badval++;
				if (memchr(s, '\0', len) == NULL && len < 40) {
					char key[41];

					memcpy(key, s, len);
					key[len] = '\0';
					buf_reset(&got);
					json_init(&j, &got);
					json_obj(&j);
					json_key(&j, key);
					if (got.len != want.len + 4 ||
					    memcmp(got.p + 2, want.p, want.len) != 0)
						badkey++;
				}
			}
	ok(bad == 0, "json_escape: a byte to escape is found at every "
	    "position of strings of 0 to 40 bytes (%zu wrong)", bad);
	ok(badval == 0, "json_slice: the same strings come out escaped "
	    "(%zu wrong)", badval);
	ok(badkey == 0, "json_key: the same strings as keys come out escaped "
	    "(%zu wrong)", badkey);
	buf_reset(&got);
	json_escape(&got, "caf\xc3\xa9 \xe2\x82\xac", 9);
	ok(strcmp(got.p, "caf\xc3\xa9 \xe2\x82\xac") == 0,
	    "json_escape: valid UTF-8 passes through");
	buf_reset(&got);
	json_init(&j, &got);
	json_obj(&j);
	json_key(&j, "n");
	json_int(&j, -9223372036854775807 - 1);
	json_key(&j, "z");
	json_int(&j, 0);
	json_key(&j, "m");
	json_int(&j, 1234567890123);
	json_end(&j);
	ok(strcmp(got.p, "{\"n\":-9223372036854775808,\"z\":0,"
	    "\"m\":1234567890123}") == 0, "json_int: INT64_MIN, 0 and a "
	    "large number: %s", got.p);
	buf_reset(&got);
	json_init(&j, &got);
	json_obj(&j);
	json_kslice(&j, "a", SLICE_LIT("plain"));
	json_kslice(&j, "b\"", SLICE_LIT("x\r\n"));
	json_kslice(&j, "c", SLICE_NULL);
	json_kint(&j, "d", -42);
	json_kstr(&j, "e", NULL);
	json_end(&j);
	ok(strcmp(got.p, "{\"a\":\"plain\",\"b\\\"\":\"x\\r\\n\","
	    "\"c\":null,\"d\":-42,\"e\":null}") == 0,
	    "json_kslice, json_kint, json_kstr: members in one go or escaped: %s",
	    got.p);
	{
		/* every number of digits, both signs, against printf */
		static const int64_t ends[] = { 0, 1, 9, 10, 99, 100, 101, 999,
		    1000, 65535, 99999, 999999999, 1000000000, 4294967295,
		    4294967296, 9999999999, 10000000000, 9223372036854775807 };
		size_t nbad = 0;
		char t[64];

		for (i = 0; i < sizeof(ends) / sizeof(ends[0]) * 2; i++) {
			int64_t v = i % 2 ? -ends[i / 2] : ends[i / 2];

			buf_reset(&got);
			json_init(&j, &got);
			json_lobj(&j, "o");
			json_lint(&j, "n", v);
			json_lslice(&j, "s", SLICE_LIT("a\"b"));
			json_lstr(&j, "z", NULL);
			json_end(&j);
			snprintf(t, sizeof(t), "\"o\":{\"n\":%lld,\"s\":"
			    "\"a\\\"b\",\"z\":null}", (long long)v);
			if (strcmp(got.p, t) != 0)
				nbad++;
		}
		ok(nbad == 0, "json_lobj, json_lint, json_lslice, json_lstr: "
		    "literal keys, numbers of every length and sign, an "
		    "escaped value and null (%zu wrong)", nbad);
	}
	buf_free(&got);
	buf_free(&want);
	return done();
}
