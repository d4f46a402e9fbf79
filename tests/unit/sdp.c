/*
 * sdp.c - the SDP parser keeps every line's place, the typed attribute
 * parsers accept what their RFCs allow and nothing else, and offers and
 * answers built by lib/sdp.c follow RFC 3264 and lint clean.
 */
#include <string.h>

#include "sdp.h"
#include "sdplint.h"
#include "tap.h"

static struct sdp s, s2;
static struct sdp_finding fv[SDP_MAX_FINDINGS];
static struct sdp_lint lint;

#define PARSE(sp, text)	sdp_parse((sp), (text), strlen(text), &pe)

/* Whether check c is among the findings of text (linted alone). */
static int
finds(const char *text, enum sdp_check c)
{
	struct sip_perr pe;
	unsigned i;

	(void)PARSE(&s, text);
	sdp_lint_reset(&lint);
	sdp_lint_run(&lint, &s);
	for (i = 0; i < lint.n; i++)
		if (lint.v[i].check == c)
			return 1;
	return 0;
}

static unsigned
errors_of(const struct sdp *d)
{
	sdp_lint_reset(&lint);
	sdp_lint_run(&lint, d);
	return lint.count[SDP_SEV_ERROR] + lint.count[SDP_SEV_WARNING];
}

static const char offer_text[] =
    "v=0\r\n"
    "o=alice 2890844526 2890844526 IN IP4 192.0.2.10\r\n"
    "s=-\r\n"
    "c=IN IP4 192.0.2.10\r\n"
    "t=0 0\r\n"
    "a=group:BUNDLE a1 v1\r\n"
    "m=audio 49170 RTP/AVP 0 8 97 101\r\n"
    "a=mid:a1\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:97 opus/48000/2\r\n"
    "a=fmtp:97 useinbandfec=1\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-15\r\n"
    "a=sendonly\r\n"
    "m=video 51372 RTP/AVP 31\r\n"
    "a=mid:v1\r\n"
    "a=rtpmap:31 H261/90000\r\n";

static void
test_parse(void)
{
	struct sip_perr pe;
	const char *lf = "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=x\nt=0 0\n"
	    "m=audio 5004/2 RTP/AVP 0\nc=IN IP4 192.0.2.1";
	unsigned line, col;

	ok(PARSE(&s, offer_text) == SIP_OK, "offer parses");
	ok(s.nlines == 17 && s.nmedia == 2 && s.sess_end == 6,
	    "17 lines, 2 media sections, session section of 6 lines");
	ok(s.lines[6].type == 'm' && s.lines[6].lineno == 7 &&
	    s.lines[6].media == 1 && s.lines[5].media == 0,
	    "m= line 7 opens media section 1");
	ok(slice_eq_lit(s.media[0].type, "audio") &&
	    s.media[0].port_num == 49170 && slice_eq_lit(s.media[0].proto,
	    "RTP/AVP") && slice_eq_lit(s.media[0].fmts, "0 8 97 101"),
	    "media fields are slices of the line");
	ok(s.media[0].first == 6 && s.media[0].end == 14 &&
	    s.media[1].first == 14 && s.media[1].end == 17,
	    "media sections cover their lines");
	ok(s.media[0].type.p >= offer_text &&
	    s.media[0].type.p < offer_text + sizeof(offer_text),
	    "zero-copy: slices point into the caller's buffer");
	line = sdp_line_of(&s, (size_t)(strstr(offer_text, "opus") -
	    offer_text), &col);
	ok(line == 10 && col == 13, "offset of 'opus' is line 10 column 13 "
	    "(%u:%u)", line, col);

	ok(PARSE(&s, lf) == SIP_OK, "bare LF and a missing last line end "
	    "are accepted");
	ok((s.lines[0].flags & SDP_L_BARE_LF) &&
	    (s.lines[5].flags & SDP_L_NO_EOL), "and flagged");
	ok(s.media[0].nports_num == 2 && s.media[0].port_ok,
	    "port count after '/'");
	ok(PARSE(&s, "o=x\r\nv=0\r\n") == SIP_E_PARSE && pe.off == 0,
	    "not starting with v= is SIP_E_PARSE at offset 0");
	ok(PARSE(&s, "v=0\r\nhello\r\n") == SIP_E_PARSE && pe.off == 5 &&
	    s.nlines == 2 && s.lines[1].type == 0,
	    "a line that is not x= is kept with type 0 and reported");
	ok(PARSE(&s, "v=0\r\nm=audio\r\n") == SIP_E_PARSE && s.nmedia == 1 &&
	    !s.media[0].ok, "a short m= line is SIP_E_PARSE");
	ok(PARSE(&s, "") == SIP_E_PARSE && s.nlines == 0, "empty input");
	{
		static char big[(SDP_MAX_LINES + 1) * 4];
		size_t i;

		for (i = 0; i + 4 <= sizeof(big); i += 4)
			memcpy(big + i, "a=x\n", 4);
		memcpy(big, "v=0\n", 4);
		ok(sdp_parse(&s, big, sizeof(big), &pe) == SIP_E_TOOBIG,
		    "more than SDP_MAX_LINES lines is SIP_E_TOOBIG");
	}
}

