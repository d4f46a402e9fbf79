/*
 * tlsdec.h - decrypt TLS 1.2 and 1.3 records in captures with a key log.
 *
 * The key log is the NSS format SSLKEYLOGFILE writes.  One struct
 * sip_tlsdec follows one TCP connection: each side's stream bytes are fed
 * in order and the application data comes out decrypted.  No I/O, no
 * clock.
 */
#ifndef SIP_TLSDEC_H
#define SIP_TLSDEC_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct sip_tlsdec_keys;
struct sip_tlsdec;

/* Largest record body, and plaintext: 2^14 plus expansion (RFC 5246 6.2.3). */
#define SIP_TLSDEC_MAX	(16384 + 2048)

/*
 * Parse a key log of n bytes.  Lines of other labels and comments are
 * skipped; a line that is not "LABEL <64 hex> <hex>" gives SIP_E_PARSE
 * with its line number in *line.  SIP_E_NOMEM.
 */
enum sip_err	sip_tlsdec_keys_parse(struct sip_tlsdec_keys **kp,
		    const char *p, size_t n, size_t *line);
/* Private keys one set may hold for --tls-key. */
#define SIP_TLSDEC_MAX_RSA	16

/*
 * Add the RSA private keys of PEM text pem[0..n) to *kp (made when NULL):
 * a TLS 1.2 session with RSA key exchange and no key log line is opened
 * with the key of its server's certificate.  SIP_E_PARSE with *why when
 * the text holds no unencrypted private key or one that is not RSA;
 * SIP_E_NOMEM.  The keys are freed with the set.
 */
enum sip_err	sip_tlsdec_keys_rsa(struct sip_tlsdec_keys **kp,
		    const char *pem, size_t n, const char **why);
/* How many secrets the key log holds. */
size_t		sip_tlsdec_keys_count(const struct sip_tlsdec_keys *k);
void		sip_tlsdec_keys_free(struct sip_tlsdec_keys *k);

/* A connection's decrypter (keys must outlive it), with one reference. */
struct sip_tlsdec	*sip_tlsdec_new(const struct sip_tlsdec_keys *k);
/* Another reference: both sides of a connection share one. */
void		sip_tlsdec_hold(struct sip_tlsdec *d);
/* Drop a reference; the last frees it. */
void		sip_tlsdec_free(struct sip_tlsdec *d);

/* Stream bytes of side 0 or 1 (either may be the client). */
enum sip_err	sip_tlsdec_feed(struct sip_tlsdec *d, int side,
		    const uint8_t *p, size_t n);
/*
 * The next application data of side: SIP_OK with *outlen bytes in out
 * (SIP_TLSDEC_MAX bytes, shared by many decrypters), SIP_E_PARTIAL when more bytes are
 * needed, SIP_E_PARSE when the side cannot be decrypted (no key for the
 * session, a key that does not fit, not TLS): sip_tlsdec_why() says
 * which, once; the side's later bytes are dropped.
 */
enum sip_err	sip_tlsdec_next(struct sip_tlsdec *d, int side,
		    uint8_t *out, size_t *outlen);
const char	*sip_tlsdec_why(const struct sip_tlsdec *d);

#endif
