# Helpers for the `claimwatch notify` tests (sourced after lib.sh): the
# loopback webhook receiver (tests/tools/receiver.py), the notifier, and
# alerts written straight into the stream where claimwatchd is not the
# point.  The stream is the default claimwatch:alerts.
NT_STREAM=claimwatch:alerts
NT_RECV=$CW_TMP/recv
mkdir -p "$NT_RECV"

# nt_start_receiver [PORT]: sets RECV_PID, RECV_PORT and RECV_URL.
nt_start_receiver() {
	rm -f "$CW_TMP/recv.port"
	python3 "$CW_ROOT/tests/tools/receiver.py" --port "${1:-0}" \
	    --port-file "$CW_TMP/recv.port" --dir "$NT_RECV" \
	    >>"$CW_TMP/recv.err" 2>&1 &
	RECV_PID=$!
	CW_PIDS="$CW_PIDS $RECV_PID"
	cw_wait_for "test -s $CW_TMP/recv.port" 10 ||
	    cw_fail "receiver did not start: $(cat "$CW_TMP/recv.err")"
	RECV_PORT=$(cat "$CW_TMP/recv.port")
	RECV_URL="http://127.0.0.1:$RECV_PORT"
}

# nt_start_notify CONF: starts `claimwatch notify` on CONF (log in
# $CW_TMP/notify.log, appended); sets NOTIFY_PID and METRICS_URL.
nt_start_notify() {
	n0=$(nt_count_match "notify: started" "$CW_TMP/notify.log")
	"$CW_BUILD/claimwatch" notify -c "$1" -d --log-level info \
	    >>"$CW_TMP/notify.log" 2>&1 &
	NOTIFY_PID=$!
	CW_PIDS="$CW_PIDS $NOTIFY_PID"
	cw_wait_for '[ "$(nt_count_match "notify: started" "$CW_TMP/notify.log")" -gt "$n0" ]' 10 ||
	    cw_fail "notify did not start: $(tail -5 "$CW_TMP/notify.log")"
	METRICS_URL="http://127.0.0.1:$(grep "notify: started" \
	    "$CW_TMP/notify.log" | tail -1 | sed 's/.*metrics_port=//')/metrics"
}

# nt_stop_notify: SIGTERM, and the notifier must exit 0 with no
# sanitizer report (a leak or a use after free on the way out).
nt_stop_notify() {
	kill "$NOTIFY_PID"
	st=0
	wait "$NOTIFY_PID" || st=$?
	[ "$st" -eq 0 ] || cw_fail "notify exited $st: $(tail -20 "$CW_TMP/notify.log")"
	grep -q "Sanitizer\|runtime error" "$CW_TMP/notify.log" &&
	    cw_fail "sanitizer report: $(grep -A20 Sanitizer "$CW_TMP/notify.log" | head -40)"
	return 0
}

# nt_wait_groups N: until the stream has N consumer groups.
nt_wait_groups() {
	cw_wait_for '[ "$(cw_redis XINFO GROUPS $NT_STREAM 2>/dev/null | grep -c "^name$")" -ge '"$1"' ]' 10 ||
	    cw_fail "the sinks did not create their groups"
}

# nt_alert TYPE KEY PREV CUR TITLE: one schema-v1 alert, JSON-escaped.
nt_alert() {
	python3 -c '
import json, sys
t, k, p, c, title = sys.argv[1:6]
ent, ev, unit = k.split("/")
fig = lambda v, **x: dict(value=int(v), qualifier="exact", max=None,
    published="2025-01-01T00:00:00Z", url="https://news.example/1", **x)
print(json.dumps({"v": 1, "type": t, "key": k, "entity": ent,
    "event": ev, "unit": unit,
    "previous": fig(p, title="before") if p != "-" else None,
    "current": fig(c, title=title, text="the sentence", lang="en"),
    "feed": "https://news.example/rss",
    "detected_at": "2026-01-01T00:00:00Z"}, separators=(",", ":")))
' "$@"
}

# nt_xadd JSON: adds one alert to the stream; prints its id.
nt_xadd() {
	cw_redis XADD "$NT_STREAM" '*' alert "$1"
}

# The stream's ids in order, one per line.
nt_ids() {
	cw_redis --raw XRANGE "$NT_STREAM" - + | grep -E '^[0-9]+-[0-9]+$'
}

# nt_count_match PATTERN FILE: matching lines, 0 without the file.
nt_count_match() {
	if [ -f "$2" ]; then grep -c "$1" "$2" || true; else echo 0; fi
}

# nt_count FILE: lines in FILE, 0 when it does not exist.
nt_count() {
	if [ -f "$1" ]; then grep -c . "$1" || true; else echo 0; fi
}

# nt_metric NAME SINK: one value from the notifier's /metrics.
nt_metric() {
	curl -fsS "$METRICS_URL" |
	    awk -v m="$1{sink=\"$2\"}" '$1 == m { print $2 }'
}
