"""Documents to seal (公告, 诚信承诺书, the detection page's sample) rendered to A4 PDF.

A document is a Django template in templates/signing/documents/ producing the small markup of
signing.markup; autoescaping stays on, so a unit calling itself "<b>某公司</b>" is printed as
such. The page follows GB/T 9704 (党政机关公文格式): its margins and the "— 1 —" page number.

The PDF is built in ReportLab's invariant mode, so the same input and creation time give the same
bytes, and every seal place reports where it landed, for the signature field that covers it.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from signing import fonts, markup
from signing.document_kinds import DEMO_CONTEXTS, DOCUMENT_KINDS
from signing.flowables import DocumentCanvas, Place, flowables, text_markup
from signing.fonts import FONT, RenderError

__all__ = [
    "DEMO_CONTEXTS",
    "DOCUMENT_KINDS",
    "Place",
    "RenderError",
    "RenderedDocument",
    "render_markup",
    "render_pdf",
]

# GB/T 9704-2012 §5.2.1: 天头 37 mm, 订口 28 mm; the text block is 156 × 225 mm.
TOP_MARGIN = 37 * mm
BOTTOM_MARGIN = 35 * mm
LEFT_MARGIN = 28 * mm
RIGHT_MARGIN = 26 * mm
# §7.5: the page number sits 7 mm below the text block, between em dashes.
PAGE_NUMBER_GAP = 7 * mm
PAGE_NUMBER_SIZE = 12
CREATOR = "ggzy"

UNKNOWN_KIND = "未知的文书类型：{kind}"


@dataclass(frozen=True)
class RenderedDocument:
    pdf: bytes
    pages: int
    places: dict[str, Place]


def render_pdf(
    template: str,
    context: dict[str, Any],
    *,
    title: str,
    author: str = "",
    created: dt.datetime | None = None,
) -> RenderedDocument:
    """Render templates/signing/documents/<template>.html with `context` to an A4 PDF.

    `created` is the creation date written into the PDF (now when not given); pass a fixed one to
    get the same bytes for the same input.
    """
    if template not in DOCUMENT_KINDS:
        raise RenderError(UNKNOWN_KIND.format(kind=template))
    source = render_to_string(f"signing/documents/{template}.html", context)
    return render_markup(source, title=title, author=author, created=created)


def render_markup(
    source: str, *, title: str, author: str = "", created: dt.datetime | None = None
) -> RenderedDocument:
    """Render document markup (what a document template produces) to an A4 PDF."""
    fonts.register()
    blocks = markup.parse(source)
    missing = fonts.missing_glyphs(_all_text(blocks))
    fallback = fonts.fallback_font(missing) if missing else None

    def to_markup(text: markup.Text) -> str:
        return text_markup(text, fallback=fallback, missing=missing)

    places: dict[str, Place] = {}
    story = flowables(blocks, to_markup=to_markup, places=places)
    buffer = io.BytesIO()
    doc = _document(buffer, title=title, author=author, created=created or timezone.now())
    doc.build(story, canvasmaker=DocumentCanvas)
    return RenderedDocument(pdf=buffer.getvalue(), pages=doc.page, places=places)


def _all_text(blocks: list[markup.Block]) -> str:
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, markup.Text):
            parts.append(block.plain())
        elif isinstance(block, markup.Table):
            parts.extend(cell.text.plain() for row in block.rows for cell in row)
        elif isinstance(block, markup.SealPlace):
            parts.append(block.label)
        elif isinstance(block, markup.SealRow):
            parts.extend(place.label for place in block.places)
    return "".join(parts)


def _document(buffer: io.BytesIO, *, title: str, author: str, created: dt.datetime) -> BaseDocTemplate:
    width, height = A4
    frame = Frame(
        LEFT_MARGIN,
        BOTTOM_MARGIN,
        width - LEFT_MARGIN - RIGHT_MARGIN,
        height - TOP_MARGIN - BOTTOM_MARGIN,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="text",
    )
    pdf_date = _pdf_date(created)

    def on_page(canvas: Canvas, doc: BaseDocTemplate) -> None:
        # Invariant mode pins the date to 2000-01-01; the formatter puts the real one back.
        canvas.setDateFormatter(lambda *_: pdf_date)
        canvas.saveState()
        canvas.setFont(FONT, PAGE_NUMBER_SIZE)
        baseline = BOTTOM_MARGIN - PAGE_NUMBER_GAP - PAGE_NUMBER_SIZE
        canvas.drawCentredString(width / 2, baseline, f"— {canvas.getPageNumber()} —")
        canvas.restoreState()

    return BaseDocTemplate(
        buffer,
        pagesize=A4,
        pageTemplates=[PageTemplate(id="page", frames=[frame], onPage=on_page)],
        title=title,
        author=author,
        creator=CREATOR,
        subject="",
        lang="zh-CN",
        invariant=True,
        # ReportLab's default Helvetica would be referenced on every page without being embedded.
        initialFontName=FONT,
    )


def _pdf_date(moment: dt.datetime) -> str:
    """A PDF date string (ISO 32000 §7.9.4) in the moment's own time zone."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    moment = timezone.localtime(moment)
    offset = moment.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return moment.strftime("D:%Y%m%d%H%M%S") + f"{sign}{hours:02d}'{mins:02d}'"
