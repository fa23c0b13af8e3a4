/*
 * store_group: one consumer group of the alert stream over its own
 * hiredis async connection, for one notify sink.  It owns the connection,
 * the reconnect timer and the cursor over this consumer's pending
 * entries; the sink owns what is delivered and when it is acknowledged.
 * A connection of its own per sink is the point: XREADGROUP BLOCK holds
 * a connection, and a slow sink's acknowledgements must never queue
 * behind another's.  It must never block, never log the password and
 * never let a redisAsyncContext leave the store module.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <hiredis.h>
#include <async.h>
#include <adapters/libevent.h>

#include "log.h"
#include "store_group.h"
#include "store_int.h"
#include "util.h"

#define STORE_GROUP_BACKOFF_MIN_MS	100
#define STORE_GROUP_BACKOFF_MAX_MS	5000
#define STORE_GROUP_ID_MAX		64

/* Which entries the next read asks for. */
enum store_group_phase {
	STORE_GROUP_PENDING,	/* ours, read before and never acked */
	STORE_GROUP_CLAIM,	/* other consumers', idle long (XAUTOCLAIM) */
	STORE_GROUP_NEW		/* never delivered (">") */
};

enum store_group_state {
	STORE_GROUP_DOWN,	/* no connection; timer armed */
	STORE_GROUP_SETUP,	/* connecting: AUTH, SELECT, XGROUP */
	STORE_GROUP_READY
};

struct store_group {
	struct event_base	*base;
	redisAsyncContext	*ac;		/* NULL while down */
	struct event		*timer;
	enum store_group_state	 state;
	struct store_addr	 addr;
	char			*url, *password, *stream, *group, *consumer;
	bool			 from_start;
	bool			 reading;	/* an XREADGROUP is out */
	bool			 freeing;
	bool			 down_logged;
	/* After a connect: pending entries, claimed ones, then new ones. */
	enum store_group_phase	 phase;
	char			 cursor[STORE_GROUP_ID_MAX];
	long			 claim_idle_ms;	/* 0: never claim */
	int64_t			 last_claim_ms;
	long			 backoff_ms;
	int			 ninit;
	store_group_state_cb	 state_cb;
	store_group_read_cb	 read_cb;
	void			*arg;
};

static void	store_group_connect(struct store_group *);

static void
store_group_lost(struct store_group *g, const char *why)
{
	struct timeval	 tv;
	bool		 was_ready = g->state == STORE_GROUP_READY;

	g->ac = NULL;
	g->state = STORE_GROUP_DOWN;
	g->reading = false;
	if (g->freeing)
		return;
	if (!g->down_logged) {
		log_warn("notify: redis unreachable group=%s: %s; retrying",
		    g->group, why);
		g->down_logged = true;
	}
	tv.tv_sec = g->backoff_ms / 1000;
	tv.tv_usec = (g->backoff_ms % 1000) * 1000;
	evtimer_add(g->timer, &tv);
	g->backoff_ms *= 2;
	if (g->backoff_ms > STORE_GROUP_BACKOFF_MAX_MS)
		g->backoff_ms = STORE_GROUP_BACKOFF_MAX_MS;
	if (was_ready)
		g->state_cb(false, g->arg);
}

static void
store_group_init_cb(redisAsyncContext *ac, void *reply, void *priv)
{
	struct store_group	*g = ac->data;
	redisReply		*r = reply;

	(void)priv;
	if (r == NULL || g->freeing || ac != g->ac)
		return;
	/* BUSYGROUP: the group is there already, which is what we want. */
	if (r->type == REDIS_REPLY_ERROR &&
	    strncmp(r->str, "BUSYGROUP", 9) != 0) {
		log_error("notify: redis setup refused group=%s: %s",
		    g->group, r->str);
		redisAsyncDisconnect(ac);
		return;
	}
	if (--g->ninit > 0)
		return;
	g->state = STORE_GROUP_READY;
	g->backoff_ms = STORE_GROUP_BACKOFF_MIN_MS;
	g->phase = STORE_GROUP_PENDING;
	util_strlcpy(g->cursor, "0", sizeof(g->cursor));
	if (g->down_logged)
		log_notice("notify: redis connected group=%s", g->group);
	g->down_logged = false;
	g->state_cb(true, g->arg);
}

