"""「录入评标结果」: the form the center's staff fill for one opened lot."""

from __future__ import annotations

from django import forms

from procurement import lot_rules as rules
from procurement.forms_tenders import _time_field
from procurement.lot_models import EvaluationOutcome


class EvaluationForm(forms.Form):
    outcome = forms.ChoiceField(
        label="评标结果",
        choices=EvaluationOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择评标结果。"},
    )
    ended_at = _time_field("评标结束时间", error_messages={"required": "请填写评标结束时间。"})
    note = forms.CharField(
        label="说明",
        required=False,
        max_length=rules.NOTE_LIMIT,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": "如：评标委员会推荐中标候选人3名；或：有效投标不足三家。"}
        ),
        error_messages={"max_length": rules.NOTE_TOO_LONG},
    )
