"""The national government-procurement catalogue (政府采购品目分类目录, 财库〔2022〕31号) as data.

A lot's 采购目录 is picked from it. The rows, and where they come from, are in data/catalogue.csv;
it is read once per process and never changes while the process runs, so nothing here touches the
database.

Codes: A 货物, B 工程, C 服务 at level 1, then the letter and 8 digits, 2 per level below it
(A02000000 设备, A02010000 信息化设备, A02010100 计算机, A02010105 台式计算机). A code's
prefix without its trailing zeros is the prefix of every code under it, so "A0201" finds 信息化设备
and all it holds.
"""

from __future__ import annotations

import csv
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "catalogue.csv"
KINDS = {"A": "货物", "B": "工程", "C": "服务"}


@dataclass(frozen=True)
class Item:
    """One 品目 of the catalogue; `parent` is None at level 1 (A, B, C)."""

    code: str
    name: str
    parent: str | None
    level: int

    @property
    def kind(self) -> str:
        return KINDS[self.code[0]]


@dataclass(frozen=True)
class _Catalogue:
    items: tuple[Item, ...]  # in code order, as the catalogue lists them
    by_code: dict[str, Item]
    children: dict[str | None, tuple[Item, ...]]
    # (code, name) of each item as a search compares them (see _fold), in the order of `items`.
    folded: tuple[tuple[str, str], ...]


def _fold(text: str) -> str:
    """Text as a search compares it: full-width letters, digits and brackets as their ASCII selves
    (an IME types Ａ０２ and （ as readily as A02 and (, and the catalogue itself mixes them),
    Latin case ignored."""
    return unicodedata.normalize("NFKC", text).casefold()


@cache
def _catalogue() -> _Catalogue:
    with DATA.open(encoding="utf-8", newline="") as file:
        rows = csv.DictReader(line for line in file if not line.startswith("#"))
        items = tuple(
            Item(code=row["code"], name=row["name"], parent=row["parent"] or None, level=int(row["level"]))
            for row in rows
        )
    children: dict[str | None, list[Item]] = defaultdict(list)
    for item in items:
        children[item.parent].append(item)
    return _Catalogue(
        items=items,
        by_code={item.code: item for item in items},
        children={parent: tuple(under) for parent, under in children.items()},
        folded=tuple((_fold(item.code), _fold(item.name)) for item in items),
    )


def catalogue_item(code: str) -> Item | None:
    """The item with exactly this code (A02010105), or None."""
    return _catalogue().by_code.get(code)


def catalogue_children(code: str | None = None) -> list[Item]:
    """The items directly under `code`, in code order; under None, the three kinds A, B, C.
    An unknown code has none."""
    return list(_catalogue().children.get(code, ()))


def kind_of(code: str) -> str | None:
    """货物, 工程 or 服务 for a code of the catalogue; None for a code that is not in it."""
    item = catalogue_item(code)
    return item.kind if item else None


def catalogue_search(query: str, limit: int = 20) -> list[Item]:
    """Items whose code starts with, or whose name contains, every word of `query`.

    The item whose code is the query comes first, then one whose name is the query, then the rest
    in code order: a category before what it holds, as the catalogue lists them. A blank query
    finds nothing (there is no sensible first 20 of 4,000 items).
    """
    terms = _fold(query).split()
    if not terms or limit <= 0:
        return []
    catalogue = _catalogue()
    found = []
    for item, (code, name) in zip(catalogue.items, catalogue.folded, strict=True):
        if all(code.startswith(term) or term in name for term in terms):
            found.append((item, code, name))
    whole = " ".join(terms)
    found.sort(key=lambda match: (match[1] != whole, match[2] != whole, match[0].code))
    return [item for item, _, _ in found[:limit]]
