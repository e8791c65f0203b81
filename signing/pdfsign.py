"""PAdES signatures made in two halves, so that the private key never leaves the holder's token.

`seal_prepare` adds a signature field with the visible seal to the PDF as an incremental update,
reserves room for the signature, hashes the byte ranges and builds the CMS signed attributes. Those
attributes (a DER SET, a few hundred bytes) are all the certificate agent signs, after the PIN.
`seal_finish` wraps the agent's signature value into a CMS SignedData with an RFC 3161 signature
time-stamp, writes it into the reserved room, and adds a Document Security Store with the chain
and the issuer's CRL (PAdES B-LT), so that the seal verifies later without asking anyone.

Between the halves everything needed lives in `Prepared`, which the caller stores: the two halves
run in different HTTP requests, maybe in different processes.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from typing import Any

from asn1crypto import algos, cms, crl, x509
from PIL import Image
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from core.errors import DomainError
from signing import previews

DIGEST = "sha256"
# Hex characters reserved for the CMS: the signer's and the TSA's certificates, the token and the
# signature come to 5-7 KB of DER; 32 KB of hex leaves room for longer chains from a real TSA.
RESERVED_HEX = 32768
SIGNATURE_MECHANISMS = {"rsa": "sha256_rsa", "p256": "sha256_ecdsa"}


class SealingError(DomainError):
    """The document or the certificate cannot take a PDF seal; the message says why, in Chinese."""


SM2_NOT_SUPPORTED = (
    "SM2证书暂不能用于PDF签章：通用PDF阅读器和验证工具尚不能验证SM2签名。请使用RSA或ECDSA（P-256）证书签章。"
)


@dataclass(frozen=True)
class Prepared:
    """The first half's result; every field is plain data that can be stored and read back."""

    pdf: bytes  # the document with the seal field and an empty signature
    document_digest: bytes
    reserved_start: int
    reserved_end: int
    signed_attributes: bytes  # DER; the token signs exactly these bytes
    field_name: str


def _mechanism(algorithm: str) -> algos.SignedDigestAlgorithm:
    if algorithm not in SIGNATURE_MECHANISMS:
        raise SealingError(SM2_NOT_SUPPORTED)
    return algos.SignedDigestAlgorithm({"algorithm": SIGNATURE_MECHANISMS[algorithm]})


def _signer(
    certificate: x509.Certificate, chain: list[x509.Certificate], algorithm: str, value: bytes | None
) -> signers.ExternalSigner:
    return signers.ExternalSigner(
        signing_cert=certificate,
        cert_registry=SimpleCertificateStore.from_certs(chain),
        # The first half needs only a placeholder of the right size; the value comes from the token.
        signature_value=value if value is not None else 256,
        signature_mechanism=_mechanism(algorithm),
        embed_roots=True,
    )


def _stamp(image_png: bytes) -> StaticStampStyle:
    image = Image.open(io.BytesIO(image_png))
    image.load()
    return StaticStampStyle(
        background=PdfImage(image.convert("RGBA")),
        background_opacity=1.0,
        border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(1),  # 0 trips pyHanko's float check on integer boxes
        ),
    )


def seal_prepare(
    *,
    pdf: bytes,
    certificate: x509.Certificate,
    chain: list[x509.Certificate],
    algorithm: str,
    image_png: bytes,
    page: int,
    box: tuple[float, float, float, float],
    field_name: str,
    signer_name: str,
    reason: str = "",
    location: str = "",
) -> Prepared:
    """page is 1-based; box is (x1, y1, x2, y2) in PDF points from the page's lower left corner."""
    _mechanism(algorithm)  # SM2 fails here, before any work
    pages = previews.page_count(pdf)  # PreviewError for a file that is not a PDF
    if not 1 <= page <= pages:
        raise SealingError(previews.NO_SUCH_PAGE.format(pages=pages, page=page))
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm=DIGEST,
        subfilter=fields.SigSeedSubFilter.PADES,
        name=signer_name,
        reason=reason or None,
        location=location or None,
    )
    signer = _signer(certificate, chain, algorithm, None)
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        stamp_style=_stamp(image_png),
        new_field_spec=fields.SigFieldSpec(
            sig_field_name=field_name,
            on_page=page - 1,
            box=(round(box[0]), round(box[1]), round(box[2]), round(box[3])),
        ),
    )

    async def first_half() -> tuple[PreparedByteRangeDigest, bytes, cms.CMSAttributes]:
        digest, _tbs, output = await pdf_signer.async_digest_doc_for_signing(
            writer, bytes_reserved=RESERVED_HEX
        )
        attributes = await signer.signed_attrs(digest.document_digest, DIGEST, use_pades=True)
        output.seek(0)
        return digest, output.read(), attributes

    digest, prepared_pdf, attributes = asyncio.run(first_half())
    return Prepared(
        pdf=prepared_pdf,
        document_digest=digest.document_digest,
        reserved_start=digest.reserved_region_start,
        reserved_end=digest.reserved_region_end,
        signed_attributes=attributes.dump(),
        field_name=field_name,
    )


def message_digest(signed_attributes: bytes) -> bytes:
    """The document digest inside the signed attributes: what the agent shows the user."""
    for attribute in cms.CMSAttributes.load(signed_attributes):
        if attribute["type"].native == "message_digest":
            return bytes(attribute["values"][0].native)
    raise ValueError("no message digest among the signed attributes")


def seal_finish(
    *,
    prepared: Prepared,
    certificate: x509.Certificate,
    chain: list[x509.Certificate],
    algorithm: str,
    signature: bytes,
    timestamper: TimeStamper | None,
    crls: list[bytes] = (),  # type: ignore[assignment]
    extra_certificates: list[x509.Certificate] = (),  # type: ignore[assignment]
) -> bytes:
    """The signed PDF. The caller has already checked `signature` over `prepared.signed_attributes`."""
    signer = _signer(certificate, chain, algorithm, signature)
    attributes = cms.CMSAttributes.load(prepared.signed_attributes)
    digest = PreparedByteRangeDigest(
        document_digest=prepared.document_digest,
        reserved_region_start=prepared.reserved_start,
        reserved_region_end=prepared.reserved_end,
    )
    output = io.BytesIO(prepared.pdf)

    async def second_half() -> None:
        signed_data = await signer.async_sign_prescribed_attributes(
            DIGEST, signed_attrs=attributes, timestamper=timestamper
        )
        contents = digest.fill_with_cms(output, signed_data)
        certs: list[Any] = [certificate, *chain, *extra_certificates]
        DocumentSecurityStore.add_dss(
            output,
            contents,
            certs=certs,
            crls=[_crl(data) for data in crls],
            force_write=True,
        )

    asyncio.run(second_half())
    return output.getvalue()


def _crl(data: bytes) -> crl.CertificateList:
    return crl.CertificateList.load(data)
