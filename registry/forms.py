"""The forms of each record kind (what 003 §4 asks a subject to fill in)."""

import datetime
import re
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone

from registry import identifiers
from registry.models import QualificationType
from registry.recordforms import AttachmentSlot, RecordForm, RowForm, RowList
from registry.regions import region_choices
from registry.subject_types import SubjectType

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
PHONE_RE = re.compile(r"^(0\d{2,3}-?)?\d{7,8}(-\d{1,6})?$")

PHONE_INVALID = "请填写11位手机号码，或带区号的固定电话（如0734-8846540）。"
BANK_ACCOUNT_INVALID = "银行账号应为8至32位数字，请去掉空格后重新填写。"
POSTCODE_INVALID = "邮政编码应为6位数字。"
DATE_IN_FUTURE = "日期不能晚于今天。"
END_BEFORE_START = "{end}不能早于{start}。"
GRADE_NOT_IN_TYPE = "“{type}”没有“{grade}”这一等级，可选：{grades}。"


def _text(label: str, max_length: int = 200, **kw: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=False, **kw)


def _area(label: str, max_length: int = 2000) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=max_length, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def _date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


def _choice(label: str, choices: list[tuple[str, str]]) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, choices=[("", "请选择"), *choices])


def _money(label: str) -> forms.DecimalField:
    return forms.DecimalField(label=label, required=False, min_value=0, max_digits=14, decimal_places=4)


def _phone(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=20,
        required=False,
        validators=[RegexValidator(PHONE_RE.pattern + "|" + MOBILE_RE.pattern, PHONE_INVALID)],
    )


def _id_number(label: str) -> forms.CharField:
    return forms.CharField(label=label, max_length=18, required=False, validators=[validate_resident_id])


def validate_resident_id(value: str) -> None:
    if not value:
        return
    check = identifiers.check_resident_id(identifiers.normalize_code(value))
    if not check.ok:
        raise forms.ValidationError(check.error)


def validate_not_future(value: datetime.date | None) -> None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(DATE_IN_FUTURE)


def _check_order(form: forms.Form, start: str, end: str) -> None:
    a, b = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if a and b and b < a:
        form.add_error(
            end, END_BEFORE_START.format(end=form.fields[end].label, start=form.fields[start].label)
        )


class NormalisedCodeMixin:
    """ID numbers are stored as normalize_code leaves them (upper-case X, no spaces)."""

    id_fields: tuple[str, ...] = ()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()  # type: ignore[misc]
        for name in self.id_fields:
            if cleaned.get(name):
                cleaned[name] = identifiers.normalize_code(cleaned[name])
        return cleaned


ENTITY_TYPES = [
    ("enterprise", "企业"),
    ("government", "机关"),
    ("institution", "事业单位"),
    ("social_group", "社会团体"),
    ("private_non_enterprise", "民办非企业单位"),
    ("individual_business", "个体工商户"),
    ("cooperative", "农民专业合作社"),
    ("other", "其他"),
]


class UnitBasicForm(NormalisedCodeMixin, RecordForm):
    name = _text("单位全称", help_text="与营业执照上的名称一致。")
    entity_type = _choice("单位性质", ENTITY_TYPES)
    roles = forms.MultipleChoiceField(
        label="主体类型", required=False, choices=SubjectType.choices, widget=forms.CheckboxSelectMultiple
    )
    established_on = _date("成立日期")
    business_term = _text("营业期限", 50, help_text="如“长期”或“2045-06-30”。")
    registered_capital = _money("注册资本（万元）")
    legal_rep_name = _text("法定代表人姓名", 50)
    legal_rep_id_number = _id_number("法定代表人身份证号")
    legal_rep_phone = _phone("法定代表人手机")
    region = _choice("注册地行政区划", region_choices())
    registered_address = _text("注册地址")
    office_address = _text("经营地址")
    postcode = _text("邮政编码", 6, validators=[RegexValidator(r"^\d{6}$", POSTCODE_INVALID)])
    business_scope = _area("经营范围")
    introduction = _area("单位简介")
    contact_name = _text("联系人", 50)
    contact_phone = _phone("联系电话")
    contact_email = forms.EmailField(label="电子邮箱", required=False)
    bank_name = _text("基本户开户银行")
    bank_account_name = _text("账户名称")
    bank_account = _text("银行账号", 32, validators=[RegexValidator(r"^\d{8,32}$", BANK_ACCOUNT_INVALID)])
    licence_scan = AttachmentSlot(label="营业执照")
    legal_rep_id_scan = AttachmentSlot(label="法定代表人身份证")
    bank_permit_scan = AttachmentSlot(label="基本存款账户信息")

    id_fields = ("legal_rep_id_number",)
    title_field = "name"
    sections = [
        (
            "单位信息",
            ["name", "entity_type", "roles", "established_on", "business_term", "registered_capital"],
        ),
        ("法定代表人", ["legal_rep_name", "legal_rep_id_number", "legal_rep_phone"]),
        (
            "注册与经营",
            ["region", "registered_address", "office_address", "postcode", "business_scope", "introduction"],
        ),
        ("联系方式", ["contact_name", "contact_phone", "contact_email"]),
        ("银行账户", ["bank_name", "bank_account_name", "bank_account"]),
        ("电子件", ["licence_scan", "legal_rep_id_scan", "bank_permit_scan"]),
    ]
    submit_required = (
        "name", "entity_type", "roles", "established_on", "registered_capital",
        "legal_rep_name", "legal_rep_id_number", "region", "registered_address", "business_scope",
        "contact_name", "contact_phone", "contact_email",
        "bank_name", "bank_account_name", "bank_account",
        "licence_scan", "legal_rep_id_scan",
    )  # fmt: skip

    def clean_established_on(self) -> datetime.date | None:
        value = self.cleaned_data.get("established_on")
        validate_not_future(value)
        return value


