/*
 * conn.c - SIP transport connections over non-blocking sockets.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "bounds.h"
#include "conn.h"
#include "loop.h"
#include "ossl.h"
#include "rand.h"
#include "tls.h"
#include "ws.h"

#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP 132
#endif

void
sip_conn_init(struct sip_conn *c)
{
	memset(c, 0, sizeof *c);
	c->fd = -1;
	sip_stream_init(&c->st, 0);
	buf_init(&c->raw, SIP_MAX_MSG + SIP_WS_MAX_HANDSHAKE);
	buf_init(&c->msg, SIP_MAX_MSG);
	buf_init(&c->out, 0);
}

/*
 * Charge c what OpenSSL allocated, less what it freed, since it held
 * before bytes: the process is one thread, so what a call on c->ssl
 * allocates is c's.
 */
static void
ossl_charge(struct sip_conn *c, size_t before)
{
	size_t now = sip_ossl_mem();

	if (now >= before)
		c->ossl += now - before;
	else
		c->ossl -= before - now < c->ossl ? before - now : c->ossl;
}

static int
is_ws(enum sip_tp tp)
{
	return tp == SIP_TP_WS || tp == SIP_TP_WSS;
}

static int
uses_tls(enum sip_tp tp)
{
	return tp == SIP_TP_TLS || tp == SIP_TP_WSS;
}

/*
 * A transport or address family the kernel does not offer (no sctp
 * module, IPv6 disabled) is the system's failure, not a usage error:
 * the same command works on another machine.
 */
static int
not_in_kernel(int e)
{
	return e == EPROTONOSUPPORT || e == ESOCKTNOSUPPORT ||
	    e == EAFNOSUPPORT;
}

static enum sip_err
sys_err(struct sip_conn *c, const char *what, int e)
{
	snprintf(c->err, sizeof c->err, "%s: %s%s", what, strerror(e),
	    not_in_kernel(e) ? " (not offered by this kernel)" : "");
	return e == ECONNREFUSED ? SIP_E_REFUSED : SIP_E_NET;
}

/*
 * A blocking call's wait for c's socket: on a loop of c's own, kept for
 * the next wait (one epoll_wait each, as poll(2) would cost).  want is
 * SIP_CONN_WANT_*.  1 ready, 0 timed out, -1 error.
 */
static int
wait_fd(struct sip_conn *c, unsigned want, uint64_t deadline)
{
	if (c->wait == NULL && (c->wait = sip_loop_new()) == NULL)
		return -1;
	return sip_loop_wait_fd(c->wait, c->fd,
	    want & SIP_CONN_WANT_WRITE ? SIP_EV_WRITE : SIP_EV_READ, deadline);
}

static int
new_socket(enum sip_tp tp, int family, int client)
{
	int type = tp == SIP_TP_UDP ? SOCK_DGRAM : SOCK_STREAM;
	int proto = tp == SIP_TP_SCTP ? IPPROTO_SCTP : 0;
	int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	int one = 1;

	if (fd < 0)
		return -1;
	if (tp == SIP_TP_UDP && client) {
		/*
		 * Report ICMP errors (port unreachable) to recv/send at once.
		 * Not on a server's socket: there they would pile up on the
		 * error queue for every client that went away.
		 */
		if (family == AF_INET)
			setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof one);
		else
			setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one,
			    sizeof one);
	}
	return fd;
}

/*
 * Write once from p/n (TLS or plain): *done bytes went, 0 when the
 * socket takes nothing now; *wait is what it waits for then.
 */
