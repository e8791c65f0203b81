"""The actors of procurement's tests, at 常德: the shared `agency` with the permissions the approval
of its profile gives (项目登记 among them), 常德's demo reviewer acting in the queue, a project
of the agency that reviewer approved, the agency's unit key, and a tender document issued."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from centers.grants import permissions_grant
from procurement import deadlines, tenders
from procurement.announcement_models import AnnouncementKind, AnnouncementStatus
from procurement.tender_models import TenderDocument
from procurement.venue_models import Booking, Room
from registry.models import SubjectStatus
from tests.centers.factories import center, trust_center_cas, unit_key, use_own_tsa
from tests.centers.people_factories import unit_actor
from tests.procurement.announcement_factories import evaluate, make, opened, publish
from tests.procurement.tender_factories import make_tender, seal_as_agency
from tests.procurement.venue_factories import (
    approved_booking,
    approved_project,
    center_admin,
    from_today,
    make_room,
)
from tests.review.parts import actor_of, demo_staff


@pytest.fixture
def changde():
    return center("changde")


@pytest.fixture
def agency(agency):
    """The root `agency` (a 招标代理机构 at 常德), licensed as the approval of its profile there
    licenses it."""
    account, entry = agency
    permissions_grant(
        center=entry.center, center_subject=entry, because="主体信息审核通过", now=timezone.now()
    )
    return account, entry


@pytest.fixture
def changde_reviewer(db):
    """常德's reviewer 周敏 as load_demo_staff seeds her, acting in the queue."""
    return actor_of(demo_staff("changde_reviewer"))


@pytest.fixture
def project(agency, changde_reviewer):
    """A project of the agency, submitted and approved by 常德's reviewer."""
    account, entry = agency
    return approved_project(account, entry, changde_reviewer)


@pytest.fixture
def key(db, tmp_path, settings, agency):
    """The agency unit's key and certificate, as its token holds them (with the platform's own TSA)."""
    use_own_tsa(settings)
    trusted = trust_center_cas(tmp_path / "trust")
    return unit_key(trusted["demo-rsa"], agency[0])


@dataclass(frozen=True)
class Issued:
    """An approved 开标室 booking at the earliest opening art. 35 allows, and the submitted tender
    document whose bid deadline it is, its documents issued from tomorrow 09:00."""

    room: Room
    booking: Booking
    tender: TenderDocument
    issued: dt.datetime
    opening: dt.datetime


@pytest.fixture
def issued(agency, project, changde_reviewer, key) -> Issued:
    account, entry = agency
    room = make_room(center_admin(entry.center), entry.center)
    issued = from_today(1, 9)
    opening = deadlines.earliest(deadlines.BID_DEADLINE, issued)
    booking = approved_booking(
        account, project, room, opening, changde_reviewer, lots=list(project.lots.all())
    )
    tender = make_tender(
        account,
        entry,
        project,
        now=timezone.now(),
        documents_from=issued,
        documents_until=from_today(12, 17),
        bid_deadline=opening,
    )
    seal_as_agency(account, tender.document, key)
    tender = tenders.tender_submit(actor=unit_actor(account), tender=tender, now=timezone.now())
    return Issued(room=room, booking=booking, tender=tender, issued=issued, opening=opening)


@pytest.fixture
def announced(agency, issued, key, changde_reviewer) -> TenderDocument:
    """The issued tender document with its 招标公告 published."""
    account, entry = agency
    notice = make(account, entry, AnnouncementKind.TENDER, issued.tender)
    assert publish(account, notice, key, changde_reviewer).status == AnnouncementStatus.PUBLISHED
    issued.tender.refresh_from_db()
    return issued.tender


@pytest.fixture
def evaluated(agency, announced, changde_reviewer):
    """Opened, and the first lot's evaluation over with candidates. The winner in these tests is the
    agency's own entry, made 有效 as submitting its basic information makes a subject."""
    agency[1].subject.status = SubjectStatus.VALID
    agency[1].subject.save(update_fields=["status"])
    tender = opened(announced)
    lot = tender.lots.order_by("number").first()
    evaluate(changde_reviewer, tender, lot)
    lot.refresh_from_db()
    return tender, lot
