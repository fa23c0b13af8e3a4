#!/bin/sh
# An operator's first hour (issue 16), each friction as a check against
# the real programs, a private redis-server and the loopback HTTP server:
# help on stdout, "unknown command", the build tree's lexicon with no
# lexicon_dir, a missing lexicon naming [extract] lexicon_dir,
# check-config listing every mistake with FILE:LINE (state_dir, empty and
# BOM feed lists, languages without lexicon), REDIS:// accepted by the
# check and the start alike, a notice per alert, --once failing loudly,
# and the metrics (build info, last reload, buckets up to the timeout).
. "$(dirname "$0")/lib.sh"

CW=$CW_BUILD/claimwatch
CWD=$CW_BUILD/claimwatchd

# --- Help and unknown commands -------------------------------------------
for args in "-h" "--help" "help" "extract --help" "parse --help" \
    "check-config --help" "tail --help" "version --help" "help tail"; do
	# shellcheck disable=SC2086
	"$CW" $args >"$CW_TMP/out" 2>"$CW_TMP/err" ||
	    cw_fail "claimwatch $args exited $?"
	[ -s "$CW_TMP/out" ] || cw_fail "claimwatch $args printed no usage on stdout"
	[ -s "$CW_TMP/err" ] && cw_fail "claimwatch $args wrote to stderr"
	grep -q "usage:" "$CW_TMP/out" || cw_fail "claimwatch $args: no usage line"
done
"$CW" tail --help | grep -q "claimwatch tail" || cw_fail "tail --help is not tail's"
for c in extract parse check-config tail version; do
	"$CW" --help | grep -q "^ *$c " || cw_fail "claimwatch --help lacks $c"
done
for args in "-h" "--help"; do
	"$CWD" $args >"$CW_TMP/out" 2>"$CW_TMP/err" || cw_fail "claimwatchd $args exited $?"
	grep -q "usage: claimwatchd" "$CW_TMP/out" || cw_fail "claimwatchd $args: no usage on stdout"
done
if "$CW" frobnicate >"$CW_TMP/out" 2>"$CW_TMP/err"; then
	cw_fail "an unknown command succeeded"
fi
grep -q "unknown command frobnicate" "$CW_TMP/err" || cw_fail "no 'unknown command': $(cat "$CW_TMP/err")"

# --- The lexicon with no lexicon_dir --------------------------------------
cw_start_redis
mkdir -p "$CW_TMP/state"
echo "http://127.0.0.1:1/feed.xml" >"$CW_TMP/one.txt"
printf '[redis]\nurl = %s\n[feeds]\nlist = one.txt\n[daemon]\nstate_dir = %s\n' \
    "$REDIS_URL" "$CW_TMP/state" >"$CW_TMP/nolex.conf"
"$CW" check-config -c "$CW_TMP/nolex.conf" >"$CW_TMP/out" 2>"$CW_TMP/err" ||
    cw_fail "check-config with no lexicon_dir failed: $(cat "$CW_TMP/err")"
grep -q "lexicon .*config/lexicon" "$CW_TMP/out" || cw_fail "not the checkout's lexicon: $(cat "$CW_TMP/out")"
echo "Gempa Cianjur: 162 orang tewas" | "$CW" extract | grep -q '"value":162' ||
    cw_fail "extract from the build tree found no lexicon"
# A copy of the program outside any checkout, with nothing installed:
# the error names the setting.
if [ ! -d /usr/local/share/claimwatch/lexicon ]; then
	mkdir -p "$CW_TMP/bin"
	cp "$CWD" "$CW_TMP/bin/claimwatchd"
	if "$CW_TMP/bin/claimwatchd" -n -c "$CW_TMP/nolex.conf" >"$CW_TMP/out" 2>"$CW_TMP/err"; then
		cw_fail "a missing lexicon passed the check"
	fi
	grep -q "nolex.conf: \[extract\] lexicon_dir" "$CW_TMP/err" ||
	    cw_fail "missing lexicon error does not name [extract] lexicon_dir: $(cat "$CW_TMP/err")"
