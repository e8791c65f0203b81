"""The public verifier against the published classes of PDF signature attacks (tests/signing/
pdfattacks/): every attack file is reported as changed or invalid with words that say what, or
refused with the reason; every genuine file with several seals is valid. poppler's pdfsig and
pyHanko's own validator read the same files, so a disagreement shows."""

from __future__ import annotations

import io
import itertools
import logging
import random
from pathlib import Path

import pytest
from asn1crypto import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from core.errors import DomainError
from democa import issuing
from pki import verify as pki_verify
from registry.identifiers import uscc_check_char
from signing import rules
from signing import verify as signing_verify
from tests.pdftools import pdfsig

from .pdfattacks import ATTACKS, genuine
from .pdfattacks.annotations import overlay_new_text_field, ssa_unsigned_signature_field
from .pdfattacks.kit import Kit, Sealer, plain_pdf, platform_sealer
from .pdfattacks.malformed import encrypted


def _code(first_17: str) -> str:
    first_17 = first_17.ljust(17, "0")
    return first_17 + uscc_check_char(first_17)


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pdf-attacks"
_fields = itertools.count(1)


@pytest.fixture
def kit(trusted) -> Kit:
    seal = platform_sealer(trusted["rsa"], "rsa", name="攻击测试建设有限公司", code=_code("91430400MA4L0001"))
    return Kit(sealed=seal(plain_pdf()), seal=seal)


@pytest.fixture
def other_holder(trusted) -> Sealer:
    return platform_sealer(
        trusted["p256"], "p256", name="第二签章单位有限公司", code=_code("91430400MA4L0002")
    )


