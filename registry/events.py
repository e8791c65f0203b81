"""The registry's subject events: its outbox to the trading centers and its public change feed.

Every change a center must know of (registration, a record submitted or changed, 作废 and 取消作废,
a re-sync the subject asks for) records one SubjectEvent in the transaction of the change. The
event carries the subject's whole state as it stands after the change, so a center that applies
the newest event it has not seen is up to date, and applying one twice changes nothing.

Two readers take the events from here:
- in one deployment, the sync engine (centers/sync.py), one of the `listeners` (centers/apps.py
  adds it at start-up; the registry names no reader): recording an event also marks, in the same
  transaction, which centers want it (SyncState), and once the transaction commits the worker is
  told to deliver it;
- a center deployed apart reads them over HTTP (registry/views_feed.py → subject_feed_page) from
  a cursor, and never sees a position twice or skips one (see subject_feed_page).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby
from typing import Any, Protocol

from django.db import connection, transaction
from django.db.models import BigIntegerField, F, Max
from django.db.models.expressions import RawSQL
from django.db.models.lookups import Exact, GreaterThan, LessThan, Lookup
from django.utils import timezone

from core.audit import Actor, audit_log
from core.errors import StateError
from registry import rules
from registry.models import (
    EventReason,
    Record,
    RecordKind,
    RecordStatus,
    Subject,
    SubjectEvent,
    SubjectStatus,
)

# 000 §5 情况1: a subject whose basic information was never submitted is 无效, and no center takes it.
RESYNC_NOT_VALID = "您的主体状态为「无效」：请先提交基本信息，状态变为「有效」后才会同步到各交易中心。"

# DOMAIN §6 (ProZorro): the feed serves only events at least this old, so a reader never races a
# commit that is finishing just now. The exact guards are below (subject_feed_page); this one is
# the portable one every database gets.
FEED_WATERMARK = timedelta(seconds=1)
FEED_LIMIT_DEFAULT = 100
FEED_LIMIT_MAX = 500


class EventListener(Protocol):
    """Told of each event inside the transaction that records it; an error undoes the change."""

    def __call__(self, *, subject_id: int, seq: int) -> object: ...


# Who hears of each event as it is recorded, added by their AppConfig.ready. A center deployed apart
# adds nothing here: it reads the feed.
listeners: list[EventListener] = []


def event_listener_add(listener: EventListener) -> None:
    if listener not in listeners:
        listeners.append(listener)


def subject_event_record(*, subject: Subject, reason: str) -> SubjectEvent:
    """Record that `subject` changed, inside the transaction of the change.

    The subject row is locked, so the events of one subject are numbered 1, 2, 3 … in the order
    their transactions commit, and the snapshot is read after every change of this transaction.
    """
    if not transaction.get_connection().in_atomic_block:
        # Outside the change's transaction the event could report a change that never happened.
        raise RuntimeError("subject_event_record must run inside the transaction of the change it reports")
    # FOR NO KEY UPDATE, not FOR UPDATE: the worker inserting a CenterSubject takes a KEY SHARE
    # lock on this row for its foreign key while it holds a SyncState row this transaction is
    # about to update. FOR UPDATE would conflict with that and deadlock; NO KEY UPDATE does not,
    # and still serialises the events of one subject.
    locked = Subject.objects.select_for_update(no_key=True).get(pk=subject.pk)
    last = SubjectEvent.objects.filter(subject=locked).aggregate(last=Max("seq"))["last"] or 0
    event = SubjectEvent.objects.create(
        subject=locked, seq=last + 1, reason=reason, payload=subject_snapshot(locked)
    )
    for listener in listeners:
        listener(subject_id=locked.pk, seq=event.seq)
    return event


def subject_snapshot(subject: Subject) -> dict[str, Any]:
    """What a center keeps of a subject: the registry's data in force, as plain JSON."""
    records = list(
        Record.objects.filter(subject=subject).select_related("current").order_by("kind", "created_at", "id")
    )
    basic = next((r for r in records if r.kind == RecordKind.BASIC), None)
    return {
        "code": subject.code,
        "code_type": subject.code_type,
        "kind": subject.kind,
        "name": subject.name,
        "status": subject.status,
        "bidding_scope": subject.bidding_scope,
        # The version in force, never a draft being edited.
        "basic": dict(basic.current.data) if basic is not None and basic.current is not None else {},
        "records": [
            {"kind": r.kind, "title": r.title, "version": r.current.number}
            for r in records
            if r.kind != RecordKind.BASIC and r.status == RecordStatus.SUBMITTED and r.current is not None
        ],
        "updated_at": subject.updated_at.isoformat(),
    }


