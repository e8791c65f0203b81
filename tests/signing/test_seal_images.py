"""Seal images: drawn seals look like seals, uploaded seals are checked before anyone signs with them."""

import io
import math
import struct
import zlib
from collections import Counter

import pytest
from fontTools.ttLib import TTCollection
from PIL import Image, PngImagePlugin

from signing import seal_images
from signing.seal_images import (
    BOTTOM_TEXT_TOO_LONG,
    GLYPHS_MISSING,
    NAME_EMPTY,
    NAME_TOO_LONG,
    SEAL_RED,
    UPLOAD_BAD_SIZE,
    UPLOAD_EMPTY,
    UPLOAD_NOT_PNG,
    UPLOAD_NOT_TRANSPARENT,
    UPLOAD_TOO_LARGE,
    SealImageError,
    personal_seal_png,
    seal_font_path,
    unit_seal_png,
    validate_uploaded_seal,
)

UNIT = "衡阳示例建设工程有限公司"
LONG_UNIT = "湖南省衡阳市示例建设工程集团股份有限公司第一分公司项目部"  # 28 characters


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image


def _ink(image: Image.Image, box: tuple[int, int, int, int] | None = None) -> int:
    """Pixels that are clearly inked (alpha ≥ 128), in the whole image or in a box."""
    alpha = image.getchannel("A")
    if box:
        alpha = alpha.crop(box)
    return sum(alpha.histogram()[128:])


def _ink_radii(image: Image.Image) -> list[float]:
    """Distance from the centre of every inked pixel, as a fraction of the image's width."""
    alpha = image.getchannel("A").load()
    size = image.width
    return [
        math.hypot(x + 0.5 - size / 2, y + 0.5 - size / 2) / size
        for y in range(size)
        for x in range(size)
        if alpha[x, y] >= 128
    ]


