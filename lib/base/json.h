/*
 * json.h - a JSON writer into a struct buf, for the --json output of
 * every applet (JSON Lines: one object per line).
 *
 * Commas and nesting are tracked by the writer; strings are escaped and
 * invalid UTF-8 becomes U+FFFD, so the output is always valid JSON.
 */
#ifndef SIPBOX_JSON_H
#define SIPBOX_JSON_H

#include <stdint.h>

#include "buf.h"
#include "slice.h"

#define JSON_MAX_DEPTH	32

struct json {
	struct buf	*b;
	int		 depth;
	unsigned char	 state[JSON_MAX_DEPTH];	/* 0 empty, 1 has items, 2 after key */
	unsigned char	 is_arr[JSON_MAX_DEPTH];
	enum sip_err	 err;		/* first error; later calls do nothing */
};

/* Start writing into b (appends; b is the caller's). */
void	json_init(struct json *j, struct buf *b);
void	json_obj(struct json *j);		/* { */
void	json_arr(struct json *j);		/* [ */
void	json_end(struct json *j);		/* } or ] */
/* The key of the next member (inside an object). */
void	json_key(struct json *j, const char *key);
void	json_str(struct json *j, const char *s);	/* NULL: null */
void	json_slice(struct json *j, struct slice s);	/* p NULL: null */
void	json_int(struct json *j, int64_t v);
void	json_dbl(struct json *j, double v, int decimals);
void	json_bool(struct json *j, int v);
void	json_null(struct json *j);
/* A value already written as JSON (by another struct json). */
void	json_raw(struct json *j, const char *p, size_t n);
/* key + value in one call. */
void	json_kstr(struct json *j, const char *key, const char *s);
void	json_kslice(struct json *j, const char *key, struct slice s);
void	json_kint(struct json *j, const char *key, int64_t v);
void	json_kbool(struct json *j, const char *key, int v);
/* Escape s as the body of a JSON string (no quotes) into b. */
enum sip_err	json_escape(struct buf *b, const char *s, size_t len);

/*
 * Members whose key is a string literal, for writers of many members a
 * record (sip-parse --json): the key goes out as the compiler quoted
 * it, in a copy of known length, with no strlen() and no scan.  Only a
 * literal compiles ("\"" key "\":"), and a literal key is plain ASCII
 * that needs no escaping.  Otherwise as json_kslice() and the others.
 */
#define JSON_QKEY(key)		"\"" key "\":", sizeof(key) + 2
#define json_lkey(j, key)	json_qkey(j, JSON_QKEY(key))
#define json_lslice(j, key, s)	json_qslice(j, JSON_QKEY(key), s)
#define json_lstr(j, key, s)	json_qslice(j, JSON_QKEY(key), slice_cstr(s))
#define json_lint(j, key, v)	json_qint(j, JSON_QKEY(key), v)
/* "key":{ and "key":[ */
#define json_lobj(j, key)	json_qopen(j, "\"" key "\":{", sizeof(key) + 3)
#define json_larr(j, key)	json_qopen(j, "\"" key "\":[", sizeof(key) + 3)
/* A key that is a slice (a parameter's name), escaped if need be. */
void	json_skey(struct json *j, struct slice key);
/* json_skey() and json_slice() in one go (a parameter and its value). */
void	json_skslice(struct json *j, struct slice key, struct slice v);

/*
 * Output recalled from a memo (memo.h) by a key, for a value or member
 * that is a pure function of a few bytes of input and recurs: when
 * json_memo_hit() finds what was kept for (tag, key) it writes that and
 * returns 1; otherwise it returns 0 and marks the place, the caller
 * writes the value, or members ("key":value, ...) of the object it is
 * in, itself, and json_memo_keep() keeps what was written since the
 * mark.  m NULL or a NULL key: nothing is recalled or kept.
 */
struct memo;
struct json_memo {
	struct memo	*m;
	uint64_t	 h;		/* 0: keep nothing */
	uint32_t	 tag;
	struct slice	 key;
	size_t		 at;
};
int	json_memo_hit(struct json *j, struct memo *m, struct json_memo *jm,
	    uint32_t tag, struct slice key);
void	json_memo_keep(struct json *j, const struct json_memo *jm);

/*
 * Output with holes, for a value whose key has a token at its start or
 * end that changes from use to use while the rest does not (the tag of
 * a From, the branch of a Via, the number of a CSeq): what is kept for
 * key A T is the output of A T with the places T went, under key A, and
 * recalled for A and any token T.  On a miss the caller writes the
 * output as usual, then json_memo_make_holes() has write() make it
 * again for A with '8' and with '9' in place of T, and keeps the two
 * made into a template (a mark where they differ) only if putting T in
 * each mark gives what was written.  A key with a mark in it is not
 * kept.  The caller vouches that its output depends on T only as a
 * token written as it is (no escaping; a number the same as its text);
 * its tags for these have JSON_MEMO_HOLES set.
 */
