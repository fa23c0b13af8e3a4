/*
 * config: the daemon's INI file, read with libinih, checked key by key
 * against one table of known settings (unknown sections and keys are
 * errors with a "did you mean"), then the feed list it names
 * (config_feeds.c).  inih as built by Debian cannot pass line numbers to
 * the handler, so the file goes to inih through our own line reader, which
 * counts lines and checks section headers as it goes; every message is
 * "FILE:LINE: message".  Pure: it reads the files it is asked to and
 * never logs, never touches the loop and never exits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "config.h"
#include "config_int.h"
#include "fetch.h"
#include "log.h"
#include "store.h"
#include "util.h"

#ifndef CW_DATADIR
#define CW_DATADIR	"/usr/local/share/claimwatch"
#endif
#ifndef CW_VERSION
#define CW_VERSION	"0"
#endif
#define CONFIG_WATCH_MAX	1000

enum config_kind {
	CONFIG_K_STRING,	/* printable text, spaces allowed */
	CONFIG_K_TOKEN,		/* printable, no spaces */
	CONFIG_K_PATH,		/* resolved against the file's directory */
	CONFIG_K_INT,		/* int in [min, max] */
	CONFIG_K_LONG,		/* long in [min, max] */
	CONFIG_K_DURATION,	/* int seconds, s/m/h/d suffix */
	CONFIG_K_SIZE,		/* long bytes, K/M/G suffix */
	CONFIG_K_BOOL,
	CONFIG_K_DOUBLE,	/* >= 0 */
	CONFIG_K_FRACTION,	/* 0 to 1, or 0% to 100% */
	CONFIG_K_REDIS_URL,
	CONFIG_K_REDIS_CLUSTER,	/* seed nodes: sets the url */
	CONFIG_K_PROTOCOLS,
	CONFIG_K_LANG,
	CONFIG_K_LOG_LEVEL,
	CONFIG_K_LISTEN,
	CONFIG_K_PROXY,		/* a URL, or "none": stored as "" */
	CONFIG_K_RESOLVER,	/* ADDR[:PORT] of a nameserver */
	CONFIG_K_WATCH		/* may repeat */
};

struct config_key {
	const char	*section;
	const char	*name;
	enum config_kind kind;
	size_t		 off;	/* field in struct config */
	long		 min;
	long		 max;
};

#define CONFIG_OFF(f)	offsetof(struct config, f)

