"""Soft certificates: files in one directory, the key protected by the same PIN a USB key would ask.

Per certificate: STEM.crt (the certificate, PEM or DER, read without the PIN) and either STEM.p12
(PKCS#12, RSA or P-256) or STEM.key.pem (an SM2 key as encrypted PKCS#8, which cryptography cannot
load, so it is decrypted here: PBES2 with PBKDF2 and AES-CBC).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import gmssl_pyx
from asn1crypto import keys, pem
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric import padding as asym_padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.serialization import pkcs12

from .certinfo import SM2_CURVE, CertificateInfo, UnsupportedCertificate, describe, sm2_public_key
from .errors import KEY_FILE_UNREADABLE, KEY_MISMATCH, KEY_MISSING, SigningFailed, WrongPin

logger = logging.getLogger(__name__)

PBKDF2_PRFS = {
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
    "sha512": hashlib.sha512,
}
# A key file is local, but its iteration count still decides how long a PIN check takes.
MAX_PBKDF2_ITERATIONS = 10_000_000


@dataclass(frozen=True)
class SoftKey:
    """A soft certificate's key file: STEM.p12 or STEM.key.pem next to STEM.crt."""

    path: Path
    stem: str


class SoftStore:
    def __init__(self, directory: Path):
        self.directory = directory

    def scan(self) -> list[tuple[CertificateInfo, SoftKey]]:
        if not self.directory.is_dir():
            return []
        found = []
        for crt in sorted(self.directory.glob("*.crt")):
            stem = crt.name[: -len(".crt")]
            key_path = next(
                (p for p in (crt.with_name(f"{stem}.p12"), crt.with_name(f"{stem}.key.pem")) if p.is_file()),
                None,
            )
            if key_path is None:
                logger.info("soft certificate %s has no key file (%s.p12 or %s.key.pem)", crt, stem, stem)
                continue
            try:
                info = describe(crt.read_bytes())
            except (OSError, ValueError, UnsupportedCertificate) as exc:
                logger.info("skipping soft certificate %s: %s", crt, exc)
                continue
            found.append((info, SoftKey(key_path, stem)))
        return found

    def sign(self, key: SoftKey, info: CertificateInfo, pin: str, data: bytes) -> bytes:
        try:
            blob = key.path.read_bytes()
        except FileNotFoundError as exc:
            raise SigningFailed(KEY_MISSING) from exc
        except OSError as exc:
            raise SigningFailed(KEY_FILE_UNREADABLE) from exc
        if key.path.name.endswith(".p12"):
            return _sign_p12(blob, info.algorithm, pin, data)
        scalar = decrypt_sm2_key(blob, pin)
        return gmssl_pyx.sm2_sign(
            scalar, sm2_public_key(info.der), data, signer_id=gmssl_pyx.SM2_DEFAULT_SIGNER_ID
        )


def _sign_p12(blob: bytes, algorithm: str, pin: str, data: bytes) -> bytes:
    try:
        private_key, _, _ = pkcs12.load_key_and_certificates(blob, pin.encode("utf-8"))
    except ValueError as exc:  # cryptography says only "Invalid password or PKCS12 data"
        raise WrongPin() from exc
    if algorithm == "rsa" and isinstance(private_key, rsa.RSAPrivateKey):
        return private_key.sign(data, asym_padding.PKCS1v15(), hashes.SHA256())
    if (
        algorithm == "p256"
        and isinstance(private_key, ec.EllipticCurvePrivateKey)
        and isinstance(private_key.curve, ec.SECP256R1)
    ):
        return private_key.sign(data, ec.ECDSA(hashes.SHA256()))
    raise SigningFailed(KEY_MISMATCH if private_key is not None else KEY_MISSING)


def decrypt_sm2_key(blob: bytes, pin: str) -> bytes:
    """The 32-byte SM2 private scalar from an encrypted PKCS#8 PEM (or DER) file; PIN = password."""
    der = pem.unarmor(blob)[2] if pem.detect(blob) else blob
    try:
        encrypted = keys.EncryptedPrivateKeyInfo.load(der)
        scheme = encrypted["encryption_algorithm"]
        if scheme["algorithm"].native != "pbes2":
            raise SigningFailed(f"{KEY_FILE_UNREADABLE}（不支持的加密方式：{scheme['algorithm'].native}）")
        kdf = scheme["parameters"]["key_derivation_func"]
        cipher = scheme["parameters"]["encryption_scheme"]
        ciphertext = encrypted["encrypted_data"].native
    except (ValueError, TypeError, KeyError) as exc:
        raise SigningFailed(KEY_FILE_UNREADABLE) from exc
    if kdf["algorithm"].native != "pbkdf2":
        raise SigningFailed(f"{KEY_FILE_UNREADABLE}（不支持的密钥派生方式）")
    cipher_name = cipher["algorithm"].native
    key_length = {"aes128_cbc": 16, "aes192_cbc": 24, "aes256_cbc": 32}.get(cipher_name)
    params = kdf["parameters"]
    prf = params["prf"]["algorithm"].native
    iterations = params["iteration_count"].native
    if key_length is None or prf not in PBKDF2_PRFS or not 0 < iterations <= MAX_PBKDF2_ITERATIONS:
        raise SigningFailed(f"{KEY_FILE_UNREADABLE}（不支持的加密参数：{cipher_name}, {prf}）")
    kek = hashlib.pbkdf2_hmac(prf, pin.encode("utf-8"), params["salt"].native, iterations, key_length)
    decryptor = Cipher(algorithms.AES(kek), modes.CBC(cipher["parameters"].native)).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    # A wrong password shows as bad padding or, rarely, as padding that happens to fit over
    # garbage: either way what comes out is not a PrivateKeyInfo.
    unpadder = padding.PKCS7(128).unpadder()
    try:
        plain = unpadder.update(padded) + unpadder.finalize()
        info = keys.PrivateKeyInfo.load(plain)
        algorithm = info["private_key_algorithm"]
        oid = algorithm["algorithm"].dotted
        # OpenSSL writes id-ecPublicKey with the SM2 curve; some vendors write the SM2 OID itself.
        curve = SM2_CURVE if oid == SM2_CURVE else algorithm["parameters"].chosen.dotted
        scalar = keys.ECPrivateKey.load(info["private_key"].contents)["private_key"].native
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise WrongPin() from exc
    if curve != SM2_CURVE or not isinstance(scalar, int):
        raise SigningFailed(f"{KEY_FILE_UNREADABLE}（不是SM2私钥）")
    return scalar.to_bytes(32, "big")
