"""审核队列: one list of everything waiting for the center's decision, and the page of one item."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from backoffice.access import StaffRequest, staff_render, staff_required
from backoffice.forms import DecisionForm, QueueFilterForm, add_domain_error
from core.errors import DomainError
from core.http import safe_next
from review import calendar, rules, selectors, services
from review.handlers import describe
from review.models import ReviewStatus
from review.permissions import Permission

PAGE_SIZE = 50


@staff_required(Permission.QUEUE)
def home(request: StaffRequest) -> HttpResponse:
    return redirect("backoffice:queue")


@staff_required(Permission.QUEUE)
def queue(request: StaffRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None, member=request.staff)
    filters = form.filters()
    now = timezone.now()
    page = Paginator(selectors.queue_for(member=request.staff, filters=filters, now=now), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return staff_render(
        request,
        "backoffice/queue.html",
        {
            "active": "backoffice:queue",
            "form": form,
            "filters": filters,
            "page": page,
            "rows": selectors.queue_rows(list(page.object_list), now),
            "counts": selectors.queue_counts(member=request.staff, now=now),
            "query": query.urlencode(),
            "here": request.get_full_path(),
        },
    )


def _back(request: HttpRequest, pk: int) -> HttpResponse:
    """Back where the button was (the list with its filters, or the item), never off-site."""
    return redirect(safe_next(request, request.POST.get("next"), reverse("backoffice:item", args=[pk])))


@require_POST
@staff_required(Permission.QUEUE)
def claim(request: StaffRequest, pk: int) -> HttpResponse:
    try:
        item = services.review_claim(actor=request.actor, pk=pk)
    except DomainError as error:
        messages.error(request, error.message)
        return _back(request, pk)
    messages.success(request, rules.CLAIMED.format(title=item.title))
    return redirect("backoffice:item", pk=pk)


@require_POST
@staff_required(Permission.QUEUE)
def release(request: StaffRequest, pk: int) -> HttpResponse:
    try:
        item = services.review_release(actor=request.actor, pk=pk)
    except DomainError as error:
        messages.error(request, error.message)
        return _back(request, pk)
    messages.success(request, rules.RELEASED.format(title=item.title))
    return _back(request, pk)


@staff_required(Permission.QUEUE)
def item(request: StaffRequest, pk: int) -> HttpResponse:
    """The item, what is being decided, its history; approve or reject with an opinion."""
    found = selectors.queue_item_for(member=request.staff, pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            decided = services.review_decide(
                actor=request.actor, pk=pk, approve=approve, opinion=form.cleaned_data["opinion"]
            )
        except DomainError as error:
            add_domain_error(form, error)
            found = selectors.queue_item_for(member=request.staff, pk=pk)
        else:
            done = rules.APPROVED if decided.status == ReviewStatus.APPROVED else rules.REJECTED
            messages.success(request, done.format(title=decided.title))
            return redirect("backoffice:queue")
    undecided = found.status in selectors.UNDECIDED
    return staff_render(
        request,
        "backoffice/item.html",
        {
            "active": "backoffice:queue",
            "item": found,
            "form": form,
            "clock": calendar.clock(timezone.now(), found.due_at) if undecided else None,
            "undecided": undecided,
            "mine": found.claimed_by_id == request.user.pk,
            "refusal": services.may_handle(request.staff, found),
            "description": describe(found),
            "history": selectors.item_history(found),
        },
    )
