/*
 * trace.h - the one trace callback of lib/ (curl's debug callback): a
 * message sent or received by lib/uac, lib/uas or lib/tpset, or a line
 * of text from lib/resolve.  lib/ never prints; the applet's callback
 * (cmd/trace.c) decides what -v shows.
 */
#ifndef SIPBOX_TRACE_H
#define SIPBOX_TRACE_H

#include <stddef.h>

#include "net.h"
#include "tpname.h"

enum sip_trace_kind {
	SIP_TRACE_IN,		/* a message received */
	SIP_TRACE_OUT,		/* a message sent */
	SIP_TRACE_INFO		/* a text line, no newline (DNS) */
};

/* Valid during the call only: data points into the sender's buffer. */
struct sip_trace_ev {
	enum sip_trace_kind	 kind;
	const char		*data;
	size_t			 len;
	int			 retrans;	/* OUT: sent again */
	enum sip_tp		 tp;		/* IN, OUT */
	const struct sip_sockaddr *peer;	/* IN, OUT: the other end */
};

typedef void	sip_trace_fn(void *arg, const struct sip_trace_ev *ev);

/* Embedded in each producer; fn NULL: nothing is traced. */
struct sip_trace {
	sip_trace_fn	*fn;
	void		*arg;
};

/*
 * A message in or out, or a text line (SIP_TP_NONE, who NULL).  Inline
 * and tested first so that the untraced fast path (a sip-send ping run)
 * pays one compare, no call.
 */
static inline void
sip_trace_msg(const struct sip_trace *t, enum sip_trace_kind kind,
    const char *data, size_t len, int retrans, enum sip_tp tp,
    const struct sip_sockaddr *who)
{
	struct sip_trace_ev ev;

	if (t->fn == NULL)
		return;
	ev.kind = kind;
	ev.data = data;
	ev.len = len;
	ev.retrans = retrans;
	ev.tp = tp;
	ev.peer = who;
	t->fn(t->arg, &ev);
}

#endif
