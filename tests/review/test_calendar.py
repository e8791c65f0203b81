"""Working days by the official calendar (财政部令第87号 art. 85): the limit starts the day after
submission; weekends and statutory holidays rest; swapped weekend days (调休) are worked."""

import datetime as dt

import pytest

from core.errors import DomainError
from core.models import AuditEntry
from review import calendar, rules
from review import services as review_services
from review.models import CalendarDay, StaffRole
from review.services_admin import calendar_day_add, calendar_day_change, calendar_day_remove
from tests.review.parts import actor_of, at, center_subject, open_item, staff

pytestmark = pytest.mark.django_db


def test_friday_submission_is_due_at_the_end_of_monday():
    assert dt.date(2026, 11, 20).weekday() == 4
    assert calendar.add_working_days(dt.date(2026, 11, 20), 1) == dt.date(2026, 11, 23)
    assert calendar.due_at(at("2026-11-20 16:30"), 1) == at("2026-11-24 00:00")
    # Two working days from a Thursday: Friday, then Monday.
    assert calendar.due_at(at("2026-11-19 09:00"), 2) == at("2026-11-24 00:00")


@pytest.mark.parametrize(
    ("submitted", "due"),
    [
        # 国庆节 2026-10-01..07 rests; the next working day is Thursday the 8th.
        ("2026-09-30 17:00", "2026-10-09 00:00"),
        ("2026-10-03 11:00", "2026-10-09 00:00"),
        # The swapped working days (调休上班) are worked, though they are a Sunday and a Saturday.
        ("2026-09-18 15:00", "2026-09-21 00:00"),  # Friday → Sunday 20th
        ("2026-10-09 15:00", "2026-10-11 00:00"),  # Friday → Saturday 10th
        # 中秋节 Friday 25th to Sunday 27th: Thursday's item is due on Monday.
        ("2026-09-24 10:00", "2026-09-29 00:00"),
    ],
)
def test_holidays_rest_and_swapped_days_are_worked(submitted, due):
    assert calendar.due_at(at(submitted), 1) == at(due)


@pytest.mark.parametrize(
    ("now", "label", "left"),
    [
        ("2026-11-20 17:00", "剩余 1 个工作日", 1),  # submitted today (Friday)
        ("2026-11-22 12:00", "剩余 1 个工作日", 1),  # Sunday: Monday still to come
        ("2026-11-23 09:00", "今日到期", 0),
        ("2026-11-23 23:59", "今日到期", 0),
        ("2026-11-24 00:00", "已超期 1 个工作日", -1),  # the limit ended at midnight
        ("2026-11-26 10:00", "已超期 3 个工作日", -3),
        ("2026-11-28 10:00", "已超期 4 个工作日", -4),  # Saturday adds nothing
    ],
)
def test_the_clock_before_on_and_after_the_last_day(now, label, left):
    deadline = calendar.due_at(at("2026-11-20 10:00"), 1)
    clock = calendar.clock(at(now), deadline)
    assert clock.label == label
    assert clock.overdue is (left < 0)
    assert calendar.working_days_left(at(now), deadline) == left


def test_overdue_only_by_rest_days_says_overdue_without_a_number():
    deadline = calendar.due_at(at("2026-11-19 10:00"), 1)  # last day Friday 20th
    clock = calendar.clock(at("2026-11-21 10:00"), deadline)
    assert clock.overdue and clock.days == 0 and clock.label == "已超期"


def test_the_clock_counts_over_the_national_day_week():
    deadline = calendar.due_at(at("2026-09-30 17:00"), 1)  # last day Thursday 8 October
    assert calendar.clock(at("2026-10-03 10:00"), deadline).label == "剩余 1 个工作日"
    assert calendar.clock(at("2026-10-08 10:00"), deadline).label == "今日到期"
    assert calendar.clock(at("2026-10-09 10:00"), deadline).label == "已超期 1 个工作日"
    # Saturday the 10th is a working day: it counts as overdue time; Sunday the 11th does not.
    assert calendar.clock(at("2026-10-10 10:00"), deadline).label == "已超期 2 个工作日"
    assert calendar.clock(at("2026-10-11 10:00"), deadline).label == "已超期 2 个工作日"


def test_many_clocks_read_the_calendar_once(django_assert_num_queries):
    deadlines = [calendar.due_at(at(f"2026-09-{day:02d} 10:00"), 1) for day in range(1, 30)]
    with django_assert_num_queries(1):
        clocks = calendar.clocks(at("2026-10-09 10:00"), deadlines)
    assert [c.label for c in clocks] == [calendar.clock(at("2026-10-09 10:00"), d).label for d in deadlines]


# --- the administrator changes the calendar ------------------------------------------------


@pytest.fixture
def admin():
    return staff("cal_admin", None, "admin")


