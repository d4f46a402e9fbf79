/*
 * hdrlookup.h - the header-name lookup behind sip_hdr_lookup(), inline so
 * that the message parser, which looks up every header line's name, pays
 * no call for it.  Only lib/hdr.c and lib/msg.c include this.
 */
#ifndef SIPBOX_HDRLOOKUP_H
#define SIPBOX_HDRLOOKUP_H

#include <stdint.h>
#include <string.h>

#include "hdr.h"

static inline unsigned char
hdr_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static inline enum sip_hdr_id
hdr_compact_id(unsigned char c)
{
	switch (c | 0x20) {
	case 'a': return SIP_HDR_ACCEPT_CONTACT;
	case 'b': return SIP_HDR_REFERRED_BY;
	case 'c': return SIP_HDR_CONTENT_TYPE;
	case 'd': return SIP_HDR_REQUEST_DISPOSITION;
	case 'e': return SIP_HDR_CONTENT_ENCODING;
	case 'f': return SIP_HDR_FROM;
	case 'i': return SIP_HDR_CALL_ID;
	case 'j': return SIP_HDR_REJECT_CONTACT;
	case 'k': return SIP_HDR_SUPPORTED;
	case 'l': return SIP_HDR_CONTENT_LENGTH;
	case 'm': return SIP_HDR_CONTACT;
	case 'o': return SIP_HDR_EVENT;
	case 'r': return SIP_HDR_REFER_TO;
	case 's': return SIP_HDR_SUBJECT;
	case 't': return SIP_HDR_TO;
	case 'u': return SIP_HDR_ALLOW_EVENTS;
	case 'v': return SIP_HDR_VIA;
	case 'x': return SIP_HDR_SESSION_EXPIRES;
	case 'y': return SIP_HDR_IDENTITY;
	default: return SIP_HDR_OTHER;
	}
}

/*
 * n[0..len) against the lower-case name lc (letters, digits and '-'
 * only), eight bytes at a time.  A byte of lc with the 0x40 bit is a
 * letter: there the 0x20 bit of n is forced on, so either case matches;
 * elsewhere (digits, '-') the bytes must be equal.  Loads never go past
 * n[len): a short tail is read as an overlapping word.
 */
