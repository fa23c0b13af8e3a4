/*
 * web: glue for the look-back page.  A page request becomes one
 * store_look request on the daemon's loop; its callback builds the body
 * (page for HTML, look for JSON) and replies.  The Redis connection is
 * store_look's own, not the store's (see store_look.c for why), so a page
 * never waits behind the polling daemon's writes, and async, so a page
 * never blocks polling.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "look.h"
#include "page.h"
#include "store.h"
#include "store_look.h"
#include "util.h"
#include "web.h"

struct web {
	struct store_look	*look;
	struct http		*http;
};

enum web_kind {
	WEB_INDEX,		/* / */
	WEB_KEY,		/* /key/KEY */
	WEB_API_FIGURES,	/* /api/figures */
	WEB_API_HISTORY		/* /api/history?key=KEY */
};

/* One request in flight; freed by its callback. */
struct web_req {
	struct http_req		*hr;
	enum web_kind		 kind;
};

#define WEB_HTML	"text/html; charset=utf-8"
#define WEB_JSON	"application/json"

static void
web_reply_message(struct http_req *hr, int code, bool html, const char *msg)
{
	struct util_buf	 b = { 0 };
	char		*j;

	if (html)
		page_message(&b, code, msg);
	else {
		j = look_error_json(msg);
		util_buf_printf(&b, "%s\n", j);
		free(j);
	}
	http_req_reply(hr, code, html ? WEB_HTML : WEB_JSON, &b);
	util_buf_free(&b);
}

static void
web_keys_cb(struct look_keys *ks, const char *err, void *arg)
{
	struct web_req	*wr = arg;
	struct util_buf	 b = { 0 };
	char		*j;
	size_t		 i;

	if (ks == NULL) {
		web_reply_message(wr->hr, 503, wr->kind == WEB_INDEX, err);
		free(wr);
		return;
	}
	if (wr->kind == WEB_INDEX) {
		page_index(&b, ks, util_now());
		http_req_reply(wr->hr, 200, WEB_HTML, &b);
	} else {
		util_buf_printf(&b, "[");
		for (i = 0; i < ks->n; i++) {
			j = look_key_json(&ks->v[i]);
			util_buf_printf(&b, "%s%s\n", i > 0 ? "," : "", j);
			free(j);
		}
		util_buf_printf(&b, "]\n");
		http_req_reply(wr->hr, 200, WEB_JSON, &b);
	}
	util_buf_free(&b);
	look_keys_free(ks);
	free(wr);
}

static void
web_history_cb(struct look_history *h, const char *err, void *arg)
{
	struct web_req	*wr = arg;
	struct util_buf	 b = { 0 };
	bool		 html = wr->kind == WEB_KEY;
	char		*j;

	if (h == NULL)
		web_reply_message(wr->hr, 503, html, err);
	else if (!h->k.has_figure && h->nfigs == 0)
		web_reply_message(wr->hr, 404, html, "no such key");
	else if (html) {
		page_key(&b, h);
		http_req_reply(wr->hr, 200, WEB_HTML, &b);
	} else {
		j = look_history_json(h);
		util_buf_printf(&b, "%s\n", j);
		free(j);
		http_req_reply(wr->hr, 200, WEB_JSON, &b);
	}
	util_buf_free(&b);
	look_history_free(h);
	free(wr);
}

static void
web_page_cb(struct http_req *hr, const char *path, const char *key,
    void *arg)
{
	struct web	*w = arg;
	struct web_req	*wr;
	int		 rc;

	wr = xcalloc(1, sizeof(*wr));
	wr->hr = hr;
	if (strcmp(path, "/") == 0) {
		wr->kind = WEB_INDEX;
		rc = store_look_figures(w->look, NULL, web_keys_cb, wr);
	} else if (strcmp(path, "/api/figures") == 0) {
		wr->kind = WEB_API_FIGURES;
		rc = store_look_figures(w->look, NULL, web_keys_cb, wr);
	} else if (strcmp(path, "/api/history") == 0 && key != NULL &&
	    *key != '\0') {
		wr->kind = WEB_API_HISTORY;
		rc = store_look_history(w->look, key, web_history_cb, wr);
	} else if (strncmp(path, "/key/", 5) == 0 && path[5] != '\0') {
		wr->kind = WEB_KEY;
		rc = store_look_history(w->look, path + 5, web_history_cb, wr);
	} else {
		web_reply_message(hr, strcmp(path, "/api/history") == 0 ?
		    400 : 404, strncmp(path, "/api/", 5) != 0,
		    strcmp(path, "/api/history") == 0 ? "?key=KEY is needed" :
		    "not found");
		free(wr);
		return;
	}
	if (rc == -1) {
		web_reply_message(hr, 503, strncmp(path, "/api/", 5) != 0,
		    "cannot reach Redis");
		free(wr);
	}
}

struct web *
web_new(struct event_base *base, struct http *h,
    const struct store_options *o, const char *token, char *err,
    size_t errlen)
{
	struct web	*w;

	w = xcalloc(1, sizeof(*w));
	if ((w->look = store_look_new(base, o, err, errlen)) == NULL) {
		free(w);
		return NULL;
	}
	w->http = h;
	http_set_page(h, web_page_cb, w, token);
	return w;
}

void
web_free(struct web *w)
{
	if (w == NULL)
		return;
	http_set_page(w->http, NULL, NULL, NULL);
	/* Requests in flight get their callbacks with an error: 503. */
	store_look_free(w->look);
	free(w);
}
