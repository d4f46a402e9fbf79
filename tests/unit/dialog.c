/*
 * dialog.c - dialogs from both sides (RFC 3261 12): route set order,
 * remote target, tags, CSeq, strict and loose routing, matching.
 */
#include <string.h>

#include "dialog.h"
#include "tap.h"

static const char invite[] =
    "INVITE sip:bob@b.example SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKd1\r\n"
    "Max-Forwards: 70\r\n"
    "From: \"Alice\" <sip:alice@a.example>;tag=fa\r\n"
    "To: <sip:bob@b.example>\r\n"
    "Call-ID: dlg1@a.example\r\n"
    "CSeq: 10 INVITE\r\n"
    "Contact: <sip:alice@127.0.0.1:5070>\r\n"
    "Record-Route: <sip:p1.example;lr>, <sip:p2.example;lr>\r\n"
    "Record-Route: <sip:p3.example;lr>\r\n"
    "Content-Length: 0\r\n\r\n";

static const char ok200[] =
    "SIP/2.0 200 OK\r\n"
    "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKd1\r\n"
    "From: \"Alice\" <sip:alice@a.example>;tag=fa\r\n"
    "To: <sip:bob@b.example>;tag=tb\r\n"
    "Call-ID: dlg1@a.example\r\n"
    "CSeq: 10 INVITE\r\n"
    "Contact: <sip:bob@192.0.2.4:5080;transport=tcp>\r\n"
    "Record-Route: <sip:p1.example;lr>, <sip:p2.example;lr>\r\n"
    "Record-Route: <sip:p3.example;lr>\r\n"
    "Content-Length: 0\r\n\r\n";

static const char ringing_strict[] =
    "SIP/2.0 180 Ringing\r\n"
    "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKd1\r\n"
    "From: \"Alice\" <sip:alice@a.example>;tag=fa\r\n"
    "To: <sip:bob@b.example>;tag=tb\r\n"
    "Call-ID: dlg1@a.example\r\n"
    "CSeq: 10 INVITE\r\n"
    "Contact: <sip:bob@192.0.2.4>\r\n"
    "Record-Route: <sip:loose.example;lr>, <sip:strict.example>\r\n"
    "Content-Length: 0\r\n\r\n";

static const char *
hdr_of(const char *msg, const char *name, char *out, size_t n)
{
	const char *p = strstr(msg, name);
	size_t i = 0;

	out[0] = '\0';
	if (p == NULL)
		return out;
	p += strlen(name);
	while (p[i] != '\r' && i + 1 < n) {
		out[i] = p[i];
		i++;
	}
	out[i] = '\0';
	return out;
}

/* ok200 with its To tag replaced by tag (and code in the status line). */
static void
fork_resp(struct sip_msg *m, char *buf, size_t n, int code, const char *tag)
{
	const char *to = strstr(ok200, "tag=tb");
	int k = snprintf(buf, n, "SIP/2.0 %d X%.*s%s%s", code,
	    (int)(to - ok200 - 14), ok200 + 14, "tag=", tag);

	snprintf(buf + k, n - (size_t)k, "%s", to + 6);
	sip_msg_parse(m, buf, strlen(buf), 0, NULL);
}

