/*
 * ossl.c - the OpenSSL functions sipbox uses, each loading libcrypto or
 * libssl with dlopen() on first use and forwarding to it (ossl.h says
 * why).  A function missing here is a link error, not a silent link
 * of the real library: nothing links -lssl or -lcrypto.
 */
#include <dlfcn.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/opensslv.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "ossl.h"

#define STR_(x)	#x
#define STR(x)	STR_(x)
/* the ABI of the headers compiled against, not whatever libssl.so is */
#define SONAME_CRYPTO	"libcrypto.so." STR(OPENSSL_SHLIB_VERSION)
#define SONAME_SSL	"libssl.so." STR(OPENSSL_SHLIB_VERSION)

enum { LIB_C, LIB_S };		/* libcrypto, libssl */

static const OSSL_PARAM no_param;	/* a failed construct: an end */

/*
 * Every function used: X(library, return type, name, parameters,
 * arguments, value when the library cannot be loaded); V for those
 * that return nothing.  The compiler holds each row to OpenSSL's own
 * prototype, since the headers above declare the same names.
 */
#define OSSL_FUNCS(X, V)						\
	X(C, int, BIO_free, (BIO *b), (b), 0)				\
	X(C, BIO *, BIO_new_mem_buf, (const void *buf, int len),	\
	    (buf, len), NULL)						\
	X(C, int, CRYPTO_memcmp, (const void *a, const void *b,		\
	    size_t n), (a, b, n), 1)					\
	V(C, ERR_clear_error, (void), ())				\
	V(C, ERR_error_string_n, (unsigned long e, char *buf,		\
	    size_t len), (e, buf, len))					\
	X(C, unsigned long, ERR_get_error, (void), (), 0)		\
	X(C, int, EVP_CIPHER_CTX_ctrl, (EVP_CIPHER_CTX *c, int type,	\
	    int arg, void *ptr), (c, type, arg, ptr), 0)		\
	V(C, EVP_CIPHER_CTX_free, (EVP_CIPHER_CTX *c), (c))		\
	X(C, EVP_CIPHER_CTX *, EVP_CIPHER_CTX_new, (void), (), NULL)	\
	X(C, int, EVP_CIPHER_CTX_set_padding, (EVP_CIPHER_CTX *c,	\
	    int pad), (c, pad), 0)					\
	X(C, int, EVP_DecryptFinal_ex, (EVP_CIPHER_CTX *c,		\
	    unsigned char *out, int *outl), (c, out, outl), 0)		\
	X(C, int, EVP_DecryptInit_ex, (EVP_CIPHER_CTX *c,		\
	    const EVP_CIPHER *ci, ENGINE *impl, const unsigned char *key,	\
	    const unsigned char *iv), (c, ci, impl, key, iv), 0)	\
	X(C, int, EVP_DecryptUpdate, (EVP_CIPHER_CTX *c,		\
	    unsigned char *out, int *outl, const unsigned char *in,	\
	    int inl), (c, out, outl, in, inl), 0)			\
	X(C, int, EVP_Digest, (const void *d, size_t n, unsigned char *md,	\
	    unsigned int *s, const EVP_MD *t, ENGINE *impl),		\
	    (d, n, md, s, t, impl), 0)					\
	X(C, int, EVP_DigestFinal_ex, (EVP_MD_CTX *c, unsigned char *md,	\
	    unsigned int *s), (c, md, s), 0)				\
	X(C, int, EVP_DigestInit_ex, (EVP_MD_CTX *c, const EVP_MD *t,	\
	    ENGINE *impl), (c, t, impl), 0)				\
	X(C, int, EVP_DigestUpdate, (EVP_MD_CTX *c, const void *d,	\
	    size_t n), (c, d, n), 0)					\
	X(C, int, EVP_EncodeBlock, (unsigned char *t,			\
	    const unsigned char *f, int n), (t, f, n), 0)		\
	V(C, EVP_KDF_CTX_free, (EVP_KDF_CTX *c), (c))			\
	X(C, EVP_KDF_CTX *, EVP_KDF_CTX_new, (EVP_KDF *k), (k), NULL)	\
	X(C, int, EVP_KDF_derive, (EVP_KDF_CTX *c, unsigned char *key,	\
	    size_t keylen, const OSSL_PARAM p[]), (c, key, keylen, p), 0)	\
	X(C, EVP_KDF *, EVP_KDF_fetch, (OSSL_LIB_CTX *l, const char *alg,	\
	    const char *props), (l, alg, props), NULL)			\
	V(C, EVP_KDF_free, (EVP_KDF *k), (k))				\
	V(C, EVP_MD_CTX_free, (EVP_MD_CTX *c), (c))			\
	X(C, EVP_MD *, EVP_MD_fetch, (OSSL_LIB_CTX *l, const char *alg,	\
	    const char *props), (l, alg, props), NULL)			\
	V(C, EVP_PKEY_CTX_free, (EVP_PKEY_CTX *c), (c))			\
	X(C, EVP_PKEY_CTX *, EVP_PKEY_CTX_new, (EVP_PKEY *k, ENGINE *e),	\
	    (k, e), NULL)						\
	X(C, int, EVP_PKEY_CTX_set_rsa_padding, (EVP_PKEY_CTX *c,	\
	    int pad), (c, pad), 0)					\
	X(C, int, EVP_PKEY_decrypt, (EVP_PKEY_CTX *c, unsigned char *out,	\
	    size_t *outlen, const unsigned char *in, size_t inlen),	\
	    (c, out, outlen, in, inlen), 0)				\
	X(C, int, EVP_PKEY_decrypt_init, (EVP_PKEY_CTX *c), (c), 0)	\
	X(C, int, EVP_PKEY_eq, (const EVP_PKEY *a, const EVP_PKEY *b),	\
	    (a, b), 0)							\
	V(C, EVP_PKEY_free, (EVP_PKEY *k), (k))				\
	X(C, int, EVP_PKEY_is_a, (const EVP_PKEY *k, const char *name),	\
	    (k, name), 0)						\
	X(C, EVP_MD_CTX *, EVP_MD_CTX_new, (void), (), NULL)		\
	X(C, const EVP_CIPHER *, EVP_aes_128_cbc, (void), (), NULL)	\
	X(C, const EVP_CIPHER *, EVP_aes_128_gcm, (void), (), NULL)	\
	X(C, const EVP_CIPHER *, EVP_aes_256_cbc, (void), (), NULL)	\
	X(C, const EVP_CIPHER *, EVP_aes_256_gcm, (void), (), NULL)	\
	X(C, const EVP_CIPHER *, EVP_chacha20_poly1305, (void), (), NULL)	\
	X(C, const EVP_MD *, EVP_get_digestbyname, (const char *name),	\
	    (name), NULL)						\
	X(C, const EVP_MD *, EVP_md5, (void), (), NULL)			\
	X(C, const EVP_MD *, EVP_sha1, (void), (), NULL)		\
	X(C, const EVP_MD *, EVP_sha256, (void), (), NULL)		\
	X(C, const EVP_MD *, EVP_sha512_256, (void), (), NULL)		\
	X(C, unsigned char *, HMAC, (const EVP_MD *md, const void *key,	\
	    int keylen, const unsigned char *d, size_t n,		\
	    unsigned char *out, unsigned int *outlen),			\
	    (md, key, keylen, d, n, out, outlen), NULL)			\
	X(C, OSSL_PARAM, OSSL_PARAM_construct_end, (void), (), no_param)	\
	X(C, OSSL_PARAM, OSSL_PARAM_construct_int, (const char *key,	\
	    int *buf), (key, buf), no_param)				\
	X(C, OSSL_PARAM, OSSL_PARAM_construct_octet_string,		\
	    (const char *key, void *buf, size_t n), (key, buf, n),	\
	    no_param)							\
	X(C, OSSL_PARAM, OSSL_PARAM_construct_utf8_string,		\
	    (const char *key, char *buf, size_t n), (key, buf, n),	\
	    no_param)							\
	X(C, const char *, OpenSSL_version, (int t), (t), why)		\
	X(C, EVP_PKEY *, PEM_read_bio_PrivateKey, (BIO *b, EVP_PKEY **x,	\
	    pem_password_cb *cb, void *u), (b, x, cb, u), NULL)		\
	X(C, int, RAND_bytes, (unsigned char *buf, int n), (buf, n), 0)	\
	X(C, X509_NAME *, X509_get_issuer_name, (const X509 *x), (x),	\
	    NULL)							\
	X(C, X509_NAME *, X509_get_subject_name, (const X509 *x), (x),	\
	    NULL)							\
	X(C, char *, X509_NAME_oneline, (const X509_NAME *a, char *buf,	\
	    int size), (a, buf, size), NULL)				\
	V(C, X509_free, (X509 *x), (x))					\
	X(C, EVP_PKEY *, X509_get0_pubkey, (const X509 *x), (x), NULL)	\
	X(C, int, X509_VERIFY_PARAM_set1_ip_asc, (X509_VERIFY_PARAM *p,	\
	    const char *ip), (p, ip), 0)				\
	X(C, const char *, X509_verify_cert_error_string, (long n), (n),	\
	    why)							\
	X(C, X509 *, d2i_X509, (X509 **a, const unsigned char **in,	\
	    long len), (a, in, len), NULL)				\
	X(S, int, SSL_CTX_check_private_key, (const SSL_CTX *c), (c), 0)	\
	X(S, long, SSL_CTX_ctrl, (SSL_CTX *c, int cmd, long larg,	\
	    void *parg), (c, cmd, larg, parg), 0)			\
	V(S, SSL_CTX_free, (SSL_CTX *c), (c))				\
	X(S, int, SSL_CTX_load_verify_locations, (SSL_CTX *c,		\
	    const char *file, const char *path), (c, file, path), 0)	\
	X(S, SSL_CTX *, SSL_CTX_new, (const SSL_METHOD *m), (m), NULL)	\
	X(S, int, SSL_CTX_set_default_verify_paths, (SSL_CTX *c), (c), 0)	\
	V(S, SSL_CTX_set_keylog_callback, (SSL_CTX *c,			\
	    SSL_CTX_keylog_cb_func cb), (c, cb))			\
	V(S, SSL_CTX_set_verify, (SSL_CTX *c, int mode,			\
	    SSL_verify_cb cb), (c, mode, cb))				\
	X(S, int, SSL_CTX_use_PrivateKey_file, (SSL_CTX *c,		\
	    const char *file, int type), (c, file, type), 0)		\
	X(S, int, SSL_CTX_use_certificate_chain_file, (SSL_CTX *c,	\
	    const char *file), (c, file), 0)				\
	X(S, int, SSL_accept, (SSL *s), (s), -1)			\
	X(S, int, SSL_connect, (SSL *s), (s), -1)			\
	X(S, long, SSL_ctrl, (SSL *s, int cmd, long larg, void *parg),	\
	    (s, cmd, larg, parg), 0)					\
	V(S, SSL_free, (SSL *s), (s))					\
	X(S, const char *, SSL_CIPHER_get_name, (const SSL_CIPHER *c),	\
	    (c), why)							\
	X(S, X509_VERIFY_PARAM *, SSL_get0_param, (SSL *s), (s), NULL)	\
	X(S, X509 *, SSL_get1_peer_certificate, (const SSL *s), (s),	\
	    NULL)							\
	X(S, const SSL_CIPHER *, SSL_get_current_cipher, (const SSL *s),	\
	    (s), NULL)							\
	X(S, int, SSL_get_error, (const SSL *s, int ret), (s, ret),	\
	    SSL_ERROR_SSL)						\
	X(S, int, SSL_get_verify_mode, (const SSL *s), (s), 0)		\
	X(S, const char *, SSL_get_version, (const SSL *s), (s), why)	\
	X(S, long, SSL_get_verify_result, (const SSL *s), (s),		\
	    X509_V_ERR_UNSPECIFIED)					\
	X(S, SSL *, SSL_new, (SSL_CTX *c), (c), NULL)			\
	X(S, int, SSL_pending, (const SSL *s), (s), 0)			\
	X(S, int, SSL_read_ex, (SSL *s, void *buf, size_t n,		\
	    size_t *got), (s, buf, n, got), 0)				\
	X(S, int, SSL_set1_host, (SSL *s, const char *host), (s, host), 0)	\
	X(S, int, SSL_set_fd, (SSL *s, int fd), (s, fd), 0)		\
	X(S, int, SSL_shutdown, (SSL *s), (s), -1)			\
	X(S, int, SSL_write_ex, (SSL *s, const void *buf, size_t n,	\
	    size_t *put), (s, buf, n, put), 0)				\
	X(S, const SSL_METHOD *, TLS_client_method, (void), (), NULL)	\
	X(S, const SSL_METHOD *, TLS_server_method, (void), (), NULL)

