"""No room is booked twice, on PostgreSQL, with real connections racing for one slot.

Fifty drafts of ten projects (two agencies) all want 测试开标室 on one morning, each for two hours
starting a minute after the last, so every two overlap. Fifty threads submit them at the same
moment: exactly one is 待审核; the 49 others are told, each in the message the product shows, that
the slot is taken, naming the winner's project when it is their own agency's; and nothing of a
loser is left — no held status, no review item, no audit row.

The race is run twice: as the product runs it (the room's row lock lets the losers' overlap query
see the winner), and with that lock and the overlap query taken away, where only the exclusion
constraint of migration 0002 stands between the fifty and the room. Last, the constraint is shown to refuse a write that
goes around the services altogether.
"""

import threading
from collections import Counter

import pytest
from django.db import IntegrityError, connection, transaction

from core.errors import DomainError
from core.models import AuditEntry
from procurement import catalogue, venue_checks, venues
from procurement import venue_rules as rules
from procurement.venue_models import Booking, BookingStatus
from review.models import ReviewItem, ReviewKind
from tests.centers.factories import center
from tests.centers.people_factories import unit_actor
from tests.centers.syncparts import on_postgres, seeded_centers  # noqa: F401 (fixture)
from tests.procurement.factories import licensed_agency, lot
from tests.procurement.venue_factories import approved_project, at, book, center_admin, make_room
from tests.review.parts import actor_of, demo_staff

pytestmark = [on_postgres, pytest.mark.usefixtures("seeded_centers")]

CONTENDERS = 50
AGENCIES = 2
PROJECTS_PER_AGENCY = 5
LOTS_PER_PROJECT = CONTENDERS // (AGENCIES * PROJECTS_PER_AGENCY)


@pytest.fixture
def contenders():
    """(room, [(account, draft booking)] × 50), every two drafts overlapping in that room."""
    changde = center("changde")
    reviewer = actor_of(demo_staff("changde_reviewer"))
    room = make_room(center_admin(changde), changde)
    code = catalogue.catalogue_search("A")[0].code
    drafts = []
    for a in range(AGENCIES):
        account, entry = licensed_agency(changde, name=f"竞争代理{a + 1}有限公司")
        for p in range(PROJECTS_PER_AGENCY):
            project = approved_project(
                account,
                entry,
                reviewer,
                name=f"代理{a + 1}的项目{p + 1}",
                lots=[
                    lot(f"第{n}包", code, budget="10000", deposit="100")
                    for n in range(1, LOTS_PER_PROJECT + 1)
                ],
            )
            for each in project.lots.order_by("number"):
                starts_at = at(3, 9, len(drafts))  # 09:00, 09:01, … 09:49; two hours each
                drafts.append((account, book(account, project, room, starts_at, lots=[each])))
    return room, drafts


def race(drafts) -> dict[int, str]:
    """Submit every draft from its own thread and connection at once: {booking pk: outcome}."""
    start = threading.Barrier(len(drafts))
    outcomes: dict[int, str] = {}

    def submit(account, draft):
        try:
            start.wait(timeout=30)
            venues.booking_submit(actor=unit_actor(account), booking=draft)
            outcomes[draft.pk] = "submitted"
        except DomainError as error:
            outcomes[draft.pk] = error.message
        except Exception as error:  # anything else is a failure of the test, reported below
            outcomes[draft.pk] = f"{type(error).__name__}: {error}"
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=pair) for pair in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def expected_refusal(winner: Booking, loser: Booking) -> str:
    whose = ""
    if loser.project.agency_id == winner.project.agency_id:
        whose = rules.SLOT_TAKEN_OWN.format(
            project=winner.project.name, lots=rules.lots_text(winner.lots.values_list("number", flat=True))
        )
    return rules.SLOT_TAKEN.format(
        slot=rules.slot_text(winner.room, winner.starts_at, winner.ends_at), whose=whose
    )


