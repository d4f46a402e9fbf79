/*
 * dns.c - what c-ares 1.18 does not give us: a bounded parser of DNS
 * answers (RFC 1035 4.1, 3.2, 4.1.4 compression) with each record's TTL,
 * for A/AAAA/SRV/NAPTR/CNAME rdata (RFC 1035 3.3, RFC 3596, RFC 2782,
 * RFC 3403 4.1); the check of a name we may ask for; a server's syntax.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dns.h"

#define HDR_LEN		12
#define QR_BIT		0x8000u
#define OPCODE_MASK	0x7800u
#define TC_BIT		0x0200u
#define RD_BIT		0x0100u
#define CLASS_IN	1

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* A label byte that text can carry without escapes. */
static int
label_byte_ok(unsigned c)
{
	return c > ' ' && c < 0x7f && c != '.' && c != '\\';
}

enum sip_err
sip_dns_name_check(const char *name)
{
	size_t n = strlen(name), wire = 1;
	const char *p = name, *dot;

	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n == 0)
		return SIP_E_INVAL;
	if (n > SIP_DNS_MAX_NAME)
		return SIP_E_TOOBIG;
	while (p < name + n) {
		size_t l;

		dot = memchr(p, '.', (size_t)(name + n - p));
		l = dot != NULL ? (size_t)(dot - p) : (size_t)(name + n - p);
		if (l == 0 || l > 63)
			return SIP_E_INVAL;
		for (size_t i = 0; i < l; i++)
			if (!label_byte_ok((unsigned char)p[i]))
				return SIP_E_INVAL;
		wire += l + 1;
		p += l + (dot != NULL);
		if (dot != NULL && p == name + n)
			return SIP_E_INVAL;	/* "a..": empty last label */
	}
	return wire > 255 ? SIP_E_TOOBIG : SIP_OK;
}

/*
 * Decode the name at *off into out (SIP_DNS_NAME_SIZE bytes) and move
 * *off past it in the record stream.  Every pointer must point before the
 * start of the labels it was reached from, so the walk always ends.
 */
static enum sip_err
get_name(const uint8_t *p, size_t n, size_t *off, char *out)
{
	size_t pos = *off, low = *off, o = 0, wire = 1;
	int jumped = 0, ptrs = 0;

	for (;;) {
		unsigned c;

		if (pos >= n)
			return SIP_E_PARSE;
		c = p[pos];
		if ((c & 0xc0) == 0xc0) {
			size_t to;

			if (pos + 1 >= n || ++ptrs > SIP_DNS_MAX_PTRS)
				return SIP_E_PARSE;
			to = (size_t)(c & 0x3f) << 8 | p[pos + 1];
			if (to >= low)
				return SIP_E_PARSE;
			if (!jumped)
				*off = pos + 2;
			jumped = 1;
			pos = low = to;
			continue;
		}
		if ((c & 0xc0) != 0)
			return SIP_E_PARSE;	/* 01 and 10: extended labels */
		if (c == 0) {
			if (!jumped)
				*off = pos + 1;
			out[o] = '\0';
			return SIP_OK;
		}
		if (pos + 1 + c > n)
			return SIP_E_PARSE;
		wire += c + 1;
		if (wire > 255)
			return SIP_E_PARSE;
		if (o > 0)
			out[o++] = '.';
		for (unsigned i = 0; i < c; i++) {
			if (!label_byte_ok(p[pos + 1 + i]))
				return SIP_E_PARSE;
			out[o++] = (char)p[pos + 1 + i];
		}
		pos += 1 + c;
	}
}

/* A character-string (RFC 1035 3.3) inside [*off, end). */
static enum sip_err
get_string(const uint8_t *p, size_t end, size_t *off, struct slice *s)
{
	size_t l;

	if (*off >= end)
		return SIP_E_PARSE;
	l = p[*off];
	if (*off + 1 + l > end)
		return SIP_E_PARSE;
	*s = slice_make((const char *)p + *off + 1, l);
	*off += 1 + l;
	return SIP_OK;
}

