"""The subject's own pages: basic information and the four lists of 003 §4, history, files."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.errors import ConflictError, DomainError, IncompleteError, NotFound
from registry import attachments, ca_applications, identifiers, selectors, services
from registry.auth import ACTING_PERSON_KEY, actor_for
from registry.kinds import ADD_LABELS, form_for, kinds_for
from registry.models import Account, AuthMethod, Record, RecordKind, RecordStatus, Subject, SubjectKind
from registry.recordforms import RecordForm
from registry.rules import MISSING_REQUIRED, NOT_EDITABLE, PASSWORD_SUBMIT_PAPER_ONLY, VOIDABLE_KINDS

SAVED = "已保存草稿。"
SUBMITTED = "已提交，第{number}版现已生效。"


# A practitioner logged in with a personal certificate the unit activated at a center acts for the
# unit there (centers); the unit's registry data, certificates and seals stay the unit's own.
ACTING_PERSON_REFUSED = "以从业人员个人证书登录时只能办理交易中心业务；单位的注册信息、数字证书和电子印章由单位本身（单位CA证书或账号密码登录）管理。"
UNIT_OWN_APPS = frozenset({"registry", "pki", "signing"})


def _acting_outside_centers(request: HttpRequest) -> bool:
    match = request.resolver_match
    return (
        bool(request.session.get(ACTING_PERSON_KEY)) and match is not None and match.app_name in UNIT_OWN_APPS
    )


class SubjectRequest(HttpRequest):
    """A request of a logged-in subject's account: subject_required guarantees both."""

    user: Account
    subject: Subject


def subject_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in as a subject; NotFound from a selector becomes a 404 page."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        subject = getattr(request.user, "subject", None)
        if subject is None:
            raise Http404("后台人员请使用后台管理。")
        request.subject = subject  # type: ignore[attr-defined]
        if request.method == "POST" and _acting_outside_centers(request):
            messages.error(request, ACTING_PERSON_REFUSED)
            return redirect(request.path)
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from error

    return wrapper


def _kind_or_404(request: SubjectRequest, kind: str) -> type[RecordForm]:
    form_class = form_for(request.subject.kind, kind)
    if form_class is None or kind == RecordKind.BASIC:
        raise Http404("没有这一类信息。")
    return form_class


def _accept_uploads(request: SubjectRequest, form_class: type[RecordForm], post: Any) -> dict[str, str]:
    """Store every acceptable uploaded file at once, so nothing chosen is lost if another field
    is wrong; their ids go into the form. Returns the errors of the files refused."""
    errors = {}
    for name in form_class.attachment_slots():
        upload = request.FILES.get(f"{name}__file")
        if upload is None:
            continue
        try:
            attachment = attachments.attachment_store(
                actor=actor_for(request), subject=request.subject, upload=upload
            )
        except DomainError as error:
            errors[name] = error.message
        else:
            post[name] = str(attachment.pk)
            post.pop(f"{name}__clear", None)
    return errors


def _bound_form(
    request: SubjectRequest, form_class: type[RecordForm], record_data: dict
) -> tuple[RecordForm, bool]:
    post = request.POST.copy()
    upload_errors = _accept_uploads(request, form_class, post)
    form = form_class(post, subject=request.subject, record_data=record_data)
    valid = form.is_valid()
    for name, message in upload_errors.items():
        form.add_error(name, message)
    return form, valid and not upload_errors


