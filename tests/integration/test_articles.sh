#!/bin/sh
# Per-feed article fetching (articles=yes in the feed list): the feed item
# carries one sentence without a figure; the figure is in the article page.
# The daemon fetches the item's link, reduces the page to its main text and
# alerts on the article's figure, while the page's navigation, "baca juga"
# box, trending list and comment section give no claims.
. "$(dirname "$0")/lib.sh"

WWW=$CW_TMP/www
mkdir -p "$WWW"
cp "$CW_ROOT/tests/data/articles/berita.html" "$WWW/berita.html"
cw_start_redis
cw_start_httpd "$WWW"
cat >"$WWW/feed.xml" <<EOF2
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Kabar Dunia</title><language>id</language>
<item><title>Korut kirim pasukan tambahan ke Kursk</title>
<link>$HTTP_URL/berita.html</link><guid>berita-kursk</guid>
<pubDate>Sun, 27 Apr 2025 10:00:00 +0700</pubDate>
<description>Pyongyang akhirnya mengakui keterlibatan pasukannya.</description></item>
</channel></rss>
EOF2
echo "$HTTP_URL/feed.xml articles=yes" >"$CW_TMP/feeds.txt"
cw_config "$CW_TMP/claimwatch.conf"
cw_redis SUBSCRIBE claimwatch:alerts >"$CW_TMP/alerts.raw" 2>/dev/null &
CW_PIDS="$CW_PIDS $!"
sleep 0.3
"$CW_BUILD/claimwatchd" -d -c "$CW_TMP/claimwatch.conf" --once \
    --log-level info >"$CW_TMP/daemon.log" 2>&1 ||
    { cat "$CW_TMP/daemon.log"; cw_fail "claimwatchd --once failed"; }
grep -q "GET /berita.html 200" "$CW_TMP/httpd.log" ||
    cw_fail "article page not fetched"
sleep 0.3
grep '^{' "$CW_TMP/alerts.raw" >"$CW_TMP/alerts.json" || true
n=$(wc -l <"$CW_TMP/alerts.json")
[ "$n" -eq 1 ] || { cat "$CW_TMP/alerts.json"; cw_fail "expected 1 alert from the article, got $n"; }
jq -e '.key == "north-korea/deployed/people" and .current.value == 14000 and
    .current.qualifier == "approx" and (.current.text | test("14.000"))' \
    "$CW_TMP/alerts.json" >/dev/null || cw_fail "wrong alert: $(cat $CW_TMP/alerts.json)"
cw_schema_check "$CW_TMP/alerts.json"
echo "articles ok"
