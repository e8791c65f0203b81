"""Who may open a back-office page: a staff account with a StaffMember whose roles grant the
permission the view declares (review/permissions.py)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse

from core.audit import Actor
from core.errors import DomainError, NotFound
from registry.auth import actor_for
from review import rules
from review.models import StaffMember
from review.permissions import PERMISSION_LABELS, Permission, permissions_of
from review.services import role_labels, staff_member_of

# The back-office menu: (permission, label, url name), in the order shown.
MENU = [
    (Permission.QUEUE, "审核队列", "backoffice:queue"),
    (Permission.SUBJECTS, "主体查询", "backoffice:subjects"),
    (Permission.STAFF, "工作人员", "backoffice:staff"),
    (Permission.CALENDAR, "节假日与调休", "backoffice:calendar"),
    (Permission.VENUES, "场地管理", "backoffice:rooms"),
    (Permission.EVALUATIONS, "评标结果", "backoffice:evaluations"),
]


class StaffRequest(HttpRequest):
    staff: StaffMember
    actor: Actor
    granted: frozenset[Permission]


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    # A staff member missing a permission keeps the back-office around the message.
    if getattr(request, "staff", None) is not None:
        return staff_render(request, "backoffice/forbidden_staff.html", {"message": message}, status=403)
    return render(request, "backoffice/forbidden.html", {"message": message}, status=403)


def staff_render(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    return render(request, template, {**staff_context(request), **(context or {})}, status=status)


def staff_required(
    permission: Permission,
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """A back-office view needing `permission`. Anonymous visitors go to the login page; a
    logged-in account that is not staff, or lacks the permission, gets 403 with the reason;
    NotFound from a selector or service becomes 404."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("registry:login"))
            actor = actor_for(request)
            try:
                member = staff_member_of(actor)
            except DomainError:
                return forbidden(request, rules.STAFF_ONLY)
            staff_request: StaffRequest = request  # type: ignore[assignment]
            staff_request.staff = member
            # The page header asks user.staff_member too; the member just read answers it.
            request.user.staff_member = member  # type: ignore[union-attr]
            staff_request.actor = actor
            staff_request.granted = permissions_of(member.roles)
            if permission not in staff_request.granted:
                return forbidden(
                    request,
                    rules.NO_PERMISSION.format(
                        roles=role_labels(member.roles), permission=PERMISSION_LABELS[permission]
                    ),
                )
            try:
                return view(staff_request, *args, **kwargs)
            except NotFound as error:
                raise Http404(error.message) from error

        wrapper.permission = permission  # type: ignore[attr-defined]
        return wrapper

    return decorator


def staff_context(request: HttpRequest) -> dict[str, Any]:
    """What the layout shows: the member, their center and roles, and the menu they may use."""
    staff = getattr(request, "staff", None)
    if staff is None:
        return {}
    granted: frozenset[Permission] = getattr(request, "granted", frozenset())
    return {
        "staff": staff,
        "staff_roles": role_labels(staff.roles),
        "staff_menu": [(label, reverse(name), name) for perm, label, name in MENU if perm in granted],
        "may": {perm.value: perm in granted for perm in Permission},
    }