static struct {
#define X(l, r, n, p, a, f)	__typeof__(n) *n;
#define V(l, n, p, a)		__typeof__(n) *n;
	OSSL_FUNCS(X, V)
#undef X
#undef V
} fn;

static size_t inuse;		/* bytes OpenSSL has allocated, not freed */

/*
 * OpenSSL's allocations, counted: what each connection's record and
 * handshake buffers hold is charged to it (lib/net/conn) and so kept
 * within the transport set's budget (lib/net/tpset).  The usable size
 * is what the allocation costs, and needs no header of ours.
 */
static void *
mem_malloc(size_t n, const char *file, int line)
{
	void *p = malloc(n);

	(void)file;
	(void)line;
	if (p != NULL)
		__atomic_add_fetch(&inuse, malloc_usable_size(p),
		    __ATOMIC_RELAXED);
	return p;
}

static void *
mem_realloc(void *old, size_t n, const char *file, int line)
{
	size_t was = old != NULL ? malloc_usable_size(old) : 0;
	void *p = realloc(old, n);

	(void)file;
	(void)line;
	if (p == NULL)
		return NULL;	/* old stays, and so does its count */
	__atomic_sub_fetch(&inuse, was, __ATOMIC_RELAXED);
	__atomic_add_fetch(&inuse, malloc_usable_size(p), __ATOMIC_RELAXED);
	return p;
}

