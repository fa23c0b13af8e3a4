/*
 * look: the looked-back data's structs, their parsing from the JSON the
 * store keeps (figure objects, history members) and their JSON output.
 * Pure: jansson stays inside this file, every string handed out is a
 * copy the struct owns.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "look.h"
#include "util.h"

static char *
look_strdup_json(json_t *o, const char *name)
{
	json_t	*v = json_object_get(o, name);

	return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

int64_t
look_time_parse(const char *s)
{
	struct tm	 tm;
	const char	*end;

	if (s == NULL)
		return LOOK_NO_TIME;
	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL)
		return LOOK_NO_TIME;
	if (*end != 'Z' || end[1] != '\0')
		return LOOK_NO_TIME;
	return (int64_t)timegm(&tm);
}

void
look_figure_clear(struct look_figure *f)
{
	size_t	 i;

	free(f->qualifier);
	free(f->modality);
	free(f->url);
	free(f->title);
	free(f->lang);
	free(f->editor);
	free(f->note);
	free(f->story);
	for (i = 0; i < f->nsources; i++)
		free(f->sources[i]);
	free(f->sources);
	memset(f, 0, sizeof(*f));
	f->published = f->first_seen = LOOK_NO_TIME;
}

void
look_figure_add_source(struct look_figure *f, const char *id)
{
	size_t	 i;

	for (i = 0; i < f->nsources; i++)
		if (strcmp(f->sources[i], id) == 0)
			return;
	f->sources = xreallocarray(f->sources, f->nsources + 1,
	    sizeof(*f->sources));
	f->sources[f->nsources++] = xstrdup(id);
}

int
look_figure_parse(struct look_figure *f, const char *json, char *err,
    size_t errlen)
{
	json_t		*o, *v;
	json_error_t	 je;

	memset(f, 0, sizeof(*f));
	look_figure_clear(f);
	if ((o = json_loads(json, 0, &je)) == NULL || !json_is_object(o) ||
	    !json_is_number(json_object_get(o, "value"))) {
		snprintf(err, errlen, "stored figure is not a figure object: "
		    "%.60s", json);
		json_decref(o);
		return -1;
	}
	f->value = json_number_value(json_object_get(o, "value"));
	if (json_is_number(v = json_object_get(o, "max"))) {
		f->has_max = true;
		f->max = json_number_value(v);
	}
	if ((f->qualifier = look_strdup_json(o, "qualifier")) == NULL)
		f->qualifier = xstrdup("exact");
	f->modality = look_strdup_json(o, "modality");
	f->url = look_strdup_json(o, "url");
	f->title = look_strdup_json(o, "title");
	f->lang = look_strdup_json(o, "lang");
	f->editor = look_strdup_json(o, "editor");
	f->note = look_strdup_json(o, "note");
	if ((f->story = look_strdup_json(o, "story")) == NULL &&
	    json_is_object(v = json_object_get(o, "story")))
		f->story = look_strdup_json(v, "label");
	f->published = look_time_parse(json_string_value(
	    json_object_get(o, "published")));
	f->first_seen = look_time_parse(json_string_value(
	    json_object_get(o, "first_seen")));
	/* A claim role (sub_count, earlier, ...) never moved the key. */
	if (json_is_true(json_object_get(o, "history_only")) ||
	    json_is_string(json_object_get(o, "role")))
		f->role = LOOK_ROLE_HISTORY;
	if (json_is_true(json_object_get(o, "corrected")))
		f->role = LOOK_ROLE_CORRECTION;
	f->rejected = json_is_true(json_object_get(o, "rejected"));
	if (f->url != NULL)
		look_figure_add_source(f, f->url);
	json_decref(o);
	return 0;
}

bool
look_url_is_web(const char *url)
{
	return url != NULL && (strncasecmp(url, "http://", 7) == 0 ||
	    strncasecmp(url, "https://", 8) == 0);
}

