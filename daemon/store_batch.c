/*
 * store_batch: a submitted feed encoded once as the batch script's call
 * (keys, header, state strings, item pairs, claims: the layout in
 * store_int.h, which store_lua.c reads), and the offline items answer that
 * reads queued calls back.  Pure: no I/O, no Redis.
 */
#include <sys/queue.h>

#include <fnmatch.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "claim.h"
#include "store.h"
#include "store_int.h"
#include "util.h"

static void
store_cmd_add(struct store_cmd *cmd, const char *p, size_t len)
{
	if (cmd->argc == cmd->cap) {
		cmd->cap = cmd->cap == 0 ? 64 : cmd->cap * 2;
		cmd->off = xreallocarray(cmd->off, (size_t)cmd->cap,
		    sizeof(*cmd->off));
		cmd->argvlen = xreallocarray(cmd->argvlen, (size_t)cmd->cap,
		    sizeof(*cmd->argvlen));
	}
	cmd->off[cmd->argc] = cmd->buf.len;
	cmd->argvlen[cmd->argc++] = len;
	util_buf_append(&cmd->buf, p, len);
	util_buf_append(&cmd->buf, "", 1);
}

static void
store_cmd_str(struct store_cmd *cmd, const char *str)
{
	store_cmd_add(cmd, str, strlen(str));
}

static void __attribute__((format(printf, 2, 3)))
store_cmd_fmt(struct store_cmd *cmd, const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[256], *str = buf;
	int	 len;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len < 0)
		len = 0;
	else if ((size_t)len >= sizeof(buf)) {
		va_start(ap, fmt);
		len = xvasprintf(&str, fmt, ap);
		va_end(ap);
	}
	store_cmd_add(cmd, str, (size_t)len);
	if (str != buf)
		free(str);
}

/* The i-th argument, NUL-terminated. */
const char *
store_cmd_arg(const struct store_cmd *cmd, int i)
{
	return cmd->buf.data + cmd->off[i];
}

static void
store_cmd_num(struct store_cmd *cmd, double v)
{
	store_cmd_fmt(cmd, "%.17g", v);
}

void
store_qbatch_free(struct store_qbatch *b)
{
	size_t	 i;

	for (i = 0; i < b->ncmds; i++) {
		util_buf_free(&b->cmds[i].buf);
		free(b->cmds[i].off);
		free(b->cmds[i].argvlen);
	}
	free(b->cmds);
	free(b->feed_url);
	free(b->feed_title);
	free(b);
}

/* Finds b's layout once, for a call built here or read from the spool. */
void
store_qbatch_lay_out(struct store_qbatch *b)
{
	const struct store_cmd	*cmd = &b->cmds[0];

	b->laid_out = b->ncmds > 0 && store_batch_layout(cmd->argc, cmd->off,
	    cmd->buf.data, &b->layout) == 0;
}

/* v as 16 lower-case hex digits and a NUL, as "%016" PRIx64 prints it. */
void
store_hex64(char buf[17], uint64_t v)
{
	static const char	 digits[] = "0123456789abcdef";
	int			 i;

	for (i = 15; i >= 0; i--, v >>= 4)
		buf[i] = digits[v & 0xf];
	buf[16] = '\0';
}

/* The hash tag of a feed's keys: FNV-1a of its URL, so any URL fits. */
void
store_feed_tag(const struct store *s, const char *feed_url, char *buf,
    size_t len)
{
	snprintf(buf, len, "{%sf:%016" PRIx64 "}", s->prefix,
	    util_hash64(feed_url, strlen(feed_url), UTIL_HASH_SEED));
}

/*
 * The call's parts, checked against each other: numkeys matches the
 * claims, and the claims end where the arguments do.
 */
int
store_batch_layout(int argc, const size_t *off, const char *buf,
    struct store_batch_layout *l)
{
	if (argc < 1)
		return -1;
	l->nk = strtol(buf + off[0], NULL, 10);
	if (l->nk < STORE_FEED_NKEYS + 1 ||
	    l->nk + STORE_BATCH_NHEAD >= argc)
		return -1;
	l->head = (int)l->nk + 1;
	l->ns = strtol(buf + off[l->head + STORE_ARGV_NSTATE - 1], NULL, 10);
	l->ni = strtol(buf + off[l->head + STORE_ARGV_NITEMS - 1], NULL, 10);
	l->nc = strtol(buf + off[l->head + STORE_ARGV_NCLAIMS - 1], NULL, 10);
	if (l->ns < 0 || l->ni < 0 || l->nc < 0 ||
	    l->ns > argc || l->ni > argc || l->nc > argc ||
	    l->nk != STORE_FEED_NKEYS + 1 + STORE_CLAIM_NKEYS * l->nc)
		return -1;
	l->state = l->head + STORE_BATCH_NHEAD;
	l->items = l->state + (int)l->ns;
	l->claims = l->items + (int)(2 * l->ni);
	if (l->claims + l->nc * STORE_CLAIM_NARGS != argc)
		return -1;
	return 0;
}

