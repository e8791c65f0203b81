"""The machinery shared by every kind's form: JSON snapshots, attachments, row lists, display.

A kind's form declares its fields as usual plus:
- sections: [(title, [field names])] — the fieldsets shown on the page;
- submit_required: field names that must be filled before 「提交」 (drafts may be incomplete);
- row_lists: {name: RowList(...)} — repeating rows (qualification items, practitioner
  certificates) edited as formsets and stored as lists.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.conf import settings

from registry.models import Attachment, Subject
from registry.rules import ATTACHMENT_TYPES, human_size

ATTACHMENT_NOT_FOUND = "所选电子件不存在，请重新上传。"


class AttachmentWidget(forms.Widget):
    """Hidden id of the stored file, its name and link, and a file input to (re)place it."""

    template_name = "registry/widgets/attachment.html"
    current: Attachment | None = None

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            current=self.current,
            file_name=f"{name}__file",
            clear_name=f"{name}__clear",
            accept=",".join([".pdf", ".jpg", ".jpeg", ".png"]),
            max_bytes=settings.ATTACHMENT_MAX_BYTES,
            max_label=human_size(settings.ATTACHMENT_MAX_BYTES),
            kinds="、".join(ATTACHMENT_TYPES.values()),
        )
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if data.get(f"{name}__clear"):
            return ""
        return data.get(name, "")


class AttachmentSlot(forms.Field):
    widget = AttachmentWidget

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> str:
        value = str(value or "").strip()
        if value and attachment_pk(value) is None:
            raise forms.ValidationError(ATTACHMENT_NOT_FOUND, code="invalid")
        return value


def attachment_pks(values: Any) -> list[int]:
    """The ids among attachment slots' values, for one query that loads them all."""
    return [pk for pk in map(attachment_pk, values) if pk is not None]


