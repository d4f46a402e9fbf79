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
#include "check.h"
#include "cmd.h"
#include "digest.h"
#include "field.h"
#include "json.h"
#include "loop.h"
#include "rand.h"
#include "stun.h"
#include "sdp.h"
#include "tls.h"
#include "endpoint.h"
#include "serve.h"
#include "tpset.h"

static const char *const usage[] = {
	"sip-serve [-jv] [--listen TP:ADDR:PORT]... [--users FILE] [--reply METHOD=CODE]...",
	"sip-serve --reply INVITE=180 --reply INVITE=200 --ring SECONDS",
	"sip-serve --reply INVITE=302 --contact URI...",
	NULL
};

static struct {
	struct strlist	 listen;
	struct strlist	 reply;
	struct strlist	 contacts;
	struct strlist	 service_route;
	double		 ring;
	const char	*users;
	const char	*realm;
	const char	*cert, *key;
	const char	*port_file;
	double		 duration;
	long		 max_expires;
	long		 min_expires;
	long		 nonce_ttl;
	long		 max_conns;
	long		 idle;
	int		 json;
	int		 dump_at_exit;
} o = { .realm = "sipbox", .max_expires = 3600, .ring = 5, .max_conns = 256,
    .idle = 900, .nonce_ttl = 300 };

/* What --reply completes to: the answers tests usually want. */
static const char *
reply_words(size_t i)
{
	static const char *const w[] = { "INVITE=180", "INVITE=183",
	    "INVITE=200", "INVITE=302", "INVITE=486", "INVITE=603",
	    "OPTIONS=503", "MESSAGE=480", "REGISTER=503", NULL };

	return i < sizeof w / sizeof w[0] ? w[i] : NULL;
}

/* What --listen completes to: the transports, the address to follow. */
static const char *
listen_words(size_t i)
{
	static const char *const w[] = { "udp:", "tcp:", "tls:", "sctp:",
	    "ws:", "wss:", NULL };

	return i < sizeof w / sizeof w[0] ? w[i] : NULL;
}

static const struct opt opts[] = {
	OPT_GROUP("Listening"),
	OPT_LIST('l', "listen", &o.listen, "TP:ADDR:PORT",
	    "listen on udp:, tcp:, tls:, sctp:, ws: or wss: ADDR:PORT (repeatable; default udp:127.0.0.1:5060)",
	    OPT_WORDS(listen_words)),
	OPT_FILE(0, "cert", &o.cert, "FILE", "TLS certificate chain (PEM) for tls: and wss:"),
	OPT_FILE(0, "key", &o.key, "FILE", "TLS private key (PEM)"),
	OPT_FILE(0, "port-file", &o.port_file, "FILE",
	    "write 'TP ADDR:PORT' per listener to FILE once listening"),
	OPT_DBL(0, "duration", &o.duration, "SECONDS", 0.001, 31536000,
	    "exit after this long"),
	OPT_INT(0, "max-connections", &o.max_conns, "N", 1, 65536,
	    "stream connections kept at once; past it the quietest idle one goes (default 256)"),
	OPT_INT(0, "idle-timeout", &o.idle, "SECONDS", 1, 86400,
	    "close a stream connection with no traffic for this long (default 900)"),
	OPT_GROUP("Answers"),
	OPT_FILE(0, "users", &o.users, "FILE",
	    "challenge REGISTER with digest against 'user:password' lines in FILE"),
	OPT_STR(0, "realm", &o.realm, "REALM", "digest realm (default sipbox)"),
	OPT_INT(0, "nonce-ttl", &o.nonce_ttl, "SECONDS", 0, 86400,
	    "nonces go stale after this long (default 300; 0: at once, to test stale=true)"),
	OPT_INT(0, "min-expires", &o.min_expires, "SECONDS", 1, 86400 * 365,
	    "answer a shorter registration 423 with Min-Expires (default: take any)"),
	OPT_INT(0, "max-expires", &o.max_expires, "SECONDS", 1, 86400 * 365,
	    "longest registration granted (default 3600)"),
	OPT_LIST(0, "service-route", &o.service_route, "URI",
	    "a 200 to REGISTER names this Service-Route (RFC 3608; repeatable, in order)"),
	OPT_LIST('r', "reply", &o.reply, "METHOD=CODE",
	    "answer METHOD with CODE (repeatable; e.g. INVITE=486, OPTIONS=503; a 1xx and then a final one)",
	    OPT_WORDS(reply_words)),
	OPT_DBL(0, "ring", &o.ring, "SECONDS", 0, 3600,
	    "after a 1xx --reply, send the final answer this much later (default 5)"),
	OPT_LIST(0, "contact", &o.contacts, "URI",
	    "Contact of a 3xx --reply (repeatable; a 3xx needs one)"),
	OPT_GROUP("Output"),
	OPT_FLAG('v', "verbose", &verbose, "trace every message sent and received on stderr"),
	OPT_FLAG('j', "json", &o.json, "JSON Lines events on stdout"),
	OPT_QUIET,
	OPT_FLAG(0, "dump-bindings", &o.dump_at_exit,
	    "print every registration left when exiting (as SIGUSR1 does)"),
	OPT_END
};

static const char extra[] =
"OPTIONS gets 200 with Allow and Accept; MESSAGE gets 200 and is printed;\n"
"REGISTER is kept in memory with its expiry; CANCEL and BYE end what they\n"
"name (481 when nothing matches); any other request gets 501 Not\n"
"Implemented unless --reply says otherwise.  With --reply INVITE=2xx a call\n"
"is answered with a Contact and an SDP answer (no media: every stream\n"
"declined with port 0), the 2xx resent until the ACK.  SIGUSR1 prints every\n"
"binding with the seconds it has left; SIGHUP reads --users again.  On\n"
"SIGINT or SIGTERM each reg event subscriber gets its final NOTIFY first\n"
"(4 s at most; a second signal quits at once).";

static const struct applet_spec spec = { "sip-serve", usage, opts, extra,
    EXIT_LOCAL | EXIT_NET };

#define MAX_LISTEN	16
#define MAX_BINDINGS	SERVE_MAX_BINDINGS
#define MAX_USERS	1024
#define MAX_USERS_S	"1024"
#define AOR_SIZE	SERVE_AOR_SIZE
/*
 * A 200 to REGISTER lists every binding (RFC 3261 10.3 step 8).  Over UDP
 * it must fit 1300 bytes (18.1.1's figure, below a 1500-byte MTU), and
 * to a source that did not authenticate, which may be spoofed, it is at
 * most AMP_MAX times the request; over a stream, LIST_MAX.  A list past
 * its limit is 513, never cut.
 */
#define UDP_ANSWER_MAX	1300
#define AMP_MAX		3
#define LIST_MAX	(64 * 1024)

/* "Service-Route: <uri>" lines of a 200 to REGISTER (set up in main) */
static const char **service_route;

struct listener {
	enum sip_tp		 tp;
	struct sip_sockaddr	 addr;
	const char		*spec;	/* as given, for errors */
};

static struct listener lis[MAX_LISTEN];
static int nlis;
static struct sip_loop *loop;
static struct sip_tps *tps;
static struct sip_ep ep;		/* the transactions: lib/ua/endpoint */
static SSL_CTX *tls_ctx;
struct binding bind_tab[MAX_BINDINGS];
int nbind;
static unsigned last_binding_id;	/* the reginfo contact ids */
struct user_pw {
	char	*user, *pass;
};
static struct user_pw users[MAX_USERS];
static int nusers;
/* users by name: open addressing, index + 1, 0 empty (filled at start) */
#define USER_SLOTS	(2 * MAX_USERS)
static int user_slot[USER_SLOTS];
/* bindings by AOR: chains through binding.next, index + 1, 0 ends */
#define BIND_BUCKETS	SERVE_MAX_BINDINGS
static int bind_head[BIND_BUCKETS];
static int aor_bindings(const char *aor, int out[MAX_BINDINGS]);
static unsigned char nonce_key[32];
static unsigned long nreq;

/*
 * Seconds on the loop's clock (monotonic, this turn's): the bindings'
 * times, the nonces' and the bad-message log's second.  Only the
 * difference of two is ever used (seconds left, duration-registered,
 * a nonce's age), so no wall time is needed, and the slowclock shim
 * and a fake clock (sip_clock_set) reach them as they reach the timers.
 */
time_t
serve_now(void)
{
	return (time_t)(sip_loop_now(loop) / 1000);
}

/*
 * Stopping: the reg event's subscribers are told first (RFC 6665 4.2.2),
 * each final NOTIFY answered or given up on its Timer F, at most
 * STOP_WAIT ms; a second signal quits at once.
 */
#define STOP_WAIT	4000
static int stopping;
static struct sip_timer stop_timer;

static void
stop_now(void)
{
	sip_loop_stop(loop, 0);
}

static void
stop_cap(struct sip_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	if (regevent_count() > 0)
		warnf("%d subscriber%s did not answer the final NOTIFY in "
		    "%d s", regevent_count(), regevent_count() == 1 ? "" : "s",
		    STOP_WAIT / 1000);
	stop_now();
}

static void
begin_stop(void)
{
	int n = regevent_count();

	if (stopping++ || n == 0) {
		stop_now();
		return;
	}
	notef("ending %d subscription%s to the reg event (again to quit at "
	    "once)", n, n == 1 ? "" : "s");
	sip_timer_init(&stop_timer, stop_cap, NULL);
	sip_loop_timer_in(loop, &stop_timer, STOP_WAIT);
	regevent_shutdown(stop_now);
}

static void
on_signal(struct sip_loop *l, int sig, void *arg)
{
	(void)l;
	(void)sig;
	(void)arg;
	begin_stop();
}

