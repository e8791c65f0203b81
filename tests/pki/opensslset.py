"""A test PKI made with the OpenSSL command line, not with democa.issuing, so the checks meet
certificates they did not make themselves.

Three hierarchies, root → intermediate → holder, one per algorithm (RSA, ECDSA P-256, SM2 with SM3
and the standard signer ID), CRLs by `openssl ca -gencrl`, and one holder certificate per defect
the checks must refuse. Built once per session in a temporary folder (`build`); `OpenSSLSet.trust`
loads it into the trust store of a test's database.

Where each issuer writes the holder's code (issuers.toml code_fields), as real vendors differ:
RSA in subject serialNumber, P-256 in subject organizationIdentifier, SM2 in the GM/T 0015
extension 1.2.156.10260.4.1.4.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asn1crypto import keys, pem, x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding

from democa import issuing, keypairs
from pki import verify
from registry.identifiers import uscc_check_char

SM2_ID = "distid:1234567812345678"  # GM/T 0009 default signer ID (DOMAIN.md §7)
CODE_PLACE = {
    "rsa": "subject:serial_number",
    "p256": "subject:organization_identifier",
    "sm2": "ext:1.2.156.10260.4.1.4",
}
ALGORITHM_NAMES = {"rsa": "RSA", "p256": "P-256", "sm2": "SM2"}


def uscc(body9: str) -> str:
    """A valid 统一社会信用代码 with this 9-character organisation part."""
    first17 = "91430100" + body9
    return first17 + uscc_check_char(first17)


def wrong_check_digit(code: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return code[:17] + alphabet[(alphabet.index(code[17]) + 1) % 31]


def _openssl_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%d%H%M%SZ")


def openssl_supports_sm2() -> bool:
    done = subprocess.run(["openssl", "list", "-public-key-algorithms"], capture_output=True, text=True)
    return done.returncode == 0 and "SM2" in done.stdout


@dataclass
class CA:
    slug: str
    name: str
    algorithm: str
    folder: Path
    parent: CA | None = None

    @property
    def cert_path(self) -> Path:
        return self.folder / "ca.pem"

    @property
    def key_path(self) -> Path:
        return self.folder / "ca.key"

    @property
    def pem(self) -> str:
        return self.cert_path.read_text()


@dataclass
class Leaf:
    """A holder's certificate (PEM text as sent) and its private key, to sign a login challenge."""

    name: str
    code: str
    algorithm: str
    pem: str
    key_pem: bytes
    ca: CA | None = None

    def sign(self, text: bytes) -> str:
        if self.algorithm == "sm2":
            scalar = keypairs.load_private_key("sm2", self.key_pem, password=None)
            return base64.b64encode(keypairs.sign("sm2", scalar, text)).decode()
        key: Any = serialization.load_pem_private_key(self.key_pem, None)
        if self.algorithm == "rsa":
            signature = key.sign(text, padding.PKCS1v15(), hashes.SHA256())
        else:
            signature = key.sign(text, ec.ECDSA(hashes.SHA256()))
        return base64.b64encode(signature).decode()

    def signed(self, *, nonce: str, purpose: str = "login", origin: str = "http://testserver") -> dict:
        text = verify.signed_text(origin=origin, purpose=purpose, nonce=nonce)
        return {"nonce": nonce, "certificate": self.pem, "signature": self.sign(text)}


CA_CNF = """[ca]
default_ca = CA_default
[CA_default]
database = {db}/index.txt
serial = {db}/serial
crlnumber = {db}/crlnumber
new_certs_dir = {db}
certificate = {cert}
private_key = {key}
default_md = {md}
policy = holder_policy
unique_subject = no
default_crl_days = 7
copy_extensions = none
email_in_dn = no
utf8 = yes
string_mask = utf8only
[holder_policy]
countryName = optional
organizationName = optional
organizationIdentifier = optional
serialNumber = optional
commonName = supplied
"""


