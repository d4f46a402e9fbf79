/*
 * reasm.c - IP fragment and TCP stream reassembly for captures.
 *
 * RFC 791 3.2 and RFC 8200 4.5 (fragments: offset in 8-octet units, the
 * last fragment gives the length), RFC 9293 3.4 and 3.10.7.4 (sequence
 * space: retransmissions, overlaps, segments out of order), RFC 3261 18.3
 * (Content-Length framing), RFC 5626 3.5.1 (CRLF keep-alives), RFC 6455
 * 5.2 and RFC 7118 (SIP in WebSocket frames, one message per frame).
 */
#include <stdlib.h>
#include <string.h>

#include "reasm.h"

/* ---- helpers ---- */

static int
addr_eq(const struct sip_ipaddr *a, const struct sip_ipaddr *b)
{
	return a->family == b->family &&
	    memcmp(a->a, b->a, a->family == 6 ? 16 : 4) == 0;
}

/*
 * Is p the start of a SIP message: 1 yes, 0 no, 2 cannot tell yet (a
 * prefix of a start line that a later segment may complete).
 */
static int
classify(const uint8_t *p, size_t n)
{
	size_t i = 0, j, end;

	while (i < n && (p[i] == '\r' || p[i] == '\n'))
		i++;
	p += i;
	n -= i;
	if (n == 0)
		return 2;
	if (n < 9 && memcmp(p, "SIP/2.0 ", n) == 0)
		return 2;
	if (n >= 9 && memcmp(p, "SIP/2.0 ", 8) == 0)
		return p[8] >= '1' && p[8] <= '9';
	/* A request line: token SP Request-URI SP SIP/2.0 */
	for (i = 0; i < n && i < 32; i++)
		if (!slice_is_token(p[i]))
			break;
	if (i == n && i < 32)
		return 2;
	if (i == 0 || i == n || p[i] != ' ')
		return 0;
	i++;
	{
		/* the line's end, sixteen bytes a comparison */
		const char *s = (const char *)p, *lim = s + (n < 8192 ? n : 8192),
		    *q = slice_find3(s + i, lim, '\r', '\n', '\n');

		j = (size_t)((q != NULL ? q : lim) - s);
	}
	if (j < n && j < 8192) {
		end = j;
		while (end > i && p[end - 1] == ' ')
			end--;
		return end - i > 8 && strncasecmp((const char *)p + end - 7,
		    "SIP/2.0", 7) == 0 && p[end - 8] == ' ';
	}
	if (j >= 8192)
		return 0;
	/* The line goes on past this segment: a URI scheme at least. */
	for (j = i; j < n && j < i + 16; j++)
		if (p[j] == ':')
			return j > i ? 2 : 0;
		else if (!((p[j] | 0x20) >= 'a' && (p[j] | 0x20) <= 'z'))
			return 0;
	return j < i + 16 ? 2 : 0;
}

int
sip_reasm_is_sip(const uint8_t *p, size_t n)
{
	return classify(p, n) == 1;
}

/* ---- packets kept for writing out ---- */

struct sip_reasm_rec *
sip_reasm_rec_new(struct sip_reasm_pool *pool, unsigned long frame,
    uint64_t ts_ns, const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
	struct sip_reasm_rec *r;
	size_t sz = sizeof(*r) + caplen;

	if (pool->mem + sz > SIP_MAX_KEPT_MEM || (r = malloc(sz)) == NULL) {
		pool->refused++;
		return NULL;
	}
	r->refs = 1;
	r->frame = frame;
	r->ts_ns = ts_ns;
	r->caplen = caplen;
	r->wirelen = wirelen;
	memcpy(r->data, data, caplen);
	r->newer = NULL;
	r->older = pool->newest;
	if (pool->newest != NULL)
		pool->newest->newer = r;
	else
		pool->oldest = r;
	pool->newest = r;
	pool->mem += sz;
	return r;
}

void
sip_reasm_rec_unref(struct sip_reasm_pool *pool, struct sip_reasm_rec *r)
{
	if (r == NULL || --r->refs > 0)
		return;
	if (r->older != NULL)
		r->older->newer = r->newer;
	else
		pool->oldest = r->newer;
	if (r->newer != NULL)
		r->newer->older = r->older;
	else
		pool->newest = r->older;
	pool->mem -= sizeof(*r) + r->caplen;
	free(r);
}

unsigned long
sip_reasm_pool_oldest(const struct sip_reasm_pool *pool)
{
	return pool->oldest != NULL ? pool->oldest->frame : 0;
}

void
sip_reasm_parts_add(struct sip_reasm_pool *pool, struct sip_reasm_parts *ps,
    struct sip_reasm_rec *rec, uint64_t start, uint64_t end)
{
	struct sip_reasm_part *v;

