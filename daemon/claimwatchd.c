/*
 * claimwatchd: the service.  This file only wires the modules together in
 * the one direction data flows (scheduler → fetch → feed → extract → store)
 * and handles the process: options, signals, reload, the --once drain and
 * sd_notify.  Each poll of a feed is a small state machine carried in a
 * struct claimwatchd_poll from "due" to "stored"; nothing a feed, the
 * network or Redis does may end the process.
 */
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <systemd/sd-daemon.h>

#include "article.h"
#include "check.h"
#include "claim.h"
#include "config.h"
#include "ctx.h"
#include "extract.h"
#include "gazetteer.h"
#include "feed.h"
#include "fetch.h"
#include "http.h"
#include "lang.h"
#include "web.h"
#include "lexicon.h"
#include "log.h"
#include "scheduler.h"
#include "store.h"
#include "story.h"
#include "story_reg.h"
#include "util.h"
#include "work.h"

/* Text handed to the extractor per item; longer bodies are cut here. */
#define CLAIMWATCHD_TEXT_MAX	(1024 * 1024)
/* How long SIGTERM waits for in-flight polls and Redis writes. */
#define CLAIMWATCHD_DRAIN_SECONDS 10

/* One article page of a poll's new item. */
struct claimwatchd_article {
	struct claimwatchd_poll	*p;
	size_t			 k;	/* index into p->newidx */
};

/* One poll of one feed, from "due" to "stored". */
struct claimwatchd_poll {
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
	char			**articles;	/* per new item: article text or
						   NULL; only with articles=yes */
	size_t			 articles_left;	/* article fetches running */
	struct claimwatchd_article *article_args; /* callback args, one per
						   new item */
	struct claimwatchd_claims *cc;		/* extracted, not yet stored */
	TAILQ_ENTRY(claimwatchd_poll) entry;	/* in ctx->polls */
	int64_t			 due_ms;	/* when the poll started */
	int64_t			 fetched_ms;	/* when the response was in */
};

/* Claims collected from one poll's new items, for one store_submit. */
struct claimwatchd_claims {
	struct claim		*claims;
	struct store_claim	*sclaims;
	size_t			 n;
	size_t			 cap;
	const char		*text;		/* the item text being scanned */
	const struct story_text	*story;		/* its names, for the scope */
	size_t			 item;		/* batch index of that item */
	struct store_item	*items;		/* the batch's items */
	struct story_reg_item	*ritems;	/* per item: names, date */
	struct story_reg	 reg;		/* completing the stories */
};

static void	claimwatchd_poll_end(struct claimwatchd_poll *);
static void	claimwatchd_schedule(struct ctx *, struct ctx_feed *);
static void	claimwatchd_poll_fetch(struct claimwatchd_poll *);
struct claimwatchd_job;
static void	claimwatchd_article_done(const struct fetch_result *,
		    struct claimwatchd_article *, struct claimwatchd_job *);
static void	claimwatchd_fetch_done(const struct fetch_result *,
		    struct claimwatchd_poll *, struct claimwatchd_job *);

/* -h prints this on stdout and exits 0; a wrong option, stderr and 1. */
static void __attribute__((noreturn))
claimwatchd_usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
	    "usage: claimwatchd -c FILE [-d] [--once] [--check-config]\n"
	    "                   [--log-level LEVEL]\n"
	    "  -c, --config FILE    daemon configuration (INI)\n"
	    "  -d, --foreground     plain log lines with a time "
	    "(default under systemd: <N> prefixes)\n"
	    "      --once           poll every feed once, finish all Redis "
	    "writes, exit\n"
	    "      --feed URL       with --once: only this feed of the list\n"
	    "  -n, --check-config   validate the configuration and exit\n"
	    "      --log-level L    error, warning, notice, info, debug\n"
	    "  -V, --version        print the version and exit\n"
	    "  -h, --help           print this help and exit\n");
	exit(status);
}

/*
 * Hides user:password in URLs before they reach the log: feed URLs may
 * carry credentials and logs travel further than config files.
 */
static const char *
claimwatchd_redact(const char *url, char *buf, size_t len)
{
	return util_url_redact(url, buf, len);
}

/*
 * Alerts since 00:00 UTC, from the store's counter, the one that also
 * sees batches replayed after an outage or from the spool.
 */
static unsigned long long
claimwatchd_alerts_today(struct ctx *ctx)
{
	struct store_stats	 st;
	int64_t			 day = util_now() / 86400;

	store_get_stats(ctx->store, &st);
	if (ctx->stats.alerts_day != day) {
		ctx->stats.alerts_day = day;
		ctx->stats.alerts_day_base = st.alerts;
	}
	return st.alerts - ctx->stats.alerts_day_base;
}

static void
claimwatchd_notify_status(struct ctx *ctx)
{
	struct ctx_feed	*f;
	size_t		 failing = 0, gone = 0, due = 0;

	TAILQ_FOREACH(f, &ctx->feeds, entry) {
		if (f->gone)
			gone++;
		else if (f->sf != NULL && scheduler_is_failing(f->sf))
			failing++;
		if (f->waiting)
			due++;
	}
	sd_notifyf(0, "STATUS=feeds=%zu due=%zu polling=%zu failing=%zu "
	    "gone=%zu alerts_today=%llu", ctx->nfeeds, due, ctx->inflight,
	    failing, gone, claimwatchd_alerts_today(ctx));
}

/* Copies a feed's validators and counters into a state for the store. */
static void
claimwatchd_feed_state(const struct ctx_feed *f, struct store_feed_state *st)
{
	memset(st, 0, sizeof(*st));
	st->etag = f->etag;
	st->last_modified = f->last_modified;
	st->moved_to = strcmp(f->url, f->fetch_url) != 0 ? f->fetch_url : NULL;
	/* What `claimwatch feeds` shows: the list's name, else the feed's. */
	st->title = f->title != NULL ? f->title : f->own_title;
	st->status = f->status;
	st->errors = f->errors;
	st->gone = f->gone;
	st->next_due = f->sf != NULL ? scheduler_next_due(f->sf) : 0;
	st->last_poll = util_now();
}

static void
claimwatchd_submit_cb(int nalerts, void *arg)
{
	struct claimwatchd_poll	*p = arg;
	char			 rbuf[1024];

	if (nalerts < 0)
		log_warn("feed=%s store write failed; items will be seen "
		    "again next poll", claimwatchd_redact(p->feed->url, rbuf,
		    sizeof(rbuf)));
	else if (nalerts > 0) {
		double	 lat = (double)(util_now_ms() - p->fetched_ms) / 1000;
		int	 i;

		for (i = 0; i < nalerts; i++)
			ctx_hist_observe(&p->ctx->stats.alert_seconds, lat);
	}
	claimwatchd_poll_end(p);
}

/* Writes only the feed's state (error and 304 paths). */
static void
claimwatchd_submit_state(struct claimwatchd_poll *p)
{
	struct store_feed_state	 st;
	struct store_batch	 b;

	claimwatchd_feed_state(p->feed, &st);
	memset(&b, 0, sizeof(b));
	b.feed_url = p->feed->url;
	b.state = &st;
	b.detected_at = util_now();
	if (store_submit(p->ctx->store, &b, claimwatchd_submit_cb, p) == -1)
		claimwatchd_poll_end(p);
}

