"""The sync engine: the registry's subject events delivered to every center, in seconds.

000 §1 promises registry data "在半小时内同步到各地市交易中心"; here it takes well under a second
(`make bench` prints the lag).

- registry/events.py records each event in the transaction of the change and calls its listeners;
  sync_request is one (centers/apps.py adds it). It marks in that same transaction what each center
  wants (SyncState.wanted_seq) and, once it commits, queues a delivery per center (core/queue.py,
  Huey; the task is centers/tasks.deliver).
- sync_deliver applies the events a center has not applied, in seq order, each in a transaction of
  its own that also advances SyncState.delivered_seq. A worker killed at any moment leaves either
  the event applied and counted or neither, so nothing is lost and nothing applied twice.
- sync_sweep, every few seconds, queues again whatever is due and not delivered: a message lost
  with a killed worker, a retry after a failure, a center that resumed taking deliveries.
- center_subject_apply is the center's side of one event; a center deployed apart calls it too,
  from the HTTP feed (centers/follow.py).
"""

import logging
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from centers import rules, subject_types
from centers.models import (
    Center,
    CenterSource,
    CenterSubject,
    CenterSubjectType,
    SubjectOrigin,
    SubjectType,
    SyncState,
    SyncStatus,
)
from core import queue
from core.audit import SYSTEM, audit_log
from core.errors import DomainError
from core.outbox import retry_delay
from registry.models import Subject, SubjectEvent, SubjectStatus

logger = logging.getLogger(__name__)

# What the subject's page says (centers/views_sync.py); tests assert these.
CENTER_STOPPED = "交易中心暂停接收，恢复后自动同步"
APPLY_FAILED = "交易中心处理您的信息时出错"
PAYLOAD_INCOMPLETE = "统一注册平台发来的信息不完整（缺少 {fields}）"
SUBJECT_UNKNOWN = "交易中心的数据库中没有代码为 {code} 的主体"

# After this many failed attempts in a row the state shows 同步失败 (it is still retried).
FAIL_AFTER = 3
# The delivery queued when a change commits is the first attempt. The sweep queues a row again
# only when it is still undelivered this long after (a lost message, a worker that died), so a
# busy queue is not flooded with repeats of work already waiting in it.
SWEEP_GRACE = timedelta(seconds=10)
SWEEP_BATCH = 500
REQUIRED_KEYS = ("code", "kind", "name", "status", "basic")
# The queue task that runs sync_deliver: centers/tasks.deliver, added to the queue by centers/apps.py.
# Queued by name, since the tasks module is built on this one.
DELIVER_TASK = "deliver"


# --- the registry's side: wanting and queueing ------------------------------------------------


