/*
 * uas.c - the server transaction table: responses go out, and its timer
 * heap runs Timer G retransmissions and ends transactions on Timers J
 * and H at their instants, driven by made-up instants, so every deadline
 * is checked to the millisecond whatever the machine's load.  The table
 * is handed the time and reads no clock: the clock it could read says
 * something else, and every deadline would be off.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "build.h"
#include "clock.h"
#include "net.h"
#include "uas.h"
#include "tap.h"

static int cfd;			/* the client's socket */
static uint64_t fake_us = 1000000000ULL;	/* now: 1,000 s */

/* The clock the table must not read: 7 ms, far from fake_us. */
static uint64_t
wrong_clock(void *arg)
{
	(void)arg;
	return 7000;
}

#define NOW	(fake_us / 1000)
static int cport;

static void
request(const char *method, const char *branch, struct sip_msg *m,
    char *buf, size_t n)
{
	snprintf(buf, n,
	    "%s sip:bob@127.0.0.1 SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=%s;rport\r\n"
	    "Max-Forwards: 70\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\n"
	    "To: <sip:bob@127.0.0.1>\r\nCall-ID: %s@uas\r\n"
	    "CSeq: 1 %s\r\nContent-Length: 0\r\n\r\n",
	    method, cport, branch, branch, method);
	sip_msg_parse(m, buf, strlen(buf), 0, NULL);
}

/* An INVITE with pad bytes of headers and a body of n bytes, into buf. */
static void
big_invite(const char *branch, size_t pad, size_t body, struct sip_msg *m,
    char *buf, size_t n)
{
	int k = snprintf(buf, n,
	    "INVITE sip:bob@127.0.0.1 SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=%s;rport\r\n"
	    "Max-Forwards: 70\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\n"
	    "To: <sip:bob@127.0.0.1>\r\nCall-ID: %s@uas\r\n"
	    "CSeq: 1 INVITE\r\nX-Pad: %0*d\r\nContent-Length: %zu\r\n\r\n",
	    cport, branch, branch, (int)pad, 0, body);

	memset(buf + k, 'b', body);
	sip_msg_parse(m, buf, (size_t)k + body, 0, NULL);
}

/* Answers waiting on the client's socket. */
static int
received(void)
{
	char b[65536];
	int k = 0;

	while (recv(cfd, b, sizeof b, MSG_DONTWAIT) > 0)
		k++;
	return k;
}

static void
answer(struct sip_uas *u, struct sip_uas_txn *t, const struct sip_msg *m,
    int code)
{
	struct buf b = { 0 };
	struct sip_resp_params p = { .code = code, .to_tag = "uas" };

	sip_build_response(&b, m, &p);
	sip_uas_respond(u, t, b.p, b.len, NOW);
	buf_free(&b);
}

/* The ACK of the 2xx to INVITE z9hG4bKok1, with To tag tag. */
static void
ack_for(struct sip_msg *m, char *buf, size_t n, const char *tag)
{
	snprintf(buf, n,
	    "ACK sip:bob@127.0.0.1 SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKack%s;rport\r\n"
	    "Max-Forwards: 70\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\n"
	    "To: <sip:bob@127.0.0.1>;tag=%s\r\nCall-ID: z9hG4bKok1@uas\r\n"
	    "CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n", cport, tag, tag);
	sip_msg_parse(m, buf, strlen(buf), 0, NULL);
}

