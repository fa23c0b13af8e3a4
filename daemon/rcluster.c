/*
 * rcluster: a Redis Cluster client on hiredis async.  It owns one
 * redisAsyncContext per known node (seeds and masters, connected when a
 * command needs one), the slot map (slot -> master node), the commands
 * sent and not answered, and two timers: retry (commands waiting for a
 * reachable master) and refresh (a new CLUSTER SLOTS).  A command is
 * copied into one request, which lives until its reply is handed to the
 * caller; redirects and "cannot answer now" errors never reach the
 * caller.  Replicas are never asked: writes need the master and a
 * replica's answer may lag.
 */
#include <sys/queue.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <hiredis.h>
#include <async.h>
#include <adapters/libevent.h>

#include "log.h"
#include "rcluster.h"
#include "util.h"

#define RCLUSTER_REDIRECTS_MAX	16	/* per command, then its error */
#define RCLUSTER_RETRY_MIN_MS	10
#define RCLUSTER_RETRY_MAX_MS	1000
#define RCLUSTER_HOST_MAX	256

struct rcluster_node {
	struct rcluster		*rc;
	char			*host;
	int			 port;
	redisAsyncContext	*ac;		/* NULL until needed, or lost */
	bool			 down_logged;
};

/* One command; argv NUL-terminated back to back in buf. */
struct rcluster_req {
	TAILQ_ENTRY(rcluster_req) entry;
	struct rcluster		*rc;
	struct rcluster_node	*ask;		/* ASK target of next send */
	int			 slot;		/* -1: any master */
	int			 redirects;
	bool			 waiting;	/* on rc->waiting, not sent */
	rcluster_cb		 cb;
	void			*priv;
	struct util_buf		 cmd;		/* the command in RESP */
};
TAILQ_HEAD(rcluster_reqs, rcluster_req);

struct rcluster {
	struct event_base	*base;
	char			*password;	/* or NULL */
	struct rcluster_node	**nodes;
	size_t			 nnodes;
	size_t			 next_refresh;	/* round robin over nodes */
	struct rcluster_node	*slots[RCLUSTER_SLOTS];
	bool			 ready;
	bool			 refreshing;	/* CLUSTER SLOTS in flight */
	bool			 freeing;
	int			 retry_ms;
	struct event		*ev_retry;
	struct event		*ev_refresh;
	struct rcluster_reqs	 waiting;
	size_t			 nreqs;		/* sent or waiting */
	unsigned long long	 moved, asked, maps;
	rcluster_state_cb	 cb;
	void			*arg;
};

static void	rcluster_send(struct rcluster *, struct rcluster_req *);
static void	rcluster_refresh_soon(struct rcluster *);

/* Decimal digits of v into buf (>= 21 bytes), not terminated; the count. */
static size_t
rcluster_utoa(char *buf, size_t v)
{
	char	 tmp[24];
	size_t	 n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

static void
rcluster_format_len(struct util_buf *b, char type, size_t n)
{
	char	 head[32];
	size_t	 len;

	head[0] = type;
	len = 1 + rcluster_utoa(head + 1, n);
	head[len++] = '\r';
	head[len++] = '\n';
	util_buf_append(b, head, len);
}

void
rcluster_format_argv(struct util_buf *b, int argc, const char **argv,
    const size_t *argvlen)
{
	int	 i;

	rcluster_format_len(b, '*', (size_t)argc);
	for (i = 0; i < argc; i++) {
		rcluster_format_len(b, '$', argvlen[i]);
		util_buf_append(b, argv[i], argvlen[i]);
		util_buf_append(b, "\r\n", 2);
	}
}

uint16_t
rcluster_crc16(const char *p, size_t len)
{
	uint16_t	 crc = 0;
	size_t		 i;
	int		 b;

	for (i = 0; i < len; i++) {
		crc ^= (uint16_t)((unsigned char)p[i] << 8);
		for (b = 0; b < 8; b++)
			crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) :
			    (uint16_t)(crc << 1);
	}
	return crc;
}

