/*
 * opt.c - one option table per applet, turned into getopt_long's
 * arguments, --help text and the --list-options lines that the shell
 * completions read.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "hdr.h"
#include "method.h"

enum {
	LONG_BASE = 0x100,
	BUILTIN_HELP = 0x1000,
	BUILTIN_VERSION,
	BUILTIN_LISTOPTS
};

static const struct applet_spec	*cur;
/*
 * getopt_long's table, file-static so that it stays reachable when
 * --help, --version, --list-options or a usage error exits from inside
 * opt_parse (LeakSanitizer would report it otherwise).
 */
static struct option		*lo;
static char			 shorts[256];
static int			 nopts, sargc;
static char			**sargv;

static const struct opt	*find_opt(int c);

/*
 * Whether a usage error is a JSON record too: --json given and -q not,
 * anywhere on the command line, including after the word in error, so
 * the words are read again (the applet's json_errors is not set yet).
 */
static int
usage_json(void)
{
	const struct opt *o;
	int c, json = 0, q = 0;

	if (json_errors)
		return 1;
	if (cur == NULL || lo == NULL)
		return 0;
	optind = 0;
	while ((c = getopt_long(sargc, sargv, shorts, lo, NULL)) != -1) {
		if ((o = find_opt(c)) == NULL)
			continue;
		if (o->optional && optarg == NULL && optind < sargc &&
		    sargv[optind][0] != '-')
			optind++;	/* as opt_parse() takes it */
		if (strcmp(o->longopt, "json") == 0)
			json = 1;
		else if (strcmp(o->longopt, "quiet") == 0)
			q = 1;
	}
	return json && !q;
}

void
usage_error(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (usage_json())
		json_error_record(msg, SIP_EXIT_USAGE);
	fflush(stdout);
	fprintf(stderr, "%s: %s\n%s: see '%s --help'\n", progname, msg,
	    progname, progname);
	exit(SIP_EXIT_USAGE);
}

const char *
opt_methods(size_t i)
{
	static const char *const names[] = {
#define X(m)	#m,
		SIP_METHOD_MAP(X)
#undef X
	};

	return i < sizeof(names) / sizeof(names[0]) ? names[i] : NULL;
}

const char *
opt_headers(size_t i)
{
	return i + 1 < SIP_HDR__COUNT ? sip_hdr_name((enum sip_hdr_id)(i + 1)) :
	    NULL;
}

const char *
opt_classes(size_t i)
{
	static const char *const w[] = { "1xx", "2xx", "3xx", "4xx", "5xx",
	    "6xx" };

	return i < sizeof(w) / sizeof(w[0]) ? w[i] : NULL;
}

static const char *
kind(const struct opt *o)
{
	if (o->argname == NULL)
		return "flag";
	if (o->type == OPT_T_ENUM)
		return "enum";
	switch (o->comp) {
	case OPT_C_FILE:
		return "file";
	case OPT_C_DIR:
		return "dir";
	case OPT_C_HOST:
		return "host";
	case OPT_C_IFACE:
		return "iface";
	case OPT_C_USER:
		return "user";
	case OPT_C_WORD:
		return "word";
	case OPT_C_LIST:
		return "list";
	default:
		return "arg";
	}
}

/*
 * --list-options: a line per option, "-s<TAB>--long<TAB>kind<TAB>
 * values<TAB>help", "-" for no short option.  The kind is flag, arg,
 * file, dir, host, iface, user, enum (one of the values), word (one of the
 * values or any other word) or list (comma-separated values), with "?"
 * after it when the argument is optional (then --long=ARG, -sARG, or the
 * next word unless it starts with '-', give one).
 */