	(void)pool;
	if (rec == NULL || ps->n - ps->first >= SIP_MAX_MSG_PKTS) {
		ps->lost++;
		return;
	}
	if (ps->first > 0 && ps->first * 2 >= ps->n) {
		memmove(ps->v, ps->v + ps->first,
		    (ps->n - ps->first) * sizeof(*ps->v));
		ps->n -= ps->first;
		ps->first = 0;
	}
	if (ps->n == ps->cap) {
		size_t ncap = ps->cap ? ps->cap * 2 : 8;

		if ((v = realloc(ps->v, ncap * sizeof(*v))) == NULL) {
			ps->lost++;
			return;
		}
		ps->v = v;
		ps->cap = ncap;
	}
	rec->refs++;
	ps->v[ps->n].rec = rec;
	ps->v[ps->n].start = start;
	ps->v[ps->n].end = end;
	ps->n++;
}

/* Let go of the leading parts that end at or before off. */
static void
parts_drop_before(struct sip_reasm_pool *pool, struct sip_reasm_parts *ps,
    uint64_t off)
{
	while (ps->first < ps->n && ps->v[ps->first].end <= off)
		sip_reasm_rec_unref(pool, ps->v[ps->first++].rec);
	if (ps->first == ps->n)
		ps->first = ps->n = 0;
}

void
sip_reasm_parts_clear(struct sip_reasm_pool *pool, struct sip_reasm_parts *ps)
{
	size_t i;

	for (i = ps->first; i < ps->n; i++)
		sip_reasm_rec_unref(pool, ps->v[i].rec);
	free(ps->v);
	memset(ps, 0, sizeof(*ps));
}

/* ---- IP fragments ---- */

void
sip_reasm_frag_init(struct sip_reasm_frag *f)
{
	memset(f, 0, sizeof(*f));
	f->done = -1;
}

static void
dgram_drop(struct sip_reasm_frag *f, struct sip_reasm_dgram *d)
{
	free(d->data);
	sip_reasm_parts_clear(f->pool, &d->parts);
	memset(d, 0, sizeof(*d));
}

void
sip_reasm_frag_release(struct sip_reasm_frag *f)
{
	int i;

	for (i = 0; i < SIP_MAX_FRAG_DGRAMS; i++)
		dgram_drop(f, &f->d[i]);
	f->done = -1;
}

void
sip_reasm_frag_settle(struct sip_reasm_frag *f)
{
	if (f->done >= 0) {
		dgram_drop(f, &f->d[f->done]);
		f->done = -1;
	}
}

const struct sip_reasm_parts *
sip_reasm_frag_parts(const struct sip_reasm_frag *f)
{
	static const struct sip_reasm_parts none;

	return f->done >= 0 ? &f->d[f->done].parts : &none;
}

static int
dgram_complete(const struct sip_reasm_dgram *d)
{
	size_t b, nb;

	if (d->total == 0)
		return 0;
	nb = (d->total + 7) / 8;
	for (b = 0; b < nb; b++)
		if (!(d->map[b / 8] & (1u << (b % 8))))
			return 0;
	return 1;
}

enum sip_err
sip_reasm_frag_add(struct sip_reasm_frag *f, const struct sip_pkt *pkt,
    const struct sip_reasm_part *via, size_t nvia, uint64_t now_ns,
    const uint8_t **out, size_t *outlen)
{
	struct sip_reasm_dgram *d = NULL;
	enum sip_err ret = SIP_E_PARTIAL;
	size_t b, e, end;
	int i, freei = -1, oldest = -1;

	f->fragments++;
	end = (size_t)pkt->frag_off + pkt->len;
	if (end > SIP_MAX_IP_DGRAM)
		return SIP_E_PARSE;
	if (!pkt->frag_more && pkt->len == 0 && pkt->frag_off == 0)
		return SIP_E_PARSE;
	for (i = 0; i < SIP_MAX_FRAG_DGRAMS; i++) {
		struct sip_reasm_dgram *x = &f->d[i];

		if (i == f->done)
			continue;	/* handed out: its payload may be pkt's */
		if (!x->used) {
			if (freei < 0)
				freei = i;
			continue;
		}
		if (now_ns > x->first_ns &&
		    now_ns - x->first_ns > SIP_FRAG_TIMEOUT_S * 1000000000ull) {
			dgram_drop(f, x);
			f->expired++;
			if (freei < 0)
				freei = i;
			continue;
		}
		if (x->id == pkt->frag_id && x->proto == pkt->frag_proto &&
		    addr_eq(&x->src, &pkt->src) && addr_eq(&x->dst, &pkt->dst)) {
			d = x;
			break;
		}
		if (oldest < 0 || x->first_ns < f->d[oldest].first_ns)
			oldest = i;
	}
	if (d == NULL) {
		if (freei < 0) {
			dgram_drop(f, &f->d[oldest]);
			f->evicted++;
			freei = oldest;
			ret = SIP_E_TOOBIG;
		}
		d = &f->d[freei];
		if ((d->data = malloc(SIP_MAX_IP_DGRAM)) == NULL)
			return SIP_E_NOMEM;
		d->used = 1;
		d->src = pkt->src;
		d->dst = pkt->dst;
		d->id = pkt->frag_id;
		d->proto = pkt->frag_proto;
		d->first_ns = now_ns;
	}
	/* Non-last fragments carry a multiple of 8 bytes; overlaps overwrite. */
	memcpy(d->data + pkt->frag_off, pkt->payload, pkt->len);
	for (i = 0; f->pool != NULL && i < (int)nvia; i++)
		sip_reasm_parts_add(f->pool, &d->parts, via[i].rec, 0, 0);
	if (end > d->have)
		d->have = end;
	if (!pkt->frag_more)
		d->total = end;
	b = pkt->frag_off / 8;
	e = pkt->frag_more ? end / 8 : (end + 7) / 8;
	for (; b < e; b++)
		d->map[b / 8] |= (uint8_t)(1u << (b % 8));
	if (!dgram_complete(d))
		return ret;
	if (d->have > d->total) {
		/* Data beyond the last fragment: inconsistent. */
		dgram_drop(f, d);
		return SIP_E_PARSE;
	}
	f->completed++;
	/* A datagram inside the one handed out last: that one is done with. */
	if (f->done >= 0)
		dgram_drop(f, &f->d[f->done]);
	f->done = (int)(d - f->d);
	*out = d->data;
	*outlen = d->total;
	return SIP_OK;
}

