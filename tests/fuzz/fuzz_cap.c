/*
 * fuzz_cap.c - libFuzzer target for the capture path: the bytes of a
 * pcap or pcapng file, through libpcap, link layers, IP, fragments, TCP
 * reassembly, SCTP, WebSocket and HEP, to SIP and MGCP messages (HEP3
 * protocol type 6 among them).
 */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

#include "cap.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sip_capmsg cm;
	struct sip_cap *c;
	struct sip_cap_dump *d = NULL;
	char err[512];
	enum sip_err e;
	unsigned long n = 0;
	FILE *f;

	if (size == 0 || (f = fmemopen((void *)data, size, "rb")) == NULL)
		return 0;
	if (sip_cap_open_fp(&c, f, err, sizeof(err)) != SIP_OK) {
		fclose(f);
		return 0;
	}
	/* Keep every packet of a message and write them, as -w does. */
	sip_cap_keep_packets(c);
	sip_cap_mgcp(c);		/* as sip-parse and sdp-lint read */
	(void)sip_cap_dump_open(&d, c, "/dev/null", err, sizeof(err));
	while ((e = sip_cap_next(c, &cm)) != SIP_E_NOTFOUND &&
	    e != SIP_E_SYS && e != SIP_E_NOMEM && n++ < 100000) {
		if (e == SIP_OK) {
			if (cm.msg != NULL)
				(void)sip_msg_hdr(cm.msg, SIP_HDR_CALL_ID);
			else
				(void)mgcp_param(cm.mgcp, "C");
			if (d != NULL)
				(void)sip_cap_dump(d, c, &cm);
		}
	}
	if (d != NULL)
		sip_cap_dump_flush(d);
	(void)sip_cap_dump_close(d);
	(void)sip_cap_stats(c);
	sip_cap_free(c);
	return 0;
}
