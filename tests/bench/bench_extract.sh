#!/bin/sh
# Extraction throughput (MB/s, one core) and allocations per claim on a
# few MB of generated mixed id/en news text.  Uses $CW_BUILD/bench/
# bench_extract when the whole library is built; otherwise builds the
# bench by hand in a temporary directory against extract, lexicon and
# the leaves.  BENCH_MB sets the text size (default 8).
set -eu
B=${CW_BUILD:-build}
MB=${BENCH_MB:-8}
bin=$B/bench/bench_extract
tmp=""
if [ ! -x "$bin" ]; then
	tmp=$(mktemp -d)
	bin=$tmp/bench_extract
	${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -g -Iinclude -o "$bin" \
	    tests/bench/bench_extract.c daemon/extract*.c daemon/lexicon*.c \
	    daemon/util.c daemon/log.c daemon/claim.c \
	    $(pkg-config --libs libevent 2>/dev/null || echo -levent)
fi
"$bin" config/lexicon "$MB"
[ -n "$tmp" ] && rm -rf "$tmp"
exit 0
