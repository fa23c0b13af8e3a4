#!/bin/sh
# Looking back, end to end: claimwatchd polls a replayed story (the demo's
# sample feeds in three stages, plus a hostile feed and a late one) from a
# loopback HTTP server into a real Redis; then
# - `claimwatch figures`, `history`, `feeds` (text and --json) show what
#   Redis holds; `poll URL` polls just that feed;
# - the daemon's page, opened in headless Chromium: / and /key/KEY carry
#   the keys, values and source links; an item titled
#   <script>alert(1)</script> shows as text and no script element exists;
#   a javascript: link is never an href; the chart's screenshot is not
#   blank (pixels of the step line's colour);
# - /api/figures and /api/history are JSON; [http] token guards the page;
# - `mute` silences a key (its figure still moves), `reject HOST` takes a
#   source's figures out and recomputes the current one, `set` publishes
#   exactly one "corrected" alert; each shows in `history`'s log.
. "$(dirname "$0")/lib.sh"

command -v chromium >/dev/null || cw_fail "chromium is not installed " \
    "(tests/deps.sh installs it)"
CW=$CW_BUILD/claimwatch
WWW=$CW_TMP/www
mkdir -p "$WWW"
export HOME=$CW_TMP	# chromium writes its profile there

rss() {	# rss FILE then items as "title|link|RFC822 date|description"
	f=$1
	shift
	{
		echo '<?xml version="1.0" encoding="utf-8"?>'
		echo '<rss version="2.0"><channel><title>Test wire</title>'
		echo '<link>http://127.0.0.1/</link><description>t</description>'
		for it in "$@"; do
			echo "$it" | awk -F'|' '{ printf "<item><title>%s</title>" \
			    "<link>%s</link><guid>%s</guid><pubDate>%s</pubDate>" \
			    "<description>%s</description></item>\n",
			    $1, $2, $2, $3, $4 }'
		done
		echo '</channel></rss>'
	} >"$f"
}
stage() {
	cp "$CW_ROOT/config/samples/kabar-dunia.$1.xml" "$WWW/kabar-dunia.xml"
	cp "$CW_ROOT/config/samples/world-desk.$1.atom" "$WWW/world-desk.atom"
}
# Escaped twice: the feed parser reads RSS titles as HTML, so this is the
# text <script>alert(1)</script>, as a hostile outlet would write it.
EVIL_TITLE='&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;'
stage 1
rss "$WWW/evil.xml"
rss "$WWW/late.xml"
cw_start_redis
cw_start_httpd "$WWW"
{
	echo "$HTTP_URL/kabar-dunia.xml lang=id"
	echo "$HTTP_URL/world-desk.atom lang=en"
	echo "$HTTP_URL/evil.xml lang=en"
	echo "$HTTP_URL/late.xml lang=en"
} >"$CW_TMP/feeds.txt"
cw_config "$CW_TMP/claimwatch.conf"
CONF="-c $CW_TMP/claimwatch.conf"
cw_subscribe claimwatch:alerts "$CW_TMP/sub"
"$CW_BUILD/claimwatchd" -d $CONF --log-level info >"$CW_TMP/daemon.log" 2>&1 &
DPID=$!
CW_PIDS="$CW_PIDS $DPID"
cw_wait_for 'grep -q "port=[0-9]" "$CW_TMP/daemon.log"' 20 ||
    cw_fail "daemon did not listen: $(cat "$CW_TMP/daemon.log")"
PORT=$(sed -n 's/.*http listen=.* port=\([0-9]*\).*/\1/p' "$CW_TMP/daemon.log")
PAGE=http://127.0.0.1:$PORT
xlen() { cw_redis XLEN claimwatch:alerts; }
alerts_for() {	# the stream's alerts (JSON lines) for key $1
	cw_redis --raw XRANGE claimwatch:alerts - + | grep '^{' |
	    jq -c "select(.key == \"$1\")"
}
cur_value() {
	$CW figures "$1" $CONF --json | jq -r '.current.value'
}

