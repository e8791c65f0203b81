"""Approved projects, rooms and bookings at a center, made through the services as users make them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from centers.models import Center, CenterSubject
from core.audit import Actor
from procurement import services, venue_rooms, venues
from procurement.models import Project
from procurement.venue_models import Booking, Room, RoomKind
from registry.models import Account
from review.models import StaffRole
from tests.centers.people_factories import decide, make_reviewer, unit_actor
from tests.procurement.factories import make_project

HOUR = dt.timedelta(hours=1)


# The first day an opening may be booked today for a project by tender: the documents can be issued
# now at the earliest, and the opening (the bid deadline) comes 20 days later (政府采购法 art. 35) at
# the same time of day or after; day 21 at any hour is past that.
LAWFUL = 21


def at(days: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    """A local time `days` days after the first lawful opening day (LAWFUL days from today): the
    booking times a user would type. Tests about the art. 35 refusal itself use `from_today`."""
    return from_today(LAWFUL + days, hour, minute)


def from_today(days: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    """A local time `days` days from today."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def approved_project(account: Account, entry: CenterSubject, reviewer: Actor, **details: Any) -> Project:
    """A project submitted and approved in the queue: 场地预约's 前置条件 (004 §3.3)."""
    project = services.project_submit(
        actor=unit_actor(account), project=make_project(account, entry, **details)
    )
    decide(reviewer, project, approve=True)
    project.refresh_from_db()
    return project


def center_admin(at_center: Center, username: str = "venue_admin") -> Actor:
    """A center's own administrator (the demo has only the platform's)."""
    return make_reviewer(at_center, username=username, roles=(StaffRole.ADMIN,))


def make_room(
    admin: Actor,
    at_center: Center,
    name: str = "测试开标室",
    kind: str = RoomKind.OPENING,
    capacity: int = 30,
) -> Room:
    return venue_rooms.room_create(actor=admin, center=at_center, name=name, kind=kind, capacity=capacity)


def book(
    account: Account,
    project: Project,
    room: Room,
    starts_at: dt.datetime,
    hours: float = 2,
    *,
    lots: list | None = None,
    submit: bool = False,
) -> Booking:
    """A draft booking of the project's first lot (or `lots`), submitted on request."""
    booking = venues.booking_create(
        actor=unit_actor(account),
        center=project.center,
        agency=project.agency,
        project=project,
        lots=lots if lots is not None else [project.lots.order_by("number").first()],
        room=room,
        starts_at=starts_at,
        duration=dt.timedelta(hours=hours),
    )
    if submit:
        booking = venues.booking_submit(actor=unit_actor(account), booking=booking)
    return booking


def approved_booking(
    account: Account, project: Project, room: Room, starts_at: dt.datetime, reviewer: Actor, **kw
):
    booking = book(account, project, room, starts_at, submit=True, **kw)
    decide(reviewer, booking, approve=True)
    booking.refresh_from_db()
    return booking
