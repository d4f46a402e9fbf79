/*
 * dnsd.h - for the DNS unit tests: DNS packets built by hand, and a
 * scripted server in a child process (one UDP and one TCP socket on the
 * same loopback port) whose answer depends on the question's first
 * label after any "_service._proto" labels.
 */
#ifndef SIPBOX_TEST_DNSD_H
#define SIPBOX_TEST_DNSD_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dns.h"

/* A packet under construction. */
struct pkt {
	uint8_t	b[70000];
	size_t	n;
};

static __attribute__((unused)) void
u8(struct pkt *p, unsigned v)
{
	p->b[p->n++] = (uint8_t)v;
}

static __attribute__((unused)) void
u16(struct pkt *p, unsigned v)
{
	u8(p, v >> 8);
	u8(p, v & 0xff);
}

static __attribute__((unused)) void
u32(struct pkt *p, uint32_t v)
{
	u16(p, v >> 16);
	u16(p, v & 0xffff);
}

static __attribute__((unused)) void
raw(struct pkt *p, const void *s, size_t n)
{
	memcpy(p->b + p->n, s, n);
	p->n += n;
}

/* Labels of a dotted name, then the root (or a pointer when ptr >= 0). */
static __attribute__((unused)) void
name(struct pkt *p, const char *s, int ptr)
{
	while (*s != '\0') {
		size_t l = strcspn(s, ".");

		u8(p, (unsigned)l);
		raw(p, s, l);
		s += l + (s[l] == '.');
	}
	if (ptr >= 0)
		u16(p, 0xc000u | (unsigned)ptr);
	else
		u8(p, 0);
}

static __attribute__((unused)) void
header(struct pkt *p, unsigned id, unsigned flags, unsigned qd, unsigned an)
{
	p->n = 0;
	u16(p, id);
	u16(p, flags);
	u16(p, qd);
	u16(p, an);
	u16(p, 0);
	u16(p, 0);
}

static __attribute__((unused)) void
question(struct pkt *p, const char *qname, unsigned type)
{
	name(p, qname, -1);
	u16(p, type);
	u16(p, 1);
}

/* The start of a record whose owner is the pointer ptr (12: the qname). */
static __attribute__((unused)) void
rr_head(struct pkt *p, int ptr, unsigned type, unsigned rdlen)
{
	u16(p, 0xc000u | (unsigned)ptr);
	u16(p, type);
	u16(p, 1);
	u32(p, 300);
	u16(p, rdlen);
}


/*
 * The scripted server: what it answers depends on the question's key,
 * its first label after "_sip._udp"-like ones; the rest of the name is
 * the suffix, which SRV targets and CNAMEs keep.
 */
static int udp_fd, tcp_fd;
static struct sockaddr_storage peer;
static socklen_t peerlen;

