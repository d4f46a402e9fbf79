/*
 * sip-serve - a local SIP peer: answers OPTIONS, takes MESSAGE, registers
 * with optional digest authentication, and gives any other request the
 * answer it is told to.
 *
 * RFC 3261 8.2 (UAS behaviour), 10.3 (registrar), 17.2 (server
 * transactions), 18.2 (server transports), 22 (digest); RFC 3428
 * (MESSAGE); RFC 3581 (rport); RFC 7118 (WebSocket).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "authhdr.h"
#include "build.h"
#include "cmd.h"
#include "digest.h"
#include "field.h"
#include "json.h"
#include "rand.h"
#include "tls.h"
#include "trace.h"
#include "uas.h"

static const char *const usage[] = {
	"sip-serve [-jv] [--listen TP:ADDR:PORT]... [--users FILE] [--reply METHOD=CODE]...",
	NULL
};

static struct {
	struct strlist	 listen;
	struct strlist	 reply;
	const char	*users;
	const char	*realm;
	const char	*cert, *key;
	const char	*port_file;
	double		 duration;
	long		 max_expires;
	long		 nonce_ttl;
	long		 max_conns;
	int		 json;
} o = { .realm = "sipbox", .max_expires = 3600, .max_conns = 256,
    .nonce_ttl = 300 };

static const struct opt opts[] = {
	OPT_GROUP("Listening"),
	OPT_LIST('l', "listen", &o.listen, "TP:ADDR:PORT",
	    "listen on udp:, tcp:, tls:, sctp:, ws: or wss: ADDR:PORT (repeatable; default udp:127.0.0.1:5060)"),
	OPT_FILE(0, "cert", &o.cert, "FILE", "TLS certificate chain (PEM) for tls: and wss:"),
	OPT_FILE(0, "key", &o.key, "FILE", "TLS private key (PEM)"),
	OPT_FILE(0, "port-file", &o.port_file, "FILE",
	    "write 'TP ADDR:PORT' per listener to FILE once listening"),
	OPT_DBL(0, "duration", &o.duration, "SECONDS", 0.001, 31536000,
	    "exit after this long"),
	OPT_INT(0, "max-connections", &o.max_conns, "N", 1, 65536,
	    "stream connections accepted at once (default 256)"),
	OPT_GROUP("Answers"),
	OPT_FILE(0, "users", &o.users, "FILE",
	    "challenge REGISTER with digest against 'user:password' lines in FILE"),
	OPT_STR(0, "realm", &o.realm, "REALM", "digest realm (default sipbox)"),
	OPT_INT(0, "nonce-ttl", &o.nonce_ttl, "SECONDS", 0, 86400,
	    "nonces go stale after this long (default 300; 0: at once, to test stale=true)"),
	OPT_INT(0, "max-expires", &o.max_expires, "SECONDS", 1, 86400 * 365,
	    "longest registration granted (default 3600)"),
	OPT_LIST('r', "reply", &o.reply, "METHOD=CODE",
	    "answer METHOD with CODE (repeatable; e.g. INVITE=486, OPTIONS=503)"),
	OPT_GROUP("Output"),
	OPT_FLAG('v', "verbose", &verbose, "trace every message sent and received on stderr"),
	OPT_FLAG('j', "json", &o.json, "JSON Lines events on stdout"),
	OPT_QUIET,
	OPT_END
};

static const char extra[] =
"OPTIONS gets 200 with Allow, Accept and Supported; MESSAGE gets 200 and is\n"
"printed; REGISTER is kept in memory with its expiry; any other request gets\n"
"501 Not Implemented unless --reply says otherwise.";

static const struct applet_spec spec = { "sip-serve", usage, opts, extra,
    EXIT_LOCAL | EXIT_NET };

#define MAX_LISTEN	16
#define MAX_BINDINGS	4096
#define MAX_USERS	1024

struct listener {
	enum sip_tp		 tp;
	int			 fd;
	struct sip_sockaddr	 addr;
	struct sip_conn		 udp;	/* UDP: the listener is the conn */
};

struct binding {
	char		 aor[256];
	char		 contact[512];
	time_t		 expires;	/* absolute */
	char		 callid[128];
	uint32_t	 cseq;
};

