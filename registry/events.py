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
from datetime import datetime
from typing import Any, Protocol

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.audit import Actor, audit_log
from core.errors import StateError
from core.feed import FEED_LIMIT_DEFAULT, FEED_LIMIT_MAX, POSITION, feed_slice
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
    """The events after cursor `after`, oldest first, never one a later read could slip in before:
    whole transactions in commit order, none newer than FEED_WATERMARK (core/feed.py says how, on
    SQLite and on PostgreSQL, where each event keeps its transaction's id: migration 0008_event_xid)."""
    found = feed_slice(
        SubjectEvent.objects.all(),
        after=after,
        limit=max(1, min(limit, FEED_LIMIT_MAX)),
        now=now or timezone.now(),
        fields=("subject__code", "seq", "reason", "payload"),
    )
    events = [
        FeedEvent(
            id=row["id"],
            subject_code=row["subject__code"],
            seq=row["seq"],
            reason=row["reason"],
            created_at=row["created_at"],
            payload=row["payload"],
            position=row[POSITION],
        )
        for row in found.rows
    ]
    return FeedPage(events=events, next=found.next, watermark=found.watermark)
