"""Who sealed a PDF, when, and whether it has changed since: the check behind every document page
and the public verification page.

pyHanko answers the PDF questions (does the digest still match, is the signature value right, what
did later revisions change, is the time-stamp genuine). The certificate is judged by the same rules
as a certificate login (pki.verify.check_certificate), at the time the time-stamp proves: a
certificate revoked after it sealed does not undo the seal, one revoked before does.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from dataclasses import dataclass, field

from asn1crypto import x509
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from core.errors import DomainError
from pki import selectors as pki_selectors
from pki import verify as pki_verify
from signing import rules
from signing.tsa import tsa_roots

VALID = "valid"
CHANGED = "changed"
INVALID = "invalid"
UNKNOWN = "unknown"
STATUS_LABELS = {VALID: "签章有效", CHANGED: "文件已被修改", INVALID: "签章无效", UNKNOWN: "无法确认"}
# What a later revision may do without touching what an earlier seal covered: add seals, fill
# fields, add validation data.
ALLOWED_LATER = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING)


@dataclass
class SealCheck:
    field_name: str
    signer_name: str = ""
    signer_code: str = ""
    issuer_name: str = ""
    serial: str = ""
    algorithm: str = ""
    signed_at: dt.datetime | None = None
    time_trusted: bool = False  # signed_at comes from a trusted RFC 3161 time-stamp
    tsa_name: str = ""
    opinion: str = ""  # /Reason: the 签署意见
    status: str = VALID
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def _worse(self, status: str, problem: str) -> None:
        order = [VALID, UNKNOWN, INVALID, CHANGED]
        if order.index(status) > order.index(self.status):
            self.status = status
        self.problems.append(problem)


@dataclass(frozen=True)
class Report:
    checks: list[SealCheck]

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.status == VALID for c in self.checks)

    @property
    def summary(self) -> str:
        if not self.checks:
            return rules.NO_SEALS
        if self.ok:
            return rules.ALL_VALID.format(count=len(self.checks))
        return rules.NOT_ALL_VALID


def pdf_verify(data: bytes, *, now: dt.datetime | None = None) -> Report:
    """Checks every seal in the PDF; raises DomainError only when the file is not a readable PDF."""
    now = now or timezone.now()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_regular_signatures)
    except Exception as error:  # pyHanko raises many kinds for a broken file
        raise DomainError(rules.NOT_A_PDF) from error
    anchors = pki_selectors.anchors(now=now)
    return Report([_check(sig, anchors, now) for sig in signatures])


def _contexts(anchors: list[pki_verify.Anchor]) -> tuple[ValidationContext, ValidationContext]:
    # Revocation is decided below from the platform's own CRL store, at the time-stamp's time.
    signer = ValidationContext(
        trust_roots=[a.certificate for a in anchors], allow_fetching=False, revocation_mode="soft-fail"
    )
    stamps = ValidationContext(trust_roots=tsa_roots(), allow_fetching=False, revocation_mode="soft-fail")
    return signer, stamps


def _check(sig: EmbeddedPdfSignature, anchors: list[pki_verify.Anchor], now: dt.datetime) -> SealCheck:
    check = SealCheck(field_name=sig.field_name or "")
    reason = sig.sig_object.get("/Reason")
    check.opinion = str(reason) if reason else ""
    try:
        certificate: x509.Certificate = sig.signer_cert
    except Exception:
        check._worse(INVALID, rules.NO_CERTIFICATE)
        return check
    check.signer_name = pki_verify.common_name(certificate.subject)
    check.issuer_name = pki_verify.common_name(certificate.issuer)
    check.serial = pki_verify.serial_hex(certificate.serial_number)
    check.algorithm = pki_verify.algorithm_of(certificate)
    if check.algorithm == "sm2":
        check._worse(UNKNOWN, rules.SM2_NOT_VERIFIED)
        return check

    signer_context, stamp_context = _contexts(anchors)
    try:
        status = asyncio.run(
            async_validate_pdf_signature(
                sig, signer_validation_context=signer_context, ts_validation_context=stamp_context
            )
        )
    except Exception:  # a malformed signature container
        check._worse(INVALID, rules.SIGNATURE_UNREADABLE)
        return check

    if not status.intact:
        check._worse(CHANGED, rules.CHANGED_INSIDE)
    elif not status.valid:
        check._worse(INVALID, rules.BAD_SIGNATURE_VALUE)
    coverage = status.coverage
    if coverage is None or coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        check._worse(CHANGED, rules.PARTIAL_COVERAGE)
    elif (
        coverage == SignatureCoverageLevel.ENTIRE_REVISION and status.modification_level not in ALLOWED_LATER
    ):
        check._worse(CHANGED, rules.CHANGED_LATER)

    stamp = status.timestamp_validity
    if stamp is not None and stamp.intact and stamp.valid and stamp.trusted:
        check.signed_at, check.time_trusted = stamp.timestamp, True
        check.tsa_name = pki_verify.common_name(stamp.signing_cert.subject)
    elif stamp is not None:
        check._worse(INVALID, rules.TIMESTAMP_UNTRUSTED)
    else:
        check.signed_at = status.signer_reported_dt
        check.notes.append(rules.NO_TIMESTAMP)

    at = check.signed_at if check.time_trusted and check.signed_at else now
    try:
        anchor = pki_verify.find_anchor(certificate, anchors)
        holder = pki_verify.check_certificate(certificate, [anchor], at=at)
    except DomainError as error:
        crl_unknown = error.message.startswith(rules.CRL_UNKNOWN_PREFIX)
        check._worse(UNKNOWN if crl_unknown else INVALID, error.message)
        return check
    check.signer_name, check.signer_code = holder.name, holder.code
    check.issuer_name = anchor.name
    revoked_at = anchor.revoked(certificate.serial_number)
    if revoked_at is not None:  # after the seal, or check_certificate would have refused it
        check.notes.append(rules.REVOKED_LATER.format(when=pki_verify.local_time(revoked_at)))
    return check