static void
claimwatchd_claim_cb(const struct claim *c, void *arg)
{
	struct claimwatchd_claims	*cc = arg;
	struct claim			 sc = *c;
	size_t				 i;

	/* Without a story yet: the registry may know it (story_reg). */
	story_assign(cc->story, &sc, NULL, 0);
	for (i = cc->n; i > 0 && cc->sclaims[i - 1].item == cc->item; i--)
		if (story_is_part(&cc->claims[i - 1], &sc))
			sc.role = CLAIM_ROLE_SUBCOUNT;
	/*
	 * One headline figure per key per item: the first, which is the
	 * headline's or the lead sentence's.  Later ones for the same key
	 * are mostly parts of it ("sekitar 14.000 tentara, termasuk 3.000
	 * pasukan tambahan") and would flip the key within one article.
	 */
	for (i = cc->n; i > 0 && cc->sclaims[i - 1].item == cc->item; i--)
		if (sc.role == CLAIM_ROLE_HEADLINE &&
		    cc->claims[i - 1].role == CLAIM_ROLE_HEADLINE &&
		    strcmp(cc->claims[i - 1].key, sc.key) == 0)
			return;
	if (cc->n == cc->cap) {
		cc->cap = cc->cap ? cc->cap * 2 : 16;
		cc->claims = xreallocarray(cc->claims, cc->cap,
		    sizeof(*cc->claims));
		cc->sclaims = xreallocarray(cc->sclaims, cc->cap,
		    sizeof(*cc->sclaims));
	}
	cc->claims[cc->n] = sc;
	/* The sentence is copied: the item text is rebuilt per item. */
	cc->sclaims[cc->n].text = xstrndup(cc->text + c->sent_offset,
	    c->sent_length);
	cc->sclaims[cc->n].item = cc->item;
	cc->n++;
}

/*
 * "Title. Body": the body is the fetched article's main text when there is
 * one, else the longer of content and summary.
 */
static void
claimwatchd_item_text(const struct feed_item *it, const char *article,
    struct util_buf *b)
{
	const char	*body = it->summary;
	size_t		 tl;

	util_buf_reset(b);
	if (it->content != NULL &&
	    (body == NULL || strlen(it->content) > strlen(body)))
		body = it->content;
	if (article != NULL && article[0] != '\0')
		body = article;
	if (it->title != NULL) {
		tl = strlen(it->title);
		util_buf_append(b, it->title, tl);
		if (tl > 0 && strchr(".!?", it->title[tl - 1]) == NULL)
			util_buf_append(b, ".", 1);
		util_buf_append(b, "\n\n", 2);
	}
	if (body != NULL)
		util_buf_append(b, body, strlen(body));
	if (b->len > CLAIMWATCHD_TEXT_MAX)
		b->len = CLAIMWATCHD_TEXT_MAX;
}

/* A tag with no lexicon, once per feed: printable and bounded. */
static void
claimwatchd_lang_unknown(struct ctx_feed *f, const char *tag)
{
	char	 shown[33], rbuf[1024];
	size_t	 i;

	if (f->lang_warned)
		return;
	f->lang_warned = true;
	for (i = 0; tag[i] != '\0' && i < sizeof(shown) - 1; i++)
		shown[i] = tag[i] > 0x20 && tag[i] < 0x7f ? tag[i] : '?';
	shown[i] = '\0';
	log_warn("feed=%s language '%s' has no lexicon; detecting the "
	    "language of each item instead", claimwatchd_redact(f->url, rbuf,
	    sizeof(rbuf)), shown);
}

/*
 * The language to extract an item in.  The feed list's lang= is the
 * operator's word and is kept as given; else the item's or the feed
 * document's tag, else [extract] lang, each a BCP 47 tag that stands
 * unless the text is plainly in another lexicon language (lang_choose).
 */
static const char *
claimwatchd_item_lang(struct ctx_feed *f, const struct feed_item *it,
    const struct story_text *st)
{
	struct ctx	*ctx = f->ctx;
	const char	*tag, *t;
	bool		 unknown;

	if (f->lang != NULL) {
		t = lang_tag(ctx->lex, f->lang);
		if (lang_is_known(t))
			return t;
		if (strcmp(t, LANG_NONE) == 0)
			claimwatchd_lang_unknown(f, f->lang);
	}
	tag = it->lang;
	if (tag == NULL || strcmp(lang_tag(ctx->lex, tag), LANG_AUTO) == 0)
		tag = ctx->conf->lang;
	/* The words the story scan split, so detection splits none. */
	t = lang_choose_words(ctx->lex, tag, st->text, st->len, &st->words,
	    &unknown);
	if (unknown)
		claimwatchd_lang_unknown(f, tag);
	return t;
}

static void
claimwatchd_claims_free(struct claimwatchd_claims *cc)
{
	size_t	 i;

	if (cc == NULL)
		return;
	for (i = 0; i < cc->n; i++)
		free((char *)cc->sclaims[i].text);
	story_reg_clear(&cc->reg);
	free(cc->claims);
	free(cc->sclaims);
	free(cc->items);
	free(cc->ritems);
	free(cc);
}

/* Claims of no story the daemon can tell apart are not stored. */
static void
claimwatchd_claims_drop_unscoped(struct claimwatchd_claims *cc)
{
	size_t	 i, o = 0;

	for (i = 0; i < cc->n; i++) {
		if (cc->claims[i].scope[0] == '\0') {
			free((char *)cc->sclaims[i].text);
			continue;
		}
		cc->claims[o] = cc->claims[i];
		cc->sclaims[o] = cc->sclaims[i];
		cc->sclaims[o].claim = &cc->claims[o];
		o++;
	}
	cc->n = o;
}

/*
 * Writes the poll's claims, oldest item first, in one store_submit, and
 * tells the story registry what they say.
 */
static void
claimwatchd_claims_submit(void *arg)
{
	struct claimwatchd_poll		*p = arg;
	struct claimwatchd_claims	*cc = p->cc;
	struct store_feed_state		 st;
	struct store_batch		 b;
	char				 rbuf[1024];
	int				 rc;

	claimwatchd_claims_drop_unscoped(cc);
	cc->reg.n = cc->n;
	story_reg_note(p->ctx->store, &cc->reg);
	claimwatchd_feed_state(p->feed, &st);
	memset(&b, 0, sizeof(b));
	b.feed_url = p->feed->url;
	b.feed_title = p->feed->title;
	b.categories = p->feed->categories;
	b.ncategories = p->feed->ncategories;
	b.state = &st;
	b.items = cc->items;
	b.nitems = p->nnew;
	b.claims = cc->sclaims;
	b.nclaims = cc->n;
	b.detected_at = util_now();
	rc = store_submit(p->ctx->store, &b, claimwatchd_submit_cb, p);
	claimwatchd_claims_free(cc);
	p->cc = NULL;
	if (rc == -1) {
		log_warn("feed=%s store queue full; items will be seen again "
		    "next poll", claimwatchd_redact(p->feed->url, rbuf,
		    sizeof(rbuf)));
		claimwatchd_poll_end(p);
	}
}

/* Completes the claims' stories from the registry, then submits. */
static void
claimwatchd_claims_resolve(struct claimwatchd_poll *p)
{
	struct claimwatchd_claims	*cc = p->cc;

	cc->reg.g = p->ctx->gaz;
	cc->reg.claims = cc->claims;
	cc->reg.sclaims = cc->sclaims;
	cc->reg.n = cc->n;
	cc->reg.items = cc->ritems;
	cc->reg.cb = claimwatchd_claims_submit;
	cc->reg.arg = p;
	if (story_reg_resolve(p->ctx->store, &cc->reg) == -1)
		claimwatchd_claims_submit(p);
}

/* Extracts claims from the poll's new items, gives each its story, and
   writes them. */
