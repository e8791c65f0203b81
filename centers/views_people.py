"""An agency's pages at a center: practitioners (000 §6.2.1), CA证书激活 (000 §6.2.2), and the
解绑申请 of any unit (000 §6.3, 002 §5). Thin: a form checks the input, one service does the work,
a refusal is shown on the same page with the input kept."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from centers import activation, practitioners, unbind
from centers import people_rules as rules
from centers import rules as center_rules
from centers.models import Practitioner, PractitionerField, PractitionerStatus
from centers.people_forms import PractitionerForm, UnbindForm
from centers.uploads import bound_with_uploads
from centers.views_base import CenterRequest, center_context, center_page
from core.errors import DomainError, IncompleteError
from core.http import json_body
from pki.models import ChallengePurpose
from pki.views import signed_holder_from
from registry.auth import ACTING_PERSON_KEY, actor_for

FormT = TypeVar("FormT", bound=forms.Form)

# --- shared ----------------------------------------------------------------------------------


def _field_or_404(field: str) -> str:
    if field not in PractitionerField.values:
        raise Http404("没有这一类从业人员。")
    return field


def _context(request: CenterRequest, active: str, **extra: Any) -> dict[str, Any]:
    """The center's frame (centers/layout.html, its menu item lit) and what these pages share."""
    menu = active if active in ("activation", "unbind") else "practitioners"
    return center_context(
        request,
        menu,
        people_active=active,
        fields=PractitionerField.choices,
        acting=bool(request.session.get(ACTING_PERSON_KEY)),
        department=center_rules.department_of(request.center),
        **extra,
    )


