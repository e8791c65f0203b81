"""The portal's search form: a few words and the filters, all optional."""

from __future__ import annotations

from django import forms

from centers.models import Center
from portal.regions import region_choices
from portal.selectors import Search
from procurement.announcement_models import AnnouncementKind
from procurement.models import ProcurementMethod

DATE_INVALID = "请按 年-月-日 填写日期，如 2026-12-01。"
DATES_REVERSED = "开始日期不能晚于结束日期。"
BUDGET_REVERSED = "预算下限不能高于上限。"
BUDGET_INVALID = "请填写金额（元），如 500000，不要带单位或逗号。"
CATALOGUE_INVALID = "请填写政府采购品目编码或其开头，如 A02 或 A02010105（A 货物、B 工程、C 服务）。"


def _amount(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
        error_messages={"invalid": BUDGET_INVALID},
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label="关键词",
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "项目名称、编号或公告标题，如：智慧教室"}
        ),
    )
    center = forms.ChoiceField(label="交易中心", required=False)
    kind = forms.ChoiceField(
        label="公告类型", required=False, choices=[("", "全部类型"), *AnnouncementKind.choices]
    )
    method = forms.ChoiceField(
        label="采购方式", required=False, choices=[("", "全部方式"), *ProcurementMethod.choices]
    )
    catalogue = forms.RegexField(
        label="采购品目",
        required=False,
        regex=r"^\s*[A-Ca-c][0-9]{0,8}\s*$",
        max_length=12,
        error_messages={"invalid": CATALOGUE_INVALID},
        widget=forms.TextInput(attrs={"placeholder": "品目编码，如 A02"}),
    )
    region = forms.ChoiceField(label="地区（采购人）", required=False, choices=region_choices)
    budget_min = _amount("预算从（元）")
    budget_max = _amount("预算至（元）")
    since = forms.DateField(
        label="发布日期从",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": DATE_INVALID},
    )
    until = forms.DateField(
        label="至",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": DATE_INVALID},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        centers = Center.objects.order_by("pk").values_list("code", "name")
        self.fields["center"].choices = [("", "全部交易中心"), *centers]  # type: ignore[attr-defined]

    MAIN = ("q", "center", "kind")

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.MAIN]

    def more_fields(self) -> list[forms.BoundField]:
        return [field for field in self if field.name not in self.MAIN]

    def more_used(self) -> bool:
        """Open 「更多筛选」 when one of its filters is set or refused, so nothing chosen is hidden."""
        return any((field.value() not in (None, "")) or field.errors for field in self.more_fields())

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", DATES_REVERSED)
        low, high = cleaned.get("budget_min"), cleaned.get("budget_max")
        if low is not None and high is not None and low > high:
            self.add_error("budget_max", BUDGET_REVERSED)
        return cleaned

    def search(self) -> Search:
        """The criteria of a valid form (an unbound one has none)."""
        if not self.is_bound:
            return Search()
        if not self.is_valid():
            raise ValueError("the search of a refused form")
        data = self.cleaned_data
        return Search(
            words=data["q"].strip(),
            center=data["center"],
            kind=data["kind"],
            method=data["method"],
            catalogue=(data["catalogue"] or "").strip().upper(),
            region=data["region"],
            budget_min=data["budget_min"],
            budget_max=data["budget_max"],
            since=data["since"],
            until=data["until"],
        )
