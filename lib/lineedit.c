/*
 * lineedit.c - readline or libedit, chosen at build time.
 */
#include <stdio.h>

#if defined(HAVE_READLINE)
#include <readline/readline.h>
#elif defined(HAVE_LIBEDIT)
#include <editline/readline.h>
#endif

#include "lineedit.h"

const char *
sip_le_version(void)
{
#if defined(HAVE_READLINE)
	static char v[64];

	snprintf(v, sizeof(v), "GNU readline %s", rl_library_version);
	return v;
#elif defined(HAVE_LIBEDIT)
	static char v[64];

	snprintf(v, sizeof(v), "libedit (%s)",
	    rl_library_version ? rl_library_version : "unknown");
	return v;
#else
	return "none";
#endif
}
