/*
 * parse-mgcp.h - sip-parse's output of MGCP messages (RFC 3435) read
 * from captures: the one-line form, the JSON members and the --calls
 * rows.  sip-parse.c adds the frame facts around them.
 */
#ifndef SIPBOX_PARSE_MGCP_H
#define SIPBOX_PARSE_MGCP_H

#include "buf.h"
#include "json.h"
#include "mgcp.h"
#include "mgcpcalls.h"

/*
 * The default line's columns after the frame's: "MGCP", the verb or
 * response code, the transaction id, the endpoint (a response: its
 * response string), the call id (C:).  colour: with SGR sequences.
 */
void	parse_mgcp_line(struct buf *l, const struct mgcp_msg *m, int colour);
/* The JSON members of m (after "file", "index" and "frame"). */
void	parse_mgcp_json(struct json *j, const struct mgcp_msg *m);
/* A --calls row (tab-separated, or JSON Lines with json). */
void	parse_mgcp_call(const struct mgcp_call *c, int json,
	    const char *(*fmt_time)(uint64_t, char *, size_t));

#endif
