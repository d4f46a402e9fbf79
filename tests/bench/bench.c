/*
 * bench.c - the parse benchmark (make bench, tests/bench/run).
 *
 *   bench gen [-n COUNT] [-s SEED] DIR
 *	write DIR/corpus.sip (COUNT generated messages back to back) and
 *	DIR/corpus.tsv (what the generator put in each one)
 *   bench run [-c] [-o PARSER] [-p PASSES] [-t SECONDS] DIR
 *	parse every message of DIR/corpus.sip with each parser built in
 *	(the memchr floor, sipbox, sofia-sip, libosip2), reading Call-ID,
 *	CSeq, From tag, To tag and top Via branch; print messages/s and
 *	MB/s of the best pass and the ratios.  -c checks instead of timing:
 *	every parser must hand back exactly the fields in corpus.tsv.  -o
 *	runs only the parser named (for a profiler).
 *   bench proc PARSER DIR
 *	a whole process for tests/bench/proc: read DIR/corpus.sip into
 *	memory, parse each message with PARSER and print its fields as
 *	sip-parse -f call-id,cseq.num,cseq.method,from.tag,to.tag,via.branch
 *	does (the message bounds come from corpus.tsv, free of charge).
 *
 * Exit status: 0 ok, 1 a parser failed or disagreed, 2 usage.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static const struct bparser *const parsers[] = {
	&bench_floor,
	&bench_sipbox,
	&bench_sipbox_strict,
#ifdef HAVE_SOFIA
	&bench_sofia,
#endif
#ifdef HAVE_OSIP
	&bench_osip,
#endif
};
#define NPARSERS	(sizeof(parsers) / sizeof(parsers[0]))

static const char *const fname[BF__N] = {
	"Call-ID", "CSeq method", "From tag", "To tag", "Via branch",
};

static void
usage(void)
{
	fprintf(stderr, "usage: bench gen [-n COUNT] [-s SEED] DIR\n"
	    "       bench run [-c] [-o PARSER] [-p PASSES] [-t SECONDS] DIR\n"
	    "       bench proc PARSER DIR\n");
	exit(2);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f;
	char *p;
	long n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (p = malloc((size_t)n + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	if (fread(p, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(p);
		return NULL;
	}
	fclose(f);
	p[n] = '\0';
	*len = (size_t)n;
	return p;
}

/* Read DIR/corpus.sip and DIR/corpus.tsv; -1 with a message on failure. */
static int
corpus_load(struct corpus *c, const char *dir)
{
	char path[4096], *line, *next, *fld[8];
	size_t tlen, n, i, cap = 0;
	int k;

	memset(c, 0, sizeof(*c));
	snprintf(path, sizeof(path), "%s/corpus.sip", dir);
	if ((c->buf = slurp(path, &c->size)) == NULL)
		goto fail;
	snprintf(path, sizeof(path), "%s/corpus.tsv", dir);
	if ((c->tsv = slurp(path, &tlen)) == NULL)
		goto fail;
	for (n = 0, i = 0; i < tlen; i++)
		n += c->tsv[i] == '\n';
	if ((c->m = calloc(n > 0 ? n : 1, sizeof(*c->m))) == NULL)
		goto fail;
	cap = n;
	for (line = c->tsv; *line != '\0' && c->n < cap; line = next) {
		struct cmsg *m = &c->m[c->n];

		next = strchr(line, '\n');
		*next++ = '\0';
		for (k = 0; k < 8; k++) {
			fld[k] = line;
			line = strchr(line, '\t');
			if (line == NULL && k < 7) {
				fprintf(stderr, "bench: %s:%zu: short line\n",
				    path, c->n + 1);
				return -1;
			}
			if (line != NULL)
				*line++ = '\0';
		}
		m->off = strtoull(fld[0], NULL, 10);
		m->len = strtoull(fld[1], NULL, 10);
		m->cseq = (uint32_t)strtoul(fld[3], NULL, 10);
		if (m->off > c->size || m->len > c->size - m->off) {
			fprintf(stderr, "bench: %s:%zu: message outside "
			    "corpus.sip\n", path, c->n + 1);
			return -1;
		}
		m->want[BF_CALLID] = fld[2];
		m->want[BF_CSEQ_METHOD] = fld[4];
		m->want[BF_FROM_TAG] = fld[5];
		m->want[BF_TO_TAG] = strcmp(fld[6], "-") == 0 ? NULL : fld[6];
		m->want[BF_BRANCH] = fld[7];
		c->n++;
	}
	return 0;
fail:
	fprintf(stderr, "bench: %s: %s\n", path, strerror(errno));
	return -1;
}

