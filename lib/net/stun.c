/*
 * stun.c - STUN Binding messages (RFC 5389) for SIP outbound keep-alives.
 */
#include <netinet/in.h>
#include <string.h>

#include "stun.h"

#define ATTR_MAPPED	0x0001
#define ATTR_ERROR	0x0009
#define ATTR_XOR_MAPPED	0x0020

static unsigned
get16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

int
sip_stun_is(const void *v, size_t n)
{
	const unsigned char *p = v;

	return n >= SIP_STUN_HDR && (p[0] & 0xc0) == 0 &&
	    get32(p + 4) == SIP_STUN_COOKIE && (get16(p + 2) & 3) == 0 &&
	    get16(p + 2) + (size_t)SIP_STUN_HDR == n;
}

/*
 * An address attribute's value a/len into out; x: XOR'd with the cookie
 * and, for IPv6, the transaction id (RFC 5389 15.2).
 */
static int
address(const unsigned char *a, size_t len, int x, const unsigned char *hdr,
    struct sip_sockaddr *out)
{
	unsigned char key[16];
	unsigned port;

	if (len < 4)
		return -1;
	memcpy(key, hdr + 4, 16);	/* cookie, then the transaction id */
	port = get16(a + 2) ^ (x ? SIP_STUN_COOKIE >> 16 : 0);
	memset(out, 0, sizeof *out);
	if (a[1] == 0x01 && len == 8) {
		struct sockaddr_in *s = (struct sockaddr_in *)&out->ss;

		s->sin_family = AF_INET;
		s->sin_port = htons((uint16_t)port);
		memcpy(&s->sin_addr, a + 4, 4);
		for (int i = 0; x && i < 4; i++)
			((unsigned char *)&s->sin_addr)[i] ^= key[i];
		out->len = sizeof *s;
		return 0;
	}
	if (a[1] == 0x02 && len == 20) {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&out->ss;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons((uint16_t)port);
		memcpy(&s->sin6_addr, a + 4, 16);
		for (int i = 0; x && i < 16; i++)
			((unsigned char *)&s->sin6_addr)[i] ^= key[i];
		out->len = sizeof *s;
		return 0;
	}
	return -1;
}

enum sip_err
sip_stun_parse(struct sip_stun *s, const void *v, size_t n)
{
	const unsigned char *p = v, *a, *end;
	unsigned type, at, al;
	int have_xor = 0;

	if (!sip_stun_is(v, n))
		return SIP_E_PARSE;
	memset(s, 0, sizeof *s);
	type = get16(p);
	/* RFC 5389 6: the class bits are C1 (bit 8) and C0 (bit 4) */
	s->cls = (enum sip_stun_class)(((type >> 7) & 2) | ((type >> 4) & 1));
	s->method = (type & 0x000f) | ((type >> 1) & 0x0070) |
	    ((type >> 2) & 0x0f80);
	memcpy(s->txid, p + 8, SIP_STUN_TXID);
	end = p + n;
	for (a = p + SIP_STUN_HDR; a < end; a += 4 + ((al + 3) & ~3u)) {
		if (end - a < 4)
			return SIP_E_PARSE;
		at = get16(a);
		al = get16(a + 2);
		if ((size_t)(end - a - 4) < al)
			return SIP_E_PARSE;
		if (at == ATTR_XOR_MAPPED &&
		    address(a + 4, al, 1, p, &s->mapped) == 0) {
			s->has_mapped = have_xor = 1;
		} else if (at == ATTR_MAPPED && !have_xor &&
		    address(a + 4, al, 0, p, &s->mapped) == 0) {
			s->has_mapped = 1;
		} else if (at == ATTR_ERROR && al >= 4) {
			s->error = (a[6] & 7) * 100 + a[7] % 100;
		}
		if ((size_t)(end - a - 4) < ((al + 3) & ~3u))
			break;	/* the last attribute's padding may be cut */
	}
	return SIP_OK;
}

void
sip_stun_request(unsigned char out[SIP_STUN_HDR],
    const unsigned char txid[SIP_STUN_TXID])
{
	put16(out, SIP_STUN_BINDING);
	put16(out + 2, 0);
	out[4] = SIP_STUN_COOKIE >> 24;
	out[5] = (SIP_STUN_COOKIE >> 16) & 0xff;
	out[6] = (SIP_STUN_COOKIE >> 8) & 0xff;
	out[7] = SIP_STUN_COOKIE & 0xff;
	memcpy(out + 8, txid, SIP_STUN_TXID);
}

enum sip_err
sip_stun_response(struct buf *out, const struct sip_stun *req,
    const struct sip_sockaddr *src)
{
	unsigned char m[SIP_STUN_HDR + 24], key[16];
	const unsigned char *addr;
	size_t alen, n;
	unsigned port;

	if (req->cls != SIP_STUN_REQUEST || req->method != SIP_STUN_BINDING)
		return SIP_E_INVAL;
	if (src->ss.ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)&src->ss;

		addr = (const unsigned char *)&s->sin_addr;
		alen = 4;
		port = ntohs(s->sin_port);
	} else if (src->ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)&src->ss;

		addr = (const unsigned char *)&s->sin6_addr;
		alen = 16;
		port = ntohs(s->sin6_port);
	} else {
		return SIP_E_INVAL;
	}
	sip_stun_request(m, req->txid);
	put16(m, 0x0101);	/* Binding success */
	memcpy(key, m + 4, 16);
	n = SIP_STUN_HDR;
	put16(m + n, ATTR_XOR_MAPPED);
	put16(m + n + 2, (unsigned)(4 + alen));
	m[n + 4] = 0;
	m[n + 5] = alen == 4 ? 0x01 : 0x02;
	put16(m + n + 6, port ^ (SIP_STUN_COOKIE >> 16));
	for (size_t i = 0; i < alen; i++)
		m[n + 8 + i] = addr[i] ^ key[i];
	n += 8 + alen;
	put16(m + 2, (unsigned)(n - SIP_STUN_HDR));
	return buf_add(out, m, n);
}
