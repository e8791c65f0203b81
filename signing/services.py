"""Writes of the signing layer: seals, their certificates, documents, and sealing in two halves.

Rendering, PDF signing and the time-stamp happen outside transactions; each write that follows is
one transaction with its audit row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from asn1crypto import pem, x509
from django.db import transaction
from django.utils import timezone

from core.audit import Actor, audit_log
from core.errors import DomainError, NotFound
from pki import selectors as pki_selectors
from pki import services as pki_services
from pki import verify as pki_verify
from pki.models import TrustedIssuer
from registry.identifiers import check_resident_id
from registry.models import Subject
from signing import pdfsign, render, rules, seal_images
from signing import verify as signing_verify
from signing.document_kinds import DOCUMENT_KINDS
from signing.models import (
    Document,
    DocumentVersion,
    Seal,
    SealCertificate,
    SealKind,
    SealRequest,
    SealSource,
    Signature,
)
from signing.previews import page_size
from signing.tsa import timestamper

MM = 72 / 25.4


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- seals ------------------------------------------------------------------------------------


def _image(uploaded: bytes | None, generate: Any) -> tuple[bytes, str]:
    try:
        if uploaded:
            return seal_images.validate_uploaded_seal(uploaded), SealSource.UPLOADED
        return generate(), SealSource.GENERATED
    except seal_images.SealImageError as error:
        raise DomainError(error.message, field="image") from None


def seal_create_unit(*, actor: Actor, subject: Subject, image: bytes | None = None) -> Seal:
    """The unit's 公章, named exactly as the unit is registered; every bound certificate may apply it."""
    png, source = _image(image, lambda: seal_images.unit_seal_png(subject.name))
    with transaction.atomic():
        locked = Subject.objects.select_for_update().get(pk=subject.pk)
        if Seal.objects.filter(subject=locked, kind=SealKind.UNIT, retired_at__isnull=True).exists():
            raise DomainError(rules.UNIT_SEAL_EXISTS)
        seal = Seal.objects.create(
            subject=locked,
            kind=SealKind.UNIT,
            name=locked.name,
            holder_code=locked.code,
            image=png,
            source=source,
            created_by=actor.user,
        )
        for bound in pki_selectors.certificates_for(subject=locked):
            _tie(
                seal, pki_verify.load_certificate(bound.certificate_pem), bound.holder_name, bound.holder_code
            )
        audit_log(
            actor=actor,
            action="signing.seal_created",
            target=seal,
            data={"kind": seal.kind, "source": source},
        )
    return seal


def seal_create_personal(
    *, actor: Actor, subject: Subject, name: str, id_number: str, role: str = "", image: bytes | None = None
) -> Seal:
    """A person's seal (e.g. the legal representative's), applied only with that person's certificate."""
    name = name.strip()
    if not name:
        raise DomainError(rules.PERSON_NAME_REQUIRED, field="name")
    checked = check_resident_id(id_number)
    if not checked.ok:
        raise DomainError(checked.error, field="id_number")
    png, source = _image(image, lambda: seal_images.personal_seal_png(name))
    with transaction.atomic():
        seal = Seal.objects.create(
            subject=subject,
            kind=SealKind.PERSONAL,
            name=name,
            holder_code=id_number.strip().upper(),
            role=role.strip()[:40],
            image=png,
            source=source,
            created_by=actor.user,
        )
        audit_log(
            actor=actor,
            action="signing.seal_created",
            target=seal,
            data={"kind": seal.kind, "source": source},
        )
    return seal


def _tie(seal: Seal, cert: x509.Certificate, holder_name: str, holder_code: str) -> SealCertificate:
    anchor_name = pki_verify.common_name(cert.issuer)
    validity = cert["tbs_certificate"]["validity"]
    return SealCertificate.objects.create(
        seal=seal,
        fingerprint=pki_verify.fingerprint(cert),
        serial=pki_verify.serial_hex(cert.serial_number),
        algorithm=pki_verify.algorithm_of(cert),
        holder_name=holder_name,
        holder_code=holder_code,
        issuer_name=anchor_name,
        not_after=validity["not_after"].native,
        certificate_pem=pem.armor("CERTIFICATE", cert.dump()).decode(),
    )