static enum sip_err
write_some(struct sip_conn *c, const void *p, size_t n, size_t *done,
    unsigned *wait)
{
	*done = 0;
	*wait = SIP_CONN_WANT_WRITE;
	if (c->ssl != NULL) {
		size_t before = sip_ossl_mem();
		int r = SSL_write_ex(c->ssl, p, n, done);

		ossl_charge(c, before);
		if (r == 1)
			return SIP_OK;
		*done = 0;
		switch (SSL_get_error(c->ssl, r)) {
		case SSL_ERROR_WANT_READ:
			*wait = SIP_CONN_WANT_READ;
			return SIP_OK;
		case SSL_ERROR_WANT_WRITE:
			return SIP_OK;
		case SSL_ERROR_SYSCALL:
			if (errno != 0 && errno != EAGAIN)
				return sys_err(c, "TLS write", errno);
			/* FALLTHROUGH */
		default:
			sip_tls_why(c->ssl, c->err, sizeof c->err);
			return SIP_E_TLS;
		}
	}
	for (;;) {
		ssize_t r = send(c->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (r >= 0) {
			*done = (size_t)r;
			return SIP_OK;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN)
			return SIP_OK;
		return sys_err(c, "send", errno);
	}
}

/*
 * Write all of p/n within SIP_CONN_TIMEOUT (blocking sends).  The time
 * is the clock of c's own loop for the waits, read only when the socket
 * does not take everything at once.
 */
static enum sip_err
write_all(struct sip_conn *c, const void *p, size_t n)
{
	const char *s = p;
	uint64_t deadline = 0;

	while (n > 0) {
		size_t done;
		unsigned wait;
		enum sip_err e = write_some(c, s, n, &done, &wait);

		if (e != SIP_OK)
			return e;
		s += done;
		n -= done;
		if (n > 0 && done == 0 && deadline == 0 &&
		    (c->wait != NULL || (c->wait = sip_loop_new()) != NULL))
			deadline = sip_loop_update(c->wait) + SIP_CONN_TIMEOUT;
		if (n > 0 && done == 0 && wait_fd(c, wait, deadline) <= 0) {
			snprintf(c->err, sizeof c->err, "send timed out");
			return SIP_E_NET;
		}
	}
	return SIP_OK;
}

/* Read once into p; *got 0 when nothing is there yet. */
static enum sip_err
read_some(struct sip_conn *c, void *p, size_t n, size_t *got)
{
	*got = 0;
	if (c->ssl != NULL) {
		size_t before = sip_ossl_mem();
		int r = SSL_read_ex(c->ssl, p, n, got);

		ossl_charge(c, before);
		if (r == 1)
			return SIP_OK;
		switch (SSL_get_error(c->ssl, r)) {
		case SSL_ERROR_WANT_READ: case SSL_ERROR_WANT_WRITE:
			return SIP_OK;
		case SSL_ERROR_ZERO_RETURN:
			snprintf(c->err, sizeof c->err, "TLS connection closed");
			return SIP_E_CLOSED;
		case SSL_ERROR_SYSCALL:
			if (errno == 0 || errno == EAGAIN) {
				snprintf(c->err, sizeof c->err,
				    "connection closed by peer");
				return SIP_E_CLOSED;
			}
			return sys_err(c, "TLS read", errno);
		default:
			sip_tls_why(c->ssl, c->err, sizeof c->err);
			return SIP_E_TLS;
		}
	}
	for (;;) {
		ssize_t r = recv(c->fd, p, n, 0);

		if (r > 0) {
			*got = (size_t)r;
			return SIP_OK;
		}
		if (r == 0) {
			snprintf(c->err, sizeof c->err,
			    "connection closed by peer");
			return SIP_E_CLOSED;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN)
			return SIP_OK;
		if (errno == ECONNREFUSED) {
			snprintf(c->err, sizeof c->err,
			    "port unreachable (ICMP): nothing listens there");
			return SIP_E_REFUSED;
		}
		return sys_err(c, "recv", errno);
	}
}

enum sip_err
sip_conn_flush(struct sip_conn *c)
{
	while (c->out_off < c->out.len) {
		size_t done;
		enum sip_err e = write_some(c, c->out.p + c->out_off,
		    c->out.len - c->out_off, &done, &c->out_want);

		if (e != SIP_OK)
			return e;
		if (done == 0)
			return SIP_OK;
		c->out_off += done;
	}
	buf_reset(&c->out);
	c->out_off = 0;
	c->out_want = 0;
	return SIP_OK;
}

size_t
sip_conn_queued(const struct sip_conn *c)
{
	return c->out.len - c->out_off;
}

unsigned long
sip_conn_pings(const struct sip_conn *c)
{
	return c->pings + c->st.pings;
}

void
sip_conn_async(struct sip_conn *c, size_t max, sip_conn_out_fn *cb,
    void *arg)
{
	c->out_max = max;
	c->out_cb = cb;
	c->out_arg = arg;
}

/*
 * Queue p/n behind what waits (the WS frame header hdr/hl first, the
 * payload masked with mask when not NULL) and write what the socket
 * takes now, once open.
 */
static enum sip_err
queue_out(struct sip_conn *c, const void *hdr, size_t hl, const void *p,
    size_t n, const uint8_t *mask)
{
	size_t at;
	enum sip_err e;

	if (c->out_max > 0 && sip_conn_queued(c) + hl + n > c->out_max) {
		snprintf(c->err, sizeof c->err,
		    "send queue over %zu bytes: the peer does not read",
		    c->out_max);
		e = SIP_E_TOOBIG;
		goto fail;
	}
	if (c->out_off > 0 && c->out_off >= c->out.len / 2) {
		/* slide the unwritten tail down now and then, not per write */
		memmove(c->out.p, c->out.p + c->out_off,
		    c->out.len - c->out_off);
		c->out.len -= c->out_off;
		c->out_off = 0;
	}
	if ((e = buf_add(&c->out, hdr, hl)) != SIP_OK)
		return e;
	at = c->out.len;
	if ((e = buf_add(&c->out, p, n)) != SIP_OK) {
		c->out.len -= hl;
		return e;
	}
	if (mask != NULL)
		sip_ws_mask((uint8_t *)c->out.p + at, n, mask, 0);
	if (c->state != SIP_CONN_OPEN)
		return SIP_OK;	/* written once the handshakes are done */
	if ((e = sip_conn_flush(c)) != SIP_OK)
		goto fail;
	if (sip_conn_queued(c) > 0 && c->out_cb != NULL)
		c->out_cb(c, SIP_OK, c->out_arg);
	return SIP_OK;
fail:
	if (c->out_cb != NULL)
		c->out_cb(c, e, c->out_arg);
	return e;
}

/* One WebSocket frame of op around p/n: queued, or written before deadline. */
static enum sip_err
ws_send(struct sip_conn *c, enum sip_ws_op op, const void *p, size_t n)
{
	uint8_t hdr[SIP_WS_FRAME_HDR_MAX], mask[4];
	struct buf f;
	enum sip_err e;
	size_t hl;

	/* RFC 6455 5.3: a client masks every frame, a server none. */
	if (!c->server && (e = sip_rand_bytes(mask, sizeof mask)) != SIP_OK) {
		snprintf(c->err, sizeof c->err, "WebSocket mask: %s",
		    sip_err_str(e));
		return e;
	}
	hl = sip_ws_frame_hdr(hdr, op, n, c->server ? NULL : mask);
	if (c->out_max > 0)
		return queue_out(c, hdr, hl, p, n, c->server ? NULL : mask);
	buf_init(&f, n + hl + 1);
	if ((e = buf_add(&f, hdr, hl)) == SIP_OK &&
	    (e = buf_add(&f, p, n)) == SIP_OK) {
		if (!c->server)
			sip_ws_mask((uint8_t *)f.p + hl, n, mask, 0);
		e = write_all(c, f.p, f.len);
	}
	buf_free(&f);
	return e;
}

/* The transport is up: TLS next, or the WebSocket upgrade, or done. */
static enum sip_err
ws_begin(struct sip_conn *c)
{
	struct buf req;
	enum sip_err e;

	if (!is_ws(c->tp)) {
		c->state = SIP_CONN_OPEN;
		return SIP_OK;
	}
	c->state = SIP_CONN_WS;
	if (c->server)
		return SIP_OK;
	if ((e = sip_ws_key(c->ws_key)) != SIP_OK) {
		snprintf(c->err, sizeof c->err, "WebSocket key: %s",
		    sip_err_str(e));
		return e;
	}
	buf_init(&req, 0);
	e = sip_ws_request(&req, c->ws_host, c->ws_path[0] != '\0' ?
	    c->ws_path : NULL, c->ws_key);
	/* ahead of the messages queued while connecting */
	if (e == SIP_OK)
		e = buf_add(&req, c->out.p + c->out_off, sip_conn_queued(c));
	if (e == SIP_OK) {
		buf_free(&c->out);
		c->out = req;
		c->out_off = 0;
		return SIP_OK;
	}
	buf_free(&req);
	return e;
}

static enum sip_err
transport_up(struct sip_conn *c)
{
	if (uses_tls(c->tp)) {
		c->state = SIP_CONN_TLS;
		return SIP_OK;
	}
	return ws_begin(c);
}

static enum sip_err
tls_start(struct sip_conn *c)
{
	struct sip_sockaddr lit;
	const char *host = c->host;
	size_t before = sip_ossl_mem();

	if (c->tls == NULL) {
		snprintf(c->err, sizeof c->err, "no TLS context");
		return SIP_E_INVAL;
	}
	c->ssl = SSL_new(c->tls);
	ossl_charge(c, before);
	if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1) {
		sip_tls_why(NULL, c->err, sizeof c->err);
		return SIP_E_TLS;
	}
	/*
	 * Queued sends go in pieces, from a buffer that may move; the
	 * record buffers (34 kB) go back whenever they are empty, so an
	 * idle connection holds none.
	 */
	SSL_set_mode(c->ssl, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
	if (!c->server && *host != '\0') {
		if (sip_net_numeric(host, 0, &lit) == SIP_OK) {
			/* RFC 5922 7.1: an address literal is matched as such. */
			X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl),
			    host[0] == '[' ? host + 1 : host);
		} else {
			SSL_set_tlsext_host_name(c->ssl, host);
			SSL_set1_host(c->ssl, host);
		}
	}
	return SIP_OK;
}

