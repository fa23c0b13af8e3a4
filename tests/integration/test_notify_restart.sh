#!/bin/sh
# Durable delivery: the receiver is down while alerts are published, the
# notifier is stopped, Redis restarts (append-only file on), more alerts
# come, then the notifier and at last the receiver come back.  Every
# alert arrives, in stream order, and none twice to a receiver that drops
# repeats; nothing stays pending in the group.  An alert a vanished
# consumer had read is taken over after claim_idle.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notify_lib.sh"

# A Redis that keeps its data across a restart, on one port.
REDIS_PORT=$(cw_free_port)
REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
mkdir -p "$CW_TMP/rdata"
start_redis() { cw_start_redis_aof "$CW_TMP/rdata"; }
start_redis
RPORT=$(cw_free_port)
: >"$CW_TMP/feeds.txt"
cw_config "$CW_TMP/c.conf" "[notify]" "consumer = test-host" \
    "[notify hook]" "type = webhook" "url = http://127.0.0.1:$RPORT/hook/ok" \
    "allow_private = yes" "start = all" "retries = 1000" \
    "retry_min = 100ms" "retry_max = 500ms" "timeout = 2s"
nt_start_notify "$CW_TMP/c.conf"
nt_wait_groups 1
for i in 1 2 3; do
	nt_xadd "$(nt_alert changed a/killed/people $i $((i + 1)) "before $i")" >/dev/null
done
cw_wait_for 'grep -q "sink=hook failing" "$CW_TMP/notify.log"' 20 ||
    cw_fail "the sink did not fail against a receiver that is down"

nt_stop_notify
cw_stop_pid "$REDIS_PID"
start_redis
for i in 4 5; do
	nt_xadd "$(nt_alert changed a/killed/people $i $((i + 1)) "after $i")" >/dev/null
done
nt_start_notify "$CW_TMP/c.conf"
# And Redis once more under the running notifier, which reconnects.
cw_wait_for '[ "$(cw_redis XINFO CONSUMERS $NT_STREAM cw-notify-hook | grep -c test-host)" -ge 1 ]' 10 ||
    cw_fail "the notifier did not read again"
cw_stop_pid "$REDIS_PID"
start_redis
nt_xadd "$(nt_alert changed a/killed/people 6 7 "after 6")" >/dev/null
cw_wait_for 'grep -q "notify: redis connected group=cw-notify-hook" "$CW_TMP/notify.log"' 20 ||
    cw_fail "the notifier did not reconnect to Redis"
nt_start_receiver "$RPORT"
nt_ids >"$CW_TMP/ids"
[ "$(nt_count "$CW_TMP/ids")" -eq 6 ] || cw_fail "Redis lost alerts on restart"
cw_wait_for '[ "$(nt_count "$NT_RECV/hook.keys")" -ge 6 ]' 30 ||
    cw_fail "got $(nt_count "$NT_RECV/hook.keys") of 6 alerts"
cw_wait_for '[ "$(cw_redis XPENDING $NT_STREAM cw-notify-hook | head -1)" = 0 ]' 10 ||
    cw_fail "alerts left pending"
# One more restart of the notifier: nothing is delivered again.
nt_stop_notify
nt_start_notify "$CW_TMP/c.conf"
sleep 2
diff -u "$CW_TMP/ids" "$NT_RECV/hook.keys" ||
    cw_fail "not every alert exactly once in stream order"
repeats=$(grep -c '"repeat": true' "$NT_RECV/hook.log" || true)
nt_stop_notify

# A consumer that read an alert and vanished (another host, a renamed
# container): its entry is taken over once idle for claim_idle.
id7=$(nt_xadd "$(nt_alert changed a/killed/people 7 8 "ghost")")
cw_redis XREADGROUP GROUP cw-notify-hook ghost COUNT 1 STREAMS "$NT_STREAM" '>' |
    grep -q "$id7" || cw_fail "the ghost consumer did not read"
cw_config "$CW_TMP/c2.conf" "[notify]" "consumer = test-host" \
    "claim_idle = 1s" \
    "[notify hook]" "type = webhook" "url = http://127.0.0.1:$RPORT/hook/ok" \
    "allow_private = yes" "start = all" "retry_min = 100ms"
nt_start_notify "$CW_TMP/c2.conf"
cw_wait_for '[ "$(nt_count "$NT_RECV/hook.keys")" -ge 7 ]' 30 ||
    cw_fail "the ghost's alert was not taken over"
[ "$(tail -1 "$NT_RECV/hook.keys")" = "$id7" ] || cw_fail "wrong alert claimed"
cw_wait_for '[ "$(cw_redis XPENDING $NT_STREAM cw-notify-hook | head -1)" = 0 ]' 10 ||
    cw_fail "the claimed alert stayed pending"
grep -q "claimed 1 entries" "$CW_TMP/notify.log" || cw_fail "no claim logged"
nt_stop_notify
echo "notify restart ok: 6 alerts once each across notifier, Redis and receiver restarts ($repeats repeats dropped by key); a vanished consumer's alert taken over"