def seal_certificate_add(*, actor: Actor, seal: Seal, certificate: str) -> SealCertificate:
    """Lets one more certificate of the seal's holder apply it (a renewed key, a second USB key)."""
    holder = pki_services.certificate_check(certificate=certificate)
    if holder.code != seal.holder_code:
        raise DomainError(rules.SEAL_CERT_OTHER_HOLDER.format(code=holder.code, own=seal.holder_code))
    with transaction.atomic():
        locked = Seal.objects.select_for_update().get(pk=seal.pk)
        if locked.retired_at:
            raise DomainError(rules.SEAL_RETIRED)
        if locked.certificates.filter(fingerprint=holder.fingerprint).exists():
            raise DomainError(rules.SEAL_CERT_ALREADY)
        tied = _tie(locked, holder.certificate, holder.name, holder.code)
        audit_log(
            actor=actor,
            action="signing.seal_certificate_added",
            target=locked,
            data={"serial": tied.serial, "fingerprint": tied.fingerprint},
        )
    return tied


def seal_certificate_remove(*, actor: Actor, seal: Seal, pk: int) -> None:
    with transaction.atomic():
        tied = SealCertificate.objects.filter(seal=seal, pk=pk).first()
        if tied is None:
            raise NotFound()
        audit_log(
            actor=actor, action="signing.seal_certificate_removed", target=seal, data={"serial": tied.serial}
        )
        tied.delete()


def seal_retire(*, actor: Actor, seal: Seal) -> None:
    with transaction.atomic():
        locked = Seal.objects.select_for_update().get(pk=seal.pk)
        if locked.retired_at:
            raise DomainError(rules.SEAL_RETIRED)
        locked.retired_at = timezone.now()
        locked.save(update_fields=["retired_at"])
        audit_log(actor=actor, action="signing.seal_retired", target=locked)


# --- documents --------------------------------------------------------------------------------


def document_create(
    *,
    actor: Actor,
    subject: Subject,
    kind: str,
    title: str,
    context: dict[str, Any],
    center_code: str = "",
    subject_name: str = "",
) -> Document:
    """A document rendered from its kind's template; `center_code` and `subject_name` say whom it
    is addressed to and whom it names, for the app that checks it (centers: the 诚信承诺书)."""
    rendered = render.render_pdf(kind, context, title=title, author=subject.name)
    with transaction.atomic():
        document = Document.objects.create(
            subject=subject,
            kind=kind,
            title=title,
            center_code=center_code,
            subject_name=subject_name,
            pages=rendered.pages,
            places={name: vars(place) for name, place in rendered.places.items()},
            pdf=rendered.pdf,
            sha256=_sha256(rendered.pdf),
            created_by=actor.user,
        )
        DocumentVersion.objects.create(document=document, number=1, pdf=rendered.pdf, sha256=document.sha256)
        audit_log(actor=actor, action="signing.document_created", target=document, data={"kind": kind})
    return document


# --- sealing: first half ----------------------------------------------------------------------


def _path(holder: pki_verify.Holder) -> list[x509.Certificate]:
    """Every CA certificate from the holder's issuer up to the root, for the CMS and the DSS: a
    reader that trusts only the root (Adobe, poppler, pyHanko) builds the path from these."""
    return [ca.certificate for ca in holder.anchor.path]


@dataclass(frozen=True)
class Placement:
    page: int
    x: float  # the seal's centre, PDF points from the page's lower left
    y: float


Box = tuple[float, float, float, float]


def _box(placement: Placement, size_mm: float, page_size: tuple[float, float]) -> Box:
    half = size_mm * MM / 2
    width, height = page_size
    x = min(max(placement.x, half), width - half)
    y = min(max(placement.y, half), height - half)
    if not (0 <= placement.x <= width and 0 <= placement.y <= height):
        raise DomainError(rules.PLACE_OUTSIDE)
    return (x - half, y - half, x + half, y + half)


def _opinion(opinion: str, required: bool) -> str:
    opinion = opinion.strip()
    if required and not opinion:
        raise DomainError(rules.OPINION_REQUIRED, field="opinion")
    if len(opinion) > rules.OPINION_MAX:
        raise DomainError(rules.OPINION_TOO_LONG, field="opinion")
    return opinion


