/*
 * trace.h - the -v trace of SIP messages (cmd/trace.c).
 */
#ifndef SIPBOX_TRACE_H
#define SIPBOX_TRACE_H

#include <stddef.h>

#include "net.h"
#include "tpname.h"

/*
 * With -v, print one message sent ('>') or received ('<') on stderr the
 * way curl -v does; Authorization and Proxy-Authorization responses are
 * shown as "***".
 */
void	trace_msg(char dir, const char *data, size_t len, int retrans,
	    enum sip_tp tp, const struct sip_sockaddr *peer);

#endif