/* ---- TCP ---- */

void
sip_reasm_tcp_init(struct sip_reasm_tcp *t)
{
	memset(t, 0, sizeof(*t));
}

static size_t
flow_mem(const struct sip_reasm_flow *fl)
{
	return sip_stream_pending(&fl->st) + fl->ooo_bytes;
}

static void
seg_free(struct sip_reasm_tcp *t, struct sip_reasm_seg *s)
{
	size_t i;

	for (i = 0; i < s->nrecs; i++)
		sip_reasm_rec_unref(t->pool, s->recs[i].rec);
	free(s->recs);
	free(s);
}

static void
flow_clear(struct sip_reasm_tcp *t, struct sip_reasm_flow *fl)
{
	struct sip_reasm_seg *s, *n;

	t->mem -= flow_mem(fl);
	for (s = fl->ooo; s != NULL; s = n) {
		n = s->next;
		seg_free(t, s);
	}
	fl->ooo = NULL;
	fl->ooo_bytes = 0;
	sip_stream_release(&fl->st);
	sip_stream_init(&fl->st, 0);
	sip_reasm_parts_clear(t->pool, &fl->parts);
	fl->in_off = 0;
	fl->out_first = fl->out_n = 0;
}

static void
flow_free(struct sip_reasm_tcp *t, struct sip_reasm_flow *fl)
{
	flow_clear(t, fl);
	sip_stream_release(&fl->st);
	sip_tlsdec_free(fl->tls);
	free(fl);
	t->nflows--;
}

static unsigned
flow_hash(const struct sip_ipaddr *s, const struct sip_ipaddr *d,
    uint16_t sp, uint16_t dp)
{
	uint32_t h = 2166136261u;
	size_t i, n = s->family == 6 ? 16 : 4;

	for (i = 0; i < n; i++) {
		h = (h ^ s->a[i]) * 16777619u;
		h = (h ^ d->a[i]) * 16777619u;
	}
	h = (h ^ sp) * 16777619u;
	h = (h ^ dp) * 16777619u;
	return h % SIP_REASM_BUCKETS;
}


static void
unlink_flow(struct sip_reasm_tcp *t, struct sip_reasm_flow *fl)
{
	struct sip_reasm_flow **pp;

	sip_lru_unlink(&t->lru, &fl->lru);
	pp = &t->bucket[flow_hash(&fl->src, &fl->dst, fl->sport, fl->dport)];
	for (; *pp != NULL; pp = &(*pp)->hnext)
		if (*pp == fl) {
			*pp = fl->hnext;
			break;
		}
}

void
sip_reasm_tcp_release(struct sip_reasm_tcp *t)
{
	struct sip_reasm_flow *fl, *n;
	size_t i;

	for (i = 0; i < SIP_REASM_BUCKETS; i++) {
		for (fl = t->bucket[i]; fl != NULL; fl = n) {
			n = fl->hnext;
			flow_free(t, fl);
		}
		t->bucket[i] = NULL;
	}
	if (t->dead != NULL)
		flow_free(t, t->dead);
	t->dead = NULL;
	t->lru.idle = t->lru.busy = NULL;
	free(t->tls_out);
	t->tls_out = NULL;
}

