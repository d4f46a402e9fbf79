/*
 * serve.h - what sip-serve (sip-serve.c: listeners, the registrar, the
 * answers) shares with its notifier of the reg event (serve-notify.c,
 * RFC 3680): the bindings, and the calls each makes of the other.
 */
#ifndef SIPBOX_SERVE_H
#define SIPBOX_SERVE_H

#include <stdint.h>
#include <time.h>

#include "build.h"
#include "endpoint.h"
#include "loop.h"
#include "reginfo.h"
#include "tpset.h"

#define SERVE_AOR_SIZE	256
#define SERVE_MAX_BINDINGS	4096

struct binding {
	char		 aor[SERVE_AOR_SIZE];
	char		 contact[512];
	time_t		 expires;	/* serve_now() it ends at */
	time_t		 since;		/* registered (duration-registered) */
	int		 q;		/* in thousandths; -1 none given */
	char		 instance[256];	/* RFC 5626 +sip.instance, unquoted */
	char		 callid[128];
	uint32_t	 cseq;
	unsigned	 id;		/* the reginfo contact id */
	uint32_t	 hash;		/* of aor: sip-serve.c's index */
	int		 next;		/* in its index chain, index + 1 */
};

/* The registrar's bindings (sip-serve.c), unordered. */
extern struct binding	bind_tab[SERVE_MAX_BINDINGS];
extern int		nbind;

/* sip-serve.c: answer m in t with rp (sent by the transaction). */
int	serve_respond(struct sip_uas_txn *t, const struct sip_msg *m,
	    const struct sip_sockaddr *src, struct sip_resp_params *rp);
/*
 * sip-serve.c: RFC 3261 22.4 with --users: 1 when m carries credentials
 * for a user whose name is `user' (for REGISTER, NULL: the To user);
 * else m was answered (401, 403) and *code says with what.
 */
int	serve_authorized(struct sip_uas_txn *t, const struct sip_msg *m,
	    const struct sip_sockaddr *src, const struct slice *user,
	    int *code);
/* sip-serve.c: our Contact for a dialog m opens over tp at local. */
void	serve_contact_of(const struct sip_msg *m, enum sip_tp tp,
	    const struct sip_sockaddr *local, char *out, size_t n);
/*
 * sip-serve.c: seconds on the loop's monotonic clock, the time bindings
 * are kept in (expires, since): only differences of two mean anything.
 */
time_t	serve_now(void);
/* sip-serve.c: q in thousandths as a q-value ("1", "0.5"). */
const char *serve_q_str(int q, char out[8]);

/*
 * serve-notify.c: the reg event notifier on ep (attached to tps on
 * loop); json and quiet say how to report.  Free it before the endpoint.
 */
void	regevent_init(struct sip_loop *loop, struct sip_ep *ep, int json,
	    uint32_t max_expires);
void	regevent_free(void);
/* A SUBSCRIBE in t: answered (here); the code sent. */
int	regevent_subscribe(struct sip_uas_txn *t, const struct sip_msg *m,
	    const struct sip_ep_rx *rx);
/*
 * Binding b changed by event ev (before it is removed, for the events
 * that end it): subscriptions to its AOR get a partial NOTIFY.
 */
void	regevent_changed(const struct binding *b, enum sip_reginfo_event ev,
	    time_t now);
/* Subscriptions there are (the registrar expires bindings on a timer). */
int	regevent_count(void);
/*
 * sip-serve stops: every subscription gets its final NOTIFY (terminated;
 * reason=noresource, the bindings listed as deactivated: they go with
 * the process); done() is called once the last one is over, perhaps
 * within this call.  New subscriptions are refused (503) from now on.
 */
void	regevent_shutdown(void (*done)(void));
/*
 * user is no longer allowed in (taken out of --users): their
 * subscriptions end (terminated;reason=rejected), the final NOTIFY
 * listing their bindings as rejected; call it before removing them.
 */
void	regevent_reject(const char *user);

#endif
