/*
 * input.c - an input read once, front to back: the bytes read to tell
 * what it is are handed back through a stdio cookie stream, and gzip
 * (RFC 1952) is inflated through zlib, member after member as gzip(1)
 * does.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "cap.h"
#include "input.h"

#define MAGIC_LEN	4

struct sip_input {
	int			 fd;
	int			 own;
	FILE			*fp;		/* the content */
	int			 fp_closed;	/* by pcap_close() */
	enum sip_input_kind	 kind;
	unsigned long long	 pos;		/* bytes read from fd */
	off_t			 origin;	/* fd offset of content byte 0, or -1 */
	int			 eof;		/* fd has no more */
	/* Content already read, to hand back first: the magic. */
	unsigned char		 pre[MAGIC_LEN];
	size_t			 npre, preoff;
	/* The gzip layer. */
	int			 gz;
	int			 zdone;	/* past the last member */
	z_stream		 z;
	unsigned char		 zin[16384];
	char			 err[96];
};

/* Up to n bytes of fd; 0 at its end, -1 with errno. */
static ssize_t
fd_read(struct sip_input *in, void *buf, size_t n)
{
	ssize_t k;

	if (in->eof)
		return 0;
	do
		k = read(in->fd, buf, n);
	while (k < 0 && errno == EINTR);
	if (k < 0) {
		snprintf(in->err, sizeof(in->err), "%s", strerror(errno));
		return -1;
	}
	if (k == 0)
		in->eof = 1;
	in->pos += (unsigned long long)k;
	return k;
}

