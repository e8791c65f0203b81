"""Reads of the back-office, each bounded by the staff member's center and roles: an item or a
subject outside them is "not found", exactly like a missing one."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from centers.models import (
    Center,
    CenterPermission,
    CenterSubject,
    CenterSubjectType,
    Practitioner,
    UnbindRequest,
)
from core.errors import NotFound
from core.models import AuditEntry
from registry import identifiers
from registry.models import Attachment
from review import calendar
from review.models import CalendarDay, ReviewItem, ReviewStatus, StaffMember
from review.permissions import handled_roles

UNDECIDED = (ReviewStatus.OPEN, ReviewStatus.CLAIMED)
DONE = (ReviewStatus.APPROVED, ReviewStatus.REJECTED, ReviewStatus.WITHDRAWN)
# The queue's status filter: "" is everything still to do.
STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    "": UNDECIDED,
    "open": (ReviewStatus.OPEN,),
    "claimed": (ReviewStatus.CLAIMED,),
    "done": DONE,
}
STATUS_FILTER_LABELS = {"": "全部待办", "open": "待认领", "claimed": "审核中", "done": "已办结"}
ITEM_TYPE = ReviewItem._meta.label_lower


def centers_for(member: StaffMember) -> list[Center]:
    """The centers whose data this member sees: their own, or all for a platform administrator."""
    if member.center is not None:
        return [member.center]
    return list(Center.objects.all())


def center_for(member: StaffMember, code: str | None) -> Center:
    """The center a page works on: the member's own; a platform administrator picks one (the
    first when none is named). A center the member does not serve is not found."""
    own = member.center
    if own is not None:
        if code and code != own.code:
            raise NotFound()
        return own
    center = Center.objects.filter(code=code).first() if code else Center.objects.first()
    if center is None:
        raise NotFound("没有这个交易中心。")
    return center


# --- the queue -----------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilter:
    kind: str = ""
    status: str = ""
    mine: bool = False
    overdue: bool = False
    center: str = ""  # a platform administrator may narrow to one center


def _visible(member: StaffMember) -> QuerySet[ReviewItem]:
    items = ReviewItem.objects.all()
    if member.center_id is not None:
        items = items.filter(center_id=member.center_id)
    roles = handled_roles(member.roles)
    if roles is not None:
        items = items.filter(role__in=roles)
    return items


def queue_for(*, member: StaffMember, filters: QueueFilter, now: dt.datetime) -> QuerySet[ReviewItem]:
    statuses = STATUS_FILTERS.get(filters.status, UNDECIDED)
    items = _visible(member).filter(status__in=statuses)
    if filters.kind:
        items = items.filter(kind=filters.kind)
    if filters.center and member.center_id is None:
        items = items.filter(center__code=filters.center)
    if filters.mine:
        items = items.filter(Q(claimed_by=member.account) | Q(decided_by=member.account))
    if filters.overdue:
        items = items.filter(status__in=UNDECIDED, due_at__lte=now)
    ordering = ["-decided_at", "-id"] if filters.status == "done" else ["due_at", "id"]
    return items.select_related("center", "claimed_by", "decided_by").order_by(*ordering)


def queue_counts(*, member: StaffMember, now: dt.datetime) -> dict[str, int]:
    """The numbers beside the filters, in one query."""
    return _visible(member).aggregate(
        open=Count("id", filter=Q(status=ReviewStatus.OPEN)),
        claimed=Count("id", filter=Q(status=ReviewStatus.CLAIMED)),
        mine=Count("id", filter=Q(status=ReviewStatus.CLAIMED, claimed_by=member.account)),
        overdue=Count("id", filter=Q(status__in=UNDECIDED, due_at__lte=now)),
    )


@dataclass(frozen=True)
class QueueRow:
    item: ReviewItem
    clock: calendar.Clock | None  # None once decided: the clock stopped


def queue_rows(items: list[ReviewItem], now: dt.datetime) -> list[QueueRow]:
    running = [item for item in items if item.status in UNDECIDED]
    clocks = dict(
        zip((item.pk for item in running), calendar.clocks(now, (i.due_at for i in running)), strict=True)
    )
    return [QueueRow(item=item, clock=clocks.get(item.pk)) for item in items]


def queue_item_for(*, member: StaffMember, pk: int) -> ReviewItem:
    item = _visible(member).select_related("center", "claimed_by", "decided_by").filter(pk=pk).first()
    if item is None:
        raise NotFound()
    return item


def item_history(item: ReviewItem) -> list[AuditEntry]:
    """What happened to the item, oldest first: opened, claimed, released, decided."""
    return list(
        AuditEntry.objects.filter(target_type=ITEM_TYPE, target_id=str(item.pk))
        .select_related("actor")
        .order_by("at", "id")
    )


# --- subjects (主体查询) -----------------------------------------------------------------------


def subjects_search(*, center: Center, query: str) -> QuerySet[CenterSubject]:
    """By part of the name, or the beginning of the code (any case, full-width folded)."""
    subjects = CenterSubject.objects.at(center).select_related("subject")
    query = query.strip()
    if query:
        code = identifiers.normalize_code(query)
        subjects = subjects.filter(Q(subject__name__icontains=query) | Q(subject__code__startswith=code))
    return subjects.order_by("-updated_at", "-id")


def subject_for(*, center: Center, pk: int) -> CenterSubject:
    subject = CenterSubject.objects.at(center).select_related("subject", "commitment").filter(pk=pk).first()
    if subject is None:
        raise NotFound()
    return subject


def subject_types(center_subject: CenterSubject) -> list[CenterSubjectType]:
    """Every type the subject holds or held here, the current ones first."""
    return list(
        CenterSubjectType.objects.at(center_subject.center_id)
        .filter(center_subject=center_subject)
        .select_related("removed_by")
        .order_by("removed_at", "added_at", "id")
    )


def subject_permissions(center_subject: CenterSubject) -> list[CenterPermission]:
    return list(
        CenterPermission.objects.at(center_subject.center_id)
        .filter(center_subject=center_subject)
        .order_by("revoked_at", "code")
    )


def subject_audit(center_subject: CenterSubject, limit: int = 100) -> list[AuditEntry]:
    """What happened to the subject at this center, and at the registry (its registration and
    submitted records, which name no center); never what it did at another center."""
    here = Q(data__center=center_subject.center.code)
    registry = Q(target_type__startswith="registry.") & ~Q(data__has_key="center")
    return list(
        AuditEntry.objects.filter(here | registry, subject_id=center_subject.subject_id).select_related(
            "actor"
        )[:limit]
    )


def _attachment_ids(value: Any) -> Iterator[Any]:
    """The ids of the attachment references ({id, name, sha256, size}) anywhere in a JSON value."""
    if isinstance(value, dict):
        if "sha256" in value and "id" in value:
            yield value["id"]
        for inner in value.values():
            yield from _attachment_ids(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _attachment_ids(inner)


def attachment_for(*, member: StaffMember, pk: int) -> Attachment:
    """A file staff may open: one that a subject's data at one of the member's centers refers to
    (its registry data or profile, a practitioner's documents, an unbind request's letter or
    licence). Files are the unit's own, so only that subject's entries are looked through."""
    attachment = Attachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise NotFound()
    for center in centers_for(member):
        entry = CenterSubject.objects.at(center).filter(subject_id=attachment.subject_id).first()
        if entry is None:
            continue
        values: list[Any] = [entry.registry_data, entry.profile, entry.profile_draft]
        values += (
            Practitioner.objects.at(center).filter(center_subject=entry).values_list("documents", flat=True)
        )
        for letter, licence in (
            UnbindRequest.objects.at(center).filter(center_subject=entry).values_list("letter", "licence")
        ):
            values += [letter, licence]
        if any(str(found) == str(pk) for found in _attachment_ids(values)):
            return attachment
    raise NotFound()


# --- staff and calendar -------------------------------------------------------------------


def staff_for(*, admin: StaffMember) -> QuerySet[StaffMember]:
    members = StaffMember.objects.select_related("account", "center")
    if admin.center_id is not None:
        members = members.filter(center_id=admin.center_id)
    return members.order_by("-account__is_active", "center__sort", "center_id", "name", "id")


def staff_get_for(*, admin: StaffMember, pk: int) -> StaffMember:
    member = staff_for(admin=admin).filter(pk=pk).first()
    if member is None:
        raise NotFound()
    return member


def staff_history(member: StaffMember, limit: int = 50) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            target_type=StaffMember._meta.label_lower, target_id=str(member.pk)
        ).select_related("actor")[:limit]
    )


def calendar_year(year: int) -> list[CalendarDay]:
    return list(CalendarDay.objects.filter(date__year=year).order_by("date"))


def calendar_years() -> list[int]:
    return sorted({day.year for day in CalendarDay.objects.dates("date", "year")})


def calendar_day_get(pk: int) -> CalendarDay:
    day = CalendarDay.objects.filter(pk=pk).first()
    if day is None:
        raise NotFound()
    return day