static enum sip_err
tls_step(struct sip_conn *c)
{
	enum sip_err e;
	size_t before;
	int r;

	if (c->ssl == NULL && (e = tls_start(c)) != SIP_OK)
		return e;
	before = sip_ossl_mem();
	r = c->server ? SSL_accept(c->ssl) : SSL_connect(c->ssl);
	ossl_charge(c, before);
	if (r == 1)
		return ws_begin(c);
	switch (SSL_get_error(c->ssl, r)) {
	case SSL_ERROR_WANT_READ:
		c->want = SIP_CONN_WANT_READ;
		return SIP_E_PARTIAL;
	case SSL_ERROR_WANT_WRITE:
		c->want = SIP_CONN_WANT_WRITE;
		return SIP_E_PARTIAL;
	case SSL_ERROR_SYSCALL:
		if (errno != 0 && errno != EAGAIN)
			return sys_err(c, "TLS handshake", errno);
		snprintf(c->err, sizeof c->err,
		    "TLS handshake: connection closed by peer");
		return SIP_E_TLS;
	default:
		sip_tls_why(c->ssl, c->err, sizeof c->err);
		return SIP_E_TLS;
	}
}

/* The WebSocket upgrade: read the other side's head and answer or check it. */
static enum sip_err
ws_step(struct sip_conn *c)
{
	char tmp[4096];
	const char *why = NULL;
	size_t got, used = 0;
	struct buf ans;
	enum sip_err e;

	if ((e = sip_conn_flush(c)) != SIP_OK)
		return e;
	if (sip_conn_queued(c) > 0) {
		c->want = c->out_want;
		return SIP_E_PARTIAL;	/* the request goes out first */
	}
	if ((e = read_some(c, tmp, sizeof tmp, &got)) != SIP_OK) {
		if (e == SIP_E_CLOSED)
			snprintf(c->err, sizeof c->err,
			    "connection closed during the WebSocket handshake");
		return e;
	}
	if (got > 0) {
		if ((e = buf_add(&c->raw, tmp, got)) != SIP_OK) {
			snprintf(c->err, sizeof c->err,
			    "WebSocket handshake over %d bytes",
			    SIP_WS_MAX_HANDSHAKE);
			return e;
		}
	}
	if (!c->server) {
		e = sip_ws_response_check(c->raw.p, c->raw.len, c->ws_key,
		    &used, &why);
		if (e == SIP_OK) {
			buf_consume(&c->raw, used);
			c->state = SIP_CONN_OPEN;
			return SIP_OK;
		}
	} else {
		buf_init(&ans, SIP_WS_MAX_HANDSHAKE);
		e = sip_ws_answer(c->raw.p, c->raw.len, &ans, &used, &why);
		if (e == SIP_OK) {
			buf_consume(&c->raw, used);
			c->state = SIP_CONN_OPEN;
			e = queue_out(c, NULL, 0, ans.p, ans.len, NULL);
			if (e == SIP_OK && c->out_max == 0 &&
			    sip_conn_queued(c) > 0)
				e = write_all(c, c->out.p + c->out_off,
				    sip_conn_queued(c));
			buf_free(&ans);
			return e;
		}
		buf_free(&ans);
		if (e != SIP_E_PARTIAL) {
			static const char bad[] =
			    "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
			size_t done;
			unsigned w;

			snprintf(c->err, sizeof c->err, "%s", why);
			write_some(c, bad, sizeof bad - 1, &done, &w);
			return SIP_E_PARSE;
		}
	}
	if (e != SIP_E_PARTIAL) {
		snprintf(c->err, sizeof c->err, "%s", why);
		return SIP_E_NET;
	}
	c->want = SIP_CONN_WANT_READ;
	return SIP_E_PARTIAL;
}

