"""What a decision does, registered by the app that owns the thing decided.

The queue knows items by kind; the owning app registers, once at start-up (its AppConfig.ready),
two functions per kind, and optionally a third that tells the reviewer what is being decided.
approve and reject run inside the decision's transaction and get the item locked by it (its
center joined), so the item's decision and its effect (a profile approved, permissions granted, a
certificate unbound) commit together, and the owner reaches the target through that center.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.exceptions import ObjectDoesNotExist

from core.audit import Actor
from core.errors import NotFound
from review.models import ReviewItem


class Decide(Protocol):
    """approve(actor=..., item=..., opinion=...); raise DomainError to refuse the decision."""

    def __call__(self, *, actor: Actor, item: ReviewItem, opinion: str) -> Any: ...


# item -> {"title": str, "rows": [(label, value)], "links": [(label, url)],
#          "attachments": [(label, url)]}; every key but "title" may be left out.
Describe = Callable[[ReviewItem], dict[str, Any]]


@dataclass(frozen=True)
class Handler:
    approve: Decide
    reject: Decide
    describe: Describe | None = None


@dataclass(frozen=True)
class Description:
    """What the item page shows of the thing being decided."""

    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    attachments: list[tuple[str, str]] = field(default_factory=list)
    # False when the owning app could not describe it (no describe registered, or it is gone).
    described: bool = True


HANDLERS: dict[str, Handler] = {}


def review_handler_register(
    kind: str, *, approve: Decide, reject: Decide, describe: Describe | None = None
) -> None:
    HANDLERS[kind] = Handler(approve=approve, reject=reject, describe=describe)


def handler_for(kind: str) -> Handler:
    try:
        return HANDLERS[kind]
    except KeyError:
        raise LookupError(f"no review handler registered for {kind!r}") from None


def _pairs(value: Any) -> list[tuple[str, str]]:
    return [(str(label), "" if shown is None else str(shown)) for label, shown in (value or [])]


def describe(item: ReviewItem) -> Description:
    """The owning app's description of the item's target, or the bare facts the queue itself knows."""
    title = item.title
    fallback = Description(
        title=title,
        rows=[("对象类型", item.target_type), ("对象编号", item.target_id)],
        described=False,
    )
    handler = HANDLERS.get(item.kind)
    if handler is None or handler.describe is None:
        return fallback
    try:
        told = handler.describe(item)
    except (ObjectDoesNotExist, NotFound):
        # The thing was deleted after it was queued; the item still shows what it was.
        return fallback
    return Description(
        title=str(told.get("title") or title),
        rows=_pairs(told.get("rows")),
        links=_pairs(told.get("links")),
        attachments=_pairs(told.get("attachments")),
    )
