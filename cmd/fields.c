/*
 * fields.c - the field names of sip-parse -f and sip-send -w, and the
 * values both take from a SIP message.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "field.h"
#include "fields.h"
#include "hdr.h"

#define BOTH	(FLD_PARSE | FLD_SEND)

/*
 * Documented names first; an alias (doc 0) is an older spelling that
 * still works but is not offered.
 */
static const struct {
	const char	*name;
	enum field	 id;
	unsigned	 where;
	int		 doc;
} names[] = {
	{ "type", FLD_TYPE, BOTH, 1 },
	{ "method", FLD_METHOD, BOTH, 1 },
	{ "status", FLD_STATUS, BOTH, 1 },
	{ "reason", FLD_REASON, BOTH, 1 },
	{ "ruri", FLD_RURI, FLD_PARSE, 1 },
	{ "version", FLD_VERSION, BOTH, 1 },
	{ "call_id", FLD_CALL_ID, BOTH, 1 },
	{ "cseq", FLD_CSEQ, FLD_SEND, 1 },
	{ "cseq.num", FLD_CSEQ_NUM, BOTH, 1 },
	{ "cseq.method", FLD_CSEQ_METHOD, BOTH, 1 },
	{ "from.uri", FLD_FROM_URI, BOTH, 1 },
	{ "from.tag", FLD_FROM_TAG, BOTH, 1 },
	{ "to.uri", FLD_TO_URI, BOTH, 1 },
	{ "to.tag", FLD_TO_TAG, BOTH, 1 },
	{ "via", FLD_VIA, BOTH, 1 },
	{ "via.branch", FLD_VIA_BRANCH, BOTH, 1 },
	{ "via.count", FLD_VIA_COUNT, BOTH, 1 },
	{ "body", FLD_BODY, BOTH, 1 },
	{ "body_length", FLD_BODY_LENGTH, BOTH, 1 },
	{ "headers.count", FLD_HEADERS_COUNT, BOTH, 1 },
	{ "file", FLD_FILE, FLD_PARSE, 1 },
	{ "index", FLD_INDEX, FLD_PARSE, 1 },
	{ "frame.number", FLD_FRAME_NUMBER, FLD_PARSE, 1 },
	{ "frame.time", FLD_FRAME_TIME, FLD_PARSE, 1 },
	{ "frame.epoch", FLD_FRAME_EPOCH, FLD_PARSE, 1 },
	{ "frame.src", FLD_FRAME_SRC, FLD_PARSE, 1 },
	{ "frame.sport", FLD_FRAME_SPORT, FLD_PARSE, 1 },
	{ "frame.dst", FLD_FRAME_DST, FLD_PARSE, 1 },
	{ "frame.dport", FLD_FRAME_DPORT, FLD_PARSE, 1 },
	{ "frame.transport", FLD_FRAME_TRANSPORT, FLD_PARSE, 1 },
	{ "protocol", FLD_PROTOCOL, FLD_PARSE, 1 },
	{ "mgcp.txid", FLD_MGCP_TXID, FLD_PARSE, 1 },
	{ "mgcp.endpoint", FLD_MGCP_ENDPOINT, FLD_PARSE, 1 },
	{ "mgcp.connection_id", FLD_MGCP_CONN_ID, FLD_PARSE, 1 },
	{ "mgcp.request_id", FLD_MGCP_REQUEST_ID, FLD_PARSE, 1 },
	{ "transport", FLD_TRANSPORT, FLD_SEND, 1 },
	{ "peer", FLD_PEER, FLD_SEND, 1 },
	{ "local", FLD_LOCAL, FLD_SEND, 1 },
	{ "rtt_ms", FLD_RTT_MS, FLD_SEND, 1 },
	{ "retransmissions", FLD_RETRANSMISSIONS, FLD_SEND, 1 },
	{ "error", FLD_ERROR, FLD_SEND, 1 },
	{ "detail", FLD_DETAIL, FLD_SEND, 1 },
	{ "exit", FLD_EXIT, FLD_SEND, 1 },
	{ "header.NAME", FLD_HEADER, BOTH, 1 },
	/* the names sip-parse -f had before they were the JSON keys */
	{ "call-id", FLD_CALL_ID, FLD_PARSE, 0 },
	{ "body.length", FLD_BODY_LENGTH, FLD_PARSE, 0 },
	{ "frame", FLD_FRAME_NUMBER, FLD_PARSE, 0 },
	{ "src", FLD_FRAME_SRC, FLD_PARSE, 0 },
	{ "sport", FLD_FRAME_SPORT, FLD_PARSE, 0 },
	{ "dst", FLD_FRAME_DST, FLD_PARSE, 0 },
	{ "dport", FLD_FRAME_DPORT, FLD_PARSE, 0 },
	{ "transport", FLD_FRAME_TRANSPORT, FLD_PARSE, 0 },
};

#define NNAMES	(sizeof(names) / sizeof(names[0]))

