/*
 * diag.c - every diagnostic goes through here: "applet: message" on
 * stderr, colour only on a terminal and never with NO_COLOR.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"

const char	*progname = "sipbox";
int		 verbose;
int		 quiet;
int		 json_errors;

/*
 * --json writes JSON Lines including failures: with json_errors set, an
 * error is also a record on stdout, {"type":"error","error":MESSAGE}
 * and, when it ends the program, "exit".
 */
void
json_error_record(const char *msg, int code)
{
	struct jsonl l;

	jsonl_begin(&l);
	json_kstr(&l.j, "type", "error");
	json_kstr(&l.j, "error", msg);
	if (code >= 0)
		json_kint(&l.j, "exit", code);
	jsonl_end(&l);
}

static void
json_error(const char *fmt, va_list ap, int err, int code)
{
	char msg[1024];
	int n;

	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (err != 0 && n >= 0 && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s", strerror(err));
	json_error_record(msg, code);
}

/* rec: NO_REC, or the record's exit status (-1: none, it goes on). */
#define NO_REC	(-2)

static void
vmsg(const char *kind, const char *sgr, const char *fmt, va_list ap, int err,
    int rec)
{
	/* what stdout holds comes first */
	(void)obuf_flush();
	if (json_errors && rec != NO_REC) {
		va_list cp;

		va_copy(cp, ap);
		json_error(fmt, cp, err, rec);
		va_end(cp);
	}
	fflush(stdout);
	fprintf(stderr, "%s: ", progname);
	if (kind != NULL)
		fprintf(stderr, "%s%s:%s ", color_on(stderr, sgr), kind,
		    color_off(stderr));
	vfprintf(stderr, fmt, ap);
	if (err != 0)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
}

void
errorf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(NULL, NULL, fmt, ap, 0, -1);
	va_end(ap);
}

void
errorf_ending(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(NULL, NULL, fmt, ap, 0, code);
	va_end(ap);
}

void
errorf_errno(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	vmsg(NULL, NULL, fmt, ap, e, -1);
	va_end(ap);
}

void
warnf(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vmsg("warning", "1;35", fmt, ap, 0, NO_REC);
	va_end(ap);
}

void
notef(const char *fmt, ...)
{
	va_list ap;

	if (verbose == 0)
		return;
	va_start(ap, fmt);
	vmsg(NULL, NULL, fmt, ap, 0, NO_REC);
	va_end(ap);
}

void
die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(NULL, NULL, fmt, ap, 0, code);
	va_end(ap);
	/* output that failed earlier outranks the reason for dying */
	exit(output_status(code));
}

void
die_errno(int code, const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	vmsg(NULL, NULL, fmt, ap, e, code);
	va_end(ap);
	exit(output_status(code));
}

int
output_status(int rc)
{
	struct pollfd p = { .fd = STDOUT_FILENO };

	/*
	 * A write error on stdout (other than a closed pipe) is a failure,
	 * and it wins over rc: data the user asked for was lost.
	 */
	errno = 0;
	/* (obuf_flush() gives the errno of the write that failed) */
	if (obuf_flush() != 0 || fflush(stdout) != 0) {
		if (errno == EPIPE)
			return rc;
		errorf_errno("write error on standard output");
		return SIP_EXIT_OUTPUT;
	}
	if (!ferror(stdout))
		return rc;
	/*
	 * An earlier write failed and errno has moved on since: a pipe or
	 * socket whose reader went away says so by poll (POLLERR, POLLHUP);
	 * anything else is said without a reason rather than a wrong one.
	 */
	if (poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)))
		return rc;
	errorf("write error on standard output");
	return SIP_EXIT_OUTPUT;
}

int
use_color(FILE *f)
{
	const char *nc = getenv("NO_COLOR");

	if (nc != NULL && nc[0] != '\0')
		return 0;
	return isatty(fileno(f));
}

