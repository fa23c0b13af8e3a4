#!/bin/sh
# The extractor on text it was not written for: runs the shared annotated
# passages (../shared/eval/run.sh) overall and per language and fails when
# F1, entity accuracy or the count of negatives reported falls behind the
# floor in tests/data/extract/eval_floor.txt.  Skips, saying so, when the
# shared eval set is not beside the checkout.
. "$(dirname "$0")/lib.sh"

EVAL=$CW_ROOT/../shared/eval
FLOOR=$CW_ROOT/tests/data/extract/eval_floor.txt
if [ ! -f "$EVAL/run.sh" ] || [ ! -f "$EVAL/dev.jsonl" ]; then
	echo "SKIP: no shared eval set at $EVAL (nothing to score)"
	exit 0
fi
cd "$CW_ROOT"
grep -v '^#' "$FLOOR" | while read -r set f1 ent neg; do
	[ -n "$set" ] || continue
	if [ "$set" = all ]; then
		sh "$EVAL/run.sh" "$CW_BUILD/claimwatch" >"$CW_TMP/$set.out"
	else
		sh "$EVAL/run.sh" "$CW_BUILD/claimwatch" --lang "$set" \
		    >"$CW_TMP/$set.out"
	fi
	cat "$CW_TMP/$set.out"
	last=$(tail -n 1 "$CW_TMP/$set.out")
	got_f1=$(echo "$last" | sed -n 's/^F1=\([0-9.]*\) .*/\1/p')
	got_neg=$(echo "$last" | sed -n 's/.*false_neg_numbers=\([0-9]*\).*/\1/p')
	got_ent=$(sed -n 's/.*entity_acc=\([0-9.]*\) .*/\1/p' "$CW_TMP/$set.out")
	[ -n "$got_f1" ] && [ -n "$got_neg" ] && [ -n "$got_ent" ] ||
	    cw_fail "$set: no score line from run.sh"
	awk -v a="$got_f1" -v b="$f1" 'BEGIN { exit !(a + 0 >= b + 0) }' ||
	    cw_fail "$set: F1 $got_f1 below the floor $f1"
	awk -v a="$got_ent" -v b="$ent" 'BEGIN { exit !(a + 0 >= b + 0) }' ||
	    cw_fail "$set: entity accuracy $got_ent below the floor $ent"
	[ "$got_neg" -le "$neg" ] ||
	    cw_fail "$set: $got_neg negatives reported, at most $neg allowed"
	echo "ok $set: F1 $got_f1 >= $f1, entity $got_ent >= $ent," \
	    "negatives $got_neg <= $neg"
done
