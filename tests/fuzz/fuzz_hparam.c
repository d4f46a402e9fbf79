/*
 * fuzz_hparam.c - libFuzzer target for sip_field_hparam_n(), the header
 * parameter reader of sip-parse --fields and the UA, checked against a
 * plain byte-at-a-time reading of the same rules (below): the fast one
 * compares names where they start and passes values sixteen bytes at a
 * time, and must find the same slice, pointer and length, on any bytes.
 * The first byte picks the name; the rest is the header value.
 */
#include <stdint.h>
#include <stddef.h>

#include "field.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Names a caller asks for, and ones that are prefixes of others. */
static const char *const names[] = {
	"tag", "branch", "received", "rport", "expires", "t", "ta", "tags",
	"x-y", "lr", "maddr", "transport", "",
};
#define NNAMES	(sizeof(names) / sizeof(names[0]))

static int
is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Past the quoted string at p (on its quote), or e when unclosed. */
static const char *
quoted(const char *p, const char *e)
{
	for (p++; p < e; p++) {
		if (*p == '"')
			return p + 1;
		if (*p == '\\') {
			if (e - p < 2)
				break;
			p++;
		}
	}
	return e;
}

static const char *
find(const char *p, const char *e, const char *set)
{
	const char *s;

	for (; p < e; p++)
		for (s = set; *s != '\0'; s++)
			if (*p == *s)
				return p;
	return NULL;
}

/* The rules of lib/sip/field.h, one byte at a time. */
static struct slice
plain(struct slice v, const char *name, size_t n)
{
	const char *p = v.p, *e = v.p + v.len, *q, *ns, *ne, *vs;
	size_t i;
	int same;

	while (p < e && is_lws(*p))
		p++;
	if (p < e && *p == '"') {
		if ((q = find(quoted(p, e), e, "<")) == NULL)
			return SLICE_NULL;
		p = q;
	} else {
		if ((q = find(p, e, ";<,")) == NULL || *q == ',')
			return SLICE_NULL;
		p = q;
	}
	if (p < e && *p == '<') {
		if ((q = find(p, e, ">")) == NULL)
			return SLICE_NULL;
		p = q + 1;
		if (p < e && *p != ';') {
			if ((q = find(p, e, ";")) == NULL)
				return SLICE_NULL;
			p = q;
		}
	}
	while (p < e) {
		p++;
		while (p < e && is_lws(*p))
			p++;
		ns = p;
		while (p < e && slice_is_token(*p))
			p++;
		ne = p;
		same = (size_t)(ne - ns) == n;
		for (i = 0; same && i < n; i++)
			same = ns[i] == name[i] || ((ns[i] | 0x20) == name[i] &&
			    name[i] >= 'a' && name[i] <= 'z');
		if (!same) {
			while ((q = find(p, e, ";,\"")) != NULL && *q == '"')
				p = quoted(q, e);
			if (q == NULL || *q == ',')
				return SLICE_NULL;
			p = q;
			continue;
		}
		while (p < e && is_lws(*p))
			p++;
		if (p == e || *p != '=')
			return slice_make(ne, 0);
		p++;
		while (p < e && is_lws(*p))
			p++;
		vs = p;
		if (p < e && *p == '"')
			p = quoted(p, e);
		else
			while (p < e && (slice_token_map[(unsigned char)*p] &
			    SLICE_C_GENVAL))
				p++;
		return slice_make(vs, (size_t)(p - vs));
	}
	return SLICE_NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct slice v, got, want;
	const char *name;
	size_t i;

	if (size == 0)
		return 0;
	v = slice_make((const char *)data + 1, size - 1);
	/* the picked name first, then every name on the same bytes */
	for (i = 0; i <= NNAMES; i++) {
		name = names[i == 0 ? data[0] % NNAMES : i - 1];
		got = sip_field_hparam_n(v, name, strlen(name));
		want = plain(v, name, strlen(name));
		if (got.p != want.p || got.len != want.len)
			__builtin_trap();
	}
	return 0;
}
