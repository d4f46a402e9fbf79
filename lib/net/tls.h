/*
 * tls.h - OpenSSL contexts for SIP over TLS (RFC 3261 26.2, RFC 5922):
 * TLS 1.2 or newer, the chain and the host name verified unless the
 * caller says otherwise, SSLKEYLOGFILE honoured so captures decrypt.
 */
#ifndef SIPBOX_TLS_H
#define SIPBOX_TLS_H

#include <stddef.h>

#include <openssl/ssl.h>

#include "err.h"

#define SIP_TLS_SESSIONS	1024	/* a server's session cache */

struct sip_tls_opts {
	const char	*cacert;	/* PEM bundle; NULL: system store */
	const char	*capath;	/* hashed directory */
	const char	*cert;		/* our certificate chain (PEM) */
	const char	*key;		/* its private key (PEM) */
	int		 insecure;	/* skip chain and name verification */
};

/* A client context.  On failure, err holds why (OpenSSL's words). */
enum sip_err	sip_tls_client_ctx(SSL_CTX **out, const struct sip_tls_opts *o,
		    char *err, size_t errsz);
/* A server context with o->cert and o->key (both required). */
enum sip_err	sip_tls_server_ctx(SSL_CTX **out, const struct sip_tls_opts *o,
		    char *err, size_t errsz);
/*
 * Why the last TLS call failed: the verification result when the peer's
 * certificate was rejected, else OpenSSL's error queue (which is emptied).
 */
void		sip_tls_why(SSL *ssl, char *err, size_t errsz);
/*
 * Line line (0, 1, 2) of what -v says of an established client session:
 * the version and cipher; the server certificate's subject and issuer;
 * the verification result.
 */
void		sip_tls_describe(SSL *ssl, int line, char *out, size_t n);

#endif
