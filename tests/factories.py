"""Test data made through the real services, so tests start from states users can reach."""

import itertools
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from core.audit import Actor
from registry import services
from registry.attachments import attachment_store
from registry.demo_files import pdf_bytes, png_bytes
from registry.identifiers import resident_id_check_char, uscc_check_char
from registry.models import Account, Record, RecordKind

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


def make_staff(username: str = "staff") -> Account:
    from django.contrib.auth.models import Permission

    staff = Account.objects.create_user(username, PASSWORD, is_staff=True, display_name="中心工作人员")
    staff.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    return staff


def upload(account: Account, name: str = "licence.pdf") -> dict[str, Any]:
    """Store a real file for the account's subject; returns the reference a version keeps."""
    content = pdf_bytes() if name.endswith(".pdf") else png_bytes()
    att = attachment_store(
        actor=Actor(user=account, auth_method="password"),
        subject=account.subject,
        upload=SimpleUploadedFile(name, content),
    )
    return {"id": att.pk, "name": att.original_name, "sha256": att.sha256, "size": att.size}


def unit_basic_data(account: Account, **overrides: Any) -> dict[str, Any]:
    """Complete basic information of a unit: everything 「提交」 requires."""
    data = {
        "name": account.subject.name,
        "entity_type": "enterprise",
        "roles": ["bidder"],
        "established_on": "2015-06-01",
        "business_term": "长期",
        "registered_capital": "1000",
        "legal_rep_name": "王五",
        "legal_rep_id_number": "11010519491231002X",
        "legal_rep_phone": "13800138000",
        "region": "430405",
        "registered_address": "衡阳市珠晖区测试路1号",
        "office_address": "",
        "postcode": "",
        "business_scope": "建筑工程施工",
        "introduction": "",
        "contact_name": "李四",
        "contact_phone": "13900139000",
        "contact_email": "contact@example.com",
        "bank_name": "中国银行衡阳分行",
        "bank_account_name": account.subject.name,
        "bank_account": "6217000000000000",
        "licence_scan": upload(account, "licence.pdf"),
        "legal_rep_id_scan": upload(account, "id.png"),
        "bank_permit_scan": None,
    }
    data.update(overrides)
    return data


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