def sync_request(*, subject_id: int, seq: int, now: datetime | None = None) -> list[int]:
    """Event `seq` of the subject was just recorded: every center fed by the registry wants it.

    Runs inside the event's transaction (registry/events.subject_event_record, which holds the
    subject's row lock, so two events of one subject never race here). Returns the center ids.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("sync_request must run inside the transaction of the event")
    now = now or timezone.now()
    centers = list(
        Center.objects.filter(source=CenterSource.REGISTRY).order_by("pk").values_list("pk", flat=True)
    )
    for center_id in centers:
        found = (
            SyncState.objects.at(center_id)
            .filter(subject_id=subject_id)
            .update(
                wanted_seq=seq,
                requested_at=now,
                next_attempt_at=now + SWEEP_GRACE,
                # A state that failed keeps its status and reason until a delivery succeeds: the
                # change does not cure the failure, it only asks for the next attempt now.
                status=Case(
                    When(status=SyncStatus.SYNCED, then=Value(SyncStatus.PENDING)), default=F("status")
                ),
            )
        )
        if not found:
            SyncState.objects.at(center_id).create(
                center_id=center_id,
                subject_id=subject_id,
                wanted_seq=seq,
                requested_at=now,
                next_attempt_at=now + SWEEP_GRACE,
            )
    transaction.on_commit(lambda: _enqueue([(center_id, subject_id) for center_id in centers]))
    return centers


def _enqueue(pairs: list[tuple[int, int]]) -> None:
    # Runs after the change committed: a queue that cannot be reached must not turn the user's
    # saved change into an error page. The sweep queues the delivery later instead.
    for center_id, subject_id in pairs:
        try:
            queue.enqueue(DELIVER_TASK, center_id, subject_id)
        except Exception:
            logger.exception("could not queue delivery of subject %s to center %s", subject_id, center_id)


def sync_sweep(now: datetime | None = None) -> int:
    """Queue again every delivery that is due and not done; returns how many were queued.

    This is what makes delivery survive a killed worker or a lost queue message. A stopped center's
    deliveries are left alone until it takes deliveries again.
    """
    now = now or timezone.now()
    skip_locked = connection.features.has_select_for_update_skip_locked
    with transaction.atomic():
        # The one place that looks across every center at once: finding work is the point.
        due = list(
            SyncState.unscoped.filter(
                status__in=[SyncStatus.PENDING, SyncStatus.FAILED],
                next_attempt_at__lte=now,
                delivered_seq__lt=F("wanted_seq"),
                center__accepts_sync=True,
            )
            .order_by("next_attempt_at", "id")
            # A row locked now is being delivered: leave it to that worker.
            .select_for_update(skip_locked=skip_locked, of=("self",))
            .values_list("pk", "center_id", "subject_id")[:SWEEP_BATCH]
        )
        # Not queued again for SWEEP_GRACE, however long the queue takes to reach it.
        SyncState.unscoped.filter(pk__in=[pk for pk, _, _ in due]).update(next_attempt_at=now + SWEEP_GRACE)
        pairs = [(center_id, subject_id) for _, center_id, subject_id in due]
        transaction.on_commit(lambda: _enqueue(pairs))
    return len(due)


# --- delivery ---------------------------------------------------------------------------------


class _Step(Enum):
    APPLIED = "applied"  # one event applied, more to come
    APPLIED_LAST = "applied_last"  # the last wanted event applied: caught up
    DONE = "done"  # nothing to apply
    BUSY = "busy"
    STOPPED = "stopped"
    FAILED = "failed"


# Events are read this many at a time (they never change once written); each is still applied in a
# transaction of its own.
EVENT_BATCH = 100


def sync_deliver(*, center_id: int, subject_id: int) -> int:
    """Apply, in seq order, every event of the subject the center has not applied; returns how many.

    Each event is one transaction holding the SyncState row lock: the center's change and the
    advance of delivered_seq commit together. Another worker on the same row is skipped: it is
    delivering already and re-reads the row before each event. Once delivered_seq reaches the
    wanted_seq it read, this returns; an event recorded meanwhile had to wait for the row lock to
    raise wanted_seq, and queues a delivery of its own when it commits.
    """
    # Read once per call: a center stopped meanwhile takes what this call is applying and waits
    # from the next delivery on.
    center = Center.objects.filter(pk=center_id).first()
    subject = Subject.objects.filter(pk=subject_id).first()
    if center is None or subject is None:
        return 0
    applied = 0
    upcoming: list[SubjectEvent] = []
    while True:
        step = _deliver_next(center, subject, upcoming)
        if step in (_Step.APPLIED, _Step.APPLIED_LAST):
            applied += 1
        if step is not _Step.APPLIED:
            break
    logger.debug("subject %s at center %s: %s applied, then %s", subject_id, center_id, applied, step.value)
    return applied


def _deliver_next(center: Center, subject: Subject, upcoming: list[SubjectEvent]) -> _Step:
    """One transaction: lock the state, apply the next event, advance. `upcoming` carries the
    events read ahead from one call to the next."""
    now = timezone.now()
    skip_locked = connection.features.has_select_for_update_skip_locked
    with transaction.atomic():
        state = (
            SyncState.objects.at(center)
            .filter(subject=subject)
            .select_for_update(skip_locked=skip_locked)
            .first()
        )
        if state is None:
            return _Step.BUSY
        if state.delivered_seq >= state.wanted_seq:
            if state.status != SyncStatus.SYNCED:
                _mark_synced(state, now)
            return _Step.DONE
        if not center.accepts_sync:
            # Waits here; the sweep takes it up again once the center resumes.
            state.status = SyncStatus.PENDING
            state.last_error = CENTER_STOPPED
            state.save(update_fields=["status", "last_error"])
            return _Step.STOPPED
        if not upcoming or upcoming[0].seq != state.delivered_seq + 1:
            upcoming[:] = SubjectEvent.objects.filter(
                subject=subject, seq__gt=state.delivered_seq, seq__lte=state.wanted_seq
            ).order_by("seq")[:EVENT_BATCH]
        if not upcoming:
            # wanted_seq and its events commit together, so this means events were removed by hand.
            logger.error(
                "subject %s wants seq %s but has no event after %s",
                subject.pk,
                state.wanted_seq,
                state.delivered_seq,
            )
            state.delivered_seq = state.wanted_seq
            _mark_synced(state, now)
            return _Step.DONE
        event = upcoming[0]
        try:
            # A savepoint: a failed apply leaves nothing half done, and the failure is still
            # recorded in this transaction under the same lock.
            with transaction.atomic():
                center_subject_apply(
                    center=center, event_payload=event.payload, seq=event.seq, subject=subject
                )
        except Exception as error:
            _record_failure(state, error, now)
            return _Step.FAILED
        del upcoming[0]
        state.delivered_seq = event.seq
        if state.delivered_seq >= state.wanted_seq:
            _mark_synced(state, now)
            return _Step.APPLIED_LAST
        state.status = SyncStatus.PENDING
        state.attempts = 0
        state.last_error = ""
        state.save(update_fields=["delivered_seq", "status", "attempts", "last_error"])
        return _Step.APPLIED


def _mark_synced(state: SyncState, now: datetime) -> None:
    state.status = SyncStatus.SYNCED
    state.synced_at = now
    state.attempts = 0
    state.last_error = ""
    state.save(update_fields=["delivered_seq", "status", "synced_at", "attempts", "last_error"])


def _record_failure(state: SyncState, error: Exception, now: datetime) -> None:
    state.attempts += 1
    state.next_attempt_at = now + retry_delay(state.attempts)
    state.status = SyncStatus.FAILED if state.attempts >= FAIL_AFTER else SyncStatus.PENDING
    # What the subject reads on its page: a domain error says what is wrong in Chinese; anything
    # else is the center's own fault, told as such (the details go to the log).
    state.last_error = error.message if isinstance(error, DomainError) else APPLY_FAILED
    state.save(update_fields=["attempts", "next_attempt_at", "status", "last_error"])
    logger.warning(
        "delivery of subject %s to center %s failed (attempt %s): %s",
        state.subject_id,
        state.center_id,
        state.attempts,
        error,
        exc_info=not isinstance(error, DomainError),
    )


# --- the center's side ------------------------------------------------------------------------


def center_subject_apply(
    *, center: Center, event_payload: dict[str, Any], seq: int, subject: Subject | None = None
) -> CenterSubject | None:
    """Apply registry event `seq` (a snapshot of the subject) at `center`, inside the caller's transaction.

    The center keeps the registry's data read-only in its CenterSubject. A subject appears at a
    center once it is 有效 (000 §5: the cities take valid subjects only) and arrives with the
    subject types of its basic information; later events add types newly listed there, never
    remove one (only staff remove types, 000 §8.2). An event at or below the seq already applied
    is a repeat and changes nothing. Returns the entry, or None when the center does not keep the
    subject (not valid). `subject` saves looking it up by the payload's code when the caller has it.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("center_subject_apply must run inside the transaction that records its delivery")
    missing = [key for key in REQUIRED_KEYS if key not in event_payload]
    if missing:
        raise DomainError(PAYLOAD_INCOMPLETE.format(fields="、".join(missing)))
    if subject is None or subject.code != event_payload["code"]:
        subject = Subject.objects.filter(code=event_payload["code"]).first()
    if subject is None:
        raise DomainError(SUBJECT_UNKNOWN.format(code=event_payload["code"]))
    entry = CenterSubject.objects.at(center).select_for_update().filter(subject=subject).first()
    if entry is not None and seq <= entry.registry_seq:
        return entry
    now = timezone.now()
    roles = subject_types_of(event_payload)
    created = entry is None
    if entry is None:
        if event_payload["status"] != SubjectStatus.VALID:
            _audit_synced(center, subject, subject, seq, effect="not_valid")
            return None
        entry = CenterSubject.objects.at(center).create(
            center=center,
            subject=subject,
            origin=SubjectOrigin.REGISTRY,
            registry_data=event_payload,
            registry_seq=seq,
            synced_at=now,
        )
        newly_listed = roles
    else:
        before = set(subject_types_of(entry.registry_data))
        newly_listed = [role for role in roles if role not in before]
        entry.registry_data = _merged(entry, event_payload)
        entry.registry_seq = seq
        entry.synced_at = now
        entry.save(update_fields=["registry_data", "registry_seq", "synced_at", "updated_at"])
    added: list[str] = []
    if newly_listed:
        held = set(
            CenterSubjectType.objects.at(center)
            .filter(center_subject=entry, removed_at=None)
            .values_list("type", flat=True)
        )
        added = [role for role in newly_listed if role not in held]
        for role in added:
            # The same rule as a type the unit adds here: once a profile is in force, a type the
            # center reviews (衡阳: 招标代理机构) waits for its review, whichever way it came.
            subject_types.subject_type_listed(actor=SYSTEM, center=center, entry=entry, type=role, now=now)
    _audit_synced(center, subject, entry, seq, effect="created" if created else "updated", types_added=added)
    return entry


