/*
 * status.h - response status codes and their reason phrases
 * (RFC 3261 21 and later RFCs).
 */
#ifndef SIPBOX_STATUS_H
#define SIPBOX_STATUS_H

/* The standard reason phrase for code, or NULL for an unknown one. */
const char	*sip_status_reason(int code);

#endif
