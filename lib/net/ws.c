/*
 * ws.c - WebSocket handshake and framing (RFC 6455, RFC 7118).
 */
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "rand.h"
#include "ws.h"

static const char ws_guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

enum sip_err
sip_ws_key(char out[SIP_WS_KEY_SIZE])
{
	unsigned char r[16];
	enum sip_err e;

	out[0] = '\0';
	if ((e = sip_rand_bytes(r, sizeof r)) != SIP_OK)
		return e;
	EVP_EncodeBlock((unsigned char *)out, r, sizeof r);
	return SIP_OK;
}

void
sip_ws_accept(const char *key, size_t keylen, char out[SIP_WS_ACCEPT_SIZE])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	out[0] = '\0';
	if (c == NULL)
		return;
	if (EVP_DigestInit_ex(c, EVP_sha1(), NULL) == 1 &&
	    EVP_DigestUpdate(c, key, keylen) == 1 &&
	    EVP_DigestUpdate(c, ws_guid, sizeof ws_guid - 1) == 1 &&
	    EVP_DigestFinal_ex(c, md, &mdlen) == 1 && mdlen == 20)
		EVP_EncodeBlock((unsigned char *)out, md, 20);
	EVP_MD_CTX_free(c);
}

enum sip_err
sip_ws_request(struct buf *b, const char *host, const char *path,
    const char *key)
{
	return buf_printf(b,
	    "GET %s HTTP/1.1\r\n"
	    "Host: %s\r\n"
	    "Upgrade: websocket\r\n"
	    "Connection: Upgrade\r\n"
	    "Sec-WebSocket-Key: %s\r\n"
	    "Sec-WebSocket-Version: 13\r\n"
	    "Sec-WebSocket-Protocol: sip\r\n"
	    "\r\n", path && *path ? path : "/", host, key);
}

/* The end of the HTTP head in p/n (just past CRLFCRLF), or 0. */
static size_t
head_end(const char *p, size_t n)
{
	const char *e = n >= 4 ? memmem(p, n, "\r\n\r\n", 4) : NULL;

	return e ? (size_t)(e - p) + 4 : 0;
}

/*
 * The value of header name in the head p/n (after the first line), or an
 * empty slice.
 */
static struct slice
head_value(const char *p, size_t n, const char *name)
{
	size_t nl = strlen(name);
	const char *line = memchr(p, '\n', n), *end = p + n;

	while (line != NULL && line + 1 < end) {
		const char *s = line + 1, *e = memchr(s, '\n', (size_t)(end - s));

		if (e == NULL)
			break;
		if ((size_t)(e - s) > nl && s[nl] == ':' &&
		    strncasecmp(s, name, nl) == 0) {
			const char *v = s + nl + 1, *ve = e;

			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' ||
			    ve[-1] == '\t'))
				ve--;
			return slice_make(v, (size_t)(ve - v));
		}
		line = e;
	}
	return slice_make(NULL, 0);
}

/* Whether the comma-separated list s holds token t (case-insensitive). */
static int
list_has(struct slice s, const char *t)
{
	struct slice item;

	while (slice_split(&s, ',', &item))
		if (slice_ieq_cstr(slice_trim(item), t))
			return 1;
	return 0;
}

enum sip_err
sip_ws_response_check(const char *p, size_t n, const char *key,
    size_t *used, const char **why)
{
	char want[SIP_WS_ACCEPT_SIZE];
	size_t end = head_end(p, n);
	struct slice v;

	*why = NULL;
	if (end == 0) {
		if (n > SIP_WS_MAX_HANDSHAKE) {
			*why = "WebSocket handshake response too long";
			return SIP_E_PARSE;
		}
		return SIP_E_PARTIAL;
	}
	*used = end;
	if (end < 12 || strncmp(p, "HTTP/1.1 ", 9) != 0) {
		*why = "not an HTTP/1.1 response to the WebSocket upgrade";
		return SIP_E_PARSE;
	}
	if (strncmp(p + 9, "101", 3) != 0) {
		*why = "WebSocket upgrade refused (no 101 Switching Protocols)";
		return SIP_E_PARSE;
	}
	sip_ws_accept(key, strlen(key), want);
	v = head_value(p, end, "Sec-WebSocket-Accept");
	if (!slice_eq_cstr(v, want)) {
		*why = "wrong Sec-WebSocket-Accept in the WebSocket handshake";
		return SIP_E_PARSE;
	}
	v = head_value(p, end, "Sec-WebSocket-Protocol");
	if (!slice_ieq_cstr(v, "sip")) {
		*why = "server did not accept the WebSocket subprotocol sip";
		return SIP_E_PARSE;
	}
	return SIP_OK;
}

