"""Genuine files the verifier must accept as they are: more seals, the same certificate twice,
validation data and a document time-stamp added after sealing."""

from __future__ import annotations

import io

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from signing import tsa

from .kit import Kit, Sealer, plain_pdf


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
