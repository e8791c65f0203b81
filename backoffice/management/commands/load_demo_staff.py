"""Demo staff of the three centers and a platform administrator (idempotent).

Each has a valid resident ID number, so a personal demo certificate made for that number logs in
to the back-office (review/staff_login.py).
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from centers.models import Center
from registry.identifiers import resident_id_check_char
from review.models import StaffRole
from review.services_admin import staff_member_seed

DEMO_PASSWORD = "Staff2026ggzy"
# The demo accounts share a published password: never on a production site by accident.
NOT_DEBUG = "演示工作人员的密码是公开的，只能在 DEBUG=1 的开发环境中加载；确需加载请加 --force。"


def _id(region: str, birth: str, sequence: str) -> str:
    first17 = f"{region}{birth}{sequence}"
    return first17 + resident_id_check_char(first17)


# (username, center code or "", name, department, roles, ID number, how demo_logins describes it)
DEMO_STAFF = [
    (
        "changde_reviewer",
        "changde",
        "周敏",
        "信息技术部",
        [StaffRole.REVIEWER],
        _id("430702", "19880312", "024"),
        "常德·审核员",
    ),
    (
        "changde_support",
        "changde",
        "刘涛",
        "信息技术部",
        [StaffRole.SUPPORT],
        _id("430702", "19910705", "013"),
        "常德·技术支持",
    ),
    (
        "hengyang_reviewer",
        "hengyang",
        "李娟",
        "市场主体科",
        [StaffRole.REVIEWER],
        _id("430405", "19850921", "046"),
        "衡阳·市场主体科审核员",
    ),
    (
        "hengyang_support",
        "hengyang",
        "陈强",
        "信息科",
        [StaffRole.SUPPORT],
        _id("430405", "19900214", "037"),
        "衡阳·技术支持",
    ),
    (
        "fengtai_reviewer",
        "fengtai",
        "王磊",
        "政府采购科",
        [StaffRole.REVIEWER],
        _id("110106", "19870630", "015"),
        "丰台·审核员",
    ),
    (
        "fengtai_support",
        "fengtai",
        "孙悦",
        "技术组",
        [StaffRole.SUPPORT],
        _id("110106", "19931108", "028"),
        "丰台·技术支持",
    ),
    (
        "ggzy_admin",
        "",
        "赵平",
        "平台运维",
        [StaffRole.ADMIN],
        _id("430103", "19820517", "051"),
        "平台管理员（全部中心）",
    ),
]


def login_lines(url: str) -> list[str]:
    """What `make run` prints for the back-office (democa's demo_logins adds these lines)."""
    lines = [
        f"  中心工作人员后台: {url}backoffice/   密码均为 {DEMO_PASSWORD}，或用身份证号相同的个人CA证书登录:"
    ]
    lines += [
        f"    {label:<14}{username:<20}{name}  {id_number}"
        for username, _, name, _, _, id_number, label in DEMO_STAFF
    ]
    lines.append("    （演示证书助手里有衡阳审核员李娟的个人证书，PIN 123456，可在登录页「CA证书登录」试用）")
    return lines


class Command(BaseCommand):
    help = "Load demo staff of the three centers and a platform administrator (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/")
        parser.add_argument("--quiet", action="store_true", help="Load without printing the logins.")
        parser.add_argument("--force", action="store_true", help="Load even when DEBUG is off.")

    def handle(self, *args: Any, url: str, quiet: bool, force: bool, **options: Any) -> None:
        if not (settings.DEBUG or force):
            raise CommandError(NOT_DEBUG)
        centers = {center.code: center for center in Center.objects.all()}
        for username, code, name, department, roles, id_number, _ in DEMO_STAFF:
            if code and code not in centers:
                self.stderr.write(f"Center {code!r} is missing (run migrate); {username} skipped.")
                continue
            staff_member_seed(
                username=username,
                password=DEMO_PASSWORD,
                name=name,
                department=department,
                roles=[str(role) for role in roles],
                id_number=id_number,
                center=centers.get(code),
            )
        if not quiet:
            self.stdout.write("\n".join(["", *login_lines(url), ""]))
