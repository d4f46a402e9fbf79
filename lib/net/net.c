/*
 * net.c - socket address helpers.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

enum sip_err
sip_net_hostport(const char *s, char *host, size_t hostsz, int *port)
{
	const char *h = s, *he, *p = NULL;
	size_t hl;

	*port = 0;
	if (*s == '[') {
		he = strchr(s, ']');
		if (he == NULL)
			return SIP_E_INVAL;
		h = s + 1;
		if (he[1] == ':')
			p = he + 2;
		else if (he[1] != '\0')
			return SIP_E_INVAL;
	} else {
		const char *c = strchr(s, ':');

		if (c != NULL && strchr(c + 1, ':') != NULL) {
			he = s + strlen(s);	/* a bare IPv6 literal */
		} else if (c != NULL) {
			he = c;
			p = c + 1;
		} else {
			he = s + strlen(s);
		}
	}
	hl = (size_t)(he - h);
	if (hl == 0 || hl >= hostsz)
		return SIP_E_INVAL;
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (p != NULL) {
		char *end;
		long v = strtol(p, &end, 10);

		if (*p == '\0' || *end != '\0' || v < 1 || v > 65535)
			return SIP_E_INVAL;
		*port = (int)v;
	}
	return SIP_OK;
}

enum sip_err
sip_net_numeric(const char *host, int port, struct sip_sockaddr *out)
{
	char h[SIP_NET_HOST_MAX];
	size_t n = strlen(host);

	if (host[0] == '[' && n >= 2 && host[n - 1] == ']') {
		if (n - 2 >= sizeof h)
			return SIP_E_INVAL;
		memcpy(h, host + 1, n - 2);
		h[n - 2] = '\0';
	} else if (n < sizeof h) {
		memcpy(h, host, n + 1);
	} else {
		return SIP_E_INVAL;
	}
	memset(out, 0, sizeof *out);
	struct sockaddr_in *s4 = (struct sockaddr_in *)&out->ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&out->ss;

	if (inet_pton(AF_INET, h, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		out->len = sizeof *s4;
		return SIP_OK;
	}
	if (inet_pton(AF_INET6, h, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		out->len = sizeof *s6;
		return SIP_OK;
	}
	return SIP_E_INVAL;
}

int
sip_net_lookup(const char *host, int port, int family,
    struct sip_sockaddr *out, int max, const char **why)
{
	struct addrinfo hints, *res = NULL, *ai;
	int n = 0, rc;

	if (sip_net_numeric(host, port, out) == SIP_OK) {
		int f = out->ss.ss_family;

		if (family == AF_UNSPEC || family == f)
			return 1;
		*why = family == AF_INET ? "not an IPv4 address" :
		    "not an IPv6 address";
		return 0;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = family;
	hints.ai_socktype = SOCK_DGRAM;
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0) {
		*why = gai_strerror(rc);
		return 0;
	}
	for (ai = res; ai != NULL && n < max; ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof out[n].ss)
			continue;
		memset(&out[n], 0, sizeof out[n]);
		memcpy(&out[n].ss, ai->ai_addr, ai->ai_addrlen);
		out[n].len = ai->ai_addrlen;
		sip_net_set_port(&out[n], port);
		n++;
	}
	freeaddrinfo(res);
	if (n == 0)
		*why = "no address of the wanted family";
	return n;
}

int
sip_net_port(const struct sip_sockaddr *a)
{
	if (a->ss.ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)&a->ss)->sin_port);
	if (a->ss.ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&a->ss)->sin6_port);
	return 0;
}

void
sip_net_set_port(struct sip_sockaddr *a, int port)
{
	if (a->ss.ss_family == AF_INET)
		((struct sockaddr_in *)&a->ss)->sin_port = htons((uint16_t)port);
	else if (a->ss.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&a->ss)->sin6_port =
		    htons((uint16_t)port);
}

int
sip_net_host(const struct sip_sockaddr *a, char *out, size_t n)
{
	const void *p = NULL;

	if (a->ss.ss_family == AF_INET)
		p = &((const struct sockaddr_in *)&a->ss)->sin_addr;
	else if (a->ss.ss_family == AF_INET6)
		p = &((const struct sockaddr_in6 *)&a->ss)->sin6_addr;
	if (p == NULL || inet_ntop(a->ss.ss_family, p, out,
	    (socklen_t)n) == NULL)
		snprintf(out, n, "?");
	return sip_net_port(a);
}

const char *
sip_net_str(const struct sip_sockaddr *a, char *out, size_t n)
{
	char h[INET6_ADDRSTRLEN];
	int port = sip_net_host(a, h, sizeof h);

	if (a->ss.ss_family == AF_INET6)
		snprintf(out, n, "[%s]:%d", h, port);
	else
		snprintf(out, n, "%s:%d", h, port);
	return out;
}

int
sip_net_equal(const struct sip_sockaddr *a, const struct sip_sockaddr *b)
{
	if (a->ss.ss_family != b->ss.ss_family)
		return 0;
	if (a->ss.ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)&a->ss,
		    *y = (const void *)&b->ss;

		return x->sin_port == y->sin_port &&
		    x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)&a->ss,
		    *y = (const void *)&b->ss;

		return x->sin6_port == y->sin6_port &&
		    memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
	}
	return 0;
}

int
sip_net_is_multicast(const struct sip_sockaddr *a)
{
	if (a->ss.ss_family == AF_INET)
		return IN_MULTICAST(ntohl(
		    ((const struct sockaddr_in *)&a->ss)->sin_addr.s_addr));
	if (a->ss.ss_family == AF_INET6)
		return IN6_IS_ADDR_MULTICAST(
		    &((const struct sockaddr_in6 *)&a->ss)->sin6_addr);
	return 0;
}


int
sip_net_is_any(const struct sip_sockaddr *a)
{
	if (a->ss.ss_family == AF_INET)
		return ((const struct sockaddr_in *)&a->ss)->sin_addr.s_addr ==
		    htonl(INADDR_ANY);
	if (a->ss.ss_family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(
		    &((const struct sockaddr_in6 *)&a->ss)->sin6_addr);
	return 0;
}
