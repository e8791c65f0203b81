"""Parsed document blocks laid out as ReportLab flowables, in the house style of printed notices.

Sizes are Chinese point sizes (字号): the title in 二号 (22 pt) as GB/T 9704 has it, headings in
小三 (15 pt), tables in 小四 (12 pt), and the body in 四号 (14 pt) rather than the 三号 (16 pt) of
a 公文: our face is a 黑体-like sans that reads heavier than 仿宋 at the same size, announcements
carry tables of five or six columns that need the room, and at 16 pt a real 招标公告 or a one-page
承诺书 with its seal places would not fit the pages they are expected to fill.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from signing import markup
from signing.cjk import CJKParagraph
from signing.fonts import FONT, FONT_BOLD

BODY_SIZE = 14
LINE_SPACING = 1.5
SEAL_SIZE = 42 * mm  # a round official seal is 40–42 mm across
HEADER_SHADE = colors.HexColor("#EDEDED")
RULE = colors.black
CELL_PADDING = 4

_base = ParagraphStyle(
    "body",
    fontName=FONT,
    fontSize=BODY_SIZE,
    leading=BODY_SIZE * LINE_SPACING,
    alignment=TA_JUSTIFY,
    wordWrap="CJK",
)
STYLES = {
    "p": _base,
    "h1": ParagraphStyle(
        "h1",
        _base,
        fontName=FONT_BOLD,
        fontSize=22,
        leading=32,
        alignment=TA_CENTER,
        spaceAfter=16,
        keepWithNext=1,
    ),
    "h2": ParagraphStyle(
        "h2",
        _base,
        fontName=FONT_BOLD,
        fontSize=15,
        leading=22,
        alignment=TA_LEFT,
        spaceBefore=2,
        keepWithNext=1,
    ),
    "li": ParagraphStyle("li", _base, firstLineIndent=2 * BODY_SIZE),
    "date-line": ParagraphStyle("date-line", _base, alignment=TA_RIGHT, rightIndent=2 * BODY_SIZE),
    "td": ParagraphStyle("td", _base, fontSize=12, leading=16, spaceAfter=0, alignment=TA_LEFT),
    "th": ParagraphStyle("th", _base, fontName=FONT_BOLD, fontSize=12, leading=16, alignment=TA_CENTER),
    "label": ParagraphStyle("label", _base, alignment=TA_LEFT),
    "label-beside": ParagraphStyle("label-beside", _base, alignment=TA_RIGHT),
}
_ALIGN = {"center": TA_CENTER, "right": TA_RIGHT}


@dataclass(frozen=True)
class Place:
    """Where a seal goes: 1-based page and a rectangle in PDF points, origin at the bottom left."""

    page: int
    x: float
    y: float
    width: float
    height: float
    label: str = ""  # the template's words beside the box, e.g. 承诺单位（盖章）


class DocumentCanvas(Canvas):
    """A canvas whose text objects stroke as well as fill whatever is set in FONT_BOLD.

    WenQuanYi has no bold face and ReportLab cannot embolden one, so bold is faked the way word
    processors do it: text render mode 2 (fill, then stroke) with a thin outline. Text extraction
    and the embedded font are unaffected.
    """

    def beginText(self, x: float = 0, y: float = 0, direction: str | None = None) -> PDFTextObject:
        return _TextObject(self, x, y, direction=direction)


class _TextObject(PDFTextObject):
    def __init__(self, canvas: Canvas, x: float = 0, y: float = 0, direction: str | None = None) -> None:
        self._stroking = False
        super().__init__(canvas, x, y, direction=direction)
        self._embolden(self._fontname, self._fontsize)

    def setFont(self, psfontname: str, size: float, leading: float | None = None) -> None:
        super().setFont(psfontname, size, leading)
        self._embolden(psfontname, size)

    def _setFont(self, psfontname: str, size: float) -> None:
        super()._setFont(psfontname, size)
        self._embolden(psfontname, size)

    def _embolden(self, fontname: str, size: float) -> None:
        if fontname == FONT_BOLD:
            self._code.append(f"{fp_str(size * 0.03)} w 2 Tr")
            self._stroking = True
        elif self._stroking:
            self._code.append("0 Tr")
            self._stroking = False

    def getCode(self) -> str:
        # Render mode and line width are graphics state and outlive ET: put both back.
        if self._stroking:
            self._code.append(f"0 Tr {fp_str(self._canvas._lineWidth)} w")
            self._stroking = False
        return super().getCode()


class SealBox(Flowable):
    """Seal places: each a label and an empty square where the seal goes when the document is signed.

    One place stands at the right margin with its label to its left; a row shares the line out
    equally, each label above its square. Positions are only known once a frame places the
    flowable, so draw() records them.
    """

    def __init__(
        self, seals: list[markup.SealPlace], *, row: bool, places: dict[str, Place], to_markup: ToMarkup
    ) -> None:
        super().__init__()
        self.names = [seal.name for seal in seals]
        self.row = row
        self.places = places
        self.spaceBefore = BODY_SIZE
        # Labels are paragraphs so that they, too, get the fallback font for a rare character.
        style = STYLES["label"] if row else STYLES["label-beside"]
        self.labels = [
            CJKParagraph(to_markup(markup.Text(kind="p", glyphs=[(ch, False) for ch in seal.label])), style)
            for seal in seals
        ]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = SEAL_SIZE + (BODY_SIZE * LINE_SPACING if self.row else 0)
        return self.width, self.height

    def draw(self) -> None:
        if not self.row:
            box_x = self.width - SEAL_SIZE
            self._label(self.labels[0], 0, SEAL_SIZE / 2, box_x)
            self._record(self.names[0], box_x, self.labels[0].getPlainText())
            return
        cell = self.width / len(self.names)
        for i, (name, label) in enumerate(zip(self.names, self.labels, strict=True)):
            x = i * cell + BODY_SIZE * 2
            self._label(label, x, SEAL_SIZE + BODY_SIZE * LINE_SPACING / 2, cell - BODY_SIZE * 2)
            self._record(name, x, label.getPlainText())

    def _label(self, label: Paragraph, x: float, middle: float, width: float) -> None:
        _, height = label.wrap(width, self.height)
        label.drawOn(self.canv, x, middle - height / 2)

    def _record(self, name: str, box_x: float, label: str) -> None:
        x, y = self.canv.absolutePosition(box_x, 0)
        self.places[name] = Place(
            page=self.canv.getPageNumber(),
            x=x,
            y=y,
            width=SEAL_SIZE,
            height=SEAL_SIZE,
            label=label.strip().rstrip("：:"),
        )


ToMarkup = Callable[[markup.Text], str]


def flowables(blocks: list[markup.Block], *, to_markup: ToMarkup, places: dict[str, Place]) -> list[Any]:
    story: list[Any] = []
    signing: list[Any] = []  # seal places and their date line, kept on one page with what precedes
    for block in blocks:
        if isinstance(block, markup.SealPlace | markup.SealRow):
            if not signing and story and not isinstance(story[-1], PageBreak | Spacer):
                signing.append(story.pop())
            row = isinstance(block, markup.SealRow)
            seals = block.places if isinstance(block, markup.SealRow) else [block]
            signing.append(SealBox(seals, row=row, places=places, to_markup=to_markup))
            continue
        if signing and isinstance(block, markup.Text) and block.kind == "date-line":
            signing.append(paragraph(block, to_markup))
            continue
        if signing:
            story.append(KeepTogether(signing))
            signing = []
        if isinstance(block, markup.Text):
            story.append(paragraph(block, to_markup))
        elif isinstance(block, markup.Table):
            story.extend(table(block, to_markup))
        elif isinstance(block, markup.PageBreak):
            story.append(PageBreak())
    if signing:
        story.append(KeepTogether(signing))
    return story


def paragraph(text: markup.Text, to_markup: ToMarkup) -> Paragraph:
    style = _style_for(text)
    return CJKParagraph(to_markup(text), style)


def _style_for(text: markup.Text) -> ParagraphStyle:
    style = STYLES.get(text.kind, _base)
    changes: dict[str, Any] = {}
    if "indent" in text.classes:
        changes["firstLineIndent"] = 2 * style.fontSize
    if "small" in text.classes:
        changes.update(fontSize=12, leading=12 * LINE_SPACING)
    for name, alignment in _ALIGN.items():
        if name in text.classes:
            changes["alignment"] = alignment
    if not changes:
        return style
    return ParagraphStyle(f"{style.name}-{'-'.join(sorted(text.classes))}", style, **changes)


def table(block: markup.Table, to_markup: ToMarkup) -> list[Any]:
    if not block.rows or not any(block.rows):
        return []
    columns = max(len(row) for row in block.rows)
    data = [
        [paragraph(cell.text, to_markup) for cell in row] + [""] * (columns - len(row)) for row in block.rows
    ]
    header_rows = 0
    while header_rows < len(block.rows) and all(cell.header for cell in block.rows[header_rows]):
        header_rows += 1
    commands: list[tuple[Any, ...]] = [
        # Cells are paragraphs, but ReportLab still sets the cell font (Helvetica unless told), which
        # would put an unembedded font into the PDF.
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("GRID", (0, 0), (-1, -1), 0.6, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PADDING + 1),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]
    for r, row in enumerate(block.rows):
        for c, cell in enumerate(row):
            if cell.header:
                commands.append(("BACKGROUND", (c, r), (c, r), HEADER_SHADE))
    return [
        Spacer(0, 4),
        _AutoWidthTable(data, block, repeatRows=header_rows, style=TableStyle(commands), hAlign="CENTER"),
        Spacer(0, 8),
    ]


class _AutoWidthTable(Table):
    """A table as wide as the text block, its columns shared out by how much each one holds."""

    # ReportLab makes the pieces of a table split across pages with this class, passing the data
    # first and the whole table's column widths: a piece has no block and keeps those widths.
    def __init__(self, data: list[list[Any]], block: markup.Table | None = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self._block = block
        self._sized_for: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._block is not None and self._sized_for != availWidth:
            self._argW = column_widths(self._block, availWidth)
            self._sized_for = availWidth
        return super().wrap(availWidth, availHeight)


def column_widths(block: markup.Table, total: float) -> list[float]:
    """Fixed widths first; the rest in proportion to each column's longest line, but never so
    narrow that a column cannot hold its widest unbreakable word."""
    columns = max(len(row) for row in block.rows)
    fixed: list[float | None] = [None] * columns
    natural = [0.0] * columns
    minimum = [0.0] * columns
    pad = 2 * CELL_PADDING
    for row in block.rows:
        for c, cell in enumerate(row):
            if cell.width is not None:
                fixed[c] = cell.width * total
            style = STYLES[cell.text.kind]
            lines = cell.text.plain().split(markup.LINE_BREAK)
            natural[c] = max(natural[c], *(_width(line, style) + pad for line in lines))
            minimum[c] = max(minimum[c], *(_width(word, style) + pad for word in _unbreakable(cell.text)))
    free = total - sum(width for width in fixed if width is not None)
    open_columns = [c for c in range(columns) if fixed[c] is None]
    want = sum(natural[c] for c in open_columns)
    floor = sum(minimum[c] for c in open_columns)
    widths = list(fixed)
    for c in open_columns:
        if want <= free:
            widths[c] = natural[c] * free / want if want else free / len(open_columns)
        elif floor < free:
            share = (natural[c] - minimum[c]) / (want - floor) if want > floor else 0
            widths[c] = minimum[c] + share * (free - floor)
        else:
            widths[c] = free / len(open_columns)
    return [width or 0.0 for width in widths]


def _width(text: str, style: ParagraphStyle) -> float:
    return stringWidth(text, style.fontName, style.fontSize)


def _unbreakable(text: markup.Text) -> list[str]:
    """What a line cannot be broken inside: a Chinese character, or a Latin word or number."""
    return re.findall(r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+|\S", text.plain()) or [""]


def text_markup(text: markup.Text, *, fallback: str | None, missing: set[str]) -> str:
    """ReportLab paragraph markup for a run of glyphs: escaped, with <b> and fallback-font spans."""
    parts: list[str] = [escape(text.prefix)]
    run: list[str] = []
    current: tuple[bool, bool] | None = None

    def flush() -> None:
        if not run or current is None:
            return
        bold, rare = current
        chunk = escape("".join(run))
        if rare:
            chunk = f'<font name="{fallback}">{chunk}</font>'
        parts.append(f"<b>{chunk}</b>" if bold else chunk)
        run.clear()

    for ch, bold in text.glyphs:
        if ch == markup.LINE_BREAK:
            flush()
            parts.append("<br/>")
            continue
        key = (bold, ch in missing)
        if key != current:
            flush()
            current = key
        run.append(ch)
    flush()
    return "".join(parts)
