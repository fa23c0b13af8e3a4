/*
 * store_tail: the reading side of delivery for `claimwatch tail`, a
 * blocking hiredis client (the tool has no event loop): follow the alert
 * channel with SUBSCRIBE, or replay the alert stream from an id and then
 * keep reading it with XREAD BLOCK from the last id seen, so that replay
 * and live follow meet without a gap or a repeat; a lost link is
 * reconnected with backoff and the stream resumed after the last id.  On
 * a cluster it reads from the first seed that answers (a PUBLISH reaches
 * every node) or from the master of the stream's slot; a failover or
 * migration during the tail ends it with the MOVED error.  It never
 * writes to Redis and never logs the password.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hiredis.h>

#include "rcluster.h"
#include "store.h"
#include "store_int.h"
#include "util.h"

#define STORE_TAIL_COUNT	"500"	/* stream entries per XREAD */
#define STORE_TAIL_ID_MAX	64
#define STORE_TAIL_BACKOFF_MIN	100	/* ms before the first reconnect */
#define STORE_TAIL_BACKOFF_MAX	5000

/* Outcome of one connection's worth of tailing. */
enum store_tail_end {
	STORE_TAIL_STOPPED,	/* cb said stop */
	STORE_TAIL_LOST,	/* the link dropped: reconnect and resume */
	STORE_TAIL_FAILED	/* Redis refused: give up */
};

static redisContext *
store_tail_connect(const struct store_options *o, char *err, size_t errlen)
{
	struct store_addr	 a = { 0 };
	redisContext		*c = NULL;
	redisReply		*r;
	char			 db[16];

	if (o->url == NULL || store_url_split(o->url, &a, err, errlen) != 0)
		goto out;
	c = a.path != NULL ? redisConnectUnix(a.path) :
	    redisConnect(a.host, a.port);
	if (c == NULL || c->err) {
		snprintf(err, errlen, "redis %s: %s", o->url,
		    c != NULL ? c->errstr : "out of memory");
		goto fail;
	}
	if (o->password != NULL) {
		r = redisCommand(c, "AUTH %s", o->password);
		if (r == NULL || r->type == REDIS_REPLY_ERROR) {
			snprintf(err, errlen, "redis %s: AUTH refused", o->url);
			freeReplyObject(r);
			goto fail;
		}
		freeReplyObject(r);
	}
	if (a.db != 0) {
		snprintf(db, sizeof(db), "%d", a.db);
		r = redisCommand(c, "SELECT %s", db);
		if (r == NULL || r->type == REDIS_REPLY_ERROR) {
			snprintf(err, errlen, "redis %s: SELECT failed",
			    o->url);
			freeReplyObject(r);
			goto fail;
		}
		freeReplyObject(r);
	}
	goto out;
fail:
	redisFree(c);
	c = NULL;
out:
	free(a.host);
	free(a.path);
	return c;
}

/*
 * On a cluster: the first seed that answers, then for key the master of
 * its slot, found by following MOVED.
 */
static redisContext *
store_tail_cluster(const struct store_options *o, const char *key,
    char *err, size_t errlen)
{
	struct store_options	 one = *o;
	redisContext		*c = NULL;
	redisReply		*r;
	const char		*p = util_redis_cluster_nodes(o->url);
	char			 url[320], host[256], prev[256];
	unsigned		 slot;
	size_t			 len;
	int			 port, hops;

	one.url = url;
	while (c == NULL && *(p += strspn(p, " \t,")) != '\0') {
		len = strcspn(p, " \t,");
		snprintf(url, sizeof(url), "redis://%.*s", (int)(len > 256 ?
		    256 : len), p);
		p += len;
		c = store_tail_connect(&one, err, errlen);
	}
	for (hops = 0; c != NULL && key != NULL && hops < 3; hops++) {
		if ((r = redisCommand(c, "TYPE %s", key)) == NULL) {
			snprintf(err, errlen, "redis %s: %s", o->url, c->errstr);
			redisFree(c);
			return NULL;
		}
		if (r->type != REDIS_REPLY_ERROR || rcluster_parse_redirect(
		    r->str, &slot, host, sizeof(host), &port) !=
		    RCLUSTER_MOVED) {
			freeReplyObject(r);
			break;
		}
		freeReplyObject(r);
		util_strlcpy(prev, c->tcp.host, sizeof(prev));
		snprintf(url, sizeof(url), "redis://%s:%d", host[0] != '\0' ?
		    host : prev, port);
		redisFree(c);
		c = store_tail_connect(&one, err, errlen);
	}
	return c;
}

