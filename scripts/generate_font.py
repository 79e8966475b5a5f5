#!/usr/bin/env python3
"""Generate Sources/MindSpaceRender/BitmapFontGlyphs.swift from the X11 misc-fixed 10x20 font.

Source: `10x20.pcf.gz` from Debian's `xfonts-base` package (upstream: X.Org font-misc-misc),
installed at /usr/share/fonts/X11/misc/10x20.pcf.gz by `apt-get install xfonts-base`.
Licence: public domain. The font's own COPYRIGHT property reads "Public domain font.  Share and
enjoy." and Debian's copyright file lists font-misc-misc/COPYING with the same words.

The script reads the PCF container directly (no third-party modules): the METRICS, BITMAPS and
BDF_ENCODINGS tables, and writes one line per glyph: the code point in hex, then 20 rows of
3 hex digits each (10 bits, most significant bit = leftmost pixel). Usage:

    python3 scripts/generate_font.py [path/to/10x20.pcf.gz] > Sources/MindSpaceRender/BitmapFontGlyphs.swift
"""
import gzip
import struct
import sys

PCF_PROPERTIES = 1 << 0
PCF_METRICS = 1 << 2
PCF_BITMAPS = 1 << 3
PCF_BDF_ENCODINGS = 1 << 5
PCF_COMPRESSED_METRICS = 0x100

CELL_WIDTH, CELL_HEIGHT, ASCENT = 10, 20, 16

# Characters we keep: printable ASCII, Latin-1, Greek, and the symbols plots use.
WANTED = (
    list(range(0x20, 0x7F))
    + list(range(0xA0, 0x100))
    + list(range(0x391, 0x3CA))
    + [0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2026, 0x2030,
       0x2070, 0x2071] + list(range(0x2074, 0x207F)) + list(range(0x2080, 0x208F))
    + [0x2190, 0x2191, 0x2192, 0x2193, 0x2202, 0x2206, 0x2207, 0x2211, 0x2212, 0x221A,
       0x221D, 0x221E, 0x2223, 0x2225, 0x222B, 0x2248, 0x2260, 0x2261, 0x2264, 0x2265,
       0x22C5, 0x25A0, 0x25CF]
)


def read_table_header(data, offset):
    (fmt,) = struct.unpack_from("<I", data, offset)
    big = bool(fmt & 4)
    return fmt, (">" if big else "<")