def _show_error(form: Any, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _documents(practitioner: Practitioner) -> list[tuple[str, dict | None]]:
    return [(label, (practitioner.documents or {}).get(slot)) for slot, label in rules.DOCUMENT_SLOTS.items()]


def _practitioner_url(practitioner: Practitioner, center: str, name: str = "practitioner") -> str:
    return reverse(f"centers:{name}", kwargs={"center": center, "pk": practitioner.pk})


# --- practitioners ---------------------------------------------------------------------------


@center_page
def practitioners_home(request: CenterRequest) -> HttpResponse:
    return redirect(
        "centers:practitioner_list", center=request.center.code, field=PractitionerField.CONSTRUCTION
    )


@center_page
def practitioner_list(request: CenterRequest, field: str) -> HttpResponse:
    field = _field_or_404(field)
    not_agency = ""
    rows: list[Practitioner] = []
    try:
        practitioners.agency_check(request.center_subject, request.center)
    except DomainError as error:
        not_agency = error.message
    else:
        rows = list(practitioners.practitioners_for(center_subject=request.center_subject, field=field))
    return render(
        request,
        "centers/practitioner_list.html",
        _context(
            request,
            field,
            field=field,
            field_label=rules.field_label(field),
            rows=rows,
            not_agency=not_agency,
        ),
    )


def _practitioner_form_page(
    request: CenterRequest, form: PractitionerForm, field: str, practitioner: Practitioner | None
) -> HttpResponse:
    return render(
        request,
        "centers/practitioner_form.html",
        _context(
            request,
            field,
            form=form,
            field=field,
            field_label=rules.field_label(field),
            practitioner=practitioner,
        ),
    )


def _after_save(request: CenterRequest, practitioner: Practitioner) -> HttpResponse:
    if request.POST.get("action") == "next":
        return redirect(_practitioner_url(practitioner, request.center.code, "practitioner_submit"))
    messages.success(request, rules.PRACTITIONER_SAVED)
    return redirect(_practitioner_url(practitioner, request.center.code))


def _bound_practitioner_form(request: CenterRequest) -> tuple[PractitionerForm, bool]:
    return bound_with_uploads(request, PractitionerForm, list(rules.DOCUMENT_SLOTS), subject=request.subject)


@center_page
def practitioner_new(request: CenterRequest, field: str) -> HttpResponse:
    """新增从业人员: details and 电子件 on one page; 「下一步」 saves and goes to 「提交信息」."""
    field = _field_or_404(field)
    try:
        rules.unit_only(actor_for(request), rules.ACTION_PRACTITIONERS)
        practitioners.agency_check(request.center_subject, request.center)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("centers:practitioner_list", center=request.center.code, field=field)
    if request.method != "POST":
        return _practitioner_form_page(request, PractitionerForm(subject=request.subject), field, None)
    form, valid = _bound_practitioner_form(request)
    if valid:
        try:
            practitioner = practitioners.practitioner_create(
                actor=actor_for(request),
                center=request.center,
                center_subject=request.center_subject,
                field=field,
                details=form.details(),
                documents=form.documents(),
            )
        except DomainError as error:
            _show_error(form, error)
        else:
            return _after_save(request, practitioner)
    return _practitioner_form_page(request, form, field, None)


@center_page
def practitioner_detail(request: CenterRequest, pk: int) -> HttpResponse:
    """One practitioner: the form while it may be edited (draft, rejected), else what was sent."""
    practitioner = practitioners.practitioner_get_for(center_subject=request.center_subject, pk=pk)
    # A practitioner acting for the unit reads; the unit edits (people_rules.unit_only).
    editable = practitioner.status in rules.EDITABLE and not request.session.get(ACTING_PERSON_KEY)
    if request.method == "POST":
        refusal = ""
        try:
            rules.unit_only(actor_for(request), rules.ACTION_PRACTITIONERS)
        except DomainError as error:
            refusal = error.message
        if not refusal and not editable:
            refusal = rules.PRACTITIONER_STATE.format(
                status=practitioner.get_status_display(), action=rules.ACTION_LABELS["save"]
            )
        if refusal:
            messages.error(request, refusal)
            return redirect(_practitioner_url(practitioner, request.center.code))
        form, valid = _bound_practitioner_form(request)
        if valid:
            try:
                practitioners.practitioner_update(
                    actor=actor_for(request),
                    practitioner=practitioner,
                    details=form.details(),
                    documents=form.documents(),
                )
            except DomainError as error:
                _show_error(form, error)
            else:
                return _after_save(request, practitioner)
        return _practitioner_form_page(request, form, practitioner.field, practitioner)
    if editable:
        form = PractitionerForm(initial=PractitionerForm.initial_for(practitioner), subject=request.subject)
        return _practitioner_form_page(request, form, practitioner.field, practitioner)
    return render(
        request,
        "centers/practitioner_detail.html",
        _context(request, practitioner.field, practitioner=practitioner, documents=_documents(practitioner)),
    )


@center_page
def practitioner_submit(request: CenterRequest, pk: int) -> HttpResponse:
    """「提交信息」: what will be sent, what is still missing, and the button."""
    practitioner = practitioners.practitioner_get_for(center_subject=request.center_subject, pk=pk)
    error = ""
    if request.method == "POST":
        try:
            practitioners.practitioner_submit(actor=actor_for(request), practitioner=practitioner)
        except IncompleteError as incomplete:
            error = incomplete.message
        except DomainError as refused:
            messages.error(request, refused.message)
            return redirect(_practitioner_url(practitioner, request.center.code))
        else:
            department = center_rules.department_of(request.center)
            messages.success(request, rules.PRACTITIONER_SUBMITTED.format(department=department))
            return redirect(_practitioner_url(practitioner, request.center.code))
    missing = practitioners.practitioner_missing(practitioner)
    return render(
        request,
        "centers/practitioner_submit.html",
        _context(
            request,
            practitioner.field,
            practitioner=practitioner,
            missing=missing,
            error=error,
            documents=_documents(practitioner),
            submittable=practitioner.status in rules.EDITABLE,
        ),
    )


@center_page
@require_POST
def practitioner_withdraw(request: CenterRequest, pk: int) -> HttpResponse:
    practitioner = practitioners.practitioner_get_for(center_subject=request.center_subject, pk=pk)
    try:
        practitioners.practitioner_withdraw(actor=actor_for(request), practitioner=practitioner)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, rules.PRACTITIONER_WITHDRAWN)
    return redirect(_practitioner_url(practitioner, request.center.code))


# --- CA证书激活 --------------------------------------------------------------------------------


@center_page
def activation_list(request: CenterRequest) -> HttpResponse:
    not_agency = ""
    rows: list[Practitioner] = []
    try:
        practitioners.agency_check(request.center_subject, request.center)
    except DomainError as error:
        not_agency = error.message
    else:
        rows = list(activation.approved_practitioners_for(center_subject=request.center_subject))
    return render(
        request,
        "centers/activation_list.html",
        _context(request, "activation", rows=rows, not_agency=not_agency),
    )


@center_page
def activation_detail(request: CenterRequest, pk: int) -> HttpResponse:
    """One practitioner's certificates, and 「读取证书」/「激活」 through the local agent."""
    practitioner = practitioners.practitioner_get_for(center_subject=request.center_subject, pk=pk)
    return render(
        request,
        "centers/activation_detail.html",
        _context(
            request,
            "activation",
            practitioner=practitioner,
            activations=list(activation.activations_of(practitioner=practitioner)),
            approved=practitioner.status == PractitionerStatus.APPROVED,
            not_approved=rules.ACTIVATE_NOT_APPROVED.format(
                name=practitioner.name, status=practitioner.get_status_display()
            ),
            masked=rules.mask_id_number(practitioner.id_number),
            now=timezone.now(),
        ),
    )


