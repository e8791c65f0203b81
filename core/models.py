from django.conf import settings
from django.db import models


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
