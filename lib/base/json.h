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

#endif
