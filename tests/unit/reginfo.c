/*
 * reginfo.c - application/reginfo+xml (RFC 3680 5): the RFC's examples,
 * Kamailio's pua_reginfo documents (tests/fixtures/reginfo), namespaces,
 * CDATA and entities, errors with their offsets and limits, and the
 * merged view of 5.2 (full and partial documents, version order), and
 * the builder: what it writes the parser reads back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reginfo.h"
#include "tap.h"

static struct sip_reginfo ri;
static char fixdir[4096];

/* The RFC 3680 5.3 example. */
static const char rfc53[] =
    "<?xml version=\"1.0\"?>\n"
    "    <reginfo xmlns=\"urn:ietf:params:xml:ns:reginfo\"\n"
    "        xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
    "                 version=\"0\" state=\"full\">\n"
    "      <registration aor=\"sip:user@example.com\" id=\"as9\"\n"
    "                    state=\"active\">\n"
    "        <contact id=\"76\" state=\"active\" event=\"registered\"\n"
    "                 duration-registered=\"7322\"\n"
    "                 q=\"0.8\">\n"
    "                 <uri>sip:user@pc887.example.com</uri>\n"
    "        </contact>\n"
    "        <contact id=\"77\" state=\"terminated\" event=\"expired\"\n"
    "                 duration-registered=\"3600\"\n"
    "                 q=\"0.5\">\n"
    "                 <uri>sip:user@university.edu</uri>\n"
    "        </contact>\n"
    "      </registration>\n"
    "    </reginfo>\n";

static enum sip_err
parse(const char *doc, struct sip_perr *pe)
{
	return sip_reginfo_parse(&ri, doc, strlen(doc), pe);
}

static char *
slurp(const char *name, size_t *n)
{
	char path[4200];
	FILE *f;
	char *p;
	long k;

	snprintf(path, sizeof path, "%s/%s", fixdir, name);
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	k = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)k + 1);
	if (p != NULL && fread(p, 1, (size_t)k, f) != (size_t)k) {
		free(p);
		p = NULL;
	}
	fclose(f);
	*n = (size_t)k;
	return p;
}

static void
test_rfc(void)
{
	struct sip_perr pe;

	ok(parse(rfc53, &pe) == SIP_OK, "RFC 3680 5.3 example parses");
	ok(ri.version == 0 && ri.full && ri.nreg == 1 && ri.ncontact == 2,
	    "version 0, full, one registration, two contacts");
	ok(slice_eq_cstr(ri.reg[0].aor, "sip:user@example.com") &&
	    slice_eq_cstr(ri.reg[0].id, "as9") &&
	    ri.reg[0].state == SIP_REGINFO_ACTIVE && ri.reg[0].n == 2,
	    "registration aor, id, state");
	ok(slice_eq_cstr(ri.contact[0].id, "76") && ri.contact[0].active &&
	    ri.contact[0].event == SIP_REGINFO_EV_REGISTERED &&
	    ri.contact[0].duration == 7322 &&
	    (ri.contact[0].has & SIP_REGINFO_HAS_DURATION) &&
	    !(ri.contact[0].has & SIP_REGINFO_HAS_EXPIRES) &&
	    slice_eq_cstr(ri.contact[0].q, "0.8") &&
	    slice_eq_cstr(ri.contact[0].uri, "sip:user@pc887.example.com"),
	    "first contact: id, active, registered, duration, q, uri");
	ok(!ri.contact[1].active &&
	    ri.contact[1].event == SIP_REGINFO_EV_EXPIRED &&
	    slice_eq_cstr(ri.contact[1].uri, "sip:user@university.edu"),
	    "second contact: terminated, expired");
}

