/*
 * poll_claims: the text of each new item, its language, the claims the
 * extractor finds in it with their stories, and the one store write of a
 * poll's items and claims.  Sentences are copied: the item text is
 * rebuilt per item.
 */
#include <stdlib.h>
#include <string.h>

#include "claim.h"
#include "config.h"
#include "ctx.h"
#include "extract.h"
#include "feed.h"
#include "lang.h"
#include "log.h"
#include "poll_int.h"
#include "poll_io.h"
#include "store.h"
#include "story.h"
#include "story_reg.h"
#include "util.h"

static void
poll_claim_cb(const struct claim *c, void *arg)
{
	struct poll_claims	*cc = arg;
	struct claim		 sc = *c;
	size_t			 i;

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
poll_item_text(const struct feed_item *it, const char *article,
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
	if (b->len > POLL_TEXT_MAX)
		b->len = POLL_TEXT_MAX;
}

/* A tag with no lexicon, once per feed: printable and bounded. */
static void
poll_lang_unknown(struct ctx_feed *f, const char *tag)
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
	    "language of each item instead", util_url_redact(f->url, rbuf,
	    sizeof(rbuf)), shown);
}

/*
 * The language to extract an item in.  The feed list's lang= is the
 * operator's word and is kept as given; else the item's or the feed
 * document's tag, else [extract] lang, each a BCP 47 tag that stands
 * unless the text is plainly in another lexicon language (lang_choose).
 */
static const char *
poll_item_lang(struct ctx_feed *f, const struct feed_item *it,
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
			poll_lang_unknown(f, f->lang);
	}
	tag = it->lang;
	if (tag == NULL || strcmp(lang_tag(ctx->lex, tag), LANG_AUTO) == 0)
		tag = ctx->conf->lang;
	/* The words the story scan split, so detection splits none. */
	t = lang_choose_words(ctx->lex, tag, st->text, st->len, &st->words,
	    &unknown);
	if (unknown)
		poll_lang_unknown(f, tag);
	return t;
}

void
poll_claims_free(struct poll_claims *cc)
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
poll_claims_drop_unscoped(struct poll_claims *cc)
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
poll_claims_submit(void *arg)
{
	struct poll		*p = arg;
	struct poll_claims	*cc = p->cc;
	struct feed_state	 st;
	struct store_batch	 b;
	char			 rbuf[1024];
	int			 rc;

	poll_claims_drop_unscoped(cc);
	cc->reg.n = cc->n;
	poll_io(p->ctx)->story_note(p->ctx, &cc->reg);
	poll_feed_state(p->feed, &st);
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
	rc = poll_io(p->ctx)->submit(p->ctx, &b, poll_submit_cb, p);
	poll_claims_free(cc);
	p->cc = NULL;
	if (rc == -1) {
		log_warn("feed=%s store queue full; items will be seen again "
		    "next poll", util_url_redact(p->feed->url, rbuf,
		    sizeof(rbuf)));
		poll_end(p);
	}
}

/* Completes the claims' stories from the registry, then submits. */
static void
poll_claims_resolve(struct poll *p)
{
	struct poll_claims	*cc = p->cc;

	cc->reg.g = p->ctx->gaz;
	cc->reg.claims = cc->claims;
	cc->reg.sclaims = cc->sclaims;
	cc->reg.n = cc->n;
	cc->reg.items = cc->ritems;
	cc->reg.cb = poll_claims_submit;
	cc->reg.arg = p;
	if (poll_io(p->ctx)->story_resolve(p->ctx, &cc->reg) == -1)
		poll_claims_submit(p);
}

/* Extracts claims from the poll's new items, gives each its story, and
   writes them. */
void
poll_extract_submit(struct poll *p)
{
	struct ctx		*ctx = p->ctx;
	struct poll_claims	*cc;
	struct util_buf		 text = { 0 };
	struct story_text	 story;
	const struct feed_item	*it;
	const char		*lang;
	size_t			 i, k;
	char			 rbuf[1024], tbuf[256];

	cc = p->cc = xcalloc(1, sizeof(*cc));
	cc->items = xcalloc(p->nnew + 1, sizeof(*cc->items));
	cc->ritems = xcalloc(p->nnew + 1, sizeof(*cc->ritems));
	for (k = 0; k < p->nnew; k++) {
		i = p->newidx[k];
		it = &p->parsed->items[i];
		cc->items[k] = p->items[i];
		poll_item_text(it, p->articles != NULL ?
		    p->articles[k] : NULL, &text);
		cc->text = text.data != NULL ? text.data : "";
		cc->item = k;
		story_text_init(&story, ctx->gaz, cc->text, text.len);
		lang = poll_item_lang(p->feed, it, &story);
		/* Alerts name the lexicon language, not the feed's tag. */
		cc->items[k].lang = lang;
		cc->story = &story;
		extract_text(ctx->lex, cc->text, text.len, lang,
		    poll_claim_cb, cc);
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
	    "title=\"%s\"", util_url_redact(p->feed->url, rbuf,
	    sizeof(rbuf)), p->status, p->parsed->nitems, p->nnew, cc->n,
	    util_shown(p->feed->title, tbuf, sizeof(tbuf)));
	poll_claims_resolve(p);
}

