"""Reads of the signing layer; each checks that the account may see what it asks for."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core.errors import NotFound
from registry.models import Subject
from signing.models import Document, Seal, SealRequest


def _subject_of(account: Any) -> Subject:
    subject = getattr(account, "subject", None) if getattr(account, "is_authenticated", False) else None
    if subject is None:
        raise NotFound()
    return subject


def seals_for(*, account: Any, active_only: bool = False) -> QuerySet[Seal]:
    seals = Seal.objects.filter(subject=_subject_of(account)).prefetch_related("certificates")
    return seals.filter(retired_at__isnull=True) if active_only else seals


def seal_get_for(*, account: Any, pk: int) -> Seal:
    seal = Seal.objects.filter(subject=_subject_of(account), pk=pk).first()
    if seal is None:
        raise NotFound()
    return seal


def documents_for(*, account: Any) -> QuerySet[Document]:
    return Document.objects.filter(subject=_subject_of(account)).defer("pdf")


def document_get_for(*, account: Any, pk: int) -> Document:
    document = Document.objects.filter(subject=_subject_of(account), pk=pk).first()
    if document is None:
        raise NotFound()
    return document


def detect_result_get(*, session_hash: str, pk: Any) -> SealRequest:
    """The sealed sample of 签章检测, for the browser session that made it."""
    found = SealRequest.objects.filter(
        pk=pk, session_hash=session_hash, document__isnull=True, result_pdf__isnull=False
    ).first()
    if found is None:
        raise NotFound()
    return found
