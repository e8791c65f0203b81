"""The portal reads what procurement publishes: its actors and fixtures, as tests/procurement has them,
and a whole process published (lifecycle)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from procurement.announcement_models import AnnouncementKind, FailureReason
from procurement.lot_models import EvaluationOutcome
from registry.models import SubjectStatus
from tests.centers.people_factories import stored
from tests.procurement.announcement_factories import evaluate, make, opened, publish
from tests.procurement.conftest import (  # noqa: F401  (fixtures, by name)
    agency,
    announced,
    changde,
    changde_reviewer,
    evaluated,
    issued,
    key,
    project,
)


@pytest.fixture
def lifecycle(agency, announced, key, changde_reviewer):  # noqa: F811  (the fixtures above)
    """招标公告, a 变更公告, the opening; lot 1 awarded and its award changed, lot 2 failed."""
    account, entry = agency
    entry.subject.status = SubjectStatus.VALID
    entry.subject.save(update_fields=["status"])
    publish(account, make(account, entry, AnnouncementKind.CORRECTION, announced, content="补充技术参数说明。"), key, changde_reviewer)  # fmt: skip
    tender = opened(announced)
    first, second = tender.lots.order_by("number")
    evaluate(changde_reviewer, tender, first)
    evaluate(changde_reviewer, tender, second, outcome=EvaluationOutcome.NONE, note="有效投标不足三家。")
    first.refresh_from_db()
    second.refresh_from_db()
    award = {
        "winner": entry,
        "price": Decimal("98000.50"),
        "awarded_at": timezone.now() - dt.timedelta(minutes=5),
    }
    publish(
        account, make(account, entry, AnnouncementKind.AWARD, tender, first, **award), key, changde_reviewer
    )
    publish(
        account,
        make(account, entry, AnnouncementKind.FAILURE, tender, second, failure_reason=FailureReason.TOO_FEW, content="有效投标不足三家。", conclusion=stored(account, "conclusion.pdf")),
        key,
        changde_reviewer,
    )  # fmt: skip
    first.refresh_from_db()
    change = {**award, "price": Decimal("97000"), "content": "中标金额更正。"}
    publish(account, make(account, entry, AnnouncementKind.AWARD_CHANGE, tender, first, **change), key, changde_reviewer)  # fmt: skip
    return tender
