"""The forms of 招标文件 and 答疑文件: they turn the page's input into what procurement.tenders takes."""

from __future__ import annotations

from typing import Any

from django import forms

from procurement import tender_templates
from procurement.models import Project
from procurement.tender_models import TenderDocument, TenderSource
from procurement.tenders import TenderDetails

TIME_FORMAT = "%Y-%m-%dT%H:%M"
PDF_MAX_LABEL = "PDF文件，A4纵向"
FACTORS_HELP = "每行一个评审因素：名称|分值|评分标准，分值合计应为100分。"
FACTORS_INVALID = "第{line}行格式不正确，应为：名称|分值|评分标准（分值为整数）。"
TEMPLATE_FIELDS = ("contract_period", "bid_validity", "bid_bond", "performance_bond", "agency_fee")


def _time_field(label: str, **kwargs: Any) -> forms.DateTimeField:
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=TIME_FORMAT)
    return forms.DateTimeField(label=label, widget=widget, input_formats=[TIME_FORMAT], **kwargs)


def factors_text(factors: list[dict[str, Any]]) -> str:
    return "\n".join(f"{f['name']}|{f['points']}|{f['criteria']}" for f in factors)


class TenderForm(forms.Form):
    lots = forms.TypedMultipleChoiceField(label="选择分包", coerce=int, widget=forms.CheckboxSelectMultiple)
    source = forms.ChoiceField(label="文件来源", choices=TenderSource.choices, widget=forms.RadioSelect)
    template = forms.ChoiceField(label="范本", required=False)
    pdf = forms.FileField(label="招标文件（PDF）", required=False, help_text=PDF_MAX_LABEL)
    documents_from = _time_field("文件获取开始时间")
    documents_until = _time_field("文件获取截止时间")
    bid_deadline = _time_field("投标截止时间（开标时间）")
    opening_place = forms.CharField(label="开标地点", max_length=200, required=False)
    contract_period = forms.CharField(label="合同履行期限", max_length=200, required=False)
    bid_validity = forms.CharField(label="投标有效期", max_length=200, required=False)
    bid_bond = forms.CharField(label="投标保证金", max_length=500, required=False)
    performance_bond = forms.CharField(label="履约保证金", max_length=500, required=False)
    agency_fee = forms.CharField(label="代理服务费", max_length=500, required=False)
    factors = forms.CharField(
        label="评审因素（综合评分法）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=FACTORS_HELP,
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        lots, template, source = (self._choice(name) for name in ("lots", "template", "source"))
        lots.choices = [(lot.pk, str(lot)) for lot in project.lots.order_by("number")]
        templates = tender_templates.templates_for(project.method)
        template.choices = [(t.key, t.name) for t in templates]
        self.upload_only = tender_templates.UPLOAD_ONLY.get(project.method)  # type: ignore[call-overload]
        if not templates:
            source.choices = [(TenderSource.UPLOAD, TenderSource.UPLOAD.label)]
            self.fields["source"].initial = TenderSource.UPLOAD
        elif not self.is_bound and "template" not in self.initial:
            defaults = templates[0].defaults
            self.initial.setdefault("source", TenderSource.TEMPLATE)
            self.initial.update({name: defaults[name] for name in TEMPLATE_FIELDS})
            self.initial["factors"] = factors_text(defaults["factors"])

    def _choice(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    @classmethod
    def initial_for(cls, tender: TenderDocument) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "lots": list(tender.lots.values_list("pk", flat=True)),
            "source": tender.source,
            "template": tender.template,
            "documents_from": tender.documents_from,
            "documents_until": tender.documents_until,
            "bid_deadline": tender.bid_deadline,
            "opening_place": tender.opening_place,
        }
        fields = tender.fields or tender_templates.TEMPLATES.get(tender.template or "open_goods").defaults  # type: ignore[union-attr]
        initial.update({name: fields.get(name, "") for name in TEMPLATE_FIELDS})
        initial["factors"] = factors_text(fields.get("factors", []))
        return initial

    def clean_factors(self) -> list[dict[str, str]] | None:
        text = self.cleaned_data.get("factors", "").strip()
        if not text:
            return None
        factors = []
        for number, line in enumerate(text.splitlines(), start=1):
            parts = [part.strip() for part in line.split("|", 2)]
            if len(parts) != 3 or not parts[0] or not parts[1].isdigit():
                raise forms.ValidationError(FACTORS_INVALID.format(line=number))
            factors.append({"name": parts[0], "points": str(int(parts[1])), "criteria": parts[2]})
        return factors

    def chosen_lots(self) -> list:
        chosen = set(self.cleaned_data["lots"])
        return [lot for lot in self.project.lots.order_by("number") if lot.pk in chosen]

    def details(self) -> TenderDetails:
        data = self.cleaned_data
        fields: dict[str, Any] = {name: data[name] for name in TEMPLATE_FIELDS if data.get(name)}
        if data.get("factors"):
            fields["factors"] = data["factors"]
        pdf = data.get("pdf")
        return TenderDetails(
            source=data["source"],
            template=data.get("template", ""),
            fields=fields,
            pdf=pdf.read() if pdf else None,
            documents_from=data["documents_from"],
            documents_until=data["documents_until"],
            bid_deadline=data["bid_deadline"],
            opening_place=data.get("opening_place", ""),
        )


class ClarificationForm(forms.Form):
    content = forms.CharField(
        label="澄清或修改内容", required=False, widget=forms.Textarea(attrs={"rows": 8}), max_length=20000
    )
    pdf = forms.FileField(label="或上传答疑文件（PDF）", required=False, help_text=PDF_MAX_LABEL)
    affects_bids = forms.BooleanField(label="可能影响投标文件编制", required=False)
    new_bid_deadline = _time_field("新的投标截止时间（开标时间）", required=False)
