/*
 * tpset.c - listeners and connections on one event loop: a flow table
 * keyed by transport and peer, per-flow send queues, handshakes and
 * deadlines driven by the loop, UDP read in batches.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "tls.h"
#include "tpset.h"

#define FLOW_BUCKETS	1024	/* a power of two */
#define UDP_BATCH	32	/* datagrams taken per wake-up */
#define ACCEPT_BATCH	16	/* connections taken per wake-up */
#define LISTEN_REST_MS	100	/* a listener that cannot accept rests */

struct sip_tps_flow {
	struct sip_conn		 c;
	struct sip_tps		*s;
	uint64_t		 id;
	int			 udp;		/* a UDP socket of the set */
	/* our own UDP socket's twin connect()ed to one peer (udp_twin) */
	struct sip_conn		*twin;
	int			 twin_tried;
	int			 twin_in;	/* the last datagram came over it */
	int			 twin_out;	/* the last send went over it */
	int			 dead;		/* closed, waiting to be freed */
	enum sip_tps_why	 why;
	enum sip_err		 err;		/* a handshake's failure */
	unsigned		 watched;	/* SIP_EV_* asked of the loop */
	uint64_t		 hs_deadline;	/* handshakes, ms; 0 done */
	uint64_t		 last_io;	/* ms of the last message or write */
	uint64_t		 stall;		/* ms the queue last moved; 0 empty */
	unsigned long		 pings;		/* keep-alives already answered */
	size_t			 mem;		/* its buffers, as last counted */
	struct sip_timer	 t;
	struct sip_tps_flow	*prev, *next;	/* every flow; the dead ones */
	struct sip_tps_flow	*hnext;		/* bucket chain */
	uint32_t		 hash;
};

struct listener {
	struct sip_tps		*s;
	enum sip_tp		 tp;
	int			 fd;
	struct sip_sockaddr	 addr;
	struct sip_tps_flow	*udp;		/* UDP: its flow */
	int			 resting;	/* unwatched until rest fires */
	struct sip_timer	 rest;
};

/*
 * One recvmmsg() worth of datagrams, read straight where they are
 * parsed; the answers sent while they are handled go out together in
 * one sendmmsg() after the last.
 */
struct udp_batch {
	struct mmsghdr		 mm[UDP_BATCH];
	struct iovec		 iov[UDP_BATCH];
	struct sip_sockaddr	 src[UDP_BATCH];
	char			*buf;		/* UDP_BATCH * (SIP_UDP_MAX + 1) */
	int			 cork;		/* inside a batch: hold sends */
	int			 nout, outfd;
	struct mmsghdr		 omm[UDP_BATCH];
	struct iovec		 oiov[UDP_BATCH];
	struct sip_sockaddr	 odst[UDP_BATCH];
	size_t			 ooff[UDP_BATCH];
	struct buf		 out;		/* their bytes */
};

struct sip_tps {
	struct sip_loop		*l;
	struct sip_tps_opts	 o;
	struct listener		**lis;
	int			 nlis;
	struct sip_tps_flow	*flows;		/* live */
	struct sip_tps_flow	*dead;		/* to free from the reap timer */
	struct sip_tps_flow	*bucket[FLOW_BUCKETS];
	struct sip_tps_flow	*udp_out[2];	/* our own UDP sockets: v4, v6 */
	struct sip_timer	 reap;
	struct sip_tps_stats	 st;
	uint64_t		 next_id;
	struct udp_batch	*ub;
	char			 err[SIP_CONN_ERRSZ];	/* sip_tps_open's */
	int			 rcvtimeo_fd;	/* sip_tps_udp_wait's socket */
	int			 rcvtimeo_ms;	/* and its SO_RCVTIMEO */
	int			 spare;		/* a descriptor kept for EMFILE */
	struct sip_tps_flow	*busy;		/* its message is being handed up */
};

static void	stream_io(struct sip_loop *l, int fd, unsigned ev, void *arg);
static void	udp_client_opts(struct sip_tps *s, int fd, int v6);

static uint32_t
addr_hash(enum sip_tp tp, const struct sip_sockaddr *a)
{
	return slice_hash_mem(SLICE_HASH0 ^ (uint32_t)tp, &a->ss, a->len);
}

static void
hash_add(struct sip_tps *s, struct sip_tps_flow *f)
{
	struct sip_tps_flow **b;

	f->hash = addr_hash(f->c.tp, &f->c.peer);
	b = &s->bucket[f->hash & (FLOW_BUCKETS - 1)];
	f->hnext = *b;
	*b = f;
}

static void
hash_del(struct sip_tps *s, struct sip_tps_flow *f)
{
	struct sip_tps_flow **pp = &s->bucket[f->hash & (FLOW_BUCKETS - 1)];

	while (*pp != NULL && *pp != f)
		pp = &(*pp)->hnext;
	if (*pp == f)
		*pp = f->hnext;
}

static void
list_add(struct sip_tps_flow **head, struct sip_tps_flow *f)
{
	f->prev = NULL;
	f->next = *head;
	if (*head != NULL)
		(*head)->prev = f;
	*head = f;
}

static void
list_del(struct sip_tps_flow **head, struct sip_tps_flow *f)
{
	if (f->prev != NULL)
		f->prev->next = f->next;
	else
		*head = f->next;
	if (f->next != NULL)
		f->next->prev = f->prev;
	f->prev = f->next = NULL;
}

static void
reap(struct sip_timer *t, void *arg)
{
	struct sip_tps *s = arg;
	struct sip_tps_flow *f;

	(void)t;
	while ((f = s->dead) != NULL) {
		list_del(&s->dead, f);
		if (s->o.closed != NULL)
			s->o.closed(s, f, f->why, f->c.err, s->o.arg);
		sip_conn_close(&f->c);
		free(f);
	}
}

/*
 * Close f now (its socket, its queue) and free it from the reap timer,
 * so a caller up the stack may still look at it: nothing is freed under
 * a callback that holds it.
 */
