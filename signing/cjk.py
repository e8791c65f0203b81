"""Chinese line breaking and justification for ReportLab paragraphs.

ReportLab's CJK wrap breaks before any character and lets one closing mark hang in the margin, so
"四楼），同时" puts the comma at the start of the next line; and its justification only widens
spaces, which Chinese text has none of. Printed Chinese (GB/T 15834, and every word processor)
does neither: a closing mark never starts a line and an opening one never ends it, the character
before is carried down instead, and every full line is spread to both margins by widening the
gaps between characters. Latin words and numbers ("0734-8869012") are kept whole where possible.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from reportlab.platypus import paragraph as rl_paragraph
from reportlab.platypus.paragraph import Paragraph, ParaLines, cjkU, makeCJKParaLine
from reportlab.rl_config import _FUZZ

NO_LINE_START = frozenset("，。、；：？！）】》〉」』〕］｝”’…·％!),.:;?]}%")
NO_LINE_END = frozenset("（【《〈「『〔［｛“‘([{")
# How much a break may carry down to keep a Latin word or number whole, in ems: beyond that the
# line would be spread too thin, so a long one (a credit code, a URL) is split instead.
_CARRY_EMS = 3


class CJKParagraph(Paragraph):
    """A paragraph broken by the rules above; use it with wordWrap="CJK"."""

    def breakLinesCJK(self, maxWidths: Any) -> Any:
        if not isinstance(maxWidths, list | tuple):
            maxWidths = [maxWidths]
        if hasattr(self, "blPara") and getattr(self, "_splitpara", False):
            return self.blPara  # the tail of a paragraph split across pages keeps its lines
        if not self.frags:
            return super().breakLinesCJK(maxWidths)
        return break_lines(self.frags, list(maxWidths))


def break_lines(frags: list[Any], max_widths: list[float]) -> Any:
    glyphs: list[Any] = []
    for frag in frags:
        text = frag.text if isinstance(frag.text, str) else frag.text.decode("utf8")
        if text:
            glyphs.extend(cjkU(ch, frag, "utf8") for ch in text)
        else:  # an empty frag stands for <br/>; ReportLab marks it with a lineBreak attribute
            glyphs.append(cjkU("", frag, "utf8"))

    lines: list[Any] = []

    def width_for_next_line() -> float:
        return max_widths[min(len(lines), len(max_widths) - 1)]

    def emit(start: int, stop: int, max_width: float, *, forced: bool) -> None:
        end = stop
        while end > start and glyphs[end - 1] == " ":
            end -= 1  # trailing spaces take no room at the margin
        used = sum(g.width for g in glyphs[start:end])
        line = makeCJKParaLine(glyphs[start:stop], max_width, used, max_width - used, forced, False)
        line.cjk_glyphs = end - start  # read by justify_line below
        lines.append(line)

    start = i = 0
    used = 0.0
    max_width = width_for_next_line()
    while i < len(glyphs):
        glyph = glyphs[i]
        if hasattr(glyph.frag, "lineBreak"):
            emit(start, i + 1, max_width, forced=True)
            start = i = i + 1
            used, max_width = 0.0, width_for_next_line()
            continue
        if used + glyph.width > max_width + _FUZZ and i > start:
            cut = _break_before(glyphs, start, i)
            emit(start, cut, max_width, forced=False)
            while cut < i and glyphs[cut] == " ":
                cut += 1  # nor do leading ones
            start = cut
            used, max_width = sum(g.width for g in glyphs[start:i]), width_for_next_line()
            continue
        used += glyph.width
        i += 1
    if start < len(glyphs):
        emit(start, len(glyphs), max_width, forced=False)
    return ParaLines(kind=1, lines=lines)


def _break_before(glyphs: list[Any], start: int, overflow: int) -> int:
    """Where the line that overflows at `overflow` should end: the latest allowed break."""
    limit = _CARRY_EMS * glyphs[overflow].frag.fontSize
    carried = 0.0
    for cut in range(overflow, start, -1):
        if _may_break(glyphs[cut - 1], glyphs[cut]):
            return cut
        carried += glyphs[cut - 1].width
        if carried > limit:
            break
    # Nothing within reach: split the word, still keeping a closing mark off the next line.
    cut = overflow
    while cut > start + 1 and glyphs[cut] in NO_LINE_START:
        cut -= 1
    return cut


def _may_break(before: str, after: str) -> bool:
    if after in NO_LINE_START or before in NO_LINE_END:
        return False
    if before == " " or after == " ":
        return True
    return _is_wide(before) or _is_wide(after)


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


_reportlab_justify = rl_paragraph._justifyDrawParaLineX


def justify_line(tx: Any, offset: float, line: Any, last: int = 0) -> None:
    """ReportLab's justified line, with the slack spread between characters on our CJK lines."""
    glyphs = getattr(line, "cjk_glyphs", 0)
    slack = line.extraSpace
    if last or line.lineBreak or glyphs < 2 or not 0 < slack < line.maxWidth / 4:
        _reportlab_justify(tx, offset, line, last)
        return
    tx.setCharSpace(slack / (glyphs - 1))
    _reportlab_justify(tx, offset, line, 1)  # "last" only tells it not to widen spaces as well
    tx.setCharSpace(0)


# ReportLab picks its line drawer from this module global when it draws a justified paragraph;
# lines not made by break_lines carry no cjk_glyphs and are drawn exactly as before.
rl_paragraph._justifyDrawParaLineX = justify_line
