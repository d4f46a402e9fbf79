/*
 * sip-send - send any SIP request and report the answer; ping a server.
 *
 * RFC 3261 8.1 (UAC behaviour), 17.1 (client transactions), 18
 * (transports), 22 (digest), RFC 3581 (rport), RFC 7118 (WebSocket).
 */
#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "client.h"
#include "dialog.h"
#include "fields.h"
#include "cmd.h"
#include "clock.h"
#include "json.h"
#include "status.h"

/* the seconds a REGISTER asks for unless told (see register_rules) */
#define SEND_REGISTER_EXPIRES	"60"

static const char *const usage[] = {
	"sip-send [options] TARGET",
	"sip-send -F FILE|- [options] TARGET",
	"sip-send -c COUNT [--interval SECONDS] [--concurrency N] [options] TARGET",
	NULL
};

static struct {
	const char	*method;
	struct strlist	 headers;
	const char	*data;
	const char	*ctype;
	const char	*file;
	const char	*from, *to, *contact;
	int		 dry_run;
	int		 json;
	const char	*write_out;
	const char	*expect;
	const char	*match;
	long		 count;
	double		 interval;
	long		 concurrency;	/* 0: not given */
	int		 no_bye;
	const char	*ack_body;
} o = { .interval = 1.0 };

/* What the shell completions offer for -T and --expect (any other goes). */
static const char *
ctype_words(size_t i)
{
	static const char *const w[] = { "application/sdp", "text/plain",
	    "application/pidf+xml", "message/sipfrag", "application/dtmf-relay",
	    "application/simple-message-summary", "multipart/mixed", NULL };

	return i < sizeof w / sizeof w[0] ? w[i] : NULL;
}

static const char *
expect_words(size_t i)
{
	static const char *const w[] = { "200", "2xx", "3xx", "4xx",
	    "5xx", "6xx", NULL };

	return i < sizeof w / sizeof w[0] ? w[i] : NULL;
}

static const struct opt opts[] = {
	OPT_GROUP("Request"),
	OPT_STR('X', "method", &o.method, "METHOD",
	    "request method (default OPTIONS; any token)",
	    OPT_WORDS(opt_methods)),
	OPT_LIST('H', "header", &o.headers, "'NAME: VALUE'",
	    "add a header, replace the built-in one of that name, or remove it with 'NAME:'"),
	OPT_STR('d', "data", &o.data, "TEXT|@FILE|@-", "the request body"),
	OPT_STR('T', "content-type", &o.ctype, "TYPE",
	    "the body's Content-Type (default text/plain, application/sdp for SDP)",
	    OPT_WORDS(ctype_words)),
	OPT_FILE('F', "file", &o.file, "FILE",
	    "send the message in FILE ('-': stdin) with its [placeholders] filled"),
	OPT_STR(0, "from", &o.from, "URI", "From URI (default sip:USER@local-address)"),
	OPT_STR(0, "to", &o.to, "URI", "To URI (default the Request-URI)"),
	OPT_STR(0, "contact", &o.contact, "URI",
	    "Contact URI; '*' with REGISTER removes every binding"),
	OPT_FLAG(0, "no-bye", &o.no_bye, "after a 2xx to INVITE, ACK but send no BYE"),
	OPT_STR(0, "ack-body", &o.ack_body, "SDP|@FILE|@-",
	    "INVITE without -d: the SDP answer the ACK carries when the 2xx brings the offer (default: one that declines each stream)"),
	OPT_FLAG('n', "dry-run", &o.dry_run, "print what would be sent, send nothing"),
	CLIENT_OPTIONS,
	OPT_GROUP("Output and exit status"),
	OPT_FLAG('v', "verbose", &verbose,
	    "trace every message sent and received on stderr"),
	OPT_QUIET,
	OPT_FLAG('j', "json", &o.json, "JSON Lines: one object per response"),
	OPT_STR('w', "write-out", &o.write_out, "FORMAT",
	    "print FORMAT per final response: %{status}, %{rtt_ms}, %{header.NAME}, ... (the fields of sip-parse -f and the keys of --json)"),
	OPT_STR(0, "expect", &o.expect, "CODE",
	    "exit 0 only when the final response is CODE (or a class: 2xx)",
	    OPT_WORDS(expect_words)),
	OPT_STR(0, "match", &o.match, "REGEX",
	    "exit 0 only when the final response matches REGEX (extended)"),
	OPT_GROUP("Ping"),
	OPT_INT('c', "count", &o.count, "N", 1, 10000000,
	    "send N requests, then print statistics"),
	OPT_DBL(0, "interval", &o.interval, "SECONDS", 0, 3600,
	    "time between requests in a ping run (default 1)"),
	OPT_INT(0, "concurrency", &o.concurrency, "N", 1, SIP_UAC_MAXACTIVE,
	    "requests in flight at most in a ping run (default 1 with --interval 0, else 256)"),
	OPT_END
};

static const char extra[] =
"TARGET is a sip: or sips: URI, host[:port], udp:|tcp:|tls:|sctp:host[:port],\n"
"or ws://host[:port]/path and wss://...  Placeholders in -F files:\n"
"[branch] [call_id] [from_tag] [cseq] [local_ip] [local_port] [remote_ip]\n"
"[remote_port] [transport]; Content-Length is recomputed.\n"
"With --expect or --match, exit 1 when the answer does not fit.";

static const struct applet_spec spec = { "sip-send", usage, opts, extra,
    EXIT_LOCAL | EXIT_ANSWER | EXIT_NET };

static struct client cl;
static const char *target;	/* as given */
static char *password;
static regex_t match_re;
static volatile sig_atomic_t interrupted;

/* ping statistics */
static struct {
	long		 sent, received, timeouts, errors;
	double		 min, max, sum, sumsq;
	long		 codes[700];
	int		 first_bad_exit;
	uint64_t	 t0;
} st;

struct job {
	struct sip_uac_req	 r;
	long			 seq;
	unsigned		 gen;		/* params_gen it was made with */
	uint64_t		 until;		/* ping run: its --timeout, ms */
};

/* Body from -d: TEXT, @FILE or @-. */
static char *body;
static size_t body_len;