/* The rdata of rr at [off, end); names inside must end exactly at end. */
static enum sip_err
get_rdata(struct sip_dns_rr *rr, const uint8_t *p, size_t off, size_t end)
{
	size_t len = end - off;
	enum sip_err e;

	switch (rr->type) {
	case SIP_DNS_A:
		if (len != 4)
			return SIP_E_PARSE;
		memcpy(rr->u.a, p + off, 4);
		return SIP_OK;
	case SIP_DNS_AAAA:
		if (len != 16)
			return SIP_E_PARSE;
		memcpy(rr->u.aaaa, p + off, 16);
		return SIP_OK;
	case SIP_DNS_CNAME:
		if ((e = get_name(p, end, &off, rr->u.cname)) != SIP_OK)
			break;
		return off == end ? SIP_OK : SIP_E_PARSE;
	case SIP_DNS_SRV:
		if (len < 7)
			return SIP_E_PARSE;
		rr->u.srv.prio = get16(p + off);
		rr->u.srv.weight = get16(p + off + 2);
		rr->u.srv.port = get16(p + off + 4);
		off += 6;
		if ((e = get_name(p, end, &off, rr->u.srv.target)) != SIP_OK)
			break;
		return off == end ? SIP_OK : SIP_E_PARSE;
	case SIP_DNS_NAPTR:
		if (len < 7)
			return SIP_E_PARSE;
		rr->u.naptr.order = get16(p + off);
		rr->u.naptr.pref = get16(p + off + 2);
		off += 4;
		if ((e = get_string(p, end, &off, &rr->u.naptr.flags)) ||
		    (e = get_string(p, end, &off, &rr->u.naptr.service)) ||
		    (e = get_string(p, end, &off, &rr->u.naptr.regexp)) ||
		    (e = get_name(p, end, &off, rr->u.naptr.repl)))
			break;
		return off == end ? SIP_OK : SIP_E_PARSE;
	default:
		return SIP_OK;
	}
	return e;
}

static enum sip_err
parse(struct sip_dns_msg *m, const uint8_t *p, size_t n)
{
	unsigned an;
	size_t off = HDR_LEN;
	enum sip_err e;

	m->n = 0;
	m->qname[0] = '\0';
	m->qtype = m->qclass = 0;
	if (n < HDR_LEN)
		return SIP_E_PARSE;
	m->id = get16(p);
	m->flags = get16(p + 2);
	m->rcode = m->flags & 0xf;
	m->tc = (m->flags & TC_BIT) != 0;
	m->qdcount = get16(p + 4);
	an = get16(p + 6);
	if (!(m->flags & QR_BIT) || (m->flags & OPCODE_MASK) != 0 ||
	    m->qdcount > 1)
		return SIP_E_PARSE;
	if (m->qdcount == 1) {
		if ((e = get_name(p, n, &off, m->qname)) != SIP_OK)
			return e;
		if (off + 4 > n)
			return SIP_E_PARSE;
		m->qtype = get16(p + off);
		m->qclass = get16(p + off + 2);
		off += 4;
	}
	if (m->tc)
		return SIP_OK;
	if (an > SIP_DNS_MAX_RR)
		return SIP_E_TOOBIG;
	for (unsigned i = 0; i < an; i++) {
		struct sip_dns_rr *rr = &m->rr[m->n];
		uint16_t rclass;
		size_t rdlen;

		if ((e = get_name(p, n, &off, rr->name)) != SIP_OK)
			return e;
		if (off + 10 > n)
			return SIP_E_PARSE;
		rr->type = get16(p + off);
		rclass = get16(p + off + 2);
		rr->ttl = get32(p + off + 4);
		if (rr->ttl > 0x7fffffffu)
			rr->ttl = 0;		/* RFC 2181 8 */
		rdlen = get16(p + off + 8);
		off += 10;
		if (off + rdlen > n)
			return SIP_E_PARSE;
		if ((e = get_rdata(rr, p, off, off + rdlen)) != SIP_OK)
			return e;
		off += rdlen;
		if (rclass != CLASS_IN)
			continue;
		switch (rr->type) {
		case SIP_DNS_A: case SIP_DNS_AAAA: case SIP_DNS_CNAME:
		case SIP_DNS_SRV: case SIP_DNS_NAPTR:
			m->n++;
			break;
		default:
			break;
		}
	}
	return SIP_OK;
}

