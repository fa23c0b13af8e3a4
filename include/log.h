/*
 * log: leveled lines that journald understands.  Under systemd every line
 * goes to stderr with its sd-daemon priority prefix ("<3>" ... "<7>"), no
 * time and no pid (journald adds both); in the foreground (-d) lines are
 * plain with a local time.  The level and sink are the only file-scope
 * state in the program, set at start and on reload (OpenBSD log.c).
 */
#ifndef CLAIMWATCH_LOG_H
#define CLAIMWATCH_LOG_H

#include <stdbool.h>

/* The numbers are syslog's, so they double as journald priorities. */
#define LOG_LEVEL_ERR		3
#define LOG_LEVEL_WARNING	4
#define LOG_LEVEL_NOTICE	5
#define LOG_LEVEL_INFO		6
#define LOG_LEVEL_DEBUG		7

/* foreground: plain lines with a time; else "<N>" prefixes. */
void	log_init(int level, bool foreground);
void	log_setlevel(int);
int	log_getlevel(void);
/* "error", "warning", "notice", "info", "debug" → level, or -1. */
int	log_level_parse(const char *);

void	log_error(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_notice(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
/* Log at error level and exit(1); fatal appends strerror(errno). */
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/* Hands libevent's own messages to log_debug. */
void	log_route_libevent(void);

#endif
