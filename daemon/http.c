/*
 * http: /metrics and /healthz on evhttp, and the look-back page's routes
 * (/, /key/..., /api/...) handed to the page callback.  It owns the evhttp
 * instance and its listening socket and nothing else; the numbers and
 * pages come from the daemon's callbacks, so this module needs no
 * knowledge of feeds or Redis.  It must never block the loop: bodies are
 * built in memory and handed to evhttp, which writes them as the socket
 * allows; a page is answered later, when its Redis reads are back.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "http.h"
#include "log.h"
#include "util.h"

/*
 * Monitoring needs a handful of connections.  1,100 held ones took the
 * daemon to its fd limit and every fetch failed (issue 17).  libevent 2.1
 * has no evhttp_set_max_connections, so each accepted connection's
 * bufferevent is made here (evhttp_set_bevcb) and counted; its close is
 * learnt from evhttp's own close callback, set on the connection right
 * after evhttp made it.  At the cap the listener stops accepting: further
 * clients wait in the kernel's backlog and take none of the fds fetches
 * need.  Idle connections end after the 10-second timeout.
 */
#define HTTP_MAX_CONNS	32

struct http {
	struct evhttp		*evh;
	struct evhttp_bound_socket *sock;
	http_metrics_cb		 metrics_cb;
	http_health_cb		 health_cb;
	void			*arg;
	int			 port;
	size_t			 nconns;	/* connections open */
	bool			 paused;	/* not accepting: at the cap */
	bool			 freeing;	/* in http_free */
	struct event		*ev_adopt;	/* adopts what was accepted */
	struct bufferevent	**fresh;	/* accepted, not adopted yet */
	size_t			 nfresh, cfresh;
	http_page_cb		 page_cb;	/* NULL: no page routes */
	void			*page_arg;
	char			*token;		/* bearer token, or NULL */
};

/* A page request waiting for its body.  evhttp keeps a request whose
   reply is not sent yet even when its client goes away, and frees it
   when the reply is sent, so the reply must come exactly once. */
struct http_req {
	struct evhttp_request	*req;
};

static void
http_conn_close_cb(struct evhttp_connection *evcon, void *arg)
{
	struct http	*h = arg;

	(void)evcon;
	if (h->freeing)
		return;
	h->nconns--;
	if (h->paused && h->nconns < HTTP_MAX_CONNS) {
		h->paused = false;
		evconnlistener_enable(
		    evhttp_bound_socket_get_listener(h->sock));
	}
}

/*
 * Runs in the same loop turn as the accepts, before any of those sockets
 * can have an event: evhttp has by now made each connection around our
 * bufferevent and set itself as the bufferevent's callback argument
 * (libevent 2.1's evhttp_connection_base_bufferevent_new), which is how
 * the connection is found to hang our close callback on.
 */
static void
http_adopt_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http			*h = arg;
	struct evhttp_connection	*evcon;
	void				*cbarg;
	size_t				 i;

	(void)fd;
	(void)what;
	for (i = 0; i < h->nfresh; i++) {
		cbarg = NULL;
		bufferevent_getcb(h->fresh[i], NULL, NULL, NULL, &cbarg);
		if ((evcon = cbarg) != NULL &&
		    evhttp_connection_get_bufferevent(evcon) == h->fresh[i])
			evhttp_connection_set_closecb(evcon,
			    http_conn_close_cb, h);
		else
			h->nconns--;	/* not evhttp's: never counted out */
	}
	h->nfresh = 0;
}

