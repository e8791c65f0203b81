"""The forms of the 公告 pages: each kind's fields (「修改保存」) and the 签署意见 of 「提交信息」. They
shape the input; procurement.announcement_kinds checks it and words the refusals."""

from __future__ import annotations

from typing import Any

from django import forms

from centers.models import Center, CenterSubject
from centers.people_forms import AttachmentsMixin
from procurement import announcement_rules as rules
from procurement.announcement_models import Announcement, AnnouncementKind, FailureReason
from procurement.forms import MONEY_MESSAGES
from procurement.forms_tenders import _time_field
from registry.models import Subject
from registry.recordforms import AttachmentSlot


def _content(label: str, required: bool = False, placeholder: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=rules.CONTENT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": placeholder}),
        error_messages={"max_length": rules.CONTENT_TOO_LONG},
    )


class AnnouncementForm(forms.Form):
    """招标公告: its 其他补充事宜."""

    other_matters = forms.CharField(
        label="其他补充事宜",
        required=False,
        max_length=rules.OTHER_MATTERS_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "每行一条，如：本项目专门面向中小企业采购。"}),
        error_messages={"max_length": rules.OTHER_MATTERS_TOO_LONG},
    )

    def data_for_service(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

    @classmethod
    def initial_for(cls, announcement: Announcement) -> dict[str, Any]:
        return {"other_matters": announcement.other_matters}


class CorrectionForm(forms.Form):
    """变更公告: what changes, whether it affects bids, and the new deadline (later only)."""

    content = _content("变更内容", placeholder="每行一条，如：第2包技术参数第3项修改为……")
    affects_bids = forms.BooleanField(
        label="变更内容可能影响投标文件编制",
        required=False,
        help_text="影响投标文件编制且距投标截止不足15日的，必须顺延投标截止时间。",
    )
    new_bid_deadline = _time_field(
        "新的投标截止时间（开标时间）",
        required=False,
        help_text="不延期请留空；只能往后变更。延期前请先申请场地变更，开标室改到新的时间。",
    )

    def data_for_service(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

    @classmethod
    def initial_for(cls, announcement: Announcement) -> dict[str, Any]:
        return {
            "content": announcement.content,
            "affects_bids": announcement.affects_bids,
            "new_bid_deadline": announcement.new_bid_deadline,
        }


class AwardForm(forms.Form):
    """中标公告: the winner found by 「检索」, the price and when the winner was determined."""

    winner_code = forms.CharField(
        label="中标单位（统一社会信用代码）",
        required=False,
        max_length=18,
        help_text="在上方「检索」中按名称或代码查找本中心有效的交易主体，点击「选择」填入。",
    )
    price = forms.DecimalField(
        label="中标金额（元）", required=False, max_digits=16, decimal_places=2, error_messages=MONEY_MESSAGES
    )
    awarded_at = _time_field("确定中标人时间", required=False)
    content = _content("其他说明")

    def __init__(self, *args: Any, center: Center, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.center = center

    def data_for_service(self) -> dict[str, Any]:
        code = (self.cleaned_data.get("winner_code") or "").strip().upper()
        winner = (
            CenterSubject.objects.at(self.center).filter(subject__code=code).select_related("subject").first()
            if code
            else None
        )
        return {**self.cleaned_data, "winner": winner}

    @classmethod
    def initial_for(cls, announcement: Announcement) -> dict[str, Any]:
        return {
            "winner_code": announcement.winner_code,
            "price": announcement.price,
            "awarded_at": announcement.awarded_at,
            "content": announcement.content,
        }


class _FileForm(AttachmentsMixin, forms.Form):
    """A form with a scanned document stored for the agency (its slot holds the stored file's id)."""

    def __init__(self, *args: Any, subject: Subject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subject = subject
        self.load_attachments()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.check_attachments(cleaned)
        return cleaned


class AwardChangeForm(AwardForm):
    """中标公告变更: the award as it now stands, and why it changes."""

    content = _content("变更原因及内容", placeholder="如：原中标公告中标金额录入有误，更正为……")


class FailureForm(_FileForm):
    """废标公告: the case of 政府采购法 art. 36, what happened, and the committee's conclusion."""

    failure_reason = forms.ChoiceField(
        label="废标原因（《中华人民共和国政府采购法》第三十六条）",
        required=False,
        choices=[("", "请选择"), *FailureReason.choices],
    )
    content = _content("废标说明", placeholder="如：第3包截至投标截止时间仅2家供应商递交投标文件。")
    conclusion = AttachmentSlot(label=rules.MATERIAL_LABEL)

    def data_for_service(self) -> dict[str, Any]:
        return {**self.cleaned_data, rules.MATERIAL_SLOT: self.attachment(self.cleaned_data, "conclusion")}

    @classmethod
    def initial_for(cls, announcement: Announcement) -> dict[str, Any]:
        material = (announcement.attachments or {}).get(rules.MATERIAL_SLOT) or {}
        return {
            "failure_reason": announcement.failure_reason,
            "content": announcement.content,
            "conclusion": material.get("id", ""),
        }


class ExceptionForm(_FileForm):
    """项目暂停 / 项目取消: why, and the purchaser's sealed decision."""

    content = _content("原因及说明", placeholder="如：采购人因预算调整决定暂停本分包采购。")
    decision = AttachmentSlot(label=rules.DECISION_LABEL)

    def data_for_service(self) -> dict[str, Any]:
        return {**self.cleaned_data, rules.DECISION_SLOT: self.attachment(self.cleaned_data, "decision")}

    @classmethod
    def initial_for(cls, announcement: Announcement) -> dict[str, Any]:
        decision = (announcement.attachments or {}).get(rules.DECISION_SLOT) or {}
        return {"content": announcement.content, "decision": decision.get("id", "")}


class ResumptionForm(CorrectionForm):
    """恢复交易: what resumes, and the new bid deadline (= opening) it opens at."""

    content = _content("恢复说明", placeholder="如：暂停原因已消除，本分包恢复交易。")
    new_bid_deadline = _time_field(
        "新的投标截止时间（开标时间）",
        required=False,
        help_text="须晚于现在和原投标截止时间；请先在「场地预约」中为本分包预约该时间的开标室。",
    )


KIND_FORMS: dict[str, type[forms.Form]] = {
    AnnouncementKind.TENDER: AnnouncementForm,
    AnnouncementKind.CORRECTION: CorrectionForm,
    AnnouncementKind.AWARD: AwardForm,
    AnnouncementKind.AWARD_CHANGE: AwardChangeForm,
    AnnouncementKind.FAILURE: FailureForm,
    AnnouncementKind.SUSPENSION: ExceptionForm,
    AnnouncementKind.TERMINATION: ExceptionForm,
    AnnouncementKind.RESUMPTION: ResumptionForm,
}
# The kinds whose form stores a file first (centers.uploads.bound_with_uploads), and its slot.
UPLOAD_SLOTS: dict[str, str] = {
    AnnouncementKind.FAILURE: "conclusion",
    AnnouncementKind.SUSPENSION: "decision",
    AnnouncementKind.TERMINATION: "decision",
}


def kind_form(
    kind: str, data: Any = None, *, entry: CenterSubject, initial: dict[str, Any] | None = None
) -> Any:
    """The kind's form, bound to `data` (a POST) or filled from `initial`."""
    form_class: Any = KIND_FORMS[kind]
    extra: dict[str, Any] = {}
    if issubclass(form_class, AwardForm):
        extra["center"] = entry.center
    if form_class in (FailureForm, ExceptionForm):
        extra["subject"] = entry.subject
    return form_class(data, initial=initial, **extra)


class SubmitForm(forms.Form):
    opinion = forms.CharField(
        label="签署意见",
        max_length=rules.OPINION_LIMIT,
        initial="同意发布。",
        error_messages={"required": rules.OPINION_REQUIRED, "max_length": rules.OPINION_TOO_LONG},
    )