static void
claimwatchd_extract_submit(struct claimwatchd_poll *p)
{
	struct ctx			*ctx = p->ctx;
	struct claimwatchd_claims	*cc;
	struct util_buf			 text = { 0 };
	struct story_text		 story;
	const struct feed_item		*it;
	const char			*lang;
	size_t				 i, k;
	char				 rbuf[1024], tbuf[256];

	cc = p->cc = xcalloc(1, sizeof(*cc));
	cc->items = xcalloc(p->nnew + 1, sizeof(*cc->items));
	cc->ritems = xcalloc(p->nnew + 1, sizeof(*cc->ritems));
	for (k = 0; k < p->nnew; k++) {
		i = p->newidx[k];
		it = &p->parsed->items[i];
		cc->items[k] = p->items[i];
		claimwatchd_item_text(it, p->articles != NULL ?
		    p->articles[k] : NULL, &text);
		cc->text = text.data != NULL ? text.data : "";
		cc->item = k;
		story_text_init(&story, ctx->gaz, cc->text, text.len);
		lang = claimwatchd_item_lang(p->feed, it, &story);
		/* Alerts name the lexicon language, not the feed's tag. */
		cc->items[k].lang = lang;
		cc->story = &story;
		extract_text(ctx->lex, cc->text, text.len, lang,
		    claimwatchd_claim_cb, cc);
		cc->ritems[k].published = cc->items[k].published;
		cc->ritems[k].nnames = story_names(&story,
		    cc->ritems[k].names, STORY_REG_NAMES);
		story_text_free(&story);
	}
	util_buf_free(&text);
	for (i = 0; i < cc->n; i++)
		cc->sclaims[i].claim = &cc->claims[i];
	ctx->stats.items_new += p->nnew;
	ctx->stats.items_seen += p->parsed->nitems - p->nnew;
	ctx->stats.claims += cc->n;
	log_info("feed=%s status=%d items=%zu new=%zu claims=%zu "
	    "title=\"%s\"", claimwatchd_redact(p->feed->url, rbuf,
	    sizeof(rbuf)), p->status, p->parsed->nitems, p->nnew, cc->n,
	    util_shown(p->feed->title, tbuf, sizeof(tbuf)));
	claimwatchd_claims_resolve(p);
}

/*
 * A fetched document read on a worker thread (ctx->work), so that no
 * document holds up the loop: the fetch result is copied (the fetcher's
 * lives only for its callback), the job touches nothing but itself, and
 * its done callback on the loop goes on where the fetch callback stopped.
 * The job owns its copy and results until the done callback takes them.
 */
struct claimwatchd_job {
	struct claimwatchd_poll		*p;
	struct claimwatchd_article	*a;	/* an article page, or NULL */
	struct fetch_result		*r;	/* owned copy */
	char				*base;	/* feed: URL links resolve
						   against */
	struct feed			*feed;	/* feed: the result */
	char				*text;	/* article: the result */
	char				 err[FEED_ERR_LEN];
};

/*
 * Bytes of bodies copied for jobs not yet delivered, at most (two bodies
 * at the default max_body): beyond, documents are read on the loop as
 * before, so that copies cannot pile up while the workers are busy.
 */
#define CLAIMWATCHD_JOBS_BYTES	(16 * 1024 * 1024)

/* Runs on a worker: pure functions on the job's own copy only. */
static void
claimwatchd_job_fn(void *arg)
{
	struct claimwatchd_job		*j = arg;
	const struct fetch_result	*r = j->r;

	if (j->a != NULL)
		j->text = article_text(r->body, r->len, r->content_type,
		    j->err, sizeof(j->err));
	else
		j->feed = feed_parse(r->body, r->len, j->base,
		    r->content_type, j->err, sizeof(j->err));
}

static void
claimwatchd_job_done(void *arg, bool cancelled)
{
	struct claimwatchd_job	*j = arg;

	/* Cancelled at exit: the poll is being freed; touch nothing. */
	if (!cancelled && j->a != NULL)
		claimwatchd_article_done(j->r, j->a, j);
	else if (!cancelled)
		claimwatchd_fetch_done(j->r, j->p, j);
	feed_free(j->feed);
	free(j->text);
	free(j->base);
	fetch_result_free(j->r);
	free(j);
}

/* Hands r's body to a worker: 0, or -1 when it is to be read here. */
static int
claimwatchd_job_submit(struct claimwatchd_poll *p,
    struct claimwatchd_article *a, const struct fetch_result *r,
    const char *base)
{
	struct work		*w = p->ctx->work;
	struct claimwatchd_job	*j;

	if (w == NULL || (work_pending(w) > 0 &&
	    work_weight(w) + r->len > CLAIMWATCHD_JOBS_BYTES))
		return -1;
	j = xcalloc(1, sizeof(*j));
	j->p = p;
	j->a = a;
	j->r = fetch_result_copy(r);
	j->base = base != NULL ? xstrdup(base) : NULL;
	if (work_submit(w, claimwatchd_job_fn, claimwatchd_job_done, j,
	    r->len) == -1) {
		fetch_result_free(j->r);
		free(j->base);
		free(j);
		return -1;
	}
	return 0;
}

/* The feed a worker parsed (taken from j), or parsed here. */
static struct feed *
claimwatchd_job_feed(struct claimwatchd_job *j, const struct fetch_result *r,
    const struct ctx_feed *f, char *err, size_t errlen)
{
	struct feed	*fd;

	if (j == NULL)
		return feed_parse(r->body, r->len, r->effective_url != NULL ?
		    r->effective_url : f->fetch_url, r->content_type, err,
		    errlen);
	fd = j->feed;
	j->feed = NULL;
	util_strlcpy(err, j->err, errlen);
	return fd;
}

/* An article page fetched, its text read on a worker (j) or here. */
static void
claimwatchd_article_done(const struct fetch_result *r,
    struct claimwatchd_article *a, struct claimwatchd_job *j)
{
	struct claimwatchd_poll		*p = a->p;
	char				 err[256], rbuf[1024];

	if (r->error == NULL && r->status >= 200 && r->status <= 299 &&
	    r->body != NULL) {
		if (j != NULL) {
			p->articles[a->k] = j->text;
			j->text = NULL;
			util_strlcpy(err, j->err, sizeof(err));
		} else
			p->articles[a->k] = article_text(r->body, r->len,
			    r->content_type, err, sizeof(err));
		if (p->articles[a->k] == NULL)
			log_info("feed=%s article=%s error=\"%s\"; using the "
			    "item's own text", claimwatchd_redact(p->feed->url,
			    rbuf, sizeof(rbuf)), r->url, err);
	} else
		log_info("feed=%s article=%s status=%d error=\"%s\"; using "
		    "the item's own text", claimwatchd_redact(p->feed->url,
		    rbuf, sizeof(rbuf)), r->url, r->status,
		    r->error != NULL ? r->error : "HTTP status");
	if (--p->articles_left == 0)
		claimwatchd_extract_submit(p);
}

static void
claimwatchd_article_cb(const struct fetch_result *r, void *arg)
{
	struct claimwatchd_article	*a = arg;

	/* The page is read on a worker; the loop goes on meanwhile. */
	if (r->error == NULL && r->status >= 200 && r->status <= 299 &&
	    r->body != NULL && claimwatchd_job_submit(a->p, a, r, NULL) == 0)
		return;
	claimwatchd_article_done(r, a, NULL);
}

/* Fetches the pages of new items whose feed asks for articles. */
static void
claimwatchd_fetch_articles(struct claimwatchd_poll *p)
{
	struct claimwatchd_article	*a;
	struct fetch_request		 req;
	const struct feed_item		*it;
	size_t				 k;

	p->articles = xcalloc(p->nnew, sizeof(*p->articles));
	p->article_args = xcalloc(p->nnew, sizeof(*p->article_args));
	/* Held at one until every request is queued, so that no callback
	   can finish the poll while this loop still runs. */
	p->articles_left = 1;
	for (k = 0; k < p->nnew; k++) {
		it = &p->parsed->items[p->newidx[k]];
		if (it->link == NULL)
			continue;
		a = &p->article_args[k];
		a->p = p;
		a->k = k;
		memset(&req, 0, sizeof(req));
		req.url = it->link;
		/* Never file://, never http:// under an https feed. */
		req.protocols = fetch_follow_protocols(p->feed->url);
		p->articles_left++;
		if (fetch_start(p->ctx->fetch, &req, claimwatchd_article_cb,
		    a) == -1)
			p->articles_left--;
	}
	if (--p->articles_left == 0)
		claimwatchd_extract_submit(p);
}

