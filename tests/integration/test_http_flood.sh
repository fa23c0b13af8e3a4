#!/bin/sh
# Issue 17 item 5: a flood of held connections on the /metrics port must
# not take the daemon to its fd limit.  With `ulimit -n 256`, 400 idle
# connections used to leave every fetch failing on EMFILE; now at most
# 32 are accepted, the rest wait in the kernel's backlog, the feed keeps
# being polled during the flood, the daemon's open fds stay well under
# the limit, and /healthz answers again once the flood is gone.
. "$(dirname "$0")/lib.sh"

WWW=$CW_TMP/www
mkdir -p "$WWW"
cat "$CW_ROOT/tests/data/e2e/head.xml" "$CW_ROOT/tests/data/e2e/item_killed_100.xml" \
    "$CW_ROOT/tests/data/e2e/tail.xml" \
    >"$WWW/feed.xml"
cw_start_redis
cw_start_httpd "$WWW"
echo "$HTTP_URL/feed.xml" >"$CW_TMP/feeds.txt"
cw_config "$CW_TMP/claimwatch.conf"
(ulimit -n 256 && exec "$CW_BUILD/claimwatchd" -d -c "$CW_TMP/claimwatch.conf" \
    --log-level info) >"$CW_TMP/daemon.log" 2>&1 &
DPID=$!
CW_PIDS="$CW_PIDS $DPID"
cw_wait_for "grep -q 'http listen=' $CW_TMP/daemon.log" 10 ||
    cw_fail "no http port in the log"
PORT=$(sed -n 's/.*http listen=[^ ]* port=\([0-9]*\).*/\1/p' "$CW_TMP/daemon.log")
cw_wait_for "grep -q 'feed.xml status=200' $CW_TMP/daemon.log" 10 ||
    cw_fail "no first poll"
# Hold 400 connections for 6 s (under evhttp's 10 s idle timeout).
python3 - "$PORT" >"$CW_TMP/flood.log" 2>&1 <<'EOF2' &
import socket, sys, time
held = []
for i in range(400):
    s = socket.socket()
    s.setblocking(False)
    try:
        s.connect(("127.0.0.1", int(sys.argv[1])))
    except BlockingIOError:
        pass
    held.append(s)
print("holding", len(held), flush=True)
time.sleep(6)
EOF2
FPID=$!
CW_PIDS="$CW_PIDS $FPID"
cw_wait_for "grep -q holding $CW_TMP/flood.log" 10 || cw_fail "flood did not start"
sleep 1
nfd=$(ls "/proc/$DPID/fd" | wc -l)
echo "daemon fds during the flood: $nfd"
[ "$nfd" -le 128 ] || cw_fail "daemon holds $nfd fds during the flood"
# The feed changes: the next polls must fetch it (200), not fail.
before=$(grep -c 'feed.xml status=200' "$CW_TMP/daemon.log")
echo "<!-- changed -->" >>"$WWW/feed.xml"
cw_wait_for "[ \$(grep -c 'feed.xml status=200' $CW_TMP/daemon.log) -gt $before ]" 5 ||
    cw_fail "no successful poll during the flood: $(tail -5 $CW_TMP/daemon.log)"
grep -q 'http: 32 connections open' "$CW_TMP/daemon.log" ||
    cw_fail "the cap was not logged"
wait "$FPID" 2>/dev/null || true
cw_wait_for "curl -sf -o /dev/null --max-time 2 http://127.0.0.1:$PORT/healthz" 15 ||
    cw_fail "/healthz does not answer after the flood"
kill -0 "$DPID" || cw_fail "daemon died"
echo "http flood ok"