static void
kill_flow(struct sip_tps_flow *f, enum sip_tps_why why)
{
	struct sip_tps *s = f->s;

	if (f->dead)
		return;
	f->dead = 1;
	f->why = why;
	s->st.closed[why]++;
	if (f->c.fd >= 0 && f->watched != 0)
		sip_loop_unwatch(s->l, f->c.fd);
	f->watched = 0;
	if (f->udp)
		s->rcvtimeo_fd = -1;	/* its number may come back */
	if (f->twin != NULL) {
		sip_loop_unwatch(s->l, f->twin->fd);
		sip_conn_close(f->twin);
		free(f->twin);
		f->twin = NULL;
	}
	sip_loop_timer_stop(s->l, &f->t);
	if (!f->udp) {
		hash_del(s, f);
		s->st.conns--;
	}
	s->st.mem -= f->mem;
	f->mem = 0;
	list_del(&s->flows, f);
	list_add(&s->dead, f);
	/* sends from now on fail at once; the detail in c.err stays */
	sip_conn_close(&f->c);
	sip_loop_timer_in(s->l, &s->reap, 0);
}

/* The earliest of f's deadlines, or 0. */
static uint64_t
flow_deadline(const struct sip_tps_flow *f, enum sip_tps_why *why)
{
	const struct sip_tps_opts *o = &f->s->o;
	uint64_t d = 0;

	if (f->hs_deadline != 0) {
		*why = SIP_TPS_HANDSHAKE;
		return f->hs_deadline;
	}
	if (o->idle_ms > 0) {
		d = f->last_io + (uint64_t)o->idle_ms;
		*why = SIP_TPS_IDLE;
	}
	if (f->stall != 0 && (d == 0 || f->stall + (uint64_t)o->send_ms < d)) {
		d = f->stall + (uint64_t)o->send_ms;
		*why = SIP_TPS_QUEUE;
	}
	return d;
}

/*
 * Arm f's one timer for its earliest deadline.  Traffic moves last_io
 * without touching the heap: a timer that fires early is armed again.
 */
static void
flow_arm(struct sip_tps_flow *f)
{
	enum sip_tps_why why;
	uint64_t d = flow_deadline(f, &why);

	if (d == 0)
		sip_loop_timer_stop(f->s->l, &f->t);
	else if (!sip_timer_armed(&f->t) || d < f->t.at)
		sip_loop_timer_at(f->s->l, &f->t, d);
}

static void
flow_timer(struct sip_timer *t, void *arg)
{
	struct sip_tps_flow *f = arg;
	enum sip_tps_why why = SIP_TPS_IDLE;
	uint64_t d = flow_deadline(f, &why);

	(void)t;
	if (d == 0)
		return;
	if (d > sip_loop_now(f->s->l)) {
		sip_loop_timer_at(f->s->l, &f->t, d);
		return;
	}
	if (why == SIP_TPS_HANDSHAKE)
		f->err = sip_conn_expired(&f->c);
	else if (why == SIP_TPS_QUEUE)
		snprintf(f->c.err, sizeof f->c.err,
		    "%zu bytes unwritten for %d ms: the peer does not read",
		    sip_conn_queued(&f->c), f->s->o.send_ms);
	else
		snprintf(f->c.err, sizeof f->c.err, "idle for %d ms",
		    f->s->o.idle_ms);
	kill_flow(f, why);
}

/* Ask the loop for what f waits for now. */
static void
flow_watch(struct sip_tps_flow *f)
{
	unsigned ev;

	if (f->dead)
		return;
	if (f->c.state != SIP_CONN_OPEN)
		ev = f->c.want;
	else if (sip_conn_queued(&f->c) > 0)
		ev = SIP_EV_READ | (f->c.out_want != 0 ? f->c.out_want :
		    SIP_EV_WRITE);
	else
		ev = SIP_EV_READ;
	if (ev == f->watched)
		return;
	if (sip_loop_watch(f->s->l, f->c.fd, ev, stream_io, f) != SIP_OK) {
		snprintf(f->c.err, sizeof f->c.err, "cannot watch the socket");
		kill_flow(f, SIP_TPS_PEER);
		return;
	}
	f->watched = ev;
}

/*
 * Over the set's budget for buffered bytes: the flows that hold the most
 * go, biggest first, until the rest fit.  Not the one whose message is
 * being handed up (its bytes are in use): it is counted again, and may
 * go, when its read is over.
 */
static void
over_budget(struct sip_tps *s)
{
	while (s->st.mem > s->o.mem_max) {
		struct sip_tps_flow *f, *big = NULL;

		for (f = s->flows; f != NULL; f = f->next)
			if (!f->udp && f != s->busy &&
			    (big == NULL || f->mem > big->mem))
				big = f;
		if (big == NULL || big->mem == 0)
			return;
		snprintf(big->c.err, sizeof big->c.err,
		    "%zu bytes buffered when all connections may hold %zu",
		    big->mem, s->o.mem_max);
		kill_flow(big, SIP_TPS_MEMORY);
	}
}

/* Count what f's buffers hold now into the set's total. */
static void
flow_mem(struct sip_tps_flow *f)
{
	struct sip_tps *s = f->s;
	size_t now;

	if (f->udp || f->dead)
		return;
	now = sip_conn_mem(&f->c);
	s->st.mem = s->st.mem - f->mem + now;
	f->mem = now;
	if (s->st.mem > s->st.mem_peak)
		s->st.mem_peak = s->st.mem;
	if (s->st.mem > s->o.mem_max)
		over_budget(s);
}

/* lib/conn's word that bytes wait in f's queue, or that a send failed. */
static void
flow_out(struct sip_conn *c, enum sip_err e, void *arg)
{
	struct sip_tps_flow *f = arg;

	(void)c;
	if (e != SIP_OK) {
		kill_flow(f, e == SIP_E_TOOBIG ? SIP_TPS_QUEUE : SIP_TPS_PEER);
		return;
	}
	if (f->stall == 0) {
		f->stall = sip_loop_now(f->s->l);
		flow_arm(f);
	}
	flow_watch(f);
	flow_mem(f);
}

