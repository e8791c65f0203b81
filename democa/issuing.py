"""A small certificate authority for the demo and the tests: RSA, ECDSA P-256 and SM2 issuers.

Real trading platforms trust CAs they do not run; ggzy issues certificates only so that `make run`
and the tests can be tried end to end without a vendor's USB key. It lives in democa, beside the
demo CA company, so that no production module can come to depend on it. Everything here is plain
Python with no Django, so the agent's tests, the benchmark and the demo commands share it.

Certificates and CRLs are assembled with asn1crypto and signed with the issuer's key: cryptography
for RSA and P-256, gmssl_pyx for SM2 (SM3withSM2, default signer ID), which cryptography cannot do.
Each demo issuer carries the holder's code in its own place, as real vendors do (DOMAIN.md §2).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asn1crypto import core, crl, keys, pem, x509
from cryptography import x509 as cx509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from democa import keypairs
from pki.verify import SM2_CURVE

keys.NamedCurve.register("sm2p256v1", SM2_CURVE, 32)

ALGORITHMS = ("rsa", "p256", "sm2")
# Where each demo issuer puts the holder's code, for a unit and for a person. Real vendors differ
# in exactly this way; the trust store maps it per issuer (pki.models.TrustedIssuer).
DEFAULT_PLACEMENT = {
    "rsa": {"unit": "ext:1.2.86.11.7.3", "person": "ext:1.2.86.11.7.1"},
    "p256": {"unit": "subject:serial_number", "person": "subject:serial_number"},
    "sm2": {"unit": "ext:1.2.156.10260.4.1.4", "person": "ext:1.2.156.10260.4.1.1"},
}
SOFTHSM2_MODULE = "/usr/lib/softhsm/libsofthsm2.so"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass
class CA:
    """An issuer: its certificate and private key, and where it writes the holder's code."""

    name: str
    algorithm: str
    certificate: bytes  # DER
    private_key: Any  # cryptography key, or the 32-byte SM2 scalar
    placement: dict[str, str] = field(default_factory=dict)
    crl_url: str = ""

    @property
    def certificate_pem(self) -> str:
        return pem.armor("CERTIFICATE", self.certificate).decode()

    @property
    def subject(self) -> x509.Name:
        return x509.Certificate.load(self.certificate).subject

    def sign(self, data: bytes) -> bytes:
        return keypairs.sign(self.algorithm, self.private_key, data)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "ca.crt").write_text(self.certificate_pem)
        (directory / "ca.key").write_bytes(
            keypairs.private_key_pem(self.algorithm, self.private_key, password=None)
        )
        (directory / "ca.alg").write_text(f"{self.algorithm}\n{self.name}\n{self.crl_url}\n")
        os.chmod(directory / "ca.key", 0o600)


def load_ca(directory: Path) -> CA:
    algorithm, name, crl_url = (directory / "ca.alg").read_text().split("\n")[:3]
    _, _, der = pem.unarmor((directory / "ca.crt").read_bytes())
    private_key = keypairs.load_private_key(algorithm, (directory / "ca.key").read_bytes(), password=None)
    return CA(name, algorithm, der, private_key, dict(DEFAULT_PLACEMENT[algorithm]), crl_url)


# --- certificates -----------------------------------------------------------------------------


def subject_name(*, cn: str, o: str | None = None, serial_number: str | None = None) -> x509.Name:
    parts: dict[str, str] = {"country_name": "CN"}
    if o:
        parts["organization_name"] = o
    if serial_number:
        parts["serial_number"] = serial_number
    parts["common_name"] = cn
    return x509.Name.build(parts, use_printable=False)


def _extension(oid: str, value: Any, critical: bool = False) -> dict[str, Any]:
    return {"extn_id": oid, "critical": critical, "extn_value": value}


def _certificate(
    issuer: CA | None,
    *,
    algorithm: str,
    subject: x509.Name,
    spki: keys.PublicKeyInfo,
    signer_key: Any,
    not_before: dt.datetime,
    not_after: dt.datetime,
    serial: int,
    extensions: list[dict[str, Any]],
) -> bytes:
    tbs = x509.TbsCertificate(
        {
            "version": "v3",
            "serial_number": serial,
            "signature": keypairs.signature_algorithm(algorithm),
            "issuer": issuer.subject if issuer else subject,
            "validity": {"not_before": x509.Time({"utc_time": not_before}), "not_after": _time(not_after)},
            "subject": subject,
            "subject_public_key_info": spki,
            "extensions": extensions,
        }
    )
    signature = keypairs.sign(algorithm, signer_key, tbs.dump())
    cert = x509.Certificate(
        {
            "tbs_certificate": tbs,
            "signature_algorithm": keypairs.signature_algorithm(algorithm),
            "signature_value": signature,
        }
    )
    return cert.dump()


