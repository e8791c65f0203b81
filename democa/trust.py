"""A trust folder for the demo's and the tests' CAs, so they are trusted the way a deployment's are.

The folder is written here and read by pki.trust.trust_load like any other; only the writing is
demo code, which is why it lives beside the demo CA and not in the pki app.
"""

from __future__ import annotations

import json
from pathlib import Path

from democa.issuing import CA
from pki.trust import DEFAULT_NAME_FIELDS


def trust_folder_write(directory: Path, cas: dict[str, CA]) -> Path:
    """Writes a trust folder describing CAs made by democa.issuing, each with the places its
    certificates carry the holder's code; trust_load reads it like any other."""
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
