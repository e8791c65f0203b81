"""Forms of a subject's center pages: the center profile, a type to add, the role, 丰台 registration."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator

from centers import rules
from centers.models import SubjectType
from registry import identifiers
from registry.forms import BANK_ACCOUNT_INVALID, MOBILE_RE, PHONE_INVALID, PHONE_RE, validate_resident_id

PASSWORDS_DIFFER = "两次输入的密码不一致，请重新输入。"


def _text(label: str, max_length: int = 200, **kw: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=False, **kw)


def _phone(label: str) -> forms.CharField:
    return _text(
        label, 20, validators=[RegexValidator(f"{PHONE_RE.pattern}|{MOBILE_RE.pattern}", PHONE_INVALID)]
    )


class CenterProfileForm(forms.Form):
    """The center's own fields; for a local origin (000 §8.1.1, 丰台) also the registry-side ones.

    Every field may be left empty in a draft; 「提交」 asks for rules.profile_required (marked *).
    """

    # Registry-side, edited here only for local origins.
    name = _text("单位全称", help_text="与营业执照一致。变更名称后，请到CA机构办理证书名称变更。")
    legal_rep_name = _text("法定代表人", 50)
    legal_rep_id_number = _text("法定代表人身份证号", 18, validators=[validate_resident_id])
    legal_rep_phone = _phone("法定代表人手机")
    registered_address = _text("注册地址")
    # The center's own.
    contact_name = _text("业务联系人", 50)
    contact_phone = _phone("联系电话")
    contact_email = forms.EmailField(
        label="电子邮箱", required=False, help_text="接收本中心的通知（报名、澄清、开标、中标等）。"
    )
    refund_bank_name = _text("开户银行", help_text="保证金退还账户，须为本单位账户。")
    refund_account_name = _text("账户名称")
    refund_account = _text("账号", 32, validators=[RegexValidator(r"^\d{8,32}$", BANK_ACCOUNT_INVALID)])
    safety_licence_no = _text("安全生产许可证号", 60, help_text="施工企业填写；其他单位可不填。")
    introduction = forms.CharField(
        label="单位简介", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    sections = [
        ("单位基本信息", list(rules.REGISTRY_SIDE_FIELDS)),
        ("业务联系人", ["contact_name", "contact_phone", "contact_email"]),
        ("保证金退还账户", ["refund_bank_name", "refund_account_name", "refund_account"]),
        ("其他", ["safety_licence_no", "introduction"]),
    ]

    def __init__(self, *args: Any, origin: str, registry_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.origin = origin
        self.registry_name = registry_name
        allowed = rules.profile_fields(origin)
        for name in list(self.fields):
            if name not in allowed:
                del self.fields[name]
        for name in rules.profile_required(origin):
            self.fields[name].required_on_submit = True  # type: ignore[attr-defined]  # the * mark

    def blocks(self) -> list[tuple[str, list[forms.BoundField]]]:
        shown = []
        for title, names in self.sections:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                shown.append((title, fields))
        return shown

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("legal_rep_id_number"):
            cleaned["legal_rep_id_number"] = identifiers.normalize_code(cleaned["legal_rep_id_number"])
        name = (cleaned.get("name") or "").strip() if "name" in self.fields else self.registry_name
        problem = rules.refund_name_problem(
            account_name=cleaned.get("refund_account_name") or "", unit_name=name or self.registry_name
        )
        if problem:
            self.add_error("refund_account_name", problem)
        return cleaned

    def to_data(self) -> dict[str, str]:
        return {name: str(self.cleaned_data.get(name) or "").strip() for name in self.fields}


class TypeAddForm(forms.Form):
    type = forms.ChoiceField(label="新增主体类型", choices=SubjectType.choices, widget=forms.RadioSelect)

    def __init__(self, *args: Any, held: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(v, label) for v, label in SubjectType.choices if v not in held]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="以何种身份进入", widget=forms.RadioSelect)

    def __init__(self, *args: Any, roles: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["role"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(t, SubjectType(t).label) for t in roles]


class CenterRegisterForm(forms.Form):
    """002 §3: name and code come from the certificate; the user gives a mailbox and a password
    (for a password login after a key is lost, 002 §5)."""

    email = forms.EmailField(label="电子邮箱", help_text="用于找回密码和接收通知。")
    password = forms.CharField(label="设置密码", widget=forms.PasswordInput(render_value=True))
    password2 = forms.CharField(label="确认密码", widget=forms.PasswordInput(render_value=True))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password2"):
            self.add_error("password2", PASSWORDS_DIFFER)
        return cleaned
