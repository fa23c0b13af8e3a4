#!/bin/sh
# `claimwatch notify` exec sinks: the program's stdin is the published
# alert, byte for byte (plus a newline), its environment the main fields;
# a program that hangs is killed (its whole process group) at the timeout
# and retried; a program that keeps failing ends in the dead letters; a
# text template never lets a field start a line of its own.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/notify_lib.sh"

cw_start_redis
: >"$CW_TMP/feeds.txt"
OUT=$CW_TMP/out
mkdir -p "$OUT"
cat >"$CW_TMP/hang.sh" <<'SH'
echo "$CLAIMWATCH_ATTEMPT" >>"$1/attempts.$CLAIMWATCH_ID"
if [ "$CLAIMWATCH_ATTEMPT" = 1 ]; then
	sleep 600 &
	echo $! >"$1/sleep.pid"
	wait
fi
cat >"$1/hang.$CLAIMWATCH_ID"
SH
common="start = all
retry_min = 100ms
retry_max = 300ms"
cw_config "$CW_TMP/c.conf" \
    "[notify cat]" "type = exec" \
    "command = /bin/sh -c \"cat >\$0/in.\$CLAIMWATCH_ID; env >\$0/env.\$CLAIMWATCH_ID\" $OUT" \
    "$common" \
    "[notify hang]" "type = exec" "command = /bin/sh $CW_TMP/hang.sh $OUT" \
    "timeout = 1s" "$common" \
    "[notify bad]" "type = exec" "command = /bin/false" "retries = 2" \
    "$common" \
    "[notify mail]" "type = exec" "command = /bin/sh -c \"cat >>\$0/mail\" $OUT" \
    "format = text" 'body = Subject: claimwatch {{key}}: {{title}}\n\n{{summary}}\n' \
    "$common"
nt_start_notify "$CW_TMP/c.conf"
nt_wait_groups 4

title=$(printf 'Flood "} x\nBcc: victim@example.org')
a=$(nt_alert changed a/killed/people 100 250 "$title")
id=$(nt_xadd "$a")

# stdin is the alert as published; the environment carries its fields.
cw_wait_for "test -s $OUT/env.$id" 20 || cw_fail "cat sink did not run"
printf '%s\n' "$a" | cmp - "$OUT/in.$id" || cw_fail "stdin differs from the alert"
grep -qx "CLAIMWATCH_ID=$id" "$OUT/env.$id" || cw_fail "no CLAIMWATCH_ID"
grep -qx "CLAIMWATCH_KEY=a/killed/people" "$OUT/env.$id" || cw_fail "no key"
grep -qx "CLAIMWATCH_VALUE=250" "$OUT/env.$id" || cw_fail "no value"
grep -qx "CLAIMWATCH_PREVIOUS=100" "$OUT/env.$id" || cw_fail "no previous"
grep -q "^REDIS\|^CW_" "$OUT/env.$id" && cw_fail "the notifier's environment leaked"

# The hanging first attempt is killed at 1 s, the second delivers.
cw_wait_for "test -f $OUT/hang.$id" 30 || cw_fail "hang sink never delivered"
printf '1\n2\n' | cmp - "$OUT/attempts.$id" || cw_fail "attempts: $(cat "$OUT/attempts.$id")"
printf '%s\n' "$a" | cmp - "$OUT/hang.$id" || cw_fail "retry stdin differs"
grep -q "sink=hang failing: killed at the 1000 ms timeout" "$CW_TMP/notify.log" ||
    cw_fail "no timeout in the log"
cw_wait_for "! kill -0 $(cat "$OUT/sleep.pid")" 10 ||
    cw_fail "the hung program's child survived"

# Always failing: three attempts, then the dead-letter stream.
cw_wait_for '[ "$(cw_redis XLEN $NT_STREAM:dead:bad)" -ge 1 ]' 30 ||
    cw_fail "failing program not dead-lettered"
cw_redis --raw XRANGE $NT_STREAM:dead:bad - + >"$CW_TMP/dead"
grep -qx "exit status 1" "$CW_TMP/dead" || cw_fail "dead letter reason"
grep -qx 3 "$CW_TMP/dead" || cw_fail "dead letter attempts"
grep -qxF "$id" "$CW_TMP/dead" || cw_fail "dead letter id"

# A text template: the title's newline cannot add a mail header.
cw_wait_for "test -s $OUT/mail" 20 || cw_fail "mail sink did not run"
grep -q '^Bcc:' "$OUT/mail" && cw_fail "header injection through the title"
[ "$(sed -n 1p "$OUT/mail")" = 'Subject: claimwatch a/killed/people: Flood "} x Bcc: victim@example.org' ] ||
    cw_fail "subject: $(sed -n 1p "$OUT/mail")"
[ "$(sed -n 2p "$OUT/mail")" = "" ] || cw_fail "no blank line after the header"
nt_stop_notify
echo "notify exec ok: stdin, environment, timeout kill and retry, dead letter, text template"
