/*
 * input.c - an input operand of sip-parse and sdp-lint opened the one
 * way: "-" is standard input, any readable path works whether it can
 * seek or not (pipes, FIFOs, <(...)), gzip is inflated, and a capture
 * is told from text by its magic, not by its name.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "bounds.h"
#include "cap.h"
#include "input.h"

int
input_open(const char *path, const char *shown, struct input *ip)
{
	char err[256 + 64];
	const char *why;
	enum sip_err e;
	int fd = STDIN_FILENO;

	memset(ip, 0, sizeof(*ip));
	if (strcmp(path, "-") != 0 &&
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		errorf_errno("%s", shown);
		return SIP_EXIT_INVALID;
	}
	if ((e = sip_input_open(&ip->in, fd, fd != STDIN_FILENO)) != SIP_OK) {
		if (e == SIP_E_NOMEM)
			die(SIP_EXIT_NET, "out of memory");
		errorf_errno("%s", shown);
		if (fd != STDIN_FILENO)
			close(fd);
		return SIP_EXIT_INVALID;
	}
	if (sip_input_kind(ip->in) == SIP_INPUT_CAPTURE) {
		e = sip_cap_open_fp(&ip->cap, sip_input_fp(ip->in), err,
		    sizeof(err));
		if (e == SIP_E_NOMEM)
			die(SIP_EXIT_NET, "out of memory");
		if (e != SIP_OK) {
			why = sip_input_error(ip->in);
			errorf("%s: %s", shown, why != NULL ? why : err);
			input_release(ip);
			return SIP_EXIT_INVALID;
		}
		notef("%s: %scapture, link type %d", shown,
		    sip_input_gzip(ip->in) ? "gzip-compressed " : "",
		    sip_cap_linktype(ip->cap));
		return 0;
	}
	return 0;
}

int
input_load(const char *path, const char *shown, struct input *ip)
{
	enum sip_err e;
	int rc;

	if ((rc = input_open(path, shown, ip)) != 0 || ip->cap != NULL)
		return rc;
	e = sip_input_read_all(ip->in, SIP_MAX_INPUT, &ip->data, &ip->len);
	if (e == SIP_E_NOMEM)
		die(SIP_EXIT_NET, "out of memory");
	if (e == SIP_E_TOOBIG)
		errorf("%s: larger than %u MiB", shown, SIP_MAX_INPUT >> 20);
	else if (e != SIP_OK)
		errorf("%s: %s", shown, sip_input_error(ip->in));
	if (e != SIP_OK) {
		input_release(ip);
		return SIP_EXIT_INVALID;
	}
	notef("%s: %zu bytes%s", shown, ip->len,
	    sip_input_gzip(ip->in) ? " (gzip-compressed)" : "");
	return 0;
}

/*
 * A read error in a capture: the gzip layer's reason when there is one
 * (libpcap would only say the file was cut short), else libpcap's.
 */
const char *
input_cap_error(const struct input *ip)
{
	const char *why = sip_input_error(ip->in);

	return why != NULL ? why : sip_cap_error(ip->cap);
}

void
input_release(struct input *ip)
{
	/* The capture first: closing it closes the input's stream. */
	sip_cap_free(ip->cap);
	sip_input_free(ip->in);
	free(ip->data);
	memset(ip, 0, sizeof(*ip));
}
