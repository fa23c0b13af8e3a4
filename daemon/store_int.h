/*
 * store internals shared by store.c and store_lua.c: the Lua scripts and
 * the argument layout both sides must agree on.
 */
#ifndef CLAIMWATCH_STORE_INT_H
#define CLAIMWATCH_STORE_INT_H

#include <stddef.h>

/* A polled feed, or one claim key of it on a cluster; see store_lua.c. */
extern const char	store_lua_batch[];
/* The per-feed poll lease. */
extern const char	store_lua_lease[];

#define STORE_BATCH_NHEAD	13	/* ARGV before the state strings */
#define STORE_FEED_NKEYS	3	/* state, seen, seenz */
#define STORE_CLAIM_NKEYS	4	/* cur, hist, done, src */
#define STORE_CLAIM_NARGS	14

/* Where a redis:// or unix:// URL points; strings owned by the caller. */
struct store_addr {
	char	*host;		/* or NULL for a unix socket */
	int	 port;
	char	*path;		/* unix socket, or NULL */
	int	 db;
};

/* Splits url into a (free host and path after, even on failure). */
int	store_url_split(const char *url, struct store_addr *, char *err,
	    size_t errlen);

#endif
