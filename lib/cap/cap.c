/*
 * cap.c - SIP messages out of captures: libpcap input, then lib/pkt.c
 * decoding, lib/reasm.c reassembly, and the carriers unwrapped here:
 * HEP v2 and v3 (the Homer encapsulation protocol, HEP3 chunk types 1-15)
 * and SCTP DATA chunks (RFC 9260 3.3.1, RFC 4168 for SIP over SCTP).
 */
#include <byteswap.h>
#include <dlfcn.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cap.h"
#include "hep.h"
#include "reasm.h"
#include "snaplen.h"

/* A SIP message split over SCTP DATA chunks (RFC 9260 6.9), being joined. */
struct sctp_part {
	int			 used;
	struct sip_ipaddr	 src, dst;
	uint16_t		 sport, dport, sid;
	uint32_t		 next_tsn;
	uint64_t		 ts_ns;
	struct buf		 b;
	struct sip_reasm_parts	 parts;		/* its packets, when kept */
};

struct sip_cap {
	pcap_t			*p;
	FILE			*fp;		/* closed by pcap_close */
	int			 nano;		/* timestamps in ns */
	int			 linktype;
	unsigned		 port;
	struct sip_snaplen	*snap;		/* raises a small snap length */
	char			 err[PCAP_ERRBUF_SIZE + 64];
	struct sip_cap_stats	 st;
	struct sip_msg		 m;
	struct buf		 scratch;	/* a datagram being repaired */
	struct sip_reasm_frag	 frag;
	struct sip_reasm_tcp	 tcp;
	struct sip_reasm_pool	 pool;		/* packets kept for -w */
	int			 keep;
	/* MGCP (sip_cap_mgcp()): the datagram's messages still to hand
	   out, and the facts of the frame they came in. */
	int			 mgcp_on;
	struct mgcp_msg		 mg;
	struct slice		 mg_rest;
	struct sip_capmsg	 mg_facts;
	unsigned		 mg_index;
	/* A pcap file read here, not by libpcap (rd_setup()). */
	FILE			*rfp;		/* NULL: libpcap reads */
	int			 rswap, rscale;
	uint8_t			*rb;
	size_t			 rbsz, rpos, rlen;
	int			 reof, rerrno;	/* rerrno: -1 none */
	struct pcap_pkthdr	 rhdr;
	/* The packet being taken apart. */
	struct pcap_pkthdr	*hdr;
	const uint8_t		*data;
	struct sip_pkt		 pkt;
	uint64_t		 ts_ns;
	struct sip_reasm_rec	*rec;		/* its record, when kept */
	const struct sip_reasm_parts *dgparts;	/* its fragments, when kept */
	struct sctp_part	*sctp_done;	/* handed out; let go next packet */
	/* Messages still to hand out from it. */
	struct sip_reasm_flow	*flow;		/* TCP */
	const uint8_t		*chunks;	/* SCTP */
	size_t			 nchunks;
	struct sctp_part	 part[SIP_MAX_SCTP_PARTS];
	struct sip_cap_skip	 skip[SIP_CAP_SKIP_KINDS];
	size_t			 nskip;
	unsigned long		 skip_other;
};

/*
 * libpcap comes in by dlopen() when the first capture is opened: linked
 * in, it and what it needs (D-Bus, systemd, libgcrypt, four compression
 * libraries) were loaded by every run of every applet, most of sipbox's
 * start-up time.  These are the functions used, called through pc.
 */
#define PCAP_FUNCS(X) \
	X(pcap_activate) \
	X(pcap_breakloop) \
	X(pcap_close) \
	X(pcap_compile) \
	X(pcap_create) \
	X(pcap_datalink) \
	X(pcap_dump) \
	X(pcap_dump_close) \
	X(pcap_dump_flush) \
	X(pcap_dump_open) \
	X(pcap_fopen_offline_with_tstamp_precision) \
	X(pcap_freecode) \
	X(pcap_get_tstamp_precision) \
	X(pcap_geterr) \
	X(pcap_lib_version) \
	X(pcap_next_ex) \
	X(pcap_open_dead_with_tstamp_precision) \
	X(pcap_open_offline_with_tstamp_precision) \
	X(pcap_set_immediate_mode) \
	X(pcap_set_promisc) \
	X(pcap_set_snaplen) \
	X(pcap_set_timeout) \
	X(pcap_set_tstamp_precision) \
	X(pcap_setfilter) \
	X(pcap_snapshot)

static struct {
#define X(f)	__typeof__(f) *f;
	PCAP_FUNCS(X)
#undef X
} pc;
static int pc_loaded;

enum sip_err
sip_cap_load(char *err, size_t errsz)
{
	/* the SONAME: upstream's, Debian's, then whatever the .so link is */
	static const char *const names[] = { "libpcap.so.1",
	    "libpcap.so.0.8", "libpcap.so" };
	void *h = NULL;

	if (pc_loaded)
		return SIP_OK;
	for (size_t i = 0; h == NULL && i < sizeof names / sizeof names[0];
	    i++)
		h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		snprintf(err, errsz, "captures need libpcap: %s", dlerror());
		return SIP_E_UNSUPP;
	}
