/*
 * memo.c - a bounded direct-mapped cache of byte strings.
 */
#include <stdlib.h>
#include <string.h>

#include "memo.h"

enum sip_err
memo_init(struct memo *m, unsigned bits)
{
	memset(m, 0, sizeof(*m));
	if (bits < 1 || bits > 20)
		return SIP_E_INVAL;
	if ((m->v = calloc((size_t)1 << bits, sizeof(*m->v))) == NULL)
		return SIP_E_NOMEM;
	m->bits = bits;
	return SIP_OK;
}

void
memo_free(struct memo *m)
{
	if (m->v != NULL)
		for (size_t i = 0; i < (size_t)1 << m->bits; i++)
			free(m->v[i].p);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

void
memo_put(struct memo *m, uint64_t h, uint32_t tag, const char *k, size_t kn,
    const char *v, size_t vn)
{
	struct memo_slot *s;

	if (m->v == NULL)
		return;
	s = &m->v[h >> (64 - m->bits)];
	if (kn + vn > MEMO_MAX_ENTRY)
		return;
	if (s->cap < kn + vn) {
		size_t cap = kn + vn < 256 ? 256 : kn + vn;
		char *p = realloc(s->p, cap);

		if (p == NULL) {
			s->h = 0;
			return;
		}
		s->p = p;
		s->cap = (uint32_t)cap;
	}
	if (kn > 0)
		memcpy(s->p, k, kn);
	if (vn > 0)
		memcpy(s->p + kn, v, vn);
	s->h = h;
	s->tag = tag;
	s->klen = (uint32_t)kn;
	s->vlen = (uint32_t)vn;
}