/* Every setting; defaults are in config_defaults and claimwatch.conf. */
static const struct config_key config_keys[] = {
	{ "redis", "url", CONFIG_K_REDIS_URL, CONFIG_OFF(redis_url), 0, 0 },
	{ "redis", "cluster", CONFIG_K_REDIS_CLUSTER, CONFIG_OFF(redis_url),
	    0, 0 },
	{ "redis", "password", CONFIG_K_STRING, CONFIG_OFF(redis_password),
	    0, 512 },
	{ "redis", "prefix", CONFIG_K_TOKEN, CONFIG_OFF(prefix), 0, 64 },
	{ "redis", "channel", CONFIG_K_TOKEN, CONFIG_OFF(channel), 0, 128 },
	{ "redis", "stream", CONFIG_K_TOKEN, CONFIG_OFF(stream), 0, 128 },
	{ "redis", "stream_maxlen", CONFIG_K_LONG, CONFIG_OFF(stream_maxlen),
	    1, 100000000 },
	{ "redis", "seen_max", CONFIG_K_LONG, CONFIG_OFF(seen_max), 10,
	    10000000 },
	{ "feeds", "list", CONFIG_K_PATH, CONFIG_OFF(feeds_list), 0, 0 },
	{ "poll", "interval", CONFIG_K_DURATION, CONFIG_OFF(interval),
	    CONFIG_INTERVAL_MIN, CONFIG_INTERVAL_MAX },
	{ "poll", "min_interval", CONFIG_K_DURATION,
	    CONFIG_OFF(min_interval), 1, CONFIG_INTERVAL_MAX },
	{ "poll", "max_interval", CONFIG_K_DURATION,
	    CONFIG_OFF(max_interval), CONFIG_INTERVAL_MIN,
	    CONFIG_INTERVAL_MAX },
	{ "poll", "connect_timeout", CONFIG_K_DURATION,
	    CONFIG_OFF(connect_timeout), 1, 300 },
	{ "poll", "timeout", CONFIG_K_DURATION, CONFIG_OFF(timeout), 1,
	    3600 },
	{ "poll", "max_body", CONFIG_K_SIZE, CONFIG_OFF(max_body), 1024,
	    1024L * 1024 * 1024 },
	{ "poll", "max_redirects", CONFIG_K_INT, CONFIG_OFF(max_redirects),
	    0, 20 },
	{ "poll", "max_per_host", CONFIG_K_INT, CONFIG_OFF(max_per_host), 1,
	    1000 },
	{ "poll", "max_total", CONFIG_K_INT, CONFIG_OFF(max_total), 1,
	    65536 },
	{ "poll", "max_failures", CONFIG_K_INT, CONFIG_OFF(max_failures), 1,
	    1000 },
	{ "poll", "user_agent", CONFIG_K_STRING, CONFIG_OFF(user_agent), 0,
	    256 },
	{ "poll", "allow_private", CONFIG_K_BOOL, CONFIG_OFF(allow_private),
	    0, 0 },
	{ "poll", "protocols", CONFIG_K_PROTOCOLS, CONFIG_OFF(protocols), 0,
	    0 },
	{ "poll", "proxy", CONFIG_K_PROXY, CONFIG_OFF(proxy), 0, 0 },
	{ "poll", "resolver", CONFIG_K_RESOLVER, CONFIG_OFF(resolver), 0,
	    0 },
	{ "extract", "lexicon_dir", CONFIG_K_PATH, CONFIG_OFF(lexicon_dir),
	    0, 0 },
	{ "extract", "lang", CONFIG_K_LANG, CONFIG_OFF(lang), 0, 0 },
	{ "extract", "gazetteer_dir", CONFIG_K_PATH,
	    CONFIG_OFF(gazetteer_dir), 0, 0 },
	{ "alerts", "tolerance_abs", CONFIG_K_DOUBLE,
	    CONFIG_OFF(tolerance_abs), 0, 0 },
	{ "alerts", "tolerance_rel", CONFIG_K_FRACTION,
	    CONFIG_OFF(tolerance_rel), 0, 0 },
	{ "alerts", "corroborated", CONFIG_K_BOOL, CONFIG_OFF(corroborated),
	    0, 0 },
	{ "alerts", "watch", CONFIG_K_WATCH, 0, 0, 0 },
	{ "alerts", "max_age", CONFIG_K_DURATION, CONFIG_OFF(max_age), 0,
	    3650L * 86400 },
	{ "http", "listen", CONFIG_K_LISTEN, CONFIG_OFF(http_listen), 0, 0 },
	{ "http", "token", CONFIG_K_STRING, CONFIG_OFF(http_token), 0, 256 },
	{ "daemon", "state_dir", CONFIG_K_PATH, CONFIG_OFF(state_dir), 0,
	    0 },
	{ "daemon", "log_level", CONFIG_K_LOG_LEVEL, CONFIG_OFF(log_level),
	    0, 0 },
};
#define CONFIG_NKEYS	(sizeof(config_keys) / sizeof(config_keys[0]))

static const char *const config_sections[] = {
	"redis", "feeds", "poll", "extract", "alerts", "http", "daemon",
	"notify", NULL
};
#define CONFIG_NSECTIONS (sizeof(config_sections) / \
	sizeof(config_sections[0]) - 1)

/* One error of the INI file, kept to be sorted by line. */
struct config_msg {
	int	 line;		/* 0 when the error has no line */
	size_t	 seq;		/* order found, for equal lines */
	char	*text;
};

/* One parse: the input, where the reader is, and every error. */
struct config_parse {
	struct config	*cfg;
	const char	*buf;		/* the whole file, NUL-terminated */
	const char	*pos;		/* next line for the reader */
	int		 line;		/* line the reader last returned */
	int		 key_line[CONFIG_NKEYS];
	int		 section_line[CONFIG_NSECTIONS];
	bool		 failed;
	struct config_msg *msgs;	/* the INI file's errors */
	size_t		 nmsgs;
	int		 syntax_line;	/* last line the reader called bad */
	/* watches whose tolerances come from [alerts] defaults */
	bool		*watch_abs_set;
	bool		*watch_rel_set;
	char		*long_value;	/* the value of a line too long for
					   inih, handed over as CONFIG_LONG */
};

/*
 * Debian's libinih is built with a 200-byte line buffer, too short for
 * the documented 256-character user_agent or 512-character password.
 * The reader hands inih "key = CONFIG_LONG" for such a line and keeps its
 * value; the handler swaps it back in.
 */
#define CONFIG_LONG	"\x01long\x01"