static void
test_kamailio(void)
{
	char *doc;
	size_t n;
	int all = 1;

	for (int i = 1; i <= 4; i++) {
		char name[32];

		snprintf(name, sizeof name, "kamailio-%d.xml", i);
		if ((doc = slurp(name, &n)) == NULL ||
		    sip_reginfo_parse(&ri, doc, n, NULL) != SIP_OK)
			all = 0;
		free(doc);
	}
	ok(all, "Kamailio's four pua_reginfo documents parse");
	doc = slurp("kamailio-2.xml", &n);
	ok(doc != NULL && sip_reginfo_parse(&ri, doc, n, NULL) == SIP_OK &&
	    ri.ncontact == 2 &&
	    ri.contact[0].event == SIP_REGINFO_EV_CREATED &&
	    ri.contact[0].expires == 120 && ri.contact[0].cseq == 2 &&
	    slice_eq_cstr(ri.contact[0].q, "0.500") &&
	    slice_eq_cstr(ri.contact[0].uri, "sip:alice@127.0.0.1:5998") &&
	    slice_has_prefix(ri.contact[0].callid, "35674bcb"),
	    "its extra attributes (received, path, user_agent) are passed over");
	free(doc);
}

static void
test_xml(void)
{
	struct sip_perr pe;
	struct buf b;

	ok(parse("\xef\xbb\xbf<!-- c --><?pi x?><r:reginfo xmlns:r="
	    "'urn:ietf:params:xml:ns:reginfo' version='7' state='partial'>"
	    "<r:registration aor='sip:a@x' id='1' state='init'>"
	    "<x:ext xmlns:x='urn:other'><r:contact id='no'/></x:ext>"
	    "<r:contact id='c&amp;1' state='active' event='shortened' "
	    "expires='30'><r:uri><![CDATA[sip:a@h;x=<y>]]></r:uri>"
	    "<r:display-name xml:lang='en'>A &lt;B&gt;</r:display-name>"
	    "<r:unknown-param name='+sip.instance'>&quot;urn:uuid:1&quot;"
	    "</r:unknown-param><r:unknown-param name='video'/>"
	    "<r:uri-ext/></r:contact></r:registration>"
	    "<other xmlns='urn:x'><registration aor='x' id='x' state='init'/>"
	    "</other></r:reginfo>\n<!-- end -->", &pe) == SIP_OK,
	    "prefixes, a BOM, comments, PIs, CDATA and foreign elements");
	ok(ri.version == 7 && !ri.full && ri.nreg == 1 && ri.ncontact == 1,
	    "partial version 7; elements of other namespaces are skipped whole");
	ok(slice_eq_cstr(ri.contact[0].uri, "sip:a@h;x=<y>") &&
	    ri.contact[0].event == SIP_REGINFO_EV_SHORTENED &&
	    ri.contact[0].expires == 30 &&
	    slice_eq_cstr(ri.contact[0].display, "A &lt;B&gt;") &&
	    ri.contact[0].nparam == 2 &&
	    slice_eq_cstr(ri.contact[0].param[0].name, "+sip.instance") &&
	    slice_eq_cstr(ri.contact[0].param[0].value,
	    "&quot;urn:uuid:1&quot;") &&
	    ri.contact[0].param[1].value.len == 0,
	    "the uri from CDATA, display-name and unknown-params as written");
	buf_init(&b, 256);
	ok(sip_reginfo_unescape(ri.contact[0].display, &b) == SIP_OK &&
	    b.len == 5 && memcmp(b.p, "A <B>", 5) == 0,
	    "entities resolve");
	buf_reset(&b);
	ok(sip_reginfo_unescape(slice_cstr("&#x263A;&#65;&amp;"), &b) ==
	    SIP_OK && b.len == 5 && memcmp(b.p, "\xe2\x98\xba" "A&", 5) == 0,
	    "character references become UTF-8");
	buf_reset(&b);
	ok(sip_reginfo_unescape(slice_cstr("&nbsp;"), &b) == SIP_E_PARSE &&
	    sip_reginfo_unescape(slice_cstr("&#0;"), &b) == SIP_E_PARSE &&
	    sip_reginfo_unescape(slice_cstr("&#xd800;"), &b) == SIP_E_PARSE,
	    "unknown entities, NUL and surrogates are refused");
	buf_free(&b);

	ok(parse("<reginfo version='1' state='full'><registration aor='a' "
	    "id='1' state='active'/></reginfo>", NULL) == SIP_OK &&
	    ri.nreg == 1,
	    "leniency: a document without any namespace declaration");
}

