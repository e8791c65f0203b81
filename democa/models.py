"""The demo CA company's own records: applications received from the platform.

democa stands in for a CA company's system so that CA办理申请 can be tried end to end without one.
It talks to the platform only over HTTP (intake in, callback out), as the real CA would, and reads
nothing of the registry.
"""

from typing import Any

from django.db import models
from django.utils import timezone


class ReceivedStatus(models.TextChoices):
    RECEIVED = "received", "待受理"
    ACCEPTED = "accepted", "已受理"
    REJECTED = "rejected", "已驳回"
    WITHDRAWN = "withdrawn", "申请人已撤销"


# How the CA reads the applicant details the platform sends (its interface, not the registry's).
APPLICANT_LABELS = [
    ("name", "名称/姓名"),
    ("code", "代码/证件号"),
    ("legal_rep_name", "法定代表人"),
    ("legal_rep_id_number", "法定代表人身份证号"),
    ("legal_rep_phone", "法定代表人手机"),
    ("phone", "手机号码"),
    ("email", "电子邮箱"),
    ("region_name", "行政区划"),
    ("registered_address", "注册地址"),
    ("address", "联系地址"),
    ("contact_name", "联系人"),
    ("contact_phone", "联系电话"),
    ("contact_email", "联系人邮箱"),
]


class ReceivedApplication(models.Model):
    # The platform's reference: what the answer quotes back, and what a repeated delivery matches.
    reference = models.CharField("申请编号", max_length=64, unique=True)
    payload = models.JSONField("收到的内容", default=dict, blank=True)
    received_at = models.DateTimeField("收到时间", default=timezone.now)
    status = models.CharField(
        "状态", max_length=10, choices=ReceivedStatus.choices, default=ReceivedStatus.RECEIVED
    )
    answered_at = models.DateTimeField("处理时间", null=True, blank=True)
    answer_message = models.TextField("处理意见", blank=True)
    withdrawn_at = models.DateTimeField("撤销时间", null=True, blank=True)
    # The message carrying the answer back to the platform: the page shows whether it arrived.
    answer_outbox = models.ForeignKey(
        "core.OutboxMessage",
        verbose_name="回执消息",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "收到的CA办理申请"
        verbose_name_plural = "收到的CA办理申请"
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.applicant().get('name') or self.reference}（{self.get_status_display()}）"

    def applicant(self) -> dict[str, Any]:
        applicant = self.payload.get("applicant")
        return applicant if isinstance(applicant, dict) else {}

    def applicant_rows(self) -> list[tuple[str, str]]:
        applicant = self.applicant()
        return [(label, str(applicant[key])) for key, label in APPLICANT_LABELS if applicant.get(key)]
