#!/bin/sh
# Feed-parse throughput (a benchmark, not a test): MB/s of feed_parse over
# the conformance corpus and over a generated 10,000-item feed, next to
# `xmllint --stream --noout` on the same bytes, which is the libxml2 floor
# (tokenizing alone).  Best of ROUNDS (default 5) for both.  Uses
# $CW_BUILD/bench/bench_parse (BENCH_PARSE overrides).
set -eu
B=${CW_BUILD:-build}
BIN=${BENCH_PARSE:-$B/bench/bench_parse}
ROUNDS=${ROUNDS:-5}
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

printf '%-22s %6s %10s %10s %10s %10s %7s\n' set files bytes \
    claimwatch xmllint "MB/s" "ratio"
for set in corpus items; do
	# shellcheck disable=SC2046
	set -- $(xargs "$BIN" -n "$ROUNDS" <"$TMP/$set.list")
	files=$1 bytes=$2 secs=$3 mbs=$4
	xsecs=$(xmllint_best "$TMP/$set.list")
	echo "$set $files $bytes $secs $mbs $xsecs" | awk '{
		xm = $3 / $6 / 1e6
		printf "%-22s %6d %10d %9.2fM %9.2fM %10s %6.0f%%\n",
		    $1, $2, $3, $5, xm, "", 100 * $5 / xm }'
done
echo "(MB/s columns: claimwatch feed_parse, xmllint --stream --noout;"
echo " ratio = claimwatch / xmllint, target >= 70%)"
