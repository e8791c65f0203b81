"""Certificates on PKCS#11 tokens (USB keys): any vendor's module, SoftHSM2 in the tests."""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass, field
from typing import Any

import pkcs11
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from pkcs11 import Attribute, Mechanism, ObjectClass, TokenFlag

from .certinfo import CertificateInfo, UnsupportedCertificate, describe
from .errors import (
    KEY_MISSING,
    PIN_LOCKED,
    TOKEN_GONE,
    TOKEN_NO_SM2,
    TOKEN_PIN_COUNT_LOW,
    TOKEN_PIN_FINAL_TRY,
    SigningFailed,
    WrongPin,
)

logger = logging.getLogger(__name__)

# python-pkcs11 initialises modules without asking for OS locking, so a module may not be
# thread-safe; and a rescan finalizes the module, which would close another thread's session.
# Every call into any module goes through this lock.
PKCS11_LOCK = threading.RLock()

# DER DigestInfo prefix for SHA-256 (RFC 8017 §9.2 note 1), for tokens that offer raw RSA only.
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


@dataclass(frozen=True)
class ModuleStatus:
    path: str
    loaded: bool
    error: str | None = None

    def as_json(self) -> dict[str, object]:
        return {"path": self.path, "loaded": self.loaded, "error": self.error}


@dataclass(frozen=True)
class TokenStatus:
    label: str
    manufacturer: str
    model: str
    serial: str
    module: str

    def as_json(self) -> dict[str, str]:
        return {
            "label": self.label,
            "manufacturer": self.manufacturer,
            "model": self.model,
            "serial": self.serial,
            "module": self.module,
        }


@dataclass(frozen=True)
class TokenKey:
    """Where a token certificate's private key is: the PRIVATE_KEY object with the same CKA_ID."""

    module: str
    token_serial: str
    token_label: str
    key_id: bytes | None


@dataclass
class ModuleScan:
    status: ModuleStatus
    tokens: list[TokenStatus] = field(default_factory=list)
    certificates: list[tuple[CertificateInfo, TokenKey]] = field(default_factory=list)


def _serial(token: pkcs11.Token) -> str:
    return token.serial.decode("ascii", "replace").strip()


def token_pin_warning(flags: int) -> str | None:
    """What the token's own PIN retry counter says (CKF_USER_PIN_* in its token info), if anything.

    A USB key counts wrong PINs itself and locks for good at its own limit, which only the CA can
    undo; the agent's count (pinguard.py) knows nothing of tries made elsewhere, so both are told.
    """
    if flags & TokenFlag.USER_PIN_LOCKED:
        return PIN_LOCKED
    if flags & TokenFlag.USER_PIN_FINAL_TRY:
        return TOKEN_PIN_FINAL_TRY
    if flags & TokenFlag.USER_PIN_COUNT_LOW:
        return TOKEN_PIN_COUNT_LOW
    return None


def _attribute(obj: pkcs11.Object, attribute: Attribute) -> object | None:
    try:
        return obj[attribute]
    except (pkcs11.AttributeTypeInvalid, pkcs11.AttributeSensitive):
        return None


