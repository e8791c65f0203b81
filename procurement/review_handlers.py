"""What the review queue's decisions do to projects, and what the reviewer reads of them.

Registered once at start-up (ProcurementConfig.ready) with review.handlers; the decisions are
procurement.services', the description is display and so lives here, with the back-office's links.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from procurement import rules, services
from procurement.models import Project
from review.handlers import review_handler_register
from review.models import ReviewItem, ReviewKind


def _money(value: Any) -> str:
    return "" if value is None else f"{value:,.2f} 元"


def project_describe(item: ReviewItem) -> dict[str, Any]:
    project = (
        Project.objects.at(item.center)
        .select_related("agency", "agency__subject")
        .prefetch_related("lots")
        .get(pk=int(item.target_id))
    )
    rows = [
        ("项目编号", project.code),
        ("项目名称", project.name),
        ("代理机构", project.agency.subject.name),
        ("采购人", f"{project.purchaser_name}（{project.purchaser_code}）"),
        ("项目预算", _money(project.budget)),
        ("采购方式", project.get_method_display()),
        ("资金来源", project.get_funding_source_display()),
        ("组织形式", project.get_organisation_form_display()),
        ("项目联系人", f"{project.contact_name} {project.contact_phone}"),
    ]
    if project.description:
        rows.append(("项目概况", project.description))
    for lot in project.lots.all():
        rows.append(
            (
                f"第{lot.number}包",
                f"{lot.name}；采购目录 {lot.catalogue_code} {lot.catalogue_name}；预算 {_money(lot.budget)}；"
                f"保证金 {_money(lot.deposit)}；{lot.get_qualification_review_display()}；"
                f"{lot.get_evaluation_method_display()}",
            )
        )
    if project.submitted_at:
        rows.append(("提交时间", f"{timezone.localtime(project.submitted_at):%Y-%m-%d %H:%M}"))
    attachments = [
        (
            f"{label}：{project.attachments[slot]['name']}",
            reverse("backoffice:attachment", args=[project.attachments[slot]["id"]]),
        )
        for slot, label in rules.ATTACHMENT_SLOTS.items()
        if project.attachments.get(slot)
    ]
    return {
        "title": rules.REVIEW_TITLE.format(name=project.name, code=project.code),
        "rows": rows,
        "attachments": attachments,
    }


def register() -> None:
    review_handler_register(
        ReviewKind.PROJECT,
        approve=services.project_approve,
        reject=services.project_reject,
        describe=project_describe,
    )