/* Whether the Content-Type value v (parameters allowed) is SDP's. */
static int
is_sdp(struct slice v)
{
	struct slice t = slice_trim(v);
	ptrdiff_t semi = slice_chr(t, ';');

	if (semi >= 0)
		t = slice_trim(slice_head(t, (size_t)semi));
	return slice_ieq_cstr(t, "application/sdp");
}

/*
 * The one rule for bodies, of -d and -F alike: the bytes as given, but
 * an SDP body's bare LF line ends become CRLF (RFC 8866 5: CRLF ends a
 * line; a file written on Unix has LF).  Appends p/n to b.
 */
static void
add_body(struct buf *b, const char *p, size_t n, int sdp)
{
	for (size_t i = 0; i < n; i++) {
		if (sdp && p[i] == '\n' && (i == 0 || p[i - 1] != '\r'))
			buf_addc(b, '\r');
		buf_addc(b, p[i]);
	}
}

/*
 * A body argument, TEXT, @FILE or @-, into *p and *n.  sdp (-1: when it
 * starts "v=0"): its bare LF line ends become CRLF.  Returns whether it
 * is taken for SDP.
 */
static int
read_body(const char *arg, int sdp, char **p, size_t *n)
{
	struct buf b;

	if (arg[0] == '@') {
		if (read_file(arg + 1, p, n, SIP_MAX_BODY) != 0)
			die_errno(SIP_EXIT_INVALID, "%s", arg + 1);
	} else {
		*p = xstrdup(arg);
		*n = strlen(*p);
	}
	if (sdp < 0)
		sdp = *n >= 4 && strncmp(*p, "v=0", 3) == 0;
	if (!sdp || memchr(*p, '\n', *n) == NULL)
		return sdp;
	buf_init(&b, SIP_MAX_BODY);
	add_body(&b, *p, *n, 1);
	if (b.p == NULL || b.len > SIP_MAX_BODY)
		die(SIP_EXIT_INVALID, "%s: over %u bytes with CRLF line ends",
		    arg[0] == '@' ? arg + 1 : arg, SIP_MAX_BODY);
	free(*p);
	*p = b.p;
	*n = b.len;
	return sdp;
}

/* --ack-body's answer to a 2xx's offer */
static char *ack_body;
static size_t ack_body_len;

static void
load_body(void)
{
	int sdp;

	if (o.ack_body != NULL)
		read_body(o.ack_body, 1, &ack_body, &ack_body_len);
	if (o.data == NULL)
		return;
	sdp = read_body(o.data, o.ctype == NULL ? -1 :
	    is_sdp(slice_cstr(o.ctype)), &body, &body_len);
	if (o.ctype == NULL)
		o.ctype = sdp ? "application/sdp" : "text/plain";
}

/*
 * -X message means MESSAGE.  Methods are case-sensitive tokens (RFC 3261
 * 7.1) and every registered one is upper case, so a lower-case word on
 * the command line is a typing convenience, never a method of its own.
 */
static const char *
upper(const char *s)
{
	char *u = xstrdup(s), *p;

	for (p = u; *p != '\0'; p++)
		*p = (char)toupper((unsigned char)*p);
	return u;
}

static const char *
user_part(void)
{
	return copt.user ? copt.user : "sipbox";
}

/* -F: placeholders filled, CRLF in the head, add_body()'s rule for the body. */
static char *
fill_template(const char *tpl, size_t n, long seq, size_t *outlen)
{
	struct buf b, head;
	char branch[SIP_BRANCH_SIZE], callid[SIP_CALLID_SIZE], tag[SIP_TAG_SIZE];
	char rip[SIP_NET_HOST_MAX], num[SIP_NET_HOST_MAX + 2];
	const char *tpname = sip_tp_name(cl.tp);
	int rport = sip_net_host(&cl.dst[cl.cur], rip, sizeof rip);
	const char *p = tpl, *end = tpl + n, *sep;
	struct buf bb;
	int sdp = 0;

	if (sip_build_branch(branch) != SIP_OK ||
	    sip_build_callid(callid, NULL) != SIP_OK ||
	    sip_build_tag(tag) != SIP_OK)
		die(SIP_EXIT_NET, "%s", sip_err_str(SIP_E_RANDOM));
	buf_init(&b, SIP_MAX_MSG);
	while (p < end) {
		const char *lb = memchr(p, '[', (size_t)(end - p));
		const char *rb;

		if (lb == NULL || (rb = memchr(lb, ']', (size_t)(end - lb))) == NULL) {
			buf_add(&b, p, (size_t)(end - p));
			break;
		}
		buf_add(&b, p, (size_t)(lb - p));
		struct slice name = slice_make(lb + 1, (size_t)(rb - lb - 1));

		if (slice_eq_cstr(name, "branch"))
			buf_adds(&b, branch);
		else if (slice_eq_cstr(name, "call_id"))
			buf_adds(&b, callid);
		else if (slice_eq_cstr(name, "from_tag"))
			buf_adds(&b, tag);
		else if (slice_eq_cstr(name, "cseq"))
			buf_printf(&b, "%ld", seq);
		else if (slice_eq_cstr(name, "local_ip"))
			buf_adds(&b, cl.local_host);
		else if (slice_eq_cstr(name, "local_port"))
			buf_printf(&b, "%d", cl.local_port);
		else if (slice_eq_cstr(name, "remote_ip"))
			buf_adds(&b, sip_target_urihost(rip, num, sizeof num));
		else if (slice_eq_cstr(name, "remote_port"))
			buf_printf(&b, "%d", rport);
		else if (slice_eq_cstr(name, "transport"))
			buf_adds(&b, tpname);
		else {
			buf_add(&b, lb, (size_t)(rb - lb + 1));
		}
		p = rb + 1;
	}
	/* Split head and body at the first empty line (CRLF or LF). */
	buf_init(&head, SIP_MAX_MSG);
	p = b.p;
	end = b.p + b.len;
	sep = NULL;
	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		size_t ll;

		if (e == NULL)
			e = end;
		ll = (size_t)(e - p);
		if (ll > 0 && p[ll - 1] == '\r')
			ll--;
		if (ll == 0) {
			sep = e < end ? e + 1 : end;
			break;
		}
		if (ll > 13 && strncasecmp(p, "Content-Type:", 13) == 0)
			sdp = is_sdp(slice_make(p + 13, ll - 13));
		else if (ll > 2 && strncasecmp(p, "c:", 2) == 0)
			sdp = is_sdp(slice_make(p + 2, ll - 2));
		if (!(ll > 15 && strncasecmp(p, "Content-Length:", 15) == 0) &&
		    !(ll > 2 && strncasecmp(p, "l:", 2) == 0)) {
			buf_add(&head, p, ll);
			buf_adds(&head, "\r\n");
		}
		p = e < end ? e + 1 : end;
	}
	buf_init(&bb, SIP_MAX_MSG);
	if (sep != NULL)
		add_body(&bb, sep, (size_t)(end - sep), sdp);
	buf_printf(&head, "Content-Length: %zu\r\n\r\n", bb.len);
	if (bb.len > 0)
		buf_add(&head, bb.p, bb.len);
	buf_free(&bb);
	buf_free(&b);
	*outlen = head.len;
	return head.p;
}

