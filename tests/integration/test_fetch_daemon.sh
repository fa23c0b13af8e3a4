#!/bin/sh
# Fetch behaviour seen from outside the daemon: claimwatchd polls a dozen
# scripted feeds on the loopback test server, and the server's request log
# (URI, status, time, If-None-Match, Accept-Encoding), the daemon's log,
# /metrics and Redis show the 304 path, gzip, 301 versus 302/307, 429 with
# Retry-After, 410, the body limit (plain and decompressed), a stalled
# server, a redirect loop, the state surviving a restart, and the
# private-address guard.  Feeds poll every 2 s; some carry a max-age of
# 1 s (/_/maxage/1/...), which by design does not make them poll sooner
# (a freshness hint may stretch the interval, never shorten it).
. "$(dirname "$0")/lib.sh"

WWW=$CW_TMP/www
mkdir -p "$WWW"
for f in cond gz moved temp302 temp307; do
	cp "$CW_ROOT/tests/data/fetch/feed.xml" "$WWW/$f.xml"
done

cw_start_redis
cw_start_httpd "$WWW"
U=$HTTP_URL
HLOG=$CW_TMP/httpd.log
DLOG=$CW_TMP/daemon.log
cat >"$CW_TMP/feeds.txt" <<EOF
$U/_/maxage/1/cond.xml
$U/_/gzip/gz.xml
$U/_/redirect/301?to=/_/maxage/1/moved.xml
$U/_/redirect/302?to=/_/maxage/1/temp302.xml
$U/_/redirect/307?to=/_/maxage/1/temp307.xml
$U/_/status/429?after=4
$U/_/status/410
$U/_/big?bytes=300000
$U/_/bomb?mb=1
$U/_/stall
$U/_/loop
EOF
conf() {
	cat <<EOC
[redis]
url = $REDIS_URL
prefix = fd:
channel = fd:alerts
[feeds]
list = $1
[poll]
interval = 2
min_interval = 1
max_interval = 60
connect_timeout = 1
timeout = 3
max_body = 100000
max_redirects = 3
allow_private = $2
[extract]
lexicon_dir = $CW_ROOT/config/lexicon
[alerts]
max_age = 0
[http]
listen = 127.0.0.1:0
EOC
}
conf feeds.txt yes >"$CW_TMP/claimwatch.conf"

start_daemon() {
	"$CW_BUILD/claimwatchd" -d -c "$CW_TMP/claimwatch.conf" \
	    --log-level debug >>"$DLOG" 2>&1 &
	DAEMON_PID=$!
	CW_PIDS="$CW_PIDS $DAEMON_PID"
}
stop_daemon() {
	kill -TERM "$DAEMON_PID"
	wait "$DAEMON_PID" || cw_fail "claimwatchd exited $? on SIGTERM"
}
# Requests whose URI is exactly $1 (status any), from log file $2.
reqs() { awk -v u="$1" '$2 == u' "${2:-$HLOG}"; }
nreq() { reqs "$@" | wc -l; }
# The t= field of request line $2 for URI $1.
req_time() { reqs "$1" | sed -n "${2}p" | sed 's/.* t=\([0-9.]*\).*/\1/'; }
dump() { echo "--- httpd"; cat "$HLOG"; echo "--- daemon"; cat "$DLOG"; }
need() {
	cw_wait_for "$1" "${3:-20}" || { dump; cw_fail "$2"; }
}

T0=$(date +%s)
start_daemon
# First polls are spread over the 2 s interval.
need '[ "$(nreq /_/maxage/1/cond.xml)" -ge 3 ]' "cond.xml not repolled"
need '[ "$(nreq "/_/status/429?after=4")" -ge 2 ]' "429 feed not retried"
need '[ "$(nreq /_/maxage/1/moved.xml)" -ge 2 ]' "moved.xml not polled"
need '[ "$(nreq "/_/redirect/302?to=/_/maxage/1/temp302.xml")" -ge 2 ]' \
    "302 feed not repolled"
need '[ "$(nreq "/_/redirect/307?to=/_/maxage/1/temp307.xml")" -ge 2 ]' \
    "307 feed not repolled"
need 'grep -q "feed=$U/_/stall status=0 error=\"timeout" "$DLOG"' \
    "no timeout for /_/stall"
need 'grep -q "feed=$U/_/loop status=" "$DLOG"' "no error for /_/loop"
need '[ "$(nreq /_/gzip/gz.xml)" -ge 1 ] &&
    [ "$(nreq "/_/big?bytes=300000")" -ge 1 ] &&
    [ "$(nreq "/_/bomb?mb=1")" -ge 1 ] && grep -q "bomb?mb=1 status" "$DLOG"' \
    "big, bomb or gzip feed not polled"

