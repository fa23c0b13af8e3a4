/*
 * config: the daemon's INI settings (libinih) and its feed list (plain list
 * or OPML 2.0) turned into plain structs.  Pure: reads files only when asked
 * (start, reload, check-config), never logs; every error is
 * "FILE:LINE: message" in the caller's buffer.
 */
#ifndef CLAIMWATCH_CONFIG_H
#define CLAIMWATCH_CONFIG_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>

#define CONFIG_ERR_LEN		1024
/* Namespace of claimwatch's own attributes in OPML feed lists. */
#define CONFIG_OPML_NS		"urn:x-claimwatch:opml:1"

/* What a feed's auth=FILE holds (config_auth.c). */
enum config_auth {
	CONFIG_AUTH_NONE,
	CONFIG_AUTH_BASIC,	/* auth_user, auth_secret the password */
	CONFIG_AUTH_BEARER,	/* auth_secret the token */
	CONFIG_AUTH_HEADER	/* auth_secret a "Name: value" line */
};

struct config_feed {
	char	*url;		/* as listed, absolute */
	char	*title;		/* OPML title/text, or NULL */
	char	**categories;	/* OPML folders it is filed in; owned */
	size_t	 ncategories;
	int	 interval;	/* seconds; 0 means [poll] interval */
	char	*lang;		/* "id", "en", ...; NULL means auto */
	bool	 fetch_articles; /* also fetch each new item's link */
	int	 line;		/* line in the feed list, for messages */
	enum config_auth auth;	/* credentials from auth=FILE, or none */
	char	*auth_file;	/* that file, resolved; shown, not secret */
	char	*auth_user;	/* basic: the user; never shown */
	char	*auth_secret;	/* password, token or header; never shown */
};

/* [alerts] watch = GLOB [ABS [REL]]: keys that alert, with tolerances. */
struct config_watch {
	char	*pattern;	/* fnmatch(3) glob over claim keys */
	double	 tolerance_abs;	/* |new - old| <= abs is no change */
	double	 tolerance_rel;	/* |new - old| <= rel * old is no change */
};

enum config_notify_kind {
	CONFIG_NOTIFY_WEBHOOK,	/* POST to url */
	CONFIG_NOTIFY_EXEC	/* run argv, alert JSON on stdin */
};

/* [notify NAME]: one sink of `claimwatch notify` (config_notify.c). */
struct config_notify {
	char	*name;
	int	 line;		/* of its section header, for messages */
	enum config_notify_kind kind;
	char	*url;		/* webhook target; may hold a token */
	char	**headers;	/* "Name: value" lines (tokens), nheaders */
	size_t	 nheaders;
	char	*body;		/* template with {{field}}s, or NULL: the
				   alert JSON as published */
	bool	 body_json;	/* fields JSON-escaped (default), else raw */
	char	*content_type;	/* default application/json */
	char	**argv;		/* exec: program and arguments, NULL-ended */
	size_t	 argc;
	long	 timeout_ms;	/* one attempt, default 10 s */
	int	 retries;	/* attempts after the first, default 8 */
	long	 retry_min_ms;	/* first backoff, default 1 s */
	long	 retry_max_ms;	/* backoff ceiling, default 5 min */
	bool	 allow_private;	/* loopback/private webhook targets */
	char	**keys;		/* filters: globs over claim keys, nkeys */
	size_t	 nkeys;
	char	**entities;	/* entity ids; "-" matches none */
	size_t	 nentities;
	char	**events;
	size_t	 nevents;
	char	**types;	/* new, changed, corroborated */
	size_t	 ntypes;
	double	 min_change;	/* relative; "changed" below it dropped */
	long	 digest_ms;	/* 0: one message per alert */
	bool	 from_start;	/* start = all: a new group reads the whole
				   stream, else only what comes next */
	char	*group;		/* consumer group, default cw-notify-NAME */
	char	*dead_letter;	/* stream, default STREAM:dead:NAME */
	unsigned long set;	/* keys given (config's "set twice" check) */
};

struct config {
	char	*path;		/* the config file as given */

	/* [redis] */
	char	*redis_url;	/* redis://host:port/db or unix:///path */
	char	*redis_password; /* or NULL; never logged */
	char	*prefix;	/* key prefix, default "cw:" */
	char	*channel;	/* PUBLISH channel, "claimwatch:alerts" */
	char	*stream;	/* XADD stream, default = channel */
	long	 stream_maxlen;	/* MAXLEN ~, default STORE_STREAM_MAXLEN */
	long	 seen_max;	/* seen ids kept per feed, STORE_SEEN_MAX */

	/* [feeds] */
	char	*feeds_list;	/* path; relative ones resolved on load */

