/*
 * digest.c - Digest authentication computations (RFC 2617 3.2.2, RFC 7616
 * 3.4, RFC 8760): MD5 our own (md5.h), the SHA-2 hashes OpenSSL's EVP.
 */
#include <ctype.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "digest.h"
#include "md5.h"
#include "param.h"
#include "rand.h"

#define NPARTS	8

static const char hexd[] = "0123456789abcdef";

/*
 * The hash of alg, fetched from the provider once and kept for the
 * process's life: with EVP_md5() and the like, EVP_DigestInit_ex() and
 * HMAC() fetch it again on every call, most of what a digest cost.
 * Without a provider's (a FIPS one has no MD5), the legacy one as before.
 */
static const EVP_MD *
md_of(enum sip_digest_alg alg)
{
	static const char *const name[] = { "MD5", "SHA2-256",
	    "SHA2-512/256" };
	static EVP_MD *fetched[3];
	static int tried[3];

	if ((unsigned)alg < 3 && !tried[alg]) {
		tried[alg] = 1;
		fetched[alg] = EVP_MD_fetch(NULL, name[alg], NULL);
	}
	if ((unsigned)alg < 3 && fetched[alg] != NULL)
		return fetched[alg];
	switch (alg) {
	case SIP_DIGEST_MD5:
		return EVP_md5();
	case SIP_DIGEST_SHA256:
		return EVP_sha256();
	case SIP_DIGEST_SHA512_256:
		return EVP_sha512_256();
	}
	return NULL;
}