#define X(f)								\
	if ((pc.f = (__typeof__(f) *)dlsym(h, #f)) == NULL) {		\
		snprintf(err, errsz, "libpcap has no %s: too old", #f);	\
		dlclose(h);						\
		return SIP_E_UNSUPP;					\
	}
	PCAP_FUNCS(X)
#undef X
	pc_loaded = 1;
	return SIP_OK;
}

const char *
sip_cap_lib_version(void)
{
	return pc_loaded ? pc.pcap_lib_version() : NULL;
}

int
sip_cap_is_capture(const void *v, size_t n)
{
	const uint8_t *p = v;
	static const uint8_t magic[][4] = {
		{ 0xa1, 0xb2, 0xc3, 0xd4 }, { 0xd4, 0xc3, 0xb2, 0xa1 },
		{ 0xa1, 0xb2, 0x3c, 0x4d }, { 0x4d, 0x3c, 0xb2, 0xa1 },
		{ 0xa1, 0xb2, 0xcd, 0x34 }, { 0x34, 0xcd, 0xb2, 0xa1 },
		{ 0x0a, 0x0d, 0x0d, 0x0a },	/* pcapng section header */
	};
	size_t i;

	if (n < 4)
		return 0;
	for (i = 0; i < sizeof(magic) / sizeof(magic[0]); i++)
		if (memcmp(p, magic[i], 4) == 0)
			return 1;
	return 0;
}

static void	rd_setup(struct sip_cap *, FILE *);

static struct sip_cap *
cap_new(void)
{
	struct sip_cap *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	sip_reasm_frag_init(&c->frag);
	sip_reasm_tcp_init(&c->tcp);
	buf_init(&c->scratch, SIP_MAX_IP_DGRAM + 8);
	return c;
}

static void
set_err(char *err, size_t errsz, const char *msg)
{
	if (errsz > 0) {
		size_t n = strlen(msg);

		if (n >= errsz)
			n = errsz - 1;
		memcpy(err, msg, n);
		err[n] = '\0';
	}
}

static enum sip_err
cap_opened(struct sip_cap **cp, struct sip_cap *c, pcap_t *p, int nano)
{
	c->p = p;
	c->nano = nano;
	c->linktype = pc.pcap_datalink(p);
	*cp = c;
	return SIP_OK;
}

enum sip_err
sip_cap_open_fp(struct sip_cap **cp, FILE *fp, char *err, size_t errsz)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct sip_cap *c;
	pcap_t *p;
	FILE *wfp;
	enum sip_err e;

	*cp = NULL;
	if ((e = sip_cap_load(err, errsz)) != SIP_OK)
		return e;
	if ((c = cap_new()) == NULL)
		return SIP_E_NOMEM;
	if (sip_snaplen_open(&c->snap, fp, &wfp) != SIP_OK) {
		free(c);
		return SIP_E_NOMEM;
	}
	p = pc.pcap_fopen_offline_with_tstamp_precision(wfp,
	    PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (p == NULL) {
		set_err(err, errsz, ebuf);
		sip_snaplen_keep_fp(c->snap);
		fclose(wfp);
		free(c);
		return SIP_E_PARSE;
	}
	cap_opened(cp, c, p, 1);
	rd_setup(c, wfp);
	return SIP_OK;
}

enum sip_err
sip_cap_open_live(struct sip_cap **cp, const char *iface, char *err,
    size_t errsz)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct sip_cap *c;
	pcap_t *p;
	enum sip_err e;
	int nano = 0;

	*cp = NULL;
	if ((e = sip_cap_load(err, errsz)) != SIP_OK)
		return e;
	if ((c = cap_new()) == NULL)
		return SIP_E_NOMEM;
	if ((p = pc.pcap_create(iface, ebuf)) == NULL) {
		set_err(err, errsz, ebuf);
		free(c);
		return SIP_E_SYS;
	}
	(void)pc.pcap_set_snaplen(p, 262144);
	(void)pc.pcap_set_promisc(p, 1);
	(void)pc.pcap_set_timeout(p, 200);
	(void)pc.pcap_set_immediate_mode(p, 1);
	if (pc.pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO) == 0)
		nano = 1;
	if (pc.pcap_activate(p) < 0) {
		set_err(err, errsz, pc.pcap_geterr(p));
		pc.pcap_close(p);
		free(c);
		return SIP_E_SYS;
	}
	if (nano && pc.pcap_get_tstamp_precision(p) != PCAP_TSTAMP_PRECISION_NANO)
		nano = 0;
	return cap_opened(cp, c, p, nano);
}