/* doc must fail with e at offset off, reason containing why. */
static void
fails(const char *doc, enum sip_err e, size_t off, const char *why,
    const char *what)
{
	struct sip_perr pe = { 0, NULL };
	enum sip_err got = parse(doc, &pe);

	ok(got == e && pe.off == off && pe.why != NULL &&
	    strstr(pe.why, why) != NULL, "%s (%s at %zu, got %zu: %s)", what,
	    why, off, pe.off, pe.why ? pe.why : "-");
}

static void
test_errors(void)
{
	char big[40000];
	size_t k;

	fails("", SIP_E_PARSE, 0, "no reginfo", "an empty document");
	fails("<!DOCTYPE r [<!ENTITY a 'b'>]><reginfo/>", SIP_E_PARSE, 0,
	    "DOCTYPE", "a DOCTYPE is refused (no entity expansion)");
	fails("<presence version='0' state='full'/>", SIP_E_PARSE, 0,
	    "not reginfo", "another root element");
	fails("<reginfo state='full'/>", SIP_E_PARSE, 0, "without version",
	    "reginfo without version");
	fails("<reginfo version='4294967296' state='full'/>", SIP_E_PARSE, 18,
	    "32-bit", "a version past 32 bits");
	fails("<reginfo version='0' state='whole'/>", SIP_E_PARSE, 28,
	    "full or partial", "a bad reginfo state");
	fails("<reginfo version='0' state='full'><registration id='1' "
	    "state='active'/></reginfo>", SIP_E_PARSE, 34, "without aor",
	    "registration without aor");
	fails("<reginfo version='0' state='full'><registration aor='a' id='1' "
	    "state='active'><contact id='1' state='active' event='born'>"
	    "<uri>x</uri></contact></registration></reginfo>", SIP_E_PARSE,
	    116, "event", "an event that is not RFC 3680's");
	fails("<reginfo version='0' state='full'><registration aor='a' id='1' "
	    "state='active'><contact id='1' state='active' event='registered'>"
	    "</contact></registration></reginfo>", SIP_E_PARSE, 78,
	    "without uri", "a contact without uri");
	fails("<reginfo version='0' state='full'><registration aor='a' id='1' "
	    "state='active'><contact id='1' state='active' event='probation'>"
	    "<uri>x</uri></contact></registration></reginfo>", SIP_E_PARSE, 78,
	    "retry-after", "probation without retry-after (5.1)");
	fails("<reginfo version='0' state='full'><registration aor='a' id='1' "
	    "state='active'><contact id='1' state='active' event='registered' "
	    "expires='soon'><uri>x</uri></contact></registration></reginfo>",
	    SIP_E_PARSE, 137, "number", "expires that is not a number");
	fails("<reginfo version='0' state='full'></registration></reginfo>",
	    SIP_E_PARSE, 34, "does not match", "a mismatched end tag");
	fails("<reginfo version='0' state='full'><registration", SIP_E_PARSE,
	    34, "unterminated tag", "a cut tag");
	fails("<reginfo version='0' state='full'>", SIP_E_PARSE, 0,
	    "not closed", "an unclosed root");
	fails("<reginfo version='0' state='full' state='partial'/>",
	    SIP_E_PARSE, 41, "duplicate", "a duplicate attribute");
	fails("<reginfo version='0' state=full/>", SIP_E_PARSE, 27, "quoted",
	    "an unquoted attribute");
	fails("<reginfo version='0&x' state='full'/>", SIP_E_PARSE, 18,
	    "reference", "a bare '&' in an attribute");
	fails("<reginfo version='0' state='full'/><more/>", SIP_E_PARSE, 35,
	    "after the root", "a second root element");
	fails("<p:reginfo version='0' state='full'/>", SIP_E_PARSE, 0,
	    "undeclared", "an undeclared prefix");

	/* limits: nesting, contacts */
	k = (size_t)snprintf(big, sizeof big, "<reginfo version='0' "
	    "state='full'>");
	for (int i = 0; i < 20; i++)
		k += (size_t)snprintf(big + k, sizeof big - k, "<x:e xmlns:x='o'>");
	snprintf(big + k, sizeof big - k, "</reginfo>");
	ok(parse(big, NULL) == SIP_E_TOOBIG, "nesting past %d is too big",
	    SIP_REGINFO_MAXDEPTH);
	k = (size_t)snprintf(big, sizeof big, "<reginfo version='0' "
	    "state='full'><registration aor='a' id='1' state='active'>");
	for (int i = 0; i <= SIP_REGINFO_MAXCONTACTS; i++)
		k += (size_t)snprintf(big + k, sizeof big - k, "<contact id='%d' "
		    "state='active' event='created'><uri>u</uri></contact>", i);
	snprintf(big + k, sizeof big - k, "</registration></reginfo>");
	ok(parse(big, NULL) == SIP_E_TOOBIG, "contact %d is too many",
	    SIP_REGINFO_MAXCONTACTS + 1);
}

