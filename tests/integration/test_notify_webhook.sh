#!/bin/sh
# `claimwatch notify` webhooks against the loopback receiver, alerts put
# straight into the stream: a receiver failing its first 5 attempts gets
# every alert once by idempotency key, in stream order; 429 is retried and
# 400 dead-lettered at once; a receiver stalled 30 s holds up no other
# sink; filters, a digest and a JSON template whose title holds `"}` and a
# newline; per-sink metrics; tokens in URLs and headers reach no log.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notify_lib.sh"

cw_start_redis
nt_start_receiver
: >"$CW_TMP/feeds.txt"
common="allow_private = yes
start = all
retry_min = 50ms
retry_max = 200ms"
cw_config "$CW_TMP/c.conf" "[notify]" "listen = 127.0.0.1:0" \
    "[notify retry]" "type = webhook" \
    "url = $RECV_URL/retry/fail-5?token=SECRETURL1" \
    "header = Authorization: Bearer SECRETHDR2" "retries = 10" "$common" \
    "[notify perm]" "type = webhook" "url = $RECV_URL/perm/e400" \
    "retries = 5" "$common" \
    "[notify r429]" "type = webhook" "url = $RECV_URL/r429/r429-2" \
    "$common" \
    "[notify tmpl]" "type = webhook" "url = $RECV_URL/tmpl/ok" \
    'body = {"text":"{{title}}","summary":"{{summary}}","id":"{{id}}","n":{{count}}}' \
    "$common" \
    "[notify filt]" "type = webhook" "url = $RECV_URL/filt/ok" \
    "key = a/*" "event = killed" "min_change = 10%" "$common" \
    "[notify digest]" "type = webhook" "url = $RECV_URL/digest/ok" \
    "digest = 3s" "$common" \
    "[notify slow]" "type = webhook" "url = $RECV_URL/slow/stall-30" \
    "timeout = 60s" "$common" \
    "[notify fast]" "type = webhook" "url = $RECV_URL/fast/ok" "$common" \
    "[notify guard]" "type = webhook" "url = $RECV_URL/guard/ok" \
    "start = all" "retries = 0"
nt_start_notify "$CW_TMP/c.conf"
nt_wait_groups 9

# Five alerts in one go, the first with a hostile title.
title=$(printf 'Flood "} {{id}}\nsecond line')
{
	nt_alert changed a/killed/people 100 105 "$title"
	nt_alert changed a/killed/people 100 200 "two"
	nt_alert changed b/killed/people 10 20 "three"
	nt_alert new a/wounded/people - 50 "four"
	nt_alert new a/killed/troops - 7 "five"
} >"$CW_TMP/alerts"
while IFS= read -r a; do
	printf 'XADD %s * alert %s\n' "$NT_STREAM" "$(printf '%s' "$a" |
	    python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')"
done <"$CW_TMP/alerts" | cw_redis >/dev/null
nt_ids >"$CW_TMP/ids"
[ "$(nt_count "$CW_TMP/ids")" -eq 5 ] || cw_fail "stream holds $(nt_count "$CW_TMP/ids") alerts"

# The fast sink gets all five while the slow one is still stalled on its
# first: it was not held up.
cw_wait_for '[ "$(nt_count "$NT_RECV/fast.keys")" -ge 5 ]' 30 ||
    cw_fail "fast sink got $(nt_count "$NT_RECV/fast.keys") of 5"
cw_wait_for 'grep -q "\"ev\": \"recv\"" "$NT_RECV/slow.log"' 10 ||
    cw_fail "slow sink never tried"
[ "$(grep -c '"ev": "recv"' "$NT_RECV/slow.log")" -eq 1 ] ||
    cw_fail "slow sink: not exactly one attempt under way"
grep -q '"ev": "answer"' "$NT_RECV/slow.log" &&
    cw_fail "slow receiver answered: the stall did not last"
diff -u "$CW_TMP/ids" "$NT_RECV/fast.keys" || cw_fail "fast sink order"

# Fails 5 times, then every alert once by key, in stream order.
cw_wait_for '[ "$(nt_count "$NT_RECV/retry.keys")" -ge 5 ]' 60 ||
    cw_fail "retry sink got $(nt_count "$NT_RECV/retry.keys") of 5"
diff -u "$CW_TMP/ids" "$NT_RECV/retry.keys" ||
    cw_fail "retry sink: not every alert once in stream order"
[ "$(grep -c '"status": 500' "$NT_RECV/retry.log")" -eq 5 ] ||
    cw_fail "retry receiver did not fail 5 attempts"
grep '"ev": "recv"' "$NT_RECV/retry.log" | grep -qv '"auth": "Bearer SECRETHDR2"' &&
    cw_fail "header not sent on every attempt"
grep -q '"type": "application/json"' "$NT_RECV/retry.log" ||
    cw_fail "no JSON content type"
# The body is the alert as published.
i=1
while IFS= read -r b; do
	want=$(sed -n "${i}p" "$CW_TMP/alerts")
	[ "$(printf '%s' "$b" | jq -cS .)" = "$(printf '%s' "$want" | jq -cS .)" ] ||
	    cw_fail "retry body $i is not the alert"
	i=$((i + 1))
done <"$NT_RECV/retry.body"

# 429 with Retry-After: retried; 400: dead-lettered after one attempt.
cw_wait_for '[ "$(nt_count "$NT_RECV/r429.keys")" -ge 5 ]' 60 ||
    cw_fail "429 sink got $(nt_count "$NT_RECV/r429.keys") of 5"
