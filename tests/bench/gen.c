/*
 * gen.c - a deterministic corpus of realistic SIP messages for the parse
 * benchmark: INVITEs with SDP, 100/180/200/401/486 responses, REGISTER
 * with Authorization, ACK, BYE and OPTIONS; one to four Vias (sometimes
 * comma-joined on one line), Record-Route and Route sets, compact header
 * names, odd header-name case, display names quoted, as tokens or absent,
 * addr-spec and name-addr forms, parameters in varied order, IPv4, IPv6
 * and domain hosts.  The same seed gives the same bytes on every machine.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"

/* xorshift64*, seeded through splitmix64: small, fast and portable. */
static uint64_t rs;

static uint64_t
rnd(void)
{
	rs ^= rs >> 12;
	rs ^= rs << 25;
	rs ^= rs >> 27;
	return rs * 2685821657736338717ull;
}

static void
rnd_seed(uint64_t seed)
{
	uint64_t z = seed + 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	rs = (z ^ (z >> 31)) | 1;
}

/* A number in [lo, hi]. */
static unsigned
rr(unsigned lo, unsigned hi)
{
	return lo + (unsigned)((rnd() >> 33) % (hi - lo + 1));
}

/* True with probability pct percent. */
static int
pct(unsigned p)
{
	return rr(0, 99) < p;
}

#define PICK(a)	((a)[rr(0, sizeof(a) / sizeof((a)[0]) - 1)])

/* The message being built. */
#define MSGMAX	16384
static char	 msg[MSGMAX], body[8192];
static size_t	 mlen, blen;

#define PRINTFLIKE(f, a)	__attribute__((format(printf, f, a)))

static void	vadd(char *, size_t *, size_t, const char *, va_list)
		    PRINTFLIKE(4, 0);
static void	add(const char *, ...) PRINTFLIKE(1, 2);
static void	badd(const char *, ...) PRINTFLIKE(1, 2);

static void
vadd(char *dst, size_t *len, size_t cap, const char *fmt, va_list ap)
{
	int n = vsnprintf(dst + *len, cap - *len, fmt, ap);

	if (n > 0 && (size_t)n < cap - *len)
		*len += (size_t)n;
}

static void
add(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd(msg, &mlen, sizeof(msg), fmt, ap);
	va_end(ap);
}

static void
badd(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd(body, &blen, sizeof(body), fmt, ap);
	va_end(ap);
}

