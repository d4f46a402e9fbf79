/*
 * trace.c - the -v trace, the callback of lib/trace.h for every applet
 * that sends or receives SIP: for a message a "* time transport
 * sent|received N bytes to|from peer" line, then the message with "> "
 * or "< " before each line, and digest responses masked; for a line of
 * text (DNS) "* " and the line.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cmd.h"
#include "net.h"
#include "tpname.h"
#include "trace.h"

/* Print data line by line with prefix, hiding digest responses. */
static void
trace_lines(const char *pfx, const char *p, size_t n)
{
	const char *end = p + n;

	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		size_t ll = e ? (size_t)(e - p) : (size_t)(end - p);
		size_t show = ll;

		if (show > 0 && p[show - 1] == '\r')
			show--;
		if ((show > 14 && strncasecmp(p, "Authorization:", 14) == 0) ||
		    (show > 20 &&
		    strncasecmp(p, "Proxy-Authorization:", 20) == 0)) {
			/* the response digest is as good as a password
			 * for a replay within the nonce's life */
			const char *r = strcasestr(p, "response=");

			if (r != NULL && r < p + show) {
				const char *q = r + 9;
				const char *qe = q;

				if (*q == '"')
					qe = memchr(q + 1, '"',
					    (size_t)(p + show - q - 1));
				else
					while (qe < p + show && *qe != ',')
						qe++;
				if (qe == NULL)
					qe = p + show;
				else if (*q == '"')
					qe++;
				fprintf(stderr, "%s%.*s\"***\"%.*s\n", pfx,
				    (int)(q - p), p, (int)(p + show - qe), qe);
				goto next;
			}
		}
		fprintf(stderr, "%s%.*s\n", pfx, (int)show, p);
next:
		if (e == NULL)
			break;
		p = e + 1;
	}
}

void
trace_event(void *arg, const struct sip_trace_ev *ev)
{
	struct timespec ts;
	struct tm tm;
	char r[SIP_NET_ADDRSTR];
	char dir = ev->kind == SIP_TRACE_OUT ? '>' : '<';
	const char *data = ev->data;
	size_t len = ev->len;

	(void)arg;
	if (!verbose)
		return;
	if (ev->kind == SIP_TRACE_INFO) {
		fprintf(stderr, "%s* %.*s%s\n", color_on(stderr, "2"),
		    (int)len, data, color_off(stderr));
		return;
	}
	/* wall time: a reader lines the trace up with other logs */
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	fprintf(stderr, "%s* %02d:%02d:%02d.%06ld %s %s %zu bytes %s %s%s\n",
	    color_on(stderr, "2"), tm.tm_hour, tm.tm_min, tm.tm_sec,
	    ts.tv_nsec / 1000, sip_tp_name(ev->tp),
	    dir == '>' ? (ev->retrans ? "retransmitted" : "sent") : "received",
	    len, dir == '>' ? "to" : "from", sip_net_str(ev->peer, r, sizeof r),
	    color_off(stderr));
	trace_lines(dir == '>' ? "> " : "< ", data, len);
}
