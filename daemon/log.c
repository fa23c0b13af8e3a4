/*
 * log: one line per event on stderr.  Under systemd journald reads the
 * "<N>" prefix as the priority and stamps time and pid itself, so neither
 * is written; in the foreground a local time helps a human.  The level and
 * the foreground flag are the program's only file-scope mutable state, set
 * at start and on reload, as in OpenBSD's log.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/event.h>

#include "log.h"

static int	log_level = LOG_LEVEL_NOTICE;
static bool	log_foreground = true;

void
log_init(int level, bool foreground)
{
	log_level = level;
	log_foreground = foreground;
}

void
log_setlevel(int level)
{
	log_level = level;
}

int
log_getlevel(void)
{
	return log_level;
}

int
log_level_parse(const char *name)
{
	static const struct {
		const char	*name;
		int		 level;
	} names[] = {
		{ "error", LOG_LEVEL_ERR },
		{ "err", LOG_LEVEL_ERR },
		{ "warning", LOG_LEVEL_WARNING },
		{ "warn", LOG_LEVEL_WARNING },
		{ "notice", LOG_LEVEL_NOTICE },
		{ "info", LOG_LEVEL_INFO },
		{ "debug", LOG_LEVEL_DEBUG },
	};
	size_t	 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(name, names[i].name) == 0)
			return names[i].level;
	return -1;
}

static void __attribute__((format(printf, 3, 0)))
log_vwrite(int level, const char *suffix, const char *fmt, va_list ap)
{
	static const char *const names[] = {
		"emerg", "alert", "crit", "error", "warning", "notice",
		"info", "debug"
	};
	char		 line[4096], stamp[32];
	struct tm	 tm;
	time_t		 now;
	size_t		 i;

	if (level > log_level)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	/* A newline inside a message would split one event into two. */
	for (i = 0; line[i] != '\0'; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	if (log_foreground) {
		now = time(NULL);
		localtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(stderr, "%s %s: %s%s%s\n", stamp, names[level], line,
		    suffix ? ": " : "", suffix ? suffix : "");
	} else
		fprintf(stderr, "<%d>%s%s%s\n", level, line,
		    suffix ? ": " : "", suffix ? suffix : "");
	fflush(stderr);
}

#define LOG_FUNC(name, level)					\
void								\
name(const char *fmt, ...)					\
{								\
	va_list	 ap;						\
								\
	va_start(ap, fmt);					\
	log_vwrite(level, NULL, fmt, ap);			\
	va_end(ap);						\
}

LOG_FUNC(log_error, LOG_LEVEL_ERR)
LOG_FUNC(log_warn, LOG_LEVEL_WARNING)
LOG_FUNC(log_notice, LOG_LEVEL_NOTICE)
LOG_FUNC(log_info, LOG_LEVEL_INFO)
LOG_FUNC(log_debug, LOG_LEVEL_DEBUG)

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERR, strerror(saved), fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERR, NULL, fmt, ap);
	va_end(ap);
	exit(1);
}

static void
log_libevent_cb(int severity, const char *msg)
{
	log_debug("libevent: severity=%d %s", severity, msg);
}

void
log_route_libevent(void)
{
	event_set_log_callback(log_libevent_cb);
}
