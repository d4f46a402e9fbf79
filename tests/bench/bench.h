/*
 * bench.h - the parse benchmark's shared types: the generated corpus, the
 * fields every parser must hand back, and the table of parsers.
 *
 * Each parser parses one message and reads Call-ID, CSeq (number and
 * method), the From tag, the To tag and the top Via branch, then hands
 * them to a sink before it frees anything.  In timing runs the sink folds
 * the lengths into a checksum; in --check runs it compares them with what
 * the generator wrote, so the comparison is proven fair.
 */
#ifndef SIPBOX_BENCH_H
#define SIPBOX_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * One field as a parser found it: up to two pieces (oSIP keeps the
 * Call-ID as number and host; the value is then p "@" p2).  p == NULL
 * means absent.
 */
struct bfield {
	const char	*p, *p2;
	size_t		 len, len2;
};

enum { BF_CALLID, BF_CSEQ_METHOD, BF_FROM_TAG, BF_TO_TAG, BF_BRANCH, BF__N };

struct bfields {
	struct bfield	 f[BF__N];
	uint32_t	 cseq;
};

struct corpus;

struct bsink {
	void		(*fn)(struct bsink *, const struct bfields *);
	uint64_t	 sum;		/* timing: the checksum */
	size_t		 msg;		/* check: the message being parsed */
	size_t		 bad;		/* check: fields that disagreed */
	size_t		 seen;		/* check: messages that reached the sink */
	const struct corpus *c;
	const char	*name;
};

/* A parser: 0 when the message parsed and its fields went to the sink. */
struct bparser {
	const char	*name;
	int		(*init)(void);
	int		(*parse)(const char *p, size_t len, struct bsink *s);
};

/* One message of the corpus and what the generator put in it. */
struct cmsg {
	size_t		 off, len;
	uint32_t	 cseq;
	const char	*want[BF__N];	/* NUL-terminated; NULL when absent */
};

struct corpus {
	char		*buf;		/* every message, back to back */
	size_t		 size;
	struct cmsg	*m;
	size_t		 n;
	char		*tsv;		/* the truth file; want[] point into it */
};

/*
 * gen.c: write n messages made from seed to sip (back to back, each
 * framed by its Content-Length) and one line per message to tsv:
 * offset, length, Call-ID, CSeq number, CSeq method, From tag, To tag,
 * top Via branch, tab-separated, "-" for an absent tag.
 */
int	corpus_gen(FILE *sip, FILE *tsv, size_t n, uint64_t seed);

extern const struct bparser bench_sipbox, bench_sipbox_strict, bench_floor;
#ifdef HAVE_OSIP
extern const struct bparser bench_osip;
#endif
#ifdef HAVE_SOFIA
extern const struct bparser bench_sofia;
#endif

#endif