static void
test_fields(void)
{
	struct sdp_origin o;
	struct sdp_conn c;
	struct sip_perr pe;

	ok(sdp_origin_parse(SLICE_LIT("- 1 2 IN IP6 ::1"), &o, &pe) == SIP_OK &&
	    slice_eq_lit(o.addr, "::1") && slice_eq_lit(o.sess_version, "2"),
	    "o= fields");
	ok(sdp_origin_parse(SLICE_LIT("- 1 2 IN IP4"), &o, &pe) == SIP_E_PARSE,
	    "o= with five fields fails");
	ok(sdp_conn_parse(SLICE_LIT("IN IP4 224.2.1.1/127/3"), &c, &pe) ==
	    SIP_OK && slice_eq_lit(c.addr, "224.2.1.1") &&
	    slice_eq_lit(c.ttl, "127") && slice_eq_lit(c.count, "3"),
	    "c= with TTL and count");
	ok(sdp_conn_parse(SLICE_LIT("IN IP4 224.2.1.1/"), &c, &pe) ==
	    SIP_E_PARSE, "c= with an empty TTL fails");
	ok(sdp_addr_kind(SLICE_LIT("192.0.2.1")) == SDP_ADDR_IP4 &&
	    sdp_addr_kind(SLICE_LIT("239.255.0.1")) == SDP_ADDR_IP4_MCAST &&
	    sdp_addr_kind(SLICE_LIT("2001:db8::1")) == SDP_ADDR_IP6 &&
	    sdp_addr_kind(SLICE_LIT("ff15::101")) == SDP_ADDR_IP6_MCAST &&
	    sdp_addr_kind(SLICE_LIT("host.example.com")) == SDP_ADDR_FQDN &&
	    sdp_addr_kind(SLICE_LIT("1.2.3.256")) == SDP_ADDR_BAD &&
	    sdp_addr_kind(SLICE_LIT("a b")) == SDP_ADDR_BAD &&
	    sdp_addr_kind(SLICE_LIT("")) == SDP_ADDR_BAD,
	    "address kinds");
}

