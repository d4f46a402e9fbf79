/*
 * version.c - library versions for `sipbox --version`.
 */
#include <openssl/crypto.h>
#include <openssl/opensslv.h>

#include "cap.h"
#include "ossl.h"
#include "version.h"

const char *
sip_version_openssl(void)
{
	/* as for libpcap: loading it only to say so would cost 1.4 ms */
	if (!sip_ossl_loaded())
		return OPENSSL_VERSION_TEXT " (built with), loaded when "
		    "first needed (TLS, digest, WebSocket)";
	return OpenSSL_version(OPENSSL_VERSION);
}

const char *
sip_version_pcap(void)
{
	const char *v = sip_cap_lib_version();

	/* loading it only to say so would cost what dlopen() saves */
	return v != NULL ? v : "loaded when a capture is opened";
}