class Builder:
    def __init__(self, folder: Path, *, sm2: bool) -> None:
        self.folder = folder
        self.sm2 = sm2
        self.now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        self.count = 0

    def run(self, *args: str | Path, stdin: bytes | None = None) -> bytes:
        done = subprocess.run(["openssl", *map(str, args)], capture_output=True, input=stdin)
        if done.returncode:
            raise RuntimeError(f"openssl {args[0]} failed: {done.stderr.decode(errors='replace')}")
        return done.stdout

    def _sign_options(self, algorithm: str, *, verify_too: bool = False) -> list[str]:
        if algorithm != "sm2":
            return []
        return ["-sigopt", SM2_ID, *(["-vfyopt", SM2_ID] if verify_too else [])]

    def key(self, path: Path, algorithm: str, bits: int = 2048) -> Path:
        if algorithm == "rsa":
            self.run("genpkey", "-algorithm", "RSA", "-pkeyopt", f"rsa_keygen_bits:{bits}", "-out", path)
        elif algorithm == "p256":
            self.run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path)
        else:
            self.run("genpkey", "-algorithm", "SM2", "-out", path)
        return path

    def _md(self, algorithm: str) -> str:
        return "sm3" if algorithm == "sm2" else "sha256"

    def _prepare(self, ca: CA) -> None:
        db = ca.folder / "db"
        db.mkdir(parents=True)
        (db / "index.txt").write_text("")
        (db / "serial").write_text("1000\n")
        (db / "crlnumber").write_text("01\n")
        (ca.folder / "ca.cnf").write_text(
            CA_CNF.format(db=db, cert=ca.cert_path, key=ca.key_path, md=self._md(ca.algorithm))
        )

    def root(self, slug: str, name: str, algorithm: str) -> CA:
        ca = CA(slug, name, algorithm, self.folder / slug)
        ca.folder.mkdir(parents=True)
        self.key(ca.key_path, algorithm)
        self._prepare(ca)
        # Self-signed through `openssl ca` rather than `req -x509`, whose validity starts at this very
        # second: a check a second earlier (a revocation time, a seal's time) would find the root not
        # yet valid.
        csr, ext = ca.folder / "root.csr", ca.folder / "root.ext"
        self.run(
            "req", "-new", "-utf8", "-key", ca.key_path, f"-{self._md(algorithm)}",
            *self._sign_options(algorithm), "-subj", f"/C=CN/O=OpenSSL测试/CN={name}", "-out", csr,
        )  # fmt: skip
        ext.write_text(
            "[x]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
            "subjectKeyIdentifier=hash\n"
        )
        self.run(
            "ca", "-batch", "-selfsign", "-config", ca.folder / "ca.cnf", "-keyfile", ca.key_path,
            "-extfile", ext, "-extensions", "x", "-in", csr, "-out", ca.cert_path, "-notext", "-preserveDN",
            "-startdate", _openssl_time(self.now - dt.timedelta(days=1)),
            "-enddate", _openssl_time(self.now + dt.timedelta(days=3650)),
            *self._sign_options(algorithm, verify_too=True),
        )  # fmt: skip
        return ca

    def _issue(
        self,
        ca: CA,
        *,
        key: Path,
        subject: str,
        extensions: str,
        out: Path,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
    ) -> Path:
        self.count += 1
        csr, ext = out.with_suffix(".csr"), out.with_suffix(".ext")
        self.run(
            "req", "-new", "-utf8", "-key", key, f"-{self._md(ca.algorithm)}",
            *self._sign_options(ca.algorithm), "-subj", subject, "-out", csr,
        )  # fmt: skip
        ext.write_text("[x]\n" + extensions)
        start = start or self.now - dt.timedelta(hours=1)
        end = end or self.now + dt.timedelta(days=700)
        self.run(
            "ca", "-batch", "-config", ca.folder / "ca.cnf", "-extfile", ext, "-extensions", "x",
            "-in", csr, "-out", out, "-notext", "-preserveDN",
            "-startdate", _openssl_time(start), "-enddate", _openssl_time(end),
            *self._sign_options(ca.algorithm, verify_too=True),
        )  # fmt: skip
        return out

    def intermediate(
        self,
        parent: CA,
        slug: str,
        name: str,
        *,
        constraints: str = "critical,CA:TRUE,pathlen:0",
        key_usage: str = "critical,keyCertSign,cRLSign",
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
    ) -> CA:
        ca = CA(slug, name, parent.algorithm, self.folder / slug, parent)
        ca.folder.mkdir(parents=True)
        self.key(ca.key_path, ca.algorithm)
        extensions = (
            f"basicConstraints={constraints}\nkeyUsage={key_usage}\n"
            "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
        )
        self._issue(
            parent,
            key=ca.key_path,
            subject=f"/C=CN/O=OpenSSL测试/CN={name}",
            extensions=extensions,
            out=ca.cert_path,
            start=start,
            end=end or self.now + dt.timedelta(days=1800),
        )
        self._prepare(ca)
        return ca

    def leaf(
        self,
        ca: CA,
        stem: str,
        *,
        name: str,
        code: str,
        bits: int = 2048,
        key_usage: str | None = "critical,digitalSignature,nonRepudiation",
        extra: str = "extendedKeyUsage=clientAuth,emailProtection\n",
    ) -> Leaf:
        key = self.key(ca.folder / f"{stem}.key", ca.algorithm, bits)
        place = CODE_PLACE[ca.algorithm]
        subject = f"/C=CN/O={name}/CN={name}"
        extensions = (
            "basicConstraints=critical,CA:FALSE\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
        )
        if key_usage:
            extensions += f"keyUsage={key_usage}\n"
        if place == "subject:serial_number":
            subject += f"/serialNumber={code}"
        elif place == "subject:organization_identifier":
            subject += f"/organizationIdentifier={code}"
        else:
            extensions += f"{place[4:]}=ASN1:UTF8String:{code}\n"
        out = self._issue(
            ca, key=key, subject=subject, extensions=extensions + extra, out=ca.folder / f"{stem}.pem"
        )
        return Leaf(name, code, ca.algorithm, out.read_text(), key.read_bytes(), ca)

    def revoke(self, ca: CA, cert: Path) -> None:
        self.run("ca", "-config", ca.folder / "ca.cnf", "-revoke", cert, *self._sign_options(ca.algorithm))

    def crl(self, ca: CA) -> bytes:
        out = ca.folder / "crl.pem"
        self.run(
            "ca", "-config", ca.folder / "ca.cnf", "-gencrl", "-out", out, *self._sign_options(ca.algorithm)
        )
        return out.read_bytes()

    def off_curve(self, leaf: Leaf) -> Leaf:
        """The holder's certificate with its public point moved off the curve, signed again by its CA
        (with `openssl dgst`), so only the key check can refuse it."""
        cert = x509.Certificate.load(pem.unarmor(leaf.pem.encode())[2])
        tbs = cert["tbs_certificate"]
        spki = tbs["subject_public_key_info"]
        point = bytearray(spki["public_key"].native)
        point[-1] ^= 0x01  # y changes by one: no longer on the curve
        tbs["subject_public_key_info"] = keys.PublicKeyInfo(
            {"algorithm": spki["algorithm"], "public_key": bytes(point)}
        )
        return self.resign(leaf, tbs.dump(force=True))

    def resign(self, leaf: Leaf, tbs_der: bytes | None = None) -> Leaf:
        """The same to-be-signed part (or `tbs_der`) signed again by the CA: for ECDSA and SM2 a new
        signature, so other bytes, the same issuer and serial."""
        assert leaf.ca is not None
        cert = x509.Certificate.load(pem.unarmor(leaf.pem.encode())[2])
        tbs_der = tbs_der or cert["tbs_certificate"].dump()
        signature = self.run(
            "dgst", f"-{self._md(leaf.algorithm)}", "-sign", leaf.ca.key_path,
            *self._sign_options(leaf.algorithm), stdin=tbs_der,
        )  # fmt: skip
        patched = x509.Certificate(
            {
                "tbs_certificate": x509.TbsCertificate.load(tbs_der),
                "signature_algorithm": cert["signature_algorithm"],
                "signature_value": signature,
            }
        )
        return Leaf(
            leaf.name, leaf.code, leaf.algorithm, issuing.to_pem(patched.dump()), leaf.key_pem, leaf.ca
        )