static const char *
doc(unsigned version, const char *state, const char *contacts)
{
	static char b[4096];

	snprintf(b, sizeof b, "<reginfo xmlns='urn:ietf:params:xml:ns:reginfo' "
	    "version='%u' state='%s'><registration aor='sip:a@x' id='r1' "
	    "state='active'>%s</registration></reginfo>", version, state,
	    contacts);
	return b;
}

#define C(id, st, ev, cseq, uri)					\
	"<contact id='" id "' state='" st "' event='" ev "' cseq='" cseq	\
	"' expires='60'><uri>" uri "</uri></contact>"

static void
test_merge(void)
{
	struct sip_reginfo_view v;
	struct sip_reginfo_change ch[8];
	enum sip_reginfo_order ord;
	unsigned n;

	memset(&v, 0, sizeof v);
	parse(doc(3, "full", C("a", "active", "registered", "1", "sip:a@1")
	    C("b", "active", "registered", "1", "sip:a@2")), NULL);
	ok(sip_reginfo_merge(&v, &ri, ch, 8, &n, &ord) == SIP_OK && n == 2 &&
	    ord == SIP_REGINFO_IN_ORDER && ch[0].kind == SIP_REGINFO_NEW &&
	    strcmp(ch[1].c->uri, "sip:a@2") == 0 &&
	    strcmp(ch[1].c->aor, "sip:a@x") == 0 && v.version == 3,
	    "the first full document: two new contacts");
	parse(doc(4, "partial", C("b", "active", "refreshed", "2", "sip:a@2")),
	    NULL);
	ok(sip_reginfo_merge(&v, &ri, ch, 8, &n, &ord) == SIP_OK && n == 1 &&
	    ch[0].kind == SIP_REGINFO_CHANGED &&
	    ch[0].c->event == SIP_REGINFO_EV_REFRESHED && v.n == 2,
	    "a partial document updates one contact, the other stays");
	parse(doc(4, "partial", C("b", "terminated", "expired", "2",
	    "sip:a@2")), NULL);
	ok(sip_reginfo_merge(&v, &ri, ch, 8, &n, &ord) == SIP_OK && n == 0 &&
	    ord == SIP_REGINFO_STALE,
	    "a partial document with the last version is discarded (5.2)");
	parse(doc(5, "partial", C("b", "terminated", "expired", "2",
	    "sip:a@2")), NULL);
	ok(sip_reginfo_merge(&v, &ri, ch, 8, &n, &ord) == SIP_OK && n == 1 &&
	    !ch[0].c->active && ch[0].c->event == SIP_REGINFO_EV_EXPIRED,
	    "a contact terminated: reported");
	parse(doc(8, "partial", C("c", "active", "created", "1", "sip:a@3")
	    C("b", "terminated", "expired", "2", "sip:a@2")), NULL);
	ok(sip_reginfo_merge(&v, &ri, ch, 8, &n, &ord) == SIP_OK &&
	    ord == SIP_REGINFO_GAP && n == 1 && strcmp(ch[0].c->id, "c") == 0 &&
	    v.n == 3 && v.version == 8,
	    "a gap in versions is processed and said; a terminated contact "
	    "named again is no news");
	parse(doc(9, "full", C("c", "active", "registered", "1", "sip:a@3")),
	    NULL);
	ok(sip_reginfo_merge(&v, &ri, ch, 8, &n, &ord) == SIP_OK && n == 1 &&
	    ch[0].kind == SIP_REGINFO_GONE && strcmp(ch[0].c->id, "a") == 0,
	    "a full document flushes the contacts it leaves out (the "
	    "terminated one silently); created to registered alone is no news");
	parse(doc(9, "full", C("c", "active", "registered", "1", "sip:a@3")),
	    NULL);
	ok(sip_reginfo_merge(&v, &ri, ch, 8, &n, &ord) == SIP_OK && n == 0 &&
	    ord == SIP_REGINFO_IN_ORDER && v.n == 1,
	    "leniency: a full document with the same version is taken");
	sip_reginfo_view_free(&v);
	ok(v.n == 0 && v.c == NULL, "the view frees");
	parse(doc(0, "full", C("a", "terminated", "expired", "1", "sip:a@1")
	    C("b", "active", "registered", "1", "sip:a@2")), NULL);
	ok(sip_reginfo_merge(&v, &ri, ch, 8, &n, &ord) == SIP_OK && n == 1 &&
	    strcmp(ch[0].c->id, "b") == 0 && v.n == 2,
	    "the first document's terminated contact is kept, not reported");
	sip_reginfo_view_free(&v);
}

