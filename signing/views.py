"""Pages of the signing layer: 电子印章, 签章文件, sealing through the agent, and public verification."""

from __future__ import annotations

import base64
import binascii
import json
import math
import uuid
from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.errors import DomainError, NotFound
from core.http import CERTIFICATE_BODY_MAX, RequestRefused, json_body
from pki import selectors as pki_selectors
from pki import services as pki_services
from registry.auth import actor_for
from registry.ca_applications import ca_snapshot
from registry.views_records import SubjectRequest, subject_required
from signing import previews, rules, seal_images, selectors, services
from signing import verify as signing_verify
from signing.document_kinds import DOCUMENT_KINDS
from signing.models import Document, SealKind

PREVIEW_WIDTH = 794  # A4 at 96 dpi: a page preview at the size it prints
# JSON bodies: a seal's request carries a certificate in PEM and an opinion of at most 500
# characters, as the certificate calls do; its second half only a signature (512 bytes for
# RSA-4096, base64) and the request's id.
SEAL_PREPARE_BODY_MAX = CERTIFICATE_BODY_MAX
SEAL_FINISH_BODY_MAX = 16 * 1024
PAGE_MAX = 100_000  # beyond any document's page count; a bigger number is not a page
ID_MAX = 2**63 - 1  # the database's ids are 64-bit
SEAL_REQUIRED = "请选择印章。"


def _session_hash(request: HttpRequest) -> str:
    if not request.session.session_key:
        request.session.save()
    assert request.session.session_key
    return pki_services.session_hash(request.session.session_key)


def _error(error: DomainError) -> JsonResponse:
    status = error.status if isinstance(error, RequestRefused) else 400  # 413 for a body too large
    return JsonResponse({"ok": False, "error": error.message, "field": error.field}, status=status)


def _png(data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    return response


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{filename}"
    return response


# --- 电子印章 ---------------------------------------------------------------------------------


class PersonalSealForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=9)
    id_number = forms.CharField(label="身份证号码", max_length=18)
    role = forms.CharField(label="身份", max_length=40, required=False, initial="法定代表人")
    image = forms.FileField(label="印章图片（可选，透明背景PNG）", required=False)


class UnitSealForm(forms.Form):
    image = forms.FileField(label="印章图片（可选，透明背景PNG）", required=False)


def _upload(form: forms.Form) -> bytes | None:
    upload = form.cleaned_data.get("image")
    if not upload:
        return None
    # One byte over the limit is enough for validate_uploaded_seal to refuse it with its message.
    return upload.read(seal_images.UPLOAD_MAX_BYTES + 1)


def _personal_initial(request: SubjectRequest) -> dict[str, str]:
    data = ca_snapshot(subject=request.subject).data if request.subject.kind == "unit" else {}
    return {
        "name": data.get("legal_rep_name", "") or "",
        "id_number": data.get("legal_rep_id_number", "") or "",
        "role": "法定代表人",
    }


@subject_required
def seal_list(request: SubjectRequest) -> HttpResponse:
    unit_form = UnitSealForm()
    personal_form = PersonalSealForm(initial=_personal_initial(request))
    if request.method == "POST":
        actor = actor_for(request)
        try:
            if request.POST.get("kind") == SealKind.UNIT:
                unit_form = UnitSealForm(request.POST, request.FILES)
                if unit_form.is_valid():
                    seal = services.seal_create_unit(
                        actor=actor, subject=request.subject, image=_upload(unit_form)
                    )
                    messages.success(request, f"已生成单位公章「{seal.name}」。")
                    return redirect("signing:seal", pk=seal.pk)
            else:
                personal_form = PersonalSealForm(request.POST, request.FILES)
                if personal_form.is_valid():
                    seal = services.seal_create_personal(
                        actor=actor,
                        subject=request.subject,
                        name=personal_form.cleaned_data["name"],
                        id_number=personal_form.cleaned_data["id_number"],
                        role=personal_form.cleaned_data["role"],
                        image=_upload(personal_form),
                    )
                    messages.success(request, f"已生成个人印章「{seal.name}」，请为它添加本人的证书。")
                    return redirect("signing:seal", pk=seal.pk)
        except DomainError as error:
            form = unit_form if request.POST.get("kind") == SealKind.UNIT else personal_form
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
    seals = selectors.seals_for(account=request.user)
    return render(
        request,
        "signing/seals.html",
        {
            "active": "seals",
            "seals": seals,
            "has_unit_seal": any(s.kind == SealKind.UNIT and not s.retired_at for s in seals),
            "unit_form": unit_form,
            "personal_form": personal_form,
            "is_unit": request.subject.kind == "unit",
        },
    )


