/*
 * reasm.h - IP fragment reassembly (IPv4 and IPv6) and TCP stream
 * reassembly for captures, with every buffer capped (lib/bounds.h).
 *
 * Both work on capture time (nanoseconds) handed in by the caller, never
 * the clock.  Hitting a cap is counted in the stats and returned as
 * SIP_E_TOOBIG so the caller can report it; reassembly carries on.
 */
#ifndef SIPBOX_REASM_H
#define SIPBOX_REASM_H

#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "lru.h"
#include "pkt.h"
#include "stream.h"
#include "tlsdec.h"

/* ---- packets kept for writing out (sip-parse -w) ---- */

/*
 * A copy of a captured packet that carried part of a message still being
 * reassembled, so that every packet of a message can be written out, not
 * only the one it ended in.  Records are reference counted (one TCP
 * segment can carry the end of one message and the start of the next)
 * and linked in capture order in their pool, so the oldest packet still
 * held is known at once.
 */
struct sip_reasm_rec {
	struct sip_reasm_rec	*older, *newer;	/* the pool, capture order */
	unsigned		 refs;
	unsigned long		 frame;		/* packet number */
	uint64_t		 ts_ns;
	uint32_t		 caplen, wirelen;
	uint8_t			 data[];
};

struct sip_reasm_pool {
	struct sip_reasm_rec	*oldest, *newest;
	size_t			 mem;		/* bytes in all records */
	unsigned long		 refused;	/* not kept: SIP_MAX_KEPT_MEM */
};

/* One packet of a message: its record and the stream bytes it carried. */
struct sip_reasm_part {
	struct sip_reasm_rec	*rec;
	uint64_t		 start, end;	/* TCP stream offsets */
};

/* The packets of one pending message (at most SIP_MAX_MSG_PKTS). */
struct sip_reasm_parts {
	struct sip_reasm_part	*v;
	size_t			 first, n, cap;	/* live: v[first..n) */
	unsigned long		 lost;		/* not kept: a cap was hit */
};

/*
 * A record of the packet (frame, ts_ns, caplen bytes of data, wirelen on
 * the wire) with one reference held by the caller; NULL when the pool's
 * memory cap is hit (counted in refused) or memory ran out.
 */
struct sip_reasm_rec	*sip_reasm_rec_new(struct sip_reasm_pool *pool,
			    unsigned long frame, uint64_t ts_ns,
			    const uint8_t *data, uint32_t caplen,
			    uint32_t wirelen);
void	sip_reasm_rec_unref(struct sip_reasm_pool *pool,
	    struct sip_reasm_rec *r);
/* Append rec (may be NULL: counted as lost) to ps with a reference. */
void	sip_reasm_parts_add(struct sip_reasm_pool *pool,
	    struct sip_reasm_parts *ps, struct sip_reasm_rec *rec,
	    uint64_t start, uint64_t end);
void	sip_reasm_parts_clear(struct sip_reasm_pool *pool,
	    struct sip_reasm_parts *ps);
/* The packet number of the oldest record still held; 0 when none. */
unsigned long	sip_reasm_pool_oldest(const struct sip_reasm_pool *pool);

/* ---- IP fragments ---- */

struct sip_reasm_dgram {
	int		 used;
	struct sip_ipaddr src, dst;
	uint32_t	 id;
	int		 proto;
	uint64_t	 first_ns;
	size_t		 total;		/* 0 until the last fragment is seen */
	size_t		 have;		/* highest byte written */
	uint8_t		*data;		/* SIP_MAX_IP_DGRAM bytes */
	struct sip_reasm_parts parts;	/* its packets, when keeping them */
	uint8_t		 map[SIP_MAX_IP_DGRAM / 8 / 8 + 1];	/* 8-byte blocks */
};

