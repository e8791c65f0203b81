"""What the review queue's decisions do to announcements, and what the reviewer reads of them: the
dates the clock is held to and the sealed PDF as submitted (the back-office serves it).

Registered once at start-up (ProcurementConfig.ready), as procurement.review_handlers is.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from procurement import announcements
from procurement.announcement_models import Announcement, AnnouncementKind
from procurement.announcement_rules import DECISION_SLOT, MATERIAL_SLOT
from procurement.deadlines import format_time
from procurement.tenders import money_text
from review.handlers import review_handler_register
from review.models import ReviewItem, ReviewKind


def kind_rows(found: Announcement) -> list[tuple[str, str]]:
    """What a 变更公告, 中标公告 or 废标公告 says beyond the tender document's dates."""
    if found.kind == AnnouncementKind.CORRECTION:
        new = found.new_bid_deadline
        return [
            ("变更内容", found.content),
            ("是否延期", f"是，延期至 {format_time(new)}" if new else "否"),
            ("是否有答疑澄清文件", "是" if found.has_clarification else "否"),
        ]
    if found.kind in (AnnouncementKind.AWARD, AnnouncementKind.AWARD_CHANGE):
        return [
            ("中标单位", f"{found.winner_name}（{found.winner_code}）"),
            ("中标金额（元）", money_text(found.price)),
            ("确定中标人时间", format_time(found.awarded_at) if found.awarded_at else ""),
            *([("变更原因及内容", found.content)] if found.kind == AnnouncementKind.AWARD_CHANGE else []),
        ]
    if found.kind in (AnnouncementKind.SUSPENSION, AnnouncementKind.TERMINATION):
        decision = (found.attachments or {}).get(DECISION_SLOT) or {}
        return [
            ("原因及说明", found.content),
            ("采购人决定文件", f"{decision.get('name', '')}（SHA-256 {decision.get('sha256', '')}）"),
        ]
    if found.kind == AnnouncementKind.RESUMPTION:
        new = found.new_bid_deadline
        return [
            ("恢复说明", found.content),
            ("新的投标截止时间（开标时间）", format_time(new) if new else ""),
        ]
    if found.kind == AnnouncementKind.FAILURE:
        material = (found.attachments or {}).get(MATERIAL_SLOT) or {}
        return [
            ("废标原因", found.get_failure_reason_display()),
            ("说明", found.content),
            ("相关材料", f"{material.get('name', '')}（SHA-256 {material.get('sha256', '')}）"),
        ]
    return []


def announcement_describe(item: ReviewItem) -> dict[str, Any]:
    found = (
        Announcement.objects.at(item.center)
        .select_related("agency__subject", "project", "tender", "lot")
        .prefetch_related("tender__lots")
        .get(pk=int(item.target_id))
    )
    tender = found.tender
    lots = [found.lot] if found.lot else list(tender.lots.all())
    rows = [
        ("公告类型", found.get_kind_display()),
        ("项目编号", found.project.code),
        ("项目名称", found.project.name),
        ("代理机构", found.agency.subject.name),
        ("分包", "、".join(f"第{lot.number}包 {lot.name}" for lot in lots)),
        ("文件获取时间", f"{format_time(tender.documents_from)} 至 {format_time(tender.documents_until)}"),
        ("投标截止时间（开标时间）", format_time(tender.bid_deadline)),
        *kind_rows(found),
        ("签署意见", found.opinion),
    ]
    warning = announcements.announcement_warning(found)
    if warning:
        rows.append(("法定期限", warning))
    if found.submitted_at:
        rows.append(("提交时间", format_time(found.submitted_at)))
        rows.append(("提交的文件", f"第{found.submitted_version}版，SHA-256 {found.submitted_sha256}"))
    links = [
        ("查看已签章的公告（PDF）", reverse("backoffice:announcement_pdf", args=[item.center.code, found.pk]))
    ]
    for slot, label in ((MATERIAL_SLOT, "查看评标委员会废标结论"), (DECISION_SLOT, "查看采购人决定文件")):
        reference = (found.attachments or {}).get(slot) or {}
        if reference.get("id"):
            links.append((label, reverse("backoffice:attachment", args=[reference["id"]])))
    return {"title": item.title, "rows": rows, "links": links}


def register() -> None:
    review_handler_register(
        ReviewKind.ANNOUNCEMENT,
        approve=announcements.announcement_approve,
        reject=announcements.announcement_reject,
        describe=announcement_describe,
    )