void
look_host(const char *url, char *buf, size_t len)
{
	const char	*p, *e;
	size_t		 i, n;

	buf[0] = '\0';
	if (!look_url_is_web(url) || len == 0)
		return;
	p = strstr(url, "://") + 3;
	if ((e = strchr(p, '@')) != NULL && e < p + strcspn(p, "/?#"))
		p = e + 1;		/* user:password@ is not the host */
	n = strcspn(p, ":/?#");
	if (n >= len)
		n = len - 1;
	for (i = 0; i < n; i++)
		buf[i] = (char)tolower((unsigned char)p[i]);
	buf[n] = '\0';
}

const char *
look_label(const struct look_key *k)
{
	return k->label != NULL && k->label[0] != '\0' ? k->label : k->key;
}

static int
look_key_cmp(const void *a, const void *b)
{
	const struct look_key	*x = a, *y = b;

	if (x->updated != y->updated)
		return x->updated > y->updated ? -1 : 1;
	return strcmp(x->key, y->key);
}

void
look_keys_sort(struct look_keys *ks)
{
	if (ks->n > 1)
		qsort(ks->v, ks->n, sizeof(*ks->v), look_key_cmp);
}

/* Undated figures sort by when they were seen, after the dated ones. */
static int
look_figure_cmp(const void *a, const void *b)
{
	const struct look_figure	*x = a, *y = b;
	bool				 xd, yd;

	xd = x->published != LOOK_NO_TIME;
	yd = y->published != LOOK_NO_TIME;
	if (xd != yd)
		return xd ? -1 : 1;
	if (xd && x->published != y->published)
		return x->published < y->published ? -1 : 1;
	if (x->first_seen != y->first_seen)
		return x->first_seen < y->first_seen ? -1 : 1;
	return x->value < y->value ? -1 : x->value > y->value;
}

void
look_figures_sort(struct look_figure *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), look_figure_cmp);
}

static json_t *
look_json_str(const char *s)
{
	json_t	*v;

	if (s == NULL)
		return json_null();
	/* Stored strings came through jansson; be safe anyway. */
	if ((v = json_string(s)) == NULL)
		v = json_string("\xef\xbf\xbd");
	return v;
}

static json_t *
look_json_time(int64_t t)
{
	char	 iso[32];

	if (t == LOOK_NO_TIME || t == 0)
		return json_null();
	util_iso8601(t, iso, sizeof(iso));
	return json_string(iso);
}

static json_t *
look_json_num(double v)
{
	if (v == (double)(json_int_t)v)
		return json_integer((json_int_t)v);
	return json_real(v);
}

static char *
look_dump(json_t *o)
{
	char	*s;

	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (s == NULL)
		s = xstrdup("null");
	return s;
}

static const char *
look_role_name(enum look_role r)
{
	switch (r) {
	case LOOK_ROLE_HISTORY:
		return "history_only";
	case LOOK_ROLE_CORRECTION:
		return "correction";
	default:
		return "change";
	}
}

static json_t *
look_figure_obj(const struct look_figure *f, const char *key)
{
	json_t	*o = json_object(), *srcs = json_array();
	char	 host[256];
	size_t	 i;

	if (key != NULL)
		json_object_set_new(o, "key", look_json_str(key));
	json_object_set_new(o, "value", look_json_num(f->value));
	json_object_set_new(o, "qualifier", look_json_str(f->qualifier));
	json_object_set_new(o, "max",
	    f->has_max ? look_json_num(f->max) : json_null());
	json_object_set_new(o, "modality", look_json_str(f->modality));
	json_object_set_new(o, "published", look_json_time(f->published));
	json_object_set_new(o, "first_seen", look_json_time(f->first_seen));
	json_object_set_new(o, "url", look_json_str(f->url));
	json_object_set_new(o, "title", look_json_str(f->title));
	look_host(f->url, host, sizeof(host));
	json_object_set_new(o, "outlet", look_json_str(host[0] != '\0' ?
	    host : NULL));
	json_object_set_new(o, "status",
	    json_string(look_role_name(f->role)));
	json_object_set_new(o, "current", json_boolean(f->current));
	json_object_set_new(o, "rejected", json_boolean(f->rejected));
	if (f->editor != NULL)
		json_object_set_new(o, "editor", look_json_str(f->editor));
	if (f->note != NULL)
		json_object_set_new(o, "note", look_json_str(f->note));
	for (i = 0; i < f->nsources; i++)
		json_array_append_new(srcs, look_json_str(f->sources[i]));
	json_object_set_new(o, "sources", srcs);
	return o;
}

