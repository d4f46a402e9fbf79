/*
 * snaplen.h - a capture file whose header promises a snap length smaller
 * than its records (a writer that set it wrong, a file edited by hand):
 * libpcap cuts every pcap record to that length, and refuses a pcapng
 * file outright, where tshark reads each record by its own length.
 *
 * sip_snaplen_open() puts a stream in front of the file that gives the
 * same bytes with each snap length below SIP_SNAPLEN_MAX (the pcap file
 * header's, each pcapng Interface Description Block's) raised to it, so
 * libpcap reads records by their own lengths too; the caller can then
 * say which records were longer than the file claimed.  It reads only
 * forward and looks at no more than block headers.
 */
#ifndef SIPBOX_SNAPLEN_H
#define SIPBOX_SNAPLEN_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"

/* libpcap's largest snap length for every link type it reads here. */
#define SIP_SNAPLEN_MAX		262144u

struct sip_snaplen;

/*
 * A stream over fp, in *out, giving fp's bytes with small snap lengths
 * raised.  Closing *out closes fp and frees *sp; until then *sp answers
 * sip_snaplen_orig().  SIP_E_NOMEM leaves fp open.
 */
enum sip_err	sip_snaplen_open(struct sip_snaplen **sp, FILE *fp,
		    FILE **out);
/* Closing the stream over it will leave fp open (to give it back). */
void		sip_snaplen_keep_fp(struct sip_snaplen *s);
/*
 * The pcap file header as it went to libpcap (its snap length raised),
 * once read; NULL for pcapng or a file shorter than the header.
 */
const uint8_t	*sip_snaplen_pcap_header(const struct sip_snaplen *s);
/* The smallest snap length raised so far; 0 when none was. */
uint32_t	sip_snaplen_orig(const struct sip_snaplen *s);

#endif