int
field_lookup(const char *name, size_t len, unsigned where, struct field_ref *f)
{
	struct slice s = slice_make(name, len);
	size_t i;

	f->header = SLICE_NULL;
	for (i = 0; i < NNAMES; i++)
		if ((names[i].where & where) != 0 && names[i].id != FLD_HEADER &&
		    slice_ieq(s, slice_cstr(names[i].name))) {
			f->id = names[i].id;
			return 0;
		}
	f->id = FLD_HEADER;
	if (len > 7 && slice_has_prefix(s, "header.")) {
		f->header = slice_from(s, 7);
		return 0;
	}
	/* sip-parse -f also takes a header it knows by its bare name */
	if ((where & FLD_PARSE) && len > 0 &&
	    sip_hdr_lookup(name, len) != SIP_HDR_OTHER) {
		f->header = s;
		return 0;
	}
	return -1;
}

const char *
field_name(size_t i, unsigned where)
{
	size_t k;

	for (k = 0; k < NNAMES; k++)
		if (names[k].doc && (names[k].where & where) != 0 && i-- == 0)
			return names[k].name;
	return NULL;
}

void
field_unknown(const char *opt, const char *name, size_t len, unsigned where)
{
	struct buf b;
	const char *n;
	size_t i;

	buf_init(&b, 4096);
	for (i = 0; (n = field_name(i, where)) != NULL; i++)
		buf_printf(&b, "%s%s", i > 0 ? ", " : "", n);
	usage_error("%s: unknown field '%.*s'; the fields are %s%s", opt,
	    (int)len, name, b.p != NULL ? b.p : "",
	    where & FLD_PARSE ? " and any header's name" : "");
}

struct slice
field_num(struct buf *tmp, unsigned long v)
{
	char d[24], *p = d + sizeof(d);

	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	buf_reset(tmp);
	buf_add(tmp, p, (size_t)(d + sizeof(d) - p));
	return buf_slice(tmp);
}

struct slice
field_addr_uri(struct slice v)
{
	ptrdiff_t lt = slice_chr(v, '<'), gt, semi;

	if (lt >= 0) {
		v = slice_from(v, (size_t)lt + 1);
		gt = slice_chr(v, '>');
		return gt >= 0 ? slice_head(v, (size_t)gt) : v;
	}
	semi = slice_chr(v, ';');
	return slice_trim(semi >= 0 ? slice_head(v, (size_t)semi) : v);
}

struct slice
field_cseq_num(const struct sip_msg *m)
{
	return sip_field_cseq_num(m);
}

static unsigned
count_values(const struct sip_msg *m, enum sip_hdr_id id)
{
	struct sip_hdr_iter it = { 0 };
	struct slice v;
	unsigned n = 0;

	while (sip_msg_values(m, id, &it, &v))
		n++;
	return n;
}

/*
 * RFC 3261 7.3.1: a folded value means the same with each line break and
 * the white space around it one SP.  Unfolded into tmp only when folded.
 */
static struct slice
unfold(struct slice v, struct buf *tmp)
{
	size_t i;
	int ws = 0;

	if (slice_chr(v, '\n') < 0 && slice_chr(v, '\r') < 0)
		return v;
	buf_reset(tmp);
	for (i = 0; i < v.len; i++) {
		char c = v.p[i];

		if (c == '\r' || c == '\n') {
			/* the white space before the break goes too */
			while (tmp->len > 0 && (tmp->p[tmp->len - 1] == ' ' ||
			    tmp->p[tmp->len - 1] == '\t'))
				tmp->len--;
			ws = 1;
		} else if (!ws || (c != ' ' && c != '\t')) {
			if (ws)
				buf_addc(tmp, ' ');
			buf_addc(tmp, c);
			ws = 0;
		}
	}
	return buf_slice(tmp);
}

/*
 * One getter per message field, found once for a field list
 * (field_msg_fn()), so that a message's line costs no lookup by name.
 */
#define GETTER(name)	static struct slice name(const struct sip_msg *m, \
			    const struct field_ref *f, struct buf *tmp)
#define UNUSED		(void)m, (void)f, (void)tmp

GETTER(get_type)
{
	UNUSED;
	return m->is_request ? SLICE_LIT("request") : SLICE_LIT("response");
}

GETTER(get_method)
{
	UNUSED;
	return m->is_request ? m->method : SLICE_LIT("");
}

GETTER(get_status)
{
	UNUSED;
	return m->is_request ? SLICE_LIT("") :
	    field_num(tmp, (unsigned long)m->status);
}

GETTER(get_reason)
{
	UNUSED;
	return m->reason.p ? m->reason : SLICE_LIT("");
}

GETTER(get_ruri)
{
	UNUSED;
	return m->ruri.p ? m->ruri : SLICE_LIT("");
}

GETTER(get_version)
{
	UNUSED;
	return m->version;
}

GETTER(get_call_id)
{
	UNUSED;
	return slice_trim(sip_msg_value(m, SIP_HDR_CALL_ID));
}

