/*
 * sip-register - register an address of record and stay registered;
 * list and remove its bindings.
 *
 * RFC 3261 10.2 (registrations), 22 (digest); RFC 3263 4.3 (failover);
 * RFC 3327 (Path), RFC 3608 (Service-Route), RFC 5626 (outbound:
 * instance, reg-id, keep-alives, flow recovery), RFC 5627 (GRUU).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"
#include "client.h"
#include "clock.h"
#include "cmd.h"
#include "endpoint.h"
#include "loop.h"
#include "param.h"
#include "rand.h"
#include "reg.h"
#include "register.h"
#include "status.h"
#include "stun.h"
#include "tls.h"
#include "tpset.h"
#include "via.h"

static const char *const usage[] = {
	"sip-register [options] AOR [REGISTRAR]",
	"sip-register --list|--remove-all|--remove CONTACT [options] AOR [REGISTRAR]",
	"sip-register --watch [--register] [options] AOR [REGISTRAR]",
	"sip-register --users FILE|PATTERN [-c N] [--duration S] [--rate R] [--concurrency N] [options] DOMAIN [REGISTRAR]",
	NULL
};

static struct {
	long		 expires;
	int		 once;
	int		 list;
	int		 remove_all;
	struct strlist	 remove;
	struct strlist	 contacts;
	double		 q;
	const char	*instance;
	long		 reg_id;
	double		 keepalive;
	double		 ka_timeout;
	const char	*ha1_file;
	int		 json;
	int		 watch;
	int		 reg_too;
} o = { .expires = 3600, .q = -1 };

static const struct opt opts[] = {
	OPT_GROUP("Registration"),
	OPT_INT(0, "expires", &o.expires, "SECONDS", 1, 0xffffffffL,
	    "ask for this long (default 3600); the registrar's grant is refreshed"),
	OPT_FLAG(0, "once", &o.once, "register, print the binding and exit"),
	OPT_LIST(0, "contact", &o.contacts, "'<URI>[;q=Q]'",
	    "register this contact too (repeatable)"),
	OPT_DBL(0, "q", &o.q, "Q", 0, 1, "the q-value of the contact sip-register listens on"),
	OPT_STR(0, "instance", &o.instance, "URN",
	    "+sip.instance (default a UUID URN kept per AOR, see the man page)"),
	OPT_INT(0, "reg-id", &o.reg_id, "N", 1, 0x7fffffffL,
	    "RFC 5626 outbound: the reg-id of this flow; keep-alives on"),
	OPT_DBL(0, "keepalive", &o.keepalive, "SECONDS", 0.1, 86400,
	    "send a keep-alive this often: CRLF on a stream, STUN over UDP"),
	OPT_DBL(0, "keepalive-timeout", &o.ka_timeout, "SECONDS", 0.1, 600,
	    "a keep-alive unanswered this long is a failed flow (default 10)"),
	OPT_GROUP("Bindings"),
	OPT_FLAG(0, "list", &o.list, "list the AOR's bindings and exit"),
	OPT_LIST(0, "remove", &o.remove, "CONTACT",
	    "remove the binding of CONTACT (repeatable) and exit"),
	OPT_FLAG(0, "remove-all", &o.remove_all,
	    "remove every binding of the AOR (Contact: *) and exit"),
	OPT_FLAG(0, "watch", &o.watch,
	    "subscribe to the AOR's reg event (RFC 3680) and print each change of its bindings"),
	OPT_FLAG(0, "register", &o.reg_too,
	    "with --watch: register too, and subscribe over the registration's Service-Route (RFC 3608)"),
	LOAD_OPTIONS,
	CLIENT_OPTIONS,
	OPT_SECRETFILE(0, "ha1-file", &o.ha1_file, "FILE",
	    "digest HA1 (hex of user:realm:password) from the first line of FILE, instead of a password"),
	OPT_GROUP("Output"),
	OPT_FLAG('v', "verbose", &verbose,
	    "trace every message sent and received on stderr"),
	OPT_QUIET,
	OPT_FLAG('j', "json", &o.json, "JSON Lines: one object per event"),
	OPT_END
};

static const char extra[] =
"AOR is sip:user@domain (or user@domain).  REGISTRAR is where the\n"
"REGISTER goes: a URI, host[:port] or tcp:|tls:|ws:... host[:port]; by\n"
"default the AOR's domain, located through RFC 3263.  The password comes\n"
"from SIPBOX_PASSWORD, --password-file or a prompt; SIPBOX_HA1 or\n"
"--ha1-file give an HA1 instead.  Ctrl-C or SIGTERM unregisters and exits.";

static const struct applet_spec spec = { "sip-register", usage, opts, extra,
    EXIT_LOCAL | EXIT_ANSWER | EXIT_NET };

static struct client cl;
static struct sip_loop *loop;
static struct sip_tps *tps;
static struct sip_ep ep;
static struct sip_ep_ctxn regc;		/* the REGISTER out */
static struct sip_reg reg;
static struct sip_timer reg_timer;
static SSL_CTX *tls_cli;
static char aor[SIP_TARGET_MAX], aor_user[128], ua[64];
static char via_host[SIP_NET_HOST_MAX + 2];
static int via_port;
static const char *routes[2];
static uint64_t flow_id;		/* the stream the REGISTER went over */
static uint64_t ping_us;		/* when the keep-alive went */
static int pong_seen;			/* the first pong is traced */
/* UDP: where the REGISTER went, the STUN request out, what it mapped */
static struct sip_ep_dest reg_dst;
static unsigned char stun_tx[SIP_STUN_TXID];
static struct sip_sockaddr mapped;
static int have_mapped;
static int signals, exit_code;
static char *secret;
static struct reg_env wenv;		/* --watch's */
/* --watch --register: the Service-Route's first hop and its values */
static struct client svc;
static char *svc_route[SIP_MAX_ROUTE_SET + 1];
static int watching, watch_over;

static void
out_flush(void)
{
	if (fflush(stdout) != 0)
		exit_code = SIP_EXIT_OUTPUT;
}

/* "sip:alice@example.com", "alice@example.com" into aor and its user. */
static void
parse_aor(const char *s)
{
	struct sip_addr a;
	char na[SIP_TARGET_MAX + 8];

	if (strncasecmp(s, "sip:", 4) == 0 || strncasecmp(s, "sips:", 5) == 0)
		snprintf(aor, sizeof aor, "%s", s);
	else
		snprintf(aor, sizeof aor, "sip:%s", s);
	snprintf(na, sizeof na, "<%s>", aor);
	if (sip_addr_parse(&a, slice_cstr(na), NULL) != SIP_OK ||
	    a.uri.user.len == 0 || a.uri.host.len == 0 ||
	    a.uri.user.len >= sizeof aor_user)
		usage_error("bad AOR '%s': want sip:user@domain", s);
	snprintf(aor_user, sizeof aor_user, SLICE_FMT, SLICE_ARG(a.uri.user));
}

