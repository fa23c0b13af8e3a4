/*
 * claimwatch: the command-line tool beside the daemon.  `extract` runs the
 * extractor over stdin, `parse` runs the feed parser over a file, and
 * `check-config` validates a configuration the way the daemon would load
 * it (OpenBSD httpd -n style: parse, verdict, exit status).  It shares the
 * daemon's library, so what it prints is what the daemon would see.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert.h"
#include "check.h"
#include "claim.h"
#include "claimwatch_look.h"
#include "config.h"
#include "extract.h"
#include "feed.h"
#include "gazetteer.h"
#include "lang.h"
#include "lexicon.h"
#include "log.h"
#include "notify.h"
#include "store.h"
#include "story.h"
#include "story_reg.h"
#include "util.h"

#include <event2/event.h>
#include <systemd/sd-daemon.h>

/* Input bounds: the tool reads whole inputs into memory. */
#define CLAIMWATCH_STDIN_MAX	(256UL * 1024 * 1024)
#define CLAIMWATCH_FILE_MAX	(256UL * 1024 * 1024)

/* One line of usage per subcommand, in the order the help lists them. */
static const struct {
	const char	*name;
	const char	*usage;
	const char	*what;
} claimwatch_cmds[] = {
	{ "extract", "extract [--lang TAG|auto] [--lexicon DIR] "
	    "[--gazetteer DIR] [--explain] [-c FILE]",
	    "print the claims in the text on stdin, one JSON object a line" },
	{ "parse", "parse FILE",
	    "parse an RSS, Atom or JSON feed file and print it as JSON" },
	{ "check-config", "check-config [-c FILE]",
	    "report every error in a configuration and its feed list" },
	{ "tail", "tail [-c FILE | --url URL] [--channel C] [--stream S] "
	    "[--from-stream ID] [--raw]", "follow the alerts in Redis" },
	{ "notify", "notify [-c FILE] [-d] [--log-level L]",
	    "deliver alerts to the [notify NAME] webhooks and programs" },
	{ "figures", "figures [GLOB] [-c FILE] [--json]",
	    "each claim key's current figure, newest change first" },
	{ "history", "history KEY [-c FILE] [--json]",
	    "every figure of a key with its sources, and the editor's log" },
	{ "feeds", "feeds [-c FILE] [--json | --opml]",
	    "each feed's last poll, status, next due time, errors, items; "
	    "--opml exports the configured list as OPML 2.0" },
	{ "poll", "poll URL [-c FILE]", "poll one feed of the list now" },
	{ "mute", "mute KEY [-c FILE] [--who NAME]",
	    "keep a key's figures but send no alerts for it" },
	{ "unmute", "unmute KEY [-c FILE] [--who NAME]", "undo mute" },
	{ "reject", "reject URL|HOST [-c FILE] [--who NAME]",
	    "a source's figures stop counting; current figures recomputed" },
	{ "set", "set KEY VALUE --note TEXT [-c FILE] [--who NAME]",
	    "an editor's correction: publishes one \"corrected\" alert" },
	{ "version", "version", "print the version" },
};
#define CLAIMWATCH_NCMDS (sizeof(claimwatch_cmds) / sizeof(claimwatch_cmds[0]))

/*
 * Usage of one subcommand (cmd) or of all (NULL).  Status 0 (asked for
 * with -h/--help) goes to stdout; anything else to stderr.
 */
static void __attribute__((noreturn))
claimwatch_usage_of(const char *cmd, int status)
{
	FILE	*out = status == 0 ? stdout : stderr;
	size_t	 i;
	bool	 first = true;

	for (i = 0; i < CLAIMWATCH_NCMDS; i++) {
		if (cmd != NULL && strcmp(cmd, claimwatch_cmds[i].name) != 0)
			continue;
		fprintf(out, "%s claimwatch %s\n", first ? "usage:" : "      ",
		    claimwatch_cmds[i].usage);
		first = false;
	}
	if (cmd == NULL) {
		fprintf(out, "\n");
		for (i = 0; i < CLAIMWATCH_NCMDS; i++)
			fprintf(out, "  %-13s %s\n", claimwatch_cmds[i].name,
			    claimwatch_cmds[i].what);
		fprintf(out, "\n'claimwatch COMMAND --help' shows one command; "
		    "see claimwatch(1).\n");
	}
	exit(status);
}

