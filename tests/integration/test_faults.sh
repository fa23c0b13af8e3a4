#!/bin/sh
# Fault drills (issue 8) against the running daemon, all on loopback: a
# feed server that stalls, resets connections, sends a truncated chunked
# body, or sends 1 byte per second; SIGTERM while transfers are in flight;
# a storm of 100 SIGHUPs in about a second with the feed list changing
# between them.  One healthy feed sits beside the faulty ones and gains an
# item during every drill, so each drill must yield exactly one alert on a
# redis-cli SUBSCRIBE: none lost, none repeated.  After each drill the
# daemon must still be alive, still polling the healthy feed, and its
# VmRSS back within CW_RSS_SLACK_KB of the level measured after warm-up
# (default 2048 KB, 16384 KB for the sanitizer build).  Redis faults and
# the spool are test_redis_fault.sh's.
. "$(dirname "$0")/lib.sh"

WWW=$CW_TMP/www
ITEMS=$CW_TMP/items
mkdir -p "$WWW" "$ITEMS"
# The plain build's RSS comes back within a few hundred KB; ASan's stack
# depot and allocator caches keep growing as new code paths run, so the
# sanitizer build gets a wider slack.
if grep -q __asan_init "$CW_BUILD/claimwatchd" 2>/dev/null; then
	SLACK=${CW_RSS_SLACK_KB:-16384}
else
	SLACK=${CW_RSS_SLACK_KB:-2048}
fi
DRAIN=10	# CLAIMWATCHD_DRAIN_SECONDS in daemon/claimwatchd.c

# item NAME DATE TEXT: one RSS item whose description is TEXT.
item() {
	cat >"$ITEMS/$1.xml" <<EOI
<item>
<title>Kabar Kursk: $1</title>
<link>http://news.example.test/faults/$1</link>
<guid>http://news.example.test/faults/$1</guid>
<pubDate>$2</pubDate>
<description>$3</description>
</item>
EOI
}
# Figures reported about North Korean troops in Russia, in our own words.
item d1500 'Tue, 22 Oct 2024 14:18:00 +0700' \
    'Korea Utara telah menempatkan 1.500 tentara di Rusia.'
item d3000 'Thu, 24 Oct 2024 10:00:00 +0700' \
    'Intelijen Korea Selatan kini memperkirakan Korea Utara sudah
mengirim 3.000 tentara ke Rusia.'
item d11000 'Wed, 30 Oct 2024 10:00:00 +0700' \
    'Ukraina menyebut 11.000 tentara Korea Utara sedang berlatih di
Rusia timur.'
item k100 'Thu, 19 Dec 2024 09:00:00 +0700' \
    'Sekitar 100 tentara Korea Utara tewas di Kursk.'
item c3000 'Mon, 13 Jan 2025 09:00:00 +0700' \
    'Lebih dari 3.000 tentara Korea Utara tewas atau terluka sejauh ini.'
item d14000 'Sun, 27 Apr 2025 10:00:00 +0700' \
    'Pyongyang mengakui telah mengirim sekitar 14.000 tentara ke Kursk.'
item w1000 'Fri, 20 Dec 2024 09:00:00 +0700' \
    'Sekitar 1.000 tentara Korea Utara terluka dalam pertempuran.'
item quiet 'Fri, 20 Dec 2024 10:00:00 +0700' \
    'Cuaca di Kursk dingin dan berangin pekan ini.'

# feed FILE ITEM...: writes an RSS feed atomically (newest item first).
feed() {
	out=$1
	shift
	{
		printf '<?xml version="1.0" encoding="UTF-8"?>\n'
		printf '<rss version="2.0"><channel>\n'
		printf '<title>Fault drill</title>\n'
		printf '<link>http://news.example.test/</link>\n'
		printf '<language>id</language>\n'
		for i in "$@"; do cat "$ITEMS/$i.xml"; done
		printf '</channel></rss>\n'
	} >"$WWW/$out.tmp"
	mv "$WWW/$out.tmp" "$WWW/$out"
}
HEALTHY="d1500"
grow() {
	HEALTHY="$1 $HEALTHY"
	# shellcheck disable=SC2086
	feed kabar.xml $HEALTHY
}

