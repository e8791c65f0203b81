"""Keys for the demo CA (democa/issuing.py): RSA, ECDSA P-256 and SM2 key pairs, signing with them,
and PKCS#8 files (encrypted as OpenSSL and the agent read them).

SM2 goes through gmssl_pyx, which cryptography cannot do; the SM2 public point is derived here
because gmssl_pyx gives it only when generating a key.
"""

from __future__ import annotations

import os
from typing import Any

import gmssl_pyx
from asn1crypto import algos, core, keys, pem
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from pki.verify import SM2_CURVE, SM3_WITH_SM2

keys.NamedCurve.register("sm2p256v1", SM2_CURVE, 32)


def generate_key(algorithm: str) -> Any:
    if algorithm == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if algorithm == "p256":
        return ec.generate_private_key(ec.SECP256R1())
    if algorithm == "sm2":
        _, sk = gmssl_pyx.sm2_key_generate()
        return sk
    raise ValueError(f"unknown algorithm {algorithm!r}")


def sm2_public_point(private_scalar: bytes) -> bytes:
    """The 65-byte uncompressed public point of an SM2 private scalar."""
    # gmssl_pyx derives the point only when generating, so sign-and-recover is not available;
    # scalar multiplication on the SM2 curve is short enough to do here.
    p = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
    a = p - 3
    g = (
        0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7,
        0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0,
    )

    def add(P: tuple[int, int] | None, Q: tuple[int, int] | None) -> tuple[int, int] | None:
        if P is None:
            return Q
        if Q is None:
            return P
        if P[0] == Q[0] and (P[1] + Q[1]) % p == 0:
            return None
        if P == Q:
            lam = (3 * P[0] * P[0] + a) * pow(2 * P[1], -1, p) % p
        else:
            lam = (Q[1] - P[1]) * pow(Q[0] - P[0], -1, p) % p
        x = (lam * lam - P[0] - Q[0]) % p
        return x, (lam * (P[0] - x) - P[1]) % p

    k = int.from_bytes(private_scalar, "big")
    result: tuple[int, int] | None = None
    addend: tuple[int, int] | None = g
    while k:
        if k & 1:
            result = add(result, addend)
        addend = add(addend, addend)
        k >>= 1
    assert result is not None
    return b"\x04" + result[0].to_bytes(32, "big") + result[1].to_bytes(32, "big")


def public_key_info(algorithm: str, key: Any) -> keys.PublicKeyInfo:
    """SubjectPublicKeyInfo of a private key (cryptography or SM2 scalar) or a cryptography public key."""
    if algorithm == "sm2":
        point = key if len(key) == 65 else sm2_public_point(key)
        return keys.PublicKeyInfo(
            {
                "algorithm": {"algorithm": "ec", "parameters": ("named", "sm2p256v1")},
                "public_key": point,
            }
        )
    public = key.public_key() if hasattr(key, "public_key") else key
    der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return keys.PublicKeyInfo.load(der)


def sign(algorithm: str, private_key: Any, data: bytes) -> bytes:
    if algorithm == "rsa":
        return private_key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    if algorithm == "p256":
        return private_key.sign(data, ec.ECDSA(hashes.SHA256()))
    point = sm2_public_point(private_key)[1:]
    return gmssl_pyx.sm2_sign(private_key, point, data, signer_id=gmssl_pyx.SM2_DEFAULT_SIGNER_ID)


def signature_algorithm(algorithm: str) -> algos.SignedDigestAlgorithm:
    oid = {"rsa": "sha256_rsa", "p256": "sha256_ecdsa", "sm2": SM3_WITH_SM2}[algorithm]
    spec: dict[str, Any] = {"algorithm": oid}
    if algorithm == "rsa":
        spec["parameters"] = core.Null()
    return algos.SignedDigestAlgorithm(spec)


def private_key_info(algorithm: str, private_key: Any) -> keys.PrivateKeyInfo:
    if algorithm != "sm2":
        der = private_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        return keys.PrivateKeyInfo.load(der)
    ec_key = keys.ECPrivateKey(
        {
            "version": "ecPrivkeyVer1",
            "private_key": int.from_bytes(private_key, "big"),
            "public_key": sm2_public_point(private_key),
        }
    )
    return keys.PrivateKeyInfo(
        {
            "version": 0,
            "private_key_algorithm": {"algorithm": "ec", "parameters": ("named", "sm2p256v1")},
            "private_key": ec_key,
        }
    )


def private_key_pem(algorithm: str, private_key: Any, *, password: str | None) -> bytes:
    info = private_key_info(algorithm, private_key).dump()
    if password is None:
        return pem.armor("PRIVATE KEY", info)
    # Standard PKCS#8 PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC): OpenSSL and the agent both read it.
    salt, iv, iterations = os.urandom(16), os.urandom(16), 100_000
    kek = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=iterations).derive(
        password.encode()
    )
    pad = 16 - len(info) % 16
    encryptor = Cipher(algorithms.AES(kek), modes.CBC(iv)).encryptor()
    encrypted = encryptor.update(info + bytes([pad]) * pad) + encryptor.finalize()
    encrypted_info = keys.EncryptedPrivateKeyInfo(
        {
            "encryption_algorithm": {
                "algorithm": "pbes2",
                "parameters": {
                    "key_derivation_func": {
                        "algorithm": "pbkdf2",
                        "parameters": {
                            "salt": ("specified", salt),
                            "iteration_count": iterations,
                            "prf": {"algorithm": "sha256", "parameters": core.Null()},
                        },
                    },
                    "encryption_scheme": {"algorithm": "aes256_cbc", "parameters": iv},
                },
            },
            "encrypted_data": encrypted,
        }
    )
    return pem.armor("ENCRYPTED PRIVATE KEY", encrypted_info.dump())


def load_private_key(algorithm: str, data: bytes, *, password: str | None) -> Any:
    """Reads what private_key_pem wrote (unencrypted only; the agent decrypts its own files)."""
    if algorithm != "sm2":
        return serialization.load_pem_private_key(data, password.encode() if password else None)
    _, _, der = pem.unarmor(data)
    info = keys.PrivateKeyInfo.load(der)
    return info["private_key"].parsed["private_key"].native.to_bytes(32, "big")
