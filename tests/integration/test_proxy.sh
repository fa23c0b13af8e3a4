#!/bin/sh
# Proxies and per-feed credentials (issue 16, "Secrets"): a real
# redis-server, two loopback test HTTP servers (the feeds' host A and a
# host B that A redirects to) and a tiny forward proxy (tests/tools/proxy.py,
# which logs every request line it forwards).
#  - [poll] proxy and http_proxy send the feeds through the proxy;
#    no_proxy and "proxy = none" bypass it;
#  - with the private-address guard on, a loopback target is refused even
#    through the (loopback, allowed) proxy, and nothing reaches the proxy;
#  - auth=FILE: the Authorization header reaches A, never B after the
#    redirect; a header credential is not carried to B either; SIGHUP picks
#    up a changed file;
#  - the credentials and the proxy's password are in no log, metric,
#    alert, Redis key or value, check-config or feeds --opml output.
. "$(dirname "$0")/lib.sh"

SECRET=pa55Word1
SECRET2=pa55Word2
APIKEY=k3yV4lue9
PSECRET=pr0xyPw7
CW=$CW_BUILD/claimwatch
mkdir -p "$CW_TMP/www" "$CW_TMP/wwwb"
cw_e2e_feed "$CW_TMP/www/kabar.xml" deploy_1500
cp "$CW_TMP/www/kabar.xml" "$CW_TMP/wwwb/other.xml"
cw_start_redis
cw_start_httpd "$CW_TMP/www"
A=$HTTP_URL

# Host B: a second test server with its own log.
"$CW_BUILD/tests/testhttpd" -d "$CW_TMP/wwwb" -P "$CW_TMP/b.port" \
    >"$CW_TMP/b.log" 2>&1 &
CW_PIDS="$CW_PIDS $!"
cw_wait_for "test -s $CW_TMP/b.port" 10 || cw_fail "host B did not start"
B=http://127.0.0.1:$(cat "$CW_TMP/b.port")

python3 "$CW_ROOT/tests/tools/proxy.py" --log "$CW_TMP/proxy.log" \
    --port-file "$CW_TMP/proxy.port" >"$CW_TMP/proxy.out" 2>&1 &
CW_PIDS="$CW_PIDS $!"
cw_wait_for "test -s $CW_TMP/proxy.port" 10 || cw_fail "proxy did not start"
PPORT=$(cat "$CW_TMP/proxy.port")

# The credentials live in files beside the list, not in it.
umask 077
printf '# the reader account\nreader:%s\n' "$SECRET" >"$CW_TMP/a.auth"
printf 'header X-Api-Key: %s\n' "$APIKEY" >"$CW_TMP/key.auth"
umask 022
{
	echo "$A/kabar.xml auth=a.auth"
	echo "$A/_/redirect/302?to=$B/other.xml auth=a.auth"
	echo "$A/_/redirect/307?to=$B/keyed.xml auth=key.auth"
} >"$CW_TMP/feeds.txt"
b64() { printf '%s' "$1" | base64; }

# 1. [poll] proxy, with a password, on a running daemon at debug.
cw_config "$CW_TMP/claimwatch.conf" "[redis]" "prefix = px:" \
    "channel = px:alerts" "[poll]" \
    "proxy = http://puser:$PSECRET@127.0.0.1:$PPORT"
"$CW_BUILD/claimwatchd" -d -c "$CW_TMP/claimwatch.conf" --log-level debug \
    >"$CW_TMP/daemon.log" 2>&1 &
DPID=$!
CW_PIDS="$CW_PIDS $DPID"
cw_wait_for '[ "$(cw_redis XLEN px:alerts)" -ge 1 ]' 20 ||
    { cat "$CW_TMP/daemon.log"; cw_fail "no alert through the proxy"; }
cw_wait_for "grep -q 'other.xml' $CW_TMP/b.log" 20 ||
    { cat "$CW_TMP/daemon.log"; cw_fail "the redirect to host B was not followed"; }
