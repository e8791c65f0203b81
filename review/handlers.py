"""What a decision does, registered by the app that owns the thing decided.

The queue knows items by kind; the owning app registers, once at start-up (its AppConfig.ready),
two functions per kind, and optionally a third that tells the reviewer what is being decided.
approve and reject run inside the decision's transaction, so the item's decision and its effect
(a profile approved, permissions granted, a certificate unbound) commit together.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from core.audit import Actor
from core.errors import NotFound

# (actor, target id, opinion) -> None; raise DomainError to refuse the decision.
Decide = Callable[[Actor, str, str], Any]
# target id -> {"title": str, "rows": [(label, value)], "links": [(label, url)],
#               "attachments": [(label, url)]}; every key but "title" may be left out.
Describe = Callable[[str], dict[str, Any]]


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


def describe(*, kind: str, target_type: str, target_id: str, title: str) -> Description:
    """The owning app's description of a target, or the bare facts the queue itself knows."""
    fallback = Description(
        title=title,
        rows=[("对象类型", target_type), ("对象编号", target_id)],
        described=False,
    )
    handler = HANDLERS.get(kind)
    if handler is None or handler.describe is None:
        return fallback
    try:
        told = handler.describe(target_id)
    except (ObjectDoesNotExist, NotFound):
        # The thing was deleted after it was queued; the item still shows what it was.
        return fallback
    return Description(
        title=str(told.get("title") or title),
        rows=_pairs(told.get("rows")),
        links=_pairs(told.get("links")),
        attachments=_pairs(told.get("attachments")),
    )
