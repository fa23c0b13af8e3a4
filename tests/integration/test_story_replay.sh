#!/bin/sh
# Story replay: eight stories unfold at the same time over five feeds (RSS
# declaring "id", "id-ID" and "en-us", an Atom feed with an entry dated
# only by <updated>, a feed mixing both languages) and a year-old archive
# feed, in four stages (tests/data/story/replay.txt).  Two floods in two
# regencies in the same weeks; every story told by several outlets in
# Indonesian and English; corroborations, a late report, a sub-count, a
# corrected figure and items full of numbers that count nothing.  The
# expected new/changed alerts per key come from the data's own annotations
# (tests/tools/story_replay.py), and the published alerts must be exactly
# those: type, key, previous and current; none compares two stories, none
# is missing, the archive says nothing (max_age).
. "$(dirname "$0")/lib.sh"

DATA=$CW_ROOT/tests/data/story/replay.txt
TOOL="python3 $CW_ROOT/tests/tools/story_replay.py"
WWW=$CW_TMP/www
NOW=$(date +%s)
MAX_AGE=$((60 * 86400))
mkdir -p "$WWW"

cw_start_redis
cw_start_httpd "$WWW"
$TOOL feeds "$DATA" 1 "$WWW" "$NOW"
NAMES=$($TOOL names "$DATA")
for n in $NAMES; do
	echo "$HTTP_URL/$n"
done >"$CW_TMP/feeds.txt"
CW_MAX_AGE=$MAX_AGE cw_config "$CW_TMP/claimwatch.conf" "[redis]" \
    "prefix = story:" "channel = story:alerts"

ALERTS=$CW_TMP/alerts
cw_subscribe story:alerts "$ALERTS"
"$CW_BUILD/claimwatchd" -d -c "$CW_TMP/claimwatch.conf" --log-level debug \
    >"$CW_TMP/daemon.log" 2>&1 &
DAEMON_PID=$!
CW_PIDS="$CW_PIDS $DAEMON_PID"

polls() { grep -c "feed=$HTTP_URL/$1 status=" "$CW_TMP/daemon.log" || true; }
# Waits until every feed was polled twice since the counts in $@.
polled_twice() {
	for n in $NAMES; do
		[ "$(polls "$n")" -ge $(($1 + 2)) ] || return 1
		shift
	done
}
counts() { for n in $NAMES; do polls "$n"; done | tr '\n' ' '; }

stage=1
while :; do
	c=$(counts)
	# shellcheck disable=SC2086
	cw_wait_for "polled_twice $c" 60 || {
		tail -30 "$CW_TMP/daemon.log"
		cw_fail "stage $stage: feeds not polled"
	}
	echo "stage $stage: $(grep -c '^{' "$ALERTS.raw" || true) alerts so far"
	stage=$((stage + 1))
	[ $stage -gt 4 ] && break
	$TOOL feeds "$DATA" $stage "$WWW" "$NOW"
done
# The last stage's alerts are out once one more round of polls is done.
c=$(counts)
# shellcheck disable=SC2086
cw_wait_for "polled_twice $c" 60 || cw_fail "feeds not polled at the end"
grep -q "level=error\|error:" "$CW_TMP/daemon.log" &&
    { grep "error" "$CW_TMP/daemon.log" | head; cw_fail "daemon logged errors"; }
grep '^{' "$ALERTS.raw" >"$ALERTS.json" || true
$TOOL check "$DATA" "$NOW" "$MAX_AGE" "$ALERTS.json" || {
	cat "$ALERTS.json"
	cw_fail "alerts differ from the annotations"
}
# Each alert went to the stream too, and validates against schema v2.
n=$(wc -l <"$ALERTS.json")
[ "$(cw_redis XLEN story:alerts)" -eq "$n" ] || cw_fail "stream length"
jq -e -c -f "$CW_ROOT/tests/data/store/alert_schema.jq" "$ALERTS.json" \
    | grep -qv true && cw_fail "an alert breaks the schema"
# python3-jsonschema (tests/deps.sh) checks the documented schema itself.
python3 - "$CW_ROOT/tests/data/alert/alert-v2.schema.json" "$ALERTS.json" \
    <<'PY' || cw_fail "an alert breaks alert-v2.schema.json"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
for line in open(sys.argv[2]):
    jsonschema.validate(json.loads(line), schema)
PY
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID" || cw_fail "claimwatchd exited $? on SIGTERM"
echo "story replay ok"