/* The AOR's domain (with its port) as the registrar, RFC 3261 10.2.6. */
static const char *
aor_domain(char *out, size_t n)
{
	const char *at = strchr(aor, '@');
	const char *scheme = strncasecmp(aor, "sips:", 5) == 0 ? "sips:" :
	    "sip:";
	size_t len = strcspn(at + 1, ";?>");

	snprintf(out, n, "%s%.*s", scheme, (int)len, at + 1);
	return out;
}

/*
 * The +sip.instance kept for an AOR (RFC 5626 4.1: the same across
 * restarts): "AOR URN" lines in $XDG_STATE_HOME/sipbox/instances, or
 * ~/.local/state/sipbox/instances.  A new one is made and written when
 * the AOR has none; when nothing can be written a fresh one serves.
 */
static const char *
instance_for(void)
{
	static char urn[64];
	char path[4096], dir[4096], line[SIP_TARGET_MAX + 80];
	const char *st = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	unsigned char u[16];
	FILE *f;
	size_t al = strlen(aor);

	if (st != NULL && st[0] == '/')
		snprintf(dir, sizeof dir, "%s/sipbox", st);
	else if (home != NULL)
		snprintf(dir, sizeof dir, "%s/.local/state/sipbox", home);
	else
		dir[0] = '\0';
	snprintf(path, sizeof path, "%s/instances", dir);
	if (dir[0] != '\0' && (f = fopen(path, "r")) != NULL) {
		while (fgets(line, sizeof line, f) != NULL)
			if (strncmp(line, aor, al) == 0 && line[al] == ' ' &&
			    strncmp(line + al + 1, "urn:", 4) == 0) {
				line[al + 1 + strcspn(line + al + 1, "\r\n")] = '\0';
				snprintf(urn, sizeof urn, "%s", line + al + 1);
				fclose(f);
				return urn;
			}
		fclose(f);
	}
	if (sip_rand_bytes(u, sizeof u) != SIP_OK)
		die(SIP_EXIT_NET, "%s", sip_err_str(SIP_E_RANDOM));
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);	/* RFC 4122 4.4 */
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
	snprintf(urn, sizeof urn, "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4],
	    u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
	    u[15]);
	if (dir[0] != '\0') {
		char *p;

		/* mkdir -p: the parents of dir, then dir */
		for (p = dir + 1; *p != '\0'; p++)
			if (*p == '/') {
				*p = '\0';
				(void)mkdir(dir, 0700);
				*p = '/';
			}
		(void)mkdir(dir, 0700);
		if ((f = fopen(path, "a")) != NULL) {
			fprintf(f, "%s %s\n", aor, urn);
			if (fclose(f) != 0)
				warnf("%s: %s", path, strerror(errno));
		} else {
			notef("cannot keep the instance in %s: %s", path,
			    strerror(errno));
		}
	}
	return urn;
}

/* --contact '<URI>;q=0.5' or a bare URI. */
static void
add_contact(const char *s, int q)
{
	struct sip_reg_contact *c;
	struct sip_addr a;
	char na[SIP_REG_URI_MAX + 8];
	uint32_t v;

	if (reg.ncontacts == SIP_REG_MAXCONTACTS)
		usage_error("at most %d contacts", SIP_REG_MAXCONTACTS);
	if (s[0] == '<')
		snprintf(na, sizeof na, "%s", s);
	else
		snprintf(na, sizeof na, "<%s>", s);
	if (sip_addr_parse(&a, slice_cstr(na), NULL) != SIP_OK ||
	    a.uri_s.len >= SIP_REG_URI_MAX)
		usage_error("bad contact '%s': want '<sip:user@host>;q=0.5'", s);
	c = &reg.contacts[reg.ncontacts++];
	snprintf(c->uri, sizeof c->uri, SLICE_FMT, SLICE_ARG(a.uri_s));
	c->q = q;
	if (a.q.len > 0) {
		/* "0.5", "1", "1.0": thousandths */
		struct slice w = a.q, f;
		const char *dot = memchr(w.p, '.', w.len);
		uint32_t fr = 0;
		size_t il = dot ? (size_t)(dot - w.p) : w.len;

		if (slice_to_u32(slice_make(w.p, il), 1, &v) != SIP_OK)
			usage_error("bad q-value in '%s'", s);
		if (dot != NULL) {
			f = slice_make(dot + 1, w.len - il - 1);
			if (f.len == 0 || f.len > 3 ||
			    slice_to_u32(f, 999, &fr) != SIP_OK)
				usage_error("bad q-value in '%s'", s);
			for (size_t k = f.len; k < 3; k++)
				fr *= 10;
		}
		c->q = (int)(v * 1000 + fr);
		if (c->q > 1000)
			usage_error("bad q-value in '%s'", s);
	}
}

/* The contact sip-register itself listens on. */
static void
own_contact(void)
{
	char c[SIP_REG_URI_MAX];
	const char *tp = sip_tp_name(cl.tp);

	if (cl.tp == SIP_TP_UDP)
		snprintf(c, sizeof c, "sip:%s@%s:%d", aor_user, via_host,
		    via_port);
	else
		snprintf(c, sizeof c, "sip:%s@%s:%d;transport=%c%c%c%s",
		    aor_user, via_host, via_port, tp[0] | 0x20, tp[1] | 0x20,
		    tp[2] | 0x20, tp[3] ? "s" : "");
	if (o.reg_id > 0)
		strncat(c, ";ob", sizeof c - strlen(c) - 1);
	add_contact(c, o.q >= 0 ? (int)(o.q * 1000 + 0.5) : -1);
}

/* A quoted value without its quotes, <> kept. */
static struct slice
unquote(struct slice v)
{
	if (v.len >= 2 && v.p[0] == '"' && v.p[v.len - 1] == '"')
		return slice_make(v.p + 1, v.len - 2);
	return v;
}

static struct slice
param(const struct sip_addr *a, const char *name)
{
	const struct sip_param *p = sip_param_find(&a->params, name);

	return p != NULL ? unquote(p->value) : SLICE_NULL;
}

