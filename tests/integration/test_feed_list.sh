#!/bin/sh
# Feed lists as feed readers export them (issue 16): OPML folders become
# the feed's categories and the outline's text its name, both carried in
# the alert (feed_title, categories) and named in the log; scraping and
# link outlines are skipped with a FILE:LINE warning; `claimwatch feeds
# --opml` exports a valid OPML 2.0 document that reads back to the same
# list, hostile titles included.  Real redis-server, loopback HTTP.
. "$(dirname "$0")/lib.sh"

CW=$CW_BUILD/claimwatch
CWD=$CW_BUILD/claimwatchd

cw_start_redis
mkdir -p "$CW_TMP/www"
cw_start_httpd "$CW_TMP/www"
cw_e2e_feed "$CW_TMP/www/kabar.xml" deploy_1500

# A title that would break XML, JSON and a log line if not escaped.
cat >"$CW_TMP/feeds.txt" <<OPML
<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0" xmlns:frss="https://freshrss.org/opml">
<head><title>Exported</title></head>
<body>
<outline text="Asia &amp; &quot;Pacific&quot;">
  <outline type="rss" text="Kabar &lt;/outline&gt; &quot;desk&quot;&#10;fake: line" xmlUrl="$HTTP_URL/kabar.xml"/>
  <outline type="HTML+XPath" text="Scraped" xmlUrl="$HTTP_URL/page.html" frss:xPathItem="//a"/>
</outline>
<outline text="War">
  <outline type="rss" text="Kabar again" xmlUrl="$HTTP_URL/kabar.xml"/>
</outline>
<outline type="link" text="Bookmark" url="$HTTP_URL/b"/>
</body>
</opml>
OPML
cw_config "$CW_TMP/c.conf" "[redis]" "prefix = fl:" "channel = fl:alerts"

"$CW" check-config -c "$CW_TMP/c.conf" >"$CW_TMP/out" 2>"$CW_TMP/err" ||
    cw_fail "check-config failed: $(cat "$CW_TMP/err")"
grep -q "^warning: $CW_TMP/feeds.txt:7: skipped outline 'Scraped' of type 'HTML+XPath': not a feed" \
    "$CW_TMP/err" || cw_fail "no HTML+XPath warning: $(cat "$CW_TMP/err")"
grep -q "^warning: $CW_TMP/feeds.txt:12: skipped outline 'Bookmark' of type 'link'" \
    "$CW_TMP/err" || cw_fail "no link warning: $(cat "$CW_TMP/err")"
grep -q " 1 feeds" "$CW_TMP/out" || cw_fail "not one feed: $(cat "$CW_TMP/out")"

"$CWD" -d --once --log-level info -c "$CW_TMP/c.conf" >"$CW_TMP/d.log" 2>&1 ||
    { cat "$CW_TMP/d.log"; cw_fail "--once failed"; }
grep -q "warning: $CW_TMP/feeds.txt:7: skipped outline 'Scraped'" "$CW_TMP/d.log" ||
    cw_fail "the daemon did not log the skipped outline"
grep -q "feed=$HTTP_URL/kabar.xml status=200 .*title=\"Kabar </outline> ?desk??fake: line\"" \
    "$CW_TMP/d.log" || { cat "$CW_TMP/d.log"; cw_fail "no feed title in the poll line"; }
grep -q "notice: alert new key=.* feed=$HTTP_URL/kabar.xml title=\"Kabar " "$CW_TMP/d.log" ||
    cw_fail "no feed title in the alert line"
grep -q "^fake: line" "$CW_TMP/d.log" && cw_fail "a title's newline forged a log line"

cw_redis --raw XRANGE fl:alerts - + >"$CW_TMP/x"
grep '^{' "$CW_TMP/x" | head -1 >"$CW_TMP/alert.json"
[ -s "$CW_TMP/alert.json" ] || cw_fail "no alert in the stream"
jq -e --arg t "$(printf 'Kabar </outline> "desk"\nfake: line')" \
    '.feed_title == $t and .categories == ["Asia & \"Pacific\"", "War"]' \
    "$CW_TMP/alert.json" >/dev/null || cw_fail "alert lacks feed_title/categories: $(cat "$CW_TMP/alert.json")"
jq -e -f "$CW_ROOT/tests/data/store/alert_schema.jq" "$CW_TMP/alert.json" >/dev/null ||
    cw_fail "the alert breaks the schema"

# --- Export: valid OPML, reads back to the same list ----------------------
"$CW" feeds -c "$CW_TMP/c.conf" >"$CW_TMP/plain" || cw_fail "claimwatch feeds failed"
grep -qF "$HTTP_URL/kabar.xml" "$CW_TMP/plain" || cw_fail "feeds: $(cat "$CW_TMP/plain")"
"$CW" feeds --opml -c "$CW_TMP/c.conf" >"$CW_TMP/export.opml" || cw_fail "feeds --opml failed"
python3 - "$CW_TMP/export.opml" "$HTTP_URL/kabar.xml" <<'PY' || cw_fail "export is not the list: $(cat "$CW_TMP/export.opml")"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "opml" and root.get("version") == "2.0", root.tag
body = root.find("body")
folders = {}
for o in body.iter("outline"):
    for f in o.findall("outline"):
        folders.setdefault(o.get("text"), []).append(f.get("xmlUrl"))
        assert f.get("text") == 'Kabar </outline> "desk"\nfake: line', repr(f.get("text"))
assert folders == {'Asia & "Pacific"': [sys.argv[2]], "War": [sys.argv[2]]}, folders
PY
cp "$CW_TMP/export.opml" "$CW_TMP/feeds.txt"
"$CW" feeds --opml -c "$CW_TMP/c.conf" >"$CW_TMP/again.opml" || cw_fail "re-export failed"
cmp -s "$CW_TMP/export.opml" "$CW_TMP/again.opml" || cw_fail "export does not read back to the same list"
"$CW" feeds --help | grep -q "usage: .*feeds" || cw_fail "feeds --help"
echo "feed list ok: folders and names in alerts and logs, skipped outlines warned, OPML export round-trips"
