/*
 * tap.h - the smallest TAP producer: ok(cond, fmt, ...) and done().
 */
#ifndef SIPBOX_TAP_H
#define SIPBOX_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_failed;

__attribute__((format(printf, 2, 3), unused)) static int
ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	return cond;
}

__attribute__((unused)) static int
done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}

#endif
