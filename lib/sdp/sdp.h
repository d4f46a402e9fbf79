/*
 * sdp.h - SDP (RFC 8866, and RFC 4566 before it): a zero-copy parser
 * that keeps every line's place, typed parsers for the attributes
 * SIP user agents meet, the RFC 3551 static payload types, and an
 * RFC 3264 offer/answer builder.
 *
 * sdp_parse() splits a description into lines and media sections and
 * fills a caller-provided struct sdp with slices into the caller's
 * buffer; it allocates nothing and stays lenient, so that sdp-lint
 * (lib/sdplint.h) can report every problem with its line and column.
 * Attribute values are parsed on demand by the sdp_attr_* functions.
 */
#ifndef SIPBOX_SDP_H
#define SIPBOX_SDP_H

#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "buf.h"
#include "err.h"
#include "msg.h"
#include "slice.h"

/* How a line ended (struct sdp_line.flags). */
#define SDP_L_BARE_LF	0x01	/* LF without CR */
#define SDP_L_NO_EOL	0x02	/* the last line had no line end */
#define SDP_L_BARE_CR	0x04	/* CR not followed by LF */

struct sdp_line {
	struct slice	 text;		/* the whole line, without its end */
	struct slice	 val;		/* after "x="; empty if no type */
	uint32_t	 off;		/* offset of the line in the buffer */
	uint32_t	 lineno;	/* 1-based */
	char		 type;		/* 'v', 'o', ... ; 0: not "<letter>=" */
	uint8_t		 flags;		/* SDP_L_* */
	uint16_t	 media;		/* 0: session level, n: media n - 1 */
};

/* One "m=" section: its lines are lines[first .. end - 1]. */
struct sdp_media {
	unsigned	 first, end;
	struct slice	 type;		/* "audio" */
	struct slice	 port;		/* "49170" */
	struct slice	 nports;	/* after '/', or empty */
	struct slice	 proto;		/* "RTP/AVP" */
	struct slice	 fmts;		/* the format list, as written */
	uint32_t	 port_num;	/* valid when port_ok */
	uint32_t	 nports_num;	/* 1 when absent */
	int		 port_ok;	/* port and count are in range */
	int		 ok;		/* the line had its four fields */
};

struct sdp {
	const char	*buf;
	size_t		 len;
	struct sdp_line	 lines[SDP_MAX_LINES];
	unsigned	 nlines;
	unsigned	 sess_end;	/* lines before the first "m=" */
	struct sdp_media media[SDP_MAX_MEDIA];
	unsigned	 nmedia;
};

/*
 * Parse the description in buf (len bytes, no NUL needed).  Lines may end
 * in CRLF or, leniently, LF (flagged); a line that is not "<letter>=" is
 * kept with type 0.  Returns SIP_OK; SIP_E_PARSE (pe filled, s filled as
 * far as it goes) when the text is not SDP at all: it does not start with
 * "v=", a line is not "<letter>=...", or an "m=" line lacks its fields;
 * SIP_E_TOOBIG beyond SDP_MAX_LINES lines or SDP_MAX_MEDIA sections.
 */
enum sip_err	sdp_parse(struct sdp *s, const char *buf, size_t len,
		    struct sip_perr *pe);

/* 1-based line and column of byte offset off of s->buf. */
unsigned	sdp_line_of(const struct sdp *s, size_t off, unsigned *col);

/*
 * The lines of level lvl (0 session, n media n - 1): index of the first
 * and one past the last.
 */
void		sdp_level_range(const struct sdp *s, unsigned lvl,
		    unsigned *first, unsigned *end);

/* ---- fields ---- */

/* Take the next SP-separated field of *rest; 0 when none is left. */
int		sdp_field_next(struct slice *rest, struct slice *field);

/* o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address> */
struct sdp_origin {
	struct slice	 user, sess_id, sess_version, nettype, addrtype, addr;
};
enum sip_err	sdp_origin_parse(struct slice v, struct sdp_origin *o,
		    struct sip_perr *pe);

/* c=<nettype> <addrtype> <address>[/<ttl>][/<number of addresses>] */
struct sdp_conn {
	struct slice	 nettype, addrtype, addr;
	struct slice	 ttl, count;	/* empty when absent */
};
enum sip_err	sdp_conn_parse(struct slice v, struct sdp_conn *c,
		    struct sip_perr *pe);

/*
 * The connection in effect for media m (RFC 8866 5.7): its first c= line
 * that parses, else the session's.  Returns 1 with *c filled, 0 if none.
 */
