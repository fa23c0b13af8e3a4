#!/bin/sh
# Tests tests/tools/fnlen.sh on synthetic files: a 101-line function must
# fail unless allowed, a 100-line one must pass, an allowed one that grew
# must fail, and the real tree must pass with its allowlist.
set -u
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT INT TERM
fail=0
check() {	# check WHAT EXPECTED_STATUS PATTERN -- fnlen args
	what=$1 want=$2 pat=$3
	shift 4
	sh tests/tools/fnlen.sh "$@" >"$dir/out" 2>&1
	got=$?
	if [ "$got" -ne "$want" ] || ! grep -q -- "$pat" "$dir/out"; then
		echo "FAIL $what: status $got (want $want), output:"
		sed 's/^/    /' "$dir/out"
		fail=1
	else
		echo "ok $what"
	fi
}
# fn NAME LINES: a KNF function whose body spans LINES lines.
fn() {
	printf 'static int\n%s(int x)\n{\n' "$1"
	i=2
	while [ "$i" -lt $(($2 - 1)) ]; do
		printf '\tx += %d;\n' "$i"
		i=$((i + 1))
	done
	printf '\treturn x;\n}\n\n'
}
{
	printf '/* synthetic */\n'
	fn short_one 100
	fn long_one 101
} >"$dir/a.c"
: >"$dir/empty.txt"
echo "$dir/a.c long_one 101" >"$dir/allow.txt"
echo "$dir/a.c long_one 100" >"$dir/allow-less.txt"

check "101 lines, not allowed, fails" 1 "long_one is 101 lines" -- \
    -a "$dir/empty.txt" "$dir/a.c"
if grep -q short_one "$dir/out"; then
	echo "FAIL a 100-line function was reported"
	fail=1
fi
check "101 lines, allowed, passes" 0 "fnlen: ok" -- \
    -a "$dir/allow.txt" "$dir/a.c"
check "allowed at 100, grew to 101, fails" 1 "grew from 100 to 101" -- \
    -a "$dir/allow-less.txt" "$dir/a.c"
check "-l lists the offender" 0 "a.c long_one 101" -- -l "$dir/a.c"
check "the tree passes with its allowlist" 0 "fnlen: ok" --
exit $fail
