"""Projects as an agency registers them at 常德, through the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from centers.grants import permissions_grant
from centers.models import Center, CenterSubject
from procurement import services
from procurement.models import EvaluationMethod, Project
from registry.models import Account
from tests.centers.people_factories import make_agency, stored, unit_actor

PURCHASER_CODE = "91430100MA4L16JQ9D"  # a USCC with a valid check character


def licensed_agency(at: Center, name: str = "常德招标代理有限公司") -> tuple[Account, CenterSubject]:
    """An agency whose 招标代理机构 type is in force at the center, with the permissions it gives
    (granted as the approval of its profile grants them)."""
    account, entry = make_agency(at, name=name)
    permissions_grant(center=at, center_subject=entry, because="测试：主体信息审核通过", now=timezone.now())
    return account, entry


def project_details(**overrides: Any) -> services.ProjectDetails:
    values: dict[str, Any] = {
        "name": "常德市第一中学教学设备采购项目",
        "purchaser_name": "常德市第一中学",
        "purchaser_code": PURCHASER_CODE,
        "budget": Decimal("1500000.00"),
        "method": "open",
        "funding_source": "fiscal",
        "organisation_form": "decentralised",
        "contact_name": "王敏",
        "contact_phone": "13907360001",
    }
    return services.ProjectDetails(**{**values, **overrides})


def lot(name: str = "教学设备", code: str = "", budget: str = "800000", deposit: str = "10000", **more: Any):
    return services.LotDetails(
        name=name,
        catalogue_code=code,
        budget=Decimal(budget) if budget else None,
        deposit=Decimal(deposit) if deposit else None,
        evaluation_method=more.pop("evaluation_method", EvaluationMethod.COMPREHENSIVE),
        **more,
    )


def documents(account: Account) -> dict:
    return {"approval": stored(account, "采购计划.pdf"), "entrustment": stored(account, "委托协议.pdf")}


def make_project(
    account: Account, entry: CenterSubject, *, lots=None, complete: bool = True, **details
) -> Project:
    from procurement.catalogue import catalogue_search

    code = catalogue_search("A")[0].code
    return services.project_create(
        actor=unit_actor(account),
        center=entry.center,
        agency=entry,
        details=project_details(**details),
        lots=lots if lots is not None else [lot("第一包", code), lot("第二包", code, budget="600000")],
        attachments=documents(account) if complete else {},
    )
