"""The left menu of a subject's pages at a center: the centers' own items in the template, and
below them the items that higher apps (procurement) add at start-up (their AppConfig.ready), so
the centers never name them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MenuItem:
    key: str  # what a page passes as `active` to light it
    label: str
    url_name: str  # reversed with the center's code as its one argument
    # The roles (subject types) the item's business is done in; empty: every role (004 1.3: the
    # menu is the picked role's).
    roles: tuple[str, ...] = ()


CENTER_MENU: list[MenuItem] = []


def center_menu_add(item: MenuItem) -> None:
    if all(known.key != item.key for known in CENTER_MENU):
        CENTER_MENU.append(item)


def menu_for(role: str | None, effective: list[str]) -> list[MenuItem]:
    """The added items shown: those of the picked role or, while none is picked, of any held one."""
    acting = {role} if role else set(effective)
    return [item for item in CENTER_MENU if not item.roles or acting & set(item.roles)]
