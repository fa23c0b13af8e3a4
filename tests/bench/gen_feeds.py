#!/usr/bin/env python3
"""Writes N synthetic RSS 2.0 feeds for bench_fetch.sh.

Each feed is about 25 KB with 20 items; a few items per feed carry a
figure sentence the extractor recognises, the rest is filler.  All text is
written for this benchmark (facts after the seed articles, wording our
own).  With --grow M, only every M-th feed is rewritten, with 2 extra
items on top, as if the newsroom had published since the last poll.
Output is deterministic for a given N, so runs compare.
"""
import argparse
import os
import random

FILLER = [
    "Para analis di Seoul menilai perkembangan ini masih perlu diverifikasi "
    "oleh sumber independen sebelum dapat dijadikan pegangan.",
    "Kementerian terkait belum memberikan tanggapan resmi ketika dihubungi "
    "redaksi pada Senin sore.",
    "Situasi di wilayah perbatasan dilaporkan relatif tenang meskipun "
    "patroli udara terlihat lebih sering dari biasanya.",
    "Pengamat militer mengingatkan bahwa angka dari kedua pihak kerap "
    "berbeda jauh dan jarang dapat dipastikan di lapangan.",
    "Warga setempat mengatakan harga bahan pokok naik sejak jalur pasokan "
    "terganggu beberapa pekan terakhir.",
    "Observers in Kyiv said the reports could not yet be confirmed and "
    "urged caution until satellite imagery is reviewed.",
    "The ministry declined to comment on the numbers, citing the ongoing "
    "nature of the operation in the region.",
    "Diplomats at the United Nations called for restraint and asked all "
    "parties to protect civilians caught near the front line.",
    "Sejumlah jurnalis asing masih belum mendapat izin untuk memasuki "
    "daerah yang disebut dalam laporan tersebut.",
    "Pemerintah daerah menyiapkan tempat penampungan sementara bagi warga "
    "yang memilih mengungsi ke kota terdekat.",
]

FIGURES = [
    "Dinas intelijen Seoul memperkirakan sekitar {n} tentara Korea Utara "
    "tewas dalam pertempuran terbaru.",
    "Laporan itu menyebut kurang lebih {n} prajurit Korea Utara telah "
    "dikirim ke wilayah Kursk.",
    "Officials estimated that more than {n} soldiers were killed or "
    "wounded during the winter fighting.",
    "Menurut perkiraan terbaru, sedikitnya {n} orang mengungsi dari desa "
    "di sekitar garis depan.",
]

TITLES = [
    "Perkembangan terbaru di front Kursk",
    "Seoul rilis penilaian intelijen baru",
    "Update on the deployment near the border",
    "Warga perbatasan bersiap menghadapi musim dingin",
    "Analysts weigh new casualty estimates",
    "Pyongyang dan Moskow perkuat kerja sama",
]

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
<title>Bench feed {i}</title>
<link>http://bench.example.test/{i}/</link>
<description>Synthetic feed {i} for the claimwatch fetch benchmark.</description>
<language>id</language>
<ttl>60</ttl>
"""
ITEM = """<item>
<title>{title}</title>
<link>http://bench.example.test/{i}/{k}</link>
<guid isPermaLink="false">bench-{i}-{k}</guid>
<pubDate>{date}</pubDate>
<description>{text}</description>
</item>
"""
TAIL = "</channel>\n</rss>\n"


def item(i, k):
    # Seeded per item, so that growing a feed leaves old items unchanged.
    rng = random.Random(i * 1000 + k)
    parts = []
    # Three items in twenty carry a figure; the rest is filler.
    if k % 7 == 0:
        n = rng.choice([100, 1500, 3000, 11000, 14000])
        n += rng.randrange(0, 50) * 10
        parts.append(rng.choice(FIGURES).format(
            n="{:,}".format(n).replace(",", ".")))
    while sum(len(p) for p in parts) < 1000:
        parts.append(rng.choice(FILLER))
    day = 1 + k % 28
    return ITEM.format(title=rng.choice(TITLES) + " (" + str(k) + ")", i=i,
                       k=k, date="Mon, %02d Jan 2025 %02d:00:00 +0000"
                       % (day, k % 24), text=" ".join(parts))


def feed(i, extra):
    out = [HEAD.format(i=i)]
    for k in range(20 + extra, 0, -1):
        out.append(item(i, k))
    out.append(TAIL)
    return "".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("n", type=int)
    ap.add_argument("--grow", type=int, default=0,
                    help="rewrite every GROW-th feed with 2 more items")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    for i in range(a.n):
        if a.grow and i % a.grow:
            continue
        path = os.path.join(a.dir, "f%05d.xml" % i)
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.write(feed(i, 2 if a.grow else 0))
        os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