struct sip_reasm_frag {
	struct sip_reasm_dgram	 d[SIP_MAX_FRAG_DGRAMS];
	int			 done;		/* entry handed out, -1 none */
	struct sip_reasm_pool	*pool;		/* keep packets (NULL: do not) */
	unsigned long		 fragments;	/* fragments seen */
	unsigned long		 completed;	/* datagrams reassembled */
	unsigned long		 evicted;	/* dropped: table full */
	unsigned long		 expired;	/* dropped: timed out */
};

void	sip_reasm_frag_init(struct sip_reasm_frag *f);
void	sip_reasm_frag_release(struct sip_reasm_frag *f);
/*
 * Add the fragment pkt (pkt->frag set by sip_pkt_decode), carried by the
 * packets via[0..nvia) (none when packets are not kept, f->pool NULL;
 * more than one when the fragment came out of a reassembled datagram).  SIP_OK when the datagram is complete: *out and *outlen give
 * its payload (protocol pkt->frag_proto), and sip_reasm_frag_parts() its
 * packets, valid until sip_reasm_frag_settle() or the next datagram
 * completes (pkt may point into the last one: fragments in a tunnel
 * inside fragments).  SIP_E_PARTIAL while
 * fragments are missing; SIP_E_PARSE for a fragment past 65535 bytes;
 * SIP_E_TOOBIG when an incomplete datagram had to be dropped to make
 * room (the new fragment is kept); SIP_E_NOMEM.
 */
enum sip_err	sip_reasm_frag_add(struct sip_reasm_frag *f,
		    const struct sip_pkt *pkt, const struct sip_reasm_part *via,
		    size_t nvia, uint64_t now_ns, const uint8_t **out,
		    size_t *outlen);

/* The packets of the datagram just completed (empty when not kept). */
const struct sip_reasm_parts	*sip_reasm_frag_parts(const struct sip_reasm_frag *f);
/* Let go of the datagram handed out last. */
void	sip_reasm_frag_settle(struct sip_reasm_frag *f);

/* ---- TCP streams ---- */

enum sip_reasm_mode {
	SIP_REASM_HUNT,		/* waiting for a segment that starts a message */
	SIP_REASM_SIP,		/* SIP framed by Content-Length */
	SIP_REASM_WS_HTTP,	/* WebSocket: in the HTTP upgrade */
	SIP_REASM_WS,		/* WebSocket frames (RFC 6455, RFC 7118) */
	SIP_REASM_HEP,		/* HEP3 packets framed by their length */
	SIP_REASM_TLS		/* TLS: counted; decrypted with a key log */
};

struct sip_reasm_seg {
	struct sip_reasm_seg	*next;
	uint32_t		 seq;
	size_t			 len;
	struct sip_reasm_part	*recs;		/* its packets, when kept */
	size_t			 nrecs;
	uint8_t			 data[];
};

struct sip_reasm_flow {
	struct sip_reasm_flow	*hnext;		/* hash chain */
	struct sip_lru_link	 lru;		/* by last segment, oldest first */
	struct sip_ipaddr	 src, dst;
	uint16_t		 sport, dport;
	int			 synced;	/* next is known */
	uint32_t		 next;		/* next expected sequence number */
	enum sip_reasm_mode	 mode;
	struct sip_stream	 st;		/* in-order bytes not yet framed */
	size_t			 junk;		/* skipped before the next message */
	struct sip_reasm_seg	*ooo;		/* out-of-order, sorted by seq */
	size_t			 ooo_bytes;
	uint64_t		 last_ns;
	int			 closed;	/* FIN or RST seen */
	/* Packets of the buffered bytes, when kept (stream offsets). */
	uint64_t		 in_off;	/* offset of the first pending byte */
	struct sip_reasm_parts	 parts;
	size_t			 out_first, out_n;	/* the last message's */
	unsigned long		 out_lost;
	/* TLS with a key log: the connection's decrypter, shared by both sides. */
	struct sip_tlsdec	*tls;
	int			 tls_side;	/* 0 or 1 */
	int			 tls_failed;	/* reported once */
};

