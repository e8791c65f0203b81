"""Reads of tender documents and clarifications: always through one center and one agency."""

from __future__ import annotations

from django.db.models import QuerySet

from centers.models import Center, CenterSubject
from core.errors import NotFound
from procurement.models import Project, ProjectStatus
from procurement.tender_models import Clarification, TenderDocument


def tenders_for(*, center: Center, agency: CenterSubject) -> QuerySet[TenderDocument]:
    """交易文件列表: the agency's tender documents at the center, newest first."""
    return (
        TenderDocument.objects.at(center)
        .filter(agency=agency)
        .select_related("project")
        .prefetch_related("lots")
        .order_by("-created_at", "-pk")
    )


def tender_get_for(*, center: Center, agency: CenterSubject, pk: int) -> TenderDocument:
    """One of the agency's tender documents; missing and someone else's look alike."""
    tender = (
        TenderDocument.objects.at(center)
        .filter(agency=agency, pk=pk)
        .select_related("center", "agency__subject", "project", "document")
        .first()
    )
    if tender is None:
        raise NotFound()
    return tender


def clarification_get_for(*, tender: TenderDocument, number: int) -> Clarification:
    clarification = tender.clarifications.select_related("document").filter(number=number).first()
    if clarification is None:
        raise NotFound()
    clarification.tender = tender
    return clarification


def approved_projects_for(*, center: Center, agency: CenterSubject) -> QuerySet[Project]:
    """The projects a tender document may be made for: the agency's approved ones."""
    return (
        Project.objects.at(center)
        .filter(agency=agency, status=ProjectStatus.APPROVED)
        .prefetch_related("lots")
        .order_by("-created_at", "-pk")
    )


def approved_project_get_for(*, center: Center, agency: CenterSubject, pk: int) -> Project:
    project = (
        approved_projects_for(center=center, agency=agency)
        .select_related("center", "agency")
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise NotFound()
    return project