cw_start_redis
cw_start_httpd "$WWW"
U=$HTTP_URL
HLOG=$CW_TMP/httpd.log
DLOG=$CW_TMP/daemon.log
# shellcheck disable=SC2086
feed kabar.xml $HEALTHY
feed luka.xml w1000
for f in sepi1 sepi2 sepi3; do
	feed $f.xml quiet
done

# conf TIMEOUT: the daemon's configuration with a transfer timeout.
conf() {
	cat >"$CW_TMP/claimwatch.conf.tmp" <<EOC
[redis]
url = $REDIS_URL
prefix = flt:
channel = flt:alerts
[feeds]
list = feeds.txt
[poll]
interval = 1
min_interval = 1
max_interval = 2
connect_timeout = 1
timeout = $1
allow_private = yes
[extract]
lexicon_dir = $CW_ROOT/config/lexicon
[alerts]
max_age = 0
[http]
listen =
EOC
	mv "$CW_TMP/claimwatch.conf.tmp" "$CW_TMP/claimwatch.conf"
}
# feeds PATH...: the feed list, written atomically.
feeds() {
	for p in "$@"; do
		echo "$U/$p"
	done >"$CW_TMP/feeds.txt.tmp"
	mv "$CW_TMP/feeds.txt.tmp" "$CW_TMP/feeds.txt"
}
conf 3
feeds kabar.xml

ALERTS=$CW_TMP/alerts
cw_subscribe flt:alerts "$ALERTS"
count() { grep -c '^{' "$ALERTS.raw" || true; }
dump() {
	echo "--- daemon log (tail)"
	tail -40 "$DLOG"
	echo "--- alerts"
	grep '^{' "$ALERTS.raw" | jq -c '[.type, .key, .current.value]'
}
need() {
	cw_wait_for "$1" "${3:-20}" || { dump; cw_fail "$2"; }
}
# Requests the test server logged for path $1.
nreq() { awk -v u="$1" '$2 == u' "$HLOG" | wc -l; }
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$DAEMON_PID/status"; }
alive() {
	kill -0 "$DAEMON_PID" 2>/dev/null ||
	    { dump; cw_fail "claimwatchd died during $1"; }
}
# ASan's quarantine (256 MB by default) holds freed memory back, so RSS
# would climb with every poll in the sanitizer build; a small one still
# catches a use after free of recent memory and lets RSS mean something.
start_daemon() {
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=4" \
	    "$CW_BUILD/claimwatchd" -d -c "$CW_TMP/claimwatch.conf" \
	    --log-level info >>"$DLOG" 2>&1 &
	DAEMON_PID=$!
	CW_PIDS="$CW_PIDS $DAEMON_PID"
}
# expect N KEY VALUE: exactly N alerts so far, the last one for KEY=VALUE,
# and no two alerts for the same key and figure.  (Conditions given to
# need are eval'ed inside cw_wait_for, so they name globals, never $1.)
expect() {
	want=$1
	need '[ "$(count)" -ge "$want" ]' "alert $1 ($2 $3) never came" 20
	sleep 1
	[ "$(count)" -eq "$1" ] ||
	    { dump; cw_fail "expected $1 alerts, got $(count)"; }
	last=$(grep '^{' "$ALERTS.raw" | tail -1)
	echo "$last" | jq -e --arg k "$2" --argjson v "$3" \
	    '.key == $k and .current.value == $v' >/dev/null ||
	    { dump; cw_fail "alert $1 is not $2=$3: $last"; }
	dups=$(grep '^{' "$ALERTS.raw" | jq -c '[.key, .current.value]' |
	    sort | uniq -d)
	[ -z "$dups" ] || { dump; cw_fail "duplicate alerts: $dups"; }
}
# healthy_polls LABEL: the healthy feed is polled at least twice more.
healthy_polls() {
	h=$(nreq /kabar.xml)
	need '[ "$(nreq /kabar.xml)" -ge $((h + 2)) ]' \
	    "healthy feed not polled during $1" 10
}
# rss_check LABEL: VmRSS within SLACK of the warm-up level.
rss_check() {
	now=$(rss)
	echo "rss $1: ${now} KB (warm-up $BASE KB, slack $SLACK KB)"
	[ "$now" -le $((BASE + SLACK)) ] ||
	    { dump; cw_fail "$1: VmRSS $now KB > $BASE + $SLACK KB"; }
}
# reload PATH...: new feed list, one SIGHUP, wait until applied.
reload() {
	n=$(grep -c 'reloaded ' "$DLOG" || true)
	feeds "$@"
	kill -HUP "$DAEMON_PID"
	need '[ "$(grep -c "reloaded " "$DLOG")" -gt "$n" ]' "reload ignored" 10
}

