/*
 * mgcpcalls.c - MGCP transactions grouped into calls by call id.
 */
#include <stdlib.h>
#include <string.h>

#include "mgcpcalls.h"

/* A command waiting for its final response. */
struct mgcp_txn {
	int		 used;
	char		 callid[MGCP_ID_MAX + 1];	/* its call's, or "" */
	char		 verb[5];
	char		 key[MGCP_ID_MAX * 3 + 3];	/* txid, to, from */
	char		 conn[MGCP_ID_MAX + 1];	/* DLCX's I:, or "" */
	uint32_t	 hash;		/* of key */
	uint32_t	 hnext;		/* next in its bucket: slot + 1, 0 */
	uint32_t	 call;		/* its call: index + 1, 0 */
};

/* A live connection of a call, in the connection id buckets. */
struct mgcp_connref {
	uint32_t	 hash;		/* of the id */
	uint32_t	 call;		/* index + 1 */
	uint32_t	 next;		/* in its bucket or the free list */
};

/* FNV-1a: the index's hash (ids are short; no need for more). */
static uint32_t
str_hash(const char *p)
{
	return slice_hash_mem(SLICE_HASH0, p, strlen(p));
}

static void
copy(char *dst, struct slice s)
{
	size_t n = s.len < MGCP_ID_MAX ? s.len : MGCP_ID_MAX;

	if (n > 0)
		memcpy(dst, s.p, n);
	dst[n] = '\0';
}

/* txid, then the two addresses: a command's src dst, its answer's dst src. */
static void
txn_key(char *dst, struct slice txid, const char *a, const char *b)
{
	char t[MGCP_ID_MAX + 1];
	size_t n;

	copy(t, txid);
	n = strlen(t);
	memcpy(dst, t, n);
	dst[n++] = '|';
	copy(dst + n, slice_cstr(a));
	n += strlen(dst + n);
	dst[n++] = '|';
	copy(dst + n, slice_cstr(b));
}

void
mgcp_calls_init(struct mgcp_calls *t)
{
	memset(t, 0, sizeof(*t));
}

static struct mgcp_call *
by_callid(struct mgcp_calls *t, struct slice cid)
{
	char c[MGCP_ID_MAX + 1];
	uint32_t h, k;

	copy(c, cid);
	h = str_hash(c);
	for (k = t->callb[h % MGCP_CALL_BUCKETS]; k != 0; k = t->v[k - 1].hnext)
		if (t->v[k - 1].hash == h && strcmp(t->v[k - 1].callid, c) == 0)
			return &t->v[k - 1];
	return NULL;
}

/* The call with live connection id (copied), the one made last first. */
static struct mgcp_call *
by_conn(struct mgcp_calls *t, struct slice conn)
{
	char c[MGCP_ID_MAX + 1];
	uint32_t h, k;
	unsigned i;

	copy(c, conn);
	h = str_hash(c);
	for (k = t->connb[h % MGCP_CALL_BUCKETS]; k != 0; k = t->cref[k - 1].next) {
		struct mgcp_call *call;

		if (t->cref[k - 1].hash != h)
			continue;
		call = &t->v[t->cref[k - 1].call - 1];
		for (i = 0; i < call->nconn; i++)
			if (strcmp(call->conn[i], c) == 0)
				return call;
	}
	return NULL;
}

static enum sip_err
conn_index(struct mgcp_calls *t, const struct mgcp_call *c, const char *id)
{
	struct mgcp_connref *r;
	uint32_t k, *head;

	if ((k = t->cref_free) != 0)
		t->cref_free = t->cref[k - 1].next;
	else {
		if (t->ncref == t->crefcap) {
			size_t cap = t->crefcap ? t->crefcap * 2 : 64;
			struct mgcp_connref *v = realloc(t->cref,
			    cap * sizeof(*v));

			if (v == NULL)
				return SIP_E_NOMEM;
			t->cref = v;
			t->crefcap = cap;
		}
		k = (uint32_t)++t->ncref;
	}
	r = &t->cref[k - 1];
	r->hash = str_hash(id);
	r->call = (uint32_t)(c - t->v) + 1;
	head = &t->connb[r->hash % MGCP_CALL_BUCKETS];
	r->next = *head;
	*head = k;
	return SIP_OK;
}

