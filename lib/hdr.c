/*
 * hdr.c - header names: lookup of long and compact forms, any case.
 */
#include "hdr.h"

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

static inline unsigned char
lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static enum sip_hdr_id
compact(unsigned char c)
{
	switch (lower(c)) {
	case 'a': return SIP_HDR_ACCEPT_CONTACT;
	case 'b': return SIP_HDR_REFERRED_BY;
	case 'c': return SIP_HDR_CONTENT_TYPE;
	case 'd': return SIP_HDR_REQUEST_DISPOSITION;
	case 'e': return SIP_HDR_CONTENT_ENCODING;
	case 'f': return SIP_HDR_FROM;
	case 'i': return SIP_HDR_CALL_ID;
	case 'j': return SIP_HDR_REJECT_CONTACT;
	case 'k': return SIP_HDR_SUPPORTED;
	case 'l': return SIP_HDR_CONTENT_LENGTH;
	case 'm': return SIP_HDR_CONTACT;
	case 'o': return SIP_HDR_EVENT;
	case 'r': return SIP_HDR_REFER_TO;
	case 's': return SIP_HDR_SUBJECT;
	case 't': return SIP_HDR_TO;
	case 'u': return SIP_HDR_ALLOW_EVENTS;
	case 'v': return SIP_HDR_VIA;
	case 'x': return SIP_HDR_SESSION_EXPIRES;
	case 'y': return SIP_HDR_IDENTITY;
	default: return SIP_HDR_OTHER;
	}
}

enum sip_hdr_id
sip_hdr_lookup(const char *name, size_t len)
{
	unsigned char c0;
	size_t i, j;

	if (len == 1)
		return compact((unsigned char)name[0]);
	if (len < 2 || len > 24)
		return SIP_HDR_OTHER;
	c0 = lower((unsigned char)name[0]);
	/*
	 * The table is sorted by name, so rows sharing a first letter are
	 * adjacent; comparing length and first letter first keeps this to a
	 * handful of full compares per header.
	 */
	for (i = 1; i < SIP_HDR__COUNT; i++) {
		const struct row *r = &rows[i];

		if (r->len != len || (unsigned char)(r->name[0] | 0x20) != c0)
			continue;
		for (j = 1; j < len; j++)
			if (lower((unsigned char)name[j]) !=
			    lower((unsigned char)r->name[j]))
				break;
		if (j == len)
			return (enum sip_hdr_id)i;
	}
	return SIP_HDR_OTHER;
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