static void
config_defaults(struct config *c)
{
	c->redis_url = xstrdup(STORE_DEFAULT_URL);
	c->prefix = xstrdup(STORE_DEFAULT_PREFIX);
	c->channel = xstrdup(STORE_DEFAULT_CHANNEL);
	c->stream_maxlen = STORE_STREAM_MAXLEN;
	c->seen_max = STORE_SEEN_MAX;
	c->interval = 300;
	c->min_interval = 60;
	c->max_interval = 86400;
	c->connect_timeout = 10;
	c->timeout = 30;
	c->max_body = FETCH_MAX_BODY;
	c->max_redirects = 5;
	c->max_per_host = 4;
	c->max_total = FETCH_MAX_TOTAL;
	c->max_failures = 5;
	c->user_agent = xstrdup(FETCH_USER_AGENT);
	c->allow_private = false;
	c->protocols = FETCH_PROTO_HTTP | FETCH_PROTO_HTTPS;
	c->lexicon_dir = xstrdup(CW_DATADIR "/lexicon");
	c->lang = xstrdup("auto");
	c->max_age = 2 * 86400;
	c->http_listen = xstrdup("127.0.0.1:9187");
	c->state_dir = xstrdup("/var/lib/claimwatch");
	c->log_level = LOG_LEVEL_NOTICE;
	c->notify_claim_idle_ms = 300000;
}

/*
 * Records an error and goes on (OpenBSD parse.y style: count, continue),
 * so that one run lists every mistake; one per line, as a line's later
 * complaints are echoes of its first.
 */
static void
config_fail(struct config_parse *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
config_fail(struct config_parse *p, int line, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 i;

	for (i = 0; i < p->nmsgs && line != 0; i++)
		if (p->msgs[i].line == line)
			return;
	p->failed = true;
	p->msgs = xreallocarray(p->msgs, p->nmsgs + 1, sizeof(*p->msgs));
	p->msgs[p->nmsgs].line = line;
	p->msgs[p->nmsgs].seq = p->nmsgs;
	va_start(ap, fmt);
	xvasprintf(&p->msgs[p->nmsgs].text, fmt, ap);
	va_end(ap);
	p->nmsgs++;
}

/* A line inih will refuse: not blank, comment, section or key = value.
   Indented lines may continue a value and are left to inih. */
static void
config_check_syntax(struct config_parse *p, const char *s, size_t len)
{
	size_t	 n = len;

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' ||
	    s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0 || s[0] == ' ' || s[0] == '\t' || s[0] == ';' ||
	    s[0] == '#' || (s[0] == '[' && memchr(s, ']', n) != NULL) ||
	    (s[0] != '[' && (memchr(s, '=', n) != NULL ||
	    memchr(s, ':', n) != NULL)))
		return;
	p->syntax_line = p->line;
	config_fail(p, p->line, "syntax error: expected '[section]', "
	    "'key = value' or a comment");
}

static int
config_section_index(const char *name)
{
	size_t	 i;

	for (i = 0; config_sections[i] != NULL; i++)
		if (strcmp(name, config_sections[i]) == 0)
			return (int)i;
	return -1;
}

/* Section headers are checked here: inih tells the handler of keys only. */
static void
config_check_header(struct config_parse *p, const char *s, size_t len)
{
	const char	*end, *hint;
	char		 name[128], msg[CONFIG_ERR_LEN];
	size_t		 n;
	int		 i;

	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	if (len == 0 || *s != '[' || (end = memchr(s, ']', len)) == NULL)
		return;	/* a key, a comment, or a syntax error for inih */
	n = (size_t)(end - s - 1);
	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, s + 1, n);
	name[n] = '\0';
	/* Taken as inih takes it, spaces and all, or the two disagree. */
	if (config_notify_section(name)) {
		if (config_notify_begin(p->cfg, name, p->line, msg,
		    sizeof(msg)) == -1)
			config_fail(p, p->line, "%s", msg);
		return;
	}
	if ((i = config_section_index(name)) >= 0) {
		if (p->section_line[i] == 0)
			p->section_line[i] = p->line;
		return;
	}
	if ((hint = config_suggest(name, config_sections)) != NULL)
		config_fail(p, p->line, "unknown section [%s] (did you mean "
		    "[%s]?)", name, hint);
	else
		config_fail(p, p->line, "unknown section [%s] (known: redis "
		    "feeds poll extract alerts http daemon notify)", name);
}

/*
 * A line longer than inih's buffer: a comment is dropped, "key = value"
 * goes over as "key = CONFIG_LONG" with the value kept aside (trimmed,
 * without an inline "; comment", as inih would), anything else is an
 * error.
 */
