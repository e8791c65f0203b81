"""主体查询: a center's subjects by name or code, what the center keeps of each, and removing a
subject type, which only staff may do (000 §8.2)."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from backoffice.access import StaffRequest, staff_render, staff_required
from backoffice.forms import SubjectSearchForm, TypeRemoveForm, add_domain_error
from centers import staff_selectors
from centers.models import CenterSubject, ProfileStatus, SubjectType
from core.errors import DomainError, NotFound
from core.http import pdf_response
from procurement.announcement_selectors import submitted_pdf
from registry.kinds import form_for
from registry.models import BiddingScope, RecordKind, SubjectStatus
from review.permissions import Permission
from signing.models import Document

NO_COMMITMENT = "该主体在本中心尚未提交诚信承诺书。"
COMMITMENT_SUBMITTED = (ProfileStatus.SUBMITTED, ProfileStatus.APPROVED)

PAGE_SIZE = 30
TYPE_REMOVED = "已删除主体类型「{type}」。"


@staff_required(Permission.SUBJECTS)
def subjects(request: StaffRequest) -> HttpResponse:
    center = staff_selectors.center_for(request.staff, request.GET.get("center"))
    form = SubjectSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(staff_selectors.subjects_search(center=center, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return staff_render(
        request,
        "backoffice/subjects.html",
        {
            "active": "backoffice:subjects",
            "form": form,
            "center": center,
            "centers": staff_selectors.centers_for(request.staff),
            "page": page,
            "query": query,
        },
    )


def _choice_labels(field: Any) -> dict[str, str]:
    labels: dict[str, str] = {}
    for value, label in getattr(field, "choices", None) or []:
        if isinstance(label, list | tuple):  # an optgroup
            labels.update({str(inner): str(text) for inner, text in label})
        else:
            labels[str(value)] = str(label)
    return labels


def _shown(field: Any, value: Any) -> tuple[str, str]:
    """A value of the registry's basic information as text, and a link when it is a file."""
    if isinstance(value, dict) and "sha256" in value:
        # An attachment reference ({id, name, sha256, size}): staff read it through the back-office.
        return str(value.get("name", "")), backoffice_attachment_url(value.get("id"))
    labels = _choice_labels(field)
    if isinstance(value, list):
        return "、".join(
            "，".join(str(v) for v in inner.values())
            if isinstance(inner, dict)
            else labels.get(str(inner), str(inner))
            for inner in value
        ), ""
    if value is None:
        return "", ""
    return labels.get(str(value), str(value)), ""


def registry_rows(center_subject: CenterSubject) -> list[tuple[str, str, str]]:
    """The registry's snapshot (registry/events.py subject_snapshot) as label, text and link, with
    the registry's own labels for its basic-information fields."""
    data = center_subject.registry_data or {}
    form_class = form_for(center_subject.subject.kind, RecordKind.BASIC)
    fields = form_class.base_fields if form_class else {}
    rows: list[tuple[str, str, str]] = []
    if data.get("status") in SubjectStatus.values:
        rows.append(("注册平台状态", SubjectStatus(data["status"]).label, ""))
    if data.get("bidding_scope") in BiddingScope.values:
        rows.append(("业务范围", BiddingScope(data["bidding_scope"]).label, ""))
    for key, value in (data.get("basic") or {}).items():
        field = fields.get(key)
        rows.append((str(field.label) if field else key, *_shown(field, value)))
    for record in data.get("records") or []:
        kind = record.get("kind", "")
        label = RecordKind(kind).label if kind in RecordKind.values else kind
        rows.append((label, f"{record.get('title', '')}（第{record.get('version', '')}版）", ""))
    return rows


def backoffice_attachment_url(pk: Any) -> str:
    """Where staff open a subject's file (the registry's own link serves the subject only)."""
    return reverse("backoffice:attachment", args=[pk])


@staff_required(Permission.SUBJECTS)
def attachment(request: StaffRequest, pk: int) -> FileResponse:
    """A file a subject's data at the member's center refers to; any other file looks missing."""
    found = staff_selectors.attachment_for(member=request.staff, pk=pk)
    response = FileResponse(
        found.file.open("rb"), content_type=found.content_type, filename=found.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = response["Content-Disposition"].replace("attachment", "inline", 1)
    return response


@staff_required(Permission.SUBJECTS)
def subject_detail(request: StaffRequest, center: str, pk: int) -> HttpResponse:
    found = staff_selectors.subject_for(center=staff_selectors.center_for(request.staff, center), pk=pk)
    return staff_render(
        request,
        "backoffice/subject_detail.html",
        {
            "active": "backoffice:subjects",
            "entry": found,
            "commitment_submitted": COMMITMENT_SUBMITTED,
            "registry_rows": registry_rows(found),
            "types": staff_selectors.subject_types(found),
            "permissions": staff_selectors.subject_permissions(found),
            "audit": staff_selectors.subject_audit(found),
        },
    )


@staff_required(Permission.SUBJECTS)
def subject_commitment(request: StaffRequest, center: str, pk: int) -> HttpResponse:
    """The sealed 诚信承诺书 the subject submitted at this center, as it was sealed, for staff to
    open in any PDF reader (the seals verify there, or on the public verification page)."""
    found = staff_selectors.subject_for(center=staff_selectors.center_for(request.staff, center), pk=pk)
    # Generated and sealed at the unit's own pace, the document is the unit's draft until 「提交」:
    # staff see it while it waits for review and once it is in force, not before.
    if found.commitment_id is None or found.profile_status not in COMMITMENT_SUBMITTED:
        raise Http404(NO_COMMITMENT)
    document = Document.objects.only("title", "pdf").get(pk=found.commitment_id)
    return pdf_response(document.title, bytes(document.pdf))


@staff_required(Permission.SUBJECT_TYPE_REMOVE)
def subject_type_remove(request: StaffRequest, center: str, pk: int, type: str) -> HttpResponse:
    """Asks for the reason, then removes the type through the centers app (which owns it)."""
    found = staff_selectors.subject_for(center=staff_selectors.center_for(request.staff, center), pk=pk)
    if type not in SubjectType.values:
        raise Http404("没有这个主体类型。")
    label = SubjectType(type).label
    form = TypeRemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Imported here: the back-office loads (and serves everything else) whatever state the
        # centers app's services are in; removing a type is theirs (permissions it gave go too).
        from centers.subject_types import subject_type_remove as remove

        try:
            remove(
                actor=request.actor,
                center=found.center,
                center_subject=found,
                type=type,
                reason=form.cleaned_data["reason"],
            )
        except NotFound as error:
            # The subject was found above, so this means a colleague removed the type meanwhile,
            # which the centers app says in its message: shown on the form, not as a 404.
            form.add_error(None, error.message)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, TYPE_REMOVED.format(type=label))
            return redirect("backoffice:subject", center=found.center.code, pk=found.pk)
    return staff_render(
        request,
        "backoffice/subject_type_remove.html",
        {"active": "backoffice:subjects", "entry": found, "type": type, "type_label": label, "form": form},
    )


@staff_required(Permission.QUEUE)
def announcement_pdf(request: StaffRequest, center: str, pk: int) -> HttpResponse:
    """An announcement as the agency submitted it (sealed), for the center's reviewers to read
    before they decide; another center's, or one never submitted, is not found."""
    found = submitted_pdf(center=staff_selectors.center_for(request.staff, center), pk=pk)
    if found is None:
        raise Http404("没有这个已提交的公告。")
    return pdf_response(*found)
