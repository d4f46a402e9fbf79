/*
 * tpset.c - the transport set on a real loop over loopback sockets, with
 * a fake clock for the deadlines: a handshake that never ends, a queue
 * over its limit, a peer that stops reading, idle close and CRLF
 * keep-alives, flow reuse, the connection limit, both sides of the
 * WebSocket upgrade, UDP both ways.  In each case the peer at fault is
 * closed and no other.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "loop.h"
#include "tpset.h"
#include "tap.h"

static uint64_t fake_us = 1000000000;

static uint64_t
fake_clock(void *arg)
{
	(void)arg;
	return fake_us;
}

/* What the callbacks saw. */
static struct {
	int			 nrx;
	char			 line[128];	/* the last start line */
	struct sip_tps_flow	*flow;		/* the last one's flow */
	struct sip_sockaddr	 src;
	int			 nclosed;
	struct sip_tps_flow	*closed;
	enum sip_tps_why	 why;
	int			 nrefused;
	enum sip_tps_refusal	 refusal;
} seen;

static void
on_recv(struct sip_tps *s, const struct sip_tps_rx *rx, void *arg)
{
	const char *eol;

	(void)s;
	(void)arg;
	if (rx->msg == NULL)
		return;
	seen.nrx++;
	eol = memchr(rx->data, '\r', rx->len);
	snprintf(seen.line, sizeof seen.line, "%.*s",
	    (int)(eol ? eol - rx->data : 0), rx->data);
	seen.flow = rx->flow;
	seen.src = *rx->src;
}

static void
on_closed(struct sip_tps *s, struct sip_tps_flow *f, enum sip_tps_why why,
    const char *detail, void *arg)
{
	(void)s;
	(void)detail;
	(void)arg;
	seen.nclosed++;
	seen.closed = f;
	seen.why = why;
}

static void
on_refused(struct sip_tps *s, enum sip_tps_refusal why, void *arg)
{
	(void)s;
	(void)arg;
	seen.nrefused++;
	seen.refusal = why;
}

/* Let the loop run over what is ready (a few real ms for loopback). */
static void
spin(struct sip_loop *l)
{
	for (int i = 0; i < 20; i++)
		if (sip_loop_once(l, 5) == 0 && i > 2)
			break;
}

static void
advance(struct sip_loop *l, uint64_t ms)
{
	fake_us += ms * 1000;
	spin(l);
}

static struct sip_tps *
new_set(struct sip_loop *l, struct sip_tps_opts *o)
{
	o->recv = on_recv;
	o->closed = on_closed;
	o->refused = on_refused;
	memset(&seen, 0, sizeof seen);
	return sip_tps_new(l, o);
}

static int
listen_on(struct sip_tps *s, enum sip_tp tp, struct sip_sockaddr *a)
{
	char err[128];

	sip_net_numeric("127.0.0.1", 0, a);
	if (sip_tps_listen(s, tp, a, err, sizeof err) != SIP_OK) {
		printf("# listen: %s\n", err);
		return -1;
	}
	return sip_net_port(a);
}

/* A plain blocking client; rcvbuf > 0 shrinks its receive buffer. */
static int
client(int port, int rcvbuf)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (rcvbuf > 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) < 0)
		perror("connect");
	return fd;
}

static int
request(char *b, size_t n, int i)
{
	return snprintf(b, n,
	    "OPTIONS sip:x%d@127.0.0.1 SIP/2.0\r\n"
	    "Via: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bKtps%d\r\n"
	    "Max-Forwards: 70\r\nFrom: <sip:a@127.0.0.1>;tag=%d\r\n"
	    "To: <sip:x@127.0.0.1>\r\nCall-ID: tps-%d\r\n"
	    "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n", i, i, i, i);
}

static void
say(int fd, int i)
{
	char b[512];
	int n = request(b, sizeof b, i);

	if (send(fd, b, (size_t)n, 0) != n)
		perror("send");
}

/* What fd has to read now: bytes, 0 at EOF, -1 nothing yet. */
static ssize_t
peek(int fd, char *b, size_t n)
{
	return recv(fd, b, n, MSG_DONTWAIT);
}

