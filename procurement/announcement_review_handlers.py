"""What the review queue's decisions do to announcements, and what the reviewer reads of them: the
dates the clock is held to and the sealed PDF as submitted (the back-office serves it).

Registered once at start-up (ProcurementConfig.ready), as procurement.review_handlers is.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from procurement import announcements
from procurement.announcement_models import Announcement
from procurement.deadlines import format_time
from review.handlers import review_handler_register
from review.models import ReviewItem, ReviewKind


def announcement_describe(item: ReviewItem) -> dict[str, Any]:
    found = (
        Announcement.objects.at(item.center)
        .select_related("agency__subject", "project", "tender")
        .prefetch_related("tender__lots")
        .get(pk=int(item.target_id))
    )
    tender = found.tender
    rows = [
        ("公告类型", found.get_kind_display()),
        ("项目编号", found.project.code),
        ("项目名称", found.project.name),
        ("代理机构", found.agency.subject.name),
        ("分包", "、".join(f"第{lot.number}包 {lot.name}" for lot in tender.lots.all())),
        ("文件获取时间", f"{format_time(tender.documents_from)} 至 {format_time(tender.documents_until)}"),
        ("投标截止时间（开标时间）", format_time(tender.bid_deadline)),
        ("签署意见", found.opinion),
    ]
    if found.submitted_at:
        rows.append(("提交时间", format_time(found.submitted_at)))
        rows.append(("提交的文件", f"第{found.submitted_version}版，SHA-256 {found.submitted_sha256}"))
    link = reverse("backoffice:announcement_pdf", args=[item.center.code, found.pk])
    return {"title": item.title, "rows": rows, "links": [("查看已签章的公告（PDF）", link)]}


def register() -> None:
    review_handler_register(
        ReviewKind.ANNOUNCEMENT,
        approve=announcements.announcement_approve,
        reject=announcements.announcement_reject,
        describe=announcement_describe,
    )