/* FNV-1a: the users' and the bindings' index */
static uint32_t
str_hash(const char *p, size_t n)
{
	return slice_hash_mem(SLICE_HASH0, p, n);
}

/* User i into the index, unless a user of its name came first. */
static void
user_index(int i)
{
	const char *u = users[i].user;
	uint32_t k = str_hash(u, strlen(u)) & (USER_SLOTS - 1);

	for (; user_slot[k] != 0; k = (k + 1) & (USER_SLOTS - 1))
		if (strcmp(users[user_slot[k] - 1].user, u) == 0)
			return;
	user_slot[k] = i + 1;
}

/* The users' table: u[0..n), each string its own allocation. */
static void
users_free(struct user_pw *u, int n)
{
	for (int k = 0; k < n; k++) {
		explicit_bzero(u[k].pass, strlen(u[k].pass));
		free(u[k].user);
		free(u[k].pass);
	}
}

/*
 * The --users file into u (*n of them); -1 with the reason in err when
 * it cannot be read or has a bad line (u holds nothing then).
 */
static int
users_read(struct user_pw *u, int *n, char *err, size_t errlen)
{
	char *data, *line, *save = NULL;
	size_t len;
	unsigned lineno = 0;
	const char *why = NULL;

	*n = 0;
	secret_file_check(o.users);
	if (read_file(o.users, &data, &len, 1024 * 1024) != 0) {
		snprintf(err, errlen, "%s: %s", o.users, strerror(errno));
		return -1;
	}
	for (line = strtok_r(data, "\n", &save); line != NULL && why == NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char *colon;
		size_t ln = strlen(line);

		lineno++;
		if (ln > 0 && line[ln - 1] == '\r')
			line[--ln] = '\0';
		if (ln == 0 || line[0] == '#')
			continue;
		if ((colon = strchr(line, ':')) == NULL || colon == line)
			why = "expected user:password";
		else if (colon[1] == '\0')
			why = "empty password";
		else if (*n == MAX_USERS)
			why = "more than " MAX_USERS_S " users";
		if (why != NULL)
			break;
		*colon = '\0';
		u[*n].user = xstrdup(line);
		u[*n].pass = xstrdup(colon + 1);
		(*n)++;
	}
	explicit_bzero(data, len);
	free(data);
	if (why != NULL) {
		snprintf(err, errlen, "%s:%u: %s", o.users, lineno, why);
		users_free(u, *n);
		*n = 0;
		return -1;
	}
	return 0;
}

static void
load_users(void)
{
	char err[1024];

	if (o.users == NULL)
		return;
	secret_hold();
	if (users_read(users, &nusers, err, sizeof err) != 0)
		die(SIP_EXIT_INVALID, "%s", err);
	/* an empty file (or comments only) turns digest off: say so */
	if (nusers == 0)
		warnf("%s: no users loaded (no user:password line): REGISTER "
		    "is taken without a challenge, as without --users",
		    o.users);
	for (int k = 0; k < nusers; k++)
		user_index(k);
}

static const char *
user_pass(struct slice user)
{
	uint32_t k = str_hash(user.p, user.len) & (USER_SLOTS - 1);

	for (; user_slot[k] != 0; k = (k + 1) & (USER_SLOTS - 1))
		if (slice_eq_cstr(user, users[user_slot[k] - 1].user))
			return users[user_slot[k] - 1].pass;
	return NULL;
}

