/*
 * notify: the sinks of `claimwatch notify`.  Each [notify NAME] sink is
 * an independent little machine on the one event_base: its own consumer
 * group (store_group, its own Redis connection), its own fetch (its own
 * curl multi handle, its own private-address verdict) or its own child
 * process, its own timers.  So a receiver that stalls for minutes holds
 * up its sink only: nothing here waits for anything.
 *
 * A sink delivers in stream order, one message at a time: the alert at
 * the head of what it holds, or with a digest every alert collected in
 * the window.  A message is acknowledged (XACK) only once delivered or
 * dead-lettered, so whatever was in hand when the notifier, Redis or the
 * receiver went away is read again as pending and delivered again:
 * at least once, with the stream id as idempotency key for receivers
 * that drop repeats.  Owns sinks, entries and messages; borrows the
 * config.  Never logs a webhook URL beyond its origin, nor a header.
 */
#include <sys/queue.h>

#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "alert_fields.h"
#include "config.h"
#include "fetch.h"
#include "http.h"
#include "log.h"
#include "notify.h"
#include "store_group.h"
#include "util.h"

#define NOTIFY_READ_COUNT	16	/* entries per XREADGROUP */
#define NOTIFY_BLOCK_MS		2000	/* XREADGROUP BLOCK */
#define NOTIFY_REREAD_MS	1000	/* after a refused read */
#define NOTIFY_DIGEST_MAX	500	/* alerts in one digest */
#define NOTIFY_ENV_MAX		24
#define NOTIFY_REFUSED		"refused private address "	/* fetch's */

enum notify_sink_state {
	NOTIFY_SINK_IDLE,	/* nothing to send now */
	NOTIFY_SINK_SENDING,	/* an attempt runs */
	NOTIFY_SINK_BACKOFF,	/* waiting to try again */
	NOTIFY_SINK_COLLECTING	/* digest window open */
};

struct notify_entry {
	TAILQ_ENTRY(notify_entry) link;
	char			*id;
	char			*alert;
	struct alert_fields	 f;
};
TAILQ_HEAD(notify_entries, notify_entry);

struct notify_stats {
	unsigned long long	 delivered;	/* alerts */
	unsigned long long	 failed;	/* attempts that failed */
	unsigned long long	 retried;	/* retries scheduled */
	unsigned long long	 dead;		/* alerts dead-lettered */
	unsigned long long	 filtered;	/* alerts no filter let by */
};

struct notify_sink {
	struct notify		*n;
	const struct config_notify *c;
	struct store_group	*g;
	struct fetch		*fetch;		/* webhooks */
	struct notify_exec	*exec;		/* the running program */
	struct event		*timer;		/* backoff, digest, re-read */
	enum notify_sink_state	 state;
	struct notify_entries	 q;		/* in hand, stream order */
	size_t			 nq;
	size_t			 msg_n;		/* entries in the message */
	int			 attempt;	/* of the current message */
	bool			 reading;
	bool			 failing;	/* logged as failing */
	struct notify_stats	 st;
};

struct notify {
	struct event_base	*base;
	const struct config	*conf;
	struct notify_sink	*sinks;
	size_t			 nsinks;
	struct http		*http;
	char			 consumer[128];
};

static void	notify_pump(struct notify_sink *);

static void
notify_entry_free(struct notify_entry *e)
{
	alert_fields_free(&e->f);
	free(e->id);
	free(e->alert);
	free(e);
}

static void
notify_timer_arm(struct notify_sink *s, long ms)
{
	struct timeval	 tv;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(s->timer, &tv);
}

static bool
notify_in_list(char *const *v, size_t n, const char *s)
{
	size_t	 i;

	if (v == NULL)
		return true;
	for (i = 0; i < n; i++)
		if (s != NULL ? strcmp(v[i], s) == 0 : strcmp(v[i], "-") == 0)
			return true;
	return false;
}

/* The sink's filters; every one that is set must let the alert by. */
static bool
notify_wants(const struct config_notify *c, const struct alert_fields *f)
{
	size_t	 i;

	if (c->keys != NULL) {
		for (i = 0; i < c->nkeys; i++)
			if (f->key != NULL && fnmatch(c->keys[i], f->key, 0) ==
			    0)
				break;
		if (i == c->nkeys)
			return false;
	}
	/* "entity" names a story too (id or label): schema v2 has one. */
	if (!notify_in_list(c->entities, c->nentities, f->entity) &&
	    (f->story_id == NULL ||
	    !notify_in_list(c->entities, c->nentities, f->story_id)) &&
	    (f->story == NULL ||
	    !notify_in_list(c->entities, c->nentities, f->story)))
		return false;
	if (!notify_in_list(c->events, c->nevents, f->event) ||
	    !notify_in_list(c->types, c->ntypes, f->type))
		return false;
	/* A change smaller than min_change is noise; new figures pass. */
	if (c->min_change >= 0 && f->change >= 0 && f->change < c->min_change)
		return false;
	return true;
}

