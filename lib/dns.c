/*
 * dns.c - DNS stub client: query encoding and answer parsing (RFC 1035
 * 4.1, 3.2, 4.1.4 compression), A/AAAA/SRV/NAPTR/CNAME rdata (RFC 1035
 * 3.3, RFC 3596, RFC 2782, RFC 3403 4.1), UDP with retries, TCP on TC
 * (RFC 1035 4.2.2, RFC 7766), EDNS(0) payload size (RFC 6891).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "dns.h"
#include "rand.h"

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

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static int
lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

/* A label byte that text can carry without escapes. */
static int
label_byte_ok(unsigned c)
{
	return c > ' ' && c < 0x7f && c != '.' && c != '\\';
}

static int
name_ieq(const char *a, const char *b)
{
	while (*a != '\0' && lower((unsigned char)*a) ==
	    lower((unsigned char)*b)) {
		a++;
		b++;
	}
	return lower((unsigned char)*a) == lower((unsigned char)*b);
}

enum sip_err
sip_dns_query(uint8_t *out, size_t cap, size_t *len, uint16_t id,
    const char *name, uint16_t type, int edns)
{
	size_t n = strlen(name), o, wire = 1, need;
	const char *p = name, *dot;

	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n == 0)
		return SIP_E_INVAL;
	if (n > SIP_DNS_MAX_NAME)
		return SIP_E_TOOBIG;
	need = HDR_LEN + n + 2 + 4 + (edns ? 11 : 0);
	if (need > cap)
		return SIP_E_TOOBIG;
	memset(out, 0, HDR_LEN);
	put16(out, id);
	put16(out + 2, RD_BIT);
	put16(out + 4, 1);
	put16(out + 10, edns ? 1 : 0);
	o = HDR_LEN;
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
		out[o++] = (uint8_t)l;
		memcpy(out + o, p, l);
		o += l;
		p += l + (dot != NULL);
		if (dot != NULL && p == name + n)
			return SIP_E_INVAL;	/* "a..": empty last label */
	}
	if (wire > 255)
		return SIP_E_TOOBIG;
	out[o++] = 0;
	put16(out + o, type);
	put16(out + o + 2, CLASS_IN);
	o += 4;
	if (edns) {
		out[o++] = 0;			/* root owner */
		put16(out + o, SIP_DNS_OPT);
		put16(out + o + 2, SIP_DNS_EDNS_SIZE);
		memset(out + o + 4, 0, 6);	/* rcode, flags, rdlen */
		o += 10;
	}
	*len = o;
	return SIP_OK;
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

enum sip_err
sip_dns_resolv_conf(const char *path, struct sockaddr_storage *ss,
    socklen_t *len)
{
	char line[512], *p, *e;
	FILE *f;

	if ((f = fopen(path != NULL ? path : "/etc/resolv.conf", "r")) == NULL)
		return SIP_E_SYS;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "nameserver", 10) != 0 ||
		    (line[10] != ' ' && line[10] != '\t'))
			continue;
		p = line + 10 + strspn(line + 10, " \t");
		e = p + strcspn(p, " \t\r\n#;");
		*e = '\0';
		/* A bare address here, never a port: bracket IPv6. */
		if (strchr(p, ':') != NULL && e - p < 200) {
			char b[256];

			snprintf(b, sizeof(b), "[%s]", p);
			if (sip_dns_server_parse(b, ss, len) == SIP_OK)
				goto found;
		} else if (sip_dns_server_parse(p, ss, len) == SIP_OK)
			goto found;
	}
	fclose(f);
	return SIP_E_NOTFOUND;
found:
	fclose(f);
	return SIP_OK;
}

enum sip_err
sip_dns_init(struct sip_dns *d, const char *server)
{
	enum sip_err e;

	d->timeout_ms = SIP_DNS_TIMEOUT_MS;
	d->tries = SIP_DNS_TRIES;
	d->edns = 1;
	d->trace = NULL;
	d->trace_arg = NULL;
	d->why = NULL;
	d->queries = 0;
	d->down = 0;
	d->serverlen = 0;
	if (server != NULL)
		e = sip_dns_server_parse(server, &d->server, &d->serverlen);
	else
		e = sip_dns_resolv_conf(NULL, &d->server, &d->serverlen);
	return e;
}

/* The exchange. */

static void
trace(struct sip_dns *d, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (d->trace == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	d->trace(d->trace_arg, line);
}

static long long
now_ms(void)
{
	return (long long)sip_clock_ms();
}

/* Wait for ev on fd until deadline: 1 ready, 0 timed out, -1 error. */
static int
wait_fd(int fd, short ev, long long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = ev };
	long long left;
	int r;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0)
			return 0;
		r = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

static enum sip_err
fail(struct sip_dns *d, const char *why)
{
	d->why = why;
	return SIP_E_DNS;
}

/* No answer at all: the server is down or cannot be reached. */
static enum sip_err
fail_down(struct sip_dns *d, const char *why)
{
	d->down = 1;
	return fail(d, why);
}