diff -u "$CW_TMP/ids" "$NT_RECV/r429.keys" || cw_fail "429 sink order"
cw_wait_for '[ "$(cw_redis XLEN $NT_STREAM:dead:perm)" -ge 5 ]' 30 ||
    cw_fail "400 not dead-lettered"
[ "$(grep -c '"ev": "recv"' "$NT_RECV/perm.log")" -eq 5 ] ||
    cw_fail "a 400 was retried"
cw_redis --raw XRANGE $NT_STREAM:dead:perm - + | grep -qx 'HTTP 400' ||
    cw_fail "dead letter lacks its reason"
sleep 0.5
[ "$(cw_redis XLEN $NT_STREAM:dead:perm)" -eq 5 ] || cw_fail "dead-letter count"

# Without allow_private the loopback receiver is refused, never reached.
cw_wait_for '[ "$(cw_redis XLEN $NT_STREAM:dead:guard)" -ge 5 ]' 30 ||
    cw_fail "private address not refused"
[ -e "$NT_RECV/guard.log" ] && cw_fail "the guard let a request through"
cw_redis --raw XRANGE $NT_STREAM:dead:guard - + |
    grep -qxF 'refused private address 127.0.0.1 (allow_private = yes in [notify guard] allows it)' ||
    cw_fail "dead letter lacks the guard's reason"

# Template: valid JSON whatever the title holds, fields substituted once.
cw_wait_for '[ "$(nt_count "$NT_RECV/tmpl.keys")" -ge 5 ]' 30 ||
    cw_fail "template sink got $(nt_count "$NT_RECV/tmpl.keys")"
grep -q '^!INVALID' "$NT_RECV/tmpl.body" && cw_fail "template made invalid JSON"
got=$(sed -n 1p "$NT_RECV/tmpl.body" | jq -r .text)
[ "$got" = "$title" ] || cw_fail "title not kept: $got"
[ "$(sed -n 1p "$NT_RECV/tmpl.body" | jq -r .id)" = "$(sed -n 1p "$CW_TMP/ids")" ] ||
    cw_fail "{{id}} is not the stream id"
sed -n 1p "$NT_RECV/tmpl.body" | jq -e '.n == 1 and (.summary |
    startswith("changed a/killed/people: 100 -> 105"))' >/dev/null ||
    cw_fail "template fields: $(sed -n 1p "$NT_RECV/tmpl.body")"

# Filters: key a/*, event killed, a change of at least 10% (new passes).
cw_wait_for '[ "$(nt_metric claimwatch_notify_filtered_total filt)" = 3 ]' 30 ||
    cw_fail "filtered: $(nt_metric claimwatch_notify_filtered_total filt)"
sed -n '2p;5p' "$CW_TMP/ids" | diff -u - "$NT_RECV/filt.keys" ||
    cw_fail "filter let the wrong alerts by"

# Digest: one message with all five, keyed by first~last id.
cw_wait_for '[ "$(nt_count "$NT_RECV/digest.keys")" -ge 1 ]' 30 ||
    cw_fail "no digest"
sleep 1
[ "$(nt_count "$NT_RECV/digest.keys")" -eq 1 ] || cw_fail "more than one digest"
[ "$(cat "$NT_RECV/digest.keys")" = "$(sed -n 1p "$CW_TMP/ids")~$(sed -n 5p "$CW_TMP/ids")" ] ||
    cw_fail "digest key: $(cat "$NT_RECV/digest.keys")"
jq -e '.type == "digest" and .count == 5 and (.alerts | length) == 5' \
    "$NT_RECV/digest.body" >/dev/null || cw_fail "digest body"
jq -r '.ids[]' "$NT_RECV/digest.body" | diff -u "$CW_TMP/ids" - ||
    cw_fail "digest ids"

# Metrics per sink; the slow sink's lag grows while it is stalled.
[ "$(nt_metric claimwatch_notify_delivered_total retry)" = 5 ] ||
    cw_fail "delivered metric"
[ "$(nt_metric claimwatch_notify_failed_total retry)" = 5 ] ||
    cw_fail "failed metric"
[ "$(nt_metric claimwatch_notify_retried_total retry)" = 5 ] ||
    cw_fail "retried metric"
[ "$(nt_metric claimwatch_notify_dead_lettered_total perm)" = 5 ] ||
    cw_fail "dead-lettered metric"
lag=$(nt_metric claimwatch_notify_lag_seconds slow)
awk -v l="$lag" 'BEGIN { exit !(l > 0) }' || cw_fail "slow sink lag $lag"
curl -fsS "$METRICS_URL" >"$CW_TMP/metrics"
python3 "$CW_ROOT/tests/tools/promcheck.py" <"$CW_TMP/metrics" >/dev/null ||
    cw_fail "metrics are not valid exposition text"

# Tokens never reach the log, the metrics or the dead letters.
cw_redis --raw XRANGE $NT_STREAM:dead:perm - + >"$CW_TMP/dead"
if grep -l 'SECRETURL1\|SECRETHDR2' "$CW_TMP/notify.log" "$CW_TMP/metrics" \
    "$CW_TMP/dead"; then
	cw_fail "a token leaked"
fi
nt_stop_notify
echo "notify webhook ok: retry, 429, 400, stall, template, filter, digest, metrics"