	/* [poll] */
	int	 interval;	/* default seconds between polls, 300 */
	int	 min_interval;	/* floor for feed hints, 60 */
	int	 max_interval;	/* ceiling for hints and backoff, 86400 */
	int	 connect_timeout; /* seconds, 10 */
	int	 timeout;	/* whole transfer, seconds, 30 */
	long	 max_body;	/* bytes, also decompressed, FETCH_MAX_BODY */
	int	 max_redirects;	/* 5 */
	int	 max_per_host;	/* concurrent transfers per host, 4 */
	int	 max_total;	/* concurrent transfers in all, 256 */
	int	 max_failures;	/* failures before "failing", 5 */
	char	*user_agent;	/* default FETCH_USER_AGENT */
	bool	 allow_private;	/* allow loopback/private targets, no */
	char	*proxy;		/* NULL: from http_proxy and the like;
				   "": none; else the proxy's URL */
	char	*resolver;	/* nameserver judging targets behind the
				   proxy, "ADDR[:PORT]"; NULL: resolv.conf */
	unsigned protocols;	/* FETCH_PROTO_*, default http|https */

	/* [extract] */
	char	*lexicon_dir;	/* default CW_DATADIR/lexicon, resolved too */
	bool	 lexicon_dir_set; /* given in the file, not the default */
	char	*lang;		/* default language: "auto", "id", "en" */
	char	*gazetteer_dir;	/* default lexicon_dir/../gazetteer */
	bool	 gazetteer_dir_set; /* given in the file, not the default */

	/* [alerts] */
	double	 tolerance_abs;	/* default for watches without one, 0 */
	double	 tolerance_rel;	/* default for watches without one, 0 */
	bool	 corroborated;	/* also alert "corroborated", no */
	int	 max_age;	/* seconds; older items alert not, 2d; 0 off */
	struct config_watch *watches;	/* empty means every key */
	size_t	 nwatches;

	/* [http] */
	char	*http_listen;	/* "127.0.0.1:9187"; "" or NULL = off */
	char	*http_token;	/* bearer token the page asks for, or NULL */

	/* [daemon] */
	char	*state_dir;	/* spool, state; /var/lib/claimwatch */
	int	 log_level;	/* LOG_LEVEL_* value, notice */

	/* [notify] and the [notify NAME] sinks */
	char	*notify_listen;	/* metrics of `claimwatch notify`, or NULL */
	char	*notify_consumer; /* consumer name, default hostname */
	long	 notify_claim_idle_ms; /* take over others' pending entries
				   idle this long, default 5 min; 0: off */
	struct config_notify *notify;
	size_t	 nnotify;

	/* The feed list, loaded with the settings. */
	struct config_feed *feeds;
	size_t	 nfeeds;
	/* "FILE:LINE: message" the loader warns about (not errors); owned. */
	char	**warnings;
	size_t	 nwarnings;
};

/*
 * Loads the INI file at path and the feed list it names.  Returns a new
 * config (free with config_free) or NULL with "FILE:LINE: message" in err
 * (the first error only, see config_load_all; FILE is the feed list for
 * errors in it).
 * Unknown sections and keys are errors.  Relative paths (list,
 * lexicon_dir, state_dir) come back joined to the config file's directory;
 * watches without tolerances get [alerts]'s; feeds whose scheme is not in
 * [poll] protocols are errors.  Lines are at most 198 characters.
 */
struct config	*config_load(const char *path, char *err, size_t errlen);

/* Receives one "FILE:LINE: message"; msg lives until the call returns. */
typedef void (*config_error_cb)(const char *msg, void *arg);
/*
 * Like config_load, but reports every error, not only the first (OpenBSD
 * parse.y style: count and go on), in order: the INI file's by line, then
 * the feed list's, each through cb.  Sets *nerrors.  Returns the config
 * even when there were errors (defaults stand in for bad values; free it
 * with config_free), or NULL when the file could not be read at all.
 */
struct config	*config_load_all(const char *path, config_error_cb cb,
		    void *arg, size_t *nerrors);

/*
 * Loads only a feed list (plain: one URL per line, '#' comments, optional
 * "interval=DURATION lang=LL articles=BOOL auth=FILE" after the URL; or
 * OPML 2.0 when the file starts with XML: outlines with xmlUrl, title or
 * text, and the same options as attributes, plain or in namespace
 * CONFIG_OPML_NS).  auth=FILE is read relative to the list's directory.
 * On success stores a new array in *feeds and its length in *nfeeds
 * (caller frees them with config_feeds_free) and returns 0; else -1 with
 * "FILE:LINE: message" and *feeds untouched.
 */
int		 config_feeds_load(const char *path, struct config_feed **feeds,
		    size_t *nfeeds, char *err, size_t errlen);
void		 config_feeds_free(struct config_feed *, size_t);
/*
 * Writes the feeds as an OPML 2.0 document to fp: one folder per
 * category holding its feeds, the rest at the top, options in the
 * CONFIG_OPML_NS namespace; every string XML-escaped, bytes XML cannot
 * hold dropped.  config_feeds_load reads it back to the same list.
 * Returns 0, or -1 when writing failed.
 */
int		 config_feeds_write_opml(FILE *, const struct config_feed *,
		    size_t);

/* Frees the config and everything it owns; NULL is a no-op. */
void		 config_free(struct config *);

#endif