/* The received/rport the registrar put in our Via: how it saw us. */
static void
seen_as(const struct sip_msg *m, char *out, size_t n)
{
	struct sip_via v;

	out[0] = '\0';
	if (sip_via_parse(&v, sip_msg_value(m, SIP_HDR_VIA), NULL) != SIP_OK)
		return;
	if (v.received.len == 0 && v.rport.len == 0)
		return;
	snprintf(out, n, SLICE_FMT ":" SLICE_FMT,
	    SLICE_ARG(v.received.len ? v.received : v.host),
	    SLICE_ARG(v.rport));
	if (v.rport.len == 0)
		snprintf(out + strlen(out) - 1, n - strlen(out) + 1, ":%u",
		    v.has_port ? v.port : sip_tp_default_port(cl.tp));
}

/* Every value of header name in m, ", "-joined, into b. */
static void
header_all(const struct sip_msg *m, const char *name, struct buf *b)
{
	for (unsigned i = 0; i < m->nhdrs; i++)
		if (slice_ieq(m->hdrs[i].name, slice_cstr(name))) {
			if (b->len > 0)
				buf_adds(b, ", ");
			buf_addslice(b, slice_trim(m->hdrs[i].value));
		}
}

/* One line per event: "registered", "refreshed", ... */
static void
event(const char *what, const struct sip_msg *m, const struct sip_reg_act *a)
{
	char seen[SIP_NET_ADDRSTR + 8] = "";
	struct slice pub = SLICE_NULL, tmp = SLICE_NULL;
	struct sip_hdr_iter it;
	struct slice v;
	struct sip_addr ad;
	struct buf sr, path;

	buf_init(&sr, SIP_MAX_MSG);
	buf_init(&path, SIP_MAX_MSG);
	if (m != NULL) {
		seen_as(m, seen, sizeof seen);
		memset(&it, 0, sizeof it);
		while (sip_msg_values(m, SIP_HDR_CONTACT, &it, &v))
			if (sip_reg_is_ours(&reg, v) &&
			    sip_addr_parse(&ad, v, NULL) == SIP_OK) {
				pub = param(&ad, "pub-gruu");
				tmp = param(&ad, "temp-gruu");
				break;
			}
		header_all(m, "Service-Route", &sr);
		header_all(m, "Path", &path);
	}
	if (quiet) {
		/* nothing per event */
	} else if (o.json) {
		struct jsonl l;
		struct json *j = &l.j;

		jsonl_begin(&l);
		json_kstr(j, "type", what);
		json_kstr(j, "aor", aor);
		if (a->status)
			json_kint(j, "status", a->status);
		if (a->type == SIP_REG_A_BOUND)
			json_kint(j, "expires", a->expires);
		if (a->type == SIP_REG_A_RETRY)
			json_kint(j, "retry_ms", (int64_t)a->wait);
		if (a->err != SIP_OK)
			json_kstr(j, "error", sip_err_str(a->err));
		if (a->why != NULL)
			json_kstr(j, "detail", a->why);
		if (a->type == SIP_REG_A_BOUND) {
			json_kstr(j, "contact", reg.contacts[0].uri);
			if (seen[0])
				json_kstr(j, "seen_as", seen);
			if (pub.len)
				json_kslice(j, "pub_gruu", pub);
			if (tmp.len)
				json_kslice(j, "temp_gruu", tmp);
			if (sr.len)
				json_kstr(j, "service_route", sr.p);
			if (path.len)
				json_kstr(j, "path", path.p);
		}
		jsonl_end(&l);
	} else if (a->type == SIP_REG_A_BOUND) {
		printf("%s %s: <%s> for %u s", what, aor, reg.contacts[0].uri,
		    a->expires);
		if (a->expires != reg.asking)
			printf(" (asked %u)", reg.asking);
		if (seen[0])
			printf(", seen as %s", seen);
		printf("\n");
		if (pub.len || tmp.len)
			printf("  gruu: " SLICE_FMT "%s" SLICE_FMT "\n",
			    SLICE_ARG(pub), pub.len && tmp.len ? " " : "",
			    SLICE_ARG(tmp));
		if (sr.len)
			printf("  service-route: %s\n", sr.p);
		if (path.len)
			printf("  path: %s\n", path.p);
	} else if (a->type == SIP_REG_A_RETRY) {
		if (a->status)
			printf("%s %s: %d, again in %.1f s\n", what, aor,
			    a->status, (double)a->wait / 1000);
		else
			printf("%s %s: %s, again in %.1f s\n", what, aor,
			    sip_err_str(a->err), (double)a->wait / 1000);
	} else {
		printf("%s %s", what, aor);
		if (a->status)
			printf(": %d", a->status);
		printf("\n");
	}
	out_flush();
	buf_free(&sr);
	buf_free(&path);
}

/* --list: one row per binding of the 200 (10.3 step 8). */
static void
print_bindings(const struct sip_msg *m)
{
	struct sip_hdr_iter it;
	struct slice v, pub, tmp;
	struct sip_addr a;
	struct buf path;
	int n = 0;

	buf_init(&path, SIP_MAX_MSG);
	header_all(m, "Path", &path);
	if (!o.json && !quiet)
		printf("CONTACT\tEXPIRES\tQ\tINSTANCE\tREG-ID\tGRUU\tPATH\n");
	memset(&it, 0, sizeof it);
	while (sip_msg_values(m, SIP_HDR_CONTACT, &it, &v)) {
		if (sip_addr_parse(&a, v, NULL) != SIP_OK || a.star)
			continue;
		n++;
		pub = param(&a, "pub-gruu");
		tmp = param(&a, "temp-gruu");
		if (quiet)
			continue;
		if (o.json) {
			struct jsonl l;
			struct json *j = &l.j;
			uint32_t x;

			jsonl_begin(&l);
			json_kstr(j, "type", "binding");
			json_kstr(j, "aor", aor);
			json_kslice(j, "contact", a.uri_s);
			if (slice_to_u32(a.expires, 0xffffffffu, &x) == SIP_OK)
				json_kint(j, "expires", x);
			if (a.q.len)
				json_kslice(j, "q", a.q);
			if (param(&a, "+sip.instance").len)
				json_kslice(j, "instance",
				    param(&a, "+sip.instance"));
			if (param(&a, "reg-id").len)
				json_kslice(j, "reg_id", param(&a, "reg-id"));
			if (pub.len)
				json_kslice(j, "pub_gruu", pub);
			if (tmp.len)
				json_kslice(j, "temp_gruu", tmp);
			if (path.len)
				json_kstr(j, "path", path.p);
			jsonl_end(&l);
			continue;
		}
#define DASH(s)	((s).len ? (s) : SLICE_LIT("-"))
		printf(SLICE_FMT "\t" SLICE_FMT "\t" SLICE_FMT "\t" SLICE_FMT
		    "\t" SLICE_FMT "\t" SLICE_FMT "%s" SLICE_FMT "\t%s\n",
		    SLICE_ARG(a.uri_s), SLICE_ARG(DASH(a.expires)),
		    SLICE_ARG(DASH(a.q)),
		    SLICE_ARG(DASH(param(&a, "+sip.instance"))),
		    SLICE_ARG(DASH(param(&a, "reg-id"))),
		    SLICE_ARG(pub.len || !tmp.len ? DASH(pub) : tmp),
		    pub.len && tmp.len ? " " : "",
		    SLICE_ARG(pub.len && tmp.len ? tmp : SLICE_LIT("")),
		    path.len ? path.p : "-");
#undef DASH
	}
	if (o.json && !quiet) {
		struct jsonl l;

		jsonl_begin(&l);
		json_kstr(&l.j, "type", "bindings");
		json_kstr(&l.j, "aor", aor);
		json_kint(&l.j, "count", n);
		jsonl_end(&l);
	}
	out_flush();
	buf_free(&path);
}

