/*
 * ctx: the one daemon context.  It holds the event_base, the loaded
 * configuration and lexicon, each loop module's opaque state and the
 * per-feed records, and is handed to every callback as its argument;
 * nothing else in the program keeps mutable global state (log.c aside).
 */
#ifndef CLAIMWATCH_CTX_H
#define CLAIMWATCH_CTX_H

#include <sys/queue.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "feed_state.h"
#include "poll.h"

struct poll;
struct config;
struct config_feed;
struct event;
struct event_base;
struct fetch;
struct fetch_options;
struct gazetteer;
struct lexicon;
struct poll_io;
struct scheduler;
struct scheduler_feed;
struct store;
struct store_options;
struct store_watch;
struct http;
struct web;
struct util_buf;
struct work;

/* One watched feed, from the feed list, with its polling state. */
struct ctx_feed {
	struct ctx		*ctx;		/* back pointer, borrowed */
	char			*url;		/* as listed: the feed's identity */
	char			*lang;		/* BCP 47 tag or NULL = auto */
	char			*title;		/* the list's name for it, or NULL */
	char			**categories;	/* the list's folders; owned */
	size_t			 ncategories;
	int			 interval;	/* seconds, 0 = default */
	bool			 articles;	/* fetch_articles */
	bool			 lang_warned;	/* logged: tag has no lexicon */
	enum poll_state		 state;		/* where the poll loop has it */
	struct feed_state	 st;		/* validators, counters and
						   schedule; strings owned */
	struct scheduler_feed	*sf;		/* NULL until scheduled; keeps
						   st's schedule */
	int			 auth;		/* FETCH_AUTH_*, from auth= */
	char			*auth_user;	/* copies, wiped when freed */
	char			*auth_secret;
	TAILQ_ENTRY(ctx_feed)	 entry;
	TAILQ_ENTRY(ctx_feed)	 wentry;	/* in ctx->waiting */
};
TAILQ_HEAD(ctx_feeds, ctx_feed);

/* A Prometheus histogram over fixed second buckets, up to [poll]
   timeout's ceiling (3600 s), so a slow poll is never only "+Inf". */
#define CTX_HIST_BUCKETS 16
struct ctx_hist {
	uint64_t	 counts[CTX_HIST_BUCKETS + 1];	/* last: +Inf */
	double		 sum;
	uint64_t	 count;
};

enum ctx_result {
	CTX_RESULT_OK,
	CTX_RESULT_NOT_MODIFIED,
	CTX_RESULT_ERROR,
	CTX_RESULT_GONE,
	CTX_RESULT_MAX
};

/* Counters for logs and /metrics; only ever incremented. */
struct ctx_stats {
	uint64_t	 by_result[CTX_RESULT_MAX];
	uint64_t	 by_status[600];	/* HTTP status; 0 = none */
	struct ctx_hist	 poll_seconds;		/* due → stored */
	struct ctx_hist	 alert_seconds;		/* fetched → published */
	uint64_t	 polls;
	uint64_t	 leased_elsewhere;	/* polls left to another daemon */
	uint64_t	 polls_failed;
	uint64_t	 not_modified;
	uint64_t	 parse_errors;
	uint64_t	 items_new;
	uint64_t	 items_seen;
	uint64_t	 claims;
	uint64_t	 alerts_day_base;	/* store's alert count at the
						   start of alerts_day */
	int64_t		 alerts_day;		/* UTC day of that base */
	uint64_t	 bytes;
	int64_t		 started_at;		/* UTC seconds */
	int64_t		 reload_time;		/* last load: start or SIGHUP */
	bool		 reload_ok;		/* and whether it was taken */
};

struct ctx {
	struct event_base	*base;
	char			*conf_path;	/* as given with -c */
	struct config		*conf;
	struct lexicon		*lex;
	struct gazetteer	*gaz;		/* places and kinds for stories */
	struct fetch		*fetch;
	struct scheduler	*sched;
	struct store		*store;
	struct http		*http;		/* NULL when [http] is off */
	struct web		*web;		/* the page on http, or NULL */
	struct work		*work;		/* parse and article threads */
	const struct poll_io	*io;		/* how polls reach fetch and
						   store; NULL: those above */
	struct ctx_feeds	 feeds;
	size_t			 nfeeds;
	struct ctx_feeds	 waiting;	/* due feeds beyond the cap */
	TAILQ_HEAD(ctx_polls, poll) polls; /* in flight; owned and
						   freed by poll.c */
	size_t			 inflight;	/* polls not yet finished */
	size_t			 once_left;	/* --once: feeds still to poll */
	bool			 once;		/* poll every feed once, exit */
	int			 log_level;	/* from --log-level, or -1 */
	bool			 started;	/* feeds scheduled after connect */
	bool			 stopping;	/* SIGTERM seen: drain and exit */
	int			 drain_seconds;	/* how long, at most */
	struct event		*ev_sigterm;
	struct event		*ev_sigint;
	struct event		*ev_sighup;
	struct event		*ev_drain;	/* checks the drain on stop */
	struct event		*ev_next;	/* starts waiting polls */
	struct event		*ev_watchdog;	/* sd_notify WATCHDOG=1 */
	struct ctx_stats	 stats;
};

/* A new, empty context with its event_base; free with ctx_free. */
struct ctx	*ctx_new(void);
/* Adds a feed record (copies url and options); returns it. */
struct ctx_feed	*ctx_feed_add(struct ctx *, const char *url, const char *lang,
		    int interval, bool articles);
/* Unlinks and frees a feed record that has no poll in flight. */
void		 ctx_feed_free(struct ctx *, struct ctx_feed *);
/* Copies the list's name and folders for the feed, replacing the old. */
void		 ctx_feed_describe(struct ctx_feed *, const char *title,
		    char *const *categories, size_t ncategories);
/* Copies the credentials of the list's entry cf (auth=), wiping the old. */
void		 ctx_feed_set_auth(struct ctx_feed *,
		    const struct config_feed *);
struct ctx_feed	*ctx_feed_find(struct ctx *, const char *url);
/* The fetcher's options from c (ctx_options.c). */
void		 ctx_fetch_options(const struct config *c,
		    struct fetch_options *);
/*
 * The store's options from c; *watches (an array) and *spool (the spool
 * path under state_dir) are the caller's to free after store_new.
 */
void		 ctx_store_options(const struct config *c,
		    struct store_options *, struct store_watch **watches,
		    char **spool);
/* Frees the modules, the feeds, the config and the base; NULL: no-op. */
void		 ctx_free(struct ctx *);

#endif
