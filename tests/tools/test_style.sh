#!/bin/sh
# Tests tests/tools/style.sh: a clean KNF file passes; each rule, broken
# once in a copy of it, fails with its message; the allowlist tolerates
# long lines up to its count only; the real tree passes.
set -u
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT INT TERM
mkdir -p "$dir/daemon"
fail=0
tab=$(printf '\t')
good="$dir/daemon/good.c"
cat >"$good" <<'EOC'
/*
 * good: a clean file, as the tree writes them.
 */
#include <stdio.h>

static const char *const names[] = {
	"http://example.com/a//b",	/* "//" in strings and comments */
	NULL
};

static int
good_sum(int a, int b, int c, int d, int e, int f, int g, int h, int i,
    int j)
{
	int	 x = a + b + c + d + e + f + g + h + i + j;

	if (x > 0) {
		/* Continuation lines: tabs, then four spaces. */
		x = good_sum(x, x, x, x, x, x, x, x, x, x) +
		    1;
	}
	return x;		/* a → at 80 columns: one column, three bytes */
}
EOC
: >"$dir/empty.txt"
run() {	# run WHAT WANT_STATUS PATTERN FILE [ALLOWLIST]
	sh tests/tools/style.sh -a "${5:-$dir/empty.txt}" "$4" \
	    >"$dir/out" 2>&1
	got=$?
	if [ "$got" -ne "$2" ] || ! grep -q -- "$3" "$dir/out"; then
		echo "FAIL $1: status $got (want $2), output:"
		sed 's/^/    /' "$dir/out"
		fail=1
	else
		echo "ok $1"
	fi
}
# bad NAME SED-SCRIPT: a copy of the good file broken by the script.
bad() {
	sed "$2" "$good" >"$dir/daemon/$1.c"
	echo "$dir/daemon/$1.c"
}
run "clean file passes" 0 "style: ok" "$good"
run "space indentation" 1 "8 spaces where a tab belongs" \
    "$(bad spaces "s/^${tab}int${tab}/        int${tab}/")"
run "space before tab" 1 "space before a tab" \
    "$(bad spacetab "s/^${tab}return x;/ ${tab}return x;/")"
run "trailing blank" 1 "trailing white space" \
    "$(bad trailing 's/^{$/{ /')"
run "81 columns" 1 "longer than 80 columns (81)" \
    "$(bad long 's/at 80 columns/at 81 columns:/')"
run "// comment" 1 "// comment" \
    "$(bad slashes 's|^\(.return x;\).*|\1 // no|')"
run "return type on the name line" 1 "return type on the name line" \
    "$(bad oneline '/^static int$/{N;s/\n/ /;}')"
run "brace on the name line" 1 "brace on the name line" \
    "$(bad brace '/^    int j)$/{N;s/\n{/ {/;}')"
run "no opening comment" 1 "does not open with a comment" \
    "$(bad nohead '1,3d')"
long=$(bad long2 's/at 80 columns/at 81 columns:/')
echo "$long 1" >"$dir/allow1.txt"
run "a long line the allowlist tolerates" 0 "style: ok" "$long" \
    "$dir/allow1.txt"
echo "$long 0" >"$dir/allow0.txt"
run "more long lines than allowed" 1 "1 lines over 80 columns, 0 allowed" \
    "$long" "$dir/allow0.txt"
sh tests/tools/style.sh >"$dir/out" 2>&1 || {
	echo "FAIL the tree:"
	sed 's/^/    /' "$dir/out"
	fail=1
}
[ "$fail" -eq 0 ] && echo "ok the tree"
exit $fail