unsigned
rcluster_key_slot(const char *key, size_t len)
{
	const char	*open, *close;

	/* Only the first '{' counts, and an empty tag hashes the key. */
	if ((open = memchr(key, '{', len)) != NULL) {
		close = memchr(open + 1, '}', len - (size_t)(open + 1 - key));
		if (close != NULL && close > open + 1) {
			key = open + 1;
			len = (size_t)(close - key);
		}
	}
	return rcluster_crc16(key, len) & (RCLUSTER_SLOTS - 1);
}

/* "host:port", host possibly empty or [v6]; 0 or -1. */
static int
rcluster_split_endpoint(const char *p, size_t len, char *host,
    size_t hostlen, int *port)
{
	const char	*colon;
	char		 num[8], *end;
	long		 v;
	size_t		 hl;

	colon = NULL;
	for (hl = len; hl > 0; hl--)
		if (p[hl - 1] == ':') {
			colon = p + hl - 1;
			break;
		}
	if (colon == NULL || (size_t)(p + len - colon - 1) >= sizeof(num) ||
	    p + len == colon + 1)
		return -1;
	memcpy(num, colon + 1, (size_t)(p + len - colon - 1));
	num[p + len - colon - 1] = '\0';
	errno = 0;
	v = strtol(num, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > 65535)
		return -1;
	hl = (size_t)(colon - p);
	if (hl >= 2 && p[0] == '[' && p[hl - 1] == ']') {
		p++;
		hl -= 2;
	}
	if (hl >= hostlen)
		return -1;
	memcpy(host, p, hl);
	host[hl] = '\0';
	*port = (int)v;
	return 0;
}

enum rcluster_redirect
rcluster_parse_redirect(const char *err, unsigned *slot, char *host,
    size_t hostlen, int *port)
{
	enum rcluster_redirect	 kind;
	const char		*p;
	char			*end;
	unsigned long		 v;

	if (strncmp(err, "MOVED ", 6) == 0) {
		kind = RCLUSTER_MOVED;
		p = err + 6;
	} else if (strncmp(err, "ASK ", 4) == 0) {
		kind = RCLUSTER_ASK;
		p = err + 4;
	} else
		return RCLUSTER_NONE;
	if (*p < '0' || *p > '9')
		return RCLUSTER_NONE;
	errno = 0;
	v = strtoul(p, &end, 10);
	if (errno != 0 || v >= RCLUSTER_SLOTS || *end != ' ')
		return RCLUSTER_NONE;
	p = end + 1;
	if (rcluster_split_endpoint(p, strcspn(p, " "), host, hostlen,
	    port) == -1)
		return RCLUSTER_NONE;
	*slot = (unsigned)v;
	return kind;
}

static struct rcluster_node *
rcluster_node_get(struct rcluster *rc, const char *host, int port)
{
	struct rcluster_node	*n;
	size_t			 i;

	for (i = 0; i < rc->nnodes; i++) {
		n = rc->nodes[i];
		if (n->port == port && strcmp(n->host, host) == 0)
			return n;
	}
	n = xcalloc(1, sizeof(*n));
	n->rc = rc;
	n->host = xstrdup(host);
	n->port = port;
	rc->nodes = xreallocarray(rc->nodes, rc->nnodes + 1,
	    sizeof(*rc->nodes));
	rc->nodes[rc->nnodes++] = n;
	return n;
}

static void
rcluster_node_lost(struct rcluster_node *n, const char *why)
{
	n->ac = NULL;
	if (n->rc->freeing)
		return;
	if (!n->down_logged)
		log_warn("redis cluster: node %s:%d lost: %s", n->host,
		    n->port, why);
	n->down_logged = true;
	rcluster_refresh_soon(n->rc);
}

static void
rcluster_connected_cb(const redisAsyncContext *ac, int status)
{
	struct rcluster_node	*n = ac->data;

	if (status != REDIS_OK)
		rcluster_node_lost(n, ac->errstr);	/* hiredis frees ac */
	else if (n->down_logged) {
		log_notice("redis cluster: node %s:%d back", n->host, n->port);
		n->down_logged = false;
	}
}

