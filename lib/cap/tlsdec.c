/*
 * tlsdec.c - decrypt TLS records in captures with a key log.
 *
 * RFC 5246 6.2 and 6.3 (TLS 1.2 records, the key block from the PRF),
 * RFC 5288 3 (AES-GCM nonce and additional data), RFC 7905 2 (ChaCha20-
 * Poly1305 nonce), RFC 7366 (encrypt-then-MAC), RFC 8446 5.2, 5.3 and
 * 7.1-7.3 (TLS 1.3 records, per-record nonce, traffic keys from
 * HKDF-Expand-Label).  The key log format is NSS's (SSLKEYLOGFILE).
 * Without a key log line, a TLS 1.2 session with RSA key exchange is
 * opened with the server's private key, as tshark does: the pre-master
 * secret from the ClientKeyExchange (RFC 5246 7.4.7.1, 8.1), or with
 * extended_master_secret the hash of the handshake up to it (RFC 7627 4).
 * OpenSSL does the ciphers and key derivation; records and hellos are
 * parsed here.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "tlsdec.h"

enum { L_CR, L_CHTS, L_SHTS, L_CTS, L_STS };	/* key log labels */

struct keyline {
	uint8_t		 label;
	uint8_t		 seclen;
	uint8_t		 cr[32];
	uint8_t		 sec[48];
};

struct sip_tlsdec_keys {
	struct keyline	*v;
	size_t		 n, cap;
	EVP_PKEY	*rsa[SIP_TLSDEC_MAX_RSA];	/* --tls-key's */
	size_t		 nrsa;
};

enum { K_GCM, K_CHACHA, K_CBC };

struct suite {
	uint16_t	 id;
	uint8_t		 kind;
	uint8_t		 keylen;
	uint8_t		 maclen;	/* CBC only */
	uint8_t		 sha384;	/* PRF or HKDF hash */
	uint8_t		 rsa;		/* RSA key exchange */
};

static const struct suite suites[] = {
	{ 0x1301, K_GCM, 16, 0, 0, 0 }, { 0x1302, K_GCM, 32, 0, 1, 0 },
	{ 0x1303, K_CHACHA, 32, 0, 0, 0 },
	{ 0xc02f, K_GCM, 16, 0, 0, 0 }, { 0xc030, K_GCM, 32, 0, 1, 0 },
	{ 0xc02b, K_GCM, 16, 0, 0, 0 }, { 0xc02c, K_GCM, 32, 0, 1, 0 },
	{ 0x009c, K_GCM, 16, 0, 0, 1 }, { 0x009d, K_GCM, 32, 0, 1, 1 },
	{ 0x009e, K_GCM, 16, 0, 0, 0 }, { 0x009f, K_GCM, 32, 0, 1, 0 },
	{ 0xcca8, K_CHACHA, 32, 0, 0, 0 }, { 0xcca9, K_CHACHA, 32, 0, 0, 0 },
	{ 0xccaa, K_CHACHA, 32, 0, 0, 0 },
	{ 0xc013, K_CBC, 16, 20, 0, 0 }, { 0xc014, K_CBC, 32, 20, 0, 0 },
	{ 0xc009, K_CBC, 16, 20, 0, 0 }, { 0xc00a, K_CBC, 32, 20, 0, 0 },
	{ 0x002f, K_CBC, 16, 20, 0, 1 }, { 0x0035, K_CBC, 32, 20, 0, 1 },
	{ 0x0033, K_CBC, 16, 20, 0, 0 }, { 0x0039, K_CBC, 32, 20, 0, 0 },
	{ 0x003c, K_CBC, 16, 32, 0, 1 }, { 0x003d, K_CBC, 32, 32, 0, 1 },
	{ 0x0067, K_CBC, 16, 32, 0, 0 }, { 0x006b, K_CBC, 32, 32, 0, 0 },
	{ 0xc027, K_CBC, 16, 32, 0, 0 }, { 0xc028, K_CBC, 32, 48, 1, 0 },
	{ 0xc023, K_CBC, 16, 32, 0, 0 }, { 0xc024, K_CBC, 32, 48, 1, 0 },
};

