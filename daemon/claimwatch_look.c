/*
 * claimwatch_look: `claimwatch figures|history|feeds|poll|mute|unmute|
 * reject|set`.  Each command reads the daemon's configuration for Redis,
 * runs one store_look request on a private event loop and prints aligned
 * text, or JSON Lines with --json.  Strings from feeds are hostile: text
 * output replaces control characters, so an item title cannot drive the
 * terminal.
 */
#include <ctype.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "claimwatch_look.h"
#include "config.h"
#include "look.h"
#include "store.h"
#include "store_look.h"
#include "util.h"

const char claimwatch_look_usage[] =
    "       claimwatch figures [GLOB] [-c FILE] [--json]\n"
    "       claimwatch history KEY [-c FILE] [--json]\n"
    "       claimwatch feeds [-c FILE] [--json]\n"
    "       claimwatch poll URL [-c FILE]\n"
    "       claimwatch mute|unmute KEY [-c FILE] [--who NAME]\n"
    "       claimwatch reject URL|HOST [-c FILE] [--who NAME]\n"
    "       claimwatch set KEY VALUE --note TEXT [-c FILE] [--who NAME]\n"
    "       (each also takes --url REDIS_URL and --prefix P)\n";

/* One command's options and the result its callback left. */
struct claimwatch_look {
	const char		*cmd;
	const char		*conf_path;
	const char		*url;
	const char		*prefix;
	const char		*who;
	const char		*note;
	bool			 json;
	struct config		*conf;
	struct event_base	*base;
	struct store_look	*look;
	int			 rc;
};

/* A table of text cells, printed with aligned columns. */
struct claimwatch_look_table {
	char		**cells;
	size_t		 ncells;
	size_t		 ncols;
};

static void
claimwatch_look_cell(struct claimwatch_look_table *t, const char *s)
{
	char	*c;
	size_t	 i;

	c = xstrdup(s != NULL ? s : "-");
	/* Control characters (ESC above all) never reach the terminal. */
	for (i = 0; c[i] != '\0'; i++)
		if ((unsigned char)c[i] < 0x20 || c[i] == 0x7f)
			c[i] = '?';
	t->cells = xreallocarray(t->cells, t->ncells + 1, sizeof(*t->cells));
	t->cells[t->ncells++] = c;
}