/* True when r is an array of n elements (n 0: any number). */
static bool
store_tail_is_array(const redisReply *r, size_t n)
{
	return r != NULL && r->type == REDIS_REPLY_ARRAY &&
	    (n == 0 || r->elements == n);
}

static bool
store_tail_is_string(const redisReply *r)
{
	return r != NULL && (r->type == REDIS_REPLY_STRING ||
	    r->type == REDIS_REPLY_STATUS) && r->str != NULL;
}

/*
 * The entries of an XREAD reply, [[stream, [[id, [field, value, ...]],
 * ...]]], every level checked, or NULL: whatever answers on the Redis
 * port, a reply of another shape must not be followed blindly.
 */
static const redisReply *
store_tail_entries(const redisReply *r)
{
	const redisReply	*s, *entries, *e;
	size_t			 i, j;

	if (!store_tail_is_array(r, 1) ||
	    !store_tail_is_array(s = r->element[0], 2) ||
	    !store_tail_is_array(entries = s->element[1], 0))
		return NULL;
	for (i = 0; i < entries->elements; i++) {
		e = entries->element[i];
		if (!store_tail_is_array(e, 2) ||
		    !store_tail_is_string(e->element[0]) ||
		    !store_tail_is_array(e->element[1], 0))
			return NULL;
		for (j = 0; j < e->element[1]->elements; j++)
			if (!store_tail_is_string(e->element[1]->element[j]))
				return NULL;
	}
	return entries;
}

/*
 * Live messages on the channel until cb says stop or the link drops.
 * What is published while the link is down is lost: pub/sub keeps
 * nothing, which is why the stream is the default.
 */
static enum store_tail_end
store_tail_subscribe(redisContext *c, const char *channel, store_tail_cb cb,
    void *arg, char *err, size_t errlen)
{
	redisReply	*r;

	r = redisCommand(c, "SUBSCRIBE %s", channel);
	if (r == NULL) {
		snprintf(err, errlen, "SUBSCRIBE: %s", c->errstr);
		return STORE_TAIL_LOST;
	}
	freeReplyObject(r);
	while (redisGetReply(c, (void **)&r) == REDIS_OK) {
		if (store_tail_is_array(r, 3) &&
		    store_tail_is_string(r->element[0]) &&
		    r->element[2]->type == REDIS_REPLY_STRING &&
		    strcmp(r->element[0]->str, "message") == 0 &&
		    cb(NULL, r->element[2]->str, arg) != 0) {
			freeReplyObject(r);
			return STORE_TAIL_STOPPED;
		}
		freeReplyObject(r);
	}
	snprintf(err, errlen, "redis: %s", c->errstr);
	return STORE_TAIL_LOST;
}

/* "$" as a real id (the stream's last, or 0-0), so a resume is exact. */
static enum store_tail_end
store_tail_resolve(redisContext *c, const char *stream, char *last,
    size_t len, char *err, size_t errlen)
{
	redisReply	*r;

	r = redisCommand(c, "XREVRANGE %s + - COUNT 1", stream);
	if (r == NULL) {
		snprintf(err, errlen, "redis: %s", c->errstr);
		return STORE_TAIL_LOST;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		snprintf(err, errlen, "XREVRANGE: %s", r->str);
		freeReplyObject(r);
		return STORE_TAIL_FAILED;
	}
	util_strlcpy(last, "0-0", len);
	if (r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
	    r->element[0]->type == REDIS_REPLY_ARRAY &&
	    r->element[0]->elements > 0 &&
	    r->element[0]->element[0]->type == REDIS_REPLY_STRING)
		util_strlcpy(last, r->element[0]->element[0]->str, len);
	freeReplyObject(r);
	return STORE_TAIL_STOPPED;
}

/*
 * Stream entries after id: XREAD returns them in order, and each next
 * XREAD (BLOCK once the backlog is drained) starts after the last id
 * handed to cb, which is what makes the hand-over gapless.
 */
