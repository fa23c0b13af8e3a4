# Shared helpers for integration tests (POSIX sh, sourced).  Every service a
# test starts listens on loopback or a socket in the test's own temporary
# directory and is stopped by PID when the test exits.
set -eu
: "${CW_BUILD:=build}"
CW_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CW_TMP=$(mktemp -d /tmp/cwtest.XXXXXX)
CW_PIDS=""
# The daemon honours proxy variables now; a runner's own proxy must not
# carry the tests' loopback traffic (test_proxy.sh sets them itself).
unset http_proxy https_proxy HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

cw_cleanup() {
	for p in $CW_PIDS; do
		kill "$p" 2>/dev/null || true
	done
	for p in $CW_PIDS; do
		wait "$p" 2>/dev/null || true
	done
	[ -n "${CW_KEEP:-}" ] && echo "kept $CW_TMP" >&2 || rm -rf "$CW_TMP"
}
trap cw_cleanup EXIT INT TERM

cw_fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# Prints a TCP port on 127.0.0.1 that is free right now.
cw_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Waits up to $2 seconds (default 10) for command $1 to succeed.
cw_wait_for() {
	i=0
	limit=$(( ${2:-10} * 10 ))
	while ! eval "$1" >/dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -ge "$limit" ] && return 1
		sleep 0.1
	done
	return 0
}

# Starts a private redis-server on a free port; sets REDIS_PORT, REDIS_PID
# and REDIS_URL.  Nothing is saved to disk.
cw_start_redis() {
	REDIS_PORT=${1:-$(cw_free_port)}
	redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' \
	    --appendonly no --dir "$CW_TMP" --daemonize no \
	    >"$CW_TMP/redis-$REDIS_PORT.log" 2>&1 &
	REDIS_PID=$!
	CW_PIDS="$CW_PIDS $REDIS_PID"
	REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
	cw_wait_for "redis-cli -p $REDIS_PORT ping" 10 ||
	    cw_fail "redis-server did not start"
}

# cw_start_redis_aof DIR: a redis-server on $REDIS_PORT (set by the
# caller, kept across restarts) whose data survives a restart: the
# append-only file in DIR, fsynced on every write.  Sets REDIS_PID.
cw_start_redis_aof() {
	redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' \
	    --appendonly yes --appendfsync always --dir "$1" \
	    --daemonize no >>"$CW_TMP/redis.log" 2>&1 &
	REDIS_PID=$!
	CW_PIDS="$CW_PIDS $REDIS_PID"
	cw_wait_for "redis-cli -p $REDIS_PORT ping | grep -q PONG" 20 ||
	    cw_fail "redis-server did not start"
}

cw_stop_pid() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# Fails unless every alert line in FILEs conforms to
# tests/data/alert/alert-v1.schema.json (python3-jsonschema).
cw_schema_check() {
	python3 "$CW_ROOT/tests/tools/schemacheck.py" "$@" >"$CW_TMP/schema.out" ||
	    cw_fail "alert schema: $(cat "$CW_TMP/schema.out")"
}

cw_redis() {
	redis-cli -p "$REDIS_PORT" "$@"
}

# Writes every key of the test's Redis and every value in it to file $1,
# for tests that search all of Redis for something that must not be there.
cw_redis_dump() {
	: >"$1"
	for k in $(cw_redis --scan); do
		echo "$k" >>"$1"
		case $(cw_redis TYPE "$k") in
		hash) cw_redis --raw HGETALL "$k" ;;
		zset) cw_redis --raw ZRANGE "$k" 0 -1 WITHSCORES ;;
		set) cw_redis --raw SMEMBERS "$k" ;;
		list) cw_redis --raw LRANGE "$k" 0 -1 ;;
		stream) cw_redis --raw XRANGE "$k" - + ;;
		string) cw_redis --raw GET "$k" ;;
		esac >>"$1"
	done
}

# Starts the loopback test HTTP server serving directory $1; sets
# HTTP_PORT, HTTP_PID and HTTP_URL (no trailing slash).
cw_start_httpd() {
	rm -f "$CW_TMP/httpd.port"
	"$CW_BUILD/tests/testhttpd" -d "$1" -P "$CW_TMP/httpd.port" \
	    >"$CW_TMP/httpd.log" 2>&1 &
	HTTP_PID=$!
	CW_PIDS="$CW_PIDS $HTTP_PID"
	cw_wait_for "test -s $CW_TMP/httpd.port" 10 ||
	    cw_fail "test httpd did not start"
	HTTP_PORT=$(cat "$CW_TMP/httpd.port")
	HTTP_URL="http://127.0.0.1:$HTTP_PORT"
}