static void
test_kamailio_merge(void)
{
	struct sip_reginfo_view v;
	struct sip_reginfo_change ch[8];
	enum sip_reginfo_order ord;
	unsigned n, got[4];
	const char *ev[4];
	char *d;
	size_t len;

	memset(&v, 0, sizeof v);
	for (int i = 0; i < 4; i++) {
		char name[32];

		snprintf(name, sizeof name, "kamailio-%d.xml", i + 1);
		d = slurp(name, &len);
		got[i] = 99;
		ev[i] = "";
		if (d != NULL && sip_reginfo_parse(&ri, d, len, NULL) == SIP_OK &&
		    sip_reginfo_merge(&v, &ri, ch, 8, &n, &ord) == SIP_OK) {
			got[i] = n;
			if (n == 1)
				ev[i] = sip_reginfo_event_name(ch[0].c->event);
		}
		free(d);
	}
	ok(got[0] == 1 && strcmp(ev[0], "created") == 0,
	    "Kamailio 1: the one contact, created");
	ok(got[1] == 1 && strcmp(ev[1], "created") == 0,
	    "Kamailio 2: only the second client's contact is news");
	ok(got[2] == 1 && strcmp(ev[2], "refreshed") == 0,
	    "Kamailio 3: the first contact refreshed");
	ok(got[3] == 1 && strcmp(ev[3], "unregistered") == 0,
	    "Kamailio 4: the second contact unregistered");
	sip_reginfo_view_free(&v);
}