static struct sip_tps_flow *
flow_new(struct sip_tps *s)
{
	struct sip_tps_flow *f = calloc(1, sizeof *f);

	if (f == NULL)
		return NULL;
	sip_conn_init(&f->c);
	f->s = s;
	f->id = ++s->next_id;
	f->last_io = sip_loop_now(s->l);
	sip_timer_init(&f->t, flow_timer, f);
	return f;
}

/* A stream flow begun (accepted or connecting): into the table. */
static void
flow_start(struct sip_tps *s, struct sip_tps_flow *f, enum sip_err e)
{
	sip_conn_async(&f->c, s->o.queue_max, flow_out, f);
	list_add(&s->flows, f);
	hash_add(s, f);
	s->st.conns++;
	if (e == SIP_E_PARTIAL)
		f->hs_deadline = sip_loop_now(s->l) +
		    (uint64_t)s->o.handshake_ms;
	flow_arm(f);
	flow_watch(f);
}

static void
trace_out(struct sip_tps *s, const struct sip_tps_flow *f,
    const struct sip_sockaddr *dst, const char *p, size_t n)
{
	s->st.tx++;
	sip_trace_msg(&s->o.trace, SIP_TRACE_OUT, p, n, 0, f->c.tp, dst);
}

static void
trace_line(struct sip_tps *s, const char *line)
{
	sip_trace_msg(&s->o.trace, SIP_TRACE_INFO, line, strlen(line), 0,
	    SIP_TP_NONE, NULL);
}

/* -v: a connection we opened is up: where from, TLS, WebSocket. */
static void
trace_open(struct sip_tps *s, const struct sip_tps_flow *f)
{
	char l[SIP_NET_ADDRSTR], p[SIP_NET_ADDRSTR], line[600];

	snprintf(line, sizeof line, "connected: %s -> %s over %s",
	    sip_net_str(&f->c.local, l, sizeof l),
	    sip_net_str(&f->c.peer, p, sizeof p), sip_tp_name(f->c.tp));
	trace_line(s, line);
	for (int i = 0; f->c.ssl != NULL && i < 3; i++) {
		sip_tls_describe(f->c.ssl, i, line, sizeof line);
		trace_line(s, line);
	}
	if (f->c.tp == SIP_TP_WS || f->c.tp == SIP_TP_WSS) {
		snprintf(line, sizeof line, "WebSocket upgrade done: GET %s, "
		    "Host %s, subprotocol sip (RFC 7118)",
		    f->c.ws_path[0] ? f->c.ws_path : "/", f->c.ws_host);
		trace_line(s, line);
	}
}

static void
deliver(struct sip_tps *s, struct sip_tps_flow *f, struct sip_tps_rx *rx)
{
	if (rx->msg != NULL) {
		s->st.rx++;
		sip_trace_msg(&s->o.trace, SIP_TRACE_IN, rx->data, rx->len,
		    0, rx->tp, rx->src);
	} else {
		s->st.rx_bad++;
	}
	rx->flow = f;
	s->busy = f;
	s->o.recv(s, rx, s->o.arg);
	s->busy = NULL;
}

/* RFC 5626 3.5.1: each double-CRLF ping gets a CRLF pong. */
static void
answer_pings(struct sip_tps_flow *f)
{
	unsigned long n = sip_conn_pings(&f->c);

	while (f->pings < n && !f->dead) {
		f->pings++;
		f->s->st.pings++;
		sip_conn_send(&f->c, "\r\n", 2);
	}
}

/* Read what the socket has and hand every complete message up. */
static void
stream_read(struct sip_tps *s, struct sip_tps_flow *f)
{
	struct sip_msg m;
	struct sip_perr pe;
	struct sip_tps_rx rx;
	enum sip_err e;

	do {
		if ((e = sip_conn_fill(&f->c, sip_loop_now_us(s->l))) != SIP_OK) {
			if (e == SIP_E_TOOBIG)
				snprintf(f->c.err, sizeof f->c.err,
				    "message over %u bytes", SIP_MAX_MSG);
			kill_flow(f, e == SIP_E_TOOBIG ? SIP_TPS_BADMSG :
			    SIP_TPS_PEER);
			return;
		}
		for (;;) {
			memset(&pe, 0, sizeof pe);
			e = sip_conn_next(&f->c, &m, &pe);
			if (e == SIP_E_PARTIAL)
				break;
			if (e != SIP_OK) {
				if (pe.why != NULL)
					snprintf(f->c.err, sizeof f->c.err,
					    "%s", pe.why);
				kill_flow(f, e == SIP_E_CLOSED ? SIP_TPS_PEER :
				    SIP_TPS_BADMSG);
				return;
			}
			f->last_io = sip_loop_now(s->l);
			memset(&rx, 0, sizeof rx);
			rx.msg = &m;
			rx.data = m.buf;
			rx.len = m.len;
			rx.tp = f->c.tp;
			rx.src = &f->c.peer;
			rx.local = &f->c.local;
			rx.rx_us = f->c.rx_us;
			deliver(s, f, &rx);
			if (f->dead)
				return;
		}
		answer_pings(f);
		if (sip_conn_pings(&f->c) > 0)
			f->last_io = sip_loop_now(s->l);
	} while (!f->dead && f->c.ssl != NULL && SSL_pending(f->c.ssl) > 0);
}

