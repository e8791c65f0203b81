"""The official calendar from holidays.China (review.calendar): the State Council's notice with its
swaps (调休) for 2026, 2027 provisional until the library carries its notice, and the staff's
CalendarDay rows as overrides that win."""

import datetime as dt
from importlib import import_module

import holidays
import pytest

from review import calendar
from review.models import CalendarDay
from tests.review.parts import at

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def library_only():
    """No local overrides: the calendar is the library's alone (the 2026 rows are kept as data)."""
    CalendarDay.objects.all().delete()


def test_the_pinned_library_has_the_2026_notice_and_not_2027s():
    # If this fails after an upgrade, the library brought a new notice: 2027 stops being
    # provisional, and the tests below that count through 2027 need their dates checked again.
    assert holidays.__version__ == "0.109"
    assert not calendar.is_provisional(2025)
    assert not calendar.is_provisional(2026)
    assert calendar.is_provisional(2027)
    assert calendar.is_provisional(2041)


def test_2026_swapped_weekend_days_are_worked_and_the_paid_back_weekdays_rest(library_only):
    # 国务院办公厅关于2026年部分节假日安排的通知: six weekend days worked, each paying for a weekday off.
    worked = [day.date for day in calendar.official_days(2026) if day.is_working]
    assert worked == [
        D(2026, 1, 4),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 5, 9),
        D(2026, 9, 20),
        D(2026, 10, 10),
    ]
    for day in worked:
        assert day.weekday() >= 5 and calendar.is_working_day(day)
    for day in (D(2026, 1, 2), D(2026, 2, 20), D(2026, 2, 23), D(2026, 5, 5), D(2026, 10, 6), D(2026, 10, 7)):
        assert day.weekday() < 5 and not calendar.is_working_day(day)


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("2026-01-01", "2026-01-03"),  # 元旦
        ("2026-02-15", "2026-02-23"),  # 春节, nine days
        ("2026-04-04", "2026-04-06"),  # 清明节
        ("2026-05-01", "2026-05-05"),  # 劳动节
        ("2026-06-19", "2026-06-21"),  # 端午节
        ("2026-09-25", "2026-09-27"),  # 中秋节
        ("2026-10-01", "2026-10-07"),  # 国庆节
    ],
)
def test_2026_holiday_spans_rest_from_the_library_alone(library_only, first, last):
    day, end = D.fromisoformat(first), D.fromisoformat(last)
    while day <= end:
        assert not calendar.is_working_day(day), day
        day += dt.timedelta(days=1)


def test_the_typed_2026_rows_agree_with_the_library():
    # review/migrations/0002 typed the notice before the library was used; the rows are kept as
    # overrides (the back-office calendar lists them), which is harmless only while they agree.
    rows = list(CalendarDay.objects.filter(date__year=2026))
    assert len(rows) == len(import_module("review.migrations.0002_calendar_2026").DAYS) == 39
    assert [row.date for row in rows if row.is_working != calendar.is_officially_working(row.date)] == []


def test_2027_is_provisional_with_statutory_days_and_substitutes_but_no_swaps(library_only):
    official = calendar.official_days(2027)
    # Never invented: no weekend day of 2027 is worked until the notice says so.
    assert [day for day in official if day.is_working] == []
    # 元旦 is Friday 1 January; 春节 2027: 除夕 Friday 5 February, 初一 and 初二 on the weekend
    # (6-7 February), 初三 Monday 8th, and the two weekend days paid back on Tuesday 9th and
    # Wednesday 10th (补假); Thursday 11th is worked.
    rest = {day.date: day.name for day in official}
    assert rest[D(2027, 1, 1)] == "元旦"
    assert rest[D(2027, 2, 5)] == "农历除夕"
    assert rest[D(2027, 2, 9)] == rest[D(2027, 2, 10)] == "春节（补假）"
    assert [calendar.is_working_day(D(2027, 2, day)) for day in range(4, 12)] == [
        True, False, False, False, False, False, False, True,
    ]  # fmt: skip


def test_counting_across_the_new_year(library_only):
    # Thursday 31 December 2026 + 1 working day: Friday 1 January 2027 is 元旦, then the weekend;
    # Monday 4 January.
    assert calendar.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert calendar.due_at(at("2026-12-31 15:00"), 1) == at("2027-01-05 00:00")


def test_counting_over_the_spring_festivals(library_only):
    # Friday 13 February 2026 + 1: Saturday 14th is worked (调休上班).
    assert calendar.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    # Saturday 14th + 1: 15th-23rd rest (Sunday, 除夕, 初一-初三, the 20th paid back, the weekend,
    # the 23rd paid back); Tuesday 24th.
    assert calendar.add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)
    # Thursday 4 February 2027 + 1: 5th-10th rest (除夕, the weekend, 初三, two 补假); Thursday 11th.
    assert calendar.add_working_days(D(2027, 2, 4), 1) == D(2027, 2, 11)


def test_an_override_wins_over_the_library(library_only):
    # Until a library update brings 2027's notice, staff enter its swaps as rows.
    CalendarDay.objects.create(date=D(2027, 2, 20), is_working=True, note="春节调休上班")
    CalendarDay.objects.create(date=D(2027, 2, 11), is_working=False, note="春节")
    assert calendar.is_working_day(D(2027, 2, 20))
    assert not calendar.is_working_day(D(2027, 2, 11))
    # Thursday 4th + 1: the 11th now rests too; Friday 12th.
    assert calendar.add_working_days(D(2027, 2, 4), 1) == D(2027, 2, 12)
    assert calendar.is_provisional(2027)  # the notice itself is still not in the library
