"""场地使用信息 (004 §3.3 注③) over HTTP takes as many queries with many bookings as with one: the
page must not look anything up per slot (bench/venues.py shows the figure at a full week)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from procurement import venues
from procurement.venue_models import RoomKind
from tests.centers.people_factories import unit_actor
from tests.procurement.factories import licensed_agency
from tests.procurement.venue_factories import (
    approved_booking,
    approved_project,
    at,
    book,
    center_admin,
    make_room,
)

pytestmark = pytest.mark.django_db


def counted(client, url: str, params: dict) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_usage_views_take_as_many_queries_with_many_bookings_as_with_one(
    agency, project, changde, changde_reviewer, certificate_client
):
    account, entry = agency
    admin = center_admin(changde)
    opening = make_room(admin, changde, name="测试第一开标室")
    evaluation = make_room(admin, changde, name="测试第一评标室", kind=RoomKind.EVALUATION, capacity=9)
    client = certificate_client(account)
    url = f"/centers/{changde.code}/venues/usage/"
    views = [{"day": f"{at(10):%Y-%m-%d}", "view": view} for view in ("week", "day")]
    client.get(url, views[0])  # sessions and the like, once
    book(account, project, opening, at(10, 8), submit=True)
    before = [counted(client, url, params)[0] for params in views]

    # Mine: another project's approved opening of both lots with a pending change, and an evaluation
    # of each lot; theirs: a held slot and a draft. Rooms, lots, projects and agencies all vary.
    second = approved_project(account, entry, changde_reviewer, name="第二个采购项目")
    moved = approved_booking(
        account, second, opening, at(10, 10), changde_reviewer, lots=list(second.lots.all())
    )
    venues.booking_change_request(
        actor=unit_actor(account),
        booking=moved,
        room=opening,
        starts_at=at(10, 10, 30),
        duration=dt.timedelta(hours=2),
        reason="采购人申请推迟开标",
    )
    for hour, lot in zip((13, 16), project.lots.order_by("number"), strict=True):
        book(account, project, evaluation, at(10, hour), lots=[lot], submit=True)
    other_account, other_entry = licensed_agency(changde, name="另一家招标代理有限公司")
    theirs = approved_project(other_account, other_entry, changde_reviewer, name="另一家代理的项目")
    book(other_account, theirs, opening, at(10, 14), submit=True)
    book(other_account, theirs, evaluation, at(10, 8))  # a draft: holds nothing

    for params, queries in zip(views, before, strict=True):
        after, page = counted(client, url, params)
        assert after == queries, params
        assert second.name in page and "变更申请" in page and "已预约" in page
        assert theirs.name not in page
