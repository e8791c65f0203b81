"""The project form (项目注册) and its lots (分包明细): the shape of the input, all mistakes shown
together; the services check the rules again."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from centers.people_forms import AttachmentsMixin
from procurement import rules
from procurement.models import (
    EvaluationMethod,
    FundingSource,
    OrganisationForm,
    ProcurementMethod,
    Project,
    QualificationReview,
)
from procurement.services import DETAIL_FIELDS, LOT_REQUIRED, SUBMIT_REQUIRED, LotDetails, ProjectDetails
from registry.models import Attachment, Subject
from registry.recordforms import AttachmentSlot

MONEY_MESSAGES = {
    "invalid": "请填写金额（元），如 1500000.00。",
    "max_decimal_places": "金额最多保留两位小数（分）。",
    "max_digits": "金额过大，请核对单位是否为元。",
    "min_value": "金额不能为负数。",
}


def _money(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=16,
        decimal_places=2,
        min_value=Decimal("0"),
        error_messages=MONEY_MESSAGES,
    )


def _blank(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", "请选择"), *choices]


class ProjectForm(AttachmentsMixin, forms.Form):
    name = forms.CharField(label="项目名称", max_length=200, required=False)
    purchaser_name = forms.CharField(label="采购人名称", max_length=200, required=False)
    purchaser_code = forms.CharField(
        label="采购人统一社会信用代码", max_length=30, required=False, help_text="18位，保存时校验校验码。"
    )
    budget = _money("项目预算（元）")
    method = forms.ChoiceField(label="采购方式", choices=_blank(ProcurementMethod.choices), required=False)
    funding_source = forms.ChoiceField(
        label="资金来源", choices=_blank(FundingSource.choices), required=False
    )
    organisation_form = forms.ChoiceField(
        label="组织形式", choices=_blank(OrganisationForm.choices), required=False
    )
    contact_name = forms.CharField(label="项目联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)
    description = forms.CharField(
        label="项目概况", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    approval = AttachmentSlot(label=rules.ATTACHMENT_SLOTS["approval"])
    entrustment = AttachmentSlot(label=rules.ATTACHMENT_SLOTS["entrustment"])
    other = AttachmentSlot(label=rules.ATTACHMENT_SLOTS["other"])

    sections = (
        ("项目信息", ["name", "method", "budget", "funding_source", "organisation_form", "description"]),
        ("采购人", ["purchaser_name", "purchaser_code", "contact_name", "contact_phone"]),
    )

    def __init__(self, *args: Any, subject: Subject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subject = subject
        for name in [*SUBMIT_REQUIRED, *rules.SUBMIT_REQUIRED_ATTACHMENTS]:
            self.fields[name].required_on_submit = True  # type: ignore[attr-defined]
        self.load_attachments()

    @classmethod
    def initial_for(cls, project: Project) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(project, name) for name in DETAIL_FIELDS}
        for slot in rules.ATTACHMENT_SLOTS:
            initial[slot] = (project.attachments.get(slot) or {}).get("id", "")
        return initial

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.check_attachments(cleaned)
        return cleaned

    def details(self) -> ProjectDetails:
        return ProjectDetails(**{name: self.cleaned_data[name] for name in DETAIL_FIELDS})

    def chosen_attachments(self) -> dict[str, Attachment | None]:
        return {slot: self.attachment(self.cleaned_data, slot) for slot in rules.ATTACHMENT_SLOTS}

    def blocks(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.sections]

    def attachment_fields(self) -> list[forms.BoundField]:
        return [self[slot] for slot in rules.ATTACHMENT_SLOTS]


class LotForm(forms.Form):
    name = forms.CharField(label="分包名称", max_length=200, required=False)
    catalogue_code = forms.CharField(
        label="采购目录",
        max_length=20,
        required=False,
        help_text="输入编码或名称查找，如 A02010105 或 台式计算机。",
        widget=forms.TextInput(attrs={"class": "js-catalogue", "autocomplete": "off"}),
    )
    budget = _money("预算金额/最高限价（元）")
    deposit = _money("保证金金额（元）")
    qualification_review = forms.ChoiceField(
        label="资审方式",
        choices=[(QualificationReview.POST.value, QualificationReview.POST.label)],
        initial=QualificationReview.POST,
        help_text="全流程电子化交易只有资格后审方式（资格预审不适用）。",
    )
    evaluation_method = forms.ChoiceField(
        label="评标办法", choices=_blank(EvaluationMethod.choices), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in LOT_REQUIRED:
            self.fields[name].required_on_submit = True  # type: ignore[attr-defined]

    def details(self) -> LotDetails:
        return LotDetails(**{name: self.cleaned_data[name] for name in self.base_fields})


class BaseLotFormSet(forms.BaseFormSet):
    def lots(self) -> list[LotDetails]:
        """The lots in page order, those marked 删除 and rows left entirely empty left out."""
        kept = [f for f in self.forms if not f.cleaned_data.get("DELETE") and not _empty(f)]
        return [f.details() for f in kept]


def _empty(form: LotForm) -> bool:
    return all(form.cleaned_data.get(name) in ("", None) for name in LOT_REQUIRED)


LotFormSet = forms.formset_factory(
    LotForm, formset=BaseLotFormSet, extra=0, can_delete=True, max_num=rules.LOTS_LIMIT, validate_max=True
)


def lot_initial(project: Project) -> list[dict[str, Any]]:
    return [{name: getattr(lot, name) for name in LotForm.base_fields} for lot in project.lots.all()]
