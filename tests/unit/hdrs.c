/*
 * hdrs.c - the typed header parsers: Via, name-addr / addr-spec, CSeq and
 * the other small fields, authentication headers, generic parameters,
 * and the checker on a few built messages.
 */
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "authhdr.h"
#include "check.h"
#include "field.h"
#include "method.h"
#include "param.h"
#include "via.h"
#include "tap.h"

static struct sip_via v;
static struct sip_addr a;
static struct sip_auth au;
static struct sip_perr pe;

#define S(lit)	slice_cstr(lit)

static int
via(const char *s)
{
	return sip_via_parse(&v, S(s), &pe) == SIP_OK;
}

static int
addr(const char *s)
{
	return sip_addr_parse(&a, S(s), &pe) == SIP_OK;
}

static int
why(const char *want)
{
	if (pe.why == NULL || strstr(pe.why, want) == NULL) {
		printf("# reason: %s\n", pe.why ? pe.why : "(none)");
		return 0;
	}
	return 1;
}

/* Check a message; 1 if some finding's reason contains want. */
static int
finds(const char *msg, const char *want, unsigned *nerr)
{
	static struct sip_msg m;
	struct sip_finding f[32];
	struct sip_check c;
	unsigned i;

	if (sip_msg_parse(&m, msg, strlen(msg), 0, NULL) != SIP_OK)
		return 0;
	sip_check_init(&c, f, 32);
	*nerr = sip_check_msg(&c, &m);
	for (i = 0; i < c.n; i++)
		if (want != NULL && strstr(f[i].why, want) != NULL)
			return 1;
	return want == NULL;
}

