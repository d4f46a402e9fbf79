/*
 * md5.c - sip_md5 gives RFC 1321's test suite (appendix A.5) and equals
 * OpenSSL's MD5 for every length across the block and padding edges,
 * fed whole or in pieces.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "md5.h"
#include "tap.h"

static void
hex(const unsigned char *md, char out[2 * SIP_MD5_SIZE + 1])
{
	for (int i = 0; i < SIP_MD5_SIZE; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

int
main(void)
{
	/* RFC 1321 A.5 */
	static const struct {
		const char	*in, *md;
	} v[] = {
		{ "", "d41d8cd98f00b204e9800998ecf8427e" },
		{ "a", "0cc175b9c0f1b6a831c399e269772661" },
		{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
		{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
		{ "abcdefghijklmnopqrstuvwxyz",
		    "c3fcd3d76192e4007dfb496cca67e13b" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789", "d174ab98d277d9f5a5611c2c9f419d9f" },
		{ "1234567890123456789012345678901234567890123456789012345678"
		    "9012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a" },
	};
	unsigned char in[300], md[SIP_MD5_SIZE], want[EVP_MAX_MD_SIZE];
	char h[2 * SIP_MD5_SIZE + 1];
	int same = 1, pieces = 1, n_ossl = 0;

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		sip_md5(v[i].in, strlen(v[i].in), md);
		hex(md, h);
		ok(strcmp(h, v[i].md) == 0, "RFC 1321 A.5: MD5(\"%.20s%s\") = %s",
		    v[i].in, strlen(v[i].in) > 20 ? "..." : "", h);
	}

	for (size_t i = 0; i < sizeof in; i++)
		in[i] = (unsigned char)(i * 131 + 7);
	/* 0..299 bytes: 55, 56, 63, 64 and 119, 120 are the padding edges */
	for (size_t n = 0; n < sizeof in; n++) {
		unsigned int wl = 0;
		struct sip_md5 c;

		if (EVP_Digest(in, n, want, &wl, EVP_md5(), NULL) != 1 ||
		    wl != SIP_MD5_SIZE)
			continue;
		n_ossl++;
		sip_md5(in, n, md);
		if (memcmp(md, want, SIP_MD5_SIZE) != 0)
			same = 0;
		/* in pieces of 1, 2, 3, ... bytes */
		sip_md5_init(&c);
		for (size_t k = 0, step = 1; k < n; k += step, step++)
			sip_md5_update(&c, in + k, step < n - k ? step : n - k);
		sip_md5_final(&c, md);
		if (memcmp(md, want, SIP_MD5_SIZE) != 0)
			pieces = 0;
	}
	ok(n_ossl == (int)sizeof in, "OpenSSL's MD5 answered for all %d "
	    "lengths", n_ossl);
	ok(same, "one call: equal to OpenSSL's for 0..299 bytes");
	ok(pieces, "fed in pieces of 1, 2, 3, ... bytes: equal to OpenSSL's");
	return done();
}