#define JSON_HOLE_MARK	'`'
#define JSON_MEMO_HOLES	0x80000000u
int	json_memo_hit_holes(struct json *j, struct memo *m,
	    struct json_memo *jm, uint32_t tag, struct slice a, struct slice t);
void	json_memo_make_holes(struct json *j, const struct json_memo *jm,
	    struct slice t, int t_first,
	    void (*write)(struct json *, struct slice, const void *),
	    const void *arg);

/*
 * The length of the token that ends v after ";name=" (0: none, or a
 * mark in it); name a literal, so that its comparison is a load.
 */
#define json_hole_len(v, name)	json_hole_len_(v, name, sizeof(name) - 1)
static inline size_t
json_hole_len_(struct slice v, const char *name, size_t namelen)
{
	size_t i = v.len;

	while (i > 0 && slice_is_token(v.p[i - 1]) &&
	    v.p[i - 1] != JSON_HOLE_MARK)
		i--;
	if (i == v.len || i < namelen + 2 || v.p[i - 1] != '=' ||
	    v.p[i - 2 - namelen] != ';' ||
	    memcmp(v.p + i - 1 - namelen, name, namelen) != 0)
		return 0;
	return v.len - i;
}

/* The inline parts of the above; not to be called otherwise. */
/* "00" to "99": the two digits of n at json_pairs + 2 * n. */
extern const char	json_pairs[201];
/* Room kept past a string's closing quote for a copy of 16 bytes. */
#define JSON_SLACK	16
enum sip_err	json_grow_(struct json *j, size_t n);
void	json_putq_(struct json *j, char *w, struct slice s);
void	json_putint_(struct json *j, char *w, int64_t v);
void	json_qslow_(struct json *j, const char *qk, size_t qn, struct slice s);
void	json_qopen_slow_(struct json *j, const char *qk, size_t qn);

/* Room for n bytes and the NUL after them, or NULL after an error. */
static inline char *
json_room_(struct json *j, size_t n)
{
	struct buf *b = j->b;

	if (j->err != SIP_OK || (n >= b->cap - b->len &&
	    json_grow_(j, n) != SIP_OK))
		return NULL;
	return b->p + b->len;
}

/* The comma before a value when one came before at this level. */
static inline char *
json_sep_(struct json *j, char *w)
{
	if (j->depth > 0) {
		unsigned char *st = &j->state[j->depth - 1];

		*w = ',';
		w += *st == 1;
		*st = 1;
	}
	return w;
}

/*
 * Members of the object being written, already JSON ("a":1,"b":"x"),
 * with the comma before them when one is due: a writer's own fast path
 * for text that changes little (the parts of a time kept a second).
 */
static inline void
json_members(struct json *j, const char *p, size_t n)
{
	char *w = json_room_(j, n + 1);

	if (w == NULL)
		return;
	w = json_sep_(j, w);
	memcpy(w, p, n);
	w[n] = '\0';
	j->b->len = (size_t)(w + n - j->b->p);
}

static inline void
json_qkey(struct json *j, const char *qk, size_t qn)
{
	json_members(j, qk, qn);
	/* The member's value follows: it must not add a comma. */
	if (j->depth > 0)
		j->state[j->depth - 1] = 2;
}

static inline void
json_qslice(struct json *j, const char *qk, size_t qn, struct slice s)
{
	char *w;

	if (s.p == NULL ||
	    (w = json_room_(j, qn + s.len + 3 + JSON_SLACK)) == NULL) {
		json_qslow_(j, qk, qn, s);
		return;
	}
	w = json_sep_(j, w);
	memcpy(w, qk, qn);
	json_putq_(j, w + qn, s);
}

static inline void
json_qint(struct json *j, const char *qk, size_t qn, int64_t v)
{
	char *w = json_room_(j, qn + 21);

	if (w == NULL)
		return;
	w = json_sep_(j, w);
	memcpy(w, qk, qn);
	json_putint_(j, w + qn, v);
}


static inline void
json_qopen(struct json *j, const char *qk, size_t qn)
{
	char *w;

	if (j->depth >= JSON_MAX_DEPTH || (w = json_room_(j, qn + 1)) == NULL) {
		json_qopen_slow_(j, qk, qn);
		return;
	}
	w = json_sep_(j, w);
	memcpy(w, qk, qn);
	w[qn] = '\0';
	j->b->len = (size_t)(w + qn - j->b->p);
	j->state[j->depth] = 0;
	j->is_arr[j->depth++] = qk[qn - 1] == '[';
}

#endif