enum sip_err
sip_conn_step(struct sip_conn *c)
{
	enum sip_err e = SIP_OK;
	int err = 0;
	socklen_t len = sizeof err;

	while (e == SIP_OK) {
		switch (c->state) {
		case SIP_CONN_OPEN:
			return sip_conn_flush(c);
		case SIP_CONN_CONNECTING:
			/* a second connect() says how the first one went */
			if (connect(c->fd, (const struct sockaddr *)&c->peer.ss,
			    c->peer.len) < 0 && errno != EISCONN) {
				if (errno == EALREADY || errno == EINPROGRESS ||
				    errno == EINTR) {
					c->want = SIP_CONN_WANT_WRITE;
					return SIP_E_PARTIAL;
				}
				if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err,
				    &len) < 0 || err == 0)
					err = errno;
				return sys_err(c, "connect", err);
			}
			c->local.len = sizeof c->local.ss;
			getsockname(c->fd, (struct sockaddr *)&c->local.ss,
			    &c->local.len);
			e = transport_up(c);
			break;
		case SIP_CONN_TLS:
			e = tls_step(c);
			break;
		case SIP_CONN_WS:
			e = ws_step(c);
			break;
		}
	}
	return e;
}

enum sip_err
sip_conn_expired(struct sip_conn *c)
{
	switch (c->state) {
	case SIP_CONN_CONNECTING:
		snprintf(c->err, sizeof c->err, "connect timed out");
		return SIP_E_NET;
	case SIP_CONN_TLS:
		snprintf(c->err, sizeof c->err, "TLS handshake timed out");
		return SIP_E_TLS;
	case SIP_CONN_WS:
		snprintf(c->err, sizeof c->err, "WebSocket handshake timed out");
		return SIP_E_NET;
	default:
		snprintf(c->err, sizeof c->err, "send timed out");
		return SIP_E_NET;
	}
}

