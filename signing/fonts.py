"""The document font: WenQuanYi Micro Hei, with Noto Sans CJK SC for the rare characters it lacks.

ReportLab embeds only TrueType outlines. WenQuanYi Micro Hei (Debian's fonts-wqy-microhei) has them
and covers GB 18030's common range; Noto Sans CJK covers far more (CJK Extension A, e.g. 㐀 and 䶮,
which turn up in personal and place names) but ships CFF outlines, which ReportLab refuses. So for
the few characters WenQuanYi lacks we cut Noto down to just those glyphs and convert the outlines to
TrueType quadratics: a font of a few kilobytes, built once per character set and cached.

A character in neither font would print as a blank box on a document somebody seals, so it is an
error the writer has to fix, never a silent substitution.
"""

from __future__ import annotations

import hashlib
import io
import logging
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont as ReportLabTTFont

from core.errors import DomainError

PRIMARY_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
FALLBACK_PATH = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FALLBACK_FAMILY = "Noto Sans CJK SC"

FONT = "WenQuanYiMicroHei"
# WenQuanYi has no bold face and ReportLab cannot embolden a font, so "bold" is the same face under
# its own name; headings are set larger and stroked instead (see flowables.Heading).
FONT_BOLD = "WenQuanYiMicroHei-Bold"

# Outline conversion tolerance in font units (1000 per em): invisible at any print size.
_CU2QU_MAX_ERR = 1.0

_LAYOUT_CONTROLS = frozenset("\t\n\r")

UNPRINTABLE = "文中有无法显示的字符：{chars}，请核对后重新填写。"

# The subsetter reports every table it touches at INFO; nobody reading our logs needs that.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

_lock = threading.Lock()
_registered = False
_fallbacks: dict[frozenset[str], str] = {}


class RenderError(DomainError, ValueError):
    """A document cannot be rendered as written: unprintable characters or bad template markup."""


def register() -> None:
    """Register the document font with ReportLab; cheap after the first call."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        if not PRIMARY_PATH.exists():
            raise RuntimeError(
                f"Document font not found at {PRIMARY_PATH}: install Debian's fonts-wqy-microhei "
                "(`make run` installs it)."
            )
        pdfmetrics.registerFont(ReportLabTTFont(FONT, str(PRIMARY_PATH), subfontIndex=0))
        pdfmetrics.registerFont(ReportLabTTFont(FONT_BOLD, str(PRIMARY_PATH), subfontIndex=0))
        for bold, italic, name in ((0, 0, FONT), (1, 0, FONT_BOLD), (0, 1, FONT), (1, 1, FONT_BOLD)):
            addMapping(FONT, bold, italic, name)
        _registered = True


def missing_glyphs(text: str) -> set[str]:
    """Characters of `text` the primary font cannot draw.

    Line breaks and tabs are layout, never drawn; any other control character is reported like a
    missing glyph, since it would print as nothing.
    """
    covered = _primary_cmap()
    return {ch for ch in set(text) if ord(ch) not in covered and ch not in _LAYOUT_CONTROLS}


def fallback_font(chars: Iterable[str]) -> str:
    """The ReportLab name of a font drawing exactly `chars`; RenderError lists any no font has."""
    wanted = frozenset(chars)
    unprintable = sorted(ch for ch in wanted if ord(ch) not in _fallback_cmap())
    if unprintable:
        raise RenderError(UNPRINTABLE.format(chars="、".join(_describe(ch) for ch in unprintable)))
    with _lock:
        name = _fallbacks.get(wanted)
        if name is None:
            digest = hashlib.sha256("".join(sorted(wanted)).encode()).hexdigest()[:12]
            name = f"NotoSansCJKsc-{digest}"
            data = _truetype_subset(wanted, postscript_name=name)
            pdfmetrics.registerFont(ReportLabTTFont(name, io.BytesIO(data)))
            _fallbacks[wanted] = name
    return name


def _describe(ch: str) -> str:
    # A private-use or unassigned character shows as nothing on screen; its code point is what a
    # person can search for. Printable ones are shown as themselves, with the code point to be sure.
    return f"「{ch}」（U+{ord(ch):04X}）"


@lru_cache(maxsize=1)
def _primary_cmap() -> frozenset[int]:
    register()  # raises the operator-facing error when the font is missing
    font = TTFont(str(PRIMARY_PATH), fontNumber=0, lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


@lru_cache(maxsize=1)
def _fallback_index() -> int | None:
    if not FALLBACK_PATH.exists():
        return None
    collection = TTCollection(str(FALLBACK_PATH), lazy=True)
    try:
        for index, font in enumerate(collection.fonts):
            if font["name"].getDebugName(1) == FALLBACK_FAMILY:
                return index
    finally:
        collection.close()
    return None


@lru_cache(maxsize=1)
def _fallback_cmap() -> frozenset[int]:
    index = _fallback_index()
    if index is None:
        return frozenset()
    font = TTFont(str(FALLBACK_PATH), fontNumber=index, lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def _truetype_subset(chars: frozenset[str], *, postscript_name: str) -> bytes:
    """Noto Sans CJK SC reduced to `chars`, with its CFF outlines redrawn as TrueType glyphs."""
    index = _fallback_index()
    assert index is not None  # fallback_font checked the cmap, which is empty without the font
    font = TTFont(str(FALLBACK_PATH), fontNumber=index)
    try:
        options = subset.Options()
        options.layout_features = []  # ReportLab does no shaping
        options.hinting = False
        options.desubroutinize = True
        options.notdef_outline = True
        options.drop_tables += ["VORG", "vhea", "vmtx", "BASE", "GSUB", "GPOS", "GDEF"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[ord(ch) for ch in chars])
        subsetter.subset(font)
        _cff_to_glyf(font)
        # Distinct PostScript names keep two fallback subsets in one PDF from looking alike.
        for record in font["name"].names:
            if record.nameID == 6:
                record.string = postscript_name
        out = io.BytesIO()
        font.save(out)
        return out.getvalue()
    finally:
        font.close()


def _cff_to_glyf(font: TTFont) -> None:
    # After fontTools' Snippets/otf2ttf.py. CFF contours run counter-clockwise, TrueType clockwise,
    # hence reverse_direction.
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, _CU2QU_MAX_ERR, reverse_direction=True))
        glyphs[name] = pen.glyph()

    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)

    hmtx = font["hmtx"]
    for name, glyph in glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)

    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    maxp.maxTwilightPoints = 0
    maxp.maxStorage = 0
    maxp.maxFunctionDefs = 0
    maxp.maxInstructionDefs = 0
    maxp.maxStackElements = 0
    maxp.maxSizeOfInstructions = 0
    maxp.maxComponentElements = 0
    maxp.compile(font)

    post = font["post"]
    post.formatType = 3.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = glyph_order
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"
