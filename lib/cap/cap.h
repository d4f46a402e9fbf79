/*
 * cap.h - SIP messages out of packet captures, through libpcap: pcap and
 * pcapng streams (lib/input.h opens files of any kind) and live
 * interfaces.
 *
 * sip_cap_next() is an iterator: each call hands out the next SIP message
 * with the facts of the frame it arrived in (packet number from 1,
 * timestamp, addresses, ports, transport).  Packets that are not SIP are
 * skipped and counted; a truncated or malformed packet is returned as an
 * error with its packet number and reason, and the next call carries on
 * reading.  Nothing here prints.  Link layers and tunnels are decoded by
 * lib/pkt.c, fragments and TCP streams reassembled by lib/reasm.c, HEP
 * v2/v3 and SCTP DATA chunks unwrapped here.
 */
#ifndef SIPBOX_CAP_H
#define SIPBOX_CAP_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "mgcp.h"
#include "msg.h"
#include "pkt.h"
#include "reasm.h"
#include "tpname.h"

struct sip_cap;

struct sip_capmsg {
	unsigned long	 frame;		/* packet number, from 1 */
	uint64_t	 ts_ns;		/* capture time, ns since the epoch */
	struct sip_ipaddr src, dst;
	uint16_t	 sport, dport;
	enum sip_tp	 tp;		/* UDP, TCP, SCTP or WS */
	int		 hep;		/* carried in HEP (addresses from it) */
	int		 tunnel;	/* found inside a tunnel */
	struct sip_msg	*msg;		/* SIP_OK: the parsed message, or
					   NULL for an MGCP one */
	/* With sip_cap_mgcp(): an MGCP message instead (msg is NULL), the
	   mgcp_index'th (from 1) of those piggy-backed in its datagram. */
	const struct mgcp_msg *mgcp;
	unsigned	 mgcp_index;
	const char	*why;		/* an error: what was wrong */
	const char	*note;		/* SIP_OK, but repaired: what was */
	const char	*bad;		/* SIP_OK, but malformed: shown, flagged */
	size_t		 junk;		/* SIP_OK, but bytes before the start
					   line skipped (sip_msg_junk()) */
	/* The raw packet the message ended in (for writing it out). */
	const uint8_t	*pkt;
	uint32_t	 caplen, wirelen;
	uint64_t	 pkt_ts_ns;	/* its capture time (HEP may differ) */
	/*
	 * With sip_cap_keep_packets(): every packet that carried part of
	 * the message (IP fragments, TCP segments, WebSocket frames, SCTP
	 * chunks), in stream order; none when it came in one packet.
	 * parts_lost counts those not kept (SIP_MAX_MSG_PKTS or
	 * SIP_MAX_KEPT_MEM hit).
	 */
	const struct sip_reasm_part *parts;
	size_t		 nparts;
	unsigned long	 parts_lost;
};

struct sip_cap_stats {
	unsigned long	 packets;	/* records read */
	unsigned long	 messages;	/* SIP messages handed out */
	unsigned long	 malformed;	/* packets that did not decode */
	unsigned long	 truncated;	/* of those, cut by the snap length */
	unsigned long	 bad_sip;	/* SIP that did not parse */
	unsigned long	 mgcp;		/* MGCP messages handed out */
	unsigned long	 bad_mgcp;	/* MGCP whose first line did not parse */
	unsigned long	 repaired;	/* accepted with a missing last line end */
	unsigned long	 flagged;	/* handed out, flagged malformed (bad) */
	unsigned long	 not_sip;	/* UDP/TCP/SCTP payloads that were not SIP */
	unsigned long	 filtered;	/* not on --port */
	unsigned long	 tls;		/* TLS segments */
	unsigned long	 tls_failed;	/* TLS connections not decrypted */
	const char	*tls_why;	/* the last one's reason (static) */
	unsigned long	 hep;		/* messages out of HEP */
	unsigned long	 ws;		/* messages out of WebSocket frames */
	unsigned long	 sctp;		/* messages out of SCTP DATA chunks */
	unsigned long	 sctp_partial;	/* DATA chunks of messages not begun */
	unsigned long	 fragments;	/* IP fragments */
	unsigned long	 reassembled;	/* datagrams made of them */
	unsigned long	 frag_dropped;	/* incomplete: table full or timed out */
	unsigned long	 tcp_retrans;	/* duplicate TCP data dropped */
	unsigned long	 tcp_reordered;	/* segments that arrived early */
	unsigned long	 tcp_gaps;	/* TCP data lost, stream resynced */
	unsigned long	 caps_hit;	/* buffer or table caps hit */
	/* Link layers and tunnels not decoded (sip_cap_skipped()). */
	unsigned long	 skipped;
	/* Records longer than the file's snap length, read whole. */
	unsigned long	 oversnap;
	unsigned long	 snaplen;	/* that snap length */
};

/*
 * Read a capture (pcap or pcapng) from fp, which need not seek (a file
 * from lib/input.h, a pipe).  On failure returns SIP_E_PARSE with
 * libpcap's message in err, and fp is left open; on success fp is
 * closed by sip_cap_free(), which frees *cp.
 */