enum sip_err
sip_dns_parse(struct sip_dns_msg *m, const uint8_t *p, size_t n)
{
	enum sip_err e = parse(m, p, n);

	if (e != SIP_OK)
		m->n = 0;
	return e;
}

const char *
sip_dns_type_name(uint16_t type)
{
	static char other[16];

	switch (type) {
	case SIP_DNS_A:		return "A";
	case SIP_DNS_AAAA:	return "AAAA";
	case SIP_DNS_CNAME:	return "CNAME";
	case SIP_DNS_SRV:	return "SRV";
	case SIP_DNS_NAPTR:	return "NAPTR";
	case SIP_DNS_OPT:	return "OPT";
	default:
		snprintf(other, sizeof(other), "TYPE%u", type);
		return other;
	}
}

void
sip_dns_rr_format(const struct sip_dns_rr *rr, char *out, size_t cap)
{
	const struct sip_dns_naptr *np = &rr->u.naptr;

	if (cap == 0)
		return;
	out[0] = '\0';
	switch (rr->type) {
	case SIP_DNS_A:
		inet_ntop(AF_INET, rr->u.a, out, (socklen_t)cap);
		break;
	case SIP_DNS_AAAA:
		inet_ntop(AF_INET6, rr->u.aaaa, out, (socklen_t)cap);
		break;
	case SIP_DNS_CNAME:
		snprintf(out, cap, "%s", rr->u.cname);
		break;
	case SIP_DNS_SRV:
		snprintf(out, cap, "%u %u %u %s", rr->u.srv.prio,
		    rr->u.srv.weight, rr->u.srv.port,
		    rr->u.srv.target[0] ? rr->u.srv.target : ".");
		break;
	case SIP_DNS_NAPTR:
		snprintf(out, cap, "%u %u \"" SLICE_FMT "\" \"" SLICE_FMT
		    "\" \"" SLICE_FMT "\" %s", np->order, np->pref,
		    SLICE_ARG(np->flags), SLICE_ARG(np->service),
		    SLICE_ARG(np->regexp), np->repl[0] ? np->repl : ".");
		break;
	default:
		break;
	}
}

/* Servers. */

enum sip_err
sip_dns_server_parse(const char *spec, struct sockaddr_storage *ss,
    socklen_t *len)
{
	char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	const char *port = NULL, *end, *colon;
	unsigned long pn = 53;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	char *pct, *ep;
	size_t hl;

	if (spec[0] == '[') {
		if ((end = strchr(spec, ']')) == NULL)
			return SIP_E_INVAL;
		spec++;
		if (end[1] == ':')
			port = end + 2;
		else if (end[1] != '\0')
			return SIP_E_INVAL;
	} else if ((colon = strchr(spec, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL) {
		end = colon;
		port = colon + 1;
	} else
		end = spec + strlen(spec);
	hl = (size_t)(end - spec);
	if (hl == 0 || hl >= sizeof(host))
		return SIP_E_INVAL;
	memcpy(host, spec, hl);
	host[hl] = '\0';
	if (port != NULL) {
		if (*port < '0' || *port > '9')
			return SIP_E_INVAL;
		errno = 0;
		pn = strtoul(port, &ep, 10);
		if (errno != 0 || *ep != '\0' || pn == 0 || pn > 65535)
			return SIP_E_INVAL;
	}
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)pn);
		*len = sizeof(*s4);
		return SIP_OK;
	}
	if ((pct = strchr(host, '%')) != NULL) {
		*pct++ = '\0';
		if ((s6->sin6_scope_id = if_nametoindex(pct)) == 0)
			return SIP_E_INVAL;
	}
	if (inet_pton(AF_INET6, host, &s6->sin6_addr) != 1)
		return SIP_E_INVAL;
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons((uint16_t)pn);
	*len = sizeof(*s6);
	return SIP_OK;
}
