"""The agency's venue pages at a center: 场地预约 (004 §3.3), 场地变更 (004 §3.4) and 场地使用信息.

Thin, as procurement/views.py: a form shapes the input, one service does the work, a refusal is
shown on the same page with the input kept. Buttons follow venue_rules' transition tables."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from centers.views_base import CenterRequest, center_context, role_page
from core.errors import DomainError, NotFound
from core.http import attempt
from procurement import selectors, services, venue_selectors, venues
from procurement import venue_rules as rules
from procurement.forms_venues import (
    SHOWN,
    VIEWS,
    BookingFilterForm,
    BookingForm,
    ChangeForm,
    UsageForm,
    Window,
    add_domain_error,
    approved_only,
)
from procurement.models import Project, ProjectStatus
from procurement.rules import ROLES
from procurement.venue_models import Booking, BookingPurpose, BookingStatus, RoomKind
from registry.auth import actor_for

MENU = "venues"
agency_page = role_page("场地预约", ROLES)
PAGE_SIZE = 50


def _booking(request: CenterRequest, pk: int) -> Booking:
    try:
        return venue_selectors.booking_get_for(center=request.center, agency=request.center_subject, pk=pk)
    except NotFound as error:
        raise Http404(error.message) from error


def _project(request: CenterRequest, pk: int) -> Project:
    try:
        return selectors.project_get_for(center=request.center, agency=request.center_subject, pk=pk)
    except NotFound as error:
        raise Http404(error.message) from error


def _url(booking: Booking, name: str = "venue") -> str:
    return reverse(f"procurement_venues:{name}", kwargs={"center": booking.center.code, "pk": booking.pk})


def _list_url(request: CenterRequest, **query: str) -> str:
    url = reverse("procurement_venues:venues", kwargs={"center": request.center.code})
    return f"{url}?{urlencode(query)}" if query else url


def allowed(booking: Booking) -> dict[str, bool]:
    """The actions the booking's (or change's) table allows in its state: the buttons shown."""
    table = rules.CHANGE_TRANSITIONS if booking.is_change else rules.TRANSITIONS
    return {action: booking.status in table[action][0] for action in table}


def _state_refusal(booking: Booking, action: str) -> str:
    if booking.is_change:
        return rules.CHANGE_NOT_EDITABLE
    message = rules.BOOKING_STATE.format(
        status=booking.get_status_display(), action=rules.ACTION_LABELS[action]
    )
    return message + rules.BOOKING_STATE_HINTS.get(action, "")


def usage_context(request: CenterRequest, window: Window) -> dict[str, object]:
    """场地使用信息 of the window, as this agency may see it (others' bookings only 已预约)."""
    usages = venue_selectors.room_usage(
        center=request.center, first_day=window.first_day, days=window.days, agency=request.center_subject
    )
    return {
        "window": window,
        "grid": window.grid(usages),
        "usage_url": reverse("procurement_venues:usage", kwargs={"center": request.center.code}),
        "venues_url": reverse("procurement_venues:venues", kwargs={"center": request.center.code}),
        "views": VIEWS,
    }


# --- the list ------------------------------------------------------------------------------------


@agency_page
def venue_list(request: CenterRequest) -> HttpResponse:
    """开标场地预约列表 and 开评标场地变更列表 (004 §3.3.1, §3.4.1), one tab each."""
    filters = BookingFilterForm(request.GET or None)
    show = filters.value("show") or "bookings"
    status = filters.value("status") or ""
    project = filters.value("project")
    center, agency = request.center, request.center_subject
    if show == "changes":
        rows = venue_selectors.changes_for(center=center, agency=agency, status=status)
        project = None
    else:
        rows = venue_selectors.bookings_for(center=center, agency=agency, status=status, project=project)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {"show": show, "status": status, "project": str(project or "")}
    context = center_context(
        request,
        MENU,
        page=page,
        rows=[(booking, allowed(booking)) for booking in page.object_list],
        show=show,
        tabs=SHOWN,
        status=status,
        project=project,
        statuses=BookingStatus.choices,
        projects=selectors.projects_for(
            center=center, agency=agency, status=ProjectStatus.APPROVED
        ).values_list("pk", "code", "name"),
        filter_query=urlencode({k: v for k, v in kept.items() if v}),
        refusal=services.permission_refusal(center=request.center, agency=request.center_subject),
    )
    return render(request, "procurement/venue_list.html", context)


# --- 新增开标场地: choose a project, then its lots and a slot --------------------------------------


@agency_page
def venue_new(request: CenterRequest) -> HttpResponse:
    """「新增开标场地」's first step: the agency's approved projects (前置条件: 项目注册审核通过)."""
    refusal = services.permission_refusal(center=request.center, agency=request.center_subject)
    if refusal:  # the list says why, in place of its buttons
        return redirect(_list_url(request))
    query = request.GET.get("q", "").strip()[:100]
    projects = selectors.projects_for(
        center=request.center, agency=request.center_subject, status=ProjectStatus.APPROVED, query=query
    ).prefetch_related("lots")
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    context = center_context(
        request,
        MENU,
        page=page,
        projects=list(page.object_list),
        query=query,
        filter_query=urlencode({"q": query} if query else {}),
    )
    return render(request, "procurement/venue_new.html", context)


def _form_page(
    request: CenterRequest,
    form: BookingForm,
    project: Project,
    booking: Booking | None,
    status: int = 200,
    saved: bool = False,
) -> HttpResponse:
    # A booking the failed 「提交信息」 created is edited from here on: the form posts to it.
    action = _url(booking, "venue_edit") if booking else request.path
    window = UsageForm({"day": str(form.chosen_day() or "")}).window()
    context = center_context(
        request,
        MENU,
        form=form,
        project=project,
        booking=booking,
        action=action,
        saved=saved,
        opening_hint=venue_selectors.opening_hint(project, list(project.lots.all())),
        **usage_context(request, window),
    )
    return render(request, "procurement/venue_form.html", context, status=status)


def _save(
    request: CenterRequest, form: BookingForm, project: Project, booking: Booking | None
) -> HttpResponse:
    if not form.is_valid():
        return _form_page(request, form, project, booking, status=400)
    actor, data = actor_for(request), form.cleaned_data
    slot = {
        "lots": list(data["lots"]),
        "room": data["room"],
        "starts_at": form.starts_at(),
        "duration": form.duration_value(),
        "note": data["note"],
    }
    try:
        if booking is None:
            booking = venues.booking_create(
                actor=actor, center=request.center, agency=request.center_subject, project=project, **slot
            )
            text = rules.slot_text(booking.room, booking.starts_at, booking.ends_at)
            messages.success(request, rules.BOOKING_CREATED.format(slot=text))
        else:
            booking = venues.booking_update(actor=actor, booking=booking, **slot)
            messages.success(request, rules.BOOKING_SAVED)
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        add_domain_error(form, error)
        return _form_page(request, form, project, booking, status=400)
    if request.POST.get("action") != "submit":
        return redirect(_url(booking, "venue_edit"))
    try:
        venues.booking_submit(actor=actor, booking=booking)
    except DomainError as error:
        # What was typed is saved (the message above says so); why it cannot go yet is on the form.
        add_domain_error(form, error)
        return _form_page(request, form, project, booking, status=400, saved=True)
    messages.success(request, rules.BOOKING_SUBMITTED.format(center=request.center.name))
    return redirect(_url(booking))


@agency_page
def venue_book(request: CenterRequest, project: int) -> HttpResponse:
    """「开评标场地预约」 of one approved project: 选择分包, the room and the slot, 场地使用信息 beside."""
    refusal = services.permission_refusal(center=request.center, agency=request.center_subject)
    if refusal:  # the list says why, in place of its buttons
        return redirect(_list_url(request))
    chosen = _project(request, project)
    why = approved_only(chosen)
    if why:
        messages.error(request, why)
        return redirect("procurement_venues:venue_new", center=request.center.code)
    rooms = venue_selectors.rooms_for(center=request.center)
    if request.method == "POST":
        return _save(request, BookingForm(request.POST, project=chosen, rooms=rooms), chosen, None)
    ticked = [pk for pk in request.GET.getlist("lot") if pk.isascii() and pk.isdigit() and len(pk) < 10]
    form = BookingForm(initial={"lots": ticked}, project=chosen, rooms=rooms)
    return _form_page(request, form, chosen, None)


@agency_page
def venue_edit(request: CenterRequest, pk: int) -> HttpResponse:
    """「修改保存」/「提交信息」 of a booking 编辑中 or 审核不通过."""
    booking = _booking(request, pk)
    if booking.purpose == BookingPurpose.RE_EVALUATION:  # its form has the request and 评标室 only
        return redirect(_url(booking, "re_evaluation_edit"))
    if booking.is_change or booking.status not in rules.EDITABLE:
        messages.error(request, _state_refusal(booking, "save"))
        return redirect(_url(booking))
    rooms = venue_selectors.rooms_for(center=request.center)
    if request.method == "POST":
        form = BookingForm(request.POST, project=booking.project, rooms=rooms)
        return _save(request, form, booking.project, booking)
    form = BookingForm(initial=BookingForm.initial_for(booking), project=booking.project, rooms=rooms)
    return _form_page(request, form, booking.project, booking)


# --- one booking or change, and its actions --------------------------------------------------------


@agency_page
def venue_detail(request: CenterRequest, pk: int) -> HttpResponse:
    booking = _booking(request, pk)
    changes = [] if booking.is_change else list(booking.changes.select_related("room", "previous_room"))
    pending = any(change.status == BookingStatus.SUBMITTED for change in changes)
    may = allowed(booking)
    if pending:
        may["change"] = False  # one change waits at a time (CHANGE_PENDING): the page says so instead
    context = center_context(
        request,
        MENU,
        booking=booking,
        lots=list(booking.lots.all()),
        changes=changes,
        pending=pending,
        allowed=may,
        time_label=rules.TIME_LABELS[booking.room.kind],
        slot=rules.slot_text(booking.room, booking.starts_at, booking.ends_at),
    )
    return render(request, "procurement/venue_detail.html", context)


@require_POST
@agency_page
def venue_submit(request: CenterRequest, pk: int) -> HttpResponse:
    booking = _booking(request, pk)
    submitted = rules.BOOKING_SUBMITTED.format(center=request.center.name)
    if attempt(request, lambda: venues.booking_submit(actor=actor_for(request), booking=booking), submitted):
        return redirect(_url(booking))
    return redirect(_url(booking, "venue_edit") if booking.status in rules.EDITABLE else _url(booking))


@require_POST
@agency_page
def venue_withdraw(request: CenterRequest, pk: int) -> HttpResponse:
    """撤回 a booking (back to 编辑中, the slot released) or a change (已撤回, the booking as it was)."""
    booking = _booking(request, pk)
    withdrawn = rules.CHANGE_WITHDRAWN if booking.is_change else rules.BOOKING_WITHDRAWN
    attempt(request, lambda: venues.booking_withdraw(actor=actor_for(request), booking=booking), withdrawn)
    return redirect(_url(booking))


@require_POST
@agency_page
def venue_delete(request: CenterRequest, pk: int) -> HttpResponse:
    booking = _booking(request, pk)
    if attempt(
        request,
        lambda: venues.booking_delete(actor=actor_for(request), booking=booking),
        rules.BOOKING_DELETED,
    ):
        return redirect(_list_url(request))
    return redirect(_url(booking))


@agency_page
def venue_change(request: CenterRequest, pk: int) -> HttpResponse:
    """「申请变更」 (场地变更, 004 §3.4): a new room of the same kind, or a new time, and why."""
    booking = _booking(request, pk)
    if booking.is_change or not allowed(booking)["change"]:
        messages.error(request, _state_refusal(booking, "change"))
        return redirect(_url(booking))
    rooms = venue_selectors.rooms_for(center=request.center, kind=booking.room.kind)
    form = ChangeForm(
        request.POST or None,
        initial={**ChangeForm.slot_initial(booking), **ChangeForm.asked_initial(request.GET)},
        booking=booking,
        rooms=rooms,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                change = venues.booking_change_request(
                    actor=actor_for(request),
                    booking=booking,
                    room=form.cleaned_data["room"],
                    starts_at=form.starts_at(),
                    duration=form.duration_value(),
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, rules.CHANGE_REQUESTED.format(center=request.center.name))
                return redirect(_url(change))
    window = UsageForm({"day": str(form.chosen_day() or "")}).window()
    context = center_context(
        request,
        MENU,
        form=form,
        booking=booking,
        lots=list(booking.lots.all()),
        slot=rules.slot_text(booking.room, booking.starts_at, booking.ends_at),
        opening_hint=venue_selectors.opening_hint(booking.project, list(booking.lots.all()))
        if booking.room.kind == RoomKind.OPENING
        else "",
        **usage_context(request, window),
    )
    return render(request, "procurement/venue_change.html", context, status=status)


# --- 场地使用信息 ------------------------------------------------------------------------------------


@agency_page
def venue_usage(request: CenterRequest) -> HttpResponse:
    """场地使用信息 (004 §3.3 注③): every room's held slots in a week or a day, with 上一/下一."""
    window = UsageForm(request.GET or None).window()
    context = center_context(request, MENU, **usage_context(request, window))
    return render(request, "procurement/venue_usage.html", context)
