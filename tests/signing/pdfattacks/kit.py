"""What every attack starts from: a sealer that seals as the platform does, a genuine sealed
document (the `Kit`), and the tools an attacker writes PDF objects and revisions with by hand."""

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


def written(writer: IncrementalPdfFileWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def box_appearance(writer, text: str, box=(60, 680, 400, 730), opaque: bool = True) -> generic.IndirectObject:
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


def rect(box) -> generic.ArrayObject:
    return generic.ArrayObject(map(generic.NumberObject, box))


def add_annotation(
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


def add_field(writer: IncrementalPdfFileWriter, field_ref: generic.IndirectObject) -> None:
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


def text_field(writer, name: str, value: str, box, appearance) -> generic.DictionaryObject:
    return generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Widget"),
            pdf_name("/FT"): pdf_name("/Tx"),
            pdf_name("/T"): pdf_string(name),
            pdf_name("/V"): pdf_string(value),
            pdf_name("/Rect"): rect(box),
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
