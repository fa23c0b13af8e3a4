#!/bin/sh
# `claimwatch tail` against a running daemon's alerts: with --from-stream
# 0 it prints the alerts already in the stream (replayed) and then the
# ones published while it runs (live), each once and in stream order;
# from a later id it starts after that id; without --raw it pretty-prints.
# Alerts are checked against the schema with jq.
. "$(dirname "$0")/lib.sh"
. "$CW_ROOT/tests/data/store/feeds.sh"

NF=3
WWW=$CW_TMP/www
mkdir -p "$WWW" "$CW_TMP/state"
grow() { cw_feeds_grow "$WWW" "$NF" "$1"; }
grow 1
cw_start_redis
cw_start_httpd "$WWW"
cw_feeds_list "$HTTP_URL" "$NF"
cw_config "$CW_TMP/claimwatch.conf" "[redis]" "prefix = tl:" \
    "channel = tl:alerts" "stream = tl:alerts"
"$CW_BUILD/claimwatchd" -d -c "$CW_TMP/claimwatch.conf" --log-level info \
    >"$CW_TMP/daemon.log" 2>&1 &
CW_PIDS="$CW_PIDS $!"
xlen() { cw_redis XLEN tl:alerts; }
# The stream as `tail --raw` prints it: each alert with its stream_id.
stream_lines() {
	cw_redis --raw XRANGE tl:alerts - + | awk '
	    /^[0-9]+-[0-9]+$/ { id = $0; next }
	    /^\{/ { print "{\"stream_id\":\"" id "\"," substr($0, 2) }'
}
lines() { grep -c . "$1" 2>/dev/null || true; }
cw_wait_for '[ "$(xlen)" -ge $NF ]' 30 ||
    { cat "$CW_TMP/daemon.log"; cw_fail "no first alerts"; }

# Live only (the default, from the stream's end): none of those.
"$CW_BUILD/claimwatch" tail -c "$CW_TMP/claimwatch.conf" --raw \
    >"$CW_TMP/tail.live" 2>"$CW_TMP/tail.live.err" &
CW_PIDS="$CW_PIDS $!"
cw_wait_for '[ "$(cw_redis CLIENT LIST | grep -c cmd=xread)" -ge 1 ]' 10 ||
    cw_fail "default tail did not start reading"

# Replay: what the stream holds already.
"$CW_BUILD/claimwatch" tail -c "$CW_TMP/claimwatch.conf" --from-stream 0 \
    --raw >"$CW_TMP/tail.raw" 2>"$CW_TMP/tail.err" &
CW_PIDS="$CW_PIDS $!"
"$CW_BUILD/claimwatch" tail --url "$REDIS_URL" --stream tl:alerts \
    --from-stream 0 >"$CW_TMP/tail.pretty" 2>&1 &
CW_PIDS="$CW_PIDS $!"
cw_wait_for '[ "$(lines "$CW_TMP/tail.raw")" -ge $NF ]' 10 ||
    cw_fail "tail did not replay the stream: $(cat "$CW_TMP/tail.err")"

# Live: the feeds gain two items each.
grow 2
sleep 1
grow 3
cw_wait_for '[ "$(xlen)" -ge $((3 * NF)) ]' 30 || cw_fail "no live alerts"
cw_wait_for '[ "$(lines "$CW_TMP/tail.raw")" -ge $((3 * NF)) ]' 10 ||
    cw_fail "tail missed live alerts: $(lines "$CW_TMP/tail.raw")"
sleep 1

# The tail printed the stream exactly: same ids, same alerts, same order.
stream_lines >"$CW_TMP/stream.lines"
diff -u "$CW_TMP/stream.lines" "$CW_TMP/tail.raw" ||
    cw_fail "tail --from-stream 0 differs from XRANGE"
sid() { sed 's/^{"stream_id":"\([0-9-]*\)".*/\1/'; }
sed 's/^{"stream_id":"[0-9-]*",/{/' "$CW_TMP/tail.raw" >"$CW_TMP/tail.json"
jq -e -s 'all(.[]; (.stream_id | test("^[0-9]+-[0-9]+$")) and .v >= 1)' \
    "$CW_TMP/tail.raw" >/dev/null ||
    cw_fail "tail --raw is not JSON Lines"
tail -n +$((NF + 1)) "$CW_TMP/stream.lines" | diff -u - "$CW_TMP/tail.live" ||
    cw_fail "default tail is not the live part of the stream"
cw_feed_expect $NF 3 >"$CW_TMP/want"
cw_alerts "$CW_TMP/tail.json" >"$CW_TMP/got"
diff -u "$CW_TMP/want" "$CW_TMP/got" || cw_fail "tail alerts differ"

# Pretty: each alert led by its stream id, naming the key.
n=$(grep -c '^\[[0-9]*-[0-9]*\] ' "$CW_TMP/tail.pretty" || true)
[ "$n" -eq $((3 * NF)) ] || cw_fail "pretty tail printed $n alerts"
first=$(sed -n 1p "$CW_TMP/stream.lines" | sid)
grep -q "^\[$first\] " "$CW_TMP/tail.pretty" || cw_fail "pretty tail lacks ids"
grep -q "$(cw_feed_key 1)" "$CW_TMP/tail.pretty" ||
    cw_fail "pretty tail lacks the key"

# From a later id: only what follows it.
mid=$(sed -n "${NF}p" "$CW_TMP/stream.lines" | sid)
"$CW_BUILD/claimwatch" tail --url "$REDIS_URL" --stream tl:alerts \
    --from-stream "$mid" --raw >"$CW_TMP/tail.mid" 2>&1 &
CW_PIDS="$CW_PIDS $!"
cw_wait_for '[ "$(lines "$CW_TMP/tail.mid")" -ge $((2 * NF)) ]' 10 ||
    cw_fail "tail --from-stream $mid printed $(lines "$CW_TMP/tail.mid")"
sleep 1
tail -n +$((NF + 1)) "$CW_TMP/stream.lines" | diff -u - "$CW_TMP/tail.mid" ||
    cw_fail "tail --from-stream $mid is not the rest of the stream"

# CLIENT KILL of every tail's connection: each reconnects and prints the
# next alerts once, resuming after the last id it printed.
for id in $(cw_redis CLIENT LIST | grep cmd=xread |
    sed 's/^id=\([0-9]*\) .*/\1/'); do
	cw_redis CLIENT KILL ID "$id" >/dev/null
done
cw_wait_for 'grep -q reconnecting "$CW_TMP/tail.err"' 10 ||
    cw_fail "tail did not see its connection killed"
grow 4
cw_wait_for '[ "$(xlen)" -ge $((4 * NF)) ]' 30 || cw_fail "no alerts after kill"
cw_wait_for '[ "$(lines "$CW_TMP/tail.raw")" -ge $((4 * NF)) ]' 10 ||
    cw_fail "tail printed nothing after CLIENT KILL"
cw_wait_for '[ "$(lines "$CW_TMP/tail.live")" -ge $((3 * NF)) ]' 10 ||
    cw_fail "default tail printed nothing after CLIENT KILL"
sleep 1
stream_lines >"$CW_TMP/stream.lines"
diff -u "$CW_TMP/stream.lines" "$CW_TMP/tail.raw" ||
    cw_fail "tail after CLIENT KILL differs from XRANGE"
tail -n +$((NF + 1)) "$CW_TMP/stream.lines" | diff -u - "$CW_TMP/tail.live" ||
    cw_fail "default tail after CLIENT KILL differs from XRANGE"
echo "tail ok: $NF replayed and $((3 * NF)) live alerts, each once, in order, across CLIENT KILL"
