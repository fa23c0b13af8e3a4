#!/bin/sh
# systemd unit checks: `systemd-analyze verify` is clean and the offline
# security exposure score of systemd/claimwatch.service is 1.1 or lower,
# and the unit bounds its fds, memory and tasks (issue 17).
# Works without systemd as PID 1 (--offline=true is made for that).
. "$(dirname "$0")/lib.sh"

UNIT="$CW_ROOT/systemd/claimwatch.service"
MAX_EXPOSURE=1.1
[ -f "$UNIT" ] || cw_fail "no $UNIT"
command -v systemd-analyze >/dev/null 2>&1 ||
    cw_fail "systemd-analyze not found (install the systemd package)"

# verify checks that ExecStart's binary exists, so point it at the build;
# before the daemon links, a placeholder executable stands in for it.
case "$CW_BUILD" in
/*) bin="$CW_BUILD/claimwatchd" ;;
*) bin="$CW_ROOT/$CW_BUILD/claimwatchd" ;;
esac
if [ ! -x "$bin" ]; then
	bin="$CW_TMP/claimwatchd"
	printf '#!/bin/sh\nexit 0\n' >"$bin"
	chmod 755 "$bin"
	echo "note: no daemon built yet, checking with a placeholder"
fi

# Documentation= names man pages that exist only once installed, and
# verify runs man(1) on them, so the copy checked here leaves them out.
mkdir -p "$CW_TMP/unit"
copy="$CW_TMP/unit/claimwatch.service"
grep -q '^ExecStart=/usr/local/sbin/claimwatchd ' "$UNIT" ||
    cw_fail "ExecStart is not /usr/local/sbin/claimwatchd"
sed -e "s|^ExecStart=/usr/local/sbin/claimwatchd |ExecStart=$bin |" \
    -e '/^Documentation=/d' "$UNIT" >"$copy"

if ! systemd-analyze verify "$copy" >"$CW_TMP/verify.log" 2>&1; then
	cat "$CW_TMP/verify.log" >&2
	cw_fail "systemd-analyze verify reported errors"
fi
if [ -s "$CW_TMP/verify.log" ]; then
	cat "$CW_TMP/verify.log" >&2
	cw_fail "systemd-analyze verify printed warnings"
fi
echo "verify: clean"

systemd-analyze security --offline=true --no-pager "$copy" \
    >"$CW_TMP/security.log" 2>&1 || true
score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' \
    "$CW_TMP/security.log")
if [ -z "$score" ]; then
	cat "$CW_TMP/security.log" >&2
	cw_fail "no exposure score in systemd-analyze security output"
fi
echo "exposure: $score (max $MAX_EXPOSURE)"
awk -v s="$score" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(s + 0 <= m + 0) }' ||
    cw_fail "exposure $score is above $MAX_EXPOSURE"

# The settings the unit promises, so a later edit cannot drop one while
# the score still passes.
for want in 'Type=notify' 'ExecReload=/bin/kill -HUP $MAINPID' \
    'Restart=on-failure' 'WatchdogSec=30' 'DynamicUser=yes' \
    'StateDirectory=claimwatch' 'ConfigurationDirectory=claimwatch' \
    'CapabilityBoundingSet=' 'SystemCallFilter=@system-service' \
    'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX'; do
	grep -qxF "$want" "$UNIT" || cw_fail "unit lacks '$want'"
done
for want in LimitNOFILE MemoryMax TasksMax; do
	grep -q "^$want=[1-9]" "$UNIT" || cw_fail "unit lacks $want="
done
grep -q '^Wants=.*network-online.target' "$UNIT" ||
    cw_fail "unit lacks Wants=network-online.target"
grep -q '^Requires=' "$UNIT" && cw_fail "unit must not Require= redis"
echo "PASS test_systemd"