def _page(
    request: SubjectRequest, record: Record | None, kind: str, form: RecordForm | None, **extra: Any
) -> HttpResponse:
    form_class = form_for(request.subject.kind, kind)
    assert form_class is not None
    current = record.current if record else None
    context = {
        "record": record,
        "kind": kind,
        "kind_label": RecordKind(kind).label,
        "form": form,
        "in_force": form_class.describe(current.data) if current else None,
        "voidable": kind in VOIDABLE_KINDS,
        "tabs": bool(form_class.tab_order),
        "active": kind,
        "person_facts": _person_facts(request.subject) if kind == RecordKind.BASIC else None,
        # 「CA申请信息」: the latest CA办理申请; while it is pending the page offers only 「保存」.
        "ca": ca_applications.ca_panel_for(account=request.user) if kind == RecordKind.BASIC else None,
        **extra,
    }
    # After a refused 「提交」 (a GET of ?missing=1): what is still empty in the saved draft.
    if (
        request.method == "GET"
        and request.GET.get("missing")
        and form is not None
        and record
        and record.draft
    ):
        missing = form_class.missing_for_submit(record.draft.data)
        if missing:
            context["missing_message"] = MISSING_REQUIRED.format(fields="、".join(missing))
        for name in form_class.empty_required(record.draft.data):
            form.fields[name].missing = True  # type: ignore[attr-defined]
            form.fields[name].widget.attrs["aria-invalid"] = "true"
    return render(request, "registry/record.html", context)


def _person_facts(subject: Subject) -> tuple[Any, str] | None:
    """Birth date and sex read from a person's ID number: shown, never typed again."""
    if subject.kind != SubjectKind.PERSON:
        return None
    return identifiers.resident_id_facts(subject.code)


def _posted_revision(request: SubjectRequest) -> int:
    """The draft revision the page was built from; garbage counts as 0 and so meets the conflict
    check instead of an error page."""
    try:
        return int(request.POST.get("revision") or 0)
    except ValueError:
        return 0


def _save_and_maybe_submit(request: SubjectRequest, record: Record, form: RecordForm) -> HttpResponse:
    actor = actor_for(request)
    try:
        version = services.record_save(
            actor=actor,
            record=record,
            data=form.to_data(),
            expected_revision=_posted_revision(request),
        )
    except ConflictError as error:
        typed = form.to_data()
        differing = [label for label, _, _ in type(form).difference(error.saved_data, typed)]
        for name, field in form.fields.items():
            if typed.get(name) != error.saved_data.get(name):
                field.conflict = True  # type: ignore[attr-defined]
        form.add_error(None, error.message)
        return _page(
            request, record, record.kind, form, revision=error.current_revision, conflict_fields=differing
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return _page(request, record, record.kind, form, revision=_posted_revision(request))
    if request.POST.get("action") != "submit":
        messages.success(request, SAVED)
        return redirect(_record_url(record))
    return _submit(request, record, version.revision)


def _submit(request: SubjectRequest, record: Record, revision: int) -> HttpResponse:
    """「提交」 after the draft was saved: whatever stops it, the typed content is kept."""
    actor = actor_for(request)
    try:
        version = services.record_submit(actor=actor, record=record, expected_revision=revision)
    except IncompleteError:
        # The page reads the saved draft and marks every empty required field.
        return redirect(_record_url(record) + "?missing=1")
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_record_url(record))
    messages.success(request, SUBMITTED.format(number=version.number))
    if record.kind == RecordKind.BASIC and actor.auth_method != AuthMethod.CERTIFICATE:
        messages.warning(request, PASSWORD_SUBMIT_PAPER_ONLY)
    return redirect(_record_url(record))


def _record_url(record: Record) -> str:
    if record.kind == RecordKind.BASIC:
        return reverse("registry:basic")
    return reverse("registry:record", args=[record.pk])


def _record_view(request: SubjectRequest, record: Record) -> HttpResponse:
    form_class = form_for(record.subject.kind, record.kind)
    assert form_class is not None
    # A void record is not edited, even if a change was under way when it was voided.
    draft = record.draft if record.status != RecordStatus.VOID else None
    if request.method == "POST":
        if draft is None:
            messages.error(request, NOT_EDITABLE.format(status=record.get_status_display()))
            return redirect(_record_url(record))
        form, valid = _bound_form(request, form_class, draft.data)
        if valid:
            return _save_and_maybe_submit(request, record, form)
        return _page(request, record, record.kind, form, revision=_posted_revision(request))
    if draft is None:
        return _page(request, record, record.kind, None)
    form = form_class(subject=record.subject, record_data=draft.data)
    return _page(request, record, record.kind, form, revision=draft.revision)