static void
store_group_connected_cb(const redisAsyncContext *ac, int status)
{
	if (status != REDIS_OK)
		store_group_lost(ac->data, ac->errstr);
}

static void
store_group_disconnected_cb(const redisAsyncContext *ac, int status)
{
	store_group_lost(ac->data, status == REDIS_OK ? "disconnected" :
	    ac->errstr);
}

static void
store_group_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	store_group_connect(arg);
}

/* Creating the group again after a Redis that lost it is harmless. */
static void
store_group_create(struct store_group *g)
{
	g->ninit++;
	redisAsyncCommand(g->ac, store_group_init_cb, NULL,
	    "XGROUP CREATE %s %s %s MKSTREAM", g->stream, g->group,
	    g->from_start ? "0" : "$");
}

static void
store_group_connect(struct store_group *g)
{
	redisAsyncContext	*ac;
	char			 db[16];

	ac = g->addr.path != NULL ? redisAsyncConnectUnix(g->addr.path) :
	    redisAsyncConnect(g->addr.host, g->addr.port);
	if (ac == NULL || ac->err) {
		store_group_lost(g, ac != NULL ? ac->errstr : "out of memory");
		redisAsyncFree(ac);
		return;
	}
	ac->data = g;
	if (redisLibeventAttach(ac, g->base) != REDIS_OK) {
		store_group_lost(g, "cannot attach to event loop");
		redisAsyncFree(ac);
		return;
	}
	redisAsyncSetConnectCallback(ac, store_group_connected_cb);
	redisAsyncSetDisconnectCallback(ac, store_group_disconnected_cb);
	g->ac = ac;
	g->state = STORE_GROUP_SETUP;
	g->ninit = 0;
	if (g->password != NULL) {
		g->ninit++;
		redisAsyncCommand(ac, store_group_init_cb, NULL, "AUTH %s",
		    g->password);
	}
	if (g->addr.db != 0) {
		snprintf(db, sizeof(db), "%d", g->addr.db);
		g->ninit++;
		redisAsyncCommand(ac, store_group_init_cb, NULL, "SELECT %s",
		    db);
	}
	store_group_create(g);
}

struct store_group *
store_group_new(struct event_base *base, const struct store_group_options *o,
    store_group_state_cb state_cb, store_group_read_cb read_cb, void *arg,
    char *err, size_t errlen)
{
	struct store_group	*g;

	g = xcalloc(1, sizeof(*g));
	if (o->url == NULL || o->stream == NULL || o->group == NULL ||
	    o->consumer == NULL || store_url_split(o->url, &g->addr, err,
	    errlen) != 0) {
		if (o->url == NULL || o->stream == NULL || o->group == NULL ||
		    o->consumer == NULL)
			snprintf(err, errlen, "consumer group: missing option");
		free(g->addr.host);
		free(g->addr.path);
		free(g);
		return NULL;
	}
	g->base = base;
	g->url = xstrdup(o->url);
	g->password = o->password != NULL ? xstrdup(o->password) : NULL;
	g->stream = xstrdup(o->stream);
	g->group = xstrdup(o->group);
	g->consumer = xstrdup(o->consumer);
	g->from_start = o->from_start;
	g->claim_idle_ms = o->claim_idle_ms;
	g->state_cb = state_cb;
	g->read_cb = read_cb;
	g->arg = arg;
	g->backoff_ms = STORE_GROUP_BACKOFF_MIN_MS;
	g->timer = evtimer_new(base, store_group_timer_cb, g);
	store_group_connect(g);
	return g;
}

bool
store_group_is_connected(const struct store_group *g)
{
	return g->state == STORE_GROUP_READY;
}

/*
 * The entry array of a reply: XREADGROUP's [[stream, entries]] or
 * XAUTOCLAIM's [next, entries, deleted]; NULL for none.
 */