static struct sip_reasm_flow *
idlest(const struct sip_reasm_tcp *t)
{
	return t->lru.idle != NULL ? SIP_LRU_ENTRY(t->lru.idle,
	    struct sip_reasm_flow, lru) : NULL;
}

/*
 * Drop idle flows, or the least recently used one when the table is
 * full: both from the idle end of the activity list, without a scan.
 */
static void
sweep(struct sip_reasm_tcp *t, uint64_t now_ns, int need_one)
{
	struct sip_reasm_flow *fl;

	while ((fl = idlest(t)) != NULL && now_ns > fl->last_ns &&
	    now_ns - fl->last_ns > SIP_TCP_IDLE_S * 1000000000ull) {
		unlink_flow(t, fl);
		flow_free(t, fl);
		need_one = 0;
	}
	if (need_one && (fl = idlest(t)) != NULL) {
		unlink_flow(t, fl);
		flow_free(t, fl);
		t->evicted++;
	}
	t->last_sweep_ns = now_ns;
}

/* Forget buffered bytes and look for the next start line. */
static void
flow_resync(struct sip_reasm_tcp *t, struct sip_reasm_flow *fl)
{
	flow_clear(t, fl);
	/* Decrypted TLS goes on in its records: only the plaintext is lost. */
	fl->mode = fl->tls != NULL ? SIP_REASM_TLS : SIP_REASM_HUNT;
}

/*
 * Does p start with a whole-message WebSocket frame (RFC 6455 5.2) whose
 * payload starts like SIP?  A capture that begins after the HTTP upgrade
 * (or one written by -w) has no handshake to go by.
 */
static int
ws_sip(const uint8_t *p, size_t n)
{
	uint8_t tmp[64];
	size_t hl = 2, len, i, k;

	if (n < 2 || (p[0] != 0x81 && p[0] != 0x82))
		return 0;
	len = p[1] & 0x7f;
	if (len == 126)
		hl = 4;
	else if (len == 127)
		hl = 10;
	if (p[1] & 0x80)
		hl += 4;
	if (n < hl + 12)
		return 0;
	k = n - hl < sizeof(tmp) ? n - hl : sizeof(tmp);
	for (i = 0; i < k; i++)
		tmp[i] = p[hl + i] ^ (p[1] & 0x80 ? p[hl - 4 + i % 4] : 0);
	return slice_is_token(tmp[0]) && classify(tmp, k) != 0;
}

/* What a stream that starts with p is; SIP_REASM_HUNT: cannot tell yet. */
static int
decide(const uint8_t *p, size_t n, enum sip_reasm_mode *mode)
{
	int k = classify(p, n);
	size_t j, from;

	if (k == 1)
		*mode = SIP_REASM_SIP;
	else if (k == 0 && (j = sip_msg_junk((const char *)p, n, &from)) > 0 &&
	    classify(p + j, n - j) == 1)
		*mode = SIP_REASM_SIP;	/* junk first, skipped when framed */
	else if (n >= 4 && memcmp(p, "HEP3", 4) == 0)
		*mode = SIP_REASM_HEP;	/* HEP over TCP, as to Homer */
	else if (k == 0 && ws_sip(p, n))
		*mode = SIP_REASM_WS;
	else if (n >= 4 && (memcmp(p, "GET ", 4) == 0 ||
	    memcmp(p, "HTTP/1.1 101", n < 12 ? n : 12) == 0))
		*mode = SIP_REASM_WS_HTTP;
	else if (n >= 3 && p[0] >= 0x14 && p[0] <= 0x17 && p[1] == 3)
		*mode = SIP_REASM_TLS;
	else
		return k == 2;
	return 1;
}

static enum sip_err
buffer(struct sip_reasm_tcp *t, struct sip_reasm_flow *fl, const uint8_t *p,
    size_t n, const struct sip_reasm_part *via, size_t nvia)
{
	uint64_t at = fl->in_off + sip_stream_pending(&fl->st);
	enum sip_err e;
	size_t i;

	if (t->mem + n > SIP_MAX_TCP_MEM) {
		t->overflows++;
		flow_resync(t, fl);
		return SIP_E_TOOBIG;
	}
	if ((e = sip_stream_feed(&fl->st, p, n)) != SIP_OK) {
		t->overflows++;
		flow_resync(t, fl);
		return e == SIP_E_TOOBIG ? e : SIP_E_NOMEM;
	}
	t->mem += n;
	for (i = 0; i < nvia && t->pool != NULL; i++)
		sip_reasm_parts_add(t->pool, &fl->parts, via[i].rec, at, at + n);
	return SIP_OK;
}

