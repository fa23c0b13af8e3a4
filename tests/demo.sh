#!/bin/sh
# The main job, shown: a private redis-server on a unix socket in a
# temporary directory (unless REDIS_URL names your own), claimwatchd polling
# the bundled sample feeds (config/samples/) every two seconds, and the
# alerts pretty-printed as they arrive on the channel.  The sample feeds
# grow in three steps, the way a story's coverage grows over months, so the
# figures change on screen.  `claimwatch notify` runs beside it with one
# exec sink, a script that prints each alert it is handed (lines starting
# "sink print:"), the way a sendmail or notify-send sink would get them.
# Then it prints `claimwatch figures` and one key's history, and the URL
# of the daemon's look-back page, which stays up for DEMO_PAGE_SECONDS (60
# on a terminal, else 0) before the demo stops by itself.
set -eu
B=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d /tmp/claimwatch-demo.XXXXXX)
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	for p in $PIDS; do wait "$p" 2>/dev/null || true; done
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

if [ -z "${REDIS_URL:-}" ]; then
	redis-server --port 0 --unixsocket "$TMP/redis.sock" \
	    --unixsocketperm 700 --save '' --appendonly no --dir "$TMP" \
	    >"$TMP/redis.log" 2>&1 &
	PIDS="$PIDS $!"
	i=0
	until redis-cli -s "$TMP/redis.sock" ping >/dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -gt 50 ]; then
			echo "demo: redis-server did not start" >&2
			exit 1
		fi
		sleep 0.1
	done
	REDIS_URL="unix://$TMP/redis.sock"
	CLI="redis-cli -s $TMP/redis.sock"
	echo "demo: private redis-server on $TMP/redis.sock"
else
	CLI="redis-cli -u $REDIS_URL"
	echo "demo: using your Redis at $REDIS_URL (keys under demo:)"
fi

mkdir -p "$TMP/feeds"
# Kabar Dunia's items of a stage come first, World Desk's two polls later,
# so the alerts come in one order whatever the loop polls first (both
# outlets report the same 1,500 in stage 1: the first in is "new").
stage() {
	cp "$ROOT/config/samples/kabar-dunia.$1.xml" "$TMP/feeds/kabar-dunia.xml"
	sleep 4
	cp "$ROOT/config/samples/world-desk.$1.atom" "$TMP/feeds/world-desk.atom"
}
cp "$ROOT/config/samples/kabar-dunia.1.xml" "$TMP/feeds/kabar-dunia.xml"
sed '/<entry>/,/<\/entry>/d' "$ROOT/config/samples/world-desk.1.atom" \
    >"$TMP/feeds/world-desk.atom"
{
	echo "# the demo's feed list: local files, so the demo needs no network"
	echo "file://$TMP/feeds/kabar-dunia.xml lang=id"
	echo "file://$TMP/feeds/world-desk.atom lang=en"
} >"$TMP/feeds.txt"
{
	echo "[redis]"
	echo "url = $REDIS_URL"
	echo "prefix = demo:"
	echo "channel = demo:alerts"
	echo "[feeds]"
	echo "list = $TMP/feeds.txt"
	echo "[poll]"
	echo "interval = 2"
	echo "min_interval = 1"
	echo "protocols = http https file"
	echo "[extract]"
	echo "lexicon_dir = $ROOT/config/lexicon"
	echo "[alerts]"
	echo "# the sample story is from 2024-25: alert on its items anyway"
	echo "max_age = 0"
	echo "[http]"
	echo "listen = 127.0.0.1:${DEMO_PORT:-0}"
	echo "[daemon]"
	echo "state_dir = $TMP"
	echo "[notify print]"
	echo "type = exec"
	echo "command = /bin/sh $TMP/print.sh"
	echo "timeout = 5s"
} >"$TMP/claimwatch.conf"
# The exec sink's program: the alert is on stdin, its fields in the env.
cat >"$TMP/print.sh" <<'SH'
n=$(wc -c)
printf '  sink print: %s (id %s, %s bytes of JSON on stdin)\n' \
    "$CLAIMWATCH_SUMMARY" "$CLAIMWATCH_ID" "$n"
SH
$CLI DEL demo:alerts >/dev/null 2>&1 || true
"$B/claimwatch" notify -c "$TMP/claimwatch.conf" -d 2>"$TMP/notify.log" &
PIDS="$PIDS $!"
i=0
until $CLI XINFO GROUPS demo:alerts 2>/dev/null | grep -q cw-notify-print; do
	i=$((i + 1))
	if [ $i -gt 50 ]; then
		echo "demo: claimwatch notify did not start" >&2
		cat "$TMP/notify.log" >&2
		exit 1
	fi
	sleep 0.1
done
echo "demo: claimwatch notify delivering to an exec sink (sink print)"

# Subscribe first, as a user would, then start the daemon.
$CLI SUBSCRIBE demo:alerts 2>/dev/null | while IFS= read -r line; do
	case "$line" in
	"{"*) printf '%s\n' "$line" | jq -r '
	    def fig: "\(.value)\(if .max then "-\(.max)" else "" end) (\(.qualifier), \(.published // "undated" | .[0:10]))";
	    if .type == "changed" then
	      "CHANGED  \(.key): \(.previous | fig)  ->  \(.current | fig)\n         \"\(.current.title)\""
	    else
	      "NEW      \(.key): \(.current | fig)\n         \"\(.current.title)\""
	    end' ;;
	esac
done &
PIDS="$PIDS $!"
sleep 0.5

"$B/claimwatchd" -d -c "$TMP/claimwatch.conf" 2>"$TMP/daemon.log" &
DPID=$!
PIDS="$PIDS $DPID"
echo "demo: claimwatchd polling 2 sample feeds every 2 s"
echo "---- stage 1: the feeds as of October 2024 ----"
sleep 4
cp "$ROOT/config/samples/world-desk.1.atom" "$TMP/feeds/world-desk.atom"
sleep 4
echo "---- stage 2: the feeds gained items (October-December 2024) ----"
stage 2
sleep 4
echo "---- stage 3: the feeds gained items (January-April 2025) ----"
stage 3
sleep 4
# Looking back: what Redis holds now, and the daemon's page on it.
PORT=$(sed -n 's/.*http listen=.* port=\([0-9]*\).*/\1/p' "$TMP/daemon.log")
echo "---- claimwatch figures ----"
"$B/claimwatch" figures -c "$TMP/claimwatch.conf"
echo "---- claimwatch history north-korea/deployed/people ----"
"$B/claimwatch" history north-korea/deployed/people -c "$TMP/claimwatch.conf"
echo "---- the page ----"
echo "demo: open http://127.0.0.1:$PORT/ (a quantity's timeline:" \
    "http://127.0.0.1:$PORT/key/north-korea/deployed/people)"
# A minute for a person at a terminal; a script reading the output (the
# README test) does not wait.
if [ -z "${DEMO_PAGE_SECONDS:-}" ]; then
	DEMO_PAGE_SECONDS=0
	[ -t 1 ] && DEMO_PAGE_SECONDS=60
fi
echo "demo: the page stays up $DEMO_PAGE_SECONDS s; Ctrl-C ends the demo"
sleep "$DEMO_PAGE_SECONDS"
kill -TERM "$DPID"
wait "$DPID" || true
echo "---- daemon stopped ----"
echo "demo: $($CLI XLEN demo:alerts) alerts are also kept in the stream demo:alerts"
echo "demo: daemon log:"
sed 's/^/  /' "$TMP/daemon.log"
echo "demo: notify log:"
sed 's/^/  /' "$TMP/notify.log"
