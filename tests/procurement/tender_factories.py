"""Tender documents and clarifications made through the services, and sealed as the agent seals them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from centers.models import CenterSubject
from procurement import tenders
from procurement.models import Project
from procurement.tender_models import TenderDocument, TenderSource
from registry.models import Account
from signing.models import Document, Seal
from tests import pkiparts
from tests.centers.factories import seal, unit_seal
from tests.centers.people_factories import unit_actor


def local(*parts: int) -> dt.datetime:
    """A local time, as the agency types it: local(2026, 6, 2, 9) is 2026年6月2日09:00."""
    return timezone.make_aware(dt.datetime(*parts))


# 2026年6月1日 (Monday) 09:00: the day the agency prepares the tender document in these tests.
NOW = local(2026, 6, 1, 9)
FROM = local(2026, 6, 2, 9)  # 文件获取开始: Tuesday
UNTIL = local(2026, 6, 9, 17)  # 5 working days after: 3, 4, 5, 8, 9 June → from 9 June 09:00
DEADLINE = local(2026, 6, 22, 9, 30)  # 20 days after 2 June is 22 June (a Monday), 09:00 at the earliest


def details(**overrides: Any) -> tenders.TenderDetails:
    values: dict[str, Any] = {
        "source": TenderSource.TEMPLATE,
        "template": "open_goods",
        "documents_from": FROM,
        "documents_until": UNTIL,
        "bid_deadline": DEADLINE,
        "opening_place": "常德市公共资源交易中心第一开标室",
    }
    return tenders.TenderDetails(**{**values, **overrides})


def make_tender(
    account: Account, entry: CenterSubject, project: Project, *, lots=None, now=NOW, **overrides: Any
) -> TenderDocument:
    return tenders.tender_create(
        actor=unit_actor(account),
        center=entry.center,
        agency=entry,
        project=project,
        lots=lots if lots is not None else list(project.lots.order_by("number")),
        details=details(**overrides),
        now=now,
    )


def seal_as_agency(account: Account, document: Document, key: pkiparts.Holder, place: str = "agency") -> None:
    """The agency unit's seal at 采购代理机构（盖章）, signed by `key` as the agent would."""
    the_seal = Seal.objects.filter(
        subject=account.subject, kind="unit", retired_at=None
    ).first() or unit_seal(account)
    seal(account, document, the_seal, key, place=place)
