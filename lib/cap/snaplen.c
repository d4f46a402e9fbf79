/*
 * snaplen.c - raise a capture file's too small snap length on the way
 * to libpcap.  pcap: the file header (snaplen at offset 16).  pcapng:
 * the blocks are walked by their lengths and each Interface Description
 * Block's snaplen (offset 12) is raised; the Section Header Block says
 * the byte order.
 */
#include <stdlib.h>
#include <string.h>

#include "snaplen.h"

#define PCAPNG_SHB	0x0a0d0d0au
#define PCAPNG_IDB	1u

struct sip_snaplen {
	FILE		*fp;
	int		 swap;		/* pcapng: a big-endian section */
	uint32_t	 orig;
	uint8_t		 hdr[24];	/* a header being handed out */
	size_t		 hoff, hlen;
	uint64_t	 left;		/* pcapng: bytes of the block after hdr */
	int		 started;
};

static uint32_t
get32(const uint8_t *p, int big)
{
	return big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3] :
	    (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

static void
put32(uint8_t *p, uint32_t v, int big)
{
	int i;

	for (i = 0; i < 4; i++)
		p[big ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

/* Raise the snap length at p when it is set and small. */
static void
raise_snap(struct sip_snaplen *s, uint8_t *p, int big)
{
	uint32_t v = get32(p, big);

	/* 0 means "no limit" in pcapng and to libpcap */
	if (v == 0 || v >= SIP_SNAPLEN_MAX)
		return;
	if (s->orig == 0 || v < s->orig)
		s->orig = v;
	put32(p, SIP_SNAPLEN_MAX, big);
}

/* Read up to n bytes; fewer only at the end or on an error. */
static size_t
rd(struct sip_snaplen *s, uint8_t *p, size_t n)
{
	return fread(p, 1, n, s->fp);
}

/* The file header (pcap) or the next block's first bytes (pcapng). */
static void
next_header(struct sip_snaplen *s)
{
	uint32_t type, len;
	size_t want;
	int big = s->swap;

	s->hoff = 0;
	if (!s->started) {
		s->started = 1;
		s->hlen = rd(s, s->hdr, 8);
		if (s->hlen == 8 && get32(s->hdr, 0) == PCAPNG_SHB) {
			goto block;
		}
		/* pcap: the magic's byte order is the file's */
		s->hlen += rd(s, s->hdr + s->hlen, 24 - s->hlen);
		if (s->hlen == 24)
			raise_snap(s, s->hdr + 16,
			    memcmp(s->hdr, "\xa1\xb2", 2) == 0);
		s->left = UINT64_MAX;	/* the rest goes through untouched */
		return;
	}
	s->hlen = rd(s, s->hdr, 8);
	if (s->hlen < 8)
		return;
block:
	type = get32(s->hdr, big);
	want = 8;
	if (type == PCAPNG_SHB) {
		/* the byte-order magic, then the length in that order */
		s->hlen += rd(s, s->hdr + 8, 4);
		if (s->hlen < 12)
			return;
		s->swap = big = get32(s->hdr + 8, 1) == 0x1a2b3c4d;
		want = 12;
	}
	len = get32(s->hdr + 4, big);
	if (type == PCAPNG_IDB && len >= 20) {
		s->hlen += rd(s, s->hdr + 8, 8);
		if (s->hlen < 16)
			return;
		raise_snap(s, s->hdr + 12, big);
		want = 16;
	}
	/* a length too small for a block: the rest is libpcap's to refuse */
	s->left = len >= want ? len - want : UINT64_MAX;
}

static ssize_t
sl_read(void *cookie, char *buf, size_t size)
{
	struct sip_snaplen *s = cookie;
	size_t got = 0, n;

	while (got < size) {
		if (s->hoff < s->hlen) {
			n = s->hlen - s->hoff;
			if (n > size - got)
				n = size - got;
			memcpy(buf + got, s->hdr + s->hoff, n);
			s->hoff += n;
			got += n;
			continue;
		}
		if (s->left == 0 || !s->started) {
			next_header(s);
			if (s->hlen == 0)
				break;
			continue;
		}
		n = size - got;
		if (s->left < n)
			n = (size_t)s->left;
		n = fread(buf + got, 1, n, s->fp);
		if (n == 0)
			break;
		if (s->left != UINT64_MAX)
			s->left -= n;
		got += n;
	}
	if (got == 0 && ferror(s->fp))
		return -1;
	return (ssize_t)got;
}

static int
sl_close(void *cookie)
{
	struct sip_snaplen *s = cookie;
	int r = s->fp != NULL ? fclose(s->fp) : 0;

	free(s);
	return r;
}

enum sip_err
sip_snaplen_open(struct sip_snaplen **sp, FILE *fp, FILE **out)
{
	static const cookie_io_functions_t io = { sl_read, NULL, NULL,
	    sl_close };
	struct sip_snaplen *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return SIP_E_NOMEM;
	s->fp = fp;
	if ((*out = fopencookie(s, "r", io)) == NULL) {
		free(s);
		return SIP_E_NOMEM;
	}
	*sp = s;
	return SIP_OK;
}

const uint8_t *
sip_snaplen_pcap_header(const struct sip_snaplen *s)
{
	/* a pcapng block's header is never 24 bytes here */
	return s->started && s->hlen == 24 ? s->hdr : NULL;
}

uint32_t
sip_snaplen_orig(const struct sip_snaplen *s)
{
	return s != NULL ? s->orig : 0;
}

void
sip_snaplen_keep_fp(struct sip_snaplen *s)
{
	s->fp = NULL;
}
