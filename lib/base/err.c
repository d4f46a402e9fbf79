/*
 * err.c - error messages and the exit-status table.
 */
#include "err.h"

static const struct {
	int		 exit;
	const char	*msg;
} errtab[] = {
#define X(name, code, msg)	{ code, msg },
	SIP_ERR_MAP(X)
#undef X
};

const char *
sip_err_str(enum sip_err e)
{
	if ((unsigned)e >= SIP_ERR_COUNT)
		return "unknown error";
	return errtab[e].msg;
}

int
sip_err_exit(enum sip_err e)
{
	if ((unsigned)e >= SIP_ERR_COUNT)
		return SIP_EXIT_INVALID;
	return errtab[e].exit;
}

int
sip_status_exit(int code)
{
	if (code >= 200 && code < 300)
		return SIP_EXIT_OK;
	if (code >= 300 && code < 700)
		return code / 100;
	return SIP_EXIT_INVALID;
}