/*
 * -F: the hand-written message must parse before anything is sent, and
 * when it does not, say where in the file as sip-parse does.  A copy is
 * parsed with each [placeholder]'s brackets made letters and each
 * Content-Length renamed (both the same length, so lines and columns are
 * the file's): fill_template replaces them anyway.
 */
static void
check_template(const char *path, const char *tpl, size_t n)
{
	char *c = xmalloc(n + 1), *p, *e, *end = NULL;
	struct sip_msg m;
	struct sip_perr pe;
	unsigned line, col;
	size_t hl;

	memcpy(c, tpl, n);
	c[n] = '\0';
	for (p = c; (p = memchr(p, '[', (size_t)(c + n - p))) != NULL; p++) {
		e = p + 1 + strspn(p + 1, "abcdefghijklmnopqrstuvwxyz_");
		if (e > p + 1 && *e == ']')
			*p = *e = 'x';
	}
	for (p = c; p < c + n; p = e + 1) {
		if ((e = memchr(p, '\n', (size_t)(c + n - p))) == NULL)
			e = c + n;
		if (e == p || (e == p + 1 && *p == '\r')) {
			end = e < c + n ? e + 1 : e;	/* the empty line */
			break;
		}
		if (strncasecmp(p, "Content-Length:", 15) == 0)
			memcpy(p, "X-Ignored-Leng", 14);
		else if (strncasecmp(p, "l:", 2) == 0)
			*p = 'x';
	}
	hl = end != NULL ? (size_t)(end - c) : n;
	if (sip_msg_parse(&m, c, hl, 0, &pe) != SIP_OK) {
		line = sip_msg_line_of(c, hl, pe.off, &col);
		die(SIP_EXIT_INVALID, "%s:%u:%u: %s",
		    strcmp(path, "-") == 0 ? "<stdin>" : path, line, col, pe.why);
	}
	free(c);
}

static int
expect_ok(int status)
{
	size_t n = strlen(o.expect);

	if (n == 3 && (o.expect[1] == 'x' || o.expect[1] == 'X'))
		return status / 100 == o.expect[0] - '0';
	return status == (int)strtol(o.expect, NULL, 10);
}

/* The outcome of one request as an exit status. */
static int
outcome(const struct sip_uac_req *r, const struct sip_msg *m)
{
	if (r->err != SIP_OK)
		return sip_err_exit(r->err);
	if (r->undialogued)	/* the peer's protocol failure */
		return SIP_EXIT_NET;
	if (o.expect != NULL && !expect_ok(r->status))
		return SIP_EXIT_INVALID;
	if (o.match != NULL && (m == NULL ||
	    regexec(&match_re, m->buf, 0, NULL, 0) != 0))
		return SIP_EXIT_INVALID;
	if (o.expect != NULL || o.match != NULL)
		return SIP_EXIT_OK;
	return sip_status_exit(r->status);
}

/* The value of -w's field f for the request r and its answer m. */
static void
put_writeout(const struct field_ref *f, const struct sip_msg *m,
    const struct sip_uac_req *r)
{
	static struct buf tmp;	/* kept: every answer needs it */
	char a[SIP_NET_ADDRSTR];
	struct slice v;

	switch (f->id) {
	case FLD_TYPE:
		fputs("response", stdout);
		return;
	case FLD_METHOD:
		fputs(r->p.method ? r->p.method : "", stdout);
		return;
	case FLD_STATUS:
		/* a failure has no status, whatever 1xx came before it */
		printf("%d", r->err == SIP_OK ? r->status : 0);
		return;
	case FLD_ERROR:
		if (r->err != SIP_OK)
			fputs(sip_err_str(r->err), stdout);
		return;
	case FLD_DETAIL:
		if (r->err != SIP_OK && r->why != NULL)
			fputs(r->why, stdout);
		return;
	case FLD_EXIT:
		printf("%d", outcome(r, m));
		return;
	case FLD_CALL_ID:
		fputs(r->call_id, stdout);
		return;
	case FLD_CSEQ:
		printf("%u", r->cseq);
		return;
	case FLD_TRANSPORT:
		fputs(sip_tp_name(sip_uac_dest(r)->tp), stdout);
		return;
	case FLD_PEER:
		fputs(sip_net_str(&sip_uac_dest(r)->addr, a, sizeof a), stdout);
		return;
	case FLD_LOCAL:
		fputs(sip_net_str(&cl.local, a, sizeof a), stdout);
		return;
	case FLD_RTT_MS:
		if (r->err == SIP_OK)
			printf("%.3f", (double)(r->t_final - r->t_sent) / 1000.0);
		return;
	case FLD_RETRANSMISSIONS:
		printf("%u", r->retrans);
		return;
	default:
		if (m == NULL)
			return;
		v = field_msg(m, f, &tmp);
		fwrite(v.p, 1, v.len, stdout);
	}
}

/*
 * -w FORMAT: %{field} (sip-parse -f's names, the keys of --json), \n and
 * \t.  With check set, only look every field up (an unknown one is a
 * usage error) and print nothing.
 */
