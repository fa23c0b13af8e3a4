#!/bin/sh
# Long fuzzing (issue 8), outside CI: builds every libFuzzer target with
# `make fuzz`'s rules and runs each for FUZZ_HOURS (default 1, fractions
# allowed: 0.1 is six minutes), FUZZ_JOBS targets at a time (default 2).
# Each target grows its own corpus in build/fuzz/corpus-long/<name>/ (not
# in git), started from the seeds in tests/fuzz/corpus/<name>/ and merged
# (minimised with -merge=1) after every run, so the next long run starts
# where this one stopped.  Prints per target: executions, edge coverage,
# features, corpus size, and any crash, leak, timeout or out-of-memory with
# its reproducer in build/fuzz/artifacts-long/.  Exit status is non-zero
# when any target failed.
# FUZZ_MODE=big (issue 17) lifts -max_len from 64 KiB to FUZZ_MAX_LEN
# (default 8 MiB, the default body cap), where entity amplification and
# attribute floods live, with the XML/HTML/JSON dictionaries
# tests/fuzz/fuzz_<name>.dict (used in every mode) and a 1 GiB RSS limit
# so that a document costing far beyond its bound fails the run.
#   usage: sh tests/fuzz/long.sh [fuzz_name ...]   (default: all targets)
#          make fuzz-long FUZZ_MODE=big FUZZ_HOURS=0.5
set -u
HOURS=${FUZZ_HOURS:-1}
MODE=${FUZZ_MODE:-normal}
case $MODE in
big)	MAXLEN=${FUZZ_MAX_LEN:-8388608}; RSS=1024 ;;
normal)	MAXLEN=${FUZZ_MAX_LEN:-65536}; RSS=2048 ;;
*)	echo "long fuzz: FUZZ_MODE is normal or big, not $MODE"; exit 1 ;;
esac
JOBS=${FUZZ_JOBS:-2}
MAKE=${MAKE:-make}
cd "$(dirname "$0")/../.." || exit 1
SECS=$(awk -v h="$HOURS" 'BEGIN { s = int(h * 3600); print s < 1 ? 1 : s }')
LONG=build/fuzz/corpus-long
ART=build/fuzz/artifacts-long
LOGS=build/fuzz/long-logs
mkdir -p "$LONG" "$ART" "$LOGS"

if [ $# -gt 0 ]; then
	names="$*"
else
	names=$(for s in tests/fuzz/fuzz_*.c; do basename "$s" .c; done)
fi
bins=""
for n in $names; do
	bins="$bins build/fuzz/$n"
done
# shellcheck disable=SC2086
$MAKE --no-print-directory $bins >"$LOGS/build.log" 2>&1 || {
	tail -20 "$LOGS/build.log"
	echo "long fuzz: build failed (log: $LOGS/build.log)"
	exit 1
}

# fuzz_one NAME: one target for SECS seconds; writes $LOGS/NAME.result as
# "NAME STATUS RUNS COV FT CORPUS EXECS_PER_S".
fuzz_one() {
	name=$1
	mod=${name#fuzz_}
	bin=build/fuzz/$name
	corpus=$LONG/$mod
	log=$LOGS/$name.log
	mkdir -p "$corpus"
	seeds=""
	[ -d "tests/fuzz/corpus/$mod" ] && seeds="tests/fuzz/corpus/$mod"
	dict=""
	[ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
	status=ok
	# New inputs go to the first directory only: the seeds stay read-only.
	# shellcheck disable=SC2086
	"$bin" "$corpus" $seeds $dict -max_total_time="$SECS" -timeout=10 \
	    -rss_limit_mb="$RSS" -max_len="$MAXLEN" -print_final_stats=1 \
	    -artifact_prefix="$ART/$name-" >"$log" 2>&1 || status=FAIL
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	# Merge: keep only inputs that add coverage, so the corpus stays small.
	merged=$corpus.merge
	rm -rf "$merged"
	mkdir -p "$merged"
	# shellcheck disable=SC2086
	if "$bin" -merge=1 "$merged" "$corpus" $seeds -timeout=10 \
	    -rss_limit_mb="$RSS" -max_len="$MAXLEN" >"$log.merge" 2>&1; then
		rm -rf "$corpus"
		mv "$merged" "$corpus"
	else
		rm -rf "$merged"
	fi
	files=$(find "$corpus" -type f | wc -l)
	echo "$name $status ${runs:-0} ${cov:-?} ${ft:-?} $files ${eps:-0}" \
	    >"$LOGS/$name.result"
}

# Lanes: target i runs in lane i mod JOBS, lanes run side by side.
echo "long fuzz: $(echo $names | wc -w) targets, ${SECS}s each," \
    "$JOBS at a time, mode $MODE (max_len $MAXLEN), corpus in $LONG/"
rm -f "$LOGS"/*.result
lane=0
pids=""
while [ "$lane" -lt "$JOBS" ]; do
	(
		i=0
		for n in $names; do
			[ $((i % JOBS)) -eq "$lane" ] && fuzz_one "$n"
			i=$((i + 1))
		done
	) &
	pids="$pids $!"
	lane=$((lane + 1))
done
for p in $pids; do
	wait "$p"
done

fail=0
printf '%-16s %-5s %12s %8s %8s %8s %8s\n' target result runs cov ft \
    corpus exec/s
for n in $names; do
	r=$LOGS/$n.result
	if [ ! -f "$r" ]; then
		printf '%-16s %-5s (no result)\n' "$n" FAIL
		fail=$((fail + 1))
		continue
	fi
	# shellcheck disable=SC2046
	set -- $(cat "$r")
	printf '%-16s %-5s %12s %8s %8s %8s %8s\n' "$1" "$2" "$3" "$4" \
	    "$5" "$6" "$7"
	if [ "$2" != ok ]; then
		fail=$((fail + 1))
		grep -E "ERROR|SUMMARY|Test unit written" "$LOGS/$n.log" |
		    head -10 | sed 's/^/    /'
	fi
done
echo "logs in $LOGS/, reproducers in $ART/"
echo "$(($(echo $names | wc -w) - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
