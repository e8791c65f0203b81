"""What a center's staff may read: their center's subjects and the files those subjects' data refer
to, through the back-office only; never /admin/, the registry's file links, or another center's
audit trail."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission

from centers import staff_selectors
from centers.models import CenterSubject
from core.errors import NotFound
from core.models import AuditEntry
from registry.models import Attachment
from review.services_admin import STAFF_GROUP
from tests.centers.people_factories import make_agency, make_practitioner, stored
from tests.review.parts import center, center_subject, staff

pytestmark = pytest.mark.django_db


def with_file(entry: CenterSubject, name: str = "营业执照.pdf") -> Attachment:
    """A file of the entry's subject, referred to by its registry data (as a synced licence scan)."""
    attachment = stored(entry.subject.account, name)
    data = dict(entry.registry_data)
    data["basic"] = {**data.get("basic", {}), "licence_scan": attachment.reference()}
    # Stands in for the sync of a registry version holding the file (test_sync covers the sync).
    CenterSubject.unscoped.filter(pk=entry.pk).update(registry_data=data)
    return attachment


def url(attachment: Attachment) -> str:
    return f"/backoffice/attachments/{attachment.pk}/"


def test_staff_open_the_files_their_centers_subjects_refer_to_and_nothing_else(as_staff, reviewer, admin):
    entry = center_subject("hengyang", "衡阳附件测试有限公司")
    referred = with_file(entry)
    unreferred = stored(entry.subject.account, "未引用.pdf")
    elsewhere = center_subject("changde", "常德附件测试有限公司")
    other_center = with_file(elsewhere)
    client = as_staff(reviewer)

    opened = client.get(url(referred))
    assert opened.status_code == 200 and opened["X-Content-Type-Options"] == "nosniff"
    assert b"".join(opened.streaming_content).startswith(b"%PDF")
    assert client.get(url(unreferred)).status_code == 404
    assert client.get(url(other_center)).status_code == 404
    assert client.get("/backoffice/attachments/999999/").status_code == 404
    # The registry's own link serves the subject only, staff no longer.
    assert client.get(f"/registry/attachments/{referred.pk}/").status_code == 404
    # The subject page links the file through the back-office.
    page = client.get(f"/backoffice/subjects/hengyang/{entry.pk}/").content.decode()
    assert f'href="{url(referred)}"' in page
    # A platform administrator serves every center.
    assert as_staff(admin).get(url(other_center)).status_code == 200


def test_a_practitioners_documents_are_opened_at_the_practitioners_center(as_staff):
    account, entry = make_agency(center("changde"))
    person = make_practitioner(account, entry)
    document = Attachment.objects.get(pk=next(iter(person.documents.values()))["id"])
    changde = staff("changde_reviewer", "changde", "reviewer")
    hengyang = staff("hengyang_reviewer", "hengyang", "reviewer")
    assert as_staff(changde).get(url(document)).status_code == 200
    assert as_staff(hengyang).get(url(document)).status_code == 404
    assert staff_selectors.attachment_for(member=changde, pk=document.pk) == document


def test_only_fields_declared_to_hold_files_let_staff_open_one(reviewer):
    """A reference-looking value elsewhere in the data (here the profile draft, which the unit
    types) does not open a file: only the fields their owners declare do (centers/attachments.py)."""
    entry = center_subject("hengyang", "衡阳声明附件测试有限公司")
    smuggled = stored(entry.subject.account, "草稿里的文件.pdf")
    # Simulated tampering: a reference where no declared field holds one.
    CenterSubject.unscoped.filter(pk=entry.pk).update(profile_draft={"note": smuggled.reference()})
    with pytest.raises(NotFound):
        staff_selectors.attachment_for(member=reviewer, pk=smuggled.pk)
    declared = with_file(entry)
    assert staff_selectors.attachment_for(member=reviewer, pk=declared.pk) == declared


def test_the_audit_trail_shows_this_center_and_the_registry_only(reviewer):
    entry = center_subject("hengyang", "衡阳审计测试有限公司")
    subject_id = entry.subject_id

    def row(action: str, target_type: str, **data) -> AuditEntry:
        return AuditEntry.objects.create(
            action=action, target_type=target_type, target_id="1", subject_id=subject_id, data=data
        )

    here = row("centers.type_added", "centers.centersubjecttype", center="hengyang")
    there = row("centers.type_added", "centers.centersubjecttype", center="changde")
    unplaced = row("document.sealed", "signing.document")
    shown = staff_selectors.subject_audit(entry)
    actions = {entry.action for entry in shown}
    assert here in shown and there not in shown and unplaced not in shown
    assert "registry.subject_registered" in actions  # the registry's registration, which names no center


def test_center_staff_may_not_use_the_django_admin(as_staff, reviewer, admin):
    client = as_staff(reviewer)
    for path in ("/admin/", "/admin/registry/subject/", "/admin/registry/attachment/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    # A platform operator (a staff member of no center) still may.
    assert as_staff(admin).get("/admin/").status_code == 200


def test_the_staff_group_holds_no_model_permission_and_the_migration_empties_an_old_one(reviewer):
    group = Group.objects.get(name=STAFF_GROUP)
    assert reviewer.account.groups.filter(pk=group.pk).exists()
    assert not group.permissions.exists() and not reviewer.account.get_all_permissions()
    # A deployment made before: the group held every registry and core view permission.
    group.permissions.set(Permission.objects.filter(codename__startswith="view_"))
    migration = importlib.import_module("review.migrations.0003_staff_group_no_permissions")
    migration._empty_staff_group(apps, None)
    assert not group.permissions.exists()