static void
handshake_deadline(struct sip_loop *l)
{
	struct sip_tps_opts o = { .handshake_ms = 500 };
	struct sip_tps *s = new_set(l, &o);
	struct sip_sockaddr ws, tcp;
	struct sip_tps_stats st;
	char b[64];
	int silent, talker;

	listen_on(s, SIP_TP_WS, &ws);
	listen_on(s, SIP_TP_TCP, &tcp);
	silent = client(sip_net_port(&ws), 0);	/* never sends the upgrade */
	talker = client(sip_net_port(&tcp), 0);
	spin(l);
	say(talker, 1);
	spin(l);
	ok(seen.nrx == 1, "a TCP peer is heard while a WebSocket peer is silent");
	advance(l, 499);
	ok(seen.nclosed == 0, "the silent peer still has 1 ms of its 500");
	advance(l, 2);
	ok(seen.nclosed == 1 && seen.why == SIP_TPS_HANDSHAKE,
	    "a WebSocket upgrade that never comes is closed at its deadline");
	ok(peek(silent, b, sizeof b) == 0, "its peer sees the close");
	say(talker, 2);
	spin(l);
	ok(seen.nrx == 2 && strcmp(seen.line, "OPTIONS sip:x2@127.0.0.1 SIP/2.0")
	    == 0, "the other flow goes on");
	sip_tps_stats(s, &st);
	ok(st.conns == 1 && st.closed[SIP_TPS_HANDSHAKE] == 1,
	    "one connection left, one closed for its handshake");
	close(silent);
	close(talker);
	sip_tps_free(s);
}

static void
queue_limit(struct sip_loop *l)
{
	struct sip_tps_opts o = { .queue_max = 64 * 1024, .send_ms = 2000 };
	struct sip_tps *s = new_set(l, &o);
	struct sip_tps_flow *deaf, *good, *slow;
	struct sip_sockaddr tcp;
	struct sip_tps_stats st;
	char msg[1024], b[4096];
	enum sip_err e = SIP_OK;
	int fd_deaf, fd_good, fd_slow, i;
	ssize_t n;

	listen_on(s, SIP_TP_TCP, &tcp);
	fd_deaf = client(sip_net_port(&tcp), 4096);
	fd_good = client(sip_net_port(&tcp), 0);
	say(fd_deaf, 1);
	spin(l);
	deaf = seen.flow;
	say(fd_good, 2);
	spin(l);
	good = seen.flow;
	ok(deaf != NULL && good != NULL && deaf != good, "two flows");
	memset(msg, 'x', sizeof msg);
	for (i = 0; i < 100000 && e == SIP_OK; i++)
		e = sip_tps_send_flow(s, deaf, NULL, msg, sizeof msg);
	ok(e == SIP_E_TOOBIG, "sends to a peer that does not read fail once "
	    "64 KiB wait (after %d kB)", i);
	spin(l);
	ok(seen.nclosed == 1 && seen.closed == deaf && seen.why == SIP_TPS_QUEUE,
	    "that flow is closed for its queue");
	ok(sip_tps_send_flow(s, good, NULL, "hello\r\n", 7) == SIP_OK,
	    "a send to the other flow goes");
	spin(l);
	n = peek(fd_good, b, sizeof b);
	ok(n == 7 && memcmp(b, "hello\r\n", 7) == 0, "and arrives");

	/* a peer that stops reading with less than the limit queued */
	fd_slow = client(sip_net_port(&tcp), 4096);
	say(fd_slow, 3);
	spin(l);
	slow = seen.flow;
	for (i = 0; i < 100000 && sip_tps_queued(slow) == 0; i++)
		sip_tps_send_flow(s, slow, NULL, msg, sizeof msg);
	ok(sip_tps_queued(slow) > 0 && sip_tps_queued(slow) < 64 * 1024,
	    "a flow with %zu bytes queued", sip_tps_queued(slow));
	advance(l, 1999);
	ok(seen.nclosed == 1, "is kept while its peer may still read");
	advance(l, 2);
	ok(seen.nclosed == 2 && seen.closed == slow && seen.why == SIP_TPS_QUEUE,
	    "is closed when nothing moved for send_ms");
	sip_tps_stats(s, &st);
	ok(st.conns == 1 && st.closed[SIP_TPS_QUEUE] == 2,
	    "the good flow is the one left");
	close(fd_deaf);
	close(fd_good);
	close(fd_slow);
	sip_tps_free(s);
}

