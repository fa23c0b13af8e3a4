#!/usr/bin/env python3
"""Counts pixels of a PNG screenshot (8-bit RGB or RGBA, non-interlaced,
as Chromium writes them): prints "WIDTH HEIGHT NONWHITE NEAR" where
NONWHITE is pixels not (near) white and NEAR those within 60 of the
colour given as RRGGBB (default c0392b, the chart's step line).  Standard
library only: zlib and the five PNG row filters."""
import struct
import sys
import zlib


def rows(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit("%s: not a PNG" % path)
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise SystemExit("%s: unsupported PNG (depth %d, type %d)"
                         % (path, depth, ctype))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    out = []
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 255
        out.append(line)
        prev = line
    return w, h, bpp, out


def main():
    colour = sys.argv[2] if len(sys.argv) > 2 else "c0392b"
    want = tuple(int(colour[i:i + 2], 16) for i in (0, 2, 4))
    w, h, bpp, lines = rows(sys.argv[1])
    nonwhite = near = 0
    for line in lines:
        for x in range(0, w * bpp, bpp):
            r, g, b = line[x], line[x + 1], line[x + 2]
            if r < 240 or g < 240 or b < 240:
                nonwhite += 1
            if (abs(r - want[0]) + abs(g - want[1]) + abs(b - want[2])
                    <= 60):
                near += 1
    print(w, h, nonwhite, near)


if __name__ == "__main__":
    main()
