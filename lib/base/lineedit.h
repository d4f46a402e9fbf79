/*
 * lineedit.h - the line-editing wrapper (GNU readline, or libedit with
 * `make LINEEDIT=libedit`, or none).  The only file that includes either.
 *
 * Lines are read on the caller's loop: stdin is a watched fd, so an
 * applet reads what the user types while its sockets and timers go on.
 * Messages printed with sip_le_print() appear above the prompt and the
 * half-typed line is drawn again after them, intact.  When stdin or
 * stdout is not a terminal, or with LINEEDIT=none, a plain buffered line
 * reader takes readline's place: no prompt unless both are terminals, no
 * editing (a message printed while the user types hides the typed text
 * from view, though the terminal keeps it), the same callback.
 *
 * A terminal is one per process, and so is this module's state.  The
 * applet takes SIGINT and SIGTERM through its loop and calls
 * sip_le_stop() before it exits, so the terminal is left as it was found.
 */
#ifndef SIPBOX_LINEEDIT_H
#define SIPBOX_LINEEDIT_H

#include "err.h"

struct sip_loop;

/*
 * A line entered, without its line end; valid for the call only.  NULL
 * at the end of input (Ctrl-D on an empty line, or EOF); reading has
 * stopped by then.  A line longer than 64 KiB from a plain reader comes
 * in 64 KiB pieces.
 */
typedef void	sip_le_line_cb(const char *line, void *arg);

/* "GNU readline 8.2", "libedit ...", or "none". */
const char	*sip_le_version(void);

/*
 * Read lines from stdin on loop l, showing prompt (copied), each to cb.
 * Non-empty lines go into the history (Up and Down recall them).
 * SIP_E_STATE when already started; the loop's error otherwise.
 */
enum sip_err	 sip_le_start(struct sip_loop *l, const char *prompt,
		    sip_le_line_cb *cb, void *arg);
/* A new prompt (copied), shown at once. */
void		 sip_le_set_prompt(const char *prompt);
/*
 * Print msg on stdout above the prompt (a line end is added when it
 * has none), then the prompt and what was typed so far again.  Plain
 * output when reading has not started.
 */
void		 sip_le_print(const char *msg);
void		 sip_le_printf(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
/* Stop reading: stdin unwatched, the terminal restored.  Idempotent. */
void		 sip_le_stop(void);

#endif
