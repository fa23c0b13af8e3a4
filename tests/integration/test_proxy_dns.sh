#!/bin/sh
# The private-address guard behind a proxy, without blocking the loop
# (fetch_dns.c).  A real redis-server, two loopback test HTTP servers, the
# forward proxy (tests/tools/proxy.py, told which test names are which
# loopback server) and a fake nameserver (tests/tools/slowdns.py) that
# [poll] resolver points the daemon at; it holds its answer for slow.test
# until the test releases it.  Names resolve to TEST-NET addresses
# (public, never contacted: the daemon only ever connects to the proxy)
# or to 127.0.0.1 (refused).
#  - while slow.test's look-up is unanswered, feed.test's alert arrives
#    and /metrics answers: the loop is not blocked (ordering, not timing:
#    the nameserver logs when it answers);
#  - once answered, slow.test (127.0.0.1) is refused with the usual text;
#  - redirects through the proxy are followed by fetch: a hop to a name
#    of 127.0.0.1 is refused, a hop to another public name is followed
#    with the Basic credentials dropped (another origin), a 301 chain is
#    reported as moved, and a loop ends at max_redirects as libcurl's.
. "$(dirname "$0")/lib.sh"

SECRET=pa55Word3
mkdir -p "$CW_TMP/www" "$CW_TMP/wwwb"
cw_e2e_feed "$CW_TMP/www/kabar.xml" deploy_1500
cp "$CW_TMP/www/kabar.xml" "$CW_TMP/wwwb/other.xml"
cw_start_redis
cw_start_httpd "$CW_TMP/www"
"$CW_BUILD/tests/testhttpd" -d "$CW_TMP/wwwb" -P "$CW_TMP/b.port" \
    >"$CW_TMP/b.log" 2>&1 &
CW_PIDS="$CW_PIDS $!"
cw_wait_for "test -s $CW_TMP/b.port" 10 || cw_fail "host B did not start"
BPORT=$(cat "$CW_TMP/b.port")

python3 "$CW_ROOT/tests/tools/slowdns.py" --log "$CW_TMP/dns.log" \
    --port-file "$CW_TMP/dns.port" --release "$CW_TMP/release" \
    --answer feed.test=192.0.2.10 --answer other.test=192.0.2.11 \
    --answer inner.test=127.0.0.1 --answer slow.test=127.0.0.1 \
    --hold slow.test >"$CW_TMP/dns.out" 2>&1 &
CW_PIDS="$CW_PIDS $!"
cw_wait_for "test -s $CW_TMP/dns.port" 10 || cw_fail "the nameserver did not start"
python3 "$CW_ROOT/tests/tools/proxy.py" --log "$CW_TMP/proxy.log" \
    --port-file "$CW_TMP/proxy.port" --map feed.test=127.0.0.1 \
    --map other.test=127.0.0.1 --map inner.test=127.0.0.1 \
    --map slow.test=127.0.0.1 >"$CW_TMP/proxy.out" 2>&1 &
CW_PIDS="$CW_PIDS $!"
cw_wait_for "test -s $CW_TMP/proxy.port" 10 || cw_fail "proxy did not start"

umask 077
printf 'reader:%s\n' "$SECRET" >"$CW_TMP/a.auth"
umask 022
P=$HTTP_PORT
{
	echo "http://slow.test:$P/kabar.xml"
	echo "http://feed.test:$P/kabar.xml"
	echo "http://feed.test:$P/_/redirect/302?to=http://inner.test:$P/kabar.xml"
	echo "http://feed.test:$P/_/redirect/301?to=http://other.test:$BPORT/other.xml auth=a.auth"
	echo "http://feed.test:$P/_/loop"
} >"$CW_TMP/feeds.txt"
cw_config "$CW_TMP/claimwatch.conf" "[redis]" "prefix = pd:" \
    "channel = pd:alerts" "[poll]" \
    "proxy = http://127.0.0.1:$(cat "$CW_TMP/proxy.port")" \
    "resolver = 127.0.0.1:$(cat "$CW_TMP/dns.port")"
sed -i '/^allow_private/d' "$CW_TMP/claimwatch.conf"
"$CW_BUILD/claimwatchd" -d -c "$CW_TMP/claimwatch.conf" --log-level debug \
    >"$CW_TMP/daemon.log" 2>&1 &
DPID=$!
CW_PIDS="$CW_PIDS $DPID"
# A daemon whose loop is blocked does not see SIGTERM either.
dns_fail() {
	kill -KILL "$DPID" 2>/dev/null || true
	cw_fail "$@"
}

