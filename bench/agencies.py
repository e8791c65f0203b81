"""Agencies known at a center, their projects bulk-loaded, and a client logged in as one of them:
what the procurement figures (bench/projects.py, bench/venues.py) share.

The agencies are the bench's subjects 1–10, known at the center as 招标代理机构 with the
permissions their approval gives. Projects have two lots each and take the states in turn; half of
them are the first agency's, the rest go round the other nine.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from centers.grants import permissions_grant
from centers.models import Center, CenterSubject, CenterSubjectType, SubjectType
from procurement.models import Lot, Project, ProjectStatus
from registry.auth import AUTH_METHOD_KEY, CERTIFICATE
from registry.models import Account

AGENCIES = 10
CHUNK = 1_000
STATES = [ProjectStatus.DRAFT, ProjectStatus.SUBMITTED, ProjectStatus.APPROVED, ProjectStatus.REJECTED]


# What every benchmark project states besides its code, name, budget and state.
PROJECT_FIELDS = {
    "purchaser_name": "常德市第一中学",
    "purchaser_code": "91430100MA4L16JQ9D",
    "method": "open",
    "funding_source": "fiscal",
    "organisation_form": "decentralised",
    "contact_name": "王敏",
    "contact_phone": "13907360001",
}


def agencies_at(center: Center) -> list[CenterSubject]:
    """Subjects 1–10 as the center's 招标代理机构, the first one first."""
    entries = []
    accounts = Account.objects.filter(subject_id__in=range(1, AGENCIES + 1)).select_related("subject")
    for account in accounts.order_by("subject_id"):
        subject = account.subject
        entry = CenterSubject.objects.at(center).create(
            center=center,
            subject=subject,
            origin="registry",
            registry_data={"name": subject.name, "code": subject.code},
        )
        CenterSubjectType.objects.at(center).create(
            center=center, center_subject=entry, type=SubjectType.AGENCY, added_by=account
        )
        permissions_grant(center=center, center_subject=entry, because="bench", now=timezone.now())
        entries.append(entry)
    return entries


def projects_load(center: Center, agencies: list[CenterSubject], count: int) -> None:
    """`count` projects of the agencies at the center, two lots each, in every state."""
    owners = itertools.chain(itertools.repeat(agencies[0], count // 2), itertools.cycle(agencies[1:]))
    year = timezone.localtime().year
    for first in range(1, count + 1, CHUNK):
        numbers = range(first, min(first + CHUNK, count + 1))
        with transaction.atomic():
            made = Project.objects.bulk_create(
                Project(
                    center=center,
                    agency=next(owners),
                    code=f"{center.code.upper()}-ZC-{year}-{n:05d}",
                    name=f"第{n}号教学设备采购项目",
                    budget=Decimal("1500000"),
                    **PROJECT_FIELDS,
                    status=STATES[n % len(STATES)],
                )
                for n in numbers
            )
            Lot.objects.bulk_create(
                Lot(
                    project=project,
                    number=number,
                    name=f"第{number}包",
                    catalogue_code="A02010105",
                    catalogue_name="台式计算机",
                    budget=Decimal("700000"),
                    deposit=Decimal("10000"),
                    evaluation_method="comprehensive",
                )
                for project in made
                for number in (1, 2)
            )
    analyze()


def analyze() -> None:
    # A live database has planner statistics (autovacuum keeps them); a bulk load has none.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def agency_client(entry: CenterSubject) -> Client:
    """django.test.Client logged in as the agency's account with a certificate, as agencies work."""
    client = Client()
    client.force_login(entry.subject.account)
    session = client.session
    session[AUTH_METHOD_KEY] = CERTIFICATE
    session.save()
    return client
