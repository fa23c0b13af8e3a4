#!/bin/sh
# Three claimwatchd processes poll one list of twelve feeds through a
# local Redis Cluster of 3 masters and 3 replicas ([redis] cluster = ...),
# while the feeds gain items.  Mid-run the master of the alert stream's
# slot (the busiest: every alert is XADDed there) is failed over to its
# replica (CLUSTER FAILOVER: MOVED, NOSCRIPT on the new master), then that
# slot is migrated to another master with MIGRATING/IMPORTING and MIGRATE,
# the daemons polling while its keys have moved and the slot has not (ASK),
# and last another master is killed (kill -9) and replaced by its replica.
# Asserts that every alert was published once (SUBSCRIBE on a replica)
# and is in the stream once, none lost, and that `claimwatch tail` reads
# the stream through the cluster.
. "$(dirname "$0")/lib.sh"
. "$CW_ROOT/tests/data/store/feeds.sh"

NF=12
ND=3
IV=2
NI=6
STREAM=cwc:alerts
WWW=$CW_TMP/www
mkdir -p "$WWW"
grow() { cw_feeds_grow "$WWW" "$NF" "$1"; }
grow 1
cw_start_cluster 3 1
cw_start_httpd "$WWW"
cw_feeds_list "$HTTP_URL" "$NF"
SLOT=$(redis-cli -p "$REDIS_PORT" cluster keyslot $STREAM)
cx() { redis-cli -c -p "$REDIS_PORT" "$@"; }
xlen() { cx XLEN $STREAM; }
role() { redis-cli -p "$1" role | head -1; }

d=1
while [ "$d" -le $ND ]; do
	# Half the daemons name the cluster by a url, half by its nodes.
	if [ $((d % 2)) = 1 ]; then
		REDIS_URL="redis+cluster://$CLUSTER_SEEDS"
		set --
	else
		REDIS_URL="redis+cluster://127.0.0.1:1"	# replaced below
		set -- "cluster = $CLUSTER_SEEDS"
	fi
	mkdir -p "$CW_TMP/state$d"
	CW_INTERVAL=$IV CW_STATE=$CW_TMP/state$d REDIS_URL=$REDIS_URL \
	    cw_config "$CW_TMP/d$d.conf" "[redis]" "prefix = cwc:" \
	    "channel = cwc:alerts" "stream = $STREAM" "$@"
	d=$((d + 1))
done
# The subscriber sits on a replica: PUBLISH reaches every node.
for p in $CLUSTER_PORTS; do
	[ "$(role "$p")" = slave ] && { SUBP=$p; break; }
done
REDIS_PORT=$SUBP cw_subscribe cwc:alerts "$CW_TMP/sub"

DPIDS=""
d=1
while [ "$d" -le $ND ]; do
	"$CW_BUILD/claimwatchd" -d -c "$CW_TMP/d$d.conf" --log-level debug \
	    >"$CW_TMP/d$d.log" 2>&1 &
	DPIDS="$DPIDS $!"
	CW_PIDS="$CW_PIDS $!"
	d=$((d + 1))
done
logs() { cat "$CW_TMP"/d[0-9].log; }

cw_wait_for '[ "$(xlen)" -ge $NF ]' 60 ||
    { cat "$CW_TMP/d1.log"; cw_fail "no first alerts: $(xlen)"; }

# 1. Fail the stream's master over to its replica, feeds growing.
M=$(cw_cluster_owner "$SLOT")
R=$(redis-cli -p "$M" info replication | tr -d '\r' |
    sed -n 's/^slave0:.*port=\([0-9]*\),.*/\1/p')
[ -n "$R" ] || cw_fail "master $M of slot $SLOT has no replica"
grow 2
cw_cluster_failover "$R"
echo "cluster: slot $SLOT failed over from $M to $R"
grow 3
cw_wait_for '[ "$(xlen)" -ge $((NF * 3)) ]' 60 ||
    { logs | tail -40; cw_fail "alerts after failover: $(xlen)"; }
logs | grep -q "MOVED $SLOT " || cw_fail "no MOVED for slot $SLOT"

# 2. Migrate the slot from R to another master while alerts flow.
for p in $CLUSTER_PORTS; do
	[ "$p" != "$R" ] && [ "$(role "$p")" = master ] && { T=$p; break; }
