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

#include <jansson.h>

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

static void
store_cmd_clear(struct store_cmd *cmd)
{
	util_buf_free(&cmd->buf);
	free(cmd->off);
	free(cmd->argvlen);
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

static int	store_batch_upgrade(struct store_cmd *);

/*
 * Finds b's layout once, for a call built here or read from the spool
 * (where an older daemon's layout is rewritten to this one's).
 */
void
store_qbatch_lay_out(struct store_qbatch *b)
{
	struct store_cmd	*cmd = &b->cmds[0];

	if (b->ncmds == 0)
		return;
	b->laid_out = store_batch_layout(cmd->argc, cmd->off, cmd->buf.data,
	    &b->layout) == 0;
	if (!b->laid_out && b->spooled && store_batch_upgrade(cmd) == 0)
		b->laid_out = store_batch_layout(cmd->argc, cmd->off,
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
 * The call's parts, for a header of nhead strings and claims of nargs,
 * checked against each other: numkeys matches the claims, and the claims
 * end where the arguments do.
 */
static int
store_batch_layout_as(int argc, const size_t *off, const char *buf,
    int nhead, int nargs, struct store_batch_layout *l)
{
	if (argc < 1)
		return -1;
	l->nk = strtol(buf + off[0], NULL, 10);
	if (l->nk < STORE_FEED_NKEYS + 1 || l->nk + nhead >= argc)
		return -1;
	l->head = (int)l->nk + 1;
	l->ns = strtol(buf + off[l->head + STORE_ARGV_NSTATE - 1], NULL, 10);
	l->ni = strtol(buf + off[l->head + STORE_ARGV_NITEMS - 1], NULL, 10);
	l->nc = strtol(buf + off[l->head + STORE_ARGV_NCLAIMS - 1], NULL, 10);
	if (l->ns < 0 || l->ni < 0 || l->nc < 0 ||
	    l->ns > argc || l->ni > argc || l->nc > argc ||
	    l->nk != STORE_FEED_NKEYS + 1 + STORE_CLAIM_NKEYS * l->nc)
		return -1;
	l->state = l->head + nhead;
	l->items = l->state + (int)l->ns;
	l->claims = l->items + (int)(2 * l->ni);
	if (l->claims + l->nc * nargs != argc)
		return -1;
	return 0;
}

int
store_batch_layout(int argc, const size_t *off, const char *buf,
    struct store_batch_layout *l)
{
	return store_batch_layout_as(argc, off, buf, STORE_BATCH_NHEAD,
	    STORE_CLAIM_NARGS, l);
}

/*
 * Of a "new" alert as alert_new_json made it: the names, the current
 * figure and the tail (alert.h's parts), found by plain search (an
 * unescaped quote is JSON structure, never inside a string), and the
 * story's label.  Returns -1 when al is not such an alert.
 */
static int
store_batch_v1_parts(const char *al, struct util_buf *names,
    struct util_buf *cur, const char **tail, char **label)
{
	static const char	 pre[] = "{\"v\":2,\"type\":\"new\",";
	static const char	 mid[] = ",\"sources\":1,\"previous\":null,"
				    "\"current\":";
	const char		*m, *f, *l;
	json_t			*j;

	if (strncmp(al, pre, sizeof(pre) - 1) != 0 ||
	    (m = strstr(al, mid)) == NULL ||
	    (f = strstr(m, ",\"feed\":")) == NULL)
		return -1;
	util_buf_reset(names);
	util_buf_append(names, al + sizeof(pre) - 1,
	    (size_t)(m - al) - (sizeof(pre) - 1));
	util_buf_reset(cur);
	m += sizeof(mid) - 1;
	util_buf_append(cur, m, (size_t)(f - m));
	*tail = f + 1;
	j = json_loads(al, 0, NULL);
	l = json_string_value(json_object_get(json_object_get(j, "story"),
	    "label"));
	*label = xstrdup(l != NULL ? l : "");
	json_decref(j);
	return 0;
}

/* Claim i of a v1 call l as the current layout's strings, into to. */
static int
store_batch_v1_claim(const struct store_cmd *from,
    const struct store_batch_layout *l, long i, struct store_cmd *to,
    struct util_buf *names, struct util_buf *cur)
{
	int		 a = l->claims + STORE_V1_CLAIM_NARGS * (int)i, j;
	const char	*tail;
	char		*label;

	if (store_batch_v1_parts(store_cmd_arg(from, a +
	    STORE_V1_CLAIM_ALERT), names, cur, &tail, &label) == -1)
		return -1;
	for (j = 0; j < STORE_V1_CLAIM_ALERT; j++)
		store_cmd_add(to, store_cmd_arg(from, a + j),
		    from->argvlen[a + j]);
	store_cmd_add(to, cur->data, cur->len);
	store_cmd_add(to, names->data, names->len);
	store_cmd_str(to, label);
	free(label);
	for (j = STORE_V1_CLAIM_ALERT + 1; j < STORE_V1_CLAIM_NARGS; j++)
		store_cmd_add(to, store_cmd_arg(from, a + j),
		    from->argvlen[a + j]);
	return 0;
}

/*
 * A call in the layout of older daemons (a spool written before the
 * script joined alerts) rewritten to the current one, so nothing spooled
 * is lost across an upgrade.  Returns -1 when from is neither layout.
 */
static int
store_batch_upgrade(struct store_cmd *from)
{
	struct store_batch_layout	 l;
	struct store_cmd		 to = { 0 };
	struct util_buf			 names = { 0 }, cur = { 0 };
	const char			*tail = "";
	char				*label;
	int				 j, rc = 0;
	long				 i;

	if (store_batch_layout_as(from->argc, from->off, from->buf.data,
	    STORE_V1_BATCH_NHEAD, STORE_V1_CLAIM_NARGS, &l) == -1)
		return -1;
	to.batch = from->batch;
	to.script = from->script;
	for (j = 0; j < l.state; j++)
		store_cmd_add(&to, store_cmd_arg(from, j), from->argvlen[j]);
	/* Every claim of a batch shares the feed and detection time. */
	if (l.nc > 0 && store_batch_v1_parts(store_cmd_arg(from, l.claims +
	    STORE_V1_CLAIM_ALERT), &names, &cur, &tail, &label) == 0)
		free(label);
	store_cmd_str(&to, tail);
	for (j = l.state; j < l.claims; j++)
		store_cmd_add(&to, store_cmd_arg(from, j), from->argvlen[j]);
	for (i = 0; i < l.nc && rc == 0; i++)
		rc = store_batch_v1_claim(from, &l, i, &to, &names, &cur);
	util_buf_free(&names);
	util_buf_free(&cur);
	if (rc == -1) {
		store_cmd_clear(&to);
		return -1;
	}
	store_cmd_clear(from);
	*from = to;
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

/* The dedupe token: the item, its content, which claim on the key. */
static void
store_build_token(const struct store_batch *in, size_t ci,
    struct store_cmd *cmd)
{
	const struct store_claim	*sc = &in->claims[ci];
	const struct store_item		*it = &in->items[sc->item];
	size_t				 j, occ = 0;

	/* Extraction is deterministic, so the count names the claim. */
	for (j = 0; j < ci; j++)
		if (in->claims[j].item == sc->item &&
		    strcmp(in->claims[j].claim->key, sc->claim->key) == 0)
			occ++;
	store_cmd_fmt(cmd, "%s\037%016" PRIx64 "\037%zu", it->id, it->hash,
	    occ);
}

/*
 * Claim ci's STORE_CLAIM_NARGS strings.  The alert is sent in the parts
 * the script joins only if the claim alerts (alert_parts_make): most
 * claims repeat a known figure and never need one.
 */
static void
store_build_claim(struct store *s, const struct store_batch *in, size_t ci,
    struct store_cmd *cmd)
{
	const struct store_claim	*sc = &in->claims[ci];
	const struct claim		*c = sc->claim;
	const struct store_item		*it = &in->items[sc->item];
	struct alert_source		 src;
	struct alert_parts		 p;
	double				 lo, hi, ta, tr;
	bool				 watched;

	store_interval(c, &lo, &hi);
	watched = store_watched(s, c->key, &ta, &tr);
	src.url = it->url;
	src.title = it->title;
	src.text = sc->text;
	src.lang = it->lang;
	src.published = it->published;
	alert_parts_make(c, &src, &p);

	store_build_token(in, ci, cmd);
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
	store_cmd_str(cmd, p.figure);
	store_cmd_str(cmd, p.current);
	store_cmd_str(cmd, p.names);
	store_cmd_str(cmd, p.label);
	store_cmd_num(cmd, ta);
	store_cmd_num(cmd, tr);
	store_cmd_str(cmd, store_claim_mode(s, in, it, c, watched));
	store_cmd_str(cmd, it->url != NULL ? it->url : it->id);
	store_cmd_fmt(cmd, "%zu", sc->item + 1);
	alert_parts_free(&p);
}

/* The state hash's field/value strings; returns how many. */
static int
store_build_state(const struct store_batch *in, struct store_cmd *cmd)
{
	const struct feed_state		*st = in->state;
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
	store_cmd_fmt(cmd, "%d", st->failures);
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
	char		 ni[32], nc[32], *tail;
	struct alert_feed feed;
	int		 i;
	char		 shown[UTIL_URL_SHOWN];

	/* A password in the feed URL never reaches alerts or Redis. */
	feed.url = util_url_redact(in->feed_url, shown, sizeof(shown));
	feed.title = in->feed_title;
	feed.categories = in->categories;
	feed.ncategories = in->ncategories;
	tail = alert_tail(&feed, in->detected_at);

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
	h[STORE_ARGV_TAIL] = tail;
	for (i = 1; i <= STORE_BATCH_NHEAD; i++)
		store_cmd_str(cmd, h[i]);
	free(tail);
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