# The story: stage by stage, as its coverage grew.
cw_wait_for '[ "$(xlen)" -ge 2 ]' 30 || cw_fail "no alerts from stage 1"
stage 2
cw_wait_for '[ "$(cur_value north-korea/killed/people)" = 100 ]' 30 ||
    cw_fail "stage 2: killed/troops is $(cur_value north-korea/killed/people)"
# Then the hostile outlet, later than every figure so far.
rss "$WWW/evil.xml" \
    "$EVIL_TITLE|https://evil.example/kursk?a=1&amp;b=&quot;2&quot;|Sun, 05 Jan 2025 10:00:00 +0000|Around 250 North Korean troops killed in Kursk." \
    "js link|javascript:alert(2)|Mon, 06 Jan 2025 10:00:00 +0000|Ukraine says it captured 40 North Korean soldiers."
cw_wait_for '[ "$(cur_value north-korea/killed/people)" = 250 ]' 30 ||
    cw_fail "evil: killed/troops is $(cur_value north-korea/killed/people)"
stage 3
cw_wait_for '[ "$(cur_value north-korea/deployed/people)" = 14000 ]' 30 ||
    cw_fail "stage 3: deployed/troops is $(cur_value north-korea/deployed/people)"
cw_wait_for '[ "$(cur_value north-korea/casualties/people)" = 3000 ]' 30 ||
    cw_fail "stage 3: no casualties/troops"

# figures: every key with its current figure, aligned, and as JSON Lines.
$CW figures $CONF >"$CW_TMP/figures.txt"
cat "$CW_TMP/figures.txt"
head -1 "$CW_TMP/figures.txt" | grep -q '^KEY  *VALUE  *QUALIFIER  *PUBLISHED' ||
    cw_fail "figures has no header"
grep -q '^north-korea/deployed/people  *14000  *exact  *2025-04-27  *1 ' \
    "$CW_TMP/figures.txt" || cw_fail "figures lacks deployed/troops 14000"
grep -q '^north-korea/killed/people  *250  *approx  *2025-01-05' \
    "$CW_TMP/figures.txt" || cw_fail "figures lacks killed/troops 250"
# Newest change first: the last line changed no later than the first.
$CW figures $CONF --json >"$CW_TMP/figures.json"
jq -s -e 'length >= 5 and (map(.last_change) | . == (sort | reverse))' \
    "$CW_TMP/figures.json" >/dev/null || cw_fail "figures --json order"
[ "$($CW figures 'north-korea/de*' $CONF --json | wc -l)" -eq 1 ] ||
    cw_fail "figures GLOB did not filter"

# history: every distinct figure in published order, the current marked.
$CW history north-korea/deployed/people $CONF >"$CW_TMP/hist.txt"
cat "$CW_TMP/hist.txt"
grep -q '^ *2024-10-14  *1500  *exact  *reported  *kabar-dunia.example' \
    "$CW_TMP/hist.txt" || cw_fail "history lacks the October 1500"
grep -q '^\* *2025-04-27  *14000 .*https://kabar-dunia.example/pyongyang-akui' \
    "$CW_TMP/hist.txt" || cw_fail "history does not mark 14000 current"
# (The sub-count "termasuk 3.000 pasukan tambahan" is history only.)
$CW history north-korea/deployed/people $CONF --json | jq -s -e '
    (map(select(.status != "history_only")) | map(.value)) == [1500, 14000]
    and (map(select(.current)) | map(.value)) == [14000]' \
    >/dev/null || cw_fail "history --json"
$CW history no/such/key $CONF 2>"$CW_TMP/err" && cw_fail "unknown key: 0"
grep -q 'no such key' "$CW_TMP/err" || cw_fail "unknown key message"

# feeds: each feed's state.
$CW feeds $CONF >"$CW_TMP/feeds.out"
cat "$CW_TMP/feeds.out"
[ "$(grep -c "^$HTTP_URL/.* \(200\|304\) " "$CW_TMP/feeds.out")" -eq 4 ] ||
    cw_fail "feeds does not list 4 feeds with status 200 or 304"
