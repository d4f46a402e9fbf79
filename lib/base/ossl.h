/*
 * ossl.h - OpenSSL, loaded when first used.
 *
 * sipbox does not link libssl and libcrypto: ossl.c defines the OpenSSL
 * functions the project calls, under their own names, and each one
 * loads the library (dlopen) on its first call and forwards to it.  The
 * call sites are ordinary OpenSSL code.  Linked in, libcrypto alone
 * added 1.4 ms to every run, also to the runs that never use it
 * (README, Dependencies).
 *
 * When a library cannot be loaded, each function fails as OpenSSL's own
 * does (NULL, 0, an empty parameter) and sip_ossl_error() says why.
 */
#ifndef SIPBOX_OSSL_H
#define SIPBOX_OSSL_H

#include <stddef.h>

#include "err.h"

/*
 * Load libcrypto, and libssl too when ssl is 1, if not yet.  SIP_OK, or
 * SIP_E_TLS with the reason in err (also kept for sip_ossl_error()).
 * Callers that want the reason before anything else fails call this
 * first; the forwarders call it themselves.
 */
enum sip_err	sip_ossl_load(int ssl, char *err, size_t errsz);
/* Why the last load failed ("libssl.so.3: cannot open ..."), or NULL. */
const char	*sip_ossl_error(void);
/* 1 when libcrypto is loaded (sipbox --version says which). */
int		 sip_ossl_loaded(void);
/*
 * Bytes OpenSSL holds now (its allocations not yet freed; 0 before it
 * is loaded): lib/net/conn charges each connection what its calls add.
 */
size_t		 sip_ossl_mem(void);

#endif