enum sip_err
sip_conn_connect_start(struct sip_conn *c, enum sip_tp tp,
    const struct sip_sockaddr *dst, const struct sip_conn_opts *o)
{
	c->tp = tp;
	c->peer = *dst;
	c->tls = o->tls;
	if (o->ws_path != NULL && strlen(o->ws_path) >= sizeof c->ws_path) {
		snprintf(c->err, sizeof c->err, "WebSocket path too long");
		return SIP_E_INVAL;
	}
	snprintf(c->ws_path, sizeof c->ws_path, "%s",
	    o->ws_path != NULL ? o->ws_path : "");
	snprintf(c->host, sizeof c->host, "%s", o->host != NULL ? o->host : "");
	if (is_ws(tp)) {
		char h[SIP_NET_HOST_MAX];
		int port = sip_net_port(dst);

		if (o->host != NULL)
			snprintf(h, sizeof h, "%s", o->host);
		else
			sip_net_host(dst, h, sizeof h);
		if (strchr(h, ':') != NULL && h[0] != '[')
			snprintf(c->ws_host, sizeof c->ws_host, "[%s]:%d", h,
			    port);
		else
			snprintf(c->ws_host, sizeof c->ws_host, "%s:%d", h, port);
	}
	if ((c->fd = new_socket(tp, dst->ss.ss_family, 1)) < 0)
		return sys_err(c, "socket", errno);
	if (o->bind != NULL && bind(c->fd, (const struct sockaddr *)&o->bind->ss,
	    o->bind->len) < 0)
		return sys_err(c, "bind", errno);
	if (tp == SIP_TP_UDP && sip_net_is_multicast(dst)) {
		int ttl = o->ttl > 0 ? o->ttl : 1;

		if (dst->ss.ss_family == AF_INET)
			setsockopt(c->fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl,
			    sizeof ttl);
		else
			setsockopt(c->fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS,
			    &ttl, sizeof ttl);
		if (o->bind == NULL) {
			/* bind now so the local address is known for Via */
			struct sip_sockaddr any;

			memset(&any, 0, sizeof any);
			any.ss.ss_family = dst->ss.ss_family;
			any.len = dst->len;
			bind(c->fd, (struct sockaddr *)&any.ss, any.len);
		}
		/* Via needs a real source address, not 0.0.0.0: ask the
		 * routing table with a connected socket that sends nothing */
		int probe = socket(dst->ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		struct sip_sockaddr src;

		src.len = sizeof src.ss;
		if (probe >= 0 && connect(probe, (const struct sockaddr *)&dst->ss,
		    dst->len) == 0 && getsockname(probe,
		    (struct sockaddr *)&src.ss, &src.len) == 0)
			c->mcast_src = src;
		if (probe >= 0)
			close(probe);
	} else if (connect(c->fd, (const struct sockaddr *)&dst->ss,
	    dst->len) < 0) {
		if (errno != EINPROGRESS)
			return sys_err(c, "connect", errno);
		/* the port is chosen at connect(): Via can name it now */
		c->local.len = sizeof c->local.ss;
		getsockname(c->fd, (struct sockaddr *)&c->local.ss,
		    &c->local.len);
		c->state = SIP_CONN_CONNECTING;
		c->want = SIP_CONN_WANT_WRITE;
		return SIP_E_PARTIAL;
	}
	if (tp == SIP_TP_UDP && !sip_net_is_multicast(dst))
		c->connected = 1;
	c->local.len = sizeof c->local.ss;
	getsockname(c->fd, (struct sockaddr *)&c->local.ss, &c->local.len);
	if (c->mcast_src.len > 0) {
		int port = sip_net_port(&c->local);

		c->local = c->mcast_src;
		sip_net_set_port(&c->local, port);
	}
	if (tp == SIP_TP_UDP)
		return SIP_OK;
	c->state = SIP_CONN_CONNECTING;	/* connected at once: step on */
	return sip_conn_step(c);
}

enum sip_err
sip_conn_listen(enum sip_tp tp, struct sip_sockaddr *addr, int *fd,
    char *err, size_t errsz)
{
	int s = new_socket(tp, addr->ss.ss_family, 0), one = 1;

	*fd = -1;
	if (s < 0) {
		snprintf(err, errsz, "socket: %s%s", strerror(errno),
		    not_in_kernel(errno) ? " (not offered by this kernel)" : "");
		return SIP_E_NET;
	}
	if (tp != SIP_TP_UDP)	/* on UDP it would let two servers share a port */
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (addr->ss.ss_family == AF_INET6)
		setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(s, (struct sockaddr *)&addr->ss, addr->len) < 0 ||
	    (tp != SIP_TP_UDP && listen(s, 128) < 0)) {
		snprintf(err, errsz, "bind: %s", strerror(errno));
		close(s);
		return SIP_E_NET;
	}
	addr->len = sizeof addr->ss;
	getsockname(s, (struct sockaddr *)&addr->ss, &addr->len);
	*fd = s;
	return SIP_OK;
}