/* Milliseconds since the oldest alert in hand was added, or 0. */
static long long
notify_lag_ms(const struct notify_sink *s)
{
	struct notify_entry	*e = TAILQ_FIRST(&s->q);
	long long		 ms;

	if (e == NULL || sscanf(e->id, "%lld", &ms) != 1)
		return 0;
	ms = util_now_ms() - ms;
	return ms > 0 ? ms : 0;
}

/* Ends the current message: acknowledged or dead-lettered. */
static void
notify_done(struct notify_sink *s, bool delivered, const char *why)
{
	struct notify_entry	*e;
	size_t			 i;

	for (i = 0; i < s->msg_n && (e = TAILQ_FIRST(&s->q)) != NULL; i++) {
		if (delivered) {
			store_group_ack(s->g, e->id);
			s->st.delivered++;
		} else {
			store_group_dead(s->g, s->c->dead_letter, e->id,
			    e->alert, why, s->attempt);
			s->st.dead++;
			log_warn("notify: sink=%s id=%s dead-lettered to %s "
			    "after %d attempts: %s", s->c->name, e->id,
			    s->c->dead_letter, s->attempt, why);
		}
		log_info("notify: sink=%s id=%s %s", s->c->name, e->id,
		    delivered ? "delivered" : "dead");
		TAILQ_REMOVE(&s->q, e, link);
		s->nq--;
		notify_entry_free(e);
	}
	if (delivered && s->failing) {
		log_notice("notify: sink=%s recovered", s->c->name);
		s->failing = false;
	}
	s->msg_n = 0;
	s->attempt = 0;
	s->state = NOTIFY_SINK_IDLE;
	notify_pump(s);
}

/* An attempt failed: again after a backoff with jitter, or dead-letter. */
static void
notify_failed(struct notify_sink *s, bool permanent, long retry_after_s,
    const char *why)
{
	long	 ms;
	int	 k;

	s->st.failed++;
	if (permanent || s->attempt > s->c->retries) {
		notify_done(s, false, why);
		return;
	}
	if (!s->failing) {
		log_warn("notify: sink=%s failing: %s; retrying", s->c->name,
		    why);
		s->failing = true;
	} else
		log_info("notify: sink=%s attempt=%d failed: %s", s->c->name,
		    s->attempt, why);
	k = s->attempt - 1 < 30 ? s->attempt - 1 : 30;
	ms = s->c->retry_min_ms;
	while (k-- > 0 && ms < s->c->retry_max_ms)
		ms *= 2;
	if (ms > s->c->retry_max_ms)
		ms = s->c->retry_max_ms;
	/* Jitter: half to all of it, so sinks do not retry in step. */
	ms = ms / 2 + (long)arc4random_uniform((uint32_t)(ms / 2 + 1));
	if (retry_after_s > 0 && retry_after_s * 1000 > ms)
		ms = retry_after_s * 1000 < s->c->retry_max_ms ?
		    retry_after_s * 1000 : s->c->retry_max_ms;
	s->st.retried++;
	s->state = NOTIFY_SINK_BACKOFF;
	notify_timer_arm(s, ms);
}

static void
notify_fetch_cb(const struct fetch_result *r, void *arg)
{
	struct notify_sink	*s = arg;
	const char		*addr;
	char			 why[256];
	bool			 permanent;

	/* A 2xx is delivered, even when its answer was too long to keep. */
	if (r->status >= 200 && r->status < 300 && (r->error == NULL ||
	    strncmp(r->error, "body over", 9) == 0)) {
		notify_done(s, true, NULL);
		return;
	}
	if (r->error != NULL && strncmp(r->error, NOTIFY_REFUSED,
	    strlen(NOTIFY_REFUSED)) == 0) {
		/* fetch's hint names the feeds' setting; this is the sink's. */
		addr = r->error + strlen(NOTIFY_REFUSED);
		snprintf(why, sizeof(why), NOTIFY_REFUSED "%.*s (allow_private "
		    "= yes in [notify %s] allows it)", (int)strcspn(addr, " "),
		    addr, s->c->name);
		permanent = false;
	} else if (r->error != NULL) {
		snprintf(why, sizeof(why), "%s", r->error);
		permanent = false;
	} else {
		snprintf(why, sizeof(why), "HTTP %d", r->status);
		/* 408 and 429 say "later"; other 4xx and 3xx never change. */
		permanent = r->status < 500 && r->status != 408 &&
		    r->status != 429;
	}
	notify_failed(s, permanent, r->retry_after, why);
}