static void
config_reader_long(struct config_parse *p, char *str, size_t max,
    size_t len)
{
	const char	*s = p->pos, *end = p->pos + len, *eq, *v, *c;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	str[0] = '\n';
	str[1] = '\0';
	if (s < end && (*s == ';' || *s == '#'))
		return;
	eq = memchr(s, '=', (size_t)(end - s));
	if (*s == '[' || eq == NULL || (size_t)(eq - p->pos) + 1 +
	    sizeof(CONFIG_LONG) + 1 > max) {
		config_fail(p, p->line, "line longer than %zu characters",
		    max - 1);
		return;
	}
	for (v = eq + 1; v < end && (*v == ' ' || *v == '\t'); v++)
		;
	for (c = v; c < end; c++)
		if (*c == ';' && (c[-1] == ' ' || c[-1] == '\t'))
			break;
	end = c;
	while (end > v && strchr(" \t\r\n", end[-1]) != NULL)
		end--;
	p->long_value = xstrndup(v, (size_t)(end - v));
	snprintf(str, max + 1, "%.*s= %s\n", (int)(eq - p->pos), p->pos,
	    CONFIG_LONG);
}

/* inih's fgets: one line per call, so p->line is the handler's line. */
static char *
config_reader(char *str, int num, void *arg)
{
	struct config_parse	*p = arg;
	const char		*nl;
	size_t			 len, max = (size_t)num - 1;

	if (*p->pos == '\0')
		return NULL;
	p->line++;
	nl = strchr(p->pos, '\n');
	len = nl != NULL ? (size_t)(nl - p->pos) + 1 : strlen(p->pos);
	free(p->long_value);
	p->long_value = NULL;
	if (len > max)
		config_reader_long(p, str, max, len);
	else {
		memcpy(str, p->pos, len);
		str[len] = '\0';
		config_check_syntax(p, p->pos, len);
		config_check_header(p, p->pos, len);
	}
	p->pos += len;
	return str;
}

static void
config_set_string(struct config *c, size_t off, const char *value)
{
	char	**field = (char **)((char *)c + off);

	free(*field);
	*field = xstrdup(value);
}

static int
config_set_watch(struct config_parse *p, const char *value, char *msg,
    size_t msglen)
{
	struct config		*c = p->cfg;
	struct config_watch	*w;
	char			*copy, *tok[4], *save = NULL;
	size_t			 n = 0;
	int			 rc = -1;

	if (c->nwatches >= CONFIG_WATCH_MAX) {
		snprintf(msg, msglen, "more than %d watch lines",
		    CONFIG_WATCH_MAX);
		return -1;
	}
	copy = xstrdup(value);
	for (tok[n] = strtok_r(copy, " \t", &save); tok[n] != NULL && n < 3;
	    tok[n] = strtok_r(NULL, " \t", &save))
		n++;
	if (n == 0 || tok[n] != NULL) {
		snprintf(msg, msglen, "expected 'GLOB [ABS [REL]]', not "
		    "'%.80s'", value);
		goto out;
	}
	c->watches = xreallocarray(c->watches, c->nwatches + 1,
	    sizeof(*c->watches));
	p->watch_abs_set = xreallocarray(p->watch_abs_set, c->nwatches + 1,
	    sizeof(bool));
	p->watch_rel_set = xreallocarray(p->watch_rel_set, c->nwatches + 1,
	    sizeof(bool));
	w = &c->watches[c->nwatches];
	memset(w, 0, sizeof(*w));
	p->watch_abs_set[c->nwatches] = n >= 2;
	p->watch_rel_set[c->nwatches] = n >= 3;
	w->pattern = xstrdup(tok[0]);
	c->nwatches++;
	if (config_parse_token(tok[0], 256, msg, msglen) == -1)
		goto out;
	if (n >= 2 && config_parse_double(tok[1], false, &w->tolerance_abs,
	    msg, msglen) == -1)
		goto out;
	if (n >= 3 && (config_parse_double(tok[2], true, &w->tolerance_rel,
	    msg, msglen) == -1 || w->tolerance_rel > 1.0)) {
		if (w->tolerance_rel > 1.0)
			snprintf(msg, msglen, "relative tolerance must be "
			    "from 0 to 1 (or 0%% to 100%%), not '%.80s'",
			    tok[2]);
		goto out;
	}
	rc = 0;
out:
	free(copy);
	return rc;
}

