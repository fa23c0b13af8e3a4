#!/bin/sh
# Feed-parse throughput (a benchmark, not a test): MB/s of feed_parse over
# the conformance corpus and over a generated 10,000-item feed, next to
# `xmllint --stream --noout` on the same bytes, which is the libxml2 floor
# (tokenizing alone).  Best of ROUNDS (default 10) for both.  xmllint's
# time includes its process start, measured on a one-element file and
# shown as a second ratio with that start subtracted.  Uses
# $CW_BUILD/bench/bench_parse (BENCH_PARSE overrides).
set -eu
B=${CW_BUILD:-build}
BIN=${BENCH_PARSE:-$B/bench/bench_parse}
ROUNDS=${ROUNDS:-10}
CORPUS=${CW_CONFORMANCE:-../shared/conformance}
if [ ! -d "$CORPUS/feeds" ]; then
	echo "bench_parse: $CORPUS not found, skipped"
	exit 0
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
sh "$CORPUS/hostile/gen_large.sh" "$TMP" items >/dev/null
find "$CORPUS/feeds" -type f ! -name LICENSE.upstream ! -name '*.json' |
    sort >"$TMP/corpus.list"
echo "$TMP/ten_thousand_items.xml" >"$TMP/items.list"

# Seconds for xmllint to stream every file in the list once, best of N.
xmllint_best() {
	best=""
	i=0
	while [ "$i" -lt "$ROUNDS" ]; do
		s=$(date +%s.%N)
		xargs xmllint --stream --noout <"$1" >/dev/null 2>&1 || true
		e=$(date +%s.%N)
		best=$(echo "$s $e ${best:-1e9}" |
		    awk '{ d = $2 - $1; print (d < $3 ? d : $3) }')
		i=$((i + 1))
	done
	echo "$best"
}

echo "<a/>" >"$TMP/tiny.xml"
echo "$TMP/tiny.xml" >"$TMP/tiny.list"
start=$(xmllint_best "$TMP/tiny.list")
printf '%-8s %6s %10s %12s %12s %8s %12s\n' set files bytes \
    "claimwatch" "xmllint" "ratio" "ratio-start"
for set in corpus items; do
	# shellcheck disable=SC2046
	set -- $(xargs "$BIN" -n "$ROUNDS" <"$TMP/$set.list")
	files=$1 bytes=$2 mbs=$4
	xsecs=$(xmllint_best "$TMP/$set.list")
	# xargs may start xmllint more than once; count each start.
	nstart=$(xargs sh -c 'echo x' sh <"$TMP/$set.list" | wc -l)
	echo "$set $files $bytes $mbs $xsecs $start $nstart" | awk '{
		xm = $3 / $5 / 1e6
		net = $5 - $6 * $7
		xn = (net > 0) ? $3 / net / 1e6 : 0
		r2 = (xn > 0) ? 100 * $4 / xn : 0
		printf "%-8s %6d %10d %9.1fMB/s %9.1fMB/s %7.0f%% %11.0f%%\n",
		    $1, $2, $3, $4, xm, 100 * $4 / xm, r2 }'
done
echo "claimwatch: feed_parse in process; xmllint: --stream --noout;"
echo "ratio-start: xmllint with its ${start}s process start removed."
echo "Target: claimwatch >= 70% of xmllint."
