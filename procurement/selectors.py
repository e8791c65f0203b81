"""Reads of projects: always through one center and one agency, so nobody reads another's."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum

from centers.models import Center, CenterSubject
from core.errors import NotFound
from procurement.models import Lot, Project, ProjectStatus


def projects_for(
    *, center: Center, agency: CenterSubject, status: str = "", query: str = ""
) -> QuerySet[Project]:
    """项目列表: the agency's projects at the center, newest first, with lot counts and totals."""
    projects = Project.objects.at(center).filter(agency=agency)
    if status in ProjectStatus.values:
        projects = projects.filter(status=status)
    if query:
        projects = projects.filter(Q(name__icontains=query) | Q(code__icontains=query))
    return projects.annotate(lot_count=Count("lots"), lot_budget=Sum("lots__budget")).order_by(
        "-created_at", "-pk"
    )


def project_get_for(*, center: Center, agency: CenterSubject, pk: int) -> Project:
    """One of the agency's projects at the center; missing and someone else's look alike."""
    project = (
        Project.objects.at(center).filter(agency=agency, pk=pk).select_related("center", "agency").first()
    )
    if project is None:
        raise NotFound()
    return project


def lots_for(*, center: Center, agency: CenterSubject) -> QuerySet[Lot]:
    """The lots of the agency's projects at the center, with their project."""
    return Lot.objects.filter(project__center=center, project__agency=agency).select_related("project")


def lot_get_for(*, center: Center, agency: CenterSubject, pk: int) -> Lot:
    """One of the agency's lots at the center; missing and someone else's look alike."""
    lot = lots_for(center=center, agency=agency).filter(pk=pk).first()
    if lot is None:
        raise NotFound()
    return lot
