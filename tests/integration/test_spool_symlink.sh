#!/bin/sh
# Issue 17 item 11: spool.tmp is opened with O_NOFOLLOW.  A symlink
# planted as state/spool.tmp (pointing at a file the daemon can write)
# must not be followed when the daemon saves its unsent queue on SIGTERM
# with Redis away: the target stays intact and the failure is logged.
. "$(dirname "$0")/lib.sh"

WWW=$CW_TMP/www
STATE=$CW_TMP/state
mkdir -p "$WWW" "$STATE"
feed() { cw_e2e_feed "$WWW/kabar.xml" "$@"; }
cw_start_redis
cw_start_httpd "$WWW"
feed deploy_1500
echo "$HTTP_URL/kabar.xml" >"$CW_TMP/feeds.txt"
CW_STATE=$STATE cw_config "$CW_TMP/claimwatch.conf"
cw_subscribe claimwatch:alerts "$CW_TMP/alerts"
"$CW_BUILD/claimwatchd" -d -c "$CW_TMP/claimwatch.conf" --log-level info \
    >"$CW_TMP/daemon.log" 2>&1 &
DPID=$!
CW_PIDS="$CW_PIDS $DPID"
cw_wait_for "grep -q '^{' $CW_TMP/alerts.raw" 20 || cw_fail "no first alert"
cw_stop_pid "$REDIS_PID"
feed killed_100 deploy_1500
cw_wait_for "grep -q 'kabar.xml status=200 items=2 new=' $CW_TMP/daemon.log" 15 ||
    cw_fail "no poll of the new item while Redis was down"
echo precious >"$CW_TMP/victim"
ln -s "$CW_TMP/victim" "$STATE/spool.tmp"
kill -TERM "$DPID"
wait "$DPID" || true
[ "$(cat "$CW_TMP/victim")" = precious ] ||
    cw_fail "the symlink's target was overwritten: $(head -c 200 $CW_TMP/victim)"
grep "spool" "$CW_TMP/daemon.log" | grep -qi "symbolic links" ||
    cw_fail "the refused spool.tmp is not logged: $(grep spool $CW_TMP/daemon.log)"
echo "spool symlink ok"
