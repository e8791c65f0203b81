"""The 2026 holidays and swapped working days (国务院办公厅关于2026年部分节假日安排的通知).

Only days that differ from the plain week are listed; weekends inside a holiday are rest days
anyway. Later years are added the same way (admin or a data migration) when the notice appears.
"""

import datetime as dt

from django.db import migrations


def _span(first: str, last: str, note: str) -> list[tuple[str, bool, str]]:
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    days = []
    while start <= end:
        days.append((start.isoformat(), False, note))
        start += dt.timedelta(days=1)
    return days


DAYS = [
    *_span("2026-01-01", "2026-01-03", "元旦"),
    ("2026-01-04", True, "元旦调休上班"),
    *_span("2026-02-15", "2026-02-23", "春节"),
    ("2026-02-14", True, "春节调休上班"),
    ("2026-02-28", True, "春节调休上班"),
    *_span("2026-04-04", "2026-04-06", "清明节"),
    *_span("2026-05-01", "2026-05-05", "劳动节"),
    ("2026-05-09", True, "劳动节调休上班"),
    *_span("2026-06-19", "2026-06-21", "端午节"),
    *_span("2026-09-25", "2026-09-27", "中秋节"),
    *_span("2026-10-01", "2026-10-07", "国庆节"),
    ("2026-09-20", True, "国庆节调休上班"),
    ("2026-10-10", True, "国庆节调休上班"),
]


def seed(apps, schema_editor):
    CalendarDay = apps.get_model("review", "CalendarDay")
    for day, working, note in DAYS:
        CalendarDay.objects.update_or_create(
            date=dt.date.fromisoformat(day), defaults={"is_working": working, "note": note}
        )


class Migration(migrations.Migration):
    dependencies = [("review", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