static inline uint64_t
hdr_word(const char *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

static inline uint32_t
hdr_word32(const char *p)
{
	uint32_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

static inline int
hdr_weq(uint64_t a, uint64_t lc)
{
	return (a | ((lc & 0x4040404040404040ULL) >> 1)) == lc;
}

static inline int
hdr_weq32(uint32_t a, uint32_t lc)
{
	return (a | ((lc & 0x40404040U) >> 1)) == lc;
}

static inline int
hdr_rest_ieq(const char *n, const char *lc, size_t len)
{
	size_t i;

	if (len < 4) {
		for (i = 1; i < len; i++)
			if (hdr_lower((unsigned char)n[i]) != (unsigned char)lc[i])
				return 0;
		return 1;
	}
	if (len <= 8)
		return hdr_weq32(hdr_word32(n), hdr_word32(lc)) &&
		    hdr_weq32(hdr_word32(n + len - 4), hdr_word32(lc + len - 4));
	for (i = 0; i + 8 < len; i += 8)
		if (!hdr_weq(hdr_word(n + i), hdr_word(lc + i)))
			return 0;
	return hdr_weq(hdr_word(n + len - 8), hdr_word(lc + len - 8));
}

/*
 * Generated from SIP_HDR_MAP by length and first letter; keep in step.
 * The switch takes the first byte with 0x20 set: that maps only capital
 * letters onto the small ones, so it matches a letter in either case and
 * nothing else; hdr_rest_ieq() checks the rest.
 */
static inline enum sip_hdr_id
hdr_lookup_long(const char *n, size_t len)
{
	switch (len) {
	case 2:
		switch (n[0] | 0x20) {
		case 't':
			if (hdr_rest_ieq(n, "to", 2))
				return SIP_HDR_TO;
			break;
		}
		break;
	case 3:
		switch (n[0] | 0x20) {
		case 'v':
			if (hdr_rest_ieq(n, "via", 3))
				return SIP_HDR_VIA;
			break;
		}
		break;
	case 4:
		switch (n[0] | 0x20) {
		case 'c':
			if (hdr_rest_ieq(n, "cseq", 4))
				return SIP_HDR_CSEQ;
			break;
		case 'd':
			if (hdr_rest_ieq(n, "date", 4))
				return SIP_HDR_DATE;
			break;
		case 'f':
			if (hdr_rest_ieq(n, "from", 4))
				return SIP_HDR_FROM;
			break;
		case 'p':
			if (hdr_rest_ieq(n, "path", 4))
				return SIP_HDR_PATH;
			break;
		case 'r':
			if (hdr_rest_ieq(n, "rack", 4))
				return SIP_HDR_RACK;
			if (hdr_rest_ieq(n, "rseq", 4))
				return SIP_HDR_RSEQ;
			break;
		}
		break;
	case 5:
		switch (n[0] | 0x20) {
		case 'a':
			if (hdr_rest_ieq(n, "allow", 5))
				return SIP_HDR_ALLOW;
			break;
		case 'e':
			if (hdr_rest_ieq(n, "event", 5))
				return SIP_HDR_EVENT;
			break;
		case 'r':
			if (hdr_rest_ieq(n, "route", 5))
				return SIP_HDR_ROUTE;
			break;
		}
		break;
	case 6:
		switch (n[0] | 0x20) {
		case 'a':
			if (hdr_rest_ieq(n, "accept", 6))
				return SIP_HDR_ACCEPT;
			break;
		case 'm':
			if (hdr_rest_ieq(n, "min-se", 6))
				return SIP_HDR_MIN_SE;
			break;
		case 'r':
			if (hdr_rest_ieq(n, "reason", 6))
				return SIP_HDR_REASON;
			break;
		case 's':
			if (hdr_rest_ieq(n, "server", 6))
				return SIP_HDR_SERVER;
			break;
		}
		break;
	case 7:
		switch (n[0] | 0x20) {
		case 'c':
			if (hdr_rest_ieq(n, "call-id", 7))
				return SIP_HDR_CALL_ID;
			if (hdr_rest_ieq(n, "contact", 7))
				return SIP_HDR_CONTACT;
			break;
		case 'e':
			if (hdr_rest_ieq(n, "expires", 7))
				return SIP_HDR_EXPIRES;
			break;
		case 'p':
			if (hdr_rest_ieq(n, "privacy", 7))
				return SIP_HDR_PRIVACY;
			break;
		case 'r':
			if (hdr_rest_ieq(n, "require", 7))
				return SIP_HDR_REQUIRE;
			break;
		case 's':
			if (hdr_rest_ieq(n, "subject", 7))
				return SIP_HDR_SUBJECT;
			break;
		case 'w':
			if (hdr_rest_ieq(n, "warning", 7))
				return SIP_HDR_WARNING;
			break;
		}
		break;
	case 8:
		switch (n[0] | 0x20) {
		case 'i':
			if (hdr_rest_ieq(n, "identity", 8))
				return SIP_HDR_IDENTITY;
			break;
		case 'p':
			if (hdr_rest_ieq(n, "priority", 8))
				return SIP_HDR_PRIORITY;
			break;
		case 'r':
			if (hdr_rest_ieq(n, "refer-to", 8))
				return SIP_HDR_REFER_TO;
			if (hdr_rest_ieq(n, "replaces", 8))
				return SIP_HDR_REPLACES;
			if (hdr_rest_ieq(n, "reply-to", 8))
				return SIP_HDR_REPLY_TO;
			break;
		case 's':
			if (hdr_rest_ieq(n, "sip-etag", 8))
				return SIP_HDR_SIP_ETAG;
			break;
		}
		break;
	case 9:
		switch (n[0] | 0x20) {
		case 'c':
			if (hdr_rest_ieq(n, "call-info", 9))
				return SIP_HDR_CALL_INFO;
			break;
		case 's':
			if (hdr_rest_ieq(n, "supported", 9))
				return SIP_HDR_SUPPORTED;
			break;
		case 't':
			if (hdr_rest_ieq(n, "timestamp", 9))
				return SIP_HDR_TIMESTAMP;
			break;
		}
		break;
	case 10:
		switch (n[0] | 0x20) {
		case 'a':
			if (hdr_rest_ieq(n, "alert-info", 10))
				return SIP_HDR_ALERT_INFO;
			break;
		case 'e':
			if (hdr_rest_ieq(n, "error-info", 10))
				return SIP_HDR_ERROR_INFO;
			break;
		case 'u':
			if (hdr_rest_ieq(n, "user-agent", 10))
				return SIP_HDR_USER_AGENT;
			break;
		}
		break;
	case 11:
		switch (n[0] | 0x20) {
		case 'i':
			if (hdr_rest_ieq(n, "in-reply-to", 11))
				return SIP_HDR_IN_REPLY_TO;
			break;
		case 'm':
			if (hdr_rest_ieq(n, "min-expires", 11))
				return SIP_HDR_MIN_EXPIRES;
			break;
		case 'r':
			if (hdr_rest_ieq(n, "referred-by", 11))
				return SIP_HDR_REFERRED_BY;
			if (hdr_rest_ieq(n, "retry-after", 11))
				return SIP_HDR_RETRY_AFTER;
			break;
		case 'u':
			if (hdr_rest_ieq(n, "unsupported", 11))
				return SIP_HDR_UNSUPPORTED;
			break;
		}
		break;
	case 12:
		switch (n[0] | 0x20) {
		case 'a':
			if (hdr_rest_ieq(n, "allow-events", 12))
				return SIP_HDR_ALLOW_EVENTS;
			break;
		case 'c':
			if (hdr_rest_ieq(n, "content-type", 12))
				return SIP_HDR_CONTENT_TYPE;
			break;
		case 'h':
			if (hdr_rest_ieq(n, "history-info", 12))
				return SIP_HDR_HISTORY_INFO;
			break;
		case 'm':
			if (hdr_rest_ieq(n, "max-forwards", 12))
				return SIP_HDR_MAX_FORWARDS;
			if (hdr_rest_ieq(n, "mime-version", 12))
				return SIP_HDR_MIME_VERSION;
			break;
		case 'o':
			if (hdr_rest_ieq(n, "organization", 12))
				return SIP_HDR_ORGANIZATION;
			break;
		case 'r':
			if (hdr_rest_ieq(n, "record-route", 12))
				return SIP_HDR_RECORD_ROUTE;
			break;
		case 's':
			if (hdr_rest_ieq(n, "sip-if-match", 12))
				return SIP_HDR_SIP_IF_MATCH;
			break;
		}
		break;
	case 13:
		switch (n[0] | 0x20) {
		case 'a':
			if (hdr_rest_ieq(n, "authorization", 13))
				return SIP_HDR_AUTHORIZATION;
			break;
		case 'p':
			if (hdr_rest_ieq(n, "proxy-require", 13))
				return SIP_HDR_PROXY_REQUIRE;
			break;
		}
		break;
	case 14:
		switch (n[0] | 0x20) {
		case 'a':
			if (hdr_rest_ieq(n, "accept-contact", 14))
				return SIP_HDR_ACCEPT_CONTACT;
			break;
		case 'c':
			if (hdr_rest_ieq(n, "content-length", 14))
				return SIP_HDR_CONTENT_LENGTH;
			break;
		case 'r':
			if (hdr_rest_ieq(n, "reject-contact", 14))
				return SIP_HDR_REJECT_CONTACT;
			break;
		}
		break;
	case 15:
		switch (n[0] | 0x20) {
		case 'a':
			if (hdr_rest_ieq(n, "accept-encoding", 15))
				return SIP_HDR_ACCEPT_ENCODING;
			if (hdr_rest_ieq(n, "accept-language", 15))
				return SIP_HDR_ACCEPT_LANGUAGE;
			break;
		case 's':
			if (hdr_rest_ieq(n, "session-expires", 15))
				return SIP_HDR_SESSION_EXPIRES;
			break;
		}
		break;
	case 16:
		switch (n[0] | 0x20) {
		case 'c':
			if (hdr_rest_ieq(n, "content-encoding", 16))
				return SIP_HDR_CONTENT_ENCODING;
			if (hdr_rest_ieq(n, "content-language", 16))
				return SIP_HDR_CONTENT_LANGUAGE;
			break;
		case 'w':
			if (hdr_rest_ieq(n, "www-authenticate", 16))
				return SIP_HDR_WWW_AUTHENTICATE;
			break;
		}
		break;
	case 18:
		switch (n[0] | 0x20) {
		case 'p':
			if (hdr_rest_ieq(n, "proxy-authenticate", 18))
				return SIP_HDR_PROXY_AUTHENTICATE;
			break;
		case 's':
			if (hdr_rest_ieq(n, "subscription-state", 18))
				return SIP_HDR_SUBSCRIPTION_STATE;
			break;
		}
		break;
	case 19:
		switch (n[0] | 0x20) {
		case 'a':
			if (hdr_rest_ieq(n, "authentication-info", 19))
				return SIP_HDR_AUTHENTICATION_INFO;
			break;
		case 'c':
			if (hdr_rest_ieq(n, "content-disposition", 19))
				return SIP_HDR_CONTENT_DISPOSITION;
			break;
		case 'p':
			if (hdr_rest_ieq(n, "p-asserted-identity", 19))
				return SIP_HDR_P_ASSERTED_IDENTITY;
			if (hdr_rest_ieq(n, "proxy-authorization", 19))
				return SIP_HDR_PROXY_AUTHORIZATION;
			break;
		case 'r':
			if (hdr_rest_ieq(n, "request-disposition", 19))
				return SIP_HDR_REQUEST_DISPOSITION;
			break;
		}
		break;
	case 20:
		switch (n[0] | 0x20) {
		case 'p':
			if (hdr_rest_ieq(n, "p-preferred-identity", 20))
				return SIP_HDR_P_PREFERRED_IDENTITY;
			break;
		}
		break;
	}
	return SIP_HDR_OTHER;
}

static inline enum sip_hdr_id
sip_hdr_lookup_inline(const char *name, size_t len)
{
	if (len == 1)
		return hdr_compact_id((unsigned char)name[0]);
	return hdr_lookup_long(name, len);
}

#endif
