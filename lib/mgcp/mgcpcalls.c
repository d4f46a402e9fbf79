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
};

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
	size_t i;

	copy(c, cid);
	for (i = t->n; i-- > 0;)
		if (strcmp(t->v[i].callid, c) == 0)
			return &t->v[i];
	return NULL;
}

static struct mgcp_call *
by_conn(struct mgcp_calls *t, struct slice conn)
{
	char c[MGCP_ID_MAX + 1];
	size_t i;
	unsigned k;

	copy(c, conn);
	for (i = t->n; i-- > 0;)
		for (k = 0; k < t->v[i].nconn; k++)
			if (strcmp(t->v[i].conn[k], c) == 0)
				return &t->v[i];
	return NULL;
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
	return c;
}

static void
conn_drop(struct mgcp_call *c, const char *id)
{
	unsigned k;

	for (k = 0; k < c->nconn; k++)
		if (strcmp(c->conn[k], id) == 0) {
			memmove(c->conn[k], c->conn[k + 1],
			    (c->nconn - k - 1) * sizeof(c->conn[0]));
			c->nconn--;
			return;
		}
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
	t->txn_next = (t->txn_next + 1) % MGCP_MAX_TXNS;
	x->used = 1;
	if (c != NULL)
		memcpy(x->callid, c->callid, sizeof(x->callid));
	else
		x->callid[0] = '\0';
	copy(x->verb, slice_head(m->verb, 4));
	txn_key(x->key, m->txid, src, dst);
	copy(x->conn, conn);
	if (c == NULL)
		return SIP_OK;		/* no call's transaction */
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
	size_t i;

	if (t->txn == NULL)
		return NULL;
	txn_key(key, m->txid, dst, src);
	for (i = 0; i < MGCP_MAX_TXNS; i++)
		if (t->txn[i].used && strcmp(t->txn[i].key, key) == 0)
			return &t->txn[i];
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

static void
response(struct mgcp_calls *t, const struct mgcp_msg *m, uint64_t ts,
    const char *src, const char *dst)
{
	struct mgcp_txn *x = answered(t, m, src, dst);
	struct mgcp_call *c;

	if (x == NULL)
		return;
	if (x->callid[0] == '\0' ||
	    (c = by_callid(t, slice_cstr(x->callid))) == NULL) {
		if (m->code >= 200)
			x->used = 0;
		return;
	}
	c->nmsgs++;
	c->last_ns = ts;
	if (m->code < 200)
		return;		/* provisional (1xx) or an ack (000) */
	x->used = 0;
	if (strcmp(x->verb, "CRCX") != 0 && strcmp(x->verb, "MDCX") != 0 &&
	    strcmp(x->verb, "DLCX") != 0)
		return;		/* AUCX: the state stays */
	c->code = m->code;
	if (m->code >= 300) {
		c->state = MGCP_CALL_FAILED;
		return;
	}
	if (strcmp(x->verb, "CRCX") == 0) {
		struct slice conn = mgcp_param(m, "I");

		c->created++;
		if (conn.len > 0 && c->nconn < MGCP_MAX_CONNS)
			copy(c->conn[c->nconn++], conn);
		c->state = MGCP_CALL_CREATED;
	} else if (strcmp(x->verb, "MDCX") == 0)
		c->state = MGCP_CALL_MODIFIED;
	else if (strcmp(x->verb, "DLCX") == 0) {
		/* DLCX: one connection (I:), else all of the call's */
		if (x->conn[0] != '\0')
			conn_drop(c, x->conn);
		else
			c->nconn = 0;
		if (c->nconn == 0)
			c->state = MGCP_CALL_DELETED;
	}
}

enum sip_err
mgcp_calls_add(struct mgcp_calls *t, const struct mgcp_msg *m,
    uint64_t ts_ns, const char *src, const char *dst)
{
	if (t->txn == NULL &&
	    (t->txn = calloc(MGCP_MAX_TXNS, sizeof(*t->txn))) == NULL)
		return SIP_E_NOMEM;
	if (m->is_response) {
		response(t, m, ts_ns, src, dst);
		return SIP_OK;
	}
	return command(t, m, ts_ns, src, dst);
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
	memset(t, 0, sizeof(*t));
}
