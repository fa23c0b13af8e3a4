#!/bin/sh
# Issue 17 item 8: `claimwatch tail` against hostile replies and text.
#   1. A server on the Redis port answering XREAD, or pushing SUBSCRIBE
#      messages, of an unexpected shape (integers where strings or arrays
#      belong; only a stand-in can send those, real Redis never does):
#      tail reports "unexpected reply" and exits 1, no crash.
#   2. Real Redis, an alert whose title holds "ESC ] 0; ... BEL" and
#      U+202E: tail prints them escaped, pretty and --raw on a terminal
#      alike (script(1) gives it one), never as raw bytes.
. "$(dirname "$0")/lib.sh"

FAKE_PORT=$(cw_free_port)
python3 - "$FAKE_PORT" >"$CW_TMP/fake.log" 2>&1 <<'EOF2' &
import socket, sys
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", int(sys.argv[1])))
srv.listen(4)
print("listening", flush=True)
while True:
    c, _ = srv.accept()
    buf = b""
    while True:
        d = c.recv(65536)
        if not d:
            break
        buf += d
        if b"XREAD" in buf:
            # [[5, 7]]: an array of the wrong things.
            c.sendall(b"*1\r\n*2\r\n:5\r\n:7\r\n")
            buf = b""
        elif b"SUBSCRIBE" in buf:
            c.sendall(b"*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n"
                      b"*3\r\n:1\r\n:2\r\n:3\r\n"
                      b"*3\r\n$7\r\nmessage\r\n$1\r\nc\r\n:3\r\n")
            buf = b""
        elif buf.endswith(b"\r\n") and buf.count(b"\r\n") >= 3:
            c.sendall(b"+OK\r\n")
            buf = b""
    c.close()
EOF2
CW_PIDS="$CW_PIDS $!"
cw_wait_for "grep -q listening $CW_TMP/fake.log" 10 || cw_fail "fake server"
set +e
timeout 20 "$CW_BUILD/claimwatch" tail --url "redis://127.0.0.1:$FAKE_PORT/0" \
    --from-stream 0 >"$CW_TMP/x.out" 2>"$CW_TMP/x.err"
rc=$?
set -e
[ "$rc" -eq 1 ] || cw_fail "tail on a bad XREAD reply: exit $rc ($(cat $CW_TMP/x.err))"
grep -q "XREAD: unexpected reply" "$CW_TMP/x.err" ||
    cw_fail "bad XREAD reply not named: $(cat $CW_TMP/x.err)"
# SUBSCRIBE: the odd pushes are skipped; the link then ends (the stand-in
# never sends more), so tail waits: give it a moment, then stop it.
"$CW_BUILD/claimwatch" tail --url "redis://127.0.0.1:$FAKE_PORT/0" \
    --channel c >"$CW_TMP/s.out" 2>"$CW_TMP/s.err" &
TPID=$!
sleep 1
kill -0 "$TPID" 2>/dev/null || { wait "$TPID" || true;
    grep -q "ERROR: AddressSanitizer\|Segmentation" "$CW_TMP/s.err" &&
    cw_fail "tail crashed on a bad SUBSCRIBE push: $(cat $CW_TMP/s.err)"; }
cw_stop_pid "$TPID"
grep -q "AddressSanitizer\|runtime error" "$CW_TMP/s.err" &&
    cw_fail "tail: $(cat $CW_TMP/s.err)"

# 2. Real Redis, hostile title.
cw_start_redis
A='{"v":1,"type":"new","key":"x/killed/troops","entity":"x","event":"killed","unit":"troops","previous":null,"current":{"value":5,"qualifier":"exact","max":null,"modality":"actual","published":null,"url":null,"title":"a\u001b]0;pwned\u0007 \u202eevil","lang":"id"},"feed":null,"detected_at":null}'
# U+202E raw in the JSON text (valid JSON), and a second entry that is
# not JSON at all, with raw ESC and BEL bytes.
A=$(printf '%s' "$A" | sed "s/\\\\u202e/$(printf '\342\200\256')/")
cw_redis XADD claimwatch:alerts '*' alert "$A" >/dev/null
cw_redis XADD claimwatch:alerts '*' alert "$(printf 'junk\033]0;owned\007')" >/dev/null
for mode in "" "--raw"; do
	# script(1) runs tail on a pseudo-terminal, as a user would.
	timeout 5 script -qfec "$CW_BUILD/claimwatch tail --url $REDIS_URL --from-stream 0 $mode" \
	    "$CW_TMP/tty$mode.out" >/dev/null 2>&1 || true
	f="$CW_TMP/tty$mode.out"
	grep -q 'pwned' "$f" || cw_fail "tail $mode printed nothing: $(cat $f)"
	if grep -q "$(printf '\033]0')" "$f" || grep -q "$(printf '\342\200\256')" "$f"; then
		cw_fail "tail $mode printed raw escapes: $(od -c $f | head)"
	fi
	if grep -q "$(printf '\007')" "$f"; then
		cw_fail "tail $mode printed a raw BEL"
	fi
	grep -qF '\u202eevil' "$f" || cw_fail "tail $mode: U+202E not shown escaped"
	grep -qF 'junk\x1b]0;owned\x07' "$f" ||
	    cw_fail "tail $mode: the non-JSON entry not shown escaped: $(cat -v $f)"
done
echo "tail hostile ok"