static void arm(void);
static void drain(const struct sip_msg *m);

/* The backoff's and keep-alives' spread (RFC 5626 4.4.1, 4.5). */
static uint32_t
rnd32(void *arg)
{
	uint32_t x = 0;

	(void)arg;
	(void)sip_rand_bytes(&x, sizeof x);
	return x;
}

static int
is_stream(enum sip_tp tp)
{
	return tp != SIP_TP_UDP;
}

/* The SEND action: the REGISTER through the endpoint, from target t. */
static void
send_register(const struct sip_reg_act *a)
{
	struct sip_tps_flow *f;
	enum sip_err e;

	f = flow_id != 0 ? sip_tps_byid(tps, flow_id) : NULL;
	flow_id = 0;		/* before the close: it is no failure */
	if (a->new_flow && f != NULL && is_stream(sip_tps_tp(f)))
		sip_tps_close(tps, f);
	sip_ep_release(&ep, &regc);
	regc.ndst = 0;
	for (int k = 0; k < cl.ndst; k++) {
		int i = (a->target + k) % cl.ndst;

		regc.dst[k].tp = cl.dst_tp[i];
		regc.dst[k].addr = cl.dst[i];
		regc.dst[k].flow = NULL;
		regc.ndst++;
	}
	if ((e = sip_ep_start(&ep, &regc, sip_loop_now(loop) * 1000)) !=
	    SIP_OK)
		die(SIP_EXIT_USAGE, "cannot send the REGISTER: %s",
		    sip_err_str(e));
}

/*
 * RFC 5626 4.4.2: a STUN Binding request to the registrar over UDP; a
 * retransmission (RFC 5389 7.2.1) is the same transaction again.
 */
static void
send_stun(int retrans)
{
	struct sip_tps_dst dst;
	unsigned char req[SIP_STUN_HDR];
	char a[SIP_NET_ADDRSTR];
	static const unsigned char zero[SIP_STUN_TXID];

	/* answered already (zeroed): the pong is on its way to the machine */
	if (retrans && memcmp(stun_tx, zero, sizeof zero) == 0)
		return;
	if (!retrans && sip_rand_bytes(stun_tx, sizeof stun_tx) != SIP_OK)
		return;
	sip_stun_request(req, stun_tx);
	memset(&dst, 0, sizeof dst);
	dst.tp = SIP_TP_UDP;
	dst.addr = reg_dst.addr;
	client_info("keep-alive (STUN Binding request%s) to %s",
	    retrans ? ", again" : "", sip_net_str(&reg_dst.addr, a, sizeof a));
	(void)sip_tps_send(tps, &dst, (const char *)req, sizeof req, NULL);
}

/* A STUN answer to our keep-alive: a pong, unless the mapping moved. */
static int
stun_answer(const struct sip_tps_rx *rx)
{
	struct sip_stun s;
	char a[SIP_NET_ADDRSTR];
	uint64_t now = sip_loop_now(loop);

	if (rx->tp != SIP_TP_UDP || !sip_stun_is(rx->data, rx->len) ||
	    sip_stun_parse(&s, rx->data, rx->len) != SIP_OK ||
	    memcmp(s.txid, stun_tx, sizeof stun_tx) != 0)
		return 0;
	memset(stun_tx, 0, sizeof stun_tx);	/* one answer per request */
	if (s.cls != SIP_STUN_SUCCESS) {
		client_info("STUN error %d: the flow failed", s.error);
		sip_reg_flow_failed(&reg, now);
	} else if (s.has_mapped && have_mapped &&
	    !sip_net_equal(&s.mapped, &mapped)) {
		/* RFC 5626 4.4.2: a new mapping is a failed flow */
		client_info("the NAT mapping moved to %s",
		    sip_net_str(&s.mapped, a, sizeof a));
		mapped = s.mapped;
		sip_reg_flow_failed(&reg, now);
	} else {
		if (s.has_mapped && !have_mapped) {
			mapped = s.mapped;
			have_mapped = 1;
			client_info("STUN: the registrar sees us at %s",
			    sip_net_str(&mapped, a, sizeof a));
		}
		sip_reg_pong(&reg, now);
	}
	drain(NULL);
	return 1;
}

/* A keep-alive on the registration's flow (RFC 5626 4.4.1). */
static void
send_ping(int retrans)
{
	struct sip_tps_flow *f = flow_id ? sip_tps_byid(tps, flow_id) : NULL;

	if (reg_dst.tp == SIP_TP_UDP) {
		send_stun(retrans);
		return;
	}
	if (retrans)
		return;		/* a stream carries the first one */
	if (f == NULL) {
		sip_reg_flow_failed(&reg, sip_loop_now(loop));
		return;
	}
	ping_us = sip_clock_us();
	pong_seen = 0;
	client_info("keep-alive (CRLF CRLF) on the flow to the registrar");
	(void)sip_tps_send_flow(tps, f, NULL, "\r\n\r\n", 4);
}

static void start_watch(const struct sip_msg *m);
static int service_route_take(const struct sip_msg *m);

