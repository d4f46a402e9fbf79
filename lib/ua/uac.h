/*
 * uac.h - the client side every applet that sends requests shares: build
 * a request, run it through the endpoint (lib/endpoint: its client
 * transaction table, RFC 3263 failover across the targets, the ACKs of
 * an INVITE's 2xx and forks) over a transport set on the caller's loop,
 * answer 401/407 with digest credentials (22.2, RFC 7616), and report
 * the final response.  Several requests may be in flight at once (a
 * ping run with --concurrency).
 *
 * The caller runs the loop (or sip_uac_step(), one turn of it) while
 * requests are active; each finished request is handed to the done
 * callback.
 */
#ifndef SIPBOX_UAC_H
#define SIPBOX_UAC_H

#include <stdint.h>

#include "build.h"
#include "dialog.h"
#include "endpoint.h"
#include "loop.h"
#include "tpset.h"
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
	/* microseconds, the loop's clock (sip_loop_now_us) */
	uint64_t		 t_sent;	/* this transaction's request sent */
	uint64_t		 t_final;	/* final response (or the failure) */
	int			 status;	/* last response code, 0 none */
	struct buf		 final;		/* copy of the final response */
	/* the call's dialog after a 2xx to INVITE (its dialog set's, valid
	 * until r is started again or freed; its 2xx retransmissions are
	 * ACKed until then) */
	struct sip_dialog	*dialog;
	enum sip_err		 err;		/* SIP_OK when a final came */
	const char		*why;		/* detail for err, or undialogued */
	/* a 2xx to INVITE that made no dialog: ACKed and ended by BYE */
	int			 undialogued;
	unsigned		 retrans;	/* retransmissions sent */
	int			 active;	/* waiting for its final response */
	struct sip_uac		*uac;
};

struct sip_uac {
	/* the caller's: every request goes to these targets, in order */
	struct sip_ep_dest	 dst[SIP_EP_MAXTARGETS];
	int			 ndst;
	uint32_t		 t1, t2, t4;	/* 0: RFC 3261 defaults */
	const char		*user;		/* digest username, or NULL */
	const char		*password;	/* never copied, never traced */
	struct sip_trace	 trace;		/* messages in and out, and notes */
	void			(*done)(void *arg, struct sip_uac_req *r);
	void			*done_arg;
	/* unexpected requests (NOTIFY, OPTIONS keep-alives) */
	void			(*request)(void *arg, const struct sip_msg *m);
	void			*request_arg;
	/*
	 * Before r is built for target d (again on failover): set what
	 * r->p says of the local end (Via, Contact, transport) for d.  A
	 * transport error means d cannot be reached (why in r->c.tpwhy):
	 * the next target is tried.  NULL: r->p as it is.
	 */
	enum sip_err		(*target)(void *arg, struct sip_uac_req *r,
				    const struct sip_ep_dest *d);
	void			*target_arg;
	/* a target failed and the next is tried; NULL: nothing said */
	sip_ep_failover_fn	*failover;
	void			*failover_arg;
	struct sip_loop		*loop;		/* sip_uac_attach() */
	struct sip_tps		*tps;
	struct sip_uac_req	*live[SIP_UAC_MAXACTIVE];	/* in flight */
	int			 nlive;
	uint64_t		 rx_us;		/* when the message at hand arrived */
	uint64_t		 sent_us;	/* traced: when the trace was done */
	struct sip_build_tmpl	 tmpl;		/* the last request built */
	struct sip_ep		 ep;		/* transactions; ep.nstray: strays */
	char			 why[256];	/* a failed flow's, said */
};

/*
 * u's requests go through transport set s on loop l (the caller's; they
 * outlive u).  Fill the set's options with sip_uac_tps_opts() before
 * making it (after u->trace is set: the set's notes go to it), so that
 * what it receives comes to u.
 */
void		sip_uac_attach(struct sip_uac *u, struct sip_loop *l,
		    struct sip_tps *s);
void		sip_uac_tps_opts(struct sip_uac *u, struct sip_tps_opts *o);
/*
 * Build r's first request and send it.  r must stay put until done.  r is
 * zeroed before its first start; after done it may be started again (the
 * caller sets p, raw and user anew) and keeps its buffers' memory, so a
 * ping run allocates nothing per request.
 */
enum sip_err	sip_uac_start(struct sip_uac *u, struct sip_uac_req *r);
/* One turn of the loop: wait up to max_ms for input or a timer. */
void		sip_uac_step(struct sip_uac *u, int max_ms);
/* The target r went to last (while it runs, the one in use). */
const struct sip_ep_dest *sip_uac_dest(const struct sip_uac_req *r);
/* Finish r with err now (its own timeout), if it is active. */
void		sip_uac_abort_one(struct sip_uac *u, struct sip_uac_req *r,
		    enum sip_err err, const char *why);
/*
 * Cancel r, an INVITE (lib/endpoint's sip_ep_cancel): it goes on until
 * its final response (487 when the CANCEL took) or 64*T1 after the
 * CANCEL.  SIP_E_STATE when r is no running INVITE.
 */
enum sip_err	sip_uac_cancel(struct sip_uac *u, struct sip_uac_req *r);
/* Finish every active request with err (an overall timeout). */
void		sip_uac_abort(struct sip_uac *u, enum sip_err err,
		    const char *why);
/* Free what u holds (after the last request is done). */
void		sip_uac_free(struct sip_uac *u);
/* Free what r holds (after done, before r goes away, before u). */
void		sip_uac_req_free(struct sip_uac_req *r);

#endif
