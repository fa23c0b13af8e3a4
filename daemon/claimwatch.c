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
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert.h"
#include "claim.h"
#include "claimwatch_look.h"
#include "config.h"
#include "extract.h"
#include "feed.h"
#include "gazetteer.h"
#include "lexicon.h"
#include "log.h"
#include "store.h"
#include "story.h"
#include "util.h"

/* Input bounds: the tool reads whole inputs into memory. */
#define CLAIMWATCH_STDIN_MAX	(256UL * 1024 * 1024)
#define CLAIMWATCH_FILE_MAX	(256UL * 1024 * 1024)

static void
claimwatch_usage(void)
{
	fprintf(stderr,
	    "usage: claimwatch extract [--lang id|en|auto] [--lexicon DIR] "
	    "[--gazetteer DIR] [--explain] "
	    "[-c FILE]\n"
	    "       claimwatch parse FILE\n"
	    "       claimwatch check-config [-c FILE]\n"
	    "       claimwatch tail [-c FILE | --url URL] [--channel C] "
	    "[--stream S] [--from-stream ID] [--raw]\n"
	    "%s"
	    "       claimwatch version\n", claimwatch_look_usage);
	exit(1);
}

static bool
claimwatch_is_dir(const char *path)
{
	struct stat	 st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * The lexicon directory: --lexicon, else $CLAIMWATCH_LEXICON, else the
 * installed one, else config/lexicon beside a build tree, so that the tool
 * works straight from `make` as well as after `make install`.
 */
static char *
claimwatch_lexicon_dir(const char *opt, const char *argv0)
{
	char	 exe[PATH_MAX], *dir, *p;
	ssize_t	 n;

	if (opt != NULL)
		return xstrdup(opt);
	if ((p = getenv("CLAIMWATCH_LEXICON")) != NULL && *p != '\0')
		return xstrdup(p);
	if (claimwatch_is_dir(CW_DATADIR "/lexicon"))
		return xstrdup(CW_DATADIR "/lexicon");
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		dir = dirname(exe);
		/* build/claimwatch or build/san/claimwatch */
		xasprintf(&p, "%s/../config/lexicon", dir);
		if (claimwatch_is_dir(p))
			return p;
		free(p);
		xasprintf(&p, "%s/../../config/lexicon", dir);
		if (claimwatch_is_dir(p))
			return p;
		free(p);
	}
	(void)argv0;
	return xstrdup(CW_DATADIR "/lexicon");
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
};

