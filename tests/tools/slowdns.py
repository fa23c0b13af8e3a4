#!/usr/bin/env python3
"""A tiny DNS server for the resolver tests (stdlib only, UDP, 127.0.0.1).

--answer NAME=ADDR answers A queries for NAME with the IPv4 address ADDR
(AAAA queries get an empty answer); other names get NXDOMAIN.  --hold NAME
keeps every query for NAME unanswered until the file --release names
exists, then answers them all: a resolver that takes as long as the test
wants.  Each query received and each answer sent is appended to --log as
"query NAME TYPE" / "answer NAME TYPE" (flushed, in the order they
happen).  Writes its port to --port-file once it listens.
"""
import argparse
import os
import socket
import struct
import threading

LOCK = threading.Lock()


def note(path, line):
    with LOCK, open(path, "a", encoding="utf-8") as f:
        f.write(line + "\n")


def parse_question(q):
    """The query's name (lower case), type and the question's end."""
    i, labels = 12, []
    while q[i] != 0:
        n = q[i]
        labels.append(q[i + 1:i + 1 + n].decode("ascii", "replace"))
        i += 1 + n
    qtype = struct.unpack("!H", q[i + 1:i + 3])[0]
    return ".".join(labels).lower(), qtype, i + 5


def reply(q, end, addr, qtype):
    """The answer to query q: addr for A, nothing for others, or NXDOMAIN."""
    tid = q[:2]
    if addr is None:
        flags, ans = 0x8183, b""
    elif qtype == 1:
        flags = 0x8180
        ans = (b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) +
               socket.inet_aton(addr))
    else:
        flags, ans = 0x8180, b""
    head = tid + struct.pack("!HHHHH", flags, 1, 1 if ans else 0, 0, 0)
    return head + q[12:end] + ans


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--log", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--answer", action="append", default=[])
    ap.add_argument("--hold", action="append", default=[])
    ap.add_argument("--release", required=True)
    args = ap.parse_args()
    answers = dict(a.lower().split("=", 1) for a in args.answer)
    hold = {h.lower() for h in args.hold}
    held = []
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(0.1)
    open(args.log, "a").close()
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % s.getsockname()[1])
    os.rename(args.port_file + ".tmp", args.port_file)
    while True:
        if held and os.path.exists(args.release):
            for name, qtype, data, peer in held:
                s.sendto(data, peer)
                note(args.log, "answer %s %d" % (name, qtype))
            held = []
        try:
            q, peer = s.recvfrom(4096)
            name, qtype, end = parse_question(q)
        except socket.timeout:
            continue
        except (IndexError, struct.error):
            continue
        note(args.log, "query %s %d" % (name, qtype))
        data = reply(q, end, answers.get(name), qtype)
        if name in hold and not os.path.exists(args.release):
            held.append((name, qtype, data, peer))
            continue
        s.sendto(data, peer)
        note(args.log, "answer %s %d" % (name, qtype))


if __name__ == "__main__":
    main()