/* Take every action the machine queued; m is the response at hand. */
static void
drain(const struct sip_msg *m)
{
	struct sip_reg_act a;

	while (sip_reg_action(&reg, &a)) {
		switch (a.type) {
		case SIP_REG_A_SEND:
			send_register(&a);
			break;
		case SIP_REG_A_PING:
			send_ping(a.retrans);
			break;
		case SIP_REG_A_BOUND:
			event(a.refresh ? "refreshed" : "registered", m, &a);
			if (o.reg_too && !watching && m != NULL)
				start_watch(m);
			else if (o.reg_too && !watch_over && m != NULL &&
			    service_route_take(m))
				watch_reroute();
			break;
		case SIP_REG_A_LISTED:
			if (o.list)
				print_bindings(m);
			else
				event("removed", m, &a);
			break;
		case SIP_REG_A_RETRY:
			event("retrying", m, &a);
			break;
		case SIP_REG_A_FLOW:
			event("flow-failed", NULL, &a);
			break;
		case SIP_REG_A_UNBOUND:
			event("unregistered", m, &a);
			break;
		case SIP_REG_A_FAILED:
			exit_code = a.status ? sip_status_exit(a.status) :
			    sip_err_exit(a.err);
			if (a.status == 401 || a.status == 407)
				errorf_ending(exit_code, "%s: %d: %s", aor,
				    a.status, a.why ? a.why :
				    "authentication failed");
			else if (a.status)
				errorf_ending(exit_code, "%s: %d%s%s", aor,
				    a.status, a.why ? ": " : "",
				    a.why ? a.why : "");
			else
				errorf_ending(exit_code, "%s: %s", aor,
				    sip_err_str(a.err));
			break;
		}
	}
	/* --register: unregistered, the watch waits for its last NOTIFY */
	if (reg.state == SIP_REG_FAILED || (reg.state == SIP_REG_DONE &&
	    (!watching || watch_over)))
		sip_loop_stop(loop, 0);
	else
		arm();
}

/* --watch --register: the watch is over; so is the registration. */
static void
watch_ended(void)
{
	watch_over = 1;
	if (reg.state == SIP_REG_DONE || reg.state == SIP_REG_FAILED) {
		sip_loop_stop(loop, 0);
		return;
	}
	sip_reg_stop(&reg, sip_loop_now(loop));
	drain(NULL);
}

/*
 * --watch --register: the Service-Route of the 200 m, in order, into
 * svc_route (RFC 3608 6: the latest 200's replaces what was stored, and
 * one without clears it), and the next hop of a request sent on the
 * registration into wenv.cl: --proxy when given, else the first route,
 * else the registrar.  0 when the route set is what it was.
 */
static int
service_route_take(const struct sip_msg *m)
{
	struct slice rest, v;
	struct sip_addr a;
	char *nr[SIP_MAX_ROUTE_SET + 1];
	int n = 0, same;
	char first[SIP_TARGET_MAX];
	const char *why = NULL;

	first[0] = '\0';
	for (unsigned i = 0; i < m->nhdrs; i++) {
		if (!slice_ieq_cstr(m->hdrs[i].name, "Service-Route"))
			continue;
		rest = m->hdrs[i].value;
		while (n < SIP_MAX_ROUTE_SET && slice_split(&rest, ',', &v)) {
			v = slice_trim(v);
			if (v.len == 0 || sip_addr_parse(&a, v, NULL) !=
			    SIP_OK || a.uri_s.len >= sizeof first) {
				warnf("%s: a Service-Route value that does not "
				    "parse: " SLICE_FMT, aor, SLICE_ARG(v));
				continue;
			}
			if (n == 0)
				snprintf(first, sizeof first, SLICE_FMT,
				    SLICE_ARG(a.uri_s));
			nr[n++] = slice_dup(v);
		}
	}
	nr[n] = NULL;
	same = 1;
	for (int k = 0; k <= n; k++)
		if ((nr[k] == NULL) != (svc_route[k] == NULL) ||
		    (nr[k] != NULL && strcmp(nr[k], svc_route[k]) != 0))
			same = 0;
	for (int k = 0; svc_route[k] != NULL; k++)
		free(svc_route[k]);
	memcpy(svc_route, nr, sizeof nr);
	if (same && watching)
		return 0;
	wenv.cl = &cl;
	if (first[0] != '\0' && (sip_target_parse(&svc.target, first, &why) !=
	    SIP_OK || svc.target.tel)) {
		/* the registrar's word, not the user's: no usage error */
		warnf("%s: the first Service-Route %s is no target (%s): "
		    "subscribing at the registrar", aor, first,
		    why != NULL ? why : "no host");
		first[0] = '\0';
	}
	if (first[0] != '\0') {
		client_resolve(&svc, first);
		wenv.cl = &svc;
		client_info("subscribing through the Service-Route %s", first);
	} else if (watching) {
		client_info("no Service-Route any more: subscribing at the "
		    "registrar");
	}
	return 1;
}

/*
 * --watch --register: the registrar said through its reg event that our
 * binding was shortened, deactivated or put on probation, which asks the
 * client to register (and authenticate) again (RFC 3680 3.1, 5.1): at
 * once, or after the retry-after.  Nothing for rejected: registering
 * again will not help.
 */
static void
reg_event_mine(const char *uri, enum sip_reginfo_event ev,
    uint64_t retry_after)
{
	uint64_t now = sip_loop_now(loop);
	int mine = 0;

	for (int i = 0; i < reg.ncontacts; i++)
		mine |= strcmp(reg.contacts[i].uri, uri) == 0;
	if (!mine || (ev != SIP_REGINFO_EV_SHORTENED &&
	    ev != SIP_REGINFO_EV_DEACTIVATED &&
	    ev != SIP_REGINFO_EV_PROBATION))
		return;
	if (ev == SIP_REGINFO_EV_PROBATION && retry_after > 0)
		client_info("the registrar put our binding on probation: "
		    "registering again in %llu s",
		    (unsigned long long)retry_after);
	else
		client_info("the registrar %s our binding: registering again",
		    sip_reginfo_event_name(ev));
	sip_reg_refresh(&reg, ev == SIP_REGINFO_EV_PROBATION ?
	    now + retry_after * 1000 : now, now);
	drain(NULL);
}

/*
 * --watch --register, on the first 200: the SUBSCRIBE is a request on
 * this registration, so its route set is the Service-Route the 200 gave
 * (RFC 3608 6), after --proxy, and it goes to the first of them; with
 * none, to the registrar as the REGISTER did.  A refresh's 200 with
 * another Service-Route moves the subscription (watch_reroute()).
 */