static void
notify_exec_done_cb(int status, void *arg)
{
	struct notify_sink	*s = arg;
	char			 why[64];

	s->exec = NULL;		/* it frees itself after this returns */
	if (status == 0) {
		notify_done(s, true, NULL);
		return;
	}
	if (status == -1)
		snprintf(why, sizeof(why), "killed at the %ld ms timeout",
		    s->c->timeout_ms);
	else
		snprintf(why, sizeof(why), "exit status %d", status);
	notify_failed(s, false, 0, why);
}

/* The message's entries as arrays the alert module takes. */
static void
notify_msg_arrays(struct notify_sink *s, const struct alert_fields **f,
    const char **ids, const char **alerts)
{
	struct notify_entry	*e;
	size_t			 i = 0;

	TAILQ_FOREACH(e, &s->q, link) {
		if (i == s->msg_n)
			break;
		f[i] = &e->f;
		ids[i] = e->id;
		alerts[i++] = e->alert;
	}
}

/* The body: the template, the alert as published, or the digest. */
static char *
notify_msg_body(struct notify_sink *s, const char **key)
{
	const struct alert_fields	**f;
	const char			**ids, **alerts;
	char				 *body;

	f = xcalloc(s->msg_n, sizeof(*f));
	ids = xcalloc(s->msg_n, sizeof(*ids));
	alerts = xcalloc(s->msg_n, sizeof(*alerts));
	notify_msg_arrays(s, f, ids, alerts);
	*key = ids[0];
	if (s->c->body != NULL)
		body = alert_render(s->c->body, f, ids, s->msg_n,
		    s->c->body_json);
	else if (s->c->digest_ms > 0)
		body = alert_digest_json(alerts, ids, s->msg_n);
	else
		body = xstrdup(alerts[0]);
	free(f);
	free(ids);
	free(alerts);
	return body;
}

static void
notify_send_webhook(struct notify_sink *s, const char *body, const char *key)
{
	struct fetch_request	 req;
	const char		**h;
	char			*ct, *ik;
	size_t			 i;

	h = xcalloc(s->c->nheaders + 3, sizeof(*h));
	xasprintf(&ct, "Content-Type: %s", s->c->content_type);
	xasprintf(&ik, "Idempotency-Key: %s", key);
	h[0] = ct;
	h[1] = ik;
	for (i = 0; i < s->c->nheaders; i++)
		h[i + 2] = s->c->headers[i];
	memset(&req, 0, sizeof(req));
	req.url = s->c->url;
	req.body = body;
	req.body_len = strlen(body);
	req.headers = h;
	req.secret_url = true;
	if (fetch_start(s->fetch, &req, notify_fetch_cb, s) == -1)
		notify_failed(s, false, 0, "cannot start the request");
	free(ct);
	free(ik);
	free(h);
}

/* The environment of an exec sink: a fixed PATH and the main fields. */
static void
notify_exec_env(struct notify_sink *s, const char *key, char **env)
{
	const struct alert_fields	*f = &TAILQ_FIRST(&s->q)->f;
	size_t				 n = 0;

#define NOTIFY_ENV(name, v)	do {					\
	if ((v) != NULL && n < NOTIFY_ENV_MAX)				\
		xasprintf(&env[n++], "CLAIMWATCH_%s=%s", name, v);	\
} while (0)
	env[n++] = xstrdup("PATH=/usr/local/bin:/usr/bin:/bin");
	env[n++] = xstrdup("LANG=C.UTF-8");
	NOTIFY_ENV("ID", key);
	NOTIFY_ENV("SINK", s->c->name);
	xasprintf(&env[n++], "CLAIMWATCH_COUNT=%zu", s->msg_n);
	xasprintf(&env[n++], "CLAIMWATCH_ATTEMPT=%d", s->attempt);
	NOTIFY_ENV("TYPE", f->type);
	NOTIFY_ENV("KEY", f->key);
	NOTIFY_ENV("ENTITY", f->entity);
	NOTIFY_ENV("EVENT", f->event);
	NOTIFY_ENV("UNIT", f->unit);
	NOTIFY_ENV("STORY", f->story);
	NOTIFY_ENV("STORY_ID", f->story_id);
	NOTIFY_ENV("VALUE", f->value);
	NOTIFY_ENV("PREVIOUS", f->previous);
	NOTIFY_ENV("TITLE", f->title);
	NOTIFY_ENV("URL", f->url);
	NOTIFY_ENV("SUMMARY", f->summary);
