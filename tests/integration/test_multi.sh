#!/bin/sh
# Three claimwatchd processes, one redis-server, one list of twelve feeds
# on the loopback test server, polled every 2 s while the feeds gain
# items.  Asserts that every alert arrives exactly once (SUBSCRIBE and the
# stream), that each daemon polled some of the feeds, and that the feed
# leases split the work: the test server sees about one request per feed
# per interval, not three.
. "$(dirname "$0")/lib.sh"
. "$CW_ROOT/tests/data/store/feeds.sh"

NF=12
ND=3
IV=2
NI=5
WWW=$CW_TMP/www
mkdir -p "$WWW"
grow() { cw_feeds_grow "$WWW" "$NF" "$1"; }
grow 1
cw_start_redis
cw_start_httpd "$WWW"
cw_feeds_list "$HTTP_URL" "$NF"

d=1
while [ "$d" -le $ND ]; do
	mkdir -p "$CW_TMP/state$d"
	CW_INTERVAL=$IV CW_STATE=$CW_TMP/state$d cw_config "$CW_TMP/d$d.conf" \
	    "[redis]" "prefix = mul:" "channel = mul:alerts" \
	    "stream = mul:alerts"
	d=$((d + 1))
done

cw_subscribe mul:alerts "$CW_TMP/sub"
DPIDS=""
d=1
while [ "$d" -le $ND ]; do
	"$CW_BUILD/claimwatchd" -d -c "$CW_TMP/d$d.conf" --log-level debug \
	    >"$CW_TMP/d$d.log" 2>&1 &
	DPIDS="$DPIDS $!"
	CW_PIDS="$CW_PIDS $!"
	d=$((d + 1))
done
xlen() { cw_redis XLEN mul:alerts; }

cw_wait_for '[ "$(xlen)" -ge $NF ]' 30 ||
    { cat "$CW_TMP/d1.log"; cw_fail "no first alerts: $(xlen)"; }
# The steady state: count the test server's requests over five rounds
# while the feeds gain one item per round.
sleep $IV
t0=$(date +%s)
r=2
while [ "$r" -le $NI ]; do
	grow "$r"
	sleep $IV
	r=$((r + 1))
done
sleep $IV
t1=$(date +%s)
cw_wait_for '[ "$(xlen)" -ge $((NF * NI)) ]' 30 ||
    cw_fail "alerts missing: $(xlen) of $((NF * NI))"
sleep $IV

reqs=$(awk -v a="$t0" -v b="$t1" '{ split($4, t, "="); s = t[2] + 0 }
    $2 ~ /^\/f[0-9]+\.xml$/ && s >= a && s < b { n++ } END { print n + 0 }' \
    "$CW_TMP/httpd.log")
rounds=$(( (t1 - t0) / IV ))
want=$((NF * rounds))
echo "multi: $reqs feed requests in $((t1 - t0)) s ($rounds rounds of $NF feeds; $((want * ND)) without leases)"
[ "$reqs" -le $((want * 3 / 2)) ] ||
    cw_fail "$reqs requests for $rounds rounds of $NF feeds: polls not split"
[ "$reqs" -ge $((want / 2)) ] || cw_fail "only $reqs requests: polling stalled"
d=1
while [ "$d" -le $ND ]; do
	n=$(grep -c "feed=$HTTP_URL/f[0-9]*\.xml status=" "$CW_TMP/d$d.log" || true)
	[ "$n" -ge 1 ] || cw_fail "daemon $d polled nothing"
	echo "multi: daemon $d polled $n times"
	d=$((d + 1))
done

cw_redis --raw XRANGE mul:alerts - + | grep '^{' >"$CW_TMP/stream.json" || true
cw_feed_expect $NF $NI >"$CW_TMP/want"
cw_alerts "$CW_TMP/stream.json" >"$CW_TMP/got.stream"
cw_alerts "$CW_TMP/sub.raw" >"$CW_TMP/got.sub"
diff -u "$CW_TMP/want" "$CW_TMP/got.stream" || cw_fail "stream alerts differ"
diff -u "$CW_TMP/want" "$CW_TMP/got.sub" || cw_fail "SUBSCRIBEd alerts differ"
for p in $DPIDS; do
	kill -TERM "$p"
	wait "$p" || cw_fail "claimwatchd exited $? on SIGTERM"
done
echo "multi ok: $((NF * NI)) alerts from $ND daemons, each once"