/* The flow the other way on fl's connection, or NULL. */
static struct sip_reasm_flow *
reverse(struct sip_reasm_tcp *t, const struct sip_reasm_flow *fl)
{
	struct sip_reasm_flow *r;

	r = t->bucket[flow_hash(&fl->dst, &fl->src, fl->dport, fl->sport)];
	for (; r != NULL; r = r->hnext)
		if (r->sport == fl->dport && r->dport == fl->sport &&
		    addr_eq(&r->src, &fl->dst) && addr_eq(&r->dst, &fl->src))
			return r;
	return NULL;
}

/*
 * TLS bytes with a key log: decrypt them and buffer the plaintext.  The
 * two sides share one decrypter, which needs both hellos.
 */
static enum sip_err
tls_deliver(struct sip_reasm_tcp *t, struct sip_reasm_flow *fl,
    const uint8_t *p, size_t n, const struct sip_reasm_part *via, size_t nvia)
{
	struct sip_reasm_flow *r;
	size_t outlen;
	enum sip_err e;

	if (t->tls_out == NULL &&
	    (t->tls_out = malloc(SIP_TLSDEC_MAX)) == NULL)
		return SIP_E_NOMEM;
	if (fl->tls == NULL) {
		r = reverse(t, fl);
		if (r != NULL && r->tls != NULL && r->tls_side == 0) {
			sip_tlsdec_hold(r->tls);
			fl->tls = r->tls;
			fl->tls_side = 1;
		} else if ((fl->tls = sip_tlsdec_new(t->keys)) == NULL)
			return SIP_E_NOMEM;
	}
	if ((e = sip_tlsdec_feed(fl->tls, fl->tls_side, p, n)) != SIP_OK)
		return e;
	while ((e = sip_tlsdec_next(fl->tls, fl->tls_side, t->tls_out,
	    &outlen)) == SIP_OK)
		if ((e = buffer(t, fl, t->tls_out, outlen, via, nvia)) != SIP_OK)
			return e;
	if (e == SIP_E_PARSE && !fl->tls_failed) {
		fl->tls_failed = 1;
		t->tls_failed++;
		t->tls_why = sip_tlsdec_why(fl->tls);
	}
	return SIP_OK;
}

/* In-order bytes: choose what the stream is, then buffer them. */
static enum sip_err
deliver(struct sip_reasm_tcp *t, struct sip_reasm_flow *fl, const uint8_t *p,
    size_t n, const struct sip_reasm_part *via, size_t nvia)
{
	enum sip_err e;
	size_t pend;

	fl->next += (uint32_t)n;
	if (fl->mode == SIP_REASM_HUNT) {
		pend = sip_stream_pending(&fl->st);
		if (pend == 0) {
			const uint8_t *h;

			if (!decide(p, n, &fl->mode)) {
				/*
				 * Mid-message.  A HEP3 stream to a collector
				 * lives long and is often joined in the middle:
				 * start at the next HEP3 header in view.
				 */
				h = n > 10 ? memmem(p + 1, n - 1, "HEP3", 4) :
				    NULL;
				if (h == NULL || (size_t)(p + n - h) < 10 ||
				    h[6] != 0 || h[7] != 0 ||
				    ((size_t)h[4] << 8 | h[5]) < 12)
					return SIP_OK;
				fl->mode = SIP_REASM_HEP;
				return buffer(t, fl, h, (size_t)(p + n - h),
				    via, nvia);
			}
		} else {
			/* A start line split across segments. */
			if ((e = buffer(t, fl, p, n, via, nvia)) != SIP_OK)
				return e;
			if (!decide((const uint8_t *)fl->st.in.p + fl->st.used,
			    pend + n, &fl->mode) ||
			    (fl->mode == SIP_REASM_HUNT && pend + n > 8192))
				flow_resync(t, fl);
			else if (fl->mode == SIP_REASM_TLS) {
				t->tls++;
				flow_resync(t, fl);
				fl->mode = SIP_REASM_TLS;
			}
			return SIP_OK;
		}
		if (fl->mode == SIP_REASM_HUNT)
			return buffer(t, fl, p, n, via, nvia);	/* undecided */
	}
	if (fl->mode == SIP_REASM_TLS) {
		t->tls++;
		return t->keys != NULL ? tls_deliver(t, fl, p, n, via, nvia) :
		    SIP_OK;
	}
	return buffer(t, fl, p, n, via, nvia);
}

/* Deliver queued segments that now follow on. */
static enum sip_err
drain_ooo(struct sip_reasm_tcp *t, struct sip_reasm_flow *fl)
{
	struct sip_reasm_seg *s;
	enum sip_err e, ret = SIP_OK;
	int32_t rel;
	size_t back;

	while ((s = fl->ooo) != NULL) {
		rel = (int32_t)(s->seq - fl->next);
		if (rel > 0)
			break;
		back = (size_t)-(int64_t)rel;
		fl->ooo = s->next;
		fl->ooo_bytes -= s->len;
		t->mem -= s->len;
		if (back < s->len && (e = deliver(t, fl, s->data + back,
		    s->len - back, s->recs, s->nrecs)) != SIP_OK)
			ret = e;
		seg_free(t, s);
	}
	return ret;
}

