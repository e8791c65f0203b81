"""File-level abuse a public upload page meets: denial of service (many fields on one signature,
many revisions) and malformed or encrypted files."""

from __future__ import annotations

import io

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PdfFileWriter

from .kit import Kit, append_revision, last_startxref, plain_pdf, rect, written


def many_fields_one_signature(kit: Kit, count: int = 300) -> bytes:
    """Hundreds of signature fields all pointing at the one genuine signature."""
    writer = IncrementalPdfFileWriter(io.BytesIO(kit.sealed), strict=False)
    value = writer.root["/AcroForm"]["/Fields"][0].get_object().raw_get("/V")
    form = writer.root["/AcroForm"]
    for number in range(count):
        field = generic.DictionaryObject(
            {
                pdf_name("/FT"): pdf_name("/Sig"),
                pdf_name("/T"): pdf_string(f"copy{number}"),
                pdf_name("/V"): value,
                pdf_name("/Rect"): rect((0, 0, 0, 0)),
                pdf_name("/Subtype"): pdf_name("/Widget"),
                pdf_name("/Type"): pdf_name("/Annot"),
            }
        )
        form["/Fields"].append(writer.add_object(field))
    acro = writer.root.raw_get("/AcroForm")
    if isinstance(acro, generic.IndirectObject):
        writer.mark_update(acro)
    else:
        writer.update_root()
    return written(writer)


def later_revision_malformed(kit: Kit) -> bytes:
    """A revision after the seal whose xref points into nowhere."""
    data = kit.sealed + b"\n"
    xref_at = len(data)
    reader = PdfFileReader(io.BytesIO(kit.sealed), strict=False)
    data += b"xref\n%d 1\n%010d 00000 n \n" % (reader.root_ref.idnum, len(kit.sealed) + 10**7)
    data += b"trailer\n<< /Size %d /Root %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        int(reader.trailer_view["/Size"]),
        reader.root_ref.idnum,
        last_startxref(kit.sealed),
        xref_at,
    )
    return data


def xref_cycle(kit: Kit) -> bytes:
    """Two cross-reference sections whose /Prev point at each other."""
    data = kit.sealed + b"\n"
    first = len(data)
    reader = PdfFileReader(io.BytesIO(kit.sealed), strict=False)
    size, root = int(reader.trailer_view["/Size"]), reader.root_ref.idnum
    section = b"xref\n0 0\ntrailer\n<< /Size %d /Root %d 0 R /Prev %%010d >>\n" % (size, root)
    second = first + len(section % 0)
    data += section % second + section % first
    data += b"startxref\n%d\n%%%%EOF\n" % second
    return data


def encrypted(kit: Kit) -> bytes:
    from pyhanko.pdf_utils.crypt import StandardSecurityHandler

    writer = PdfFileWriter()
    source = PdfFileReader(io.BytesIO(plain_pdf()), strict=False)
    writer.root[pdf_name("/Pages")] = writer.import_object(source.root.raw_get("/Pages"))
    writer._assign_security_handler(StandardSecurityHandler.build_from_pw("owner-secret", "user-secret"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def signature_dictionary_broken(kit: Kit) -> bytes:
    """The field's /V is not a dictionary at all."""
    writer = IncrementalPdfFileWriter(io.BytesIO(kit.sealed), strict=False)
    field = writer.root["/AcroForm"]["/Fields"][0].get_object()
    field[pdf_name("/V")] = generic.NumberObject(42)
    writer.update_container(field)
    return written(writer)


def shared_signature(kit: Kit) -> bytes:
    """A few extra fields pointing at the one genuine signature: under the count limit."""
    return many_fields_one_signature(kit, count=3)


def many_revisions(kit: Kit, count: int = 130) -> bytes:
    """Over a hundred tiny incremental updates, each rewriting the document information."""
    data = kit.sealed
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    info = reader.trailer_view.raw_get("/Info")
    for number in range(count):
        body = b"<< /Producer (revision %d) >>" % number
        data = append_revision(data, {info.idnum: body}, extra_trailer=b"/Info %d 0 R " % info.idnum)
    return data
