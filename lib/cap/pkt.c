/*
 * pkt.c - link layer, IP, UDP/TCP/SCTP and tunnel decoding for captures.
 *
 * IEEE 802.1Q (VLAN tags, 0x8100, 0x88a8 and 0x9100 for QinQ), RFC 791
 * (IPv4), RFC 8200 (IPv6 and its extension headers), RFC 768 (UDP), RFC
 * 9293 (TCP), RFC 9260 (SCTP common header), RFC 2003 (IP in IP), RFC
 * 2784/2890 (GRE), RFC 2637 4.1 (enhanced GRE, PPTP) with RFC 1661 PPP,
 * ERSPAN types II and III, RFC 7348 (VXLAN), 3GPP TS
 * 29.281 (GTP-U), and the Linux cooked headers documented with
 * LINKTYPE_LINUX_SLL and LINKTYPE_LINUX_SLL2 on tcpdump.org.
 */
#include <arpa/inet.h>
#include <string.h>

#include "pkt.h"

#define ETH_IPV4	0x0800
#define ETH_IPV6	0x86dd
#define ETH_VLAN	0x8100
#define ETH_QINQ	0x88a8
#define ETH_QINQ_OLD	0x9100
#define ETH_TEB		0x6558	/* transparent Ethernet bridging (GRE) */
#define ETH_ERSPAN2	0x88be
#define ETH_ERSPAN3	0x22eb
#define ETH_PPPOE	0x8864	/* PPPoE session (RFC 2516) */
#define ETH_MPLS	0x8847	/* RFC 3032 label stack */
#define ETH_MPLS_MC	0x8848
#define ETH_PPP		0x880b	/* PPP in GRE */

#define PPP_IPV4	0x0021
#define PPP_IPV6	0x0057

#define PORT_VXLAN	4789
#define PORT_GTPU	2152

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static enum sip_err
bad(struct sip_pkt *pkt, const char *why)
{
	pkt->why = why;
	return SIP_E_PARSE;
}

static enum sip_err	decode_ether(struct sip_pkt *, const uint8_t *, size_t);
static enum sip_err	decode_ip(struct sip_pkt *, const uint8_t *, size_t);

/* Not decoded, though it may have carried SIP: said once by the caller. */
static enum sip_err
skip(struct sip_pkt *pkt, const char *what, unsigned num, int hex)
{
	pkt->skip = what;
	pkt->skipnum = num;
	pkt->skiphex = hex;
	return SIP_OK;
}

/*
 * Ethernet types that carry no IP: not worth a word.  Below 0x0600 the
 * field is an 802.3 length (STP, CDP and other LLC frames).
 */
static int
eth_control(unsigned type)
{
	switch (type) {
	case 0x0806:	/* ARP */
	case 0x8035:	/* RARP */
	case 0x8809:	/* slow protocols (LACP) */
	case 0x8863:	/* PPPoE discovery */
	case 0x888e:	/* 802.1X */
	case 0x88cc:	/* LLDP */
	case 0x88f7:	/* PTP */
	case 0x9000:	/* loopback test */
		return 1;
	default:
		return type < 0x0600;
	}
}

/*
 * RFC 1661 2: a PPP frame (the HDLC address and control bytes may be
 * there or not, RFC 1662 3.2; the protocol field one byte when it is
 * compressed, RFC 1661 6.5).  Protocols from 0x8000 are control traffic.
 */
static enum sip_err
decode_ppp(struct sip_pkt *pkt, const uint8_t *p, size_t n)
{
	unsigned proto;

	if (n >= 2 && p[0] == 0xff && p[1] == 0x03) {
		p += 2;
		n -= 2;
	}
	if (n < 1 || (!(p[0] & 1) && n < 2))
		return bad(pkt, "truncated PPP header");
	if (p[0] & 1) {
		proto = p[0];
		p++;
		n--;
	} else {
		proto = be16(p);
		p += 2;
		n -= 2;
	}
	if (proto == PPP_IPV4 || proto == PPP_IPV6)
		return decode_ip(pkt, p, n);
	return proto < 0x8000 ? skip(pkt, "PPP protocol", proto, 1) : SIP_OK;
}

static enum sip_err
deeper(struct sip_pkt *pkt)
{
	if (++pkt->depth > SIP_PKT_MAX_DEPTH)
		return bad(pkt, "too many nested encapsulations");
	return SIP_OK;
}

