"""场地管理: a center's 开标室 and 评标室 (procurement.venue_rooms), kept by its administrators
(Permission.VENUES); and 场地使用信息 of the center as its staff read it, every project named.

A center's administrator works on their own center; a platform administrator picks one (?center=),
as 主体查询 does (centers.staff_selectors.center_for)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from backoffice.access import StaffRequest, staff_render, staff_required
from backoffice.forms import add_domain_error
from centers import staff_selectors
from centers.models import Center
from core.errors import DomainError
from core.http import attempt
from procurement import venue_rooms, venue_selectors
from procurement.forms_venues import VIEWS, RoomForm, UsageForm
from procurement.venue_models import Room
from review.permissions import Permission

ACTIVE = "backoffice:rooms"
ROOM_ADDED = "已添加场地「{name}」，代理机构预约时即可选择。"
ROOM_SAVED = "已保存场地「{name}」。"
ROOM_DEACTIVATED = "已停用场地「{name}」，代理机构不能再选择它；已结束的预约仍然指向它。"
ROOM_ACTIVATED = "已启用场地「{name}」，代理机构预约时即可选择。"


def _list_url(center: Center) -> str:
    return f"{reverse('backoffice:rooms')}?{urlencode({'center': center.code})}"


def _room_url(room: Room, center: Center) -> str:
    return reverse("backoffice:room", kwargs={"center": center.code, "pk": room.pk})


def _context(request: StaffRequest, center: Center, **extra: object) -> dict[str, object]:
    return {
        "active": ACTIVE,
        "center": center,
        "centers": staff_selectors.centers_for(request.staff),
        **extra,
    }


@staff_required(Permission.VENUES)
def rooms(request: StaffRequest) -> HttpResponse:
    center = staff_selectors.center_for(request.staff, request.GET.get("center"))
    listed = list(venue_selectors.rooms_for(center=center, include_inactive=True))
    return staff_render(request, "backoffice/rooms.html", _context(request, center, rooms=listed))


@staff_required(Permission.VENUES)
def room_add(request: StaffRequest) -> HttpResponse:
    center = staff_selectors.center_for(request.staff, request.GET.get("center"))
    form = RoomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            room = venue_rooms.room_create(actor=request.actor, center=center, **form.details())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, ROOM_ADDED.format(name=room.name))
            return redirect(_list_url(center))
    status = 400 if form.errors else 200
    return staff_render(
        request, "backoffice/rooms_form.html", _context(request, center, form=form, room=None), status
    )


@staff_required(Permission.VENUES)
def room_change(request: StaffRequest, center: str, pk: int) -> HttpResponse:
    at = staff_selectors.center_for(request.staff, center)
    room = venue_selectors.room_get(center=at, pk=pk)
    form = RoomForm(request.POST or None, initial=RoomForm.initial_for(room))
    if request.method == "POST" and form.is_valid():
        try:
            room = venue_rooms.room_update(actor=request.actor, room=room, **form.details())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, ROOM_SAVED.format(name=room.name))
            return redirect(_room_url(room, at))
    status = 400 if form.errors else 200
    return staff_render(
        request, "backoffice/rooms_form.html", _context(request, at, form=form, room=room), status
    )


@require_POST
@staff_required(Permission.VENUES)
def room_deactivate(request: StaffRequest, center: str, pk: int) -> HttpResponse:
    at = staff_selectors.center_for(request.staff, center)
    room = venue_selectors.room_get(center=at, pk=pk)
    deactivated = ROOM_DEACTIVATED.format(name=room.name)
    attempt(request, lambda: venue_rooms.room_deactivate(actor=request.actor, room=room), deactivated)
    return redirect(_room_url(room, at))


@require_POST
@staff_required(Permission.VENUES)
def room_activate(request: StaffRequest, center: str, pk: int) -> HttpResponse:
    at = staff_selectors.center_for(request.staff, center)
    room = venue_selectors.room_get(center=at, pk=pk)
    activated = ROOM_ACTIVATED.format(name=room.name)
    attempt(request, lambda: venue_rooms.room_activate(actor=request.actor, room=room), activated)
    return redirect(_room_url(room, at))


@staff_required(Permission.VENUES)
def rooms_usage(request: StaffRequest) -> HttpResponse:
    """场地使用信息 as the center's staff read it: every project and agency named (agency=None)."""
    center = staff_selectors.center_for(request.staff, request.GET.get("center"))
    window = UsageForm(request.GET or None).window()
    usages = venue_selectors.room_usage(
        center=center, first_day=window.first_day, days=window.days, agency=None
    )
    context = _context(
        request,
        center,
        window=window,
        grid=window.grid(usages),
        views=VIEWS,
        usage_url=reverse("backoffice:rooms_usage"),
        nav_extra=urlencode({"center": center.code}) + "&",
    )
    return staff_render(request, "backoffice/rooms_usage.html", context)