static void
claimwatchd_items_cb(const enum store_item_state *states, size_t n, int error,
    void *arg)
{
	struct claimwatchd_poll	*p = arg;
	size_t			 i, k;
	char			 rbuf[1024];

	if (error || n != p->parsed->nitems) {
		log_warn("feed=%s seen-items check failed; retrying later",
		    claimwatchd_redact(p->feed->url, rbuf, sizeof(rbuf)));
		claimwatchd_poll_end(p);
		return;
	}
	/* Oldest first, so that a story's figures arrive in order. */
	p->newidx = xcalloc(n + 1, sizeof(*p->newidx));
	for (k = 0; k < n; k++) {
		i = p->order[k];
		if (states[i] != STORE_ITEM_SEEN)
			p->newidx[p->nnew++] = i;
	}
	if (p->feed->articles && p->nnew > 0 && !p->ctx->stopping)
		claimwatchd_fetch_articles(p);
	else
		claimwatchd_extract_submit(p);
}

static int
claimwatchd_order_cmp(const void *a, const void *b, void *arg)
{
	const struct store_item	*it = arg;
	size_t			 ia = *(const size_t *)a, ib = *(const size_t *)b;
	int64_t			 pa = it[ia].published;
	int64_t			 pb = it[ib].published;

	/* Undated items go last, in reverse document order (newest first
	   is the norm in feeds). */
	if (pa == INT64_MIN)
		pa = INT64_MAX;
	if (pb == INT64_MIN)
		pb = INT64_MAX;
	if (pa != pb)
		return pa < pb ? -1 : 1;
	return ia > ib ? -1 : (ia < ib ? 1 : 0);
}

static uint64_t
claimwatchd_item_hash(const struct feed_item *it)
{
	uint64_t	 h = UTIL_HASH_SEED;
	const char	*parts[3] = { it->title, it->summary, it->content };
	size_t		 i;

	for (i = 0; i < 3; i++) {
		if (parts[i] != NULL)
			h = util_hash64(parts[i], strlen(parts[i]), h);
		h = util_hash64("", 1, h);
	}
	return h;
}

/* A parsed 200 response: classify items against the seen set. */
static void
claimwatchd_handle_feed(struct claimwatchd_poll *p)
{
	struct feed	*fd = p->parsed;
	struct util_buf	 e = { 0 };
	size_t		 i, ndup;
	char		 rbuf[1024], dup[256];

	/* Two items of one id would alert "changed" on every poll. */
	if ((ndup = feed_dedup(fd, dup, sizeof(dup))) > 0) {
		util_buf_escape(&e, dup, strlen(dup));
		log_info("feed=%s duplicate item ids: dropped %zu items, the "
		    "first id=\"%s\"; the first item of each id is kept",
		    claimwatchd_redact(p->feed->url, rbuf, sizeof(rbuf)), ndup,
		    e.data);
		util_buf_free(&e);
	}
	if (fd->nitems == 0) {
		claimwatchd_submit_state(p);
		return;
	}
	p->order = xreallocarray(NULL, fd->nitems, sizeof(*p->order));
	p->items = xcalloc(fd->nitems, sizeof(*p->items));
	for (i = 0; i < fd->nitems; i++) {
		p->order[i] = i;
		p->items[i].id = fd->items[i].id;
		p->items[i].hash = claimwatchd_item_hash(&fd->items[i]);
		p->items[i].url = fd->items[i].link;
		p->items[i].title = fd->items[i].title;
		p->items[i].lang = fd->items[i].lang != NULL ?
		    fd->items[i].lang : fd->lang;
		/* An Atom entry without <published> dates from <updated>. */
		p->items[i].published = fd->items[i].published;
		if (p->items[i].published == FEED_TIME_NONE)
			p->items[i].published = fd->items[i].updated;
		if (p->items[i].published == FEED_TIME_NONE)
			p->items[i].published = INT64_MIN;
	}
	qsort_r(p->order, fd->nitems, sizeof(*p->order),
	    claimwatchd_order_cmp, p->items);
	if (store_items_check(p->ctx->store, p->feed->url, p->items,
	    fd->nitems, claimwatchd_items_cb, p) == -1) {
		log_info("feed=%s Redis not connected; retrying later",
		    claimwatchd_redact(p->feed->url, rbuf, sizeof(rbuf)));
		claimwatchd_poll_end(p);
	}
}

static void
claimwatchd_set_str(char **dst, const char *src)
{
	free(*dst);
	*dst = src != NULL ? xstrdup(src) : NULL;
}

/* A feed fetched, its body parsed on a worker (j) or here. */
static void
claimwatchd_fetch_done(const struct fetch_result *r,
    struct claimwatchd_poll *p, struct claimwatchd_job *j)
{
	struct ctx_feed		*f = p->feed;
	struct ctx		*ctx = p->ctx;
	enum scheduler_outcome	 outcome = SCHEDULER_OK;
	long			 retry_after = 0;
	char			 err[FEED_ERR_LEN], rbuf[1024];
	const char		*url;
	bool			 was_failing;

	url = claimwatchd_redact(f->url, rbuf, sizeof(rbuf));
	p->status = r->status;
	if (r->status >= 0 && r->status < 600)
		ctx->stats.by_status[r->status]++;
	f->status = r->status;
	ctx->stats.polls++;
	ctx->stats.bytes += (uint64_t)(r->bytes > 0 ? r->bytes : 0);
	was_failing = f->sf != NULL && scheduler_is_failing(f->sf);

	if (r->error != NULL) {
		outcome = SCHEDULER_ERROR;
		log_warn("feed=%s status=%d error=\"%s\"", url, r->status,
		    r->error);
	} else if (r->status == 304) {
		outcome = SCHEDULER_NOT_MODIFIED;
		ctx->stats.not_modified++;
		log_debug("feed=%s status=304", url);
	} else if (r->status == 410) {
		outcome = SCHEDULER_GONE;
		f->gone = true;
		log_warn("feed=%s status=410 gone: polling disabled; remove it "
		    "from the feed list", url);
	} else if (r->status == 429 || r->status == 503) {
		outcome = SCHEDULER_ERROR;
		retry_after = r->retry_after;
		log_warn("feed=%s status=%d retry_after=%ld", url, r->status,
		    r->retry_after);
	} else if (r->status < 200 || r->status > 299) {
		outcome = SCHEDULER_ERROR;
		log_warn("feed=%s status=%d", url, r->status);
	} else if ((p->parsed = claimwatchd_job_feed(j, r, f, err,
	    sizeof(err))) == NULL) {
		outcome = SCHEDULER_ERROR;
		ctx->stats.parse_errors++;
		log_warn("feed=%s status=%d error=\"%s\"", url, r->status,
		    err);
	}

	/*
	 * A document that is not well-formed XML may have lost the end of an
	 * item, and a figure cut in half ("14.0" of "14.000") is a false
	 * alarm: skip it whole.  Recoverable faults (undeclared HTML
	 * entities, a wrong charset label) are only noted.
	 */
	if (p->parsed != NULL && p->parsed->bozo &&
	    p->parsed->bozo_reason != NULL &&
	    strncmp(p->parsed->bozo_reason, "malformed XML", 13) == 0) {
		outcome = SCHEDULER_ERROR;
		ctx->stats.parse_errors++;
		log_warn("feed=%s status=%d error=\"%s\"; feed skipped", url,
		    r->status, p->parsed->bozo_reason);
		feed_free(p->parsed);
		p->parsed = NULL;
	} else if (p->parsed != NULL && p->parsed->bozo)
		log_info("feed=%s recovered: %s", url,
		    p->parsed->bozo_reason != NULL ? p->parsed->bozo_reason :
		    "unknown fault");
	p->result = outcome == SCHEDULER_OK ? CTX_RESULT_OK :
	    outcome == SCHEDULER_NOT_MODIFIED ? CTX_RESULT_NOT_MODIFIED :
	    outcome == SCHEDULER_GONE ? CTX_RESULT_GONE : CTX_RESULT_ERROR;
	if (outcome == SCHEDULER_ERROR) {
		f->errors++;
		ctx->stats.polls_failed++;
	} else {
		if (f->errors > 0)
			log_notice("feed=%s recovered after %d failures", url,
			    f->errors);
		f->errors = 0;
		f->last_ok = util_now();
	}
	if (p->parsed != NULL) {
		/* Only a 200 carries validators worth keeping. */
		claimwatchd_set_str(&f->etag, r->etag);
		claimwatchd_set_str(&f->last_modified, r->last_modified);
		if (p->parsed->title != NULL)
			claimwatchd_set_str(&f->own_title, p->parsed->title);
		if (r->moved_to != NULL && strcmp(r->moved_to,
		    f->fetch_url) != 0) {
			log_notice("feed=%s moved permanently to %s", url,
			    r->moved_to);
			claimwatchd_set_str(&f->fetch_url, r->moved_to);
		}
		p->hint = p->parsed->ttl;
	}
	if (r->max_age > p->hint)
		p->hint = r->max_age;
	if (f->sf != NULL) {
		scheduler_done(ctx->sched, f->sf, outcome, retry_after,
		    p->hint);
		if (!was_failing && scheduler_is_failing(f->sf))
			log_warn("feed=%s failing after %d consecutive "
			    "failures; still retried", url, f->errors);
		if (outcome == SCHEDULER_GONE)
			f->sf = NULL;
	}
	if (p->parsed != NULL)
		claimwatchd_handle_feed(p);
	else
		claimwatchd_submit_state(p);
}

