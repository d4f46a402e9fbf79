/*
 * input.h - an input file as the applets read it: whatever can be read
 * (a regular file, a pipe, a FIFO, a terminal, <(...)), plain or gzip.
 *
 * sip_input_open() reads the first bytes of a file descriptor to learn
 * what it holds - gzip (RFC 1952, magic 1f 8b) is inflated on the way,
 * then a pcap or pcapng magic says it is a capture - and hands out a
 * stream that gives the whole content again, those first bytes included,
 * so nothing needs to seek.  The stream goes to sip_cap_open_fp() for a
 * capture, to sip_input_read_all() for text.  Nothing here prints or
 * knows file names; an unreadable file is the caller's to report.
 */
#ifndef SIPBOX_INPUT_H
#define SIPBOX_INPUT_H

#include <stdio.h>

#include "err.h"

struct sip_input;

enum sip_input_kind {
	SIP_INPUT_TEXT,		/* anything else: SIP messages, SDP */
	SIP_INPUT_CAPTURE	/* pcap or pcapng */
};

/*
 * Start reading fd (closed by sip_input_free() when own is set).  Blocks
 * until the first four bytes or the end have arrived.  SIP_E_SYS with
 * errno set when fd cannot be read; SIP_E_NOMEM.  On failure fd is left
 * open.  *ip is freed with sip_input_free().
 */
enum sip_err	sip_input_open(struct sip_input **ip, int fd, int own);
/* What the content is (after any gzip layer). */
enum sip_input_kind	sip_input_kind(const struct sip_input *in);
/* Was it gzip-compressed? */
int		sip_input_gzip(const struct sip_input *in);
/*
 * The content as a stream.  It stays owned by in: give it to
 * sip_cap_open_fp() (which closes it when the capture is freed; free
 * the capture before in) or read it, never fclose() it.
 */
FILE		*sip_input_fp(struct sip_input *in);
/*
 * Why reading failed, when the stream's error flag is set: the gzip
 * layer's reason ("gzip: unexpected end of file") or strerror of the
 * read; NULL when nothing failed.
 */
const char	*sip_input_error(const struct sip_input *in);
/* Bytes read from fd so far (compressed bytes for gzip): for progress. */
unsigned long long	sip_input_tell(const struct sip_input *in);
/*
 * Read again up to n bytes of the content from offset off (from its
 * start) into buf, without moving the reading of it: *got is 0 past
 * its end.  Only for a regular file not gzip-compressed (SIP_E_UNSUPP
 * for anything else), so a reader need not keep what it may never ask
 * about again; SIP_E_SYS when pread() failed.
 */
enum sip_err	sip_input_reread(struct sip_input *in, unsigned long long off,
		    char *buf, size_t n, size_t *got);
/*
 * Read up to n bytes of the content into buf, straight from the file or
 * the gzip layer: *got is 0 at the end.  SIP_E_SYS when reading failed
 * (sip_input_error() says why).  For text read piece by piece in
 * bounded memory; do not mix with reading sip_input_fp().
 */
enum sip_err	sip_input_read(struct sip_input *in, char *buf, size_t n,
		    size_t *got);
/*
 * Read the rest of the content into a new buffer with a NUL after it
 * (the caller frees *out).  SIP_E_TOOBIG past max bytes (of content,
 * so a small gzip file cannot expand without bound), SIP_E_SYS when
 * reading failed (sip_input_error() says why), SIP_E_NOMEM.
 */
enum sip_err	sip_input_read_all(struct sip_input *in, size_t max,
		    char **out, size_t *len);
/* Close the stream if the caller has not handed it on, fd if owned. */
void		sip_input_free(struct sip_input *in);

#endif