enum sip_err
sip_ws_answer(const char *p, size_t n, struct buf *b, size_t *used,
    const char **why)
{
	char acc[SIP_WS_ACCEPT_SIZE], key[64];
	size_t end = head_end(p, n);
	struct slice v;

	*why = NULL;
	if (end == 0) {
		if (n > SIP_WS_MAX_HANDSHAKE) {
			*why = "WebSocket handshake request too long";
			return SIP_E_PARSE;
		}
		return SIP_E_PARTIAL;
	}
	*used = end;
	if (strncmp(p, "GET ", 4) != 0) {
		*why = "not an HTTP GET";
		return SIP_E_PARSE;
	}
	if (!list_has(head_value(p, end, "Upgrade"), "websocket") ||
	    !list_has(head_value(p, end, "Connection"), "upgrade")) {
		*why = "not a WebSocket upgrade request";
		return SIP_E_PARSE;
	}
	if (!slice_eq_cstr(head_value(p, end, "Sec-WebSocket-Version"), "13")) {
		*why = "unsupported Sec-WebSocket-Version (want 13)";
		return SIP_E_PARSE;
	}
	if (!list_has(head_value(p, end, "Sec-WebSocket-Protocol"), "sip")) {
		*why = "WebSocket request does not offer the sip subprotocol";
		return SIP_E_PARSE;
	}
	v = head_value(p, end, "Sec-WebSocket-Key");
	if (v.len == 0 || slice_copy(v, key, sizeof key) != 0) {
		*why = "missing or oversized Sec-WebSocket-Key";
		return SIP_E_PARSE;
	}
	sip_ws_accept(key, strlen(key), acc);
	return buf_printf(b,
	    "HTTP/1.1 101 Switching Protocols\r\n"
	    "Upgrade: websocket\r\n"
	    "Connection: Upgrade\r\n"
	    "Sec-WebSocket-Accept: %s\r\n"
	    "Sec-WebSocket-Protocol: sip\r\n"
	    "\r\n", acc);
}

size_t
sip_ws_frame_hdr(uint8_t out[SIP_WS_FRAME_HDR_MAX], enum sip_ws_op op,
    uint64_t len, const uint8_t *mask)
{
	size_t i = 0;

	out[i++] = 0x80 | (uint8_t)op;
	if (len < 126) {
		out[i++] = (uint8_t)len;
	} else if (len <= 0xffff) {
		out[i++] = 126;
		out[i++] = (uint8_t)(len >> 8);
		out[i++] = (uint8_t)len;
	} else {
		out[i++] = 127;
		for (int s = 56; s >= 0; s -= 8)
			out[i++] = (uint8_t)(len >> s);
	}
	if (mask != NULL) {
		out[1] |= 0x80;
		memcpy(out + i, mask, 4);
		i += 4;
	}
	return i;
}

void
sip_ws_mask(uint8_t *p, size_t n, const uint8_t mask[4], uint64_t off)
{
	for (size_t i = 0; i < n; i++)
		p[i] ^= mask[(off + i) & 3];
}

enum sip_err
sip_ws_frame_parse(const uint8_t *p, size_t n, struct sip_ws_frame *f)
{
	size_t need = 2;

	if (n < 2)
		return SIP_E_PARTIAL;
	memset(f, 0, sizeof *f);
	f->fin = (p[0] & 0x80) != 0;
	f->op = (enum sip_ws_op)(p[0] & 0x0f);
	f->masked = (p[1] & 0x80) != 0;
	if (p[0] & 0x70)
		return SIP_E_PARSE;	/* no extension was negotiated */
	switch (f->op) {
	case SIP_WS_CONT: case SIP_WS_TEXT: case SIP_WS_BINARY:
		break;
	case SIP_WS_CLOSE: case SIP_WS_PING: case SIP_WS_PONG:
		if (!f->fin || (p[1] & 0x7f) > 125)
			return SIP_E_PARSE;
		break;
	default:
		return SIP_E_PARSE;
	}
	f->len = p[1] & 0x7f;
	if (f->len == 126)
		need += 2;
	else if (f->len == 127)
		need += 8;
	if (f->masked)
		need += 4;
	if (n < need)
		return SIP_E_PARTIAL;
	if (f->len == 126) {
		f->len = (uint64_t)p[2] << 8 | p[3];
	} else if (f->len == 127) {
		f->len = 0;
		for (int i = 0; i < 8; i++)
			f->len = f->len << 8 | p[2 + i];
		if (f->len >> 63)
			return SIP_E_PARSE;
	}
	if (f->masked)
		memcpy(f->mask, p + need - 4, 4);
	f->hdrlen = need;
	return SIP_OK;
}
