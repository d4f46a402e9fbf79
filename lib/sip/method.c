/*
 * method.c - method names.
 */
#include <string.h>

#include "method.h"

/*
 * Methods are case-sensitive (RFC 3261 7.1).  The length picks one or a
 * few, each compared whole; memcmp() with a constant length is a word
 * compare or two, with no call.  Keep in step with SIP_METHOD_MAP.
 */
enum sip_method
sip_method_lookup(struct slice s)
{
	const char *p = s.p;

#define IS(lit)	(memcmp(p, lit, sizeof(lit) - 1) == 0)
	switch (s.len) {
	case 3:
		if (IS("ACK"))
			return SIP_METHOD_ACK;
		if (IS("BYE"))
			return SIP_METHOD_BYE;
		break;
	case 4:
		if (IS("INFO"))
			return SIP_METHOD_INFO;
		break;
	case 5:
		if (IS("PRACK"))
			return SIP_METHOD_PRACK;
		if (IS("REFER"))
			return SIP_METHOD_REFER;
		break;
	case 6:
		if (IS("INVITE"))
			return SIP_METHOD_INVITE;
		if (IS("CANCEL"))
			return SIP_METHOD_CANCEL;
		if (IS("NOTIFY"))
			return SIP_METHOD_NOTIFY;
		if (IS("UPDATE"))
			return SIP_METHOD_UPDATE;
		break;
	case 7:
		if (IS("OPTIONS"))
			return SIP_METHOD_OPTIONS;
		if (IS("MESSAGE"))
			return SIP_METHOD_MESSAGE;
		if (IS("PUBLISH"))
			return SIP_METHOD_PUBLISH;
		break;
	case 8:
		if (IS("REGISTER"))
			return SIP_METHOD_REGISTER;
		break;
	case 9:
		if (IS("SUBSCRIBE"))
			return SIP_METHOD_SUBSCRIBE;
		break;
	}
#undef IS
	return SIP_METHOD_OTHER;
}
