/*
 * priv.h - giving up root after the privileged part of a job is done
 * (opening a live capture), the way tcpdump -Z and OpenBSD daemons do.
 */
#ifndef SIPBOX_PRIV_H
#define SIPBOX_PRIV_H

#include <stddef.h>

#include "err.h"

/*
 * When the process runs as root (real or effective user ID 0), become
 * user (its user ID, its primary group, no supplementary groups), set
 * no_new_privs where the system has it, and check that root cannot be
 * regained.  *dropped says whether anything was done (0 when not root).
 * Returns SIP_OK; SIP_E_INVAL when user does not exist or is root
 * itself; SIP_E_SYS when a step failed or root could be regained (err
 * says which; the process must not go on).
 */
enum sip_err	sip_priv_drop(const char *user, int *dropped, char *err,
		    size_t errsz);

#endif