$CW feeds $CONF --json | jq -s -e \
    'length == 4 and all((.status == 200 or .status == 304) and
     .errors == 0 and .last_poll and .next_due) and
     (map(select(.url | endswith("kabar-dunia.xml")))[0].items_seen == 5) and
     (map(select(.url | endswith("world-desk.atom")))[0].title ==
      "World Desk (claimwatch sample feed)")' \
    >/dev/null || cw_fail "feeds --json"

# The story label the daemon stored with each figure shows instead of the
# key; one set by hand (any string) is escaped on the page.
$CW figures north-korea/deployed/people $CONF |
    grep -Eq ' (North Korea|Korea Utara)$' ||
    cw_fail "figures does not show the story label"
cw_redis HSET "{cw:k:north-korea/killed/people}:cur" story_label \
    'Kursk <front>' >/dev/null
$CW figures north-korea/killed/people $CONF | grep -q ' Kursk <front>$' ||
    cw_fail "figures does not show the changed story label"

# poll: one feed of the list, now, into a Redis prefix no daemon polls.
CW_STATE=$CW_TMP/state3 cw_config "$CW_TMP/poll.conf" "[redis]" \
    "prefix = pl:" "channel = pl:alerts"
$CW poll "$HTTP_URL/world-desk.atom" -c "$CW_TMP/poll.conf" \
    >"$CW_TMP/poll.out" 2>&1 || cw_fail "poll: $(cat "$CW_TMP/poll.out")"
$CW feeds -c "$CW_TMP/poll.conf" --json | jq -s -e 'length == 1 and
    (.[0].url | endswith("world-desk.atom")) and .[0].status == 200' \
    >/dev/null || cw_fail "poll did not poll exactly that feed"
$CW figures -c "$CW_TMP/poll.conf" --json | jq -s -e 'length >= 2 and
    all(.current.url | startswith("https://world-desk.example/"))' \
    >/dev/null || cw_fail "poll stored other feeds' figures"
$CW poll "$HTTP_URL/not-listed.xml" -c "$CW_TMP/poll.conf" \
    2>"$CW_TMP/poll.err" && cw_fail "poll of an unlisted feed succeeded"
grep -q 'not in the feed list' "$CW_TMP/poll.err" ||
    cw_fail "poll of an unlisted feed: $(cat "$CW_TMP/poll.err")"

# The page in headless Chromium.
dom() {
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
	    --user-data-dir="$CW_TMP/chrome" --dump-dom "$1" 2>/dev/null
}
dom "$PAGE/" >"$CW_TMP/index.html"
grep -q 'href="/key/north-korea/deployed/people"' "$CW_TMP/index.html" ||
    cw_fail "/ lacks the deployed/troops link"
grep -q '<td class="n fig">14000</td>' "$CW_TMP/index.html" ||
    cw_fail "/ lacks 14000"
grep -q '<td>Kursk &lt;front&gt;</td>' "$CW_TMP/index.html" ||
    cw_fail "/ does not show the story label"
grep -q '<td>North Korea</td>' "$CW_TMP/index.html" ||
    cw_fail "/ does not show the story North Korea"
grep -q '<td class="n fig">about 250</td>' "$CW_TMP/index.html" ||
    cw_fail "/ lacks about 250"
grep -q '<td class="n fig">at least 3000</td>' "$CW_TMP/index.html" ||
    cw_fail "/ lacks at least 3000"

dom "$PAGE/key/north-korea/killed/people" >"$CW_TMP/killed.html"
grep -q '<svg class="chart"' "$CW_TMP/killed.html" || cw_fail "no chart"
grep -q 'data-value="100"' "$CW_TMP/killed.html" &&
    grep -q 'data-value="250"' "$CW_TMP/killed.html" ||
    cw_fail "chart lacks the points 100 and 250"
