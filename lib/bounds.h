/*
 * bounds.h - every bound sipbox enforces, in one place.  Exceeding one is
 * an error (SIP_E_TOOBIG), never a silent truncation.
 */
#ifndef SIPBOX_BOUNDS_H
#define SIPBOX_BOUNDS_H

#define SIP_MAX_MSG		(1024u * 1024)	/* one message, head and body */
#define SIP_MAX_HEAD		(256u * 1024)	/* start line plus headers */
#define SIP_MAX_HDRS		256		/* header lines in one message */
#define SIP_MAX_LINE		(64u * 1024)	/* one header line, folded */
#define SIP_MAX_BODY		(SIP_MAX_MSG)	/* Content-Length */
#define SIP_MAX_URI_PARAMS	32		/* ;params in one URI */
#define SIP_MAX_URI_HEADERS	16		/* ?headers in one URI */
#define SIP_MAX_HDR_PARAMS	32		/* ;params in one header value */
#define SIP_MAX_ROUTE_SET	32		/* routes in a dialog's route set */
#define SIP_MAX_CSEQ		2147483647u	/* RFC 3261 8.1.1.5: < 2^31 */
#define SIP_MAX_MAXFWD		255u
#define SIP_MAX_INPUT		(1024u * 1024 * 1024)	/* one input file */

#endif