static void
claimwatchd_fetch_cb(const struct fetch_result *r, void *arg)
{
	struct claimwatchd_poll	*p = arg;

	p->fetched_ms = util_now_ms();
	/* A 2xx body is parsed on a worker; the loop goes on meanwhile. */
	if (r->error == NULL && r->status >= 200 && r->status <= 299 &&
	    claimwatchd_job_submit(p, NULL, r, r->effective_url != NULL ?
	    r->effective_url : p->feed->fetch_url) == 0)
		return;
	claimwatchd_fetch_done(r, p, NULL);
}

/* Frees a poll and everything it owns; it must be off ctx->polls. */
static void
claimwatchd_poll_free(struct claimwatchd_poll *p)
{
	size_t	 i;

	if (p->articles != NULL)
		for (i = 0; i < p->nnew; i++)
			free(p->articles[i]);
	free(p->articles);
	free(p->article_args);
	claimwatchd_claims_free(p->cc);
	free(p->newidx);
	feed_free(p->parsed);
	free(p->order);
	free(p->items);
	free(p);
}

static void
claimwatchd_poll_end(struct claimwatchd_poll *p)
{
	struct ctx_feed	*f = p->feed;
	struct ctx	*ctx = p->ctx;

	f->polling = false;
	ctx->inflight--;
	if (!p->leased_elsewhere) {
		ctx->stats.by_result[p->result]++;
		ctx_hist_observe(&ctx->stats.poll_seconds,
		    (double)(util_now_ms() - p->due_ms) / 1000);
	} else
		ctx->stats.leased_elsewhere++;
	if (ctx->once && !f->polled)
		ctx->once_left--;
	f->polled = true;
	if (f->removed)
		ctx_feed_free(ctx, f);
	else if (f->due_again) {
		f->due_again = false;
		if (!ctx->stopping && !ctx->once && !f->waiting) {
			f->waiting = true;
			TAILQ_INSERT_TAIL(&ctx->waiting, f, wentry);
		}
	}
	TAILQ_REMOVE(&ctx->polls, p, entry);
	claimwatchd_poll_free(p);
	if (!TAILQ_EMPTY(&ctx->waiting))
		event_active(ctx->ev_next, EV_TIMEOUT, 0);
}

static long
claimwatchd_interval_ms(const struct ctx *ctx, const struct ctx_feed *f)
{
	int	 iv = f->interval > 0 ? f->interval : ctx->conf->interval;

	/* A little under the interval, so the holder can renew on time. */
	return (long)iv * 1000 * 9 / 10;
}

static void
claimwatchd_lease_cb(int granted, void *arg)
{
	struct claimwatchd_poll	*p = arg;
	struct ctx_feed		*f = p->feed;
	char			 rbuf[1024];

	if (granted == 0) {
		/* Another daemon polls this feed now; try again next time. */
		log_debug("feed=%s leased elsewhere",
		    claimwatchd_redact(f->url, rbuf, sizeof(rbuf)));
		if (f->sf != NULL)
			scheduler_defer(p->ctx->sched, f->sf);
		p->result = CTX_RESULT_OK;
		p->leased_elsewhere = true;
		claimwatchd_poll_end(p);
		return;
	}
	if (p->ctx->stopping) {
		claimwatchd_poll_end(p);
		return;
	}
	claimwatchd_poll_fetch(p);
}

/*
 * Polls in flight, from due to stored, are capped: a parsed feed waiting
 * for Redis holds its items in memory, and 10,000 feeds falling due at
 * once (a cold start, --once) must not hold 10,000 of them.
 */
static size_t
claimwatchd_poll_cap(const struct ctx *ctx)
{
	return (size_t)(ctx->conf->max_total > 0 ? ctx->conf->max_total : 256)
	    * 2;
}

static void
claimwatchd_poll_start(struct ctx *ctx, struct ctx_feed *f)
{
	struct claimwatchd_poll	*p;

	p = xcalloc(1, sizeof(*p));
	p->ctx = ctx;
	p->feed = f;
	p->due_ms = util_now_ms();
	p->result = CTX_RESULT_ERROR;
	f->polling = true;
	ctx->inflight++;
	TAILQ_INSERT_TAIL(&ctx->polls, p, entry);
	/*
	 * Several daemons on one Redis split the feeds: whoever takes the
	 * feed's lease polls it.  Without Redis the poll goes ahead; the
	 * store's script still publishes each alert once.
	 */
	if (!ctx->once && store_lease(ctx->store, f->url,
	    claimwatchd_interval_ms(ctx, f), claimwatchd_lease_cb, p) == 0)
		return;
	claimwatchd_poll_fetch(p);
}

static void
claimwatchd_due_cb(struct scheduler_feed *sf, void *feed_arg, void *arg)
{
	struct ctx	*ctx = arg;
	struct ctx_feed	*f = feed_arg;

	(void)sf;
	if (f->polling) {
		/* Due again while the last poll still waits (a slow Redis):
		   poll once more when it ends, or the feed would never be
		   armed again. */
		f->due_again = true;
		return;
	}
	if (ctx->stopping || f->removed || f->waiting)
		return;
	if (ctx->once && f->polled)
		return;
	if (ctx->inflight >= claimwatchd_poll_cap(ctx)) {
		f->waiting = true;
		TAILQ_INSERT_TAIL(&ctx->waiting, f, wentry);
		return;
	}
	claimwatchd_poll_start(ctx, f);
}

/*
 * Starts waiting feeds while there is room under the cap.  Run from its
 * own event, not from poll_end, so that polls failing at once cannot
 * recurse through thousands of waiting feeds.
 */
static void
claimwatchd_next_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ctx	*ctx = arg;
	struct ctx_feed	*f;

	(void)fd;
	(void)what;
	while (!ctx->stopping && ctx->inflight < claimwatchd_poll_cap(ctx) &&
	    (f = TAILQ_FIRST(&ctx->waiting)) != NULL) {
		TAILQ_REMOVE(&ctx->waiting, f, wentry);
		f->waiting = false;
		claimwatchd_poll_start(ctx, f);
	}
}

static void
claimwatchd_poll_fetch(struct claimwatchd_poll *p)
{
	struct ctx		*ctx = p->ctx;
	struct ctx_feed		*f = p->feed;
	struct fetch_request	 req;
	char			 rbuf[1024];

	memset(&req, 0, sizeof(req));
	req.url = f->fetch_url;
	req.etag = f->etag;
	req.last_modified = f->last_modified;
	req.auth = (enum fetch_auth)f->auth;
	req.auth_user = f->auth_user;
	req.auth_secret = f->auth_secret;
	/* An https feed is never redirected down to http. */
	if (strncasecmp(f->url, "https:", 6) == 0)
		req.protocols = fetch_follow_protocols(f->url);
	if (fetch_start(ctx->fetch, &req, claimwatchd_fetch_cb, p) == -1) {
		log_warn("feed=%s refused by the fetcher (protocol or URL)",
		    claimwatchd_redact(f->url, rbuf, sizeof(rbuf)));
		f->errors++;
		if (f->sf != NULL)
			scheduler_done(ctx->sched, f->sf, SCHEDULER_ERROR, 0,
			    0);
		claimwatchd_poll_end(p);
	}
}