@subject_required
def seal_detail(request: SubjectRequest, pk: int) -> HttpResponse:
    seal = selectors.seal_get_for(account=request.user, pk=pk)
    tied = {c.fingerprint for c in seal.certificates.all()}
    bound = [b for b in pki_selectors.certificates_for(subject=request.subject) if b.fingerprint not in tied]
    if seal.kind == SealKind.PERSONAL:
        bound = [b for b in bound if b.holder_code == seal.holder_code]
    return render(
        request,
        "signing/seal_detail.html",
        {"active": "seals", "seal": seal, "bound": bound, "now": timezone.now()},
    )


@subject_required
def seal_image(request: SubjectRequest, pk: int) -> HttpResponse:
    return _png(bytes(selectors.seal_get_for(account=request.user, pk=pk).image))


@subject_required
@require_POST
def seal_certificate_add(request: SubjectRequest, pk: int) -> HttpResponse:
    seal = selectors.seal_get_for(account=request.user, pk=pk)
    pem = request.POST.get("certificate", "")
    bound_pk = request.POST.get("bound")
    if bound_pk:
        if not bound_pk.isdigit():
            raise Http404()
        pem = pki_selectors.certificate_get_for(subject=request.subject, pk=int(bound_pk)).certificate_pem
    try:
        tied = services.seal_certificate_add(actor=actor_for(request), seal=seal, certificate=pem)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"证书（序列号 {tied.serial}）现在可以使用该印章。")
    return redirect("signing:seal", pk=seal.pk)


@subject_required
@require_POST
def seal_certificate_remove(request: SubjectRequest, pk: int, certificate_pk: int) -> HttpResponse:
    seal = selectors.seal_get_for(account=request.user, pk=pk)
    services.seal_certificate_remove(actor=actor_for(request), seal=seal, pk=certificate_pk)
    messages.success(request, "已移除该证书，它不能再使用此印章。")
    return redirect("signing:seal", pk=seal.pk)


@subject_required
@require_POST
def seal_retire(request: SubjectRequest, pk: int) -> HttpResponse:
    seal = selectors.seal_get_for(account=request.user, pk=pk)
    try:
        services.seal_retire(actor=actor_for(request), seal=seal)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"印章「{seal.name}」已停用；已加盖的签章仍然有效。")
    return redirect("signing:seals")


# --- 签章文件 ---------------------------------------------------------------------------------


@subject_required
def document_list(request: SubjectRequest) -> HttpResponse:
    # Lists what the unit has; it makes nothing. The one document a unit generates itself, the
    # 诚信承诺书, is addressed to a trading center and made on that center's page
    # (centers.profiles.commitment_generate): one made here would be addressed to no center and
    # accepted by none.
    return render(
        request,
        "signing/documents.html",
        {"active": "documents", "documents": selectors.documents_for(account=request.user)},
    )


def _verification(data: bytes) -> signing_verify.Report | str:
    try:
        return signing_verify.pdf_verify(data)
    except DomainError as error:
        return error.message


@subject_required
def document_detail(request: SubjectRequest, pk: int) -> HttpResponse:
    document = selectors.document_get_for(account=request.user, pk=pk)
    seals = list(selectors.seals_for(account=request.user, active_only=True))
    allowed = {s.pk: [c.fingerprint for c in s.certificates.all()] for s in seals}
    report = _verification(bytes(document.pdf))
    checks = {c.field_name: c for c in report.checks} if not isinstance(report, str) else {}
    signatures = [(s, checks.get(s.field_name)) for s in document.signatures.select_related("seal")]
    return render(
        request,
        "signing/document_detail.html",
        {
            "active": "documents",
            "document": document,
            "pages": range(1, document.pages + 1),
            "seals": seals,
            "allowed_json": json.dumps(allowed),
            "places_json": json.dumps(document.places),
            "report": report,
            "signatures": signatures,
            "kind_label": DOCUMENT_KINDS.get(document.kind, document.kind),
        },
    )