static void
print_writeout(const struct sip_msg *m, const struct sip_uac_req *r,
    int check)
{
	const char *p = o.write_out, *e;
	struct field_ref f;

	for (; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			if (!check)
				putchar(*p == 'n' ? '\n' : *p == 't' ? '\t' : *p);
			continue;
		}
		if (*p != '%' || p[1] != '{' || (e = strchr(p, '}')) == NULL) {
			if (!check)
				putchar(*p);
			continue;
		}
		if (field_lookup(p + 2, (size_t)(e - p - 2), FLD_SEND, &f) != 0)
			field_unknown("--write-out", p + 2, (size_t)(e - p - 2),
			    FLD_SEND);
		if (!check)
			put_writeout(&f, m, r);
		p = e;
	}
	if (!check)
		fflush(stdout);
}

static void
json_result(const struct sip_uac_req *r, const struct sip_msg *m, long seq)
{
	struct jsonl l;
	struct json *j = &l.j;
	char a[SIP_NET_ADDRSTR];

	jsonl_begin(&l);
	json_kstr(j, "type", "response");
	if (o.count > 0)
		json_kint(j, "seq", seq);
	json_kstr(j, "method", r->p.method);
	json_kstr(j, "call_id", r->call_id);
	json_kint(j, "cseq", r->cseq);
	json_kstr(j, "transport", sip_tp_name(sip_uac_dest(r)->tp));
	json_kstr(j, "peer", sip_net_str(&sip_uac_dest(r)->addr, a,
	    sizeof a));
	if (r->err == SIP_OK && m != NULL) {
		json_kint(j, "status", r->status);
		json_kslice(j, "reason", m->reason);
		json_key(j, "rtt_ms");
		json_dbl(j, (double)(r->t_final - r->t_sent) / 1000.0, 3);
	} else {
		json_key(j, "status");
		json_null(j);
		json_kstr(j, "error", sip_err_str(r->err));
		if (r->why)
			json_kstr(j, "detail", r->why);
	}
	json_kint(j, "retransmissions", r->retrans);
	json_kint(j, "exit", outcome(r, m));
	jsonl_end(&l);
	fflush(stdout);
}

/* --json: a failure before any request, as a record like a failed one. */
static void
json_fail(enum sip_err e, const char *detail)
{
	struct jsonl l;
	struct json *j = &l.j;

	jsonl_begin(&l);
	json_kstr(j, "type", "response");
	json_kstr(j, "method", o.method);
	json_kstr(j, "target", target);
	json_key(j, "status");
	json_null(j);
	json_kstr(j, "error", sip_err_str(e));
	json_kstr(j, "detail", detail);
	json_kint(j, "exit", sip_err_exit(e));
	jsonl_end(&l);
}

static void
ping_line(const struct sip_uac_req *r, const struct sip_msg *m, long seq)
{
	char a[SIP_NET_ADDRSTR];

	sip_net_str(&sip_uac_dest(r)->addr, a, sizeof a);
	if (r->err != SIP_OK)
		printf("seq=%ld %s: %s\n", seq, sip_err_str(r->err),
		    r->why ? r->why : "");
	else
		printf("%d %.*s from %s: seq=%ld time=%.3f ms\n", r->status,
		    (int)m->reason.len, m->reason.p, a, seq,
		    (double)(r->t_final - r->t_sent) / 1000.0);
	fflush(stdout);
}

/* register_rules() chose the Expires: a 423 is then sip-send's doing */
static int own_expires;

/*
 * RFC 3261 10.2.8: a registrar whose minimum is above the 60 s asked for
 * answers 423 with Min-Expires; say how to ask for that much.
 */
static void
min_expires_hint(const struct sip_uac_req *r, const struct sip_msg *m)
{
	uint32_t min;

	if (!own_expires || r->err != SIP_OK || r->status != 423 || m == NULL)
		return;
	if (slice_to_u32(slice_trim(sip_msg_value(m, SIP_HDR_MIN_EXPIRES)),
	    0xffffffffu, &min) == 0)
		warnf("the registrar wants a binding of at least %u s, more "
		    "than the " SEND_REGISTER_EXPIRES " s sip-send asks for: "
		    "give -H 'Expires: %u'", min, min);
}

static int bye_phase;
/* the call a 2xx to a single INVITE made: its job lives until the BYE,
 * so that the 2xx's retransmissions are ACKed meanwhile */
static struct sip_dialog *call_dialog;
static struct job *call_job, *call_jobs;

static void
job_done(void *arg, struct sip_uac_req *r)
{
	struct job *jb = r->user;
	struct sip_msg m, *mp = NULL;
	struct sip_perr pe;
	int ex;

	(void)arg;
	if (bye_phase) {
		if (r->err != SIP_OK)
			warnf("BYE: %s", sip_err_str(r->err));
		return;
	}
	if (r->dialog != NULL && o.count == 0 && call_dialog == NULL) {
		call_dialog = r->dialog;	/* the job's: kept for the BYE */
		call_job = jb;
	}
	/* -q prints nothing of the answer: only --match needs it parsed */
	if (r->err == SIP_OK && (!quiet || o.match != NULL) &&
	    sip_msg_parse(&m, r->final.p, r->final.len, 0, &pe) == SIP_OK)
		mp = &m;
	ex = outcome(r, mp);
	if (r->undialogued)
		errorf("%s", r->why);
	min_expires_hint(r, mp);
	if (ex != 0 && st.first_bad_exit == 0)
		st.first_bad_exit = ex;
	if (r->err == SIP_OK) {
		double rtt = (double)(r->t_final - r->t_sent) / 1000.0;

		st.received++;
		if (st.received == 1 || rtt < st.min)
			st.min = rtt;
		if (rtt > st.max)
			st.max = rtt;
		st.sum += rtt;
		st.sumsq += rtt * rtt;
		if (r->status >= 100 && r->status < 700)
			st.codes[r->status]++;
	} else if (r->err == SIP_E_TIMEOUT) {
		st.timeouts++;
	} else {
		st.errors++;
	}
	if (quiet) {
		if (r->err != SIP_OK)
			errorf("%s: %s", sip_err_str(r->err), r->why ? r->why : "");
		return;		/* nothing on stdout to flush */
	}
	if (o.json)
		json_result(r, mp, jb->seq);
	else if (o.write_out != NULL)
		print_writeout(mp, r, 0);
	else if (o.count > 0)
		ping_line(r, mp, jb->seq);
	else if (mp != NULL)
		printf("%.*s\n", (int)mp->start_line.len, mp->start_line.p);
	else
		errorf("%s: %s", sip_err_str(r->err), r->why ? r->why : "");
	fflush(stdout);
}