def test_a_new_holiday_moves_the_due_time_of_waiting_items(admin):
    item = open_item(center_subject("hengyang"), now=at("2026-11-20 10:00"))
    assert item.due_at == at("2026-11-24 00:00")

    day, moved = calendar_day_add(
        actor=actor_of(admin), date=dt.date(2026, 11, 23), is_working=False, note="测试假日"
    )

    item.refresh_from_db()
    assert moved == 1 and item.due_at == at("2026-11-25 00:00")
    assert AuditEntry.objects.filter(action="review.calendar_day_added", target_id=str(day.pk)).exists()
    rescheduled = AuditEntry.objects.get(action="review.item_rescheduled", target_id=str(item.pk))
    assert rescheduled.actor == admin.account

    # Removing a mistaken entry puts the limit back.
    assert calendar_day_remove(actor=actor_of(admin), pk=day.pk) == 1
    item.refresh_from_db()
    assert item.due_at == at("2026-11-24 00:00")
    assert not CalendarDay.objects.filter(date=dt.date(2026, 11, 23)).exists()


def test_each_item_keeps_its_own_limit_when_recounted(admin):
    entry = center_subject("fengtai")
    entry.center.review_working_days = 3
    entry.center.save(update_fields=["review_working_days"])
    item = open_item(entry, now=at("2026-11-18 10:00"))  # Wed + 3 → Mon 23rd
    assert item.due_at == at("2026-11-24 00:00")
    entry.center.review_working_days = 1  # the center's limit changes later; this item keeps 3
    entry.center.save(update_fields=["review_working_days"])

    calendar_day_add(actor=actor_of(admin), date=dt.date(2026, 11, 22), is_working=True, note="测试调休上班")

    item.refresh_from_db()
    assert item.due_at == at("2026-11-23 00:00")  # Thu, Fri, Sunday 22nd


def test_decided_items_keep_their_due_time(admin, handlers):
    entry = center_subject("hengyang")
    item = open_item(entry, now=at("2026-11-20 10:00"))
    reviewer = actor_of(staff("hy_reviewer", "hengyang", StaffRole.REVIEWER))
    review_services.review_claim(actor=reviewer, pk=item.pk, now=at("2026-11-20 11:00"))
    review_services.review_decide(
        actor=reviewer, pk=item.pk, approve=True, opinion="", now=at("2026-11-20 11:30")
    )
    calendar_day_add(actor=actor_of(admin), date=dt.date(2026, 11, 23), is_working=False, note="测试假日")
    item.refresh_from_db()
    assert item.due_at == at("2026-11-24 00:00")


def test_a_rest_day_of_a_provisional_year_may_be_marked_worked_when_the_notice_says_so(admin):
    # 2027's notice is not in the library yet: it rests 2027-02-10 (a Wednesday) as a computed
    # substitute for 春节 falling on a weekend. If the notice has people work that day, staff say so.
    assert calendar.is_provisional(2027)
    assert not calendar.is_officially_working(dt.date(2027, 2, 10))
    day, _ = calendar_day_add(
        actor=actor_of(admin), date=dt.date(2027, 2, 10), is_working=True, note="2027年通知：上班"
    )
    assert day.is_working
    assert calendar.is_working_day(dt.date(2027, 2, 10))


def test_calendar_mistakes_are_refused_with_a_reason(admin):
    actor = actor_of(admin)
    with pytest.raises(DomainError) as weekday:
        calendar_day_add(actor=actor, date=dt.date(2026, 11, 25), is_working=True, note="调休")
    assert weekday.value.message == rules.WORKDAY_ON_WEEKDAY.format(date="2026-11-25")
    with pytest.raises(DomainError) as no_note:
        calendar_day_add(actor=actor, date=dt.date(2026, 11, 25), is_working=False, note="  ")
    assert no_note.value.message == rules.NOTE_REQUIRED
    with pytest.raises(DomainError) as twice:
        calendar_day_add(actor=actor, date=dt.date(2026, 10, 1), is_working=False, note="国庆节")
    assert twice.value.message == rules.DAY_EXISTS.format(date="2026-10-01", note="国庆节")


def test_changing_a_day_is_audited_with_what_it_was(admin):
    day = CalendarDay.objects.get(date=dt.date(2026, 10, 10))
    changed, _ = calendar_day_change(actor=actor_of(admin), pk=day.pk, is_working=False, note="改为休息")
    assert not changed.is_working
    entry = AuditEntry.objects.get(action="review.calendar_day_changed", target_id=str(day.pk))
    assert entry.data["before"] == {"is_working": True, "note": "国庆节调休上班"}


def test_only_administrators_change_the_calendar():
    reviewer = staff("cal_reviewer", "hengyang", "reviewer")
    with pytest.raises(DomainError) as refused:
        calendar_day_add(actor=actor_of(reviewer), date=dt.date(2026, 11, 23), is_working=False, note="假日")
    assert "节假日与调休" in refused.value.message
    assert not CalendarDay.objects.filter(date=dt.date(2026, 11, 23)).exists()