static void
test_attrs(void)
{
	struct sdp_rtpmap r;
	struct sdp_candidate cand;
	struct sdp_fingerprint fp;
	struct sdp_extmap em;
	struct sdp_crypto cr;
	struct sdp_ssrc ss;
	struct sdp_rtcp rc;
	enum sdp_setup st;
	uint32_t us;
	struct sip_perr pe;
	struct slice n, v;
	int hv;

	ok(sdp_rtpmap_parse(SLICE_LIT("97 opus/48000/2"), &r, &pe) == SIP_OK &&
	    r.pt == 97 && slice_eq_lit(r.enc, "opus") && r.rate == 48000 &&
	    r.channels == 2, "rtpmap with channels");
	ok(sdp_rtpmap_parse(SLICE_LIT("31 LPC"), &r, &pe) == SIP_E_PARSE &&
	    pe.off == 6, "rtpmap without a clock rate fails at its end");
	ok(sdp_rtpmap_parse(SLICE_LIT("128 x/8000"), &r, &pe) == SIP_E_PARSE,
	    "rtpmap payload type above 127 fails");
	ok(sdp_ptime_parse(SLICE_LIT("20"), &us, &pe) == SIP_OK && us == 20000 &&
	    sdp_ptime_parse(SLICE_LIT("2.5"), &us, &pe) == SIP_OK &&
	    us == 2500 && sdp_ptime_parse(SLICE_LIT("x"), &us, &pe) ==
	    SIP_E_PARSE, "ptime in milliseconds with fractions");
	ok(sdp_candidate_parse(SLICE_LIT("1 1 UDP 2130706431 192.0.2.3 "
	    "10000 typ srflx raddr 10.0.0.1 rport 8998 generation 0"), &cand,
	    &pe) == SIP_OK && cand.component == 1 && cand.port == 10000 &&
	    slice_eq_lit(cand.type, "srflx") && cand.rport == 8998,
	    "candidate (RFC 8839 5.1)");
	ok(sdp_candidate_parse(SLICE_LIT("1 1 UDP 2130706431 192.0.2.3 10000 "
	    "host"), &cand, &pe) == SIP_E_PARSE, "candidate without 'typ'");
	ok(sdp_fingerprint_parse(SLICE_LIT("sha-1 4A:AD:B9:B1:3F:82:18:3B:54:02:"
	    "12:DF:3E:5D:49:6B:19:E5:7C:AB"), &fp, &pe) == SIP_OK &&
	    fp.nbytes == 20, "fingerprint of 20 bytes");
	ok(sdp_fingerprint_parse(SLICE_LIT("sha-1 4A:AD:"), &fp, &pe) ==
	    SIP_E_PARSE && sdp_fingerprint_parse(SLICE_LIT("sha-1 4AAD"), &fp,
	    &pe) == SIP_E_PARSE, "fingerprint with a trailing ':' or no "
	    "separators fails");
	ok(sdp_setup_parse(SLICE_LIT("actpass"), &st, &pe) == SIP_OK &&
	    st == SDP_SETUP_ACTPASS && sdp_setup_parse(SLICE_LIT("Active"), &st,
	    &pe) == SIP_E_PARSE, "setup values are case-sensitive");
	ok(sdp_extmap_parse(SLICE_LIT("2/sendrecv urn:ietf:params:rtp-hdrext:"
	    "toffset"), &em, &pe) == SIP_OK && em.id == 2 &&
	    slice_eq_lit(em.dir, "sendrecv") && sdp_extmap_parse(
	    SLICE_LIT("300 urn:x"), &em, &pe) == SIP_E_PARSE, "extmap ids");
	ok(sdp_crypto_parse(SLICE_LIT("1 AES_CM_128_HMAC_SHA1_80 inline:"
	    "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32"), &cr, &pe) ==
	    SIP_OK && cr.tag == 1 && sdp_crypto_parse(SLICE_LIT("1 AES_CM "
	    "inline"), &cr, &pe) == SIP_E_PARSE, "crypto (RFC 4568)");
	ok(sdp_ssrc_parse(SLICE_LIT("12345 cname:user@example.com"), &ss, &pe)
	    == SIP_OK && ss.ssrc == 12345 && slice_eq_lit(ss.attr, "cname") &&
	    slice_eq_lit(ss.value, "user@example.com"), "ssrc (RFC 5576)");
	ok(sdp_rtcp_parse(SLICE_LIT("53020 IN IP4 126.16.64.4"), &rc, &pe) ==
	    SIP_OK && rc.port == 53020 && sdp_rtcp_parse(SLICE_LIT("53020 IN"),
	    &rc, &pe) == SIP_E_PARSE, "rtcp (RFC 3605)");
	ok(sdp_ice_chars(SLICE_LIT("F7gI"), 4, 256, &pe) == SIP_OK &&
	    sdp_ice_chars(SLICE_LIT("F7g"), 4, 256, &pe) == SIP_E_PARSE &&
	    sdp_ice_chars(SLICE_LIT("F7g-I"), 4, 256, &pe) == SIP_E_PARSE,
	    "ice-ufrag length and characters");
	ok(sdp_attr_check(SDP_A_MSID, SLICE_LIT("stream track"), &pe) ==
	    SIP_OK && sdp_attr_check(SDP_A_GROUP, SLICE_LIT("BUNDLE 0 1"),
	    &pe) == SIP_OK && sdp_attr_check(SDP_A_RTCP_FB,
	    SLICE_LIT("* nack pli"), &pe) == SIP_OK && sdp_attr_check(
	    SDP_A_SSRC_GROUP, SLICE_LIT("FID 1 2"), &pe) == SIP_OK &&
	    sdp_attr_check(SDP_A_FRAMERATE, SLICE_LIT("29.97"), &pe) == SIP_OK &&
	    sdp_attr_check(SDP_A_LABEL, SLICE_LIT("1"), &pe) == SIP_OK &&
	    sdp_attr_check(SDP_A_ICE_OPTIONS, SLICE_LIT("trickle"), &pe) ==
	    SIP_OK, "msid, group, rtcp-fb, ssrc-group, framerate, label, "
	    "ice-options");
	ok(sdp_attr_check(SDP_A_SSRC_GROUP, SLICE_LIT("FID 1 x"), &pe) ==
	    SIP_E_PARSE && pe.off == 6, "bad ssrc-group member at its offset");
	sdp_attr_split(SLICE_LIT("rtpmap:0 PCMU/8000"), &n, &v, &hv);
	ok(slice_eq_lit(n, "rtpmap") && slice_eq_lit(v, "0 PCMU/8000") && hv,
	    "attribute split at the first ':'");
	ok(sdp_attr_lookup(SLICE_LIT("sendrecv")) == SDP_A_SENDRECV &&
	    sdp_attr_lookup(SLICE_LIT("t38faxversion")) == SDP_A_T38_VERSION &&
	    sdp_attr_lookup(SLICE_LIT("SENDRECV")) == SDP_A_OTHER,
	    "attribute names are case-sensitive, T.38 ones excepted");
}

