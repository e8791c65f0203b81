"""Announcements of every kind and the lot's moves, as the agency and the center's staff make them
through the services (tests/procurement/conftest.py has the fixtures built on them).

The clock: a bid deadline that "has passed" is the tender document's deadline set an hour back, as
the opening would leave it; nothing else about the tender changes."""

import datetime as dt

from django.utils import timezone

from procurement import announcements, lot_states
from procurement.announcement_models import Announcement
from procurement.lot_models import EvaluationOutcome
from procurement.tender_models import TenderDocument
from tests.centers.people_factories import decide, unit_actor
from tests.procurement.tender_factories import seal_as_agency


def make(account, entry, kind, tender, lot=None, now=None, **data) -> Announcement:
    return announcements.announcement_make(
        actor=unit_actor(account),
        center=entry.center,
        agency=entry,
        kind=kind,
        tender=tender,
        lot=lot,
        data=data,
        now=now,
    )


def publish(account, announcement, key, reviewer) -> Announcement:
    seal_as_agency(account, announcement.document, key)
    announcements.announcement_submit(
        actor=unit_actor(account), announcement=announcement, opinion="同意发布。"
    )
    decide(reviewer, announcement, approve=True, opinion="同意。")
    announcement.refresh_from_db()
    return announcement


def opened(tender: TenderDocument) -> TenderDocument:
    """The bid deadline (= the opening) has passed."""
    TenderDocument.objects.filter(pk=tender.pk).update(bid_deadline=timezone.now() - dt.timedelta(hours=1))
    tender.refresh_from_db()
    return tender


def evaluate(reviewer, tender, lot, outcome=EvaluationOutcome.CANDIDATES, note=""):
    return lot_states.evaluation_record(
        actor=reviewer,
        center=tender.center,
        lot=lot,
        outcome=outcome,
        ended_at=timezone.now() - dt.timedelta(minutes=10),
        note=note,
    )