int
main(void)
{
	struct sip_uas u = { 0 };
	struct sip_conn c;
	struct sip_sockaddr a, src;
	struct sip_uas_txn *t;
	enum sip_uas_got got;
	struct sip_msg m;
	char err[128], rb[3][1024];
	struct sockaddr_in ca = { .sin_family = AF_INET };
	socklen_t cl = sizeof ca;
	uint64_t t0, d;
	int fd;

	sip_clock_set(wrong_clock, NULL);
	sip_net_numeric("127.0.0.1", 0, &a);
	if (sip_conn_listen(SIP_TP_UDP, &a, &fd, err, sizeof err) != SIP_OK) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	sip_conn_udp_server(&c, fd);
	cfd = socket(AF_INET, SOCK_DGRAM, 0);
	ca.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(cfd, (struct sockaddr *)&ca, sizeof ca);
	getsockname(cfd, (struct sockaddr *)&ca, &cl);
	cport = ntohs(ca.sin_port);
	sip_net_numeric("127.0.0.1", cport, &src);

	ok(sip_uas_timers(&u, NOW) == 0, "no transaction, no timer");
	request("ACK", "z9hG4bKack2xx", &m, rb[0], sizeof rb[0]);
	ok(sip_uas_request(&u, &c, &src, &m, NOW, &t, &got) == SIP_OK &&
	    got == SIP_UAS_ACK_2XX && t == NULL && u.nused == 0,
	    "an ACK matching no transaction is the TU's, not a new one");

	/* A non-INVITE answered: Timer J (64*T1) ends it, not before. */
	request("OPTIONS", "z9hG4bKj1", &m, rb[0], sizeof rb[0]);
	t0 = NOW;
	ok(sip_uas_request(&u, &c, &src, &m, NOW, &t, &got) == SIP_OK &&
	    got == SIP_UAS_NEW && t != NULL,
	    "a new OPTIONS opens a transaction");
	answer(&u, t, &m, 200);
	usleep(20000);
	ok(received() == 1, "its 200 goes out once");
	d = sip_uas_timers(&u, NOW);
	ok(d == t0 + 32000,
	    "the next deadline is Timer J, 32 s on (%llu ms)",
	    (unsigned long long)(d - t0));
	ok(sip_uas_request(&u, &c, &src, &m, NOW, &t, &got) == SIP_OK &&
	    got == SIP_UAS_ABSORBED && t == NULL && u.absorbed == 1,
	    "a retransmission is absorbed");
	usleep(20000);
	ok(received() == 1, "and answered with the same 200 again");
	ok(sip_uas_timers(&u, d - 1) == d && u.nused == 1,
	    "nothing fires before the deadline");
	ok(sip_uas_timers(&u, d) == 0 && u.nused == 0,
	    "Timer J ends it at its instant; no timer is left");

	/* An INVITE answered 486: Timer G resends, H ends it. */
	request("INVITE", "z9hG4bKg1", &m, rb[1], sizeof rb[1]);
	t0 = NOW;
	sip_uas_request(&u, &c, &src, &m, NOW, &t, &got);
	answer(&u, t, &m, 486);
	usleep(20000);
	received();
	d = sip_uas_timers(&u, NOW);
	ok(d == t0 + 500, "Timer G first at T1");
	d = sip_uas_timers(&u, d);
	usleep(20000);
	ok(received() == 1 && d == t0 + 1500,
	    "the 486 is resent at T1, and next at 3*T1");
	d = sip_uas_timers(&u, d);
	usleep(20000);
	ok(received() == 1 && d == t0 + 3500,
	    "again at 3*T1, and next at 7*T1");

	/* A second transaction, 100 ms later, with a later deadline. */
	fake_us += 100000;
	request("MESSAGE", "z9hG4bKm1", &m, rb[2], sizeof rb[2]);
	sip_uas_request(&u, &c, &src, &m, NOW, &t, &got);
	answer(&u, t, &m, 200);
	ok(sip_uas_timers(&u, NOW) == d && u.nused == 2,
	    "the heap gives the earlier of two deadlines");
	ok(sip_uas_timers(&u, t0 + 64 * 500) > t0 + 32000 && u.nused == 1,
	    "Timer H ends the INVITE transaction; the MESSAGE one waits");
	ok(sip_uas_timers(&u, NOW + 40000) == 0 && u.nused == 0,
	    "and Timer J ends that one");

	/*
	 * An INVITE answered 200: the table resends it at T1, 2*T1, 4*T1,
	 * then every T2 until its ACK (RFC 3261 13.3.1.4); an ACK of
	 * another dialog does not stop it.
	 */
	request("INVITE", "z9hG4bKok1", &m, rb[1], sizeof rb[1]);
	t0 = NOW;
	sip_uas_request(&u, &c, &src, &m, NOW, &t, &got);
	answer(&u, t, &m, 200);
	usleep(20000);
	received();
	d = sip_uas_timers(&u, NOW);
	ok(d == t0 + 500 && u.nok == 1, "a 2xx to an INVITE waits T1 "
	    "for its ACK");
	{
		static const uint64_t at[] = { 1500, 3500, 7500, 11500, 15500 };
		int sched = 1;

		for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
			d = sip_uas_timers(&u, d);
			usleep(20000);
			if (received() != 1 || d != t0 + at[i])
				sched = 0;
		}
		ok(sched && u.ok_resent == 5, "and is resent at 0.5, 1.5, "
		    "3.5, 7.5 and 11.5 s: T1 doubling to T2");
	}
	ack_for(&m, rb[2], sizeof rb[2], "other");
	ok(sip_uas_request(&u, &c, &src, &m, NOW, &t, &got) == SIP_OK &&
	    got == SIP_UAS_ACK_2XX && u.nok == 1,
	    "an ACK with another To tag leaves it resent");
	ack_for(&m, rb[2], sizeof rb[2], "uas");
	ok(sip_uas_request(&u, &c, &src, &m, NOW, &t, &got) == SIP_OK &&
	    got == SIP_UAS_ACK_2XX && u.nok == 0,
	    "its ACK (a new branch, the dialog's tags) stops it");
	ok(sip_uas_timers(&u, d) == t0 + 32000 && u.ok_resent == 5,
	    "nothing is resent after the ACK; Timer L is left");
	ok(sip_uas_timers(&u, t0 + 32000) == 0 && u.nused == 0,
	    "Timer L ends the transaction");

	/* Never ACKed: resent every T2 until Timer L, 64*T1, then quiet. */
	request("INVITE", "z9hG4bKok2", &m, rb[1], sizeof rb[1]);
	t0 = NOW;
	sip_uas_request(&u, &c, &src, &m, NOW, &t, &got);
	answer(&u, t, &m, 200);
	for (d = sip_uas_timers(&u, NOW); d != 0; d = sip_uas_timers(&u, d))
		;
	usleep(20000);
	ok(u.ok_resent == 5 + 10 && received() == 11 && u.nused == 0 &&
	    u.nok == 0, "a 2xx never ACKed is resent 10 times in 64*T1, "
	    "then its transaction ends (%lu)", u.ok_resent - 5);

	/* Many: the heap stays bounded while transactions come and go. */
	{
		char b[1024], br[32];
		int fine = 1;

		for (int i = 0; i < 5 * SIP_UAS_MAXTXN; i++) {
			snprintf(br, sizeof br, "z9hG4bKmany%d", i);
			request("OPTIONS", br, &m, b, sizeof b);
			if (sip_uas_request(&u, &c, &src, &m, NOW, &t, &got) !=
			    SIP_OK || t == NULL) {
				fine = 0;
				break;
			}
			answer(&u, t, &m, 200);
			received();
		}
		ok(fine && u.nused == SIP_UAS_MAXTXN &&
		    u.evicted == 4 * SIP_UAS_MAXTXN &&
		    u.timers.n <= SIP_UAS_MAXTXN,
		    "40960 transactions: 8192 kept, the oldest let go, heap "
		    "bounded (%zu entries)", u.timers.n);
		ok(sip_uas_timers(&u, NOW + 40000) == 0 &&
		    u.nused == 0, "all end on Timer J");
	}
	sip_uas_free(&u);

	/* Bytes: a transaction keeps the request's head, and the table a
	 * budget, past which the oldest answered ones go. */
	{
		static char b[3][20000];
		struct sip_uas v = { .max_bytes = 64 * 1024 };
		struct sip_uas_txn *pend;
		struct sip_msg keep, pm;
		char br[32];
		int fine = 1;

		big_invite("z9hG4bKpend", 3000, 16000, &pm, b[0], sizeof b[0]);
		sip_uas_request(&v, &c, &src, &pm, NOW, &pend, &got);
		ok(pend != NULL && pend->txn.req.len == pm.len &&
		    sip_txn_server_request(&pend->txn, &keep) == SIP_OK &&
		    keep.body.len == 16000,
		    "an INVITE waiting for its answer keeps its body, for a "
		    "TU that answers later");
		for (int i = 0; i < 100; i++) {
			snprintf(br, sizeof br, "z9hG4bKbig%d", i);
			big_invite(br, 3000, 16000, &m, b[1], sizeof b[1]);
			if (sip_uas_request(&v, &c, &src, &m, NOW, &t, &got) !=
			    SIP_OK || t == NULL) {
				fine = 0;
				break;
			}
			answer(&v, t, &m, 486);
			received();
			if (v.bytes > v.max_bytes ||
			    t->txn.req.len != m.body_off)
				fine = 0;
		}
		ok(fine && v.evicted > 0 && v.nused < 100,
		    "100 INVITEs with 3,000-byte heads answered 486: each keeps "
		    "its head alone, never more than 64 kB kept (%zu now), the "
		    "oldest let go (%lu), %d kept", v.bytes, v.evicted, v.nused);
		ok(sip_txn_server_request(&t->txn, &keep) == SIP_OK &&
		    keep.body.len == 0 && slice_eq(sip_msg_value(&keep,
		    SIP_HDR_CALL_ID), sip_msg_value(&m, SIP_HDR_CALL_ID)),
		    "what an answered one keeps still parses, with no body");
		memcpy(b[2], b[0], sizeof b[0]);
		sip_msg_parse(&pm, b[2], pm.len, 0, NULL);
		ok(sip_uas_request(&v, &c, &src, &pm, NOW, &t, &got) == SIP_OK &&
		    got == SIP_UAS_ABSORBED,
		    "the one still waiting for its answer was kept: its "
		    "retransmission is absorbed");
		answer(&v, pend, &pm, 486);
		received();
		ok(sip_uas_timers(&v, NOW + 40000) == 0 && v.nused == 0 &&
		    v.bytes == 0, "when they all end, nothing is counted");
		sip_uas_free(&v);
	}
	close(cfd);
	close(fd);
	return done();
}
