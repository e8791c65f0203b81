"""A public change feed in commit order: the rows after a cursor, never one a later read could slip
in before. The registry's subject feed (registry/events.py) and the open-data release feed
(procurement/ocds.py) both page through here.

A reader that stored cursor C must never later meet a row positioned at or before C. Row ids come
from a sequence when the row is inserted, but transactions commit in their own order, so id order
alone would let a reader pass an id whose transaction is still running:
- SQLite runs one write transaction at a time (BEGIN IMMEDIATE, config/settings.py), so id order is
  commit order and the id is the position.
- PostgreSQL: each row stores the id of the transaction that inserted it (a column `xid` filled by
  the database, see xid_column), and the feed is ordered by it. Only transactions older than every
  still-running one are served (`xid < pg_snapshot_xmin(pg_current_snapshot())`); a transaction not
  finished yet has an id at or above that, so it can only ever land after the cursor. The rows of
  one transaction share a position and are served together, never split by a page. (A transaction
  left open anywhere on the server holds the feed back until it ends.)
On both, rows newer than FEED_WATERMARK are held back too, as DOMAIN §6 asks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby
from typing import Any

from django.db import connection, migrations
from django.db.models import BigIntegerField, F, Model, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.lookups import Exact, GreaterThan, LessThan, Lookup

# DOMAIN §6 (ProZorro): a feed serves only rows at least this old, so a reader never races a commit
# that is finishing just now. The exact guard is the transaction order above; this one is the
# portable one every database gets.
FEED_WATERMARK = timedelta(seconds=1)

POSITION = "position"
FEED_LIMIT_DEFAULT = 100
FEED_LIMIT_MAX = 500
BAD_AFTER = "after must be a cursor (a whole number ≥ 0) from an earlier answer"
BAD_LIMIT = f"limit must be a whole number from 1 to {FEED_LIMIT_MAX}"
# A cursor is a bigint: more digits than this cannot be one, and would overflow the query.
WHOLE_DIGITS_MAX = 18


def cursor_args(query: Mapping[str, str]) -> tuple[int, int] | str:
    """A feed request's `after` (default 0) and `limit` (default FEED_LIMIT_DEFAULT), or what is
    wrong with them, for a 400."""
    after = _whole(query.get("after", "0"))
    if after is None:
        return BAD_AFTER
    limit = _whole(query.get("limit", str(FEED_LIMIT_DEFAULT)))
    if limit is None or not 1 <= limit <= FEED_LIMIT_MAX:
        return BAD_LIMIT
    return after, limit


def _whole(value: str) -> int | None:
    if not (value.isascii() and value.isdigit()) or len(value) > WHOLE_DIGITS_MAX:
        return None
    return int(value)


@dataclass(frozen=True)
class FeedSlice:
    rows: list[dict[str, Any]]  # the fields asked for, and POSITION, oldest first
    next: int  # the cursor to ask with next time; `after` again when nothing was served
    watermark: datetime  # nothing newer than this was served


def position_of(model: type[Model]) -> RawSQL | F:
    if connection.vendor == "postgresql":
        return RawSQL(f'"{model._meta.db_table}"."xid"', [], output_field=BigIntegerField())
    # SQLite: one writer at a time, so the id is the commit order.
    return F("id")


def feed_slice(
    rows: QuerySet[Any],
    *,
    after: int,
    limit: int,
    now: datetime,
    fields: tuple[str, ...],
    created: str = "created_at",
) -> FeedSlice:
    """The rows of `rows` after cursor `after`, oldest first, whole transactions only, none newer
    than the watermark. `fields` are read with values(); `id` and `created` are always among them."""
    watermark = now - FEED_WATERMARK
    fields = tuple(dict.fromkeys(("id", created, *fields)))
    position = position_of(rows.model)
    found = _committed(rows, GreaterThan(position, after), fields=fields, limit=limit)
    if len(found) == limit:
        # The page may have cut the last transaction's rows short: complete it.
        last = found[-1]
        found += _committed(
            rows, Exact(position, last[POSITION]), GreaterThan(F("id"), last["id"]), fields=fields
        )
    served: list[dict[str, Any]] = []
    for _, group in groupby(found, key=lambda row: row[POSITION]):
        same = list(group)
        # Stop at the first position with anything too fresh, so what is served stays a prefix.
        if any(row[created] > watermark for row in same):
            break
        served += same
    return FeedSlice(rows=served, next=served[-1][POSITION] if served else after, watermark=watermark)


def _committed(
    rows: QuerySet[Any], *conditions: Lookup, fields: tuple[str, ...], limit: int | None = None
) -> list[dict[str, Any]]:
    position = position_of(rows.model)
    rows = rows.filter(*conditions)
    if connection.vendor == "postgresql":
        finished = RawSQL(
            "pg_snapshot_xmin(pg_current_snapshot())::text::bigint", [], output_field=BigIntegerField()
        )
        rows = rows.filter(LessThan(position, finished))
    found = rows.order_by(position.asc(), "id").values(*fields, **{POSITION: position})
    return [{**row, POSITION: int(row[POSITION])} for row in (found[:limit] if limit else found)]


def xid_column(table: str) -> migrations.RunPython:
    """A migration's operation giving `table` the column `xid` on PostgreSQL: the id of the
    transaction that inserted each row, filled by the database (a default), never by Django, so the
    model does not name it; with an index for the feed's order. SQLite needs nothing."""

    def add(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        # xid8 as bigint: 64 bits that never wrap, comparable with pg_snapshot_xmin() cast the same way.
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN xid bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint)"
        )
        schema_editor.execute(f"CREATE INDEX {table}_feed ON {table} (xid, id)")

    def drop(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN xid")

    return migrations.RunPython(add, drop)