/* The table's name for a subcommand, or NULL. */
static const char *
claimwatch_cmd_name(const char *name)
{
	size_t	 i;

	for (i = 0; i < CLAIMWATCH_NCMDS; i++)
		if (strcmp(name, claimwatch_cmds[i].name) == 0)
			return claimwatch_cmds[i].name;
	return NULL;
}

/* Options of subcommands that take only -c. */
static const struct option claimwatch_help_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static void __attribute__((noreturn))
claimwatch_usage(void)
{
	claimwatch_usage_of(NULL, 1);
}

/* The configuration at path, or NULL with its error on stderr. */
static struct config *
claimwatch_config(const char *path)
{
	struct config	*conf;
	char		 err[CONFIG_ERR_LEN];

	if ((conf = config_load(path, err, sizeof(err))) == NULL)
		fprintf(stderr, "%s\n", err);
	return conf;
}

/*
 * The lexicon directory: --lexicon, else $CLAIMWATCH_LEXICON, else the
 * configuration's [extract] lexicon_dir, else what the daemon would use
 * (the checkout's when run from a build tree, else the installed one).
 */
static struct lexicon *
claimwatch_lexicon(const char *opt, const struct config *conf, char **used,
    char *err, size_t errlen)
{
	const char	*p;

	if (opt == NULL && (p = getenv("CLAIMWATCH_LEXICON")) != NULL &&
	    *p != '\0')
		opt = p;
	if (opt != NULL)
		return lexicon_load_setting(opt, true, "--lexicon", used, err,
		    errlen);
	if (conf != NULL)
		return lexicon_load_setting(conf->lexicon_dir,
		    conf->lexicon_dir_set, conf->path, used, err, errlen);
	return lexicon_load_setting(CW_DATADIR "/lexicon", false,
	    "claimwatch", used, err, errlen);
}

static int
claimwatch_read_stdin(char **out, size_t *len)
{
	struct util_buf	 b = { 0 };
	char		 chunk[65536];
	size_t		 n;

	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
		if (b.len + n > CLAIMWATCH_STDIN_MAX) {
			fprintf(stderr, "claimwatch: stdin: larger than %lu "
			    "bytes\n", CLAIMWATCH_STDIN_MAX);
			util_buf_free(&b);
			return -1;
		}
		util_buf_append(&b, chunk, n);
	}
	if (ferror(stdin)) {
		fprintf(stderr, "claimwatch: stdin: %s\n", strerror(errno));
		util_buf_free(&b);
		return -1;
	}
	if (b.data == NULL)
		util_buf_append(&b, "", 0);
	*out = b.data;
	*len = b.len;
	return 0;
}

struct claimwatch_extract {
	const char		*text;
	const struct story_text	*story;
	bool			 explain;
	size_t			 n;
	struct claim		 prev[8];	/* the last claims, for parts */
};

/* The names the daemon would ask the story registry about. */
static void
claimwatch_explain_names(const struct story_text *st)
{
	char	 names[STORY_REG_NAMES][STORY_NAME_LEN];
	size_t	 i, n;

	n = story_names(st, names, STORY_REG_NAMES);
	printf("#   the story registry may place it by its item's names:");
	for (i = 0; i < n; i++)
		printf(" %s", names[i]);
	printf("%s\n", n == 0 ? " none" : "");
}

