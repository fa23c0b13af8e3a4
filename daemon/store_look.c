/*
 * store_look: reads back the store's keys (see store_lua.c for how they
 * are written) and runs the editor's scripts.  A connection of its own,
 * not the store's: the store's connection carries the polling daemon's
 * writes in order and replays them after an outage, and a page or a CLI
 * read must neither wait behind a large batch nor be replayed.  Async on
 * the caller's loop so that the daemon's HTTP handler never blocks it.
 *
 * A request is a small state machine: it counts the replies it waits for
 * (pending) and whether a SCAN is still walking (scanning); when both are
 * done it hands its result to the caller's callback and frees itself.
 */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <hiredis.h>
#include <async.h>
#include <adapters/libevent.h>

#include "look.h"
#include "store.h"
#include "store_int.h"
#include "store_look.h"
#include "util.h"

/* The scripts keep the last 1000 log entries per key. */

/*
 * KEYS: cur, log.  ARGV: 1 "1" mute / "0" unmute, 2 log entry.  The mute
 * flag lives in the current hash, which the batch script reads anyway.
 */
static const char store_look_lua_mute[] =
"if ARGV[1] == '1' then redis.call('HSET', KEYS[1], 'muted', '1')\n"
"else redis.call('HDEL', KEYS[1], 'muted') end\n"
"redis.call('RPUSH', KEYS[2], ARGV[2])\n"
"redis.call('LTRIM', KEYS[2], -1000, -1)\n"
"return 1\n";

/*
 * KEYS: cur, hist, src, log, stream.  ARGV: 1 now, 2 figure, 3 history
 * member, 4 value, 5 alert (previous null), 6 channel, 7 stream maxlen,
 * 8 log entry, 9 source id.  The correction becomes the current figure,
 * as the batch script would write one, and one "corrected" alert goes out
 * on the channel and the stream, with the figure it replaced as previous
 * and the key's story label.
 */
static const char store_look_lua_set[] =
"local A, K, call = ARGV, KEYS, redis.call\n"
"local c = call('HMGET', K[1], 'figure', 'story_label')\n"
"call('ZADD', K[2], A[1], A[3])\n"
"call('DEL', K[3])\n"
"call('HSET', K[1], 'value', A[4], 'max', '', 'lo', A[4], 'hi', A[4],\n"
"    'vague', '0', 'published', A[1], 'figure', A[2], 'sources', 1,\n"
"    'updated', A[1], 'src1', A[9], 'hn', call('ZCARD', K[2]))\n"
"local al = cjson.decode(A[5])\n"
"if c[1] then al.previous = cjson.decode(c[1]) end\n"
"if c[2] and c[2] ~= '' and type(al.story) == 'table' then\n"
"  al.story.label = c[2]\n"
"end\n"
"al = cjson.encode(al)\n"
"call('PUBLISH', A[6], al)\n"
"call('XADD', K[5], 'MAXLEN', '~', A[7], '*', 'alert', al)\n"
"call('RPUSH', K[4], A[8])\n"
"call('LTRIM', K[4], -1000, -1)\n"
"return 1\n";

/*
 * KEYS: cur, hist, src, log.  ARGV: 1 source, 2 "1" when it is a host,
 * 3 log entry, 4 now.  History members from the source get
 * "rejected":true; its ids leave the source set; when the current figure
 * was its (or all its sources were), the newest figure left becomes
 * current (none left: the key has no figure).  Returns how many figures
 * and sources it hit (0: the key is untouched, nothing logged).
 */