static void
stream_io(struct sip_loop *l, int fd, unsigned ev, void *arg)
{
	struct sip_tps_flow *f = arg;
	struct sip_tps *s = f->s;
	size_t before;
	enum sip_err e;

	(void)l;
	(void)fd;
	if (f->c.state != SIP_CONN_OPEN) {
		e = sip_conn_step(&f->c);
		if (e == SIP_E_PARTIAL) {
			/* a handshake half done holds OpenSSL's buffers */
			flow_mem(f);
			if (!f->dead)
				flow_watch(f);
			return;
		}
		if (e != SIP_OK) {
			f->err = e;
			kill_flow(f, SIP_TPS_HANDSHAKE);
			return;
		}
		f->hs_deadline = 0;
		f->last_io = sip_loop_now(s->l);
		ev |= SIP_EV_READ;	/* bytes may wait behind the handshake */
		if (s->o.trace.fn != NULL && !f->c.server)
			trace_open(s, f);
	}
	before = sip_conn_queued(&f->c);
	if (before > 0) {
		if ((e = sip_conn_flush(&f->c)) != SIP_OK) {
			kill_flow(f, SIP_TPS_PEER);
			return;
		}
		if (sip_conn_queued(&f->c) < before) {
			f->last_io = sip_loop_now(s->l);
			f->stall = sip_conn_queued(&f->c) > 0 ? f->last_io : 0;
		}
	}
	if (ev & (SIP_EV_READ | SIP_EV_ERROR))
		stream_read(s, f);
	if (!f->dead) {
		/* no message of f's is in use now */
		if (f->c.state == SIP_CONN_OPEN)
			sip_conn_trim(&f->c);
		flow_mem(f);
	}
	if (!f->dead) {
		if (sip_conn_queued(&f->c) == 0)
			f->stall = 0;
		flow_arm(f);
		flow_watch(f);
	}
}

/* Make room for one more connection: the flow idle longest goes. */
static int
room(struct sip_tps *s)
{
	struct sip_tps_flow *f, *old = NULL;

	if (s->st.conns < s->o.max_conns)
		return 1;
	for (f = s->flows; f != NULL; f = f->next)
		if (!f->udp && sip_conn_queued(&f->c) == 0 &&
		    (old == NULL || f->last_io < old->last_io))
			old = f;
	if (old == NULL)
		return 0;
	snprintf(old->c.err, sizeof old->c.err,
	    "closed for a new connection (%d at once)", s->o.max_conns);
	kill_flow(old, SIP_TPS_EVICTED);
	return 1;
}

static void
refuse(struct sip_tps *s, enum sip_tps_refusal why)
{
	s->st.refused[why]++;
	if (s->o.refused != NULL)
		s->o.refused(s, why, s->o.arg);
}

static void	accept_io(struct sip_loop *l, int fd, unsigned ev, void *arg);

static void
listener_wake(struct sip_timer *t, void *arg)
{
	struct listener *li = arg;

	(void)t;
	if (sip_loop_watch(li->s->l, li->fd, SIP_EV_READ, accept_io, li) ==
	    SIP_OK)
		li->resting = 0;
	else
		sip_loop_timer_in(li->s->l, &li->rest, LISTEN_REST_MS);
}

/*
 * A listener whose accept() fails for want of memory (or of a spare
 * descriptor) stays readable: the loop is level-triggered and would
 * call it again at once, for ever.  It rests a moment instead.
 */
static void
listener_rest(struct listener *li)
{
	if (li->resting)
		return;
	li->resting = 1;
	sip_loop_unwatch(li->s->l, li->fd);
	sip_loop_timer_in(li->s->l, &li->rest, LISTEN_REST_MS);
}

/*
 * No descriptor for a client (EMFILE, ENFILE): it waits in the backlog
 * and the listener stays readable.  The spare descriptor, given up for
 * a moment, takes the client and closes it, as at max_conns: it learns
 * at once, and the loop does not spin.  1 when one was taken.
 */
static int
shed(struct listener *li)
{
	struct sip_tps *s = li->s;
	int fd;

	if (s->spare < 0)
		return 0;
	close(s->spare);
	fd = accept4(li->fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd >= 0)
		close(fd);
	s->spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return fd >= 0;
}

static void
accept_io(struct sip_loop *l, int fd, unsigned ev, void *arg)
{
	struct listener *li = arg;
	struct sip_tps *s = li->s;

	(void)l;
	(void)ev;
	for (int n = 0; n < ACCEPT_BATCH; n++) {
		struct sip_tps_flow *f;
		enum sip_err e;
		int en;

		if ((f = flow_new(s)) == NULL) {
			listener_rest(li);
			return;
		}
		e = sip_conn_accept_start(&f->c, fd, li->tp, s->o.tls_server);
		if (e != SIP_OK && e != SIP_E_PARTIAL) {
			en = errno;
			sip_conn_close(&f->c);
			free(f);
			if (en == EINTR || en == ECONNABORTED)
				continue;
			if (en == EAGAIN || en == EWOULDBLOCK)
				return;		/* no more waiting */
			if ((en == EMFILE || en == ENFILE) && shed(li)) {
				refuse(s, SIP_TPS_REF_FDS);
				continue;
			}
			listener_rest(li);
			return;
		}
		if (!room(s)) {
			sip_conn_close(&f->c);	/* the client learns at once */
			free(f);
			refuse(s, SIP_TPS_REF_FULL);
			continue;
		}
		s->st.accepted++;
		flow_start(s, f, e);
	}
}

/* Send the datagrams held, in order; one that fails is lost alone. */
static void
udp_flush(struct udp_batch *b)
{
	int i = 0, r;

	for (int k = 0; k < b->nout; k++) {
		b->oiov[k].iov_base = b->out.p + b->ooff[k];
		b->oiov[k].iov_len = (k + 1 < b->nout ? b->ooff[k + 1] :
		    b->out.len) - b->ooff[k];
		memset(&b->omm[k].msg_hdr, 0, sizeof b->omm[k].msg_hdr);
		b->omm[k].msg_hdr.msg_name = &b->odst[k].ss;
		b->omm[k].msg_hdr.msg_namelen = b->odst[k].len;
		b->omm[k].msg_hdr.msg_iov = &b->oiov[k];
		b->omm[k].msg_hdr.msg_iovlen = 1;
	}
	while (i < b->nout) {
		r = sendmmsg(b->outfd, b->omm + i, (unsigned)(b->nout - i),
		    MSG_DONTWAIT | MSG_NOSIGNAL);
		if (r < 0 && errno == EINTR)
			continue;
		i += r > 0 ? r : 1;	/* UDP: a failed datagram is a lost one */
	}
	b->nout = 0;
	buf_reset(&b->out);
}

