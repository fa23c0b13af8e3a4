#!/bin/sh
# Extraction throughput (MB/s, one core) and allocations per claim on a
# few MB of generated mixed id/en news text, then the same text through
# `wc -w` for scale: extraction should take at most 3x wc's CPU time.
# Uses $CW_BUILD/bench/bench_extract when the whole library is built;
# otherwise builds the bench by hand in a temporary directory against
# extract, lexicon and the leaves.  BENCH_MB sets the text size (default 8).
set -eu
B=${CW_BUILD:-build}
MB=${BENCH_MB:-8}
bin=$B/bench/bench_extract
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
if [ ! -x "$bin" ]; then
	bin=$tmp/bench_extract
	${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -g -Iinclude -o "$bin" \
	    tests/bench/bench_extract.c daemon/extract*.c daemon/lexicon*.c \
	    daemon/util.c daemon/log.c daemon/claim.c \
	    $(pkg-config --libs libevent 2>/dev/null || echo -levent)
fi
"$bin" config/lexicon "$MB" "$tmp/text" | tee "$tmp/out"
# wc -w: best CPU time (user + sys) of five runs, in the C locale as
# extraction reads bytes too.
python3 - "$tmp/text" "$tmp/out" <<'PY'
import os, resource, subprocess, sys
path, out = sys.argv[1], sys.argv[2]
size = os.path.getsize(path)
best = None
for _ in range(5):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(path, "rb") as f:
        subprocess.run(["wc", "-w"], stdin=f, stdout=subprocess.DEVNULL,
                       env={"LC_ALL": "C"}, check=True)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    best = t if best is None or t < best else best
wc = size / max(best, 1e-6) / 1e6
print("wc -w (LC_ALL=C) %10d %8.1f MB/s/cpu" % (size, wc))
for line in open(out):
    f = line.split()
    if len(f) >= 3 and f[0] in ("id", "en", "auto"):
        print("%-6s extraction takes %.2fx the CPU time of wc -w" %
              (f[0], wc / float(f[2])))
PY
exit 0