# Warm-up: the healthy feed alerts once, a few polls settle the heap.
start_daemon
expect 1 north-korea/deployed/people 1500
healthy_polls warm-up
healthy_polls warm-up
BASE=$(rss)
echo "rss warm-up: $BASE KB"

# drill NAME PATH ITEM N KEY VALUE: the faulty feed PATH beside the
# healthy one for a few of its timeouts while the healthy feed gains ITEM.
drill() {
	name=$1
	fault=$2
	reload kabar.xml "$fault"
	need '[ "$(nreq "/$fault")" -ge 1 ]' \
	    "$name: faulty feed never requested" 10
	grow "$3"
	expect "$4" "$5" "$6"
	healthy_polls "$name"
	# Long enough for a 3 s timeout and a retry after the backoff.
	sleep 4
	alive "$name"
	f=$(nreq "/$2")
	[ "$f" -ge 2 ] ||
	    { dump; cw_fail "$name: faulty feed polled $f times, no retry"; }
	reload kabar.xml
	healthy_polls "$name"
	alive "$name"
	rss_check "$name"
	echo "drill $name ok: $f faulty requests"
}
drill stall _/stall d3000 2 north-korea/deployed/people 3000
drill reset _/reset d11000 3 north-korea/deployed/people 11000
drill truncated _/truncated k100 4 north-korea/killed/people 100
drill drip '_/drip?bytes=3600' c3000 5 north-korea/casualties/people 3000
grep -q 'error=' "$DLOG" || cw_fail "no transfer error logged at all"

# SIGTERM during a poll: a stalled and a dripping transfer outlive the
# drain limit (timeout 60 s), and the healthy feed has just gained an item
# whose poll may be in flight.  The daemon must exit 0 within the drain
# limit; after a restart the item has alerted exactly once.
conf 60
s=$(nreq /_/stall)
d=$(nreq '/_/drip?bytes=3600')
reload kabar.xml _/stall '_/drip?bytes=3600'
need '[ "$(nreq /_/stall)" -gt "$s" ] &&
    [ "$(nreq "/_/drip?bytes=3600")" -gt "$d" ]' \
    "stall and drip transfers not started" 10
h=$(nreq /kabar.xml)
grow d14000
need '[ "$(nreq /kabar.xml)" -gt "$h" ]' "healthy feed not polled" 10
t0=$(date +%s.%N)
kill -TERM "$DAEMON_PID"
rc=0
wait "$DAEMON_PID" || rc=$?
t1=$(date +%s.%N)
took=$(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }')
echo "SIGTERM with 2 transfers in flight: exit $rc after ${took}s"
[ "$rc" -eq 0 ] ||
    { dump; cw_fail "claimwatchd exited $rc on SIGTERM during a poll"; }