/* The numeric kinds of config_set: value into field, or -1. */
static int
config_set_number(const struct config_key *k, const char *value,
    char *field, char *msg, size_t msglen)
{
	long	 v;
	double	 d;

	switch (k->kind) {
	case CONFIG_K_INT:
	case CONFIG_K_LONG:
		if (config_parse_long(value, k->min, k->max, &v, msg,
		    msglen) == -1)
			return -1;
		break;
	case CONFIG_K_DURATION:
		if (config_parse_duration(value, k->min, k->max, &v, msg,
		    msglen) == -1)
			return -1;
		break;
	case CONFIG_K_SIZE:
		if (config_parse_size(value, k->min, k->max, &v, msg,
		    msglen) == -1)
			return -1;
		break;
	default:	/* CONFIG_K_DOUBLE, CONFIG_K_FRACTION */
		if (config_parse_double(value, k->kind == CONFIG_K_FRACTION,
		    &d, msg, msglen) == -1)
			return -1;
		if (k->kind == CONFIG_K_FRACTION && d > 1.0) {
			snprintf(msg, msglen, "expected a fraction from 0 to "
			    "1 (or 0%% to 100%%), not '%.80s'", value);
			return -1;
		}
		*(double *)field = d;
		return 0;
	}
	if (k->kind == CONFIG_K_LONG || k->kind == CONFIG_K_SIZE)
		*(long *)field = v;
	else
		*(int *)field = (int)v;
	return 0;
}

/*
 * [redis] url (a redis:// or unix:// URL, or redis+cluster://NODES) and
 * cluster (NODES alone): a cluster is kept as redis+cluster://NODES with
 * the scheme in lower case, since the store and tail tell a cluster by
 * it and REDIS+CLUSTER:// must start as it checks.
 */
static int
config_set_redis(struct config *c, const struct config_key *k,
    const char *value, char *msg, size_t msglen)
{
	const char	*nodes = value;
	char		*url;

	if (k->kind == CONFIG_K_REDIS_URL) {
		if (config_parse_redis_url(value, msg, msglen) == -1)
			return -1;
		if ((nodes = util_redis_cluster_nodes(value)) == NULL) {
			config_set_string(c, k->off, value);
			return 0;
		}
	}
	if (config_parse_cluster_nodes(nodes, msg, msglen) == -1)
		return -1;
	xasprintf(&url, UTIL_REDIS_CLUSTER "%s", nodes);
	config_set_string(c, k->off, url);
	free(url);
	return 0;
}

/* Parses value for key k into the config; -1 with a message. */
static int
config_set(struct config_parse *p, const struct config_key *k,
    const char *value, char *msg, size_t msglen)
{
	struct config	*c = p->cfg;
	char		*field = (char *)c + k->off;
	int		 level;

	switch (k->kind) {
	case CONFIG_K_STRING:
		if (*value == '\0' || strlen(value) > (size_t)k->max ||
		    strpbrk(value, "\r\n") != NULL) {
			snprintf(msg, msglen, "expected 1 to %ld characters",
			    k->max);
			return -1;
		}
		config_set_string(c, k->off, value);
		return 0;
	case CONFIG_K_TOKEN:
		if (config_parse_token(value, (size_t)k->max, msg, msglen) ==
		    -1)
			return -1;
		config_set_string(c, k->off, value);
		return 0;
	case CONFIG_K_PATH:
		if (*value == '\0') {
			snprintf(msg, msglen, "expected a path");
			return -1;
		}
		config_set_string(c, k->off, value);
		return 0;
	case CONFIG_K_INT:
	case CONFIG_K_LONG:
	case CONFIG_K_DURATION:
	case CONFIG_K_SIZE:
	case CONFIG_K_DOUBLE:
	case CONFIG_K_FRACTION:
		return config_set_number(k, value, field, msg, msglen);
	case CONFIG_K_BOOL:
		return config_parse_bool(value, (bool *)field, msg, msglen);
	case CONFIG_K_REDIS_URL:
	case CONFIG_K_REDIS_CLUSTER:
		return config_set_redis(c, k, value, msg, msglen);
	case CONFIG_K_PROTOCOLS:
		return config_parse_protocols(value, (unsigned *)field, msg,
		    msglen);
	case CONFIG_K_LANG:
		if (config_parse_lang(value, true, msg, msglen) == -1)
			return -1;
		config_set_string(c, k->off, value);
		return 0;
	case CONFIG_K_LOG_LEVEL:
		if ((level = log_level_parse(value)) == -1) {
			snprintf(msg, msglen, "expected error, warning, "
			    "notice, info or debug, not '%.80s'", value);
			return -1;
		}
		*(int *)field = level;
		return 0;
	case CONFIG_K_LISTEN:
		if (config_parse_listen(value, msg, msglen) == -1)
			return -1;
		config_set_string(c, k->off, value);
		return 0;
	case CONFIG_K_PROXY:
		if (config_parse_proxy(value, msg, msglen) == -1)
			return -1;
		config_set_string(c, k->off, strcmp(value, "none") == 0 ? "" :
		    value);
		return 0;
	case CONFIG_K_RESOLVER:
		if (config_parse_resolver(value, msg, msglen) == -1)
			return -1;
		config_set_string(c, k->off, value);
		return 0;
	case CONFIG_K_WATCH:
		return config_set_watch(p, value, msg, msglen);
	}
	return 0;
}

