"""Which form serves which record kind, for which subject kind."""

from registry import forms as kind_forms
from registry.models import RecordKind, SubjectKind
from registry.recordforms import RecordForm

FORMS: dict[tuple[str, str], type[RecordForm]] = {
    (SubjectKind.UNIT, RecordKind.BASIC): kind_forms.UnitBasicForm,
    (SubjectKind.PERSON, RecordKind.BASIC): kind_forms.PersonBasicForm,
    (SubjectKind.UNIT, RecordKind.QUALIFICATION): kind_forms.QualificationForm,
    (SubjectKind.UNIT, RecordKind.PERFORMANCE): kind_forms.PerformanceForm,
    (SubjectKind.UNIT, RecordKind.PRACTITIONER): kind_forms.PractitionerForm,
    (SubjectKind.UNIT, RecordKind.AWARD): kind_forms.AwardForm,
}

# The 「新增…」 button of each list page (003 §4.2-§4.5).
ADD_LABELS = {
    RecordKind.QUALIFICATION: "新增资质",
    RecordKind.PERFORMANCE: "新增单位业绩",
    RecordKind.PRACTITIONER: "新增人员",
    RecordKind.AWARD: "新增获奖",
}


def form_for(subject_kind: str, record_kind: str) -> type[RecordForm] | None:
    return FORMS.get((subject_kind, record_kind))


def kinds_for(subject_kind: str) -> list[str]:
    return [rk for (sk, rk) in FORMS if sk == subject_kind]
