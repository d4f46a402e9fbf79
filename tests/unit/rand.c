/*
 * rand.c - when the random source fails, every id, key and cnonce
 * drawn from it fails loudly (SIP_E_RANDOM) instead of coming out
 * predictable; and once it works again, so do they.
 */
#include <string.h>

#include "authhdr.h"
#include "build.h"
#include "digest.h"
#include "rand.h"
#include "ws.h"
#include "tap.h"

static int calls;

static int
broken(unsigned char *buf, int num)
{
	(void)buf;
	(void)num;
	calls++;
	return 0;
}

int
main(void)
{
	char br[SIP_BRANCH_SIZE], tag[SIP_TAG_SIZE], tag2[SIP_TAG_SIZE];
	char cid[SIP_CALLID_SIZE], key[SIP_WS_KEY_SIZE], hex[8];
	unsigned char bytes[16];
	struct sip_req_params p = {
		.method = "OPTIONS", .ruri = "sip:bob@127.0.0.1",
		.via_host = "127.0.0.1", .from = "<sip:a@127.0.0.1>",
		.to = "<sip:bob@127.0.0.1>", .cseq = 1,
	};
	static const char chal_s[] = "Digest realm=\"r\", nonce=\"n\", qop=\"auth\"";
	struct sip_digest_cred dc = { .username = "a", .password = "p",
	    .method = "REGISTER", .uri = "sip:127.0.0.1" };
	struct sip_auth chal;
	struct buf b = { 0 };

	sip_auth_parse(&chal, slice_cstr(chal_s), NULL);

	/* A draw now fills the pool: the failure must not hide behind it. */
	ok(sip_build_tag(tag) == SIP_OK, "a tag while the source works");
	sip_rand_source(broken);
	ok(sip_rand_bytes(bytes, sizeof bytes) == SIP_E_RANDOM && calls == 1,
	    "bytes: SIP_E_RANDOM, not what was left in the pool");
	ok(sip_rand_hex(hex, 6) == SIP_E_RANDOM && hex[0] == '\0',
	    "hex: SIP_E_RANDOM and an empty string");
	ok(sip_build_branch(br) == SIP_E_RANDOM, "branch: SIP_E_RANDOM");
	ok(sip_build_tag(tag) == SIP_E_RANDOM, "tag: SIP_E_RANDOM");
	ok(sip_build_callid(cid, "h") == SIP_E_RANDOM, "Call-ID: SIP_E_RANDOM");
	ok(sip_build_request(&b, &p) == SIP_E_RANDOM,
	    "a request needing a fresh branch is not built");
	ok(sip_ws_key(key) == SIP_E_RANDOM && key[0] == '\0',
	    "WebSocket key: SIP_E_RANDOM, no fixed key");
	buf_reset(&b);
	ok(sip_digest_authorization(&b, &chal, &dc) == SIP_E_RANDOM,
	    "digest credentials needing a cnonce: SIP_E_RANDOM");
	ok(sip_err_exit(SIP_E_RANDOM) == SIP_EXIT_NET &&
	    strstr(sip_err_str(SIP_E_RANDOM), "random") != NULL,
	    "the error says what failed (%s)", sip_err_str(SIP_E_RANDOM));

	sip_rand_source(NULL);
	buf_reset(&b);
	ok(sip_build_tag(tag) == SIP_OK && sip_build_tag(tag2) == SIP_OK &&
	    strlen(tag) == 16 && strcmp(tag, tag2) != 0,
	    "back on the kernel: two tags, different (%s %s)", tag, tag2);
	ok(sip_build_request(&b, &p) == SIP_OK && sip_ws_key(key) == SIP_OK &&
	    strlen(key) == 24, "a request and a WebSocket key again");
	buf_free(&b);
	return done();
}