struct sdp;
int		sdp_media_conn(const struct sdp *s, unsigned m,
		    struct sdp_conn *c);

/* What an address is (sdp_addr_kind). */
enum sdp_addr {
	SDP_ADDR_BAD,
	SDP_ADDR_IP4,
	SDP_ADDR_IP4_MCAST,
	SDP_ADDR_IP6,
	SDP_ADDR_IP6_MCAST,
	SDP_ADDR_FQDN
};
enum sdp_addr	sdp_addr_kind(struct slice a);

/* ---- attributes ---- */

/* Split an "a=" value into name and value (empty without ':'). */
void		sdp_attr_split(struct slice v, struct slice *name,
		    struct slice *value, int *has_value);

/*
 * The attributes sipbox knows: id, name, where it may appear (S session,
 * M media, B both), and whether it is a flag (no value) or takes one.
 */
#define SDP_ATTR_MAP(X)							\
	X(CAT,		"cat",			'S', 1)			\
	X(KEYWDS,	"keywds",		'S', 1)			\
	X(TOOL,		"tool",			'S', 1)			\
	X(PTIME,	"ptime",		'M', 1)			\
	X(MAXPTIME,	"maxptime",		'M', 1)			\
	X(RTPMAP,	"rtpmap",		'M', 1)			\
	X(RECVONLY,	"recvonly",		'B', 0)			\
	X(SENDRECV,	"sendrecv",		'B', 0)			\
	X(SENDONLY,	"sendonly",		'B', 0)			\
	X(INACTIVE,	"inactive",		'B', 0)			\
	X(ORIENT,	"orient",		'M', 1)			\
	X(TYPE,		"type",			'S', 1)			\
	X(CHARSET,	"charset",		'S', 1)			\
	X(SDPLANG,	"sdplang",		'B', 1)			\
	X(LANG,		"lang",			'B', 1)			\
	X(FRAMERATE,	"framerate",		'M', 1)			\
	X(QUALITY,	"quality",		'M', 1)			\
	X(FMTP,		"fmtp",			'M', 1)			\
	X(RTCP,		"rtcp",			'M', 1)			\
	X(RTCP_MUX,	"rtcp-mux",		'M', 0)			\
	X(RTCP_RSIZE,	"rtcp-rsize",		'M', 0)			\
	X(RTCP_FB,	"rtcp-fb",		'M', 1)			\
	X(RTCP_XR,	"rtcp-xr",		'B', 1)			\
	X(MID,		"mid",			'M', 1)			\
	X(GROUP,	"group",		'S', 1)			\
	X(BUNDLE_ONLY,	"bundle-only",		'M', 0)			\
	X(MSID,		"msid",			'M', 1)			\
	X(MSID_SEM,	"msid-semantic",	'S', 1)			\
	X(SSRC,		"ssrc",			'M', 1)			\
	X(SSRC_GROUP,	"ssrc-group",		'M', 1)			\
	X(EXTMAP,	"extmap",		'B', 1)			\
	X(EXTMAP_MIXED,	"extmap-allow-mixed",	'B', 0)			\
	X(ICE_UFRAG,	"ice-ufrag",		'B', 1)			\
	X(ICE_PWD,	"ice-pwd",		'B', 1)			\
	X(ICE_OPTIONS,	"ice-options",		'B', 1)			\
	X(ICE_LITE,	"ice-lite",		'S', 0)			\
	X(ICE_MISMATCH,	"ice-mismatch",		'M', 0)			\
	X(ICE_PACING,	"ice-pacing",		'S', 1)			\
	X(CANDIDATE,	"candidate",		'M', 1)			\
	X(REMOTE_CANDS,	"remote-candidates",	'M', 1)			\
	X(END_OF_CANDS,	"end-of-candidates",	'B', 0)			\
	X(FINGERPRINT,	"fingerprint",		'B', 1)			\
	X(SETUP,	"setup",		'B', 1)			\
	X(CONNECTION,	"connection",		'B', 1)			\
	X(TLS_ID,	"tls-id",		'M', 1)			\
	X(CRYPTO,	"crypto",		'M', 1)			\
	X(LABEL,	"label",		'M', 1)			\
	X(CONTENT,	"content",		'M', 1)			\
	X(RID,		"rid",			'M', 1)			\
	X(SIMULCAST,	"simulcast",		'M', 1)			\
	X(IMAGEATTR,	"imageattr",		'M', 1)			\
	X(SCTP_PORT,	"sctp-port",		'M', 1)			\
	X(SCTPMAP,	"sctpmap",		'M', 1)			\
	X(MAX_MSG_SIZE,	"max-message-size",	'M', 1)			\
	X(SILENCESUPP,	"silenceSupp",		'M', 1)			\
	X(MAXPRATE,	"maxprate",		'B', 1)			\
	X(SRC_FILTER,	"source-filter",	'B', 1)			\
	X(ACCEPT_TYPES,	"accept-types",		'M', 1)			\
	X(ACCEPT_WRAP,	"accept-wrapped-types",	'M', 1)			\
	X(MAX_SIZE,	"max-size",		'M', 1)			\
	X(PATH,		"path",			'M', 1)			\
	X(FLOORCTRL,	"floorctrl",		'M', 1)			\
	X(CONFID,	"confid",		'M', 1)			\
	X(USERID,	"userid",		'M', 1)			\
	X(FLOORID,	"floorid",		'M', 1)			\
	X(T38_VERSION,	"T38FaxVersion",	'M', 1)			\
	X(T38_BITRATE,	"T38MaxBitRate",	'M', 1)			\
	X(T38_FILL,	"T38FaxFillBitRemoval",	'M', 2)			\
	X(T38_MMR,	"T38FaxTranscodingMMR",	'M', 2)			\
	X(T38_JBIG,	"T38FaxTranscodingJBIG", 'M', 2)		\
	X(T38_RATE,	"T38FaxRateManagement",	'M', 1)			\
	X(T38_BUFFER,	"T38FaxMaxBuffer",	'M', 1)			\
	X(T38_DATAGRAM,	"T38FaxMaxDatagram",	'M', 1)			\
	X(T38_UDPEC,	"T38FaxUdpEC",		'M', 1)			\
	X(T38_IFP,	"T38FaxMaxIFP",		'M', 1)			\
	X(T38_ECDEPTH,	"T38FaxUdpECDepth",	'M', 1)			\
	X(T38_FECSPAN,	"T38FaxUdpFECMaxSpan",	'M', 1)			\
	X(T38_MODEM,	"T38ModemType",		'M', 1)			\
	X(T38_VENDOR,	"T38VendorInfo",	'M', 1)