static void
claimwatch_extract_cb(const struct claim *c, void *arg)
{
	struct claimwatch_extract	*x = arg;
	struct claim			 sc = *c;
	char				*json, why[512];
	bool				 stored;

	stored = story_assign(x->story, &sc, why, sizeof(why));
	json = alert_claim_json(&sc, x->text + c->sent_offset,
	    c->sent_length);
	/* The why line quotes only gazetteer-matched words, made printable. */
	if (x->explain)
		printf("# %s %s (%s): %s\n", stored ? "key" : "not stored",
		    sc.key, claim_role_name(sc.role), why);
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

static int
claimwatch_cmd_extract(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "lang", required_argument, NULL, 'L' },
		{ "lexicon", required_argument, NULL, 'x' },
		{ "config", required_argument, NULL, 'c' },
		{ "gazetteer", required_argument, NULL, 'g' },
		{ "explain", no_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 }
	};
	struct claimwatch_extract	 x = { 0 };
	struct lexicon			*lex;
	struct gazetteer		*gaz = NULL;
	struct story_text		 story;
	struct config			*conf = NULL;
	const char			*lang = "auto", *lexopt = NULL;
	char				*gazopt = NULL;
	char				 err[CONFIG_ERR_LEN], *dir, *text;
	size_t				 len;
	int				 ch;

	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		switch (ch) {
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
			if ((conf = config_load(optarg, err, sizeof(err))) ==
			    NULL) {
				fprintf(stderr, "%s\n", err);
				return 1;
			}
			break;
		default:
			claimwatch_usage();
		}
	}
	if (optind != argc)
		claimwatch_usage();
	if (lexopt == NULL && conf != NULL)
		lexopt = conf->lexicon_dir;
	if (gazopt == NULL && conf != NULL)
		gazopt = xstrdup(conf->gazetteer_dir);
	dir = claimwatch_lexicon_dir(lexopt, argv[0]);
	if ((lex = lexicon_load(dir, err, sizeof(err))) != NULL)
		gaz = claimwatch_gazetteer(gazopt, dir, err, sizeof(err));
	free(dir);
	free(gazopt);
	config_free(conf);
	if (lex == NULL || gaz == NULL) {
		fprintf(stderr, "%s\n", err);
		lexicon_free(lex);
		return 1;
	}
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

	if (argc != 2)
		claimwatch_usage();
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
	struct config	*conf;
	struct lexicon	*lex;
	struct gazetteer *gaz;
	const char	*path = CW_SYSCONFDIR "/claimwatch/claimwatch.conf";
	char		 err[CONFIG_ERR_LEN];
	int		 ch;

	while ((ch = getopt(argc, argv, "c:")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		default:
			claimwatch_usage();
		}
	}
	if (optind != argc)
		claimwatch_usage();
	if ((conf = config_load(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if ((lex = lexicon_load(conf->lexicon_dir, err, sizeof(err))) ==
	    NULL || (gaz = gazetteer_load(conf->gazetteer_dir, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		lexicon_free(lex);
		config_free(conf);
		return 1;
	}
	printf("%s: configuration OK, %zu feeds, lexicon %s\n", path,
	    conf->nfeeds, conf->lexicon_dir);
	gazetteer_free(gaz);
	lexicon_free(lex);
	config_free(conf);
	return 0;
}

struct claimwatch_tail {
	bool	 raw;
};

static int
claimwatch_tail_cb(const char *id, const char *alert, void *arg)
{
	struct claimwatch_tail	*t = arg;
	char			*line;

	if (t->raw || (line = alert_pretty(alert)) == NULL)
		printf("%s%s%s\n", id != NULL ? id : "", id != NULL ? " " : "",
		    alert);
	else {
		if (id != NULL)
			printf("[%s] ", id);
		printf("%s\n", line);
		free(line);
	}
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
		{ NULL, 0, NULL, 0 }
	};
	struct claimwatch_tail	 t = { false };
	struct store_options	 o;
	struct config		*conf = NULL;
	const char		*path = NULL, *url = NULL, *channel = NULL;
	const char		*stream = NULL, *from = NULL;
	char			 err[CONFIG_ERR_LEN];
	int			 ch, rc;

	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		switch (ch) {
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
			claimwatch_usage();
		}
	}
	if (optind != argc)
		claimwatch_usage();
	memset(&o, 0, sizeof(o));
	if (url == NULL || path != NULL) {
		if (path == NULL)
			path = CW_SYSCONFDIR "/claimwatch/claimwatch.conf";
		if ((conf = config_load(path, err, sizeof(err))) == NULL) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
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
	rc = store_tail(&o, from, claimwatch_tail_cb, &t, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "claimwatch tail: %s\n", err);
	config_free(conf);
	return rc == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	log_init(LOG_LEVEL_WARNING, true);
	if (argc < 2)
		claimwatch_usage();
	optind = 1;
	if (strcmp(argv[1], "extract") == 0)
		return claimwatch_cmd_extract(argc - 1, argv + 1);
	if (strcmp(argv[1], "parse") == 0)
		return claimwatch_cmd_parse(argc - 1, argv + 1);
	if (strcmp(argv[1], "check-config") == 0)
		return claimwatch_cmd_check_config(argc - 1, argv + 1);
	if (strcmp(argv[1], "tail") == 0)
		return claimwatch_cmd_tail(argc - 1, argv + 1);
	if (claimwatch_look_is_cmd(argv[1]))
		return claimwatch_look_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "version") == 0 ||
	    strcmp(argv[1], "--version") == 0) {
		printf("claimwatch %s\n", CW_VERSION);
		return 0;
	}
	claimwatch_usage();
}
