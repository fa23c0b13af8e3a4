#!/bin/sh
# Fetch benchmark (issue 3): N generated feeds (about 25 KB, 20 items) served
# by Debian's nginx on a free loopback port, claimwatchd --once against
# them with a fresh redis-server, each cycle measured by /usr/bin/time:
#   (a) cold, every feed and item new;  (b) warm, same Redis, every feed
#   answers 304;  (c) 10% of the feeds gained 2 items;  (d) cold at a
#   tenth of N, to split peak RSS into a fixed base and a per-feed part.
# Also reports the CPU redis-server and nginx spent per cycle, so a slow
# cycle can be pinned on the daemon, the store or the server.
# Environment: CW_BUILD (default build), BENCH_FEEDS (default 10000),
# BENCH_KEEP=1 keeps the temporary directory.
BENCH_NAME=bench_fetch
. "$(dirname "$0")/lib.sh"
[ -x "$B/claimwatchd" ] || fail "$B/claimwatchd missing (make all)"
N=${BENCH_FEEDS:-10000}
NB=$((N / 10))
TIME=/usr/bin/time
[ -x "$TIME" ] || fail "/usr/bin/time missing (apt-get install time)"

bench_feeds "$N"
size=$(($(du -sb "$TMP/www" | cut -f1) / 1024))
bench_nginx 2

stop_redis() {
	kill "$REDIS_PID" 2>/dev/null || true
	wait "$REDIS_PID" 2>/dev/null || true
}

# config NFEEDS: a configuration polling the first NFEEDS feeds.
config() {
	bench_list "$TMP/feeds-$1.txt" "$1"
	bench_conf "$TMP/bench-$1.conf" "feeds-$1.txt" \
	    "url = redis://127.0.0.1:$REDIS_PORT/0"
}

RESULTS=$TMP/results.txt
: >"$RESULTS"
# run NAME NFEEDS: one --once cycle; appends a results row.
run() {
	log=$TMP/daemon-$1.log
	r0=$(cpu_of "$REDIS_PID")
	n0=$(cpu_of $NGINX_ALL)
	"$TIME" -f '%e %U %S %M' -o "$TMP/time-$1.txt" \
	    "$B/claimwatchd" -d -c "$TMP/bench-$2.conf" --once \
	    --log-level info >"$log" 2>&1 || fail "$1: claimwatchd failed: $(tail -5 "$log")"
	r1=$(cpu_of "$REDIS_PID")
	n1=$(cpu_of $NGINX_ALL)
	polls=$(sed -n 's/.*stopped polls=\([0-9]*\).*/\1/p' "$log")
	[ "${polls:-0}" -eq "$2" ] || fail "$1: $polls polls, expected $2"
	errs=$(grep -c 'error=\|warning' "$log" || true)
	full=$(grep -c ' status=200 items=' "$log" || true)
	new=$(sed -n 's/.* new=\([0-9]*\) .*/\1/p' "$log" |
	    awk '{ s += $1 } END { print s + 0 }')
	claims=$(sed -n 's/.* claims=\([0-9]*\).*/\1/p' "$log" |
	    awk '{ s += $1 } END { print s + 0 }')
	alerts=$(sed -n 's/.*stopped polls=[0-9]* alerts=\([0-9]*\).*/\1/p' "$log")
	read -r wall usr sys rss <"$TMP/time-$1.txt"
	echo "$1 $2 $wall $usr $sys $rss $full $new $alerts $errs" \
	    "$(echo "$r1 $r0" | awk '{ printf "%.2f", $1 - $2 }')" \
	    "$(echo "$n1 $n0" | awk '{ printf "%.2f", $1 - $2 }')" \
	    "$claims" >>"$RESULTS"
	echo "  $1: ${wall}s wall, 200s=$full new_items=$new claims=$claims" \
	    "alerts=$alerts"
}

