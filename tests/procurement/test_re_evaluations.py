"""项目复评场地预约 (004 §3.10): a 评标室 for a lot whose evaluation is over, on the purchaser's
request uploaded; 「修改保存」, 「提交审核」 and the review of a booking; every refusal."""

import datetime as dt
import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.errors import DomainError
from procurement import lot_rules, lot_states, re_evaluations, venues
from procurement import venue_rules as rules
from procurement.deadlines import format_time
from procurement.lot_models import EvaluationOutcome
from procurement.models import LotStage
from procurement.venue_models import Booking, BookingPurpose, BookingStatus, RoomKind
from registry.samples import pdf_bytes
from review.models import ReviewItem, ReviewKind
from tests.centers.people_factories import decide, stored, unit_actor
from tests.procurement.venue_factories import center_admin, from_today, make_room

pytestmark = pytest.mark.django_db


def save(account, entry, lot, room, starts_at, request, **kw):
    return re_evaluations.re_evaluation_save(
        actor=unit_actor(account),
        center=entry.center,
        agency=entry,
        lot=lot,
        room=room,
        starts_at=starts_at,
        duration=dt.timedelta(hours=3),
        request=request,
        **kw,
    )


def refused(call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as error:
        call(*args, **kwargs)
    return error.value


@pytest.fixture
def evaluation_room(agency):
    entry = agency[1]
    return make_room(center_admin(entry.center), entry.center, name="复评评标室", kind=RoomKind.EVALUATION)


def test_a_re_evaluation_needs_the_evaluation_over(agency, announced, evaluation_room):
    account, entry = agency
    lot = announced.lots.order_by("number").first()
    error = refused(save, account, entry, lot, evaluation_room, from_today(3, 9), stored(account))
    assert (
        error.message
        == lot_rules.STAGE.format(number=lot.number, stage="已发布招标公告", action="预约项目复评")
        + lot_rules.STAGE_WHY[LotStage.ANNOUNCED]
    )


def test_a_re_evaluation_is_booked_submitted_and_approved(
    agency, evaluated, evaluation_room, issued, changde_reviewer
):
    account, entry = agency
    _, lot = evaluated
    when = from_today(3, 9)
    assert (
        refused(save, account, entry, lot, issued.room, when, stored(account)).message
        == rules.RE_EVALUATION_ROOM
    )
    error = refused(save, account, entry, lot, evaluation_room, when, None)
    assert error.message == rules.REQUEST_REQUIRED and error.field == rules.REQUEST_SLOT
    booking = save(
        account, entry, lot, evaluation_room, when, stored(account, "复评申请.pdf"), note="评审汇总有误。"
    )
    assert booking.purpose == BookingPurpose.RE_EVALUATION and booking.status == BookingStatus.DRAFT
    assert booking.attachments[rules.REQUEST_SLOT]["name"] == "复评申请.pdf"
    venues.booking_submit(actor=unit_actor(account), booking=booking)
    item = ReviewItem.objects.get(kind=ReviewKind.BOOKING, target_id=str(booking.pk))
    assert item.title.startswith("项目复评：")
    decide(changde_reviewer, booking, approve=True, opinion="同意复评。")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.APPROVED
    # One re-evaluation room in force per lot.
    again = refused(save, account, entry, lot, evaluation_room, from_today(4, 9), stored(account))
    assert again.field == "lots" and "第1包" in again.message


def test_the_pages_keep_the_request_when_another_field_is_wrong(
    agency, evaluated, evaluation_room, certificate_client, changde
):
    account, _ = agency
    _, lot = evaluated
    client = certificate_client(account)
    listed = html.unescape(client.get(f"/centers/{changde.code}/venues/re-evaluations/").content.decode())
    url = f"/centers/{changde.code}/venues/re-evaluations/new/{lot.pk}/"
    assert url in listed
    scan = SimpleUploadedFile(
        "request.pdf", pdf_bytes("re-evaluation request"), content_type="application/pdf"
    )
    day = timezone.localdate() + dt.timedelta(days=3)
    answer = client.post(
        url, {"room": "", "day": f"{day}", "start": "09:00", "duration": "180", "request__file": scan}
    )
    page = html.unescape(answer.content.decode())
    assert answer.status_code == 400 and "请选择场地。" in page and "request.pdf" in page
    kept = page.split('name="request" value="')[1].split('"')[0]
    made = client.post(
        url,
        {"room": evaluation_room.pk, "day": f"{day}", "start": "09:00", "duration": "180", "request": kept},
    )
    assert made.status_code == 302 and "/venues/" in made["Location"]
    booking_pk = int(made["Location"].rstrip("/").split("/")[-1])
    # Its 修改 is the re-evaluation form, not the opening's.
    edit = client.get(f"/centers/{changde.code}/venues/{booking_pk}/edit/")
    assert edit.status_code == 302 and edit["Location"].endswith(f"/venues/{booking_pk}/re-evaluation/")


def test_the_re_evaluations_result_is_recorded_once_it_has_begun(
    agency, evaluated, evaluation_room, changde_reviewer
):
    account, entry = agency
    tender, lot = evaluated
    booking = save(account, entry, lot, evaluation_room, from_today(3, 9), stored(account))
    venues.booking_submit(actor=unit_actor(account), booking=booking)
    decide(changde_reviewer, booking, approve=True, opinion="同意复评。")

    def record(ended, outcome=EvaluationOutcome.NONE):
        return lot_states.evaluation_record(
            actor=changde_reviewer,
            center=entry.center,
            lot=lot,
            outcome=outcome,
            ended_at=ended,
            note="复评后无合格投标。",
        )

    ended = timezone.now() - dt.timedelta(minutes=5)
    assert refused(record, ended).message == lot_rules.RE_EVALUATION_NOT_HELD.format(number=lot.number)
    # The re-evaluation began an hour ago (its slot set back, as the clock would have it).
    started = timezone.now() - dt.timedelta(hours=1)
    Booking.objects.filter(pk=booking.pk).update(starts_at=started, ends_at=started + dt.timedelta(hours=3))
    assert (lot, tender) in lot_states.lots_to_evaluate(center=entry.center)
    early = started - dt.timedelta(minutes=1)
    assert refused(record, early).message == lot_rules.ENDED_BEFORE_RE_EVALUATION.format(
        ended=format_time(early), start=format_time(started)
    )
    record(ended)
    lot.refresh_from_db()
    assert lot.stage == LotStage.EVALUATED
    assert lot_states.latest_evaluation(lot).outcome == EvaluationOutcome.NONE
    assert (lot, tender) not in lot_states.lots_to_evaluate(center=entry.center)
    assert refused(record, ended).message == lot_rules.RE_EVALUATION_NOT_HELD.format(number=lot.number)
