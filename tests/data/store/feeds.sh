# Feed fixtures for the store's integration tests (sourced by
# tests/integration/test_{redis_fault,multi,tail}.sh after lib.sh).  Feed k
# (1..12) reports on one claim key of its own, so every item is one alert:
# item 1 "new", each later item a figure ten times larger, "changed".  The
# sentences are written for these tests.

# The claim key of feed k, and the counted phrase its items use.
cw_feed_key() {
	e=$(( ($1 - 1) / 4 )); v=$(( ($1 - 1) % 4 ))
	set -- north-korea russia ukraine; shift "$e"; ent=$1
	set -- killed/people wounded/people missing/people evacuated/people
	shift "$v"; echo "$ent/$1"
}
cw_feed_phrase() {
	e=$(( ($1 - 1) / 4 )); v=$(( ($1 - 1) % 4 ))
	set -- "Korea Utara" Rusia Ukraina; shift "$e"; ent=$1
	case $v in
	0) echo "tentara $ent tewas" ;;
	1) echo "tentara $ent terluka" ;;
	2) echo "tentara $ent hilang" ;;
	*) echo "warga $ent mengungsi" ;;
	esac
}
# The figure of item i as written (Indonesian digit groups) and as a number.
cw_feed_text() {
	n=$1
	set -- 12 150 1.800 21.000 250.000 3.100.000
	shift $((n - 1))
	echo "$1"
}
cw_feed_value() { cw_feed_text "$1" | tr -d .; }

# cw_feed DIR K N: writes DIR/fK.xml with items 1..N, newest first.
cw_feed() {
	f=$1/f$2.xml
	{
	echo '<?xml version="1.0" encoding="UTF-8"?>'
	echo '<rss version="2.0"><channel>'
	echo "<title>Kabar uji</title><link>http://news.example.test/f$2/</link>"
	echo '<description>Feed for claimwatch store tests.</description>'
	echo '<language>id</language>'
	i=$3
	while [ "$i" -ge 1 ]; do
		echo "<item><title>Kabar terbaru dari garis depan</title>"
		echo "<link>http://news.example.test/f$2/$i</link>"
		echo "<guid>http://news.example.test/f$2/$i</guid>"
		echo "<pubDate>$(date -u -d "2025-01-01 +$i days" '+%a, %d %b %Y 08:00:00 +0000')</pubDate>"
		echo "<description>Pada laporan hari ini, sebanyak $(cw_feed_text "$i") $(cw_feed_phrase "$2") menurut pejabat setempat.</description></item>"
		i=$((i - 1))
	done
	echo '</channel></rss>'
	} >"$f.tmp"
	mv "$f.tmp" "$f"
}

# cw_feed_expect NFEEDS N: the "key value" lines all alerts must make up.
cw_feed_expect() {
	k=1
	while [ "$k" -le "$1" ]; do
		i=1
		while [ "$i" -le "$2" ]; do
			echo "$(cw_feed_key "$k") $(cw_feed_value "$i")"
			i=$((i + 1))
		done
		k=$((k + 1))
	done | sort
}

# cw_alerts FILE...: "key value" of every alert JSON line in FILEs,
# sorted (duplicates kept); fails when a line breaks the alert schema.
cw_alerts() {
	cat "$@" | grep '^{' | jq -e -c -f "$CW_ROOT/tests/data/store/alert_schema.jq" \
	    >/dev/null || cw_fail "an alert breaks the schema: $(cat "$@" | grep '^{' | head -3)"
	cw_schema_check "$@"
	cat "$@" | grep '^{' | jq -r '"\(.key) \(.current.value)"' | sort
}

# cw_feeds_grow DIR NF N: feeds 1..NF in DIR, each with items 1..N.
cw_feeds_grow() {
	k=1
	while [ "$k" -le "$2" ]; do
		cw_feed "$1" "$k" "$3"
		k=$((k + 1))
	done
}

# cw_feeds_list URL NF: $CW_TMP/feeds.txt naming URL/f1.xml .. fNF.xml.
cw_feeds_list() {
	: >"$CW_TMP/feeds.txt"
	k=1
	while [ "$k" -le "$2" ]; do
		echo "$1/f$k.xml" >>"$CW_TMP/feeds.txt"
		k=$((k + 1))
	done
}
