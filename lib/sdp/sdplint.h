/*
 * sdplint.h - the checks behind sdp-lint: each has a stable id, a
 * severity and the RFC section it comes from.
 *
 * sdp_lint_run() walks a description sdp_parse() filled (also one it
 * refused) and reports findings: a check, a byte offset into the
 * description and a message.  sdp_lint_oa() checks an answer against its
 * offer (RFC 3264 6).  Nothing is printed or allocated: findings go into
 * the caller's array in the order of their offsets; those that do not
 * fit are only counted.
 */
#ifndef SIPBOX_SDPLINT_H
#define SIPBOX_SDPLINT_H

#include "sdp.h"

enum sdp_sev {
	SDP_SEV_NOTE,
	SDP_SEV_WARNING,
	SDP_SEV_ERROR
};

/*
 * id, name (the stable ID users write in -W), severity, on by default,
 * the RFC section, a one-line summary (man page, --list-checks).
 */
#define SDP_CHECK_MAP(X)						\
	X(LINE_SYNTAX, "line-syntax", ERROR, 1, "RFC 8866 5",		\
	    "a line is not <type>=<value>")				\
	X(EMPTY_LINE, "empty-line", WARNING, 1, "RFC 8866 5",		\
	    "an empty line")						\
	X(UNKNOWN_TYPE, "unknown-type", ERROR, 1, "RFC 8866 5",		\
	    "a type letter SDP does not define")			\
	X(ORDER, "order", ERROR, 1, "RFC 8866 5",			\
	    "lines out of the order v o s i u e p c b t r z k a m")	\
	X(MISSING_LINE, "missing-line", ERROR, 1, "RFC 8866 5",		\
	    "a mandatory v=, o=, s= or t= line is missing")		\
	X(REPEATED_LINE, "repeated-line", ERROR, 1, "RFC 8866 5",	\
	    "a line allowed once per section appears again")		\
	X(VERSION, "version", ERROR, 1, "RFC 8866 5.1",			\
	    "v= is not 0")						\
	X(ORIGIN, "origin", ERROR, 1, "RFC 8866 5.2",			\
	    "o= lacks fields or has a non-numeric session id or version") \
	X(NETTYPE, "nettype", ERROR, 1, "RFC 8866 5.2",			\
	    "network type is not IN")					\
	X(ADDRTYPE, "addrtype", ERROR, 1, "RFC 8866 5.7",		\
	    "address type is not IP4 or IP6, or does not match the address") \
	X(ADDRESS, "address", ERROR, 1, "RFC 8866 9",			\
	    "an address is neither IPv4, IPv6 nor a domain name")	\
	X(SESSION_NAME, "session-name", WARNING, 1, "RFC 8866 5.3",	\
	    "s= is empty (use 's=-' or 's= ')")				\
	X(CONNECTION, "connection", ERROR, 1, "RFC 8866 5.7",		\
	    "c= lacks fields or has too many")				\
	X(MISSING_CONN, "missing-connection", ERROR, 1, "RFC 8866 5.7",	\
	    "no c= at session level nor in a media section")		\
	X(MULTICAST, "multicast", ERROR, 1, "RFC 8866 5.7",		\
	    "TTL and address count rules of c= (multicast or unicast)")	\
	X(BANDWIDTH, "bandwidth", ERROR, 1, "RFC 8866 5.8",		\
	    "b= is not <bwtype>:<bandwidth>")				\
	X(BW_MODIFIER, "bandwidth-modifier", WARNING, 1, "RFC 8866 5.8", \
	    "a bandwidth type other than CT, AS, TIAS, RS or RR")	\
	X(TIME, "time", ERROR, 1, "RFC 8866 5.9",			\
	    "t=, r= or z= values are malformed or out of order")	\
	X(KEY, "key", WARNING, 1, "RFC 8866 5.12",			\
	    "k= is obsolete and must not be used")			\
	X(MEDIA_LINE, "media-line", ERROR, 1, "RFC 8866 5.14",		\
	    "m= lacks its media, port, proto and format fields")	\
	X(MEDIA_TYPE, "media-type", WARNING, 1, "RFC 8866 5.14",	\
	    "an unknown media type")					\
	X(PORT, "port", ERROR, 1, "RFC 8866 5.14",			\
	    "port is not 0 to 65535 or the port count is not positive")	\
	X(RTP_PORT_ODD, "rtp-port-odd", WARNING, 1, "RFC 3550 11",	\
	    "RTP on an odd port without rtcp-mux")			\
	X(PROTO, "proto", WARNING, 1, "RFC 8866 5.14",			\
	    "an unknown transport protocol")				\
	X(FORMAT, "format", ERROR, 1, "RFC 3551 6",			\
	    "an RTP format is not a payload type 0 to 127, or is reserved") \
	X(DUP_FORMAT, "duplicate-format", ERROR, 1, "RFC 8866 5.14",	\
	    "a payload type is listed or mapped twice")			\
	X(RTPMAP_MISSING, "rtpmap-missing", ERROR, 1, "RFC 8866 6.6",	\
	    "a dynamic or unassigned payload type has no rtpmap")	\
	X(RTPMAP_STATIC, "rtpmap-static", WARNING, 1, "RFC 3551 6",	\
	    "an rtpmap contradicts the static payload type of RFC 3551") \
	X(RTPMAP_ADVISED, "rtpmap-advised", NOTE, 0, "RFC 3264 5.1",	\
	    "a static payload type has no rtpmap (off by default)")	\
	X(FORMAT_UNLISTED, "format-unlisted", ERROR, 1, "RFC 8866 6.6",	\
	    "rtpmap, fmtp or rtcp-fb for a format not on the m= line")	\
	X(ATTR_SYNTAX, "attr-syntax", ERROR, 1, "RFC 8866 6",		\
	    "an attribute value does not follow its grammar")		\
	X(ATTR_LEVEL, "attr-level", WARNING, 1, "RFC 8866 6",		\
	    "a session-only attribute in a media section or the reverse") \
	X(ATTR_REPEATED, "attr-repeated", WARNING, 1, "RFC 8866 6",	\
	    "an attribute allowed once per section appears again")	\
	X(UNKNOWN_ATTR, "unknown-attr", NOTE, 1, "RFC 8866 5.13",	\
	    "an attribute sipbox does not know")			\
	X(PTIME, "ptime", ERROR, 1, "RFC 8866 6.4",			\
	    "ptime is zero, malformed or above maxptime")		\
	X(DIRECTION, "direction", ERROR, 1, "RFC 8866 6.7",		\
	    "more than one of sendrecv, sendonly, recvonly, inactive")	\
	X(ICE_PAIR, "ice-pair", ERROR, 1, "RFC 8839 5.4",		\
	    "ice-ufrag without ice-pwd or the reverse")			\
	X(FINGERPRINT, "fingerprint", ERROR, 1, "RFC 8122 5",		\
	    "an unknown hash function or a fingerprint of the wrong form") \
	X(SETUP, "setup", ERROR, 1, "RFC 4145 4",			\
	    "setup is not active, passive, actpass or holdconn")	\
	X(MID, "mid", ERROR, 1, "RFC 5888 5",				\
	    "a mid used twice, or a group naming a mid no section has")	\
	X(CRLF, "crlf", WARNING, 1, "RFC 8866 5",			\
	    "a line ends in LF, CR or nothing instead of CRLF")		\
	X(TRAILING_SPACE, "trailing-space", WARNING, 1, "RFC 8866 9",	\
	    "white space at the end of a line")				\
	X(UTF8, "utf8", ERROR, 1, "RFC 8866 5",				\
	    "text that is not UTF-8, or a control character")		\
	X(OA_MLINES, "oa-mline-count", ERROR, 1, "RFC 3264 6",		\
	    "the answer has a different number of m= lines")		\
	X(OA_MEDIA, "oa-media", ERROR, 1, "RFC 3264 6",			\
	    "an answered m= line has another media type or proto")	\
	X(OA_REJECTED, "oa-rejected", ERROR, 1, "RFC 3264 6",		\
	    "a stream with port 0 in the offer is accepted")		\
	X(OA_NO_COMMON, "oa-no-common-format", ERROR, 1, "RFC 3264 6.1", \
	    "an accepted stream has no format in common with the offer") \
	X(OA_EXTRA_FORMAT, "oa-extra-format", NOTE, 1, "RFC 3264 6.1",	\
	    "an answered format was not offered")			\
	X(OA_PT, "oa-payload-type", WARNING, 1, "RFC 3264 6.1",		\
	    "an offered codec answered with another payload type")	\
	X(OA_DIRECTION, "oa-direction", ERROR, 1, "RFC 3264 6.1",	\
	    "the answer's direction does not fit the offer's")		\
	X(OA_MULTICAST, "oa-multicast", ERROR, 1, "RFC 3264 6.2",	\
	    "an accepted multicast stream changes address, port, formats " \
	    "or direction")						\
	X(OA_TIME, "oa-time", ERROR, 1, "RFC 3264 6",			\
	    "the answer's t= differs from the offer's")			\
	X(OA_MID, "oa-mid", ERROR, 1, "RFC 5888 9.1",			\
	    "an accepted stream's mid differs from the offer's")	\
	X(OA_SETUP, "oa-setup", ERROR, 1, "RFC 4145 4.1",		\
	    "the answer's setup is not active or passive as the offer allows")