static struct sip_uac uac;
static struct sip_resolver *hop_resolver;
static const char *routes[2];
static char from_buf[SIP_TARGET_MAX + 300], to_buf[SIP_TARGET_MAX + 8];
static char contact_buf[SIP_TARGET_MAX + 300], ua[64];
/* changed with the values above: the request template's sign to rebuild */
static unsigned params_gen;

/*
 * From, To, Contact and User-Agent: the same for every request of a
 * run, so made again only when the local address they name changes.
 */
static void
make_values(void)
{
	static unsigned gen;
	static int made;
	static enum sip_tp tp;

	/* called for every request: a compare when nothing changed */
	if (made && gen == cl.local_gen && tp == cl.tp)
		return;
	/* a tel: URI's domain is its proxy's */
	const struct sip_target *dom = cl.target.tel ? &cl.next : &cl.target;

	if (o.from != NULL)
		snprintf(from_buf, sizeof from_buf, "<%s>", o.from);
	else
		snprintf(from_buf, sizeof from_buf, "<sip:%s@%s>", user_part(),
		    dom->numeric || copt.user == NULL ? cl.local_host :
		    dom->host);
	snprintf(to_buf, sizeof to_buf, "<%s>", o.to ? o.to : cl.target.ruri);
	if (o.contact != NULL && strcmp(o.contact, "*") == 0)
		snprintf(contact_buf, sizeof contact_buf, "*");	/* bare: 10.2.2 */
	else if (o.contact != NULL)
		snprintf(contact_buf, sizeof contact_buf, "<%s>", o.contact);
	else
		snprintf(contact_buf, sizeof contact_buf, "<sip:%s@%s:%d%s%s>",
		    user_part(), cl.local_host, cl.local_port,
		    cl.tp == SIP_TP_UDP ? "" : ";transport=",
		    cl.tp == SIP_TP_UDP ? "" : client_tps[cl.tp - 1]);
	snprintf(ua, sizeof ua, "sipbox/%s", SIPBOX_VERSION);
	made = 1;
	gen = cl.local_gen;
	tp = cl.tp;
	params_gen++;
}

static void
fill_params(struct sip_req_params *p, long seq)
{
	make_values();
	memset(p, 0, sizeof *p);
	p->method = o.method;
	p->ruri = cl.target.ruri;
	p->transport = sip_tp_name(cl.tp);
	p->via_host = cl.local_host;
	p->via_port = cl.local_port;
	p->rport = 1;
	p->from = from_buf;
	p->to = to_buf;
	p->contact = contact_buf;
	p->cseq = (uint32_t)seq;
	p->max_forwards = 70;
	p->user_agent = ua;
	if (cl.route[0]) {
		routes[0] = cl.route;
		p->routes = routes;
	}
	p->headers = o.headers.v;
	p->body = body;
	p->body_len = body_len;
	p->content_type = body ? o.ctype : NULL;
	/* the rest above is fixed for the whole run */
	p->gen = params_gen;
}

static char *tpl;
static size_t tpl_len;

/* jb was zeroed once; what the library keeps in jb->r is reused. */
static void
prepare(struct job *jb, long seq)
{
	jb->r.raw = NULL;
	jb->r.rawlen = 0;
	jb->seq = seq;
	jb->r.user = jb;
	fill_params(&jb->r.p, seq);
	jb->gen = params_gen;
	/* an offer in the 2xx is answered in the ACK (RFC 3264) */
	jb->r.c.set.answer = ack_body;
	jb->r.c.set.answer_len = ack_body_len;
	if (tpl != NULL) {
		size_t n;
		char *msg = fill_template(tpl, tpl_len, seq, &n);

		static char method[64];
		size_t ml = strcspn(msg, " \r\n");

		snprintf(method, sizeof method, "%.*s", (int)ml, msg);
		jb->r.p.method = method;
		jb->r.raw = msg;
		jb->r.rawlen = n;
	}
}

/*
 * Before a request is built for target d (the first, or the next after a
 * failure): the local end it names is the one toward d.
 */
static enum sip_err
on_target(void *arg, struct sip_uac_req *r, const struct sip_ep_dest *d)
{
	struct job *jb = r->user;
	enum sip_err e;

	(void)arg;
	if (jb == NULL)
		return SIP_OK;		/* the BYE: made from the dialog */
	if ((e = client_target(&cl, d, r->c.tpwhy, sizeof r->c.tpwhy)) !=
	    SIP_OK)
		return e;
	make_values();
	if (jb->gen != params_gen) {
		free((void *)jb->r.raw);
		prepare(jb, jb->seq);
	}
	return SIP_OK;
}

/* RFC 3263 4.3: a target failed, the next is tried; say which and why. */
static void
on_failover(void *arg, struct sip_ep_ctxn *c, enum sip_err e, const char *why)
{
	char a[SIP_NET_ADDRSTR], at[SIP_NET_ADDRSTR + 16];

	(void)arg;
	if (quiet)
		return;
	snprintf(at, sizeof at, "%s over %s",
	    sip_net_str(&c->dst[c->cur].addr, a, sizeof a),
	    sip_tp_name(c->dst[c->cur].tp));
	if (why == NULL || *why == '\0')
		why = sip_err_str(e);
	/* a connection's failure names its address already */
	warnf("%s%s%s; trying the next address",
	    strncmp(why, at, strlen(at)) == 0 ? "" : at,
	    strncmp(why, at, strlen(at)) == 0 ? "" : ": ", why);
}

/*
 * RFC 3261 18.1.1: a request within 200 bytes of a 1500-byte path MTU
 * (over 1300 bytes) goes over TCP, unless UDP was asked for by name.
 */