static void
to_hex(const unsigned char *p, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hexd[p[i] >> 4];
		out[2 * i + 1] = hexd[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/*
 * H(part0 ":" part1 ":" ...) in lower-case hex.  With secret (a
 * password among them) the parts are fed to the hash one by one, so a
 * password is never joined into a buffer; else joined first when short,
 * one update instead of one a part and colon.
 */
/* The parts joined with ':' into an MD5 of our own (md5.h says why). */
static void
md5_parts(const char *joined, size_t jn, const struct slice *parts, int n,
    unsigned char md[SIP_MD5_SIZE])
{
	struct sip_md5 c;

	sip_md5_init(&c);
	if (joined != NULL)
		sip_md5_update(&c, joined, jn);
	else
		for (int i = 0; i < n; i++) {
			if (i > 0)
				sip_md5_update(&c, ":", 1);
			sip_md5_update(&c, parts[i].p, parts[i].len);
		}
	sip_md5_final(&c, md);
}

/*
 * H(part0 ":" part1 ":" ...) in lower-case hex.  With secret (a
 * password among them) the parts are fed to the hash one by one, so a
 * password is never joined into a buffer; else joined first when short,
 * one update instead of one a part and colon.  MD5 is ours, the others
 * OpenSSL's.
 */
static enum sip_err
hash_hex_s(enum sip_digest_alg alg, const struct slice *parts, int n,
    int secret, char out[SIP_DIGEST_HEX_SIZE])
{
	EVP_MD_CTX *ctx;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	const EVP_MD *type;
	char joined[512];
	size_t jn = 0;
	int i, good;

	for (i = 0; !secret && i < n && jn != sizeof joined; i++) {
		if (parts[i].len + 1 > sizeof joined - jn)
			jn = sizeof joined;	/* too long: part by part */
		else {
			if (i > 0)
				joined[jn++] = ':';
			if (parts[i].len > 0)
				memcpy(joined + jn, parts[i].p, parts[i].len);
			jn += parts[i].len;
		}
	}
	if (alg == SIP_DIGEST_MD5) {
		md5_parts(!secret && jn < sizeof joined ? joined : NULL, jn,
		    parts, n, md);
		mdlen = SIP_MD5_SIZE;
		good = 1;
	} else {
		if ((type = md_of(alg)) == NULL)
			return SIP_E_UNSUPP;
		if ((ctx = EVP_MD_CTX_new()) == NULL)
			return SIP_E_NOMEM;
		good = EVP_DigestInit_ex(ctx, type, NULL) == 1;
		if (!secret && jn < sizeof joined)
			good = good && EVP_DigestUpdate(ctx, joined, jn) == 1;
		else
			for (i = 0; good && i < n; i++) {
				if (i > 0)
					good = EVP_DigestUpdate(ctx, ":", 1) ==
					    1;
				if (good && parts[i].len > 0)
					good = EVP_DigestUpdate(ctx,
					    parts[i].p, parts[i].len) == 1;
			}
		if (good)
			good = EVP_DigestFinal_ex(ctx, md, &mdlen) == 1;
		EVP_MD_CTX_free(ctx);
	}
	explicit_bzero(joined, jn < sizeof joined ? jn : sizeof joined);
	if (!good || 2 * (size_t)mdlen >= SIP_DIGEST_HEX_SIZE) {
		explicit_bzero(md, sizeof(md));
		return SIP_E_TLS;
	}
	to_hex(md, mdlen, out);
	explicit_bzero(md, sizeof(md));
	return SIP_OK;
}

static enum sip_err
hash_hex(enum sip_digest_alg alg, const struct slice *parts, int n,
    char out[SIP_DIGEST_HEX_SIZE])
{
	return hash_hex_s(alg, parts, n, 0, out);
}

enum sip_err
sip_digest_alg_parse(struct slice name, enum sip_digest_alg *alg, int *sess)
{
	static const struct {
		const char		*name;
		enum sip_digest_alg	 alg;
	} t[] = {
		{ "MD5", SIP_DIGEST_MD5 },
		{ "SHA-256", SIP_DIGEST_SHA256 },
		{ "SHA-512-256", SIP_DIGEST_SHA512_256 },
	};
	size_t i;

	*sess = 0;
	name = slice_trim(name);
	if (name.len == 0) {
		*alg = SIP_DIGEST_MD5;	/* RFC 7616 3.3: the default */
		return SIP_OK;
	}
	if (name.len > 5 && slice_ieq_lit(slice_from(name, name.len - 5),
	    "-sess")) {
		*sess = 1;
		name.len -= 5;
	}
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (slice_ieq_cstr(name, t[i].name)) {
			*alg = t[i].alg;
			return SIP_OK;
		}
	return SIP_E_UNSUPP;
}

const char *
sip_digest_alg_name(enum sip_digest_alg alg, int sess)
{
	switch (alg) {
	case SIP_DIGEST_MD5:
		return sess ? "MD5-sess" : "MD5";
	case SIP_DIGEST_SHA256:
		return sess ? "SHA-256-sess" : "SHA-256";
	case SIP_DIGEST_SHA512_256:
		return sess ? "SHA-512-256-sess" : "SHA-512-256";
	}
	return "?";
}

/*
 * The value v of a parameter with its quoted-pairs resolved, into b; one
 * without any is v itself, not copied.
 */
static enum sip_err
unq(struct slice v, struct buf *b, struct slice *out)
{
	enum sip_err e;

	if (v.len > 0 && memchr(v.p, '\\', v.len) == NULL) {
		*out = v;
		return SIP_OK;
	}
	buf_reset(b);
	if ((e = sip_param_unquote(v, b)) != SIP_OK)
		return e;
	*out = slice_make(b->p != NULL ? b->p : "", b->len);
	return SIP_OK;
}

/*
 * Append ", name=\"value\"" (without the comma for the first parameter)
 * with '"' and '\' escaped (RFC 3261 25.1 quoted-pair).
 */
static enum sip_err
add_q(struct buf *out, int first, const char *name, struct slice v)
{
	enum sip_err e;
	size_t i, run;

	if ((!first && (e = buf_add(out, ", ", 2)) != SIP_OK) ||
	    (e = buf_adds(out, name)) != SIP_OK ||
	    (e = buf_add(out, "=\"", 2)) != SIP_OK)
		return e;
	/* runs without '"' or '\\' copied whole; usually the value is one */
	if (v.len > 0 && memchr(v.p, '"', v.len) == NULL &&
	    memchr(v.p, '\\', v.len) == NULL)
		i = v.len;
	else
		i = 0;
	if (i > 0 && (e = buf_add(out, v.p, v.len)) != SIP_OK)
		return e;
	for (; i < v.len; i += run) {
		for (run = 0; i + run < v.len && v.p[i + run] != '"' &&
		    v.p[i + run] != '\\'; run++)
			;
		if (run > 0 && (e = buf_add(out, v.p + i, run)) != SIP_OK)
			return e;
		if (i + run < v.len) {
			if ((e = buf_addc(out, '\\')) != SIP_OK ||
			    (e = buf_addc(out, v.p[i + run])) != SIP_OK)
				return e;
			run++;
		}
	}
	return buf_addc(out, '"');
}

/* Whether the comma list qop (as in a challenge) offers token tok. */
static int
qop_offers(struct slice qop, const char *tok)
{
	struct slice rest = qop, item;

	while (slice_split(&rest, ',', &item))
		if (slice_eq_cstr(slice_trim(item), tok))
			return 1;
	return 0;
}

/*
 * a NUL b NUL c into key (of n) for a memo: its length, 0 when it does
 * not fit.
 */
static size_t
memo_key(char *key, size_t n, struct slice a, struct slice b, const char *c)
{
	size_t cl = strlen(c), k = a.len + 1 + b.len + 1 + cl;

	if (k > n)
		return 0;
	if (a.len > 0)
		memcpy(key, a.p, a.len);
	key[a.len] = '\0';
	if (b.len > 0)
		memcpy(key + a.len + 1, b.p, b.len);
	key[a.len + 1 + b.len] = '\0';
	memcpy(key + a.len + b.len + 2, c, cl);
	return k;
}

/* H(parts) from memo's entry (key, klen) when its key is kn of kb, or
 * hashed and kept there. */
static enum sip_err
memo_hash(enum sip_digest_alg alg, const struct slice *parts, int n,
    int secret, char *key, size_t *klen, char *val, const char *kb,
    size_t kn, char out[SIP_DIGEST_HEX_SIZE])
{
	enum sip_err e;

	if (kn > 0 && kn == *klen && memcmp(key, kb, kn) == 0) {
		memcpy(out, val, SIP_DIGEST_HEX_SIZE);
		return SIP_OK;
	}
	if ((e = hash_hex_s(alg, parts, n, secret, out)) != SIP_OK || kn == 0)
		return e;
	memcpy(key, kb, kn);
	*klen = kn;
	memcpy(val, out, SIP_DIGEST_HEX_SIZE);
	return SIP_OK;
}

/*
 * The response of RFC 7616 3.4.1: HA1 from the password (or -sess),
 * HA2 from method, uri and for auth-int the body hash, then the
 * request-digest.  qop empty means the RFC 2069 form.
 */
static enum sip_err
response_hex(enum sip_digest_alg alg, int sess, struct slice user,
    struct slice realm, const char *password, const char *ha1_given,
    struct slice nonce,
    struct slice cnonce, struct slice nc, struct slice qop,
    struct slice method, struct slice uri, const void *body, size_t blen,
    struct sip_digest_memo *memo, char out[SIP_DIGEST_HEX_SIZE])
{
	char ha1[SIP_DIGEST_HEX_SIZE], ha2[SIP_DIGEST_HEX_SIZE];
	char hbody[SIP_DIGEST_HEX_SIZE];
	char kb[sizeof memo->ha2_key];
	const char *an = sip_digest_alg_name(alg, 0);
	struct slice p[NPARTS];
	enum sip_err e;
	size_t kn;
	int n;

	if (ha1_given != NULL) {
		size_t hl = alg == SIP_DIGEST_MD5 ? 32 : 64;

		if (strlen(ha1_given) != hl ||
		    strspn(ha1_given, "0123456789abcdefABCDEF") != hl) {
			e = SIP_E_UNSUPP;
			goto out;
		}
		/* the hex is compared as the server writes it: lower case */
		for (size_t i = 0; i <= hl; i++)
			ha1[i] = (char)tolower((unsigned char)ha1_given[i]);
	} else {
		p[0] = user;
		p[1] = realm;
		p[2] = slice_cstr(password);
		if (memo == NULL)
			e = hash_hex_s(alg, p, 3, 1, ha1);
		else {
			kn = memo_key(kb, sizeof memo->ha1_key, user, realm, an);
			e = memo_hash(alg, p, 3, 1, memo->ha1_key,
			    &memo->ha1_klen, memo->ha1, kb, kn, ha1);
		}
		if (e != SIP_OK)
			goto out;
	}
	if (sess) {
		p[0] = slice_cstr(ha1);
		p[1] = nonce;
		p[2] = cnonce;
		if ((e = hash_hex(alg, p, 3, ha1)) != SIP_OK)
			goto out;
	}
	p[0] = method;
	p[1] = uri;
	n = 2;
	if (slice_eq_lit(qop, "auth-int")) {
		p[2] = slice_make(body != NULL ? body : "", blen);
		if ((e = hash_hex(alg, &p[2], 1, hbody)) != SIP_OK)
			goto out;
		p[2] = slice_cstr(hbody);
		n = 3;
	}
	if (memo == NULL || n == 3)
		e = hash_hex(alg, p, n, ha2);
	else {
		kn = memo_key(kb, sizeof memo->ha2_key, method, uri, an);
		e = memo_hash(alg, p, n, 0, memo->ha2_key, &memo->ha2_klen,
		    memo->ha2, kb, kn, ha2);
	}
	if (e != SIP_OK)
		goto out;
	p[0] = slice_cstr(ha1);
	p[1] = nonce;
	if (qop.len > 0) {
		p[2] = nc;
		p[3] = cnonce;
		p[4] = qop;
		p[5] = slice_cstr(ha2);
		n = 6;
	} else {
		p[2] = slice_cstr(ha2);
		n = 3;
	}
	e = hash_hex(alg, p, n, out);
out:
	explicit_bzero(ha1, sizeof(ha1));
	explicit_bzero(ha2, sizeof(ha2));
	return e;
}

enum sip_err
sip_digest_userhash(char out[SIP_DIGEST_HEX_SIZE], enum sip_digest_alg alg,
    const char *username, const char *realm)
{
	struct slice p[2];

	p[0] = slice_cstr(username);
	p[1] = slice_cstr(realm);
	return hash_hex(alg, p, 2, out);
}

enum sip_err
sip_digest_authorization(struct buf *out, const struct sip_auth *chal,
    const struct sip_digest_cred *c)
{
	struct buf realm_b, nonce_b, opaque_b, qop_b;
	struct slice realm, nonce, opaque, qopl, qop = SLICE_NULL, user;
	char resp[SIP_DIGEST_HEX_SIZE], uh[SIP_DIGEST_HEX_SIZE];
	char cn[256], ncs[9];
	unsigned char rnd[16];
	enum sip_digest_alg alg;
	int sess, userhash;
	uint32_t nc;
	enum sip_err e;

	if (!slice_ieq_lit(chal->scheme, "Digest"))
		return SIP_E_UNSUPP;
	if (c->username == NULL || (c->password == NULL && c->ha1 == NULL) ||
	    c->method == NULL ||
	    c->uri == NULL || chal->nonce.p == NULL || chal->realm.p == NULL)
		return SIP_E_INVAL;
	if ((e = sip_digest_alg_parse(chal->algorithm, &alg, &sess)) != SIP_OK)
		return e;
	buf_init(&realm_b, 4096);
	buf_init(&nonce_b, 4096);
	buf_init(&opaque_b, 4096);
	buf_init(&qop_b, 4096);
	if ((e = unq(chal->realm, &realm_b, &realm)) != SIP_OK ||
	    (e = unq(chal->nonce, &nonce_b, &nonce)) != SIP_OK ||
	    (e = unq(chal->opaque, &opaque_b, &opaque)) != SIP_OK ||
	    (e = unq(chal->qop, &qop_b, &qopl)) != SIP_OK)
		goto out;
	if (qopl.len > 0) {
		int a = qop_offers(qopl, "auth"),
		    ai = qop_offers(qopl, "auth-int");

		if (ai && (c->auth_int || !a))
			qop = SLICE_LIT("auth-int");
		else if (a)
			qop = SLICE_LIT("auth");
		else {
			e = SIP_E_UNSUPP;
			goto out;
		}
	}
	if (c->cnonce != NULL) {
		if (slice_copy(slice_cstr(c->cnonce), cn, sizeof(cn)) != 0) {
			e = SIP_E_TOOBIG;
			goto out;
		}
	} else {
		if ((e = sip_rand_bytes(rnd, sizeof(rnd))) != SIP_OK)
			goto out;
		to_hex(rnd, sizeof(rnd), cn);
	}
	nc = c->nc == 0 ? 1u : (uint32_t)c->nc;
	for (int i = 7; i >= 0; i--, nc >>= 4)
		ncs[i] = hexd[nc & 15];	/* %08x */
	ncs[8] = '\0';
	if ((e = response_hex(alg, sess, slice_cstr(c->username), realm,
	    c->password, c->ha1, nonce, slice_cstr(cn), slice_cstr(ncs), qop,
	    slice_cstr(c->method), slice_cstr(c->uri), c->body, c->body_len,
	    c->memo, resp)) != SIP_OK)
		goto out;
	/* RFC 7616 3.4.4: the username hashed when the server asks. */
	userhash = slice_ieq_lit(slice_trim(chal->userhash), "true");
	user = slice_cstr(c->username);
	if (userhash) {
		struct slice p[2] = { user, realm };

		if ((e = hash_hex(alg, p, 2, uh)) != SIP_OK)
			goto out;
		user = slice_cstr(uh);
	}
#define T(x)	if ((e = (x)) != SIP_OK) goto out
	T(buf_adds(out, "Digest "));
	T(add_q(out, 1, "username", user));
	T(add_q(out, 0, "realm", realm));
	T(add_q(out, 0, "nonce", nonce));
	T(add_q(out, 0, "uri", slice_cstr(c->uri)));
	T(buf_add(out, ", response=\"", 12));
	T(buf_adds(out, resp));
	T(buf_add(out, "\", algorithm=", 13));
	T(buf_adds(out, sip_digest_alg_name(alg, sess)));
	if (qop.len > 0 || sess)
		T(add_q(out, 0, "cnonce", slice_cstr(cn)));
	if (chal->opaque.p != NULL)
		T(add_q(out, 0, "opaque", opaque));
	if (qop.len > 0) {
		T(buf_add(out, ", qop=", 6));
		T(buf_addslice(out, qop));
		T(buf_add(out, ", nc=", 5));
		T(buf_add(out, ncs, 8));
	}
	if (userhash)
		T(buf_adds(out, ", userhash=true"));
#undef T
out:
	explicit_bzero(resp, sizeof(resp));
	buf_free(&realm_b);
	buf_free(&nonce_b);
	buf_free(&opaque_b);
	buf_free(&qop_b);
	return e;
}

int
sip_digest_stale(const struct sip_auth *chal)
{
	return slice_ieq_lit(slice_trim(chal->stale), "true");
}

/*
 * The MAC of a nonce's time ts under key.  Every nonce issued or checked
 * within one second has the same, so the last one is kept (with its key:
 * a server has one): a registrar under load made two HMACs a REGISTER.
 */
static enum sip_err
nonce_mac(char out[SIP_DIGEST_HEX_SIZE], const void *key, size_t keylen,
    const char *ts)
{
	static struct {
		unsigned char	 key[64];
		size_t		 keylen;	/* 0: nothing kept */
		char		 ts[17];
		char		 mac[SIP_DIGEST_HEX_SIZE];
	} last;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (last.keylen != 0 && last.keylen == keylen &&
	    strcmp(last.ts, ts) == 0 &&
	    CRYPTO_memcmp(last.key, key, keylen) == 0) {
		memcpy(out, last.mac, SIP_DIGEST_HEX_SIZE);
		return SIP_OK;
	}
	if (HMAC(md_of(SIP_DIGEST_SHA256), key, (int)keylen, (const unsigned char *)ts,
	    strlen(ts), md, &mdlen) == NULL || mdlen != 32)
		return SIP_E_TLS;
	to_hex(md, mdlen, out);
	if (keylen > 0 && keylen <= sizeof last.key && strlen(ts) < 17) {
		memcpy(last.key, key, keylen);
		last.keylen = keylen;
		memcpy(last.ts, ts, strlen(ts) + 1);
		memcpy(last.mac, out, SIP_DIGEST_HEX_SIZE);
	}
	return SIP_OK;
}

enum sip_err
sip_digest_nonce(char out[SIP_DIGEST_NONCE_SIZE], const void *key,
    size_t keylen, uint64_t now_s)
{
	char ts[17], mac[SIP_DIGEST_HEX_SIZE];
	enum sip_err e;

	snprintf(ts, sizeof(ts), "%016llx", (unsigned long long)now_s);
	if ((e = nonce_mac(mac, key, keylen, ts)) != SIP_OK)
		return e;
	memcpy(out, ts, 16);
	memcpy(out + 16, mac, 65);
	return SIP_OK;
}

enum sip_err
sip_digest_nonce_check(struct slice n, const void *key, size_t keylen,
    uint64_t now_s, uint32_t max_age)
{
	char ts[17], mac[SIP_DIGEST_HEX_SIZE];
	uint64_t t = 0;
	size_t i;
	enum sip_err e;

	if (n.len != SIP_DIGEST_NONCE_SIZE - 1)
		return SIP_E_AUTH;
	for (i = 0; i < 16; i++) {
		const char *d = strchr(hexd, n.p[i]);

		if (n.p[i] == '\0' || d == NULL)
			return SIP_E_AUTH;
		t = t << 4 | (uint64_t)(d - hexd);
		ts[i] = n.p[i];
	}
	ts[16] = '\0';
	if ((e = nonce_mac(mac, key, keylen, ts)) != SIP_OK)
		return e;
	if (CRYPTO_memcmp(mac, n.p + 16, 64) != 0)
		return SIP_E_AUTH;
	if (t > now_s || now_s - t > max_age)
		return SIP_E_TIMEOUT;
	return SIP_OK;
}

enum sip_err
sip_digest_challenge(struct buf *out, const char *realm, const char *nonce,
    const char *opaque, enum sip_digest_alg alg, int sess, int stale)
{
	enum sip_err e;

	if ((e = buf_adds(out, "Digest ")) != SIP_OK ||
	    (e = add_q(out, 1, "realm", slice_cstr(realm))) != SIP_OK)
		return e;
	if ((e = buf_adds(out, ", qop=\"auth,auth-int\"")) != SIP_OK ||
	    (e = add_q(out, 0, "nonce", slice_cstr(nonce))) != SIP_OK ||
	    (e = buf_printf(out, ", algorithm=%s",
	    sip_digest_alg_name(alg, sess))) != SIP_OK)
		return e;
	if (opaque != NULL &&
	    (e = add_q(out, 0, "opaque", slice_cstr(opaque))) != SIP_OK)
		return e;
	if (stale && (e = buf_adds(out, ", stale=true")) != SIP_OK)
		return e;
	return SIP_OK;
}

enum sip_err
sip_digest_verify(const struct sip_auth *cred, const char *method,
    const char *password, const void *body, size_t body_len)
{
	struct buf b[6];
	struct slice user, realm, nonce, uri, cnonce, resp, qop, nc;
	char want[SIP_DIGEST_HEX_SIZE];
	enum sip_digest_alg alg;
	int sess, i;
	enum sip_err e;

	if (!slice_ieq_lit(cred->scheme, "Digest"))
		return SIP_E_UNSUPP;
	if (cred->username.p == NULL || cred->realm.p == NULL ||
	    cred->nonce.p == NULL || cred->uri.p == NULL ||
	    cred->response.p == NULL)
		return SIP_E_INVAL;
	if ((e = sip_digest_alg_parse(cred->algorithm, &alg, &sess)) != SIP_OK)
		return e;
	for (i = 0; i < 6; i++)
		buf_init(&b[i], 4096);
	if ((e = unq(cred->username, &b[0], &user)) != SIP_OK ||
	    (e = unq(cred->realm, &b[1], &realm)) != SIP_OK ||
	    (e = unq(cred->nonce, &b[2], &nonce)) != SIP_OK ||
	    (e = unq(cred->uri, &b[3], &uri)) != SIP_OK ||
	    (e = unq(cred->cnonce, &b[4], &cnonce)) != SIP_OK ||
	    (e = unq(cred->response, &b[5], &resp)) != SIP_OK)
		goto out;
	qop = slice_trim(cred->qop);
	nc = slice_trim(cred->nc);
	if (qop.len > 0 && !slice_eq_lit(qop, "auth") &&
	    !slice_eq_lit(qop, "auth-int")) {
		e = SIP_E_UNSUPP;
		goto out;
	}
	if ((qop.len > 0 || sess) && (cnonce.len == 0 ||
	    (qop.len > 0 && nc.len == 0))) {
		e = SIP_E_INVAL;
		goto out;
	}
	if ((e = response_hex(alg, sess, user, realm, password, NULL, nonce,
	    cnonce, nc, qop, slice_cstr(method), uri, body, body_len,
	    NULL, want)) != SIP_OK)
		goto out;
	e = SIP_E_AUTH;
	if (resp.len == strlen(want)) {
		char low[SIP_DIGEST_HEX_SIZE];

		for (i = 0; i < (int)resp.len; i++)
			low[i] = (char)(resp.p[i] >= 'A' && resp.p[i] <= 'F' ?
			    resp.p[i] - 'A' + 'a' : resp.p[i]);
		if (CRYPTO_memcmp(low, want, resp.len) == 0)
			e = SIP_OK;
	}
out:
	explicit_bzero(want, sizeof(want));
	for (i = 0; i < 6; i++)
		buf_free(&b[i]);
	return e;
}
