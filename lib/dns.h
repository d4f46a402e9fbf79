/*
 * dns.h - a small DNS stub client of our own (RFC 1035), for RFC 3263.
 *
 * Questions for A, AAAA (RFC 3596), SRV (RFC 2782) and NAPTR (RFC 3403)
 * go over UDP to one server with retries and a timeout, and again over
 * TCP when the answer comes back truncated (RFC 7766).  Answers are
 * parsed with every bound checked: a malformed answer is SIP_E_PARSE,
 * never a read outside the packet.  Compression pointers must point
 * strictly backwards, so a loop cannot happen.  CNAME chains are
 * followed.  Nothing here prints; sip_dns_lookup() reports its steps
 * through an optional trace callback.
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

/* One trace line, without a newline (curl's debug callback). */
typedef void	(*sip_trace_fn)(void *arg, const char *line);

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
 * Encode a recursive question for name (dotted text, one trailing dot
 * allowed) and type into out; with edns, an RFC 6891 OPT record asks for
 * SIP_DNS_EDNS_SIZE-byte UDP answers.  SIP_E_INVAL for a name that is
 * empty or has an empty, over-long (63) or odd label (bytes outside
 * '!'..'~', or '\\'), SIP_E_TOOBIG when it or the message does not fit.
 */
enum sip_err	sip_dns_query(uint8_t *out, size_t cap, size_t *len,
		    uint16_t id, const char *name, uint16_t type, int edns);

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

/* A DNS server and how to ask it. */
struct sip_dns {
	struct sockaddr_storage server;
	socklen_t	 serverlen;
	int		 timeout_ms;	/* per UDP try, and for all of TCP */
	int		 tries;		/* UDP sends per question */
	int		 edns;		/* send an OPT record (default on;
					 * off after a FORMERR to one) */
	sip_trace_fn	 trace;		/* NULL: quiet */
	void		*trace_arg;
	const char	*why;		/* after SIP_E_DNS: what went wrong */
	int		 down;		/* ... and no answer came at all */
	unsigned	 queries;	/* questions sent so far (UDP or TCP) */
	uint8_t		 buf[SIP_DNS_MAX_MSG];	/* the last answer */
};

/*
 * Parse "ADDR", "ADDR:PORT", "[V6]" or "[V6]:PORT" (port 53 when absent;
 * a bare IPv6 address takes no port) into ss and len.  SIP_E_INVAL if
 * it is none of these.
 */
enum sip_err	sip_dns_server_parse(const char *spec,
		    struct sockaddr_storage *ss, socklen_t *len);
/*
 * The first "nameserver" line of path (NULL: /etc/resolv.conf).
 * SIP_E_NOTFOUND when there is none, SIP_E_SYS when it cannot be read.
 */
enum sip_err	sip_dns_resolv_conf(const char *path,
		    struct sockaddr_storage *ss, socklen_t *len);

/*
 * Set d up to ask server (see sip_dns_server_parse; NULL: the first
 * nameserver in /etc/resolv.conf) with the default timeout and tries.
 * d is large (it holds a 64 KiB answer buffer): allocate it.  After an
 * error d is still usable: every lookup fails with "no DNS server".
 */
enum sip_err	sip_dns_init(struct sip_dns *d, const char *server);

/*
 * Ask d's server for name and type and leave in m only the records of
 * that type that belong to name or to the end of its CNAME chain (asking
 * again for the chain's end when the server did not follow it).  An
 * empty answer or NXDOMAIN is SIP_OK with m->n == 0 and m->rcode set.
 * m->qname is then the name the records belong to.  SIP_E_DNS when no
 * answer came (d->down set; d->why says: timeout, connection refused,
 * no DNS server, ...), the answer was malformed, the server reported an
 * error, or the chain was too long; SIP_E_INVAL for a bad name.  NAPTR
 * slices point into d->buf and last until the next lookup.
 */
enum sip_err	sip_dns_lookup(struct sip_dns *d, const char *name,
		    uint16_t type, struct sip_dns_msg *m);

#endif