def _merged(entry: CenterSubject, payload: dict[str, Any]) -> dict[str, Any]:
    """The registry's snapshot as the entry keeps it. A legacy or own-registration entry edits its
    registry-side fields here (000 §8.1.1, centers/profiles.py): the ones it holds stay as edited."""
    if entry.origin not in rules.LOCAL_ORIGINS:
        return payload
    kept = entry.registry_data or {}
    kept_basic = kept.get("basic") or {}
    basic = dict(payload.get("basic") or {})
    basic.update({key: kept_basic[key] for key in rules.REGISTRY_SIDE_FIELDS if key in kept_basic})
    merged = {**payload, "basic": basic}
    if kept.get("name"):
        merged["name"] = kept["name"]
    return merged


def subject_types_of(payload: dict[str, Any]) -> list[str]:
    """The subject types listed in a snapshot's basic information, unknown values left out."""
    roles = (payload.get("basic") or {}).get("roles") or []
    known = set(SubjectType.values)
    return [role for role in dict.fromkeys(roles) if role in known]


def _audit_synced(
    center: Center,
    subject: Subject,
    target: Any,
    seq: int,
    *,
    effect: str,
    types_added: list[str] | None = None,
) -> None:
    audit_log(
        actor=SYSTEM,
        action=rules.AUDIT_SUBJECT_SYNCED,
        target=target,
        subject_id=subject.pk,
        data={"center": center.code, "seq": seq, "effect": effect, "types_added": types_added or []},
    )
