/*
 * stats.h - counting SIP traffic for sip-parse --stats: requests by
 * method, responses by code, retransmissions, and response times as
 * percentiles (REGISTER, INVITE setup, other non-INVITE requests).
 *
 * Memory is fixed: retransmissions are found with a table of message
 * fingerprints and response times matched with a table of open requests,
 * both of fixed size (old entries are overwritten, which can only miss a
 * retransmission or a time, never invent one).  The first
 * SIP_STATS_EXACT times of each kind are kept, so their percentiles are
 * exact; past that, percentiles come from a logarithmic histogram with
 * buckets 1% wide.
 */
#ifndef SIPBOX_STATS_H
#define SIPBOX_STATS_H

#include <stdint.h>

#include "mgcp.h"
#include "msg.h"

#define SIP_STATS_FP_SLOTS	(1u << 16)	/* message fingerprints */
/*
 * The same bytes again within this time are a copy the capture made (a
 * SPAN port, two interfaces), not a retransmission: RFC 3261 17.1.1.2
 * waits T1 (500 ms) before sending again.
 */
#define SIP_STATS_DUP_NS	1000000ull	/* 1 ms */
#define SIP_STATS_TXN_SLOTS	(1u << 15)	/* requests awaiting a response */
#define SIP_STATS_BUCKETS	2400		/* 1.01^k microseconds */
#define SIP_STATS_METHODS	32		/* method names kept; then "other" */
#define SIP_STATS_EXACT		65536		/* times kept exactly per kind */

enum sip_stats_kind {
	SIP_STATS_REGISTER,	/* REGISTER to its final response */
	SIP_STATS_INVITE,	/* INVITE to the first 18x or 2xx (setup time) */
	SIP_STATS_NONINVITE,	/* other requests but ACK to their final response */
	SIP_STATS_KINDS
};

struct sip_stats_hist {
	unsigned long	 n;
	double		 sum_us, max_us;
	uint32_t	 b[SIP_STATS_BUCKETS];
	double		*exact;		/* the first SIP_STATS_EXACT times */
};

struct sip_stats_txn {
	uint64_t	 key;		/* 0: empty */
	uint64_t	 ts_ns;
	uint8_t		 kind;
	uint8_t		 done;
};

#define SIP_STATS_MGCP_VERBS	16	/* MGCP verbs kept; then "other" */

/* MGCP (RFC 3435): commands by verb, responses by class (000 to 999). */
struct sip_stats_mgcp {
	unsigned long	 commands, responses, retrans, dups;
	char		 verb[SIP_STATS_MGCP_VERBS][5];
	unsigned long	 by_verb[SIP_STATS_MGCP_VERBS + 1];	/* + other */
	unsigned long	 by_class[10];	/* 0xx (000: a response ack) .. 9xx */
};

struct sip_stats {
	unsigned long	 requests, responses, retrans;
	unsigned long	 dups;		/* the capture's own copies */
	char		 method[SIP_STATS_METHODS][24];
	unsigned long	 by_method[SIP_STATS_METHODS + 1];	/* + other */
	unsigned long	 by_status[700];
	uint64_t	*fp;				/* fingerprints */
	uint64_t	*fpts;				/* and when last seen */
	struct sip_stats_txn *txn;
	struct sip_stats_hist h[SIP_STATS_KINDS];
	struct sip_stats_mgcp mgcp;
};

/* SIP_E_NOMEM when the tables cannot be allocated. */
enum sip_err	sip_stats_init(struct sip_stats *s);
void		sip_stats_release(struct sip_stats *s);
/*
 * Count m, seen at ts_ns between the endpoints ends[0..n) (any bytes
 * that tell the two apart, source first, the same for the same two;
 * NULL, 0 when unknown).  Returns 1 when m is a
 * retransmission of a message seen before, or a duplicate (the same
 * bytes within SIP_STATS_DUP_NS, counted in dups, not retrans; never
 * when ts_ns is 0), else 0.  Neither is counted in requests or responses.
 */
int		sip_stats_add(struct sip_stats *s, const struct sip_msg *m,
		    uint64_t ts_ns, const void *ends, size_t n);
/*
 * Only the first step of sip_stats_add(): 1 when m is a retransmission
 * or a duplicate (counted as there), else 0, and nothing else counted.
 * For --calls and --flow, which need no more.
 */
int		sip_stats_seen(struct sip_stats *s, const struct sip_msg *m,
		    uint64_t ts_ns, const void *ends, size_t n);
/*
 * Count MGCP message g as sip_stats_add() counts SIP (into s->mgcp):
 * a command again with the same verb and transaction id between the
 * same endpoints, or a response again with the same code and
 * transaction id, is a retransmission (RFC 3435 3.5: a retransmitted
 * command keeps its transaction id), or a duplicate within
 * SIP_STATS_DUP_NS.  Returns 1 for either, else 0.
 */
int		sip_stats_add_mgcp(struct sip_stats *s, const struct mgcp_msg *g,
		    uint64_t ts_ns, const char *src, const char *dst);
/* Percentile p (0-100) of kind in microseconds; 0 when there is none. */
double		sip_stats_pct(const struct sip_stats *s, enum sip_stats_kind k,
		    double p);
const char	*sip_stats_kind_name(enum sip_stats_kind k);

#endif
