"""Every certificate the agent can offer: on the configured PKCS#11 tokens and in the soft store."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .certinfo import CertificateInfo, verify
from .config import AgentConfig
from .errors import (
    KEY_MISMATCH,
    KEY_MISSING,
    PIN_EMPTY,
    TOKEN_NO_SM2,
    CertificateNotFound,
    SigningFailed,
    WrongPin,
)
from .pinguard import PinGuard
from .softstore import SoftKey, SoftStore
from .tokens import ModuleStatus, Pkcs11Module, TokenKey, TokenStatus

TOKEN = "token"
FILE = "file"


@dataclass(frozen=True)
class CertificateEntry:
    info: CertificateInfo
    source: str  # TOKEN or FILE
    location: str  # the token's label or the file's stem
    key: TokenKey | SoftKey
    problem: str | None = None  # why it cannot sign, when that is known before asking for the PIN

    @property
    def id(self) -> str:
        return self.info.id

    def as_json(self) -> dict[str, object]:
        return {
            **self.info.as_json(),
            "source": self.source,
            "location": self.location,
            "can_sign": self.problem is None,
            "problem": self.problem,
        }


@dataclass
class Scan:
    modules: list[ModuleStatus] = field(default_factory=list)
    tokens: list[TokenStatus] = field(default_factory=list)
    certificates: list[CertificateEntry] = field(default_factory=list)
    soft_store: Path | None = None

    def find(self, certificate_id: str) -> CertificateEntry | None:
        return next((entry for entry in self.certificates if entry.id == certificate_id), None)

    def status_json(self) -> dict[str, object]:
        store = self.soft_store
        return {
            "modules": [module.as_json() for module in self.modules],
            "tokens": [token.as_json() for token in self.tokens],
            "soft_store": {"path": str(store), "exists": bool(store and store.is_dir())},
            "certificates": len(self.certificates),
        }


def _token_problem(info: CertificateInfo, key: TokenKey) -> str | None:
    if info.algorithm == "sm2":
        return TOKEN_NO_SM2
    if key.key_id is None:
        return KEY_MISSING
    return None


def pin_key(entry: CertificateEntry) -> str:
    """What a wrong PIN counts against: the token (whose PIN it is), or the soft certificate's file."""
    if isinstance(entry.key, TokenKey):
        return f"token:{entry.key.token_serial}:{entry.key.token_label}"
    return f"file:{entry.key.path.resolve()}"


class Inventory:
    def __init__(self, config: AgentConfig, *, wall_clock: Callable[[], float] = time.time):
        self.modules = [Pkcs11Module(path) for path in config.pkcs11_modules]
        self.soft_store = SoftStore(config.soft_store)
        self.pin_guard = PinGuard(
            state_dir=config.state_dir,
            max_failures=config.pin_max_failures,
            lock_minutes=config.pin_lock_minutes,
            clock=wall_clock,
        )

    def scan(self) -> Scan:
        """Looks again at every module and the soft store; a certificate in both is listed once."""
        scan = Scan(soft_store=self.soft_store.directory)
        seen: set[str] = set()
        for module in self.modules:
            module_scan = module.scan()
            scan.modules.append(module_scan.status)
            scan.tokens.extend(module_scan.tokens)
            for info, token_key in module_scan.certificates:
                if info.id not in seen:
                    seen.add(info.id)
                    entry = CertificateEntry(
                        info, TOKEN, token_key.token_label, token_key, _token_problem(info, token_key)
                    )
                    scan.certificates.append(entry)
        for info, soft_key in self.soft_store.scan():
            if info.id not in seen:
                seen.add(info.id)
                scan.certificates.append(CertificateEntry(info, FILE, soft_key.stem, soft_key))
        return scan

    def find(self, certificate_id: str) -> CertificateEntry:
        entry = self.scan().find(certificate_id)
        if entry is None:
            raise CertificateNotFound()
        return entry

    def sign(self, entry: CertificateEntry, pin: str, data: bytes) -> bytes:
        """Signs data with the certificate's key and checks the result against the certificate.

        Raises WrongPin (the user may retry; its tries_left says how often) or SigningFailed
        (retrying will not help), KeyLocked among them once too many wrong PINs came in a row.
        """
        if not pin:
            raise WrongPin(PIN_EMPTY)
        if entry.problem:
            raise SigningFailed(entry.problem)
        counted = pin_key(entry)
        self.pin_guard.check(counted)
        try:
            if isinstance(entry.key, TokenKey):
                module = next(m for m in self.modules if m.path == entry.key.module)
                signature = module.sign(entry.key, entry.info.algorithm, pin, data)
            else:
                signature = self.soft_store.sign(entry.key, entry.info, pin, data)
        except WrongPin as exc:
            exc.tries_left = self.pin_guard.failed(counted)  # raises KeyLocked at the limit
            raise
        self.pin_guard.succeeded(counted)
        # A key file or token object paired with the wrong certificate would sign happily; the
        # web side would then reject the signature with no hint why. Say so here instead.
        if not verify(entry.info, data, signature):
            raise SigningFailed(KEY_MISMATCH)
        return signature