static const char alnum[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
static const char hexd[] = "0123456789abcdef";

static char *
rstr(char *dst, const char *set, size_t setlen, unsigned lo, unsigned hi)
{
	unsigned n = rr(lo, hi), i;

	for (i = 0; i < n; i++)
		dst[i] = set[rr(0, (unsigned)setlen - 1)];
	dst[n] = '\0';
	return dst;
}
#define RALNUM(d, lo, hi)	rstr((d), alnum, sizeof(alnum) - 1, (lo), (hi))
#define RHEX(d, lo, hi)		rstr((d), hexd, sizeof(hexd) - 1, (lo), (hi))

static const char *const users[] = {
	"alice", "bob", "carol", "dave", "eve", "frank", "grace", "heidi",
	"ivan", "judy", "mallory", "oscar", "peggy", "trent", "victor",
	"walter", "support", "sales", "reception", "conf-room-3", "pbx",
};
static const char *const names[] = {
	"Alice Liddell", "Bob", "Carol O'Neil", "Dave", "Eve \\\"Mallory\\\"",
	"Front Desk", "Grace Hopper", "Heidi", "Ivan Petrov", "J. Random User",
	"Sales Line 2", "Victor", "Walter", "Oscar 'the' Grouch",
};
static const char *const tokname[] = {
	"Alice", "Bob", "Carol", "Reception", "Support", "Operator",
};
static const char *const domains[] = {
	"example.com", "atlanta.example.com", "biloxi.example.com",
	"sip.provider.net", "voip.carrier-one.co.uk", "pbx.office.local",
	"ims.mnc001.mcc001.3gppnetwork.org", "chicago.example.org",
};
static const char *const agents[] = {
	"Linphone/5.2.0 (belle-sip/5.2.0)", "Zoiper rv2.10.19.2",
	"Asterisk PBX 20.5.0", "FreeSWITCH-mod_sofia/1.10.11-release",
	"Grandstream GXP2170 1.0.11.23", "Yealink SIP-T46U 108.86.0.50",
	"Cisco-SIPGateway/IOS-15.x", "sipbox/0.1.0",
};

struct ctx {
	int	 compact;	/* compact header names where there are some */
	int	 oddcase;	/* header names in odd case */
	int	 nospace;	/* "Name:value" */
	char	 callid[256];
	char	 ftag[48], ttag[48];
	char	 fromv[256], tov[256];
	char	 vias[4][256];
	char	 branch[96];
	int	 nvia;
	char	 rr[3][256];
	int	 nrr;
	uint32_t cseq;
	const char *method;
	char	 user[64], dom[80], tuser[64], tdom[80];
	char	 ip[48];
};

static char *
rip4(char *d)
{
	static const unsigned first[] = { 10, 172, 192, 198, 203, 81, 62 };
	unsigned a, b, x, y;

	/* One draw per statement: argument order is unspecified in C. */
	a = PICK(first);
	b = rr(0, 255);
	x = rr(0, 255);
	y = rr(1, 254);
	sprintf(d, "%u.%u.%u.%u", a, b, x, y);
	return d;
}

static char *
rhost(char *d, int v6ok)
{
	unsigned a, b;

	if (v6ok && pct(6)) {
		a = rr(1, 0xffff);
		b = rr(1, 0xffff);
		sprintf(d, "[2001:db8:%x::%x]", a, b);
	} else if (pct(55))
		rip4(d);
	else
		strcpy(d, PICK(domains));
	return d;
}

/* A header name: long, compact or odd case, then the colon. */
static void
hname(struct ctx *c, const char *lng, const char *cmp)
{
	char tmp[64];
	size_t i;

	if (c->compact && cmp != NULL)
		add("%s", cmp);
	else if (c->oddcase) {
		snprintf(tmp, sizeof(tmp), "%s", lng);
		for (i = 0; tmp[i] != '\0'; i++)
			if (tmp[i] >= 'a' && tmp[i] <= 'z' && (i & 1) == 0)
				tmp[i] -= 32;
			else if (tmp[i] >= 'A' && tmp[i] <= 'Z' && (i & 1))
				tmp[i] += 32;
		add("%s", tmp);
	} else
		add("%s", lng);
	add(c->nospace ? ":" : ": ");
}

static void	hdr(struct ctx *, const char *, const char *, const char *, ...)
		    PRINTFLIKE(4, 5);

static void
hdr(struct ctx *c, const char *lng, const char *cmp, const char *fmt, ...)
{
	va_list ap;

	hname(c, lng, cmp);
	va_start(ap, fmt);
	vadd(msg, &mlen, sizeof(msg), fmt, ap);
	va_end(ap);
	add("\r\n");
}

/* From/To value: name-addr with or without display name, or addr-spec. */
static void
addrv(char *d, size_t dsz, const char *user, const char *dom,
    const char *tag, int phone)
{
	char uri[160], extra[64] = "";
	const char *scheme = pct(8) ? "sips" : "sip";
	char num[24];
	int form = rr(0, 9);
	int n;

	if (phone)
		snprintf(uri, sizeof(uri), "%s:+1%s@%s;user=phone", scheme,
		    rstr(num, "0123456789", 10, 10, 10), dom);
	else if (pct(15))
		snprintf(uri, sizeof(uri), "%s:%s@%s:%u", scheme, user, dom,
		    rr(0, 1) ? 5060 : 5061);
	else
		snprintf(uri, sizeof(uri), "%s:%s@%s", scheme, user, dom);
	if (pct(10))
		snprintf(extra, sizeof(extra), ";epid=%s",
		    RHEX(num, 8, 10));
	/* addr-spec cannot carry a URI parameter: keep those in <>. */
	if (form == 0 && !phone)
		n = snprintf(d, dsz, "%s", uri);
	else if (form <= 4)
		n = snprintf(d, dsz, "\"%s\" <%s>", PICK(names), uri);
	else if (form <= 6)
		n = snprintf(d, dsz, "%s <%s>", PICK(tokname), uri);
	else
		n = snprintf(d, dsz, "<%s>", uri);
	if (n < 0 || (size_t)n >= dsz)
		return;
	if (tag == NULL || tag[0] == '\0')
		snprintf(d + n, dsz - (size_t)n, "%s", extra);
	else if (extra[0] != '\0' && pct(50))
		snprintf(d + n, dsz - (size_t)n, "%s;tag=%s", extra, tag);
	else
		snprintf(d + n, dsz - (size_t)n, ";tag=%s%s", tag, extra);
}

static void
via_value(char *d, size_t dsz, const char *branch)
{
	static const char *const tp[] = { "UDP", "UDP", "UDP", "TCP", "TLS" };
	char host[64], ip[32];
	const char *t = PICK(tp);
	unsigned port = strcmp(t, "TLS") == 0 ? 5061 : 5060;
	int n;

	rhost(host, 1);
	if (pct(20))
		port = rr(1024, 65535);
	n = snprintf(d, dsz, "SIP/2.0/%s %s", t, host);
	if (n > 0 && pct(85))
		n += snprintf(d + n, dsz - (size_t)n, ":%u", port);
	if (n < 0 || (size_t)n >= dsz)
		return;
	switch (rr(0, 4)) {
	case 0:
		snprintf(d + n, dsz - (size_t)n, ";rport;branch=%s", branch);
		break;
	case 1:
		port = rr(1024, 65535);
		rip4(ip);
		snprintf(d + n, dsz - (size_t)n, ";branch=%s;rport=%u;received=%s",
		    branch, port, ip);
		break;
	case 2:
		snprintf(d + n, dsz - (size_t)n, ";received=%s;branch=%s",
		    rip4(ip), branch);
		break;
	default:
		snprintf(d + n, dsz - (size_t)n, ";branch=%s", branch);
		break;
	}
}

static void
new_branch(char *d, size_t dsz)
{
	char r[40];

	if (pct(80))
		snprintf(d, dsz, "z9hG4bK%s", RALNUM(r, 8, 24));
	else {
		RHEX(r, 6, 8);
		RHEX(r + 10, 4, 4);
		snprintf(d, dsz, "z9hG4bK-%s-%s", r, r + 10);
	}
}

/* A dialog's worth of identity: Call-ID, tags, From, To, Vias, RR. */
static void
new_ctx(struct ctx *c, const char *method, int want_ttag, int nvia_max)
{
	char r[64], br[96];
	int i, phone = pct(10);

	memset(c, 0, sizeof(*c));
	c->compact = pct(20);
	c->oddcase = !c->compact && pct(5);
	c->nospace = pct(5);
	c->method = method;
	c->cseq = rr(1, 20) == 1 ? rr(1, 2000000000) : rr(1, 9999);
	snprintf(c->user, sizeof(c->user), "%s", PICK(users));
	if (pct(40))
		snprintf(c->user + strlen(c->user), sizeof(c->user) -
		    strlen(c->user), "%s", RALNUM(r, 1, 4));
	snprintf(c->tuser, sizeof(c->tuser), "%s", PICK(users));
	snprintf(c->dom, sizeof(c->dom), "%s", PICK(domains));
	snprintf(c->tdom, sizeof(c->tdom), "%s", pct(50) ? c->dom : PICK(domains));
	rip4(c->ip);
	switch (rr(0, 3)) {
	case 0:
		snprintf(c->callid, sizeof(c->callid), "%s@%s",
		    RALNUM(r, 16, 32), c->ip);
		break;
	case 1:
		RHEX(r, 8, 8);
		RHEX(r + 10, 4, 4);
		RHEX(r + 20, 12, 12);
		snprintf(c->callid, sizeof(c->callid), "%s-%s-%s@%s", r,
		    r + 10, r + 20, c->dom);
		break;
	case 2:
		snprintf(c->callid, sizeof(c->callid), "%s", RALNUM(r, 20, 40));
		break;
	default:
		snprintf(c->callid, sizeof(c->callid), "%s@%s",
		    RHEX(r, 32, 32), "host.example");
		break;
	}
	RALNUM(c->ftag, 6, 20);
	if (want_ttag && pct(50))
		RHEX(c->ttag, 8, 16);
	else if (want_ttag)
		RALNUM(c->ttag, 6, 12);
	addrv(c->fromv, sizeof(c->fromv), c->user, c->dom, c->ftag, phone);
	addrv(c->tov, sizeof(c->tov), c->tuser, c->tdom, c->ttag, 0);
	c->nvia = (int)rr(1, (unsigned)nvia_max);
	for (i = 0; i < c->nvia; i++) {
		new_branch(br, sizeof(br));
		if (i == 0)
			strcpy(c->branch, br);
		via_value(c->vias[i], sizeof(c->vias[i]), br);
	}
	c->nrr = c->nvia > 1 ? (int)rr(0, 3) : 0;
	for (i = 0; i < c->nrr; i++) {
		char h[64];
		unsigned port;

		switch (rr(0, 2)) {
		case 0:
			snprintf(c->rr[i], sizeof(c->rr[i]), "<sip:%s;lr>",
			    rhost(h, 0));
			break;
		case 1:
			rhost(h, 0);
			port = rr(5060, 5090);
			snprintf(c->rr[i], sizeof(c->rr[i]),
			    "<sip:%s:%u;transport=tcp;lr;ftag=%s>", h, port,
			    c->ftag);
			break;
		default:
			rip4(h);
			RHEX(r, 6, 9);
			snprintf(c->rr[i], sizeof(c->rr[i]),
			    "<sip:%s;lr;r2=on;did=%s>", h, r);
			break;
		}
	}
}

static void
put_vias(struct ctx *c)
{
	int i;

	if (c->nvia > 1 && pct(15)) {
		hname(c, "Via", "v");
		for (i = 0; i < c->nvia; i++)
			add("%s%s", i ? (pct(50) ? ", " : ",") : "", c->vias[i]);
		add("\r\n");
		return;
	}
	for (i = 0; i < c->nvia; i++)
		hdr(c, "Via", "v", "%s", c->vias[i]);
}

static void
put_rr(struct ctx *c, const char *name)
{
	int i;

	if (c->nrr > 1 && pct(30)) {
		hname(c, name, NULL);
		for (i = 0; i < c->nrr; i++)
			add("%s%s", i ? "," : "", c->rr[i]);
		add("\r\n");
		return;
	}
	for (i = 0; i < c->nrr; i++)
		hdr(c, name, NULL, "%s", c->rr[i]);
}

static void
put_ids(struct ctx *c)
{
	/* From, To, Call-ID and CSeq in a few orders, as agents write them. */
	if (pct(70)) {
		hdr(c, "From", "f", "%s", c->fromv);
		hdr(c, "To", "t", "%s", c->tov);
		hdr(c, "Call-ID", "i", "%s", c->callid);
		hdr(c, "CSeq", NULL, "%u %s", c->cseq, c->method);
	} else {
		hdr(c, "Call-ID", "i", "%s", c->callid);
		hdr(c, "CSeq", NULL, "%u %s", c->cseq, c->method);
		hdr(c, "To", "t", "%s", c->tov);
		hdr(c, "From", "f", "%s", c->fromv);
	}
}

static void
put_contact(struct ctx *c, const char *user, int reg)
{
	char h[64], r[48];

	unsigned port;

	hname(c, "Contact", "m");
	rhost(h, 1);
	port = rr(1024, 65535);
	add("<sip:%s@%s:%u", user, h, port);
	if (pct(40))
		add(";transport=%s", pct(50) ? "tcp" : "udp");
	if (pct(20))
		add(";ob");
	add(">");
	if (reg) {
		add(";expires=%u", pct(50) ? 3600 : rr(60, 7200));
		if (pct(40)) {
			RHEX(r, 8, 8);
			RHEX(r + 9, 4, 4);
			RHEX(r + 14, 3, 3);
			RHEX(r + 18, 3, 3);
			RHEX(r + 22, 12, 12);
			add(";+sip.instance=\"<urn:uuid:%s-%s-4%s-a%s-%s>\"",
			    r, r + 9, r + 14, r + 18, r + 22);
		}
		if (pct(20))
			add(";reg-id=1");
	}
	add("\r\n");
}

static void
put_date(struct ctx *c, const char *wday, unsigned mday)
{
	unsigned h = rr(0, 23), m = rr(0, 59), s = rr(0, 59);

	hdr(c, "Date", NULL, "%s, %02u Nov 2026 %02u:%02u:%02u GMT", wday,
	    mday, h, m, s);
}

static void
put_extras(struct ctx *c)
{
	char r[48];
	unsigned n = rr(0, 5), i, k, used = 0;

	if (pct(60))
		hdr(c, "User-Agent", NULL, "%s", PICK(agents));
	if (pct(50))
		hdr(c, "Allow", NULL, "INVITE, ACK, CANCEL, BYE, OPTIONS, "
		    "NOTIFY, REFER, MESSAGE, INFO, UPDATE, PRACK");
	if (pct(40))
		hdr(c, "Supported", "k", "%s", pct(50) ? "replaces, timer" :
		    "100rel, path, gruu, outbound");
	for (i = 0; i < n; i++) {
		/* Each kind at most once. */
		if (used & (1u << (k = rr(0, 5))))
			continue;
		used |= 1u << k;
		switch (k) {
		case 0:
			hdr(c, "P-Asserted-Identity", NULL, "<sip:%s@%s>",
			    c->user, c->dom);
			break;
		case 1:
			hdr(c, "Session-Expires", "x", "%u;refresher=uac",
			    rr(90, 1800));
			break;
		case 2:
			hdr(c, "X-Correlation-ID", NULL, "%s",
			    RHEX(r, 16, 32));
			break;
		case 3:
			hdr(c, "Subject", "s", "%s", pct(50) ? "Project call" :
			    "Re: invoices for the second quarter");
			break;
		case 4:
			put_date(c, "Sat", rr(1, 28));
			break;
		default:
			hdr(c, "Accept", NULL, "application/sdp, "
			    "application/dtmf-relay");
			break;
		}
	}
}

static void
sdp(void)
{
	static const unsigned pts[] = { 0, 8, 9, 18, 3, 96, 97, 111, 101 };
	static const char *const enc[] = {
		[0] = "PCMU/8000", [8] = "PCMA/8000", [9] = "G722/8000",
		[18] = "G729/8000", [3] = "GSM/8000", [96] = "opus/48000/2",
		[97] = "iLBC/8000", [111] = "speex/16000",
		[101] = "telephone-event/8000",
	};
	char ip[32];
	unsigned n = rr(1, 6), i, port = rr(5000, 30000) & ~1u, used[8];
	unsigned long long sess = (rnd() >> 16) % 9000000000ull + 1, ver;
	const char *user, *subj;

	blen = 0;
	rip4(ip);
	ver = sess + rr(0, 5);
	user = pct(50) ? "-" : "user1";
	subj = pct(50) ? "-" : "SIP Call";
	badd("v=0\r\no=%s %llu %llu IN IP4 %s\r\ns=%s\r\nc=IN IP4 %s\r\n"
	    "t=0 0\r\n", user, sess, ver, ip, subj, ip);
	badd("m=audio %u RTP/AVP", port);
	for (i = 0; i < n; i++) {
		unsigned j;

		/* Distinct payload types, in a random order. */
		do {
			used[i] = PICK(pts);
			for (j = 0; j < i && used[j] != used[i]; j++)
				;
		} while (j < i);
		badd(" %u", used[i]);
	}
	badd("\r\n");
	for (i = 0; i < n; i++)
		badd("a=rtpmap:%u %s\r\n", used[i], enc[used[i]]);
	if (pct(60))
		badd("a=fmtp:101 0-16\r\n");
	badd("a=ptime:20\r\na=%s\r\n", pct(90) ? "sendrecv" : "sendonly");
	if (pct(20))
		badd("m=video %u RTP/AVP 99\r\na=rtpmap:99 H264/90000\r\n"
		    "a=fmtp:99 profile-level-id=42801F\r\n", port + 2);
}

static void
finish(struct ctx *c, int with_body)
{
	if (with_body) {
		hdr(c, "Content-Type", "c", "application/sdp");
		hdr(c, "Content-Length", "l", "%zu", blen);
		add("\r\n");
		if (mlen + blen < sizeof(msg)) {
			memcpy(msg + mlen, body, blen);
			mlen += blen;
		}
	} else {
		hdr(c, "Content-Length", "l", "0");
		add("\r\n");
	}
}

static void
request(struct ctx *c, const char *ruser, const char *rdom, int sdpbody)
{
	char r[64];

	add("%s sip:%s@%s SIP/2.0\r\n", c->method, ruser, rdom);
	put_vias(c);
	if (pct(90))
		hdr(c, "Max-Forwards", NULL, "%u", 71 - (unsigned)c->nvia);
	put_rr(c, "Route");
	put_ids(c);
	if (strcmp(c->method, "ACK") != 0 && strcmp(c->method, "BYE") != 0)
		put_contact(c, c->user, 0);
	put_extras(c);
	if (pct(10))
		hdr(c, "X-Trace", NULL, "%s", RALNUM(r, 20, 60));
	if (sdpbody)
		sdp();
	finish(c, sdpbody);
}

static void
response(struct ctx *c, unsigned code, const char *reason, int sdpbody)
{
	char r[40];

	add("SIP/2.0 %u %s\r\n", code, reason);
	put_vias(c);
	if (code > 100)
		put_rr(c, "Record-Route");
	put_ids(c);
	if (code == 180 || (code == 200 && strcmp(c->method, "INVITE") == 0))
		put_contact(c, c->tuser, 0);
	if (code == 200 && strcmp(c->method, "REGISTER") == 0) {
		put_contact(c, c->user, 1);
		if (pct(50))
			put_date(c, "Sun", 29);
	}
	if (code == 401) {
		RHEX(r, 32, 32);
		RHEX(r + 33, 6, 6);
		hdr(c, "WWW-Authenticate", NULL, "Digest realm=\"%s\", "
		    "nonce=\"%s\", opaque=\"%s\", algorithm=%s, qop=\"auth\"",
		    c->dom, r, r + 33, pct(50) ? "MD5" : "SHA-256");
	}
	if (code == 486 && pct(50))
		hdr(c, "Retry-After", NULL, "%u", rr(30, 600));
	if (pct(50))
		hdr(c, "Server", NULL, "%s", PICK(agents));
	if (sdpbody)
		sdp();
	finish(c, sdpbody);
}

static void
reg(struct ctx *c)
{
	char nonce[40], cn[20], resp[40];

	add("REGISTER sip:%s SIP/2.0\r\n", c->dom);
	put_vias(c);
	hdr(c, "Max-Forwards", NULL, "70");
	put_ids(c);
	put_contact(c, c->user, 1);
	hname(c, "Authorization", NULL);
	RHEX(nonce, 32, 32);
	RHEX(resp, 32, 32);
	add("Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", "
	    "uri=\"sip:%s\", response=\"%s\", algorithm=MD5", c->user, c->dom,
	    nonce, c->dom, resp);
	if (pct(70)) {
		RHEX(cn, 8, 16);
		add(", cnonce=\"%s\", qop=auth, nc=%08x", cn, rr(1, 9));
	}
	if (pct(50))
		add(", opaque=\"%s\"", RHEX(cn, 8, 8));
	add("\r\n");
	if (pct(50))
		hdr(c, "Expires", NULL, "3600");
	put_extras(c);
	finish(c, 0);
}

static void
one(struct ctx *c)
{
	unsigned k = rr(0, 99);

	mlen = 0;
	if (k < 22) {				/* INVITE with SDP */
		new_ctx(c, "INVITE", 0, 4);
		request(c, c->tuser, c->tdom, 1);
	} else if (k < 36) {			/* REGISTER with Authorization */
		new_ctx(c, "REGISTER", 0, 2);
		strcpy(c->tuser, c->user);
		addrv(c->tov, sizeof(c->tov), c->user, c->dom, "", 0);
		reg(c);
	} else if (k < 44) {
		new_ctx(c, "INVITE", 0, 4);
		response(c, 100, "Trying", 0);
	} else if (k < 56) {
		new_ctx(c, "INVITE", 1, 4);
		response(c, 180, "Ringing", 0);
	} else if (k < 66) {
		new_ctx(c, "INVITE", 1, 4);
		response(c, 200, "OK", 1);
	} else if (k < 71) {
		new_ctx(c, "REGISTER", 1, 2);
		response(c, 200, "OK", 0);
	} else if (k < 75) {
		new_ctx(c, pct(50) ? "BYE" : "OPTIONS", 1, 3);
		response(c, 200, "OK", 0);
	} else if (k < 82) {
		new_ctx(c, "REGISTER", 1, 2);
		response(c, 401, "Unauthorized", 0);
	} else if (k < 87) {
		new_ctx(c, "INVITE", 1, 4);
		response(c, 486, "Busy Here", 0);
	} else if (k < 92) {
		new_ctx(c, "ACK", 1, 3);
		request(c, c->tuser, c->ip, 0);
	} else if (k < 97) {
		new_ctx(c, "BYE", 1, 3);
		request(c, c->tuser, c->ip, 0);
	} else {
		new_ctx(c, "OPTIONS", 0, 2);
		request(c, c->tuser, c->tdom, 0);
	}
}

int
corpus_gen(FILE *sip, FILE *tsv, size_t n, uint64_t seed)
{
	struct ctx c;
	size_t i, off = 0;

	rnd_seed(seed);
	for (i = 0; i < n; i++) {
		one(&c);
		if (fwrite(msg, 1, mlen, sip) != mlen)
			return -1;
		fprintf(tsv, "%zu\t%zu\t%s\t%u\t%s\t%s\t%s\t%s\n", off, mlen,
		    c.callid, c.cseq, c.method, c.ftag,
		    c.ttag[0] != '\0' ? c.ttag : "-", c.branch);
		off += mlen;
	}
	return ferror(sip) || ferror(tsv) ? -1 : 0;
}