static const redisReply *
store_group_entries(const redisReply *r, enum store_group_phase phase)
{
	const redisReply	*s;

	if (r->type != REDIS_REPLY_ARRAY || r->elements < 2 - (phase !=
	    STORE_GROUP_CLAIM))
		return NULL;
	if (phase == STORE_GROUP_CLAIM)
		return r->element[1]->type == REDIS_REPLY_ARRAY ?
		    r->element[1] : NULL;
	s = r->element[0];
	if (s->type != REDIS_REPLY_ARRAY || s->elements != 2 ||
	    s->element[1]->type != REDIS_REPLY_ARRAY)
		return NULL;
	return s->element[1];
}

/* The "alert" field of one entry, or NULL (trimmed, or not ours). */
static const char *
store_group_alert(const redisReply *e)
{
	const redisReply	*f;
	size_t			 j;

	if (e->elements < 2 || (f = e->element[1])->type != REDIS_REPLY_ARRAY)
		return NULL;
	for (j = 0; j + 1 < f->elements; j += 2)
		if (f->element[j]->type == REDIS_REPLY_STRING &&
		    strcmp(f->element[j]->str, "alert") == 0 &&
		    f->element[j + 1]->type == REDIS_REPLY_STRING)
			return f->element[j + 1]->str;
	return NULL;
}

/* Moves the cursor past what a read returned, on to the next phase. */
static void
store_group_advance(struct store_group *g, const redisReply *r,
    const struct store_group_entry *v, size_t n)
{
	switch (g->phase) {
	case STORE_GROUP_PENDING:
		/* The pending list is drained when a read of it is empty. */
		if (n > 0) {
			util_strlcpy(g->cursor, v[n - 1].id, sizeof(g->cursor));
			break;
		}
		g->phase = g->claim_idle_ms > 0 ? STORE_GROUP_CLAIM :
		    STORE_GROUP_NEW;
		util_strlcpy(g->cursor, g->claim_idle_ms > 0 ? "0-0" : ">",
		    sizeof(g->cursor));
		g->last_claim_ms = util_now_ms();
		break;
	case STORE_GROUP_CLAIM:
		if (r->elements > 0 && r->element[0]->type ==
		    REDIS_REPLY_STRING && strcmp(r->element[0]->str, "0-0") != 0)
			util_strlcpy(g->cursor, r->element[0]->str,
			    sizeof(g->cursor));
		else {
			g->phase = STORE_GROUP_NEW;
			util_strlcpy(g->cursor, ">", sizeof(g->cursor));
		}
		break;
	case STORE_GROUP_NEW:
		break;
	}
}

static void
store_group_read_reply(redisAsyncContext *ac, void *reply, void *priv)
{
	struct store_group		*g = ac->data;
	struct store_group_entry	*v = NULL;
	const redisReply		*r = reply, *es, *e;
	size_t				 i, n = 0;

	(void)priv;
	if (g->freeing)
		return;
	g->reading = false;
	if (r == NULL || r->type == REDIS_REPLY_ERROR) {
		if (r != NULL) {
			log_warn("notify: read group=%s: %s", g->group,
			    r->str);
			/* NOGROUP: Redis lost it (restart without data). */
			if (strncmp(r->str, "NOGROUP", 7) == 0 && g->ac != NULL)
				store_group_create(g);
		}
		g->read_cb(NULL, 0, true, g->arg);
		return;
	}
	if ((es = store_group_entries(r, g->phase)) != NULL &&
	    es->elements > 0) {
		v = xcalloc(es->elements, sizeof(*v));
		for (i = 0; i < es->elements; i++) {
			e = es->element[i];
			if (e->type != REDIS_REPLY_ARRAY || e->elements < 1 ||
			    e->element[0]->type != REDIS_REPLY_STRING)
				continue;
			v[n].id = e->element[0]->str;
			v[n++].alert = store_group_alert(e);
		}
	}
	if (g->phase == STORE_GROUP_CLAIM && n > 0)
		log_notice("notify: group=%s claimed %zu entries idle over "
		    "%ld ms from other consumers", g->group, n,
		    g->claim_idle_ms);
	store_group_advance(g, r, v, n);
	g->read_cb(v, n, false, g->arg);
	free(v);
}