def seal_request_prepare(
    *,
    actor: Actor,
    session_hash: str,
    document: Document,
    seal: Seal,
    certificate: str,
    placement: Placement,
    opinion: str = "",
    opinion_required: bool = False,
) -> SealRequest:
    """Checks the seal, the certificate and the place, then builds what the token will sign."""
    opinion = _opinion(opinion, opinion_required)
    if seal.retired_at:
        raise DomainError(rules.SEAL_RETIRED)
    holder = pki_services.certificate_check(certificate=certificate)
    if not seal.certificates.filter(fingerprint=holder.fingerprint).exists():
        raise DomainError(rules.SEAL_CERT_NOT_ALLOWED.format(seal=seal.name))
    size = rules.SEAL_BOX_MM if seal.kind == SealKind.UNIT else rules.PERSONAL_BOX_MM
    box = _box(placement, size, page_size(bytes(document.pdf), placement.page))
    field_name = f"seal-{document.signatures.count() + 1}-{seal.pk}"
    prepared = pdfsign.seal_prepare(
        pdf=bytes(document.pdf),
        certificate=holder.certificate,
        chain=_path(holder),
        algorithm=holder.algorithm,
        image_png=bytes(seal.image),
        page=placement.page,
        box=box,
        field_name=field_name,
        signer_name=holder.name,
        reason=opinion,
    )
    return _store_request(
        session_hash=session_hash,
        prepared=prepared,
        holder=holder,
        title=document.title,
        placement=placement,
        box=box,
        opinion=opinion,
        document=document,
        seal=seal,
    )


def detect_request_prepare(*, session_hash: str, certificate: str, checked_at: dt.datetime) -> SealRequest:
    """签章检测: a sample page sealed with a seal drawn from the certificate's holder name, not kept."""
    holder = pki_services.certificate_check(certificate=certificate)
    rendered = render.render_pdf(
        "sample",
        {
            "checked_at": timezone.localtime(checked_at),
            "holder": f"{holder.name}（{holder.code}）",
            "serial": holder.serial,
        },
        title=DOCUMENT_KINDS["sample"],
    )
    place = rendered.places["seal"]
    placement = Placement(page=place.page, x=place.x + place.width / 2, y=place.y + place.height / 2)
    box = _box(placement, rules.SEAL_BOX_MM, page_size(rendered.pdf, placement.page))
    prepared = pdfsign.seal_prepare(
        pdf=rendered.pdf,
        certificate=holder.certificate,
        chain=_path(holder),
        algorithm=holder.algorithm,
        image_png=seal_images.unit_seal_png(holder.name, bottom_text="签章检测"),
        page=placement.page,
        box=box,
        field_name="seal-detect",
        signer_name=holder.name,
        reason="签章检测",
    )
    return _store_request(
        session_hash=session_hash,
        prepared=prepared,
        holder=holder,
        title=DOCUMENT_KINDS["sample"],
        placement=placement,
        box=box,
        opinion="签章检测",
    )


def _store_request(
    *,
    session_hash: str,
    prepared: pdfsign.Prepared,
    holder: pki_verify.Holder,
    title: str,
    placement: Placement,
    box: Box,
    opinion: str,
    document: Document | None = None,
    seal: Seal | None = None,
) -> SealRequest:
    now = timezone.now()
    return SealRequest.objects.create(
        session_hash=session_hash,
        document=document,
        seal=seal,
        base_version=document.version if document else None,
        title=title,
        certificate_pem=holder.pem,
        page=placement.page,
        box=[round(v, 2) for v in box],
        opinion=opinion,
        field_name=prepared.field_name,
        prepared_pdf=prepared.pdf,
        document_digest=prepared.document_digest,
        reserved_start=prepared.reserved_start,
        reserved_end=prepared.reserved_end,
        signed_attributes=prepared.signed_attributes,
        expires_at=now + dt.timedelta(minutes=rules.SEAL_REQUEST_MINUTES),
    )


# --- sealing: second half ---------------------------------------------------------------------


def _open_request(request_id: Any, session_hash: str, now: dt.datetime) -> SealRequest:
    pending = SealRequest.objects.filter(pk=request_id, session_hash=session_hash).first()
    if pending is None or pending.finished_at is not None:
        raise DomainError(rules.REQUEST_UNKNOWN)
    if pending.expires_at < now:
        raise DomainError(rules.REQUEST_EXPIRED)
    return pending