static void
rcluster_disconnected_cb(const redisAsyncContext *ac, int status)
{
	rcluster_node_lost(ac->data, status == REDIS_OK ? "disconnected" :
	    ac->errstr);
}

static void
rcluster_auth_cb(redisAsyncContext *ac, void *reply, void *priv)
{
	struct rcluster_node	*n = ac->data;
	redisReply		*r = reply;

	(void)priv;
	if (r != NULL && r->type == REDIS_REPLY_ERROR)
		log_error("redis cluster: AUTH refused by %s:%d: %s", n->host,
		    n->port, r->str);
}

/* Connects n if it has no connection; false when that failed at once. */
static bool
rcluster_node_connect(struct rcluster_node *n)
{
	redisAsyncContext	*ac;
	const char		*argv[2];
	size_t			 argvlen[2];

	if (n->ac != NULL)
		return true;
	ac = redisAsyncConnect(n->host, n->port);
	if (ac == NULL || ac->err || redisLibeventAttach(ac, n->rc->base) !=
	    REDIS_OK) {
		log_debug("%s: %s:%d: %s", __func__, n->host, n->port,
		    ac != NULL && ac->err ? ac->errstr : "cannot set up");
		if (ac != NULL)
			redisAsyncFree(ac);
		return false;
	}
	ac->data = n;
	redisAsyncSetConnectCallback(ac, rcluster_connected_cb);
	redisAsyncSetDisconnectCallback(ac, rcluster_disconnected_cb);
	n->ac = ac;
	if (n->rc->password != NULL) {
		/* hiredis queues it ahead of everything else. */
		argv[0] = "AUTH";
		argv[1] = n->rc->password;
		argvlen[0] = 4;
		argvlen[1] = strlen(argv[1]);
		redisAsyncCommandArgv(ac, rcluster_auth_cb, NULL, 2, argv,
		    argvlen);
	}
	return true;
}

static void
rcluster_req_free(struct rcluster_req *req)
{
	req->rc->nreqs--;
	util_buf_free(&req->cmd);
	free(req);
}

static void
rcluster_wait(struct rcluster *rc, struct rcluster_req *req)
{
	struct timeval	 tv;

	req->waiting = true;
	TAILQ_INSERT_TAIL(&rc->waiting, req, entry);
	if (!evtimer_pending(rc->ev_retry, NULL)) {
		tv.tv_sec = rc->retry_ms / 1000;
		tv.tv_usec = (rc->retry_ms % 1000) * 1000;
		evtimer_add(rc->ev_retry, &tv);
		rc->retry_ms *= 2;
		if (rc->retry_ms > RCLUSTER_RETRY_MAX_MS)
			rc->retry_ms = RCLUSTER_RETRY_MAX_MS;
	}
}

static void
rcluster_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct rcluster		*rc = arg;
	struct rcluster_reqs	 list;
	struct rcluster_req	*req;

	(void)fd;
	(void)what;
	TAILQ_INIT(&list);
	TAILQ_CONCAT(&list, &rc->waiting, entry);
	while ((req = TAILQ_FIRST(&list)) != NULL) {
		TAILQ_REMOVE(&list, req, entry);
		req->waiting = false;
		rcluster_send(rc, req);
	}
}

/* Errors that mean "ask again later", maybe after a new map. */
static bool
rcluster_is_transient(const char *err, bool *remap)
{
	static const char *const later[] = { "TRYAGAIN", "LOADING", "BUSY" };
	static const char *const moved[] = { "CLUSTERDOWN", "MASTERDOWN",
	    "READONLY" };
	size_t	 i;

	for (i = 0; i < sizeof(later) / sizeof(later[0]); i++)
		if (strncmp(err, later[i], strlen(later[i])) == 0) {
			*remap = false;
			return true;
		}
	for (i = 0; i < sizeof(moved) / sizeof(moved[0]); i++)
		if (strncmp(err, moved[i], strlen(moved[i])) == 0) {
			*remap = true;
			return true;
		}
	return false;
}

