#!/bin/sh
# A password in a feed URL (https://user:pass@host/feed) never appears in
# the alert JSON, Redis keys or values, metrics or logs (issue 16): a real
# redis-server, the loopback HTTP server (which ignores the credentials)
# and claimwatchd at --log-level debug, then every place is searched.
. "$(dirname "$0")/lib.sh"

SECRET=s3cr3tPw
mkdir -p "$CW_TMP/www"
cw_e2e_feed "$CW_TMP/www/kabar.xml" deploy_1500
cw_start_redis
cw_start_httpd "$CW_TMP/www"
U="http://reader:$SECRET@127.0.0.1:$HTTP_PORT"
printf '%s/kabar.xml\n%s/missing.xml\n' "$U" "$U" >"$CW_TMP/feeds.txt"
cw_config "$CW_TMP/claimwatch.conf" "[redis]" "prefix = sec:" "channel = sec:alerts"
"$CW_BUILD/claimwatchd" -d -c "$CW_TMP/claimwatch.conf" --log-level debug \
    >"$CW_TMP/daemon.log" 2>&1 &
DPID=$!
CW_PIDS="$CW_PIDS $DPID"
cw_wait_for '[ "$(cw_redis XLEN sec:alerts)" -ge 1 ]' 20 ||
    { cat "$CW_TMP/daemon.log"; cw_fail "no alert"; }
cw_wait_for "grep -q 'missing.xml status=404' $CW_TMP/daemon.log" 20 || cw_fail "no 404 poll"
port=$(sed -n 's/.*http listen=.* port=\([0-9]*\).*/\1/p' "$CW_TMP/daemon.log" | head -1)
curl -s "http://127.0.0.1:$port/metrics" >"$CW_TMP/metrics"
kill -TERM "$DPID"
wait "$DPID" || cw_fail "claimwatchd exited $? on SIGTERM"

# The credentials did reach the server: the test is not vacuous.
grep -q "kabar.xml" "$CW_TMP/httpd.log" || cw_fail "the feed was not fetched"
alert=$(cw_redis --raw XRANGE sec:alerts - + | grep '^{' | head -1)
echo "$alert" | jq -e '.feed == "http://***@127.0.0.1:'"$HTTP_PORT"'/kabar.xml"' >/dev/null ||
    cw_fail "alert feed not redacted: $alert"
# Every key and every value in Redis.
cw_redis_dump "$CW_TMP/redis.dump"
grep -q "kabar.xml" "$CW_TMP/redis.dump" || cw_fail "Redis holds no feed URL at all (dump empty?)"
for f in redis.dump daemon.log metrics; do
	if grep -n "$SECRET" "$CW_TMP/$f"; then
		cw_fail "the feed URL's password is in $f"
	fi
done
echo "secrets ok: the password is in no alert, Redis key or value, metric or log line"
