"""What the public search reads of a published announcement, written once when it is published.

A search at national scale (a million announcements and more) cannot join projects, lots and
documents and scan their text. So publishing stores, on the announcement row itself:
- `search_text`: its title, the project's name, code and purchaser, the lots' names and catalogue
  names and the start of its content, folded (NFKC, lower case), for substring search;
- `search_facets`: one token per filter value, space-separated — `center:changde`, `kind:award`,
  `method:open`, the purchaser's region at each level (`region:43`, `region:4307`, `region:430702`,
  from positions 3–8 of its 统一社会信用代码, the registering authority's 行政区划代码) and each lot's
  catalogue code at each level (`cat:A`, `cat:A02`, `cat:A0201`…);
- `budget`: the project's budget, for the range filter.

On PostgreSQL one GIN index answers the words and every facet at once (migration
0008_announcement_search): ggzy_search_terms(search_text, search_facets) is the text's character
bigrams — Chinese has no spaces, so every two neighbouring characters are a term, and a query of
two characters or more is found through the index — together with the facet tokens. A query's own
terms must all be there (array containment), and the substring is then checked on the row, so a
bigram match that is not the phrase is never shown. SQLite (the embedded default) checks the same
columns by scanning.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from procurement.announcement_models import Announcement

CONTENT_CHARS = 500  # the start of a long explanation is enough to be found by
REGION_LEVELS = (2, 4, 6)  # province, city, county of a 行政区划代码
CATALOGUE_LEVELS = (1, 3, 5, 7, 9)  # A · A02 · A0201 · A020101 · A02010105


def fold(text: str) -> str:
    """The form both the stored text and a query are compared in: full-width letters and digits made
    half-width (NFKC), lower case, runs of spaces one space."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def search_fields(announcement: Announcement) -> dict[str, Any]:
    project = announcement.project
    lot = announcement.lot
    lots = [lot] if lot is not None else list(announcement.tender.lots.order_by("number"))
    text = " ".join(
        part
        for part in [
            announcement.document.title,
            project.name,
            project.code,
            project.purchaser_name,
            *(lot.name for lot in lots),
            *(lot.catalogue_name for lot in lots),
            announcement.content[:CONTENT_CHARS],
            announcement.winner_name,
        ]
        if part
    )
    facets = [
        facet("center", announcement.center.code),
        facet("kind", announcement.kind),
        *([facet("method", project.method)] if project.method else []),
        *region_facets(project.purchaser_code),
        *sorted({f for lot in lots for f in catalogue_facets(lot.catalogue_code)}),
    ]
    # Spaces at both ends, so every token, the first and the last too, is found as " token ".
    return {"search_text": fold(text), "search_facets": f" {' '.join(facets)} ", "budget": project.budget}


def facet(name: str, value: str) -> str:
    return f"{name}:{value}"


def region_facets(uscc: str) -> list[str]:
    region = uscc[2:8] if len(uscc) == 18 else ""
    if not region.isdigit():
        return []
    # A level of zeros is none: 430000 is registered at the province, 430700 at the city.
    return [facet("region", region[:n]) for n in REGION_LEVELS if n == 2 or region[n - 2 : n] != "00"]


def catalogue_facets(code: str) -> list[str]:
    code = code.strip().upper()
    return [facet("cat", code[:n]) for n in CATALOGUE_LEVELS if len(code) >= n]


def query_terms(words: list[str], facets: list[str]) -> list[str]:
    """The terms a row must all have (as ggzy_search_terms gives them) to match `words` (folded) and
    `facets`: each word's bigrams, and the facet tokens."""
    grams = {word[i : i + 2] for word in words for i in range(len(word) - 1)}
    return sorted(grams) + facets


def search_fields_store(announcement: Announcement) -> None:
    """At publication, inside its transaction."""
    for name, value in search_fields(announcement).items():
        setattr(announcement, name, value)
    announcement.save(update_fields=["search_text", "search_facets", "budget"])