# redis_mem NAME NFEEDS: Redis memory per feed after a cycle, and the
# mean MEMORY USAGE of each kind of key (sampled), for the 1M-feed plan.
redis_mem() {
	used=$(redis-cli -p "$REDIS_PORT" info memory | tr -d '\r' |
	    sed -n 's/^used_memory:\([0-9]*\)/\1/p')
	keys=$(redis-cli -p "$REDIS_PORT" dbsize)
	echo "  $1: redis used_memory $used bytes, $keys keys," \
	    "$(( (used - MEM0) / $2 )) bytes per feed"
	for kind in f:*}:state f:*}:seen f:*}:seenz f:*}:lease k:*}:cur \
	    k:*}:hist k:*}:src; do
		redis-cli -p "$REDIS_PORT" --scan --pattern "{bench:$kind" |
		    head -200 >"$TMP/sample"
		n=$(wc -l <"$TMP/sample")
		[ "$n" -gt 0 ] || continue
		tot=$(while read -r k; do
			redis-cli -p "$REDIS_PORT" memory usage "$k"
		done <"$TMP/sample" | awk '{ s += $1 } END { print s }')
		all=$(redis-cli -p "$REDIS_PORT" --scan --pattern \
		    "{bench:$kind" | wc -l)
		echo "    $kind: $all keys, mean $((tot / n)) bytes"
	done
}

bench_redis
MEM0=$(redis-cli -p "$REDIS_PORT" info memory | tr -d '\r' |
    sed -n 's/^used_memory:\([0-9]*\)/\1/p')
config "$N"
echo "cold cycle, $N feeds"
run cold "$N"
redis_mem cold "$N"
echo "warm cycle (304), same Redis"
run warm "$N"
python3 "$ROOT/tests/bench/gen_feeds.py" "$TMP/www" "$N" --grow 10
echo "10% of feeds gained 2 items"
run grew "$N"
stop_redis
bench_redis
config "$NB"
echo "cold cycle, $NB feeds (fresh Redis)"
run base "$NB"
stop_redis

echo
echo "claimwatchd --once, $N feeds of ~$((size / N)) KB on nginx (loopback)," \
    "$(nproc) CPUs, max_total=64"
awk -v n="$N" -v nb="$NB" '
function row(name, r) {
	split(r, f, " ")
	cpu = f[4] + f[5]
	printf "%-18s %6d %7.2f %8.0f %7.2f %9.3f %8.1f %6d %6d %6.2f %6.2f %7d %8.0f\n",
	    name, f[2], f[3], f[2] / (f[3] > 0 ? f[3] : 0.001), cpu,
	    cpu * 1000 / f[2], f[6] / 1024, f[7], f[10], f[11], f[12],
	    f[13], f[13] / (cpu > 0 ? cpu : 0.001)
}
{ r[$1] = $0; rss[$1] = $6 }
END {
	printf "%-18s %6s %7s %8s %7s %9s %8s %6s %6s %6s %6s %7s %8s\n",
	    "cycle", "feeds", "wall_s", "feeds/s", "cpu_s", "cpu_s/1k",
	    "rss_MB", "200s", "errors", "redis", "nginx", "claims",
	    "claims/cpu_s"
	row("(a) cold", r["cold"])
	row("(b) warm 304", r["warm"])
	row("(c) 10% grew", r["grew"])
	row("(d) cold base", r["base"])
	per = (rss["cold"] - rss["base"]) / (n - nb)
	base = rss["base"] - per * nb
	fmt = "peak RSS: base %.1f MB + %.2f KB per feed (from %d and %d feeds)\n"
	printf fmt, base / 1024, per, nb, n
	split(r["cold"], c, " ")
	split(r["warm"], w, " ")
	ok_w = w[2] / w[3] >= 5000 ? "met" : "MISSED"
	ok_c = c[2] / c[3] >= 1000 ? "met" : "MISSED"
	ok_r = per < 4 ? "met" : "MISSED"
	fmt = "targets: warm %s (>= 5000 feeds/s), cold %s (>= 1000 feeds/s), RSS/feed %s (< 4 KB)\n"
	printf fmt, ok_w, ok_c, ok_r
}' "$RESULTS"
echo "(redis, nginx: CPU seconds those servers spent during the cycle;"
echo " claims/cpu_s: claims extracted per CPU second of claimwatchd)"