/* A redirect: true when req was sent on (or waits) and r is not its. */
static bool
rcluster_redirect(struct rcluster *rc, struct rcluster_req *req,
    const struct rcluster_node *from, const redisReply *r)
{
	enum rcluster_redirect	 kind;
	struct rcluster_node	*to;
	char			 host[RCLUSTER_HOST_MAX];
	unsigned		 slot;
	int			 port;

	kind = rcluster_parse_redirect(r->str, &slot, host, sizeof(host),
	    &port);
	if (kind == RCLUSTER_NONE ||
	    ++req->redirects > RCLUSTER_REDIRECTS_MAX)
		return false;
	to = rcluster_node_get(rc, host[0] != '\0' ? host : from->host, port);
	if (kind == RCLUSTER_MOVED) {
		rc->moved++;
		rc->slots[slot] = to;
		req->ask = NULL;
		rcluster_refresh_soon(rc);
	} else {
		rc->asked++;
		req->ask = to;
	}
	log_debug("%s: %s", __func__, r->str);
	rcluster_send(rc, req);
	return true;
}

static void
rcluster_reply_cb(redisAsyncContext *ac, void *reply, void *priv)
{
	struct rcluster_req	*req = priv;
	struct rcluster		*rc = req->rc;
	redisReply		*r = reply;
	bool			 remap;

	if (rc->freeing) {
		if (req->cb != NULL)
			req->cb(ac, NULL, req->priv);
		rcluster_req_free(req);
		return;
	}
	if (r == NULL) {
		/* The connection is going: ask again on a new map. */
		rcluster_refresh_soon(rc);
		rcluster_wait(rc, req);
		return;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		if (rcluster_redirect(rc, req, ac->data, r))
			return;
		if (rcluster_is_transient(r->str, &remap)) {
			log_debug("%s: %s", __func__, r->str);
			if (remap)
				rcluster_refresh_soon(rc);
			rcluster_wait(rc, req);
			return;
		}
	}
	rc->retry_ms = RCLUSTER_RETRY_MIN_MS;
	if (req->cb != NULL)
		req->cb(ac, r, req->priv);
	rcluster_req_free(req);
}

/* The master of slot, else any master, else any node; NULL: none. */
static struct rcluster_node *
rcluster_target(struct rcluster *rc, int slot)
{
	size_t	 i;

	if (slot >= 0)
		return rc->slots[slot];
	for (i = 0; i < RCLUSTER_SLOTS; i += 1024)
		if (rc->slots[i] != NULL)
			return rc->slots[i];
	return rc->nnodes > 0 ? rc->nodes[0] : NULL;
}

static void
rcluster_send(struct rcluster *rc, struct rcluster_req *req)
{
	struct rcluster_node	*n;
	int			 rv;

	n = req->ask != NULL ? req->ask : rcluster_target(rc, req->slot);
	if (n == NULL || !rcluster_node_connect(n)) {
		rcluster_refresh_soon(rc);
		rcluster_wait(rc, req);
		return;
	}
	/* An ASK redirect holds for one command, flagged by ASKING. */
	if (req->ask != NULL)
		redisAsyncCommand(n->ac, NULL, NULL, "ASKING");
	req->ask = NULL;
	rv = redisAsyncFormattedCommand(n->ac, rcluster_reply_cb, req,
	    req->cmd.data, req->cmd.len);
	if (rv != REDIS_OK)
		rcluster_wait(rc, req);		/* ac is going away */
}

int
rcluster_command(struct rcluster *rc, const char *key, size_t keylen,
    rcluster_cb cb, void *priv, int argc, const char **argv,
    const size_t *argvlen)
{
	struct rcluster_req	*req;

	req = xcalloc(1, sizeof(*req));
	req->rc = rc;
	req->slot = key != NULL ? (int)rcluster_key_slot(key, keylen) : -1;
	req->cb = cb;
	req->priv = priv;
	/* Formatted once, sent as often as redirects and retries need. */
	rcluster_format_argv(&req->cmd, argc, argv, argvlen);
	rc->nreqs++;
	if (!rc->ready)
		rcluster_wait(rc, req);
	else
		rcluster_send(rc, req);
	return 0;
}

