/*
 * hdr.c - header names: lookup of long and compact forms, any case.
 */
#include <stdint.h>
#include <string.h>

#include "hdr.h"
#include "hdrlookup.h"

struct row {
	const char	*name;
	unsigned char	 len;
	char		 compact;
	char		 list;
};

static const struct row rows[SIP_HDR__COUNT] = {
	{ NULL, 0, 0, 0 },
#define X(id, n, c, l)	{ n, sizeof(n) - 1, c, l },
	SIP_HDR_MAP(X)
#undef X
};

enum sip_hdr_id
sip_hdr_lookup(const char *name, size_t len)
{
	return sip_hdr_lookup_inline(name, len);
}

const char *
sip_hdr_name(enum sip_hdr_id id)
{
	if (id <= SIP_HDR_OTHER || id >= SIP_HDR__COUNT)
		return NULL;
	return rows[id].name;
}

char
sip_hdr_compact(enum sip_hdr_id id)
{
	if (id <= SIP_HDR_OTHER || id >= SIP_HDR__COUNT)
		return 0;
	return rows[id].compact;
}

int
sip_hdr_is_list(enum sip_hdr_id id)
{
	if (id <= SIP_HDR_OTHER || id >= SIP_HDR__COUNT)
		return 0;
	return rows[id].list;
}