const char *
color_on(FILE *f, const char *sgr)
{
	static char seq[4][32];
	static int n;
	char *s;

	if (sgr == NULL || !use_color(f))
		return "";
	s = seq[n++ & 3];
	snprintf(s, sizeof(seq[0]), "\033[%sm", sgr);
	return s;
}

const char *
color_off(FILE *f)
{
	return use_color(f) ? "\033[0m" : "";
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n != 0 ? n : 1);

	if (p == NULL)
		die(SIP_EXIT_NET, "out of memory");
	return p;
}

void *
xcalloc(size_t n, size_t m)
{
	void *p = calloc(n != 0 ? n : 1, m != 0 ? m : 1);

	if (p == NULL)
		die(SIP_EXIT_NET, "out of memory");
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n != 0 ? n : 1)) == NULL)
		die(SIP_EXIT_NET, "out of memory");
	return p;
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

void
strlist_add(struct strlist *l, const char *s)
{
	l->v = xrealloc(l->v, sizeof(*l->v) * ((size_t)l->n + 2));
	l->v[l->n++] = s;
	l->v[l->n] = NULL;
}

int
read_file(const char *path, char **out, size_t *len, size_t max)
{
	FILE *f;
	char *p = NULL;
	size_t n = 0, cap = 0, r;
	int e;

	if (strcmp(path, "-") == 0)
		f = stdin;
	else if ((f = fopen(path, "rb")) == NULL)
		return -1;
	for (;;) {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 65536;
			p = xrealloc(p, cap + 1);
		}
		r = fread(p + n, 1, cap - n, f);
		n += r;
		if (n > max) {
			e = EFBIG;
			goto fail;
		}
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		e = errno != 0 ? errno : EIO;
		goto fail;
	}
	if (f != stdin)
		fclose(f);
	p[n] = '\0';
	*out = p;
	*len = n;
	return 0;
fail:
	if (f != stdin)
		fclose(f);
	free(p);
	errno = e;
	return -1;
}

/*
 * One buffer for every record, kept between them: a capture's --json
 * writes a record a message (a record begun inside another, as an error
 * said while one is built, gets its own).
 */
static struct buf	jsonl_buf;
static int		jsonl_busy;

void
jsonl_begin(struct jsonl *l)
{
	l->shared = !jsonl_busy;
	if (l->shared) {
		jsonl_busy = 1;
		l->b = jsonl_buf;
		buf_reset(&l->b);
	} else
		buf_init(&l->b, 0);
	json_init(&l->j, &l->b);
	json_obj(&l->j);
}

void
jsonl_end(struct jsonl *l)
{
	json_end(&l->j);
	if (l->j.err == SIP_OK) {
		buf_addc(&l->b, '\n');
		fwrite(l->b.p, 1, l->b.len, stdout);
	}
	if (l->shared) {
		/* A record of a megabyte is not kept for the next ones. */
		if (l->b.cap > 65536)
			buf_free(&l->b);
		jsonl_buf = l->b;
		jsonl_busy = 0;
	} else
		buf_free(&l->b);
}

void
secret_file_check(const char *path)
{
	struct stat st;
	unsigned mode;

	/* "-", a pipe or a FIFO is the caller's own, not a file left around */
	if (strcmp(path, "-") == 0 || stat(path, &st) != 0 ||
	    !S_ISREG(st.st_mode))
		return;
	mode = (unsigned)st.st_mode & 07777;
	if (st.st_mode & S_IWOTH)
		die(SIP_EXIT_INVALID, "%s: anyone may write this file of "
		    "secrets (mode %04o): refusing it", path, mode);
	if (st.st_mode & (S_IRGRP | S_IROTH))
		warnf("%s: group or others may read this file of secrets "
		    "(mode %04o): chmod 600 it", path, mode);
}

void
secret_hold(void)
{
	/* no core dump, and no ptrace or /proc/PID/mem for other processes */
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}
