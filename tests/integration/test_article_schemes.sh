#!/bin/sh
# Issue 17 item 4: with `protocols = http https file` (documented for
# demos), a feed's item link to file:// - directly or through a redirect -
# is never read as an article, so a local file's text never reaches an
# alert.  The item falls back to its own text, and an http link beside it
# is still read.
. "$(dirname "$0")/lib.sh"

WWW=$CW_TMP/www
mkdir -p "$WWW"
cp "$CW_ROOT/tests/data/articles/berita.html" "$WWW/berita.html"
# The "secret": a page whose figure would alert if it were ever read.
sed 's/14\.000/77.777/g' "$CW_ROOT/tests/data/articles/berita.html" \
    >"$CW_TMP/secret.html"
grep -q '77.777' "$CW_TMP/secret.html" || cw_fail "secret page has no figure"
cw_start_redis
cw_start_httpd "$WWW"
cat >"$WWW/feed.xml" <<EOF2
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Kabar</title><language>id</language>
<item><title>Satu</title><link>file://$CW_TMP/secret.html</link>
<guid>direct</guid><description>Tanpa angka.</description></item>
<item><title>Dua</title><link>$HTTP_URL/_/redirect/302?to=file://$CW_TMP/secret.html</link>
<guid>redirected</guid><description>Tanpa angka.</description></item>
<item><title>Tiga</title><link>$HTTP_URL/berita.html</link>
<guid>berita</guid><description>Tanpa angka.</description></item>
</channel></rss>
EOF2
echo "$HTTP_URL/feed.xml articles=yes" >"$CW_TMP/feeds.txt"
cw_config "$CW_TMP/claimwatch.conf"
sed -i 's/^allow_private = yes$/allow_private = yes\nprotocols = http https file/' \
    "$CW_TMP/claimwatch.conf"
grep -q '^protocols = http https file' "$CW_TMP/claimwatch.conf" ||
    cw_fail "config not written"
cw_redis SUBSCRIBE claimwatch:alerts >"$CW_TMP/alerts.raw" 2>/dev/null &
CW_PIDS="$CW_PIDS $!"
sleep 0.3
"$CW_BUILD/claimwatchd" -d -c "$CW_TMP/claimwatch.conf" --once \
    --log-level info >"$CW_TMP/daemon.log" 2>&1 ||
    { cat "$CW_TMP/daemon.log"; cw_fail "claimwatchd --once failed"; }
sleep 0.3
grep '^{' "$CW_TMP/alerts.raw" >"$CW_TMP/alerts.json" || true
# The secret figure by value: a port in a URL may hold the digits 77.
if jq -e 'select(.current.value == 77777 or .current.value == 77.777)' \
    "$CW_TMP/alerts.json" >/dev/null; then
	cat "$CW_TMP/alerts.json"
	cw_fail "a local file's figure reached an alert"
fi
jq -e 'select(.current.value == 14000)' "$CW_TMP/alerts.json" >/dev/null ||
    cw_fail "the http article beside them was not read: $(cat $CW_TMP/alerts.json)"
grep "article=file://" "$CW_TMP/daemon.log" | grep -q "using the item's own text" ||
    cw_fail "file:// article not refused in the log"
grep "article=$HTTP_URL/_/redirect" "$CW_TMP/daemon.log" |
    grep -q "using the item's own text" ||
    cw_fail "redirect to file:// not refused in the log"
cw_schema_check "$CW_TMP/alerts.json"
echo "article schemes ok"