static void
udp_size_rule(void)
{
	struct job jb;
	struct buf b;
	size_t len;

	if (cl.tp != SIP_TP_UDP || cl.next.tp != SIP_TP_NONE ||
	    copt.transport != NULL)
		return;
	client_guess_local(&cl);
	memset(&jb, 0, sizeof jb);
	prepare(&jb, 1);
	if (jb.r.raw != NULL) {
		len = jb.r.rawlen;
		free((void *)jb.r.raw);
	} else {
		buf_init(&b, SIP_MAX_MSG);
		sip_build_request(&b, &jb.r.p);
		len = b.len;
		buf_free(&b);
	}
	if (len <= SIP_UDP_MTU_LIMIT)
		return;
	client_info("request is %zu bytes, over %d: using TCP (RFC 3261 18.1.1)",
	    len, SIP_UDP_MTU_LIMIT);
	cl.tp = SIP_TP_TCP;
	for (int k = 0; k < cl.ndst; k++)
		if (cl.dst_tp[k] == SIP_TP_UDP)
			cl.dst_tp[k] = SIP_TP_TCP;
}

/*
 * RFC 3261 8.1.2: a Route given with -H is the route set, and its first
 * URI is where the request goes.
 */
static void
route_hop(void)
{
	for (int h = 0; h < o.headers.n; h++) {
		const char *v = o.headers.v[h], *a, *b;

		if (strncasecmp(v, "Route:", 6) != 0)
			continue;
		v += 6 + strspn(v + 6, " \t");
		if ((a = strchr(v, '<')) != NULL && (b = strchr(a, '>')) != NULL)
			v = a + 1;
		else
			b = v + strcspn(v, ",; \t");
		if (b == v)
			continue;	/* -H 'Route:' removes the header */
		snprintf(copt.route_hop, sizeof copt.route_hop, "%.*s",
		    (int)(b - v), v);
		return;
	}
}

static void
on_signal(int sig)
{
	(void)sig;
	if (interrupted < 2)
		interrupted++;
}

static void
summary(void)
{
	double avg = st.received ? st.sum / (double)st.received : 0;
	double var = st.received ? st.sumsq / (double)st.received - avg * avg : 0;
	uint64_t el = sip_clock_ms() - st.t0;

	if (o.json) {
		struct jsonl l;
		struct json *j = &l.j;

		jsonl_begin(&l);
		json_kstr(j, "type", "summary");
		json_kint(j, "sent", st.sent);
		json_kint(j, "received", st.received);
		json_kint(j, "timeouts", st.timeouts);
		json_kint(j, "errors", st.errors);
		json_key(j, "loss_pct");
		json_dbl(j, st.sent ? 100.0 * (double)(st.sent - st.received) /
		    (double)st.sent : 0, 1);
		/* no answer, no round trip: null, not a 0 that reads as fast */
		if (st.received > 0) {
			json_key(j, "rtt_min_ms"); json_dbl(j, st.min, 3);
			json_key(j, "rtt_avg_ms"); json_dbl(j, avg, 4);
			json_key(j, "rtt_max_ms"); json_dbl(j, st.max, 3);
			json_key(j, "rtt_mdev_ms");
			json_dbl(j, var > 0 ? sqrt(var) : 0, 4);
		} else {
			json_key(j, "rtt_min_ms"); json_null(j);
			json_key(j, "rtt_avg_ms"); json_null(j);
			json_key(j, "rtt_max_ms"); json_null(j);
			json_key(j, "rtt_mdev_ms"); json_null(j);
		}
		json_kint(j, "elapsed_ms", (int64_t)el);
		json_key(j, "codes");
		json_obj(j);
		for (int c = 100; c < 700; c++)
			if (st.codes[c]) {
				char k[8];

				snprintf(k, sizeof k, "%d", c);
				json_kint(j, k, st.codes[c]);
			}
		json_end(j);
		jsonl_end(&l);
		fflush(stdout);
		return;
	}
	if (o.write_out)
		return;
	printf("--- %s ping statistics ---\n", cl.target.ruri);
	printf("%ld requests sent, %ld responses received, %.1f%% loss, "
	    "time %llums\n", st.sent, st.received,
	    st.sent ? 100.0 * (double)(st.sent - st.received) / (double)st.sent : 0,
	    (unsigned long long)el);
	if (st.received)
		printf("rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms\n",
		    st.min, avg, st.max, var > 0 ? sqrt(var) : 0);
	printf("responses:");
	for (int c = 100; c < 700; c++)
		if (st.codes[c])
			printf(" %d=%ld", c, st.codes[c]);
	if (st.timeouts)
		printf(" timeout=%ld", st.timeouts);
	if (st.errors)
		printf(" error=%ld", st.errors);
	printf("\n");
}

/* CANCEL every INVITE in flight; 0 when there is none to wait for. */
static int
cancel_all(void)
{
	int n = 0;

	for (int i = uac.nlive - 1; i >= 0; i--)
		if (sip_uac_cancel(&uac, uac.live[i]) == SIP_OK)
			n++;
	return n > 0;
}

