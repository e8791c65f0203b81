"""What the review queue's decisions do to bookings and their changes, and what the reviewer reads
of them; and the check that keeps a project with a booking from being withdrawn.

Registered once at start-up (ProcurementConfig.ready), as procurement.review_handlers is.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from procurement import services, venues
from procurement import venue_rules as rules
from procurement.venue_models import Booking, BookingPurpose
from review.handlers import review_handler_register
from review.models import ReviewItem, ReviewKind


def _when(value: Any) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def _room(room: Any) -> str:
    where = f"，{room.location}" if room.location else ""
    return f"{room.name}（{room.get_kind_display()}，可容纳{room.capacity}人{where}）"


def _booking(item: ReviewItem) -> Booking:
    return (
        Booking.objects.at(item.center_id)
        .select_related("project", "project__agency__subject", "room", "previous_room")
        .prefetch_related("lots")
        .get(pk=int(item.target_id))
    )


def _common(booking: Booking) -> list[tuple[str, str]]:
    project = booking.project
    lots = "；".join(f"第{lot.number}包 {lot.name}" for lot in booking.lots.all())
    return [
        ("项目编号", project.code),
        ("项目名称", project.name),
        ("代理机构", project.agency.subject.name),
        ("分包", lots),
    ]


def booking_describe(item: ReviewItem) -> dict[str, Any]:
    booking = _booking(item)
    rows = [
        *_common(booking),
        ("场地", _room(booking.room)),
        (rules.TIME_LABELS[booking.room.kind], _when(booking.starts_at)),
        ("使用时段", rules.slot_text(booking.room, booking.starts_at, booking.ends_at)),
    ]
    if booking.note:
        rows.append(("备注", booking.note))
    rows.append(("提交时间", _when(booking.submitted_at)))
    links = []
    if booking.purpose == BookingPurpose.RE_EVALUATION:
        request = (booking.attachments or {}).get(rules.REQUEST_SLOT) or {}
        rows.insert(0, ("预约事项", booking.get_purpose_display()))
        rows.append(("复评申请材料", f"{request.get('name', '')}（SHA-256 {request.get('sha256', '')}）"))
        if request.get("id"):
            links.append(("查看复评申请材料", reverse("backoffice:attachment", args=[request["id"]])))
    return {"title": item.title, "rows": rows, "links": links}


def change_describe(item: ReviewItem) -> dict[str, Any]:
    change = _booking(item)
    rows = _common(change)
    if change.previous_room is not None and change.previous_starts_at and change.previous_ends_at:
        rows.append(
            (
                "变更前",
                rules.slot_text(change.previous_room, change.previous_starts_at, change.previous_ends_at),
            )
        )
    rows += [
        ("变更后场地", _room(change.room)),
        ("变更后时段", rules.slot_text(change.room, change.starts_at, change.ends_at)),
        ("变更原因", change.reason),
        ("提交时间", _when(change.submitted_at)),
    ]
    return {"title": item.title, "rows": rows}


def register() -> None:
    review_handler_register(
        ReviewKind.BOOKING,
        approve=venues.booking_approve,
        reject=venues.booking_reject,
        describe=booking_describe,
    )
    review_handler_register(
        ReviewKind.BOOKING_CHANGE,
        approve=venues.booking_change_approve,
        reject=venues.booking_change_reject,
        describe=change_describe,
    )
    if venues.project_withdraw_blocker not in services.WITHDRAW_BLOCKERS:
        services.WITHDRAW_BLOCKERS.append(venues.project_withdraw_blocker)