static struct bufferevent *
http_conn_bev_cb(struct event_base *base, void *arg)
{
	struct http		*h = arg;
	struct bufferevent	*bev;

	if ((bev = bufferevent_socket_new(base, -1,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL)
		return NULL;
	if (h->nfresh == h->cfresh) {
		h->cfresh = h->cfresh == 0 ? 16 : h->cfresh * 2;
		h->fresh = xreallocarray(h->fresh, h->cfresh,
		    sizeof(*h->fresh));
	}
	h->fresh[h->nfresh++] = bev;
	event_active(h->ev_adopt, EV_TIMEOUT, 0);
	if (++h->nconns >= HTTP_MAX_CONNS && !h->paused) {
		h->paused = true;
		evconnlistener_disable(evhttp_bound_socket_get_listener(
		    h->sock));
		log_warn("http: %d connections open; accepting no more until "
		    "one closes", HTTP_MAX_CONNS);
	}
	return bev;
}

static void
http_reply(struct evhttp_request *req, int code, const char *reason,
    const char *type, const struct util_buf *body)
{
	struct evbuffer	*out = evhttp_request_get_output_buffer(req);

	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", type);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "no-store");
	if (body != NULL && body->len > 0)
		evbuffer_add(out, body->data, body->len);
	evhttp_send_reply(req, code, reason, NULL);
}

/* Whether the request carries the configured bearer token (or none is
   configured).  Compares in constant time. */
static bool
http_authorized(const struct http *h, struct evhttp_request *req)
{
	const char	*v;
	size_t		 n, i;
	unsigned char	 d = 0;

	if (h->token == NULL)
		return true;
	v = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	if (v == NULL || strncasecmp(v, "Bearer ", 7) != 0)
		return false;
	v += 7;
	n = strlen(h->token);
	if (strlen(v) != n)
		return false;
	for (i = 0; i < n; i++)
		d |= (unsigned char)(v[i] ^ h->token[i]);
	return d == 0;
}

static bool
http_check_auth(const struct http *h, struct evhttp_request *req)
{
	struct util_buf	 b = { 0 };

	if (http_authorized(h, req))
		return true;
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "WWW-Authenticate", "Bearer realm=\"claimwatch\"");
	util_buf_printf(&b, "a bearer token is needed ([http] token)\n");
	http_reply(req, 401, "Unauthorized", "text/plain", &b);
	util_buf_free(&b);
	return false;
}

static void
http_metrics_handler(struct evhttp_request *req, void *arg)
{
	struct http	*h = arg;
	struct util_buf	 b = { 0 };

	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET &&
	    evhttp_request_get_command(req) != EVHTTP_REQ_HEAD) {
		http_reply(req, 405, "Method Not Allowed", "text/plain", NULL);
		return;
	}
	if (!http_check_auth(h, req))
		return;
	h->metrics_cb(&b, h->arg);
	http_reply(req, 200, "OK", "text/plain; version=0.0.4; charset=utf-8",
	    &b);
	util_buf_free(&b);
}

static void
http_health_handler(struct evhttp_request *req, void *arg)
{
	struct http	*h = arg;
	struct util_buf	 b = { 0 };
	bool		 ok;

	ok = h->health_cb(&b, h->arg);
	util_buf_append(&b, "\n", 1);
	if (ok)
		http_reply(req, 200, "OK", "application/json", &b);
	else
		http_reply(req, 503, "Service Unavailable", "application/json",
		    &b);
	util_buf_free(&b);
}

/* The path's routes for the page: "/", "/key/...", "/api/...". */
static bool
http_is_page(const char *path)
{
	return strcmp(path, "/") == 0 || strncmp(path, "/key/", 5) == 0 ||
	    strncmp(path, "/api/", 5) == 0;
}

/* Hands a page route to the page callback with its decoded path and
   ?key= parameter; anything else is 404. */
static void
http_notfound_handler(struct evhttp_request *req, void *arg)
{
	struct http		*h = arg;
	struct util_buf		 b = { 0 };
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	struct evkeyvalq	 q;
	struct http_req		*hr;
	const char		*path, *query;
	char			*dec = NULL;
	size_t			 n = 0;

	path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	if (path != NULL)
		dec = evhttp_uridecode(path, 0, &n);
	if (h->page_cb == NULL || dec == NULL || strlen(dec) != n ||
	    !http_is_page(dec)) {
		free(dec);
		util_buf_printf(&b, "not found; try /, /metrics or /healthz\n");
		http_reply(req, 404, "Not Found", "text/plain", &b);
		util_buf_free(&b);
		return;
	}
	if (!http_check_auth(h, req)) {
		free(dec);
		return;
	}
	TAILQ_INIT(&q);
	query = evhttp_uri_get_query(uri);
	if (query != NULL)
		evhttp_parse_query_str(query, &q);
	hr = xcalloc(1, sizeof(*hr));
	hr->req = req;
	h->page_cb(hr, dec, evhttp_find_header(&q, "key"), h->page_arg);
	evhttp_clear_headers(&q);
	free(dec);
}

void
http_set_page(struct http *h, http_page_cb cb, void *arg, const char *token)
{
	h->page_cb = cb;
	h->page_arg = arg;
	free(h->token);
	h->token = token != NULL && token[0] != '\0' ? xstrdup(token) : NULL;
}

