/*
 * target.c - request targets as users write them.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "target.h"
#include "uri.h"

const char *
sip_target_urihost(const char *host, char *out, size_t n)
{
	if (strchr(host, ':') != NULL && host[0] != '[')
		snprintf(out, n, "[%s]", host);
	else
		snprintf(out, n, "%s", host);
	return out;
}

static void
make_ruri(struct sip_target *t)
{
	char h[SIP_NET_HOST_MAX + 2], port[8] = "";
	const char *tpp = "";

	sip_target_urihost(t->host, h, sizeof h);
	if (t->port)
		snprintf(port, sizeof port, ":%d", t->port);
	switch (t->tp) {
	case SIP_TP_TCP:	tpp = ";transport=tcp"; break;
	case SIP_TP_TLS:	tpp = ";transport=tls"; break;
	case SIP_TP_SCTP:	tpp = ";transport=sctp"; break;
	case SIP_TP_WS:		tpp = ";transport=ws"; break;
	case SIP_TP_WSS:	tpp = ";transport=wss"; break;
	default:		break;
	}
	snprintf(t->ruri, sizeof t->ruri, "sip:%s%s%s", h, port, tpp);
}

enum sip_err
sip_target_parse(struct sip_target *t, const char *s, const char **why)
{
	static const struct { const char *pfx; enum sip_tp tp; } schemes[] = {
		{ "udp:", SIP_TP_UDP }, { "tcp:", SIP_TP_TCP },
		{ "tls:", SIP_TP_TLS }, { "sctp:", SIP_TP_SCTP },
		{ "ws://", SIP_TP_WS }, { "wss://", SIP_TP_WSS },
	};
	struct sip_sockaddr sa;
	const char *rest = s;
	char hp[SIP_TARGET_MAX];

	memset(t, 0, sizeof *t);
	*why = NULL;
	if (strlen(s) >= SIP_TARGET_MAX) {
		*why = "target too long";
		return SIP_E_INVAL;
	}
	if (strncasecmp(s, "tel:", 4) == 0) {
		/* RFC 3966 3: a number, digits with + and visual separators,
		 * then ;parameters; the proxy reads the rest */
		size_t n = strspn(s + 4, "0123456789+-.()*#ABCDabcd");

		if (n == 0 || strspn(s + 4, "+-.()") == n ||
		    (s[4 + n] != '\0' && s[4 + n] != ';') ||
		    strpbrk(s, " \t\r\n<>\"") != NULL) {
			*why = "not a tel: URI (RFC 3966: tel:+NUMBER or a local "
			    "number with ;phone-context=)";
			return SIP_E_INVAL;
		}
		t->tel = 1;
		snprintf(t->ruri, sizeof t->ruri, "%s", s);
		return SIP_OK;
	}
	if (strncasecmp(s, "sip:", 4) == 0 || strncasecmp(s, "sips:", 5) == 0) {
		struct sip_uri u;
		struct sip_perr pe;

		if (sip_uri_parse(&u, slice_cstr(s), &pe) != SIP_OK) {
			*why = pe.why ? pe.why : "not a valid SIP URI";
			return SIP_E_INVAL;
		}
		t->sips = strncasecmp(s, "sips:", 5) == 0;
		if (slice_copy(u.host, t->host, sizeof t->host) != 0) {
			*why = "host too long";
			return SIP_E_INVAL;
		}
		if (t->host[0] == '[') {
			size_t n = strlen(t->host);

			memmove(t->host, t->host + 1, n - 2);
			t->host[n - 2] = '\0';
		}
		t->port = u.port;
		slice_copy(u.user, t->user, sizeof t->user);
		if (u.maddr.len > 0) {
			char m[SIP_NET_HOST_MAX];
			size_t n;

			if (slice_copy(u.maddr, m, sizeof m) != 0) {
				*why = "maddr too long";
				return SIP_E_INVAL;
			}
			n = strlen(m);
			if (m[0] == '[' && n > 2 && m[n - 1] == ']') {
				m[n - 1] = '\0';
				memmove(m, m + 1, n - 1);
			}
			snprintf(t->host, sizeof t->host, "%s", m);
		}
		if (u.ttl.len > 0) {
			uint32_t ttl;

			if (slice_to_u32(u.ttl, 255, &ttl) != 0) {
				*why = "bad ;ttl= in the URI (0-255)";
				return SIP_E_INVAL;
			}
			t->ttl = (int)ttl;
		}
		if (u.transport.len > 0) {
			t->tp = sip_tp_byname(u.transport.p, u.transport.len);
			if (t->tp == SIP_TP_NONE) {
				*why = "unknown ;transport= in the URI";
				return SIP_E_INVAL;
			}
		}
		if (t->sips) {
			if (t->tp == SIP_TP_NONE || t->tp == SIP_TP_TCP)
				t->tp = SIP_TP_TLS;
			else if (t->tp == SIP_TP_WS)
				t->tp = SIP_TP_WSS;
			else if (!sip_tp_secure(t->tp)) {
				*why = "a sips: URI needs a secure transport";
				return SIP_E_INVAL;
			}
		}
		snprintf(t->ruri, sizeof t->ruri, "%s", s);
		t->numeric = sip_net_numeric(t->host, 0, &sa) == SIP_OK;
		return SIP_OK;
	}
	for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
		if (strncasecmp(s, schemes[i].pfx, strlen(schemes[i].pfx)) == 0) {
			t->tp = schemes[i].tp;
			rest = s + strlen(schemes[i].pfx);
			break;
		}
	snprintf(hp, sizeof hp, "%s", rest);
	if (t->tp == SIP_TP_WS || t->tp == SIP_TP_WSS) {
		char *slash = strchr(hp, '/');

		snprintf(t->path, sizeof t->path, "%s", slash ? slash : "/");
		if (slash)
			*slash = '\0';
	}
	if (strchr(hp, '@') != NULL || strchr(hp, ';') != NULL ||
	    strchr(hp, '/') != NULL) {
		*why = "expected host[:port] (or a sip: URI)";
		return SIP_E_INVAL;
	}
	if (sip_net_hostport(hp, t->host, sizeof t->host, &t->port) != SIP_OK) {
		*why = "expected host[:port] with a port from 1 to 65535";
		return SIP_E_INVAL;
	}
	t->numeric = sip_net_numeric(t->host, 0, &sa) == SIP_OK;
	if (t->tp == SIP_TP_TLS)
		t->sips = 0;
	make_ruri(t);
	return SIP_OK;
}
