"""Test data made through the real services, so tests start from states users can reach."""

import itertools
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from core.audit import Actor
from registry import samples, services
from registry.attachments import attachment_store
from registry.identifiers import resident_id_check_char, uscc_check_char
from registry.models import Account, QualificationType, Record, RecordKind
from registry.samples import pdf_bytes, png_bytes

PASSWORD = "Test2026pass"
_seq = itertools.count(1)


def new_uscc() -> str:
    body = f"9143040{next(_seq):010d}"  # 91 + 430400-ish region + 9-char organisation part
    first17 = body[:17]
    return first17 + uscc_check_char(first17)


def new_resident_id() -> str:
    first17 = f"430402198{next(_seq) % 10}0101{next(_seq) % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def make_unit(
    name: str = "测试单位有限公司", code: str | None = None, email: str = "unit@example.com"
) -> Account:
    return services.subject_register(
        kind="unit", code=code or new_uscc(), name=name, password=PASSWORD, email=email
    )


def make_person(name: str = "张三", code: str | None = None, email: str = "person@example.com") -> Account:
    return services.subject_register(
        kind="person", code=code or new_resident_id(), name=name, password=PASSWORD, email=email
    )


def make_django_staff_without_member(username: str = "django_only") -> Account:
    """An is_staff account with no StaffMember and no permission, for the tests that prove the
    back-office and the queue refuse one. No product flow makes it (a center's staff member comes
    with a StaffMember, the platform operator with registry/operators.py's grants), so the ORM does."""
    return Account.objects.create_user(username, PASSWORD, is_staff=True, display_name="无工作人员身份")


def upload(account: Account, name: str = "licence.pdf") -> dict[str, Any]:
    """Store a real file for the account's subject; returns the reference a version keeps."""
    content = pdf_bytes() if name.endswith(".pdf") else png_bytes()
    att = attachment_store(
        actor=Actor(user=account, auth_method="password"),
        subject=account.subject,
        upload=SimpleUploadedFile(name, content),
    )
    return att.reference()


def unit_basic_data(account: Account, **overrides: Any) -> dict[str, Any]:
    """Complete basic information of a unit: everything 「提交」 requires."""
    return samples.unit_basic(
        name=account.subject.name,
        licence=upload(account, "licence.pdf"),
        id_scan=upload(account, "id.png"),
        **overrides,
    )


def basic_record(account: Account) -> Record:
    return Record.objects.get(subject=account.subject, kind=RecordKind.BASIC)


def submit_basic(account: Account, method: str = "password", **overrides: Any) -> Record:
    record = basic_record(account)
    actor = Actor(user=account, auth_method=method)
    version = services.record_save(
        actor=actor,
        record=record,
        data=unit_basic_data(account, **overrides),
        expected_revision=record.draft.revision,
    )
    services.record_submit(actor=actor, record=record, expected_revision=version.revision)
    record.refresh_from_db()
    return record


def submit_qualification(account: Account) -> Record:
    """A 资质 record of the unit (建筑工程施工总承包二级), created and submitted with its certificate."""
    qt = QualificationType.objects.get(name="建筑工程施工总承包")
    data = {
        "cert_no": "D243000001",
        "issuer": "湖南省住房和城乡建设厅",
        "issued_on": "2022-01-01",
        "valid_until": "2027-01-01",
        "certificate_scan": upload(account, "q.pdf"),
        "items": [{"qualification_type": qt.pk, "grade": "二级", "scope": "房屋建筑"}],
    }
    record = services.record_create(
        actor=Actor(user=account, auth_method="password"),
        subject=account.subject,
        kind=RecordKind.QUALIFICATION,
        data=data,
    )
    services.record_submit(
        actor=Actor(user=account, auth_method="certificate"), record=record, expected_revision=1
    )
    record.refresh_from_db()
    return record