static void
idle_and_pings(struct sip_loop *l)
{
	struct sip_tps_opts o = { .idle_ms = 1000 };
	struct sip_tps *s = new_set(l, &o);
	struct sip_tps_flow *quiet;
	struct sip_sockaddr tcp;
	struct sip_tps_stats st;
	char b[64];
	int fq, fp;

	listen_on(s, SIP_TP_TCP, &tcp);
	fq = client(sip_net_port(&tcp), 0);
	fp = client(sip_net_port(&tcp), 0);
	say(fq, 1);
	spin(l);
	quiet = seen.flow;
	say(fp, 2);
	spin(l);
	advance(l, 600);
	send(fp, "\r\n\r\n", 4, 0);
	spin(l);
	ok(peek(fp, b, sizeof b) == 2 && memcmp(b, "\r\n", 2) == 0,
	    "a double-CRLF ping gets a CRLF pong (RFC 5626 3.5.1)");
	advance(l, 401);
	ok(seen.nclosed == 1 && seen.closed == quiet && seen.why == SIP_TPS_IDLE,
	    "the flow with no traffic for idle_ms is closed");
	ok(peek(fq, b, sizeof b) == 0, "its peer sees the close");
	advance(l, 500);
	ok(seen.nclosed == 1, "the one that pinged is kept");
	advance(l, 200);
	ok(seen.nclosed == 2 && seen.why == SIP_TPS_IDLE,
	    "until it too is idle for idle_ms");
	sip_tps_stats(s, &st);
	ok(st.pings == 1 && st.conns == 0, "one ping answered, none left");
	close(fq);
	close(fp);
	sip_tps_free(s);
}

static void
reuse(struct sip_loop *l)
{
	struct sip_tps_opts so = { 0 }, co = { 0 };
	struct sip_tps *srv = new_set(l, &so), *cli;
	struct sip_tps_flow *f1, *f2, *sf;
	struct sip_tps_dst d;
	struct sip_tps_stats st;
	char b[512];
	int n;

	co.recv = on_recv;	/* its closes are not counted */
	cli = sip_tps_new(l, &co);
	memset(&d, 0, sizeof d);
	d.tp = SIP_TP_TCP;
	listen_on(srv, SIP_TP_TCP, &d.addr);
	n = request(b, sizeof b, 1);
	ok(sip_tps_send(cli, &d, b, (size_t)n, &f1) == SIP_OK,
	    "a send to a new peer opens a flow");
	n = request(b, sizeof b, 2);
	ok(sip_tps_send(cli, &d, b, (size_t)n, &f2) == SIP_OK && f1 == f2,
	    "the next send to it takes the same flow");
	spin(l);
	sf = seen.flow;
	ok(seen.nrx == 2 && strcmp(seen.line, "OPTIONS sip:x2@127.0.0.1 SIP/2.0")
	    == 0, "both arrive, in order");
	sip_tps_stats(srv, &st);
	ok(st.accepted == 1, "over one connection");
	sip_tps_stats(cli, &st);
	ok(st.opened == 1 && sip_tps_find(cli, SIP_TP_TCP, &d.addr) == f1,
	    "the client opened one, found by transport and address");
	ok(sip_tps_byid(cli, sip_tps_id(f1)) == f1, "and by its id");
	n = request(b, sizeof b, 3);
	sip_tps_send_flow(srv, sf, NULL, b, (size_t)n);
	spin(l);
	ok(seen.nrx == 3 && seen.flow == f1,
	    "the server's send on the flow comes back over it");
	sip_tps_free(cli);
	spin(l);
	ok(seen.nclosed == 1 && seen.closed == sf && seen.why == SIP_TPS_PEER,
	    "the server sees the client's close");
	sip_tps_free(srv);
}

