/*
 * sip-parse - take SIP messages apart
 *
 * RFC 3261 7 (message format), 7.3.1 (header field format), 25 (grammar).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "msg.h"

static const char *const usage[] = {
	"sip-parse [options] [file...]",
	NULL
};

static struct {
	int	full;
} o;

static const struct opt opts[] = {
	OPT_FLAG(0, "full", &o.full, "print each message normalised"),
	OPT_END
};

static const struct applet_spec spec = { "sip-parse", usage, opts, NULL };

static void
one_line(const struct sip_msg *m)
{
	if (m->is_request)
		printf(SLICE_FMT " " SLICE_FMT, SLICE_ARG(m->method),
		    SLICE_ARG(m->ruri));
	else
		printf("%d " SLICE_FMT, m->status, SLICE_ARG(m->reason));
	printf("\t" SLICE_FMT "\t" SLICE_FMT "\t" SLICE_FMT "\t" SLICE_FMT "\n",
	    SLICE_ARG(sip_msg_value(m, SIP_HDR_FROM)),
	    SLICE_ARG(sip_msg_value(m, SIP_HDR_TO)),
	    SLICE_ARG(sip_msg_value(m, SIP_HDR_CALL_ID)),
	    SLICE_ARG(sip_msg_value(m, SIP_HDR_CSEQ)));
}

static int
parse_file(const char *path)
{
	struct sip_msg m;
	struct sip_perr pe;
	char *data;
	size_t len, off = 0;
	enum sip_err e;
	unsigned line, col;

	if (read_file(path, &data, &len, SIP_MAX_INPUT) != 0) {
		errorf_errno("%s", path);
		return SIP_EXIT_INVALID;
	}
	while (off < len) {
		e = sip_msg_parse(&m, data + off, len - off, 0, &pe);
		if (e != SIP_OK) {
			if (m.skipped == len - off)
				break;
			line = sip_msg_line_of(data, len, off + pe.off, &col);
			errorf("%s:%u:%u: %s", path, line, col, pe.why);
			free(data);
			return SIP_EXIT_INVALID;
		}
		one_line(&m);
		off += m.skipped + m.len;
	}
	free(data);
	return 0;
}

int
sip_parse_main(int argc, char **argv)
{
	int i, rc = 0, r;

	i = opt_parse(&spec, argc, argv);
	if (i == argc)
		return parse_file("-");
	for (; i < argc; i++)
		if ((r = parse_file(argv[i])) != 0)
			rc = r;
	return rc;
}