grep -q "^GET $A/kabar.xml HTTP/1.1 auth=yes 200" "$CW_TMP/proxy.log" ||
    { cat "$CW_TMP/proxy.log"; cw_fail "the feed did not go through [poll] proxy"; }
grep -q "kabar.xml 200 .* auth=Basic_$(b64 "reader:$SECRET")" "$CW_TMP/httpd.log" ||
    { cat "$CW_TMP/httpd.log"; cw_fail "the auth file's credentials did not reach host A"; }
grep -q "redirect/302.* auth=Basic_" "$CW_TMP/httpd.log" ||
    cw_fail "host A's redirect was asked without the credentials"
grep -q "auth=" "$CW_TMP/b.log" && cw_fail "credentials reached host B after a redirect: $(cat "$CW_TMP/b.log")"
grep -q "^GET $B/other.xml HTTP/1.1 auth=yes" "$CW_TMP/proxy.log" &&
    cw_fail "the proxy saw credentials sent on to host B"
# A header credential is bound to its host: that redirect is refused.
grep -q "redirect/307.* apikey=$APIKEY" "$CW_TMP/httpd.log" ||
    cw_fail "the header credential did not reach host A"
grep -q "keyed.xml" "$CW_TMP/b.log" && cw_fail "the header credential's redirect reached host B"
cw_wait_for "grep -q 'keyed.xml.*redirect to another host not followed' $CW_TMP/daemon.log" 10 ||
    cw_fail "no clear error for the header credential's redirect"

# SIGHUP reads the changed file.
printf 'reader:%s\n' "$SECRET2" >"$CW_TMP/a.auth"
kill -HUP "$DPID"
cw_wait_for "grep -q 'kabar.xml [0-9]* .* auth=Basic_$(b64 "reader:$SECRET2")' $CW_TMP/httpd.log" 20 ||
    { tail "$CW_TMP/httpd.log"; cw_fail "reload did not pick up the changed auth file"; }
port=$(sed -n 's/.*http listen=.* port=\([0-9]*\).*/\1/p' "$CW_TMP/daemon.log" | head -1)
curl -s --noproxy '*' "http://127.0.0.1:$port/metrics" >"$CW_TMP/metrics"
grep -q claimwatch_ "$CW_TMP/metrics" || cw_fail "no metrics"
kill -TERM "$DPID"
wait "$DPID" || cw_fail "claimwatchd exited $? on SIGTERM"
grep -q "proxy http=http://\*\*\*@127.0.0.1:$PPORT" "$CW_TMP/daemon.log" ||
    cw_fail "the proxy in use is not logged (redacted)"

# 2. http_proxy from the environment, no [poll] proxy.
cw_config "$CW_TMP/env.conf" "[redis]" "prefix = pe:"
echo "$A/kabar.xml" >"$CW_TMP/feeds.txt"
: >"$CW_TMP/proxy.log"
http_proxy=http://127.0.0.1:$PPORT timeout 20 "$CW_BUILD/claimwatchd" -d \
    -c "$CW_TMP/env.conf" --once >"$CW_TMP/env.log" 2>&1 ||
    { cat "$CW_TMP/env.log"; cw_fail "--once through http_proxy failed"; }
grep -q "^GET $A/kabar.xml HTTP/1.1 200" "$CW_TMP/proxy.log" ||
    cw_fail "http_proxy was not honoured"

# 3. no_proxy bypasses it; 4. so does "proxy = none".
: >"$CW_TMP/proxy.log"
n=$(grep -c "kabar.xml" "$CW_TMP/httpd.log")
http_proxy=http://127.0.0.1:$PPORT no_proxy=example.org,127.0.0.1 timeout 20 \
    "$CW_BUILD/claimwatchd" -d -c "$CW_TMP/env.conf" --once \
    >"$CW_TMP/np.log" 2>&1 || { cat "$CW_TMP/np.log"; cw_fail "--once with no_proxy failed"; }