#define MAX_REC		SIP_TLSDEC_MAX
#define MAX_HS		(64u * 1024)	/* TLS 1.2 handshake kept for RSA */

struct side {
	uint8_t		*in;
	size_t		 len, cap;
	int		 hello;		/* first handshake record seen */
	int		 enc;		/* TLS 1.2: ChangeCipherSpec seen */
	int		 epoch;		/* TLS 1.3: 0 handshake, 1 application */
	int		 dead;
	uint64_t	 seq;
	int		 have[2];	/* keys of the epoch */
	uint8_t		 key[2][32];
	uint8_t		 iv[2][16];
	uint8_t		 role;		/* 0 client, 1 server */
};

struct sip_tlsdec {
	const struct sip_tlsdec_keys *keys;
	int		 refs;
	int		 client;	/* side of the ClientHello, -1 */
	int		 have_cr, have_sr, keyed;
	uint8_t		 cr[32], sr[32];
	uint16_t	 version;	/* 0x0303 or 0x0304 */
	int		 etm;		/* encrypt_then_mac negotiated */
	int		 ems;		/* extended_master_secret negotiated */
	uint8_t		*hs;		/* with RSA keys: the handshake so far */
	size_t		 hslen;
	const struct suite *cs;
	struct side	 s[2];
	const char	*why;
};

/* ---- the key log ---- */

static int
unhex(const char *p, size_t n, uint8_t *out)
{
	size_t i;
	int hi, lo;

	for (i = 0; i < n / 2; i++) {
		hi = p[2 * i];
		lo = p[2 * i + 1];
		hi = hi >= '0' && hi <= '9' ? hi - '0' : (hi | 0x20) >= 'a' &&
		    (hi | 0x20) <= 'f' ? (hi | 0x20) - 'a' + 10 : -1;
		lo = lo >= '0' && lo <= '9' ? lo - '0' : (lo | 0x20) >= 'a' &&
		    (lo | 0x20) <= 'f' ? (lo | 0x20) - 'a' + 10 : -1;
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int
label_of(const char *p, size_t n)
{
	static const char *const names[] = {
		"CLIENT_RANDOM", "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
		"SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0",
		"SERVER_TRAFFIC_SECRET_0"
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && memcmp(names[i], p, n) == 0)
			return (int)i;
	return -1;
}

/* One line: 1 taken, 0 skipped, -1 malformed. */
static int
key_line(struct sip_tlsdec_keys *k, const char *p, size_t n)
{
	const char *a, *b;
	struct keyline kl;
	size_t la, lb, lc;
	int lab;

	while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' '))
		n--;
	if (n == 0 || p[0] == '#')
		return 0;
	if ((a = memchr(p, ' ', n)) == NULL)
		return -1;
	la = (size_t)(a - p);
	a++;
	if ((b = memchr(a, ' ', n - la - 1)) == NULL)
		return -1;
	lb = (size_t)(b - a);
	b++;
	lc = n - la - lb - 2;
	/* EXPORTER_SECRET, and RSA (8 bytes of the encrypted pre-master) */
	if ((lab = label_of(p, la)) < 0)
		return 0;
	if (lb != 64 || lc == 0 || lc % 2 != 0 || unhex(a, lb, kl.cr) != 0)
		return -1;
	if (lc > 96 || unhex(b, lc, kl.sec) != 0)
		return -1;
	kl.label = (uint8_t)lab;
	kl.seclen = (uint8_t)(lc / 2);
	if (k->n == k->cap) {
		size_t nc = k->cap ? 2 * k->cap : 16;
		struct keyline *v = realloc(k->v, nc * sizeof(*v));

		if (v == NULL)
			return -2;
		k->v = v;
		k->cap = nc;
	}
	k->v[k->n++] = kl;
	return 1;
}

