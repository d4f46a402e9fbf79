/*
 * register.h - what sip-register shares with its modes in files of their
 * own: --watch (register-watch.c, the reg event of RFC 3680) and the
 * load mode (register-load.c).  sip-register.c parses the options,
 * resolves the registrar and sets up the loop, the transport set and the
 * endpoint; a mode takes them from here.
 */
#ifndef SIPBOX_REGISTER_H
#define SIPBOX_REGISTER_H

#include <stdint.h>

#include "client.h"
#include "endpoint.h"
#include "loop.h"
#include "tpset.h"

struct reg_env {
	struct sip_loop		*loop;
	struct sip_tps		*tps;
	struct sip_ep		*ep;
	struct client		*cl;		/* the registrar's addresses */
	const char		*aor;		/* sip:user@domain */
	const char		*aor_user;
	const char		*via_host;	/* where we listen, URI form */
	int			 via_port;
	const char		*route;		/* --proxy's Route value, or NULL */
	const char		*user_agent;
	const char		*user;		/* digest username, or NULL */
	const char		*password;	/* or NULL */
	const char		*ha1;		/* or NULL */
	uint32_t		 expires;	/* --expires */
	int			 json;
};

/*
 * --watch: subscribe to the reg event of env->aor and print what each
 * NOTIFY changes, until watch_stop() or the subscription ends for good.
 * The environment outlives the watch.
 */
void	watch_start(const struct reg_env *env);
/* A request to our contact: 1 when it was the watch's (a NOTIFY) */
int	watch_request(struct sip_ep *ep, struct sip_uas_txn *t,
	    const struct sip_msg *m);
/* Ctrl-C: unsubscribe (Expires: 0); a second call quits at once. */
void	watch_stop(void);
/* The exit status once the loop returned. */
int	watch_exit(void);
void	watch_free(void);

#endif
