#!/bin/sh
# Score `claimwatch extract` on the project's own annotated passages
# (tests/data/extract/own.jsonl, same schema and annotation rules as
# ../shared/eval/dev.jsonl) with the shared scorer, the way
# ../shared/eval/run.sh scores the dev set.
#   sh tests/tools/own_eval.sh [CLAIMWATCH_BINARY] [--lang id|en] [--verbose]
# SCORER= names score.py (default ../shared/eval/score.py beside the checkout).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=build/claimwatch
case ${1:-} in ""|--*) ;; *) BIN=$1; shift ;; esac
ONLY=
if [ "${1:-}" = --lang ]; then ONLY=$2; shift 2; fi
LEX=${LEXICON-$ROOT/config/lexicon}
CASES=${CASES-$ROOT/tests/data/extract/own.jsonl}
SCORER=${SCORER-$ROOT/../shared/eval/score.py}
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"' EXIT INT TERM
python3 - "$CASES" "$BIN" "$LEX" "$TMPD" "$ONLY" <<'PY'
import json, subprocess, sys
cases, binary, lex, tmp, only = sys.argv[1:6]
with open(tmp + "/cases.jsonl", "w") as cf, open(tmp + "/pred.jsonl", "w") as f:
    for line in open(cases, encoding="utf-8"):
        c = json.loads(line)
        if only and c["lang"] != only:
            continue
        cf.write(line)
        args = [binary, "extract", "--lang", c["lang"]]
        if lex:
            args += ["--lexicon", lex]
        r = subprocess.run(args, input=c["text"].encode(), capture_output=True,
                           timeout=20)
        for l in r.stdout.decode("utf-8", "replace").splitlines():
            if l.startswith("{"):
                d = json.loads(l)
                d["id"] = c["id"]
                f.write(json.dumps(d) + "\n")
PY
python3 "$SCORER" --cases "$TMPD/cases.jsonl" "$TMPD/pred.jsonl" "$@"