@center_page
@require_POST
def activation_activate(request: CenterRequest, pk: int) -> JsonResponse:
    """The agent's signature with the person's certificate over a challenge of this session."""
    practitioner = practitioners.practitioner_get_for(center_subject=request.center_subject, pk=pk)
    try:
        holder = signed_holder_from(request, json_body(request), ChallengePurpose.BIND)
        made = activation.activation_create(
            actor=actor_for(request), center=request.center, practitioner=practitioner, holder=holder
        )
    except DomainError as error:
        return JsonResponse({"ok": False, "error": error.message}, status=error.status)
    messages.success(request, rules.ACTIVATED.format(name=practitioner.name, serial=made.serial))
    return JsonResponse(
        {"ok": True, "redirect": _practitioner_url(practitioner, request.center.code, "activation")}
    )


@center_page
@require_POST
def activation_revoke(request: CenterRequest, pk: int) -> HttpResponse:
    found = activation.activation_get_for(center_subject=request.center_subject, pk=pk)
    try:
        revoked = activation.activation_revoke(actor=actor_for(request), activation=found)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, rules.REVOKED.format(serial=revoked.serial))
    return redirect("centers:activation", center=request.center.code, pk=found.practitioner_id)


# --- 解绑申请 ----------------------------------------------------------------------------------


@center_page
def unbind_list(request: CenterRequest) -> HttpResponse:
    rows = list(unbind.unbind_requests_for(center_subject=request.center_subject))
    return render(request, "centers/unbind_list.html", _context(request, "unbind", rows=rows))


def _unbind_form_page(request: CenterRequest, form: UnbindForm) -> HttpResponse:
    has_certificates = len(form.fields["certificate"].choices) > 1  # type: ignore[attr-defined]
    return render(
        request,
        "centers/unbind_form.html",
        _context(request, "unbind", form=form, has_certificates=has_certificates),
    )


@center_page
def unbind_new(request: CenterRequest) -> HttpResponse:
    try:
        rules.unit_only(actor_for(request), rules.ACTION_UNBIND)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("centers:unbind_list", center=request.center.code)
    certificates = list(unbind.unbindable_certificates_for(center_subject=request.center_subject))
    if request.method != "POST":
        return _unbind_form_page(request, UnbindForm(subject=request.subject, certificates=certificates))
    form, valid = bound_with_uploads(
        request, UnbindForm, ["letter", "licence"], subject=request.subject, certificates=certificates
    )
    if valid:
        try:
            made = unbind.unbind_request_create(
                actor=actor_for(request),
                center=request.center,
                center_subject=request.center_subject,
                certificate_pk=form.cleaned_data["certificate"],
                reason=form.cleaned_data["reason"],
                explanation=form.cleaned_data["explanation"],
                letter=form.attachment(form.cleaned_data, "letter"),
                licence=form.attachment(form.cleaned_data, "licence"),
            )
        except DomainError as error:
            _show_error(form, error)
        else:
            due = unbind.unbind_due_at(made)
            messages.success(
                request,
                rules.UNBIND_SUBMITTED.format(
                    days=request.center.review_working_days,
                    due=center_rules.due_by(due) if due else "",
                ),
            )
            return redirect("centers:unbind_detail", center=request.center.code, pk=made.pk)
    return _unbind_form_page(request, form)


def _due_label(due_at: Any) -> str:
    # The last day, as the unit's other pages and the staff queue show it (not the next midnight).
    return center_rules.due_label(due_at) if due_at else ""


@center_page
def unbind_detail(request: CenterRequest, pk: int) -> HttpResponse:
    found = unbind.unbind_request_get_for(center_subject=request.center_subject, pk=pk)
    return render(
        request,
        "centers/unbind_detail.html",
        _context(request, "unbind", item=found, due=_due_label(unbind.unbind_due_at(found))),
    )


@center_page
@require_POST
def unbind_withdraw(request: CenterRequest, pk: int) -> HttpResponse:
    found = unbind.unbind_request_get_for(center_subject=request.center_subject, pk=pk)
    try:
        unbind.unbind_request_withdraw(actor=actor_for(request), unbind_request=found)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, rules.UNBIND_WITHDRAWN)
    return redirect("centers:unbind_detail", center=request.center.code, pk=found.pk)
