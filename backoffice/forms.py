"""Forms of the back-office: they shape input; the rules are the services' (review/services.py)."""

from typing import Any, cast

from django import forms

from centers.models import Center
from core.errors import DomainError
from review.models import ReviewKind, StaffMember, StaffRole
from review.selectors import STATUS_FILTER_LABELS, QueueFilter

DECISION_REQUIRED = "请点击「审核通过」或「退回」。"
DAY_TYPES = [("rest", "放假休息"), ("working", "调休上班")]


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """A service's refusal, on the field it names (or above the form), the input kept."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


class QueueFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="事项类别", required=False, choices=[("", "全部类别"), *ReviewKind.choices]
    )
    status = forms.ChoiceField(label="状态", required=False, choices=list(STATUS_FILTER_LABELS.items()))
    mine = forms.BooleanField(label="我认领的", required=False)
    overdue = forms.BooleanField(label="已超期", required=False)
    center = forms.ChoiceField(label="交易中心", required=False)

    def __init__(self, *args: Any, member: StaffMember, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if member.center_id is not None:
            del self.fields["center"]
        else:
            centers = Center.objects.values_list("code", "short_name")
            cast(forms.ChoiceField, self.fields["center"]).choices = [("", "全部中心"), *centers]

    def filters(self) -> QueueFilter:
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()  # a bad value drops that filter only; the others still apply
            data = self.cleaned_data
        return QueueFilter(
            kind=data.get("kind", ""),
            status=data.get("status", ""),
            mine=bool(data.get("mine")),
            overdue=bool(data.get("overdue")),
            center=data.get("center", ""),
        )


class DecisionForm(forms.Form):
    # The two buttons of the item page; a POST naming neither decides nothing.
    decision = forms.ChoiceField(
        choices=[("approve", "审核通过"), ("reject", "退回")],
        error_messages={"required": DECISION_REQUIRED, "invalid_choice": DECISION_REQUIRED},
    )
    # Required only to reject; the service says so (rules.OPINION_REQUIRED), on this field.
    opinion = forms.CharField(
        label="审核意见",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "通过时可不填；退回时请写明需要修改的内容。"}),
    )


class SubjectSearchForm(forms.Form):
    q = forms.CharField(
        label="名称或代码",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "单位名称的一部分，或统一社会信用代码/身份证号"}),
    )


class TypeRemoveForm(forms.Form):
    reason = forms.CharField(
        label="删除原因",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "如：单位来电申请删除，已核实经办人身份。"}),
        error_messages={"required": "请填写删除原因，它会记入该主体的操作记录。"},
    )


class _StaffFields(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    department = forms.CharField(label="科室", max_length=50, required=False)
    roles = forms.MultipleChoiceField(
        label="角色",
        choices=StaffRole.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个角色。"},
        help_text="审核员：主体信息、主体类型、从业人员的审核，删除主体类型；技术支持：证书解绑；两者都可查询主体。管理员：全部，及工作人员和节假日管理。",
    )
    id_number = forms.CharField(
        label="身份证号码", max_length=18, help_text="工作人员用本人CA证书登录时，按证书中的身份证号码识别。"
    )


class StaffAddForm(_StaffFields):
    username = forms.CharField(label="登录账号", max_length=150)
    password = forms.CharField(
        label="初始密码",
        required=False,
        widget=forms.PasswordInput(render_value=True),
        help_text="留空则该账号只能用CA证书登录。",
    )
    center = forms.ModelChoiceField(
        label="所属中心",
        queryset=Center.objects.all(),
        required=False,
        empty_label="不属于任何中心（平台管理员）",
    )

    field_order = ["username", "password", "name", "department", "center", "roles", "id_number"]

    def __init__(self, *args: Any, admin: StaffMember, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if admin.center_id is not None:
            # A center's administrator adds staff to that center only.
            center = cast(forms.ModelChoiceField, self.fields["center"])
            center.queryset = Center.objects.filter(pk=admin.center_id)
            center.initial = admin.center_id
            center.disabled = True


class StaffChangeForm(_StaffFields):
    pass


class CalendarDayForm(forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    is_working = forms.ChoiceField(label="类型", choices=DAY_TYPES, widget=forms.RadioSelect, initial="rest")
    note = forms.CharField(label="说明", max_length=50, required=False)

    @property
    def working(self) -> bool:
        return self.cleaned_data["is_working"] == "working"


class CalendarDayChangeForm(forms.Form):
    is_working = forms.ChoiceField(label="类型", choices=DAY_TYPES, widget=forms.RadioSelect)
    note = forms.CharField(label="说明", max_length=50, required=False)

    @property
    def working(self) -> bool:
        return self.cleaned_data["is_working"] == "working"
