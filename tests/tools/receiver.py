#!/usr/bin/env python3
"""Loopback webhook receiver for the notify tests.

Every POST to /NAME/MODE is one delivery attempt to the receiver NAME:
  ok        answer 200
  fail-N    the first N attempts get 500, then 200
  r429-N    the first N attempts get 429 with Retry-After: 1, then 200
  stall-S   wait S seconds, then 200 (other requests are served meanwhile)
  e400      always 400 (a permanent refusal)
It drops repeats as a careful receiver would: an Idempotency-Key it has
accepted before is answered 200 again but not counted.  Per NAME it writes
  DIR/NAME.log   one JSON line per attempt: arrival ("recv") and answer
  DIR/NAME.keys  each accepted key once, in arrival order
  DIR/NAME.body  each accepted body, one per line (JSON bodies re-dumped
                 on one line; "!INVALID " and the raw text otherwise)
Binds 127.0.0.1 only; writes its port to --port-file.
"""
import argparse
import http.server
import json
import os
import socketserver
import threading
import time

LOCK = threading.Lock()
ATTEMPTS = {}
ACCEPTED = {}


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def append(path, line):
    with open(path, "a", encoding="utf-8") as f:
        f.write(line + "\n")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def answer(self, status, extra=None):
        self.send_response(status)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def do_POST(self):
        parts = self.path.split("?")[0].strip("/").split("/")
        name = parts[0] if parts and parts[0] else "default"
        mode = parts[1] if len(parts) > 1 else "ok"
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode("utf-8", "replace")
        key = self.headers.get("Idempotency-Key")
        d = self.server.dir
        with LOCK:
            ATTEMPTS[name] = ATTEMPTS.get(name, 0) + 1
            attempt = ATTEMPTS[name]
            append(os.path.join(d, name + ".log"),
                   json.dumps({"ev": "recv", "key": key, "n": attempt,
                               "auth": self.headers.get("Authorization"),
                               "type": self.headers.get("Content-Type")}))
        status, extra = 200, {}
        if mode.startswith("fail-") and attempt <= int(mode[5:]):
            status = 500
        elif mode.startswith("r429-") and attempt <= int(mode[5:]):
            status, extra = 429, {"Retry-After": "1"}
        elif mode.startswith("stall-"):
            time.sleep(float(mode[6:]))
        elif mode == "e400":
            status = 400
        with LOCK:
            repeat = False
            if status == 200:
                seen = ACCEPTED.setdefault(name, set())
                repeat = key in seen
                if not repeat:
                    seen.add(key)
                    append(os.path.join(d, name + ".keys"), str(key))
                    try:
                        line = json.dumps(json.loads(body))
                    except ValueError:
                        line = "!INVALID " + body.replace("\n", "\\n")
                    append(os.path.join(d, name + ".body"), line)
            append(os.path.join(d, name + ".log"),
                   json.dumps({"ev": "answer", "key": key, "n": attempt,
                               "status": status, "repeat": repeat}))
        self.answer(status, extra)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file", required=True)
    p.add_argument("--dir", required=True)
    a = p.parse_args()
    srv = Server(("127.0.0.1", a.port), Handler)
    srv.dir = a.dir
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, a.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