/* An Ethernet type: IPv4, IPv6, or nothing SIP rides on. */
static enum sip_err
decode_ethertype(struct sip_pkt *pkt, unsigned type, const uint8_t *p,
    size_t n)
{
	unsigned labels = 0, ppp;

	switch (type) {
	case ETH_IPV4:
	case ETH_IPV6:
		return decode_ip(pkt, p, n);
	case ETH_PPPOE:
		/* version/type, code, session id, length; then PPP protocol */
		if (n < 8)
			return bad(pkt, "truncated PPPoE header");
		return decode_ppp(pkt, p + 6, n - 6);
	case ETH_MPLS:
	case ETH_MPLS_MC:
		do {
			if (n < 4)
				return bad(pkt, "truncated MPLS label");
			if (++labels > 16)
				return bad(pkt, "too many MPLS labels");
			ppp = p[2] & 1;		/* bottom of stack */
			p += 4;
			n -= 4;
		} while (!ppp);
		if (n > 0 && ((p[0] >> 4) == 4 || (p[0] >> 4) == 6))
			return decode_ip(pkt, p, n);
		return SIP_OK;
	default:
		/* ARP, LLDP, ...: not for us */
		return eth_control(type) ? SIP_OK :
		    skip(pkt, "Ethernet type", type, 1);
	}
}

static enum sip_err
decode_ether(struct sip_pkt *pkt, const uint8_t *p, size_t n)
{
	unsigned type, tags = 0;

	if (n < 14)
		return bad(pkt, "truncated Ethernet header");
	type = be16(p + 12);
	p += 14;
	n -= 14;
	/* 802.1Q tags, several for QinQ. */
	while (type == ETH_VLAN || type == ETH_QINQ || type == ETH_QINQ_OLD) {
		if (n < 4)
			return bad(pkt, "truncated VLAN tag");
		if (++tags > 8)
			return bad(pkt, "too many VLAN tags");
		type = be16(p + 2);
		p += 4;
		n -= 4;
	}
	return decode_ethertype(pkt, type, p, n);
}

/*
 * RFC 2637 4.1: enhanced GRE (version 1, PPTP).  The key field is always
 * there (payload length, call id); the sequence number with S, the
 * acknowledgment with A (0x0080); a packet may be an acknowledgment alone.
 */
static enum sip_err
decode_egre(struct sip_pkt *pkt, unsigned flags, unsigned type,
    const uint8_t *p, size_t n)
{
	size_t hl = 8, plen;

	if (type != ETH_PPP)
		return skip(pkt, "GRE version 1 protocol", type, 1);
	if (flags & 0x1000)
		hl += 4;
	if (flags & 0x0080)
		hl += 4;
	if (n < hl)
		return bad(pkt, "truncated enhanced GRE header");
	plen = be16(p + 4);
	p += hl;
	n -= hl;
	if (plen > n)
		return bad(pkt, "truncated enhanced GRE payload");
	if (plen == 0)
		return SIP_OK;		/* an acknowledgment alone */
	pkt->tunnel = 1;
	return decode_ppp(pkt, p, plen);
}

static enum sip_err
decode_gre(struct sip_pkt *pkt, const uint8_t *p, size_t n)
{
	unsigned flags, type;
	size_t hl = 4;
	enum sip_err e;

	if ((e = deeper(pkt)) != SIP_OK)
		return e;
	if (n < 4)
		return bad(pkt, "truncated GRE header");
	flags = be16(p);
	type = be16(p + 2);
	if ((flags & 7) == 1)
		return decode_egre(pkt, flags, type, p, n);
	if ((flags & 7) != 0)
		return skip(pkt, "GRE version", flags & 7, 0);
	if (flags & 0x8000)
		hl += 4;		/* checksum and reserved */
	if (flags & 0x2000)
		hl += 4;		/* key */
	if (flags & 0x1000)
		hl += 4;		/* sequence number */
	if (n < hl)
		return bad(pkt, "truncated GRE header");
	p += hl;
	n -= hl;
	pkt->tunnel = 1;
	switch (type) {
	case ETH_TEB:
		return decode_ether(pkt, p, n);
	case ETH_ERSPAN2:
		/* ERSPAN type I has no sequence number and no header. */
		if (!(flags & 0x1000))
			return decode_ether(pkt, p, n);
		if (n < 8)
			return bad(pkt, "truncated ERSPAN header");
		return decode_ether(pkt, p + 8, n - 8);
	case ETH_PPP:
		return decode_ppp(pkt, p, n);
	case ETH_ERSPAN3:
		if (n < 12)
			return bad(pkt, "truncated ERSPAN header");
		/* The O bit: an 8-byte platform-specific subheader follows. */
		hl = (p[11] & 1) ? 20 : 12;
		if (n < hl)
			return bad(pkt, "truncated ERSPAN header");
		return decode_ether(pkt, p + hl, n - hl);
	default:
		return decode_ethertype(pkt, type, p, n);
	}
}

