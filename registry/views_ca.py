"""CA办理申请: the confirmation step and 撤销 on the basic information page, and the CA company's
callback with its answer."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.errors import DomainError, NotFound, StateError
from core.outbox import receive_json
from registry import ca_applications
from registry.auth import actor_for, client_ip
from registry.views_records import SubjectRequest, subject_required


@subject_required
def ca_apply(request: SubjectRequest) -> HttpResponse:
    """GET: the confirmation (what will be sent to the CA); POST 「确定」: apply."""
    if request.method == "POST":
        try:
            ca_applications.ca_application_submit(actor=actor_for(request), subject=request.subject)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("registry:basic")
        # The post to the CA ran right after the commit: say whether it got there.
        if ca_applications.ca_panel_for(account=request.user).delivered:
            messages.success(request, ca_applications.APPLIED_SENT)
        else:
            messages.warning(request, ca_applications.APPLIED_QUEUED)
        return redirect("registry:basic")
    panel = ca_applications.ca_panel_for(account=request.user)
    snapshot = ca_applications.ca_snapshot_for(account=request.user)
    return render(
        request,
        "registry/ca_apply_confirm.html",
        {
            "panel": panel,
            "snapshot": snapshot,
            "already_pending": ca_applications.ALREADY_PENDING if panel.pending else "",
            "active": "basic",
        },
    )


@subject_required
@require_POST
def ca_withdraw(request: SubjectRequest) -> HttpResponse:
    try:
        ca_applications.ca_application_withdraw(actor=actor_for(request), subject=request.subject)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, ca_applications.WITHDRAWN)
    return redirect("registry:basic")


class AnswerForm(forms.Form):
    """The CA's answer: {"reference": …, "result": "accepted"|"rejected", "message": …}."""

    reference = forms.CharField(max_length=64)
    result = forms.ChoiceField(choices=[("accepted", "accepted"), ("rejected", "rejected")])
    message = forms.CharField(max_length=2000, required=False)


@csrf_exempt  # a server-to-server call, authenticated by its bearer token instead of a cookie
@require_POST
def ca_callback(request: HttpRequest) -> JsonResponse:
    form = receive_json(
        request,
        token=settings.GGZY_CA_CALLBACK_TOKEN,
        realm="ggzy",
        form_class=AnswerForm,
        invalid="invalid answer",
    )
    if isinstance(form, JsonResponse):
        return form
    try:
        application = ca_applications.ca_application_answer(
            reference=form.cleaned_data["reference"],
            accepted=form.cleaned_data["result"] == "accepted",
            message=form.cleaned_data["message"],
            ip=client_ip(request),
        )
    except NotFound:
        return JsonResponse({"error": "unknown reference"}, status=404)
    except StateError as error:
        return JsonResponse({"error": error.message}, status=409)
    return JsonResponse({"reference": application.reference, "status": application.status})
