"""The registry tells whoever listens of each subject event, inside the change's transaction, and
names none of them: the centers add their sync engine at start-up (centers/apps.py)."""

import pytest
from django.db import transaction

from centers import sync
from registry import events
from registry.models import EventReason, SubjectEvent

pytestmark = pytest.mark.django_db


def test_the_centers_listen_to_the_registry():
    assert sync.sync_request in events.listeners


def test_a_listener_hears_each_event_inside_its_transaction(unit, monkeypatch):
    heard = []

    def listener(*, subject_id: int, seq: int) -> None:
        heard.append((subject_id, seq, transaction.get_connection().in_atomic_block))

    monkeypatch.setattr(events, "listeners", [])
    events.event_listener_add(listener)
    events.event_listener_add(listener)  # ready() run twice adds nothing twice
    with transaction.atomic():
        event = events.subject_event_record(subject=unit.subject, reason=EventReason.CHANGED)
    assert heard == [(unit.subject.pk, event.seq, True)]


def test_a_listener_that_fails_undoes_the_change(unit, monkeypatch):
    def broken(*, subject_id: int, seq: int) -> None:
        raise RuntimeError("center database down")

    monkeypatch.setattr(events, "listeners", [broken])
    before = SubjectEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        events.subject_event_record(subject=unit.subject, reason=EventReason.CHANGED)
    assert SubjectEvent.objects.count() == before


def test_with_no_listener_the_event_is_still_recorded_for_the_feed(unit, monkeypatch):
    monkeypatch.setattr(events, "listeners", [])
    with transaction.atomic():
        event = events.subject_event_record(subject=unit.subject, reason=EventReason.CHANGED)
    assert SubjectEvent.objects.filter(pk=event.pk).exists()
