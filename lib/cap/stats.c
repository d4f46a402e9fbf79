/*
 * stats.c - method and status counts, retransmissions and response-time
 * percentiles.
 *
 * RFC 3261 17 (a transaction: the request and its responses share the
 * top Via branch and CSeq; 17.1.1.2 and 17.1.2.2 retransmit the same
 * bytes), RFC 6076 (SIP end-to-end performance metrics: registration
 * request delay and session request delay are the times measured here).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

/*
 * A 64-bit hash, eight bytes at a time: every message's bytes go through
 * it (FNV-1a a byte at a time was half of --stats' time).  Multiply and
 * fold, with the length in the last word so "a" and "a\0" differ.
 */
static uint64_t
hash(uint64_t h, const void *v, size_t n)
{
	const unsigned char *p = v;
	uint64_t w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 32;
	}
	w = 0;
	if (n > 0)	/* an absent field's bytes are NULL */
		memcpy(&w, p, n);
	h = (h ^ w ^ (uint64_t)n << 56) * 0x9e3779b97f4a7c15ull;
	return h ^ h >> 29;
}

#define HASH0	14695981039346656037ull

enum sip_err
sip_stats_init(struct sip_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->fp = calloc(SIP_STATS_FP_SLOTS, sizeof(*s->fp));
	s->fpts = calloc(SIP_STATS_FP_SLOTS, sizeof(*s->fpts));
	s->txn = calloc(SIP_STATS_TXN_SLOTS, sizeof(*s->txn));
	if (s->fp == NULL || s->fpts == NULL || s->txn == NULL) {
		sip_stats_release(s);
		return SIP_E_NOMEM;
	}
	return SIP_OK;
}

void
sip_stats_release(struct sip_stats *s)
{
	int k;

	for (k = 0; k < SIP_STATS_KINDS; k++) {
		free(s->h[k].exact);
		s->h[k].exact = NULL;
	}
	free(s->fp);
	free(s->fpts);
	free(s->txn);
	s->fp = NULL;
	s->fpts = NULL;
	s->txn = NULL;
}

const char *
sip_stats_kind_name(enum sip_stats_kind k)
{
	switch (k) {
	case SIP_STATS_REGISTER:
		return "REGISTER";
	case SIP_STATS_INVITE:
		return "INVITE setup";
	case SIP_STATS_NONINVITE:
		return "non-INVITE";
	default:
		return "?";
	}
}

static void
count_method(struct sip_stats *s, struct slice meth)
{
	int i;

	for (i = 0; i < SIP_STATS_METHODS && s->method[i][0] != '\0'; i++)
		if (slice_eq_cstr(meth, s->method[i])) {
			s->by_method[i]++;
			return;
		}
	if (i < SIP_STATS_METHODS && meth.len < sizeof(s->method[i])) {
		memcpy(s->method[i], meth.p, meth.len);
		s->method[i][meth.len] = '\0';
		s->by_method[i]++;
		return;
	}
	s->by_method[SIP_STATS_METHODS]++;
}

static void
hist_add(struct sip_stats_hist *h, double us)
{
	int k = us < 1 ? 0 : (int)(log(us) / log(1.01));

	if (k >= SIP_STATS_BUCKETS)
		k = SIP_STATS_BUCKETS - 1;
	if (h->n == 0 && h->exact == NULL)
		h->exact = malloc(SIP_STATS_EXACT * sizeof(*h->exact));
	if (h->exact != NULL && h->n < SIP_STATS_EXACT)
		h->exact[h->n] = us;
	h->b[k]++;
	h->n++;
	h->sum_us += us;
	if (us > h->max_us)
		h->max_us = us;
}

static int
cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
sip_stats_pct(const struct sip_stats *s, enum sip_stats_kind kind, double p)
{
	const struct sip_stats_hist *h = &s->h[kind];
	double want, v;
	unsigned long acc = 0;
	int k;

	if (h->n == 0)
		return 0;
	if (h->exact != NULL && h->n <= SIP_STATS_EXACT) {
		/* Nearest rank over the sorted times. */
		size_t rank = (size_t)ceil(p / 100.0 * (double)h->n);

		qsort(h->exact, h->n, sizeof(*h->exact), cmp_dbl);
		return h->exact[rank > 0 ? rank - 1 : 0];
	}
	want = p / 100.0 * (double)h->n;
	for (k = 0; k < SIP_STATS_BUCKETS; k++) {
		acc += h->b[k];
		if ((double)acc >= want && acc > 0)
			break;
	}
	v = k == 0 ? 1 : pow(1.01, k + 0.5);
	return v > h->max_us ? h->max_us : v;
}

/*
 * Has fingerprint h (with the endpoints) been seen?  Then it is counted
 * in *dups when ts_ns is within SIP_STATS_DUP_NS of the last time, else
 * in *retrans.  (inline: every message of --stats, --calls and --flow)
 */
static inline int
seen(struct sip_stats *s, uint64_t h, uint64_t ts_ns, unsigned long *retrans,
    unsigned long *dups)
{
	size_t slot;

	h |= 1;
	slot = h % SIP_STATS_FP_SLOTS;
	if (s->fp[slot] == h) {
		uint64_t prev = s->fpts[slot];

		if (ts_ns != 0 && (ts_ns > prev ? ts_ns - prev : prev - ts_ns) <
		    SIP_STATS_DUP_NS)
			(*dups)++;
		else
			(*retrans)++;
		s->fpts[slot] = ts_ns;
		return 1;
	}
	s->fp[slot] = h;
	s->fpts[slot] = ts_ns;
	return 0;
}