/* Run: single request, or a ping run. */
static int
run(void)
{
	long total = o.count > 0 ? o.count : 1;
	/*
	 * A ping run sends every --interval, as ping(8) does, whatever is
	 * still unanswered (up to SIP_UAC_MAXACTIVE, or --concurrency).
	 */
	long conc = o.count == 0 ? 1 : o.concurrency > 0 ? o.concurrency :
	    o.interval > 0 ? SIP_UAC_MAXACTIVE : 1;
	struct job *jobs = xcalloc((size_t)conc, sizeof *jobs);
	/* --timeout: the one request's, or each request's in a ping run */
	uint64_t tmo = copt.timeout > 0 ? (uint64_t)(copt.timeout * 1000) : 0;
	uint64_t deadline = tmo > 0 && o.count == 0 ? sip_clock_ms() + tmo : 0;
	uint64_t next_at = 0, iv = (uint64_t)(o.interval * 1000);
	long seq = 0;
	int cancelling = 0;
	enum sip_err e;

	uac.t1 = copt.t1 > 0 ? (uint32_t)(copt.t1 * 1000) : 0;
	if (uac.t1 && uac.t1 > SIP_TXN_T2)
		uac.t2 = uac.t1;
	uac.user = copt.user;
	uac.password = password;
	uac.trace.fn = verbose ? trace_event : NULL;	/* no call per message for nothing */
	uac.done = job_done;
	uac.target = on_target;
	uac.failover = on_failover;
	st.t0 = sip_loop_update(cl.loop);
	while (interrupted < 2) {
		/* the loop's time: each wait, send and answer brings it up to date */
		uint64_t now = sip_loop_now(cl.loop);
		int wait = 100;

		/*
		 * Ctrl-C or --timeout with an INVITE out: CANCEL it (RFC 3261
		 * 9.1) and wait for its final answer, the 487; a second
		 * Ctrl-C quits at once.
		 */
		if ((interrupted == 1 || (deadline && now >= deadline)) &&
		    !cancelling) {
			if (!cancel_all()) {
				if (!interrupted)
					sip_uac_abort(&uac, SIP_E_TIMEOUT,
					    "--timeout reached");
				break;
			}
			cancelling = 1;
			total = seq;	/* nothing more starts */
			if (interrupted)
				warnf("interrupted: cancelling the INVITE "
				    "(Ctrl-C again to quit now)");
			else
				client_info("--timeout reached: cancelling the "
				    "INVITE");
		}

		/* Start requests while slots are free and the interval allows. */
		while (seq < total && uac.nlive < conc && now >= next_at) {
			struct job *jb = NULL;

			for (long i = 0; i < conc; i++)
				if (!jobs[i].r.active) {
					jb = &jobs[i];
					break;
				}
			if (jb == NULL)
				break;
			if (jb->r.raw)
				free((void *)jb->r.raw);
			prepare(jb, ++seq);
			jb->until = o.count > 0 && tmo > 0 ? now + tmo : 0;
			st.sent++;
			if ((e = sip_uac_start(&uac, &jb->r)) == SIP_E_RANDOM)
				die(SIP_EXIT_NET, "%s", sip_err_str(e));
			if (e != SIP_OK)
				die(SIP_EXIT_USAGE, "cannot build the request");
			next_at = now + iv;
		}
		if (seq >= total && uac.nlive == 0)
			break;
		if (seq < total && uac.nlive < conc && next_at > now)
			wait = (int)(next_at - now);
		if (deadline && !cancelling && deadline - now < (uint64_t)wait)
			wait = (int)(deadline - now);
		for (long i = 0; tmo > 0 && o.count > 0 && i < conc; i++) {
			struct job *jb = &jobs[i];

			if (!jb->r.active || jb->until == 0)
				continue;
			if (jb->until <= now) {
				/* a probe that ran out is lost; the run goes on */
				sip_uac_abort_one(&uac, &jb->r, SIP_E_TIMEOUT,
				    "--timeout reached");
				wait = 0;
			} else if (jb->until - now < (uint64_t)wait) {
				wait = (int)(jb->until - now);
			}
		}
		sip_uac_step(&uac, wait);
	}
	if (interrupted)
		sip_uac_abort(&uac, SIP_E_TIMEOUT, "interrupted");
	if (o.count > 0)
		summary();
	for (long i = 0; i < conc; i++) {
		if (&jobs[i] == call_job)
			continue;
		sip_uac_req_free(&jobs[i].r);
		free((void *)jobs[i].r.raw);
	}
	if (call_job != NULL)
		call_jobs = jobs;
	else
		free(jobs);
	if (o.count > 0 && st.received == 0 && st.first_bad_exit == 0)
		return SIP_EXIT_TIMEOUT;
	return st.first_bad_exit;
}

/* After a 2xx to a single INVITE: hang up politely with BYE (15.1.1). */
static int
maybe_bye(void)
{
	struct job jb;
	struct buf b;
	struct sip_req_params p;
	int rc;

	if (call_dialog == NULL || o.no_bye)
		return 0;
	memset(&jb, 0, sizeof jb);
	fill_params(&p, 0);
	buf_init(&b, SIP_MAX_MSG);
	p.body = NULL;
	p.body_len = 0;
	p.content_type = NULL;
	p.headers = NULL;
	if (sip_dialog_request(call_dialog, &b, "BYE", &p) != SIP_OK) {
		buf_free(&b);
		return 0;
	}
	client_info("sending BYE to end the call");
	/* where the call is: its dialog's next hop, as its ACK went */
	uac.dst[0] = sip_ep_call_dest(&call_job->r.c) != NULL ?
	    *sip_ep_call_dest(&call_job->r.c) : *sip_uac_dest(&call_job->r);
	uac.ndst = 1;
	jb.r.user = NULL;
	jb.r.p.method = "BYE";
	jb.r.raw = b.p;
	jb.r.rawlen = b.len;
	jb.seq = 0;
	bye_phase = 1;
	uac.done = job_done;
	if (sip_uac_start(&uac, &jb.r) == SIP_OK)
		while (jb.r.active && interrupted < 2)
			sip_uac_step(&uac, 100);
	rc = jb.r.err == SIP_OK && jb.r.status < 300 ? 0 : 1;
	sip_uac_req_free(&jb.r);
	buf_free(&b);
	return rc;
}

/* The value of the last -H line for header id, or NULL. */
static const char *
header_opt(enum sip_hdr_id id)
{
	const char *v = NULL, *c;

	for (int h = 0; h < o.headers.n; h++) {
		c = strchr(o.headers.v[h], ':');
		if (sip_hdr_lookup(o.headers.v[h], (size_t)(c - o.headers.v[h])) ==
		    id)
			v = c + 1 + strspn(c + 1, " \t");
	}
	return v;
}

/*
 * REGISTER's Contact and Expires (RFC 3261 10.2).  --contact '*' removes
 * every binding, so it goes bare, alone and only with Expires: 0
 * (10.2.2); -H lines go as written, so that a registrar's checks can be
 * tried.  The built-in Contact points at an ephemeral port: it asks for a
 * short, explicit Expires instead of the registrar's default hour.
 * -H 'Contact:' sends none, to list the bindings (10.2.3).
 */
