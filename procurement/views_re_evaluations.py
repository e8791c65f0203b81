"""项目复评场地预约 (004 §3.10), the agency's pages: the list with 「新增项目复评场地预约」 (选择分包:
the lots whose evaluation is over), the form (a 评标室, the slot, the request) and its 「修改保存」.
The booking then lives on the 场地预约 pages: 「提交审核」, 撤回 and the review are a booking's."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from centers.uploads import bound_with_uploads
from centers.views_base import CenterRequest, center_context, role_page
from core.errors import DomainError, NotFound
from procurement import re_evaluations, selectors, services, venue_selectors
from procurement import venue_rules as rules
from procurement.forms_venues import ReEvaluationForm, add_domain_error
from procurement.models import Lot, LotStage
from procurement.rules import ROLES
from procurement.venue_models import Booking, BookingPurpose, RoomKind
from registry.auth import actor_for

MENU = "re_evaluations"
agency_page = role_page("项目复评场地预约", ROLES)


def _list_url(request: CenterRequest) -> str:
    return reverse("procurement_venues:re_evaluations", kwargs={"center": request.center.code})


def _detail_url(booking: Booking) -> str:
    return reverse("procurement_venues:venue", kwargs={"center": booking.center.code, "pk": booking.pk})


def _lot(request: CenterRequest, pk: int) -> Lot:
    try:
        return selectors.lot_get_for(center=request.center, agency=request.center_subject, pk=pk)
    except NotFound as error:
        raise Http404(error.message) from error


@agency_page
def re_evaluation_list(request: CenterRequest) -> HttpResponse:
    entry = request.center_subject
    bookings = (
        Booking.objects.at(request.center)
        .filter(project__agency=entry, purpose=BookingPurpose.RE_EVALUATION, original=None)
        .select_related("project", "room")
        .prefetch_related("lots")
        .order_by("-created_at", "-pk")
    )
    lots = (
        selectors.lots_for(center=request.center, agency=entry)
        .filter(stage=LotStage.EVALUATED)
        .order_by("project__code", "number")
    )
    context = center_context(
        request,
        MENU,
        bookings=bookings,
        lots=lots,
        refusal=services.permission_refusal(center=request.center, agency=entry),
    )
    return render(request, "procurement/re_evaluation_list.html", context)


def _form(request: CenterRequest, lot: Lot, booking: Booking | None) -> HttpResponse:
    entry = request.center_subject
    rooms = venue_selectors.rooms_for(center=request.center, kind=RoomKind.EVALUATION)
    if request.method != "POST":
        initial = ReEvaluationForm.initial_for(booking) if booking else {}
        form = ReEvaluationForm(initial=initial, subject=entry.subject, rooms=rooms)
        return _page(request, form, lot, booking)
    form, valid = bound_with_uploads(
        request, ReEvaluationForm, ["request"], subject=entry.subject, rooms=rooms
    )
    if not valid:
        return _page(request, form, lot, booking, status=400)
    try:
        saved = re_evaluations.re_evaluation_save(
            actor=actor_for(request),
            center=request.center,
            agency=entry,
            lot=lot,
            room=form.cleaned_data["room"],
            starts_at=form.starts_at(),
            duration=form.duration_value(),
            request=form.request_file(),
            note=form.cleaned_data["note"],
            booking=booking,
        )
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        add_domain_error(form, error)
        return _page(request, form, lot, booking, status=400)
    slot = rules.slot_text(saved.room, saved.starts_at, saved.ends_at)
    messages.success(request, rules.RE_EVALUATION_SAVED.format(slot=slot))
    return redirect(_detail_url(saved))


def _page(
    request: CenterRequest, form: ReEvaluationForm, lot: Lot, booking: Booking | None, status: int = 200
) -> HttpResponse:
    context = center_context(request, MENU, form=form, lot=lot, booking=booking, list_url=_list_url(request))
    return render(request, "procurement/re_evaluation_form.html", context, status=status)


@agency_page
def re_evaluation_new(request: CenterRequest, lot: int) -> HttpResponse:
    """「新增项目复评场地预约」 of one lot whose evaluation is over."""
    chosen = _lot(request, lot)
    try:
        services.may_register(center=request.center, agency=request.center_subject)
        re_evaluations.check_lot(chosen, timezone.now())
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_list_url(request))
    return _form(request, chosen, None)


@agency_page
def re_evaluation_edit(request: CenterRequest, pk: int) -> HttpResponse:
    """「修改保存」 of a 项目复评场地预约 编辑中 or 审核不通过."""
    try:
        booking = venue_selectors.booking_get_for(center=request.center, agency=request.center_subject, pk=pk)
    except NotFound as error:
        raise Http404(error.message) from error
    if booking.purpose != BookingPurpose.RE_EVALUATION:
        return redirect(
            reverse("procurement_venues:venue_edit", kwargs={"center": request.center.code, "pk": pk})
        )
    if booking.status not in rules.EDITABLE:
        messages.error(
            request, rules.BOOKING_STATE.format(status=booking.get_status_display(), action="修改")
        )
        return redirect(_detail_url(booking))
    lot = booking.lots.select_related("project").first()
    if lot is None:
        raise Http404()
    return _form(request, lot, booking)