enum sip_err
sip_tlsdec_keys_parse(struct sip_tlsdec_keys **kp, const char *p, size_t n,
    size_t *line)
{
	struct sip_tlsdec_keys *k;
	const char *nl;
	size_t ln = 0, len;
	int r;

	*kp = NULL;
	if ((k = calloc(1, sizeof(*k))) == NULL)
		return SIP_E_NOMEM;
	while (n > 0) {
		ln++;
		nl = memchr(p, '\n', n);
		len = nl != NULL ? (size_t)(nl - p) : n;
		if ((r = key_line(k, p, len)) < 0) {
			sip_tlsdec_keys_free(k);
			if (line != NULL)
				*line = ln;
			return r == -2 ? SIP_E_NOMEM : SIP_E_PARSE;
		}
		p += len + (nl != NULL);
		n -= len + (nl != NULL);
	}
	*kp = k;
	return SIP_OK;
}

size_t
sip_tlsdec_keys_count(const struct sip_tlsdec_keys *k)
{
	return k != NULL ? k->n : 0;
}

static int
no_passphrase(char *buf, int size, int rw, void *u)
{
	(void)buf;
	(void)size;
	(void)rw;
	(void)u;
	return -1;
}

enum sip_err
sip_tlsdec_keys_rsa(struct sip_tlsdec_keys **kp, const char *pem, size_t n,
    const char **why)
{
	struct sip_tlsdec_keys *k = *kp;
	EVP_PKEY *pk;
	BIO *b;
	size_t had;

	*why = NULL;
	if (k == NULL && (k = *kp = calloc(1, sizeof(*k))) == NULL)
		return SIP_E_NOMEM;
	had = k->nrsa;
	if ((b = BIO_new_mem_buf(pem, (int)n)) == NULL)
		return SIP_E_NOMEM;
	/* Every key of the file; an encrypted one is not asked for here. */
	while ((pk = PEM_read_bio_PrivateKey(b, NULL, no_passphrase, NULL)) !=
	    NULL) {
		if (!EVP_PKEY_is_a(pk, "RSA")) {
			EVP_PKEY_free(pk);
			*why = "not an RSA private key";
			break;
		}
		if (k->nrsa == SIP_TLSDEC_MAX_RSA) {
			EVP_PKEY_free(pk);
			*why = "too many keys";
			break;
		}
		k->rsa[k->nrsa++] = pk;
	}
	BIO_free(b);
	ERR_clear_error();
	if (*why == NULL && k->nrsa == had)
		*why = "no private key in PEM form (an encrypted one must be "
		    "decrypted first)";
	return *why != NULL ? SIP_E_PARSE : SIP_OK;
}

void
sip_tlsdec_keys_free(struct sip_tlsdec_keys *k)
{
	size_t i;

	if (k == NULL)
		return;
	for (i = 0; i < k->nrsa; i++)
		EVP_PKEY_free(k->rsa[i]);
	if (k->v != NULL)
		OPENSSL_cleanse(k->v, k->n * sizeof(*k->v));
	free(k->v);
	free(k);
}

static const struct keyline *
key_find(const struct sip_tlsdec_keys *k, int label, const uint8_t *cr)
{
	size_t i;

	/* The last line wins, as a session may be logged twice. */
	for (i = k->n; i-- > 0;)
		if (k->v[i].label == label && memcmp(k->v[i].cr, cr, 32) == 0)
			return &k->v[i];
	return NULL;
}

/* ---- key derivation ---- */

static int
kdf(const char *name, const char *md, int expand_only, const uint8_t *key,
    size_t keylen, const uint8_t *info, size_t infolen, uint8_t *out,
    size_t outlen)
{
	EVP_KDF *alg;
	EVP_KDF_CTX *ctx;
	OSSL_PARAM prm[5], *q = prm;
	int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY, ok;

	if ((alg = EVP_KDF_fetch(NULL, name, NULL)) == NULL)
		return -1;
	ctx = EVP_KDF_CTX_new(alg);
	EVP_KDF_free(alg);
	if (ctx == NULL)
		return -1;
	*q++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    (char *)md, 0);
	*q++ = OSSL_PARAM_construct_octet_string(expand_only ?
	    OSSL_KDF_PARAM_KEY : OSSL_KDF_PARAM_SECRET, (void *)key, keylen);
	*q++ = OSSL_PARAM_construct_octet_string(expand_only ?
	    OSSL_KDF_PARAM_INFO : OSSL_KDF_PARAM_SEED, (void *)info, infolen);
	if (expand_only)
		*q++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
	*q = OSSL_PARAM_construct_end();
	ok = EVP_KDF_derive(ctx, out, outlen, prm) == 1;
	EVP_KDF_CTX_free(ctx);
	return ok ? 0 : -1;
}