/* One CLUSTER SLOTS entry: start, end, master [host, port, ...]. */
static int
rcluster_slots_entry(struct rcluster *rc, const struct rcluster_node *from,
    const redisReply *e, struct rcluster_node **map)
{
	const redisReply	*m;
	const char		*host;
	long long		 a, b, s;

	if (e->type != REDIS_REPLY_ARRAY || e->elements < 3 ||
	    e->element[0]->type != REDIS_REPLY_INTEGER ||
	    e->element[1]->type != REDIS_REPLY_INTEGER)
		return -1;
	m = e->element[2];
	if (m->type != REDIS_REPLY_ARRAY || m->elements < 2 ||
	    m->element[0]->type != REDIS_REPLY_STRING ||
	    m->element[1]->type != REDIS_REPLY_INTEGER)
		return -1;
	a = e->element[0]->integer;
	b = e->element[1]->integer;
	if (a < 0 || b >= RCLUSTER_SLOTS || a > b ||
	    m->element[1]->integer < 1 || m->element[1]->integer > 65535)
		return -1;
	/* "" or "?": the node does not know its address; we do. */
	host = m->element[0]->str;
	if (host[0] == '\0' || strcmp(host, "?") == 0)
		host = from->host;
	for (s = a; s <= b; s++)
		map[s] = rcluster_node_get(rc, host,
		    (int)m->element[1]->integer);
	return 0;
}

static void
rcluster_slots_cb(redisAsyncContext *ac, void *reply, void *priv)
{
	struct rcluster		*rc = priv;
	struct rcluster_node	**map;
	redisReply		*r = reply;
	size_t			 i, covered = 0;
	bool			 was = rc->ready;

	rc->refreshing = false;
	if (rc->freeing)
		return;
	if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
		log_debug("%s: %s", __func__, r != NULL &&
		    r->type == REDIS_REPLY_ERROR ? r->str : "no map");
		rcluster_refresh_soon(rc);
		return;
	}
	map = xcalloc(RCLUSTER_SLOTS, sizeof(*map));
	for (i = 0; i < r->elements; i++)
		if (rcluster_slots_entry(rc, ac->data, r->element[i], map) ==
		    -1) {
			log_warn("redis cluster: bad CLUSTER SLOTS entry %zu "
			    "from %s:%d", i, ((struct rcluster_node *)
			    ac->data)->host, ((struct rcluster_node *)
			    ac->data)->port);
			free(map);
			rcluster_refresh_soon(rc);
			return;
		}
	for (i = 0; i < RCLUSTER_SLOTS; i++)
		covered += map[i] != NULL;
	memcpy(rc->slots, map, sizeof(rc->slots));
	free(map);
	rc->maps++;
	rc->ready = covered == RCLUSTER_SLOTS;
	if (!rc->ready)
		rcluster_refresh_soon(rc);
	if (rc->ready != was) {
		if (rc->ready)
			log_info("redis cluster: slot map complete");
		else
			log_warn("redis cluster: %zu of %d slots have no "
			    "master", RCLUSTER_SLOTS - covered,
			    RCLUSTER_SLOTS);
		if (rc->cb != NULL)
			rc->cb(rc->ready, rc->arg);
	}
	if (rc->ready && !TAILQ_EMPTY(&rc->waiting))
		rcluster_retry_cb(-1, 0, rc);
}

/* Asks the next node in turn for the slot map. */
static void
rcluster_refresh_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct rcluster		*rc = arg;
	struct rcluster_node	*n;
	size_t			 i;

	(void)fd;
	(void)what;
	if (rc->refreshing || rc->freeing)
		return;
	for (i = 0; i < rc->nnodes; i++) {
		n = rc->nodes[(rc->next_refresh + i) % rc->nnodes];
		if (!rcluster_node_connect(n))
			continue;
		if (redisAsyncCommand(n->ac, rcluster_slots_cb, rc,
		    "CLUSTER SLOTS") != REDIS_OK)
			continue;
		rc->refreshing = true;
		break;
	}
	rc->next_refresh++;
	if (!rc->refreshing)
		rcluster_refresh_soon(rc);
}

