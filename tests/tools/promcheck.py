#!/usr/bin/env python3
"""Checks that stdin is valid Prometheus text exposition (format 0.0.4) and
prints the samples as "name{labels} value" lines.  Exits 1 naming the first
bad line.  Standard library only."""
import re
import sys

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(r"^(%s)(\{(?:%s(?:,%s)*)?,?\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)( -?[0-9]+)?$"
                    % (NAME, LABEL, LABEL))
HELP = re.compile(r"^# HELP (%s) .*$" % NAME)
TYPE = re.compile(r"^# TYPE (%s) (counter|gauge|histogram|summary|untyped)$" % NAME)

def main():
    text = sys.stdin.read()
    if not text.endswith("\n"):
        print("exposition does not end with a newline", file=sys.stderr)
        return 1
    types = {}
    for n, line in enumerate(text.split("\n")[:-1], 1):
        if line.startswith("# HELP"):
            if not HELP.match(line):
                print("line %d: bad HELP: %s" % (n, line), file=sys.stderr)
                return 1
            continue
        if line.startswith("# TYPE"):
            m = TYPE.match(line)
            if not m or m.group(1) in types:
                print("line %d: bad or repeated TYPE: %s" % (n, line), file=sys.stderr)
                return 1
            types[m.group(1)] = m.group(2)
            continue
        if line.startswith("#") or line == "":
            continue
        m = SAMPLE.match(line)
        if not m:
            print("line %d: bad sample: %s" % (n, line), file=sys.stderr)
            return 1
        base = re.sub(r"_(bucket|sum|count)$", "", m.group(1))
        if m.group(1) not in types and base not in types:
            print("line %d: sample without TYPE: %s" % (n, line), file=sys.stderr)
            return 1
        print(line)
    return 0

sys.exit(main())
