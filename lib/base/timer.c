/*
 * timer.c - a binary min-heap of intrusive timers.
 *
 * The heap holds pointers to timers embedded in their owners; each timer
 * knows its place (idx), so stopping one is O(log n) with no search.
 * Ties on the deadline go by start order (seq), so equal deadlines fire
 * in the order they were set, whatever the heap's shape.
 */
#include <stdlib.h>

#include "timer.h"

static int
before(const struct sip_timer *a, const struct sip_timer *b)
{
	return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

static void
place(struct sip_theap *h, size_t i, struct sip_timer *t)
{
	h->v[i] = t;
	t->idx = i + 1;
}

static void
sift_up(struct sip_theap *h, size_t i)
{
	struct sip_timer *t = h->v[i];

	while (i > 0 && before(t, h->v[(i - 1) / 2])) {
		place(h, i, h->v[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	place(h, i, t);
}

static void
sift_down(struct sip_theap *h, size_t i)
{
	struct sip_timer *t = h->v[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && before(h->v[c + 1], h->v[c]))
			c++;
		if (!before(h->v[c], t))
			break;
		place(h, i, h->v[c]);
		i = c;
	}
	place(h, i, t);
}

/* Restore the heap at i after its timer changed or was replaced. */
static void
fix(struct sip_theap *h, size_t i)
{
	if (i > 0 && before(h->v[i], h->v[(i - 1) / 2]))
		sift_up(h, i);
	else
		sift_down(h, i);
}

void
sip_timer_init(struct sip_timer *t, sip_timer_cb *cb, void *arg)
{
	t->at = 0;
	t->idx = 0;
	t->cb = cb;
	t->arg = arg;
	t->seq = 0;
}

int
sip_timer_armed(const struct sip_timer *t)
{
	return t->idx != 0;
}

void
sip_theap_init(struct sip_theap *h)
{
	h->v = NULL;
	h->n = h->cap = 0;
	h->seq = 0;
}

/* The timers still armed are disarmed: their owners may outlive h. */
void
sip_theap_free(struct sip_theap *h)
{
	for (size_t i = 0; i < h->n; i++)
		h->v[i]->idx = 0;
	free(h->v);
	sip_theap_init(h);
}

int
sip_theap_reserve(struct sip_theap *h, size_t n)
{
	struct sip_timer **v;

	if (n <= h->cap)
		return 0;
	if ((v = realloc(h->v, n * sizeof(*v))) == NULL)
		return -1;
	h->v = v;
	h->cap = n;
	return 0;
}

int
sip_theap_start(struct sip_theap *h, struct sip_timer *t, uint64_t at)
{
	if (t->idx != 0) {
		t->at = at;
		t->seq = h->seq++;
		fix(h, t->idx - 1);
		return 0;
	}
	if (h->n == h->cap &&
	    sip_theap_reserve(h, h->cap ? 2 * h->cap : 16) != 0)
		return -1;
	t->at = at;
	t->seq = h->seq++;
	h->v[h->n] = t;
	sift_up(h, h->n++);
	return 0;
}

void
sip_theap_stop(struct sip_theap *h, struct sip_timer *t)
{
	size_t i;

	if (t->idx == 0)
		return;
	i = t->idx - 1;
	t->idx = 0;
	if (i == --h->n)
		return;
	h->v[i] = h->v[h->n];
	fix(h, i);
}

uint64_t
sip_theap_next(const struct sip_theap *h)
{
	return h->n > 0 ? h->v[0]->at : UINT64_MAX;
}

size_t
sip_theap_run(struct sip_theap *h, uint64_t now)
{
	uint64_t first = h->seq;	/* started before this call */
	size_t fired = 0;

	/*
	 * A timer started meanwhile may stand on top with a deadline before
	 * older due ones; stopping there keeps deadline order, and the rest
	 * fire on the next call.
	 */
	while (h->n > 0 && h->v[0]->at <= now && h->v[0]->seq < first) {
		struct sip_timer *t = h->v[0];

		sip_theap_stop(h, t);
		fired++;
		if (t->cb != NULL)
			t->cb(t, t->arg);
	}
	return fired;
}