static const char store_look_lua_reject[] =
"local A, K, call = ARGV, KEYS, redis.call\n"
"local function host(u)\n"
"  local h = string.match(u or '', '^%a[%w+.-]*://([^/?#]+)')\n"
"  if not h then return nil end\n"
"  h = string.gsub(string.gsub(h, '^.*@', ''), ':%d*$', '')\n"
"  return string.lower(h)\n"
"end\n"
"local function hit(u)\n"
"  if type(u) ~= 'string' then return false end\n"
"  if A[2] == '1' then return host(u) == A[1] end\n"
"  return u == A[1]\n"
"end\n"
"local n, best, bs = 0, nil, nil\n"
"local h = call('ZRANGE', K[2], 0, -1, 'WITHSCORES')\n"
"for i = 1, #h, 2 do\n"
"  local m, sc = h[i], tonumber(h[i + 1])\n"
"  local ok, f = pcall(cjson.decode, m)\n"
"  if ok and type(f) == 'table' and f.rejected ~= true then\n"
"    if hit(f.url) then\n"
"      call('ZREM', K[2], m)\n"
"      call('ZADD', K[2], sc, string.sub(m, 1, -2) .. ',\"rejected\":true}')\n"
"      n = n + 1\n"
"    elseif not bs or sc >= bs then\n"
"      best, bs = f, sc\n"
"    end\n"
"  end\n"
"end\n"
"local c = call('HMGET', K[1], 'figure', 'src1', 'sources')\n"
"if c[1] then\n"
"  local ok, cur = pcall(cjson.decode, c[1])\n"
"  local srcs = call('SMEMBERS', K[3])\n"
"  if #srcs == 0 and c[2] then srcs = {c[2]} end\n"
"  local keep = {}\n"
"  for _, s in ipairs(srcs) do\n"
"    if hit(s) then n = n + 1 else keep[#keep + 1] = s end\n"
"  end\n"
"  if (ok and hit(cur.url)) or #keep == 0 then\n"
"    call('DEL', K[3])\n"
"    if best then\n"
"      local v = best.value\n"
"      local mx = type(best.max) == 'number' and best.max or nil\n"
"      local q, lo, hi, vague = best.qualifier, v, v, '0'\n"
"      if q == 'at_least' then hi = 1e308\n"
"      elseif q == 'at_most' then lo = 0\n"
"      elseif q == 'range' then hi = mx or v\n"
"      elseif q == 'approx' then lo, hi = v * 0.9, v * 1.1\n"
"      elseif q == 'vague' then hi, vague = v * 10 * (1 - 1e-15), '1' end\n"
"      for _, f in ipairs({'first_seen', 'history_only', 'corrected',\n"
"          'editor', 'note', 'rejected'}) do best[f] = nil end\n"
"      local pub = ''\n"
"      if type(best.published) == 'string' then pub = bs end\n"
"      call('HSET', K[1], 'value', v, 'max', mx or '', 'lo', lo,\n"
"          'hi', hi, 'vague', vague, 'published', pub,\n"
"          'figure', cjson.encode(best), 'sources', 1, 'updated', A[4],\n"
"          'src1', type(best.url) == 'string' and best.url or 'unknown')\n"
"    else\n"
"      call('HDEL', K[1], 'value', 'max', 'lo', 'hi', 'vague',\n"
"          'published', 'figure', 'sources', 'updated', 'src1')\n"
"    end\n"
"  elseif #keep < #srcs then\n"
"    call('DEL', K[3])\n"
"    if #keep > 1 then call('SADD', K[3], unpack(keep)) end\n"
"    call('HSET', K[1], 'sources', #keep, 'src1', keep[1])\n"
"  end\n"
"  call('HSET', K[1], 'hn', call('ZCARD', K[2]))\n"
"end\n"
"if n > 0 then\n"
"  call('RPUSH', K[4], A[3])\n"
"  call('LTRIM', K[4], -1000, -1)\n"
"end\n"
"return n\n";

enum store_look_op {
	STORE_LOOK_FIGURES,
	STORE_LOOK_HISTORY,
	STORE_LOOK_FEEDS,
	STORE_LOOK_EDIT,
	STORE_LOOK_REJECT
};

/* What a reply answers. */
enum store_look_what {
	STORE_LOOK_SCAN,
	STORE_LOOK_CUR,		/* HGETALL of a current hash */
	STORE_LOOK_HIST,
	STORE_LOOK_SRC,
	STORE_LOOK_LOG,
	STORE_LOOK_STATE,	/* HGETALL of a feed state */
	STORE_LOOK_SEEN,	/* HLEN of a feed's seen hash */
	STORE_LOOK_COUNT,	/* an integer to add to n */
	STORE_LOOK_OK		/* any reply but an error */
};

struct store_look {
	struct event_base	*base;
	struct store_addr	 addr;
	char			*password;
	char			*prefix;
	char			*channel;
	char			*stream;
	long			 stream_maxlen;
	redisAsyncContext	*ac;	/* NULL: connect on the next request */
};

