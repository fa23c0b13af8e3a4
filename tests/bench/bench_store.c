/*
 * bench_store: claims per second through store + alert (building the JSON,
 * the pipelined EVALSHA calls, the Lua compare, PUBLISH and XADD) against
 * a local redis-server, and Redis round trips per polled feed.  Not a
 * test: it prints numbers.  Usage:
 *   bench_store <redis-url> [feeds claims-per-feed window change-%]
 *   bench_store -r <redis-url> <count-file> [feeds]
 * change-% (default 100) is the share of claims that change their key's
 * figure; the others repeat it from another source (corroboration), the
 * common case of a story many outlets carry.  The second form submits
 * feeds one at a time through a counting proxy (bench_store.sh) whose
 * count-file holds the client's write bursts so far, i.e. round trips.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "claim.h"
#include "log.h"
#include "store.h"
#include "util.h"

#define BENCH_KEYS	500

struct bench {
	struct event_base	*base;
	struct store		*store;
	long			 done;
	long			 alerts;
	long			 failed;
	int			 change_pct;	/* 100: every claim changes */
	double			 cur[BENCH_KEYS]; /* each key's figure now */
};

static void
bench_done_cb(int nalerts, void *arg)
{
	struct bench	*b = arg;

	b->done++;
	if (nalerts < 0)
		b->failed++;
	else
		b->alerts += nalerts;
}

static void
bench_loop_until(struct bench *b, long done)
{
	while (b->done < done)
		event_base_loop(b->base, EVLOOP_ONCE);
}

