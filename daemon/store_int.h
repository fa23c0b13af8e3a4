/*
 * store internals shared by store.c and store_lua.c: the Lua scripts and
 * the argument layout both sides must agree on.
 */
#ifndef CLAIMWATCH_STORE_INT_H
#define CLAIMWATCH_STORE_INT_H

/* Compare-store-alert for one claim key; see store_lua.c for KEYS/ARGV. */
extern const char	store_lua_claim[];
/* Feed state and seen items for one feed. */
extern const char	store_lua_feed[];

#define STORE_CLAIM_NKEYS	5
#define STORE_CLAIM_NARGS	20
#define STORE_FEED_NKEYS	3

#endif
