/*
 * rand.h - unpredictable bytes: branches, tags and Call-IDs (RFC 3261
 * 19.3 wants tags nobody can guess), digest cnonces, nonce keys and
 * WebSocket masks (RFC 6455 5.3).  They come from the kernel
 * (getrandom(2)); when it fails the caller gets SIP_E_RANDOM, never
 * weaker bytes.
 */
#ifndef SIPBOX_RAND_H
#define SIPBOX_RAND_H

#include <stddef.h>

#include "err.h"

/* n random bytes into out. */
enum sip_err	sip_rand_bytes(void *out, size_t n);
/* nhex random lowercase hex digits and a NUL into out (nhex + 1 bytes). */
enum sip_err	sip_rand_hex(char *out, size_t nhex);
/*
 * For tests: draw from fn (RAND_bytes's contract: 1 on success) instead
 * of the kernel; NULL goes back to it.  Either way the pool is emptied.
 */
void		sip_rand_source(int (*fn)(unsigned char *buf, int num));

#endif