static enum sip_err
queue_seg(struct sip_reasm_tcp *t, struct sip_reasm_flow *fl, uint32_t seq,
    const uint8_t *p, size_t n, const struct sip_reasm_part *via,
    size_t nvia)
{
	struct sip_reasm_seg **pp, *s;
	size_t i;

	for (pp = &fl->ooo; *pp != NULL; pp = &(*pp)->next) {
		if ((*pp)->seq == seq && (*pp)->len >= n) {
			t->retrans++;
			return SIP_OK;
		}
		if ((int32_t)((*pp)->seq - seq) > 0)
			break;
	}
	if (fl->ooo_bytes + n > SIP_MAX_TCP_OOO || t->mem + n > SIP_MAX_TCP_MEM) {
		/*
		 * The missing segment is not coming (the capture lost it):
		 * give up on the gap and go on from the first queued one.
		 */
		t->overflows++;
		t->gaps++;
		return SIP_E_TOOBIG;
	}
	if ((s = malloc(sizeof(*s) + n)) == NULL)
		return SIP_E_NOMEM;
	s->seq = seq;
	s->len = n;
	memcpy(s->data, p, n);
	s->recs = NULL;
	s->nrecs = 0;
	if (t->pool != NULL && nvia > 0 &&
	    (s->recs = malloc(nvia * sizeof(*s->recs))) != NULL) {
		for (i = 0; i < nvia; i++)
			if (via[i].rec != NULL) {
				via[i].rec->refs++;
				s->recs[s->nrecs++] = via[i];
			}
	}
	s->next = *pp;
	*pp = s;
	fl->ooo_bytes += n;
	t->mem += n;
	t->reordered++;
	return SIP_OK;
}

struct sip_reasm_flow *
sip_reasm_tcp_find(struct sip_reasm_tcp *t, const struct sip_pkt *pkt)
{
	struct sip_reasm_flow *fl;
	unsigned h = flow_hash(&pkt->src, &pkt->dst, pkt->sport, pkt->dport);

	for (fl = t->bucket[h]; fl != NULL; fl = fl->hnext)
		if (fl->sport == pkt->sport && fl->dport == pkt->dport &&
		    addr_eq(&fl->src, &pkt->src) && addr_eq(&fl->dst, &pkt->dst))
			return fl;
	return NULL;
}

static struct sip_reasm_flow *
flow_get(struct sip_reasm_tcp *t, const struct sip_pkt *pkt, uint64_t now_ns)
{
	struct sip_reasm_flow *fl;
	unsigned h = flow_hash(&pkt->src, &pkt->dst, pkt->sport, pkt->dport);

	if ((fl = sip_reasm_tcp_find(t, pkt)) != NULL)
		return fl;
	if (t->nflows >= SIP_MAX_TCP_FLOWS)
		sweep(t, now_ns, 1);
	if ((fl = calloc(1, sizeof(*fl))) == NULL)
		return NULL;
	fl->src = pkt->src;
	fl->dst = pkt->dst;
	fl->sport = pkt->sport;
	fl->dport = pkt->dport;
	sip_stream_init(&fl->st, 0);
	fl->hnext = t->bucket[h];
	t->bucket[h] = fl;
	t->nflows++;
	return fl;
}

enum sip_err
sip_reasm_tcp_add(struct sip_reasm_tcp *t, const struct sip_pkt *pkt,
    uint64_t now_ns, const struct sip_reasm_part *via, size_t nvia,
    struct sip_reasm_flow **flowp)
{
	struct sip_reasm_flow *fl;
	enum sip_err e = SIP_OK;
	uint32_t seq = pkt->seq;
	const uint8_t *p = pkt->payload;
	size_t n = pkt->len;
	int32_t rel;

