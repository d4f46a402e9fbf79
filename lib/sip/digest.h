/*
 * digest.h - HTTP Digest authentication as SIP uses it (RFC 3261 22.4,
 * RFC 2617, RFC 7616, RFC 8760): MD5, SHA-256 and SHA-512-256 with their
 * -sess variants, qop auth and auth-int, nonce count and cnonce, opaque
 * and userhash.  Both sides: computing the credentials for a 401/407
 * challenge (a UAC), and making a challenge and checking credentials (a
 * registrar such as sip-serve).
 *
 * Header values are parsed by authhdr.c (sip_auth_parse); this file only
 * computes.  Hashes come from OpenSSL's EVP interface.  Passwords and
 * intermediate hashes are wiped with explicit_bzero() before their memory
 * is released; no function here keeps a password after it returns.
 * Nothing reads a clock: times are arguments.
 */
#ifndef SIPBOX_DIGEST_H
#define SIPBOX_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "authhdr.h"
#include "buf.h"
#include "err.h"
#include "slice.h"

enum sip_digest_alg {
	SIP_DIGEST_MD5,
	SIP_DIGEST_SHA256,
	SIP_DIGEST_SHA512_256
};

/* The longest hex digest (SHA-256, SHA-512-256), with its NUL. */
#define SIP_DIGEST_HEX_SIZE	65
/* A nonce from sip_digest_nonce(): 16 hex time + 64 hex MAC, NUL. */
#define SIP_DIGEST_NONCE_SIZE	81

/*
 * The algorithm named by a challenge's algorithm= value: absent means
 * MD5 (RFC 7616 3.3).  *sess is set for the -sess variants.  SIP_E_UNSUPP
 * for any other name.
 */
enum sip_err	sip_digest_alg_parse(struct slice name,
		    enum sip_digest_alg *alg, int *sess);

/* The name as written in headers: "MD5", "SHA-256-sess", ... */
const char	*sip_digest_alg_name(enum sip_digest_alg alg, int sess);

/*
 * What a run of requests by one user may keep between challenges, so
 * that HA1 is hashed again only when the realm or the algorithm
 * changes, and HA2 (qop auth or none) when the method or the URI does:
 * a registrar load test answers a challenge for every REGISTER.  One a
 * username and password (the password is not part of the key); zeroed
 * before first use and wiped after (ha1 stands for the password in its
 * realm).  Keys that do not fit are not kept.
 */
struct sip_digest_memo {
	char		 ha1_key[192];	/* user NUL realm NUL algorithm */
	size_t		 ha1_klen;	/* 0: none kept */
	char		 ha1[SIP_DIGEST_HEX_SIZE];
	char		 ha2_key[320];	/* method NUL uri NUL algorithm */
	size_t		 ha2_klen;
	char		 ha2[SIP_DIGEST_HEX_SIZE];
};

/* What the client knows besides the challenge.  Nothing is kept but in
 * memo. */
struct sip_digest_cred {
	const char	*username;
	const char	*password;	/* secret: never copied out */
	/*
	 * Or instead of password: HA1 in hex, H(username:realm:password) of
	 * the challenge's hash (RFC 7616 3.4.2), as a provisioning system
	 * hands out; secret too.  A challenge of another hash gets
	 * SIP_E_UNSUPP (its length does not fit).
	 */
	const char	*ha1;
	const char	*method;	/* the request's method */
	const char	*uri;		/* the request's Request-URI */
	const void	*body;		/* the request body, for auth-int */
	size_t		 body_len;
	uint32_t	 nc;		/* nonce count, 0 taken as 1 */
	const char	*cnonce;	/* NULL: a fresh random one */
	int		 auth_int;	/* prefer qop=auth-int when offered */
	struct sip_digest_memo *memo;	/* NULL, or the caller's (above) */
};

/*
 * Append to out the credentials value (for Authorization or
 * Proxy-Authorization; the caller writes the header name) answering the
 * Digest challenge chal (RFC 7616 3.4): username (hashed when the
 * challenge says userhash=true), realm, nonce, uri, response, algorithm,
 * cnonce, opaque echoed, qop and nc.  qop auth is chosen when offered,
 * auth-int when it is the only one or c->auth_int asks for it; without
 * qop the RFC 2069 form is used.  SIP_E_UNSUPP for another scheme or
 * algorithm, SIP_E_INVAL for a missing realm or nonce, SIP_E_RANDOM
 * when no cnonce can be drawn.  The caller owns out.
 */
enum sip_err	sip_digest_authorization(struct buf *out,
		    const struct sip_auth *chal,
		    const struct sip_digest_cred *c);

/* Whether challenge chal says stale=true (retry with the new nonce). */
int		sip_digest_stale(const struct sip_auth *chal);

/*
 * Server: a nonce that carries its issue time now_s and an HMAC-SHA-256
 * of it under key (RFC 7616 5.5: the server need not store nonces).
 */
enum sip_err	sip_digest_nonce(char out[SIP_DIGEST_NONCE_SIZE],
		    const void *key, size_t keylen, uint64_t now_s);

/*
 * Server: SIP_OK when nonce n was made with key no more than max_age
 * seconds before now_s, SIP_E_AUTH when it was not made with key, and
 * SIP_E_TIMEOUT when it is genuine but too old (answer stale=true).
 */
enum sip_err	sip_digest_nonce_check(struct slice n, const void *key,
		    size_t keylen, uint64_t now_s, uint32_t max_age);

/*
 * Server: append a challenge value (for WWW-Authenticate or
 * Proxy-Authenticate) to out: Digest realm, qop="auth,auth-int", nonce,
 * algorithm (its -sess variant when sess), opaque when not NULL, and
 * stale=true when stale.  The caller owns out.
 */
enum sip_err	sip_digest_challenge(struct buf *out, const char *realm,
		    const char *nonce, const char *opaque,
		    enum sip_digest_alg alg, int sess, int stale);

/*
 * Server: check credentials cred (parsed Authorization) against
 * password for a request with method and body.  The username and realm
 * are the caller's to look up (for userhash=true see
 * sip_digest_userhash()); the nonce's validity is
 * sip_digest_nonce_check()'s.  SIP_OK when the response is right,
 * SIP_E_AUTH when it is wrong, SIP_E_UNSUPP for an unknown algorithm or
 * qop, SIP_E_INVAL when a needed parameter is missing.
 */
enum sip_err	sip_digest_verify(const struct sip_auth *cred,
		    const char *method, const char *password,
		    const void *body, size_t body_len);

/*
 * RFC 7616 3.4.4: H(username ":" realm) in hex into out, so a server can
 * compare a hashed username.
 */
enum sip_err	sip_digest_userhash(char out[SIP_DIGEST_HEX_SIZE],
		    enum sip_digest_alg alg, const char *username,
		    const char *realm);

#endif