/* Dialog sets: forks of one INVITE, and the table that finds them. */
static void
test_sets(const struct sip_req_params *p)
{
	struct sip_dialog_set set;
	struct sip_dialog_table tab = { 0 };
	struct sip_dialog_out o;
	struct sip_msg m;
	char b1[2048], b2[2048];
	const char *ack;

	sip_dialog_set_init(&set);
	set.p = p;
	ok(sip_dialog_set_start(&set, invite, strlen(invite)) == SIP_OK &&
	    sip_dialog_table_add(&tab, &set) == SIP_OK,
	    "set: started with the INVITE and listed");
	fork_resp(&m, b1, sizeof b1, 180, "ka");
	ok(sip_dialog_set_response(&set, &m, &o) == SIP_OK && o.d != NULL &&
	    o.ack == NULL && set.nfork == 1 && o.d->state == SIP_DIALOG_EARLY,
	    "set: a 180 with a To tag makes an early fork, nothing to send");
	ok(sip_dialog_table_find(&tab, &m) == &set,
	    "set: the table finds it by Call-ID and the From tag");
	fork_resp(&m, b1, sizeof b1, 200, "ka");
	ok(sip_dialog_set_response(&set, &m, &o) == SIP_OK && o.first &&
	    !o.bye && !o.again && o.ack != NULL && set.nfork == 1 &&
	    o.d->state == SIP_DIALOG_CONFIRMED,
	    "set: the first 2xx confirms its fork and asks for an ACK");
	ack = o.ack;
	ok(strncmp(ack, "ACK sip:bob@192.0.2.4:5080;transport=tcp SIP/2.0", 48)
	    == 0 && strstr(ack, "CSeq: 10 ACK\r\n") != NULL &&
	    strstr(ack, "tag=ka") != NULL,
	    "set: the ACK goes to the fork's Contact with CSeq 10 and its tag");
	fork_resp(&m, b2, sizeof b2, 200, "kb");
	ok(sip_dialog_set_response(&set, &m, &o) == SIP_OK && o.bye &&
	    !o.first && o.ack != NULL && strstr(o.ack, "tag=kb") != NULL &&
	    set.nfork == 2, "set: a 2xx from another fork is ACKed and to be ended");
	fork_resp(&m, b1, sizeof b1, 200, "ka");
	ok(sip_dialog_set_response(&set, &m, &o) == SIP_OK && o.again &&
	    !o.bye && o.ack == ack, "set: a retransmitted 2xx gets the same ACK");
	ok(sip_dialog_set_call(&set) == set.fork[0].d,
	    "set: the call is the first 2xx's dialog");
	fork_resp(&m, b1, sizeof b1, 486, "kc");
	ok(sip_dialog_set_response(&set, &m, &o) == SIP_OK && o.d == NULL &&
	    set.nfork == 2, "set: a non-2xx final makes no fork");
	sip_msg_parse(&m, invite, strlen(invite), 0, NULL);
	ok(sip_dialog_table_find(&tab, &m) == NULL,
	    "table: a request with the INVITE's own tags (no To tag) is not ours");
	sip_dialog_table_del(&tab, &set);
	fork_resp(&m, b1, sizeof b1, 200, "ka");
	ok(sip_dialog_table_find(&tab, &m) == NULL && tab.n == 0,
	    "table: a set taken off is no longer found");
	for (int i = 0; i < SIP_DIALOG_MAXFORK + 2; i++) {
		char tag[8];

		snprintf(tag, sizeof tag, "e%d", i);
		fork_resp(&m, b1, sizeof b1, 180, tag);
		sip_dialog_set_response(&set, &m, &o);
	}
	ok(set.nfork == SIP_DIALOG_MAXFORK, "set: early forks beyond the cap "
	    "replace early ones, the count stays bounded");
	fork_resp(&m, b1, sizeof b1, 200, "ka");
	ok(sip_dialog_set_response(&set, &m, &o) == SIP_OK && o.again,
	    "set: the call's fork survives the churn of early ones");
	sip_dialog_set_free(&set);
	sip_dialog_table_free(&tab);
}

/* ok200 with an SDP offer of two streams as its body. */
static const char *
with_offer(char *buf, size_t n)
{
	static const char sdp[] = "v=0\r\no=- 7 7 IN IP4 192.0.2.4\r\ns=-\r\n"
	    "c=IN IP4 192.0.2.4\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0 8\r\n"
	    "m=video 4002 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n";
	const char *cl = strstr(ok200, "Content-Length: 0");

	snprintf(buf, n, "%.*sContent-Type: application/sdp\r\n"
	    "Content-Length: %zu\r\n\r\n%s", (int)(cl - ok200), ok200,
	    strlen(sdp), sdp);
	return buf;
}

/*
 * RFC 3264 4, RFC 3261 13.2.2.4: an INVITE without a body gets the offer
 * in the 2xx, and the ACK carries the answer: the caller's, or one that
 * declines each offered stream; an INVITE with the offer, none.
 */
