#!/usr/bin/env python3
"""A tiny forward HTTP proxy for the proxy tests (stdlib only).

It takes absolute-form requests ("GET http://127.0.0.1:PORT/path HTTP/1.1"),
appends each request line it forwards to --log (one line, flushed, with
" auth=yes" when the request carried an Authorization header), and relays
the request to its target and the answer back.  Targets other than
127.0.0.1 and ::1 (or a name --map sends to one of them) are refused with
403: tests never leave loopback.  No
CONNECT (tests use http://).  Binds 127.0.0.1 only; writes its port to
--port-file once it listens.
"""
import argparse
import http.client
import os
import http.server
import socketserver
import threading
import urllib.parse

LOCK = threading.Lock()
HOP = {"connection", "proxy-connection", "keep-alive", "proxy-authorization",
       "te", "trailer", "transfer-encoding", "upgrade"}


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def note(self, extra):
        auth = " auth=yes" if self.headers.get("Authorization") else ""
        with LOCK, open(self.server.log_path, "a", encoding="utf-8") as f:
            f.write("%s%s %s\n" % (self.requestline, auth, extra))

    def fail(self, code):
        self.note(str(code))
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def relay(self):
        u = urllib.parse.urlsplit(self.path)
        host = self.server.names.get(u.hostname, u.hostname)
        if u.scheme != "http" or host not in ("127.0.0.1", "::1"):
            self.fail(403)
            return
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n > 0 else None
        path = u.path or "/"
        if u.query:
            path += "?" + u.query
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in HOP}
        conn = http.client.HTTPConnection(host, u.port or 80,
                                          timeout=30)
        try:
            conn.request(self.command, path, body=body, headers=headers)
            r = conn.getresponse()
            data = r.read()
        except OSError:
            self.fail(502)
            return
        finally:
            conn.close()
        self.note(str(r.status))
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in HOP and k.lower() != "content-length":
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = relay
    do_HEAD = relay
    do_POST = relay

    def do_CONNECT(self):
        self.fail(405)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--log", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--map", action="append", default=[],
                    metavar="NAME=ADDR", help="relay NAME's requests to "
                    "ADDR (127.0.0.1 or ::1), as a proxy's resolver would")
    args = ap.parse_args()
    srv = Server(("127.0.0.1", 0), Handler)
    srv.names = dict(m.split("=", 1) for m in args.map)
    srv.log_path = args.log
    open(args.log, "a").close()
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(args.port_file + ".tmp", args.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
