"""Finding certificates on tokens and in files, and signing with their keys."""

from __future__ import annotations

import hashlib
import shutil
import subprocess

import pytest
from asn1crypto import pem as asn1_pem
from cryptography import x509
from ggzy_agent import errors
from ggzy_agent.config import AgentConfig
from ggzy_agent.inventory import Inventory
from ggzy_agent.softstore import decrypt_sm2_key

from democa import issuing

from .conftest import PIN, SO_PIN, SOFTHSM, WRONG_PIN, verify_independently

HOLDERS = ["token-rsa", "token-p256", "file-rsa", "file-p256", "file-sm2"]
DATA = b"ggzy-signature-v1\norigin: http://127.0.0.1:8000\npurpose: login\nnonce: abcdefghijklmnop\n"


def _der(pem: str) -> bytes:
    return asn1_pem.unarmor(pem.encode())[2]


@pytest.fixture
def scan(config):
    return Inventory(config).scan()


def _entry(scan, pem: str):
    entry = scan.find("sha256:" + hashlib.sha256(_der(pem)).hexdigest()[:32])
    assert entry is not None, "certificate not listed"
    return entry


@pytest.mark.parametrize("key", HOLDERS)
def test_lists_each_certificate_with_what_a_page_needs(world, scan, key):
    holder = world.holders[key]
    entry = _entry(scan, holder.pem)
    cert = x509.load_pem_x509_certificate(holder.pem.encode())
    listed = entry.as_json()
    assert listed["source"] == holder.source
    assert listed["location"] == holder.location
    assert listed["algorithm"] == holder.algorithm
    assert listed["label"] == holder.name
    assert listed["pem"].strip() == holder.pem.strip()
    assert listed["subject"] == cert.subject.rfc4514_string()
    assert listed["issuer"] == cert.issuer.rfc4514_string()
    assert listed["serial"] == format(issuing.serial_of(holder.pem), "X")
    assert listed["not_before"] == cert.not_valid_before_utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert listed["not_after"].endswith("Z")
    assert listed["can_sign"] is True


def test_tokens_and_modules_are_reported(scan):
    assert [m.as_json() for m in scan.modules] == [{"path": SOFTHSM, "loaded": True, "error": None}]
    labels = {token.label for token in scan.tokens}
    assert {"key-rsa", "key-p256", "key-sm2"} <= labels
    assert all(token.manufacturer == "SoftHSM project" and token.module == SOFTHSM for token in scan.tokens)


@pytest.mark.parametrize("key", HOLDERS)
def test_signs_with_the_right_pin_and_the_signature_verifies(world, config, key):
    inventory = Inventory(config)
    entry = _entry(inventory.scan(), world.holders[key].pem)
    signature = inventory.sign(entry, PIN, DATA)
    verify_independently(world.holders[key].pem, DATA, signature)
    if entry.info.algorithm != "rsa":  # ECDSA and SM2 signatures are DER SEQUENCEs of r and s
        assert signature[0] == 0x30


@pytest.mark.parametrize("key", HOLDERS)
def test_wrong_pin_is_told_apart_from_other_failures(world, config, key):
    inventory = Inventory(config)
    entry = _entry(inventory.scan(), world.holders[key].pem)
    with pytest.raises(errors.WrongPin) as caught:
        inventory.sign(entry, WRONG_PIN, DATA)
    assert caught.value.message == errors.WRONG_PIN


def test_sm2_certificate_on_a_token_is_listed_but_cannot_sign(world, config):
    inventory = Inventory(config)
    entry = _entry(inventory.scan(), world.sm2_token_pem)
    assert entry.info.algorithm == "sm2"
    assert entry.as_json()["can_sign"] is False
    assert entry.problem == errors.TOKEN_NO_SM2
    with pytest.raises(errors.SigningFailed, match="不支持SM2"):
        inventory.sign(entry, PIN, DATA)


def test_a_module_that_does_not_load_is_reported_and_the_rest_still_work(world, tmp_path):
    broken = str(tmp_path / "libvendor-ca.so")
    config = AgentConfig.build(pkcs11_modules=[broken, SOFTHSM], soft_store=world.soft_store)
    scan = Inventory(config).scan()
    status = {m.path: m for m in scan.modules}
    assert status[broken].loaded is False
    assert "无法加载PKCS#11模块" in status[broken].error
    assert status[SOFTHSM].loaded is True
    _entry(scan, world.holders["token-rsa"].pem)
    _entry(scan, world.holders["file-sm2"].pem)