static void
claimwatch_extract_cb(const struct claim *c, void *arg)
{
	struct claimwatch_extract	*x = arg;
	struct claim			 sc = *c;
	char				*json, why[512];
	size_t				 i;
	bool				 stored;

	stored = story_assign(x->story, &sc, why, sizeof(why));
	for (i = 0; i < x->n && i < 8; i++)
		if (story_is_part(&x->prev[i], &sc))
			sc.role = CLAIM_ROLE_SUBCOUNT;
	x->prev[x->n % 8] = sc;
	json = alert_claim_json(&sc, x->text + c->sent_offset,
	    c->sent_length);
	/* The why line quotes only gazetteer-matched words, made printable. */
	if (x->explain)
		printf("# %s %s (%s): %s\n", stored ? "key" : "no story",
		    sc.key, claim_role_name(sc.role), why);
	if (x->explain && !stored)
		claimwatch_explain_names(x->story);
	puts(json);
	free(json);
	x->n++;
}

/* --gazetteer, else the config's, else the one beside the lexicon. */
static struct gazetteer *
claimwatch_gazetteer(const char *opt, const char *lexdir, char *err,
    size_t errlen)
{
	struct gazetteer	*g;
	char			*dir;

	if (opt != NULL)
		return gazetteer_load(opt, err, errlen);
	xasprintf(&dir, "%s/../gazetteer", lexdir);
	g = gazetteer_load(dir, err, errlen);
	free(dir);
	return g;
}

/*
 * The lexicon and gazetteer for extract, from the options or conf (NULL:
 * the defaults), and --lang checked against them.  Frees gazopt and
 * conf.  Returns 0 with *lex and *gaz set (the caller frees them), else
 * the exit status, with the error printed.
 */
static int
claimwatch_extract_data(const char *lexopt, char *gazopt,
    struct config *conf, const char *lang, struct lexicon **lex,
    struct gazetteer **gaz)
{
	char	 err[CONFIG_ERR_LEN], *lexdir = NULL;
	int	 i;

	*gaz = NULL;
	if (gazopt == NULL && conf != NULL && conf->gazetteer_dir_set)
		gazopt = xstrdup(conf->gazetteer_dir);
	if ((*lex = claimwatch_lexicon(lexopt, conf, &lexdir, err,
	    sizeof(err))) != NULL)
		*gaz = claimwatch_gazetteer(gazopt, lexdir, err, sizeof(err));
	free(lexdir);
	free(gazopt);
	config_free(conf);
	if (*lex == NULL || *gaz == NULL) {
		fprintf(stderr, "%s\n", err);
		lexicon_free(*lex);
		return 1;
	}
	if (!lang_is_known(lang_tag(*lex, lang)) &&
	    strcmp(lang_tag(*lex, lang), LANG_AUTO) != 0) {
		fprintf(stderr, "claimwatch extract: --lang %s: no lexicon for "
		    "this language (have:", lang);
		for (i = 0; i < lexicon_nlangs(*lex); i++)
			fprintf(stderr, " %s", lexicon_lang_name(*lex, i));
		fprintf(stderr, "; or auto)\n");
		lexicon_free(*lex);
		gazetteer_free(*gaz);
		return 2;
	}
	return 0;
}

static int
claimwatch_cmd_extract(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "lang", required_argument, NULL, 'L' },
		{ "lexicon", required_argument, NULL, 'x' },
		{ "config", required_argument, NULL, 'c' },
		{ "gazetteer", required_argument, NULL, 'g' },
		{ "explain", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct claimwatch_extract	 x = { 0 };
	struct lexicon			*lex;
	struct gazetteer		*gaz;
	struct story_text		 story;
	struct config			*conf = NULL;
	const char			*lang = "auto", *lexopt = NULL;
	char				*gazopt = NULL, *text;
	size_t				 len;
	int				 ch;

	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			claimwatch_usage_of("extract", 0);
		case 'L':
			lang = optarg;
			break;
		case 'x':
			lexopt = optarg;
			break;
		case 'g':
			free(gazopt);
			gazopt = xstrdup(optarg);
			break;
		case 'e':
			x.explain = true;
			break;
		case 'c':
			config_free(conf);
			if ((conf = claimwatch_config(optarg)) == NULL)
				return 1;
			break;
		default:
			claimwatch_usage_of("extract", 1);
		}
	}
	if (optind != argc)
		claimwatch_usage_of("extract", 1);
	if ((ch = claimwatch_extract_data(lexopt, gazopt, conf, lang, &lex,
	    &gaz)) != 0)
		return ch;
	if (claimwatch_read_stdin(&text, &len) == -1) {
		lexicon_free(lex);
		gazetteer_free(gaz);
		return 1;
	}
	x.text = text;
	story_text_init(&story, gaz, text, len);
	x.story = &story;
	extract_text(lex, text, len, lang, claimwatch_extract_cb, &x);
	story_text_free(&story);
	free(text);
	lexicon_free(lex);
	gazetteer_free(gaz);
	return 0;
}