static __attribute__((unused)) void
answer_to(const uint8_t *q, size_t qn, struct pkt *p, int over_tcp)
{
	static unsigned count, srvcount;
	char first[64];
	size_t qend = 12, koff = 12, l, suffix;
	unsigned id = (unsigned)(q[0] << 8 | q[1]), qtype;

	while (koff + 1 < qn && q[koff] > 0 && q[koff + 1] == '_')
		koff += 1u + q[koff];
	l = q[koff];
	memcpy(first, q + koff + 1, l < 63 ? l : 63);
	first[l < 63 ? l : 63] = '\0';
	suffix = koff + 1 + l;
	while (qend < qn && q[qend] != 0)
		qend += 1u + q[qend];
	qend += 5;			/* root, type, class */
	qtype = (unsigned)(q[qend - 4] << 8 | q[qend - 3]);
	header(p, id, 0x8180, 1, 0);
	raw(p, q + 12, qend - 12);
#define ANCOUNT(n)	(p->b[7] = (uint8_t)(n))
	if (strcmp(first, "a") == 0) {
		ANCOUNT(1);
		rr_head(p, 12, SIP_DNS_A, 4);
		raw(p, "\xc0\x00\x02\x01", 4);
	} else if (strcmp(first, "tc") == 0 && !over_tcp) {
		p->b[2] |= 0x02;
	} else if (strcmp(first, "tc") == 0) {
		ANCOUNT(2);
		rr_head(p, 12, SIP_DNS_A, 4);
		raw(p, "\xc0\x00\x02\x01", 4);
		rr_head(p, 12, SIP_DNS_A, 4);
		raw(p, "\xc0\x00\x02\x02", 4);
	} else if (strcmp(first, "cname") == 0) {
		ANCOUNT(1);		/* the chain, but not its end */
		rr_head(p, 12, SIP_DNS_CNAME, 9);
		name(p, "target", (int)suffix);
	} else if (strcmp(first, "target") == 0 && qtype == SIP_DNS_SRV) {
		ANCOUNT(1);
		rr_head(p, 12, SIP_DNS_SRV, 10);
		u16(p, 10);
		u16(p, 0);
		u16(p, 5070);
		name(p, "a", (int)suffix);
	} else if (strcmp(first, "target") == 0) {
		ANCOUNT(1);
		rr_head(p, 12, SIP_DNS_A, 4);
		raw(p, "\xc0\x00\x02\x09", 4);
	} else if (strcmp(first, "count") == 0 && qtype == SIP_DNS_A) {
		ANCOUNT(1);		/* 127.0.0.N for the Nth question */
		rr_head(p, 12, SIP_DNS_A, 4);
		raw(p, "\x7f\0\0", 3);
		u8(p, ++count);
	} else if (strcmp(first, "srvcount") == 0 && qtype == SIP_DNS_SRV) {
		ANCOUNT(1);		/* port 5000 + N for the Nth */
		rr_head(p, 12, SIP_DNS_SRV, 10);
		u16(p, 10);
		u16(p, 0);
		u16(p, 5000 + ++srvcount);
		name(p, "a", (int)suffix);
	} else if (strcmp(first, "loop") == 0) {
		/* loop.test -> x.loop.test -> loop.test */
		ANCOUNT(2);
		rr_head(p, 12, SIP_DNS_CNAME, 4);
		name(p, "x", 12);
		rr_head(p, (int)qend + 12, SIP_DNS_CNAME, 2);
		u16(p, 0xc00c);
	} else if (strcmp(first, "servfail") == 0) {
		p->b[3] = 0x82;
	} else if (strcmp(first, "nx") == 0) {
		p->b[3] = 0x83;
	} else if (strcmp(first, "bad") == 0) {
		ANCOUNT(1);
		rr_head(p, 12, SIP_DNS_A, 4);
		raw(p, "\1\2", 2);
	} else if (strcmp(first, "foreign") == 0) {
		/* First a packet with another id, then one for another name. */
		struct pkt o = *p;

		o.b[0] ^= 0xff;
		sendto(udp_fd, o.b, o.n, 0, (struct sockaddr *)&peer, peerlen);
		o.b[0] ^= 0xff;
		o.b[13] = 'F';
		o.b[14] = 'F';		/* qname "FFreign...": not ours */
		sendto(udp_fd, o.b, o.n, 0, (struct sockaddr *)&peer, peerlen);
		ANCOUNT(1);
		rr_head(p, 12, SIP_DNS_A, 4);
		raw(p, "\xc0\x00\x02\x05", 4);
	} else if (strcmp(first, "noedns") == 0) {
		if (q[11] != 0) {	/* arcount: an OPT record */
			p->b[3] = 0x81;
		} else {
			ANCOUNT(1);
			rr_head(p, 12, SIP_DNS_A, 4);
			raw(p, "\xc0\x00\x02\x03", 4);
		}
	} else if (strcmp(first, "silent") == 0) {
		p->n = 0;
	}
#undef ANCOUNT
}

static __attribute__((unused)) void
serve(void)
{
	static struct pkt p;
	uint8_t q[2048];
	struct pollfd pf[2] = { { udp_fd, POLLIN, 0 }, { tcp_fd, POLLIN, 0 } };
	ssize_t r;

	for (;;) {
		if (poll(pf, 2, -1) < 0)
			continue;
		if (pf[0].revents & POLLIN) {
			peerlen = sizeof(peer);
			r = recvfrom(udp_fd, q, sizeof(q), 0,
			    (struct sockaddr *)&peer, &peerlen);
			if (r < 13)
				continue;
			answer_to(q, (size_t)r, &p, 0);
			if (p.n > 0)
				sendto(udp_fd, p.b, p.n, 0,
				    (struct sockaddr *)&peer, peerlen);
		}
		if (pf[1].revents & POLLIN) {
			int c = accept(tcp_fd, NULL, NULL);
			uint8_t pre[2];
			size_t want;

			if (c < 0)
				continue;
			if (recv(c, pre, 2, MSG_WAITALL) == 2) {
				want = (size_t)(pre[0] << 8 | pre[1]);
				if (want <= sizeof(q) && recv(c, q, want,
				    MSG_WAITALL) == (ssize_t)want) {
					answer_to(q, want, &p, 1);
					pre[0] = (uint8_t)(p.n >> 8);
					pre[1] = (uint8_t)p.n;
					send(c, pre, 2, 0);
					send(c, p.b, p.n, 0);
				}
			}
			close(c);
		}
	}
}

static __attribute__((unused)) pid_t
start_server(char *addr, size_t cap)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int one = 1;
	pid_t pid;

	for (int tries = 0; tries < 20; tries++) {
		udp_fd = socket(AF_INET, SOCK_DGRAM, 0);
		tcp_fd = socket(AF_INET, SOCK_STREAM, 0);
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sa.sin_port = 0;
		bind(udp_fd, (struct sockaddr *)&sa, sizeof(sa));
		getsockname(udp_fd, (struct sockaddr *)&sa, &sl);
		setsockopt(tcp_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(tcp_fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
		    listen(tcp_fd, 8) == 0)
			break;
		close(udp_fd);
		close(tcp_fd);
		udp_fd = tcp_fd = -1;
	}
	if (udp_fd < 0)
		return -1;
	snprintf(addr, cap, "127.0.0.1:%u", ntohs(sa.sin_port));
	if ((pid = fork()) == 0) {
		serve();
		_exit(0);
	}
	close(udp_fd);
	close(tcp_fd);
	return pid;
}

#endif
