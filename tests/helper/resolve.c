/*
 * resolve.c - test helper: resolve one SIP target (RFC 3263) and print
 * the ordered list, one "N TRANSPORT ADDRESS:PORT HOST" line each, on
 * stdout, and the trace as "* " lines on stderr.  Until sip-send has
 * --resolver, tests/resolve.bats drives the resolver through this.
 *
 *	resolve SERVER HOST PORT TRANSPORT SIPS [FAMILY [TRANSPORTS]]
 *
 * SERVER "ADDR[:PORT]" or "-" (resolv.conf); PORT 0 for none; TRANSPORT
 * udp, tcp, tls, sctp, ws, wss or "-"; SIPS 0 or 1; FAMILY 4, 6 or "-";
 * TRANSPORTS a comma list of the transports the client supports.
 * Exit status: the exit table of lib/err.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "err.h"
#include "resolve.h"

static void
tr(void *arg, const struct sip_trace_ev *ev)
{
	(void)arg;
	fprintf(stderr, "* %.*s\n", (int)ev->len, ev->data);
}

static int
tp_arg(const char *s, enum sip_tp *tp)
{
	*tp = SIP_TP_NONE;
	if (strcmp(s, "-") == 0)
		return 0;
	*tp = sip_tp_byname(s, strlen(s));
	return *tp == SIP_TP_NONE ? -1 : 0;
}

int
main(int argc, char **argv)
{
	static struct sip_dests out;
	struct sip_resolver *r;
	struct sip_resolve_req q = { 0 };
	char addr[64], *list, *tok, *save = NULL;
	enum sip_err e;

	if (argc < 6 || argc > 8) {
		fprintf(stderr, "usage: resolve SERVER HOST PORT TRANSPORT "
		    "SIPS [FAMILY [TRANSPORTS]]\n");
		return SIP_EXIT_USAGE;
	}
	q.host = argv[2];
	q.port = (unsigned)strtoul(argv[3], NULL, 10);
	q.sips = strcmp(argv[5], "1") == 0;
	q.family = AF_UNSPEC;
	if (tp_arg(argv[4], &q.tp) < 0) {
		fprintf(stderr, "resolve: unknown transport '%s'\n", argv[4]);
		return SIP_EXIT_USAGE;
	}
	if (argc > 6 && strcmp(argv[6], "4") == 0)
		q.family = AF_INET;
	else if (argc > 6 && strcmp(argv[6], "6") == 0)
		q.family = AF_INET6;
	if (argc > 7 && strcmp(argv[7], "-") != 0) {
		list = argv[7];
		while ((tok = strtok_r(list, ",", &save)) != NULL) {
			enum sip_tp tp;

			list = NULL;
			if (tp_arg(tok, &tp) < 0 || tp == SIP_TP_NONE) {
				fprintf(stderr, "resolve: unknown transport "
				    "'%s'\n", tok);
				return SIP_EXIT_USAGE;
			}
			q.tps |= SIP_TP_BIT(tp);
		}
	}
	e = sip_resolver_new(&r, strcmp(argv[1], "-") == 0 ? NULL : argv[1]);
	if (e != SIP_OK) {
		fprintf(stderr, "resolve: bad server '%s': %s\n", argv[1],
		    sip_err_str(e));
		return sip_err_exit(e);
	}
	sip_resolver_trace(r, tr, NULL);
	sip_resolver_timeout(r, 500, 2);
	e = sip_resolve(r, &q, &out);
	if (e != SIP_OK) {
		fprintf(stderr, "resolve: %s: %s: %s\n", q.host, sip_err_str(e),
		    sip_resolver_why(r));
		sip_resolver_free(r);
		return sip_err_exit(e);
	}
	for (unsigned i = 0; i < out.n; i++) {
		sip_net_str(&out.v[i].addr, addr, sizeof(addr));
		printf("%u %s %s %s\n", i + 1, sip_tp_name(out.v[i].tp), addr,
		    out.v[i].host);
	}
	sip_resolver_free(r);
	return 0;
}