struct store_look_req {
	struct store_look	*l;
	enum store_look_op	 op;
	int			 pending;	/* replies awaited */
	bool			 scanning;	/* a SCAN is still walking */
	char			*match;		/* its pattern */
	char			*err;		/* the first error */
	struct look_keys	*keys;
	struct look_history	*hist;
	struct look_feeds	*feeds;
	long			 n;
	char			*source;	/* reject: its ARGV */
	bool			 host;
	char			*logent;
	char			*who;
	char			**srcs;		/* history: the source set */
	size_t			 nsrcs;
	store_look_keys_cb	 keys_cb;
	store_look_history_cb	 hist_cb;
	store_look_feeds_cb	 feeds_cb;
	store_look_edit_cb	 edit_cb;
	void			*arg;
};

/* One command's reply context; freed by the reply callback. */
struct store_look_sub {
	struct store_look_req	*req;
	enum store_look_what	 what;
	size_t			 idx;
};

static void	store_look_scan(struct store_look_req *, const char *cursor);

struct store_look *
store_look_new(struct event_base *base, const struct store_options *o,
    char *err, size_t errlen)
{
	struct store_look	*l;

	l = xcalloc(1, sizeof(*l));
	if (store_url_split(o->url != NULL ? o->url :
	    "redis://127.0.0.1:6379/0", &l->addr, err, errlen) == -1) {
		free(l->addr.host);
		free(l->addr.path);
		free(l);
		return NULL;
	}
	l->base = base;
	l->password = o->password != NULL ? xstrdup(o->password) : NULL;
	l->prefix = xstrdup(o->prefix != NULL ? o->prefix :
	    STORE_DEFAULT_PREFIX);
	l->channel = xstrdup(o->channel != NULL ? o->channel :
	    STORE_DEFAULT_CHANNEL);
	l->stream = xstrdup(o->stream != NULL ? o->stream : l->channel);
	l->stream_maxlen = o->stream_maxlen > 0 ? o->stream_maxlen :
	    STORE_STREAM_MAXLEN;
	return l;
}

static void
store_look_gone(const redisAsyncContext *ac)
{
	struct store_look	*l = ac->data;

	if (l != NULL && l->ac == ac)
		l->ac = NULL;
}

static void
store_look_connect_cb(const redisAsyncContext *ac, int status)
{
	if (status != REDIS_OK)
		store_look_gone(ac);
}

static void
store_look_disconnect_cb(const redisAsyncContext *ac, int status)
{
	(void)status;
	store_look_gone(ac);
}

/* A live context, connecting when there is none; NULL on failure. */
static redisAsyncContext *
store_look_conn(struct store_look *l)
{
	redisAsyncContext	*ac;
	char			 db[16];

	if (l->ac != NULL)
		return l->ac;
	if (l->addr.path != NULL)
		ac = redisAsyncConnectUnix(l->addr.path);
	else
		ac = redisAsyncConnect(l->addr.host, l->addr.port);
	if (ac == NULL)
		return NULL;
	if (ac->err || redisLibeventAttach(ac, l->base) != REDIS_OK) {
		redisAsyncFree(ac);
		return NULL;
	}
	ac->data = l;
	redisAsyncSetConnectCallback(ac, store_look_connect_cb);
	redisAsyncSetDisconnectCallback(ac, store_look_disconnect_cb);
	/* Buffered until connected; a failure shows in the next replies. */
	if (l->password != NULL)
		redisAsyncCommand(ac, NULL, NULL, "AUTH %s", l->password);
	if (l->addr.db != 0) {
		snprintf(db, sizeof(db), "%d", l->addr.db);
		redisAsyncCommand(ac, NULL, NULL, "SELECT %s", db);
	}
	l->ac = ac;
	return ac;
}

static void
store_look_fail(struct store_look_req *req, const char *why)
{
	if (req->err == NULL)
		req->err = xstrdup(why);
}

static void	store_look_reply_cb(redisAsyncContext *, void *, void *);

/* Sends argv with a reply context for (what, idx); counts it pending. */
static void
store_look_send(struct store_look_req *req, enum store_look_what what,
    size_t idx, int argc, const char **argv)
{
	struct store_look_sub	*sub;
	redisAsyncContext	*ac;

	if (req->err != NULL)
		return;
	if ((ac = store_look_conn(req->l)) == NULL) {
		store_look_fail(req, "cannot connect to Redis");
		return;
	}
	sub = xcalloc(1, sizeof(*sub));
	sub->req = req;
	sub->what = what;
	sub->idx = idx;
	if (redisAsyncCommandArgv(ac, store_look_reply_cb, sub, argc, argv,
	    NULL) != REDIS_OK) {
		free(sub);
		store_look_fail(req, "Redis connection is closing");
		return;
	}
	req->pending++;
}

