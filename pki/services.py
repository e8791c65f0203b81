"""Writes of the certificate part: challenges, CRLs, binding and unbinding. Each audited, each atomic."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import urllib.request

from django.db import transaction
from django.utils import timezone

from core.audit import SYSTEM, Actor, audit_log
from core.errors import DomainError, StateError
from pki import rules, verify
from pki.models import BindingHow, BoundCertificate, Challenge, RevokedSerial, TrustedIssuer
from pki.selectors import anchor_for
from registry.models import AuthMethod, Subject
from registry.selectors import subject_for_code

CHALLENGE_TTL = dt.timedelta(minutes=5)
CRL_FETCH_TIMEOUT = 10
CRL_MAX_BYTES = 20 * 1024 * 1024


def session_hash(session_key: str) -> str:
    # Only a hash is stored: a database reader must not learn live session keys.
    return hashlib.sha256(session_key.encode()).hexdigest()


# --- challenges -------------------------------------------------------------------------------


def challenge_issue(*, session_key: str, purpose: str, now: dt.datetime | None = None) -> Challenge:
    now = now or timezone.now()
    Challenge.objects.filter(expires_at__lt=now - CHALLENGE_TTL).delete()  # keep the table small
    return Challenge.objects.create(
        nonce=secrets.token_urlsafe(24),
        purpose=purpose,
        session_hash=session_hash(session_key),
        created_at=now,
        expires_at=now + CHALLENGE_TTL,
    )


def challenge_consume(
    *, nonce: str, session_key: str | None, purpose: str, now: dt.datetime | None = None
) -> None:
    """Uses the challenge up, once; refuses one of another session, another purpose, or too old."""
    now = now or timezone.now()
    challenge = Challenge.objects.filter(nonce=nonce).first()
    if challenge is None:
        raise DomainError(rules.CHALLENGE_UNKNOWN)
    if not session_key or not secrets.compare_digest(challenge.session_hash, session_hash(session_key)):
        raise DomainError(rules.CHALLENGE_OTHER_SESSION)
    if challenge.purpose != purpose:
        raise DomainError(rules.CHALLENGE_UNKNOWN)
    if challenge.expires_at <= now:
        raise DomainError(rules.CHALLENGE_EXPIRED)
    # The conditional update is the single use: of two requests racing with one nonce, one wins.
    if not Challenge.objects.filter(pk=challenge.pk, used_at__isnull=True).update(used_at=now):
        raise DomainError(rules.CHALLENGE_USED)


def signed_holder(
    *,
    nonce: str,
    session_key: str | None,
    purpose: str,
    origin: str,
    certificate: str,
    signature: bytes,
    now: dt.datetime | None = None,
) -> verify.Holder:
    """The whole check of a signed challenge: single use, certificate, then the signature."""
    now = now or timezone.now()
    challenge_consume(nonce=nonce, session_key=session_key, purpose=purpose, now=now)
    holder = certificate_check(certificate=certificate, now=now)
    verify.verify_signature(
        holder.certificate, verify.signed_text(origin=origin, purpose=purpose, nonce=nonce), signature
    )
    return holder


def certificate_check(*, certificate: str | bytes, now: dt.datetime | None = None) -> verify.Holder:
    """The holder of a certificate (DER, PEM, or a PEM bundle of it and its CA certificates)."""
    now = now or timezone.now()
    cert, bundled = verify.load_chain(certificate)
    anchor = anchor_for(cert, now=now)
    return verify.check_certificate(cert, [anchor], at=now, chain=bundled)


def _same_certificate(holder: verify.Holder) -> dict:
    # A certificate is its issuer and serial (RFC 5280 §4.1.2.2), not the bytes it came in.
    return {"issuer_id": holder.anchor.key, "serial": holder.serial}


# --- binding ----------------------------------------------------------------------------------


def _holder_fields(holder: verify.Holder) -> dict:
    return {
        "serial": holder.serial,
        "fingerprint": holder.fingerprint,
        "algorithm": holder.algorithm,
        "holder_name": holder.name,
        "holder_code": holder.code,
        "subject_dn": holder.subject_text[:500],
        "not_before": holder.not_before,
        "not_after": holder.not_after,
        "certificate_pem": holder.pem,
    }


def certificate_bind(
    *, actor: Actor, subject: Subject, holder: verify.Holder, how: str, now: dt.datetime | None = None
) -> BoundCertificate:
    """Binds a checked certificate to the subject whose code it carries; rebinding an unbound one
    revives it, unless staff unbound it on a 解绑申请 (blocked)."""
    now = now or timezone.now()
    if holder.code != subject.code:
        raise DomainError(rules.BIND_OTHER_HOLDER.format(code=holder.code, own=subject.code))
    with transaction.atomic():
        bound = BoundCertificate.objects.select_for_update().filter(**_same_certificate(holder)).first()
        if bound is not None and bound.subject_id != subject.pk:
            raise DomainError(rules.BIND_TAKEN)
        if bound is not None and bound.blocked_at is not None:
            raise DomainError(rules.BIND_BLOCKED)
        if bound is not None and bound.unbound_at is None:
            raise StateError(rules.BIND_ALREADY)
        if bound is None:
            bound = BoundCertificate(
                subject=subject, issuer_id=holder.anchor.key, fingerprint=holder.fingerprint
            )
        for field, value in _holder_fields(holder).items():
            setattr(bound, field, value)
        bound.how, bound.bound_at, bound.bound_by = how, now, actor.user
        bound.unbound_at = bound.unbound_by = None
        bound.save()
        audit_log(
            actor=actor,
            action="pki.certificate_bound",
            target=bound,
            subject_id=subject.pk,
            data={
                "how": how,
                "serial": holder.serial,
                "issuer": holder.anchor.name,
                "fingerprint": holder.fingerprint,
            },
        )
    return bound


def certificate_unbind(
    *, actor: Actor, subject: Subject, pk: int, now: dt.datetime | None = None
) -> BoundCertificate:
    """003 §4.7 / 002 §5: removing a certificate needs a certificate login (a password alone is not enough)."""
    if actor.auth_method != AuthMethod.CERTIFICATE:
        raise DomainError(rules.UNBIND_NEEDS_CERTIFICATE)
    with transaction.atomic():
        bound = BoundCertificate.objects.select_for_update().filter(pk=pk, subject=subject).first()
        if bound is None or bound.unbound_at is not None:
            raise StateError(rules.UNBIND_NOT_BOUND)
        bound.unbound_at, bound.unbound_by = now or timezone.now(), actor.user
        bound.save(update_fields=["unbound_at", "unbound_by"])
        audit_log(
            actor=actor,
            action="pki.certificate_unbound",
            target=bound,
            subject_id=subject.pk,
            data={"serial": bound.serial, "fingerprint": bound.fingerprint},
        )
    return bound


def certificate_unbind_on_request(
    *, actor: Actor, bound: BoundCertificate, reason: str, now: dt.datetime | None = None
) -> BoundCertificate:
    """Staff unbind a certificate on the unit's 解绑申请 (000 §6.3, 002 §5). No certificate login is
    asked of anyone: the key is lost or no longer fits, and the request carries the sealed letter
    and the licence that technical support checked before deciding."""
    with transaction.atomic():
        locked = BoundCertificate.objects.select_for_update().filter(pk=bound.pk).first()
        if locked is None or locked.unbound_at is not None:
            raise StateError(rules.UNBIND_NOT_BOUND)
        locked.unbound_at, locked.unbound_by = now or timezone.now(), actor.user
        # Reported lost or unusable: blocked for good, so a finder of the key cannot log in with it
        # and have it bound again (certificate_bind refuses it).
        locked.blocked_at = locked.unbound_at
        locked.save(update_fields=["unbound_at", "unbound_by", "blocked_at"])
        audit_log(
            actor=actor,
            action="pki.certificate_unbound",
            target=locked,
            subject_id=locked.subject_id,
            data={
                "serial": locked.serial,
                "fingerprint": locked.fingerprint,
                "on_request": True,
                "reason": reason,
            },
        )
    return locked


def certificate_login(
    *, holder: verify.Holder, ip: str | None, now: dt.datetime | None = None
) -> tuple[Subject, BoundCertificate, str] | None:
    """The subject a verified certificate logs in as, binding it on first use or after renewal.

    Returns the subject, the binding and how it was bound just now ("" when it was bound before);
    None when no subject carries the certificate's code (the caller offers registration).
    000 §6.3 asked users to e-mail the center to unbind a renewed key; here a new serial of the same
    holder from a trusted issuer simply binds, and the audit log says so.
    """
    now = now or timezone.now()
    subject = subject_for_code(holder.code)
    if subject is None:
        return None
    account = getattr(subject, "account", None)
    actor = Actor(user=account, auth_method=AuthMethod.CERTIFICATE, ip=ip)
    with transaction.atomic():
        bound = BoundCertificate.objects.filter(**_same_certificate(holder), subject=subject).first()
        how = ""
        if bound is None or bound.unbound_at is not None:
            earlier = BoundCertificate.objects.filter(subject=subject).exists()
            how = BindingHow.RENEWAL if earlier else BindingHow.FIRST_LOGIN
            bound = certificate_bind(actor=actor, subject=subject, holder=holder, how=how, now=now)
        BoundCertificate.objects.filter(pk=bound.pk).update(last_login_at=now)
        audit_log(
            actor=actor,
            action="pki.certificate_login",
            target=bound,
            subject_id=subject.pk,
            data={"serial": holder.serial, "issuer": holder.anchor.name},
        )
    return subject, bound, how


# --- the trust store -------------------------------------------------------------------------


def issuer_policy_set(
    *,
    actor: Actor,
    issuer: TrustedIssuer,
    min_rsa_bits: int,
    require_key_usage: bool,
    allowed_algorithms: list[str],
) -> TrustedIssuer:
    """Staff change the key policy of an issuer's holders (the admin); issuers.toml sets it too."""
    if not 1024 <= min_rsa_bits <= 16384:
        raise DomainError(rules.POLICY_BAD_BITS, field="min_rsa_bits")
    if not set(allowed_algorithms) <= set(verify.CERT_ALGORITHMS):
        raise DomainError(rules.POLICY_BAD_ALGORITHMS, field="allowed_algorithms")
    with transaction.atomic():
        locked = TrustedIssuer.objects.select_for_update().get(pk=issuer.pk)
        before = {
            "min_rsa_bits": locked.min_rsa_bits,
            "require_key_usage": locked.require_key_usage,
            "allowed_algorithms": locked.allowed_algorithms,
        }
        locked.min_rsa_bits, locked.require_key_usage = min_rsa_bits, require_key_usage
        locked.allowed_algorithms = list(allowed_algorithms)
        locked.save(update_fields=["min_rsa_bits", "require_key_usage", "allowed_algorithms"])
        audit_log(
            actor=actor,
            action="pki.issuer_policy_changed",
            target=locked,
            data={
                "before": before,
                "after": {
                    "min_rsa_bits": min_rsa_bits,
                    "require_key_usage": require_key_usage,
                    "allowed_algorithms": list(allowed_algorithms),
                },
            },
        )
    return locked


