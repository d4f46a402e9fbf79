/*
 * fields.h - the one list of the names sip-parse -f and sip-send -w take.
 * A name is the JSON key of the same data in the applet's --json (a dot
 * for a nested member: cseq.num is "cseq":{"num":...}), so a field and a
 * key never differ.  The values that come from a SIP message are computed
 * here for both applets; where the message came from (a file, a capture
 * frame, a request sip-send made) each applet fills in itself.
 */
#ifndef SIPBOX_FIELDS_H
#define SIPBOX_FIELDS_H

#include "buf.h"
#include "mgcp.h"
#include "msg.h"
#include "slice.h"

enum field {
	FLD_HEADER,	/* a header's value: header.NAME, or a known NAME */
	/* from the message */
	FLD_TYPE, FLD_METHOD, FLD_STATUS, FLD_REASON, FLD_RURI, FLD_VERSION,
	FLD_CALL_ID, FLD_CSEQ_NUM, FLD_CSEQ_METHOD, FLD_FROM_URI, FLD_FROM_TAG,
	FLD_TO_URI, FLD_TO_TAG, FLD_VIA, FLD_VIA_BRANCH, FLD_VIA_COUNT,
	FLD_BODY, FLD_BODY_LENGTH, FLD_HEADERS_COUNT,
	/* sip-parse: where the message was read */
	FLD_FILE, FLD_INDEX, FLD_FRAME_NUMBER, FLD_FRAME_TIME, FLD_FRAME_EPOCH,
	FLD_FRAME_SRC, FLD_FRAME_SPORT, FLD_FRAME_DST, FLD_FRAME_DPORT,
	FLD_FRAME_TRANSPORT,
	/* sip-parse: the protocol, and MGCP's own (RFC 3435) */
	FLD_PROTOCOL, FLD_MGCP_TXID, FLD_MGCP_ENDPOINT, FLD_MGCP_CONN_ID,
	FLD_MGCP_REQUEST_ID,
	/* sip-send: the request and how it went */
	FLD_CSEQ, FLD_TRANSPORT, FLD_PEER, FLD_LOCAL, FLD_RTT_MS,
	FLD_RETRANSMISSIONS, FLD_ERROR, FLD_DETAIL, FLD_EXIT
};

/* Which applet asks: a field exists for one or both. */
#define FLD_PARSE	0x1	/* sip-parse -f */
#define FLD_SEND	0x2	/* sip-send -w */

struct field_ref {
	enum field	 id;
	struct slice	 header;	/* FLD_HEADER: the header's name */
};

/*
 * Resolve the len bytes at name (any case) for the applet where.
 * Returns 0 and fills *f, or -1 when no such field exists there.
 */
int		field_lookup(const char *name, size_t len, unsigned where,
		    struct field_ref *f);
/* A usage error (exit 2) naming the unknown field and the known ones. */
void		field_unknown(const char *opt, const char *name, size_t len,
		    unsigned where) __attribute__((noreturn));
/* The i-th documented name for where (completion, help), or NULL. */
const char	*field_name(size_t i, unsigned where);
/*
 * The value of a message field of m (empty for one m does not have, and
 * for fields that are not the message's); numbers go into tmp.
 */
struct slice	field_msg(const struct sip_msg *m, const struct field_ref *f,
		    struct buf *tmp);
/*
 * field_msg() for one field, found once: an applet printing many
 * messages calls it for each instead.
 */
typedef struct slice	field_fn(const struct sip_msg *m,
			    const struct field_ref *f, struct buf *tmp);
field_fn	*field_msg_fn(enum field id);
/*
 * The same for an MGCP message (sip-parse): method is its verb, status
 * its response code, reason its response string, call_id its C:, body
 * its session description, header.NAME its parameter NAME.
 */
struct slice	field_mgcp(const struct mgcp_msg *m, const struct field_ref *f,
		    struct buf *tmp);
/* v in decimal, into tmp. */
struct slice	field_num(struct buf *tmp, unsigned long v);
/* The URI inside a name-addr or addr-spec value. */
struct slice	field_addr_uri(struct slice v);
/* The number of m's CSeq, as written. */
struct slice	field_cseq_num(const struct sip_msg *m);

#endif
