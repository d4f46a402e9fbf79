/*
 * obuf.c - standard output in large blocks, for lines by the hundred
 * thousand (sip-parse): built in obuf, written by write(2).  stdio's
 * fwrite() of each line cost more than building it.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "cmd.h"

struct buf	obuf;
int		obuf_lined;
static int	obuf_errno;	/* the first write error; nothing more written */

void
obuf_begin(void)
{
	buf_init(&obuf, 0);
	(void)buf_reserve(&obuf, OBUF_BLOCK + 4096);
	/* stdio's rule for stdout: line by line to a terminal */
	obuf_lined = isatty(STDOUT_FILENO);
}

int
obuf_flush(void)
{
	const char *p = obuf.p;
	size_t n = obuf.len;
	ssize_t w;

	if (n > 0 && obuf_errno == 0) {
		/* what stdio holds was written before */
		(void)fflush(stdout);
		while (n > 0) {
			if ((w = write(STDOUT_FILENO, p, n)) < 0) {
				if (errno == EINTR)
					continue;
				obuf_errno = errno;
				break;
			}
			p += w;
			n -= (size_t)w;
		}
	}
	buf_reset(&obuf);
	if (obuf_errno != 0) {
		errno = obuf_errno;
		return -1;
	}
	return 0;
}
