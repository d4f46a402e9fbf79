/*
 * priv.c - drop root: setgroups(2), setresgid(2), setresuid(2), then
 * prove it took (POSIX setuid(0) must fail for an unprivileged process).
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "priv.h"

enum sip_err
sip_priv_drop(const char *user, int *dropped, char *err, size_t errsz)
{
	struct passwd *pw;
	uid_t uid, ru, eu, su;
	gid_t gid, rg, eg, sg;

	*dropped = 0;
	if (getuid() != 0 && geteuid() != 0)
		return SIP_OK;
	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errsz, "no user '%s'%s%s", user,
		    errno ? ": " : "", errno ? strerror(errno) : "");
		return SIP_E_INVAL;
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (uid == 0) {
		snprintf(err, errsz, "user '%s' is root; nothing would be "
		    "given up", user);
		return SIP_E_INVAL;
	}
	/* Groups first: after setresuid there is no right to change them. */
	if (setgroups(1, &gid) != 0) {
		snprintf(err, errsz, "setgroups: %s", strerror(errno));
		return SIP_E_SYS;
	}
	if (setresgid(gid, gid, gid) != 0) {
		snprintf(err, errsz, "setresgid %lu: %s", (unsigned long)gid,
		    strerror(errno));
		return SIP_E_SYS;
	}
	if (setresuid(uid, uid, uid) != 0) {
		snprintf(err, errsz, "setresuid %lu: %s", (unsigned long)uid,
		    strerror(errno));
		return SIP_E_SYS;
	}
#ifdef PR_SET_NO_NEW_PRIVS
	/* No set-user-ID program run from here can bring root back. */
	(void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
#endif
	if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0 ||
	    ru != uid || eu != uid || su != uid || rg != gid || eg != gid ||
	    sg != gid) {
		snprintf(err, errsz, "user and group IDs did not change");
		return SIP_E_SYS;
	}
	if (setuid(0) == 0 || seteuid(0) == 0) {
		snprintf(err, errsz, "root could be regained after the drop");
		return SIP_E_SYS;
	}
	*dropped = 1;
	return SIP_OK;
}
