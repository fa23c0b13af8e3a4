#!/bin/sh
# Adding a feed with a year of archive is quiet: with the default
# [alerts] max_age (2 days) its old items go to history without an alert,
# and the first fresh report of the same quantity is "new" (an archived
# figure is never its previous).
. "$(dirname "$0")/lib.sh"

WWW=$CW_TMP/www
NOW=$(date +%s)
mkdir -p "$WWW"
# feed N...: items N days old, a monthly toll that grows with age.
feed() {
	{
	echo '<?xml version="1.0" encoding="UTF-8"?>'
	echo '<rss version="2.0"><channel><title>Arsip</title>'
	echo '<link>https://arsip.example/</link><language>id</language>'
	for d in "$@"; do
		t=$(date -u -R -d "@$((NOW - d * 86400 - 3600))")
		echo "<item><title>Laporan hari ke-$d</title>"
		echo "<link>https://arsip.example/$d</link>"
		echo "<pubDate>$t</pubDate><description>Banjir di Demak"
		echo "menewaskan $((d + 3)) orang.</description></item>"
	done
	echo '</channel></rss>'
	} >"$WWW/arsip.tmp"
	mv "$WWW/arsip.tmp" "$WWW/arsip.xml"
}
YEAR="360 330 300 270 240 210 180 150 120 90 60 30 3"
# shellcheck disable=SC2086
feed $YEAR

cw_start_redis
cw_start_httpd "$WWW"
echo "$HTTP_URL/arsip.xml" >"$CW_TMP/feeds.txt"
CW_MAX_AGE=default cw_config "$CW_TMP/claimwatch.conf" "[redis]" \
    "prefix = arc:" "channel = arc:alerts"
cw_subscribe arc:alerts "$CW_TMP/alerts"
"$CW_BUILD/claimwatchd" -d -c "$CW_TMP/claimwatch.conf" --log-level debug \
    >"$CW_TMP/daemon.log" 2>&1 &
CW_PIDS="$CW_PIDS $!"
polls() { grep -c "feed=$HTTP_URL/arsip.xml status=" "$CW_TMP/daemon.log" || true; }
count() { grep -c '^{' "$CW_TMP/alerts.raw" || true; }

cw_wait_for '[ "$(polls)" -ge 3 ]' 30 || cw_fail "feed not polled"
[ "$(count)" -eq 0 ] || cw_fail "the archive alerted: $(cat "$CW_TMP/alerts.raw")"
n=$(cw_redis ZCARD "{arc:k:demak.flood/killed/people}:hist")
[ "$n" -eq 13 ] || cw_fail "history holds $n of 13 archived figures"

# Today's report: the key's first alert, "new".
# shellcheck disable=SC2086
feed 0 $YEAR
cw_wait_for '[ "$(count)" -ge 1 ]' 30 || cw_fail "no alert for today's item"
p=$(polls)
cw_wait_for '[ "$(polls)" -ge $((p + 2)) ]' 30 || cw_fail "polling stopped"
[ "$(count)" -eq 1 ] || cw_fail "expected 1 alert, got $(count)"
grep '^{' "$CW_TMP/alerts.raw" | jq -e '.type == "new" and
    .key == "demak.flood/killed/people" and .current.value == 3 and
    .story.id == "demak.flood" and .story.label == "Banjir Demak"' \
    >/dev/null || cw_fail "wrong alert: $(grep '^{' "$CW_TMP/alerts.raw")"
echo "archive ok: a year of items, no alert; today's item is new"
