/*
 * err.h - the library's error codes and the one exit-status table.
 *
 * Every fallible function in lib/ returns enum sip_err; SIP_OK is 0.  Each
 * row names the error, the exit status the command line uses for it, and
 * a message.  Nothing else in sipbox chooses exit numbers.
 */
#ifndef SIPBOX_ERR_H
#define SIPBOX_ERR_H

/* Exit statuses, the same in every applet (README, every man page). */
#define SIP_EXIT_OK		0	/* success, a 2xx final response */
#define SIP_EXIT_INVALID	1	/* invalid input: parse or lint failure */
#define SIP_EXIT_USAGE		2	/* usage error */
#define SIP_EXIT_3XX		3
#define SIP_EXIT_4XX		4
#define SIP_EXIT_5XX		5
#define SIP_EXIT_6XX		6
#define SIP_EXIT_TIMEOUT	7	/* no final response before the timeout */
#define SIP_EXIT_NET		8	/* network, DNS or TLS failure */
#define SIP_EXIT_OUTPUT		9	/* could not write output */

#define SIP_ERR_MAP(X)							\
	X(OK,		0, "success")					\
	X(E_PARSE,	1, "malformed input")				\
	X(E_PARTIAL,	1, "incomplete message")			\
	X(E_TOOBIG,	1, "a limit was exceeded")			\
	X(E_INVAL,	2, "invalid argument")				\
	X(E_NOMEM,	8, "out of memory")				\
	X(E_SYS,	8, "system error")				\
	X(E_TIMEOUT,	7, "no final response before the timeout")	\
	X(E_NET,	8, "network error")				\
	X(E_REFUSED,	8, "connection refused")			\
	X(E_DNS,	8, "name resolution failed")			\
	X(E_TLS,	8, "TLS failure")				\
	X(E_AUTH,	4, "authentication failed")			\
	X(E_STATE,	2, "invalid state")				\
	X(E_NOTFOUND,	1, "not found")					\
	X(E_UNSUPP,	2, "not supported")				\
	X(E_CLOSED,	8, "connection closed by peer")			\
	X(E_RANDOM,	8, "no random bytes: the entropy source failed")

enum sip_err {
#define X(name, code, msg)	SIP_##name,
	SIP_ERR_MAP(X)
#undef X
	SIP_ERR_COUNT
};

/* A static message for e. */
const char	*sip_err_str(enum sip_err e);
/* The exit status for a library error. */
int		 sip_err_exit(enum sip_err e);
/* The exit status for a final response code: 2xx 0, 3xx-6xx 3-6. */
int		 sip_status_exit(int code);

#endif