static void
test_static(void)
{
	const struct sdp_static_pt *p;
	struct sdp_rtpmap r;
	struct sip_perr pe;

	p = sdp_static_pt(0);
	ok(p != NULL && strcmp(p->enc, "PCMU") == 0 && p->rate == 8000,
	    "PT 0 is PCMU/8000");
	p = sdp_static_pt(10);
	ok(p != NULL && p->channels == 2 && p->rate == 44100,
	    "PT 10 is L16/44100/2");
	ok(sdp_static_pt(34) != NULL && sdp_static_pt(1) == NULL &&
	    sdp_static_pt(19) == NULL && sdp_static_pt(24) == NULL &&
	    sdp_static_pt(96) == NULL, "reserved, unassigned and dynamic "
	    "types have no entry");
	(void)PARSE(&s, offer_text);
	ok(sdp_media_rtpmap(&s, 0, 8, &r) && slice_eq_lit(r.enc, "PCMA"),
	    "PT 8 without rtpmap comes from the table");
	ok(sdp_media_rtpmap(&s, 0, 97, &r) && r.channels == 2,
	    "PT 97 from its rtpmap");
	ok(!sdp_media_rtpmap(&s, 0, 98, &r), "PT 98 unknown");
	ok(sdp_proto_is_rtp(SLICE_LIT("UDP/TLS/RTP/SAVPF")) &&
	    !sdp_proto_is_rtp(SLICE_LIT("udptl")) &&
	    sdp_proto_known(SLICE_LIT("RTP/AVP")) &&
	    !sdp_proto_known(SLICE_LIT("RTP/XYZ")), "protos");
	ok(sdp_media_dir(&s, 0) == SDP_DIR_SENDONLY &&
	    sdp_media_dir(&s, 1) == SDP_DIR_SENDRECV, "directions");
}

static void
test_lint(void)
{
	struct sip_perr pe;

	ok(PARSE(&s, offer_text) == SIP_OK && errors_of(&s) == 0,
	    "the offer is clean");
	ok(finds("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n"
	    "m=audio 0 RTP/AVP 96\r\n", SDP_C_RTPMAP_MISSING),
	    "dynamic type without rtpmap");
	ok(finds("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n"
	    "m=audio 0 RTP/AVP 0\r\n", SDP_C_MISSING_CONN),
	    "no c= anywhere");
	ok(finds("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP6 "
	    "ff15::1/3/2\r\nt=0 0\r\n", SDP_C_MULTICAST), "IPv6 multicast "
	    "with a TTL");
	ok(!finds("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 "
	    "192.0.2.1\r\nt=0 0\r\nm=image 4000 udptl t38\r\n", SDP_C_FORMAT) &&
	    finds("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 "
	    "192.0.2.1\r\nt=0 0\r\nm=image 4000 udptl 0\r\n", SDP_C_FORMAT),
	    "udptl carries t38 (RFC 8866 5.14)");
	ok(finds("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 "
	    "192.0.2.1\r\nt=0 0\r\nm=application 9 UDP/DTLS/SCTP 5000\r\n",
	    SDP_C_FORMAT), "UDP/DTLS/SCTP carries webrtc-datachannel");
	(void)PARSE(&s, offer_text);
	{
		struct sdp_conn c;

		ok(sdp_media_conn(&s, 1, &c) && slice_eq_lit(c.addr,
		    "192.0.2.10"), "media without c= uses the session's");
	}
	(void)PARSE(&s, "v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 1 RTP/AVP 0"
	    "\r\nc=IN IP6 ::2\r\n");
	{
		struct sdp_conn c;

		ok(sdp_media_conn(&s, 0, &c) && slice_eq_lit(c.addr, "::2"),
		    "media with its own c=");
	}
	sdp_lint_reset(&lint);
	lint.max = 1;
	(void)PARSE(&s, "v=1\r\nx=1\r\n");
	sdp_lint_run(&lint, &s);
	ok(lint.n == 1 && lint.dropped > 0 && lint.count[SDP_SEV_ERROR] > 1,
	    "findings beyond the array are counted, not stored");
	lint.max = SDP_MAX_FINDINGS;
	ok(sdp_check_lookup("rtpmap-missing") == SDP_C_RTPMAP_MISSING &&
	    sdp_check_lookup("nope") == -1, "check lookup by ID");
}