def _png(image: Image.Image, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", **params)
    return out.getvalue()


# --- the unit's round seal (公章) ---


def test_unit_seal_is_a_transparent_rgba_png_of_the_requested_size():
    image = _open(unit_seal_png(UNIT, bottom_text="电子签章专用", size_px=300))

    assert image.size == (300, 300)
    assert image.mode == "RGBA"
    for corner in [(0, 0), (299, 0), (0, 299), (299, 299)]:
        assert image.getpixel(corner)[3] == 0


def test_unit_seal_ink_is_seal_red():
    image = _open(unit_seal_png(UNIT))

    colours = Counter(rgba[:3] for rgba in image.get_flattened_data() if rgba[3] >= 128)
    (red, green, blue), _ = colours.most_common(1)[0]
    assert (red, green, blue) == SEAL_RED
    assert red > 180 and green < 60 and blue < 60


def test_unit_seal_has_a_star_in_the_centre():
    image = _open(unit_seal_png(UNIT))

    assert _ink(image, (290, 290, 310, 310)) == 20 * 20


def test_unit_seal_has_a_round_border():
    image = _open(unit_seal_png(UNIT))
    radii = _ink_radii(image)

    # About 1/25 of the diameter thick, right at the edge, with a clear gap before the name.
    assert max(radii) < 0.5
    annulus = math.pi * ((0.485 * 600) ** 2 - (0.455 * 600) ** 2)
    assert sum(1 for r in radii if 0.455 < r < 0.485) > 0.97 * annulus


def test_long_names_fit_inside_the_circle_without_touching_the_border():
    image = _open(unit_seal_png(LONG_UNIT, bottom_text="电子签章专用"))
    radii = _ink_radii(image)

    assert max(radii) < 0.5
    assert not [r for r in radii if 0.43 < r < 0.445]


def test_more_characters_leave_more_ink():
    # Up to about a dozen characters the glyphs keep their height, so every character adds ink;
    # a clipped or dropped character would break the order. Longer names shrink to fit (above).
    names = ["衡阳公司", "衡阳示例公司", "衡阳示例建设公司", UNIT]
    inks = [_ink(_open(unit_seal_png(name))) for name in names]

    assert inks == sorted(inks)
    assert inks[-1] - inks[0] > 8000


def test_bottom_text_is_drawn_below_the_star():
    below = (150, 390, 450, 470)
    plain = _open(unit_seal_png(UNIT))
    with_text = _open(unit_seal_png(UNIT, bottom_text="电子签章专用"))

    assert _ink(plain, below) == 0
    assert _ink(with_text, below) > 1000


def test_name_is_stripped_and_must_not_be_empty():
    assert unit_seal_png(f"  {UNIT}\n") == unit_seal_png(UNIT)
    for name in ["", "   ", "\u3000"]:
        with pytest.raises(SealImageError) as caught:
            unit_seal_png(name)
        assert caught.value.message == NAME_EMPTY


def test_overlong_texts_are_refused():
    with pytest.raises(SealImageError) as caught:
        unit_seal_png("建" * 41)
    assert caught.value.message == NAME_TOO_LONG.format(limit=40)

    with pytest.raises(SealImageError) as caught:
        unit_seal_png(UNIT, bottom_text="专" * 13)
    assert caught.value.message == BOTTOM_TEXT_TOO_LONG.format(limit=12)

    with pytest.raises(SealImageError) as caught:
        personal_seal_png("张" * 10)
    assert caught.value.message == NAME_TOO_LONG.format(limit=9)


def test_characters_the_font_cannot_draw_are_listed():
    with pytest.raises(SealImageError) as caught:
        unit_seal_png("衡阳\ue000建设公司")
    assert caught.value.message == GLYPHS_MISSING.format(chars="U+E000")
    assert isinstance(caught.value, ValueError)

    with pytest.raises(SealImageError) as caught:
        personal_seal_png("张\ue001")
    assert "U+E001" in caught.value.message


# --- the personal seal (个人印章) ---


def test_personal_seal_is_a_transparent_rgba_png_with_ink_in_every_quadrant():
    image = _open(personal_seal_png("张三"))

    assert image.size == (400, 400)
    assert image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0
    inside = 40  # skip the border
    for box in [
        (inside, inside, 200, 200),
        (200, inside, 400 - inside, 200),
        (inside, 200, 200, 400 - inside),
        (200, 200, 400 - inside, 400 - inside),
    ]:
        assert _ink(image, box) > 1000


def test_personal_seal_is_completed_the_customary_way():
    assert personal_seal_png("张三") == personal_seal_png("张三之印")
    assert personal_seal_png("欧阳修") == personal_seal_png("欧阳修印")
    assert personal_seal_png(" 张 三 ") == personal_seal_png("张三")


def test_personal_seal_reads_from_the_right_column_down():
    zhang = _open(personal_seal_png("张三")).getchannel("A")
    li = _open(personal_seal_png("李三")).getchannel("A")

    # Only the first character differs, so only the top of the right-hand column may change.
    differing = [
        (x, y)
        for y in range(400)
        for x in range(400)
        if abs(zhang.getpixel((x, y)) - li.getpixel((x, y))) > 64
    ]
    assert differing
    assert all(x >= 200 and y < 200 for x, y in differing)


def test_long_personal_names_still_fill_the_seal():
    image = _open(personal_seal_png("阿依古丽·买买提", size_px=300))

    assert image.size == (300, 300)
    for box in [(30, 30, 100, 270), (115, 30, 185, 270), (200, 30, 270, 270)]:
        assert _ink(image, box) > 500


# --- the font ---


def test_font_is_the_simplified_chinese_face():
    path, index = seal_font_path()

    family = TTCollection(path, lazy=True).fonts[index]["name"].getDebugName(1)
    assert "SC" in family.split()
    assert "Bold" in path


def test_missing_fonts_tell_the_operator_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(seal_images, "FONT_DIR", tmp_path)
    seal_images.seal_font_path.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="fonts-noto-cjk"):
            seal_font_path()
    finally:
        seal_images.seal_font_path.cache_clear()