/* When a feed is next due, at info, so an operator sees a long wait. */
static void
claimwatchd_log_due(struct ctx_feed *f, const char *why)
{
	char	 rbuf[1024], iso[32];
	int64_t	 due;

	if (f->sf == NULL)
		return;
	due = scheduler_next_due(f->sf);
	util_iso8601(due, iso, sizeof(iso));
	log_info("feed=%s %s: next poll at %s (in %llds, %d failures)",
	    claimwatchd_redact(f->url, rbuf, sizeof(rbuf)), why, iso,
	    (long long)(due > util_now() ? due - util_now() : 0),
	    f->errors);
}

static void	claimwatchd_scheduler_options(const struct ctx *,
		    struct scheduler_options *);

/*
 * Longest wait the current settings give a feed backing off after
 * failures: a stored or running backoff beyond it was set by an earlier
 * interval or max_interval and is cut to it.
 */
static long
claimwatchd_backoff_max(struct ctx *ctx, int interval, int failures)
{
	struct scheduler_options	 so;

	claimwatchd_scheduler_options(ctx, &so);
	return scheduler_next_delay(&so, interval, SCHEDULER_ERROR, failures,
	    0, 0, 1.0);
}

/*
 * After a reload: a feed backing off longer than the new interval or
 * max_interval would make it is rescheduled to what they give from now.
 */
static void
claimwatchd_cut_backoff(struct ctx *ctx, struct ctx_feed *f)
{
	int64_t	 due, now = util_now();
	int	 n;
	long	 max;

	/* f->errors counts failures across runs (stored with the state). */
	n = f->errors;
	if (f->sf == NULL || f->polling || n == 0 || f->status == 429 ||
	    f->status == 503)
		return;
	due = scheduler_next_due(f->sf);
	max = claimwatchd_backoff_max(ctx, f->interval, n);
	if (due <= now + max)
		return;
	scheduler_remove(ctx->sched, f->sf);
	f->sf = scheduler_add(ctx->sched, f->interval, now + max, f);
	claimwatchd_log_due(f, "backoff cut to the new interval");
}

static void
claimwatchd_schedule(struct ctx *ctx, struct ctx_feed *f)
{
	char	 rbuf[1024];

	if (f->gone) {
		log_info("feed=%s disabled (410 Gone earlier)",
		    claimwatchd_redact(f->url, rbuf, sizeof(rbuf)));
		if (ctx->once && !f->polled) {
			f->polled = true;
			ctx->once_left--;
		}
		return;
	}
	f->sf = scheduler_add(ctx->sched, f->interval,
	    ctx->once ? 0 : f->next_due, f);
	claimwatchd_log_due(f, "scheduled");
}

static void
claimwatchd_state_cb(const struct store_feed_state *st, void *arg)
{
	struct ctx_feed	*f = arg;

	f->loading = false;
	if (f->removed) {
		/* Dropped by a reload while its state was being read. */
		ctx_feed_free(f->ctx, f);
		return;
	}
	if (st != NULL) {
		claimwatchd_set_str(&f->etag, st->etag);
		claimwatchd_set_str(&f->last_modified, st->last_modified);
		if (st->title != NULL)
			claimwatchd_set_str(&f->own_title, st->title);
		if (st->moved_to != NULL)
			claimwatchd_set_str(&f->fetch_url, st->moved_to);
		f->status = st->status;
		f->errors = st->errors;
		f->gone = st->gone;
		f->next_due = st->next_due;
		/* Backing off from an earlier run under other settings; a
		   server's Retry-After (429, 503) stands. */
		if (st->errors > 0 && st->last_poll > 0 && st->next_due >
		    st->last_poll + claimwatchd_backoff_max(f->ctx,
		    f->interval, st->errors) && st->status != 429 &&
		    st->status != 503)
			f->next_due = st->last_poll + claimwatchd_backoff_max(
			    f->ctx, f->interval, st->errors);
	}
	if (!f->removed && f->sf == NULL && !f->ctx->stopping)
		claimwatchd_schedule(f->ctx, f);
}

/* Loads a new feed's stored state, then schedules it. */
static void
claimwatchd_feed_start(struct ctx *ctx, struct ctx_feed *f)
{
	f->loading = true;
	if (store_feed_state_get(ctx->store, f->url, claimwatchd_state_cb,
	    f) == -1) {
		f->loading = false;
		claimwatchd_schedule(ctx, f);
	}
}

static void
claimwatchd_connect_cb(bool connected, void *arg)
{
	struct ctx	*ctx = arg;
	struct ctx_feed	*f;

	if (!connected || ctx->started)
		return;
	/* Polling starts only once the seen sets can be read: alerting
	   without them would repeat every item after a restart. */
	ctx->started = true;
	TAILQ_FOREACH(f, &ctx->feeds, entry)
		claimwatchd_feed_start(ctx, f);
	log_notice("started feeds=%zu", ctx->nfeeds);
	sd_notify(0, "READY=1");
	claimwatchd_notify_status(ctx);
}

static void
claimwatchd_fetch_options(const struct config *c, struct fetch_options *o)
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

static void
claimwatchd_scheduler_options(const struct ctx *ctx,
    struct scheduler_options *o)
{
	const struct config	*c = ctx->conf;

	memset(o, 0, sizeof(*o));
	o->interval = c->interval;
	o->min_interval = c->min_interval;
	o->max_interval = c->max_interval;
	o->max_failures = c->max_failures;
	o->spread = !ctx->once;
}

/* Applies a new feed list: adds and removes, leaves unchanged feeds be. */
static void
claimwatchd_apply_feeds(struct ctx *ctx, const struct config *conf)
{
	struct ctx_feed	*f, *next;
	size_t		 i, added = 0, removed = 0;
	bool		 listed;

	for (f = TAILQ_FIRST(&ctx->feeds); f != NULL; f = next) {
		next = TAILQ_NEXT(f, entry);
		listed = false;
		for (i = 0; i < conf->nfeeds && !listed; i++)
			listed = strcmp(conf->feeds[i].url, f->url) == 0;
		if (listed || f->removed)
			continue;
		removed++;
		if (f->polling || f->loading) {
			/* Freed when its poll or its state read ends. */
			f->removed = true;
			if (f->sf != NULL)
				scheduler_remove(ctx->sched, f->sf);
			f->sf = NULL;
		} else
			ctx_feed_free(ctx, f);
	}
	for (i = 0; i < conf->nfeeds; i++) {
		const struct config_feed *cf = &conf->feeds[i];

		if ((f = ctx_feed_find(ctx, cf->url)) != NULL &&
		    !f->removed) {
			/* A new interval takes effect from the next poll,
			   keeping the time already scheduled. */
			if (f->interval != cf->interval && f->sf != NULL) {
				int64_t due = scheduler_next_due(f->sf);

				scheduler_remove(ctx->sched, f->sf);
				f->sf = scheduler_add(ctx->sched, cf->interval,
				    due, f);
			}
			f->interval = cf->interval;
			claimwatchd_set_str(&f->lang, cf->lang);
			f->lang_warned = false;
			f->articles = cf->fetch_articles;
			ctx_feed_describe(f, cf->title, cf->categories,
			    cf->ncategories);
			ctx_feed_set_auth(f, cf);
			continue;
		}
		f = ctx_feed_add(ctx, cf->url, cf->lang, cf->interval,
		    cf->fetch_articles);
		ctx_feed_describe(f, cf->title, cf->categories,
		    cf->ncategories);
		ctx_feed_set_auth(f, cf);
		added++;
		if (ctx->started)
			claimwatchd_feed_start(ctx, f);
	}
	if (added > 0 || removed > 0)
		log_notice("feeds=%zu added=%zu removed=%zu", ctx->nfeeds,
		    added, removed);
}

