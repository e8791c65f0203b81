"""Seal images (电子印章图片): drawn for a unit or a person, or checked when a user uploads their own.

The image is only what a signed PDF shows; the certificate makes the signature. It still has to look
like the seal people know, or they will not trust the document: a round red 公章 with the name along
the upper arc and a star, or a square 个人印章 read in columns from the right. Everything is drawn as
an ink mask at a few times the final size and reduced, so the edges are smooth and every pixel off
the ink stays fully transparent.

Text uses Debian's Noto CJK (fonts-noto-cjk), and is checked against the font's character map first,
because a missing glyph would print as an empty box on a legal document.
"""

from __future__ import annotations

import io
import math
import warnings
from functools import cache, lru_cache
from pathlib import Path

from fontTools.ttLib import TTCollection
from PIL import Image, ImageChops, ImageDraw, ImageFont

from core.errors import DomainError

SEAL_RED = (220, 20, 30)
FONT_DIR = Path("/usr/share/fonts/opentype/noto")
# Serif bold looks most like the engraved Song-style characters on real seals.
FONT_FILES = (
    "NotoSerifCJK-Bold.ttc",
    "NotoSansCJK-Bold.ttc",
    "NotoSerifCJK-Regular.ttc",
    "NotoSansCJK-Regular.ttc",
)
SUPERSAMPLE = 4

UNIT_NAME_MAX = 40
BOTTOM_TEXT_MAX = 12
PERSON_NAME_MAX = 9  # room for minority names such as 阿依古丽·买买提

UPLOAD_MAX_BYTES = 1024 * 1024
UPLOAD_MIN_SIDE = 150
UPLOAD_MAX_SIDE = 2000
UPLOAD_MAX_ASPECT = 1.5  # personal seals may be a little taller than wide
UPLOAD_MIN_TRANSPARENT = 0.20
UPLOAD_MIN_INK = 0.005

# Messages a person can act on; tests assert them.
NAME_EMPTY = "印章名称不能为空，请填写单位名称或姓名。"
NAME_TOO_LONG = "印章名称过长（最多{limit}个字），请核对名称。"
BOTTOM_TEXT_TOO_LONG = "印章下方文字过长（最多{limit}个字），请缩短。"
GLYPHS_MISSING = "印章文字中有字体无法显示的字符：{chars}，请核对名称。"
UPLOAD_NOT_PNG = "印章图片须为PNG格式，请上传透明背景的PNG图片。"
UPLOAD_TOO_LARGE = "印章图片不能超过1MB，请压缩后重新上传。"
UPLOAD_BAD_SIZE = "印章图片的宽和高须在150至2000像素之间，且接近正方形（长宽比不超过1.5），请调整后重新上传。"
UPLOAD_NOT_TRANSPARENT = "印章图片须为透明背景（PNG带透明通道），请去除白色背景后重新上传。"
UPLOAD_EMPTY = "印章图片中没有可见的印章图案，请检查图片后重新上传。"


class SealImageError(DomainError, ValueError):
    """The seal cannot be drawn or the upload cannot be used; the message says what to fix."""


@cache
def seal_font_path() -> tuple[str, int]:
    """(path, face index) of the Simplified Chinese face, found by name: collections differ in order."""
    for filename in FONT_FILES:
        path = FONT_DIR / filename
        if not path.exists():
            continue
        collection = TTCollection(str(path), lazy=True)
        for index, face in enumerate(collection.fonts):
            family = str(face["name"].getDebugName(1) or "")
            if "SC" in family.split() and "Mono" not in family:
                return str(path), index
    raise RuntimeError(
        f"No Noto CJK font in {FONT_DIR}; install Debian's fonts-noto-cjk (`make run` installs it)."
    )


@cache
def _font_facts() -> tuple[frozenset[int], float]:
    """The characters the font can draw, and how far the top of its em square sits above the baseline.

    CJK glyphs are designed in that em square (OS/2 typo ascender/descender); Pillow's own "middle"
    anchor uses the line metrics instead, which would set every character a little low and clip it.
    """
    path, index = seal_font_path()
    face = TTCollection(path, lazy=True).fonts[index]
    ascent = face["OS/2"].sTypoAscender / face["head"].unitsPerEm
    return frozenset(face.getBestCmap()), ascent