char *
look_figure_json(const struct look_figure *f, const char *key)
{
	return look_dump(look_figure_obj(f, key));
}

static json_t *
look_key_obj(const struct look_key *k)
{
	json_t	*o = json_object();

	json_object_set_new(o, "key", look_json_str(k->key));
	json_object_set_new(o, "label", look_json_str(k->label));
	json_object_set_new(o, "current",
	    k->has_figure ? look_figure_obj(&k->cur, NULL) : json_null());
	json_object_set_new(o, "sources", json_integer(k->sources));
	json_object_set_new(o, "last_change", look_json_time(k->updated));
	json_object_set_new(o, "muted", json_boolean(k->muted));
	return o;
}

char *
look_key_json(const struct look_key *k)
{
	return look_dump(look_key_obj(k));
}

static json_t *
look_event_obj(const struct look_event *e, const char *key)
{
	json_t	*o = json_object();

	if (key != NULL)
		json_object_set_new(o, "key", look_json_str(key));
	json_object_set_new(o, "action", look_json_str(e->action));
	json_object_set_new(o, "who", look_json_str(e->who));
	json_object_set_new(o, "at", look_json_time(e->at));
	json_object_set_new(o, "detail", look_json_str(e->detail));
	return o;
}

char *
look_event_json(const struct look_event *e, const char *key)
{
	return look_dump(look_event_obj(e, key));
}

char *
look_history_json(const struct look_history *h)
{
	json_t	*o = look_key_obj(&h->k), *figs = json_array();
	json_t	*log = json_array();
	size_t	 i;

	for (i = 0; i < h->nfigs; i++)
		json_array_append_new(figs, look_figure_obj(&h->figs[i], NULL));
	for (i = 0; i < h->nlog; i++)
		json_array_append_new(log, look_event_obj(&h->log[i], NULL));
	json_object_set_new(o, "figures", figs);
	json_object_set_new(o, "log", log);
	return look_dump(o);
}

char *
look_feed_json(const struct look_feed *f)
{
	json_t	*o = json_object();

	json_object_set_new(o, "url", look_json_str(f->url));
	json_object_set_new(o, "title", look_json_str(f->title));
	json_object_set_new(o, "last_poll", look_json_time(f->last_poll));
	json_object_set_new(o, "status", json_integer(f->status));
	json_object_set_new(o, "next_due", look_json_time(f->next_due));
	json_object_set_new(o, "errors", json_integer(f->errors));
	json_object_set_new(o, "gone", json_boolean(f->gone));
	json_object_set_new(o, "items_seen", json_integer(f->items));
	return look_dump(o);
}

void
look_key_clear(struct look_key *k)
{
	free(k->key);
	free(k->label);
	look_figure_clear(&k->cur);
	memset(k, 0, sizeof(*k));
	k->updated = LOOK_NO_TIME;
	k->cur.published = k->cur.first_seen = LOOK_NO_TIME;
}

void
look_keys_free(struct look_keys *ks)
{
	size_t	 i;

	if (ks == NULL)
		return;
	for (i = 0; i < ks->n; i++)
		look_key_clear(&ks->v[i]);
	free(ks->v);
	free(ks);
}

void
look_history_free(struct look_history *h)
{
	size_t	 i;

	if (h == NULL)
		return;
	look_key_clear(&h->k);
	for (i = 0; i < h->nfigs; i++)
		look_figure_clear(&h->figs[i]);
	free(h->figs);
	for (i = 0; i < h->nlog; i++) {
		free(h->log[i].action);
		free(h->log[i].who);
		free(h->log[i].detail);
	}
	free(h->log);
	free(h);
}

void
look_feeds_free(struct look_feeds *fs)
{
	size_t	 i;

	if (fs == NULL)
		return;
	for (i = 0; i < fs->n; i++) {
		free(fs->v[i].url);
		free(fs->v[i].title);
	}
	free(fs->v);
	free(fs);
}

