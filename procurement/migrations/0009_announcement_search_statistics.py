"""Planner statistics of the search terms (PostgreSQL): how common each bigram and facet is.

ANALYZE keeps statistics of an index's expression, but the planner ignores those of a partial index
(procurement_announcement_search is WHERE status = 'published'), so every query's terms were
estimated at the default 0.5% of rows, a common word like a rare one. With these it knows 「采购」 is
in half the rows and a project code in one: it walks the newest rows for a common word (the first
page fills at once) and asks the index for a rare one, instead of reading and sorting every match.
"""

from django.db import migrations

STATISTICS = """
CREATE STATISTICS procurement_announcement_search_terms
  ON (ggzy_search_terms(search_text, search_facets)) FROM procurement_announcement;
"""
UNDO = "DROP STATISTICS IF EXISTS procurement_announcement_search_terms;"


def statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(STATISTICS)


def statistics_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNDO)


class Migration(migrations.Migration):
    dependencies = [
        ("procurement", "0008_announcement_search"),
    ]

    operations = [
        migrations.RunPython(statistics, statistics_drop),
    ]
