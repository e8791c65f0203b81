"""The demo CA's endpoints: the intake the platform posts to, and a staff page to answer."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.models import OutboxStatus
from core.outbox import receive_json
from democa import services
from democa.models import ReceivedApplication
from registry.auth import actor_for


class IntakeForm(forms.Form):
    action = forms.ChoiceField(choices=[("submit", "submit"), ("withdraw", "withdraw")])
    reference = forms.CharField(max_length=64)


@csrf_exempt  # a server-to-server call, authenticated by its bearer token instead of a cookie
@require_POST
def intake(request: HttpRequest) -> JsonResponse:
    form = receive_json(
        request,
        token=settings.GGZY_CA_INTAKE_TOKEN,
        realm="democa",
        form_class=IntakeForm,
        invalid="invalid message",
    )
    if isinstance(form, JsonResponse):
        return form
    application = services.intake_receive(
        action=form.cleaned_data["action"], reference=form.cleaned_data["reference"], payload=dict(form.data)
    )
    return JsonResponse({"reference": application.reference, "status": application.status})


# The demo CA is another company's system: any staff member of this site may play its clerk. The
# platform's own permissions do not apply, and the whole app is off unless GGZY_DEMO_CA is set.
@staff_member_required
def application_list(request: HttpRequest) -> HttpResponse:
    applications = ReceivedApplication.objects.select_related("answer_outbox")[:200]
    return render(request, "democa/list.html", {"applications": applications, "sent": OutboxStatus.SENT})


class AnswerForm(forms.Form):
    result = forms.ChoiceField(choices=[("accepted", "受理"), ("rejected", "驳回")])
    message = forms.CharField(max_length=2000, required=False)


@staff_member_required
@require_POST
def application_answer(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(ReceivedApplication, pk=pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择「受理」或「驳回」。")
        return redirect("democa:list")
    accepted = form.cleaned_data["result"] == "accepted"
    try:
        application = services.application_answer(
            actor=actor_for(request),
            application=application,
            accepted=accepted,
            message=form.cleaned_data["message"],
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("democa:list")
    # The answer was posted to the platform right after the commit: say whether it arrived.
    outbox = application.answer_outbox
    if outbox is not None:
        outbox.refresh_from_db(fields=["status"])
    if outbox is not None and outbox.status == OutboxStatus.SENT:
        messages.success(request, services.ACCEPTED_SENT if accepted else services.REJECTED_SENT)
    else:
        messages.warning(request, services.NOT_DELIVERED)
    return redirect("democa:list")