static void
test_answer(const struct sip_req_params *p)
{
	struct sip_dialog_set set;
	struct sip_dialog_out o;
	struct sip_msg m;
	char resp[2048], inv[2048];
	const char *cl = strstr(invite, "Content-Length: 0");

	sip_dialog_set_init(&set);
	set.p = p;
	sip_dialog_set_start(&set, invite, strlen(invite));
	with_offer(resp, sizeof resp);
	sip_msg_parse(&m, resp, strlen(resp), 0, NULL);
	ok(sip_dialog_set_response(&set, &m, &o) == SIP_OK && o.ack != NULL &&
	    strstr(o.ack, "Content-Type: application/sdp\r\n") != NULL &&
	    strstr(o.ack, "\r\nm=audio 0 RTP/AVP 0 8\r\nm=video 0 RTP/AVP 96\r\n")
	    != NULL && strstr(o.ack, "c=IN IP4 127.0.0.1\r\n") != NULL,
	    "answer: the ACK of a 2xx with the offer declines each stream "
	    "(port 0)");
	sip_dialog_set_free(&set);

	sip_dialog_set_init(&set);
	set.p = p;
	set.answer = "v=0\r\nm=audio 5000 RTP/AVP 0\r\n";
	set.answer_len = strlen(set.answer);
	sip_dialog_set_start(&set, invite, strlen(invite));
	sip_msg_parse(&m, resp, strlen(resp), 0, NULL);
	ok(sip_dialog_set_response(&set, &m, &o) == SIP_OK && o.ack != NULL &&
	    strstr(o.ack, "Content-Length: 29\r\n\r\nv=0\r\nm=audio 5000") !=
	    NULL, "answer: the caller's answer when it gave one");
	sip_dialog_set_free(&set);

	sip_dialog_set_init(&set);
	set.p = p;
	snprintf(inv, sizeof inv, "%.*sContent-Type: application/sdp\r\n"
	    "Content-Length: 4\r\n\r\nv=0\n", (int)(cl - invite), invite);
	sip_dialog_set_start(&set, inv, strlen(inv));
	sip_msg_parse(&m, resp, strlen(resp), 0, NULL);
	ok(sip_dialog_set_response(&set, &m, &o) == SIP_OK && o.ack != NULL &&
	    strstr(o.ack, "Content-Length: 0\r\n") != NULL &&
	    strstr(o.ack, "Content-Type") == NULL,
	    "answer: no body in the ACK when the INVITE had the offer");
	sip_dialog_set_free(&set);
}

