"""Agencies at a center, their practitioners in each state, reviewers, and personal certificates:
made through the real services wherever a user could reach the state, so tests start from there.

The center's copy of a subject is made directly (CenterSubject with origin "registry"), standing
in for the sync, which other tests cover.
"""

from __future__ import annotations

import itertools
from functools import cache
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from centers import practitioners, unbind
from centers.models import (
    Center,
    CenterSubject,
    CenterSubjectType,
    Practitioner,
    PractitionerField,
    SubjectType,
    UnbindReason,
    UnbindRequest,
)
from centers.practitioners import PractitionerDetails
from core.audit import Actor
from democa import issuing
from pki import services as pki_services
from pki.models import BoundCertificate
from registry.attachments import attachment_store
from registry.models import Account, Attachment
from registry.samples import pdf_bytes, png_bytes
from review import services as review_services
from review.models import ReviewItem, ReviewStatus, StaffRole
from review.services_admin import staff_member_seed
from tests import pkiparts
from tests.factories import PASSWORD, make_unit, new_resident_id

_files = itertools.count(1)


def enter(account: Account, at: Center, types: tuple[str, ...] = (SubjectType.AGENCY,)) -> CenterSubject:
    """The account's subject as the center knows it after sync, with these subject types."""
    subject = account.subject
    entry = CenterSubject.objects.at(at).create(
        center=at,
        subject=subject,
        origin="registry",
        registry_data={"name": subject.name, "code": subject.code},
    )
    for kind in types:
        CenterSubjectType.objects.at(at).create(center=at, center_subject=entry, type=kind, added_by=account)
    return entry


def make_agency(
    at: Center, name: str = "常德招标代理有限公司", types: tuple[str, ...] = (SubjectType.AGENCY,)
) -> tuple[Account, CenterSubject]:
    account = make_unit(name=name)
    return account, enter(account, at, types)


def unit_actor(account: Account, method: str = "password", acting_person: str = "") -> Actor:
    return Actor(user=account, auth_method=method, acting_person=acting_person)


def acting_for(account: Account) -> Actor:
    """A practitioner logged in with a personal certificate, acting for the unit (代理操作人)."""
    return unit_actor(account, "certificate", acting_person="张三（4304**********1234）")


def stored(account: Account, name: str = "scan.pdf") -> Attachment:
    label = f"scan {next(_files)}"
    content = pdf_bytes(label) if name.endswith(".pdf") else png_bytes(label)
    return attachment_store(
        actor=unit_actor(account), subject=account.subject, upload=SimpleUploadedFile(name, content)
    )


def details(**overrides: Any) -> PractitionerDetails:
    values = {
        "name": "张三",
        "id_number": new_resident_id(),
        "phone": "13907360001",
        "position": "项目负责人",
        "title": "工程师",
        "qualification_no": "",
    }
    values.update(overrides)
    return PractitionerDetails(**values)


def all_documents(account: Account) -> dict[str, Attachment | None]:
    return {
        "id_card": stored(account, "身份证.png"),
        "qualification": None,
        "social_security": stored(account, "社保证明.pdf"),
    }


def make_reviewer(
    at: Center | None, username: str = "reviewer", roles: tuple[str, ...] = (StaffRole.REVIEWER,)
) -> Actor:
    member = staff_member_seed(
        username=username,
        password=PASSWORD,
        name=f"{username}姓名",
        department="",
        roles=[str(role) for role in roles],
        id_number=new_resident_id(),
        center=at,
    )
    return Actor(user=member.account, auth_method="certificate")


def make_support(at: Center) -> Actor:
    """The center's technical support (技术支持), who decides 解绑申请."""
    return make_reviewer(at, username="support", roles=(StaffRole.SUPPORT,))


def open_item(target: Any) -> ReviewItem:
    return ReviewItem.objects.get(
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        status__in=[ReviewStatus.OPEN, ReviewStatus.CLAIMED],
    )


def decide(staff: Actor, target: Any, *, approve: bool, opinion: str = "") -> ReviewItem:
    """A staff member claims the target's waiting item and decides it, as in the back-office."""
    item = open_item(target)
    review_services.review_claim(actor=staff, pk=item.pk)
    return review_services.review_decide(actor=staff, pk=item.pk, approve=approve, opinion=opinion)


def make_practitioner(
    account: Account,
    entry: CenterSubject,
    *,
    field: str = PractitionerField.CONSTRUCTION,
    state: str = "draft",
    reviewer: Actor | None = None,
    **overrides: Any,
) -> Practitioner:
    """A practitioner brought to `state` (draft, submitted, approved, rejected) the way users do."""
    actor = unit_actor(account)
    made = practitioners.practitioner_create(
        actor=actor,
        center=entry.center,
        center_subject=entry,
        field=field,
        details=details(**overrides),
        documents=all_documents(account),
    )
    if state == "draft":
        return made
    practitioners.practitioner_submit(actor=actor, practitioner=made)
    if state in ("approved", "rejected"):
        staff = reviewer or make_reviewer(entry.center, username=f"reviewer{made.pk}")
        decide(
            staff, made, approve=state == "approved", opinion="" if state == "approved" else "社保证明不清晰"
        )
    made.refresh_from_db()
    return made


def make_unbind_request(
    account: Account, entry: CenterSubject, bound: BoundCertificate | None, **overrides: Any
) -> UnbindRequest:
    """A complete 解绑申请 for `bound`, filed from a password login (the key is what was lost)."""
    values = {
        "actor": unit_actor(account),
        "center": entry.center,
        "center_subject": entry,
        "certificate_pk": bound.pk if bound else None,
        "reason": UnbindReason.LOST,
        "explanation": "USB Key 于2026年11月遗失，已向CA机构补办新证书。",
        "letter": stored(account, "解绑申请书.pdf"),
        "licence": stored(account, "营业执照.png"),
    }
    values.update(overrides)
    return unbind.unbind_request_create(**values)


# --- certificates ------------------------------------------------------------------------------


@cache
def people_cas() -> dict[str, issuing.CA]:
    """One issuer per algorithm, made once per test process (key generation is the slow part)."""
    return {
        "rsa": issuing.make_ca("从业人员测试CA（RSA）", "rsa"),
        "p256": issuing.make_ca("从业人员测试CA（P-256）", "p256"),
        "sm2": issuing.make_ca("从业人员测试CA（SM2）", "sm2"),
    }


def trust_all(folder: Path) -> dict[str, issuing.CA]:
    """The three test issuers in the trust store (slugs rsa, p256, sm2), each with a fresh CRL."""
    return pkiparts.trust(people_cas(), folder)


def person_key(ca: issuing.CA, practitioner: Practitioner, **options: Any) -> pkiparts.Holder:
    """The practitioner's own personal certificate (their ID number in it)."""
    options.setdefault("name", practitioner.name)
    options.setdefault("code", practitioner.id_number)
    return pkiparts.holder(ca, kind="person", **options)


def bind_unit_key(ca: issuing.CA, account: Account) -> BoundCertificate:
    """A new certificate of the unit from `ca`, bound to it by hand."""
    key = pkiparts.holder(ca, name=account.subject.name, code=account.subject.code)
    return pki_services.certificate_bind(
        actor=unit_actor(account, "certificate"),
        subject=account.subject,
        holder=pki_services.certificate_check(certificate=key.pem),
        how="manual",
    )
