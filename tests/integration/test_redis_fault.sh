#!/bin/sh
# Redis faults, every part real: claimwatchd polls four feeds every second
# against a redis-server that persists like a deployment that must not
# lose alerts (AOF, appendfsync always, so whatever it answered survives a
# SIGKILL).  Redis is killed mid-cycle while the feeds gain items, stays
# down while they gain more (the daemon keeps polling and queueing), and
# comes back on the same port: every alert arrives exactly once, on
# SUBSCRIBE (one session before, one after) and in the stream.  Then the
# daemon is stopped with SIGTERM while Redis is down: the spool in its
# state_dir holds the unanswered batches, and a restarted daemon publishes
# them once.  Alerts are checked against the schema with jq and
# python3-jsonschema.
. "$(dirname "$0")/lib.sh"
. "$CW_ROOT/tests/data/store/feeds.sh"

NF=4
WWW=$CW_TMP/www
STATE=$CW_TMP/state
RDIR=$CW_TMP/redis
mkdir -p "$WWW" "$STATE" "$RDIR"
k=1
while [ "$k" -le $NF ]; do
	cw_feed "$WWW" "$k" 1
	k=$((k + 1))
done

REDIS_PORT=$(cw_free_port)
start_redis() {
	redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' \
	    --appendonly yes --appendfsync always --dir "$RDIR" \
	    --daemonize no >>"$CW_TMP/redis.log" 2>&1 &
	REDIS_PID=$!
	CW_PIDS="$CW_PIDS $REDIS_PID"
	cw_wait_for "redis-cli -p $REDIS_PORT ping | grep -q PONG" 20 ||
	    cw_fail "redis-server did not start"
}
kill_redis() {
	kill -KILL "$REDIS_PID"
	wait "$REDIS_PID" 2>/dev/null || true
	cw_stop_pid "$SUB_PID"
}
start_redis
cw_start_httpd "$WWW"

cw_feeds_list "$HTTP_URL" "$NF"
CW_STATE=$STATE cw_config "$CW_TMP/claimwatch.conf" "[redis]" \
    "prefix = flt:" "channel = flt:alerts" "stream = flt:alerts"

LOG=$CW_TMP/daemon.log
start_daemon() {
	"$CW_BUILD/claimwatchd" -d -c "$CW_TMP/claimwatch.conf" \
	    --log-level debug >>"$LOG" 2>&1 &
	DAEMON_PID=$!
	CW_PIDS="$CW_PIDS $DAEMON_PID"
}
grow() { cw_feeds_grow "$WWW" "$NF" "$1"; }
xlen() { redis-cli -p "$REDIS_PORT" XLEN flt:alerts; }
# Polls of the feeds that saw N items, counted in the log from line $2 on.
polled() { tail -n +"$2" "$LOG" | grep -c "status=200 items=$1 " || true; }
nlog() { wc -l <"$LOG"; }
# Every alert, from the stream and from all SUBSCRIBE sessions, must be
# exactly the expected set: none missing, none twice.
check_alerts() {
	redis-cli -p "$REDIS_PORT" --raw XRANGE flt:alerts - + |
	    grep '^{' >"$CW_TMP/stream.json" || true
	cw_feed_expect $NF "$1" >"$CW_TMP/want"
	cw_alerts "$CW_TMP/stream.json" >"$CW_TMP/got.stream"
	cw_alerts "$CW_TMP"/sub*.raw >"$CW_TMP/got.sub"
	diff -u "$CW_TMP/want" "$CW_TMP/got.stream" ||
	    cw_fail "$2: stream alerts differ from the expected set"
	diff -u "$CW_TMP/want" "$CW_TMP/got.sub" ||
	    cw_fail "$2: SUBSCRIBEd alerts differ from the expected set"
}

cw_subscribe flt:alerts "$CW_TMP/sub1"
start_daemon
cw_wait_for '[ "$(xlen)" -ge $NF ]' 30 || { cat "$LOG"; cw_fail "no first alerts"; }
grow 2
cw_wait_for '[ "$(xlen)" -ge $((2 * NF)) ]' 30 || cw_fail "no second alerts"

# Kill Redis while the daemon is busy with the third items: as soon as
# the first feed has them.
n0=$(nlog)
grow 3
cw_wait_for '[ "$(polled 3 "$n0")" -ge 1 ]' 30 || cw_fail "third items not polled"
kill_redis
n0=$(nlog)
grow 4
cw_wait_for '[ "$(polled 4 "$n0")" -ge $NF ]' 30 ||
    { cat "$LOG"; cw_fail "the daemon stopped polling while Redis was down"; }
grep -q "redis: unreachable" "$LOG" || cw_fail "outage not logged"
sleep 2
# The daemon waits (SIGSTOP) until the new subscriber listens, or the
# replayed alerts could be published before anyone hears them.
kill -STOP "$DAEMON_PID"
start_redis
cw_subscribe flt:alerts "$CW_TMP/sub2"
kill -CONT "$DAEMON_PID"
cw_wait_for '[ "$(xlen)" -ge $((4 * NF)) ]' 60 ||
    { cat "$LOG"; cw_fail "alerts missing after Redis came back: $(xlen)"; }
n0=$(nlog)
cw_wait_for '[ "$(tail -n +$n0 "$LOG" | grep -c "status=")" -ge $((2 * NF)) ]' 30 ||
    cw_fail "no polls after the restart"
check_alerts 4 "Redis killed mid-cycle"

# SIGTERM while Redis is down: the queue goes to the spool.
kill_redis
n0=$(nlog)
grow 5
cw_wait_for '[ "$(polled 5 "$n0")" -ge $NF ]' 30 ||
    cw_fail "no polls of the fifth items while Redis was down"
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID" || cw_fail "claimwatchd exited $? on SIGTERM"
[ -s "$STATE/spool" ] || { cat "$LOG"; cw_fail "no spool written"; }
grep -q "spool: .* saved to $STATE/spool" "$LOG" || cw_fail "spool save not logged"

start_redis
cw_subscribe flt:alerts "$CW_TMP/sub3"
start_daemon
cw_wait_for '[ "$(xlen)" -ge $((5 * NF)) ]' 30 ||
    { cat "$LOG"; cw_fail "spooled alerts not published: $(xlen)"; }
cw_wait_for '[ ! -s "$STATE/spool" ]' 10 || cw_fail "spool not truncated"
grep -q "spool: $STATE/spool replayed" "$LOG" || cw_fail "replay not logged"
n0=$(nlog)
cw_wait_for '[ "$(tail -n +$n0 "$LOG" | grep -c "status=")" -ge $((2 * NF)) ]' 30 ||
    cw_fail "no polls after the daemon restart"
check_alerts 5 "daemon stopped while Redis was down"
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID" || cw_fail "claimwatchd exited $? on the last SIGTERM"
echo "redis fault ok: $((5 * NF)) alerts, each once, through a Redis kill and a spooled shutdown"
