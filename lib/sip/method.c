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

static int
is(struct slice s, int i)
{
	size_t k = 0;

	if (lens[i] != s.len)
		return 0;
	while (k < s.len && s.p[k] == names[i][k])
		k++;
	return k == s.len;
}

/*
 * Methods are case-sensitive (RFC 3261 7.1).  The first letter picks the
 * likely one (every response's CSeq is looked up); the table is the
 * word for any other.
 */
enum sip_method
sip_method_lookup(struct slice s)
{
	int i;

	if (s.len < 3 || s.len > 9)
		return SIP_METHOD_OTHER;
	switch (s.p[0]) {
	case 'A': i = SIP_METHOD_ACK; break;
	case 'B': i = SIP_METHOD_BYE; break;
	case 'C': i = SIP_METHOD_CANCEL; break;
	case 'I': i = s.len == 6 ? SIP_METHOD_INVITE : SIP_METHOD_INFO; break;
	case 'M': i = SIP_METHOD_MESSAGE; break;
	case 'N': i = SIP_METHOD_NOTIFY; break;
	case 'O': i = SIP_METHOD_OPTIONS; break;
	case 'P': i = s.len == 5 ? SIP_METHOD_PRACK : SIP_METHOD_PUBLISH; break;
	case 'R': i = s.len == 8 ? SIP_METHOD_REGISTER : SIP_METHOD_REFER; break;
	case 'S': i = SIP_METHOD_SUBSCRIBE; break;
	case 'U': i = SIP_METHOD_UPDATE; break;
	default: i = 0; break;
	}
	if (i != 0 && is(s, i))
		return (enum sip_method)i;
	for (i = 1; i < SIP_METHOD__COUNT; i++)
		if (s.p[0] == names[i][0] && is(s, i))
			return (enum sip_method)i;
	return SIP_METHOD_OTHER;
}
