"""A clarification that moves the bid deadline takes the opening with it (87号令 art. 39): the tender
document's page says the booked 开标室 is still at the old time and leads to a 场地变更 filled in with
the new deadline; while that change waits it says so, and once approved nothing is left to move."""

import datetime as dt
import html

import pytest
from django.utils import timezone

from core.errors import DomainError
from procurement import deadlines, tender_selectors, venue_rules, venues
from procurement import tender_rules as rules
from procurement.clarifications import clarification_create, clarification_submit
from procurement.venue_models import Booking
from tests.centers.people_factories import decide, unit_actor
from tests.procurement.tender_factories import seal_as_agency
from tests.procurement.venue_factories import approved_booking, center_admin, from_today, make_room

pytestmark = pytest.mark.django_db


def page(client, url: str) -> str:
    answer = client.get(url)
    assert answer.status_code == 200
    return html.unescape(answer.content.decode())


def change(account, booking: Booking, starts_at: dt.datetime, reason: str) -> Booking:
    return venues.booking_change_request(
        actor=unit_actor(account),
        booking=booking,
        room=booking.room,
        starts_at=starts_at,
        duration=booking.ends_at - booking.starts_at,
        reason=reason,
    )


def test_changing_the_opening_counts_from_the_issued_documents(agency, issued):
    """Once the tender document is submitted, an opening room's change counts art. 35 from its
    文件获取开始时间, not from now."""
    account, _ = agency
    earlier = issued.opening - dt.timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        change(account, issued.booking, earlier, "采购人要求提前开标")
    assert refused.value.message == venue_rules.OPENING_FROM_ISSUED.format(
        at=deadlines.format_time(issued.issued)
    ) + deadlines.check(deadlines.BID_DEADLINE, issued.issued, earlier)
    later = change(account, issued.booking, issued.opening + dt.timedelta(days=7), "澄清后投标截止时间顺延")
    assert later.original_id == issued.booking.pk


def test_a_moved_deadline_leads_to_the_room_change_and_is_settled_when_it_is_approved(
    agency, issued, changde_reviewer, key, certificate_client
):
    account, entry = agency
    client = certificate_client(account)
    room, booking, tender, opening = issued.room, issued.booking, issued.tender, issued.opening
    url = f"/centers/{entry.center.code}/tenders/{tender.pk}/"
    assert tender_selectors.opening_to_move(tender) is None
    assert "申请场地变更" not in page(client, url)

    # 第1次澄清 moves the deadline a week on.
    moved_to = opening + dt.timedelta(days=7)
    clarification = clarification_create(
        actor=unit_actor(account),
        tender=tender,
        affects_bids=True,
        content="第1包技术参数修改。",
        new_bid_deadline=moved_to,
        now=timezone.now(),
    )
    seal_as_agency(account, clarification.document, key)
    clarification_submit(actor=unit_actor(account), clarification=clarification, now=timezone.now())
    tender.refresh_from_db()
    assert tender.bid_deadline == moved_to

    to_move = tender_selectors.opening_to_move(tender)
    assert to_move is not None and to_move.booking == booking and to_move.change is None
    shown = page(client, url)
    assert (
        rules.OPENING_TO_MOVE.format(
            deadline=deadlines.format_time(moved_to),
            slot=venue_rules.slot_text(room, booking.starts_at, booking.ends_at),
        )
        in shown
    )
    local = timezone.localtime(moved_to)
    change_url = (
        f"/centers/{entry.center.code}/venues/{booking.pk}/change/?day={local:%Y-%m-%d}&start={local:%H:%M}"
    )
    assert f'href="{change_url}"' in shown

    # The change form comes filled in with the new deadline.
    form = page(client, change_url)
    assert f'value="{local:%Y-%m-%d}"' in form and f'value="{local:%H:%M}"' in form

    moving = change(account, booking, moved_to, "第1次澄清顺延投标截止时间")
    waiting = tender_selectors.opening_to_move(tender)
    assert waiting is not None and waiting.change == moving
    assert rules.OPENING_CHANGE_WAITING.format(
        slot=venue_rules.slot_text(room, moving.starts_at, moving.ends_at)
    ) in page(client, url)

    decide(changde_reviewer, moving, approve=True)
    assert tender_selectors.opening_to_move(tender) is None
    assert "申请场地变更" not in page(client, url)


def test_a_garbled_day_or_start_in_the_link_leaves_the_booked_slot(
    agency, project, changde_reviewer, certificate_client
):
    account, entry = agency
    room = make_room(center_admin(entry.center), entry.center)
    booking = approved_booking(account, project, room, from_today(30, 9), changde_reviewer)
    url = f"/centers/{entry.center.code}/venues/{booking.pk}/change/?day=2027-13-40&start=25:99"
    form = page(certificate_client(account), url)
    booked = timezone.localtime(booking.starts_at)
    assert f'value="{booked:%Y-%m-%d}"' in form and f'value="{booked:%H:%M}"' in form