static void
register_rules(void)
{
	const char *hc = header_opt(SIP_HDR_CONTACT);
	const char *he = header_opt(SIP_HDR_EXPIRES);
	int star = o.contact != NULL && strcmp(o.contact, "*") == 0;

	if (star && o.file != NULL)
		usage_error("--contact does not go with -F: write the Contact "
		    "in the file");
	if (star && hc != NULL)
		usage_error("--contact '*' stands alone: no -H 'Contact: ...' "
		    "goes with it (RFC 3261 10.2.2)");
	if (star && strcmp(o.method, "REGISTER") != 0)
		usage_error("--contact '*' is for REGISTER only");
	if (star && he != NULL && (strspn(he, "0") == 0 ||
	    he[strspn(he, "0")] != '\0'))
		usage_error("--contact '*' removes every binding and goes only "
		    "with Expires: 0, not 'Expires: %s' (RFC 3261 10.2.2)", he);
	if (o.file != NULL || strcmp(o.method, "REGISTER") != 0 ||
	    he != NULL || hc != NULL)
		return;
	strlist_add(&o.headers, star ? "Expires: 0" :
	    "Expires: " SEND_REGISTER_EXPIRES);
	own_expires = !star;
}

int
sip_send_main(int argc, char **argv)
{
	int i, rc;

	i = opt_parse(&spec, argc, argv);
	if (i != argc - 1)
		usage_error(i == argc ? "a TARGET is needed" : "one TARGET only");
	if (o.method == NULL)
		o.method = "OPTIONS";
	if (!slice_is_token_str(slice_cstr(o.method)))
		usage_error("bad method '%s': not a token", o.method);
	o.method = upper(o.method);
	for (int h = 0; h < o.headers.n; h++)
		if (strchr(o.headers.v[h], ':') == NULL)
			usage_error("bad header '%s': expected 'Name: value'",
			    o.headers.v[h]);
	if (o.file != NULL && o.data != NULL)
		usage_error("-F and -d exclude each other");
	if (o.ack_body != NULL && (strcmp(o.method, "INVITE") != 0 ||
	    o.data != NULL || o.file != NULL))
		usage_error("--ack-body answers the offer in the 2xx to an "
		    "INVITE sent without a body: not with -d, -F or another "
		    "method");
	register_rules();
	/* --json is never dropped silently for another output */
	if (o.json && o.write_out != NULL)
		usage_error("--json and --write-out exclude each other");
	if (o.json && o.dry_run)
		usage_error("--dry-run prints the request as it is; it has no "
		    "--json form");
	if (o.match != NULL && regcomp(&match_re, o.match,
	    REG_EXTENDED | REG_NOSUB | REG_NEWLINE) != 0)
		usage_error("bad --match regular expression '%s'", o.match);
	if (o.expect != NULL) {
		size_t n = strlen(o.expect);

		if (n != 3 || o.expect[0] < '1' || o.expect[0] > '6' ||
		    (strspn(o.expect + 1, "0123456789") != 2 &&
		    strspn(o.expect + 1, "xX") != 2))
			usage_error("--expect wants a code such as 200 or a class such as 2xx");
	}
	if (o.write_out != NULL)
		print_writeout(NULL, NULL, 1);
	/* --json: a bad -d @FILE, -F FILE or password file is a record too */
	json_errors = o.json && !quiet;
	load_body();
	if (o.file != NULL && read_file(o.file, &tpl, &tpl_len, SIP_MAX_MSG) != 0)
		die_errno(SIP_EXIT_INVALID, "%s", o.file);
	if (o.file != NULL)
		check_template(o.file, tpl, tpl_len);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	target = argv[i];
	client_no_uri_password("target URI", target);
	/* from here a failure is the request's own record (json_fail) */
	json_errors = 0;
	if (o.json && !quiet)
		client_onfail = json_fail;
	route_hop();
	client_resolve(&cl, argv[i]);
	udp_size_rule();
	if (o.dry_run) {
		struct job jb;
		struct buf b;

		client_guess_local(&cl);
		memset(&jb, 0, sizeof jb);
		prepare(&jb, 1);
		if (jb.r.raw != NULL) {
			fwrite(jb.r.raw, 1, jb.r.rawlen, stdout);
			free((void *)jb.r.raw);
			return 0;
		}
		buf_init(&b, SIP_MAX_MSG);
		if (sip_build_request(&b, &jb.r.p) != SIP_OK)
			die(SIP_EXIT_USAGE, "cannot build the request");
		fwrite(b.p, 1, b.len, stdout);
		buf_free(&b);
		return 0;
	}
	json_errors = o.json && !quiet;
	password = client_password();
	json_errors = 0;
	uac.trace.fn = verbose ? trace_event : NULL;	/* the set's notes too */
	client_start(&cl, &uac);
	client_guess_local(&cl);	/* until the first target says */
	/* a call's next hop by name (a Record-Route, a Contact): RFC 3263 */
	if (sip_resolver_new(&hop_resolver, copt.resolver) == SIP_OK) {
		if (verbose)
			sip_resolver_trace(hop_resolver, trace_event, NULL);
		uac.ep.resolver = hop_resolver;
	}
	rc = run();
	/* a BYE or CANCEL the endpoint sent itself gets its answer first */
	while (sip_ep_owned_pending(&uac.ep) > 0 && interrupted < 2)
		sip_uac_step(&uac, 100);
	if (maybe_bye() != 0)
		warnf("the call could not be ended with BYE");
	/* a fork whose 2xx came meanwhile is ended too (13.2.2.4) */
	while (sip_ep_owned_pending(&uac.ep) > 0 && interrupted < 2)
		sip_uac_step(&uac, 100);
	if (call_job != NULL) {
		sip_uac_req_free(&call_job->r);
		free((void *)call_job->r.raw);
		free(call_jobs);
	}
	sip_uac_free(&uac);
	sip_resolver_free(hop_resolver);	/* before its loop */
	client_close(&cl);
	client_password_free(password);
	free(body);
	free(ack_body);
	free(tpl);
	if (o.match)
		regfree(&match_re);
	return rc;
}
