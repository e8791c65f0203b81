"""The portal's search form: a few words and the filters, all optional."""

from __future__ import annotations

from django import forms

from centers.models import Center
from portal.selectors import Search
from procurement.announcement_models import AnnouncementKind

DATE_INVALID = "请按 年-月-日 填写日期，如 2026-12-01。"
DATES_REVERSED = "开始日期不能晚于结束日期。"


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

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", DATES_REVERSED)
        return cleaned

    def search(self) -> Search:
        """The criteria of a valid form; an invalid one searches with none (its errors are shown)."""
        if not self.is_valid():
            return Search()
        data = self.cleaned_data
        return Search(
            words=data["q"].strip(),
            center=data["center"],
            kind=data["kind"],
            since=data["since"],
            until=data["until"],
        )