int
main(void)
{
	struct sip_msg req, resp, m;
	struct sip_dialog *d = NULL, *s = NULL;
	struct sip_req_params p = { .via_host = "127.0.0.1", .via_port = 5070,
	    .max_forwards = 70 };
	struct buf b;
	char line[256];

	buf_init(&b, 0);
	sip_msg_parse(&req, invite, strlen(invite), 0, NULL);
	sip_msg_parse(&resp, ok200, strlen(ok200), 0, NULL);

	ok(sip_dialog_new_uac(&d, &req, &resp) == SIP_OK && d != NULL,
	    "uac: a 2xx with a To tag creates a dialog");
	ok(d->state == SIP_DIALOG_CONFIRMED && d->uac,
	    "uac: the dialog from a 2xx is confirmed");
	ok(strcmp(d->call_id, "dlg1@a.example") == 0 &&
	    strcmp(d->local_tag, "fa") == 0 && strcmp(d->remote_tag, "tb") == 0,
	    "uac: Call-ID, local tag fa and remote tag tb are copied");
	ok(strcmp(d->remote_target, "sip:bob@192.0.2.4:5080;transport=tcp")
	    == 0, "uac: the remote target is the 2xx's Contact URI");
	ok(d->nroute == 3 && strcmp(d->route[0], "<sip:p3.example;lr>") == 0 &&
	    strcmp(d->route[2], "<sip:p1.example;lr>") == 0,
	    "uac: the route set is Record-Route reversed (p3, p2, p1)");
	ok(strcmp(d->local_uri, "\"Alice\" <sip:alice@a.example>") == 0 &&
	    strcmp(d->remote_uri, "<sip:bob@b.example>") == 0,
	    "uac: local and remote URIs without tags");
	ok(d->local_cseq == 10, "uac: the local CSeq is the INVITE's");

	{
		struct sip_resolve_req q;
		struct sip_dialog t = *d;
		char h[64], *one[1] = {
		    "<sips:[2001:db8::7]:5071;maddr=192.0.2.9;transport=tcp>" };

		ok(sip_dialog_next_hop(d, &q, h, sizeof h) == SIP_OK &&
		    strcmp(q.host, "p3.example") == 0 && q.port == 0 &&
		    q.tp == SIP_TP_NONE && !q.sips,
		    "next hop: the first route, by RFC 3263 from its host");
		t.route = one;
		t.nroute = 1;
		ok(sip_dialog_next_hop(&t, &q, h, sizeof h) == SIP_OK &&
		    strcmp(q.host, "192.0.2.9") == 0 && q.port == 5071 &&
		    q.tp == SIP_TP_TCP && q.sips,
		    "next hop: a route's maddr, port, transport and sips");
		t.nroute = 0;
		ok(sip_dialog_next_hop(&t, &q, h, sizeof h) == SIP_OK &&
		    strcmp(q.host, "192.0.2.4") == 0 && q.port == 5080 &&
		    q.tp == SIP_TP_TCP,
		    "next hop: without a route set, the remote target");
		ok(sip_dialog_next_hop(&t, &q, h, 5) == SIP_E_TOOBIG,
		    "next hop: a host longer than the room is refused");
	}
	ok(sip_dialog_request(d, &b, "BYE", &p) == SIP_OK,
	    "uac: a BYE is built within the dialog");
	ok(strncmp(b.p, "BYE sip:bob@192.0.2.4:5080;transport=tcp SIP/2.0\r\n",
	    50) == 0, "uac: the BYE goes to the remote target");
	ok(strcmp(hdr_of(b.p, "CSeq: ", line, sizeof(line)), "11 BYE") == 0 &&
	    d->local_cseq == 11, "uac: the BYE has CSeq 11");
	ok(strstr(b.p, "Route: <sip:p3.example;lr>\r\nRoute: "
	    "<sip:p2.example;lr>\r\nRoute: <sip:p1.example;lr>\r\n") != NULL,
	    "uac: Route lists p3, p2, p1 in order");
	ok(strstr(b.p, "From: \"Alice\" <sip:alice@a.example>;tag=fa\r\n") &&
	    strstr(b.p, "To: <sip:bob@b.example>;tag=tb\r\n") &&
	    strstr(b.p, "Call-ID: dlg1@a.example\r\n"),
	    "uac: From, To with their tags and the Call-ID");
	sip_msg_parse(&m, b.p, b.len, 0, NULL);
	buf_reset(&b);
	ok(sip_dialog_request(d, &b, "ACK", &p) == SIP_OK &&
	    strcmp(hdr_of(b.p, "CSeq: ", line, sizeof(line)), "11 ACK") == 0,
	    "uac: ACK reuses the current CSeq");

	/* The UAS side of the same INVITE. */
	ok(sip_dialog_new_uas(&s, &req, "tb", 1) == SIP_OK,
	    "uas: the INVITE creates a dialog");
	ok(s->nroute == 3 && strcmp(s->route[0], "<sip:p1.example;lr>") == 0,
	    "uas: the route set keeps Record-Route order");
	ok(strcmp(s->remote_target, "sip:alice@127.0.0.1:5070") == 0 &&
	    strcmp(s->local_tag, "tb") == 0 && strcmp(s->remote_tag, "fa") == 0,
	    "uas: remote target from Contact; tags swapped");
	ok(sip_dialog_match(s, &m), "uas: the UAC's BYE matches the UAS dialog");
	ok(!sip_dialog_match(d, &m), "uac: its own BYE, seen as a request "
	    "from the peer, does not");
	ok(sip_dialog_match(d, &resp), "uac: the 200 matches the UAC dialog");
	ok(sip_dialog_take_request(s, &m) == SIP_OK && s->remote_cseq == 11,
	    "uas: the BYE's CSeq 11 is taken");
	sip_msg_parse(&m, invite, strlen(invite), 0, NULL);
	ok(sip_dialog_take_request(s, &m) == SIP_E_STATE,
	    "uas: a lower CSeq is out of order (12.2.2)");
	sip_dialog_free(s);
	sip_dialog_free(d);
	d = NULL;

	/* Early dialog with a strict router. */
	sip_msg_parse(&resp, ringing_strict, strlen(ringing_strict), 0, NULL);
	ok(sip_dialog_new_uac(&d, &req, &resp) == SIP_OK &&
	    d->state == SIP_DIALOG_EARLY, "uac: a 180 with a tag is early");
	buf_reset(&b);
	sip_dialog_request(d, &b, "INFO", &p);
	ok(strncmp(b.p, "INFO sip:strict.example SIP/2.0\r\n", 33) == 0 &&
	    strstr(b.p, "Route: <sip:loose.example;lr>\r\nRoute: "
	    "<sip:bob@192.0.2.4>\r\n") != NULL,
	    "uac: a strict first route is the Request-URI, the target goes "
	    "last in Route");
	sip_msg_parse(&resp, ok200, strlen(ok200), 0, NULL);
	ok(sip_dialog_update(d, &resp) == SIP_OK &&
	    d->state == SIP_DIALOG_CONFIRMED && d->nroute == 3 &&
	    strcmp(d->remote_target, "sip:bob@192.0.2.4:5080;transport=tcp")
	    == 0, "uac: the 2xx confirms, recomputes routes and target");
	sip_dialog_free(d);

	/* No tag: no dialog. */
	{
		static const char notag[] =
		    "SIP/2.0 180 Ringing\r\n"
		    "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKd1\r\n"
		    "From: <sip:alice@a.example>;tag=fa\r\n"
		    "To: <sip:bob@b.example>\r\n"
		    "Call-ID: dlg1@a.example\r\n"
		    "CSeq: 10 INVITE\r\n"
		    "Content-Length: 0\r\n\r\n";

		sip_msg_parse(&resp, notag, strlen(notag), 0, NULL);
		ok(sip_dialog_new_uac(&d, &req, &resp) == SIP_E_INVAL &&
		    d == NULL, "uac: a response without a To tag makes none");
	}
	sip_dialog_free(NULL);
	buf_free(&b);
	test_sets(&p);
	test_answer(&p);
	return done();
}