static void
store_look_req_free(struct store_look_req *req)
{
	free(req->match);
	free(req->err);
	free(req->source);
	free(req->logent);
	free(req->who);
	while (req->nsrcs > 0)
		free(req->srcs[--req->nsrcs]);
	free(req->srcs);
	look_keys_free(req->keys);
	look_history_free(req->hist);
	look_feeds_free(req->feeds);
	free(req);
}

static struct store_look_req *
store_look_req_new(struct store_look *l, enum store_look_op op, void *arg)
{
	struct store_look_req	*req;

	req = xcalloc(1, sizeof(*req));
	req->l = l;
	req->op = op;
	req->arg = arg;
	return req;
}

/* "{cw:k:KEY}:cur" and the like; caller frees. */
static char *
store_look_kname(const struct store_look *l, const char *key,
    const char *part)
{
	char	*s;

	xasprintf(&s, "{%sk:%s}:%s", l->prefix, key, part);
	return s;
}

/* The KEY in "{cw:k:KEY}:cur", or NULL when name is not of that shape. */
static char *
store_look_key_of(const struct store_look *l, const char *name)
{
	size_t	 pl = strlen(l->prefix), n = strlen(name);

	if (n < pl + 8 || name[0] != '{' ||
	    strncmp(name + 1, l->prefix, pl) != 0 ||
	    strncmp(name + 1 + pl, "k:", 2) != 0 ||
	    strcmp(name + n - 5, "}:cur") != 0)
		return NULL;
	return xstrndup(name + 3 + pl, n - 8 - pl);
}

/* Field f of an HGETALL reply, or NULL. */
static const char *
store_look_field(const redisReply *r, const char *f)
{
	size_t	 i;

	for (i = 0; i + 1 < r->elements; i += 2)
		if (r->element[i]->type == REDIS_REPLY_STRING &&
		    r->element[i + 1]->type == REDIS_REPLY_STRING &&
		    strcmp(r->element[i]->str, f) == 0)
			return r->element[i + 1]->str;
	return NULL;
}

/* A current hash into k (whose key is set). */
static void
store_look_parse_cur(struct look_key *k, const redisReply *r)
{
	const char	*v, *fig;
	char		 err[128];

	k->muted = (v = store_look_field(r, "muted")) != NULL &&
	    strcmp(v, "1") == 0;
	if ((v = store_look_field(r, "story_label")) != NULL && *v != '\0')
		k->label = xstrdup(v);
	if ((v = store_look_field(r, "sources")) != NULL)
		k->sources = strtol(v, NULL, 10);
	if ((v = store_look_field(r, "updated")) != NULL && *v != '\0')
		k->updated = strtoll(v, NULL, 10);
	fig = store_look_field(r, "figure");
	v = store_look_field(r, "value");
	if (fig != NULL && v != NULL && *v != '\0' &&
	    look_figure_parse(&k->cur, fig, err, sizeof(err)) == 0) {
		k->has_figure = true;
		k->cur.current = true;
		if (k->label == NULL && k->cur.story != NULL)
			k->label = xstrdup(k->cur.story);
	}
}

static void
store_look_parse_state(struct look_feed *f, const redisReply *r)
{
	const char	*v;

	if ((v = store_look_field(r, "url")) != NULL && f->url == NULL)
		f->url = xstrdup(v);
	if ((v = store_look_field(r, "title")) != NULL && f->title == NULL)
		f->title = xstrdup(v);
	if ((v = store_look_field(r, "status")) != NULL)
		f->status = atoi(v);
	if ((v = store_look_field(r, "errors")) != NULL)
		f->errors = atoi(v);
	if ((v = store_look_field(r, "gone")) != NULL)
		f->gone = strcmp(v, "1") == 0;
	if ((v = store_look_field(r, "next_due")) != NULL)
		f->next_due = strtoll(v, NULL, 10);
	if ((v = store_look_field(r, "last_poll")) != NULL)
		f->last_poll = strtoll(v, NULL, 10);
}

/* The reject script on one key (name is its current hash). */
static void
store_look_reject_key(struct store_look_req *req, const char *name,
    const char *key)
{
	const char	*argv[11];
	char		*hist, *src, *log, now[32];

	hist = store_look_kname(req->l, key, "hist");
	src = store_look_kname(req->l, key, "src");
	log = store_look_kname(req->l, key, "log");
	snprintf(now, sizeof(now), "%" PRId64, util_now());
	argv[0] = "EVAL";
	argv[1] = store_look_lua_reject;
	argv[2] = "4";
	argv[3] = name;
	argv[4] = hist;
	argv[5] = src;
	argv[6] = log;
	argv[7] = req->source;
	argv[8] = req->host ? "1" : "0";
	argv[9] = req->logent;
	argv[10] = now;
	store_look_send(req, STORE_LOOK_COUNT, 0, 11, argv);
	free(hist);
	free(src);
	free(log);
}

