#!/bin/sh
# Function length check: STYLE.md wants functions of at most about 80
# lines; this fails on any function over FNLEN_MAX (100) lines that the
# allowlist does not name, and on a listed one that grew.  A function's
# length is its body, from the line of its opening brace (column 0, KNF)
# to its closing one.  Usage:
#   sh tests/tools/fnlen.sh [-l] [-a ALLOWLIST] [FILE...]
# FILE defaults to daemon/*.c, ALLOWLIST to tests/data/fnlen-allow.txt
# (lines "FILE FUNCTION LINES", '#' comments).  -l prints today's
# offenders in that format instead of checking.
set -u
allow=tests/data/fnlen-allow.txt
list=0
while getopts la: opt; do
	case $opt in
	l) list=1 ;;
	a) allow=$OPTARG ;;
	*) echo "usage: fnlen.sh [-l] [-a ALLOWLIST] [FILE...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- daemon/*.c
max=${FNLEN_MAX:-100}
[ "$list" -eq 1 ] || [ -r "$allow" ] || {
	echo "fnlen: $allow: no such allowlist" >&2
	exit 2
}
[ "$list" -eq 1 ] && allow=/dev/null
# The first awk lists "FILE FUNCTION LINES" for every function: a line
# starting in column 0 with an identifier and '(' names it (KNF puts the
# return type on the line before), a '{' in column 0 opens its body and a
# '}' in column 0 closes it.  The second compares with the allowlist.
awk '
FNR == 1 { name = ""; fn = "" }
/^[A-Za-z_]/ && /\(/ {
	s = $0
	sub(/\(.*/, "", s)
	n = split(s, w, /[ \t*]+/)
	name = w[n]
}
/^\{/ { if (name != "") { fn = name; start = FNR } }
/^\}/ {
	if (fn != "")
		print FILENAME, fn, FNR - start + 1
	fn = ""
	name = ""
}' "$@" | awk -v max="$max" -v list="$list" -v allow="$allow" '
BEGIN {
	while ((getline line < allow) > 0) {
		if (line ~ /^[ \t]*(#|$)/)
			continue
		split(line, f, /[ \t]+/)
		ok[f[1] " " f[2]] = f[3]
	}
	bad = 0
}
{
	key = $1 " " $2
	seen[key] = 1
	if ($3 <= max) {
		if (key in ok)
			printf "fnlen: %s %s is %d lines now: drop it from " \
			    "the allowlist\n", $1, $2, $3
		next
	}
	if (list) {
		print $1, $2, $3
		next
	}
	if (!(key in ok)) {
		printf "fnlen: FAIL %s: %s is %d lines (limit %d): split " \
		    "it\n", $1, $2, $3, max
		bad++
	} else if ($3 > ok[key] + 0) {
		printf "fnlen: FAIL %s: %s grew from %d to %d lines " \
		    "(limit %d): shorten it\n", $1, $2, ok[key], $3, max
		bad++
	} else if ($3 < ok[key] + 0)
		printf "fnlen: %s %s is %d lines now: lower its allowlist " \
		    "entry (%d)\n", $1, $2, $3, ok[key]
}
END {
	if (list)
		exit 0
	for (k in ok)
		if (!(k in seen))
			printf "fnlen: %s is gone: drop it from the " \
			    "allowlist\n", k
	if (bad > 0) {
		printf "fnlen: %d function(s) over %d lines\n", bad, max
		exit 1
	}
	n = 0
	for (k in ok)
		n++
	printf "fnlen: ok, no function over %d lines but the %d " \
	    "allowed\n", max, n
}'
