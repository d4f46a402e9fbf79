/*
 * client.c - command-line pieces shared by the applets that send
 * requests (sip-send, and the ones that follow it).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "cmd.h"
#include "tls.h"

struct client_opts copt;
static volatile sig_atomic_t prompt_interrupted;
const char *const client_tps[] = { "udp", "tcp", "tls", "sctp", "ws", "wss",
    NULL };

static void
prompt_sigint(int sig)
{
	(void)sig;
	prompt_interrupted = 1;
}

char *
client_password(void)
{
	char *env = getenv("SIPBOX_PASSWORD");
	char *pw = NULL, *nl;
	size_t len;

	if (copt.user == NULL)
		return NULL;
	secret_hold();
	/* the command line over the environment, as everywhere */
	if (copt.password_file != NULL && env != NULL) {
		warnf("SIPBOX_PASSWORD is ignored: --password-file %s is given",
		    copt.password_file);
		explicit_bzero(env, strlen(env));
		unsetenv("SIPBOX_PASSWORD");
		env = NULL;
	}
	if (copt.password_file != NULL) {
		secret_file_check(copt.password_file);
		if (read_file(copt.password_file, &pw, &len, 4096) != 0)
			die_errno(SIP_EXIT_INVALID, "%s", copt.password_file);
		if ((nl = strpbrk(pw, "\r\n")) != NULL)
			*nl = '\0';
		if (*pw == '\0')
			die(SIP_EXIT_INVALID, "%s: no password in the file",
			    copt.password_file);
		return pw;
	}
	if (env != NULL) {
		if (*env == '\0')
			die(SIP_EXIT_USAGE, "SIPBOX_PASSWORD is empty: an empty "
			    "password is not taken");
		pw = xstrdup(env);
		/* the environment block is what /proc/PID/environ and a core show */
		explicit_bzero(env, strlen(env));
		unsetenv("SIPBOX_PASSWORD");
		return pw;
	}
	/* A prompt with echo off, on the terminal itself. */
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	struct termios t, old;
	struct sigaction sa, oldsa;
	char line[512];
	ssize_t n;

	if (fd < 0)
		die(SIP_EXIT_USAGE, "--user %s needs a password: set SIPBOX_PASSWORD, "
		    "use --password-file, or run on a terminal", copt.user);
	dprintf(fd, "Password for %s: ", copt.user);
	tcgetattr(fd, &old);
	t = old;
	t.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(fd, TCSAFLUSH, &t);
	/*
	 * Ctrl-C ends the run, nothing sent: the read is interrupted (no
	 * SA_RESTART, which the applet's own handler has), the terminal
	 * echoes again, and the default action reports the signal (status
	 * 130 in a shell).
	 */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = prompt_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &oldsa);
	n = read(fd, line, sizeof line - 1);
	tcsetattr(fd, TCSAFLUSH, &old);
	dprintf(fd, "\n");
	close(fd);
	if (prompt_interrupted) {
		explicit_bzero(line, sizeof line);
		signal(SIGINT, SIG_DFL);
		raise(SIGINT);
	}
	sigaction(SIGINT, &oldsa, NULL);
	if (n <= 0)
		die(SIP_EXIT_USAGE, "no password read");
	line[n] = '\0';
	if ((nl = strpbrk(line, "\r\n")) != NULL)
		*nl = '\0';
	pw = xstrdup(line);
	explicit_bzero(line, sizeof line);
	return pw;
}

/*
 * RFC 3261 19.1.1: a password in a URI's userinfo is NOT RECOMMENDED,
 * and a secret here comes from the environment, a file or a prompt,
 * never the command line (ps shows it): refuse such a URI, without
 * printing it.  s may carry a transport before the scheme (udp:sip:...)
 * or no scheme at all (alice:pw@host).
 */
void
client_no_uri_password(const char *what, const char *s)
{
	static const char *const schemes[] = { "sip", "sips", "udp", "tcp",
	    "tls", "sctp", "ws", "wss" };
	const char *end = s + strcspn(s, "@;?>"), *u = s, *c;
	size_t i;

	if (*end != '@')
		return;
	while ((c = memchr(u, ':', (size_t)(end - u))) != NULL) {
		for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
			if (strlen(schemes[i]) == (size_t)(c - u) &&
			    strncasecmp(u, schemes[i], (size_t)(c - u)) == 0)
				break;
		if (i == sizeof(schemes) / sizeof(schemes[0]))
			usage_error("the %s has a password in it (RFC 3261 "
			    "19.1.1): give the user alone, and the password "
			    "in SIPBOX_PASSWORD or --password-file", what);
		u = c + 1;
	}
}

