/*
 * bounds.h - every bound sipbox enforces, in one place.  Exceeding one is
 * an error (SIP_E_TOOBIG), never a silent truncation.
 */
#ifndef SIPBOX_BOUNDS_H
#define SIPBOX_BOUNDS_H

#define SIP_MAX_MSG		(1024u * 1024)	/* one message, head and body */
#define SIP_MAX_HEAD		(256u * 1024)	/* start line plus headers */
#define SIP_MAX_HDRS		256		/* header lines in one message */
#define SIP_MAX_LINE		(64u * 1024)	/* one header line, folded */
#define SIP_MAX_JUNK		1024		/* bytes before a start line skipped */
#define SIP_MAX_BODY		(SIP_MAX_MSG)	/* Content-Length */
#define SIP_MAX_URI_PARAMS	32		/* ;params in one URI */
#define SIP_MAX_URI_HEADERS	16		/* ?headers in one URI */
#define SIP_MAX_HDR_PARAMS	32		/* ;params in one header value */
#define SIP_MAX_ROUTE_SET	32		/* routes in a dialog's route set */
#define SIP_MAX_CSEQ		2147483647u	/* RFC 3261 8.1.1.5: < 2^31 */
#define SIP_MAX_MAXFWD		255u
#define SIP_UDP_MTU_LIMIT	1300	/* RFC 3261 18.1.1: larger goes by TCP */
#define SIP_RAND_POOL		4096	/* random bytes drawn at once (lib/rand.c) */
#define SDP_MAX_LINES		1024		/* lines in one SDP description */
#define SDP_MAX_MEDIA		64		/* m= sections in one description */
#define SDP_MAX_FINDINGS	256		/* sdp-lint findings kept per body */
#define SIP_MAX_INPUT		(1024u * 1024 * 1024)	/* one input file */

/* DNS stub client (lib/dns.c), RFC 3263 resolution (lib/resolve.c). */
#define SIP_DNS_MAX_NAME	253	/* a name as text (RFC 1035 2.3.4) */
#define SIP_DNS_MAX_MSG		65535u	/* a DNS message (TCP length prefix) */
#define SIP_DNS_EDNS_SIZE	1232u	/* UDP payload we ask for (RFC 6891) */
#define SIP_DNS_MAX_RR		64	/* answer records kept per message */
#define SIP_DNS_MAX_PTRS	64	/* compression pointers in one name */
#define SIP_DNS_MAX_CNAME	8	/* CNAME links followed per question */
#define SIP_DNS_TIMEOUT_MS	1000	/* first wait for an answer (doubles) */
#define SIP_DNS_TRIES		3	/* sends of one question */
#define SIP_RESOLVE_MAX_TARGETS	32	/* targets of one RFC 3263 resolution */
#define SIP_RESOLVE_MAX_QUERIES	32	/* DNS questions per resolution */
#define SIP_RESOLVE_CACHE_N	64	/* answers a resolver keeps (TTL) */
#define SIP_RESOLVE_WAIT_MS	30000	/* sip_resolve() waits at most */

/* Captures (lib/cap.c, lib/reasm.c). */
#define SIP_MAX_IP_DGRAM	65535u		/* a reassembled IP datagram */
#define SIP_MAX_FRAG_DGRAMS	64		/* datagrams being reassembled */
#define SIP_FRAG_TIMEOUT_S	30		/* capture seconds to complete one */
#define SIP_MAX_TCP_FLOWS	4096		/* TCP directions followed at once */
#define SIP_MAX_TCP_OOO		(256u * 1024)	/* out-of-order bytes per flow */
#define SIP_MAX_TCP_MEM		(16u * 1024 * 1024)	/* all TCP buffers */
#define SIP_TCP_IDLE_S		300		/* capture seconds before a flow is dropped */
#define SIP_MAX_DIALOGS		10000		/* --calls, --stats, --flow table */
#define SIP_MAX_SCTP_PARTS	64		/* SCTP messages being joined */
#define SIP_MAX_FLOW_EVENTS	200000		/* messages kept for --flow */
#define SIP_MAX_MSG_PKTS	1024		/* packets kept per message for -w */
#define SIP_MAX_KEPT_MEM	(32u * 1024 * 1024)	/* all packets kept for -w */
#define SIP_MAX_DUMP_HELD	(32u * 1024 * 1024)	/* -w packets held to write in order */

#endif