cw_config "$CW_TMP/none.conf" "[redis]" "prefix = pn:" "[poll]" "proxy = none"
http_proxy=http://127.0.0.1:$PPORT timeout 20 "$CW_BUILD/claimwatchd" -d \
    -c "$CW_TMP/none.conf" --once >"$CW_TMP/none.log" 2>&1 ||
    { cat "$CW_TMP/none.log"; cw_fail "--once with proxy = none failed"; }
[ -s "$CW_TMP/proxy.log" ] && cw_fail "no_proxy or proxy = none went through the proxy: $(cat "$CW_TMP/proxy.log")"
[ "$(grep -c "kabar.xml" "$CW_TMP/httpd.log")" -ge $((n + 2)) ] ||
    cw_fail "no_proxy / proxy = none did not fetch directly"

# 5. The guard on (no allow_private): a loopback target is refused even
# through the proxy, and nothing is sent to it.
cw_config "$CW_TMP/guard.conf" "[redis]" "prefix = pg:" "[poll]" \
    "proxy = http://127.0.0.1:$PPORT"
sed -i '/^allow_private/d' "$CW_TMP/guard.conf"
printf '%s/kabar.xml\nhttp://localhost:%s/kabar.xml\n' "$A" "$HTTP_PORT" >"$CW_TMP/feeds.txt"
: >"$CW_TMP/proxy.log"
rc=0
timeout 20 "$CW_BUILD/claimwatchd" -d -c "$CW_TMP/guard.conf" --once \
    >"$CW_TMP/guard.log" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || { cat "$CW_TMP/guard.log"; cw_fail "--once exited $rc with loopback targets behind a proxy"; }
grep -q "feed=$A/kabar.xml .*refused private address 127.0.0.1 through the proxy (\[poll\] allow_private = yes allows it)" "$CW_TMP/guard.log" ||
    { cat "$CW_TMP/guard.log"; cw_fail "no clear refusal naming the feed"; }
grep -q "feed=http://localhost:$HTTP_PORT/kabar.xml .*refused private address localhost through the proxy" "$CW_TMP/guard.log" ||
    cw_fail "localhost was not refused through the proxy"
[ -s "$CW_TMP/proxy.log" ] && cw_fail "a refused target reached the proxy: $(cat "$CW_TMP/proxy.log")"

# 6. No secret anywhere the daemon writes or prints.
printf '%s/kabar.xml auth=a.auth\n' "$A" >"$CW_TMP/feeds.txt"
"$CW" check-config -c "$CW_TMP/claimwatch.conf" >"$CW_TMP/check.out" 2>&1 ||
    cw_fail "check-config failed: $(cat "$CW_TMP/check.out")"
"$CW" feeds --opml -c "$CW_TMP/claimwatch.conf" >"$CW_TMP/opml.out" 2>&1 ||
    cw_fail "feeds --opml failed"
grep -q 'cw:auth="[^"]*a.auth"' "$CW_TMP/opml.out" || cw_fail "the export lost auth="
cw_redis_dump "$CW_TMP/redis.dump"
grep -q "kabar.xml" "$CW_TMP/redis.dump" || cw_fail "Redis holds no feed URL at all (dump empty?)"
for f in daemon.log env.log np.log none.log guard.log metrics redis.dump \
    check.out opml.out; do
	for s in "$SECRET" "$SECRET2" "$APIKEY" "$PSECRET" \
	    "$(b64 "reader:$SECRET")" "$(b64 "reader:$SECRET2")"; do
		if grep -n "$s" "$CW_TMP/$f"; then
			cw_fail "a secret is in $f"
		fi
	done
done
echo "proxy ok: [poll] proxy, http_proxy, no_proxy, none, the guard behind a proxy, auth= files kept from logs and other hosts"