static void
corpus_free(struct corpus *c)
{
	free(c->buf);
	free(c->tsv);
	free(c->m);
}

static size_t
flen(const struct bfield *f)
{
	return f->len + (f->p2 != NULL ? 1 + f->len2 : 0);
}

/* One field and a tab or the line end, as sip-parse -f prints them. */
static void
put_field(const struct bfield *f, int last)
{
	if (f->p != NULL)
		fwrite(f->p, 1, f->len, stdout);
	if (f->p2 != NULL) {
		putchar('@');
		fwrite(f->p2, 1, f->len2, stdout);
	}
	putchar(last ? '\n' : '\t');
}

static void
sink_print(struct bsink *s, const struct bfields *o)
{
	(void)s;
	put_field(&o->f[BF_CALLID], 0);
	printf("%" PRIu32 "\t", o->cseq);
	put_field(&o->f[BF_CSEQ_METHOD], 0);
	put_field(&o->f[BF_FROM_TAG], 0);
	put_field(&o->f[BF_TO_TAG], 0);
	put_field(&o->f[BF_BRANCH], 1);
}

/* bench proc: the whole process of one parser over the corpus. */
static int
proc(const char *name, const char *dir)
{
	struct bsink s = { 0 };
	struct corpus c;
	size_t k, i;
	int rc = 0;

	for (k = 0; k < NPARSERS && strcmp(parsers[k]->name, name) != 0; k++)
		;
	if (k == NPARSERS) {
		fprintf(stderr, "bench: no parser '%s'\n", name);
		return 2;
	}
	if (corpus_load(&c, dir) != 0 || parsers[k]->init() != 0)
		return 1;
	s.fn = sink_print;
	for (i = 0; i < c.n && rc == 0; i++)
		if (parsers[k]->parse(c.buf + c.m[i].off, c.m[i].len, &s) != 0) {
			fprintf(stderr, "bench: %s: message %zu failed\n",
			    name, i + 1);
			rc = 1;
		}
	corpus_free(&c);
	return rc;
}

static void
sink_sum(struct bsink *s, const struct bfields *o)
{
	size_t i;

	s->sum += o->cseq;
	for (i = 0; i < BF__N; i++)
		s->sum += flen(&o->f[i]) + (o->f[i].p != NULL);
}

static int
same(const struct bfield *f, const char *want)
{
	size_t n;

	if (want == NULL || f->p == NULL)
		return want == NULL && f->p == NULL;
	n = strlen(want);
	if (flen(f) != n || memcmp(f->p, want, f->len) != 0)
		return 0;
	return f->p2 == NULL || (want[f->len] == '@' &&
	    memcmp(f->p2, want + f->len + 1, f->len2) == 0);
}

static void
sink_check(struct bsink *s, const struct bfields *o)
{
	const struct cmsg *m = &s->c->m[s->msg];
	size_t i;

	s->seen++;
	if (strcmp(s->name, "floor") == 0)
		return;
	if (o->cseq != m->cseq) {
		if (s->bad++ < 5)
			fprintf(stderr, "bench: %s: message %zu: CSeq %" PRIu32
			    ", want %" PRIu32 "\n", s->name, s->msg + 1,
			    o->cseq, m->cseq);
	}
	for (i = 0; i < BF__N; i++) {
		const struct bfield *f = &o->f[i];

		if (same(f, m->want[i]))
			continue;
		if (s->bad++ < 5)
			fprintf(stderr, "bench: %s: message %zu: %s '%.*s%s%.*s'"
			    ", want '%s'\n", s->name, s->msg + 1, fname[i],
			    (int)f->len, f->p != NULL ? f->p : "(none)",
			    f->p2 != NULL ? "@" : "", (int)f->len2,
			    f->p2 != NULL ? f->p2 : "",
			    m->want[i] != NULL ? m->want[i] : "(none)");
	}
}

