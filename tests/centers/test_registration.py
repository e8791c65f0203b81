"""Own registration at 丰台 through the services; the HTTP flow is in test_fengtai.py (002 §3)."""

from __future__ import annotations

import pytest

from centers import registration, rules
from centers.models import SubjectOrigin
from core.errors import DomainError
from pki import services as pki_services
from tests import pkiparts
from tests.centers.factories import (
    actor,
    center,
)
from tests.factories import make_unit

pytestmark = pytest.mark.django_db


# --- own registration at 丰台 (services; the HTTP flow is in test_fengtai.py) ------------------------------------


def test_registration_is_only_for_centers_with_their_own_registry(trusted):
    key = pkiparts.holder(trusted["demo-rsa"], name="丰台新供应商有限公司", code="91110106MA01ABCD1H")
    holder = pki_services.certificate_check(certificate=key.pem)
    with pytest.raises(DomainError) as refused:
        registration.register_check(center=center("changde"), holder=holder)
    assert refused.value.message == rules.REGISTER_NOT_HERE.format(center="常德市公共资源交易中心")


def test_an_existing_subject_joins_fengtai_once(trusted):
    account = make_unit(name="丰台老用户有限公司")
    key = pkiparts.holder(trusted["demo-p256"], name=account.subject.name, code=account.subject.code)
    holder = pki_services.certificate_check(certificate=key.pem)
    first, created = registration.center_join(
        actor=actor(account), center=center("fengtai"), subject=account.subject, holder=holder
    )
    again, created_again = registration.center_join(
        actor=actor(account), center=center("fengtai"), subject=account.subject, holder=holder
    )
    assert created and not created_again and first.pk == again.pk
    assert first.origin == SubjectOrigin.OWN and first.registry_data["name"] == "丰台老用户有限公司"