/*
 * Without Redis, the items of a feed are classified against the batches
 * still queued for it: what a queued batch will mark seen is seen, all
 * else is new.  Items Redis already holds come out "new"; their claims
 * then ride along in the next batch and the script skips them, so the
 * daemon can keep polling and extracting through an outage.
 */
void
store_items_offline(struct store *s, struct store_read *rd)
{
	const struct store_qbatch	*b;
	const char			*id, *qid, *qhash;
	char				 hex[17];
	long				 j;
	size_t				 i, off;

	rd->st = xcalloc(rd->n, sizeof(*rd->st));
	TAILQ_FOREACH(b, &s->batches, entry) {
		if (strcmp(b->feed_url, rd->feed_url) != 0 || !b->laid_out)
			continue;
		for (j = 0; j < b->layout.ni; j++) {
			qid = store_cmd_arg(&b->cmds[0], b->layout.items +
			    2 * (int)j);
			qhash = store_cmd_arg(&b->cmds[0], b->layout.items +
			    2 * (int)j + 1);
			for (i = 0, off = 0; i < rd->n; i++) {
				id = rd->ids.data + off;
				off += strlen(id) + 1;
				if (strcmp(id, qid) != 0)
					continue;
				store_hex64(hex, rd->hashes[i]);
				rd->st[i] = strcmp(hex, qhash) == 0 ?
				    STORE_ITEM_SEEN : STORE_ITEM_CHANGED;
			}
		}
	}
}

/*
 * The interval a qualifier makes of a figure (see the change rule in
 * store_lua.c).  Vague has an open top: "ratusan" is below 1000.
 */
static void
store_interval(const struct claim *c, double *lo, double *hi)
{
	double	 v = c->value;

	switch (c->qualifier) {
	case CLAIM_AT_LEAST:
		*lo = v;
		*hi = HUGE_VAL;
		break;
	case CLAIM_AT_MOST:
		*lo = 0;
		*hi = v;
		break;
	case CLAIM_RANGE:
		*lo = v;
		*hi = c->has_max ? c->max : v;
		break;
	case CLAIM_APPROX:
		*lo = v * 0.9;
		*hi = v * 1.1;
		break;
	case CLAIM_VAGUE:
		*lo = v;
		*hi = nextafter(v * 10, 0);
		break;
	default:
		*lo = *hi = v;
		break;
	}
}

/* Whether key alerts, and with which tolerance. */
static bool
store_watched(const struct store *s, const char *key, double *ta,
    double *tr)
{
	size_t	 i;

	*ta = s->tol_abs;
	*tr = s->tol_rel;
	if (s->nwatches == 0)
		return true;
	for (i = 0; i < s->nwatches; i++) {
		if (fnmatch(s->watches[i].pattern, key, 0) == 0) {
			*ta = s->watches[i].tolerance_abs;
			*tr = s->watches[i].tolerance_rel;
			return true;
		}
	}
	return false;
}

/*
 * What the script does with a claim (its "watched" argument): '1' compare
 * and alert, '0' compare and update without an alert (no watch names the
 * key), 'h' history only: a sub-count, an earlier or a comparison figure,
 * or an item published more than max_age before the batch (a feed's
 * archive is quiet, and last year's flood is not this year's previous).
 */
static const char *
store_claim_mode(const struct store *s, const struct store_batch *in,
    const struct store_item *it, const struct claim *c, bool watched)
{
	if (c->role != CLAIM_ROLE_HEADLINE)
		return "h";
	if (s->max_age > 0 && it->published != INT64_MIN &&
	    it->published < in->detected_at - s->max_age)
		return "h";
	/*
	 * A place's story (a flood, a quake) that went quiet for longer than
	 * the window is over: next year's flood is new, not a change.  An
	 * owner's story (a war) may go on for years and has no window.
	 */
	if (strchr(c->scope, '.') != NULL)
		return watched ? "1w" STORE_STORY_WINDOW : "0w"
		    STORE_STORY_WINDOW;
	return watched ? "1" : "0";
}

