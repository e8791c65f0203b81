"""Rooms for the seeded centers, so that 场地预约 works on a fresh deployment and in the demo.

These are demo rooms: names, capacities and locations are plausible, not the centers' real ones.
Each center's staff replace them in the back-office (场地管理: rename, change, deactivate, add),
and this migration never touches a center that already has rooms.
"""

from django.db import migrations

ROOMS = [
    # (name, kind, capacity, location, sort)
    ("第一开标室", "opening", 60, "三楼301", 1),
    ("第二开标室", "opening", 40, "三楼302", 2),
    ("第一评标室", "evaluation", 12, "四楼401（封闭区）", 3),
    ("第二评标室", "evaluation", 9, "四楼402（封闭区）", 4),
]
CENTERS = ("changde", "hengyang", "fengtai")


def seed(apps, schema_editor):
    Center = apps.get_model("centers", "Center")
    Room = apps.get_model("procurement", "Room")
    for center in Center.objects.filter(code__in=CENTERS):
        if Room.objects.filter(center=center).exists():
            continue
        Room.objects.bulk_create(
            Room(center=center, name=name, kind=kind, capacity=capacity, location=location, sort=sort)
            for name, kind, capacity, location, sort in ROOMS
        )


class Migration(migrations.Migration):
    dependencies = [
        ("centers", "0002_seed_centers"),
        ("procurement", "0002_rooms_and_bookings"),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