/* HKDF-Expand-Label(secret, label, "", len) (RFC 8446 7.1). */
static int
expand_label(const char *md, const uint8_t *sec, size_t seclen,
    const char *label, uint8_t *out, size_t len)
{
	uint8_t info[64];
	size_t ll = strlen(label), n = 0;

	info[n++] = (uint8_t)(len >> 8);
	info[n++] = (uint8_t)len;
	info[n++] = (uint8_t)(6 + ll);
	memcpy(info + n, "tls13 ", 6);
	n += 6;
	memcpy(info + n, label, ll);
	n += ll;
	info[n++] = 0;		/* empty context */
	return kdf("HKDF", md, 1, sec, seclen, info, n, out, len);
}

static int
keys13(struct sip_tlsdec *d, struct side *s, int epoch, int label)
{
	const struct keyline *kl = key_find(d->keys, label, d->cr);
	const char *md = d->cs->sha384 ? "SHA384" : "SHA256";

	if (kl == NULL)
		return 0;
	if (expand_label(md, kl->sec, kl->seclen, "key", s->key[epoch],
	    d->cs->keylen) != 0 || expand_label(md, kl->sec, kl->seclen, "iv",
	    s->iv[epoch], 12) != 0)
		return 0;
	s->have[epoch] = 1;
	return 1;
}

/* The next handshake message of type t in the transcript from *off. */
static const uint8_t *
hs_find(const struct sip_tlsdec *d, int t, size_t *off, size_t *len)
{
	size_t o = *off, l;

	while (d->hslen - o >= 4) {
		l = (size_t)d->hs[o + 1] << 16 | (size_t)d->hs[o + 2] << 8 |
		    d->hs[o + 3];
		if (l > d->hslen - o - 4)
			return NULL;
		*off = o + 4 + l;
		if (d->hs[o] == t) {
			*len = l;
			return d->hs + o + 4;
		}
		o += 4 + l;
	}
	return NULL;
}

/* The --tls-key for the server's certificate (the first one without it). */
static EVP_PKEY *
rsa_key(const struct sip_tlsdec *d, const char **why)
{
	const struct sip_tlsdec_keys *k = d->keys;
	const uint8_t *c, *der;
	size_t off = 0, len, cl, i;
	EVP_PKEY *got = NULL;
	X509 *x;

	if ((c = hs_find(d, 11, &off, &len)) == NULL || len < 6)
		return k->rsa[0];
	/* certificate_list<3>, then the server's own certificate<3> first */
	cl = (size_t)c[3] << 16 | (size_t)c[4] << 8 | c[5];
	der = c + 6;
	if (cl > len - 6 || (x = d2i_X509(NULL, &der, (long)cl)) == NULL)
		return k->rsa[0];
	for (i = 0; i < k->nrsa && got == NULL; i++)
		if (EVP_PKEY_eq(X509_get0_pubkey(x), k->rsa[i]) == 1)
			got = k->rsa[i];
	X509_free(x);
	ERR_clear_error();
	if (got == NULL)
		*why = "the --tls-key is not the key of the server's "
		    "certificate";
	return got;
}

/*
 * The master secret of a TLS 1.2 session with RSA key exchange, from the
 * server's private key: 0, or -1 with *why.
 */