void
client_password_free(char *pw)
{
	if (pw != NULL) {
		explicit_bzero(pw, strlen(pw));
		free(pw);
	}
}

void
client_info(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	fprintf(stderr, "%s* ", color_on(stderr, "2"));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", color_off(stderr));
}

void	(*client_onfail)(enum sip_err e, const char *detail);

/* Print, tell client_onfail, exit with e's status. */
static void __attribute__((format(printf, 2, 3), noreturn))
client_die(enum sip_err e, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	errorf("%s", msg);
	if (client_onfail != NULL)
		client_onfail(e, msg);
	exit(output_status(sip_err_exit(e)));
}

static enum sip_tp
tp_from_opt(void)
{
	if (copt.transport == NULL)
		return SIP_TP_NONE;
	return sip_tp_byname(copt.transport, strlen(copt.transport));
}

/*
 * RFC 3263: NAPTR, SRV, A/AAAA through our own DNS client.  Returns 1
 * when it produced destinations; 0 to fall back to the system resolver
 * (no --resolver and the name is not in DNS, e.g. only in /etc/hosts).
 */
static int
resolve_3263(struct client *c, const struct sip_target *n, int family)
{
	struct sip_resolver *r;
	struct sip_resolve_req q;
	struct sip_dests *d;
	enum sip_err e;

	if (n->numeric)
		return 0;	/* a literal needs no DNS (RFC 3263 4.2) */
	if (sip_resolver_new(&r, copt.resolver) != SIP_OK)
		usage_error("bad --resolver '%s': want ADDR[:PORT]",
		    copt.resolver);
	sip_resolver_trace(r, trace_event, NULL);
	memset(&q, 0, sizeof q);
	q.host = n->host;
	q.port = (unsigned)n->port;
	q.tp = c->tp;
	q.sips = n->sips;
	q.family = family;
	d = xcalloc(1, sizeof *d);
	e = sip_resolve(r, &q, d);
	if (e != SIP_OK) {
		const char *why = sip_resolver_why(r);

		if (copt.resolver != NULL || e != SIP_E_DNS) {
			sip_resolver_free(r);
			client_die(e == SIP_E_DNS ? e : SIP_E_INVAL,
			    "cannot resolve '%s': %s", n->host, why);
		}
		client_info("DNS: %s; trying the system resolver", why);
		sip_resolver_free(r);
		free(d);
		return 0;
	}
	for (unsigned i = 0; i < d->n && i < SIP_RESOLVE_MAX_TARGETS; i++) {
		char a[SIP_NET_ADDRSTR];

		c->dst[i] = d->v[i].addr;
		c->dst_tp[i] = d->v[i].tp;
		client_info("target %u: %s over %s (%s)", i + 1,
		    sip_net_str(&c->dst[i], a, sizeof a),
		    sip_tp_name(d->v[i].tp), d->v[i].host);
	}
	c->ndst = (int)d->n;
	c->tp = c->dst_tp[0];
	sip_resolver_free(r);
	free(d);
	return 1;
}