@dataclass
class OpenSSLSet:
    folder: Path
    sm2: bool
    roots: dict[str, CA] = field(default_factory=dict)
    intermediates: dict[str, CA] = field(default_factory=dict)
    # CAs that trust_load refuses, written into the store directly as if loaded before they went bad.
    planted: dict[str, CA] = field(default_factory=dict)
    good: dict[str, Leaf] = field(default_factory=dict)
    bad: dict[str, Leaf] = field(default_factory=dict)
    crls: dict[str, bytes] = field(default_factory=dict)
    der_with_junk: bytes = b""
    make: Builder | None = None

    def trust_folder(self, name: str = "trust", cas: list[CA] | None = None, extra: str = "") -> Path:
        """A trust folder for these CAs (all the loadable ones by default); `extra` is added to
        every entry (e.g. a key policy)."""
        folder = self.folder / name
        folder.mkdir(exist_ok=True)
        entries = []
        for ca in [*self.roots.values(), *self.intermediates.values()] if cas is None else cas:
            (folder / f"{ca.slug}.pem").write_text(ca.pem)
            entries.append(
                f"[[issuer]]\nslug = {json.dumps(ca.slug)}\nname = {json.dumps(ca.name, ensure_ascii=False)}\n"
                f'certificate = "{ca.slug}.pem"\ncode_fields = {json.dumps([CODE_PLACE[ca.algorithm]])}\n'
                + extra
            )
        (folder / "issuers.toml").write_text("\n".join(entries), encoding="utf-8")
        return folder

    def trust(self) -> None:
        """Loads the set into the trust store (the test's database) with every CA's current CRL."""
        from pki import services
        from pki.models import TrustedIssuer
        from pki.trust import trust_load

        trust_load(self.trust_folder())
        for slug, ca in self.planted.items():
            assert ca.parent is not None
            TrustedIssuer.objects.create(
                slug=slug,
                name=ca.name,
                certificate_pem=ca.pem,
                algorithm=ca.algorithm,
                parent=TrustedIssuer.objects.get(slug=ca.parent.slug),
                code_fields=[CODE_PLACE[ca.algorithm]],
                name_fields=["subject:organization_name", "subject:common_name"],
            )
        for slug, data in self.crls.items():
            services.crl_install(issuer=TrustedIssuer.objects.get(slug=slug), data=data, source="openssl")


