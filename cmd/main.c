/*
 * main.c - the multi-call dispatch: by the name we were run as, or by
 * `sipbox APPLET`; --list, --help, --version and --install.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "lineedit.h"
#include "version.h"

struct applet {
	const char	*name;
	int		(*main)(int, char **);
	const char	*summary;
};

static const struct applet applets[] = {
#define APPLET(name, fn, sum)	{ name, fn, sum },
#include "applets.def"
#undef APPLET
};

#define NAPPLETS	(sizeof(applets) / sizeof(applets[0]))

const char *
applet_summary(const char *name)
{
	size_t i;

	if (strcmp(name, "sipbox") == 0)
		return "a SIP toolkit in one binary";
	for (i = 0; i < NAPPLETS; i++)
		if (strcmp(applets[i].name, name) == 0)
			return applets[i].summary;
	return NULL;
}

static const struct applet *
find(const char *name)
{
	size_t i;

	for (i = 0; i < NAPPLETS; i++)
		if (strcmp(applets[i].name, name) == 0)
			return &applets[i];
	return NULL;
}

/* Damerau-free Levenshtein distance, for "did you mean". */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[64], prev, tmp;

	if (lb >= 64 || la >= 64)
		return 64;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t best = prev + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

static void
unknown(const char *name)
{
	size_t i, best = 4, d;
	const char *sugg = NULL;

	for (i = 0; i < NAPPLETS; i++) {
		d = distance(name, applets[i].name);
		if (d < best || (strncmp(applets[i].name, "sip-", 4) == 0 &&
		    strcmp(applets[i].name + 4, name) == 0)) {
			best = d < best ? d : best;
			sugg = applets[i].name;
		}
	}
	fprintf(stderr, "sipbox: unknown applet '%s'\n", name);
	if (sugg != NULL)
		fprintf(stderr, "sipbox: did you mean '%s'?\n", sugg);
	fprintf(stderr, "sipbox: see 'sipbox --list'\n");
	exit(SIP_EXIT_USAGE);
}

static void
help(FILE *f)
{
	size_t i;

	fprintf(f, "usage: sipbox APPLET [arguments...]\n"
	    "   or: APPLET [arguments...]   (through a link named APPLET)\n"
	    "   or: sipbox --list | --version | --help [APPLET]\n"
	    "   or: sipbox --install [-s] DIR\n\n"
	    "sipbox is a SIP toolkit in one binary.  Applets:\n\n");
	for (i = 0; i < NAPPLETS; i++)
		fprintf(f, "  %-14s%s\n", applets[i].name, applets[i].summary);
	fprintf(f, "\n'sipbox APPLET --help' shows an applet's options; "
	    "sipbox(1) has the rest.\n"
	    "Exit status: 0 success (2xx), 1 invalid input, 2 usage error,\n"
	    "3-6 a 3xx-6xx final response, 7 timeout, 8 network/DNS/TLS failure,\n"
	    "9 output could not be written.\n");
}

static void
version(void)
{
	printf("sipbox %s\n", SIPBOX_VERSION);
	printf("License: BSD-2-Clause\n");
	printf("OpenSSL: %s\n", sip_version_openssl());
	printf("libpcap: %s\n", sip_version_pcap());
	printf("line editing: %s\n", sip_le_version());
}

static int
install(int argc, char **argv)
{
	char self[PATH_MAX], path[PATH_MAX];
	const char *dir;
	ssize_t n;
	size_t i;
	int sym = 0, rc = 0;

	if (argc > 0 && strcmp(argv[0], "-s") == 0) {
		sym = 1;
		argc--;
		argv++;
	}
	if (argc != 1) {
		fprintf(stderr, "sipbox: usage: sipbox --install [-s] DIR\n");
		return SIP_EXIT_USAGE;
	}
	dir = argv[0];
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) < 0)
		die_errno(SIP_EXIT_NET, "cannot find own path");
	self[n] = '\0';
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		die_errno(SIP_EXIT_INVALID, "cannot create '%s'", dir);
	for (i = 0; i < NAPPLETS; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, applets[i].name);
		unlink(path);
		if ((sym ? symlink(self, path) : link(self, path)) != 0) {
			errorf_errno("cannot link '%s'", path);
			rc = SIP_EXIT_INVALID;
		}
	}
	return rc;
}

int
main(int argc, char **argv)
{
	const struct applet *a;
	const char *name;

	name = strrchr(argv[0], '/');
	name = name != NULL ? name + 1 : argv[0];
	if (strcmp(name, "sipbox") != 0 && (a = find(name)) != NULL) {
		progname = a->name;
		return output_status(a->main(argc, argv));
	}
	progname = "sipbox";
	if (argc < 2) {
		help(stderr);	/* a usage error: not data */
		return SIP_EXIT_USAGE;
	}
	name = argv[1];
	/* no -l: an applet's -l is --listen (one meaning per letter) */
	if (strcmp(name, "--list") == 0) {
		size_t i;

		for (i = 0; i < NAPPLETS; i++)
			printf("%s\n", applets[i].name);
		return output_status(0);
	}
	if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
		version();
		return output_status(0);
	}
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
		if (argc > 2) {
			if ((a = find(argv[2])) == NULL)
				unknown(argv[2]);
			progname = a->name;
			argv[1] = (char *)a->name;
			argv[2] = (char *)"--help";
			return output_status(a->main(2, argv + 1));
		}
		help(stdout);
		return output_status(0);
	}
	if (strcmp(name, "--install") == 0)
		return install(argc - 2, argv + 2);
	if (name[0] == '-') {
		fprintf(stderr, "sipbox: unknown option '%s'\n"
		    "sipbox: see 'sipbox --help'\n", name);
		return SIP_EXIT_USAGE;
	}
	if ((a = find(name)) == NULL)
		unknown(name);
	progname = a->name;
	return output_status(a->main(argc - 1, argv + 1));
}