/* Is m the answer to our question (id, name, type)? */
static int
matches(const struct sip_dns_msg *m, uint16_t id, const char *name,
    uint16_t type)
{
	char want[SIP_DNS_NAME_SIZE];
	size_t l = strlen(name);

	if (m->id != id)
		return 0;
	if (m->qdcount == 0)
		return m->rcode != SIP_DNS_NOERROR;	/* e.g. FORMERR */
	if (l > 0 && name[l - 1] == '.')
		l--;
	if (l >= sizeof(want))
		return 0;
	memcpy(want, name, l);
	want[l] = '\0';
	return m->qtype == type && m->qclass == CLASS_IN &&
	    name_ieq(m->qname, want);
}

/* Read exactly n bytes from a stream socket before deadline. */
static enum sip_err
read_full(struct sip_dns *d, int fd, uint8_t *p, size_t n,
    long long deadline)
{
	size_t got = 0;
	ssize_t r;
	int w;

	while (got < n) {
		if ((w = wait_fd(fd, POLLIN, deadline)) <= 0)
			return fail(d, w == 0 ? "timeout over TCP" :
			    "poll failed");
		r = recv(fd, p + got, n - got, 0);
		if (r == 0)
			return fail(d, "TCP connection closed early");
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return fail(d, "TCP receive failed");
		}
		got += (size_t)r;
	}
	return SIP_OK;
}

static enum sip_err
ask_tcp(struct sip_dns *d, const uint8_t *q, size_t qlen, uint16_t id,
    const char *name, uint16_t type, struct sip_dns_msg *m)
{
	long long deadline = now_ms() + d->timeout_ms;
	uint8_t pre[2];
	uint8_t out[2 + 512];
	size_t len, sent = 0;
	int fd, err = 0, w;
	socklen_t el = sizeof(err);
	ssize_t r;
	enum sip_err e;

	if (qlen > sizeof(out) - 2)
		return fail(d, "question too long");
	put16(out, (unsigned)qlen);
	memcpy(out + 2, q, qlen);
	fd = socket(d->server.ss_family, SOCK_STREAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0);
	if (fd < 0)
		return fail(d, "cannot open a TCP socket");
	d->queries++;
	if (connect(fd, (struct sockaddr *)&d->server, d->serverlen) < 0 &&
	    errno != EINPROGRESS) {
		e = fail(d, errno == ECONNREFUSED ? "TCP connection refused" :
		    "TCP connect failed");
		goto out;
	}
	if ((w = wait_fd(fd, POLLOUT, deadline)) <= 0) {
		e = fail(d, w == 0 ? "timeout connecting over TCP" :
		    "poll failed");
		goto out;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 || err != 0) {
		e = fail(d, err == ECONNREFUSED ? "TCP connection refused" :
		    "TCP connect failed");
		goto out;
	}
	while (sent < qlen + 2) {
		r = send(fd, out + sent, qlen + 2 - sent, MSG_NOSIGNAL);
		if (r < 0 && (errno == EINTR || errno == EAGAIN)) {
			if (wait_fd(fd, POLLOUT, deadline) <= 0) {
				e = fail(d, "timeout sending over TCP");
				goto out;
			}
			continue;
		}
		if (r <= 0) {
			e = fail(d, "TCP send failed");
			goto out;
		}
		sent += (size_t)r;
	}
	if ((e = read_full(d, fd, pre, 2, deadline)) != SIP_OK)
		goto out;
	len = get16(pre);
	if ((e = read_full(d, fd, d->buf, len, deadline)) != SIP_OK)
		goto out;
	if (sip_dns_parse(m, d->buf, len) != SIP_OK) {
		e = fail(d, "malformed answer over TCP");
		goto out;
	}
	if (!matches(m, id, name, type) || m->tc)
		e = fail(d, "TCP answer does not match the question");
out:
	close(fd);
	return e;
}

/* One question, one answer (UDP, then TCP if truncated). */
static enum sip_err
ask(struct sip_dns *d, const char *name, uint16_t type,
    struct sip_dns_msg *m)
{
	uint8_t q[512];
	size_t qlen;
	uint16_t id;
	int fd, w;
	ssize_t r;
	enum sip_err e;

