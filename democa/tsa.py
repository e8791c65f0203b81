"""The demo TSA (时间戳服务): a root CA and a time-stamping certificate, made by democa.issuing.

signing.tsa runs a TSA from whatever key and certificates are in settings.GGZY_TSA_DIR; this only
fills that folder for `make run` and the tests, with the same builder as every other demo
certificate, so production code never reaches it.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from democa import issuing, keypairs
from signing.tsa import ALGORITHMS, CERT_FILE, KEY_FILE, ROOT_FILE, TSA_FILES, key_password

TSA_NAME = "ggzy 演示时间戳服务"
ROOT_NAME = "ggzy 演示时间戳根CA"
ORGANISATION = "ggzy"


def make_demo_tsa(directory: Path, *, algorithm: str = "rsa", force: bool = False) -> None:
    """A demo TSA root CA and a TSA certificate under it, in `directory`; keeps existing files.

    Writes root.crt, tsa.crt and tsa.key.pem (mode 0600, encrypted with GGZY_TSA_KEY_PASSWORD when
    set). The root's key is not kept: the demo never issues a second TSA certificate, it makes a new
    TSA with force=True.
    """
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {algorithm!r}; choose one of {', '.join(ALGORITHMS)}")
    if not force and all((directory / name).exists() for name in TSA_FILES):
        return
    # The root (20 years) outlives the TSA certificate, so every token the TSA can sign still chains to it.
    root = issuing.make_ca(ROOT_NAME, algorithm)
    tsa_key = keypairs.generate_key(algorithm)
    start = issuing.now() - dt.timedelta(minutes=5)  # a verifier whose clock runs behind still sees it valid
    der = issuing.certify(
        root,
        public_key=tsa_key,
        subject=issuing.subject_name(cn=TSA_NAME, o=ORGANISATION),
        not_before=start,
        not_after=start + dt.timedelta(days=10 * 365),
        # RFC 3161 §2.3: a TSA certificate has exactly this one extended key usage, marked critical.
        extended_key_usage="time_stamping",
    )
    password = key_password()
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password.encode()) if password else serialization.NoEncryption()
    )
    directory.mkdir(parents=True, exist_ok=True)
    key_pem = tsa_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    _write_private(directory / KEY_FILE, key_pem)
    (directory / CERT_FILE).write_text(issuing.to_pem(der))
    (directory / ROOT_FILE).write_text(root.certificate_pem)


def _write_private(path: Path, data: bytes) -> None:
    # Created 0600 from the first byte, rather than chmod-ed after the key has been readable.
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
