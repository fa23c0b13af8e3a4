/*
 * look: what "looking back" shows, as plain structs: the current figure
 * per claim key, a key's history with its sources and editorial log, and
 * the feeds' state; their JSON for `claimwatch --json` and /api.  Pure: it
 * parses the JSON the store keeps and formats it, nothing else.  A struct
 * owns its strings; each top-level struct has one _free (NULL is a no-op).
 */
#ifndef CLAIMWATCH_LOOK_H
#define CLAIMWATCH_LOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOOK_NO_TIME	INT64_MIN

/* What a stored figure was to its key. */
enum look_role {
	LOOK_ROLE_CHANGE,	/* became the current figure when it came */
	LOOK_ROLE_HISTORY,	/* older than the current figure: history */
	LOOK_ROLE_CORRECTION	/* an editor's `claimwatch set` */
};

/* One figure, from a current hash's figure JSON or a history member. */
struct look_figure {
	double		 value;
	bool		 has_max;	/* max is the range's top */
	double		 max;
	char		*qualifier;	/* "exact", "at_least", ..., not NULL */
	char		*modality;	/* or NULL */
	int64_t		 published;	/* UTC s, LOOK_NO_TIME when undated */
	int64_t		 first_seen;	/* UTC s detected, or LOOK_NO_TIME */
	char		*url;		/* the source's link, or NULL */
	char		*title;		/* the source's title, or NULL */
	char		*lang;		/* or NULL */
	char		*editor;	/* who set a correction, or NULL */
	char		*note;		/* the correction's note, or NULL */
	char		*story;		/* story label the figure carries
					   ("story": "…" or {"label": "…"}),
					   or NULL */
	enum look_role	 role;
	bool		 rejected;	/* its source was rejected */
	bool		 current;	/* is the key's current figure */
	char		**sources;	/* source ids (URLs) of the current
					   figure; others: their url only */
	size_t		 nsources;
};

/* One claim key and its current figure (a row of `figures`). */
struct look_key {
	char		*key;		/* "north-korea/killed/troops" */
	char		*label;		/* story label, or NULL */
	bool		 has_figure;	/* false: muted before any figure */
	struct look_figure cur;
	long		 sources;	/* sources reporting the current one */
	int64_t		 updated;	/* last change (detected), or
					   LOOK_NO_TIME */
	bool		 muted;
};

struct look_keys {
	struct look_key	*v;
	size_t		 n;
};

/* One editorial action on a key: mute, unmute, reject, set. */
struct look_event {
	char		*action;
	char		*who;
	int64_t		 at;		/* UTC s */
	char		*detail;	/* value, source or note; or NULL */
};

struct look_history {
	struct look_key	 k;		/* the key and its current figure */
	struct look_figure *figs;	/* every stored figure, published
					   order */
	size_t		 nfigs;
	struct look_event *log;		/* oldest first */
	size_t		 nlog;
};

/* One feed's stored polling state. */
struct look_feed {
	char		*url;
	char		*title;		/* from the feed list (OPML), or NULL */
	int		 status;	/* last HTTP status, 0 none */
	int		 errors;	/* consecutive */
	bool		 gone;
	int64_t		 last_poll;	/* UTC s or 0 */
	int64_t		 next_due;	/* UTC s or 0 */
	long		 items;		/* item ids in the seen set */
};

struct look_feeds {
	struct look_feed *v;
	size_t		 n;
};

/*
 * Parses a stored figure (JSON object) into f, which it clears first.
 * Returns 0, or -1 with err filled (f then empty).
 */
int	 look_figure_parse(struct look_figure *f, const char *json,
	    char *err, size_t errlen);
void	 look_figure_clear(struct look_figure *);
/* Adds a copy of id to f's sources unless it holds it already. */
void	 look_figure_add_source(struct look_figure *, const char *id);
/* RFC 3339 UTC ("2024-10-14T07:00:00Z") to seconds; LOOK_NO_TIME if bad. */
int64_t	 look_time_parse(const char *);
/* The host of an http(s) URL, lowercased, into buf; "" when none. */
void	 look_host(const char *url, char *buf, size_t len);
/* Whether url is http:// or https:// (safe to link to). */
bool	 look_url_is_web(const char *url);
/* The key's story label when it has one, else the key. */
const char *look_label(const struct look_key *);

/* Newest change first (ties by key). */
void	 look_keys_sort(struct look_keys *);
/* Published order (undated by first seen, last). */
void	 look_figures_sort(struct look_figure *, size_t);

/* One-line JSON objects; the caller frees each with free(3). */
char	*look_key_json(const struct look_key *);
char	*look_figure_json(const struct look_figure *, const char *key);
char	*look_event_json(const struct look_event *, const char *key);
char	*look_feed_json(const struct look_feed *);
/* {"error":msg} */
char	*look_error_json(const char *msg);
/* {"key":…, "label":…, "current":…, "figures":[…], "log":[…]} */
char	*look_history_json(const struct look_history *);

/* A stored log entry (look_event_json's shape); -1 when not JSON. */
int	 look_event_parse(struct look_event *, const char *json);
/*
 * An editor's correction of key to value at time at: the current hash's
 * figure, the history member and the "corrected" alert (schema v2,
 * previous null and the scope as story label, for the script to fill in),
 * each a new string the caller frees.
 */
void	 look_correction(double value, int64_t at, const char *key,
	    const char *who, const char *note, char **figure, char **member,
	    char **alert);

void	 look_key_clear(struct look_key *);
void	 look_keys_free(struct look_keys *);
void	 look_history_free(struct look_history *);
void	 look_feeds_free(struct look_feeds *);

#endif
