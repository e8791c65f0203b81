"""Announcements (公告, 004 §3.7-3.13): documents the agency writes and seals, the center reviews, and
the platform publishes on approval, the sealed PDF byte for byte.

Every kind hangs on the tender document it follows; 中标公告 and 废标公告 are of one lot. The fields
of each kind are those of the national data standard (发改办法规〔2018〕1156号): a correction's
new bid deadline (postponed when set) and whether clarifications were issued; a result's winner
(name, code) and price. procurement.announcement_kinds holds what each kind checks and renders.
"""

from django.db import models

from procurement.scoping import AtCenter


class AnnouncementKind(models.TextChoices):
    TENDER = "tender", "招标公告"
    CORRECTION = "correction", "变更公告"
    AWARD = "award", "中标公告"
    AWARD_CHANGE = "award_change", "中标公告变更"
    FAILURE = "failure", "废标公告"
    # 采购异常 (§3.9): the 变更公告 of a lot suspended (中止), terminated (终止) or resumed.
    SUSPENSION = "suspension", "变更公告（项目暂停）"
    TERMINATION = "termination", "变更公告（项目取消）"
    RESUMPTION = "resumption", "变更公告（恢复交易）"


# 采购异常's kinds: one list, one lot's exception waiting at a time.
EXCEPTION_KINDS = (AnnouncementKind.SUSPENSION, AnnouncementKind.TERMINATION, AnnouncementKind.RESUMPTION)


class FailureReason(models.TextChoices):
    """政府采购法 art. 36: the cases in which a tender fails (废标)."""

    TOO_FEW = "too_few", "符合专业条件的供应商或者对招标文件作实质响应的供应商不足三家"
    UNFAIR = "unfair", "出现影响采购公正的违法、违规行为"
    OVER_BUDGET = "over_budget", "投标人的报价均超过了采购预算，采购人不能支付"
    CANCELLED = "cancelled", "因重大变故，采购任务取消"


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
    # 中标公告 and 废标公告 are of one lot; the 招标公告 and its 变更公告 of the tender document's lots.
    lot = models.ForeignKey(
        "procurement.Lot",
        verbose_name="分包",
        on_delete=models.PROTECT,
        related_name="announcements",
        null=True,
        blank=True,
    )
    other_matters = models.TextField("其他补充事宜", blank=True)
    content = models.TextField("公告内容", blank=True)  # 变更内容; 废标的说明
    # 变更公告: the bid deadline in force when it was made, and the new one (postponed when set).
    old_bid_deadline = models.DateTimeField("原投标截止时间", null=True, blank=True)
    new_bid_deadline = models.DateTimeField("新投标截止时间", null=True, blank=True)
    affects_bids = models.BooleanField("变更内容是否影响投标文件编制", default=False)
    has_clarification = models.BooleanField("是否有答疑澄清文件", default=False)
    # 中标公告: the winner as found by 「检索」 among the center's valid subjects, and its price.
    winner = models.ForeignKey(
        "centers.CenterSubject",
        verbose_name="中标单位",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    winner_name = models.CharField("中标单位名称", max_length=200, blank=True)
    winner_code = models.CharField("中标单位统一社会信用代码", max_length=18, blank=True)
    price = models.DecimalField("中标金额（元）", max_digits=16, decimal_places=2, null=True, blank=True)
    awarded_at = models.DateTimeField("确定中标人时间", null=True, blank=True)
    # 废标公告: the case of 政府采购法 art. 36, and the scanned 评标委员会废标结论 ({slot: reference}).
    failure_reason = models.CharField("废标原因", max_length=20, choices=FailureReason.choices, blank=True)
    attachments = models.JSONField("相关材料", default=dict, blank=True)
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
    # What the public search reads, written when published (procurement.announcement_search).
    search_text = models.TextField("检索文本", blank=True, editable=False)
    search_facets = models.CharField("检索标记", max_length=1000, blank=True, editable=False)
    budget = models.DecimalField(
        "项目预算（元）", max_digits=16, decimal_places=2, null=True, blank=True, editable=False
    )
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
