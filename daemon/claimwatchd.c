/*
 * claimwatchd: the service.  This file only wires the modules together in
 * the one direction data flows (scheduler → poll → fetch → feed → extract
 * → store) and handles the process: options, signals, reload, the --once
 * drain and sd_notify.  Each poll of a feed is poll.c's; nothing a feed,
 * the network or Redis does may end the process.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <systemd/sd-daemon.h>

#include "check.h"
#include "config.h"
#include "ctx.h"
#include "feed.h"
#include "fetch.h"
#include "gazetteer.h"
#include "http.h"
#include "lexicon.h"
#include "log.h"
#include "metrics.h"
#include "poll.h"
#include "scheduler.h"
#include "store.h"
#include "util.h"
#include "web.h"
#include "work.h"

/* How long SIGTERM waits for in-flight polls and Redis writes. */
#define CLAIMWATCHD_DRAIN_SECONDS 10

/* -h prints this on stdout and exits 0; a wrong option, stderr and 1. */
static void __attribute__((noreturn))
claimwatchd_usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
	    "usage: claimwatchd -c FILE [-d] [--once] [--check-config]\n"
	    "                   [--log-level LEVEL]\n"
	    "  -c, --config FILE    daemon configuration (INI)\n"
	    "  -d, --foreground     plain log lines with a time "
	    "(default under systemd: <N> prefixes)\n"
	    "      --once           poll every feed once, finish all Redis "
	    "writes, exit\n"
	    "      --feed URL       with --once: only this feed of the list\n"
	    "  -n, --check-config   validate the configuration and exit\n"
	    "      --log-level L    error, warning, notice, info, debug\n"
	    "  -V, --version        print the version and exit\n"
	    "  -h, --help           print this help and exit\n");
	exit(status);
}

static void
claimwatchd_notify_status(struct ctx *ctx)
{
	struct util_buf	 b = { 0 };

	metrics_status(ctx, &b);
	sd_notifyf(0, "STATUS=%s", b.data);
	util_buf_free(&b);
}

static void
claimwatchd_connect_cb(bool connected, void *arg)
{
	struct ctx	*ctx = arg;

	if (!connected || ctx->started)
		return;
	/* Polling starts only once the seen sets can be read: alerting
	   without them would repeat every item after a restart. */
	ctx->started = true;
	poll_feeds_start(ctx);
	log_notice("started feeds=%zu", ctx->nfeeds);
	sd_notify(0, "READY=1");
	claimwatchd_notify_status(ctx);
}

/* Every error of a configuration, at start (stderr) and reload (log). */
static void
claimwatchd_conf_error_cb(const char *msg, void *arg)
{
	(void)arg;
	fprintf(stderr, "%s\n", msg);
}

/* The loader's warnings (skipped outlines), once per load. */
static void
claimwatchd_conf_warnings(const struct config *c)
{
	size_t	 i;

	for (i = 0; i < c->nwarnings; i++)
		log_warn("%s", c->warnings[i]);
}

static void
claimwatchd_reload_error_cb(const char *msg, void *arg)
{
	(void)arg;
	log_error("reload rejected, keeping the running configuration: %s",
	    msg);
}

/*
 * SIGHUP: the new configuration, feed list and lexicon are all loaded
 * before anything is swapped, so a bad file leaves the running set intact.
 */