enum sdp_attr_id {
	SDP_A_OTHER = 0,
#define X(id, name, lvl, val)	SDP_A_##id,
	SDP_ATTR_MAP(X)
#undef X
	SDP_A__COUNT
};

/* The id of attribute name (T.38 names in any case), or SDP_A_OTHER. */
enum sdp_attr_id	sdp_attr_lookup(struct slice name);
/* The name of id, or NULL. */
const char		*sdp_attr_name(enum sdp_attr_id id);
/* 'S', 'M' or 'B' (both). */
char			 sdp_attr_level(enum sdp_attr_id id);
/* 0: a flag without value; 1: takes a value; 2: either. */
int			 sdp_attr_takes_value(enum sdp_attr_id id);

/*
 * Check the value of attribute id with its typed parser (below).  Returns
 * SIP_OK, or SIP_E_PARSE with pe->off relative to value.p and pe->why.
 * Attributes without a typed parser are SIP_OK.
 */
enum sip_err	sdp_attr_check(enum sdp_attr_id id, struct slice value,
		    struct sip_perr *pe);

/* The next "a=" line of level lvl from line index *i on, with its id. */
const struct sdp_line	*sdp_attr_next(const struct sdp *s, unsigned lvl,
			    unsigned *i, enum sdp_attr_id *id,
			    struct slice *name, struct slice *value);
/* The value of the first attribute named name at level lvl, or NULL p. */
struct slice	sdp_attr_get(const struct sdp *s, unsigned lvl,
		    const char *name, int *found);