/* Display width: UTF-8 continuation bytes take no column. */
static size_t
claimwatch_look_width(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static void
claimwatch_look_print(struct claimwatch_look_table *t)
{
	size_t	 w[16] = { 0 }, i, c, n;

	for (i = 0; i < t->ncells; i++) {
		c = i % t->ncols;
		if ((n = claimwatch_look_width(t->cells[i])) > w[c])
			w[c] = n;
	}
	for (i = 0; i < t->ncells; i++) {
		c = i % t->ncols;
		fputs(t->cells[i], stdout);
		if (c + 1 == t->ncols)
			putchar('\n');
		else
			printf("%*s", (int)(w[c] - claimwatch_look_width(
			    t->cells[i]) + 2), "");
		free(t->cells[i]);
	}
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

static void
claimwatch_look_time(char *buf, size_t len, int64_t t, bool date_only)
{
	if (t == LOOK_NO_TIME || t == 0) {
		util_strlcpy(buf, "-", len);
		return;
	}
	util_iso8601(t, buf, len);
	if (date_only && strlen(buf) > 10)
		buf[10] = '\0';
}

static void
claimwatch_look_value(char *buf, size_t len, const struct look_figure *f)
{
	if (f->has_max)
		snprintf(buf, len, "%.15g-%.15g", f->value, f->max);
	else
		snprintf(buf, len, "%.15g", f->value);
}

static void
claimwatch_look_done(struct claimwatch_look *x, const char *err)
{
	if (err != NULL) {
		fprintf(stderr, "claimwatch %s: redis: %s\n", x->cmd, err);
		x->rc = 1;
	}
	event_base_loopbreak(x->base);
}

static void
claimwatch_look_figures_cb(struct look_keys *ks, const char *err, void *arg)
{
	struct claimwatch_look		*x = arg;
	struct claimwatch_look_table	 t = { .ncols = 7 };
	char				 v[64], pub[32], upd[32], n[32], *j;
	size_t				 i;

	claimwatch_look_done(x, err);
	if (ks == NULL)
		return;
	if (!x->json) {
		const char *head[] = { "KEY", "VALUE", "QUALIFIER",
		    "PUBLISHED", "SOURCES", "LAST CHANGE", "STORY" };

		for (i = 0; i < 7; i++)
			claimwatch_look_cell(&t, head[i]);
	}
	for (i = 0; i < ks->n; i++) {
		struct look_key	*k = &ks->v[i];

		if (x->json) {
			puts(j = look_key_json(k));
			free(j);
			continue;
		}
		claimwatch_look_value(v, sizeof(v), &k->cur);
		claimwatch_look_time(pub, sizeof(pub), k->cur.published, true);
		claimwatch_look_time(upd, sizeof(upd), k->updated, false);
		snprintf(n, sizeof(n), "%ld%s", k->sources,
		    k->muted ? " muted" : "");
		claimwatch_look_cell(&t, k->key);
		claimwatch_look_cell(&t, v);
		claimwatch_look_cell(&t, k->cur.qualifier);
		claimwatch_look_cell(&t, pub);
		claimwatch_look_cell(&t, n);
		claimwatch_look_cell(&t, upd);
		claimwatch_look_cell(&t, k->label);
	}
	if (!x->json)
		claimwatch_look_print(&t);
	look_keys_free(ks);
}

static const char *
claimwatch_look_role(const struct look_figure *f)
{
	if (f->rejected)
		return "rejected";
	switch (f->role) {
	case LOOK_ROLE_HISTORY:
		return "history only";
	case LOOK_ROLE_CORRECTION:
		return "correction";
	default:
		return "reported";
	}
}

static void
claimwatch_look_history_text(const struct look_history *h)
{
	struct claimwatch_look_table	 t = { .ncols = 7 };
	const char			*head[] = { "", "PUBLISHED", "VALUE",
					    "QUALIFIER", "ROLE", "OUTLET",
					    "SOURCE" };
	char				 v[64], pub[32], host[256], *src;
	size_t				 i, s;

	printf("%s", h->k.key);
	if (h->k.label != NULL)
		printf(" (story: %s)", look_label(&h->k));
	if (h->k.muted)
		printf(" [muted]");
	putchar('\n');
	for (i = 0; i < 7; i++)
		claimwatch_look_cell(&t, head[i]);
	for (i = 0; i < h->nfigs; i++) {
		const struct look_figure *f = &h->figs[i];

		claimwatch_look_value(v, sizeof(v), f);
		claimwatch_look_time(pub, sizeof(pub), f->published, true);
		look_host(f->url, host, sizeof(host));
		xasprintf(&src, "\"%s\" %s", f->title != NULL ? f->title : "",
		    f->url != NULL ? f->url : "");
		claimwatch_look_cell(&t, f->current ? "*" : "");
		claimwatch_look_cell(&t, pub);
		claimwatch_look_cell(&t, v);
		claimwatch_look_cell(&t, f->qualifier);
		claimwatch_look_cell(&t, claimwatch_look_role(f));
		claimwatch_look_cell(&t, host[0] != '\0' ? host :
		    f->editor != NULL ? f->editor : "-");
		claimwatch_look_cell(&t, src);
		free(src);
		/* The current figure's other sources, one line each. */
		for (s = 0; f->current && s < f->nsources; s++) {
			if (f->url != NULL &&
			    strcmp(f->sources[s], f->url) == 0)
				continue;
			look_host(f->sources[s], host, sizeof(host));
			for (int c = 0; c < 5; c++)
				claimwatch_look_cell(&t, c == 4 ? "also" : "");
			claimwatch_look_cell(&t, host[0] != '\0' ? host : "-");
			claimwatch_look_cell(&t, f->sources[s]);
		}
	}
	claimwatch_look_print(&t);
	if (h->nlog == 0)
		return;
	printf("editor log:\n");
	t.ncols = 4;
	for (i = 0; i < h->nlog; i++) {
		claimwatch_look_time(pub, sizeof(pub), h->log[i].at, false);
		claimwatch_look_cell(&t, pub);
		claimwatch_look_cell(&t, h->log[i].who);
		claimwatch_look_cell(&t, h->log[i].action);
		claimwatch_look_cell(&t, h->log[i].detail);
	}
	claimwatch_look_print(&t);
}

static void
claimwatch_look_history_cb(struct look_history *h, const char *err,
    void *arg)
{
	struct claimwatch_look	*x = arg;
	char			*j;
	size_t			 i;

	claimwatch_look_done(x, err);
	if (h == NULL)
		return;
	if (h->nfigs == 0 && !h->k.has_figure && h->nlog == 0) {
		fprintf(stderr, "claimwatch history: %s: no such key\n",
		    h->k.key);
		x->rc = 1;
	} else if (x->json) {
		for (i = 0; i < h->nfigs; i++) {
			puts(j = look_figure_json(&h->figs[i], h->k.key));
			free(j);
		}
		for (i = 0; i < h->nlog; i++) {
			puts(j = look_event_json(&h->log[i], h->k.key));
			free(j);
		}
	} else
		claimwatch_look_history_text(h);
	look_history_free(h);
}

static void
claimwatch_look_feeds_cb(struct look_feeds *fs, const char *err, void *arg)
{
	struct claimwatch_look		*x = arg;
	struct claimwatch_look_table	 t = { .ncols = 7 };
	const char			*head[] = { "URL", "TITLE",
					    "LAST POLL", "STATUS", "NEXT DUE",
					    "ERRORS", "ITEMS" };
	char				 lp[32], nd[32], st[32], er[32];
	char				 it[32], *j;
	size_t				 i, c;

	claimwatch_look_done(x, err);
	if (fs == NULL)
		return;
	for (i = 0; i < fs->n; i++) {
		struct look_feed *f = &fs->v[i];

		/* The title the feed list gives (OPML), else the feed's. */
		for (c = 0; x->conf != NULL && c < x->conf->nfeeds; c++)
			if (f->url != NULL && x->conf->feeds[c].title != NULL &&
			    strcmp(x->conf->feeds[c].url, f->url) == 0) {
				free(f->title);
				f->title = xstrdup(x->conf->feeds[c].title);
			}
	}
	for (i = 0; !x->json && i < 7; i++)
		claimwatch_look_cell(&t, head[i]);
	for (i = 0; i < fs->n; i++) {
		struct look_feed *f = &fs->v[i];

		if (x->json) {
			puts(j = look_feed_json(f));
			free(j);
			continue;
		}
		claimwatch_look_time(lp, sizeof(lp), f->last_poll, false);
		claimwatch_look_time(nd, sizeof(nd), f->next_due, false);
		snprintf(st, sizeof(st), "%d%s", f->status,
		    f->gone ? " gone" : "");
		snprintf(er, sizeof(er), "%d", f->errors);
		snprintf(it, sizeof(it), "%ld", f->items);
		claimwatch_look_cell(&t, f->url);
		claimwatch_look_cell(&t, f->title);
		claimwatch_look_cell(&t, lp);
		claimwatch_look_cell(&t, st);
		claimwatch_look_cell(&t, nd);
		claimwatch_look_cell(&t, er);
		claimwatch_look_cell(&t, it);
	}
	if (!x->json)
		claimwatch_look_print(&t);
	look_feeds_free(fs);
}

static void
claimwatch_look_edit_cb(long n, const char *err, void *arg)
{
	struct claimwatch_look	*x = arg;

	claimwatch_look_done(x, err);
	if (err != NULL)
		return;
	if (x->json)
		printf("{\"command\":\"%s\",\"changed\":%ld}\n", x->cmd, n);
	else if (strcmp(x->cmd, "reject") == 0)
		printf("reject: %ld figures or sources no longer count\n", n);
	else
		printf("%s: done\n", x->cmd);
}

/* Who acts, for the editor's log: --who, else the login behind sudo. */
static const char *
claimwatch_look_who(const struct claimwatch_look *x)
{
	struct passwd	*pw;
	const char	*v;

	if (x->who != NULL)
		return x->who;
	if ((v = getenv("SUDO_USER")) != NULL && *v != '\0')
		return v;
	if ((pw = getpwuid(getuid())) != NULL)
		return pw->pw_name;
	if ((v = getenv("USER")) != NULL && *v != '\0')
		return v;
	return "unknown";
}

/*
 * poll: one feed now, directly: claimwatchd --once --feed URL with the
 * same configuration, so the poll goes through the same store script (the
 * lease and dedupe keep it from doubling a running daemon's work).
 */
static int
claimwatch_look_poll(struct claimwatch_look *x, const char *url)
{
	char	 exe[PATH_MAX], *d, *path = NULL;
	ssize_t	 n;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		d = dirname(exe);
		xasprintf(&path, "%s/claimwatchd", d);
		if (access(path, X_OK) != 0) {
			free(path);
			path = NULL;
		}
	}
	fflush(stdout);
	if (path != NULL)
		execl(path, "claimwatchd", "-d", "-c", x->conf_path, "--once",
		    "--feed", url, (char *)NULL);
	execlp("claimwatchd", "claimwatchd", "-d", "-c", x->conf_path,
	    "--once", "--feed", url, (char *)NULL);
	fprintf(stderr, "claimwatch poll: cannot run claimwatchd: %m\n");
	free(path);
	return 1;
}

static int
claimwatch_look_setup(struct claimwatch_look *x)
{
	struct store_options	 o;
	char			 err[CONFIG_ERR_LEN];

	memset(&o, 0, sizeof(o));
	if (x->url == NULL || x->conf_path != NULL) {
		if (x->conf_path == NULL)
			x->conf_path = CW_SYSCONFDIR
			    "/claimwatch/claimwatch.conf";
		if ((x->conf = config_load(x->conf_path, err, sizeof(err))) ==
		    NULL) {
			fprintf(stderr, "%s\n", err);
			return -1;
		}
		o.url = x->conf->redis_url;
		o.password = x->conf->redis_password;
		o.prefix = x->conf->prefix;
		o.channel = x->conf->channel;
		o.stream = x->conf->stream;
		o.stream_maxlen = x->conf->stream_maxlen;
	}
	if (x->url != NULL)
		o.url = x->url;
	if (x->prefix != NULL)
		o.prefix = x->prefix;
	if ((x->base = event_base_new()) == NULL) {
		fprintf(stderr, "claimwatch: cannot create an event loop\n");
		return -1;
	}
	if ((x->look = store_look_new(x->base, &o, err, sizeof(err))) ==
	    NULL) {
		fprintf(stderr, "claimwatch %s: [redis] %s\n", x->cmd, err);
		return -1;
	}
	return 0;
}

/* Starts the command's request; -1 when it could not be sent. */
static int
claimwatch_look_run(struct claimwatch_look *x, int argc, char **argv)
{
	const char	*who = claimwatch_look_who(x), *c = x->cmd;
	char		*end;
	double		 v;

	if (strcmp(c, "figures") == 0 && argc <= 1)
		return store_look_figures(x->look, argc == 1 ? argv[0] : NULL,
		    claimwatch_look_figures_cb, x);
	if (strcmp(c, "history") == 0 && argc == 1)
		return store_look_history(x->look, argv[0],
		    claimwatch_look_history_cb, x);
	if (strcmp(c, "feeds") == 0 && argc == 0)
		return store_look_feeds(x->look, claimwatch_look_feeds_cb, x);
	if ((strcmp(c, "mute") == 0 || strcmp(c, "unmute") == 0) && argc == 1)
		return store_look_mute(x->look, argv[0], c[0] == 'm', who,
		    claimwatch_look_edit_cb, x);
	if (strcmp(c, "reject") == 0 && argc == 1)
		return store_look_reject(x->look, argv[0], who,
		    claimwatch_look_edit_cb, x);
	if (strcmp(c, "set") == 0 && argc == 2) {
		v = strtod(argv[1], &end);
		if (end == argv[1] || *end != '\0' || !isfinite(v)) {
			fprintf(stderr, "claimwatch set: '%s' is not a "
			    "number\n", argv[1]);
			return -1;
		}
		if (x->note == NULL) {
			fprintf(stderr, "claimwatch set: --note TEXT says why "
			    "(it goes into the alert and the log)\n");
			return -1;
		}
		return store_look_set(x->look, argv[0], v, x->note, who,
		    claimwatch_look_edit_cb, x);
	}
	fprintf(stderr, "usage:\n%s", claimwatch_look_usage);
	return -1;
}

bool
claimwatch_look_is_cmd(const char *name)
{
	static const char *const cmds[] = { "figures", "history", "feeds",
	    "poll", "mute", "unmute", "reject", "set", NULL };
	size_t	 i;

	for (i = 0; cmds[i] != NULL; i++)
		if (strcmp(name, cmds[i]) == 0)
			return true;
	return false;
}

int
claimwatch_look_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "url", required_argument, NULL, 'u' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "who", required_argument, NULL, 'w' },
		{ "note", required_argument, NULL, 'N' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct claimwatch_look	 x;
	int			 ch;

	memset(&x, 0, sizeof(x));
	x.cmd = argv[0];
	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			x.conf_path = optarg;
			break;
		case 'u':
			x.url = optarg;
			break;
		case 'p':
			x.prefix = optarg;
			break;
		case 'w':
			x.who = optarg;
			break;
		case 'N':
			x.note = optarg;
			break;
		case 'j':
			x.json = true;
			break;
		default:
			fprintf(stderr, "usage:\n%s", claimwatch_look_usage);
			return 1;
		}
	}
	argc -= optind;
	argv += optind;
	if (strcmp(x.cmd, "poll") == 0) {
		if (argc != 1) {
			fprintf(stderr, "usage:\n%s", claimwatch_look_usage);
			return 1;
		}
		if (x.conf_path == NULL)
			x.conf_path = CW_SYSCONFDIR
			    "/claimwatch/claimwatch.conf";
		return claimwatch_look_poll(&x, argv[0]);
	}
	if (claimwatch_look_setup(&x) == -1 ||
	    claimwatch_look_run(&x, argc, argv) == -1)
		x.rc = 1;
	else
		event_base_dispatch(x.base);
	store_look_free(x.look);
	if (x.base != NULL)
		event_base_free(x.base);
	config_free(x.conf);
	return x.rc;
}
