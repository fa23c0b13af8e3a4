/*
 * config_notify: the [notify] section and the [notify NAME] sinks of
 * `claimwatch notify`, kept apart from config.c's table because a sink
 * is a section that repeats under many names.  Pure like the rest of
 * config: values are checked here, nothing is opened or resolved, and a
 * message never repeats a header value or a URL's path, which carry
 * tokens (the first error is all the caller shows, and it reaches logs).
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "config_int.h"
#include "util.h"

#define CONFIG_NOTIFY_MAX	64	/* sinks */
#define CONFIG_NOTIFY_LIST_MAX	64	/* words in one list or command */
#define CONFIG_NOTIFY_NAME_MAX	64

enum config_notify_key {
	CN_TYPE, CN_URL, CN_HEADER, CN_BODY, CN_FORMAT, CN_CONTENT_TYPE,
	CN_COMMAND, CN_TIMEOUT, CN_RETRIES, CN_RETRY_MIN, CN_RETRY_MAX,
	CN_ALLOW_PRIVATE, CN_KEY, CN_ENTITY, CN_EVENT, CN_ALERT_TYPE,
	CN_MIN_CHANGE, CN_DIGEST, CN_START, CN_GROUP, CN_DEAD_LETTER,
	CN_NKEYS
};

/* Index is the enum; header may repeat, the rest may not. */
static const char *const config_notify_keys[] = {
	"type", "url", "header", "body", "format", "content_type",
	"command", "timeout", "retries", "retry_min", "retry_max",
	"allow_private", "key", "entity", "event", "alert_type",
	"min_change", "digest", "start", "group", "dead_letter", NULL
};

bool
config_notify_section(const char *s)
{
	return strncmp(s, "notify", 6) == 0 && (s[6] == '\0' || s[6] == ' ');
}

/* "250ms", "2s", "5m", "1h" or plain seconds, into ms within bounds. */
static int
config_notify_ms(const char *s, long min, long max, long *out, char *msg,
    size_t msglen)
{
	char	*end;
	double	 v, mult = 1000;

	v = strtod(s, &end);
	if (end == s || !isdigit((unsigned char)*s))
		goto bad;
	if (strcmp(end, "ms") == 0)
		mult = 1;
	else if (strcmp(end, "m") == 0)
		mult = 60000;
	else if (strcmp(end, "h") == 0)
		mult = 3600000;
	else if (*end != '\0' && strcmp(end, "s") != 0)
		goto bad;
	v *= mult;
	if (v < (double)min || v > (double)max)
		goto bad;
	*out = (long)v;
	return 0;
bad:
	snprintf(msg, msglen, "expected a duration (250ms, 10s, 5m, 1h) from "
	    "%ld ms to %ld s, not '%.40s'", min, max / 1000, s);
	return -1;
}

/*
 * Splits a value into words at spaces; "double quotes" keep spaces inside
 * one word (no escapes: no shell is ever involved).  New NULL-ended array.
 */
static int
config_notify_words(const char *s, char ***out, size_t *n, char *msg,
    size_t msglen)
{
	struct util_buf	 w = { 0 };
	char		**v = NULL;
	size_t		 k = 0;
	bool		 quote = false, in = false;

	for (;; s++) {
		if (*s == '"') {
			quote = !quote;
			in = true;
			continue;
		}
		if (*s != '\0' && (quote || (*s != ' ' && *s != '\t'))) {
			util_buf_append(&w, s, 1);
			in = true;
			continue;
		}
		if (in) {
			if (k >= CONFIG_NOTIFY_LIST_MAX)
				break;
			v = xreallocarray(v, k + 2, sizeof(*v));
			v[k++] = xstrdup(w.data != NULL ? w.data : "");
			v[k] = NULL;
			util_buf_reset(&w);
			in = false;
		}
		if (*s == '\0')
			break;
	}
	util_buf_free(&w);
	if (quote || k == 0 || k >= CONFIG_NOTIFY_LIST_MAX) {
		snprintf(msg, msglen, quote ? "unbalanced double quote" :
		    k == 0 ? "expected one or more words" :
		    "more than %d words", CONFIG_NOTIFY_LIST_MAX - 1);
		while (k > 0)
			free(v[--k]);
		free(v);
		return -1;
	}
	*out = v;
	*n = k;
	return 0;
}

