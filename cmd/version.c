/*
 * version.c - library versions for `sipbox --version`.
 */
#include <openssl/crypto.h>

#include "cap.h"
#include "version.h"

const char *
sip_version_openssl(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}

const char *
sip_version_pcap(void)
{
	const char *v = sip_cap_lib_version();

	/* loading it only to say so would cost what dlopen() saves */
	return v != NULL ? v : "loaded when a capture is opened";
}
