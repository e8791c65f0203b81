"""A practitioner acting for the unit with a personal certificate does the unit's business, but the
unit's own profile, commitment and subject types stay with the unit (000 §6.2, §7, §8.2)."""

import pytest

from centers import profiles, subject_types
from centers.models import ProfileStatus, SubjectType
from centers.people_rules import UNIT_ONLY
from core.errors import DomainError
from tests.centers import factories
from tests.centers.people_factories import acting_for

pytestmark = pytest.mark.django_db


def test_acting_person_cannot_change_save_or_submit_the_units_profile():
    account, entry = factories.make_entry()
    center = factories.center()
    with pytest.raises(DomainError) as saved:
        profiles.profile_save(
            actor=acting_for(account),
            center=center,
            center_subject=entry,
            data=factories.profile_data(entry),
            expected_revision=entry.profile_revision,
        )
    assert saved.value.message == UNIT_ONLY.format(action="修改单位信息")
    with pytest.raises(DomainError) as submitted:
        profiles.profile_submit(
            actor=acting_for(account), center=center, center_subject=entry, expected_revision=0
        )
    assert submitted.value.message == UNIT_ONLY.format(action="提交单位信息")
    with pytest.raises(DomainError) as generated:
        profiles.commitment_generate(actor=acting_for(account), center=center, center_subject=entry)
    assert generated.value.message == UNIT_ONLY.format(action="生成诚信承诺书")


def test_acting_person_cannot_withdraw_the_units_submitted_profile(key_for):
    # 衡阳 reviews an agency's profile (常德 approves a bidder's at once): it waits to be withdrawn.
    account, entry = factories.make_entry("hengyang", types=(SubjectType.AGENCY,))
    entry = factories.submit(account, factories.ready_to_submit(account, entry, key_for(account)))
    with pytest.raises(DomainError) as withdrawn:
        profiles.profile_withdraw(actor=acting_for(account), center=entry.center, center_subject=entry)
    assert withdrawn.value.message == UNIT_ONLY.format(action="撤回单位信息")
    entry.refresh_from_db()
    assert entry.profile_status == ProfileStatus.SUBMITTED
    done = profiles.profile_withdraw(
        actor=factories.actor(account), center=entry.center, center_subject=entry
    )
    assert done.profile_status == ProfileStatus.DRAFT


def test_acting_person_cannot_add_a_subject_type_but_the_unit_can():
    account, entry = factories.make_entry()
    center = factories.center()
    with pytest.raises(DomainError) as added:
        subject_types.subject_type_add(
            actor=acting_for(account), center=center, center_subject=entry, type=SubjectType.TENDEREE
        )
    assert added.value.message == UNIT_ONLY.format(action="新增主体类型")
    added_by_unit = subject_types.subject_type_add(
        actor=factories.actor(account), center=center, center_subject=entry, type=SubjectType.TENDEREE
    )
    assert added_by_unit.type == SubjectType.TENDEREE


def test_acting_person_cannot_change_the_units_registry_data(certificate_client):
    from django.contrib.messages import get_messages

    from registry.auth import ACTING_PERSON_KEY
    from registry.models import Record
    from registry.views_records import ACTING_PERSON_REFUSED

    account, _ = factories.make_entry()
    client = certificate_client(account)
    session = client.session
    session[ACTING_PERSON_KEY] = {
        "practitioner": 1,
        "center": "changde",
        "label": "李四（4304**********1234）",
    }
    session.save()

    response = client.post("/registry/basic/", {"name": "改名后的公司", "action": "save"})

    assert response.status_code == 302 and response["Location"] == "/registry/basic/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [ACTING_PERSON_REFUSED]
    assert not Record.objects.filter(
        subject=account.subject, kind="basic", draft__data__name="改名后的公司"
    ).exists()
    assert client.get("/registry/basic/").status_code == 200  # reading stays allowed
