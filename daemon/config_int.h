/*
 * config_int.h: helpers shared by config.c (the INI settings),
 * config_value.c (value syntax) and config_feeds.c (the feed list).
 * Private to the config module.
 */
#ifndef CLAIMWATCH_CONFIG_INT_H
#define CLAIMWATCH_CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>

/* Bounds on input sizes, checked before anything is allocated. */
#define CONFIG_FILE_MAX		(1024 * 1024)	/* the INI file */
#define CONFIG_FEEDS_FILE_MAX	(64 * 1024 * 1024) /* a feed list */
#define CONFIG_FEEDS_MAX	1000000		/* feeds in one list */
#define CONFIG_URL_MAX		2048		/* one feed URL */
/* Tests poll every second; production lists say minutes. */
#define CONFIG_INTERVAL_MIN	1		/* interval floor */
#define CONFIG_INTERVAL_MAX	(30 * 86400)	/* and ceiling */

/* "file:line: message" into err; line 0 leaves the line out. */
void	 config_errf(char *, size_t, const char *, int, const char *, ...)
	    __attribute__((format(printf, 5, 6)));

/*
 * Value parsers: 0 on success, -1 with a message (no "file:line:") in
 * err.  They accept the whole string only, never a prefix.
 */
int	 config_parse_long(const char *, long, long, long *, char *, size_t);
int	 config_parse_bool(const char *, bool *, char *, size_t);
int	 config_parse_size(const char *, long, long, long *, char *, size_t);
int	 config_parse_duration(const char *, long, long, long *, char *,
	    size_t);
/* A number >= 0; with percent, "5%" is also accepted and means 0.05. */
int	 config_parse_double(const char *, bool, double *, char *, size_t);
int	 config_parse_redis_url(const char *, char *, size_t);
/* Seed nodes "HOST:PORT[,HOST:PORT...]" of a Redis Cluster. */
int	 config_parse_cluster_nodes(const char *, char *, size_t);
int	 config_parse_protocols(const char *, unsigned *, char *, size_t);
int	 config_parse_lang(const char *, bool, char *, size_t);
int	 config_parse_listen(const char *, char *, size_t);
int	 config_parse_token(const char *, size_t, char *, size_t);

/*
 * url for a message, with any "user:password@" shown as "***@": messages
 * end up in logs, credentials must not.  Cut to fit len.
 */
void	 config_url_redact(const char *, char *, size_t);

/*
 * config_feeds_load reporting each error through cb too (when not NULL):
 * a plain list goes on past a bad line, so that every one is reported.
 */
int	 config_feeds_load_report(const char *, struct config_feed **,
	    size_t *, char *, size_t, void (*)(const char *, void *),
	    void (*warn)(const char *, void *), void *);

/*
 * A feed's auth=FILE (config_auth.c): FILE, resolved against dir, read
 * into f's auth fields (replacing any).  Returns 0, with a warning in warn
 * ("" when none) for a file its group may read; or -1 with a message (no
 * "file:line:", never the file's content) and f without credentials.
 */
struct config_feed;
int	 config_auth_load(struct config_feed *, const char *dir,
	    const char *, char *, size_t, char *warn, size_t);
/* Wipes and frees f's credentials. */
void	 config_auth_clear(struct config_feed *);
/* [poll] proxy: "none", or a http, https or socks proxy URL. */
int	 config_parse_proxy(const char *, char *, size_t);
/* [poll] resolver: IPV4[:PORT], IPV6 or [IPV6]:PORT. */
int	 config_parse_resolver(const char *, char *, size_t);

/* Feed URLs: absolute http, https or file; returns its FETCH_PROTO_*. */
int	 config_parse_feed_url(const char *, unsigned *, char *, size_t);

/*
 * The candidate nearest to word by edit distance when it is close enough
 * to be a likely typo, else NULL.  candidates ends with NULL.
 */
const char *config_suggest(const char *, const char *const *);

/* Joins dir and path unless path is absolute; caller frees. */
char	*config_path_resolve(const char *, const char *);
/* The directory part of a file path ("." when it has none); caller frees. */
char	*config_path_dir(const char *);

/*
 * [notify] and [notify NAME] (config_notify.c).  config_notify_section
 * tells whether a section header is one of them.  config_notify_set takes
 * one key (-1 with a message); config_notify_finish fills the defaults
 * naming the alert stream and reports each incomplete sink to the
 * callback with the line of its header.  Messages never show header
 * values or URLs beyond their origin: they carry tokens.
 */
struct config;
bool	 config_notify_section(const char *);
/* At a [notify NAME] header: the sink starts here (checks NAME). */
int	 config_notify_begin(struct config *, const char *section, int line,
	    char *, size_t);
int	 config_notify_set(struct config *, const char *section,
	    const char *name, const char *value, int line, char *, size_t);
typedef void (*config_notify_fail)(void *arg, int line, const char *msg);
void	 config_notify_finish(struct config *, config_notify_fail, void *);
void	 config_notify_free(struct config *);

#endif
