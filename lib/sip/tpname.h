/*
 * tpname.h - the transports SIP runs over, and their names as they appear
 * in Via (RFC 3261 18), ;transport= URI parameters and NAPTR services
 * (RFC 3263 4.1).  Shared by the resolver, the transports and the applets.
 */
#ifndef SIPBOX_TPNAME_H
#define SIPBOX_TPNAME_H

#include <stddef.h>

enum sip_tp {
	SIP_TP_NONE,	/* not chosen yet */
	SIP_TP_UDP,
	SIP_TP_TCP,
	SIP_TP_TLS,
	SIP_TP_SCTP,
	SIP_TP_WS,
	SIP_TP_WSS,
	SIP_TP_COUNT
};

/* "UDP", "TCP", "TLS", "SCTP", "WS", "WSS" (the Via spelling). */
const char	*sip_tp_name(enum sip_tp tp);
/* Case-insensitive lookup of a Via or ;transport= name; SIP_TP_NONE if unknown. */
enum sip_tp	 sip_tp_byname(const char *s, size_t n);
/* Reliable (stream) transports do no retransmission (RFC 3261 17.1.1.2). */
int		 sip_tp_reliable(enum sip_tp tp);
/* Secure transports: TLS, WSS (a sips: URI needs one). */
int		 sip_tp_secure(enum sip_tp tp);
/* The default port: 5060, or 5061 for TLS; 80/443 for WS/WSS (RFC 7118). */
int		 sip_tp_default_port(enum sip_tp tp);

#endif
