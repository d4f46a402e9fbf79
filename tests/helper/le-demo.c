/*
 * le-demo - the line editor on the loop, as sip-im will use it: a timer
 * prints "tick N" above the prompt while lines are read; each entered
 * line is echoed as "line: [TEXT]".
 *
 * usage: le-demo [INTERVAL_MS [TICKS]] | le-demo -V
 * INTERVAL_MS defaults to 300; TICKS (default 0, no limit) stops the
 * ticking after that many.  Ends on "quit", end of input ("eof" is
 * printed), SIGINT or SIGTERM, or after 120 s whatever happens.  -V
 * prints the line editor built in.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lineedit.h"
#include "loop.h"

static struct sip_loop *loop;
static struct sip_timer tick, limit;
static unsigned long interval = 300, ticks, maxticks;

static void
on_tick(struct sip_timer *t, void *arg)
{
	(void)arg;
	sip_le_printf("tick %lu", ++ticks);
	if (maxticks == 0 || ticks < maxticks)
		sip_loop_timer_in(loop, t, interval);
}

static void
on_limit(struct sip_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	sip_le_stop();
	sip_loop_stop(loop, 1);
}

static void
on_line(const char *line, void *arg)
{
	(void)arg;
	if (line == NULL) {
		printf("eof\n");
		sip_loop_stop(loop, 0);
		return;
	}
	sip_le_printf("line: [%s]", line);
	if (strcmp(line, "quit") == 0) {
		sip_le_stop();
		sip_loop_stop(loop, 0);
	}
}

static void
on_signal(struct sip_loop *l, int signo, void *arg)
{
	(void)arg;
	sip_le_stop();
	sip_loop_stop(l, 128 + signo);
}

int
main(int argc, char **argv)
{
	int r;

	if (argc == 2 && strcmp(argv[1], "-V") == 0) {
		printf("%s\n", sip_le_version());
		return 0;
	}
	if (argc > 1)
		interval = strtoul(argv[1], NULL, 10);
	if (argc > 2)
		maxticks = strtoul(argv[2], NULL, 10);
	if (argc > 3 || interval == 0) {
		fprintf(stderr, "usage: le-demo [INTERVAL_MS [TICKS]]\n");
		return 2;
	}
	if ((loop = sip_loop_new()) == NULL) {
		perror("le-demo: loop");
		return 1;
	}
	sip_loop_signal(loop, SIGINT, on_signal, NULL);
	sip_loop_signal(loop, SIGTERM, on_signal, NULL);
	sip_timer_init(&tick, on_tick, NULL);
	sip_timer_init(&limit, on_limit, NULL);
	sip_loop_timer_in(loop, &tick, interval);
	sip_loop_timer_in(loop, &limit, 120000);
	if (sip_le_start(loop, "> ", on_line, NULL) != SIP_OK) {
		fprintf(stderr, "le-demo: cannot read stdin\n");
		return 1;
	}
	r = sip_loop_run(loop);
	sip_le_stop();
	sip_loop_free(loop);
	return r;
}