	*flowp = NULL;
	if (t->dead != NULL) {
		flow_free(t, t->dead);
		t->dead = NULL;
	}
	if (now_ns > t->last_sweep_ns + 10 * 1000000000ull)
		sweep(t, now_ns, 0);
	if (n == 0 && !(pkt->tcpflags & (SIP_TCP_SYN | SIP_TCP_FIN |
	    SIP_TCP_RST)))
		return SIP_OK;		/* a bare ACK */
	if ((fl = flow_get(t, pkt, now_ns)) == NULL)
		return SIP_E_NOMEM;
	fl->last_ns = now_ns;
	sip_lru_touch(&t->lru, &fl->lru);
	if (pkt->tcpflags & SIP_TCP_SYN) {
		/* A new connection on these ports starts afresh. */
		sip_tlsdec_free(fl->tls);
		fl->tls = NULL;
		fl->tls_failed = 0;
		flow_resync(t, fl);
		fl->synced = 1;
		fl->next = seq + 1;
		seq++;
	}
	if (n > 0) {
		t->segments++;
		if (!fl->synced) {
			fl->synced = 1;
			fl->next = seq;
		}
		rel = (int32_t)(seq - fl->next);
		if (rel < 0) {
			size_t back = (size_t)-(int64_t)rel;

			if (back >= n) {
				t->retrans++;
				n = 0;
			} else {
				p += back;
				n -= back;
				seq = fl->next;
				rel = 0;
			}
		}
		if (n > 0 && rel == 0) {
			e = deliver(t, fl, p, n, via, nvia);
			if (fl->ooo != NULL) {
				enum sip_err e2 = drain_ooo(t, fl);

				if (e == SIP_OK)
					e = e2;
			}
		} else if (n > 0 && (uint32_t)rel > SIP_MAX_TCP_OOO) {
			/* Far ahead: data was lost; start over from here. */
			t->gaps++;
			flow_resync(t, fl);
			fl->next = seq;
			e = deliver(t, fl, p, n, via, nvia);
		} else if (n > 0) {
			e = queue_seg(t, fl, seq, p, n, via, nvia);
			if (e == SIP_E_TOOBIG) {
				flow_resync(t, fl);
				fl->next = seq;
				(void)deliver(t, fl, p, n, via, nvia);
			}
		}
	}
	if (pkt->tcpflags & (SIP_TCP_FIN | SIP_TCP_RST)) {
		fl->closed = 1;
		unlink_flow(t, fl);
		t->dead = fl;	/* the caller drains it first */
	}
	*flowp = fl;
	return e;
}

/* The kept packets that carried stream bytes [start, end): the message's. */
static void
out_parts(struct sip_reasm_flow *fl, uint64_t start, uint64_t end)
{
	const struct sip_reasm_parts *ps = &fl->parts;
	size_t i = ps->first, j;

	while (i < ps->n && ps->v[i].end <= start)
		i++;
	for (j = i; j < ps->n && ps->v[j].start < end; j++)
		;
	fl->out_first = i;
	fl->out_n = j - i;
	fl->out_lost = ps->lost;
	fl->parts.lost = 0;
}

/* RFC 6455 5.2: one frame; SIP_OK with the unmasked payload in place. */
static enum sip_err
ws_frame(struct sip_reasm_flow *fl, const uint8_t **payload, size_t *plen,
    int *skip)
{
	uint8_t *p = (uint8_t *)fl->st.in.p + fl->st.used;
	size_t n = sip_stream_pending(&fl->st), hl = 2, len, i;
	unsigned op;
	uint8_t key[4];

	if (n < 2)
		return SIP_E_PARTIAL;
	op = p[0] & 0x0f;
	len = p[1] & 0x7f;
	if (len == 126) {
		if (n < 4)
			return SIP_E_PARTIAL;
		len = (size_t)p[2] << 8 | p[3];
		hl = 4;
	} else if (len == 127) {
		if (n < 10)
			return SIP_E_PARTIAL;
		if (p[2] | p[3] | p[4] | p[5])
			return SIP_E_TOOBIG;
		len = (size_t)p[6] << 24 | (size_t)p[7] << 16 |
		    (size_t)p[8] << 8 | p[9];
		hl = 10;
	}
	if (len > SIP_MAX_MSG)
		return SIP_E_TOOBIG;
	if (p[1] & 0x80) {
		if (n < hl + 4)
			return SIP_E_PARTIAL;
		memcpy(key, p + hl, 4);
		hl += 4;
	}
	if (n < hl + len)
		return SIP_E_PARTIAL;
	if (p[1] & 0x80) {
		for (i = 0; i < len; i++)
			p[hl + i] ^= key[i % 4];
		p[1] &= 0x7f;	/* unmasked now, in case it is read again */
	}
	/* Text or binary frames that are whole messages (RFC 7118 5). */
	*skip = !((op == 1 || op == 2) && (p[0] & 0x80));
	*payload = p + hl;
	*plen = len;
	fl->st.used += hl + len;
	return SIP_OK;
}

enum sip_err
sip_reasm_tcp_next(struct sip_reasm_tcp *t, struct sip_reasm_flow *fl,
    struct sip_msg *m, struct sip_perr *pe)
{
	size_t before = sip_stream_pending(&fl->st);
	enum sip_err e;

