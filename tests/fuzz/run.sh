#!/bin/sh
# Runs each libFuzzer target given after $1 (seconds per target) from its
# seed corpus in tests/fuzz/corpus/<name>/ (copied, so CI leaves the tree
# clean).  Any crash, leak, timeout or out-of-memory fails the run; the
# reproducer is kept in build/fuzz/artifacts/.
set -u
SECONDS_EACH=${1:-60}
shift
mkdir -p build/fuzz/artifacts
pass=0
fail=0
for bin in "$@"; do
	name=$(basename "$bin")
	mod=${name#fuzz_}
	work=$(mktemp -d /tmp/cwfuzz.XXXXXX)
	[ -d "tests/fuzz/corpus/$mod" ] && cp -r "tests/fuzz/corpus/$mod/." "$work/"
	dict=""
	[ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
	# shellcheck disable=SC2086
	if "$bin" "$work" $dict -max_total_time="$SECONDS_EACH" -timeout=10 \
	    -rss_limit_mb=1024 -max_len=65536 -print_final_stats=1 \
	    -artifact_prefix=build/fuzz/artifacts/"$name"- \
	    >"build/fuzz/$name.log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "build/fuzz/$name.log")
		echo "PASS fuzz/$name ($runs runs in ${SECONDS_EACH}s)"
		pass=$((pass + 1))
	else
		echo "FAIL fuzz/$name (log: build/fuzz/$name.log)"
		grep -E "ERROR|SUMMARY|Test unit written" "build/fuzz/$name.log" |
		    head -10 | sed 's/^/    /'
		fail=$((fail + 1))
	fi
	rm -rf "$work"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