# --- revocation lists -------------------------------------------------------------------------


def crl_install(
    *, issuer: TrustedIssuer, data: bytes, source: str, now: dt.datetime | None = None
) -> verify.RevocationList:
    """Checks a CRL against its issuer and makes it the one in force. An older CRL never replaces a newer."""
    now = now or timezone.now()
    anchor_cert = verify.load_certificate(issuer.certificate_pem)
    revocations = verify.load_crl(data, anchor_cert, issuer.name)
    with transaction.atomic():
        locked = TrustedIssuer.objects.select_for_update().get(pk=issuer.pk)
        if locked.crl_this_update and revocations.this_update < locked.crl_this_update:
            raise DomainError(rules.CRL_OLDER)
        RevokedSerial.objects.filter(issuer=locked).delete()
        RevokedSerial.objects.bulk_create(
            [
                RevokedSerial(issuer=locked, serial=verify.serial_hex(s), revoked_at=when)
                for s, when in revocations.revoked
            ],
            batch_size=1000,
        )
        locked.crl_der = revocations.der
        locked.crl_number = revocations.number
        locked.crl_this_update = revocations.this_update
        locked.crl_next_update = revocations.next_update
        locked.crl_installed_at = locked.crl_attempted_at = now
        locked.crl_error = ""
        locked.save()
        audit_log(
            actor=SYSTEM,
            action="pki.crl_installed",
            target=locked,
            data={"source": source, "number": revocations.number, "revoked": len(revocations.revoked)},
        )
    return revocations


