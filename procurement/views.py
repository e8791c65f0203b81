"""The agency's procurement pages at a center (004 §3.1 项目注册). Thin: forms check the input, one
service does the work, a refusal is shown on the same page with the input kept."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from centers.uploads import bound_with_uploads
from centers.views_base import CenterRequest, center_context, role_page
from core.errors import DomainError, IncompleteError, NotFound
from core.http import attempt
from procurement import rules, selectors, services
from procurement.forms import BaseLotFormSet, LotFormSet, ProjectForm, lot_initial
from procurement.models import Project, ProjectStatus
from registry.auth import actor_for

MENU = "procurement"
agency_page = role_page("项目注册", rules.ROLES)
PAGE_SIZE = 50
LOTS_PREFIX = "lots"


def _project(request: CenterRequest, pk: int) -> Project:
    try:
        return selectors.project_get_for(center=request.center, agency=request.center_subject, pk=pk)
    except NotFound as error:
        raise Http404(error.message) from error


def _url(project: Project, name: str = "project") -> str:
    return reverse(f"procurement:{name}", kwargs={"center": project.center.code, "pk": project.pk})


def _allowed(project: Project) -> dict[str, bool]:
    return {action: project.status in rules.TRANSITIONS[action][0] for action in rules.TRANSITIONS}


@agency_page
def project_list(request: CenterRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    query = request.GET.get("q", "").strip()[:100]
    projects = selectors.projects_for(
        center=request.center, agency=request.center_subject, status=status, query=query
    )
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    kept = {name: value for name, value in (("status", status), ("q", query)) if value}
    context = center_context(
        request,
        MENU,
        page=page,
        filter_query=urlencode(kept),
        projects=shown,
        deletable=any(p.status in rules.EDITABLE for p in shown),
        statuses=ProjectStatus.choices,
        status=status,
        query=query,
        refusal=services.permission_refusal(center=request.center, agency=request.center_subject),
    )
    return render(request, "procurement/project_list.html", context)


def _form_page(
    request: CenterRequest, form: ProjectForm, lots: Any, project: Project | None, status: int = 200
) -> HttpResponse:
    context = center_context(request, MENU, form=form, lots=lots, project=project)
    return render(request, "procurement/project_form.html", context, status=status)


def _save(request: CenterRequest, project: Project | None) -> HttpResponse:
    slots = list(rules.ATTACHMENT_SLOTS)
    form, valid = bound_with_uploads(request, ProjectForm, slots, subject=request.subject)
    lots = cast(BaseLotFormSet, LotFormSet(request.POST, prefix=LOTS_PREFIX))
    if not (valid and lots.is_valid()):
        return _form_page(request, form, lots, project, status=400)
    actor = actor_for(request)
    try:
        if project is None:
            project = services.project_create(
                actor=actor,
                center=request.center,
                agency=request.center_subject,
                details=form.details(),
                lots=lots.lots(),
                attachments=form.chosen_attachments(),
            )
            messages.success(
                request, rules.PROJECT_CREATED.format(name=project.name or "未命名", code=project.code)
            )
        else:
            project = services.project_update(
                actor=actor,
                project=project,
                details=form.details(),
                lots=lots.lots(),
                attachments=form.chosen_attachments(),
            )
            messages.success(request, rules.PROJECT_SAVED)
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _form_page(request, form, lots, project, status=400)
    if request.POST.get("action") == "submit":
        return _submit(request, project)
    return redirect(_url(project, "project_edit"))


def _submit(request: CenterRequest, project: Project) -> HttpResponse:
    try:
        services.project_submit(actor=actor_for(request), project=project)
    except IncompleteError as error:
        # What was typed is saved; the page says what is still missing, on the form again.
        messages.error(request, error.message)
        return redirect(_url(project, "project_edit"))
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_url(project))
    messages.success(request, rules.PROJECT_SUBMITTED.format(center=request.center.name))
    return redirect(_url(project))


@agency_page
def project_new(request: CenterRequest) -> HttpResponse:
    refusal = services.permission_refusal(center=request.center, agency=request.center_subject)
    if refusal:  # the list says why, in place of its buttons
        return redirect("procurement:projects", center=request.center.code)
    if request.method == "POST":
        return _save(request, None)
    form = ProjectForm(subject=request.subject)
    return _form_page(request, form, LotFormSet(prefix=LOTS_PREFIX, initial=[{}]), None)


@agency_page
def project_edit(request: CenterRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    if project.status not in rules.EDITABLE:
        messages.error(
            request,
            rules.PROJECT_STATE.format(name=project.name, status=project.get_status_display(), action="修改")
            + rules.PROJECT_STATE_HINTS["save"],
        )
        return redirect(_url(project))
    if request.method == "POST":
        return _save(request, project)
    form = ProjectForm(initial=ProjectForm.initial_for(project), subject=request.subject)
    missing = services.project_missing(project)
    lots = LotFormSet(prefix=LOTS_PREFIX, initial=lot_initial(project) or [{}])
    context = center_context(request, MENU, form=form, lots=lots, project=project, missing=missing)
    return render(request, "procurement/project_form.html", context)


@agency_page
def project_detail(request: CenterRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    context = center_context(
        request,
        MENU,
        project=project,
        lots=list(project.lots.all()),
        attachments=[
            (label, project.attachments.get(slot)) for slot, label in rules.ATTACHMENT_SLOTS.items()
        ],
        allowed=_allowed(project),
    )
    return render(request, "procurement/project_detail.html", context)


@require_POST
@agency_page
def project_submit(request: CenterRequest, pk: int) -> HttpResponse:
    return _submit(request, _project(request, pk))


@require_POST
@agency_page
def project_withdraw(request: CenterRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    attempt(
        request,
        lambda: services.project_withdraw(actor=actor_for(request), project=project),
        rules.PROJECT_WITHDRAWN,
    )
    return redirect(_url(project))


@require_POST
@agency_page
def project_delete(request: CenterRequest) -> HttpResponse:
    """「删除项目」 for the ticked projects (004 §3.1.7); each refusal is said, the rest deleted."""
    ids = [
        int(pk) for pk in request.POST.getlist("project") if pk.isascii() and pk.isdigit() and len(pk) < 10
    ]
    if not ids:
        messages.error(request, rules.NOTHING_TICKED)
    for pk in ids:
        try:
            project = selectors.project_get_for(center=request.center, agency=request.center_subject, pk=pk)
            services.project_delete(actor=actor_for(request), project=project)
        except NotFound:
            continue
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, rules.PROJECT_DELETED.format(name=project.name or project.code))
    return redirect("procurement:projects", center=request.center.code)