/* A key or feed found by SCAN: a new slot and its reads. */
static void
store_look_found(struct store_look_req *req, const char *name)
{
	const char	*argv[16];
	char		*key, *seen;
	size_t		 i;

	switch (req->op) {
	case STORE_LOOK_FIGURES:
		if ((key = store_look_key_of(req->l, name)) == NULL)
			return;
		i = req->keys->n++;
		req->keys->v = xreallocarray(req->keys->v, req->keys->n,
		    sizeof(*req->keys->v));
		memset(&req->keys->v[i], 0, sizeof(req->keys->v[i]));
		look_key_clear(&req->keys->v[i]);
		req->keys->v[i].key = key;
		argv[0] = "HGETALL";
		argv[1] = name;
		store_look_send(req, STORE_LOOK_CUR, i, 2, argv);
		break;
	case STORE_LOOK_FEEDS:
		i = req->feeds->n++;
		req->feeds->v = xreallocarray(req->feeds->v, req->feeds->n,
		    sizeof(*req->feeds->v));
		memset(&req->feeds->v[i], 0, sizeof(req->feeds->v[i]));
		argv[0] = "HGETALL";
		argv[1] = name;
		store_look_send(req, STORE_LOOK_STATE, i, 2, argv);
		/* "{cw:f:…}:state" → "{cw:f:…}:seen" */
		xasprintf(&seen, "%.*s:seen", (int)(strlen(name) - 6), name);
		argv[0] = "HLEN";
		argv[1] = seen;
		store_look_send(req, STORE_LOOK_SEEN, i, 2, argv);
		free(seen);
		break;
	case STORE_LOOK_REJECT:
		if ((key = store_look_key_of(req->l, name)) == NULL)
			return;
		store_look_reject_key(req, name, key);
		free(key);
		break;
	default:
		break;
	}
}

static void
store_look_scan_reply(struct store_look_req *req, const redisReply *r)
{
	const redisReply	*keys;
	size_t			 i;

	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    r->element[0]->type != REDIS_REPLY_STRING ||
	    r->element[1]->type != REDIS_REPLY_ARRAY) {
		store_look_fail(req, "unexpected SCAN reply");
		req->scanning = false;
		return;
	}
	keys = r->element[1];
	for (i = 0; i < keys->elements; i++)
		if (keys->element[i]->type == REDIS_REPLY_STRING)
			store_look_found(req, keys->element[i]->str);
	if (strcmp(r->element[0]->str, "0") == 0 || req->err != NULL)
		req->scanning = false;
	else
		store_look_scan(req, r->element[0]->str);
}

static void
store_look_history_reply(struct store_look_req *req,
    enum store_look_what what, const redisReply *r)
{
	struct look_history	*h = req->hist;
	struct look_event	 e;
	const char		*src1;
	char			 err[128];
	size_t			 i;


	if (what == STORE_LOOK_CUR && r->type == REDIS_REPLY_ARRAY) {
		store_look_parse_cur(&h->k, r);
		/* The first source, kept apart until a second comes. */
		if ((src1 = store_look_field(r, "src1")) != NULL) {
			req->srcs = xreallocarray(req->srcs, req->nsrcs + 1,
			    sizeof(*req->srcs));
			req->srcs[req->nsrcs++] = xstrdup(src1);
		}
		return;
	}
	if (r->type != REDIS_REPLY_ARRAY)
		return;
	for (i = 0; i < r->elements; i++) {
		if (r->element[i]->type != REDIS_REPLY_STRING)
			continue;
		switch (what) {
		case STORE_LOOK_HIST:
			h->figs = xreallocarray(h->figs, h->nfigs + 1,
			    sizeof(*h->figs));
			if (look_figure_parse(&h->figs[h->nfigs],
			    r->element[i]->str, err, sizeof(err)) == 0)
				h->nfigs++;
			break;
		case STORE_LOOK_SRC:
			req->srcs = xreallocarray(req->srcs, req->nsrcs + 1,
			    sizeof(*req->srcs));
			req->srcs[req->nsrcs++] = xstrdup(r->element[i]->str);
			break;
		case STORE_LOOK_LOG:
			if (look_event_parse(&e, r->element[i]->str) == -1)
				break;
			h->log = xreallocarray(h->log, h->nlog + 1,
			    sizeof(*h->log));
			h->log[h->nlog++] = e;
			break;
		default:
			break;
		}
	}
}

