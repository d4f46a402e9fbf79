/*
 * method.h - the SIP methods sipbox knows by name.  Any token is a valid
 * method (RFC 3261 25.1: extension-method); unknown ones are
 * SIP_METHOD_OTHER and keep their name as a slice.
 */
#ifndef SIPBOX_METHOD_H
#define SIPBOX_METHOD_H

#include "slice.h"

#define SIP_METHOD_MAP(X)			\
	X(INVITE)	X(ACK)		X(BYE)		\
	X(CANCEL)	X(REGISTER)	X(OPTIONS)	\
	X(MESSAGE)	X(SUBSCRIBE)	X(NOTIFY)	\
	X(REFER)	X(INFO)		X(UPDATE)	\
	X(PRACK)	X(PUBLISH)

enum sip_method {
	SIP_METHOD_OTHER = 0,
#define X(m)	SIP_METHOD_##m,
	SIP_METHOD_MAP(X)
#undef X
	SIP_METHOD__COUNT
};

/* Case-sensitive, as RFC 3261 7.1 says methods are. */
enum sip_method	 sip_method_lookup(struct slice s);

#endif
