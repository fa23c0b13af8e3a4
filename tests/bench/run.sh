#!/bin/sh
# Runs every benchmark script (or the one named in $2) against build $1.
set -eu
B=${1:-build}
export CW_BUILD="$B"
for s in tests/bench/bench_*.sh; do
	name=$(basename "$s" .sh)
	[ -n "${2:-}" ] && [ "$name" != "bench_$2" ] && [ "$name" != "$2" ] && continue
	# The soak runs for an hour: only when asked for by name (make soak).
	[ -z "${2:-}" ] && [ "$name" = bench_soak ] && continue
	# The cluster at scale takes minutes: also only by name.
	[ -z "${2:-}" ] && [ "$name" = bench_scale ] && continue
	echo "== $name"
	sh "$s"
done
