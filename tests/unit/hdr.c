/*
 * hdr.c - every header in the table is found by its long name in any
 * case and by its compact form, and nothing else is.
 */
#include <ctype.h>
#include <string.h>

#include "hdr.h"
#include "tap.h"

int
main(void)
{
	char up[64], lo[64];
	int id, bad = 0;
	size_t i, n;

	for (id = 1; id < SIP_HDR__COUNT; id++) {
		const char *name = sip_hdr_name(id);
		char c = sip_hdr_compact(id);

		n = strlen(name);
		for (i = 0; i <= n; i++) {
			up[i] = (char)toupper((unsigned char)name[i]);
			lo[i] = (char)tolower((unsigned char)name[i]);
		}
		if (sip_hdr_lookup(name, n) != (enum sip_hdr_id)id ||
		    sip_hdr_lookup(up, n) != (enum sip_hdr_id)id ||
		    sip_hdr_lookup(lo, n) != (enum sip_hdr_id)id)
			bad++, printf("# %s not found\n", name);
		if (c != 0 && (sip_hdr_lookup(&c, 1) != (enum sip_hdr_id)id))
			bad++, printf("# compact %c of %s not found\n", c, name);
		/* One letter off is another header or none. */
		lo[n - 1] ^= 1;
		if (sip_hdr_lookup(lo, n) == (enum sip_hdr_id)id)
			bad++, printf("# %s matched with a wrong last letter\n", name);
	}
	ok(bad == 0, "every header by long name in three cases and compact form");
	ok(sip_hdr_lookup("X-Custom", 8) == SIP_HDR_OTHER, "unknown header");
	ok(sip_hdr_lookup("q", 1) == SIP_HDR_OTHER, "unknown compact form");
	ok(sip_hdr_lookup("Via", 2) == SIP_HDR_OTHER, "a prefix is not a match");
	ok(sip_hdr_is_list(SIP_HDR_VIA) && !sip_hdr_is_list(SIP_HDR_CALL_ID),
	    "list flags");
	return done();
}
