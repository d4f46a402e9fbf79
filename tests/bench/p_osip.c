/*
 * p_osip.c - the benchmark's libosip2 parser: osip_message_parse() and
 * the accessors for Call-ID, CSeq, the From and To tags and the first
 * Via's branch, as an oSIP program reads them.  Built only when
 * pkg-config finds libosip2.
 */
#include <stdlib.h>
#include <string.h>

#include <osipparser2/osip_parser.h>

#include "bench.h"

static void
put(struct bfield *f, const char *p)
{
	f->p = p;
	f->len = p != NULL ? strlen(p) : 0;
	f->p2 = NULL;
	f->len2 = 0;
}

static int
osip_init(void)
{
	return parser_init() == 0 ? 0 : -1;
}

static int
osip_parse(const char *p, size_t len, struct bsink *s)
{
	osip_message_t *sip;
	osip_call_id_t *cid;
	osip_cseq_t *cs;
	osip_generic_param_t *tag;
	osip_via_t *via;
	struct bfields out;
	int rc = -1;

	if (osip_message_init(&sip) != 0)
		return -1;
	if (osip_message_parse(sip, p, len) != 0)
		goto done;
	if ((cid = osip_message_get_call_id(sip)) == NULL ||
	    osip_call_id_get_number(cid) == NULL)
		goto done;
	put(&out.f[BF_CALLID], osip_call_id_get_number(cid));
	if (osip_call_id_get_host(cid) != NULL) {
		out.f[BF_CALLID].p2 = osip_call_id_get_host(cid);
		out.f[BF_CALLID].len2 = strlen(out.f[BF_CALLID].p2);
	}
	if ((cs = osip_message_get_cseq(sip)) == NULL ||
	    osip_cseq_get_number(cs) == NULL)
		goto done;
	out.cseq = (uint32_t)strtoul(osip_cseq_get_number(cs), NULL, 10);
	put(&out.f[BF_CSEQ_METHOD], osip_cseq_get_method(cs));
	if (osip_message_get_from(sip) == NULL ||
	    osip_message_get_to(sip) == NULL)
		goto done;
	tag = NULL;
	osip_from_get_tag(osip_message_get_from(sip), &tag);
	put(&out.f[BF_FROM_TAG], tag != NULL ? tag->gvalue : NULL);
	tag = NULL;
	osip_to_get_tag(osip_message_get_to(sip), &tag);
	put(&out.f[BF_TO_TAG], tag != NULL ? tag->gvalue : NULL);
	if (osip_message_get_via(sip, 0, &via) < 0 || via == NULL)
		goto done;
	tag = NULL;
	osip_via_param_get_byname(via, "branch", &tag);
	put(&out.f[BF_BRANCH], tag != NULL ? tag->gvalue : NULL);
	s->fn(s, &out);
	rc = 0;
done:
	osip_message_free(sip);
	return rc;
}

const struct bparser bench_osip = { "osip", osip_init, osip_parse };
