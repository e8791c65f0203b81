"""Working days (工作日) by the official calendar: weekends rest, except the swapped working days
(调休上班), and statutory holidays rest.

The calendar comes from the PyPI package `holidays` (holidays.China), which carries each year's
State Council notice (国务院办公厅关于部分节假日安排的通知), every swap included, with its gov.cn
source. review.models.CalendarDay rows are local overrides that staff enter, and win over the
library: a correction, or a new year's notice before a library update brings it.

A year whose notice the library does not carry yet is provisional (is_provisional): it has the
statutory holidays and the substitutes that 全国年节及纪念日放假办法 gives a holiday falling on a
weekend (补假), but no swapped working days, which are never guessed. Whatever is computed from
such a year must say so beside the date.

Counting follows 财政部令第87号 art. 85: a limit starts the day after the event, so an item
submitted on a Friday with one working day to go is due at the end of the next Monday (or of the
first working day after a holiday).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

from review.models import CalendarDay

Overrides = dict[dt.date, bool]


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def overrides_between(first: dt.date, last: dt.date) -> Overrides:
    return dict(CalendarDay.objects.filter(date__range=(first, last)).values_list("date", "is_working"))


@dataclass(frozen=True)
class OfficialDay:
    """A day the library's calendar sets apart from the plain week."""

    date: dt.date
    is_working: bool
    name: str  # as the library names it: 春节, 春节（补假）, 休息日（由 2026-02-14 调休）, 调休上班


@cache
def _china() -> holidays.HolidayBase:
    # Built once without years: only its table of notices (special_public_holidays) is read here.
    return holidays.China(years=(), language="zh_CN")


@cache
def _official_year(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date], tuple[OfficialDay, ...]]:
    """(rest days, worked weekend days, both as OfficialDay) of one year, from the library.

    Each year gets its own object populated up front: holidays' is_working_day() answers a weekend
    day without populating its year, so a lazily filled object would miss that year's swaps. The
    neighbouring years are populated too, since a notice may swap a day across the new year.
    """
    china = holidays.China(years=(year - 1, year, year + 1), language="zh_CN")
    rest = {day: name for day, name in china.items() if day.year == year}
    worked = frozenset(day for day in china.weekend_workdays if day.year == year)
    days = [OfficialDay(day, False, name) for day, name in rest.items()]
    days += [OfficialDay(day, True, "调休上班") for day in worked]
    return frozenset(rest), worked, tuple(sorted(days, key=lambda official: official.date))


def official_days(year: int) -> list[OfficialDay]:
    """The days of `year` the library sets apart from the plain week, in date order."""
    return list(_official_year(year)[2])


def is_provisional(year: int) -> bool:
    """Whether the library carries no State Council notice for `year` yet.

    holidays.China keeps each notice as that year's entry in its special_public_holidays table
    (the days off paid back by a worked weekend day); a year without an entry has only the
    statutory days and computed substitutes. Every notice since 2001 has had such swaps, so a
    missing entry means a missing notice.
    """
    notices: dict[int, object] = getattr(_china(), "special_public_holidays", {})
    return year not in notices


def is_officially_working(day: dt.date) -> bool:
    """The library's answer alone, without the local overrides."""
    rest, worked, _ = _official_year(day.year)
    if day in rest:
        return False
    if day in worked:
        return True
    return day.weekday() < 5


def is_working_day(day: dt.date, overrides: Overrides | None = None) -> bool:
    if overrides is None:
        overrides = overrides_between(day, day)
    if day in overrides:
        return overrides[day]
    return is_officially_working(day)


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The count-th working day after `day` (the day itself never counts)."""
    # The longest run of rest days in the Chinese calendar is nine (春节); 3 weeks per day is ample.
    overrides = overrides_between(day, day + dt.timedelta(days=21 * max(count, 1)))
    while count > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day, overrides):
            count -= 1
    return day


def due_at(submitted_at: dt.datetime, working_days: int) -> dt.datetime:
    """The end of the last working day of a limit counted from the day after submission."""
    zone = local_zone()
    last = add_working_days(submitted_at.astimezone(zone).date(), working_days)
    return dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0, 0), tzinfo=zone)


def last_day(deadline: dt.datetime) -> dt.date:
    """The last day on which an item due at `deadline` is still in time."""
    return (deadline.astimezone(local_zone()) - dt.timedelta(microseconds=1)).date()


def working_days_in(first: dt.date, last: dt.date, overrides: Overrides) -> int:
    """Working days from `first` to `last`, both included (0 when first > last)."""
    days = 0
    day = first
    while day <= last:
        if is_working_day(day, overrides):
            days += 1
        day += dt.timedelta(days=1)
    return days


@dataclass(frozen=True)
class Clock:
    """Where an item stands against its time limit, as the queue shows it.

    state "left": `days` working days remain after today; "today": today is the last day;
    "overdue": the limit has passed, `days` working days ago (0 when only rest days have passed).
    """

    state: str
    days: int

    @property
    def overdue(self) -> bool:
        return self.state == "overdue"

    @property
    def label(self) -> str:
        if self.state == "today":
            return "今日到期"
        if self.state == "overdue":
            return f"已超期 {self.days} 个工作日" if self.days else "已超期"
        return f"剩余 {self.days} 个工作日"


def clock(now: dt.datetime, deadline: dt.datetime, overrides: Overrides | None = None) -> Clock:
    today = now.astimezone(local_zone()).date()
    last = last_day(deadline)
    if overrides is None:
        overrides = overrides_between(min(today, last), max(today, last))
    if now >= deadline:
        return Clock("overdue", working_days_in(last + dt.timedelta(days=1), today, overrides))
    if today >= last:
        return Clock("today", 0)
    return Clock("left", working_days_in(today + dt.timedelta(days=1), last, overrides))


def clocks(now: dt.datetime, deadlines: Iterable[dt.datetime]) -> list[Clock]:
    """The clock of each deadline, reading the calendar once (the queue pins its query count)."""
    deadlines = list(deadlines)
    if not deadlines:
        return []
    today = now.astimezone(local_zone()).date()
    days = [today, *(last_day(deadline) for deadline in deadlines)]
    overrides = overrides_between(min(days), max(days))
    return [clock(now, deadline, overrides) for deadline in deadlines]


def working_days_left(now: dt.datetime, deadline: dt.datetime) -> int:
    """Working days left after today (0: due today); negative when overdue, by the working days
    that have passed since the last day (0 too when only rest days have: clock() tells apart)."""
    current = clock(now, deadline)
    return -current.days if current.overdue else current.days