/* A text body's \n, \t and \\ (an INI value is one line). */
static void
config_notify_unescape(char *s)
{
	char	*o = s;

	for (; *s != '\0'; s++) {
		if (*s == '\\' && (s[1] == 'n' || s[1] == 't' ||
		    s[1] == '\\')) {
			s++;
			*o++ = *s == 'n' ? '\n' : *s == 't' ? '\t' : '\\';
		} else
			*o++ = *s;
	}
	*o = '\0';
}

static struct config_notify *
config_notify_get(struct config *c, const char *name, int line, char *msg,
    size_t msglen)
{
	struct config_notify	*s;
	size_t			 i, len = strlen(name);

	for (i = 0; i < c->nnotify; i++)
		if (strcmp(c->notify[i].name, name) == 0)
			return &c->notify[i];
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) &&
		    strchr("-_.", name[i]) == NULL)
			break;
	if (len == 0 || len > CONFIG_NOTIFY_NAME_MAX || i != len) {
		snprintf(msg, msglen, "sink name '%.64s': expected 1 to %d "
		    "letters, digits, '-', '_' or '.'", name,
		    CONFIG_NOTIFY_NAME_MAX);
		return NULL;
	}
	if (c->nnotify >= CONFIG_NOTIFY_MAX) {
		snprintf(msg, msglen, "more than %d [notify] sinks",
		    CONFIG_NOTIFY_MAX);
		return NULL;
	}
	c->notify = xreallocarray(c->notify, c->nnotify + 1, sizeof(*s));
	s = &c->notify[c->nnotify++];
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(name);
	s->line = line;
	s->kind = -1;
	s->body_json = true;
	s->timeout_ms = 10000;
	s->retries = 8;
	s->retry_min_ms = 1000;
	s->retry_max_ms = 300000;
	s->min_change = -1;
	return s;
}

/* A header line "Name: value" with a token name; the value is secret. */
static int
config_notify_header(struct config_notify *s, const char *v, char *msg,
    size_t msglen)
{
	const char	*colon = strchr(v, ':'), *p;

	for (p = v; colon != NULL && p < colon; p++)
		if (!isalnum((unsigned char)*p) && *p != '-')
			break;
	if (colon == NULL || colon == v || p != colon ||
	    strpbrk(v, "\r\n") != NULL || s->nheaders >= 32) {
		snprintf(msg, msglen, "expected 'Name: value' (at most 32; "
		    "the value is not shown)");
		return -1;
	}
	s->headers = xreallocarray(s->headers, s->nheaders + 2,
	    sizeof(*s->headers));
	s->headers[s->nheaders++] = xstrdup(v);
	s->headers[s->nheaders] = NULL;
	return 0;
}

static int
config_notify_list(char ***field, size_t *n, const char *v, char *msg,
    size_t msglen)
{
	if (*field != NULL) {
		snprintf(msg, msglen, "is set twice");
		return -1;
	}
	return config_notify_words(v, field, n, msg, msglen);
}

static int
config_notify_string(char **field, const char *v, char *msg, size_t msglen)
{
	if (*field != NULL) {
		snprintf(msg, msglen, "is set twice");
		return -1;
	}
	*field = xstrdup(v);
	return 0;
}

static int
config_notify_url(struct config_notify *s, const char *v, char *msg,
    size_t msglen)
{
	char	 show[128];

	util_url_origin(v, show, sizeof(show));
	if ((strncasecmp(v, "http://", 7) != 0 &&
	    strncasecmp(v, "https://", 8) != 0) || strlen(v) > 2048 ||
	    strpbrk(v, " \t\r\n") != NULL) {
		snprintf(msg, msglen, "expected an http:// or https:// URL, "
		    "not '%s'", show);
		return -1;
	}
	return config_notify_string(&s->url, v, msg, msglen);
}

