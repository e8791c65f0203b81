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
import re
import time
from dataclasses import dataclass, field

from asn1crypto import x509
from django.utils import timezone
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    DiffPolicy,
    DiffResult,
    ModificationLevel,
    SuspiciousModification,
)
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from core.errors import DomainError
from pki import selectors as pki_selectors
from pki import verify as pki_verify
from signing import pdfchanges, rules
from signing.tsa import tsa_roots

VALID = "valid"
LATER = "later"  # every seal holds, but the file was changed after sealing
CHANGED = "changed"
INVALID = "invalid"
UNKNOWN = "unknown"
# A later seal whose addition counts as allowed: it holds itself (or cannot be judged here, SM2).
HOLDS = (VALID, LATER, UNKNOWN)
STATUS_LABELS = {
    VALID: "签章有效",
    LATER: "签章有效，但签章后文件被改动",
    CHANGED: "文件已被修改",
    INVALID: "签章无效",
    UNKNOWN: "无法确认",
}


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
    changed_after: list[str] = field(default_factory=list)  # what changed after the seal, in words
    notes: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def _worse(self, status: str, problem: str) -> None:
        order = [VALID, LATER, UNKNOWN, INVALID, CHANGED]
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
        if all(c.status in (VALID, LATER) for c in self.checks):
            return rules.SEALS_HOLD_FILE_CHANGED
        return rules.NOT_ALL_VALID


def pdf_verify(data: bytes, *, now: dt.datetime | None = None) -> Report:
    """Checks every seal in the PDF. Raises DomainError, saying what is wrong, only when the file as
    a whole cannot be checked: not a PDF, encrypted, unreadable, or beyond the limits of the work
    one request may do (this runs on a page that needs no login)."""
    now = now or timezone.now()
    started = time.monotonic()
    if b"%PDF-" not in data[:1024]:
        raise DomainError(rules.NOT_A_PDF)
    reader, broken_later = _read(data)
    if reader.xrefs.total_revisions > rules.VERIFY_MAX_REVISIONS:
        raise DomainError(
            rules.TOO_MANY_REVISIONS.format(
                count=reader.xrefs.total_revisions, limit=rules.VERIFY_MAX_REVISIONS
            )
        )
    fields = _signature_fields(reader)
    if broken_later and not fields:  # nothing sealed before the break: the file is simply broken
        raise DomainError(rules.FILE_BROKEN.format(why=broken_later))
    # What changed after every seal, whatever the revisions say: bytes no revision owns, or a later
    # revision too broken to read (then `reader` holds the part before it).
    after_all = (
        [rules.LATER_BROKEN_REVISION.format(why=broken_later)] if broken_later else _stray_tail(data, reader)
    )

    checks: list[SealCheck] = []
    signatures: list[EmbeddedPdfSignature] = []
    stamps: list[EmbeddedPdfSignature] = []  # document time-stamps (PAdES B-LTA): not seals
    for name, sig_field in fields:
        try:
            sig = _embedded(reader, sig_field, name)
        except _Unreadable as error:
            broken = SealCheck(field_name=name)
            broken._worse(INVALID, rules.SIGNATURE_STRUCTURE_BROKEN.format(field=name, why=error.why))
            checks.append(broken)
            continue
        (stamps if sig.sig_object_type == "/DocTimeStamp" else signatures).append(sig)
    signatures.sort(key=lambda sig: sig.signed_revision)
    anchors = pki_selectors.anchors(now=now)
    last = reader.xrefs.total_revisions - 1
    # Newest first: each seal answers for the revisions up to the next seal (or time-stamp), and
    # that next one only counts as an allowed addition if it holds itself. What came after the next
    # seal, that seal has answered for; its findings are carried back. One pass, not one per pair.
    done: dict[int, SealCheck] = {}
    carried = list(after_all)
    for sig in reversed(signatures):
        if time.monotonic() - started > rules.VERIFY_SECONDS:
            raise DomainError(rules.VERIFY_TOO_LONG.format(seconds=rules.VERIFY_SECONDS))
        next_ones = [o for o in [*signatures, *stamps] if o.signed_revision > sig.signed_revision]
        until = min((other.signed_revision for other in next_ones), default=last)
        added = [
            other
            for other in next_ones
            if other.signed_revision == until
            and (done[id(other)].status in HOLDS if id(other) in done else _invisible(other.sig_field))
        ]
        check = _check(sig, anchors, now, reader=reader, until=until, added=added)
        check.changed_after += [phrase for phrase in carried if phrase not in check.changed_after]
        carried = check.changed_after
        for phrase in check.changed_after:
            check._worse(LATER, rules.CHANGED_AFTER_SEALING.format(what=phrase))
        done[id(sig)] = check
    seals = [done[id(sig)] for sig in signatures]
    return Report(checks + seals)