GETTER(get_cseq_num)
{
	UNUSED;
	return sip_field_cseq_num(m);
}

GETTER(get_cseq_method)
{
	UNUSED;
	return sip_field_cseq_method(m);
}

GETTER(get_from_uri)
{
	UNUSED;
	return field_addr_uri(sip_msg_value(m, SIP_HDR_FROM));
}

GETTER(get_to_uri)
{
	UNUSED;
	return field_addr_uri(sip_msg_value(m, SIP_HDR_TO));
}

GETTER(get_from_tag)
{
	UNUSED;
	return sip_field_hparam(sip_msg_value(m, SIP_HDR_FROM), "tag");
}

GETTER(get_to_tag)
{
	UNUSED;
	return sip_field_hparam(sip_msg_value(m, SIP_HDR_TO), "tag");
}

GETTER(get_via)
{
	struct sip_hdr_iter it = { 0 };
	struct slice v = SLICE_LIT("");

	UNUSED;
	sip_msg_values(m, SIP_HDR_VIA, &it, &v);
	return unfold(v, tmp);
}

GETTER(get_via_branch)
{
	UNUSED;
	return sip_field_hparam(sip_msg_value(m, SIP_HDR_VIA), "branch");
}

GETTER(get_via_count)
{
	UNUSED;
	return field_num(tmp, count_values(m, SIP_HDR_VIA));
}

GETTER(get_body)
{
	UNUSED;
	return m->body;
}

GETTER(get_body_length)
{
	UNUSED;
	return field_num(tmp, m->body.len);
}

GETTER(get_headers_count)
{
	UNUSED;
	return field_num(tmp, m->nhdrs);
}

GETTER(get_protocol)
{
	UNUSED;
	return SLICE_LIT("SIP");
}

GETTER(get_header)
{
	const struct sip_hdr *h;

	UNUSED;
	if ((h = sip_msg_hdr_byname(m, f->header)) != NULL)
		return unfold(h->value, tmp);
	return SLICE_LIT("");
}

GETTER(get_none)
{
	UNUSED;
	return SLICE_LIT("");
}

static field_fn *const getters[] = {
	[FLD_HEADER] = get_header, [FLD_TYPE] = get_type,
	[FLD_METHOD] = get_method, [FLD_STATUS] = get_status,
	[FLD_REASON] = get_reason, [FLD_RURI] = get_ruri,
	[FLD_VERSION] = get_version, [FLD_CALL_ID] = get_call_id,
	[FLD_CSEQ_NUM] = get_cseq_num, [FLD_CSEQ_METHOD] = get_cseq_method,
	[FLD_FROM_URI] = get_from_uri, [FLD_TO_URI] = get_to_uri,
	[FLD_FROM_TAG] = get_from_tag, [FLD_TO_TAG] = get_to_tag,
	[FLD_VIA] = get_via, [FLD_VIA_BRANCH] = get_via_branch,
	[FLD_VIA_COUNT] = get_via_count, [FLD_BODY] = get_body,
	[FLD_BODY_LENGTH] = get_body_length,
	[FLD_HEADERS_COUNT] = get_headers_count, [FLD_PROTOCOL] = get_protocol,
};

field_fn *
field_msg_fn(enum field id)
{
	return (size_t)id < sizeof(getters) / sizeof(getters[0]) &&
	    getters[id] != NULL ? getters[id] : get_none;
}

struct slice
field_msg(const struct sip_msg *m, const struct field_ref *f, struct buf *tmp)
{
	return field_msg_fn(f->id)(m, f, tmp);
}

struct slice
field_mgcp(const struct mgcp_msg *m, const struct field_ref *f,
    struct buf *tmp)
{
	switch (f->id) {
	case FLD_PROTOCOL:
		return SLICE_LIT("MGCP");
	case FLD_TYPE:
		return m->is_response ? SLICE_LIT("response") :
		    SLICE_LIT("request");
	case FLD_METHOD:
		return m->verb;
	case FLD_STATUS:
		return m->is_response ? field_num(tmp, (unsigned long)m->code) :
		    SLICE_LIT("");
	case FLD_REASON:
		return m->comment;
	case FLD_VERSION:
		return m->version;
	case FLD_CALL_ID:
		return mgcp_param(m, "C");
	case FLD_MGCP_TXID:
		return m->txid;
	case FLD_MGCP_ENDPOINT:
		return m->endpoint;
	case FLD_MGCP_CONN_ID:
		return mgcp_param(m, "I");
	case FLD_MGCP_REQUEST_ID:
		return mgcp_param(m, "X");
	case FLD_BODY:
		return m->sdp;
	case FLD_BODY_LENGTH:
		return field_num(tmp, m->sdp.len);
	case FLD_HEADERS_COUNT:
		return field_num(tmp, m->nparams);
	case FLD_HEADER:
		return mgcp_param_n(m, f->header.p, f->header.len);
	default:
		return SLICE_LIT("");
	}
}
