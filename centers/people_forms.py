"""Forms of the practitioner and unbind pages: the shape of the input, checked all at once so a
page shows every mistake together; the services check the rules again."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from centers import people_rules as rules
from centers.models import Practitioner, UnbindReason
from centers.practitioners import DETAIL_FIELDS, PractitionerDetails
from pki.models import BoundCertificate
from registry.identifiers import check_resident_id, normalize_code
from registry.models import Attachment, Subject
from registry.recordforms import AttachmentSlot, attachment_pks


class AttachmentsMixin:
    """Attachment slots hold the id of a file already stored for the subject; the page shows
    the file's name and link, so a file chosen once survives a wrong field elsewhere."""

    fields: dict[str, forms.Field]
    subject: Subject
    attachments: dict[str, Attachment]

    def slots(self) -> list[str]:
        return [name for name, field in self.fields.items() if isinstance(field, AttachmentSlot)]

    def load_attachments(self) -> None:
        form: Any = self
        ids = {str(form[name].value() or "") for name in self.slots()}
        found = Attachment.objects.filter(subject=self.subject, pk__in=attachment_pks(ids))
        self.attachments = {str(a.pk): a for a in found}
        for name in self.slots():
            self.fields[name].widget.current = self.attachments.get(str(form[name].value() or ""))  # type: ignore[attr-defined]

    def attachment(self, cleaned: dict[str, Any], name: str) -> Attachment | None:
        return self.attachments.get(cleaned.get(name) or "")

    def check_attachments(self, cleaned: dict[str, Any]) -> None:
        form: Any = self
        for name in self.slots():
            value = cleaned.get(name)
            if value and value not in self.attachments:
                form.add_error(name, rules.DOCUMENT_NOT_OWN)


class PractitionerForm(AttachmentsMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=50, error_messages={"required": rules.NAME_REQUIRED})
    id_number = forms.CharField(label="身份证号码", max_length=30)
    phone = forms.CharField(label="手机号码", max_length=20, required=False)
    position = forms.CharField(label="职务", max_length=50, required=False)
    title = forms.CharField(label="职称", max_length=50, required=False)
    qualification_no = forms.CharField(label="执业资格证书编号", max_length=50, required=False)
    id_card = AttachmentSlot(label=rules.DOCUMENT_SLOTS["id_card"])
    qualification = AttachmentSlot(
        label=rules.DOCUMENT_SLOTS["qualification"], help_text="填写了执业资格证书编号时必须上传。"
    )
    social_security = AttachmentSlot(label=rules.DOCUMENT_SLOTS["social_security"])

    sections = (
        ("基本信息", ["name", "id_number", "phone", "position", "title", "qualification_no"]),
        ("电子件", ["id_card", "qualification", "social_security"]),
    )

    def __init__(self, *args: Any, subject: Subject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subject = subject
        for name in [*rules.SUBMIT_REQUIRED_FIELDS, *rules.SUBMIT_REQUIRED_DOCUMENTS]:
            # The red asterisk: a draft may leave these empty, 「提交信息」 may not.
            self.fields[name].required_on_submit = True  # type: ignore[attr-defined]
        self.load_attachments()

    @classmethod
    def initial_for(cls, practitioner: Practitioner) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(practitioner, name) for name in DETAIL_FIELDS}
        for slot in rules.DOCUMENT_SLOTS:
            initial[slot] = (practitioner.documents.get(slot) or {}).get("id", "")
        return initial

    def clean_id_number(self) -> str:
        code = normalize_code(self.cleaned_data["id_number"])
        checked = check_resident_id(code)
        if not checked.ok:
            raise forms.ValidationError(rules.ID_NUMBER_INVALID.format(error=checked.error))
        return code

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not re.match(rules.PHONE_PATTERN, phone):
            raise forms.ValidationError(rules.PHONE_INVALID)
        return phone

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.check_attachments(cleaned)
        return cleaned

    def details(self) -> PractitionerDetails:
        return PractitionerDetails(**{name: self.cleaned_data[name] for name in DETAIL_FIELDS})

    def documents(self) -> dict[str, Attachment | None]:
        return {slot: self.attachment(self.cleaned_data, slot) for slot in rules.DOCUMENT_SLOTS}

    def blocks(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.sections]


def certificate_label(bound: BoundCertificate) -> str:
    return f"{bound.holder_name}（序列号 {bound.serial}，{bound.issuer.name}，有效期至{bound.not_after:%Y-%m-%d}）"


class UnbindForm(AttachmentsMixin, forms.Form):
    certificate = forms.TypedChoiceField(
        label="需要解绑的证书", coerce=int, error_messages={"required": rules.UNBIND_CERTIFICATE_NOT_FOUND}
    )
    reason = forms.ChoiceField(
        label="解绑原因",
        choices=UnbindReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": rules.UNBIND_REASON_REQUIRED},
    )
    explanation = forms.CharField(
        label="情况说明",
        max_length=rules.UNBIND_EXPLANATION_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": rules.UNBIND_EXPLANATION_REQUIRED,
            "max_length": rules.UNBIND_EXPLANATION_TOO_LONG.format(limit=rules.UNBIND_EXPLANATION_LIMIT),
        },
    )
    letter = AttachmentSlot(
        label="解绑申请书（加盖单位公章）", help_text="格式自拟，写明需解绑证书的序列号和原因。"
    )
    licence = AttachmentSlot(label="营业执照扫描件")

    def __init__(
        self, *args: Any, subject: Subject, certificates: list[BoundCertificate], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.subject = subject
        self.fields["certificate"].choices = [("", "请选择证书")] + [  # type: ignore[attr-defined]
            (c.pk, certificate_label(c)) for c in certificates
        ]
        self.fields["certificate"].error_messages["invalid_choice"] = rules.UNBIND_CERTIFICATE_NOT_FOUND
        for name in ("letter", "licence"):
            self.fields[name].required_on_submit = True  # type: ignore[attr-defined]
        self.load_attachments()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.check_attachments(cleaned)
        for name, message in (
            ("letter", rules.UNBIND_LETTER_MISSING),
            ("licence", rules.UNBIND_LICENCE_MISSING),
        ):
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, message)
        return cleaned