class _Unreadable(Exception):
    def __init__(self, why: str):
        super().__init__(why)
        self.why = why


def _why(error: BaseException, default: str = rules.WHY_STRUCTURE) -> str:
    """A pyHanko or parsing error, in words a person can act on."""
    text = str(error).lower()
    if "loop" in text or "circular" in text:
        return rules.WHY_LOOP
    if "xref" in text or "header" in text or "startxref" in text:
        return rules.WHY_XREF
    if "byterange" in text:
        return rules.WHY_BYTE_RANGE
    if "contents" in text:
        return rules.WHY_CONTENTS
    return default


def _open(data: bytes) -> PdfFileReader:
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    if reader.encrypted:
        raise DomainError(rules.ENCRYPTED)
    _ = reader.root["/Pages"]
    _ = reader.xrefs.total_revisions
    return reader


def _read(data: bytes) -> tuple[PdfFileReader, str]:
    """The whole file's reader; or, when a later revision does not read, the reader of the longest
    part that does, with the reason: the seals in it are checked, and the broken rest reported."""
    try:
        return _open(data), ""
    except DomainError:
        raise
    except Exception as error:  # pyHanko raises many kinds for a broken file
        why = _why(error, rules.WHY_FILE)
    ends = [match.end() for match in EOF_MARK.finditer(data)]
    for end in reversed(ends[:-1] if ends and not data[ends[-1] :].strip() else ends):
        try:
            return _open(data[:end]), why
        except DomainError:
            raise
        except Exception:
            continue
    raise DomainError(rules.FILE_BROKEN.format(why=why))


def _signature_fields(reader: PdfFileReader) -> list[tuple[str, generic.DictionaryObject]]:
    """Every filled signature field, checked against the limits before any costly work."""
    try:
        found = [
            (name, ref.get_object()) for name, _value, ref in enumerate_sig_fields(reader, filled_status=True)
        ]
    except Exception as error:
        raise DomainError(rules.FILE_BROKEN.format(why=_why(error))) from error
    if len(found) > rules.VERIFY_MAX_SEALS:
        raise DomainError(rules.TOO_MANY_SEALS.format(count=len(found), limit=rules.VERIFY_MAX_SEALS))
    values: dict[object, str] = {}
    for name, sig_field in found:
        value = sig_field.raw_get("/V")
        key = value.reference if isinstance(value, generic.IndirectObject) else None
        if key is not None and key in values:
            raise DomainError(rules.SHARED_SIGNATURE.format(first=values[key], second=name))
        if key is not None:
            values[key] = name
    return found


def _embedded(reader: PdfFileReader, field: generic.DictionaryObject, name: str) -> EmbeddedPdfSignature:
    value = pdfchanges.entry(field, "/V")
    if not isinstance(value, generic.DictionaryObject):
        raise _Unreadable(rules.WHY_NOT_A_DICTIONARY)
    if not isinstance(pdfchanges.entry(value, "/ByteRange"), generic.ArrayObject):
        raise _Unreadable(rules.WHY_BYTE_RANGE)
    if not isinstance(
        pdfchanges.entry(value, "/Contents"), generic.ByteStringObject | generic.TextStringObject
    ):
        raise _Unreadable(rules.WHY_CONTENTS)
    try:
        sig = EmbeddedPdfSignature(reader, field, name)
        _ = sig.signed_revision
    except Exception as error:
        raise _Unreadable(_why(error)) from error
    if sig.sig_object_type not in ("/Sig", "/DocTimeStamp"):
        raise _Unreadable(rules.WHY_STRUCTURE)
    return sig


def _invisible(sig_field: generic.DictionaryObject) -> bool:
    """A field with no area on the page: a document time-stamp may be added so, never shown."""
    rect = pdfchanges.entry(sig_field, "/Rect")
    try:
        x1, y1, x2, y2 = (float(v) for v in rect)  # type: ignore[attr-defined]
    except Exception:
        return rect is None
    return abs(x2 - x1) * abs(y2 - y1) == 0


EOF_MARK = re.compile(rb"%%EOF")
LAST_SECTION = re.compile(rb"startxref\s+(\d+)\s+%%EOF")


def _stray_tail(data: bytes, reader: PdfFileReader) -> list[str]:
    """Bytes after the newest revision's end belong to no revision: readers that repair files may
    show objects hidden there, so they count as a change after every seal."""
    ends = [m.end() for m in LAST_SECTION.finditer(data) if int(m.group(1)) == reader.last_startxref]
    stray = len(data[ends[-1] :].strip(b"\r\n\t\f\x00 ")) if ends else len(data)
    return [rules.STRAY_TAIL.format(count=stray)] if stray else []