/* GTP-U G-PDU: the user's IP packet after the GTP header. */
static int
decode_gtpu(struct sip_pkt *pkt, const uint8_t *p, size_t n, enum sip_err *e)
{
	size_t hl = 8;
	unsigned next;

	if (n < 8 || (p[0] >> 5) != 1 || !(p[0] & 0x10) || p[1] != 0xff)
		return 0;
	if (p[0] & 0x07) {
		if (n < 12)
			return 0;
		hl = 12;
		next = (p[0] & 0x04) ? p[11] : 0;
		while (next != 0) {
			size_t el;

			if (hl >= n)
				return 0;
			el = (size_t)p[hl] * 4;
			if (el == 0 || hl + el > n)
				return 0;
			next = p[hl + el - 1];
			hl += el;
		}
	}
	if (hl >= n || ((p[hl] >> 4) != 4 && (p[hl] >> 4) != 6))
		return 0;
	if ((*e = deeper(pkt)) != SIP_OK)
		return 1;
	pkt->tunnel = 1;
	*e = decode_ip(pkt, p + hl, n - hl);
	return 1;
}

static enum sip_err
decode_udp(struct sip_pkt *pkt, const uint8_t *p, size_t n)
{
	size_t ulen;
	enum sip_err e = SIP_OK;

	if (n < 8)
		return bad(pkt, "truncated UDP header");
	pkt->sport = be16(p);
	pkt->dport = be16(p + 2);
	ulen = be16(p + 4);
	if (ulen < 8)
		return bad(pkt, "bad UDP length");
	if (ulen > n)
		return bad(pkt, "truncated UDP payload");
	pkt->proto = SIP_PKT_UDP;
	pkt->payload = p + 8;
	pkt->len = ulen - 8;
	/* VXLAN: flags 0x08 (I), then an Ethernet frame. */
	if ((pkt->dport == PORT_VXLAN || pkt->sport == PORT_VXLAN) &&
	    pkt->len >= 8 + 14 && (pkt->payload[0] & 0x08)) {
		const uint8_t *q = pkt->payload + 8;
		size_t m = pkt->len - 8;

		if ((e = deeper(pkt)) != SIP_OK)
			return e;
		pkt->tunnel = 1;
		pkt->proto = 0;
		return decode_ether(pkt, q, m);
	}
	if ((pkt->dport == PORT_GTPU || pkt->sport == PORT_GTPU) &&
	    decode_gtpu(pkt, pkt->payload, pkt->len, &e)) {
		return e;
	}
	return SIP_OK;
}

static enum sip_err
decode_tcp(struct sip_pkt *pkt, const uint8_t *p, size_t n)
{
	size_t off;

	if (n < 20)
		return bad(pkt, "truncated TCP header");
	off = (size_t)(p[12] >> 4) * 4;
	if (off < 20)
		return bad(pkt, "bad TCP header length");
	if (off > n)
		return bad(pkt, "truncated TCP header");
	pkt->proto = SIP_PKT_TCP;
	pkt->sport = be16(p);
	pkt->dport = be16(p + 2);
	pkt->seq = be32(p + 4);
	pkt->tcpflags = p[13] & 0x3f;
	pkt->payload = p + off;
	pkt->len = n - off;
	return SIP_OK;
}

static enum sip_err
decode_sctp(struct sip_pkt *pkt, const uint8_t *p, size_t n)
{
	if (n < 12)
		return bad(pkt, "truncated SCTP header");
	pkt->proto = SIP_PKT_SCTP;
	pkt->sport = be16(p);
	pkt->dport = be16(p + 2);
	pkt->payload = p + 12;	/* the chunks */
	pkt->len = n - 12;
	return SIP_OK;
}

