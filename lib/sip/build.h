/*
 * build.h - building SIP requests and responses into a struct buf
 * (RFC 3261 8.1.1 for requests, 8.2.6 and 12.1.1 for responses, 9.1
 * for CANCEL, 17.1.1.3 for the ACK of a non-2xx final response).
 *
 * Builders append to the caller's buf; the caller frees it.  String
 * parameters are copied into the buf and need not outlive the call.
 * Content-Length is always computed from the body.
 */
#ifndef SIPBOX_BUILD_H
#define SIPBOX_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "msg.h"

/* Sizes of the generated tokens, with their NUL. */
#define SIP_BRANCH_SIZE	32	/* "z9hG4bK" + 20 hex + NUL fits */
#define SIP_TAG_SIZE	20
#define SIP_CALLID_SIZE	96

/*
 * RFC 3261 8.1.1.7: a branch beginning with the magic cookie z9hG4bK.
 * These three fail (SIP_E_RANDOM) only when there are no random bytes.
 */
enum sip_err	sip_build_branch(char out[SIP_BRANCH_SIZE]);
/* RFC 3261 19.3: a random tag of at least 32 bits. */
enum sip_err	sip_build_tag(char out[SIP_TAG_SIZE]);
/* RFC 3261 8.1.1.4: a random Call-ID, "@host" appended when host is set. */
enum sip_err	sip_build_callid(char out[SIP_CALLID_SIZE], const char *host);

struct sip_req_params {
	const char		*method;	/* required: any token */
	const char		*ruri;		/* required */
	/* Via: SIP/2.0/<transport> <host>[:<port>];branch=...;rport */
	const char		*transport;	/* "UDP" when NULL */
	const char		*via_host;	/* required; IPv6 bracketed by caller or not */
	int			 via_port;	/* 0: omitted */
	const char		*branch;	/* NULL: a fresh one */
	int			 rport;		/* RFC 3581: add ;rport */
	const char		*from;		/* name-addr, e.g. "<sip:a@b>" */
	const char		*from_tag;	/* NULL: a fresh one */
	const char		*to;		/* name-addr */
	const char		*to_tag;	/* NULL: none (out of dialog) */
	const char		*call_id;	/* NULL: a fresh one */
	uint32_t		 cseq;		/* 0: 1 */
	const char		*cseq_method;	/* NULL: method */
	const char		*contact;	/* name-addr or NULL for none */
	int			 max_forwards;	/* < 0: omitted; 0 is valid */
	const char		*user_agent;	/* NULL: none */
	const char *const	*routes;	/* Route values, NULL-terminated */
	/*
	 * "Name: value" lines, NULL-terminated.  A line whose name matches a
	 * header built above replaces it (compact and long forms match);
	 * with an empty value ("Contact:") it removes it.
	 */
	const char *const	*headers;
	const char		*content_type;	/* with a body */
	const void		*body;
	size_t			 body_len;
	/*
	 * sip_build_request_tmpl() only: 0, or a number the caller changes
	 * whenever anything above but branch, from_tag, call_id and cseq
	 * changes (a string's contents too).  An unchanged non-zero gen
	 * spares comparing every parameter with the template's.
	 */
	unsigned		 gen;
};

/*
 * Build a request.  Returns SIP_E_INVAL when a required field is missing
 * or a header line has no colon, SIP_E_TOOBIG past the buf's maximum.
 * The branch, From tag and Call-ID used (fresh or given) can be read back
 * by parsing the result.
 */
enum sip_err	sip_build_request(struct buf *b, const struct sip_req_params *p);
/*
 * The same, and where the branch went: *boff bytes from the start of b,
 * *blen long (both 0 when a user's line replaced the Via), for
 * sip_txn_client_start_built(), which then need not parse it again.
 */
enum sip_err	sip_build_request_at(struct buf *b,
		    const struct sip_req_params *p, size_t *boff, size_t *blen);

/*
 * The last request built through sip_build_request_tmpl(): its bytes,
 * where its branch, From tag, Call-ID and CSeq number are, and a copy of
 * the rest of the parameters it was built from.  Zero it before first
 * use; sip_build_tmpl_free() frees it.
 */
struct sip_build_tmpl {
	struct buf	 msg;
	struct buf	 key;		/* the other parameters, serialised */
	/* branch, From tag, Call-ID, CSeq number in the last request
	 * built through it; 0 where a user's line replaced ours */
	size_t		 off[4];
	size_t		 len[4];
	unsigned	 gen;		/* the parameters' gen when built */
	int		 ok;		/* msg and off[] usable */
};

/*
 * sip_build_request() for a run of requests alike: when p differs from
 * the one t last built only in its branch, From tag and Call-ID (of the
 * same lengths) and its CSeq number (of as many digits), the request is
 * t's with those bytes written over, not built again; otherwise it is
 * built and kept in t.  p's branch, from_tag and call_id must be set.  A
 * user header line that replaces the Via, From, Call-ID or CSeq means a
 * full build every time.  The result is byte for byte what
 * sip_build_request() makes.
 */
enum sip_err	sip_build_request_tmpl(struct buf *b,
		    const struct sip_req_params *p, struct sip_build_tmpl *t);
void		sip_build_tmpl_free(struct sip_build_tmpl *t);

struct sip_resp_params {
	int			 code;
	const char		*reason;	/* NULL: the standard phrase */
	const char		*to_tag;	/* added to To when it has none (code > 100) */
	/* RFC 3261 18.2.1 / RFC 3581: add to the top Via when set */
	const char		*received;
	int			 rport;		/* > 0: fill an empty rport */
	const char		*contact;
	const char *const	*headers;	/* extra "Name: value" lines */
	const char		*content_type;
	const void		*body;
	size_t			 body_len;
};

/*
 * Build a response to req (RFC 3261 8.2.6.2): every Via, From, To (with
 * to_tag added), Call-ID, CSeq copied; Record-Route copied for 1xx/2xx
 * to a dialog-creating request (12.1.1).
 */
enum sip_err	sip_build_response(struct buf *b, const struct sip_msg *req,
		    const struct sip_resp_params *p);

/* RFC 3261 9.1: a CANCEL for the INVITE inv. */
enum sip_err	sip_build_cancel(struct buf *b, const struct sip_msg *inv);

/*
 * RFC 3261 17.1.1.3: the ACK for a non-2xx final response resp to inv:
 * the INVITE's Request-URI, top Via, From, Call-ID and Route; the
 * response's To; CSeq number of the INVITE with method ACK.
 */
enum sip_err	sip_build_ack(struct buf *b, const struct sip_msg *inv,
		    const struct sip_msg *resp);

#endif
