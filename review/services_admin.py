"""The administrator's services: staff members (工作人员管理) and the calendar (节假日与调休).

Every change is audited in its own transaction.
"""

import datetime as dt

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from core.audit import Actor, audit_log
from core.errors import DomainError, NotFound, StateError
from registry import identifiers
from registry.models import Account
from review import calendar, rules
from review.models import CalendarDay, ReviewItem, ReviewStatus, StaffMember, StaffRole
from review.permissions import Permission
from review.services import UNDECIDED, release_claim, staff_permission_of

# Marks the back-office accounts. It holds no model permission: staff read a subject's data and
# files through the back-office, bounded by their center (centers/staff_selectors.py), never through
# /admin/ or the registry's pages, which would show every subject of the province.
STAFF_GROUP = "中心工作人员"


def _checked_roles(roles: list[str]) -> list[str]:
    chosen = [role for role in StaffRole.values if role in roles]
    if not chosen or len(chosen) != len(set(roles)):
        raise DomainError(rules.ROLES_REQUIRED, field="roles")
    return chosen


def _resident_id(id_number: str) -> str:
    """The ID number, normalised, or the reason it is no valid resident ID number."""
    code = identifiers.normalize_code(id_number)
    check = identifiers.check_resident_id(code)
    if not check.ok:
        raise DomainError(check.error, field="id_number")
    return code


def _checked_id_number(id_number: str, *, other_than: int | None = None) -> str:
    code = _resident_id(id_number)
    # The certificate login finds the account by this number: two active accounts with it would
    # make a certificate log in as whichever came first.
    holders = StaffMember.objects.filter(id_number=code, account__is_active=True)
    if other_than is not None:
        holders = holders.exclude(pk=other_than)
    holder = holders.first()
    if holder is not None:
        raise DomainError(rules.ID_NUMBER_TAKEN.format(id_number=code, name=holder.name), field="id_number")
    return code


def _staff_group() -> Group:
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    return group


def _managed(admin: StaffMember, pk: int) -> StaffMember:
    """A staff member this administrator manages: their own center's, or anyone's for a platform
    administrator; others look missing."""
    query = StaffMember.objects.select_for_update(of=("self",)).select_related("account", "center")
    if admin.center_id is not None:
        query = query.filter(center_id=admin.center_id)
    member = query.filter(pk=pk).first()
    if member is None:
        raise NotFound()
    return member


def staff_member_add(
    *,
    actor: Actor,
    username: str,
    password: str,
    name: str,
    department: str,
    roles: list[str],
    id_number: str,
    center,
) -> StaffMember:
    """A new back-office account. An empty password leaves the account to certificate login."""
    admin = staff_permission_of(actor, Permission.STAFF)
    own = admin.center
    if own is not None and (center is None or center.pk != own.pk):
        if center is None:
            raise DomainError(rules.PLATFORM_ADMIN_ONLY, field="center")
        raise DomainError(rules.CENTER_NOT_YOURS.format(center=own.name), field="center")
    username = username.strip()
    chosen = _checked_roles(roles)
    if password:
        try:
            validate_password(password, Account(username=username, display_name=name))
        except ValidationError as error:
            raise DomainError(" ".join(error.messages), field="password") from None
    with transaction.atomic():
        code = _checked_id_number(id_number)
        if Account.objects.filter(username=username).exists():
            raise DomainError(rules.USERNAME_TAKEN.format(username=username), field="username")
        account = Account.objects.create_user(
            username, password or None, display_name=name.strip(), is_staff=True
        )
        account.groups.add(_staff_group())
        member = StaffMember.objects.create(
            account=account,
            center=center,
            name=name.strip(),
            department=department.strip(),
            roles=chosen,
            id_number=code,
        )
        audit_log(
            actor=actor,
            action=rules.AUDIT_STAFF_ADDED,
            target=member,
            data={
                "username": username,
                "name": member.name,
                "department": member.department,
                "roles": chosen,
                "center": center.code if center else "",
                "id_number": code,
                "password_set": bool(password),
            },
        )
    return member


