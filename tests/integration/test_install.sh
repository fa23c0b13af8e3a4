#!/bin/sh
# `make install` as a packager and as an admin use it: a DESTDIR staging
# install puts every file where the layout says, and a PREFIX install runs:
# the installed claimwatch checks the installed config and extracts with
# the installed lexicon; `make uninstall` removes what it installed and
# keeps the configuration.
. "$(dirname "$0")/lib.sh"

cd "$CW_ROOT"
ST=$CW_TMP/stage
make -s install B="$CW_TMP/build" SAN=0 DESTDIR="$ST" >"$CW_TMP/make1.log" 2>&1 ||
    { tail -30 "$CW_TMP/make1.log"; cw_fail "make install DESTDIR failed"; }
for f in usr/local/sbin/claimwatchd usr/local/bin/claimwatch \
    usr/local/share/claimwatch/lexicon etc/claimwatch/claimwatch.conf \
    etc/claimwatch/feeds.txt lib/systemd/system/claimwatch.service \
    usr/local/share/man/man8/claimwatchd.8 \
    usr/local/share/man/man1/claimwatch.1 \
    usr/local/share/man/man5/claimwatch.conf.5; do
	[ -e "$ST/$f" ] || cw_fail "missing after DESTDIR install: $f"
done

P=$CW_TMP/prefix
make -s install B="$CW_TMP/build" SAN=0 PREFIX="$P" SYSCONFDIR="$P/etc" \
    UNITDIR="$P/lib/systemd/system" >"$CW_TMP/make2.log" 2>&1 ||
    { tail -30 "$CW_TMP/make2.log"; cw_fail "make install PREFIX failed"; }
"$P/bin/claimwatch" check-config -c "$P/etc/claimwatch/claimwatch.conf" ||
    cw_fail "installed check-config failed on the installed config"
"$P/sbin/claimwatchd" --check-config -c "$P/etc/claimwatch/claimwatch.conf" ||
    cw_fail "installed claimwatchd -n failed"
out=$(echo "Sekitar 100 tentara Korea Utara tewas." | "$P/bin/claimwatch" extract)
echo "$out" | jq -e 'select(.key == "north-korea/killed/people" and .value == 100)' \
    >/dev/null || cw_fail "installed extract: $out"
grep -q "ExecStart=$P/sbin/claimwatchd" "$P/lib/systemd/system/claimwatch.service" ||
    cw_fail "unit ExecStart not rewritten to the install path"
mandoc -T lint -W warning "$P"/share/man/man*/claimwatch* ||
    cw_fail "man pages have mandoc warnings"
man -l "$P/share/man/man5/claimwatch.conf.5" >/dev/null ||
    cw_fail "claimwatch.conf.5 does not render"
# The pages show the paths this build uses, not placeholders.
grep -q "$P/share/claimwatch/lexicon" "$P/share/man/man5/claimwatch.conf.5" ||
    cw_fail "claimwatch.conf.5 does not show the installed lexicon path"
grep -q "$P/etc/claimwatch/claimwatch.conf" "$P/share/man/man1/claimwatch.1" ||
    cw_fail "claimwatch.1 does not show the installed config path"
grep -q "DATADIR" "$P"/share/man/man*/claimwatch* && cw_fail "a man page says DATADIR"

make -s uninstall B="$CW_TMP/build" PREFIX="$P" SYSCONFDIR="$P/etc" \
    UNITDIR="$P/lib/systemd/system" >/dev/null
[ ! -e "$P/sbin/claimwatchd" ] || cw_fail "uninstall left claimwatchd"
[ -e "$P/etc/claimwatch/claimwatch.conf" ] || cw_fail "uninstall removed the config"
echo "install ok"
