"""Reads of the certificate part: the trust anchors for a certificate, and a subject's certificates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache, lru_cache

from asn1crypto import x509
from django.db.models import QuerySet

from core.errors import NotFound
from pki import checks, rules, verify
from pki.models import BoundCertificate, RevokedSerial, TrustedIssuer
from registry.models import Subject


@lru_cache(maxsize=64)
def _parsed(pem_text: str) -> x509.Certificate:
    return verify.load_certificate(pem_text)


def _anchor(issuer: TrustedIssuer, now: dt.datetime, parent: verify.Anchor | None) -> verify.Anchor:
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
        parent=parent,
        policy=policy_of(issuer),
    )


def policy_of(issuer: TrustedIssuer) -> checks.KeyPolicy:
    return checks.KeyPolicy(
        min_rsa_bits=issuer.min_rsa_bits,
        require_key_usage=issuer.require_key_usage,
        algorithms=tuple(issuer.allowed_algorithms or ()),
    )


def anchors(*, now: dt.datetime) -> list[verify.Anchor]:
    """Every enabled issuer, each linked to its issuer in the store. An intermediate under a
    disabled (or missing) CA is no anchor: disabling a root withdraws everything below it."""
    enabled = {issuer.pk: issuer for issuer in TrustedIssuer.objects.filter(enabled=True)}
    built: dict[int, verify.Anchor | None] = {}

    def build(pk: int, seen: tuple[int, ...] = ()) -> verify.Anchor | None:
        if pk in built:
            return built[pk]
        issuer = enabled.get(pk)
        if issuer is None or pk in seen:
            return None
        parent = None
        if issuer.parent_id is not None:
            parent = build(issuer.parent_id, (*seen, pk))
            if parent is None:
                built[pk] = None
                return None
        built[pk] = _anchor(issuer, now, parent)
        return built[pk]

    return [anchor for anchor in (build(pk) for pk in enabled) if anchor is not None]


def anchor_for(cert: x509.Certificate, *, now: dt.datetime) -> verify.Anchor:
    """The enabled issuer that names itself as this certificate's issuer (its signature is checked later)."""
    return verify.find_anchor(cert, anchors(now=now))


@dataclass(frozen=True)
class IssuerRow:
    """One CA on the public list of supported issuers."""

    issuer: TrustedIssuer
    path: list[str]  # root first, this CA last
    crl_problem: str  # "" when the CRL in force is current

    @property
    def algorithms_accepted(self) -> str:
        names = verify.CERT_ALGORITHMS
        return "、".join(names[a] for a in self.issuer.allowed_algorithms) or names[self.issuer.algorithm]

    @property
    def algorithm_label(self) -> str:
        return verify.CERT_ALGORITHMS[self.issuer.algorithm]

    @property
    def rsa_applies(self) -> bool:
        """Whether the least RSA size means anything for this issuer's holders."""
        return "rsa" in (self.issuer.allowed_algorithms or [self.issuer.algorithm])


def issuers_public(*, now: dt.datetime) -> list[IssuerRow]:
    """The enabled issuers whose path is wholly enabled, roots before their intermediates."""
    by_pk = {issuer.pk: issuer for issuer in TrustedIssuer.objects.filter(enabled=True)}
    rows = []
    for issuer in by_pk.values():
        path: list[TrustedIssuer] = [issuer]
        while path[0].parent_id is not None and path[0].parent_id in by_pk and len(path) <= len(by_pk):
            path.insert(0, by_pk[path[0].parent_id])
        if path[0].parent_id is not None:
            continue  # its issuer is disabled (or the links loop): not offered
        problem = ""
        if issuer.crl_this_update is None:
            problem = rules.CRL_NOT_YET
        elif issuer.crl_next_update is not None and issuer.crl_next_update < now:
            problem = rules.CRL_STALE
        rows.append(IssuerRow(issuer=issuer, path=[ca.name for ca in path], crl_problem=problem))
    return sorted(rows, key=lambda row: row.path)


def certificates_for(*, subject: Subject) -> QuerySet[BoundCertificate]:
    return BoundCertificate.objects.filter(subject=subject, unbound_at__isnull=True).select_related("issuer")


def certificate_get_for(*, subject: Subject, pk: int) -> BoundCertificate:
    bound = BoundCertificate.objects.filter(subject=subject, pk=pk).select_related("issuer").first()
    if bound is None:
        raise NotFound()
    return bound
