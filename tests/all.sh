#!/bin/sh
# `make test`: every stage, in order, with one closing count.
#   1. sanitizer build (ASan + UBSan): unit and integration tests
#   2. plain build: the end-to-end test with claimwatchd under valgrind
#   3. every libFuzzer target for FUZZ_SECONDS from its seed corpus
# A stage that fails does not stop the later ones; the exit status is
# non-zero when anything failed.
set -u
MAKE=${MAKE:-make}
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
total_pass=0
total_fail=0
stage() {
	name=$1
	shift
	echo "==== $name"
	out=$(mktemp /tmp/cwstage.XXXXXX)
	"$@" 2>&1 | tee "$out"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
	p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
	f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
	if [ -z "$line" ]; then
		# The stage broke before it could count (a build error).
		p=0
		f=1
		echo "==== $name: no result line (build or setup failed)"
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	rm -f "$out"
}
stage "sanitizer build: unit and integration tests" \
    $MAKE --no-print-directory SAN=1 check
stage "plain build: end-to-end test under valgrind" \
    sh -c "$MAKE --no-print-directory SAN=0 all build/tests/testhttpd >/dev/null && sh tests/valgrind.sh build"
stage "fuzzing: ${FUZZ_SECONDS}s per target" \
    $MAKE --no-print-directory fuzz FUZZ_SECONDS="$FUZZ_SECONDS"
echo
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
