#!/bin/sh
# `claimwatch extract --explain`: each claim comes with the key it got and
# the words that decided it, so two reports of one quantity visibly meet
# (an Indonesian and an English one), and a claim of no story says so.
. "$(dirname "$0")/lib.sh"

ex() { printf '%s\n' "$2" | "$CW_BUILD/claimwatch" extract --explain \
    --lang "$1" --lexicon "$CW_ROOT/config/lexicon"; }
# The first paragraph is the title, as the daemon builds an item's text.
out=$(ex id 'Banjir bandang terjang Demak.

Korban tewas bertambah menjadi 9 orang.')
echo "$out" | grep -q '^# key demak.flood/killed/people (headline): scope from place and kind; owner none; place demak "Demak" (title); kind flood "Banjir bandang" (title)$' ||
    cw_fail "explain, id: $out"
echo "$out" | grep '^{' | jq -e '.scope == "demak.flood" and
    .story == "Banjir Demak" and .key == "demak.flood/killed/people"' \
    >/dev/null || cw_fail "claim record, id: $out"
out=$(ex en 'Floods in Demak have killed 9 people, officials said.')
echo "$out" | grep -q '^# key demak.flood/killed/people (headline): .*place demak "Demak" (sentence); kind flood "Floods" (sentence)$' ||
    cw_fail "explain, en: $out"
out=$(ex en 'More than 3,000 North Korean troops killed or wounded.')
echo "$out" | grep -q '^# key north-korea/casualties/people (headline): scope from the owner; owner north-korea "North Korean" (sentence);.*unit troops counts as people$' ||
    cw_fail "explain, owner: $out"
out=$(ex id 'Sebanyak 30 orang tewas dalam kecelakaan.')
echo "$out" | grep -q '^# no story -/killed/people (headline): no story: no owner and no place named' ||
    cw_fail "explain, no story: $out"
echo "explain ok"