	/* RFC 5452 9.2: an ID nobody can guess, or no query */
	if ((e = sip_rand_bytes(&id, sizeof(id))) != SIP_OK) {
		d->why = sip_err_str(e);
		return e;
	}
	if ((e = sip_dns_query(q, sizeof(q), &qlen, id, name, type,
	    d->edns)) != SIP_OK)
		return e == SIP_E_TOOBIG ? SIP_E_INVAL : e;
	fd = socket(d->server.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail_down(d, "cannot open a UDP socket");
	if (connect(fd, (struct sockaddr *)&d->server, d->serverlen) < 0) {
		close(fd);
		return fail_down(d, "cannot reach the server");
	}
	for (int t = 0; t < d->tries; t++) {
		long long deadline = now_ms() + d->timeout_ms;

		if (t > 0)
			trace(d, "DNS no answer for %s %s, asking again "
			    "(%d/%d)", sip_dns_type_name(type), name, t + 1,
			    d->tries);
		d->queries++;
		if (send(fd, q, qlen, 0) != (ssize_t)qlen) {
			e = fail_down(d, errno == ECONNREFUSED ?
			    "connection refused" : "send failed");
			goto out;
		}
		while ((w = wait_fd(fd, POLLIN, deadline)) > 0) {
			r = recv(fd, d->buf, sizeof(d->buf), 0);
			if (r < 0) {
				if (errno == EINTR || errno == EAGAIN)
					continue;
				e = fail_down(d, errno == ECONNREFUSED ?
				    "connection refused" : "receive failed");
				goto out;
			}
			if ((size_t)r < HDR_LEN || get16(d->buf) != id)
				continue;	/* not ours */
			e = sip_dns_parse(m, d->buf, (size_t)r);
			if (e == SIP_OK && !matches(m, id, name, type))
				continue;
			if (e != SIP_OK) {
				e = fail(d, e == SIP_E_TOOBIG ?
				    "answer has too many records" :
				    "malformed answer");
				goto out;
			}
			if (m->tc) {
				trace(d, "DNS answer for %s %s truncated, "
				    "asking over TCP", sip_dns_type_name(type),
				    name);
				e = ask_tcp(d, q, qlen, id, name, type, m);
			}
			goto out;
		}
		if (w < 0) {
			e = fail_down(d, "poll failed");
			goto out;
		}
	}
	e = fail_down(d, "timeout");
out:
	close(fd);
	return e;
}

static const char *
rcode_name(unsigned rc)
{
	switch (rc) {
	case 1:		return "server says FORMERR";
	case 2:		return "server says SERVFAIL";
	case 4:		return "server says NOTIMP";
	case 5:		return "server says REFUSED";
	default:	return "server error";
	}
}

enum sip_err
sip_dns_lookup(struct sip_dns *d, const char *name, uint16_t type,
    struct sip_dns_msg *m)
{
	char cur[SIP_DNS_NAME_SIZE];
	unsigned hops = 0, k;
	size_t l = strlen(name);
	enum sip_err e;

	d->why = NULL;
	d->down = 0;
	if (d->serverlen == 0)
		return fail_down(d, "no DNS server");
	if (l > 0 && name[l - 1] == '.')
		l--;
	if (l == 0 || l >= sizeof(cur))
		return SIP_E_INVAL;
	memcpy(cur, name, l);
	cur[l] = '\0';
	for (;;) {
		unsigned before = hops;
		int found = 0;

		if ((e = ask(d, cur, type, m)) != SIP_OK)
			return e;
		if (m->rcode == SIP_DNS_FORMERR && d->edns) {
			/* RFC 6891 7: a server that knows no EDNS. */
			trace(d, "DNS server says FORMERR to EDNS: asking "
			    "without it");
			d->edns = 0;
			if ((e = ask(d, cur, type, m)) != SIP_OK)
				return e;
		}
		if (m->rcode != SIP_DNS_NOERROR &&
		    m->rcode != SIP_DNS_NXDOMAIN)
			return fail(d, rcode_name(m->rcode));
		/* Follow the CNAMEs this answer carries. */
		while (!found) {
			int cn = -1;

			for (unsigned i = 0; i < m->n; i++) {
				if (!name_ieq(m->rr[i].name, cur))
					continue;
				if (m->rr[i].type == type)
					found = 1;
				else if (m->rr[i].type == SIP_DNS_CNAME &&
				    cn < 0)
					cn = (int)i;
			}
			if (found || cn < 0 || type == SIP_DNS_CNAME)
				break;
			if (++hops > SIP_DNS_MAX_CNAME)
				return fail(d, "CNAME chain too long");
			if (m->rr[cn].u.cname[0] == '\0')
				return fail(d, "CNAME to the root");
			trace(d, "CNAME %s -> %s", cur, m->rr[cn].u.cname);
			memmove(cur, m->rr[cn].u.cname, sizeof(cur));
		}
		/*
		 * A chain that moved on in this answer but ends at a name it
		 * has nothing for: ask for that name.  Each round must move
		 * the chain on, so this ends within SIP_DNS_MAX_CNAME rounds.
		 */
		if (found || type == SIP_DNS_CNAME || hops == before ||
		    m->rcode != SIP_DNS_NOERROR)
			break;
	}
	/* Keep only the records of type for cur. */
	k = 0;
	for (unsigned i = 0; i < m->n; i++) {
		if (m->rr[i].type != type || !name_ieq(m->rr[i].name, cur))
			continue;
		if (k != i)
			m->rr[k] = m->rr[i];
		k++;
	}
	m->n = k;
	memmove(m->qname, cur, sizeof(cur));
	return SIP_OK;
}
