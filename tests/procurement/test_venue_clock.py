"""An 开标室's time is the bid deadline (87号令 art. 39), so booking it keeps the method's limit from
the procurement documents' issue (政府采购法 art. 35 for 招标): a too-early opening is refused with
the article and the earliest time, on the service and on the page, and the form says the earliest
time before anyone types."""

import datetime as dt
import html

import pytest
from django.utils import timezone

from core.errors import DomainError
from procurement import deadlines, venue_selectors, venues
from procurement import venue_rules as rules
from procurement.venue_models import Booking, BookingStatus, RoomKind
from tests.centers.people_factories import unit_actor
from tests.procurement.venue_factories import approved_project, center_admin, from_today, make_room

pytestmark = pytest.mark.django_db
TWO_HOURS = dt.timedelta(hours=2)


@pytest.fixture
def room(changde):
    return make_room(center_admin(changde), changde, name="测试第一开标室")


def create(account, project, room, starts_at, now):
    return venues.booking_create(
        actor=unit_actor(account),
        center=project.center,
        agency=project.agency,
        project=project,
        lots=[project.lots.order_by("number").first()],
        room=room,
        starts_at=starts_at,
        duration=TWO_HOURS,
        now=now,
    )


def refused(call, *args, **kwargs) -> str:
    with pytest.raises(DomainError) as error:
        call(*args, **kwargs)
    return error.value.message


def test_an_opening_less_than_20_days_away_is_refused_citing_article_35(agency, project, room):
    account, _ = agency
    now = timezone.now()
    earliest = deadlines.earliest(deadlines.BID_DEADLINE, now)
    too_early = from_today(10)
    message = refused(create, account, project, room, too_early, now)
    assert message == rules.OPENING_FROM_NOW + deadlines.check(deadlines.BID_DEADLINE, now, too_early)
    assert "《中华人民共和国政府采购法》第三十五条" in message and "第三十九条" in message
    assert f"最早可定于 {deadlines.format_time(earliest)}" in message
    assert not Booking.objects.exists()
    # A minute short is still too early; the earliest moment itself is lawful.
    assert refused(create, account, project, room, earliest - dt.timedelta(minutes=1), now)
    assert create(account, project, room, earliest, now).status == BookingStatus.DRAFT


def test_submitting_later_counts_again_from_the_moment_of_submitting(agency, project, room):
    account, _ = agency
    saved_at = timezone.now()
    draft = create(account, project, room, deadlines.earliest(deadlines.BID_DEADLINE, saved_at), saved_at)
    a_day_later = saved_at + dt.timedelta(days=1)
    message = refused(venues.booking_submit, actor=unit_actor(account), booking=draft, now=a_day_later)
    assert message.startswith(rules.OPENING_FROM_NOW) and "第三十五条" in message
    draft.refresh_from_db()
    assert draft.status == BookingStatus.DRAFT


def test_an_evaluation_room_keeps_only_the_future_rule(agency, project, changde):
    account, _ = agency
    evaluation = make_room(center_admin(changde, "venue_admin_2"), changde, "测试评标室", RoomKind.EVALUATION)
    booking = create(account, project, evaluation, from_today(2), timezone.now())
    assert booking.status == BookingStatus.DRAFT


@pytest.mark.parametrize(
    "method, rule",
    [
        ("negotiation", deadlines.NEGOTIATION_RESPONSE),
        ("inquiry", deadlines.NEGOTIATION_RESPONSE),
        ("consultation", deadlines.CONSULTATION_RESPONSE),
    ],
)
def test_the_other_methods_count_their_own_limit(agency, changde_reviewer, room, method, rule):
    account, entry = agency
    project = approved_project(account, entry, changde_reviewer, method=method, name=f"{method}项目")
    now = timezone.now()
    earliest = deadlines.earliest(rule, now)
    message = refused(create, account, project, room, earliest - dt.timedelta(minutes=1), now)
    assert message == rules.OPENING_FROM_NOW + deadlines.check(rule, now, earliest - dt.timedelta(minutes=1))
    assert rule.citation in message
    assert create(account, project, room, earliest, now).status == BookingStatus.DRAFT


def test_a_single_source_project_has_no_documents_to_response_limit(agency, changde_reviewer, room):
    account, entry = agency
    project = approved_project(account, entry, changde_reviewer, method="single_source", name="单一来源项目")
    assert create(account, project, room, from_today(2), timezone.now()).status == BookingStatus.DRAFT
    assert venue_selectors.opening_hint(project, list(project.lots.all())) == ""


def test_every_method_but_single_source_has_its_rule():
    from procurement.models import ProcurementMethod

    assert set(deadlines.RESPONSE_DEADLINE) == set(ProcurementMethod.values) - {"single_source"}


def test_the_form_says_the_earliest_opening_and_keeps_a_refused_input(
    agency, project, room, certificate_client
):
    account, _ = agency
    client = certificate_client(account)
    url = f"/centers/{project.center.code}/venues/new/{project.pk}/"
    form = html.unescape(client.get(url).content.decode())
    hint = venue_selectors.opening_hint(project, list(project.lots.all()))
    assert hint.startswith("本项目为公开招标：开标时间最早可定于 ") and "第三十五条" in hint
    assert hint in form

    too_early = timezone.localtime(from_today(10))
    answer = client.post(
        url,
        {
            "lots": [project.lots.order_by("number").first().pk],
            "room": room.pk,
            "day": f"{too_early:%Y-%m-%d}",
            "start": f"{too_early:%H:%M}",
            "duration": "120",
            "note": "需要投影仪",
            "action": "submit",
        },
    )
    page = html.unescape(answer.content.decode())
    assert answer.status_code == 400
    assert rules.OPENING_FROM_NOW in page and "《中华人民共和国政府采购法》第三十五条" in page
    assert "没有保存" in page and f'value="{too_early:%Y-%m-%d}"' in page and "需要投影仪" in page
    assert not Booking.objects.exists()