/* Every error of a configuration, at start (stderr) and reload (log). */
static void
claimwatchd_conf_error_cb(const char *msg, void *arg)
{
	(void)arg;
	fprintf(stderr, "%s\n", msg);
}

/* The loader's warnings (skipped outlines), once per load. */
static void
claimwatchd_conf_warnings(const struct config *c)
{
	size_t	 i;

	for (i = 0; i < c->nwarnings; i++)
		log_warn("%s", c->warnings[i]);
}

static void
claimwatchd_reload_error_cb(const char *msg, void *arg)
{
	(void)arg;
	log_error("reload rejected, keeping the running configuration: %s",
	    msg);
}

/*
 * SIGHUP: the new configuration, feed list and lexicon are all loaded
 * before anything is swapped, so a bad file leaves the running set intact.
 */
static void
claimwatchd_reload(struct ctx *ctx)
{
	struct config			*conf;
	struct lexicon			*lex;
	struct gazetteer		*gaz;
	struct fetch_options		 fo;
	struct scheduler_options	 so;
	struct ctx_feed			*f;
	char				 err[CONFIG_ERR_LEN];
	size_t				 n;

	sd_notify(0, "RELOADING=1");
	ctx->stats.reload_time = util_now();
	ctx->stats.reload_ok = false;
	conf = config_load_all(ctx->conf_path, claimwatchd_reload_error_cb,
	    NULL, &n);
	if (n > 0) {
		config_free(conf);
		goto done;
	}
	claimwatchd_conf_warnings(conf);
	if (check_load_data(conf, &lex, &gaz, NULL, err, sizeof(err)) == -1) {
		log_error("reload rejected, keeping the running configuration: "
		    "%s", err);
		config_free(conf);
		goto done;
	}
	gazetteer_free(ctx->gaz);
	ctx->gaz = gaz;
	if (strcmp(conf->redis_url, ctx->conf->redis_url) != 0 ||
	    strcmp(conf->prefix, ctx->conf->prefix) != 0 ||
	    strcmp(conf->channel, ctx->conf->channel) != 0)
		log_warn("reload: [redis] changes take effect after a restart");
	lexicon_free(ctx->lex);
	ctx->lex = lex;
	claimwatchd_apply_feeds(ctx, conf);
	/* The store keeps the [redis] settings it started with. */
	config_free(ctx->conf);
	ctx->conf = conf;
	if (ctx->log_level == -1)
		log_setlevel(conf->log_level);
	claimwatchd_fetch_options(conf, &fo);
	fetch_set_options(ctx->fetch, &fo);
	claimwatchd_scheduler_options(ctx, &so);
	scheduler_set_options(ctx->sched, &so);
	TAILQ_FOREACH(f, &ctx->feeds, entry)
		claimwatchd_cut_backoff(ctx, f);
	ctx->stats.reload_ok = true;
	log_notice("reloaded %s feeds=%zu", ctx->conf_path, ctx->nfeeds);
done:
	sd_notify(0, "READY=1");
	claimwatchd_notify_status(ctx);
}

static void
claimwatchd_drain_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ctx	*ctx = arg;
	static const struct timeval tv = { 0, 50 * 1000 };

	(void)fd;
	(void)what;
	if (ctx->once && !ctx->stopping && (!ctx->started ||
	    ctx->once_left > 0)) {
		event_add(ctx->ev_drain, &tv);
		return;
	}
	/* With Redis away nothing pending can finish: the store spools it
	   at exit, so there is no point in waiting for the deadline. */
	if (ctx->inflight == 0 && (store_pending(ctx->store) == 0 ||
	    (ctx->stopping && !store_is_connected(ctx->store)))) {
		event_base_loopexit(ctx->base, NULL);
		return;
	}
	event_add(ctx->ev_drain, &tv);
}

static void
claimwatchd_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ctx	*ctx = arg;

	(void)fd;
	(void)what;
	log_warn("stop: %zu polls and %zu Redis writes still pending after "
	    "%d s; exiting", ctx->inflight, store_pending(ctx->store),
	    CLAIMWATCHD_DRAIN_SECONDS);
	event_base_loopexit(ctx->base, NULL);
}

static void
claimwatchd_stop(struct ctx *ctx)
{
	struct ctx_feed		*f;
	struct timeval		 tv = { CLAIMWATCHD_DRAIN_SECONDS, 0 };

	if (ctx->stopping) {
		log_notice("second signal: exiting now");
		event_base_loopbreak(ctx->base);
		return;
	}
	ctx->stopping = true;
	log_notice("stopping: finishing %zu polls and %zu Redis writes",
	    ctx->inflight, store_pending(ctx->store));
	sd_notify(0, "STOPPING=1");
	/* No new polls; in-flight ones run to the end. */
	while ((f = TAILQ_FIRST(&ctx->waiting)) != NULL) {
		TAILQ_REMOVE(&ctx->waiting, f, wentry);
		f->waiting = false;
	}
	TAILQ_FOREACH(f, &ctx->feeds, entry)
		f->sf = NULL;
	scheduler_free(ctx->sched);
	ctx->sched = NULL;
	event_base_once(ctx->base, -1, EV_TIMEOUT, claimwatchd_deadline_cb,
	    ctx, &tv);
	event_active(ctx->ev_drain, EV_TIMEOUT, 0);
}

static void
claimwatchd_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct ctx	*ctx = arg;

	(void)what;
	/* libevent runs this from the loop, not from the signal handler,
	   so reloading here is safe (see OpenBSD httpd's parent_sig_handler
	   for the same reasoning with its own loop). */
	switch (sig) {
	case SIGHUP:
		if (!ctx->stopping)
			claimwatchd_reload(ctx);
		break;
	default:
		claimwatchd_stop(ctx);
		break;
	}
}

static void
claimwatchd_watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ctx	*ctx = arg;

	(void)fd;
	(void)what;
	sd_notify(0, "WATCHDOG=1");
	claimwatchd_notify_status(ctx);
}

static void
claimwatchd_setup_events(struct ctx *ctx)
{
	uint64_t	 usec;
	struct timeval	 tv;

	ctx->ev_sigterm = evsignal_new(ctx->base, SIGTERM,
	    claimwatchd_signal_cb, ctx);
	ctx->ev_sigint = evsignal_new(ctx->base, SIGINT,
	    claimwatchd_signal_cb, ctx);
	ctx->ev_sighup = evsignal_new(ctx->base, SIGHUP,
	    claimwatchd_signal_cb, ctx);
	ctx->ev_drain = evtimer_new(ctx->base, claimwatchd_drain_cb, ctx);
	ctx->ev_next = evtimer_new(ctx->base, claimwatchd_next_cb, ctx);
	if (ctx->ev_sigterm == NULL || ctx->ev_sigint == NULL ||
	    ctx->ev_sighup == NULL || ctx->ev_drain == NULL ||
	    ctx->ev_next == NULL)
		fatalx("cannot create signal events");
	evsignal_add(ctx->ev_sigterm, NULL);
	evsignal_add(ctx->ev_sigint, NULL);
	evsignal_add(ctx->ev_sighup, NULL);
	if (ctx->once)
		event_active(ctx->ev_drain, EV_TIMEOUT, 0);
	if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
		usec /= 2;
		tv.tv_sec = (time_t)(usec / 1000000);
		tv.tv_usec = (suseconds_t)(usec % 1000000);
		ctx->ev_watchdog = event_new(ctx->base, -1, EV_PERSIST,
		    claimwatchd_watchdog_cb, ctx);
		if (ctx->ev_watchdog == NULL)
			fatalx("cannot create the watchdog timer");
		event_add(ctx->ev_watchdog, &tv);
	}
}

static void
claimwatchd_metrics_cb(struct util_buf *out, void *arg)
{
	ctx_metrics(arg, out);
}

static bool
claimwatchd_health_cb(struct util_buf *out, void *arg)
{
	return ctx_health(arg, out);
}