static void
list_options(const struct applet_spec *s)
{
	const struct opt *o;
	int i;

	for (o = s->opts; o->type != OPT_T_END; o++) {
		if (o->type == OPT_T_GROUP)
			continue;
		printf("%s%c\t--%s\t%s%s\t", o->shortopt ? "-" : "",
		    o->shortopt ? o->shortopt : '-', o->longopt, kind(o),
		    o->argname != NULL && o->optional ? "?" : "");
		if (o->type == OPT_T_ENUM)
			for (i = 0; o->values[i] != NULL; i++)
				printf("%s%s", i ? " " : "", o->values[i]);
		else if (o->suggest != NULL)
			for (i = 0; o->suggest((size_t)i) != NULL; i++)
				printf("%s%s", i ? " " : "", o->suggest((size_t)i));
		printf("\t%s\n", o->help);
	}
	printf("-h\t--help\tflag\t\tshow this help and exit\n");
	printf("-\t--version\tflag\t\tprint the version and exit\n");
}

static void
help_line(const char *left, const char *help)
{
	if (strlen(left) < 28)
		printf("  %-28s%s\n", left, help);
	else
		printf("  %s\n  %-28s%s\n", left, "", help);
}

/*
 * "Exit status:" with only the statuses this applet can end with,
 * wrapped at 72 columns between items.
 */
static void
print_exits(unsigned exits)
{
	static const struct {
		unsigned	 bits;
		const char	*text;
	} ex[] = {
		{ 0x001, "0 success" }, { 0x002, "1 invalid input" },
		{ 0x004, "2 usage error" },
		{ 0x078, "3-6 a 3xx-6xx final response" },
		{ 0x080, "7 timeout" }, { 0x100, "8 network/DNS/TLS failure" },
		{ 0x200, "9 output could not be written" },
	};
	size_t i, col, n;

	col = (size_t)printf("\nExit status:") - 1;
	for (i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
		if ((exits & ex[i].bits) == 0)
			continue;
		n = strlen(ex[i].text) + 2;
		if (col + n > 72) {
			printf("\n%s", ex[i].text);
			col = n - 2;
		} else
			col += (size_t)printf(" %s", ex[i].text);
		exits &= ~ex[i].bits;
		printf("%s", exits != 0 ? "," : ".\n");
		col++;
	}
}

/* A list option's words under its help, wrapped to 80 columns. */
static void
help_values(const struct opt *o)
{
	char line[128] = "any of:";
	const char *w;
	size_t i, n;

	for (i = 0; (w = o->suggest(i)) != NULL; i++) {
		n = strlen(line);
		if (n + 2 + strlen(w) > 48) {
			help_line("", line);
			line[0] = '\0';
			n = 0;
		}
		snprintf(line + n, sizeof(line) - n, "%s%s%s", n > 0 ? " " : "",
		    w, o->suggest(i + 1) != NULL ? "," : "");
	}
	if (line[0] != '\0')
		help_line("", line);
}

static void
print_help(const struct applet_spec *s)
{
	const struct opt *o;
	const char *sum;
	char left[128];
	int i;

	for (i = 0; s->usage[i] != NULL; i++)
		printf("%s %s\n", i == 0 ? "usage:" : "   or:", s->usage[i]);
	if ((sum = applet_summary(s->name)) != NULL)
		printf("\n%s\n", sum);
	printf("\n");
	for (o = s->opts; o->type != OPT_T_END; o++) {
		if (o->type == OPT_T_GROUP) {
			/* the first follows the blank line above */
			printf("%s%s:\n", o == s->opts ? "" : "\n", o->help);
			continue;
		}
		snprintf(left, sizeof(left), "%s%c%s--%s%s%s%s",
		    o->shortopt ? "-" : " ", o->shortopt ? o->shortopt : ' ',
		    o->shortopt ? ", " : "  ", o->longopt,
		    o->argname ? (o->optional ? "[=" : "=") : "",
		    o->argname ? o->argname : "",
		    o->argname && o->optional ? "]" : "");
		help_line(left, o->help);
		if (o->comp == OPT_C_LIST && o->suggest != NULL)
			help_values(o);
		if (o->type == OPT_T_ENUM) {
			char vals[256] = "one of:";

			for (i = 0; o->values[i] != NULL; i++) {
				size_t n = strlen(vals);

				snprintf(vals + n, sizeof(vals) - n, " %s",
				    o->values[i]);
			}
			help_line("", vals);
		}
	}
	help_line("-h, --help", "show this help and exit");
	help_line("    --version", "print the version and exit");
	if (s->extra != NULL)
		printf("\n%s", s->extra);
	print_exits(s->exits);
	printf("See %s(1).\n", s->name);
}

