#!/bin/sh
# Where a cold cycle's instructions go: N generated feeds (default 300, the
# same as bench_fetch.sh's) on nginx, one `claimwatchd --once` against a
# fresh redis-server under `valgrind --tool=callgrind`, which counts
# instructions and so gives the same answer on a loaded machine.  Prints
# the total, the instructions per feed and the top inclusive functions.
# Run by hand: sh tests/bench/profile_cold.sh (CW_BUILD, BENCH_FEEDS,
# BENCH_KEEP=1 keeps callgrind.out in the temporary directory).
BENCH_NAME=profile_cold
. "$(dirname "$0")/lib.sh"
[ -x "$B/claimwatchd" ] || fail "$B/claimwatchd missing (make all)"
command -v valgrind >/dev/null || fail "valgrind missing (apt-get install valgrind)"
N=${BENCH_FEEDS:-300}

bench_feeds "$N"
bench_nginx 1
bench_redis
bench_list "$TMP/feeds.txt" "$N"
bench_conf "$TMP/bench.conf" feeds.txt "url = redis://127.0.0.1:$REDIS_PORT/0"
valgrind --tool=callgrind --callgrind-out-file="$TMP/callgrind.out" \
    --log-file="$TMP/valgrind.log" \
    "$B/claimwatchd" -d -c "$TMP/bench.conf" --once --log-level info \
    >"$TMP/daemon.log" 2>&1 ||
    fail "claimwatchd failed: $(tail -5 "$TMP/daemon.log")"
grep -o 'stopped polls=[0-9]* alerts=[0-9]*' "$TMP/daemon.log" || true
claims=$(sed -n 's/.* claims=\([0-9]*\).*/\1/p' "$TMP/daemon.log" |
    awk '{ s += $1 } END { print s + 0 }')
total=$(callgrind_annotate "$TMP/callgrind.out" 2>/dev/null |
    sed -n 's/^\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,)
echo "instructions: $total total, $((total / N)) per feed, $N feeds," \
    "$claims claims"
# top FLAGS N: the first N functions of callgrind_annotate FLAGS.
top() {
	callgrind_annotate --auto=no $1 "$TMP/callgrind.out" 2>/dev/null |
	    awk -v t="$total" -v max="$2" '/^ *[0-9,]+ / && n < max {
		v = $1; gsub(",", "", v); $1 = ""; $2 = ""
		sub(/\[\/usr\/lib\/x86_64-linux-gnu\//, "[")
		sub(/ \[\/.*claimwatchd\]/, "")
		printf "%5.1f%% %s\n", 100 * v / t, $0; n++ }'
}
echo "inclusive:"
top --inclusive=yes "${PROFILE_TOP:-45}" | grep -v ' /work/\| \./'
echo "self:"
top "" 25
