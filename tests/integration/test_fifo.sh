#!/bin/sh
# Issue 17 item 7: a FIFO where a file is read - the main config, a file
# of the lexicon directory, the feed list - used to hang check-config and
# a SIGHUP reload.  Every read refuses what is not a regular file, at
# once, naming it.  (timeout only catches the hang; no timing is asserted.)
. "$(dirname "$0")/lib.sh"

mkdir -p "$CW_TMP/lex"
cp "$CW_ROOT/config/lexicon/"* "$CW_TMP/lex/"
mkfifo "$CW_TMP/lex/zz.lex" "$CW_TMP/main.conf" "$CW_TMP/feeds.fifo"
echo "http://127.0.0.1:1/feed.xml" >"$CW_TMP/feeds.txt"
REDIS_PORT=1

check() {	# check CONFIG WANT
	set +e
	timeout 20 "$CW_BUILD/claimwatch" check-config -c "$1" \
	    >"$CW_TMP/out" 2>&1
	rc=$?
	set -e
	[ "$rc" -ne 124 ] || cw_fail "check-config -c $1 hung on a FIFO"
	[ "$rc" -ne 0 ] || cw_fail "check-config -c $1 accepted a FIFO"
	grep -q "$2: not a regular file" "$CW_TMP/out" ||
	    cw_fail "check-config -c $1: $(cat $CW_TMP/out)"
}
check "$CW_TMP/main.conf" "$CW_TMP/main.conf"

cw_config "$CW_TMP/lex.conf"
sed -i "s|^lexicon_dir = .*|lexicon_dir = $CW_TMP/lex|" "$CW_TMP/lex.conf"
check "$CW_TMP/lex.conf" "$CW_TMP/lex/zz.lex"

cw_config "$CW_TMP/list.conf"
sed -i "s|^list = feeds.txt|list = feeds.fifo|" "$CW_TMP/list.conf"
check "$CW_TMP/list.conf" "feeds.fifo"
echo "fifo ok"
