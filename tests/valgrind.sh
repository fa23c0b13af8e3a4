#!/bin/sh
# Runs the end-to-end test with claimwatchd under valgrind memcheck (plain
# build $1): any memory error or definitely-lost byte fails the run.
set -eu
B=${1:-build}
mkdir -p "$B/valgrind"
rm -f "$B/valgrind"/*.log
W=$(mktemp -d /tmp/cwvg.XXXXXX)
cat >"$W/claimwatchd" <<EOF
#!/bin/sh
exec valgrind --quiet --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite --track-fds=no \
    --log-file=$(pwd)/$B/valgrind/claimwatchd.%p.log \
    $(pwd)/$B/claimwatchd "\$@"
EOF
chmod +x "$W/claimwatchd"
ln -s "$(pwd)/$B/tests" "$W/tests"
status=0
CW_BUILD=$W sh tests/integration/test_e2e.sh >"$B/valgrind/e2e.out" 2>&1 ||
    status=$?
rm -rf "$W"
errors=0
for f in "$B/valgrind"/claimwatchd.*.log; do
	[ -f "$f" ] || continue
	if [ -s "$f" ]; then
		echo "valgrind: report in $f:"
		sed 's/^/    /' "$f" | head -60
		errors=$((errors + 1))
	fi
done
if [ "$status" -ne 0 ]; then
	echo "valgrind: e2e test under valgrind failed:"
	tail -30 "$B/valgrind/e2e.out" | sed 's/^/    /'
fi
if [ "$status" -eq 0 ] && [ "$errors" -eq 0 ]; then
	echo "valgrind: e2e clean (0 errors, 0 bytes definitely lost)"
	echo "1 passed, 0 failed"
	exit 0
fi
echo "0 passed, 1 failed"
exit 1