int
main(void)
{
	struct sip_cseq cs;
	struct sip_ctype ct;
	struct sip_event ev;
	struct sip_substate ss;
	struct sip_rack rk;
	struct sip_retry_after ra;
	struct sip_date d;
	struct sip_params ps;
	struct slice toks[8];
	static const char qp[] =
	    "\"BEL:\\\x07 NUL:\\\x00 DEL:\\\x7f\" <sip:u@example.com>";
	struct buf b;
	uint32_t n;
	unsigned nt, nerr;

	/* Via */
	ok(via("SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds") &&
	    slice_eq_lit(v.proto, "SIP") && slice_eq_lit(v.version, "2.0") &&
	    slice_eq_lit(v.transport, "UDP") &&
	    slice_eq_lit(v.host, "pc33.atlanta.com") && !v.has_port &&
	    slice_eq_lit(v.branch, "z9hG4bK776asdhds"), "Via: the usual");
	ok(via("SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw") &&
	    slice_eq_lit(v.transport, "UDP") && slice_eq_lit(v.host, "192.0.2.2") &&
	    v.host_type == SIP_HOST_IPV4 && slice_eq_lit(v.branch, "390skdjuw"),
	    "Via: RFC 4475 wsinv folding and LWS around '/'");
	ok(via("SIP/2.0/TCP [2001:db8::9:255]:6050 ; branch = z9hG4bK451jj;received=192.0.2.200;rport=5061;maddr=224.2.0.1;ttl=16;foo") &&
	    v.host_type == SIP_HOST_IPV6 && slice_eq_lit(v.host, "[2001:db8::9:255]") &&
	    v.has_port && v.port == 6050 && slice_eq_lit(v.branch, "z9hG4bK451jj") &&
	    slice_eq_lit(v.received, "192.0.2.200") && v.has_rport &&
	    slice_eq_lit(v.rport, "5061") && slice_eq_lit(v.maddr, "224.2.0.1") &&
	    slice_eq_lit(v.ttl, "16") && v.params.n == 6,
	    "Via: IPv6 sent-by, port and every parameter");
	ok(via("SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-d8;rport") &&
	    v.has_rport && v.rport.len == 0, "Via: rport without a value");
	ok(via("SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255") &&
	    slice_eq_lit(v.received, "2001:db8::9:255"),
	    "Via: RFC 5118 4.5 received= IPv6 without brackets");
	ok(via("SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en") &&
	    slice_eq_lit(v.transport, "UNKNOWN"), "Via: unknown transport");
	ok(!via("SIP/2.0/UDP 192.0.2.15;;") && why("empty parameter"),
	    "Via: ';;' is an extraneous separator");
	ok(!via("SIP/2.0 UDP host") && why("'/'"), "Via: missing '/'");
	ok(!via("SIP/2.0/UDP") && why("sent-by"), "Via: no sent-by");
	ok(!via("SIP/2.0/UDP [::1") && why("unterminated"),
	    "Via: unterminated IPv6 reference");
	ok(!via("SIP/2.0/UDP host:70000") && why("port"), "Via: port too large");
	ok(!via("SIP/2.0/UDP host-.example.com") && why("host name"),
	    "Via: invalid host name");
	ok(!via("SIP/2.0/UDP host;branch=\"x") && why("unterminated"),
	    "Via: unterminated quoted parameter value");

	/* name-addr / addr-spec */
	ok(addr("\"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\r\n  ;\r\n  tag = 98asjd8") &&
	    a.quoted && a.name_addr && slice_eq_lit(a.uri.host, "example.com") &&
	    slice_eq_lit(a.tag, "98asjd8"), "addr: RFC 4475 wsinv From");
	buf_init(&b, 0);
	ok(sip_addr_display(&a, &b) == SIP_OK && b.p != NULL &&
	    strcmp(b.p, "J Rosenberg \\\"") == 0,
	    "addr: display name unquoted with escapes resolved (%s)",
	    b.p ? b.p : "");
	buf_free(&b);
	ok(addr("sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n") &&
	    !a.name_addr && a.display.len == 0 &&
	    slice_eq_lit(a.uri_s, "sip:vivekg@chair-dnrc.example.com") &&
	    a.uri.nparams == 0 && slice_eq_lit(a.tag, "1918181833n"),
	    "addr: addr-spec parameters belong to the header (RFC 3261 20)");
	ok(addr("sip:+19725552222@gw1.example.net;unknownparam") &&
	    a.params.n == 1 && a.uri.nparams == 0,
	    "addr: RFC 4475 cparam01: the parameter is a header parameter");
	ok(addr("<sip:+19725552222@gw1.example.net;unknownparam>") &&
	    a.params.n == 0 && a.uri.nparams == 1,
	    "addr: RFC 4475 cparam02: inside <> it is a URI parameter");
	ok(addr("caller<sip:caller@example.com>;tag=323") &&
	    slice_eq_lit(a.display, "caller") && slice_eq_lit(a.tag, "323"),
	    "addr: RFC 4475 lwsdisp: no LWS before '<'");
	ok(addr("token1~` token2'+_ token3*%!.- <sip:mundane@example.com>;fromParam''~+*_!.-%=\"\xd1\x80\xd0\xb0\";tag=_token~1'+`*%!-.") &&
	    slice_eq_lit(a.display, "token1~` token2'+_ token3*%!.-") &&
	    slice_eq_lit(a.tag, "_token~1'+`*%!-.") && a.params.v[0].quoted,
	    "addr: RFC 4475 intmeth From");
	ok(sip_addr_parse(&a, slice_make(qp, sizeof(qp) - 1), &pe) == SIP_OK &&
	    a.quoted, "addr: quoted-pair of NUL, BEL and DEL");
	ok(addr("<sip:user@example.com:6000;transport=tcp>;expires=60;q=0.7") &&
	    a.uri.port == 6000 && slice_eq_lit(a.expires, "60") &&
	    slice_eq_lit(a.q, "0.7"), "addr: Contact expires and q");
	ok(addr(" * ") && a.star, "addr: Contact *");
	ok(addr("isbn:2983792873") && a.uri.scheme == SIP_URI_OTHER,
	    "addr: RFC 4475 unksm2 isbn: addr-spec");
	ok(addr("<name:John_Smith>") && a.uri.scheme == SIP_URI_OTHER,
	    "addr: unknown scheme inside <>");
	ok(addr("\"Caller\" <sip:caller@[2001:db8::1]>") &&
	    a.uri.host_type == SIP_HOST_IPV6, "addr: IPv6 reference");
	ok(!addr("Bell, Alexander <sip:a.g.bell@example.com>;tag=43") &&
	    why("display name is not a token") && pe.off == 4,
	    "addr: RFC 4475 baddn: a comma in an unquoted display name");
	ok(!addr("\"Mr. J. User <sip:j.user@example.com>") &&
	    why("unterminated quoted string"), "addr: RFC 4475 quotbal");
	ok(!addr("\"Watson, Thomas\" < sip:t.watson@example.org >") &&
	    why("spaces in addr-spec"), "addr: RFC 4475 badaspec");
	ok(!addr("sip:user@example.com?Route=%3Csip:sip.example.com%3E") &&
	    why("enclosed in <>"), "addr: RFC 4475 regbadct");
	ok(addr("<sip:user@example.com?Route=%3Csip:sip.example.com%3E>") &&
	    a.uri.nheaders == 1, "addr: RFC 4475 regescrt: headers inside <>");
	ok(!addr("\"Joe\" <sip:joe@example.org>;;;;") && why("empty parameter"),
	    "addr: RFC 4475 badinv01 extraneous ';'");
	ok(!addr("<sip:a@b") && why("'>'"), "addr: no closing '>'");
	ok(!addr("<sip:a@b> junk") && why("junk"), "addr: junk after '>'");
	ok(!addr("") && why("empty"), "addr: empty");

	/* CSeq and numbers */
	ok(sip_field_cseq(&cs, S("0009\r\n  INVITE"), &pe) == SIP_OK &&
	    cs.num == 9 && cs.mid == SIP_METHOD_INVITE,
	    "CSeq: RFC 4475 wsinv folded value");
	ok(sip_field_cseq(&cs, S("2147483647 !interesting-Method0123456789_*+`.%indeed'~"), &pe) == SIP_OK &&
	    cs.num == 2147483647u && cs.mid == SIP_METHOD_OTHER,
	    "CSeq: 2^31-1 and an extension method");
	ok(sip_field_cseq(&cs, S("2147483648 INVITE"), &pe) != SIP_OK &&
	    why("above 2^31-1"), "CSeq: 2^31 is too large");
	ok(sip_field_cseq(&cs, S("36893488147419103232 REGISTER"), &pe) != SIP_OK &&
	    why("above 2^31-1"), "CSeq: RFC 4475 scalar02");
	ok(sip_field_cseq(&cs, S("1"), &pe) != SIP_OK && why("no method"),
	    "CSeq: no method");
	ok(sip_field_cseq(&cs, S("1 INVITE x"), &pe) != SIP_OK && why("junk"),
	    "CSeq: junk");
	/* every method by name, whatever the first-letter guess tried */
	{
		static const char *const m[] = { "INVITE", "ACK", "BYE",
		    "CANCEL", "REGISTER", "OPTIONS", "MESSAGE", "SUBSCRIBE",
		    "NOTIFY", "REFER", "INFO", "UPDATE", "PRACK", "PUBLISH" };
		int all = 1;

		for (int i = 0; i < (int)(sizeof m / sizeof m[0]); i++)
			all &= sip_method_lookup(S(m[i])) ==
			    (enum sip_method)(i + 1);
		ok(all && SIP_METHOD__COUNT == 15, "method: each of the 14 "
		    "by its name");
	}
	ok(sip_method_lookup(S("options")) == SIP_METHOD_OTHER &&
	    sip_method_lookup(S("OPTION")) == SIP_METHOD_OTHER &&
	    sip_method_lookup(S("INVITES")) == SIP_METHOD_OTHER &&
	    sip_method_lookup(S("IN")) == SIP_METHOD_OTHER &&
	    sip_method_lookup(S("PUBLISX")) == SIP_METHOD_OTHER &&
	    sip_method_lookup(S("XYZ")) == SIP_METHOD_OTHER,
	    "method: case, a prefix, a longer word, an unknown are other");
	ok(sip_field_number(S(" 0068 "), 255, &n, "big", &pe) == SIP_OK && n == 68,
	    "Max-Forwards 0068");
	ok(sip_field_number(S("300"), 255, &n, "Max-Forwards above 255", &pe) != SIP_OK &&
	    why("above 255"), "Max-Forwards 300");
	ok(sip_field_number(S("-999"), SIP_MAX_DELTA, &n, NULL, &pe) != SIP_OK &&
	    why("negative"), "negative number");
	ok(sip_field_number(S("4294967296"), SIP_MAX_DELTA, &n, "too", &pe) != SIP_OK,
	    "delta-seconds above 2^32-1");
	ok(sip_field_callid(S("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{"), &pe) == SIP_OK,
	    "Call-ID: RFC 4475 intmeth word characters");
	ok(sip_field_callid(S("a b"), &pe) != SIP_OK && why("whitespace"),
	    "Call-ID: whitespace");
	ok(sip_field_callid(S("a@"), &pe) != SIP_OK, "Call-ID: empty after '@'");

	/* other fields */
	ok(sip_field_ctype(&ct, S("multipart/mixed;boundary=7a9cbec02ceef655"), &pe) == SIP_OK &&
	    slice_eq_lit(ct.type, "multipart") && slice_eq_lit(ct.subtype, "mixed") &&
	    slice_eq_lit(sip_param_find(&ct.params, "boundary")->value, "7a9cbec02ceef655"),
	    "Content-Type with a parameter");
	ok(sip_field_ctype(&ct, S("application"), &pe) != SIP_OK && why("'/'"),
	    "Content-Type without subtype");
	ok(sip_field_event(&ev, S("dialog;id=abc;call-id=x"), &pe) == SIP_OK &&
	    slice_eq_lit(ev.package, "dialog") && slice_eq_lit(ev.id, "abc"),
	    "Event with id");
	ok(sip_field_substate(&ss, S("terminated;reason=timeout;retry-after=30"), &pe) == SIP_OK &&
	    slice_eq_lit(ss.state, "terminated") && slice_eq_lit(ss.reason, "timeout") &&
	    ss.has_retry && ss.retry_after == 30 && !ss.has_expires,
	    "Subscription-State terminated");
	ok(sip_field_substate(&ss, S("active;expires=600"), &pe) == SIP_OK &&
	    ss.has_expires && ss.expires == 600, "Subscription-State active");
	ok(sip_field_tokens(S("INVITE, ACK ,BYE,\r\n CANCEL"), toks, 8, &nt, &pe) == SIP_OK &&
	    nt == 4 && slice_eq_lit(toks[3], "CANCEL"), "Allow list");
	ok(sip_field_tokens(S(""), toks, 8, &nt, &pe) == SIP_OK && nt == 0,
	    "empty Supported");
	ok(sip_field_tokens(S("a,,b"), toks, 8, &nt, &pe) != SIP_OK &&
	    why("empty list element"), "empty list element");
	ok(sip_field_tokens(S("a,b,c"), toks, 2, &nt, &pe) == SIP_E_TOOBIG,
	    "token list over its bound");
	ok(sip_field_number(S("776656"), SIP_MAX_DELTA, &n, NULL, &pe) == SIP_OK &&
	    n == 776656, "RSeq");
	ok(sip_field_rack(&rk, S("776656 1 INVITE"), &pe) == SIP_OK &&
	    rk.rseq == 776656 && rk.cseq == 1 && slice_eq_lit(rk.method, "INVITE"),
	    "RAck");
	ok(sip_field_rack(&rk, S("1 2"), &pe) != SIP_OK, "RAck without method");
	ok(sip_field_retry_after(&ra, S("18000 (in a meeting) ;duration=3600"), &pe) == SIP_OK &&
	    ra.secs == 18000 && slice_eq_lit(ra.comment, "(in a meeting)") &&
	    ra.params.n == 1, "Retry-After with comment and duration");
	ok(sip_field_retry_after(&ra, S("949302838503028349304023988"), &pe) != SIP_OK &&
	    why("above 2^32-1"), "Retry-After: RFC 4475 scalarlg");
	ok(sip_field_date(&d, S("Sat, 15 Oct 2005 04:44:56 GMT"), &pe) == SIP_OK &&
	    d.wday == 6 && d.mday == 15 && d.mon == 9 && d.year == 2005 &&
	    d.hour == 4 && d.min == 44 && d.sec == 56, "Date");
	ok(sip_field_date(&d, S("Fri, 01 Jan 2010 16:00:00 EST"), &pe) != SIP_OK &&
	    why("time zone"), "Date: RFC 4475 baddate EST");
	ok(sip_field_date(&d, S("Fri, 1 Jan 2010 16:00:00 GMT"), &pe) != SIP_OK,
	    "Date: one-digit day");

	/* authentication headers */
	ok(sip_auth_parse(&au, S("Digest realm=\"atlanta.com\",\r\n domain=\"sip:ss1.carrier.com\", qop=\"auth,auth-int\",\r\n nonce=\"f84f1cec41e6cbe5aea9c8e88d359\", opaque=\"\", stale=FALSE, algorithm=MD5"), &pe) == SIP_OK &&
	    slice_eq_lit(au.scheme, "Digest") && slice_eq_lit(au.realm, "atlanta.com") &&
	    slice_eq_lit(au.qop, "auth,auth-int") && au.opaque.len == 0 &&
	    sip_auth_param(&au, "opaque") != NULL &&
	    slice_eq_lit(au.stale, "FALSE") && slice_eq_lit(au.algorithm, "MD5") &&
	    slice_eq_lit(au.nonce, "f84f1cec41e6cbe5aea9c8e88d359") &&
	    au.params.n == 7, "WWW-Authenticate: Digest challenge");
	ok(sip_auth_parse(&au, S("Digest username=\"bob\", realm=\"biloxi.com\", nonce=\"dcd98b\", uri=\"sip:bob@biloxi.com\", qop=auth, nc=00000001, cnonce=\"0a4f113b\", response=\"6629fae49393a05397450978507c4ef1\", opaque=\"5ccc069c\", userhash=false, algorithm=SHA-256"), &pe) == SIP_OK &&
	    slice_eq_lit(au.username, "bob") && slice_eq_lit(au.uri, "sip:bob@biloxi.com") &&
	    slice_eq_lit(au.qop, "auth") && slice_eq_lit(au.nc, "00000001") &&
	    slice_eq_lit(au.cnonce, "0a4f113b") && slice_eq_lit(au.userhash, "false") &&
	    slice_eq_lit(au.response, "6629fae49393a05397450978507c4ef1") &&
	    slice_eq_lit(au.algorithm, "SHA-256"), "Authorization: Digest credentials");
	ok(sip_auth_parse(&au, S("NoOneKnowsThisScheme opaque-data=here"), &pe) == SIP_OK &&
	    slice_eq_lit(au.scheme, "NoOneKnowsThisScheme") && au.params.n == 1,
	    "Authorization: RFC 4475 regaut01 unknown scheme");
	ok(sip_auth_parse(&au, S("Digest realm=\"x"), &pe) != SIP_OK &&
	    why("unterminated"), "auth: unterminated quoted string");
	ok(sip_auth_parse(&au, S("Digest realm"), &pe) != SIP_OK && why("'='"),
	    "auth: parameter without '='");
	ok(sip_auth_parse(&au, S("Digest a=b,,c=d"), &pe) != SIP_OK &&
	    why("empty auth-param"), "auth: empty element");
	ok(sip_auth_parse(&au, S("Digest username=\"a\\\"b\""), &pe) == SIP_OK &&
	    slice_eq_lit(au.username, "a\\\"b"), "auth: escaped quote kept raw");
	buf_init(&b, 0);
	ok(sip_param_unquote(au.username, &b) == SIP_OK && strcmp(b.p, "a\"b") == 0,
	    "param: unquote resolves quoted-pairs");
	buf_free(&b);

	/* generic params */
	ok(sip_param_parse(&ps, S(" ; a ; b = c ;d=\"e;f\""), &pe) == SIP_OK &&
	    ps.n == 3 && !ps.v[0].has_value && slice_eq_lit(ps.v[1].value, "c") &&
	    slice_eq_lit(ps.v[2].value, "e;f") && ps.v[2].quoted,
	    "params: LWS and quoted values");
	ok(sip_param_parse(&ps, S(";a="), &pe) != SIP_OK && why("no value"),
	    "params: '=' without value");
	ok(sip_param_parse(&ps, S("x"), &pe) != SIP_OK && why("';'"),
	    "params: must start with ';'");

	/* the checker */
	ok(finds("OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
	    "To: <sip:a@b>\r\nFrom: <sip:c@d>;tag=1\r\nCall-ID: x\r\n"
	    "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
	    NULL, &nerr) && nerr == 0, "check: a clean request has no findings");
	ok(finds("OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n"
	    "To: <sip:a@b>\r\nFrom: <sip:c@d>;tag=1\r\nCall-ID: x\r\n"
	    "CSeq: 1 INVITE\r\nMax-Forwards: 70\r\n\r\n",
	    "CSeq method does not match", &nerr) && nerr == 1,
	    "check: CSeq method mismatch");
	ok(finds("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h\r\n"
	    "To: <sip:a@b>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\r\n",
	    "missing From", &nerr) && nerr == 1,
	    "check: a response without From");
	ok(finds("OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h\n"
	    "To: <sip:a@b>\nFrom: <sip:c@d>;tag=1\nCall-ID: x\n"
	    "CSeq: 1 OPTIONS\nMax-Forwards: 70\n\n",
	    "LF without CR", &nerr) && nerr == 1, "check: bare LF");
	ok(finds("REGISTER sip:b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n"
	    "To: <sip:a@b>\r\nFrom: <sip:a@b>;tag=1\r\nCall-ID: x\r\n"
	    "CSeq: 1 REGISTER\r\nMax-Forwards: 70\r\nContact: *\r\n"
	    "Contact: <sip:a@h>\r\nExpires: 0\r\n\r\n",
	    "'*' must be the only", &nerr) && nerr == 1,
	    "check: Contact * with another Contact");
	ok(finds("REGISTER sip:b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n"
	    "To: <sip:a@b>\r\nFrom: <sip:a@b>;tag=1\r\nCall-ID: x\r\n"
	    "CSeq: 1 REGISTER\r\nMax-Forwards: 70\r\nContact: *\r\n"
	    "Expires: 0\r\n\r\n", NULL, &nerr) && nerr == 0,
	    "check: Contact * alone is fine");
	ok(finds("INVITE sip:b SIP/2.0\r\nVia: SIP/2.0/UDP h;received=[::1]\r\n"
	    "To: <sip:a@b>\r\nFrom: <sip:a@b>;tag=1\r\nCall-ID: x\r\n"
	    "CSeq: 1 INVITE\r\nMax-Forwards: 70\r\nRoute: sip:p@q\r\n"
	    "Date: Fri, 01 Jan 2010 16:00:00 GMT\r\n"
	    "Authorization: Digest username=\"a\", realm=\"b\"\r\n"
	    "Supported: timer, 100rel\r\nRSeq: 1\r\nRAck: 1 1 INVITE\r\n"
	    "Event: presence;id=1\r\nSubscription-State: active;expires=60\r\n"
	    "Content-Type: text/plain;charset=utf-8\r\n\r\n",
	    "route values must be enclosed in <>", &nerr) && nerr == 1,
	    "check: a Route addr-spec is the only error among many typed headers");
	{
		struct sip_msg *m = malloc(sizeof(*m));
		struct sip_finding f[2];
		struct sip_check c;
		const char *msg = "INVITE sip:a@b SIP/2.0\r\n\r\n";

		sip_msg_parse(m, msg, strlen(msg), 0, NULL);
		sip_check_init(&c, f, 2);
		ok(sip_check_msg(&c, m) == 5 && c.n == 2 && c.dropped == 4 &&
		    c.nwarnings == 1, "check: findings beyond the array are counted");
		free(m);
	}
	{
		/* what the check parsed, found again by the slices a
		 * registrar walks (sip_msg_values, a header's value) */
		static struct sip_msg m;
		static struct sip_check_keep k;
		struct sip_finding f[8];
		struct sip_check c;
		struct sip_hdr_iter it = { 0 };
		const struct sip_check_addr *ka[6];
		const struct sip_check_auth *kau;
		struct slice val;
		unsigned nc = 0;
		const char *msg = "REGISTER sip:example.com SIP/2.0\r\n"
		    "Via: SIP/2.0/UDP h;branch=z9hG4bKk\r\nMax-Forwards: 70\r\n"
		    "To: <sip:bob@example.com>\r\nFrom: <sip:bob@example.com>;tag=1\r\n"
		    "Call-ID: k\r\nCSeq: 2 REGISTER\r\n"
		    "Contact: <sip:b1@h>;expires=60, <sip:b2@h>, <sip:b3@h>\r\n"
		    "Contact: <sip:b4@h>, <sip:b5@h>\r\n"
		    "Authorization: Digest username=\"bob\", realm=\"r\", nonce=\"n\", "
		    "uri=\"sip:example.com\", response=\"0123\"\r\n"
		    "Content-Length: 0\r\n\r\n";

		sip_msg_parse(&m, msg, strlen(msg), 0, NULL);
		sip_check_init(&c, f, 8);
		c.keep = &k;
		ok(sip_check_msg(&c, &m) == 0 && k.ruri_e == SIP_OK &&
		    slice_eq_lit(k.ruri.host, "example.com") &&
		    k.ruri_s.p == m.ruri.p, "check: keeps the Request-URI it parsed");
		while (nc < 6 && sip_msg_values(&m, SIP_HDR_CONTACT, &it, &val))
			ka[nc++] = sip_check_kept_addr(&k, val);
		ok(nc == 5 && ka[0] != NULL && ka[0]->e == SIP_OK &&
		    slice_eq_lit(ka[0]->a.expires, "60") && ka[3] != NULL &&
		    slice_eq_lit(ka[3]->a.uri.user, "b4") && ka[4] == NULL,
		    "check: keeps the first four Contact values, found by their slices");
		ka[5] = sip_check_kept_addr(&k, sip_msg_value(&m, SIP_HDR_TO));
		kau = sip_check_kept_auth(&k, sip_msg_value(&m,
		    SIP_HDR_AUTHORIZATION));
		ok(ka[5] != NULL && slice_eq_lit(ka[5]->a.uri.user, "bob") &&
		    kau != NULL && kau->e == SIP_OK &&
		    slice_eq_lit(kau->a.username, "bob") &&
		    slice_eq_lit(kau->a.response, "0123"),
		    "check: keeps To and Authorization as parsed");
		ok(sip_check_kept_addr(&k, S("<sip:b1@h>;expires=60")) == NULL &&
		    sip_check_kept_addr(NULL, val) == NULL,
		    "check: the same text elsewhere is not what was kept");
	}
	return done();
}
