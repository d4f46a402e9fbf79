/*
 * uas.c - server transactions over connections.
 */
#include <stdlib.h>
#include <string.h>

#include "net.h"
#include "uas.h"
#include "via.h"

void
sip_uas_response_dst(const struct sip_msg *m, const struct sip_sockaddr *src,
    struct sip_sockaddr *dst)
{
	struct sip_via v;
	struct sip_perr pe;

	*dst = *src;
	if (sip_via_parse(&v, sip_msg_value(m, SIP_HDR_VIA), &pe) != SIP_OK)
		return;
	if (v.has_rport)
		return;		/* RFC 3581: back to the source port */
	sip_net_set_port(dst, v.has_port ? v.port : 5060);
}

static void
send_out(struct sip_uas *u, struct sip_uas_txn *t, const char *p, size_t n,
    int retrans)
{
	if (u->trace != NULL)
		u->trace(u->trace_arg, '>', p, n, retrans, t->conn,
		    t->conn->tp == SIP_TP_UDP ? &t->dst : &t->conn->peer);
	if (t->conn->tp == SIP_TP_UDP)
		sip_conn_sendto(t->conn, p, n, &t->dst);
	else if (sip_conn_send(t->conn, p, n) != SIP_OK)
		sip_txn_transport_error(&t->txn);
}

static void
drain(struct sip_uas *u, struct sip_uas_txn *t)
{
	struct sip_txn_action a;

	while (sip_txn_action(&t->txn, &a)) {
		if (a.kind == SIP_TXN_SEND)
			send_out(u, t, a.data, a.len, a.retransmit);
		if (a.kind == SIP_TXN_SEND && a.retransmit)
			u->absorbed++;
	}
	if (sip_txn_done(&t->txn)) {
		sip_txn_release(&t->txn);
		t->used = 0;
	}
}

int
sip_uas_request(struct sip_uas *u, struct sip_conn *c,
    const struct sip_sockaddr *src, const struct sip_msg *m,
    struct sip_uas_txn **out)
{
	uint64_t now = sip_now_ms();
	struct sip_uas_txn *t = NULL;

	*out = NULL;
	for (int i = 0; i < u->n; i++) {
		struct sip_uas_txn *x = &u->t[i];

		if (x->used && x->conn == c &&
		    sip_txn_match_request(&x->txn, m)) {
			sip_txn_input(&x->txn, m, now);
			drain(u, x);
			u->absorbed++;
			return 1;
		}
	}
	if (m->mid == SIP_METHOD_ACK)
		return 0;	/* an ACK for a 2xx: not a transaction */
	for (int i = 0; i < u->n; i++)
		if (!u->t[i].used) {
			t = &u->t[i];
			break;
		}
	if (t == NULL) {
		if (u->n >= SIP_UAS_MAXTXN) {
			u->full++;
			return -1;
		}
		if (u->t == NULL)
			u->t = calloc(SIP_UAS_MAXTXN, sizeof *u->t);
		if (u->t == NULL)
			return -1;
		t = &u->t[u->n++];
	}
	memset(t, 0, sizeof *t);
	sip_txn_init(&t->txn, m->mid == SIP_METHOD_INVITE ? SIP_TXN_IST :
	    SIP_TXN_NIST, sip_tp_reliable(c->tp));
	if (sip_txn_server_start(&t->txn, m, now) != SIP_OK) {
		sip_txn_release(&t->txn);
		return -1;
	}
	t->conn = c;
	t->used = 1;
	if (c->tp == SIP_TP_UDP)
		sip_uas_response_dst(m, src, &t->dst);
	*out = t;
	return 0;
}

enum sip_err
sip_uas_respond(struct sip_uas *u, struct sip_uas_txn *t, const char *resp,
    size_t len)
{
	enum sip_err e = sip_txn_respond(&t->txn, resp, len, sip_now_ms());

	if (e == SIP_OK)
		drain(u, t);
	return e;
}

uint64_t
sip_uas_timers(struct sip_uas *u, uint64_t now)
{
	uint64_t next = 0;

	for (int i = 0; i < u->n; i++) {
		struct sip_uas_txn *t = &u->t[i];
		uint64_t d;

		if (!t->used)
			continue;
		d = sip_txn_deadline(&t->txn);
		if (d != 0 && d <= now) {
			sip_txn_timer(&t->txn, now);
			drain(u, t);
			if (!t->used)
				continue;
			d = sip_txn_deadline(&t->txn);
		}
		if (d != 0 && (next == 0 || d < next))
			next = d;
	}
	while (u->n > 0 && !u->t[u->n - 1].used)
		u->n--;
	return next;
}

void
sip_uas_conn_gone(struct sip_uas *u, struct sip_conn *c)
{
	for (int i = 0; i < u->n; i++)
		if (u->t[i].used && u->t[i].conn == c) {
			sip_txn_release(&u->t[i].txn);
			u->t[i].used = 0;
		}
}

void
sip_uas_free(struct sip_uas *u)
{
	for (int i = 0; i < u->n; i++)
		if (u->t[i].used)
			sip_txn_release(&u->t[i].txn);
	free(u->t);
	u->t = NULL;
	u->n = 0;
}