/* The dedupe token, figure and alert arguments of claim ci. */
static void
store_build_claim(struct store *s, const struct store_batch *in, size_t ci,
    struct store_cmd *cmd)
{
	const struct store_claim	*sc = &in->claims[ci];
	const struct claim		*c = sc->claim;
	const struct store_item		*it = &in->items[sc->item];
	struct alert_source		 src;
	struct alert_feed		 feed;
	double				 lo, hi, ta, tr;
	char				*fig, *al;
	size_t				 j, occ = 0;
	bool				 watched;
	char				 shown[UTIL_URL_SHOWN];

	/*
	 * The dedupe token names this claim across daemons and replays:
	 * the item, its content, and which of the item's claims on this
	 * key it is (extraction is deterministic).
	 */
	for (j = 0; j < ci; j++)
		if (in->claims[j].item == sc->item &&
		    strcmp(in->claims[j].claim->key, c->key) == 0)
			occ++;
	store_interval(c, &lo, &hi);
	watched = store_watched(s, c->key, &ta, &tr);
	src.url = it->url;
	src.title = it->title;
	src.text = sc->text;
	src.lang = it->lang;
	src.published = it->published;
	/* A password in the feed URL never reaches alerts or Redis. */
	feed.url = util_url_redact(in->feed_url, shown, sizeof(shown));
	feed.title = in->feed_title;
	feed.categories = in->categories;
	feed.ncategories = in->ncategories;
	al = alert_new_pair(c, &src, &feed, in->detected_at, &fig);

	store_cmd_fmt(cmd, "%s\037%016" PRIx64 "\037%zu", it->id, it->hash,
	    occ);
	store_cmd_num(cmd, c->value);
	if (c->has_max)
		store_cmd_num(cmd, c->max);
	else
		store_cmd_str(cmd, "");
	store_cmd_num(cmd, lo);
	store_cmd_num(cmd, isinf(hi) ? 1e308 : hi);
	store_cmd_str(cmd, c->qualifier == CLAIM_VAGUE ? "1" : "0");
	if (it->published == INT64_MIN)
		store_cmd_str(cmd, "");
	else
		store_cmd_fmt(cmd, "%" PRId64, it->published);
	store_cmd_str(cmd, fig);
	store_cmd_str(cmd, al);
	store_cmd_num(cmd, ta);
	store_cmd_num(cmd, tr);
	store_cmd_str(cmd, store_claim_mode(s, in, it, c, watched));
	store_cmd_str(cmd, it->url != NULL ? it->url : it->id);
	store_cmd_fmt(cmd, "%zu", sc->item + 1);
	free(fig);
	free(al);
}

/* The state hash's field/value strings; returns how many. */
static int
store_build_state(const struct store_batch *in, struct store_cmd *cmd)
{
	const struct store_feed_state	*st = in->state;
	int				 argc = cmd->argc;
	char				 shown[UTIL_URL_SHOWN];

	if (st == NULL)
		return 0;
	store_cmd_str(cmd, "url");
	store_cmd_str(cmd, util_url_redact(in->feed_url, shown,
	    sizeof(shown)));
#define STORE_FIELD_STR(f) do {						\
		if (st->f != NULL) {					\
			store_cmd_str(cmd, #f);				\
			store_cmd_str(cmd, st->f);			\
		}							\
	} while (0)
	STORE_FIELD_STR(etag);
	STORE_FIELD_STR(last_modified);
	STORE_FIELD_STR(moved_to);
	STORE_FIELD_STR(title);
#undef STORE_FIELD_STR
	store_cmd_str(cmd, "status");
	store_cmd_fmt(cmd, "%d", st->status);
	store_cmd_str(cmd, "errors");
	store_cmd_fmt(cmd, "%d", st->errors);
	store_cmd_str(cmd, "gone");
	store_cmd_str(cmd, st->gone ? "1" : "0");
	store_cmd_str(cmd, "next_due");
	store_cmd_fmt(cmd, "%" PRId64, st->next_due);
	store_cmd_str(cmd, "last_poll");
	store_cmd_fmt(cmd, "%" PRId64, st->last_poll);
	return cmd->argc - argc;
}

/* Overwrites argument i (a placeholder of the same or greater width). */
static void
store_cmd_set(struct store_cmd *cmd, int i, const char *str)
{
	size_t	 len = strlen(str);

	memcpy(cmd->buf.data + cmd->off[i], str, len + 1);
	cmd->argvlen[i] = len;
}

/*
 * The header, ARGV 1 to STORE_BATCH_NHEAD, by name; the state strings'
 * count is a placeholder store_build_batch sets once it knows it.
 */
