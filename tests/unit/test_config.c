/*
 * Unit tests for config: the INI settings (every value, the defaults, the
 * example file), the feed lists (plain and OPML), relative paths, and a
 * table of broken files with the exact "FILE:LINE: message" each must
 * give.  Fixtures live in tests/data/config/; tests run from the root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "fetch.h"
#include "log.h"
#include "util.h"

#define D	"tests/data/config/"
#define B	D "bad/"

struct test_config_feed {
	const char	*url;
	const char	*title;
	int		 interval;
	const char	*lang;
	bool		 articles;
	int		 line;
};

static void
test_config_check_feeds(const struct config_feed *got, size_t ngot,
    const struct test_config_feed *want, size_t nwant)
{
	size_t	 i;

	assert_int_equal(ngot, nwant);
	for (i = 0; i < nwant; i++) {
		assert_string_equal(got[i].url, want[i].url);
		if (want[i].title == NULL)
			assert_null(got[i].title);
		else
			assert_string_equal(got[i].title, want[i].title);
		assert_int_equal(got[i].interval, want[i].interval);
		if (want[i].lang == NULL)
			assert_null(got[i].lang);
		else
			assert_string_equal(got[i].lang, want[i].lang);
		assert_int_equal(got[i].fetch_articles, want[i].articles);
		assert_int_equal(got[i].line, want[i].line);
	}
}

static const struct test_config_feed test_config_plain[] = {
	{ "https://news.example.com/rss/nasional.xml", NULL, 0, NULL, false,
	    3 },
	{ "https://news.example.com/rss/world.xml", NULL, 600, "id", false,
	    4 },
	{ "https://news.example.com/atom/defence.xml", NULL, 3600, "en",
	    true, 5 },
	{ "file:///srv/claimwatch/demo/feed.xml", NULL, 0, NULL, false, 6 },
	{ "https://news.example.com/rss/topic.xml?tag=korea#latest", NULL, 0,
	    NULL, false, 7 },
};

static const struct test_config_feed test_config_opml[] = {
	{ "https://news.example.com/rss/korea.xml", "Korea desk", 1800, "id",
	    false, 9 },
	{ "https://news.example.com/rss/kursk.xml", "Kursk front", 0, NULL,
	    true, 12 },
	{ "https://news.example.com/atom/world.xml", NULL, 7200, "en", false,
	    15 },
};

/* [redis] cluster names the seed nodes as a redis+cluster:// url. */
static void
test_config_cluster(void **state)
{
	struct config	*c;
	char		 err[CONFIG_ERR_LEN];

	(void)state;
	c = config_load(D "cluster.conf", err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	assert_string_equal(c->redis_url,
	    "redis+cluster://127.0.0.1:7000,localhost:7001");
	config_free(c);
}

/*
 * REDIS+CLUSTER:// passed check-config while the store, which tells a
 * cluster by a case-sensitive prefix, refused it at start: the scheme is
 * stored in lower case.
 */
static void
test_config_cluster_url_case(void **state)
{
	struct config	*c;
	char		 err[CONFIG_ERR_LEN];

	(void)state;
	c = config_load(D "cluster_upper.conf", err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	assert_string_equal(c->redis_url,
	    "redis+cluster://127.0.0.1:7000,localhost:7001");
	config_free(c);
}

/* Issue 17: the documented maxima pass inih's 200-byte line buffer. */
static void
test_config_long_lines(void **state)
{
	struct config	*c;
	char		 err[CONFIG_ERR_LEN];

	(void)state;
	c = config_load(D "long_ok.conf", err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	assert_int_equal(strlen(c->redis_password), 512);
	assert_int_equal(strspn(c->redis_password, "p"), 512);
	assert_int_equal(strlen(c->user_agent), 256);
	assert_int_equal(strspn(c->user_agent, "u"), 256);
	config_free(c);
}

static void
test_config_full(void **state)
{
	struct config	*c;
	char		 err[CONFIG_ERR_LEN];

	(void)state;
	c = config_load(D "full.conf", err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	assert_string_equal(c->path, D "full.conf");
	assert_string_equal(c->redis_url, "unix:///run/redis/redis.sock");
	assert_string_equal(c->redis_password, "s3cret");
	assert_string_equal(c->prefix, "cwtest:");
	assert_string_equal(c->channel, "alerts:test");
	assert_string_equal(c->stream, "alerts:stream");
	assert_int_equal(c->stream_maxlen, 5000);
	assert_int_equal(c->seen_max, 250);
	assert_string_equal(c->feeds_list, D "feeds.txt");
	assert_int_equal(c->interval, 900);
	assert_int_equal(c->min_interval, 90);
	assert_int_equal(c->max_interval, 2 * 86400);
	assert_int_equal(c->connect_timeout, 5);
	assert_int_equal(c->timeout, 60);
	assert_int_equal(c->max_body, 512 * 1024);
	assert_int_equal(c->max_redirects, 0);
	assert_int_equal(c->max_per_host, 2);
	assert_int_equal(c->max_total, 1000);
	assert_int_equal(c->max_failures, 9);
	assert_string_equal(c->user_agent,
	    "claimwatch-test/1.0 (+mailto:ops@news.example.com)");
	assert_true(c->allow_private);
	assert_int_equal(c->protocols, FETCH_PROTO_HTTPS | FETCH_PROTO_FILE);
	assert_string_equal(c->lexicon_dir, "/opt/claimwatch/lexicon");
	assert_string_equal(c->lang, "id");
	assert_true(c->tolerance_abs == 10.0);
	assert_true(c->tolerance_rel == 0.25);
	assert_true(c->corroborated);
	/* Watches without tolerances take [alerts]'s, set before or after. */
	assert_int_equal(c->nwatches, 3);
	assert_string_equal(c->watches[0].pattern, "*/killed/*");
	assert_true(c->watches[0].tolerance_abs == 10.0);
	assert_true(c->watches[0].tolerance_rel == 0.25);
	assert_string_equal(c->watches[1].pattern, "north-korea/*");
	assert_true(c->watches[1].tolerance_abs == 100.0);
	assert_true(c->watches[1].tolerance_rel == 0.05);
	assert_string_equal(c->watches[2].pattern, "ukraine/wounded/people");
	assert_true(c->watches[2].tolerance_abs == 50.0);
	assert_true(c->watches[2].tolerance_rel == 0.25);
	assert_string_equal(c->http_listen, "");
	assert_string_equal(c->state_dir, "/srv/claimwatch");
	assert_int_equal(c->log_level, LOG_LEVEL_DEBUG);
	test_config_check_feeds(c->feeds, c->nfeeds, test_config_plain,
	    sizeof(test_config_plain) / sizeof(test_config_plain[0]));
	config_free(c);
}

/* The defaults the header documents. */
static void
test_config_check_defaults(const struct config *c)
{
	assert_string_equal(c->redis_url, "redis://127.0.0.1:6379/0");
	assert_null(c->redis_password);
	assert_string_equal(c->prefix, "cw:");
	assert_string_equal(c->channel, "claimwatch:alerts");
	assert_string_equal(c->stream, "claimwatch:alerts");
	assert_int_equal(c->stream_maxlen, 10000);
	assert_int_equal(c->seen_max, 1000);
	assert_int_equal(c->interval, 300);
	assert_int_equal(c->min_interval, 60);
	assert_int_equal(c->max_interval, 86400);
	assert_int_equal(c->connect_timeout, 10);
	assert_int_equal(c->timeout, 30);
	assert_int_equal(c->max_body, 8 * 1024 * 1024);
	assert_int_equal(c->max_redirects, 5);
	assert_int_equal(c->max_per_host, 4);
	assert_int_equal(c->max_total, 256);
	assert_int_equal(c->max_failures, 5);
	assert_string_equal(c->user_agent, "claimwatch/" CW_VERSION);
	assert_false(c->allow_private);
	assert_int_equal(c->protocols, FETCH_PROTO_HTTP | FETCH_PROTO_HTTPS);
	assert_string_equal(c->lexicon_dir, CW_DATADIR "/lexicon");
	assert_string_equal(c->lang, "auto");
	assert_string_equal(c->gazetteer_dir,
	    CW_DATADIR "/lexicon/../gazetteer");
	assert_true(c->tolerance_abs == 0.0);
	assert_true(c->tolerance_rel == 0.0);
	assert_false(c->corroborated);
	assert_int_equal(c->max_age, 2 * 86400);
	assert_int_equal(c->nwatches, 0);
	assert_string_equal(c->http_listen, "127.0.0.1:9187");
	assert_string_equal(c->state_dir, "/var/lib/claimwatch");
	assert_int_equal(c->log_level, LOG_LEVEL_NOTICE);
}

static void
test_config_defaults(void **state)
{
	struct config	*c;
	char		 err[CONFIG_ERR_LEN];

	(void)state;
	c = config_load(D "minimal.conf", err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	test_config_check_defaults(c);
	config_free(c);
}

/*
 * config/claimwatch.conf documents each default as "#key = value": with
 * those lines uncommented it must load to exactly the defaults, so the
 * example cannot drift from the code.  user_agent, lexicon_dir and
 * gazetteer_dir depend on the build (VERSION, PREFIX) and stay commented.
 */
static void
test_config_example_matches_defaults(void **state)
{
	struct config	*c;
	char		 err[CONFIG_ERR_LEN], dir[] = "/tmp/cwconfig.XXXXXX";
	char		*text, *path, *feeds, *line, *save = NULL;
	size_t		 len, uncommented = 0;
	FILE		*f;

	(void)state;
	assert_int_equal(util_read_file("config/claimwatch.conf", 1 << 20,
	    &text, &len, err, sizeof(err)), 0);
	assert_non_null(mkdtemp(dir));
	xasprintf(&path, "%s/claimwatch.conf", dir);
	xasprintf(&feeds, "%s/feeds.txt", dir);
	assert_non_null(f = fopen(feeds, "w"));
	fclose(f);
	assert_non_null(f = fopen(path, "w"));
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' && line[1] >= 'a' && line[1] <= 'z' &&
		    strstr(line, " = ") != NULL &&
		    strncmp(line, "#user_agent", 11) != 0 &&
		    strncmp(line, "#lexicon_dir", 12) != 0 &&
		    strncmp(line, "#gazetteer_dir", 14) != 0) {
			line++;
			uncommented++;
		}
		fprintf(f, "%s\n", line);
	}
	fclose(f);
	/* Every setting but list, password, watch and the three above. */
	assert_int_equal(uncommented, 26);
	c = config_load(path, err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	test_config_check_defaults(c);
	assert_string_equal(c->feeds_list, feeds);
	assert_int_equal(c->nfeeds, 0);
	config_free(c);
	unlink(feeds);
	unlink(path);
	rmdir(dir);
	free(feeds);
	free(path);
	free(text);
}

/* The shipped example and its two feed lists load and agree. */
static void
test_config_example_files(void **state)
{
	struct config		*c;
	struct config_feed	*opml;
	char			 err[CONFIG_ERR_LEN];
	size_t			 nopml, i, j;

	(void)state;
	c = config_load("config/claimwatch.conf", err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	assert_string_equal(c->feeds_list, "config/feeds.txt");
	assert_int_equal(c->nfeeds, 3);
	if (config_feeds_load("config/feeds.opml", &opml, &nopml, err,
	    sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_int_equal(nopml, c->nfeeds);
	for (i = 0; i < c->nfeeds; i++) {
		for (j = 0; j < nopml; j++)
			if (strcmp(c->feeds[i].url, opml[j].url) == 0)
				break;
		assert_true(j < nopml);
		assert_int_equal(c->feeds[i].interval, opml[j].interval);
		assert_int_equal(c->feeds[i].fetch_articles,
		    opml[j].fetch_articles);
		assert_true((c->feeds[i].lang == NULL) ==
		    (opml[j].lang == NULL));
	}
	config_feeds_free(opml, nopml);
	config_free(c);
}

static void
test_config_plain_list(void **state)
{
	struct config_feed	*feeds;
	size_t			 n;
	char			 err[CONFIG_ERR_LEN];

	(void)state;
	if (config_feeds_load(D "feeds.txt", &feeds, &n, err,
	    sizeof(err)) == -1)
		fail_msg("%s", err);
	test_config_check_feeds(feeds, n, test_config_plain,
	    sizeof(test_config_plain) / sizeof(test_config_plain[0]));
	config_feeds_free(feeds, n);
}

static void
test_config_opml_list(void **state)
{
	struct config	*c;
	char		 err[CONFIG_ERR_LEN];

	(void)state;
	/* Through config_load: OPML is found by content, not by name. */
	c = config_load(D "opml.conf", err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	test_config_check_feeds(c->feeds, c->nfeeds, test_config_opml,
	    sizeof(test_config_opml) / sizeof(test_config_opml[0]));
	config_free(c);
}

static void
test_config_relative_paths(void **state)
{
	struct config	*c;
	char		 err[CONFIG_ERR_LEN], *abs, *want, cwd[4096];

	(void)state;
	c = config_load(D "rel/claimwatch.conf", err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	assert_string_equal(c->feeds_list, D "rel/../feeds.opml");
	assert_string_equal(c->lexicon_dir, D "rel/lexicon");
	assert_string_equal(c->state_dir, D "rel/./state");
	assert_int_equal(c->nfeeds, 3);
	/* Test settings: any free port, poll every second. */
	assert_string_equal(c->http_listen, "127.0.0.1:0");
	assert_int_equal(c->interval, 1);
	config_free(c);

	/* An absolute config path gives absolute paths. */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	xasprintf(&abs, "%s/" D "rel/claimwatch.conf", cwd);
	c = config_load(abs, err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	xasprintf(&want, "%s/" D "rel/lexicon", cwd);
	assert_string_equal(c->lexicon_dir, want);
	config_free(c);
	free(want);
	free(abs);
}

static const struct {
	const char	*file;
	const char	*want;
} test_config_bad[] = {
	{ B "unknown_section.conf", B "unknown_section.conf:4: unknown "
	    "section [pol] (did you mean [poll]?)" },
	{ B "unknown_section_far.conf", B "unknown_section_far.conf:3: "
	    "unknown section [metrics] (known: redis feeds poll extract "
	    "alerts http daemon notify)" },
	{ B "unknown_key.conf", B "unknown_key.conf:4: unknown key "
	    "'intervall' in [poll] (did you mean 'interval'?)" },
	{ B "unknown_key_swap.conf", B "unknown_key_swap.conf:4: unknown key "
	    "'tiemout' in [poll] (did you mean 'timeout'?)" },
	{ B "unknown_key_far.conf", B "unknown_key_far.conf:4: unknown key "
	    "'hostname' in [redis]" },
	{ B "wrong_section.conf", B "wrong_section.conf:4: unknown key "
	    "'channel' in [poll] (it belongs in [redis])" },
	{ B "before_section.conf", B "before_section.conf:1: 'interval' "
	    "comes before any [section]" },
	{ B "syntax.conf", B "syntax.conf:3: syntax error: expected "
	    "'[section]', 'key = value' or a comment" },
	{ B "syntax_noeq.conf", B "syntax_noeq.conf:4: syntax error: "
	    "expected '[section]', 'key = value' or a comment" },
	{ B "twice.conf", B "twice.conf:5: 'timeout' is set twice in [poll] "
	    "(first at line 4)" },
	{ B "int_range.conf", B "int_range.conf:4: max_redirects: expected "
	    "an integer from 0 to 20, not '21'" },
	{ B "int_junk.conf", B "int_junk.conf:4: max_total: expected an "
	    "integer from 1 to 65536, not '0x10'" },
	{ B "bool.conf", B "bool.conf:4: allow_private: expected yes/no, "
	    "true/false, on/off or 1/0, not 'maybe'" },
	{ B "size.conf", B "size.conf:4: max_body: expected a size in bytes "
	    "with an optional K, M or G suffix from 1K to 1G, not '8T'" },
	{ B "size_range.conf", B "size_range.conf:4: max_body: expected a "
	    "size in bytes with an optional K, M or G suffix from 1K to 1G, "
	    "not '2G'" },
	{ B "duration.conf", B "duration.conf:4: interval: expected a "
	    "duration in seconds with an optional s, m, h or d suffix from "
	    "1s to 30d, not '5 m'" },
	{ B "duration_range.conf", B "duration_range.conf:4: interval: "
	    "expected a duration in seconds with an optional s, m, h or d "
	    "suffix from 1s to 30d, not '31d'" },
	{ B "redis_url.conf", B "redis_url.conf:2: url: expected "
	    "redis://HOST[:PORT][/DB] or unix:///PATH, not "
	    "'http://127.0.0.1:6379'" },
	{ B "redis_port.conf", B "redis_port.conf:2: url: expected "
	    "redis://HOST[:PORT][/DB] or unix:///PATH, not "
	    "'redis://127.0.0.1:70000/0'" },
	{ B "redis_db.conf", B "redis_db.conf:2: url: expected "
	    "redis://HOST[:PORT][/DB] or unix:///PATH, not "
	    "'redis://localhost:6379/x'" },
	{ B "redis_cluster.conf", B "redis_cluster.conf:2: cluster: "
	    "expected HOST:PORT[,HOST:PORT...] for the cluster's nodes, not "
	    "'127.0.0.1:7000,127.0.0.1'" },
	{ B "redis_cluster_url.conf", B "redis_cluster_url.conf:2: url: "
	    "expected HOST:PORT[,HOST:PORT...] for the cluster's nodes, not "
	    "'127.0.0.1:7000/0'" },
	{ B "redis_pass.conf", B "redis_pass.conf:2: url: put the password "
	    "in 'password', not in the url (the url appears in logs)" },
	{ B "redis_unix.conf", B "redis_unix.conf:2: url: expected "
	    "unix:///ABSOLUTE/PATH (at most 107 bytes), not "
	    "'unix://redis.sock'" },
	{ B "redis_tls.conf", B "redis_tls.conf:2: url: TLS (rediss://) is "
	    "not supported; use redis:// or unix://" },
	{ B "protocols.conf", B "protocols.conf:4: protocols: unknown "
	    "protocol 'ftp' (known: http https file)" },
	{ B "protocols_typo.conf", B "protocols_typo.conf:4: protocols: "
	    "unknown protocol 'htps' (did you mean 'https'?)" },
	{ B "level.conf", B "level.conf:4: log_level: expected error, "
	    "warning, notice, info or debug, not 'verbose'" },
	{ B "lang.conf", B "lang.conf:4: lang: expected 'auto' or a language "
	    "tag such as 'id', 'en' or 'en-US', not 'Indonesian'" },
	{ B "watch_many.conf", B "watch_many.conf:4: watch: expected 'GLOB "
	    "[ABS [REL]]', not 'a/* 1 0.1 extra'" },
	{ B "watch_abs.conf", B "watch_abs.conf:4: watch: expected a number "
	    ">= 0, not '-1'" },
	{ B "watch_rel.conf", B "watch_rel.conf:4: watch: relative "
	    "tolerance must be from 0 to 1 (or 0% to 100%), not '150%'" },
	{ B "listen.conf", B "listen.conf:4: listen: expected HOST:PORT such "
	    "as 127.0.0.1:9187, or nothing to turn it off, not '9187'" },
	{ B "token.conf", B "token.conf:4: channel: expected 1 to 128 "
	    "printable characters without spaces, not 'two words'" },
	{ B "long.conf", B "long.conf:4: user_agent: expected 1 to 256 "
	    "characters" },
	{ B "nul.conf", B "nul.conf:3: NUL byte: not a text file" },
	{ B "no_feeds.conf", B "no_feeds.conf: no [feeds] section with "
	    "'list = FILE' (the feed list is required)" },
	{ B "no_list.conf", B "no_list.conf:4: [feeds] has no 'list' (the "
	    "feed list file is required)" },
	{ B "missing_list.conf", B "missing_list.conf:2: list: cannot read "
	    "the feed list: " B "does-not-exist.txt: No such file or "
	    "directory" },
	{ B "min_interval.conf", B "min_interval.conf:5: min_interval (600s) "
	    "is above interval (300s)" },
	{ B "max_interval.conf", B "max_interval.conf:4: max_interval "
	    "(3600s) is below interval (7200s)" },
	{ B "connect_timeout.conf", B "connect_timeout.conf:4: "
	    "connect_timeout (10s) is above timeout (5s)" },
	{ B "file_proto.conf", B "../feeds.txt:6: 'file' URLs are not "
	    "allowed by [poll] protocols in " B "file_proto.conf" },
	/* Feed lists: the message names the list, not the config. */
	{ B "list_dup.conf", B "dup.txt:4: duplicate feed "
	    "'HTTPS://News.Example.com/rss/world.xml' (first at line 2)" },
	{ B "list_badurl.conf", B "badurl.txt:2: bad URL "
	    "'news.example.com/rss.xml': not an absolute http, https or file "
	    "URL" },
	/* A file that is no feed list: its content is never echoed. */
	{ B "list_shadow.conf", B "shadow.txt:1: not a URL (the line is not "
	    "shown: is this file a feed list?)" },
	{ B "list_ftp.conf", B "ftp.txt:1: bad URL "
	    "'ftp://news.example.com/rss.xml': not an absolute http, https or "
	    "file URL" },
	{ B "list_nohost.conf", B "nohost.txt:1: bad URL 'https:///rss.xml': "
	    "missing or malformed host" },
	{ B "list_option.conf", B "option.txt:2: unknown option 'languge' "
	    "(known: interval lang articles auth)" },
	{ B "list_option_swap.conf", B "lnag.txt:1: unknown option 'lnag' "
	    "(did you mean 'lang'?)" },
	{ B "list_option_value.conf", B "optval.txt:1: articles: expected "
	    "yes/no, true/false, on/off or 1/0, not 'sometimes'" },
	{ B "list_option_twice.conf", B "opttwice.txt:1: option 'lang' given "
	    "twice" },
	{ B "list_token.conf", B "token.txt:1: expected an option "
	    "'name=value' after the URL, not 'daily'" },
	{ B "list_interval.conf", B "interval.txt:1: interval: expected a "
	    "duration in seconds with an optional s, m, h or d suffix from "
	    "1s to 30d, not '0'" },
	{ B "opml_malformed.conf", B "malformed.opml:5: malformed OPML: "
	    "Opening and ending tag mismatch: outline line 4 and body" },
	{ B "opml_root.conf", B "root.opml:2: not an OPML document (root "
	    "element is 'rss', expected 'opml')" },
	{ B "opml_nobody.conf", B "nobody.opml:2: OPML document without "
	    "<body>" },
	{ B "opml_entity.conf", B "entity.opml:3: entity declarations are "
	    "not allowed in a feed list" },
	/* The same in UTF-7, where no byte search finds "<!ENTITY". */
	{ B "opml_entity_utf7.conf", B "entity_utf7.opml:3: entity "
	    "declarations are not allowed in a feed list" },
	{ B "opml_nsopt.conf", B "nsopt.opml:4: unknown option 'intervall' "
	    "(did you mean 'interval'?)" },
	{ B "opml_badurl.conf", B "badurl.opml:4: bad URL '': not an "
	    "absolute http, https or file URL" },
};

static void
test_config_bad_files(void **state)
{
	struct config	*c;
	char		 err[CONFIG_ERR_LEN];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(test_config_bad) / sizeof(test_config_bad[0]);
	    i++) {
		err[0] = '\0';
		c = config_load(test_config_bad[i].file, err, sizeof(err));
		if (c != NULL) {
			config_free(c);
			fail_msg("%s: loaded", test_config_bad[i].file);
		}
		if (strcmp(err, test_config_bad[i].want) != 0)
			fail_msg("%s:\n got: %s\nwant: %s",
			    test_config_bad[i].file, err,
			    test_config_bad[i].want);
	}
}

static void
test_config_missing_file(void **state)
{
	char	 err[CONFIG_ERR_LEN];

	(void)state;
	assert_null(config_load(D "nope.conf", err, sizeof(err)));
	assert_string_equal(err, D "nope.conf: No such file or directory");
}

/* A failed load leaves the caller's list alone (a reload keeps it). */
static void
test_config_feeds_error_keeps_output(void **state)
{
	struct config_feed	*feeds = (struct config_feed *)&feeds;
	size_t			 n = 7;
	char			 err[CONFIG_ERR_LEN];

	(void)state;
	assert_int_equal(config_feeds_load(B "dup.txt", &feeds, &n, err,
	    sizeof(err)), -1);
	assert_ptr_equal(feeds, (struct config_feed *)&feeds);
	assert_int_equal(n, 7);
}

/*
 * Tens of thousands of feeds load in linear time (a hash finds
 * duplicates), and a duplicate at the very end is still found.
 */
static void
test_config_large_list(void **state)
{
	struct config_feed	*feeds;
	char			 err[CONFIG_ERR_LEN];
	char			 path[] = "/tmp/cwfeeds.XXXXXX";
	size_t			 n, i, count = 50000;
	struct timespec		 t0, t1;
	FILE			*f;
	int			 fd;

	(void)state;
	assert_true((fd = mkstemp(path)) != -1);
	assert_non_null(f = fdopen(fd, "w"));
	for (i = 0; i < count; i++)
		fprintf(f, "https://feeds%zu.example.com/rss/%zu.xml "
		    "interval=%zum\n", i % 97, i, 10 + i % 50);
	fclose(f);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (config_feeds_load(path, &feeds, &n, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	print_message("loaded %zu feeds in %.1f ms\n", n,
	    (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
	assert_int_equal(n, count);
	assert_string_equal(feeds[count - 1].url,
	    "https://feeds44.example.com/rss/49999.xml");
	assert_int_equal(feeds[count - 1].interval, 59 * 60);
	config_feeds_free(feeds, n);

	assert_non_null(f = fopen(path, "a"));
	fprintf(f, "https://FEEDS3.example.com/rss/100.xml\n");
	fclose(f);
	assert_int_equal(config_feeds_load(path, &feeds, &n, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, ":50001: duplicate feed "));
	assert_non_null(strstr(err, "(first at line 101)"));
	unlink(path);
}

static void
test_config_free_null(void **state)
{
	(void)state;
	config_free(NULL);
	config_feeds_free(NULL, 0);
}

/* config_load_all: every mistake in one run, in order, FILE:LINE each. */
struct test_msgs {
	char	*msg[16];
	size_t	 n;
};

static void
test_msgs_cb(const char *msg, void *arg)
{
	struct test_msgs	*m = arg;

	if (m->n < 16)
		m->msg[m->n++] = xstrdup(msg);
}

static void
test_config_every_error(void **state)
{
	static const char *const want[] = {
		D "many/five.conf:5: unknown key 'prefx' in [redis]",
		D "many/five.conf:7: interval: expected a duration",
		D "many/five.conf:8: max_per_host: expected an integer",
		D "many/five.conf:9: syntax error",
		D "many/five.conf:13: log_level: expected error",
		D "many/feeds.txt:2: bad URL 'ftp://",
		D "many/feeds.txt:3: unknown option 'intervall'",
	};
	struct test_msgs	 m = { { NULL }, 0 };
	struct config		*c;
	char			 err[CONFIG_ERR_LEN];
	size_t			 i, n;

	(void)state;
	c = config_load_all(D "many/five.conf", test_msgs_cb, &m, &n);
	assert_non_null(c);
	config_free(c);
	for (i = 0; i < m.n; i++)
		fprintf(stderr, "%s\n", m.msg[i]);
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	assert_int_equal(m.n, n);
	for (i = 0; i < n; i++) {
		assert_true(strncmp(m.msg[i], want[i], strlen(want[i])) == 0);
		free(m.msg[i]);
	}
	/* config_load keeps its contract: the first error, no config. */
	assert_null(config_load(D "many/five.conf", err, sizeof(err)));
	assert_true(strncmp(err, want[0], strlen(want[0])) == 0);
}

/* Feed readers export a feed once per folder: one feed in OPML. */
static void
test_config_opml_folders(void **state)
{
	struct config	*c;
	char		 err[CONFIG_ERR_LEN];

	(void)state;
	c = config_load(D "many/opml_dup.conf", err, sizeof(err));
	if (c == NULL)
		fprintf(stderr, "%s\n", err);
	assert_non_null(c);
	assert_int_equal(c->nfeeds, 1);
	assert_string_equal(c->feeds[0].url, "https://news.example.com/a.xml");
	assert_int_equal(c->feeds[0].line, 3);
	config_free(c);
}

/*
 * An OPML file as feed readers export it: folders are categories, the
 * outline's text names the feed, scraping and link outlines are skipped
 * with a warning naming the file and line.
 */
static void
test_config_opml_readers(void **state)
{
	struct config		*c;
	struct config_feed	*f;
	char			 err[CONFIG_ERR_LEN];

	(void)state;
	c = config_load(D "many/opml_readers.conf", err, sizeof(err));
	if (c == NULL)
		fprintf(stderr, "%s\n", err);
	assert_non_null(c);
	assert_int_equal(c->nfeeds, 3);
	f = &c->feeds[0];
	assert_string_equal(f->url, "https://news.example.com/kursk.xml");
	assert_string_equal(f->title, "Kursk front");
	assert_int_equal(f->ncategories, 2);
	assert_string_equal(f->categories[0], "World");
	assert_string_equal(f->categories[1], "Asia & Pacific");
	f = &c->feeds[1];
	assert_string_equal(f->title, "Korea desk");
	assert_int_equal(f->ncategories, 2);
	assert_string_equal(f->categories[0], "Asia & Pacific");
	assert_string_equal(f->categories[1], "Korea");
	f = &c->feeds[2];
	assert_string_equal(f->title, "No title attribute");
	assert_int_equal(f->ncategories, 0);
	assert_int_equal(c->nwarnings, 2);
	assert_string_equal(c->warnings[0], D "many/opml_readers.opml:7: "
	    "skipped outline 'Scraped page' of type 'HTML+XPath': not a feed");
	assert_string_equal(c->warnings[1], D "many/opml_readers.opml:15: "
	    "skipped outline 'A bookmark' of type 'link': not a feed");
	config_free(c);
}

/* A plain list saved with a UTF-8 byte order mark. */
static void
test_config_bom_list(void **state)
{
	struct config	*c;
	char		 err[CONFIG_ERR_LEN];

	(void)state;
	c = config_load(D "many/bom.conf", err, sizeof(err));
	if (c == NULL)
		fprintf(stderr, "%s\n", err);
	assert_non_null(c);
	assert_int_equal(c->nfeeds, 1);
	assert_string_equal(c->feeds[0].url, "http://news.example.test/a.xml");
	assert_string_equal(c->feeds[0].lang, "in");
	assert_int_equal(c->feeds[0].line, 2);
	assert_false(c->lexicon_dir_set);
	config_free(c);
}

/* A temporary directory holding a config, its feed list and auth files. */
struct test_auth_dir {
	char	 dir[32];
	char	*conf;
	char	*feeds;
};

static void
test_auth_file(const struct test_auth_dir *t, const char *name,
    const char *text, mode_t mode)
{
	char	*path;
	FILE	*f;

	xasprintf(&path, "%s/%s", t->dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
	free(path);
}

static void
test_auth_setup(struct test_auth_dir *t, const char *list, const char *poll)
{
	util_strlcpy(t->dir, "/tmp/cwauth.XXXXXX", sizeof(t->dir));
	assert_non_null(mkdtemp(t->dir));
	xasprintf(&t->conf, "%s/c.conf", t->dir);
	xasprintf(&t->feeds, "%s/feeds.txt", t->dir);
	test_auth_file(t, "feeds.txt", list, 0644);
	test_auth_file(t, "c.conf", poll, 0644);
}

static void
test_auth_teardown(struct test_auth_dir *t)
{
	char	*cmd;

	xasprintf(&cmd, "rm -rf '%s'", t->dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(t->conf);
	free(t->feeds);
}

/* auth=FILE: the three forms, comments, a relative path, a warning. */
static void
test_config_feed_auth(void **state)
{
	struct test_auth_dir	 t;
	struct config		*c;
	char			 err[CONFIG_ERR_LEN], *want;

	(void)state;
	test_auth_setup(&t, "http://a.example/1 auth=basic.auth\n"
	    "http://a.example/2 auth=bearer.auth interval=5m\n"
	    "http://a.example/3 auth=hdr.auth\n"
	    "http://a.example/4 auth=sub/g.auth\n"
	    "http://a.example/5\n", "[feeds]\nlist = feeds.txt\n");
	test_auth_file(&t, "basic.auth", "reader:pw:with:colons\n", 0600);
	test_auth_file(&t, "bearer.auth", "bearer tok.123\r\n", 0400);
	test_auth_file(&t, "hdr.auth", "# the API key\n\nheader X-Api-Key: "
	    "v 1\n", 0600);
	xasprintf(&want, "%s/sub", t.dir);
	assert_int_equal(mkdir(want, 0700), 0);
	free(want);
	test_auth_file(&t, "sub/g.auth", "basic u:p\n", 0640);
	c = config_load(t.conf, err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	assert_int_equal(c->nfeeds, 5);
	assert_int_equal(c->feeds[0].auth, CONFIG_AUTH_BASIC);
	assert_string_equal(c->feeds[0].auth_user, "reader");
	assert_string_equal(c->feeds[0].auth_secret, "pw:with:colons");
	xasprintf(&want, "%s/basic.auth", t.dir);
	assert_string_equal(c->feeds[0].auth_file, want);
	free(want);
	assert_int_equal(c->feeds[1].auth, CONFIG_AUTH_BEARER);
	assert_string_equal(c->feeds[1].auth_secret, "tok.123");
	assert_int_equal(c->feeds[1].interval, 300);
	assert_int_equal(c->feeds[2].auth, CONFIG_AUTH_HEADER);
	assert_string_equal(c->feeds[2].auth_secret, "X-Api-Key: v 1");
	assert_int_equal(c->feeds[3].auth, CONFIG_AUTH_BASIC);
	assert_string_equal(c->feeds[3].auth_user, "u");
	assert_int_equal(c->feeds[4].auth, CONFIG_AUTH_NONE);
	assert_null(c->feeds[4].auth_secret);
	/* Group-readable: loaded, with a warning naming the list line. */
	assert_int_equal(c->nwarnings, 1);
	xasprintf(&want, "%s:4: auth: %s/sub/g.auth: readable or writable by "
	    "its group (mode 640)", t.feeds, t.dir);
	assert_true(strncmp(c->warnings[0], want, strlen(want)) == 0);
	free(want);
	config_free(c);
	test_auth_teardown(&t);
}

/*
 * Every bad auth file is an error naming the list's FILE:LINE and the
 * file, in one run, and no message shows what the file holds.
 */
static void
test_config_feed_auth_errors(void **state)
{
	static const struct {
		const char	*name;
		const char	*text;	/* NULL: not created */
		mode_t		 mode;
		const char	*want;	/* after "LIST:LINE: auth: " */
	} cases[] = {
		{ "nope.auth", NULL, 0, "DIR/nope.auth: No such file or "
		    "directory" },
		{ "empty.auth", "", 0600, "DIR/empty.auth: empty: no "
		    "credential line" },
		{ "comments.auth", "# only\n\n", 0600, "DIR/comments.auth: "
		    "empty: no credential line" },
		{ "world.auth", "u:SeCrEt\n", 0644, "DIR/world.auth: readable "
		    "or writable by others (mode 644): chmod o-rw it" },
		{ "two.auth", "u:SeCrEt\nv:SeCrEt\n", 0600, "DIR/two.auth: "
		    "more than one credential line (one per file)" },
		{ "bare.auth", "SeCrEt\n", 0600, "DIR/bare.auth: expected "
		    "'USER:PASSWORD', 'bearer TOKEN' or 'header NAME: VALUE' "
		    "on its first line" },
		{ "nouser.auth", ":SeCrEt\n", 0600, "DIR/nouser.auth: expected "
		    "'USER:PASSWORD'" },
		{ "bearer.auth", "bearer SeCrEt two\n", 0600,
		    "DIR/bearer.auth: 'bearer' wants one token" },
		{ "header.auth", "header X Key: SeCrEt\n", 0600,
		    "DIR/header.auth: 'header' wants 'Name: value'" },
		{ "ctl.auth", "u:SeC\001rEt\n", 0600, "DIR/ctl.auth: expected "
		    "'USER:PASSWORD'" },
		{ "long.auth", NULL, 0600, "DIR/long.auth: credential line "
		    "longer than 1024 bytes" },
		{ "big.auth", NULL, 0600, "DIR/big.auth: larger than 4096 "
		    "bytes" },
		{ "sub", NULL, 0, "DIR/sub: not a regular file" },
	};
	struct test_auth_dir	 t;
	struct test_msgs	 m = { { NULL }, 0 };
	struct config		*c;
	struct util_buf		 list = { 0 }, big = { 0 };
	char			*line, *want, *sub;
	size_t			 i, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		xasprintf(&line, "http://a.example/%zu auth=%s\n", i,
		    cases[i].name);
		util_buf_append(&list, line, strlen(line));
		free(line);
	}
	util_buf_append(&list, "http://a.example/x auth=\n", 25);
	util_buf_append(&list, "", 0);
	test_auth_setup(&t, list.data, "[feeds]\nlist = feeds.txt\n");
	util_buf_free(&list);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (cases[i].text != NULL)
			test_auth_file(&t, cases[i].name, cases[i].text,
			    cases[i].mode);
	util_buf_append(&big, "u:", 2);
	for (i = 0; i < 1100; i++)
		util_buf_append(&big, "S", 1);
	util_buf_append(&big, "\n", 2);
	test_auth_file(&t, "long.auth", big.data, 0600);
	util_buf_reset(&big);
	for (i = 0; i < 600; i++)
		util_buf_append(&big, "# SeCrEt\n", 9);
	util_buf_append(&big, "", 1);
	test_auth_file(&t, "big.auth", big.data, 0600);
	util_buf_free(&big);
	xasprintf(&sub, "%s/sub", t.dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	free(sub);

	c = config_load_all(t.conf, test_msgs_cb, &m, &n);
	assert_non_null(c);
	config_free(c);
	for (i = 0; i < m.n; i++)
		fprintf(stderr, "%s\n", m.msg[i]);
	assert_int_equal(n, sizeof(cases) / sizeof(cases[0]) + 1);
	assert_int_equal(m.n, 14);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* Every want starts with "DIR", the directory. */
		xasprintf(&want, "%s:%zu: auth: %s%s", t.feeds, i + 1, t.dir,
		    cases[i].want + 3);
		if (strncmp(m.msg[i], want, strlen(want)) != 0)
			fail_msg("got  %s\nwant %s", m.msg[i], want);
		assert_null(strstr(m.msg[i], "SeC"));
		free(want);
	}
	xasprintf(&want, "%s:%zu: auth: expected a file name", t.feeds, i + 1);
	assert_string_equal(m.msg[i], want);
	free(want);
	for (i = 0; i < m.n; i++)
		free(m.msg[i]);
	test_auth_teardown(&t);
}

/* [poll] proxy: none, URLs libcurl takes, and a password never echoed. */
static void
test_config_proxy(void **state)
{
	static const struct {
		const char	*value;
		const char	*want;	/* stored, or NULL: an error */
	} cases[] = {
		{ "none", "" },
		{ "http://proxy.lan:3128", "http://proxy.lan:3128" },
		{ "http://u:p@ss@proxy.lan:3128/", "http://u:p@ss@proxy.lan:"
		    "3128/" },
		{ "proxy.lan:8080", "proxy.lan:8080" },
		{ "socks5h://127.0.0.1:1080", "socks5h://127.0.0.1:1080" },
		{ "HTTPS://[::1]:443", "HTTPS://[::1]:443" },
		{ "ftp://proxy.lan:21", NULL },
		{ "http://", NULL },
		{ "http://proxy lan:3128", NULL },
		{ "http://proxy.lan:99999", NULL },
		{ "http://proxy.lan:3128/path", NULL },
		{ "http://u:SeCrEt@", NULL },
		{ "", NULL },
	};
	struct test_auth_dir	 t;
	struct config		*c;
	char			 err[CONFIG_ERR_LEN], *ini;
	size_t			 i;

	(void)state;
	test_auth_setup(&t, "", "[feeds]\nlist = feeds.txt\n");
	c = config_load(t.conf, err, sizeof(err));
	assert_non_null(c);
	assert_null(c->proxy);
	config_free(c);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		xasprintf(&ini, "[feeds]\nlist = feeds.txt\n[poll]\n"
		    "proxy = %s\n", cases[i].value);
		test_auth_file(&t, "c.conf", ini, 0600);
		free(ini);
		err[0] = '\0';
		c = config_load(t.conf, err, sizeof(err));
		if (cases[i].want == NULL) {
			if (c != NULL)
				fail_msg("'%s' loaded", cases[i].value);
			assert_non_null(strstr(err, ":4: proxy: expected "));
			assert_null(strstr(err, "SeCrEt"));
			continue;
		}
		if (c == NULL)
			fail_msg("'%s': %s", cases[i].value, err);
		assert_string_equal(c->proxy, cases[i].want);
		config_free(c);
	}
	test_auth_teardown(&t);
}

/* [poll] resolver: an address, a port, and nothing else. */
static void
test_config_resolver(void **state)
{
	static const struct {
		const char	*value;
		bool		 ok;
	} cases[] = {
		{ "127.0.0.1", true },
		{ "127.0.0.1:5353", true },
		{ "::1", true },
		{ "[::1]:53", true },
		{ "dns.example", false },
		{ "127.0.0.1:0", false },
		{ "127.0.0.1:70000", false },
		{ "[::1]", false },
		{ "1.2.3", false },
	};
	struct test_auth_dir	 t;
	struct config		*c;
	char			 err[CONFIG_ERR_LEN], *ini;
	size_t			 i;

	(void)state;
	test_auth_setup(&t, "", "[feeds]\nlist = feeds.txt\n");
	c = config_load(t.conf, err, sizeof(err));
	assert_non_null(c);
	assert_null(c->resolver);
	config_free(c);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		xasprintf(&ini, "[feeds]\nlist = feeds.txt\n[poll]\n"
		    "resolver = %s\n", cases[i].value);
		test_auth_file(&t, "c.conf", ini, 0600);
		free(ini);
		err[0] = '\0';
		c = config_load(t.conf, err, sizeof(err));
		if (!cases[i].ok) {
			if (c != NULL)
				fail_msg("'%s' loaded", cases[i].value);
			assert_non_null(strstr(err, ":4: resolver: expected "));
			continue;
		}
		if (c == NULL)
			fail_msg("'%s': %s", cases[i].value, err);
		assert_string_equal(c->resolver, cases[i].value);
		config_free(c);
	}
	test_auth_teardown(&t);
}

/* The export names the auth file, never what it holds, and reads back. */
static void
test_config_feed_auth_opml(void **state)
{
	struct test_auth_dir	 t;
	struct config_feed	*back;
	struct config		*c;
	char			 err[CONFIG_ERR_LEN], *path, *text;
	size_t			 nback, len;
	FILE			*f;

	(void)state;
	test_auth_setup(&t, "http://a.example/1 auth=a.auth\n",
	    "[feeds]\nlist = feeds.txt\n");
	test_auth_file(&t, "a.auth", "bearer SeCrEt\n", 0600);
	assert_non_null(c = config_load(t.conf, err, sizeof(err)));
	xasprintf(&path, "%s/out.opml", t.dir);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(config_feeds_write_opml(f, c->feeds, c->nfeeds), 0);
	fclose(f);
	assert_int_equal(util_read_file(path, 1 << 20, &text, &len, err,
	    sizeof(err)), 0);
	assert_null(strstr(text, "SeCrEt"));
	assert_non_null(strstr(text, " cw:auth=\""));
	assert_int_equal(config_feeds_load(path, &back, &nback, err,
	    sizeof(err)), 0);
	assert_int_equal(nback, 1);
	assert_int_equal(back[0].auth, CONFIG_AUTH_BEARER);
	assert_string_equal(back[0].auth_secret, "SeCrEt");
	assert_string_equal(back[0].auth_file, c->feeds[0].auth_file);
	config_feeds_free(back, nback);
	free(text);
	free(path);
	config_free(c);
	test_auth_teardown(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_full),
		cmocka_unit_test(test_config_cluster),
		cmocka_unit_test(test_config_cluster_url_case),
		cmocka_unit_test(test_config_long_lines),
		cmocka_unit_test(test_config_defaults),
		cmocka_unit_test(test_config_example_matches_defaults),
		cmocka_unit_test(test_config_example_files),
		cmocka_unit_test(test_config_plain_list),
		cmocka_unit_test(test_config_opml_list),
		cmocka_unit_test(test_config_relative_paths),
		cmocka_unit_test(test_config_bad_files),
		cmocka_unit_test(test_config_missing_file),
		cmocka_unit_test(test_config_feeds_error_keeps_output),
		cmocka_unit_test(test_config_large_list),
		cmocka_unit_test(test_config_free_null),
		cmocka_unit_test(test_config_every_error),
		cmocka_unit_test(test_config_bom_list),
		cmocka_unit_test(test_config_opml_folders),
		cmocka_unit_test(test_config_opml_readers),
		cmocka_unit_test(test_config_feed_auth),
		cmocka_unit_test(test_config_feed_auth_errors),
		cmocka_unit_test(test_config_proxy),
		cmocka_unit_test(test_config_resolver),
		cmocka_unit_test(test_config_feed_auth_opml),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
