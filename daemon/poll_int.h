/*
 * poll_int.h: what the poll module's files share and nothing outside
 * daemon/poll*.c sees.  One struct poll carries one poll of one feed from
 * "due" to "stored"; it owns everything it points to except ctx and feed,
 * and poll_end frees it (poll_free at exit for polls cut short).
 */
#ifndef CLAIMWATCH_POLL_INT_H
#define CLAIMWATCH_POLL_INT_H

#include <sys/queue.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "feed.h"
#include "story_reg.h"

struct fetch_result;
struct feed_state;

/* Text handed to the extractor per item; longer bodies are cut here. */
#define POLL_TEXT_MAX	(1024 * 1024)

/* One article page of a poll's new item. */
struct poll_article {
	struct poll		*p;
	size_t			 k;	/* index into p->newidx */
};

/* One poll of one feed, from "due" to "stored". */
struct poll {
	struct ctx		*ctx;
	struct ctx_feed		*feed;
	struct feed		*parsed;	/* owned; NULL until parsed */
	size_t			*order;		/* item indices, oldest first */
	struct store_item	*items;		/* parallel to parsed->items */
	int			 status;
	long			 hint;		/* ttl or max-age, seconds */
	enum ctx_result		 result;
	bool			 leased_elsewhere; /* skipped: not ours */
	size_t			*newidx;	/* new or changed items, oldest
						   first */
	size_t			 nnew;
	char			**articles;	/* per new item: article text
						   or NULL; with articles=yes */
	size_t			 articles_left;	/* article fetches running */
	struct poll_article	*article_args;	/* callback args, one per
						   new item */
	struct poll_claims	*cc;		/* extracted, not yet stored */
	TAILQ_ENTRY(poll)	 entry;		/* in ctx->polls */
	int64_t			 due_ms;	/* when the poll started */
	int64_t			 fetched_ms;	/* when the response was in */
};

/* Claims collected from one poll's new items, for one store_submit. */
struct poll_claims {
	struct claim		*claims;
	struct store_claim	*sclaims;
	size_t			 n;
	size_t			 cap;
	const char		*text;		/* the item text scanned */
	const struct story_text	*story;		/* its names, for the scope */
	size_t			 item;		/* batch index of that item */
	struct store_item	*items;		/* the batch's items */
	struct story_reg_item	*ritems;	/* per item: names, date */
	struct story_reg	 reg;		/* completing the stories */
};

/*
 * A fetched document read on a worker thread (ctx->work), so that no
 * document holds up the loop: the fetch result is copied (the fetcher's
 * lives only for its callback), the job touches nothing but itself, and
 * its done callback on the loop goes on where the fetch callback stopped.
 * The job owns its copy and results until the done callback takes them.
 */
struct poll_job {
	struct poll		*p;
	struct poll_article	*a;	/* an article page, or NULL */
	struct fetch_result	*r;	/* owned copy */
	char			*base;	/* feed: URL links resolve against */
	struct feed		*feed;	/* feed: the result */
	char			*text;	/* article: the result */
	char			 err[FEED_ERR_LEN];
};

/*
 * Bytes of bodies copied for jobs not yet delivered, at most (two bodies
 * at the default max_body): beyond, documents are read on the loop as
 * before, so that copies cannot pile up while the workers are busy.
 */
#define POLL_JOBS_BYTES	(16 * 1024 * 1024)

/* poll_io.c: ctx->io, or the real fetcher and store. */
const struct poll_io *poll_io(const struct ctx *);
/* poll_outcome.c: the result /metrics counts an outcome under. */
enum ctx_result	 poll_outcome_result(enum poll_outcome);
/* poll.c: the stages and the end of a poll. */
void		 poll_fetch(struct poll *);
void		 poll_fetch_done(const struct fetch_result *, struct poll *,
		    struct poll_job *);
void		 poll_submit_state(struct poll *);
/* store_done_cb of a poll's write: ends the poll. */
void		 poll_submit_cb(int nalerts, void *arg);
void		 poll_feed_state(const struct ctx_feed *,
		    struct feed_state *);
/* Where the feed moved to permanently (NULL or its own URL: nowhere). */
void		 poll_set_moved(struct ctx_feed *, const char *url);
void		 poll_end(struct poll *);
void		 poll_set_str(char **dst, const char *src);
/* poll_items.c: seen check and article pages of a parsed feed. */
void		 poll_handle_feed(struct poll *);
void		 poll_article_done(const struct fetch_result *,
		    struct poll_article *, struct poll_job *);
/* poll_claims.c: extraction and the store write of the new items. */
void		 poll_extract_submit(struct poll *);
void		 poll_claims_free(struct poll_claims *);
/* poll_job.c: documents read on a worker thread. */
int		 poll_job_submit(struct poll *, struct poll_article *,
		    const struct fetch_result *, const char *base);
struct feed	*poll_job_feed(struct poll_job *, const struct fetch_result *,
		    const struct ctx_feed *, char *err, size_t errlen);

#endif
