/*
 * hep.h - writing HEP version 3 (the Homer encapsulation protocol): a
 * captured message with its addresses, ports, transport and time, as a
 * capture agent sends it to a collector such as heplify-server.  The
 * reader is in lib/cap.c; what this writes, it reads back the same.
 *
 * One packet: "HEP3", its total length (16 bits), then chunks of vendor
 * (0: generic), type and length (16 bits each, the 6 bytes counted) and
 * value, all in network order.  Nothing here does I/O.
 */
#ifndef SIPBOX_HEP_H
#define SIPBOX_HEP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "pkt.h"

/* The generic chunk types (HEP3 specification, chunk types 1 to 17). */
#define SIP_HEP_FAMILY		1	/* 2 IPv4, 10 IPv6 (uint8) */
#define SIP_HEP_PROTO		2	/* IP protocol: 17, 6, 132 (uint8) */
#define SIP_HEP_SRC4		3
#define SIP_HEP_DST4		4
#define SIP_HEP_SRC6		5
#define SIP_HEP_DST6		6
#define SIP_HEP_SPORT		7	/* uint16 */
#define SIP_HEP_DPORT		8
#define SIP_HEP_TS_SEC		9	/* uint32 */
#define SIP_HEP_TS_USEC		10	/* uint32 */
#define SIP_HEP_TYPE		11	/* payload type: 1 SIP (uint8) */
#define SIP_HEP_CAPTURE_ID	12	/* uint32 */
#define SIP_HEP_AUTH_KEY	14	/* the collector's password */
#define SIP_HEP_PAYLOAD		15
#define SIP_HEP_CORRELATION	17	/* e.g. the Call-ID */

#define SIP_HEP_TYPE_SIP	1
#define SIP_HEP_TYPE_MGCP	6	/* HEP3's protocol types: 6 is MGCP */
/* A HEP3 packet's length is 16 bits. */
#define SIP_HEP_MAX		65535u

struct sip_hep {
	struct sip_ipaddr	 src, dst;	/* the same family */
	uint16_t		 sport, dport;
	int			 ipproto;	/* 17, 6 or 132 */
	unsigned		 type;		/* SIP_HEP_TYPE_*; 0: SIP */
	uint64_t		 ts_ns;		/* capture time */
	uint32_t		 capture_id;
	const char		*password;	/* NULL: no auth key chunk */
	const char		*correlation;	/* NULL: none */
	size_t			 corrlen;
	const void		*payload;
	size_t			 len;
};

/*
 * Append the HEP3 packet of h to b.  SIP_E_TOOBIG when it would pass
 * SIP_HEP_MAX bytes (b is left as it was), SIP_E_NOMEM.
 */
enum sip_err	sip_hep_encode(struct buf *b, const struct sip_hep *h);

#endif
