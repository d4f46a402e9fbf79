/*
 * cmd.h - what every applet file needs: the option table, diagnostics and
 * exit statuses.  lib/ never includes this.
 */
#ifndef SIPBOX_CMD_H
#define SIPBOX_CMD_H

#include <stdarg.h>
#include <stdio.h>

#include "buf.h"
#include "err.h"
#include "json.h"

#ifndef SIPBOX_VERSION
#define SIPBOX_VERSION "0.1.0"
#endif

/* Every applet's entry point, from the one list. */
#define APPLET(name, fn, sum)	int fn(int, char **);
#include "applets.def"
#undef APPLET

/*
 * Options: one table per applet drives getopt_long, --help and
 * --list-options (which the shell completions read).
 */
enum opt_type {
	OPT_T_END,
	OPT_T_GROUP,	/* a heading in --help */
	OPT_T_FLAG,	/* int, incremented per use (-vv) */
	OPT_T_STR,	/* const char *, last one wins */
	OPT_T_LIST,	/* struct strlist, every use appended */
	OPT_T_INT,	/* long within [min, max] */
	OPT_T_DBL,	/* double within [min, max] */
	OPT_T_ENUM,	/* const char *, one of values[] */
	OPT_T_CALL	/* cb(arg) does the work; returns 0 or -1 (usage) */
};

/* How completion should offer an option's argument. */
enum opt_comp {
	OPT_C_NONE,
	OPT_C_FILE,
	OPT_C_DIR,
	OPT_C_HOST,
	OPT_C_IFACE,
	OPT_C_USER,	/* a user name of this system */
	OPT_C_WORD,	/* one of suggest()'s words, or any other */
	OPT_C_LIST	/* a comma-separated list of suggest()'s words */
};

struct strlist {
	const char	**v;
	int		  n;
};

/* Option flags. */
#define OPT_SECRET	0x1	/* never abbreviated, its value never echoed */

struct opt {
	enum opt_type		 type;
	int			 shortopt;	/* 0: long only */
	const char		*longopt;
	void			*ptr;
	const char		*argname;	/* NULL: takes no argument */
	const char		*help;
	double			 min, max;
	const char *const	*values;	/* OPT_T_ENUM */
	int			(*cb)(const char *arg);
	enum opt_comp		 comp;
	int			 optional;	/* argument is optional (--opt=ARG) */
	unsigned		 flags;		/* OPT_SECRET */
	/* completion's words for OPT_C_WORD and OPT_C_LIST: the i-th, or NULL */
	const char		*(*suggest)(size_t i);
};

#define OPT_ROW(t, s, l, p, a, h, ...) \
	{ .type = (t), .shortopt = (s), .longopt = (l), .ptr = (p), \
	  .argname = (a), .help = (h), __VA_ARGS__ }
#define OPT_GROUP(title) \
	{ .type = OPT_T_GROUP, .help = (title) }
#define OPT_FLAG(s, l, p, h) \
	OPT_ROW(OPT_T_FLAG, s, l, p, NULL, h)
#define OPT_STR(s, l, p, a, h, ...) \
	OPT_ROW(OPT_T_STR, s, l, p, a, h, __VA_ARGS__)
#define OPT_FILE(s, l, p, a, h) \
	OPT_ROW(OPT_T_STR, s, l, p, a, h, .comp = OPT_C_FILE)
#define OPT_IFACE(s, l, p, a, h) \
	OPT_ROW(OPT_T_STR, s, l, p, a, h, .comp = OPT_C_IFACE)
#define OPT_DIR(s, l, p, a, h) \
	OPT_ROW(OPT_T_STR, s, l, p, a, h, .comp = OPT_C_DIR)
/* A file whose contents are a secret (a password file). */
#define OPT_SECRETFILE(s, l, p, a, h) \
	OPT_ROW(OPT_T_STR, s, l, p, a, h, .comp = OPT_C_FILE, \
	    .flags = OPT_SECRET)
#define OPT_LIST(s, l, p, a, h, ...) \
	OPT_ROW(OPT_T_LIST, s, l, p, a, h, __VA_ARGS__)
