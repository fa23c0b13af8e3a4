/*
 * store_cluster: the store on Redis Cluster.  It owns the rcluster client
 * and runs each batch script call (built by store.c exactly as for one
 * Redis, so the queue and the spool are the same) as several calls whose
 * keys share one slot:
 *
 *   1. per slot of the batch's claim keys, the claims of those keys,
 *      without feed keys or stream: the script compares, stores and
 *      PUBLISHes in that slot, and keeps each alert in the claim's
 *      current hash ("o:<token>") as it returns it;
 *   2. for a call that returned alerts, the stream script in the stream's
 *      slot XADDs each one whose token its delivered set lacks, then the
 *      kept copies are deleted;
 *   3. once every claim call is through, the feed's own call (state and
 *      seen items), so that an item is only marked seen after its claims.
 *
 * Exactly once: PUBLISH happens in step 1 only when the claim's dedupe
 * token is new, atomically with the compare.  A replay of step 1 (lost
 * reply, failover, restart, another daemon) publishes nothing and returns
 * the kept copy again, and step 2 XADDs a token once.  Work lost between
 * the steps is redone because step 3 did not run: the item is not yet
 * seen, so the next poll resubmits it (or the queue or spool replays it).
 */
#include <sys/queue.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis.h>
#include <async.h>

#include "log.h"
#include "rcluster.h"
#include "store.h"
#include "store_int.h"
#include "util.h"

/* One argument vector being built: args NUL-terminated in buf. */
struct store_cluster_args {
	struct util_buf	 buf;
	int		 argc;
	int		 cap;
	size_t		*argvlen;
};

struct store_cluster {
	struct rcluster		*rc;
	char			 sha[STORE_CLUSTER_NSCRIPTS][41];
	const char		*scripts[STORE_CLUSTER_NSCRIPTS];
	int			 ninit;
	bool			 ready;
	char			*stream;
	char			*stream_done;	/* delivered tokens, its slot */
	long			 stream_maxlen;
	unsigned long long	 commands;
	store_cluster_state_cb	 cb;
	void			*arg;
};

/* One batch call being run. */
struct store_cluster_op {
	struct store_cluster	*sc;
	struct store_cluster_args feed;		/* step 3, sent last */
	int			 refs;		/* parts alive */
	int			 left;		/* claim parts not through */
	bool			 error;
	bool			 dead;		/* store going: no callback */
	long long		 by[STORE_ALERT_TYPES];
	store_cluster_done_cb	 cb;
	void			*arg;
};

enum store_cluster_step {
	STORE_CLUSTER_CLAIMS,
	STORE_CLUSTER_STREAM,
	STORE_CLUSTER_FEED
};

struct store_cluster_part {
	struct store_cluster_op	*op;
	enum store_cluster_step	 step;
	enum store_cluster_script script;
	struct store_cluster_args a;	/* after EVALSHA sha */
	int			 key;	/* the arg whose slot routes it */
	struct util_buf		 acks;	/* step 2: cur key, field pairs */
	int			 nacks;
};

static void
store_cluster_add(struct store_cluster_args *a, const char *p, size_t len)
{
	if (a->argc == a->cap) {
		a->cap = a->cap == 0 ? 32 : a->cap * 2;
		a->argvlen = xreallocarray(a->argvlen, (size_t)a->cap,
		    sizeof(*a->argvlen));
	}
	a->argvlen[a->argc++] = len;
	util_buf_append(&a->buf, p, len);
	util_buf_append(&a->buf, "", 1);
}

static void
store_cluster_str(struct store_cluster_args *a, const char *s)
{
	store_cluster_add(a, s, strlen(s));
}

static void
store_cluster_args_free(struct store_cluster_args *a)
{
	util_buf_free(&a->buf);
	free(a->argvlen);
	memset(a, 0, sizeof(*a));
}