fi
printf '[extract]\nlexicon_dir = /nonexistent/lexicon\n' >>"$CW_TMP/nolex.conf"
"$CW" check-config -c "$CW_TMP/nolex.conf" 2>"$CW_TMP/err" && cw_fail "bad lexicon_dir passed"
grep -q "\[extract\] lexicon_dir: /nonexistent/lexicon" "$CW_TMP/err" ||
    cw_fail "bad lexicon_dir error: $(cat "$CW_TMP/err")"

# --- check-config: five mistakes, five FILE:LINE errors --------------------
cat >"$CW_TMP/five.conf" <<EOF
[redis]
url = $REDIS_URL
prefx = cw:
[poll]
interval = 5 minutes
max_per_host = 0
this line is not a setting
[feeds]
list = one.txt
[daemon]
state_dir = $CW_TMP/state
log_level = loud
EOF
for prog in "$CW check-config" "$CWD -n"; do
	# shellcheck disable=SC2086
	if $prog -c "$CW_TMP/five.conf" >"$CW_TMP/out" 2>"$CW_TMP/err"; then
		cw_fail "$prog passed five mistakes"
	fi
	n=$(grep -c "five.conf:[0-9]*: " "$CW_TMP/err" || true)
	[ "$n" -eq 5 ] || { cat "$CW_TMP/err"; cw_fail "$prog listed $n of 5 errors"; }
	grep -q "five.conf: 5 errors" "$CW_TMP/err" || cw_fail "$prog: no error count"
done
for l in 3 5 6 7 12; do
	grep -q "five.conf:$l: " "$CW_TMP/err" || cw_fail "no error at line $l"
done
# The start says the same.
"$CWD" -d -c "$CW_TMP/five.conf" >"$CW_TMP/out" 2>"$CW_TMP/err" && cw_fail "start passed"
[ "$(grep -c "five.conf:[0-9]*: " "$CW_TMP/err")" -eq 5 ] || cw_fail "start listed other errors"

# state_dir, an empty list, a BOM list, a language with no lexicon.
printf '\357\273\277http://127.0.0.1:1/a.xml lang=fr-FR\n' >"$CW_TMP/bom.txt"
: >"$CW_TMP/empty.txt"
printf '[redis]\nurl = %s\n[feeds]\nlist = bom.txt\n[daemon]\nstate_dir = %s\n[extract]\nlang = xx\n' \
    "$REDIS_URL" "$CW_TMP/nostate" >"$CW_TMP/warn.conf"
"$CW" check-config -c "$CW_TMP/warn.conf" >"$CW_TMP/out" 2>"$CW_TMP/err" ||
    cw_fail "a BOM feed list or warnings failed the check: $(cat "$CW_TMP/err")"
grep -q "warning: .*state_dir: $CW_TMP/nostate: No such file" "$CW_TMP/err" || cw_fail "missing state_dir not reported"
grep -q "warning: .*bom.txt:1: lang=fr-FR has no lexicon" "$CW_TMP/err" || cw_fail "feed lang without lexicon not reported"
grep -q "warning: .*\[extract\] lang: 'xx' has no lexicon" "$CW_TMP/err" || cw_fail "[extract] lang without lexicon not reported"
grep -q "1 feeds.*3 warnings" "$CW_TMP/out" || cw_fail "verdict: $(cat "$CW_TMP/out")"
mkdir -p "$CW_TMP/ro"
chmod 555 "$CW_TMP/ro"
sed -e "s|bom.txt|empty.txt|" -e "s|$CW_TMP/nostate|$CW_TMP/ro|" -e '/^\[extract\]/,$d' \
    "$CW_TMP/warn.conf" >"$CW_TMP/empty.conf"
"$CW" check-config -c "$CW_TMP/empty.conf" >"$CW_TMP/out" 2>"$CW_TMP/err" || cw_fail "empty list failed the check"
grep -q "warning: .*empty.txt: the feed list has no feeds" "$CW_TMP/err" || cw_fail "empty list not reported"
if [ "$(id -u)" -ne 0 ]; then
	grep -q "warning: .*state_dir: $CW_TMP/ro: not writable" "$CW_TMP/err" ||
	    cw_fail "read-only state_dir not reported: $(cat "$CW_TMP/err")"
