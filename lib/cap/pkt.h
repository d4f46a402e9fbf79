/*
 * pkt.h - decoding captured packets down to the transport payload: link
 * layers (Ethernet with 802.1Q/QinQ, Linux SLL and SLL2, BSD loopback,
 * raw IP), IPv4 and IPv6 with extension headers, UDP, TCP and SCTP, and
 * the tunnels carrier captures hold (IP-in-IP, GRE with ERSPAN, enhanced
 * GRE with PPP (PPTP), VXLAN, GTP-U).
 *
 * Nothing here allocates or keeps state: sip_pkt_decode() fills a struct
 * sip_pkt with facts and pointers into the caller's packet bytes.  An IP
 * fragment stops the decode (pkt->frag set) so the caller can reassemble
 * it (lib/reasm.h) and continue with sip_pkt_decode_ip_payload().
 */
#ifndef SIPBOX_PKT_H
#define SIPBOX_PKT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Link-layer types, the LINKTYPE_/DLT_ numbers pcap files carry. */
#define SIP_LINK_NULL		0	/* BSD loopback, host byte order */
#define SIP_LINK_ETHERNET	1
#define SIP_LINK_RAW_DLT	12	/* DLT_RAW as libpcap reports it */
#define SIP_LINK_RAW_DLT14	14	/* DLT_RAW on some BSDs */
#define SIP_LINK_RAW		101
#define SIP_LINK_LOOP		108	/* OpenBSD loopback, network order */
#define SIP_LINK_SLL		113
#define SIP_LINK_IPV4		228
#define SIP_LINK_IPV6		229
#define SIP_LINK_SLL2		276

#define SIP_PKT_UDP		17
#define SIP_PKT_TCP		6
#define SIP_PKT_SCTP		132

/* TCP flags. */
#define SIP_TCP_FIN		0x01
#define SIP_TCP_SYN		0x02
#define SIP_TCP_RST		0x04

/* How many encapsulations one packet may nest before it is refused. */
#define SIP_PKT_MAX_DEPTH	8

struct sip_ipaddr {
	uint8_t		 family;	/* 4 or 6 */
	uint8_t		 a[16];		/* IPv4 in the first 4 bytes */
};

struct sip_pkt {
	struct sip_ipaddr src, dst;
	int		 proto;		/* SIP_PKT_UDP, _TCP, _SCTP; 0 none */
	uint16_t	 sport, dport;
	const uint8_t	*payload;	/* transport payload */
	size_t		 len;
	uint32_t	 seq;		/* TCP */
	uint8_t		 tcpflags;
	int		 depth;		/* encapsulations passed */
	int		 tunnel;	/* a tunnel was removed */
	/* An IP fragment (payload is the fragment's data). */
	int		 frag;
	int		 frag_proto;	/* upper-layer protocol */
	uint32_t	 frag_id;
	uint32_t	 frag_off;	/* bytes */
	int		 frag_more;
	const char	*why;		/* reason when decoding failed */
	/* An IP length beyond the bytes there: those were used. */
	const char	*lenbad;
	/*
	 * A link layer or tunnel not decoded, which may have carried SIP
	 * (an Ethernet type, GRE version, PPP protocol...): what and its
	 * number.  Control traffic (ARP, LLDP, PPP LCP) is not named.
	 */
	const char	*skip;
	unsigned	 skipnum;
	int		 skiphex;	/* the number is written in hex */
};

/*
 * Decode one link-layer frame of caplen bytes.  Returns SIP_OK with pkt
 * filled (proto 0 when the packet carries nothing SIP could ride on, such
 * as ARP or ICMP, or what was not decoded, with skip set), SIP_E_PARSE when it is truncated or malformed (why set),
 * SIP_E_UNSUPP for a link type this does not know (skip set too).  Pointers in pkt point
 * into data.
 */
enum sip_err	sip_pkt_decode(struct sip_pkt *pkt, int linktype,
		    const uint8_t *data, size_t caplen);

/*
 * Continue decoding a reassembled IP payload of protocol proto (17, 6,
 * 132, or a tunnel) with the addresses already in pkt.
 */
enum sip_err	sip_pkt_decode_ip_payload(struct sip_pkt *pkt, int proto,
		    const uint8_t *data, size_t len);

/* Format an address as text (IPv6 in RFC 5952 form) into dst; returns dst. */
char	*sip_pkt_ntop(const struct sip_ipaddr *a, char *dst, size_t dstsz);

#endif
