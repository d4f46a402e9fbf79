/*
 * fuzz_reg.c - libFuzzer target for the registration state machine
 * (lib/ua/reg): a sequence of responses and events.  The input is split
 * at NUL bytes; each piece's first byte picks an event (a response made
 * of the rest, or a refresh asked by the time in its third byte when the
 * rest is no response; a timeout, a flow failure, a pong, the timer, a
 * stop) and the clock moves on by its second.  Every REGISTER asked for is built,
 * so challenges are answered with real digest credentials.
 */
#include <stdint.h>
#include <string.h>

#include "reg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static uint32_t
fixed(void *arg)
{
	(void)arg;
	return 12345;
}

static void
drain(struct sip_reg *r)
{
	struct sip_reg_act a;
	struct sip_req_params p;
	struct buf b;

	while (sip_reg_action(r, &a)) {
		if (a.type != SIP_REG_A_SEND)
			continue;
		memset(&p, 0, sizeof p);
		p.via_host = "127.0.0.1";
		p.via_port = 5070;
		buf_init(&b, SIP_MAX_MSG);
		(void)sip_reg_build(r, &b, &p);
		buf_free(&b);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int modes[] = { SIP_REG_BIND, SIP_REG_QUERY,
	    SIP_REG_REMOVE, SIP_REG_REMOVE_ALL };
	struct sip_reg r;
	struct sip_msg m;
	const char *p = (const char *)data, *end = p + size;
	uint64_t now = 1000;
	int steps = 0;

	memset(&r, 0, sizeof r);
	r.mode = modes[size > 0 ? data[0] % 4 : 0];
	r.aor = "sip:alice@sip.test";
	r.ruri = "sip:sip.test";
	memcpy(r.contacts[0].uri, "sip:alice@127.0.0.1:5070", 25);
	r.contacts[0].q = 500;
	r.ncontacts = 1;
	r.expires = 60;
	r.instance = "urn:uuid:00000000-0000-4000-8000-000000000001";
	r.reg_id = size > 1 && (data[1] & 1) ? 1 : 0;
	r.gruu = 1;
	r.ka_auto = 1;
	r.ka_default_ms = 30000;
	r.user = "alice";
	r.password = "alice-secret";
	r.ntargets = 3;
	r.rnd = fixed;
	if (sip_reg_start(&r, now) != SIP_OK)
		return 0;
	drain(&r);
	while (p < end && steps++ < 64) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		size_t n = nul ? (size_t)(nul - p) : (size_t)(end - p);

		if (n >= 2) {
			now += (uint64_t)(unsigned char)p[1] * 1000;
			switch (p[0] % 8) {
			case 0:
				sip_reg_failed(&r, SIP_E_TIMEOUT, now);
				break;
			case 1:
				sip_reg_flow_failed(&r, now);
				break;
			case 2:
				sip_reg_pong(&r, now);
				break;
			case 3:
				sip_reg_stop(&r, now);
				break;
			case 4:
				if (sip_reg_deadline(&r) > now)
					now = sip_reg_deadline(&r);
				sip_reg_timer(&r, now);
				break;
			default:
				if (sip_msg_parse(&m, p + 2, n - 2, 0, NULL) ==
				    SIP_OK && !m.is_request)
					sip_reg_response(&r, &m, now);
				else	/* a reg event asks: by its 3rd byte */
					sip_reg_refresh(&r, now + (n > 2 ?
					    (uint64_t)(unsigned char)p[2] *
					    1000 : 0), now);
				break;
			}
			drain(&r);
		}
		p += n + (nul != NULL);
	}
	sip_reg_release(&r);
	return 0;
}
