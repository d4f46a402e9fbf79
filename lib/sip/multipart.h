/*
 * multipart.h - the parts of a multipart MIME body (RFC 2046 5.1.1, as
 * SIP uses it: RFC 5621), zero-copy.
 *
 * sip_multipart_next() walks the body parts between "--boundary" lines:
 * each part's header block and its content, as slices of the caller's
 * buffer.  The CRLF before a delimiter belongs to the delimiter; the
 * content is handed out with it (keep_eol) or without it.  Nothing is
 * allocated; malformed bodies end the walk, they never read past it.
 */
#ifndef SIPBOX_MULTIPART_H
#define SIPBOX_MULTIPART_H

#include <stddef.h>

#include "slice.h"

struct sip_multipart {
	struct slice	 body;
	struct slice	 boundary;	/* without the leading "--" */
	size_t		 pos;		/* where the next part starts, or 0 */
	int		 started;	/* the first delimiter was found */
	int		 done;		/* the close delimiter was seen */
	int		 keep_eol;	/* give out the CRLF before delimiters */
};

/* Start walking body with boundary (from Content-Type's parameter). */
void	sip_multipart_init(struct sip_multipart *mp, struct slice body,
	    struct slice boundary, int keep_eol);

/*
 * The next part: *headers is its header block (without the empty line),
 * *content what follows the empty line.  Returns 1, or 0 when there is no
 * further complete part (after the close delimiter, or when the body ends
 * without one: the last part is then not handed out).
 */
int	sip_multipart_next(struct sip_multipart *mp, struct slice *headers,
	    struct slice *content);

/*
 * The value of header name (ASCII case-insensitive; "Content-Type" also
 * matches its compact form "c") in a header block, trimmed; a NULL slice
 * when absent.  Header lines may end in CRLF or LF.
 */
struct slice	sip_multipart_header(struct slice headers, const char *name);

/*
 * Where the body of an entity starts: just after the first empty line of
 * s (CRLF or LF), or s.len when there is none.
 */
size_t	sip_multipart_head_len(struct slice s);

#endif