# --- uploaded seals ---


def test_a_generated_seal_is_accepted_and_comes_back_clean():
    info = PngImagePlugin.PngInfo()
    info.add_text("Software", "Some Editor")
    upload = _png(_open(unit_seal_png(UNIT, size_px=300)), pnginfo=info)

    cleaned = _open(validate_uploaded_seal(upload))

    assert cleaned.size == (300, 300)
    assert cleaned.mode == "RGBA"
    assert "Software" not in cleaned.info
    assert validate_uploaded_seal(personal_seal_png("张三"))


def test_a_palette_png_with_transparency_is_accepted():
    palette = _open(personal_seal_png("张三", size_px=200)).quantize(
        colors=16, method=Image.Quantize.FASTOCTREE
    )

    assert _open(validate_uploaded_seal(_png(palette))).mode == "RGBA"


def _refusal(data: bytes) -> str:
    with pytest.raises(SealImageError) as caught:
        validate_uploaded_seal(data)
    return caught.value.message


def test_a_jpeg_is_refused():
    out = io.BytesIO()
    Image.new("RGB", (300, 300), "white").save(out, format="JPEG")

    assert _refusal(out.getvalue()) == UPLOAD_NOT_PNG
    assert _refusal(b"not an image at all") == UPLOAD_NOT_PNG


def test_a_truncated_png_is_refused():
    data = unit_seal_png(UNIT, size_px=300)

    assert _refusal(data[: len(data) // 2]) == UPLOAD_NOT_PNG


def test_a_png_without_alpha_is_refused():
    seal = _open(unit_seal_png(UNIT, size_px=300))
    flat = Image.new("RGB", seal.size, "white")
    flat.paste(seal, mask=seal)

    assert _refusal(_png(flat)) == UPLOAD_NOT_TRANSPARENT


def test_a_white_background_kept_in_an_rgba_png_is_refused():
    seal = _open(unit_seal_png(UNIT, size_px=300))
    opaque = Image.new("RGBA", seal.size, (255, 255, 255, 255))
    opaque.alpha_composite(seal)

    assert _refusal(_png(opaque)) == UPLOAD_NOT_TRANSPARENT

    # A white box with a transparent margin is still a white background.
    boxed = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    boxed.paste(opaque.resize((200, 200)), (50, 50))
    assert _refusal(_png(boxed)) == UPLOAD_NOT_TRANSPARENT


def test_a_file_over_one_megabyte_is_refused():
    assert _refusal(unit_seal_png(UNIT) + b"\0" * (1024 * 1024)) == UPLOAD_TOO_LARGE


@pytest.mark.parametrize("size", [(100, 100), (300, 600), (2400, 2400)])
def test_images_too_small_too_large_or_too_narrow_are_refused(size):
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    image.paste((*SEAL_RED, 255), (10, 10, 60, 60))

    assert _refusal(_png(image, compress_level=9)) == UPLOAD_BAD_SIZE


def test_a_fully_transparent_image_is_refused():
    assert _refusal(_png(Image.new("RGBA", (300, 300), (0, 0, 0, 0)))) == UPLOAD_EMPTY


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def test_a_decompression_bomb_is_refused_before_decoding():
    # A few dozen bytes claiming a 100000 × 100000 image: never allocated.
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 1, 0, 0, 0, 0)
    bomb = (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\0" * 100))
        + _chunk(b"IEND", b"")
    )

    assert _refusal(bomb) == UPLOAD_BAD_SIZE


@pytest.mark.parametrize("limit", [10_000, 60_000])
def test_pillows_own_bomb_guard_is_turned_into_a_message(monkeypatch, limit):
    # 300 × 300 = 90000 pixels: past twice the limit is Pillow's error, past the limit its warning.
    seal = unit_seal_png(UNIT, size_px=300)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", limit)

    assert _refusal(seal) == UPLOAD_BAD_SIZE
