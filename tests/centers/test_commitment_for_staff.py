"""Staff open a unit's 诚信承诺书 once the unit has submitted it, not while the unit is still at work
on it: a generated or half-sealed draft is the unit's own until 「提交」."""

import pytest
from django.test import Client
from django.urls import reverse

from centers.models import ProfileStatus
from tests.centers.factories import make_entry, make_reviewer, ready_to_submit, sealed_commitment, submit

pytestmark = pytest.mark.django_db


def commitment_status(entry) -> int:
    staff = Client()
    staff.force_login(make_reviewer(entry.center, username=f"reviewer-{entry.pk}"))
    return staff.get(reverse("backoffice:subject_commitment", args=[entry.center.code, entry.pk])).status_code


def test_a_generated_commitment_stays_the_units_until_submitted(key_for):
    account, entry = make_entry("hengyang")
    sealed_commitment(account, entry, key_for(account))
    entry.refresh_from_db()
    assert entry.commitment_id is not None and entry.profile_status != ProfileStatus.SUBMITTED
    assert commitment_status(entry) == 404


def test_a_submitted_commitment_opens_for_the_centers_staff(key_for):
    account, entry = make_entry("hengyang")
    ready_to_submit(account, entry, key_for(account))
    submitted = submit(account, entry)
    assert submitted.profile_status in (ProfileStatus.SUBMITTED, ProfileStatus.APPROVED)
    assert commitment_status(submitted) == 200


def test_the_subject_page_links_the_commitment_only_once_submitted(key_for):
    account, entry = make_entry("hengyang")
    ready_to_submit(account, entry, key_for(account))
    staff = Client()
    staff.force_login(make_reviewer(entry.center))
    url = reverse("backoffice:subject", args=[entry.center.code, entry.pk])
    link = reverse("backoffice:subject_commitment", args=[entry.center.code, entry.pk])
    assert link not in staff.get(url).content.decode()
    submit(account, entry)
    assert link in staff.get(url).content.decode()