/* One pass over the corpus; returns the number of messages that failed. */
static size_t
pass(const struct bparser *p, const struct corpus *c, struct bsink *s)
{
	size_t i, failed = 0;

	for (i = 0; i < c->n; i++) {
		s->msg = i;
		if (p->parse(c->buf + c->m[i].off, c->m[i].len, s) != 0) {
			if (failed++ < 5 && s->fn == sink_check)
				fprintf(stderr, "bench: %s: message %zu "
				    "(offset %zu) did not parse\n", p->name,
				    i + 1, c->m[i].off);
		}
	}
	return failed;
}

/*
 * CPU time of this thread: on a machine shared with other work, time
 * spent waiting for a CPU is not the parser's.
 */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *only;	/* -o: the one parser to run */

static int
skip(size_t k)
{
	return only != NULL && strcmp(only, parsers[k]->name) != 0;
}

static int
check(const struct corpus *c)
{
	size_t k, failed;
	int rc = 0;

	for (k = 0; k < NPARSERS; k++) {
		struct bsink s = { 0 };

		if (skip(k))
			continue;
		s.fn = sink_check;
		s.c = c;
		s.name = parsers[k]->name;
		failed = pass(parsers[k], c, &s);
		printf("%-13s %zu/%zu messages parsed, %zu fields disagree\n",
		    parsers[k]->name, s.seen, c->n, s.bad);
		if (failed > 0 || s.bad > 0 || s.seen != c->n)
			rc = 1;
	}
	return rc;
}

struct result {
	double	 best, median;
	uint64_t sum;
	size_t	 passes, failed;
};

static int
cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
timeit(const struct bparser *p, const struct corpus *c, unsigned minpasses,
    double mintime, struct result *r)
{
	double t[64], t0, total = 0;
	size_t n = 0;

	memset(r, 0, sizeof(*r));
	while (n < sizeof(t) / sizeof(t[0]) &&
	    (n < minpasses || total < mintime)) {
		struct bsink s = { 0 };

		s.fn = sink_sum;
		s.c = c;
		s.name = p->name;
		t0 = now();
		r->failed = pass(p, c, &s);
		t[n] = now() - t0;
		total += t[n++];
		r->sum = s.sum;
	}
	qsort(t, n, sizeof(t[0]), cmpd);
	r->best = t[0];
	r->median = t[n / 2];
	r->passes = n;
}

static int
run(const struct corpus *c, unsigned minpasses, double mintime)
{
	struct result r[NPARSERS];
	double rate[NPARSERS], mb = (double)c->size / 1e6;
	uint64_t sum = 0;
	size_t k, isipbox = 0, istrict = 0, isofia = NPARSERS, iosip = NPARSERS;
	int rc = 0;

	printf("corpus: %zu messages, %.1f MB (%.0f bytes a message)\n", c->n,
	    mb, (double)c->size / (double)c->n);
	printf("%-13s %12s %9s %12s %7s  %s\n", "parser", "messages/s", "MB/s",
	    "ns/message", "passes", "median messages/s");
	memset(rate, 0, sizeof(rate));
	for (k = 0; k < NPARSERS; k++) {
		const char *name = parsers[k]->name;

		if (skip(k))
			continue;
		timeit(parsers[k], c, minpasses, mintime, &r[k]);
		rate[k] = (double)c->n / r[k].best;
		printf("%-13s %12.0f %9.1f %12.1f %7zu  %.0f\n", name, rate[k],
		    mb / r[k].best, r[k].best * 1e9 / (double)c->n,
		    r[k].passes, (double)c->n / r[k].median);
		fflush(stdout);
		if (r[k].failed > 0) {
			fprintf(stderr, "bench: %s: %zu messages did not parse "
			    "(bench run -c tells which)\n", name, r[k].failed);
			rc = 1;
		}
		if (strcmp(name, "sipbox") == 0)
			isipbox = k;
		else if (strcmp(name, "sipbox-strict") == 0)
			istrict = k;
		else if (strcmp(name, "sofia-sip") == 0)
			isofia = k;
		else if (strcmp(name, "osip") == 0)
			iosip = k;
		/* Every real parser read the same fields: same checksum. */
		if (strcmp(name, "floor") != 0) {
			if (sum == 0)
				sum = r[k].sum;
			else if (r[k].sum != sum) {
				fprintf(stderr, "bench: %s: checksum %" PRIu64
				    " differs from sipbox's %" PRIu64 "\n",
				    name, r[k].sum, sum);
				rc = 1;
			}
		}
	}
	if (only != NULL)
		return rc;
	printf("ratios:");
	if (isofia < NPARSERS)
		printf(" sipbox/sofia-sip %.1fx", rate[isipbox] / rate[isofia]);
	if (iosip < NPARSERS)
		printf(" sipbox/osip %.1fx", rate[isipbox] / rate[iosip]);
	printf(" floor/sipbox %.2fx\n", rate[0] / rate[isipbox]);
	if (isofia < NPARSERS)
		printf("        sipbox-strict/sofia-sip %.1fx "
		    "floor/sipbox-strict %.2fx\n",
		    rate[istrict] / rate[isofia], rate[0] / rate[istrict]);
	if (isofia < NPARSERS)
		printf("target: sipbox at least 10x sofia-sip: %s\n",
		    rate[isipbox] >= 10 * rate[isofia] ? "met" : "missed");
	return rc;
}