/* Hold a datagram for the batch's sendmmsg(). */
static enum sip_err
udp_hold(struct udp_batch *b, int fd, const struct sip_sockaddr *dst,
    const char *p, size_t n)
{
	enum sip_err e;

	if (b->nout == UDP_BATCH || (b->nout > 0 && fd != b->outfd))
		udp_flush(b);
	b->ooff[b->nout] = b->out.len;
	if ((e = buf_add(&b->out, p, n)) != SIP_OK)
		return e;
	b->odst[b->nout] = *dst;
	b->outfd = fd;
	b->nout++;
	return SIP_OK;
}

/*
 * The ICMP errors queued on a UDP socket (IP_RECVERR), each with the
 * destination of the datagram it answered, handed to unreach.
 */
static void
udp_errors(struct sip_tps *s, struct sip_tps_flow *f, int fd)
{
	for (int n = 0; n < UDP_BATCH && !f->dead; n++) {
		char ctl[512], detail[128], a[SIP_NET_ADDRSTR];
		struct sip_sockaddr dst;
		struct iovec iov = { a, sizeof a };
		struct msghdr mh;
		struct cmsghdr *cm;
		const struct sock_extended_err *ee = NULL;

		memset(&mh, 0, sizeof mh);
		memset(&dst, 0, sizeof dst);
		mh.msg_name = &dst.ss;
		mh.msg_namelen = sizeof dst.ss;
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = ctl;
		mh.msg_controllen = sizeof ctl;
		if (recvmsg(fd, &mh, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			return;
		dst.len = mh.msg_namelen;
		for (cm = CMSG_FIRSTHDR(&mh); cm != NULL;
		    cm = CMSG_NXTHDR(&mh, cm))
			if ((cm->cmsg_level == IPPROTO_IP &&
			    cm->cmsg_type == IP_RECVERR) ||
			    (cm->cmsg_level == IPPROTO_IPV6 &&
			    cm->cmsg_type == IPV6_RECVERR))
				ee = (const void *)CMSG_DATA(cm);
		if (ee == NULL || s->o.unreach == NULL || dst.len == 0)
			continue;
		if (ee->ee_errno == ECONNREFUSED)
			snprintf(detail, sizeof detail,
			    "port unreachable (ICMP): nothing listens there");
		else
			snprintf(detail, sizeof detail, "%s (ICMP)",
			    strerror((int)ee->ee_errno));
		s->o.unreach(s, f, &dst, detail, s->o.arg);
	}
}

/* An error a UDP socket reports for an earlier datagram's ICMP answer. */
static int
icmp_errno(int e)
{
	return e == ECONNREFUSED || e == EHOSTUNREACH || e == ENETUNREACH ||
	    e == EHOSTDOWN || e == ENONET || e == EPROTO || e == EMSGSIZE;
}

/*
 * Read datagrams: a batch with recvmmsg() from the loop (MSG_DONTWAIT);
 * one with recvmsg() in sip_tps_udp_wait() (flags 0), which waits in the
 * read for the one answer to the one request: recvmmsg's MSG_WAITFORONE
 * would try the socket a second time, in the kernel, for every answer.
 */
static int
udp_recv(struct udp_batch *b, int fd, int flags)
{
	ssize_t k;

	if (flags != 0)
		return recvmmsg(fd, b->mm, UDP_BATCH, flags | MSG_WAITFORONE,
		    NULL);
	if ((k = recvmsg(fd, &b->mm[0].msg_hdr, 0)) < 0)
		return -1;
	b->mm[0].msg_len = (unsigned)k;
	return 1;
}

/*
 * One batch of datagrams from f's socket fd (its own or its twin's),
 * each handed up where it was read (udp_recv() with flags).  Returns
 * how many were read; an ICMP error that came first is read off the
 * error queue and handed to unreach.
 */
static int
udp_take(struct sip_tps *s, struct sip_tps_flow *f, int fd, int flags)
{
	struct udp_batch *b = s->ub;
	struct sip_tps_rx rx;
	struct sip_msg m;
	struct sip_perr pe;
	uint64_t us;
	int n;

	/* the headers are set up once (udp_flow) and kept ready: below */
	n = udp_recv(b, fd, flags);
	if (n < 0 && icmp_errno(errno)) {
		/* the error went first; the datagrams wait behind it */
		udp_errors(s, f, fd);
		if (f->dead || flags == 0)
			return 0;
		n = udp_recv(b, fd, flags);
	}
	if (n <= 0)
		return 0;	/* EAGAIN, EINTR, a wait that ran out */
	if (f->twin != NULL)
		f->twin_in = fd == f->twin->fd;
	/* the arrival, and the loop's time for what runs before its next turn */
	us = sip_loop_update_us(s->l);
	/* the kernel wrote only these n headers' address lengths */
	for (int i = 0; i < n; i++) {
		b->src[i].len = b->mm[i].msg_hdr.msg_namelen;
		b->mm[i].msg_hdr.msg_namelen = sizeof b->src[i].ss;
	}
	b->cork = 1;
	for (int i = 0; i < n && !f->dead; i++) {
		char *p = b->iov[i].iov_base;
		size_t len = b->mm[i].msg_len;
		size_t k;

		p[len] = '\0';
		for (k = 0; k < len && (p[k] == '\r' || p[k] == '\n'); k++)
			;
		if (k == len) {
			f->c.pings++;	/* a keep-alive datagram */
			continue;
		}
		memset(&rx, 0, sizeof rx);
		memset(&pe, 0, sizeof pe);
		f->c.peer = b->src[i];
		rx.tp = SIP_TP_UDP;
		rx.src = &b->src[i];
		rx.local = &f->c.local;
		rx.rx_us = us;
		rx.data = p;
		rx.len = len;
		if (sip_msg_parse(&m, p, len, 0, &pe) == SIP_OK)
			rx.msg = &m;
		else
			rx.why = pe.why != NULL ? pe.why : "bad message";
		deliver(s, f, &rx);
	}
	b->cork = 0;
	if (b->nout > 0)
		udp_flush(b);
	return n;
}

/* A UDP flow's socket or its twin is readable. */
static void
udp_io(struct sip_loop *l, int fd, unsigned ev, void *arg)
{
	struct sip_tps_flow *f = arg;

	(void)l;
	if (ev & SIP_EV_ERROR)
		udp_errors(f->s, f, fd);
	if (!f->dead)
		udp_take(f->s, f, fd, MSG_DONTWAIT);
}

int
sip_tps_udp_wait(struct sip_tps *s, int max_ms)
{
	struct sip_tps_flow *f = s->udp_out[0] != NULL ? s->udp_out[0] :
	    s->udp_out[1];
	int fds[2], fd;

	if (f == NULL || f->dead || s->nlis > 0 || s->st.conns > 0 ||
	    (s->udp_out[0] != NULL && s->udp_out[1] != NULL) ||
	    !s->o.recverr)
		return -1;
	fds[0] = f->c.fd;
	if (f->twin != NULL) {
		/*
		 * The answer comes to the twin when the request went over it
		 * and the peer answers from where it was sent to, as the
		 * last one did; one from elsewhere (RFC 3261 18.1.2) comes
		 * to the flow's own socket, which the loop reads once the
		 * wait runs out.  Otherwise the loop waits on both.
		 */
		fds[1] = f->twin->fd;
		if (!f->twin_in || !f->twin_out ||
		    !sip_loop_only_fds(s->l, fds, 2))
			return -1;
		fd = fds[1];
	} else {
		if (!sip_loop_only_fds(s->l, fds, 1))
			return -1;
		fd = fds[0];
	}
	if (max_ms <= 0)
		return udp_take(s, f, fd, MSG_DONTWAIT);
	if (max_ms != s->rcvtimeo_ms || fd != s->rcvtimeo_fd) {
		struct timeval tv = { max_ms / 1000, (max_ms % 1000) * 1000 };

		if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0)
			return -1;
		s->rcvtimeo_ms = max_ms;
		s->rcvtimeo_fd = fd;
	}
	return udp_take(s, f, fd, 0);
}

struct sip_tps *
sip_tps_new(struct sip_loop *l, const struct sip_tps_opts *o)
{
	struct sip_tps *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	s->l = l;
	s->o = *o;
	if (s->o.max_conns <= 0)
		s->o.max_conns = SIP_TPS_MAX_CONNS;
	if (s->o.idle_ms == 0)
		s->o.idle_ms = SIP_TPS_IDLE_MS;
	if (s->o.handshake_ms <= 0)
		s->o.handshake_ms = SIP_TPS_HANDSHAKE_MS;
	if (s->o.queue_max == 0)
		s->o.queue_max = SIP_TPS_QUEUE_MAX;
	if (s->o.send_ms <= 0)
		s->o.send_ms = SIP_TPS_SEND_MS;
	if (s->o.mem_max == 0)
		s->o.mem_max = SIP_TPS_MEM_MAX;
	sip_timer_init(&s->reap, reap, s);
	s->spare = -1;
	s->rcvtimeo_fd = -1;
	return s;
}

void
sip_tps_free(struct sip_tps *s)
{
	if (s == NULL)
		return;
	while (s->flows != NULL)
		kill_flow(s->flows, SIP_TPS_LOCAL);
	reap(&s->reap, s);
	sip_loop_timer_stop(s->l, &s->reap);
	for (int i = 0; i < s->nlis; i++) {
		if (s->lis[i]->tp != SIP_TP_UDP && !s->lis[i]->resting)
			sip_loop_unwatch(s->l, s->lis[i]->fd);	/* UDP: above */
		sip_loop_timer_stop(s->l, &s->lis[i]->rest);
		close(s->lis[i]->fd);
		free(s->lis[i]);
	}
	free(s->lis);
	if (s->spare >= 0)
		close(s->spare);
	if (s->ub != NULL) {
		free(s->ub->buf);
		buf_free(&s->ub->out);
	}
	free(s->ub);
	free(s);
}

/* A UDP socket fd as a flow of the set, read in batches. */
static struct sip_tps_flow *
udp_flow(struct sip_tps *s, int fd, char *err, size_t errsz)
{
	struct sip_tps_flow *f;

	if (s->ub == NULL) {
		if ((s->ub = calloc(1, sizeof *s->ub)) == NULL ||
		    (s->ub->buf = malloc(UDP_BATCH *
		    (size_t)(SIP_UDP_MAX + 1))) == NULL)
			goto nomem;
		buf_init(&s->ub->out, 0);
		for (int i = 0; i < UDP_BATCH; i++) {
			s->ub->iov[i].iov_base = s->ub->buf +
			    (size_t)i * (SIP_UDP_MAX + 1);
			s->ub->iov[i].iov_len = SIP_UDP_MAX;
			s->ub->mm[i].msg_hdr.msg_iov = &s->ub->iov[i];
			s->ub->mm[i].msg_hdr.msg_iovlen = 1;
			s->ub->mm[i].msg_hdr.msg_name = &s->ub->src[i].ss;
			s->ub->mm[i].msg_hdr.msg_namelen =
			    sizeof s->ub->src[i].ss;
		}
	}
	if ((f = flow_new(s)) == NULL)
		goto nomem;
	f->udp = 1;
	sip_conn_udp_server(&f->c, fd);
	if (sip_loop_watch(s->l, fd, SIP_EV_READ, udp_io, f) != SIP_OK) {
		snprintf(err, errsz, "cannot watch the socket");
		free(f);
		return NULL;
	}
	f->watched = SIP_EV_READ;
	list_add(&s->flows, f);
	return f;
nomem:
	snprintf(err, errsz, "out of memory");
	return NULL;
}

enum sip_err
sip_tps_listen(struct sip_tps *s, enum sip_tp tp, struct sip_sockaddr *addr,
    char *err, size_t errsz)
{
	struct listener *li, **nl;
	enum sip_err e;
	int fd, ok;

	if (sip_tp_secure(tp) && s->o.tls_server == NULL) {
		snprintf(err, errsz, "no TLS server context");
		return SIP_E_INVAL;
	}
	if ((nl = realloc(s->lis, (size_t)(s->nlis + 1) * sizeof *nl)) == NULL ||
	    (li = calloc(1, sizeof *li)) == NULL) {
		if (nl != NULL)
			s->lis = nl;
		snprintf(err, errsz, "out of memory");
		return SIP_E_NOMEM;
	}
	s->lis = nl;
	if ((e = sip_conn_listen(tp, addr, &fd, err, errsz)) != SIP_OK) {
		free(li);
		return e;
	}
	li->s = s;
	li->tp = tp;
	li->fd = fd;
	li->addr = *addr;
	sip_timer_init(&li->rest, listener_wake, li);
	/* a stream listener's spare: see shed() */
	if (tp != SIP_TP_UDP && s->spare < 0)
		s->spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (tp == SIP_TP_UDP && s->o.recverr)
		udp_client_opts(s, fd, addr->ss.ss_family == AF_INET6);
	if (tp == SIP_TP_UDP)
		ok = (li->udp = udp_flow(s, fd, err, errsz)) != NULL;
	else if (!(ok = sip_loop_watch(s->l, fd, SIP_EV_READ, accept_io, li) ==
	    SIP_OK))
		snprintf(err, errsz, "cannot watch the socket");
	if (!ok) {
		close(fd);
		free(li);
		return SIP_E_NET;
	}
	s->lis[s->nlis++] = li;
	return SIP_OK;
}

/* A client's UDP socket: ICMP errors reported, the multicast TTL. */
static void
udp_client_opts(struct sip_tps *s, int fd, int v6)
{
	int one = 1, ttl = s->o.mcast_ttl > 0 ? s->o.mcast_ttl : 1;

	if (s->o.recverr) {
		setsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
		    v6 ? IPV6_RECVERR : IP_RECVERR, &one, sizeof one);
		/*
		 * A client's socket blocks, for sip_tps_udp_wait()'s read;
		 * every other use passes MSG_DONTWAIT.
		 */
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	}
	setsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
	    v6 ? IPV6_MULTICAST_HOPS : IP_MULTICAST_TTL, &ttl, sizeof ttl);
}