# Writes a test's daemon config to $1: Redis at $REDIS_URL (else on
# 127.0.0.1:$REDIS_PORT), the feed list feeds.txt beside it, polls every
# ${CW_INTERVAL:-1} s with loopback feeds allowed, the bundled lexicon,
# metrics on a free port, state in ${CW_STATE:-$CW_TMP/state}, alerts for
# items of any age (max_age ${CW_MAX_AGE:-0}: the fixtures retell stories of
# 2024-25; CW_MAX_AGE=default leaves the daemon's default).  Further
# arguments are appended as lines (more sections and keys; a key written
# here must not be given again).
cw_config() {
	f=$1
	shift
	mkdir -p "${CW_STATE:-$CW_TMP/state}"
	{
		echo "[redis]"
		echo "url = ${REDIS_URL:-redis://127.0.0.1:$REDIS_PORT/0}"
		echo "[feeds]"
		echo "list = feeds.txt"
		echo "[poll]"
		echo "interval = ${CW_INTERVAL:-1}"
		echo "min_interval = 1"
		echo "allow_private = yes"
		echo "[extract]"
		echo "lexicon_dir = $CW_ROOT/config/lexicon"
		if [ "${CW_MAX_AGE:-0}" != default ]; then
			echo "[alerts]"
			echo "max_age = ${CW_MAX_AGE:-0}"
		fi
		echo "[http]"
		echo "listen = 127.0.0.1:0"
		echo "[daemon]"
		echo "state_dir = ${CW_STATE:-$CW_TMP/state}"
		if [ $# -gt 0 ]; then
			printf '%s\n' "$@"
		fi
	} >"$f"
}

# Subscribes to channel $1 with redis-cli in the background, writing raw
# messages to file $2; sets SUB_PID.
cw_subscribe() {
	redis-cli -p "$REDIS_PORT" --raw SUBSCRIBE "$1" >"$2.raw" 2>&1 &
	SUB_PID=$!
	CW_PIDS="$CW_PIDS $SUB_PID"
	cw_wait_for "grep -q subscribe $2.raw" 10 ||
	    cw_fail "redis-cli SUBSCRIBE did not start"
}

# cw_start_cluster MASTERS REPLICAS: a Redis Cluster of MASTERS masters
# with REPLICAS replicas each on free loopback ports (the bus on port +
# 10000), nothing saved; waits until every node reports cluster_state:ok.
# Sets CLUSTER_PORTS (all nodes), CLUSTER_SEEDS ("127.0.0.1:P,...") and
# REDIS_PORT (the first node, for cw_redis).
cw_start_cluster() {
	CLUSTER_PORTS=""
	CLUSTER_SEEDS=""
	n=$(( $1 * ($2 + 1) ))
	while [ "$n" -gt 0 ]; do
		p=$(cw_free_port)
		while [ "$p" -gt 55000 ]; do p=$(cw_free_port); done
		mkdir -p "$CW_TMP/n$p"
		redis-server --port "$p" --bind 127.0.0.1 --cluster-enabled yes \
		    --cluster-config-file "$CW_TMP/n$p/nodes.conf" --save '' \
		    --appendonly no --dir "$CW_TMP/n$p" \
		    --cluster-node-timeout 2000 \
		    >"$CW_TMP/n$p/log" 2>&1 &
		CW_PIDS="$CW_PIDS $!"
		CLUSTER_PORTS="$CLUSTER_PORTS $p"
		CLUSTER_SEEDS="$CLUSTER_SEEDS${CLUSTER_SEEDS:+,}127.0.0.1:$p"
		n=$((n - 1))
	done
	for p in $CLUSTER_PORTS; do
		cw_wait_for "redis-cli -p $p ping" 10 || cw_fail "node $p down"
	done
	# shellcheck disable=SC2046
	redis-cli --cluster create $(for p in $CLUSTER_PORTS; do
	    echo "127.0.0.1:$p"; done) --cluster-replicas "$2" \
	    --cluster-yes >"$CW_TMP/create.log" 2>&1 ||
	    cw_fail "cluster create: $(cat "$CW_TMP/create.log")"
	# A redirect to a node that has not caught up answers CLUSTERDOWN.
	for p in $CLUSTER_PORTS; do
		cw_wait_for "redis-cli -p $p cluster info | grep -q cluster_state:ok" 30 ||
		    cw_fail "cluster not ok on node $p"
	done
	set -- $CLUSTER_PORTS
	REDIS_PORT=$1
}

# cw_e2e_feed OUT ITEM...: the RSS feed of tests/data/e2e with those items
# (item_ITEM.xml, in order) at OUT, replaced whole so that a poll never
# reads half of it.
cw_e2e_feed() {
	_out=$1
	shift
	{ cat "$CW_ROOT/tests/data/e2e/head.xml"
	  for _i in "$@"; do cat "$CW_ROOT/tests/data/e2e/item_$_i.xml"; done
	  cat "$CW_ROOT/tests/data/e2e/tail.xml"; } >"$_out.tmp"
	mv "$_out.tmp" "$_out"
}

# cw_cluster_failover REPLICA: promote REPLICA with CLUSTER FAILOVER.  The
# manual failover gives up after a few seconds when the replica cannot
# catch up with its master's offset (a loaded machine); then FORCE, which
# skips that handshake but still needs the masters' votes.
cw_cluster_failover() {
	for _how in "" force force; do
		redis-cli -p "$1" cluster failover $_how >/dev/null ||
		    cw_fail "CLUSTER FAILOVER $_how on $1"
		cw_wait_for "[ \"\$(redis-cli -p $1 role | head -1)\" = master ]" 20 &&
		    return 0
		echo "cluster: $1 not promoted by CLUSTER FAILOVER $_how; again"
	done
	cw_fail "$1 not promoted"
}

# cw_cluster_owner SLOT: the port of the master that serves SLOT now.
cw_cluster_owner() {
	redis-cli -p "$REDIS_PORT" --raw cluster nodes | awk -v s="$1" '
	    $3 ~ /master/ { for (i = 9; i <= NF; i++) {
		n = split($i, r, "-"); a = r[1]; b = n > 1 ? r[2] : r[1]
		if ($i !~ /^\[/ && s + 0 >= a + 0 && s + 0 <= b + 0) {
		    split($2, h, "[:@]"); print h[2]; exit } } }'
}
