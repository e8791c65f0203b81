"""The subject's view of its data at every center: synced when, waiting, or failed and why, and
「重新同步」 (000 §5 情况2) when a center does not show it."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from centers.selectors import sync_overview_for
from core.errors import DomainError
from registry.auth import actor_for
from registry.events import subject_resync_request
from registry.views_records import SubjectRequest, subject_required

RESYNC_REQUESTED = "已重新发送：统一注册平台已把您当前的主体信息再次发送给各交易中心，通常几秒钟内完成，下表会显示每个中心的同步结果。"


@subject_required
def overview(request: SubjectRequest) -> HttpResponse:
    rows = sync_overview_for(subject=request.subject)
    return render(
        request,
        "centers/overview.html",
        {"rows": rows, "in_progress": any(row.in_progress for row in rows), "active": "centers"},
    )


@require_POST
@subject_required
def resync(request: SubjectRequest) -> HttpResponse:
    try:
        subject_resync_request(actor=actor_for(request), subject=request.subject)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, RESYNC_REQUESTED)
    return redirect("centers:overview")
