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

/* The inline parts of the above; not to be called otherwise. */
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

static inline void
json_qkey(struct json *j, const char *qk, size_t qn)
{
	char *w = json_room_(j, qn + 1);

	if (w == NULL)
		return;
	w = json_sep_(j, w);
	memcpy(w, qk, qn);
	w[qn] = '\0';
	j->b->len = (size_t)(w + qn - j->b->p);
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
