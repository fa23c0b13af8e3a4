/*
 * Unit tests for config_notify: [notify] and [notify NAME] sinks parsed
 * into struct config_notify (every key, the defaults that name the
 * stream), and a table of broken sinks with the exact "FILE:LINE:
 * message" each gives; no message may show a header value or a URL's
 * path, which carry tokens.  Config files are written to a temporary
 * directory beside an empty feed list.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "util.h"

static char	test_dir[64];

/* Writes the [feeds] preamble and body to DIR/t.conf; returns its path. */
static const char *
test_conf(const char *body)
{
	static char	 path[128];
	FILE		*f;

	snprintf(path, sizeof(path), "%s/t.conf", test_dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "[redis]\nstream = s:alerts\n[feeds]\nlist = feeds.txt\n%s",
	    body);
	fclose(f);
	return path;
}

static void
test_config_notify_full(void **state)
{
	struct config		*c;
	struct config_notify	*s;
	char			 err[CONFIG_ERR_LEN];

	(void)state;
	c = config_load(test_conf(
	    "[notify]\nlisten = 127.0.0.1:9188\nconsumer = box1\n"
	    "claim_idle = 2m\n"
	    "[notify slack]\ntype = webhook\n"
	    "url = https://hooks.example/T/B/x?tok=1\n"
	    "header = Authorization: Bearer abc\nheader = X-A: b\n"
	    "body = {\"text\":\"{{summary}}\\n\"}\ntimeout = 250ms\n"
	    "retries = 3\nretry_min = 2s\nretry_max = 1m\n"
	    "allow_private = yes\nkey = a/* b/*\nentity = x -\n"
	    "event = killed\nalert_type = changed\nmin_change = 10%\n"
	    "digest = 5m\nstart = all\n"
	    "[notify mail]\ntype = exec\n"
	    "command = /usr/sbin/sendmail -i \"a b\"\nformat = text\n"
	    "body = Subject: {{key}}\\n\\n{{summary}}\\t\\\\\n"
	    "group = g1\ndead_letter = dl\n"), err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	assert_string_equal(c->notify_listen, "127.0.0.1:9188");
	assert_string_equal(c->notify_consumer, "box1");
	assert_int_equal(c->notify_claim_idle_ms, 120000);
	assert_int_equal(c->nnotify, 2);
	s = &c->notify[0];
	assert_string_equal(s->name, "slack");
	assert_int_equal(s->kind, CONFIG_NOTIFY_WEBHOOK);
	assert_int_equal(s->nheaders, 2);
	assert_string_equal(s->headers[1], "X-A: b");
	assert_null(s->headers[2]);
	/* A JSON body keeps its \n for JSON to read. */
	assert_string_equal(s->body, "{\"text\":\"{{summary}}\\n\"}");
	assert_true(s->body_json);
	assert_int_equal(s->timeout_ms, 250);
	assert_int_equal(s->retries, 3);
	assert_int_equal(s->retry_min_ms, 2000);
	assert_int_equal(s->retry_max_ms, 60000);
	assert_true(s->allow_private);
	assert_int_equal(s->nkeys, 2);
	assert_string_equal(s->keys[1], "b/*");
	assert_int_equal(s->nentities, 2);
	assert_string_equal(s->entities[1], "-");
	assert_true(s->min_change > 0.0999 && s->min_change < 0.1001);
	assert_int_equal(s->digest_ms, 300000);
	assert_true(s->from_start);
	assert_string_equal(s->group, "cw-notify-slack");
	assert_string_equal(s->dead_letter, "s:alerts:dead:slack");
	assert_string_equal(s->content_type, "application/json");
	s = &c->notify[1];
	assert_int_equal(s->kind, CONFIG_NOTIFY_EXEC);
	assert_int_equal(s->argc, 3);
	assert_string_equal(s->argv[0], "/usr/sbin/sendmail");
	assert_string_equal(s->argv[2], "a b");
	assert_null(s->argv[3]);
	assert_false(s->body_json);
	assert_string_equal(s->body, "Subject: {{key}}\n\n{{summary}}\t\\");
	assert_string_equal(s->group, "g1");
	assert_string_equal(s->dead_letter, "dl");
	/* Defaults. */
	assert_int_equal(s->timeout_ms, 10000);
	assert_int_equal(s->retries, 8);
	assert_true(s->min_change < 0);
	assert_int_equal(s->digest_ms, 0);
	assert_false(s->from_start);
	config_free(c);
}

static const struct {
	const char	*body;
	int		 line;		/* of the message, after 4 preamble lines */
	const char	*msg;
} test_config_notify_bad[] = {
	{ "[notify a]\nurl = http://x/\n", 5,
	    "[notify a] has no 'type' (webhook or exec)" },
	{ "[notify a]\ntype = webhook\n", 5,
	    "[notify a] is a webhook without 'url'" },
	{ "[notify a]\ntype = exec\n", 5,
	    "[notify a] is an exec sink without 'command'" },
	{ "[notify a]\n", 5, "[notify a] has no 'type' (webhook or exec)" },
	{ "[notify a]\ntype = mail\n", 6,
	    "type: expected webhook or exec, not 'mail'" },
	{ "[notify a]\ntype = exec\ncommand = sendmail -t\n", 7,
	    "command: the program must be an absolute path (no shell, no "
	    "PATH search), not 'sendmail'" },
	{ "[notify a]\ntype = exec\ncommand = /bin/x \"open\n", 7,
	    "command: unbalanced double quote" },
	{ "[notify a]\nurl = ftp://u:pw@host/secret/path\n", 6,
	    "url: expected an http:// or https:// URL, not "
	    "'ftp://***@host/***'" },
	{ "[notify a]\nheader = Authorization Bearer s3cret\n", 6,
	    "header: expected 'Name: value' (at most 32; the value is not "
	    "shown)" },
	{ "[notify a]\ntimeout = 5 minutes\n", 6,
	    "timeout: expected a duration (250ms, 10s, 5m, 1h) from 100 ms "
	    "to 3600 s, not '5 minutes'" },
	{ "[notify a]\ntimout = 3s\n", 6,
	    "unknown key 'timout' in [notify a] (did you mean 'timeout'?)" },
	{ "[notify a]\nkey = a/*\nkey = b/*\n", 7,
	    "'key' is set twice in [notify a]" },
	{ "[notify a]\ntimeout = 1s\ntimeout = 2s\n", 7,
	    "'timeout' is set twice in [notify a]" },
	{ "[notify a b]\ntype = exec\n", 5,
	    "sink name 'a b': expected 1 to 64 letters, digits, '-', '_' or "
	    "'.'" },
	{ "[notify]\nurl = http://x/\n", 6,
	    "unknown key 'url' in [notify] (known: listen consumer claim_idle; "
	    "sinks go in [notify NAME])" },
	{ "[notify a]\ntype = webhook\nurl = http://x/\nretry_min = 2m\n"
	    "retry_max = 1m\n", 5, "[notify a] has retry_max below retry_min" },
	{ "[notifyx]\n", 5, "unknown section [notifyx] (did you mean "
	    "[notify]?)" },
};

/* Every message of one load, one per line. */
static void
test_config_notify_msg_cb(const char *msg, void *arg)
{
	util_buf_printf(arg, "%s\n", msg);
}

static void
test_config_notify_errors(void **state)
{
	struct util_buf	 all = { 0 };
	struct config	*c;
	char		 want[CONFIG_ERR_LEN];
	size_t		 i, n;

	(void)state;
	for (i = 0; i < sizeof(test_config_notify_bad) /
	    sizeof(test_config_notify_bad[0]); i++) {
		util_buf_reset(&all);
		util_buf_append(&all, "", 0);
		c = config_load_all(test_conf(test_config_notify_bad[i].body),
		    test_config_notify_msg_cb, &all, &n);
		config_free(c);
		if (n == 0)
			fail_msg("case %zu: no error", i);
		snprintf(want, sizeof(want), "%s/t.conf:%d: %s\n", test_dir,
		    test_config_notify_bad[i].line,
		    test_config_notify_bad[i].msg);
		if (strstr(all.data, want) == NULL)
			fail_msg("case %zu:\n got: %s\nwant: %s", i, all.data,
			    want);
		if (strstr(all.data, "s3cret") != NULL ||
		    strstr(all.data, "secret") != NULL ||
		    strstr(all.data, "pw@") != NULL)
			fail_msg("case %zu: a token in a message: %s", i,
			    all.data);
	}
	util_buf_free(&all);
}

static void
test_config_notify_none(void **state)
{
	struct config	*c;
	char		 err[CONFIG_ERR_LEN];

	(void)state;
	c = config_load(test_conf(""), err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(c->nnotify, 0);
	assert_null(c->notify);
	assert_null(c->notify_listen);
	assert_int_equal(c->notify_claim_idle_ms, 300000);
	config_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_notify_full),
		cmocka_unit_test(test_config_notify_errors),
		cmocka_unit_test(test_config_notify_none),
	};
	char	 path[96];
	FILE	*f;
	int	 rc;

	snprintf(test_dir, sizeof(test_dir), "/tmp/cwcfgn.XXXXXX");
	if (mkdtemp(test_dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/feeds.txt", test_dir);
	if ((f = fopen(path, "w")) != NULL)
		fclose(f);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(path);
	snprintf(path, sizeof(path), "%s/t.conf", test_dir);
	unlink(path);
	rmdir(test_dir);
	return rc;
}
