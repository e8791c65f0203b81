"""The center's 开标室 and 评标室, kept by its staff in the back-office (场地管理 permission, which
administrators hold: review.permissions). A center's administrator keeps that center's rooms; a
platform administrator (no center) keeps every center's.

Rooms are never deleted: bookings point at them. A room still holding a slot that has not ended
can be neither deactivated nor turned into the other kind of room; its agencies move first.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from centers.models import Center
from core.audit import Actor, audit_log
from core.errors import DomainError
from procurement import venue_rules as rules
from procurement.venue_models import Booking, Room, RoomKind
from review.models import StaffMember
from review.permissions import Permission
from review.services import staff_permission_of

ROOM_FIELDS = ["name", "kind", "capacity", "location", "sort"]


def room_admin_of(actor: Actor, center: Center | int) -> StaffMember:
    """The acting staff member, if they may keep this center's rooms."""
    member = staff_permission_of(actor, Permission.VENUES)
    center_id = center.pk if isinstance(center, Center) else center
    if member.center_id is not None and member.center_id != center_id:
        raise DomainError(rules.ROOM_CENTER_NOT_YOURS.format(center=member.center))
    return member


def _clean(name: str, kind: str, capacity: int) -> str:
    name = name.strip()
    if not name:
        raise DomainError(rules.ROOM_NAME_REQUIRED, field="name")
    if kind not in RoomKind.values:
        raise DomainError(rules.ROOM_KIND_INVALID, field="kind")
    if not 1 <= capacity <= rules.ROOM_CAPACITY_MAX:
        raise DomainError(rules.ROOM_CAPACITY_RANGE, field="capacity")
    return name


def _name_free(center_id: int, name: str, room: Room | None) -> None:
    taken = Room.objects.at(center_id).filter(name=name)
    if room is not None:
        taken = taken.exclude(pk=room.pk)
    if taken.exists():
        raise DomainError(rules.ROOM_NAME_TAKEN.format(name=name), field="name")


def _save(room: Room, update_fields: list[str] | None = None) -> None:
    # The unique name is the database's rule too; two administrators naming two rooms alike at once
    # get the same message as one who checks first.
    try:
        with transaction.atomic():
            room.save(update_fields=update_fields)
    except IntegrityError as error:
        raise DomainError(rules.ROOM_NAME_TAKEN.format(name=room.name), field="name") from error


def _in_use(room: Room, action: str, now: dt.datetime) -> None:
    """Refuse `action` while the room holds a slot that has not ended."""
    held = Booking.objects.at(room.center_id).filter(rules.HOLDS_SLOT, room=room, ends_at__gt=now)
    first = held.order_by("starts_at").first()
    if first is not None:
        raise DomainError(
            rules.ROOM_IN_USE.format(
                name=room.name,
                count=held.count(),
                slot=rules.slot_text(room, first.starts_at, first.ends_at),
                action=action,
            )
        )


def _audit(actor: Actor, action: str, room: Room, **data: object) -> None:
    audit_log(
        actor=actor,
        action=action,
        target=room,
        data={"center": room.center_id, "name": room.name, "kind": room.kind, **data},
    )


def _locked(room: Room) -> Room:
    return Room.objects.at(room.center_id).select_for_update().get(pk=room.pk)


def room_create(
    *,
    actor: Actor,
    center: Center,
    name: str,
    kind: str,
    capacity: int,
    location: str = "",
    sort: int = 0,
) -> Room:
    room_admin_of(actor, center)
    name = _clean(name, kind, capacity)
    with transaction.atomic():
        _name_free(center.pk, name, None)
        room = Room(
            center=center, name=name, kind=kind, capacity=capacity, location=location.strip(), sort=sort
        )
        _save(room)
        _audit(actor, rules.AUDIT_ROOM_CREATED, room, capacity=capacity)
    return room


def room_update(
    *,
    actor: Actor,
    room: Room,
    name: str,
    kind: str,
    capacity: int,
    location: str = "",
    sort: int = 0,
    now: dt.datetime | None = None,
) -> Room:
    room_admin_of(actor, room.center_id)
    name = _clean(name, kind, capacity)
    with transaction.atomic():
        locked = _locked(room)
        if kind != locked.kind:
            _in_use(locked, "更改场地类型", now or timezone.now())
        _name_free(locked.center_id, name, locked)
        locked.name, locked.kind, locked.capacity = name, kind, capacity
        locked.location, locked.sort = location.strip(), sort
        _save(locked, update_fields=ROOM_FIELDS)
        _audit(actor, rules.AUDIT_ROOM_SAVED, locked, capacity=capacity)
    return locked


def room_deactivate(*, actor: Actor, room: Room, now: dt.datetime | None = None) -> Room:
    """停用: no new booking may choose it. Refused while a slot in it has not ended."""
    room_admin_of(actor, room.center_id)
    with transaction.atomic():
        locked = _locked(room)
        if not locked.active:
            raise DomainError(rules.ROOM_ALREADY_INACTIVE.format(name=locked.name))
        # Under the room's lock, which every submit takes: no slot is held behind this check.
        _in_use(locked, "停用", now or timezone.now())
        locked.active = False
        locked.save(update_fields=["active"])
        _audit(actor, rules.AUDIT_ROOM_DEACTIVATED, locked)
    return locked


def room_activate(*, actor: Actor, room: Room) -> Room:
    room_admin_of(actor, room.center_id)
    with transaction.atomic():
        locked = _locked(room)
        if locked.active:
            raise DomainError(rules.ROOM_ALREADY_ACTIVE.format(name=locked.name))
        locked.active = True
        locked.save(update_fields=["active"])
        _audit(actor, rules.AUDIT_ROOM_ACTIVATED, locked)
    return locked