@subject_required
def document_page(request: SubjectRequest, pk: int, page: int) -> HttpResponse:
    document = selectors.document_get_for(account=request.user, pk=pk)
    if not 1 <= page <= document.pages:
        raise Http404()
    return _png(previews.page_png(bytes(document.pdf), page, width_px=PREVIEW_WIDTH))


SEALED_SUFFIX = "（已签章）"
# Not allowed in a file name on Windows (and "/" nowhere); control characters neither.
_NOT_IN_FILE_NAMES = str.maketrans(dict.fromkeys('\\/:*?"<>|' + "".join(map(chr, range(32))), "_"))


def download_name(document: Document, *, sealed: bool) -> str:
    """The file name a unit saves: the document's title, and whether it carries seals."""
    title = document.title.translate(_NOT_IN_FILE_NAMES).strip(" .") or f"document-{document.pk}"
    return f"{title[:150]}{SEALED_SUFFIX if sealed else ''}.pdf"


def _inline_disposition(name: str, fallback: str) -> str:
    """RFC 6266 with RFC 5987's filename* for the Chinese name; filename= for old clients."""
    ascii_name = name if name.isascii() else fallback
    return f"inline; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


@subject_required
def document_download(request: SubjectRequest, pk: int) -> HttpResponse:
    document = selectors.document_get_for(account=request.user, pk=pk)
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    sealed = document.signatures.exists()
    fallback = f"document-{document.pk}{'-sealed' if sealed else ''}.pdf"
    response["Content-Disposition"] = _inline_disposition(download_name(document, sealed=sealed), fallback)
    return response


def _placement(body: dict[str, Any], document: Document) -> services.Placement:
    place = str(body.get("place") or "")
    if place:
        spot = document.places.get(place)
        if spot is None:
            raise DomainError(rules.PLACE_OUTSIDE)
        return services.Placement(
            page=spot["page"], x=spot["x"] + spot["width"] / 2, y=spot["y"] + spot["height"] / 2
        )
    return services.Placement(
        page=_whole(body.get("page"), PAGE_MAX, rules.PLACE_OUTSIDE),
        x=_coordinate(body.get("x")),
        y=_coordinate(body.get("y")),
    )


