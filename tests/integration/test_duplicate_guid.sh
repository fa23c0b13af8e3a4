#!/bin/sh
# Issue 17 item 3: two items of one guid in one document (figures 100 and
# 3,000), and two undated items alike in everything, gave a "changed"
# alert on every poll, forever.  Within a document the first item of an
# id is kept and the daemon says which id repeated: over several polls
# exactly one alert, for the first item's figure.
. "$(dirname "$0")/lib.sh"

WWW=$CW_TMP/www
mkdir -p "$WWW"
D=$CW_ROOT/tests/data/e2e
{
	cat "$D/head.xml"
	sed 's|<guid>.*</guid>|<guid>same</guid>|' "$D/item_killed_100.xml"
	sed -e 's|<guid>.*</guid>|<guid>same</guid>|' -e 's/sekitar 100/sekitar 3.000/' \
	    "$D/item_killed_100.xml"
	cat "$D/tail.xml"
} >"$WWW/dup.xml"
grep -c '<guid>same</guid>' "$WWW/dup.xml" | grep -qx 2 || cw_fail "fixture"
cw_start_redis
cw_start_httpd "$WWW"
echo "$HTTP_URL/dup.xml" >"$CW_TMP/feeds.txt"
cw_config "$CW_TMP/claimwatch.conf"
cw_redis SUBSCRIBE claimwatch:alerts >"$CW_TMP/alerts.raw" 2>/dev/null &
CW_PIDS="$CW_PIDS $!"
sleep 0.3
"$CW_BUILD/claimwatchd" -d -c "$CW_TMP/claimwatch.conf" \
    --log-level info >"$CW_TMP/daemon.log" 2>&1 &
DPID=$!
CW_PIDS="$CW_PIDS $DPID"
# The file changes between polls (a new ETag each time), so every poll
# parses it again.
i=0
while [ $i -lt 4 ]; do
	sleep 1.2
	echo "<!-- poll $i -->" >>"$WWW/dup.xml"
	i=$((i + 1))
done
cw_wait_for "[ \$(grep -c 'dup.xml status=200' $CW_TMP/daemon.log) -ge 3 ]" 10 ||
    cw_fail "fewer than 3 polls: $(cat $CW_TMP/daemon.log)"
cw_stop_pid "$DPID"
sleep 0.3
grep '^{' "$CW_TMP/alerts.raw" >"$CW_TMP/alerts.json" || true
n=$(wc -l <"$CW_TMP/alerts.json")
[ "$n" -eq 1 ] || { cat "$CW_TMP/alerts.json"; cw_fail "expected 1 alert, got $n"; }
jq -e '.type == "new" and .current.value == 100' "$CW_TMP/alerts.json" \
    >/dev/null || cw_fail "wrong alert: $(cat $CW_TMP/alerts.json)"
grep 'dup.xml duplicate item ids: dropped 1 items, the first id="[^"]*same"' \
    "$CW_TMP/daemon.log" >/dev/null || cw_fail "the repeated id is not named"
cw_schema_check "$CW_TMP/alerts.json"
echo "duplicate guid ok"
