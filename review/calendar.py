"""Working days (工作日) by the official calendar: weekends rest, except the swapped working days
(调休上班), and statutory holidays rest. The exceptions are data (review.models.CalendarDay).

Counting follows 财政部令第87号 art. 85: a limit starts the day after the event, so an item
submitted on a Friday with one working day to go is due at the end of the next Monday (or of the
first working day after a holiday).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings

from review.models import CalendarDay


def _overrides(first: dt.date, last: dt.date) -> dict[dt.date, bool]:
    return dict(CalendarDay.objects.filter(date__range=(first, last)).values_list("date", "is_working"))


def is_working_day(day: dt.date, overrides: dict[dt.date, bool] | None = None) -> bool:
    if overrides is None:
        overrides = _overrides(day, day)
    if day in overrides:
        return overrides[day]
    return day.weekday() < 5


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The count-th working day after `day` (the day itself never counts)."""
    # The longest run of rest days in the Chinese calendar is nine (春节); 3 weeks per day is ample.
    overrides = _overrides(day, day + dt.timedelta(days=21 * max(count, 1)))
    while count > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day, overrides):
            count -= 1
    return day


def due_at(submitted_at: dt.datetime, working_days: int) -> dt.datetime:
    """The end of the last working day of a limit counted from the day after submission."""
    zone = ZoneInfo(settings.TIME_ZONE)
    last = add_working_days(submitted_at.astimezone(zone).date(), working_days)
    return dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0, 0), tzinfo=zone)


def working_days_left(now: dt.datetime, deadline: dt.datetime) -> int:
    """Whole working days from today to the deadline's last day, today included if it is one;
    negative when overdue (days past, counted the same way)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    today = now.astimezone(zone).date()
    last = (deadline.astimezone(zone) - dt.timedelta(microseconds=1)).date()
    first, end, sign = (today, last, 1) if today <= last else (last + dt.timedelta(days=1), today, -1)
    if sign < 0 and now < deadline:
        return 0
    overrides = _overrides(first, end)
    days = 0
    day = first
    while day <= end:
        if is_working_day(day, overrides):
            days += 1
        day += dt.timedelta(days=1)
    return days * sign
