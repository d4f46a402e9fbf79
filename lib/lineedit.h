/*
 * lineedit.h - the line-editing wrapper (GNU readline, or libedit with
 * `make LINEEDIT=libedit`, or none).  The only file that includes either.
 */
#ifndef SIPBOX_LINEEDIT_H
#define SIPBOX_LINEEDIT_H

/* "GNU readline 8.2", "libedit ...", or "none". */
const char	*sip_le_version(void);

#endif