def _time(moment: dt.datetime) -> x509.Time:
    # RFC 5280: UTCTime through 2049, GeneralizedTime after.
    return x509.Time({"utc_time" if moment.year < 2050 else "general_time": moment})


def _key_identifier(spki: keys.PublicKeyInfo) -> bytes:
    return hashlib.sha1(spki["public_key"].contents[1:]).digest()


def make_ca(name: str, algorithm: str, *, crl_url: str = "", years: int = 20) -> CA:
    key = keypairs.generate_key(algorithm)
    spki = keypairs.public_key_info(algorithm, key)
    start = now() - dt.timedelta(days=1)
    der = _certificate(
        None,
        algorithm=algorithm,
        subject=subject_name(cn=name, o="ggzy 演示证书机构"),
        spki=spki,
        signer_key=key,
        not_before=start,
        not_after=start + dt.timedelta(days=365 * years),
        serial=secrets.randbits(63),
        extensions=[
            _extension("basic_constraints", {"ca": True}, critical=True),
            _extension("key_usage", {"key_cert_sign", "crl_sign"}, critical=True),
            _extension("key_identifier", _key_identifier(spki)),
        ],
    )
    return CA(name, algorithm, der, key, dict(DEFAULT_PLACEMENT[algorithm]), crl_url)


def issue(
    ca: CA,
    *,
    public_key: Any,
    name: str,
    code: str,
    kind: str = "unit",
    **options: Any,
) -> bytes:
    """A holder's certificate (DER), carrying the holder's code where this CA puts it (placement).

    public_key and options (validity, key usage, serial, issuer_key) are certify's.
    """
    where = ca.placement[kind]
    serial_number = code if where == "subject:serial_number" else None
    subject = subject_name(cn=name, o=name if kind == "unit" else None, serial_number=serial_number)
    extensions = []
    if where.startswith("ext:"):
        extensions.append(_extension(where[4:], core.ParsableOctetString(core.UTF8String(code).dump())))
    return certify(ca, public_key=public_key, subject=subject, extensions=extensions, **options)


def certify(
    ca: CA,
    *,
    public_key: Any,
    subject: x509.Name,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    key_usage: frozenset[str] = frozenset({"digital_signature", "non_repudiation"}),
    extended_key_usage: str | None = None,
    serial: int | None = None,
    issuer_key: Any = None,
    extensions: list[dict[str, Any]] | None = None,
) -> bytes:
    """An end-entity certificate (DER) signed by this CA: every demo certificate is made here, a
    holder's (issue) and the demo TSA's (democa.tsa) alike.

    public_key: a cryptography key, an SM2 scalar or point, or an SPKI. extended_key_usage: one
    purpose (asn1crypto's name, e.g. "time_stamping"), marked critical as RFC 3161 requires of a
    TSA. issuer_key signs instead of the CA's own key: a forged certificate that names this CA.
    """
    spki = (
        public_key
        if isinstance(public_key, keys.PublicKeyInfo)
        else keypairs.public_key_info(ca.algorithm, public_key)
    )
    start = not_before or now() - dt.timedelta(hours=1)
    end = not_after or start + dt.timedelta(days=730)
    every = [
        _extension("basic_constraints", {"ca": False}, critical=True),
        _extension("key_usage", set(key_usage), critical=True),
        _extension("key_identifier", _key_identifier(spki)),
        _extension("authority_key_identifier", {"key_identifier": _key_identifier(_ca_spki(ca))}),
    ]
    if extended_key_usage:
        every.append(_extension("extended_key_usage", [extended_key_usage], critical=True))
    every += extensions or []
    if ca.crl_url:
        every.append(
            _extension(
                "crl_distribution_points",
                [
                    {
                        "distribution_point": x509.DistributionPointName(
                            name="full_name",
                            value=[x509.GeneralName(name="uniform_resource_identifier", value=ca.crl_url)],
                        )
                    }
                ],
            )
        )
    return _certificate(
        ca,
        algorithm=ca.algorithm,
        subject=subject,
        spki=spki,
        signer_key=issuer_key if issuer_key is not None else ca.private_key,
        not_before=start,
        not_after=end,
        serial=serial if serial is not None else secrets.randbits(63),
        extensions=every,
    )


def _ca_spki(ca: CA) -> keys.PublicKeyInfo:
    return x509.Certificate.load(ca.certificate).public_key


def to_pem(der: bytes) -> str:
    return pem.armor("CERTIFICATE", der).decode()


def serial_of(cert_der_or_pem: bytes | str) -> int:
    data = cert_der_or_pem.encode() if isinstance(cert_der_or_pem, str) else cert_der_or_pem
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return x509.Certificate.load(data).serial_number