static struct listener lis[MAX_LISTEN];
static int nlis;
static struct sip_conn **conns;
static int nconns;
static struct sip_uas uas;
static SSL_CTX *tls_ctx;
static struct binding bind_tab[MAX_BINDINGS];
static int nbind;
static struct { char *user, *pass; } users[MAX_USERS];
static int nusers;
static unsigned char nonce_key[32];
static volatile sig_atomic_t stop;
static unsigned long nreq;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
trace(void *arg, char dir, const char *data, size_t len, int retrans,
    const struct sip_conn *c, const struct sip_sockaddr *peer)
{
	(void)arg;
	trace_msg(dir, data, len, retrans, c->tp, peer);
}

static void
load_users(void)
{
	char *data, *line, *save = NULL;
	size_t len;
	unsigned lineno = 0;

	if (o.users == NULL)
		return;
	if (read_file(o.users, &data, &len, 1024 * 1024) != 0)
		die_errno(SIP_EXIT_INVALID, "%s", o.users);
	for (line = strtok_r(data, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char *colon;
		size_t n = strlen(line);

		lineno++;
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		if ((colon = strchr(line, ':')) == NULL || colon == line)
			die(SIP_EXIT_INVALID, "%s:%u: expected user:password",
			    o.users, lineno);
		if (nusers == MAX_USERS)
			die(SIP_EXIT_INVALID, "%s:%u: more than %d users", o.users,
			    lineno, MAX_USERS);
		*colon = '\0';
		users[nusers].user = xstrdup(line);
		users[nusers].pass = xstrdup(colon + 1);
		nusers++;
	}
	explicit_bzero(data, len);
	free(data);
}

static const char *
user_pass(struct slice user)
{
	for (int i = 0; i < nusers; i++)
		if (slice_eq_cstr(user, users[i].user))
			return users[i].pass;
	return NULL;
}

static void
add_listener(const char *spec_s)
{
	static const char *const pfx[] = { "udp:", "tcp:", "tls:", "sctp:",
	    "ws:", "wss:" };
	static const enum sip_tp tps[] = { SIP_TP_UDP, SIP_TP_TCP, SIP_TP_TLS,
	    SIP_TP_SCTP, SIP_TP_WS, SIP_TP_WSS };
	struct listener *l;
	char host[SIP_NET_HOST_MAX], err[256];
	const char *rest = NULL;
	int port;
	enum sip_err e;

	if (nlis == MAX_LISTEN)
		usage_error("at most %d --listen", MAX_LISTEN);
	l = &lis[nlis];
	for (size_t i = 0; i < sizeof pfx / sizeof pfx[0]; i++)
		if (strncasecmp(spec_s, pfx[i], strlen(pfx[i])) == 0) {
			l->tp = tps[i];
			rest = spec_s + strlen(pfx[i]);
		}
	if (rest == NULL)
		usage_error("bad --listen '%s': want udp:|tcp:|tls:|sctp:|ws:|wss: ADDR:PORT",
		    spec_s);
	if (strncmp(rest, "//", 2) == 0)
		rest += 2;
	/* ADDR:0 asks for any free port (see --port-file) */
	char hp[SIP_NET_HOST_MAX + 8];
	size_t rl = strlen(rest);
	int any = rl > 2 && strcmp(rest + rl - 2, ":0") == 0;

	snprintf(hp, sizeof hp, "%.*s", (int)(any ? rl - 2 : rl), rest);
	if (sip_net_hostport(hp, host, sizeof host, &port) != SIP_OK ||
	    (any && port != 0) ||
	    sip_net_numeric(host, any ? 0 : port ? port :
	    sip_tp_default_port(l->tp), &l->addr) != SIP_OK)
		usage_error("bad --listen '%s': want a numeric ADDR[:PORT]",
		    spec_s);
	if (sip_tp_secure(l->tp) && tls_ctx == NULL) {
		struct sip_tls_opts to = { NULL, NULL, o.cert, o.key, 0 };

		if (o.cert == NULL || o.key == NULL)
			usage_error("%s needs --cert and --key", spec_s);
		if (sip_tls_server_ctx(&tls_ctx, &to, err, sizeof err) != SIP_OK)
			die(SIP_EXIT_NET, "TLS: %s", err);
	}
	if ((e = sip_conn_listen(l->tp, &l->addr, &l->fd, err, sizeof err))
	    != SIP_OK)
		die(sip_err_exit(e) == SIP_EXIT_USAGE ? SIP_EXIT_USAGE :
		    SIP_EXIT_NET, "%s: %s", spec_s, err);
	if (l->tp == SIP_TP_UDP) {
		sip_conn_init(&l->udp);
		sip_conn_udp_server(&l->udp, l->fd);
	}
	nlis++;
}

static void
event_json(const char *event, const struct sip_msg *m, const struct sip_conn *c,
    const struct sip_sockaddr *src, int status, const char *extra_key,
    struct slice extra_val)
{
	struct jsonl l;
	struct json *j = &l.j;
	char a[SIP_NET_ADDRSTR];

	jsonl_begin(&l);
	json_kstr(j, "event", event);
	json_kstr(j, "transport", sip_tp_name(c->tp));
	json_kstr(j, "src", sip_net_str(src, a, sizeof a));
	json_kslice(j, "method", m->method);
	json_kslice(j, "ruri", m->ruri);
	json_kslice(j, "from", sip_msg_value(m, SIP_HDR_FROM));
	json_kslice(j, "to", sip_msg_value(m, SIP_HDR_TO));
	json_kslice(j, "call_id", sip_msg_value(m, SIP_HDR_CALL_ID));
	json_kint(j, "status", status);
	if (extra_key != NULL)
		json_kslice(j, extra_key, extra_val);
	jsonl_end(&l);
	fflush(stdout);
}

static int
reply_code(const struct sip_msg *m, int dflt)
{
	for (int i = 0; i < o.reply.n; i++) {
		const char *eq = strchr(o.reply.v[i], '=');

		if (eq && slice_ieq(m->method, slice_make(o.reply.v[i],
		    (size_t)(eq - o.reply.v[i]))))
			return (int)strtol(eq + 1, NULL, 10);
	}
	return dflt;
}

/* Responses are built here, one at a time: the transaction copies each. */
static struct buf resp_buf = { .max = SIP_MAX_MSG };

static void
respond(struct sip_uas_txn *t, const struct sip_msg *m,
    const struct sip_sockaddr *src, struct sip_resp_params *rp)
{
	struct buf *b = &resp_buf;
	char tag[SIP_TAG_SIZE], rcv[SIP_NET_HOST_MAX];

	buf_reset(b);
	if (sip_build_tag(tag) != SIP_OK)
		die(SIP_EXIT_NET, "%s", sip_err_str(SIP_E_RANDOM));
	rp->to_tag = tag;
	/* RFC 3261 18.2.1, RFC 3581: what the request really came from */
	if (t->conn->tp == SIP_TP_UDP) {
		rp->rport = sip_net_host(src, rcv, sizeof rcv);
		rp->received = rcv;
	}
	if (sip_build_response(b, m, rp) == SIP_OK)
		sip_uas_respond(&uas, t, b->p, b->len);
}

static const char allow_hdr[] =
    "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, MESSAGE, REGISTER, INFO";

static int
do_options(struct sip_uas_txn *t, const struct sip_msg *m,
    const struct sip_sockaddr *src)
{
	static const char *hdrs[] = { allow_hdr, "Accept: application/sdp, text/plain",
	    "Supported: path, outbound", "Server: sipbox/" SIPBOX_VERSION, NULL };
	struct sip_resp_params rp;
	int code = reply_code(m, 200);

	memset(&rp, 0, sizeof rp);
	rp.code = code;
	rp.headers = hdrs;
	respond(t, m, src, &rp);
	return code;
}

static int
do_message(struct sip_uas_txn *t, const struct sip_msg *m,
    const struct sip_sockaddr *src)
{
	struct sip_resp_params rp;
	int code = reply_code(m, 200);

	memset(&rp, 0, sizeof rp);
	rp.code = code;
	respond(t, m, src, &rp);
	if (code < 300 && !o.json && !quiet) {
		struct slice from = sip_msg_value(m, SIP_HDR_FROM);

		printf("MESSAGE from %.*s: %.*s\n", (int)from.len, from.p,
		    (int)m->body.len, m->body.p);
		fflush(stdout);
	}
	return code;
}

/* The AOR of the To header, "sip:user@host" without parameters. */
static int
to_aor(const struct sip_msg *m, char *out, size_t n)
{
	struct sip_addr a;
	struct sip_perr pe;

	if (sip_addr_parse(&a, sip_msg_value(m, SIP_HDR_TO), &pe) != SIP_OK)
		return -1;
	snprintf(out, n, "%.*s:%.*s@%.*s", (int)a.uri.scheme_s.len,
	    a.uri.scheme_s.p, (int)a.uri.user.len, a.uri.user.p,
	    (int)a.uri.host.len, a.uri.host.p);
	return 0;
}

/* RFC 3261 22.4: challenge, or check the credentials.  1 when through. */
static int
authorized(struct sip_uas_txn *t, const struct sip_msg *m,
    const struct sip_sockaddr *src, int *code)
{
	const struct sip_hdr *h;
	char nonce[SIP_DIGEST_NONCE_SIZE];
	int stale = 0;
	uint64_t now = (uint64_t)time(NULL);

	if (nusers == 0)
		return 1;
	for (h = sip_msg_hdr(m, SIP_HDR_AUTHORIZATION); h != NULL;
	    h = sip_msg_hdr_next(m, h)) {
		struct sip_auth cred;
		struct sip_perr pe;
		const char *pw;
		enum sip_err e;

		if (sip_auth_parse(&cred, h->value, &pe) != SIP_OK ||
		    !slice_ieq_cstr(cred.scheme, "Digest") ||
		    !slice_eq_cstr(cred.realm, o.realm))
			continue;
		e = sip_digest_nonce_check(cred.nonce, nonce_key,
		    sizeof nonce_key, now, (uint32_t)o.nonce_ttl);
		if (e == SIP_OK && o.nonce_ttl == 0)
			e = SIP_E_TIMEOUT;	/* genuine, but stale at once */
		if (e == SIP_E_TIMEOUT) {
			stale = 1;
			break;
		}
		if (e != SIP_OK)
			break;
		if ((pw = user_pass(cred.username)) != NULL &&
		    sip_digest_verify(&cred, "REGISTER", pw, m->body.p,
		    m->body.len) == SIP_OK) {
			/* RFC 3261 10.3 step 5: the To user must be the one
			 * who authenticated. */
			struct sip_addr to;

			if (sip_addr_parse(&to, sip_msg_value(m, SIP_HDR_TO),
			    &pe) == SIP_OK && !slice_eq(to.uri.user,
			    cred.username)) {
				struct sip_resp_params rp;

				memset(&rp, 0, sizeof rp);
				rp.code = *code = 403;
				rp.reason = "Forbidden: auth user does not match To";
				respond(t, m, src, &rp);
				return 0;
			}
			return 1;
		}
		break;
	}
	struct buf ch;
	struct sip_resp_params rp;
	const char *hdrs[2];

	sip_digest_nonce(nonce, nonce_key, sizeof nonce_key, now);
	buf_init(&ch, 4096);
	buf_adds(&ch, "WWW-Authenticate: ");
	sip_digest_challenge(&ch, o.realm, nonce, NULL, SIP_DIGEST_MD5, 0,
	    stale);
	hdrs[0] = ch.p;
	hdrs[1] = NULL;
	memset(&rp, 0, sizeof rp);
	rp.code = *code = 401;
	rp.headers = hdrs;
	respond(t, m, src, &rp);
	buf_free(&ch);
	return 0;
}

static void
expire_bindings(time_t now)
{
	for (int i = 0; i < nbind; )
		if (bind_tab[i].expires <= now)
			bind_tab[i] = bind_tab[--nbind];
		else
			i++;
}

/* RFC 3261 10.3: the registrar. */
static int
do_register(struct sip_uas_txn *t, const struct sip_msg *m,
    const struct sip_sockaddr *src)
{
	char aor[256];
	int code = reply_code(m, 200);
	time_t now = time(NULL);
	struct sip_hdr_iter it;
	struct slice val;
	uint32_t expires_hdr = 3600;
	struct sip_perr pe;
	struct sip_cseq cs;
	struct buf cl;
	int nh = 0;
	struct sip_resp_params rp;

	if (code != 200) {
		struct sip_resp_params r0;

		memset(&r0, 0, sizeof r0);
		r0.code = code;
		respond(t, m, src, &r0);
		return code;
	}
	if (!authorized(t, m, src, &code))
		return code;
	if (to_aor(m, aor, sizeof aor) != 0 ||
	    sip_field_cseq(&cs, sip_msg_value(m, SIP_HDR_CSEQ), &pe) != SIP_OK) {
		memset(&rp, 0, sizeof rp);
		rp.code = code = 400;
		respond(t, m, src, &rp);
		return code;
	}
	if (sip_msg_hdr(m, SIP_HDR_EXPIRES) != NULL)
		sip_field_number(sip_msg_value(m, SIP_HDR_EXPIRES), 0xffffffffu,
		    &expires_hdr, "Expires too large", &pe);
	expire_bindings(now);
	memset(&it, 0, sizeof it);
	while (sip_msg_values(m, SIP_HDR_CONTACT, &it, &val)) {
		struct sip_addr c;
		char curi[512];
		uint32_t exp = expires_hdr;
		int j;

		if (slice_eq_cstr(slice_trim(val), "*")) {
			/* 10.3 step 6: remove all, only with Expires: 0 */
			for (j = 0; j < nbind; )
				if (strcmp(bind_tab[j].aor, aor) == 0)
					bind_tab[j] = bind_tab[--nbind];
				else
					j++;
			continue;
		}
		if (sip_addr_parse(&c, val, &pe) != SIP_OK)
			continue;
		if (c.expires.len > 0)
			slice_to_u32(c.expires, 0xffffffffu, &exp);
		if (exp > (uint32_t)o.max_expires)
			exp = (uint32_t)o.max_expires;
		snprintf(curi, sizeof curi, "%.*s", (int)c.uri_s.len,
		    c.uri_s.p);
		for (j = 0; j < nbind; j++)
			if (strcmp(bind_tab[j].aor, aor) == 0 &&
			    strcmp(bind_tab[j].contact, curi) == 0)
				break;
		if (exp == 0) {
			if (j < nbind)
				bind_tab[j] = bind_tab[--nbind];
			continue;
		}
		if (j == nbind) {
			if (nbind == MAX_BINDINGS) {
				memset(&rp, 0, sizeof rp);
				rp.code = code = 503;
				respond(t, m, src, &rp);
				return code;
			}
			nbind++;
		}
		snprintf(bind_tab[j].aor, sizeof bind_tab[j].aor, "%s", aor);
		snprintf(bind_tab[j].contact, sizeof bind_tab[j].contact, "%s",
		    curi);
		bind_tab[j].expires = now + (time_t)exp;
		bind_tab[j].cseq = cs.num;
	}
	/* 10.3 step 8: the 200 lists every current binding of the AOR. */
	buf_init(&cl, 64 * 1024);
	for (int j = 0; j < nbind; j++)
		if (strcmp(bind_tab[j].aor, aor) == 0) {
			buf_printf(&cl, "%s<%s>;expires=%ld", nh ? ", " : "",
			    bind_tab[j].contact,
			    (long)(bind_tab[j].expires - now));
			nh++;
		}
	memset(&rp, 0, sizeof rp);
	rp.code = 200;
	rp.contact = nh ? cl.p : NULL;
	respond(t, m, src, &rp);
	buf_free(&cl);
	if (!o.json && !quiet) {
		printf("REGISTER %s: %d binding%s\n", aor, nh, nh == 1 ? "" : "s");
		fflush(stdout);
	}
	return 200;
}

static void
handle(struct sip_conn *c, const struct sip_sockaddr *src,
    const struct sip_msg *m)
{
	struct sip_uas_txn *t;
	enum sip_uas_got got;
	int code;

	if (!m->is_request)
		return;		/* a stray response: nothing to do */
	if (sip_uas_request(&uas, c, src, m, &t, &got) != SIP_OK ||
	    got != SIP_UAS_NEW)
		return;		/* no room, absorbed, or an ACK to a 2xx */
	nreq++;
	switch (m->mid) {
	case SIP_METHOD_OPTIONS:
		code = do_options(t, m, src);
		break;
	case SIP_METHOD_MESSAGE:
		code = do_message(t, m, src);
		break;
	case SIP_METHOD_REGISTER:
		code = do_register(t, m, src);
		break;
	default: {
		struct sip_resp_params rp;

		memset(&rp, 0, sizeof rp);
		rp.code = code = reply_code(m, 501);
		respond(t, m, src, &rp);
		break;
	}
	}
	if (o.json && !quiet)
		event_json("request", m, c, src, code,
		    m->mid == SIP_METHOD_MESSAGE ? "body" : NULL, m->body);
}

static void
read_conn(struct sip_conn *c, int *gone)
{
	struct sip_msg m;
	struct sip_perr pe;
	enum sip_err e;

	*gone = 0;
	if ((e = sip_conn_fill(c)) != SIP_OK) {
		if (e != SIP_E_CLOSED)
			notef("%s", c->err);
		*gone = c->tp != SIP_TP_UDP;
		return;
	}
	for (;;) {
		e = sip_conn_next(c, &m, &pe);
		if (e == SIP_E_PARTIAL)
			break;
		if (e != SIP_OK) {
			char a[SIP_NET_ADDRSTR];

			warnf("bad message from %s over %s: %s",
			    sip_net_str(&c->peer, a, sizeof a), sip_tp_name(c->tp),
			    pe.why ? pe.why : c->err);
			if (c->tp != SIP_TP_UDP) {
				*gone = 1;	/* framing is lost on a stream */
				return;
			}
			break;
		}
		trace(NULL, '<', m.buf, m.len, 0, c, &c->peer);
		handle(c, &c->peer, &m);
		if (c->tp == SIP_TP_UDP)
			break;
	}
}

static void
write_port_file(void)
{
	FILE *f;
	char a[SIP_NET_ADDRSTR], tmp[4096];

	if (o.port_file == NULL)
		return;
	/* written whole and renamed, so a reader never sees half of it */
	snprintf(tmp, sizeof tmp, "%s.tmp", o.port_file);
	if ((f = fopen(tmp, "w")) == NULL)
		die_errno(SIP_EXIT_USAGE, "%s", tmp);
	for (int i = 0; i < nlis; i++) {
		char tpl[8];
		const char *n = sip_tp_name(lis[i].tp);
		size_t k;

		for (k = 0; n[k] && k < sizeof tpl - 1; k++)
			tpl[k] = (char)(n[k] - 'A' + 'a');
		tpl[k] = '\0';
		fprintf(f, "%s %s\n", tpl, sip_net_str(&lis[i].addr, a, sizeof a));
	}
	if (fclose(f) != 0 || rename(tmp, o.port_file) != 0)
		die_errno(SIP_EXIT_USAGE, "%s", o.port_file);
}

int
sip_serve_main(int argc, char **argv)
{
	uint64_t end_at;
	struct pollfd *pf;
	int i;

	i = opt_parse(&spec, argc, argv);
	if (i != argc)
		usage_error("unexpected argument '%s'", argv[i]);
	for (int k = 0; k < o.reply.n; k++) {
		const char *eq = strchr(o.reply.v[k], '=');
		char *end = NULL;
		long code = eq ? strtol(eq + 1, &end, 10) : 0;

		if (eq == NULL || eq == o.reply.v[k] || *end != '\0' ||
		    code < 100 || code > 699)
			usage_error("bad --reply '%s': want METHOD=CODE with CODE 100-699",
			    o.reply.v[k]);
	}
	load_users();
	if (sip_rand_bytes(nonce_key, sizeof nonce_key) != SIP_OK)
		die(SIP_EXIT_NET, "nonce key: %s", sip_err_str(SIP_E_RANDOM));
	if (o.listen.n == 0)
		add_listener("udp:127.0.0.1:5060");
	for (int k = 0; k < o.listen.n; k++)
		add_listener(o.listen.v[k]);
	write_port_file();
	for (int k = 0; k < nlis; k++) {
		char a[SIP_NET_ADDRSTR];

		notef("listening on %s %s", sip_tp_name(lis[k].tp),
		    sip_net_str(&lis[k].addr, a, sizeof a));
	}
	uas.trace = trace;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	conns = xcalloc((size_t)o.max_conns, sizeof *conns);
	pf = xcalloc((size_t)(MAX_LISTEN + o.max_conns), sizeof *pf);
	end_at = o.duration > 0 ? sip_now_ms() + (uint64_t)(o.duration * 1000) : 0;
	while (!stop) {
		uint64_t now = sip_now_ms(), next = sip_uas_timers(&uas, now);
		int wait = 1000, np = 0, r;

		if (end_at && now >= end_at)
			break;
		if (next && next - now < (uint64_t)wait)
			wait = next > now ? (int)(next - now) : 0;
		if (end_at && end_at - now < (uint64_t)wait)
			wait = (int)(end_at - now);
		for (int k = 0; k < nlis; k++)
			pf[np++] = (struct pollfd){ .fd = lis[k].fd, .events = POLLIN };
		for (int k = 0; k < nconns; k++) {
			pf[np++] = (struct pollfd){ .fd = conns[k]->fd, .events = POLLIN };
			if (sip_conn_pending(conns[k]))
				wait = 0;
		}
		r = poll(pf, (nfds_t)np, wait);
		if (r < 0 && errno != EINTR)
			die_errno(SIP_EXIT_NET, "poll");
		if (r < 0)
			continue;
		for (int k = 0; k < nlis; k++) {
			struct listener *l = &lis[k];

			if (!(pf[k].revents & POLLIN))
				continue;
			if (l->tp == SIP_TP_UDP) {
				int gone;

				/* a burst of datagrams: take what is there */
				for (int n = 0; n < 64; n++) {
					read_conn(&l->udp, &gone);
					if (!l->udp.ready && n > 0)
						break;
					struct pollfd q = { .fd = l->fd, .events = POLLIN };

					if (poll(&q, 1, 0) <= 0)
						break;
				}
				continue;
			}
			struct sip_conn *c = xmalloc(sizeof *c);

			sip_conn_init(c);
			if (sip_conn_accept(c, l->fd, l->tp, tls_ctx, 3000) != SIP_OK ||
			    nconns >= o.max_conns) {
				notef("connection refused or failed: %s",
				    c->err[0] ? c->err : "too many connections");
				sip_conn_close(c);
				free(c);
				continue;
			}
			conns[nconns++] = c;
		}
		for (int k = 0; k < nconns; k++) {
			int gone = 0;
			short re = pf[nlis + k].revents;

			if (k >= np - nlis)
				break;
			if (!(re & (POLLIN | POLLHUP | POLLERR)) &&
			    !sip_conn_pending(conns[k]))
				continue;
			read_conn(conns[k], &gone);
			if (gone) {
				sip_uas_conn_gone(&uas, conns[k]);
				sip_conn_close(conns[k]);
				free(conns[k]);
				conns[k] = conns[--nconns];
				pf[nlis + k] = pf[nlis + nconns];
				k--;
			}
		}
	}
	notef("%lu requests, %lu retransmissions absorbed", nreq, uas.absorbed);
	for (int k = 0; k < nconns; k++) {
		sip_conn_close(conns[k]);
		free(conns[k]);
	}
	for (int k = 0; k < nlis; k++) {
		if (lis[k].tp == SIP_TP_UDP)
			sip_conn_close(&lis[k].udp);
		close(lis[k].fd);
	}
	free(conns);
	free(pf);
	buf_free(&resp_buf);
	sip_uas_free(&uas);
	if (tls_ctx)
		SSL_CTX_free(tls_ctx);
	for (int k = 0; k < nusers; k++) {
		explicit_bzero(users[k].pass, strlen(users[k].pass));
		free(users[k].user);
		free(users[k].pass);
	}
	return 0;
}
