/* tpname.c - transport names and properties. */
#include <string.h>
#include <strings.h>

#include "tpname.h"

static const char *const names[SIP_TP_COUNT] = {
	"", "UDP", "TCP", "TLS", "SCTP", "WS", "WSS"
};

const char *
sip_tp_name(enum sip_tp tp)
{
	return (unsigned)tp < SIP_TP_COUNT ? names[tp] : "";
}

enum sip_tp
sip_tp_byname(const char *s, size_t n)
{
	for (int i = 1; i < SIP_TP_COUNT; i++)
		if (strlen(names[i]) == n && strncasecmp(s, names[i], n) == 0)
			return (enum sip_tp)i;
	return SIP_TP_NONE;
}

int
sip_tp_reliable(enum sip_tp tp)
{
	return tp != SIP_TP_UDP && tp != SIP_TP_NONE;
}

int
sip_tp_secure(enum sip_tp tp)
{
	return tp == SIP_TP_TLS || tp == SIP_TP_WSS;
}

int
sip_tp_default_port(enum sip_tp tp)
{
	switch (tp) {
	case SIP_TP_TLS:	return 5061;
	case SIP_TP_WS:		return 80;
	case SIP_TP_WSS:	return 443;
	default:		return 5060;
	}
}
