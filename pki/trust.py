"""The trust store as data: a folder with issuers.toml and one PEM file per CA.

    [[issuer]]
    slug = "hnca"
    name = "湖南CA"
    certificate = "hnca.pem"                       # relative to the folder
    code_fields = ["ext:1.2.156.10260.4.1.4", "ext:1.2.156.10260.4.1.1", "subject:serial_number"]
    name_fields = ["subject:organization_name", "subject:common_name"]
    crl_url = "http://crl.example.cn/hnca.crl"
    crl_refresh_minutes = 60

Places are `subject:<attribute>` (asn1crypto names: serial_number, organizational_unit_name,
common_name, organization_name) or `ext:<dotted OID>`; the first one present wins.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from django.db import transaction

from core.audit import SYSTEM, audit_log
from core.errors import DomainError
from pki import issuing, verify
from pki.models import TrustedIssuer

DEFAULT_NAME_FIELDS = ["subject:organization_name", "subject:common_name"]
PLACE_PREFIXES = ("subject:", "ext:")


def _places(entry: dict[str, Any], key: str, default: list[str] | None = None) -> list[str]:
    places = entry.get(key, default)
    if not places or not all(isinstance(p, str) and p.startswith(PLACE_PREFIXES) for p in places):
        raise DomainError(f"issuers.toml: {entry.get('slug')}: {key} must list subject:… or ext:… places")
    return list(places)


def trust_load(directory: Path, *, disable_missing: bool = False) -> list[TrustedIssuer]:
    """Creates or updates the issuers the folder describes; returns them."""
    config = tomllib.loads((directory / "issuers.toml").read_text(encoding="utf-8"))
    loaded = []
    with transaction.atomic():
        for entry in config.get("issuer", []):
            pem_text = (directory / entry["certificate"]).read_text()
            cert = verify.load_certificate(pem_text)
            if not cert.ca:
                raise DomainError(
                    f"issuers.toml: {entry['slug']}: {entry['certificate']} is not a CA certificate"
                )
            values = {
                "name": entry["name"],
                "certificate_pem": pem_text,
                "algorithm": verify.algorithm_of(cert),
                "code_fields": _places(entry, "code_fields"),
                "name_fields": _places(entry, "name_fields", DEFAULT_NAME_FIELDS),
                "crl_url": entry.get("crl_url", ""),
                "crl_refresh_minutes": int(entry.get("crl_refresh_minutes", 60)),
                "enabled": bool(entry.get("enabled", True)),
            }
            issuer, created = TrustedIssuer.objects.update_or_create(slug=entry["slug"], defaults=values)
            audit_log(
                actor=SYSTEM,
                action="pki.issuer_created" if created else "pki.issuer_updated",
                target=issuer,
                data={"name": issuer.name, "algorithm": issuer.algorithm, "code_fields": issuer.code_fields},
            )
            loaded.append(issuer)
        if disable_missing:
            TrustedIssuer.objects.exclude(slug__in=[i.slug for i in loaded]).update(enabled=False)
    return loaded


def trust_folder_write(directory: Path, cas: dict[str, issuing.CA]) -> Path:
    """Writes a trust folder describing CAs made by pki.issuing (the demo's and the tests'), each
    with the places its certificates carry the holder's code; trust_load reads it like any other."""
    directory.mkdir(parents=True, exist_ok=True)
    entries = []
    for slug, ca in cas.items():
        (directory / f"{slug}.pem").write_text(ca.certificate_pem)
        # JSON strings are valid TOML basic strings, so names and URLs need no escaping of their own.
        entries.append(
            f"[[issuer]]\nslug = {json.dumps(slug)}\nname = {json.dumps(ca.name, ensure_ascii=False)}\n"
            f"certificate = {json.dumps(slug + '.pem')}\n"
            f"code_fields = {json.dumps([ca.placement['unit'], ca.placement['person']])}\n"
            f"name_fields = {json.dumps(DEFAULT_NAME_FIELDS)}\n"
            + (f"crl_url = {json.dumps(ca.crl_url)}\n" if ca.crl_url else "")
        )
    (directory / "issuers.toml").write_text("\n".join(entries), encoding="utf-8")
    return directory