enum sip_err
sip_pkt_decode_ip_payload(struct sip_pkt *pkt, int proto, const uint8_t *p,
    size_t n)
{
	enum sip_err e;

	switch (proto) {
	case SIP_PKT_UDP:
		return decode_udp(pkt, p, n);
	case SIP_PKT_TCP:
		return decode_tcp(pkt, p, n);
	case SIP_PKT_SCTP:
		return decode_sctp(pkt, p, n);
	case 4:		/* IPv4 in IP (RFC 2003) */
	case 41:	/* IPv6 in IP */
		if ((e = deeper(pkt)) != SIP_OK)
			return e;
		pkt->tunnel = 1;
		return decode_ip(pkt, p, n);
	case 47:
		return decode_gre(pkt, p, n);
	/* tunnels not taken apart */
	case 50:	/* IPsec ESP: encrypted */
	case 97:	/* EtherIP */
	case 115:	/* L2TPv3 */
	case 137:	/* MPLS in IP */
		return skip(pkt, "IP protocol", (unsigned)proto, 0);
	default:
		return SIP_OK;
	}
}

static enum sip_err
decode_ip4(struct sip_pkt *pkt, const uint8_t *p, size_t n)
{
	size_t hl, tot;
	unsigned fo;

	if (n < 20)
		return bad(pkt, "truncated IPv4 header");
	hl = (size_t)(p[0] & 0x0f) * 4;
	tot = be16(p + 2);
	if (hl < 20)
		return bad(pkt, "bad IPv4 header length");
	if (tot < hl)
		return bad(pkt, "bad IPv4 total length");
	if (n < hl)
		return bad(pkt, "truncated IPv4 packet");
	if (n < tot) {
		/*
		 * Cut by the snap length (the caller knows, from the record)
		 * or a length field that lies: the bytes there are used.
		 */
		pkt->lenbad = "IPv4 total length is larger than the packet";
		tot = n;
	}
	memset(&pkt->src, 0, sizeof(pkt->src));
	memset(&pkt->dst, 0, sizeof(pkt->dst));
	pkt->src.family = pkt->dst.family = 4;
	memcpy(pkt->src.a, p + 12, 4);
	memcpy(pkt->dst.a, p + 16, 4);
	fo = be16(p + 6);
	if ((fo & 0x2000) || (fo & 0x1fff)) {
		pkt->frag = 1;
		pkt->frag_proto = p[9];
		pkt->frag_id = be16(p + 4);
		pkt->frag_off = (fo & 0x1fff) * 8u;
		pkt->frag_more = (fo & 0x2000) != 0;
		pkt->payload = p + hl;
		pkt->len = tot - hl;
		return SIP_OK;
	}
	return sip_pkt_decode_ip_payload(pkt, p[9], p + hl, tot - hl);
}

static enum sip_err
decode_ip6(struct sip_pkt *pkt, const uint8_t *p, size_t n)
{
	size_t plen, off = 40, el;
	unsigned nh;
	int hops = 0;

	if (n < 40)
		return bad(pkt, "truncated IPv6 header");
	plen = be16(p + 4);
	if (plen == 0)
		return bad(pkt, "IPv6 jumbogram not supported");
	if (n < 40 + plen)
		pkt->lenbad = "IPv6 payload length is larger than the packet";
	else
		n = 40 + plen;
	pkt->src.family = pkt->dst.family = 6;
	memcpy(pkt->src.a, p + 8, 16);
	memcpy(pkt->dst.a, p + 24, 16);
	nh = p[6];
	for (;;) {
		if (++hops > 16)
			return bad(pkt, "too many IPv6 extension headers");
		switch (nh) {
		case 0:		/* hop-by-hop */
		case 43:	/* routing */
		case 60:	/* destination options */
		case 135:	/* mobility */
			if (n - off < 8)
				return bad(pkt, "truncated IPv6 extension header");
			el = ((size_t)p[off + 1] + 1) * 8;
			if (n - off < el)
				return bad(pkt, "truncated IPv6 extension header");
			nh = p[off];
			off += el;
			continue;
		case 51:	/* AH: length in 4-byte units, minus 2 */
			if (n - off < 8)
				return bad(pkt, "truncated IPv6 AH header");
			el = ((size_t)p[off + 1] + 2) * 4;
			if (n - off < el)
				return bad(pkt, "truncated IPv6 AH header");
			nh = p[off];
			off += el;
			continue;
		case 44:	/* fragment */
			if (n - off < 8)
				return bad(pkt, "truncated IPv6 fragment header");
			{
				unsigned fo = be16(p + off + 2);

				if ((fo & 0xfff8) == 0 && !(fo & 1)) {
					/* an atomic fragment (RFC 6946) */
					nh = p[off];
					off += 8;
					continue;
				}
				pkt->frag = 1;
				pkt->frag_proto = p[off];
				pkt->frag_id = be32(p + off + 4);
				pkt->frag_off = fo & 0xfff8;
				pkt->frag_more = fo & 1;
				pkt->payload = p + off + 8;
				pkt->len = n - off - 8;
				return SIP_OK;
			}
		case 59:	/* no next header */
			return SIP_OK;
		default:
			return sip_pkt_decode_ip_payload(pkt, (int)nh, p + off,
			    n - off);
		}
	}
}