fi

# --- REDIS:// for the check and the start; a notice per alert -------------
cw_start_httpd "$CW_TMP/www"
mkdir -p "$CW_TMP/www"
feed() { cw_e2e_feed "$CW_TMP/www/kabar.xml" "$@"; }
feed deploy_1500
echo "$HTTP_URL/kabar.xml" >"$CW_TMP/feeds.txt"
REDIS_URL="REDIS://127.0.0.1:$REDIS_PORT/0" cw_config "$CW_TMP/up.conf" \
    "[redis]" "prefix = op:" "channel = op:alerts"
"$CW" check-config -c "$CW_TMP/up.conf" >/dev/null || cw_fail "REDIS:// refused by the check"
"$CWD" -d --once -c "$CW_TMP/up.conf" >"$CW_TMP/once1.log" 2>&1 ||
    { cat "$CW_TMP/once1.log"; cw_fail "REDIS:// refused by the start"; }
grep -q "notice: alert new key=north-korea/deployed/[a-z]* none -> 1500 feed=$HTTP_URL/kabar.xml" \
    "$CW_TMP/once1.log" || { cat "$CW_TMP/once1.log"; cw_fail "no notice for the new alert"; }
feed deploy_14000 deploy_1500
"$CWD" -d --once -c "$CW_TMP/up.conf" >"$CW_TMP/once2.log" 2>&1 || cw_fail "second --once failed"
grep -q "notice: alert changed key=north-korea/deployed/[a-z]* 1500 -> 14000 feed=" \
    "$CW_TMP/once2.log" || { cat "$CW_TMP/once2.log"; cw_fail "no notice for the changed alert"; }
[ "$(cw_redis XLEN op:alerts)" -eq 2 ] || cw_fail "expected 2 alerts in the stream"

# --- Redis down at start: said once, polling begins when it is up --------
DOWN_PORT=$(cw_free_port)
REDIS_URL="redis://127.0.0.1:$DOWN_PORT/0" cw_config "$CW_TMP/down.conf"
"$CWD" -d -c "$CW_TMP/down.conf" >"$CW_TMP/down.log" 2>&1 &
DOWN_PID=$!
CW_PIDS="$CW_PIDS $DOWN_PID"
cw_wait_for "grep -q 'redis: unreachable' $CW_TMP/down.log" 20 || cw_fail "no unreachable line"
sleep 2
[ "$(grep -c 'waiting for Redis url=redis://127.0.0.1:'"$DOWN_PORT"'/0 before the first poll' "$CW_TMP/down.log")" -eq 1 ] ||
    { cat "$CW_TMP/down.log"; cw_fail "the wait for Redis is not said exactly once"; }
grep -q "started feeds\|alert " "$CW_TMP/down.log" && cw_fail "polled before Redis was up"
KEEP_PORT=$REDIS_PORT
KEEP_URL=$REDIS_URL
cw_start_redis "$DOWN_PORT"
REDIS_PORT=$KEEP_PORT
REDIS_URL=$KEEP_URL
cw_wait_for "grep -q 'started feeds=1' $CW_TMP/down.log" 30 || { cat "$CW_TMP/down.log"; cw_fail "no start once Redis was up"; }
cw_wait_for "grep -q 'alert new key=.*feed=$HTTP_URL/kabar.xml' $CW_TMP/down.log" 20 || { cat "$CW_TMP/down.log"; cw_fail "no poll once Redis was up"; }
kill -TERM "$DOWN_PID"
wait "$DOWN_PID" || cw_fail "claimwatchd exited $? on SIGTERM"