static int
set_number(const struct opt *o, const char *name, const char *arg)
{
	char *end;
	double d;

	errno = 0;
	if (o->type == OPT_T_INT) {
		long v = strtol(arg, &end, 10);

		if (*arg == '\0' || *end != '\0' || errno != 0 ||
		    v < (long)o->min || v > (long)o->max)
			usage_error("option '%s' wants a whole number from %ld "
			    "to %ld, not '%s'", name, (long)o->min,
			    (long)o->max, arg);
		*(long *)o->ptr = v;
		return 0;
	}
	d = strtod(arg, &end);
	if (*arg == '\0' || *end != '\0' || errno != 0 || isnan(d) ||
	    d < o->min || d > o->max)
		usage_error("option '%s' wants a number from %g to %g, not '%s'",
		    name, o->min, o->max, arg);
	*(double *)o->ptr = d;
	return 0;
}

static void
apply(const struct opt *o, const char *arg)
{
	char name[64];
	int i;

	if (o->longopt != NULL)
		snprintf(name, sizeof(name), "--%s", o->longopt);
	else
		snprintf(name, sizeof(name), "-%c", o->shortopt);
	switch (o->type) {
	case OPT_T_FLAG:
		(*(int *)o->ptr)++;
		break;
	case OPT_T_STR:
		*(const char **)o->ptr = arg;
		break;
	case OPT_T_LIST:
		strlist_add(o->ptr, arg);
		break;
	case OPT_T_INT:
	case OPT_T_DBL:
		set_number(o, name, arg);
		break;
	case OPT_T_ENUM:
		for (i = 0; o->values[i] != NULL; i++)
			if (strcmp(o->values[i], arg) == 0)
				break;
		if (o->values[i] == NULL)
			usage_error("option '%s' does not take '%s'", name, arg);
		*(const char **)o->ptr = o->values[i];
		break;
	case OPT_T_CALL:
		if (o->cb(arg) != 0)
			usage_error("option '%s': invalid argument '%s'", name,
			    arg != NULL ? arg : "");
		break;
	default:
		break;
	}
}

/*
 * The argv word that named the option getopt_long just returned: the
 * word before optind, or the one before that when the argument was the
 * next word.  GNU getopt moves operands out of the way only on its next
 * call, so these are the option's own words.
 */
static const char *
opt_word(char **argv)
{
	if (optind >= 2 && optarg != NULL && optarg == argv[optind - 1])
		return argv[optind - 2];
	return argv[optind - 1];
}

/*
 * A password on the command line is readable by every user through ps
 * and /proc; no applet has --password, and a word that looks like one
 * is refused before its value can be used or printed anywhere.
 */
static int
password_like(const char *name, size_t n)
{
	return (n >= 4 && n <= 8 && strncmp(name, "password", n) == 0) ||
	    (n == 6 && strncmp(name, "passwd", 6) == 0);
}

static void
refuse_password(void)
{
	usage_error("there is no --password: a password on the command line "
	    "is visible to other users; set SIPBOX_PASSWORD, use "
	    "--password-file FILE, or type it at the prompt");
}

/*
 * A long option word, as "--name" without any "=value", into out: what an
 * error may repeat.  A secret-like name ends the program here.
 */
static void
long_name(const char *word, char *out, size_t size)
{
	size_t n;

	if (strncmp(word, "--", 2) != 0) {
		snprintf(out, size, "%s", word);
		return;
	}
	n = strcspn(word + 2, "=");
	if (password_like(word + 2, n))
		refuse_password();
	snprintf(out, size, "--%.*s", (int)n, word + 2);
}

/*
 * getopt_long takes any unambiguous prefix of a long option.  A secret
 * option must be spelt out, so that "--password SECRET" can never be
 * read as --password-file's abbreviation and SECRET then printed as the
 * name of a file that does not exist.
 */
static void
check_spelling(const struct opt *o, const char *word)
{
	char name[64];

	long_name(word, name, sizeof(name));
	if ((o->flags & OPT_SECRET) && strcmp(name + 2, o->longopt) != 0)
		usage_error("option '%s' must be spelt out as '--%s'", name,
		    o->longopt);
}

