#!/usr/bin/env python3
"""Draws extension/icons/icon-{16,32,48,128}.png: a magnifier over a navy tile, with an orange
handle. Pure Python (zlib), so it runs anywhere: python3 tests/tools/make-icons.py"""
import math
import struct
import zlib
from pathlib import Path

NAVY, WHITE, ORANGE = (35, 47, 62), (255, 255, 255), (228, 121, 17)


def shade(x, y):
    """Colour (r, g, b, a) at a point of the unit square."""
    r = 0.2  # tile corner radius
    cx, cy = min(max(x, r), 1 - r), min(max(y, r), 1 - r)
    if (x - cx) ** 2 + (y - cy) ** 2 > r * r:
        return (0, 0, 0, 0)
    # handle: a thick segment from the lens towards the lower right
    hx, hy, ex, ey = 0.58, 0.58, 0.82, 0.82
    t = max(0, min(1, ((x - hx) * (ex - hx) + (y - hy) * (ey - hy)) / ((ex - hx) ** 2 + (ey - hy) ** 2)))
    if math.hypot(x - (hx + t * (ex - hx)), y - (hy + t * (ey - hy))) < 0.075:
        return ORANGE + (255,)
    d = math.hypot(x - 0.42, y - 0.42)
    if 0.19 < d < 0.28:
        return WHITE + (255,)
    return NAVY + (255,)


def png(size):
    n = 4  # supersampling per axis
    rows = []
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(n):
                for sx in range(n):
                    c = shade((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size)
                    a = c[3]
                    for i in range(3):
                        acc[i] += c[i] * a
                    acc[3] += a
            alpha = acc[3] / (n * n)
            rgb = [int(acc[i] / acc[3]) if acc[3] else 0 for i in range(3)]
            row += bytes(rgb + [int(alpha)])
        rows.append(bytes(row))
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b"")


out = Path(__file__).resolve().parents[2] / "extension" / "icons"
for size in (16, 32, 48, 128):
    (out / f"icon-{size}.png").write_bytes(png(size))