grep -q '<a class="src" href="https://kabar-dunia.example/tewas-kursk">' \
    "$CW_TMP/killed.html" || cw_fail "the 100 does not link its source"
grep -q 'href="https://evil.example/kursk?a=1&amp;b=%222%22"\|href="https://evil.example/kursk?a=1&amp;b=&quot;2&quot;"' \
    "$CW_TMP/killed.html" || cw_fail "the 250 does not link its source"
# The hostile title is text: escaped in the DOM, and no script element.
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$CW_TMP/killed.html" ||
    cw_fail "the hostile title is not shown as text"
grep -qi '<script' "$CW_TMP/killed.html" "$CW_TMP/index.html" &&
    cw_fail "a script element reached the page"
dom "$PAGE/key/north-korea/captured/people" >"$CW_TMP/captured.html"
grep -q 'data-value="40"' "$CW_TMP/captured.html" || cw_fail "no 40"
grep -qi 'href="javascript:' "$CW_TMP/captured.html" &&
    cw_fail "a javascript: URL became a link"

# The chart renders: the step line's colour is on screen.
(cd "$CW_TMP" && timeout 120 chromium --headless --no-sandbox --disable-gpu \
    --user-data-dir="$CW_TMP/chrome" --window-size=1000,800 \
    --screenshot="$CW_TMP/chart.png" "$PAGE/key/north-korea/killed/people" \
    >/dev/null 2>&1) || cw_fail "chromium --screenshot failed"
set -- $(python3 "$CW_ROOT/tests/tools/pngcount.py" "$CW_TMP/chart.png")
echo "screenshot ${1}x$2: $3 non-white pixels, $4 of the step line's colour"
[ "$3" -gt 5000 ] || cw_fail "the page renders blank ($3 non-white pixels)"
[ "$4" -gt 300 ] || cw_fail "the chart's line is not drawn ($4 pixels)"

# The API.
curl -fsS "$PAGE/api/figures" | jq -e 'length >= 5 and
    (map(select(.key == "north-korea/deployed/people"))[0].current.value
     == 14000)' >/dev/null || cw_fail "/api/figures"
curl -fsS "$PAGE/api/history?key=north-korea/killed/people" | jq -e '
    .key == "north-korea/killed/people" and (.figures | map(.value)) ==
    [100, 250] and .figures[1].title == "<script>alert(1)</script>"' \
    >/dev/null || cw_fail "/api/history"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$PAGE/key/no/such")" = 404 ] ||
    cw_fail "/key/no/such is not 404"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$PAGE/api/history")" = 400 ] ||
    cw_fail "/api/history without key is not 400"
curl -sI "$PAGE/" | grep -qi "^Content-Security-Policy: default-src 'none'" ||
    cw_fail "no Content-Security-Policy"

# mute: the key's figure still moves, but it does not alert.
$CW mute north-korea/casualties/people --who alice $CONF | grep -q done ||
    cw_fail "mute"
rss "$WWW/late.xml" \
    "Seoul update|https://late.example/casualties|Thu, 01 May 2025 10:00:00 +0000|More than 5,000 North Korean troops killed or wounded." \
    "Deployment|https://late.example/deployed|Fri, 02 May 2025 10:00:00 +0000|North Korea has deployed 15,000 troops to Russia."
cw_wait_for '[ "$(cur_value north-korea/deployed/people)" = 15000 ]' 30 ||
    cw_fail "stage 4: deployed/troops did not change"
[ "$(cur_value north-korea/casualties/people)" = 5000 ] ||
    cw_fail "a muted key's figure must still be stored"
alerts_for north-korea/casualties/people | jq -e -s \
    'map(.current.value) == [100, 3000]' >/dev/null ||
    cw_fail "a muted key alerted: $(alerts_for north-korea/casualties/people)"
$CW figures north-korea/casualties/people $CONF | grep -q ' muted ' ||
    cw_fail "figures does not show muted"