/* The keys that choose what a sink delivers, and when. */
static int
config_notify_set_filter(struct config_notify *s, enum config_notify_key k,
    const char *v, char *msg, size_t msglen)
{
	switch (k) {
	case CN_KEY:
		return config_notify_list(&s->keys, &s->nkeys, v, msg, msglen);
	case CN_ENTITY:
		return config_notify_list(&s->entities, &s->nentities, v, msg,
		    msglen);
	case CN_EVENT:
		return config_notify_list(&s->events, &s->nevents, v, msg,
		    msglen);
	case CN_ALERT_TYPE:
		return config_notify_list(&s->types, &s->ntypes, v, msg,
		    msglen);
	case CN_MIN_CHANGE:
		return config_parse_double(v, true, &s->min_change, msg,
		    msglen);
	case CN_DIGEST:
		return config_notify_ms(v, 1000, 86400000, &s->digest_ms, msg,
		    msglen);
	case CN_START:
		if (strcmp(v, "new") != 0 && strcmp(v, "all") != 0) {
			snprintf(msg, msglen, "expected new or all");
			return -1;
		}
		s->from_start = strcmp(v, "all") == 0;
		return 0;
	default:
		break;
	}
	return -1;
}

static int
config_notify_set_key(struct config_notify *s, enum config_notify_key k,
    const char *v, char *msg, size_t msglen)
{
	long	 n;

	switch (k) {
	case CN_TYPE:
		if (strcmp(v, "webhook") == 0)
			s->kind = CONFIG_NOTIFY_WEBHOOK;
		else if (strcmp(v, "exec") == 0)
			s->kind = CONFIG_NOTIFY_EXEC;
		else {
			snprintf(msg, msglen, "expected webhook or exec, not "
			    "'%.40s'", v);
			return -1;
		}
		return 0;
	case CN_URL:
		return config_notify_url(s, v, msg, msglen);
	case CN_HEADER:
		return config_notify_header(s, v, msg, msglen);
	case CN_BODY:
		return config_notify_string(&s->body, v, msg, msglen);
	case CN_FORMAT:
		if (strcmp(v, "json") != 0 && strcmp(v, "text") != 0) {
			snprintf(msg, msglen, "expected json or text");
			return -1;
		}
		s->body_json = strcmp(v, "json") == 0;
		return 0;
	case CN_CONTENT_TYPE:
		if (config_parse_token(v, 128, msg, msglen) == -1)
			return -1;
		return config_notify_string(&s->content_type, v, msg, msglen);
	case CN_COMMAND:
		if (config_notify_list(&s->argv, &s->argc, v, msg, msglen) ==
		    -1)
			return -1;
		if (s->argv[0][0] != '/') {
			snprintf(msg, msglen, "the program must be an absolute "
			    "path (no shell, no PATH search), not '%.80s'",
			    s->argv[0]);
			return -1;
		}
		return 0;
	case CN_TIMEOUT:
		return config_notify_ms(v, 100, 3600000, &s->timeout_ms, msg,
		    msglen);
	case CN_RETRIES:
		if (config_parse_long(v, 0, 1000, &n, msg, msglen) == -1)
			return -1;
		s->retries = (int)n;
		return 0;
	case CN_RETRY_MIN:
		return config_notify_ms(v, 10, 3600000, &s->retry_min_ms, msg,
		    msglen);
	case CN_RETRY_MAX:
		return config_notify_ms(v, 10, 86400000, &s->retry_max_ms,
		    msg, msglen);
	case CN_ALLOW_PRIVATE:
		return config_parse_bool(v, &s->allow_private, msg, msglen);
	case CN_GROUP:
	case CN_DEAD_LETTER:
		if (config_parse_token(v, 128, msg, msglen) == -1)
			return -1;
		return config_notify_string(k == CN_GROUP ? &s->group :
		    &s->dead_letter, v, msg, msglen);
	default:
		return config_notify_set_filter(s, k, v, msg, msglen);
	}
}

/* [notify] itself: settings of the notify service, not of a sink. */
static int
config_notify_global(struct config *c, const char *name, const char *v,
    char *msg, size_t msglen)
{
	char	**field;

	if (strcmp(name, "listen") == 0) {
		if (config_parse_listen(v, msg, msglen) == -1)
			return -1;
		field = &c->notify_listen;
	} else if (strcmp(name, "claim_idle") == 0) {
		if (strcmp(v, "0") == 0) {
			c->notify_claim_idle_ms = 0;
			return 0;
		}
		return config_notify_ms(v, 1000, 86400000,
		    &c->notify_claim_idle_ms, msg, msglen);
	} else if (strcmp(name, "consumer") == 0) {
		if (config_parse_token(v, 64, msg, msglen) == -1)
			return -1;
		field = &c->notify_consumer;
	} else {
		snprintf(msg, msglen, "unknown key '%.64s' in [notify] (known: "
		    "listen consumer claim_idle; sinks go in [notify NAME])",
		    name);
		return -1;
	}
	return config_notify_string(field, v, msg, msglen);
}