done
RID=$(redis-cli -p "$R" cluster myid)
TID=$(redis-cli -p "$T" cluster myid)
redis-cli -p "$T" cluster setslot "$SLOT" importing "$RID" >/dev/null
redis-cli -p "$R" cluster setslot "$SLOT" migrating "$TID" >/dev/null
grow 4
sleep $IV
KEYS=$(redis-cli -p "$R" cluster getkeysinslot "$SLOT" 100)
[ -n "$KEYS" ] || cw_fail "no keys in slot $SLOT"
# shellcheck disable=SC2086
redis-cli -p "$R" migrate 127.0.0.1 "$T" "" 0 10000 KEYS $KEYS |
    grep -q OK || cw_fail "MIGRATE"
# The keys are on T, the slot still R's: every stream write is an ASK.
grow 5
cw_wait_for 'logs | grep -q "ASK $SLOT "' 60 ||
    cw_fail "no ASK redirect for slot $SLOT"
for p in "$T" "$R"; do
	redis-cli -p "$p" cluster setslot "$SLOT" node "$TID" >/dev/null
done
for p in $CLUSTER_PORTS; do
	[ "$(role "$p")" = master ] &&
	    redis-cli -p "$p" cluster setslot "$SLOT" node "$TID" >/dev/null
done
echo "cluster: slot $SLOT migrated from $R to $T"

# 3. A master dies (kill -9) once round 5 is in: its replica takes over
# (cluster-node-timeout 2 s) and the daemons find it by a new slot map
# after their connections to it fail.
cw_wait_for '[ "$(xlen)" -ge $((NF * 5)) ]' 60 ||
    cw_fail "alerts after the migration: $(xlen)"
for p in $CLUSTER_PORTS; do
	[ "$p" != "$T" ] && [ "$p" != "$SUBP" ] &&
	    [ "$(role "$p")" = master ] && { K=$p; break; }
done
KR=$(redis-cli -p "$K" info replication | tr -d '\r' |
    sed -n 's/^slave0:.*port=\([0-9]*\),.*/\1/p')
KPID=$(redis-cli -p "$K" info server | tr -d '\r' |
    sed -n 's/^process_id:\([0-9]*\)/\1/p')
[ -n "$KR" ] && [ -n "$KPID" ] || cw_fail "master $K: no replica or pid"
kill -9 "$KPID"
cw_wait_for '[ "$(role $KR)" = master ]' 60 || cw_fail "$KR not promoted"
cw_wait_for "redis-cli -p $KR cluster info | grep -q cluster_state:ok" 30 ||
    cw_fail "cluster not ok after $K died"
REDIS_PORT=$KR
echo "cluster: master $K killed, $KR took over"
grow 6
cw_wait_for '[ "$(xlen)" -ge $((NF * NI)) ]' 90 ||
    { logs | grep -i "warn\|error" | tail -20; cw_fail "alerts missing: $(xlen) of $((NF * NI))"; }
sleep $IV

d=1
while [ "$d" -le $ND ]; do
	n=$(grep -c "feed=$HTTP_URL/f[0-9]*\.xml status=" "$CW_TMP/d$d.log" || true)
	[ "$n" -ge 1 ] || cw_fail "daemon $d polled nothing"
	grep -q "redis: connected url=redis+cluster://" "$CW_TMP/d$d.log" ||
	    cw_fail "daemon $d did not use the cluster"
	d=$((d + 1))
done
[ "$(redis-cli -p "$T" xlen $STREAM)" = $((NF * NI)) ] ||
    cw_fail "stream not on $T after the migration"

cx --raw XRANGE $STREAM - + | grep '^{' >"$CW_TMP/stream.json" || true
cw_feed_expect $NF $NI >"$CW_TMP/want"
cw_alerts "$CW_TMP/stream.json" >"$CW_TMP/got.stream"
cw_alerts "$CW_TMP/sub.raw" >"$CW_TMP/got.sub"
diff -u "$CW_TMP/want" "$CW_TMP/got.stream" || cw_fail "stream alerts differ"
diff -u "$CW_TMP/want" "$CW_TMP/got.sub" || cw_fail "SUBSCRIBEd alerts differ"
# claimwatch tail finds the stream's master from a node that is not (MOVED).
O=$KR	# alive, and not the stream's master
timeout 5 "$CW_BUILD/claimwatch" tail --url "redis+cluster://127.0.0.1:$O" \
    --stream $STREAM --from-stream 0 >"$CW_TMP/tail" 2>&1 || true
[ "$(grep -c '^\[' "$CW_TMP/tail")" = $((NF * NI)) ] ||
    cw_fail "tail on the cluster: $(head -5 "$CW_TMP/tail")"
for p in $DPIDS; do
	kill -TERM "$p"
	wait "$p" || cw_fail "claimwatchd exited $? on SIGTERM"
done
echo "cluster daemons ok: $((NF * NI)) alerts from $ND daemons through a failover, a migration and a dead master, each once"
