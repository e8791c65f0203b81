"""The agency's 招标公告 pages at a center (004 §3.7), and the published PDF anyone may fetch.

Thin: one service does the work; a refusal is shown on the page with what was typed kept."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from centers.uploads import bound_with_uploads
from centers.views_base import CenterRequest, center_context, role_page
from core.errors import DomainError, NotFound
from core.http import attempt, pdf_response
from procurement import announcement_kinds, announcements, services, tender_selectors
from procurement import announcement_rules as rules
from procurement import announcement_selectors as selectors
from procurement.announcement_models import EXCEPTION_KINDS, Announcement, AnnouncementKind
from procurement.forms_announcements import KIND_FORMS, UPLOAD_SLOTS, SubmitForm, kind_form
from procurement.forms_venues import add_domain_error
from procurement.models import Lot
from procurement.rules import ROLES
from procurement.tender_models import TenderDocument
from registry.auth import actor_for

agency_page = role_page("公告", ROLES)
EXCEPTIONS = "exception"  # the list of 采购异常, of three kinds

# Each kind's list page: its menu key and URL name, and the manual's words for its 「新增」.
LISTS: dict[str, tuple[str, str]] = {
    AnnouncementKind.TENDER: ("announcements", "announcements"),
    AnnouncementKind.CORRECTION: ("corrections", "corrections"),
    AnnouncementKind.AWARD: ("awards", "awards"),
    AnnouncementKind.AWARD_CHANGE: ("award_changes", "award_changes"),
    AnnouncementKind.FAILURE: ("failures", "failures"),
    # 采购异常 (§3.9): one list for the three kinds of a lot's exception.
    EXCEPTIONS: ("exceptions", "exceptions"),
    AnnouncementKind.SUSPENSION: ("exceptions", "exceptions"),
    AnnouncementKind.TERMINATION: ("exceptions", "exceptions"),
    AnnouncementKind.RESUMPTION: ("exceptions", "exceptions"),
}


def _label(kind: str) -> str:
    return "采购异常" if kind == EXCEPTIONS else AnnouncementKind(kind).label


WINNER_KINDS = frozenset({AnnouncementKind.AWARD, AnnouncementKind.AWARD_CHANGE})


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


def _list_url(request: CenterRequest, kind: str) -> str:
    return reverse(f"procurement_announcements:{LISTS[kind][1]}", kwargs={"center": request.center.code})


@agency_page
def announcement_list(request: CenterRequest, kind: str = AnnouncementKind.TENDER) -> HttpResponse:
    context = center_context(
        request,
        LISTS[kind][0],
        kind=kind,
        kind_label=_label(kind),
        announcements=selectors.announcements_for(
            center=request.center,
            agency=request.center_subject,
            kinds=EXCEPTION_KINDS if kind == EXCEPTIONS else (kind,),
        ),
        ready=selectors.ready_for(kind, center=request.center, agency=request.center_subject),
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
    messages.success(request, rules.CREATED.format(kind=made.get_kind_display()))
    return redirect(_url(made))


def _bound(request: CenterRequest, kind: str) -> tuple[Any, bool]:
    """The kind's form from the POST (a 废标公告's material stored first); for a 中标公告 a
    「检索」 or 「选择」 press re-shows the form instead of saving (valid is then False)."""
    entry = request.center_subject
    if kind in UPLOAD_SLOTS:
        form_class = KIND_FORMS[kind]
        return bound_with_uploads(request, form_class, [UPLOAD_SLOTS[kind]], subject=entry.subject)
    post = request.POST.copy()
    if kind in WINNER_KINDS and ("search" in post or "pick" in post):
        if post.get("pick"):
            post["winner_code"] = str(post.get("pick"))
        # Shown again as typed, unchecked: nothing is saved by a search.
        return kind_form(kind, entry=entry, initial=post.dict()), False
    form = kind_form(kind, post, entry=entry)
    return form, form.is_valid()


def _search(request: CenterRequest, kind: str, probe: Announcement) -> dict[str, Any]:
    """「检索」 results for a 中标公告's winner (the query kept in the box)."""
    if kind not in WINNER_KINDS:
        return {}
    query = (request.POST.get("q") or request.GET.get("q") or "").strip()
    return {"q": query, "found": announcement_kinds.winners_search(probe, query) if query else None}


def _target(request: CenterRequest, kind: str, target: int) -> tuple[TenderDocument, Lot | None]:
    """A 变更公告's tender document, or a 中标/废标公告's lot (with its tender document)."""
    try:
        return selectors.target_get_for(kind, center=request.center, agency=request.center_subject, pk=target)
    except NotFound as error:
        raise Http404(error.message) from error