static int
claimwatch_cmd_parse(int argc, char **argv)
{
	struct feed	*f;
	char		 err[FEED_ERR_LEN], *data, *json;
	size_t		 len;

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0))
		claimwatch_usage_of("parse", 0);
	if (argc != 2)
		claimwatch_usage_of("parse", 1);
	if (util_read_file(argv[1], CLAIMWATCH_FILE_MAX, &data, &len, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "claimwatch: %s\n", err);
		return 1;
	}
	f = feed_parse(data, len, NULL, NULL, err, sizeof(err));
	free(data);
	if (f == NULL) {
		/* Still the schema's shape, so comparisons line up. */
		puts("{\"bozo\":true,\"feed_title\":null,\"items\":[]}");
		fprintf(stderr, "claimwatch: %s: %s\n", argv[1], err);
		return 1;
	}
	json = feed_to_json(f);
	puts(json);
	free(json);
	feed_free(f);
	return 0;
}

static int
claimwatch_cmd_check_config(int argc, char **argv)
{
	struct check_result	 r;
	const char		*path = CW_SYSCONFDIR
				    "/claimwatch/claimwatch.conf";
	int			 ch;

	while ((ch = getopt_long(argc, argv, "c:h", claimwatch_help_opts,
	    NULL)) != -1) {
		switch (ch) {
		case 'h':
			claimwatch_usage_of("check-config", 0);
		case 'c':
			path = optarg;
			break;
		default:
			claimwatch_usage_of("check-config", 1);
		}
	}
	if (optind != argc)
		claimwatch_usage_of("check-config", 1);
	check_config(path, check_print_cb, NULL, &r);
	return check_verdict(path, &r);
}

/* Whether argv[1..argc) holds the option opt. */
static bool
claimwatch_has_opt(int argc, char **argv, const char *opt)
{
	int	 i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], opt) == 0)
			return true;
	return false;
}

/*
 * feeds --opml: the list the daemon would poll, read from the config (no
 * Redis), as an OPML document another reader imports, folders kept.
 * Plain `feeds` (the feeds' state in Redis) is the look-back command's.
 */
