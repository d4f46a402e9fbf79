/*
 * lineedit.c - readline or libedit, chosen at build time, driven by the
 * loop through their callback interface (rl_callback_handler_install,
 * rl_callback_read_char: libedit has both in its readline emulation); a
 * plain line reader when there is no terminal or no library.
 *
 * Both libraries keep their state in globals, so this module does too:
 * one reader per process, on stdin.  The library is not linked: it is
 * loaded with dlopen() when editing starts on a terminal, so runs that
 * never edit a line do not load it (and libtinfo) at start-up.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(HAVE_READLINE)
#include <readline/history.h>
#include <readline/readline.h>
#define LE_EDIT	1
#elif defined(HAVE_LIBEDIT)
#include <editline/readline.h>
#define LE_EDIT	1
#else
#define LE_EDIT	0
#endif

#include "lineedit.h"
#include "loop.h"

#if LE_EDIT
/* What is used of the library, functions and variables alike. */
#if defined(HAVE_READLINE)
#define LE_SONAMES	{ "libreadline.so.8", "libreadline.so" }
#define LE_LIB_ONLY(X)	X(rl_clear_visible_line)
#else
#define LE_SONAMES	{ "libedit.so.2", "libedit.so.0", "libedit.so" }
#define LE_LIB_ONLY(X)
#endif
#define LE_SYMS(X)							\
	X(add_history) X(rl_callback_handler_install)			\
	X(rl_callback_handler_remove) X(rl_callback_read_char)		\
	X(rl_forced_update_display) X(rl_on_new_line) X(rl_set_prompt)	\
	X(rl_catch_signals) X(rl_inhibit_completion) X(rl_instream)	\
	X(rl_library_version) X(rl_outstream) X(rl_readline_name)	\
	LE_LIB_ONLY(X)

static struct {
#define X(s)	__typeof__(s) *s;
	LE_SYMS(X)
#undef X
} rl;
static int rl_loaded;

