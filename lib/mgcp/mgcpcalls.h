/*
 * mgcpcalls.h - MGCP transactions of a capture grouped into calls by
 * their call id (C:, RFC 3435 2.3.5), for sip-parse --calls.
 *
 * A command with C: names its call; one without it but with a
 * connection id (I:) the call created that connection.  A response
 * finds its command by transaction id and the reversed addresses, and
 * moves the call's state: CRCX answered 2xx creates a connection, MDCX
 * modifies, DLCX deletes (DELETED once no connection is left), 4xx and
 * 5xx fail; other commands of a call (AUCX) count as its messages.
 * Transactions of no call (RQNT, NTFY, AUEP, RSIP) are left out of the
 * calls, but mgcp_calls_answers() finds their commands too.  At most
 * MGCP_MAX_CALLS calls and MGCP_MAX_TXNS open transactions are kept (the
 * oldest open one is forgotten first); calls beyond the bound are
 * counted.  Calls are found by call id and by connection id, and
 * transactions by id and addresses, through FNV-1a hash buckets, so a
 * message costs the same whatever the number of calls.  No I/O, no
 * clock: times come with the messages.  Strings are copied.
 */
#ifndef SIPBOX_MGCPCALLS_H
#define SIPBOX_MGCPCALLS_H

#include <stdint.h>

#include "err.h"
#include "mgcp.h"

#define MGCP_MAX_CALLS		10000
#define MGCP_MAX_TXNS		1024
#define MGCP_MAX_CONNS		8	/* connection ids kept per call */
#define MGCP_ID_MAX		64	/* an id or endpoint kept, bytes */
#define MGCP_CALL_BUCKETS	16384	/* call ids and connection ids */
#define MGCP_TXN_BUCKETS	2048

enum mgcp_call_state {
	MGCP_CALL_PENDING,	/* no answer to its commands yet */
	MGCP_CALL_CREATED,	/* CRCX answered 2xx */
	MGCP_CALL_MODIFIED,	/* MDCX answered 2xx */
	MGCP_CALL_DELETED,	/* DLCX answered 2xx: no connection left */
	MGCP_CALL_FAILED	/* its last answer was 4xx or 5xx */
};

struct mgcp_call {
	char		 callid[MGCP_ID_MAX + 1];
	char		 agent[MGCP_ID_MAX + 1];	/* who sent the first
							   command: addr:port */
	char		 endpoint[MGCP_ID_MAX + 1];	/* its first endpoint */
	unsigned	 endpoints;	/* distinct endpoints named (up to 2
					   told apart: 1 or "more") */
	uint64_t	 start_ns, last_ns;
	unsigned long	 nmsgs;
	enum mgcp_call_state state;
	int		 code;		/* last final response code, or -1 */
	char		 conn[MGCP_MAX_CONNS][MGCP_ID_MAX + 1];
	unsigned	 nconn;		/* live connections */
	unsigned long	 created;	/* connections created in all */
	uint32_t	 hash;		/* of callid */
	uint32_t	 hnext;		/* next in its bucket: index + 1, 0 */
};

struct mgcp_txn;
struct mgcp_connref;

struct mgcp_calls {
	struct mgcp_call *v;		/* in order of first message */
	size_t		 n, cap;
	struct mgcp_txn	*txn;		/* MGCP_MAX_TXNS, a ring */
	size_t		 txn_next;
	unsigned long	 dropped;	/* calls beyond MGCP_MAX_CALLS */
	/* The index: bucket heads hold index + 1 (0: empty). */
	uint32_t	*callb;		/* MGCP_CALL_BUCKETS: calls by id */
	uint32_t	*connb;		/* MGCP_CALL_BUCKETS: live connections */
	uint32_t	*txnb;		/* MGCP_TXN_BUCKETS: open transactions */
	struct mgcp_connref *cref;	/* the connections' entries */
	size_t		 ncref, crefcap;
	uint32_t	 cref_free;	/* a free entry: index + 1, 0 */
	uint32_t	 last;		/* the last message's call: index + 1 */
};

void		mgcp_calls_init(struct mgcp_calls *t);
/*
 * Add message m of time ts_ns sent from src to dst ("addr:port").
 * SIP_E_NOMEM when out of memory.
 */
enum sip_err	mgcp_calls_add(struct mgcp_calls *t, const struct mgcp_msg *m,
		    uint64_t ts_ns, const char *src, const char *dst);
/*
 * The command response m (from src to dst) answers, before m is added:
 * 1 with its verb and its call's id ("" when none), else 0.  Strings
 * are the table's, valid until the next mgcp_calls_add().
 */
int		mgcp_calls_answers(const struct mgcp_calls *t,
		    const struct mgcp_msg *m, const char *src, const char *dst,
		    const char **verb, const char **callid);
/*
 * The call the message mgcp_calls_add() took last was counted in (a
 * response: its command's), or NULL when none.
 */
const struct mgcp_call *mgcp_calls_last(const struct mgcp_calls *t);
const char	*mgcp_call_state_name(enum mgcp_call_state s);
void		mgcp_calls_free(struct mgcp_calls *t);

#endif