static void
claimwatchd_reload(struct ctx *ctx)
{
	struct config			*conf;
	struct lexicon			*lex;
	struct gazetteer		*gaz;
	struct fetch_options		 fo;
	char				 err[CONFIG_ERR_LEN];
	size_t				 n;

	sd_notify(0, "RELOADING=1");
	ctx->stats.reload_time = util_now();
	ctx->stats.reload_ok = false;
	conf = config_load_all(ctx->conf_path, claimwatchd_reload_error_cb,
	    NULL, &n);
	if (n > 0) {
		config_free(conf);
		goto done;
	}
	claimwatchd_conf_warnings(conf);
	if (check_load_data(conf, &lex, &gaz, NULL, err, sizeof(err)) == -1) {
		claimwatchd_reload_error_cb(err, NULL);
		config_free(conf);
		goto done;
	}
	gazetteer_free(ctx->gaz);
	ctx->gaz = gaz;
	if (strcmp(conf->redis_url, ctx->conf->redis_url) != 0 ||
	    strcmp(conf->prefix, ctx->conf->prefix) != 0 ||
	    strcmp(conf->channel, ctx->conf->channel) != 0)
		log_warn("reload: [redis] changes take effect after a restart");
	lexicon_free(ctx->lex);
	ctx->lex = lex;
	poll_feeds_apply(ctx, conf);
	/* The store keeps the [redis] settings it started with. */
	config_free(ctx->conf);
	ctx->conf = conf;
	if (ctx->log_level == -1)
		log_setlevel(conf->log_level);
	ctx_fetch_options(conf, &fo);
	fetch_set_options(ctx->fetch, &fo);
	poll_reconfigure(ctx);
	ctx->stats.reload_ok = true;
	log_notice("reloaded %s feeds=%zu", ctx->conf_path, ctx->nfeeds);
done:
	sd_notify(0, "READY=1");
	claimwatchd_notify_status(ctx);
}

static void
claimwatchd_stop(struct ctx *ctx)
{
	if (ctx->stopping) {
		log_notice("second signal: exiting now");
		event_base_loopbreak(ctx->base);
		return;
	}
	ctx->stopping = true;
	log_notice("stopping: finishing %zu polls and %zu Redis writes",
	    ctx->inflight, store_pending(ctx->store));
	sd_notify(0, "STOPPING=1");
	poll_stop(ctx, CLAIMWATCHD_DRAIN_SECONDS);
}

static void
claimwatchd_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct ctx	*ctx = arg;

	(void)what;
	/* libevent runs this from the loop, not from the signal handler,
	   so reloading here is safe (see OpenBSD httpd's parent_sig_handler
	   for the same reasoning with its own loop). */
	switch (sig) {
	case SIGHUP:
		if (!ctx->stopping)
			claimwatchd_reload(ctx);
		break;
	default:
		claimwatchd_stop(ctx);
		break;
	}
}

static void
claimwatchd_watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ctx	*ctx = arg;

	(void)fd;
	(void)what;
	sd_notify(0, "WATCHDOG=1");
	claimwatchd_notify_status(ctx);
}

static void
claimwatchd_setup_events(struct ctx *ctx)
{
	uint64_t	 usec;
	struct timeval	 tv;

	ctx->ev_sigterm = evsignal_new(ctx->base, SIGTERM,
	    claimwatchd_signal_cb, ctx);
	ctx->ev_sigint = evsignal_new(ctx->base, SIGINT,
	    claimwatchd_signal_cb, ctx);
	ctx->ev_sighup = evsignal_new(ctx->base, SIGHUP,
	    claimwatchd_signal_cb, ctx);
	ctx->ev_drain = evtimer_new(ctx->base, poll_drain, ctx);
	ctx->ev_next = evtimer_new(ctx->base, poll_next, ctx);
	if (ctx->ev_sigterm == NULL || ctx->ev_sigint == NULL ||
	    ctx->ev_sighup == NULL || ctx->ev_drain == NULL ||
	    ctx->ev_next == NULL)
		fatalx("cannot create signal events");
	evsignal_add(ctx->ev_sigterm, NULL);
	evsignal_add(ctx->ev_sigint, NULL);
	evsignal_add(ctx->ev_sighup, NULL);
	if (ctx->once)
		event_active(ctx->ev_drain, EV_TIMEOUT, 0);
	if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
		usec /= 2;
		tv.tv_sec = (time_t)(usec / 1000000);
		tv.tv_usec = (suseconds_t)(usec % 1000000);
		ctx->ev_watchdog = event_new(ctx->base, -1, EV_PERSIST,
		    claimwatchd_watchdog_cb, ctx);
		if (ctx->ev_watchdog == NULL)
			fatalx("cannot create the watchdog timer");
		event_add(ctx->ev_watchdog, &tv);
	}
}

/* What the command line asks for. */
struct claimwatchd_args {
	const char	*conf_path;
	const char	*only;		/* --feed: the one feed of the list */
	bool		 foreground;
	bool		 check;
	bool		 once;
	int		 level;		/* --log-level, or -1 */
};