#define SIP_REASM_BUCKETS	4096

struct sip_reasm_tcp {
	struct sip_reasm_flow	*bucket[SIP_REASM_BUCKETS];
	struct sip_reasm_flow	*dead;		/* freed on the next call */
	struct sip_lru		 lru;		/* least to most recently used */
	struct sip_reasm_pool	*pool;		/* keep packets (NULL: do not) */
	size_t			 nflows;
	size_t			 mem;		/* bytes buffered in all flows */
	uint64_t		 last_sweep_ns;
	unsigned long		 segments;	/* with payload */
	unsigned long		 retrans;	/* duplicate data dropped */
	unsigned long		 reordered;	/* segments that came early */
	unsigned long		 gaps;		/* data lost, stream resynced */
	unsigned long		 evicted;	/* flows dropped: table full */
	unsigned long		 overflows;	/* buffer caps hit */
	unsigned long		 tls;		/* TLS segments */
	/* With keys set, TLS is decrypted and framed as SIP. */
	const struct sip_tlsdec_keys *keys;
	unsigned long		 tls_failed;	/* flows that could not be */
	const char		*tls_why;	/* the last one's reason */
	uint8_t			*tls_out;	/* plaintext of one record */
};

void	sip_reasm_tcp_init(struct sip_reasm_tcp *t);
void	sip_reasm_tcp_release(struct sip_reasm_tcp *t);
/*
 * Add the TCP segment pkt, carried by the packets via[0..nvia) (none
 * when packets are not kept; more than one for IP fragments).
 * *flowp is set to its flow (or NULL when the
 * segment was dropped); the caller then takes messages out of the flow
 * with sip_reasm_tcp_next() until it returns SIP_E_PARTIAL.  Returns
 * SIP_OK, or SIP_E_TOOBIG when a cap was hit and data was dropped (the
 * stream resyncs at the next message), or SIP_E_NOMEM.
 */
enum sip_err	sip_reasm_tcp_add(struct sip_reasm_tcp *t,
		    const struct sip_pkt *pkt, uint64_t now_ns,
		    const struct sip_reasm_part *via, size_t nvia,
		    struct sip_reasm_flow **flowp);
/*
 * The next complete SIP message on fl: SIP_OK with m filled (valid until
 * the next call on fl), SIP_E_PARTIAL when more bytes are needed,
 * SIP_E_PARSE (pe filled) when the stream could not be framed: its
 * bytes are dropped and the flow hunts for the next start line.  With
 * packets kept, fl->parts.v[fl->out_first] and the fl->out_n after it
 * are the packets of the message, fl->out_lost how many were not kept.
 */
enum sip_err	sip_reasm_tcp_next(struct sip_reasm_tcp *t,
		    struct sip_reasm_flow *fl, struct sip_msg *m,
		    struct sip_perr *pe);

/*
 * The next whole HEP3 packet on a flow in SIP_REASM_HEP mode: SIP_OK with
 * *out and *outlen (valid until the next call on fl; its packets in
 * fl->parts as for sip_reasm_tcp_next()), SIP_E_PARTIAL when more bytes
 * are needed, SIP_E_PARSE (pe filled) when the stream lost its framing:
 * its bytes are dropped and the flow hunts for the next start.
 */
enum sip_err	sip_reasm_tcp_next_hep(struct sip_reasm_tcp *t,
		    struct sip_reasm_flow *fl, const uint8_t **out,
		    size_t *outlen, struct sip_perr *pe);
/* The flow pkt belongs to, or NULL when none is followed. */
struct sip_reasm_flow	*sip_reasm_tcp_find(struct sip_reasm_tcp *t,
			    const struct sip_pkt *pkt);

/* Does p look like the start of a SIP message (request or status line)? */
int	sip_reasm_is_sip(const uint8_t *p, size_t n);

#endif