/* Sends argv[0..argc) of a with prefix p0 p1, routed by arg key. */
static void
store_cluster_send_args(struct store_cluster *sc, const char *p0,
    const char *p1, const struct store_cluster_args *a, int key,
    rcluster_cb cb, void *priv)
{
	const char	**av;
	size_t		*lv, off = 0, n = (size_t)a->argc + 2;
	int		 i;

	av = xreallocarray(NULL, n, sizeof(*av));
	lv = xreallocarray(NULL, n, sizeof(*lv));
	av[0] = p0;
	av[1] = p1;
	lv[0] = strlen(p0);
	lv[1] = strlen(p1);
	for (i = 0; i < a->argc; i++) {
		av[i + 2] = a->buf.data + off;
		lv[i + 2] = a->argvlen[i];
		off += a->argvlen[i] + 1;
	}
	sc->commands++;
	rcluster_command(sc->rc, key >= 0 ? av[key + 2] : NULL,
	    key >= 0 ? lv[key + 2] : 0, cb, priv, (int)n, av, lv);
	free(av);
	free(lv);
}

static void	store_cluster_part_cb(redisAsyncContext *, void *, void *);

static void
store_cluster_part_send(struct store_cluster_part *p, bool eval)
{
	struct store_cluster	*sc = p->op->sc;

	store_cluster_send_args(sc, eval ? "EVAL" : "EVALSHA",
	    eval ? sc->scripts[p->script] : sc->sha[p->script], &p->a, p->key,
	    store_cluster_part_cb, p);
}

static struct store_cluster_part *
store_cluster_part_new(struct store_cluster_op *op,
    enum store_cluster_step step, enum store_cluster_script script)
{
	struct store_cluster_part	*p;

	p = xcalloc(1, sizeof(*p));
	p->op = op;
	p->step = step;
	p->script = script;
	p->key = 1;		/* the first key, after numkeys */
	op->refs++;
	return p;
}

static void
store_cluster_op_unref(struct store_cluster_op *op)
{
	if (--op->refs > 0)
		return;
	store_cluster_args_free(&op->feed);
	free(op);
}

static void
store_cluster_part_free(struct store_cluster_part *p)
{
	struct store_cluster_op	*op = p->op;

	store_cluster_args_free(&p->a);
	util_buf_free(&p->acks);
	free(p);
	store_cluster_op_unref(op);
}

/* The op is through: its callback, unless the store is going. */
static void
store_cluster_op_done(struct store_cluster_op *op)
{
	if (!op->dead && op->cb != NULL)
		op->cb(op->error ? NULL : op->by, op->arg);
	op->cb = NULL;
}

/* A claim part is through (with its stream step): maybe step 3 now. */
static void
store_cluster_claims_done(struct store_cluster_op *op)
{
	struct store_cluster_part	*p;

	if (--op->left > 0)
		return;
	if (op->error || op->dead) {
		store_cluster_op_done(op);
		return;
	}
	p = store_cluster_part_new(op, STORE_CLUSTER_FEED,
	    STORE_CLUSTER_BATCH);
	p->a = op->feed;
	memset(&op->feed, 0, sizeof(op->feed));
	store_cluster_part_send(p, false);
}

/*
 * Step 2 for the alerts a claim part returned: kind, token, alert, cur
 * key per alert (see store_lua.c).  Returns the part, or NULL when the
 * reply holds none.
 */
static struct store_cluster_part *
store_cluster_stream_part(struct store_cluster_op *op, const redisReply *r)
{
	struct store_cluster		*sc = op->sc;
	struct store_cluster_part	*p;
	const redisReply		*e;
	char				 num[32];
	size_t				 i, j;

	if (r->type != REDIS_REPLY_ARRAY || r->elements == 0 ||
	    r->elements % 4 != 0)
		return NULL;
	for (i = 0; i < r->elements; i++)
		if (r->element[i]->type != REDIS_REPLY_STRING)
			return NULL;
	p = store_cluster_part_new(op, STORE_CLUSTER_STREAM,
	    STORE_CLUSTER_STREAM_SCRIPT);
	store_cluster_str(&p->a, "2");
	store_cluster_str(&p->a, sc->stream);
	store_cluster_str(&p->a, sc->stream_done);
	snprintf(num, sizeof(num), "%ld", sc->stream_maxlen);
	store_cluster_str(&p->a, num);
	for (i = 0; i < r->elements; i += 4) {
		for (j = 0; j < 3; j++) {
			e = r->element[i + j];
			store_cluster_add(&p->a, e->str, e->len);
		}
		/* The kept copy: cur key, then "o:" and the claim token. */
		e = r->element[i + 3];
		util_buf_append(&p->acks, e->str, e->len + 1);
		e = r->element[i + 1];
		j = strcspn(e->str, "\031");
		util_buf_append(&p->acks, "o:", 2);
		util_buf_append(&p->acks, e->str + j + (j < e->len),
		    e->len - j - (j < e->len) + 1);
		p->nacks++;
	}
	return p;
}

