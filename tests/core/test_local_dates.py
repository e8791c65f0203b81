"""Times and dates people read are Beijing time (settings.TIME_ZONE), while servers run in UTC."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from asn1crypto import x509
from cryptography import x509 as cx509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.utils import timezone

from core.errors import DomainError
from pki import verify
from registry.identifiers import ID_DATE_FUTURE, check_resident_id, resident_id_check_char

UTC = dt.UTC


def _name(common_name: str) -> cx509.Name:
    return cx509.Name([cx509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject: str, key, issuer: str, issuer_key, start, end, *, ca: bool) -> x509.Certificate:
    built = (
        cx509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(cx509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(cx509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .sign(issuer_key, hashes.SHA256())
    )
    return x509.Certificate.load(built.public_bytes(serialization.Encoding.DER))


def test_an_expired_certificate_names_its_end_in_beijing_time():
    root_key, holder_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    start = dt.datetime(2026, 1, 1, tzinfo=UTC)
    root = _certificate(
        "测试根CA", root_key, "测试根CA", root_key, start, dt.datetime(2036, 1, 1, tzinfo=UTC), ca=True
    )
    ends = dt.datetime(2026, 12, 31, 16, 30, tzinfo=UTC)  # 2027-01-01 00:30 in Beijing
    holder = _certificate("持有人", holder_key, "测试根CA", root_key, start, ends, ca=False)
    anchor = verify.Anchor(
        key=1, name="测试根CA", certificate=root, code_fields=(), name_fields=(), revoked=lambda serial: None
    )

    with pytest.raises(DomainError) as refused:
        verify.check_certificate(holder, [anchor], at=dt.datetime(2027, 1, 5, tzinfo=UTC))
    assert refused.value.message == verify.EXPIRED.format(when="2027-01-01 00:30")


def test_a_moment_reads_the_same_whatever_zone_it_comes_in():
    moment = dt.datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    assert verify.local_time(moment) == "2027-01-01 00:30"
    assert verify.local_time(moment.astimezone(ZoneInfo("Asia/Shanghai"))) == "2027-01-01 00:30"
    assert verify.local_time(moment.astimezone(ZoneInfo("Europe/Berlin"))) == "2027-01-01 00:30"


def _born_on_12_03_is_valid() -> bool:
    first17 = "11010520261203001"
    return check_resident_id(first17 + resident_id_check_char(first17)).ok


def test_an_id_number_born_today_in_beijing_is_valid_while_utc_is_still_yesterday(monkeypatch):
    # 2026-12-02 17:00 UTC is 2026-12-03 01:00 in Beijing.
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 2, 17, 0, tzinfo=UTC))
    assert _born_on_12_03_is_valid()
    born_tomorrow = "11010520261204001"
    result = check_resident_id(born_tomorrow + resident_id_check_char(born_tomorrow))
    assert result.error == ID_DATE_FUTURE.format(date="20261204")

    # An hour before midnight in Beijing the same birth date is still in the future.
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 2, 15, 0, tzinfo=UTC))
    assert not _born_on_12_03_is_valid()
