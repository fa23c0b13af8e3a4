#!/bin/sh
# Soak run (issue 8), `make bench BENCH=soak`, not part of make test:
# SOAK_FEEDS (default 10,000) generated feeds (gen_feeds.py) served by
# Debian's nginx on a free loopback port, a fresh redis-server, and
# claimwatchd polling them with short intervals for SOAK_SECONDS (default
# 3600).  Churn: every SOAK_CHURN_EVERY seconds (default 60) a share of the
# feeds (1 in SOAK_CHURN_SHARE, default 20) gains a new item, some with a
# figure so alerts flow; every SOAK_HUP_EVERY seconds (default 300) the
# feed list drops a different 1% of the feeds and the daemon gets SIGHUP.
# VmRSS of claimwatchd is sampled every SOAK_SAMPLE_EVERY seconds (default
# 60); after SOAK_WARMUP seconds (default 600) the first sample is the
# reference and the run PASSes when no later sample exceeds it by more than
# 5%.  Prints every sample with polls and alerts so far.
# Environment also: CW_BUILD (default build), SOAK_INTERVAL (default 60 s;
# also max_interval, because the generated feeds say <ttl>60</ttl>, which
# is 60 minutes in RSS), SOAK_KEEP=1 keeps the temporary directory.
BENCH_NAME=bench_soak
BENCH_KEEP=${SOAK_KEEP:-0}
. "$(dirname "$0")/lib.sh"
[ -x "$B/claimwatchd" ] || fail "$B/claimwatchd missing (make all)"
N=${SOAK_FEEDS:-10000}
DURATION=${SOAK_SECONDS:-3600}
SAMPLE=${SOAK_SAMPLE_EVERY:-60}
WARMUP=${SOAK_WARMUP:-600}
CHURN_EVERY=${SOAK_CHURN_EVERY:-60}
CHURN_SHARE=${SOAK_CHURN_SHARE:-20}
HUP_EVERY=${SOAK_HUP_EVERY:-300}
INTERVAL=${SOAK_INTERVAL:-60}
[ "$WARMUP" -lt "$DURATION" ] || fail "SOAK_WARMUP must be < SOAK_SECONDS"

bench_feeds "$N"
bench_nginx 1
bench_redis

# feedlist K: every feed but the K-th 1% (K counts reloads), atomically.
feedlist() {
	awk -v n="$N" -v k="$1" -v port="$HTTP_PORT" 'BEGIN {
		skip = int(n / 100); lo = (k * skip) % n
		for (i = 0; i < n; i++)
			if (i < lo || i >= lo + skip)
				printf "http://127.0.0.1:%s/f%05d.xml\n",
				    port, i
	}' >"$TMP/feeds.txt.tmp"
	mv "$TMP/feeds.txt.tmp" "$TMP/feeds.txt"
}
feedlist 0
cat >"$TMP/soak.conf" <<EOF
[redis]
url = redis://127.0.0.1:$REDIS_PORT/0
prefix = soak:
channel = soak:alerts
stream_maxlen = 1000
[feeds]
list = feeds.txt
[poll]
interval = $INTERVAL
min_interval = 1
max_interval = $INTERVAL
timeout = 30
connect_timeout = 5
max_total = 64
max_per_host = 64
allow_private = yes
[extract]
lexicon_dir = $ROOT/config/lexicon
[alerts]
max_age = 0
[http]
listen = 127.0.0.1:0
EOF

# churn ROUND: one feed in CHURN_SHARE (a different one each round) gets
# a fresh item on top, replacing the one the last churn added, so feeds
# change without growing.  Every third new item carries a figure.
churn() {
	python3 - "$TMP/www" "$N" "$CHURN_SHARE" "$1" <<'PY'
import os, re, sys
d = sys.argv[1]
n, share, rnd = (int(a) for a in sys.argv[2:5])
mark = re.compile(r"<!--churn-->.*?<!--/churn-->\n", re.S)
for i in range(rnd % share, n, share):
    p = os.path.join(d, "f%05d.xml" % i)
    with open(p, encoding="utf-8") as f:
        s = mark.sub("", f.read())
    text = "Redaksi memperbarui laporan dari perbatasan, putaran %d." % rnd
    if (i + rnd) % 3 == 0:
        text = ("Pejabat Ukraina kini menyebut sekitar %s tentara Korea "
                "Utara tewas." % "{:,}".format(100 + 10 * (rnd % 400))
                .replace(",", "."))
    item = ("<!--churn--><item><title>Pembaruan %d</title>"
            "<guid isPermaLink=\"false\">churn-%d-%d</guid>"
            "<pubDate>Sat, 01 Mar 2025 00:00:00 +0000</pubDate>"
            "<description>%s</description></item><!--/churn-->\n"
            % (rnd, i, rnd, text))
    s = s.replace("<ttl>60</ttl>\n", "<ttl>60</ttl>\n" + item, 1)
    with open(p + ".tmp", "w", encoding="utf-8") as f:
        f.write(s)
    os.replace(p + ".tmp", p)
PY
}