/*
 * Our own UDP socket f gets a twin on the same address and port,
 * connect()ed to dst, the first peer it sends to.  Linux hands a datagram
 * from dst to the connected socket and one from anywhere else to f's
 * (RFC 3261 18.1.2: a response may come from another address or port);
 * the loop watches both, and sends to dst go over the twin.  A
 * connected socket's sends skip the route lookup and its datagrams
 * the wildcard socket lookup (early demux), and sip_tps_udp_wait() waits
 * in its recv().  The port is shared (SO_REUSEADDR) only while the twin
 * binds: nobody else can bind it after.  No twin, no harm: f sends.
 */
static void
udp_twin(struct sip_tps *s, struct sip_tps_flow *f,
    const struct sip_sockaddr *dst)
{
	int v6 = dst->ss.ss_family == AF_INET6, one = 1, zero = 0, fd;
	struct sip_conn *t;

	f->twin_tried = 1;
	if (sip_net_is_multicast(dst) || sip_net_is_any(dst) ||
	    (t = malloc(sizeof *t)) == NULL)
		return;
	sip_conn_init(t);
	fd = socket(dst->ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	if (v6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (setsockopt(f->c.fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof one) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(fd, (const struct sockaddr *)&f->c.local.ss,
	    f->c.local.len) < 0 ||
	    connect(fd, (const struct sockaddr *)&dst->ss, dst->len) < 0)
		goto fail;
	setsockopt(f->c.fd, SOL_SOCKET, SO_REUSEADDR, &zero, sizeof zero);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &zero, sizeof zero);
	udp_client_opts(s, fd, v6);
	t->tp = SIP_TP_UDP;
	t->fd = fd;
	t->connected = 1;
	t->peer = *dst;
	t->local = f->c.local;
	if (sip_loop_watch(s->l, fd, SIP_EV_READ, udp_io, f) != SIP_OK)
		goto fail;
	f->twin = t;
	return;
fail:
	setsockopt(f->c.fd, SOL_SOCKET, SO_REUSEADDR, &zero, sizeof zero);
	t->fd = -1;
	sip_conn_close(t);
	if (fd >= 0)
		close(fd);
	free(t);
}

/* A UDP socket of the family of dst: a listener's, else our own. */
static struct sip_tps_flow *
udp_for(struct sip_tps *s, const struct sip_sockaddr *dst)
{
	int v6 = dst->ss.ss_family == AF_INET6;
	struct sip_sockaddr any;
	char err[128];
	int fd;

	for (int i = 0; i < s->nlis; i++)
		if (s->lis[i]->tp == SIP_TP_UDP &&
		    s->lis[i]->addr.ss.ss_family == dst->ss.ss_family &&
		    !s->lis[i]->udp->dead)
			return s->lis[i]->udp;
	if (s->udp_out[v6] != NULL)
		return s->udp_out[v6];
	memset(&any, 0, sizeof any);
	any.ss.ss_family = dst->ss.ss_family;
	any.len = dst->len;
	if (sip_conn_listen(SIP_TP_UDP, &any, &fd, err, sizeof err) != SIP_OK)
		return NULL;
	udp_client_opts(s, fd, v6);
	if ((s->udp_out[v6] = udp_flow(s, fd, err, sizeof err)) == NULL) {
		close(fd);
		return NULL;
	}
	/* closed with the set: the conn of a UDP flow does not own its fd */
	s->udp_out[v6]->c.server = 0;
	return s->udp_out[v6];
}

enum sip_err
sip_tps_send_flow(struct sip_tps *s, struct sip_tps_flow *f,
    const struct sip_sockaddr *dst, const char *p, size_t n)
{
	enum sip_err e;

	if (f->dead)
		return SIP_E_CLOSED;
	if (f->udp) {
		if (dst == NULL)
			dst = &f->c.peer;
		trace_out(s, f, dst, p, n);
		if (s->ub->cork)
			return udp_hold(s->ub, f->c.fd, dst, p, n);
		if (!f->twin_tried && f == s->udp_out[dst->ss.ss_family ==
		    AF_INET6])
			udp_twin(s, f, dst);
		if (f->twin != NULL &&
		    (f->twin_out = sip_net_equal(dst, &f->twin->peer)))
			return sip_conn_sendto(f->twin, p, n, dst);
		return sip_conn_sendto(&f->c, p, n, dst);
	}
	trace_out(s, f, &f->c.peer, p, n);
	if ((e = sip_conn_send(&f->c, p, n)) == SIP_OK && f->c.state ==
	    SIP_CONN_OPEN && sip_conn_queued(&f->c) == 0)
		f->last_io = sip_loop_now(s->l);
	return e;
}

enum sip_err
sip_tps_open(struct sip_tps *s, const struct sip_tps_dst *d,
    struct sip_tps_flow **flow)
{
	struct sip_tps_flow *f;
	struct sip_conn_opts co;
	enum sip_err e;

	*flow = NULL;
	if (d->tp == SIP_TP_UDP) {
		if ((f = udp_for(s, &d->addr)) == NULL)
			return SIP_E_NET;
	} else if ((f = sip_tps_find(s, d->tp, &d->addr)) == NULL) {
		if (!room(s)) {
			refuse(s, SIP_TPS_REF_FULL);
			return SIP_E_NOMEM;
		}
		if ((f = flow_new(s)) == NULL)
			return SIP_E_NOMEM;
		memset(&co, 0, sizeof co);
		co.tls = s->o.tls_client;
		co.host = d->host;
		co.ws_path = d->ws_path;
		co.bind = s->o.bind;
		e = sip_conn_connect_start(&f->c, d->tp, &d->addr, &co);
		if (e != SIP_OK && e != SIP_E_PARTIAL) {
			/* said once, for whoever asks next (the caller) */
			snprintf(s->err, sizeof s->err, "%s", f->c.err);
			sip_conn_close(&f->c);
			free(f);
			return e;
		}
		s->st.opened++;
		flow_start(s, f, e);
	}
	*flow = f;
	return SIP_OK;
}

const char *
sip_tps_err(const struct sip_tps *s)
{
	return s->err;
}

enum sip_err
sip_tps_send(struct sip_tps *s, const struct sip_tps_dst *d, const char *p,
    size_t n, struct sip_tps_flow **flow)
{
	struct sip_tps_flow *f;
	enum sip_err e;

	if (flow != NULL)
		*flow = NULL;
	if ((e = sip_tps_open(s, d, &f)) != SIP_OK)
		return e;
	if (flow != NULL)
		*flow = f;
	return sip_tps_send_flow(s, f, &d->addr, p, n);
}

enum sip_err
sip_tps_send_udp(struct sip_tps *s, const struct sip_sockaddr *dst,
    const char *p, size_t n)
{
	struct sip_tps_flow *f = udp_for(s, dst);

	return f != NULL ? sip_tps_send_flow(s, f, dst, p, n) : SIP_E_NET;
}

struct sip_tps_flow *
sip_tps_find(struct sip_tps *s, enum sip_tp tp, const struct sip_sockaddr *peer)
{
	uint32_t h = addr_hash(tp, peer);
	struct sip_tps_flow *f;

	for (f = s->bucket[h & (FLOW_BUCKETS - 1)]; f != NULL; f = f->hnext)
		if (f->hash == h && f->c.tp == tp &&
		    sip_net_equal(&f->c.peer, peer))
			return f;
	return NULL;
}

uint64_t
sip_tps_id(const struct sip_tps_flow *f)
{
	return f->id;
}

struct sip_tps_flow *
sip_tps_byid(struct sip_tps *s, uint64_t id)
{
	for (struct sip_tps_flow *f = s->flows; f != NULL; f = f->next)
		if (f->id == id)
			return f;
	return NULL;
}

enum sip_tp
sip_tps_tp(const struct sip_tps_flow *f)
{
	return f->c.tp;
}

const struct sip_sockaddr *
sip_tps_peer(const struct sip_tps_flow *f)
{
	return &f->c.peer;
}

const struct sip_sockaddr *
sip_tps_local(const struct sip_tps_flow *f)
{
	return &f->c.local;
}

enum sip_err
sip_tps_flow_err(const struct sip_tps_flow *f)
{
	return f->err;
}

struct sip_conn *
sip_tps_conn(struct sip_tps_flow *f)
{
	return &f->c;
}

struct sip_tps_flow *
sip_tps_flow_of(struct sip_conn *c)
{
	return (struct sip_tps_flow *)(void *)((char *)c -
	    offsetof(struct sip_tps_flow, c));
}

size_t
sip_tps_queued(const struct sip_tps_flow *f)
{
	return sip_conn_queued(&f->c);
}

void
sip_tps_close(struct sip_tps *s, struct sip_tps_flow *f)
{
	(void)s;
	snprintf(f->c.err, sizeof f->c.err, "closed here");
	kill_flow(f, SIP_TPS_LOCAL);
}

void
sip_tps_stats(const struct sip_tps *s, struct sip_tps_stats *st)
{
	*st = s->st;
}

int
sip_tps_listener(const struct sip_tps *s, int i, enum sip_tp *tp,
    struct sip_sockaddr *addr)
{
	if (i < 0 || i >= s->nlis)
		return 0;
	*tp = s->lis[i]->tp;
	*addr = s->lis[i]->addr;
	return 1;
}