@agency_page
def announcement_add(request: CenterRequest, kind: str, target: int) -> HttpResponse:
    """「新增变更公告」 after 「选择招标公告」, 「新增中标公告」 and 「新增废标公告」 after 「选择分包」:
    the kind's form; saving it makes the announcement, rendered and waiting for the seal."""
    if kind not in LISTS or kind in (AnnouncementKind.TENDER, EXCEPTIONS):
        raise Http404()
    tender, lot = _target(request, kind, target)
    probe = Announcement(
        center=request.center,
        agency=request.center_subject,
        project=tender.project,
        tender=tender,
        lot=lot,
        kind=kind,
    )
    status = 200
    if request.method == "POST":
        form, valid = _bound(request, kind)
        if valid:
            try:
                made = announcements.announcement_make(
                    actor=actor_for(request),
                    center=request.center,
                    agency=request.center_subject,
                    kind=kind,
                    tender=tender,
                    lot=lot,
                    data=form.data_for_service(),
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, rules.CREATED.format(kind=made.get_kind_display()))
                return redirect(_url(made))
        status = 400 if form.errors else 200
    else:
        try:
            announcement_kinds.KINDS[kind].preconditions(probe, timezone.now())
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(_list_url(request, kind))
        form = kind_form(kind, entry=request.center_subject, initial=_initial(kind))
    context = center_context(
        request,
        LISTS[kind][0],
        kind=kind,
        kind_label=_label(kind),
        tender=tender,
        lot=lot,
        form=form,
        list_url=_list_url(request, kind),
        **_search(request, kind, probe),
        **_correction_context(tender, probe),
    )
    return render(request, "procurement/announcement_new.html", context, status=status)


def _initial(kind: str) -> dict[str, Any]:
    if kind in WINNER_KINDS:
        return {"awarded_at": timezone.localtime().replace(second=0, microsecond=0)}
    return {}


def _correction_context(tender: TenderDocument, announcement: Announcement) -> dict[str, Any]:
    """A 变更公告's clarifications and opening room; for one that moves the deadline (or resumes a
    lot) while the room is still at the old time, the 场地变更 form filled in with the new time."""
    if announcement.kind not in (AnnouncementKind.CORRECTION, AnnouncementKind.RESUMPTION):
        return {}
    lots = [announcement.lot] if announcement.lot else list(tender.lots.all())
    opening = tender_selectors.opening_booking(lots)
    context: dict[str, Any] = {"opening": opening}
    if announcement.kind == AnnouncementKind.CORRECTION:
        context["clarifications"] = announcement_kinds.clarifications_since(tender)
    new = announcement.new_bid_deadline
    if (
        new is not None
        and opening is not None
        and opening.starts_at != new
        and opening.starts_at > timezone.now()
    ):
        at = timezone.localtime(new)
        url = reverse(
            "procurement_venues:venue_change", kwargs={"center": tender.center.code, "pk": opening.pk}
        )
        context["opening_change_url"] = (
            f"{url}?{urlencode({'day': f'{at:%Y-%m-%d}', 'start': f'{at:%H:%M}'}, safe=':')}"
        )
    return context


def _detail(
    request: CenterRequest,
    announcement: Announcement,
    *,
    form: Any = None,
    submit: SubmitForm | None = None,
    status: int = 200,
) -> HttpResponse:
    kind = announcement.kind
    initial = KIND_FORMS[kind].initial_for(announcement)  # type: ignore[attr-defined]
    context = center_context(
        request,
        LISTS[kind][0],
        announcement=announcement,
        kind=kind,
        list_url=_list_url(request, kind),
        seal=announcements.announcement_seal(announcement),
        warning=announcements.announcement_warning(announcement),
        editable=announcement.status in rules.EDITABLE,
        form=form or kind_form(kind, entry=request.center_subject, initial=initial),
        submit_form=submit or SubmitForm(),
        material=(announcement.attachments or {}).get(rules.MATERIAL_SLOT),
        decision=(announcement.attachments or {}).get(rules.DECISION_SLOT),
        **_search(request, kind, announcement),
        **_correction_context(announcement.tender, announcement),
    )
    return render(request, "procurement/announcement_detail.html", context, status=status)


@agency_page
def announcement_detail(request: CenterRequest, pk: int) -> HttpResponse:
    return _detail(request, _announcement(request, pk))


@require_POST
@agency_page
def announcement_save(request: CenterRequest, pk: int) -> HttpResponse:
    announcement = _announcement(request, pk)
    form, valid = _bound(request, announcement.kind)
    if valid:
        try:
            announcements.announcement_save(
                actor=actor_for(request), announcement=announcement, data=form.data_for_service()
            )
        except DomainError as error:
            add_domain_error(form, error)
            announcement.refresh_from_db()
        else:
            messages.success(request, rules.SAVED.format(kind=announcement.get_kind_display()))
            return redirect(_url(announcement))
    return _detail(request, announcement, form=form, status=400 if form.errors else 200)


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
            kind = announcement.get_kind_display()
            messages.success(request, rules.SUBMITTED.format(kind=kind, center=request.center.name))
            return redirect(_url(announcement))
    return _detail(request, announcement, submit=form, status=400)


@require_POST
@agency_page
def announcement_withdraw(request: CenterRequest, pk: int) -> HttpResponse:
    announcement = _announcement(request, pk)
    attempt(
        request,
        lambda: announcements.announcement_withdraw(actor=actor_for(request), announcement=announcement),
        rules.WITHDRAWN.format(kind=announcement.get_kind_display()),
    )
    return redirect(_url(announcement))


def published_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A published announcement's sealed PDF, byte for byte as the center approved it; anyone may
    fetch it (公开), and any PDF reader verifies its seals."""
    found = selectors.published_pdf(pk=pk)
    if found is None:
        raise Http404("没有这个已发布的公告。")
    return pdf_response(*found)
