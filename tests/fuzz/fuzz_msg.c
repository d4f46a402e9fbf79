/*
 * fuzz_msg.c - libFuzzer target for the message parser and stream
 * framing: any bytes, datagram and stream modes, every header walked and
 * typed (lib/hdrjson), junk before a start line.
 */
#include <stdint.h>
#include <stddef.h>

#include "buf.h"
#include "field.h"
#include "hdrjson.h"
#include "json.h"
#include "msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sip_msg m;
	struct sip_perr pe;
	struct sip_hdr_iter it = { 0 };
	struct slice v;
	size_t off = 0, junk, from;
	unsigned i;

	/* Junk before a start line (lib/msg.h): what is left must start one. */
	if ((junk = sip_msg_junk((const char *)data, size, &from)) > 0 &&
	    (junk <= from || junk >= size))
		__builtin_trap();

	(void)sip_msg_known_start((const char *)data, size);
	if (sip_msg_parse(&m, (const char *)data, size, SIP_PARSE_STREAM,
	    &pe) != SIP_E_PARSE && m.body_off > 0 && m.body_off <= size -
	    m.skipped && sip_msg_lf_body(&m, size - m.skipped - m.body_off) >
	    (long)(size - m.skipped - m.body_off))
		__builtin_trap();
	if (sip_msg_parse(&m, (const char *)data, size, 0, &pe) == SIP_OK) {
		while (sip_msg_values(&m, SIP_HDR_VIA, &it, &v))
			;
		for (i = 0; i < m.nhdrs; i++) {
			(void)sip_msg_hdr_byname(&m, m.hdrs[i].name);
			/* the light readers sip-parse --fields uses */
			(void)sip_field_hparam(m.hdrs[i].value, "tag");
			(void)sip_field_hparam(m.hdrs[i].value, "branch");
		}
		/* the typed parsers, through what sip-parse --json writes */
		struct buf b;
		struct json j;

		buf_init(&b, 0);
		json_init(&j, &b);
		json_arr(&j);
		for (i = 0; i < m.nhdrs; i++) {
			json_obj(&j);
			sip_json_hdr(&j, &m.hdrs[i]);
			json_end(&j);
		}
		json_end(&j);
		buf_free(&b);
	}
	/* Stream framing: split the bytes into as many messages as fit. */
	while (off < size) {
		if (sip_msg_parse(&m, (const char *)data + off, size - off,
		    SIP_PARSE_STREAM, &pe) != SIP_OK)
			break;
		if (m.skipped + m.len == 0)
			break;
		off += m.skipped + m.len;
	}
	return 0;
}
