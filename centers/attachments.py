"""Which of the centers' stored fields hold attachment references ({id, name, sha256, size}).

Each owner declares its own fields (profiles: the registry's data; practitioners: their 电子件;
unbind: the letter and the licence), and the back-office serves a file to a center's staff only
when one of those fields of that subject's data at the center refers to it
(centers/staff_selectors.attachment_for). Nothing else in the JSON is taken for a reference.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models

from centers.models import Center, CenterSubject

# A stored value -> the attachment references it holds (None and empty slots are left out).
References = Callable[[Any], Iterable[Any]]


def one(value: Any) -> Iterable[Any]:
    """A field holding a single reference."""
    return [value]


def by_slot(value: Any) -> Iterable[Any]:
    """A field holding {slot: reference}."""
    return value.values() if isinstance(value, dict) else []


@dataclass(frozen=True)
class AttachmentField:
    model: type[models.Model]  # a model with a center-scoped manager (objects.at)
    field: str
    references: References
    # The lookup from the model to the subject's entry at the center ("pk" for the entry itself).
    entry: str = "center_subject"


ATTACHMENT_FIELDS: list[AttachmentField] = []


def attachment_fields_declare(*fields: AttachmentField) -> None:
    ATTACHMENT_FIELDS.extend(field for field in fields if field not in ATTACHMENT_FIELDS)


def attachment_ids(center: Center, entry: CenterSubject) -> Iterator[str]:
    """The ids of the files the entry's data at the center refers to, one query per model."""
    grouped: dict[tuple[type[models.Model], str], list[AttachmentField]] = defaultdict(list)
    for field in ATTACHMENT_FIELDS:
        grouped[(field.model, field.entry)].append(field)
    for (model, lookup), fields in grouped.items():
        rows = (
            model.objects.at(center)  # type: ignore[attr-defined]
            .filter(**{lookup: entry.pk})
            .values_list(*(f.field for f in fields))
        )
        for row in rows:
            for field, value in zip(fields, row, strict=True):
                for reference in field.references(value) if value else ():
                    if isinstance(reference, dict) and reference.get("id") is not None:
                        yield str(reference["id"])
