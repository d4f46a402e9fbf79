/*
 * fuzz_msg.c - libFuzzer target for the message parser and stream
 * framing: any bytes, datagram and stream modes, every header walked and
 * typed (lib/hdrjson), junk before a start line.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "buf.h"
#include "field.h"
#include "hdrjson.h"
#include "json.h"
#include "memo.h"
#include "msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* sip_param_parse()'s fast pass reads s as the general one does. */
static void
params_agree(struct slice s)
{
	static struct sip_params a, b;
	struct sip_perr pa = { 0, NULL }, pb = { 0, NULL };
	enum sip_err ea = sip_param_parse(&a, s, &pa),
	    eb = sip_param_parse_each(&b, s, &pb);

	if (ea != eb || (ea != SIP_OK && (pa.off != pb.off ||
	    pa.why != pb.why)) || (ea == SIP_OK && a.n != b.n))
		__builtin_trap();
	for (unsigned i = 0; ea == SIP_OK && i < a.n; i++)
		if (a.v[i].name.p != b.v[i].name.p ||
		    a.v[i].name.len != b.v[i].name.len ||
		    a.v[i].value.p != b.v[i].value.p ||
		    a.v[i].value.len != b.v[i].value.len ||
		    a.v[i].has_value != b.v[i].has_value ||
		    a.v[i].quoted != b.v[i].quoted)
			__builtin_trap();
}

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
			/* each value from its first ';', and whole */
			struct slice hv = m.hdrs[i].value;
			const char *semi = hv.len ? memchr(hv.p, ';', hv.len) :
			    NULL;

			params_agree(hv);
			if (semi != NULL)
				params_agree(slice_make(semi, (size_t)(hv.p +
				    hv.len - semi)));
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
		/*
		 * A header as sip-parse --json writes it, with a memo
		 * (recalled, and the fast paths of name-addr and Via), is
		 * the header written in full every time.
		 */
		static struct memo memo;
		struct buf b1, b2;
		struct json j1, j2;

		if (memo.v == NULL)
			(void)memo_init(&memo, 6);
		for (i = 0; i < m.nhdrs; i++) {
			buf_init(&b1, 0);
			buf_init(&b2, 0);
			json_init(&j1, &b1);
			json_init(&j2, &b2);
			json_arr(&j1);
			json_arr(&j2);
			sip_json_hdr_obj(&j1, &m.hdrs[i], NULL);
			sip_json_hdr_obj(&j2, &m.hdrs[i], &memo);
			sip_json_hdr_obj(&j1, &m.hdrs[i], NULL);
			sip_json_hdr_obj(&j2, &m.hdrs[i], &memo);
			json_end(&j1);
			json_end(&j2);
			if (j1.err != j2.err || (j1.err == SIP_OK &&
			    strcmp(b1.p, b2.p) != 0))
				__builtin_trap();
			buf_free(&b1);
			buf_free(&b2);
			/*
			 * The same with another tag, branch or CSeq number:
			 * recalled from the template with holes the first
			 * made, it is what the new value gives written.
			 */
			struct sip_hdr h2 = m.hdrs[i];
			struct slice hv = h2.value;
			char v2[600];
			size_t k = hv.len, d;

			if (hv.len + 8 > sizeof(v2))
				continue;
			memcpy(v2, hv.p, hv.len);
			while (k > 0 && slice_is_token(hv.p[k - 1]))
				k--;
			if (k < hv.len) {
				/* the token at the end, made one longer */
				memcpy(v2 + k, "Zq7", 3);
				memcpy(v2 + k + 3, hv.p + k, hv.len - k);
				h2.value = slice_make(v2, hv.len + 3);
			} else {
				for (d = 0; d < hv.len && hv.p[d] >= '0' &&
				    hv.p[d] <= '9'; d++)
					;
				if (d == 0)
					continue;
				/* the number at the start, one digit more */
				v2[0] = '7';
				memcpy(v2 + 1, hv.p, hv.len);
				h2.value = slice_make(v2, hv.len + 1);
			}
			buf_init(&b1, 0);
			buf_init(&b2, 0);
			json_init(&j1, &b1);
			json_init(&j2, &b2);
			sip_json_hdr_obj(&j1, &h2, NULL);
			sip_json_hdr_obj(&j2, &h2, &memo);
			if (j1.err != j2.err || (j1.err == SIP_OK &&
			    strcmp(b1.p, b2.p) != 0))
				__builtin_trap();
			buf_free(&b1);
			buf_free(&b2);
		}
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
