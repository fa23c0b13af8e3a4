# Shared by the benchmarks (POSIX sh, sourced after BENCH_NAME is set):
# a temporary directory, cleanup by PID, nginx serving generated feeds and
# a private redis-server.  Everything listens on 127.0.0.1 only,
# lives in $TMP and is stopped by PID on exit.
set -eu
B=${CW_BUILD:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d "/tmp/cw$BENCH_NAME.XXXXXX")
PIDS=""
NGINX=/usr/sbin/nginx

bench_cleanup() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null || true
	done
	for p in $PIDS; do
		wait "$p" 2>/dev/null || true
	done
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "kept $TMP"
	else
		rm -rf "$TMP"
	fi
}
trap bench_cleanup EXIT INT TERM

fail() {
	echo "$BENCH_NAME: $*" >&2
	exit 1
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_for() {
	i=0
	while ! eval "$1" >/dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -ge 100 ] && return 1
		sleep 0.1
	done
}

# CPU seconds (user + system) used so far by the processes given.
cpu_of() {
	for p in "$@"; do
		cat "/proc/$p/stat"
	done 2>/dev/null | awk -v hz="$(getconf CLK_TCK)" '
	    { sub(/^.*\) /, ""); s += $12 + $13 } END { printf "%.2f", s / hz }'
}

# bench_list FILE N [FIRST STEP]: the URLs of feeds FIRST, FIRST + STEP,
# ... below N on the nginx of bench_nginx (default: all N).
bench_list() {
	i=${3:-0}
	while [ "$i" -lt "$2" ]; do
		printf 'http://127.0.0.1:%s/f%05d.xml\n' "$HTTP_PORT" "$i"
		i=$((i + ${4:-1}))
	done >"$1"
}

# bench_conf FILE LIST REDIS [LINE...]: a daemon configuration for the
# benchmarks: REDIS is the [redis] line naming the server ("url = ..." or
# "cluster = ..."), LIST the feed list beside FILE; polls every hour (so
# --once polls each feed once), loopback allowed, no HTTP listener, and
# max_age off because the generated items are dated January 2025.  LINEs
# are appended (more sections).
bench_conf() {
	f=$1
	list=$2
	redis=$3
	shift 3
	cat >"$f" <<EOC
[redis]
$redis
prefix = bench:
channel = bench:alerts
[feeds]
list = $list
[poll]
interval = 1h
timeout = 300
connect_timeout = 60
max_total = 64
max_per_host = 64
allow_private = yes
[extract]
lexicon_dir = $ROOT/config/lexicon
[alerts]
max_age = 0
[http]
listen =
EOC
	if [ $# -gt 0 ]; then
		printf '%s\n' "$@" >>"$f"
	fi
}

# bench_feeds N: N generated feeds (~25 KB, 20 items) in $TMP/www.
bench_feeds() {
	# nginx workers run as nobody when the script runs as root.
	chmod 755 "$TMP"
	echo "generating $1 feeds in $TMP/www"
	python3 "$ROOT/tests/bench/gen_feeds.py" "$TMP/www" "$1"
}

# bench_nginx WORKERS: nginx serving $TMP/www with ETags and keep-alive,
# no access log; sets HTTP_PORT, NGINX_PID and NGINX_ALL (master and
# workers, for CPU accounting).
bench_nginx() {
	[ -x "$NGINX" ] || fail "nginx missing (apt-get install nginx-light)"
	HTTP_PORT=$(free_port)
	mkdir -p "$TMP/nginx"
	cat >"$TMP/nginx.conf" <<EOC
worker_processes $1;
pid $TMP/nginx.pid;
error_log $TMP/nginx/error.log warn;
events {
	worker_connections 4096;
}
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_timeout 120;
	keepalive_requests 1000000;
	etag on;
	types {
		application/rss+xml xml;
	}
	default_type application/octet-stream;
	client_body_temp_path $TMP/nginx/body;
	proxy_temp_path $TMP/nginx/proxy;
	fastcgi_temp_path $TMP/nginx/fastcgi;
	uwsgi_temp_path $TMP/nginx/uwsgi;
	scgi_temp_path $TMP/nginx/scgi;
	server {
		listen 127.0.0.1:$HTTP_PORT;
		root $TMP/www;
	}
}
EOC
	"$NGINX" -p "$TMP/nginx" -e "$TMP/nginx/error.log" \
	    -c "$TMP/nginx.conf" -g 'daemon off;' &
	NGINX_PID=$!
	PIDS="$PIDS $NGINX_PID"
	wait_for "curl -sf -o /dev/null http://127.0.0.1:$HTTP_PORT/f00000.xml" ||
	    fail "nginx did not start: $(cat "$TMP/nginx/error.log")"
	NGINX_ALL="$NGINX_PID $(ps -o pid= --ppid "$NGINX_PID" | tr '\n' ' ')"
}

# bench_redis: a fresh redis-server, nothing saved; sets REDIS_PORT and
# REDIS_PID.
bench_redis() {
	REDIS_PORT=$(free_port)
	redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' \
	    --appendonly no --dir "$TMP" --daemonize no \
	    >"$TMP/redis-$REDIS_PORT.log" 2>&1 &
	REDIS_PID=$!
	PIDS="$PIDS $REDIS_PID"
	wait_for "redis-cli -p $REDIS_PORT ping" || fail "redis did not start"
}

# bench_cluster MASTERS REPLICAS: a Redis Cluster on free loopback ports
# (bus on port + 10000), nothing saved; sets CLUSTER_PORTS, CLUSTER_PIDS
# and CLUSTER_SEEDS ("127.0.0.1:P,...").
bench_cluster() {
	CLUSTER_PORTS=""
	CLUSTER_PIDS=""
	CLUSTER_SEEDS=""
	n=$(( $1 * ($2 + 1) ))
	while [ "$n" -gt 0 ]; do
		p=$(free_port)
		while [ "$p" -gt 55000 ]; do p=$(free_port); done
		mkdir -p "$TMP/n$p"
		redis-server --port "$p" --bind 127.0.0.1 --cluster-enabled yes \
		    --cluster-config-file "$TMP/n$p/nodes.conf" --save '' \
		    --appendonly no --dir "$TMP/n$p" >"$TMP/n$p/log" 2>&1 &
		PIDS="$PIDS $!"
		CLUSTER_PIDS="$CLUSTER_PIDS $!"
		CLUSTER_PORTS="$CLUSTER_PORTS $p"
		CLUSTER_SEEDS="$CLUSTER_SEEDS${CLUSTER_SEEDS:+,}127.0.0.1:$p"
		n=$((n - 1))
	done
	for p in $CLUSTER_PORTS; do
		wait_for "redis-cli -p $p ping" || fail "node $p down"
	done
	# shellcheck disable=SC2046
	redis-cli --cluster create $(for p in $CLUSTER_PORTS; do
	    echo "127.0.0.1:$p"; done) --cluster-replicas "$2" \
	    --cluster-yes >"$TMP/create.log" 2>&1 ||
	    fail "cluster create: $(cat "$TMP/create.log")"
	for p in $CLUSTER_PORTS; do
		i=0
		until redis-cli -p "$p" cluster info | grep -q cluster_state:ok; do
			i=$((i + 1))
			[ "$i" -lt 300 ] || fail "cluster not ok on node $p"
			sleep 0.1
		done
	done
}
