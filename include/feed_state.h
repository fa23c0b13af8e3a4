/*
 * feed_state: what the daemon knows of one feed between its polls, in one
 * struct shared by the modules that keep it: poll updates it from each
 * response, the scheduler counts failures and sets next_due in it, the
 * store writes it as the feed's state hash and reads it back at start, and
 * metrics counts feeds by it.  The strings are owned by whoever filled the
 * struct (a ctx_feed's by ctx.c; one the store hands to a callback lives
 * until the callback returns).
 */
#ifndef CLAIMWATCH_FEED_STATE_H
#define CLAIMWATCH_FEED_STATE_H

#include <stdbool.h>
#include <stdint.h>

struct feed_state {
	char	*etag;		/* validators from the last 200, or NULL */
	char	*last_modified;
	char	*moved_to;	/* URL after a permanent redirect, or NULL */
	char	*title;		/* the feed's own title, or NULL */
	int	 status;	/* last HTTP status, 0 = none */
	int	 failures;	/* consecutive failed polls ("errors" in
				   Redis), across runs */
	bool	 failing;	/* failures reached [poll] max_failures */
	bool	 gone;		/* 410 seen: never polled again */
	int64_t	 next_due;	/* UTC seconds, 0 = unknown or now */
	int64_t	 last_poll;	/* UTC seconds, 0 = never */
	int64_t	 last_ok;	/* last 200/304 of this run, 0 = none */
};

#endif
