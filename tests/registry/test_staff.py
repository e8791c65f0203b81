"""Issue 2 §10: the platform operator finds any subject and reads its versions in Django's admin;
nobody edits through the admin."""

import pytest
from django.core.management import call_command

from core.models import AuditEntry
from registry.models import Account, Subject
from tests.factories import basic_record, submit_basic

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


def test_search_by_exact_code_and_by_part_of_the_name(operator_client, unit, outsider):
    by_code = operator_client.get("/admin/registry/subject/", {"q": unit.subject.code}).content.decode()
    assert unit.subject.name in by_code and outsider.subject.name not in by_code
    by_name = operator_client.get("/admin/registry/subject/", {"q": "旁观者"}).content.decode()
    assert outsider.subject.name in by_name and unit.subject.name not in by_name


def test_the_operator_reads_every_version_with_its_content(operator_client, unit):
    record = submit_basic(unit)
    page = operator_client.get(f"/admin/registry/record/{record.pk}/change/").content.decode()
    assert "第1版" in page or ">1<" in page
    version_page = operator_client.get(
        f"/admin/registry/recordversion/{record.current.pk}/change/"
    ).content.decode()
    assert "法定代表人姓名" in version_page and "王五" in version_page


def test_admin_cannot_change_registry_data(operator_client, unit):
    record = basic_record(unit)
    response = operator_client.post(f"/admin/registry/subject/{unit.subject.pk}/change/", {"name": "改名"})
    assert response.status_code == 403
    assert operator_client.post(f"/admin/registry/record/{record.pk}/delete/").status_code == 403
    assert (
        operator_client.post(f"/admin/core/auditentry/{AuditEntry.objects.first().pk}/delete/").status_code
        == 403
    )
    unit.subject.refresh_from_db()
    assert unit.subject.name != "改名"


def test_subject_pages_are_not_for_the_operator(operator_client):
    assert operator_client.get("/registry/basic/").status_code == 404


def test_subject_list_query_count_is_flat(operator_client, django_assert_max_num_queries):
    from tests.factories import make_unit

    for i in range(15):
        make_unit(name=f"批量单位{i}有限公司")
    with django_assert_max_num_queries(12):
        assert operator_client.get("/admin/registry/subject/").status_code == 200


def test_demo_data_loads_twice_without_duplicates(settings, tmp_path):
    call_command("load_demo")
    call_command("load_demo")
    assert Subject.objects.count() == 5
    assert Subject.objects.filter(status="valid").count() == 3
    assert Account.objects.filter(username="staff", is_staff=True).exists()


def test_search_by_the_beginning_of_a_code_or_a_lowercase_code(operator_client, unit, person):
    prefix = operator_client.get("/admin/registry/subject/", {"q": unit.subject.code[:10]}).content.decode()
    assert unit.subject.name in prefix and person.subject.name not in prefix
    lower = operator_client.get("/admin/registry/subject/", {"q": unit.subject.code.lower()}).content.decode()
    assert unit.subject.name in lower