/* The option getopt_long returned as c, or NULL (an error, a built-in). */
static const struct opt *
find_opt(int c)
{
	const struct opt *o;

	if (c >= LONG_BASE && c < LONG_BASE + nopts)
		return &cur->opts[c - LONG_BASE];
	if (c == '?' || c == ':' || c >= LONG_BASE)
		return NULL;
	for (o = cur->opts; o->type != OPT_T_END; o++)
		if (o->type != OPT_T_GROUP && o->shortopt == c)
			return o;
	return NULL;
}

int
opt_parse(const struct applet_spec *s, int argc, char **argv)
{
	const struct opt *o;
	size_t sn = 0;
	int n = 0, i, c;

	cur = s;
	sargc = argc;
	sargv = argv;
	for (o = s->opts; o->type != OPT_T_END; o++)
		n++;
	nopts = n;
	free(lo);
	lo = xcalloc((size_t)n + 4, sizeof(*lo));
	shorts[sn++] = ':';
	for (i = 0, o = s->opts; o->type != OPT_T_END; o++, i++) {
		if (o->type == OPT_T_GROUP)
			continue;
		if (o->shortopt != 0 && sn + 3 < sizeof(shorts)) {
			shorts[sn++] = (char)o->shortopt;
			if (o->argname != NULL) {
				shorts[sn++] = ':';
				if (o->optional)
					shorts[sn++] = ':';
			}
		}
	}
	shorts[sn++] = 'h';
	shorts[sn] = '\0';
	for (c = 0, i = 0, o = s->opts; o->type != OPT_T_END; o++, i++) {
		if (o->type == OPT_T_GROUP || o->longopt == NULL)
			continue;
		lo[c].name = o->longopt;
		lo[c].has_arg = o->argname == NULL ? no_argument :
		    o->optional ? optional_argument : required_argument;
		lo[c].val = LONG_BASE + i;
		c++;
	}
	lo[c++] = (struct option){ "help", no_argument, NULL, BUILTIN_HELP };
	lo[c++] = (struct option){ "version", no_argument, NULL, BUILTIN_VERSION };
	lo[c++] = (struct option){ "list-options", no_argument, NULL,
	    BUILTIN_LISTOPTS };

	opterr = 0;
	optind = 0;	/* glibc: full reset */
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		if (c == BUILTIN_HELP || c == 'h') {
			print_help(s);
			exit(output_status(0));
		}
		if (c == BUILTIN_VERSION) {
			printf("sipbox %s\n", SIPBOX_VERSION);
			exit(output_status(0));
		}
		if (c == BUILTIN_LISTOPTS) {
			list_options(s);
			exit(output_status(0));
		}
		if (c == '?' || c == ':') {
			char name[64];

			if (optopt != 0 && optopt < LONG_BASE)
				usage_error(c == '?' ? "unknown option '-%c'" :
				    "option '-%c' needs an argument", optopt);
			long_name(argv[optind - 1], name, sizeof(name));
			/* getopt_long names a flag given =ARG by its value. */
			if (c == '?' && optopt >= LONG_BASE &&
			    optopt < LONG_BASE + n)
				usage_error("option '%s' takes no argument", name);
			usage_error(c == '?' ? "unknown option '%s'" :
			    "option '%s' needs an argument", name);
		}
		if (c >= LONG_BASE && c < LONG_BASE + n) {
			o = &s->opts[c - LONG_BASE];
			check_spelling(o, opt_word(argv));
			/*
			 * An optional argument may be the next word too, unless
			 * that starts with '-' (an option, or - for standard
			 * input): --flow ID is --flow=ID, not a file named ID.
			 */
			if (o->optional && optarg == NULL && optind < argc &&
			    argv[optind][0] != '-')
				optarg = argv[optind++];
			apply(o, optarg);
			continue;
		}
		if ((o = find_opt(c)) == NULL)
			usage_error("unknown option '-%c'", c);
		apply(o, optarg);
	}
	/* lo stays (reachable, not a leak): a later usage error reads it */
	return optind;
}
