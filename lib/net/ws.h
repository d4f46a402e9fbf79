/*
 * ws.h - WebSocket (RFC 6455) as SIP uses it (RFC 7118): the opening
 * handshake with the "sip" subprotocol, and frame encoding and decoding.
 * No I/O here: lib/conn.c moves the bytes.
 */
#ifndef SIPBOX_WS_H
#define SIPBOX_WS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

#define SIP_WS_KEY_SIZE		25	/* base64 of 16 bytes, NUL */
#define SIP_WS_ACCEPT_SIZE	29	/* base64 of SHA-1, NUL */
#define SIP_WS_MAX_HANDSHAKE	8192	/* HTTP head of either side */
#define SIP_WS_FRAME_HDR_MAX	14

enum sip_ws_op {
	SIP_WS_CONT = 0x0, SIP_WS_TEXT = 0x1, SIP_WS_BINARY = 0x2,
	SIP_WS_CLOSE = 0x8, SIP_WS_PING = 0x9, SIP_WS_PONG = 0xA
};

struct sip_ws_frame {
	int		 fin;
	enum sip_ws_op	 op;
	int		 masked;
	uint8_t		 mask[4];
	size_t		 hdrlen;	/* bytes before the payload */
	uint64_t	 len;		/* payload length */
};

/* A fresh random Sec-WebSocket-Key; SIP_E_RANDOM without randomness. */
enum sip_err	sip_ws_key(char out[SIP_WS_KEY_SIZE]);
/* The Sec-WebSocket-Accept value for key (RFC 6455 4.2.2). */
void		sip_ws_accept(const char *key, size_t keylen,
		    char out[SIP_WS_ACCEPT_SIZE]);

/* The client's upgrade request for path on host, asking for "sip". */
enum sip_err	sip_ws_request(struct buf *b, const char *host,
		    const char *path, const char *key);
/*
 * Check a server's handshake response in p/n: SIP_E_PARTIAL until the
 * blank line, then SIP_OK (with *used set to its length) only for a 101
 * with the right accept value and the sip subprotocol; SIP_E_PARSE with
 * *why otherwise.
 */
enum sip_err	sip_ws_response_check(const char *p, size_t n,
		    const char *key, size_t *used, const char **why);
/*
 * Server side: parse the client's upgrade request in p/n and append the
 * 101 answer to b.  SIP_E_PARTIAL until the blank line; SIP_E_PARSE with
 * *why for a request that is not a WebSocket upgrade asking for "sip".
 */
enum sip_err	sip_ws_answer(const char *p, size_t n, struct buf *b,
		    size_t *used, const char **why);

/*
 * Frame header for a payload of len bytes; mask non-NULL (a client) sets
 * the mask bit.  Returns the header length.  The caller masks the payload
 * with sip_ws_mask().
 */
size_t		sip_ws_frame_hdr(uint8_t out[SIP_WS_FRAME_HDR_MAX],
		    enum sip_ws_op op, uint64_t len, const uint8_t *mask);
/* XOR p with mask, offset off bytes into the payload. */
void		sip_ws_mask(uint8_t *p, size_t n, const uint8_t mask[4],
		    uint64_t off);
/*
 * Decode a frame header at p/n: SIP_E_PARTIAL when more bytes are needed
 * for the header, SIP_E_PARSE for reserved bits, an unknown opcode, a
 * fragmented control frame or a length over 2^63.
 */
enum sip_err	sip_ws_frame_parse(const uint8_t *p, size_t n,
		    struct sip_ws_frame *f);

#endif