/* Typed attribute values (RFC 8866 6, RFC 3605, 4585, 5576, 5888, ...). */
struct sdp_rtpmap {			/* <pt> <enc>/<rate>[/<channels>] */
	uint32_t	 pt, rate, channels;	/* channels 0 when absent */
	struct slice	 enc;
};
struct sdp_fmtp {			/* <format> <params> */
	struct slice	 fmt, params;
};
struct sdp_rtcp {			/* <port> [IN IP4 <addr>] */
	uint32_t	 port;
	struct slice	 nettype, addrtype, addr;
};
struct sdp_rtcpfb {			/* <pt>|* <type> [<param>...] */
	struct slice	 pt, type, param;
};
struct sdp_group {			/* <semantics> *(SP <mid>) */
	struct slice	 semantics, ids;
};
struct sdp_msid {			/* <id> [<appdata>] */
	struct slice	 id, appdata;
};
struct sdp_ssrc {			/* <ssrc> <attribute>[:<value>] */
	uint32_t	 ssrc;
	struct slice	 attr, value;
};
struct sdp_ssrc_group {			/* <semantics> *(SP <ssrc>) */
	struct slice	 semantics, ssrcs;
};
struct sdp_extmap {			/* <id>[/<dir>] <uri> [<ext>] */
	uint32_t	 id;
	struct slice	 dir, uri, ext;
};
struct sdp_candidate {			/* RFC 8839 5.1 */
	struct slice	 foundation, transport, addr, type, raddr, ext;
	uint32_t	 component, priority, port, rport;
};
struct sdp_fingerprint {		/* <hash-func> <hex pairs> */
	struct slice	 hash, hex;
	unsigned	 nbytes;
};
enum sdp_setup {
	SDP_SETUP_NONE, SDP_SETUP_ACTIVE, SDP_SETUP_PASSIVE,
	SDP_SETUP_ACTPASS, SDP_SETUP_HOLDCONN
};
struct sdp_crypto {			/* RFC 4568 9.1 */
	uint32_t	 tag;
	struct slice	 suite, keyparams, sessparams;
};

enum sip_err	sdp_rtpmap_parse(struct slice v, struct sdp_rtpmap *r,
		    struct sip_perr *pe);
enum sip_err	sdp_fmtp_parse(struct slice v, struct sdp_fmtp *f,
		    struct sip_perr *pe);
/* ptime and maxptime: milliseconds, fractions allowed, in microseconds. */
enum sip_err	sdp_ptime_parse(struct slice v, uint32_t *us,
		    struct sip_perr *pe);
enum sip_err	sdp_rtcp_parse(struct slice v, struct sdp_rtcp *r,
		    struct sip_perr *pe);
enum sip_err	sdp_rtcpfb_parse(struct slice v, struct sdp_rtcpfb *r,
		    struct sip_perr *pe);
enum sip_err	sdp_mid_parse(struct slice v, struct sip_perr *pe);
enum sip_err	sdp_group_parse(struct slice v, struct sdp_group *g,
		    struct sip_perr *pe);
enum sip_err	sdp_msid_parse(struct slice v, struct sdp_msid *m,
		    struct sip_perr *pe);
enum sip_err	sdp_ssrc_parse(struct slice v, struct sdp_ssrc *s,
		    struct sip_perr *pe);
enum sip_err	sdp_ssrc_group_parse(struct slice v, struct sdp_ssrc_group *g,
		    struct sip_perr *pe);
enum sip_err	sdp_extmap_parse(struct slice v, struct sdp_extmap *e,
		    struct sip_perr *pe);
/* ice-ufrag (4 to 256 ice-chars) and ice-pwd (22 to 256), RFC 8839 5.4. */
enum sip_err	sdp_ice_chars(struct slice v, size_t min, size_t max,
		    struct sip_perr *pe);
enum sip_err	sdp_ice_options_parse(struct slice v, struct sip_perr *pe);
enum sip_err	sdp_candidate_parse(struct slice v, struct sdp_candidate *c,
		    struct sip_perr *pe);
enum sip_err	sdp_fingerprint_parse(struct slice v,
		    struct sdp_fingerprint *f, struct sip_perr *pe);
enum sip_err	sdp_setup_parse(struct slice v, enum sdp_setup *st,
		    struct sip_perr *pe);
enum sip_err	sdp_crypto_parse(struct slice v, struct sdp_crypto *c,
		    struct sip_perr *pe);
/* framerate: a positive decimal, in thousandths. */
enum sip_err	sdp_framerate_parse(struct slice v, uint32_t *milli,
		    struct sip_perr *pe);
enum sip_err	sdp_label_parse(struct slice v, struct sip_perr *pe);

/* Direction of a level: the last direction attribute there, or NONE. */
enum sdp_dir {
	SDP_DIR_NONE, SDP_DIR_SENDRECV, SDP_DIR_SENDONLY, SDP_DIR_RECVONLY,
	SDP_DIR_INACTIVE
};
/* The direction attribute at level lvl, or SDP_DIR_NONE. */
enum sdp_dir	sdp_level_dir(const struct sdp *s, unsigned lvl);
/* The direction in effect for media m: its own, the session's, sendrecv. */
enum sdp_dir	sdp_media_dir(const struct sdp *s, unsigned m);
const char	*sdp_dir_name(enum sdp_dir d);

/* ---- payload types ---- */

