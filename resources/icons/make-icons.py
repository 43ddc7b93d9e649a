#!/usr/bin/env python3
"""Renders crashdeck's app icon (icon.svg describes the same shapes) to the PNG sizes Linux
desktops and electron-builder use, with no imaging library: plain supersampled rasterising.
Run from anywhere: python3 resources/icons/make-icons.py"""
import os, struct, zlib

HERE = os.path.dirname(os.path.abspath(__file__))
BG = (0x1F, 0x24, 0x30)
LINE = (0xC8, 0xD0, 0xDC)
BOLT = (0xFF, 0x5C, 0x57)
# Unit square coordinates (0..1). Console lines of a "deck" of crash output, and a bolt.
LINES = [(0.20, 0.28, 0.62, 0.34), (0.20, 0.42, 0.52, 0.48), (0.20, 0.56, 0.44, 0.62), (0.20, 0.70, 0.40, 0.76)]
BOLT_POLY = [(0.70, 0.14), (0.50, 0.52), (0.63, 0.52), (0.55, 0.88), (0.82, 0.44), (0.68, 0.44), (0.80, 0.14)]
RADIUS = 0.18


def in_rounded_square(x, y):
    m = 0.04
    if x < m or y < m or x > 1 - m or y > 1 - m:
        return False
    cx = min(max(x, m + RADIUS), 1 - m - RADIUS)
    cy = min(max(y, m + RADIUS), 1 - m - RADIUS)
    return (x - cx) ** 2 + (y - cy) ** 2 <= RADIUS ** 2


def in_poly(x, y, poly):
    inside = False
    j = len(poly) - 1
    for i in range(len(poly)):
        xi, yi = poly[i]
        xj, yj = poly[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def colour_at(x, y):
    if not in_rounded_square(x, y):
        return None
    if in_poly(x, y, BOLT_POLY):
        return BOLT
    for x0, y0, x1, y1 in LINES:
        if x0 <= x <= x1 and y0 <= y <= y1:
            return LINE
    return BG


def render(size, ss=4):
    rows = []
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            r = g = b = a = 0
            for sy in range(ss):
                for sx in range(ss):
                    c = colour_at((px + (sx + 0.5) / ss) / size, (py + (sy + 0.5) / ss) / size)
                    if c:
                        r += c[0]; g += c[1]; b += c[2]; a += 1
            n = ss * ss
            row += bytes([r // a, g // a, b // a, 255 * a // n] if a else [0, 0, 0, 0])
        rows.append(bytes(row))
    return b''.join(rows)


def png(size, data):
    def chunk(t, d):
        return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xFFFFFFFF)
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', size, size, 8, 6, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(data, 9)) + chunk(b'IEND', b'')


for size in (16, 32, 48, 64, 128, 256, 512):
    with open(os.path.join(HERE, f'{size}x{size}.png'), 'wb') as f:
        f.write(png(size, render(size, 4 if size <= 256 else 2)))
