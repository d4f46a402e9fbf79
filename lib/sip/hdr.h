/*
 * hdr.h - the SIP header name table: one row per known header with its
 * long name, compact form (RFC 3261 7.3.3 and later RFCs) and whether its
 * values may be combined as a comma list (RFC 3261 7.3.1).
 */
#ifndef SIPBOX_HDR_H
#define SIPBOX_HDR_H

#include "slice.h"

/*	id			name			compact	list */
#define SIP_HDR_MAP(X)							\
	X(ACCEPT,		"Accept",		0,	1)	\
	X(ACCEPT_CONTACT,	"Accept-Contact",	'a',	1)	\
	X(ACCEPT_ENCODING,	"Accept-Encoding",	0,	1)	\
	X(ACCEPT_LANGUAGE,	"Accept-Language",	0,	1)	\
	X(ALERT_INFO,		"Alert-Info",		0,	1)	\
	X(ALLOW,		"Allow",		0,	1)	\
	X(ALLOW_EVENTS,		"Allow-Events",		'u',	1)	\
	X(AUTHENTICATION_INFO,	"Authentication-Info",	0,	0)	\
	X(AUTHORIZATION,	"Authorization",	0,	0)	\
	X(CALL_ID,		"Call-ID",		'i',	0)	\
	X(CALL_INFO,		"Call-Info",		0,	1)	\
	X(CONTACT,		"Contact",		'm',	1)	\
	X(CONTENT_DISPOSITION,	"Content-Disposition",	0,	0)	\
	X(CONTENT_ENCODING,	"Content-Encoding",	'e',	1)	\
	X(CONTENT_LANGUAGE,	"Content-Language",	0,	1)	\
	X(CONTENT_LENGTH,	"Content-Length",	'l',	0)	\
	X(CONTENT_TYPE,		"Content-Type",		'c',	0)	\
	X(CSEQ,			"CSeq",			0,	0)	\
	X(DATE,			"Date",			0,	0)	\
	X(ERROR_INFO,		"Error-Info",		0,	1)	\
	X(EVENT,		"Event",		'o',	0)	\
	X(EXPIRES,		"Expires",		0,	0)	\
	X(FROM,			"From",			'f',	0)	\
	X(HISTORY_INFO,		"History-Info",		0,	1)	\
	X(IDENTITY,		"Identity",		'y',	0)	\
	X(IN_REPLY_TO,		"In-Reply-To",		0,	1)	\
	X(MAX_FORWARDS,		"Max-Forwards",		0,	0)	\
	X(MIME_VERSION,		"MIME-Version",		0,	0)	\
	X(MIN_EXPIRES,		"Min-Expires",		0,	0)	\
	X(MIN_SE,		"Min-SE",		0,	0)	\
	X(ORGANIZATION,		"Organization",		0,	0)	\
	X(P_ASSERTED_IDENTITY,	"P-Asserted-Identity",	0,	1)	\
	X(P_PREFERRED_IDENTITY,	"P-Preferred-Identity",	0,	1)	\
	X(PATH,			"Path",			0,	1)	\
	X(PRIORITY,		"Priority",		0,	0)	\
	X(PRIVACY,		"Privacy",		0,	0)	\
	X(PROXY_AUTHENTICATE,	"Proxy-Authenticate",	0,	0)	\
	X(PROXY_AUTHORIZATION,	"Proxy-Authorization",	0,	0)	\
	X(PROXY_REQUIRE,	"Proxy-Require",	0,	1)	\
	X(RACK,			"RAck",			0,	0)	\
	X(REASON,		"Reason",		0,	1)	\
	X(RECORD_ROUTE,		"Record-Route",		0,	1)	\
	X(REFER_TO,		"Refer-To",		'r',	0)	\
	X(REFERRED_BY,		"Referred-By",		'b',	0)	\
	X(REJECT_CONTACT,	"Reject-Contact",	'j',	1)	\
	X(REPLACES,		"Replaces",		0,	0)	\
	X(REPLY_TO,		"Reply-To",		0,	0)	\
	X(REQUEST_DISPOSITION,	"Request-Disposition",	'd',	1)	\
	X(REQUIRE,		"Require",		0,	1)	\
	X(RETRY_AFTER,		"Retry-After",		0,	0)	\
	X(ROUTE,		"Route",		0,	1)	\
	X(RSEQ,			"RSeq",			0,	0)	\
	X(SERVER,		"Server",		0,	0)	\
	X(SESSION_EXPIRES,	"Session-Expires",	'x',	0)	\
	X(SIP_ETAG,		"SIP-ETag",		0,	0)	\
	X(SIP_IF_MATCH,		"SIP-If-Match",		0,	0)	\
	X(SUBJECT,		"Subject",		's',	0)	\
	X(SUBSCRIPTION_STATE,	"Subscription-State",	0,	0)	\
	X(SUPPORTED,		"Supported",		'k',	1)	\
	X(TIMESTAMP,		"Timestamp",		0,	0)	\
	X(TO,			"To",			't',	0)	\
	X(UNSUPPORTED,		"Unsupported",		0,	1)	\
	X(USER_AGENT,		"User-Agent",		0,	0)	\
	X(VIA,			"Via",			'v',	1)	\
	X(WARNING,		"Warning",		0,	1)	\
	X(WWW_AUTHENTICATE,	"WWW-Authenticate",	0,	0)

enum sip_hdr_id {
	SIP_HDR_OTHER = 0,	/* not in the table: look it up by name */
#define X(id, name, c, l)	SIP_HDR_##id,
	SIP_HDR_MAP(X)
#undef X
	SIP_HDR__COUNT
};

/* The id for a header name as written (long or compact, any case). */
enum sip_hdr_id	 sip_hdr_lookup(const char *name, size_t len);
/* The canonical long name of id ("Call-ID"), or NULL for SIP_HDR_OTHER. */
const char	*sip_hdr_name(enum sip_hdr_id id);
/* The compact letter of id, or 0. */
char		 sip_hdr_compact(enum sip_hdr_id id);
/* Whether id's values may come as a comma-separated list. */
int		 sip_hdr_is_list(enum sip_hdr_id id);

#endif
