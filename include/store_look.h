/*
 * store_look: reading back what the store wrote (current figures, a key's
 * history, feed state) and the editor's writes (mute, unmute, reject,
 * set), over a hiredis async connection of its own on the caller's
 * event_base.  The CLI runs it on a private loop; the daemon's web page
 * runs it on the daemon's loop, so a page never blocks polling.  Key
 * listing uses SCAN: single-node Redis only.
 */
#ifndef CLAIMWATCH_STORE_LOOK_H
#define CLAIMWATCH_STORE_LOOK_H

#include <stdbool.h>
#include <stddef.h>

struct event_base;
struct look_feeds;
struct look_history;
struct look_keys;
struct store_look;
struct store_options;

/* Results are the callee's to free (look_*_free); NULL with err set on a
   Redis error.  err lives until the callback returns. */
typedef void (*store_look_keys_cb)(struct look_keys *, const char *err,
    void *arg);
typedef void (*store_look_history_cb)(struct look_history *,
    const char *err, void *arg);
typedef void (*store_look_feeds_cb)(struct look_feeds *, const char *err,
    void *arg);
/* n: keys changed (mute, set: 1; reject: keys whose figures it hit). */
typedef void (*store_look_edit_cb)(long n, const char *err, void *arg);

/*
 * Uses o's url, password, prefix, channel, stream and stream_maxlen
 * (copied).  Connects on the first request and again after a lost
 * connection.  NULL with err filled when the URL is bad.
 */
struct store_look *store_look_new(struct event_base *,
		    const struct store_options *, char *err, size_t errlen);
/* Frees; callbacks of requests in flight are called with an error. */
void		 store_look_free(struct store_look *);

/* Every key whose name matches glob (NULL: all), newest change first. */
int		 store_look_figures(struct store_look *, const char *glob,
		    store_look_keys_cb, void *arg);
/* The key's current figure, history and log (empty when unknown). */
int		 store_look_history(struct store_look *, const char *key,
		    store_look_history_cb, void *arg);
/* Every feed with stored state. */
int		 store_look_feeds(struct store_look *, store_look_feeds_cb,
		    void *arg);

/* The editor's actions; each is logged on the key(s) with who and when. */
int		 store_look_mute(struct store_look *, const char *key,
		    bool mute, const char *who, store_look_edit_cb, void *arg);
/*
 * Source (an item URL, or a host when it has no "://") no longer counts:
 * its figures are marked rejected in every key's history and a current
 * figure it gave is replaced by the newest figure left.  Recorded in the
 * prefix's "rejected" hash.
 */
int		 store_look_reject(struct store_look *, const char *source,
		    const char *who, store_look_edit_cb, void *arg);
/* The editor's figure becomes current; publishes one "corrected" alert. */
int		 store_look_set(struct store_look *, const char *key,
		    double value, const char *note, const char *who,
		    store_look_edit_cb, void *arg);

#endif
