/*
 * p_sofia.c - the benchmark's sofia-sip parser: msg_make() with the SIP
 * message class (sip_default_mclass()), then the parsed sip_t fields for
 * Call-ID, CSeq, the From and To tags and the first Via's branch.  Built
 * only when pkg-config finds sofia-sip-ua.
 */
#include <string.h>

#include <sofia-sip/msg.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_protos.h>

#include "bench.h"

static msg_mclass_t const *mclass;

static void
put(struct bfield *f, const char *p)
{
	f->p = p;
	f->len = p != NULL ? strlen(p) : 0;
	f->p2 = NULL;
	f->len2 = 0;
}

static int
sofia_init(void)
{
	mclass = sip_default_mclass();
	return mclass != NULL ? 0 : -1;
}

static int
sofia_parse(const char *p, size_t len, struct bsink *s)
{
	msg_t *msg;
	sip_t *sip;
	struct bfields out;
	int rc = -1;

	if ((msg = msg_make(mclass, 0, p, (ssize_t)len)) == NULL)
		return -1;
	if (msg_has_error(msg) || (sip = sip_object(msg)) == NULL)
		goto done;
	if (sip->sip_call_id == NULL || sip->sip_cseq == NULL ||
	    sip->sip_from == NULL || sip->sip_to == NULL ||
	    sip->sip_via == NULL)
		goto done;
	put(&out.f[BF_CALLID], sip->sip_call_id->i_id);
	out.cseq = sip->sip_cseq->cs_seq;
	put(&out.f[BF_CSEQ_METHOD], sip->sip_cseq->cs_method_name);
	put(&out.f[BF_FROM_TAG], sip->sip_from->a_tag);
	put(&out.f[BF_TO_TAG], sip->sip_to->a_tag);
	put(&out.f[BF_BRANCH], sip->sip_via->v_branch);
	s->fn(s, &out);
	rc = 0;
done:
	msg_destroy(msg);
	return rc;
}

const struct bparser bench_sofia = { "sofia-sip", sofia_init, sofia_parse };