@subject_required
def basic(request: SubjectRequest) -> HttpResponse:
    return _record_view(request, selectors.basic_record_for(account=request.user))


@subject_required
def record_detail(request: SubjectRequest, pk: int) -> HttpResponse:
    record = selectors.record_get_for(account=request.user, pk=pk)
    if record.kind == RecordKind.BASIC:
        return redirect("registry:basic")
    return _record_view(request, record)


@subject_required
def record_list(request: SubjectRequest, kind: str) -> HttpResponse:
    _kind_or_404(request, kind)
    records = selectors.records_for(account=request.user, kind=kind)
    return render(
        request,
        "registry/record_list.html",
        {
            "records": records,
            "kind": kind,
            "kind_label": RecordKind(kind).label,
            "add_label": ADD_LABELS[RecordKind(kind)],
            "voidable": kind in VOIDABLE_KINDS,
            "active": kind,
        },
    )


@subject_required
def record_new(request: SubjectRequest, kind: str) -> HttpResponse:
    form_class = _kind_or_404(request, kind)
    if request.method != "POST":
        form = form_class(subject=request.subject)
        return _page(request, None, kind, form)
    form, valid = _bound_form(request, form_class, {})
    if not valid:
        return _page(request, None, kind, form)
    actor = actor_for(request)
    record = services.record_create(actor=actor, subject=request.subject, kind=kind, data=form.to_data())
    if request.POST.get("action") != "submit":
        messages.success(request, SAVED)
        return redirect(_record_url(record))
    assert record.draft is not None
    return _submit(request, record, revision=record.draft.revision)


def _action(service: Callable[..., Any], done: str, *, gone: bool = False) -> Callable[..., HttpResponse]:
    """A button that runs one service on one record; `gone` when success removes the record,
    so the user returns to the list instead of a page that no longer exists."""

    @subject_required
    @require_POST
    def view(request: SubjectRequest, pk: int) -> HttpResponse:
        record = selectors.record_get_for(account=request.user, pk=pk)
        try:
            service(actor=actor_for(request), record=record)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(_record_url(record))
        messages.success(request, done)
        if gone:
            return redirect("registry:records", kind=record.kind)
        return redirect(_record_url(record))

    return view


record_change = _action(
    services.record_start_change, "已开始变更：修改后点击「提交」生效，提交前生效的仍是原版本。"
)
record_discard = _action(services.record_discard_change, "已放弃本次变更，生效版本不变。")
record_void = _action(services.record_void, "已作废。")
record_unvoid = _action(services.record_unvoid, "已取消作废。")
record_delete = _action(services.record_delete_draft, "已删除该草稿。", gone=True)


@subject_required
def history(request: SubjectRequest) -> HttpResponse:
    kind = request.GET.get("kind") or None
    if kind and kind not in kinds_for(request.subject.kind):
        kind = None
    entries = selectors.history_for(account=request.user, kind=kind)
    kinds = [(k, RecordKind(k).label) for k in kinds_for(request.subject.kind)]
    return render(
        request,
        "registry/history.html",
        {"entries": entries, "kind": kind, "kinds": kinds, "active": "history"},
    )


@subject_required
def history_detail(request: SubjectRequest, pk: int) -> HttpResponse:
    entry = selectors.history_entry_for(account=request.user, pk=pk)
    form_class = form_for(request.subject.kind, entry.version.record.kind)
    return render(
        request,
        "registry/history_detail.html",
        {
            "entry": entry,
            "sections": form_class.describe(entry.version.data) if form_class else [],
            "active": "history",
        },
    )


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    assert isinstance(request.user, Account)  # login_required
    try:
        attachment = selectors.attachment_get_for(account=request.user, pk=pk)
    except NotFound as error:
        raise Http404(error.message) from error
    response = FileResponse(
        attachment.file.open("rb"), content_type=attachment.content_type, filename=attachment.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = response["Content-Disposition"].replace("attachment", "inline")
    return response