static enum store_tail_end
store_tail_stream(redisContext *c, const char *stream, char *last,
    store_tail_cb cb, void *arg, char *err, size_t errlen)
{
	redisReply		*r;
	const redisReply	*entries, *e, *f;
	bool			 block = false;
	size_t			 i, j;

	for (;;) {
		if (block)
			r = redisCommand(c, "XREAD COUNT %s BLOCK 0 STREAMS "
			    "%s %s", STORE_TAIL_COUNT, stream, last);
		else
			r = redisCommand(c, "XREAD COUNT %s STREAMS %s %s",
			    STORE_TAIL_COUNT, stream, last);
		if (r == NULL) {
			snprintf(err, errlen, "redis: %s", c->errstr);
			return STORE_TAIL_LOST;
		}
		if (r->type == REDIS_REPLY_ERROR) {
			snprintf(err, errlen, "XREAD: %s", r->str);
			freeReplyObject(r);
			return STORE_TAIL_FAILED;
		}
		if (r->type == REDIS_REPLY_NIL || (r->type ==
		    REDIS_REPLY_ARRAY && r->elements == 0)) {
			block = true;	/* backlog drained */
			freeReplyObject(r);
			continue;
		}
		if ((entries = store_tail_entries(r)) == NULL) {
			snprintf(err, errlen, "XREAD: unexpected reply (type "
			    "%d)", r->type);
			freeReplyObject(r);
			return STORE_TAIL_FAILED;
		}
		for (i = 0; i < entries->elements; i++) {
			e = entries->element[i];
			util_strlcpy(last, e->element[0]->str,
			    STORE_TAIL_ID_MAX);
			f = e->element[1];
			for (j = 0; j + 1 < f->elements; j += 2) {
				if (strcmp(f->element[j]->str, "alert") != 0)
					continue;
				if (cb(last, f->element[j + 1]->str, arg) !=
				    0) {
					freeReplyObject(r);
					return STORE_TAIL_STOPPED;
				}
			}
		}
		block = entries->elements == 0 || block;
		freeReplyObject(r);
	}
}

static void
store_tail_sleep(long ms)
{
	struct timespec	 ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
}

/*
 * Tails until cb stops it or Redis refuses a command; a lost link (a
 * restart, CLIENT KILL) is reconnected with backoff and the stream read
 * resumes after the last id handed to cb, so nothing repeats.
 */
int
store_tail(const struct store_options *o, const char *from_id,
    store_tail_cb cb, void *arg, char *err, size_t errlen)
{
	const char		*stream = o->stream != NULL ? o->stream :
				    STORE_DEFAULT_CHANNEL;
	const char		*channel = o->channel != NULL ? o->channel :
				    STORE_DEFAULT_CHANNEL;
	redisContext		*c;
	enum store_tail_end	 end;
	char			 last[STORE_TAIL_ID_MAX];
	long			 backoff = STORE_TAIL_BACKOFF_MIN;
	bool			 resolved = false, lost = false, up;

	if (from_id != NULL)
		util_strlcpy(last, from_id, sizeof(last));
	for (;;) {
		if (util_redis_cluster_nodes(o->url) != NULL)
			c = store_tail_cluster(o, from_id != NULL ? stream :
			    NULL, err, errlen);
		else
			c = store_tail_connect(o, err, errlen);
		if (c == NULL) {
			if (!lost)
				return -1;	/* never connected: say so */
			end = STORE_TAIL_LOST;
			up = false;
		} else {
			up = true;
			backoff = STORE_TAIL_BACKOFF_MIN;
			end = STORE_TAIL_STOPPED;
			if (from_id != NULL && strcmp(last, "$") == 0 &&
			    !resolved) {
				end = store_tail_resolve(c, stream, last,
				    sizeof(last), err, errlen);
				resolved = end == STORE_TAIL_STOPPED;
			}
			if (end == STORE_TAIL_STOPPED)
				end = from_id != NULL ? store_tail_stream(c,
				    stream, last, cb, arg, err, errlen) :
				    store_tail_subscribe(c, channel, cb, arg,
				    err, errlen);
			redisFree(c);
		}
		if (end == STORE_TAIL_STOPPED)
			return 0;
		if (end == STORE_TAIL_FAILED)
			return -1;
		if (up)
			fprintf(stderr, "claimwatch tail: %s; reconnecting\n",
			    err);
		lost = true;
		store_tail_sleep(backoff);
		backoff = backoff * 2 > STORE_TAIL_BACKOFF_MAX ?
		    STORE_TAIL_BACKOFF_MAX : backoff * 2;
	}
}