static int
rsa_master(struct sip_tlsdec *d, const char *md, uint8_t *ms)
{
	const uint8_t *cke;
	uint8_t pms[512], seed[22 + 64], hash[EVP_MAX_MD_SIZE];
	size_t off = 0, len, pl = sizeof(pms), sl;
	unsigned hl;
	EVP_PKEY_CTX *x;
	EVP_PKEY *pk;
	const char *why = NULL;
	int ok;

	if ((cke = hs_find(d, 16, &off, &len)) == NULL || len < 2 ||
	    ((size_t)cke[0] << 8 | cke[1]) != len - 2) {
		d->why = "the ClientKeyExchange is not in the capture";
		return -1;
	}
	if ((pk = rsa_key(d, &why)) == NULL) {
		d->why = why;
		return -1;
	}
	if ((x = EVP_PKEY_CTX_new(pk, NULL)) == NULL)
		return -1;
	ok = EVP_PKEY_decrypt_init(x) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(x, RSA_PKCS1_PADDING) == 1 &&
	    EVP_PKEY_decrypt(x, pms, &pl, cke + 2, len - 2) == 1 && pl == 48;
	EVP_PKEY_CTX_free(x);
	ERR_clear_error();
	if (!ok) {
		OPENSSL_cleanse(pms, sizeof(pms));
		d->why = "the --tls-key does not decrypt the pre-master secret";
		return -1;
	}
	if (d->ems) {
		/* RFC 7627 3: the handshake up to the ClientKeyExchange */
		memcpy(seed, "extended master secret", 22);
		if (EVP_Digest(d->hs, off, hash, &hl, EVP_get_digestbyname(md),
		    NULL) != 1)
			hl = 0;
		memcpy(seed + 22, hash, hl);
		sl = 22 + hl;
	} else {
		memcpy(seed, "master secret", 13);
		memcpy(seed + 13, d->cr, 32);
		memcpy(seed + 45, d->sr, 32);
		sl = 13 + 64;
	}
	ok = kdf("TLS1-PRF", md, 0, pms, 48, seed, sl, ms, 48) == 0;
	OPENSSL_cleanse(pms, sizeof(pms));
	if (!ok)
		d->why = "key derivation failed";
	return ok ? 0 : -1;
}

/* Both sides' keys, once both hellos are in: 0 or the reason not. */
static const char *
derive(struct sip_tlsdec *d)
{
	struct side *c, *sv;
	const struct keyline *kl;
	const uint8_t *ms;
	uint8_t seed[13 + 64], kb[2 * 48 + 2 * 32 + 2 * 16], rms[48];
	size_t ml, kl_, il;
	const char *md;

	if (!d->have_cr || !d->have_sr || d->client < 0)
		return "handshake not in the capture";
	c = &d->s[d->client];
	sv = &d->s[!d->client];
	/* TLS 1.3 suites only with 1.3, and all others only below it. */
	if (d->cs == NULL || (d->version == 0x0304) != (d->cs->id >> 8 == 0x13))
		return "cipher suite not supported";
	if (d->version == 0x0304) {
		keys13(d, c, 0, L_CHTS);
		keys13(d, sv, 0, L_SHTS);
		if (!keys13(d, c, 1, L_CTS) || !keys13(d, sv, 1, L_STS))
			return "no key for this session in the key log";
		return NULL;
	}
	md = d->cs->sha384 ? "SHA384" : "SHA256";
	if ((kl = key_find(d->keys, L_CR, d->cr)) != NULL && kl->seclen == 48)
		ms = kl->sec;
	else if (d->keys->nrsa > 0 && d->cs->rsa) {
		if (rsa_master(d, md, rms) != 0)
			return d->why != NULL ? d->why : "key derivation failed";
		ms = rms;
	} else if (d->keys->nrsa > 0)
		return "no key for this session in the key log, and --tls-key "
		    "serves only RSA key exchange";
	else
		return "no key for this session in the key log";
	ml = d->cs->kind == K_CBC ? d->cs->maclen : 0;
	kl_ = d->cs->keylen;
	il = d->cs->kind == K_GCM ? 4 : d->cs->kind == K_CHACHA ? 12 : 16;
	memcpy(seed, "key expansion", 13);
	memcpy(seed + 13, d->sr, 32);
	memcpy(seed + 45, d->cr, 32);
	if (kdf("TLS1-PRF", md, 0, ms, 48, seed, sizeof(seed), kb,
	    2 * (ml + kl_ + il)) != 0)
		return "key derivation failed";
	OPENSSL_cleanse(rms, sizeof(rms));
	memcpy(c->key[0], kb + 2 * ml, kl_);
	memcpy(sv->key[0], kb + 2 * ml + kl_, kl_);
	memcpy(c->iv[0], kb + 2 * (ml + kl_), il);
	memcpy(sv->iv[0], kb + 2 * (ml + kl_) + il, il);
	c->have[0] = sv->have[0] = 1;
	return NULL;
}

