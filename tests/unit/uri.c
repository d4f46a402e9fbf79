/*
 * uri.c - sip_uri_parse on sip, sips, tel and other schemes, escapes,
 * IPv6 references, limits and errors; every comparison example of RFC
 * 3261 19.1.4; the formatter.  Inputs end at a PROT_NONE page, so a
 * one-byte over-read crashes the test (picohttpparser's trick).
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "uri.h"
#include "tap.h"

static char *guard_base;
static size_t guard_page;

/* A copy of s ending right before an unreadable page. */
static struct slice
guarded(const char *s)
{
	size_t n = strlen(s);
	char *p;

	if (guard_base == NULL) {
		guard_page = (size_t)sysconf(_SC_PAGESIZE);
		guard_base = mmap(NULL, 3 * guard_page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (guard_base == MAP_FAILED)
			return slice_make(s, n);
		mprotect(guard_base + 2 * guard_page, guard_page, PROT_NONE);
	}
	if (n > 2 * guard_page)
		return slice_make(s, n);
	p = guard_base + 2 * guard_page - n;
	memcpy(p, s, n);
	return slice_make(p, n);
}

static struct sip_uri ua, ub;

static int
parse(struct sip_uri *u, const char *s)
{
	struct sip_perr pe;

	return sip_uri_parse(u, guarded(s), &pe) == SIP_OK;
}

/* Parse a and b (both must parse) and compare. */
static int
equal(const char *a, const char *b)
{
	struct sip_uri *x = &ua, *y = &ub;
	static char ca[256], cb[256];

	/* keep both alive: the guarded copy is reused */
	snprintf(ca, sizeof(ca), "%s", a);
	snprintf(cb, sizeof(cb), "%s", b);
	if (sip_uri_parse(x, slice_cstr(ca), NULL) != SIP_OK ||
	    sip_uri_parse(y, slice_cstr(cb), NULL) != SIP_OK)
		return -1;
	return sip_uri_equal(x, y) && sip_uri_equal(y, x);
}

static const char *
fails(const char *s, size_t *off)
{
	struct sip_perr pe = { 0, NULL };
	struct sip_uri u;

	if (sip_uri_parse(&u, guarded(s), &pe) == SIP_OK)
		return NULL;
	*off = pe.off;
	return pe.why;
}

static int
formats(const char *in, const char *want)
{
	struct sip_uri u;
	struct buf b;
	int r;

	buf_init(&b, 0);
	r = sip_uri_parse(&u, slice_cstr(in), NULL) == SIP_OK &&
	    sip_uri_format(&u, &b) == SIP_OK && b.p != NULL &&
	    strcmp(b.p, want) == 0;
	if (!r)
		printf("# format %s -> %s\n", in, b.p ? b.p : "(null)");
	buf_free(&b);
	return r;
}

int
main(void)
{
	struct sip_uri u;
	struct buf b;
	const char *why;
	size_t off = 0;
	char big[2048];
	int i;

	/* sip: with everything */
	ok(parse(&u, "sip:alice:secret@atlanta.com:5061;transport=tcp;lr;maddr=239.255.255.1;ttl=15;user=phone;method=INVITE;x=y?subject=hi&priority=urgent"),
	    "a full sip URI parses");
	ok(u.scheme == SIP_URI_SIP && slice_eq_lit(u.user, "alice") &&
	    slice_eq_lit(u.password, "secret") && u.has_password,
	    "user and password");
	ok(slice_eq_lit(u.host, "atlanta.com") && u.host_type == SIP_HOST_NAME &&
	    u.has_port && u.port == 5061, "host name and port");
	ok(u.nparams == 7 && slice_eq_lit(u.transport, "tcp") && u.lr &&
	    slice_eq_lit(u.maddr, "239.255.255.1") && slice_eq_lit(u.ttl, "15") &&
	    slice_eq_lit(u.user_param, "phone") && slice_eq_lit(u.method, "INVITE"),
	    "the well-known parameters");
	ok(sip_uri_param(&u, "X") != NULL &&
	    slice_eq_lit(sip_uri_param(&u, "x")->value, "y"), "other parameters");
	ok(u.nheaders == 2 && slice_eq_lit(u.headers[0].name, "subject") &&
	    slice_eq_lit(u.headers[1].value, "urgent"), "headers");
	ok(parse(&u, "SIPS:[2001:db8::10]:5070") && u.scheme == SIP_URI_SIPS &&
	    u.host_type == SIP_HOST_IPV6 && slice_eq_lit(u.host, "[2001:db8::10]") &&
	    u.port == 5070 && !u.has_user, "sips with an IPv6 reference and port");
	ok(parse(&u, "sip:[2001:db8::10:5070]") && !u.has_port,
	    "RFC 5118 4.3: the port inside the brackets is part of the address");
	ok(parse(&u, "sip:192.0.2.1") && u.host_type == SIP_HOST_IPV4,
	    "IPv4 host");
	ok(parse(&u, "sip:1.2.3.4.example.com") && u.host_type == SIP_HOST_NAME,
	    "a name that starts like an address");
	ok(parse(&u, "sip:user;par=u%40example.net@example.com") &&
	    slice_eq_lit(u.user, "user;par=u%40example.net") &&
	    slice_eq_lit(u.host, "example.com") && u.nparams == 0,
	    "RFC 4475 semiuri: ';' belongs to the user part before '@'");
	ok(parse(&u, "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com") &&
	    slice_eq_lit(u.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*") &&
	    slice_eq_lit(u.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)"),
	    "RFC 4475 intmeth: unusual user and password");
	ok(parse(&u, "sip:null-%00-null@example.com"), "escaped NUL in user");
	buf_init(&b, 0);
	ok(parse(&u, "sip:sips%3Auser%40example.com@example.net") &&
	    sip_uri_unescape(u.user, &b) == SIP_OK && b.len == 21 &&
	    memcmp(b.p, "sips:user@example.com", 21) == 0,
	    "unescape of the user part");
	buf_reset(&b);
	ok(sip_uri_unescape(SLICE_LIT("a%00b"), &b) == SIP_OK && b.len == 3 &&
	    b.p[1] == '\0', "unescape keeps a NUL");
	ok(sip_uri_unescape(SLICE_LIT("a%4"), &b) == SIP_E_PARSE,
	    "unescape rejects a short escape");
	buf_free(&b);
	ok(sip_uri_escapes_ok(SLICE_LIT("%41%42")) &&
	    !sip_uri_escapes_ok(SLICE_LIT("%ZZ")), "escape check");
	ok(parse(&u, "sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31") &&
	    u.nparams == 2, "RFC 4475 esc01: escaped parameter names");

	/* tel */
	ok(parse(&u, "tel:+1-201-555-0123;phone-context=example.com") &&
	    u.scheme == SIP_URI_TEL && u.global &&
	    slice_eq_lit(u.number, "+1-201-555-0123") && u.nparams == 1,
	    "tel: global number with a parameter");
	ok(parse(&u, "tel:7042;phone-context=example.com") && !u.global &&
	    slice_eq_lit(u.number, "7042"), "tel: local number");
	ok(parse(&u, "tel:*21#;phone-context=+1") && !u.global,
	    "tel: local number with * and #");
	ok(fails("tel:+abc", &off) != NULL, "tel: a global number is digits");

	/* other schemes */
	ok(parse(&u, "mailto:bob@example.com") && u.scheme == SIP_URI_OTHER &&
	    slice_eq_lit(u.scheme_s, "mailto") &&
	    slice_eq_lit(u.opaque, "bob@example.com"), "mailto: is opaque");
	ok(parse(&u, "im:alice@example.com") && u.scheme == SIP_URI_OTHER,
	    "im: is opaque");
	ok(parse(&u, "kingdom:animalia:chordata") && u.scheme == SIP_URI_OTHER,
	    "an unknown scheme is opaque");
	ok(parse(&u, "soap.beep://192.0.2.103:3002"), "RFC 4475 novelsc");

	/* errors, with positions */
	why = fails("sip:2001:db8::10", &off);
	ok(why != NULL && strstr(why, "not enclosed in []") && off == 4,
	    "RFC 5118 ipv6-bad: unbracketed IPv6 address (%s at %zu)",
	    why ? why : "-", off);
	why = fails("sip:user@example.com; lr", &off);
	ok(why != NULL && strstr(why, "whitespace") && off == 21,
	    "whitespace in a URI (%s at %zu)", why ? why : "-", off);
	why = fails("<sip:a@b>", &off);
	ok(why != NULL && strstr(why, "<>") && off == 0, "URI in <>");
	why = fails("sip:a@b:99999", &off);
	ok(why != NULL && strstr(why, "port") && off == 8, "port above 65535");
	why = fails("sip:a@b:", &off);
	ok(why != NULL && strstr(why, "port"), "empty port");
	why = fails("sip:a%4@b", &off);
	ok(why != NULL && strstr(why, "escape") && off == 5, "bad escape in user");
	why = fails("sip:@b", &off);
	ok(why != NULL && strstr(why, "empty user"), "empty user");
	why = fails("sip:a@", &off);
	ok(why != NULL && strstr(why, "no host"), "no host");
	ok(parse(&u, "sip:a@example.com.") && parse(&u, "sip:a@x-1.example.com") &&
	    parse(&u, "sip:a@a"), "host names with a trailing dot, inner '-'");
	why = fails("sip:a@-foo.com", &off);
	ok(why != NULL && strstr(why, "host name") && off == 6,
	    "a label cannot start with '-'");
	ok(fails("sip:a@foo-.com", &off) != NULL &&
	    fails("sip:a@a..b", &off) != NULL &&
	    fails("sip:a@1.2.3.4.5", &off) != NULL &&
	    fails("sip:a@123", &off) != NULL &&
	    fails("sip:a@256.1.1.1", &off) != NULL,
	    "bad labels, and a top label that is not a name");
	ok(sip_uri_host_type(SLICE_LIT("[::1]")) == SIP_HOST_IPV6 &&
	    sip_uri_host_type(SLICE_LIT("10.0.0.1")) == SIP_HOST_IPV4 &&
	    sip_uri_host_type(SLICE_LIT("a.b")) == SIP_HOST_NAME &&
	    sip_uri_host_type(SLICE_LIT("[x]")) == SIP_HOST_NONE &&
	    sip_uri_host_type(SLICE_LIT("")) == SIP_HOST_NONE,
	    "sip_uri_host_type");
	why = fails("sip:[2001:db8::1", &off);
	ok(why != NULL && strstr(why, "unterminated"), "unterminated IPv6 reference");
	why = fails("sip:a@b;;x", &off);
	ok(why != NULL && strstr(why, "empty URI parameter") && off == 8,
	    "empty parameter");
	why = fails("sip:a@b;x=", &off);
	ok(why != NULL && strstr(why, "no value"), "parameter without value");
	why = fails("sip:a@b?x", &off);
	ok(why != NULL && strstr(why, "'='"), "header without '='");
	why = fails("sip", &off);
	ok(why != NULL && strstr(why, "scheme"), "no scheme");
	why = fails("", &off);
	ok(why != NULL, "empty");
	why = fails("1sip:a", &off);
	ok(why != NULL && strstr(why, "scheme"), "scheme starts with a letter");
	why = fails("foo:", &off);
	ok(why != NULL, "nothing after the scheme");
	why = fails("foo:a b", &off);
	ok(why != NULL && strstr(why, "whitespace") && off == 5,
	    "whitespace in an opaque URI");
	for (i = 0; i < 40; i++)
		snprintf(big + 4 * i + 9, sizeof(big) - 4 * i - 9, ";p%02d", i);
	memcpy(big, "sip:a@bb", 8);
	big[8] = 'b';
	ok(sip_uri_parse(&u, slice_cstr(big), NULL) == SIP_E_TOOBIG,
	    "more than SIP_MAX_URI_PARAMS parameters is SIP_E_TOOBIG");
	for (i = 0; i < 20; i++)
		snprintf(big + 4 * i + 8, sizeof(big) - 4 * i - 8, "%c%c=1",
		    i == 0 ? '?' : '&', 'a' + i);
	ok(sip_uri_parse(&u, slice_cstr(big), NULL) == SIP_E_TOOBIG,
	    "more than SIP_MAX_URI_HEADERS headers is SIP_E_TOOBIG");

	/* RFC 3261 19.1.4: equivalent URIs */
	ok(equal("sip:%61lice@atlanta.com;transport=TCP",
	    "sip:alice@AtLanTa.CoM;Transport=tcp") == 1,
	    "19.1.4: sip:%%61lice@atlanta.com;transport=TCP equals sip:alice@AtLanTa.CoM;Transport=tcp");
	ok(equal("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5") == 1,
	    "19.1.4: sip:carol@chicago.com equals ...;newparam=5");
	ok(equal("sip:carol@chicago.com", "sip:carol@chicago.com;security=on") == 1,
	    "19.1.4: sip:carol@chicago.com equals ...;security=on");
	ok(equal("sip:carol@chicago.com;newparam=5",
	    "sip:carol@chicago.com;security=on") == 1,
	    "19.1.4: ...;newparam=5 equals ...;security=on");
	ok(equal("sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
	    "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com") == 1,
	    "19.1.4: parameter order does not matter");
	ok(equal("sip:alice@atlanta.com?subject=project%20x&priority=urgent",
	    "sip:alice@atlanta.com?priority=urgent&subject=project%20x") == 1,
	    "19.1.4: header order does not matter");
	/* RFC 3261 19.1.4: URIs that are not equivalent */
	ok(equal("SIP:ALICE@AtLanTa.CoM;Transport=udp",
	    "sip:alice@AtLanTa.CoM;Transport=UDP") == 0,
	    "19.1.4: different usernames");
	ok(equal("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060") == 0,
	    "19.1.4: can resolve to different ports");
	ok(equal("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp") == 0,
	    "19.1.4: can resolve to different transports");
	ok(equal("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp") == 0,
	    "19.1.4: can resolve to different port and transports");
	ok(equal("sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting") == 0,
	    "19.1.4: different header component");
	ok(equal("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4") == 0,
	    "19.1.4: a name is not the address it resolves to");
	ok(equal("sip:carol@chicago.com;security=on",
	    "sip:carol@chicago.com;security=off") == 0,
	    "19.1.4: equality is not transitive (security=on vs off)");
	/* more comparison rules */
	ok(equal("sip:alice@atlanta.com", "sips:alice@atlanta.com") == 0,
	    "sip and sips never match");
	ok(equal("sip:a@[2001:db8::1]", "sip:a@[2001:DB8:0::1]") == 1,
	    "IPv6 references compare as addresses");
	ok(equal("sip:a%3bb@h", "sip:a;b@h") == 0,
	    "an escaped reserved character is not the character");
	ok(equal("sip:a@h;maddr=x", "sip:a@h") == 0,
	    "maddr in one only: not equal");
	ok(equal("sip:a@h;lr", "sip:a@h") == 1, "lr in one only is ignored");
	ok(equal("tel:+1-201-555-0123", "tel:+12015550123") == 1,
	    "tel numbers compare without visual separators");
	ok(equal("mailto:a@b", "MAILTO:a@b") == 1 &&
	    equal("mailto:a@b", "mailto:A@b") == 0, "opaque URIs");

	/* formatter */
	ok(formats("SIP:Alice@AtLanTa.CoM:5060;Transport=TCP;lr?Subject=x",
	    "sip:Alice@atlanta.com:5060;Transport=TCP;lr?Subject=x"),
	    "format lower-cases scheme and host only");
	ok(formats("sip:[2001:DB8::1]", "sip:[2001:db8::1]"), "format IPv6");
	ok(formats("tel:+1-201;ext=1", "tel:+1-201;ext=1"), "format tel");
	ok(formats("URN:service:sos", "urn:service:sos"), "format opaque");
	ok(formats("sip:u:p@h", "sip:u:p@h"), "format password");
	return done();
}