enum sdp_check {
#define X(id, name, sev, on, rfc, sum)	SDP_C_##id,
	SDP_CHECK_MAP(X)
#undef X
	SDP_C__COUNT
};

struct sdp_check_info {
	const char	*name;
	enum sdp_sev	 sev;
	int		 on;		/* enabled by default */
	const char	*rfc;
	const char	*summary;
};

/* The table entry of check c. */
const struct sdp_check_info	*sdp_check_info(enum sdp_check c);
/* The check named name, or -1. */
int				 sdp_check_lookup(const char *name);
const char			*sdp_sev_name(enum sdp_sev s);

#define SDP_FINDING_MSG	200

struct sdp_finding {
	enum sdp_check	 check;
	size_t		 off;		/* into the description's buffer */
	char		 msg[SDP_FINDING_MSG];
};

struct sdp_lint {
	struct sdp_finding	*v;		/* caller's array */
	unsigned		 max, n;
	unsigned		 dropped;	/* findings that did not fit */
	unsigned		 count[3];	/* by severity, stored or not */
	unsigned char		 on[SDP_C__COUNT];
};

/* Prepare l with every check at its default; findings go into v[max]. */
void	sdp_lint_init(struct sdp_lint *l, struct sdp_finding *v, unsigned max);
/* Forget the findings, keep which checks are on. */
void	sdp_lint_reset(struct sdp_lint *l);
/* Run every enabled check over s. */
void	sdp_lint_run(struct sdp_lint *l, const struct sdp *s);
/* Check answer against offer; findings point into the answer. */
void	sdp_lint_oa(struct sdp_lint *l, const struct sdp *offer,
	    const struct sdp *answer);

#endif
