#!/bin/sh
# Language tags through the running daemon (issue 11): a real redis-server,
# the loopback test HTTP server and claimwatchd --once per feed.  Feeds
# declaring BCP 47 tags ("en-us", "id-ID", the old "in") give the same
# alerts as feeds declaring "en" and "id"; a feed with no language tag and
# a one-line headline is detected; a feed declaring "en" that carries an
# Indonesian item gives that item's claims; a feed list's lang=en-US is
# accepted; a tag with no lexicon is logged once per feed, not per poll,
# and its items are still detected.
. "$(dirname "$0")/lib.sh"

WWW=$CW_TMP/www
mkdir -p "$WWW"
cw_start_redis
cw_start_httpd "$WWW"

# item ID TITLE [DESCRIPTION]
item() {
	printf '<item><title>%s</title><link>http://news.example.test/%s</link>' \
	    "$2" "$1"
	printf '<guid>http://news.example.test/%s</guid>' "$1"
	printf '<pubDate>Mon, 02 Dec 2024 08:00:00 +0000</pubDate>'
	[ -n "${3:-}" ] && printf '<description>%s</description>' "$3"
	printf '</item>\n'
}
# feed FILE LANGUAGE (empty: none), items on stdin
feed() {
	{
		printf '<?xml version="1.0" encoding="UTF-8"?>\n'
		printf '<rss version="2.0"><channel><title>Lang test</title>\n'
		printf '<link>http://news.example.test/</link>\n'
		printf '<description>Written for test_lang.sh.</description>\n'
		[ -n "$2" ] && printf '<language>%s</language>\n' "$2"
		cat
		printf '</channel></rss>\n'
	} >"$WWW/$1"
}
en_items() {
	item en1 "Floods kill 21 in Demak" \
	    "Floods in Central Java have killed 21 people, officials said on Monday."
	item en2 "Russia sends more troops" \
	    "Russia has sent 5,000 troops to the border, the ministry said."
}
id_items() {
	item id1 "Gempa Cianjur: 162 orang tewas"
	item id2 "Banjir bandang terjang Garut" \
	    "Banjir bandang di Garut membuat 12 warga hilang."
}

en_items | feed en.xml en
en_items | feed en-us.xml en-us
en_items | feed en-GB.xml EN_GB
id_items | feed id.xml id
id_items | feed id-ID.xml id-ID
id_items | feed in.xml in
id_items | feed none.xml ""
id_items | feed fr.xml fr-FR
# A feed declaring English carrying one Indonesian item among English.
{ en_items; item id1 "Gempa Cianjur: 162 orang tewas"; } | feed mixed.xml en
item kor "Sejuta pemuda Korut mendaftar jadi tentara" | feed kor.xml ""

# once NAME FEED [OPTIONS]: polls one feed once into its own prefix and
# prints the alerts without the fields that name the feed or the time.
once() {
	d=$CW_TMP/run-$1
	mkdir -p "$d"
	echo "$HTTP_URL/$2 ${3:-}" >"$d/feeds.txt"
	CW_STATE=$d/state cw_config "$d/claimwatch.conf" "[redis]" \
	    "prefix = $1:" "channel = $1:alerts" "stream = $1:alerts"
	"$CW_BUILD/claimwatchd" -d --once -c "$d/claimwatch.conf" \
	    --log-level info >"$d/log" 2>&1 ||
	    { cat "$d/log"; cw_fail "claimwatchd --once failed for $1"; }
	cw_redis --raw XRANGE "$1:alerts" - + | grep '^{' |
	    jq -c 'del(.feed, .detected_at)' | sort >"$d/alerts"
	n=$(wc -l <"$d/alerts")
	[ "$n" -gt 0 ] || { cat "$d/log"; cw_fail "$1: no alerts"; }
	echo "$1: $n alerts"
}
same() {
	cmp -s "$CW_TMP/run-$1/alerts" "$CW_TMP/run-$2/alerts" || {
		diff "$CW_TMP/run-$1/alerts" "$CW_TMP/run-$2/alerts" >&2 || true
		cw_fail "$2 gives other alerts than $1"
	}
}

once en en.xml
once enus en-us.xml
once engb en-GB.xml
once listed en.xml lang=en-US
once id id.xml
once idid id-ID.xml
once in in.xml
once none none.xml
once fr fr.xml
same en enus
same en engb
same en listed
same id idid
same id in
same id none
same id fr
jq -e -s 'length >= 2 and all(.current.lang == "en") and
    (map(.current.value) | unique == [21, 5000])' \
    "$CW_TMP/run-en/alerts" >/dev/null || cw_fail "English alerts wrong"
jq -e -s 'length >= 2 and all(.current.lang == "id") and
    (map(.current.value) | unique == [12, 162])' \
    "$CW_TMP/run-id/alerts" >/dev/null || cw_fail "Indonesian alerts wrong"
grep -q "language 'fr-FR' has no lexicon" "$CW_TMP/run-fr/log" ||
    cw_fail "no log line for fr-FR"
grep "no lexicon" "$CW_TMP/run-fr/log" | grep -q "feed=$HTTP_URL/fr.xml" ||
    cw_fail "the no-lexicon line does not name the feed"
grep -q "no lexicon" "$CW_TMP/run-in/log" && cw_fail "'in' logged as unknown"

# The item in the other language is extracted in its own.
once mixed mixed.xml
jq -e -s '(map(select(.current.lang == "id")) | length >= 1 and
    all(.current.value == 162)) and
    (map(select(.current.lang == "en")) | length >= 2)' \
    "$CW_TMP/run-mixed/alerts" >/dev/null ||
    cw_fail "the Indonesian item of an English feed gave no claim"
# A one-line headline with no tag anywhere.
once kor kor.xml
jq -e -s 'length == 1 and (.[0].key | startswith("north-korea/")) and
    .[0].current.value == 1000000 and .[0].current.lang == "id"' \
    "$CW_TMP/run-kor/alerts" >/dev/null ||
    cw_fail "headline not detected"

# Once per feed, not per poll: a running daemon polls fr.xml many times.
d=$CW_TMP/run-poll
mkdir -p "$d"
echo "$HTTP_URL/fr.xml" >"$d/feeds.txt"
CW_STATE=$d/state cw_config "$d/claimwatch.conf" "[redis]" "prefix = poll:"
# The log exists before the daemon's shell opens it, for polls() below.
: >"$d/log"
"$CW_BUILD/claimwatchd" -d -c "$d/claimwatch.conf" --log-level info \
    >>"$d/log" 2>&1 &
DAEMON_PID=$!
CW_PIDS="$CW_PIDS $DAEMON_PID"
polls() { n=$(grep -c "feed=$HTTP_URL/fr.xml status=" "$d/log" || true); echo "${n:-0}"; }
# New content each time, so that every poll extracts again.
i=0
while [ "$(polls)" -lt 4 ] && [ $i -lt 200 ]; do
	i=$((i + 1))
	{ id_items; item "n$i" "Gempa susulan: $i rumah rusak"; } |
	    feed fr.xml fr-FR
	sleep 0.2
done
[ "$(polls)" -ge 4 ] || { cat "$d/log"; cw_fail "daemon did not poll"; }
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID" || cw_fail "claimwatchd exited $? on SIGTERM"
n=$(grep -c "no lexicon" "$d/log" || true)
[ "$n" -eq 1 ] || cw_fail "no-lexicon line logged $n times in $(polls) polls"
echo "lang ok: en-us/EN_GB/lang=en-US = en, id-ID/in/none/fr-FR = id, mixed and headline detected, unknown logged once"
