"""The agency's 招标公告 pages at a center (004 §3.7), and the published PDF anyone may fetch.

Thin: one service does the work; a refusal is shown on the page with what was typed kept."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from centers.views_base import CenterRequest, center_context, role_page
from core.errors import DomainError, NotFound
from core.http import attempt, pdf_response
from procurement import announcement_rules as rules
from procurement import announcement_selectors as selectors
from procurement import announcements, services, tender_selectors
from procurement.announcement_models import Announcement
from procurement.forms_announcements import AnnouncementForm, SubmitForm
from procurement.rules import ROLES
from registry.auth import actor_for

MENU = "announcements"
agency_page = role_page("招标公告", ROLES)


def _announcement(request: CenterRequest, pk: int) -> Announcement:
    try:
        return selectors.announcement_get_for(center=request.center, agency=request.center_subject, pk=pk)
    except NotFound as error:
        raise Http404(error.message) from error


def _url(announcement: Announcement) -> str:
    return reverse(
        "procurement_announcements:announcement",
        kwargs={"center": announcement.center.code, "pk": announcement.pk},
    )


@agency_page
def announcement_list(request: CenterRequest) -> HttpResponse:
    context = center_context(
        request,
        MENU,
        announcements=selectors.announcements_for(center=request.center, agency=request.center_subject),
        ready=selectors.tenders_ready(center=request.center, agency=request.center_subject),
        refusal=services.permission_refusal(center=request.center, agency=request.center_subject),
    )
    return render(request, "procurement/announcement_list.html", context)


@require_POST
@agency_page
def announcement_new(request: CenterRequest, tender: int) -> HttpResponse:
    """「新增招标公告」 for one of the agency's submitted tender documents."""
    try:
        found = tender_selectors.tender_get_for(
            center=request.center, agency=request.center_subject, pk=tender
        )
        made = announcements.announcement_create(
            actor=actor_for(request), center=request.center, agency=request.center_subject, tender=found
        )
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("procurement_announcements:announcements", center=request.center.code)
    messages.success(request, rules.CREATED)
    return redirect(_url(made))


def _detail(
    request: CenterRequest,
    announcement: Announcement,
    *,
    form: AnnouncementForm | None = None,
    submit: SubmitForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = center_context(
        request,
        MENU,
        announcement=announcement,
        seal=announcements.announcement_seal(announcement),
        editable=announcement.status in rules.EDITABLE,
        form=form or AnnouncementForm(initial={"other_matters": announcement.other_matters}),
        submit_form=submit or SubmitForm(),
    )
    return render(request, "procurement/announcement_detail.html", context, status=status)


@agency_page
def announcement_detail(request: CenterRequest, pk: int) -> HttpResponse:
    return _detail(request, _announcement(request, pk))


@require_POST
@agency_page
def announcement_save(request: CenterRequest, pk: int) -> HttpResponse:
    announcement = _announcement(request, pk)
    form = AnnouncementForm(request.POST)
    if form.is_valid():
        saved = attempt(
            request,
            lambda: announcements.announcement_save(
                actor=actor_for(request),
                announcement=announcement,
                other_matters=form.cleaned_data["other_matters"],
            ),
            rules.SAVED,
        )
        if saved:
            return redirect(_url(announcement))
    return _detail(request, announcement, form=form, status=400)


@require_POST
@agency_page
def announcement_submit(request: CenterRequest, pk: int) -> HttpResponse:
    announcement = _announcement(request, pk)
    form = SubmitForm(request.POST)
    if form.is_valid():
        try:
            announcements.announcement_submit(
                actor=actor_for(request), announcement=announcement, opinion=form.cleaned_data["opinion"]
            )
        except DomainError as error:
            form.add_error("opinion" if error.field == "opinion" else None, error.message)
        else:
            messages.success(request, rules.SUBMITTED.format(center=request.center.name))
            return redirect(_url(announcement))
    return _detail(request, announcement, submit=form, status=400)


@require_POST
@agency_page
def announcement_withdraw(request: CenterRequest, pk: int) -> HttpResponse:
    announcement = _announcement(request, pk)
    attempt(
        request,
        lambda: announcements.announcement_withdraw(actor=actor_for(request), announcement=announcement),
        rules.WITHDRAWN,
    )
    return redirect(_url(announcement))


def published_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A published announcement's sealed PDF, byte for byte as the center approved it; anyone may
    fetch it (公开), and any PDF reader verifies its seals."""
    found = selectors.published_pdf(pk=pk)
    if found is None:
        raise Http404("没有这个已发布的公告。")
    return pdf_response(*found)