def staff_member_change(
    *, actor: Actor, pk: int, name: str, department: str, roles: list[str], id_number: str
) -> StaffMember:
    admin = staff_permission_of(actor, Permission.STAFF)
    chosen = _checked_roles(roles)
    with transaction.atomic():
        member = _managed(admin, pk)
        if member.pk == admin.pk and StaffRole.ADMIN not in chosen:
            raise DomainError(rules.OWN_ADMIN_ROLE, field="roles")
        code = _checked_id_number(id_number, other_than=member.pk)
        before = {
            "name": member.name,
            "department": member.department,
            "roles": member.roles,
            "id_number": member.id_number,
        }
        member.name, member.department = name.strip(), department.strip()
        member.roles, member.id_number = chosen, code
        after = {
            "name": member.name,
            "department": member.department,
            "roles": member.roles,
            "id_number": member.id_number,
        }
        changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
        if not changed:
            return member
        member.save(update_fields=["name", "department", "roles", "id_number"])
        if member.account.display_name != member.name:
            member.account.display_name = member.name
            member.account.save(update_fields=["display_name"])
        audit_log(actor=actor, action=rules.AUDIT_STAFF_CHANGED, target=member, data={"changed": changed})
    return member


def staff_member_deactivate(*, actor: Actor, pk: int) -> tuple[StaffMember, int]:
    """停用: the account can no longer log in, and what it had claimed goes back to the queue.
    Returns the member and how many items went back."""
    admin = staff_permission_of(actor, Permission.STAFF)
    with transaction.atomic():
        member = _managed(admin, pk)
        if member.pk == admin.pk:
            raise StateError(rules.NOT_YOURSELF)
        if not member.account.is_active:
            raise StateError(rules.ALREADY_INACTIVE)
        member.account.is_active = False
        member.account.save(update_fields=["is_active"])
        released = 0
        for item in ReviewItem.objects.select_for_update().filter(
            claimed_by=member.account, status=ReviewStatus.CLAIMED
        ):
            release_claim(item)
            audit_log(
                actor=actor,
                action=rules.AUDIT_ITEM_RELEASED,
                target=item,
                data={"claimed_by": member.name, "because": rules.AUDIT_STAFF_DEACTIVATED},
            )
            released += 1
        audit_log(
            actor=actor,
            action=rules.AUDIT_STAFF_DEACTIVATED,
            target=member,
            data={"released_items": released},
        )
    return member, released


def staff_member_reactivate(*, actor: Actor, pk: int) -> StaffMember:
    admin = staff_permission_of(actor, Permission.STAFF)
    with transaction.atomic():
        member = _managed(admin, pk)
        if member.account.is_active:
            raise StateError(rules.ALREADY_ACTIVE)
        # Someone else may have been given this ID number while the account rested.
        _checked_id_number(member.id_number, other_than=member.pk)
        member.account.is_active = True
        member.account.save(update_fields=["is_active"])
        audit_log(actor=actor, action=rules.AUDIT_STAFF_REACTIVATED, target=member)
    return member


# --- the calendar (节假日与调休) ---------------------------------------------------------------


def _checked_day(date: dt.date, is_working: bool, note: str) -> str:
    note = note.strip()
    if not note:
        raise DomainError(rules.NOTE_REQUIRED, field="note")
    # A day the official calendar already works changes nothing when marked as worked: it was
    # almost surely meant as a holiday. A weekday the library counts as rest (a substitute day it
    # computed for a year whose notice is not out yet) may be marked worked once the notice says so.
    # (A weekend day inside a holiday may be listed, as the yearly data does, to name the span.)
    if is_working and calendar.is_officially_working(date):
        raise DomainError(rules.WORKDAY_ON_WEEKDAY.format(date=date.isoformat()), field="is_working")
    return note


def _undecided_around(date: dt.date) -> list[tuple[ReviewItem, int]]:
    """Undecided items whose limit runs over `date`, with their limit in working days as counted
    before the calendar changes (so each keeps its own limit when recounted)."""
    zone = calendar.local_zone()
    day_start = dt.datetime.combine(date, dt.time(0, 0), tzinfo=zone)
    items = list(
        ReviewItem.objects.select_for_update()
        .filter(status__in=UNDECIDED, submitted_at__lt=day_start + dt.timedelta(days=1), due_at__gt=day_start)
        .order_by("pk")
    )
    counted = []
    for item in items:
        first = item.submitted_at.astimezone(zone).date() + dt.timedelta(days=1)
        last = calendar.last_day(item.due_at)
        counted.append((item, calendar.working_days_in(first, last, calendar.overrides_between(first, last))))
    return counted