awk -v t="$took" -v d="$DRAIN" 'BEGIN { exit !(t <= d + 3) }' ||
    cw_fail "SIGTERM took ${took}s, drain limit is ${DRAIN}s"
grep -q 'stopped polls=' "$DLOG" || cw_fail "no clean stop logged"

conf 3
feeds kabar.xml
start_daemon
need '[ "$(grep -c "started feeds=" "$DLOG")" -ge 2 ]' "no restart" 10
healthy_polls restart
healthy_polls restart
expect 6 north-korea/deployed/people 14000
[ "$(cw_redis XLEN flt:alerts)" -eq 6 ] ||
    cw_fail "stream does not hold 6 alerts"
echo "drill sigterm ok: d14000 alerted once across the restart"
BASE=$(rss)
echo "rss warm-up after restart: $BASE KB"

# SIGHUP storm: 100 signals in about a second, the feed list changing
# before each, with no pause, so that reloads outrun Redis: a feed one
# reload adds is dropped by the next while its stored state is still being
# read, or while its poll is in flight.  luka.xml (one claim) comes and goes about 50 times and
# must alert once; the final list is kabar, luka, sepi1.
r0=$(grep -c 'reloaded ' "$DLOG")
t0=$(date +%s.%N)
i=1
while [ "$i" -le 100 ]; do
	set -- kabar.xml
	[ $((i % 2)) -eq 1 ] && set -- "$@" luka.xml
	[ $((i % 3)) -eq 0 ] && set -- "$@" sepi1.xml
	[ $((i % 4)) -ne 0 ] && set -- "$@" sepi2.xml
	[ $((i % 5)) -eq 0 ] && set -- "$@" sepi3.xml
	[ "$i" -eq 100 ] && set -- kabar.xml luka.xml sepi1.xml
	feeds "$@"
	kill -HUP "$DAEMON_PID"
	i=$((i + 1))
done
t1=$(date +%s.%N)
alive "SIGHUP storm"
sleep 1
echo "SIGHUP storm: 100 signals in" \
    "$(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }')s," \
    "$(($(grep -c 'reloaded ' "$DLOG") - r0)) reloads logged"
expect 7 north-korea/wounded/people 1000
healthy_polls "SIGHUP storm"
sleep 2
# Only the final set is polled now.
s1=$(nreq /sepi1.xml)
s2=$(nreq /sepi2.xml)
s3=$(nreq /sepi3.xml)
l=$(nreq /luka.xml)
healthy_polls "SIGHUP storm"
healthy_polls "SIGHUP storm"
[ "$(nreq /sepi2.xml)" -eq "$s2" ] && [ "$(nreq /sepi3.xml)" -eq "$s3" ] ||
    { dump; cw_fail "feeds removed by the storm are still polled"; }
[ "$(nreq /sepi1.xml)" -gt "$s1" ] && [ "$(nreq /luka.xml)" -gt "$l" ] ||
    { dump; cw_fail "feeds of the final list are not polled"; }
n=$(grep -c 'reloaded ' "$DLOG")
kill -HUP "$DAEMON_PID"
need '[ "$(grep -c "reloaded " "$DLOG")" -gt "$n" ]' "reload ignored" 10
grep 'reloaded ' "$DLOG" | tail -1 | grep -q 'feeds=3$' ||
    { dump; cw_fail "final feed set is not 3 feeds"; }
[ "$(count)" -eq 7 ] || { dump; cw_fail "alerts after the storm: $(count)"; }
alive "SIGHUP storm"
rss_check "SIGHUP storm"
echo "drill sighup-storm ok"

kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID" || cw_fail "claimwatchd exited $? on the last SIGTERM"
[ "$(cw_redis XLEN flt:alerts)" -eq 7 ] ||
    cw_fail "stream does not hold 7 alerts"
echo "faults ok: 7 alerts, none lost, none repeated"
