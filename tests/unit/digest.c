/*
 * digest.c - Digest responses against the RFC 2617 3.5 and RFC 7616
 * 3.9.1 examples, and round trips through the server-side checks.
 */
#include <string.h>

#include "digest.h"
#include "tap.h"

static struct sip_auth ch, cr;

static int
parse(struct sip_auth *a, const char *s)
{
	return sip_auth_parse(a, slice_cstr(s), NULL) == SIP_OK;
}

/* Whether the value in b has param="want" or param=want. */
static int
has(const struct buf *b, const char *param, const char *want)
{
	struct sip_auth a;
	const struct sip_param *p;

	if (sip_auth_parse(&a, buf_slice(b), NULL) != SIP_OK)
		return 0;
	p = sip_auth_param(&a, param);
	return p != NULL && slice_eq_cstr(p->value, want);
}

static void
rfc_vectors(void)
{
	struct buf b;
	struct sip_digest_cred c = {
		.username = "Mufasa", .password = "Circle Of Life",
		.method = "GET", .uri = "/dir/index.html", .nc = 1,
		.cnonce = "0a4f113b",
	};

	buf_init(&b, 0);
	/* RFC 2617 3.5 */
	ok(parse(&ch, "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\","
	    " nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\","
	    " opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""),
	    "rfc 2617: the challenge parses");
	ok(sip_digest_authorization(&b, &ch, &c) == SIP_OK,
	    "rfc 2617: credentials are computed");
	ok(has(&b, "response", "6629fae49393a05397450978507c4ef1"),
	    "rfc 2617 3.5: MD5 qop=auth response 6629fae4...");
	ok(has(&b, "opaque", "5ccc069c403ebaf9f0171e9517f40e41") &&
	    has(&b, "nc", "00000001") && has(&b, "qop", "auth") &&
	    has(&b, "cnonce", "0a4f113b") && has(&b, "username", "Mufasa") &&
	    has(&b, "uri", "/dir/index.html"),
	    "rfc 2617: opaque echoed, nc, qop, cnonce, username, uri");
	ok(strncmp(b.p, "Digest username=\"Mufasa\", realm=", 32) == 0,
	    "rfc 2617: the value starts 'Digest username=\"Mufasa\", realm='");

	/* RFC 7616 3.9.1 */
	c.password = "Circle of Life";
	c.cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
	parse(&ch, "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\","
	    " algorithm=MD5,"
	    " nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\","
	    " opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"");
	buf_reset(&b);
	ok(sip_digest_authorization(&b, &ch, &c) == SIP_OK &&
	    has(&b, "response", "8ca523f5e9506fed4657c9700eebdbec"),
	    "rfc 7616 3.9.1: MD5 response 8ca523f5...");
	parse(&ch, "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\","
	    " algorithm=SHA-256,"
	    " nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\","
	    " opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"");
	buf_reset(&b);
	ok(sip_digest_authorization(&b, &ch, &c) == SIP_OK &&
	    has(&b, "response", "753927fa0e85d155564e2e272a28d1802ca10daf"
	    "4496794697cf8db5856cb6c1"),
	    "rfc 7616 3.9.1: SHA-256 response 753927fa...");
	ok(has(&b, "algorithm", "SHA-256"), "rfc 7616: algorithm echoed");
	buf_free(&b);
}

static void
round_trips(void)
{
	static const char *const algs[] = { "MD5", "MD5-sess", "SHA-256",
	    "SHA-256-sess", "SHA-512-256", "SHA-512-256-sess" };
	static const char key[] = "server secret";
	char nonce[SIP_DIGEST_NONCE_SIZE], chs[512];
	struct buf b, cb;
	struct sip_digest_cred c = {
		.username = "alice", .password = "pa\"ss:word",
		.method = "REGISTER", .uri = "sip:127.0.0.1",
		.body = "hello", .body_len = 5, .nc = 3,
	};
	enum sip_digest_alg alg;
	int sess;
	size_t i;

	buf_init(&b, 0);
	buf_init(&cb, 0);
	ok(sip_digest_nonce(nonce, key, sizeof(key), 1000) == SIP_OK &&
	    strlen(nonce) == SIP_DIGEST_NONCE_SIZE - 1, "nonce: 80 hex digits");
	ok(sip_digest_nonce_check(slice_cstr(nonce), key, sizeof(key), 1010,
	    60) == SIP_OK, "nonce: fresh one passes");
	ok(sip_digest_nonce_check(slice_cstr(nonce), key, sizeof(key), 1100,
	    60) == SIP_E_TIMEOUT, "nonce: an old one is stale");
	ok(sip_digest_nonce_check(slice_cstr(nonce), "other", 5, 1010,
	    60) == SIP_E_AUTH, "nonce: another key's is refused");
	nonce[20] = nonce[20] == 'a' ? 'b' : 'a';
	ok(sip_digest_nonce_check(slice_cstr(nonce), key, sizeof(key), 1010,
	    60) == SIP_E_AUTH, "nonce: a changed one is refused");
	sip_digest_nonce(nonce, key, sizeof(key), 1000);

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		int int_ok, auth_ok, bad;

		sip_digest_alg_parse(slice_cstr(algs[i]), &alg, &sess);
		buf_reset(&cb);
		sip_digest_challenge(&cb, "sipbox", nonce, "op", alg, sess, 0);
		snprintf(chs, sizeof(chs), "%s", cb.p);
		parse(&ch, chs);
		c.auth_int = 0;
		buf_reset(&b);
		auth_ok = sip_digest_authorization(&b, &ch, &c) == SIP_OK &&
		    has(&b, "qop", "auth") && parse(&cr, b.p) &&
		    sip_digest_verify(&cr, "REGISTER", c.password, NULL, 0) ==
		    SIP_OK;
		bad = sip_digest_verify(&cr, "REGISTER", "wrong", NULL, 0) ==
		    SIP_E_AUTH;
		c.auth_int = 1;
		buf_reset(&b);
		int_ok = sip_digest_authorization(&b, &ch, &c) == SIP_OK &&
		    has(&b, "qop", "auth-int") && parse(&cr, b.p) &&
		    sip_digest_verify(&cr, "REGISTER", c.password, "hello", 5) ==
		    SIP_OK &&
		    sip_digest_verify(&cr, "REGISTER", c.password, "hellO", 5) ==
		    SIP_E_AUTH;
		ok(auth_ok && bad && int_ok && has(&b, "algorithm", algs[i]),
		    "round trip %s: auth and auth-int verify, a wrong password "
		    "and a changed body do not", algs[i]);
	}

	/* userhash (RFC 7616 3.4.4) */
	{
		char uh[SIP_DIGEST_HEX_SIZE];

		parse(&ch, "Digest realm=\"r\", nonce=\"n\", qop=auth,"
		    " algorithm=SHA-256, userhash=true");
		buf_reset(&b);
		c.auth_int = 0;
		sip_digest_userhash(uh, SIP_DIGEST_SHA256, "alice", "r");
		ok(sip_digest_authorization(&b, &ch, &c) == SIP_OK &&
		    has(&b, "username", uh) && has(&b, "userhash", "true"),
		    "userhash: the username is H(user:realm)");
	}
	/* RFC 2069: no qop */
	parse(&ch, "Digest realm=\"r\", nonce=\"n\"");
	buf_reset(&b);
	ok(sip_digest_authorization(&b, &ch, &c) == SIP_OK &&
	    strstr(b.p, "qop") == NULL && strstr(b.p, "cnonce") == NULL &&
	    parse(&cr, b.p) &&
	    sip_digest_verify(&cr, "REGISTER", c.password, NULL, 0) == SIP_OK,
	    "no qop: the RFC 2069 form round-trips");
	parse(&ch, "Digest realm=\"r\", nonce=\"n\", algorithm=SHA-1");
	ok(sip_digest_authorization(&b, &ch, &c) == SIP_E_UNSUPP,
	    "an unknown algorithm is not supported");
	parse(&ch, "Basic realm=\"r\"");
	ok(sip_digest_authorization(&b, &ch, &c) == SIP_E_UNSUPP,
	    "Basic is not supported");
	parse(&ch, "Digest realm=\"r\"");
	ok(sip_digest_authorization(&b, &ch, &c) == SIP_E_INVAL,
	    "a challenge without nonce is refused");
	parse(&ch, "Digest realm=\"r\", nonce=\"n\", stale=TRUE");
	ok(sip_digest_stale(&ch), "stale=TRUE is seen");
	parse(&ch, "Digest realm=\"a\\\"b\", nonce=\"n\", qop=\"auth\"");
	buf_reset(&b);
	ok(sip_digest_authorization(&b, &ch, &c) == SIP_OK &&
	    strstr(b.p, "realm=\"a\\\"b\"") != NULL && parse(&cr, b.p) &&
	    sip_digest_verify(&cr, "REGISTER", c.password, NULL, 0) == SIP_OK,
	    "a realm with a quoted-pair is echoed escaped and verifies");
	buf_free(&b);
	buf_free(&cb);
}

/*
 * A memo (what sip-register's load mode keeps a user) gives the same
 * credentials as none, for its realm and for another, and what it keeps
 * is HA1 and HA2 of the last realm and Request-URI.
 */
static void
memo(void)
{
	struct sip_digest_memo mm;
	struct buf plain, memod;
	struct sip_digest_cred c = {
		.username = "Mufasa", .password = "Circle Of Life",
		.method = "GET", .uri = "/dir/index.html", .nc = 1,
		.cnonce = "0a4f113b",
	};
	int same = 1;

	memset(&mm, 0, sizeof mm);
	buf_init(&plain, 0);
	buf_init(&memod, 0);
	for (int i = 0; i < 4; i++) {
		/* the RFC 2617 realm twice, then another, then it again */
		parse(&ch, i == 2 ? "Digest realm=\"other\", qop=\"auth\", "
		    "nonce=\"abc\"" : "Digest realm=\"testrealm@host.com\", "
		    "qop=\"auth,auth-int\", "
		    "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
		    "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
		buf_reset(&plain);
		buf_reset(&memod);
		c.memo = NULL;
		same &= sip_digest_authorization(&plain, &ch, &c) == SIP_OK;
		c.memo = &mm;
		same &= sip_digest_authorization(&memod, &ch, &c) == SIP_OK &&
		    plain.len == memod.len &&
		    memcmp(plain.p, memod.p, plain.len) == 0;
	}
	ok(same, "memo: the credentials are those made without one, the "
	    "realm changed and back");
	ok(has(&memod, "response", "6629fae49393a05397450978507c4ef1"),
	    "memo: the RFC 2617 3.5 response from a kept HA1 and HA2");
	/* HA1 = MD5("Mufasa:testrealm@host.com:Circle Of Life") */
	ok(mm.ha1_klen > 0 && strcmp(mm.ha1,
	    "939e7578ed9e3c518a452acee763bce9") == 0 && mm.ha2_klen > 0,
	    "memo: it keeps HA1 (939e7578...) and HA2");
	/* what is kept is what is used: a kept HA1 changed, another answer */
	mm.ha1[0] = mm.ha1[0] == '0' ? '1' : '0';
	buf_reset(&memod);
	ok(sip_digest_authorization(&memod, &ch, &c) == SIP_OK &&
	    !has(&memod, "response", "6629fae49393a05397450978507c4ef1"),
	    "memo: the response is made from the kept HA1, not hashed again");
	buf_free(&plain);
	buf_free(&memod);
}

/* A realm with a quoted-pair is resolved, hashed, and quoted again. */
static void
quoting(void)
{
	struct buf b;
	struct sip_digest_cred c = {
		.username = "al\"ice", .password = "x", .method = "REGISTER",
		.uri = "sip:a", .cnonce = "0a4f113b",
	};

	buf_init(&b, 0);
	parse(&ch, "Digest realm=\"a\\\"b\\\\c\", nonce=\"n\", qop=auth");
	ok(sip_digest_authorization(&b, &ch, &c) == SIP_OK &&
	    strstr(b.p, "username=\"al\\\"ice\"") != NULL &&
	    strstr(b.p, "realm=\"a\\\"b\\\\c\"") != NULL &&
	    strstr(b.p, "nonce=\"n\"") != NULL,
	    "quoting: '\"' and '\\' in a realm and a username are escaped "
	    "again, a plain value copied as it is");
	buf_free(&b);
}

int
main(void)
{
	quoting();
	rfc_vectors();
	round_trips();
	memo();
	return done();
}
