#!/bin/sh
# Feed-parser conformance: runs `claimwatch parse` over every file of
# ../shared/conformance/feeds into a temporary directory and lets the
# corpus's compare.py score it against feedparser's output.  Usage:
#   sh tests/conformance.sh BUILD_DIR [compare.py options]
# CLAIMWATCH=/path/to/binary overrides $BUILD_DIR/claimwatch.  Titles are
# compared with --text-titles: claimwatch keeps titles as plain text,
# feedparser keeps sanitized markup in HTML titles.  Deliberate
# disagreements are listed in tests/conformance-exceptions.txt.
set -eu
B=${1:-build}
[ $# -gt 0 ] && shift
CORPUS=${CW_CONFORMANCE:-../shared/conformance}
BIN=${CLAIMWATCH:-$B/claimwatch}
if [ ! -d "$CORPUS/feeds" ]; then
	echo "conformance: $CORPUS/feeds not found, skipped"
	exit 0
fi
if [ ! -x "$BIN" ]; then
	echo "conformance: $BIN not built" >&2
	exit 1
fi
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT INT TERM
errs=0
(cd "$CORPUS/feeds" && find . -type f ! -name LICENSE.upstream | sort) |
while IFS= read -r rel; do
	rel=${rel#./}
	mkdir -p "$OUT/$(dirname "$rel")"
	# A failed parse still prints the bozo object; the reason goes to
	# the log, not the terminal.
	timeout 10 "$BIN" parse "$CORPUS/feeds/$rel" >"$OUT/$rel.json" \
	    2>>"$OUT/errors.log" || true
done
python3 "$CORPUS/compare.py" "$CORPUS/expected" "$OUT" --text-titles "$@"
