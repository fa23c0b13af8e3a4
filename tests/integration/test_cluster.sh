#!/bin/sh
# The store's data model on a 3-master Redis Cluster started here (loopback,
# temp dir): the scripts from daemon/store_lua.c run through `redis-cli -c`
# EVAL the way store_cluster.c splits a feed (one call per claim slot,
# keys of one hash tag; the alerts it returns, kept in the claim's hash,
# XADDed by the stream script in the stream's own slot, then the kept copy
# deleted; one call for the feed's keys).  Checks new / same / changed
# figures, the dedupe token on a replay (which returns the kept copy and
# is XADDed once), and that `claimwatch tail --from-stream 0` replays the
# stream from the node that owns it.  The daemons themselves on a cluster:
# test_cluster_daemons.sh.
. "$(dirname "$0")/lib.sh"
cd "$CW_ROOT"

cw_start_cluster 3 0
PORTS=$CLUSTER_PORTS
P1=$REDIS_PORT

# The script texts, exactly as compiled into the daemon.
lua() {
	python3 - daemon/store_lua.c "$1" <<'PY'
import ast, re, sys
src = open(sys.argv[1]).read()
body = src[src.index(sys.argv[2] + "[] ="):]
body = body[:body.index(";\n")]
body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
print("".join(ast.literal_eval(m) for m in re.findall(r'"(?:\\.|[^"\\])*"', body)), end="")
PY
}
lua store_lua_batch >"$CW_TMP/batch.lua"
lua store_lua_stream >"$CW_TMP/stream.lua"
LUA=$(cat "$CW_TMP/batch.lua")
C="redis-cli -c -p $P1"
STREAM=cwc:alerts
KEY=north-korea/killed/people

# claim TOKEN VALUE MAX LO HI VAGUE PUB FIG ALERT: one claim-key call,
# no feed keys, no stream key; prints what it returns: per alert its type,
# stream token, JSON and cur key, a line each.
claim() {
	$C --raw EVAL "$LUA" 4 "{cwc:k:$KEY}:cur" "{cwc:k:$KEY}:hist" \
	    "{cwc:k:$KEY}:done" "{cwc:k:$KEY}:src" \
	    1767225600 2026-01-01T00:00:00Z cwc:alerts 1000 100 100 0 100 \
	    0 0 1 0 0 \
	    "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9" 0 0 1 "src-$1" 1
}
fig() { printf '{"value":%s,"qualifier":"%s","max":null,"published":"%s","url":"u","title":"t"}' "$1" "$2" "$3"; }
alert() { printf '{"v":1,"type":"new","key":"%s","entity":"north-korea","event":"killed","unit":"troops","previous":null,"current":%s,"feed":"f","detected_at":"2026-01-01T00:00:00Z"}' "$KEY" "$(fig "$1" "$2" "$3")"; }
# xadd FILE: the stream script for the alerts in FILE (a claim call's
# output), as store_cluster.c runs it; prints how many it XADDed by type.
xadd() {
	f=$1
	set --
	while IFS= read -r kind && IFS= read -r tok && IFS= read -r msg &&
	    IFS= read -r cur; do
		set -- "$@" "$kind" "$tok" "$msg"
	done <"$f"
	$C --raw EVAL "$(cat "$CW_TMP/stream.lua")" 2 $STREAM \
	    "{$STREAM}:delivered" 1000 "$@" | tr '\n' ' '
}
# ack FILE: deletes the kept copies of the alerts in FILE.
ack() {
	while IFS= read -r kind && IFS= read -r tok && IFS= read -r msg &&
	    IFS= read -r cur; do
		$C HDEL "$cur" "o:${tok#*$(printf '\037')}" >/dev/null
	done <"$1"
}

D1=2024-12-19T00:00:00Z; D2=2025-01-15T00:00:00Z
claim a 100 "" 90 110 0 1734566400 "$(fig 100 approx $D1)" \
    "$(alert 100 approx $D1)" >"$CW_TMP/o1"
claim a 100 "" 90 110 0 1734566400 "$(fig 100 approx $D1)" \
    "$(alert 100 approx $D1)" >"$CW_TMP/o1b"	# replay: the kept copy
