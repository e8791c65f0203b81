"""The actors of procurement's tests, at 常德: the shared `agency` with the permissions the approval
of its profile gives (项目登记 among them), 常德's demo reviewer acting in the queue, and a project
of the agency that reviewer approved."""

import pytest
from django.utils import timezone

from centers.grants import permissions_grant
from tests.centers.factories import center
from tests.procurement.venue_factories import approved_project
from tests.review.parts import actor_of, demo_staff


@pytest.fixture
def changde():
    return center("changde")


@pytest.fixture
def agency(agency):
    """The root `agency` (a 招标代理机构 at 常德), licensed as the approval of its profile there
    licenses it."""
    account, entry = agency
    permissions_grant(
        center=entry.center, center_subject=entry, because="主体信息审核通过", now=timezone.now()
    )
    return account, entry


@pytest.fixture
def changde_reviewer(db):
    """常德's reviewer 周敏 as load_demo_staff seeds her, acting in the queue."""
    return actor_of(demo_staff("changde_reviewer"))


@pytest.fixture
def project(agency, changde_reviewer):
    """A project of the agency, submitted and approved by 常德's reviewer."""
    account, entry = agency
    return approved_project(account, entry, changde_reviewer)
