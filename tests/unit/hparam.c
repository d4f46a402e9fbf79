/*
 * hparam.c - sip_field_hparam() finds header parameters where RFC 3261
 * puts them (after '>' or after a bare URI), steps over quotes, and
 * agrees with sip_addr_parse() and sip_via_parse() on valid values.
 */
#include <string.h>

#include "addr.h"
#include "field.h"
#include "via.h"
#include "tap.h"

static int
is(struct slice got, const char *want)
{
	if (want == NULL)
		return got.p == NULL;
	return got.p != NULL && got.len == strlen(want) &&
	    memcmp(got.p, want, got.len) == 0;
}

static struct slice
hp(const char *v, const char *name)
{
	return sip_field_hparam(slice_cstr(v), name);
}

int
main(void)
{
	static const char *const addrs[] = {
		"<sip:a@b>;tag=1",
		"\"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774",
		"Bob <sip:bob@biloxi.example.com;tag=no>;tag=yes",
		"sip:carol@chicago.example.com;tag=887s",
		"\"a \\\"<quoted>\\\" ;tag=x\" <sip:u@h> ; TAG = 42 ;x",
		"<sip:u@h>;foo=\"a;tag=b\";tag=c",
		"<sip:u@h;transport=tcp>",
		"\"tag;tag=1\" <sip:x@y>",
		"<sip:u@[2001:db8::1]:5060>;tag=v6;expires=60",
	};
	static const char *const tags[] = {
		"1", "1928301774", "yes", "887s", "42", "c", NULL, NULL, "v6",
	};
	static struct sip_addr a;
	static struct sip_via v;
	size_t i;

	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		ok(is(hp(addrs[i], "tag"), tags[i]), "tag of %s", addrs[i]);
		if (sip_addr_parse(&a, slice_cstr(addrs[i]), NULL) == SIP_OK)
			ok(tags[i] == NULL ? a.tag.p == NULL || a.tag.len == 0 :
			    is(a.tag, tags[i]), "sip_addr_parse agrees on %s",
			    addrs[i]);
	}
	ok(is(hp("<sip:u@h>;tag=1;expires=60", "expires"), "60"), "second param");
	ok(is(hp("<sip:u@h>;lr;tag=1", "lr"), ""), "a flag gives an empty value");
	ok(is(hp("<sip:u@h>;lr", "tag"), NULL), "absent");
	ok(is(hp("<sip:u@h;tag=1", "tag"), NULL), "no '>' is no parameter");
	ok(is(hp("", "tag"), NULL), "empty value");
	ok(is(hp("\"unclosed <sip:u@h>;tag=1", "tag"), NULL), "unclosed quote");
	ok(is(hp("<sip:u@h>;tag=1, <sip:v@h>;tag=2", "tag"), "1"),
	    "stops at the value's end");
	ok(is(hp("<sip:u@h>;x=1, <sip:v@h>;tag=2", "tag"), NULL),
	    "a ',' ends the value");
	ok(is(hp("SIP/2.0/UDP a, SIP/2.0/UDP b;branch=x", "branch"), NULL),
	    "a whole Via line: the first value's, even when it has none");
	ok(is(hp("SIP/2.0/UDP a;branch=1 , SIP/2.0/UDP b;branch=2", "branch"),
	    "1"), "a whole Via line: the first value's branch");
	ok(is(hp("sip:a@b, <sip:c@d>;tag=2", "tag"), NULL),
	    "a whole Contact line: the first value's");
	ok(is(hp("SIP/2.0/UDP 192.0.2.1:5060;rport;branch=z9hG4bK776asdhds",
	    "branch"), "z9hG4bK776asdhds"), "Via branch");
	ok(is(hp("SIP/2.0/TCP [2001:db8::9]:5061 ; BRANCH=z9hG4bKx;received=::1",
	    "branch"), "z9hG4bKx"), "Via branch after LWS, upper case");
	ok(is(hp("SIP/2.0/UDP h;received=2001:db8::1;branch=b", "received"),
	    "2001:db8::1"), "an IPv6 received value");
	/* names compared where they start: a longer or shorter one is
	   another name */
	ok(is(hp("<sip:u@h>;tags=1;tag=2", "tag"), "2"), "'tags' is not 'tag'");
	ok(is(hp("<sip:u@h>;tags=1;tag=2", "tags"), "1"), "'tags' asked");
	ok(is(hp("<sip:u@h>;ta=1;tag=2", "tag"), "2"), "'ta' is not 'tag'");
	ok(is(hp("<sip:u@h>;tag=1", "ta"), NULL), "'tag' is not 'ta'");
	ok(is(hp("<sip:u@h>;tag", "tag"), ""), "a flag at the end");
	ok(is(hp("<sip:u@h>;tag=", "tag"), ""), "an empty value at the end");
	ok(is(hp("<sip:u@h>;tag=;x=1", "tag"), ""), "an empty value");
	ok(is(hp("<sip:u@h>;TaG=Ab", "tag"), "Ab"), "the name in any case");
	ok(is(hp("<sip:u@h> ;\t tag \t=\t abc ;x", "tag"), "abc"),
	    "white space around ';' and '='");
	ok(is(hp("<sip:u@h>;\r\n tag=folded", "tag"), "folded"),
	    "a fold before the name");
	ok(is(hp("<sip:u@h>;x-y=1", "x-y"), "1"), "a name with '-'");
	ok(is(hp("<sip:u@h>;X-Y=1", "x-y"), "1"), "a name with '-' in upper case");
	ok(is(hp("<sip:u@h>;x\ry=1", "x-y"), NULL),
	    "CR is not '-' (0x0d | 0x20 is '-')");
	ok(is(hp("<sip:u@h>;tag=\"a\\\";tag=b\";tag=c", "tag"),
	    "\"a\\\";tag=b\""), "a quoted value with an escaped quote");
	ok(is(hp("<sip:u@h>;x=\"a\\\";tag=b\";tag=c", "tag"), "c"),
	    "a ';tag=' inside an escaped quoted value is not a parameter");
	ok(is(hp("\"x;tag=\\\"1\" <sip:u@h;tag=2>;tag=3", "tag"), "3"),
	    "';tag=' in the display name and the URI are not the header's");
	ok(is(hp("SIP/2.0/UDP h;branch=z9hG4bKabcdefghijklmnopqrstuvwxyz",
	    "branch"), "z9hG4bKabcdefghijklmnopqrstuvwxyz"),
	    "a value of more than sixteen bytes to the end");
	ok(is(hp("SIP/2.0/UDP h;branch=z9hG4bK.-abcdefghij_klm!n%o*p+q`r'"
	    "s~t;rport", "branch"), "z9hG4bK.-abcdefghij_klm!n%o*p+q`r's~t"),
	    "every token byte in a value");
	ok(is(hp("SIP/2.0/UDP h;branch=z9hG4bKabcdefghijkl mnop", "branch"),
	    "z9hG4bKabcdefghijkl"), "a value ends at white space");
	ok(is(hp("<sip:u@h>;tag=abcdefghijklmnopq>r", "tag"),
	    "abcdefghijklmnopq"), "a value ends at a byte outside gen-value");
	ok(is(hp("<sip:u@h>;tag=ab\x80" "cd", "tag"), "ab"),
	    "a value ends at a byte above 0x7f");
	ok(is(hp("SIP/2.0/UDP h;received=[2001:db8::1];branch=b", "received"),
	    "[2001:db8::1]"), "an IPv6 reference as a value");
	if (sip_via_parse(&v, slice_cstr("SIP/2.0/UDP h:1;branch=z9hG4bKq;rport"),
	    NULL) == SIP_OK)
		ok(is(v.branch, "z9hG4bKq"), "sip_via_parse agrees");
	return done();
}