# --- --once when every poll failed ----------------------------------------
echo "$HTTP_URL/missing.xml" >"$CW_TMP/feeds.txt"
rc=0
"$CWD" -d --once -c "$CW_TMP/up.conf" >"$CW_TMP/once3.log" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || { cat "$CW_TMP/once3.log"; cw_fail "--once exited $rc with every poll failed"; }
grep -q "every poll failed" "$CW_TMP/once3.log" || cw_fail "--once did not say why it failed"
# One good feed among failing ones is success.
printf '%s\n%s\n' "$HTTP_URL/missing.xml" "$HTTP_URL/kabar.xml" >"$CW_TMP/feeds.txt"
"$CWD" -d --once -c "$CW_TMP/up.conf" >"$CW_TMP/once4.log" 2>&1 ||
    { cat "$CW_TMP/once4.log"; cw_fail "--once failed with one good feed"; }

# --- A changed interval cuts a backoff from an earlier run ---------------
# A failing feed backs off about the interval (600 s); run 1 stores that.
echo "$HTTP_URL/_/status/500" >"$CW_TMP/fail.txt"
CW_INTERVAL=600 cw_config "$CW_TMP/bo.conf" "[feeds]" "list = fail.txt"
sed -i '/^list = feeds.txt$/d' "$CW_TMP/bo.conf"
sed -i '0,/^\[feeds\]$/{/^\[feeds\]$/d}' "$CW_TMP/bo.conf"
"$CWD" -d --once -c "$CW_TMP/bo.conf" >"$CW_TMP/bo1.log" 2>&1 && cw_fail "a failing --once succeeded"
fails() { grep -c "status/500 status=500" "$1" || true; }
# Same interval: the stored backoff stands, and the log says how long.
"$CWD" -d -c "$CW_TMP/bo.conf" --log-level info >"$CW_TMP/bo2.log" 2>&1 &
BO_PID=$!
CW_PIDS="$CW_PIDS $BO_PID"
cw_wait_for "grep -q 'status/500 scheduled: next poll at' $CW_TMP/bo2.log" 20 || { cat "$CW_TMP/bo2.log"; cw_fail "next poll not logged"; }
wait_s=$(sed -n 's/.*status\/500 scheduled: next poll at .* (in \([0-9]*\)s.*/\1/p' "$CW_TMP/bo2.log" | head -1)
[ "$wait_s" -ge 100 ] || cw_fail "stored backoff not resumed (next poll in ${wait_s}s)"
# A reload with a short interval reschedules it.
sed -i 's/^interval = 600$/interval = 2/' "$CW_TMP/bo.conf"
kill -HUP "$BO_PID"
cw_wait_for "grep -q 'backoff cut to the new interval: next poll at' $CW_TMP/bo2.log" 10 || { cat "$CW_TMP/bo2.log"; cw_fail "reload did not cut the backoff"; }
cw_wait_for '[ "$(fails "$CW_TMP/bo2.log")" -ge 1 ]' 20 || cw_fail "feed not polled after the reload"
kill -TERM "$BO_PID"
wait "$BO_PID" || cw_fail "claimwatchd exited $? on SIGTERM"
# A restart with a shorter interval than the earlier run's backoff.
sed -i 's/^interval = 2$/interval = 600/' "$CW_TMP/bo.conf"
"$CWD" -d --once -c "$CW_TMP/bo.conf" >"$CW_TMP/bo3.log" 2>&1 && cw_fail "a failing --once succeeded"
sed -i 's/^interval = 600$/interval = 2/' "$CW_TMP/bo.conf"
"$CWD" -d -c "$CW_TMP/bo.conf" --log-level info >"$CW_TMP/bo4.log" 2>&1 &
BO_PID=$!
CW_PIDS="$CW_PIDS $BO_PID"
cw_wait_for '[ "$(fails "$CW_TMP/bo4.log")" -ge 1 ]' 20 || { cat "$CW_TMP/bo4.log"; cw_fail "restart kept the old backoff"; }
# Failing for 3 intervals (6 s): a stale feed in the metrics.
bport=$(sed -n 's/.*http listen=.* port=\([0-9]*\).*/\1/p' "$CW_TMP/bo4.log" | head -1)
cw_wait_for '[ "$(curl -s "http://127.0.0.1:$bport/metrics" | sed -n "s/^claimwatch_feeds_stale //p")" = 1 ]' 30 ||
    cw_fail "a feed failing for 3 intervals is not stale"
