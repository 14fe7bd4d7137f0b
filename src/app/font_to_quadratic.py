#!/usr/bin/env python3
"""font_to_quadratic.py IN.otf OUT.ttf: the same font with TrueType (quadratic, `glyf`) outlines instead of CFF.

Why (issue 14): stb_truetype, which builds Dear ImGui's font atlas in the browser, interprets a CFF glyph's
charstring twice (once for its box, once for its shape) and flattens cubic curves; a `glyf` glyph has its box in
its header and quadratic curves. Each cubic curve is approximated within MAX_ERROR font units: Inter has 2816 units
per em, so on the largest text (24 px headings at 3 device pixels per CSS pixel) that is under a tenth of a device
pixel, and the glyphs look the same. Measured 2026-12-07 (15 interleaved loads each): atlas 37.6 -> 19.4 ms; the font 39.5 -> 43.1 KB raw.
Needs fontTools (Debian python3-fonttools, installed by emsdk-setup.sh)."""
import sys

from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

MAX_ERROR = 3.0  # font units


def quadratic_glyphs(font):
    """Each glyph of the CFF font as a TrueType glyph, drawn clockwise (TrueType's outer-contour direction)."""
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in font.getGlyphOrder():
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    return glyphs


def truetype_maxp(num_glyphs):
    """A version 1.0 maxp; fontTools recomputes the point and contour maxima when it writes the font."""
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.numGlyphs = num_glyphs
    for field in ("maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours", "maxTwilightPoints",
                  "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements",
                  "maxSizeOfInstructions", "maxComponentElements", "maxComponentDepth"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    return maxp


def convert(src, out):
    font = TTFont(src, recalcTimestamp=False)  # the source's date: the same input gives the same bytes (and hash)
    if "CFF " not in font:
        sys.exit(f"font_to_quadratic.py: {src} has no CFF outlines")
    order = font.getGlyphOrder()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = quadratic_glyphs(font)
    del font["CFF "]
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    font["maxp"] = truetype_maxp(len(order))
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0  # no glyph names: stb_truetype finds glyphs through cmap
    for name in order:  # a TrueType glyph's left side bearing is its xMin
        g = glyf[name]
        g.recalcBounds(glyf)
        advance, _ = font["hmtx"][name]
        font["hmtx"][name] = (advance, getattr(g, "xMin", 0))
    font.sfntVersion = "\x00\x01\x00\x00"
    font.save(out)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    convert(sys.argv[1], sys.argv[2])
