/*
 * uas.h - the server side shared by applets that answer requests: a
 * table of RFC 3261 17.2 server transactions over any number of
 * connections, so retransmitted requests are absorbed (and the last
 * response resent), and responses go where 18.2.2 and RFC 3581 say.
 * A 2xx to an INVITE is resent until its ACK comes (13.3.1.4: the TU's
 * job, done here once for every TU), at most until Timer L ends the
 * transaction (64*T1, RFC 6026).
 */
#ifndef SIPBOX_UAS_H
#define SIPBOX_UAS_H

#include <stdint.h>

#include "conn.h"
#include "trace.h"
#include "timer.h"
#include "txn.h"

/*
 * Server transactions kept at once.  Over UDP a finished transaction
 * waits 32 s (Timer J) to absorb retransmissions; at this cap the oldest
 * one is let go early (counted in evicted), so memory stays bounded at
 * any request rate.
 */
#define SIP_UAS_MAXTXN	8192
#define SIP_UAS_BUCKETS	16384	/* hash buckets, a power of two */
/* 2xx answers awaiting their ACK at once; past it one is sent once. */
#define SIP_UAS_MAXOK	1024
/*
 * And bytes: what the transactions keep (each a request's head and its
 * last response).  Past it the oldest that have sent their final
 * response are let go early too; one still waiting for its answer is not.
 */
#define SIP_UAS_MAXBYTES	(16u * 1024 * 1024)

struct sip_uas_txn {
	struct sip_txn		 txn;
	struct sip_conn		*conn;
	struct sip_sockaddr	 dst;	/* UDP: where responses go */
	int			 used;
	/* the library's: hash chain by branch, age order */
	uint32_t		 hash;
	int			 next;
	uint32_t		 gen;
	struct sip_timer	 timer;	/* the transaction's next deadline */
	/* a 2xx to an INVITE awaiting its ACK: next resend (0 none) */
	uint64_t		 ok_at;
	uint64_t		 ok_iv;	/* T1 doubling to T2 */
	int			 ok_idx;	/* in okv, + 1; 0 none */
	size_t			 held;	/* bytes of its buffers, counted */
};

/* Instead of the connection's own send (the endpoint's transport). */
typedef enum sip_err (*sip_uas_send_fn)(void *arg, struct sip_uas_txn *t,
    const char *data, size_t len, int retrans);

struct sip_uas {
	struct sip_trace	 trace;		/* responses sent */
	sip_uas_send_fn		 send;		/* NULL: t->conn sends */
	void			*send_arg;
	unsigned long		 absorbed;	/* retransmissions absorbed */
	unsigned long		 evicted;	/* let go before Timer J */
	unsigned long		 ok_resent;	/* 2xx resent for an ACK */
	size_t			 max_bytes;	/* 0: SIP_UAS_MAXBYTES */
	size_t			 bytes;		/* kept now */
	/* the library's */
	struct sip_uas_txn	*t;		/* SIP_UAS_MAXTXN slots */
	int			*bucket;	/* first slot + 1, 0 empty */
	struct { int slot; uint32_t gen; } *fifo;	/* oldest first */
	unsigned		 fhead, fcount;
	int			 nused, hiwater;
	/* deadlines, earliest first: timers cost O(log n), not a scan */
	struct sip_theap	 timers;
	uint64_t		 now;		/* of the sip_uas_timers() call */
	int			*okv;		/* slots awaiting an ACK */
	int			 nok;
};

/* What sip_uas_request() made of a request. */
enum sip_uas_got {
	SIP_UAS_NEW,		/* a new transaction in *out: answer it */
	SIP_UAS_ABSORBED,	/* a retransmission, or the ACK of a non-2xx */
	SIP_UAS_ACK_2XX,	/* an ACK to a 2xx: no transaction, the TU's
				 * (its 2xx, if still resent, stops) */
};

/*
 * A request m arrived on c from src at now (ms).  On SIP_OK *got says
 * what it was,
 * and *out is the new transaction the caller must answer with
 * sip_uas_respond() (SIP_UAS_NEW) or NULL.  SIP_E_NOMEM when there is no
 * memory or room; the transaction layer's error for a request it refuses.
 */
enum sip_err	sip_uas_request(struct sip_uas *u, struct sip_conn *c,
		    const struct sip_sockaddr *src, const struct sip_msg *m,
		    uint64_t now, struct sip_uas_txn **out,
		    enum sip_uas_got *got);
/*
 * RFC 3261 9.2: the INVITE server transaction CANCEL m arrived on c is
 * for, or NULL.
 */
struct sip_uas_txn	*sip_uas_cancelled(struct sip_uas *u,
		    struct sip_conn *c, const struct sip_msg *m);
/*
 * Send a response in t (copied) at now (ms); the transaction retransmits
 * it.
 */
enum sip_err	sip_uas_respond(struct sip_uas *u, struct sip_uas_txn *t,
		    const char *resp, size_t len, uint64_t now);
/* Run the timers due by now; returns the next deadline, 0 for none. */
uint64_t	sip_uas_timers(struct sip_uas *u, uint64_t now);
/* Forget the transactions of a connection that went away. */
void		sip_uas_conn_gone(struct sip_uas *u, struct sip_conn *c);
void		sip_uas_free(struct sip_uas *u);

/*
 * Where a response to m received from src goes over UDP (RFC 3261
 * 18.2.2, RFC 3581 4): the source address, and the source port when the
 * top Via has rport, else the Via port (5060 by default); maddr too.
 */
void		sip_uas_response_dst(const struct sip_msg *m,
		    const struct sip_sockaddr *src, struct sip_sockaddr *dst);

#endif
