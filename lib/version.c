/*
 * version.c - library versions for `sipbox --version`.
 */
#include <openssl/crypto.h>
#include <pcap/pcap.h>

#include "version.h"

const char *
sip_version_openssl(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}

const char *
sip_version_pcap(void)
{
	return pcap_lib_version();
}
