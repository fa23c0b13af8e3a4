#!/bin/sh
# Runs the unit test binaries, the source checks (KNF style, function
# length, and the tests of those two checks) and the integration scripts
# against the build in $1 ("build" or "build/san"); $2 may be "unit",
# "static" or "integration" to run only one part.  Prints one closing
# line "N passed, N failed".
set -u
B=${1:-build}
WHAT=${2:-all}
export CW_BUILD="$B"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
pass=0
fail=0
failed=""
run() {
	name=$1
	shift
	log=$B/test-logs/$(echo "$name" | tr '/' '_').log
	mkdir -p "$B/test-logs"
	start=$(date +%s)
	if "$@" >"$log" 2>&1; then
		pass=$((pass + 1))
		echo "PASS $name ($(($(date +%s) - start))s)"
	else
		fail=$((fail + 1))
		failed="$failed $name"
		echo "FAIL $name (log: $log)"
		tail -n 40 "$log" | sed 's/^/    /'
	fi
}
if [ "$WHAT" = all ] || [ "$WHAT" = unit ]; then
	for t in "$B"/tests/test_*; do
		case "$t" in *.o|*.d) continue ;; esac
		[ -x "$t" ] || continue
		run "unit/$(basename "$t")" "$t"
	done
fi
if [ "$WHAT" = all ] || [ "$WHAT" = static ]; then
	run "static/style" sh tests/tools/style.sh
	run "static/fnlen" sh tests/tools/fnlen.sh
	run "static/test_style" sh tests/tools/test_style.sh
	run "static/test_fnlen" sh tests/tools/test_fnlen.sh
fi
if [ "$WHAT" = all ] || [ "$WHAT" = integration ]; then
	for t in tests/integration/test_*.sh; do
		[ -f "$t" ] || continue
		run "integration/$(basename "$t" .sh)" sh "$t"
	done
fi
echo
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