static int
claimwatch_cmd_feeds(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "opml", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct config	*conf;
	const char	*path = CW_SYSCONFDIR "/claimwatch/claimwatch.conf";
	char		 err[CONFIG_ERR_LEN];
	int		 ch, rc;

	while ((ch = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			claimwatch_usage_of("feeds", 0);
		case 'c':
			path = optarg;
			break;
		case 'o':
			break;
		default:
			claimwatch_usage_of("feeds", 1);
		}
	}
	if (optind != argc)
		claimwatch_usage_of("feeds", 1);
	if ((conf = config_load(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "claimwatch: %s\n", err);
		return 1;
	}
	rc = config_feeds_write_opml(stdout, conf->feeds, conf->nfeeds);
	config_free(conf);
	if (rc == -1) {
		fprintf(stderr, "claimwatch: feeds: cannot write: %s\n",
		    strerror(errno));
		return 1;
	}
	return 0;
}

struct claimwatch_tail {
	bool	 raw;
};

static int
claimwatch_tail_cb(const char *id, const char *alert, void *arg)
{
	struct claimwatch_tail	*t = arg;
	struct util_buf		 b = { 0 };
	const char		*rest = alert;
	char			*line = NULL;

	/*
	 * Whatever is on the channel reaches a terminal: escaped, except
	 * --raw into a pipe, which gets the JSON byte for byte.  --raw is
	 * JSON Lines: the stream id joins the alert's members.
	 */
	if (t->raw && alert[0] == '{') {
		rest = alert + 1 + strspn(alert + 1, " \t");
		util_buf_printf(&b, "{\"stream_id\":%s", id != NULL ? "\"" :
		    "null");
		if (id != NULL) {
			util_buf_escape(&b, id, strlen(id));
			util_buf_printf(&b, "\"");
		}
		util_buf_printf(&b, "%s", *rest == '}' ? "" : ",");
	} else if (id != NULL && !t->raw) {
		util_buf_printf(&b, "[");
		util_buf_escape(&b, id, strlen(id));
		util_buf_printf(&b, "] ");
	}
	if (t->raw && !isatty(STDOUT_FILENO))
		util_buf_append(&b, rest, strlen(rest));
	else if (t->raw || (line = alert_pretty(alert)) == NULL)
		util_buf_escape(&b, rest, strlen(rest));
	else
		util_buf_append(&b, line, strlen(line));	/* escaped */
	printf("%s\n", b.data);
	free(line);
	util_buf_free(&b);
	fflush(stdout);
	return ferror(stdout) ? 1 : 0;
}

/*
 * tail: follow alerts as a user would, by the channel (live only) or by
 * the stream from an id (replay, then live, gapless).  The Redis side is
 * store_tail(); settings come from the config, overridden by options.
 */
static int
claimwatch_cmd_tail(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "channel", required_argument, NULL, 'C' },
		{ "stream", required_argument, NULL, 'S' },
		{ "from-stream", required_argument, NULL, 'f' },
		{ "raw", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct claimwatch_tail	 t = { false };
	struct store_options	 o;
	struct config		*conf = NULL;
	const char		*path = NULL, *url = NULL, *channel = NULL;
	const char		*stream = NULL, *from = NULL;
	char			 err[CONFIG_ERR_LEN];
	int			 ch, rc;

	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			claimwatch_usage_of("tail", 0);
		case 'c':
			path = optarg;
			break;
		case 'u':
			url = optarg;
			break;
		case 'C':
			channel = optarg;
			break;
		case 'S':
			stream = optarg;
			break;
		case 'f':
			from = optarg;
			break;
		case 'r':
			t.raw = true;
			break;
		default:
			claimwatch_usage_of("tail", 1);
		}
	}
	if (optind != argc)
		claimwatch_usage_of("tail", 1);
	memset(&o, 0, sizeof(o));
	if (url == NULL || path != NULL) {
		if (path == NULL)
			path = CW_SYSCONFDIR "/claimwatch/claimwatch.conf";
		if ((conf = claimwatch_config(path)) == NULL)
			return 1;
		o.url = conf->redis_url;
		o.password = conf->redis_password;
		o.channel = conf->channel;
		o.stream = conf->stream;
	}
	if (url != NULL)
		o.url = url;
	if (channel != NULL)
		o.channel = channel;
	if (stream != NULL)
		o.stream = stream;
	/*
	 * The stream by default, from now on ("$"): its ids let a
	 * reconnect resume without gap or repeat.  --channel asks for
	 * pub/sub, which keeps nothing while the link is down.
	 */
	if (from == NULL && channel == NULL)
		from = "$";
	rc = store_tail(&o, from, claimwatch_tail_cb, &t, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "claimwatch tail: %s\n", err);
	config_free(conf);
	return rc == 0 ? 0 : 1;
}

static void
claimwatch_notify_stop_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	log_notice("notify: signal %d, stopping", (int)sig);
	event_base_loopbreak(arg);
}

/*
 * notify: the delivery service (its own systemd unit), every [notify
 * NAME] sink of the config on one event loop until SIGTERM or SIGINT.
 * A new config means a restart: delivery state is all in Redis.
 */