static const struct sdp_codec codecs[] = {
	{ "opus", 48000, 2, -1, "useinbandfec=1" },
	{ "PCMU", 8000, 0, 0, NULL },
	{ "telephone-event", 8000, 0, -1, "0-15" },
};
static const struct sdp_codec vcodecs[] = {
	{ "H264", 90000, 0, -1, "packetization-mode=1" },
};

static void
test_offer(void)
{
	struct sdp_stream st[] = {
		{ "audio", 4000, NULL, codecs, 3, SDP_DIR_NONE, 20 },
		{ "video", 4002, "RTP/AVP", vcodecs, 1, SDP_DIR_RECVONLY, 0 },
	};
	struct sdp_local l = { "sipbox", 42, 1, "2001:db8::5", "call",
	    st, 2 };
	struct sdp_rtpmap r;
	struct sip_perr pe;
	struct buf b;

	buf_init(&b, 0);
	ok(sdp_build_offer(&b, &l) == SIP_OK, "offer built");
	ok(strstr(b.p, "o=sipbox 42 1 IN IP6 2001:db8::5\r\n") != NULL &&
	    strstr(b.p, "c=IN IP6 2001:db8::5\r\n") != NULL,
	    "IPv6 origin and connection");
	ok(strstr(b.p, "m=audio 4000 RTP/AVP 96 0 97\r\n") != NULL,
	    "dynamic types from 96, static PCMU keeps 0");
	ok(strstr(b.p, "a=rtpmap:96 opus/48000/2\r\na=fmtp:96 useinbandfec=1"
	    "\r\n") != NULL && strstr(b.p, "a=ptime:20\r\na=sendrecv\r\n") !=
	    NULL, "rtpmap, fmtp, ptime and direction");
	ok(strstr(b.p, "m=video 4002 RTP/AVP 96\r\n") != NULL &&
	    strstr(b.p, "a=recvonly\r\n") != NULL, "video stream, recvonly");
	ok(sdp_parse(&s, b.p, b.len, &pe) == SIP_OK && errors_of(&s) == 0,
	    "the offer parses and lints clean");
	ok(sdp_media_rtpmap(&s, 0, 97, &r) && slice_eq_lit(r.enc,
	    "telephone-event"), "and reads back");
	buf_free(&b);

	buf_init(&b, 0);
	l.addr = "not an address";
	ok(sdp_build_offer(&b, &l) == SIP_E_INVAL, "a bad address is "
	    "SIP_E_INVAL");
	l.addr = "192.0.2.1";
	l.name = "a\r\nb";
	ok(sdp_build_offer(&b, &l) == SIP_E_INVAL, "CRLF in s= is "
	    "SIP_E_INVAL");
	buf_free(&b);

	{
		const struct sdp_codec two[] = {
			{ "PCMU", 8000, 0, 0, NULL },
			{ "PCMA", 8000, 0, 0, NULL },
		};
		struct sdp_stream bad[] = {
			{ "audio", 4000, NULL, two, 2, SDP_DIR_NONE, 0 },
		};
		struct sdp_local bl = { NULL, 1, 1, "192.0.2.1", NULL, bad, 1 };

		ok(sdp_build_offer(&b, &bl) == SIP_E_INVAL, "two codecs on one "
		    "payload type are SIP_E_INVAL");
	}
	buf_free(&b);

	buf_init(&b, 64);
	l.name = NULL;
	ok(sdp_build_offer(&b, &l) == SIP_E_TOOBIG, "a full buffer is "
	    "SIP_E_TOOBIG");
	buf_free(&b);
}

