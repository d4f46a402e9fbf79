/*
 * fuzz_uri.c - libFuzzer target for the typed layer: the input is tried
 * as a URI, a name-addr, a Via, an authentication header and the small
 * fields, then as a whole message through the strict checker.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "authhdr.h"
#include "check.h"
#include "field.h"
#include "uri.h"
#include "via.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct sip_check_keep keep;

/*
 * What the checker kept is what the parsers say of the same slices
 * (sip-serve's registrar takes it instead of parsing again).
 */
static void
kept(const struct sip_msg *m)
{
	static struct sip_addr a;
	static struct sip_auth au;
	static struct sip_uri u;
	const struct sip_check_addr *ka;
	const struct sip_check_auth *kau;
	struct sip_hdr_iter it = { 0 };
	struct slice v;

	if (keep.ruri_s.p != NULL && (keep.ruri_s.p != m->ruri.p ||
	    sip_uri_parse(&u, m->ruri, NULL) != keep.ruri_e ||
	    (keep.ruri_e == SIP_OK && !slice_eq(u.host, keep.ruri.host))))
		abort();
	while (sip_msg_values(m, SIP_HDR_CONTACT, &it, &v))
		if ((ka = sip_check_kept_addr(&keep, v)) != NULL &&
		    (sip_addr_parse(&a, v, NULL) != ka->e ||
		    (ka->e == SIP_OK && (!slice_eq(a.uri_s, ka->a.uri_s) ||
		    !slice_eq(a.expires, ka->a.expires)))))
			abort();
	v = sip_msg_value(m, SIP_HDR_AUTHORIZATION);
	if ((kau = sip_check_kept_auth(&keep, v)) != NULL &&
	    (sip_auth_parse(&au, v, NULL) != kau->e ||
	    (kau->e == SIP_OK && (!slice_eq(au.username, kau->a.username) ||
	    !slice_eq(au.response, kau->a.response)))))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sip_msg m;
	static struct sip_uri u, u2;
	static struct sip_addr a;
	static struct sip_via v;
	static struct sip_auth au;
	struct sip_finding f[16];
	struct sip_check c;
	struct sip_perr pe;
	struct slice s = slice_make((const char *)data, size), toks[8];
	struct sip_cseq cs;
	struct sip_date d;
	struct sip_rack rk;
	struct sip_retry_after ra;
	struct sip_substate ss;
	struct sip_ctype ct;
	struct buf b;
	uint32_t n;
	unsigned nt;

	buf_init(&b, 4096);
	if (sip_uri_parse(&u, s, &pe) == SIP_OK) {
		/*
		 * The canonical form parses again to an equal URI.  One that
		 * does not fit the buffer is SIP_E_TOOBIG and a prefix of it
		 * is left behind: nothing to compare.
		 */
		if (sip_uri_format(&u, &b) == SIP_OK && b.len > 0 &&
		    sip_uri_parse(&u2, buf_slice(&b), &pe) == SIP_OK &&
		    !sip_uri_equal(&u, &u2) && u.scheme != SIP_URI_OTHER)
			abort();
		buf_reset(&b);
		(void)sip_uri_unescape(u.user, &b);
		(void)sip_uri_equal(&u, &u);
	} else if (pe.off > size)
		abort();
	if (sip_addr_parse(&a, s, &pe) == SIP_OK) {
		buf_reset(&b);
		(void)sip_addr_display(&a, &b);
	} else if (pe.off > size)
		abort();
	if (sip_via_parse(&v, s, &pe) != SIP_OK && pe.off > size)
		abort();
	if (sip_auth_parse(&au, s, &pe) == SIP_OK && au.params.n > 0) {
		buf_reset(&b);
		(void)sip_param_unquote(au.params.v[0].value, &b);
	}
	(void)sip_field_cseq(&cs, s, &pe);
	(void)sip_field_date(&d, s, &pe);
	(void)sip_field_rack(&rk, s, &pe);
	(void)sip_field_retry_after(&ra, s, &pe);
	(void)sip_field_substate(&ss, s, &pe);
	(void)sip_field_ctype(&ct, s, &pe);
	(void)sip_field_callid(s, &pe);
	(void)sip_field_tokens(s, toks, 8, &nt, &pe);
	(void)sip_field_number(s, 255, &n, NULL, &pe);
	buf_free(&b);
	if (sip_msg_parse(&m, (const char *)data, size, 0, &pe) == SIP_OK) {
		sip_check_init(&c, f, 16);
		c.keep = &keep;
		(void)sip_check_msg(&c, &m);
		for (nt = 0; nt < c.n; nt++)
			if (f[nt].off > m.len + 1)
				abort();
		kept(&m);
	}
	return 0;
}
