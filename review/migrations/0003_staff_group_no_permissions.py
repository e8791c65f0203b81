"""The staff group held every registry.view_* and core.view_* permission, which let any reviewer
read every subject of the province in /admin/ and download any attachment through the registry.
Staff read subject data through the back-office only (bounded by their center): the group keeps
no model permission."""

from django.db import migrations

STAFF_GROUP = "中心工作人员"


def _empty_staff_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=STAFF_GROUP):
        group.permissions.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("review", "0002_calendar_2026"),
    ]

    operations = [migrations.RunPython(_empty_staff_group, migrations.RunPython.noop)]