/* ---- the hellos ---- */

static void
server_exts(struct sip_tlsdec *d, const uint8_t *p, size_t n)
{
	size_t t, l;

	while (n >= 4) {
		t = (size_t)p[0] << 8 | p[1];
		l = (size_t)p[2] << 8 | p[3];
		if (l > n - 4)
			return;
		if (t == 43 && l == 2)		/* supported_versions */
			d->version = (uint16_t)(p[4] << 8 | p[5]);
		else if (t == 22)		/* encrypt_then_mac */
			d->etm = 1;
		else if (t == 23)		/* extended_master_secret */
			d->ems = 1;
		p += 4 + l;
		n -= 4 + l;
	}
}

/* The first handshake record of a side: a ClientHello or ServerHello. */
static void
hello(struct sip_tlsdec *d, int side, const uint8_t *p, size_t n)
{
	size_t i, sl, el;
	uint16_t id;

	if (n < 4 + 2 + 32 + 1 || (p[0] != 1 && p[0] != 2))
		return;
	if (p[0] == 1) {
		d->client = side;
		d->s[side].role = 0;
		d->s[!side].role = 1;
		memcpy(d->cr, p + 6, 32);
		d->have_cr = 1;
		return;
	}
	memcpy(d->sr, p + 6, 32);
	d->have_sr = 1;
	d->version = (uint16_t)(p[4] << 8 | p[5]);
	sl = p[38];
	if (n < 39 + sl + 3)
		return;
	id = (uint16_t)(p[39 + sl] << 8 | p[40 + sl]);
	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		if (suites[i].id == id)
			d->cs = &suites[i];
	if (n >= 39 + sl + 5) {
		el = (size_t)p[42 + sl] << 8 | p[43 + sl];
		if (el <= n - (44 + sl))
			server_exts(d, p + 44 + sl, el);
	}
}

/* ---- records ---- */

static const EVP_CIPHER *
cipher(const struct suite *cs)
{
	if (cs->kind == K_CHACHA)
		return EVP_chacha20_poly1305();
	if (cs->kind == K_GCM)
		return cs->keylen == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();
	return cs->keylen == 16 ? EVP_aes_128_cbc() : EVP_aes_256_cbc();
}

/* AEAD open of c[0..n) (tag after it) into out: plaintext length or -1. */
static long
aead(const struct suite *cs, const uint8_t *key, const uint8_t *nonce,
    const uint8_t *aad, size_t aadlen, const uint8_t *c, size_t n,
    uint8_t *out)
{
	EVP_CIPHER_CTX *x;
	int l1 = 0, l2 = 0, ok;

	if (n < 16 || cs->kind == K_CBC || (x = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	n -= 16;
	ok = EVP_DecryptInit_ex(x, cipher(cs), NULL, NULL, NULL) == 1 &&
	    EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) == 1 &&
	    EVP_DecryptInit_ex(x, NULL, NULL, key, nonce) == 1 &&
	    EVP_DecryptUpdate(x, NULL, &l1, aad, (int)aadlen) == 1 &&
	    EVP_DecryptUpdate(x, out, &l1, c, (int)n) == 1 &&
	    EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_TAG, 16,
	    (void *)(c + n)) == 1 &&
	    EVP_DecryptFinal_ex(x, out + l1, &l2) == 1;
	EVP_CIPHER_CTX_free(x);
	return ok ? (long)(l1 + l2) : -1;
}

static void
seq_nonce(uint8_t *nonce, const uint8_t *iv, uint64_t seq)
{
	int i;

	memcpy(nonce, iv, 12);
	for (i = 0; i < 8; i++)
		nonce[11 - i] ^= (uint8_t)(seq >> (8 * i));
}