static void
mem_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	if (p == NULL)
		return;
	__atomic_sub_fetch(&inuse, malloc_usable_size(p), __ATOMIC_RELAXED);
	free(p);
}

static int state[2];		/* per library: 0 not tried, 1 loaded, -1 not */
static char why[256];		/* why not */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* Open one library and take its rows' functions; 1 or -1 (why set). */
static int
open_lib(int lib)
{
	const char *so = lib == LIB_C ? SONAME_CRYPTO : SONAME_SSL;
	void *h = dlopen(so, RTLD_NOW | RTLD_LOCAL);

	if (h == NULL) {
		snprintf(why, sizeof why, "OpenSSL could not be loaded: %s",
		    dlerror());
		return -1;
	}
	if (lib == LIB_C) {
		/*
		 * Before any other call: OpenSSL takes its allocators only
		 * until it has allocated once.  Should it refuse, nothing
		 * is counted and the rest works as before.
		 */
		__typeof__(CRYPTO_set_mem_functions) *set =
		    (__typeof__(CRYPTO_set_mem_functions) *)dlsym(h,
		    "CRYPTO_set_mem_functions");

		if (set != NULL)
			set(mem_malloc, mem_realloc, mem_free);
	}
#define X(l, r, n, p, a, f)						\
	if (LIB_##l == lib &&						\
	    (fn.n = (__typeof__(n) *)dlsym(h, #n)) == NULL) {		\
		snprintf(why, sizeof why, "%s has no %s: not OpenSSL %d",	\
		    so, #n, OPENSSL_VERSION_MAJOR);			\
		return -1;						\
	}
#define V(l, n, p, a)	X(l, void, n, p, a, 0)
	OSSL_FUNCS(X, V)
#undef X
#undef V
	/* h stays open: what it handed out is in use until exit */
	return 1;
}

/* 1 when lib (and libcrypto under it) is loaded, loading it first. */
static int
up(int lib)
{
	if (__builtin_expect(state[lib] == 1, 1))
		return 1;
	pthread_mutex_lock(&lock);
	if (state[LIB_C] == 0)
		state[LIB_C] = open_lib(LIB_C);
	if (lib == LIB_S && state[LIB_S] == 0)
		state[LIB_S] = state[LIB_C] == 1 ? open_lib(LIB_S) : -1;
	pthread_mutex_unlock(&lock);
	return state[lib] == 1;
}

enum sip_err
sip_ossl_load(int ssl, char *err, size_t errsz)
{
	if (up(ssl ? LIB_S : LIB_C))
		return SIP_OK;
	snprintf(err, errsz, "%s", why);
	return SIP_E_TLS;
}

const char *
sip_ossl_error(void)
{
	return why[0] != '\0' ? why : NULL;
}

int
sip_ossl_loaded(void)
{
	return state[LIB_C] == 1;
}

size_t
sip_ossl_mem(void)
{
	return __atomic_load_n(&inuse, __ATOMIC_RELAXED);
}

/* The functions themselves. */
#define X(l, r, n, p, a, f)						\
	r n p								\
	{								\
		if (!up(LIB_##l))					\
			return f;					\
		return fn.n a;						\
	}
#define V(l, n, p, a)							\
	void n p							\
	{								\
		if (up(LIB_##l))					\
			fn.n a;						\
	}
OSSL_FUNCS(X, V)
#undef X
#undef V

/* Wiping a secret needs no library, so it loads none. */
void
OPENSSL_cleanse(void *p, size_t n)
{
	explicit_bzero(p, n);
}