#undef NOTIFY_ENV
	env[n] = NULL;
}

static void
notify_send_exec(struct notify_sink *s, const char *body, const char *key)
{
	char	*env[NOTIFY_ENV_MAX + 1], *in, err[256];
	size_t	 i, len;

	notify_exec_env(s, key, env);
	/* One line of JSON, as a JSON Lines reader wants it. */
	len = strlen(body);
	in = xmalloc(len + 2);
	memcpy(in, body, len);
	in[len] = s->c->body_json ? '\n' : '\0';
	len += s->c->body_json ? 1 : 0;
	s->exec = notify_exec_start(s->n->base, s->c->argv, env, in, len,
	    s->c->timeout_ms, notify_exec_done_cb, s, err, sizeof(err));
	for (i = 0; env[i] != NULL; i++)
		free(env[i]);
	free(in);
	if (s->exec == NULL)
		notify_failed(s, false, 0, err);
}

static void
notify_send(struct notify_sink *s)
{
	struct notify_entry	*last = TAILQ_FIRST(&s->q);
	const char		*key;
	char			*body, *digest_key = NULL;
	size_t			 i;

	s->state = NOTIFY_SINK_SENDING;
	s->attempt++;
	body = notify_msg_body(s, &key);
	if (s->msg_n > 1) {
		/* First and last id: the same digest has the same key. */
		for (i = 1; i < s->msg_n; i++)
			last = TAILQ_NEXT(last, link);
		xasprintf(&digest_key, "%s~%s", key, last->id);
		key = digest_key;
	}
	if (s->c->kind == CONFIG_NOTIFY_WEBHOOK)
		notify_send_webhook(s, body, key);
	else
		notify_send_exec(s, body, key);
	free(body);
	free(digest_key);
}

static void
notify_read_cb(const struct store_group_entry *v, size_t n, bool error,
    void *arg)
{
	struct notify_sink	*s = arg;
	struct notify_entry	*e;
	char			 err[128];
	size_t			 i;

	s->reading = false;
	if (error) {
		if (s->state == NOTIFY_SINK_IDLE && !evtimer_pending(s->timer,
		    NULL))
			notify_timer_arm(s, NOTIFY_REREAD_MS);
		return;
	}
	for (i = 0; i < n; i++) {
		if (v[i].alert == NULL) {	/* trimmed from the stream */
			store_group_ack(s->g, v[i].id);
			continue;
		}
		e = xcalloc(1, sizeof(*e));
		e->id = xstrdup(v[i].id);
		e->alert = xstrdup(v[i].alert);
		if (alert_fields_parse(e->alert, &e->f, err, sizeof(err)) ==
		    -1) {
			store_group_dead(s->g, s->c->dead_letter, e->id,
			    e->alert, err, 0);
			s->st.dead++;
			notify_entry_free(e);
			continue;
		}
		if (!notify_wants(s->c, &e->f)) {
			store_group_ack(s->g, e->id);
			s->st.filtered++;
			notify_entry_free(e);
			continue;
		}
		TAILQ_INSERT_TAIL(&s->q, e, link);
		s->nq++;
	}
	notify_pump(s);
}

/* Decides the sink's next step; called after every change. */
static void
notify_pump(struct notify_sink *s)
{
	bool	 digest = s->c->digest_ms > 0;

	if (s->state == NOTIFY_SINK_IDLE && s->nq > 0) {
		if (!digest) {
			s->msg_n = 1;
			notify_send(s);
			return;
		}
		s->state = NOTIFY_SINK_COLLECTING;
		notify_timer_arm(s, s->c->digest_ms);
	}
	if (s->state == NOTIFY_SINK_COLLECTING && s->nq >= NOTIFY_DIGEST_MAX) {
		evtimer_del(s->timer);
		s->msg_n = s->nq;
		notify_send(s);
		return;
	}
	/*
	 * Without a digest, read only with empty hands: stream order.  Never
	 * while a message is out: after a reconnect the read starts over at
	 * the pending entries, the message's own among them.
	 */
	if (s->reading || !store_group_is_connected(s->g) ||
	    (s->state != NOTIFY_SINK_IDLE &&
	    s->state != NOTIFY_SINK_COLLECTING) || (!digest && s->nq > 0) ||
	    s->nq >= NOTIFY_DIGEST_MAX)
		return;
	if (store_group_read(s->g, NOTIFY_READ_COUNT, NOTIFY_BLOCK_MS,
	    s->nq == 0) == 0)
		s->reading = true;
}