def attachment_pk(value: Any) -> int | None:
    """The attachment id an attachment slot holds, or None when its value cannot be one.

    Strictly ASCII digits within the database's 64 bits: str.isdigit() also takes "²", which
    int() refuses, and an id of 2**63 or more overflows SQLite (PostgreSQL: DataError)."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    pk = int(text)
    return pk if 0 < pk < 2**63 else None


@dataclass(frozen=True)
class RowList:
    label: str
    form_class: type[forms.Form]
    min_on_submit: int = 0
    # Columns shown when a row is displayed in a view or a difference.
    summary: tuple[str, ...] = ()


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "pk"):
        return value.pk
    return value


def _is_empty(value: Any) -> bool:
    return value in (None, "", [], {})


class RowForm(forms.Form):
    """One repeating row; stored as a plain dict."""

    def to_data(self) -> dict[str, Any]:
        return {
            name: _jsonable(self.cleaned_data.get(name))
            for name in self.fields
            if name != forms.formsets.DELETION_FIELD_NAME
        }


class RecordForm(forms.Form):
    sections: ClassVar[list[tuple[str, list[str]]]] = []
    submit_required: ClassVar[tuple[str, ...]] = ()
    row_lists: ClassVar[dict[str, RowList]] = {}
    # The field whose value names the record in lists (资质证书编号, 项目名称 …).
    title_field: ClassVar[str] = ""
    # Section titles and row-list names in the order the page shows them (as tabs when set).
    tab_order: ClassVar[list[str]] = []

    def __init__(
        self,
        *args: Any,
        subject: Subject,
        record_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        record_data = record_data or {}
        kwargs.setdefault("initial", self.data_to_initial(record_data))
        super().__init__(*args, **kwargs)
        self.subject = subject
        for name in self.submit_required:
            # Marks the red asterisk; drafts may leave the field empty, 「提交」 may not.
            self.fields[name].required_on_submit = True  # type: ignore[attr-defined]
        self.formsets = {
            # One empty row to start with when there is none yet; an untouched row is ignored.
            name: forms.formset_factory(
                spec.form_class, extra=0 if record_data.get(name) else 1, can_delete=True
            )(
                self.data if self.is_bound else None,
                initial=record_data.get(name) or [],
                prefix=name,
            )
            for name, spec in self.row_lists.items()
        }
        self._attachments = self._load_attachments()

    # --- reading stored data -------------------------------------------------------------

    @classmethod
    def data_to_initial(cls, data: dict[str, Any]) -> dict[str, Any]:
        initial = {}
        for name, field in cls.base_fields.items():
            value = data.get(name)
            if isinstance(field, AttachmentSlot):
                value = value.get("id") if isinstance(value, dict) else ""
            initial[name] = value
        return initial

    @classmethod
    def attachment_slots(cls) -> list[str]:
        return [n for n, f in cls.base_fields.items() if isinstance(f, AttachmentSlot)]

    def _load_attachments(self) -> dict[str, Attachment]:
        ids = {str(self[name].value()) for name in self.attachment_slots() if self[name].value()}
        found = {
            str(a.pk): a for a in Attachment.objects.filter(subject=self.subject, pk__in=attachment_pks(ids))
        }
        for name in self.attachment_slots():
            self.fields[name].widget.current = found.get(str(self[name].value()))
        return found

    # --- validation ---------------------------------------------------------------------

    def is_valid(self) -> bool:
        valid = super().is_valid()
        return all([valid] + [fs.is_valid() for fs in self.formsets.values()])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in self.attachment_slots():
            value = cleaned.get(name)
            if value and value not in self._attachments:
                # Not this subject's file (or never existed): refuse rather than leak.
                self.add_error(name, ATTACHMENT_NOT_FOUND)
        return cleaned

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if isinstance(field, AttachmentSlot):
                att = self._attachments.get(value or "")
                data[name] = att.reference() if att else None
            else:
                data[name] = _jsonable(value)
        for name, formset in self.formsets.items():
            # Rows saved before stay even when untouched; a new row counts once something is typed.
            saved = formset.initial_form_count()
            rows: list[RowForm] = formset.forms  # type: ignore[assignment]
            data[name] = [
                f.to_data()
                for i, f in enumerate(rows)
                if (i < saved or f.has_changed()) and not f.cleaned_data.get("DELETE")
            ]
        return data

    @classmethod
    def empty_required(cls, data: dict[str, Any]) -> list[str]:
        """Names of the fields 「提交」 requires that are empty, in page order."""
        return [
            name
            for name in cls.field_order_for_page()
            if name in cls.submit_required and _is_empty(data.get(name))
        ]

    @classmethod
    def missing_for_submit(cls, data: dict[str, Any]) -> list[str]:
        """Labels of what stops 「提交」: empty required fields and too-short row lists."""
        missing = [str(cls.base_fields[name].label) for name in cls.empty_required(data)]
        for name, spec in cls.row_lists.items():
            if len(data.get(name) or []) < spec.min_on_submit:
                missing.append(f"{spec.label}（至少{spec.min_on_submit}条）")
        return missing

    @classmethod
    def field_order_for_page(cls) -> list[str]:
        return [name for _, names in cls.sections for name in names]

    # --- display ------------------------------------------------------------------------

    def blocks(self) -> list[dict[str, Any]]:
        """What the edit page shows, in order: field sections and row lists."""
        sections = {
            title: {"kind": "fields", "title": title, "fields": [self[n] for n in names]}
            for title, names in self.sections
        }
        rows = {
            name: {"kind": "rows", "title": spec.label, "name": name, "formset": self.formsets[name]}
            for name, spec in self.row_lists.items()
        }
        order = self.tab_order or list(sections) + list(rows)
        return [sections.get(key) or rows[key] for key in order]

    @classmethod
    def display_value(cls, field: forms.Field, value: Any) -> str:
        if _is_empty(value):
            return ""
        if isinstance(field, AttachmentSlot):
            return value.get("name", "") if isinstance(value, dict) else ""
        if isinstance(field, forms.BooleanField):
            return "是" if value else "否"
        choices = getattr(field, "choices", None)
        if choices is not None and not isinstance(field, forms.ModelChoiceField):
            labels = {str(k): str(v) for k, v in _flat_choices(choices)}
            if isinstance(value, list):
                return "、".join(labels.get(str(v), str(v)) for v in value)
            return labels.get(str(value), str(value))
        if isinstance(field, forms.ModelChoiceField):
            assert field.queryset is not None
            obj = field.queryset.filter(pk=value).first()
            return field.label_from_instance(obj) if obj else str(value)
        return str(value)

    @classmethod
    def describe(cls, data: dict[str, Any]) -> list[tuple[str, list[tuple[str, str, str, int | None]]]]:
        """[(section, [(field name, label, shown value, attachment id)])] for read-only pages and
        differences; the attachment id (else None) lets a page link the file."""
        sections = []
        for title, names in cls.sections:
            rows = []
            for name in names:
                field, value = cls.base_fields[name], data.get(name)
                attachment_id = value.get("id") if isinstance(field, AttachmentSlot) and value else None
                rows.append((name, str(field.label), cls.display_value(field, value), attachment_id))
            sections.append((title, rows))
        for name, spec in cls.row_lists.items():
            rows = []
            for i, row in enumerate(data.get(name) or [], start=1):
                parts = [
                    cls.display_value(spec.form_class.base_fields[col], row.get(col)) for col in spec.summary
                ]
                rows.append((f"{name}.{i}", f"第{i}条", " / ".join(p for p in parts if p), None))
            sections.append((spec.label, rows))
        return sections

    @classmethod
    def flat_description(cls, data: dict[str, Any]) -> dict[str, tuple[str, str]]:
        return {
            key: (f"{section}·{label}" if key.count(".") else label, shown)
            for section, rows in cls.describe(data)
            for key, label, shown, _ in rows
        }

    @classmethod
    def difference(cls, old: dict[str, Any] | None, new: dict[str, Any]) -> list[tuple[str, str, str]]:
        """Field-by-field difference: [(label, before, after)] for every field that changed."""
        before = cls.flat_description(old or {})
        after = cls.flat_description(new)
        changes = []
        for key in list(after) + [k for k in before if k not in after]:
            label = (after.get(key) or before[key])[0]
            old_shown = before[key][1] if key in before else ""
            new_shown = after[key][1] if key in after else ""
            if old_shown != new_shown:
                changes.append((label, old_shown, new_shown))
        return changes


def _flat_choices(choices: Any) -> list[tuple[Any, Any]]:
    flat: list[tuple[Any, Any]] = []
    for key, value in choices:
        if isinstance(value, (list, tuple)):
            flat.extend(value)
        else:
            flat.append((key, value))
    return flat
