"""The trust store as data: a folder with issuers.toml and one PEM file per CA.

    [[issuer]]
    slug = "hnca"
    name = "湖南CA"
    certificate = "hnca.pem"                       # relative to the folder
    code_fields = ["ext:1.2.156.10260.4.1.4", "ext:1.2.156.10260.4.1.1", "subject:serial_number"]
    name_fields = ["subject:organization_name", "subject:common_name"]
    crl_url = "http://crl.example.cn/hnca.crl"
    crl_refresh_minutes = 60
    min_rsa_bits = 2048                            # key policy for its holders (optional)
    require_key_usage = true
    algorithms = ["rsa", "sm2"]                    # optional; empty or absent: any

An intermediate CA is listed like a root; its issuer must be in the store too (in this folder or
already loaded), and trust_load links it there after checking its signature, so that at check time
every CA on a holder's path is checked and the intermediate's revocation is read from its issuer's
CRL. A CA that has expired, that is not a CA (cA, keyCertSign), whose issuer is not in the store or
whose signature does not verify is refused with a message naming it, and nothing is loaded.

Places are `subject:<attribute>` (asn1crypto names: serial_number, organizational_unit_name,
common_name, organization_name) or `ext:<dotted OID>`; the first one present wins.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.audit import SYSTEM, audit_log
from core.errors import DomainError
from pki import checks, verify
from pki.models import TrustedIssuer

DEFAULT_NAME_FIELDS = ["subject:organization_name", "subject:common_name"]
PLACE_PREFIXES = ("subject:", "ext:")

# Messages for staff loading the store (the trust_load command prints them).
TRUST_UNREADABLE = "CA「{name}」（{file}）的证书无法读取：{why}"
TRUST_NOT_CA = "CA「{name}」（{file}）不是CA证书（{why}），不能放入信任列表"
TRUST_EXPIRED = "CA「{name}」（{file}）的证书已于{when}过期，不能放入信任列表"
TRUST_BAD_KEY = "CA「{name}」（{file}）的证书公钥无效（{why}），不能放入信任列表"
TRUST_CRITICAL = "CA「{name}」（{file}）的证书含有无法处理的关键扩展（OID {oid}），不能放入信任列表"
TRUST_NO_PARENT = (
    "中级CA「{name}」（{file}）的上级CA「{issuer}」不在信任列表中，请先把上级CA的证书加入issuers.toml"
)
TRUST_PARENT_FORGED = "中级CA「{name}」（{file}）的证书签名与上级CA「{issuer}」不符，不能放入信任列表"
TRUST_DUPLICATE = "CA「{name}」（{file}）与已在信任列表中的「{other}」是同一个CA证书，请只保留一个"
TRUST_BAD_POLICY = "issuers.toml: {slug}: {key} 的取值不正确"


def _places(entry: dict[str, Any], key: str, default: list[str] | None = None) -> list[str]:
    places = entry.get(key, default)
    if not places or not all(isinstance(p, str) and p.startswith(PLACE_PREFIXES) for p in places):
        raise DomainError(f"issuers.toml: {entry.get('slug')}: {key} must list subject:… or ext:… places")
    return list(places)


def _policy(entry: dict[str, Any]) -> dict[str, Any]:
    slug = entry.get("slug")
    bits = entry.get("min_rsa_bits", 2048)
    if not isinstance(bits, int) or isinstance(bits, bool) or not 1024 <= bits <= 16384:
        raise DomainError(TRUST_BAD_POLICY.format(slug=slug, key="min_rsa_bits"))
    required = entry.get("require_key_usage", True)
    if not isinstance(required, bool):
        raise DomainError(TRUST_BAD_POLICY.format(slug=slug, key="require_key_usage"))
    algorithms = entry.get("algorithms", [])
    if not isinstance(algorithms, list) or not set(algorithms) <= set(verify.CERT_ALGORITHMS):
        raise DomainError(TRUST_BAD_POLICY.format(slug=slug, key="algorithms"))
    return {"min_rsa_bits": bits, "require_key_usage": required, "allowed_algorithms": algorithms}


def _self_signed(cert: Any) -> bool:
    return cert.issuer.dump() == cert.subject.dump() and verify.signed_by(cert.dump(), cert.dump())


def _checked_ca(entry: dict[str, Any], pem_text: str) -> Any:
    """The entry's CA certificate, refused with a message naming it unless it can anchor a path."""
    name, file = entry["name"], entry["certificate"]
    try:
        cert = verify.load_certificate(pem_text)
        algorithm = verify.algorithm_of(cert)
    except DomainError as error:
        raise DomainError(TRUST_UNREADABLE.format(name=name, file=file, why=error.message)) from None
    why = checks.ca_problem(cert)
    if why:
        raise DomainError(TRUST_NOT_CA.format(name=name, file=file, why=why))
    not_after = cert["tbs_certificate"]["validity"]["not_after"].native
    if not_after < timezone.now():
        raise DomainError(TRUST_EXPIRED.format(name=name, file=file, when=verify.local_time(not_after)))
    why = checks.public_key_problem(cert, algorithm)
    if why:
        raise DomainError(TRUST_BAD_KEY.format(name=name, file=file, why=why))
    oid = checks.unknown_critical(cert)
    if oid:
        raise DomainError(TRUST_CRITICAL.format(name=name, file=file, oid=oid))
    return cert


