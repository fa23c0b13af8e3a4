#!/bin/sh
# Benchmark (not a test): claims per second through store + alert against
# a private redis-server, and Redis round trips per polled feed, counted
# by a loopback proxy that records each burst of client writes that
# follows a server reply.  Uses $CW_BUILD/bench/bench_store, or $BENCH_BIN.
BENCH_NAME=bench_store
. "$(dirname "$0")/lib.sh"
BIN=${BENCH_BIN:-$B/bench/bench_store}
bench_redis
PORT=$REDIS_PORT

# Two rows: every claim changes its figure (all alert), and the common
# mix where 90% of claims repeat a key's figure from another source.
for pct in 100 10; do
	redis-cli -p "$PORT" flushall >/dev/null
	redis-cli -p "$PORT" config resetstat >/dev/null
	echo "store: pipelined throughput (feeds x claims, 64 feeds in flight, $pct% change)"
	"$BIN" "redis://127.0.0.1:$PORT/0" "${BENCH_FEEDS:-2000}" \
	    "${BENCH_CLAIMS:-50}" 64 "$pct"
	# Nested calls per claim: every command the script ran, over claims.
	redis-cli -p "$PORT" info commandstats | tr -d '\r' | awk -F'[:=,]' \
	    -v n=$(( ${BENCH_FEEDS:-2000} * ${BENCH_CLAIMS:-50} )) '
	    /^cmdstat_evalsha/ { print "  evalsha usec_per_call=" $7 }
	    /^cmdstat_/ && !/evalsha|script|ping|flushall|config/ { c += $3 }
	    END { printf "  nested_calls_per_claim %.2f\n", c / n }'
done

PPORT=$(free_port)
cat >"$TMP/proxy.py" <<'PY'
import os, socket, sys, threading
lport, rport, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
state = {"n": 0, "turn": "server"}
lock = threading.Lock()
def save():
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % state["n"])
    os.replace(tmp, out)
def pump(src, dst, side):
    while True:
        d = src.recv(65536)
        if not d:
            break
        with lock:
            if side == "client" and state["turn"] == "server":
                state["n"] += 1
                save()
            state["turn"] = side
        dst.sendall(d)
    dst.close()
save()
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", lport))
ls.listen(1)
print("ready", flush=True)
c, _ = ls.accept()
r = socket.create_connection(("127.0.0.1", rport))
threading.Thread(target=pump, args=(r, c, "server"), daemon=True).start()
pump(c, r, "client")
PY
python3 "$TMP/proxy.py" "$PPORT" "$PORT" "$TMP/count" >"$TMP/proxy.log" &
PIDS="$PIDS $!"
until grep -q ready "$TMP/proxy.log" 2>/dev/null; do sleep 0.05; done
echo "store: round trips per polled feed (sequential feeds via proxy)"
"$BIN" -r "redis://127.0.0.1:$PPORT/0" "$TMP/count" 100