def _crls(holder: pki_verify.Holder) -> list[bytes]:
    """The CRL of every CA on the holder's path, as each signed it, for the document's DSS (PAdES
    B-LT): the issuer's covers the holder, the root's covers the intermediate below it, and a
    reader checking the seal years later needs every one of them."""
    keys = [ca.key for ca in holder.anchor.path]
    ders = dict(TrustedIssuer.objects.filter(pk__in=keys).values_list("pk", "crl_der"))
    return [bytes(der) for der in (ders.get(key) for key in keys) if der]


def _sealed_pdf(pending: SealRequest, signature: bytes) -> tuple[bytes, signing_verify.SealCheck]:
    """The second half, outside any transaction: check, time-stamp, embed, then verify the result."""
    holder = pki_services.certificate_check(certificate=pending.certificate_pem)
    try:
        pki_verify.verify_signature(holder.certificate, bytes(pending.signed_attributes), signature)
    except DomainError:
        raise DomainError(rules.SIGNATURE_MISMATCH) from None
    prepared = pdfsign.Prepared(
        pdf=bytes(pending.prepared_pdf),
        document_digest=bytes(pending.document_digest),
        reserved_start=pending.reserved_start,
        reserved_end=pending.reserved_end,
        signed_attributes=bytes(pending.signed_attributes),
        field_name=pending.field_name,
    )
    try:
        sealed = pdfsign.seal_finish(
            prepared=prepared,
            certificate=holder.certificate,
            chain=_path(holder),
            algorithm=holder.algorithm,
            signature=signature,
            timestamper=timestamper(),
            crls=_crls(holder),
        )
    except OSError as error:  # the TSA did not answer (HTTP errors are OSErrors too)
        raise DomainError(rules.TSA_UNAVAILABLE) from error
    # Nothing is kept that the platform's own check would not accept.
    report = signing_verify.pdf_verify(sealed)
    check = next(c for c in report.checks if c.field_name == pending.field_name)
    if check.status != signing_verify.VALID:
        raise DomainError(check.problems[0] if check.problems else rules.SIGNATURE_MISMATCH)
    return sealed, check


def seal_request_finish(*, actor: Actor, session_hash: str, request_id: Any, signature: bytes) -> SealRequest:
    now = timezone.now()
    pending = _open_request(request_id, session_hash, now)
    sealed, check = _sealed_pdf(pending, signature)
    with transaction.atomic():
        locked = SealRequest.objects.select_for_update().get(pk=pending.pk)
        if locked.finished_at is not None:
            raise DomainError(rules.REQUEST_UNKNOWN)
        locked.finished_at = now
        if locked.document_id is None:  # 签章检测: the sample is only shown, never kept as a document
            locked.result_pdf = sealed
            locked.save(update_fields=["finished_at", "result_pdf"])
            return locked
        document = Document.objects.select_for_update().get(pk=locked.document_id)
        if document.version != locked.base_version:
            raise DomainError(rules.DOCUMENT_CHANGED_MEANWHILE)
        document.version += 1
        document.pdf, document.sha256 = sealed, _sha256(sealed)
        document.save(update_fields=["version", "pdf", "sha256"])
        DocumentVersion.objects.create(
            document=document, number=document.version, pdf=sealed, sha256=document.sha256
        )
        assert locked.seal is not None
        signature_row = Signature.objects.create(
            document=document,
            seal=locked.seal,
            field_name=locked.field_name,
            version=document.version,
            page=locked.page,
            box=locked.box,
            opinion=locked.opinion,
            signer=actor.user,
            certificate_fingerprint=pki_verify.fingerprint(
                pki_verify.load_certificate(locked.certificate_pem)
            ),
            certificate_serial=check.serial,
            holder_name=check.signer_name,
            issuer_name=check.issuer_name,
            signed_at=check.signed_at or now,
        )
        locked.save(update_fields=["finished_at"])
        audit_log(
            actor=actor,
            action="signing.document_sealed",
            target=document,
            data={
                "seal": locked.seal.pk,
                "signature": signature_row.pk,
                "version": document.version,
                "serial": check.serial,
                "opinion": locked.opinion,
                "sha256": document.sha256,
            },
        )
    return locked
