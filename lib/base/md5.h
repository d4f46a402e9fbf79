/*
 * md5.h - MD5 (RFC 1321), for what SIP still asks of it: HTTP digest
 * with algorithm MD5 (RFC 2617, RFC 7616 3.4).  Not for anything that
 * needs a secure hash.  Ours rather than OpenSSL's: a digest response
 * hashes about 150 bytes, and EVP's context and provider round trip cost
 * more than the three blocks themselves; and a run that only needs MD5
 * does not load libcrypto.
 */
#ifndef SIPBOX_MD5_H
#define SIPBOX_MD5_H

#include <stddef.h>
#include <stdint.h>

#define SIP_MD5_SIZE	16

struct sip_md5 {
	uint32_t	 h[4];
	uint64_t	 n;		/* bytes hashed so far */
	unsigned char	 blk[64];	/* a block not yet full: n % 64 of it */
};

void	sip_md5_init(struct sip_md5 *c);
void	sip_md5_update(struct sip_md5 *c, const void *p, size_t n);
/* The digest into out; c is wiped (it may have held a password). */
void	sip_md5_final(struct sip_md5 *c, unsigned char out[SIP_MD5_SIZE]);
/* MD5 of p, n in one call. */
void	sip_md5(const void *p, size_t n, unsigned char out[SIP_MD5_SIZE]);

#endif