static struct store *
bench_store_new(struct bench *b, const char *url)
{
	struct store_options	 o = { .url = url, .prefix = "cwbench:",
	    .channel = "cwbench:alerts", .stream = "cwbench:alerts",
	    .stream_maxlen = 10000, .tolerance_rel = 0.01 };
	char			 err[256];
	int64_t			 end = util_now_ms() + 5000;

	if ((b->store = store_new(b->base, &o, NULL, NULL, err,
	    sizeof(err))) == NULL)
		fatalx("store_new: %s", err);
	while (!store_is_connected(b->store)) {
		if (util_now_ms() > end)
			fatalx("cannot connect to %s", url);
		event_base_loop(b->base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		usleep(1000);
	}
	return b->store;
}

/*
 * One feed poll: n items with one claim each, on keys shared across
 * feeds so that the script sees new, changed and corroborating figures.
 * With change_pct < 100 the bench tracks each key's figure (batches run
 * in submission order) and repeats it, except for change_pct of the
 * claims, which move it far enough to alert.
 */
static void
bench_submit(struct bench *b, long feed, int n, struct claim *claims,
    struct store_item *items, struct store_claim *sc, char (*ids)[48])
{
	struct feed_state	 st = { .status = 200, .next_due = 0 };
	struct store_batch	 batch = { 0 };
	char			 url[64];
	int			 i;

	snprintf(url, sizeof(url), "https://feed%ld.example/rss", feed % 97);
	for (i = 0; i < n; i++) {
		struct claim	*c = &claims[i];
		long		 k = (feed * n + i) % BENCH_KEYS;
		unsigned long	 h = (unsigned long)(feed * n + i) *
		    2654435761UL;

		memset(c, 0, sizeof(*c));
		snprintf(c->entity, sizeof(c->entity), "entity-%ld", k);
		util_strlcpy(c->event, "killed", sizeof(c->event));
		util_strlcpy(c->unit, "troops", sizeof(c->unit));
		util_strlcpy(c->lang, "id", sizeof(c->lang));
		claim_make_key(c);
		if (b->change_pct >= 100) {
			c->value = 100 * (1 + (feed / 7 + i) % 5);
			c->qualifier = (feed + i) % 3 == 0 ? CLAIM_APPROX :
			    CLAIM_EXACT;
		} else {
			if (b->cur[k] == 0)
				b->cur[k] = 100;
			else if ((int)((h >> 8) % 100) < b->change_pct)
				b->cur[k] = b->cur[k] * 2;
			c->value = b->cur[k];
			c->qualifier = CLAIM_EXACT;
		}
		snprintf(ids[i], sizeof(ids[i]), "item-%ld-%d", feed, i);
		items[i].id = ids[i];
		items[i].hash = (uint64_t)(feed * 131 + i);
		items[i].url = ids[i];
		items[i].title = "Ratusan tentara dikirim ke garis depan";
		items[i].lang = "id";
		items[i].published = 1734566400 + feed * 60;
		sc[i].claim = c;
		sc[i].text = "Sekitar 100 tentara dilaporkan tewas pekan ini.";
		sc[i].item = (size_t)i;
	}
	batch.feed_url = url;
	batch.state = &st;
	batch.items = items;
	batch.nitems = (size_t)n;
	batch.claims = sc;
	batch.nclaims = (size_t)n;
	batch.detected_at = util_now();
	if (store_submit(b->store, &batch, bench_done_cb, b) != 0)
		fatalx("store_submit refused");
}

static long
bench_read_count(const char *path)
{
	FILE	*f;
	long	 n = -1;

	/* The proxy rewrites the file; a torn read just retries. */
	while (n < 0) {
		if ((f = fopen(path, "r")) != NULL) {
			if (fscanf(f, "%ld", &n) != 1)
				n = -1;
			fclose(f);
		}
		if (n < 0)
			usleep(1000);
	}
	return n;
}

int
main(int argc, char **argv)
{
	struct bench		 b = { 0 };
	struct claim		*claims;
	struct store_item	*items;
	struct store_claim	*sc;
	char			(*ids)[48];
	long			 feeds = 2000, window = 64, f, r0, r1;
	int			 n = 50;
	int64_t			 t0, t1;
	bool			 rtt = false;

	log_init(LOG_LEVEL_WARNING, true);
	b.change_pct = 100;
	if (argc > 1 && strcmp(argv[1], "-r") == 0) {
		if (argc < 4)
			fatalx("usage: bench_store -r url count-file [feeds]");
		rtt = true;
		feeds = argc > 4 ? atol(argv[4]) : 100;
		n = 20;
	} else if (argc < 2)
		fatalx("usage: bench_store url [feeds claims window]");
	else {
		if (argc > 2)
			feeds = atol(argv[2]);
		if (argc > 3)
			n = atoi(argv[3]);
		if (argc > 4)
			window = atol(argv[4]);
		if (argc > 5)
			b.change_pct = atoi(argv[5]);
	}
	if (n < 1 || n > 10000 || feeds < 1 || window < 1 ||
	    b.change_pct < 0 || b.change_pct > 100)
		fatalx("bad numbers");
	claims = xcalloc((size_t)n, sizeof(*claims));
	items = xcalloc((size_t)n, sizeof(*items));
	sc = xcalloc((size_t)n, sizeof(*sc));
	ids = xcalloc((size_t)n, sizeof(*ids));
	b.base = event_base_new();
	bench_store_new(&b, argv[rtt ? 2 : 1]);

	if (rtt) {
		r0 = bench_read_count(argv[3]);
		for (f = 0; f < feeds; f++) {
			bench_submit(&b, f, n, claims, items, sc, ids);
			bench_loop_until(&b, f + 1);
		}
		usleep(100000);
		r1 = bench_read_count(argv[3]);
		printf("round_trips_per_feed %.2f (%ld feeds, %d claims "
		    "each, %ld round trips)\n", (double)(r1 - r0) / feeds,
		    feeds, n, r1 - r0);
	} else {
		t0 = util_now_ms();
		for (f = 0; f < feeds; f++) {
			/* Claims are built on submit, so arrays are reused. */
			bench_submit(&b, f, n, claims, items, sc, ids);
			if (f - b.done >= window)
				bench_loop_until(&b, f - window + 1);
		}
		bench_loop_until(&b, feeds);
		t1 = util_now_ms();
		printf("claims_per_second %.0f (%ld claims in %lld ms, "
		    "%ld feeds, %d%% change, %ld alerts, %ld failed)\n",
		    (double)(feeds * n) * 1000.0 / (double)(t1 - t0 + 1),
		    feeds * n, (long long)(t1 - t0), feeds, b.change_pct,
		    b.alerts, b.failed);
	}
	store_free(b.store);
	event_base_free(b.base);
	free(claims);
	free(items);
	free(sc);
	free(ids);
	return b.failed == 0 ? 0 : 1;
}
