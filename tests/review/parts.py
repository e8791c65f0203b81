"""Review-queue test data: centers' staff, a center's subject to decide, and a test kind whose
handlers change that subject for real (standing in for the centers app's own handlers)."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from centers.models import Center, CenterSubject, ProfileStatus
from core.audit import SYSTEM, Actor
from core.errors import DomainError
from registry.identifiers import resident_id_check_char
from registry.models import Account
from review.handlers import HANDLERS, review_handler_register
from review.models import ReviewItem, StaffMember
from review.services import review_open
from review.services_admin import staff_member_seed
from tests.factories import PASSWORD, make_unit

TEST_KIND = "test_profile"
REFUSED = "测试：材料不全，不能通过。"
ZONE = ZoneInfo("Asia/Shanghai")
_ids = iter(range(100, 999))


def at(text: str) -> dt.datetime:
    """A Beijing time: at("2026-11-20 10:00")."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=ZONE)


def reseed() -> None:
    """The centers and the 2026 calendar as the data migrations made them. A test that commits
    (transaction=True) starts after earlier ones flushed every table, migrations' rows included."""
    from django.apps import apps

    for module in ("centers.migrations.0002_seed_centers", "review.migrations.0002_calendar_2026"):
        import_module(module).seed(apps, None)


def center(code: str) -> Center:
    return Center.objects.get(code=code)


def new_id_number() -> str:
    first17 = f"430405198807{next(_ids) % 28 + 1:02d}{next(_ids):03d}"
    return first17 + resident_id_check_char(first17)


def staff(
    username: str, center_code: str | None, *roles: str, name: str = "", id_number: str = ""
) -> StaffMember:
    return staff_member_seed(
        username=username,
        password=PASSWORD,
        name=name or username,
        department="测试科",
        roles=list(roles),
        id_number=id_number or new_id_number(),
        center=center(center_code) if center_code else None,
    )


def demo_staff(username: str) -> StaffMember:
    """The member load_demo_staff seeds under `username` (center, name, department, roles and ID
    number as it has them), through the same seed, with the tests' password."""
    from backoffice.management.commands.load_demo_staff import DEMO_STAFF

    for seeded, center_code, name, department, roles, id_number, _ in DEMO_STAFF:
        if seeded == username:
            return staff_member_seed(
                username=username,
                password=PASSWORD,
                name=name,
                department=department,
                roles=[str(role) for role in roles],
                id_number=id_number,
                center=center(center_code) if center_code else None,
            )
    raise LookupError(f"load_demo_staff seeds no {username!r}")


def actor_of(member: StaffMember | Account) -> Actor:
    account = member.account if isinstance(member, StaffMember) else member
    return Actor(user=account, auth_method="password")


def center_subject(center_code: str, name: str = "衡阳审核测试建设有限公司") -> CenterSubject:
    unit = make_unit(name=name)
    return CenterSubject.unscoped.create(
        center=center(center_code),
        subject=unit.subject,
        origin="registry",
        profile_status=ProfileStatus.SUBMITTED,
        # The shape of registry/events.py subject_snapshot.
        registry_data={"name": name, "status": "valid", "basic": {"name": name, "legal_rep_name": "王五"}},
    )


def open_item(
    entry: CenterSubject, *, kind: str = TEST_KIND, role: str | None = None, now: dt.datetime | None = None
) -> ReviewItem:
    with transaction.atomic():
        return review_open(
            actor=SYSTEM,
            center=entry.center,
            kind=kind,
            target=entry,
            title=f"主体信息审核：{entry.subject.name}",
            subject_name=entry.subject.name,
            subject_code=entry.subject.code,
            role=role,
            now=now or timezone.now(),
        )


def _decide(status: str):
    def handler(*, actor: Actor, item: ReviewItem, opinion: str) -> None:
        entry = CenterSubject.objects.at(item.center).select_for_update().get(pk=item.target_id)
        entry.profile_status = status
        entry.decision_opinion = opinion
        entry.decided_at = timezone.now()
        entry.save(update_fields=["profile_status", "decision_opinion", "decided_at"])

    return handler


def _refuse(*, actor: Actor, item: ReviewItem, opinion: str) -> None:
    # Changes the target first, so a test can prove the refusal rolled the change back.
    _decide(ProfileStatus.APPROVED)(actor=actor, item=item, opinion=opinion)
    raise DomainError(REFUSED)


def _describe(item: ReviewItem) -> dict:
    entry = CenterSubject.objects.at(item.center).select_related("subject").get(pk=item.target_id)
    return {
        "title": f"{entry.subject.name}的主体信息",
        "rows": [
            ("单位全称", entry.subject.name),
            ("法定代表人", entry.registry_data["basic"]["legal_rep_name"]),
        ],
        "links": [("主体查询", f"/backoffice/subjects/{entry.center.code}/{entry.pk}/")],
        "attachments": [("营业执照.pdf", "/registry/attachments/1/")],
    }


@contextmanager
def registered_handlers(*, refuse: bool = False, describe: bool = True) -> Iterator[None]:
    """Registers TEST_KIND's handlers for the block, and puts back whatever was registered."""
    saved = dict(HANDLERS)
    review_handler_register(
        TEST_KIND,
        approve=_refuse if refuse else _decide(ProfileStatus.APPROVED),
        reject=_decide(ProfileStatus.REJECTED),
        describe=_describe if describe else None,
    )
    try:
        yield
    finally:
        HANDLERS.clear()
        HANDLERS.update(saved)
