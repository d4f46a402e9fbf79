/*
 * version.h - the versions of the libraries sipbox was built with, for
 * `sipbox --version`.
 */
#ifndef SIPBOX_VERSION_H
#define SIPBOX_VERSION_H

const char	*sip_version_openssl(void);
const char	*sip_version_pcap(void);

#endif
