/*
 * stun.h - the part of STUN (RFC 5389) that SIP outbound needs (RFC
 * 5626 4.4.2, 8): Binding requests as UDP keep-alives, their success
 * responses with the XOR-MAPPED-ADDRESS the server saw, and telling a
 * STUN datagram from a SIP one on a shared port (RFC 5389 7.3, RFC 7983).
 *
 * Not here: authentication (MESSAGE-INTEGRITY, which keep-alives do not
 * use), FINGERPRINT checking, retransmissions, any other method.  Nothing
 * is allocated; parsing reads only the n bytes given.
 */
#ifndef SIPBOX_STUN_H
#define SIPBOX_STUN_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "net.h"

#define SIP_STUN_HDR		20		/* the fixed header */
#define SIP_STUN_COOKIE		0x2112A442u	/* RFC 5389 6 */
#define SIP_STUN_TXID		12		/* transaction id bytes */
#define SIP_STUN_BINDING	0x001		/* the method */

enum sip_stun_class {
	SIP_STUN_REQUEST,
	SIP_STUN_INDICATION,
	SIP_STUN_SUCCESS,
	SIP_STUN_ERROR
};

struct sip_stun {
	unsigned		 method;	/* 12 bits */
	enum sip_stun_class	 cls;
	unsigned char		 txid[SIP_STUN_TXID];
	int			 has_mapped;	/* XOR-MAPPED- or MAPPED-ADDRESS */
	struct sip_sockaddr	 mapped;
	int			 error;		/* ERROR-CODE, 0 none */
};

/*
 * Whether p/n can be a STUN message: the two top bits zero, the magic
 * cookie, a length that is a multiple of 4 and matches n (RFC 5389 6,
 * 7.3).  A SIP message never starts with a zero byte.
 */
int		sip_stun_is(const void *p, size_t n);
/*
 * Parse p/n into s: its class, method, transaction id, and the mapped
 * address when there is one (XOR-MAPPED-ADDRESS preferred).  SIP_E_PARSE
 * for anything not STUN or an attribute running past the end; unknown
 * attributes are skipped.
 */
enum sip_err	sip_stun_parse(struct sip_stun *s, const void *p, size_t n);
/* A Binding request with txid (SIP_STUN_HDR bytes) into out. */
void		sip_stun_request(unsigned char out[SIP_STUN_HDR],
		    const unsigned char txid[SIP_STUN_TXID]);
/*
 * Append to out the Binding success response to req, with the
 * XOR-MAPPED-ADDRESS of src (where req came from).  SIP_E_INVAL for a
 * req that is not a Binding request or an address that is neither IPv4
 * nor IPv6.  The caller owns out.
 */
enum sip_err	sip_stun_response(struct buf *out, const struct sip_stun *req,
		    const struct sip_sockaddr *src);

#endif