def _parent(cert: Any, entry: dict[str, Any], store: list[tuple[TrustedIssuer, Any]]) -> TrustedIssuer | None:
    """The issuer in the store that signed this CA certificate; None for a root (self-signed)."""
    if _self_signed(cert):
        return None
    named = [(issuer, ca) for issuer, ca in store if ca.subject.dump() == cert.issuer.dump()]
    for issuer, ca in named:
        if verify.signed_by(cert.dump(), ca.dump()):
            return issuer
    template = TRUST_PARENT_FORGED if named else TRUST_NO_PARENT
    raise DomainError(
        template.format(name=entry["name"], file=entry["certificate"], issuer=verify.common_name(cert.issuer))
    )


def _roots_first(entries: list[tuple[dict[str, Any], str, Any]]) -> list[tuple[dict[str, Any], str, Any]]:
    # A CA's issuer is loaded before it: sort by depth within the folder (roots, then their children…).
    subjects = {cert.subject.dump(): cert for _, _, cert in entries}

    def depth(cert: Any, seen: int = 0) -> int:
        parent = subjects.get(cert.issuer.dump())
        if parent is None or parent is cert or seen > len(entries):
            return 0
        return 1 + depth(parent, seen + 1)

    return sorted(entries, key=lambda item: depth(item[2]))


def trust_load(directory: Path, *, disable_missing: bool = False) -> list[TrustedIssuer]:
    """Creates or updates the issuers the folder describes; returns them. All or nothing."""
    config = tomllib.loads((directory / "issuers.toml").read_text(encoding="utf-8"))
    entries = []
    for entry in config.get("issuer", []):
        pem_text = (directory / entry["certificate"]).read_text()
        entries.append((entry, pem_text, _checked_ca(entry, pem_text)))
    loaded = []
    with transaction.atomic():
        slugs = {entry["slug"] for entry, _, _ in entries}
        store = [
            (issuer, verify.load_certificate(issuer.certificate_pem))
            for issuer in TrustedIssuer.objects.exclude(slug__in=slugs)
        ]
        for entry, pem_text, cert in _roots_first(entries):
            for other, known in store:
                if known.dump() == cert.dump():
                    raise DomainError(
                        TRUST_DUPLICATE.format(
                            name=entry["name"], file=entry["certificate"], other=other.name
                        )
                    )
            values = {
                "name": entry["name"],
                "certificate_pem": pem_text,
                "algorithm": verify.algorithm_of(cert),
                "parent": _parent(cert, entry, store),
                "code_fields": _places(entry, "code_fields"),
                "name_fields": _places(entry, "name_fields", DEFAULT_NAME_FIELDS),
                "crl_url": entry.get("crl_url", ""),
                "crl_refresh_minutes": int(entry.get("crl_refresh_minutes", 60)),
                "enabled": bool(entry.get("enabled", True)),
                **_policy(entry),
            }
            issuer, created = TrustedIssuer.objects.update_or_create(slug=entry["slug"], defaults=values)
            audit_log(
                actor=SYSTEM,
                action="pki.issuer_created" if created else "pki.issuer_updated",
                target=issuer,
                data={
                    "name": issuer.name,
                    "algorithm": issuer.algorithm,
                    "code_fields": issuer.code_fields,
                    "parent": issuer.parent.name if issuer.parent else "",
                    "min_rsa_bits": issuer.min_rsa_bits,
                    "require_key_usage": issuer.require_key_usage,
                    "allowed_algorithms": issuer.allowed_algorithms,
                },
            )
            store.append((issuer, cert))
            loaded.append(issuer)
        if disable_missing:
            TrustedIssuer.objects.exclude(slug__in=[i.slug for i in loaded]).update(enabled=False)
    order = {entry["slug"]: n for n, (entry, _, _) in enumerate(entries)}
    return sorted(loaded, key=lambda issuer: order[issuer.slug])
