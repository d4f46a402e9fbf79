/*
 * msgstart.c - sip_msg_starts_known(), which lets a reader that parsed a
 * message first skip sip_msg_junk(): where it says 1, sip_msg_junk() on
 * the same bytes finds no junk; it says 1 for the plain start lines and
 * 0 (ask sip_msg_junk()) for the rest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "tap.h"

static const struct {
	const char	*line;
	int		 known;		/* what sip_msg_starts_known() says */
} lines[] = {
	{ "INVITE sip:bob@biloxi.example.com SIP/2.0", 1 },
	{ "REGISTER sip:example.com SIP/2.0", 1 },
	{ "SIP/2.0 200 OK", 1 },
	{ "SIP/2.0 100 Trying", 1 },
	{ "SIP/2.0 699 ", 1 },
	/* junk before a known method: sip_msg_junk() finds it */
	{ "DBREGISTER sip:b SIP/2.0", 0 },
	{ "xxINVITE sip:b SIP/2.0", 0 },
	/* an extension method, lower case, another version, a tab */
	{ "FOO sip:b SIP/2.0", 0 },
	{ "invite sip:b SIP/2.0", 0 },
	{ "INVITE sip:b SIP/3.0", 0 },
	{ "INVITE sip:b sip/2.0", 0 },
	{ "INVITE\tsip:b SIP/2.0", 0 },
	{ "INVITE sip:b SIP/2.0 ", 0 },
	{ "SIP/2.0 200\tOK", 0 },
	{ "SIP/2.0  200 OK", 0 },
	{ "SIP/2.0 200", 0 },
};

int
main(void)
{
	struct sip_msg *m = malloc(sizeof(*m));
	char buf[256];
	size_t i, j, from;

	if (m == NULL)
		return 1;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		int n = snprintf(buf, sizeof(buf), "\r\n%s\r\nCall-ID: a\r\n"
		    "Content-Length: 0\r\n\r\n", lines[i].line);
		enum sip_err e = sip_msg_parse(m, buf, (size_t)n,
		    SIP_PARSE_STREAM, NULL);
		int k = e == SIP_OK && sip_msg_starts_known(m);

		j = sip_msg_junk(buf, (size_t)n, &from);
		ok(k == lines[i].known, "\"%s\": starts known %d", lines[i].line,
		    k);
		ok(!k || j == 0, "\"%s\": no junk where known (junk at %zu)",
		    lines[i].line, j);
	}
	free(m);
	return done();
}
