#!/usr/bin/env python3
"""Writes pil-text-phys.png: a 7x5 RGBA image with known pixels, tEXt, iTXt and pHYs chunks,
written by Pillow (a peer PNG encoder), so MindSpace's decoder is checked against a file it did
not write. Run with the peers venv from this folder:

    /work/venv-peers/bin/python make_png_fixture.py

Pixel (x, y) = (10*x, 20*y, 30 + x + y, 255 - 10*x) (RGBA). Text: "Software" = "Pillow",
"Comment" = "caf\u00e9 42" (Latin-1 tEXt), iTXt "Title" = "\u03bc \u2212 1". DPI 150.
"""
from PIL import Image, PngImagePlugin
import PIL

w, h = 7, 5
im = Image.new("RGBA", (w, h))
for y in range(h):
    for x in range(w):
        im.putpixel((x, y), (10 * x, 20 * y, 30 + x + y, 255 - 10 * x))
info = PngImagePlugin.PngInfo()
info.add_text("Software", "Pillow")
info.add_text("Comment", "caf\u00e9 42")
info.add_itxt("Title", "\u03bc \u2212 1")
im.save("pil-text-phys.png", pnginfo=info, dpi=(150, 150))
with open("versions.txt", "w") as f:
    f.write(f"Pillow=={PIL.__version__}\n")
