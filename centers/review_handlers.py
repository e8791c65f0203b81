"""What the review queue's decisions do to the centers' things, and what the reviewer reads of them.

Registered once at start-up (CentersConfig.ready) with review.handlers: the decisions are the
owning modules' services, given the queue's locked item (which names the center); the
descriptions are here because they are display, with the back-office's links, not services.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from centers import people_login, people_rules, practitioners, profiles, rules, subject_types, unbind
from centers.models import CenterSubject, CenterSubjectType, Practitioner, UnbindRequest
from centers.selectors import types_of
from review.handlers import review_handler_register
from review.models import ReviewItem, ReviewKind


def attachment_links(references: dict[str, dict], labels: dict[str, str]) -> list[tuple[str, str]]:
    """(label, download URL) of each stored 电子件 reference, in the labels' order."""
    return [
        (
            f"{label}：{references[slot]['name']}",
            reverse("backoffice:attachment", args=[references[slot]["id"]]),
        )
        for slot, label in labels.items()
        if references.get(slot)
    ]


def subject_type_describe(item: ReviewItem) -> dict[str, Any]:
    center = item.center
    held = (
        CenterSubjectType.objects.at(center)
        .select_related("center_subject", "center_subject__subject")
        .get(pk=item.target_id)
    )
    entry = held.center_subject
    others = [t.get_type_display() for t in types_of(center=center, center_subject=entry) if t.pk != held.pk]
    gives = [rules.PERMISSION_LABELS[c] for c in rules.TYPE_PERMISSIONS[held.type]]
    return {
        "title": f"{center.short_name}·新增主体类型「{held.get_type_display()}」",
        "rows": [
            ("单位名称", entry.registry_data.get("name") or entry.subject.name),
            ("统一社会信用代码", entry.subject.code),
            ("申请新增", held.get_type_display()),
            ("通过后获得的业务权限", "、".join(gives)),
            ("已有主体类型", "、".join(others) or "无"),
            ("申请时间", f"{timezone.localtime(held.added_at):%Y-%m-%d %H:%M}"),
        ],
    }


def profile_describe(item: ReviewItem) -> dict[str, Any]:
    """What the reviewer reads: the registry's data, the profile as submitted, types, the seal."""
    center = item.center
    entry = (
        CenterSubject.objects.at(center)
        .select_related("subject", "commitment")
        .defer("commitment__pdf")
        .get(pk=item.target_id)
    )
    labels = rules.PROFILE_LABELS
    rows = [("统一社会信用代码", entry.subject.code), ("来源", entry.get_origin_display())]
    rows += [
        (labels[name], str(entry.profile_draft[name])) for name in labels if entry.profile_draft.get(name)
    ]
    held = types_of(center=center, center_subject=entry)
    rows.append(("主体类型", "、".join(t.get_type_display() for t in held if t.effective_at) or "无"))
    check = profiles.commitment_check(center=center, entry=entry)
    seal = check.signature
    rows.append(
        (
            "诚信承诺书",
            f"已加盖单位公章（{seal.holder_name}，证书序列号 {seal.certificate_serial}，"
            f"{timezone.localtime(seal.signed_at):%Y-%m-%d %H:%M}）"
            if seal
            else str(check.problem),
        )
    )
    if entry.profile:
        rows.append(("说明", "本单位已有审核通过的单位信息，此次为信息变更"))
    attachments = []
    if entry.commitment_id:
        attachments.append(
            (
                "诚信承诺书（已签章PDF）",
                reverse("backoffice:subject_commitment", args=[center.code, entry.pk]),
            )
        )
    return {
        "title": f"{center.short_name}·主体信息：{profiles.submitting_name(entry)}",
        "rows": rows,
        "attachments": attachments,
    }


def practitioner_describe(item: ReviewItem) -> dict[str, Any]:
    """What the reviewer reads on the queue's item page."""
    center = item.center
    person = (
        Practitioner.objects.at(center).select_related("center_subject__subject").get(pk=int(item.target_id))
    )
    agency = person.center_subject.subject
    rows = [
        ("所属单位", f"{agency.name}（{agency.code}）"),
        ("从业类别", person.get_field_display()),
        ("姓名", person.name),
        ("身份证号码", person.id_number),
        ("手机号码", person.phone or "—"),
        ("职务", person.position or "—"),
        ("职称", person.title or "—"),
        ("执业资格证书编号", person.qualification_no or "—"),
    ]
    if person.decision_opinion:
        rows.append(("上次审核意见", person.decision_opinion))
    return {
        "title": f"{center.short_name}·{person.get_field_display()}从业人员：{person.name}",
        "rows": rows,
        "attachments": attachment_links(person.documents, people_rules.DOCUMENT_SLOTS),
    }


def unbind_describe(item: ReviewItem) -> dict[str, Any]:
    """What technical support reads on the queue's item page."""
    center = item.center
    request = (
        UnbindRequest.objects.at(center)
        .select_related("center_subject__subject", "certificate")
        .get(pk=int(item.target_id))
    )
    unit, bound = request.center_subject.subject, request.certificate
    rows = [
        ("申请单位", f"{unit.name}（{unit.code}）"),
        ("证书持有者", f"{bound.holder_name}（{bound.holder_code}）"),
        ("证书序列号", bound.serial),
        ("有效期至", f"{timezone.localtime(bound.not_after):%Y-%m-%d}"),
        ("解绑原因", request.get_reason_display()),
        ("情况说明", request.explanation or "—"),
    ]
    return {
        "title": f"{center.short_name}·证书解绑：{unit.name}（序列号 {bound.serial}）",
        "rows": rows,
        "attachments": attachment_links(
            {"letter": request.letter, "licence": request.licence},
            {"letter": "解绑申请书", "licence": "营业执照"},
        ),
    }


# people_login is imported for its registration with pki.login_hooks (the practitioners'
# certificate login), which CentersConfig.ready reaches through this module.
del people_login

# (kind, approve, reject, describe) for each thing of the centers' that staff review.
for kind, approve, reject, describe in (
    (ReviewKind.PROFILE, profiles.profile_approve, profiles.profile_reject, profile_describe),
    (
        ReviewKind.SUBJECT_TYPE,
        subject_types.subject_type_approve,
        subject_types.subject_type_reject,
        subject_type_describe,
    ),
    (
        ReviewKind.PRACTITIONER,
        practitioners.practitioner_approve,
        practitioners.practitioner_reject,
        practitioner_describe,
    ),
    (ReviewKind.UNBIND, unbind.unbind_approve, unbind.unbind_reject, unbind_describe),
):
    review_handler_register(kind, approve=approve, reject=reject, describe=describe)
