/*
 * parse-mgcp.c - sip-parse's output of MGCP messages (RFC 3435).
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "parse-mgcp.h"

/* Tabs and line ends inside a column would break the columns. */
static void
add_col(struct buf *l, struct slice s)
{
	size_t i;

	for (i = 0; i < s.len; i++) {
		char c = s.p[i];

		buf_addc(l, c == '\t' || c == '\r' || c == '\n' ? ' ' : c);
	}
}

void
parse_mgcp_line(struct buf *l, const struct mgcp_msg *m, int colour)
{
	char t[8];

	buf_adds(l, "MGCP\t");
	if (m->is_response) {
		if (colour)
			buf_adds(l, m->code >= 400 ? "\033[1;31m" :
			    m->code >= 200 ? "\033[1;32m" : "\033[1;33m");
		snprintf(t, sizeof(t), "%03d", m->code);
		buf_adds(l, t);
	} else {
		if (colour)
			buf_adds(l, "\033[1;36m");
		add_col(l, m->verb);
	}
	if (colour)
		buf_adds(l, "\033[0m");
	buf_addc(l, '\t');
	add_col(l, m->txid);
	buf_addc(l, '\t');
	add_col(l, m->is_response ? m->comment : m->endpoint);
	buf_addc(l, '\t');
	add_col(l, mgcp_param(m, "C"));
}

void
parse_mgcp_json(struct json *j, const struct mgcp_msg *m)
{
	unsigned i;

	json_kstr(j, "protocol", "MGCP");
	json_kstr(j, "type", m->is_response ? "response" : "request");
	if (m->is_response) {
		json_kint(j, "status", m->code);
		json_kslice(j, "reason", m->comment);
	} else
		json_kslice(j, "method", m->verb);
	json_kslice(j, "version", m->is_response ? SLICE_NULL : m->version);
	json_kslice(j, "call_id", mgcp_param(m, "C"));
	json_key(j, "mgcp");
	json_obj(j);
	json_kslice(j, "txid", m->txid);
	json_kslice(j, "endpoint", m->is_response ? SLICE_NULL : m->endpoint);
	json_kslice(j, "connection_id", mgcp_param(m, "I"));
	json_kslice(j, "request_id", mgcp_param(m, "X"));
	if (m->package.len > 0)
		json_kslice(j, "package", m->package);
	if (m->profile.len > 0)
		json_kslice(j, "profile", m->profile);
	json_end(j);
	/* Parameter lines are MGCP's headers (-f header.NAME). */
	json_key(j, "headers");
	json_arr(j);
	for (i = 0; i < m->nparams; i++) {
		json_obj(j);
		json_kslice(j, "name", m->params[i].name);
		json_kslice(j, "value", m->params[i].value);
		json_end(j);
	}
	json_end(j);
	json_kint(j, "body_length", (int64_t)m->sdp.len);
	json_kslice(j, "body", m->sdp.p != NULL ? m->sdp : SLICE_LIT(""));
	if (m->sdp2.len > 0)
		json_kslice(j, "body2", m->sdp2);
}

void
parse_mgcp_call(const struct mgcp_call *c, int json,
    const char *(*fmt_time)(uint64_t, char *, size_t))
{
	char t[64], st[32];
	uint64_t d = c->last_ns - c->start_ns;

	fmt_time(c->start_ns, t, sizeof(t));
	if (json) {
		struct jsonl l;
		struct json *j = &l.j;

		jsonl_begin(&l);
		json_kstr(j, "protocol", "MGCP");
		json_kstr(j, "call_id", c->callid);
		json_kstr(j, "from", c->agent);
		json_kstr(j, "to", c->endpoint);
		json_kstr(j, "start", t);
		json_key(j, "duration");
		json_dbl(j, (double)d / 1e9, 3);
		json_kstr(j, "state", mgcp_call_state_name(c->state));
		json_key(j, "status");
		if (c->code >= 0)
			json_int(j, c->code);
		else
			json_null(j);
		json_kint(j, "messages", (int64_t)c->nmsgs);
		json_kint(j, "connections", (int64_t)c->nconn);
		json_kint(j, "connections_created", (int64_t)c->created);
		json_kbool(j, "endpoints_several", c->endpoints > 1);
		jsonl_end(&l);
		return;
	}
	if (c->code >= 0)
		snprintf(st, sizeof(st), "%s %03d",
		    mgcp_call_state_name(c->state), c->code);
	else
		snprintf(st, sizeof(st), "%s", mgcp_call_state_name(c->state));
	printf("%s\t%s\t%s%s\t%s\t%lu.%03lu\t%s\t%lu\n", c->callid, c->agent,
	    c->endpoint, c->endpoints > 1 ? " +" : "", t,
	    (unsigned long)(d / 1000000000ull),
	    (unsigned long)(d % 1000000000ull / 1000000), st, c->nmsgs);
}
