#!/bin/sh
# Bad input never stops the daemon: an unreachable feed, an HTTP error, an
# HTML page and malformed XML are each logged with their URL and skipped,
# while the good feed beside them still alerts.  Also: Redis unreachable at
# start is reported and retried until it comes up; a config error is
# FILE:LINE and exit status 1.
. "$(dirname "$0")/lib.sh"

D=$CW_ROOT/tests/data/e2e
WWW=$CW_TMP/www
mkdir -p "$WWW"
cat "$D/head.xml" "$D/item_killed_100.xml" "$D/tail.xml" >"$WWW/good.xml"
printf '<!DOCTYPE html><html><body><p>Consent required</p></body></html>\n' \
    >"$WWW/page.html"
printf '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>\n<item><title>broken\n' \
    >"$WWW/broken.xml"

REDIS_PORT=$(cw_free_port)
cw_start_httpd "$WWW"
DEAD=$(cw_free_port)
cat >"$CW_TMP/feeds.txt" <<EOF2
# one good feed among bad ones
http://127.0.0.1:$DEAD/nothing-listens-here.xml
$HTTP_URL/_/status/500
$HTTP_URL/page.html
$HTTP_URL/broken.xml
$HTTP_URL/good.xml
EOF2
cat >"$CW_TMP/claimwatch.conf" <<EOC
[redis]
url = redis://127.0.0.1:$REDIS_PORT/0
[feeds]
list = feeds.txt
[poll]
allow_private = yes
timeout = 5
connect_timeout = 2
[extract]
lexicon_dir = $CW_ROOT/config/lexicon
[alerts]
max_age = 0
[http]
listen = 127.0.0.1:0
EOC

# Redis is not up yet: the daemon must say so and keep trying.
"$CW_BUILD/claimwatchd" -d -c "$CW_TMP/claimwatch.conf" --once \
    --log-level info >"$CW_TMP/daemon.log" 2>&1 &
DPID=$!
CW_PIDS="$CW_PIDS $DPID"
cw_wait_for "grep -qi 'redis' $CW_TMP/daemon.log" 10 ||
    cw_fail "no Redis error logged"
sleep 1
kill -0 "$DPID" || cw_fail "daemon died while Redis was down"
cw_start_redis "$REDIS_PORT"
cw_redis SUBSCRIBE claimwatch:alerts >"$CW_TMP/alerts.raw" 2>/dev/null &
CW_PIDS="$CW_PIDS $!"
i=0
while kill -0 "$DPID" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
wait "$DPID" || cw_fail "claimwatchd --once exited $? (log: $(cat $CW_TMP/daemon.log))"

for u in "127.0.0.1:$DEAD/nothing-listens-here.xml" "/_/status/500" \
    "/page.html" "/broken.xml"; do
	grep "feed=[^ ]*$u" "$CW_TMP/daemon.log" | grep -Eq 'error|status=500' ||
	    cw_fail "no error logged naming $u"
done
grep "page.html" "$CW_TMP/daemon.log" | grep -qi "not a feed" ||
    cw_fail "HTML page not reported as 'not a feed'"
grep -q "good.xml status=200" "$CW_TMP/daemon.log" ||
    cw_fail "good feed not polled"
sleep 0.5
grep '^{' "$CW_TMP/alerts.raw" | jq -e 'select(.key == "north-korea/killed/people")' \
    >/dev/null || cw_fail "good feed did not alert"

# A wrong setting: FILE:LINE: message and exit status 1.
printf '[redis]\nurl = redis://127.0.0.1:%s/0\n[poll]\ninterval = soon\n[feeds]\nlist = feeds.txt\n' \
    "$REDIS_PORT" >"$CW_TMP/bad.conf"
set +e
"$CW_BUILD/claimwatchd" -c "$CW_TMP/bad.conf" --once 2>"$CW_TMP/bad.err"
rc=$?
set -e
[ "$rc" -eq 1 ] || cw_fail "bad config exit status $rc, expected 1"
grep -q "bad.conf:4: " "$CW_TMP/bad.err" ||
    cw_fail "bad config error not FILE:LINE: $(cat $CW_TMP/bad.err)"
echo "bad input ok"
