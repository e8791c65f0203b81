"""The suite's named actors (tests/conftest.py) are who the manuals say they are."""

import pytest

from centers.models import PractitionerStatus, SubjectType
from registry.models import SubjectStatus
from review.models import StaffMember, StaffRole

pytestmark = pytest.mark.django_db


def test_the_unit_and_the_person_are_registered_but_not_yet_valid(unit, person):
    assert unit.subject.kind == "unit" and person.subject.kind == "person"
    assert unit.subject.status == person.subject.status == SubjectStatus.INVALID


def test_the_agency_is_an_agency_at_changde_and_its_practitioner_is_approved(agency, practitioner):
    account, entry = agency
    assert entry.center.code == "changde" and entry.subject == account.subject
    assert list(entry.types.values_list("type", flat=True)) == [SubjectType.AGENCY]
    assert practitioner.center_subject == entry and practitioner.status == PractitionerStatus.APPROVED


def test_the_staff_are_the_demo_staff_with_their_roles(reviewer, support, admin):
    assert (reviewer.account.username, reviewer.center.code, reviewer.roles) == (
        "hengyang_reviewer",
        "hengyang",
        [StaffRole.REVIEWER],
    )
    assert (support.account.username, support.center.code, support.roles) == (
        "hengyang_support",
        "hengyang",
        [StaffRole.SUPPORT],
    )
    assert (admin.account.username, admin.center, admin.roles) == ("ggzy_admin", None, [StaffRole.ADMIN])


def test_only_the_operator_opens_djangos_admin(client, operator, reviewer):
    assert not StaffMember.objects.filter(account=operator).exists()
    client.force_login(operator)
    assert client.get("/admin/").status_code == 200
    client.force_login(reviewer.account)
    assert client.get("/admin/").status_code == 302