# 304: the first request has no validator and gets 200, later ones send
# the ETag it got and get 304; a 304 is logged at debug level only, never
# parsed (still one parsed poll), and counted in /metrics.
COND=/_/maxage/1/cond.xml
l1=$(reqs $COND | sed -n 1p)
l2=$(reqs $COND | sed -n 2p)
echo "$l1" | grep -q "^GET $COND 200 " || cw_fail "first cond poll: $l1"
echo "$l1" | grep -q " inm=" && cw_fail "first poll sent If-None-Match: $l1"
echo "$l2" | grep -q "^GET $COND 304 .* inm=\"[0-9a-f]*\"" ||
    cw_fail "second cond poll not a conditional 304: $l2"
n304=$(reqs $COND | grep -c " 304 ")
grep -q "feed=$U$COND status=304" "$DLOG" || cw_fail "no status=304 in log"
[ "$(grep -c "feed=$U$COND status=200 items=" "$DLOG")" -eq 1 ] ||
    cw_fail "a 304 was parsed"
port=$(sed -n 's/.*http listen=.* port=\([0-9]*\).*/\1/p' "$DLOG" | head -1)
metrics=$(curl -s "http://127.0.0.1:$port/metrics")
nm=$(echo "$metrics" | sed -n 's/^claimwatch_polls_total{result="not_modified"} //p')
ns=$(echo "$metrics" | sed -n 's/^claimwatch_http_responses_total{status="304"} //p')
[ "${nm:-0}" -ge "$n304" ] && [ "${ns:-0}" -ge "$n304" ] ||
    cw_fail "metrics count $nm/$ns 304s, server sent $n304"
# A changed file is fetched in full again, with one new item.
sed 's|</channel>|<item><title>Laporan baru</title><link>http://127.0.0.1/a/3</link><description>Seoul kini memperkirakan sekitar 300 prajurit Korea Utara tewas.</description></item></channel>|' \
    "$WWW/cond.xml" >"$WWW/cond.tmp" && mv "$WWW/cond.tmp" "$WWW/cond.xml"
need 'grep -q "feed=$U$COND status=200 items=3 new=1" "$DLOG"' \
    "changed cond.xml not fetched"

# gzip: asked for, decoded, parsed.
reqs /_/gzip/gz.xml | head -1 | grep -q " ae=[^ ]*gzip" ||
    cw_fail "no Accept-Encoding gzip: $(reqs /_/gzip/gz.xml | head -1)"
grep -q "feed=$U/_/gzip/gz.xml status=200 items=2 new=2 claims=[1-9]" \
    "$DLOG" || { dump; cw_fail "gzip feed not parsed"; }

# 301: followed once, then the new URL is polled directly.
R301="/_/redirect/301?to=/_/maxage/1/moved.xml"
[ "$(nreq "$R301")" -eq 1 ] || cw_fail "301 URL requested $(nreq "$R301") times"
grep -q "feed=$U$R301 moved permanently to $U/_/maxage/1/moved.xml" \
    "$DLOG" || cw_fail "no 'moved permanently' line"
# 302 and 307: every poll starts at the original URL.
for c in 302 307; do
	grep -q "redirect/$c.*moved permanently" "$DLOG" &&
	    cw_fail "$c treated as permanent"
	[ "$(nreq "/_/redirect/$c?to=/_/maxage/1/temp$c.xml")" -eq \
	    "$(nreq "/_/maxage/1/temp$c.xml")" ] ||
	    cw_fail "$c: requests to the target without the redirect"
done

# 429 with Retry-After: 4 s: no request to that feed for 4 s, while the
# 1 s feeds keep polling in between.
R429="/_/status/429?after=4"
a=$(req_time "$R429" 1)
b=$(req_time "$R429" 2)
awk -v a="$a" -v b="$b" 'BEGIN { exit !(b - a >= 3.95) }' ||
    cw_fail "429 retried after $(echo "$b - $a" | bc 2>/dev/null || echo "$a..$b") s"
others=$(awk -v a="$a" -v b="$b" -v r="$R429" \
    '$2 != r { t = substr($4, 3) + 0; if (t > a && t < b) n++ } END { print n + 0 }' "$HLOG")
[ "$others" -ge 3 ] || cw_fail "only $others requests while the 429 feed waited"
grep -q "feed=$U$R429 status=429 retry_after=4" "$DLOG" ||
    cw_fail "429 not logged with retry_after=4"

# 410: one request, a log line, never again.
[ "$(nreq /_/status/410)" -eq 1 ] || cw_fail "410 feed requested $(nreq /_/status/410) times"
grep -q "feed=$U/_/status/410 status=410 gone" "$DLOG" || cw_fail "no 410 line"

# Body limits, on the wire and after decompression.
grep -q "feed=$U/_/big?bytes=300000 status=[0-9]* error=\"body over 100000 bytes\"" \
    "$DLOG" || { dump; cw_fail "big body not cut off"; }