@lru_cache(maxsize=32)
def _font(size: int) -> ImageFont.FreeTypeFont:
    path, index = seal_font_path()
    return ImageFont.truetype(path, size, index=index)


def _clean(text: str, *, limit: int, too_long: str = NAME_TOO_LONG, required: bool = True) -> str:
    """The text stripped, checked for length and for characters the font cannot draw."""
    text = text.strip()
    if required and not text:
        raise SealImageError(NAME_EMPTY)
    if len(text) > limit:
        raise SealImageError(too_long.format(limit=limit))
    known, _ = _font_facts()
    missing = dict.fromkeys(c for c in text if ord(c) not in known)
    if missing:
        shown = "、".join(c if c.isprintable() else f"U+{ord(c):04X}" for c in missing)
        raise SealImageError(GLYPHS_MISSING.format(chars=shown))
    return text


def _glyph(char: str, width: int, height: int) -> Image.Image:
    """One character as an ink mask, its em square stretched to width × height.

    Stretching the em square rather than the ink keeps 一 thin and 口 square, as engravers do.
    """
    em = max(height, width)
    tile = Image.new("L", (em, em), 0)
    baseline = em * _font_facts()[1]
    ImageDraw.Draw(tile).text((em / 2, baseline), char, fill=255, font=_font(em), anchor="ms")
    return tile.resize((max(width, 1), max(height, 1)), Image.Resampling.LANCZOS)


def _stamp(mask: Image.Image, glyph: Image.Image, centre: tuple[float, float]) -> None:
    x = round(centre[0] - glyph.width / 2)
    y = round(centre[1] - glyph.height / 2)
    mask.paste(255, (x, y), glyph)


def _to_png(mask: Image.Image) -> bytes:
    """Red ink whose alpha is the mask, reduced from the supersampled canvas (box filter: no halo)."""
    alpha = mask.reduce(SUPERSAMPLE)
    image = Image.new("RGBA", alpha.size, (*SEAL_RED, 0))
    image.putalpha(alpha)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def unit_seal_png(name: str, *, bottom_text: str = "", size_px: int = 600) -> bytes:
    """A unit's round official seal (公章): name clockwise along the upper arc, star, optional line below."""
    name = _clean(name, limit=UNIT_NAME_MAX)
    bottom_text = _clean(bottom_text, limit=BOTTOM_TEXT_MAX, too_long=BOTTOM_TEXT_TOO_LONG, required=False)
    n = size_px * SUPERSAMPLE
    centre = n / 2
    mask = Image.new("L", (n, n), 0)
    draw = ImageDraw.Draw(mask)

    outer = n / 2 - n * 0.01  # a hair of margin so smoothing never touches the image edge
    ring = n / 25
    draw.ellipse((centre - outer, centre - outer, centre + outer, centre + outer), fill=255)
    inner = outer - ring
    draw.ellipse((centre - inner, centre - inner, centre + inner, centre + inner), fill=0)

    # Longer names spread over a wider arc (210°–250°); short ones keep a natural spacing instead.
    count = len(name)
    span = min(max(190.0 + 4.0 * count, 210.0), 250.0, 45.0 * count)
    pitch = math.radians(span / count)
    height = full = n * 0.15
    for _ in range(4):  # settle glyph size and radius together: a smaller glyph sits further out
        radius = inner - n * 0.025 - height / 2
        # Measured near the glyphs' feet, where the arc is shortest, so neighbours never touch.
        width = min(height * 0.85, (radius - height * 0.3) * pitch * 0.9)
        height = min(full, width / 0.6)
    for i, char in enumerate(name):
        angle = math.radians(-span / 2) + pitch * (i + 0.5)  # clockwise from the top
        glyph = _glyph(char, round(width), round(height))
        glyph = glyph.rotate(-math.degrees(angle), resample=Image.Resampling.BICUBIC, expand=True)
        _stamp(mask, glyph, (centre + radius * math.sin(angle), centre - radius * math.cos(angle)))

    star = n * 0.15
    points = []
    for k in range(10):
        r = star if k % 2 == 0 else star * 0.382  # 0.382: the inner radius of a regular star
        a = math.pi * k / 5
        points.append((centre + r * math.sin(a), centre - r * math.cos(a)))
    draw.polygon(points, fill=255)

    if bottom_text:
        line_height = n * 0.085
        line_width = min(line_height * 0.9, n * 0.48 / len(bottom_text))
        y = centre + n * 0.22
        for i, char in enumerate(bottom_text):
            x = centre + (i - (len(bottom_text) - 1) / 2) * line_width * 1.05
            _stamp(mask, _glyph(char, round(line_width), round(line_height)), (x, y))
    return _to_png(mask)