/* Parses argv; exits on -h, -V and wrong options. */
static void
claimwatchd_args(int argc, char **argv, struct claimwatchd_args *a)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'd' },
		{ "once", no_argument, NULL, 'o' },
		{ "feed", required_argument, NULL, 'f' },
		{ "check-config", no_argument, NULL, 'n' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch;

	memset(a, 0, sizeof(*a));
	a->level = -1;
	/* journald sets JOURNAL_STREAM for services it reads; elsewhere a
	   human is reading. */
	a->foreground = getenv("JOURNAL_STREAM") == NULL;
	while ((ch = getopt_long(argc, argv, "c:dnVh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			a->conf_path = optarg;
			break;
		case 'd':
			a->foreground = true;
			break;
		case 'o':
			a->once = true;
			break;
		case 'f':
			a->only = optarg;	/* `claimwatch poll URL` */
			break;
		case 'n':
			a->check = true;
			break;
		case 'l':
			if ((a->level = log_level_parse(optarg)) == -1) {
				fprintf(stderr, "claimwatchd: unknown log "
				    "level '%s'\n", optarg);
				exit(1);
			}
			break;
		case 'V':
			printf("claimwatchd %s\n", CW_VERSION);
			exit(0);
		case 'h':
			claimwatchd_usage(0);
		default:
			claimwatchd_usage(1);
		}
	}
	if (optind != argc || a->conf_path == NULL ||
	    (a->only != NULL && !a->once))
		claimwatchd_usage(1);
}

/* The configuration, lexicon and gazetteer, and the feeds to poll. */
static int
claimwatchd_load(struct ctx *ctx, const struct claimwatchd_args *a)
{
	char	 err[CONFIG_ERR_LEN];
	size_t	 i;

	ctx->conf = config_load_all(a->conf_path, claimwatchd_conf_error_cb,
	    NULL, &i);
	if (i > 0) {
		fprintf(stderr, "%s: %zu error%s\n", a->conf_path, i,
		    i == 1 ? "" : "s");
		config_free(ctx->conf);
		ctx->conf = NULL;
		return -1;
	}
	if (a->level == -1)
		log_setlevel(ctx->conf->log_level);
	claimwatchd_conf_warnings(ctx->conf);
	if (check_load_data(ctx->conf, &ctx->lex, &ctx->gaz, NULL, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	poll_feeds_init(ctx, a->only);
	if (a->only != NULL && ctx->nfeeds == 0) {
		fprintf(stderr, "claimwatchd: %s is not in the feed list %s\n",
		    a->only, ctx->conf->feeds_list);
		return -1;
	}
	ctx->once_left = ctx->nfeeds;
	return 0;
}

/* The store, and the http listener with its page when configured. */
static int
claimwatchd_start_store(struct ctx *ctx, const char *conf_path)
{
	struct store_options	 sto;
	struct store_watch	*watches;
	char			*spool, err[CONFIG_ERR_LEN];
	int			 rc = -1;

	ctx_store_options(ctx->conf, &sto, &watches, &spool);
	ctx->store = store_new(ctx->base, &sto, claimwatchd_connect_cb, ctx,
	    err, sizeof(err));
	if (ctx->store == NULL) {
		fprintf(stderr, "%s: [redis] %s\n", conf_path, err);
		goto out;
	}
	rc = 0;
	if (ctx->conf->http_listen == NULL || ctx->conf->http_listen[0] ==
	    '\0' || ctx->once)
		goto out;
	ctx->http = http_new(ctx->base, ctx->conf->http_listen,
	    metrics_render, metrics_health, ctx, err,
	    sizeof(err));
	if (ctx->http == NULL) {
		fprintf(stderr, "%s: [http] listen: %s\n", conf_path, err);
		rc = -1;
		goto out;
	}
	/* The page reads one Redis with SCAN: on a cluster URL it stays off
	   and the daemon runs on. */
	ctx->web = web_new(ctx->base, ctx->http, &sto, ctx->conf->http_token,
	    err, sizeof(err));
	if (ctx->web == NULL)
		log_warn("http: look-back page off: [redis] %s", err);
	log_notice("http listen=%s port=%d (/, /key/KEY, /api, /metrics, "
	    "/healthz)", ctx->conf->http_listen, http_port(ctx->http));
out:
	free(watches);
	free(spool);
	return rc;
}

/* The fetcher and the scheduler, which need nothing but the loop. */
static void
claimwatchd_start_loop(struct ctx *ctx)
{
	struct fetch_options		 fo;
	struct scheduler_options	 so;
	char				 err[CONFIG_ERR_LEN];

	ctx_fetch_options(ctx->conf, &fo);
	if ((ctx->fetch = fetch_new(ctx->base, &fo, err, sizeof(err))) ==
	    NULL)
		fatalx("fetch: %s", err);
	poll_scheduler_options(ctx, &so);
	if ((ctx->sched = scheduler_new(ctx->base, &so, poll_due, ctx)) ==
	    NULL)
		fatalx("cannot create the scheduler");
}

/* After the loop: stops the modules, frees the context, the status. */
static int
claimwatchd_finish(struct ctx *ctx)
{
	struct store_stats	 stats;
	int			 rc = 0;

	store_get_stats(ctx->store, &stats);
	/*
	 * Polls cut short by the drain deadline still hold their feeds:
	 * stop the modules that could call back into them first (fetch
	 * aborts without callbacks, the store spools what Redis did not
	 * take), then free them.
	 */
	fetch_free(ctx->fetch);
	ctx->fetch = NULL;
	store_free(ctx->store);
	ctx->store = NULL;
	work_free(ctx->work);	/* cancels jobs: their polls go next */
	ctx->work = NULL;
	poll_free_all(ctx);
	log_notice("stopped polls=%llu alerts=%llu",
	    (unsigned long long)ctx->stats.polls, stats.alerts);
	/* --once is run from cron and scripts: total failure must show. */
	if (ctx->once && ctx->nfeeds > 0 &&
	    ctx->stats.by_result[CTX_RESULT_OK] == 0 &&
	    ctx->stats.by_result[CTX_RESULT_NOT_MODIFIED] == 0) {
		log_error("--once: every poll failed (%zu feeds, %llu "
		    "polls); exit status 1", ctx->nfeeds,
		    (unsigned long long)ctx->stats.polls);
		rc = 1;
	}
	ctx_free(ctx);
	return rc;
}

int
main(int argc, char **argv)
{
	struct claimwatchd_args	 a;
	struct check_result	 r;
	struct ctx		*ctx;
	char			 err[CONFIG_ERR_LEN];

	claimwatchd_args(argc, argv, &a);
	if (a.check) {
		check_config(a.conf_path, check_print_cb, NULL, &r);
		return check_verdict(a.conf_path, &r);
	}
	log_init(a.level != -1 ? a.level : LOG_LEVEL_NOTICE, a.foreground);
	log_route_libevent();
	if ((ctx = ctx_new()) == NULL)
		fatalx("cannot create the event loop");
	ctx->once = a.once;
	ctx->log_level = a.level;
	ctx->conf_path = xstrdup(a.conf_path);
	if (claimwatchd_load(ctx, &a) == -1) {
		ctx_free(ctx);
		return 1;
	}
	ctx->stats.reload_time = ctx->stats.started_at = util_now();
	ctx->stats.reload_ok = true;
	signal(SIGPIPE, SIG_IGN);
	/* Past a file-size limit, a spool write must fail with EFBIG and be
	   reported, not kill the daemon. */
	signal(SIGXFSZ, SIG_IGN);
	claimwatchd_start_loop(ctx);
	claimwatchd_setup_events(ctx);
	if (claimwatchd_start_store(ctx, a.conf_path) == -1) {
		ctx_free(ctx);
		return 1;
	}
	log_notice("claimwatchd %s starting config=%s feeds=%zu%s",
	    CW_VERSION, a.conf_path, ctx->nfeeds, a.once ? " once" : "");
	/* Said once, up or down: the README's "When Redis is away". */
	log_notice("waiting for Redis url=%s before the first poll (the "
	    "items already seen are kept there); after that, polling goes "
	    "on through Redis outages", ctx->conf->redis_url);
	/* Two workers: parsing uses the second core, never the loop. */
	feed_init();
	if ((ctx->work = work_new(ctx->base, 2, err, sizeof(err))) == NULL)
		log_warn("no worker threads (%s): documents are read on the "
		    "event loop", err);
	event_base_dispatch(ctx->base);
	return claimwatchd_finish(ctx);
}
