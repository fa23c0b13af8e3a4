#!/bin/sh
# The README's sample output of `make demo` is what the demo prints: the
# demo (tests/demo.sh, its own redis-server, the bundled sample feeds) is
# run and its alerts, stage by stage, compared with the README's block.
# Alerts of one stage come from two feeds polled side by side, so each
# stage is compared as a set of alerts (a headline line and its quote).
. "$(dirname "$0")/lib.sh"

# Stage headers and alerts between "---- stage 1" and the stream line,
# one alert per line, sorted within its stage.
alerts() {
	awk '/^---- stage 1/ { on = 1 }
	    on && /^demo: [0-9]+ alerts/ { print; exit }
	    !on { next }
	    /^----/ { flush(); print; next }
	    /^(NEW|CHANGED|CORROB)/ { flush(); cur = $0; next }
	    /^ +"/ { cur = cur " " $0; next }
	    function flush() { if (cur != "") print cur | "sort"; close("sort"); cur = "" }
	    END { flush() }' "$1"
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
