#!/usr/bin/env python3
"""Story replay driver for tests/integration/test_story_replay.sh.

  story_replay.py feeds DATA STAGE OUTDIR NOW
      writes every feed of DATA with its items of stages 1..STAGE, newest
      first, dated relative to NOW (UTC seconds), into OUTDIR
  story_replay.py names DATA
      prints the feed file names, one a line
  story_replay.py lint DATA CLAIMWATCH
      runs `CLAIMWATCH extract` on each item (as the daemon builds its
      text: title, blank line, body) and prints where the claims and keys
      it gets differ from the annotations: for writing replay data
  story_replay.py check DATA NOW MAX_AGE ALERTS
      derives the alerts the annotations call for and compares them with
      ALERTS (one JSON alert a line, as published); exit 1 on a mismatch

The expected alerts come from the "expect:" annotations alone, with the
daemon's documented rule (README "Stories and keys", "Alerts"): a key's
first headline figure is "new"; a later one that differs is "changed"; the
same value is a corroboration (no alert: corroborated alerts are off); a
figure published before the current one, a sub-count, an earlier or a
comparison figure, and an item older than max_age never alert.  Within a
stage the daemon may poll the feeds in any order, so the expectation is
computed for every order of the feeds; annotations whose outcome depends
on that order are refused as ambiguous rather than guessed.
"""
import itertools
import json
import sys
import time
from email.utils import formatdate
from xml.sax.saxutils import escape


def parse(path):
    feeds, items, cur = [], [], None
    stage = 0
    for n, raw in enumerate(open(path, encoding="utf-8"), 1):
        line = raw.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        where = "%s:%d" % (path, n)
        if word == "feed":
            name, fmt, lang = rest.split()
            feeds.append({"name": name, "fmt": fmt, "lang": lang})
        elif word == "stage":
            stage = int(rest)
        elif word == "item":
            f = rest.split()
            cur = {"feed": f[0], "id": f[1], "days": float(f[2]),
                   "updated": len(f) > 3 and f[3] == "updated",
                   "stage": stage, "where": where, "expect": None}
            items.append(cur)
        elif word in ("title:", "body:"):
            cur[word[:-1]] = rest
        elif word == "expect:":
            cur["expect"] = [] if rest.strip() == "-" else \
                [annotation(a, where) for a in rest.split()]
        else:
            sys.exit("%s: unknown line" % where)
    for it in items:
        if it["expect"] is None or "title" not in it or "body" not in it:
            sys.exit("%s: item needs title:, body: and expect:" % it["where"])
    return feeds, items


def annotation(text, where):
    key, _, rest = text.partition("=")
    value, _, role = rest.partition(":")
    if key.count("/") != 2 or role not in ("", "sub", "earlier", "cmp"):
        sys.exit("%s: bad annotation %s" % (where, text))
    return {"key": key, "value": float(value), "role": role or "headline"}


def ext(feed):
    return "atom" if feed["fmt"] == "atom" else "xml"


def write_rss(feed, items, now, out):
    lang = "" if feed["lang"] == "-" else \
        "<language>%s</language>\n" % feed["lang"]
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">'
              "<channel>\n<title>%s</title>\n<link>https://%s.example/</link>\n"
              "<description>Replay feed</description>\n%s"
              % (feed["name"], feed["name"], lang))
    for it in items:
        url = "https://%s.example/%s" % (feed["name"], it["id"])
        out.write("<item><title>%s</title><link>%s</link><guid>%s</guid>"
                  "<pubDate>%s</pubDate><description>%s</description></item>\n"
                  % (escape(it["title"]), url, url,
                     formatdate(now - it["days"] * 86400, usegmt=True),
                     escape(it["body"])))
    out.write("</channel></rss>\n")


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def write_atom(feed, items, now, out):
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns='
              '"http://www.w3.org/2005/Atom" xml:lang="%s">\n<title>%s</title>'
              "\n<id>urn:replay:%s</id>\n<updated>%s</updated>\n"
              % (feed["lang"], feed["name"], feed["name"], iso(now)))
    for it in items:
        url = "https://%s.example/%s" % (feed["name"], it["id"])
        date = iso(now - it["days"] * 86400)
        stamp = "<updated>%s</updated>" % date if it["updated"] else \
            "<published>%s</published><updated>%s</updated>" % (date, date)
        out.write('<entry><title>%s</title><id>%s</id><link href="%s"/>%s'
                  "<summary>%s</summary></entry>\n"
                  % (escape(it["title"]), url, url, stamp,
                     escape(it["body"])))
    out.write("</feed>\n")


def cmd_feeds(data, stage, outdir, now):
    feeds, items = parse(data)
    for f in feeds:
        mine = [i for i in items if i["feed"] == f["name"] and
                i["stage"] <= stage]
        mine.sort(key=lambda i: i["days"])      # newest first
        path = "%s/%s.%s" % (outdir, f["name"], ext(f))
        with open(path + ".tmp", "w", encoding="utf-8") as out:
            (write_atom if f["fmt"] == "atom" else write_rss)(f, mine, now,
                                                               out)
        import os
        os.replace(path + ".tmp", path)


