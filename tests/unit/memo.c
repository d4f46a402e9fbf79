/*
 * memo.c - the memo of lib/base and json_memo_hit(): a value comes back
 * only for its own tag and key, whatever shares its slot; what does not
 * fit is not kept; a memo that failed to set up keeps and finds nothing;
 * and a member written through the memo reads the same, comma and all,
 * recalled or not.
 */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "memo.h"
#include "tap.h"

static struct slice
get(struct memo *m, uint32_t tag, const char *k)
{
	return memo_get(m, memo_hash(tag, k, strlen(k)), tag, k, strlen(k));
}

static void
put(struct memo *m, uint32_t tag, const char *k, const char *v)
{
	memo_put(m, memo_hash(tag, k, strlen(k)), tag, k, strlen(k), v,
	    strlen(v));
}

static int
is(struct slice s, const char *want)
{
	return s.p != NULL && slice_eq_cstr(s, want);
}

/* Every pair of keys of lengths 0 to 40 that differ in one byte. */
static int
one_byte_apart(void)
{
	struct memo m;
	char a[41], b[41];
	size_t n, i;
	int good = 1;

	if (memo_init(&m, 1) != SIP_OK)	/* two slots: most keys collide */
		return 0;
	for (n = 1; n <= 40 && good; n++)
		for (i = 0; i < n && good; i++) {
			memset(a, 'x', n);
			memcpy(b, a, n);
			b[i] = 'y';
			a[n] = b[n] = '\0';
			put(&m, 7, a, "A");
			put(&m, 7, b, "B");
			/* a is gone (its slot taken) or still itself */
			good = (get(&m, 7, a).p == NULL || is(get(&m, 7, a), "A")) &&
			    is(get(&m, 7, b), "B");
		}
	memo_free(&m);
	return good;
}

int
main(void)
{
	struct memo m, none;
	char big[MEMO_MAX_ENTRY + 1];
	struct json_memo jm;
	struct json j;
	struct buf b, b2;
	int i;

	ok(memo_init(&m, 10) == SIP_OK, "memo_init of 1,024 slots");
	ok(get(&m, 1, "SIP/2.0/UDP h").p == NULL, "an empty memo finds nothing");
	put(&m, 1, "SIP/2.0/UDP h", "{\"host\":\"h\"}");
	ok(is(get(&m, 1, "SIP/2.0/UDP h"), "{\"host\":\"h\"}"),
	    "a value kept is found by its tag and key");
	ok(get(&m, 2, "SIP/2.0/UDP h").p == NULL,
	    "the same key under another tag is not found");
	ok(get(&m, 1, "SIP/2.0/UDP i").p == NULL &&
	    get(&m, 1, "SIP/2.0/UDP h ").p == NULL,
	    "a key one byte apart or one longer is not found");
	put(&m, 1, "SIP/2.0/UDP h", "2");
	ok(is(get(&m, 1, "SIP/2.0/UDP h"), "2"), "a later value replaces it");
	put(&m, 3, "", "empty key");
	ok(is(get(&m, 3, ""), "empty key"), "an empty key is a key");
	put(&m, 4, "k", "");
	ok(is(get(&m, 4, "k"), ""), "an empty value is found (not NULL)");
	memset(big, 'v', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	put(&m, 5, "k", big);
	ok(get(&m, 5, "k").p == NULL, "a value past MEMO_MAX_ENTRY is not kept");
	ok(one_byte_apart(), "keys of 1 to 40 bytes one byte apart, sharing "
	    "two slots, never give each other's value");
	memo_free(&m);
	ok(m.v == NULL, "memo_free leaves an empty memo");

	ok(memo_init(&none, 0) == SIP_E_INVAL, "memo_init of 0 bits fails");
	put(&none, 1, "k", "v");
	ok(get(&none, 1, "k").p == NULL, "a memo that failed keeps nothing");

	/* the same two members written, then recalled, after a first one */
	memo_init(&m, 4);
	buf_init(&b, 0);
	buf_init(&b2, 0);
	for (i = 0; i < 2; i++) {
		struct buf *o = i == 0 ? &b : &b2;
		int hit;

		json_init(&j, o);
		json_obj(&j);
		json_lint(&j, "n", 1);
		hit = json_memo_hit(&j, &m, &jm, 9, slice_cstr("key"));
		if (!hit) {
			json_lslice(&j, "a", slice_cstr("x"));
			json_lint(&j, "b", 2);
			json_memo_keep(&j, &jm);
		}
		json_lint(&j, "c", 3);
		json_end(&j);
		ok(hit == i, i ? "the second time is recalled" :
		    "the first time is written");
	}
	ok(strcmp(b.p, "{\"n\":1,\"a\":\"x\",\"b\":2,\"c\":3}") == 0 &&
	    strcmp(b2.p, b.p) == 0, "recalled members read as written: %s",
	    b2.p);
	buf_reset(&b);
	json_init(&j, &b);
	json_obj(&j);
	ok(json_memo_hit(&j, &m, &jm, 9, slice_cstr("key")) == 1,
	    "recalled first in an object");
	json_lint(&j, "c", 3);
	json_end(&j);
	ok(strcmp(b.p, "{\"a\":\"x\",\"b\":2,\"c\":3}") == 0,
	    "with no comma before it, one after: %s", b.p);
	ok(json_memo_hit(&j, NULL, &jm, 9, slice_cstr("key")) == 0 &&
	    json_memo_hit(&j, &m, &jm, 9, slice_make(NULL, 0)) == 0,
	    "no memo or a NULL key: nothing recalled");
	buf_free(&b);
	buf_free(&b2);
	memo_free(&m);
	return done();
}
