"""评标结果: the center's opened lots waiting for their evaluation result, and 「录入评标结果」 of one
(procurement.lot_states), by staff with Permission.EVALUATIONS; the results recorded so far.

A center's staff work on their own center; a platform administrator picks one (?center=)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from backoffice.access import StaffRequest, staff_render, staff_required
from backoffice.forms import add_domain_error
from centers import staff_selectors
from centers.models import Center
from core.errors import DomainError, NotFound
from procurement import lot_rules, lot_states
from procurement.forms_evaluations import EvaluationForm
from review.permissions import Permission

ACTIVE = "backoffice:evaluations"


def _list_url(center: Center) -> str:
    return f"{reverse('backoffice:evaluations')}?{urlencode({'center': center.code})}"


def _page(
    request: StaffRequest, center: Center, forms: dict[int, EvaluationForm], status: int = 200
) -> HttpResponse:
    now = timezone.now()
    waiting = [
        (
            lot,
            tender,
            forms.get(lot.pk)
            or EvaluationForm(initial={"ended_at": timezone.localtime(now).replace(second=0, microsecond=0)}),
        )
        for lot, tender in lot_states.lots_to_evaluate(center=center, now=now)
    ]
    context = {
        "active": ACTIVE,
        "center": center,
        "centers": staff_selectors.centers_for(request.staff),
        "waiting": waiting,
        "recorded": lot_states.evaluations_at(center=center)[:50],
    }
    return staff_render(request, "backoffice/evaluations.html", context, status)


@staff_required(Permission.EVALUATIONS)
def evaluations(request: StaffRequest) -> HttpResponse:
    try:
        center = staff_selectors.center_for(request.staff, request.GET.get("center"))
    except NotFound as error:
        raise Http404(error.message) from error
    return _page(request, center, {})


@require_POST
@staff_required(Permission.EVALUATIONS)
def evaluation_record(request: StaffRequest, center: str, lot: int) -> HttpResponse:
    try:
        at = staff_selectors.center_for(request.staff, center)
        found = lot_states.lot_at(center=at, pk=lot)
    except NotFound as error:
        raise Http404(error.message) from error
    form = EvaluationForm(request.POST)
    if form.is_valid():
        try:
            result = lot_states.evaluation_record(
                actor=request.actor,
                center=at,
                lot=found,
                outcome=form.cleaned_data["outcome"],
                ended_at=form.cleaned_data["ended_at"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            done = lot_rules.EVALUATION_RECORDED.format(
                number=found.number, outcome=result.get_outcome_display()
            )
            messages.success(request, done)
            return redirect(_list_url(at))
    return _page(request, at, {found.pk: form}, status=400)
