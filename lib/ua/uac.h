/*
 * uac.h - the client side every applet that sends requests shares: build
 * a request, run it through the endpoint (lib/endpoint: its client
 * transaction table, the ACKs of an INVITE's 2xx and forks) over one
 * connection, answer 401/407 with digest credentials (22.2, RFC 7616),
 * and report the final response.  Several requests may be in flight on
 * one connection (a ping run with --concurrency).
 *
 * The caller loops on sip_uac_step() while requests are active; each
 * finished request is handed to the done callback.
 */
#ifndef SIPBOX_UAC_H
#define SIPBOX_UAC_H

#include <stdint.h>

#include "build.h"
#include "conn.h"
#include "dialog.h"
#include "endpoint.h"
#include "trace.h"

#define SIP_UAC_MAXACTIVE	256	/* requests in flight at once */
#define SIP_UAC_MAXHDRS		64	/* caller's extra header lines */

struct sip_uac_req {
	/* set by the caller before sip_uac_start(); strings outlive r */
	struct sip_req_params	 p;
	const char		*raw;		/* or a whole request (sip-send -f) */
	size_t			 rawlen;
	void			*user;
	/* the rest is the library's */
	char			 call_id[SIP_CALLID_SIZE];
	char			 from_tag[SIP_TAG_SIZE];
	char			 branch[SIP_BRANCH_SIZE];
	uint32_t		 cseq;
	struct sip_ep_ctxn	 c;		/* its txn.req: the request as last sent */
	struct sip_req_params	 ackp;		/* what the ACK and BYE of forks take */
	struct buf		 auth[2];	/* Authorization, Proxy-Authorization */
	const char		*hdrs[SIP_UAC_MAXHDRS + 3];
	int			 auth_tries;	/* challenges answered */
	int			 stale_done;	/* a stale=true retry was made */
	/* microseconds, sip_clock_us() */
	uint64_t		 t_sent;	/* this transaction's request sent */
	uint64_t		 t_final;	/* final response (or the failure) */
	int			 status;	/* last response code, 0 none */
	struct buf		 final;		/* copy of the final response */
	/* the call's dialog after a 2xx to INVITE (its dialog set's, valid
	 * until r is started again or freed; its 2xx retransmissions are
	 * ACKed until then) */
	struct sip_dialog	*dialog;
	enum sip_err		 err;		/* SIP_OK when a final came */
	const char		*why;		/* detail for err */
	unsigned		 retrans;	/* retransmissions sent */
	int			 active;	/* waiting for its final response */
	struct sip_uac		*uac;
};

struct sip_uac {
	struct sip_conn		*conn;
	uint32_t		 t1, t2, t4;	/* 0: RFC 3261 defaults */
	const char		*user;		/* digest username, or NULL */
	const char		*password;	/* never copied, never traced */
	struct sip_trace	 trace;		/* messages over conn */
	void			(*done)(void *arg, struct sip_uac_req *r);
	void			*done_arg;
	/* unexpected requests (NOTIFY, OPTIONS keep-alives) */
	void			(*request)(void *arg, const struct sip_msg *m);
	void			*request_arg;
	struct sip_uac_req	*live[SIP_UAC_MAXACTIVE];	/* in flight */
	int			 nlive;
	uint64_t		 rx_us;		/* when the message at hand arrived */
	uint64_t		 sent_us;	/* traced: when the trace was done */
	struct sip_build_tmpl	 tmpl;		/* the last request built */
	struct sip_ep		 ep;		/* transactions; ep.nstray: strays */
};

/*
 * Build r's first request and send it.  r must stay put until done.  r is
 * zeroed before its first start; after done it may be started again (the
 * caller sets p, raw and user anew) and keeps its buffers' memory, so a
 * ping run allocates nothing per request.
 */
enum sip_err	sip_uac_start(struct sip_uac *u, struct sip_uac_req *r);
/*
 * Wait up to max_ms for input or a timer, then process.  Returns a
 * connection error that ends everything (the active requests are
 * finished with it first), else SIP_OK.
 */
enum sip_err	sip_uac_step(struct sip_uac *u, int max_ms);
/* Finish every active request with err (an overall timeout). */
void		sip_uac_abort(struct sip_uac *u, enum sip_err err,
		    const char *why);
/* Free what u holds (after the last request is done). */
void		sip_uac_free(struct sip_uac *u);
/* Free what r holds (after done, before r goes away, before u). */
void		sip_uac_req_free(struct sip_uac_req *r);

#endif