/* The key's names in one section, for suggestions. */
static void
config_section_keys(const char *section, const char **names, size_t max)
{
	size_t	 i, n = 0;

	for (i = 0; i < CONFIG_NKEYS && n + 1 < max; i++)
		if (strcmp(config_keys[i].section, section) == 0)
			names[n++] = config_keys[i].name;
	names[n] = NULL;
}

static void
config_unknown_key(struct config_parse *p, const char *section,
    const char *name)
{
	const char	*names[CONFIG_NKEYS + 1], *hint;
	size_t		 i;

	config_section_keys(section, names, CONFIG_NKEYS + 1);
	if ((hint = config_suggest(name, names)) != NULL) {
		config_fail(p, p->line, "unknown key '%.64s' in [%s] (did you "
		    "mean '%s'?)", name, section, hint);
		return;
	}
	/* Right name, wrong place: say where it goes. */
	for (i = 0; i < CONFIG_NKEYS; i++)
		if (strcmp(config_keys[i].name, name) == 0) {
			config_fail(p, p->line, "unknown key '%s' in [%s] "
			    "(it belongs in [%s])", name, section,
			    config_keys[i].section);
			return;
		}
	config_fail(p, p->line, "unknown key '%.64s' in [%s]", name, section);
}

static int
config_handler(void *arg, const char *section, const char *name,
    const char *value)
{
	struct config_parse	*p = arg;
	const struct config_key	*k = NULL;
	char			 msg[CONFIG_ERR_LEN];
	size_t			 i;

	if (p->long_value != NULL && strcmp(value, CONFIG_LONG) == 0)
		value = p->long_value;
	if (*section == '\0') {
		config_fail(p, p->line, "'%.64s' comes before any [section]",
		    name);
		return 1;
	}
	if (config_notify_section(section)) {
		if (config_notify_set(p->cfg, section, name, value, p->line,
		    msg, sizeof(msg)) == -1)
			config_fail(p, p->line, "%s", msg);
		return 1;
	}
	if (config_section_index(section) == -1)
		return 1;	/* its header was reported */
	for (i = 0; i < CONFIG_NKEYS; i++)
		if (strcmp(config_keys[i].section, section) == 0 &&
		    strcmp(config_keys[i].name, name) == 0) {
			k = &config_keys[i];
			break;
		}
	if (k == NULL) {
		config_unknown_key(p, section, name);
		return 1;
	}
	if (p->key_line[i] != 0 && k->kind != CONFIG_K_WATCH) {
		config_fail(p, p->line, "'%s' is set twice in [%s] (first at "
		    "line %d)", name, section, p->key_line[i]);
		return 1;
	}
	p->key_line[i] = p->line;
	if (config_set(p, k, value, msg, sizeof(msg)) == -1)
		config_fail(p, p->line, "%s: %s", name, msg);
	return 1;
}

static int
config_key_line(const struct config_parse *p, const char *name)
{
	size_t	 i;

	for (i = 0; i < CONFIG_NKEYS; i++)
		if (strcmp(config_keys[i].name, name) == 0)
			return p->key_line[i];
	return 0;
}

/* Settings that only make sense together. */
static void
config_check_poll(struct config_parse *p)
{
	struct config	*c = p->cfg;
	int		 line;

	line = config_key_line(p, "min_interval");
	if (c->min_interval > c->interval) {
		if (line == 0)
			line = config_key_line(p, "interval");
		config_fail(p, line, "min_interval (%ds) is above interval "
		    "(%ds)", c->min_interval, c->interval);
	}
	line = config_key_line(p, "max_interval");
	if (c->max_interval < c->interval) {
		if (line == 0)
			line = config_key_line(p, "interval");
		config_fail(p, line, "max_interval (%ds) is below interval "
		    "(%ds)", c->max_interval, c->interval);
	}
	line = config_key_line(p, "connect_timeout");
	if (c->connect_timeout > c->timeout) {
		if (line == 0)
			line = config_key_line(p, "timeout");
		config_fail(p, line, "connect_timeout (%ds) is above timeout "
		    "(%ds)", c->connect_timeout, c->timeout);
	}
}