/*
 * A new map soon: at once for the first, then at most one per retry
 * interval, so that a burst of MOVED replies costs one CLUSTER SLOTS.
 */
static void
rcluster_refresh_soon(struct rcluster *rc)
{
	struct timeval	 tv = { 0, 0 };

	if (rc->freeing || rc->refreshing ||
	    evtimer_pending(rc->ev_refresh, NULL))
		return;
	if (rc->maps > 0)
		tv.tv_usec = RCLUSTER_RETRY_MAX_MS * 100;
	evtimer_add(rc->ev_refresh, &tv);
}

static int
rcluster_add_seeds(struct rcluster *rc, const char *seeds, char *err,
    size_t errlen)
{
	const char	*p = seeds;
	char		 host[RCLUSTER_HOST_MAX];
	size_t		 len;
	int		 port;

	for (;;) {
		p += strspn(p, " \t,");
		if (*p == '\0')
			break;
		len = strcspn(p, " \t,");
		if (rcluster_split_endpoint(p, len, host, sizeof(host),
		    &port) == -1 || host[0] == '\0') {
			snprintf(err, errlen, "redis cluster: bad node "
			    "'%.*s', want host:port", (int)(len > 80 ? 80 :
			    len), p);
			return -1;
		}
		rcluster_node_get(rc, host, port);
		p += len;
	}
	if (rc->nnodes == 0) {
		snprintf(err, errlen, "redis cluster: no node given");
		return -1;
	}
	return 0;
}

struct rcluster *
rcluster_new(struct event_base *base, const char *seeds, const char *password,
    rcluster_state_cb cb, void *arg, char *err, size_t errlen)
{
	struct rcluster	*rc;

	rc = xcalloc(1, sizeof(*rc));
	rc->base = base;
	rc->cb = cb;
	rc->arg = arg;
	rc->retry_ms = RCLUSTER_RETRY_MIN_MS;
	TAILQ_INIT(&rc->waiting);
	if (password != NULL)
		rc->password = xstrdup(password);
	rc->ev_retry = evtimer_new(base, rcluster_retry_cb, rc);
	rc->ev_refresh = evtimer_new(base, rcluster_refresh_timer_cb, rc);
	if (rc->ev_retry == NULL || rc->ev_refresh == NULL) {
		snprintf(err, errlen, "redis cluster: cannot create timers");
		rcluster_free(rc);
		return NULL;
	}
	if (rcluster_add_seeds(rc, seeds, err, errlen) == -1) {
		rcluster_free(rc);
		return NULL;
	}
	rcluster_refresh_soon(rc);
	return rc;
}

bool
rcluster_is_ready(const struct rcluster *rc)
{
	return rc->ready;
}

size_t
rcluster_pending(const struct rcluster *rc)
{
	return rc->nreqs;
}

void
rcluster_get_stats(const struct rcluster *rc, unsigned long long *moved,
    unsigned long long *ask, unsigned long long *maps)
{
	*moved = rc->moved;
	*ask = rc->asked;
	*maps = rc->maps;
}

void
rcluster_free(struct rcluster *rc)
{
	struct rcluster_req	*req;
	size_t			 i;

	if (rc == NULL)
		return;
	rc->freeing = true;
	/* Replies owed come back NULL through rcluster_reply_cb. */
	for (i = 0; i < rc->nnodes; i++) {
		if (rc->nodes[i]->ac != NULL)
			redisAsyncFree(rc->nodes[i]->ac);
		rc->nodes[i]->ac = NULL;
	}
	while ((req = TAILQ_FIRST(&rc->waiting)) != NULL) {
		TAILQ_REMOVE(&rc->waiting, req, entry);
		if (req->cb != NULL)
			req->cb(NULL, NULL, req->priv);
		rcluster_req_free(req);
	}
	for (i = 0; i < rc->nnodes; i++) {
		free(rc->nodes[i]->host);
		free(rc->nodes[i]);
	}
	free(rc->nodes);
	if (rc->ev_retry != NULL)
		event_free(rc->ev_retry);
	if (rc->ev_refresh != NULL)
		event_free(rc->ev_refresh);
	free(rc->password);
	free(rc);
}