# 1. slow.test's question is in; its answer is held.
cw_wait_for "grep -q '^query slow.test 1' $CW_TMP/dns.log" 20 ||
    { cat "$CW_TMP/daemon.log"; dns_fail "slow.test was not looked up with [poll] resolver"; }
# 2. Meanwhile the loop runs: feed.test's alert, and /metrics.
cw_wait_for '[ "$(cw_redis XLEN pd:alerts)" -ge 1 ]' 20 ||
    { cat "$CW_TMP/daemon.log"; dns_fail "no alert from feed.test while slow.test was being looked up"; }
cw_wait_for "grep -q 'http listen=.* port=' $CW_TMP/daemon.log" 10 ||
    dns_fail "no metrics port in the log"
port=$(sed -n 's/.*http listen=.* port=\([0-9]*\).*/\1/p' "$CW_TMP/daemon.log" | head -1)
curl -s -m 10 --noproxy '*' "http://127.0.0.1:$port/metrics" >"$CW_TMP/metrics" ||
    dns_fail "/metrics did not answer while slow.test was being looked up"
grep -q claimwatch_ "$CW_TMP/metrics" || dns_fail "no metrics"
grep -q '^answer slow.test' "$CW_TMP/dns.log" &&
    dns_fail "slow.test was answered before the test released it: $(cat "$CW_TMP/dns.log")"
grep -q "^GET http://feed.test:$P/kabar.xml HTTP/1.1 200" "$CW_TMP/proxy.log" ||
    { cat "$CW_TMP/proxy.log"; dns_fail "feed.test did not go through the proxy"; }
grep -q "^GET http://slow.test" "$CW_TMP/proxy.log" &&
    dns_fail "slow.test reached the proxy before it was judged"

# 3. Released: slow.test is 127.0.0.1, refused, and never sent on.
: >"$CW_TMP/release"
cw_wait_for "grep -q 'feed=http://slow.test:$P/kabar.xml .*refused private address 127.0.0.1 of host slow.test through the proxy (\[poll\] allow_private = yes allows it)' $CW_TMP/daemon.log" 30 ||
    { cat "$CW_TMP/dns.log" "$CW_TMP/daemon.log"; dns_fail "slow.test (127.0.0.1) was not refused"; }
grep -q "^GET http://slow.test" "$CW_TMP/proxy.log" && dns_fail "a refused target reached the proxy"

# 4. Redirect hops through the proxy, followed by fetch.
cw_wait_for "grep -q 'redirect/302.*refused private address 127.0.0.1 of host inner.test through the proxy' $CW_TMP/daemon.log" 20 ||
    { cat "$CW_TMP/daemon.log"; dns_fail "a redirect to a name of 127.0.0.1 was not refused"; }
grep -q "^GET http://inner.test" "$CW_TMP/proxy.log" && dns_fail "the refused hop reached the proxy"
grep -q "^query inner.test 1" "$CW_TMP/dns.log" || dns_fail "the redirect's host was not looked up"
cw_wait_for "grep -q 'other.xml' $CW_TMP/b.log" 20 ||
    { cat "$CW_TMP/daemon.log"; dns_fail "the redirect to other.test was not followed"; }
grep -q "redirect/301.* auth=Basic_" "$CW_TMP/httpd.log" ||
    dns_fail "the first hop was asked without its credentials"
grep -q "auth=" "$CW_TMP/b.log" && dns_fail "credentials reached other.test after a redirect"
grep -q "^GET http://other.test:$BPORT/other.xml HTTP/1.1 200" "$CW_TMP/proxy.log" ||
    { cat "$CW_TMP/proxy.log"; dns_fail "the hop did not go through the proxy"; }
grep -q "^GET http://other.test.* auth=yes" "$CW_TMP/proxy.log" && dns_fail "the proxy saw credentials for other.test"
grep -q "feed=http://feed.test:$P/_/redirect/301?to=http://other.test:$BPORT/other.xml moved permanently to http://other.test:$BPORT/other.xml" "$CW_TMP/daemon.log" ||
    dns_fail "the 301 hop followed by fetch was not reported as moved"
cw_wait_for "grep -q 'feed=http://feed.test:$P/_/loop .*Maximum (5) redirects followed' $CW_TMP/daemon.log" 20 ||
    { grep "_/loop" "$CW_TMP/daemon.log"; dns_fail "a redirect loop through the proxy did not stop at max_redirects"; }
kill -TERM "$DPID"
wait "$DPID" || dns_fail "claimwatchd exited $? on SIGTERM"
grep -n "$SECRET" "$CW_TMP/daemon.log" && dns_fail "the secret is in the log"
echo "proxy dns ok: the loop ran while a look-up was held, slow.test refused once answered, redirect hops judged and followed without credentials"
