"""On PostgreSQL, a trigram index lets staff find a subject by any part of its name without
scanning the table (the admin searches UPPER(name) LIKE '%…%'). Other databases skip it."""

from django.db import migrations

CREATE = 'CREATE INDEX IF NOT EXISTS subject_name_trgm ON registry_subject USING gin (UPPER("name"::text) gin_trgm_ops)'
DROP = "DROP INDEX IF EXISTS subject_name_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_subject_newest_first")]
    operations = [migrations.RunPython(forwards, backwards)]
