#!/bin/sh
# KNF style check (the tree's style is tmux's and OpenBSD's style(9); no
# formatter writes it, so this checks what can be checked by line):
#   - indentation is tabs, then at most 7 spaces (continuations, comment
#     alignment); never a space before a tab;
#   - lines of at most 80 columns, a tab counting to the next multiple of
#     8 and a UTF-8 character as one;
#   - no trailing white space;
#   - a function definition has its return type on the line before its
#     name and its opening brace alone in column 0;
#   - no // comments;
#   - each daemon/*.c opens with a comment (why the file exists).
# Usage: sh tests/tools/style.sh [-a ALLOWLIST] [FILE...]; FILE defaults
# to the daemon, its headers, the unit tests and the test tools.  Prints
# FILE:LINE: why for each offence and exits 1 when there is one.  The
# allowlist (tests/data/style-allow.txt) holds lines "FILE N": FILE may
# have up to N lines over 80 columns (files that others are rewriting);
# every other rule holds everywhere.
set -u
allow=tests/data/style-allow.txt
while getopts a: opt; do
	case $opt in
	a) allow=$OPTARG ;;
	*) echo "usage: style.sh [-a ALLOWLIST] [FILE...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ -r "$allow" ] || { echo "style: $allow: no such allowlist" >&2; exit 2; }
[ $# -gt 0 ] || set -- daemon/*.c daemon/*.h include/*.h tests/unit/*.c \
    tests/unit/*.h tests/tools/*.c tests/fuzz/*.c tests/bench/*.c
LC_ALL=C awk -v allow="$allow" '
BEGIN {
	while ((getline line < allow) > 0) {
		if (line ~ /^[ \t]*(#|$)/)
			continue
		split(line, fld, /[ \t]+/)
		longok[fld[1]] = fld[2]
	}
}
function bad(why) {
	printf "%s:%d: %s\n", FILENAME, FNR, why
	nbad++
}
# The width of s in columns: tabs to the next multiple of 8, UTF-8
# continuation bytes take none.
function width(s,    i, c, w) {
	w = 0
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c == "\t")
			w += 8 - w % 8
		else if (c < "\200" || c >= "\300")
			w++
	}
	return w
}
# s without string and character literals and comments; incomment
# carries a /* comment from one line to the next.
function code(s,    out, i, c, q) {
	out = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (incomment) {
			if (c == "*" && substr(s, i + 1, 1) == "/") {
				incomment = 0
				i++
			}
			continue
		}
		if (c == "/" && substr(s, i + 1, 1) == "*") {
			incomment = 1
			i++
			out = out " "
			continue
		}
		if (c == "\"" || c == "\047") {
			q = c
			for (i++; i <= length(s); i++) {
				c = substr(s, i, 1)
				if (c == "\\")
					i++
				else if (c == q)
					break
			}
			out = out q q
			continue
		}
		out = out c
	}
	return out
}
FNR == 1 {
	read[FILENAME] = 1
	incomment = 0
	prev = ""
	inbody = 0
	if (FILENAME ~ /(^|\/)daemon\/[^\/]*\.c$/ && $0 != "/*")
		bad("does not open with a comment saying why the file exists")
}
{
	line = $0
	if (line ~ /[ \t]$/)
		bad("trailing white space")
	if (match(line, /^[ \t]*/) && RLENGTH > 0) {
		lead = substr(line, 1, RLENGTH)
		if (lead ~ / \t/)
			bad("space before a tab in the indentation")
		else if (lead ~ /        /)
			bad("8 spaces where a tab belongs")
	}
	if ((w = width(line)) > 80) {
		longmsg[FILENAME] = longmsg[FILENAME] sprintf("%s:%d: longer " \
		    "than 80 columns (%d)\n", FILENAME, FNR, w)
		nlong[FILENAME]++
	}
	c = code(line)
	if (index(c, "//") > 0)
		bad("// comment: use /* */")
	# A definition: a name in column 0 with "(" and, later, "{" in
	# column 0.  Its name line must start with the name.
	if (line ~ /^\{/)
		inbody = 1
	else if (line ~ /^\}/)
		inbody = 0
	if (!inbody && c !~ /^(struct|union|enum|typedef)[ \t]/ &&
	    c !~ /=/ && c ~ /\)[ \t]*\{[ \t]*$/)
		bad("function body brace on the name line: put it alone " \
		    "in column 0")
	if (line ~ /^\{/ && defn != "" && defn !~ /^[A-Za-z_][A-Za-z0-9_]*\(/) {
		printf "%s:%d: %s\n", FILENAME, defline, "return type on " \
		    "the name line of a definition: put it on the line before"
		nbad++
	}
	if (c ~ /^[A-Za-z_]/ && c ~ /\(/) {
		defn = c
		defline = FNR
	} else if (c ~ /^[{};#]/ || c ~ /^$/ && line ~ /^$/)
		defn = ""
}
END {
	for (f in nlong) {
		if (nlong[f] > longok[f] + 0) {
			printf "%s", longmsg[f]
			if (f in longok)
				printf "%s: %d lines over 80 columns, %d " \
				    "allowed\n", f, nlong[f], longok[f]
			nbad += nlong[f]
		} else if (nlong[f] < longok[f] + 0)
			printf "style: %s has %d lines over 80 columns now: " \
			    "lower its allowlist entry (%d)\n", f, nlong[f],
			    longok[f]
	}
	for (f in longok)
		if ((f in read) && !(f in nlong))
			printf "style: %s has no line over 80 columns now: " \
			    "drop it from the allowlist\n", f
	if (nbad > 0) {
		printf "style: %d offence(s)\n", nbad
		exit 1
	}
	print "style: ok"
}' "$@"