static bool
store_look_str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Whether history entry f is the figure cur holds. */
static bool
store_look_is_cur(const struct look_figure *f, const struct look_figure *cur)
{
	return !f->rejected && f->value == cur->value &&
	    f->has_max == cur->has_max && (!f->has_max || f->max == cur->max) &&
	    store_look_str_eq(f->qualifier, cur->qualifier) &&
	    f->published == cur->published &&
	    store_look_str_eq(f->url, cur->url) &&
	    store_look_str_eq(f->title, cur->title);
}

/* Marks the current figure in the history and gives it its sources. */
static void
store_look_history_done(struct store_look_req *req)
{
	struct look_history	*h = req->hist;
	struct look_figure	*f = NULL;
	size_t			 i;

	look_figures_sort(h->figs, h->nfigs);
	if (!h->k.has_figure)
		return;
	for (i = h->nfigs; i > 0; i--)
		if (store_look_is_cur(&h->figs[i - 1], &h->k.cur)) {
			f = &h->figs[i - 1];
			break;
		}
	if (f == NULL)
		return;
	f->current = true;
	for (i = 0; i < req->nsrcs; i++) {
		look_figure_add_source(f, req->srcs[i]);
		look_figure_add_source(&h->k.cur, req->srcs[i]);
	}
}

static int
store_look_keyname_cmp(const void *a, const void *b)
{
	const struct look_key	*x = a, *y = b;

	return strcmp(x->key, y->key);
}

/* SCAN may return a key twice, and muted keys may have no figure yet. */
static void
store_look_figures_done(struct look_keys *ks)
{
	size_t	 i, j = 0;

	if (ks->n > 1)
		qsort(ks->v, ks->n, sizeof(*ks->v), store_look_keyname_cmp);
	for (i = 0; i < ks->n; i++) {
		if (!ks->v[i].has_figure ||
		    (j > 0 && strcmp(ks->v[j - 1].key, ks->v[i].key) == 0)) {
			look_key_clear(&ks->v[i]);
			continue;
		}
		ks->v[j++] = ks->v[i];
	}
	ks->n = j;
	look_keys_sort(ks);
}

static int
store_look_feed_cmp(const void *a, const void *b)
{
	const struct look_feed	*x = a, *y = b;

	return strcmp(x->url != NULL ? x->url : "",
	    y->url != NULL ? y->url : "");
}

static void
store_look_finish(struct store_look_req *req)
{
	const char	*err = req->err;
	void		*res = NULL;

	switch (req->op) {
	case STORE_LOOK_FIGURES:
		if (err == NULL)
			store_look_figures_done(req->keys);
		res = err == NULL ? req->keys : NULL;
		if (res != NULL)
			req->keys = NULL;
		req->keys_cb(res, err, req->arg);
		break;
	case STORE_LOOK_HISTORY:
		if (err == NULL)
			store_look_history_done(req);
		res = err == NULL ? req->hist : NULL;
		if (res != NULL)
			req->hist = NULL;
		req->hist_cb(res, err, req->arg);
		break;
	case STORE_LOOK_FEEDS:
		if (err == NULL && req->feeds->n > 1)
			qsort(req->feeds->v, req->feeds->n,
			    sizeof(*req->feeds->v), store_look_feed_cmp);
		res = err == NULL ? req->feeds : NULL;
		if (res != NULL)
			req->feeds = NULL;
		req->feeds_cb(res, err, req->arg);
		break;
	default:
		req->edit_cb(err == NULL ? req->n : -1, err, req->arg);
		break;
	}
	store_look_req_free(req);
}

