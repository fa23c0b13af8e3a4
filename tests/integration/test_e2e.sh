#!/bin/sh
# End to end, every part real: a redis-server on a free loopback port, the
# loopback test HTTP server serving a feed that gains items between polls,
# claimwatchd polling it every second, and redis-cli SUBSCRIBE listening as
# a user would.  Asserts the exact alerts: "new", then "new" + "changed"
# (oldest item first), nothing for items already seen, nothing after a
# restart.
. "$(dirname "$0")/lib.sh"

WWW=$CW_TMP/www
mkdir -p "$WWW"
feed() { cw_e2e_feed "$WWW/kabar.xml" "$@"; }

cw_start_redis
cw_start_httpd "$WWW"
feed deploy_1500
echo "$HTTP_URL/kabar.xml" >"$CW_TMP/feeds.txt"
cw_config "$CW_TMP/claimwatch.conf" "[redis]" "prefix = e2e:" \
    "channel = e2e:alerts"

ALERTS=$CW_TMP/alerts
cw_subscribe e2e:alerts "$ALERTS"
count() { grep -c '^{' "$ALERTS.raw" || true; }

start_daemon() {
	"$CW_BUILD/claimwatchd" -d -c "$CW_TMP/claimwatch.conf" \
	    --log-level debug >>"$CW_TMP/daemon.log" 2>&1 &
	DAEMON_PID=$!
	CW_PIDS="$CW_PIDS $DAEMON_PID"
}
stop_daemon() {
	kill -TERM "$DAEMON_PID"
	wait "$DAEMON_PID" || cw_fail "claimwatchd exited $? on SIGTERM"
}
polls() { grep -c "feed=$HTTP_URL/kabar.xml status=" "$CW_TMP/daemon.log" || true; }

start_daemon
cw_wait_for '[ "$(count)" -ge 1 ]' 20 || { cat "$CW_TMP/daemon.log"; cw_fail "no first alert"; }
sleep 1
[ "$(count)" -eq 1 ] || cw_fail "expected 1 alert, got $(count)"
a1=$(grep '^{' "$ALERTS.raw" | sed -n 1p)
echo "$a1" | jq -e '.v == 2 and .type == "new" and
    .key == "north-korea/deployed/people" and .entity == "north-korea" and
    .event == "deployed" and .unit == "troops" and .previous == null and
    .current.value == 1500 and .current.qualifier == "exact" and
    .current.published == "2024-10-22T07:18:00Z" and
    .current.lang == "id" and
    (.current.text | test("1.500 tentara")) and
    (.feed | endswith("/kabar.xml"))' >/dev/null ||
    cw_fail "first alert wrong: $a1"

# The feed gains an older and a newer item: both are new to the daemon and
# are handled oldest first.
feed deploy_14000 killed_100 deploy_1500
cw_wait_for '[ "$(count)" -ge 3 ]' 20 || { cat "$CW_TMP/daemon.log"; cw_fail "no alerts after the feed grew"; }
a2=$(grep '^{' "$ALERTS.raw" | sed -n 2p)
a3=$(grep '^{' "$ALERTS.raw" | sed -n 3p)
echo "$a2" | jq -e '.type == "new" and .key == "north-korea/killed/people" and
    .current.value == 100 and .current.qualifier == "approx"' >/dev/null ||
    cw_fail "second alert wrong: $a2"
echo "$a3" | jq -e '.type == "changed" and
    .key == "north-korea/deployed/people" and
    .previous.value == 1500 and .previous.qualifier == "exact" and
    .previous.published == "2024-10-22T07:18:00Z" and
    .current.value == 14000 and .current.qualifier == "approx" and
    .current.published == "2025-04-27T03:00:00Z"' >/dev/null ||
    cw_fail "third alert wrong: $a3"

# Items already seen: a few more polls, no alert.
p=$(polls)
cw_wait_for '[ "$(polls)" -ge $((p + 2)) ]' 20 || cw_fail "daemon stopped polling"
[ "$(count)" -eq 3 ] || cw_fail "alert for an item already seen: $(count)"
stop_daemon
grep -q "stopped" "$CW_TMP/daemon.log" || cw_fail "no clean stop logged"

# A restart remembers what it saw (in Redis): polls, but no alert.
: >"$CW_TMP/daemon.log"
start_daemon
cw_wait_for '[ "$(polls)" -ge 2 ]' 20 || { cat "$CW_TMP/daemon.log"; cw_fail "no polls after restart"; }
sleep 1
[ "$(count)" -eq 3 ] || cw_fail "alert after restart: $(count)"

# The stream holds the same three alerts for late subscribers.
n=$(cw_redis XLEN e2e:alerts)
[ "$n" -eq 3 ] || cw_fail "stream has $n entries, expected 3"
stop_daemon
cw_schema_check "$ALERTS.raw"
echo "e2e ok: 3 alerts, none repeated, none after restart"
