#!/bin/sh
# End to end: claimwatchd polls a loopback feed whose item titles hold
# `"}` and a newline and publishes alerts; `claimwatch notify` delivers
# them to a webhook (the alert as published), a JSON template webhook and
# an exec sink, while a fourth sink's receiver stalls for 30 s.  The
# stalled sink holds up neither the other sinks nor the daemon's polls:
# alerts of later polls keep arriving while its first attempt hangs.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notify_lib.sh"
. "$CW_ROOT/tests/data/store/feeds.sh"

WWW=$CW_TMP/www
mkdir -p "$WWW" "$CW_TMP/out"
# feed N: feed 1's items 1..N, titles hostile: `"}`, {{id}}, a newline.
feed() { cw_feed "$WWW" 1 "$1" 'Banjir &quot;} {{id}}&#10;baris dua'; }
feed 1
cw_start_redis
cw_start_httpd "$WWW"
nt_start_receiver
echo "$HTTP_URL/f1.xml" >"$CW_TMP/feeds.txt"
hook="allow_private = yes"
cw_config "$CW_TMP/c.conf" \
    "[notify raw]" "type = webhook" "url = $RECV_URL/raw/ok" "$hook" \
    "[notify slack]" "type = webhook" "url = $RECV_URL/slack/ok" "$hook" \
    'body = {"text":"*{{type}}* {{key}}: {{previous}} -> {{value}} <{{url}}|{{title}}>"}' \
    "[notify slow]" "type = webhook" "url = $RECV_URL/slow/stall-30" \
    "timeout = 60s" "$hook" \
    "[notify print]" "type = exec" \
    "command = /bin/sh -c \"cat >>\$0/print\" $CW_TMP/out"
# The notifier first, so its groups see the daemon's first alert.
nt_start_notify "$CW_TMP/c.conf"
nt_wait_groups 4
"$CW_BUILD/claimwatchd" -d -c "$CW_TMP/c.conf" --log-level info \
    >"$CW_TMP/daemon.log" 2>&1 &
CW_PIDS="$CW_PIDS $!"
cw_wait_for '[ "$(nt_count "$NT_RECV/raw.keys")" -ge 1 ]' 30 ||
    { cat "$CW_TMP/daemon.log"; cw_fail "no first alert delivered"; }
# Later polls, while the slow sink still hangs on the first alert.
feed 2
cw_wait_for '[ "$(nt_count "$NT_RECV/raw.keys")" -ge 2 ]' 30 ||
    cw_fail "second poll's alert not delivered"
feed 3
cw_wait_for '[ "$(nt_count "$NT_RECV/raw.keys")" -ge 3 ]' 30 ||
    cw_fail "third poll's alert not delivered"
cw_wait_for 'grep -q "\"ev\": \"recv\"" "$NT_RECV/slow.log"' 10 ||
    cw_fail "slow sink never tried"
[ "$(grep -c '"ev": "recv"' "$NT_RECV/slow.log")" -eq 1 ] ||
    cw_fail "slow sink: not exactly one attempt under way"
grep -q '"ev": "answer"' "$NT_RECV/slow.log" &&
    cw_fail "slow receiver answered: the stall did not last"

# raw: each body is the published alert; ids are the stream's, in order.
nt_ids >"$CW_TMP/ids"
diff -u "$CW_TMP/ids" "$NT_RECV/raw.keys" || cw_fail "raw sink keys"
cw_redis --raw XRANGE "$NT_STREAM" - + | grep '^{' | jq -cS . >"$CW_TMP/want"
jq -cS . "$NT_RECV/raw.body" | diff -u "$CW_TMP/want" - ||
    cw_fail "raw bodies differ from the stream"
grep -q '"} {{id}} baris' "$CW_TMP/want" || cw_fail "the title lost its \"}"

# Slack-style template: valid JSON, title intact, no {{id}} expansion.
cw_wait_for '[ "$(nt_count "$NT_RECV/slack.keys")" -ge 3 ]' 30 ||
    cw_fail "template sink got $(nt_count "$NT_RECV/slack.keys")"
grep -q '^!INVALID' "$NT_RECV/slack.body" && cw_fail "template made invalid JSON"
key=$(head -1 "$CW_TMP/want" | jq -r .key)
jq -r .text "$NT_RECV/slack.body" | grep -qxF "*new* $key:  -> 12 <http://news.example.test/f1/1|Banjir \"} {{id}} baris dua>" ||
    cw_fail "template text: $(head -1 "$NT_RECV/slack.body")"

# exec: stdin is each alert, one JSON line each.
cw_wait_for '[ "$(nt_count "$CW_TMP/out/print")" -ge 3 ]' 30 || cw_fail "exec sink"
jq -cS . "$CW_TMP/out/print" | diff -u "$CW_TMP/want" - || cw_fail "exec stdin"
nt_stop_notify
echo "notify e2e ok: 3 polls delivered to 3 sinks while the fourth stalled"
