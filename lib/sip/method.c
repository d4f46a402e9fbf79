/*
 * method.c - method names.
 */
#include <string.h>

#include "method.h"

static const char *const names[] = {
	NULL,
#define X(m)	#m,
	SIP_METHOD_MAP(X)
#undef X
};

static const unsigned char lens[] = {
	0,
#define X(m)	sizeof(#m) - 1,
	SIP_METHOD_MAP(X)
#undef X
};

/* Methods are case-sensitive (RFC 3261 7.1). */
enum sip_method
sip_method_lookup(struct slice s)
{
	int i;

	if (s.len < 3 || s.len > 9)
		return SIP_METHOD_OTHER;
	for (i = 1; i < SIP_METHOD__COUNT; i++)
		if (lens[i] == s.len && s.p[0] == names[i][0]) {
			size_t k = 1;

			while (k < s.len && s.p[k] == names[i][k])
				k++;
			if (k == s.len)
				return (enum sip_method)i;
		}
	return SIP_METHOD_OTHER;
}
