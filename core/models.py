from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEntry(models.Model):
    """One row per state change, written in the same transaction as the change itself."""

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # How the actor authenticated for this action: password, certificate, or system.
    auth_method = models.CharField("认证方式", max_length=20, blank=True)
    action = models.CharField("动作", max_length=64, db_index=True)
    # The object acted on, as "app.model" and primary key: the log outlives model renames.
    target_type = models.CharField("对象类型", max_length=64)
    target_id = models.CharField("对象编号", max_length=64)
    subject_id = models.BigIntegerField("主体编号", null=True, blank=True, db_index=True)
    data = models.JSONField("内容", default=dict, blank=True)
    ip = models.GenericIPAddressField("IP地址", null=True, blank=True)

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.target_type}#{self.target_id}"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    # Given up: the receiver refused for good, or every retry failed (see core/outbox.py).
    FAILED = "failed", "发送失败"


class OutboxMessage(models.Model):
    """A message to another system (the CA company …), written in the transaction of the change
    that causes it and posted after that transaction commits (core/outbox.py).

    The bearer token is not stored: token_setting names the Django setting that holds it, so a
    rotated secret applies to messages already queued and no secret sits in the database.
    """

    topic = models.CharField("主题", max_length=64, db_index=True)
    url = models.URLField("接收地址", max_length=500)
    payload = models.JSONField("内容", default=dict)
    token_setting = models.CharField("令牌配置项", max_length=64, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试时间", default=timezone.now)
    last_error = models.TextField("最近错误", blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "待发消息"
        verbose_name_plural = "待发消息"
        ordering = ["-created_at", "-id"]
        # The worker's one query: pending messages that are due.
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk}（{self.get_status_display()}）"