/* Connection id of call c leaves the index. */
static void
conn_unindex(struct mgcp_calls *t, const struct mgcp_call *c, const char *id)
{
	uint32_t h = str_hash(id), call = (uint32_t)(c - t->v) + 1, *p, k;

	for (p = &t->connb[h % MGCP_CALL_BUCKETS]; (k = *p) != 0;
	    p = &t->cref[k - 1].next)
		if (t->cref[k - 1].hash == h && t->cref[k - 1].call == call) {
			*p = t->cref[k - 1].next;
			t->cref[k - 1].next = t->cref_free;
			t->cref_free = k;
			return;
		}
}

static struct mgcp_call *
new_call(struct mgcp_calls *t, struct slice cid, uint64_t ts, const char *src)
{
	struct mgcp_call *c;

	if (t->n == MGCP_MAX_CALLS) {
		t->dropped++;
		return NULL;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct mgcp_call *v = realloc(t->v, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		t->v = v;
		t->cap = cap;
	}
	c = &t->v[t->n++];
	memset(c, 0, sizeof(*c));
	copy(c->callid, cid);
	copy(c->agent, slice_cstr(src));
	c->start_ns = ts;
	c->code = -1;
	c->hash = str_hash(c->callid);
	c->hnext = t->callb[c->hash % MGCP_CALL_BUCKETS];
	t->callb[c->hash % MGCP_CALL_BUCKETS] = (uint32_t)t->n;
	return c;
}

static void
conn_drop(struct mgcp_calls *t, struct mgcp_call *c, const char *id)
{
	unsigned k;

	for (k = 0; k < c->nconn; k++)
		if (strcmp(c->conn[k], id) == 0) {
			conn_unindex(t, c, id);
			memmove(c->conn[k], c->conn[k + 1],
			    (c->nconn - k - 1) * sizeof(c->conn[0]));
			c->nconn--;
			return;
		}
}

static void
txn_unindex(struct mgcp_calls *t, struct mgcp_txn *x)
{
	uint32_t *p = &t->txnb[x->hash % MGCP_TXN_BUCKETS];
	uint32_t slot = (uint32_t)(x - t->txn) + 1;

	while (*p != 0 && *p != slot)
		p = &t->txn[*p - 1].hnext;
	if (*p == slot)
		*p = x->hnext;
	x->used = 0;
}

static enum sip_err
command(struct mgcp_calls *t, const struct mgcp_msg *m, uint64_t ts,
    const char *src, const char *dst)
{
	struct slice cid = mgcp_param(m, "C"), conn = mgcp_param(m, "I");
	struct mgcp_call *c = NULL;
	struct mgcp_txn *x;
	char ep[MGCP_ID_MAX + 1];

	if (cid.len > 0)
		c = by_callid(t, cid);
	else if (conn.len > 0)
		c = by_conn(t, conn);
	if (c == NULL && cid.len > 0 &&
	    (c = new_call(t, cid, ts, src)) == NULL &&
	    t->n < MGCP_MAX_CALLS)
		return SIP_E_NOMEM;
	/* Every command waits for its answer, a call's or not. */
	x = &t->txn[t->txn_next];
	if (x->used)
		txn_unindex(t, x);	/* the oldest open one is forgotten */
	t->txn_next = (t->txn_next + 1) % MGCP_MAX_TXNS;
	x->used = 1;
	if (c != NULL)
		memcpy(x->callid, c->callid, sizeof(x->callid));
	else
		x->callid[0] = '\0';
	x->call = c != NULL ? (uint32_t)(c - t->v) + 1 : 0;
	copy(x->verb, slice_head(m->verb, 4));
	txn_key(x->key, m->txid, src, dst);
	x->hash = str_hash(x->key);
	x->hnext = t->txnb[x->hash % MGCP_TXN_BUCKETS];
	t->txnb[x->hash % MGCP_TXN_BUCKETS] = (uint32_t)(x - t->txn) + 1;
	copy(x->conn, conn);
	if (c == NULL)
		return SIP_OK;		/* no call's transaction */
	t->last = (uint32_t)(c - t->v) + 1;
	c->nmsgs++;
	c->last_ns = ts;
	copy(ep, m->endpoint);
	if (c->endpoints == 0) {
		memcpy(c->endpoint, ep, sizeof(ep));
		c->endpoints = 1;
	} else if (strcmp(c->endpoint, ep) != 0)
		c->endpoints = 2;
	return SIP_OK;
}

/* The command a response answers, or NULL. */
static struct mgcp_txn *
answered(const struct mgcp_calls *t, const struct mgcp_msg *m,
    const char *src, const char *dst)
{
	char key[sizeof(t->txn[0].key)];
	uint32_t h, k;

	if (t->txn == NULL)
		return NULL;
	txn_key(key, m->txid, dst, src);
	h = str_hash(key);
	for (k = t->txnb[h % MGCP_TXN_BUCKETS]; k != 0; k = t->txn[k - 1].hnext)
		if (t->txn[k - 1].hash == h && strcmp(t->txn[k - 1].key, key) == 0)
			return &t->txn[k - 1];
	return NULL;
}

int
mgcp_calls_answers(const struct mgcp_calls *t, const struct mgcp_msg *m,
    const char *src, const char *dst, const char **verb, const char **callid)
{
	const struct mgcp_txn *x = answered(t, m, src, dst);

	if (x == NULL)
		return 0;
	*verb = x->verb;
	*callid = x->callid;
	return 1;
}

static enum sip_err
response(struct mgcp_calls *t, const struct mgcp_msg *m, uint64_t ts,
    const char *src, const char *dst)
{
	struct mgcp_txn *x = answered(t, m, src, dst);
	struct mgcp_call *c;

	if (x == NULL)
		return SIP_OK;
	if (x->call == 0) {
		if (m->code >= 200)
			txn_unindex(t, x);
		return SIP_OK;
	}
	c = &t->v[x->call - 1];
	t->last = x->call;
	c->nmsgs++;
	c->last_ns = ts;
	if (m->code < 200)
		return SIP_OK;	/* provisional (1xx) or an ack (000) */
	txn_unindex(t, x);
	if (strcmp(x->verb, "CRCX") != 0 && strcmp(x->verb, "MDCX") != 0 &&
	    strcmp(x->verb, "DLCX") != 0)
		return SIP_OK;	/* AUCX: the state stays */
	c->code = m->code;
	if (m->code >= 300) {
		c->state = MGCP_CALL_FAILED;
		return SIP_OK;
	}
	if (strcmp(x->verb, "CRCX") == 0) {
		struct slice conn = mgcp_param(m, "I");

		c->created++;
		if (conn.len > 0 && c->nconn < MGCP_MAX_CONNS) {
			copy(c->conn[c->nconn], conn);
			if (conn_index(t, c, c->conn[c->nconn]) != SIP_OK)
				return SIP_E_NOMEM;
			c->nconn++;
		}
		c->state = MGCP_CALL_CREATED;
	} else if (strcmp(x->verb, "MDCX") == 0)
		c->state = MGCP_CALL_MODIFIED;
	else if (strcmp(x->verb, "DLCX") == 0) {
		/* DLCX: one connection (I:), else all of the call's */
		if (x->conn[0] != '\0')
			conn_drop(t, c, x->conn);
		else
			while (c->nconn > 0)
				conn_unindex(t, c, c->conn[--c->nconn]);
		if (c->nconn == 0)
			c->state = MGCP_CALL_DELETED;
	}
	return SIP_OK;
}

enum sip_err
mgcp_calls_add(struct mgcp_calls *t, const struct mgcp_msg *m,
    uint64_t ts_ns, const char *src, const char *dst)
{
	if (t->txn == NULL) {
		t->txn = calloc(MGCP_MAX_TXNS, sizeof(*t->txn));
		t->txnb = calloc(MGCP_TXN_BUCKETS, sizeof(*t->txnb));
		t->callb = calloc(MGCP_CALL_BUCKETS, sizeof(*t->callb));
		t->connb = calloc(MGCP_CALL_BUCKETS, sizeof(*t->connb));
		if (t->txn == NULL || t->txnb == NULL || t->callb == NULL ||
		    t->connb == NULL) {
			mgcp_calls_free(t);
			return SIP_E_NOMEM;
		}
	}
	t->last = 0;
	if (m->is_response)
		return response(t, m, ts_ns, src, dst);
	return command(t, m, ts_ns, src, dst);
}

const struct mgcp_call *
mgcp_calls_last(const struct mgcp_calls *t)
{
	return t->last != 0 ? &t->v[t->last - 1] : NULL;
}

const char *
mgcp_call_state_name(enum mgcp_call_state s)
{
	switch (s) {
	case MGCP_CALL_PENDING:
		return "PENDING";
	case MGCP_CALL_CREATED:
		return "CREATED";
	case MGCP_CALL_MODIFIED:
		return "MODIFIED";
	case MGCP_CALL_DELETED:
		return "DELETED";
	case MGCP_CALL_FAILED:
		return "FAILED";
	}
	return "?";
}

void
mgcp_calls_free(struct mgcp_calls *t)
{
	free(t->v);
	free(t->txn);
	free(t->txnb);
	free(t->callb);
	free(t->connb);
	free(t->cref);
	memset(t, 0, sizeof(*t));
}
