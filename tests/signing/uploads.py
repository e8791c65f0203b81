"""PDFs written byte by byte for the import tests, as the producers that matter write them: a
classic cross-reference table (LibreOffice, ReportLab), cross-reference streams with object streams
(Acrobat, pdfTeX) and hybrid-reference files (Microsoft Word's "Save as PDF"); and hostile ones."""

from __future__ import annotations

import io
import struct
import zlib

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.crypt import StandardSecurityHandler
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PdfFileWriter
from pyhanko.sign import fields

from signing import imports
from signing.models import Document

A4 = b"[0 0 595.32 841.92]"  # as Word writes it


def import_pdf(actor, unit, pdf: bytes, **options) -> Document:
    return imports.document_import(
        actor=actor,
        subject=unit,
        kind=options.pop("kind", "tender_document"),
        title=options.pop("title", "衡阳市第一中学智慧教室设备采购项目招标文件"),
        pdf=pdf,
        **options,
    )


def pdf_bytes(
    objects: dict[int, bytes], *, root: int = 1, xref: str = "table", packed: frozenset = frozenset()
):
    """A PDF of `objects` (number → the object's body) with the kind of cross-reference section a
    producer writes: "table", "stream" (objects in `packed` go into an object stream) or "hybrid"
    (a table for old readers, and an /XRefStm for the packed objects)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    plain = {number: body for number, body in objects.items() if number not in packed}
    compressed: dict[int, tuple[int, int]] = {}
    next_number = max(objects) + 1
    if packed:
        stream_number, next_number = next_number, next_number + 1
        header, body = b"", b""
        for index, number in enumerate(sorted(packed)):
            header += b"%d %d " % (number, len(body))
            body += objects[number] + b"\n"
            compressed[number] = (stream_number, index)
        data = header + body
        plain[stream_number] = b"<< /Type /ObjStm /N %d /First %d /Length %d >>\nstream\n%s\nendstream" % (
            len(packed),
            len(header),
            len(data),
            data,
        )
    offsets: dict[int, int] = {}
    for number, body in sorted(plain.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    if xref == "table":
        size = next_number
        start = len(out)
        out += _table(size, offsets)
        out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, start)
        return bytes(out)
    xref_number = next_number
    size = xref_number + 1
    offsets[xref_number] = len(out)
    if xref == "stream":
        rows = {n: (1, offsets[n], 0) for n in offsets} | {n: (2, *where) for n, where in compressed.items()}
        out += _xref_stream(xref_number, size, rows, root=root, index=[(0, size)])
        out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number]
        return bytes(out)
    rows = {n: (2, *where) for n, where in compressed.items()}
    out += _xref_stream(xref_number, size, rows, root=root, index=[(n, 1) for n in sorted(rows)])
    start = len(out)
    out += _table(size, offsets)
    trailer = b"<< /Size %d /Root %d 0 R /XRefStm %d >>" % (size, root, offsets[xref_number])
    out += b"trailer\n%s\nstartxref\n%d\n%%%%EOF\n" % (trailer, start)
    return bytes(out)


def _table(size: int, offsets: dict[int, int]) -> bytes:
    lines = [b"xref\n0 %d\n" % size, b"0000000000 65535 f \n"]
    for number in range(1, size):
        lines.append(b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 00000 f \n")
    return b"".join(lines)


def _xref_stream(number, size, rows, *, root, index) -> bytes:
    data = b"".join(
        struct.pack(">BIH", *rows.get(n, (0, 0, 0)))
        for start, count in index
        for n in range(start, start + count)
    )
    spans = b" ".join(b"%d %d" % span for span in index)
    return (
        b"%d 0 obj\n<< /Type /XRef /Size %d /Root %d 0 R /W [1 4 2] /Index [%s] /Length %d >>\nstream\n%s\nendstream\nendobj\n"
        % (
            number,
            size,
            root,
            spans,
            len(data),
            data,
        )
    )


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), extra, data)


def document_objects(
    pages: int = 3,
    *,
    media: bytes = A4,
    page_extra: bytes = b"",
    catalog_extra: bytes = b"",
    extra: dict[int, bytes] | None = None,
) -> dict[int, bytes]:
    """Catalog 1, page tree 2, font 3, then each page and its content; `extra` objects from 100."""
    kids = b" ".join(b"%d 0 R" % (10 + 2 * i) for i in range(pages))
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R %s >>" % catalog_extra,
        2: b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    for i in range(pages):
        objects[10 + 2 * i] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R %s >>"
            % (media, 11 + 2 * i, page_extra)
        )
        objects[11 + 2 * i] = stream(b"BT /F1 24 Tf 72 760 Td (Tender document, page %d) Tj ET" % (i + 1))
    return objects | (extra or {})


def good_pdf(pages: int = 3, xref: str = "table") -> bytes:
    """A hybrid file packs only what a seal leaves alone (the font), as Word packs the structure
    tree: its table lists packed objects as free, and a later revision may not redefine them."""
    packed = {"table": frozenset(), "stream": frozenset({1, 3}), "hybrid": frozenset({3})}[xref]
    return pdf_bytes(document_objects(pages), xref=xref, packed=packed)


def encrypted_pdf() -> bytes:
    writer = PdfFileWriter()
    source = PdfFileReader(io.BytesIO(good_pdf()), strict=False)
    writer.root[pdf_name("/Pages")] = writer.import_object(source.root.raw_get("/Pages"))
    writer._assign_security_handler(StandardSecurityHandler.build_from_pw("owner-secret", ""))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def incremental(pdf: bytes, edit) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    edit(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def saved_again(pdf: bytes, times: int) -> bytes:
    """Saved `times` more times, each save an incremental update, as an editor does."""

    def retitle(writer):
        writer.root[pdf_name("/Lang")] = generic.TextStringObject("zh-CN")
        writer.update_root()

    for _ in range(times):
        pdf = incremental(pdf, retitle)
    return pdf


def with_empty_signature_field(pdf: bytes) -> bytes:
    spec = fields.SigFieldSpec(sig_field_name="采购人签章", on_page=0, box=(100, 100, 200, 200))
    return incremental(pdf, lambda writer: fields.append_signature_field(writer, spec))


# --- hostile files -------------------------------------------------------------------------------


def hostile() -> dict[str, bytes]:
    """Files written to break a parser or make it work forever, by what they try."""
    good = good_pdf(2)
    deep = b"[" * 50_000 + b"]" * 50_000
    start = good.rindex(b"startxref")
    return {
        "deep-nesting": pdf_bytes(document_objects(1, catalog_extra=b"/Deep %s" % deep)),
        "deep-nesting-in-page": pdf_bytes(document_objects(1, page_extra=b"/Deep %s" % deep)),
        "prev-loop": good[:start].replace(b"/Root 1 0 R", b"/Root 1 0 R /Prev %d" % good.index(b"xref\n"))
        + good[start:],
        "huge-count": pdf_bytes(
            {**document_objects(1), 2: b"<< /Type /Pages /Kids [10 0 R] /Count 2147483647 >>"}
        ),
        "huge-size": good.replace(b"/Size 14", b"/Size 99999999999"),
        "negative-size": good.replace(b"/Size 14", b"/Size -1"),
        "kids-not-array": pdf_bytes({**document_objects(1), 2: b"<< /Type /Pages /Kids 10 0 R /Count 1 >>"}),
        "deep-page-tree": _deep_tree(200),
        "missing-object": pdf_bytes({k: v for k, v in document_objects(2).items() if k != 12}),
        "bytes-after-eof": good + b"1 0 obj << /Type /Catalog >> endobj\n" * 10,
        "objstm-bomb": pdf_bytes(
            {
                **document_objects(1),
                100: stream(
                    zlib.compress(b"0" * (80 * 1024 * 1024), 9),
                    b"/Type /ObjStm /N 1 /First 2 /Filter /FlateDecode",
                ),
            }
        ),
        "annots-not-array": pdf_bytes(document_objects(1, page_extra=b"/Annots 5")),
        "action-loop": pdf_bytes(
            document_objects(
                1,
                catalog_extra=b"/OpenAction 100 0 R",
                extra={100: b"<< /S /GoTo /D [10 0 R /Fit] /Next 100 0 R >>"},
            )
        ),
        "outline-loop": pdf_bytes(
            document_objects(
                1,
                catalog_extra=b"/Outlines 100 0 R",
                extra={100: b"<< /First 101 0 R >>", 101: b"<< /Title (a) /Next 101 0 R /First 101 0 R >>"},
            )
        ),
        "form-loop": pdf_bytes(
            document_objects(
                1,
                extra={100: stream(b"", b"/Subtype /Form /Resources << /XObject << /X 100 0 R >> >>")},
                page_extra=b"/Annots [<< /Subtype /Square /Rect [0 0 1 1] /AP << /N 100 0 R >> >>]",
            )
        ),
    }


def _deep_tree(depth: int) -> bytes:
    objects = document_objects(1)
    objects[1] = b"<< /Type /Catalog /Pages 200 0 R >>"
    for level in range(depth):
        kid = 200 + level + 1 if level + 1 < depth else 10
        objects[200 + level] = b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % kid
    objects[10] = objects[10].replace(b"/Parent 2 0 R", b"/Parent %d 0 R" % (200 + depth - 1))
    return pdf_bytes(objects)