def parse(path):
    data = gzip.open(path, "rb").read()
    if data[:4] != b"\x01fcp":
        raise SystemExit(f"{path}: not a PCF file")
    (count,) = struct.unpack_from("<I", data, 4)
    tables = {}
    for i in range(count):
        kind, fmt, size, offset = struct.unpack_from("<IIII", data, 8 + 16 * i)
        tables[kind] = (fmt, size, offset)

    # Properties (for the copyright check).
    fmt_, size, offset = tables[PCF_PROPERTIES]
    fmt, e = read_table_header(data, offset)
    (nprops,) = struct.unpack_from(e + "I", data, offset + 4)
    props_start = offset + 8
    pad = (4 - (nprops & 3)) & 3
    strings_start = props_start + nprops * 9 + pad + 4
    properties = {}
    for i in range(nprops):
        name_off, is_string, value = struct.unpack_from(e + "IbI", data, props_start + 9 * i)
        name = data[strings_start + name_off:data.index(b"\0", strings_start + name_off)].decode()
        if is_string:
            value = data[strings_start + value:data.index(b"\0", strings_start + value)].decode()
        properties[name] = value

    # Metrics.
    fmt_, size, offset = tables[PCF_METRICS]
    fmt, e = read_table_header(data, offset)
    metrics = []
    if fmt & PCF_COMPRESSED_METRICS:
        (n,) = struct.unpack_from(e + "H", data, offset + 4)
        for i in range(n):
            lsb, rsb, width, asc, desc = struct.unpack_from("5B", data, offset + 6 + 5 * i)
            metrics.append((lsb - 0x80, rsb - 0x80, width - 0x80, asc - 0x80, desc - 0x80))
    else:
        (n,) = struct.unpack_from(e + "I", data, offset + 4)
        for i in range(n):
            metrics.append(struct.unpack_from(e + "5h", data, offset + 8 + 12 * i)[:5])

    # Bitmaps.
    fmt_, size, offset = tables[PCF_BITMAPS]
    fmt, e = read_table_header(data, offset)
    (nglyphs,) = struct.unpack_from(e + "I", data, offset + 4)
    offsets = struct.unpack_from(e + f"{nglyphs}I", data, offset + 8)
    sizes = struct.unpack_from(e + "4I", data, offset + 8 + 4 * nglyphs)
    glyph_pad = 1 << (fmt & 3)
    msbit_first = bool(fmt & 8)
    scan_unit = 1 << ((fmt >> 4) & 3)
    bitmap_start = offset + 8 + 4 * nglyphs + 16
    bitmap_data = data[bitmap_start:bitmap_start + sizes[fmt & 3]]

    # Encodings.
    fmt_, size, offset = tables[PCF_BDF_ENCODINGS]
    fmt, e = read_table_header(data, offset)
    min_b2, max_b2, min_b1, max_b1, default = struct.unpack_from(e + "5H", data, offset + 4)
    ncodes = (max_b2 - min_b2 + 1) * (max_b1 - min_b1 + 1)
    indices = struct.unpack_from(e + f"{ncodes}H", data, offset + 14)

    def glyph_index(code):
        b1, b2 = code >> 8, code & 0xFF
        if not (min_b1 <= b1 <= max_b1 and min_b2 <= b2 <= max_b2):
            return None
        index = indices[(b1 - min_b1) * (max_b2 - min_b2 + 1) + (b2 - min_b2)]
        return None if index == 0xFFFF else index

    def rows_of(index):
        lsb, rsb, width, asc, desc = metrics[index]
        if width != CELL_WIDTH:
            raise SystemExit(f"glyph {index}: width {width} is not the fixed cell width")
        bytes_per_row = (((rsb - lsb) + 7) // 8 + glyph_pad - 1) // glyph_pad * glyph_pad
        start = offsets[index]
        cell = [0] * CELL_HEIGHT
        for r in range(asc + desc):
            row_bytes = bytearray(bitmap_data[start + r * bytes_per_row:start + (r + 1) * bytes_per_row])
            # Undo byte swapping within scan units when the byte order differs from the bit order.
            if bool(fmt_bitmaps & 4) != msbit_first and scan_unit > 1:
                for u in range(0, len(row_bytes), scan_unit):
                    row_bytes[u:u + scan_unit] = row_bytes[u:u + scan_unit][::-1]
            y = ASCENT - asc + r
            if not 0 <= y < CELL_HEIGHT:
                continue
            for c in range(rsb - lsb):
                byte = row_bytes[c // 8]
                bit = (byte >> (7 - c % 8)) & 1 if msbit_first else (byte >> (c % 8)) & 1
                x = lsb + c
                if bit and 0 <= x < CELL_WIDTH:
                    cell[y] |= 1 << (CELL_WIDTH - 1 - x)
        return cell

    fmt_bitmaps = read_table_header(data, tables[PCF_BITMAPS][2])[0]
    glyphs = []
    for code in WANTED:
        index = glyph_index(code)
        if index is not None:
            glyphs.append((code, rows_of(index)))
    return properties, glyphs


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/X11/misc/10x20.pcf.gz"
    properties, glyphs = parse(path)
    copyright_ = properties.get("COPYRIGHT", "")
    if "public domain" not in copyright_.lower():
        raise SystemExit(f"{path}: COPYRIGHT property is {copyright_!r}, not public domain")
    out = sys.stdout
    out.write("// GENERATED by scripts/generate_font.py — do not edit by hand.\n")
    out.write(f"// Source: X11 misc-fixed {properties.get('FONT', '10x20')}\n")
    out.write("// (Debian package xfonts-base, file /usr/share/fonts/X11/misc/10x20.pcf.gz).\n")
    out.write(f"// Licence: public domain (the font's COPYRIGHT property: \"{copyright_}\").\n\n")
    out.write("extension BitmapFont {\n")
    out.write(f"    /// Glyphs of the {CELL_WIDTH}×{CELL_HEIGHT} cell (ascent {ASCENT}): one line per glyph, the code\n")
    out.write("    /// point in hex, a space, then 20 rows of 3 hex digits (bit 9 = leftmost pixel).\n")
    out.write("    static let misc10x20Table = \"\"\"\n")
    for code, rows in glyphs:
        out.write(f"{code:04X} " + "".join(f"{r:03X}" for r in rows) + "\n")
    out.write("\"\"\"\n}\n")
    sys.stderr.write(f"{len(glyphs)} glyphs of {len(WANTED)} wanted\n")


if __name__ == "__main__":
    main()