LOG=$TMP/daemon.log
"$B/claimwatchd" -d -c "$TMP/soak.conf" --log-level notice >"$LOG" 2>&1 &
DAEMON_PID=$!
PIDS="$PIDS $DAEMON_PID"
wait_for "grep -q 'http listen=' $LOG" ||
    fail "no metrics port: $(tail -5 "$LOG")"
MPORT=$(sed -n 's/.*http listen=.* port=\([0-9]*\).*/\1/p' "$LOG" | head -1)
metric() {
	curl -sf "http://127.0.0.1:$MPORT/metrics" |
	    awk -v m="$1" '$1 == m || index($1, m "{") == 1 { s += $2 }
	    END { printf "%d", s }'
}
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$DAEMON_PID/status"; }

echo "soak: $N feeds, ${DURATION}s, interval ${INTERVAL}s," \
    "churn 1/$CHURN_SHARE every ${CHURN_EVERY}s," \
    "list change + SIGHUP every ${HUP_EVERY}s," \
    "RSS every ${SAMPLE}s, warm-up ${WARMUP}s"
printf '%8s %10s %10s %8s %8s %s\n' t_s rss_kb polls alerts reloads note
SAMPLES=$TMP/samples
: >"$SAMPLES"
start=$(date +%s)
next_sample=$SAMPLE
next_churn=$CHURN_EVERY
next_hup=$HUP_EVERY
churns=0
hups=0
while :; do
	sleep 1
	t=$(($(date +%s) - start))
	kill -0 "$DAEMON_PID" 2>/dev/null ||
	    fail "claimwatchd died at ${t}s: $(tail -20 "$LOG")"
	if [ "$t" -ge "$next_churn" ]; then
		churns=$((churns + 1))
		churn "$churns"
		next_churn=$((next_churn + CHURN_EVERY))
	fi
	if [ "$t" -ge "$next_hup" ]; then
		hups=$((hups + 1))
		feedlist "$hups"
		kill -HUP "$DAEMON_PID"
		next_hup=$((next_hup + HUP_EVERY))
	fi
	if [ "$t" -ge "$next_sample" ]; then
		r=$(rss)
		note=""
		[ "$t" -lt "$WARMUP" ] && note=warm-up
		echo "$t $r $note" >>"$SAMPLES"
		printf '%8d %10d %10s %8s %8d %s\n' "$t" "$r" \
		    "$(metric claimwatch_polls_total)" \
		    "$(metric claimwatch_alerts_total)" "$hups" "$note"
		next_sample=$((next_sample + SAMPLE))
	fi
	[ "$t" -ge "$DURATION" ] && break
done
kill -TERM "$DAEMON_PID"
rc=0
wait "$DAEMON_PID" || rc=$?
PIDS=$(echo "$PIDS" | sed "s/ $DAEMON_PID//")
[ "$rc" -eq 0 ] || fail "claimwatchd exited $rc on SIGTERM"
errs=$(grep -c 'error=' "$LOG" || true)
echo "$(grep 'stopped polls=' "$LOG" | sed 's/.*notice: //'), $errs" \
    "transfer errors logged, $churns churn rounds, $hups reloads"
awk '$3 != "warm-up" {
	if (ref == "") { ref = $2; max = $2; next }
	if ($2 > max) max = $2
}
END {
	if (ref == "") { print "no sample after warm-up"; exit 1 }
	growth = (max - ref) * 100 / ref
	printf "RSS after warm-up: first %d KB, max %d KB, growth %.1f%% " \
	    "(limit 5%%)\n", ref, max, growth
	if (growth <= 5) { print "PASS"; exit 0 }
	print "FAIL"; exit 1
}' "$SAMPLES"