void
client_resolve(struct client *c, const char *target)
{
	const char *why;
	struct sip_target *n;
	int family = copt.ipv4 ? AF_INET : copt.ipv6 ? AF_INET6 : AF_UNSPEC;
	int port;

	if (copt.ipv4 && copt.ipv6)
		usage_error("-4 and -6 exclude each other");
	if (sip_target_parse(&c->target, target, &why) != SIP_OK)
		usage_error("bad target '%s': %s", target, why);
	n = &c->target;
	if (copt.route_hop[0] != '\0') {
		/* RFC 3261 8.1.2: the first Route is where the request goes */
		if (sip_target_parse(&c->next, copt.route_hop, &why) != SIP_OK ||
		    c->next.tel)
			usage_error("bad Route URI '%s': %s", copt.route_hop,
			    why != NULL ? why : "not a sip: or sips: URI");
		n = &c->next;
	} else if (copt.proxy != NULL) {
		if (sip_target_parse(&c->next, copt.proxy, &why) != SIP_OK)
			usage_error("bad --proxy '%s': %s", copt.proxy, why);
		n = &c->next;
		/* RFC 3261 8.1.2: a pre-loaded Route with the proxy, loose. */
		if (strncasecmp(copt.proxy, "sip", 3) == 0)
			snprintf(c->route, sizeof c->route, "<%s;lr>", copt.proxy);
		else
			snprintf(c->route, sizeof c->route, "<%s;lr>", c->next.ruri);
	} else if (c->target.tel) {
		/* RFC 3966 and RFC 3261 19.1.6: a proxy routes a number */
		usage_error("a tel: URI has no host to send to: give --proxy "
		    "(or a Route with -H)");
	} else {
		c->next = c->target;
	}
	c->tp = n->tp != SIP_TP_NONE ? n->tp : tp_from_opt();
	if (n->tp == SIP_TP_NONE && c->tp != SIP_TP_NONE && n->sips &&
	    !sip_tp_secure(c->tp))
		usage_error("a sips: target needs --transport tls or wss");
	if (resolve_3263(c, n, family))
		return;
	/* the system resolver: /etc/hosts and names without SRV */
	if (c->tp == SIP_TP_NONE)
		c->tp = n->sips ? SIP_TP_TLS : SIP_TP_UDP;
	port = n->port ? n->port : sip_tp_default_port(c->tp);
	c->ndst = sip_net_lookup(n->host, port, family, c->dst,
	    SIP_NET_MAX_ADDRS, &why);
	if (c->ndst == 0)
		client_die(SIP_E_DNS, "cannot resolve '%s': %s", n->host, why);
	for (int i = 0; i < c->ndst; i++) {
		char a[SIP_NET_ADDRSTR];

		c->dst_tp[i] = c->tp;
		client_info("%s resolves to %s over %s", n->host,
		    sip_net_str(&c->dst[i], a, sizeof a), sip_tp_name(c->tp));
	}
	c->cur = 0;
}

static void
set_local(struct client *c, const struct sip_sockaddr *l)
{
	char h[SIP_NET_HOST_MAX];

	c->local_port = sip_net_host(l, h, sizeof h);
	sip_target_urihost(h, c->local_host, sizeof c->local_host);
	c->local_gen++;
}

void
client_guess_local(struct client *c)
{
	/* connect() on a UDP socket picks the source address, sends nothing */
	int fd = socket(c->dst[0].ss.ss_family, SOCK_DGRAM, 0);
	struct sip_sockaddr l;

	l.len = sizeof l.ss;
	if (fd >= 0 && connect(fd, (struct sockaddr *)&c->dst[0].ss,
	    c->dst[0].len) == 0 &&
	    getsockname(fd, (struct sockaddr *)&l.ss, &l.len) == 0)
		set_local(c, &l);
	else {
		snprintf(c->local_host, sizeof c->local_host, "127.0.0.1");
		c->local_gen++;
	}
	if (fd >= 0)
		close(fd);
}

void
client_start(struct client *c, struct sip_uac *u)
{
	static struct sip_sockaddr bindaddr;
	struct sip_tps_opts o;
	char err[256];
	int secure = 0;

	memset(&o, 0, sizeof o);
	for (int i = 0; i < c->ndst; i++)
		secure |= sip_tp_secure(c->dst_tp[i]);
	if (secure) {
		struct sip_tls_opts to = { copt.cacert, copt.capath,
		    copt.cert, copt.key, copt.insecure };

		if (sip_tls_client_ctx(&c->tls, &to, err, sizeof err) != SIP_OK)
			client_die(SIP_E_TLS, "TLS: %s", err);
		/* made once a run: so said once, as curl -v does */
		if (copt.insecure)
			warnf("--insecure: the server's certificate and "
			    "name are not verified");
		o.tls_client = c->tls;
	}
	if (copt.local != NULL) {
		char h[SIP_NET_HOST_MAX];
		int port;

		if (sip_net_hostport(copt.local, h, sizeof h, &port) != SIP_OK ||
		    sip_net_numeric(h, port, &bindaddr) != SIP_OK)
			usage_error("--local wants a numeric ADDR[:PORT]");
		o.bind = &bindaddr;
	}
	o.handshake_ms = copt.connect_timeout > 0 ?
	    (int)(copt.connect_timeout * 1000) : SIP_CONN_TIMEOUT;
	o.mcast_ttl = copt.ttl ? copt.ttl : c->next.ttl;
	o.idle_ms = -1;		/* a client's flows live as long as it runs */
	sip_uac_tps_opts(u, &o);
	if ((c->loop = sip_loop_new()) == NULL ||
	    (c->tps = sip_tps_new(c->loop, &o)) == NULL)
		client_die(SIP_E_NOMEM, "cannot start: %s", strerror(errno));
	if (o.bind != NULL && sip_tps_listen(c->tps, SIP_TP_UDP, &bindaddr,
	    err, sizeof err) != SIP_OK)
		client_die(SIP_E_NET, "--local %s: %s", copt.local, err);
	for (int i = 0; i < c->ndst && i < SIP_EP_MAXTARGETS; i++) {
		u->dst[i].tp = c->dst_tp[i];
		u->dst[i].addr = c->dst[i];
		u->dst[i].flow = NULL;
		/* the name (or address) to verify, send as SNI and as the
		 * WebSocket Host */
		u->dst[i].host = c->next.host;
		u->dst[i].ws_path = c->next.path[0] ? c->next.path : "/";
	}
	u->ndst = c->ndst < SIP_EP_MAXTARGETS ? c->ndst : SIP_EP_MAXTARGETS;
	sip_uac_attach(u, c->loop, c->tps);
}