/* Up to n bytes of fd, waiting for all n unless it ends first. */
static ssize_t
fd_fill(struct sip_input *in, unsigned char *buf, size_t n)
{
	size_t got = 0;
	ssize_t k;

	while (got < n) {
		if ((k = fd_read(in, buf + got, n - got)) < 0)
			return -1;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

static ssize_t
zfail(struct sip_input *in, const char *why)
{
	snprintf(in->err, sizeof(in->err), "gzip: %s", why);
	errno = EIO;
	return -1;
}

/* Up to n inflated bytes; 0 at the end of the last member. */
static ssize_t
z_read(struct sip_input *in, char *buf, size_t n)
{
	ssize_t k;
	int r;

	in->z.next_out = (unsigned char *)buf;
	in->z.avail_out = (uInt)(n > 65536 ? 65536 : n);
	while (!in->zdone && in->z.next_out == (unsigned char *)buf) {
		if (in->z.avail_in == 0) {
			if ((k = fd_read(in, in->zin, sizeof(in->zin))) < 0)
				return -1;
			if (k == 0)
				return zfail(in, "unexpected end of file");
			in->z.next_in = in->zin;
			in->z.avail_in = (uInt)k;
		}
		r = inflate(&in->z, Z_NO_FLUSH);
		if (r == Z_STREAM_END) {
			/* Another member may follow; anything else ends it. */
			if (in->z.avail_in == 0) {
				if ((k = fd_read(in, in->zin, 1)) < 0)
					return -1;
				in->z.next_in = in->zin;
				in->z.avail_in = (uInt)k;
			}
			if (in->z.avail_in == 0 || in->z.next_in[0] != 0x1f)
				in->zdone = 1;
			else if (inflateReset(&in->z) != Z_OK)
				return zfail(in, "cannot restart");
			continue;
		}
		if (r == Z_BUF_ERROR)
			continue;	/* it wants more input */
		if (r != Z_OK)
			return zfail(in, in->z.msg != NULL ? in->z.msg :
			    "corrupt data");
	}
	return (ssize_t)((char *)in->z.next_out - buf);
}

/* The content: what was read to sniff it, then the rest. */
static ssize_t
content_read(struct sip_input *in, char *buf, size_t n)
{
	size_t k;

	if (in->preoff < in->npre) {
		k = in->npre - in->preoff < n ? in->npre - in->preoff : n;
		memcpy(buf, in->pre + in->preoff, k);
		in->preoff += k;
		return (ssize_t)k;
	}
	if (in->gz)
		return z_read(in, buf, n);
	return fd_read(in, buf, n);
}

static ssize_t
cookie_read(void *cookie, char *buf, size_t n)
{
	return content_read(cookie, buf, n);
}

static int
cookie_close(void *cookie)
{
	struct sip_input *in = cookie;

	in->fp_closed = 1;
	return 0;
}

enum sip_err
sip_input_open(struct sip_input **ip, int fd, int own)
{
	cookie_io_functions_t io = { cookie_read, NULL, NULL, cookie_close };
	struct sip_input *in;
	struct stat st;
	off_t cur;
	ssize_t k;
	size_t got;
	int e;

	*ip = NULL;
	if ((in = calloc(1, sizeof(*in))) == NULL)
		return SIP_E_NOMEM;
	in->fd = fd;
	in->own = own;
	if ((k = fd_fill(in, in->pre, 2)) < 0)
		goto fail;
	in->npre = (size_t)k;
	if (in->npre == 2 && in->pre[0] == 0x1f && in->pre[1] == 0x8b) {
		/* 16 + MAX_WBITS: a gzip wrapper only, not zlib's own. */
		if (inflateInit2(&in->z, 16 + MAX_WBITS) != Z_OK) {
			free(in);
			return SIP_E_NOMEM;
		}
		in->gz = 1;
		memcpy(in->zin, in->pre, 2);
		in->z.next_in = in->zin;
		in->z.avail_in = 2;
		in->npre = 0;
	}
	/* The magic of what is inside, kept to be read again. */
	got = in->npre;
	while (got < MAGIC_LEN) {
		k = in->gz ?
		    z_read(in, (char *)in->pre + got, MAGIC_LEN - got) :
		    fd_read(in, in->pre + got, MAGIC_LEN - got);
		if (k < 0 && !in->gz)
			goto fail;
		if (k <= 0)
			break;	/* a gzip error shows again on reading */
		got += (size_t)k;
	}
	in->npre = got;
	in->kind = sip_cap_is_capture(in->pre, in->npre) ? SIP_INPUT_CAPTURE :
	    SIP_INPUT_TEXT;
	in->origin = -1;
	if (!in->gz && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (cur = lseek(fd, 0, SEEK_CUR)) >= (off_t)in->pos)
		in->origin = cur - (off_t)in->pos;
	if ((in->fp = fopencookie(in, "r", io)) == NULL) {
		sip_input_free(in);
		return SIP_E_NOMEM;
	}
	*ip = in;
	return SIP_OK;
fail:
	e = errno;
	free(in);
	errno = e;
	return SIP_E_SYS;
}

enum sip_input_kind
sip_input_kind(const struct sip_input *in)
{
	return in->kind;
}

int
sip_input_gzip(const struct sip_input *in)
{
	return in->gz;
}

FILE *
sip_input_fp(struct sip_input *in)
{
	return in->fp;
}

const char *
sip_input_error(const struct sip_input *in)
{
	return in->err[0] != '\0' ? in->err : NULL;
}

unsigned long long
sip_input_tell(const struct sip_input *in)
{
	return in->pos;
}

enum sip_err
sip_input_reread(struct sip_input *in, unsigned long long off, char *buf,
    size_t n, size_t *got)
{
	ssize_t k;

	*got = 0;
	if (in->origin < 0)
		return SIP_E_UNSUPP;
	do
		k = pread(in->fd, buf, n, in->origin + (off_t)off);
	while (k < 0 && errno == EINTR);
	if (k < 0)
		return SIP_E_SYS;
	*got = (size_t)k;
	return SIP_OK;
}

enum sip_err
sip_input_read(struct sip_input *in, char *buf, size_t n, size_t *got)
{
	ssize_t k;

	if ((k = content_read(in, buf, n)) < 0)
		return SIP_E_SYS;
	*got = (size_t)k;
	return SIP_OK;
}

enum sip_err
sip_input_read_all(struct sip_input *in, size_t max, char **out, size_t *len)
{
	char *p = NULL, *np;
	size_t n = 0, cap = 0;
	ssize_t k;

	/* Straight from the layers: stdio's buffer would be one more copy. */
	for (;;) {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 65536;
			if ((np = realloc(p, cap + 1)) == NULL) {
				free(p);
				return SIP_E_NOMEM;
			}
			p = np;
		}
		if ((k = content_read(in, p + n, cap - n)) < 0) {
			free(p);
			return SIP_E_SYS;
		}
		if (k == 0)
			break;
		n += (size_t)k;
		if (n > max) {
			free(p);
			return SIP_E_TOOBIG;
		}
	}
	p[n] = '\0';
	*out = p;
	*len = n;
	return SIP_OK;
}

void
sip_input_free(struct sip_input *in)
{
	if (in == NULL)
		return;
	if (in->fp != NULL && !in->fp_closed)
		fclose(in->fp);
	if (in->gz)
		inflateEnd(&in->z);
	if (in->own)
		close(in->fd);
	free(in);
}
