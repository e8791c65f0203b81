"""Which department a unit is told reviews its submission: the center's 审核科室, else the center.

One rule (Center.reviewed_by, which centers.rules.department_of reads) for the profile, the subject
types and the practitioners, in services and templates alike."""

import pytest

from centers import people_rules, rules, subject_types
from centers.models import Center, Practitioner, SubjectType
from tests.centers.factories import actor, center, make_entry, ready_to_submit, submit
from tests.centers.people_factories import make_agency, make_practitioner

pytestmark = pytest.mark.django_db


def test_the_review_department_else_the_centers_full_name():
    assert (
        rules.department_of(
            Center(name="常德市公共资源交易中心", short_name="常德", review_department="信息技术部")
        )
        == "信息技术部"
    )
    assert (
        rules.department_of(Center(name="常德市公共资源交易中心", short_name="常德"))
        == "常德市公共资源交易中心"
    )


def test_practitioner_pages_name_the_center_when_it_has_no_review_department(password_client):
    changde = center()
    # The center's configuration, which its data migration seeds and no service changes: left empty.
    Center.objects.filter(pk=changde.pk).update(review_department="")
    account, entry = make_agency(changde)
    client = password_client(account)
    person = make_practitioner(account, entry, state="draft")

    response = client.post(f"/centers/changde/practitioners/{person.pk}/submit/", follow=True)
    assert Practitioner.objects.at(changde).get(pk=person.pk).status == "submitted"
    page = response.content.decode()
    assert people_rules.PRACTITIONER_SUBMITTED.format(department="常德市公共资源交易中心") in page
    assert "等待常德市公共资源交易中心审核。审核前可以撤回修改。" in page


def test_a_type_waiting_for_review_names_the_center_when_it_has_no_review_department(
    password_client, key_for
):
    hengyang = center("hengyang")
    # The center's configuration, which its data migration seeds and no service changes: left empty.
    Center.objects.filter(pk=hengyang.pk).update(review_department="")
    account, entry = make_entry("hengyang")
    ready_to_submit(account, entry, key_for(account))
    submit(account, entry)
    subject_types.subject_type_add(
        actor=actor(account), center=entry.center, center_subject=entry, type=SubjectType.AGENCY
    )

    page = password_client(account).get("/centers/hengyang/types/").content.decode()
    assert "待衡阳市公共资源交易中心审核" in page
    assert "待中心审核" not in page