def simulate(stages, order, now, max_age):
    """Alerts per key, [(type, previous, current)], for one feed order."""
    cur, out = {}, {}
    for stage in stages:
        for feed in order:
            mine = sorted((i for i in stage if i["feed"] == feed),
                          key=lambda i: -i["days"])     # oldest first
            for it in mine:
                pub = now - it["days"] * 86400
                seen = set()
                for a in it["expect"]:
                    if a["key"] in seen:
                        continue        # one headline per key per item
                    if a["role"] != "headline":
                        continue
                    seen.add(a["key"])
                    if max_age and pub < now - max_age:
                        continue        # archive: history only
                    c = cur.get(a["key"])
                    if c is None:
                        out.setdefault(a["key"], []).append(
                            ("new", None, a["value"]))
                        cur[a["key"]] = (a["value"], pub)
                    elif pub < c[1] or a["value"] == c[0]:
                        continue        # late report, or corroboration
                    else:
                        out.setdefault(a["key"], []).append(
                            ("changed", c[0], a["value"]))
                        cur[a["key"]] = (a["value"], pub)
    return out


def expected(data, now, max_age):
    feeds, items = parse(data)
    stages = [[i for i in items if i["stage"] == s]
              for s in sorted({i["stage"] for i in items})]
    names = [f["name"] for f in feeds]
    want = None
    for order in itertools.permutations(names):
        got = simulate(stages, order, now, max_age)
        if want is None:
            want = got
        elif got != want:
            sys.exit("%s: annotations are ambiguous: the alerts depend on "
                     "the order feeds are polled in a stage" % data)
    return want


def cmd_check(data, now, max_age, alerts):
    want = expected(data, now, max_age)
    got, bad = {}, []
    for line in open(alerts, encoding="utf-8"):
        if not line.startswith("{"):
            continue
        a = json.loads(line)
        prev = a["previous"]["value"] if a["previous"] else None
        got.setdefault(a["key"], []).append(
            (a["type"], prev, a["current"]["value"]))
        story = a.get("story") or {}
        if a.get("v") != 2 or not a["key"].startswith(
                str(story.get("id")) + "/") or not story.get("label"):
            bad.append("alert without its story: %s" % line.strip())
        if a["type"] != "corroborated" and a.get("sources") != 1:
            bad.append("current figure of a change has sources %s: %s"
                       % (a.get("sources"), line.strip()))
    norm = {k: [(t, p if p is None else float(p), float(c))
                for t, p, c in v] for k, v in got.items()}
    for key in sorted(set(want) | set(norm)):
        w, g = want.get(key, []), norm.get(key, [])
        if w != g:
            bad.append("%s:\n  want %s\n  got  %s" % (key, w, g))
    n = sum(len(v) for v in want.values())
    if bad:
        print("story replay: %d alerts expected over %d keys; mismatches:"
              % (n, len(want)))
        print("\n".join(bad))
        return 1
    print("story replay ok: %d alerts over %d keys, as annotated"
          % (n, len(want)))
    return 0


def cmd_lint(data, claimwatch):
    import subprocess
    feeds, items = parse(data)
    langs = {f["name"]: f["lang"] for f in feeds}
    bad = 0
    for it in items:
        lang = langs[it["feed"]].split("-")[0]
        if lang in ("", "-"):
            lang = "auto"
        text = it["title"] + ".\n\n" + it["body"]
        out = subprocess.run([claimwatch, "extract", "--lang", lang],
                             input=text.encode(), capture_output=True,
                             check=True).stdout.decode()
        got = []
        for line in out.splitlines():
            c = json.loads(line)
            if c.get("scope"):
                got.append("%s=%g" % (c["key"], c["value"]))
            else:
                # No story in the item: the registry may find one by the
                # item's names (story_reg), which lint cannot see.
                got.append("?/%s/%s=%g" % (c["key"].split("/")[1],
                           c["key"].split("/")[2], c["value"]))
        want = ["%s=%g" % (a["key"], a["value"]) for a in it["expect"]]
        # A place named without a kind joins the story registered for the
        # place ("demak" -> "demak.flood"): the daemon does that, not
        # extract.
        got = [g if g in want else next(
            (w for w in want if w.split("/", 1)[1] == g.split("/", 1)[1] and
             g.split("/", 1)[0] in (w.split(".", 1)[0], "?")), g)
            for g in got]
        if got != want:
            bad += 1
            print("%s: %s\n  annotated %s\n  extracted %s"
                  % (it["where"], it["id"], want, got))
    return 1 if bad else 0


def main():
    a = sys.argv[1:]
    if a[:1] == ["feeds"] and len(a) == 5:
        cmd_feeds(a[1], int(a[2]), a[3], int(a[4]))
        return 0
    if a[:1] == ["names"] and len(a) == 2:
        for f in parse(a[1])[0]:
            print("%s.%s" % (f["name"], ext(f)))
        return 0
    if a[:1] == ["lint"] and len(a) == 3:
        return cmd_lint(a[1], a[2])
    if a[:1] == ["check"] and len(a) == 5:
        return cmd_check(a[1], int(a[2]), int(a[3]), a[4])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
