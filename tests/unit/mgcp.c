/*
 * mgcp.c - MGCP messages (RFC 3435): command and response lines,
 * parameters, session descriptions, piggy-backing, flagged errors.
 */
#include <string.h>

#include "mgcp.h"
#include "mgcpcalls.h"
#include "tap.h"

static const char crcx[] =
    "CRCX 1204 aaln/1@rgw-2567.whatever.net MGCP 1.0\r\n"
    "C: A3C47F21456789F0\r\n"
    "L: p:10, a:PCMU\r\n"
    "M: recvonly\r\n"
    "\r\n"
    "v=0\r\n"
    "o=- 25678 753849 IN IP4 128.96.41.1\r\n"
    "s=-\r\n"
    "c=IN IP4 128.96.41.1\r\n"
    "t=0 0\r\n"
    "m=audio 3456 RTP/AVP 0\r\n";

/* Add one message of text s from a to b at time ts. */
static int
add(struct mgcp_calls *t, const char *s, uint64_t ts, const char *a,
    const char *b)
{
	struct mgcp_msg m;

	return mgcp_parse(&m, s, strlen(s)) == SIP_OK &&
	    mgcp_calls_add(t, &m, ts, a, b) == SIP_OK;
}

/* lib/mgcpcalls.c's index: call ids, connection ids, transactions. */
static void
calls_index(void)
{
	struct mgcp_calls t;
	char s[256];
	int i, good = 1;

	mgcp_calls_init(&t);
	/* 3,000 calls, each created with connection "K<i>" */
	for (i = 0; i < 3000 && good; i++) {
		snprintf(s, sizeof(s), "CRCX %d aaln/1@gw MGCP 1.0\r\nC: c%d\r\n",
		    i + 1, i);
		good = add(&t, s, 1, "ca:2727", "gw:2427");
		snprintf(s, sizeof(s), "200 %d OK\r\nI: K%d\r\n", i + 1, i);
		good = good && add(&t, s, 2, "gw:2427", "ca:2727");
	}
	ok(good && t.n == 3000 && t.v[1234].state == MGCP_CALL_CREATED &&
	    t.v[1234].nconn == 1 && strcmp(t.v[1234].conn[0], "K1234") == 0,
	    "3000 calls, each answered through the transaction index");
	/* a DLCX naming only I: finds its call by connection id */
	good = add(&t, "DLCX 9001 aaln/1@gw MGCP 1.0\r\nI: K17\r\n", 3,
	    "ca:2727", "gw:2427") && add(&t, "250 9001 OK\r\n", 4, "gw:2427",
	    "ca:2727");
	ok(good && t.v[17].state == MGCP_CALL_DELETED && t.v[17].nconn == 0 &&
	    t.v[17].nmsgs == 4 && t.n == 3000,
	    "a command with only I: belongs to the call of that connection");
	/* the connection is gone from the index: a new command finds no call */
	good = add(&t, "AUCX 9002 aaln/1@gw MGCP 1.0\r\nI: K17\r\n", 5,
	    "ca:2727", "gw:2427");
	ok(good && t.v[17].nmsgs == 4, "a deleted connection is no longer found");
	/* a response from the wrong address answers nothing */
	good = add(&t, "MDCX 9003 aaln/1@gw MGCP 1.0\r\nC: c5\r\n", 6,
	    "ca:2727", "gw:2427") && add(&t, "200 9003 OK\r\n", 7, "gw:9999",
	    "ca:2727");
	ok(good && t.v[5].state == MGCP_CALL_CREATED && t.v[5].nmsgs == 3,
	    "a response is matched by transaction id and addresses");
	ok(add(&t, "200 9003 OK\r\n", 8, "gw:2427", "ca:2727") &&
	    t.v[5].state == MGCP_CALL_MODIFIED, "and from the right one moves "
	    "its call");
	/* more open commands than the ring holds: the oldest is forgotten */
	for (i = 0; i < MGCP_MAX_TXNS + 1; i++) {
		snprintf(s, sizeof(s), "AUCX %d a@gw MGCP 1.0\r\nC: c9\r\n",
		    20000 + i);
		add(&t, s, 9, "ca:2727", "gw:2427");
	}
	ok(add(&t, "200 20000 OK\r\n", 10, "gw:2427", "ca:2727") &&
	    t.v[9].nmsgs == 2 + MGCP_MAX_TXNS + 1 &&
	    add(&t, "200 20001 OK\r\n", 10, "gw:2427", "ca:2727") &&
	    t.v[9].nmsgs == 2 + MGCP_MAX_TXNS + 2,
	    "past %d open commands the oldest is no longer answered",
	    MGCP_MAX_TXNS);
	mgcp_calls_free(&t);
}

