"""Page previews of PDFs, seals included, through PDFium (pypdfium2).

A visible signature is a widget annotation whose appearance stream draws the seal. PDFium draws
widgets through its form-fill environment, so every document is opened with init_forms() before
any page is loaded; without it a sealed page previews as if unsealed.

PDFium is not thread-safe and its objects hold native memory: every call here takes PDFIUM_LOCK
and closes what it opened. Other code calling pypdfium2 in this process should take the lock too.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pypdfium2 as pdfium

from core.errors import DomainError

PDFIUM_LOCK = threading.Lock()

UNREADABLE = "无法读取该PDF文件，文件可能已损坏或不是PDF格式。"
NO_SUCH_PAGE = "该PDF文件共{pages}页，没有第{page}页。"


class PreviewError(DomainError, ValueError):
    """A PDF that cannot be previewed as asked."""


def page_count(pdf: bytes) -> int:
    with _document(pdf) as doc:
        return len(doc)


def page_size(pdf: bytes, page: int) -> tuple[float, float]:
    """Width and height of a page (1-based) in PDF points."""
    with _document(pdf) as doc, _page(doc, page) as handle:
        width, height = handle.get_size()
        return float(width), float(height)


def page_png(pdf: bytes, page: int, *, width_px: int = 900) -> bytes:
    """A page (1-based) as a PNG `width_px` wide, with annotations and form fields drawn."""
    if width_px < 1:
        raise ValueError(f"width_px must be positive, not {width_px}")
    with _document(pdf) as doc, _page(doc, page) as handle:
        # Shave the scale a hair: PDFium rounds the bitmap size up, and 595.28 pt × (900/595.28)
        # can come out as 900.0000001 pixels.
        scale = (width_px - 1e-6) / handle.get_width()
        bitmap = handle.render(scale=scale, may_draw_forms=True, draw_annots=True)
        try:
            out = io.BytesIO()
            # Encode before closing: for some pixel formats the PIL image shares the native buffer.
            bitmap.to_pil().save(out, format="PNG")
        finally:
            bitmap.close()
    return out.getvalue()


@contextmanager
def _document(pdf: bytes) -> Iterator[pdfium.PdfDocument]:
    with PDFIUM_LOCK:
        try:
            doc = pdfium.PdfDocument(pdf)
        except pdfium.PdfiumError:
            raise PreviewError(UNREADABLE) from None
        try:
            doc.init_forms()  # before any page is loaded, or widgets are not drawn
            yield doc
        finally:
            doc.close()


@contextmanager
def _page(doc: pdfium.PdfDocument, page: int) -> Iterator[pdfium.PdfPage]:
    pages = len(doc)
    if not 1 <= page <= pages:
        raise PreviewError(NO_SUCH_PAGE.format(pages=pages, page=page))
    handle = doc[page - 1]
    try:
        yield handle
    finally:
        handle.close()
