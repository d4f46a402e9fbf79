/*
 * dns.h - DNS answers read our own way (RFC 1035), for RFC 3263.
 *
 * c-ares (lib/resolve.c) asks the questions; what it does not give is
 * here: answers parsed with every bound checked (a malformed answer is
 * SIP_E_PARSE, never a read outside the packet; compression pointers
 * must point strictly backwards, so a loop cannot happen) and with each
 * record's TTL and owner, so that the resolver can follow CNAMEs and
 * keep NAPTR and SRV answers for their TTL; the check of a name before
 * it is asked; the syntax of a server's address.  Nothing here prints.
 */
#ifndef SIPBOX_DNS_H
#define SIPBOX_DNS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "bounds.h"
#include "err.h"
#include "slice.h"

enum sip_dns_type {
	SIP_DNS_A	= 1,
	SIP_DNS_CNAME	= 5,
	SIP_DNS_AAAA	= 28,
	SIP_DNS_SRV	= 33,
	SIP_DNS_NAPTR	= 35,
	SIP_DNS_OPT	= 41
};

/* Response codes (RFC 1035 4.1.1) that callers look at. */
#define SIP_DNS_NOERROR		0
#define SIP_DNS_FORMERR		1
#define SIP_DNS_NXDOMAIN	3

/* A name as text: labels joined by dots, no trailing dot, "" for the root. */
#define SIP_DNS_NAME_SIZE	(SIP_DNS_MAX_NAME + 1)

struct sip_dns_srv {
	uint16_t	 prio;
	uint16_t	 weight;
	uint16_t	 port;
	char		 target[SIP_DNS_NAME_SIZE];	/* "": no service */
};

struct sip_dns_naptr {
	uint16_t	 order;
	uint16_t	 pref;
	struct slice	 flags;		/* character-strings: slices into */
	struct slice	 service;	/* the packet, valid while it is */
	struct slice	 regexp;
	char		 repl[SIP_DNS_NAME_SIZE];	/* "": none (".") */
};

/* One answer record of a type we know; others are checked and skipped. */
struct sip_dns_rr {
	char		 name[SIP_DNS_NAME_SIZE];	/* owner */
	uint16_t	 type;		/* enum sip_dns_type */
	uint32_t	 ttl;
	union {
		uint8_t			a[4];
		uint8_t			aaaa[16];
		char			cname[SIP_DNS_NAME_SIZE];
		struct sip_dns_srv	srv;
		struct sip_dns_naptr	naptr;
	} u;
};

/* A parsed response: the header, the question and the answer section. */
struct sip_dns_msg {
	uint16_t	 id;
	uint16_t	 flags;		/* the header's second word */
	unsigned	 rcode;		/* SIP_DNS_NOERROR, ... */
	int		 tc;		/* truncated: records not read */
	unsigned	 qdcount;	/* 0 or 1 */
	char		 qname[SIP_DNS_NAME_SIZE];
	uint16_t	 qtype;
	uint16_t	 qclass;
	unsigned	 n;		/* records in rr (IN, known types) */
	struct sip_dns_rr rr[SIP_DNS_MAX_RR];
};

/*
 * Whether name (dotted text, one trailing dot allowed) may be asked:
 * SIP_E_INVAL for a name that is empty or has an empty, over-long (63)
 * or odd label (bytes outside '!'..'~', or '\\'), SIP_E_TOOBIG for one
 * over 255 bytes on the wire.
 */
enum sip_err	sip_dns_name_check(const char *name);

/*
 * Parse a response of n bytes.  Names are decoded into m; NAPTR strings
 * are slices into p.  Only the answer section is read (and not at all
 * when the TC bit is set).  SIP_E_PARSE for anything malformed: a
 * question or record past the end, a bad label or pointer, a name over
 * 255 bytes, an rdata length that disagrees with its contents, more
 * than one question, a query instead of a response.  SIP_E_TOOBIG when
 * there are more than SIP_DNS_MAX_RR answer records.  Names with bytes
 * that text cannot carry ('.', '\\', controls, spaces) are SIP_E_PARSE.
 */
enum sip_err	sip_dns_parse(struct sip_dns_msg *m, const uint8_t *p,
		    size_t n);

/* "A", "AAAA", "SRV", "NAPTR", "CNAME", or "TYPE<n>" in a static buffer. */
const char	*sip_dns_type_name(uint16_t type);

/*
 * The data of rr as text, the way dig prints it: "127.0.0.1", "::1",
 * "10 60 5060 a.sip.test", "10 50 \"s\" \"SIP+D2U\" \"\" _sip._udp.x",
 * or a CNAME's target.  Always NUL-terminated; truncated to cap.
 */
void		sip_dns_rr_format(const struct sip_dns_rr *rr, char *out,
		    size_t cap);

/*
 * Parse "ADDR", "ADDR:PORT", "[V6]" or "[V6]:PORT" (port 53 when absent;
 * a bare IPv6 address takes no port) into ss and len.  SIP_E_INVAL if
 * it is none of these.
 */
enum sip_err	sip_dns_server_parse(const char *spec,
		    struct sockaddr_storage *ss, socklen_t *len);

#endif