static void
add_listener(const char *spec_s)
{
	static const char *const pfx[] = { "udp:", "tcp:", "tls:", "sctp:",
	    "ws:", "wss:" };
	static const enum sip_tp tpv[] = { SIP_TP_UDP, SIP_TP_TCP, SIP_TP_TLS,
	    SIP_TP_SCTP, SIP_TP_WS, SIP_TP_WSS };
	struct listener *l;
	char host[SIP_NET_HOST_MAX], err[256];
	const char *rest = NULL;
	int port;

	if (nlis == MAX_LISTEN)
		usage_error("at most %d --listen", MAX_LISTEN);
	l = &lis[nlis];
	for (size_t i = 0; i < sizeof pfx / sizeof pfx[0]; i++)
		if (strncasecmp(spec_s, pfx[i], strlen(pfx[i])) == 0) {
			l->tp = tpv[i];
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
	l->spec = spec_s;
	nlis++;
}

/* Every --listen on the set; addr gets the port bound. */
static void
open_listeners(void)
{
	char err[256];
	enum sip_err e;

	for (int k = 0; k < nlis; k++)
		if ((e = sip_tps_listen(tps, lis[k].tp, &lis[k].addr, err,
		    sizeof err)) != SIP_OK)
			die(sip_err_exit(e) == SIP_EXIT_USAGE ? SIP_EXIT_USAGE :
			    SIP_EXIT_NET, "%s: %s", lis[k].spec, err);
}

/* RFC 3261 20.10 q-value, "0.5" or "1": -1 when s is not one. */
static int
q_parse(struct slice s)
{
	int v = 0, k = 0;

	if (s.len == 0 || (s.p[0] != '0' && s.p[0] != '1'))
		return -1;
	if (s.len > 1 && (s.p[1] != '.' || s.len > 5))
		return -1;
	for (size_t i = 2; i < s.len; i++, k++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		v = v * 10 + (s.p[i] - '0');
	}
	for (; k < 3; k++)
		v *= 10;
	v += (s.p[0] - '0') * 1000;
	return v <= 1000 ? v : -1;
}

/* q in thousandths as the shortest q-value: "1", "0.5", "0.125". */
const char *
serve_q_str(int q, char out[8])
{
	int n;

	if (q >= 1000 || q <= 0)
		return q >= 1000 ? "1" : "0";
	n = snprintf(out, 8, "0.%03d", q);
	while (out[n - 1] == '0')
		out[--n] = '\0';
	return out;
}

static void
binding_json(struct json *j, const struct binding *b, time_t now)
{
	char qs[8];

	json_kstr(j, "uri", b->contact);
	json_kint(j, "expires", (int64_t)(b->expires - now));
	json_key(j, "q");
	if (b->q >= 0) {
		const char *v = serve_q_str(b->q, qs);

		json_raw(j, v, strlen(v));
	} else
		json_null(j);
	if (b->instance[0] != '\0')
		json_kstr(j, "instance", b->instance);
}

static void
event_json(const char *event, const struct sip_msg *m, const struct sip_conn *c,
    const struct sip_sockaddr *src, int status, const char *extra_key,
    struct slice extra_val, const char *aor)
{
	struct jsonl l;
	struct json *j = &l.j;
	char a[SIP_NET_ADDRSTR];

	jsonl_begin(&l);
	json_kstr(j, "type", event);
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
	if (aor != NULL) {
		time_t now = serve_now();

		json_kstr(j, "aor", aor);
		json_key(j, "contacts");
		json_arr(j);
		static int idx[MAX_BINDINGS];
		int nb = aor_bindings(aor, idx);

		for (int i = 0; i < nb; i++) {
			json_obj(j);
			binding_json(j, &bind_tab[idx[i]], now);
			json_end(j);
		}
		json_end(j);
	}
	jsonl_end(&l);
	fflush(stdout);
}

/* The first --reply code for m's method in [lo, hi], or dflt. */
static int
reply_in(const struct sip_msg *m, int lo, int hi, int dflt)
{
	for (int i = 0; i < o.reply.n; i++) {
		const char *eq = strchr(o.reply.v[i], '=');
		int code;

		if (eq == NULL || !slice_ieq(m->method, slice_make(o.reply.v[i],
		    (size_t)(eq - o.reply.v[i]))))
			continue;
		code = (int)strtol(eq + 1, NULL, 10);
		if (code >= lo && code <= hi)
			return code;
	}
	return dflt;
}

/* The final answer --reply gives m's method, or dflt. */
static int
reply_code(const struct sip_msg *m, int dflt)
{
	return reply_in(m, 200, 699, dflt);
}

/* Responses are built here, one at a time: the transaction copies each. */
static struct buf resp_buf = { .max = SIP_MAX_MSG };

/* The response rp to m, from src over c, into resp_buf: 0, or -1. */
static int
build_resp(const struct sip_conn *c, const struct sip_msg *m,
    const struct sip_sockaddr *src, struct sip_resp_params *rp)
{
	struct buf *b = &resp_buf;
	char tag[SIP_TAG_SIZE], rcv[SIP_NET_HOST_MAX];

	enum sip_err e;

	buf_reset(b);
	if (rp->to_tag == NULL) {
		if (sip_build_tag(tag) != SIP_OK)
			die(SIP_EXIT_NET, "%s", sip_err_str(SIP_E_RANDOM));
		rp->to_tag = tag;
	}
	/* RFC 3261 18.2.1, RFC 3581: what the request really came from */
	if (c->tp == SIP_TP_UDP) {
		rp->rport = sip_net_host(src, rcv, sizeof rcv);
		rp->received = rcv;
	}
	e = sip_build_response(b, m, rp);
	if (rp->to_tag == tag)
		rp->to_tag = NULL;
	rp->received = NULL;
	return e == SIP_OK ? 0 : -1;
}

/* The response rp to m in t: 0 when sent, -1 when it could not be. */
int
serve_respond(struct sip_uas_txn *t, const struct sip_msg *m,
    const struct sip_sockaddr *src, struct sip_resp_params *rp)
{
	if (build_resp(t->conn, m, src, rp) != 0)
		return -1;
	return sip_ep_respond(&ep, t, resp_buf.p, resp_buf.len,
	    sip_loop_now(loop) * 1000) == SIP_OK ? 0 : -1;
}

/*
 * A bad message that gets no answer: a warning, and a --json record, at
 * most DROP_LOG_PER_S a second, so a flood of junk does not flood the
 * log; how many were left out is said with the next one shown.
 */
#define DROP_LOG_PER_S	10

static void
log_bad(const struct sip_sockaddr *src, enum sip_tp tp, const char *why)
{
	static time_t sec;
	static unsigned shown;
	static unsigned long left_out;
	time_t now = serve_now();
	char a[SIP_NET_ADDRSTR];

	if (now != sec) {
		sec = now;
		shown = 0;
	}
	if (shown >= DROP_LOG_PER_S) {
		left_out++;
		return;
	}
	shown++;
	sip_net_str(src, a, sizeof a);
	if (left_out > 0)
		warnf("%lu more bad messages not shown", left_out);
	warnf("bad message from %s over %s: %s", a, sip_tp_name(tp), why);
	if (o.json) {
		struct jsonl l;

		jsonl_begin(&l);
		json_kstr(&l.j, "type", "bad_message");
		json_kstr(&l.j, "event", "bad_message");
		json_kstr(&l.j, "transport", sip_tp_name(tp));
		json_kstr(&l.j, "src", a);
		json_kstr(&l.j, "why", why);
		if (left_out > 0)
			json_kint(&l.j, "not_shown", (int64_t)left_out);
		jsonl_end(&l);
		fflush(stdout);
	}
	left_out = 0;
}

/*
 * The option tags sip-serve supports: none (it keeps no Path, RFC 3327,
 * and no outbound flows, RFC 5626), so it sends no Supported and a
 * Require of any tag is 420.
 */
static const char *const supported[] = { NULL };

static int
is_supported(struct slice tag)
{
	for (int i = 0; supported[i] != NULL; i++)
		if (slice_ieq_cstr(tag, supported[i]))
			return 1;
	return 0;
}

/* s, without quotes, backslashes or controls: for a quoted Warning text */
static void
put_safe(char *out, size_t n, const char *pfx, struct slice s,
    const char *sfx)
{
	size_t k = (size_t)snprintf(out, n, "%s", pfx);

	for (size_t i = 0; i < s.len && k + 1 < n; i++)
		if (s.p[i] >= ' ' && s.p[i] < 0x7f && s.p[i] != '"' &&
		    s.p[i] != '\\')
			out[k++] = s.p[i];
	if (k < n)
		snprintf(out + k, n - k, "%s", sfx);
}

/*
 * What judge()'s check parsed of the request being handled, for the
 * registrar to take instead of parsing it again; emptied once handle()
 * is done with the request.
 */
static struct sip_check_keep keep;

static void
keep_clear(void)
{
	keep.ruri_s = keep.to.s = SLICE_NULL;
	keep.ncontact = keep.nauth = 0;
}

/* Address value s of the request being handled: as the check kept it,
 * else parsed now into buf. */
static enum sip_err
addr_of(struct slice s, struct sip_addr *buf, const struct sip_addr **a)
{
	const struct sip_check_addr *k = sip_check_kept_addr(&keep, s);

	if (k != NULL) {
		*a = &k->a;
		return k->e;
	}
	*a = buf;
	return sip_addr_parse(buf, s, NULL);
}

/*
 * RFC 3261 8.2.1-8.2.2, RFC 4475: what is wrong with request m.  0 when
 * nothing is; -1 when it cannot be answered (no Via, From, To, Call-ID
 * or CSeq to copy into a response); else the code to answer, with why
 * (for a Warning) and, for 420, the Unsupported tags in unsup.
 */
static int
judge(const struct sip_msg *m, char *why, size_t n, char *unsup, size_t un)
{
	static const struct { enum sip_hdr_id id; const char *name; } need[] = {
		{ SIP_HDR_VIA, "Via" }, { SIP_HDR_FROM, "From" },
		{ SIP_HDR_TO, "To" }, { SIP_HDR_CALL_ID, "Call-ID" },
		{ SIP_HDR_CSEQ, "CSeq" } };
	struct sip_finding f[32];
	struct sip_check c;
	struct sip_uri ubuf;
	const struct sip_uri *u = &keep.ruri;
	enum sip_err e;
	struct sip_perr pe;
	struct sip_hdr_iter it;
	struct slice val, tags[16];
	unsigned nt;
	size_t k = 0;

	unsup[0] = '\0';
	keep_clear();
	for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
		if (slice_trim(sip_msg_value(m, need[i].id)).len == 0) {
			snprintf(why, n, "no %s header: no answer can be "
			    "built", need[i].name);
			return -1;
		}
	if (!slice_ieq_cstr(m->version, "SIP/2.0")) {
		put_safe(why, n, "SIP version ", m->version,
		    " is not supported");
		return 505;
	}
	sip_check_init(&c, f, sizeof f / sizeof f[0]);
	c.keep = &keep;
	if (sip_check_msg(&c, m) > 0) {
		snprintf(why, n, "malformed request");
		for (unsigned i = 0; i < c.n; i++)
			if (f[i].level == SIP_CHECK_ERROR) {
				snprintf(why, n, "%s", f[i].why);
				break;
			}
		return 400;
	}
	/* 8.2.2.1: a scheme it does not know is 416 */
	if (keep.ruri_s.p != NULL && keep.ruri_s.p == m->ruri.p &&
	    keep.ruri_s.len == m->ruri.len)
		e = keep.ruri_e;
	else {
		e = sip_uri_parse(&ubuf, m->ruri, &pe);
		u = &ubuf;
	}
	if (e == SIP_OK && u->scheme == SIP_URI_OTHER) {
		put_safe(why, n, "URI scheme '", u->scheme_s,
		    "' is not supported");
		return 416;
	}
	/* 8.2.2.3: Require naming an extension it does not support is 420 */
	if (m->mid == SIP_METHOD_CANCEL || m->mid == SIP_METHOD_ACK)
		return 0;
	memset(&it, 0, sizeof it);
	while (sip_msg_values(m, SIP_HDR_REQUIRE, &it, &val)) {
		if (sip_field_tokens(val, tags, 16, &nt, &pe) != SIP_OK) {
			snprintf(why, n, "Require is not a list of option tags");
			return 400;
		}
		for (unsigned i = 0; i < nt; i++)
			if (!is_supported(tags[i]) && k + tags[i].len + 3 < un)
				k += (size_t)snprintf(unsup + k, un - k, "%s%.*s",
				    k ? ", " : "", (int)tags[i].len, tags[i].p);
	}
	if (k > 0) {
		put_safe(why, n, "extension not supported: ", slice_cstr(unsup),
		    "");
		return 420;
	}
	return 0;
}

/*
 * Answer a request judge() found fault with: in transaction t, or with
 * t NULL statelessly (what is wrong may be what a transaction needs,
 * such as a Via of SIP/7.0).
 */
static int
answer_bad(struct sip_uas_txn *t, struct sip_conn *c, const struct sip_msg *m,
    const struct sip_sockaddr *src, int code, const char *why,
    const char *unsup)
{
	char warn[300], uns[300];
	const char *hdrs[3];
	struct sip_resp_params rp;
	struct sip_sockaddr dst;
	int h = 0;

	/* RFC 3261 20.43: 399, a miscellaneous warning, from this agent */
	snprintf(warn, sizeof warn, "Warning: 399 sipbox \"%s\"", why);
	hdrs[h++] = warn;
	if (unsup[0] != '\0') {
		snprintf(uns, sizeof uns, "Unsupported: %s", unsup);
		hdrs[h++] = uns;
	}
	hdrs[h] = NULL;
	memset(&rp, 0, sizeof rp);
	rp.code = code;
	rp.headers = hdrs;
	if (t != NULL) {
		serve_respond(t, m, src, &rp);
		return code;
	}
	if (build_resp(c, m, src, &rp) != 0)
		return 0;
	sip_uas_response_dst(m, src, &dst);
	(void)sip_tps_send_flow(tps, sip_tps_flow_of(c), &dst, resp_buf.p,
	    resp_buf.len);
	return code;
}
/* What is done (set_allow()): what OPTIONS and a 2xx to INVITE list. */
static char allow_hdr[256];

static int
do_options(struct sip_uas_txn *t, const struct sip_msg *m,
    const struct sip_sockaddr *src)
{
	static const char *hdrs[] = { allow_hdr, "Accept: application/sdp, text/plain",
	    "Allow-Events: reg", "Server: sipbox/" SIPBOX_VERSION, NULL };
	struct sip_resp_params rp;
	int code = reply_code(m, 200);

	memset(&rp, 0, sizeof rp);
	rp.code = code;
	rp.headers = hdrs;
	serve_respond(t, m, src, &rp);
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
	serve_respond(t, m, src, &rp);
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
	struct sip_addr buf;
	const struct sip_addr *a;

	if (addr_of(sip_msg_value(m, SIP_HDR_TO), &buf, &a) != SIP_OK)
		return -1;
	snprintf(out, n, "%.*s:%.*s@%.*s", (int)a->uri.scheme_s.len,
	    a->uri.scheme_s.p, (int)a->uri.user.len, a->uri.user.p,
	    (int)a->uri.host.len, a->uri.host.p);
	return 0;
}

/*
 * RFC 3261 22.4: challenge, or check the credentials.  1 when through.
 * The user who authenticated must be `user' (NULL: the To user, as 10.3
 * step 5 asks of REGISTER).
 */
int
serve_authorized(struct sip_uas_txn *t, const struct sip_msg *m,
    const struct sip_sockaddr *src, const struct slice *user, int *code)
{
	const struct sip_hdr *h;
	char nonce[SIP_DIGEST_NONCE_SIZE], meth[32];
	int stale = 0;
	uint64_t now = (uint64_t)serve_now();

	if (nusers == 0)
		return 1;
	snprintf(meth, sizeof meth, "%.*s", (int)m->method.len, m->method.p);
	for (h = sip_msg_hdr(m, SIP_HDR_AUTHORIZATION); h != NULL;
	    h = sip_msg_hdr_next(m, h)) {
		struct sip_auth buf;
		const struct sip_auth *cred = &buf;
		const struct sip_check_auth *k =
		    sip_check_kept_auth(&keep, h->value);
		const char *pw;
		enum sip_err e;

		if (k != NULL) {
			e = k->e;
			cred = &k->a;
		} else
			e = sip_auth_parse(&buf, h->value, NULL);
		if (e != SIP_OK || !slice_ieq_cstr(cred->scheme, "Digest") ||
		    !slice_eq_cstr(cred->realm, o.realm))
			continue;
		e = sip_digest_nonce_check(cred->nonce, nonce_key,
		    sizeof nonce_key, now, (uint32_t)o.nonce_ttl);
		if (e == SIP_OK && o.nonce_ttl == 0)
			e = SIP_E_TIMEOUT;	/* genuine, but stale at once */
		if (e == SIP_E_TIMEOUT) {
			stale = 1;
			break;
		}
		if (e != SIP_OK)
			break;
		if ((pw = user_pass(cred->username)) != NULL &&
		    sip_digest_verify(cred, meth, pw, m->body.p,
		    m->body.len) == SIP_OK) {
			/* RFC 3261 10.3 step 5: the To user must be the one
			 * who authenticated. */
			struct sip_addr tbuf;
			const struct sip_addr *to;

			if ((user != NULL && !slice_eq(*user, cred->username)) ||
			    (user == NULL && addr_of(sip_msg_value(m,
			    SIP_HDR_TO), &tbuf, &to) == SIP_OK &&
			    !slice_eq(to->uri.user, cred->username))) {
				struct sip_resp_params rp;

				memset(&rp, 0, sizeof rp);
				rp.code = *code = 403;
				rp.reason = user != NULL ? "Forbidden: auth "
				    "user does not match the AOR" :
				    "Forbidden: auth user does not match To";
				serve_respond(t, m, src, &rp);
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
	serve_respond(t, m, src, &rp);
	buf_free(&ch);
	return 0;
}

static void
bind_link(int i)
{
	int *head = &bind_head[bind_tab[i].hash & (BIND_BUCKETS - 1)];

	bind_tab[i].next = *head;
	*head = i + 1;
}

static void
bind_unlink(int i)
{
	int *p = &bind_head[bind_tab[i].hash & (BIND_BUCKETS - 1)];

	while (*p != i + 1)
		p = &bind_tab[*p - 1].next;
	*p = bind_tab[i].next;
}

/*
 * The bindings of aor, in table order (the order the 200 lists them in,
 * as before the index), into out; how many.
 */
static int
aor_bindings(const char *aor, int out[MAX_BINDINGS])
{
	uint32_t h = str_hash(aor, strlen(aor));
	int n = 0;

	for (int k = bind_head[h & (BIND_BUCKETS - 1)]; k != 0;
	    k = bind_tab[k - 1].next)
		if (bind_tab[k - 1].hash == h &&
		    strcmp(bind_tab[k - 1].aor, aor) == 0) {
			int j = n++;

			for (; j > 0 && out[j - 1] > k - 1; j--)
				out[j] = out[j - 1];
			out[j] = k - 1;
		}
	return n;
}

/* Binding i is gone by event ev (RFC 3680 4.7.1): said, then removed. */
static void
unbind(int i, enum sip_reginfo_event ev, time_t now)
{
	int last = --nbind;

	regevent_changed(&bind_tab[i], ev, now);
	bind_unlink(i);
	if (i != last) {
		bind_unlink(last);
		bind_tab[i] = bind_tab[last];
		bind_link(i);
	}
}

/*
 * The bindings of aor that are past their time (all with all set) go,
 * by event ev, lowest first as a sweep of the table would take them.
 */
static void
unbind_aor(const char *aor, time_t now, int all, enum sip_reginfo_event ev)
{
	static int idx[MAX_BINDINGS];

	for (;;) {
		int n = aor_bindings(aor, idx), k = 0;

		while (k < n && !all && bind_tab[idx[k]].expires > now)
			k++;
		if (k == n)
			return;
		unbind(idx[k], ev, now);
	}
}

static void
expire_bindings(time_t now)
{
	for (int i = 0; i < nbind; )
		if (bind_tab[i].expires <= now)
			unbind(i, SIP_REGINFO_EV_EXPIRED, now);
		else
			i++;
}

/*
 * With a subscription to the reg event a binding's expiry is news
 * (RFC 3680 4.7.1): a timer removes each at its time.  Without one they
 * go when the next REGISTER looks, as before.
 */
static struct sip_timer expiry_timer;
static void arm_expiry(void);

static void
on_expiry(struct sip_timer *tm, void *arg)
{
	(void)tm;
	(void)arg;
	expire_bindings(serve_now());
	arm_expiry();
}

static void
arm_expiry(void)
{
	time_t first = 0;

	sip_loop_timer_stop(loop, &expiry_timer);
	if (regevent_count() == 0)
		return;
	for (int i = 0; i < nbind; i++)
		if (i == 0 || bind_tab[i].expires < first)
			first = bind_tab[i].expires;
	/* serve_now() reaches first on the loop's ms clock at first * 1000 */
	if (nbind > 0)
		sip_loop_timer_at(loop, &expiry_timer, (uint64_t)first * 1000);
}

/* The +sip.instance of contact c, unquoted, into out ("" when none). */
static void
instance_of(const struct sip_addr *c, char *out, size_t n)
{
	const struct sip_param *p = sip_param_find(&c->params, "+sip.instance");
	struct slice v;

	out[0] = '\0';
	if (p == NULL)
		return;
	v = slice_trim(p->value);
	if (v.len >= 2 && v.p[0] == '"' && v.p[v.len - 1] == '"')
		v = slice_make(v.p + 1, v.len - 2);
	if (v.len < n)
		snprintf(out, n, "%.*s", (int)v.len, v.p);
}

/* A binding as a Contact value: <uri>;expires=N[;q=Q][;+sip.instance=..] */
static void
binding_contact(struct buf *b, const struct binding *bd, time_t now)
{
	char qs[8];

	buf_printf(b, "<%s>;expires=%ld", bd->contact, (long)(bd->expires - now));
	if (bd->q >= 0)
		buf_printf(b, ";q=%s", serve_q_str(bd->q, qs));
	if (bd->instance[0] != '\0')
		buf_printf(b, ";+sip.instance=\"%s\"", bd->instance);
}

/*
 * At most the size of the 200 to REGISTER m for aor: what a response
 * copies of m (less than m) and adds, every binding the AOR has now, and
 * each Contact of m at its largest as a new one.
 */
static size_t
answer_size(const struct sip_msg *m, const char *aor, time_t now)
{
	struct sip_hdr_iter it;
	struct slice val;
	struct buf b;
	size_t n = m->len + 160;

	static int idx[MAX_BINDINGS];
	int nb = aor_bindings(aor, idx);

	buf_init(&b, LIST_MAX);
	for (int k = 0; k < nb; k++) {
		buf_reset(&b);
		binding_contact(&b, &bind_tab[idx[k]], now);
		n += b.len + 2;
	}
	buf_free(&b);
	memset(&it, 0, sizeof it);
	while (sip_msg_values(m, SIP_HDR_CONTACT, &it, &val))
		n += val.len + 64;	/* ;expires=N;q=0.xxx and quotes */
	return n;
}

/* Answer m in t with code and one header line h (or NULL); the code. */
static int
refuse(struct sip_uas_txn *t, const struct sip_msg *m,
    const struct sip_sockaddr *src, int code, const char *h)
{
	const char *hdrs[2] = { h, NULL };
	struct sip_resp_params rp;

	memset(&rp, 0, sizeof rp);
	rp.code = code;
	rp.headers = hdrs;
	serve_respond(t, m, src, &rp);
	return code;
}

/* RFC 3261 10.3: the registrar.  On 200 the AOR is left in aor. */
static int
do_register(struct sip_uas_txn *t, const struct sip_msg *m,
    const struct sip_sockaddr *src, char aor[AOR_SIZE])
{
	int code = reply_code(m, 200);
	time_t now = serve_now();
	struct sip_hdr_iter it;
	struct slice val;
	uint32_t expires_hdr = 3600;
	struct sip_perr pe;
	struct sip_cseq cs;
	struct buf cl;
	int nh = 0, authed, nb;
	static int idx[MAX_BINDINGS];
	uint32_t ah;
	size_t limit;
	struct sip_resp_params rp;

	if (code != 200) {
		struct sip_resp_params r0;

		memset(&r0, 0, sizeof r0);
		r0.code = code;
		serve_respond(t, m, src, &r0);
		return code;
	}
	/* stopping: what it would bind goes with the process */
	if (stopping)
		return refuse(t, m, src, 503, "Warning: 399 sipbox "
		    "\"shutting down\"");
	if (!serve_authorized(t, m, src, NULL, &code))
		return code;
	authed = nusers > 0;
	if (to_aor(m, aor, AOR_SIZE) != 0 ||
	    sip_field_cseq(&cs, sip_msg_value(m, SIP_HDR_CSEQ), &pe) != SIP_OK) {
		memset(&rp, 0, sizeof rp);
		rp.code = code = 400;
		serve_respond(t, m, src, &rp);
		return code;
	}
	ah = str_hash(aor, strlen(aor));
	if (sip_msg_hdr(m, SIP_HDR_EXPIRES) != NULL)
		sip_field_number(sip_msg_value(m, SIP_HDR_EXPIRES), 0xffffffffu,
		    &expires_hdr, "Expires too large", &pe);
	/* 10.3 step 6: "*" only alone and with Expires: 0, else 400 */
	int star = 0, ncontacts = 0;

	memset(&it, 0, sizeof it);
	while (sip_msg_values(m, SIP_HDR_CONTACT, &it, &val)) {
		ncontacts++;
		star |= slice_eq_cstr(slice_trim(val), "*");
	}
	if (star && (ncontacts > 1 || sip_msg_hdr(m, SIP_HDR_EXPIRES) ==
	    NULL || expires_hdr != 0))
		return refuse(t, m, src, 400, "Warning: 399 sipbox "
		    "\"Contact: * needs Expires: 0 and no other Contact\"");
	/* 10.3 step 7: too brief is 423 before any binding changes */
	memset(&it, 0, sizeof it);
	while (o.min_expires > 0 && !star &&
	    sip_msg_values(m, SIP_HDR_CONTACT, &it, &val)) {
		struct sip_addr cbuf;
		const struct sip_addr *c;
		uint32_t exp = expires_hdr;
		char me[40];
		const char *w[2] = { me, NULL };

		if (addr_of(val, &cbuf, &c) != SIP_OK)
			continue;
		if (c->expires.len > 0)
			slice_to_u32(c->expires, 0xffffffffu, &exp);
		if (exp == 0 || exp >= (uint32_t)o.min_expires)
			continue;
		snprintf(me, sizeof me, "Min-Expires: %ld", o.min_expires);
		memset(&rp, 0, sizeof rp);
		rp.code = code = 423;
		rp.headers = w;
		serve_respond(t, m, src, &rp);
		return code;
	}
	/* only this AOR's: the others wait for their own REGISTER, the
	 * expiry timer (with a reg-event subscription) or a full table */
	unbind_aor(aor, now, 0, SIP_REGINFO_EV_EXPIRED);
	limit = LIST_MAX;
	if (t->conn->tp == SIP_TP_UDP) {
		limit = UDP_ANSWER_MAX;
		if (!authed && AMP_MAX * m->len < limit)
			limit = AMP_MAX * m->len;
	}
	if (!star && answer_size(m, aor, now) > limit)
		return refuse(t, m, src, 513, "Warning: 399 sipbox "
		    "\"the bindings do not fit this transport's answer: "
		    "use TCP\"");
	memset(&it, 0, sizeof it);
	while (sip_msg_values(m, SIP_HDR_CONTACT, &it, &val)) {
		struct sip_addr cbuf;
		const struct sip_addr *c;
		char curi[512];
		uint32_t exp = expires_hdr;
		int j, fresh;
		struct slice cid = sip_msg_value(m, SIP_HDR_CALL_ID);

		if (slice_eq_cstr(slice_trim(val), "*")) {
			/* 10.3 step 6: remove all (Expires: 0, checked above) */
			unbind_aor(aor, now, 1, SIP_REGINFO_EV_UNREGISTERED);
			continue;
		}
		if (addr_of(val, &cbuf, &c) != SIP_OK)
			continue;
		if (c->expires.len > 0)
			slice_to_u32(c->expires, 0xffffffffu, &exp);
		if (exp > (uint32_t)o.max_expires)
			exp = (uint32_t)o.max_expires;
		snprintf(curi, sizeof curi, "%.*s", (int)c->uri_s.len,
		    c->uri_s.p);
		for (j = bind_head[ah & (BIND_BUCKETS - 1)]; j != 0;
		    j = bind_tab[j - 1].next)
			if (bind_tab[j - 1].hash == ah &&
			    strcmp(bind_tab[j - 1].aor, aor) == 0 &&
			    strcmp(bind_tab[j - 1].contact, curi) == 0)
				break;
		j = j != 0 ? j - 1 : nbind;
		if (exp == 0) {
			if (j < nbind)
				unbind(j, SIP_REGINFO_EV_UNREGISTERED, now);
			continue;
		}
		if ((fresh = j == nbind)) {
			/* a full table first drops every binding past its
			 * time, as a sweep on each REGISTER did */
			if (nbind == MAX_BINDINGS)
				expire_bindings(now);
			if (nbind == MAX_BINDINGS) {
				memset(&rp, 0, sizeof rp);
				rp.code = code = 503;
				serve_respond(t, m, src, &rp);
				return code;
			}
			j = nbind++;
			bind_tab[j].since = now;
			bind_tab[j].id = ++last_binding_id;
			snprintf(bind_tab[j].aor, sizeof bind_tab[j].aor,
			    "%s", aor);
			bind_tab[j].hash = ah;
			bind_link(j);
		}
		snprintf(bind_tab[j].contact, sizeof bind_tab[j].contact, "%s",
		    curi);
		bind_tab[j].q = q_parse(slice_trim(c->q));
		instance_of(c, bind_tab[j].instance,
		    sizeof bind_tab[j].instance);
		bind_tab[j].expires = now + (time_t)exp;
		bind_tab[j].cseq = cs.num;
		snprintf(bind_tab[j].callid, sizeof bind_tab[j].callid,
		    "%.*s", (int)cid.len, cid.p);
		regevent_changed(&bind_tab[j], fresh ?
		    SIP_REGINFO_EV_REGISTERED : SIP_REGINFO_EV_REFRESHED, now);
	}
	/* 10.3 step 8: the 200 lists every current binding of the AOR. */
	buf_init(&cl, LIST_MAX);
	nb = aor_bindings(aor, idx);
	for (int k = 0; k < nb; k++) {
		if (nh++ > 0)
			buf_adds(&cl, ", ");
		binding_contact(&cl, &bind_tab[idx[k]], now);
	}
	memset(&rp, 0, sizeof rp);
	rp.code = 200;
	rp.contact = nh ? cl.p : NULL;
	rp.headers = service_route;
	serve_respond(t, m, src, &rp);
	/* the event line lists what the 200 lists */
	if (!o.json && !quiet) {
		printf("REGISTER %s: %d binding%s%s%s\n", aor, nh,
		    nh == 1 ? "" : "s", nh ? ": " : "", nh ? cl.p : "");
		fflush(stdout);
	}
	buf_free(&cl);
	return 200;
}

/*
 * Calls: the dialogs of INVITEs answered 2xx (RFC 3261 12.1.1), until
 * their BYE.  At MAX_CALLS the oldest is forgotten (its BYE gets 481).
 */
#define MAX_CALLS	1024
static struct sip_dialog *calls[MAX_CALLS];	/* oldest first */
static int ncalls;

/* The call request m is within (Call-ID and tags), or -1. */
static int
call_find(const struct sip_msg *m)
{
	for (int i = 0; i < ncalls; i++)
		if (sip_dialog_match(calls[i], m))
			return i;
	return -1;
}

static void
call_end(int i)
{
	sip_dialog_free(calls[i]);
	memmove(&calls[i], &calls[i + 1], (size_t)(ncalls - i - 1) *
	    sizeof calls[0]);
	ncalls--;
}

/* The dialog INVITE m makes with our 2xx carrying To tag tag. */
static void
call_add(const struct sip_msg *m, const char *tag)
{
	struct sip_dialog *d;

	if (sip_dialog_new_uas(&d, m, tag, 1) != SIP_OK)
		return;
	if (ncalls == MAX_CALLS)
		call_end(0);
	calls[ncalls++] = d;
}

/*
 * Our Contact for a dialog m opens over tp at local (RFC 3261 12.1.1):
 * a sips URI when the Request-URI is one, the transport named unless
 * it is UDP.
 */
void
serve_contact_of(const struct sip_msg *m, enum sip_tp tp,
    const struct sip_sockaddr *local, char *out, size_t n)
{
	char a[SIP_NET_ADDRSTR], tpl[8];
	const char *name = sip_tp_name(tp);
	size_t k;

	for (k = 0; name[k] != '\0' && k < sizeof tpl - 1; k++)
		tpl[k] = (char)(name[k] >= 'A' && name[k] <= 'Z' ?
		    name[k] - 'A' + 'a' : name[k]);
	tpl[k] = '\0';
	snprintf(out, n, "<%s:sipbox@%s%s%s>",
	    slice_ihas_prefix(m->ruri, "sips:") ? "sips" : "sip",
	    sip_net_str(local, a, sizeof a), tp == SIP_TP_UDP ? "" :
	    ";transport=", tp == SIP_TP_UDP ? "" : tpl);
}

/*
 * The session description of a 2xx to INVITE m (RFC 3264): the answer
 * to its offer, or an offer when it had none.  sip-serve sends no media,
 * so each offered stream is declined with port 0 (RFC 3264 6), and its
 * own offer has one audio stream at port 0.  0, or the code to answer
 * instead: 415 for a body that is not SDP, 488 for an offer that does
 * not parse.
 */
static int
session_body(const struct sip_msg *m, const struct sip_sockaddr *local,
    struct buf *out)
{
	struct sdp_local l;
	struct slice ct;
	char host[SIP_NET_HOST_MAX];
	enum sip_err e;

	sip_net_host(local, host, sizeof host);
	memset(&l, 0, sizeof l);
	l.user = "sipbox";
	l.sess_id = sip_loop_now(loop);
	l.sess_version = 1;
	l.addr = host;
	ct = slice_trim(sip_msg_value(m, SIP_HDR_CONTENT_TYPE));
	if (m->body.len > 0 && !slice_ihas_prefix(ct, "application/sdp"))
		return 415;
	e = sdp_build_nomedia(out, m->body.p, m->body.len, &l);
	if (e == SIP_OK)
		return 0;
	return m->body.len == 0 ? 500 : 488;
}

/* The --contact URIs of a 3xx, "<a>, <b>" (set up in main). */
static char *redirect_to;

/*
 * The final answer code to request m in t, with To tag tag (NULL: a
 * new one; a request with a To tag keeps its own).  A 2xx to INVITE
 * opens a call: Contact, Allow and the session description (12.1.1,
 * 13.3.1.4); a 3xx carries the --contact URIs (RFC 3261 21.3).  Returns
 * the code sent.
 */
static int
answer_final(struct sip_uas_txn *t, const struct sip_msg *m,
    const struct sip_sockaddr *src, const struct sip_sockaddr *local,
    int code, const char *tag)
{
	static const char *const accept415[] = {
	    "Accept: application/sdp", NULL };
	static const char *hdrs[] = { allow_hdr, NULL };
	struct sip_resp_params rp;
	struct buf body;
	char contact[SIP_NET_ADDRSTR + 64], newtag[SIP_TAG_SIZE];
	int bad;

	memset(&rp, 0, sizeof rp);
	rp.code = code;
	rp.to_tag = tag;
	if (code >= 300 && code < 400)
		rp.contact = redirect_to;
	if (m->mid != SIP_METHOD_INVITE || code >= 300) {
		serve_respond(t, m, src, &rp);
		return code;
	}
	buf_init(&body, 8192);
	if ((bad = session_body(m, local, &body)) != 0) {
		rp.code = code = bad;
		rp.headers = bad == 415 ? accept415 : NULL;
		serve_respond(t, m, src, &rp);
		buf_free(&body);
		return code;
	}
	if (tag == NULL) {
		if (sip_build_tag(newtag) != SIP_OK)
			die(SIP_EXIT_NET, "%s", sip_err_str(SIP_E_RANDOM));
		rp.to_tag = tag = newtag;
	}
	serve_contact_of(m, t->conn->tp, local, contact, sizeof contact);
	rp.contact = contact;
	rp.headers = hdrs;
	rp.content_type = "application/sdp";
	rp.body = body.p;
	rp.body_len = body.len;
	if (serve_respond(t, m, src, &rp) == 0 && code < 300 &&
	    sip_field_hparam(sip_msg_value(m, SIP_HDR_TO), "tag").len == 0)
		call_add(m, tag);	/* a re-INVITE's call is there */
	buf_free(&body);
	return code;
}

/*
 * A request answered with a 1xx by --reply rings: the final answer
 * (--reply's, else 480) follows --ring seconds later, with the same To
 * tag, unless a CANCEL ended the transaction first (RFC 3261 9.2).
 */
#define MAX_RINGS	256

struct ring {
	struct sip_uas_txn	*t;
	uint32_t		 gen;	/* t's, to see it was not reused */
	struct sip_sockaddr	 src, local;
	char			 tag[SIP_TAG_SIZE];
	struct sip_timer	 timer;
	int			 used;
};
static struct ring rings[MAX_RINGS];

static void
ring_due(struct sip_timer *tm, void *arg)
{
	struct ring *r = arg;
	struct sip_uas_txn *t = r->t;
	struct sip_msg m;
	struct buf req;
	int code;

	(void)tm;
	r->used = 0;
	if (!t->used || t->gen != r->gen ||
	    t->txn.state != SIP_TXN_PROCEEDING)
		return;		/* cancelled, or gone */
	/*
	 * A copy: once answered the transaction keeps only the request's
	 * head, and the call and the event are made from it after that.
	 */
	buf_init(&req, SIP_MAX_MSG);
	if (buf_add(&req, t->txn.req.p, t->txn.req.len) == SIP_OK &&
	    sip_msg_parse(&m, req.p, req.len, SIP_PARSE_LENIENT, NULL) ==
	    SIP_OK) {
		code = answer_final(t, &m, &r->src, &r->local,
		    reply_code(&m, 480), r->tag);
		if (o.json && !quiet)
			event_json("answer", &m, t->conn, &r->src, code, NULL,
			    SLICE_NULL, NULL);
	}
	buf_free(&req);
}

/* Send the 1xx code to m in t and set its final answer to follow. */
static int
ring(struct sip_uas_txn *t, const struct sip_msg *m,
    const struct sip_ep_rx *rx, int code)
{
	struct sip_resp_params rp;
	char contact[SIP_NET_ADDRSTR + 64];
	struct ring *r = NULL;

	for (int i = 0; i < MAX_RINGS && r == NULL; i++)
		if (!rings[i].used)
			r = &rings[i];
	if (r == NULL)		/* too many ringing: answer at once */
		return answer_final(t, m, &rx->src, &rx->local,
		    reply_code(m, 480), NULL);
	if (sip_build_tag(r->tag) != SIP_OK)
		die(SIP_EXIT_NET, "%s", sip_err_str(SIP_E_RANDOM));
	memset(&rp, 0, sizeof rp);
	rp.code = code;
	rp.to_tag = r->tag;
	if (m->mid == SIP_METHOD_INVITE && code > 100) {
		/* 12.1.1: a 1xx with a To tag makes an early dialog */
		serve_contact_of(m, rx->tp, &rx->local, contact, sizeof contact);
		rp.contact = contact;
	}
	if (serve_respond(t, m, &rx->src, &rp) != 0)
		return code;
	r->t = t;
	r->gen = t->gen;
	r->src = rx->src;
	r->local = rx->local;
	r->used = 1;
	sip_timer_init(&r->timer, ring_due, r);
	sip_loop_timer_in(loop, &r->timer, (uint64_t)(o.ring * 1000));
	return code;
}

/* RFC 3261 15.1.2: a BYE ends its call with 200; 481 without one. */
static int
do_bye(struct sip_uas_txn *t, const struct sip_msg *m,
    const struct sip_sockaddr *src)
{
	struct sip_resp_params rp;
	int i = call_find(m);

	memset(&rp, 0, sizeof rp);
	rp.code = reply_code(m, i < 0 ? 481 : 200);
	/* 12.2.2: a CSeq lower than the last one is 500 */
	if (i >= 0 && sip_dialog_take_request(calls[i], m) != SIP_OK)
		rp.code = 500;
	if (i >= 0 && rp.code < 300)
		call_end(i);
	serve_respond(t, m, src, &rp);
	return rp.code;
}

/*
 * INVITE: --reply's answer (501 without one).  One with a To tag is
 * for a call (a re-INVITE): 481 when there is none (12.2.2).
 */
static int
do_invite(struct sip_uas_txn *t, const struct sip_msg *m,
    const struct sip_ep_rx *rx)
{
	if (reply_code(m, 0) != 0 &&
	    sip_field_hparam(sip_msg_value(m, SIP_HDR_TO), "tag").len > 0) {
		int i = call_find(m);
		struct sip_resp_params rp;

		memset(&rp, 0, sizeof rp);
		rp.code = i < 0 ? 481 : 500;
		if (i >= 0 && sip_dialog_take_request(calls[i], m) == SIP_OK)
			return answer_final(t, m, &rx->src, &rx->local,
			    reply_code(m, 501), NULL);
		serve_respond(t, m, &rx->src, &rp);
		return rp.code;
	}
	return answer_final(t, m, &rx->src, &rx->local, reply_code(m, 501),
	    NULL);
}

/*
 * What on_recv() found wrong with the request it hands the endpoint:
 * judge() runs once, and the request callback reads its verdict here.
 */
static struct {
	int	 bad;
	char	 why[256], unsup[256];
} cur;

/* The endpoint's request callback: a new request in transaction t. */
static void
on_request(void *arg, struct sip_ep *e, struct sip_uas_txn *t,
    const struct sip_msg *m, const struct sip_ep_rx *rx)
{
	char aor[AOR_SIZE] = "";
	int code, prov;

	(void)arg;
	(void)e;
	nreq++;
	if (cur.bad > 0)
		code = answer_bad(t, t->conn, m, &rx->src, cur.bad, cur.why,
		    cur.unsup);
	else if ((prov = reply_in(m, 100, 199, 0)) != 0 &&
	    sip_field_hparam(sip_msg_value(m, SIP_HDR_TO), "tag").len == 0)
		code = ring(t, m, rx, prov);
	else switch (m->mid) {
	case SIP_METHOD_INVITE:
		code = do_invite(t, m, rx);
		break;
	case SIP_METHOD_BYE:
		code = do_bye(t, m, &rx->src);
		break;
	case SIP_METHOD_OPTIONS:
		code = do_options(t, m, &rx->src);
		break;
	case SIP_METHOD_MESSAGE:
		code = do_message(t, m, &rx->src);
		break;
	case SIP_METHOD_REGISTER:
		code = do_register(t, m, &rx->src, aor);
		arm_expiry();
		break;
	case SIP_METHOD_SUBSCRIBE:
		/* RFC 3680: the reg event, unless --reply says otherwise */
		if (reply_code(m, 0) != 0)
			code = answer_final(t, m, &rx->src, &rx->local,
			    reply_code(m, 0), NULL);
		else {
			/* what REGISTERs left past its time goes before a
			 * subscriber could hear of it (without one it went
			 * unheard at the next REGISTER) */
			if (regevent_count() == 0)
				expire_bindings(serve_now());
			code = regevent_subscribe(t, m, rx);
			arm_expiry();
		}
		break;
	default:
		code = answer_final(t, m, &rx->src, &rx->local,
		    reply_code(m, 501), NULL);
		break;
	}
	if (o.json && !quiet)
		event_json("request", m, t->conn, &rx->src, code,
		    cur.bad > 0 ? "warning" : m->mid == SIP_METHOD_MESSAGE ?
		    "body" : NULL, cur.bad > 0 ? slice_cstr(cur.why) : m->body,
		    code == 200 && aor[0] ? aor : NULL);
}

/*
 * A request goes to the endpoint, which absorbs retransmissions, answers
 * CANCEL (RFC 3261 9.2) and hands new requests to on_request().  What
 * judge() finds no answer for is dropped first; a request the endpoint
 * cannot keep a transaction for is answered statelessly.
 */
static void
handle(struct sip_tps *s, const struct sip_tps_rx *rx)
{
	const struct sip_msg *m = rx->msg;
	struct sip_conn *c = sip_tps_conn(rx->flow);
	unsigned long refused = ep.refused, absorbed = ep.uas.absorbed;
	int code, matched = 0;

	if (!m->is_request) {
		sip_ep_tps_recv(s, rx, &ep);	/* a response: the UAC's */
		return;
	}
	/* an ACK is never answered; drop only what no answer can be built for */
	cur.bad = judge(m, cur.why, sizeof cur.why, cur.unsup,
	    sizeof cur.unsup);
	if (cur.bad < 0 || (cur.bad > 0 && m->mid == SIP_METHOD_ACK)) {
		log_bad(rx->src, rx->tp, cur.why);
		return;
	}
	if (m->mid == SIP_METHOD_CANCEL)
		matched = sip_uas_cancelled(&ep.uas, c, m) != NULL;
	sip_ep_tps_recv(s, rx, &ep);
	if (ep.refused != refused) {
		/* no room, or a request its transaction cannot key */
		if (cur.bad > 0 && (code = answer_bad(NULL, c, m, rx->src,
		    cur.bad, cur.why, cur.unsup)) > 0 && o.json && !quiet)
			event_json("request", m, c, rx->src, code, "warning",
			    slice_cstr(cur.why), NULL);
		return;
	}
	/* the endpoint answered a new CANCEL itself: 200, or 481 */
	if (m->mid == SIP_METHOD_CANCEL && ep.uas.absorbed == absorbed) {
		nreq++;
		if (o.json && !quiet)
			event_json("request", m, c, rx->src, matched ? 200 : 481,
			    NULL, SLICE_NULL, NULL);
	}
}

/*
 * Every binding with the seconds it has left: a table under a header
 * line, or with --json a record each and one with the count.
 */
static void
dump_bindings(void)
{
	time_t now;
	char qs[8];

	sip_loop_update(loop);	/* at exit the last turn may be long past */
	now = serve_now();
	expire_bindings(now);
	if (!o.json)
		printf("AOR\tCONTACT\tEXPIRES\tQ\tINSTANCE\n");
	for (int i = 0; i < nbind; i++) {
		const struct binding *b = &bind_tab[i];
		struct jsonl l;

		if (!o.json) {
			printf("%s\t%s\t%ld\t%s\t%s\n", b->aor, b->contact,
			    (long)(b->expires - now),
			    b->q >= 0 ? serve_q_str(b->q, qs) : "-",
			    b->instance[0] ? b->instance : "-");
			continue;
		}
		jsonl_begin(&l);
		json_kstr(&l.j, "type", "binding");
		json_kstr(&l.j, "event", "binding");
		json_kstr(&l.j, "aor", b->aor);
		binding_json(&l.j, b, now);
		jsonl_end(&l);
	}
	if (o.json) {
		struct jsonl l;

		jsonl_begin(&l);
		json_kstr(&l.j, "type", "bindings");
		json_kstr(&l.j, "event", "bindings");
		json_kint(&l.j, "count", nbind);
		jsonl_end(&l);
	}
	fflush(stdout);
}

/* SIGUSR1, delivered by the loop (not in a handler): print them all. */
static void
on_dump(struct sip_loop *l, int sig, void *arg)
{
	(void)l;
	(void)sig;
	(void)arg;
	dump_bindings();
}

/*
 * RFC 5626 8: a registrar that supports outbound answers STUN Binding
 * requests on its SIP UDP ports (the clients' keep-alives).
 */
static int
answer_stun(const struct sip_tps_rx *rx)
{
	struct sip_stun req;
	struct buf b;

	if (rx->tp != SIP_TP_UDP || !sip_stun_is(rx->data, rx->len) ||
	    sip_stun_parse(&req, rx->data, rx->len) != SIP_OK)
		return 0;
	buf_init(&b, 512);
	if (sip_stun_response(&b, &req, rx->src) == SIP_OK)
		(void)sip_tps_send_flow(tps, rx->flow, rx->src, b.p, b.len);
	buf_free(&b);
	return 1;
}

static void
on_recv(struct sip_tps *s, const struct sip_tps_rx *rx, void *arg)
{
	(void)s;
	(void)arg;
	if (rx->msg == NULL) {
		if (answer_stun(rx))
			return;
		log_bad(rx->src, rx->tp, rx->why);
		return;
	}
	handle(s, rx);
	keep_clear();	/* its slices are m's, which goes now */
}

static void
on_closed(struct sip_tps *s, struct sip_tps_flow *f, enum sip_tps_why why,
    const char *detail, void *arg)
{
	char a[SIP_NET_ADDRSTR];

	(void)arg;
	sip_ep_tps_closed(s, f, why, detail, &ep);
	sip_net_str(sip_tps_peer(f), a, sizeof a);
	if (why == SIP_TPS_BADMSG)
		warnf("bad message from %s over %s: %s", a,
		    sip_tp_name(sip_tps_tp(f)), detail);
	else if (why != SIP_TPS_LOCAL && detail[0] != '\0')
		notef("%s %s: %s", sip_tp_name(sip_tps_tp(f)), a, detail);
}

/*
 * Connections refused (no descriptor left, or --max-connections with
 * none idle) are counted and said at most once a second, with --json a
 * record too: a flood of them does not flood the log.
 */
static unsigned long refused_now[SIP_TPS_NREF];
static struct sip_timer refused_timer;
static const char *const refused_why[SIP_TPS_NREF] = {
	[SIP_TPS_REF_FULL] = "--max-connections open, none idle",
	[SIP_TPS_REF_FDS] = "too many open files",
};

static void
refused_say(struct sip_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	for (int w = 0; w < SIP_TPS_NREF; w++) {
		struct jsonl l;

		if (refused_now[w] == 0)
			continue;
		warnf("%lu connection%s refused in the last second: %s",
		    refused_now[w], refused_now[w] == 1 ? "" : "s",
		    refused_why[w]);
		if (o.json && !quiet) {
			jsonl_begin(&l);
			json_kstr(&l.j, "type", "refused");
			json_kstr(&l.j, "event", "refused");
			json_kint(&l.j, "count", (int64_t)refused_now[w]);
			json_kstr(&l.j, "why", refused_why[w]);
			jsonl_end(&l);
			fflush(stdout);
		}
		refused_now[w] = 0;
	}
}

static void
on_refused(struct sip_tps *s, enum sip_tps_refusal why, void *arg)
{
	(void)s;
	(void)arg;
	refused_now[why]++;
	if (!sip_timer_armed(&refused_timer))
		sip_loop_timer_in(loop, &refused_timer, 1000);
}

/* 1 when the user part of aor ("sip:user@host") is user. */
static int
aor_of_user(const char *aor, const char *user)
{
	const char *u = strchr(aor, ':'), *at;
	size_t n = strlen(user);

	if (u == NULL || (at = strchr(++u, '@')) == NULL)
		return 0;
	return (size_t)(at - u) == n && strncmp(u, user, n) == 0;
}

/*
 * SIGHUP with --users: the file again, and RFC 3680 5.1's administrative
 * events of it.  A user no longer there loses every binding by the
 * "rejected" event (registering again will not help) and their
 * subscriptions end with reason=rejected (RFC 6665 4.1.3: the
 * authorization changed).  A user whose password changed has each
 * binding with longer to run cut to SHORTEN_TO seconds, "shortened":
 * so the client registers, and authenticates, again soon (RFC 3680 5.1's
 * own example).  A file that does not load keeps the users as they were.
 */
#define SHORTEN_TO	60

static void
on_reload(struct sip_loop *l, int sig, void *arg)
{
	static struct user_pw old[MAX_USERS];
	char err[1024];
	int nold = nusers, gone = 0, changed = 0, shortened = 0;
	time_t now = serve_now();

	(void)l;
	(void)sig;
	(void)arg;
	if (o.users == NULL || stopping)
		return;
	memcpy(old, users, sizeof users);
	if (users_read(users, &nusers, err, sizeof err) != 0) {
		memcpy(users, old, sizeof users);
		nusers = nold;
		warnf("SIGHUP: %s: the %d users stay as they were", err, nold);
		return;
	}
	memset(user_slot, 0, sizeof user_slot);
	for (int k = 0; k < nusers; k++)
		user_index(k);
	for (int k = 0; k < nold; k++) {
		const char *pw = user_pass(slice_cstr(old[k].user));

		if (pw == NULL) {
			gone++;
			regevent_reject(old[k].user);
			for (int i = 0; i < nbind; )
				if (aor_of_user(bind_tab[i].aor, old[k].user))
					unbind(i, SIP_REGINFO_EV_REJECTED, now);
				else
					i++;
		} else if (strcmp(pw, old[k].pass) != 0) {
			changed++;
			for (int i = 0; i < nbind; i++) {
				struct binding *b = &bind_tab[i];

				if (!aor_of_user(b->aor, old[k].user) ||
				    b->expires <= now + SHORTEN_TO)
					continue;
				b->expires = now + SHORTEN_TO;
				shortened++;
				regevent_changed(b, SIP_REGINFO_EV_SHORTENED,
				    now);
			}
		}
	}
	users_free(old, nold);
	if (shortened > 0)
		arm_expiry();
	notef("SIGHUP: %d users from %s; %d gone, their bindings rejected; "
	    "%d with a new password, bindings shortened to %d s: %d", nusers,
	    o.users, gone, changed, SHORTEN_TO, shortened);
}

static void
stop_at_end(struct sip_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	begin_stop();
}

/*
 * Allow (RFC 3261 20.5) names what sip-serve does: the methods it always
 * handles, and those --reply answers with anything but 405 or 501
 * (INVITE first, as is usual).
 */
static void
set_allow(void)
{
	static const char *const always[] = { "ACK", "CANCEL", "BYE",
	    "OPTIONS", "MESSAGE", "REGISTER", "SUBSCRIBE" };
	char name[24][32];
	int n = 0;
	size_t k;

	for (int pass = 0; pass < 3; pass++) {
		for (int i = 0; pass == 1 && i < 7; i++)
			snprintf(name[n++], sizeof name[0], "%s", always[i]);
		for (int i = 0; pass != 1 && i < o.reply.n && n < 24; i++) {
			const char *v = o.reply.v[i], *eq = strchr(v, '=');
			int len = (int)(eq - v), dup = 0;
			long code = strtol(eq + 1, NULL, 10);

			if (code == 405 || code == 501 || len >= 32 ||
			    (pass == 0) != (len == 6 &&
			    strncasecmp(v, "INVITE", 6) == 0))
				continue;
			for (int j = 0; j < n; j++)
				dup |= (int)strlen(name[j]) == len &&
				    strncasecmp(name[j], v, (size_t)len) == 0;
			if (!dup)
				snprintf(name[n++], sizeof name[0], "%.*s",
				    len, v);
		}
	}
	k = (size_t)snprintf(allow_hdr, sizeof allow_hdr, "Allow:");
	for (int j = 0; j < n && k < sizeof allow_hdr; j++) {
		for (char *c = name[j]; *c != '\0'; c++)
			if (*c >= 'a' && *c <= 'z')
				*c = (char)(*c - 'a' + 'A');
		k += (size_t)snprintf(allow_hdr + k, sizeof allow_hdr - k,
		    "%s %s", j ? "," : "", name[j]);
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
	/* output that cannot be written: exit 9, named as the user gave it */
	if ((f = fopen(tmp, "w")) == NULL)
		die_errno(SIP_EXIT_OUTPUT, "--port-file %s", o.port_file);
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
		die_errno(SIP_EXIT_OUTPUT, "--port-file %s", o.port_file);
}

int
sip_serve_main(int argc, char **argv)
{
	struct sip_tps_opts to;
	struct sip_tps_stats st;
	struct sip_timer end;
	int i;

	i = opt_parse(&spec, argc, argv);
	json_errors = o.json && !quiet;
	if (i != argc)
		usage_error("unexpected argument '%s'", argv[i]);
	for (int k = 0; k < o.reply.n; k++) {
		const char *eq = strchr(o.reply.v[k], '=');
		char *endp = NULL;
		long code = eq ? strtol(eq + 1, &endp, 10) : 0;

		if (eq == NULL || eq == o.reply.v[k] || *endp != '\0' ||
		    code < 100 || code > 699)
			usage_error("bad --reply '%s': want METHOD=CODE with CODE 100-699",
			    o.reply.v[k]);
		/* RFC 3261 21.3: a redirection names where to go */
		if (code >= 300 && code < 400 && o.contacts.n == 0)
			usage_error("--reply '%s': a 3xx needs --contact URI",
			    o.reply.v[k]);
	}
	if (o.contacts.n > 0) {
		struct buf rb;

		buf_init(&rb, 16384);
		for (int k = 0; k < o.contacts.n; k++) {
			struct sip_uri u;
			struct sip_perr pe;

			if (sip_uri_parse(&u, slice_cstr(o.contacts.v[k]),
			    &pe) != SIP_OK || u.scheme == SIP_URI_OTHER ||
			    strpbrk(o.contacts.v[k], "<>\r\n") != NULL)
				usage_error("bad --contact '%s': want a sip:, "
				    "sips: or tel: URI", o.contacts.v[k]);
			buf_printf(&rb, "%s<%s>", k ? ", " : "",
			    o.contacts.v[k]);
		}
		redirect_to = xstrdup(rb.p);
		buf_free(&rb);
	}
	service_route = xcalloc((size_t)o.service_route.n + 1,
	    sizeof service_route[0]);
	for (int k = 0; k < o.service_route.n; k++) {
		struct sip_uri u;
		struct buf rb;

		if (sip_uri_parse(&u, slice_cstr(o.service_route.v[k]),
		    NULL) != SIP_OK || (u.scheme != SIP_URI_SIP &&
		    u.scheme != SIP_URI_SIPS) ||
		    strpbrk(o.service_route.v[k], "<>\r\n") != NULL)
			usage_error("bad --service-route '%s': want a sip: or "
			    "sips: URI", o.service_route.v[k]);
		buf_init(&rb, 4096);
		buf_printf(&rb, "Service-Route: <%s>", o.service_route.v[k]);
		service_route[k] = xstrdup(rb.p);
		buf_free(&rb);
	}
	set_allow();
	load_users();
	if (sip_rand_bytes(nonce_key, sizeof nonce_key) != SIP_OK)
		die(SIP_EXIT_NET, "nonce key: %s", sip_err_str(SIP_E_RANDOM));
	if (o.listen.n == 0)
		add_listener("udp:127.0.0.1:5060");
	for (int k = 0; k < o.listen.n; k++)
		add_listener(o.listen.v[k]);
	if ((loop = sip_loop_new()) == NULL)
		die_errno(SIP_EXIT_NET, "event loop");
	memset(&to, 0, sizeof to);
	to.tls_server = tls_ctx;
	to.max_conns = (int)o.max_conns;
	to.handshake_ms = 3000;
	to.recv = on_recv;
	to.closed = on_closed;
	to.refused = on_refused;
	to.idle_ms = (int)(o.idle * 1000);
	to.trace.fn = verbose ? trace_event : NULL;
	if ((tps = sip_tps_new(loop, &to)) == NULL)
		die(SIP_EXIT_NET, "out of memory");
	open_listeners();
	/* before the port file: whoever reads it may signal at once */
	signal(SIGPIPE, SIG_IGN);
	if (sip_loop_signal(loop, SIGINT, on_signal, NULL) != SIP_OK ||
	    sip_loop_signal(loop, SIGTERM, on_signal, NULL) != SIP_OK ||
	    sip_loop_signal(loop, SIGUSR1, on_dump, NULL) != SIP_OK ||
	    sip_loop_signal(loop, SIGHUP, on_reload, NULL) != SIP_OK)
		die_errno(SIP_EXIT_NET, "signals");
	write_port_file();
	for (int k = 0; k < nlis; k++) {
		char a[SIP_NET_ADDRSTR];

		notef("listening on %s %s", sip_tp_name(lis[k].tp),
		    sip_net_str(&lis[k].addr, a, sizeof a));
	}
	sip_timer_init(&refused_timer, refused_say, NULL);
	sip_ep_attach(&ep, loop, tps);
	ep.request = on_request;
	regevent_init(loop, &ep, o.json, (uint32_t)o.max_expires);
	sip_timer_init(&expiry_timer, on_expiry, NULL);
	sip_timer_init(&end, NULL, NULL);
	if (o.duration > 0) {
		sip_timer_init(&end, stop_at_end, NULL);
		sip_loop_timer_in(loop, &end, (uint64_t)(o.duration * 1000));
	}
	sip_loop_run(loop);
	sip_tps_stats(tps, &st);
	notef("%lu requests, %lu retransmissions absorbed", nreq,
	    ep.uas.absorbed);
	if (o.dump_at_exit)
		dump_bindings();
	refused_say(NULL, NULL);	/* the last second's */
	sip_loop_timer_stop(loop, &refused_timer);
	if (st.accepted > 0 || st.refused[SIP_TPS_REF_FULL] > 0 ||
	    st.refused[SIP_TPS_REF_FDS] > 0)
		notef("%lu connections, %lu refused at --max-connections, "
		    "%lu refused for want of file descriptors, "
		    "%lu closed for a full queue, %lu for the memory budget, "
		    "%lu for a stalled handshake",
		    st.accepted, st.refused[SIP_TPS_REF_FULL],
		    st.refused[SIP_TPS_REF_FDS], st.closed[SIP_TPS_QUEUE],
		    st.closed[SIP_TPS_MEMORY], st.closed[SIP_TPS_HANDSHAKE]);
	sip_loop_timer_stop(loop, &end);
	if (stopping)
		sip_loop_timer_stop(loop, &stop_timer);
	sip_loop_timer_stop(loop, &expiry_timer);
	regevent_free();
	for (int k = 0; k < MAX_RINGS; k++)
		if (rings[k].used)
			sip_loop_timer_stop(loop, &rings[k].timer);
	while (ncalls > 0)
		call_end(ncalls - 1);
	free(redirect_to);
	for (int k = 0; service_route[k] != NULL; k++)
		free((char *)service_route[k]);
	free(service_route);
	sip_tps_free(tps);	/* its closed callbacks reach the endpoint */
	sip_ep_free(&ep);
	sip_loop_free(loop);
	buf_free(&resp_buf);
	if (tls_ctx)
		SSL_CTX_free(tls_ctx);
	users_free(users, nusers);
	return 0;
}