static void
config_finish(struct config_parse *p, const char *dir)
{
	struct config	*c = p->cfg;
	char		*s;
	size_t		 i;

	if (c->stream == NULL)
		c->stream = xstrdup(c->channel);
	for (i = 0; i < c->nwatches; i++) {
		if (!p->watch_abs_set[i])
			c->watches[i].tolerance_abs = c->tolerance_abs;
		if (!p->watch_rel_set[i])
			c->watches[i].tolerance_rel = c->tolerance_rel;
	}
	if (c->feeds_list != NULL) {
		s = config_path_resolve(dir, c->feeds_list);
		free(c->feeds_list);
		c->feeds_list = s;
	}
	s = config_path_resolve(dir, c->lexicon_dir);
	free(c->lexicon_dir);
	c->lexicon_dir = s;
	/* Unset: the gazetteer lives beside the lexicon, as installed. */
	if (c->gazetteer_dir == NULL)
		xasprintf(&s, "%s/../gazetteer", c->lexicon_dir);
	else
		s = config_path_resolve(dir, c->gazetteer_dir);
	free(c->gazetteer_dir);
	c->gazetteer_dir = s;
	s = config_path_resolve(dir, c->state_dir);
	free(c->state_dir);
	c->state_dir = s;
}

/* Where config_load_all's messages go, and how many there were. */
struct config_report {
	config_error_cb	 cb;
	void		*arg;
	size_t		 n;
};

static void
config_report(struct config_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
config_report(struct config_report *r, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r->cb != NULL)
		r->cb(msg, r->arg);
	free(msg);
	r->n++;
}

/* Feeds whose scheme [poll] protocols does not allow are config errors. */
static void
config_check_feed_protocols(struct config *c, struct config_report *r)
{
	char		 msg[CONFIG_ERR_LEN];
	unsigned	 proto;
	size_t		 i;

	for (i = 0; i < c->nfeeds; i++) {
		if (config_parse_feed_url(c->feeds[i].url, &proto, msg,
		    sizeof(msg)) == -1 || (c->protocols & proto) != 0)
			continue;
		config_errf(msg, sizeof(msg), c->feeds_list, c->feeds[i].line,
		    "'%s' URLs are not allowed by [poll] protocols in %s",
		    proto == FETCH_PROTO_FILE ? "file" :
		    proto == FETCH_PROTO_HTTP ? "http" : "https", c->path);
		config_report(r, "%s", msg);
	}
}

