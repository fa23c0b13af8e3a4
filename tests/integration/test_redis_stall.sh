#!/bin/sh
# Issue 17 item 11: a Redis that stops answering (SIGSTOP: the socket
# stays open, nothing comes back) used to stall every write silently.
# After 10 s without a reply while commands wait, the daemon logs it,
# counts it (claimwatch_redis_stalls_total), drops the link and queues;
# once Redis runs again every alert arrives, exactly once.
. "$(dirname "$0")/lib.sh"

WWW=$CW_TMP/www
mkdir -p "$WWW"
feed() { cw_e2e_feed "$WWW/kabar.xml" "$@"; }
cw_start_redis
cw_start_httpd "$WWW"
feed deploy_1500
echo "$HTTP_URL/kabar.xml" >"$CW_TMP/feeds.txt"
cw_config "$CW_TMP/claimwatch.conf"
cw_subscribe claimwatch:alerts "$CW_TMP/alerts"
count() { grep -c '^{' "$CW_TMP/alerts.raw" || true; }
"$CW_BUILD/claimwatchd" -d -c "$CW_TMP/claimwatch.conf" --log-level info \
    >"$CW_TMP/daemon.log" 2>&1 &
DPID=$!
CW_PIDS="$CW_PIDS $DPID"
cw_wait_for '[ "$(count)" -ge 1 ]' 20 || cw_fail "no first alert"
PORT=$(sed -n 's/.*http listen=[^ ]* port=\([0-9]*\).*/\1/p' "$CW_TMP/daemon.log")

kill -STOP "$REDIS_PID"
feed killed_100 deploy_1500
cw_wait_for "grep -q 'redis: no reply for 10 s with commands waiting' $CW_TMP/daemon.log" 40 ||
    { kill -CONT "$REDIS_PID"; cw_fail "stalled Redis not logged: $(tail -5 $CW_TMP/daemon.log)"; }
stalls() {
	curl -s --max-time 5 "http://127.0.0.1:$PORT/metrics" |
	    awk '$1 == "claimwatch_redis_stalls_total" { print $2 }'
}
cw_wait_for '[ "$(stalls)" -ge 1 ]' 10 ||
    { kill -CONT "$REDIS_PID"; cw_fail "stall not counted: '$(stalls)'"; }
kill -CONT "$REDIS_PID"
cw_wait_for '[ "$(count)" -ge 2 ]' 60 || cw_fail "the new item's alert never came"
sleep 3
[ "$(count)" -eq 2 ] || cw_fail "expected 2 alerts, got $(count)"
grep '^{' "$CW_TMP/alerts.raw" | jq -e 'select(.current.value == 100)' >/dev/null ||
    cw_fail "wrong alerts: $(cat $CW_TMP/alerts.raw)"
cw_schema_check "$CW_TMP/alerts.raw"
kill -0 "$DPID" || cw_fail "daemon died"
echo "redis stall ok"
