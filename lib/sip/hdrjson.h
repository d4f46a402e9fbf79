/*
 * hdrjson.h - a header's value as typed JSON, for sip-parse --json:
 * Via, name-addr headers, CSeq, numbers, Content-Type, the digest
 * headers, Event, Subscription-State, token lists, RAck, Retry-After.
 */
#ifndef SIPBOX_HDRJSON_H
#define SIPBOX_HDRJSON_H

#include "json.h"
#include "msg.h"

/*
 * Write "parsed": VALUE for header h (an object, an array for headers
 * that hold lists, or a number), or "error": "reason" when the value
 * breaks its grammar; nothing for headers with no typed form.
 */
void	sip_json_hdr(struct json *j, const struct sip_hdr *h);
/*
 * The header as an object: {"name":..., "value":..., and the above}.
 * With m, a header of a known name is written once for each value and
 * recalled after that (json_memo_hit()), and so are a URI in <> and a
 * Via's sent-by by their text; m NULL: always written.  Its entries in
 * m are under tags below SIP_JSON_MEMO_FREE (a header's id and the two
 * below); a caller's own tags start there.
 */
#define SIP_JSON_MEMO_URI	(1u << 16)
#define SIP_JSON_MEMO_VIA	(SIP_JSON_MEMO_URI + 1)
#define SIP_JSON_MEMO_FREE	(SIP_JSON_MEMO_URI + 2)
void	sip_json_hdr_obj(struct json *j, const struct sip_hdr *h,
	    struct memo *m);
/*
 * The length of the number a CSeq value starts with when the value is
 * written the same way for any number of that form (1 to 9 digits, no
 * 0 in front, then a space), for json_memo_hit_holes(); 0: otherwise.
 */
size_t	sip_json_cseq_hole(struct slice v);

#endif