class _UpTo(DiffPolicy):
    """pyHanko's standard difference analysis of the revisions after a seal, up to `until` only."""

    def __init__(self, until: int):
        self.until = until

    def apply(self, old, new, field_mdp_spec=None, doc_mdp=None) -> DiffResult:  # type: ignore[no-untyped-def]
        return DEFAULT_DIFF_POLICY.apply(old, new, field_mdp_spec, doc_mdp)

    def review_file(  # type: ignore[no-untyped-def]
        self, reader, base_revision, field_mdp_spec=None, doc_mdp=None
    ) -> DiffResult | SuspiciousModification:
        base = reader.get_historical_resolver(base_revision)
        level, fields = ModificationLevel.NONE, set()
        for revision in range(base_revision + 1, self.until + 1):
            try:
                result = self.apply(base, reader.get_historical_resolver(revision), field_mdp_spec, doc_mdp)
            except SuspiciousModification as suspicious:
                return suspicious
            level = max(level, result.modification_level)
            fields |= result.changed_form_fields
        return DiffResult(level, fields)


def _only_later_seals(
    diff: DiffResult | SuspiciousModification | None, later: list[EmbeddedPdfSignature]
) -> bool:
    """After a seal, only what later seals and validation data (DSS, VRI, time-stamps) add is
    allowed. pyHanko's FORM_FILLING level also lets any field be filled or an empty signature field
    be added; here the fields filled must be exactly later seals' own fields."""
    if not isinstance(diff, DiffResult):
        return False  # a suspicious change, or one the analysis could not follow
    if diff.modification_level in (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES):
        return True
    sealed_later = {other.field_name for other in later}
    return (
        diff.modification_level == ModificationLevel.FORM_FILLING and diff.changed_form_fields <= sealed_later
    )


def _own_objects(sig: EmbeddedPdfSignature) -> list[generic.Reference]:
    """A seal's signature dictionary and its appearance streams: what adding it (re)writes."""
    refs = []
    value = sig.sig_field.raw_get("/V")
    if isinstance(value, generic.IndirectObject):
        refs.append(value.reference)
    appearance = pdfchanges.entry(sig.sig_field, "/AP")
    if isinstance(appearance, generic.DictionaryObject):
        refs += [
            appearance.raw_get(key).reference
            for key in appearance
            if isinstance(appearance.raw_get(key), generic.IndirectObject)
        ]
    container = getattr(sig.sig_field, "container_ref", None)
    if container is not None:
        refs.append(container.reference if isinstance(container, generic.IndirectObject) else container)
    return refs


def _contexts(anchors: list[pki_verify.Anchor]) -> tuple[ValidationContext, ValidationContext]:
    """pyHanko trusts what a reader would: the store's roots, with its intermediates only as
    certificates to build a path through (an intermediate as a trust root would cut its own
    revocation by the root out of the path). Revocation is decided below from the platform's own
    CRL store, at the time-stamp's time."""
    signer = ValidationContext(
        trust_roots=[a.certificate for a in anchors if a.parent is None],
        other_certs=[a.certificate for a in anchors if a.parent is not None],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    stamps = ValidationContext(trust_roots=tsa_roots(), allow_fetching=False, revocation_mode="soft-fail")
    return signer, stamps


def _check(
    sig: EmbeddedPdfSignature,
    anchors: list[pki_verify.Anchor],
    now: dt.datetime,
    *,
    reader: PdfFileReader,
    until: int,
    added: list[EmbeddedPdfSignature],
) -> SealCheck:
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
                sig,
                signer_validation_context=signer_context,
                ts_validation_context=stamp_context,
                diff_policy=_UpTo(until),
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
    elif coverage == SignatureCoverageLevel.ENTIRE_REVISION and not _only_later_seals(
        status.diff_result, added
    ):
        allowed = [ref for other in added for ref in _own_objects(other)]
        try:
            named = pdfchanges.describe(reader, sig.signed_revision, until=until, allowed=allowed)
        except Exception:  # naming is a courtesy; the verdict stands without it
            named = []
        check.changed_after = ["；".join(named) or pdfchanges.OTHER]

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
    # Revocations after the seal, or check_certificate would have refused it: the seal holds, and
    # says so, for the holder's certificate and for every CA above it.
    revoked_at = anchor.revoked(certificate.serial_number)
    if revoked_at is not None:
        check.notes.append(rules.REVOKED_LATER.format(when=pki_verify.local_time(revoked_at)))
    for ca in anchor.path:
        if ca.parent is None:
            continue
        ca_revoked_at = ca.parent.revoked(ca.certificate.serial_number)
        if ca_revoked_at is not None:
            when = pki_verify.local_time(ca_revoked_at)
            check.notes.append(rules.CA_REVOKED_LATER.format(name=ca.name, when=when, parent=ca.parent.name))
    return check