/* The source address the routing table picks toward dst (no packet). */
static int
route_src(const struct sip_sockaddr *dst, struct sip_sockaddr *l)
{
	int fd = socket(dst->ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ok;

	l->len = sizeof l->ss;
	ok = fd >= 0 && connect(fd, (const struct sockaddr *)&dst->ss,
	    dst->len) == 0 && getsockname(fd, (struct sockaddr *)&l->ss,
	    &l->len) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

/* -v: the first request to target k says where it goes. */
static void
tell(struct client *c, int k, const struct sip_ep_dest *d)
{
	char a[SIP_NET_ADDRSTR];

	c->told[k] = 1;
	client_info("connecting to %s over %s",
	    sip_net_str(&d->addr, a, sizeof a), sip_tp_name(d->tp));
}

/* The flow to target k, opened when there is none, and its address. */
static enum sip_err
open_target(struct client *c, int k, const struct sip_ep_dest *d, char *why,
    size_t whysz)
{
	struct sip_tps_dst td;
	struct sip_tps_flow *f;
	struct sip_sockaddr l, src;
	enum sip_err e;

	memset(&td, 0, sizeof td);
	td.tp = d->tp;
	td.addr = d->addr;
	td.host = d->host;
	td.ws_path = d->ws_path;
	if ((e = sip_tps_open(c->tps, &td, &f)) != SIP_OK) {
		char a[SIP_NET_ADDRSTR];

		snprintf(why, whysz, "%s over %s: %s", sip_net_str(&d->addr, a,
		    sizeof a), sip_tp_name(d->tp), sip_tps_err(c->tps));
		return e == SIP_E_NOMEM ? SIP_E_NET : e;
	}
	l = *sip_tps_local(f);
	/* a socket bound to any address: Via names the one the route takes */
	if (sip_net_is_any(&l) && route_src(&d->addr, &src)) {
		sip_net_set_port(&src, sip_net_port(&l));
		l = src;
	}
	if (d->tp == SIP_TP_UDP)
		c->udp_local[k] = l;
	if (!sip_net_equal(&l, &c->local)) {
		c->local = l;
		set_local(c, &l);
	}
	return SIP_OK;
}

/* Called for every request: the usual case (UDP, known) kept short. */
enum sip_err
client_target(struct client *c, const struct sip_ep_dest *d, char *why,
    size_t whysz)
{
	int k;

	for (k = 0; k < c->ndst - 1; k++)
		if (c->dst_tp[k] == d->tp && sip_net_equal(&c->dst[k],
		    &d->addr))
			break;
	c->cur = k;
	c->tp = d->tp;
	if (!c->told[k])
		tell(c, k, d);
	/* a UDP target's socket is the set's for good: its address too */
	if (d->tp != SIP_TP_UDP || c->udp_local[k].len == 0)
		return open_target(c, k, d, why, whysz);
	if (!sip_net_equal(&c->udp_local[k], &c->local)) {
		c->local = c->udp_local[k];
		set_local(c, &c->local);
	}
	return SIP_OK;
}

void
client_close(struct client *c)
{
	sip_tps_free(c->tps);
	c->tps = NULL;
	if (c->loop != NULL)
		sip_loop_free(c->loop);
	c->loop = NULL;
	if (c->tls != NULL)
		SSL_CTX_free(c->tls);
	c->tls = NULL;
}
