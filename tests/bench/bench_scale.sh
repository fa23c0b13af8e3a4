#!/bin/sh
# The 1M-feed plan checked at this machine's scale (README, "A million
# feeds"): N generated feeds (~25 KB, 20 items) on nginx, D claimwatchd
# --once processes each polling its share of the list (as leases would
# split it) through a Redis Cluster of 3 masters and 3 replicas on
# loopback.  A cold cycle, then a warm one (every feed answers 304).
# Reports wall time, CPU of the daemons and of the Redis nodes per 1,000
# feeds, claims, alerts, and cluster memory per feed after the cold cycle.
# Environment: CW_BUILD, BENCH_FEEDS (default 20000), BENCH_DAEMONS
# (default 3), BENCH_KEEP=1.  Run by name: make bench BENCH=scale.
BENCH_NAME=bench_scale
. "$(dirname "$0")/lib.sh"
[ -x "$B/claimwatchd" ] || fail "$B/claimwatchd missing (make all)"
N=${BENCH_FEEDS:-20000}
D=${BENCH_DAEMONS:-3}
TIME=/usr/bin/time
[ -x "$TIME" ] || fail "/usr/bin/time missing (apt-get install time)"

bench_feeds "$N"
bench_nginx 2
bench_cluster 3 1
MASTERS=""
for p in $CLUSTER_PORTS; do
	redis-cli -p "$p" role | head -1 | grep -q master && MASTERS="$MASTERS $p"
done
mem() {
	for p in $MASTERS; do
		redis-cli -p "$p" info memory | tr -d '\r' |
		    sed -n 's/^used_memory:\([0-9]*\)/\1/p'
	done | awk '{ s += $1 } END { print s }'
}
keys() {
	for p in $MASTERS; do redis-cli -p "$p" dbsize; done |
	    awk '{ s += $1 } END { print s }'
}
MEM0=$(mem)

d=0
while [ "$d" -lt "$D" ]; do
	bench_list "$TMP/feeds-$d.txt" "$N" "$d" "$D"
	mkdir -p "$TMP/state$d"
	bench_conf "$TMP/d$d.conf" "feeds-$d.txt" "cluster = $CLUSTER_SEEDS" \
	    "[daemon]" "state_dir = $TMP/state$d"
	d=$((d + 1))
done

RESULTS=$TMP/results.txt
: >"$RESULTS"
# cycle NAME: the D daemons at once, each --once over its share.
cycle() {
	r0=$(cpu_of $CLUSTER_PIDS)
	t0=$(date +%s.%N)
	pids=""
	d=0
	while [ "$d" -lt "$D" ]; do
		"$TIME" -f '%U %S %M' -o "$TMP/time-$1-$d.txt" \
		    "$B/claimwatchd" -d -c "$TMP/d$d.conf" --once \
		    --log-level info >"$TMP/$1-$d.log" 2>&1 &
		pids="$pids $!"
		d=$((d + 1))
	done
	for p in $pids; do
		wait "$p" || fail "$1: a claimwatchd failed"
	done
	t1=$(date +%s.%N)
	r1=$(cpu_of $CLUSTER_PIDS)
	cpu=$(cat "$TMP"/time-"$1"-*.txt | awk '{ s += $1 + $2 } END { print s }')
	rss=$(cat "$TMP"/time-"$1"-*.txt | awk '$3 > m { m = $3 } END { print m }')
	polls=$(cat "$TMP/$1"-*.log | sed -n 's/.*stopped polls=\([0-9]*\).*/\1/p' |
	    awk '{ s += $1 } END { print s + 0 }')
	alerts=$(cat "$TMP/$1"-*.log |
	    sed -n 's/.*stopped polls=[0-9]* alerts=\([0-9]*\).*/\1/p' |
	    awk '{ s += $1 } END { print s + 0 }')
	claims=$(cat "$TMP/$1"-*.log | sed -n 's/.* claims=\([0-9]*\).*/\1/p' |
	    awk '{ s += $1 } END { print s + 0 }')
	errs=$(cat "$TMP/$1"-*.log | grep -c 'error\|warning' || true)
	[ "$polls" -eq "$N" ] || fail "$1: $polls polls, expected $N"
	echo "$1 $(echo "$t1 $t0" | awk '{ printf "%.2f", $1 - $2 }') $cpu" \
	    "$(echo "$r1 $r0" | awk '{ printf "%.2f", $1 - $2 }')" \
	    "$claims $alerts $errs $rss" >>"$RESULTS"
	echo "  $1: $polls polls, $claims claims, $alerts alerts, $errs errors"
}

echo "cold cycle: $N feeds, $D daemons, cluster of 3 masters + 3 replicas"
cycle cold
used=$(mem)
nkeys=$(keys)
echo "warm cycle (304)"
cycle warm

echo
echo "$D x claimwatchd --once, $N feeds of ~25 KB on nginx (loopback)," \
    "Redis Cluster 3+3, $(nproc) CPUs"
awk -v n="$N" '
BEGIN { printf "%-6s %7s %8s %9s %11s %8s %7s %6s %7s\n", "cycle",
    "wall_s", "feeds/s", "cpu_s/1k", "redis_s/1k", "claims", "alerts",
    "errors", "rss_MB" }
{ printf "%-6s %7.2f %8.0f %9.3f %11.3f %8d %7d %6d %7.1f\n", $1, $2,
    n / ($2 > 0 ? $2 : 0.001), $3 * 1000 / n, $4 * 1000 / n, $5, $6, $7,
    $8 / 1024 }' "$RESULTS"
echo "cluster memory after the cold cycle: $((used - MEM0)) bytes," \
    "$(( (used - MEM0) / N )) bytes per feed, $nkeys keys on the masters"
echo "(cpu_s/1k: all daemons; redis_s/1k: all six nodes, replicas included)"
