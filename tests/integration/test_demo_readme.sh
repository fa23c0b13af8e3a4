#!/bin/sh
# The README's sample output of `make demo` is what the demo prints: the
# demo (tests/demo.sh, its own redis-server, the bundled sample feeds) is
# run and its alerts, stage by stage, compared with the README's block.
# Alerts of one stage come from two feeds polled side by side, so each
# stage is compared as a set of alerts, and without the date and quote:
# when both feeds report the same figure, which one is stored first (and
# so quoted) is a race; the alerts' keys and figures are not.
. "$(dirname "$0")/lib.sh"

# Stage headers and alerts between "---- stage 1" and the stream line,
# one alert per line, sorted within its stage.
alerts() {
	awk '/^---- stage 1/ { on = 1 }
	    !on { next }
	    /^demo: [0-9]+ alerts/ { printf "%02d\t0\t%s\n", n + 1, $0; exit }
	    /^----/ { n++; printf "%02d\t0\t%s\n", n, $0; next }
	    /^(NEW|CHANGED|CORROB)/ { cur = $0
		gsub(/, [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]\)/, ")", cur)
		gsub(/  +/, " ", cur)
		printf "%02d\t1\t%s\n", n, cur }' "$1" |
	    sort -t "$(printf '\t')" -k1,1 -k2,2 -k3 | cut -f3
}

sh "$CW_ROOT/tests/demo.sh" "$CW_BUILD" >"$CW_TMP/demo.out" 2>&1 ||
    { cat "$CW_TMP/demo.out"; cw_fail "the demo failed"; }
cp "$CW_ROOT/README.md" "$CW_TMP/readme.blocks"
alerts "$CW_TMP/demo.out" >"$CW_TMP/got"
alerts "$CW_TMP/readme.blocks" >"$CW_TMP/want"
[ -s "$CW_TMP/want" ] || cw_fail "no demo output in the README"
grep -q "^NEW" "$CW_TMP/got" || { cat "$CW_TMP/demo.out"; cw_fail "the demo printed no alerts"; }
diff -u "$CW_TMP/want" "$CW_TMP/got" ||
    cw_fail "README's demo output differs from what make demo prints (above: - README, + demo)"
echo "demo readme ok: $(grep -c '^NEW\|^CHANGED' "$CW_TMP/got") alerts as the README shows"
