"""The administrator's pages: staff members (工作人员) and the calendar (节假日与调休)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from backoffice.access import StaffRequest, staff_render, staff_required
from backoffice.forms import (
    CalendarDayChangeForm,
    CalendarDayForm,
    StaffAddForm,
    StaffChangeForm,
    add_domain_error,
)
from core.errors import DomainError
from review import calendar, selectors, services_admin
from review.permissions import Permission

STAFF_ADDED = "已添加工作人员{name}。"
STAFF_CHANGED = "已保存{name}的信息。"
STAFF_DEACTIVATED = "已停用{name}的账号{released}。"
STAFF_REACTIVATED = "已恢复{name}的账号。"
DAY_ADDED = "已登记 {date}（{note}）{moved}。"
DAY_CHANGED = "已修改 {date}（{note}）{moved}。"
DAY_REMOVED = "已删除 {date} 的登记，该日按平常的周末/工作日计算{moved}。"
WEEKDAYS = "一二三四五六日"


def _moved(count: int) -> str:
    return f"，{count} 个待办事项的办理时限已按新日历重算" if count else ""


# --- staff members -------------------------------------------------------------------------


@staff_required(Permission.STAFF)
def staff_list(request: StaffRequest) -> HttpResponse:
    return staff_render(
        request,
        "backoffice/staff_list.html",
        {"active": "backoffice:staff", "members": list(selectors.staff_for(admin=request.staff))},
    )


@staff_required(Permission.STAFF)
def staff_add(request: StaffRequest) -> HttpResponse:
    form = StaffAddForm(request.POST or None, admin=request.staff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = services_admin.staff_member_add(
                actor=request.actor,
                username=data["username"],
                password=data["password"],
                name=data["name"],
                department=data["department"],
                roles=data["roles"],
                id_number=data["id_number"],
                center=data["center"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, STAFF_ADDED.format(name=member.name))
            return redirect("backoffice:staff")
    return staff_render(request, "backoffice/staff_add.html", {"active": "backoffice:staff", "form": form})


@staff_required(Permission.STAFF)
def staff_change(request: StaffRequest, pk: int) -> HttpResponse:
    member = selectors.staff_get_for(admin=request.staff, pk=pk)
    initial = {
        "name": member.name,
        "department": member.department,
        "roles": member.roles,
        "id_number": member.id_number,
    }
    form = StaffChangeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = services_admin.staff_member_change(
                actor=request.actor,
                pk=pk,
                name=data["name"],
                department=data["department"],
                roles=data["roles"],
                id_number=data["id_number"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, STAFF_CHANGED.format(name=member.name))
            return redirect("backoffice:staff_change", pk=pk)
    return staff_render(
        request,
        "backoffice/staff_change.html",
        {
            "active": "backoffice:staff",
            "member": member,
            "form": form,
            "history": selectors.staff_history(member),
            "is_self": member.pk == request.staff.pk,
        },
    )


@require_POST
@staff_required(Permission.STAFF)
def staff_deactivate(request: StaffRequest, pk: int) -> HttpResponse:
    try:
        member, released = services_admin.staff_member_deactivate(actor=request.actor, pk=pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        note = f"，其认领的 {released} 个事项已回到待认领列表" if released else ""
        messages.success(request, STAFF_DEACTIVATED.format(name=member.name, released=note))
    return redirect("backoffice:staff_change", pk=pk)


@require_POST
@staff_required(Permission.STAFF)
def staff_reactivate(request: StaffRequest, pk: int) -> HttpResponse:
    try:
        member = services_admin.staff_member_reactivate(actor=request.actor, pk=pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, STAFF_REACTIVATED.format(name=member.name))
    return redirect("backoffice:staff_change", pk=pk)


# --- the calendar --------------------------------------------------------------------------


def _year(raw: str | None) -> int:
    try:
        year = int(raw or "")
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@staff_required(Permission.CALENDAR)
def calendar_year(request: StaffRequest) -> HttpResponse:
    """One year's holidays and swapped working days, and the form to add a day (same page)."""
    year = _year(request.GET.get("year"))
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            day, moved = services_admin.calendar_day_add(
                actor=request.actor, date=data["date"], is_working=form.working, note=data["note"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, DAY_ADDED.format(date=day.date, note=day.note, moved=_moved(moved)))
            return redirect(f"{reverse('backoffice:calendar')}?year={day.date.year}")
    days = selectors.calendar_year(year)
    return staff_render(
        request,
        "backoffice/calendar.html",
        {
            "active": "backoffice:calendar",
            "year": year,
            "years": sorted({*selectors.calendar_years(), year, timezone.localdate().year}),
            "rows": [(day, WEEKDAYS[day.date.weekday()]) for day in days],
            "rest_days": sum(1 for day in days if not day.is_working and day.date.weekday() < 5),
            "swapped_days": sum(1 for day in days if day.is_working),
            "form": form,
            "today": timezone.localdate(),
            "next_due": calendar.due_at(timezone.now(), 1),
        },
    )


@staff_required(Permission.CALENDAR)
def calendar_day(request: StaffRequest, pk: int) -> HttpResponse:
    day = selectors.calendar_day_get(pk)
    initial = {"is_working": "working" if day.is_working else "rest", "note": day.note}
    form = CalendarDayChangeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            day, moved = services_admin.calendar_day_change(
                actor=request.actor, pk=pk, is_working=form.working, note=form.cleaned_data["note"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, DAY_CHANGED.format(date=day.date, note=day.note, moved=_moved(moved)))
            return redirect(f"{reverse('backoffice:calendar')}?year={day.date.year}")
    return staff_render(
        request,
        "backoffice/calendar_day.html",
        {"active": "backoffice:calendar", "day": day, "weekday": WEEKDAYS[day.date.weekday()], "form": form},
    )


@require_POST
@staff_required(Permission.CALENDAR)
def calendar_day_remove(request: StaffRequest, pk: int) -> HttpResponse:
    day = selectors.calendar_day_get(pk)
    moved = services_admin.calendar_day_remove(actor=request.actor, pk=pk)
    messages.success(request, DAY_REMOVED.format(date=day.date, moved=_moved(moved)))
    return redirect(f"{reverse('backoffice:calendar')}?year={day.date.year}")
