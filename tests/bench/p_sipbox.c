/*
 * p_sipbox.c - the benchmark's sipbox parsers and the memchr floor.
 *
 * sipbox: sip_msg_parse() as for a datagram (start line, every header
 * line and name, Content-Length, body), then the field readers sip-parse
 * and the capture reader use: sip_field_callid() and sip_field_cseq()
 * (both checked to their grammar) and sip_field_hparam() for the From
 * and To tags and the top Via's branch, which finds the parameter
 * without checking the URI or sent-by before it.
 *
 * sipbox-strict: the same, but the tags and branch come from
 * sip_addr_parse() and sip_via_parse(), which check the whole value,
 * URI included, to the RFC 3261 grammar: what a proxy that must reject
 * a bad From pays.
 *
 * floor: what any parser has to do at least, finding every line end up
 * to the empty line with memchr(), and nothing else.
 */
#include <string.h>

#include "addr.h"
#include "field.h"
#include "msg.h"
#include "via.h"

#include "bench.h"

static void
put(struct bfield *f, struct slice s)
{
	f->p = s.p;
	f->len = s.len;
	f->p2 = NULL;
	f->len2 = 0;
}

static int
sipbox_init(void)
{
	return 0;
}

/* Both sipbox rows: the message, then its Call-ID and CSeq, checked. */
static int
parse_head(struct sip_msg *m, const char *p, size_t len, struct bfields *out)
{
	struct sip_cseq cs;
	struct slice val;

	if (sip_msg_parse(m, p, len, 0, NULL) != SIP_OK)
		return -1;
	val = slice_trim(sip_msg_value(m, SIP_HDR_CALL_ID));
	if (sip_field_callid(val, NULL) != SIP_OK)
		return -1;
	put(&out->f[BF_CALLID], val);
	if (sip_field_cseq(&cs, sip_msg_value(m, SIP_HDR_CSEQ), NULL) != SIP_OK)
		return -1;
	out->cseq = cs.num;
	put(&out->f[BF_CSEQ_METHOD], cs.method);
	return 0;
}

static int
strict_parse(const char *p, size_t len, struct bsink *s)
{
	static struct sip_msg m;
	static struct sip_addr a;
	static struct sip_via v;
	struct sip_hdr_iter it = { 0 };
	struct bfields out;
	struct slice val;

	if (parse_head(&m, p, len, &out) != 0)
		return -1;
	if (sip_addr_parse(&a, sip_msg_value(&m, SIP_HDR_FROM), NULL) != SIP_OK)
		return -1;
	put(&out.f[BF_FROM_TAG], a.tag);
	if (sip_addr_parse(&a, sip_msg_value(&m, SIP_HDR_TO), NULL) != SIP_OK)
		return -1;
	put(&out.f[BF_TO_TAG], a.tag);
	if (!sip_msg_values(&m, SIP_HDR_VIA, &it, &val) ||
	    sip_via_parse(&v, val, NULL) != SIP_OK)
		return -1;
	put(&out.f[BF_BRANCH], v.branch);
	s->fn(s, &out);
	return 0;
}

const struct bparser bench_sipbox_strict = { "sipbox-strict", sipbox_init,
    strict_parse };

static int
fields_parse(const char *p, size_t len, struct bsink *s)
{
	static struct sip_msg m;
	struct bfields out;

	if (parse_head(&m, p, len, &out) != 0)
		return -1;
	put(&out.f[BF_FROM_TAG], sip_field_hparam(sip_msg_value(&m,
	    SIP_HDR_FROM), "tag"));
	put(&out.f[BF_TO_TAG], sip_field_hparam(sip_msg_value(&m, SIP_HDR_TO),
	    "tag"));
	/* The first value of the first Via line: hparam stops at a ','. */
	put(&out.f[BF_BRANCH], sip_field_hparam(sip_msg_value(&m, SIP_HDR_VIA),
	    "branch"));
	s->fn(s, &out);
	return 0;
}

const struct bparser bench_sipbox = { "sipbox", sipbox_init, fields_parse };

static int
floor_parse(const char *p, size_t len, struct bsink *s)
{
	const char *e = p + len, *q;
	struct bfields out;
	size_t lines = 0;

	for (;;) {
		if ((q = memchr(p, '\n', (size_t)(e - p))) == NULL)
			return -1;
		lines++;
		if (q == p || (q == p + 1 && p[0] == '\r'))
			break;
		p = q + 1;
	}
	/* No fields: the line count stands in for them in the checksum. */
	memset(&out, 0, sizeof(out));
	out.cseq = (uint32_t)lines;
	s->fn(s, &out);
	return 0;
}

static int
floor_init(void)
{
	return 0;
}

const struct bparser bench_floor = { "floor", floor_init, floor_parse };