$CW unmute north-korea/casualties/people --who alice $CONF >/dev/null
$CW figures north-korea/casualties/people $CONF --json |
    jq -e '.muted == false' >/dev/null || cw_fail "unmute"

# reject: the evil host's 250 stops counting; 100 is current again.
$CW reject EVIL.example --who bob $CONF | tee "$CW_TMP/reject.out"
grep -q 'reject: [1-9]' "$CW_TMP/reject.out" || cw_fail "reject hit nothing"
[ "$(cur_value north-korea/killed/people)" = 100 ] ||
    cw_fail "reject did not recompute: $(cur_value north-korea/killed/people)"
$CW history north-korea/killed/people $CONF >"$CW_TMP/hist2.txt"
cat "$CW_TMP/hist2.txt"
grep -q '^\* *2024-12-19  *100 ' "$CW_TMP/hist2.txt" ||
    cw_fail "100 is not marked current after reject"
grep -q '250  *approx  *rejected  *evil.example' "$CW_TMP/hist2.txt" ||
    cw_fail "the rejected 250 is not shown as such"
grep -q 'bob  *reject  *evil.example' "$CW_TMP/hist2.txt" ||
    cw_fail "the reject is not in the log"
# A URL rejects only that item: the late 5000; 3000 is current again.
$CW reject https://late.example/casualties --who bob $CONF >/dev/null
[ "$(cur_value north-korea/casualties/people)" = 3000 ] ||
    cw_fail "reject URL: casualties is $(cur_value north-korea/casualties/people)"
[ "$(cur_value north-korea/deployed/people)" = 15000 ] ||
    cw_fail "reject URL touched another item of the host"
[ "$(cw_redis HEXISTS cw:rejected evil.example)" = 1 ] &&
    [ "$(cw_redis HEXISTS cw:rejected https://late.example/casualties)" = 1 ] ||
    cw_fail "the reject is not recorded"

# The daemon honours rejects from then on: a new item of the rejected
# host is taken in (seen) but its figure does not count.
cw_wait_for 'curl -fsS "$PAGE/metrics" | grep -q "^claimwatch_rejected_sources 2$"' 30 ||
    cw_fail "the daemon did not read the rejects"
rss "$WWW/evil.xml" \
    "Later|https://evil.example/later|Sun, 01 Jun 2025 10:00:00 +0000|Around 300 North Korean troops killed in Kursk."
evil_seen() {
	$CW feeds $CONF --json | jq -r 'select(.url | endswith("evil.xml")) |
	    .items_seen'
}
cw_wait_for '[ "$(evil_seen)" = 3 ]' 30 ||
    cw_fail "the evil feed's new item was not taken in: $(evil_seen)"
[ "$(cur_value north-korea/killed/people)" = 100 ] ||
    cw_fail "a rejected host's new figure counted"
alerts_for north-korea/killed/people | grep -q '"value":300' &&
    cw_fail "a rejected host's new figure alerted"

# set: the editor's figure, one "corrected" alert on channel and stream.
before=$(xlen)
$CW set north-korea/enlisted/people 1200000 --note 'ministry <figure>' \
    --who carol $CONF | grep -q done || cw_fail "set"
[ "$(cur_value north-korea/enlisted/people)" = 1200000 ] || cw_fail "set value"
[ "$(xlen)" -eq $((before + 1)) ] || cw_fail "set did not XADD one alert"
alerts_for north-korea/enlisted/people | jq -s -e '
    map(select(.type == "corrected")) | length == 1 and
    .[0].previous.value == 1000000 and .[0].current.value == 1200000 and
    .[0].current.text == "ministry <figure>" and
    (.[0].story.label | IN("North Korea", "Korea Utara"))' >/dev/null ||
    cw_fail "the corrected alert: $(alerts_for north-korea/enlisted/people)"
alerts_for north-korea/enlisted/people | grep '"corrected"' |
    python3 -c 'import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
for line in sys.stdin:
    jsonschema.validate(json.loads(line), schema)' \
    "$CW_ROOT/tests/data/alert/alert-v2.schema.json" ||
    cw_fail "the corrected alert breaks alert-v2.schema.json"
