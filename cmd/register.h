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
#include "reginfo.h"
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
	/*
	 * Route values after it (a registration's Service-Route, RFC 3608),
	 * NULL-terminated, or NULL; read for each new subscription
	 */
	const char *const	*routes;
	const char		*user_agent;
	const char		*user;		/* digest username, or NULL */
	const char		*password;	/* or NULL */
	const char		*ha1;		/* or NULL */
	uint32_t		 expires;	/* --expires */
	int			 json;
	/* called when the watch is over, instead of stopping the loop */
	void			(*ended)(void);
	/*
	 * NULL, or called for each contact a NOTIFY changed: its URI, the
	 * event (RFC 3680 5.1) and retry-after in seconds (0 without)
	 */
	void			(*contact)(const char *uri,
				    enum sip_reginfo_event ev,
				    uint64_t retry_after);
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
/*
 * env->routes or env->cl changed (a registration refresh brought a new
 * Service-Route, RFC 3608 6): end the subscription within its dialog
 * and make a new one, routed as the environment now says.
 */
void	watch_reroute(void);
/* Ctrl-C: unsubscribe (Expires: 0); a second call quits at once. */
void	watch_stop(void);
/* The exit status once the loop returned. */
int	watch_exit(void);
void	watch_free(void);

/*
 * The load mode (--users): many registrations at once, each a REGISTER,
 * its challenge answered and the 200, on the one endpoint; a summary at
 * the end (registrations a second, round trips, time to 200, failures).
 */
#define LOAD_MAXCONC	SIP_EP_MAXCLIENT	/* in flight at once */

struct load_opts {
	const char	*users;		/* FILE or PATTERN */
	long		 count;
	double		 duration;
	double		 rate;
	long		 concurrency;
};

extern struct load_opts lopt;

#define LOAD_OPTIONS \
	OPT_GROUP("Load"), \
	OPT_ROW(OPT_T_STR, 0, "users", &lopt.users, "FILE|PATTERN", \
	    "load mode: register each user of FILE ('user password' lines) or of a pattern (alice{1..1000}, one password)", \
	    .comp = OPT_C_FILE, .flags = OPT_SECRET), \
	OPT_INT('c', "count", &lopt.count, "N", 1, 1000000000L, \
	    "load mode: N registrations in all (default one a user)"), \
	OPT_DBL(0, "duration", &lopt.duration, "SECONDS", 0.001, 86400, \
	    "load mode: start registrations for this long"), \
	OPT_DBL(0, "rate", &lopt.rate, "R", 0.001, 1000000, \
	    "load mode: start R registrations a second (default: as --concurrency allows)"), \
	OPT_INT(0, "concurrency", &lopt.concurrency, "N", 1, LOAD_MAXCONC, \
	    "load mode: registrations in flight at once (default 64)")

/*
 * The AOR operand of the load mode is the users' domain: a stand-in AOR
 * of it for sip-register's own parsing (a static buffer).  Exits 2 when
 * it is not a domain.
 */
const char	*load_aor(const char *domain);
/*
 * --users: the users and their passwords (a file's, or a pattern's one
 * password from SIPBOX_PASSWORD, --password-file or a prompt); each AOR
 * is sip:USER@domain.  Exits on a bad file or pattern.
 */
void	load_users(void);
/* Start the run; the loop stops when it is over. */
void	load_start(const struct reg_env *env);
/* Ctrl-C: start no more; a second one quits at once. */
void	load_stop(void);
/* Print the summary; the exit status. */
int	load_exit(void);
void	load_free(void);

#endif