cmp -s "$CW_TMP/o1" "$CW_TMP/o1b" ||
    cw_fail "replay did not return the kept copy: $(cat "$CW_TMP/o1b")"
[ "$(xadd "$CW_TMP/o1")" = "1 0 0 " ] || cw_fail "stream script: not 1 new"
[ "$(xadd "$CW_TMP/o1b")" = "0 0 0 " ] || cw_fail "replay XADDed twice"
ack "$CW_TMP/o1"
$C HKEYS "{cwc:k:$KEY}:cur" | grep -q '^o:' && cw_fail "kept copy not deleted"
claim a 100 "" 90 110 0 1734566400 "$(fig 100 approx $D1)" \
    "$(alert 100 approx $D1)" >"$CW_TMP/o1b"	# acked: nothing at all
claim b 3000 "" 3000 1e308 0 1736899200 "$(fig 3000 at_least $D2)" \
    "$(alert 3000 at_least $D2)" >"$CW_TMP/o2"
claim c 3000 "" 3000 3000 0 1736985600 "$(fig 3000 exact $D2)" \
    "$(alert 3000 exact $D2)" >"$CW_TMP/o3"	# same figure
[ "$(grep -c '"type":"new"' "$CW_TMP/o1")" = 1 ] || cw_fail "no new alert"
grep -q type "$CW_TMP/o1b" && cw_fail "replay alerted: $(cat "$CW_TMP/o1b")"
grep -q '"type":"changed".*"previous":{"value":100' "$CW_TMP/o2" ||
    cw_fail "no changed alert: $(cat "$CW_TMP/o2")"
grep -q type "$CW_TMP/o3" && cw_fail "corroboration alerted"
[ "$(xadd "$CW_TMP/o2")" = "0 1 0 " ] || cw_fail "stream: not 1 changed"
ack "$CW_TMP/o2"
[ "$($C XLEN $STREAM)" = 2 ] || cw_fail "stream length != 2"
[ "$($C HGET "{cwc:k:$KEY}:cur" sources)" = 2 ] || cw_fail "sources != 2"
[ "$($C ZCARD "{cwc:k:$KEY}:hist")" = 2 ] || cw_fail "history != 2"

# The feed's own call: state and seen items, feed keys only.
FT="{cwc:f:0123456789abcdef}"
$C EVAL "$LUA" 3 "$FT:state" "$FT:seen" "$FT:seenz" 1767225600 \
    2026-01-01T00:00:00Z cwc:alerts 1000 100 100 0 100 4 2 0 1 0 \
    status 200 url f a 00000000000000aa b 00000000000000bb >/dev/null ||
    cw_fail "feed call"
[ "$($C HGET "$FT:seen" b)" = 00000000000000bb ] || cw_fail "seen not set"

# A script whose keys span slots is what the split avoids: prove the
# cluster refuses it, so the test above is meaningful.
if $C EVAL "$LUA" 4 "$FT:state" "$FT:seen" "$FT:seenz" $STREAM 1 x c 1 \
    1 1 0 1 0 0 0 1 1 2>&1 | grep -q CROSSSLOT; then :; else
	cw_fail "cross-slot call not refused"
fi

# claimwatch tail replays the stream from the node that owns it.
for p in $PORTS; do
	case $(redis-cli -p "$p" XLEN $STREAM 2>&1) in
	[0-9]*) SP=$p ;;
	esac
done
timeout 3 "$CW_BUILD/claimwatch" tail --url "redis://127.0.0.1:$SP" \
    --stream $STREAM --from-stream 0 >"$CW_TMP/tail" 2>&1 || true
grep -q "^\[.*\] new  *$KEY: 100 (approx, 2024-12-19)" "$CW_TMP/tail" ||
    cw_fail "tail: $(cat "$CW_TMP/tail")"
grep -q "changed *$KEY: 100 .* ->  3000 (at_least" "$CW_TMP/tail" ||
    cw_fail "tail changed: $(cat "$CW_TMP/tail")"
echo "ok: cluster data model (3 masters), split calls, CROSSSLOT, tail"