cw_wait_for '[ "$(grep -c "\"type\":\"corrected\"" "$CW_TMP/sub.raw")" -ge 1 ]' 10 ||
    cw_fail "no corrected alert on the channel"
sleep 1
[ "$(grep -c '"type":"corrected"' "$CW_TMP/sub.raw")" -eq 1 ] ||
    cw_fail "more than one corrected alert on the channel"
$CW history north-korea/enlisted/people $CONF >"$CW_TMP/hist3.txt"
cat "$CW_TMP/hist3.txt"
grep -q '^\* .* 1200000  *exact  *correction  *carol' "$CW_TMP/hist3.txt" ||
    cw_fail "history does not show the correction as current"
grep -q 'carol  *set  *ministry <figure>' "$CW_TMP/hist3.txt" ||
    cw_fail "history's log lacks the set"
curl -fsS "$PAGE/key/north-korea/enlisted/people" >"$CW_TMP/enlisted.html"
grep -q 'ministry &lt;figure&gt;' "$CW_TMP/enlisted.html" ||
    cw_fail "the note is not escaped"

# A token guards everything but /healthz.
CW_STATE=$CW_TMP/state2 cw_config "$CW_TMP/token.conf" "[http]" \
    "token = s3cret"
"$CW_BUILD/claimwatchd" -d -c "$CW_TMP/token.conf" >"$CW_TMP/d2.log" 2>&1 &
D2PID=$!
CW_PIDS="$CW_PIDS $D2PID"
cw_wait_for 'grep -q "port=[0-9]" "$CW_TMP/d2.log"' 20 ||
    cw_fail "token daemon did not listen: $(cat "$CW_TMP/d2.log")"
P2=$(sed -n 's/.*http listen=.* port=\([0-9]*\).*/\1/p' "$CW_TMP/d2.log")
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
[ "$(code "http://127.0.0.1:$P2/")" = 401 ] || cw_fail "no token: not 401"
[ "$(code -H 'Authorization: Bearer wrong' "http://127.0.0.1:$P2/")" = 401 ] ||
    cw_fail "wrong token: not 401"
[ "$(code -H 'Authorization: Bearer s3cret' "http://127.0.0.1:$P2/")" = 200 ] ||
    cw_fail "right token: not 200"
[ "$(code "http://127.0.0.1:$P2/metrics")" = 401 ] || cw_fail "metrics open"
[ "$(code "http://127.0.0.1:$P2/healthz")" = 200 ] || cw_fail "healthz closed"

# Redis away: the page answers 503 (and the daemon keeps running).
cw_stop_pid "$REDIS_PID"
[ "$(code -H 'Authorization: Bearer s3cret' "http://127.0.0.1:$P2/")" = 503 ] ||
    cw_fail "Redis away: the page is not 503"
[ "$(code -H 'Authorization: Bearer s3cret' \
    "http://127.0.0.1:$P2/api/history?key=a/b/c")" = 503 ] ||
    cw_fail "Redis away: the API is not 503"
kill -TERM "$D2PID"
rc=0
wait "$D2PID" || rc=$?
[ "$rc" -eq 0 ] || { tail -30 "$CW_TMP/d2.log"; cw_fail "daemon 2 exit $rc"; }

# A page request in flight at shutdown, then a clean stop (the sanitizer
# build reports leaks and errors at exit).
curl -s -o /dev/null "$PAGE/" &
kill -TERM "$DPID"
rc=0
wait "$DPID" || rc=$?
[ "$rc" -eq 0 ] || { tail -30 "$CW_TMP/daemon.log"; cw_fail "daemon exit $rc"; }
grep -q 'ERROR\|error:\|Sanitizer' "$CW_TMP/daemon.log" &&
    { grep 'ERROR\|error:\|Sanitizer' "$CW_TMP/daemon.log"; cw_fail "daemon errors"; }
echo "lookback ok"
