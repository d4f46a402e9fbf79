/*
 * addr.h - name-addr and addr-spec header values (RFC 3261 20 and 25.1):
 * From, To, Contact, Route, Record-Route, Reply-To, Refer-To, Referred-By,
 * P-Asserted-Identity and the like.
 *
 * One value at a time: split comma lists first (sip_msg_values()).  In
 * addr-spec form (no <>) the parameters after the URI belong to the
 * header, not to the URI (RFC 3261 20), so the URI ends at the first ';'.
 * Zero-copy; nothing is allocated.
 */
#ifndef SIPBOX_ADDR_H
#define SIPBOX_ADDR_H

#include "err.h"
#include "msg.h"
#include "param.h"
#include "slice.h"
#include "uri.h"

struct sip_addr {
	/* as written, quotes included; may be empty */
	struct slice		 display;
	unsigned char		 quoted;	/* display is quoted */
	unsigned char		 name_addr;	/* the URI was inside <> */
	unsigned char		 star;		/* Contact: * */
	unsigned char		 uri_later;	/* uri not parsed (_lazy) */
	struct slice		 uri_s;		/* the URI text */
	struct sip_uri		 uri;
	struct sip_params	 params;	/* header parameters */
	/* frequently wanted parameters (empty when absent) */
	struct slice		 tag, expires, q;
};

/*
 * Parse one name-addr / addr-spec value s (LWS around it is fine) into a,
 * including its URI and header parameters.  A value of "*" sets a->star
 * (Contact only; the caller decides where it is allowed).  SIP_OK,
 * SIP_E_PARSE with pe->off from s.p and a static reason, or SIP_E_TOOBIG.
 * Slices in a borrow from s.  pe may be NULL.
 */
enum sip_err	sip_addr_parse(struct sip_addr *a, struct slice s,
		    struct sip_perr *pe);
/*
 * As sip_addr_parse(), but the URI of a name-addr (inside <>) is only
 * found, not parsed: a->uri_later is set and a->uri is empty, for a
 * caller that may have the URI's outcome at hand already.  Where the
 * URI would fail, sip_addr_parse() may fail with another reason or
 * earlier; SIP_OK here says nothing about the URI.
 */
enum sip_err	sip_addr_parse_lazy(struct sip_addr *a, struct slice s,
		    struct sip_perr *pe);

/*
 * Append the display name to out without quotes and with quoted-pairs
 * resolved (tokens kept as written).  The caller owns out.
 */
enum sip_err	sip_addr_display(const struct sip_addr *a, struct buf *out);

#endif
