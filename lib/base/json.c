/*
 * json.c - JSON writer.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "json.h"

void
json_init(struct json *j, struct buf *b)
{
	memset(j, 0, sizeof(*j));
	j->b = b;
}

static void
emit(struct json *j, const char *s, size_t n)
{
	if (j->err == SIP_OK)
		j->err = buf_add(j->b, s, n);
}

/* Before a value: a comma if one came before at this level. */
static void
vsep(struct json *j)
{
	unsigned char *st;

	if (j->depth == 0)
		return;
	st = &j->state[j->depth - 1];
	if (*st == 1)
		emit(j, ",", 1);
	*st = 1;
}

static void
open_(struct json *j, char c)
{
	vsep(j);
	emit(j, &c, 1);
	if (j->depth >= JSON_MAX_DEPTH) {
		j->err = SIP_E_TOOBIG;
		return;
	}
	j->state[j->depth] = 0;
	j->is_arr[j->depth++] = c == '[';
}

void
json_obj(struct json *j)
{
	open_(j, '{');
}

void
json_arr(struct json *j)
{
	open_(j, '[');
}

void
json_end(struct json *j)
{
	if (j->depth == 0)
		return;
	j->depth--;
	emit(j, j->is_arr[j->depth] ? "]" : "}", 1);
}

void
json_key(struct json *j, const char *key)
{
	vsep(j);
	emit(j, "\"", 1);
	if (j->err == SIP_OK)
		j->err = json_escape(j->b, key, strlen(key));
	emit(j, "\":", 2);
	/* The member's value follows: it must not add a comma. */
	if (j->depth > 0)
		j->state[j->depth - 1] = 2;
}

enum sip_err
json_escape(struct buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;
	enum sip_err e;
	char esc[8];

#define FLUSH()	do {						\
	if (run > 0 && (e = buf_add(b, p + i - run, run)) != SIP_OK)	\
		return e;					\
	run = 0;						\
} while (0)
	while (i < len) {
		unsigned char c = p[i];
		size_t n = 0;

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			run++;
			i++;
			continue;
		}
		if (c >= 0x80) {
			/* Valid UTF-8 passes through; anything else is U+FFFD. */
			uint32_t cp = 0;

			if (c >= 0xc2 && c <= 0xdf)
				n = 1, cp = c & 0x1f;
			else if (c >= 0xe0 && c <= 0xef)
				n = 2, cp = c & 0x0f;
			else if (c >= 0xf0 && c <= 0xf4)
				n = 3, cp = c & 0x07;
			if (n > 0 && i + n < len) {
				size_t k;

				for (k = 1; k <= n; k++) {
					if ((p[i + k] & 0xc0) != 0x80)
						break;
					cp = (cp << 6) | (p[i + k] & 0x3f);
				}
				if (k > n && !(n == 2 && cp < 0x800) &&
				    !(n == 3 && (cp < 0x10000 || cp > 0x10ffff)) &&
				    !(cp >= 0xd800 && cp <= 0xdfff)) {
					run += n + 1;
					i += n + 1;
					continue;
				}
			}
			FLUSH();
			if ((e = buf_adds(b, "\\ufffd")) != SIP_OK)
				return e;
			i++;
			continue;
		}
		FLUSH();
		switch (c) {
		case '"': e = buf_adds(b, "\\\""); break;
		case '\\': e = buf_adds(b, "\\\\"); break;
		case '\n': e = buf_adds(b, "\\n"); break;
		case '\r': e = buf_adds(b, "\\r"); break;
		case '\t': e = buf_adds(b, "\\t"); break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			e = buf_adds(b, esc);
		}
		if (e != SIP_OK)
			return e;
		i++;
	}
	FLUSH();
#undef FLUSH
	return SIP_OK;
}

void
json_slice(struct json *j, struct slice s)
{
	vsep(j);
	if (s.p == NULL) {
		emit(j, "null", 4);
		return;
	}
	emit(j, "\"", 1);
	if (j->err == SIP_OK)
		j->err = json_escape(j->b, s.p, s.len);
	emit(j, "\"", 1);
}

void
json_str(struct json *j, const char *s)
{
	json_slice(j, slice_cstr(s));
}

void
json_int(struct json *j, int64_t v)
{
	char t[32];
	int n = snprintf(t, sizeof(t), "%lld", (long long)v);

	vsep(j);
	emit(j, t, (size_t)n);
}

void
json_raw(struct json *j, const char *p, size_t n)
{
	vsep(j);
	emit(j, p, n);
}

void
json_dbl(struct json *j, double v, int decimals)
{
	char t[64];
	int n;

	vsep(j);
	if (!isfinite(v)) {
		emit(j, "null", 4);
		return;
	}
	n = snprintf(t, sizeof(t), "%.*f", decimals, v);
	emit(j, t, (size_t)n);
}

void
json_bool(struct json *j, int v)
{
	vsep(j);
	emit(j, v ? "true" : "false", v ? 4 : 5);
}

void
json_null(struct json *j)
{
	vsep(j);
	emit(j, "null", 4);
}

void
json_kstr(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_str(j, s);
}

void
json_kslice(struct json *j, const char *key, struct slice s)
{
	json_key(j, key);
	json_slice(j, s);
}

void
json_kint(struct json *j, const char *key, int64_t v)
{
	json_key(j, key);
	json_int(j, v);
}

void
json_kbool(struct json *j, const char *key, int v)
{
	json_key(j, key);
	json_bool(j, v);
}
