"""On PostgreSQL, each subject event keeps the id of the transaction that inserted it.

The change feed orders by it and serves only transactions older than every one still running
(registry/events.py, subject_feed_page), so a reader's cursor never passes an event whose transaction
commits later. The column is filled by the database (a default), never by Django, so the model does
not name it. SQLite runs one write transaction at a time and needs nothing: there the row id is the
commit order.
"""

from django.db import migrations


def add_xid(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # xid8 as bigint: 64 bits that never wrap, comparable with pg_snapshot_xmin() cast the same way.
    schema_editor.execute(
        "ALTER TABLE registry_subjectevent "
        "ADD COLUMN xid bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint)"
    )
    schema_editor.execute("CREATE INDEX registry_subjectevent_feed ON registry_subjectevent (xid, id)")


def drop_xid(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE registry_subjectevent DROP COLUMN xid")


class Migration(migrations.Migration):
    dependencies = [("registry", "0007_subjectevent")]
    operations = [migrations.RunPython(add_xid, drop_xid)]