def subject_resync_request(*, actor: Actor, subject: Subject) -> SubjectEvent:
    """000 §5 情况2: the subject's data is valid but a center does not show it; send it again.

    A new event with the current snapshot goes to every center, which also retries at once a
    delivery that was waiting after failures.
    """
    with transaction.atomic():
        locked = Subject.objects.select_for_update(no_key=True).get(pk=subject.pk)
        if locked.status != SubjectStatus.VALID:
            raise StateError(RESYNC_NOT_VALID)
        event = subject_event_record(subject=locked, reason=EventReason.RESYNC)
        audit_log(
            actor=actor,
            action=rules.AUDIT_SUBJECT_RESYNC_REQUESTED,
            target=locked,
            subject_id=locked.pk,
            data={"seq": event.seq},
        )
    return event


# --- the change feed --------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedEvent:
    id: int
    subject_code: str
    seq: int
    reason: str
    created_at: datetime
    payload: dict[str, Any]
    # The cursor after this event's transaction: a reader stores it once it has applied every
    # event of that position (on SQLite each event is its own position).
    position: int

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "subject_code": self.subject_code,
            "seq": self.seq,
            "reason": self.reason,
            "created_at": self.created_at.isoformat(),
            "position": self.position,
            "payload": self.payload,
        }


@dataclass(frozen=True)
class FeedPage:
    events: list[FeedEvent]
    next: int  # the cursor to ask with next time; `after` again when nothing was served
    watermark: datetime  # nothing newer than this was served


def subject_feed_page(
    *, after: int, limit: int = FEED_LIMIT_DEFAULT, now: datetime | None = None
) -> FeedPage:
    """The events after cursor `after`, oldest first, never one a later read could slip in before.

    A reader that stored cursor C must never later meet an event positioned at or before C. Row ids
    come from a sequence when the row is inserted, but transactions commit in their own order, so
    id order alone would let a reader pass an id whose transaction is still running:
    - SQLite runs one write transaction at a time (BEGIN IMMEDIATE, config/settings.py), so id order
      is commit order and the id is the position.
    - PostgreSQL: each event stores the id of the transaction that inserted it (column `xid`,
      migration 0008_event_xid), and the feed is ordered by it. Only transactions older than every
      still-running one are served (`xid < pg_snapshot_xmin(pg_current_snapshot())`); a transaction
      not finished yet has an id at or above that, so it can only ever land after the cursor. The
      events of one transaction share a position and are served together, never split by a page.
      (A transaction left open anywhere on the server holds the feed back until it ends.)
    On both, events newer than FEED_WATERMARK are held back too, as DOMAIN §6 asks.
    """
    now = now or timezone.now()
    watermark = now - FEED_WATERMARK
    limit = max(1, min(limit, FEED_LIMIT_MAX))
    position = _position()
    rows = _feed_rows(GreaterThan(position, after), limit=limit)
    if len(rows) == limit:
        # The page may have cut the last transaction's events short: complete it.
        last = rows[-1]
        rows += _feed_rows(Exact(position, last.position), GreaterThan(F("id"), last.id))
    served: list[FeedEvent] = []
    for _, group in groupby(rows, key=lambda event: event.position):
        events = list(group)
        # Stop at the first position with anything too fresh, so what is served stays a prefix.
        if any(event.created_at > watermark for event in events):
            break
        served += events
    return FeedPage(events=served, next=served[-1].position if served else after, watermark=watermark)


def _position() -> RawSQL | F:
    if connection.vendor == "postgresql":
        return RawSQL('"registry_subjectevent"."xid"', [], output_field=BigIntegerField())
    # SQLite: one writer at a time, so the id is the commit order (see subject_feed_page).
    return F("id")


def _feed_rows(*conditions: Lookup, limit: int | None = None) -> list[FeedEvent]:
    position = _position()
    rows = SubjectEvent.objects.filter(*conditions)
    if connection.vendor == "postgresql":
        finished = RawSQL(
            "pg_snapshot_xmin(pg_current_snapshot())::text::bigint", [], output_field=BigIntegerField()
        )
        rows = rows.filter(LessThan(position, finished))
    rows = rows.order_by(position.asc(), "id")
    fields = rows.values_list("id", "subject__code", "seq", "reason", "created_at", "payload", position)
    return [
        FeedEvent(
            id=id_,
            subject_code=code,
            seq=seq,
            reason=reason,
            created_at=created_at,
            payload=payload,
            position=int(at),
        )
        for id_, code, seq, reason, created_at, payload, at in (fields[:limit] if limit else fields)
    ]
