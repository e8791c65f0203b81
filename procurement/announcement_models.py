"""Announcements (公告, 004 §3.7-3.13): documents the agency writes and seals, the center reviews, and
the platform publishes on approval, the sealed PDF byte for byte.

This first part holds the 招标公告 (§3.7) of a submitted tender document; the other kinds of the
manual (变更公告, 中标公告, 中标公告变更, 废标公告) keep their place in AnnouncementKind.
"""

from django.db import models

from procurement.scoping import AtCenter


class AnnouncementKind(models.TextChoices):
    TENDER = "tender", "招标公告"


class AnnouncementStatus(models.TextChoices):
    DRAFT = "draft", "编辑中"
    SUBMITTED = "submitted", "待审核"
    PUBLISHED = "published", "已发布"
    REJECTED = "rejected", "审核不通过"


class AnnouncementQuerySet(AtCenter["Announcement"]):
    """Announcement rows of one center: objects.at(center)."""


class Announcement(models.Model):
    """A 公告 of lots of one project. `document` is what is sealed; on approval it is published as
    it stood when submitted (`published_version` of that document, whose hash is kept)."""

    center = models.ForeignKey(
        "centers.Center", verbose_name="交易中心", on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "centers.CenterSubject", verbose_name="代理机构", on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        "procurement.Project", verbose_name="采购项目", on_delete=models.PROTECT, related_name="announcements"
    )
    tender = models.ForeignKey(
        "procurement.TenderDocument",
        verbose_name="招标文件",
        on_delete=models.PROTECT,
        related_name="announcements",
    )
    kind = models.CharField("公告类型", max_length=20, choices=AnnouncementKind.choices)
    other_matters = models.TextField("其他补充事宜", blank=True)
    document = models.ForeignKey(
        "signing.Document", verbose_name="公告文件", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=20, choices=AnnouncementStatus.choices, default=AnnouncementStatus.DRAFT
    )
    opinion = models.CharField("签署意见", max_length=200, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    # The sealed PDF's version and hash at 「提交信息」: what the reviewer reads and what is published.
    submitted_version = models.PositiveIntegerField("提交的文件版本", null=True, blank=True)
    submitted_sha256 = models.CharField("提交的文件SHA-256", max_length=64, blank=True)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_opinion = models.CharField("审核意见", max_length=500, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        verbose_name = "公告"
        verbose_name_plural = "公告"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["center", "agency", "status"]),
            models.Index(fields=["status", "published_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.get_kind_display()}"