	/* The packets of the message handed out last are let go. */
	if (t->pool != NULL)
		parts_drop_before(t->pool, &fl->parts, fl->in_off);
	fl->out_first = fl->out_n = 0;
	switch (fl->mode) {
	case SIP_REASM_TLS:
		/* Decrypted, it is SIP framed by Content-Length. */
		if (fl->tls == NULL)
			return SIP_E_PARTIAL;
		/* FALLTHROUGH */
	case SIP_REASM_SIP: {
		size_t j, from;

		/* Junk before a start line: the rule of lib/msg.h. */
		j = sip_msg_junk(fl->st.in.p + fl->st.used, before, &from);
		if (j > 0) {
			fl->st.used += j;
			fl->in_off += j;
			t->mem -= j;
			before -= j;
			fl->junk += j - from;
		}
	}
		e = sip_stream_next(&fl->st, m, pe);
		fl->in_off += before - sip_stream_pending(&fl->st);
		if (e == SIP_OK)
			out_parts(fl, fl->in_off - m->len, fl->in_off);
		break;
	case SIP_REASM_WS_HTTP: {
		const char *p = fl->st.in.p + fl->st.used;
		size_t n = before, i;

		for (i = 0; i + 4 <= n; i++)
			if (memcmp(p + i, "\r\n\r\n", 4) == 0)
				break;
		if (i + 4 > n) {
			if (n > SIP_MAX_HEAD) {
				e = SIP_E_TOOBIG;
				break;
			}
			return SIP_E_PARTIAL;
		}
		fl->st.used += i + 4;
		fl->in_off += i + 4;
		fl->mode = SIP_REASM_WS;
		t->mem -= i + 4;
		return sip_reasm_tcp_next(t, fl, m, pe);
	}
	case SIP_REASM_WS: {
		const uint8_t *pl = NULL;
		size_t plen = 0, fstart = 0;
		int skip = 1;

		for (;;) {
			fstart = before - sip_stream_pending(&fl->st);
			e = ws_frame(fl, &pl, &plen, &skip);
			if (e != SIP_OK || !skip)
				break;
		}
		if (sip_stream_pending(&fl->st) < before) {
			t->mem -= before - sip_stream_pending(&fl->st);
			fl->in_off += before - sip_stream_pending(&fl->st);
		}
		if (e == SIP_OK)
			out_parts(fl, fl->in_off - (before -
			    sip_stream_pending(&fl->st)) + fstart, fl->in_off);
		if (e == SIP_E_PARTIAL)
			return e;
		if (e != SIP_OK) {
			if (pe != NULL) {
				pe->off = 0;
				pe->why = "WebSocket frame too large";
			}
			flow_resync(t, fl);
			return e;
		}
		/* One frame, one message: parsed as a datagram. */
		e = sip_msg_parse(m, (const char *)pl, plen, 0, pe);
		return e == SIP_E_PARTIAL ? SIP_E_PARSE : e;
	}
	default:
		return SIP_E_PARTIAL;
	}
	if (sip_stream_pending(&fl->st) < before)
		t->mem -= before - sip_stream_pending(&fl->st);
	if (e == SIP_OK || e == SIP_E_PARTIAL)
		return e;
	if (pe != NULL && e == SIP_E_TOOBIG && pe->why == NULL)
		pe->why = "message too large";
	flow_resync(t, fl);
	return e;
}

enum sip_err
sip_reasm_tcp_next_hep(struct sip_reasm_tcp *t, struct sip_reasm_flow *fl,
    const uint8_t **out, size_t *outlen, struct sip_perr *pe)
{
	const uint8_t *p;
	size_t n, len;

	if (t->pool != NULL)
		parts_drop_before(t->pool, &fl->parts, fl->in_off);
	fl->out_first = fl->out_n = 0;
	if (fl->mode != SIP_REASM_HEP)
		return SIP_E_PARTIAL;
	p = (const uint8_t *)fl->st.in.p + fl->st.used;
	n = sip_stream_pending(&fl->st);
	if (n < 6)
		return SIP_E_PARTIAL;
	len = (size_t)p[4] << 8 | p[5];
	if (memcmp(p, "HEP3", 4) != 0 || len < 6) {
		const uint8_t *q = memmem(p + 1, n - 1, "HEP3", 4);

		if (pe != NULL) {
			pe->off = 0;
			pe->why = "HEP3 stream out of step: no HEP3 header";
		}
		if (q == NULL) {
			flow_resync(t, fl);
			return SIP_E_PARSE;
		}
		/* Skip to the next HEP3 header in what is buffered. */
		len = (size_t)(q - p);
		fl->st.used += len;
		fl->in_off += len;
		t->mem -= len;
		return SIP_E_PARSE;
	}
	if (n < len)
		return SIP_E_PARTIAL;
	fl->st.used += len;
	fl->in_off += len;
	t->mem -= len;
	out_parts(fl, fl->in_off - len, fl->in_off);
	*out = p;
	*outlen = len;
	return SIP_OK;
}
