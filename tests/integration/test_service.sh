#!/bin/sh
# The daemon as an operator meets it: sd_notify messages on a NOTIFY_SOCKET
# the test provides, /metrics in valid exposition format whose counters
# move after a poll, /healthz flipping to 503 when Redis stops, SIGHUP with
# a good config (a new feed is picked up, the old one keeps its state) and
# with a bad one (rejected, the running config stays).
. "$(dirname "$0")/lib.sh"

WWW=$CW_TMP/www
mkdir -p "$WWW"
cw_e2e_feed "$WWW/a.xml" deploy_1500
cw_e2e_feed "$WWW/b.xml" killed_100
cw_start_redis
cw_start_httpd "$WWW"
echo "$HTTP_URL/a.xml" >"$CW_TMP/feeds.txt"
cw_config "$CW_TMP/claimwatch.conf"

# A datagram socket standing in for systemd's notify socket.
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a") as out:
    while True:
        m = s.recv(4096).decode()
        out.write(m.replace("\n", " ") + "\n")
        out.flush()
' "$CW_TMP/notify.sock" "$CW_TMP/notify.log" &
CW_PIDS="$CW_PIDS $!"
cw_wait_for "test -S $CW_TMP/notify.sock" 10 || cw_fail "notify socket"

NOTIFY_SOCKET=$CW_TMP/notify.sock WATCHDOG_USEC=1000000 \
    "$CW_BUILD/claimwatchd" -d -c "$CW_TMP/claimwatch.conf" \
    --log-level info >"$CW_TMP/daemon.log" 2>&1 &
DPID=$!
CW_PIDS="$CW_PIDS $DPID"
cw_wait_for "grep -q READY=1 $CW_TMP/notify.log" 10 || cw_fail "no READY=1"
cw_wait_for "grep -q WATCHDOG=1 $CW_TMP/notify.log" 5 || cw_fail "no WATCHDOG=1"
grep -q "STATUS=feeds=1" "$CW_TMP/notify.log" || cw_fail "no STATUS line"
PORT=$(sed -n 's/.*http listen=[^ ]* port=\([0-9]*\).*/\1/p' "$CW_TMP/daemon.log")
[ -n "$PORT" ] || cw_fail "no http port in the log"

scrape() {
	curl -sf "http://127.0.0.1:$PORT/metrics" >"$CW_TMP/metrics.txt" ||
	    cw_fail "GET /metrics failed"
	python3 "$CW_ROOT/tests/tools/promcheck.py" <"$CW_TMP/metrics.txt" \
	    >"$CW_TMP/samples.txt" || cw_fail "invalid exposition format"
}
sample() { awk -v k="$1" '$1 == k { print $2 }' "$CW_TMP/samples.txt"; }
cw_wait_for "grep -q 'a.xml status=200' $CW_TMP/daemon.log" 10 || cw_fail "no poll"
scrape
p1=$(sample 'claimwatch_polls_total{result="ok"}')
[ "${p1:-0}" -ge 1 ] || cw_fail "polls counter did not move: $p1"
c1=$(sample 'claimwatch_claims_total')
[ "${c1:-0}" -ge 1 ] || cw_fail "claims counter did not move: $c1"
[ "$(sample 'claimwatch_redis_connected')" = 1 ] || cw_fail "redis gauge"
cw_wait_for "grep -q 'STATUS=feeds=1 due=0 .*alerts_today=[1-9]' $CW_TMP/notify.log" 5 ||
    cw_fail "STATUS does not count today's alerts"
a1=$(sample 'claimwatch_alerts_total{type="new"}')
[ "${a1:-0}" -ge 1 ] || cw_fail "new alerts not counted: $a1"
r1=$(sample 'claimwatch_redis_commands_total')
[ "${r1:-0}" -ge 1 ] || cw_fail "Redis commands not counted: $r1"
sleep 2
scrape
p2=$(sample 'claimwatch_polls_total{result="not_modified"}')
[ "${p2:-0}" -ge 1 ] || cw_fail "304 polls not counted: $p2"
code=$(curl -s -o "$CW_TMP/health.json" -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")
[ "$code" = 200 ] || cw_fail "healthz $code while Redis is up"
jq -e '.redis == "connected"' "$CW_TMP/health.json" >/dev/null || cw_fail "healthz body"

# SIGHUP with a bad config: rejected with FILE:LINE, still running.
printf '[poll]\nintervall = 5\n' >>"$CW_TMP/claimwatch.conf"
kill -HUP "$DPID"
cw_wait_for "grep -q 'reload rejected' $CW_TMP/daemon.log" 10 || cw_fail "bad reload not rejected"
grep 'reload rejected' "$CW_TMP/daemon.log" | grep -q "claimwatch.conf:[0-9]*:" ||
    cw_fail "rejection does not name FILE:LINE"
kill -0 "$DPID" || cw_fail "daemon died on a bad reload"
grep -q RELOADING=1 "$CW_TMP/notify.log" || cw_fail "no RELOADING=1"

# SIGHUP with a good config and a longer feed list: b.xml is added, a.xml
# keeps its seen items (no second alert for it).
cw_config "$CW_TMP/claimwatch.conf"
printf '%s\n%s\n' "$HTTP_URL/a.xml" "$HTTP_URL/b.xml" >"$CW_TMP/feeds.txt"
kill -HUP "$DPID"
cw_wait_for "grep -q 'b.xml status=200' $CW_TMP/daemon.log" 10 || cw_fail "new feed not polled after reload"
grep -q "added=1 removed=0" "$CW_TMP/daemon.log" || cw_fail "reload did not add one feed"
n=$(grep -c "a.xml status=200 items=1 new=1" "$CW_TMP/daemon.log" || true)
[ "$n" -eq 1 ] || cw_fail "a.xml re-read as new after reload ($n)"

# Under journald (JOURNAL_STREAM set, no -d) every line carries its
# sd-daemon priority prefix and no time stamp.
CW_STATE=$CW_TMP/state2 cw_config "$CW_TMP/once.conf"
JOURNAL_STREAM=8:1234 "$CW_BUILD/claimwatchd" -c "$CW_TMP/once.conf" \
    --once --log-level info 2>"$CW_TMP/journal.log" ||
    cw_fail "--once under journald failed"
grep -q '^<5>claimwatchd .* starting' "$CW_TMP/journal.log" ||
    cw_fail "no <5> notice prefix: $(head -3 $CW_TMP/journal.log)"
grep -q '^<6>redis: connected' "$CW_TMP/journal.log" ||
    cw_fail "no <6> info prefix"
if grep -qv '^<[3-7]>' "$CW_TMP/journal.log"; then
	cw_fail "a line without a priority prefix under journald"
fi

# Redis stops: /healthz says 503, the daemon keeps running.
cw_stop_pid "$REDIS_PID"
cw_wait_for "[ \"\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$PORT/healthz)\" = 503 ]" 10 ||
    cw_fail "healthz did not flip to 503"
kill -0 "$DPID" || cw_fail "daemon died when Redis stopped"
kill -TERM "$DPID"
wait "$DPID" || cw_fail "exit status $? after SIGTERM"
grep -q STOPPING=1 "$CW_TMP/notify.log" || cw_fail "no STOPPING=1"
echo "service ok"
