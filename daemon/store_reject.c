/*
 * store_reject: the sources `claimwatch reject` took out of counting, as
 * the daemon's store holds them (read from the prefix's "rejected" hash
 * now and then, see store.c), and the match of an item's link against
 * them: the same URL, or a URL on a rejected host.
 */
#include <stdlib.h>
#include <string.h>

#include "look.h"
#include "store_int.h"
#include "util.h"

void
store_rejects_clear(struct store_rejects *r)
{
	while (r->n > 0)
		free(r->v[--r->n]);
	free(r->v);
	r->v = NULL;
}

void
store_rejects_add(struct store_rejects *r, const char *source)
{
	r->v = xreallocarray(r->v, r->n + 1, sizeof(*r->v));
	r->v[r->n++] = xstrdup(source);
}

bool
store_rejects_match(const struct store_rejects *r, const char *url)
{
	char	 host[256];
	size_t	 i;

	if (url == NULL || r->n == 0)
		return false;
	look_host(url, host, sizeof(host));
	for (i = 0; i < r->n; i++)
		if (strcmp(r->v[i], url) == 0 ||
		    (host[0] != '\0' && strcmp(r->v[i], host) == 0))
			return true;
	return false;
}
