/*
 * method.c - method names.
 */
#include "method.h"

static const char *const names[] = {
	NULL,
#define X(m)	#m,
	SIP_METHOD_MAP(X)
#undef X
};

enum sip_method
sip_method_lookup(struct slice s)
{
	int i;

	if (s.len < 3 || s.len > 9)
		return SIP_METHOD_OTHER;
	for (i = 1; i < SIP_METHOD__COUNT; i++)
		if (s.p[0] == names[i][0] && slice_eq_cstr(s, names[i]))
			return (enum sip_method)i;
	return SIP_METHOD_OTHER;
}

const char *
sip_method_name(enum sip_method m)
{
	if (m <= SIP_METHOD_OTHER || m >= SIP_METHOD__COUNT)
		return NULL;
	return names[m];
}