static void
claimwatchd_store_options(const struct config *c, struct store_options *o,
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

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'd' },
		{ "once", no_argument, NULL, 'o' },
		{ "feed", required_argument, NULL, 'f' },
		{ "check-config", no_argument, NULL, 'n' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctx			*ctx;
	struct fetch_options		 fo;
	struct scheduler_options	 so;
	struct store_options		 sto;
	struct store_watch		*watches;
	struct config_feed		*cf;
	char				*spool;
	struct claimwatchd_poll		*p;
	struct store_stats		 stats;
	const char			*conf_path = NULL, *only = NULL;
	char				 err[CONFIG_ERR_LEN];
	bool				 foreground, check = false, once = false;
	int				 ch, level = -1, rc;
	size_t				 i;

	/* journald sets JOURNAL_STREAM for services it reads; elsewhere a
	   human is reading. */
	foreground = getenv("JOURNAL_STREAM") == NULL;
	while ((ch = getopt_long(argc, argv, "c:dnVh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			conf_path = optarg;
			break;
		case 'd':
			foreground = true;
			break;
		case 'o':
			once = true;
			break;
		case 'f':
			only = optarg;	/* `claimwatch poll URL` */
			break;
		case 'n':
			check = true;
			break;
		case 'l':
			if ((level = log_level_parse(optarg)) == -1) {
				fprintf(stderr, "claimwatchd: unknown log "
				    "level '%s'\n", optarg);
				return 1;
			}
			break;
		case 'V':
			printf("claimwatchd %s\n", CW_VERSION);
			return 0;
		case 'h':
			claimwatchd_usage(0);
		default:
			claimwatchd_usage(1);
		}
	}
	if (optind != argc || conf_path == NULL || (only != NULL && !once))
		claimwatchd_usage(1);
	if (check) {
		struct check_result	 r;

		check_config(conf_path, check_print_cb, NULL, &r);
		return check_verdict(conf_path, &r);
	}
	log_init(level != -1 ? level : LOG_LEVEL_NOTICE, foreground);
	log_route_libevent();

	if ((ctx = ctx_new()) == NULL)
		fatalx("cannot create the event loop");
	ctx->once = once;
	ctx->log_level = level;
	ctx->conf_path = xstrdup(conf_path);
	ctx->conf = config_load_all(conf_path, claimwatchd_conf_error_cb,
	    NULL, &i);
	if (i > 0) {
		fprintf(stderr, "%s: %zu error%s\n", conf_path, i,
		    i == 1 ? "" : "s");
		config_free(ctx->conf);
		ctx->conf = NULL;
		ctx_free(ctx);
		return 1;
	}
	if (level == -1)
		log_setlevel(ctx->conf->log_level);
	claimwatchd_conf_warnings(ctx->conf);
	if (check_load_data(ctx->conf, &ctx->lex, &ctx->gaz, NULL, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		ctx_free(ctx);
		return 1;
	}
	ctx->stats.reload_time = ctx->stats.started_at = util_now();
	ctx->stats.reload_ok = true;
	signal(SIGPIPE, SIG_IGN);
	/* Past a file-size limit, a spool write must fail with EFBIG and be
	   reported, not kill the daemon. */
	signal(SIGXFSZ, SIG_IGN);

	claimwatchd_fetch_options(ctx->conf, &fo);
	if ((ctx->fetch = fetch_new(ctx->base, &fo, err, sizeof(err))) ==
	    NULL)
		fatalx("fetch: %s", err);
	claimwatchd_scheduler_options(ctx, &so);
	if ((ctx->sched = scheduler_new(ctx->base, &so, claimwatchd_due_cb,
	    ctx)) == NULL)
		fatalx("cannot create the scheduler");
	for (i = 0; i < ctx->conf->nfeeds; i++) {
		cf = &ctx->conf->feeds[i];
		if (only != NULL && strcmp(cf->url, only) != 0)
			continue;
		if (ctx_feed_find(ctx, cf->url) == NULL) {
			ctx_feed_describe(ctx_feed_add(ctx, cf->url, cf->lang,
			    cf->interval, cf->fetch_articles), cf->title,
			    cf->categories, cf->ncategories);
			ctx_feed_set_auth(TAILQ_LAST(&ctx->feeds, ctx_feeds),
			    cf);
		}
	}
	if (only != NULL && ctx->nfeeds == 0) {
		fprintf(stderr, "claimwatchd: %s is not in the feed list %s\n",
		    only, ctx->conf->feeds_list);
		ctx_free(ctx);
		return 1;
	}
	ctx->once_left = ctx->nfeeds;
	claimwatchd_setup_events(ctx);
	claimwatchd_store_options(ctx->conf, &sto, &watches, &spool);
	ctx->store = store_new(ctx->base, &sto, claimwatchd_connect_cb, ctx,
	    err, sizeof(err));
	free(watches);
	free(spool);
	if (ctx->store == NULL) {
		fprintf(stderr, "%s: [redis] %s\n", conf_path, err);
		ctx_free(ctx);
		return 1;
	}
	if (ctx->conf->http_listen != NULL && ctx->conf->http_listen[0] != '\0'
	    && !once) {
		ctx->http = http_new(ctx->base, ctx->conf->http_listen,
		    claimwatchd_metrics_cb, claimwatchd_health_cb, ctx, err,
		    sizeof(err));
		if (ctx->http == NULL) {
			fprintf(stderr, "%s: [http] listen: %s\n", conf_path,
			    err);
			ctx_free(ctx);
			return 1;
		}
		/* The page reads one Redis with SCAN: on a cluster URL it
		   stays off and the daemon runs on. */
		ctx->web = web_new(ctx->base, ctx->http, &sto,
		    ctx->conf->http_token, err, sizeof(err));
		if (ctx->web == NULL)
			log_warn("http: look-back page off: [redis] %s", err);
		log_notice("http listen=%s port=%d (/, /key/KEY, /api, "
		    "/metrics, /healthz)", ctx->conf->http_listen,
		    http_port(ctx->http));
	}
	log_notice("claimwatchd %s starting config=%s feeds=%zu%s",
	    CW_VERSION, conf_path, ctx->nfeeds, once ? " once" : "");
	/* Said once, up or down: the README's "When Redis is away". */
	log_notice("waiting for Redis url=%s before the first poll (the "
	    "items already seen are kept there); after that, polling goes "
	    "on through Redis outages", ctx->conf->redis_url);

	/* Two workers: parsing uses the second core, never the loop. */
	feed_init();
	if ((ctx->work = work_new(ctx->base, 2, err, sizeof(err))) == NULL)
		log_warn("no worker threads (%s): documents are read on the "
		    "event loop", err);
	event_base_dispatch(ctx->base);

	store_get_stats(ctx->store, &stats);
	/*
	 * Polls cut short by the drain deadline still hold their feeds:
	 * stop the modules that could call back into them first (fetch
	 * aborts without callbacks, the store spools what Redis did not
	 * take), then free them.
	 */
	fetch_free(ctx->fetch);
	ctx->fetch = NULL;
	store_free(ctx->store);
	ctx->store = NULL;
	work_free(ctx->work);	/* cancels jobs: their polls go next */
	ctx->work = NULL;
	while ((p = TAILQ_FIRST(&ctx->polls)) != NULL) {
		TAILQ_REMOVE(&ctx->polls, p, entry);
		claimwatchd_poll_free(p);
	}

	log_notice("stopped polls=%llu alerts=%llu",
	    (unsigned long long)ctx->stats.polls, stats.alerts);
	rc = 0;
	/* --once is run from cron and scripts: total failure must show. */
	if (once && ctx->nfeeds > 0 &&
	    ctx->stats.by_result[CTX_RESULT_OK] == 0 &&
	    ctx->stats.by_result[CTX_RESULT_NOT_MODIFIED] == 0) {
		log_error("--once: every poll failed (%zu feeds, %llu "
		    "polls); exit status 1", ctx->nfeeds,
		    (unsigned long long)ctx->stats.polls);
		rc = 1;
	}
	ctx_free(ctx);
	return rc;
}