def test_a_token_initialised_after_start_is_found(config, cas):
    inventory = Inventory(config)
    inventory.scan()  # the module is loaded and initialised before the key is "plugged in"
    issuing.init_token(label="key-late", so_pin=SO_PIN, pin=PIN)
    pem = issuing.token_certificate(
        cas["p256"],
        module=SOFTHSM,
        token_label="key-late",
        pin=PIN,
        name="后插入有限公司",
        code="91350100M000100Y43",
    )
    entry = _entry(inventory.scan(), pem)
    verify_independently(pem, DATA, inventory.sign(entry, PIN, DATA))


def test_soft_store_pairs_files_by_stem_and_skips_a_certificate_without_key(cas, tmp_path):
    issuing.soft_certificate(
        cas["rsa"], directory=tmp_path, stem="a", pin=PIN, name="甲公司", code="91110000600037341L"
    )
    lonely = issuing.soft_certificate(
        cas["rsa"], directory=tmp_path, stem="b", pin=PIN, name="乙公司", code="91110000600037341L"
    )
    (tmp_path / "b.p12").unlink()
    scan = Inventory(AgentConfig.build(pkcs11_modules=[], soft_store=tmp_path)).scan()
    assert [(e.location, e.info.label) for e in scan.certificates] == [("a", "甲公司")]
    assert scan.find("sha256:" + hashlib.sha256(_der(lonely)).hexdigest()[:32]) is None


def test_missing_soft_store_means_no_file_certificates(tmp_path):
    scan = Inventory(AgentConfig.build(pkcs11_modules=[], soft_store=tmp_path / "nowhere")).scan()
    assert scan.certificates == []
    assert scan.status_json()["soft_store"] == {"path": str(tmp_path / "nowhere"), "exists": False}


def test_key_file_of_another_certificate_is_refused_not_signed_with(cas, tmp_path):
    for stem, name in (("one", "一号公司"), ("two", "二号公司")):
        issuing.soft_certificate(
            cas["p256"], directory=tmp_path, stem=stem, pin=PIN, name=name, code="91110000600037341L"
        )
    shutil.copy(tmp_path / "two.p12", tmp_path / "one.p12")
    inventory = Inventory(AgentConfig.build(pkcs11_modules=[], soft_store=tmp_path))
    entry = next(e for e in inventory.scan().certificates if e.location == "one")
    with pytest.raises(errors.SigningFailed) as caught:
        inventory.sign(entry, PIN, DATA)
    assert caught.value.message == errors.KEY_MISMATCH


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_sm2_key_written_by_openssl_is_read(tmp_path):
    """Interoperability: an SM2 key file made by OpenSSL 3, not by ggzy's own issuer."""

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=tmp_path)

    openssl("genpkey", "-algorithm", "SM2", "-out", "plain.pem")
    openssl(
        "pkcs8", "-topk8", "-in", "plain.pem", "-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256",
        "-passout", f"pass:{PIN}", "-out", "unit.key.pem",
    )  # fmt: skip
    openssl(
        "req", "-new", "-x509", "-key", "plain.pem", "-subj", "/CN=OpenSSL SM2 Unit", "-sm3",
        "-sigopt", "distid:1234567812345678", "-days", "30", "-out", "unit.crt",
    )  # fmt: skip
    (tmp_path / "plain.pem").unlink()
    inventory = Inventory(AgentConfig.build(pkcs11_modules=[], soft_store=tmp_path))
    [entry] = inventory.scan().certificates
    assert (entry.info.algorithm, entry.info.label) == ("sm2", "OpenSSL SM2 Unit")
    pem = (tmp_path / "unit.crt").read_text()
    verify_independently(pem, DATA, inventory.sign(entry, PIN, DATA))
    with pytest.raises(errors.WrongPin):
        decrypt_sm2_key((tmp_path / "unit.key.pem").read_bytes(), WRONG_PIN)