void
sip_conn_udp_server(struct sip_conn *c, int fd)
{
	c->tp = SIP_TP_UDP;
	c->fd = fd;
	c->server = 1;
	c->local.len = sizeof c->local.ss;
	getsockname(fd, (struct sockaddr *)&c->local.ss, &c->local.len);
}

enum sip_err
sip_conn_accept_start(struct sip_conn *c, int lfd, enum sip_tp tp,
    SSL_CTX *tls)
{
	c->tp = tp;
	c->server = 1;
	c->tls = tls;
	c->peer.len = sizeof c->peer.ss;
	c->fd = accept4(lfd, (struct sockaddr *)&c->peer.ss, &c->peer.len,
	    SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (c->fd < 0) {
		int e = errno;
		enum sip_err r = sys_err(c, "accept", e);

		errno = e;	/* the caller tells EAGAIN from EMFILE */
		return r;
	}
	c->local.len = sizeof c->local.ss;
	getsockname(c->fd, (struct sockaddr *)&c->local.ss, &c->local.len);
	transport_up(c);
	if (c->state == SIP_CONN_OPEN)
		return SIP_OK;
	/* nothing can have arrived yet: wait for the client to speak */
	c->want = SIP_CONN_WANT_READ;
	return SIP_E_PARTIAL;
}

enum sip_err
sip_conn_sendto(struct sip_conn *c, const void *p, size_t n,
    const struct sip_sockaddr *dst)
{
	ssize_t r;
	int again = 1;

	for (;;) {
		/* connected (lib/tpset's twin), dst is the peer: the kernel
		 * keeps the route, no lookup per datagram */
		if (c->connected)
			r = send(c->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		else
			r = sendto(c->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT,
			    (const struct sockaddr *)&dst->ss, dst->len);
		if (r >= 0)
			break;
		if (errno == EINTR)
			continue;
		/*
		 * A refusal is an earlier datagram's ICMP answer (its error
		 * queue names where to): this one was not sent, and the
		 * error is now read; send it once more.
		 */
		if (errno == ECONNREFUSED && again) {
			again = 0;
			continue;
		}
		break;
	}
	if (r < 0) {
		/* a full local queue drops the datagram, as the path may:
		 * RFC 3261 17.1.1.2 Timer A/E retransmit it */
		if (errno == ENOBUFS || errno == EAGAIN)
			return SIP_OK;
		if (errno == ECONNREFUSED) {
			snprintf(c->err, sizeof c->err,
			    "port unreachable (ICMP): nothing listens there");
			return SIP_E_REFUSED;
		}
		return sys_err(c, "sendto", errno);
	}
	return SIP_OK;
}

enum sip_err
sip_conn_send(struct sip_conn *c, const void *p, size_t n)
{
	if (c->tp == SIP_TP_UDP) {
		if (!c->connected)
			return sip_conn_sendto(c, p, n, &c->peer);
		for (;;) {
			ssize_t r = send(c->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);

			if (r >= 0)
				return SIP_OK;
			if (errno == EINTR)
				continue;
			if (errno == ECONNREFUSED) {
				snprintf(c->err, sizeof c->err,
				    "port unreachable (ICMP): nothing listens there");
				return SIP_E_REFUSED;
			}
			return sys_err(c, "send", errno);
		}
	}
	if (is_ws(c->tp))
		return ws_send(c, SIP_WS_TEXT, p, n);
	if (c->out_max > 0)
		return queue_out(c, NULL, 0, p, n, NULL);
	return write_all(c, p, n);
}


static char rxbuf[SIP_UDP_MAX + 1];

/*
 * UDP: read one datagram into c->msg with recv() flags fl.  SIP_OK with
 * c->ready unset when there was none (EAGAIN: nothing yet, or the
 * SO_RCVTIMEO wait ran out; EINTR).
 */
static enum sip_err
udp_read(struct sip_conn *c, int fl, uint64_t now_us)
{
	const size_t room = SIP_UDP_MAX + 1;
	ssize_t r;

	/*
	 * Straight into c->msg, with room for any datagram (a failed read
	 * leaves what it holds alone): no copy of each answer.
	 */
	if (c->msg.cap < room + 1) {
		size_t keep = c->msg.len;
		enum sip_err e;

		c->msg.len = 0;
		e = buf_reserve(&c->msg, room);
		c->msg.len = keep;
		if (e != SIP_OK)
			return e;
	}
	if (c->connected) {
		r = recv(c->fd, c->msg.p, room, fl);
		if (r < 0 && errno == ECONNREFUSED) {
			snprintf(c->err, sizeof c->err,
			    "port unreachable (ICMP): nothing listens there");
			return SIP_E_REFUSED;
		}
		if (r < 0 && errno != EAGAIN && errno != EINTR)
			return sys_err(c, "recv", errno);
	} else {
		c->peer.len = sizeof c->peer.ss;
		r = recvfrom(c->fd, c->msg.p, room, fl,
		    (struct sockaddr *)&c->peer.ss, &c->peer.len);
		if (r < 0 && errno != EAGAIN && errno != EINTR &&
		    errno != ECONNREFUSED)	/* an old ICMP error: ignore */
			return sys_err(c, "recvfrom", errno);
	}
	if (r <= 0)
		return SIP_OK;
	c->rx_us = now_us;
	c->msg.len = (size_t)r;
	c->msg.p[r] = '\0';
	c->ready = 1;
	c->handed = 0;
	return SIP_OK;
}

enum sip_err
sip_conn_fill(struct sip_conn *c, uint64_t now_us)
{
	size_t got = 0;
	enum sip_err e;

	if (c->tp == SIP_TP_UDP) {
		if (c->ready)
			return SIP_OK;	/* hand the current one out first */
		return udp_read(c, MSG_DONTWAIT, now_us);
	}
	if ((e = read_some(c, rxbuf, sizeof rxbuf, &got)) != SIP_OK)
		return e;
	if (got > 0)
		c->rx_us = now_us;
	if (is_ws(c->tp))
		return buf_add(&c->raw, rxbuf, got);
	return sip_stream_feed(&c->st, rxbuf, got);
}

/* Whether p/n is nothing but CRLFs (a keep-alive, RFC 5626 4.4.1). */
static int
only_crlf(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != '\r' && p[i] != '\n')
			return 0;
	return 1;
}

/* WS: decode frames from raw until one message is in c->msg. */
static enum sip_err
ws_next(struct sip_conn *c)
{
	for (;;) {
		struct sip_ws_frame f;
		enum sip_err e = sip_ws_frame_parse((const uint8_t *)c->raw.p,
		    c->raw.len, &f);

		if (e != SIP_OK) {
			if (e == SIP_E_PARSE)
				snprintf(c->err, sizeof c->err,
				    "bad WebSocket frame");
			return e;
		}
		if (f.len > SIP_MAX_MSG) {
			snprintf(c->err, sizeof c->err,
			    "WebSocket frame over %u bytes", SIP_MAX_MSG);
			return SIP_E_TOOBIG;
		}
		if (c->raw.len - f.hdrlen < f.len)
			return SIP_E_PARTIAL;
		/* A server must get masked frames, a client unmasked ones. */
		if (f.masked != c->server) {
			snprintf(c->err, sizeof c->err, "WebSocket frame %s",
			    f.masked ? "masked by the server" :
			    "not masked by the client");
			return SIP_E_PARSE;
		}
		uint8_t *pl = (uint8_t *)c->raw.p + f.hdrlen;

		if (f.masked)
			sip_ws_mask(pl, (size_t)f.len, f.mask, 0);
		switch (f.op) {
		case SIP_WS_PING:
			ws_send(c, SIP_WS_PONG, pl, (size_t)f.len);
			break;
		case SIP_WS_PONG:
			break;
		case SIP_WS_CLOSE:
			snprintf(c->err, sizeof c->err,
			    "WebSocket closed by peer");
			return SIP_E_CLOSED;
		default:
			/* RFC 6455 5.4: continuations follow a start frame that
			 * was not final, and nothing else does; else fail */
			if ((f.op == SIP_WS_CONT) != c->ws_frag) {
				snprintf(c->err, sizeof c->err, "%s",
				    c->ws_frag ? "WebSocket message begun "
				    "inside another" : "WebSocket continuation "
				    "frame with no message begun");
				return SIP_E_PARSE;
			}
			if (f.op != SIP_WS_CONT) {
				buf_reset(&c->msg);
				c->handed = 0;
			}
			if ((e = buf_add(&c->msg, pl, (size_t)f.len)) != SIP_OK)
				return e;
			c->ws_frag = !f.fin;
			if (f.fin)
				c->ready = 1;
			break;
		}
		buf_consume(&c->raw, f.hdrlen + (size_t)f.len);
		if (c->ready)
			return SIP_OK;
	}
}

enum sip_err
sip_conn_next(struct sip_conn *c, struct sip_msg *m, struct sip_perr *pe)
{
	enum sip_err e;

	if (c->tp != SIP_TP_UDP && !is_ws(c->tp))
		return sip_stream_next(&c->st, m, pe);
	if (c->handed) {
		buf_reset(&c->msg);
		c->handed = 0;
	}
	if (is_ws(c->tp) && !c->ready && (e = ws_next(c)) != SIP_OK)
		return e;
	if (!c->ready)
		return SIP_E_PARTIAL;
	c->ready = 0;
	c->handed = 1;
	if (only_crlf(c->msg.p, c->msg.len)) {
		c->pings++;
		return SIP_E_PARTIAL;
	}
	return sip_msg_parse(m, c->msg.p, c->msg.len, 0, pe);
}

size_t
sip_conn_mem(const struct sip_conn *c)
{
	return c->st.in.cap + c->raw.cap + c->msg.cap + c->out.cap + c->ossl;
}

void
sip_conn_trim(struct sip_conn *c)
{
	if (sip_stream_pending(&c->st) == 0 && c->st.in.cap > SIP_CONN_KEEP)
		sip_stream_release(&c->st);
	if (c->raw.len == 0 && c->raw.cap > SIP_CONN_KEEP)
		buf_free(&c->raw);
	/* a WS message half in fragments, or one not handed out, stays */
	if (c->tp != SIP_TP_UDP && !c->ready && !c->ws_frag &&
	    c->msg.cap > SIP_CONN_KEEP) {
		buf_free(&c->msg);
		c->handed = 0;
	}
	if (sip_conn_queued(c) == 0 && c->out.cap > SIP_CONN_KEEP) {
		buf_free(&c->out);
		c->out_off = 0;
	}
}

int
sip_conn_pending(const struct sip_conn *c)
{
	if (c->ssl != NULL && SSL_pending(c->ssl) > 0)
		return 1;
	if (c->tp == SIP_TP_UDP)
		return c->ready;
	if (is_ws(c->tp))
		return c->ready || c->raw.len > 0;
	return sip_stream_pending(&c->st) > 0;
}

void
sip_conn_close(struct sip_conn *c)
{
	if (c->ssl != NULL) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	if (c->wait != NULL) {
		sip_loop_unwatch(c->wait, c->fd);
		sip_loop_free(c->wait);
		c->wait = NULL;
	}
	if (c->fd >= 0 && !(c->server && c->tp == SIP_TP_UDP))
		close(c->fd);
	sip_stream_release(&c->st);
	buf_free(&c->raw);
	buf_free(&c->msg);
	buf_free(&c->out);
	c->out_off = 0;
	c->ssl = NULL;
	c->ossl = 0;
	c->fd = -1;
}