static struct slice
top_branch(const struct sip_msg *m)
{
	struct sip_hdr_iter it = { 0 };
	struct slice v = SLICE_NULL;
	size_t i;

	if (!sip_msg_values(m, SIP_HDR_VIA, &it, &v))
		return SLICE_NULL;
	for (i = 0; i + 7 <= v.len; i++)
		if ((v.p[i] | 0x20) == 'b' && slice_ieq(slice_make(v.p + i, 7), SLICE_LIT("branch="))) {
			ptrdiff_t semi;

			v = slice_from(v, i + 7);
			semi = slice_chr(v, ';');
			return slice_trim(semi >= 0 ? slice_head(v, (size_t)semi) : v);
		}
	return SLICE_NULL;
}

static struct slice
cseq_method(struct slice c)
{
	size_t i = 0;

	while (i < c.len && c.p[i] != ' ' && c.p[i] != '\t')
		i++;
	return slice_trim(slice_from(c, i));
}

/* h with the endpoints: strings, NUL between them */
static uint64_t
hash_ends(uint64_t h, const char *src, const char *dst)
{
	h = hash(h, src != NULL ? src : "", src != NULL ? strlen(src) : 0);
	h = hash(h, "\0", 1);
	return hash(h, dst != NULL ? dst : "", dst != NULL ? strlen(dst) : 0);
}

int
sip_stats_seen(struct sip_stats *s, const struct sip_msg *m, uint64_t ts_ns,
    const void *ends, size_t n)
{
	return seen(s, hash(hash(HASH0, m->buf, m->len), ends, n), ts_ns,
	    &s->retrans, &s->dups);
}

int
sip_stats_add(struct sip_stats *s, const struct sip_msg *m, uint64_t ts_ns,
    const void *ends, size_t n)
{
	struct slice cseq = slice_trim(sip_msg_value(m, SIP_HDR_CSEQ));
	struct slice cid = slice_trim(sip_msg_value(m, SIP_HDR_CALL_ID));
	struct slice br = top_branch(m), meth;
	struct sip_stats_txn *t;
	uint64_t key;

	/* Retransmissions repeat the bytes between the same endpoints. */
	if (sip_stats_seen(s, m, ts_ns, ends, n))
		return 1;

	if (m->is_request) {
		s->requests++;
		count_method(s, m->method);
	} else {
		s->responses++;
		if (m->status >= 100 && m->status < 700)
			s->by_status[m->status]++;
	}
	/* The transaction: Call-ID, CSeq and the top Via branch. */
	key = hash(hash(hash(HASH0, cid.p, cid.len), cseq.p, cseq.len), br.p,
	    br.len) | 1;
	t = &s->txn[key % SIP_STATS_TXN_SLOTS];
	meth = m->is_request ? m->method : cseq_method(cseq);
	if (m->is_request) {
		if (slice_eq_lit(meth, "ACK") || (t->key == key))
			return 0;
		t->key = key;
		t->ts_ns = ts_ns;
		t->done = 0;
		t->kind = slice_eq_lit(meth, "REGISTER") ? SIP_STATS_REGISTER :
		    slice_eq_lit(meth, "INVITE") ? SIP_STATS_INVITE :
		    SIP_STATS_NONINVITE;
		return 0;
	}
	if (t->key != key || t->done || ts_ns < t->ts_ns)
		return 0;
	if (t->kind == SIP_STATS_INVITE ? m->status < 180 : m->status < 200)
		return 0;
	t->done = 1;
	hist_add(&s->h[t->kind], (double)(ts_ns - t->ts_ns) / 1000.0);
	return 0;
}

int
sip_stats_add_mgcp(struct sip_stats *s, const struct mgcp_msg *g,
    uint64_t ts_ns, const char *src, const char *dst)
{
	struct sip_stats_mgcp *q = &s->mgcp;
	char code[4];
	uint64_t h;
	int i;

	/* "M" keeps them apart from SIP's fingerprints in the one table */
	code[0] = (char)('0' + g->code / 100 % 10);
	code[1] = (char)('0' + g->code / 10 % 10);
	code[2] = (char)('0' + g->code % 10);
	h = hash(HASH0, g->is_response ? "MR" : "MC", 2);
	h = g->is_response ? hash(h, code, 3) : hash(h, g->verb.p, g->verb.len);
	h = hash(h, g->txid.p, g->txid.len);
	if (seen(s, hash_ends(h, src, dst), ts_ns, &q->retrans, &q->dups))
		return 1;
	if (g->is_response) {
		q->responses++;
		q->by_class[g->code / 100 % 10]++;
		return 0;
	}
	q->commands++;
	for (i = 0; i < SIP_STATS_MGCP_VERBS && q->verb[i][0] != '\0'; i++)
		if (slice_eq_cstr(g->verb, q->verb[i])) {
			q->by_verb[i]++;
			return 0;
		}
	if (i < SIP_STATS_MGCP_VERBS && g->verb.len < sizeof(q->verb[i])) {
		memcpy(q->verb[i], g->verb.p, g->verb.len);
		q->verb[i][g->verb.len] = '\0';
		q->by_verb[i]++;
	} else
		q->by_verb[SIP_STATS_MGCP_VERBS]++;
	return 0;
}
