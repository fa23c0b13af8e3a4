/*
 * ctx_options: the loop modules' options from a loaded configuration.
 * The options point into the config (and, for the store, into the two
 * buffers handed back), so they live as long as both.
 */
#include <string.h>

#include "config.h"
#include "ctx.h"
#include "fetch.h"
#include "store.h"
#include "util.h"

void
ctx_fetch_options(const struct config *c, struct fetch_options *o)
{
	memset(o, 0, sizeof(*o));
	o->connect_timeout = c->connect_timeout;
	o->timeout = c->timeout;
	o->max_body = c->max_body;
	o->max_redirects = c->max_redirects;
	o->max_per_host = c->max_per_host;
	o->max_total = c->max_total;
	o->user_agent = c->user_agent;
	o->allow_private = c->allow_private;
	o->protocols = c->protocols;
	o->proxy = c->proxy;
	o->resolver = c->resolver;
}

void
ctx_store_options(const struct config *c, struct store_options *o,
    struct store_watch **watches, char **spool)
{
	size_t	 i;

	memset(o, 0, sizeof(*o));
	o->url = c->redis_url;
	o->password = c->redis_password;
	o->prefix = c->prefix;
	o->channel = c->channel;
	o->stream = c->stream;
	o->stream_maxlen = c->stream_maxlen;
	o->seen_max = c->seen_max;
	o->tolerance_abs = c->tolerance_abs;
	o->tolerance_rel = c->tolerance_rel;
	o->corroborated = c->corroborated;
	o->max_age = c->max_age;
	*watches = NULL;
	if (c->nwatches > 0) {
		*watches = xcalloc(c->nwatches, sizeof(**watches));
		for (i = 0; i < c->nwatches; i++) {
			(*watches)[i].pattern = c->watches[i].pattern;
			(*watches)[i].tolerance_abs =
			    c->watches[i].tolerance_abs;
			(*watches)[i].tolerance_rel =
			    c->watches[i].tolerance_rel;
		}
	}
	o->watches = *watches;
	o->nwatches = c->nwatches;
	/* What Redis has not taken by shutdown survives here. */
	xasprintf(spool, "%s/spool", c->state_dir);
	o->spool_path = *spool;
}
