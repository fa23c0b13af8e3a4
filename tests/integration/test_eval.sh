#!/bin/sh
# The extractor on text it was not written for: runs the shared annotated
# passages (../shared/eval/run.sh) and the project's own annotated check
# set (tests/tools/own_eval.sh on tests/data/extract/own.jsonl, scored by
# the same scorer) overall and per language, and fails when F1, entity
# accuracy or the count of negatives reported falls behind the floors in
# tests/data/extract/eval_floor.txt and own_floor.txt.  Skips, saying so,
# when the shared eval set (or its scorer) is not beside the checkout.
. "$(dirname "$0")/lib.sh"

EVAL=$CW_ROOT/../shared/eval
if [ ! -f "$EVAL/run.sh" ] || [ ! -f "$EVAL/dev.jsonl" ] ||
    [ ! -f "$EVAL/score.py" ]; then
	echo "SKIP: no shared eval set at $EVAL (nothing to score)"
	exit 0
fi
cd "$CW_ROOT"

# check NAME FLOORFILE SCRIPT: every line of FLOORFILE against SCRIPT.
eval_check() {
	grep -v '^#' "$2" | while read -r set f1 ent neg; do
		[ -n "$set" ] || continue
		out=$CW_TMP/$1.$set.out
		if [ "$set" = all ]; then
			sh "$3" "$CW_BUILD/claimwatch" >"$out"
		else
			sh "$3" "$CW_BUILD/claimwatch" --lang "$set" >"$out"
		fi
		cat "$out"
		last=$(tail -n 1 "$out")
		got_f1=$(echo "$last" | sed -n 's/^F1=\([0-9.]*\) .*/\1/p')
		got_neg=$(echo "$last" |
		    sed -n 's/.*false_neg_numbers=\([0-9]*\).*/\1/p')
		got_ent=$(sed -n 's/.*entity_acc=\([0-9.]*\) .*/\1/p' "$out")
		[ -n "$got_f1" ] && [ -n "$got_neg" ] && [ -n "$got_ent" ] ||
		    cw_fail "$1 $set: no score line from $3"
		awk -v a="$got_f1" -v b="$f1" 'BEGIN { exit !(a + 0 >= b + 0) }' ||
		    cw_fail "$1 $set: F1 $got_f1 below the floor $f1"
		awk -v a="$got_ent" -v b="$ent" \
		    'BEGIN { exit !(a + 0 >= b + 0) }' ||
		    cw_fail "$1 $set: entity accuracy $got_ent below the floor $ent"
		[ "$got_neg" -le "$neg" ] ||
		    cw_fail "$1 $set: $got_neg negatives reported, at most $neg allowed"
		echo "ok $1 $set: F1 $got_f1 >= $f1, entity $got_ent >= $ent," \
		    "negatives $got_neg <= $neg"
	done
}

eval_check dev "$CW_ROOT/tests/data/extract/eval_floor.txt" "$EVAL/run.sh" || exit 1
SCORER=$EVAL/score.py
export SCORER
eval_check own "$CW_ROOT/tests/data/extract/own_floor.txt" \
    "$CW_ROOT/tests/tools/own_eval.sh" || exit 1