def make_crl(
    ca: CA,
    *,
    revoked: list[tuple[int, dt.datetime]] = (),  # type: ignore[assignment]
    this_update: dt.datetime | None = None,
    next_update: dt.datetime | None = None,
    number: int = 1,
) -> bytes:
    """A CRL (DER) signed by the CA, listing (serial, revocation time) pairs."""
    start = this_update or now()
    tbs = crl.TbsCertList(
        {
            "version": "v2",
            "signature": keypairs.signature_algorithm(ca.algorithm),
            "issuer": ca.subject,
            "this_update": _time(start),
            "next_update": _time(next_update or start + dt.timedelta(days=1)),
            "revoked_certificates": [
                {"user_certificate": serial, "revocation_date": _time(when)} for serial, when in revoked
            ]
            or None,
            "crl_extensions": [
                {"extn_id": "crl_number", "critical": False, "extn_value": number},
                {
                    "extn_id": "authority_key_identifier",
                    "critical": False,
                    "extn_value": {"key_identifier": _key_identifier(_ca_spki(ca))},
                },
            ],
        }
    )
    if not tbs["revoked_certificates"].native:
        del tbs["revoked_certificates"]
    signed = crl.CertificateList(
        {
            "tbs_cert_list": tbs,
            "signature_algorithm": keypairs.signature_algorithm(ca.algorithm),
            "signature": ca.sign(tbs.dump()),
        }
    )
    return signed.dump()


# --- where holders keep their keys: files and tokens ------------------------------------------


def soft_certificate(
    ca: CA, *, directory: Path, stem: str, pin: str, name: str, code: str, **options: Any
) -> str:
    """A soft certificate as the agent reads it: STEM.crt plus STEM.p12 (RSA, P-256) or STEM.key.pem (SM2)."""
    directory.mkdir(parents=True, exist_ok=True)
    key = keypairs.generate_key(ca.algorithm)
    der = issue(ca, public_key=key, name=name, code=code, **options)
    (directory / f"{stem}.crt").write_text(to_pem(der))
    if ca.algorithm == "sm2":
        (directory / f"{stem}.key.pem").write_bytes(keypairs.private_key_pem("sm2", key, password=pin))
    else:
        p12 = pkcs12.serialize_key_and_certificates(
            stem.encode(),
            key,
            cx509.load_der_x509_certificate(der),
            None,
            serialization.BestAvailableEncryption(pin.encode()),
        )
        (directory / f"{stem}.p12").write_bytes(p12)
    return to_pem(der)


def init_token(*, label: str, so_pin: str, pin: str) -> None:
    """Initialises a fresh SoftHSM2 token in the token directory of $SOFTHSM2_CONF."""
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", so_pin, "--pin", pin],
        check=True,
        capture_output=True,
    )


def token_certificate(
    ca: CA,
    *,
    module: str = SOFTHSM2_MODULE,
    token_label: str,
    pin: str,
    name: str,
    code: str,
    **options: Any,
) -> str:
    """Generates a key pair on the token (it never leaves), has the CA certify it, stores the certificate.

    The certificate gets the same CKA_ID as its keys, which is how the agent pairs them.
    """
    import pkcs11
    from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass
    from pkcs11.util.ec import encode_ec_public_key, encode_named_curve_parameters
    from pkcs11.util.rsa import encode_rsa_public_key

    if ca.algorithm == "sm2":
        raise ValueError("SoftHSM2 offers no SM2; SM2 demo certificates are soft certificates")
    lib = pkcs11.lib(module)
    lib.reinitialize()  # see tokens initialised since the library was first loaded
    token = lib.get_token(token_label=token_label)
    key_id = secrets.token_bytes(8)
    label = name[:32]
    with token.open(rw=True, user_pin=pin) as session:
        if ca.algorithm == "rsa":
            public, _ = session.generate_keypair(KeyType.RSA, 2048, store=True, id=key_id, label=label)
            rsa_public = keys.RSAPublicKey.load(encode_rsa_public_key(public))
            spki = keys.PublicKeyInfo(
                {"algorithm": {"algorithm": "rsa", "parameters": core.Null()}, "public_key": rsa_public}
            )
        else:
            parameters = session.create_domain_parameters(
                KeyType.EC, {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")}, local=True
            )
            public, _ = parameters.generate_keypair(store=True, id=key_id, label=label)
            spki = keys.PublicKeyInfo.load(encode_ec_public_key(public))
        der = issue(ca, public_key=spki, name=name, code=code, **options)
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.ID: key_id,
                Attribute.LABEL: label,
                Attribute.SUBJECT: x509.Certificate.load(der).subject.dump(),
                Attribute.VALUE: der,
            }
        )
    return to_pem(der)