static int
same(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* Built, parsed and merged: every field comes back, escapes too. */
static void
test_build(void)
{
	struct sip_reginfo_vcontact c[3];
	struct sip_reginfo_breg r[2];
	struct sip_reginfo_view v;
	struct sip_reginfo_change ch[8];
	enum sip_reginfo_order ord;
	struct sip_perr pe;
	struct buf b;
	unsigned n;
	int all = 1;

	memset(c, 0, sizeof c);
	c[0].id = "1";
	c[0].uri = "sip:alice@192.0.2.1:5070;transport=tcp";
	c[0].active = 1;
	c[0].event = SIP_REGINFO_EV_REGISTERED;
	c[0].has = SIP_REGINFO_HAS_EXPIRES | SIP_REGINFO_HAS_DURATION |
	    SIP_REGINFO_HAS_CSEQ;
	c[0].expires = 3600;
	c[0].duration = 12;
	c[0].cseq = 4294967295u;
	c[0].q = "0.5";
	c[0].callid = "a<b>&\"c'd@host";
	c[0].display = " Alice & <Bob> ";
	c[1].id = "2";
	c[1].uri = "sip:alice@[2001:db8::1]";
	c[1].event = SIP_REGINFO_EV_PROBATION;
	c[1].has = SIP_REGINFO_HAS_RETRY;
	c[1].retry_after = 30;
	c[2] = c[1];
	c[2].id = "x\ty";
	c[2].uri = "sip:b@h";
	c[2].event = SIP_REGINFO_EV_UNREGISTERED;
	c[2].has = 0;
	c[2].retry_after = 0;
	memset(r, 0, sizeof r);
	r[0].aor = "sip:alice@example.com";
	r[0].id = "a&1";
	r[0].state = SIP_REGINFO_ACTIVE;
	r[0].c = c;
	r[0].n = 3;
	r[1].aor = "sip:nobody@example.com";
	r[1].id = "2";
	r[1].state = SIP_REGINFO_INIT;
	buf_init(&b, 65536);
	ok(sip_reginfo_build(&b, 7, 1, r, 2) == SIP_OK, "builder: a document");
	ok(sip_reginfo_parse(&ri, b.p, b.len, &pe) == SIP_OK,
	    "builder: the parser takes what it wrote");
	ok(ri.version == 7 && ri.full && ri.nreg == 2 && ri.ncontact == 3 &&
	    ri.reg[1].state == SIP_REGINFO_INIT && ri.reg[1].n == 0,
	    "builder: version, full, a registration without contacts in init");
	memset(&v, 0, sizeof v);
	ok(sip_reginfo_merge(&v, &ri, ch, 8, &n, &ord) == SIP_OK && v.n == 3,
	    "builder: the view takes the document");
	for (unsigned i = 0; i < v.n && i < 3; i++) {
		const struct sip_reginfo_vcontact *g = &v.c[i];

		all &= same(g->id, c[i].id) && same(g->uri, c[i].uri) &&
		    same(g->display, c[i].display) && same(g->q, c[i].q) &&
		    same(g->callid, c[i].callid) && g->active == c[i].active &&
		    g->event == c[i].event && g->has == c[i].has &&
		    g->expires == c[i].expires && g->duration ==
		    c[i].duration && g->retry_after == c[i].retry_after &&
		    g->cseq == c[i].cseq && same(g->aor, r[0].aor) &&
		    same(g->reg_id, r[0].id);
	}
	ok(all, "builder: every field of every contact reads back, entities, "
	    "edge spaces and a tab included");
	sip_reginfo_view_free(&v);
	buf_reset(&b);
	ok(sip_reginfo_build(&b, 0, 0, r, 1) == SIP_OK &&
	    sip_reginfo_parse(&ri, b.p, b.len, NULL) == SIP_OK && !ri.full,
	    "builder: a partial document");
	c[0].callid = "bad\001";
	buf_reset(&b);
	ok(sip_reginfo_build(&b, 0, 0, r, 1) == SIP_E_INVAL,
	    "builder: a control character XML 1.0 cannot carry is refused");
	c[0].callid = NULL;
	c[0].uri = NULL;
	buf_reset(&b);
	ok(sip_reginfo_build(&b, 0, 0, r, 1) == SIP_E_INVAL,
	    "builder: a contact without uri is refused");
	buf_free(&b);
}

int
main(int argc, char **argv)
{
	const char *slash = argc > 0 ? strrchr(argv[0], '/') : NULL;

	/* the fixtures are beside tests/unit/: ../fixtures/reginfo */
	snprintf(fixdir, sizeof fixdir, "%.*s/../fixtures/reginfo",
	    slash ? (int)(slash - argv[0]) : 1, slash ? argv[0] : ".");
	test_rfc();
	test_kamailio();
	test_xml();
	test_errors();
	test_merge();
	test_kamailio_merge();
	test_build();
	return done();
}