static void
store_look_reply_cb(redisAsyncContext *ac, void *reply, void *priv)
{
	struct store_look_sub	*sub = priv;
	struct store_look_req	*req = sub->req;
	redisReply		*r = reply;

	(void)ac;
	req->pending--;
	if (r == NULL) {
		store_look_fail(req, "Redis connection lost");
		req->scanning = false;
	} else if (r->type == REDIS_REPLY_ERROR) {
		store_look_fail(req, r->str);
		req->scanning = false;
	} else if (req->err == NULL) {
		switch (sub->what) {
		case STORE_LOOK_SCAN:
			store_look_scan_reply(req, r);
			break;
		case STORE_LOOK_CUR:
			if (req->op == STORE_LOOK_FIGURES) {
				if (r->type == REDIS_REPLY_ARRAY)
					store_look_parse_cur(
					    &req->keys->v[sub->idx], r);
			} else
				store_look_history_reply(req, sub->what, r);
			break;
		case STORE_LOOK_HIST:
		case STORE_LOOK_SRC:
		case STORE_LOOK_LOG:
			store_look_history_reply(req, sub->what, r);
			break;
		case STORE_LOOK_STATE:
			if (r->type == REDIS_REPLY_ARRAY)
				store_look_parse_state(
				    &req->feeds->v[sub->idx], r);
			break;
		case STORE_LOOK_SEEN:
			if (r->type == REDIS_REPLY_INTEGER)
				req->feeds->v[sub->idx].items =
				    (long)r->integer;
			break;
		case STORE_LOOK_COUNT:
			if (r->type == REDIS_REPLY_INTEGER)
				req->n += (long)r->integer;
			break;
		case STORE_LOOK_OK:
			break;
		}
	}
	free(sub);
	if (req->pending == 0 && !req->scanning)
		store_look_finish(req);
}

static void
store_look_scan(struct store_look_req *req, const char *cursor)
{
	const char	*argv[6] = { "SCAN", cursor, "MATCH", req->match,
			    "COUNT", "1000" };

	req->scanning = true;
	store_look_send(req, STORE_LOOK_SCAN, 0, 6, argv);
	if (req->err != NULL)
		req->scanning = false;
}

/*
 * Starts req with its first commands; -1 (req freed, cb not called)
 * when none could be sent.
 */
static int
store_look_start(struct store_look_req *req)
{
	if (req->pending == 0 && !req->scanning) {
		store_look_req_free(req);
		return -1;
	}
	return 0;
}

int
store_look_figures(struct store_look *l, const char *glob,
    store_look_keys_cb cb, void *arg)
{
	struct store_look_req	*req;

	req = store_look_req_new(l, STORE_LOOK_FIGURES, arg);
	req->keys_cb = cb;
	req->keys = xcalloc(1, sizeof(*req->keys));
	xasprintf(&req->match, "{%sk:%s}:cur", l->prefix,
	    glob != NULL ? glob : "*");
	store_look_scan(req, "0");
	return store_look_start(req);
}

int
store_look_history(struct store_look *l, const char *key,
    store_look_history_cb cb, void *arg)
{
	struct store_look_req	*req;
	static const char *const parts[] = { "cur", "hist", "src", "log" };
	static const enum store_look_what whats[] = { STORE_LOOK_CUR,
	    STORE_LOOK_HIST, STORE_LOOK_SRC, STORE_LOOK_LOG };
	const char		*argv[5];
	char			*name;
	size_t			 i;

	req = store_look_req_new(l, STORE_LOOK_HISTORY, arg);
	req->hist_cb = cb;
	req->hist = xcalloc(1, sizeof(*req->hist));
	look_key_clear(&req->hist->k);
	req->hist->k.key = xstrdup(key);
	for (i = 0; i < 4; i++) {
		name = store_look_kname(l, key, parts[i]);
		argv[0] = i == 0 ? "HGETALL" : i == 1 ? "ZRANGE" :
		    i == 2 ? "SMEMBERS" : "LRANGE";
		argv[1] = name;
		argv[2] = "0";
		argv[3] = "-1";
		store_look_send(req, whats[i], 0, i == 1 || i == 3 ? 4 : 2,
		    argv);
		free(name);
	}
	return store_look_start(req);
}

int
store_look_feeds(struct store_look *l, store_look_feeds_cb cb, void *arg)
{
	struct store_look_req	*req;

	req = store_look_req_new(l, STORE_LOOK_FEEDS, arg);
	req->feeds_cb = cb;
	req->feeds = xcalloc(1, sizeof(*req->feeds));
	xasprintf(&req->match, "{%sf:*}:state", l->prefix);
	store_look_scan(req, "0");
	return store_look_start(req);
}

/* The log entry of an editorial action, as look_event_json makes it. */
static char *
store_look_logent(const char *action, const char *who, const char *detail)
{
	struct look_event	 e;

	e.action = (char *)action;
	e.who = (char *)who;
	e.detail = (char *)detail;
	e.at = util_now();
	return look_event_json(&e, NULL);
}