static void
store_build_head(struct store *s, const struct store_batch *in,
    const char *iso, struct store_cmd *cmd)
{
	const char	*h[STORE_BATCH_NHEAD + 1];
	char		 now[32], maxlen[32], dmax[32], hmax[32], smax[32];
	char		 ni[32], nc[32];
	int		 i;

	snprintf(now, sizeof(now), "%" PRId64, in->detected_at);
	snprintf(maxlen, sizeof(maxlen), "%ld", s->stream_maxlen);
	snprintf(dmax, sizeof(dmax), "%d", STORE_DONE_MAX);
	snprintf(hmax, sizeof(hmax), "%d", STORE_HIST_MAX);
	snprintf(smax, sizeof(smax), "%ld", s->seen_max);
	snprintf(ni, sizeof(ni), "%zu", in->nitems);
	snprintf(nc, sizeof(nc), "%zu", in->nclaims);
	h[STORE_ARGV_NOW] = now;
	h[STORE_ARGV_ISO] = iso;
	h[STORE_ARGV_CHANNEL] = s->channel;
	h[STORE_ARGV_MAXLEN] = maxlen;
	h[STORE_ARGV_DONE_MAX] = dmax;
	h[STORE_ARGV_HIST_MAX] = hmax;
	h[STORE_ARGV_CORR] = s->corroborated ? "1" : "0";
	h[STORE_ARGV_SEEN_MAX] = smax;
	h[STORE_ARGV_NSTATE] = "0000000000";	/* set by the caller */
	h[STORE_ARGV_NITEMS] = ni;
	h[STORE_ARGV_NCLAIMS] = nc;
	h[STORE_ARGV_FEEDKEYS] = "1";
	h[STORE_ARGV_STREAMKEY] = "1";
	for (i = 1; i <= STORE_BATCH_NHEAD; i++)
		store_cmd_str(cmd, h[i]);
}

/*
 * The whole feed as one call of the batch script: keys first (feed, stream,
 * four per claim), then the header, state, items and claims.
 */
static void
store_build_batch(struct store *s, const struct store_batch *in,
    struct store_cmd *cmd)
{
	char		 tag[64], iso[32], num[32], hex[17];
	size_t		 i;
	int		 nsidx, ns;

	cmd->script = STORE_SCRIPT_BATCH;
	store_feed_tag(s, in->feed_url, tag, sizeof(tag));
	store_cmd_fmt(cmd, "%zu", STORE_FEED_NKEYS + 1 +
	    STORE_CLAIM_NKEYS * in->nclaims);
	store_cmd_fmt(cmd, "%s:state", tag);
	store_cmd_fmt(cmd, "%s:seen", tag);
	store_cmd_fmt(cmd, "%s:seenz", tag);
	store_cmd_str(cmd, s->stream);
	for (i = 0; i < in->nclaims; i++) {
		const char	*key = in->claims[i].claim->key;

		store_cmd_fmt(cmd, "{%sk:%s}:cur", s->prefix, key);
		store_cmd_fmt(cmd, "{%sk:%s}:hist", s->prefix, key);
		store_cmd_fmt(cmd, "{%sk:%s}:done", s->prefix, key);
		store_cmd_fmt(cmd, "{%sk:%s}:src", s->prefix, key);
	}
	util_iso8601(in->detected_at, iso, sizeof(iso));
	nsidx = cmd->argc + STORE_ARGV_NSTATE - 1;
	store_build_head(s, in, iso, cmd);
	ns = store_build_state(in, cmd);
	snprintf(num, sizeof(num), "%d", ns);
	store_cmd_set(cmd, nsidx, num);
	for (i = 0; i < in->nitems; i++) {
		store_cmd_str(cmd, in->items[i].id);
		store_hex64(hex, in->items[i].hash);
		store_cmd_add(cmd, hex, 16);
	}
	for (i = 0; i < in->nclaims; i++)
		store_build_claim(s, in, i, cmd);
}

/*
 * The batch's command without the claims of rejected sources (their items
 * are still marked seen).
 */
void
store_build_kept(struct store *s, const struct store_batch *in,
    struct store_cmd *cmd)
{
	struct store_batch	 kept = *in;
	struct store_claim	*v;
	size_t			 i;

	if (s->rejects.n == 0) {
		store_build_batch(s, in, cmd);
		return;
	}
	v = xcalloc(in->nclaims + 1, sizeof(*v));
	kept.nclaims = 0;
	for (i = 0; i < in->nclaims; i++)
		if (!store_rejects_match(&s->rejects,
		    in->items[in->claims[i].item].url))
			v[kept.nclaims++] = in->claims[i];
	kept.claims = v;
	store_build_batch(s, &kept, cmd);
	free(v);
}
