/*
 * lru.h - an intrusive list in order of last use, for the tables that
 * must drop the entry idle longest without a scan (the dialog table of
 * lib/calls, the TCP flow table of lib/reasm).  An entry embeds a struct
 * sip_lru_link and is found from it with SIP_LRU_ENTRY().
 */
#ifndef SIPBOX_LRU_H
#define SIPBOX_LRU_H

#include <stddef.h>

struct sip_lru_link {
	struct sip_lru_link	*prev, *next;	/* towards idle, towards busy */
};

struct sip_lru {
	struct sip_lru_link	*idle, *busy;	/* least, most recently used */
};

#define SIP_LRU_ENTRY(link, type, member)				\
	((type *)(void *)((char *)(link) - offsetof(type, member)))

/* Take n off l; a link that is on no list is left as it is. */
static inline void
sip_lru_unlink(struct sip_lru *l, struct sip_lru_link *n)
{
	if (n->prev != NULL)
		n->prev->next = n->next;
	else if (l->idle == n)
		l->idle = n->next;
	if (n->next != NULL)
		n->next->prev = n->prev;
	else if (l->busy == n)
		l->busy = n->prev;
	n->prev = n->next = NULL;
}

/* n was just used: to the busy end of l (n may be on l already). */
static inline void
sip_lru_touch(struct sip_lru *l, struct sip_lru_link *n)
{
	if (l->busy == n)
		return;
	sip_lru_unlink(l, n);
	n->prev = l->busy;
	if (l->busy != NULL)
		l->busy->next = n;
	else
		l->idle = n;
	l->busy = n;
}

#endif