int
store_group_read(struct store_group *g, size_t count, long block_ms,
    bool may_claim)
{
	char	 cnt[24], blk[24], idle[24];

	if (g->state != STORE_GROUP_READY || g->reading)
		return -1;
	/* Now and then, with empty hands, take over what others left. */
	if (g->phase == STORE_GROUP_NEW && may_claim && g->claim_idle_ms > 0 &&
	    util_now_ms() - g->last_claim_ms >= g->claim_idle_ms) {
		g->phase = STORE_GROUP_CLAIM;
		util_strlcpy(g->cursor, "0-0", sizeof(g->cursor));
		g->last_claim_ms = util_now_ms();
	}
	snprintf(cnt, sizeof(cnt), "%zu", count);
	snprintf(blk, sizeof(blk), "%ld", block_ms);
	snprintf(idle, sizeof(idle), "%ld", g->claim_idle_ms);
	g->reading = true;
	switch (g->phase) {
	case STORE_GROUP_NEW:
		redisAsyncCommand(g->ac, store_group_read_reply, NULL,
		    "XREADGROUP GROUP %s %s COUNT %s BLOCK %s STREAMS %s >",
		    g->group, g->consumer, cnt, blk, g->stream);
		break;
	case STORE_GROUP_PENDING:
		redisAsyncCommand(g->ac, store_group_read_reply, NULL,
		    "XREADGROUP GROUP %s %s COUNT %s STREAMS %s %s",
		    g->group, g->consumer, cnt, g->stream, g->cursor);
		break;
	case STORE_GROUP_CLAIM:
		redisAsyncCommand(g->ac, store_group_read_reply, NULL,
		    "XAUTOCLAIM %s %s %s %s %s COUNT %s", g->stream, g->group,
		    g->consumer, idle, g->cursor, cnt);
		break;
	}
	return 0;
}

static void
store_group_ack_reply(redisAsyncContext *ac, void *reply, void *priv)
{
	struct store_group	*g = ac->data;
	redisReply		*r = reply;

	(void)priv;
	if (r != NULL && r->type == REDIS_REPLY_ERROR && !g->freeing)
		log_warn("notify: ack refused group=%s: %s", g->group, r->str);
}

int
store_group_ack(struct store_group *g, const char *id)
{
	if (g->state != STORE_GROUP_READY)
		return -1;
	redisAsyncCommand(g->ac, store_group_ack_reply, NULL,
	    "XACK %s %s %s", g->stream, g->group, id);
	return 0;
}

int
store_group_dead(struct store_group *g, const char *dead, const char *id,
    const char *alert, const char *reason, int attempts)
{
	char	 n[16];

	if (g->state != STORE_GROUP_READY)
		return -1;
	snprintf(n, sizeof(n), "%d", attempts);
	redisAsyncCommand(g->ac, store_group_ack_reply, NULL, "MULTI");
	redisAsyncCommand(g->ac, store_group_ack_reply, NULL,
	    "XADD %s * id %s alert %s reason %s attempts %s", dead, id,
	    alert != NULL ? alert : "", reason, n);
	redisAsyncCommand(g->ac, store_group_ack_reply, NULL,
	    "XACK %s %s %s", g->stream, g->group, id);
	redisAsyncCommand(g->ac, store_group_ack_reply, NULL, "EXEC");
	return 0;
}

void
store_group_free(struct store_group *g)
{
	if (g == NULL)
		return;
	g->freeing = true;
	if (g->ac != NULL)
		redisAsyncFree(g->ac);	/* runs the disconnect callback */
	event_free(g->timer);
	free(g->addr.host);
	free(g->addr.path);
	free(g->url);
	free(g->password);
	free(g->stream);
	free(g->group);
	free(g->consumer);
	free(g);
}