kill -TERM "$BO_PID"
wait "$BO_PID" || cw_fail "claimwatchd exited $? on SIGTERM"

# --- Metrics: build info, last reload, buckets to the timeout -------------
"$CWD" -d -c "$CW_TMP/up.conf" >"$CW_TMP/daemon.log" 2>&1 &
DAEMON_PID=$!
CW_PIDS="$CW_PIDS $DAEMON_PID"
cw_wait_for "grep -q 'http listen=.* port=' $CW_TMP/daemon.log" 20 || cw_fail "no http listener"
port=$(sed -n 's/.*http listen=.* port=\([0-9]*\).*/\1/p' "$CW_TMP/daemon.log" | head -1)
metric() { curl -s "http://127.0.0.1:$port/metrics" | sed -n "s/^$1 //p"; }
v=$(metric 'claimwatch_build_info{version="[^"]*"}')
[ "$v" = 1 ] || cw_fail "no claimwatch_build_info"
[ "$(metric claimwatch_config_last_reload_successful)" = 1 ] || cw_fail "start load not successful"
[ "$(metric claimwatch_feeds_stale)" = 0 ] || cw_fail "a fresh feed counted stale"
t0=$(metric claimwatch_config_last_reload_timestamp_seconds)
[ "${t0:-0}" -gt 0 ] || cw_fail "no reload timestamp"
for le in 10 30 3600; do
	curl -s "http://127.0.0.1:$port/metrics" |
	    grep -q "^claimwatch_poll_duration_seconds_bucket{le=\"$le\"}" ||
	    cw_fail "no poll duration bucket le=$le (timeout is 30 s)"
done
cp "$CW_TMP/up.conf" "$CW_TMP/up.good"
echo "bogus line" >>"$CW_TMP/up.conf"
sleep 1
kill -HUP "$DAEMON_PID"
cw_wait_for "grep -q 'reload rejected' $CW_TMP/daemon.log" 10 || cw_fail "bad reload not rejected"
cw_wait_for '[ "$(metric claimwatch_config_last_reload_successful)" = 0 ]' 10 ||
    cw_fail "rejected reload not in the metrics"
t1=$(metric claimwatch_config_last_reload_timestamp_seconds)
[ "$t1" -gt "$t0" ] || cw_fail "reload time did not move ($t0 -> $t1)"
cp "$CW_TMP/up.good" "$CW_TMP/up.conf"
kill -HUP "$DAEMON_PID"
cw_wait_for '[ "$(metric claimwatch_config_last_reload_successful)" = 1 ]' 10 ||
    cw_fail "good reload not in the metrics"
# The man pages cover every subcommand, metric and alert field.
M=$CW_ROOT/daemon
[ "$("$CW" --help | grep -c '^  [a-z-]*  ')" -ge 5 ] || cw_fail "help lists no commands"
for c in $("$CW" --help | sed -n 's/^  \([a-z-]*\)  .*/\1/p'); do
	grep -q "^\.Cm $c\b" "$M/claimwatch.1" || cw_fail "claimwatch.1 lacks $c"
done
for m in $(curl -s "http://127.0.0.1:$port/metrics" | sed -n 's/^# TYPE \([a-z_]*\) .*/\1/p'); do
	grep -q "$m" "$M/claimwatchd.8" || cw_fail "claimwatchd.8 lacks metric $m"
done
a=$(cw_redis --raw XRANGE op:alerts - + | grep '^{' | tail -1)
echo "$a" | jq -e '.type == "changed"' >/dev/null || cw_fail "no changed alert to read fields from"
for f in $(echo "$a" | jq -r 'keys[], (.current | keys[]), (.previous | keys[])' | sort -u); do
	grep -qE "Li ([a-z_]+ , )*$f\b" "$M/claimwatchd.8" ||
	    cw_fail "claimwatchd.8 lacks alert field $f"
done
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID" || cw_fail "claimwatchd exited $? on SIGTERM"
echo "operator ok: help, lexicon, check-config, REDIS://, alert notices, --once, metrics"
