/*
 * bench_parse: feed_parse throughput.  Reads every file named on the
 * command line into memory once, then parses the whole set ROUNDS times
 * (-n, default 5) and prints the best round as "files bytes seconds MB/s".
 * Parsing only: no JSON rendering, no I/O inside the timed loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "feed.h"
#include "util.h"

static double
bench_parse_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	char		 err[FEED_ERR_LEN], **data;
	size_t		*len, total = 0;
	double		 best = 1e30, t0, t;
	int		 ch, rounds = 5, i, r, n;
	struct feed	*f;

	while ((ch = getopt(argc, argv, "n:")) != -1) {
		if (ch != 'n') {
			fprintf(stderr, "usage: bench_parse [-n rounds] "
			    "file ...\n");
			return 2;
		}
		rounds = atoi(optarg) > 0 ? atoi(optarg) : 1;
	}
	n = argc - optind;
	if (n <= 0)
		return 2;
	data = xcalloc((size_t)n, sizeof(*data));
	len = xcalloc((size_t)n, sizeof(*len));
	for (i = 0; i < n; i++) {
		if (util_read_file(argv[optind + i], 64 * 1024 * 1024,
		    &data[i], &len[i], err, sizeof(err)) == -1) {
			fprintf(stderr, "bench_parse: %s\n", err);
			return 1;
		}
		total += len[i];
	}
	for (r = 0; r < rounds; r++) {
		t0 = bench_parse_now();
		for (i = 0; i < n; i++) {
			f = feed_parse(data[i], len[i], NULL, NULL, err,
			    sizeof(err));
			feed_free(f);
		}
		if ((t = bench_parse_now() - t0) < best)
			best = t;
	}
	printf("%d %zu %.4f %.2f\n", n, total, best,
	    (double)total / best / 1e6);
	for (i = 0; i < n; i++)
		free(data[i]);
	free(data);
	free(len);
	return 0;
}