int
store_look_mute(struct store_look *l, const char *key, bool mute,
    const char *who, store_look_edit_cb cb, void *arg)
{
	struct store_look_req	*req;
	const char		*argv[7];
	char			*cur, *log, *ent;

	req = store_look_req_new(l, STORE_LOOK_EDIT, arg);
	req->edit_cb = cb;
	cur = store_look_kname(l, key, "cur");
	log = store_look_kname(l, key, "log");
	ent = store_look_logent(mute ? "mute" : "unmute", who, NULL);
	argv[0] = "EVAL";
	argv[1] = store_look_lua_mute;
	argv[2] = "2";
	argv[3] = cur;
	argv[4] = log;
	argv[5] = mute ? "1" : "0";
	argv[6] = ent;
	store_look_send(req, STORE_LOOK_COUNT, 0, 7, argv);
	free(cur);
	free(log);
	free(ent);
	return store_look_start(req);
}

int
store_look_reject(struct store_look *l, const char *source,
    const char *who, store_look_edit_cb cb, void *arg)
{
	struct store_look_req	*req;
	const char		*argv[4];
	char			*name, *p, host[256];

	req = store_look_req_new(l, STORE_LOOK_REJECT, arg);
	req->edit_cb = cb;
	req->host = strstr(source, "://") == NULL;
	if (req->host) {
		/* Hosts compare lowercased, as look_host and the script
		   make them. */
		util_strlcpy(host, source, sizeof(host));
		for (p = host; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		req->source = xstrdup(host);
	} else
		req->source = xstrdup(source);
	req->logent = store_look_logent("reject", who, req->source);
	xasprintf(&name, "%srejected", l->prefix);
	argv[0] = "HSET";
	argv[1] = name;
	argv[2] = req->source;
	argv[3] = req->logent;
	/* Recorded first, so a reject cut short is still on file. */
	store_look_send(req, STORE_LOOK_OK, 0, 4, argv);
	free(name);
	xasprintf(&req->match, "{%sk:*}:cur", l->prefix);
	store_look_scan(req, "0");
	return store_look_start(req);
}

int
store_look_set(struct store_look *l, const char *key, double value,
    const char *note, const char *who, store_look_edit_cb cb, void *arg)
{
	struct store_look_req	*req;
	const char		*argv[17];
	char			*k[5], *fig, *mem, *al, *ent, *src;
	char			 now[32], val[64], maxlen[32];
	int64_t			 t = util_now();
	int			 i;

	req = store_look_req_new(l, STORE_LOOK_EDIT, arg);
	req->edit_cb = cb;
	k[0] = store_look_kname(l, key, "cur");
	k[1] = store_look_kname(l, key, "hist");
	k[2] = store_look_kname(l, key, "src");
	k[3] = store_look_kname(l, key, "log");
	k[4] = xstrdup(l->stream);
	look_correction(value, t, key, who, note, &fig, &mem, &al);
	snprintf(val, sizeof(val), "%.17g", value);
	ent = store_look_logent("set", who, note != NULL ? note : val);
	xasprintf(&src, "editor:%s", who);
	snprintf(now, sizeof(now), "%" PRId64, t);
	snprintf(maxlen, sizeof(maxlen), "%ld", l->stream_maxlen);
	argv[0] = "EVAL";
	argv[1] = store_look_lua_set;
	argv[2] = "5";
	for (i = 0; i < 5; i++)
		argv[3 + i] = k[i];
	argv[8] = now;
	argv[9] = fig;
	argv[10] = mem;
	argv[11] = val;
	argv[12] = al;
	argv[13] = l->channel;
	argv[14] = maxlen;
	argv[15] = ent;
	argv[16] = src;
	store_look_send(req, STORE_LOOK_COUNT, 0, 17, argv);
	for (i = 0; i < 5; i++)
		free(k[i]);
	free(fig);
	free(mem);
	free(al);
	free(ent);
	free(src);
	return store_look_start(req);
}

void
store_look_free(struct store_look *l)
{
	if (l == NULL)
		return;
	if (l->ac != NULL) {
		l->ac->data = NULL;
		/* Calls every pending callback with a NULL reply. */
		redisAsyncFree(l->ac);
	}
	free(l->addr.host);
	free(l->addr.path);
	free(l->password);
	free(l->prefix);
	free(l->channel);
	free(l->stream);
	free(l);
}
