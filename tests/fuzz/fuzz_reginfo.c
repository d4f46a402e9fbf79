/*
 * fuzz_reginfo.c - libFuzzer target for application/reginfo+xml
 * (lib/sip/reginfo): the input is split at NUL bytes into up to eight
 * documents, each parsed, its values unescaped, and merged into one
 * view in turn, as a watcher merges the bodies of its NOTIFYs.  After
 * each merge the view is written out with sip_reginfo_build() and read
 * back into a second view, which must hold the same contacts: what the
 * builder writes the parser reads.
 */
#include <stdint.h>
#include <string.h>

#include "reginfo.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
unescape(struct slice v)
{
	struct buf b;

	buf_init(&b, SIP_MAX_LINE);
	(void)sip_reginfo_unescape(v, &b);
	buf_free(&b);
}

static int
same(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* v written as a full document and read back: the same contacts. */
static void
round_trip(const struct sip_reginfo_view *v)
{
	static struct sip_reginfo back;
	struct sip_reginfo_breg r[SIP_REGINFO_MAXREGS];
	struct sip_reginfo_view w;
	enum sip_reginfo_order ord;
	unsigned nr = 0, n;
	struct buf b;
	enum sip_err e;

	if (v->n > SIP_REGINFO_MAXCONTACTS)
		return;
	for (unsigned i = 0; i < v->n; i++) {
		if (nr > 0 && same(r[nr - 1].aor, v->c[i].aor) &&
		    same(r[nr - 1].id, v->c[i].reg_id)) {
			r[nr - 1].n++;
			continue;
		}
		if (nr == SIP_REGINFO_MAXREGS)
			return;
		r[nr].aor = v->c[i].aor;
		r[nr].id = v->c[i].reg_id;
		r[nr].state = SIP_REGINFO_ACTIVE;
		r[nr].c = &v->c[i];
		r[nr].n = 1;
		nr++;
	}
	buf_init(&b, 1 << 20);
	e = sip_reginfo_build(&b, v->version, 1, r, nr);
	if (e == SIP_OK) {
		if (sip_reginfo_parse(&back, b.p, b.len, NULL) != SIP_OK)
			__builtin_trap();
		memset(&w, 0, sizeof(w));
		if (sip_reginfo_merge(&w, &back, NULL, 0, &n, &ord) != SIP_OK ||
		    w.n != v->n)
			__builtin_trap();
		for (unsigned i = 0; i < w.n; i++) {
			const struct sip_reginfo_vcontact *x = &v->c[i],
			    *y = &w.c[i];

			if (!same(x->id, y->id) || !same(x->uri, y->uri) ||
			    !same(x->display, y->display) || !same(x->q, y->q) ||
			    !same(x->callid, y->callid) || !same(x->aor, y->aor) ||
			    !same(x->reg_id, y->reg_id) ||
			    x->active != y->active || x->event != y->event ||
			    x->has != y->has || x->expires != y->expires ||
			    x->retry_after != y->retry_after ||
			    x->duration != y->duration || x->cseq != y->cseq)
				__builtin_trap();
		}
		sip_reginfo_view_free(&w);
	} else if (e != SIP_E_INVAL) {
		__builtin_trap();
	}
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sip_reginfo ri;
	struct sip_reginfo_view v;
	struct sip_reginfo_change ch[16];
	enum sip_reginfo_order ord;
	struct sip_perr pe;
	size_t off = 0;
	unsigned n;

	memset(&v, 0, sizeof(v));
	for (int i = 0; i < 8 && off <= size; i++) {
		const uint8_t *nul = memchr(data + off, 0, size - off);
		size_t len = nul != NULL ? (size_t)(nul - data - off) : size - off;

		if (sip_reginfo_parse(&ri, (const char *)data + off, len,
		    &pe) == SIP_OK) {
			for (unsigned k = 0; k < ri.ncontact; k++) {
				unescape(ri.contact[k].uri);
				unescape(ri.contact[k].display);
				for (unsigned j = 0; j < ri.contact[k].nparam; j++)
					unescape(ri.contact[k].param[j].value);
			}
			if (sip_reginfo_merge(&v, &ri, ch, 16, &n, &ord) ==
			    SIP_OK) {
				for (unsigned k = 0; k < n; k++)
					if (ch[k].c->id == NULL)
						__builtin_trap();
				round_trip(&v);
			}
		} else if (pe.off > len) {
			__builtin_trap();	/* an offset outside the input */
		}
		off += len + 1;
	}
	sip_reginfo_view_free(&v);
	return 0;
}
