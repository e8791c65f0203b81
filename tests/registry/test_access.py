"""One subject never sees another's drafts, versions, history or files; missing == forbidden."""

import pytest

from core.errors import NotFound
from registry import selectors, services
from registry.models import RecordKind
from tests.conftest import actor
from tests.factories import basic_record, submit_basic, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def their_things(unit):
    record = submit_basic(unit)
    services.record_start_change(actor=actor(unit), record=record)
    award = services.record_create(
        actor=actor(unit), subject=unit.subject, kind=RecordKind.AWARD, data={"award_name": "秘密草稿"}
    )
    return {"basic": record, "award": award, "version": record.current, "file": upload(unit, "secret.pdf")}


def test_selectors_answer_not_found_alike(outsider, their_things):
    with pytest.raises(NotFound) as forbidden:
        selectors.record_get_for(account=outsider, pk=their_things["award"].pk)
    with pytest.raises(NotFound) as missing:
        selectors.record_get_for(account=outsider, pk=999999)
    assert forbidden.value.message == missing.value.message
    with pytest.raises(NotFound):
        selectors.version_get_for(account=outsider, pk=their_things["version"].pk)
    with pytest.raises(NotFound):
        selectors.attachment_get_for(account=outsider, pk=their_things["file"]["id"])


def test_outsider_gets_404_on_every_page_of_another_subject(outsider, their_things, password_client):
    client = password_client(outsider)
    award, basic = their_things["award"], their_things["basic"]
    for url in [
        f"/registry/records/{award.pk}/",
        f"/registry/records/{basic.pk}/",
        f"/registry/history/{their_things['version'].pk}/",
        f"/registry/attachments/{their_things['file']['id']}/",
    ]:
        assert client.get(url).status_code == 404, url
    for action in ["change", "discard", "void", "unvoid", "delete"]:
        assert client.post(f"/registry/records/{award.pk}/{action}/").status_code == 404
    # Posting to another subject's record changes nothing.
    assert (
        client.post(f"/registry/records/{award.pk}/", {"award_name": "篡改", "revision": 1}).status_code
        == 404
    )
    award.refresh_from_db()
    assert award.draft.data == {"award_name": "秘密草稿"}


def test_lists_and_history_show_only_own_records(outsider, their_things, password_client):
    client = password_client(outsider)
    assert "秘密草稿" not in client.get("/registry/award/").content.decode()
    assert "秘密草稿" not in client.get("/registry/history/").content.decode()
    assert client.get("/registry/basic/").content.decode().count(their_things["basic"].subject.code) == 0


def test_owner_reads_own_file_with_its_type(unit, their_things, password_client):
    response = password_client(unit).get(f"/registry/attachments/{their_things['file']['id']}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_operator_with_view_permission_reads_no_subjects_file_here(operator, their_things, client):
    # Not even registry.view_attachment opens a file here: staff open files through the
    # back-office, bounded by their center (tests/access).
    assert operator.has_perm("registry.view_attachment")
    client.force_login(operator)
    assert client.get(f"/registry/attachments/{their_things['file']['id']}/").status_code == 404


def test_anonymous_is_sent_to_login(client, their_things):
    response = client.get("/registry/basic/")
    assert response.status_code == 302
    assert response["Location"].startswith("/registry/login/")


def test_others_read_only_the_version_in_force(unit, their_things):
    record = basic_record(unit)
    services.record_save(
        actor=actor(unit),
        record=record,
        data={**record.draft.data, "contact_name": "草稿中的人"},
        expected_revision=0,
    )
    assert selectors.subject_profile_in_force(subject=unit.subject)["contact_name"] == "李四"