int
config_notify_begin(struct config *c, const char *section, int line,
    char *msg, size_t msglen)
{
	if (section[6] == '\0')
		return 0;
	return config_notify_get(c, section + 7, line, msg, msglen) != NULL ?
	    0 : -1;
}

int
config_notify_set(struct config *c, const char *section, const char *name,
    const char *value, int line, char *msg, size_t msglen)
{
	struct config_notify	*s;
	const char		*hint;
	char			 m[CONFIG_ERR_LEN];
	int			 k;

	if (section[6] == '\0')
		return config_notify_global(c, name, value, msg, msglen);
	if ((s = config_notify_get(c, section + 7, line, msg, msglen)) ==
	    NULL)
		return -1;
	for (k = 0; k < CN_NKEYS; k++)
		if (strcmp(config_notify_keys[k], name) == 0)
			break;
	if (k == CN_NKEYS) {
		hint = config_suggest(name, config_notify_keys);
		snprintf(msg, msglen, "unknown key '%.64s' in [%s]%s%s%s", name,
		    section, hint != NULL ? " (did you mean '" : "",
		    hint != NULL ? hint : "", hint != NULL ? "'?)" : "");
		return -1;
	}
	if (k != CN_HEADER && (s->set & (1UL << k)) != 0) {
		snprintf(msg, msglen, "'%s' is set twice in [%s]", name,
		    section);
		return -1;
	}
	s->set |= 1UL << k;
	if (config_notify_set_key(s, k, value, m, sizeof(m)) == -1) {
		snprintf(msg, msglen, "%s: %s", name, m);
		return -1;
	}
	return 0;
}

/*
 * The first thing a sink lacks, or NULL when it is complete.  A key that
 * was given with a bad value has had its message already.
 */
static const char *
config_notify_lack(const struct config_notify *s)
{
#define CN_GIVEN(k)	((s->set & (1UL << (k))) != 0)
	if (!CN_GIVEN(CN_TYPE))
		return "has no 'type' (webhook or exec)";
	if (s->kind == CONFIG_NOTIFY_WEBHOOK && !CN_GIVEN(CN_URL))
		return "is a webhook without 'url'";
	if (s->kind == CONFIG_NOTIFY_EXEC && !CN_GIVEN(CN_COMMAND))
		return "is an exec sink without 'command'";
#undef CN_GIVEN
	if (s->retry_max_ms < s->retry_min_ms)
		return "has retry_max below retry_min";
	return NULL;
}

/* Each sink has what its type needs; names default from the stream. */
void
config_notify_finish(struct config *c, config_notify_fail fail, void *arg)
{
	struct config_notify	*s;
	const char		*lack;
	char			 msg[CONFIG_ERR_LEN];
	size_t			 i;

	for (i = 0; i < c->nnotify; i++) {
		s = &c->notify[i];
		if ((lack = config_notify_lack(s)) != NULL) {
			snprintf(msg, sizeof(msg), "[notify %s] %s", s->name,
			    lack);
			fail(arg, s->line, msg);
		}
		/* A JSON body keeps its \n: JSON itself reads it. */
		if (s->body != NULL && !s->body_json)
			config_notify_unescape(s->body);
		if (s->group == NULL)
			xasprintf(&s->group, "cw-notify-%s", s->name);
		if (s->dead_letter == NULL)
			xasprintf(&s->dead_letter, "%s:dead:%s",
			    c->stream != NULL ? c->stream : c->channel,
			    s->name);
		if (s->content_type == NULL)
			s->content_type = xstrdup("application/json");
	}
}

static void
config_notify_strv_free(char **v)
{
	size_t	 i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

void
config_notify_free(struct config *c)
{
	struct config_notify	*s;
	size_t			 i;

	for (i = 0; i < c->nnotify; i++) {
		s = &c->notify[i];
		free(s->name);
		free(s->url);
		config_notify_strv_free(s->headers);
		free(s->body);
		free(s->content_type);
		config_notify_strv_free(s->argv);
		config_notify_strv_free(s->keys);
		config_notify_strv_free(s->entities);
		config_notify_strv_free(s->events);
		config_notify_strv_free(s->types);
		free(s->group);
		free(s->dead_letter);
	}
	free(c->notify);
	free(c->notify_listen);
	free(c->notify_consumer);
}
