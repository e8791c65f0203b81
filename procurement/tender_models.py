"""Tender documents (招标文件/采购文件, 004 §3.5) and their clarifications (答疑/澄清文件, §3.6).

A tender document covers one or more lots of an approved project; it is rendered from the method's
范本 or uploaded as a PDF, sealed by the agency's unit and then 「确认提交」: final, with no review
(004 §3.5.3). A clarification is the Nth one of a submitted tender document; when it may affect
bids and comes less than 15 days before the bid deadline it moves that deadline (87号令 art. 27).
"""

from django.db import models

from procurement.scoping import AtCenter


class TenderSource(models.TextChoices):
    TEMPLATE = "template", "范本"
    UPLOAD = "upload", "上传"


class TenderStatus(models.TextChoices):
    DRAFT = "draft", "编辑中"
    SUBMITTED = "submitted", "已提交"


class TenderQuerySet(AtCenter["TenderDocument"]):
    """TenderDocument rows of one center: objects.at(center)."""


class TenderDocument(models.Model):
    """招标文件: the agency's document for lots of one approved project, sealed and submitted."""

    center = models.ForeignKey(
        "centers.Center", verbose_name="交易中心", on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "centers.CenterSubject", verbose_name="代理机构", on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        "procurement.Project", verbose_name="采购项目", on_delete=models.PROTECT, related_name="tenders"
    )
    lots = models.ManyToManyField("procurement.Lot", verbose_name="分包", related_name="tenders")
    source = models.CharField("文件来源", max_length=10, choices=TenderSource.choices)
    template = models.CharField("范本", max_length=30, blank=True)
    # What the 范本 form filled in (evaluation factors, bonds, fee …), kept to render it again.
    fields = models.JSONField("范本内容", default=dict, blank=True)
    document = models.ForeignKey(
        "signing.Document", verbose_name="文件", on_delete=models.PROTECT, related_name="+", null=True
    )
    documents_from = models.DateTimeField("文件获取开始时间")
    documents_until = models.DateTimeField("文件获取截止时间")
    bid_deadline = models.DateTimeField("投标截止时间（开标时间）")
    opening_place = models.CharField("开标地点", max_length=200, blank=True)
    status = models.CharField("状态", max_length=20, choices=TenderStatus.choices, default=TenderStatus.DRAFT)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    opinion = models.CharField("签署意见", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = TenderQuerySet.as_manager()

    class Meta:
        verbose_name = "招标文件"
        verbose_name_plural = "招标文件"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["center", "agency", "status"])]

    def __str__(self) -> str:
        return f"{self.project.code} 招标文件"


class Clarification(models.Model):
    """答疑文件: 第N次澄清 of a submitted tender document."""

    tender = models.ForeignKey(
        TenderDocument, verbose_name="招标文件", on_delete=models.CASCADE, related_name="clarifications"
    )
    number = models.PositiveSmallIntegerField("澄清次数")
    affects_bids = models.BooleanField("可能影响投标文件编制", default=False)
    deadline_before = models.DateTimeField("原投标截止时间")
    new_bid_deadline = models.DateTimeField("新投标截止时间", null=True, blank=True)
    document = models.ForeignKey(
        "signing.Document", verbose_name="文件", on_delete=models.PROTECT, related_name="+", null=True
    )
    status = models.CharField("状态", max_length=20, choices=TenderStatus.choices, default=TenderStatus.DRAFT)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "答疑文件"
        verbose_name_plural = "答疑文件"
        ordering = ["tender", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "number"], name="clarification_number_once"),
        ]

    def __str__(self) -> str:
        return f"第{self.number}次澄清"