static enum sip_err
decode_ip(struct sip_pkt *pkt, const uint8_t *p, size_t n)
{
	if (n < 1)
		return bad(pkt, "truncated IP header");
	switch (p[0] >> 4) {
	case 4:
		return decode_ip4(pkt, p, n);
	case 6:
		return decode_ip6(pkt, p, n);
	default:
		return bad(pkt, "not an IPv4 or IPv6 packet");
	}
}

/* BSD loopback: an address family, host order (NULL) or network (LOOP). */
static enum sip_err
decode_null(struct sip_pkt *pkt, const uint8_t *p, size_t n, int net)
{
	uint32_t af;

	if (n < 4)
		return bad(pkt, "truncated loopback header");
	af = be32(p);
	if (!net && (af & 0xffff) == 0)
		af = (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
		    (uint32_t)p[1] << 8 | p[0];
	/* 2: AF_INET everywhere; 10, 24, 28, 30: AF_INET6 on various OSes. */
	if (af == 2 || af == 10 || af == 24 || af == 28 || af == 30)
		return decode_ip(pkt, p + 4, n - 4);
	return SIP_OK;
}

enum sip_err
sip_pkt_decode(struct sip_pkt *pkt, int linktype, const uint8_t *p,
    size_t n)
{
	memset(pkt, 0, sizeof(*pkt));
	switch (linktype) {
	case SIP_LINK_ETHERNET:
		return decode_ether(pkt, p, n);
	case SIP_LINK_RAW:
	case SIP_LINK_RAW_DLT:
	case SIP_LINK_RAW_DLT14:
	case SIP_LINK_IPV4:
	case SIP_LINK_IPV6:
		return decode_ip(pkt, p, n);
	case SIP_LINK_NULL:
		return decode_null(pkt, p, n, 0);
	case SIP_LINK_LOOP:
		return decode_null(pkt, p, n, 1);
	case SIP_LINK_SLL:
		if (n < 16)
			return bad(pkt, "truncated Linux cooked header");
		return decode_ethertype(pkt, be16(p + 14), p + 16, n - 16);
	case SIP_LINK_SLL2:
		if (n < 20)
			return bad(pkt, "truncated Linux cooked v2 header");
		return decode_ethertype(pkt, be16(p), p + 20, n - 20);
	default:
		pkt->why = "unsupported link type";
		skip(pkt, "link type", (unsigned)linktype, 0);
		return SIP_E_UNSUPP;
	}
}

char *
sip_pkt_ntop(const struct sip_ipaddr *a, char *dst, size_t dstsz)
{
	/* IPv4 by hand: inet_ntop() goes through sprintf, once per message. */
	if (a->family != 6 && dstsz >= 16) {
		char *w = dst;
		int i;

		for (i = 0; i < 4; i++) {
			unsigned v = a->a[i];

			if (v >= 100)
				*w++ = (char)('0' + v / 100);
			if (v >= 10)
				*w++ = (char)('0' + v / 10 % 10);
			*w++ = (char)('0' + v % 10);
			*w++ = i < 3 ? '.' : '\0';
		}
		return dst;
	}
	if (inet_ntop(a->family == 6 ? AF_INET6 : AF_INET, a->a, dst,
	    (socklen_t)dstsz) == NULL && dstsz > 0)
		dst[0] = '\0';
	return dst;
}
