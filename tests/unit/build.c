/*
 * build.c - what lib/build.c builds parses back to the same fields.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "tap.h"

static struct sip_msg m, r;

int
main(void)
{
	struct buf b, rb, cb;
	struct sip_perr pe;
	const char *hdrs[] = { "User-Agent: test/1", "X-Test: a, b",
	    "Subject: hi", NULL };
	const char *routes[] = { "<sip:p1.example.com;lr>", NULL };
	struct sip_req_params rp = {
		.method = "MESSAGE", .ruri = "sip:bob@example.com",
		.transport = "UDP", .via_host = "127.0.0.1", .via_port = 5070,
		.rport = 1, .from = "<sip:alice@example.com>",
		.to = "\"Bob\" <sip:bob@example.com>", .cseq = 7,
		.contact = "<sip:alice@127.0.0.1:5070>", .max_forwards = 70,
		.user_agent = "sipbox", .headers = hdrs, .routes = routes,
		.content_type = "text/plain", .body = "hello", .body_len = 5,
	};
	struct sip_resp_params sp = { .code = 200, .to_tag = "xyz",
	    .received = "10.0.0.1", .rport = 5070 };
	char branch[SIP_BRANCH_SIZE], tag[SIP_TAG_SIZE], cid[SIP_CALLID_SIZE];
	struct slice via;

	sip_build_branch(branch);
	ok(strncmp(branch, "z9hG4bK", 7) == 0 && strlen(branch) == 27,
	    "branch has the magic cookie and 20 random characters");
	sip_build_tag(tag);
	ok(strlen(tag) == 16, "tag has 64 random bits");
	sip_build_callid(cid, "host.example");
	ok(strstr(cid, "@host.example") != NULL, "Call-ID carries the host");

	buf_init(&b, 0);
	{
		struct buf a;
		size_t boff, blen;

		buf_init(&a, 0);
		buf_adds(&a, "x");	/* offsets count from b's start */
		ok(sip_build_request_at(&a, &rp, &boff, &blen) == SIP_OK &&
		    blen == 27 && boff > 1 && boff + blen < a.len &&
		    strncmp(a.p + boff, "z9hG4bK", 7) == 0 &&
		    strncmp(a.p + boff + blen, ";rport\r\n", 8) == 0,
		    "sip_build_request_at says where the branch went");
		buf_free(&a);
	}
	ok(sip_build_request(&b, &rp) == SIP_OK, "request builds");
	ok(sip_msg_parse(&m, b.p, b.len, SIP_PARSE_STREAM, &pe) == SIP_OK &&
	    m.len == b.len, "request parses back whole as a stream");
	ok(slice_eq_lit(m.method, "MESSAGE") &&
	    slice_eq_lit(m.ruri, "sip:bob@example.com"), "request line");
	via = sip_msg_value(&m, SIP_HDR_VIA);
	ok(slice_has_prefix(via, "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK") &&
	    via.len > 6 && memcmp(via.p + via.len - 6, ";rport", 6) == 0,
	    "Via with branch and rport");
	ok(slice_eq_lit(sip_msg_value(&m, SIP_HDR_CSEQ), "7 MESSAGE"), "CSeq");
	ok(slice_eq_lit(sip_msg_value(&m, SIP_HDR_USER_AGENT), "test/1"),
	    "a -H header replaces the built one");
	ok(slice_eq_lit(sip_msg_value(&m, SIP_HDR_SUBJECT), "hi"),
	    "an extra header is added");
	ok(slice_eq_lit(sip_msg_value(&m, SIP_HDR_ROUTE),
	    "<sip:p1.example.com;lr>"), "Route pre-loaded");
	ok(m.clen == 5 && slice_eq_lit(m.body, "hello"), "Content-Length and body");
	ok(slice_eq_lit(sip_msg_value(&m, SIP_HDR_MAX_FORWARDS), "70"),
	    "Max-Forwards");

	buf_init(&rb, 0);
	ok(sip_build_response(&rb, &m, &sp) == SIP_OK, "response builds");
	ok(sip_msg_parse(&r, rb.p, rb.len, SIP_PARSE_STREAM, &pe) == SIP_OK,
	    "response parses back");
	ok(r.status == 200 && slice_eq_lit(r.reason, "OK"), "status line");
	via = sip_msg_value(&r, SIP_HDR_VIA);
	ok(strstr(rb.p, ";rport=5070;received=10.0.0.1\r\n") != NULL,
	    "top Via gets rport and received");
	ok(slice_eq_lit(sip_msg_value(&r, SIP_HDR_TO),
	    "\"Bob\" <sip:bob@example.com>;tag=xyz"), "To tag added");
	ok(slice_eq(sip_msg_value(&r, SIP_HDR_CALL_ID),
	    sip_msg_value(&m, SIP_HDR_CALL_ID)), "Call-ID copied");
	ok(r.clen == 0, "empty body");

	rp.method = "INVITE";
	rp.headers = NULL;
	buf_reset(&b);
	ok(sip_build_request(&b, &rp) == SIP_OK &&
	    sip_msg_parse(&m, b.p, b.len, 0, &pe) == SIP_OK, "INVITE");
	buf_init(&cb, 0);
	ok(sip_build_cancel(&cb, &m) == SIP_OK &&
	    sip_msg_parse(&r, cb.p, cb.len, 0, &pe) == SIP_OK &&
	    slice_eq_lit(r.method, "CANCEL") &&
	    slice_eq_lit(sip_msg_value(&r, SIP_HDR_CSEQ), "7 CANCEL") &&
	    slice_eq(sip_msg_value(&r, SIP_HDR_VIA), sip_msg_value(&m, SIP_HDR_VIA)),
	    "CANCEL has the INVITE's branch and CSeq number");

	/* A template run builds the very bytes a full build makes. */
	{
		struct sip_build_tmpl t = { 0 };
		struct buf full, fast;
		char br[SIP_BRANCH_SIZE], ft[SIP_TAG_SIZE], ci[SIP_CALLID_SIZE];
		static char contact[64];
		const char *ovr[] = { "CSeq: 1 OPTIONS", NULL };
		int same = 1, reused = 0, marks = 1;

		buf_init(&full, 0);
		buf_init(&fast, 0);
		rp.method = "OPTIONS";
		rp.headers = hdrs;
		rp.branch = br;
		rp.from_tag = ft;
		rp.call_id = ci;
		strcpy(contact, "<sip:alice@127.0.0.1:5070>");
		rp.contact = contact;
		for (uint32_t seq = 1; seq <= 120; seq++) {
			sip_build_branch(br);
			sip_build_tag(ft);
			sip_build_callid(ci, "127.0.0.1");
			rp.cseq = seq;
			if (seq == 50)	/* a value changed in place */
				contact[20] = '9';
			if (seq == 70)
				rp.body_len = 4;
			buf_reset(&full);
			buf_reset(&fast);
			reused += t.ok;
			if (sip_build_request(&full, &rp) != SIP_OK ||
			    sip_build_request_tmpl(&fast, &rp, &t) != SIP_OK ||
			    full.len != fast.len ||
			    memcmp(full.p, fast.p, full.len) != 0)
				same = 0;
			if (t.len[0] != strlen(br) || memcmp(fast.p + t.off[0], br,
			    t.len[0]) != 0 || memcmp(fast.p + t.off[2], ci,
			    t.len[2]) != 0 || (uint32_t)strtoul(fast.p + t.off[3],
			    NULL, 10) != seq)
				marks = 0;
		}
		ok(marks, "template: says where the branch, Call-ID and CSeq "
		    "number are");
		ok(same, "template: 120 requests, CSeq 1 to 120, byte for byte "
		    "those of a full build, through changed parameters");
		ok(reused >= 100, "template: reused (%d of 119)", reused);
		/* gen: an unchanged one is trusted, a new one rebuilds */
		rp.gen = 7;
		buf_reset(&fast);
		sip_build_request_tmpl(&fast, &rp, &t);
		contact[20] = '8';
		buf_reset(&fast);
		sip_build_request_tmpl(&fast, &rp, &t);
		ok(strstr(fast.p, "127.0.0.195070>") != NULL && t.gen == 7,
		    "template: an unchanged gen spares the comparison");
		rp.gen = 8;
		buf_reset(&fast);
		sip_build_request_tmpl(&fast, &rp, &t);
		ok(strstr(fast.p, "127.0.0.185070>") != NULL && t.gen == 8,
		    "template: a new gen rebuilds");
		rp.gen = 0;
		rp.headers = ovr;
		buf_reset(&fast);
		ok(sip_build_request_tmpl(&fast, &rp, &t) == SIP_OK && !t.ok &&
		    strstr(fast.p, "\r\nCSeq: 1 OPTIONS\r\n") != NULL,
		    "template: not kept when the user's line replaces CSeq");
		rp.cseq = 2;
		buf_reset(&fast);
		ok(sip_build_request_tmpl(&fast, &rp, &t) == SIP_OK &&
		    strstr(fast.p, "\r\nCSeq: 1 OPTIONS\r\n") != NULL,
		    "template: the user's CSeq line stays as written");
		sip_build_tmpl_free(&t);
		buf_free(&full);
		buf_free(&fast);
		rp.branch = rp.from_tag = rp.call_id = NULL;
		rp.contact = "<sip:alice@127.0.0.1:5070>";
		rp.body_len = 5;
	}

	{
		const char *rm[] = { "Contact:", "User-Agent:  ", "X-Empty:", NULL };

		rp.headers = rm;
		buf_reset(&b);
		ok(sip_build_request(&b, &rp) == SIP_OK &&
		    strstr(b.p, "Contact") == NULL &&
		    strstr(b.p, "User-Agent") == NULL &&
		    strstr(b.p, "\r\nX-Empty:\r\n") != NULL,
		    "an empty user's line removes the built-in header, and is "
		    "kept as written for any other");
	}

	rp.method = "bad method";
	buf_reset(&b);
	ok(sip_build_request(&b, &rp) == SIP_E_INVAL, "a non-token method is refused");
	rp.method = "OPTIONS";
	hdrs[0] = "Bad\r\nInjection: x";
	rp.headers = hdrs;
	ok(sip_build_request(&b, &rp) == SIP_E_INVAL, "CR/LF in a header is refused");
	buf_free(&b);
	buf_free(&rb);
	buf_free(&cb);
	return done();
}