class PersonBasicForm(RecordForm):
    name = _text("姓名", 50)
    phone = _phone("手机号码")
    email = forms.EmailField(label="电子邮箱", required=False)
    region = _choice("户籍/常住地行政区划", region_choices())
    address = _text("联系地址")
    work_unit = _text("工作单位")
    professional_title = _text("职称", 50)
    bank_name = _text("开户银行")
    bank_account = _text("银行账号", 32, validators=[RegexValidator(r"^\d{8,32}$", BANK_ACCOUNT_INVALID)])
    id_front_scan = AttachmentSlot(label="身份证人像面")
    id_back_scan = AttachmentSlot(label="身份证国徽面")

    title_field = "name"
    sections = [
        ("个人信息", ["name", "phone", "email", "region", "address", "work_unit", "professional_title"]),
        ("银行账户", ["bank_name", "bank_account"]),
        ("电子件", ["id_front_scan", "id_back_scan"]),
    ]
    submit_required = ("name", "phone", "email", "region", "address", "id_front_scan", "id_back_scan")


def _qualification_types() -> Any:
    return QualificationType.objects.all()


class QualificationTypeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: QualificationType) -> str:
        return f"{obj.attribute}｜{obj.name}"


class QualificationItemForm(RowForm):
    qualification_type = QualificationTypeChoice(
        label="资质类型", queryset=QualificationType.objects.all(), empty_label="请选择资质属性与类型"
    )
    grade = forms.CharField(label="等级", max_length=20, required=False)
    scope = forms.CharField(label="可承担业务", max_length=500, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        qt, grade = cleaned.get("qualification_type"), cleaned.get("grade")
        if qt and qt.grades and grade and grade not in qt.grades:
            self.add_error(
                "grade", GRADE_NOT_IN_TYPE.format(type=qt.name, grade=grade, grades="、".join(qt.grades))
            )
        return cleaned


class QualificationForm(RecordForm):
    cert_no = _text("资质证书编号", 60)
    issuer = _text("发证机关")
    issued_on = _date("发证日期")
    valid_until = _date("有效期至")
    certificate_scan = AttachmentSlot(label="资质证书电子件")

    title_field = "cert_no"
    sections = [("资质证书", ["cert_no", "issuer", "issued_on", "valid_until", "certificate_scan"])]
    row_lists = {
        "items": RowList("资质列表", QualificationItemForm, 1, ("qualification_type", "grade", "scope"))
    }
    submit_required = ("cert_no", "issuer", "valid_until", "certificate_scan")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("issued_on") and cleaned["issued_on"] > timezone.localdate():
            self.add_error("issued_on", DATE_IN_FUTURE)
        _check_order(self, "issued_on", "valid_until")
        return cleaned


PERFORMANCE_CATEGORIES = [
    ("construction", "工程施工"),
    ("survey_design", "勘察设计"),
    ("supervision", "工程监理"),
    ("goods", "货物供应"),
    ("service", "服务"),
    ("agency", "招标代理"),
]


class PerformanceForm(RecordForm):
    project_name = _text("项目名称")
    category = _choice("业绩类型", PERFORMANCE_CATEGORIES)
    owner_name = _text("建设单位/采购人")
    project_location = _text("项目地点")
    contract_amount = _money("合同金额（万元）")
    contract_signed_on = _date("合同签订日期")
    started_on = _date("开工/开始日期")
    completed_on = _date("竣工/完成日期")
    project_manager = _text("项目负责人", 50)
    description = _area("项目概况")
    award_notice_scan = AttachmentSlot(label="中标（成交）通知书")
    contract_scan = AttachmentSlot(label="合同")
    acceptance_scan = AttachmentSlot(label="竣工验收证明")

    title_field = "project_name"
    sections = [
        ("业绩信息", ["project_name", "category", "owner_name", "project_location", "contract_amount",
                   "contract_signed_on", "started_on", "completed_on", "project_manager", "description"]),
        ("电子件", ["award_notice_scan", "contract_scan", "acceptance_scan"]),
    ]  # fmt: skip
    submit_required = (
        "project_name",
        "category",
        "owner_name",
        "contract_amount",
        "contract_signed_on",
        "contract_scan",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        _check_order(self, "started_on", "completed_on")
        return cleaned


EDUCATION = [
    ("doctor", "博士研究生"),
    ("master", "硕士研究生"),
    ("bachelor", "大学本科"),
    ("college", "大学专科"),
    ("secondary", "中专/高中"),
    ("other", "其他"),
]


class PractitionerCertificateForm(RowForm):
    cert_name = forms.CharField(label="证书名称", max_length=100)
    cert_no = forms.CharField(label="证书编号", max_length=60)
    specialty = forms.CharField(label="专业", max_length=60, required=False)
    level = forms.CharField(label="等级", max_length=20, required=False)
    valid_until = _date("有效期至")


class PractitionerAwardForm(RowForm):
    award_name = forms.CharField(label="奖项名称", max_length=100)
    issuer = forms.CharField(label="颁发单位", max_length=100, required=False)
    awarded_on = _date("获奖日期")


class PractitionerForm(NormalisedCodeMixin, RecordForm):
    name = _text("姓名", 50)
    id_number = _id_number("身份证号")
    phone = _phone("手机号码")
    professional_title = _text("职称", 50)
    position = _text("职务", 50)
    education = _choice("学历", EDUCATION)
    major = _text("所学专业", 50)
    id_scan = AttachmentSlot(label="身份证电子件")
    safety_category = _choice(
        "考核证类别", [("A", "A类（主要负责人）"), ("B", "B类（项目负责人）"), ("C", "C类（专职安全员）")]
    )
    safety_cert_no = _text("考核证编号", 60)
    safety_valid_until = _date("考核证有效期至")

    id_fields = ("id_number",)
    title_field = "name"
    # 003 §4.4: four tabs, 基本信息 required.
    sections = [
        ("基本信息", ["name", "id_number", "phone", "professional_title", "position", "education", "major", "id_scan"]),
        ("安全生产考核证", ["safety_category", "safety_cert_no", "safety_valid_until"]),
    ]  # fmt: skip
    row_lists = {
        "certificates": RowList("资格证书", PractitionerCertificateForm, 0, ("cert_name", "cert_no", "specialty", "valid_until")),
        "awards": RowList("人员获奖", PractitionerAwardForm, 0, ("award_name", "issuer", "awarded_on")),
    }  # fmt: skip
    tab_order = ["基本信息", "certificates", "awards", "安全生产考核证"]
    submit_required = ("name", "id_number", "phone", "id_scan")


AWARD_LEVELS = [("national", "国家级"), ("provincial", "省级"), ("city", "市级"), ("other", "其他")]


class AwardForm(RecordForm):
    award_name = _text("奖项名称")
    award_level = _choice("奖项级别", AWARD_LEVELS)
    issuer = _text("颁发单位")
    awarded_on = _date("获奖日期")
    project_name = _text("获奖项目")
    certificate_scan = AttachmentSlot(label="获奖证书电子件")

    title_field = "award_name"
    sections = [
        (
            "获奖信息",
            ["award_name", "award_level", "issuer", "awarded_on", "project_name", "certificate_scan"],
        )
    ]
    submit_required = ("award_name", "award_level", "issuer", "awarded_on", "certificate_scan")

    def clean_awarded_on(self) -> datetime.date | None:
        value = self.cleaned_data.get("awarded_on")
        validate_not_future(value)
        return value
