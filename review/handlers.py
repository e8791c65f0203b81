"""What a decision does, registered by the app that owns the thing decided.

The queue knows items by kind; the owning app registers, once at start-up (its AppConfig.ready),
two functions per kind. Each runs inside the decision's transaction, so the item's decision and
its effect (a profile approved, permissions granted, a certificate unbound) commit together.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.audit import Actor

# (actor, target id, opinion) -> None; raise DomainError to refuse the decision.
Decide = Callable[[Actor, str, str], Any]


@dataclass(frozen=True)
class Handler:
    approve: Decide
    reject: Decide


HANDLERS: dict[str, Handler] = {}


def review_handler_register(kind: str, *, approve: Decide, reject: Decide) -> None:
    HANDLERS[kind] = Handler(approve=approve, reject=reject)


def handler_for(kind: str) -> Handler:
    try:
        return HANDLERS[kind]
    except KeyError:
        raise LookupError(f"no review handler registered for {kind!r}") from None