static void
max_conns(struct sip_loop *l)
{
	struct sip_tps_opts o = { .max_conns = 2 };
	struct sip_tps *s = new_set(l, &o);
	struct sip_tps_flow *first;
	struct sip_sockaddr tcp;
	struct sip_tps_stats st;
	int fd[3];

	listen_on(s, SIP_TP_TCP, &tcp);
	for (int i = 0; i < 3; i++) {
		fd[i] = client(sip_net_port(&tcp), 0);
		say(fd[i], i);
		advance(l, 10);
		if (i == 0)
			first = seen.flow;
	}
	sip_tps_stats(s, &st);
	ok(seen.nclosed == 1 && seen.closed == first &&
	    seen.why == SIP_TPS_EVICTED && st.conns == 2,
	    "at max_conns the flow idle longest makes room for a new one");
	ok(seen.nrx == 3, "and the new one is heard");
	close(fd[0]);
	close(fd[1]);
	close(fd[2]);
	sip_tps_free(s);
}

static void
refused(struct sip_loop *l)
{
	struct sip_tps_opts o = { .max_conns = 1 };
	struct sip_tps *s = new_set(l, &o);
	struct sip_tps_flow *busy;
	struct sip_sockaddr tcp;
	struct sip_tps_stats st;
	char msg[1024], b[64];
	int fb, fn;

	listen_on(s, SIP_TP_TCP, &tcp);
	fb = client(sip_net_port(&tcp), 4096);
	say(fb, 1);
	spin(l);
	busy = seen.flow;
	memset(msg, 'x', sizeof msg);
	for (int i = 0; i < 100000 && sip_tps_queued(busy) == 0; i++)
		sip_tps_send_flow(s, busy, NULL, msg, sizeof msg);
	fn = client(sip_net_port(&tcp), 0);
	advance(l, 10);
	sip_tps_stats(s, &st);
	ok(st.refused[SIP_TPS_REF_FULL] == 1 && st.conns == 1 &&
	    seen.nclosed == 0,
	    "at max_conns with no flow idle a new connection is refused");
	ok(seen.nrefused == 1 && seen.refusal == SIP_TPS_REF_FULL,
	    "and the refused callback is told why");
	ok(peek(fn, b, sizeof b) == 0, "and closed at once");
	close(fb);
	close(fn);
	sip_tps_free(s);
}

/* The head of an INVITE announcing len body bytes, and n of them sent. */
static void
partial(int fd, int i, size_t len, size_t n)
{
	static char body[300000];
	char b[512];
	int h = snprintf(b, sizeof b,
	    "INVITE sip:x%d@127.0.0.1 SIP/2.0\r\n"
	    "Via: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bKpart%d\r\n"
	    "Max-Forwards: 70\r\nFrom: <sip:a@127.0.0.1>;tag=%d\r\n"
	    "To: <sip:x@127.0.0.1>\r\nCall-ID: part-%d\r\n"
	    "CSeq: 1 INVITE\r\nContent-Length: %zu\r\n\r\n", i, i, i, i, len);

	memset(body, 'a', sizeof body);
	if (send(fd, b, (size_t)h, 0) != h ||
	    (n > 0 && send(fd, body, n, 0) != (ssize_t)n))
		perror("send");
}