def _reschedule(actor: Actor, counted: list[tuple[ReviewItem, int]]) -> int:
    moved = 0
    for item, days in counted:
        due = calendar.due_at(item.submitted_at, days)
        if due != item.due_at:
            audit_log(
                actor=actor,
                action=rules.AUDIT_ITEM_RESCHEDULED,
                target=item,
                data={"from": item.due_at.isoformat(), "to": due.isoformat()},
            )
            item.due_at = due
            item.save(update_fields=["due_at"])
            moved += 1
    return moved


def calendar_day_add(*, actor: Actor, date: dt.date, is_working: bool, note: str) -> tuple[CalendarDay, int]:
    """Registers a day; undecided items whose limit runs over it are recounted. Returns the day and
    how many items' due time moved."""
    staff_permission_of(actor, Permission.CALENDAR)
    note = _checked_day(date, is_working, note)
    with transaction.atomic():
        existing = CalendarDay.objects.filter(date=date).first()
        if existing is not None:
            raise DomainError(
                rules.DAY_EXISTS.format(date=date.isoformat(), note=existing.note), field="date"
            )
        counted = _undecided_around(date)
        day = CalendarDay.objects.create(date=date, is_working=is_working, note=note)
        moved = _reschedule(actor, counted)
        audit_log(
            actor=actor,
            action=rules.AUDIT_CALENDAR_DAY_ADDED,
            target=day,
            data={"date": date.isoformat(), "is_working": is_working, "note": note, "rescheduled": moved},
        )
    return day, moved


def calendar_day_change(*, actor: Actor, pk: int, is_working: bool, note: str) -> tuple[CalendarDay, int]:
    staff_permission_of(actor, Permission.CALENDAR)
    with transaction.atomic():
        day = CalendarDay.objects.select_for_update().filter(pk=pk).first()
        if day is None:
            raise NotFound()
        note = _checked_day(day.date, is_working, note)
        if (day.is_working, day.note) == (is_working, note):
            return day, 0
        counted = _undecided_around(day.date)
        before = {"is_working": day.is_working, "note": day.note}
        day.is_working, day.note = is_working, note
        day.save(update_fields=["is_working", "note"])
        moved = _reschedule(actor, counted)
        audit_log(
            actor=actor,
            action=rules.AUDIT_CALENDAR_DAY_CHANGED,
            target=day,
            data={
                "date": day.date.isoformat(),
                "before": before,
                "is_working": is_working,
                "note": note,
                "rescheduled": moved,
            },
        )
    return day, moved


def calendar_day_remove(*, actor: Actor, pk: int) -> int:
    """Removes an entry made by mistake; the day follows the plain week again. Returns how many
    items' due time moved."""
    staff_permission_of(actor, Permission.CALENDAR)
    with transaction.atomic():
        day = CalendarDay.objects.select_for_update().filter(pk=pk).first()
        if day is None:
            raise NotFound()
        counted = _undecided_around(day.date)
        # Logged before the row goes, while it still has its primary key.
        audit_log(
            actor=actor,
            action=rules.AUDIT_CALENDAR_DAY_REMOVED,
            target=day,
            data={"date": day.date.isoformat(), "is_working": day.is_working, "note": day.note},
        )
        day.delete()
        return _reschedule(actor, counted)


def staff_member_seed(
    *,
    username: str,
    password: str,
    name: str,
    department: str,
    roles: list[str],
    id_number: str,
    center,
) -> StaffMember:
    """For management commands (demo data, a deployment's first administrator), which run before
    any administrator exists: makes the account or brings it to the given roles and center.
    A password is set only when the account is made."""
    code = _resident_id(id_number)
    chosen = _checked_roles(roles)
    with transaction.atomic():
        account = Account.objects.filter(username=username).first()
        made = account is None
        if account is None:
            account = Account.objects.create_user(
                username, password or None, display_name=name, is_staff=True
            )
        elif not (account.is_staff and account.is_active and account.display_name == name):
            account.is_staff, account.is_active, account.display_name = True, True, name
            account.save(update_fields=["is_staff", "is_active", "display_name"])
        account.groups.add(_staff_group())
        member, _ = StaffMember.objects.update_or_create(
            account=account,
            defaults={
                "center": center,
                "name": name,
                "department": department,
                "roles": chosen,
                "id_number": code,
            },
        )
        if made:
            audit_log(
                actor=Actor(auth_method="system"),
                action=rules.AUDIT_STAFF_ADDED,
                target=member,
                data={
                    "username": username,
                    "roles": chosen,
                    "center": center.code if center else "",
                    "seeded": True,
                },
            )
    return member