def check_one_winner(drafts, outcomes) -> Counter:
    assert len(outcomes) == CONTENDERS
    winners = [pk for pk, outcome in outcomes.items() if outcome == "submitted"]
    assert len(winners) == 1, Counter(outcomes.values())
    winner = Booking.objects.select_related("room", "project").get(pk=winners[0])
    assert winner.status == BookingStatus.SUBMITTED
    losers = Booking.objects.exclude(pk=winner.pk).select_related("project")
    for loser in losers:
        assert outcomes[loser.pk] == expected_refusal(winner, loser)
        assert (loser.status, loser.submitted_at) == (BookingStatus.DRAFT, None)
    # Nothing half-written: one held row, one review item, one audit row, and all of them the winner's.
    assert Booking.objects.filter(status=BookingStatus.SUBMITTED).count() == 1
    items = ReviewItem.objects.filter(kind=ReviewKind.BOOKING)
    assert [item.target_id for item in items] == [str(winner.pk)]
    submitted = AuditEntry.objects.filter(action=rules.AUDIT_BOOKING_SUBMITTED)
    assert [entry.target_id for entry in submitted] == [str(winner.pk)]
    kinds = Counter(
        "own" if "本单位项目" in outcome else "other"
        for outcome in outcomes.values()
        if outcome != "submitted"
    )
    print(f"\n{CONTENDERS} submits of one slot: 1 submitted, {sum(kinds.values())} refused {dict(kinds)}")
    return kinds


@pytest.mark.django_db(transaction=True)
def test_fifty_submits_of_one_slot_give_it_to_one(contenders):
    _, drafts = contenders
    kinds = check_one_winner(drafts, race(drafts))
    assert sum(kinds.values()) == CONTENDERS - 1


@pytest.mark.django_db(transaction=True)
def test_without_the_rooms_lock_and_the_check_the_exclusion_constraint_alone_keeps_the_rule(
    contenders, monkeypatch
):
    unlocked, asked = venue_checks.room_of, []

    def room_without_lock(center, room, *, lock=False):
        return unlocked(center, room)

    def told(*args):
        asked.append(args)
        return refusal(*args)

    refusal = venue_checks.slot_refusal
    monkeypatch.setattr(venue_checks, "room_of", room_without_lock)
    monkeypatch.setattr(venue_checks, "slot_free", lambda booking, chain=None: None)
    monkeypatch.setattr(venue_checks, "slot_refusal", told)
    _, drafts = contenders
    kinds = check_one_winner(drafts, race(drafts))
    assert sum(kinds.values()) == CONTENDERS - 1
    # Every loser was refused by the database, then told which slot won.
    assert len(asked) == CONTENDERS - 1


@pytest.mark.django_db
def test_the_database_refuses_an_overlap_written_around_the_services(contenders):
    room, drafts = contenders
    (account, first), (_, second), (_, third) = drafts[:3]
    venues.booking_submit(actor=unit_actor(account), booking=first)  # 09:00–11:00
    with pytest.raises(IntegrityError, match=venue_checks.OVERLAP_CONSTRAINT), transaction.atomic():
        Booking.objects.filter(pk=second.pk).update(status=BookingStatus.SUBMITTED)
    # Touching is no overlap; a draft holds nothing; a booking's own pending change may overlap it.
    Booking.objects.filter(pk=second.pk).update(starts_at=first.ends_at, ends_at=at(3, 12))
    Booking.objects.filter(pk=second.pk).update(status=BookingStatus.SUBMITTED)
    Booking.objects.filter(pk=first.pk).update(status=BookingStatus.APPROVED)
    Booking.objects.create(
        center=room.center,
        project=first.project,
        room=room,
        starts_at=at(3, 10),
        ends_at=at(3, 11),
        status=BookingStatus.SUBMITTED,
        original=first,
    )
    assert Booking.objects.filter(pk=third.pk, status=BookingStatus.DRAFT).exists()