static void
start_watch(const struct sip_msg *m)
{
	wenv = (struct reg_env){ .loop = loop, .tps = tps, .ep = &ep,
	    .cl = &cl, .aor = aor, .aor_user = aor_user,
	    .via_host = via_host, .via_port = via_port,
	    .route = cl.route[0] ? cl.route : NULL,
	    .routes = (const char *const *)svc_route, .user_agent = ua,
	    .user = copt.user, .password = secret, .ha1 = reg.ha1,
	    .expires = (uint32_t)o.expires, .json = o.json,
	    .ended = watch_ended, .contact = reg_event_mine };
	(void)service_route_take(m);
	watching = 1;
	watch_start(&wenv);
}

static void
on_reg_timer(struct sip_timer *t, void *arg)
{
	struct sip_tps_flow *f;
	uint64_t now = sip_loop_now(loop);

	(void)t;
	(void)arg;
	/* a pong is anything read on the flow after the ping */
	if (reg.pong_due && flow_id &&
	    (f = sip_tps_byid(tps, flow_id)) != NULL &&
	    sip_tps_conn(f)->rx_us > ping_us) {
		if (!pong_seen++)
			client_info("the registrar answered the keep-alive");
		sip_reg_pong(&reg, sip_tps_conn(f)->rx_us / 1000);
	}
	sip_reg_timer(&reg, now);
	drain(NULL);
}

static void
arm(void)
{
	uint64_t d = sip_reg_deadline(&reg), poll;

	/*
	 * A stream's CRLF pong comes up as no message: while one is owed,
	 * look at the flow's last read every 100 ms.
	 */
	if (reg.pong_due && reg_dst.tp != SIP_TP_UDP) {
		poll = sip_loop_now(loop) + 100;
		if (d == 0 || poll < d)
			d = poll;
	}
	sip_loop_timer_stop(loop, &reg_timer);
	if (d != 0)
		sip_loop_timer_at(loop, &reg_timer, d);
}

static enum sip_err
build(struct sip_ep_ctxn *c, struct buf *b, size_t *boff, size_t *blen)
{
	struct sip_req_params p;

	(void)c;
	*boff = *blen = 0;
	memset(&p, 0, sizeof p);
	p.transport = sip_tp_name(c->dst[c->cur].tp);
	p.via_host = via_host;
	p.via_port = via_port;
	p.rport = 1;
	p.max_forwards = 70;
	p.user_agent = ua;
	if (cl.route[0]) {
		routes[0] = cl.route;
		p.routes = routes;
	}
	return sip_reg_build(&reg, b, &p);
}

static void
response(struct sip_ep_ctxn *c, const struct sip_msg *m)
{
	uint64_t now = sip_loop_now(loop);

	if (m == NULL)
		sip_reg_failed(&reg, c->err, now);
	else if (m->status >= 200)
		sip_reg_response(&reg, m, now);
	drain(m);
}

/* The transport: through the set, naming the TLS host; the flow noted. */
static enum sip_err
send_fn(void *arg, const struct sip_ep_dest *d, const char *p, size_t n,
    int retrans)
{
	struct sip_tps_dst dst;
	struct sip_tps_flow *f = NULL;
	enum sip_err e;

	(void)arg;
	(void)retrans;
	if (d->flow != NULL)
		return sip_tps_send_flow(tps, sip_tps_flow_of(d->flow),
		    &d->addr, p, n);
	memset(&dst, 0, sizeof dst);
	reg_dst = *d;
	dst.tp = d->tp;
	dst.addr = d->addr;
	dst.host = cl.next.numeric ? NULL : cl.next.host;
	dst.ws_path = cl.next.path[0] ? cl.next.path : NULL;
	e = sip_tps_send(tps, &dst, p, n, &f);
	if (e == SIP_OK && f != NULL && is_stream(d->tp))
		flow_id = sip_tps_id(f);
	return e;
}

/* Requests to our contact: OPTIONS and MESSAGE 200, the rest 405. */
static void
on_request(void *arg, struct sip_ep *e, struct sip_uas_txn *t,
    const struct sip_msg *m, const struct sip_ep_rx *rx)
{
	static const char *const hdrs[] = {
	    "Allow: OPTIONS, MESSAGE", "Accept: text/plain",
	    NULL };
	struct sip_resp_params rp;
	struct buf b;
	char tag[SIP_TAG_SIZE], a[SIP_NET_ADDRSTR];
	struct slice from = sip_msg_value(m, SIP_HDR_FROM);

	(void)arg;
	if (o.watch && watch_request(e, t, m))
		return;
	memset(&rp, 0, sizeof rp);
	rp.code = m->mid == SIP_METHOD_OPTIONS ||
	    m->mid == SIP_METHOD_MESSAGE ? 200 : 405;
	rp.headers = hdrs;
	if (sip_build_tag(tag) == SIP_OK)
		rp.to_tag = tag;
	buf_init(&b, SIP_MAX_MSG);
	if (sip_build_response(&b, m, &rp) == SIP_OK)
		(void)sip_ep_respond(e, t, b.p, b.len, e->now_us);
	buf_free(&b);
	sip_net_str(&rx->src, a, sizeof a);
	if (quiet)
		return;
	if (o.json) {
		struct jsonl l;

		jsonl_begin(&l);
		json_kstr(&l.j, "type", "request");
		json_kslice(&l.j, "method", m->method);
		json_kslice(&l.j, "from", from);
		json_kstr(&l.j, "source", a);
		json_kint(&l.j, "status", rp.code);
		if (m->mid == SIP_METHOD_MESSAGE)
			json_kslice(&l.j, "body", m->body);
		jsonl_end(&l);
	} else if (m->mid == SIP_METHOD_MESSAGE) {
		printf("MESSAGE from " SLICE_FMT ": " SLICE_FMT "\n",
		    SLICE_ARG(from), SLICE_ARG(m->body));
	} else {
		printf(SLICE_FMT " from " SLICE_FMT " (%s): %d\n",
		    SLICE_ARG(m->method), SLICE_ARG(from), a, rp.code);
	}
	out_flush();
}

static void
on_recv(struct sip_tps *s, const struct sip_tps_rx *rx, void *arg)
{
	if (rx->msg == NULL && stun_answer(rx))
		return;
	sip_ep_tps_recv(s, rx, arg);
}

static void
on_closed(struct sip_tps *s, struct sip_tps_flow *f, enum sip_tps_why why,
    const char *detail, void *arg)
{
	int ours = flow_id != 0 && sip_tps_id(f) == flow_id &&
	    why != SIP_TPS_LOCAL && !sip_loop_stopped(loop);

	sip_ep_tps_closed(s, f, why, detail, arg);
	if (!ours)
		return;
	flow_id = 0;
	client_info("the flow to the registrar closed: %s",
	    detail && detail[0] ? detail : "by the peer");
	sip_reg_flow_failed(&reg, sip_loop_now(loop));
	drain(NULL);
}