static void
notify_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct notify_sink	*s = arg;

	(void)fd;
	(void)what;
	switch (s->state) {
	case NOTIFY_SINK_BACKOFF:
		notify_send(s);
		break;
	case NOTIFY_SINK_COLLECTING:
		s->msg_n = s->nq;
		notify_send(s);
		break;
	case NOTIFY_SINK_IDLE:
	case NOTIFY_SINK_SENDING:
		notify_pump(s);
		break;
	}
}

static void
notify_state_cb(bool connected, void *arg)
{
	struct notify_sink	*s = arg;
	struct notify_entry	*e;

	s->reading = false;
	if (!connected)
		return;
	/*
	 * Unacknowledged entries come back as pending, so what we hold is
	 * read again: keep only the message under way, if any.
	 */
	if (s->state == NOTIFY_SINK_IDLE || s->state ==
	    NOTIFY_SINK_COLLECTING) {
		evtimer_del(s->timer);
		s->state = NOTIFY_SINK_IDLE;
		s->msg_n = 0;
	}
	while (s->nq > s->msg_n) {
		e = TAILQ_LAST(&s->q, notify_entries);
		TAILQ_REMOVE(&s->q, e, link);
		s->nq--;
		notify_entry_free(e);
	}
	notify_pump(s);
}

static int
notify_sink_start(struct notify *n, struct notify_sink *s,
    const struct config_notify *c, char *err, size_t errlen)
{
	struct store_group_options	 go;
	struct fetch_options		 fo;
	char				 msg[256];

	s->n = n;
	s->c = c;
	TAILQ_INIT(&s->q);
	s->timer = evtimer_new(n->base, notify_timer_cb, s);
	if (c->kind == CONFIG_NOTIFY_WEBHOOK) {
		memset(&fo, 0, sizeof(fo));
		fo.connect_timeout = c->timeout_ms / 1000 > 0 ?
		    c->timeout_ms / 1000 : 1;
		fo.timeout = (c->timeout_ms + 999) / 1000;
		fo.max_body = 64 * 1024;	/* a receiver's answer */
		fo.max_per_host = 2;
		fo.max_total = 2;
		fo.user_agent = n->conf->user_agent;
		fo.proxy = n->conf->proxy;	/* as the feeds' requests */
		fo.resolver = n->conf->resolver;
		fo.allow_private = c->allow_private;
		fo.protocols = FETCH_PROTO_HTTP | FETCH_PROTO_HTTPS;
		if ((s->fetch = fetch_new(n->base, &fo, msg, sizeof(msg))) ==
		    NULL) {
			snprintf(err, errlen, "[notify %s]: %s", c->name, msg);
			return -1;
		}
	}
	memset(&go, 0, sizeof(go));
	go.url = n->conf->redis_url;
	go.password = n->conf->redis_password;
	go.stream = n->conf->stream;
	go.group = c->group;
	go.consumer = n->consumer;
	go.from_start = c->from_start;
	go.claim_idle_ms = n->conf->notify_claim_idle_ms;
	if ((s->g = store_group_new(n->base, &go, notify_state_cb,
	    notify_read_cb, s, msg, sizeof(msg))) == NULL) {
		snprintf(err, errlen, "[notify %s]: %s", c->name, msg);
		return -1;
	}
	log_notice("notify: sink=%s type=%s group=%s dead_letter=%s",
	    c->name, c->kind == CONFIG_NOTIFY_WEBHOOK ? "webhook" : "exec",
	    c->group, c->dead_letter);
	return 0;
}

static bool
notify_health(struct util_buf *out, void *arg)
{
	struct notify	*n = arg;
	size_t		 i, up = 0;

	for (i = 0; i < n->nsinks; i++)
		if (store_group_is_connected(n->sinks[i].g))
			up++;
	util_buf_printf(out, "{\"sinks\":%zu,\"connected\":%zu}", n->nsinks,
	    up);
	return up == n->nsinks;
}