def _personal_cells(name: str) -> list[str]:
    """The characters in reading order, completed the customary way: 张三 → 张三之印, 欧阳修 → 欧阳修印."""
    name = "".join(name.split())
    if len(name) <= 2:
        return [*name, "之", "印"]
    if len(name) in (3, 5, 7):
        return [*name, "印"]
    return list(name)


def personal_seal_png(name: str, *, size_px: int = 400) -> bytes:
    """A personal seal (个人印章): square border, columns read top to bottom starting from the right."""
    cells = _personal_cells(_clean(name, limit=PERSON_NAME_MAX))
    n = size_px * SUPERSAMPLE
    mask = Image.new("L", (n, n), 0)
    edge = n * 0.01
    border = n * 0.06
    ImageDraw.Draw(mask).rectangle((edge, edge, n - edge, n - edge), outline=255, width=round(border))

    columns = 2 if len(cells) <= 6 else 3
    # The right-hand columns take the extra character, so the seal starts full and ends short.
    counts = [len(cells) // columns + (1 if c < len(cells) % columns else 0) for c in range(columns)]
    start = edge + border + n * 0.03
    area = n - 2 * start
    column_width = area / columns
    taken = 0
    for c, count in enumerate(counts):
        cell_height = area / count
        x = n - start - column_width * (c + 0.5)
        for r in range(count):
            glyph = _glyph(cells[taken + r], round(column_width), round(cell_height))
            _stamp(mask, glyph, (x, start + cell_height * (r + 0.5)))
        taken += count
    return _to_png(mask)


def validate_uploaded_seal(data: bytes) -> bytes:
    """Check a seal image a user uploads and return it as a clean RGBA PNG (no metadata).

    Dimensions are checked from the header before any pixel is decoded, so a small file that claims
    a huge image (a decompression bomb) is refused without allocating it.
    """
    if len(data) > UPLOAD_MAX_BYTES:
        raise SealImageError(UPLOAD_TOO_LARGE)
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise SealImageError(UPLOAD_NOT_PNG)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=["PNG"])
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise SealImageError(UPLOAD_BAD_SIZE) from None
        except (OSError, SyntaxError, ValueError):
            raise SealImageError(UPLOAD_NOT_PNG) from None
        width, height = image.size
        short, long = sorted((width, height))
        if short < UPLOAD_MIN_SIDE or long > UPLOAD_MAX_SIDE or long > UPLOAD_MAX_ASPECT * short:
            raise SealImageError(UPLOAD_BAD_SIZE)
        if not image.has_transparency_data:
            raise SealImageError(UPLOAD_NOT_TRANSPARENT)
        try:
            rgba = image.convert("RGBA")
        except (OSError, SyntaxError, ValueError):  # truncated or corrupt pixel data
            raise SealImageError(UPLOAD_NOT_PNG) from None

    total = width * height
    alpha = rgba.getchannel("A")
    if sum(alpha.histogram()[:16]) < UPLOAD_MIN_TRANSPARENT * total:
        raise SealImageError(UPLOAD_NOT_TRANSPARENT)
    # Ink is opaque and not near-white: a white box left inside a transparent margin is not a seal.
    opaque = alpha.point(lambda a: 255 if a >= 128 else 0)
    dark = rgba.convert("L").point(lambda v: 255 if v < 200 else 0)
    opaque_count = opaque.histogram()[255]
    ink_count = ImageChops.multiply(dark, opaque).histogram()[255]
    if ink_count < UPLOAD_MIN_INK * total:
        raise SealImageError(UPLOAD_EMPTY)
    if opaque_count - ink_count > ink_count:
        raise SealImageError(UPLOAD_NOT_TRANSPARENT)

    clean = Image.frombytes("RGBA", rgba.size, rgba.tobytes())  # a fresh image carries no metadata
    out = io.BytesIO()
    clean.save(out, format="PNG")
    return out.getvalue()
