#!/bin/sh
# Fault drill: the spool's disk is full.  Redis goes away, the daemon has
# an unsent batch, and on SIGTERM it cannot write the spool (a file-size
# limit stands in for a full disk).  It must report the path and the
# reason, exit 0, and lose nothing: the item was never marked seen, so a
# restarted daemon extracts it again and its alert arrives, once.
. "$(dirname "$0")/lib.sh"

WWW=$CW_TMP/www
mkdir -p "$WWW" "$CW_TMP/state" "$CW_TMP/redis"
feed() { cw_e2e_feed "$WWW/kabar.xml" "$@"; }
# Redis with every write on disk, so a SIGKILL loses nothing it answered.
REDIS_PORT=$(cw_free_port)
start_redis() {
	redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' \
	    --appendonly yes --appendfsync always --dir "$CW_TMP/redis" \
	    >>"$CW_TMP/redis.log" 2>&1 &
	REDIS_PID=$!
	CW_PIDS="$CW_PIDS $REDIS_PID"
	cw_wait_for "redis-cli -p $REDIS_PORT ping" 10 || cw_fail "redis-server"
}
start_redis
cw_start_httpd "$WWW"
feed deploy_1500
echo "$HTTP_URL/kabar.xml" >"$CW_TMP/feeds.txt"
cw_config "$CW_TMP/claimwatch.conf"
cw_subscribe claimwatch:alerts "$CW_TMP/alerts"
count() { grep -c '^{' "$CW_TMP/alerts.raw" || true; }

# The log goes through a pipe: the file-size limit applies to files the
# daemon writes, and its log must not be one of them.
mkfifo "$CW_TMP/log.fifo"
cat "$CW_TMP/log.fifo" >"$CW_TMP/daemon.log" &
CW_PIDS="$CW_PIDS $!"
(ulimit -f 1; exec "$CW_BUILD/claimwatchd" -d -c "$CW_TMP/claimwatch.conf" \
    --log-level info 2>"$CW_TMP/log.fifo") &
DPID=$!
CW_PIDS="$CW_PIDS $DPID"
cw_wait_for '[ "$(count)" -ge 1 ]' 20 || cw_fail "no first alert"

kill -KILL "$REDIS_PID"
wait "$REDIS_PID" 2>/dev/null || true
feed killed_100 deploy_1500
cw_wait_for "grep -q 'kabar.xml status=200 items=2 new=' $CW_TMP/daemon.log" 15 ||
    cw_fail "no poll of the new item while Redis was down"
kill -TERM "$DPID"
rc=0
wait "$DPID" || rc=$?
[ "$rc" -eq 0 ] || cw_fail "exit status $rc with the spool disk full"
sleep 0.2
grep -q "spool" "$CW_TMP/daemon.log" ||
    cw_fail "spool failure not logged: $(cat $CW_TMP/daemon.log)"
grep "spool" "$CW_TMP/daemon.log" | grep -q "$CW_TMP/state/spool" ||
    cw_fail "spool error does not name the file"
grep "spool" "$CW_TMP/daemon.log" | grep -qi "too large" ||
    cw_fail "spool error does not give the reason"

# Redis back, daemon restarted without the limit: the item alerts once.
start_redis
cw_subscribe claimwatch:alerts "$CW_TMP/alerts2"
"$CW_BUILD/claimwatchd" -d -c "$CW_TMP/claimwatch.conf" --log-level info \
    >"$CW_TMP/daemon2.log" 2>&1 &
D2=$!
CW_PIDS="$CW_PIDS $D2"
cw_wait_for "grep -c '^{' $CW_TMP/alerts2.raw" 20 ||
    cw_fail "the unsaved item's alert never arrived"
sleep 2
n=$(grep -c '^{' "$CW_TMP/alerts2.raw" || true)
[ "$n" -eq 1 ] || cw_fail "expected 1 alert after restart, got $n"
grep '^{' "$CW_TMP/alerts2.raw" | jq -e '.type == "new" and
    .key == "north-korea/killed/people" and .current.value == 100' \
    >/dev/null || cw_fail "wrong alert after restart"
kill -TERM "$D2"
wait "$D2" || cw_fail "exit status $? after restart"
echo "spool full ok: error named the file, nothing lost, nothing repeated"
