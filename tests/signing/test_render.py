"""Documents rendered to A4 PDF: pages, Chinese text that survives extraction, embedded fonts,
rare characters, seal places, and page previews that show what a seal draws."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pypdfium2 as pdfium
import pytest
from PIL import Image
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import NameObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from reportlab.lib.pagesizes import A4

from signing import fonts, markup
from signing.flowables import Place
from signing.previews import PreviewError, page_count, page_png, page_size
from signing.render import (
    DEMO_CONTEXTS,
    DOCUMENT_KINDS,
    LEFT_MARGIN,
    RIGHT_MARGIN,
    RenderError,
    render_markup,
    render_pdf,
)

CREATED = dt.datetime(2025, 6, 3, 9, 30, tzinfo=dt.UTC)


def render_demo(kind: str, **changes):
    return render_pdf(kind, {**DEMO_CONTEXTS[kind], **changes}, title=DOCUMENT_KINDS[kind], created=CREATED)


def page_texts(pdf: bytes) -> list[str]:
    doc = pdfium.PdfDocument(pdf)
    try:
        texts = []
        for index in range(len(doc)):
            page = doc[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    finally:
        doc.close()


def flat(text: str) -> str:
    """Extracted text without the line breaks the layout put in."""
    return "".join(text.split())


def char_boxes(pdf: bytes) -> list[tuple[str, tuple[float, float, float, float]]]:
    doc = pdfium.PdfDocument(pdf)
    try:
        boxes = []
        for index in range(len(doc)):
            page = doc[index]
            textpage = page.get_textpage()
            for i in range(textpage.count_chars()):
                ch = textpage.get_text_range(i, 1)
                if ch.strip():
                    boxes.append((ch, textpage.get_charbox(i)))
            textpage.close()
            page.close()
        return boxes
    finally:
        doc.close()


def pdffonts(pdf: bytes, tmp_path) -> list[list[str]]:
    if not shutil.which("pdffonts"):
        pytest.skip("pdffonts (poppler-utils) is not installed")
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in listing.splitlines()[2:]]


# --- pages and text ---------------------------------------------------------------------------


def test_the_demo_announcement_fills_exactly_two_a4_pages():
    document = render_demo("announcement")

    assert document.pages == 2
    assert page_count(document.pdf) == 2
    for page in (1, 2):
        width, height = page_size(document.pdf, page)
        assert width == pytest.approx(A4[0], abs=0.01)
        assert height == pytest.approx(A4[1], abs=0.01)


def test_chinese_text_comes_back_out_of_the_pdf():
    context = DEMO_CONTEXTS["announcement"]
    first, second = page_texts(render_demo("announcement").pdf)

    assert flat(context["project_name"] + "公开招标公告") in flat(first)
    for lot in context["lots"]:
        assert flat(lot["name"]) in flat(first)
    assert "— 1 —" in first
    assert "— 2 —" in second
    assert "采购人（盖章）：" in second
    assert "采购代理机构（盖章）：" in second
    assert context["published_on"] in second


def test_no_text_runs_outside_the_text_block():
    """CJK wrapping keeps every character between the GB/T 9704 margins, tables included."""
    for kind in DOCUMENT_KINDS:
        boxes = char_boxes(render_demo(kind).pdf)
        assert boxes
        for ch, (left, _bottom, right, _top) in boxes:
            assert left >= LEFT_MARGIN - 1, (kind, ch)
            assert right <= A4[0] - RIGHT_MARGIN + 1, (kind, ch)


@pytest.mark.parametrize("offset", range(26, 36))
def test_a_closing_mark_never_starts_a_line(offset):
    # Put the comma at every position around the end of the first line.
    text = "公共资源交易平台电子签章测试文本" * 4
    text = text[:offset] + "，" + text[offset:]

    (page,) = page_texts(render_markup(f"<p>{text}</p>", title="断行").pdf)

    for line in page.splitlines():
        assert not line.startswith("，"), page


def test_the_same_input_gives_the_same_bytes():
    assert render_demo("announcement").pdf == render_demo("announcement").pdf


def test_metadata_names_the_document_and_ggzy():
    document = render_pdf(
        "sample",
        DEMO_CONTEXTS["sample"],
        title="电子签章检测样张",
        author="衡阳测试建设有限公司",
        created=CREATED,
    )
    doc = pdfium.PdfDocument(document.pdf)
    try:
        meta = doc.get_metadata_dict()
    finally:
        doc.close()

    assert meta["Title"] == "电子签章检测样张"
    assert meta["Author"] == "衡阳测试建设有限公司"
    assert meta["Creator"] == "ggzy"
    assert meta["CreationDate"].startswith("D:20250603173000+08")


# --- fonts ------------------------------------------------------------------------------------


def test_every_font_is_embedded(tmp_path):
    rows = pdffonts(render_demo("announcement").pdf, tmp_path)

    assert rows
    assert all("WenQuanYiMicroHei" in row[0] for row in rows)
    assert all(row[-5] == "yes" for row in rows)  # the "emb" column


def test_characters_the_main_font_lacks_come_from_noto(tmp_path):
    assert fonts.missing_glyphs("张䶮申请㐀") == {"䶮", "㐀"}

    document = render_markup(
        '<h1>㐀</h1><p>法定代表人：张䶮，<b>经办人：王㐀</b>。</p><seal-place name="a" label="张䶮（签字）：">',
        title="生僻字",
    )

    text = page_texts(document.pdf)[0]
    assert "法定代表人：张䶮，经办人：王㐀。" in text
    assert "张䶮（签字）：" in text
    embedded = {row[0].split("+")[-1]: row[-5] for row in pdffonts(document.pdf, tmp_path)}
    fallback = [name for name in embedded if name.startswith("NotoSansCJKsc")]
    assert len(fallback) == 1
    assert embedded[fallback[0]] == "yes"


def test_a_character_no_font_has_is_refused_with_its_code_point():
    with pytest.raises(RenderError) as caught:
        render_pdf(
            "integrity_commitment",
            {**DEMO_CONTEXTS["integrity_commitment"], "subject_name": "衡阳\ue000建设有限公司"},
            title="诚信承诺书",
        )

    assert isinstance(caught.value, ValueError)
    assert caught.value.message == fonts.UNPRINTABLE.format(chars="「\ue000」（U+E000）")


# --- templates and markup ---------------------------------------------------------------------


def test_user_data_is_printed_literally():
    name = "<b>某&公司</b>"
    document = render_demo("integrity_commitment", subject_name=name)

    assert name in page_texts(document.pdf)[0]


def test_an_invisible_control_character_is_refused_too():
    with pytest.raises(RenderError, match=r"U\+0007"):
        render_markup("<p>响铃\x07</p>", title="x")


def test_an_unknown_tag_fails_at_once():
    with pytest.raises(RenderError, match="<blink>"):
        render_markup("<p>正文</p><blink>闪烁</blink>", title="x")


@pytest.mark.parametrize(
    "source",
    [
        "<p>未闭合",
        "<td>表格外的单元格</td>",
        "裸露的文字",
        '<p class="huge">x</p>',
        '<seal-place label="没有名字"></seal-place>',
        '<seal-place name="a"></seal-place><seal-place name="a"></seal-place>',
    ],
)
def test_malformed_markup_is_refused(source):
    with pytest.raises(RenderError):
        render_markup(source, title="x")


def test_only_known_document_kinds_render():
    with pytest.raises(RenderError):
        render_pdf("../base", {}, title="x")


def test_source_line_breaks_are_no_spaces_between_chinese_characters():
    (text,) = markup.parse("<p>公共\n    资源 A\n  B 2025年6月3日 10:24</p>")

    assert isinstance(text, markup.Text)
    assert text.plain() == "公共资源 A B 2025年6月3日 10:24"


# --- seal places ------------------------------------------------------------------------------


def inside_page(place: Place) -> bool:
    return 0 <= place.x <= A4[0] - place.width and 0 <= place.y <= A4[1] - place.height


def overlap(a: Place, b: Place) -> bool:
    return (
        a.page == b.page
        and a.x < b.x + b.width
        and b.x < a.x + a.width
        and a.y < b.y + b.height
        and b.y < a.y + a.height
    )


def test_the_announcement_records_both_seal_places_on_its_last_page():
    document = render_demo("announcement")

    assert set(document.places) == {"purchaser", "agency"}
    for place in document.places.values():
        assert place.page == 2
        assert place.width == pytest.approx(42 * 72 / 25.4)
        assert place.height == place.width
        assert inside_page(place)
    assert not overlap(document.places["purchaser"], document.places["agency"])


def test_the_commitments_seal_places_share_its_last_page_without_overlapping():
    document = render_demo("integrity_commitment")

    unit, representative = document.places["unit"], document.places["legal_representative"]
    assert unit.page == representative.page == document.pages
    assert inside_page(unit) and inside_page(representative)
    assert not overlap(unit, representative)


def test_a_seal_place_leaves_its_box_empty():
    document = render_demo("sample")
    place = document.places["seal"]

    for _ch, (left, bottom, right, top) in char_boxes(document.pdf):
        assert (
            right <= place.x
            or left >= place.x + place.width
            or top <= place.y
            or bottom >= place.y + place.height
        )


# --- previews ---------------------------------------------------------------------------------


def png_size(png: bytes) -> tuple[int, int]:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return image.size


def test_page_png_has_the_asked_width_and_the_a4_shape():
    pdf = render_demo("announcement").pdf

    for width in (900, 333):
        w, h = png_size(page_png(pdf, 2, width_px=width))
        assert w == width
        assert h == pytest.approx(width * A4[1] / A4[0], abs=1)


def test_previews_refuse_missing_pages_and_broken_files():
    pdf = render_demo("sample").pdf

    with pytest.raises(PreviewError, match="共1页"):
        page_png(pdf, 2)
    with pytest.raises(PreviewError):
        page_count(b"%PDF-1.7 not really")


def with_widget(pdf: bytes, place: Place) -> bytes:
    """The PDF with a signature widget whose appearance is a red square filling `place`."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    appearance = generic.StreamObject(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): generic.ArrayObject(
                [generic.FloatObject(v) for v in (0, 0, place.width, place.height)]
            ),
        },
        stream_data=f"1 0 0 rg 0 0 {place.width:.2f} {place.height:.2f} re f".encode(),
    )
    page_ref = writer.find_page_for_modification(place.page - 1)[0]
    rect = (place.x, place.y, place.x + place.width, place.y + place.height)
    widget = writer.add_object(
        generic.DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Widget"),
                NameObject("/FT"): NameObject("/Sig"),
                NameObject("/T"): generic.TextStringObject("seal"),
                NameObject("/F"): generic.NumberObject(4),
                NameObject("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in rect]),
                NameObject("/AP"): generic.DictionaryObject(
                    {NameObject("/N"): writer.add_object(appearance)}
                ),
                NameObject("/P"): page_ref,
            }
        )
    )
    page = page_ref.get_object()
    page[NameObject("/Annots")] = generic.ArrayObject([widget])
    writer.update_container(page)
    writer.root[NameObject("/AcroForm")] = generic.DictionaryObject(
        {
            NameObject("/Fields"): generic.ArrayObject([widget]),
            NameObject("/SigFlags"): generic.NumberObject(3),
        }
    )
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_preview_shows_what_a_signature_widget_draws():
    document = render_demo("sample")
    place = document.places["seal"]
    sealed = with_widget(document.pdf, place)

    image = Image.open(io.BytesIO(page_png(sealed, place.page, width_px=600))).convert("RGB")
    scale = 600 / A4[0]
    centre = (int((place.x + place.width / 2) * scale), int((A4[1] - place.y - place.height / 2) * scale))

    assert image.getpixel(centre) == (255, 0, 0)
    before = Image.open(io.BytesIO(page_png(document.pdf, place.page, width_px=600))).convert("RGB")
    assert before.getpixel(centre) == (255, 255, 255)