#define OPT_INT(s, l, p, a, lo, hi, h) \
	OPT_ROW(OPT_T_INT, s, l, p, a, h, .min = (lo), .max = (hi))
#define OPT_DBL(s, l, p, a, lo, hi, h) \
	OPT_ROW(OPT_T_DBL, s, l, p, a, h, .min = (lo), .max = (hi))
#define OPT_ENUM(s, l, p, a, vals, h) \
	OPT_ROW(OPT_T_ENUM, s, l, p, a, h, .values = (vals))
#define OPT_CALL(s, l, a, fn, h) \
	OPT_ROW(OPT_T_CALL, s, l, NULL, a, h, .cb = (fn))
/* An optional argument: --long=ARG only. */
#define OPT_CALLOPT(s, l, a, fn, h) \
	OPT_ROW(OPT_T_CALL, s, l, NULL, a, h, .cb = (fn), .optional = 1)
#define OPT_CALLFLAG(s, l, fn, h) \
	OPT_ROW(OPT_T_CALL, s, l, NULL, NULL, h, .cb = (fn))
/*
 * -q means one thing everywhere (sipbox(1)): no line per item on stdout
 * (message, response, event, finding below error) and no warnings or
 * notes on stderr; errors, totals asked for and the exit status stay.
 */
#define OPT_QUIET \
	OPT_FLAG('q', "quiet", &quiet, \
	    "only errors: no output per item, no warnings (totals stay)")
/* Added to a row: completion offers suggest()'s words (or a list of them). */
#define OPT_WORDS(fn)	.comp = OPT_C_WORD, .suggest = (fn)
#define OPT_WORDLIST(fn) .comp = OPT_C_LIST, .suggest = (fn)
#define OPT_END \
	{ .type = OPT_T_END }

/* An applet's declaration: name, usage lines and options in one place. */
struct applet_spec {
	const char		 *name;
	const char *const	 *usage;	/* NULL-terminated */
	const struct opt	 *opts;		/* OPT_END-terminated */
	const char		 *extra;	/* text after the options, or NULL */
	unsigned		  exits;	/* EXIT_* bits: statuses it can end with */
};

/* Which exit statuses an applet's --help lists (lib/err.h has the table). */
#define EXIT_LOCAL	0x207u	/* 0, 1, 2, 9: every applet */
#define EXIT_ANSWER	0x0f8u	/* 3-6 a final response, 7 timeout */
#define EXIT_NET	0x100u	/* 8 network, DNS, TLS, capture device */

/*
 * Parse argv with the applet's table (plus --help, --version and
 * --list-options, which every applet has).  Returns the index of the
 * first operand.  --help and --version print and exit 0; a usage error
 * prints one line and exits 2.
 */