static void
memory_budget(struct sip_loop *l)
{
	struct sip_tps_opts o = { .mem_max = 400000 };
	struct sip_tps *s = new_set(l, &o);
	struct sip_sockaddr tcp;
	struct sip_tps_stats st;
	char b[64];
	int small, mid, big, late;

	listen_on(s, SIP_TP_TCP, &tcp);
	small = client(sip_net_port(&tcp), 0);
	mid = client(sip_net_port(&tcp), 0);
	big = client(sip_net_port(&tcp), 0);
	partial(small, 1, 200000, 20000);
	partial(mid, 2, 200000, 100000);
	spin(l);
	sip_tps_stats(s, &st);
	ok(seen.nclosed == 0 && st.mem >= 120000 && st.mem <= 400000,
	    "half-received messages are counted against the budget");
	partial(big, 3, 300000, 250000);
	spin(l);
	sip_tps_stats(s, &st);
	ok(seen.nclosed == 1 && seen.why == SIP_TPS_MEMORY &&
	    st.closed[SIP_TPS_MEMORY] == 1 && st.mem <= 400000,
	    "past the budget the flow that holds the most is closed, alone");
	/* closed with bytes unread: a reset */
	ok(peek(big, b, sizeof b) <= 0 && errno == ECONNRESET &&
	    peek(mid, b, sizeof b) < 0 && errno == EAGAIN &&
	    peek(small, b, sizeof b) < 0 && errno == EAGAIN,
	    "the biggest: its peer sees the close");
	late = client(sip_net_port(&tcp), 0);
	spin(l);
	partial(late, 4, 0, 0);
	spin(l);
	ok(seen.nrx == 1, "a newcomer is still heard");
	close(small);
	close(mid);
	close(big);
	close(late);
	sip_tps_free(s);
}

static void
websocket(struct sip_loop *l)
{
	struct sip_tps_opts so = { 0 }, co = { .handshake_ms = 2000 };
	struct sip_tps *srv = new_set(l, &so), *cli;
	struct sip_tps_flow *f;
	struct sip_tps_dst d;
	char b[512];
	int n;

	co.recv = on_recv;
	cli = sip_tps_new(l, &co);
	memset(&d, 0, sizeof d);
	d.tp = SIP_TP_WS;
	d.ws_path = "/sip";
	listen_on(srv, SIP_TP_WS, &d.addr);
	n = request(b, sizeof b, 5);
	ok(sip_tps_send(cli, &d, b, (size_t)n, &f) == SIP_OK,
	    "a send over WebSocket waits for both sides' upgrade");
	spin(l);
	ok(seen.nrx == 1 && sip_tps_tp(seen.flow) == SIP_TP_WS &&
	    strcmp(seen.line, "OPTIONS sip:x5@127.0.0.1 SIP/2.0") == 0,
	    "and arrives once they are done");
	n = request(b, sizeof b, 6);
	if (seen.flow != NULL)
		sip_tps_send_flow(srv, seen.flow, NULL, b, (size_t)n);
	spin(l);
	ok(seen.nrx == 2 && seen.flow == f, "the answer comes back in a frame");
	sip_tps_free(cli);
	sip_tps_free(srv);
}

static void
udp(struct sip_loop *l)
{
	struct sip_tps_opts o = { 0 };
	struct sip_tps *srv = new_set(l, &o), *cli = sip_tps_new(l, &o);
	struct sip_tps_dst d;
	char b[512];
	int n;

	memset(&d, 0, sizeof d);
	d.tp = SIP_TP_UDP;
	listen_on(srv, SIP_TP_UDP, &d.addr);
	n = request(b, sizeof b, 7);
	ok(sip_tps_send(cli, &d, b, (size_t)n, NULL) == SIP_OK,
	    "a UDP send from a set without a UDP listener");
	spin(l);
	ok(seen.nrx == 1 && sip_tps_tp(seen.flow) == SIP_TP_UDP,
	    "arrives on the listener's flow");
	n = request(b, sizeof b, 8);
	struct sip_sockaddr back = seen.src;

	ok(sip_tps_send_flow(srv, seen.flow, &back, b, (size_t)n) == SIP_OK,
	    "the answer goes where the caller says");
	spin(l);
	ok(seen.nrx == 2 && strcmp(seen.line, "OPTIONS sip:x8@127.0.0.1 SIP/2.0")
	    == 0, "and arrives on the client's own socket");
	sip_tps_free(cli);
	sip_tps_free(srv);
}

int
main(void)
{
	struct sip_loop *l;

	sip_clock_set(fake_clock, NULL);
	if ((l = sip_loop_new()) == NULL)
		return 1;
	handshake_deadline(l);
	queue_limit(l);
	idle_and_pings(l);
	reuse(l);
	max_conns(l);
	refused(l);
	memory_budget(l);
	websocket(l);
	udp(l);
	sip_loop_free(l);
	sip_clock_set(NULL, NULL);
	return done();
}