/* RFC 3551 tables 4 and 5: the statically assigned payload types. */
struct sdp_static_pt {
	uint8_t		 pt;
	char		 media;		/* 'A' audio, 'V' video, 'B' both */
	const char	*enc;		/* NULL: reserved or unassigned */
	uint32_t	 rate;
	uint8_t		 channels;	/* 0: see RFC 3551 */
};
/* The RFC 3551 entry for pt (0 to 34), or NULL if unassigned. */
const struct sdp_static_pt	*sdp_static_pt(unsigned pt);

/* Whether proto carries RTP (RTP/AVP, RTP/SAVPF, UDP/TLS/RTP/SAVPF ...). */
int		sdp_proto_is_rtp(struct slice proto);
/* Whether proto is one sipbox knows (RFC 8866 5.14 and its registry). */
int		sdp_proto_known(struct slice proto);

/* Take the next format of a media section's list; 0 at the end. */
int		sdp_fmt_next(struct slice *rest, struct slice *fmt);

/*
 * The rtpmap of payload type pt in media m: from its "a=rtpmap" line, or
 * from the static table.  Returns 1 (r filled; r->enc points into s or
 * the static table), 0 when neither names it.
 */
int		sdp_media_rtpmap(const struct sdp *s, unsigned m, unsigned pt,
		    struct sdp_rtpmap *r);

/* ---- offer/answer (RFC 3264) ---- */

/* A codec a user agent can use: "PCMU"/8000, "opus"/48000/2 ... */
struct sdp_codec {
	const char	*name;
	uint32_t	 rate;
	uint32_t	 channels;	/* 0: not written (1) */
	int		 pt;		/* static or wanted; -1: a dynamic one */
	const char	*fmtp;		/* NULL: none */
};

/* One stream to offer, or to answer with. */
struct sdp_stream {
	const char		*media;		/* "audio" */
	uint16_t		 port;		/* 0: reject / disabled */
	const char		*proto;		/* NULL: "RTP/AVP" */
	const struct sdp_codec	*codecs;
	unsigned		 ncodecs;
	enum sdp_dir		 dir;		/* SDP_DIR_NONE: sendrecv */
	uint32_t		 ptime;		/* ms; 0: none */
};

/* The local side of a session. */
struct sdp_local {
	const char		*user;		/* NULL: "-" */
	uint64_t		 sess_id;
	uint64_t		 sess_version;
	const char		*addr;		/* IPv4, IPv6 or a name */
	const char		*name;		/* s=; NULL: "-" */
	const struct sdp_stream	*streams;
	unsigned		 nstreams;
};

/*
 * Write an offer for l into out: v, o, s, c, t, then one m= section per
 * stream with rtpmap (and fmtp, ptime, direction) lines; codecs without
 * a pt get dynamic numbers from 96.  The caller owns out.  SIP_E_INVAL
 * for a bad local description, SIP_E_TOOBIG when out is full.
 */
enum sip_err	sdp_build_offer(struct buf *out, const struct sdp_local *l);

/* What the answer chose for one offered stream. */
struct sdp_answer_media {
	int		 accepted;	/* 0: rejected with port 0 */
	int		 pt;		/* first common format, offer's number */
	struct sdp_rtpmap codec;	/* its encoding (enc into offer) */
	enum sdp_dir	 dir;		/* the answer's direction */
};

/*
 * Answer offer with l: for each offered m= line, the first local stream
 * of the same media type and protocol accepts it with the codecs both
 * sides have (in the offer's order and with its payload numbers) and the
 * direction RFC 3264 6.1 allows; otherwise it is rejected with port 0.
 * Streams in l are used once each, in order.  res (may be NULL) gets one
 * entry per offered m= line (at most nres).  Returns SIP_OK,
 * SIP_E_NOTFOUND when no stream could be accepted (the whole offer is
 * rejected, RFC 3264 6), SIP_E_INVAL or SIP_E_TOOBIG.
 */
enum sip_err	sdp_build_answer(struct buf *out, const struct sdp *offer,
		    const struct sdp_local *l, struct sdp_answer_media *res,
		    unsigned nres);

/*
 * The session description of a side that sends no media (RFC 3264):
 * without an offer (len 0), an offer of one inactive audio stream (PCMU)
 * at port 0; with the offer at offer/len, the answer that declines each
 * of its streams with port 0 (RFC 3264 6).  l gives the origin and the
 * address; its streams are not used.  SIP_E_PARSE for an offer that does
 * not parse, else as sdp_build_offer().
 */
enum sip_err	sdp_build_nomedia(struct buf *out, const char *offer,
		    size_t len, const struct sdp_local *l);

#endif