void
http_req_reply(struct http_req *hr, int code, const char *type,
    const struct util_buf *body)
{
	struct evkeyvalq	*out;

	out = evhttp_request_get_output_headers(hr->req);
	if (strncmp(type, "text/html", 9) == 0) {
		/* Belt and braces over the escaping: nothing on the page
		   may run or load anything. */
		evhttp_add_header(out, "Content-Security-Policy",
		    "default-src 'none'; style-src 'unsafe-inline'; "
		    "form-action 'none'; frame-ancestors 'none'");
		evhttp_add_header(out, "Referrer-Policy", "no-referrer");
	}
	evhttp_add_header(out, "X-Content-Type-Options", "nosniff");
	http_reply(hr->req, code, code == 200 ? "OK" : code == 404 ?
	    "Not Found" : code == 400 ? "Bad Request" : "Service Unavailable",
	    type, body);
	free(hr);
}

/* "host:port" or "[v6]:port" → host and port; -1 when malformed. */
static int
http_split(const char *listen, char *host, size_t hostlen, int *port)
{
	const char	*colon;
	char		*end;
	long		 p;
	size_t		 n;

	if (listen[0] == '[') {
		const char *rb = strchr(listen, ']');

		if (rb == NULL || rb[1] != ':')
			return -1;
		n = (size_t)(rb - listen - 1);
		colon = rb + 1;
		listen++;
	} else {
		if ((colon = strrchr(listen, ':')) == NULL)
			return -1;
		n = (size_t)(colon - listen);
	}
	if (n == 0 || n >= hostlen)
		return -1;
	memcpy(host, listen, n);
	host[n] = '\0';
	p = strtol(colon + 1, &end, 10);
	if (*end != '\0' || end == colon + 1 || p < 0 || p > 65535)
		return -1;
	*port = (int)p;
	return 0;
}

struct http *
http_new(struct event_base *base, const char *listen, http_metrics_cb mcb,
    http_health_cb hcb, void *arg, char *err, size_t errlen)
{
	struct http		*h;
	struct sockaddr_storage	 ss;
	ev_socklen_t		 sslen = sizeof(ss);
	char			 host[256];
	int			 port;

	if (http_split(listen, host, sizeof(host), &port) == -1) {
		snprintf(err, errlen, "listen address '%s' is not HOST:PORT",
		    listen);
		return NULL;
	}
	h = xcalloc(1, sizeof(*h));
	h->metrics_cb = mcb;
	h->health_cb = hcb;
	h->arg = arg;
	if ((h->evh = evhttp_new(base)) == NULL) {
		snprintf(err, errlen, "evhttp_new failed");
		free(h);
		return NULL;
	}
	/* Monitoring requests are tiny; refuse anything that is not. */
	evhttp_set_max_headers_size(h->evh, 8192);
	evhttp_set_max_body_size(h->evh, 0);
	evhttp_set_timeout(h->evh, 10);
	evhttp_set_allowed_methods(h->evh, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_cb(h->evh, "/metrics", http_metrics_handler, h);
	evhttp_set_cb(h->evh, "/healthz", http_health_handler, h);
	evhttp_set_gencb(h->evh, http_notfound_handler, h);
	if ((h->ev_adopt = event_new(base, -1, 0, http_adopt_cb, h)) ==
	    NULL) {
		snprintf(err, errlen, "cannot create the http events");
		evhttp_free(h->evh);
		free(h);
		return NULL;
	}
	evhttp_set_bevcb(h->evh, http_conn_bev_cb, h);
	h->sock = evhttp_bind_socket_with_handle(h->evh, host,
	    (ev_uint16_t)port);
	if (h->sock == NULL) {
		snprintf(err, errlen, "cannot listen on %s", listen);
		h->freeing = true;
		evhttp_free(h->evh);
		event_free(h->ev_adopt);
		free(h);
		return NULL;
	}
	h->port = port;
	if (getsockname(evhttp_bound_socket_get_fd(h->sock),
	    (struct sockaddr *)&ss, &sslen) == 0) {
		if (ss.ss_family == AF_INET)
			h->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		else if (ss.ss_family == AF_INET6)
			h->port = ntohs(
			    ((struct sockaddr_in6 *)&ss)->sin6_port);
	}
	return h;
}

int
http_port(const struct http *h)
{
	return h->port;
}

void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	h->freeing = true;
	evhttp_free(h->evh);
	event_free(h->ev_adopt);
	free(h->fresh);
	free(h->token);
	free(h);
}
