/*
 * tls.c - OpenSSL contexts and error text.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "ossl.h"
#include "tls.h"

/* SSLKEYLOGFILE: NSS key log lines, so Wireshark can decrypt a capture. */
static void
keylog(const SSL *ssl, const char *line)
{
	const char *path = getenv("SSLKEYLOGFILE");
	FILE *f;
	int fd;

	(void)ssl;
	if (path == NULL || *path == '\0')
		return;
	/* keys that decrypt the session: for the user alone, not the umask */
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600)) < 0)
		return;
	if ((f = fdopen(fd, "a")) == NULL) {
		close(fd);
		return;
	}
	fprintf(f, "%s\n", line);
	fclose(f);
}

static void
queue_why(char *err, size_t errsz, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[256];

	if (e == 0) {
		/* nothing queued when OpenSSL itself could not be loaded */
		if (sip_ossl_error() != NULL)
			snprintf(err, errsz, "%s: %s", what, sip_ossl_error());
		else
			snprintf(err, errsz, "%s", what);
		return;
	}
	ERR_error_string_n(e, buf, sizeof buf);
	snprintf(err, errsz, "%s: %s", what, buf);
	ERR_clear_error();
}

static enum sip_err
ctx_common(SSL_CTX *ctx, const struct sip_tls_opts *o, char *err,
    size_t errsz)
{
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (getenv("SSLKEYLOGFILE") != NULL)
		SSL_CTX_set_keylog_callback(ctx, keylog);
	if (o->cert != NULL &&
	    SSL_CTX_use_certificate_chain_file(ctx, o->cert) != 1) {
		queue_why(err, errsz, o->cert);
		return SIP_E_TLS;
	}
	if (o->key != NULL &&
	    SSL_CTX_use_PrivateKey_file(ctx, o->key, SSL_FILETYPE_PEM) != 1) {
		queue_why(err, errsz, o->key);
		return SIP_E_TLS;
	}
	if (o->cert != NULL && o->key != NULL &&
	    SSL_CTX_check_private_key(ctx) != 1) {
		queue_why(err, errsz, "certificate and key do not match");
		return SIP_E_TLS;
	}
	return SIP_OK;
}

enum sip_err
sip_tls_client_ctx(SSL_CTX **out, const struct sip_tls_opts *o, char *err,
    size_t errsz)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	enum sip_err e;

	*out = NULL;
	if (ctx == NULL) {
		queue_why(err, errsz, "TLS context");
		return SIP_E_TLS;
	}
	if ((e = ctx_common(ctx, o, err, errsz)) != SIP_OK)
		goto fail;
	if (o->cacert != NULL || o->capath != NULL) {
		if (SSL_CTX_load_verify_locations(ctx, o->cacert,
		    o->capath) != 1) {
			queue_why(err, errsz, o->cacert ? o->cacert : o->capath);
			e = SIP_E_TLS;
			goto fail;
		}
	} else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
		queue_why(err, errsz, "system CA store");
		e = SIP_E_TLS;
		goto fail;
	}
	SSL_CTX_set_verify(ctx, o->insecure ? SSL_VERIFY_NONE :
	    SSL_VERIFY_PEER, NULL);
	*out = ctx;
	return SIP_OK;
fail:
	SSL_CTX_free(ctx);
	return e;
}

enum sip_err
sip_tls_server_ctx(SSL_CTX **out, const struct sip_tls_opts *o, char *err,
    size_t errsz)
{
	SSL_CTX *ctx;
	enum sip_err e;

	*out = NULL;
	if (o->cert == NULL || o->key == NULL) {
		snprintf(err, errsz, "a TLS server needs a certificate and key");
		return SIP_E_INVAL;
	}
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		queue_why(err, errsz, "TLS context");
		return SIP_E_TLS;
	}
	if ((e = ctx_common(ctx, o, err, errsz)) != SIP_OK) {
		SSL_CTX_free(ctx);
		return e;
	}
	/*
	 * A TLS 1.2 session a client closed cleanly stays cached, about
	 * 1 kB each: OpenSSL keeps 20,480, outside any connection's
	 * budget.  1,024 is 1 MB; the oldest goes first.
	 */
	SSL_CTX_sess_set_cache_size(ctx, SIP_TLS_SESSIONS);
	*out = ctx;
	return SIP_OK;
}

void
sip_tls_why(SSL *ssl, char *err, size_t errsz)
{
	long v = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;

	if (v != X509_V_OK) {
		snprintf(err, errsz, "certificate verification failed: %s",
		    X509_verify_cert_error_string(v));
		ERR_clear_error();
		return;
	}
	queue_why(err, errsz, "TLS handshake failed");
}

void
sip_tls_describe(SSL *ssl, int line, char *out, size_t n)
{
	X509 *cert;
	char sub[256] = "", iss[256] = "";
	long v;

	if (line == 0) {
		const SSL_CIPHER *c = SSL_get_current_cipher(ssl);

		snprintf(out, n, "TLS session: %s, cipher %s", SSL_get_version(ssl),
		    c != NULL ? SSL_CIPHER_get_name(c) : "(none)");
		return;
	}
	if (line == 1) {
		if ((cert = SSL_get1_peer_certificate(ssl)) == NULL) {
			snprintf(out, n, "server certificate: none");
			return;
		}
		X509_NAME_oneline(X509_get_subject_name(cert), sub, sizeof sub);
		X509_NAME_oneline(X509_get_issuer_name(cert), iss, sizeof iss);
		X509_free(cert);
		snprintf(out, n, "server certificate: subject %s; issuer %s",
		    sub, iss);
		return;
	}
	v = SSL_get_verify_result(ssl);
	if (SSL_get_verify_mode(ssl) == SSL_VERIFY_NONE)
		snprintf(out, n, "certificate and name not verified "
		    "(--insecure)%s%s", v == X509_V_OK ? "" : ": ",
		    v == X509_V_OK ? "" : X509_verify_cert_error_string(v));
	else
		snprintf(out, n, "certificate verified: %s",
		    v == X509_V_OK ? "ok" : X509_verify_cert_error_string(v));
}
