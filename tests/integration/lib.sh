# Shared helpers for integration tests (POSIX sh, sourced).  Every service a
# test starts listens on loopback or a socket in the test's own temporary
# directory and is stopped by PID when the test exits.
set -eu
: "${CW_BUILD:=build}"
CW_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CW_TMP=$(mktemp -d /tmp/cwtest.XXXXXX)
CW_PIDS=""

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

cw_stop_pid() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

cw_redis() {
	redis-cli -p "$REDIS_PORT" "$@"
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