class Pkcs11Module:
    def __init__(self, path: str):
        self.path = path

    def _lib(self) -> Any:  # pkcs11.lib is a factory function; its result is untyped
        return pkcs11.lib(self.path)

    def scan(self) -> ModuleScan:
        """Loads the module afresh and lists every certificate object, without logging in."""
        with PKCS11_LOCK:
            try:
                lib = self._lib()
                # Re-initialising makes the module look again for tokens: SoftHSM2 reads its token
                # directory only in C_Initialize, and some vendor modules see re-plugged keys only then.
                lib.reinitialize()
                slots = lib.get_slots(token_present=True)
            except Exception as exc:  # a broken vendor module must not stop the others
                logger.info("PKCS#11 module %s failed to load: %s", self.path, exc)  # reported in the scan
                return ModuleScan(ModuleStatus(self.path, False, f"无法加载PKCS#11模块：{exc}"))
            scan = ModuleScan(ModuleStatus(self.path, True))
            for slot in slots:
                try:
                    token = slot.get_token()
                except pkcs11.PKCS11Error as exc:
                    logger.info("slot %s of %s unreadable: %s", slot.slot_id, self.path, exc)
                    continue
                if not token.flags & TokenFlag.TOKEN_INITIALIZED:
                    continue
                scan.tokens.append(
                    TokenStatus(
                        label=token.label.strip(),
                        manufacturer=token.manufacturer_id.strip(),
                        model=token.model.strip(),
                        serial=_serial(token),
                        module=self.path,
                    )
                )
                try:
                    scan.certificates.extend(self._certificates(token))
                except pkcs11.PKCS11Error as exc:
                    logger.warning("cannot list certificates on token %r: %s", token.label, exc)
            return scan

    def _certificates(self, token: pkcs11.Token) -> list[tuple[CertificateInfo, TokenKey]]:
        found = []
        with token.open() as session:
            for obj in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
                value = _attribute(obj, Attribute.VALUE)
                if not isinstance(value, bytes):
                    continue
                try:
                    info = describe(value)
                except (ValueError, UnsupportedCertificate) as exc:
                    logger.info("skipping certificate on token %r: %s", token.label, exc)
                    continue
                key_id = _attribute(obj, Attribute.ID)
                key = TokenKey(
                    module=self.path,
                    token_serial=_serial(token),
                    token_label=token.label.strip(),
                    key_id=key_id if isinstance(key_id, bytes) and key_id else None,
                )
                found.append((info, key))
        return found

    def _token(self, key: TokenKey) -> pkcs11.Token | None:
        lib = self._lib()
        for attempt in range(2):
            for slot in lib.get_slots(token_present=True):
                try:
                    token = slot.get_token()
                except pkcs11.PKCS11Error:
                    continue
                if _serial(token) == key.token_serial and token.label.strip() == key.token_label:
                    return token
            if attempt == 0:
                lib.reinitialize()  # the key may have been re-plugged since the last scan
        return None

    def _pin_warning(self, key: TokenKey) -> str | None:
        """The token's PIN flags as they are now, after a failed login (call with PKCS11_LOCK held)."""
        try:
            token = self._token(key)
        except pkcs11.PKCS11Error:
            return None
        return token_pin_warning(token.flags) if token is not None else None

    def sign(self, key: TokenKey, algorithm: str, pin: str, data: bytes) -> bytes:
        """Logs in with the user PIN and signs; the PIN goes to the token and nowhere else."""
        if algorithm == "sm2":
            # No standard PKCS#11 mechanism for SM2 exists and SoftHSM2 offers none; vendor
            # mechanisms would go here once a vendor module is configured and documented.
            raise SigningFailed(TOKEN_NO_SM2)
        if key.key_id is None:
            raise SigningFailed(KEY_MISSING)
        with PKCS11_LOCK:
            try:
                token = self._token(key)
            except pkcs11.PKCS11Error as exc:
                logger.warning("module %s unusable while signing: %s", self.path, exc)
                raise SigningFailed(TOKEN_GONE) from exc
            if token is None:
                raise SigningFailed(TOKEN_GONE)
            try:
                mechanisms = token.slot.get_mechanisms()
                with token.open(user_pin=pin) as session:
                    private_key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, id=key.key_id)
                    return _sign_with(private_key, algorithm, mechanisms, data)
            except (pkcs11.PinIncorrect, pkcs11.PinInvalid, pkcs11.PinLenRange) as exc:
                warning = self._pin_warning(key)
                if warning == PIN_LOCKED:  # that was the token's last try
                    raise SigningFailed(PIN_LOCKED) from exc
                raise WrongPin(warning=warning) from exc
            except pkcs11.PinLocked as exc:
                raise SigningFailed(PIN_LOCKED) from exc
            except (pkcs11.NoSuchKey, pkcs11.MultipleObjectsReturned) as exc:
                raise SigningFailed(KEY_MISSING) from exc
            except (pkcs11.TokenNotPresent, pkcs11.DeviceRemoved, pkcs11.DeviceError) as exc:
                raise SigningFailed(TOKEN_GONE) from exc
            except pkcs11.PKCS11Error as exc:
                logger.warning("token %r failed to sign: %s", key.token_label, type(exc).__name__)
                raise SigningFailed(
                    f"USB Key 签名失败，请重新插入USB Key后重试（技术信息：{type(exc).__name__}）"
                ) from exc


def _sign_with(private_key: Any, algorithm: str, mechanisms: set[Mechanism], data: bytes) -> bytes:
    if algorithm == "rsa":
        if Mechanism.SHA256_RSA_PKCS in mechanisms:
            return private_key.sign(data, mechanism=Mechanism.SHA256_RSA_PKCS)
        digest_info = SHA256_DIGEST_INFO + hashlib.sha256(data).digest()
        return private_key.sign(digest_info, mechanism=Mechanism.RSA_PKCS)
    # P-256. CKM_ECDSA signs a digest and returns r||s; the web side expects DER, like OpenSSL.
    raw = private_key.sign(hashlib.sha256(data).digest(), mechanism=Mechanism.ECDSA)
    half = len(raw) // 2
    return encode_dss_signature(int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big"))
