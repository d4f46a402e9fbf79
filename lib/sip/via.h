/*
 * via.h - one Via header value (RFC 3261 20.42, 25.1; RFC 3581 rport):
 *   via-parm = sent-protocol LWS sent-by *( SEMI via-params )
 *
 * One value at a time: split comma lists with sip_msg_values().  LWS is
 * allowed around '/', ':' and ';' as the grammar says.  Zero-copy.
 */
#ifndef SIPBOX_VIA_H
#define SIPBOX_VIA_H

#include <stdint.h>

#include "err.h"
#include "msg.h"
#include "param.h"
#include "slice.h"
#include "uri.h"

struct sip_via {
	struct slice		 proto;		/* "SIP" */
	struct slice		 version;	/* "2.0" */
	struct slice		 transport;	/* "UDP", "TLS", any token */
	struct slice		 host;		/* IPv6 keeps its brackets */
	enum sip_uri_host	 host_type;
	uint16_t		 port;
	unsigned char		 has_port;
	unsigned char		 has_rport;	/* ;rport, valued or not */
	struct slice		 branch, received, rport, maddr, ttl;
	struct sip_params	 params;	/* every parameter, in order */
};

/*
 * Parse one Via value s into v.  SIP_OK, SIP_E_PARSE with pe->off from
 * s.p and a static reason, or SIP_E_TOOBIG (too many parameters).  The
 * slices in v borrow from s.  pe may be NULL.
 */
enum sip_err	sip_via_parse(struct sip_via *v, struct slice s,
		    struct sip_perr *pe);
/*
 * Only the parameters of s, from offset i on, where i is the first ';'
 * of s or its end and sip_via_parse() took the sent-protocol and
 * sent-by before it (the same bytes, maybe of another value): the
 * parameters, branch, received, rport, maddr and ttl; the rest of v
 * empty.  As sip_via_parse() for a value whose start is good.
 */
enum sip_err	sip_via_parse_params(struct sip_via *v, struct slice s,
		    size_t i, struct sip_perr *pe);

#endif