/* TLS 1.2 additional data / MAC header: seq, type, version, length. */
static void
aad12(uint8_t *a, uint64_t seq, const uint8_t *hdr, size_t len)
{
	int i;

	for (i = 0; i < 8; i++)
		a[i] = (uint8_t)(seq >> (56 - 8 * i));
	a[8] = hdr[0];
	a[9] = hdr[1];
	a[10] = hdr[2];
	a[11] = (uint8_t)(len >> 8);
	a[12] = (uint8_t)len;
}

/* CBC: strip the explicit IV, padding and MAC; -1 when it does not fit. */
static long
cbc(struct sip_tlsdec *d, struct side *s, const uint8_t *b, size_t n,
    uint8_t *out)
{
	size_t ml = d->cs->maclen, pad, i;
	EVP_CIPHER_CTX *x;
	int l1 = 0, ok;

	if (d->etm) {
		if (n < ml)
			return -1;
		n -= ml;	/* the MAC covers the ciphertext (RFC 7366) */
	}
	if (n < 32 || (n - 16) % 16 != 0 || (x = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	ok = EVP_DecryptInit_ex(x, cipher(d->cs), NULL, s->key[0], b) == 1 &&
	    EVP_CIPHER_CTX_set_padding(x, 0) == 1 &&
	    EVP_DecryptUpdate(x, out, &l1, b + 16, (int)(n - 16)) == 1;
	EVP_CIPHER_CTX_free(x);
	if (!ok || l1 < 1)
		return -1;
	pad = out[l1 - 1];
	if (pad + 1 > (size_t)l1)
		return -1;
	for (i = 0; i <= pad; i++)
		if (out[l1 - 1 - i] != pad)
			return -1;	/* a wrong key shows here */
	n = (size_t)l1 - pad - 1;
	if (!d->etm) {
		if (n < ml)
			return -1;
		n -= ml;
	}
	return (long)n;
}

/* Open one TLS 1.2 record body: plaintext length or -1. */
static long
open12(struct sip_tlsdec *d, struct side *s, const uint8_t *hdr,
    const uint8_t *b, size_t n, uint8_t *out)
{
	uint8_t nonce[12], a[13];

	if (d->cs->kind == K_CBC)
		return cbc(d, s, b, n, out);
	if (d->cs->kind == K_GCM) {
		if (n < 8 + 16)
			return -1;
		memcpy(nonce, s->iv[0], 4);
		memcpy(nonce + 4, b, 8);
		b += 8;
		n -= 8;
	} else {
		if (n < 16)
			return -1;
		seq_nonce(nonce, s->iv[0], s->seq);
	}
	aad12(a, s->seq, hdr, n - 16);
	return aead(d->cs, s->key[0], nonce, a, 13, b, n, out);
}

/* Open one TLS 1.3 record: plaintext length (type stripped to *type). */
static long
open13(struct sip_tlsdec *d, struct side *s, const uint8_t *hdr,
    const uint8_t *b, size_t n, uint8_t *out, int *type)
{
	uint8_t nonce[12];
	long l = -1;
	int e;

	/* The handshake keys until a record opens only with the next ones. */
	for (e = s->epoch; e < 2 && l < 0; e++) {
		if (!s->have[e])
			continue;
		seq_nonce(nonce, s->iv[e], e == s->epoch ? s->seq : 0);
		if ((l = aead(d->cs, s->key[e], nonce, hdr, 5, b, n,
		    out)) >= 0 && e != s->epoch) {
			s->epoch = e;
			s->seq = 0;
		}
	}
	if (l < 0)
		return -1;
	while (l > 0 && out[l - 1] == 0)
		l--;
	if (l == 0)
		return -1;
	*type = out[--l];
	return l;
}

/* ---- the state machine ---- */

/* A handshake record in the clear, kept for an RSA key exchange. */
static void
hs_add(struct sip_tlsdec *d, const uint8_t *p, size_t n)
{
	uint8_t *v;

	if (d->hslen + n > MAX_HS || d->keyed)
		return;
	if ((v = realloc(d->hs, d->hslen + n)) == NULL)
		return;
	memcpy(v + d->hslen, p, n);
	d->hs = v;
	d->hslen += n;
}

struct sip_tlsdec *
sip_tlsdec_new(const struct sip_tlsdec_keys *k)
{
	struct sip_tlsdec *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->keys = k;
	d->refs = 1;
	d->client = -1;
	return d;
}

void
sip_tlsdec_hold(struct sip_tlsdec *d)
{
	d->refs++;
}

void
sip_tlsdec_free(struct sip_tlsdec *d)
{
	if (d == NULL || --d->refs > 0)
		return;
	free(d->s[0].in);
	free(d->s[1].in);
	free(d->hs);
	OPENSSL_cleanse(d->s, sizeof(d->s));
	free(d);
}

const char *
sip_tlsdec_why(const struct sip_tlsdec *d)
{
	return d->why;
}

enum sip_err
sip_tlsdec_feed(struct sip_tlsdec *d, int side, const uint8_t *p, size_t n)
{
	struct side *s = &d->s[side != 0];

	if (s->dead || n == 0)
		return SIP_OK;
	if (s->len + n > s->cap) {
		size_t nc = s->len + n < 4096 ? 4096 : 2 * (s->len + n);
		uint8_t *v;

		if (s->len + n > 5 + MAX_REC + 65536)
			return SIP_E_TOOBIG;
		if ((v = realloc(s->in, nc)) == NULL)
			return SIP_E_NOMEM;
		s->in = v;
		s->cap = nc;
	}
	memcpy(s->in + s->len, p, n);
	s->len += n;
	return SIP_OK;
}

static enum sip_err
fail(struct sip_tlsdec *d, struct side *s, const char *why)
{
	d->why = why;
	s->dead = 1;
	s->len = 0;
	return SIP_E_PARSE;
}

enum sip_err
sip_tlsdec_next(struct sip_tlsdec *d, int side, uint8_t *out,
    size_t *outlen)
{
	struct side *s = &d->s[side != 0];
	const uint8_t *h;
	const char *why;
	size_t rl, used = 0;
	enum sip_err e = SIP_E_PARTIAL;
	long l;
	int type;

	while (!s->dead && s->len - used >= 5) {
		h = s->in + used;
		rl = (size_t)h[3] << 8 | h[4];
		if (h[0] < 20 || h[0] > 23 || h[1] != 3 || rl > MAX_REC) {
			e = fail(d, s, "not a TLS record");
			break;
		}
		if (s->len - used < 5 + rl)
			break;
		used += 5 + rl;
		if (d->version == 0x0304 ? h[0] != 23 : !s->enc) {
			/* In the clear: the hellos, ChangeCipherSpec. */
			if (h[0] == 22 && d->keys->nrsa > 0)
				hs_add(d, h + 5, rl);
			if (h[0] == 22 && !s->hello) {
				s->hello = 1;
				hello(d, side != 0, h + 5, rl);
			} else if (h[0] == 20 && d->version != 0x0304) {
				s->enc = 1;
				s->seq = 0;
			}
			continue;
		}
		if (!d->keyed) {
			d->keyed = 1;
			if ((why = derive(d)) != NULL) {
				d->s[0].dead = d->s[1].dead = 1;
				e = fail(d, s, why);
				break;
			}
		}
		if (d->version == 0x0304)
			l = open13(d, s, h, h + 5, rl, out, &type);
		else {
			l = open12(d, s, h, h + 5, rl, out);
			type = h[0];
		}
		if (l < 0) {
			e = fail(d, s, "decryption failed: the key does not fit");
			break;
		}
		s->seq++;
		if (type == 23 && l > 0) {
			*outlen = (size_t)l;
			e = SIP_OK;
			break;
		}
	}
	if (used > 0 && !s->dead) {
		memmove(s->in, s->in + used, s->len - used);
		s->len -= used;
	}
	if (s->len == 0) {
		/* Records mostly end with a segment: hold no memory idle. */
		free(s->in);
		s->in = NULL;
		s->cap = 0;
	}
	return e;
}
