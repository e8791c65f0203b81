"""Reads of the back-office's queue, staff and calendar, each bounded by the staff member's center
and roles: an item outside them is "not found", exactly like a missing one. The centers' own data
(subjects, their files) is read through centers/staff_selectors.py."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from core.errors import NotFound
from core.models import AuditEntry
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