/* Deletes the kept copies step 2 has XADDed; a lost one costs a field. */
static void
store_cluster_ack(struct store_cluster *sc, const struct store_cluster_part *p)
{
	const char	*argv[3], *q = p->acks.data;
	size_t		 argvlen[3];
	int		 i;

	for (i = 0; i < p->nacks; i++) {
		argv[0] = "HDEL";
		argv[1] = q;
		argv[2] = q + strlen(q) + 1;
		q = argv[2] + strlen(argv[2]) + 1;
		argvlen[0] = 4;
		argvlen[1] = strlen(argv[1]);
		argvlen[2] = strlen(argv[2]);
		sc->commands++;
		rcluster_command(sc->rc, argv[1], argvlen[1], NULL, NULL, 3,
		    argv, argvlen);
	}
}

static void
store_cluster_count(struct store_cluster_op *op, const redisReply *r)
{
	size_t	 i;

	if (r->type != REDIS_REPLY_ARRAY || r->elements != STORE_ALERT_TYPES)
		return;
	for (i = 0; i < STORE_ALERT_TYPES; i++)
		if (r->element[i]->type == REDIS_REPLY_INTEGER)
			op->by[i] += r->element[i]->integer;
}

static void
store_cluster_part_cb(redisAsyncContext *ac, void *reply, void *priv)
{
	struct store_cluster_part	*p = priv, *next;
	struct store_cluster_op		*op = p->op;
	redisReply			*r = reply;

	(void)ac;
	if (r == NULL) {
		/* Only when rcluster is freed: the store is going. */
		op->dead = true;
		store_cluster_part_free(p);
		return;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		if (strncmp(r->str, "NOSCRIPT", 8) == 0) {
			/* A new master (failover) has no script cache. */
			store_cluster_part_send(p, true);
			return;
		}
		if (!op->error)
			log_error("redis cluster: script failed: %s", r->str);
		op->error = true;
	} else if (p->step == STORE_CLUSTER_CLAIMS &&
	    (next = store_cluster_stream_part(op, r)) != NULL) {
		store_cluster_part_send(next, false);
		store_cluster_part_free(p);
		return;
	} else if (p->step == STORE_CLUSTER_STREAM) {
		store_cluster_count(op, r);
		store_cluster_ack(op->sc, p);
	}
	if (p->step == STORE_CLUSTER_FEED)
		store_cluster_op_done(op);
	else
		store_cluster_claims_done(op);
	store_cluster_part_free(p);
}

/*
 * The header for one part: ARGV STORE_ARGV_NSTATE to STORE_ARGV_STREAMKEY
 * replaced by repl: ns ni nc fk stream.
 */
static void
store_cluster_head(struct store_cluster_args *a, int argc, const size_t *off,
    const size_t *argvlen, const char *buf, int head, const char *const *repl)
{
	int	 i;

	(void)argc;
	for (i = 0; i < STORE_BATCH_NHEAD; i++) {
		if (i + 1 >= STORE_ARGV_NSTATE && i + 1 <= STORE_ARGV_STREAMKEY)
			store_cluster_str(a, repl[i + 1 - STORE_ARGV_NSTATE]);
		else
			store_cluster_add(a, buf + off[head + i],
			    argvlen[head + i]);
	}
}

static void
store_cluster_copy(struct store_cluster_args *a, const size_t *off,
    const size_t *argvlen, const char *buf, int from, int n)
{
	int	 i;

	for (i = from; i < from + n; i++)
		store_cluster_add(a, buf + off[i], argvlen[i]);
}