def build(folder: Path) -> OpenSSLSet:
    sm2 = openssl_supports_sm2()
    make = Builder(folder, sm2=sm2)
    built = OpenSSLSet(folder, sm2, make=make)
    for algorithm in ("rsa", "p256", "sm2") if sm2 else ("rsa", "p256"):
        label = ALGORITHM_NAMES[algorithm]
        root = make.root(f"o-{algorithm}-root", f"OpenSSL根CA（{label}）", algorithm)
        middle = make.intermediate(root, f"o-{algorithm}-int", f"OpenSSL中级CA（{label}）")
        built.roots[algorithm], built.intermediates[algorithm] = root, middle
        built.good[algorithm] = make.leaf(
            middle, "good", name=f"{label}正常单位有限公司", code=uscc(f"MA4K0000{len(built.good)}")
        )
    rsa_root = built.roots["rsa"]
    rsa_int, p256_int = built.intermediates["rsa"], built.intermediates["p256"]

    # 1. Defects of the CAs on the path.
    revoked = make.intermediate(rsa_root, "o-rsa-revoked", "OpenSSL已吊销中级CA")
    built.intermediates["revoked"] = revoked
    built.bad["intermediate revoked"] = make.leaf(
        revoked, "leaf", name="吊销路径单位", code=uscc("MA4L00001")
    )
    make.revoke(rsa_root, revoked.cert_path)
    expired = make.intermediate(
        rsa_root,
        "o-rsa-expired",
        "OpenSSL过期中级CA",
        start=make.now - dt.timedelta(days=400),
        end=make.now - dt.timedelta(days=2),
    )
    built.planted["o-rsa-expired"] = expired
    built.bad["intermediate expired"] = make.leaf(
        expired, "leaf", name="过期路径单位", code=uscc("MA4L00002")
    )
    not_ca = make.intermediate(
        rsa_root,
        "o-rsa-notca",
        "OpenSSL非CA中级",
        constraints="critical,CA:FALSE",
        key_usage="critical,keyCertSign",
    )
    built.planted["o-rsa-notca"] = not_ca
    built.bad["intermediate without cA"] = make.leaf(
        not_ca, "leaf", name="非CA路径单位", code=uscc("MA4L00003")
    )
    deeper = make.intermediate(p256_int, "o-p256-sub", "OpenSSL下级中级CA（超出路径长度）")
    built.intermediates["sub"] = deeper
    built.bad["pathlen exceeded"] = make.leaf(deeper, "leaf", name="路径过长单位", code=uscc("MA4L00004"))

    # 2-7. Defects of the holder's own certificate.
    built.bad["serverAuth only"] = make.leaf(
        p256_int,
        "server",
        name="服务器证书单位",
        code=uscc("MA4L00005"),
        extra="extendedKeyUsage=serverAuth\n",
    )
    built.bad["unknown critical extension"] = make.leaf(
        p256_int,
        "critical",
        name="关键扩展单位",
        code=uscc("MA4L00006"),
        extra="1.2.3.4.5.6.7=critical,ASN1:NULL\n",
    )
    built.bad["P-256 point off curve"] = make.off_curve(
        make.leaf(p256_int, "curve", name="曲线外公钥单位", code=uscc("MA4L00007"))
    )
    if sm2:
        sm2_int = built.intermediates["sm2"]
        built.bad["SM2 point off curve"] = make.off_curve(
            make.leaf(sm2_int, "curve", name="国密曲线外单位", code=uscc("MA4L00008"))
        )
        built.bad["wrong check digit"] = make.leaf(
            sm2_int, "digit", name="校验位错误单位", code=wrong_check_digit(uscc("MA4L00009"))
        )
    else:
        built.bad["wrong check digit"] = make.leaf(
            rsa_int, "digit", name="校验位错误单位", code=wrong_check_digit(uscc("MA4L00010"))
        )
    built.bad["RSA-1024"] = make.leaf(rsa_int, "short", name="短密钥单位", code=uscc("MA4L00011"), bits=1024)
    built.bad["no key usage"] = make.leaf(
        rsa_int, "noku", name="无密钥用法单位", code=uscc("MA4L00012"), key_usage=None
    )
    good = built.good["rsa"]
    der = pem.unarmor(good.pem.encode())[2]
    assert der[:2] == b"\x30\x82"  # a definite length in two bytes: rewrite it in three (BER, not DER)
    ber = b"\x30\x83\x00" + der[2:]
    built.bad["BER encoding"] = Leaf(good.name, good.code, "rsa", issuing.to_pem(ber), good.key_pem, good.ca)
    p256_good = built.good["p256"]
    built.bad["trailing junk after PEM"] = Leaf(
        p256_good.name,
        p256_good.code,
        "p256",
        p256_good.pem + "junk after the certificate\n",
        p256_good.key_pem,
    )
    # JSON carries text, so DER (with bytes after the certificate) is tried through the service.
    built.der_with_junk = pem.unarmor(p256_good.pem.encode())[2] + b"\x00junk"

    cas = [*built.roots.values(), *built.intermediates.values(), *built.planted.values()]
    built.crls = {ca.slug: make.crl(ca) for ca in cas}
    return built