grep -q "feed=$U/_/bomb?mb=1 status=[0-9]* error=\"body over 100000 bytes\"" \
    "$DLOG" || { dump; cw_fail "gzip bomb not cut off"; }

# A stalled server times out after 3 s, and other feeds go on meanwhile.
s=$(req_time /_/stall 1)
others=$(awk -v a="$s" '$2 != "/_/stall" { t = substr($4, 3) + 0;
    if (t > a && t < a + 2.9) n++ } END { print n + 0 }' "$HLOG")
[ "$others" -ge 2 ] || cw_fail "only $others requests during the stall"

# A redirect loop: the first request and 3 redirects, then an error.
grep -q "feed=$U/_/loop status=[0-9]* error=\".*Maximum (3) redirects" \
    "$DLOG" || { dump; cw_fail "redirect loop not stopped at 3"; }

stop_daemon
n=$(nreq /_/loop)
[ "$n" -ge 4 ] && [ $((n % 4)) -eq 0 ] ||
    cw_fail "/_/loop requested $n times, not 4 per poll"

# Restart: the moved feed starts at its new URL, the gone feed stays off.
cp "$HLOG" "$CW_TMP/httpd.before"
before=$(wc -l <"$HLOG")
start_daemon
need '[ "$(tail -n +$((before + 1)) "$HLOG" | awk "\$2 == \"/_/maxage/1/moved.xml\"" | wc -l)" -ge 1 ]' \
    "moved feed not polled after restart"
need '[ "$(tail -n +$((before + 1)) "$HLOG" | awk "\$2 == \"$COND\"" | wc -l)" -ge 2 ]' \
    "cond feed not polled after restart"
tail -n +$((before + 1)) "$HLOG" >"$CW_TMP/httpd.after"
[ "$(nreq "$R301" "$CW_TMP/httpd.after")" -eq 0 ] ||
    cw_fail "301 URL requested again after restart"
[ "$(nreq /_/status/410 "$CW_TMP/httpd.after")" -eq 0 ] ||
    cw_fail "410 feed requested after restart"
grep -q "feed=$U/_/status/410 disabled (410 Gone earlier)" "$DLOG" ||
    cw_fail "no 'disabled' line after restart"
# The restart kept the validator: cond.xml answers 304 at once.
reqs $COND "$CW_TMP/httpd.after" | head -1 | grep -q " 304 " ||
    cw_fail "first cond poll after restart not a 304"
stop_daemon
# The new URL and the gone flag live in the feeds' state hashes.
for k in $(cw_redis --scan --pattern '{fd:f:*'); do
	[ "$(cw_redis TYPE "$k")" = hash ] && cw_redis HGETALL "$k"
done >"$CW_TMP/state.txt"
grep -qx "$U/_/maxage/1/moved.xml" "$CW_TMP/state.txt" ||
    cw_fail "moved_to not in Redis"
grep -A1 -x gone "$CW_TMP/state.txt" | grep -qx 1 ||
    cw_fail "no feed state with gone=1 in Redis"

# The private-address guard, on the resolved address: a literal 127.0.0.1
# and a name resolving to loopback are both refused before connecting.
printf '%s\n' "$U/private.xml" \
    "http://localhost:$HTTP_PORT/private2.xml" >"$CW_TMP/private.txt"
cp "$WWW/cond.xml" "$WWW/private.xml"
cp "$WWW/cond.xml" "$WWW/private2.xml"
conf private.txt no >"$CW_TMP/private.conf"
# Every poll fails, so --once says so and exits 1.
rc=0
timeout 20 "$CW_BUILD/claimwatchd" -d -c "$CW_TMP/private.conf" --once \
    >"$CW_TMP/private.log" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || { cat "$CW_TMP/private.log"; cw_fail "--once exited $rc with every poll failed"; }
grep -q "every poll failed" "$CW_TMP/private.log" || cw_fail "--once did not say every poll failed"
grep -q "feed=$U/private.xml status=0 error=\"refused private address 127.0.0.1 (\[poll\] allow_private = yes allows it)\"" \
    "$CW_TMP/private.log" || { cat "$CW_TMP/private.log"; cw_fail "127.0.0.1 not refused"; }
grep -q "feed=http://localhost:$HTTP_PORT/private2.xml status=0 error=\"refused private address" \
    "$CW_TMP/private.log" || { cat "$CW_TMP/private.log"; cw_fail "localhost not refused"; }
grep -q "private" "$HLOG" && cw_fail "a refused feed reached the server"

echo "fetch daemon ok in $(($(date +%s) - T0)) s: 304, gzip, 301/302/307," \
    "429, 410, limits, stall, loop, restart, private guard"