def crl_fetch(*, issuer: TrustedIssuer, now: dt.datetime | None = None) -> verify.RevocationList | None:
    """Downloads the issuer's CRL (outside any transaction) and installs it; a failure is kept on the issuer."""
    now = now or timezone.now()
    try:
        with urllib.request.urlopen(issuer.crl_url, timeout=CRL_FETCH_TIMEOUT) as response:
            data = response.read(CRL_MAX_BYTES + 1)
        if len(data) > CRL_MAX_BYTES:
            raise DomainError(rules.CRL_TOO_LARGE)
        return crl_install(issuer=issuer, data=data, source=issuer.crl_url, now=now)
    except (OSError, DomainError) as error:
        message = getattr(error, "message", None) or str(error)
        TrustedIssuer.objects.filter(pk=issuer.pk).update(crl_attempted_at=now, crl_error=message[:300])
        return None


def crl_refresh_due(*, now: dt.datetime | None = None) -> int:
    """The worker's job: fetch each CRL whose refresh interval has passed (or whose next update is near)."""
    now = now or timezone.now()
    fetched = 0
    for issuer in TrustedIssuer.objects.filter(enabled=True).exclude(crl_url=""):
        interval = dt.timedelta(minutes=issuer.crl_refresh_minutes)
        last = issuer.crl_attempted_at
        stale_soon = issuer.crl_next_update is not None and issuer.crl_next_update - now < interval
        due = last is None or now - last >= interval or (stale_soon and now - last >= dt.timedelta(minutes=1))
        if due and crl_fetch(issuer=issuer, now=now) is not None:
            fetched += 1
    return fetched
