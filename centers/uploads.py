"""Files chosen on a subject's form at a center are stored before anything else is checked, so a
wrong field elsewhere never loses them (the slot then holds the stored file's id)."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.http import HttpRequest

from core.errors import DomainError
from registry.attachments import attachment_store
from registry.auth import actor_for
from registry.models import Subject

FormT = TypeVar("FormT", bound=forms.Form)


def _store_uploads(request: HttpRequest, slots: list[str], post: Any) -> dict[str, str]:
    """Stores every acceptable file chosen, before anything else is checked, so that none is lost
    when another field is wrong; their ids go into the posted data. Returns refusals by slot."""
    errors = {}
    for slot in slots:
        upload = request.FILES.get(f"{slot}__file")
        if upload is None:
            continue
        try:
            stored = attachment_store(actor=actor_for(request), subject=_subject(request), upload=upload)
        except DomainError as error:
            errors[slot] = error.message
        else:
            post[slot] = str(stored.pk)
            post.pop(f"{slot}__clear", None)
    return errors


def bound_with_uploads(
    request: HttpRequest, form_class: type[FormT], slots: list[str], **options: Any
) -> tuple[FormT, bool]:
    """The posted form with the files of `slots` stored first (_store_uploads); valid only when
    the form is and every file was accepted, a refused file's reason shown at its slot."""
    post = request.POST.copy()
    refused = _store_uploads(request, slots, post)
    form = form_class(post, **options)
    valid = form.is_valid()
    for slot, message in refused.items():
        form.add_error(slot, message)
    return form, valid and not refused


def _subject(request: HttpRequest) -> Subject:
    return request.subject  # type: ignore[attr-defined]  # set by registry's subject_required
