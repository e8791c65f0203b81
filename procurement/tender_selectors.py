"""Reads of tender documents and clarifications: always through one center and one agency."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet

from centers.models import Center, CenterSubject
from core.errors import NotFound
from procurement.announcement_models import AnnouncementKind, AnnouncementStatus
from procurement.models import Lot, Project, ProjectStatus
from procurement.tender_models import Clarification, TenderDocument, TenderStatus
from procurement.venue_models import Booking, BookingStatus, RoomKind


def tenders_for(*, center: Center, agency: CenterSubject) -> QuerySet[TenderDocument]:
    """交易文件列表: the agency's tender documents at the center, newest first."""
    return (
        TenderDocument.objects.at(center)
        .filter(agency=agency)
        .select_related("project")
        .prefetch_related("lots")
        .order_by("-created_at", "-pk")
    )


def tender_get_for(*, center: Center, agency: CenterSubject, pk: int) -> TenderDocument:
    """One of the agency's tender documents; missing and someone else's look alike."""
    tender = (
        TenderDocument.objects.at(center)
        .filter(agency=agency, pk=pk)
        .select_related("center", "agency__subject", "project", "document")
        .first()
    )
    if tender is None:
        raise NotFound()
    return tender


def clarification_get_for(*, tender: TenderDocument, number: int) -> Clarification:
    clarification = tender.clarifications.select_related("document").filter(number=number).first()
    if clarification is None:
        raise NotFound()
    clarification.tender = tender
    return clarification


def approved_projects_for(*, center: Center, agency: CenterSubject) -> QuerySet[Project]:
    """The projects a tender document may be made for: the agency's approved ones."""
    return (
        Project.objects.at(center)
        .filter(agency=agency, status=ProjectStatus.APPROVED)
        .prefetch_related("lots")
        .order_by("-created_at", "-pk")
    )


def approved_project_get_for(*, center: Center, agency: CenterSubject, pk: int) -> Project:
    project = (
        approved_projects_for(center=center, agency=agency)
        .select_related("center", "agency")
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise NotFound()
    return project


def opening_booking(lots: Sequence[Lot]) -> Booking | None:
    """The approved 开标室 booking of any of `lots`, whose start is the opening time: the latest,
    when a lot resumed after its suspension booked a new opening."""
    return (
        Booking.objects.bookings()
        .filter(status=BookingStatus.APPROVED, room__kind=RoomKind.OPENING, lots__in=list(lots))
        .select_related("room")
        .order_by("-starts_at")
        .first()
    )


@dataclass(frozen=True)
class OpeningToMove:
    """The approved 开标室 booking whose time is no longer the bid deadline (a clarification moved
    it), and the 场地变更 waiting for review to that deadline, if one is."""

    booking: Booking
    change: Booking | None


def opening_to_move(tender: TenderDocument) -> OpeningToMove | None:
    """None while the submitted tender document's lots open at its bid deadline (87号令 art. 39),
    or at the new deadline of a 变更公告 not yet published, or while no opening room is booked."""
    if tender.status != TenderStatus.SUBMITTED:
        return None
    booking = opening_booking(list(tender.lots.all()))
    if booking is None or booking.starts_at == tender.bid_deadline:
        return None
    # Moved ahead of a 变更公告 that postpones the deadline to it: the deadline follows on publication.
    postponing = tender.announcements.filter(
        kind=AnnouncementKind.CORRECTION, new_bid_deadline=booking.starts_at
    )
    if postponing.exclude(status=AnnouncementStatus.PUBLISHED).exists():
        return None
    change = (
        booking.changes.filter(status=BookingStatus.SUBMITTED, starts_at=tender.bid_deadline)
        .select_related("room")
        .first()
    )
    return OpeningToMove(booking=booking, change=change)
