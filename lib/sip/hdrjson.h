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

#endif