static int
config_msg_cmp(const void *a, const void *b)
{
	const struct config_msg	*x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	/* Same line (0): keep the order they were found in. */
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The INI file's errors in line order, then freed. */
static void
config_report_msgs(struct config_parse *p, const char *path,
    struct config_report *r)
{
	char	 msg[CONFIG_ERR_LEN];
	size_t	 i;

	if (p->nmsgs > 1)
		qsort(p->msgs, p->nmsgs, sizeof(*p->msgs), config_msg_cmp);
	for (i = 0; i < p->nmsgs; i++) {
		config_errf(msg, sizeof(msg), path, p->msgs[i].line, "%s",
		    p->msgs[i].text);
		config_report(r, "%s", msg);
		free(p->msgs[i].text);
	}
	free(p->msgs);
	p->msgs = NULL;
	p->nmsgs = 0;
}

/* Feed list errors; one that the list cannot be read is put at the line
   naming it. */
struct config_feeds_report {
	struct config_report	*r;
	struct config		*c;
	int			 line;
};

static void
config_feeds_report_cb(const char *msg, void *arg)
{
	struct config_feeds_report	*fr = arg;
	const char			*list = fr->c->feeds_list;
	char				 buf[CONFIG_ERR_LEN];

	if (strncmp(msg, list, strlen(list)) == 0 &&
	    strncmp(msg + strlen(list), ": ", 2) == 0) {
		config_errf(buf, sizeof(buf), fr->c->path, fr->line,
		    "list: cannot read the feed list: %s", msg);
		config_report(fr->r, "%s", buf);
	} else
		config_report(fr->r, "%s", msg);
}

/* config_notify_finish's errors, one per sink, into the list. */
static void
config_notify_fail_cb(void *arg, int line, const char *msg)
{
	config_fail(arg, line, "%s", msg);
}

/* A warning is kept in the config for the check or the daemon's log. */
static void
config_feeds_warn_cb(const char *msg, void *arg)
{
	struct config_feeds_report	*fr = arg;
	struct config			*c = fr->c;

	c->warnings = xreallocarray(c->warnings, c->nwarnings + 1,
	    sizeof(*c->warnings));
	c->warnings[c->nwarnings++] = xstrdup(msg);
}

/* Parses the INI text; errors go to p. */
static void
config_parse_ini(struct config_parse *p, const char *buf, size_t len)
{
	size_t	 i;
	int	 ret, line;

	ret = ini_parse_stream(config_reader, p, config_handler, p);
	if (ret == -2)
		config_fail(p, 0, "out of memory");
	else if (ret > 0 && ret != p->syntax_line)
		config_fail(p, ret, "syntax error: expected '[section]', "
		    "'key = value' or a comment");
	/* The reader stopped at a NUL byte, as if the file ended there. */
	if (strlen(buf) != len) {
		for (i = 0, line = 1; buf[i] != '\0'; i++)
			if (buf[i] == '\n')
				line++;
		config_fail(p, line, "NUL byte: not a text file");
	}
	if (p->cfg->feeds_list == NULL) {
		line = p->section_line[config_section_index("feeds")];
		if (line != 0)
			config_fail(p, line, "[feeds] has no 'list' (the feed "
			    "list file is required)");
		else
			config_fail(p, 0, "no [feeds] section with 'list = "
			    "FILE' (the feed list is required)");
	}
	config_check_poll(p);
	config_notify_finish(p->cfg, config_notify_fail_cb, p);
}

struct config *
config_load_all(const char *path, config_error_cb cb, void *arg,
    size_t *nerrors)
{
	struct config_parse		 p;
	struct config_report		 r = { cb, arg, 0 };
	struct config_feeds_report	 fr;
	struct config			*c;
	char				 msg[CONFIG_ERR_LEN], *buf = NULL;
	char				*dir;
	size_t				 len;

	*nerrors = 0;
	memset(&p, 0, sizeof(p));
	if (util_read_file(path, CONFIG_FILE_MAX, &buf, &len, msg,
	    sizeof(msg)) == -1) {
		config_report(&r, "%s", msg);
		*nerrors = r.n;
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->path = xstrdup(path);
	config_defaults(c);
	p.cfg = c;
	p.buf = p.pos = buf;
	config_parse_ini(&p, buf, len);
	config_report_msgs(&p, path, &r);
	dir = config_path_dir(path);
	config_finish(&p, dir);
	c->lexicon_dir_set = config_key_line(&p, "lexicon_dir") != 0;
	c->gazetteer_dir_set = config_key_line(&p, "gazetteer_dir") != 0;
	/* A list with errors still has its own checked, in the same run. */
	if (c->feeds_list != NULL) {
		fr.r = &r;
		fr.c = c;
		fr.line = config_key_line(&p, "list");
		if (config_feeds_load_report(c->feeds_list, &c->feeds,
		    &c->nfeeds, msg, sizeof(msg), config_feeds_report_cb,
		    config_feeds_warn_cb, &fr) == 0)
			config_check_feed_protocols(c, &r);
	}
	free(dir);
	free(buf);
	free(p.long_value);
	free(p.watch_abs_set);
	free(p.watch_rel_set);
	*nerrors = r.n;
	return c;
}

static void
config_first_cb(const char *msg, void *arg)
{
	char	**first = arg;

	if (*first == NULL)
		*first = xstrdup(msg);
}

struct config *
config_load(const char *path, char *err, size_t errlen)
{
	struct config	*c;
	char		*first = NULL;
	size_t		 n;

	c = config_load_all(path, config_first_cb, &first, &n);
	if (n > 0) {
		util_strlcpy(err, first != NULL ? first : "error", errlen);
		config_free(c);
		c = NULL;
	}
	free(first);
	return c;
}

void
config_free(struct config *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	free(c->path);
	free(c->redis_url);
	free(c->redis_password);
	free(c->prefix);
	free(c->channel);
	free(c->stream);
	free(c->feeds_list);
	free(c->user_agent);
	free(c->proxy);
	free(c->resolver);
	free(c->lexicon_dir);
	free(c->gazetteer_dir);
	free(c->lang);
	free(c->http_listen);
	free(c->http_token);
	free(c->state_dir);
	for (i = 0; i < c->nwatches; i++)
		free(c->watches[i].pattern);
	free(c->watches);
	config_notify_free(c);
	config_feeds_free(c->feeds, c->nfeeds);
	for (i = 0; i < c->nwarnings; i++)
		free(c->warnings[i]);
	free(c->warnings);
	free(c);
}
