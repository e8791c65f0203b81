"""Reads of the certificate part: the trust anchors for a certificate, and a subject's certificates."""

from __future__ import annotations

import datetime as dt
from functools import cache, lru_cache

from asn1crypto import x509
from django.db.models import QuerySet

from core.errors import NotFound
from pki import rules, verify
from pki.models import BoundCertificate, RevokedSerial, TrustedIssuer
from registry.models import Subject


@lru_cache(maxsize=64)
def _parsed(pem_text: str) -> x509.Certificate:
    return verify.load_certificate(pem_text)


def _anchor(issuer: TrustedIssuer, now: dt.datetime) -> verify.Anchor:
    problem = ""
    if issuer.crl_this_update is None:
        problem = rules.CRL_NOT_YET
    elif issuer.crl_next_update is not None and issuer.crl_next_update < now:
        problem = rules.CRL_STALE

    @cache  # one lookup per serial while this anchor is in use (a page checks a seal twice)
    def revoked(serial: int) -> dt.datetime | None:
        row = RevokedSerial.objects.filter(issuer=issuer, serial=verify.serial_hex(serial)).first()
        return row.revoked_at if row else None

    return verify.Anchor(
        key=issuer.pk,
        name=issuer.name,
        certificate=_parsed(issuer.certificate_pem),
        code_fields=tuple(issuer.code_fields),
        name_fields=tuple(issuer.name_fields),
        revoked=revoked,
        crl_problem=problem,
    )


def anchors(*, now: dt.datetime) -> list[verify.Anchor]:
    return [_anchor(issuer, now) for issuer in TrustedIssuer.objects.filter(enabled=True)]


def anchor_for(cert: x509.Certificate, *, now: dt.datetime) -> verify.Anchor:
    """The enabled issuer that names itself as this certificate's issuer (its signature is checked later)."""
    return verify.find_anchor(cert, anchors(now=now))


def certificates_for(*, subject: Subject) -> QuerySet[BoundCertificate]:
    return BoundCertificate.objects.filter(subject=subject, unbound_at__isnull=True).select_related("issuer")


def certificate_get_for(*, subject: Subject, pk: int) -> BoundCertificate:
    bound = BoundCertificate.objects.filter(subject=subject, pk=pk).select_related("issuer").first()
    if bound is None:
        raise NotFound()
    return bound