static void
on_signal(struct sip_loop *l, int sig, void *arg)
{
	(void)arg;
	(void)sig;
	if (lopt.users != NULL) {
		load_stop();
		return;
	}
	if (o.watch && !o.reg_too) {
		watch_stop();
		return;
	}
	if (o.reg_too && signals == 0 && watching && !watch_over)
		watch_stop();	/* unsubscribe, and unregister below */
	if (++signals > 1) {
		if (reg.mode == SIP_REG_BIND && (reg.state == SIP_REG_BOUND ||
		    reg.state == SIP_REG_SENDING))
			warnf("%s: left registered", aor);
		sip_loop_stop(l, 0);
		return;
	}
	/* a REGISTER out is answered first, then taken back */
	client_info("unregistering (again to quit at once)");
	sip_reg_stop(&reg, sip_loop_now(l));
	drain(NULL);
}

static void
on_timeout(struct sip_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	exit_code = SIP_EXIT_TIMEOUT;
	errorf_ending(exit_code, "%s: --timeout reached", aor);
	sip_loop_stop(loop, 0);
}

/* Where we listen, and what Via and Contact say. */
static void
listen_local(void)
{
	struct sip_sockaddr la;
	char h[SIP_NET_HOST_MAX + 2], err[256];
	int port = 0;

	if (copt.local != NULL) {
		if (sip_net_hostport(copt.local, h, sizeof h, &port) !=
		    SIP_OK || sip_net_numeric(h, port, &la) != SIP_OK)
			usage_error("--local wants a numeric ADDR[:PORT]");
	} else {
		client_guess_local(&cl);
		snprintf(h, sizeof h, "%s", cl.local_host);
		if (h[0] == '[') {
			memmove(h, h + 1, strlen(h));
			h[strcspn(h, "]")] = '\0';
		}
		if (sip_net_numeric(h, 0, &la) != SIP_OK)
			die(SIP_EXIT_NET, "no local address for '%s'", h);
	}
	/* TLS and WSS need a certificate to listen: the flow carries it */
	enum sip_tp ltp = cl.tp == SIP_TP_TLS ? SIP_TP_TCP :
	    cl.tp == SIP_TP_WSS ? SIP_TP_WS : cl.tp;

	if (sip_tps_listen(tps, ltp, &la, err, sizeof err) != SIP_OK)
		die(SIP_EXIT_NET, "cannot listen on %s: %s",
		    sip_tp_name(ltp), err);
	via_port = sip_net_host(&la, h, sizeof h);
	sip_target_urihost(h, via_host, sizeof via_host);
}

/* SIPBOX_HA1 or --ha1-file: the HA1, checked for its form. */
static char *
ha1_secret(void)
{
	char *env = getenv("SIPBOX_HA1"), *h = NULL;
	size_t len;

	if (o.ha1_file != NULL) {
		secret_file_check(o.ha1_file);
		if (read_file(o.ha1_file, &h, &len, 4096) != 0)
			die_errno(SIP_EXIT_INVALID, "%s", o.ha1_file);
		h[strcspn(h, "\r\n")] = '\0';
	} else if (env != NULL) {
		h = xstrdup(env);
		explicit_bzero(env, strlen(env));
		unsetenv("SIPBOX_HA1");
	} else {
		return NULL;
	}
	secret_hold();
	len = strlen(h);
	if ((len != 32 && len != 64) ||
	    strspn(h, "0123456789abcdefABCDEF") != len)
		die(SIP_EXIT_INVALID, "%s: an HA1 is 32 or 64 hex digits",
		    o.ha1_file ? o.ha1_file : "SIPBOX_HA1");
	return h;
}

