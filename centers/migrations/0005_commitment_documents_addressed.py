"""Fills signing.Document's new center_code and subject_name for the 诚信承诺书 a center profile
holds, so commitment_check can read them instead of the title.

Lives in centers, not signing: only centers knows which documents are commitments and to which
center (CenterSubject.commitment), and signing never names centers. The name comes from the title
commitment_generate wrote, 诚信承诺书（<简称>·<单位名称>）, checked against the entry's center.
Commitments no entry holds any more (replaced, or made on signing's page before it stopped making
them) stay blank: nothing checks them.
"""

from django.db import migrations


def fill(apps, schema_editor):
    CenterSubject = apps.get_model("centers", "CenterSubject")
    Document = apps.get_model("signing", "Document")
    # The model's own manager is scoped to a center (STYLE) and is not in the migration state.
    entries = CenterSubject._base_manager.exclude(commitment=None).select_related("center")
    for entry in entries.iterator():
        prefix = f"诚信承诺书（{entry.center.short_name}·"
        title = (
            Document._base_manager.filter(pk=entry.commitment_id).values_list("title", flat=True).first()
            or ""
        )
        if not (title.startswith(prefix) and title.endswith("）")):
            continue  # not a title commitment_generate wrote for this center: left blank, refused as before
        Document._base_manager.filter(pk=entry.commitment_id).update(
            center_code=entry.center.code, subject_name=title[len(prefix) : -1]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("centers", "0004_center_owned_verbose_name"),
        ("signing", "0002_document_addressed_to"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
