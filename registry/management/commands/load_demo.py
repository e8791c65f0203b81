"""Demo data: a few units and persons in various states, and a platform operator's account.

Idempotent: subjects that exist already are left as they are. Everything goes through the
services, so the demo has audit rows and versions like real use.
"""

from typing import Any

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction

from core.audit import Actor
from registry import services
from registry.attachments import attachment_store
from registry.identifiers import resident_id_check_char, uscc_check_char
from registry.models import Account, AuthMethod, QualificationType, Record, RecordKind, Subject, SubjectKind
from registry.operators import CENTER_STAFF_GROUP, operator_seed
from registry.samples import pdf_bytes, png_bytes

DEMO_PASSWORD = "Demo2026ggzy"
STAFF_USERNAME = "staff"
# Not the center staff's Staff2026ggzy: the password rule refuses a password holding the login.
STAFF_PASSWORD = "Operator2026ggzy"


def uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)


def resident_id(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


UNIT_VALID = uscc("91430400MA4L1G2B7")  # 衡阳 unit, 有效, with qualifications
UNIT_CHANGING = uscc("91430700MA4Q8C3D5")  # 常德 unit, 有效, a change in progress
UNIT_NEW = uscc("91110106MA01R5E2X")  # 丰台 unit, registered only: 无效
PERSON_VALID = resident_id("43040219850612003")
PERSON_NEW = resident_id("43070219920308004")


def _file(actor: Actor, subject: Subject, name: str) -> dict[str, Any]:
    content = pdf_bytes(f"ggzy demo {subject.code}") if name.endswith(".pdf") else png_bytes(subject.code)
    att = attachment_store(actor=actor, subject=subject, upload=SimpleUploadedFile(name, content))
    return att.reference()


def _unit_basic(name: str, region: str, actor: Actor, subject: Subject) -> dict[str, Any]:
    return {
        "name": name,
        "entity_type": "enterprise",
        "roles": ["bidder", "supplier"],
        "established_on": "2012-05-18",
        "business_term": "长期",
        "registered_capital": "5000",
        "legal_rep_name": "王建国",
        "legal_rep_id_number": resident_id("43040219700101001"),
        "legal_rep_phone": "13907340001",
        "region": region,
        "registered_address": "湖南省衡阳市蒸湘区解放大道8号",
        "office_address": "",
        "postcode": "421001",
        "business_scope": "房屋建筑工程、市政公用工程施工；建筑材料销售。",
        "introduction": "",
        "contact_name": "李敏",
        "contact_phone": "13807341234",
        "contact_email": "contact@example.com",
        "bank_name": "中国工商银行衡阳分行",
        "bank_account_name": name,
        "bank_account": "1904020109200012345",
        "licence_scan": _file(actor, subject, "营业执照.pdf"),
        "legal_rep_id_scan": _file(actor, subject, "法定代表人身份证.png"),
        "bank_permit_scan": None,
    }


class Command(BaseCommand):
    help = "Load demo subjects (units and persons in various states) and a platform operator."

    def handle(self, *args: Any, **options: Any) -> None:
        # Each subject in one transaction: a failure leaves no half-made subject behind, and the
        # next run makes it again.
        with transaction.atomic():
            self._staff()
        for make in (
            self._unit_valid,
            self._unit_changing,
            self._unit_new,
            self._person_valid,
            self._person_new,
        ):
            with transaction.atomic():
                make()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))

    def _staff(self) -> None:
        """A platform operator for Django's admin (主体查询 across the province, read-only), made
        as production makes one (create_operator).

        Earlier demos gave the center staff group (中心工作人员) every registry and core view
        permission, which let any reviewer read the whole province: undone here, so an existing
        demo database is repaired by the next `make run`."""
        for group in Group.objects.filter(name=CENTER_STAFF_GROUP):
            group.permissions.clear()
        operator_seed(username=STAFF_USERNAME, display_name="平台运维人员", password=STAFF_PASSWORD)

    def _unit_new(self) -> None:
        self._register(SubjectKind.UNIT, UNIT_NEW, "北京丰台示例科技有限公司")

    def _person_new(self) -> None:
        self._register(SubjectKind.PERSON, PERSON_NEW, "陈晓")

    def _register(self, kind: str, code: str, name: str) -> Account | None:
        if Subject.objects.filter(code=code).exists():
            return None
        return services.subject_register(
            kind=kind, code=code, name=name, password=DEMO_PASSWORD, email=f"{code.lower()}@example.com"
        )

    def _submit_basic(self, account: Account, data: dict[str, Any], actor: Actor) -> Record:
        record = Record.objects.get(subject=account.subject, kind=RecordKind.BASIC)
        version = services.record_save(actor=actor, record=record, data=data, expected_revision=0)
        services.record_submit(actor=actor, record=record, expected_revision=version.revision)
        return record

    def _unit_valid(self) -> None:
        account = self._register(SubjectKind.UNIT, UNIT_VALID, "衡阳示例建设工程有限公司")
        if account is None:
            return
        # Demo history stands for a unit that submitted with its CA certificate.
        actor = Actor(user=account, auth_method=AuthMethod.CERTIFICATE)
        subject = account.subject
        assert subject is not None
        self._submit_basic(account, _unit_basic(subject.name, "430408", actor, subject), actor)
        building = QualificationType.objects.get(name="建筑工程施工总承包")
        municipal = QualificationType.objects.get(name="市政公用工程施工总承包")
        qualification = services.record_create(
            actor=actor,
            subject=subject,
            kind=RecordKind.QUALIFICATION,
            data={
                "cert_no": "D243012345",
                "issuer": "湖南省住房和城乡建设厅",
                "issued_on": "2021-03-01",
                "valid_until": "2026-12-31",
                "certificate_scan": _file(actor, subject, "资质证书.pdf"),
                "items": [
                    {
                        "qualification_type": building.pk,
                        "grade": "二级",
                        "scope": "高度200米以下的工业、民用建筑工程",
                    },
                    {"qualification_type": municipal.pk, "grade": "三级", "scope": "城市道路工程"},
                ],
            },
        )
        qualification.refresh_from_db()
        services.record_submit(actor=actor, record=qualification, expected_revision=1)
        performance = services.record_create(
            actor=actor,
            subject=subject,
            kind=RecordKind.PERFORMANCE,
            data={
                "project_name": "衡阳市蒸湘区实验小学教学楼新建工程",
                "category": "construction",
                "owner_name": "衡阳市蒸湘区教育局",
                "project_location": "衡阳市蒸湘区",
                "contract_amount": "2860.5",
                "contract_signed_on": "2023-04-10",
                "started_on": "2023-05-01",
                "completed_on": "2024-08-30",
                "project_manager": "赵刚",
                "description": "",
                "award_notice_scan": None,
                "contract_scan": _file(actor, subject, "施工合同.pdf"),
                "acceptance_scan": None,
            },
        )
        performance.refresh_from_db()
        services.record_submit(actor=actor, record=performance, expected_revision=1)

    def _unit_changing(self) -> None:
        account = self._register(SubjectKind.UNIT, UNIT_CHANGING, "常德示例招标代理有限公司")
        if account is None:
            return
        actor = Actor(user=account, auth_method=AuthMethod.PASSWORD)
        subject = account.subject
        assert subject is not None
        data = _unit_basic(subject.name, "430702", actor, subject)
        data["roles"] = ["agency", "procurement_agency"]
        record = self._submit_basic(account, data, actor)
        draft = services.record_start_change(actor=actor, record=record)
        services.record_save(
            actor=actor,
            record=record,
            data={**draft.data, "contact_name": "周婷", "contact_phone": "13973600002"},
            expected_revision=0,
        )

    def _person_valid(self) -> None:
        account = self._register(SubjectKind.PERSON, PERSON_VALID, "刘洋")
        if account is None:
            return
        actor = Actor(user=account, auth_method=AuthMethod.PASSWORD)
        subject = account.subject
        assert subject is not None
        self._submit_basic(
            account,
            {
                "name": "刘洋",
                "phone": "13607340003",
                "email": "liuyang@example.com",
                "region": "430405",
                "address": "湖南省衡阳市珠晖区东风路12号",
                "work_unit": "",
                "professional_title": "工程师",
                "bank_name": "",
                "bank_account": "",
                "id_front_scan": _file(actor, subject, "身份证人像面.png"),
                "id_back_scan": _file(actor, subject, "身份证国徽面.png"),
            },
            actor,
        )