int	opt_parse(const struct applet_spec *spec, int argc, char **argv);
/* The SIP method names, for OPT_WORDS: the i-th, or NULL. */
const char	*opt_methods(size_t i);
/* Header names (lib/sip/hdr.h's long forms) and response classes, alike. */
const char	*opt_headers(size_t i);
const char	*opt_classes(size_t i);
/* Print "applet: msg" and "see 'applet --help'" and exit 2. */
void	usage_error(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/* The summary line of an applet from cmd/applets.def, or NULL. */
const char	*applet_summary(const char *name);

/*
 * Diagnostics: every message goes to stderr as "applet: message".
 * errorf/warnf print and return; notef prints only with -v; die exits.
 */
extern const char	*progname;
extern int		 verbose;	/* -v count, set by applets */
extern int		 quiet;		/* -q: errors only, see OPT_QUIET */
/* --json: errorf() and die() also write {"type":"error",...} on stdout */
extern int		 json_errors;
/* that record, of msg, with "exit": code unless code < 0 */
void	json_error_record(const char *msg, int code);
void	errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	warnf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	notef(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	die(int code, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));
void	errorf_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* errorf() of the error that ends the run with code: its record has "exit" */
void	errorf_ending(int code, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	die_errno(int code, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));

/*
 * The -v trace (cmd/trace.c), the sip_trace_fn of every producer in lib/:
 * messages the way curl -v shows them, with Authorization and
 * Proxy-Authorization responses shown as "***"; text lines as "* line".
 */
struct sip_trace_ev;
void	trace_event(void *arg, const struct sip_trace_ev *ev);
/* Colour: only on a terminal, never with NO_COLOR. */
/* rc, or SIP_EXIT_OUTPUT (said on stderr) when stdout could not be written */
int	output_status(int rc);
int	use_color(FILE *f);
/* SGR sequences, or "" when colour is off for f. */
const char	*color_on(FILE *f, const char *sgr);
const char	*color_off(FILE *f);

/*
 * Standard output in large blocks (cmd/obuf.c): an applet that prints a
 * line per item by the hundred thousand builds its lines in obuf, calls
 * obuf_line_done() after each, and obuf_flush() writes them by write(2):
 * once OBUF_BLOCK bytes are held, after each line when stdout is a
 * terminal (stdio's line buffering), before every diagnostic and at exit
 * (output_status()), so that they keep their place among what stderr and
 * stdio write.  A write error is stdout's: output_status() reports it
 * (exit 9, a closed pipe aside).  obuf_begin() first.
 */
#define OBUF_BLOCK	(64u * 1024)
extern struct buf	obuf;
extern int		obuf_lined;
void	obuf_begin(void);
/* Returns 0, or -1 with errno set once a write has failed. */
int	obuf_flush(void);

static inline void
obuf_line_done(void)
{
	if (obuf.len >= OBUF_BLOCK || obuf_lined)
		(void)obuf_flush();
}

/* Memory for cmd/ only: out of memory ends the program (exit 8). */
void	*xmalloc(size_t n);
void	*xcalloc(size_t n, size_t m);
void	*xrealloc(void *p, size_t n);
char	*xstrdup(const char *s);
void	 strlist_add(struct strlist *l, const char *s);

/*
 * Read a whole file ("-" is standard input) into *out (malloc'd, NUL
 * added after len bytes).  Returns 0, or -1 with errno set.
 */
int	read_file(const char *path, char **out, size_t *len, size_t max);

/*
 * Secrets (passwords): secret_file_check() warns, as ssh does, when a
 * regular file of them is readable by group or others, and dies (exit 1)
 * when anyone may write it; secret_hold() makes the process non-dumpable
 * once it holds one.
 */
void	secret_file_check(const char *path);
void	secret_hold(void);

/*
 * An input operand of sip-parse or sdp-lint (cmd/input.c): "-" is
 * standard input; pipes, FIFOs and gzip work.  input_load() fills ip
 * with a capture to read (cap) or the whole text (data, len, with a NUL
 * after it) and returns 0, or says what went wrong, naming shown, and
 * returns SIP_EXIT_INVALID.  input_release() frees what ip holds.
 */
struct input {
	struct sip_input	*in;
	struct sip_cap		*cap;	/* a capture, or NULL */
	char			*data;	/* text, when cap is NULL */
	size_t			 len;
};
/*
 * Open path ("-" is standard input; shown names it in messages): a
 * capture gets ip->cap, text is left to read from
 * sip_input_fp(ip->in).  0, or an exit status after saying why.
 */
int	input_open(const char *path, const char *shown, struct input *ip);
/* input_open(), and text read whole into ip->data (at most SIP_MAX_INPUT). */
int	input_load(const char *path, const char *shown, struct input *ip);
/* Why reading ip->cap failed (after SIP_E_SYS from sip_cap_next()). */
const char	*input_cap_error(const struct input *ip);
void	input_release(struct input *ip);

/*
 * One JSON Lines record on standard output: jsonl_begin() opens the
 * object, the caller adds members to l.j, jsonl_end() closes it and
 * writes the line (nothing when building it failed).  It does not flush:
 * an applet whose records are live events flushes after each.
 */
struct jsonl {
	struct buf	 b;
	struct json	 j;
	int		 shared;	/* b is the buffer kept between records */
};
void	jsonl_begin(struct jsonl *l);
void	jsonl_end(struct jsonl *l);

#endif