int
main(void)
{
	struct mgcp_msg m;
	struct slice rest, one;
	const char *s;

	ok(mgcp_parse(&m, crcx, sizeof(crcx) - 1) == SIP_OK && !m.is_response &&
	    slice_eq_lit(m.verb, "CRCX") && slice_eq_lit(m.txid, "1204") &&
	    slice_eq_lit(m.endpoint, "aaln/1@rgw-2567.whatever.net") &&
	    slice_eq_lit(m.ep_local, "aaln/1") &&
	    slice_eq_lit(m.ep_domain, "rgw-2567.whatever.net") &&
	    slice_eq_lit(m.version, "MGCP 1.0") && m.profile.len == 0 &&
	    m.bad == NULL, "a CRCX command line: verb, txid, endpoint, version");
	ok(m.nparams == 3 && slice_eq_lit(mgcp_param(&m, "c"),
	    "A3C47F21456789F0") && slice_eq_lit(mgcp_param(&m, "L"),
	    "p:10, a:PCMU") && slice_eq_lit(mgcp_param(&m, "M"), "recvonly"),
	    "parameters by name, any case, values trimmed");
	ok(m.sdp.len > 0 && strncmp(m.sdp.p, "v=0\r\n", 5) == 0 &&
	    m.sdp.p + m.sdp.len == crcx + sizeof(crcx) - 1 && m.sdp2.len == 0,
	    "the SDP after the empty line, to the end, CRLF kept");
	ok(m.sdp.p >= crcx && m.sdp.p < crcx + sizeof(crcx),
	    "slices point into the datagram");

	s = "200 1204 OK\nI: FDE234C8\n\nv=0\nc=IN IP4 1.2.3.4\n"
	    "m=audio 3456 RTP/AVP 0\n";
	ok(mgcp_parse(&m, s, strlen(s)) == SIP_OK && m.is_response &&
	    m.code == 200 && slice_eq_lit(m.txid, "1204") &&
	    slice_eq_lit(m.comment, "OK") && slice_eq_lit(mgcp_param(&m, "I"),
	    "FDE234C8") && m.sdp.len > 0 && m.bad == NULL,
	    "a 200 response with LF line ends and SDP");
	s = "200 1203 /pkg OK done\r\nX: 1\r\n\r\nv=0\r\n\r\nv=0\r\nm=x\r\n";
	ok(mgcp_parse(&m, s, strlen(s)) == SIP_OK && slice_eq_lit(m.package,
	    "pkg") && slice_eq_lit(m.comment, "OK done") &&
	    slice_eq_lit(m.sdp, "v=0\r\n") && slice_eq_lit(m.sdp2,
	    "v=0\r\nm=x\r\n"), "package name and two session descriptions");
	s = "250 1206\r\nP: PS=1245, OS=62345\r\n";
	ok(mgcp_parse(&m, s, strlen(s)) == SIP_OK && m.code == 250 &&
	    m.comment.len == 0 && m.nparams == 1, "a 250 without a comment");
	s = "RQNT 1205 aaln/1@rgw MGCP 1.0 NCS 1.0\r\nX: 0123\r\n";
	ok(mgcp_parse(&m, s, strlen(s)) == SIP_OK && slice_eq_lit(m.version,
	    "MGCP 1.0 NCS 1.0") && slice_eq_lit(m.profile, "NCS 1.0") &&
	    m.bad == NULL, "an NCS profile after the version");
	s = "RSIP 5 *@gw.example.net MGCP 1.0\r\nRM: restart\r\n";
	ok(mgcp_parse(&m, s, strlen(s)) == SIP_OK && slice_eq_lit(m.ep_local,
	    "*") && slice_eq_lit(mgcp_param(&m, "rm"), "restart"),
	    "a wildcard endpoint and a two-letter parameter");

	/* Flagged, parsed as far as it goes. */
	s = "MDCX 12345678901 aaln/1@gw MGCP 1.0\r\nC: 1\r\n";
	ok(mgcp_parse(&m, s, strlen(s)) == SIP_OK && m.bad != NULL &&
	    strstr(m.bad, "transaction id") != NULL && m.bad_off == 5 &&
	    slice_eq_lit(mgcp_param(&m, "C"), "1"),
	    "a ten-digit transaction id is flagged, the rest parsed");
	s = "DLCX 7 aaln-1.gw MGCP 1.0\r\n";
	ok(mgcp_parse(&m, s, strlen(s)) == SIP_OK && m.bad != NULL &&
	    strstr(m.bad, "local@domain") != NULL,
	    "an endpoint without '@' is flagged");
	s = "AUEP 7 a@gw MGCP\r\n";
	ok(mgcp_parse(&m, s, strlen(s)) == SIP_OK && m.bad != NULL &&
	    strstr(m.bad, "version") != NULL, "a version without a number");
	s = "CRCX 8 a@gw MGCP 1.0\r\nC 1\r\n";
	ok(mgcp_parse(&m, s, strlen(s)) == SIP_OK && m.bad != NULL &&
	    m.bad_off == 22, "a parameter line without a colon, placed");
	s = "hello world\r\n";
	ok(mgcp_parse(&m, s, strlen(s)) == SIP_E_PARSE && m.bad != NULL,
	    "a line that is no MGCP is an error");
	ok(mgcp_parse(&m, "", 0) == SIP_E_PARSE, "nothing is an error");
	{
		char big[4096];
		size_t n = 0;
		int i;

		n += (size_t)snprintf(big, sizeof(big), "NTFY 9 a@gw MGCP 1.0\r\n");
		for (i = 0; i < 70; i++)
			n += (size_t)snprintf(big + n, sizeof(big) - n,
			    "X-%d: v\r\n", i);
		ok(mgcp_parse(&m, big, n) == SIP_OK &&
		    m.nparams == MGCP_MAX_PARAMS && m.bad != NULL,
		    "more than %d parameter lines: kept to the bound, flagged",
		    MGCP_MAX_PARAMS);
	}

	/* Piggy-backing (RFC 3435 3.5.5). */
	s = "200 1 OK\r\n.\r\nDLCX 2 a@gw MGCP 1.0\r\nC: 9\r\n.\r\n"
	    "RQNT 3 a@gw MGCP 1.0\r\n";
	rest = slice_cstr(s);
	ok(mgcp_next(&rest, &one) && slice_eq_lit(one, "200 1 OK\r\n"),
	    "first piggy-backed message, the '.' line left off");
	ok(mgcp_next(&rest, &one) && slice_eq_lit(one,
	    "DLCX 2 a@gw MGCP 1.0\r\nC: 9\r\n"), "second");
	ok(mgcp_next(&rest, &one) && slice_eq_lit(one,
	    "RQNT 3 a@gw MGCP 1.0\r\n") && !mgcp_next(&rest, &one),
	    "third, then none");
	rest = slice_cstr("200 1 OK\n.\n");
	ok(mgcp_next(&rest, &one) && !mgcp_next(&rest, &one),
	    "a trailing '.' makes no empty message");

	/* Finding MGCP by content. */
	ok(mgcp_looks(crcx, sizeof(crcx) - 1, 1), "a CRCX looks MGCP");
	ok(mgcp_looks("200 1204 OK\r\n", 13, 1), "so does a response line");
	ok(!mgcp_looks("INVITE sip:a@b SIP/2.0\r\n", 24, 0),
	    "SIP does not");
	ok(!mgcp_looks("XXXX 1 a@b MGCP 1.0\r\n", 21, 1) &&
	    mgcp_looks("XXXX 1 a@b MGCP 1.0\r\n", 21, 0),
	    "an unknown verb only when not strict");
	ok(!mgcp_looks("CRCX 1 a@b SIP/2.0\r\n", 20, 0),
	    "a command line needs the MGCP version");
	ok(!mgcp_looks("220 mail.example.com ESMTP\r\n", 28, 0),
	    "an SMTP greeting is no response line");
	calls_index();
	return done();
}
