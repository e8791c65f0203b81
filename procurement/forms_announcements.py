"""The 招标公告 page's two forms: its 其他补充事宜 (「修改保存」) and the 签署意见 of 「提交信息」."""

from django import forms

from procurement import announcement_rules as rules


class AnnouncementForm(forms.Form):
    other_matters = forms.CharField(
        label="其他补充事宜",
        required=False,
        max_length=rules.OTHER_MATTERS_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "每行一条，如：本项目专门面向中小企业采购。"}),
        error_messages={"max_length": rules.OTHER_MATTERS_TOO_LONG},
    )


class SubmitForm(forms.Form):
    opinion = forms.CharField(
        label="签署意见",
        max_length=rules.OPINION_LIMIT,
        initial="同意发布。",
        error_messages={"required": rules.OPINION_REQUIRED, "max_length": rules.OPINION_TOO_LONG},
    )