enum sip_err
sip_cap_filter(struct sip_cap *c, const char *expr, char *err, size_t errsz)
{
	struct bpf_program prog;

	c->rfp = NULL;	/* libpcap filters what it reads; nothing read yet */
	if (pc.pcap_compile(c->p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		set_err(err, errsz, pc.pcap_geterr(c->p));
		return SIP_E_INVAL;
	}
	if (pc.pcap_setfilter(c->p, &prog) != 0) {
		set_err(err, errsz, pc.pcap_geterr(c->p));
		pc.pcap_freecode(&prog);
		return SIP_E_INVAL;
	}
	pc.pcap_freecode(&prog);
	return SIP_OK;
}

void
sip_cap_port(struct sip_cap *c, unsigned port)
{
	c->port = port;
}

void
sip_cap_keylog(struct sip_cap *c, const struct sip_tlsdec_keys *keys)
{
	c->tcp.keys = keys;
}

void
sip_cap_mgcp(struct sip_cap *c)
{
	c->mgcp_on = 1;
}

void
sip_cap_keep_packets(struct sip_cap *c)
{
	c->keep = 1;
	c->frag.pool = &c->pool;
	c->tcp.pool = &c->pool;
}

/* The record of the packet being taken apart, made on first use. */
static struct sip_reasm_rec *
cur_rec(struct sip_cap *c)
{
	if (c->keep && c->rec == NULL)
		c->rec = sip_reasm_rec_new(&c->pool, c->st.packets, c->ts_ns,
		    c->data, c->hdr->caplen, c->hdr->len);
	return c->rec;
}

const struct sip_cap_stats *
sip_cap_stats(struct sip_cap *c)
{
	c->st.fragments = c->frag.fragments;
	c->st.reassembled = c->frag.completed;
	c->st.frag_dropped = c->frag.evicted + c->frag.expired;
	c->st.tcp_retrans = c->tcp.retrans;
	c->st.tcp_reordered = c->tcp.reordered;
	c->st.tcp_gaps = c->tcp.gaps;
	c->st.tls = c->tcp.tls;
	c->st.tls_failed = c->tcp.tls_failed;
	c->st.tls_why = c->tcp.tls_why;
	return &c->st;
}

size_t
sip_cap_skipped(const struct sip_cap *c, const struct sip_cap_skip **v,
    unsigned long *other)
{
	*v = c->skip;
	*other = c->skip_other;
	return c->nskip;
}

/* Count what the packet's decoding left undone, by kind. */
static void
note_skip(struct sip_cap *c)
{
	size_t i;

	c->st.skipped++;
	for (i = 0; i < c->nskip; i++)
		if (c->skip[i].what == c->pkt.skip &&
		    c->skip[i].num == c->pkt.skipnum) {
			c->skip[i].count++;
			return;
		}
	if (c->nskip == SIP_CAP_SKIP_KINDS) {
		c->skip_other++;
		return;
	}
	c->skip[c->nskip].what = c->pkt.skip;
	c->skip[c->nskip].num = c->pkt.skipnum;
	c->skip[c->nskip].hex = c->pkt.skiphex;
	c->skip[c->nskip++].count = 1;
}

const char *
sip_cap_error(const struct sip_cap *c)
{
	return c->err;
}

int
sip_cap_linktype(const struct sip_cap *c)
{
	return c->linktype;
}

void
sip_cap_break(struct sip_cap *c)
{
	pc.pcap_breakloop(c->p);
}

void
sip_cap_free(struct sip_cap *c)
{
	int i;

	if (c == NULL)
		return;
	if (c->p != NULL)
		pc.pcap_close(c->p);
	free(c->rb);
	sip_reasm_frag_release(&c->frag);
	sip_reasm_tcp_release(&c->tcp);
	buf_free(&c->scratch);
	for (i = 0; i < SIP_MAX_SCTP_PARTS; i++) {
		buf_free(&c->part[i].b);
		sip_reasm_parts_clear(&c->pool, &c->part[i].parts);
	}
	sip_reasm_rec_unref(&c->pool, c->rec);
	free(c);
}

/* ---- the message out ---- */

static void
with_parts(struct sip_capmsg *cm, const struct sip_reasm_parts *ps,
    size_t first, size_t n)
{
	cm->parts = n > 0 ? ps->v + first : NULL;
	cm->nparts = n;
	cm->parts_lost = ps->lost;
}

static void
facts(struct sip_cap *c, struct sip_capmsg *cm, enum sip_tp tp)
{
	memset(cm, 0, sizeof(*cm));
	cm->frame = c->st.packets;
	cm->ts_ns = c->ts_ns;
	cm->src = c->pkt.src;
	cm->dst = c->pkt.dst;
	cm->sport = c->pkt.sport;
	cm->dport = c->pkt.dport;
	cm->tp = tp;
	cm->tunnel = c->pkt.tunnel;
	cm->msg = &c->m;
	cm->pkt = c->data;
	cm->caplen = c->hdr->caplen;
	cm->wirelen = c->hdr->len;
	cm->pkt_ts_ns = c->ts_ns;
	if (c->dgparts != NULL)
		with_parts(cm, c->dgparts, c->dgparts->first,
		    c->dgparts->n - c->dgparts->first);
}

static int
port_ok(const struct sip_cap *c, unsigned sport, unsigned dport)
{
	return c->port == 0 || sport == c->port || dport == c->port;
}

/*
 * The datagram frames the message, so one that breaks the grammar is
 * still handed out, flagged with why (cm->bad): a Content-Length that is
 * not a number or too large is ignored, a last line cut short is left
 * off.  pe holds the first parse's error.
 */
static enum sip_err
lenient(struct sip_cap *c, struct sip_capmsg *cm, const uint8_t *p,
    size_t n, const struct sip_perr *pe)
{
	struct sip_perr pe2 = { 0, NULL };
	size_t ls = pe->off < n ? pe->off : n;
	const char *why = pe->why != NULL ? pe->why : "malformed SIP message";

	if (sip_msg_parse(&c->m, (const char *)p, n, SIP_PARSE_LENIENT,
	    &pe2) != SIP_OK) {
		/* The line the error is on, when nothing follows it. */
		while (ls > 0 && p[ls - 1] != '\n')
			ls--;
		if (ls == 0 || memchr(p + ls, '\n', n - ls) != NULL ||
		    sip_msg_parse(&c->m, (const char *)p, ls, SIP_PARSE_LENIENT,
		    &pe2) != SIP_OK)
			return SIP_E_PARSE;
		why = "last header line is cut short";
	}
	c->st.messages++;
	c->st.flagged++;
	cm->bad = why;
	return SIP_OK;
}

/* A datagram-like payload (UDP, SCTP chunk, HEP): SIP or skipped. */
static enum sip_err
datagram(struct sip_cap *c, struct sip_capmsg *cm, const uint8_t *p,
    size_t n)
{
	struct sip_perr pe = { 0, NULL };
	size_t j, from;
	enum sip_err e;

	/* The rule message files follow too (lib/msg.h). */
	if ((j = sip_msg_junk((const char *)p, n, &from)) > 0) {
		cm->junk = j - from;
		p += j;
		n -= j;
	}
	if (!sip_reasm_is_sip(p, n)) {
		c->st.not_sip++;
		return SIP_E_PARTIAL;	/* nothing to hand out */
	}
	e = sip_msg_parse(&c->m, (const char *)p, n, 0, &pe);
	if (e == SIP_E_PARSE && p[n - 1] != '\n' && pe.off >= n - 1) {
		/*
		 * Some senders (Zoiper, and tools that cut the datagram) end
		 * the last header without CRLF; with one added it parses.
		 */
		buf_reset(&c->scratch);
		if (buf_add(&c->scratch, p, n) == SIP_OK &&
		    buf_adds(&c->scratch, "\r\n") == SIP_OK &&
		    sip_msg_parse(&c->m, c->scratch.p, c->scratch.len, 0,
		    &pe) == SIP_OK) {
			c->st.repaired++;
			c->st.messages++;
			cm->note = "last header line has no line end";
			return SIP_OK;
		}
	}
	if (e == SIP_E_PARSE && lenient(c, cm, p, n, &pe) == SIP_OK)
		return SIP_OK;
	if (e == SIP_OK) {
		c->st.messages++;
		return SIP_OK;
	}
	c->st.bad_sip++;
	cm->why = pe.why != NULL ? pe.why : "malformed SIP message";
	return e == SIP_E_TOOBIG ? SIP_E_TOOBIG : SIP_E_PARSE;
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static enum sip_err	mgcp_more(struct sip_cap *, struct sip_capmsg *);

/*
 * The first MGCP message of a datagram, junk before its first line
 * skipped and counted by the rule SIP's follows (lib/mgcp.h mgcp_junk()).
 */
static enum sip_err
mgcp_first(struct sip_cap *c, struct sip_capmsg *cm, const uint8_t *p,
    size_t n)
{
	size_t j, from;

	c->mg_facts = *cm;
	if ((j = mgcp_junk((const char *)p, n, &from)) > 0) {
		c->mg_facts.junk = j - from;
		p += j;
		n -= j;
	}
	c->mg_rest = slice_make((const char *)p, n);
	c->mg_index = 0;
	return mgcp_more(c, cm);
}

/*
 * What HEP carried: MGCP when its protocol type says so (HEP3 type 6)
 * or, as on a capture's other ports, its first line is MGCP's; else SIP.
 */
static enum sip_err
hep_payload(struct sip_cap *c, struct sip_capmsg *cm, const uint8_t *p,
    size_t n, unsigned type)
{
	if (c->mgcp_on && n > 0 && (type == SIP_HEP_TYPE_MGCP ||
	    mgcp_looks((const char *)p, n, 1))) {
		return mgcp_first(c, cm, p, n);
	}
	return datagram(c, cm, p, n);
}

/* HEP v3: "HEP3", total length, then chunks (vendor, type, length). */
static enum sip_err
hep3(struct sip_cap *c, struct sip_capmsg *cm, const uint8_t *p, size_t n)
{
	size_t tot, off = 6, cl;
	const uint8_t *pl = NULL;
	size_t pllen = 0;
	unsigned type, proto = 17, ptype = 0;
	uint64_t sec = 0, usec = 0;
	int have_ts = 0;

	tot = (size_t)p[4] << 8 | p[5];
	if (tot < 6 || tot > n) {
		cm->why = "truncated HEP3 packet";
		return SIP_E_PARSE;
	}
	while (off + 6 <= tot) {
		type = (unsigned)p[off + 2] << 8 | p[off + 3];
		cl = (size_t)p[off + 4] << 8 | p[off + 5];
		if (cl < 6 || off + cl > tot) {
			cm->why = "bad HEP3 chunk length";
			return SIP_E_PARSE;
		}
		if (p[off] == 0 && p[off + 1] == 0) {	/* generic chunks */
			const uint8_t *v = p + off + 6;
			size_t vl = cl - 6;

			switch (type) {
			case 2:
				if (vl >= 1)
					proto = v[0];
				break;
			case 3: case 4:
				if (vl == 4) {
					struct sip_ipaddr *a = type == 3 ?
					    &cm->src : &cm->dst;

					memset(a, 0, sizeof(*a));
					a->family = 4;
					memcpy(a->a, v, 4);
				}
				break;
			case 5: case 6:
				if (vl == 16) {
					struct sip_ipaddr *a = type == 5 ?
					    &cm->src : &cm->dst;

					a->family = 6;
					memcpy(a->a, v, 16);
				}
				break;
			case 7: case 8:
				if (vl == 2) {
					uint16_t port = (uint16_t)(v[0] << 8 | v[1]);

					if (type == 7)
						cm->sport = port;
					else
						cm->dport = port;
				}
				break;
			case 9:
				if (vl == 4) {
					sec = rd32(v);
					have_ts = 1;
				}
				break;
			case 10:
				if (vl == 4)
					usec = rd32(v);
				break;
			case SIP_HEP_TYPE:
				if (vl >= 1)
					ptype = v[0];
				break;
			case 15:
				pl = v;
				pllen = vl;
				break;
			}
		}
		off += cl;
	}
	if (pl == NULL) {
		c->st.not_sip++;
		return SIP_E_PARTIAL;
	}
	if (have_ts)
		cm->ts_ns = sec * 1000000000ull + usec * 1000ull;
	cm->tp = proto == 6 ? SIP_TP_TCP : proto == 132 ? SIP_TP_SCTP :
	    SIP_TP_UDP;
	cm->hep = 1;
	return hep_payload(c, cm, pl, pllen, ptype);
}

/* HEP v1/v2: a fixed header, then the payload. */
static enum sip_err
hep2(struct sip_cap *c, struct sip_capmsg *cm, const uint8_t *p, size_t n)
{
	size_t hl = p[1], al;
	unsigned fam = p[2];

	al = fam == 2 ? 4 : fam == 10 ? 16 : 0;
	if (al == 0 || hl < 8 + 2 * al || hl > n)
		return SIP_E_NOTFOUND;	/* not HEP after all */
	memset(&cm->src, 0, sizeof(cm->src));
	memset(&cm->dst, 0, sizeof(cm->dst));
	cm->src.family = cm->dst.family = al == 4 ? 4 : 6;
	cm->sport = (uint16_t)(p[4] << 8 | p[5]);
	cm->dport = (uint16_t)(p[6] << 8 | p[7]);
	memcpy(cm->src.a, p + 8, al);
	memcpy(cm->dst.a, p + 8 + al, al);
	if (p[0] == 2 && hl >= 8 + 2 * al + 8) {
		/* time fields in the sender's (little-endian) byte order */
		const uint8_t *t = p + 8 + 2 * al;
		uint64_t sec = (uint64_t)t[0] | (uint64_t)t[1] << 8 |
		    (uint64_t)t[2] << 16 | (uint64_t)t[3] << 24;
		uint64_t usec = (uint64_t)t[4] | (uint64_t)t[5] << 8 |
		    (uint64_t)t[6] << 16 | (uint64_t)t[7] << 24;

		cm->ts_ns = sec * 1000000000ull + usec * 1000ull;
	}
	cm->tp = p[3] == 6 ? SIP_TP_TCP : SIP_TP_UDP;
	cm->hep = 1;
	return hep_payload(c, cm, p + hl, n - hl, 0);
}

/* The next piggy-backed MGCP message of the datagram, if any is left. */
static enum sip_err
mgcp_more(struct sip_cap *c, struct sip_capmsg *cm)
{
	struct slice one;

	if (!mgcp_next(&c->mg_rest, &one)) {
		c->mg_rest = SLICE_NULL;
		return SIP_E_PARTIAL;
	}
	*cm = c->mg_facts;
	c->mg_facts.junk = 0;		/* the first message's alone */
	cm->msg = NULL;
	cm->mgcp = &c->mg;
	cm->mgcp_index = ++c->mg_index;
	if (mgcp_parse(&c->mg, one.p, one.len) != SIP_OK) {
		c->st.bad_mgcp++;
		cm->why = c->mg.bad;
		return SIP_E_PARSE;
	}
	c->st.mgcp++;
	if (c->mg.bad != NULL || cm->bad != NULL) {
		c->st.flagged++;
		if (c->mg.bad != NULL)
			cm->bad = c->mg.bad;
	}
	return SIP_OK;
}

/*
 * An MGCP datagram: on its ports anything that is not SIP, elsewhere a
 * first line of a known verb or a response (RFC 3435 3.5: 2427 at
 * gateways, 2727 at call agents).
 */
static int
is_mgcp(const struct sip_cap *c, const uint8_t *p, size_t n)
{
	unsigned sp = c->pkt.sport, dp = c->pkt.dport;

	if (!c->mgcp_on || n == 0)
		return 0;
	if (sp == MGCP_PORT_GW || sp == MGCP_PORT_CA || dp == MGCP_PORT_GW ||
	    dp == MGCP_PORT_CA)
		return !sip_reasm_is_sip(p, n);
	/* No SIP start line passes: its second word is no transaction id. */
	return mgcp_looks((const char *)p, n, 1);
}

/* A message out of HEP whose ports --port leaves out: not counted. */
static enum sip_err
hep_filtered(struct sip_cap *c, struct sip_capmsg *cm)
{
	c->st.filtered++;
	if (cm->mgcp != NULL) {
		c->st.mgcp--;
		c->mg_rest = SLICE_NULL;	/* nor its piggy-backed ones */
	} else
		c->st.messages--;
	return SIP_E_PARTIAL;
}

static enum sip_err
udp(struct sip_cap *c, struct sip_capmsg *cm)
{
	const uint8_t *p = c->pkt.payload;
	size_t n = c->pkt.len;
	enum sip_err e;

	facts(c, cm, SIP_TP_UDP);
	if (n >= 6 && memcmp(p, "HEP3", 4) == 0) {
		if ((e = hep3(c, cm, p, n)) == SIP_OK)
			c->st.hep++;
		if (e == SIP_OK && !port_ok(c, cm->sport, cm->dport))
			return hep_filtered(c, cm);
		return e;
	}
	if (n >= 8 && (p[0] == 1 || p[0] == 2) && (p[2] == 2 || p[2] == 10) &&
	    !sip_reasm_is_sip(p, n)) {
		e = hep2(c, cm, p, n);
		if (e != SIP_E_NOTFOUND) {
			if (e == SIP_OK)
				c->st.hep++;
			if (e == SIP_OK && !port_ok(c, cm->sport, cm->dport))
				return hep_filtered(c, cm);
			return e;
		}
		facts(c, cm, SIP_TP_UDP);
	}
	if (!port_ok(c, c->pkt.sport, c->pkt.dport)) {
		c->st.filtered++;
		return SIP_E_PARTIAL;
	}
	if (is_mgcp(c, p, n)) {
		cm->bad = c->pkt.lenbad;
		return mgcp_first(c, cm, p, n);
	}
	if ((e = datagram(c, cm, p, n)) == SIP_OK && c->pkt.lenbad != NULL) {
		if (cm->bad == NULL)
			c->st.flagged++;
		cm->bad = c->pkt.lenbad;
	}
	return e;
}

/*
 * A DATA chunk that is part of a message: join it to the others of its
 * stream.  Returns 1 with *p and *n set when the message is complete.
 */
/* Keep the packet(s) carrying this chunk with the message, once each. */
static void
sctp_keep(struct sip_cap *c, struct sctp_part *sp)
{
	const struct sip_reasm_parts *ps = &sp->parts;
	const struct sip_reasm_parts *dg = c->dgparts;
	size_t i;

	if (ps->n > ps->first && (ps->v[ps->n - 1].rec == c->rec ||
	    (dg != NULL && dg->n > dg->first &&
	    ps->v[ps->n - 1].rec == dg->v[dg->n - 1].rec)))
		return;		/* a second chunk in the same packet */
	if (dg != NULL && dg->n > dg->first) {
		for (i = dg->first; i < dg->n; i++)
			sip_reasm_parts_add(&c->pool, &sp->parts, dg->v[i].rec,
			    0, 0);
		sp->parts.lost += dg->lost;
	} else
		sip_reasm_parts_add(&c->pool, &sp->parts, cur_rec(c), 0, 0);
}

static int
sctp_join(struct sip_cap *c, const uint8_t *ch, size_t cl,
    const uint8_t **p, size_t *n, struct sctp_part **spp)
{
	unsigned flags = ch[1];
	uint32_t tsn = rd32(ch + 4);
	uint16_t sid = (uint16_t)(ch[8] << 8 | ch[9]);
	struct sctp_part *sp = NULL;
	int i, oldest = -1;

	for (i = 0; i < SIP_MAX_SCTP_PARTS; i++) {
		struct sctp_part *x = &c->part[i];

		if (x->used && x->sid == sid && x->sport == c->pkt.sport &&
		    x->dport == c->pkt.dport &&
		    memcmp(&x->src, &c->pkt.src, sizeof(x->src)) == 0 &&
		    memcmp(&x->dst, &c->pkt.dst, sizeof(x->dst)) == 0) {
			sp = x;
			break;
		}
		if (oldest < 0 || !x->used ||
		    (c->part[oldest].used && x->ts_ns < c->part[oldest].ts_ns))
			oldest = i;
	}
	if (flags & 0x02) {		/* B: a new message */
		if (sp == NULL) {
			sp = &c->part[oldest];
			if (sp->used)
				c->st.caps_hit++;
		}
		sp->used = 1;
		sp->src = c->pkt.src;
		sp->dst = c->pkt.dst;
		sp->sport = c->pkt.sport;
		sp->dport = c->pkt.dport;
		sp->sid = sid;
		if (sp->b.max == 0)
			buf_init(&sp->b, SIP_MAX_MSG);
		buf_reset(&sp->b);
		if (sp == c->sctp_done)
			c->sctp_done = NULL;
		sip_reasm_parts_clear(&c->pool, &sp->parts);
	} else if (sp == NULL || tsn != sp->next_tsn) {
		c->st.sctp_partial++;	/* its start was not seen */
		return 0;
	}
	sp->ts_ns = c->ts_ns;
	sp->next_tsn = tsn + 1;
	if (c->keep)
		sctp_keep(c, sp);
	if (buf_add(&sp->b, ch + 16, cl - 16) != SIP_OK) {
		c->st.caps_hit++;
		sp->used = 0;
		return 0;
	}
	if (!(flags & 0x01))
		return 0;
	sp->used = 0;
	*p = (const uint8_t *)sp->b.p;
	*n = sp->b.len;
	*spp = sp;
	return 1;
}

/* The next whole DATA chunk carrying SIP from the SCTP packet. */
static enum sip_err
sctp_next(struct sip_cap *c, struct sip_capmsg *cm)
{
	const uint8_t *p;
	size_t n;
	struct sctp_part *sp;

	while (c->nchunks >= 4) {
		const uint8_t *ch = c->chunks;
		size_t cl = (size_t)ch[2] << 8 | ch[3], adv;
		enum sip_err e;

		if (cl < 4 || cl > c->nchunks) {
			c->nchunks = 0;
			facts(c, cm, SIP_TP_SCTP);
			cm->why = "bad SCTP chunk length";
			c->st.malformed++;
			return SIP_E_PARSE;
		}
		adv = (cl + 3) & ~(size_t)3;
		c->chunks += adv < c->nchunks ? adv : c->nchunks;
		c->nchunks -= adv < c->nchunks ? adv : c->nchunks;
		if (ch[0] != 0 || cl < 16)
			continue;	/* not DATA */
		sp = NULL;
		if ((ch[1] & 0x03) == 0x03) {	/* B and E: a whole message */
			p = ch + 16;
			n = cl - 16;
		} else if (!sctp_join(c, ch, cl, &p, &n, &sp))
			continue;
		facts(c, cm, SIP_TP_SCTP);
		if (sp != NULL && c->keep) {
			with_parts(cm, &sp->parts, sp->parts.first,
			    sp->parts.n - sp->parts.first);
			c->sctp_done = sp;
		}
		e = datagram(c, cm, p, n);
		if (e == SIP_OK)
			c->st.sctp++;
		if (e != SIP_E_PARTIAL)
			return e;
	}
	c->nchunks = 0;
	return SIP_E_PARTIAL;
}

/* The next message out of a HEP3 stream over TCP (the Homer transport). */
static enum sip_err
tcp_hep(struct sip_cap *c, struct sip_capmsg *cm)
{
	struct sip_perr pe = { 0, NULL };
	struct sip_reasm_flow *fl = c->flow;
	const uint8_t *p;
	size_t n;
	enum sip_err e;

	for (;;) {
		e = sip_reasm_tcp_next_hep(&c->tcp, fl, &p, &n, &pe);
		if (e == SIP_E_PARTIAL) {
			c->flow = NULL;
			return e;
		}
		facts(c, cm, SIP_TP_TCP);
		if (e != SIP_OK) {
			c->st.malformed++;
			cm->why = pe.why;
			return SIP_E_PARSE;
		}
		if (c->keep) {
			with_parts(cm, &fl->parts, fl->out_first, fl->out_n);
			cm->parts_lost = fl->out_lost;
		}
		e = hep3(c, cm, p, n);
		if (e == SIP_OK && !port_ok(c, cm->sport, cm->dport)) {
			hep_filtered(c, cm);
			continue;
		}
		if (e == SIP_OK)
			c->st.hep++;
		if (e != SIP_E_PARTIAL)
			return e;
	}
}

/* The next message from the TCP flow the last segment went to. */
static enum sip_err
tcp_next(struct sip_cap *c, struct sip_capmsg *cm)
{
	struct sip_perr pe = { 0, NULL };
	struct sip_reasm_flow *fl = c->flow;
	int ws = fl->mode == SIP_REASM_WS || fl->mode == SIP_REASM_WS_HTTP;
	enum sip_err e;

	if (fl->mode == SIP_REASM_HEP)
		return tcp_hep(c, cm);
	e = sip_reasm_tcp_next(&c->tcp, fl, &c->m, &pe);
	if (e == SIP_E_PARTIAL) {
		c->flow = NULL;
		return e;
	}
	facts(c, cm, ws ? SIP_TP_WS : fl->mode == SIP_REASM_TLS ? SIP_TP_TLS :
	    SIP_TP_TCP);
	cm->junk = fl->junk;
	fl->junk = 0;
	if (e == SIP_OK) {
		if (c->keep) {
			with_parts(cm, &fl->parts, fl->out_first, fl->out_n);
			cm->parts_lost = fl->out_lost;
		}
		c->st.messages++;
		if (ws)
			c->st.ws++;
		return e;
	}
	c->st.bad_sip++;
	cm->why = pe.why != NULL ? pe.why : "malformed SIP message on stream";
	if (e == SIP_E_TOOBIG)
		c->st.caps_hit++;
	return e == SIP_E_TOOBIG ? e : SIP_E_PARSE;
}

static enum sip_err
tcp(struct sip_cap *c, struct sip_capmsg *cm)
{
	struct sip_reasm_part one = { NULL, 0, 0 };
	const struct sip_reasm_part *via = NULL;
	size_t nvia = 0;
	struct sip_reasm_flow *fl;
	enum sip_err e;

	if (!port_ok(c, c->pkt.sport, c->pkt.dport) &&
	    !(c->pkt.len >= 4 && memcmp(c->pkt.payload, "HEP3", 4) == 0) &&
	    ((fl = sip_reasm_tcp_find(&c->tcp, &c->pkt)) == NULL ||
	    fl->mode != SIP_REASM_HEP)) {
		/* --port is for the SIP inside HEP, not the carrier */
		c->st.filtered++;
		return SIP_E_PARTIAL;
	}
	if (c->keep && c->pkt.len > 0) {
		if (c->dgparts != NULL && c->dgparts->n > c->dgparts->first) {
			via = c->dgparts->v + c->dgparts->first;
			nvia = c->dgparts->n - c->dgparts->first;
		} else {
			one.rec = cur_rec(c);
			via = &one;
			nvia = 1;
		}
	}
	e = sip_reasm_tcp_add(&c->tcp, &c->pkt, c->ts_ns, via, nvia, &fl);
	c->flow = fl;
	if (e != SIP_OK) {
		facts(c, cm, SIP_TP_TCP);
		c->st.caps_hit++;
		cm->why = e == SIP_E_NOMEM ? "out of memory" :
		    "TCP reassembly buffer full; data dropped";
		return e == SIP_E_NOMEM ? e : SIP_E_TOOBIG;
	}
	if (fl == NULL)
		return SIP_E_PARTIAL;
	return tcp_next(c, cm);
}

/*
 * A plain pcap file is read here, many records a fread(), instead of by
 * pcap_next_ex(): its two fread()s a record through three stream layers
 * cost 600 instructions a packet.  libpcap has read and checked the
 * file header; only what it reads as it is comes here: version 2.4 with
 * 16-byte record headers, a link type it gives out untouched (its
 * post-processing swaps only other link types' pseudo-headers, and the
 * cooked ones' when the file's byte order is not ours), the snap length
 * at the largest (lib/snaplen.h), no filter.  The records are read as
 * libpcap's sf-pcap.c reads them and fail with its words.
 */
static void
rd_setup(struct sip_cap *c, FILE *fp)
{
	const uint8_t *h = sip_snaplen_pcap_header(c->snap);
	uint32_t magic;
	uint16_t major, minor;

	if (h == NULL)
		return;
	memcpy(&magic, h, 4);
	memcpy(&major, h + 4, 2);
	memcpy(&minor, h + 6, 2);
	c->rswap = magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u;
	if (c->rswap) {
		magic = bswap_32(magic);
		major = bswap_16(major);
		minor = bswap_16(minor);
	}
	if (magic != 0xa1b2c3d4u && magic != 0xa1b23c4du)
		return;
	c->rscale = magic == 0xa1b2c3d4u;	/* us to the ns asked for */
	if (major != 2 || minor < 4 ||
	    pc.pcap_snapshot(c->p) != (int)SIP_SNAPLEN_MAX)
		return;
	switch (c->linktype) {
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
		if (c->rswap)
			return;
		/* FALLTHROUGH */
	case DLT_NULL:
	case DLT_EN10MB:
	case DLT_RAW:
	case DLT_LOOP:
	case DLT_IPV4:
	case DLT_IPV6:
		break;
	default:
		return;
	}
	c->rbsz = 65536;
	if ((c->rb = malloc(c->rbsz)) == NULL)
		return;		/* libpcap reads */
	c->rerrno = -1;
	c->rfp = fp;
}

/* Have n bytes of the file at rb + rpos; 0 when the file ends first. */
static int
rd_fill(struct sip_cap *c, size_t n)
{
	size_t got;
	uint8_t *nb;

	if (c->rlen - c->rpos >= n)
		return 1;
	memmove(c->rb, c->rb + c->rpos, c->rlen - c->rpos);
	c->rlen -= c->rpos;
	c->rpos = 0;
	if (n > c->rbsz) {
		if ((nb = realloc(c->rb, n)) == NULL)
			return 0;
		c->rb = nb;
		c->rbsz = n;
	}
	while (c->rlen < n && !c->reof) {
		got = fread(c->rb + c->rlen, 1, c->rbsz - c->rlen, c->rfp);
		if (got < c->rbsz - c->rlen) {
			c->reof = 1;
			if (ferror(c->rfp))
				c->rerrno = errno;
		}
		c->rlen += got;
	}
	return c->rlen >= n;
}

/* The next record, as pcap_next_ex() would give it; SIP_E_NOTFOUND at the end. */
static enum sip_err
rd_packet(struct sip_cap *c, const u_char **data)
{
	struct pcap_pkthdr *h = &c->rhdr;
	uint32_t f[4];
	size_t have;
	int i;

	if (!rd_fill(c, 16)) {
		have = c->rlen - c->rpos;
		if (c->rerrno >= 0)
			goto syserr;
		if (have == 0 && c->reof)
			return SIP_E_NOTFOUND;
		if (!c->reof)
			goto nomem;
		snprintf(c->err, sizeof(c->err), "truncated dump file; tried "
		    "to read %zu header bytes, only got %zu", (size_t)16, have);
		return SIP_E_SYS;
	}
	memcpy(f, c->rb + c->rpos, 16);
	if (c->rswap)
		for (i = 0; i < 4; i++)
			f[i] = bswap_32(f[i]);
	/* the file's fields are signed 32 bits, as libpcap takes them */
	h->ts.tv_sec = (int32_t)f[0];
	h->ts.tv_usec = (int32_t)f[1];
	if (c->rscale)
		h->ts.tv_usec = h->ts.tv_usec * 1000;
	h->caplen = f[2];
	h->len = f[3];
	if (h->caplen > SIP_SNAPLEN_MAX) {
		snprintf(c->err, sizeof(c->err), "invalid packet capture "
		    "length %u, bigger than snaplen of %d", h->caplen,
		    (int)SIP_SNAPLEN_MAX);
		return SIP_E_SYS;
	}
	if (!rd_fill(c, 16 + (size_t)h->caplen)) {
		if (c->rerrno >= 0)
			goto syserr;
		if (!c->reof)
			goto nomem;
		snprintf(c->err, sizeof(c->err), "truncated dump file; tried "
		    "to read %u captured bytes, only got %zu", h->caplen,
		    c->rlen - c->rpos - 16);
		return SIP_E_SYS;
	}
	*data = c->rb + c->rpos + 16;
	c->rpos += 16 + (size_t)h->caplen;
	return SIP_OK;
syserr:
	snprintf(c->err, sizeof(c->err), "error reading dump file: %s",
	    strerror(c->rerrno));
	return SIP_E_SYS;
nomem:
	snprintf(c->err, sizeof(c->err), "out of memory reading a packet");
	return SIP_E_SYS;
}

/* Read the next packet; SIP_E_NOTFOUND at the end. */
static enum sip_err
read_packet(struct sip_cap *c)
{
	const u_char *data;
	uint32_t snap;
	int r;
	enum sip_err e;

	if (c->rfp != NULL) {
		if ((e = rd_packet(c, &data)) != SIP_OK)
			return e;
		c->hdr = &c->rhdr;
		goto got;
	}
	for (;;) {
		r = pc.pcap_next_ex(c->p, &c->hdr, &data);
		if (r == 1)
			break;
		if (r == 0)
			continue;	/* live: timeout with nothing */
		if (r == PCAP_ERROR_BREAK)
			return SIP_E_NOTFOUND;
		set_err(c->err, sizeof(c->err), pc.pcap_geterr(c->p));
		return SIP_E_SYS;
	}
got:
	c->data = data;
	c->st.packets++;
	/* Read by its own length, longer than the file said (lib/snaplen.h). */
	if ((snap = sip_snaplen_orig(c->snap)) > 0 && c->hdr->caplen > snap) {
		c->st.oversnap++;
		c->st.snaplen = snap;
	}
	sip_reasm_rec_unref(&c->pool, c->rec);
	c->rec = NULL;
	c->dgparts = NULL;
	c->ts_ns = (uint64_t)c->hdr->ts.tv_sec * 1000000000ull +
	    (uint64_t)c->hdr->ts.tv_usec * (c->nano ? 1u : 1000u);
	return SIP_OK;
}

/* Take the current packet apart; SIP_E_PARTIAL when it gave nothing. */
static enum sip_err
packet(struct sip_cap *c, struct sip_capmsg *cm)
{
	struct sip_reasm_part one = { NULL, 0, 0 };
	const struct sip_reasm_part *via = NULL;
	size_t nvia = 0, dglen;
	const uint8_t *dg;
	enum sip_err e;
	int rounds = 0;

	e = sip_pkt_decode(&c->pkt, c->linktype, c->data, c->hdr->caplen);
	if (e == SIP_OK && c->pkt.lenbad != NULL && c->hdr->caplen < c->hdr->len)
		e = SIP_E_PARSE;	/* cut by the snap length, said below */
	for (;;) {
		if (e == SIP_E_UNSUPP) {
			note_skip(c);	/* a link type: said once, at the end */
			return SIP_E_PARTIAL;
		}
		if (e != SIP_OK) {
			facts(c, cm, SIP_TP_NONE);
			c->st.malformed++;
			cm->why = c->pkt.why;
			if (c->hdr->caplen < c->hdr->len) {
				c->st.truncated++;
				cm->why = "packet cut short by the snap length";
			}
			return SIP_E_PARSE;
		}
		if (!c->pkt.frag || ++rounds > SIP_PKT_MAX_DEPTH)
			break;
		if (c->dgparts != NULL && c->dgparts->n > c->dgparts->first) {
			via = c->dgparts->v + c->dgparts->first;
			nvia = c->dgparts->n - c->dgparts->first;
		} else if (c->keep) {
			one.rec = cur_rec(c);
			via = &one;
			nvia = 1;
		}
		e = sip_reasm_frag_add(&c->frag, &c->pkt, via, nvia, c->ts_ns,
		    &dg, &dglen);
		if (e == SIP_E_PARTIAL)
			return e;
		if (e == SIP_E_TOOBIG) {
			facts(c, cm, SIP_TP_NONE);
			c->st.caps_hit++;
			cm->why = "too many IP datagrams in reassembly; "
			    "the oldest was dropped";
			return e;
		}
		if (e != SIP_OK) {
			facts(c, cm, SIP_TP_NONE);
			c->st.malformed++;
			cm->why = e == SIP_E_NOMEM ? "out of memory" :
			    "bad IP fragment";
			return e == SIP_E_NOMEM ? e : SIP_E_PARSE;
		}
		c->pkt.frag = 0;
		if (c->keep)
			c->dgparts = sip_reasm_frag_parts(&c->frag);
		e = sip_pkt_decode_ip_payload(&c->pkt, c->pkt.frag_proto, dg,
		    dglen);
	}
	if (c->pkt.skip != NULL) {
		note_skip(c);
		return SIP_E_PARTIAL;
	}
	switch (c->pkt.proto) {
	case SIP_PKT_UDP:
		return udp(c, cm);
	case SIP_PKT_TCP:
		return tcp(c, cm);
	case SIP_PKT_SCTP:
		if (!port_ok(c, c->pkt.sport, c->pkt.dport)) {
			c->st.filtered++;
			return SIP_E_PARTIAL;
		}
		c->chunks = c->pkt.payload;
		c->nchunks = c->pkt.len;
		return sctp_next(c, cm);
	default:
		return SIP_E_PARTIAL;
	}
}

enum sip_err
sip_cap_next(struct sip_cap *c, struct sip_capmsg *cm)
{
	enum sip_err e;

	for (;;) {
		/*
		 * Messages left over from the last packet first; MGCP's
		 * piggy-backed ones before the TCP flow moves on (HEP over
		 * TCP carries them in the flow's buffer).
		 */
		if (c->mg_rest.len > 0) {
			if ((e = mgcp_more(c, cm)) != SIP_E_PARTIAL)
				return e;
		}
		if (c->flow != NULL) {
			if ((e = tcp_next(c, cm)) != SIP_E_PARTIAL)
				return e;
		}
		if (c->nchunks > 0) {
			if ((e = sctp_next(c, cm)) != SIP_E_PARTIAL)
				return e;
		}
		/* What the last packet's messages held is let go. */
		sip_reasm_frag_settle(&c->frag);
		c->dgparts = NULL;
		if (c->sctp_done != NULL) {
			sip_reasm_parts_clear(&c->pool, &c->sctp_done->parts);
			c->sctp_done = NULL;
		}
		if ((e = read_packet(c)) != SIP_OK) {
			if (e == SIP_E_NOTFOUND)
				memset(cm, 0, sizeof(*cm));
			return e;
		}
		if ((e = packet(c, cm)) != SIP_E_PARTIAL)
			return e;
	}
}

/* ---- writing ---- */

/* A packet held back so that the file stays in capture order. */
struct held {
	struct held	*next;
	unsigned long	 frame;
	uint64_t	 ts_ns;
	uint32_t	 caplen, wirelen;
	uint8_t		 data[];
};

struct sip_cap_dump {
	pcap_t		*dead;
	pcap_dumper_t	*d;
	struct held	*head, *tail;	/* by packet number */
	size_t		 mem;
	unsigned long	 last;		/* last packet number written */
	unsigned long	 late;
};

enum sip_err
sip_cap_dump_open(struct sip_cap_dump **dp, const struct sip_cap *c,
    const char *path, char *err, size_t errsz)
{
	struct sip_cap_dump *d;

	*dp = NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return SIP_E_NOMEM;
	d->dead = pc.pcap_open_dead_with_tstamp_precision(c->linktype, 262144,
	    PCAP_TSTAMP_PRECISION_NANO);
	if (d->dead == NULL) {
		free(d);
		set_err(err, errsz, "cannot open a pcap writer");
		return SIP_E_NOMEM;
	}
	if ((d->d = pc.pcap_dump_open(d->dead, path)) == NULL) {
		set_err(err, errsz, pc.pcap_geterr(d->dead));
		pc.pcap_close(d->dead);
		free(d);
		return SIP_E_SYS;
	}
	*dp = d;
	return SIP_OK;
}

static void
write_pkt(struct sip_cap_dump *d, unsigned long frame, uint64_t ts_ns,
    const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
	struct pcap_pkthdr h;

	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = (time_t)(ts_ns / 1000000000ull);
	h.ts.tv_usec = (suseconds_t)(ts_ns % 1000000000ull);
	h.caplen = caplen;
	h.len = wirelen;
	pc.pcap_dump((u_char *)d->d, &h, data);
	if (frame < d->last)
		d->late++;
	else
		d->last = frame;
}

/* Write the held packets older than packet number upto (0: all). */
static void
write_held(struct sip_cap_dump *d, unsigned long upto)
{
	struct held *h;

	while ((h = d->head) != NULL && (upto == 0 || h->frame < upto ||
	    d->mem > SIP_MAX_DUMP_HELD)) {
		write_pkt(d, h->frame, h->ts_ns, h->data, h->caplen, h->wirelen);
		d->head = h->next;
		if (d->head == NULL)
			d->tail = NULL;
		d->mem -= sizeof(*h) + h->caplen;
		free(h);
	}
}

/* Write packet frame now when nothing older can come, else hold it. */
static enum sip_err
put_pkt(struct sip_cap_dump *d, unsigned long upto, unsigned long frame,
    uint64_t ts_ns, const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
	struct held *h, **pp;

	if (frame <= d->last)
		return SIP_OK;		/* written already */
	if (d->head == NULL && frame < upto) {
		write_pkt(d, frame, ts_ns, data, caplen, wirelen);
		return SIP_OK;
	}
	if (d->tail != NULL && frame > d->tail->frame)
		pp = &d->tail->next;
	else
		for (pp = &d->head; *pp != NULL && (*pp)->frame < frame;
		    pp = &(*pp)->next)
			;
	if (*pp != NULL && (*pp)->frame == frame)
		return SIP_OK;		/* held already */
	if ((h = malloc(sizeof(*h) + caplen)) == NULL)
		return SIP_E_NOMEM;
	h->frame = frame;
	h->ts_ns = ts_ns;
	h->caplen = caplen;
	h->wirelen = wirelen;
	memcpy(h->data, data, caplen);
	h->next = *pp;
	*pp = h;
	if (h->next == NULL)
		d->tail = h;
	d->mem += sizeof(*h) + caplen;
	return SIP_OK;
}

enum sip_err
sip_cap_dump(struct sip_cap_dump *d, const struct sip_cap *c,
    const struct sip_capmsg *cm)
{
	unsigned long upto = c->st.packets + 1, old;
	enum sip_err e = SIP_OK;
	size_t i;

	/* A packet still held by reassembly may belong to a later message. */
	old = sip_reasm_pool_oldest(&c->pool);
	if (old != 0 && old < upto)
		upto = old;
	write_held(d, upto);
	if (cm->nparts == 0)
		e = put_pkt(d, upto, cm->frame, cm->pkt_ts_ns, cm->pkt,
		    cm->caplen, cm->wirelen);
	for (i = 0; i < cm->nparts && e == SIP_OK; i++) {
		const struct sip_reasm_rec *r = cm->parts[i].rec;

		e = put_pkt(d, upto, r->frame, r->ts_ns, r->data, r->caplen,
		    r->wirelen);
	}
	write_held(d, upto);
	return e;
}

void
sip_cap_dump_flush(struct sip_cap_dump *d)
{
	write_held(d, 0);
	d->last = 0;		/* the next capture numbers from 1 again */
}

unsigned long
sip_cap_dump_late(const struct sip_cap_dump *d)
{
	return d->late;
}

enum sip_err
sip_cap_dump_close(struct sip_cap_dump *d)
{
	enum sip_err e = SIP_OK;

	if (d == NULL)
		return SIP_OK;
	write_held(d, 0);
	if (pc.pcap_dump_flush(d->d) != 0)
		e = SIP_E_SYS;
	pc.pcap_dump_close(d->d);
	pc.pcap_close(d->dead);
	free(d);
	return e;
}