int
main(int argc, char **argv)
{
	struct corpus c;
	unsigned long long count = 100000, seed = 1;
	unsigned passes = 5;
	double mintime = 1.0;
	int ch, do_check = 0, rc;
	size_t k;

	if (argc < 2)
		usage();
	if (strcmp(argv[1], "gen") == 0) {
		char path[4096];
		FILE *sip, *tsv;

		argv++, argc--;
		while ((ch = getopt(argc, argv, "n:s:")) != -1) {
			if (ch == 'n')
				count = strtoull(optarg, NULL, 10);
			else if (ch == 's')
				seed = strtoull(optarg, NULL, 10);
			else
				usage();
		}
		if (optind != argc - 1 || count == 0)
			usage();
		snprintf(path, sizeof(path), "%s/corpus.sip", argv[optind]);
		if ((sip = fopen(path, "wb")) == NULL) {
			fprintf(stderr, "bench: %s: %s\n", path, strerror(errno));
			return 1;
		}
		snprintf(path, sizeof(path), "%s/corpus.tsv", argv[optind]);
		if ((tsv = fopen(path, "w")) == NULL) {
			fprintf(stderr, "bench: %s: %s\n", path, strerror(errno));
			return 1;
		}
		rc = corpus_gen(sip, tsv, (size_t)count, seed);
		if (fclose(sip) != 0 || fclose(tsv) != 0 || rc != 0) {
			fprintf(stderr, "bench: %s: write error\n", argv[optind]);
			return 1;
		}
		return 0;
	}
	if (strcmp(argv[1], "proc") == 0) {
		if (argc != 4)
			usage();
		return proc(argv[2], argv[3]);
	}
	if (strcmp(argv[1], "run") != 0)
		usage();
	argv++, argc--;
	while ((ch = getopt(argc, argv, "co:p:t:")) != -1) {
		if (ch == 'c')
			do_check = 1;
		else if (ch == 'o')
			only = optarg;
		else if (ch == 'p')
			passes = (unsigned)strtoul(optarg, NULL, 10);
		else if (ch == 't')
			mintime = strtod(optarg, NULL);
		else
			usage();
	}
	if (optind != argc - 1 || passes == 0)
		usage();
	if (corpus_load(&c, argv[optind]) != 0)
		return 1;
	if (c.n == 0) {
		fprintf(stderr, "bench: %s: empty corpus\n", argv[optind]);
		return 1;
	}
	for (k = 0; k < NPARSERS; k++)
		if (parsers[k]->init() != 0) {
			fprintf(stderr, "bench: %s: cannot initialise\n",
			    parsers[k]->name);
			return 1;
		}
	rc = do_check ? check(&c) : run(&c, passes, mintime);
	corpus_free(&c);
	return rc;
}
