"""Checking the platform's open data with libraries nobody here wrote: libcoveocds (the Open Contracting
Partnership's validator, as its Data Review Tool runs it) and ocdskit (its packaging and compile).

Nothing here reaches the network. libcoveocds reads the standard's schema from the copy the platform
ships (procurement/data/ocds/standard-1__1__5.zip, the published 1.1.5 files), and the lots extension,
which packages name by its public URL, from tests/portal/ocds_standard/lots/ (its v1.1.5 files): a
requests adapter answers that URL with those bytes, as the extension's host would.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import jsonref
import pytest
import requests
import urllib3
from libcoveocds.api import ocds_json_output
from libcoveocds.config import LibCoveOCDSConfig
from ocdsextensionregistry import util as registry_util

from procurement import ocds

LOTS = Path(__file__).resolve().parent / "ocds_standard" / "lots"
LOTS_BASE = ocds.LOTS_EXTENSION.rsplit("/", 1)[0] + "/"
SCHEMA_BASE = "https://standard.open-contracting.org/schema/1__1__5/"
LOTS_ARCHIVE = "https://github.com/open-contracting-extensions/ocds_lots_extension/archive/v1.1.5.zip"


class _PublishedFiles(requests.adapters.BaseAdapter):
    """Answers, from the copies here, for what the standard's hosts publish: the lots extension's files
    at their raw URLs, and its release archive (GitHub's, which the registry library asks for in place
    of a raw URL) as a ZIP of them; the standard's schema files from the ZIP the platform ships.
    Anything else is a 404, so a package naming something nobody has is seen."""

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        url = request.url or ""
        status, body = 404, b""
        found = _published(url)
        if found is not None:
            status, body = 200, found
        # An urllib3 response underneath, as requests-cache (which the registry library uses) reads it.
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(body), status=status, preload_content=False, request_url=url
        )
        response = requests.adapters.HTTPAdapter().build_response(request, raw)
        response._content = body
        return response

    def close(self) -> None:
        pass


def _published(url: str) -> bytes | None:
    if url == LOTS_ARCHIVE:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("ocds_lots_extension-1.1.5/", "")
            for path in sorted(LOTS.iterdir()):
                archive.writestr(f"ocds_lots_extension-1.1.5/{path.name}", path.read_bytes())
        return buffer.getvalue()
    name = url.removeprefix(LOTS_BASE)
    if url.startswith(LOTS_BASE) and "/" not in name and (LOTS / name).is_file():
        return (LOTS / name).read_bytes()
    name = url.removeprefix(SCHEMA_BASE)
    if url.startswith(SCHEMA_BASE) and "/" not in name:
        with zipfile.ZipFile(ocds.STANDARD_ZIP) as bundle:
            if f"standard-1__1__5/schema/{name}" in bundle.namelist():
                return bundle.read(f"standard-1__1__5/schema/{name}")
    return None


def cove(package: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """libcoveocds's report on `package`, as the Data Review Tool's API gives it."""
    published = requests.Session()
    for host in (
        "https://raw.githubusercontent.com/",
        "https://github.com/",
        "https://standard.open-contracting.org/",
    ):
        registry_util.session.mount(host, _PublishedFiles())
        published.mount(host, _PublishedFiles())
    # The schema's own $refs to the standard's site are read by jsonref, with requests.get.
    monkeypatch.setattr(jsonref, "requests", published)
    tmp_path.mkdir(parents=True, exist_ok=True)
    config = LibCoveOCDSConfig()
    config.config["context"] = "api"
    config.config["standard_zip"] = f"file://{ocds.STANDARD_ZIP}"
    return ocds_json_output(str(tmp_path), json_data=package, lib_cove_ocds_config=config)


def problems(report: dict[str, Any]) -> dict[str, Any]:
    """What makes data invalid: schema errors, codes outside closed codelists, an extension that could
    not be read, a schema that does not resolve."""
    found = {
        "validation_errors": report.get("validation_errors") or [],
        "invalid_extension": (report.get("extensions") or {}).get("invalid_extension") or {},
        "json_deref_error": report.get("json_deref_error"),
        # A code outside a closed codelist (a status, a tag) is as wrong as a schema error.
        "additional_closed_codelist_values": report.get("additional_closed_codelist_values") or {},
    }
    return {key: value for key, value in found.items() if value}