int
sip_register_main(int argc, char **argv)
{
	struct sip_tps_opts to;
	struct sip_timer tmo;
	char dom[SIP_TARGET_MAX];
	const char *registrar;
	int i, modes, ka;
	char *ha1 = NULL;

	i = opt_parse(&spec, argc, argv);
	ka = o.keepalive || o.ka_timeout;
	if (i == argc)
		usage_error("an AOR is needed");
	if (argc - i > 2)
		usage_error("AOR and REGISTRAR only");
	modes = (o.list != 0) + (o.remove_all != 0) + (o.remove.n > 0);
	if (modes > 1)
		usage_error("--list, --remove and --remove-all exclude each other");
	if (o.reg_too && !o.watch)
		usage_error("--register is for --watch (a registration is the "
		    "default)");
	if (o.watch && (modes || o.once || (!o.reg_too && (o.contacts.n ||
	    o.reg_id || ka))))
		usage_error("--watch registers and removes nothing: no --once, "
		    "--contact, --reg-id, --keepalive, --list or --remove "
		    "(with --register it registers, but never --once)");
	if (lopt.users != NULL && (modes || o.watch || o.once ||
	    o.contacts.n || o.reg_id || ka || o.instance || o.ha1_file))
		usage_error("--users registers users of its own, once each: no "
		    "--once, --contact, --reg-id, --keepalive, --instance, "
		    "--ha1-file, --list, --remove or --watch");
	if (lopt.users == NULL && (lopt.count || lopt.duration || lopt.rate))
		usage_error("-c, --duration and --rate are for the load mode "
		    "(--users)");
	if (modes && (o.once || o.contacts.n || o.reg_id || ka))
		usage_error("--list, --remove and --remove-all only ask: "
		    "no --once, --contact, --reg-id or --keepalive");
	/* before anything that could print them */
	client_no_uri_password("AOR", argv[i]);
	if (argc - i == 2)
		client_no_uri_password("registrar URI", argv[i + 1]);
	if (lopt.users != NULL)
		/* a stand-in AOR of the domain; each user has its own */
		parse_aor(load_aor(argv[i]));
	else
		parse_aor(argv[i]);
	registrar = argc - i == 2 ? argv[i + 1] : aor_domain(dom, sizeof dom);
	if (o.json && !quiet)	/* -q: stdout stays empty */
		json_errors = 1;
	signal(SIGPIPE, SIG_IGN);
	client_resolve(&cl, registrar);
	if (cl.dst_tp[0] == SIP_TP_SCTP)
		usage_error("sip-register does not register over SCTP");
	/* the Request-URI names the domain, without user (10.2) */
	snprintf(cl.target.ruri, sizeof cl.target.ruri, "%s",
	    argc - i == 2 && strncasecmp(registrar, "sip", 3) == 0 ?
	    cl.target.ruri : aor_domain(dom, sizeof dom));
	if (lopt.users != NULL)
		load_users();
	else if (copt.user == NULL && (getenv("SIPBOX_PASSWORD") != NULL ||
	    copt.password_file != NULL || o.ha1_file != NULL))
		copt.user = aor_user;
	if (copt.user != NULL && lopt.users == NULL) {
		ha1 = ha1_secret();
		if (ha1 == NULL)
			secret = client_password();
	}
	snprintf(ua, sizeof ua, "sipbox/%s", SIPBOX_VERSION);
	if ((loop = sip_loop_new()) == NULL)
		die_errno(SIP_EXIT_NET, "event loop");
	for (int k = 0; k < cl.ndst; k++)
		if (sip_tp_secure(cl.dst_tp[k]) && tls_cli == NULL) {
			struct sip_tls_opts tlo = { copt.cacert, copt.capath,
			    copt.cert, copt.key, copt.insecure };
			char err[256];

			if (sip_tls_client_ctx(&tls_cli, &tlo, err,
			    sizeof err) != SIP_OK)
				die(SIP_EXIT_NET, "TLS: %s", err);
		}
	memset(&to, 0, sizeof to);
	to.tls_client = tls_cli;
	to.recv = on_recv;
	to.closed = on_closed;
	/*
	 * A REGISTER refused by ICMP (nothing listens on that UDP port) goes
	 * on to the next RFC 3263 target at once, not after Timer F.
	 */
	to.recverr = 1;
	to.unreach = sip_ep_tps_unreach;
	to.arg = &ep;
	to.idle_ms = -1;	/* the registration's flow stays */
	to.trace.fn = verbose ? trace_event : NULL;
	if ((tps = sip_tps_new(loop, &to)) == NULL)
		die(SIP_EXIT_NET, "%s", sip_err_str(SIP_E_NOMEM));
	listen_local();
	sip_ep_attach(&ep, loop, tps);
	ep.send = send_fn;
	ep.request = on_request;
	if (copt.t1 > 0)
		ep.t1 = (uint32_t)(copt.t1 * 1000);
	if (ep.t1 > SIP_TXN_T2)
		ep.t2 = ep.t1;
	regc.build = build;
	regc.cb = response;
	regc.user = &reg;

	reg.aor = aor;
	reg.ruri = cl.target.ruri;
	reg.expires = (uint32_t)o.expires;
	reg.once = o.once;
	reg.user = copt.user;
	reg.password = secret;
	reg.ha1 = ha1;
	reg.ntargets = cl.ndst;
	reg.rnd = rnd32;
	reg.gruu = 1;
	if (o.list) {
		reg.mode = SIP_REG_QUERY;
	} else if (o.remove_all) {
		reg.mode = SIP_REG_REMOVE_ALL;
	} else if (o.remove.n > 0) {
		reg.mode = SIP_REG_REMOVE;
		for (int k = 0; k < o.remove.n; k++)
			add_contact(o.remove.v[k], -1);
	} else if ((!o.watch || o.reg_too) && lopt.users == NULL) {
		reg.mode = SIP_REG_BIND;
		own_contact();
		for (int k = 0; k < o.contacts.n; k++)
			add_contact(o.contacts.v[k], -1);
		reg.instance = o.instance ? o.instance : instance_for();
		reg.reg_id = (int)o.reg_id;
		reg.ka_ms = (uint32_t)(o.keepalive * 1000);
		reg.pong_wait = (uint32_t)(o.ka_timeout * 1000);
		reg.ka_resend = !is_stream(cl.tp);
		reg.ka_auto = o.reg_id > 0;
		/* RFC 5626 4.4.1: 95-120 s on a stream, 24-29 s on UDP */
		reg.ka_default_lo_ms = is_stream(cl.tp) ? 95000 : 24000;
		reg.ka_default_ms = is_stream(cl.tp) ? 120000 : 29000;
	}
	if (o.instance != NULL && strncmp(o.instance, "urn:", 4) != 0)
		usage_error("bad --instance '%s': want a URN (urn:uuid:...)",
		    o.instance);
	sip_timer_init(&reg_timer, on_reg_timer, NULL);
	if (sip_loop_signal(loop, SIGINT, on_signal, NULL) != SIP_OK ||
	    sip_loop_signal(loop, SIGTERM, on_signal, NULL) != SIP_OK)
		die_errno(SIP_EXIT_NET, "signals");
	sip_timer_init(&tmo, on_timeout, NULL);
	if (copt.timeout > 0)
		sip_loop_timer_in(loop, &tmo, (uint64_t)(copt.timeout * 1000));
	if (o.watch && !o.reg_too) {
		wenv = (struct reg_env){ .loop = loop, .tps = tps, .ep = &ep,
		    .cl = &cl, .aor = aor, .aor_user = aor_user,
		    .via_host = via_host, .via_port = via_port,
		    .route = cl.route[0] ? cl.route : NULL, .user_agent = ua,
		    .user = copt.user, .password = secret, .ha1 = ha1,
		    .expires = (uint32_t)o.expires, .json = o.json };
		watch_start(&wenv);
	} else if (lopt.users != NULL) {
		wenv = (struct reg_env){ .loop = loop, .tps = tps, .ep = &ep,
		    .cl = &cl, .via_host = via_host, .via_port = via_port,
		    .route = cl.route[0] ? cl.route : NULL, .user_agent = ua,
		    .expires = (uint32_t)o.expires, .json = o.json };
		load_start(&wenv);
	} else {
		if (sip_reg_start(&reg, sip_loop_now(loop)) != SIP_OK)
			die(SIP_EXIT_USAGE, "cannot start the registration");
		drain(NULL);
	}
	sip_loop_run(loop);
	if (o.watch && (!o.reg_too || watching)) {
		watch_free();
		if (exit_code == 0)
			exit_code = watch_exit();
	}
	if (lopt.users != NULL) {
		int e = load_exit();

		load_free();
		if (exit_code == 0)
			exit_code = e;
	}
	sip_loop_timer_stop(loop, &tmo);
	sip_loop_timer_stop(loop, &reg_timer);
	sip_ep_release(&ep, &regc);
	sip_ep_free(&ep);
	sip_tps_free(tps);
	sip_loop_free(loop);
	if (tls_cli != NULL)
		SSL_CTX_free(tls_cli);
	sip_reg_release(&reg);
	for (int k = 0; svc_route[k] != NULL; k++)
		free(svc_route[k]);
	client_password_free(secret);
	client_password_free(ha1);
	out_flush();
	return exit_code;
}