/* 0 when the library is there, -1 (and the plain reader) when not. */
static int
rl_load(void)
{
	static const char *const names[] = LE_SONAMES;
	void *h = NULL;

	if (rl_loaded)
		return 0;
	for (size_t i = 0; h == NULL && i < sizeof names / sizeof names[0];
	    i++)
		h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (h == NULL)
		return -1;
#define X(s)								\
	if ((rl.s = (__typeof__(s) *)dlsym(h, #s)) == NULL) {		\
		dlclose(h);						\
		return -1;						\
	}
	LE_SYMS(X)
#undef X
	rl_loaded = 1;
	return 0;
}

/* From here on every name of the library goes through rl. */
#define add_history			(*rl.add_history)
#define rl_callback_handler_install	(*rl.rl_callback_handler_install)
#define rl_callback_handler_remove	(*rl.rl_callback_handler_remove)
#define rl_callback_read_char		(*rl.rl_callback_read_char)
#define rl_forced_update_display	(*rl.rl_forced_update_display)
#define rl_on_new_line			(*rl.rl_on_new_line)
#define rl_set_prompt			(*rl.rl_set_prompt)
#define rl_catch_signals		(*rl.rl_catch_signals)
#define rl_inhibit_completion		(*rl.rl_inhibit_completion)
#define rl_instream			(*rl.rl_instream)
#define rl_library_version		(*rl.rl_library_version)
#define rl_outstream			(*rl.rl_outstream)
#define rl_readline_name		(*rl.rl_readline_name)
#define rl_clear_visible_line		(*rl.rl_clear_visible_line)
#endif

#define PLAIN_MAX	65536	/* a plain reader's longest line */

static struct {
	struct sip_loop	*loop;
	sip_le_line_cb	*cb;
	void		*arg;
	char		*prompt;
	int		 on;
	int		 edit;		/* readline/libedit, not the plain reader */
	int		 tty;		/* stdin and stdout are terminals */
	int		 in_cb;		/* inside cb: no prompt on screen */
	/* the plain reader's bytes not yet a whole line */
	char		*buf;
	size_t		 len;
} le;

const char *
sip_le_version(void)
{
	/* loading it only to say which would cost what dlopen() saves */
#if defined(HAVE_READLINE)
	static char v[64];

	if (!rl_loaded)
		return "GNU readline, loaded when editing starts";
	snprintf(v, sizeof(v), "GNU readline %s", rl_library_version);
	return v;
#elif defined(HAVE_LIBEDIT)
	static char v[64];

	if (!rl_loaded)
		return "libedit, loaded when editing starts";
	snprintf(v, sizeof(v), "libedit (%s)",
	    rl_library_version ? rl_library_version : "unknown");
	return v;
#else
	return "none";
#endif
}

/* The prompt, and perhaps a half-typed line, stand on the last line. */
static int
prompt_shown(void)
{
	return le.on && le.in_cb == 0 && le.tty;
}

static void
deliver(const char *line)
{
	le.in_cb++;
	le.cb(line, le.arg);
	le.in_cb--;
}

/* End of input: reading stops first, then the callback hears of it. */
static void
deliver_eof(void)
{
	sip_le_line_cb *cb = le.cb;
	void *arg = le.arg;

	sip_le_stop();
	cb(NULL, arg);
}

static void
plain_prompt(void)
{
	if (le.tty) {
		fputs(le.prompt, stdout);
		fflush(stdout);
	}
}

/* Hand over every whole line in the buffer; keep the rest. */
static void
plain_lines(int eof)
{
	size_t start = 0;
	char *nl;

	while (le.on && (nl = memchr(le.buf + start, '\n',
	    le.len - start)) != NULL) {
		size_t end = (size_t)(nl - le.buf);

		*nl = '\0';
		if (end > start && le.buf[end - 1] == '\r')
			le.buf[end - 1] = '\0';
		deliver(le.buf + start);
		start = end + 1;
		if (le.on && start == le.len)
			plain_prompt();
	}
	if (!le.on)
		return;
	memmove(le.buf, le.buf + start, le.len - start);
	le.len -= start;
	if ((eof && le.len > 0) || le.len == PLAIN_MAX) {
		le.buf[le.len] = '\0';	/* the buffer has a byte to spare */
		le.len = 0;
		deliver(le.buf);
	}
}

static void
on_plain(struct sip_loop *l, int fd, unsigned ev, void *arg)
{
	ssize_t n;

	(void)l;
	(void)ev;
	(void)arg;
	/* one read per readiness: stdin stays blocking, as it was found */
	n = read(fd, le.buf + le.len, PLAIN_MAX - le.len);
	if (n > 0) {
		le.len += (size_t)n;
		plain_lines(0);
		return;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	plain_lines(1);		/* a last line without its line end */
	if (le.on)
		deliver_eof();
}

#if LE_EDIT
static void
on_line(char *line)
{
	if (line == NULL) {
		deliver_eof();	/* Ctrl-D on an empty line */
		return;
	}
	if (*line != '\0')
		add_history(line);
	deliver(line);
	free(line);
#if defined(HAVE_LIBEDIT)
	/*
	 * libedit keeps the taken line in its buffer, and on the screen in
	 * its idea of the display, until the next key: a message printed
	 * before then would bring it back.  A new editor starts clean (the
	 * history is kept apart from it).
	 */
	if (le.on) {
		rl_callback_handler_remove();
		rl_callback_handler_install(le.prompt, on_line);
	}
#endif
}

static void
on_edit(struct sip_loop *l, int fd, unsigned ev, void *arg)
{
	(void)l;
	(void)fd;
	(void)ev;
	(void)arg;
	rl_callback_read_char();
}
#endif

enum sip_err
sip_le_start(struct sip_loop *l, const char *prompt, sip_le_line_cb *cb,
    void *arg)
{
	enum sip_err e;
	char *p = strdup(prompt != NULL ? prompt : "");

	if (le.on)
		return SIP_E_STATE;
	if (p == NULL)
		return SIP_E_NOMEM;
	free(le.prompt);
	le.prompt = p;
	le.loop = l;
	le.cb = cb;
	le.arg = arg;
	le.tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	le.edit = LE_EDIT && le.tty;
#if LE_EDIT
	if (le.edit && rl_load() != 0)
		le.edit = 0;	/* no library: the plain reader will do */
#endif
	le.len = 0;
	if (!le.edit && le.buf == NULL &&
	    (le.buf = malloc(PLAIN_MAX + 1)) == NULL)
		return SIP_E_NOMEM;
#if LE_EDIT
	if (le.edit) {
		rl_readline_name = "sipbox";
		rl_instream = stdin;
		rl_outstream = stdout;
		rl_inhibit_completion = 1;	/* Tab is a character here */
		/* the applet takes signals through its loop, not readline */
		rl_catch_signals = 0;
	}
#endif
#if LE_EDIT
	e = sip_loop_watch(l, STDIN_FILENO, SIP_EV_READ,
	    le.edit ? on_edit : on_plain, NULL);
#else
	e = sip_loop_watch(l, STDIN_FILENO, SIP_EV_READ, on_plain, NULL);
#endif
	if (e != SIP_OK)
		return e;
	le.on = 1;
	fflush(stdout);
#if LE_EDIT
	if (le.edit) {
		rl_callback_handler_install(le.prompt, on_line);
		return SIP_OK;
	}
#endif
	plain_prompt();
	return SIP_OK;
}

void
sip_le_set_prompt(const char *prompt)
{
	char *p = strdup(prompt != NULL ? prompt : "");

	if (p == NULL)
		return;		/* the old one stays */
	free(le.prompt);
	le.prompt = p;
	if (!le.on)
		return;
#if LE_EDIT
	if (le.edit) {
		rl_set_prompt(le.prompt);
		if (prompt_shown())
			rl_forced_update_display();
		return;
	}
#endif
	if (prompt_shown()) {
		fputs("\r\033[K", stdout);
		plain_prompt();
	}
}

void
sip_le_print(const char *msg)
{
	size_t n = strlen(msg);
	int shown = prompt_shown();

	if (shown) {
#if defined(HAVE_READLINE)
		if (le.edit)
			rl_clear_visible_line();
		else
#endif
			fputs("\r\033[K", stdout);	/* libedit, plain */
	}
	fputs(msg, stdout);
	if (n == 0 || msg[n - 1] != '\n')
		fputc('\n', stdout);
	fflush(stdout);
	if (!shown)
		return;
#if LE_EDIT
	if (le.edit) {
		/* the typed text is still in the line buffer: draw it */
		rl_on_new_line();
		rl_forced_update_display();
		return;
	}
#endif
	plain_prompt();
}

void
sip_le_printf(const char *fmt, ...)
{
	char small[512], *big = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(small)) {
		if ((big = malloc((size_t)n + 1)) == NULL)
			return;
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	sip_le_print(big != NULL ? big : small);
	free(big);
}

void
sip_le_stop(void)
{
	if (!le.on)
		return;
	if (prompt_shown()) {
		fputc('\n', stdout);	/* the shell's prompt on a line of its own */
		fflush(stdout);
	}
	le.on = 0;
	sip_loop_unwatch(le.loop, STDIN_FILENO);
#if LE_EDIT
	if (le.edit)
		rl_callback_handler_remove();
#endif
	le.len = 0;
}