static int
claimwatch_cmd_notify(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct event_base	*base;
	struct event		*ev_term, *ev_int;
	struct notify		*n;
	struct config		*conf;
	const char		*path = CW_SYSCONFDIR
				    "/claimwatch/claimwatch.conf";
	char			 err[CONFIG_ERR_LEN];
	int			 ch, level = -1;
	bool			 fg = false;

	while ((ch = getopt_long(argc, argv, "c:dh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'd':
			fg = true;
			break;
		case 'l':
			if ((level = log_level_parse(optarg)) == -1)
				claimwatch_usage_of("notify", 1);
			break;
		case 'h':
			claimwatch_usage_of("notify", 0);
		default:
			claimwatch_usage_of("notify", 1);
		}
	}
	if (optind != argc)
		claimwatch_usage_of("notify", 1);
	if ((conf = claimwatch_config(path)) == NULL)
		return 1;
	log_init(level != -1 ? level : conf->log_level, fg);
	if (conf->nnotify == 0) {
		log_error("%s: no [notify NAME] sink to deliver to", path);
		config_free(conf);
		return 1;
	}
	/* A program that stops reading its stdin must not end us. */
	signal(SIGPIPE, SIG_IGN);
	log_route_libevent();
	base = event_base_new();
	if ((n = notify_new(base, conf, err, sizeof(err))) == NULL) {
		log_error("notify: %s", err);
		event_base_free(base);
		config_free(conf);
		return 1;
	}
	ev_term = evsignal_new(base, SIGTERM, claimwatch_notify_stop_cb, base);
	ev_int = evsignal_new(base, SIGINT, claimwatch_notify_stop_cb, base);
	event_add(ev_term, NULL);
	event_add(ev_int, NULL);
	log_notice("notify: started sinks=%zu metrics_port=%d", conf->nnotify,
	    notify_port(n));
	sd_notify(0, "READY=1");
	event_base_dispatch(base);
	sd_notify(0, "STOPPING=1");
	notify_free(n);
	event_free(ev_term);
	event_free(ev_int);
	event_base_free(base);
	config_free(conf);
	return 0;
}

int
main(int argc, char **argv)
{
	log_init(LOG_LEVEL_WARNING, true);
	if (argc < 2)
		claimwatch_usage();
	optind = 1;
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0)
		claimwatch_usage_of(argc > 2 && strcmp(argv[1], "help") == 0 ?
		    claimwatch_cmd_name(argv[2]) : NULL, 0);
	if (strcmp(argv[1], "extract") == 0)
		return claimwatch_cmd_extract(argc - 1, argv + 1);
	if (strcmp(argv[1], "parse") == 0)
		return claimwatch_cmd_parse(argc - 1, argv + 1);
	if (strcmp(argv[1], "check-config") == 0)
		return claimwatch_cmd_check_config(argc - 1, argv + 1);
	if (strcmp(argv[1], "tail") == 0)
		return claimwatch_cmd_tail(argc - 1, argv + 1);
	if (strcmp(argv[1], "notify") == 0)
		return claimwatch_cmd_notify(argc - 1, argv + 1);
	/* The export reads the feed list alone; the rest reads Redis. */
	if (strcmp(argv[1], "feeds") == 0 && claimwatch_has_opt(argc - 1,
	    argv + 1, "--opml"))
		return claimwatch_cmd_feeds(argc - 1, argv + 1);
	if (claimwatch_look_is_cmd(argv[1])) {
		if (claimwatch_has_opt(argc - 1, argv + 1, "--help") ||
		    claimwatch_has_opt(argc - 1, argv + 1, "-h"))
			claimwatch_usage_of(argv[1], 0);
		return claimwatch_look_main(argc - 1, argv + 1);
	}
	if (strcmp(argv[1], "version") == 0 ||
	    strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		if (argc > 2 && (strcmp(argv[2], "-h") == 0 ||
		    strcmp(argv[2], "--help") == 0))
			claimwatch_usage_of("version", 0);
		printf("claimwatch %s\n", CW_VERSION);
		return 0;
	}
	fprintf(stderr, "claimwatch: unknown command %s\n", argv[1]);
	claimwatch_usage();
}