static void
test_answer(void)
{
	const struct sdp_codec mine[] = {
		{ "PCMA", 8000, 0, 8, NULL },
		{ "OPUS", 48000, 2, -1, NULL },
		{ "telephone-event", 8000, 0, -1, NULL },
	};
	struct sdp_stream st[] = {
		{ "audio", 6000, NULL, mine, 3, SDP_DIR_NONE, 0 },
	};
	struct sdp_local l = { NULL, 7, 7, "192.0.2.99", NULL, st, 1 };
	struct sdp_answer_media res[4];
	struct sdp_lint la;
	struct sip_perr pe;
	struct buf b;

	(void)PARSE(&s2, offer_text);
	buf_init(&b, 0);
	ok(sdp_build_answer(&b, &s2, &l, res, 4) == SIP_OK, "answer built");
	ok(strstr(b.p, "m=audio 6000 RTP/AVP 8 97 101\r\n") != NULL,
	    "common codecs in the offer's order and with its numbers; static "
	    "PCMA matches without an rtpmap, OPUS any case");
	ok(strstr(b.p, "a=rtpmap:8 PCMA/8000\r\n") != NULL,
	    "rtpmap for the static type too (RFC 3264 6.1 SHOULD)");
	ok(res[0].accepted && res[0].pt == 8 && slice_eq_lit(res[0].codec.enc,
	    "PCMA") && res[0].dir == SDP_DIR_RECVONLY,
	    "first common codec, recvonly to a sendonly offer");
	ok(strstr(b.p, "a=fmtp:97 useinbandfec=1\r\n") != NULL,
	    "the offer's fmtp comes along");
	ok(strstr(b.p, "m=video 0 RTP/AVP 31\r\na=mid:v1\r\n") != NULL &&
	    !res[1].accepted, "video rejected with port 0, mid kept");
	ok(strstr(b.p, "t=0 0\r\n") != NULL && strstr(b.p, "a=mid:a1\r\n"),
	    "t= and mid copied from the offer");
	ok(sdp_parse(&s, b.p, b.len, &pe) == SIP_OK && errors_of(&s) == 0,
	    "the answer lints clean");
	sdp_lint_init(&la, fv, SDP_MAX_FINDINGS);
	sdp_lint_oa(&la, &s2, &s);
	ok(la.n == 0, "and passes the offer/answer checks (%u findings)",
	    la.n);
	buf_free(&b);

	{
		static const char mo[] = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n"
		    "s=-\r\nc=IN IP4 224.2.1.1/16\r\nt=0 0\r\n"
		    "m=audio 5000 RTP/AVP 0\r\nb=AS:64\r\na=ptime:20\r\n";
		static const char ma[] = "v=0\r\no=- 2 1 IN IP4 192.0.2.2\r\n"
		    "s=-\r\nc=IN IP4 224.2.1.1/16\r\nt=0 0\r\n"
		    "m=audio 5000 RTP/AVP 0\r\na=ptime:30\r\n";

		(void)PARSE(&s2, mo);
		(void)PARSE(&s, ma);
		sdp_lint_init(&la, fv, SDP_MAX_FINDINGS);
		sdp_lint_oa(&la, &s2, &s);
		ok(la.n == 2 && la.v[0].check == SDP_C_OA_MULTICAST &&
		    la.v[1].check == SDP_C_OA_MULTICAST, "a multicast answer "
		    "keeps ptime and b= (RFC 3264 6.2)");
		(void)PARSE(&s2, offer_text);
	}
	st[0].media = "video";
	buf_init(&b, 0);
	ok(sdp_build_answer(&b, &s2, &l, res, 4) == SIP_E_NOTFOUND &&
	    strstr(b.p, "m=audio 0 RTP/AVP 0 8 97 101\r\n") != NULL,
	    "nothing in common: every stream rejected, SIP_E_NOTFOUND");
	buf_free(&b);
}

int
main(void)
{
	sdp_lint_init(&lint, fv, SDP_MAX_FINDINGS);
	test_parse();
	test_fields();
	test_attrs();
	test_static();
	test_lint();
	test_offer();
	test_answer();
	return done();
}