/* Step 3's call: feed keys, state strings and items, no claims. */
static void
store_cluster_feed_args(struct store_cluster_op *op, int argc,
    const size_t *off, const size_t *argvlen, const char *buf,
    const struct store_batch_layout *l)
{
	char		 ns[32], ni[32];
	const char	*repl[5] = { ns, ni, "0", "1", "0" };

	snprintf(ns, sizeof(ns), "%ld", l->ns);
	snprintf(ni, sizeof(ni), "%ld", l->ni);
	store_cluster_str(&op->feed, "3");
	store_cluster_copy(&op->feed, off, argvlen, buf, 1, STORE_FEED_NKEYS);
	store_cluster_head(&op->feed, argc, off, argvlen, buf, l->head, repl);
	store_cluster_copy(&op->feed, off, argvlen, buf, l->state,
	    l->claims - l->state);
}

struct store_cluster_claim {
	unsigned	 slot;
	long		 i;
};

static int
store_cluster_claim_cmp(const void *a, const void *b)
{
	const struct store_cluster_claim *x = a, *y = b;

	if (x->slot != y->slot)
		return x->slot < y->slot ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Step 1's call for claims c[0..n), which share one slot. */
static void
store_cluster_claims_part(struct store_cluster_op *op, int argc,
    const size_t *off, const size_t *argvlen, const char *buf,
    const struct store_batch_layout *l,
    const struct store_cluster_claim *c, long n)
{
	struct store_cluster_part	*p;
	char				 nk[32], nc[32];
	const char			*repl[5] = { "0", "0", nc, "0", "0" };
	long				 j;

	p = store_cluster_part_new(op, STORE_CLUSTER_CLAIMS,
	    STORE_CLUSTER_BATCH);
	snprintf(nk, sizeof(nk), "%ld", STORE_CLAIM_NKEYS * n);
	snprintf(nc, sizeof(nc), "%ld", n);
	store_cluster_str(&p->a, nk);
	for (j = 0; j < n; j++)
		store_cluster_copy(&p->a, off, argvlen, buf, 1 +
		    STORE_FEED_NKEYS + 1 + STORE_CLAIM_NKEYS * (int)c[j].i,
		    STORE_CLAIM_NKEYS);
	store_cluster_head(&p->a, argc, off, argvlen, buf, l->head, repl);
	for (j = 0; j < n; j++)
		store_cluster_copy(&p->a, off, argvlen, buf, l->claims +
		    STORE_CLAIM_NARGS * (int)c[j].i, STORE_CLAIM_NARGS);
	op->left++;
	store_cluster_part_send(p, false);
}

int
store_cluster_batch(struct store_cluster *sc, int argc, const size_t *off,
    const size_t *argvlen, const char *buf, store_cluster_done_cb cb,
    void *arg)
{
	struct store_batch_layout	 l;
	struct store_cluster_op		*op;
	struct store_cluster_claim	*c;
	long				 i, j;
	int				 key;

	if (store_batch_layout(argc, off, buf, &l) == -1)
		return -1;
	op = xcalloc(1, sizeof(*op));
	op->sc = sc;
	op->cb = cb;
	op->arg = arg;
	op->refs = 1;		/* ours, while the parts go out */
	op->left = 1;
	store_cluster_feed_args(op, argc, off, argvlen, buf, &l);
	c = xreallocarray(NULL, (size_t)(l.nc > 0 ? l.nc : 1), sizeof(*c));
	for (i = 0; i < l.nc; i++) {
		key = 1 + STORE_FEED_NKEYS + 1 + STORE_CLAIM_NKEYS * (int)i;
		c[i].slot = rcluster_key_slot(buf + off[key], argvlen[key]);
		c[i].i = i;
	}
	/* Same-slot claims share a call and keep their batch order. */
	qsort(c, (size_t)l.nc, sizeof(*c), store_cluster_claim_cmp);
	for (i = 0; i < l.nc; i = j) {
		for (j = i + 1; j < l.nc && c[j].slot == c[i].slot; j++)
			;
		store_cluster_claims_part(op, argc, off, argvlen, buf, &l,
		    c + i, j - i);
	}
	free(c);
	store_cluster_claims_done(op);
	store_cluster_op_unref(op);
	return 0;
}

int
store_cluster_command(struct store_cluster *sc, const char *key,
    rcluster_cb cb, void *priv, int argc, const char **argv,
    const size_t *argvlen)
{
	sc->commands++;
	return rcluster_command(sc->rc, key, key != NULL ? strlen(key) : 0,
	    cb, priv, argc, argv, argvlen);
}

static void
store_cluster_init_cb(redisAsyncContext *ac, void *reply, void *priv)
{
	struct store_cluster	*sc;
	redisReply		*r = reply;
	intptr_t		 which;

	(void)ac;
	sc = ((struct store_cluster **)priv)[0];
	which = (intptr_t)((struct store_cluster **)priv)[1];
	free(priv);
	if (r == NULL)
		return;		/* freeing */
	if (r->type == REDIS_REPLY_STRING && r->len == 40)
		memcpy(sc->sha[which], r->str, 41);
	else
		log_warn("redis cluster: SCRIPT LOAD: %s; using EVAL",
		    r->type == REDIS_REPLY_ERROR ? r->str : "bad reply");
	if (--sc->ninit == 0) {
		sc->ready = true;
		if (sc->cb != NULL)
			sc->cb(true, sc->arg);
	}
}

/*
 * The map is complete (again): load the scripts on one master, then
 * report ready; the other masters answer NOSCRIPT once and get EVAL.
 */
static void
store_cluster_state_cb_(bool ready, void *arg)
{
	struct store_cluster	*sc = arg;
	const char		*argv[3];
	size_t			 argvlen[3];
	void			**priv;
	intptr_t		 i;

	if (!ready) {
		if (sc->ready && sc->cb != NULL)
			sc->cb(false, sc->arg);
		sc->ready = false;
		return;
	}
	if (sc->ready || sc->ninit > 0)
		return;
	for (i = 0; i < STORE_CLUSTER_NSCRIPTS; i++) {
		argv[0] = "SCRIPT";
		argv[1] = "LOAD";
		argv[2] = sc->scripts[i];
		argvlen[0] = 6;
		argvlen[1] = 4;
		argvlen[2] = strlen(argv[2]);
		priv = xcalloc(2, sizeof(*priv));
		priv[0] = sc;
		priv[1] = (void *)i;
		sc->ninit++;
		sc->commands++;
		rcluster_command(sc->rc, NULL, 0, store_cluster_init_cb, priv,
		    3, argv, argvlen);
	}
}

/* A key in the stream's slot for its delivered tokens, or NULL. */
static char *
store_cluster_done_key(const char *stream)
{
	char	*key;
	size_t	 len = strlen(stream);

	if (strchr(stream, '{') == NULL)
		xasprintf(&key, "{%s}:delivered", stream);
	else
		xasprintf(&key, "%s:delivered", stream);
	if (rcluster_key_slot(key, strlen(key)) !=
	    rcluster_key_slot(stream, len)) {
		free(key);
		return NULL;
	}
	return key;
}

struct store_cluster *
store_cluster_new(struct event_base *base, const char *seeds,
    const char *password, const char *stream, long stream_maxlen,
    store_cluster_state_cb cb, void *arg, char *err, size_t errlen)
{
	struct store_cluster	*sc;

	sc = xcalloc(1, sizeof(*sc));
	sc->scripts[STORE_CLUSTER_BATCH] = store_lua_batch;
	sc->scripts[STORE_CLUSTER_STREAM_SCRIPT] = store_lua_stream;
	sc->stream = xstrdup(stream);
	sc->stream_maxlen = stream_maxlen;
	sc->cb = cb;
	sc->arg = arg;
	if ((sc->stream_done = store_cluster_done_key(stream)) == NULL) {
		snprintf(err, errlen, "redis cluster: stream name %.80s: its "
		    "hash tag must cover the whole name", stream);
		store_cluster_free(sc);
		return NULL;
	}
	sc->rc = rcluster_new(base, seeds, password, store_cluster_state_cb_,
	    sc, err, errlen);
	if (sc->rc == NULL) {
		store_cluster_free(sc);
		return NULL;
	}
	return sc;
}

bool
store_cluster_is_ready(const struct store_cluster *sc)
{
	return sc->ready;
}

unsigned long long
store_cluster_commands(const struct store_cluster *sc)
{
	return sc->commands;
}

void
store_cluster_free(struct store_cluster *sc)
{
	if (sc == NULL)
		return;
	rcluster_free(sc->rc);
	free(sc->stream);
	free(sc->stream_done);
	free(sc);
}
