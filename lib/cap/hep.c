/*
 * hep.c - HEP version 3 packets out (the HEP3 specification of the
 * sipcapture project: generic chunks, vendor 0).
 */
#include <string.h>

#include "hep.h"

static enum sip_err
chunk(struct buf *b, unsigned type, const void *v, size_t n)
{
	uint8_t h[6];

	h[0] = h[1] = 0;		/* vendor: generic */
	h[2] = (uint8_t)(type >> 8);
	h[3] = (uint8_t)type;
	h[4] = (uint8_t)((n + 6) >> 8);
	h[5] = (uint8_t)(n + 6);
	if (buf_add(b, h, sizeof(h)) != SIP_OK || buf_add(b, v, n) != SIP_OK)
		return SIP_E_NOMEM;
	return SIP_OK;
}

static enum sip_err
chunk8(struct buf *b, unsigned type, unsigned v)
{
	uint8_t x = (uint8_t)v;

	return chunk(b, type, &x, 1);
}

static enum sip_err
chunk16(struct buf *b, unsigned type, unsigned v)
{
	uint8_t x[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	return chunk(b, type, x, 2);
}

static enum sip_err
chunk32(struct buf *b, unsigned type, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	return chunk(b, type, x, 4);
}

enum sip_err
sip_hep_encode(struct buf *b, const struct sip_hep *h)
{
	size_t start = b->len, alen = h->src.family == 6 ? 16 : 4, pw, tot;
	int v6 = h->src.family == 6;
	enum sip_err e;

	pw = h->password != NULL ? strlen(h->password) + 6 : 0;
	tot = 6 + 7 + 7 + 2 * (6 + alen) + 2 * 8 + 2 * 10 + 7 + 10 + pw +
	    (h->correlation != NULL ? h->corrlen + 6 : 0) + 6 + h->len;
	if (tot > SIP_HEP_MAX)
		return SIP_E_TOOBIG;
	if ((e = buf_adds(b, "HEP3")) != SIP_OK ||
	    (e = buf_addc(b, (char)(tot >> 8))) != SIP_OK ||
	    (e = buf_addc(b, (char)tot)) != SIP_OK ||
	    (e = chunk8(b, SIP_HEP_FAMILY, v6 ? 10 : 2)) != SIP_OK ||
	    (e = chunk8(b, SIP_HEP_PROTO, (unsigned)h->ipproto)) != SIP_OK ||
	    (e = chunk(b, v6 ? SIP_HEP_SRC6 : SIP_HEP_SRC4, h->src.a,
	    alen)) != SIP_OK ||
	    (e = chunk(b, v6 ? SIP_HEP_DST6 : SIP_HEP_DST4, h->dst.a,
	    alen)) != SIP_OK ||
	    (e = chunk16(b, SIP_HEP_SPORT, h->sport)) != SIP_OK ||
	    (e = chunk16(b, SIP_HEP_DPORT, h->dport)) != SIP_OK ||
	    (e = chunk32(b, SIP_HEP_TS_SEC,
	    (uint32_t)(h->ts_ns / 1000000000ull))) != SIP_OK ||
	    (e = chunk32(b, SIP_HEP_TS_USEC,
	    (uint32_t)(h->ts_ns % 1000000000ull / 1000))) != SIP_OK ||
	    (e = chunk8(b, SIP_HEP_TYPE, h->type != 0 ? h->type :
	    SIP_HEP_TYPE_SIP)) != SIP_OK ||
	    (e = chunk32(b, SIP_HEP_CAPTURE_ID, h->capture_id)) != SIP_OK ||
	    (h->password != NULL && (e = chunk(b, SIP_HEP_AUTH_KEY,
	    h->password, pw - 6)) != SIP_OK) ||
	    (h->correlation != NULL && (e = chunk(b, SIP_HEP_CORRELATION,
	    h->correlation, h->corrlen)) != SIP_OK) ||
	    (e = chunk(b, SIP_HEP_PAYLOAD, h->payload, h->len)) != SIP_OK) {
		b->len = start;
		return e;
	}
	return SIP_OK;
}
