/*
 * calls.h - a table of calls (dialogs by Call-ID) built from the messages
 * of a capture: who, when, how long, how it ended, and each message as an
 * event for a ladder picture (lib/ladder.h).
 *
 * The table holds at most SIP_MAX_DIALOGS calls and SIP_MAX_FLOW_EVENTS
 * events in all.  When it is full the call idle longest (whose last
 * message came before every other call's) is handed back to the caller
 * (sip_calls_add() returns it) to print and free, and counted; it is
 * found in O(1) at the head of a list kept in order of last activity;
 * events beyond the cap are counted, not kept.  Strings are copied: the
 * table never points into message buffers.
 */
#ifndef SIPBOX_CALLS_H
#define SIPBOX_CALLS_H

#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "lru.h"
#include "mgcp.h"
#include "msg.h"

/* One message of a call, as a ladder shows it. */
struct sip_call_event {
	uint64_t	 ts_ns;
	unsigned long	 frame;
	char		*src, *dst;	/* "addr:port" (owned) */
	/*
	 * Method, or "code reason", then " (offer)" or " (answer)" when its
	 * SDP is one, then with detail "[transport CSeq]" (owned).
	 */
	char		*label;
	int		 is_request;
	int		 status;
	int		 retrans;	/* seen before */
};

enum sip_call_state {
	SIP_CALL_SETUP,		/* INVITE sent, nothing back */
	SIP_CALL_RINGING,	/* a provisional response */
	SIP_CALL_ANSWERED,	/* 2xx to the INVITE, no BYE yet */
	SIP_CALL_COMPLETED,	/* BYE after an answer */
	SIP_CALL_CANCELLED,	/* CANCEL or 487 */
	SIP_CALL_REJECTED,	/* 3xx-6xx final response */
	SIP_CALL_AUTH,		/* 401 or 407: a new INVITE may follow */
	SIP_CALL_OTHER		/* not an INVITE dialog: see method, status */
};

struct sip_call {
	struct sip_call	*next, *prev;	/* in order of first message */
	struct sip_call	*hnext;
	struct sip_lru_link lru;	/* in order of last message */
	/* In the one allocation of the call (sip_call_free() frees it). */
	char		*callid, *from, *to, *method;
	size_t		 cidlen;	/* strlen(callid) */
	unsigned	 hash;		/* its bucket */
	uint64_t	 start_ns, last_ns, answer_ns;
	unsigned long	 nmsgs;
	int		 status;	/* last final response to the first method */
	uint32_t	 cseq;		/* CSeq number of its last transaction */
	unsigned	 challenges;	/* 401 and 407 answers */
	/* SDP offers: the request's CSeq, or a response's awaiting ACK/PRACK. */
	uint32_t	 offer_cseq;
	int		 req_offer, resp_offer;
	enum sip_call_state state;
	int		 mgcp;		/* an MGCP call (sip_calls_add_mgcp()) */
	struct sip_call_event *ev;
	size_t		 nev, evcap;
};

#define SIP_CALLS_BUCKETS	4096

struct sip_calls {
	struct sip_call	*bucket[SIP_CALLS_BUCKETS];
	struct sip_call	*head, *tail;	/* first-seen order */
	struct sip_lru	 lru;		/* least to most recently active */
	size_t		 ncalls;
	size_t		 max;		/* calls held (SIP_MAX_DIALOGS) */
	size_t		 nevents;
	int		 keep_events;	/* record events for ladders */
	int		 detail;	/* labels give transport and CSeq */
	unsigned long	 evicted;	/* calls handed back early: table full */
	unsigned long	 events_dropped;	/* events over the cap */
};

void	sip_calls_init(struct sip_calls *t, int keep_events);
void	sip_calls_release(struct sip_calls *t);
/*
 * Account message m seen at ts_ns in frame (0: not from a capture)
 * between src and dst ("addr:port" strings, copied; NULL when unknown)
 * over transport tp ("UDP", ...; NULL when unknown).
 * retrans says the message was seen before (lib/stats.h).  Returns
 * SIP_OK, SIP_E_NOMEM, or SIP_E_TOOBIG when the table was full: *evicted
 * is then the call dropped from the table, which the caller prints and
 * frees with sip_call_free().
 */
enum sip_err	sip_calls_add(struct sip_calls *t, const struct sip_msg *m,
		    uint64_t ts_ns, unsigned long frame, const char *src,
		    const char *dst, const char *tp, int retrans,
		    struct sip_call **evicted);
/*
 * Account MGCP message g (RFC 3435) of the call callid (its C:, or its
 * command's for a response) as sip_calls_add() does a SIP message, for
 * ladders: the call is made by its first message (method "MGCP", from
 * src, to the endpoint) and stays SIP_CALL_OTHER with the last final
 * response code as its status; each message's label is the verb and
 * transaction id, or the code, transaction id and response string, so
 * that a response is seen to answer its command.
 */
enum sip_err	sip_calls_add_mgcp(struct sip_calls *t,
		    const struct mgcp_msg *g, const char *callid,
		    uint64_t ts_ns, unsigned long frame, const char *src,
		    const char *dst, const char *tp, int retrans,
		    struct sip_call **evicted);
/* Take the calls out in first-seen order (the caller frees each). */
struct sip_call	*sip_calls_take(struct sip_calls *t);
void		 sip_call_free(struct sip_call *c);
/* "SETUP", "RINGING", "ANSWERED", "AUTH", ... */
const char	*sip_call_state_name(enum sip_call_state s);

#endif