struct sip_tlsdec_keys;

enum sip_err	sip_cap_open_fp(struct sip_cap **cp, FILE *fp, char *err,
		    size_t errsz);
/*
 * Capture live on iface (needs privilege to open; nothing after).
 * SIP_E_SYS with the reason in err when the device cannot be opened.
 */
enum sip_err	sip_cap_open_live(struct sip_cap **cp, const char *iface,
		    char *err, size_t errsz);
/* Apply a BPF filter expression (tcpdump syntax); SIP_E_INVAL with err. */
enum sip_err	sip_cap_filter(struct sip_cap *c, const char *expr, char *err,
		    size_t errsz);
/* Only messages to or from port (0: any port, the default). */
void		sip_cap_port(struct sip_cap *c, unsigned port);
/*
 * Decrypt TLS over TCP with the secrets of keys (lib/tlsdec.h), which
 * must outlive c; its messages have transport TLS.
 */
void		sip_cap_keylog(struct sip_cap *c,
		    const struct sip_tlsdec_keys *keys);
/*
 * Hand out MGCP text messages too (RFC 3435, lib/mgcp.h): UDP payloads
 * to or from port 2427 or 2727 that are not SIP, and on any other port
 * those whose first line is an MGCP command with a known verb or a
 * response line.  Each piggy-backed message is handed out on its own,
 * with cm->mgcp set and cm->msg NULL; off by default.
 */
void		sip_cap_mgcp(struct sip_cap *c);
/*
 * Keep a copy of every packet a message in reassembly used, so that
 * cm->parts lists them (for sip_cap_dump()); off by default.
 */
void		sip_cap_keep_packets(struct sip_cap *c);
/*
 * The next message: SIP_OK (cm filled, valid until the next call),
 * SIP_E_PARSE or SIP_E_TOOBIG for a bad packet or a cap that was hit
 * (cm->frame and cm->why say which; call again to go on),
 * SIP_E_NOTFOUND at the end of the capture, SIP_E_SYS for a read error
 * (sip_cap_error() says what).
 */
enum sip_err	sip_cap_next(struct sip_cap *c, struct sip_capmsg *cm);
/* Counters so far. */
const struct sip_cap_stats	*sip_cap_stats(struct sip_cap *c);
/*
 * The kinds of link layer or tunnel skipped so far (lib/pkt.h's skip),
 * each with its number and how many packets: up to SIP_CAP_SKIP_KINDS
 * of them, the rest counted in *other.  Returns how many are in *v,
 * which stays valid until the next call of sip_cap_next().
 */
#define SIP_CAP_SKIP_KINDS	16
struct sip_cap_skip {
	const char	*what;		/* "GRE version", "Ethernet type"... */
	unsigned	 num;
	int		 hex;		/* num is written in hex */
	unsigned long	 count;
};
size_t		sip_cap_skipped(const struct sip_cap *c,
		    const struct sip_cap_skip **v, unsigned long *other);
/* libpcap's message after SIP_E_SYS. */
const char	*sip_cap_error(const struct sip_cap *c);
/* The link type (LINKTYPE/DLT number) of the capture. */
int		 sip_cap_linktype(const struct sip_cap *c);
/* Stop a live capture from a signal handler (the next call ends). */
void		 sip_cap_break(struct sip_cap *c);
void		 sip_cap_free(struct sip_cap *c);

/*
 * Load libpcap (dlopen) if it is not yet; the sip_cap_open functions do
 * it first.  SIP_E_UNSUPP with the reason in err when it cannot be.
 */
enum sip_err	 sip_cap_load(char *err, size_t errsz);
/* libpcap's version string once it is loaded, else NULL. */
const char	*sip_cap_lib_version(void);

/* Do these first bytes start a pcap or pcapng file? */
int		 sip_cap_is_capture(const void *p, size_t n);

/*
 * Writing packets out (-w): a pcap file with the input's link type.
 * sip_cap_dump() writes every packet of message cm from capture c (its
 * parts, or the one packet it came in), each packet once and in capture
 * order: a packet is held back while an older one may still turn out to
 * be part of a later message (at most SIP_MAX_DUMP_HELD bytes; past that
 * the oldest is written and counted by sip_cap_dump_late()).
 * sip_cap_dump_flush() writes what is held; call it before c is freed.
 */
struct sip_cap_dump;
enum sip_err	sip_cap_dump_open(struct sip_cap_dump **dp,
		    const struct sip_cap *c, const char *path, char *err,
		    size_t errsz);
enum sip_err	sip_cap_dump(struct sip_cap_dump *d, const struct sip_cap *c,
		    const struct sip_capmsg *cm);
void		sip_cap_dump_flush(struct sip_cap_dump *d);
/* Packets written before a packet older than them (the cap was hit). */
unsigned long	sip_cap_dump_late(const struct sip_cap_dump *d);
/* Flush and close; SIP_E_SYS when the file could not be written. */
enum sip_err	sip_cap_dump_close(struct sip_cap_dump *d);

#endif