def _coordinate(value: Any) -> float:
    """A click's x or y in PDF points, as the page sends it (a number, or digits in a string);
    NaN, infinities and the like are outside every page."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise DomainError(rules.PLACE_OUTSIDE)
    try:
        number = float(value)
    except (ValueError, OverflowError):
        raise DomainError(rules.PLACE_OUTSIDE) from None
    if not math.isfinite(number):
        raise DomainError(rules.PLACE_OUTSIDE)
    return number


def _whole(value: Any, largest: int, message: str, field: str | None = None) -> int:
    """A positive whole number from a JSON body (a page, a seal's id), at most `largest`.

    Checked here because `int()` takes what a page never sends: 1e309 (OverflowError), a
    list (TypeError), 1.5 (silently 1), true (1); and a number past the database's 64 bits
    fails in the query rather than finding nothing."""
    if isinstance(value, bool):
        raise DomainError(message, field=field)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        value = int(value)
    if not isinstance(value, int) or not 1 <= value <= largest:
        raise DomainError(message, field=field)
    return value


@subject_required
@require_POST
def seal_prepare(request: SubjectRequest, pk: int) -> JsonResponse:
    """First half: the server builds the signed attributes; the page hands them to the agent."""
    document = selectors.document_get_for(account=request.user, pk=pk)
    try:
        body = json_body(request, max_bytes=SEAL_PREPARE_BODY_MAX)
        try:
            seal_pk = _whole(body.get("seal"), ID_MAX, SEAL_REQUIRED, field="seal")
            seal = selectors.seal_get_for(account=request.user, pk=seal_pk)
        except NotFound:
            raise DomainError(SEAL_REQUIRED, field="seal") from None
        pending = services.seal_request_prepare(
            actor=actor_for(request),
            session_hash=_session_hash(request),
            document=document,
            seal=seal,
            certificate=str(body.get("certificate", "")),
            placement=_placement(body, document),
            opinion=str(body.get("opinion", "")),
        )
    except DomainError as error:
        return _error(error)
    return _prepared(pending)


def _prepared(pending: Any) -> JsonResponse:
    return JsonResponse(
        {
            "ok": True,
            "request_id": str(pending.pk),
            "nonce": pending.pk.hex,
            "title": pending.title,
            "signed_attributes": base64.b64encode(bytes(pending.signed_attributes)).decode(),
        }
    )


def _signature(body: dict[str, Any]) -> bytes:
    try:
        return base64.b64decode(str(body.get("signature", "")), validate=True)
    except (binascii.Error, ValueError):
        raise DomainError(rules.SIGNATURE_MISMATCH) from None


@require_POST
def seal_finish(request: HttpRequest) -> JsonResponse:
    """Second half: the agent's signature goes in, with a time-stamp; the document gets a version."""
    try:
        body = json_body(request, max_bytes=SEAL_FINISH_BODY_MAX)
        pending = services.seal_request_finish(
            actor=actor_for(request),
            session_hash=_session_hash(request),
            request_id=_request_id(body),
            signature=_signature(body),
        )
    except DomainError as error:
        return _error(error)
    if pending.document_id is None:
        return JsonResponse({"ok": True, "result": _detect_result(pending)})
    messages.success(
        request, rules.SEALED.format(seal=pending.seal.label if pending.seal else "", page=pending.page)
    )
    return JsonResponse({"ok": True, "redirect": reverse("signing:document", args=[pending.document_id])})


def _request_id(body: dict[str, Any]) -> str:
    try:
        return str(uuid.UUID(str(body.get("request_id", ""))))
    except ValueError:
        raise DomainError(rules.REQUEST_UNKNOWN) from None


# --- 签章检测 (the detection page) -------------------------------------------------------------


@require_POST
def detect_prepare(request: HttpRequest) -> JsonResponse:
    try:
        body = json_body(request, max_bytes=CERTIFICATE_BODY_MAX)
        pending = services.detect_request_prepare(
            session_hash=_session_hash(request),
            certificate=str(body.get("certificate", "")),
            checked_at=timezone.now(),
        )
    except DomainError as error:
        return _error(error)
    return _prepared(pending)


def _detect_result(pending: Any) -> dict[str, Any]:
    report = signing_verify.pdf_verify(bytes(pending.result_pdf or b""))
    check = report.checks[0]
    return {
        "preview": reverse("signing:detect_page", args=[pending.pk]),
        "download": reverse("signing:detect_pdf", args=[pending.pk]),
        "message": f"签章成功：{check.signer_name}，{check.status_label}，"
        f"时间戳 {timezone.localtime(check.signed_at):%Y-%m-%d %H:%M:%S}（{check.tsa_name}）",
    }


def _detect_sample(request: HttpRequest, pk: str) -> tuple[bytes, int]:
    try:
        pending = selectors.detect_result_get(session_hash=_session_hash(request), pk=pk)
    except (NotFound, ValueError) as error:
        raise Http404() from error
    return bytes(pending.result_pdf or b""), pending.page


def detect_page(request: HttpRequest, pk: str) -> HttpResponse:
    pdf, page = _detect_sample(request, pk)
    return _png(previews.page_png(pdf, page, width_px=PREVIEW_WIDTH))


def detect_pdf(request: HttpRequest, pk: str) -> HttpResponse:
    return _pdf(_detect_sample(request, pk)[0], "seal-detect.pdf")


# --- public verification ----------------------------------------------------------------------


class VerifyForm(forms.Form):
    file = forms.FileField(label="PDF文件")


def verify_page(request: HttpRequest) -> HttpResponse:
    """Anyone uploads a PDF and sees who sealed it, when, and whether it changed since."""
    form = VerifyForm()
    report: signing_verify.Report | str | None = None
    name = ""
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            name = upload.name
            if upload.size > rules.UPLOAD_MAX_BYTES:
                form.add_error("file", "文件不能超过20MB。")
            else:
                report = _verification(upload.read())
                if isinstance(report, str):
                    form.add_error("file", report)
                    report = None
    return render(request, "signing/verify.html", {"form": form, "report": report, "file_name": name})