def _keep(name: str, data: bytes) -> None:
    """The files stay in test-artifacts/pdf-attacks/ for a person to open in any reader."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(data)


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda attack: attack.name)
def test_every_attack_is_reported_as_changed_or_invalid_or_refused_with_the_reason(kit, attack, caplog):
    data = attack.build(kit)
    _keep(attack.name, data)
    caplog.set_level(logging.WARNING)
    if attack.verdict == "refused":
        with pytest.raises(DomainError) as refused:
            signing_verify.pdf_verify(data)
        assert attack.words in refused.value.message
        assert refused.value.message != rules.NOT_A_PDF
        return
    report = signing_verify.pdf_verify(data)
    assert report.checks, "an attack file must not read as a file without seals"
    assert not report.ok and report.summary != rules.ALL_VALID.format(count=len(report.checks))
    problems = " ".join(p for check in report.checks for p in check.problems)
    assert attack.words in problems, problems
    if attack.verdict == "later":
        # The seal itself holds; what changed after it is named.
        assert [c.status for c in report.checks] == [signing_verify.LATER] * len(report.checks)
        later = signing_verify.STATUS_LABELS[signing_verify.LATER]
        assert all(c.status_label == later for c in report.checks)
        assert all(
            p.startswith(rules.CHANGED_AFTER_SEALING.split("{")[0]) for c in report.checks for p in c.problems
        )
        assert report.summary == rules.SEALS_HOLD_FILE_CHANGED
    else:
        assert {c.status for c in report.checks} <= {signing_verify.INVALID, signing_verify.CHANGED}
        assert rules.SIGNATURE_UNREADABLE not in problems or attack.klass != "malformed"
    # Visitors' files are not the server's errors: no tracebacks in the log.
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and r.exc_info]


GENUINE = sorted(genuine.GENUINE)


@pytest.mark.parametrize("name", GENUINE)
def test_genuine_files_with_several_seals_and_validation_data_are_valid(kit, other_holder, name):
    data = genuine.GENUINE[name](kit, other_holder)
    _keep(f"genuine-{name}", data)
    report = signing_verify.pdf_verify(data)
    assert report.ok, [(c.field_name, c.status, c.problems) for c in report.checks]
    assert report.summary == rules.ALL_VALID.format(count=len(report.checks))


def test_a_later_seal_on_top_of_an_attack_does_not_hide_it(kit, other_holder):
    """A genuine seal added after an overlay covers the overlay for that seal only: the first
    seal still reports the change made between the two."""
    data = other_holder(ssa_unsigned_signature_field(kit))
    first, second = signing_verify.pdf_verify(data).checks
    assert first.status == signing_verify.LATER
    assert "新增未签名的签章域「sneaky」" in first.problems[0]
    assert second.status == signing_verify.VALID


def test_a_forged_later_seal_is_no_allowed_addition_for_the_seal_before_it(kit):
    """An outsider's own 'seal' (a self-made CA) laid over the document: it is invalid, and for the
    genuine seal before it, it is a change after sealing, not a later seal."""
    stranger = issuing.make_ca("伪造CA", "rsa")
    forger = platform_sealer(stranger, None, name="攻击测试建设有限公司", code=_code("91430400MA4L0001"))
    genuine, forged = signing_verify.pdf_verify(forger(kit.sealed)).checks
    assert forged.status == signing_verify.INVALID
    assert pki_verify.UNTRUSTED_ISSUER.format(issuer="伪造CA") in forged.problems
    assert genuine.status == signing_verify.LATER
    assert "第1页新增签章域「seal-" in genuine.problems[0]


@pytest.mark.parametrize(
    "attack", [a for a in ATTACKS if a.verdict == "invalid"], ids=lambda attack: attack.name
)
def test_pdfsig_does_not_call_a_broken_signature_valid_either(kit, attack, trusted, tmp_path):
    path = tmp_path / f"{attack.name}.pdf"
    path.write_bytes(attack.build(kit))
    output = pdfsig(path, [ca.certificate for ca in trusted.values()], tmp_path)
    assert "Signature is Valid" not in output, output


@pytest.mark.parametrize(
    "attack", [a for a in ATTACKS if a.verdict == "later"], ids=lambda attack: attack.name
)
def test_pyhanko_and_pdfsig_see_the_signature_itself_intact_where_we_say_so(kit, attack, trusted, tmp_path):
    """Where we say the seal holds but the file changed, the others agree the signature value is
    intact; they differ only on whether the later change is allowed, which is what we add."""
    data = attack.build(kit)
    path = tmp_path / f"{attack.name}.pdf"
    path.write_bytes(data)
    assert "Signature is Valid" in pdfsig(path, [ca.certificate for ca in trusted.values()], tmp_path)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        roots = [x509.Certificate.load(ca.certificate) for ca in trusted.values()]
        status = validate_pdf_signature(
            reader.embedded_regular_signatures[0],
            signer_validation_context=ValidationContext(trust_roots=roots, allow_fetching=False),
        )
    except Exception:
        return  # pyHanko cannot read the broken later revision at all: nothing to compare
    assert status.intact


def test_limits_of_one_request_are_told(kit, settings, monkeypatch):
    monkeypatch.setattr(rules, "VERIFY_SECONDS", -1)
    with pytest.raises(DomainError) as error:
        signing_verify.pdf_verify(kit.sealed)
    assert error.value.message == rules.VERIFY_TOO_LONG.format(seconds=-1)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"hello, this is not a PDF", rules.NOT_A_PDF),
        (b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n", rules.FILE_BROKEN.format(why=rules.WHY_XREF)),
    ],
)
def test_files_that_do_not_read_say_why(data, message):
    with pytest.raises(DomainError) as error:
        signing_verify.pdf_verify(data)
    assert error.value.message == message


def test_the_public_page_shows_the_change_after_sealing_in_words(client, kit):
    data = overlay_new_text_field(kit)
    page = client.post("/signing/verify/", {"file": _upload("overlay.pdf", data)}).content.decode()
    assert signing_verify.STATUS_LABELS[signing_verify.LATER] in page
    assert "第1页新增表单域「overlay」" in page
    assert rules.SEALS_HOLD_FILE_CHANGED in page


def test_the_public_page_tells_an_encrypted_file_apart_from_not_a_pdf(client, kit):
    page = client.post("/signing/verify/", {"file": _upload("locked.pdf", encrypted(kit))}).content.decode()
    assert rules.ENCRYPTED in page and rules.NOT_A_PDF not in page


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_mangled_files_get_an_answer_never_a_server_error(kit):
    """Seeded random damage to a sealed file: flipped bytes, cut files, spliced revisions. Each gets
    a report or a refusal with its reason; nothing else escapes, and damage inside what a seal
    covers never reads as valid."""
    rng = random.Random(11)
    sealed = kit.sealed
    reader = PdfFileReader(io.BytesIO(sealed), strict=False)
    start, first, second, length = (int(v) for v in reader.embedded_regular_signatures[0].byte_range)
    covered = [*range(start + 16, start + first), *range(second, second + length - 64)]
    for round_ in range(120):
        data = bytearray(sealed)
        kind = round_ % 4
        if kind == 0:  # a byte flipped inside what the seal covers
            spot = rng.choice(covered)
            data[spot] ^= 1 << rng.randrange(8)
        elif kind == 1:  # cut anywhere
            data = data[: rng.randrange(16, len(data))]
        elif kind == 2:  # a run of garbage over anything
            spot = rng.randrange(len(data))
            data[spot : spot + 32] = bytes(rng.randrange(256) for _ in range(32))
        else:  # the file's revisions spliced out of order
            cut = rng.randrange(len(data))
            data = data[cut:] + data[:cut]
        try:
            report = signing_verify.pdf_verify(bytes(data))
        except DomainError:
            continue
        if kind == 0 and data != bytearray(sealed):
            assert not report.ok, f"a flipped byte at {spot} read as valid"