int
look_event_parse(struct look_event *e, const char *json)
{
	json_t	*o;

	memset(e, 0, sizeof(*e));
	if ((o = json_loads(json, 0, NULL)) == NULL || !json_is_object(o)) {
		json_decref(o);
		return -1;
	}
	e->action = look_strdup_json(o, "action");
	e->who = look_strdup_json(o, "who");
	e->detail = look_strdup_json(o, "detail");
	e->at = look_time_parse(json_string_value(json_object_get(o, "at")));
	json_decref(o);
	if (e->action == NULL)
		e->action = xstrdup("?");
	return 0;
}

/* The figure object of an editor's correction, as alerts carry it. */
static json_t *
look_correction_obj(double value, int64_t at, const char *who,
    const char *note)
{
	json_t	*o = json_object();
	char	*title;

	xasprintf(&title, "Correction by %s", who);
	json_object_set_new(o, "value", look_json_num(value));
	json_object_set_new(o, "qualifier", json_string("exact"));
	json_object_set_new(o, "max", json_null());
	json_object_set_new(o, "modality", json_string("actual"));
	json_object_set_new(o, "published", look_json_time(at));
	json_object_set_new(o, "url", json_null());
	json_object_set_new(o, "title", look_json_str(title));
	json_object_set_new(o, "text", look_json_str(note));
	free(title);
	return o;
}

void
look_correction(double value, int64_t at, const char *key, const char *who,
    const char *note, char **figure, char **member, char **alert)
{
	json_t	*m, *a, *f;
	char	 iso[32], ent[256];
	const char *p, *q;

	*figure = look_dump(look_correction_obj(value, at, who, note));
	util_iso8601(at, iso, sizeof(iso));
	m = json_object();
	json_object_set_new(m, "first_seen", json_string(iso));
	json_object_set_new(m, "corrected", json_true());
	json_object_set_new(m, "editor", look_json_str(who));
	json_object_set_new(m, "note", look_json_str(note));
	json_object_update(m, f = look_correction_obj(value, at, who, note));
	json_decref(f);
	*member = look_dump(m);

	a = json_object();
	json_object_set_new(a, "v", json_integer(2));
	json_object_set_new(a, "type", json_string("corrected"));
	json_object_set_new(a, "key", look_json_str(key));
	/* entity/event/unit, entity "-" when the key has none */
	p = strchr(key, '/');
	q = p != NULL ? strchr(p + 1, '/') : NULL;
	if (p != NULL && q != NULL && (size_t)(p - key) < sizeof(ent)) {
		memcpy(ent, key, (size_t)(p - key));
		ent[p - key] = '\0';
		json_object_set_new(a, "entity", strcmp(ent, "-") == 0 ?
		    json_null() : look_json_str(ent));
		json_object_set_new(a, "event",
		    json_stringn(p + 1, (size_t)(q - p - 1)));
		json_object_set_new(a, "unit", look_json_str(q + 1));
	} else {
		json_object_set_new(a, "entity", json_null());
		json_object_set_new(a, "event", json_null());
		json_object_set_new(a, "unit", json_null());
		ent[0] = '\0';
	}
	/* Schema v2's story: the key's scope; the script puts the stored
	   label in when the key has one. */
	if (ent[0] != '\0' && strcmp(ent, "-") != 0) {
		f = json_object();
		json_object_set_new(f, "id", look_json_str(ent));
		json_object_set_new(f, "label", look_json_str(ent));
		json_object_set_new(a, "story", f);
	} else
		json_object_set_new(a, "story", json_null());
	json_object_set_new(a, "sources", json_integer(1));
	json_object_set_new(a, "previous", json_null());
	json_object_set_new(a, "current",
	    look_correction_obj(value, at, who, note));
	json_object_set_new(a, "feed", json_null());
	json_object_set_new(a, "detected_at", json_string(iso));
	*alert = look_dump(a);
}

char *
look_error_json(const char *msg)
{
	json_t	*o = json_object();

	json_object_set_new(o, "error", look_json_str(msg != NULL ? msg :
	    "error"));
	return look_dump(o);
}
