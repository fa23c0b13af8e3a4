#!/bin/sh
# Resource test (issue 17): multi-megabyte hostile documents, each just
# under the default 8 MiB body cap, cost bounded memory and CPU.
#   1. The feed parser and the article reader, one document per process:
#      peak resident memory (VmHWM) stays under 64 MiB + 4 x the body cap,
#      and a document with more attributes on one element than libxml2 can
#      check in reasonable time (its duplicate check is quadratic) is
#      refused by name before libxml2 sees it.
#   2. The running daemon polls all of them (articles too) while /healthz
#      is asked every 0.2 s: every answer comes within 2 s (generous: the
#      loop must never be blocked by a document), the good feed beside
#      them still alerts, a refused feed backs off, and the daemon's own
#      VmHWM stays under the same bound.
. "$(dirname "$0")/lib.sh"

BODY_CAP=$((8 * 1024 * 1024))
BOUND_KB=$(( (64 * 1024 * 1024 + 4 * BODY_CAP) / 1024 ))
# ASan keeps freed memory in quarantine and adds redzones and shadow
# memory: turn the quarantine off so the peak is the program's own.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}:quarantine_size_mb=0:thread_local_quarantine_size_kb=0"
G="python3 $CW_ROOT/tests/tools/hostile.py"
WWW=$CW_TMP/www
mkdir -p "$WWW"
FEEDS="entity entity-items smallel smallel-chan attrs deep json-small json-deep
    attr-elems smallel-under"
PAGES="html-attrs html-bare html-smallel html-deep html-comments html-manyattr"
for k in $FEEDS; do
	case $k in
	# Below the element bound, so that the tree's own bound must hold.
	smallel-under) $G smallel "$WWW/$k.xml" 3600000 ;;
	attr-elems) $G "$k" "$WWW/$k.xml" 4000000 ;;
	*) $G "$k" "$WWW/$k.xml" ;;
	esac
done
for k in $PAGES; do $G "$k" "$WWW/$k.html"; done

hwm_of() { sed -n 's/.*vmhwm_kb=\([0-9]*\).*/\1/p'; }
for k in $FEEDS; do
	out=$("$CW_BUILD/tests/cwparse" feed "$WWW/$k.xml")
	echo "feed $k: $out"
	kb=$(echo "$out" | hwm_of)
	[ -n "$kb" ] && [ "$kb" -le "$BOUND_KB" ] ||
	    cw_fail "feed $k: VmHWM ${kb}kB over ${BOUND_KB}kB"
done
for k in $PAGES; do
	out=$("$CW_BUILD/tests/cwparse" article "$WWW/$k.html")
	echo "article $k: $out"
	kb=$(echo "$out" | hwm_of)
	[ -n "$kb" ] && [ "$kb" -le "$BOUND_KB" ] ||
	    cw_fail "article $k: VmHWM ${kb}kB over ${BOUND_KB}kB"
done
for k in attrs; do
	"$CW_BUILD/tests/cwparse" feed "$WWW/$k.xml" |
	    grep -q 'result=error.*attributes' ||
	    cw_fail "feed $k: not refused for its attributes"
done
for k in html-attrs html-bare; do
	"$CW_BUILD/tests/cwparse" article "$WWW/$k.html" |
	    grep -q 'result=error.*attributes' ||
	    cw_fail "article $k: not refused for its attributes"
done
for k in entity entity-items; do
	"$CW_BUILD/tests/cwparse" feed "$WWW/$k.xml" |
	    grep -q 'result=error.*entity expansion over' ||
	    cw_fail "feed $k: entity amplification not refused"
done
for k in attr-elems smallel-under; do
	"$CW_BUILD/tests/cwparse" feed "$WWW/$k.xml" |
	    grep -q "result=error.*one item's elements and text over" ||
	    cw_fail "feed $k: the item's tree is not bounded"
done

# 2. The daemon.
cat "$CW_ROOT/tests/data/e2e/head.xml" \
    "$CW_ROOT/tests/data/e2e/item_killed_100.xml" \
    "$CW_ROOT/tests/data/e2e/tail.xml" >"$WWW/good.xml"
cw_start_redis
cw_start_httpd "$WWW"
{
	echo '<?xml version="1.0"?><rss version="2.0"><channel><title>p</title>'
	for k in $PAGES; do
		echo "<item><guid>$k</guid><title>$k</title><link>$HTTP_URL/$k.html</link><description>x</description></item>"
	done
	echo '</channel></rss>'
} >"$WWW/pages.xml"
{
	for k in $FEEDS; do echo "$HTTP_URL/$k.xml"; done
	echo "$HTTP_URL/pages.xml articles=yes"
	echo "$HTTP_URL/good.xml"
} >"$CW_TMP/feeds.txt"
cw_config "$CW_TMP/claimwatch.conf"
cw_redis SUBSCRIBE claimwatch:alerts >"$CW_TMP/alerts.raw" 2>/dev/null &
CW_PIDS="$CW_PIDS $!"
"$CW_BUILD/claimwatchd" -d -c "$CW_TMP/claimwatch.conf" \
    --log-level info >"$CW_TMP/daemon.log" 2>&1 &
DPID=$!
CW_PIDS="$CW_PIDS $DPID"
cw_wait_for "grep -q 'http listen=' $CW_TMP/daemon.log" 10 ||
    cw_fail "no http port in the log"
PORT=$(sed -n 's/.*http listen=[^ ]* port=\([0-9]*\).*/\1/p' "$CW_TMP/daemon.log")
slow=0
i=0
# 15 s of polls at interval 1: each hostile document is fetched and parsed
# more than once unless it backs off.
while [ $i -lt 75 ]; do
	if ! curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/healthz"; then
		slow=$((slow + 1))
		echo "healthz did not answer within 2 s at probe $i"
	fi
	kill -0 "$DPID" 2>/dev/null || cw_fail "daemon died (log: $(tail -5 $CW_TMP/daemon.log))"
	sleep 0.2
	i=$((i + 1))
done
kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$DPID/status")
echo "daemon VmHWM ${kb}kB (bound ${BOUND_KB}kB)"

[ "$slow" -eq 0 ] || cw_fail "/healthz blocked $slow times"
[ "$kb" -le "$BOUND_KB" ] || cw_fail "daemon VmHWM ${kb}kB over ${BOUND_KB}kB"
grep '^{' "$CW_TMP/alerts.raw" |
    jq -e 'select(.key == "north-korea/killed/people")' >/dev/null ||
    cw_fail "the good feed did not alert"
# A refused feed backs off like a failing one: far fewer than 15 fetches.
n=$(grep -c "GET /attrs.xml" "$CW_TMP/httpd.log" || true)
[ "$n" -le 6 ] || cw_fail "refused feed fetched $n times in 15 s: no backoff"
grep "attrs.xml" "$CW_TMP/daemon.log" | grep -q "attributes" ||
    cw_fail "no log line names the refused feed and its reason"
cw_schema_check "$CW_TMP/alerts.raw"
cw_stop_pid "$DPID"
echo "hostile ok"
