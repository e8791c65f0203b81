"""The small document markup: parsed into plain blocks that flowables.py lays out.

Document templates are Django templates producing a handful of HTML-like tags. Anything else is a
RenderError at once, so a template author learns about a typo from the first render, not from a
printed document with a paragraph missing.

Block tags: h1, h2, p (class center/right/indent/small), ol/li (type "1", "一" or "(一)"),
table/tr/th/td (th/td: class center/right, width="20%"), date-line, page-break,
seal-place (name, label), seal-row (seal places side by side). Inline tags: b, br.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser

from signing.fonts import RenderError

# One drawn character: the character (LINE_BREAK for <br>) and whether it is bold.
Glyph = tuple[str, bool]
LINE_BREAK = "\n"

PARAGRAPH_CLASSES = frozenset({"center", "right", "indent", "small"})
CELL_CLASSES = frozenset({"center", "right"})
LIST_TYPES = ("1", "一", "(一)")
_CHINESE_NUMERALS = "一二三四五六七八九十"
_SOURCE_SPACE = " \t\r\n\f"
_SPACE_RUN = re.compile(r"[ \t\r\n\f]+")
# Whitespace holding a line break of the template source: dropped next to Chinese text, unlike a
# space somebody typed ("2025年6月3日 10:24").
_SOFT_SPACE = "\x00"


@dataclass
class Text:
    """A run of inline content: h1, h2, p, li, a table cell or a date line."""

    kind: str
    classes: frozenset[str] = frozenset()
    glyphs: list[Glyph] = field(default_factory=list)
    prefix: str = ""  # a list item's number, set by the parser

    def plain(self) -> str:
        return self.prefix + "".join(ch for ch, _ in self.glyphs)


@dataclass
class Cell:
    text: Text
    header: bool
    width: float | None  # a fraction of the table width, when the template fixes it


@dataclass
class Table:
    rows: list[list[Cell]] = field(default_factory=list)


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class SealPlace:
    name: str
    label: str


@dataclass
class SealRow:
    """Seal places side by side, each label above its box (采购人 and 采购代理机构, 甲方 and 乙方)."""

    places: list[SealPlace] = field(default_factory=list)


Block = Text | Table | PageBreak | SealPlace | SealRow

_INLINE_CONTAINERS = {"h1", "h2", "p", "li", "th", "td", "date-line"}
_VOID = {"br", "page-break", "seal-place"}
_INLINE_PARENTS: set[str | None] = {*_INLINE_CONTAINERS, "b"}
# Which element may hold which: None is the top level of the document.
_PARENTS: dict[str, set[str | None]] = {
    "h1": {None},
    "h2": {None},
    "p": {None},
    "date-line": {None},
    "page-break": {None},
    "seal-place": {None, "seal-row"},
    "seal-row": {None},
    "table": {None},
    "ol": {None},
    "tr": {"table"},
    "th": {"tr"},
    "td": {"tr"},
    "li": {"ol"},
    "b": _INLINE_PARENTS,
    "br": _INLINE_PARENTS,
}


def parse(markup: str) -> list[Block]:
    parser = _Parser()
    parser.feed(markup)
    parser.close()
    if parser.stack:
        raise RenderError(f"Unclosed <{parser.stack[-1]}> at the end of the document.")
    return parser.blocks


def list_number(list_type: str, n: int) -> str:
    if list_type == "1":
        return f"{n}．"
    numeral = _chinese_numeral(n)
    return f"{numeral}、" if list_type == "一" else f"（{numeral}）"


def _chinese_numeral(n: int) -> str:
    if not 1 <= n <= 99:
        raise RenderError(f"A Chinese-numbered list cannot have {n} items.")
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CHINESE_NUMERALS[tens - 1] + "十")
    return head + (_CHINESE_NUMERALS[units - 1] if units else "")


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.stack: list[str] = []
        self.text: Text | None = None
        self.bold = 0
        self.table: Table | None = None
        self.list_type = "1"
        self.list_count = 0
        self.seal_names: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        parent = self.stack[-1] if self.stack else None
        allowed = _PARENTS.get(tag)
        if allowed is None:
            raise RenderError(f"Unknown tag <{tag}> in the document template.")
        if parent not in allowed:
            raise RenderError(f"<{tag}> cannot stand inside <{parent or 'the document'}>.")
        attributes = {key: value or "" for key, value in attrs}
        if tag not in _VOID:
            self.stack.append(tag)
        if tag in _INLINE_CONTAINERS:
            self._open_text(tag, attributes)
        elif tag == "b":
            self.bold += 1
        elif tag == "br":
            self._add(LINE_BREAK)
        elif tag == "table":
            self.table = Table()
            self.blocks.append(self.table)
        elif tag == "tr":
            assert self.table is not None
            self.table.rows.append([])
        elif tag == "ol":
            self.list_type = attributes.get("type", "1")
            if self.list_type not in LIST_TYPES:
                raise RenderError(f'<ol type="{self.list_type}">: the type must be one of {LIST_TYPES}.')
            self.list_count = 0
        elif tag == "page-break":
            self.blocks.append(PageBreak())
        elif tag == "seal-row":
            self.blocks.append(SealRow())
        elif tag == "seal-place":
            self._seal_place(attributes, parent)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            raise RenderError(f"</{tag}> does not close the open <{self.stack[-1] if self.stack else ''}>.")
        self.stack.pop()
        if tag == "b":
            self.bold -= 1
        elif tag in _INLINE_CONTAINERS:
            assert self.text is not None
            self.text.glyphs = _collapse_spaces(self.text.glyphs)
            self.text = None
        elif tag == "table":
            self.table = None
        elif tag == "seal-row":
            row = self.blocks[-1]
            if not isinstance(row, SealRow) or not row.places:
                raise RenderError("<seal-row> holds no <seal-place>.")

    def handle_data(self, data: str) -> None:
        if self.text is None:
            if data.strip(_SOURCE_SPACE):
                where = self.stack[-1] if self.stack else "the document"
                raise RenderError(f"Text {data.strip()[:20]!r} stands directly inside <{where}>.")
            return
        for ch in _SPACE_RUN.sub(lambda m: _SOFT_SPACE if "\n" in m.group() else " ", data):
            self._add(ch)

    def _add(self, ch: str) -> None:
        assert self.text is not None
        self.text.glyphs.append((ch, self.bold > 0))

    def _open_text(self, tag: str, attributes: dict[str, str]) -> None:
        classes = frozenset(attributes.get("class", "").split())
        known = CELL_CLASSES if tag in ("th", "td") else PARAGRAPH_CLASSES
        if classes - known:
            raise RenderError(f"<{tag}> has unknown class {sorted(classes - known)}.")
        self.text = Text(kind=tag, classes=classes)
        if tag == "li":
            self.list_count += 1
            self.text.prefix = list_number(self.list_type, self.list_count)
            self.blocks.append(self.text)
        elif tag in ("th", "td"):
            assert self.table is not None
            self.table.rows[-1].append(
                Cell(text=self.text, header=tag == "th", width=_fraction(attributes.get("width")))
            )
        else:
            self.blocks.append(self.text)

    def _seal_place(self, attributes: dict[str, str], parent: str | None) -> None:
        name = attributes.get("name", "")
        if not name:
            raise RenderError("<seal-place> needs a name.")
        if name in self.seal_names:
            raise RenderError(f'Two <seal-place name="{name}"> in one document.')
        self.seal_names.add(name)
        place = SealPlace(name=name, label=attributes.get("label", ""))
        row = self.blocks[-1] if parent == "seal-row" else None
        if isinstance(row, SealRow):
            row.places.append(place)
        else:
            self.blocks.append(place)


def _fraction(width: str | None) -> float | None:
    if not width:
        return None
    if not width.endswith("%"):
        raise RenderError(f'Cell width "{width}" must be a percentage such as "20%".')
    try:
        value = float(width[:-1]) / 100
    except ValueError:
        raise RenderError(f'Cell width "{width}" must be a percentage such as "20%".') from None
    if not 0 < value < 1:
        raise RenderError(f'Cell width "{width}" must lie between 0% and 100%.')
    return value


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _collapse_spaces(glyphs: list[Glyph]) -> list[Glyph]:
    """HTML's whitespace rule, adapted to Chinese: a line break in the template source next to
    Chinese text is no space at all, and no space is kept next to a forced line break."""
    out: list[Glyph] = []
    pending: Glyph | None = None
    soft = True
    for glyph in glyphs:
        ch = glyph[0]
        if ch in (" ", _SOFT_SPACE):
            pending = pending or (" ", glyph[1])
            soft = soft and ch == _SOFT_SPACE
            continue
        if pending and out:
            before = out[-1][0]
            beside_chinese = _is_wide(before) or _is_wide(ch)
            if LINE_BREAK not in (before, ch) and not (soft and beside_chinese):
                out.append(pending)
        pending, soft = None, True
        out.append(glyph)
    return out
