"""The agency's 招标文件 and 答疑文件 pages at a center (004 §3.5, §3.6). Thin: forms check the input,
one service does the work, a refusal is shown on the same page with the input kept."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from centers.views_base import CenterRequest, center_context, role_page
from core.errors import DomainError, NotFound
from core.http import attempt
from procurement import clarifications, deadlines, tender_selectors, tenders, venue_rules
from procurement import tender_rules as rules
from procurement.forms_tenders import ClarificationForm, TenderForm
from procurement.models import Project
from procurement.rules import ROLES
from procurement.tender_models import TenderDocument, TenderStatus
from registry.auth import actor_for

MENU = "tenders"
agency_page = role_page("招标文件", ROLES)


def _tender(request: CenterRequest, pk: int) -> TenderDocument:
    try:
        return tender_selectors.tender_get_for(center=request.center, agency=request.center_subject, pk=pk)
    except NotFound as error:
        raise Http404(error.message) from error


def _url(tender: TenderDocument, name: str = "tender") -> str:
    return reverse(f"procurement_tenders:{name}", kwargs={"center": tender.center.code, "pk": tender.pk})


@agency_page
def tender_list(request: CenterRequest) -> HttpResponse:
    tenders_shown = list(
        tender_selectors.tenders_for(center=request.center, agency=request.center_subject)[:200]
    )
    context = center_context(request, MENU, tenders=tenders_shown)
    return render(request, "procurement/tender_list.html", context)


@agency_page
def tender_new(request: CenterRequest) -> HttpResponse:
    """「新增交易文件」, step one: which approved project."""
    projects = list(
        tender_selectors.approved_projects_for(center=request.center, agency=request.center_subject)
    )
    context = center_context(request, MENU, projects=projects)
    return render(request, "procurement/tender_new.html", context)


def _form_page(
    request: CenterRequest,
    form: TenderForm,
    project: Project,
    tender: TenderDocument | None,
    status: int = 200,
) -> HttpResponse:
    rule = deadlines.response_deadline_rule(project.method)
    context = center_context(request, MENU, form=form, project=project, tender=tender, rule=rule)
    return render(request, "procurement/tender_form.html", context, status=status)


def _save(request: CenterRequest, project: Project, tender: TenderDocument | None) -> HttpResponse:
    form = TenderForm(request.POST, request.FILES, project=project)
    if not form.is_valid():
        return _form_page(request, form, project, tender, status=400)
    actor = actor_for(request)
    try:
        if tender is None:
            tender = tenders.tender_create(
                actor=actor,
                center=request.center,
                agency=request.center_subject,
                project=project,
                lots=form.chosen_lots(),
                details=form.details(),
            )
            messages.success(request, rules.TENDER_CREATED)
        else:
            tender = tenders.tender_update(
                actor=actor, tender=tender, lots=form.chosen_lots(), details=form.details()
            )
            messages.success(request, rules.TENDER_SAVED)
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _form_page(request, form, project, tender, status=400)
    return redirect(_url(tender))


@agency_page
def tender_new_for(request: CenterRequest, project: int) -> HttpResponse:
    """「新增交易文件」, step two: 选择分包 and the document for the chosen project."""
    try:
        chosen = tender_selectors.approved_project_get_for(
            center=request.center, agency=request.center_subject, pk=project
        )
    except NotFound as error:
        raise Http404(error.message) from error
    if request.method == "POST":
        return _save(request, chosen, None)
    return _form_page(request, TenderForm(project=chosen), chosen, None)


@agency_page
def tender_edit(request: CenterRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    if tender.status != TenderStatus.DRAFT:
        messages.error(request, rules.TENDER_STATE.format(status=tender.get_status_display(), action="修改"))
        return redirect(_url(tender))
    if request.method == "POST":
        return _save(request, tender.project, tender)
    form = TenderForm(initial=TenderForm.initial_for(tender), project=tender.project)
    return _form_page(request, form, tender.project, tender)


@agency_page
def tender_detail(request: CenterRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    listed = list(tender.clarifications.select_related("document").order_by("number"))
    for clarification in listed:
        clarification.tender = tender
        clarification.sealed = clarifications.clarification_seal(clarification) is not None  # type: ignore[attr-defined]
    context = center_context(
        request,
        MENU,
        tender=tender,
        lots=list(tender.lots.order_by("number")),
        seal=tenders.tender_seal(tender),
        clarifications=listed,
        draft=tender.status == TenderStatus.DRAFT,
        **_opening_context(tender),
    )
    return render(request, "procurement/tender_detail.html", context)


def _opening_context(tender: TenderDocument) -> dict[str, object]:
    """A booked opening the bid deadline has moved away from: what to tell, and the 场地变更 form
    filled in with the deadline."""
    moving = tender_selectors.opening_to_move(tender)
    if moving is None:
        return {}
    booking = moving.booking
    deadline = timezone.localtime(tender.bid_deadline)
    if moving.change is not None:
        change = moving.change
        return {
            "opening_waiting": rules.OPENING_CHANGE_WAITING.format(
                slot=venue_rules.slot_text(change.room, change.starts_at, change.ends_at)
            )
        }
    url = reverse("procurement_venues:venue_change", kwargs={"center": tender.center.code, "pk": booking.pk})
    return {
        "opening_to_move": rules.OPENING_TO_MOVE.format(
            deadline=deadlines.format_time(deadline),
            slot=venue_rules.slot_text(booking.room, booking.starts_at, booking.ends_at),
        ),
        "opening_change_url": f"{url}?{urlencode({'day': f'{deadline:%Y-%m-%d}', 'start': f'{deadline:%H:%M}'}, safe=':')}",
    }


@require_POST
@agency_page
def tender_submit(request: CenterRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    attempt(
        request,
        lambda: tenders.tender_submit(actor=actor_for(request), tender=tender),
        rules.TENDER_SUBMITTED,
    )
    return redirect(_url(tender))


@agency_page
def clarification_new(request: CenterRequest, pk: int) -> HttpResponse:
    """「新增答疑文件」 of a submitted tender document: 第N次澄清."""
    tender = _tender(request, pk)
    number = tender.clarifications.count() + 1
    form = ClarificationForm(request.POST, request.FILES) if request.method == "POST" else ClarificationForm()
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            pdf = form.cleaned_data.get("pdf")
            try:
                made = clarifications.clarification_create(
                    actor=actor_for(request),
                    tender=tender,
                    affects_bids=form.cleaned_data["affects_bids"],
                    new_bid_deadline=form.cleaned_data.get("new_bid_deadline"),
                    content=form.cleaned_data.get("content", ""),
                    pdf=pdf.read() if pdf else None,
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, rules.CLARIFICATION_CREATED.format(number=made.number))
                return redirect(_url(tender))
    context = center_context(request, MENU, form=form, tender=tender, number=number)
    return render(request, "procurement/clarification_form.html", context, status=status)


@require_POST
@agency_page
def clarification_submit(request: CenterRequest, pk: int, number: int) -> HttpResponse:
    tender = _tender(request, pk)
    try:
        clarification = tender_selectors.clarification_get_for(tender=tender, number=number)
    except NotFound as error:
        raise Http404(error.message) from error
    try:
        done = clarifications.clarification_submit(actor=actor_for(request), clarification=clarification)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if done.new_bid_deadline is not None:
            deadline = deadlines.format_time(done.new_bid_deadline)
            messages.success(request, rules.CLARIFICATION_MOVED.format(number=done.number, deadline=deadline))
        else:
            messages.success(request, rules.CLARIFICATION_SUBMITTED.format(number=done.number))
    return redirect(_url(tender))