struct notify *
notify_new(struct event_base *base, const struct config *conf, char *err,
    size_t errlen)
{
	struct notify	*n;
	char		 host[64];
	size_t		 i;

	n = xcalloc(1, sizeof(*n));
	n->base = base;
	n->conf = conf;
	if (conf->notify_consumer != NULL)
		util_strlcpy(n->consumer, conf->notify_consumer,
		    sizeof(n->consumer));
	else {
		if (gethostname(host, sizeof(host)) == -1)
			util_strlcpy(host, "claimwatch", sizeof(host));
		host[sizeof(host) - 1] = '\0';
		util_strlcpy(n->consumer, host, sizeof(n->consumer));
	}
	n->sinks = xcalloc(conf->nnotify > 0 ? conf->nnotify : 1,
	    sizeof(*n->sinks));
	for (i = 0; i < conf->nnotify; i++) {
		n->nsinks++;
		if (notify_sink_start(n, &n->sinks[i], &conf->notify[i], err,
		    errlen) == -1)
			goto fail;
	}
	if (conf->notify_listen != NULL && conf->notify_listen[0] != '\0' &&
	    (n->http = http_new(base, conf->notify_listen, notify_metrics,
	    notify_health, n, err, errlen)) == NULL)
		goto fail;
	return n;
fail:
	notify_free(n);
	return NULL;
}

int
notify_port(const struct notify *n)
{
	return n->http != NULL ? http_port(n->http) : 0;
}

void
notify_metrics(struct util_buf *b, void *arg)
{
	static const char *const names[] = {
		"delivered", "failed", "retried", "dead_lettered", "filtered"
	};
	static const char *const help[] = {
		"Alerts delivered", "Delivery attempts that failed",
		"Retries scheduled", "Alerts moved to the dead-letter stream",
		"Alerts no filter of the sink let by"
	};
	struct notify		*n = arg;
	struct notify_sink	*s;
	unsigned long long	 v[5];
	size_t			 i, k;

	for (k = 0; k < 5; k++) {
		util_buf_printf(b, "# HELP claimwatch_notify_%s_total %s.\n"
		    "# TYPE claimwatch_notify_%s_total counter\n", names[k],
		    help[k], names[k]);
		for (i = 0; i < n->nsinks; i++) {
			s = &n->sinks[i];
			v[0] = s->st.delivered;
			v[1] = s->st.failed;
			v[2] = s->st.retried;
			v[3] = s->st.dead;
			v[4] = s->st.filtered;
			util_buf_printf(b, "claimwatch_notify_%s_total"
			    "{sink=\"%s\"} %llu\n", names[k], s->c->name, v[k]);
		}
	}
	util_buf_printf(b, "# HELP claimwatch_notify_lag_seconds Age of the "
	    "oldest alert the sink holds undelivered.\n"
	    "# TYPE claimwatch_notify_lag_seconds gauge\n");
	for (i = 0; i < n->nsinks; i++)
		util_buf_printf(b, "claimwatch_notify_lag_seconds{sink=\"%s\"} "
		    "%.3f\n", n->sinks[i].c->name,
		    (double)notify_lag_ms(&n->sinks[i]) / 1000);
	util_buf_printf(b, "# HELP claimwatch_notify_up Whether the sink's "
	    "Redis connection is up.\n# TYPE claimwatch_notify_up gauge\n");
	for (i = 0; i < n->nsinks; i++)
		util_buf_printf(b, "claimwatch_notify_up{sink=\"%s\"} %d\n",
		    n->sinks[i].c->name,
		    store_group_is_connected(n->sinks[i].g) ? 1 : 0);
}

void
notify_free(struct notify *n)
{
	struct notify_sink	*s;
	struct notify_entry	*e;
	size_t			 i;

	if (n == NULL)
		return;
	http_free(n->http);
	for (i = 0; i < n->nsinks; i++) {
		s = &n->sinks[i];
		notify_exec_free(s->exec);
		fetch_free(s->fetch);
		store_group_free(s->g);
		if (s->timer != NULL)
			event_free(s->timer);
		while ((e = TAILQ_FIRST(&s->q)) != NULL) {
			TAILQ_REMOVE(&s->q, e, link);
			notify_entry_free(e);
		}
	}
	free(n->sinks);
	free(n);
}
